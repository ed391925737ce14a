/* Tests for app/checkin: the open-activity window, certificate numbers as scanned and
 * typed, once per person per activity, the double read, visits, the choice between
 * activities, who the person is, stats, a store that cannot be written, and that every
 * per-scan statement goes through an index.  Then the scanner filter of app.c, which
 * check-in depends on, through the real app with a probe screen: a scanner's Shift and
 * keypad keys, typing, a scan on a form, scans holding off the idle reset.
 *
 * Run from the repository root (assets/i18n and the fonts). */
#define _GNU_SOURCE /* nftw, open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/certrule.h"
#include "app/checkin.h"
#include "app/i18n.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "ui/text.h"
#include "ui/ui.h"

struct fixture {
    char dir[64];
    struct store *st;
    struct config cfg;
    struct checkin *ck;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* Local "YYYY-MM-DD HH:MM[:SS]" to ms in the kiosk's zone (fixed to China time). */
static int64_t at(const char *local)
{
    int64_t ms;
    assert_int_equal(util_parse_local(local, &ms), 0);
    return ms;
}

static int setup(void **state)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/test_checkin_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char err[256] = "";
    if (store_open(f->dir, "test-kiosk", &f->st, err, sizeof err) != 0)
        fail_msg("store_open: %s", err);
    assert_int_equal(
        store_exec(f->st,
                   "INSERT INTO activities(id, title, starts_at, ends_at, venue) VALUES"
                   " ('A1', '志愿服务', '2026-12-01 09:00', '2026-12-01 11:30', '物流园'),"
                   " ('A2', '代表例会', '2026-12-02 14:00', '2026-12-02 16:30', '三楼会议室'),"
                   " ('A3', '四员交流会', '2026-12-02 15:00', '2026-12-02 16:00', NULL)"),
        0);
    config_defaults(&f->cfg);
    f->ck = checkin_create(f->st, &f->cfg);
    assert_non_null(f->ck);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    checkin_destroy(f->ck);
    store_close(f->st);
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t sql_int(struct store *st, const char *sql)
{
    sqlite3_stmt *q = store_prepare(st, sql);
    assert_non_null(q);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_type(q, 0) == SQLITE_NULL ? -999 : sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

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

static int n_checkins(struct store *st)
{
    return (int)sql_int(st, "SELECT count(*) FROM records WHERE kind = 'checkin'");
}

/* The open activities at a local time, as "A1,A2". */
static const char *open_at(struct checkin *ck, const char *local, char *buf, size_t size)
{
    struct checkin_activity act[CHECKIN_MAX_OPEN];
    int n = checkin_open_activities(ck, at(local), act, CHECKIN_MAX_OPEN);
    assert_true(n >= 0);
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, act[i].id, size - strlen(buf) - 1);
    }
    return buf;
}

static void test_open_window(void **state)
{
    struct fixture *f = *state;
    char b[64];
    /* open_before_min = 30: from 08:30 until (not including) 11:30. */
    assert_string_equal(open_at(f->ck, "2026-12-01 08:29:59", b, sizeof b), "");
    assert_string_equal(open_at(f->ck, "2026-12-01 08:30", b, sizeof b), "A1");
    assert_string_equal(open_at(f->ck, "2026-12-01 11:29:59", b, sizeof b), "A1");
    assert_string_equal(open_at(f->ck, "2026-12-01 11:30", b, sizeof b), "");
    assert_string_equal(open_at(f->ck, "2026-12-02 14:29", b, sizeof b), "A2");
    assert_string_equal(open_at(f->ck, "2026-12-02 14:30", b, sizeof b), "A2,A3");
    assert_string_equal(open_at(f->ck, "2026-12-02 16:00", b, sizeof b), "A2");
    assert_string_equal(open_at(f->ck, "2026-12-02 16:30", b, sizeof b), "");

    /* The window follows the configuration. */
    struct config cfg = f->cfg;
    cfg.checkin_open_before_min = 0;
    struct checkin *ck = checkin_create(f->st, &cfg);
    assert_non_null(ck);
    assert_string_equal(open_at(ck, "2026-12-01 08:59", b, sizeof b), "");
    assert_string_equal(open_at(ck, "2026-12-01 09:00", b, sizeof b), "A1");
    checkin_destroy(ck);

    /* At most max are returned, the first by start time. */
    struct checkin_activity one[1];
    assert_int_equal(checkin_open_activities(f->ck, at("2026-12-02 15:10"), one, 1), 1);
    assert_string_equal(one[0].id, "A2");
    assert_string_equal(one[0].venue, "三楼会议室");
    assert_string_equal(one[0].starts_at, "2026-12-02 14:00");
}

