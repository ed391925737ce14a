/* store — see store.h.  One sqlite3 connection; every write is its own transaction or
 * an explicit BEGIN IMMEDIATE … COMMIT, and with journal_mode=WAL + synchronous=FULL a
 * COMMIT that returned SQLITE_OK has been fsync'd. */
#include "store/store.h"

#include "core/util.h"
#include "store/clock.h"
#include "store/rescue.h"
#include "store/space.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a statement waits for another connection's lock. */
#define STORE_BUSY_MS 5000

struct store {
    sqlite3 *db;
    char kiosk_id[64];
    int is_new;
    char copy_dir[4096];   /* read-only open of a copy (see store_open_readonly), or "" */
    /* The file this connection writes, checked before every commit (check_file). */
    char path[4096];
    dev_t dev;
    ino_t ino;
    int watch;             /* 1: a read-write open whose file is watched */
    enum store_loss lost;  /* set once the file is gone or replaced; sticky */
    int rescuing;          /* VACUUM INTO of the rescue runs: no check */
    char dir[4096];        /* the data directory (read-write opens) */
    int64_t min_free;      /* records are refused below this much free space; 0: never */
    int64_t trusted_ms;    /* the latest record time made with a believable clock; 0 none */
    int trusted_loaded;
};

/* Migrations, in order: migrations[i] brings version i to version i+1.  Never edit a
 * migration that has shipped; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE records(seq INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
    "  kiosk_id TEXT NOT NULL, kind TEXT NOT NULL, created_at TEXT NOT NULL,"
    "  local_date TEXT NOT NULL, fields TEXT NOT NULL, collected_at TEXT, bundle TEXT,"
    "  uploaded_at TEXT);"
    "CREATE INDEX records_by_date ON records(local_date, kind);"
    "CREATE INDEX records_pending_collect ON records(seq) WHERE collected_at IS NULL;"
    "CREATE INDEX records_pending_upload ON records(seq) WHERE uploaded_at IS NULL;"
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '', collected_at TEXT);"
    "CREATE TABLE receipts(record_uuid TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE,"
    "  print_state TEXT NOT NULL DEFAULT 'pending', print_error TEXT, updated_at TEXT);"
    "CREATE TABLE places(id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL,"
    "  parent_id TEXT, address TEXT, phone TEXT, hours TEXT, sort INTEGER);"
    "CREATE TABLE jobs(id TEXT PRIMARY KEY, title TEXT NOT NULL, employer TEXT NOT NULL,"
    "  area TEXT NOT NULL, category TEXT NOT NULL, salary_min INTEGER, salary_max INTEGER,"
    "  headcount INTEGER, requirements TEXT, contact TEXT, posted TEXT, expires TEXT);"
    "CREATE TABLE trainings(id TEXT PRIMARY KEY, title TEXT NOT NULL, starts_at TEXT NOT NULL,"
    "  venue TEXT NOT NULL, kind TEXT, ends_at TEXT, capacity INTEGER, description TEXT);"
    "CREATE TABLE activities(id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    "  starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, venue TEXT, organiser TEXT);"
    "CREATE TABLE materials(id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL,"
    "  body TEXT NOT NULL, sort INTEGER);"
    "CREATE TABLE material_images(material_id TEXT NOT NULL, name TEXT NOT NULL,"
    "  data BLOB NOT NULL, PRIMARY KEY(material_id, name));",
    /* 1 -> 2: every check-in looks the person up by certificate number (once per person
     * per activity; the registration that greets them).  Without this index each scan
     * would parse the JSON of every record on the kiosk. */
    "CREATE INDEX records_by_certificate ON records(kind,"
    "  json_extract(fields, '$.certificate_no'));",
    /* 2 -> 3: a record the centre refused is quarantined with the server's reason: kept,
     * never sent again, shown to staff (sync/upload.h). */
    "ALTER TABLE records ADD COLUMN quarantined_at TEXT;"
    "ALTER TABLE records ADD COLUMN quarantine_reason TEXT;",
    /* 3 -> 4: the hall's service items become content like the rest (imported,
     * published); the places the other kiosks of the district have filled in each
     * training session, as the centre counts them (empty until a sync brings them). */
    "CREATE TABLE services(id TEXT PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL,"
    "  how TEXT, window TEXT, sort INTEGER);"
    "CREATE TABLE training_counts(training_id TEXT PRIMARY KEY,"
    "  others INTEGER NOT NULL DEFAULT 0);",
    /* 4 -> 5: which content rows came from the centre (a sync or a content bundle), at
     * which change counter, so a full snapshot can drop the rows the centre never
     * published (the demo's, a stand-alone import's) of the kinds it does publish. */
    "CREATE TABLE content_synced(kind TEXT NOT NULL, id TEXT NOT NULL,"
    "  counter INTEGER NOT NULL, withdrawn INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(kind, id));",
    /* 5 -> 6: what the centre publishes to recognise members (the directory: masked
     * names only) and the check-ins other kiosks made to the activities this kiosk
     * shows. */
    "CREATE TABLE members(id TEXT PRIMARY KEY, masked_name TEXT NOT NULL DEFAULT '',"
    "  station TEXT, station_id TEXT, registered_on TEXT, status TEXT);"
    "CREATE TABLE hall_checkins(id TEXT PRIMARY KEY, certificate_no TEXT NOT NULL,"
    "  activity_id TEXT NOT NULL, local_time TEXT, kiosk_id TEXT, day TEXT);"
    "CREATE INDEX hall_checkins_by_person ON hall_checkins(certificate_no, activity_id);",
    /* 6 -> 7: retention (sync/retention.h): when a delivered record's personal fields
     * were wiped; the index finds the ones due without reading the table. */
    "ALTER TABLE records ADD COLUMN wiped_at TEXT;"
    "CREATE INDEX records_retention ON records(created_at)"
    "  WHERE uploaded_at IS NOT NULL AND wiped_at IS NULL;",
    /* 7 -> 8: 呼叫工作人员 (app/help.h): when staff marked a help_request handled (已处理);
     * the index keeps the open ones a lookup of their own for the staff screen and the
     * heartbeat. */
    "ALTER TABLE records ADD COLUMN handled_at TEXT;"
    "CREATE INDEX records_help_open ON records(seq)"
    "  WHERE kind = 'help_request' AND handled_at IS NULL;",
};

