/* Tests for sync/apply (the kiosk writing what the centre published) and the centre's
 * publish_rows_json (what it publishes): live rows mapped onto the kiosk's columns,
 * withdrawals, malformed rows skipped and logged, the counter kept with each page and
 * older rows ignored, settings into meta, a full snapshot removing the rows of published
 * kinds the centre did not deliver, and a round trip file → import → JSON → apply for
 * every kind, materials with their pictures byte for byte. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certrule.h"
#include "centre/publish.h"
#include "content/import.h"
#include "core/util.h"
#include "store/store.h"
#include "store_fixture.h"
#include "sync/apply.h"

#define NOW 1796086800000LL

#define sql_int fixture_int

static void assert_sql(struct store *st, const char *sql, const char *want)
{
    sqlite3_stmt *q = store_prepare(st, sql);
    assert_non_null(q);
    const char *got = "NONE";
    char buf[512];
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        util_strlcpy(buf, t ? t : "NULL", sizeof buf);
        got = buf;
    }
    sqlite3_finalize(q);
    if (strcmp(got, want))
        fail_msg("%s: got \"%s\", want \"%s\"", sql, got, want);
}

static void page(struct store *st, const struct apply_row *rows, int n, struct apply_stats *s)
{
    char err[256] = "";
    int64_t reached = 0;
    for (int i = 0; i < n; i++)
        reached = rows[i].counter > reached ? rows[i].counter : reached;
    if (apply_page(st, rows, n, reached, NOW, s, err, sizeof err) < 0)
        fail_msg("apply_page: %s", err);
}

static void test_rows(void **state)
{
    struct fixture *f = *state;
    struct apply_stats s = {0};
    assert_int_equal(apply_counter(f->st), 0);
    const struct apply_row rows[] = {
        {"jobs", "N1", 5, 0,
         "{\"id\":\"N1\",\"title\":\"焊工\",\"employer\":\"厂\",\"area\":\"开发区\","
         "\"category\":\"制造业\",\"salary_min\":6000,\"salary_max\":null,\"new_column\":1}"},
        {"jobs", "N2", 6, 0,
         "{\"id\":\"N2\",\"title\":\"仓管\",\"employer\":\"物流\",\"area\":\"紫金\","
         "\"category\":\"物流\"}"},
        {"settings", "certificate_pattern", 7, 0,
         "{\"id\":\"certificate_pattern\",\"value\":\"LD-[0-9]+\"}"},
        /* malformed: not an object, an id that is not the row's, an unknown kind, a
         * setting the kiosk does not keep */
        {"jobs", "N3", 8, 0, "[1,2]"},
        {"jobs", "N4", 9, 0, "{\"id\":\"other\",\"title\":\"x\"}"},
        {"news", "X1", 10, 0, "{\"id\":\"X1\"}"},
        {"settings", "colour", 11, 0, "{\"id\":\"colour\",\"value\":\"red\"}"},
    };
    page(f->st, rows, 7, &s);
    assert_int_equal(s.rows, 7);
    assert_int_equal(s.changed, 3);
    assert_int_equal(s.skipped, 4);
    assert_int_equal(apply_counter(f->st), 11);
    assert_sql(f->st, "SELECT title || '|' || salary_min || '|' || coalesce(salary_max, 'none')"
                      " FROM jobs WHERE id = 'N1'", "焊工|6000|none");
    assert_int_equal(sql_int(f->st, "SELECT typeof(salary_min) = 'integer' FROM jobs WHERE id = 'N1'"), 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM jobs"), 2);
    assert_sql(f->st, "SELECT value FROM meta WHERE key = '" CERTRULE_META_KEY "'", "LD-[0-9]+");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM events WHERE kind = 'content_skip'"), 4);
    assert_sql(f->st, "SELECT detail FROM events WHERE kind = 'content_skip' ORDER BY seq LIMIT 1",
               "jobs N3 counter 8");

    /* A page seen again, or an older bundle: changes nothing. */
    const struct apply_row old[] = {{"jobs", "N1", 5, 1, "{}"}};
    struct apply_stats s2 = {0};
    page(f->st, old, 1, &s2);
    assert_int_equal(s2.withdrawn, 0);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM jobs WHERE id = 'N1'"), 1);
    assert_int_equal(apply_counter(f->st), 11);

    /* Withdrawals: the job goes, the setting goes (the kiosk's own config again). */
    const struct apply_row w[] = {
        {"jobs", "N1", 12, 1, "{\"id\":\"N1\"}"},
        {"settings", "certificate_pattern", 13, 1, ""},
        {"jobs", "N2", 14, 0,
         "{\"id\":\"N2\",\"title\":\"仓管员\",\"employer\":\"物流\",\"area\":\"紫金\",\"category\":\"物流\"}"},
    };
    struct apply_stats s3 = {0};
    page(f->st, w, 3, &s3);
    assert_int_equal(s3.withdrawn, 2);
    assert_int_equal(s3.changed, 1);
    assert_sql(f->st, "SELECT group_concat(id || ':' || title) FROM jobs", "N2:仓管员");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM meta WHERE key = '" CERTRULE_META_KEY "'"), 0);
    assert_int_equal(apply_counter(f->st), 14);
    assert_int_equal(sql_int(f->st, "SELECT withdrawn FROM content_synced WHERE id = 'N1'"), 1);
    /* No transaction left open. */
    assert_int_equal(sqlite3_get_autocommit(store_db(f->st)), 1);
}

