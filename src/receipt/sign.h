/* sign — the kiosk's keys.  Two of them:
 *
 * - its Ed25519 identity (core/identity.h: DATA_DIR/identity.key), made at the first
 *   start and registered at the centre (`kioskctl identity` prints it for
 *   `centre add-kiosk --pubkey`).  It signs receipts, bundles and whatever else the
 *   centre must be able to attribute to this kiosk.  sign_identity_open decides whether
 *   the kiosk may use, make or must refuse a key: a key that was lost is never silently
 *   replaced by a new one (the new one would disown every receipt and bundle signed so
 *   far and would not be the key the registry holds);
 * - the older HMAC-SHA256 receipt key (below), kept only so that receipts printed before
 *   the identity existed keep verifying on their kiosk.
 *
 * The HMAC key (the kiosk no longer makes one; tests make one to stand for an older
 * kiosk):
 * The key is 32 random bytes made at first use and kept in DATA_DIR/receipt.key (mode
 * 0600, one line "LDKEY1 <key id> <64 hex digits>").  The key id is the first 8 hex
 * digits of SHA-256(key): it names the key in payloads without revealing it, and a
 * loaded file whose id does not match its key is refused as damaged.  A key file that
 * group or others may read or write is refused rather than used: a key others can read
 * signs nothing worth trusting.
 *
 * Owns: the key bytes (wiped on close).  Never does: know what a receipt looks like,
 * print, or store anything but the key file. */
#ifndef KIOSK_SIGN_H
#define KIOSK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/identity.h"

struct store;

#define SIGN_KEY_FILE "receipt.key"
#define SIGN_KEY_BYTES 32
#define SIGN_MAC_BYTES 32
#define SIGN_KEY_ID_LEN 8 /* hex digits */

struct sign_key;

/* Opens DATA_DIR/receipt.key; when it does not exist and `create` is set, makes a new
 * key there first (written to a private temporary file with O_CREAT|O_EXCL and mode
 * 0600, fsync'd, then linked into place so a crash never leaves a half-written key and
 * two processes racing both end up with the same key).  Returns 0 with *out (free with
 * sign_key_close), or -1 with a sentence in err. */
int sign_key_open(const char *data_dir, int create, struct sign_key **out, char *err,
                  size_t errlen);
/* Loads the key file at `path` (e.g. another kiosk's key kept at the centre).  Same
 * checks and result as sign_key_open without create. */
int sign_key_load(const char *path, struct sign_key **out, char *err, size_t errlen);
/* Wipes and frees; NULL is fine. */
void sign_key_close(struct sign_key *k);

/* The key's id: 8 lowercase hex digits, NUL-terminated, owned by the key. */
const char *sign_key_id(const struct sign_key *k);

/* HMAC-SHA256 of msg under the key into out. */
void sign_mac(const struct sign_key *k, const void *msg, size_t len,
              uint8_t out[SIGN_MAC_BYTES]);
/* 1 when tag (taglen bytes, 16..32: a tag may be the HMAC truncated to its first taglen
 * bytes) is the HMAC of msg under the key, 0 otherwise.  The comparison takes the same
 * time wherever the first difference is (sodium_memcmp). */
int sign_verify(const struct sign_key *k, const void *msg, size_t len, const uint8_t *tag,
                size_t taglen);

/* ---- the kiosk's Ed25519 identity ---------------------------------------------------- */

enum sign_identity_state {
    SIGN_IDENTITY_OK,       /* the key this kiosk has been using (or adopts, see below) */
    SIGN_IDENTITY_CREATED,  /* first start: a new key was made and recorded */
    SIGN_IDENTITY_NONE,     /* no key yet, and none was to be made (kioskctl before the
                             * kiosk's first start) */
    SIGN_IDENTITY_MISSING,  /* the kiosk had a key and its file is gone: out of service
                             * until staff put the file back or make a new key on purpose
                             * (`kioskctl identity --new`, then `centre add-kiosk --replace`) */
    SIGN_IDENTITY_FOREIGN,  /* a key file is there but is none this kiosk has used:
                             * copied in from elsewhere; out of service likewise */
    SIGN_IDENTITY_UNUSABLE, /* the file is damaged, readable by others or unreadable */
};

/* 1 for the states in which the kiosk must not serve (MISSING, FOREIGN, UNUSABLE): its
 * records could be attributed to no registered key.  The kiosk's start-up shows the
 * out-of-service screen for these. */
int sign_identity_blocks_service(enum sign_identity_state s);
/* A sentence for staff (zh != 0: Chinese), saying what to do.  Static storage. */
const char *sign_identity_state_text(enum sign_identity_state s, int zh);

/* Opens the kiosk's identity in data_dir.  The database remembers every key the kiosk
 * has used (meta identity_key_id, identity_pub:<key id>); the rules:
 *   file there, a key this kiosk used (or the database knows none yet) → OK (recorded
 *       when `create`, so an upgraded kiosk adopts its key);
 *   file there, the database knows other keys only → FOREIGN;
 *   file missing, the database knows a key → MISSING (never replaced here);
 *   file missing, the database knows none → CREATED when `create` (the first start),
 *       else NONE.
 * Returns 0 with *state and, for OK/CREATED, *out (identity_free); -1 with *state, a
 * sentence in err and *out NULL otherwise.  `create` also allows the writes to meta;
 * without it st may be read-only. */
int sign_identity_open(const char *data_dir, struct store *st, int create,
                       struct identity **out, enum sign_identity_state *state, char *err,
                       size_t errlen);
/* Staff's deliberate new key (`kioskctl identity --new`): removes the key file if there
 * is one, makes a new key and records it as the current one.  The public halves of the
 * earlier keys stay in the database, so receipts they signed keep verifying.  Returns
 * 0 with *out, -1 with err. */
int sign_identity_renew(const char *data_dir, struct store *st, struct identity **out,
                        char *err, size_t errlen);
/* Looks up a public key this kiosk has used by its id.  0 with *out, 1 unknown, -1 on a
 * database error. */
int sign_identity_known(struct store *st, const char *key_id, struct identity_pub *out);

/* The kiosk's own keys as a receipt_keys look-up (receipt/receipt.h): ctx points to one
 * of these; a payload naming another kiosk id finds no key. */
struct sign_own_keys {
    struct store *st;         /* the kiosk's database (read-only is enough) */
    const char *kiosk_id;     /* this kiosk's id */
};
int sign_own_key_lookup(void *ctx, const char *kiosk_id, const char *key_id,
                        struct identity_pub *out);

#endif