static void test_normalize(void **state)
{
    char out[VALIDATE_CERT_SIZE];
    int detail = -1, receipt = -1;
    assert_int_equal(checkin_normalize("ld-2024-00123", out, sizeof out, &detail, &receipt),
                     VALIDATE_OK);
    assert_string_equal(out, "LD-2024-00123");
    assert_int_equal(receipt, 0);
    /* What an input method types: full-width forms and spaces. */
    assert_int_equal(checkin_normalize("ＬＤ－２０２４ ００１", out, sizeof out, NULL, NULL),
                     VALIDATE_OK);
    assert_string_equal(out, "LD-2024001");
    assert_int_equal(checkin_normalize("http://weixin.qq.com/r/abc", out, sizeof out, NULL, NULL),
                     VALIDATE_CERT_CHARS);
    assert_string_equal(out, "");
    assert_int_equal(checkin_normalize("AB1", out, sizeof out, &detail, NULL),
                     VALIDATE_CERT_LENGTH);
    assert_int_equal(detail, 3);
    assert_int_equal(checkin_normalize("-AB12", out, sizeof out, NULL, NULL), VALIDATE_CERT_HYPHEN);
    assert_int_equal(checkin_normalize("", out, sizeof out, NULL, NULL), VALIDATE_EMPTY);
    assert_int_equal(checkin_normalize("LDK1|LD-DEMO-01|0f8e|checkin|20261201T020000Z|k1|tag",
                                       out, sizeof out, NULL, &receipt),
                     VALIDATE_CERT_CHARS);
    assert_int_equal(receipt, 1);
}

static void test_one_activity(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    assert_int_equal(checkin_submit(f->ck, "ld-2024-00123", CHECKIN_SCAN,
                                    at("2026-12-01 10:00:05"), &r),
                     0);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.repeat, 0);
    assert_int_equal(r.visit, 0);
    assert_string_equal(r.certificate_no, "LD-2024-00123");
    assert_string_equal(r.activity_id, "A1");
    assert_string_equal(r.activity_title, "志愿服务");
    assert_string_equal(r.local_time, "2026-12-01 10:00:05");
    assert_int_equal(strlen(r.uuid), 36);
    assert_int_equal(r.registered, 0);
    assert_int_equal(n_checkins(f->st), 1);

    char b[256], q[512];
    snprintf(q, sizeof q,
             "SELECT json_extract(fields, '$.certificate_no') || '|' ||"
             " json_extract(fields, '$.activity_id') || '|' ||"
             " json_extract(fields, '$.activity_title') || '|' ||"
             " json_extract(fields, '$.method') || '|' || json_extract(fields, '$.local_time')"
             " || '|' || local_date || '|' || kiosk_id FROM records WHERE uuid = '%s'",
             r.uuid);
    assert_string_equal(sql_text(f->st, q, b, sizeof b),
                        "LD-2024-00123|A1|志愿服务|scan|2026-12-01 10:00:05|2026-12-01|test-kiosk");
}

static void test_duplicate(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r1, r2;
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 09:40"), &r1);
    assert_int_equal(r1.status, CHECKIN_DONE);
    /* Typed later, in lower case: the same person, the same activity. */
    assert_int_equal(checkin_submit(f->ck, "ld-2024-00123", CHECKIN_TYPED,
                                    at("2026-12-01 10:15"), &r2),
                     0);
    assert_int_equal(r2.status, CHECKIN_ALREADY);
    assert_int_equal(r2.repeat, 0);
    assert_int_equal(r2.method, CHECKIN_TYPED);
    assert_string_equal(r2.local_time, "2026-12-01 09:40:00");
    assert_string_equal(r2.uuid, r1.uuid);
    assert_string_equal(r2.activity_id, "A1");
    assert_int_equal(n_checkins(f->st), 1);

    /* Another person is not a duplicate. */
    checkin_submit(f->ck, "LD-2024-00124", CHECKIN_SCAN, at("2026-12-01 10:16"), &r2);
    assert_int_equal(r2.status, CHECKIN_DONE);
    assert_int_equal(n_checkins(f->st), 2);

    /* A fresh context (a restart) still knows: the check is in the database. */
    struct checkin *ck = checkin_create(f->st, &f->cfg);
    checkin_submit(ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 11:00"), &r2);
    assert_int_equal(r2.status, CHECKIN_ALREADY);
    checkin_destroy(ck);
    assert_int_equal(n_checkins(f->st), 2);
}

static void test_double_read(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r1, r2, r3;
    int64_t t = at("2026-12-01 10:00");
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, t, &r1);
    assert_int_equal(r1.status, CHECKIN_DONE);
    /* 1.5 s later: the scanner read the code twice.  The same result, silently. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, t + 1500, &r2);
    assert_int_equal(r2.status, CHECKIN_DONE);
    assert_int_equal(r2.repeat, 1);
    assert_string_equal(r2.uuid, r1.uuid);
    assert_string_equal(r2.local_time, r1.local_time);
    assert_int_equal(n_checkins(f->st), 1);
    /* Just past double_read_ms: a second check-in attempt, recognised as such. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, t + f->cfg.checkin_double_read_ms + 1,
                   &r3);
    assert_int_equal(r3.status, CHECKIN_ALREADY);
    assert_int_equal(r3.repeat, 0);
    assert_int_equal(n_checkins(f->st), 1);

    /* A bad read in between does not disturb the memory of the last good one. */
    checkin_submit(f->ck, "LD-2024-00125", CHECKIN_SCAN, t + 10000, &r1);
    checkin_submit(f->ck, "###", CHECKIN_SCAN, t + 10500, &r2);
    assert_int_equal(r2.status, CHECKIN_INVALID);
    checkin_submit(f->ck, "LD-2024-00125", CHECKIN_SCAN, t + 11000, &r3);
    assert_int_equal(r3.status, CHECKIN_DONE);
    assert_int_equal(r3.repeat, 1);
    assert_int_equal(n_checkins(f->st), 2);
}

