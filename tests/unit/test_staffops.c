/* Tests for app/staffops: today's figures by kind and by activity and what waits, today's
 * receipts, the export drives from KIOSK_EXPORT_DRIVES, the PIN check's event log, the
 * upload scheduler's back-off against a server that refuses connections, and the test
 * page and reprint through a real printer back-end (file:) inside a real struct app.
 * Time is passed in; the scheduler waits for its worker (wait_jobs) as script mode does. */
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
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/receipts.h"
#include "app/staffops.h"
#include "core/config.h"
#include "core/util.h"
#include "receipt/printer.h"
#include "receipt/sign.h"
#include "store/store.h"
#include "ui/text.h"
#include "ui/ui.h"

#define T0 1764552600000LL /* 2025-12-01 09:30 +08:00 */
#define DAY (24 * 3600 * 1000LL)

struct fixture {
    char dir[64];
    struct store *st;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/test_staffops_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char err[256];
    assert_int_equal(store_open(f->dir, "LD-T-01", &f->st, err, sizeof err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->st);
    chmod(f->dir, 0700);
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void add(struct store *st, const char *kind, const char *fields, int64_t at, char uuid[37])
{
    char u[37];
    assert_int_equal(store_record_add(st, kind, fields, at, uuid ? uuid : u), 0);
}

static int events(struct store *st, const char *kind)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM events WHERE kind = ?");
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}

#define CHECKIN(id, title) "{\"certificate_no\":\"X\",\"activity_id\":\"" id "\",\"activity_title\":\"" title "\"}"
#define VISIT "{\"certificate_no\":\"X\",\"activity_id\":null,\"activity_title\":\"日常到访\"}"

static void test_figures(void **state)
{
    struct fixture *f = *state;
    struct staffops_figures fig;
    assert_int_equal(staffops_figures(f->st, T0, &fig), 0);
    assert_string_equal(fig.date, "2025-12-01");
    assert_int_equal(fig.total, 0);
    assert_int_equal(fig.nact, 0);

    add(f->st, "registration", "{\"name\":\"张三\"}", T0, NULL);
    add(f->st, "checkin", CHECKIN("A1", "甲活动"), T0 + 1000, NULL);
    add(f->st, "checkin", CHECKIN("A1", "甲活动"), T0 + 2000, NULL);
    add(f->st, "checkin", CHECKIN("A2", "乙活动"), T0 + 3000, NULL);
    add(f->st, "checkin", VISIT, T0 + 4000, NULL);
    add(f->st, "job_interest", "{\"job_id\":\"J1\"}", T0 + 5000, NULL);
    add(f->st, "checkin", CHECKIN("A9", "昨天的活动"), T0 - DAY, NULL);

    assert_int_equal(staffops_figures(f->st, T0 + 6000, &fig), 0);
    assert_int_equal(fig.total, 6);
    assert_string_equal(staffops_kind(0), "registration");
    assert_int_equal(fig.by_kind[0], 1);
    assert_int_equal(fig.by_kind[1], 4);
    assert_int_equal(fig.by_kind[2], 1);
    assert_int_equal(fig.by_kind[5], 0);
    assert_int_equal(fig.visits, 1);
    assert_int_equal(fig.nact, 2);
    assert_string_equal(fig.act[0].title, "甲活动"); /* most check-ins first */
    assert_int_equal(fig.act[0].count, 2);
    assert_string_equal(fig.act[1].title, "乙活动");
    assert_int_equal(fig.more_act, 0);
    /* What waits counts every day, yesterday's check-in too. */
    assert_int_equal(fig.not_collected, 7);
    assert_int_equal(fig.not_uploaded, 7);
    assert_int_equal(store_exec(f->st, "UPDATE records SET collected_at = 'x' WHERE seq <= 3;"
                                       "UPDATE records SET uploaded_at = 'y' WHERE seq = 7"),
                     0);
    assert_int_equal(staffops_figures(f->st, T0 + 6000, &fig), 0);
    assert_int_equal(fig.not_collected, 4);
    assert_int_equal(fig.not_uploaded, 6);
    /* The next day starts from nothing. */
    assert_int_equal(staffops_figures(f->st, T0 + DAY, &fig), 0);
    assert_int_equal(fig.total, 0);
    assert_int_equal(fig.not_collected, 4);
}

static void test_figures_many_activities(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < STAFFOPS_MAX_ACTIVITIES + 2; i++) {
        char fields[128];
        snprintf(fields, sizeof fields,
                 "{\"certificate_no\":\"X\",\"activity_id\":\"A%d\",\"activity_title\":\"活动%d\"}", i,
                 i);
        add(f->st, "checkin", fields, T0 + i, NULL);
    }
    struct staffops_figures fig;
    assert_int_equal(staffops_figures(f->st, T0 + 100, &fig), 0);
    assert_int_equal(fig.nact, STAFFOPS_MAX_ACTIVITIES);
    assert_int_equal(fig.more_act, 2);
    assert_int_equal(fig.by_kind[1], STAFFOPS_MAX_ACTIVITIES + 2);
}

