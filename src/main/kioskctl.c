/* kioskctl — the staff command-line tool (PRODUCT.md "Command-line contract").
 *
 * Global options (--config FILE, --data-dir DIR) may stand anywhere on the line.  Each
 * command is one function here or in the module that owns the work (sync_cmd_*,
 * receipt_cmd_*, staffauth_cmd_*); this file only parses, opens and dispatches.
 *
 * Exit status: 0 success; 1 the command ran and found a problem (check failed, import
 * refused, upload failed); 2 bad arguments, configuration or data directory. */
#include "app/checkin.h"
#include "centre/centre_cmd.h"
#include "app/staffauth.h"
#include "content/import.h"
#include "core/config.h"
#include "core/paths.h"
#include "core/util.h"
#include "core/version.h"
#include "receipt/printer.h"
#include "receipt/receipt_cmd.h"
#include "receipt/sign.h"
#include "store/backup.h"
#include "store/clock.h"
#include "store/rescue.h"
#include "store/space.h"
#include "store/store.h"
#include "sync/sync_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ctl {
    struct config cfg;
    const char *config_path;
    const char *data_dir;
};

static void usage(FILE *f)
{
    fputs("usage: kioskctl [--config FILE] [--data-dir DIR] COMMAND [ARGS]\n"
          "commands:\n"
          "  check                         config, database, content and printer; exit 0 if all fine\n"
          "  stats [--date YYYY-MM-DD]     figures as 'name: count' lines\n"
          "  records [--kind K] [--date D] [--json]\n"
          "  import jobs|trainings|activities|materials|places|services PATH\n"
          "  export DIR                    write a bundle of uncollected records into DIR\n"
          "  upload                        send pending records to the central database\n"
          "  sync                          upload, then pull what the centre published\n"
          "  content-import BUNDLE         verify a centre-signed content bundle and apply it\n"
          "  set-pin                       read a new staff PIN (6-12 digits) from standard input\n"
          "  unlock                        clear the staff keypad's lock after wrong PINs\n"
          "  reset-database [--force]      start an empty database, the old files kept aside\n"
          "  verify PAYLOAD                check a receipt QR payload's signature\n"
          "  receipt UUID --png FILE | --escpos FILE\n"
          "  print-test                    print a test receipt on the configured printer\n"
          "  identity [--new]              this kiosk's id and Ed25519 public key (--new: make a new key)\n"
          "  backup DIR [--keep N]         verified copy of the database into DIR, newest N kept (7)\n"
          "  restore FILE                  put a backup back (the kiosk stopped)\n"
          "  --version                     print the version\n"
          "at the centre ([centre] conninfo):\n",
          f);
    centre_cmd_usage(f);
    const struct paths *p = paths_get();
    fprintf(f, "--config defaults to %s\n", p->config);
    if (p->installed)
        fprintf(f, "run as root, kioskctl acts as the user \"%s\"\n", p->user);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a failed open: what happened and what to do, on stderr. */
static void say_database_problem(const struct ctl *c, const char *err)
{
    fprintf(stderr, "kioskctl: %s.\n", err);
    struct store_incident inc;
    char text[4096];
    if (store_incident_read(c->cfg.data_dir, &inc) > 0) {
        store_incident_explain(&inc, text, sizeof text);
        fprintf(stderr, "%s\n", text);
    } else {
        fprintf(stderr, "Nothing was changed.  Put a backup back with `kioskctl restore FILE`, or "
                        "start an empty database with `kioskctl reset-database` (it keeps the "
                        "old files aside).\n");
    }
}

/* Opens the database for writing.  NULL with *status 2 when the data directory cannot
 * be used, 1 when its database is lost or damaged (said on stderr). */
static struct store *open_rw(struct ctl *c, int *status)
{
    char err[1024];
    struct store *st;
    if (util_mkdirs(c->cfg.data_dir, 0700) < 0) {
        fprintf(stderr, "%s:0: cannot create the data directory: %s\n", c->cfg.data_dir,
                strerror(errno));
        *status = 2;
        return NULL;
    }
    int rc = store_open(c->cfg.data_dir, c->cfg.kiosk_id, &st, err, sizeof err);
    if (rc == STORE_E_LOST || rc == STORE_E_DAMAGED) {
        say_database_problem(c, err);
        *status = 1;
        return NULL;
    }
    if (rc == STORE_E_UNAVAILABLE) {
        fprintf(stderr, "kioskctl: %s (kioskctl check tells whether the disk is full); nothing "
                        "was changed\n", err);
        *status = 1;
        return NULL;
    }
    if (rc < 0) {
        fprintf(stderr, "%s\n", err);
        *status = 2;
        return NULL;
    }
    return st;
}

/* Opens the database read-only (also on read-only media).  NULL with *status 2 when the
 * data directory never held a database (an unusable data directory), 1 when it holds
 * one that cannot be read or has lost it; the sentence is on stderr. */
static struct store *open_ro(struct ctl *c, int *status)
{
    char err[1024];
    struct store *st;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", c->cfg.data_dir, STORE_DB_NAME);
    if (store_open_readonly(c->cfg.data_dir, &st, err, sizeof err) < 0) {
        int marked = store_marker_read(c->cfg.data_dir, NULL, 0, NULL, 0) > 0;
        *status = access(path, F_OK) == 0 || marked ? 1 : 2;
        if (*status == 1)
            say_database_problem(c, err);
        else
            fprintf(stderr, "%s\n", err);
        return NULL;
    }
    return st;
}

static const char *const kinds[] = {"registration",      "checkin",      "job_interest",
                                    "training_signup",   "consultation", "queue_ticket",
                                    "training_waitlist", "study_view"};

static int valid_date(const char *d)
{
    int y, m, dd, n = 0;
    return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%n", &y, &m, &dd, &n) == 3 && n == 10 &&
           util_valid_date(y, m, dd);
}

/* The first column of sql's first row as a number, or -1 on a database error. */
static long long scalar(struct store *st, const char *sql, const char *arg)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    long long n = -1;
    if (!s)
        return -1;
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    else
        fprintf(stderr, "store: %s\n", sqlite3_errmsg(store_db(st)));
    sqlite3_finalize(s);
    return n;
}