static void test_visit(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    /* 13:00 on 12-01: nothing open. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_TYPED, at("2026-12-01 13:00"), &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.visit, 1);
    assert_string_equal(r.activity_id, "");
    assert_string_equal(r.activity_title, CHECKIN_VISIT_TITLE);
    char b[256];
    assert_string_equal(sql_text(f->st,
                                 "SELECT coalesce(json_extract(fields, '$.activity_id'), 'NULL')"
                                 " || '|' || json_extract(fields, '$.activity_title') || '|' ||"
                                 " json_extract(fields, '$.method') FROM records",
                                 b, sizeof b),
                        "NULL|日常到访|typed");
    assert_int_equal(sql_int(f->st, "SELECT json_type(fields, '$.activity_id') = 'null'"
                                    " FROM records"),
                     1);
    /* The same day again: one visit a day. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 17:00"), &r);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    assert_string_equal(r.local_time, "2026-12-01 13:00:00");
    /* A visit does not count as the activity, nor the activity as a visit. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 10:00"), &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_string_equal(r.activity_id, "A1");
    /* The next day: a new visit. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-02 09:00"), &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.visit, 1);
    assert_int_equal(n_checkins(f->st), 3);
}

static void test_choose(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    int64_t t = at("2026-12-02 15:10");
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, t, &r);
    assert_int_equal(r.status, CHECKIN_CHOOSE);
    assert_string_equal(r.certificate_no, "LD-2024-00123");
    assert_int_equal(n_checkins(f->st), 0);

    struct checkin_activity act[CHECKIN_MAX_OPEN];
    assert_int_equal(checkin_open_activities(f->ck, t, act, CHECKIN_MAX_OPEN), 2);
    assert_string_equal(act[1].id, "A3");
    checkin_record(f->ck, r.certificate_no, &act[1], CHECKIN_SCAN, t + 4000, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_string_equal(r.activity_id, "A3");
    assert_string_equal(r.activity_title, "四员交流会");
    /* The same person to the other activity is another check-in ... */
    checkin_record(f->ck, "LD-2024-00123", &act[0], CHECKIN_SCAN, t + 60000, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    /* ... and to the first again a duplicate. */
    checkin_record(f->ck, "LD-2024-00123", &act[1], CHECKIN_SCAN, t + 120000, &r);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    assert_string_equal(r.local_time, "2026-12-02 15:10:04");
    /* "None of these": a visit. */
    checkin_record(f->ck, "LD-2024-00999", NULL, CHECKIN_SCAN, t + 180000, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.visit, 1);
    assert_int_equal(n_checkins(f->st), 3);
}

static void add_registration(struct store *st, const char *name, const char *cert)
{
    struct strbuf sb = {0};
    strbuf_add(&sb, "{\"name\":");
    strbuf_add_json_str(&sb, name);
    strbuf_add(&sb, ",\"certificate_no\":");
    strbuf_add_json_str(&sb, cert);
    strbuf_add(&sb, ",\"phone\":\"13800001234\"}");
    char uuid[37];
    assert_int_equal(store_record_add(st, "registration", sb.buf, at("2026-11-30 10:00"), uuid), 0);
    strbuf_free(&sb);
}

static void test_registered(void **state)
{
    struct fixture *f = *state;
    add_registration(f->st, "张三丰", "LD-2024-00123");
    add_registration(f->st, "欧阳娜娜", "LD-2024-00200");
    struct checkin_result r;
    checkin_submit(f->ck, "ld-2024-00123", CHECKIN_SCAN, at("2026-12-01 10:00"), &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.registered, 1);
    assert_string_equal(r.masked_name, "张**");
    /* Greeted on a duplicate as well. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 10:30"), &r);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    assert_string_equal(r.masked_name, "张**");
    checkin_submit(f->ck, "LD-2024-00200", CHECKIN_SCAN, at("2026-12-01 10:31"), &r);
    assert_string_equal(r.masked_name, "欧***");
    /* Not registered here: recorded all the same. */
    checkin_submit(f->ck, "LD-2024-00300", CHECKIN_SCAN, at("2026-12-01 10:32"), &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.registered, 0);
    assert_string_equal(r.masked_name, "");
    assert_int_equal(n_checkins(f->st), 3);
    /* The check-in record does not copy the name. */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM records WHERE kind = 'checkin'"
                                    " AND fields LIKE '%张%'"),
                     0);
}

