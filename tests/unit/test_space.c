/* Tests for store/space and the store's limit on free space: the reserve file is made
 * (really allocated), kept, released; a record is refused, with nothing written, while
 * the disk is below the limit, and taken again once the limit allows it. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/space.h"
#include "store/store.h"

#include "store_fixture.h"

#define T0 1764550800000LL
#define MB (1LL << 20)

static void test_free_space(void **state)
{
    struct fixture *f = *state;
    assert_true(space_free(f->dir) > 0);
    assert_int_equal(space_free("/nonexistent/dir"), -1);
}

static void test_reserve(void **state)
{
    struct fixture *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, SPACE_RESERVE_NAME);
    int64_t before = space_free(f->dir);
    assert_int_equal(space_reserve_keep(f->dir, 4 * MB, 0), 1);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 4 * MB);
    assert_true((int64_t)sb.st_blocks * 512 >= 4 * MB); /* allocated, not sparse */
    assert_true(space_free(f->dir) <= before - 3 * MB);
    /* Kept: a second call changes nothing. */
    assert_int_equal(space_reserve_keep(f->dir, 4 * MB, 0), 1);
    /* No room: not made when it would leave less than keep_free. */
    assert_true(space_reserve_release(f->dir) >= 4 * MB);
    assert_int_equal(stat(path, &sb), -1);
    assert_int_equal(space_reserve_keep(f->dir, 4 * MB, INT64_MAX / 2), 0);
    assert_int_equal(stat(path, &sb), -1);
    assert_int_equal(space_reserve_release(f->dir), 0);
}

static void test_records_refused_below_limit(void **state)
{
    struct fixture *f = *state;
    char uuid[37];
    assert_int_equal(store_record_add(f->st, "checkin", "{}", T0, uuid), 0);
    int64_t free;
    assert_false(store_space_low(f->st, &free));
    assert_true(free > 0);
    /* A limit above what is free: nothing is acknowledged, nothing written. */
    store_set_min_free(f->st, free + 1024 * MB);
    assert_true(store_space_low(f->st, NULL));
    assert_int_equal(store_record_add(f->st, "checkin", "{}", T0 + 1, uuid), -1);
    assert_string_equal(uuid, "");
    assert_int_equal(store_count(f->st, "records"), 1);
    /* Staff's writes still go through. */
    assert_int_equal(store_meta_set(f->st, "staff_pin_failures", "1"), 0);
    /* Space back (here: the limit lowered): taken again. */
    store_set_min_free(f->st, 0);
    assert_int_equal(store_record_add(f->st, "checkin", "{}", T0 + 2, uuid), 0);
    assert_int_equal(store_count(f->st, "records"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_free_space, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_refused_below_limit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