static void test_full_snapshot(void **state)
{
    struct fixture *f = *state;
    char err[256];
    /* The demo's (or a stand-alone import's) content. */
    assert_int_equal(store_exec(f->st,
                                "INSERT INTO jobs(id,title,employer,area,category) VALUES"
                                " ('J001','demo','d','a','c'), ('J002','demo2','d','a','c');"
                                "INSERT INTO trainings(id,title,starts_at,venue) VALUES"
                                " ('T001','demo','2026-12-05 09:00','v');"
                                "INSERT INTO materials(id,title,category,body,sort) VALUES"
                                " ('m1','t','c','b',1);"
                                "INSERT INTO material_images VALUES ('m1','a.png',x'00');"),
                     0);
    assert_int_equal(apply_begin_full(f->st, err, sizeof err), 0);
    assert_int_equal(apply_full_pending(f->st), 1);
    const struct apply_row rows[] = {
        {"jobs", "J002", 3, 0,
         "{\"id\":\"J002\",\"title\":\"centre\",\"employer\":\"d\",\"area\":\"a\",\"category\":\"c\"}"},
        {"jobs", "N9", 4, 1, "{}"},
        {"materials", "m1", 5, 1, "{}"},
    };
    struct apply_stats s = {0};
    page(f->st, rows, 3, &s);
    /* Nothing is removed before the snapshot is complete. */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM jobs"), 2);
    assert_int_equal(apply_finish_full(f->st, err, sizeof err), 1);
    assert_int_equal(apply_full_pending(f->st), 0);
    /* jobs: the centre's set; trainings: never published, kept; materials: withdrawn. */
    assert_sql(f->st, "SELECT group_concat(id || ':' || title) FROM jobs", "J002:centre");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM trainings"), 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM materials"), 0);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM material_images"), 0);
    /* Another full snapshot forgets what the previous one delivered. */
    assert_int_equal(apply_begin_full(f->st, err, sizeof err), 0);
    assert_int_equal(apply_counter(f->st), 0);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM content_synced"), 0);
}

/* Imports `what` from path into a scratch store, publishes it as JSON and applies the
 * rows into dst with counters from *counter on. */
