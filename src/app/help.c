/* help — see help.h.  The request's record, the per-screen repeat rule, the notify
 * children and the open-request queries; the chime itself is platform/chime.c. */
#include "app/help.h"

#include "core/config.h"
#include "core/util.h"
#include "platform/chime.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HELP_SCREENS 32       /* more than the product has screens */
#define HELP_MAX_ARGS 32      /* words of notify_command, the two appended, the NULL */

struct help_child {
    pid_t pid;
    int64_t started_ms;
    char screen[32];
};

struct help {
    int chime_on;
    char command[sizeof ((struct config *)0)->staff_notify_command];
    struct {
        char screen[32];
        int64_t at_ms;
    } last[HELP_SCREENS];
    int nlast;
    struct help_child kids[HELP_MAX_CHILDREN];
    int nkids;
    struct chime *chime;
};

struct help *help_create(const struct config *cfg)
{
    struct help *h = calloc(1, sizeof *h);
    if (!h)
        abort();
    h->chime_on = cfg->staff_chime;
    util_strlcpy(h->command, cfg->staff_notify_command, sizeof h->command);
    return h;
}

static void note_failure(struct store *st, int64_t now_ms, const char *screen, const char *why)
{
    fprintf(stderr, "help: [staff] notify_command for %s: %s\n", screen, why);
    store_event(st, now_ms, "help_notify_failed", why);
}

/* Reaps the children that ended; with kill_late, kills those running too long. */
static void reap(struct help *h, struct store *st, int64_t now_ms, int kill_late)
{
    for (int i = 0; i < h->nkids;) {
        struct help_child *k = &h->kids[i];
        int status;
        pid_t w = waitpid(k->pid, &status, WNOHANG);
        if (w == 0 && kill_late && (now_ms - k->started_ms > HELP_CHILD_MAX_MS ||
                                    now_ms < k->started_ms)) {
            /* Its own process group: a script's own children go with it. */
            kill(-k->pid, SIGKILL);
            kill(k->pid, SIGKILL);
            note_failure(st, now_ms, k->screen, "still running after 60 s: killed");
            while ((w = waitpid(k->pid, &status, 0)) < 0 && errno == EINTR)
                ;
            w = -2; /* reported already */
        }
        if (w == 0) {
            i++;
            continue;
        }
        if (w > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            char why[64];
            snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
            note_failure(st, now_ms, k->screen, why);
        } else if (w > 0 && WIFSIGNALED(status)) {
            char why[64];
            snprintf(why, sizeof why, "ended by signal %d", WTERMSIG(status));
            note_failure(st, now_ms, k->screen, why);
        }
        h->kids[i] = h->kids[--h->nkids];
    }
}

/* Starts notify_command with screen and the local time appended.  Returns 1 when it was
 * started.  The command's output goes where the kiosk's does (the journal). */
static int notify(struct help *h, struct store *st, const char *screen, int64_t now_ms)
{
    if (!h->command[0])
        return 0;
    if (h->nkids == HELP_MAX_CHILDREN) {
        note_failure(st, now_ms, screen, "too many still running: not started");
        return 0;
    }
    char words[sizeof h->command], when[40];
    util_strlcpy(words, h->command, sizeof words);
    util_time_local(now_ms, "%Y-%m-%dT%H:%M:%S%z", when, sizeof when);
    char *argv[HELP_MAX_ARGS];
    int argc = 0;
    for (char *save = NULL, *w = strtok_r(words, " ", &save); w && argc < HELP_MAX_ARGS - 3;
         w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    if (argc == 0)
        return 0;
    char screen_arg[32];
    util_strlcpy(screen_arg, screen, sizeof screen_arg);
    argv[argc++] = screen_arg;
    argv[argc++] = when;
    argv[argc] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_init(&at);
    /* A clean start: no signal the kiosk blocks or ignores carries over, and a group of
     * its own so that a hung one is killed with whatever it started. */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
    /* The kiosk's environment, less systemd's notify socket and watchdog: a pager must
     * never be able to say READY or feed the watchdog for the kiosk. */
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;
    char **env = calloc(nenv + 1, sizeof *env);
    if (!env)
        abort();
    size_t ne = 0;
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) && strncmp(environ[i], "WATCHDOG_", 9))
            env[ne++] = environ[i];
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, &at, argv, env);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        char why[300];
        snprintf(why, sizeof why, "cannot start %.200s: %s", argv[0], strerror(rc));
        note_failure(st, now_ms, screen, why);
        return 0;
    }
    struct help_child *k = &h->kids[h->nkids++];
    k->pid = pid;
    k->started_ms = now_ms;
    util_strlcpy(k->screen, screen, sizeof k->screen);
    return 1;
}

