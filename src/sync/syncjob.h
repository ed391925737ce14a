/* syncjob — runs an export or a sync (the upload, then the pull of what the centre
 * published: sync/pull.h) on a worker thread so the kiosk's screen stays responsive
 * while a USB drive or the network is slow.
 *
 * The worker opens its own connection to the store (store_open on the same data
 * directory; WAL lets it read and mark while the UI's connection keeps writing) and
 * never touches the UI's connection or any SDL object.  The UI polls syncjob_poll() from
 * its loop, or wakes on the notify callback, which the worker calls from its own thread
 * after each progress step and once at the end (SDL_PushEvent is safe there).
 *
 * Owns: the thread, its store connection and a copy of the configuration.
 * Every syncjob_start_* that returned 0 is matched by one syncjob_destroy. */
#ifndef KIOSK_SYNCJOB_H
#define KIOSK_SYNCJOB_H

#include <stddef.h>
#include <stdint.h>

#include "sync/content_bundle.h"
#include "sync/export.h"
#include "sync/pull.h"
#include "sync/upload.h"

struct config;
struct syncjob;

typedef void (*syncjob_notify_fn)(void *ctx);

struct syncjob_state {
    int finished;           /* 1 once the worker is done (rc, err and results are final) */
    int done, total;        /* progress so far */
    int rc;                 /* 0 or -1, valid when finished */
    char err[512];
    struct export_result export_res;  /* for an export job */
    struct upload_result upload_res;  /* for an upload job */
    /* For an upload job: the pull that follows it (not tried when the centre could not
     * be reached: pulled 0). */
    int pulled;
    int pull_rc;
    char pull_err[512];
    struct pull_result pull_res;
    struct content_import_result import_res; /* for a content import job */
};

/* Starts uploading the pending records of the store in cfg->data_dir (kiosk id
 * cfg->kiosk_id), then pulling what the centre published.  Returns 0 and the job, or -1
 * with a sentence in err.  rc and err are the upload's; the pull's are apart. */
int syncjob_start_upload(const struct config *cfg, syncjob_notify_fn notify, void *ctx,
                         struct syncjob **out, char *err, size_t errlen);
/* The same, choosing what goes: report_only sends the status report and no records (the
 * heartbeat of a kiosk that uploads on demand only); clock_ms is the kiosk's clock for
 * the report (0: the wall clock), last_error the previous attempt's failure (may be
 * NULL). */
int syncjob_start_upload_as(const struct config *cfg, int report_only, int64_t clock_ms,
                            const char *last_error, syncjob_notify_fn notify, void *ctx,
                            struct syncjob **out, char *err, size_t errlen);
/* Starts exporting into target_dir with now_ms as the export time. */
int syncjob_start_export(const struct config *cfg, const char *target_dir, int64_t now_ms,
                         syncjob_notify_fn notify, void *ctx, struct syncjob **out, char *err,
                         size_t errlen);

/* Starts verifying and applying the content bundle folder at bundle_path. */
int syncjob_start_content_import(const struct config *cfg, const char *bundle_path,
                                 int64_t now_ms, syncjob_notify_fn notify, void *ctx,
                                 struct syncjob **out, char *err, size_t errlen);

/* Copies the current state.  Cheap; safe from any thread. */
void syncjob_poll(struct syncjob *j, struct syncjob_state *out);
/* Asks the worker to stop at the next safe point (between batches or rows); an export
 * stopped this way marks nothing. */
void syncjob_cancel(struct syncjob *j);
/* Waits for the worker to finish (cancel first to make that quick) and frees the job. */
void syncjob_destroy(struct syncjob *j);

#endif
