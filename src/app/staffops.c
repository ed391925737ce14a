/* staffops — see staffops.h.  The SQL of the staff screen lives here so the screen
 * never runs any; the upload scheduler is a small state machine: idle (waiting for its
 * next attempt) or running (one syncjob, polled). */
#include "app/staffops.h"

#include "app/app.h"
#include "app/receipts.h"
#include "receipt/printer.h"
#include "ui/ui.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define WAIT_LIMIT_MS 120000 /* script mode: a job still running after this is reported */

/* ---- PIN ------------------------------------------------------------------------------ */

enum staffauth_result staffops_try_pin(struct store *st, const char *pin, int64_t now_ms,
                                       int64_t *retry_at_ms)
{
    int64_t retry = 0;
    enum staffauth_result r = staffauth_try(st, pin, now_ms, &retry);
    switch (r) {
    case STAFFAUTH_OK: store_event(st, now_ms, "staff_login", ""); break;
    case STAFFAUTH_WRONG: store_event(st, now_ms, "staff_pin_wrong", retry ? "locked" : ""); break;
    case STAFFAUTH_LOCKED: store_event(st, now_ms, "staff_pin_locked", ""); break;
    default: break;
    }
    if (retry_at_ms)
        *retry_at_ms = retry;
    return r;
}

int64_t staffops_pin_locked_until(struct store *st, int64_t now_ms)
{
    /* The key is staffauth's, named in staffauth.h; only read here, to show the lock
     * before anyone types. */
    char v[32];
    if (store_meta_get(st, "staff_pin_locked_until", v, sizeof v) != 0)
        return 0;
    char *end;
    long long until = strtoll(v, &end, 10);
    if (end == v || until <= now_ms)
        return 0;
    if (until > now_ms + STAFFAUTH_LOCK_MAX_MS)
        until = now_ms + STAFFAUTH_LOCK_MAX_MS;
    return (int64_t)until;
}

void staffops_log(struct store *st, int64_t now_ms, const char *kind, const char *detail)
{
    store_event(st, now_ms, kind, detail ? detail : "");
}

/* ---- figures ---------------------------------------------------------------------------- */

static const char *const kinds[STAFFOPS_KINDS] = {"registration", "checkin", "job_interest",
                                                  "training_signup", "consultation",
                                                  "queue_ticket"};

const char *staffops_kind(int i) { return i >= 0 && i < STAFFOPS_KINDS ? kinds[i] : ""; }

static int count(struct store *st, const char *sql)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s)
        return -1;
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    if (n < 0)
        fprintf(stderr, "staffops: %s\n", sqlite3_errmsg(store_db(st)));
    sqlite3_finalize(s);
    return n;
}

int staffops_figures(struct store *st, int64_t now_ms, struct staffops_figures *out)
{
    memset(out, 0, sizeof *out);
    util_time_local(now_ms, "%Y-%m-%d", out->date, sizeof out->date);
    int rc = 0;

    sqlite3_stmt *s = store_prepare(
        st, "SELECT kind, count(*) FROM records WHERE local_date = ?1 GROUP BY kind");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, out->date, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        int n = sqlite3_column_int(s, 1);
        out->total += n;
        for (int i = 0; i < STAFFOPS_KINDS; i++)
            if (k && strcmp(k, kinds[i]) == 0)
                out->by_kind[i] = n;
    }
    if (step != SQLITE_DONE)
        rc = -1;
    sqlite3_finalize(s);

    /* Check-ins by activity.  The title is the one stored with the check-in (the
     * activity may since have been re-imported or removed); NULL id: visits. */
    s = store_prepare(st, "SELECT json_extract(fields, '$.activity_id') AS aid,"
                          " max(json_extract(fields, '$.activity_title')), count(*) AS n"
                          " FROM records WHERE local_date = ?1 AND kind = 'checkin'"
                          " GROUP BY aid ORDER BY n DESC, aid");
    if (!s) {
        memset(out->by_kind, 0, sizeof out->by_kind);
        out->total = 0;
        return -1;
    }
    sqlite3_bind_text(s, 1, out->date, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int n = sqlite3_column_int(s, 2);
        if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
            out->visits += n;
            continue;
        }
        if (out->nact == STAFFOPS_MAX_ACTIVITIES) {
            out->more_act++;
            continue;
        }
        struct staffops_activity *act = &out->act[out->nact++];
        const char *t = (const char *)sqlite3_column_text(s, 1);
        if (!t || !*t)
            t = (const char *)sqlite3_column_text(s, 0);
        util_strlcpy(act->title, t ? t : "", sizeof act->title);
        act->count = n;
    }
    if (step != SQLITE_DONE)
        rc = -1;
    sqlite3_finalize(s);

    /* A quarantined record waits for no export or upload: the centre refused it. */
    out->not_collected = count(st, "SELECT count(*) FROM records WHERE collected_at IS NULL"
                                   " AND quarantined_at IS NULL");
    out->not_uploaded = count(st, "SELECT count(*) FROM records WHERE uploaded_at IS NULL"
                                  " AND quarantined_at IS NULL");
    out->quarantined = count(st, "SELECT count(*) FROM records WHERE quarantined_at IS NOT NULL");
    if (out->quarantined > 0) {
        sqlite3_stmt *q = store_prepare(st, "SELECT quarantine_reason FROM records"
                                            " WHERE quarantined_at IS NOT NULL"
                                            " ORDER BY quarantined_at DESC, seq DESC LIMIT 1");
        if (q && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            util_strlcpy(out->quarantine_reason, (const char *)sqlite3_column_text(q, 0),
                         sizeof out->quarantine_reason);
        sqlite3_finalize(q);
    }
    if (out->not_collected < 0 || out->not_uploaded < 0 || out->quarantined < 0)
        rc = -1;
    if (rc < 0) {
        fprintf(stderr, "staffops: figures: %s\n", sqlite3_errmsg(store_db(st)));
        char date[11];
        memcpy(date, out->date, sizeof date);
        memset(out, 0, sizeof *out);
        memcpy(out->date, date, sizeof date);
    }
    return rc;
}

