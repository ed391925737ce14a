/* Tests for sync/export: a bundle that `sha256sum -c` accepts, signed, its personal
 * fields sealed (centre/ingest's checks of it: test_ingest.c), private files, a manifest
 * that counts right, no export without the keys, nothing new → no folder, new
 * records only in the next bundle, numbering that survives deleted folders, and failed
 * writes (a drive that fills up, a read-only drive, a missing drive, a cancel) that mark
 * nothing and leave no bundle under its final name.
 *
 * The full-drive case runs twice: through the export's byte-limit hook (always), and on a
 * real 64 KiB tmpfs when this process may mount one (root); otherwise it is skipped. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "core/identity.h"
#include "receipt/sign.h"
#include "sync/export.h"
#include "sync/syncjob.h"

struct fixture {
    char dir[64];           /* kiosk data */
    char target[64];        /* the "USB drive" */
    struct store *st;
    struct export_keys keys; /* the kiosk's identity, the demo centre key */
    int64_t now;            /* 2026-12-01 09:00 in Lishui */
    int mounted;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/test_export_XXXXXX");
    strcpy(f->target, "/tmp/test_export_usb_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_non_null(mkdtemp(f->target));
    char err[256] = "";
    if (store_open(f->dir, "LD01", &f->st, err, sizeof err) != 0)
        fail_msg("store_open: %s", err);
    enum sign_identity_state ks;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &f->keys.kiosk, &ks, err, sizeof err), 0);
    assert_int_equal(identity_pub_parse(IDENTITY_DEMO_CENTRE_KEY, &f->keys.centre), 0);
    f->keys.has_centre = 1;
    assert_int_equal(util_parse_iso("2026-12-01T09:00:00+08:00", &f->now), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    export_keys_clear(&f->keys);
    store_close(f->st);
    if (f->mounted)
        umount2(f->target, MNT_DETACH);
    rm_tree(f->dir);
    rm_tree(f->target);
    free(f);
    return 0;
}

/* ---- helpers ---- */

static void add(struct fixture *f, const char *kind, int n, char uuids[][37])
{
    for (int i = 0; i < n; i++) {
        char fields[128], uuid[37];
        snprintf(fields, sizeof fields, "{\"name\":\"张三\",\"n\":%d}", i);
        assert_int_equal(store_record_add(f->st, kind, fields, f->now - 3600000 + i, uuid), 0);
        if (uuids)
            memcpy(uuids[i], uuid, 37);
    }
}

/* Records with ~1 KB of fields each, to fill a small drive. */
static void add_big(struct fixture *f, int n)
{
    char fields[1200], pad[1001];
    memset(pad, 'x', 1000);
    pad[1000] = 0;
    for (int i = 0; i < n; i++) {
        char uuid[37];
        snprintf(fields, sizeof fields, "{\"note\":\"%s\",\"n\":%d}", pad, i);
        assert_int_equal(store_record_add(f->st, "consultation", fields, f->now, uuid), 0);
    }
}

