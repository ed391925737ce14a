/* Tests for content/import: good files in every encoding spreadsheets write, bad files
 * that must be reported with the right line and leave the tables untouched,
 * re-import, materials with images, and the demo seed with its week shift.
 *
 * Fixtures live in tests/data/import/; run from the repository root. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/import.h"
#include "core/png.h"
#include "core/util.h"
#include "store/store.h"

#define DATA "tests/data/import"

#define STORE_FIXTURE_KIOSK "test-kiosk"
#include "store_fixture.h"

/* ---- SQL helpers ---- */

#define sql_int fixture_int

static const char *sql_text(struct store *st, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *q = store_prepare(st, sql);
    assert_non_null(q);
    if (sqlite3_step(q) != SQLITE_ROW)
        util_strlcpy(buf, "NONE", size);
    else if (sqlite3_column_type(q, 0) == SQLITE_NULL)
        util_strlcpy(buf, "NULL", size);
    else
        util_strlcpy(buf, (const char *)sqlite3_column_text(q, 0), size);
    sqlite3_finalize(q);
    return buf;
}

#define ASSERT_SQL(st, sql, want)                                                           \
    do {                                                                                    \
        char buf_[8192];                                                                    \
        assert_string_equal(sql_text((st), (sql), buf_, sizeof buf_), (want));              \
    } while (0)

/* Every row and column of table, in id order, as one string. */
static char *snapshot(struct store *st, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", table);
    sqlite3_stmt *q = store_prepare(st, sql);
    assert_non_null(q);
    struct strbuf sb = {0};
    strbuf_add(&sb, "");
    while (sqlite3_step(q) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q); i++) {
            if (sqlite3_column_type(q, i) == SQLITE_NULL)
                strbuf_add(&sb, "<null>|");
            else
                strbuf_addf(&sb, "%d:%s|", sqlite3_column_bytes(q, i),
                            sqlite3_column_type(q, i) == SQLITE_BLOB
                                ? "blob"
                                : (const char *)sqlite3_column_text(q, i));
        }
        strbuf_add(&sb, "\n");
    }
    sqlite3_finalize(q);
    return strbuf_detach(&sb);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    char *data = util_read_file(from, &len);
    assert_non_null(data);
    write_file(to, data, len);
    free(data);
}

/* Decodes the stored image `name` (of any material). */
static void stored_image(struct store *st, const char *name, int *w, int *h, uint8_t **px)
{
    sqlite3_stmt *q = store_prepare(st, "SELECT data FROM material_images WHERE name = ?");
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(png_read_rgba_mem(sqlite3_column_blob(q, 0),
                                       (size_t)sqlite3_column_bytes(q, 0), w, h, px), 0);
    sqlite3_finalize(q);
}

static int import_ok(struct store *st, const char *what, const char *path)
{
    char err[512] = "";
    int n = import_file(st, what, path, err, sizeof err);
    if (n < 0)
        fail_msg("import %s %s failed: %s", what, path, err);
    return n;
}

/* ---- good files ---- */

static void check_jobs_good(struct store *st)
{
    assert_int_equal(store_count(st, "jobs"), 3);
    ASSERT_SQL(st, "SELECT employer FROM jobs WHERE id='J1'", "丽水市瑞丰机械有限公司, 开发区分厂");
    ASSERT_SQL(st, "SELECT requirements FROM jobs WHERE id='J1'",
               "有数控经验一年以上，能看懂图纸；\n适应两班倒,包吃住。\n说\"急招\"。");
    assert_int_equal(sql_int(st, "SELECT salary_min FROM jobs WHERE id='J1'"), 6000);
    assert_int_equal(sql_int(st, "SELECT salary_max FROM jobs WHERE id='J1'"), 8500);
    assert_int_equal(sql_int(st, "SELECT headcount FROM jobs WHERE id='J1'"), 8);
    ASSERT_SQL(st, "SELECT typeof(salary_min) FROM jobs WHERE id='J1'", "integer");
    ASSERT_SQL(st, "SELECT posted || ' ' || expires FROM jobs WHERE id='J1'",
               "2026-11-03 2027-01-31");
    /* "2026/11/5", as a spreadsheet writes a date cell, is stored in canonical form. */
    ASSERT_SQL(st, "SELECT posted FROM jobs WHERE id='J2'", "2026-11-05");
    ASSERT_SQL(st, "SELECT expires FROM jobs WHERE id='J2'", "NULL");
    ASSERT_SQL(st, "SELECT requirements FROM jobs WHERE id='J2'", "NULL");
    ASSERT_SQL(st, "SELECT title FROM jobs WHERE id='J3'", "厨师");
    ASSERT_SQL(st, "SELECT salary_min FROM jobs WHERE id='J3'", "NULL");
}