static void test_receipts(void **state)
{
    struct fixture *f = *state;
    char u1[37], u2[37], u3[37], u4[37];
    add(f->st, "checkin", VISIT, T0 - DAY, u1);
    add(f->st, "checkin", VISIT, T0, u2);
    add(f->st, "registration", "{}", T0 + 60 * 1000, u3);
    add(f->st, "checkin", VISIT, T0 + 120 * 1000, u4); /* no receipt */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO receipts(record_uuid, receipt_no, print_state) VALUES"
             " ('%s', 'AAAA-AAAA', 'printed'), ('%s', 'BBBB-BBBB', 'failed'),"
             " ('%s', 'CCCC-CCCC', 'none')",
             u1, u2, u3);
    assert_int_equal(store_exec(f->st, sql), 0);
    struct staffops_receipt r[8];
    int n = staffops_receipts(f->st, T0 + 200 * 1000, r, 8);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].receipt_no, "CCCC-CCCC"); /* newest first */
    assert_string_equal(r[0].kind, "registration");
    assert_string_equal(r[0].time, "09:31");
    assert_string_equal(r[0].uuid, u3);
    assert_string_equal(r[0].state, "none");
    assert_string_equal(r[1].receipt_no, "BBBB-BBBB");
    assert_string_equal(r[1].time, "09:30");
    assert_string_equal(r[1].state, "failed");
    assert_int_equal(staffops_receipts(f->st, T0, r, 1), 1);
}

static void test_drives(void **state)
{
    struct fixture *f = *state;
    char usb[128], ro[128], file[128], env[1024];
    snprintf(usb, sizeof usb, "%s/KINGSTON", f->dir);
    snprintf(ro, sizeof ro, "%s/LOCKED", f->dir);
    snprintf(file, sizeof file, "%s/afile", f->dir);
    assert_int_equal(mkdir(usb, 0700), 0);
    assert_int_equal(mkdir(ro, 0500), 0);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    snprintf(env, sizeof env, "%s:%s/missing:%s:%s:%s:", usb, f->dir, file, f->dir, ro);
    setenv(STAFFOPS_EXPORT_ENV, env, 1);
    struct staffops_drive d[STAFFOPS_MAX_DRIVES];
    int n = staffops_drives(d, STAFFOPS_MAX_DRIVES);
    /* The drive and the data directory itself are writable directories; a missing path
     * and a plain file never are; a read-only folder is, for root only. */
    assert_int_equal(n, geteuid() == 0 ? 3 : 2);
    assert_string_equal(d[0].path, usb);
    assert_string_equal(d[0].name, "KINGSTON");
    assert_true(d[0].free_bytes > 0);
    assert_string_equal(d[1].path, f->dir);
    assert_int_equal(staffops_drives(d, 1), 1);
    setenv(STAFFOPS_EXPORT_ENV, "", 1);
    assert_int_equal(staffops_drives(d, STAFFOPS_MAX_DRIVES), 0);
    unsetenv(STAFFOPS_EXPORT_ENV);
    chmod(ro, 0700);
}

