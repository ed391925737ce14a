/* backup — see backup.h. */
#include "store/backup.h"

#include "core/util.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BACKUP_PREFIX "kiosk-"
#define BACKUP_SUFFIX "Z.db"

static int fsync_path(const char *path, int dir)
{
    int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* "20261201T093000.123" */
static void stamp(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char s[24];
    strftime(s, sizeof s, "%Y%m%dT%H%M%S", &tm);
    snprintf(out, 32, "%s.%03d", s, (int)(ms % 1000));
}

/* The single-row answer of a pragma or query, into out; -1 on error. */
static int one_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
    sqlite3_stmt *s;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
        util_strlcpy(out, (const char *)sqlite3_column_text(s, 0), len);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* integrity_check says "ok" and the records can be counted.  Returns the count or -1
 * with a sentence naming what. */
static int verify_copy(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    char v[256];
    if (one_text(db, "PRAGMA integrity_check", v, sizeof v) < 0 || strcmp(v, "ok")) {
        util_seterr(err, errlen, "%s: the integrity check fails: %s", what,
                    v[0] ? v : sqlite3_errmsg(db));
        return -1;
    }
    if (one_text(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                     " ('records', 'events', 'meta')", v, sizeof v) < 0 || atoi(v) != 3) {
        util_seterr(err, errlen, "%s: not a kiosk database (no records, events and meta)", what);
        return -1;
    }
    if (one_text(db, "SELECT count(*) FROM records", v, sizeof v) < 0) {
        util_seterr(err, errlen, "%s: the records cannot be read: %s", what, sqlite3_errmsg(db));
        return -1;
    }
    return atoi(v);
}

/* Copies src's main database into dst's, whole, in one step (one snapshot of src). */
static int copy_db(sqlite3 *dst, sqlite3 *src, char *err, size_t errlen, const char *what)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        util_seterr(err, errlen, "%s: cannot start the copy: %s", what, sqlite3_errmsg(dst));
        return -1;
    }
    int rc;
    /* BUSY/LOCKED only while another connection holds a lock for a moment. */
    for (int tries = 0; (rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED;
         tries++) {
        if (tries == 50)
            break;
        sqlite3_sleep(100);
    }
    int fin = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE || fin != SQLITE_OK) {
        util_seterr(err, errlen, "%s: the copy failed: %s", what,
                    sqlite3_errstr(rc != SQLITE_DONE ? rc : fin));
        return -1;
    }
    return 0;
}