static long round_trip(struct store *dst, const char *what, const char *path, int64_t *counter)
{
    char dir[64] = "/tmp/kiosk-test-src-XXXXXX", err[512] = "";
    assert_non_null(mkdtemp(dir));
    struct store *src;
    assert_int_equal(store_open(dir, "centre", &src, err, sizeof err), 0);
    if (import_file(src, what, path, err, sizeof err) < 0)
        fail_msg("import %s: %s", path, err);
    struct strbuf json = {0};
    long n = publish_rows_json(src, what, &json);
    assert_true(n > 0);
    /* The array is read back with SQLite's own JSON, as the server's jsonb would. */
    sqlite3_stmt *q = store_prepare(src, "SELECT json_extract(value, '$.id'),"
                                         " json_extract(value, '$.data') FROM json_each(?)");
    assert_non_null(q);
    sqlite3_bind_text(q, 1, json.buf, -1, SQLITE_STATIC);
    struct apply_row *rows = calloc((size_t)n, sizeof *rows);
    char **keep = calloc((size_t)n * 2, sizeof *keep);
    int i = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        assert_true(i < n);
        keep[2 * i] = strdup((const char *)sqlite3_column_text(q, 0));
        keep[2 * i + 1] = strdup((const char *)sqlite3_column_text(q, 1));
        rows[i] = (struct apply_row){what, keep[2 * i], ++*counter, 0, keep[2 * i + 1]};
        i++;
    }
    assert_int_equal(i, n);
    sqlite3_finalize(q);
    struct apply_stats s = {0};
    page(dst, rows, i, &s);
    assert_int_equal(s.changed, n);
    assert_int_equal(s.skipped, 0);
    for (int k = 0; k < 2 * i; k++)
        free(keep[k]);
    free(keep);
    free(rows);
    strbuf_free(&json);
    store_close(src);
    char p[128];
    snprintf(p, sizeof p, "rm -rf %s", dir);
    assert_int_equal(system(p), 0);
    return n;
}

static void test_round_trip(void **state)
{
    struct fixture *f = *state;
    int64_t c = 0;
    assert_int_equal(round_trip(f->st, "jobs", "tests/data/import/jobs_good.csv", &c), 3);
    assert_sql(f->st, "SELECT requirements FROM jobs WHERE id = 'J1'",
               "有数控经验一年以上，能看懂图纸；\n适应两班倒,包吃住。\n说\"急招\"。");
    assert_int_equal(round_trip(f->st, "trainings", "tests/data/import/trainings_good.csv", &c), 2);
    assert_sql(f->st, "SELECT starts_at || '|' || capacity FROM trainings WHERE id = 'T2'",
               "2026-12-05 09:00|40");
    assert_int_equal(round_trip(f->st, "activities", "tests/data/import/activities_good.csv", &c), 2);
    assert_int_equal(round_trip(f->st, "places", "tests/data/import/demo/places.csv", &c), 3);
    assert_sql(f->st, "SELECT group_concat(id) FROM (SELECT id FROM places ORDER BY sort)",
               "C01,D01,S01");
    assert_int_equal(round_trip(f->st, "services", "tests/data/import/services_good.csv", &c), 2);
    assert_sql(f->st, "SELECT how FROM services WHERE id = 'SV01'", "带身份证,\n和活动证");
    assert_int_equal(round_trip(f->st, "materials", "tests/data/import/materials", &c), 2);
    /* The picture arrives byte for byte. */
    size_t len = 0;
    char *png = util_read_file("tests/data/import/materials/emblem.png", &len);
    assert_non_null(png);
    sqlite3_stmt *q = store_prepare(f->st, "SELECT data FROM material_images WHERE name = 'emblem.png'");
    assert_non_null(q);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal((size_t)sqlite3_column_bytes(q, 0), len);
    assert_memory_equal(sqlite3_column_blob(q, 0), png, len);
    sqlite3_finalize(q);
    free(png);
    assert_int_equal(apply_counter(f->st), c);
}

static void test_bad_picture_keeps_the_old_row(void **state)
{
    struct fixture *f = *state;
    const struct apply_row good[] = {
        {"materials", "m1", 1, 0,
         "{\"id\":\"m1\",\"title\":\"旧\",\"category\":\"c\",\"body\":\"b\",\"sort\":1,"
         "\"images\":[{\"name\":\"a.png\",\"data\":\"AAEC\"}]}"},
    };
    const struct apply_row bad[] = {
        {"materials", "m1", 2, 0,
         "{\"id\":\"m1\",\"title\":\"新\",\"category\":\"c\",\"body\":\"b\",\"sort\":1,"
         "\"images\":[{\"name\":\"a.png\",\"data\":\"not base64!\"}]}"},
    };
    struct apply_stats s = {0};
    page(f->st, good, 1, &s);
    assert_int_equal(sql_int(f->st, "SELECT length(data) FROM material_images"), 3);
    page(f->st, bad, 1, &s);
    assert_int_equal(s.skipped, 1);
    assert_sql(f->st, "SELECT title FROM materials WHERE id = 'm1'", "旧");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM material_images"), 1);
    assert_int_equal(apply_counter(f->st), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_picture_keeps_the_old_row, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
