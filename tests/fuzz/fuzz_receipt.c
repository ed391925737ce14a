/* Receipt payload verification (receipt_verify_payload, both formats: LDK2 signed with the
 * kiosk's Ed25519 identity, the older LDK1 HMAC) on arbitrary text.  Nothing random may
 * pass as genuine; and whatever parses as a claim, signed again with the kiosk's keys,
 * must verify as genuine with the same claim (the parser and the writer agree). */
#include "fuzz.h"

#include "core/identity.h"
#include "receipt/receipt.h"
#include "receipt/sign.h"

static struct identity *id;
static struct sign_key *hmac;

static int lookup(void *ctx, const char *kiosk_id, const char *key_id, struct identity_pub *out)
{
    (void)ctx;
    (void)kiosk_id;
    if (strcmp(key_id, identity_key_id(id)) != 0)
        return 1;
    *out = *identity_public(id);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[256], path[700];
    snprintf(path, sizeof path, "%s/identity.key", fuzz_scratch());
    if (identity_create(path, &id, err, sizeof err) < 0 ||
        sign_key_open(fuzz_scratch(), 1, &hmac, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_cstr(data, size);
    const struct sign_key *hk[1] = {hmac};
    struct receipt_keys keys = {lookup, NULL, hk, 1};
    struct receipt_claim claim;
    memset(&claim, 0, sizeof claim);
    enum receipt_verdict v = receipt_verify_payload(&keys, in, &claim);
    if (v == RECEIPT_GENUINE)
        abort(); /* a forgery: the keys are new and never signed this */
    if (v != RECEIPT_MALFORMED) {
        /* 20261128T071500Z -> 2026-11-28T07:15:00.000Z */
        const char *t = claim.time;
        char created[32], payload[RECEIPT_PAYLOAD_SIZE];
        snprintf(created, sizeof created, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.000Z", t, t + 4, t + 6,
                 t + 9, t + 11, t + 13);
        int made = claim.version == 1
                       ? receipt_payload_hmac(hmac, claim.kiosk_id, claim.uuid, claim.kind,
                                              created, payload, sizeof payload)
                       : receipt_payload(id, claim.kiosk_id, claim.uuid, claim.kind, created,
                                         payload, sizeof payload);
        if (made == 0) {
            struct receipt_claim back;
            if (receipt_verify_payload(&keys, payload, &back) != RECEIPT_GENUINE ||
                back.version != claim.version || strcmp(back.uuid, claim.uuid) ||
                strcmp(back.kind, claim.kind) || strcmp(back.kiosk_id, claim.kiosk_id) ||
                strcmp(back.time, claim.time))
                abort();
        }
    }
    free(in);
    return 0;
}
