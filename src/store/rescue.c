/* rescue — see rescue.h.  A damaged file is rescued by the sqlite3 program's `.recover`
 * (Debian 12's libsqlite3 does not export the recovery extension's API; the shell has
 * it built in), which reads every page it can and writes SQL; that SQL is loaded into a
 * fresh rescued.db beside it.  Both steps run as child processes with their output in
 * files of the aside folder, so a crash of the recovery never takes the kiosk down. */
#define _GNU_SOURCE
#include "store/rescue.h"

#include "core/util.h"
#include "store/space.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *const db_files[] = {STORE_DB_NAME, STORE_DB_NAME "-wal",
                                       STORE_DB_NAME "-shm"};

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Runs argv[0] (found on PATH) with stdin from in_path (or /dev/null), stdout to
 * out_path and stderr appended to log_path.  Returns its exit status, or -1 when it
 * could not be started (errno). */
static int run(char *const argv[], const char *in_path, const char *out_path,
               const char *log_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path ? in_path : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Records in a rescued database (the records table, or .recover's lost_and_found when
 * the schema itself was lost: then -1). */
static long count_records(const char *path)
{
    sqlite3 *db = NULL;
    long n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM records", -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            n = (long)sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return n;
}

/* 1 when the SQL file holds at least one INSERT (a rescue that found rows). */
static int has_rows(const char *sql_path)
{
    FILE *f = fopen(sql_path, "re");
    if (!f)
        return 0;
    char line[256];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = !strncmp(line, "INSERT INTO", 11);
    fclose(f);
    return found;
}

/* The shell's .dump ends a dump that met damage with "ROLLBACK; -- due to errors", which
 * would throw away every row it did read: that line becomes COMMIT. */
static void commit_partial_dump(const char *sql_path)
{
    static const char tail[] = "ROLLBACK; -- due to errors\n";
    int fd = open(sql_path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat sb;
    char buf[sizeof tail];
    off_t n = (off_t)sizeof tail - 1;
    if (fstat(fd, &sb) == 0 && sb.st_size >= n && pread(fd, buf, (size_t)n, sb.st_size - n) == n &&
        !memcmp(buf, tail, (size_t)n) && ftruncate(fd, sb.st_size - n) == 0)
        (void)!pwrite(fd, "COMMIT;\n", 8, sb.st_size - n);
    close(fd);
}

/* aside/kiosk.db (with its WAL, moved beside it) into aside/rescued.db.  `.recover` reads
 * every page it can, but needs the sqlite_dbpage table, which Debian 12's libsqlite3 is
 * built without; `.dump` then reads each table as far as it can (and again backwards from
 * its end).  Fills inc->rescued… or inc->note. */
static void recover_file(struct store_incident *inc)
{
    char db[4300], sql[4300], out[4300], log[4300];
    snprintf(db, sizeof db, "%s/%s", inc->aside, STORE_DB_NAME);
    snprintf(sql, sizeof sql, "%s/rescued.sql", inc->aside);
    snprintf(out, sizeof out, "%s/%s", inc->aside, STORE_RESCUED_NAME);
    snprintf(log, sizeof log, "%s/rescue.log", inc->aside);
    struct stat sb;
    if (stat(db, &sb) < 0 || sb.st_size == 0) {
        util_strlcpy(inc->note, "nothing was left to rescue", sizeof inc->note);
        return;
    }
    char *recover[] = {"sqlite3", db, ".recover", NULL};
    int rc = run(recover, NULL, sql, log);
    if (rc < 0) {
        util_seterr(inc->note, sizeof inc->note, "the sqlite3 program could not be started "
                    "(%s): install it and run sqlite3 on the aside copy with .dump",
                    strerror(errno));
        return;
    }
    if (rc != 0 || !has_rows(sql)) {
        char *dump[] = {"sqlite3", db, ".dump", NULL};
        rc = run(dump, NULL, sql, log);
        commit_partial_dump(sql);
    }
    char *load[] = {"sqlite3", out, NULL};
    int rc2 = run(load, sql, "/dev/null", log);
    if (rc2 < 0 || stat(out, &sb) < 0) {
        util_seterr(inc->note, sizeof inc->note, "the rescue did not finish (see rescue.log)");
        return;
    }
    util_strlcpy(inc->rescued, out, sizeof inc->rescued);
    inc->rescued_records = count_records(out);
    if (rc != 0 || rc2 != 0)
        util_seterr(inc->note, sizeof inc->note, "some of it could not be read (see rescue.log)");
}

static int write_incident(const char *path, const struct store_incident *inc)
{
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    FILE *f = fopen(tmp, "wxe");
    if (!f)
        return -1;
    fprintf(f, "what=%s\ndetail=%s\nat=%s\naside=%s\nrescued=%s\nrescued_records=%ld\nnote=%s\n",
            inc->what, inc->detail, inc->at, inc->aside, inc->rescued, inc->rescued_records,
            inc->note);
    int ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int store_set_aside(const char *dir, const char *what, const char *detail, int64_t now_ms,
                    struct store *live, struct store_incident *inc, char *err, size_t errlen)
{
    memset(inc, 0, sizeof *inc);
    inc->rescued_records = -1;
    util_strlcpy(inc->what, what, sizeof inc->what);
    util_strlcpy(inc->detail, detail, sizeof inc->detail);
    /* The detail is one line of the note. */
    for (char *p = inc->detail; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    util_time_utc(now_ms, inc->at);

    char stamp[32];
    util_time_local(now_ms, "%Y%m%d-%H%M%S", stamp, sizeof stamp);
    for (int i = 0; i < 100; i++) {
        if (i == 0)
            snprintf(inc->aside, sizeof inc->aside, "%s/aside-%s", dir, stamp);
        else
            snprintf(inc->aside, sizeof inc->aside, "%s/aside-%s-%d", dir, stamp, i + 1);
        if (mkdir(inc->aside, 0700) == 0)
            break;
        if (errno != EEXIST) {
            util_seterr(err, errlen, "%s: cannot make the folder for the old database: %s",
                        inc->aside, strerror(errno));
            return -1;
        }
    }
    if (live) {
        /* The open connection still reads the whole file, unlinked or not. */
        char to[4300], why[512] = "";
        snprintf(to, sizeof to, "%s/%s", inc->aside, STORE_RESCUED_NAME);
        if (store_rescue_live(live, to, why, sizeof why) == 0) {
            util_strlcpy(inc->rescued, to, sizeof inc->rescued);
            inc->rescued_records = count_records(to);
        } else {
            util_seterr(inc->note, sizeof inc->note, "the open database could not be copied: %s",
                        why);
        }
    }
    /* What is at the path now is moved too: a file put there under the kiosk (replaced)
     * or what is left of the damaged one. */
    int moved = 0;
    for (size_t i = 0; i < sizeof db_files / sizeof *db_files; i++) {
        char from[4300], to[4300];
        snprintf(from, sizeof from, "%s/%s", dir, db_files[i]);
        /* Under a live connection the file at the path is someone else's (found-), and
         * the -wal/-shm beside it are the open connection's (open-): kept apart, so that
         * neither is ever opened with the other's journal. */
        snprintf(to, sizeof to, "%s/%s%s", inc->aside, !live ? "" : i == 0 ? "found-" : "open-",
                 db_files[i]);
        if (rename(from, to) == 0)
            moved++;
        else if (errno != ENOENT) {
            util_seterr(err, errlen, "%s cannot be moved aside: %s", from, strerror(errno));
            return -1;
        }
    }
    fsync_dir(inc->aside);
    fsync_dir(dir);
    if (!live)
        recover_file(inc);
    if (!moved && !inc->rescued[0] && !inc->note[0])
        util_strlcpy(inc->note, "no file was left to rescue", sizeof inc->note);
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, STORE_INCIDENT_NAME);
    if (write_incident(path, inc) < 0) {
        util_seterr(err, errlen, "%s cannot be written: %s", path, strerror(errno));
        return -1;
    }
    fsync_dir(dir);
    fprintf(stderr, "store: %s: %s; the files are in %s%s%s\n", what, inc->detail, inc->aside,
            inc->rescued[0] ? ", rescued into " : "", inc->rescued);
    return 0;
}

int store_incident_read(const char *dir, struct store_incident *inc)
{
    memset(inc, 0, sizeof *inc);
    inc->rescued_records = -1;
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, STORE_INCIDENT_NAME);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return -1;
    }
    char line[5000];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq++ = 0;
        if (!strcmp(line, "what"))
            util_strlcpy(inc->what, eq, sizeof inc->what);
        else if (!strcmp(line, "detail"))
            util_strlcpy(inc->detail, eq, sizeof inc->detail);
        else if (!strcmp(line, "at"))
            util_strlcpy(inc->at, eq, sizeof inc->at);
        else if (!strcmp(line, "aside"))
            util_strlcpy(inc->aside, eq, sizeof inc->aside);
        else if (!strcmp(line, "rescued"))
            util_strlcpy(inc->rescued, eq, sizeof inc->rescued);
        else if (!strcmp(line, "rescued_records"))
            inc->rescued_records = strtol(eq, NULL, 10);
        else if (!strcmp(line, "note"))
            util_strlcpy(inc->note, eq, sizeof inc->note);
    }
    fclose(f);
    return 1;
}