int store_exec(struct store *st, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "store: %s\n", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "store: prepare failed: %s\n", sqlite3_errmsg(st->db));
        return NULL;
    }
    return stmt;
}

int store_begin(struct store *st) { return store_exec(st, "BEGIN IMMEDIATE"); }
int store_commit(struct store *st) { return store_exec(st, "COMMIT"); }
void store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        store_exec(st, "ROLLBACK");
}

static int user_version(struct store *st)
{
    sqlite3_stmt *s = store_prepare(st, "PRAGMA user_version");
    int v = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int migrate(struct store *st, char *err, size_t errlen)
{
    int v = user_version(st);
    int target = (int)ARRAY_LEN(migrations);
    if (v < 0) {
        util_seterr(err, errlen, "cannot read the database version: %s", sqlite3_errmsg(st->db));
        return -1;
    }
    if (v > target) {
        util_seterr(err, errlen, "database schema version %d is newer than this program (%d)", v,
                target);
        return -1;
    }
    st->is_new = (v == 0);
    /* Only before the first table: free pages can then be given back a few at a time
     * (PRAGMA incremental_vacuum), never by a VACUUM that locks the kiosk out. */
    if (v == 0 && store_exec(st, "PRAGMA auto_vacuum=INCREMENTAL") < 0) {
        util_seterr(err, errlen, "cannot set up the database: %s", sqlite3_errmsg(st->db));
        return -1;
    }
    for (; v < target; v++) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
        if (store_begin(st) < 0 || store_exec(st, migrations[v]) < 0 ||
            store_exec(st, pragma) < 0 || store_commit(st) < 0) {
            util_seterr(err, errlen, "database migration to version %d failed: %s", v + 1,
                    sqlite3_errmsg(st->db));
            store_rollback(st);
            return -1;
        }
    }
    return 0;
}

static int open_common(const char *path, int flags, struct store **out, char *err,
                       size_t errlen)
{
    struct store *st = calloc(1, sizeof *st);
    if (!st)
        abort();
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        util_seterr(err, errlen, "%s: cannot open database: %s", path,
                st->db ? sqlite3_errmsg(st->db) : "out of memory");
        sqlite3_close(st->db);
        free(st);
        return -1;
    }
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    util_strlcpy(st->path, path, sizeof st->path);
    *out = st;
    return 0;
}

