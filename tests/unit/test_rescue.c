/* Tests for store/ and store/rescue: a database is never silently replaced.  The data
 * directory's marker is written once; a missing or 0-byte database where it says one
 * existed is refused (nothing created); a damaged one is refused, set aside and rescued;
 * one deleted or replaced under an open connection refuses every later commit and is
 * rescued whole from that connection, every acknowledged record included; reset starts
 * an empty database that says why in its event log. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/rescue.h"
#include "store/store.h"
#include "core/util.h"

#define STORE_FIXTURE_KIOSK "LD-R-01"
#include "store_fixture.h"

#define T0 1764550800000LL /* 2025-12-01 09:00 +08:00 */

static void path_in(const struct fixture *f, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", f->dir, name);
}

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static long count_in(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    long n = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
            n = (long)sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return n;
}

static void add_records(struct fixture *f, int n, char uuids[][37])
{
    for (int i = 0; i < n; i++)
        assert_int_equal(store_record_add(f->st, "consultation", "{\"topic\":\"x\"}", T0 + i,
                                          uuids[i]), 0);
}

static void test_marker_written_once(void **state)
{
    struct fixture *f = *state;
    char id[64], created[40], created2[40];
    assert_int_equal(store_marker_read(f->dir, id, sizeof id, created, sizeof created), 1);
    assert_string_equal(id, "LD-R-01");
    assert_int_equal(strlen(created), 24);
    store_close(f->st);
    char err[512];
    assert_int_equal(store_open(f->dir, "LD-R-01", &f->st, err, sizeof err), 0);
    assert_int_equal(store_marker_read(f->dir, NULL, 0, created2, sizeof created2), 1);
    assert_string_equal(created, created2);
}

static void test_missing_database_is_not_recreated(void **state)
{
    struct fixture *f = *state;
    char uuids[3][37], db[256], err[512] = "";
    add_records(f, 3, uuids);
    store_close(f->st);
    f->st = NULL;
    path_in(f, STORE_DB_NAME, db, sizeof db);
    assert_int_equal(unlink(db), 0);
    struct store *st = NULL;
    assert_int_equal(store_open(f->dir, "LD-R-01", &st, err, sizeof err), STORE_E_LOST);
    assert_null(st);
    assert_non_null(strstr(err, "missing"));
    assert_false(exists(db));
    /* The kiosk's open sets the loss aside and notes it, once. */
    struct store_incident inc;
    assert_int_equal(store_open_or_set_aside(f->dir, "LD-R-01", T0, &st, &inc, err, sizeof err), 1);
    assert_string_equal(inc.what, "missing");
    assert_int_equal(store_incident_read(f->dir, &inc), 1);
    char aside[4096];
    util_strlcpy(aside, inc.aside, sizeof aside);
    assert_int_equal(store_open_or_set_aside(f->dir, "LD-R-01", T0 + 5000, &st, &inc, err,
                                             sizeof err), 1);
    assert_string_equal(inc.aside, aside); /* not set aside a second time */
    assert_false(exists(db));
    char text[4096];
    store_incident_explain(&inc, text, sizeof text);
    assert_non_null(strstr(text, "kioskctl reset-database"));
    assert_non_null(strstr(text, "kioskctl restore"));
}

static void test_empty_database_is_not_recreated(void **state)
{
    struct fixture *f = *state;
    char uuids[2][37], db[256], err[512] = "";
    add_records(f, 2, uuids);
    store_close(f->st);
    f->st = NULL;
    path_in(f, STORE_DB_NAME, db, sizeof db);
    assert_int_equal(truncate(db, 0), 0);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", db);
    unlink(wal);
    struct store *st = NULL;
    assert_int_equal(store_open(f->dir, "LD-R-01", &st, err, sizeof err), STORE_E_LOST);
    assert_non_null(strstr(err, "empty"));
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    assert_int_equal(sb.st_size, 0); /* untouched */
    struct store_incident inc;
    assert_int_equal(store_open_or_set_aside(f->dir, "LD-R-01", T0, &st, &inc, err, sizeof err), 1);
    assert_string_equal(inc.what, "empty");
    assert_false(exists(db));
    char moved[4300];
    snprintf(moved, sizeof moved, "%s/%s", inc.aside, STORE_DB_NAME);
    assert_true(exists(moved)); /* moved, never deleted */
}