static void test_jobs_quoted_commas_and_newlines(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(import_ok(f->st, "jobs", DATA "/jobs_good.csv"), 3);
    check_jobs_good(f->st);
    char sum[64];
    import_summary("jobs", 3, sum, sizeof sum);
    assert_string_equal(sum, "jobs: 3 imported");
}

static void test_jobs_bom_any_column_order(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(import_ok(f->st, "jobs", DATA "/jobs_bom.csv"), 2);
    assert_int_equal(store_count(f->st, "jobs"), 2);
    ASSERT_SQL(f->st, "SELECT title||'/'||employer||'/'||area||'/'||category FROM jobs WHERE id='B1'",
               "快递分拣员/丽水顺达物流/南明山街道/物流");
    assert_int_equal(sql_int(f->st, "SELECT headcount FROM jobs WHERE id='B2'"), 2);
    ASSERT_SQL(f->st, "SELECT salary_min FROM jobs WHERE id='B1'", "NULL");
}

static void test_jobs_gb18030(void **state)
{
    struct fixture *f = *state;
    size_t len = 0;
    char *utf8 = util_read_file(DATA "/jobs_good.csv", &len);
    assert_non_null(utf8);
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = len * 2, oleft = cap, inleft = len;
    char *gb = malloc(cap), *o = gb, *in = utf8;
    assert_true(iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1);
    iconv_close(cd);
    size_t gblen = cap - oleft;
    assert_false(utf8_valid(gb, gblen));

    char path[128];
    snprintf(path, sizeof path, "%s/jobs_gb18030.csv", f->dir);
    write_file(path, gb, gblen);
    assert_int_equal(import_ok(f->st, "jobs", path), 3);
    check_jobs_good(f->st);
    free(gb);
    free(utf8);
}

static void test_trainings_and_activities(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(import_ok(f->st, "trainings", DATA "/trainings_good.csv"), 2);
    ASSERT_SQL(f->st, "SELECT starts_at||'|'||ends_at FROM trainings WHERE id='T1'",
               "2026-12-01 19:00|2026-12-01 20:30");
    ASSERT_SQL(f->st, "SELECT description FROM trainings WHERE id='T1'",
               "讲解组织关系转接,\n党费交纳。");
    /* "2026/12/5 9:00" becomes canonical. */
    ASSERT_SQL(f->st, "SELECT starts_at FROM trainings WHERE id='T2'", "2026-12-05 09:00");
    ASSERT_SQL(f->st, "SELECT ends_at FROM trainings WHERE id='T2'", "NULL");
    assert_int_equal(sql_int(f->st, "SELECT capacity FROM trainings WHERE id='T2'"), 40);

    assert_int_equal(import_ok(f->st, "activities", DATA "/activities_good.csv"), 2);
    ASSERT_SQL(f->st, "SELECT title||'|'||ends_at||'|'||organiser FROM activities WHERE id='A2'",
               "主题党日|2026-12-05 11:30|莲都区");
}