/* The figures are written to a buffer and printed only when every query worked: a
 * damaged database gives an error and exit status 1, never a -1 that looks like a count. */
static int cmd_stats(struct ctl *c, int argc, char **argv)
{
    char date[16];
    util_time_local(now_ms(), "%Y-%m-%d", date, sizeof date);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--date") && i + 1 < argc && valid_date(argv[i + 1])) {
            util_strlcpy(date, argv[++i], sizeof date);
        } else {
            fprintf(stderr, "kioskctl stats: expected [--date YYYY-MM-DD], got \"%s\"\n", argv[i]);
            return 2;
        }
    }
    int status;
    struct store *st = open_ro(c, &status);
    if (!st)
        return status;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        abort();
    int bad = 0;
    fprintf(out, "date: %s\n", date);
    for (size_t k = 0; k < ARRAY_LEN(kinds) && !bad; k++) {
        if (!strcmp(kinds[k], "checkin")) {
            /* checkin, checkin.visit and checkin.activity.<id> lines */
            bad |= checkin_print_stats(st, date, out) < 0;
            continue;
        }
        sqlite3_stmt *s =
            store_prepare(st, "SELECT count(*) FROM records WHERE local_date=? AND kind=?");
        long long n = -1;
        if (s) {
            sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, kinds[k], -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW)
                n = sqlite3_column_int64(s, 0);
            else
                fprintf(stderr, "store: %s\n", sqlite3_errmsg(store_db(st)));
            sqlite3_finalize(s);
        }
        bad |= n < 0;
        fprintf(out, "%s: %lld\n", kinds[k], n);
    }
    static const struct {
        const char *name, *sql;
    } totals[] = {
        {"records_total", "SELECT count(*) FROM records"},
        {"not_collected", "SELECT count(*) FROM records WHERE collected_at IS NULL"
                          " AND quarantined_at IS NULL"},
        {"not_uploaded", "SELECT count(*) FROM records WHERE uploaded_at IS NULL"
                         " AND quarantined_at IS NULL"},
        {"quarantined", "SELECT count(*) FROM records WHERE quarantined_at IS NOT NULL"},
    };
    for (size_t k = 0; k < ARRAY_LEN(totals) && !bad; k++) {
        long long n = scalar(st, totals[k].sql, NULL);
        bad |= n < 0;
        fprintf(out, "%s: %lld\n", totals[k].name, n);
    }
    static const char *const content[] = {"jobs",      "trainings", "activities",
                                          "materials", "places",    "services"};
    for (size_t k = 0; k < ARRAY_LEN(content) && !bad; k++) {
        int n = store_count(st, content[k]);
        bad |= n < 0;
        fprintf(out, "%s: %d\n", content[k], n);
    }
    fclose(out);
    store_close(st);
    if (bad)
        fprintf(stderr, "kioskctl stats: the database could not be read (see above); run "
                        "kioskctl check\n");
    else
        fputs(text, stdout);
    free(text);
    return bad ? 1 : 0;
}

