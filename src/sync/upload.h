/* upload — sends the records not yet uploaded to the central PostgreSQL database and
 * marks each one as the centre answers for it.
 *
 * Each batch of cfg->upload_batch records is one transaction holding one call of
 * kiosk_upload(rows) (kiosk-config/central/003-trust.sql): the centre stores the rows
 * under the kiosk its login is registered for and answers, per record, new / held
 * (already there: a batch sent twice, a lost acknowledgement, an ingested USB bundle) /
 * conflict (the UUID is stored with other content: kept apart and reported there) /
 * refused, with the reason.  New, held and conflicting records are marked uploaded —
 * the centre holds them, which is what retention calls acknowledged; a refused one is
 * quarantined with the server's reason (kept, never sent again, shown to staff), and
 * the rest of the batch still goes.  Marks are written only after COMMIT came back as
 * COMMIT; a dropped connection leaves the batch pending for the next attempt.
 *
 * When the server refuses a whole statement over a record's data (say bytes that are
 * not UTF-8), the batch is split in halves until the record is alone; that one is
 * quarantined with the server's message and the centre told (kiosk_report_refusal).
 * No poison pill: one bad record never blocks the others.
 *
 * Also here: the connection helpers ingest shares, and the retry back-off the kiosk's
 * periodic upload uses.
 *
 * Owns: one PGconn per call.  Uses the caller's store connection: to upload from a
 * worker thread, give it its own connection (sync/syncjob.h does).
 * Never does: UI, editing a record's content, reading the centre's tables. */
#ifndef KIOSK_UPLOAD_H
#define KIOSK_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

struct store;
struct config;

enum upload_status {
    UPLOAD_OK,              /* every pending record was sent (or there was none) */
    UPLOAD_NOT_CONFIGURED,  /* [upload] conninfo is empty */
    UPLOAD_CONNECT_FAILED,  /* the server could not be reached or refused the login */
    UPLOAD_CONNECTION_LOST, /* the connection dropped during a batch */
    UPLOAD_REJECTED,        /* the server refused the upload (login not registered,
                             * permissions, schema too old) */
    UPLOAD_DB,              /* the kiosk database could not be read or marked */
    UPLOAD_CANCELLED,       /* stopped on request between batches */
};

struct upload_result {
    enum upload_status status;
    long pending;       /* records waiting when the upload started */
    long sent;          /* records in batches the server committed */
    long inserted;      /* of those, new at the centre */
    long duplicates;    /* of those, already there (sent before, or ingested) */
    long conflicts;     /* of those, the centre holds other content under the UUID */
    long quarantined;   /* refused by the centre now (or earlier, in a bundle) */
    long remaining;     /* still pending afterwards */
    int batches;        /* committed batches */
    int reported;       /* the status report (sync/heartbeat.h) reached the centre */
    long wiped;         /* delivered records whose personal fields retention wiped */
    int64_t clock_skew_s; /* then: the kiosk's clock minus the centre's, in seconds */
};

typedef void (*upload_progress_fn)(void *ctx, int done, int total);

struct upload_opts {
    upload_progress_fn progress; /* after each committed batch; may be NULL */
    void *ctx;
    const int *cancel;  /* checked between batches (__atomic_load_n); may be NULL */
    int report_only;    /* send the status report, no records (the periodic heartbeat
                         * of a kiosk that uploads only on demand) */
    int64_t clock_ms;   /* the kiosk's clock for the report (0: the wall clock) */
    const char *last_error; /* the previous attempt's failure, for the report; may be NULL */
};

/* Uploads every pending record in batches, then (with [upload] heartbeat_s > 0) sends
 * the kiosk's status report on the same connection — also when there is nothing to send.
 * Afterwards retention (sync/retention.h) wipes what is due.
 * Returns 0 when all were sent (res->remaining 0; also when there was nothing to send),
 * -1 with a sentence in err and res->status otherwise; records of committed batches stay
 * marked, the rest stay pending. */
int upload_pending(struct store *st, const struct config *cfg, upload_progress_fn progress,
                   void *ctx, struct upload_result *res, char *err, size_t errlen);
/* The same with options; opts may be NULL. */
int upload_pending_ex(struct store *st, const struct config *cfg,
                      const struct upload_opts *opts, struct upload_result *res, char *err,
                      size_t errlen);

/* A short sentence for a status, zh != 0 for Chinese.  Static storage. */
const char *upload_status_text(enum upload_status status, int zh);

/* ---- shared with ingest ------------------------------------------------------------ */

/* Connects with conninfo (a libpq connection string or URI; "" uses the PG* environment),
 * giving up after connect_timeout_s, and sets statement_timeout (0: server default).
 * application_name becomes `app` and the version, e.g. "kiosk-upload 0.3.0 (1a2b3c)".
 * Returns the connection (PQfinish it) or NULL with a sentence in err. */
PGconn *upload_connect(const char *conninfo, int connect_timeout_s, int statement_timeout_ms,
                       const char *app, char *err, size_t errlen);

/* The server's one-line message for a failed result r (may be NULL: the connection's
 * last error), without libpq's "ERROR:" prefix and detail lines. */
void upload_pg_message(PGconn *c, const PGresult *r, char *out, size_t size);

/* Runs a command that returns no rows.  For COMMIT, success also requires the command
 * tag COMMIT: a transaction that failed earlier "commits" as ROLLBACK with status OK.
 * Returns 0, or -1 with the server's message in msg. */
int upload_pg_command(PGconn *c, const char *cmd, char *msg, size_t size);

/* 1 when a failed result r is about the data sent (SQLSTATE classes 22 and 23), which
 * splitting a batch can isolate; 0 for the connection, permissions, a missing function,
 * a timeout. */
int upload_data_error(const PGresult *r);

/* ---- retry back-off for the periodic upload ----------------------------------------- */

#define UPLOAD_BACKOFF_MIN_MS (30 * 1000)
#define UPLOAD_BACKOFF_MAX_MS (30 * 60 * 1000)

/* Zero-initialised means "due now". */
struct upload_backoff {
    int64_t next_ms;    /* do not try before this time */
    int64_t delay_ms;   /* the last wait after a failure; 0 after a success */
    int failures;       /* consecutive */
};

/* 1 when an attempt may start at now_ms. */
int upload_backoff_due(const struct upload_backoff *b, int64_t now_ms);
/* After a successful upload: the next regular one is interval_s later (interval_s 0:
 * due at once, for callers that upload only on demand and ignore next_ms). */
void upload_backoff_success(struct upload_backoff *b, int64_t now_ms, int interval_s);
/* After a failed attempt: waits 30 s, then twice as long each time, at most 30 min.
 * Returns the time of the next attempt. */
int64_t upload_backoff_failure(struct upload_backoff *b, int64_t now_ms);

#endif