/* The last press on screen, or NULL. */
static int64_t *last_press(struct help *h, const char *screen, int add)
{
    for (int i = 0; i < h->nlast; i++)
        if (!strcmp(h->last[i].screen, screen))
            return &h->last[i].at_ms;
    if (!add)
        return NULL;
    int i = h->nlast < HELP_SCREENS ? h->nlast++ : HELP_SCREENS - 1;
    util_strlcpy(h->last[i].screen, screen, sizeof h->last[i].screen);
    h->last[i].at_ms = 0;
    return &h->last[i].at_ms;
}

void help_call(struct help *h, struct store *st, const char *screen, int64_t now_ms,
               struct help_call *out)
{
    memset(out, 0, sizeof *out);
    out->at_ms = now_ms;
    int64_t *last = last_press(h, screen, 0);
    /* A clock set back counts as a new press rather than as a minute that never ends. */
    if (last && *last && now_ms >= *last && now_ms - *last < HELP_REPEAT_MS) {
        out->outcome = HELP_ALREADY;
        out->at_ms = *last;
        return;
    }
    if (st) {
        struct strbuf f = {0};
        strbuf_add(&f, "{\"screen\":");
        strbuf_add_json_str(&f, screen);
        strbuf_add(&f, "}");
        char uuid[37];
        out->recorded = store_record_add(st, "help_request", f.buf, now_ms, uuid) == 0;
        strbuf_free(&f);
    }
    if (h->chime_on) {
        /* One chime at a time: a new call on another screen starts it again. */
        chime_close(h->chime);
        h->chime = chime_play();
        out->chimed = h->chime != NULL;
    }
    reap(h, st, now_ms, 0);
    out->notified = notify(h, st, screen, now_ms);
    out->outcome = out->recorded || out->chimed || out->notified ? HELP_CALLED : HELP_FAILED;
    /* What reached staff, for whoever wonders later why nobody came. */
    char what[96];
    snprintf(what, sizeof what, "%.31s: record %s, chime %s, notify %s", screen,
             out->recorded ? "yes" : "no", out->chimed ? "yes" : h->chime_on ? "none" : "off",
             out->notified ? "yes" : h->command[0] ? "failed" : "off");
    store_event(st, now_ms, "help_call", what);
    /* Only a call that reached someone holds back the next press: one that failed may
     * be tried again at once. */
    if (out->outcome == HELP_CALLED)
        *last_press(h, screen, 1) = now_ms;
}

void help_forget(struct help *h) { h->nlast = 0; }

int64_t help_deadline(const struct help *h, int64_t now_ms)
{
    if (h->nkids > 0 || h->chime)
        return now_ms + HELP_REAP_MS;
    return INT64_MAX;
}

void help_tick(struct help *h, struct store *st, int64_t now_ms)
{
    if (h->nkids > 0)
        reap(h, st, now_ms, 1);
    if (h->chime && chime_done(h->chime)) {
        chime_close(h->chime);
        h->chime = NULL;
    }
}

int help_children(const struct help *h) { return h->nkids; }

void help_destroy(struct help *h)
{
    if (!h)
        return;
    chime_close(h->chime);
    /* A command started just before the kiosk stops still gets to page staff. */
    for (int waited = 0; h->nkids > 0 && waited < HELP_EXIT_WAIT_MS; waited += 20) {
        reap(h, NULL, 0, 0);
        if (h->nkids > 0) {
            struct timespec ts = {0, 20 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    free(h);
}

/* ---- open requests ------------------------------------------------------------------ */

int help_open(struct store *st, struct help_request *out, int max)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT uuid, coalesce(json_extract(fields, '$.screen'), ''),"
                                        " created_at FROM records"
                                        " WHERE kind = 'help_request' AND handled_at IS NULL"
                                        " ORDER BY seq LIMIT ?");
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, max);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
        struct help_request *r = &out[n++];
        memset(r, 0, sizeof *r);
        util_strlcpy(r->uuid, (const char *)sqlite3_column_text(s, 0), sizeof r->uuid);
        util_strlcpy(r->screen, (const char *)sqlite3_column_text(s, 1), sizeof r->screen);
        int64_t ms = 0;
        util_parse_iso((const char *)sqlite3_column_text(s, 2), &ms);
        util_time_local(ms, "%Y-%m-%d", r->date, sizeof r->date);
        util_time_local(ms, "%H:%M", r->time, sizeof r->time);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int help_open_count(struct store *st)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM records"
                                        " WHERE kind = 'help_request' AND handled_at IS NULL");
    int n = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}

int help_mark_handled(struct store *st, const char *uuid, int64_t now_ms)
{
    char at[32];
    util_time_utc(now_ms, at);
    sqlite3_stmt *s = store_prepare(st, "UPDATE records SET handled_at = ?1 WHERE uuid = ?2"
                                        " AND kind = 'help_request' AND handled_at IS NULL");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "help: request not marked handled: %s\n", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    if (sqlite3_changes(store_db(st)) == 0)
        return 1;
    store_event(st, now_ms, "help_handled", "");
    return 0;
}