static int cmd_records(struct ctl *c, int argc, char **argv)
{
    const char *kind = NULL, *date = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--kind") && i + 1 < argc)
            kind = argv[++i];
        else if (!strcmp(argv[i], "--date") && i + 1 < argc && valid_date(argv[i + 1]))
            date = argv[++i];
        else {
            fprintf(stderr, "kioskctl records: bad argument \"%s\"\n", argv[i]);
            return 2;
        }
    }
    if (kind) {
        int ok = 0;
        for (size_t k = 0; k < ARRAY_LEN(kinds); k++)
            ok |= !strcmp(kind, kinds[k]);
        if (!ok) {
            fprintf(stderr, "kioskctl records: unknown kind \"%s\"\n", kind);
            return 2;
        }
    }
    int status;
    struct store *st = open_ro(c, &status);
    if (!st)
        return status;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT json_set(" STORE_RECORD_JSON_SQL ", '$.collected',"
            " json(iif(collected_at IS NULL, 'false', 'true')), '$.uploaded',"
            " json(iif(uploaded_at IS NULL, 'false', 'true'))),"
            " created_at, uuid, kind, collected_at, uploaded_at FROM records"
            " WHERE (?1 IS NULL OR kind=?1) AND (?2 IS NULL OR local_date=?2) ORDER BY seq");
    if (!s) {
        store_close(st);
        return 1;
    }
    if (kind)
        sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    if (date)
        sqlite3_bind_text(s, 2, date, -1, SQLITE_STATIC);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *col[6];
        for (int i = 0; i < 6; i++)
            col[i] = (const char *)sqlite3_column_text(s, i);
        if (json)
            puts(col[0]);
        else
            printf("%s  %s  %-16s %s%s\n", col[1], col[2], col[3], col[4] ? "collected " : "",
                   col[5] ? "uploaded" : "");
        n++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "kioskctl records: the database could not be read: %s\n",
                sqlite3_errmsg(store_db(st)));
        sqlite3_finalize(s);
        store_close(st);
        return 1;
    }
    sqlite3_finalize(s);
    if (!json)
        printf("%d record%s\n", n, n == 1 ? "" : "s");
    store_close(st);
    return 0;
}