/* ---- receipts ---------------------------------------------------------------------------- */

int staffops_receipts(struct store *st, int64_t now_ms, struct staffops_receipt *out, int max)
{
    char date[11];
    util_time_local(now_ms, "%Y-%m-%d", date, sizeof date);
    sqlite3_stmt *s = store_prepare(
        st, "SELECT r.uuid, c.receipt_no, r.kind, r.created_at, c.print_state"
            " FROM records r JOIN receipts c ON c.record_uuid = r.uuid"
            " WHERE r.local_date = ?1 ORDER BY r.seq DESC LIMIT ?2");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, max);
    int n = 0, step;
    while (n < max && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct staffops_receipt *r = &out[n];
        memset(r, 0, sizeof *r);
        const char *v;
        if ((v = (const char *)sqlite3_column_text(s, 0)))
            util_strlcpy(r->uuid, v, sizeof r->uuid);
        if ((v = (const char *)sqlite3_column_text(s, 1)))
            util_strlcpy(r->receipt_no, v, sizeof r->receipt_no);
        if ((v = (const char *)sqlite3_column_text(s, 2)))
            util_strlcpy(r->kind, v, sizeof r->kind);
        int64_t at;
        v = (const char *)sqlite3_column_text(s, 3);
        if (v && util_parse_iso(v, &at) == 0)
            util_time_local(at, "%H:%M", r->time, sizeof r->time);
        if ((v = (const char *)sqlite3_column_text(s, 4)))
            util_strlcpy(r->state, v, sizeof r->state);
        n++;
    }
    if (n < max && step != SQLITE_DONE) {
        fprintf(stderr, "staffops: receipts: %s\n", sqlite3_errmsg(store_db(st)));
        n = -1;
    }
    sqlite3_finalize(s);
    return n;
}

/* ---- printer ------------------------------------------------------------------------------ */

static enum staffops_print printer_ready(const struct app *a)
{
    if (strcmp(a->cfg.printer_device, "none") == 0)
        return STAFFOPS_PRINT_NO_PRINTER;
    return a->printer ? STAFFOPS_PRINT_QUEUED : STAFFOPS_PRINT_NOT_RUNNING;
}

enum staffops_print staffops_print_test(struct app *a)
{
    enum staffops_print r = printer_ready(a);
    if (r != STAFFOPS_PRINT_QUEUED)
        return r;
    struct receipt_layout *l = receipt_layout_test(&a->cfg, app_now(a));
    if (!l)
        return STAFFOPS_PRINT_FAILED;
    struct escpos_buf job = {0};
    r = STAFFOPS_PRINT_FAILED;
    if (receipt_render_escpos(l, ui_fonts(a->ui), a->cfg.paper_dots, &job) == 0 &&
        printer_submit(a->printer, "", job.data, job.len) == 0) {
        /* Counted like a receipt's job, so the loop (and script mode) waits for it. */
        a->print_in_flight++;
        r = STAFFOPS_PRINT_QUEUED;
    }
    escpos_buf_free(&job);
    receipt_layout_free(l);
    store_event(a->st, app_now(a), "staff_print_test", r == STAFFOPS_PRINT_QUEUED ? "" : "failed");
    return r;
}

