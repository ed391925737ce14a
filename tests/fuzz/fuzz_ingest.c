/* The centre's bundle reader (centre/ingest.c, ingest_read: everything ingest checks
 * before it loads) on arbitrary bundles.  The input is cut at lines "====" into
 * records.jsonl, events.jsonl (absent when empty) and, by mode, manifest.json or
 * SHA256SUMS / SIGNATURE; `%{TEXT}%` in the records becomes TEXT sealed to the centre's
 * key (the demo key, kiosk-config/demo-centre.key), so sealed fields open.  The first
 * byte picks the mode:
 *   0  manifest, checksums and signature by the harness (the kiosk LD01's key)
 *   1  the manifest is the input's; checksums and signature by the harness
 *   2  SHA256SUMS is the input's, signed by the harness
 *   3  SIGNATURE is the input's (%K in it: the harness's key id): never accepted (no
 *      forged signature)
 * and bit 2 marks the kiosk retired in the registry (never accepted).  The harness's own
 * signatures always verify; what is accepted is one kiosk's, each record a JSON object
 * of it; a refusal is one sentence.  FUZZ_VERBOSE=1 prints each result (for making seeds). */
#define _GNU_SOURCE /* fuzz.h: nftw; memmem */
#include "centre/ingest.h"
#include "core/identity.h"
#include "core/util.h"
#include "sync/export.h"

#include "fuzz.h"

#include <sodium.h>

#define CENTRE_KEY "kiosk-config/demo-centre.key"