static int cmd_import(struct ctl *c, int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "kioskctl import: expected jobs|trainings|activities|materials|places|"
                        "services PATH\n");
        return 2;
    }
    static const char *const what[] = {"jobs",      "trainings", "activities",
                                       "materials", "places",    "services"};
    int ok = 0;
    for (size_t k = 0; k < ARRAY_LEN(what); k++)
        ok |= !strcmp(argv[1], what[k]);
    if (!ok) {
        fprintf(stderr, "kioskctl import: unknown content \"%s\"\n", argv[1]);
        return 2;
    }
    int status;
    struct store *st = open_rw(c, &status);
    if (!st)
        return status;
    char err[1024] = "";
    int n = import_file(st, argv[1], argv[2], err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "%s\n", err);
        store_close(st);
        return 1;
    }
    char summary[128];
    import_summary(argv[1], n, summary, sizeof summary);
    store_event(st, now_ms(), "import", summary);
    printf("%s\n", summary);
    store_close(st);
    return 0;
}

/* 1 when path is one of the demo configurations shipped in the source tree
 * (kiosk-config/kiosk.ini, kiosk-config/portrait.ini): the only ones allowed to carry the
 * demo centre key.  An installed kiosk reads its own config file. */
static int shipped_demo_config(const char *path)
{
    static const char *const demo[] = {"kiosk-config/kiosk.ini", "kiosk-config/portrait.ini"};
    size_t n = strlen(path);
    for (size_t i = 0; i < ARRAY_LEN(demo); i++) {
        size_t k = strlen(demo[i]);
        if (n >= k && strcmp(path + n - k, demo[i]) == 0 && (n == k || path[n - k - 1] == '/'))
            return 1;
    }
    return 0;
}

/* [centre] public_key: USB bundles are sealed to it, so the demo key (whose secret half
 * is public) in a real kiosk would put personal data on every stick for anyone. */
static int check_centre_key(struct ctl *c)
{
    const char *k = c->cfg.centre_public_key;
    if (!k[0]) {
        printf("centre key: none (USB export is off: nothing personal leaves in clear)\n");
        return 0;
    }
    struct identity_pub pk, demo;
    if (identity_pub_parse(k, &pk) == 0 &&
        identity_pub_parse(IDENTITY_DEMO_CENTRE_KEY, &demo) == 0 && strcmp(pk.id, demo.id) == 0) {
        if (shipped_demo_config(c->config_path)) {
            printf("centre key: the DEMO key (%s; for the demo and tests only)\n", pk.id);
            return 0;
        }
        printf("centre key: FAILED -- [centre] public_key is the DEMO key %s, whose secret half"
               " is public: every USB bundle of this kiosk would be readable by anyone. Put the"
               " centre's own key there (kioskctl centre keygen, at the centre)\n", pk.id);
        return -1;
    }
    printf("centre key: ok (%s)\n", pk.id);
    return 0;
}

/* The kiosk's clock, judged by clock.h: against this build and the records, and against
 * the centre's as the last status report found it (the centre's fleet flags CLOCK then
 * too).  Prints the two lines; returns -1 when either fails. */
static int check_clock(struct store *st)
{
    struct clock_verdict v;
    int flags = clock_judge(st, now_ms(), 1, &v);
    char text[256];
    clock_explain(&v, text, sizeof text);
    if (flags & CLOCK_LOCAL)
        printf("clock: FAILED (%s: records made now are marked clock_suspect; set the time, "
               "e.g. timedatectl set-ntp true)\n", text);
    else
        printf("clock: ok (%s)\n", text);
    if (!v.centre_known) {
        printf("centre clock: not compared yet (no status report has reached the centre)\n");
        return flags ? -1 : 0;
    }
    long long a = llabs(v.centre_skew_s);
    const char *way = v.centre_skew_s < 0 ? "behind" : "ahead of";
    if (flags & CLOCK_CENTRE)
        printf("centre clock: FAILED -- this kiosk's clock was %lld s %s the centre's at %s;"
               " set the time (NTP)\n", a, way, v.centre_seen);
    else
        printf("centre clock: ok (%lld s %s the centre's at %s)\n", a, way, v.centre_seen);
    return flags ? -1 : 0;
}

