/* ingest — at the centre, loads a bundle folder written by export (sync/export.h) into the
 * central database: checks every checksum first and that every record is the manifest's
 * kiosk's, then stores the records through centre_ingest_records (the centre sets the
 * kiosk, source and time; records already there are "held", not doubled; other content
 * under a stored UUID goes to kiosk_conflicts) and inserts the event log, in one
 * transaction.  A record the centre refuses is noted in kiosk_refusals with the reason
 * and the rest of the bundle still loads; the kiosk quarantines it at its next upload.
 *
 * Owns: one PGconn per call.  Never does: write into the bundle, touch a kiosk database,
 * load anything from a bundle whose checksums do not all match. */
#ifndef KIOSK_INGEST_H
#define KIOSK_INGEST_H

#include <stddef.h>

struct ingest_result {
    char bundle[128];       /* the bundle's name (from its manifest) */
    char kiosk_id[64];
    long records;           /* records in the bundle */
    long inserted;          /* new at the centre */
    long already;           /* already there (uploaded, or ingested before) */
    long conflicts;         /* the centre holds other content under the UUID */
    long refused;           /* refused by the centre (kiosk_refusals says why) */
    char first_refusal[256]; /* the reason of the first one */
    long events, events_inserted;
};

/* Verifies bundle_dir/SHA256SUMS (every listed file present and matching, records.jsonl
 * and manifest.json among them), checks manifest.json against records.jsonl, then loads
 * everything into the database at conninfo ("" uses the PG* environment) in one
 * transaction.  Returns 0, or -1 with a sentence in err and nothing loaded. */
int ingest_bundle(const char *bundle_dir, const char *conninfo, struct ingest_result *res,
                  char *err, size_t errlen);

/* Only the checksum step: 0 when every file listed in SHA256SUMS is present and matches,
 * -1 with a sentence naming the first bad file. */
int ingest_verify(const char *bundle_dir, char *err, size_t errlen);

#endif