enum staffops_print staffops_reprint(struct app *a, const char *uuid)
{
    enum staffops_print r = printer_ready(a);
    if (r != STAFFOPS_PRINT_QUEUED)
        return r;
    struct receipt_layout *l = receipts_issue(a, uuid, 0);
    if (!l)
        return STAFFOPS_PRINT_NO_RECEIPT;
    r = receipts_reprint(a, l) == 0 ? STAFFOPS_PRINT_QUEUED : STAFFOPS_PRINT_FAILED;
    receipts_free(l);
    store_event(a->st, app_now(a), "staff_reprint", uuid);
    return r;
}

/* ---- export ------------------------------------------------------------------------------ */

static void describe(const char *path, struct staffops_drive *d)
{
    util_strlcpy(d->path, path, sizeof d->path);
    const char *slash = strrchr(path, '/');
    util_strlcpy(d->name, slash && slash[1] ? slash + 1 : path, sizeof d->name);
    struct statvfs vs;
    d->free_bytes = statvfs(path, &vs) == 0 ? (int64_t)vs.f_bavail * (int64_t)vs.f_frsize : -1;
}

int staffops_drives(struct staffops_drive *out, int max)
{
    char paths[STAFFOPS_MAX_DRIVES][512];
    if (max > STAFFOPS_MAX_DRIVES)
        max = STAFFOPS_MAX_DRIVES;
    int n = 0;
    const char *env = getenv(STAFFOPS_EXPORT_ENV);
    if (!env)
        n = export_list_drives(paths, max);
    for (const char *p = env; p && *p && n < max;) {
        const char *e = strchr(p, ':');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > 0 && len < 512) {
            char dir[512];
            memcpy(dir, p, len);
            dir[len] = 0;
            struct stat sb;
            if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && access(dir, W_OK) == 0)
                util_strlcpy(paths[n++], dir, 512);
        }
        p += len;
        if (*p == ':')
            p++;
    }
    for (int i = 0; i < n; i++)
        describe(paths[i], &out[i]);
    return n;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int staffops_content_bundle(const char *drive_path, char *out, size_t size)
{
    return content_bundle_find(drive_path, out, size);
}

void staffops_job_poll(struct syncjob *j, int wait, struct syncjob_state *out)
{
    syncjob_poll(j, out);
    for (int waited = 0; wait && !out->finished && waited < WAIT_LIMIT_MS; waited += 5) {
        sleep_ms(5);
        syncjob_poll(j, out);
    }
}

/* ---- upload scheduler -------------------------------------------------------------------- */

struct staffops_upload {
    struct config cfg;
    int wait_jobs;
    struct upload_backoff backoff;
    struct syncjob *job;
    int job_reports_only;       /* the running job is a status report alone */
    int64_t next_report_ms;     /* the next status report ([upload] heartbeat_s) */
    int64_t next_poll_ms;
    /* the last finished job */
    int have_result;
    struct syncjob_state last;
    int64_t finished_ms;
};

struct staffops_upload *staffops_upload_create(const struct config *cfg, int64_t now_ms,
                                               int wait_jobs)
{
    struct staffops_upload *u = calloc(1, sizeof *u);
    if (!u)
        abort();
    u->cfg = *cfg;
    u->wait_jobs = wait_jobs;
    /* Not at once: the first minutes after a start belong to the screen and the
     * database's own checks. */
    u->backoff.next_ms = now_ms + STAFFOPS_FIRST_UPLOAD_MS;
    u->next_report_ms = now_ms + STAFFOPS_FIRST_UPLOAD_MS;
    return u;
}

void staffops_upload_destroy(struct staffops_upload *u)
{
    if (!u)
        return;
    if (u->job) {
        syncjob_cancel(u->job);
        syncjob_destroy(u->job);
    }
    util_wipe(&u->cfg, sizeof u->cfg); /* the conninfo may hold a password */
    free(u);
}

static int configured(const struct staffops_upload *u) { return u->cfg.upload_conninfo[0] != 0; }
static int periodic(const struct staffops_upload *u)
{
    return configured(u) && u->cfg.upload_interval_s > 0;
}
/* The status report goes by itself every heartbeat_s, uploads or not. */
static int reporting(const struct staffops_upload *u)
{
    return configured(u) && u->cfg.upload_heartbeat_s > 0;
}

/* Starts an upload job (report_only: the status report alone) on the worker.  Every job
 * reports, so the next report is due a heartbeat after this one. */
