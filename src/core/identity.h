/* identity — Ed25519 key pairs (libsodium) and what is done with them: signing,
 * verifying against a public key, sealing data to a public key and opening it again.
 *
 * Two kinds of key pair use this module: each kiosk's own (DATA_DIR/identity.key, made
 * at its first start; which key a kiosk uses and when one may be made is decided in
 * receipt/sign.h, sign_identity_open) and the centre's ([centre] secret_key_file, made
 * with `kioskctl centre keygen FILE`), whose public key kiosks hold as
 * [centre] public_key.
 *
 *   key file        one line "LDID1 <key id> <base64 of the 32-byte seed>", mode 0600,
 *                   after any comment lines starting with '#'.
 *                   Refused when group or others may access it, when it is a symlink or
 *                   not a regular file, and when the id does not match the key (damage).
 *   public key      standard base64 of the 32 bytes (44 characters, e.g. what
 *                   `kioskctl identity` prints and `centre add-kiosk --pubkey` takes)
 *   key id          first 8 hex digits of SHA-256(public key): names a key in receipts,
 *                   bundles and the registry's key history without spelling it out
 *   signature       64 bytes (Ed25519, detached); as text base64url without padding
 *                   (86 characters), decoded strictly (one spelling per signature)
 *   sealed text     crypto_box_seal to the Curve25519 form of the recipient's Ed25519
 *                   public key, base64url without padding; only the holder of the
 *                   matching secret key opens it, the sender cannot
 *
 * Typical uses:
 *     struct identity *me;                       // a key pair with its secret
 *     identity_load(path, &me, err, sizeof err);
 *     char sig[IDENTITY_SIG_TEXT];
 *     identity_sign_text(me, msg, len, sig);
 *
 *     struct identity_pub pk;                    // a public key only
 *     if (identity_pub_parse(cfg->centre_public_key, &pk) == 0 &&
 *         identity_verify_text(&pk, msg, len, sig, strlen(sig))) … genuine …
 *
 * Owns: the secret key bytes (wiped on identity_free).  Never does: decide which key a
 * kiosk should use, talk to a database, or print. */
#ifndef KIOSK_IDENTITY_H
#define KIOSK_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define IDENTITY_KEY_FILE "identity.key"
#define IDENTITY_PK_BYTES 32
#define IDENTITY_PK_TEXT 45         /* 44 base64 characters + NUL */
#define IDENTITY_SIG_BYTES 64
#define IDENTITY_SIG_TEXT 87        /* 86 base64url characters + NUL */
#define IDENTITY_KEY_ID_LEN 8       /* hex digits */

/* The DEMO centre key pair, kiosk-config/demo-centre.key: for the demo configuration and
 * the tests only.  Its secret half is public, so whatever is sealed to it is readable by
 * anyone; `kioskctl check` fails on a kiosk configured with it outside the shipped demo
 * configurations. */
#define IDENTITY_DEMO_CENTRE_KEY "x8o4ckvzVof6XslH5rLPsJUP582hD3TtZ2myeZYyXno="

/* A public key, parsed and checked, with its id and text form. */
struct identity_pub {
    uint8_t key[IDENTITY_PK_BYTES];
    char id[IDENTITY_KEY_ID_LEN + 1];
    char text[IDENTITY_PK_TEXT];
};

/* A key pair (opaque: the secret part stays inside). */
struct identity;

/* Loads the key file at path.  Returns 0 with *out (identity_free), or -1 with a
 * sentence in err (missing: errno ENOENT afterwards, so callers can tell "absent"
 * from "damaged"). */
int identity_load(const char *path, struct identity **out, char *err, size_t errlen);
/* Makes a new key pair and writes it to path: a private temporary file beside it
 * (O_EXCL, 0600), fsync'd, linked into place (never over an existing file), the
 * directory fsync'd.  When path already exists, nothing is written and -1 is returned
 * with errno EEXIST.  Returns 0 with *out, or -1 with err. */
int identity_create(const char *path, struct identity **out, char *err, size_t errlen);
/* Wipes and frees; NULL is fine. */
void identity_free(struct identity *id);

/* The key pair's public half (owned by the key pair). */
const struct identity_pub *identity_public(const struct identity *id);
const char *identity_key_id(const struct identity *id);

/* Ed25519 signature of msg. */
void identity_sign(const struct identity *id, const void *msg, size_t len,
                   uint8_t sig[IDENTITY_SIG_BYTES]);
/* The same as text (base64url, no padding, NUL-terminated). */
void identity_sign_text(const struct identity *id, const void *msg, size_t len,
                        char out[IDENTITY_SIG_TEXT]);
/* A 32-byte secret derived from the key pair for `purpose` (e.g. "receipt-no"): keyed
 * BLAKE2b of the purpose under the seed.  Lets one key file serve other keyed uses
 * without those uses ever touching the signing key. */
void identity_derive(const struct identity *id, const char *purpose, uint8_t out[32]);

/* Parses a public key's text (base64, 44 characters; surrounding spaces allowed).
 * Returns 0, or -1 when it is not exactly a 32-byte key in canonical spelling. */
int identity_pub_parse(const char *text, struct identity_pub *out);
/* 1 when sig is pk's signature of msg, 0 otherwise. */
int identity_verify(const struct identity_pub *pk, const void *msg, size_t len,
                    const uint8_t sig[IDENTITY_SIG_BYTES]);
/* The same for a signature's text (sig_len characters, not necessarily NUL-terminated);
 * anything but the canonical 86-character spelling is refused (0). */
int identity_verify_text(const struct identity_pub *pk, const void *msg, size_t len,
                         const char *sig, size_t sig_len);

/* Seals msg to pk.  Returns a malloc'd NUL-terminated base64url text (free it), or NULL
 * when pk cannot receive (not a valid point). */
char *identity_seal(const struct identity_pub *pk, const void *msg, size_t len);
/* Opens a sealed text (text_len characters) with the key pair.  Returns the malloc'd
 * plaintext, NUL-terminated (its length in *out_len, may be NULL), or NULL when the text
 * was not sealed to this key or was altered.  The caller wipes and frees it. */
char *identity_unseal(const struct identity *id, const char *text, size_t text_len,
                      size_t *out_len);

#endif