/* Records the centre refused, with its reasons: kept on the kiosk, never sent again.
 * They are for staff to look at, not a fault of the kiosk: check does not fail on them. */
static void print_quarantine(struct store *st)
{
    int n = scalar(st, "SELECT count(*) FROM records WHERE quarantined_at IS NOT NULL", NULL);
    if (n <= 0) {
        printf("quarantine: none\n");
        return;
    }
    printf("quarantine: %d record%s refused by the centre, kept here and not sent again:\n", n,
           n == 1 ? "" : "s");
    sqlite3_stmt *s = store_prepare(st, "SELECT uuid, kind, created_at, quarantine_reason"
                                        " FROM records WHERE quarantined_at IS NOT NULL"
                                        " ORDER BY seq LIMIT 20");
    while (s && sqlite3_step(s) == SQLITE_ROW)
        printf("  %s %s %s: %s\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
               sqlite3_column_text(s, 2), sqlite3_column_text(s, 3));
    sqlite3_finalize(s);
    if (n > 20)
        printf("  … and %d more\n", n - 20);
}

/* Warns (without failing check) about a data dir or database files that group or others
 * may read: they hold personal data.  Returns how many warnings. */
static int check_permissions(const char *dir)
{
    static const char *const names[] = {"", "/" STORE_DB_NAME, "/" STORE_DB_NAME "-wal",
                                        "/" STORE_DB_NAME "-shm"};
    int warned = 0;
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s%s", dir, names[i]);
        if (stat(path, &sb) < 0 || !(sb.st_mode & 077))
            continue;
        printf("permissions: WARNING %s is open to group or others (mode %04o): chmod %s %s\n",
               path, (unsigned)(sb.st_mode & 07777), i == 0 ? "700" : "600", path);
        warned++;
    }
    if (!warned)
        printf("permissions: ok (the data directory and the database are the kiosk's alone)\n");
    return warned;
}

