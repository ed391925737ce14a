/* notify — see notify.h. */
#include "platform/notify.h"

#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

void notify_init(struct notify *n)
{
    memset(n, 0, sizeof *n);
    n->next_ms = INT64_MAX;
    const char *sock = getenv("NOTIFY_SOCKET");
    n->enabled = sock && *sock;
    if (!n->enabled)
        return;
    /* sd_watchdog_enabled() wants WATCHDOG_PID to be this process; under cage systemd
     * names cage, the service's main process, and the kiosk (NotifyAccess=all) pings. */
    const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    if (!usec)
        return;
    if (pid) {
        long p = atol(pid);
        if (p != (long)getpid() && p != (long)getppid())
            return;
    }
    long long us = atoll(usec);
    if (us <= 0)
        return;
    n->interval_ms = us / 2000 > 0 ? us / 2000 : 1;
}

static void notify_send(struct notify *n, const char *msg)
{
    /* A failure is not fatal: the kiosk serves on; systemd (if it expected us) acts on
     * the missing message. */
    if (n->enabled && sd_notify(0, msg) < 0)
        fprintf(stderr, "kiosk: sd_notify failed\n");
}

void notify_status(struct notify *n, const char *status)
{
    if (!n->enabled || !strcmp(n->status, status))
        return;
    util_strlcpy(n->status, status, sizeof n->status);
    char msg[200];
    snprintf(msg, sizeof msg, "STATUS=%s", n->status);
    notify_send(n, msg);
}

void notify_ready(struct notify *n, int64_t now_ms, const char *status)
{
    if (!n->enabled)
        return;
    util_strlcpy(n->status, status, sizeof n->status);
    util_strlcpy(n->ready, status, sizeof n->ready);
    char msg[200];
    snprintf(msg, sizeof msg, "READY=1\nSTATUS=%s", n->status);
    notify_send(n, msg);
    if (n->interval_ms)
        n->next_ms = now_ms + n->interval_ms;
}

int64_t notify_deadline(const struct notify *n) { return n->next_ms; }

void notify_tick(struct notify *n, int64_t now_ms, int healthy, const char *why)
{
    if (!n->interval_ms || now_ms < n->next_ms)
        return;
    if (healthy) {
        notify_status(n, n->ready); /* back from a bad spell, if there was one */
        notify_send(n, "WATCHDOG=1");
    }
    else
        notify_status(n, why ? why : "unhealthy");
    n->next_ms = now_ms + n->interval_ms;
}

void notify_stopping(struct notify *n)
{
    if (!n->enabled)
        return;
    notify_send(n, "STOPPING=1\nSTATUS=stopping");
}
