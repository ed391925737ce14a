/* retention — PIPL art. 19: personal data is kept no longer than needed.  Once the centre
 * holds a record (uploaded, or answered "held" by a later upload after its USB bundle was
 * loaded) and the record is older than [privacy] retention_days (default 30), the kiosk
 * wipes its personal fields: what stays is the UUID, kind, times, the kiosk and the
 * fields that say what was done (STORE_CLEAR_FIELDS), with "wiped": true — enough for
 * deduplication and the kiosk's own figures, nothing about the person.
 *
 * The wipe runs on the connection of the upload worker (sync/upload.h calls it after
 * each upload and status report), in short transactions of RETENTION_BATCH records, with
 * secure_delete on so the old bytes are overwritten in the file, and gives the freed pages
 * back a few at a time (incremental_vacuum) — never a VACUUM that would lock the kiosk
 * out while it serves.  A kiosk whose records never reach the centre keeps them.
 *
 * Owns: nothing. */
#ifndef KIOSK_RETENTION_H
#define KIOSK_RETENTION_H

#include <stdint.h>

struct store;
struct config;

#define RETENTION_BATCH 200
#define RETENTION_VACUUM_PAGES 64 /* pages given back a step */

/* Wipes the records due at now_ms (the kiosk's clock).  Returns how many were wiped, or -1
 * (the store logged why; what was wiped before stays wiped). */
long retention_run(struct store *st, const struct config *cfg, int64_t now_ms);

#endif