/* Overwrites the root pages of two b-trees the records do not live in (an index of the
 * records and the events table) with garbage: SQLite opens the file, its check finds the
 * damage, and the records themselves can all be read back. */
static void damage(const char *db)
{
    sqlite3 *d = NULL;
    assert_int_equal(sqlite3_open(db, &d), SQLITE_OK);
    int pages[2] = {0, 0};
    const char *names[2] = {"records_by_date", "events"};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *q = NULL;
        assert_int_equal(sqlite3_prepare_v2(d, "SELECT rootpage FROM sqlite_master WHERE name=?",
                                            -1, &q, NULL), SQLITE_OK);
        sqlite3_bind_text(q, 1, names[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        pages[i] = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(d);
    int fd = open(db, O_WRONLY);
    assert_true(fd >= 0);
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 131 + 7);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)(pages[i] - 1) * 4096),
                         (ssize_t)sizeof junk);
    close(fd);
}

static void test_damaged_database_set_aside_and_rescued(void **state)
{
    struct fixture *f = *state;
    enum { N = 300 };
    static char uuids[N][37];
    add_records(f, N, uuids);
    store_close(f->st);
    f->st = NULL;
    char db[256], err[1024] = "";
    path_in(f, STORE_DB_NAME, db, sizeof db);
    damage(db);
    struct store *st = NULL;
    assert_int_equal(store_open_flags(f->dir, "LD-R-01", STORE_OPEN_CHECK, &st, err, sizeof err),
                     STORE_E_DAMAGED);
    assert_non_null(strstr(err, "quick_check"));
    struct stat before, after;
    assert_int_equal(stat(db, &before), 0);
    struct store_incident inc;
    assert_int_equal(store_open_or_set_aside(f->dir, "LD-R-01", T0, &st, &inc, err, sizeof err), 1);
    assert_null(st);
    assert_string_equal(inc.what, "damaged");
    assert_false(exists(db));
    char moved[4300];
    snprintf(moved, sizeof moved, "%s/%s", inc.aside, STORE_DB_NAME);
    assert_int_equal(stat(moved, &after), 0);
    assert_int_equal(after.st_size, before.st_size); /* moved as it was */
    /* The records survived the damage, all of them, and are in the rescued database. */
    if (!inc.rescued[0])
        fail_msg("nothing rescued: %s", inc.note);
    assert_int_equal(inc.rescued_records, N);
    assert_int_equal(count_in(inc.rescued, "SELECT count(*) FROM records"), inc.rescued_records);
}

static void test_deleted_while_open(void **state)
{
    struct fixture *f = *state;
    char uuids[5][37], db[256], err[1024] = "", extra[37];
    add_records(f, 5, uuids);
    path_in(f, STORE_DB_NAME, db, sizeof db);
    assert_int_equal(unlink(db), 0);
    /* The next commit is refused: nothing is acknowledged into an unlinked file. */
    assert_int_equal(store_record_add(f->st, "consultation", "{}", T0 + 10, extra), -1);
    assert_int_equal(store_lost(f->st), STORE_LOSS_DELETED);
    assert_int_equal(store_meta_set(f->st, "k", "v"), -1);
    struct store_incident inc;
    assert_int_equal(store_set_aside(f->dir, "deleted", "test", T0, f->st, &inc, err, sizeof err), 0);
    /* Every acknowledged record is in the rescued copy, the refused one is not. */
    assert_int_equal(count_in(inc.rescued, "SELECT count(*) FROM records"), 5);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE uuid='%s'", uuids[4]);
    assert_int_equal(count_in(inc.rescued, sql), 1);
    assert_int_equal(inc.rescued_records, 5);
    assert_false(exists(db));
}

