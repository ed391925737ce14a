/* Tests for the clock rules (store/clock.h, checkin's once-a-day rule): a record
 * made at a time the kiosk cannot believe is marked clock_suspect — long before this
 * program was built, more than 10 minutes before the newest believable record, years
 * ahead — and does not move what the kiosk believes; a clock set back never lets a
 * person make a second visit of "the day". */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/checkin.h"
#include "core/config.h"
#include "core/util.h"
#include "core/version.h"
#include "store/clock.h"
#include "store/store.h"

#include "store_fixture.h"

#define MIN (60 * 1000LL)
#define DAY (24 * 60 * MIN)

static int suspect(struct store *st, const char *uuid)
{
    struct record r;
    assert_int_equal(store_record_get(st, uuid, &r), 0);
    int s = strstr(r.fields, "\"clock_suspect\":true") != NULL;
    record_clear(&r);
    return s;
}

static void add(struct store *st, int64_t at, char uuid[37])
{
    assert_int_equal(store_record_add(st, "consultation", "{\"topic\":\"x\"}", at, uuid), 0);
}

static void test_records_marked(void **state)
{
    struct fixture *f = *state;
    int64_t built = version_build_ms();
    assert_true(built > 0); /* the Makefile gives every build its date */
    int64_t t = built + DAY;
    char u[37];
    add(f->st, t, u);
    assert_false(suspect(f->st, u));
    assert_int_equal(store_trusted_ms(f->st), t);
    /* A few minutes back (a clock corrected by NTP): believed. */
    add(f->st, t - 5 * MIN, u);
    assert_false(suspect(f->st, u));
    /* A day back: marked, and the kiosk still believes t. */
    assert_int_equal(clock_local_flags(f->st, t - DAY), CLOCK_BEHIND);
    add(f->st, t - DAY, u);
    assert_true(suspect(f->st, u));
    assert_int_equal(store_trusted_ms(f->st), t);
    /* Reset to 2000-01-01. */
    int64_t y2000;
    assert_int_equal(util_parse_iso("2000-01-01T09:00:00+08:00", &y2000), 0);
    assert_int_equal(clock_local_flags(f->st, y2000), CLOCK_BEFORE_BUILD | CLOCK_BEHIND);
    add(f->st, y2000, u);
    assert_true(suspect(f->st, u));
    /* Three years ahead: marked, and it must not make the right time look set back. */
    add(f->st, t + 3 * 365 * DAY, u);
    assert_true(suspect(f->st, u));
    assert_int_equal(store_trusted_ms(f->st), t);
    add(f->st, t + 60 * MIN, u);
    assert_false(suspect(f->st, u));
    /* Reopened, the kiosk believes the newest unmarked record again. */
    store_close(f->st);
    char err[256];
    assert_int_equal(store_open(f->dir, STORE_FIXTURE_KIOSK, &f->st, err, sizeof err), 0);
    assert_int_equal(store_trusted_ms(f->st), t + 60 * MIN);
    /* The mark is in the record's fields: it goes wherever the record goes. */
    sqlite3_stmt *s = store_prepare(f->st, "SELECT count(*) FROM records WHERE "
                                           "json_extract(fields, '$.clock_suspect') = 1");
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 3);
    sqlite3_finalize(s);
}

/* The centre's answer to a status report: judged with the local rules, but marks nothing
 * (it is as old as the report). */
static void test_centre_comparison(void **state)
{
    struct fixture *f = *state;
    int64_t t = version_build_ms() + DAY;
    struct clock_verdict v;
    assert_int_equal(clock_judge(f->st, t, 1, &v), 0);
    assert_false(v.centre_known);
    assert_int_equal(clock_centre_note(f->st, t, t - 90 * 1000), 90);
    assert_int_equal(clock_judge(f->st, t, 1, &v), 0);
    assert_true(v.centre_known);
    assert_int_equal(v.centre_skew_s, 90);
    /* Five minutes behind the centre: flagged, the record is not marked. */
    assert_int_equal(clock_centre_note(f->st, t, t + 5 * MIN), -300);
    assert_int_equal(clock_judge(f->st, t, 1, &v), CLOCK_CENTRE);
    char seen[32];
    util_time_utc(t + 5 * MIN, seen);
    assert_string_equal(v.centre_seen, seen);
    char u[37];
    add(f->st, t, u);
    assert_false(suspect(f->st, u));
    /* Without the centre's part, only the local rules. */
    assert_int_equal(clock_judge(f->st, t, 0, &v), 0);
    /* Both: the local rules say why in words. */
    assert_int_equal(clock_judge(f->st, t - DAY, 1, &v), CLOCK_BEHIND | CLOCK_CENTRE);
    char text[256];
    clock_explain(&v, text, sizeof text);
    assert_non_null(strstr(text, "before the newest records"));
}

static void test_visit_once_across_a_clock_set_back(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    config_defaults(&cfg);
    cfg.checkin_double_read_ms = 0;
    struct checkin *c = checkin_create(f->st, &cfg);
    assert_non_null(c);
    int64_t t = version_build_ms() + 10 * DAY + 9 * 60 * MIN;
    struct checkin_result r;
    assert_int_equal(checkin_submit(c, "LD-2026-00042", CHECKIN_SCAN, t, &r), 0);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_true(r.visit);
    /* The clock jumps back a day: "today" is another date, and still no second visit. */
    assert_int_equal(checkin_submit(c, "LD-2026-00042", CHECKIN_SCAN, t - DAY, &r), 0);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    int64_t y2000;
    assert_int_equal(util_parse_iso("2000-01-01T09:00:00+08:00", &y2000), 0);
    assert_int_equal(checkin_submit(c, "LD-2026-00042", CHECKIN_TYPED, y2000, &r), 0);
    assert_int_equal(r.status, CHECKIN_ALREADY);
    /* Someone else is checked in (and marked); the right clock the next day counts anew. */
    assert_int_equal(checkin_submit(c, "LD-2026-00043", CHECKIN_SCAN, y2000, &r), 0);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_true(suspect(f->st, r.uuid));
    assert_int_equal(checkin_submit(c, "LD-2026-00042", CHECKIN_SCAN, t + DAY, &r), 0);
    assert_int_equal(r.status, CHECKIN_DONE);
    assert_false(suspect(f->st, r.uuid));
    checkin_destroy(c);
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_centre_comparison, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visit_once_across_a_clock_set_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
