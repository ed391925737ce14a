/* heartbeat — the kiosk's status report to the centre (kiosk_heartbeat,
 * kiosk-config/central/005-heartbeat.sql): sent every [upload] heartbeat_s by the upload
 * worker, with or without records to send, and after every upload, so that a kiosk that
 * has gone quiet can be told from one that is dead (`kioskctl centre fleet`).
 *
 * It carries: the kiosk's version and clock, its newest sequence number, how many records
 * wait and since when, how many are quarantined, the printer's last state, the free space
 * of the data directory, how many 呼叫工作人员 requests wait for staff (app/help.h) and
 * the last error.  Never a person's data.  The centre answers
 * with its own clock; the difference is kept (clock_centre_note, store/clock.h) for the
 * staff screen and `kioskctl check`.
 *
 * Owns: nothing.  Uses the caller's connections (the worker's own store connection). */
#ifndef KIOSK_HEARTBEAT_H
#define KIOSK_HEARTBEAT_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

struct config;
struct store;

struct heartbeat_status {
    char clock[32];             /* the kiosk's clock at the report (UTC) */
    int64_t last_seq, pending, quarantined;
    char oldest_pending[32];    /* "" when nothing waits */
    char printer[200];          /* ok | none | unknown | failed: <why> */
    int64_t free_disk_mb;       /* -1 when unknown */
    int64_t help_open;          /* 呼叫工作人员 requests not yet marked 已处理 */
};

/* Fills *out from the store, the configuration and the data directory; now_ms is the
 * kiosk's clock.  Returns 0 or -1 (the store logged why). */
int heartbeat_collect(struct store *st, const struct config *cfg, int64_t now_ms,
                      struct heartbeat_status *out);

/* Collects and sends the report on c, last_error ("" for none) included.  On success
 * *skew_s (may be NULL) gets the kiosk's clock minus the centre's, in seconds, also kept
 * in meta.  Returns 0, or -1 with the server's sentence in err. */
int heartbeat_send(PGconn *c, struct store *st, const struct config *cfg, int64_t now_ms,
                   const char *last_error, int64_t *skew_s, char *err, size_t errlen);

#endif