/* Reads the schema once, so a file that is no database (or cannot be read) fails at open
 * rather than on the first query.  Returns the SQLite result code. */
static int probe(struct store *st)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        rc = rc == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(st->db);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- the data-directory marker ------------------------------------------------------ */

static void marker_path(const char *dir, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, STORE_MARKER_NAME);
}

int store_marker_read(const char *dir, char *kiosk_id, size_t idlen, char *created,
                      size_t clen)
{
    char path[4200];
    marker_path(dir, path, sizeof path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    char text[1024];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n < 0)
        return -1;
    text[n] = 0;
    if (kiosk_id && idlen)
        kiosk_id[0] = 0;
    if (created && clen)
        created[0] = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "kiosk_id=", 9) && kiosk_id)
            util_strlcpy(kiosk_id, line + 9, idlen);
        else if (!strncmp(line, "created_at=", 11) && created)
            util_strlcpy(created, line + 11, clen);
    }
    return 1;
}

/* Writes the marker once, atomically (temporary file, fsync, rename, fsync of the
 * folder): a half-written marker must never be mistaken for none. */
static int marker_write(const char *dir, const char *kiosk_id, int64_t now_ms)
{
    char path[4200], tmp[4300], at[32];
    marker_path(dir, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    util_time_utc(now_ms, at);
    char text[512];
    int n = snprintf(text, sizeof text,
                     "# This data directory has had a kiosk database since created_at.  While\n"
                     "# this file is here, a missing or empty kiosk.db is a loss to report, never\n"
                     "# a reason to start an empty one.  Do not delete it.\n"
                     "kiosk_id=%s\ncreated_at=%s\n", kiosk_id, at);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    ok &= close(fd) == 0;
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* ---- watching the file ------------------------------------------------------------------ */

static enum store_loss check_file(struct store *st)
{
    if (!st->watch || st->lost)
        return st->lost;
    struct stat sb;
    if (stat(st->path, &sb) < 0)
        st->lost = errno == ENOENT ? STORE_LOSS_DELETED : STORE_LOSS_NONE;
    else if (sb.st_dev != st->dev || sb.st_ino != st->ino)
        st->lost = STORE_LOSS_REPLACED;
    if (st->lost)
        fprintf(stderr, "store: %s was %s while the kiosk had it open; nothing more is written "
                        "to it\n", st->path, st->lost == STORE_LOSS_DELETED ? "deleted" : "replaced");
    return st->lost;
}

/* SQLite calls this before each commit; non-zero turns the commit into a rollback.  A
 * file deleted or replaced under the kiosk would otherwise swallow every record
 * committed afterwards into an unlinked inode: one stat(2) per commit prevents it. */
static int commit_hook(void *ctx)
{
    struct store *st = ctx;
    if (st->rescuing)
        return 0;
    return check_file(st) != STORE_LOSS_NONE;
}

enum store_loss store_file_check(struct store *st) { return check_file(st); }

int store_rescue_live(struct store *st, const char *to_path, char *err, size_t errlen)
{
    sqlite3_stmt *s = store_prepare(st, "VACUUM INTO ?");
    if (!s) {
        util_seterr(err, errlen, "%s", sqlite3_errmsg(st->db));
        return -1;
    }
    sqlite3_bind_text(s, 1, to_path, -1, SQLITE_STATIC);
    st->rescuing = 1;
    int rc = sqlite3_step(s);
    st->rescuing = 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        util_seterr(err, errlen, "%s: %s", to_path, sqlite3_errmsg(st->db));
        return -1;
    }
    return 0;
}

/* ---- opening ---------------------------------------------------------------------------- */

/* 1 when an SQLite result code says the file itself is bad (rather than the disk full,
 * an I/O error or a lock: conditions that pass and must never get a database set aside). */
static int means_damage(int rc)
{
    rc &= 0xFF;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* Runs PRAGMA quick_check: 0 when "ok", 1 when it found damage, -1 when it could not run
 * (disk full, I/O error); the first line or the error in err. */
static int quick_check(struct store *st, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL);
    int result = -1;
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        result = v && !strcmp(v, "ok") ? 0 : 1;
        if (result)
            util_seterr(err, errlen, "%s", v ? v : "?");
    } else {
        if (means_damage(sqlite3_errcode(st->db)))
            result = 1;
        util_seterr(err, errlen, "%s", sqlite3_errmsg(st->db));
    }
    sqlite3_finalize(s);
    return result;
}

