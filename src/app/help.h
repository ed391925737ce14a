/* help — 呼叫工作人员 (Call staff): what a press of the button does, and the open requests
 * staff see and close.
 *
 * A press on a screen records a `help_request` {screen} (nothing personal: the screen's
 * name, e.g. "register"), plays the chime (platform/chime.h, [staff] chime) and starts
 * [staff] notify_command with the screen and the local time as its last two arguments.
 * A second press on the same screen within HELP_REPEAT_MS makes no second request: the
 * person is told again that staff were called, and when.  Each screen's first press
 * does make one, so a person who moved on from the form to the receipt and presses
 * again is heard.
 *
 * notify_command: the value split at spaces (no shell, no quoting: a pager script takes
 * its own arguments), started with posix_spawn, never waited for: children are reaped
 * with waitpid(WNOHANG) from the app's tick, and one still running after
 * HELP_CHILD_MAX_MS is killed (a pager that hangs must not pile up processes).  It gets
 * the kiosk's environment without NOTIFY_SOCKET and WATCHDOG_* (systemd's).  At
 * most HELP_MAX_CHILDREN run at once; a call beyond that is logged and not started.
 * Failures (cannot start, exit status, killed) go to stderr and the event log
 * (help_notify_failed), never to the person.
 *
 * Handled: records are never edited; 已处理 sets the record's handled_at mark (store
 * schema 8), as export and upload set theirs.
 *
 * Owns: the last press per screen, the notify children, the chime.  Never does: UI. */
#ifndef KIOSK_HELP_H
#define KIOSK_HELP_H

#include <stdint.h>

struct config;
struct store;
struct help;

#define HELP_REPEAT_MS 60000        /* a second press on a screen within this: no record */
#define HELP_CHILD_MAX_MS 60000     /* a notify_command running longer is killed */
#define HELP_MAX_CHILDREN 8
#define HELP_REAP_MS 500            /* how often running children are looked at */

/* The help state of one kiosk.  cfg is copied what is needed of (chime, command). */
struct help *help_create(const struct config *cfg);
/* Stops the chime; children still running get a short while to end, then are left to
 * finish on their own (they are never waited for longer than HELP_EXIT_WAIT_MS). */
#define HELP_EXIT_WAIT_MS 1000
void help_destroy(struct help *h);

enum help_outcome {
    HELP_CALLED,    /* a new request: recorded and/or staff told */
    HELP_ALREADY,   /* pressed again within HELP_REPEAT_MS on this screen: nothing new */
    HELP_FAILED,    /* nothing could be done: no record, no chime, no command */
};

struct help_call {
    enum help_outcome outcome;
    int64_t at_ms;       /* when staff were called (the first press, for HELP_ALREADY) */
    int recorded;        /* the help_request record was committed */
    int chimed;          /* the chime is playing */
    int notified;        /* notify_command was started */
};

/* 呼叫工作人员 pressed on screen (its struct screen name) at now_ms.  st may be NULL
 * (no database): then nothing is recorded but staff are still told. */
void help_call(struct help *h, struct store *st, const char *screen, int64_t now_ms,
               struct help_call *out);

/* Forgets the last press per screen (tests; a new configuration). */
void help_forget(struct help *h);

/* The next time help_tick must run (children to reap, a chime to close), or INT64_MAX. */
int64_t help_deadline(const struct help *h, int64_t now_ms);
void help_tick(struct help *h, struct store *st, int64_t now_ms);
/* How many notify children are running (tests). */
int help_children(const struct help *h);

/* ---- open requests (the staff screen, the heartbeat) -------------------------------- */

struct help_request {
    char uuid[37];
    char screen[32];
    char date[11];       /* local YYYY-MM-DD */
    char time[6];        /* local HH:MM */
};

/* The open (not handled) requests, oldest first, at most max.  Returns how many, or -1
 * on a database error (logged). */
int help_open(struct store *st, struct help_request *out, int max);
/* How many requests are open; -1 on error. */
int help_open_count(struct store *st);
/* 已处理: marks uuid's request handled (and logs help_handled).  Returns 0, 1 when it
 * was no open request, -1 on error. */
int help_mark_handled(struct store *st, const char *uuid, int64_t now_ms);

#endif
