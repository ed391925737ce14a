/* sign — see sign.h.  libsodium does the cryptography (HMAC-SHA256, SHA-256, random
 * bytes, hex, constant-time compare; Ed25519 through core/identity.c); this file keeps
 * the key files honest and decides which identity a kiosk may use. */
#include "receipt/sign.h"

#include "core/util.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sign_key {
    uint8_t key[SIGN_KEY_BYTES];
    char id[SIGN_KEY_ID_LEN + 1];
};

/* sodium_init is idempotent and thread-safe; calling it on every open costs nothing
 * once initialised and spares callers a global "did we init" flag. */
static int sodium_ready(char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        util_seterr(err, errlen, "libsodium could not be initialised");
        return -1;
    }
    return 0;
}

static void key_id_of(const uint8_t key[SIGN_KEY_BYTES], char id[SIGN_KEY_ID_LEN + 1])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, key, SIGN_KEY_BYTES);
    sodium_bin2hex(id, SIGN_KEY_ID_LEN + 1, h, SIGN_KEY_ID_LEN / 2);
}

int sign_key_load(const char *path, struct sign_key **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_ready(err, errlen) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        util_seterr(err, errlen, "%s: cannot open the receipt key: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        util_seterr(err, errlen, "%s: the receipt key is not a regular file", path);
        close(fd);
        return -1;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        util_seterr(err, errlen,
                "%s: the receipt key is accessible to group or others (mode %03o); "
                "refusing it, make it 0600", path, (unsigned)(sb.st_mode & 0777));
        close(fd);
        return -1;
    }
    char text[160];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n < 0)
        n = 0;
    text[n] = 0;

    char id[SIGN_KEY_ID_LEN + 2], hex[2 * SIGN_KEY_BYTES + 2];
    struct sign_key *k = calloc(1, sizeof *k);
    if (!k)
        abort();
    size_t bin_len = 0;
    int ok = sscanf(text, "LDKEY1 %9s %65s", id, hex) == 2 &&
             strlen(id) == SIGN_KEY_ID_LEN && strlen(hex) == 2 * SIGN_KEY_BYTES &&
             sodium_hex2bin(k->key, sizeof k->key, hex, strlen(hex), NULL, &bin_len, NULL) ==
                 0 &&
             bin_len == SIGN_KEY_BYTES;
    util_wipe(text, sizeof text);
    util_wipe(hex, sizeof hex);
    if (ok) {
        key_id_of(k->key, k->id);
        ok = strcmp(k->id, id) == 0;
    }
    if (!ok) {
        util_seterr(err, errlen, "%s: the receipt key file is damaged", path);
        sign_key_close(k);
        return -1;
    }
    *out = k;
    return 0;
}

/* Writes a fresh key to `path` (util_create_private).  Returns 0 when `path` now holds a
 * key (ours, or one another process linked first), -1 with err. */
