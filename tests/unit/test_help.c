/* Tests for app/help (呼叫工作人员) and platform/chime: one request per screen and minute,
 * what a call records (the screen, nothing else), the open list oldest first and 已处理
 * as a mark that leaves the record as it was, notify_command started without a shell
 * with the screen and time appended, reaped without waiting, killed when it hangs and
 * logged when it fails; a call with no database still reaches staff; the status report's
 * count of open requests; the chime's tone,
 * and SDL audio with the dummy driver and with none. */
#define _GNU_SOURCE /* nftw, setenv */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_fixture.h"

#include "app/help.h"
#include "core/config.h"
#include "core/util.h"
#include "platform/chime.h"
#include "sync/heartbeat.h"

#define T0 1796088600000LL /* 2026-12-01 09:30 +08:00, the scenarios' day */

static struct config cfg_with(const char *command, int chime)
{
    struct config c;
    config_defaults(&c);
    c.staff_chime = chime;
    util_strlcpy(c.staff_notify_command, command, sizeof c.staff_notify_command);
    return c;
}

static int events_like(struct store *st, const char *kind, const char *detail_like)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM events WHERE kind = ?1"
                                        " AND detail LIKE ?2");
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, detail_like, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int requests(struct store *st)
{
    return (int)fixture_int(st, "SELECT count(*) FROM records WHERE kind = 'help_request'");
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Ticks (real time passing, the app's clock at now) until no child runs, at most 5 s. */
static void reap_all(struct help *h, struct store *st, int64_t now)
{
    for (int i = 0; i < 250 && help_children(h) > 0; i++) {
        sleep_ms(20);
        help_tick(h, st, now);
    }
    assert_int_equal(help_children(h), 0);
}

static void write_script(const char *path, const char *body)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0700), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_one_request_per_screen_and_minute(void **state)
{
    struct fixture *f = *state;
    struct config c = cfg_with("", 0);
    struct help *h = help_create(&c);
    struct help_call r;

    help_call(h, f->st, "home", T0, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_true(r.recorded);
    assert_int_equal(r.at_ms, T0);
    /* The double tap, and a press half a minute later: nothing new, the first time. */
    help_call(h, f->st, "home", T0 + 300, &r);
    assert_int_equal(r.outcome, HELP_ALREADY);
    assert_int_equal(r.at_ms, T0);
    help_call(h, f->st, "home", T0 + 59999, &r);
    assert_int_equal(r.outcome, HELP_ALREADY);
    assert_false(r.recorded);
    assert_int_equal(requests(f->st), 1);
    /* Another screen is heard at once; the same one again after the minute. */
    help_call(h, f->st, "register", T0 + 1000, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    help_call(h, f->st, "home", T0 + 60000, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_int_equal(r.at_ms, T0 + 60000);
    /* A clock set back is a new press, not a minute that never ends. */
    help_call(h, f->st, "register", T0 - 3600000, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_int_equal(requests(f->st), 4);
    /* What a request holds: the screen and nothing else. */
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM records WHERE kind = 'help_request'"
                                        " AND fields = '{\"screen\":\"home\"}'"),
                     2);
    assert_int_equal(events_like(f->st, "help_call", "home: record yes, chime off, notify off"), 2);
    help_destroy(h);
}

static void test_open_list_and_handled_mark(void **state)
{
    struct fixture *f = *state;
    struct config c = cfg_with("", 0);
    struct help *h = help_create(&c);
    struct help_call r;
    help_call(h, f->st, "jobs", T0, &r);
    help_call(h, f->st, "register", T0 + 120000, &r);
    help_call(h, f->st, "checkin", T0 + 240000, &r);
    char other[37];
    assert_int_equal(store_record_add(f->st, "consultation", "{\"topic\":\"x\"}", T0, other), 0);

    struct help_request open[8];
    /* The status report counts what waits for staff. */
    struct heartbeat_status hb;
    assert_int_equal(heartbeat_collect(f->st, &c, T0, &hb), 0);
    assert_int_equal(hb.help_open, 3);
    assert_int_equal(help_open(f->st, open, 8), 3);
    assert_int_equal(help_open_count(f->st), 3);
    assert_string_equal(open[0].screen, "jobs");
    assert_string_equal(open[0].time, "09:30");
    assert_string_equal(open[0].date, "2026-12-01");
    assert_string_equal(open[1].screen, "register");
    assert_string_equal(open[1].time, "09:32");
    assert_string_equal(open[2].screen, "checkin");
    /* max is respected */
    assert_int_equal(help_open(f->st, open, 2), 2);

    assert_int_equal(help_open(f->st, open, 8), 3);
    char fields_before[256];
    snprintf(fields_before, sizeof fields_before,
             "SELECT count(*) FROM records WHERE uuid = '%s' AND fields = '{\"screen\":\"register\"}'",
             open[1].uuid);
    assert_int_equal(help_mark_handled(f->st, open[1].uuid, T0 + 300000), 0);
    assert_int_equal(help_mark_handled(f->st, open[1].uuid, T0 + 300000), 1); /* once */
    assert_int_equal(help_mark_handled(f->st, other, T0), 1);        /* not a help request */
    assert_int_equal(help_mark_handled(f->st, "no-such-uuid", T0), 1);
    assert_int_equal(fixture_int(f->st, fields_before), 1); /* the record as it was */
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM records WHERE handled_at IS NOT NULL"), 1);
    assert_int_equal(events_like(f->st, "help_handled", "%"), 1);
    assert_int_equal(help_open_count(f->st), 2);
    assert_int_equal(heartbeat_collect(f->st, &c, T0, &hb), 0);
    assert_int_equal(hb.help_open, 2);
    assert_int_equal(help_open(f->st, open, 8), 2);
    assert_string_equal(open[0].screen, "jobs");
    assert_string_equal(open[1].screen, "checkin");
    help_destroy(h);
}

static void test_notify_command(void **state)
{
    struct fixture *f = *state;
    char script[128], out[128], cmd[400];
    snprintf(script, sizeof script, "%s/page.sh", f->dir);
    snprintf(out, sizeof out, "%s/paged.txt", f->dir);
    /* Each argument on a line of its own: what the program got, word for word. */
    write_script(script, "for a in \"$@\" \"${NOTIFY_SOCKET-no socket}\"; do printf '%s\\n' \"$a\"; done"
                         " > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"");
    /* Under systemd: the pager must not reach the kiosk's notify socket. */
    setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
    snprintf(cmd, sizeof cmd, "%s   %s  desk-2 $HOME", script, out);
    struct config c = cfg_with(cmd, 0);
    struct help *h = help_create(&c);
    struct help_call r;
    help_call(h, f->st, "register", T0, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_true(r.notified);
    reap_all(h, f->st, T0);
    char want[512];
    snprintf(want, sizeof want, "%s\ndesk-2\n$HOME\nregister\n2026-12-01T09:30:00+0800\nno socket\n",
             out);
    unsetenv("NOTIFY_SOCKET");
    char *got = slurp(out);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(events_like(f->st, "help_notify_failed", "%"), 0);
    assert_int_equal(events_like(f->st, "help_call", "register: record yes, chime off, notify yes"), 1);
    help_destroy(h);

    /* A program that fails: logged, the request stands. */
    write_script(script, "exit 3");
    h = help_create(&c);
    help_call(h, f->st, "jobs", T0, &r);
    assert_true(r.notified);
    reap_all(h, f->st, T0);
    assert_int_equal(events_like(f->st, "help_notify_failed", "exit status 3"), 1);
    help_destroy(h);

    /* One that hangs is killed once a minute has passed, with what it started. */
    snprintf(cmd, sizeof cmd, "%s", script);
    write_script(script, "sleep 600 & sleep 600");
    c = cfg_with(cmd, 0);
    h = help_create(&c);
    help_call(h, f->st, "jobs", T0, &r);
    assert_true(r.notified);
    sleep_ms(100);
    help_tick(h, f->st, T0 + 1000);
    assert_int_equal(help_children(h), 1);
    assert_true(help_deadline(h, T0 + 1000) <= T0 + 1000 + HELP_REAP_MS);
    help_tick(h, f->st, T0 + HELP_CHILD_MAX_MS + 1000);
    assert_int_equal(help_children(h), 0);
    assert_int_equal(help_deadline(h, T0), INT64_MAX);
    assert_int_equal(events_like(f->st, "help_notify_failed", "%killed"), 1);
    help_destroy(h);

    /* One that is gone: not started, said, and the record is still made. */
    unlink(script);
    h = help_create(&c);
    help_call(h, f->st, "study", T0, &r);
    assert_false(r.notified);
    assert_true(r.recorded);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_int_equal(events_like(f->st, "help_notify_failed", "cannot start%"), 1);
    assert_int_equal(events_like(f->st, "help_call", "study: record yes, chime off, notify failed"), 1);
    help_destroy(h);
}

/* No database (out of service, or a full disk refusing the record): the command still
 * pages staff; with nothing at all the call fails and may be tried again at once. */
static void test_without_database(void **state)
{
    struct fixture *f = *state;
    char script[128], out[128];
    snprintf(script, sizeof script, "%s/page.sh", f->dir);
    snprintf(out, sizeof out, "%s/paged.txt", f->dir);
    write_script(script, "echo \"$2\" > \"$1\"");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "%s %s", script, out);
    struct config c = cfg_with(cmd, 0);
    struct help *h = help_create(&c);
    struct help_call r;
    help_call(h, NULL, "disk_full", T0, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_false(r.recorded);
    reap_all(h, NULL, T0);
    assert_string_equal(slurp(out), "disk_full\n");
    help_destroy(h);

    c = cfg_with("", 0);
    h = help_create(&c);
    help_call(h, NULL, "home", T0, &r);
    assert_int_equal(r.outcome, HELP_FAILED);
    help_call(h, NULL, "home", T0 + 100, &r);
    assert_int_equal(r.outcome, HELP_FAILED); /* not "already": nobody was told */
    help_call(h, f->st, "home", T0 + 200, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    help_destroy(h);
}

static void test_chime_tone(void **state)
{
    int16_t pcm[CHIME_RATE];
    size_t n = chime_tone(pcm, sizeof pcm / sizeof pcm[0], CHIME_RATE);
    /* Two notes of 420 ms: under a second, loud in the middle, silent at the ends. */
    assert_int_equal(n, (size_t)CHIME_RATE * 840 / 1000);
    int peak = 0;
    for (size_t i = 0; i < n; i++)
        peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
    assert_true(peak > 12000 && peak < 32767);
    assert_true(abs(pcm[0]) < 200);
    int tail = 0;
    for (size_t i = n - 100; i < n; i++)
        tail = abs(pcm[i]) > tail ? abs(pcm[i]) : tail;
    assert_true(tail < peak / 4);
    /* The buffer's end is never written past. */
    int16_t few[10] = {0};
    assert_int_equal(chime_tone(few, 5, CHIME_RATE), 5);
    assert_int_equal(few[5], 0);
}

/* SDL audio: the dummy driver takes the tone and plays it out; with no driver there is
 * nothing, and nothing fails. */
static void test_chime_devices(void **state)
{
    struct fixture *f = *state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    struct chime *ch = chime_play();
    assert_non_null(ch);
    assert_false(chime_done(ch));
    for (int i = 0; i < 300 && !chime_done(ch); i++)
        sleep_ms(10);
    assert_true(chime_done(ch));
    chime_close(ch);
    assert_false(SDL_WasInit(SDL_INIT_AUDIO)); /* nothing held once it has played */

    setenv("SDL_AUDIODRIVER", "none-such", 1);
    assert_null(chime_play());
    assert_false(SDL_WasInit(SDL_INIT_AUDIO));
    struct config c = cfg_with("", 1);
    struct help *h = help_create(&c);
    struct help_call r;
    help_call(h, f->st, "home", T0, &r);
    assert_int_equal(r.outcome, HELP_CALLED);
    assert_false(r.chimed);
    assert_int_equal(events_like(f->st, "help_call", "home: record yes, chime none, notify off"), 1);
    help_destroy(h);

    setenv("SDL_AUDIODRIVER", "dummy", 1);
    h = help_create(&c);
    help_call(h, f->st, "jobs", T0, &r);
    assert_true(r.chimed);
    assert_true(help_deadline(h, T0) < INT64_MAX);
    for (int i = 0; i < 300 && help_deadline(h, T0) < INT64_MAX; i++) {
        sleep_ms(10);
        help_tick(h, f->st, T0);
    }
    assert_int_equal(help_deadline(h, T0), INT64_MAX); /* closed once played */
    help_destroy(h);
    SDL_Quit();
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_request_per_screen_and_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_list_and_handled_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_database, setup, teardown),
        cmocka_unit_test(test_chime_tone),
        cmocka_unit_test_setup_teardown(test_chime_devices, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
