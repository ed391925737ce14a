/* Tests for app/staffauth: only a slow salted hash is stored, a correct PIN opens, wrong
 * PINs lock the keypad for longer each time, the lock survives reopening the store, and
 * while locked even the correct PIN is refused until the time has passed.  Time is
 * passed in; nothing sleeps. */
#define _GNU_SOURCE /* nftw */
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
#include <unistd.h>

#include "app/staffauth.h"
#include "core/util.h"
#include "store/store.h"

#define T0 1764550800000LL /* 2025-12-01 09:00 +08:00 */
#define SEC 1000LL

#define STORE_FIXTURE_KIOSK "LD01"
#include "store_fixture.h"

static void reopen(struct fixture *f)
{
    store_close(f->st);
    char err[256] = "";
    if (store_open(f->dir, "LD01", &f->st, err, sizeof err) != 0)
        fail_msg("store_open: %s", err);
}

static enum staffauth_result try_pin(struct fixture *f, const char *pin, int64_t now,
                                     int64_t *retry)
{
    return staffauth_try(f->st, pin, now, retry);
}

static void test_not_set(void **state)
{
    struct fixture *f = *state;
    int64_t retry = -1;
    assert_int_equal(staffauth_is_set(f->st), 0);
    assert_int_equal(try_pin(f, "1234", T0, &retry), STAFFAUTH_NOT_SET);
    assert_int_equal(retry, 0);
}

