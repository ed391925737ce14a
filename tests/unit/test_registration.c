/* Tests for app/registration: the places for the picker (stations first) and the filter,
 * the salted ID hash (stable on one kiosk, different on another, never the number
 * itself), the duplicate check with its date, the stored record's fields and JSON
 * escaping, the event log without personal data, and a failed write leaving nothing. */
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

#include "app/registration.h"
#include "core/util.h"
#include "store/store.h"

#define ID1 "110105199003071239"
#define ID2 "341102198511200025"

/* 2026-12-01 09:00 in Lishui (UTC+8). */
#define DEC1_MS 1796086800000LL
#define DAY_MS 86400000LL

struct fixture {
    char dir[64], dir2[64];
    struct store *st;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void add_places(struct store *st)
{
    assert_int_equal(
        store_exec(st,
                   "INSERT INTO places(id, name, level, parent_id, address, phone, hours, sort)"
                   " VALUES"
                   "('D01','莲都区外来党员服务中心','district',NULL,'人民街128号','0578-2123110','8:30-17:30',1),"
                   "('S01','紫金街道外来党员服务中心','street','D01','紫金路36号','0578-2135601','8:30-17:30',2),"
                   "('C02','紫金街道城东社区外来党员服务站','community','S01','紫金路180号','0578-2137712','8:30-11:30',4),"
                   "('C01','紫金街道城北社区外来党员服务站','community','S01','City North Road 45','0578-2136711','8:30-11:30',3)"),
        0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-registration-XXXXXX");
    snprintf(f->dir2, sizeof f->dir2, "/tmp/test-registration-XXXXXX");
    if (!mkdtemp(f->dir) || !mkdtemp(f->dir2))
        return -1;
    char err[256];
    if (store_open(f->dir, "LD-T-01", &f->st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    add_places(f->st);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->st);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    nftw(f->dir2, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void test_places_order_and_filter(void **state)
{
    struct fixture *f = *state;
    struct reg_place *p = NULL;
    int n = registration_places(f->st, &p);
    assert_int_equal(n, 4);
    /* Stations first (in content order), then the street centre, then the district. */
    assert_string_equal(p[0].id, "C01");
    assert_string_equal(p[1].id, "C02");
    assert_string_equal(p[2].id, "S01");
    assert_string_equal(p[3].id, "D01");
    assert_string_equal(p[0].phone, "0578-2136711");
    assert_string_equal(p[0].level, "community");
    assert_true(registration_place_matches(&p[0], ""));
    assert_true(registration_place_matches(&p[0], NULL));
    assert_true(registration_place_matches(&p[0], "城北"));
    assert_false(registration_place_matches(&p[1], "城北"));
    /* The address counts, ASCII letters without case. */
    assert_true(registration_place_matches(&p[0], "city north"));
    assert_false(registration_place_matches(&p[0], "south"));
    free(p);

    struct reg_place one;
    assert_int_equal(registration_place(f->st, "C02", &one), 0);
    assert_string_equal(one.name, "紫金街道城东社区外来党员服务站");
    assert_int_equal(registration_place(f->st, "C99", &one), 1);

    assert_int_equal(store_exec(f->st, "DELETE FROM places"), 0);
    assert_int_equal(registration_places(f->st, &p), 0);
    assert_null(p);
}

static void test_id_hash(void **state)
{
    struct fixture *f = *state;
    char h1[REG_HASH_SIZE], h1b[REG_HASH_SIZE], h2[REG_HASH_SIZE];
    assert_int_equal(registration_id_hash(f->st, ID1, h1), 0);
    assert_int_equal(strlen(h1), 64);
    assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
    assert_int_equal(registration_id_hash(f->st, ID1, h1b), 0);
    assert_string_equal(h1, h1b);
    assert_int_equal(registration_id_hash(f->st, ID2, h2), 0);
    assert_string_not_equal(h1, h2);
    /* The salt survives a restart... */
    store_close(f->st);
    char err[256];
    assert_int_equal(store_open(f->dir, "LD-T-01", &f->st, err, sizeof err), 0);
    assert_int_equal(registration_id_hash(f->st, ID1, h1b), 0);
    assert_string_equal(h1, h1b);
    /* ...and another kiosk hashes the same number differently. */
    struct store *other;
    assert_int_equal(store_open(f->dir2, "LD-T-02", &other, err, sizeof err), 0);
    assert_int_equal(registration_id_hash(other, ID1, h2), 0);
    assert_string_not_equal(h1, h2);
    store_close(other);
}

static struct registration sample(const struct reg_place *place)
{
    struct registration r = {
        .name = "张三",
        .sex = "男",
        .id_number = ID1,
        .birth_date = "1990-03-07",
        .phone = "13812345678",
        .certificate_no = "LD-2026-0042",
        .origin_org = "中共某村\"支部\"\\委员会",
        .hukou = "北京市",
        .employer = "",
        .joined_party = "2010-07",
        .place = place,
        .is_update = 0,
    };
    return r;
}

static char *field(struct store *st, const char *uuid, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT json_extract(fields, '$.%s') FROM records WHERE uuid = ?",
             name);
    sqlite3_stmt *s = store_prepare(st, sql);
    assert_non_null(s);
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    char *out = strdup(t ? (const char *)t : "(null)");
    sqlite3_finalize(s);
    return out;
}

static void want(struct store *st, const char *uuid, const char *name, const char *value)
{
    char *got = field(st, uuid, name);
    if (strcmp(got, value) != 0)
        fail_msg("field %s: got \"%s\", want \"%s\"", name, got, value);
    free(got);
}

static void test_submit_and_duplicate(void **state)
{
    struct fixture *f = *state;
    struct reg_place place;
    assert_int_equal(registration_place(f->st, "C01", &place), 0);
    char date[11];
    assert_int_equal(registration_find(f->st, ID1, date), 0);
    assert_string_equal(date, "");

    struct registration r = sample(&place);
    char uuid[37];
    assert_int_equal(registration_submit(f->st, &r, DEC1_MS, uuid), 0);
    assert_int_equal(strlen(uuid), 36);
    want(f->st, uuid, "name", "张三");
    want(f->st, uuid, "sex", "男");
    want(f->st, uuid, "id_number", ID1);
    want(f->st, uuid, "birth_date", "1990-03-07");
    want(f->st, uuid, "phone", "13812345678");
    want(f->st, uuid, "certificate_no", "LD-2026-0042");
    want(f->st, uuid, "origin_org", "中共某村\"支部\"\\委员会");
    want(f->st, uuid, "hukou", "北京市");
    want(f->st, uuid, "employer", "");
    want(f->st, uuid, "community_id", "C01");
    want(f->st, uuid, "community_name", "紫金街道城北社区外来党员服务站");
    want(f->st, uuid, "station", "紫金街道城北社区外来党员服务站");
    want(f->st, uuid, "joined_party", "2010-07");
    want(f->st, uuid, "consent", "1");
    want(f->st, uuid, "is_update", "0");
    char hash[REG_HASH_SIZE];
    assert_int_equal(registration_id_hash(f->st, ID1, hash), 0);
    want(f->st, uuid, "id_hash", hash);

    struct record rec;
    assert_int_equal(store_record_get(f->st, uuid, &rec), 0);
    assert_string_equal(rec.kind, "registration");
    assert_string_equal(rec.kiosk_id, "LD-T-01");
    record_clear(&rec);

    /* Found again the next day, with the day it was registered; other IDs are not. */
    assert_int_equal(registration_find(f->st, ID1, date), 1);
    assert_string_equal(date, "2026-12-01");
    assert_int_equal(registration_find(f->st, ID2, date), 0);

    r.is_update = 1;
    char uuid2[37];
    assert_int_equal(registration_submit(f->st, &r, DEC1_MS + DAY_MS, uuid2), 0);
    assert_string_not_equal(uuid, uuid2);
    want(f->st, uuid2, "is_update", "1");
    assert_int_equal(registration_find(f->st, ID1, date), 1);
    assert_string_equal(date, "2026-12-02");

    /* The event log says that something was registered, never who. */
    sqlite3_stmt *s = store_prepare(f->st, "SELECT kind, detail FROM events ORDER BY seq");
    int regs = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 0);
        const char *detail = (const char *)sqlite3_column_text(s, 1);
        assert_null(strstr(detail, "张三"));
        assert_null(strstr(detail, ID1));
        assert_null(strstr(detail, "13812345678"));
        if (strcmp(kind, "registration") == 0)
            assert_string_equal(detail, regs++ ? "update" : "new");
    }
    sqlite3_finalize(s);
    assert_int_equal(regs, 2);
}

static void test_fields_json(void **state)
{
    struct fixture *f = *state;
    struct reg_place place;
    assert_int_equal(registration_place(f->st, "C02", &place), 0);
    struct registration r = sample(&place);
    char *json = registration_fields_json(f->st, &r);
    assert_non_null(json);
    assert_int_equal(json[0], '{');
    assert_non_null(strstr(json, "\"origin_org\":\"中共某村\\\"支部\\\"\\\\委员会\""));
    assert_non_null(strstr(json, "\"consent\":true"));
    assert_non_null(strstr(json, "\"is_update\":false"));
    assert_non_null(strstr(json, "\"community_id\":\"C02\""));
    util_wipe(json, strlen(json));
    free(json);
    /* Without a place there is no record to make. */
    r.place = NULL;
    assert_null(registration_fields_json(f->st, &r));
}

static void test_failed_write_stores_nothing(void **state)
{
    struct fixture *f = *state;
    struct reg_place place;
    assert_int_equal(registration_place(f->st, "C01", &place), 0);
    /* Make the salt first, so that only the record's write can fail. */
    char hash[REG_HASH_SIZE];
    assert_int_equal(registration_id_hash(f->st, ID1, hash), 0);
    store_close(f->st);
    char err[256];
    assert_int_equal(store_open_readonly(f->dir, &f->st, err, sizeof err), 0);
    struct registration r = sample(&place);
    char uuid[37] = "x";
    assert_int_equal(registration_submit(f->st, &r, DEC1_MS, uuid), -1);
    assert_string_equal(uuid, "");
    assert_int_equal(store_count(f->st, "records"), 0);
}

int main(void)
{
    /* The dates the duplicate check reports are the kiosk's local dates. */
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_places_order_and_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_and_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fields_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_stores_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
