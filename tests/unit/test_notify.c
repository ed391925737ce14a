/* Tests for platform/notify: what the kiosk tells systemd, read back from a datagram
 * socket standing in for NOTIFY_SOCKET.  Times are given, not read: the module schedules
 * on the caller's clock.  tests/shell/test_notify.sh runs the real loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform/notify.h"

struct sock {
    char dir[64], path[128];
    int fd;
};

static int setup(void **state)
{
    struct sock *s = calloc(1, sizeof *s);
    strcpy(s->dir, "/tmp/test_notify.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof s->path, "%s/notify", s->dir);
    s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, s->path);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    setenv("NOTIFY_SOCKET", s->path, 1);
    setenv("WATCHDOG_USEC", "1000000", 1);
    unsetenv("WATCHDOG_PID");
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    struct sock *s = *state;
    close(s->fd);
    unlink(s->path);
    rmdir(s->dir);
    free(s);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    return 0;
}

/* The next message, or "" when none waits. */
static const char *next(struct sock *s)
{
    static char buf[512];
    ssize_t n = recv(s->fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

static void test_ready_then_pings_at_half_the_interval(void **state)
{
    struct sock *s = *state;
    struct notify n;
    notify_init(&n);
    assert_int_equal(n.interval_ms, 500);
    assert_true(notify_deadline(&n) == INT64_MAX); /* nothing due before READY */
    notify_ready(&n, 1000, "serving: kiosk K1, 大厅");
    assert_string_equal(next(s), "READY=1\nSTATUS=serving: kiosk K1, 大厅");
    assert_true(notify_deadline(&n) == 1500);
    notify_tick(&n, 1499, 1, NULL);
    assert_string_equal(next(s), "");
    notify_tick(&n, 1500, 1, NULL);
    assert_string_equal(next(s), "WATCHDOG=1");
    assert_true(notify_deadline(&n) == 2000);
    /* A late turn of the loop: one ping, the next a full interval later. */
    notify_tick(&n, 2700, 1, NULL);
    assert_string_equal(next(s), "WATCHDOG=1");
    assert_string_equal(next(s), "");
    assert_true(notify_deadline(&n) == 3200);
}

static void test_unhealthy_sends_status_not_ping(void **state)
{
    struct sock *s = *state;
    struct notify n;
    notify_init(&n);
    notify_ready(&n, 0, "serving");
    next(s);
    notify_tick(&n, 500, 0, "the database does not answer: disk I/O error");
    assert_string_equal(next(s), "STATUS=the database does not answer: disk I/O error");
    assert_string_equal(next(s), "");
    notify_tick(&n, 1000, 0, "the database does not answer: disk I/O error");
    assert_string_equal(next(s), ""); /* the same status is not repeated */
    notify_tick(&n, 1500, 1, NULL);
    assert_string_equal(next(s), "STATUS=serving"); /* back to normal */
    assert_string_equal(next(s), "WATCHDOG=1");
    notify_stopping(&n);
    assert_string_equal(next(s), "STOPPING=1\nSTATUS=stopping");
}

static void test_watchdog_pid(void **state)
{
    struct sock *s = *state;
    struct notify n;
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getppid()); /* cage, the service's main process */
    setenv("WATCHDOG_PID", pid, 1);
    notify_init(&n);
    assert_int_equal(n.interval_ms, 500);
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    notify_init(&n);
    assert_int_equal(n.interval_ms, 500);
    setenv("WATCHDOG_PID", getppid() == 1 ? "2" : "1", 1); /* someone else's watchdog */
    notify_init(&n);
    assert_int_equal(n.interval_ms, 0);
    notify_ready(&n, 0, "serving");
    assert_string_equal(next(s), "READY=1\nSTATUS=serving");
    assert_true(notify_deadline(&n) == INT64_MAX);
    notify_tick(&n, 100000, 1, NULL);
    assert_string_equal(next(s), "");
}

static void test_nothing_without_notify_socket(void **state)
{
    struct sock *s = *state;
    struct notify n;
    unsetenv("NOTIFY_SOCKET");
    notify_init(&n);
    assert_false(n.enabled);
    notify_ready(&n, 0, "serving");
    notify_tick(&n, 100000, 1, NULL);
    notify_status(&n, "x");
    notify_stopping(&n);
    assert_true(notify_deadline(&n) == INT64_MAX);
    assert_string_equal(next(s), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ready_then_pings_at_half_the_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unhealthy_sends_status_not_ping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watchdog_pid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_without_notify_socket, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