static int create_key(const char *path, char *err, size_t errlen)
{
    uint8_t key[SIGN_KEY_BYTES];
    char id[SIGN_KEY_ID_LEN + 1], hex[2 * SIGN_KEY_BYTES + 1], line[160];
    randombytes_buf(key, sizeof key);
    key_id_of(key, id);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    int len = snprintf(line, sizeof line, "LDKEY1 %s %s\n", id, hex);
    int rc = util_create_private(path, line, (size_t)len);
    int e = errno;
    util_wipe(key, sizeof key);
    util_wipe(hex, sizeof hex);
    util_wipe(line, sizeof line);
    if (rc < 0 && e != EEXIST) {
        util_seterr(err, errlen, "%s: cannot create the receipt key: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

int sign_key_open(const char *data_dir, int create, struct sign_key **out, char *err,
                  size_t errlen)
{
    *out = NULL;
    if (sodium_ready(err, errlen) < 0)
        return -1;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", data_dir, SIGN_KEY_FILE) >=
        sizeof path) {
        util_seterr(err, errlen, "%s: path too long", data_dir);
        return -1;
    }
    if (create && access(path, F_OK) < 0 && errno == ENOENT &&
        create_key(path, err, errlen) < 0)
        return -1;
    return sign_key_load(path, out, err, errlen);
}

void sign_key_close(struct sign_key *k)
{
    if (!k)
        return;
    util_wipe(k, sizeof *k);
    free(k);
}

const char *sign_key_id(const struct sign_key *k) { return k->id; }

void sign_mac(const struct sign_key *k, const void *msg, size_t len,
              uint8_t out[SIGN_MAC_BYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, k->key, sizeof k->key);
    crypto_auth_hmacsha256_update(&st, msg, len);
    crypto_auth_hmacsha256_final(&st, out);
    util_wipe(&st, sizeof st);
}

int sign_verify(const struct sign_key *k, const void *msg, size_t len, const uint8_t *tag,
                size_t taglen)
{
    if (taglen < 16 || taglen > SIGN_MAC_BYTES)
        return 0;
    uint8_t mac[SIGN_MAC_BYTES];
    sign_mac(k, msg, len, mac);
    int ok = sodium_memcmp(mac, tag, taglen) == 0;
    util_wipe(mac, sizeof mac);
    return ok;
}

/* ---- the kiosk's Ed25519 identity ---------------------------------------------------- */

#define META_CURRENT "identity_key_id"
#define META_PUB_PREFIX "identity_pub:"

int sign_identity_blocks_service(enum sign_identity_state s)
{
    return s == SIGN_IDENTITY_MISSING || s == SIGN_IDENTITY_FOREIGN ||
           s == SIGN_IDENTITY_UNUSABLE;
}

const char *sign_identity_state_text(enum sign_identity_state s, int zh)
{
    switch (s) {
    case SIGN_IDENTITY_OK: return zh ? "本机签名密钥正常" : "the kiosk's signing key is in order";
    case SIGN_IDENTITY_CREATED: return zh ? "已生成本机签名密钥" : "a signing key was made for this kiosk";
    case SIGN_IDENTITY_NONE:
        return zh ? "本机尚无签名密钥（终端首次启动时生成）"
                  : "no signing key yet (the kiosk makes it at its first start)";
    case SIGN_IDENTITY_MISSING:
        return zh ? "本机签名密钥文件丢失：请从备份放回，或用 kioskctl identity --new 生成新密钥并在中心重新登记"
                  : "the kiosk's signing key file is missing: put it back from a backup, or make a new"
                    " one with kioskctl identity --new and register it at the centre";
    case SIGN_IDENTITY_FOREIGN:
        return zh ? "签名密钥文件不是本机使用过的密钥：请放回本机的密钥，或用 kioskctl identity --new 生成新密钥"
                  : "the signing key file is not one this kiosk has used: put its own key back, or make"
                    " a new one with kioskctl identity --new";
    case SIGN_IDENTITY_UNUSABLE:
        return zh ? "签名密钥文件损坏或权限不对（应为 0600）"
                  : "the signing key file is damaged or not private (it must be mode 0600)";
    }
    return "?";
}

static int meta_pub_key(const char *key_id, char *out, size_t size)
{
    return snprintf(out, size, META_PUB_PREFIX "%s", key_id) < (int)size ? 0 : -1;
}

int sign_identity_known(struct store *st, const char *key_id, struct identity_pub *out)
{
    char mk[64], text[128];
    if (strlen(key_id) != IDENTITY_KEY_ID_LEN || meta_pub_key(key_id, mk, sizeof mk) < 0)
        return 1;
    int rc = store_meta_get(st, mk, text, sizeof text);
    if (rc != 0)
        return rc;
    if (identity_pub_parse(text, out) < 0 || strcmp(out->id, key_id) != 0)
        return 1;
    return 0;
}

int sign_own_key_lookup(void *ctx, const char *kiosk_id, const char *key_id,
                        struct identity_pub *out)
{
    const struct sign_own_keys *k = ctx;
    if (!k || !k->st || !k->kiosk_id || strcmp(kiosk_id, k->kiosk_id) != 0)
        return 1;
    return sign_identity_known(k->st, key_id, out);
}

/* Records id as the kiosk's current key (and in its history), in one transaction. */
static int record_identity(struct store *st, const struct identity *id)
{
    char mk[64];
    meta_pub_key(identity_key_id(id), mk, sizeof mk);
    if (store_begin(st) < 0)
        return -1;
    if (store_meta_set(st, mk, identity_public(id)->text) < 0 ||
        store_meta_set(st, META_CURRENT, identity_key_id(id)) < 0 || store_commit(st) < 0) {
        store_rollback(st);
        return -1;
    }
    return 0;
}

/* Makes the key at path (or takes the one another process linked there first) and
 * records it as current.  0 with *out, or -1 with err. */
static int create_recorded(const char *path, struct store *st, struct identity **out,
                           char *err, size_t errlen)
{
    struct identity *id = NULL;
    if (identity_create(path, &id, err, errlen) < 0 &&
        (errno != EEXIST || identity_load(path, &id, err, errlen) < 0))
        return -1;
    if (record_identity(st, id) < 0) {
        util_seterr(err, errlen, "the new key could not be recorded in the kiosk database");
        identity_free(id);
        return -1;
    }
    *out = id;
    return 0;
}

static int identity_path(const char *data_dir, char *out, size_t size, char *err,
                         size_t errlen)
{
    if ((size_t)snprintf(out, size, "%s/%s", data_dir, IDENTITY_KEY_FILE) >= size) {
        util_seterr(err, errlen, "%s: path too long", data_dir);
        return -1;
    }
    return 0;
}

int sign_identity_open(const char *data_dir, struct store *st, int create,
                       struct identity **out, enum sign_identity_state *state, char *err,
                       size_t errlen)
{
    *out = NULL;
    *state = SIGN_IDENTITY_UNUSABLE;
    char path[4096], current[64] = "";
    if (identity_path(data_dir, path, sizeof path, err, errlen) < 0)
        return -1;
    int known = store_meta_get(st, META_CURRENT, current, sizeof current);
    if (known < 0) {
        util_seterr(err, errlen, "the kiosk database cannot be read");
        return -1;
    }
    struct identity *id = NULL;
    if (identity_load(path, &id, err, errlen) < 0) {
        if (errno != ENOENT)
            return -1; /* UNUSABLE: damaged, not private, not a file */
        if (known == 0) {
            *state = SIGN_IDENTITY_MISSING;
            util_seterr(err, errlen, "%s", sign_identity_state_text(*state, 0));
            return -1;
        }
        if (!create) {
            *state = SIGN_IDENTITY_NONE;
            util_seterr(err, errlen, "%s", sign_identity_state_text(*state, 0));
            return -1;
        }
        if (create_recorded(path, st, out, err, errlen) < 0)
            return -1;
        *state = SIGN_IDENTITY_CREATED;
        return 0;
    }
    if (known == 0 && strcmp(current, identity_key_id(id)) != 0) {
        struct identity_pub p;
        if (sign_identity_known(st, identity_key_id(id), &p) != 0) {
            identity_free(id);
            *state = SIGN_IDENTITY_FOREIGN;
            util_seterr(err, errlen, "%s", sign_identity_state_text(*state, 0));
            return -1;
        }
        /* An earlier key of this kiosk put back (e.g. from a backup): current again. */
    }
    if (create && (known != 0 || strcmp(current, identity_key_id(id)) != 0) &&
        record_identity(st, id) < 0) {
        util_seterr(err, errlen, "the key could not be recorded in the kiosk database");
        identity_free(id);
        return -1;
    }
    *state = SIGN_IDENTITY_OK;
    *out = id;
    return 0;
}

int sign_identity_renew(const char *data_dir, struct store *st, struct identity **out,
                        char *err, size_t errlen)
{
    *out = NULL;
    char path[4096];
    if (identity_path(data_dir, path, sizeof path, err, errlen) < 0)
        return -1;
    /* The old key's public half stays known, whatever state its file was in. */
    struct identity *old = NULL;
    char ignore[256];
    if (identity_load(path, &old, ignore, sizeof ignore) == 0) {
        char mk[64];
        meta_pub_key(identity_key_id(old), mk, sizeof mk);
        int kept = store_meta_set(st, mk, identity_public(old)->text);
        identity_free(old);
        if (kept < 0) {
            util_seterr(err, errlen, "the kiosk database cannot be written");
            return -1;
        }
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        util_seterr(err, errlen, "%s: cannot remove the old key: %s", path, strerror(errno));
        return -1;
    }
    return create_recorded(path, st, out, err, errlen);
}