int store_open_flags(const char *dir, const char *kiosk_id, int flags, struct store **out,
                     char *err, size_t errlen)
{
    struct stat sb;
    if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode) || access(dir, W_OK) < 0) {
        util_seterr(err, errlen, "%s: data directory is missing or not writable", dir);
        return STORE_E_UNUSABLE;
    }
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, STORE_DB_NAME) >= sizeof path) {
        util_seterr(err, errlen, "%s: path too long", dir);
        return STORE_E_UNUSABLE;
    }
    char since[40] = "";
    int marked = store_marker_read(dir, NULL, 0, since, sizeof since);
    if (marked < 0) {
        util_seterr(err, errlen, "%s/%s cannot be read: %s", dir, STORE_MARKER_NAME,
                    strerror(errno));
        return STORE_E_UNUSABLE;
    }
    struct stat db;
    int exists = lstat(path, &db) == 0;
    if (exists && !S_ISREG(db.st_mode)) {
        util_seterr(err, errlen, "%s is not a regular file", path);
        return STORE_E_DAMAGED;
    }
    /* SQLite would take a missing or 0-byte file for a new, empty database: here that is
     * the loss of every record, said as such and never covered up by a fresh one. */
    if (flags & STORE_OPEN_RESET) {
        if (exists) {
            util_seterr(err, errlen, "%s is still there: set it aside first", path);
            return STORE_E_UNUSABLE;
        }
    } else if (marked && (!exists || db.st_size == 0)) {
        util_seterr(err, errlen, "%s is %s, though this data directory has had a database "
                    "since %s", path, exists ? "empty (0 bytes)" : "missing", since);
        return STORE_E_LOST;
    }
    struct store *st;
    int oflags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
    if (open_common(path, oflags, &st, err, errlen) < 0)
        return STORE_E_UNUSABLE;
    util_strlcpy(st->kiosk_id, kiosk_id ? kiosk_id : "", sizeof st->kiosk_id);
    util_strlcpy(st->dir, dir, sizeof st->dir);
    char why[512] = "";
    int prc = exists ? probe(st) : SQLITE_OK;
    if (prc != SQLITE_OK) {
        int damaged = means_damage(prc);
        util_seterr(err, errlen, damaged ? "%s is damaged: %s" : "%s cannot be opened now: %s",
                    path, sqlite3_errstr(prc));
        store_close(st);
        return damaged ? STORE_E_DAMAGED : STORE_E_UNAVAILABLE;
    }
    int qc = exists && (flags & STORE_OPEN_CHECK) ? quick_check(st, why, sizeof why) : 0;
    if (qc != 0) {
        util_seterr(err, errlen, qc > 0 ? "%s is damaged (quick_check: %s)"
                                        : "%s cannot be checked now: %s", path, why);
        store_close(st);
        return qc > 0 ? STORE_E_DAMAGED : STORE_E_UNAVAILABLE;
    }
    /* WAL lets readers (kioskctl stats at closing time) run beside the kiosk; FULL makes
     * each commit durable, which is what "acknowledged only after commit" relies on. */
    if (store_exec(st, "PRAGMA journal_mode=WAL") < 0 ||
        store_exec(st, "PRAGMA synchronous=FULL") < 0 ||
        store_exec(st, "PRAGMA foreign_keys=ON") < 0 || migrate(st, err, errlen) < 0) {
        int code = sqlite3_errcode(st->db);
        int newer = err && strstr(err, "newer than this program");
        if (err && !err[0])
            util_seterr(err, errlen, "%s: cannot set up database: %s", dir, sqlite3_errmsg(st->db));
        store_close(st);
        return means_damage(code) ? STORE_E_DAMAGED : newer ? STORE_E_UNUSABLE
                                                            : STORE_E_UNAVAILABLE;
    }
    struct stat now_sb;
    if (stat(path, &now_sb) == 0) {
        st->dev = now_sb.st_dev;
        st->ino = now_sb.st_ino;
        st->watch = 1;
        sqlite3_commit_hook(st->db, commit_hook, st);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (!marked && marker_write(dir, st->kiosk_id, now) < 0)
        fprintf(stderr, "store: %s/%s could not be written: %s\n", dir, STORE_MARKER_NAME,
                strerror(errno));
    /* A healthy database is back after an incident (restored, or reset): say so in its
     * event log, once. */
    store_incident_close(dir, st, now);
    *out = st;
    return 0;
}

