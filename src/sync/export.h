/* export — day's-end collection onto a removable drive: writes the records and the event
 * log not yet collected as a bundle folder `<kiosk id>-<YYYYMMDD>-<NNN>` holding
 * records.jsonl, events.jsonl, manifest.json, SHA256SUMS (`sha256sum -c` format) and
 * SIGNATURE, and lists the drives a bundle can go to.
 *
 * Signed and sealed (format kiosk-bundle/2): SIGNATURE is one line
 *     LDSIG1 <kiosk id> <key id> <signature>
 * the kiosk's Ed25519 signature (core/identity.h, base64url) of
 *     "kiosk-bundle/2\n" <kiosk id> "\n" <the bytes of SHA256SUMS>
 * so every file of the bundle is covered through its checksum, and the centre checks it
 * against the key registered for that kiosk (kioskctl ingest).  In records.jsonl each
 * record's personal fields — everything but the few kept in clear (STORE_CLEAR_FIELDS:
 * which activity, job, training or service, ticket number, station …) — are taken out of
 * "fields" and sealed to the centre's public key ([centre] public_key) as
 *     "sealed": <base64url crypto_box_seal of the JSON object of those fields>
 * (a record whose fields are not JSON at all has "fields": null and the whole text
 * sealed).  Only the holder of the centre's secret key reads them: no name, ID number,
 * phone or certificate number is on the stick in clear.  Files are mode 0600, the folder
 * 0700: not readable by other users of a machine the stick is plugged into.
 *
 * Crash safety: everything is written into `<name>.tmp/`, each file fsync'd, the folder
 * fsync'd, renamed to its final name and the target directory fsync'd; only then are the
 * exported records and events marked collected, in one transaction.  Any failure on the
 * way (full, read-only or pulled drive, I/O error) removes the .tmp folder when it still
 * can and marks nothing, so the records simply go into the next bundle.
 *
 * Owns: nothing between calls.  Uses the caller's store connection for the whole call:
 * run it on a worker thread only with a connection of its own (see sync/syncjob.h).
 * Never does: network, UI, editing a record's content. */
#ifndef KIOSK_EXPORT_H
#define KIOSK_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/identity.h"

struct config;
struct store;

/* manifest.json "format": the bundle layout's version, raised only when the layout of
 * the files changes (not with the kiosk database's schema_version). */
#define BUNDLE_FORMAT "kiosk-bundle/2"
#define BUNDLE_SIGNATURE_FILE "SIGNATURE"
#define BUNDLE_SIGNATURE_MAGIC "LDSIG1"

/* What happened, for a screen to say in the staff's language (export_status_text). */
enum export_status {
    EXPORT_OK,          /* a bundle was written and its records marked */
    EXPORT_NOTHING,     /* no record waiting: no folder made */
    EXPORT_NO_TARGET,   /* the target folder is missing (drive not inserted or pulled) */
    EXPORT_NO_SPACE,    /* the drive is full */
    EXPORT_READ_ONLY,   /* the drive is write-protected or mounted read-only */
    EXPORT_IO,          /* any other write error */
    EXPORT_DB,          /* the kiosk database could not be read or marked */
    EXPORT_CANCELLED,   /* stopped on request; nothing marked */
    EXPORT_NO_KEY,      /* no kiosk key to sign with or no centre key to seal to */
};

/* What signs and seals a bundle: the kiosk's identity and the centre's public key.
 * export_keys_load fills it from the configuration and the data directory. */
struct export_keys {
    struct identity *kiosk;         /* owned */
    struct identity_pub centre;
    int has_centre;
};

/* Loads the kiosk's identity (never made here) and parses [centre] public_key.  Returns
 * 0 when both are there, -1 with a sentence in err otherwise (keys holds what loaded;
 * export_keys_clear it either way). */
int export_keys_load(const struct config *cfg, struct store *st, struct export_keys *keys,
                     char *err, size_t errlen);
void export_keys_clear(struct export_keys *keys);

struct export_result {
    enum export_status status;
    char bundle[128];       /* folder name, e.g. "LD01-20240501-001" */
    char path[4096];        /* target_dir/bundle */
    int records, events;    /* rows in the bundle */
    int64_t first_seq, last_seq; /* record seq range (0 when none) */
};

typedef void (*export_progress_fn)(void *ctx, int done, int total);

struct export_opts {
    export_progress_fn progress; /* may be NULL; called on the calling thread */
    void *ctx;
    /* Checked between rows; when it becomes non-zero the export stops as a failure
     * (EXPORT_CANCELLED).  May be NULL.  Read with __atomic_load_n. */
    const int *cancel;
    /* Test hook: pretend the drive fills up after this many bytes of file data (0: off).
     * Lets tests exercise the ENOSPC path where mounting a tiny tmpfs is not allowed. */
    int64_t fail_after_bytes;
};

/* Writes a bundle of every record and event not yet collected into target_dir, signed
 * with keys->kiosk and its personal fields sealed to keys->centre (EXPORT_NO_KEY when
 * either is missing: nothing personal ever goes out in clear), named
 * from the store's kiosk id, the local date of now_ms and the next sequence number of
 * that day (kept in meta, so numbers never repeat even when folders are deleted).
 * progress(ctx, done, total) reports rows written.
 * Returns 0 on success (res->records > 0, res->status EXPORT_OK) or when there is
 * nothing new (res->records == 0, EXPORT_NOTHING, no folder made); -1 with a sentence in
 * err and res->status telling why, nothing marked and no folder under the final name.
 * Events alone do not make a bundle: they travel with the next one that has records. */
int export_bundle(struct store *st, const struct export_keys *keys, const char *target_dir,
                  int64_t now_ms, struct export_result *res, export_progress_fn progress,
                  void *ctx, char *err, size_t errlen);
/* The same with options (cancel flag, test hook); opts may be NULL. */
int export_bundle_ex(struct store *st, const struct export_keys *keys, const char *target_dir,
                     int64_t now_ms, const struct export_opts *opts, struct export_result *res,
                     char *err, size_t errlen);

/* A short sentence for a status, zh != 0 for Chinese.  Static storage. */
const char *export_status_text(enum export_status status, int zh);

/* Fills paths with candidate USB targets: mount points /media/X, /media/X/Y,
 * /run/media/X and /run/media/X/Y that /proc/self/mounts lists and that are writable
 * directories.  Returns how many (at most max). */
int export_list_drives(char paths[][512], int max);
/* The same over another mounts table and other roots (for tests). */
int export_list_drives_from(const char *mounts_path, const char *const *roots, int nroots,
                            char paths[][512], int max);

#endif