static void test_places_and_services(void **state)
{
    struct fixture *f = *state;
    /* Places: the station network, parents before or after their children. */
    assert_int_equal(import_ok(f->st, "places", DATA "/demo/places.csv"), 3);
    ASSERT_SQL(f->st, "SELECT parent_id FROM places WHERE id='C01'", "S01");
    /* Services: any column order, quoted commas and line breaks, unknown columns
     * ignored, the file's order kept; optional columns may be empty. */
    assert_int_equal(import_ok(f->st, "services", DATA "/services_good.csv"), 2);
    ASSERT_SQL(f->st, "SELECT group_concat(id, ',') FROM (SELECT id FROM services ORDER BY sort)",
               "SV09,SV01");
    ASSERT_SQL(f->st, "SELECT how FROM services WHERE id='SV01'", "带身份证,\n和活动证");
    ASSERT_SQL(f->st, "SELECT window FROM services WHERE id='SV01'", "1号窗口");
    ASSERT_SQL(f->st, "SELECT how FROM services WHERE id='SV09'", "NULL");
    assert_int_equal(store_count(f->st, "services"), 2);
}

/* ---- bad files ---- */

struct bad_case {
    const char *what, *baseline, *file, *table;
    int line;
    const char *says;
};

static const struct bad_case bad_cases[] = {
    {"jobs", "jobs_good.csv", "jobs_missing_column.csv", "jobs", 1, "\"employer\" is missing"},
    {"jobs", "jobs_good.csv", "jobs_bad_salary.csv", "jobs", 3, "salary_min \"about 5000\""},
    {"jobs", "jobs_good.csv", "jobs_dup_id.csv", "jobs", 4, "\"J1\" is already used on line 2"},
    {"jobs", "jobs_good.csv", "jobs_unterminated.csv", "jobs", 3, "not closed"},
    {"jobs", "jobs_good.csv", "jobs_bad_after_multiline.csv", "jobs", 5,
     "salary_min 9000 is greater than salary_max 6000"},
    {"jobs", "jobs_good.csv", "jobs_empty_required.csv", "jobs", 3, "title is empty"},
    {"trainings", "trainings_good.csv", "trainings_bad_time.csv", "trainings", 3,
     "starts_at \"2026-12-04 25:00\" is not a valid time"},
    {"trainings", "trainings_good.csv", "trainings_feb30.csv", "trainings", 3,
     "starts_at \"2027-02-30 09:00\" is not a valid time"},
    {"trainings", "trainings_good.csv", "trainings_ends_before.csv", "trainings", 2,
     "ends_at 2026-12-03 18:00 is not after starts_at"},
    {"places", "demo/places.csv", "places_bad_parent.csv", "places", 3, "\"D99\""},
    {"materials", "materials", "materials_missing_image", "materials", 6, "\"map.png\""},
};

static void test_bad_files_change_nothing(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
        const struct bad_case *b = &bad_cases[i];
        char base[256], path[256], err[512] = "", want[300];
        snprintf(base, sizeof base, DATA "/%s", b->baseline);
        snprintf(path, sizeof path, DATA "/%s", b->file);
        assert_true(import_ok(f->st, b->what, base) > 0);
        char *before = snapshot(f->st, b->table);
        char *images_before = snapshot(f->st, "material_images");

        assert_int_equal(import_file(f->st, b->what, path, err, sizeof err), -1);
        /* Materials errors name the Markdown file inside the folder. */
        if (!strcmp(b->what, "materials"))
            snprintf(want, sizeof want, "%s/a.md:%d: ", path, b->line);
        else
            snprintf(want, sizeof want, "%s:%d: ", path, b->line);
        if (strncmp(err, want, strlen(want)) || !strstr(err, b->says))
            fail_msg("%s: got \"%s\", want prefix \"%s\" and \"%s\"", b->file, err, want, b->says);
        assert_null(strchr(err, '\n'));

        char *after = snapshot(f->st, b->table);
        char *images_after = snapshot(f->st, "material_images");
        assert_string_equal(before, after);
        assert_string_equal(images_before, images_after);
        free(before);
        free(after);
        free(images_before);
        free(images_after);
    }
    /* The store is still usable: no transaction was left open. */
    assert_int_equal(sqlite3_get_autocommit(store_db(f->st)), 1);
}