static void test_set_and_try(void **state)
{
    struct fixture *f = *state;
    int64_t retry = -1;
    assert_int_equal(staffauth_set(f->st, "246810"), 0);
    assert_int_equal(staffauth_is_set(f->st), 1);

    /* Only an Argon2id hash is stored, never the digits. */
    char hash[256];
    assert_int_equal(store_meta_get(f->st, "staff_pin_hash", hash, sizeof hash), 0);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_null(strstr(hash, "246810"));

    assert_int_equal(try_pin(f, "246810", T0, &retry), STAFFAUTH_OK);
    assert_int_equal(retry, 0);
    assert_int_equal(try_pin(f, "246811", T0, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    assert_int_equal(try_pin(f, "", T0, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    /* Two wrong, then right: the count is reset, so two more wrong do not lock. */
    assert_int_equal(try_pin(f, "246810", T0, &retry), STAFFAUTH_OK);
    assert_int_equal(try_pin(f, NULL, T0, NULL), STAFFAUTH_WRONG);
    assert_int_equal(try_pin(f, "1111", T0, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    assert_int_equal(try_pin(f, "246810", T0, &retry), STAFFAUTH_OK);

    /* The same PIN twice gives two different hashes (salted). */
    char h1[256], h2[256];
    assert_int_equal(store_meta_get(f->st, "staff_pin_hash", h1, sizeof h1), 0);
    assert_int_equal(staffauth_set(f->st, "246810"), 0);
    assert_int_equal(store_meta_get(f->st, "staff_pin_hash", h2, sizeof h2), 0);
    assert_string_not_equal(h1, h2);

    /* A new PIN replaces the old one. */
    assert_int_equal(staffauth_set(f->st, "135792"), 0);
    assert_int_equal(try_pin(f, "246810", T0, &retry), STAFFAUTH_WRONG);
    assert_int_equal(try_pin(f, "135792", T0, &retry), STAFFAUTH_OK);
}

static void test_invalid_pins_refused(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(staffauth_set(f->st, "123"), -1);
    assert_int_equal(staffauth_set(f->st, "1234567890123"), -1);
    assert_int_equal(staffauth_set(f->st, "12a4"), -1);
    assert_int_equal(staffauth_set(f->st, "12 34"), -1);
    assert_int_equal(staffauth_set(f->st, ""), -1);
    assert_int_equal(staffauth_is_set(f->st), 0);
    assert_int_equal(staffauth_set(f->st, "274913"), 0);
    assert_int_equal(staffauth_set(f->st, "102938475610"), 0);
    /* The keypad still tries 4 digits: a PIN stored before the 6-digit rule. */
    assert_true(staffauth_pin_valid("0000"));
    assert_false(staffauth_pin_valid("０１２３")); /* full-width digits are not digits */
}

/* set-pin refuses PINs a passer-by would guess first. */
static void test_trivial_pins_refused(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {
        "0000", "1234", "2468", "13579",         /* shorter than 6 */
        "000000", "999999999999", "111111",     /* one digit repeated */
        "121212", "123123", "12341234", "909090", /* a group repeated */
        "123456", "234567", "0123456789", "890123", /* counting up, also past 9 */
        "654321", "987654", "210987", "3210987654", /* counting down */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (!staffauth_new_pin_problem(bad[i]))
            fail_msg("PIN %s accepted", bad[i]);
        assert_int_equal(staffauth_set(f->st, bad[i]), -1);
    }
    assert_int_equal(staffauth_is_set(f->st), 0);
    static const char *const good[] = {"246813", "135792", "112358", "121213", "907312"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (staffauth_new_pin_problem(good[i]))
            fail_msg("PIN %s refused: %s", good[i], staffauth_new_pin_problem(good[i]));
}

static void test_lockout_grows_and_refuses_correct_pin(void **state)
{
    struct fixture *f = *state;
    int64_t retry = 0, now = T0;
    assert_int_equal(staffauth_set(f->st, "864213"), 0);

    assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    /* The third wrong PIN locks for 30 s. */
    assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, now + 30 * SEC);

    /* Locked: even the right PIN is refused, with the time it may be tried again. */
    assert_int_equal(try_pin(f, "864213", now + 29 * SEC, &retry), STAFFAUTH_LOCKED);
    assert_int_equal(retry, now + 30 * SEC);
    /* Guesses while locked are not counted and do not extend the lock. */
    assert_int_equal(try_pin(f, "0000", now + 29 * SEC, &retry), STAFFAUTH_LOCKED);
    assert_int_equal(retry, now + 30 * SEC);

    /* Each further wrong PIN doubles the lock: 60 s, 120 s, … */
    now += 30 * SEC;
    assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, now + 60 * SEC);
    now = retry;
    assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, now + 120 * SEC);

    /* … up to 5 minutes: never longer, however many wrong PINs. */
    int64_t last = 0;
    for (int i = 0; i < 8; i++) {
        now = retry;
        assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
        last = retry - now;
        assert_true(last <= 5 * 60 * SEC);
    }
    assert_int_equal(last, 5 * 60 * SEC);

    /* When the time has passed, the right PIN opens and resets everything. */
    assert_int_equal(try_pin(f, "864213", retry - 1, NULL), STAFFAUTH_LOCKED);
    assert_int_equal(try_pin(f, "864213", retry, &retry), STAFFAUTH_OK);
    assert_int_equal(retry, 0);
    assert_int_equal(try_pin(f, "0000", now, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
}

static void test_lock_survives_restart(void **state)
{
    struct fixture *f = *state;
    int64_t retry = 0;
    assert_int_equal(staffauth_set(f->st, "975318"), 0);
    for (int i = 0; i < 3; i++)
        try_pin(f, "11111", T0, &retry);
    assert_int_equal(retry, T0 + 30 * SEC);

    reopen(f);
    assert_int_equal(try_pin(f, "975318", T0 + 10 * SEC, &retry), STAFFAUTH_LOCKED);
    assert_int_equal(retry, T0 + 30 * SEC);

    /* The count survived too: the next wrong PIN after the lock doubles it. */
    reopen(f);
    assert_int_equal(try_pin(f, "11111", T0 + 30 * SEC, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, T0 + 90 * SEC);

    reopen(f);
    assert_int_equal(try_pin(f, "975318", T0 + 90 * SEC, &retry), STAFFAUTH_OK);
}

static void test_clock_set_back_does_not_lock_forever(void **state)
{
    struct fixture *f = *state;
    int64_t retry = 0;
    assert_int_equal(staffauth_set(f->st, "555713"), 0);
    for (int i = 0; i < 3; i++)
        try_pin(f, "4444", T0, &retry);
    /* The clock jumps back a year: the lock is capped at 5 min from the new "now". */
    int64_t back = T0 - 365LL * 24 * 3600 * SEC;
    assert_int_equal(try_pin(f, "555713", back, &retry), STAFFAUTH_LOCKED);
    assert_int_equal(retry, back + 5 * 60 * SEC);
    assert_int_equal(try_pin(f, "555713", back + 5 * 60 * SEC, &retry), STAFFAUTH_OK);
}

/* A passer-by presses one wrong PIN every 15 minutes all day: staff arriving at any
 * moment wait at most 5 minutes, and the right PIN then opens. */
static void test_passer_by_cannot_lock_staff_out(void **state)
{
    struct fixture *f = *state;
    int64_t retry = 0, now = T0;
    assert_int_equal(staffauth_set(f->st, "246813"), 0);
    for (int i = 0; i < 6; i++, now += 15 * 60 * SEC) {
        enum staffauth_result r = try_pin(f, "000000", now, &retry);
        assert_true(r == STAFFAUTH_WRONG || r == STAFFAUTH_LOCKED);
        assert_true(retry <= now + 5 * 60 * SEC);
    }
    /* Staff come 1 minute after the latest wrong PIN: locked, but for 4 minutes more. */
    now -= 15 * 60 * SEC;
    assert_int_equal(try_pin(f, "246813", now + 60 * SEC, &retry), STAFFAUTH_LOCKED);
    assert_true(retry <= now + 5 * 60 * SEC);
    assert_int_equal(try_pin(f, "246813", retry, &retry), STAFFAUTH_OK);
}

/* After a long quiet spell the count starts again: the next wrong PIN locks nothing. */
static void test_failures_forgotten_after_quiet(void **state)
{
    struct fixture *f = *state;
    int64_t retry = 0;
    assert_int_equal(staffauth_set(f->st, "246813"), 0);
    for (int i = 0; i < 6; i++)
        try_pin(f, "000000", T0 + i * 10 * 60 * SEC, &retry);
    int64_t later = retry + STAFFAUTH_FORGET_MS;
    assert_int_equal(try_pin(f, "000000", later, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
}

/* kioskctl unlock clears the lock and the count at once. */
static void test_unlock(void **state)
{
    struct fixture *f = *state;
    int64_t retry = 0;
    assert_int_equal(staffauth_set(f->st, "246813"), 0);
    for (int i = 0; i < 5; i++)
        try_pin(f, "000000", T0, &retry);
    assert_int_equal(try_pin(f, "246813", T0 + SEC, &retry), STAFFAUTH_LOCKED);
    char *argv[] = {"unlock", NULL};
    assert_int_equal(staffauth_cmd_unlock(f->st, NULL, 1, argv), 0);
    assert_int_equal(try_pin(f, "000000", T0 + 2 * SEC, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    assert_int_equal(try_pin(f, "246813", T0 + 3 * SEC, &retry), STAFFAUTH_OK);
    char *bad[] = {"unlock", "now", NULL};
    assert_int_equal(staffauth_cmd_unlock(f->st, NULL, 2, bad), 2);
}

/* set-pin reads standard input (a pipe here, so one line, no confirmation). */
static int run_set_pin(struct fixture *f, const char *input)
{
    char path[] = "/tmp/test_staffauth_in_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, input, strlen(input)), (ssize_t)strlen(input));
    lseek(fd, 0, SEEK_SET);
    int saved = dup(STDIN_FILENO);
    dup2(fd, STDIN_FILENO);
    close(fd);
    unlink(path);
    clearerr(stdin);
    char *argv[] = {"set-pin", NULL};
    int rc = staffauth_cmd_set_pin(f->st, NULL, 1, argv);
    dup2(saved, STDIN_FILENO);
    close(saved);
    clearerr(stdin);
    return rc;
}

static void test_cmd_set_pin(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run_set_pin(f, "12ab\n"), 2);
    assert_int_equal(staffauth_is_set(f->st), 0);
    assert_int_equal(run_set_pin(f, ""), 2);
    assert_int_equal(run_set_pin(f, "123\n"), 2);
    assert_int_equal(run_set_pin(f, "1234\n"), 2);
    assert_int_equal(run_set_pin(f, "123456\n"), 2);
    assert_int_equal(staffauth_is_set(f->st), 0);
    assert_int_equal(run_set_pin(f, "902107\r\n"), 0);
    assert_int_equal(staffauth_try(f->st, "902107", T0, NULL), STAFFAUTH_OK);
    assert_int_equal(run_set_pin(f, "432176"), 0); /* no final newline */
    assert_int_equal(staffauth_try(f->st, "432176", T0, NULL), STAFFAUTH_OK);
    char *argv[] = {"set-pin", "1234", NULL};
    assert_int_equal(staffauth_cmd_set_pin(f->st, NULL, 2, argv), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_not_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_and_try, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_pins_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_grows_and_refuses_correct_pin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lock_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_set_back_does_not_lock_forever, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cmd_set_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trivial_pins_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passer_by_cannot_lock_staff_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_forgotten_after_quiet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlock, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