static void test_pin(void **state)
{
    struct fixture *f = *state;
    int64_t retry = -1;
    assert_int_equal(staffops_try_pin(f->st, "246813", T0, &retry), STAFFAUTH_NOT_SET);
    assert_int_equal(staffops_pin_locked_until(f->st, T0), 0);
    assert_int_equal(staffauth_set(f->st, "246813"), 0);
    assert_int_equal(staffops_try_pin(f->st, "1111", T0, &retry), STAFFAUTH_WRONG);
    assert_int_equal(retry, 0);
    assert_int_equal(events(f->st, "staff_pin_wrong"), 1);
    assert_int_equal(staffops_try_pin(f->st, "246813", T0 + 1000, NULL), STAFFAUTH_OK);
    assert_int_equal(events(f->st, "staff_login"), 1);
    for (int i = 0; i < 3; i++)
        staffops_try_pin(f->st, "0000", T0 + 2000, &retry);
    assert_int_equal(retry, T0 + 2000 + STAFFAUTH_LOCK_MIN_MS);
    /* The keypad can show the lock before anyone types. */
    assert_int_equal(staffops_pin_locked_until(f->st, T0 + 3000), retry);
    assert_int_equal(staffops_pin_locked_until(f->st, retry), 0);
    assert_int_equal(staffops_try_pin(f->st, "246813", T0 + 3000, &retry), STAFFAUTH_LOCKED);
    assert_int_equal(events(f->st, "staff_pin_locked"), 1);
    /* A clock set back far does not lock staff out for longer than the longest lock. */
    assert_int_equal(staffops_pin_locked_until(f->st, T0 - DAY), T0 - DAY + STAFFAUTH_LOCK_MAX_MS);
    /* No PIN in the event log. */
    sqlite3_stmt *s = store_prepare(f->st, "SELECT count(*) FROM events WHERE detail LIKE '%246813%'"
                                           " OR detail LIKE '%1111%' OR detail LIKE '%0000%'");
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 0);
    sqlite3_finalize(s);
}

static void upload_cfg(struct fixture *f, struct config *cfg, const char *conninfo, int interval)
{
    config_defaults(cfg);
    util_strlcpy(cfg->data_dir, f->dir, sizeof cfg->data_dir);
    util_strlcpy(cfg->kiosk_id, "LD-T-01", sizeof cfg->kiosk_id);
    util_strlcpy(cfg->upload_conninfo, conninfo, sizeof cfg->upload_conninfo);
    cfg->upload_interval_s = interval;
    cfg->upload_connect_timeout_s = 2;
    cfg->upload_heartbeat_s = 0; /* test_status_reports turns it on */
}

static void test_upload_backoff(void **state)
{
    struct fixture *f = *state;
    add(f->st, "checkin", VISIT, T0, NULL); /* something to send */
    struct config cfg;
    /* Nothing listens on port 1: every attempt fails at connect. */
    upload_cfg(f, &cfg, "host=127.0.0.1 port=1", 600);
    struct staffops_upload *u = staffops_upload_create(&cfg, T0, 1);
    struct staffops_upload_status us;
    staffops_upload_status(u, &us);
    assert_true(us.configured && us.periodic && !us.running && !us.have_result);
    /* The first periodic try comes a little after start, not at once. */
    int64_t t = staffops_upload_deadline(u);
    assert_int_equal(t, T0 + STAFFOPS_FIRST_UPLOAD_MS);
    staffops_upload_tick(u, f->st, T0 + 1000);
    staffops_upload_status(u, &us);
    assert_false(us.running);

    int64_t want_delay = UPLOAD_BACKOFF_MIN_MS;
    for (int attempt = 1; attempt <= 3; attempt++, want_delay *= 2) {
        staffops_upload_tick(u, f->st, t);
        staffops_upload_status(u, &us);
        assert_true(us.running);
        char err[256];
        assert_int_equal(staffops_upload_start(u, t, err, sizeof err), 1); /* one at a time */
        int64_t poll = staffops_upload_deadline(u);
        assert_int_equal(poll, t + STAFFOPS_POLL_MS);
        staffops_upload_tick(u, f->st, poll);
        staffops_upload_status(u, &us);
        assert_false(us.running);
        assert_true(us.have_result);
        assert_int_equal(us.rc, -1);
        assert_int_equal(us.res.status, UPLOAD_CONNECT_FAILED);
        assert_int_equal(us.failures, attempt);
        assert_int_equal(us.finished_ms, poll);
        assert_int_equal(us.next_ms, poll + want_delay);
        assert_int_equal(staffops_upload_deadline(u), poll + want_delay);
        assert_int_equal(events(f->st, "upload_attempt"), attempt);
        t = poll + want_delay;
    }
    staffops_upload_destroy(u);

    /* On demand only (interval 0): no deadline of its own, but 立即同步 works. */
    upload_cfg(f, &cfg, "host=127.0.0.1 port=1", 0);
    u = staffops_upload_create(&cfg, T0, 1);
    assert_int_equal(staffops_upload_deadline(u), INT64_MAX);
    char err[256];
    assert_int_equal(staffops_upload_start(u, T0, err, sizeof err), 0);
    staffops_upload_tick(u, f->st, staffops_upload_deadline(u));
    staffops_upload_status(u, &us);
    assert_true(us.have_result && us.rc == -1 && !us.periodic);
    assert_int_equal(us.next_ms, INT64_MAX);
    assert_int_equal(staffops_upload_deadline(u), INT64_MAX);
    staffops_upload_destroy(u);

    /* Not configured: nothing ever starts, and 立即同步 says why. */
    upload_cfg(f, &cfg, "", 600);
    u = staffops_upload_create(&cfg, T0, 1);
    assert_int_equal(staffops_upload_deadline(u), INT64_MAX);
    assert_int_equal(staffops_upload_start(u, T0, err, sizeof err), -1);
    assert_true(err[0] != 0);
    staffops_upload_status(u, &us);
    assert_false(us.configured);
    staffops_upload_destroy(u);
    staffops_upload_destroy(NULL);
}

