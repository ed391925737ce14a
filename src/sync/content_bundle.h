/* content_bundle — the centre's content for halls without network: a folder the centre
 * writes (`kioskctl centre content-export DIR`, src/centre/content_export.c) and a kiosk
 * takes from a USB drive (`kioskctl content-import BUNDLE`, the staff screen's 导入内容).
 *
 * A bundle is a folder content-<counter>-<UTC time> holding exactly four regular files:
 *   content.jsonl   every content row the centre has, withdrawn ones too, one JSON
 *                   object a line in counter order: kind, target ('' district-wide, else
 *                   a hall id), id, counter, withdrawn, data (as a pull delivers it)
 *   halls.jsonl     the registry's halls, {"hall_id", "parent_id"} a line: which rows
 *                   reach a hall (its own, and those of the halls above it)
 *   manifest.json   {"format": "kiosk-content/1", "created_at", "counter" (the highest
 *                   row counter), "rows", "key_id", "files": {name: {"bytes", "sha256"}}}
 *   manifest.sig    the centre's Ed25519 signature of manifest.json, as identity.h
 *                   writes signature text
 * The signature covers the manifest, the manifest covers the two data files by size and
 * SHA-256: a changed byte anywhere is refused.
 *
 * Reading is hostile-proof: the folder and each file are opened without following
 * symlinks, anything but these four regular files is refused, every file is read only up
 * to its limit, and nothing is applied before the whole bundle is verified.  Applying is
 * sync/apply.h's full snapshot: the rows for the kiosk's hall ([kiosk] hall_id, else the
 * hall the registry gave it at its last pull; none: district rows only), the demo's rows
 * of the published kinds removed.  A bundle not newer than what the kiosk has (its
 * counter) changes nothing.
 *
 * Owns: nothing between calls.  Never does: UI, network. */
#ifndef KIOSK_CONTENT_BUNDLE_H
#define KIOSK_CONTENT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct config;

#define CONTENT_BUNDLE_FORMAT "kiosk-content/1"
#define CONTENT_BUNDLE_PREFIX "content-"
#define CONTENT_BUNDLE_ROWS "content.jsonl"
#define CONTENT_BUNDLE_HALLS "halls.jsonl"
#define CONTENT_BUNDLE_MANIFEST "manifest.json"
#define CONTENT_BUNDLE_SIG "manifest.sig"

/* Largest file accepted, in bytes. */
#define CONTENT_BUNDLE_MAX_ROWS_FILE (128L * 1024 * 1024)
#define CONTENT_BUNDLE_MAX_HALLS_FILE (1L * 1024 * 1024)
#define CONTENT_BUNDLE_MAX_MANIFEST (64L * 1024)
#define CONTENT_BUNDLE_MAX_SIG 256L

enum content_import_status {
    CONTENT_IMPORT_APPLIED,     /* verified and applied */
    CONTENT_IMPORT_NOT_NEWER,   /* verified; the kiosk has this or newer: nothing changed */
    CONTENT_IMPORT_REFUSED,     /* not a genuine, whole bundle: nothing changed */
    CONTENT_IMPORT_DB,          /* the kiosk database could not be written */
};

/* Why a bundle was refused, for a sentence in the staff's language. */
enum content_import_reason {
    CONTENT_REASON_NONE,
    CONTENT_REASON_NO_KEY,      /* [centre] public_key not set or not a key */
    CONTENT_REASON_SIGNATURE,   /* not signed by the centre's key, or changed since */
    CONTENT_REASON_FILES,       /* missing, extra, symlinked, oversized or unreadable files */
    CONTENT_REASON_FORMAT,      /* another format, no counter */
    CONTENT_REASON_HALL,        /* [kiosk] hall_id is not in the bundle's registry */
    CONTENT_REASON_DB,          /* the kiosk database could not be written */
};

struct content_import_result {
    enum content_import_status status;
    enum content_import_reason reason;
    int64_t counter;            /* the bundle's */
    int64_t had;                /* the kiosk's before */
    long rows;                  /* rows for this kiosk's hall */
    long changed, withdrawn, removed;
    char hall_id[40];           /* the hall whose rows were taken ("": district only) */
};

/* Verifies the bundle folder at path against [centre] public_key and applies it.
 * Returns 0 (APPLIED or NOT_NEWER) or -1 with a sentence in err and res->status. */
int content_import(struct store *st, const struct config *cfg, const char *path,
                   int64_t now_ms, struct content_import_result *res, char *err, size_t errlen);

/* A short sentence for a refusal, zh != 0 for Chinese.  Static storage. */
const char *content_import_reason_text(enum content_import_reason r, int zh);

/* The newest content bundle folder directly in dir (highest counter, then the latest
 * name), into out.  1 found, 0 none. */
int content_bundle_find(const char *dir, char *out, size_t size);

#endif