static long long q_int(struct fixture *f, const char *sql, const char *arg)
{
    sqlite3_stmt *s = store_prepare(f->st, sql);
    assert_non_null(s);
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A JSON value of a file as text, through SQLite's JSON functions. */
static char *json_at(struct fixture *f, const char *file, const char *jpath)
{
    char *text = util_read_file(file, NULL);
    assert_non_null(text);
    sqlite3_stmt *s = store_prepare(f->st, "SELECT ? ->> ?");
    assert_non_null(s);
    sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, jpath, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *v = (const char *)sqlite3_column_text(s, 0);
    char *out = strdup(v ? v : "(null)");
    sqlite3_finalize(s);
    free(text);
    return out;
}

static void assert_json(struct fixture *f, const char *file, const char *jpath, const char *want)
{
    char *v = json_at(f, file, jpath), got[256];
    util_strlcpy(got, v, sizeof got);
    free(v);
    if (strcmp(got, want) != 0)
        fail_msg("%s %s: got %s, want %s", file, jpath, got, want);
}

/* out = a/b.  Out of line so the compiler does not second-guess path lengths. */
__attribute__((noinline)) static void pj(char *out, size_t n, const char *a, const char *b)
{
    if ((size_t)snprintf(out, n, "%s/%s", a, b) >= n)
        fail_msg("path too long: %s/%s", a, b);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int lines_in(const char *path)
{
    char *t = util_read_file(path, NULL);
    assert_non_null(t);
    int n = 0;
    for (char *p = t; *p; p++)
        n += *p == '\n';
    free(t);
    return n;
}

static int sha256sum_ok(const char *dir)
{
    struct strbuf cmd = {0};
    strbuf_addf(&cmd, "cd '%s' && sha256sum -c --quiet --strict SHA256SUMS >/dev/null 2>&1", dir);
    int rc = system(cmd.buf);
    strbuf_free(&cmd);
    return rc == 0;
}

struct progress_seen {
    int calls, last_done, last_total;
};

static void on_progress(void *ctx, int done, int total)
{
    struct progress_seen *p = ctx;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

static int export(struct fixture *f, struct export_result *res, char *err, size_t errlen)
{
    return export_bundle(f->st, &f->keys, f->target, f->now, res, NULL, NULL, err, errlen);
}

/* ---- tests ---- */

static void test_export_writes_verified_bundle(void **state)
{
    struct fixture *f = *state;
    char ck[2][37], reg[1][37];
    add(f, "checkin", 2, ck);
    add(f, "registration", 1, reg);
    store_event(f->st, f->now, "startup", "");
    store_event(f->st, f->now, "printer", "out of paper");

    struct export_result res;
    struct progress_seen ps = {0};
    char err[512] = "";
    int rc = export_bundle(f->st, &f->keys, f->target, f->now, &res, on_progress, &ps, err,
                           sizeof err);
    if (rc != 0)
        fail_msg("export: %s", err);
    assert_int_equal(res.status, EXPORT_OK);
    assert_int_equal(res.records, 3);
    assert_int_equal(res.events, 2);
    assert_string_equal(res.bundle, "LD01-20261201-001");
    assert_true(ps.calls >= 1);
    assert_int_equal(ps.last_done, ps.last_total);

    /* Exactly one folder, under the final name, with the five files, none of them
     * readable by others. */
    assert_int_equal(entries(f->target), 1);
    char p[4400];
    pj(p, sizeof p, f->target, "LD01-20261201-001");
    assert_string_equal(res.path, p);
    assert_int_equal(entries(p), 5);
    assert_true(sha256sum_ok(p));
    char e2[4400];
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    static const char *const names[] = {"records.jsonl", "events.jsonl", "manifest.json",
                                        "SHA256SUMS", "SIGNATURE"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        pj(e2, sizeof e2, p, names[i]);
        assert_int_equal(stat(e2, &sb), 0);
        assert_int_equal(sb.st_mode & 077, 0);
    }

    char rec[4400], man[4400];
    pj(rec, sizeof rec, p, "records.jsonl");
    pj(man, sizeof man, p, "manifest.json");
    assert_int_equal(lines_in(rec), 3);
    pj(e2, sizeof e2, p, "events.jsonl");
    assert_int_equal(lines_in(e2), 2);

    assert_json(f, man, "$.kiosk_id", "LD01");
    assert_json(f, man, "$.bundle", "LD01-20261201-001");
    char ver[16];
    snprintf(ver, sizeof ver, "%d", STORE_SCHEMA_VERSION);
    assert_json(f, man, "$.schema_version", ver);
    assert_json(f, man, "$.format", "kiosk-bundle/2");
    assert_json(f, man, "$.signed_by", identity_key_id(f->keys.kiosk));
    assert_json(f, man, "$.sealed_to", f->keys.centre.id);
    assert_json(f, man, "$.record_count", "3");
    assert_json(f, man, "$.event_count", "2");
    assert_json(f, man, "$.counts.checkin", "2");
    assert_json(f, man, "$.counts.registration", "1");
    assert_json(f, man, "$.counts.queue_ticket", "0");
    assert_json(f, man, "$.seq_range.first", "1");
    assert_json(f, man, "$.seq_range.last", "3");
    assert_json(f, man, "$.time_span.first", "2026-12-01T00:00:00.000Z");
    assert_json(f, man, "$.time_span.last", "2026-12-01T00:00:00.001Z");
    assert_json(f, man, "$.files[0].name", "records.jsonl");

    /* Each line carries the record with its clear fields; the name is sealed. */
    char *t = util_read_file(rec, NULL);
    assert_non_null(t);
    assert_null(strstr(t, "张三"));
    char *nl = strchr(t, '\n');
    *nl = 0;
    sqlite3_stmt *s = store_prepare(f->st, "SELECT ?1 ->> '$.uuid', ?1 ->> '$.kind',"
                                           " ?1 ->> '$.fields.name', ?1 ->> '$.kiosk_id',"
                                           " ?1 ->> '$.local_date', json_type(?1, '$.fields'),"
                                           " ?1 ->> '$.fields.n', ?1 ->> '$.sealed', ?1 ->> '$.seq'");
    sqlite3_bind_text(s, 1, t, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(s, 0), ck[0]);
    assert_string_equal(sqlite3_column_text(s, 1), "checkin");
    assert_null(sqlite3_column_text(s, 2));
    assert_string_equal(sqlite3_column_text(s, 3), "LD01");
    assert_string_equal(sqlite3_column_text(s, 4), "2026-12-01");
    assert_string_equal(sqlite3_column_text(s, 5), "object");
    assert_null(sqlite3_column_text(s, 6)); /* not on the clear list: sealed too */
    assert_true(strlen((const char *)sqlite3_column_text(s, 7)) > 40);
    assert_string_equal(sqlite3_column_text(s, 8), "1");
    sqlite3_finalize(s);
    free(t);

    /* Marked only now, with the bundle's name. */
    assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE collected_at IS NOT NULL"
                              " AND bundle = ?", "LD01-20261201-001"), 3);
    assert_int_equal(q_int(f, "SELECT count(*) FROM events WHERE collected_at IS NULL AND"
                              " kind <> 'export'", NULL), 0);
    struct record r;
    assert_int_equal(store_record_get(f->st, reg[0], &r), 0);
    assert_int_equal(r.collected, 1);
    record_clear(&r);
}

static void test_second_export_has_nothing_new(void **state)
{
    struct fixture *f = *state;
    add(f, "checkin", 2, NULL);
    struct export_result res;
    char err[512];
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_int_equal(res.records, 2);

    /* The export's own log entry alone must not make a bundle. */
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_int_equal(res.records, 0);
    assert_int_equal(res.status, EXPORT_NOTHING);
    assert_string_equal(res.bundle, "");
    assert_non_null(strstr(err, "nothing new"));
    assert_int_equal(entries(f->target), 1);
    assert_string_equal(export_status_text(EXPORT_NOTHING, 1), "没有新的记录需要导出");
}

static void test_new_records_go_only_into_next_bundle(void **state)
{
    struct fixture *f = *state;
    char first[2][37], later[3][37];
    add(f, "checkin", 2, first);
    struct export_result res;
    char err[512];
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    add(f, "job_interest", 3, later);
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_string_equal(res.bundle, "LD01-20261201-002");
    assert_int_equal(res.records, 3);
    assert_int_equal(res.first_seq, 3);
    assert_int_equal(res.last_seq, 5);

    char rec[4400];
    pj(rec, sizeof rec, res.path, "records.jsonl");
    char *t = util_read_file(rec, NULL);
    assert_non_null(t);
    for (int i = 0; i < 3; i++)
        assert_non_null(strstr(t, later[i]));
    for (int i = 0; i < 2; i++)
        assert_null(strstr(t, first[i]));
    free(t);
    char man[4400];
    pj(man, sizeof man, res.path, "manifest.json");
    assert_json(f, man, "$.counts.job_interest", "3");
    assert_json(f, man, "$.counts.checkin", "0");
    assert_true(sha256sum_ok(res.path));
}

static void test_numbering_survives_deleted_folders(void **state)
{
    struct fixture *f = *state;
    struct export_result res;
    char err[512];
    add(f, "checkin", 1, NULL);
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_string_equal(res.bundle, "LD01-20261201-001");
    rm_tree(res.path);
    assert_int_equal(entries(f->target), 0);

    add(f, "checkin", 1, NULL);
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_string_equal(res.bundle, "LD01-20261201-002");

    /* A leftover .tmp of a name (a crash, another tool) is left alone and skipped. */
    char tmp[4400];
    pj(tmp, sizeof tmp, f->target, "LD01-20261201-003.tmp");
    assert_int_equal(mkdir(tmp, 0755), 0);
    add(f, "checkin", 1, NULL);
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_string_equal(res.bundle, "LD01-20261201-004");
    struct stat sb;
    assert_int_equal(stat(tmp, &sb), 0);

    /* A new day starts again at 001. */
    f->now += 24 * 3600 * 1000LL;
    add(f, "checkin", 1, NULL);
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_string_equal(res.bundle, "LD01-20261202-001");
}

/* After a failed export: no folder under a final name, no .tmp, nothing marked; and the
 * next export to a good drive takes every record. */
static void assert_failed_cleanly(struct fixture *f, int total)
{
    DIR *d = opendir(f->target);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "LD01-", 5) == 0)
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
    assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE collected_at IS NOT NULL"
                              " OR bundle IS NOT NULL", NULL), 0);
    assert_int_equal(q_int(f, "SELECT count(*) FROM events WHERE collected_at IS NOT NULL",
                           NULL), 0);

    char good[64] = "/tmp/test_export_good_XXXXXX";
    assert_non_null(mkdtemp(good));
    struct export_result res;
    char err[512];
    assert_int_equal(
        export_bundle(f->st, &f->keys, good, f->now, &res, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(res.records, total);
    assert_true(sha256sum_ok(res.path));
    rm_tree(good);
}

static void test_full_drive_hook_marks_nothing(void **state)
{
    struct fixture *f = *state;
    add_big(f, 40);
    store_event(f->st, f->now, "startup", "");
    struct export_opts o = {.fail_after_bytes = 5000};
    struct export_result res;
    char err[512] = "";
    assert_int_equal(export_bundle_ex(f->st, &f->keys, f->target, f->now, &o, &res, err, sizeof err), -1);
    assert_int_equal(res.status, EXPORT_NO_SPACE);
    assert_non_null(strstr(err, "No space left"));
    assert_non_null(strstr(err, "nothing was marked"));
    assert_string_equal(res.bundle, "");
    assert_failed_cleanly(f, 40);
}

/* A limit that runs out in the last file (SHA256SUMS) must fail the same way. */
static void test_failure_in_last_file_marks_nothing(void **state)
{
    struct fixture *f = *state;
    add(f, "checkin", 3, NULL);
    /* Measure the bundle's data size, then fail within the last 100 bytes. */
    char probe[64] = "/tmp/test_export_probe_XXXXXX";
    assert_non_null(mkdtemp(probe));
    char dir2[64] = "/tmp/test_export_d2_XXXXXX";
    assert_non_null(mkdtemp(dir2));
    rm_tree(dir2);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", f->dir, dir2);
    assert_int_equal(system(cmd), 0);
    struct store *copy;
    char err[512] = "";
    assert_int_equal(store_open(dir2, "LD01", &copy, err, sizeof err), 0);
    struct export_result res;
    assert_int_equal(export_bundle(copy, &f->keys, probe, f->now, &res, NULL, NULL, err, sizeof err), 0);
    store_close(copy);
    snprintf(cmd, sizeof cmd, "du -cb '%s'/*/* | tail -n1 | cut -f1", probe);
    FILE *pp = popen(cmd, "r");
    assert_non_null(pp);
    long total = 0;
    assert_int_equal(fscanf(pp, "%ld", &total), 1);
    pclose(pp);
    rm_tree(probe);
    rm_tree(dir2);
    assert_true(total > 200);

    struct export_opts o = {.fail_after_bytes = total - 60};
    assert_int_equal(export_bundle_ex(f->st, &f->keys, f->target, f->now, &o, &res, err, sizeof err), -1);
    assert_int_equal(res.status, EXPORT_NO_SPACE);
    assert_failed_cleanly(f, 3);
}

static int try_mount(struct fixture *f, const char *opts)
{
    if (geteuid() != 0)
        return -1;
    if (mount("tmpfs", f->target, "tmpfs", 0, opts) != 0)
        return -1;
    f->mounted = 1;
    return 0;
}

static void test_full_tmpfs_marks_nothing(void **state)
{
    struct fixture *f = *state;
    if (try_mount(f, "size=64k") < 0) {
        print_message("cannot mount a tmpfs here; the byte-limit hook test covers ENOSPC\n");
        skip();
    }
    add_big(f, 150); /* ~160 KB of records for a 64 KiB drive */
    struct export_result res;
    char err[512] = "";
    assert_int_equal(export(f, &res, err, sizeof err), -1);
    assert_int_equal(res.status, EXPORT_NO_SPACE);
    assert_failed_cleanly(f, 150);
}

static void test_read_only_drive_marks_nothing(void **state)
{
    struct fixture *f = *state;
    /* Root writes through chmod 0555, so as root the drive is a read-only tmpfs. */
    if (try_mount(f, "size=64k") == 0) {
        assert_int_equal(mount("tmpfs", f->target, "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64k"),
                         0);
    } else if (geteuid() != 0) {
        assert_int_equal(chmod(f->target, 0555), 0);
    } else {
        print_message("cannot mount a read-only tmpfs here\n");
        skip();
    }
    add(f, "checkin", 5, NULL);
    struct export_result res;
    char err[512] = "";
    assert_int_equal(export(f, &res, err, sizeof err), -1);
    assert_int_equal(res.status, EXPORT_READ_ONLY);
    assert_true(err[0] != 0);
    assert_failed_cleanly(f, 5);
    chmod(f->target, 0755);
}

static void test_missing_drive_and_cancel(void **state)
{
    struct fixture *f = *state;
    add(f, "queue_ticket", 4, NULL);
    struct export_result res;
    char err[512] = "";
    assert_int_equal(export_bundle(f->st, &f->keys, "/nonexistent/usb0", f->now, &res, NULL, NULL,
                                   err, sizeof err),
                     -1);
    assert_int_equal(res.status, EXPORT_NO_TARGET);
    assert_non_null(strstr(err, "/nonexistent/usb0"));

    int cancel = 1;
    struct export_opts o = {.cancel = &cancel};
    assert_int_equal(export_bundle_ex(f->st, &f->keys, f->target, f->now, &o, &res, err, sizeof err), -1);
    assert_int_equal(res.status, EXPORT_CANCELLED);
    assert_failed_cleanly(f, 4);
}

/* Without the centre's key nothing is exported: personal data never leaves in clear. */
static void test_no_keys_no_export(void **state)
{
    struct fixture *f = *state;
    add(f, "registration", 2, NULL);
    struct export_keys none = {f->keys.kiosk, {{0}, "", ""}, 0};
    struct export_result res;
    char err[512] = "";
    assert_int_equal(export_bundle(f->st, &none, f->target, f->now, &res, NULL, NULL, err,
                                   sizeof err), -1);
    assert_int_equal(res.status, EXPORT_NO_KEY);
    assert_non_null(strstr(err, "[centre] public_key"));
    assert_int_equal(entries(f->target), 0);
    struct config cfg;
    config_defaults(&cfg);
    util_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
    struct export_keys k;
    assert_int_equal(export_keys_load(&cfg, f->st, &k, err, sizeof err), -1);
    export_keys_clear(&k);
    util_strlcpy(cfg.centre_public_key, IDENTITY_DEMO_CENTRE_KEY, sizeof cfg.centre_public_key);
    assert_int_equal(export_keys_load(&cfg, f->st, &k, err, sizeof err), 0);
    assert_string_equal(identity_key_id(k.kiosk), identity_key_id(f->keys.kiosk));
    export_keys_clear(&k);
    assert_failed_cleanly(f, 2);
}

static void test_list_drives(void **state)
{
    struct fixture *f = *state;
    char root[4400], run[4400], p[4400], mounts[4400];
    pj(root, sizeof root, f->target, "media");
    pj(run, sizeof run, f->target, "run/media");
    const char *dirs[] = {"media/usb0", "media/user/LABEL X", "media/a/b/c", "other/x",
                          "run/media/kiosk/U盘"};
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        pj(p, sizeof p, f->target, dirs[i]);
        assert_int_equal(util_mkdirs(p, 0755), 0);
    }
    pj(mounts, sizeof mounts, f->target, "mounts");
    FILE *fp = fopen(mounts, "w");
    assert_non_null(fp);
    fprintf(fp, "/dev/root / ext4 rw 0 0\n");
    fprintf(fp, "/dev/sdb1 %s/media/usb0 vfat rw,nosuid 0 0\n", f->target);
    fprintf(fp, "/dev/sdc1 %s/media/user/LABEL\\040X exfat rw 0 0\n", f->target);
    fprintf(fp, "/dev/sdd1 %s/media/a/b/c vfat rw 0 0\n", f->target);      /* too deep */
    fprintf(fp, "/dev/sde1 %s/other/x vfat rw 0 0\n", f->target);          /* elsewhere */
    fprintf(fp, "/dev/sdf1 %s/media/gone vfat rw 0 0\n", f->target);       /* no folder */
    fprintf(fp, "/dev/sdb1 %s/media/usb0 vfat rw,nosuid 0 0\n", f->target); /* twice */
    fprintf(fp, "/dev/sdg1 %s/run/media/kiosk/U盘 vfat rw 0 0\n", f->target);
    fclose(fp);
    const char *roots[] = {root, run};
    char found[8][512];
    int n = export_list_drives_from(mounts, roots, 2, found, 8);
    assert_int_equal(n, 3);
    pj(p, sizeof p, f->target, "media/usb0");
    assert_string_equal(found[0], p);
    pj(p, sizeof p, f->target, "media/user/LABEL X");
    assert_string_equal(found[1], p);
    pj(p, sizeof p, f->target, "run/media/kiosk/U盘");
    assert_string_equal(found[2], p);
    assert_int_equal(export_list_drives_from(mounts, roots, 2, found, 1), 1);

    char real[4][512];
    assert_true(export_list_drives(real, 4) >= 0);
}

