/* sign — the kiosk's receipt signing key: HMAC-SHA256 (libsodium) over receipt payloads,
 * so the centre can tell a genuine receipt from a forged one.
 *
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

#endif