static void test_bad_file_keeps_earlier_good_rows_out(void **state)
{
    struct fixture *f = *state;
    char err[512];
    /* Row 2 of the duplicate file is a good new row; it must not survive the failure. */
    assert_int_equal(import_file(f->st, "jobs", DATA "/jobs_dup_id.csv", err, sizeof err), -1);
    assert_int_equal(store_count(f->st, "jobs"), 0);
    assert_int_equal(import_file(f->st, "trainings", DATA "/trainings_feb30.csv", err, sizeof err),
                     -1);
    assert_int_equal(store_count(f->st, "trainings"), 0);
}

static void test_more_bad_values(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *what, *csv, *says;
        int line;
    } cases[] = {
        {"jobs", "id,title,employer,area,category,headcount\nJ1,a,b,c,d,-3\n", "must not be negative", 2},
        {"jobs", "id,title,employer,area,category,salary_max\nJ1,a,b,c,d,3.5\n", "not a whole number", 2},
        {"jobs", "id,title,employer,area,category,posted\nJ1,a,b,c,d,2026-13-01\n", "posted", 2},
        {"jobs", "id,title,employer,area,category,expires\n\nJ1,a,b,c,d,2026-02-29\n", "expires", 3},
        {"jobs", "id,title,employer,area,category,title\nJ1,a,b,c,d,e\n", "appears twice", 1},
        {"activities", "id,title,starts_at\nA1,x,2026-12-01 09:00\n", "\"ends_at\" is missing", 1},
        {"activities", "id,title,starts_at,ends_at\nA1,x,2026-12-01,2026-12-01 10:00\n",
         "starts_at", 2},
        {"activities", "id,title,starts_at,ends_at\nA1,x,2026-12-01 09:00,2026-12-01 09:00\n",
         "not after", 2},
        {"places", "id,name,level\nP1,x,village\n", "district, street or community", 2},
        {"services", "id,title\nSV1,x\n", "\"summary\" is missing", 1},
        {"services", "id,title,summary\nSV1,x,y\nSV2,z,\n", "summary is empty", 3},
        {"services", "id,title,summary\nSV1,x,y\nSV1,z,w\n", "already used on line 2", 3},
        {"trainings", "", "empty", 0},
        {"jobs", "id,title,employer,area,category\nJ1,a,b,c,\"d\"x\n", "closing quote", 2},
        {"jobs", "id,title,employer,area,category\r\nJ1,a,b,c,d\r\nJ2,\xFF\xFF,b,c,d\r\n",
         "UTF-8", 3},
    };
    char path[128], err[512], want[200];
    snprintf(path, sizeof path, "%s/bad.csv", f->dir);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        write_file(path, cases[i].csv, strlen(cases[i].csv));
        err[0] = 0;
        assert_int_equal(import_file(f->st, cases[i].what, path, err, sizeof err), -1);
        if (cases[i].line)
            snprintf(want, sizeof want, "%s:%d: ", path, cases[i].line);
        else
            snprintf(want, sizeof want, "%s: ", path);
        if (strncmp(err, want, strlen(want)) || !strstr(err, cases[i].says))
            fail_msg("case %zu: got \"%s\", want \"%s…%s\"", i, err, want, cases[i].says);
    }
    assert_int_equal(store_count(f->st, "jobs"), 0);

    /* A text field over 4000 bytes. */
    struct strbuf sb = {0};
    strbuf_add(&sb, "id,title,employer,area,category,requirements\nJ1,a,b,c,d,");
    for (int i = 0; i < 1400; i++)
        strbuf_add(&sb, "字");
    strbuf_add(&sb, "\n");
    write_file(path, sb.buf, sb.len);
    strbuf_free(&sb);
    assert_int_equal(import_file(f->st, "jobs", path, err, sizeof err), -1);
    assert_non_null(strstr(err, "requirements is longer than 4000 bytes"));

    assert_int_equal(import_file(f->st, "jobs", f->dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "a CSV file is expected"));
    assert_int_equal(import_file(f->st, "news", path, err, sizeof err), -1);
    assert_non_null(strstr(err, "news"));
    snprintf(path, sizeof path, "%s/no-such.csv", f->dir);
    assert_int_equal(import_file(f->st, "jobs", path, err, sizeof err), -1);
    assert_non_null(strstr(err, "no-such.csv: cannot read"));
}

