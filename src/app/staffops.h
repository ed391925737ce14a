/* staffops — the application side of staff mode: the PIN check with its event log, the
 * figures of 今日统计, today's receipts (for a reprint), the drives an export can go to,
 * the export and upload jobs on worker threads, and the kiosk's periodic background
 * upload.
 *
 * Upload: the kiosk has ONE upload scheduler (struct staffops_upload, held by struct
 * app); each of its jobs uploads, then pulls what the centre published (sync/syncjob.h).
 * The staff's 立即同步 and the periodic upload ([upload] interval_s > 0) both go
 * through it, so two uploads never run at once.  It starts a syncjob (its own thread and
 * database connection), is polled every STAFFOPS_POLL_MS while the job runs, and after a
 * failure waits as upload_backoff says (30 s doubling to 30 min).  Every job also sends
 * the kiosk's status report (sync/heartbeat.h); when no upload is due, a job with the
 * report alone goes every [upload] heartbeat_s, so a kiosk with nothing to send is still
 * seen at the centre.  Nothing here blocks
 * the screen, except in script mode (wait_jobs): there time is virtual, so a poll waits
 * for the worker to finish and a scenario sees the same outcome on every machine.
 *
 * Export drives: the mounted drives under /media and /run/media (export_list_drives), or,
 * when the environment variable KIOSK_EXPORT_DRIVES is set, the directories it lists
 * (separated by ':'; each must be an existing writable directory).  The variable is for
 * tests and for halls whose drives are mounted elsewhere.
 *
 * Operations and their cost: figures are four grouped counts over records_by_date plus
 * two counts of pending rows (a few ms for a year of records); receipts one indexed join.
 *
 * Owns: the upload scheduler and its job.  Never does: UI, catalogue texts (screens turn
 * the results into sentences), keep a PIN after a call returns. */
#ifndef KIOSK_STAFFOPS_H
#define KIOSK_STAFFOPS_H

#include <stddef.h>
#include <stdint.h>

#include "app/staffauth.h"
#include "receipt/receipt.h"
#include "sync/syncjob.h"

struct config;
struct store;

#define STAFFOPS_POLL_MS 150        /* how often a running job is looked at */
#define STAFFOPS_FIRST_UPLOAD_MS 10000 /* the periodic upload's first try after start */
#define STAFFOPS_KINDS 6
#define STAFFOPS_MAX_ACTIVITIES 6
#define STAFFOPS_MAX_DRIVES 8
#define STAFFOPS_EXPORT_ENV "KIOSK_EXPORT_DRIVES"

/* ---- PIN --------------------------------------------------------------------------- */

/* staffauth_try() plus the event log: "staff_login", "staff_pin_wrong" or
 * "staff_pin_locked" (never the PIN).  Arguments and result as staffauth_try. */
enum staffauth_result staffops_try_pin(struct store *st, const char *pin, int64_t now_ms,
                                       int64_t *retry_at_ms);
/* When the keypad's lock ends (meta staff_pin_locked_until, capped as staffauth_try
 * caps it), or 0 when it is not locked at now_ms or the database cannot say. */
int64_t staffops_pin_locked_until(struct store *st, int64_t now_ms);
/* Logs a staff-mode event without personal data ("staff_leave", "staff_quit" …). */
void staffops_log(struct store *st, int64_t now_ms, const char *kind, const char *detail);

/* ---- figures -------------------------------------------------------------------------- */

/* The record kinds of PRODUCT.md in the order the staff screen lists them. */
const char *staffops_kind(int i);

struct staffops_activity {
    char title[128];
    int count;
};

struct staffops_figures {
    char date[11];                          /* local YYYY-MM-DD the figures are for */
    int total;                              /* records of the day */
    int by_kind[STAFFOPS_KINDS];            /* in staffops_kind() order */
    int visits;                             /* check-ins that were visits to the hall */
    struct staffops_activity act[STAFFOPS_MAX_ACTIVITIES]; /* most check-ins first */
    int nact;
    int more_act;                           /* activities with check-ins not in act[] */
    int not_collected;                      /* any day: not yet in an exported bundle */
    int not_uploaded;                       /* any day: not yet at the centre */
    int quarantined;                        /* any day: refused by the centre, kept here */
    char quarantine_reason[200];            /* the latest one's, as the centre said it */
};

/* Fills *out for the local day of now_ms.  Returns 0, or -1 on a database error
 * (logged; *out then holds zeros). */