void store_incident_explain(const struct store_incident *inc, char *out, size_t size)
{
    struct strbuf sb = {0};
    static const struct {
        const char *what, *said;
    } whats[] = {
        {"damaged", "The kiosk database was damaged"},
        {"missing", "The kiosk database was missing"},
        {"empty", "The kiosk database was an empty file"},
        {"deleted", "The kiosk database was deleted while the kiosk ran"},
        {"replaced", "The kiosk database was replaced while the kiosk ran"},
        {"unavailable", "The kiosk database could not be opened"},
    };
    const char *said = "The kiosk database could not be used";
    for (size_t i = 0; i < sizeof whats / sizeof *whats; i++)
        if (!strcmp(inc->what, whats[i].what))
            said = whats[i].said;
    strbuf_addf(&sb, "%s (%s, at %s); the kiosk is out of service and has written nothing "
                "since.", said, inc->detail, inc->at);
    if (inc->aside[0])
        strbuf_addf(&sb, " What was left is in %s.", inc->aside);
    if (inc->rescued[0]) {
        if (inc->rescued_records >= 0)
            strbuf_addf(&sb, " %ld record%s were rescued into %s.", inc->rescued_records,
                        inc->rescued_records == 1 ? "" : "s", inc->rescued);
        else
            strbuf_addf(&sb, " What could be read was rescued into %s.", inc->rescued);
    }
    if (inc->note[0])
        strbuf_addf(&sb, " Note: %s.", inc->note);
    strbuf_add(&sb, " To go on: put a backup back with `kioskctl restore FILE`");
    if (inc->rescued[0])
        strbuf_addf(&sb, " (or the rescued copy: `kioskctl restore %s`)", inc->rescued);
    strbuf_add(&sb, ", or start an empty database with `kioskctl reset-database` (the old "
                    "files stay where they are).  The kiosk resumes by itself once either is "
                    "done.");
    util_strlcpy(out, sb.buf, size);
    strbuf_free(&sb);
}