static void test_invalid(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    checkin_submit(f->ck, "http://weixin.qq.com/r/abc", CHECKIN_SCAN, at("2026-12-01 10:00"), &r);
    assert_int_equal(r.status, CHECKIN_INVALID);
    assert_int_equal(r.invalid, VALIDATE_CERT_CHARS);
    assert_int_equal(r.receipt_code, 0);
    checkin_submit(f->ck, "LD-123456789012345678901234567890", CHECKIN_SCAN, at("2026-12-01 10:00"),
                   &r);
    assert_int_equal(r.status, CHECKIN_INVALID);
    assert_int_equal(r.invalid, VALIDATE_CERT_LENGTH);
    assert_int_equal(r.detail, 33);
    checkin_submit(f->ck, "LDK1|LD-DEMO-01|x|checkin|20261201T020000Z|k|t", CHECKIN_SCAN,
                   at("2026-12-01 10:00"), &r);
    assert_int_equal(r.status, CHECKIN_INVALID);
    assert_int_equal(r.receipt_code, 1);
    assert_int_equal(n_checkins(f->st), 0);
    /* The next good scan works. */
    checkin_submit(f->ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 10:00:01"), &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(n_checkins(f->st), 1);
}

static void test_stats(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    checkin_submit(f->ck, "LD-0001", CHECKIN_SCAN, at("2026-12-01 09:00"), &r);
    checkin_submit(f->ck, "LD-0002", CHECKIN_SCAN, at("2026-12-01 09:01"), &r);
    checkin_submit(f->ck, "LD-0002", CHECKIN_SCAN, at("2026-12-01 09:02"), &r); /* duplicate */
    checkin_submit(f->ck, "LD-0003", CHECKIN_TYPED, at("2026-12-01 13:00"), &r); /* visit */
    struct checkin_activity act[CHECKIN_MAX_OPEN];
    int64_t t = at("2026-12-02 15:10");
    assert_int_equal(checkin_open_activities(f->ck, t, act, CHECKIN_MAX_OPEN), 2);
    checkin_record(f->ck, "LD-0001", &act[0], CHECKIN_SCAN, t, &r);
    checkin_record(f->ck, "LD-0002", &act[1], CHECKIN_SCAN, t, &r);

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    checkin_print_stats(f->st, "2026-12-01", m);
    fclose(m);
    assert_string_equal(buf, "checkin: 3\ncheckin.visit: 1\ncheckin.activity.A1: 2\n");
    free(buf);

    m = open_memstream(&buf, &len);
    checkin_print_stats(f->st, "2026-12-02", m);
    fclose(m);
    assert_string_equal(buf,
                        "checkin: 2\ncheckin.visit: 0\ncheckin.activity.A2: 1\n"
                        "checkin.activity.A3: 1\n");
    free(buf);

    m = open_memstream(&buf, &len);
    checkin_print_stats(f->st, "2026-12-03", m);
    fclose(m);
    assert_string_equal(buf, "checkin: 0\ncheckin.visit: 0\n");
    free(buf);
}

/* A store that cannot be written: the person is told, nothing is remembered as done. */
static void test_write_fails(void **state)
{
    struct fixture *f = *state;
    struct store *ro;
    char err[256];
    assert_int_equal(store_open_readonly(f->dir, &ro, err, sizeof err), 0);
    struct checkin *ck = checkin_create(ro, &f->cfg);
    assert_non_null(ck);
    struct checkin_result r;
    assert_int_equal(checkin_submit(ck, "LD-2024-00123", CHECKIN_SCAN, at("2026-12-01 10:00"), &r),
                     -1);
    assert_int_equal(r.status, CHECKIN_FAILED);
    /* Not a double read afterwards: the retry tries to write again. */
    assert_int_equal(checkin_submit(ck, "LD-2024-00123", CHECKIN_SCAN,
                                    at("2026-12-01 10:00:01"), &r),
                     -1);
    assert_int_equal(r.status, CHECKIN_FAILED);
    checkin_destroy(ck);
    store_close(ro);
    assert_int_equal(n_checkins(f->st), 0);
}

/* Every statement the context prepared on records must be answered from an index, or a
 * queue at a meeting would slow down as the records grow. */
static void test_statements_use_indexes(void **state)
{
    struct fixture *f = *state;
    sqlite3 *db = store_db(f->st);
    int checked = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s; s = sqlite3_next_stmt(db, s)) {
        const char *sql = sqlite3_sql(s);
        if (!strstr(sql, "FROM records"))
            continue;
        char q[1024];
        snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
        sqlite3_stmt *p = store_prepare(f->st, q);
        assert_non_null(p);
        struct strbuf plan = {0};
        while (sqlite3_step(p) == SQLITE_ROW) {
            strbuf_add(&plan, (const char *)sqlite3_column_text(p, 3));
            strbuf_add(&plan, "\n");
        }
        sqlite3_finalize(p);
        if (!strstr(plan.buf, "USING INDEX records_by_certificate"))
            fail_msg("not answered from the index:\n%s\nplan:\n%s", sql, plan.buf);
        strbuf_free(&plan);
        checked++;
    }
    assert_int_equal(checked, 3); /* first check-in, first visit, registration */
    assert_int_equal(sql_int(f->st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}

/* A queue: many people, each recorded once. */
static void test_many(void **state)
{
    struct fixture *f = *state;
    int64_t t = at("2026-12-01 09:30");
    for (int i = 0; i < 300; i++) {
        char cert[32];
        snprintf(cert, sizeof cert, "LD-2026-%05d", i);
        struct checkin_result r;
        checkin_submit(f->ck, cert, CHECKIN_SCAN, t + i * 300, &r);
        assert_int_equal(r.status, CHECKIN_DONE);
        assert_int_equal(r.repeat, 0);
    }
    assert_int_equal(n_checkins(f->st), 300);
    assert_int_equal(sql_int(f->st, "SELECT count(DISTINCT json_extract(fields, '$.certificate_no'))"
                                    " FROM records"),
                     300);
}

/* ---- the scanner filter (app.c) as check-in relies on it ---------------------------------
 *
 * A screen that records what reaches it: characters, printable key presses, scans. */

static struct seen {
    char text[128];
    int printable_keys, returns;
    char scan[128];
    int scans;
} seen;

static int probe_event(struct app *a, const SDL_Event *ev)
{
    if (ev->type == SDL_TEXTINPUT)
        strncat(seen.text, ev->text.text, sizeof seen.text - strlen(seen.text) - 1);
    else if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym > 0x20 && ev->key.keysym.sym < 0x7F)
        seen.printable_keys++;
    else if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_RETURN)
        seen.returns++;
    return 1;
}

