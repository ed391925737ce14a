/* kill_driver — makes check-ins and registrations through the kiosk's own application
 * code (app/checkin.h, app/registration.h, the store opened as the kiosk opens it) for
 * tests/shell/test_kill.sh, which kills it with SIGKILL at random moments.
 *
 *   kill_driver init DATADIR           a new data directory with the demo content, as
 *                                      the kiosk's first start makes it
 *   kill_driver run DATADIR RUN [RETRY_RUN RETRY_I]
 *                                      operations RUN/0, RUN/1, … until killed (at most
 *                                      KILL_DRIVER_MAX, default 900, then a clean exit);
 *                                      first, with RETRY_*, the operation a killed run
 *                                      was making, submitted again as a person would
 *
 * Operation RUN/I is a registration when I % 5 == 4, else a check-in; its certificate
 * number (and a registration's ID number) follow from RUN and I alone, so a repeated
 * operation is the same person again.  Lines on stdout, each flushed at once:
 *   ready                              the store is open (the kiosk's start check passed)
 *   try RUN I KIND CERT                about to submit
 *   ack KIND UUID CERT                 the API returned success: the record is committed
 *   held KIND UUID CERT                a repeated operation found its first one
 * Exit status 0 after KILL_DRIVER_MAX operations; 1 when the API refused or failed one
 * (a line on stderr says which); 3 when the store cannot be opened or is out of service.
 * Run from the repository root (kiosk-config/kiosk.ini, assets/demo). */
#include "app/checkin.h"
#include "app/registration.h"
#include "app/validate.h"
#include "content/import.h"
#include "core/config.h"
#include "core/util.h"
#include "store/rescue.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct config cfg;

/* Opens DIR as the kiosk does at start (the check, the set-aside rule). */
static struct store *open_store(const char *dir)
{
    struct store *st = NULL;
    struct store_incident inc;
    char err[1024];
    int rc = store_open_or_set_aside(dir, cfg.kiosk_id, now_ms(), &st, &inc, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kill_driver: %s\n", err);
        exit(3);
    }
    if (rc > 0) {
        char text[4096];
        store_incident_explain(&inc, text, sizeof text);
        fprintf(stderr, "kill_driver: out of service: %s\n", text);
        exit(3);
    }
    store_set_min_free(st, (int64_t)cfg.store_min_free_mb << 20);
    return st;
}

static void cert_of(long run, long i, char out[VALIDATE_CERT_SIZE])
{
    snprintf(out, VALIDATE_CERT_SIZE, "KT-%04ld-%04ld", run, i);
}

/* A valid ID number for RUN/I: Beijing Dongcheng, born RUN days after 1960-01-01, the
 * sequence I, and its check digit (GB 11643). */
static void id_of(long run, long i, char out[19])
{
    struct tm tm = {.tm_year = 60, .tm_mon = 0, .tm_mday = 1 + (int)run, .tm_hour = 12};
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    snprintf(out, 19, "110101%04d%02d%02d%03ld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             i % 1000);
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int k = 0; k < 17; k++)
        sum += (out[k] - '0') * w[k];
    out[17] = "10X98765432"[sum % 11];
    out[18] = 0;
}

static int checkin_op(struct checkin *ck, const char *cert, int retry)
{
    struct checkin_result r;
    int64_t now = now_ms();
    if (checkin_submit(ck, cert, CHECKIN_SCAN, now, &r) < 0) {
        fprintf(stderr, "kill_driver: check-in %s failed\n", cert);
        return -1;
    }
    if (r.status == CHECKIN_CHOOSE) {
        /* Several activities open: the person picks the first. */
        struct checkin_activity acts[CHECKIN_MAX_OPEN];
        int n = checkin_open_activities(ck, now, acts, CHECKIN_MAX_OPEN);
        if (n <= 0 || checkin_record(ck, r.certificate_no, &acts[0], CHECKIN_SCAN, now, &r) < 0) {
            fprintf(stderr, "kill_driver: check-in %s to a chosen activity failed\n", cert);
            return -1;
        }
    }
    if (r.status == CHECKIN_DONE) {
        printf("ack checkin %s %s\n", r.uuid, r.certificate_no);
    } else if (r.status == CHECKIN_ALREADY && retry && !r.elsewhere) {
        printf("held checkin %s %s\n", r.uuid, r.certificate_no);
    } else {
        fprintf(stderr, "kill_driver: check-in %s: status %d (repeat %d)\n", cert, (int)r.status,
                r.repeat);
        return -1;
    }
    fflush(stdout);
    return 0;
}

