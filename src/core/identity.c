/* identity — see identity.h.  libsodium does all of the cryptography; this file keeps
 * the key file honest (private, whole, its id matching) and the text forms strict. */
#include "core/identity.h"

#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAGIC "LDID1"
#define SEED_TEXT 45 /* base64 of 32 bytes + NUL */

struct identity {
    uint8_t seed[crypto_sign_SEEDBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    struct identity_pub pub;
};

static int sodium_ready(char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        util_seterr(err, errlen, "libsodium could not be initialised");
        return -1;
    }
    return 0;
}

static void pub_fill(struct identity_pub *p)
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p->key, sizeof p->key);
    sodium_bin2hex(p->id, sizeof p->id, h, IDENTITY_KEY_ID_LEN / 2);
    sodium_bin2base64(p->text, sizeof p->text, p->key, sizeof p->key,
                      sodium_base64_VARIANT_ORIGINAL);
}

static struct identity *from_seed(const uint8_t seed[crypto_sign_SEEDBYTES])
{
    struct identity *id = calloc(1, sizeof *id);
    if (!id)
        abort();
    memcpy(id->seed, seed, sizeof id->seed);
    crypto_sign_seed_keypair(id->pub.key, id->sk, id->seed);
    pub_fill(&id->pub);
    return id;
}

void identity_free(struct identity *id)
{
    if (!id)
        return;
    util_wipe(id, sizeof *id);
    free(id);
}

const struct identity_pub *identity_public(const struct identity *id) { return &id->pub; }
const char *identity_key_id(const struct identity *id) { return id->pub.id; }

/* ---- key files ----------------------------------------------------------------------- */

int identity_load(const char *path, struct identity **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_ready(err, errlen) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        util_seterr(err, errlen, "%s: cannot open the key: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        util_seterr(err, errlen, "%s: the key is not a regular file", path);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        util_seterr(err, errlen,
                    "%s: the key is accessible to group or others (mode %03o); refusing it,"
                    " make it 0600", path, (unsigned)(sb.st_mode & 0777));
        close(fd);
        errno = EPERM;
        return -1;
    }
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    /* Lines starting with '#' before the key are comments (the demo key says what it is). */
    char *text = buf;
    while (*text == '#') {
        char *nl = strchr(text, '\n');
        text = nl ? nl + 1 : text + strlen(text);
    }

    char kid[IDENTITY_KEY_ID_LEN + 2], b64[SEED_TEXT + 2];
    uint8_t seed[crypto_sign_SEEDBYTES];
    size_t bin_len = 0;
    const char *end = NULL;
    int ok = sscanf(text, FILE_MAGIC " %9s %46s", kid, b64) == 2 &&
             strlen(kid) == IDENTITY_KEY_ID_LEN && strlen(b64) == SEED_TEXT - 1 &&
             sodium_base642bin(seed, sizeof seed, b64, strlen(b64), NULL, &bin_len, &end,
                               sodium_base64_VARIANT_ORIGINAL) == 0 &&
             bin_len == sizeof seed && end == b64 + strlen(b64);
    util_wipe(buf, sizeof buf);
    util_wipe(b64, sizeof b64);
    struct identity *id = ok ? from_seed(seed) : NULL;
    util_wipe(seed, sizeof seed);
    if (id && strcmp(id->pub.id, kid) != 0) {
        identity_free(id);
        id = NULL;
    }
    if (!id) {
        util_seterr(err, errlen, "%s: the key file is damaged", path);
        errno = EINVAL;
        return -1;
    }
    *out = id;
    return 0;
}

int identity_create(const char *path, struct identity **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_ready(err, errlen) < 0)
        return -1;
    uint8_t seed[crypto_sign_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    struct identity *id = from_seed(seed);
    char b64[SEED_TEXT], line[160];
    sodium_bin2base64(b64, sizeof b64, seed, sizeof seed, sodium_base64_VARIANT_ORIGINAL);
    int len = snprintf(line, sizeof line, FILE_MAGIC " %s %s\n", id->pub.id, b64);
    /* Linked into place, never over a file: a key that exists stays the key. */
    int rc = util_create_private(path, line, (size_t)len);
    int e = errno;
    util_wipe(seed, sizeof seed);
    util_wipe(b64, sizeof b64);
    util_wipe(line, sizeof line);
    if (rc < 0) {
        if (e == EEXIST)
            util_seterr(err, errlen, "%s: a key is already there; it was left alone", path);
        else
            util_seterr(err, errlen, "%s: cannot write the key: %s", path, strerror(e));
        identity_free(id);
        errno = e;
        return -1;
    }
    *out = id;
    return 0;
}

/* ---- signing ------------------------------------------------------------------------- */

