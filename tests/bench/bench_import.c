/* bench_import — a large content import for `make bench`: kioskctl import of a 40,000-row
 * jobs file on a worker thread with its own store connection (as staff run it beside the
 * running kiosk), while the main thread checks people in through the real check-in code,
 * one every CHECKIN_EVERY_MS.  The import reads and checks the file into its staging
 * table without the database's write lock and takes it only for the swap, so a check-in
 * waits at most that long.
 *
 * Prints "name: value" lines (wall-clock, nothing asserted):
 *   import_rows, import_ms                   rows imported and the import's time
 *   checkin_during_import                    check-ins made while it ran
 *   import_checkin_wait_max_ms, import_checkin_wait_median_ms
 *                                            one check-in (look-ups + durable insert);
 *                                            the longest is what a person waits at worst
 * Exits 1 when the import failed or a check-in was not recorded.
 *
 *   bench_import DATADIR [ROWS] */
#include "content/import.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include "checkin_load.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CHECKIN_EVERY_MS 10

struct job {
    char dir[1024], csv[1100];
    int done, rows;
    double ms;
    char err[1024];
};

static void *import_thread(void *arg)
{
    struct job *j = arg;
    struct store *st;
    if (store_open(j->dir, "LD-BENCH-01", &st, j->err, sizeof j->err) < 0) {
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

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_import DATADIR [ROWS]\n");
        return 2;
    }
    int rows = argc == 3 ? atoi(argv[2]) : 40000;
    setenv("TZ", "CST-8", 1);
    tzset();
    static struct job j;
    util_strlcpy(j.dir, argv[1], sizeof j.dir);
    mkdir(j.dir, 0700);
    snprintf(j.csv, sizeof j.csv, "%s/jobs-large.csv", j.dir);
    FILE *f = fopen(j.csv, "w");
    if (!f)
        return 1;
    fputs("id,title,employer,area,category,salary_min,salary_max,headcount,requirements,contact\n",
          f);
    for (int i = 0; i < rows; i++)
        fprintf(f, "J%06d,岗位%d,丽水市某某有限公司%d,莲都区,制造业,%d,%d,%d,"
                   "\"吃苦耐劳，服从安排，有相关工作经验者优先，持证上岗\",0578-%07d\n",
                i, i, i % 300, 3000 + i % 2000, 6000 + i % 3000, 1 + i % 20, i);
    fclose(f);

    struct store *st;
    char err[512];
    if (store_open(j.dir, "LD-BENCH-01", &st, err, sizeof err) < 0) {
        fprintf(stderr, "bench_import: %s\n", err);
        return 1;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, import_thread, &j) != 0)
        return 1;
    struct checkin_load load;
    int lrc = checkin_load_run(st, CHECKIN_EVERY_MS, &j.done, &load);
    pthread_join(t, NULL);
    store_close(st);
    if (lrc < 0)
        return 1;
    if (j.rows < 0) {
        fprintf(stderr, "bench_import: the import failed: %s\n", j.err);
        return 1;
    }
    printf("import_rows: %d\nimport_ms: %.1f\ncheckin_during_import: %zu\n", j.rows, j.ms,
           load.n);
    if (load.n)
        printf("import_checkin_wait_max_ms: %.1f\nimport_checkin_wait_median_ms: %.1f\n",
               load.max, load.median);
    return load.bad;
}