static int registration_op(struct store *st, struct reg_place *place, long run, long i,
                           const char *cert, int retry)
{
    char raw[19];
    id_of(run, i, raw);
    struct idcard_info id;
    struct tm tm;
    time_t t = time(NULL);
    localtime_r(&t, &tm);
    int today = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
    if (validate_idcard(raw, today, &id) != VALIDATE_OK) {
        fprintf(stderr, "kill_driver: %s is not a valid ID number\n", raw);
        return -1;
    }
    /* The registration screen's order: is the person known, then the record. */
    struct reg_known known;
    if (registration_known(st, &cfg, id.number, cert, &known) < 0) {
        fprintf(stderr, "kill_driver: registration look-up failed\n");
        return -1;
    }
    if (known.where != REG_NEW) {
        if (!retry || known.where != REG_HERE) {
            fprintf(stderr, "kill_driver: %s is registered already (where %d)\n", cert,
                    (int)known.where);
            return -1;
        }
        /* Its first attempt was committed: find that record. */
        sqlite3_stmt *q = store_prepare(st, "SELECT uuid FROM records WHERE kind = 'registration'"
                                            " AND json_extract(fields, '$.certificate_no') = ?1");
        if (!q)
            return -1;
        sqlite3_bind_text(q, 1, cert, -1, SQLITE_STATIC);
        int ok = sqlite3_step(q) == SQLITE_ROW;
        if (ok)
            printf("held registration %s %s\n", (const char *)sqlite3_column_text(q, 0), cert);
        sqlite3_finalize(q);
        fflush(stdout);
        return ok ? 0 : -1;
    }
    char birth[16], name[32];
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", id.birth_year, id.birth_month, id.birth_day);
    snprintf(name, sizeof name, "测试%ld号", i);
    struct registration r = {
        .name = name,
        .sex = id.sex == VALIDATE_SEX_MALE ? "男" : "女",
        .id_number = id.number,
        .birth_date = birth,
        .phone = "13812345678",
        .certificate_no = cert,
        .origin_org = "中共某村支部委员会",
        .hukou = "北京市",
        .employer = "",
        .joined_party = "2010-07",
        .place = place,
        .is_update = 0,
    };
    char uuid[37];
    if (registration_submit(st, &r, now_ms(), uuid) < 0) {
        fprintf(stderr, "kill_driver: registration %s failed\n", cert);
        return -1;
    }
    printf("ack registration %s %s\n", uuid, cert);
    fflush(stdout);
    return 0;
}

static int op(struct store *st, struct checkin *ck, struct reg_place *place, long run, long i,
              int retry)
{
    char cert[VALIDATE_CERT_SIZE];
    cert_of(run, i, cert);
    int reg = i % 5 == 4;
    printf("try %ld %ld %s %s\n", run, i, reg ? "registration" : "checkin", cert);
    fflush(stdout);
    return reg ? registration_op(st, place, run, i, cert, retry) : checkin_op(ck, cert, retry);
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "init") && strcmp(argv[1], "run")) ||
        (!strcmp(argv[1], "run") && argc != 4 && argc != 6)) {
        fprintf(stderr, "usage: kill_driver init DATADIR | run DATADIR RUN [RETRY_RUN RETRY_I]\n");
        return 2;
    }
    char err[1024];
    if (config_load("kiosk-config/kiosk.ini", &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    util_strlcpy(cfg.data_dir, argv[2], sizeof cfg.data_dir);
    config_set_timezone(&cfg);
    cfg.checkin_double_read_ms = 0;
    if (!strcmp(argv[1], "init")) {
        if (util_mkdirs(argv[2], 0700) < 0) {
            fprintf(stderr, "kill_driver: cannot make %s\n", argv[2]);
            return 3;
        }
        struct store *st = open_store(argv[2]);
        int rc = import_demo(st, "assets/demo", now_ms(), err, sizeof err) < 0;
        if (rc)
            fprintf(stderr, "kill_driver: demo content: %s\n", err);
        store_close(st);
        return rc ? 3 : 0;
    }
    long run = atol(argv[3]);
    const char *max_env = getenv("KILL_DRIVER_MAX");
    long max = max_env && *max_env ? atol(max_env) : 900;
    if (max > 999)
        max = 999; /* I is the ID number's three-digit sequence */
    struct store *st = open_store(argv[2]);
    store_event(st, now_ms(), "start", "kill_driver");
    struct checkin *ck = checkin_create(st, &cfg);
    struct reg_place place;
    if (!ck || registration_place(st, "C01", &place) != 0) {
        fprintf(stderr, "kill_driver: the check-in code or place C01 is missing\n");
        return 3;
    }
    printf("ready\n");
    fflush(stdout);
    int bad = 0;
    if (argc == 6)
        bad = op(st, ck, &place, atol(argv[4]), atol(argv[5]), 1) < 0;
    for (long i = 0; !bad && i < max; i++)
        bad = op(st, ck, &place, run, i, 0) < 0;
    checkin_destroy(ck);
    store_close(st);
    return bad;
}