static void test_replaced_while_open(void **state)
{
    struct fixture *f = *state;
    char uuids[4][37], db[256], other[256], err[1024] = "", extra[37];
    add_records(f, 4, uuids);
    /* Another database is put where the kiosk's was (a copy, a restore, a mistake). */
    path_in(f, "other.db", other, sizeof other);
    sqlite3 *o = NULL;
    assert_int_equal(sqlite3_open(other, &o), SQLITE_OK);
    assert_int_equal(sqlite3_exec(o, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(o);
    path_in(f, STORE_DB_NAME, db, sizeof db);
    assert_int_equal(rename(other, db), 0);
    /* The idle kiosk's check notices before any write. */
    assert_int_equal(store_file_check(f->st), STORE_LOSS_REPLACED);
    assert_int_equal(store_record_add(f->st, "consultation", "{}", T0 + 10, extra), -1);
    struct store_incident inc;
    assert_int_equal(store_set_aside(f->dir, "replaced", "test", T0, f->st, &inc, err, sizeof err), 0);
    assert_int_equal(count_in(inc.rescued, "SELECT count(*) FROM records"), 4);
    /* The file found in its place is moved aside too, never used or deleted. */
    char found[4400];
    snprintf(found, sizeof found, "%s/found-%s", inc.aside, STORE_DB_NAME);
    assert_int_equal(count_in(found, "SELECT count(*) FROM sqlite_master WHERE name='t'"), 1);
    assert_false(exists(db));
}

static void test_reset(void **state)
{
    struct fixture *f = *state;
    char uuids[3][37], db[256], err[2048] = "", created[40], created2[40];
    add_records(f, 3, uuids);
    assert_int_equal(store_marker_read(f->dir, NULL, 0, created, sizeof created), 1);
    struct store *st = NULL;
    struct store_incident inc;
    /* Healthy: nothing to reset without --force. */
    assert_int_equal(store_reset(f->dir, "LD-R-01", 0, T0, &inc, &st, err, sizeof err), 1);
    assert_non_null(strstr(err, "healthy"));
    store_close(f->st);
    f->st = NULL;
    path_in(f, STORE_DB_NAME, db, sizeof db);
    damage(db);
    assert_int_equal(store_open_or_set_aside(f->dir, "LD-R-01", T0, &st, &inc, err, sizeof err), 1);
    char aside[4096];
    util_strlcpy(aside, inc.aside, sizeof aside);

    assert_int_equal(store_reset(f->dir, "LD-R-01", 0, T0 + 1000, &inc, &st, err, sizeof err), 0);
    assert_non_null(st);
    assert_string_equal(inc.aside, aside);
    assert_int_equal(store_count(st, "records"), 0);
    /* The new database says why it is new; the note went to the old files' folder. */
    sqlite3_stmt *s = store_prepare(st, "SELECT group_concat(kind) FROM events");
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *kinds = (const char *)sqlite3_column_text(s, 0);
    assert_non_null(strstr(kinds, "database_incident"));
    assert_non_null(strstr(kinds, "database_reset"));
    sqlite3_finalize(s);
    assert_int_equal(store_incident_read(f->dir, &inc), 0);
    char note[4300];
    snprintf(note, sizeof note, "%s/%s", aside, STORE_INCIDENT_NAME);
    assert_true(exists(note));
    assert_int_equal(store_marker_read(f->dir, NULL, 0, created2, sizeof created2), 1);
    assert_string_equal(created, created2); /* written once */
    f->st = st;

    /* --force replaces a healthy one, keeping it aside. */
    store_close(f->st);
    f->st = NULL;
    assert_int_equal(store_reset(f->dir, "LD-R-01", 1, T0 + 2000, &inc, &st, err, sizeof err), 0);
    assert_string_not_equal(inc.aside, aside);
    f->st = st;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_marker_written_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_database_is_not_recreated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_database_is_not_recreated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_database_set_aside_and_rescued, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deleted_while_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_while_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
