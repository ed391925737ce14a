/* Unit tests of store/: schema version, records outbox, event log, meta, read-only
 * opening, durability settings and refusal of an unusable directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    strcpy(dir, "/tmp/kiosk-store-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static int pragma_int(struct store *st, const char *sql)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    int v = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void test_new_database(void **state)
{
    struct store *st;
    char err[256];
    assert_int_equal(store_open(dir, "LD-T-01", &st, err, sizeof err), 0);
    assert_true(store_is_new(st));
    assert_int_equal(pragma_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    /* WAL and synchronous=FULL (2): a returned commit has reached the disk. */
    sqlite3_stmt *s = store_prepare(st, "PRAGMA journal_mode");
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    assert_int_equal(pragma_int(st, "PRAGMA synchronous"), 2);
    store_close(st);
    /* Opening again migrates nothing and is not new. */
    assert_int_equal(store_open(dir, "LD-T-01", &st, err, sizeof err), 0);
    assert_false(store_is_new(st));
    store_close(st);
}

static void test_records(void **state)
{
    struct store *st;
    char err[256], uuid[37], uuid2[37];
    assert_int_equal(store_open(dir, "LD-T-01", &st, err, sizeof err), 0);
    /* 2026-12-01 00:30 in Shanghai is still 2026-11-30 in UTC. */
    int64_t t = 1796056200000LL;
    assert_int_equal(store_record_add(st, "checkin", "{\"certificate_no\":\"LD-1\"}", t, uuid), 0);
    assert_int_equal(strlen(uuid), 36);
    assert_int_equal(uuid[14], '4');
    assert_int_equal(store_record_add(st, "checkin", "{\"certificate_no\":\"LD-2\"}", t, uuid2), 0);
    assert_string_not_equal(uuid, uuid2);
    /* Not JSON: nothing written. */
    char bad[37];
    assert_int_equal(store_record_add(st, "checkin", "{not json", t, bad), -1);
    assert_int_equal(store_count(st, "records"), 2);
    store_close(st);

    /* Read back after reopening, read-only. */
    assert_int_equal(store_open_readonly(dir, &st, err, sizeof err), 0);
    struct record r;
    assert_int_equal(store_record_get(st, uuid, &r), 0);
    assert_string_equal(r.kiosk_id, "LD-T-01");
    assert_string_equal(r.kind, "checkin");
    assert_string_equal(r.created_at, "2026-11-30T16:30:00.000Z");
    assert_string_equal(r.local_date, "2026-12-01");
    assert_string_equal(r.fields, "{\"certificate_no\":\"LD-1\"}");
    assert_false(r.collected);
    assert_false(r.uploaded);
    record_clear(&r);
    assert_int_equal(store_record_get(st, "00000000-0000-4000-8000-000000000000", &r), 1);
    /* A read-only store refuses writes. */
    assert_int_equal(store_record_add(st, "checkin", "{}", t, bad), -1);
    store_close(st);
}

static void test_events_and_meta(void **state)
{
    struct store *st;
    char err[256], v[64];
    assert_int_equal(store_open(dir, "LD-T-01", &st, err, sizeof err), 0);
    store_event(st, 1764520200000LL, "start", "");
    store_event(st, 1764520260000LL, "idle_reset", "idle");
    assert_int_equal(store_count(st, "events"), 2);
    assert_int_equal(store_meta_get(st, "absent", v, sizeof v), 1);
    assert_int_equal(store_meta_set(st, "k", "v1"), 0);
    assert_int_equal(store_meta_set(st, "k", "v2"), 0);
    assert_int_equal(store_meta_get(st, "k", v, sizeof v), 0);
    assert_string_equal(v, "v2");
    assert_int_equal(store_check(st, err, sizeof err), 0);
    assert_int_equal(store_count(st, "records; DROP TABLE records"), -1);
    store_close(st);
}

static void test_unusable_directory(void **state)
{
    struct store *st;
    char err[256] = "";
    assert_int_equal(store_open("/nonexistent/kiosk", "X", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/kiosk"));
    /* A file where the directory should be. */
    char f[128];
    snprintf(f, sizeof f, "%s/plainfile", dir);
    FILE *fp = fopen(f, "w");
    fclose(fp);
    assert_int_equal(store_open(f, "X", &st, err, sizeof err), -1);
    /* A database from a newer program is refused, not damaged. */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/newer", dir);
    mkdir(sub, 0700);
    assert_int_equal(store_open(sub, "X", &st, err, sizeof err), 0);
    assert_int_equal(store_exec(st, "PRAGMA user_version=99"), 0);
    store_close(st);
    assert_int_equal(store_open(sub, "X", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "newer than this program"));
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_and_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unusable_directory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