static void count_notify(void *ctx)
{
    __atomic_add_fetch((int *)ctx, 1, __ATOMIC_RELAXED);
}

/* The worker opens its own connection: the "UI" connection keeps writing meanwhile, and
 * what it writes after the worker's snapshot waits for the next bundle. */
static void test_export_on_worker_thread(void **state)
{
    struct fixture *f = *state;
    add(f, "training_signup", 500, NULL);
    struct config cfg;
    config_defaults(&cfg);
    util_strlcpy(cfg.kiosk_id, "LD01", sizeof cfg.kiosk_id);
    util_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
    util_strlcpy(cfg.centre_public_key, IDENTITY_DEMO_CENTRE_KEY, sizeof cfg.centre_public_key);
    struct syncjob *job;
    int notes = 0;
    char err[512] = "";
    if (syncjob_start_export(&cfg, f->target, f->now, count_notify, &notes, &job, err,
                             sizeof err) != 0)
        fail_msg("start: %s", err);
    add(f, "training_signup", 20, NULL);
    struct syncjob_state s;
    for (;;) {
        syncjob_poll(job, &s);
        if (s.finished)
            break;
        usleep(1000);
    }
    syncjob_destroy(job);
    if (s.rc != 0)
        fail_msg("worker export: %s", s.err);
    assert_int_equal(s.export_res.status, EXPORT_OK);
    assert_true(s.export_res.records >= 500 && s.export_res.records <= 520);
    assert_true(__atomic_load_n(&notes, __ATOMIC_RELAXED) >= 1);
    assert_int_equal(s.done, s.total);
    assert_true(sha256sum_ok(s.export_res.path));
    long left = 520 - s.export_res.records;
    assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE collected_at IS NULL", NULL),
                     left);

    /* The rest go into the next bundle, on this thread this time. */
    struct export_result res;
    assert_int_equal(export(f, &res, err, sizeof err), 0);
    assert_int_equal(res.records, left);
    assert_int_equal(q_int(f, "SELECT count(*) FROM records WHERE collected_at IS NULL", NULL),
                     0);
}

int main(void)
{
    /* Bundle names carry the kiosk's local date: fix the zone. */
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_writes_verified_bundle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_export_has_nothing_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_records_go_only_into_next_bundle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_numbering_survives_deleted_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_drive_hook_marks_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_in_last_file_marks_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_tmpfs_marks_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_drive_marks_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_drive_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_keys_no_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_drives, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_on_worker_thread, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