int staffops_figures(struct store *st, int64_t now_ms, struct staffops_figures *out);

/* ---- receipts ------------------------------------------------------------------------- */

struct staffops_receipt {
    char uuid[37];
    char receipt_no[RECEIPT_NO_SIZE];
    char kind[24];
    char time[6];                           /* local HH:MM */
    char state[12];                         /* pending | printed | failed | none */
};

/* Today's receipts (local day of now_ms), newest first, at most max.  Returns how many,
 * or -1 on a database error (logged). */
int staffops_receipts(struct store *st, int64_t now_ms, struct staffops_receipt *out, int max);

/* ---- printer -------------------------------------------------------------------------- */

struct app;

enum staffops_print {
    STAFFOPS_PRINT_QUEUED,      /* handed to the printer's worker; the outcome arrives as
                                 * a->last_print (receipts_poll) */
    STAFFOPS_PRINT_NO_PRINTER,  /* [printer] device = none */
    STAFFOPS_PRINT_NOT_RUNNING, /* configured, but the printer did not start */
    STAFFOPS_PRINT_NO_RECEIPT,  /* reprint: the receipt cannot be laid out (logged) */
    STAFFOPS_PRINT_FAILED,      /* rendering failed or the queue is full */
};

/* 打印测试页: the test page (receipt_layout_test) rendered for [printer] paper_dots and
 * queued; it makes no receipts row. */
enum staffops_print staffops_print_test(struct app *a);
/* 补打回执: uuid's receipt laid out again and queued; its row goes back to pending. */
enum staffops_print staffops_reprint(struct app *a, const char *uuid);

/* ---- export ---------------------------------------------------------------------------- */

struct staffops_drive {
    char path[512];
    char name[128];         /* the last part of the path: the drive's label as mounted */
    int64_t free_bytes;     /* -1 when unknown */
};

/* The drives an export may go to (see the top of this file), at most max.  Returns how
 * many. */
int staffops_drives(struct staffops_drive *out, int max);

/* The newest content bundle of the centre on the drive at drive_path, into out.  1
 * found, 0 none. */
int staffops_content_bundle(const char *drive_path, char *out, size_t size);

/* Reads the job's state.  wait (script mode) first waits, in real time, for the worker
 * to finish.  Safe to call after the job finished, as often as wanted. */
void staffops_job_poll(struct syncjob *j, int wait, struct syncjob_state *out);

/* ---- upload scheduler ------------------------------------------------------------------- */

struct staffops_upload;

struct staffops_upload_status {
    int configured;         /* [upload] conninfo is set */
    int periodic;           /* interval_s > 0: uploads by itself */
    int running;            /* a job is under way: done/total are its progress */
    int done, total;
    int have_result;        /* a job finished since start: rc, res, err, finished_ms */
    int rc;
    struct upload_result res;
    char err[512];
    int pulled;             /* the pull after the upload ran: pull_rc, pull */
    int pull_rc;
    struct pull_result pull;
    int64_t finished_ms;
    int failures;           /* consecutive failed attempts */
    int64_t next_ms;        /* the next periodic attempt (INT64_MAX: none planned) */
};

/* Makes the scheduler for cfg (copied) at now_ms.  wait_jobs: script mode (see above).
 * Never fails (aborts when out of memory). */
struct staffops_upload *staffops_upload_create(const struct config *cfg, int64_t now_ms,
                                               int wait_jobs);
/* Cancels a running job (stopped between batches: committed batches stay marked, the
 * rest stays pending), waits for it and frees.  NULL is fine. */
void staffops_upload_destroy(struct staffops_upload *u);

/* Starts an upload and pull now (the staff's 立即同步).  Returns 0 when started, 1 when one is
 * already running (its progress is what status shows), -1 with a sentence in err
 * (not configured, no thread). */
int staffops_upload_start(struct staffops_upload *u, int64_t now_ms, char *err, size_t errlen);
/* When staffops_upload_tick must run next: the next poll while a job runs, the next
 * periodic attempt, or INT64_MAX. */
int64_t staffops_upload_deadline(const struct staffops_upload *u);
/* Polls the running job (its end is logged as an "upload_attempt" event and feeds the
 * back-off) and starts the periodic upload when it is due.  st is the caller's
 * connection, used only for the event log. */
void staffops_upload_tick(struct staffops_upload *u, struct store *st, int64_t now_ms);
void staffops_upload_status(const struct staffops_upload *u, struct staffops_upload_status *out);

#endif