int store_incident_close(const char *dir, struct store *st, int64_t now_ms)
{
    struct store_incident inc;
    if (store_incident_read(dir, &inc) <= 0)
        return 0;
    struct strbuf detail = {0};
    strbuf_addf(&detail, "%s at %s: %s; old files in %s%s%s", inc.what, inc.at, inc.detail,
                inc.aside[0] ? inc.aside : "(none)", inc.rescued[0] ? ", rescued into " : "",
                inc.rescued);
    store_event(st, now_ms, "database_incident", detail.buf);
    strbuf_free(&detail);
    char from[4300], to[4400];
    snprintf(from, sizeof from, "%s/%s", dir, STORE_INCIDENT_NAME);
    struct stat sb;
    if (inc.aside[0] && stat(inc.aside, &sb) == 0 && S_ISDIR(sb.st_mode))
        snprintf(to, sizeof to, "%s/%s", inc.aside, STORE_INCIDENT_NAME);
    else
        snprintf(to, sizeof to, "%s/%s.closed", dir, STORE_INCIDENT_NAME);
    if (rename(from, to) < 0) {
        fprintf(stderr, "store: %s cannot be filed away: %s\n", from, strerror(errno));
        return -1;
    }
    fsync_dir(dir);
    return 0;
}

int store_reset(const char *dir, const char *kiosk_id, int force, int64_t now_ms,
                struct store_incident *inc, struct store **out, char *err, size_t errlen)
{
    memset(inc, 0, sizeof *inc);
    *out = NULL;
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, STORE_DB_NAME);
    struct stat sb;
    int exists = lstat(path, &sb) == 0;
    int marked = store_marker_read(dir, NULL, 0, NULL, 0) > 0;
    int noted = store_incident_read(dir, inc) > 0;
    if (!exists && !marked) {
        util_seterr(err, errlen, "%s has never had a database: nothing to reset (the kiosk "
                    "makes one at its first start)", dir);
        return 1;
    }
    if (exists) {
        struct store *st = NULL;
        char why[1024] = "";
        int rc = store_open_flags(dir, kiosk_id, STORE_OPEN_CHECK, &st, why, sizeof why);
        if (rc == 0) {
            store_close(st);
            if (!force) {
                util_seterr(err, errlen, "%s is healthy: nothing to reset.  To replace it "
                            "anyway, stop the kiosk and run kioskctl reset-database --force",
                            path);
                return 1;
            }
            rc = store_set_aside(dir, "reset", "kioskctl reset-database --force on a healthy "
                                 "database", now_ms, NULL, inc, err, errlen);
        } else if (rc == STORE_E_LOST || rc == STORE_E_DAMAGED) {
            /* A 0-byte file, or a damaged one the kiosk has not set aside (or a damaged
             * backup put back since): set it aside now. */
            rc = store_set_aside(dir, rc == STORE_E_LOST ? "empty" : "damaged", why, now_ms,
                                 NULL, inc, err, errlen);
        } else {
            util_seterr(err, errlen, "%s", why);
            return -1;
        }
        if (rc < 0)
            return -1;
    } else if (!noted) {
        /* Deleted while the kiosk was stopped: only the note is missing (and a WAL, if
         * one was left, goes aside). */
        char detail[4400];
        snprintf(detail, sizeof detail, "%s is missing", path);
        if (store_set_aside(dir, "missing", detail, now_ms, NULL, inc, err, errlen) < 0)
            return -1;
    } else {
        /* The note is there; a -wal or -shm left beside nothing is moved to its folder. */
        for (size_t i = 1; i < sizeof db_files / sizeof *db_files; i++) {
            char from[4300], to[8400];
            snprintf(from, sizeof from, "%s/%s", dir, db_files[i]);
            snprintf(to, sizeof to, "%s/late-%s", inc->aside[0] ? inc->aside : dir, db_files[i]);
            if (rename(from, to) < 0 && errno != ENOENT) {
                util_seterr(err, errlen, "%s cannot be moved aside: %s", from, strerror(errno));
                return -1;
            }
        }
    }
    struct store *st = NULL;
    if (store_open_flags(dir, kiosk_id, STORE_OPEN_RESET, &st, err, errlen) < 0)
        return -1;
    store_event(st, now_ms, "database_reset", inc->aside[0] ? inc->aside : "");
    *out = st;
    return 0;
}

