/* bench_sync — the content pull for `make bench`: one kiosk pulls everything the centre
 * published (tests/shell/test_network.sh --bench publishes 10,000 jobs) on a worker
 * thread with its own store connection, as the kiosk's background sync does, while the
 * main thread checks people in through the real check-in code, one every
 * CHECKIN_EVERY_MS (a busy queue: a hall's scanner reads a certificate every few seconds).
 *
 * Prints "name: value" lines (wall-clock, nothing asserted):
 *   sync_rows, sync_ms                  rows applied and the pull's time
 *   checkin_during_sync                 check-ins made while the pull ran
 *   checkin_wait_max_ms, checkin_wait_median_ms   one check-in (look-ups + durable
 *                                       insert), the longest is what a person waits at
 *                                       worst while a page is being written
 * Exits 1 when the pull failed or a check-in was not recorded.
 *
 *   bench_sync DATADIR CONNINFO KIOSK_ID */
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "sync/pull.h"

#include "checkin_load.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECKIN_EVERY_MS 50

struct job {
    struct config cfg;
    int done;
    int rc;
    double ms;
    struct pull_result res;
    char err[512];
};

static void *pull_thread(void *arg)
{
    struct job *j = arg;
    struct store *st;
    char err[512];
    if (store_open(j->cfg.data_dir, j->cfg.kiosk_id, &st, err, sizeof err) < 0) {
        snprintf(j->err, sizeof j->err, "%s", err);
        j->rc = -1;
    } else {
        double t0 = load_mono_ms();
        j->rc = pull_content(st, &j->cfg, NULL, load_wall_ms(), &j->res, j->err, sizeof j->err);
        j->ms = load_mono_ms() - t0;
        store_close(st);
    }
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_sync DATADIR CONNINFO KIOSK_ID\n");
        return 2;
    }
    setenv("TZ", "CST-8", 1);
    tzset();
    static struct job j;
    config_defaults(&j.cfg);
    util_strlcpy(j.cfg.data_dir, argv[1], sizeof j.cfg.data_dir);
    util_strlcpy(j.cfg.upload_conninfo, argv[2], sizeof j.cfg.upload_conninfo);
    util_strlcpy(j.cfg.kiosk_id, argv[3], sizeof j.cfg.kiosk_id);
    j.cfg.checkin_double_read_ms = 0;

    struct store *st;
    char err[512];
    if (store_open(argv[1], argv[3], &st, err, sizeof err) < 0) {
        fprintf(stderr, "bench_sync: %s\n", err);
        return 1;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, pull_thread, &j) != 0)
        return 1;
    struct checkin_load load;
    int lrc = checkin_load_run(st, CHECKIN_EVERY_MS, &j.done, &load);
    pthread_join(t, NULL);
    store_close(st);
    if (lrc < 0)
        return 1;
    if (j.rc < 0) {
        fprintf(stderr, "bench_sync: the pull failed: %s\n", j.err);
        return 1;
    }
    printf("sync_rows: %ld\nsync_ms: %.1f\ncheckin_during_sync: %zu\n", j.res.rows, j.ms, load.n);
    if (load.n)
        printf("checkin_wait_max_ms: %.1f\ncheckin_wait_median_ms: %.1f\n", load.max,
               load.median);
    return load.bad;
}