static int cmd_check(struct ctl *c, int argc, char **argv)
{
    int bad = 0;
    printf("config: ok (%s)\n", c->config_path);
    check_permissions(c->cfg.data_dir);
    /* Free space first: it says nothing about the database, and it matters most when the
     * database is fine and the kiosk nevertheless refuses new records. */
    /* A data directory not made yet: the disk it will be on. */
    char where[1024];
    util_strlcpy(where, c->cfg.data_dir, sizeof where);
    int64_t free;
    while ((free = space_free(where)) < 0 && errno == ENOENT && strrchr(where, '/')) {
        char *slash = strrchr(where, '/');
        if (slash == where)
            slash[1] = 0;
        else
            *slash = 0;
        if (!strcmp(where, "/"))
            break;
    }
    if (free < 0 && errno == ENOENT && !strchr(c->cfg.data_dir, '/'))
        free = space_free(".");
    int64_t min_free = (int64_t)c->cfg.store_min_free_mb << 20;
    if (free < 0) {
        printf("disk: FAILED (%s: %s)\n", c->cfg.data_dir, strerror(errno));
        bad = 1;
    } else if (free < min_free) {
        printf("disk: FAILED (%lld MB free on %s, below [store] min_free_mb %d: the kiosk takes "
               "no new records; collect the day with kioskctl export or upload, then free space "
               "on that disk)\n", (long long)(free >> 20), c->cfg.data_dir,
               c->cfg.store_min_free_mb);
        bad = 1;
    } else {
        printf("disk: ok (%lld MB free)\n", (long long)(free >> 20));
    }
    char err[1024];
    struct store *st;
    struct store_incident inc;
    if (store_open_readonly(c->cfg.data_dir, &st, err, sizeof err) < 0) {
        char text[4096];
        if (store_incident_read(c->cfg.data_dir, &inc) > 0) {
            store_incident_explain(&inc, text, sizeof text);
            printf("database: FAILED (%s)\n", text);
        } else if (store_marker_read(c->cfg.data_dir, NULL, 0, NULL, 0) > 0) {
            printf("database: FAILED (%s; this data directory has had a database: put a backup "
                   "back with `kioskctl restore FILE`, or start an empty one with `kioskctl "
                   "reset-database`)\n", err);
        } else {
            printf("database: FAILED (%s)\n", err);
        }
        return 1;
    }
    if (store_incident_read(c->cfg.data_dir, &inc) > 0) {
        /* A database is back, and the kiosk has not opened it yet. */
        printf("database: note (a database was put back after an incident: %s at %s; the "
               "kiosk logs it at its next start)\n", inc.what, inc.at);
    }
    if (store_check(st, err, sizeof err) == 0) {
        printf("database: ok\n");
    } else {
        printf("database: FAILED (%s)\n", err);
        bad = 1;
    }
    /* The signing key: a kiosk whose key is lost or foreign must not serve. */
    struct identity *id = NULL;
    enum sign_identity_state ids;
    if (sign_identity_open(c->cfg.data_dir, st, 0, &id, &ids, err, sizeof err) == 0) {
        printf("identity: ok (key %s)\n", identity_key_id(id));
    } else if (ids == SIGN_IDENTITY_NONE) {
        printf("identity: none yet (%s)\n", sign_identity_state_text(ids, 0));
    } else {
        printf("identity: FAILED (%s)\n", err);
        bad = 1;
    }
    identity_free(id);
    print_quarantine(st);
    if (check_clock(st) < 0)
        bad = 1;
    if (check_centre_key(c) < 0)
        bad = 1;
    static const char *const content[] = {"places",    "jobs",     "trainings", "activities",
                                          "materials", "services"};
    for (size_t k = 0; k < ARRAY_LEN(content); k++) {
        int n = store_count(st, content[k]);
        if (n < 0) {
            printf("content %s: FAILED (cannot be read)\n", content[k]);
            bad = 1;
        } else if (n == 0 && !strcmp(content[k], "places")) {
            printf("content %s: FAILED (none: registration cannot assign a station)\n",
                   content[k]);
            bad = 1;
        } else {
            printf("content %s: %d\n", content[k], n);
        }
    }
    store_close(st);
    /* The printer: asked for its status (a plain file is only checked for writability). */
    if (strcmp(c->cfg.printer_device, "none") == 0) {
        printf("printer: none (receipts are shown on screen only)\n");
    } else {
        char detail[192] = "";
        enum printer_outcome o = printer_send(c->cfg.printer_device, c->cfg.printer_timeout_ms,
                                              NULL, 0, detail, sizeof detail);
        if (o == PRINTER_PRINTED) {
            printf("printer: ok (%s)\n", c->cfg.printer_device);
        } else {
            printf("printer: FAILED (%s: %s%s%s)\n", c->cfg.printer_device,
                   printer_message(o, "en"), detail[0] ? "; " : "", detail);
            bad = 1;
        }
    }
    (void)argc;
    (void)argv;
    return bad;
}

static int cmd_backup(struct ctl *c, int argc, char **argv)
{
    const char *dir = NULL;
    int keep = 7;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "--keep") && i + 1 < argc) {
            long k = strtol(argv[++i], &end, 10);
            if (*end || k < 1 || k > 10000) {
                fprintf(stderr, "kioskctl backup: --keep wants a number from 1 to 10000\n");
                return 2;
            }
            keep = (int)k;
        } else if (!dir && argv[i][0] != '-') {
            dir = argv[i];
        } else {
            fprintf(stderr, "kioskctl backup: expected DIR [--keep N], got \"%s\"\n", argv[i]);
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "kioskctl backup: expected DIR [--keep N]\n");
        return 2;
    }
    struct backup_result r;
    char err[1024];
    if (backup_make(c->cfg.data_dir, dir, keep, now_ms(), &r, err, sizeof err) < 0) {
        fprintf(stderr, "kioskctl backup: %s\n", err);
        return 1;
    }
    printf("backup: %s (%d records, integrity ok)", r.path, r.records);
    if (r.removed)
        printf("; %d older removed", r.removed);
    printf("\n");
    return 0;
}

