/* syncjob — see syncjob.h.  The state the UI reads is copied under one mutex; the cancel
 * flag is a plain int read and written with __atomic builtins, which is all export_ and
 * upload_ need to check between rows or batches. */
#include "sync/syncjob.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum job_kind { JOB_EXPORT, JOB_UPLOAD, JOB_CONTENT_IMPORT };

struct syncjob {
    enum job_kind kind;
    struct config cfg;
    char target[4096];
    int64_t now_ms;
    syncjob_notify_fn notify;
    void *ctx;
    int cancel;
    int report_only;        /* upload jobs: the status report alone */
    int64_t clock_ms;
    char last_error[256];
    pthread_t thread;
    pthread_mutex_t lock;
    struct syncjob_state state;     /* guarded by lock */
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_progress(void *ctx, int done, int total)
{
    struct syncjob *j = ctx;
    pthread_mutex_lock(&j->lock);
    j->state.done = done;
    j->state.total = total;
    pthread_mutex_unlock(&j->lock);
    if (j->notify)
        j->notify(j->ctx);
}

static void *run(void *arg)
{
    struct syncjob *j = arg;
    struct store *st = NULL;
    struct syncjob_state s;
    memset(&s, 0, sizeof s);
    s.rc = -1;
    if (store_open(j->cfg.data_dir, j->cfg.kiosk_id, &st, s.err, sizeof s.err) == 0) {
        if (j->kind == JOB_CONTENT_IMPORT) {
            s.rc = content_import(st, &j->cfg, j->target, j->now_ms ? j->now_ms : wall_ms(),
                                  &s.import_res, s.err, sizeof s.err);
        } else if (j->kind == JOB_EXPORT) {
            struct export_opts o = {.progress = on_progress, .ctx = j, .cancel = &j->cancel};
            struct export_keys keys;
            if (export_keys_load(&j->cfg, st, &keys, s.err, sizeof s.err) == 0)
                s.rc = export_bundle_ex(st, &keys, j->target, j->now_ms, &o, &s.export_res,
                                        s.err, sizeof s.err);
            else
                s.export_res.status = EXPORT_NO_KEY;
            export_keys_clear(&keys);
        } else {
            struct upload_opts o = {.progress = on_progress, .ctx = j, .cancel = &j->cancel,
                                    .report_only = j->report_only, .clock_ms = j->clock_ms,
                                    .last_error = j->last_error};
            s.rc = upload_pending_ex(st, &j->cfg, &o, &s.upload_res, s.err, sizeof s.err);
            /* The queue first, then what changed at the centre.  A refused batch does not
             * stop the pull; an unreachable centre does (it would only fail again). */
            enum upload_status us = s.upload_res.status;
            if (us != UPLOAD_NOT_CONFIGURED && us != UPLOAD_CONNECT_FAILED &&
                us != UPLOAD_CANCELLED && us != UPLOAD_DB) {
                struct pull_opts po = {.cancel = &j->cancel};
                s.pulled = 1;
                s.pull_rc = pull_content(st, &j->cfg, &po, j->now_ms ? j->now_ms : wall_ms(),
                                         &s.pull_res, s.pull_err, sizeof s.pull_err);
            }
        }
        store_close(st);
    } else {
        s.export_res.status = EXPORT_DB;
        s.upload_res.status = UPLOAD_DB;
    }
    pthread_mutex_lock(&j->lock);
    s.done = j->state.done;
    s.total = j->state.total;
    s.finished = 1;
    j->state = s;
    pthread_mutex_unlock(&j->lock);
    if (j->notify)
        j->notify(j->ctx);
    return NULL;
}

static int start(struct syncjob *j, struct syncjob **out, char *err, size_t errlen)
{
    pthread_mutex_init(&j->lock, NULL);
    int e = pthread_create(&j->thread, NULL, run, j);
    if (e != 0) {
        if (err && errlen)
            snprintf(err, errlen, "cannot start a worker thread: %s", strerror(e));
        pthread_mutex_destroy(&j->lock);
        util_wipe(&j->cfg, sizeof j->cfg);
        free(j);
        return -1;
    }
    *out = j;
    return 0;
}

/* A job on a path (the export's target, the bundle to import). */
static int start_path(enum job_kind kind, const struct config *cfg, const char *path,
                      int64_t now_ms, syncjob_notify_fn notify, void *ctx, struct syncjob **out,
                      char *err, size_t errlen)
{
    struct syncjob *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->kind = kind;
    j->cfg = *cfg;
    util_strlcpy(j->target, path, sizeof j->target);
    j->now_ms = now_ms;
    j->notify = notify;
    j->ctx = ctx;
    return start(j, out, err, errlen);
}

int syncjob_start_upload_as(const struct config *cfg, int report_only, int64_t clock_ms,
                            const char *last_error, syncjob_notify_fn notify, void *ctx,
                            struct syncjob **out, char *err, size_t errlen)
{
    struct syncjob *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->kind = JOB_UPLOAD;
    j->cfg = *cfg;
    j->report_only = report_only;
    j->clock_ms = clock_ms;
    j->now_ms = clock_ms; /* the pull after the upload goes by the same clock */
    util_strlcpy(j->last_error, last_error ? last_error : "", sizeof j->last_error);
    j->notify = notify;
    j->ctx = ctx;
    return start(j, out, err, errlen);
}

int syncjob_start_upload(const struct config *cfg, syncjob_notify_fn notify, void *ctx,
                         struct syncjob **out, char *err, size_t errlen)
{
    return syncjob_start_upload_as(cfg, 0, 0, NULL, notify, ctx, out, err, errlen);
}

int syncjob_start_export(const struct config *cfg, const char *target_dir, int64_t now_ms,
                         syncjob_notify_fn notify, void *ctx, struct syncjob **out, char *err,
                         size_t errlen)
{
    return start_path(JOB_EXPORT, cfg, target_dir, now_ms, notify, ctx, out, err, errlen);
}

void syncjob_poll(struct syncjob *j, struct syncjob_state *out)
{
    pthread_mutex_lock(&j->lock);
    *out = j->state;
    pthread_mutex_unlock(&j->lock);
}

void syncjob_cancel(struct syncjob *j)
{
    __atomic_store_n(&j->cancel, 1, __ATOMIC_RELAXED);
}

void syncjob_destroy(struct syncjob *j)
{
    if (!j)
        return;
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->lock);
    util_wipe(&j->cfg, sizeof j->cfg); /* the conninfo may hold a password */
    free(j);
}

int syncjob_start_content_import(const struct config *cfg, const char *bundle_path,
                                 int64_t now_ms, syncjob_notify_fn notify, void *ctx,
                                 struct syncjob **out, char *err, size_t errlen)
{
    return start_path(JOB_CONTENT_IMPORT, cfg, bundle_path, now_ms, notify, ctx, out, err,
                      errlen);
}
