/* The content bundle reader (sync/content_bundle.c, content_import) on arbitrary bundles,
 * into a real store.  The input is cut at lines "====" into content.jsonl, halls.jsonl,
 * and (modes 1, 2) manifest.json and manifest.sig; the first byte's low bits pick the mode:
 *   0  the harness writes the manifest for the two files and signs it with the centre key
 *      the kiosk is configured with: the rows and halls are read and applied (3 too)
 *   1  the manifest is the input's, signed: its format, counter and file entries
 *   2  manifest and signature both the input's: never accepted (no forged signature)
 * and bit 2 whether the kiosk has a hall ([kiosk] hall_id LD-BY-01, looked up in
 * halls.jsonl) or takes district rows only.  A signed bundle of the harness is never
 * refused for its signature, format or files; a refusal is one sentence; nothing stays
 * half applied.  FUZZ_VERBOSE=1 prints each result (for making seeds). */
#define _GNU_SOURCE /* fuzz.h: nftw */
#include "core/config.h"
#include "core/identity.h"
#include "store/store.h"
#include "sync/apply.h"
#include "sync/content_bundle.h"

#include "fuzz.h"

#include <sodium.h>

static struct store *st;
static struct identity *centre;
static struct config cfg;
static char bundle[700];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    st = fuzz_store();
    char path[700], err[512];
    snprintf(path, sizeof path, "%s/centre.key", fuzz_scratch());
    if (identity_create(path, &centre, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    config_defaults(&cfg);
    snprintf(cfg.centre_public_key, sizeof cfg.centre_public_key, "%s",
             identity_public(centre)->text);
    snprintf(bundle, sizeof bundle, "%s/content-1-20261201T000000Z", fuzz_scratch());
    if (mkdir(bundle, 0700) < 0)
        abort();
    return 0;
}

static void put(const char *name, const char *data, size_t len)
{
    char path[800];
    snprintf(path, sizeof path, "%s/%s", bundle, name);
    fuzz_write(path, (const uint8_t *)data, len);
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = (data[0] & 3) % 3, hall = data[0] & 4;
    char *text = fuzz_cstr(data + 1, size - 1);
    size_t tlen = size - 1;
    const char *part[4];
    size_t plen[4];
    fuzz_parts(text, tlen, part, plen, 4);
    put(CONTENT_BUNDLE_ROWS, part[0], plen[0]);
    put(CONTENT_BUNDLE_HALLS, part[1], plen[1]);
    char manifest[1024], sig[IDENTITY_SIG_TEXT + 1];
    const char *m = manifest;
    size_t mlen;
    if (mode == 0) {
        char h0[65], h1[65];
        sha256_hex(part[0], plen[0], h0);
        sha256_hex(part[1], plen[1], h1);
        mlen = (size_t)snprintf(manifest, sizeof manifest,
                                "{\"format\": \"" CONTENT_BUNDLE_FORMAT "\", \"created_at\":"
                                " \"2026-12-01T00:00:00Z\", \"counter\": 1000, \"rows\": 1,"
                                " \"key_id\": \"%s\", \"files\": {"
                                "\"" CONTENT_BUNDLE_ROWS "\": {\"bytes\": %zu, \"sha256\": \"%s\"},"
                                " \"" CONTENT_BUNDLE_HALLS "\": {\"bytes\": %zu, \"sha256\": \"%s\"}}}\n",
                                identity_key_id(centre), plen[0], h0, plen[1], h1);
    } else {
        m = part[2];
        mlen = plen[2];
    }
    put(CONTENT_BUNDLE_MANIFEST, m, mlen);
    if (mode == 2) {
        put(CONTENT_BUNDLE_SIG, part[3], plen[3]);
    } else {
        identity_sign_text(centre, m, mlen, sig);
        put(CONTENT_BUNDLE_SIG, sig, strlen(sig));
    }
    snprintf(cfg.kiosk_hall_id, sizeof cfg.kiosk_hall_id, "%s", hall ? "LD-BY-01" : "");
    /* Every input starts from a kiosk that has taken no bundle. */
    store_exec(st, "DELETE FROM meta WHERE key IN ('" APPLY_COUNTER_KEY "', '" APPLY_FULL_KEY "')");

    struct content_import_result res;
    char err[1024] = "";
    int rc = content_import(st, &cfg, bundle, 1764547200000LL, &res, err, sizeof err);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "mode %d hall %d: rc %d status %d reason %d rows %ld changed %ld %s\n",
                mode, !!hall, rc, (int)res.status, (int)res.reason, res.rows, res.changed, err);
    if (rc == 0 && res.status != CONTENT_IMPORT_APPLIED && res.status != CONTENT_IMPORT_NOT_NEWER)
        abort();
    if (rc < 0 && (!err[0] || strchr(err, '\n') ||
                   (res.status != CONTENT_IMPORT_REFUSED && res.status != CONTENT_IMPORT_DB)))
        abort();
    if (mode == 2 && rc == 0)
        abort(); /* accepted without the centre's signature */
    /* The harness's own bundle passes its checks (a NUL byte is refused in any file). */
    int nul = memchr(part[0], 0, plen[0]) || memchr(part[1], 0, plen[1]);
    if (mode == 0 && rc < 0 &&
        (res.reason == CONTENT_REASON_SIGNATURE || res.reason == CONTENT_REASON_FORMAT ||
         (res.reason == CONTENT_REASON_FILES && !nul) || res.reason == CONTENT_REASON_NO_KEY))
        abort();
    if (mode == 0 && !hall && !nul && rc < 0 && res.reason != CONTENT_REASON_DB)
        abort();
    if (sqlite3_get_autocommit(store_db(st)) == 0)
        abort(); /* a transaction left open */
    if (rc == 0 && apply_full_pending(st))
        abort(); /* an applied snapshot left unfinished */
    free(text);
    return 0;
}