void identity_sign(const struct identity *id, const void *msg, size_t len,
                   uint8_t sig[IDENTITY_SIG_BYTES])
{
    crypto_sign_detached(sig, NULL, msg, len, id->sk);
}

void identity_sign_text(const struct identity *id, const void *msg, size_t len,
                        char out[IDENTITY_SIG_TEXT])
{
    uint8_t sig[IDENTITY_SIG_BYTES];
    identity_sign(id, msg, len, sig);
    sodium_bin2base64(out, IDENTITY_SIG_TEXT, sig, sizeof sig,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void identity_derive(const struct identity *id, const char *purpose, uint8_t out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)purpose, strlen(purpose), id->seed,
                       sizeof id->seed);
}

/* Decodes exactly `want` bytes from text in `variant`, and only from its canonical
 * spelling (re-encoding must give the same text: the last character's unused bits could
 * otherwise make two texts of one value).  0 or -1. */
static int decode_exact(const char *text, size_t len, int variant, uint8_t *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, text, len, NULL, &got, &end, variant) != 0 ||
        got != want || end != text + len)
        return -1;
    char canon[160];
    if (sodium_base64_encoded_len(want, variant) > sizeof canon)
        return -1;
    sodium_bin2base64(canon, sizeof canon, out, want, variant);
    return strlen(canon) == len && memcmp(canon, text, len) == 0 ? 0 : -1;
}

int identity_pub_parse(const char *text, struct identity_pub *out)
{
    memset(out, 0, sizeof *out);
    if (!text || sodium_init() < 0)
        return -1;
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n' ||
                   text[len - 1] == '\r'))
        len--;
    if (len != IDENTITY_PK_TEXT - 1 ||
        decode_exact(text, len, sodium_base64_VARIANT_ORIGINAL, out->key, sizeof out->key) < 0)
        return -1;
    /* A key that is not a point of the curve can verify nothing and receive nothing. */
    uint8_t x[crypto_scalarmult_curve25519_BYTES];
    if (crypto_sign_ed25519_pk_to_curve25519(x, out->key) != 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    pub_fill(out);
    return 0;
}

int identity_verify(const struct identity_pub *pk, const void *msg, size_t len,
                    const uint8_t sig[IDENTITY_SIG_BYTES])
{
    return crypto_sign_verify_detached(sig, msg, len, pk->key) == 0;
}

int identity_verify_text(const struct identity_pub *pk, const void *msg, size_t len,
                         const char *sig, size_t sig_len)
{
    uint8_t bin[IDENTITY_SIG_BYTES];
    if (sig_len != IDENTITY_SIG_TEXT - 1 ||
        decode_exact(sig, sig_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING, bin,
                     sizeof bin) < 0)
        return 0;
    return identity_verify(pk, msg, len, bin);
}

/* ---- sealing ------------------------------------------------------------------------- */

char *identity_seal(const struct identity_pub *pk, const void *msg, size_t len)
{
    uint8_t x[crypto_box_PUBLICKEYBYTES];
    if (sodium_init() < 0 || crypto_sign_ed25519_pk_to_curve25519(x, pk->key) != 0)
        return NULL;
    size_t clen = len + crypto_box_SEALBYTES;
    uint8_t *c = malloc(clen);
    if (!c)
        abort();
    if (crypto_box_seal(c, msg, len, x) != 0) {
        free(c);
        return NULL;
    }
    size_t tlen = sodium_base64_encoded_len(clen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *t = malloc(tlen);
    if (!t)
        abort();
    sodium_bin2base64(t, tlen, c, clen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(c);
    return t;
}

char *identity_unseal(const struct identity *id, const char *text, size_t text_len,
                      size_t *out_len)
{
    size_t max = text_len / 4 * 3 + 3;
    if (max < crypto_box_SEALBYTES)
        return NULL;
    uint8_t *c = malloc(max);
    if (!c)
        abort();
    size_t clen = 0;
    const char *end = NULL;
    char *m = NULL;
    if (sodium_base642bin(c, max, text, text_len, NULL, &clen, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
        end == text + text_len && clen >= crypto_box_SEALBYTES) {
        uint8_t xpk[crypto_box_PUBLICKEYBYTES], xsk[crypto_box_SECRETKEYBYTES];
        size_t mlen = clen - crypto_box_SEALBYTES;
        m = malloc(mlen + 1);
        if (!m)
            abort();
        if (crypto_sign_ed25519_pk_to_curve25519(xpk, id->pub.key) == 0 &&
            crypto_sign_ed25519_sk_to_curve25519(xsk, id->sk) == 0 &&
            crypto_box_seal_open((uint8_t *)m, c, clen, xpk, xsk) == 0) {
            m[mlen] = 0;
            if (out_len)
                *out_len = mlen;
        } else {
            free(m);
            m = NULL;
        }
        util_wipe(xsk, sizeof xsk);
    }
    free(c);
    return m;
}
