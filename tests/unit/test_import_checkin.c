/* A long content import beside check-ins: `kioskctl import` of a large jobs file (a
 * thread with its own store connection, as staff run it beside the running kiosk) while
 * the check-in code records a person every 10 ms on the kiosk's connection.  Every
 * check-in is recorded, and none waits for the import: it reads and checks the file into
 * its staging table without the write lock and takes the lock only for the swap.  (A
 * 7.5 s import once made a check-in wait 5 s and fail.)  `make bench` prints the same
 * figures for 40,000 rows (tests/bench/bench_import.c). */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/import.h"
#include "core/util.h"
#include "store/store.h"

#include "../bench/checkin_load.h"

#define STORE_FIXTURE_KIOSK "test-kiosk"
#include "store_fixture.h"

#define ROWS 20000

struct job {
    const char *dir;
    char csv[128], err[1024];
    int done, rows;
    double ms;
};

static void *import_thread(void *arg)
{
    struct job *j = arg;
    struct store *st;
    if (store_open(j->dir, STORE_FIXTURE_KIOSK, &st, j->err, sizeof j->err) < 0) {
        j->rows = -1;
    } else {
        double t0 = load_mono_ms();
        j->rows = import_file(st, "jobs", j->csv, j->err, sizeof j->err);
        j->ms = load_mono_ms() - t0;
        store_close(st);
    }
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_checkins_during_a_long_import(void **state)
{
    struct fixture *f = *state;
    static struct job j;
    j.dir = f->dir;
    snprintf(j.csv, sizeof j.csv, "%s/jobs-large.csv", f->dir);
    FILE *csv = fopen(j.csv, "w");
    assert_non_null(csv);
    fputs("id,title,employer,area,category,salary_min,salary_max,headcount,requirements,contact\n",
          csv);
    for (int i = 0; i < ROWS; i++)
        fprintf(csv, "J%06d,岗位%d,丽水市某某有限公司%d,莲都区,制造业,%d,%d,%d,"
                     "\"吃苦耐劳，服从安排，有相关工作经验者优先，持证上岗\",0578-%07d\n",
                i, i, i % 300, 3000 + i % 2000, 6000 + i % 3000, 1 + i % 20, i);
    assert_int_equal(fclose(csv), 0);

    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, import_thread, &j), 0);
    struct checkin_load load;
    int lrc = checkin_load_run(f->st, 10, &j.done, &load);
    pthread_join(t, NULL);
    assert_int_equal(lrc, 0);
    if (j.rows != ROWS)
        fail_msg("the import failed: %s", j.err);
    printf("import of %d rows: %.0f ms; %zu check-ins meanwhile, longest wait %.0f ms,"
           " median %.1f ms\n", j.rows, j.ms, load.n, load.max, load.median);
    /* Every check-in recorded (none gave up waiting for the lock) … */
    assert_int_equal(load.bad, 0);
    assert_true(load.n >= 10);
    assert_int_equal(store_count(f->st, "records"), (int)load.n);
    /* … and none waited anything like the import: the lock is held for the swap only. */
    if (load.max >= j.ms / 2)
        fail_msg("a check-in waited %.0f ms during an import of %.0f ms", load.max, j.ms);
    assert_int_equal(store_count(f->st, "jobs"), ROWS);
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkins_during_a_long_import, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