static struct identity *kiosk, *centre;
static char bundle[700], centre_key[700];
static int retired;
static sqlite3 *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char path[700], err[512];
    snprintf(path, sizeof path, "%s/kiosk.key", fuzz_scratch());
    if (identity_create(path, &kiosk, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    /* The centre's key file as [centre] secret_key_file names it: private (0600). */
    FILE *f = fopen(CENTRE_KEY, "rb");
    uint8_t key[4096];
    size_t n = f ? fread(key, 1, sizeof key, f) : 0;
    if (f)
        fclose(f);
    snprintf(centre_key, sizeof centre_key, "%s/centre.key", fuzz_scratch());
    if (!n) {
        fprintf(stderr, "%s cannot be read (run from the source tree)\n", CENTRE_KEY);
        abort();
    }
    fuzz_write(centre_key, key, n);
    if (chmod(centre_key, 0600) < 0 || identity_load(centre_key, &centre, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    snprintf(bundle, sizeof bundle, "%s/bundle", fuzz_scratch());
    if (mkdir(bundle, 0700) < 0 || sqlite3_open(":memory:", &db) != SQLITE_OK)
        abort();
    return 0;
}

/* The registry: kiosk LD01 with the harness's key. */
static int keys(void *ctx, const char *kiosk_id, const char *key_id, struct identity_pub *out,
                int *is_retired, char *msg, size_t size)
{
    (void)ctx;
    (void)msg;
    (void)size;
    if (strcmp(kiosk_id, "LD01") || strcmp(key_id, identity_key_id(kiosk)))
        return 1;
    *out = *identity_public(kiosk);
    *is_retired = retired;
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

/* records with every %{TEXT}% sealed to the centre. */
static void seal_marks(const char *in, size_t n, struct strbuf *out)
{
    const char *end = in + n;
    while (in < end) {
        const char *a = memmem(in, (size_t)(end - in), "%{", 2);
        const char *b = a ? memmem(a + 2, (size_t)(end - a - 2), "}%", 2) : NULL;
        if (!b) {
            strbuf_addn(out, in, (size_t)(end - in));
            break;
        }
        strbuf_addn(out, in, (size_t)(a - in));
        char *s = identity_seal(identity_public(centre), a + 2, (size_t)(b - a - 2));
        if (!s)
            abort();
        strbuf_add(out, s);
        free(s);
        in = b + 2;
    }
}

static long lines(const char *s, size_t n)
{
    long count = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        count += e > i && s[i] != 0;
        i = e + 1;
    }
    return count;
}

/* How ingest.c begins the sentence of a signature that does not verify. */
#define SIG_FAILED "the bundle's signature does not match"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] & 3;
    retired = (data[0] & 4) != 0;
    char *text = fuzz_cstr(data + 1, size - 1);
    size_t tlen = size - 1;
    const char *part[4];
    size_t plen[4];
    fuzz_parts(text, tlen, part, plen, 4);
    char path[800];
    snprintf(path, sizeof path, "%s/events.jsonl", bundle);
    unlink(path);

    struct strbuf rec = {0}, man = {0}, sums = {0}, sig = {0};
    seal_marks(part[0], plen[0], &rec);
    put("records.jsonl", rec.buf ? rec.buf : "", rec.len);
    if (plen[1])
        put("events.jsonl", part[1], plen[1]);
    if (mode == 1) {
        strbuf_addn(&man, part[2], plen[2]);
    } else {
        strbuf_addf(&man, "{\"format\": \"" BUNDLE_FORMAT "\", \"kiosk_id\": \"LD01\","
                          " \"bundle\": \"LD01-20261201T000000Z\", \"record_count\": %ld,"
                          " \"event_count\": %ld, \"sealed_to\": \"%s\"}\n",
                    lines(rec.buf ? rec.buf : "", rec.len), lines(part[1], plen[1]),
                    identity_key_id(centre));
    }
    put("manifest.json", man.buf ? man.buf : "", man.len);
    if (mode == 2) {
        strbuf_addn(&sums, part[3], plen[3]);
    } else {
        char h[65];
        sha256_hex(rec.buf ? rec.buf : "", rec.len, h);
        strbuf_addf(&sums, "%s  records.jsonl\n", h);
        if (plen[1]) {
            sha256_hex(part[1], plen[1], h);
            strbuf_addf(&sums, "%s  events.jsonl\n", h);
        }
        sha256_hex(man.buf ? man.buf : "", man.len, h);
        strbuf_addf(&sums, "%s  manifest.json\n", h);
    }
    put("SHA256SUMS", sums.buf ? sums.buf : "", sums.len);
    if (mode == 3) {
        /* %K stands for the harness's key id (made anew at every run). */
        const char *k = part[3], *end = part[3] + plen[3];
        for (const char *q; (q = memmem(k, (size_t)(end - k), "%K", 2)) != NULL; k = q + 2) {
            strbuf_addn(&sig, k, (size_t)(q - k));
            strbuf_add(&sig, identity_key_id(kiosk));
        }
        strbuf_addn(&sig, k, (size_t)(end - k));
    } else {
        struct strbuf m = {0};
        strbuf_addf(&m, BUNDLE_FORMAT "\nLD01\n");
        strbuf_addn(&m, sums.buf ? sums.buf : "", sums.len);
        char s[IDENTITY_SIG_TEXT];
        identity_sign_text(kiosk, m.buf, m.len, s);
        strbuf_free(&m);
        strbuf_addf(&sig, BUNDLE_SIGNATURE_MAGIC " LD01 %s %s\n", identity_key_id(kiosk), s);
    }
    put(BUNDLE_SIGNATURE_FILE, sig.buf ? sig.buf : "", sig.len);

    struct ingest_data *d = (struct ingest_data *)1;
    char err[1024] = "";
    int rc = ingest_read(bundle, keys, NULL, centre_key, &d, err, sizeof err);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "mode %d retired %d: rc %d records %ld %s\n", mode, retired, rc,
                rc == 0 ? ingest_data_count(d) : -1L, err);
    if (rc == 0) {
        if (!d || mode == 3 || retired || strcmp(ingest_data_kiosk(d), "LD01"))
            abort();
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", -1, &q,
                               NULL) != SQLITE_OK)
            abort();
        for (long i = 0; i < ingest_data_count(d); i++) {
            const char *r = ingest_data_record(d, i);
            if (!r)
                abort();
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, r, -1, SQLITE_STATIC);
            if (sqlite3_step(q) != SQLITE_ROW || !sqlite3_column_int(q, 0))
                abort(); /* the centre would receive no record */
        }
        sqlite3_finalize(q);
        if (ingest_data_record(d, ingest_data_count(d)) != NULL)
            abort();
        ingest_data_free(d);
    } else {
        if (d != NULL || !err[0] || strchr(err, '\n'))
            abort();
        if (mode != 3 && !strncmp(err, SIG_FAILED, strlen(SIG_FAILED)))
            abort(); /* the harness's own signature must verify (an input's own words
                      * quoted in another sentence are not this failure) */
    }
    strbuf_free(&rec);
    strbuf_free(&man);
    strbuf_free(&sums);
    strbuf_free(&sig);
    free(text);
    return 0;
}