static int cmd_restore(struct ctl *c, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "kioskctl restore: expected FILE (a backup made by kioskctl backup)\n");
        return 2;
    }
    struct backup_result r;
    char err[1024];
    if (backup_restore(c->cfg.data_dir, argv[1], now_ms(), &r, err, sizeof err) < 0) {
        fprintf(stderr, "kioskctl restore: %s\n", err);
        return 1;
    }
    /* The event goes into the restored database, which the kiosk reads next (a kiosk out
     * of service finds it by itself and resumes). */
    int status;
    struct store *st = open_rw(c, &status);
    if (st) {
        store_event(st, now_ms(), "restore", argv[1]);
        store_close(st);
    }
    printf("restored %s into %s (%d records)\n", argv[1], r.path, r.records);
    if (r.kept[0])
        printf("the database before the restore is kept as %s\n", r.kept);
    return 0;
}

static int cmd_set_pin(struct ctl *c, int argc, char **argv)
{
    int status;
    struct store *st = open_rw(c, &status);
    if (!st)
        return status;
    int rc = staffauth_cmd_set_pin(st, &c->cfg, argc, argv);
    store_close(st);
    return rc;
}

/* identity [--new] — prints the kiosk's id and public key for `centre add-kiosk`; --new
 * makes a new key on purpose (a lost key is never replaced otherwise). */
static int cmd_identity(struct ctl *c, int argc, char **argv)
{
    int renew = argc == 2 && !strcmp(argv[1], "--new");
    if (argc > 2 || (argc == 2 && !renew)) {
        fprintf(stderr, "usage: kioskctl identity [--new]\n");
        return 2;
    }
    int status;
    struct store *st = renew ? open_rw(c, &status) : open_ro(c, &status);
    if (!st)
        return status;
    char err[1024];
    struct identity *id = NULL;
    enum sign_identity_state state;
    int rc = 0;
    if (renew) {
        enum sign_identity_state before;
        struct identity *old = NULL;
        sign_identity_open(c->cfg.data_dir, st, 0, &old, &before, err, sizeof err);
        if (sign_identity_renew(c->cfg.data_dir, st, &id, err, sizeof err) < 0) {
            fprintf(stderr, "kioskctl identity: %s\n", err);
            rc = 1;
        } else {
            if (old)
                printf("the key %s was replaced; what it signed still verifies by its key id\n",
                       identity_key_id(old));
            store_event(st, now_ms(), "identity_new", identity_key_id(id));
        }
        identity_free(old);
    } else if (sign_identity_open(c->cfg.data_dir, st, 0, &id, &state, err, sizeof err) < 0) {
        fprintf(stderr, "kioskctl identity: %s\n", err);
        rc = 1;
    }
    if (id) {
        printf("kiosk_id: %s\npublic_key: %s\nkey_id: %s\n", c->cfg.kiosk_id,
               identity_public(id)->text, identity_key_id(id));
        if (renew)
            printf("register it at the centre: kioskctl centre add-kiosk %s --hall HALL"
                   " --role LOGIN --pubkey %s --replace\n",
                   c->cfg.kiosk_id, identity_public(id)->text);
    }
    identity_free(id);
    store_close(st);
    return rc;
}