int store_open(const char *dir, const char *kiosk_id, struct store **out, char *err,
               size_t errlen)
{
    return store_open_flags(dir, kiosk_id, 0, out, err, errlen);
}

/* Appends path to sb as the path part of an SQLite URI ("file:" not included). */
static void uri_path(struct strbuf *sb, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x21 || *p == 0x7F)
            strbuf_addf(sb, "%%%02X", *p);
        else
            strbuf_addn(sb, (const char *)p, 1);
    }
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rbe");
    if (!in)
        return -1;
    FILE *out = fopen(to, "wbxe");
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

static void remove_copy(struct store *st)
{
    if (!st->copy_dir[0])
        return;
    static const char *const names[] = {STORE_DB_NAME, STORE_DB_NAME "-wal", STORE_DB_NAME "-shm"};
    char p[4200];
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        snprintf(p, sizeof p, "%s/%s", st->copy_dir, names[i]);
        unlink(p);
    }
    rmdir(st->copy_dir);
    st->copy_dir[0] = 0;
}

/* A WAL database on read-only media (a copy of a kiosk's data directory on a USB
 * stick, a read-only mount): SQLite cannot create the -shm file beside it, so a plain
 * read-only open fails.  Without a WAL (or an empty one) the main file holds everything
 * and `immutable=1` reads it in place; with a WAL that still holds commits, both files
 * are copied to a private temporary folder and read there, since immutable would not
 * see those commits. */
static int open_readonly_media(const char *dir, const char *path, struct store **out,
                               char *err, size_t errlen)
{
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sb;
    struct store *st;
    if (stat(wal, &sb) < 0 || sb.st_size == 0) {
        struct strbuf uri = {0};
        strbuf_add(&uri, "file:");
        uri_path(&uri, path);
        strbuf_add(&uri, "?immutable=1");
        int rc = open_common(uri.buf, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &st, err, errlen);
        strbuf_free(&uri);
        if (rc < 0)
            return -1;
    } else {
        const char *tmp = getenv("TMPDIR");
        char tdir[4096];
        snprintf(tdir, sizeof tdir, "%s/kiosk-readonly-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(tdir)) {
            util_seterr(err, errlen, "%s: the database is on read-only media and cannot be "
                        "copied to read it: %s", path, strerror(errno));
            return -1;
        }
        char db_copy[4200], wal_copy[4200];
        snprintf(db_copy, sizeof db_copy, "%s/%s", tdir, STORE_DB_NAME);
        snprintf(wal_copy, sizeof wal_copy, "%s/%s-wal", tdir, STORE_DB_NAME);
        int copied = copy_file(path, db_copy) == 0 && copy_file(wal, wal_copy) == 0;
        if (!copied || open_common(db_copy, SQLITE_OPEN_READONLY, &st, err, errlen) < 0) {
            if (!copied)
                util_seterr(err, errlen, "%s: the database is on read-only media and cannot "
                            "be copied to read it: %s", path, strerror(errno));
            struct store tmpst = {0};
            util_strlcpy(tmpst.copy_dir, tdir, sizeof tmpst.copy_dir);
            remove_copy(&tmpst);
            return -1;
        }
        util_strlcpy(st->copy_dir, tdir, sizeof st->copy_dir);
    }
    int rc = probe(st);
    if (rc != SQLITE_OK) {
        util_seterr(err, errlen, "%s/%s: the database cannot be read: %s", dir, STORE_DB_NAME,
                    sqlite3_errstr(rc));
        store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

int store_open_readonly(const char *dir, struct store **out, char *err, size_t errlen)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, STORE_DB_NAME) >= sizeof path) {
        util_seterr(err, errlen, "%s: path too long", dir);
        return -1;
    }
    if (access(path, R_OK) < 0) {
        util_seterr(err, errlen, "%s: no kiosk database here", dir);
        return -1;
    }
    struct store *st;
    if (open_common(path, SQLITE_OPEN_READONLY, &st, err, errlen) < 0)
        return -1;
    int rc = probe(st);
    if (rc == SQLITE_OK) {
        *out = st;
        return 0;
    }
    store_close(st);
    if (rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY || (rc & 0xFF) == SQLITE_CANTOPEN ||
        (rc & 0xFF) == SQLITE_READONLY)
        return open_readonly_media(dir, path, out, err, errlen);
    util_seterr(err, errlen, "%s: the database cannot be read: %s", path, sqlite3_errstr(rc));
    return -1;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    sqlite3_close_v2(st->db);
    remove_copy(st);
    free(st);
}

