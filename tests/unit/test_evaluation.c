/* Tests for app/evaluation: which errands ask, what an evaluation record holds (the errand's
 * UUID and kind from its record, the grade, the reasons of a low grade only), one grade per
 * errand, refusals, and a day's figures with the share satisfied.  A real database in a
 * temporary directory. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

#include "app/evaluation.h"
#include "core/config.h"
#include "core/util.h"

#define T0 1796087400000LL /* 2026-12-01 09:10 +08:00 */
#define DAY (24 * 3600 * 1000LL)

static void errand(struct fixture *f, const char *kind, int64_t at, char uuid[37])
{
    assert_int_equal(store_record_add(f->st, kind, "{\"name\":\"张三\",\"phone\":\"13812345678\"}",
                                      at, uuid),
                     0);
}

/* The evaluation of errand_uuid: its fields as one string, or "" when there is none. */
static void fields_of(struct fixture *f, const char *errand_uuid, char *out, size_t n)
{
    sqlite3_stmt *q = store_prepare(f->st, "SELECT fields FROM records WHERE kind = 'evaluation'"
                                           " AND json_extract(fields, '$.errand_uuid') = ?1");
    assert_non_null(q);
    sqlite3_bind_text(q, 1, errand_uuid, -1, SQLITE_STATIC);
    out[0] = 0;
    if (sqlite3_step(q) == SQLITE_ROW)
        util_strlcpy(out, (const char *)sqlite3_column_text(q, 0), n);
    sqlite3_finalize(q);
}