/* The status report: every heartbeat_s a job with the report alone, also for a kiosk that
 * uploads on demand only; it is no upload the staff screen tells of, and its failure does
 * not back the uploads off. */
static void test_status_reports(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    upload_cfg(f, &cfg, "host=127.0.0.1 port=1", 0);
    cfg.upload_heartbeat_s = 300;
    struct staffops_upload *u = staffops_upload_create(&cfg, T0, 1);
    int64_t t = staffops_upload_deadline(u);
    assert_int_equal(t, T0 + STAFFOPS_FIRST_UPLOAD_MS);
    staffops_upload_tick(u, f->st, t);
    struct staffops_upload_status us;
    staffops_upload_status(u, &us);
    assert_false(us.running); /* a report is not an upload on the staff screen */
    int64_t poll = staffops_upload_deadline(u);
    assert_int_equal(poll, t + STAFFOPS_POLL_MS);
    staffops_upload_tick(u, f->st, poll);
    staffops_upload_status(u, &us);
    assert_false(us.have_result);
    assert_int_equal(us.failures, 0);
    assert_int_equal(events(f->st, "status_report_failed"), 1);
    assert_int_equal(events(f->st, "upload_attempt"), 0);
    /* The next report a heartbeat after the last one started. */
    assert_int_equal(staffops_upload_deadline(u), t + 300000);
    staffops_upload_tick(u, f->st, t + 299999);
    assert_int_equal(staffops_upload_deadline(u), t + 300000);
    /* 立即上传 reports too, and moves the next report on. */
    char err[256];
    assert_int_equal(staffops_upload_start(u, t + 200000, err, sizeof err), 0);
    staffops_upload_tick(u, f->st, staffops_upload_deadline(u));
    staffops_upload_status(u, &us);
    assert_true(us.have_result);
    assert_int_equal(staffops_upload_deadline(u), t + 200000 + 300000);
    staffops_upload_destroy(u);
}

/* ---- printing through a real app ------------------------------------------------------- */

struct app_fixture {
    SDL_Surface *surf;
    SDL_Renderer *ren;
    struct text_fonts *tf;
    struct ui *ui;
    struct i18n *cat;
    struct identity *key;
    struct printer *printer;
    struct app a;
};

static void app_up(struct fixture *f, struct app_fixture *af, const char *device)
{
    char err[256];
    memset(af, 0, sizeof *af);
    SDL_Init(SDL_INIT_EVENTS);
    af->surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    af->ren = SDL_CreateSoftwareRenderer(af->surf);
    af->tf = text_fonts_open(NULL, err, sizeof err);
    assert_non_null(af->tf);
    af->ui = ui_create(af->ren, af->tf, 1920, 1080);
    assert_non_null(af->ui);
    af->cat = i18n_load("assets/i18n", err, sizeof err);
    assert_non_null(af->cat);
    enum sign_identity_state ks;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &af->key, &ks, err, sizeof err), 0);
    struct config cfg;
    config_defaults(&cfg);
    util_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
    util_strlcpy(cfg.printer_device, device, sizeof cfg.printer_device);
    if (strcmp(device, "none") != 0)
        assert_int_equal(printer_open(device, 3000, NULL, NULL, &af->printer, err, sizeof err), 0);
    app_init(&af->a, &cfg, f->st, af->cat, af->ui, 1, T0);
    af->a.identity = af->key;
    af->a.printer = af->printer;
}