static int cmd_reset_database(struct ctl *c, int argc, char **argv)
{
    int force = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else {
            fprintf(stderr, "usage: kioskctl reset-database [--force]\n");
            return 2;
        }
    }
    struct store_incident inc;
    struct store *st;
    char err[2048];
    int rc = store_reset(c->cfg.data_dir, c->cfg.kiosk_id, force, now_ms(), &inc, &st, err,
                         sizeof err);
    if (rc != 0) {
        fprintf(stderr, "kioskctl reset-database: %s\n", err);
        return 1;
    }
    store_close(st);
    printf("a new, empty database was started in %s\n", c->cfg.data_dir);
    if (inc.aside[0])
        printf("the old files are in %s\n", inc.aside);
    if (inc.rescued[0]) {
        if (inc.rescued_records >= 0)
            printf("%ld records were rescued into %s (kioskctl restore %s continues with them)\n",
                   inc.rescued_records, inc.rescued, inc.rescued);
        else
            printf("what could be read was rescued into %s\n", inc.rescued);
    }
    return 0;
}

typedef int (*store_cmd_fn)(struct store *, const struct config *, int, char **);

static int with_store(struct ctl *c, store_cmd_fn fn, int argc, char **argv)
{
    int status;
    struct store *st = open_rw(c, &status);
    if (!st)
        return status;
    int rc = fn(st, &c->cfg, argc, argv);
    store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    /* Everything kioskctl creates (database, keys, backups, bundles) is its user's alone. */
    umask(077);
    struct ctl c = {.config_path = paths_get()->config};
    char *rest[256];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            c.config_path = argv[++i];
        else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
            c.data_dir = argv[++i];
        else if (!strcmp(argv[i], "--version")) {
            printf("kioskctl %s\n", version_string());
            return 0;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (n < (int)ARRAY_LEN(rest) - 1)
            rest[n++] = argv[i];
    }
    rest[n] = NULL;
    if (n == 0) {
        usage(stderr);
        return 2;
    }
    char err[1024];
    /* Before anything is read or written: root on an installed kiosk works as its user. */
    if (paths_become_kiosk_user(err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (config_load(c.config_path, &c.cfg, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (c.data_dir)
        util_strlcpy(c.cfg.data_dir, c.data_dir, sizeof c.cfg.data_dir);
    config_set_timezone(&c.cfg);

    const char *cmd = rest[0];
    if (!strcmp(cmd, "stats"))
        return cmd_stats(&c, n, rest);
    if (!strcmp(cmd, "records"))
        return cmd_records(&c, n, rest);
    if (!strcmp(cmd, "import"))
        return cmd_import(&c, n, rest);
    if (!strcmp(cmd, "check"))
        return cmd_check(&c, n, rest);
    if (!strcmp(cmd, "backup"))
        return cmd_backup(&c, n, rest);
    if (!strcmp(cmd, "restore"))
        return cmd_restore(&c, n, rest);
    if (!strcmp(cmd, "set-pin"))
        return cmd_set_pin(&c, n, rest);
    if (!strcmp(cmd, "reset-database"))
        return cmd_reset_database(&c, n, rest);
    if (!strcmp(cmd, "unlock"))
        return with_store(&c, staffauth_cmd_unlock, n, rest);
    if (!strcmp(cmd, "export"))
        return with_store(&c, sync_cmd_export, n, rest);
    if (!strcmp(cmd, "upload"))
        return with_store(&c, sync_cmd_upload, n, rest);
    if (!strcmp(cmd, "sync"))
        return with_store(&c, sync_cmd_sync, n, rest);
    if (!strcmp(cmd, "content-import"))
        return with_store(&c, sync_cmd_content_import, n, rest);
    if (!strcmp(cmd, "ingest"))
        return centre_cmd_ingest(&c.cfg, n, rest);
    if (!strcmp(cmd, "verify"))
        return receipt_cmd_verify(&c.cfg, n, rest);
    if (!strcmp(cmd, "receipt"))
        return receipt_cmd_receipt(&c.cfg, n, rest);
    if (!strcmp(cmd, "identity"))
        return cmd_identity(&c, n, rest);
    if (!strcmp(cmd, "centre"))
        return centre_cmd(&c.cfg, n, rest);
    if (!strcmp(cmd, "print-test"))
        return receipt_cmd_print_test(&c.cfg, n, rest);
    fprintf(stderr, "kioskctl: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