static void test_asks(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    const char *yes[] = {"registration", "consultation", "queue_ticket", "job_interest",
                         "training_signup", "training_waitlist"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(evaluation_asks(&c, yes[i]));
    assert_false(evaluation_asks(&c, "checkin"));
    assert_false(evaluation_asks(&c, "evaluation"));
    assert_false(evaluation_asks(&c, "study_view"));
    assert_false(evaluation_asks(&c, NULL));
    c.checkin_ask_rating = 1;
    assert_true(evaluation_asks(&c, "checkin"));
    assert_false(evaluation_asks(&c, "help_request"));
}

static void test_record(void **state)
{
    struct fixture *f = *state;
    struct config c;
    config_defaults(&c);
    char u[37], e[37], got[512];
    errand(f, "consultation", T0, u);
    assert_int_equal(evaluation_record(f->st, &c, T0 + 1000, u, 1, (1u << 0) | (1u << 4), e),
                     EVALUATION_SAVED);
    fields_of(f, u, got, sizeof got);
    char want[256];
    snprintf(want, sizeof want,
             "{\"errand_uuid\":\"%s\",\"errand_kind\":\"consultation\",\"grade\":1,"
             "\"reasons\":[\"waited_too_long\",\"other\"]}",
             u);
    assert_string_equal(got, want);
    /* The evaluation's own UUID names a record of kind evaluation. */
    struct record r;
    assert_int_equal(store_record_get(f->st, e, &r), 0);
    assert_string_equal(r.kind, "evaluation");
    record_clear(&r);
    assert_int_equal(evaluation_rated(f->st, u), 1);

    /* One grade per errand: a second is not written. */
    assert_int_equal(evaluation_record(f->st, &c, T0 + 2000, u, 5, 0, NULL), EVALUATION_ALREADY);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM records WHERE kind='evaluation'"), 1);

    /* Reasons belong to a low grade: 满意 with bits set stores none. */
    char u2[37];
    errand(f, "queue_ticket", T0, u2);
    assert_int_equal(evaluation_rated(f->st, u2), 0);
    assert_int_equal(evaluation_record(f->st, &c, T0, u2, 4, 0x1f, NULL), EVALUATION_SAVED);
    fields_of(f, u2, got, sizeof got);
    assert_non_null(strstr(got, "\"errand_kind\":\"queue_ticket\",\"grade\":4,\"reasons\":[]"));
}

static void test_refused(void **state)
{
    struct fixture *f = *state;
    struct config c;
    config_defaults(&c);
    char u[37], ck[37];
    errand(f, "job_interest", T0, u);
    assert_int_equal(evaluation_record(f->st, &c, T0, u, 0, 0, NULL), EVALUATION_REFUSED);
    assert_int_equal(evaluation_record(f->st, &c, T0, u, 6, 0, NULL), EVALUATION_REFUSED);
    assert_int_equal(evaluation_record(f->st, &c, T0, "00000000-0000-4000-8000-000000000000", 3, 0,
                                       NULL),
                     EVALUATION_REFUSED);
    /* A check-in asks only with [checkin] ask_rating. */
    errand(f, "checkin", T0, ck);
    assert_int_equal(evaluation_record(f->st, &c, T0, ck, 3, 0, NULL), EVALUATION_REFUSED);
    /* An evaluation is no errand. */
    char e[37];
    c.checkin_ask_rating = 1;
    assert_int_equal(evaluation_record(f->st, &c, T0, ck, 3, 0, e), EVALUATION_SAVED);
    assert_int_equal(evaluation_record(f->st, &c, T0, e, 3, 0, NULL), EVALUATION_REFUSED);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM records WHERE kind='evaluation'"), 1);
}

static void test_day(void **state)
{
    struct fixture *f = *state;
    struct config c;
    config_defaults(&c);
    struct evaluation_day d;
    assert_int_equal(evaluation_day(f->st, "2026-12-01", &d), 0);
    assert_int_equal(d.total, 0);
    assert_int_equal(evaluation_satisfied_pct(&d), -1);
    /* Today: 5, 5, 4, 3, 1, 1 — four satisfied of six; yesterday's 2 does not count. */
    const int grades[] = {5, 5, 4, 3, 1, 1};
    for (size_t i = 0; i < sizeof grades / sizeof *grades; i++) {
        char u[37];
        errand(f, "registration", T0, u);
        assert_int_equal(evaluation_record(f->st, &c, T0 + (int64_t)i * 60000, u, grades[i], 0, NULL),
                         EVALUATION_SAVED);
    }
    char y[37];
    errand(f, "registration", T0 - DAY, y);
    assert_int_equal(evaluation_record(f->st, &c, T0 - DAY, y, 2, 0, NULL), EVALUATION_SAVED);
    assert_int_equal(evaluation_day(f->st, "2026-12-01", &d), 0);
    assert_int_equal(d.total, 6);
    assert_int_equal(d.by_grade[5], 2);
    assert_int_equal(d.by_grade[4], 1);
    assert_int_equal(d.by_grade[3], 1);
    assert_int_equal(d.by_grade[2], 0);
    assert_int_equal(d.by_grade[1], 2);
    assert_int_equal(d.satisfied, 3);
    assert_int_equal(evaluation_satisfied_pct(&d), 50);
    assert_int_equal(evaluation_day(f->st, "2026-11-30", &d), 0);
    assert_int_equal(d.total, 1);
    assert_int_equal(d.by_grade[2], 1);
    assert_int_equal(evaluation_satisfied_pct(&d), 0);
    /* Rounded to the nearest: 2 of 3 is 67. */
    struct evaluation_day t = {.total = 3, .satisfied = 2};
    assert_int_equal(evaluation_satisfied_pct(&t), 67);
}

static void test_reason_codes(void **state)
{
    (void)state;
    const char *want[] = {"waited_too_long", "hard_to_use", "wrong_information",
                          "could_not_print", "other"};
    for (int i = 0; i < EVALUATION_REASONS; i++)
        assert_string_equal(evaluation_reason(i), want[i]);
    assert_null(evaluation_reason(-1));
    assert_null(evaluation_reason(EVALUATION_REASONS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asks),
        cmocka_unit_test_setup_teardown(test_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_day, setup, teardown),
        cmocka_unit_test(test_reason_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