sqlite3 *store_db(struct store *st) { return st->db; }
enum store_loss store_lost(const struct store *st) { return st ? st->lost : STORE_LOSS_NONE; }
const char *store_kiosk_id(const struct store *st) { return st->kiosk_id; }
int store_is_new(const struct store *st) { return st->is_new; }

void store_set_min_free(struct store *st, int64_t bytes) { st->min_free = bytes; }

int store_space_low(struct store *st, int64_t *free_out)
{
    int64_t free = st->dir[0] ? space_free(st->dir) : -1;
    if (free_out)
        *free_out = free;
    return st->min_free > 0 && free >= 0 && free < st->min_free;
}

/* ---- the clock (judged in clock.c) ------------------------------------------------- */

int64_t store_trusted_ms(struct store *st)
{
    if (!st->trusted_loaded) {
        st->trusted_loaded = 1;
        /* The newest record made with a believable clock: records come in time order, so
         * this walks back only over the marked ones at the end. */
        sqlite3_stmt *s = store_prepare(st, "SELECT created_at FROM records"
                                            " WHERE json_extract(fields, '$.clock_suspect') IS NULL"
                                            " ORDER BY seq DESC LIMIT 1");
        int64_t ms;
        if (s && sqlite3_step(s) == SQLITE_ROW &&
            util_parse_iso((const char *)sqlite3_column_text(s, 0), &ms) == 0)
            st->trusted_ms = ms;
        sqlite3_finalize(s);
    }
    return st->trusted_ms;
}

int store_record_add(struct store *st, const char *kind, const char *fields_json,
                     int64_t now_ms, char uuid_out[37])
{
    /* A record is what the public makes: below the reserve it is refused before anything
     * is written, so the space left is staff's (their PIN check, the export's marks). */
    int64_t free;
    if (store_space_low(st, &free)) {
        fprintf(stderr, "store: record not written: %lld MB free, below the %lld MB kept for "
                        "staff ([store] min_free_mb)\n", (long long)(free >> 20),
                (long long)(st->min_free >> 20));
        uuid_out[0] = 0;
        return -1;
    }
    char created[32], local_date[16];
    util_uuid4(uuid_out);
    util_time_utc(now_ms, created);
    util_time_local(now_ms, "%Y-%m-%d", local_date, sizeof local_date);
    /* Made while the clock cannot be believed: the record says so from its birth (and so
     * wherever it goes: export, upload, the centre). */
    int clock = clock_local_flags(st, now_ms);
    sqlite3_stmt *s = store_prepare(
        st, "INSERT INTO records(uuid, kiosk_id, kind, created_at, local_date, fields)"
            " VALUES(?1,?2,?3,?4,?5, CASE WHEN ?7 THEN json_set(json(?6), '$.clock_suspect',"
            " json('true')) ELSE json(?6) END)");
    if (!s)
        return -1;
    sqlite3_bind_int(s, 7, clock != 0);
    sqlite3_bind_text(s, 1, uuid_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, st->kiosk_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, created, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, local_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, fields_json, -1, SQLITE_STATIC);
    /* Autocommit: sqlite3_step returning DONE means the WAL frame is synced. */
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "store: record not written: %s\n",
                st->lost ? "the database file is gone" : sqlite3_errmsg(st->db));
        uuid_out[0] = 0;
        return -1;
    }
    if (!clock && now_ms > st->trusted_ms)
        st->trusted_ms = now_ms;
    return 0;
}

