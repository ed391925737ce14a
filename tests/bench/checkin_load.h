/* checkin_load.h — what the benchmarks that measure check-ins beside other work share:
 * people checked in through the real check-in code (look-ups and the durable insert), one
 * every every_ms, until *done turns non-zero, and the waits they had.  Header-only: each
 * benchmark is one .c file. */
#ifndef KIOSK_CHECKIN_LOAD_H
#define KIOSK_CHECKIN_LOAD_H

#include "app/checkin.h"
#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double load_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int64_t load_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int load_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct checkin_load {
    size_t n;           /* check-ins made */
    double max, median; /* their waits, ms */
    int bad;            /* one was not recorded */
};

/* Checks people in on st (each a new certificate number, a day apart so that none is
 * the same person's second visit) until *done.  Returns 0, or -1 when the check-in
 * context cannot be made. */
static int checkin_load_run(struct store *st, int every_ms, const int *done,
                            struct checkin_load *out)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.checkin_double_read_ms = 0;
    struct checkin *ck = checkin_create(st, &cfg);
    if (!ck)
        return -1;
    size_t cap = 4096, n = 0;
    double *waits = malloc(cap * sizeof *waits);
    if (!waits)
        abort();
    out->bad = 0;
    while (!__atomic_load_n(done, __ATOMIC_ACQUIRE)) {
        char cert[32];
        snprintf(cert, sizeof cert, "LD-2026-%05zu", n % 100000);
        struct checkin_result r;
        double t0 = load_mono_ms();
        checkin_submit(ck, cert, CHECKIN_SCAN, load_wall_ms() + (int64_t)n * 86400000LL, &r);
        double w = load_mono_ms() - t0;
        if (r.status != CHECKIN_DONE)
            out->bad = 1;
        if (n == cap) {
            cap *= 2;
            waits = realloc(waits, cap * sizeof *waits);
            if (!waits)
                abort();
        }
        waits[n++] = w;
        if (w < every_ms) {
            struct timespec ts = {0, (long)((every_ms - w) * 1e6)};
            nanosleep(&ts, NULL);
        }
    }
    checkin_destroy(ck);
    qsort(waits, n, sizeof *waits, load_cmp);
    out->n = n;
    out->max = n ? waits[n - 1] : 0;
    out->median = n ? waits[n / 2] : 0;
    free(waits);
    return 0;
}

#endif