/* kiosk-YYYYMMDDTHHMMSS.mmmZ.db */
static int is_backup_name(const char *n)
{
    size_t len = strlen(n), p = strlen(BACKUP_PREFIX);
    if (len != p + 19 + strlen(BACKUP_SUFFIX) || strncmp(n, BACKUP_PREFIX, p) ||
        strcmp(n + len - strlen(BACKUP_SUFFIX), BACKUP_SUFFIX))
        return 0;
    for (size_t i = 0; i < 19; i++) {
        char c = n[p + i];
        if (i == 8 ? c != 'T' : i == 15 ? c != '.' : (c < '0' || c > '9'))
            return 0;
    }
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the oldest backups in dir beyond keep; returns how many went. */
static int prune(const char *dir, int keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_backup_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    int removed = 0;
    for (size_t i = 0; i + (size_t)keep < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (unlink(path) == 0)
            removed++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (removed)
        fsync_path(dir, 1);
    return removed;
}

int backup_make(const char *data_dir, const char *dir, int keep, int64_t now_ms,
                struct backup_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (keep < 1)
        keep = 1;
    struct store *st;
    if (store_open_readonly(data_dir, &st, err, errlen) < 0)
        return -1;
    if (util_mkdirs(dir, 0700) < 0) {
        util_seterr(err, errlen, "%s: cannot create the backup directory: %s", dir,
                    strerror(errno));
        store_close(st);
        return -1;
    }
    char ts[32], tmp[4096];
    stamp(now_ms, ts);
    snprintf(res->path, sizeof res->path, "%s/" BACKUP_PREFIX "%s" BACKUP_SUFFIX, dir, ts);
    snprintf(tmp, sizeof tmp, "%s/.kiosk-%s.tmp", dir, ts);
    unlink(tmp);
    sqlite3 *dst = NULL;
    int rc = -1;
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        util_seterr(err, errlen, "%s: cannot create: %s", tmp, sqlite3_errmsg(dst));
        goto out;
    }
    if (copy_db(dst, store_db(st), err, errlen, res->path) < 0)
        goto out;
    /* One file on its own: no -wal or -shm beside a backup. */
    char mode[32];
    if (one_text(dst, "PRAGMA journal_mode=DELETE", mode, sizeof mode) < 0 || strcmp(mode, "delete")) {
        util_seterr(err, errlen, "%s: cannot leave WAL mode: %s", tmp, sqlite3_errmsg(dst));
        goto out;
    }
    if ((res->records = verify_copy(dst, res->path, err, errlen)) < 0)
        goto out;
    if (sqlite3_close(dst) != SQLITE_OK) {
        util_seterr(err, errlen, "%s: cannot close the copy", tmp);
        goto out;
    }
    dst = NULL;
    if (chmod(tmp, 0600) < 0 || fsync_path(tmp, 0) < 0) {
        util_seterr(err, errlen, "%s: cannot sync: %s", tmp, strerror(errno));
        goto out;
    }
    /* link, not rename: never over an existing file. */
    if (link(tmp, res->path) < 0) {
        util_seterr(err, errlen, "%s: %s", res->path, strerror(errno));
        goto out;
    }
    unlink(tmp);
    if (fsync_path(dir, 1) < 0) {
        util_seterr(err, errlen, "%s: cannot sync the directory: %s", dir, strerror(errno));
        unlink(res->path);
        goto out;
    }
    res->removed = prune(dir, keep);
    rc = 0;
out:
    if (dst)
        sqlite3_close(dst);
    if (rc < 0)
        unlink(tmp);
    store_close(st);
    return rc;
}

int backup_restore(const char *data_dir, const char *file, int64_t now_ms,
                   struct backup_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (errlen)
        err[0] = 0;
    sqlite3 *src = NULL, *live = NULL;
    int rc = -1;
    char v[64];
    if (access(file, R_OK) < 0) {
        util_seterr(err, errlen, "%s: %s", file, strerror(errno));
        return -1;
    }
    if (sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        util_seterr(err, errlen, "%s: cannot open: %s", file, sqlite3_errmsg(src));
        goto out;
    }
    if ((res->records = verify_copy(src, file, err, errlen)) < 0)
        goto out;
    if (one_text(src, "PRAGMA user_version", v, sizeof v) < 0 || atoi(v) < 1 ||
        atoi(v) > STORE_SCHEMA_VERSION) {
        util_seterr(err, errlen, "%s: schema version %s, this kiosk knows 1 to %d%s", file, v,
                    STORE_SCHEMA_VERSION, atoi(v) > STORE_SCHEMA_VERSION ?
                    " (a newer kiosk made it: install that version first)" : "");
        goto out;
    }
    if (util_mkdirs(data_dir, 0700) < 0) {
        util_seterr(err, errlen, "%s: cannot create the data directory: %s", data_dir,
                    strerror(errno));
        goto out;
    }
    snprintf(res->path, sizeof res->path, "%s/%s", data_dir, STORE_DB_NAME);
    int existed = access(res->path, F_OK) == 0;
    if (sqlite3_open_v2(res->path, &live, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        util_seterr(err, errlen, "%s: cannot open: %s", res->path, sqlite3_errmsg(live));
        goto out;
    }
    sqlite3_busy_timeout(live, 1000);
    /* The exclusive lock, kept until close: it cannot be had while the kiosk (or any other
     * program) has the database open. */
    if (sqlite3_exec(live, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;", NULL,
                     NULL, NULL) != SQLITE_OK) {
        util_seterr(err, errlen,
                    "%s is in use (%s): stop the kiosk first (systemctl stop kiosk), then "
                    "restore again", res->path, sqlite3_errmsg(live));
        goto out;
    }
    if (existed) {
        char ts[32];
        stamp(now_ms, ts);
        snprintf(res->kept, sizeof res->kept, "%s/%s.before-restore-%sZ", data_dir,
                 STORE_DB_NAME, ts);
        sqlite3 *aside = NULL;
        int ok = sqlite3_open_v2(res->kept, &aside, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 NULL) == SQLITE_OK &&
                 copy_db(aside, live, err, errlen, res->kept) == 0 &&
                 one_text(aside, "PRAGMA journal_mode=DELETE", v, sizeof v) == 0;
        if (sqlite3_close(aside) != SQLITE_OK)
            ok = 0;
        if (!ok || chmod(res->kept, 0600) < 0 || fsync_path(res->kept, 0) < 0) {
            if (!err[0])
                util_seterr(err, errlen, "%s: cannot keep the current database aside",
                            res->kept);
            unlink(res->kept);
            res->kept[0] = 0;
            goto out;
        }
    }
    if (copy_db(live, src, err, errlen, res->path) < 0)
        goto out;
    if (one_text(live, "PRAGMA journal_mode=WAL", v, sizeof v) < 0 ||
        verify_copy(live, res->path, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    sqlite3_close(src);
    if (live && sqlite3_close(live) != SQLITE_OK && rc == 0) {
        util_seterr(err, errlen, "%s: cannot close after the restore", res->path);
        rc = -1;
    }
    if (rc == 0)
        fsync_path(data_dir, 1);
    return rc;
}