static void test_reimport_replaces_the_set(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(import_ok(f->st, "jobs", DATA "/jobs_good.csv"), 3);
    char path[128];
    snprintf(path, sizeof path, "%s/update.csv", f->dir);
    const char *csv = "id,title,employer,area,category,salary_min\n"
                      "J2,装配组长,华晟汽车部件,开发区,制造业,7000\n"
                      "J4,保安,物业公司,万象街道,服务业,4000\n";
    write_file(path, csv, strlen(csv));
    assert_int_equal(import_ok(f->st, "jobs", path), 2);
    /* The file is the set: J1 and J3, no longer in it, are gone. */
    assert_int_equal(store_count(f->st, "jobs"), 2);
    ASSERT_SQL(f->st, "SELECT title FROM jobs WHERE id='J2'", "装配组长");
    assert_int_equal(sql_int(f->st, "SELECT salary_min FROM jobs WHERE id='J2'"), 7000);
    /* The replaced row is the new row: what the new file leaves out is gone. */
    ASSERT_SQL(f->st, "SELECT posted FROM jobs WHERE id='J2'", "NULL");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM jobs WHERE id IN ('J1','J3')"), 0);
    ASSERT_SQL(f->st, "SELECT title FROM jobs WHERE id='J4'", "保安");
    /* A row the centre published stays until the centre withdraws it. */
    assert_int_equal(store_exec(f->st, "INSERT INTO jobs(id,title,employer,area,category)"
                                       " VALUES('C1','中心岗位','中心','全区','服务业');"
                                       "INSERT INTO content_synced(kind,id,counter)"
                                       " VALUES('jobs','C1',7)"), 0);
    assert_int_equal(import_ok(f->st, "jobs", path), 2);
    assert_int_equal(store_count(f->st, "jobs"), 3);
    ASSERT_SQL(f->st, "SELECT title FROM jobs WHERE id='C1'", "中心岗位");
    /* A bad file after that changes nothing: all or nothing. */
    const char *bad = "id,title,employer,area,category\nJ9,x,y,z,w\nJ9,x,y,z,w\n";
    write_file(path, bad, strlen(bad));
    char err[512];
    assert_int_equal(import_file(f->st, "jobs", path, err, sizeof err), -1);
    assert_int_equal(store_count(f->st, "jobs"), 3);
}

/* ---- materials ---- */