static void probe_scan(struct app *a, const char *code)
{
    util_strlcpy(seen.scan, code, sizeof seen.scan);
    seen.scans++;
}

static void probe_build(struct app *a, struct ui *ui) {}

static const struct screen probe = {.name = "probe", .build = probe_build,
                                    .event = probe_event, .scan = probe_scan};
static const struct screen probe_no_scan = {.name = "probe", .build = probe_build,
                                            .event = probe_event};

struct appfix {
    struct fixture f;
    struct i18n *cat;
    struct text_fonts *tf;
    SDL_Surface *surf;
    SDL_Renderer *ren;
    struct ui *ui;
    struct app a;
};

static int app_setup(void **state)
{
    struct fixture *f;
    setup((void **)&f);
    struct appfix *x = calloc(1, sizeof *x);
    assert_non_null(x);
    x->f = *f;
    free(f);
    char err[256] = "";
    x->cat = i18n_load("assets/i18n", err, sizeof err);
    if (!x->cat)
        fail_msg("%s", err);
    x->tf = text_fonts_open(x->f.cfg.fonts_dir, err, sizeof err);
    if (!x->tf)
        fail_msg("%s", err);
    SDL_Init(SDL_INIT_EVENTS);
    x->surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    x->ren = SDL_CreateSoftwareRenderer(x->surf);
    x->ui = ui_create(x->ren, x->tf, 1920, 1080);
    assert_non_null(x->ui);
    app_init(&x->a, &x->f.cfg, x->f.st, x->cat, x->ui, 1, at("2026-12-01 13:00"));
    memset(&seen, 0, sizeof seen);
    *state = x;
    return 0;
}

static int app_teardown(void **state)
{
    struct appfix *x = *state;
    app_fini(&x->a);
    ui_destroy(x->ui);
    SDL_DestroyRenderer(x->ren);
    SDL_FreeSurface(x->surf);
    SDL_Quit();
    text_fonts_close(x->tf);
    i18n_free(x->cat);
    struct fixture *f = malloc(sizeof *f);
    *f = x->f;
    free(x);
    return teardown((void **)&f);
}

