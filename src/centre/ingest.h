/* ingest — at the centre, loads a bundle folder written by a kiosk's export
 * (sync/export.h, format kiosk-bundle/2) into the central database.
 *
 * Refused whole, with one sentence and nothing loaded: a folder holding anything but the
 * bundle's plain files (a symlink, a directory, a device, an unknown file), a file over
 * its size limit, an unsigned bundle, a signature that is not the key the registry holds
 * for the bundle's kiosk (a changed record with recomputed checksums), a retired or
 * unregistered kiosk, a file not covered by SHA256SUMS or not matching it, a manifest of
 * another kiosk or format, a record of another kiosk, sealed fields that do not open with
 * the centre's secret key ([centre] secret_key_file).
 *
 * Otherwise the personal fields are opened and put back into each record, and everything
 * goes in one transaction through centre_ingest_records (the centre sets kiosk, source and
 * time; records already there are "held", not doubled; other content under a stored UUID
 * goes to kiosk_conflicts) together with the event log.  A record the centre refuses is
 * noted in kiosk_refusals with the reason and the rest of the bundle still loads; the
 * kiosk quarantines it at its next upload.
 *
 * Owns: one PGconn per call.  Never does: write into the bundle, touch a kiosk database,
 * follow a link inside a bundle, read more of a file than its limit. */
#ifndef KIOSK_CENTRE_INGEST_H
#define KIOSK_CENTRE_INGEST_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/identity.h"

/* Size limits: a year of one busy kiosk is ~50 MB of records. */
#define INGEST_MAX_RECORDS_BYTES (256L << 20)
#define INGEST_MAX_EVENTS_BYTES (64L << 20)
#define INGEST_MAX_SMALL_BYTES (64L << 10) /* manifest.json, SHA256SUMS, SIGNATURE */

struct ingest_opts {
    const char *conninfo;          /* "" uses the PG* environment */
    const char *secret_key_file;   /* the centre's key pair; "" or NULL: none */
};

struct ingest_result {
    char bundle[128];       /* the bundle's name (from its manifest) */
    char kiosk_id[64];
    char key_id[16];        /* the kiosk key that signed it */
    long records;           /* records in the bundle */
    long inserted;          /* new at the centre */
    long already;           /* already there (uploaded, or ingested before) */
    long conflicts;         /* the centre holds other content under the UUID */
    long refused;           /* refused by the centre (kiosk_refusals says why) */
    char first_refusal[256]; /* the reason of the first one */
    long events, events_inserted;
};

/* Checks the bundle at bundle_dir and loads it.  Returns 0, or -1 with a sentence in err
 * and nothing loaded. */
int ingest_bundle(const char *bundle_dir, const struct ingest_opts *opts,
                  struct ingest_result *res, char *err, size_t errlen);

/* ---- the checks alone (no database; for tests and tools) ---------------------------- */

/* Finds the public key `key_id` of kiosk `kiosk_id` (the registry at the centre).
 * Returns 0 with *out and *retired, 1 when there is no such key, -1 on an error (msg). */
typedef int (*ingest_key_fn)(void *ctx, const char *kiosk_id, const char *key_id,
                             struct identity_pub *out, int *retired, char *msg, size_t size);

/* A bundle read and checked: every check above but the loading. */
struct ingest_data;

/* Reads and checks bundle_dir, keys finding the signer's key, secret_key_file (may be
 * NULL or "") opening the sealed fields.  Returns 0 with *out (ingest_data_free), or -1
 * with the sentence ingest_bundle would give. */
int ingest_read(const char *bundle_dir, ingest_key_fn keys, void *ctx,
                const char *secret_key_file, struct ingest_data **out, char *err,
                size_t errlen);
/* The bundle's kiosk, and how many records it holds. */
const char *ingest_data_kiosk(const struct ingest_data *d);
long ingest_data_count(const struct ingest_data *d);
/* Record i as the centre receives it: the kiosk's JSON line, sealed fields opened. */
const char *ingest_data_record(const struct ingest_data *d, long i);
void ingest_data_free(struct ingest_data *d);

/* A bundle's manifest.json. */
struct ingest_manifest {
    char kiosk_id[64], bundle[128], format[32], sealed_to[16];
    long record_count, event_count;
};

/* Parses manifest text (NUL-terminated) with db's JSON functions (any connection, e.g.
 * ":memory:").  Returns 0, or -1 with a sentence in err.  (The fuzz harness
 * tests/fuzz/fuzz_manifest.c calls it directly.) */
int ingest_parse_manifest(sqlite3 *db, const char *text, struct ingest_manifest *m,
                          char *err, size_t errlen);

#endif
