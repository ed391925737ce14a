/* upload — sends the records not yet uploaded to the central PostgreSQL database
 * (table kiosk_records, kiosk-config/central/) and marks them uploaded.
 *
 * Each batch of cfg->upload_batch records is one transaction holding one multi-row
 * INSERT … ON CONFLICT DO NOTHING keyed by the record UUID, so a batch sent twice (a
 * lost acknowledgement, a retry, an ingested USB bundle) stores each record once.
 * Records are marked uploaded only after the server acknowledged COMMIT; a dropped
 * connection leaves the unacknowledged batch pending for the next attempt.  The
 * conflict clause has no target on purpose: naming the column needs SELECT on it,
 * and the kiosk's role may only INSERT.
 *
 * Also here: the connection and batch-insert helpers ingest shares, and the retry
 * back-off the kiosk's periodic upload uses.
 *
 * Owns: one PGconn per call.  Uses the caller's store connection: to upload from a
 * worker thread, give it its own connection (sync/syncjob.h does).
 * Never does: UI, editing a record's content, SELECT/UPDATE/DELETE at the centre. */
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
    UPLOAD_REJECTED,        /* the server refused a batch (permissions, bad data) */
    UPLOAD_DB,              /* the kiosk database could not be read or marked */
    UPLOAD_CANCELLED,       /* stopped on request between batches */
};

struct upload_result {
    enum upload_status status;
    long pending;       /* records waiting when the upload started */
    long sent;          /* records in batches the server committed */
    long inserted;      /* of those, new at the centre */
    long duplicates;    /* of those, already there (sent before, or ingested) */
    long remaining;     /* still pending afterwards */
    int batches;        /* committed batches */
};

typedef void (*upload_progress_fn)(void *ctx, int done, int total);

struct upload_opts {
    upload_progress_fn progress; /* after each committed batch; may be NULL */
    void *ctx;
    const int *cancel;  /* checked between batches (__atomic_load_n); may be NULL */
};

/* Uploads every pending record in batches.  Returns 0 when all were sent (res->remaining
 * 0; also when there was nothing to send), -1 with a sentence in err and res->status
 * otherwise; records of committed batches stay marked, the rest stay pending. */
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
 * application_name becomes `app`.  Returns the connection (PQfinish it) or NULL with
 * a sentence in err. */
PGconn *upload_connect(const char *conninfo, int connect_timeout_s, int statement_timeout_ms,
                       const char *app, char *err, size_t errlen);

/* The server's one-line message for a failed result r (may be NULL: the connection's
 * last error), without libpq's "ERROR:" prefix and detail lines. */
void upload_pg_message(PGconn *c, const PGresult *r, char *out, size_t size);

/* One row for kiosk_records.  All strings are borrowed. */
struct upload_row {
    const char *uuid, *kiosk_id, *kind, *created_at, *payload;
};
/* Runs one multi-row INSERT … ON CONFLICT DO NOTHING of rows[0..n) with `source` in the
 * source column, inside whatever transaction the caller opened.  n ≤ 10000.
 * Returns the number of rows inserted (the rest were already present), or -1 with the
 * server's message in err. */
long upload_insert_rows(PGconn *c, const struct upload_row *rows, int n, const char *source,
                        char *err, size_t errlen);

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