static void test_materials_with_image(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(import_ok(f->st, "materials", DATA "/materials"), 2);
    assert_int_equal(store_count(f->st, "materials"), 2);
    ASSERT_SQL(f->st, "SELECT title||'|'||category||'|'||sort FROM materials WHERE id='m01-constitution'",
               "党章学习：党员的八项义务|党章党规|1");
    ASSERT_SQL(f->st, "SELECT substr(body, 1, 12) FROM materials WHERE id='m01-constitution'",
               "## 党员必须履行的义务");
    ASSERT_SQL(f->st, "SELECT title||'|'||category||'|'||sort FROM materials WHERE id='m02-contract'",
               "Labour contracts|政策法规|5");
    ASSERT_SQL(f->st, "SELECT body FROM materials WHERE id='m02-contract'",
               "A written contract must be signed within **one month**.\n\n- keep a copy\n"
               "- keep pay slips");
    /* Only the referenced image is stored; small enough already, its pixels unchanged. */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM material_images"), 1);
    ASSERT_SQL(f->st, "SELECT material_id||'/'||name FROM material_images",
               "m01-constitution/emblem.png");
    int w, h, sw, sh;
    uint8_t *px, *spx;
    assert_int_equal(png_read_rgba(DATA "/materials/emblem.png", &w, &h, &px), 0);
    stored_image(f->st, "emblem.png", &sw, &sh, &spx);
    assert_int_equal(sw, w);
    assert_int_equal(sh, h);
    for (int i = 0; i < w * h; i++) {
        assert_int_equal(spx[i * 4 + 3], px[i * 4 + 3]);
        if (px[i * 4 + 3] == 255)
            assert_memory_equal(spx + i * 4, px + i * 4, 3);
    }
    free(px);
    free(spx);

    /* Re-importing gives the same state, not duplicates. */
    char *before = snapshot(f->st, "material_images");
    assert_int_equal(import_ok(f->st, "materials", DATA "/materials"), 2);
    char *after = snapshot(f->st, "material_images");
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_materials_bad_header(void **state)
{
    struct fixture *f = *state;
    char dir[128], path[160], err[512];
    snprintf(dir, sizeof dir, "%s/mat", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(import_file(f->st, "materials", dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "no Markdown"));

    snprintf(path, sizeof path, "%s/x.md", dir);
    const char *no_blank = "title: T\ncategory: C\n# Heading\ntext\n";
    write_file(path, no_blank, strlen(no_blank));
    assert_int_equal(import_file(f->st, "materials", dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.md:3: "));

    const char *no_category = "title: T\n\ntext\n";
    write_file(path, no_category, strlen(no_category));
    assert_int_equal(import_file(f->st, "materials", dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "category"));

    const char *outside = "title: T\ncategory: C\n\n![x](../secret.png)\n";
    write_file(path, outside, strlen(outside));
    assert_int_equal(import_file(f->st, "materials", dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.md:4: "));
    assert_non_null(strstr(err, "same folder"));

    char notpng[160];
    snprintf(notpng, sizeof notpng, "%s/fake.png", dir);
    write_file(notpng, "GIF89a", 6);
    const char *fake = "title: T\ncategory: C\n\ntext\n\n![x](fake.png)\n";
    write_file(path, fake, strlen(fake));
    assert_int_equal(import_file(f->st, "materials", dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.md:6: "));
    assert_non_null(strstr(err, "not a readable PNG"));
    assert_int_equal(store_count(f->st, "materials"), 0);

    /* Full-width colons, as a Chinese input method types them, are accepted. */
    const char *wide = "标题: ignored\ntitle：党史小故事\ncategory：党史\n\n正文。\n";
    write_file(path, wide, strlen(wide));
    assert_int_equal(import_ok(f->st, "materials", dir), 1);
    ASSERT_SQL(f->st, "SELECT title||'|'||category||'|'||body FROM materials", "党史小故事|党史|正文。");
}

/* ---- demo ---- */

static int64_t local_ms(const char *s)
{
    int64_t ms = 0;
    assert_int_equal(util_parse_local(s, &ms), 0);
    return ms;
}

static void test_demo_shift_days(void **state)
{
    assert_int_equal(import_demo_shift_days(local_ms("2026-11-30 00:00")), 0);
    assert_int_equal(import_demo_shift_days(local_ms("2026-12-06 23:59")), 0);
    assert_int_equal(import_demo_shift_days(local_ms("2026-12-07 00:00")), 7);
    assert_int_equal(import_demo_shift_days(local_ms("2026-12-10 10:00")), 7);
    assert_int_equal(import_demo_shift_days(local_ms("2026-11-29 12:00")), -7);
    /* 2028-03-01 is a Wednesday; its Monday is 2028-02-28, 455 days after the anchor. */
    assert_int_equal(import_demo_shift_days(local_ms("2028-03-01 08:00")), 455);
    assert_int_equal(import_demo_shift_days(local_ms("2025-01-01 08:00")), -700);
}

static void test_demo_import_shifts_dates(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    int n = import_demo(f->st, DATA "/demo", local_ms("2026-12-10 10:00"), err, sizeof err);
    if (n < 0)
        fail_msg("import_demo: %s", err);
    assert_int_equal(n, 3 + 1 + 1 + 2 + 2 + 1);
    assert_int_equal(store_count(f->st, "services"), 2);
    /* Tuesday 2026-12-01 19:00 moves one week on, still a Tuesday at 19:00. */
    ASSERT_SQL(f->st, "SELECT starts_at||'|'||ends_at FROM activities WHERE id='A1'",
               "2026-12-08 19:00|2026-12-08 20:00");
    ASSERT_SQL(f->st, "SELECT strftime('%w', starts_at) FROM activities WHERE id='A1'", "2");
    ASSERT_SQL(f->st, "SELECT starts_at FROM activities WHERE id='A2'", "2026-12-05 09:00");
    ASSERT_SQL(f->st, "SELECT starts_at||'|'||ends_at FROM trainings WHERE id='T1'",
               "2026-12-13 19:00|2026-12-13 20:30");
    ASSERT_SQL(f->st, "SELECT posted||'|'||expires FROM jobs WHERE id='J1'",
               "2026-12-07|2027-02-07");
    /* Places are not dated; they keep file order in sort, children before parents too. */
    assert_int_equal(store_count(f->st, "places"), 3);
    ASSERT_SQL(f->st, "SELECT group_concat(id, ',') FROM (SELECT id FROM places ORDER BY sort)",
               "C01,D01,S01");
    ASSERT_SQL(f->st, "SELECT parent_id FROM places WHERE id='C01'", "S01");
    assert_int_equal(store_count(f->st, "materials"), 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM material_images"), 1);
}

static void test_demo_is_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    char demo[128], from[160], to[160], err[512] = "";
    static const char *const files[] = {"places.csv", "jobs.csv", "trainings.csv",
                                        "activities.csv", "services.csv"};
    snprintf(demo, sizeof demo, "%s/demo", f->dir);
    assert_int_equal(mkdir(demo, 0700), 0);
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        snprintf(from, sizeof from, DATA "/demo/%s", files[i]);
        snprintf(to, sizeof to, "%s/%s", demo, files[i]);
        copy_file(from, to);
    }
    /* No materials folder: everything before it must be rolled back. */
    assert_int_equal(import_demo(f->st, demo, local_ms("2026-12-10 10:00"), err, sizeof err), -1);
    assert_non_null(strstr(err, "materials"));
    assert_int_equal(store_count(f->st, "places"), 0);
    assert_int_equal(store_count(f->st, "jobs"), 0);
    assert_int_equal(store_count(f->st, "activities"), 0);
    assert_int_equal(store_count(f->st, "services"), 0);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->st)), 1);
}

static void test_bundled_demo_content(void **state)
{
    struct fixture *f = *state;
    struct stat sb;
    if (stat("assets/demo/jobs.csv", &sb) != 0)
        fail_msg("assets/demo is missing (run the tests from the repository root)");
    char err[512] = "";
    int n = import_demo(f->st, "assets/demo", local_ms("2026-12-10 10:00"), err, sizeof err);
    if (n < 0)
        fail_msg("import_demo(assets/demo): %s", err);
    assert_true(store_count(f->st, "jobs") >= 40);
    assert_true(store_count(f->st, "trainings") >= 10);
    assert_true(store_count(f->st, "activities") >= 1);
    assert_true(store_count(f->st, "materials") >= 15);
    assert_int_equal(store_count(f->st, "places"), 29);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM places WHERE level='district'"), 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM places WHERE level='street'"), 5);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM places WHERE level='community'"), 23);
    assert_int_equal(store_count(f->st, "services"), 10);
}

/* A big photo is stored at the size the reader shows; bidirectional controls and
 * implausible numbers are refused with a line; a link within the folder is read. */
static void test_images_shrunk_and_values_bounded(void **state)
{
    struct fixture *f = *state;
    char dir[160], path[256];
    snprintf(dir, sizeof dir, "%s/photos", f->dir);
    mkdir(dir, 0700);
    enum { W = 2000, H = 1000 };
    uint8_t *px = malloc((size_t)W * H * 4);
    for (int i = 0; i < W * H; i++) {
        px[i * 4] = (uint8_t)(i % W * 255 / W);
        px[i * 4 + 1] = 90;
        px[i * 4 + 2] = 200;
        px[i * 4 + 3] = 255;
    }
    snprintf(path, sizeof path, "%s/big.png", dir);
    assert_int_equal(png_write_rgba(path, W, H, px, W * 4), 0);
    free(px);
    const char *md = "title: 大图\ncategory: 测试\n\n![大图](big.png)\n\n正文。\n";
    snprintf(path, sizeof path, "%s/a.md", dir);
    write_file(path, md, strlen(md));
    assert_int_equal(import_ok(f->st, "materials", dir), 1);
    int w, h;
    uint8_t *spx;
    stored_image(f->st, "big.png", &w, &h, &spx);
    assert_int_equal(w, IMPORT_IMAGE_SIDE);
    assert_int_equal(h, IMPORT_IMAGE_SIDE / 2);
    assert_int_equal(spx[1], 90);
    free(spx);

    /* A link to a file of the same folder is the file. */
    char link[256];
    snprintf(path, sizeof path, "%s/update.csv", f->dir);
    const char *csv = "id,title,employer,area,category,salary_min,headcount\n"
                      "J1,电工,某厂,开发区,制造业,6000,3\n";
    write_file(path, csv, strlen(csv));
    snprintf(link, sizeof link, "%s/link.csv", f->dir);
    assert_int_equal(symlink("update.csv", link), 0);
    assert_int_equal(import_ok(f->st, "jobs", link), 1);

    static const struct {
        const char *row, *want;
    } bad[] = {
        {"J1,电工,某厂,开发区,制造业,60000000,3", "salary_min 60000000 is more than 1000000"},
        {"J1,电工,某厂,开发区,制造业,6000,5000000", "headcount 5000000 is more than 100000"},
        {"J1,\xE2\x80\xAE工电,某厂,开发区,制造业,6000,3", "title contains a bidirectional control"},
        {"J1,电工,某厂\xE2\x81\xA6x,开发区,制造业,6000,3", "employer contains a bidirectional"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[512], err[512] = "";
        snprintf(text, sizeof text, "id,title,employer,area,category,salary_min,headcount\n%s\n",
                 bad[i].row);
        write_file(path, text, strlen(text));
        assert_int_equal(import_file(f->st, "jobs", path, err, sizeof err), -1);
        if (!strstr(err, bad[i].want) || !strstr(err, ":2: "))
            fail_msg("case %zu: got \"%s\", want \"%s\" on line 2", i, err, bad[i].want);
    }
    assert_int_equal(store_count(f->st, "jobs"), 1);
    /* And in a Markdown text. */
    md = "title: 标题\ncategory: 测试\n\n正文\xE2\x80\xAE反过来。\n";
    snprintf(path, sizeof path, "%s/a.md", dir);
    write_file(path, md, strlen(md));
    char err[512] = "";
    assert_int_equal(import_file(f->st, "materials", dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "bidirectional"));
}

int main(void)
{
    /* Content times are local; pin the zone so the week arithmetic is the hall's. */
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jobs_quoted_commas_and_newlines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_bom_any_column_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_gb18030, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trainings_and_activities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_places_and_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_file_keeps_earlier_good_rows_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_more_bad_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_replaces_the_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_materials_with_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_materials_bad_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images_shrunk_and_values_bounded, setup, teardown),
        cmocka_unit_test(test_demo_shift_days),
        cmocka_unit_test_setup_teardown(test_demo_import_shifts_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_is_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundled_demo_content, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