int store_record_get(struct store *st, const char *uuid, struct record *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = store_prepare(
        st, "SELECT seq, uuid, kiosk_id, kind, created_at, local_date, fields,"
            " collected_at IS NOT NULL, uploaded_at IS NOT NULL FROM records WHERE uuid=?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->seq = sqlite3_column_int64(s, 0);
        util_strlcpy(out->uuid, (const char *)sqlite3_column_text(s, 1), sizeof out->uuid);
        util_strlcpy(out->kiosk_id, (const char *)sqlite3_column_text(s, 2),
                     sizeof out->kiosk_id);
        util_strlcpy(out->kind, (const char *)sqlite3_column_text(s, 3), sizeof out->kind);
        util_strlcpy(out->created_at, (const char *)sqlite3_column_text(s, 4),
                     sizeof out->created_at);
        util_strlcpy(out->local_date, (const char *)sqlite3_column_text(s, 5),
                     sizeof out->local_date);
        out->fields = strdup((const char *)sqlite3_column_text(s, 6));
        out->collected = sqlite3_column_int(s, 7);
        out->uploaded = sqlite3_column_int(s, 8);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 1 : -1;
    }
    sqlite3_finalize(s);
    return rc;
}

void record_clear(struct record *r)
{
    if (r->fields) {
        util_wipe(r->fields, strlen(r->fields));
        free(r->fields);
    }
    memset(r, 0, sizeof *r);
}

void store_event(struct store *st, int64_t now_ms, const char *kind, const char *detail)
{
    if (!st) {
        fprintf(stderr, "store: no database: event '%s' (%s) not logged\n", kind,
                detail ? detail : "");
        return;
    }
    char at[32];
    util_time_utc(now_ms, at);
    sqlite3_stmt *s = store_prepare(st, "INSERT INTO events(at, kind, detail) VALUES(?,?,?)");
    if (!s)
        return;
    sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, detail ? detail : "", -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        fprintf(stderr, "store: event '%s' not logged: %s\n", kind, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
}

int store_meta_get(struct store *st, const char *key, char *out, size_t size)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key=?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        util_strlcpy(out, v ? v : "", size);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 1 : -1;
    }
    sqlite3_finalize(s);
    return rc;
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
    sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "store: meta '%s' not written: %s\n", key, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    return rc;
}

int store_check(struct store *st, char *err, size_t errlen)
{
    sqlite3_stmt *s = store_prepare(st, "PRAGMA integrity_check");
    if (!s) {
        util_seterr(err, errlen, "%s", sqlite3_errmsg(st->db));
        return -1;
    }
    int ok = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        ok = v && strcmp(v, "ok") == 0;
        if (!ok)
            util_seterr(err, errlen, "integrity check: %s", v ? v : "?");
    }
    sqlite3_finalize(s);
    return ok ? 0 : -1;
}

int store_alive(struct store *st, char *err, size_t errlen)
{
    /* No waiting for a lock: the caller is the UI's loop, and one missed ping is no
     * harm (the watchdog allows many); a database locked for the whole watchdog
     * interval is one that does not answer. */
    sqlite3_busy_timeout(st->db, 0);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_schema LIMIT 1", -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char *const clear_fields[] = {STORE_CLEAR_FIELDS};

void store_fields_sql(struct strbuf *out, const char *fields, int personal)
{
    struct strbuf rm = {0};
    for (size_t i = 0; i < ARRAY_LEN(clear_fields); i++)
        strbuf_addf(&rm, ", '$.%s'", clear_fields[i]);
    /* personal = fields without the clear keys (json_remove keeps every value's type);
     * clear = fields patched with {"personal key": null …}, which removes exactly those. */
    if (personal)
        strbuf_addf(out, "json_remove(%s%s)", fields, rm.buf);
    else
        strbuf_addf(out, "json_patch(%s, (SELECT json_group_object(key, NULL) FROM"
                         " json_each(json_remove(%s%s))))", fields, fields, rm.buf);
    strbuf_free(&rm);
}

int store_count(struct store *st, const char *table)
{
    static const char *const allowed[] = {"jobs", "trainings", "activities", "materials",
                                          "places", "services", "records", "events",
                                          "receipts"};
    int ok = 0;
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        ok |= strcmp(table, allowed[i]) == 0;
    if (!ok)
        return -1;
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *s = store_prepare(st, sql);
    int n = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}