int store_open_or_set_aside(const char *dir, const char *kiosk_id, int64_t now_ms,
                            struct store **out, struct store_incident *inc, char *err,
                            size_t errlen)
{
    *out = NULL;
    memset(inc, 0, sizeof *inc);
    char why[1024] = "";
    int rc = store_open_flags(dir, kiosk_id, STORE_OPEN_CHECK, out, why, sizeof why);
    /* Not even the database opens (a full disk: WAL and -shm need room): the staff reserve
     * is what it is kept for. */
    int64_t freed;
    if (rc == STORE_E_UNAVAILABLE && (freed = space_reserve_release(dir)) > 0) {
        fprintf(stderr, "store: %s; the space reserve was released\n", why);
        rc = store_open_flags(dir, kiosk_id, STORE_OPEN_CHECK, out, why, sizeof why);
        if (rc == 0) {
            char mb[48];
            snprintf(mb, sizeof mb, "%lld MB, to open the database", (long long)(freed >> 20));
            store_event(*out, now_ms, "reserve_released", mb);
        }
    }
    if (rc == 0)
        return 0;
    if (rc == STORE_E_UNAVAILABLE) {
        /* Nothing to set aside: out of service until it opens again. */
        util_strlcpy(inc->what, "unavailable", sizeof inc->what);
        util_strlcpy(inc->detail, why, sizeof inc->detail);
        util_time_utc(now_ms, inc->at);
        inc->rescued_records = -1;
        return 1;
    }
    if (rc != STORE_E_LOST && rc != STORE_E_DAMAGED) {
        util_seterr(err, errlen, "%s", why);
        return -1;
    }
    if (rc == STORE_E_LOST && store_incident_read(dir, inc) > 0)
        return 1; /* set aside before; still waiting for staff */
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, STORE_DB_NAME);
    struct stat sb;
    const char *what = rc == STORE_E_DAMAGED ? "damaged"
                       : lstat(path, &sb) == 0 ? "empty" : "missing";
    if (store_set_aside(dir, what, why, now_ms, NULL, inc, err, errlen) < 0) {
        /* Cannot move it: still out of service, said from what is known. */
        util_strlcpy(inc->what, what, sizeof inc->what);
        util_strlcpy(inc->detail, why, sizeof inc->detail);
        util_time_utc(now_ms, inc->at);
        inc->rescued_records = -1;
    }
    return 1;
}