static void send(struct app *a, SDL_Event *ev)
{
    app_event(a, ev);
    if (app_now(a) >= app_next_deadline(a))
        app_tick(a);
    app_frame(a);
}

static void keydown(struct app *a, SDL_Keycode k, Uint16 mod)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = k;
    ev.key.keysym.mod = mod;
    send(a, &ev);
}

static void textin(struct app *a, char c)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    ev.text.text[0] = c;
    send(a, &ev);
}

/* Moves the virtual clock, running what falls due (as the loop and the script player do). */
static void pass_time(struct app *a, int64_t ms)
{
    int64_t until = app_now(a) + ms;
    for (int64_t d; (d = app_next_deadline(a)) <= until;) {
        if (d > app_now(a))
            app_set_clock(a, d);
        app_tick(a);
        app_frame(a);
    }
    app_set_clock(a, until);
}

/* A scanner: Shift for capitals, keypad keys for the digits when kp, gap ms apart. */
static void scanner(struct app *a, const char *code, int kp, int gap)
{
    for (const char *c = code; *c; c++) {
        int up = *c >= 'A' && *c <= 'Z';
        if (up)
            keydown(a, SDLK_LSHIFT, KMOD_LSHIFT);
        SDL_Keycode k = up ? *c - 'A' + 'a' : *c;
        if (kp && *c >= '1' && *c <= '9')
            k = SDLK_KP_1 + (*c - '1');
        keydown(a, k, up ? KMOD_LSHIFT : 0);
        textin(a, *c);
        app_set_clock(a, app_now(a) + gap);
    }
    keydown(a, SDLK_RETURN, 0);
}

static void test_filter_scan_with_shift(void **state)
{
    struct appfix *x = *state;
    app_push(&x->a, &probe, NULL);
    scanner(&x->a, "LD-2024-00123", 0, 8);
    assert_int_equal(seen.scans, 1);
    assert_string_equal(seen.scan, "LD-2024-00123");
    /* Nothing of the scan reached the screen as typing, not even its first key. */
    assert_string_equal(seen.text, "");
    assert_int_equal(seen.printable_keys, 0);
    assert_int_equal(seen.returns, 0);

    /* Keypad digits inside a burst belong to it. */
    scanner(&x->a, "AB-1234", 1, 8);
    assert_int_equal(seen.scans, 2);
    assert_string_equal(seen.scan, "AB-1234");
    assert_string_equal(seen.text, "");
}

static void test_filter_typing(void **state)
{
    struct appfix *x = *state;
    app_push(&x->a, &probe, NULL);
    /* A person at a keyboard: 120 ms between keys.  The characters arrive, late by
     * at most max_gap_ms, and Return with them. */
    scanner(&x->a, "LD-77", 0, 120);
    pass_time(&x->a, 100);
    assert_int_equal(seen.scans, 0);
    assert_string_equal(seen.text, "LD-77");
    assert_int_equal(seen.returns, 1);

    /* A fast burst shorter than min_length is typing too. */
    memset(&seen, 0, sizeof seen);
    scanner(&x->a, "AB", 0, 8);
    assert_int_equal(seen.scans, 0);
    assert_string_equal(seen.text, "AB");
    assert_int_equal(seen.returns, 1);

    /* Typing, a pause, then a scan: each goes its own way. */
    memset(&seen, 0, sizeof seen);
    keydown(&x->a, 'z', 0);
    textin(&x->a, 'z');
    pass_time(&x->a, 300);
    scanner(&x->a, "LD-2024-00555", 0, 8);
    assert_string_equal(seen.text, "z");
    assert_string_equal(seen.scan, "LD-2024-00555");
}

/* On a screen with no scan handler (a form), a scan goes to check-in and is recorded. */
static void test_filter_scan_opens_checkin(void **state)
{
    struct appfix *x = *state;
    app_push(&x->a, &probe_no_scan, NULL);
    scanner(&x->a, "LD-2024-00777", 0, 8);
    assert_ptr_equal(app_top(&x->a), &screen_checkin);
    assert_int_equal(x->a.depth, 2); /* Home, check-in: the form is gone */
    assert_string_equal(seen.text, "");
    char b[128];
    assert_string_equal(sql_text(x->f.st, "SELECT json_extract(fields, '$.certificate_no') || '|'"
                                          " || json_extract(fields, '$.method') FROM records",
                                 b, sizeof b),
                        "LD-2024-00777|scan");
    /* Scans keep the check-in screen from the idle reset; silence does not. */
    for (int i = 0; i < 6; i++) {
        pass_time(&x->a, 30000);
        char code[32];
        snprintf(code, sizeof code, "LD-2024-%05d", 800 + i);
        scanner(&x->a, code, 0, 8);
    }
    assert_ptr_equal(app_top(&x->a), &screen_checkin);
    assert_int_equal(n_checkins(x->f.st), 7);
    pass_time(&x->a, (int64_t)x->f.cfg.idle_timeout_s * 1000 + 1000);
    assert_ptr_equal(app_top(&x->a), &screen_home);
}