static void app_down(struct app_fixture *af)
{
    app_fini(&af->a);
    printer_close(af->printer);
    identity_free(af->key);
    i18n_free(af->cat);
    ui_destroy(af->ui);
    text_fonts_close(af->tf);
    SDL_DestroyRenderer(af->ren);
    SDL_FreeSurface(af->surf);
    SDL_Quit();
}

/* Waits (real time, bounded) until the printer's results are applied. */
static void settle(struct app *a)
{
    for (int i = 0; i < 1000 && (receipts_poll(a), receipts_in_flight(a) > 0); i++) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(receipts_in_flight(a), 0);
}

/* The file printer holds the last job only (each job truncates it). */
static char *job(const char *path, size_t *len)
{
    char *b = util_read_file(path, len);
    assert_non_null(b);
    return b;
}

static void test_print(void **state)
{
    struct fixture *f = *state;
    char out[128], device[160];
    snprintf(out, sizeof out, "%s/printer.bin", f->dir);
    snprintf(device, sizeof device, "file:%s", out);
    struct app_fixture af;
    app_up(f, &af, device);
    struct app *a = &af.a;

    /* The test page: an ESC/POS job (ESC @ first) in the "device"; no receipts row. */
    assert_int_equal(staffops_print_test(a), STAFFOPS_PRINT_QUEUED);
    settle(a);
    size_t test_len, len;
    char *test_page = job(out, &test_len);
    assert_true(test_len > 100);
    assert_int_equal((unsigned char)test_page[0], 0x1B);
    assert_int_equal((unsigned char)test_page[1], 0x40);
    assert_true(a->last_print_ms != 0);
    assert_int_equal(a->last_print.outcome, PRINTER_PRINTED);
    assert_int_equal(events(f->st, "staff_print_test"), 1);

    /* A reprint: the record's receipt goes to the printer again and ends printed. */
    char uuid[37];
    add(f->st, "checkin", VISIT, T0, uuid);
    assert_int_equal(staffops_reprint(a, uuid), STAFFOPS_PRINT_QUEUED);
    settle(a);
    char *receipt = job(out, &len);
    assert_true(len > 100 && (len != test_len || memcmp(receipt, test_page, len) != 0));
    free(test_page);
    char no[RECEIPT_NO_SIZE], st[16];
    assert_int_equal(receipt_get(f->st, uuid, no, st, sizeof st, NULL, 0), 0);
    assert_string_equal(st, "printed");
    struct staffops_receipt r[4];
    assert_int_equal(staffops_receipts(f->st, T0, r, 4), 1);
    assert_string_equal(r[0].receipt_no, no);
    /* No such record: said, nothing printed. */
    assert_int_equal(staffops_reprint(a, "00000000-0000-4000-8000-000000000000"),
                     STAFFOPS_PRINT_NO_RECEIPT);
    settle(a);
    char *after = job(out, &len);
    assert_memory_equal(after, receipt, len);
    free(after);
    free(receipt);
    /* A configured printer that did not start. */
    a->printer = NULL;
    assert_int_equal(staffops_print_test(a), STAFFOPS_PRINT_NOT_RUNNING);
    assert_int_equal(staffops_reprint(a, uuid), STAFFOPS_PRINT_NOT_RUNNING);
    a->printer = af.printer;
    app_down(&af);

    app_up(f, &af, "none");
    assert_int_equal(staffops_print_test(&af.a), STAFFOPS_PRINT_NO_PRINTER);
    assert_int_equal(staffops_reprint(&af.a, uuid), STAFFOPS_PRINT_NO_PRINTER);
    app_down(&af);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    unsetenv(STAFFOPS_EXPORT_ENV);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_figures_many_activities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receipts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drives, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
