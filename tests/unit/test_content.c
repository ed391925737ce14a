/* Tests for app/content: job postings shown only between posted and expires, the
 * category / area / search filters (several words, ASCII case, no SQL from the words),
 * paging, facets in content order and 急招; upcoming trainings, capacity (full, places
 * left, one sign-up per phone, started sessions refused); material categories, pages,
 * bodies and decoded images (a broken one skipped); the services file and its errors;
 * the fields of the four records; queue numbers per kiosk-local day; and no name or
 * phone in the event log. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/content.h"
#include "content/import.h"
#include "core/png.h"
#include "core/util.h"
#include "store/store.h"

/* 2026-12-01 09:00 in Lishui (UTC+8). */
#define DEC1_MS 1796086800000LL
#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

struct fixture {
    char dir[64];
    struct store *st;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void add_content(struct store *st)
{
    assert_int_equal(
        store_exec(st,
                   "INSERT INTO jobs(id,title,employer,area,category,salary_min,salary_max,"
                   "headcount,requirements,contact,posted,expires) VALUES"
                   "('J001','数控车床操作工','瑞丰机械','开发区','制造业',6000,8500,8,'有经验','王女士 0578-1','2026-11-03','2027-01-31'),"
                   "('J002','叉车司机','顺达物流','紫金街道','物流配送',5000,7000,20,'持N1叉车证','李先生','2026-11-20','2027-02-28'),"
                   "('J003','CAD绘图员','华晟设计','万象街道','文员行政',4500,6000,2,'会用AutoCAD','陈','2026-11-25','2026-12-10'),"
                   "('J004','旧岗位','旧厂','紫金街道','制造业',3000,4000,1,'','','2026-10-01','2026-11-30'),"
                   "('J005','未来岗位','新厂','紫金街道','物流配送',3000,4000,1,'','','2026-12-05','2027-01-31'),"
                   "('J006','装配普工','汽车部件','开发区','制造业',NULL,NULL,NULL,NULL,NULL,NULL,NULL),"
                   "('J007','仓库叉车工','开发区物流','开发区','物流配送',5200,6500,3,'50%','','2026-11-28','')"),
        0);
    assert_int_equal(
        store_exec(st,
                   "INSERT INTO trainings(id,title,starts_at,venue,kind,ends_at,capacity,description)"
                   " VALUES"
                   "('T001','党务知识培训','2026-12-01 19:00','二楼培训室','党务知识','2026-12-01 20:30',2,'讲解'),"
                   "('T002','昨天的讲座','2026-11-30 19:00','多功能厅','法律法规','2026-11-30 20:30',80,''),"
                   "('T003','叉车考证','2026-12-19 08:30','实训场','职业技能',NULL,NULL,NULL),"
                   "('T004','今天上午','2026-12-01 08:30','教室','职业技能','2026-12-01 11:30',30,'')"),
        0);
    assert_int_equal(
        store_exec(st,
                   "INSERT INTO materials(id,title,category,body,sort) VALUES"
                   "('m02','党员的权利','党章党规','## 权利',2),"
                   "('m01','党员的义务','党章党规','## 义务',1),"
                   "('m06','一大','党史学习','正文',6),"
                   "('m09','劳动合同','政策法规','正文',9),"
                   "('m05','报到流程','党章党规','![图](d.png)',5)"),
        0);
}

static void add_image(struct store *st, const char *material, const char *name,
                      const void *data, int len)
{
    sqlite3_stmt *s = store_prepare(
        st, "INSERT INTO material_images(material_id,name,data) VALUES(?,?,?)");
    assert_non_null(s);
    sqlite3_bind_text(s, 1, material, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 3, data, len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-content-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    char err[256];
    if (store_open(f->dir, "LD-T-01", &f->st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    add_content(f->st);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->st);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* A field of the record uuid, as text ("" when absent). */
static void field(struct store *st, const char *uuid, const char *key, char *out, size_t n)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT json_extract(fields, '$.%s') FROM records WHERE uuid = ?",
             key);
    sqlite3_stmt *s = store_prepare(st, sql);
    assert_non_null(s);
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    out[0] = 0;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        util_strlcpy(out, (const char *)sqlite3_column_text(s, 0), n);
    sqlite3_finalize(s);
}

static void assert_field(struct store *st, const char *uuid, const char *key, const char *want)
{
    char got[512];
    field(st, uuid, key, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("field %s: got '%s', want '%s'", key, got, want);
}

static int count(struct store *st, const char *sql)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    assert_non_null(s);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* ---- jobs ---------------------------------------------------------------------------- */

static void test_jobs_shown_window(void **state)
{
    struct fixture *f = *state;
    /* J004 expired on 11-30, J005 is posted on 12-05: five of seven are shown. */
    assert_int_equal(content_jobs_count(f->st, NULL, DEC1_MS), 5);
    struct content_job_detail d;
    assert_int_equal(content_job_get(f->st, "J004", DEC1_MS, &d), CONTENT_GONE);
    assert_int_equal(content_job_get(f->st, "J005", DEC1_MS, &d), CONTENT_GONE);
    /* The last day of a posting still shows it; the day after does not. */
    assert_int_equal(content_job_get(f->st, "J004", DEC1_MS - DAY_MS, &d), CONTENT_OK);
    assert_int_equal(content_job_get(f->st, "J005", DEC1_MS + 4 * DAY_MS, &d), CONTENT_OK);
    assert_int_equal(content_job_get(f->st, "J999", DEC1_MS, &d), CONTENT_GONE);
    assert_int_equal(content_job_get(f->st, "J001", DEC1_MS, &d), CONTENT_OK);
    assert_string_equal(d.job.title, "数控车床操作工");
    assert_string_equal(d.requirements, "有经验");
    assert_string_equal(d.contact, "王女士 0578-1");
    assert_int_equal(d.job.salary_min, 6000);
    assert_int_equal(d.job.salary_max, 8500);
    assert_int_equal(d.job.headcount, 8);
    assert_string_equal(d.job.posted, "2026-11-03");
    assert_string_equal(d.job.expires, "2027-01-31");
    /* Empty optional columns come back empty or 0. */
    assert_int_equal(content_job_get(f->st, "J006", DEC1_MS, &d), CONTENT_OK);
    assert_int_equal(d.job.salary_min, 0);
    assert_string_equal(d.job.expires, "");
    assert_string_equal(d.requirements, "");
}

static void test_jobs_filters(void **state)
{
    struct fixture *f = *state;
    struct content_job_filter flt = {.category = "制造业"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 2); /* J001, J006 */
    flt = (struct content_job_filter){.area = "开发区"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 3);
    flt = (struct content_job_filter){.category = "物流配送", .area = "开发区"};
    struct content_job out[8];
    assert_int_equal(content_jobs(f->st, &flt, DEC1_MS, 0, 8, out), 1);
    assert_string_equal(out[0].id, "J007");
    /* Search: in the title, the requirements, the employer; every word must match. */
    flt = (struct content_job_filter){.search = "叉车"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 2);
    flt = (struct content_job_filter){.search = "叉车 开发区"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 1);
    flt = (struct content_job_filter){.search = "  叉车\xE3\x80\x80N1  "};
    assert_int_equal(content_jobs(f->st, &flt, DEC1_MS, 0, 8, out), 1);
    assert_string_equal(out[0].id, "J002");
    flt = (struct content_job_filter){.search = "autocad"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 1);
    flt = (struct content_job_filter){.search = "叉车", .category = "制造业"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 0);
    /* Words are data, never SQL or patterns. */
    flt = (struct content_job_filter){.search = "%"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 1); /* J007's "50%" */
    flt = (struct content_job_filter){.search = "') OR 1=1 --"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 0);
    flt = (struct content_job_filter){.search = "旧岗位"};
    assert_int_equal(content_jobs_count(f->st, &flt, DEC1_MS), 0); /* expired stays hidden */
}

static void test_jobs_paging_order_urgent(void **state)
{
    struct fixture *f = *state;
    struct content_job out[8];
    /* Newest posting first; a posting without a date last. */
    assert_int_equal(content_jobs(f->st, NULL, DEC1_MS, 0, 8, out), 5);
    const char *order[] = {"J007", "J003", "J002", "J001", "J006"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(out[i].id, order[i]);
    assert_int_equal(content_jobs(f->st, NULL, DEC1_MS, 2, 2, out), 2);
    assert_string_equal(out[0].id, "J002");
    assert_string_equal(out[1].id, "J001");
    assert_int_equal(content_jobs(f->st, NULL, DEC1_MS, 4, 8, out), 1);
    assert_int_equal(content_jobs(f->st, NULL, DEC1_MS, 5, 8, out), 0);
    /* 急招: J002 seeks 20 people, J003 closes in 9 days; J001 neither. */
    assert_int_equal(content_jobs(f->st, NULL, DEC1_MS, 0, 8, out), 5);
    for (int i = 0; i < 5; i++) {
        int want = !strcmp(out[i].id, "J002") || !strcmp(out[i].id, "J003");
        if (out[i].urgent != want)
            fail_msg("%s urgent %d", out[i].id, out[i].urgent);
    }
}

static void test_jobs_facets(void **state)
{
    struct fixture *f = *state;
    char names[8][CONTENT_NAME_SIZE];
    assert_int_equal(content_job_facets(f->st, "category", DEC1_MS, names, 8), 3);
    assert_string_equal(names[0], "制造业");
    assert_string_equal(names[1], "物流配送");
    assert_string_equal(names[2], "文员行政");
    assert_int_equal(content_job_facets(f->st, "area", DEC1_MS, names, 8), 3);
    assert_string_equal(names[0], "开发区");
    assert_string_equal(names[1], "紫金街道");
    assert_string_equal(names[2], "万象街道");
    assert_int_equal(content_job_facets(f->st, "area", DEC1_MS, names, 2), 2);
}

static void test_job_interest_record(void **state)
{
    struct fixture *f = *state;
    char uuid[37];
    assert_int_equal(content_job_interest(f->st, "J002", " 张三 ", "138-1234-5678", DEC1_MS, uuid),
                     CONTENT_OK);
    assert_int_equal(strlen(uuid), 36);
    struct record r;
    assert_int_equal(store_record_get(f->st, uuid, &r), 0);
    assert_string_equal(r.kind, "job_interest");
    assert_string_equal(r.kiosk_id, "LD-T-01");
    record_clear(&r);
    assert_field(f->st, uuid, "job_id", "J002");
    assert_field(f->st, uuid, "job_title", "叉车司机");
    assert_field(f->st, uuid, "job_employer", "顺达物流");
    assert_field(f->st, uuid, "job_area", "紫金街道");
    assert_field(f->st, uuid, "job_contact", "李先生");
    assert_field(f->st, uuid, "name", "张三");
    assert_field(f->st, uuid, "phone", "13812345678");
    /* Refused: a bad phone, an empty name, an expired posting — nothing written. */
    assert_int_equal(content_job_interest(f->st, "J002", "张三", "1381234567", DEC1_MS, uuid),
                     CONTENT_INVALID);
    assert_int_equal(content_job_interest(f->st, "J002", "", "13812345678", DEC1_MS, uuid),
                     CONTENT_INVALID);
    assert_int_equal(content_job_interest(f->st, "J004", "张三", "13812345678", DEC1_MS, uuid),
                     CONTENT_GONE);
    assert_string_equal(uuid, "");
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM records"), 1);
}

/* ---- trainings ------------------------------------------------------------------------- */

static void test_trainings_upcoming(void **state)
{
    struct fixture *f = *state;
    /* At 09:00: T004 began at 08:30, T002 yesterday; T001 tonight and T003 remain. */
    assert_int_equal(content_trainings_count(f->st, DEC1_MS), 2);
    struct content_training t[4];
    assert_int_equal(content_trainings(f->st, DEC1_MS, 0, 4, t), 2);
    assert_string_equal(t[0].id, "T001");
    assert_string_equal(t[1].id, "T003");
    assert_string_equal(t[0].starts_at, "2026-12-01 19:00");
    assert_string_equal(t[0].ends_at, "2026-12-01 20:30");
    assert_string_equal(t[1].ends_at, "");
    assert_int_equal(content_training_left(&t[0]), 2);
    assert_int_equal(content_training_left(&t[1]), -1); /* no capacity: no limit */
    assert_int_equal(content_trainings(f->st, DEC1_MS, 1, 4, t), 1);
    assert_string_equal(t[0].id, "T003");
    /* Before 08:30 the morning session is still upcoming and first. */
    assert_int_equal(content_trainings(f->st, DEC1_MS - HOUR_MS, 0, 4, t), 3);
    assert_string_equal(t[0].id, "T004");
    struct content_training_detail d;
    assert_int_equal(content_training_get(f->st, "T001", DEC1_MS, &d), CONTENT_OK);
    assert_string_equal(d.description, "讲解");
    assert_string_equal(d.t.venue, "二楼培训室");
    assert_int_equal(content_training_get(f->st, "T004", DEC1_MS, &d), CONTENT_GONE);
}

static void test_training_capacity(void **state)
{
    struct fixture *f = *state;
    char uuid[37];
    assert_int_equal(
        content_training_signup(f->st, "T001", "张三", "13812345678", DEC1_MS, uuid), CONTENT_OK);
    assert_field(f->st, uuid, "training_id", "T001");
    assert_field(f->st, uuid, "training_title", "党务知识培训");
    assert_field(f->st, uuid, "training_starts_at", "2026-12-01 19:00");
    assert_field(f->st, uuid, "training_venue", "二楼培训室");
    assert_field(f->st, uuid, "name", "张三");
    assert_field(f->st, uuid, "phone", "13812345678");
    /* The same phone again: already signed up, not a second place. */
    assert_int_equal(
        content_training_signup(f->st, "T001", "张三", "+86 138 1234 5678", DEC1_MS, uuid),
        CONTENT_ALREADY);
    struct content_training_detail d;
    assert_int_equal(content_training_get(f->st, "T001", DEC1_MS, &d), CONTENT_OK);
    assert_int_equal(d.t.signed_up, 1);
    assert_int_equal(content_training_left(&d.t), 1);
    assert_int_equal(
        content_training_signup(f->st, "T001", "李四", "13900001111", DEC1_MS, uuid), CONTENT_OK);
    assert_int_equal(content_training_get(f->st, "T001", DEC1_MS, &d), CONTENT_OK);
    assert_int_equal(content_training_left(&d.t), 0);
    /* Capacity 2 reached: the third person is refused and nothing is written. */
    assert_int_equal(
        content_training_signup(f->st, "T001", "王五", "13700002222", DEC1_MS, uuid), CONTENT_FULL);
    assert_string_equal(uuid, "");
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM records WHERE kind='training_signup'"), 2);
    /* Started, or unknown: gone.  No limit: always a place. */
    assert_int_equal(
        content_training_signup(f->st, "T004", "王五", "13700002222", DEC1_MS, uuid), CONTENT_GONE);
    assert_int_equal(
        content_training_signup(f->st, "T404", "王五", "13700002222", DEC1_MS, uuid), CONTENT_GONE);
    for (int i = 0; i < 5; i++) {
        char phone[32];
        snprintf(phone, sizeof phone, "1370000%04d", i);
        assert_int_equal(content_training_signup(f->st, "T003", "王五", phone, DEC1_MS, uuid),
                         CONTENT_OK);
    }
    assert_int_equal(
        content_training_signup(f->st, "T003", "王五", "137", DEC1_MS, uuid), CONTENT_INVALID);
    /* The transaction is closed whatever happened: another write works. */
    assert_int_equal(store_exec(f->st, "BEGIN IMMEDIATE; COMMIT"), 0);
}

/* ---- materials -------------------------------------------------------------------------- */

static void test_materials(void **state)
{
    struct fixture *f = *state;
    struct content_category c[8];
    assert_int_equal(content_material_categories(f->st, c, 8), 3);
    assert_string_equal(c[0].name, "党章党规");
    assert_int_equal(c[0].count, 3);
    assert_string_equal(c[1].name, "党史学习");
    assert_string_equal(c[2].name, "政策法规");
    assert_int_equal(content_materials_count(f->st, "党章党规"), 3);
    assert_int_equal(content_materials_count(f->st, NULL), 5);
    struct content_material m[8];
    assert_int_equal(content_materials(f->st, "党章党规", 0, 8, m), 3);
    assert_string_equal(m[0].id, "m01");
    assert_string_equal(m[0].lead, "## 义务");
    assert_string_equal(m[1].id, "m02");
    assert_string_equal(m[2].id, "m05");
    assert_int_equal(content_materials(f->st, "党章党规", 1, 1, m), 1);
    assert_string_equal(m[0].id, "m02");
    assert_int_equal(content_materials(f->st, "无此类", 0, 8, m), 0);
    /* The opening lines are the first CONTENT_LEAD_CHARS characters, never a cut one. */
    char longtext[3 * 300 + 1] = "";
    for (int i = 0; i < 300; i++)
        strcat(longtext, "字");
    sqlite3_stmt *ins =
        store_prepare(f->st, "INSERT INTO materials(id,title,category,body,sort) VALUES('m30','长文','长',?,30)");
    assert_non_null(ins);
    sqlite3_bind_text(ins, 1, longtext, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_finalize(ins);
    assert_int_equal(content_materials(f->st, "长", 0, 8, m), 1);
    assert_int_equal(utf8_count(m[0].lead), CONTENT_LEAD_CHARS);
    assert_true(utf8_valid(m[0].lead, strlen(m[0].lead)));
    struct content_material one;
    char *body = NULL;
    assert_int_equal(content_material_get(f->st, "m01", &one, &body), CONTENT_OK);
    assert_string_equal(one.title, "党员的义务");
    assert_string_equal(body, "## 义务");
    free(body);
    assert_int_equal(content_material_get(f->st, "m99", &one, &body), CONTENT_GONE);
    assert_null(body);
}

static void test_material_images(void **state)
{
    struct fixture *f = *state;
    /* A 3 x 2 picture written as a real PNG, and a broken one. */
    uint8_t px[3 * 2 * 4];
    for (int i = 0; i < (int)sizeof px; i++)
        px[i] = (uint8_t)(i * 10);
    char path[128];
    snprintf(path, sizeof path, "%s/p.png", f->dir);
    assert_int_equal(png_write_rgba(path, 3, 2, px, 3 * 4), 0);
    size_t len = 0;
    char *data = util_read_file(path, &len);
    assert_non_null(data);
    add_image(f->st, "m05", "d.png", data, (int)len);
    add_image(f->st, "m05", "e.png", data, (int)len / 2);
    free(data);
    struct content_image *im = NULL;
    int n = content_material_images(f->st, "m05", &im);
    assert_int_equal(n, 1);
    assert_string_equal(im[0].name, "d.png");
    assert_int_equal(im[0].w, 3);
    assert_int_equal(im[0].h, 2);
    assert_memory_equal(im[0].rgba, px, sizeof px);
    content_images_free(im, n);
    assert_int_equal(content_material_images(f->st, "m01", &im), 0);
    content_images_free(im, 0);
}

/* ---- services --------------------------------------------------------------------------- */

static void test_services_table(void **state)
{
    struct fixture *f = *state;
    char err[512];
    struct content_service *sv = NULL;
    /* None imported: an empty guide, not an error. */
    assert_int_equal(content_services_load(f->st, &sv, err, sizeof err), 0);
    free(sv);
    assert_int_equal(
        store_exec(f->st, "INSERT INTO services(id,title,summary,how,window,sort) VALUES"
                          "('SV02','劳资纠纷','调解',NULL,NULL,2),"
                          "('SV01','接转组织关系','转入、转出','带身份证,\n和活动证','1号窗口',1)"),
        0);
    int n = content_services_load(f->st, &sv, err, sizeof err);
    assert_int_equal(n, 2);
    /* In the order of the file they came from (sort), not by id or insertion. */
    assert_string_equal(sv[0].id, "SV01");
    assert_string_equal(sv[0].title, "接转组织关系");
    assert_string_equal(sv[0].window, "1号窗口");
    assert_string_equal(sv[0].summary, "转入、转出");
    assert_string_equal(sv[0].how, "带身份证,\n和活动证");
    assert_string_equal(sv[1].how, "");
    assert_string_equal(sv[1].window, "");
    free(sv);
}

static void test_demo_services(void **state)
{
    /* The bundled file, seeded with the demo: the eight items, 创业基地 and 金融服务直通车. */
    struct fixture *f = *state;
    struct content_service *sv = NULL;
    char err[512];
    assert_true(import_demo(f->st, "assets/demo", DEC1_MS, err, sizeof err) > 0);
    int n = content_services_load(f->st, &sv, err, sizeof err);
    if (n < 0)
        fail_msg("%s", err);
    assert_int_equal(n, 10);
    assert_string_equal(sv[0].title, "接转组织关系");
    assert_string_equal(sv[9].title, "金融服务直通车");
    for (int i = 0; i < n; i++)
        assert_true(sv[i].summary[0] && sv[i].how[0] && sv[i].window[0]);
    free(sv);
}

/* ---- consultation and queue tickets ----------------------------------------------------- */

static void test_consultation_record(void **state)
{
    struct fixture *f = *state;
    struct content_service sv = {.id = "SV02", .title = "协助解决劳资纠纷", .window = "2号窗口"};
    char uuid[37];
    assert_int_equal(content_consultation(f->st, &sv, "欧阳娜娜", "13812345678", DEC1_MS, uuid),
                     CONTENT_OK);
    assert_field(f->st, uuid, "topic", "协助解决劳资纠纷");
    assert_field(f->st, uuid, "service_id", "SV02");
    assert_field(f->st, uuid, "window", "2号窗口");
    assert_field(f->st, uuid, "name", "欧阳娜娜");
    assert_field(f->st, uuid, "phone", "13812345678");
    assert_int_equal(content_consultation(f->st, &sv, "欧阳娜娜", "12345", DEC1_MS, uuid),
                     CONTENT_INVALID);
    assert_int_equal(content_consultation(f->st, NULL, "欧阳娜娜", "13812345678", DEC1_MS, uuid),
                     CONTENT_INVALID);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM records"), 1);
}

static void test_queue_numbers(void **state)
{
    struct fixture *f = *state;
    struct content_service a = {.id = "SV01", .title = "接转组织关系", .window = "1号窗口"};
    struct content_service b = {.id = "SV08", .title = "政策咨询", .window = "1号窗口"};
    char uuid[37], t[CONTENT_TICKET_SIZE];
    assert_int_equal(content_queue_ticket(f->st, &a, NULL, DEC1_MS, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A001");
    assert_field(f->st, uuid, "ticket_no", "A001");
    assert_field(f->st, uuid, "service", "接转组织关系");
    assert_field(f->st, uuid, "service_id", "SV01");
    assert_field(f->st, uuid, "window", "1号窗口");
    /* One sequence per day whatever the service. */
    assert_int_equal(content_queue_ticket(f->st, &b, NULL, DEC1_MS + 1000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A002");
    /* 23:59 local is still the same day; 00:00 starts again. */
    int64_t late = DEC1_MS + 14 * HOUR_MS + 59 * 60000;
    assert_int_equal(content_queue_ticket(f->st, &a, NULL, late, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A003");
    assert_int_equal(content_queue_ticket(f->st, &a, NULL, late + 60000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A001");
    /* Numbers are never reused even if the day's records were marked collected. */
    assert_int_equal(store_exec(f->st, "UPDATE records SET collected_at = 'x'"), 0);
    assert_int_equal(content_queue_ticket(f->st, &a, NULL, DEC1_MS + 2000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A004");
    for (int i = 5; i <= 12; i++)
        assert_int_equal(content_queue_ticket(f->st, &b, NULL, DEC1_MS + 3000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A012");
    assert_int_equal(
        count(f->st, "SELECT COUNT(*) FROM records WHERE kind='queue_ticket' AND local_date='2026-12-01'"),
        12);
}

static void test_ticket_prefix(void **state)
{
    struct fixture *f = *state;
    struct content_service a = {.id = "SV01", .title = "接转组织关系", .window = "1号窗口"};
    char uuid[37], t[CONTENT_TICKET_SIZE], p[8];
    /* [services] ticket_prefix on a stand-alone kiosk. */
    assert_int_equal(content_queue_ticket(f->st, &a, "B", DEC1_MS, uuid, t), CONTENT_OK);
    assert_string_equal(t, "B001");
    assert_int_equal(content_queue_ticket(f->st, &a, "B", DEC1_MS + 1000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "B002");
    /* A prefix of its own keeps its own numbers: "A" is not continued from "B". */
    assert_int_equal(content_queue_ticket(f->st, &a, "A", DEC1_MS + 2000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A001");
    /* "AB" is not confused with "A" numbers and the other way round. */
    assert_int_equal(content_queue_ticket(f->st, &a, "AB", DEC1_MS + 3000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "AB001");
    assert_int_equal(content_queue_ticket(f->st, &a, "A", DEC1_MS + 4000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "A002");
    /* The registry's prefix, once pulled, wins over the configured one. */
    assert_int_equal(store_meta_set(f->st, "registry.ticket_prefix", "C"), 0);
    content_ticket_prefix(f->st, "B", p, sizeof p);
    assert_string_equal(p, "C");
    assert_int_equal(content_queue_ticket(f->st, &a, "B", DEC1_MS + 5000, uuid, t), CONTENT_OK);
    assert_string_equal(t, "C001");
    /* Something unusable stored or configured falls back. */
    assert_int_equal(store_meta_set(f->st, "registry.ticket_prefix", "c-"), 0);
    content_ticket_prefix(f->st, "B", p, sizeof p);
    assert_string_equal(p, "B");
    content_ticket_prefix(f->st, "toolong", p, sizeof p);
    assert_string_equal(p, "A");
    content_ticket_prefix(f->st, NULL, p, sizeof p);
    assert_string_equal(p, "A");
}

static void test_training_shared_places_and_waitlist(void **state)
{
    struct fixture *f = *state;
    char uuid[37];
    struct content_training_detail d;
    /* T001 has 2 places; the centre says another kiosk has filled one. */
    assert_int_equal(store_exec(f->st, "INSERT INTO training_counts(training_id, others)"
                                       " VALUES('T001', 1)"), 0);
    assert_int_equal(content_training_get(f->st, "T001", DEC1_MS, &d), CONTENT_OK);
    assert_int_equal(d.t.signed_up, 1);
    assert_int_equal(content_training_left(&d.t), 1);
    struct content_training list[8];
    int n = content_trainings(f->st, DEC1_MS, 0, 8, list);
    assert_true(n > 0);
    assert_string_equal(list[0].id, "T001");
    assert_int_equal(content_training_left(&list[0]), 1);
    /* The waiting list's form while a place is free signs the person up. */
    assert_int_equal(
        content_training_waitlist(f->st, "T001", "张三", "13812345678", DEC1_MS, uuid), CONTENT_OK);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM records WHERE kind='training_signup'"), 1);
    assert_int_equal(content_training_get(f->st, "T001", DEC1_MS, &d), CONTENT_OK);
    assert_int_equal(content_training_left(&d.t), 0);
    /* Full: a sign-up is refused, the waiting list takes the person. */
    assert_int_equal(
        content_training_signup(f->st, "T001", "李四", "13900001111", DEC1_MS, uuid), CONTENT_FULL);
    assert_int_equal(
        content_training_waitlist(f->st, "T001", "李四", "13900001111", DEC1_MS, uuid),
        CONTENT_WAITLISTED);
    assert_field(f->st, uuid, "training_id", "T001");
    assert_field(f->st, uuid, "training_title", "党务知识培训");
    assert_field(f->st, uuid, "name", "李四");
    assert_field(f->st, uuid, "phone", "13900001111");
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM records WHERE uuid='%s'"
                              " AND kind='training_waitlist'", uuid);
    assert_int_equal(count(f->st, sql), 1);
    /* Once on the list is enough; signed up already: no place on the list either. */
    assert_int_equal(
        content_training_waitlist(f->st, "T001", "李四", "139 0000 1111", DEC1_MS, uuid),
        CONTENT_WAITING);
    assert_int_equal(
        content_training_waitlist(f->st, "T001", "张三", "13812345678", DEC1_MS, uuid),
        CONTENT_ALREADY);
    /* The waiting list does not take places. */
    assert_int_equal(content_training_get(f->st, "T001", DEC1_MS, &d), CONTENT_OK);
    assert_int_equal(d.t.signed_up, 2);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM records WHERE kind='training_waitlist'"), 1);
    /* A started session has no waiting list. */
    assert_int_equal(
        content_training_waitlist(f->st, "T004", "王五", "13700002222", DEC1_MS, uuid),
        CONTENT_GONE);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM events WHERE kind='training_waitlist'"
                                  " AND detail='waiting'"), 1);
    assert_int_equal(store_exec(f->st, "BEGIN IMMEDIATE; COMMIT"), 0);
}

static void test_events_hold_no_personal_data(void **state)
{
    struct fixture *f = *state;
    struct content_service sv = {.id = "SV08", .title = "政策咨询", .window = "1号窗口"};
    char uuid[37];
    assert_int_equal(content_job_interest(f->st, "J001", "张三", "13812345678", DEC1_MS, uuid),
                     CONTENT_OK);
    assert_int_equal(
        content_training_signup(f->st, "T001", "张三", "13812345678", DEC1_MS, uuid), CONTENT_OK);
    assert_int_equal(
        content_training_signup(f->st, "T001", "张三", "13812345678", DEC1_MS, uuid),
        CONTENT_ALREADY);
    assert_int_equal(content_consultation(f->st, &sv, "张三", "13812345678", DEC1_MS, uuid),
                     CONTENT_OK);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM events WHERE detail LIKE '%张三%'"
                                  " OR detail LIKE '%13812345678%'"),
                     0);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM events WHERE kind='training_signup'"
                                  " AND detail='already'"),
                     1);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM events WHERE kind='job_interest'"
                                  " AND detail='J001'"),
                     1);
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jobs_shown_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_paging_order_urgent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_job_interest_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trainings_upcoming, setup, teardown),
        cmocka_unit_test_setup_teardown(test_training_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_materials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_material_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_services_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consultation_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ticket_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_training_shared_places_and_waitlist, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_events_hold_no_personal_data, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