/* The certificate pattern: a product barcode, a phone number or the hotline has the
 * basic shape but is no certificate; it is refused at once and nothing is written.  The
 * district's pattern (stored by a sync) wins over the configured one. */
static void test_certificate_pattern(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    int64_t now = at("2026-12-01 09:10");
    checkin_destroy(f->ck);
    util_strlcpy(f->cfg.certificate_pattern, "LD-[0-9]{4}-[0-9]{5}", sizeof f->cfg.certificate_pattern);
    f->ck = checkin_create(f->st, &f->cfg);
    assert_non_null(f->ck);
    static const char *const not_certs[] = {"6901234567892", "13812345678", "0578-2123110",
                                            "XLD-2024-00123", "LD-2024-001234"};
    for (size_t i = 0; i < sizeof not_certs / sizeof not_certs[0]; i++) {
        assert_int_equal(checkin_submit(f->ck, not_certs[i], CHECKIN_SCAN, now, &r), 0);
        assert_int_equal(r.status, CHECKIN_INVALID);
        assert_int_equal(r.invalid, VALIDATE_CERT_PATTERN);
        assert_int_equal(r.receipt_code, 0);
    }
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM records"), 0);
    /* A real one, typed in lower case with full-width digits, passes. */
    assert_int_equal(checkin_submit(f->ck, "ld-２０２４-00123", CHECKIN_TYPED, now, &r), 0);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_string_equal(r.certificate_no, "LD-2024-00123");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM records"), 1);
    /* The district's pattern replaces the configured one from the next context on. */
    assert_int_equal(store_meta_set(f->st, CERTRULE_META_KEY, "[0-9]{13}"), 0);
    checkin_destroy(f->ck);
    f->ck = checkin_create(f->st, &f->cfg);
    assert_int_equal(checkin_submit(f->ck, "LD-2024-00124", CHECKIN_SCAN, now, &r), 0);
    assert_int_equal(r.invalid, VALIDATE_CERT_PATTERN);
    assert_int_equal(checkin_submit(f->ck, "6901234567892", CHECKIN_SCAN, now, &r), 0);
    assert_int_equal(r.status, CHECKIN_DONE);
    /* The shape rule still comes first. */
    assert_int_equal(checkin_submit(f->ck, "690123456789 2", CHECKIN_SCAN, now + 5000, &r), 0);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    assert_int_equal(checkin_submit(f->ck, "69012345678_2", CHECKIN_SCAN, now, &r), 0);
    assert_int_equal(r.invalid, VALIDATE_CERT_CHARS);
    /* A stored pattern that does not compile: the configured one is used. */
    assert_int_equal(store_meta_set(f->st, CERTRULE_META_KEY, "(["), 0);
    struct certrule *rule = certrule_load(f->st, &f->cfg);
    assert_string_equal(certrule_pattern(rule), "LD-[0-9]{4}-[0-9]{5}");
    char out[VALIDATE_CERT_SIZE];
    assert_int_equal(certrule_check(rule, "LD-2024-00999", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "LD-2024-00999");
    assert_int_equal(certrule_check(rule, "LD-2024-0099", out, sizeof out, NULL),
                     VALIDATE_CERT_PATTERN);
    assert_string_equal(out, "");
    certrule_free(rule);
    /* Neither: today's rule alone. */
    f->cfg.certificate_pattern[0] = 0;
    assert_int_equal(store_meta_set(f->st, CERTRULE_META_KEY, ""), 0);
    rule = certrule_load(f->st, &f->cfg);
    assert_string_equal(certrule_pattern(rule), "");
    assert_int_equal(certrule_check(rule, "13812345678", out, sizeof out, NULL), VALIDATE_OK);
    certrule_free(rule);
    assert_int_equal(certrule_check(NULL, "AB-12", out, sizeof out, NULL), VALIDATE_OK);
}

/* With the centre's directory: a member registered elsewhere is greeted by masked name;
 * a well-formed number nobody knows is asked about (nothing written) unless the person
 * checks in anyway (verified false); another kiosk's check-in to the activity counts. */
static void test_directory(void **state)
{
    struct fixture *f = *state;
    struct checkin_result r;
    int64_t t = at("2026-12-01 10:00");
    /* Without the directory (a stand-alone kiosk): today's rule. */
    assert_int_equal(checkin_has_directory(f->ck), 0);
    checkin_submit(f->ck, "LD-2024-00900", CHECKIN_SCAN, t, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.registered, 0);
    assert_int_equal(store_exec(f->st,
                                "INSERT INTO meta VALUES('content.counter', '12');"
                                "INSERT INTO members(id, masked_name, station) VALUES"
                                " ('LD-2024-00500', '李*', '白云社区服务站');"
                                "INSERT INTO hall_checkins VALUES ('LD-2024-00600|A1',"
                                " 'LD-2024-00600', 'A1', '2026-12-01 09:35:10', 'LD02', '2026-12-01')"),
                     0);
    checkin_destroy(f->ck);
    f->ck = checkin_create(f->st, &f->cfg);
    assert_int_equal(checkin_has_directory(f->ck), 1);
    /* Registered at another kiosk: greeted by masked name. */
    checkin_submit(f->ck, "LD-2024-00500", CHECKIN_SCAN, t + 1000, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.registered, 1);
    assert_int_equal(r.from_directory, 1);
    assert_string_equal(r.masked_name, "李*");
    assert_int_equal(r.unverified, 0);
    /* Nobody knows it: the question, nothing written; the scanner reading twice asks once. */
    long before = (long)n_checkins(f->st);
    checkin_submit(f->ck, "LD-2024-00777", CHECKIN_SCAN, t + 10000, &r);
    assert_int_equal(r.status, CHECKIN_UNKNOWN);
    assert_string_equal(r.certificate_no, "LD-2024-00777");
    checkin_submit(f->ck, "LD-2024-00777", CHECKIN_SCAN, t + 10500, &r);
    assert_int_equal(r.status, CHECKIN_UNKNOWN);
    assert_int_equal(r.repeat, 1);
    assert_int_equal(n_checkins(f->st), before);
    /* 仍然签到: recorded, marked unverified; a second scan is 已签到, no question. */
    checkin_submit_anyway(f->ck, "LD-2024-00777", CHECKIN_SCAN, t + 12000, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(r.unverified, 1);
    assert_int_equal(n_checkins(f->st), before + 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM records WHERE kind = 'checkin'"
                                    " AND json_extract(fields, '$.certificate_no') = 'LD-2024-00777'"
                                    " AND json_extract(fields, '$.verified') = 0"),
                     1);
    checkin_submit(f->ck, "LD-2024-00777", CHECKIN_SCAN, t + 60000, &r);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    /* A known member's record carries no verified field. */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM records WHERE kind = 'checkin'"
                                    " AND json_extract(fields, '$.certificate_no') = 'LD-2024-00500'"
                                    " AND json_type(fields, '$.verified') IS NULL"),
                     1);
    /* Checked in at another kiosk of the hall: 已签到, with that time, nothing written
     * (also for someone only the other kiosk knew). */
    checkin_submit(f->ck, "LD-2024-00600", CHECKIN_SCAN, t + 70000, &r);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    assert_int_equal(r.elsewhere, 1);
    assert_string_equal(r.local_time, "2026-12-01 09:35:10");
    assert_string_equal(r.uuid, "");
    assert_int_equal(n_checkins(f->st), before + 1);
    /* A malformed number is still refused before the question. */
    checkin_submit(f->ck, "LD_2024", CHECKIN_SCAN, t + 80000, &r);
    assert_int_equal(r.status, CHECKIN_INVALID);
    /* Several activities open: the question first; 仍然签到 then asks which one and the
     * choice is recorded unverified. */
    int64_t t2 = at("2026-12-02 15:10");
    checkin_submit(f->ck, "LD-2024-00888", CHECKIN_SCAN, t2, &r);
    assert_int_equal(r.status, CHECKIN_UNKNOWN);
    checkin_submit_anyway(f->ck, "LD-2024-00888", CHECKIN_SCAN, t2 + 3000, &r);
    assert_int_equal(r.status, CHECKIN_CHOOSE);
    assert_int_equal(r.unverified, 1);
    struct checkin_activity open[4];
    assert_int_equal(checkin_open_activities(f->ck, t2, open, 4), 2);
    checkin_record_ex(f->ck, "LD-2024-00888", &open[1], CHECKIN_SCAN, r.unverified, t2 + 5000, &r);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_int_equal(sql_int(f->st, "SELECT json_extract(fields, '$.verified') IS 0 FROM records"
                                    " WHERE json_extract(fields, '$.certificate_no') = 'LD-2024-00888'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_normalize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_activity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_choose, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements_use_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_certificate_pattern, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_scan_with_shift, app_setup, app_teardown),
        cmocka_unit_test_setup_teardown(test_filter_typing, app_setup, app_teardown),
        cmocka_unit_test_setup_teardown(test_filter_scan_opens_checkin, app_setup, app_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