static int start_job(struct staffops_upload *u, int report_only, int64_t now_ms, char *err,
                     size_t errlen)
{
    const char *last_error = u->have_result && u->last.rc != 0 ? u->last.err : NULL;
    if (syncjob_start_upload_as(&u->cfg, report_only, now_ms, last_error, NULL, NULL, &u->job,
                                err, errlen) < 0) {
        u->job = NULL;
        return -1;
    }
    u->job_reports_only = report_only;
    u->next_report_ms = now_ms + (int64_t)u->cfg.upload_heartbeat_s * 1000;
    u->next_poll_ms = now_ms + STAFFOPS_POLL_MS;
    return 0;
}

int staffops_upload_start(struct staffops_upload *u, int64_t now_ms, char *err, size_t errlen)
{
    if (u->job)
        return 1;
    if (!configured(u)) {
        snprintf(err, errlen, "%s", upload_status_text(UPLOAD_NOT_CONFIGURED, 1));
        return -1;
    }
    if (start_job(u, 0, now_ms, err, errlen) < 0) {
        upload_backoff_failure(&u->backoff, now_ms);
        return -1;
    }
    return 0;
}

int64_t staffops_upload_deadline(const struct staffops_upload *u)
{
    if (!u)
        return INT64_MAX;
    if (u->job)
        return u->next_poll_ms;
    int64_t next = periodic(u) ? u->backoff.next_ms : INT64_MAX;
    if (reporting(u) && u->next_report_ms < next)
        next = u->next_report_ms;
    return next;
}

static void finished(struct staffops_upload *u, struct store *st, int64_t now_ms,
                     const struct syncjob_state *s)
{
    if (u->job_reports_only) {
        /* A status report alone: not an upload the staff screen tells of, and not one
         * to back off from (the next report comes a heartbeat later anyway). */
        syncjob_destroy(u->job);
        u->job = NULL;
        if (s->rc != 0)
            store_event(st, now_ms, "status_report_failed", "");
        return;
    }
    u->last = *s;
    u->have_result = 1;
    u->finished_ms = now_ms;
    syncjob_destroy(u->job);
    u->job = NULL;
    char detail[160];
    snprintf(detail, sizeof detail, "status=%d sent=%ld inserted=%ld remaining=%ld",
             (int)s->upload_res.status, s->upload_res.sent, s->upload_res.inserted,
             s->upload_res.remaining);
    /* upload.c logs the uploads that reached the centre; this logs every attempt the
     * scheduler made, failed connections included. */
    store_event(st, now_ms, "upload_attempt", detail);
    if (s->rc == 0)
        upload_backoff_success(&u->backoff, now_ms, u->cfg.upload_interval_s);
    else if (s->upload_res.status != UPLOAD_CANCELLED)
        upload_backoff_failure(&u->backoff, now_ms);
}

void staffops_upload_tick(struct staffops_upload *u, struct store *st, int64_t now_ms)
{
    if (!u || !st)
        return;
    if (u->job) {
        if (now_ms < u->next_poll_ms)
            return;
        struct syncjob_state s;
        staffops_job_poll(u->job, u->wait_jobs, &s);
        if (s.finished)
            finished(u, st, now_ms, &s);
        else
            u->next_poll_ms = now_ms + STAFFOPS_POLL_MS;
        return;
    }
    char err[512];
    if (periodic(u) && upload_backoff_due(&u->backoff, now_ms)) {
        if (staffops_upload_start(u, now_ms, err, sizeof err) < 0)
            store_event(st, now_ms, "upload_attempt", "no worker thread");
    } else if (reporting(u) && now_ms >= u->next_report_ms) {
        if (start_job(u, 1, now_ms, err, sizeof err) < 0) {
            u->next_report_ms = now_ms + (int64_t)u->cfg.upload_heartbeat_s * 1000;
            store_event(st, now_ms, "status_report_failed", "no worker thread");
        }
    }
}

void staffops_upload_status(const struct staffops_upload *u, struct staffops_upload_status *out)
{
    memset(out, 0, sizeof *out);
    out->next_ms = INT64_MAX;
    if (!u)
        return;
    out->configured = configured(u);
    out->periodic = periodic(u);
    if (u->job && !u->job_reports_only) {
        struct syncjob_state s;
        syncjob_poll(u->job, &s);
        out->running = 1;
        out->done = s.done;
        out->total = s.total;
    }
    if (u->have_result) {
        out->have_result = 1;
        out->rc = u->last.rc;
        out->res = u->last.upload_res;
        util_strlcpy(out->err, u->last.err, sizeof out->err);
        out->pulled = u->last.pulled;
        out->pull_rc = u->last.pull_rc;
        out->pull = u->last.pull_res;
        out->finished_ms = u->finished_ms;
    }
    out->failures = u->backoff.failures;
    if (out->periodic && !u->job)
        out->next_ms = u->backoff.next_ms;
}
