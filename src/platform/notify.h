/* notify — the kiosk's side of systemd's service protocol (sd_notify(3)): READY=1 once the
 * first frame is on the screen, WATCHDOG=1 from the main loop, STATUS= lines, STOPPING=1.
 *
 * The pings are a deadline of the main loop, never a thread of their own: a ping says "the
 * loop turned and the database answered", so a loop that hangs (or a database that no
 * longer answers) stops them and systemd restarts the kiosk.  Without NOTIFY_SOCKET (a
 * kiosk not started by systemd, make run, the tests) nothing is sent and the loop gets
 * no extra deadline.
 *
 * Owns: a small state struct, nothing allocated.  Never does: decide what is healthy. */
#ifndef KIOSK_NOTIFY_H
#define KIOSK_NOTIFY_H

#include <stdint.h>

struct notify {
    int enabled;          /* NOTIFY_SOCKET is set */
    int64_t interval_ms;  /* half of WATCHDOG_USEC; 0: no watchdog */
    int64_t next_ms;      /* next ping, on the monotonic clock (SDL_GetTicks64) */
    char status[160];     /* the last STATUS= sent */
    char ready[160];      /* the STATUS= of a healthy kiosk */
};

/* Reads the environment.  WATCHDOG_PID, when set, must name this process or its parent
 * (cage, which starts the kiosk as its child and pings nothing itself). */
void notify_init(struct notify *n);
/* READY=1 with a STATUS= line; the first ping falls due one interval later. */
void notify_ready(struct notify *n, int64_t now_ms, const char *status);
/* When the next ping is due (INT64_MAX without a watchdog). */
int64_t notify_deadline(const struct notify *n);
/* At or after the deadline: WATCHDOG=1 when healthy, else only a STATUS= line saying why
 * (why may be NULL when healthy).  Schedules the next deadline. */
void notify_tick(struct notify *n, int64_t now_ms, int healthy, const char *why);
/* STATUS= when it differs from the last one sent. */
void notify_status(struct notify *n, const char *status);
/* STOPPING=1: the loop has ended. */
void notify_stopping(struct notify *n);

#endif
