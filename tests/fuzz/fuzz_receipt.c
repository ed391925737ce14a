/* Receipt payload verification (receipt_verify_payload) on arbitrary text.  Nothing
 * random may pass as genuine; and whatever parses as a claim, signed again with the
 * kiosk's key, must verify as genuine with the same claim (the parser and the writer
 * agree). */
#include "fuzz.h"

#include "receipt/receipt.h"
#include "receipt/sign.h"

static struct sign_key *key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[256];
    if (sign_key_open(fuzz_scratch(), 1, &key, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_cstr(data, size);
    const struct sign_key *keys[1] = {key};
    struct receipt_claim claim;
    memset(&claim, 0, sizeof claim);
    enum receipt_verdict v = receipt_verify_payload(keys, 1, in, &claim);
    if (v == RECEIPT_GENUINE)
        abort(); /* a forgery: the key is random and never wrote this */
    if (v != RECEIPT_MALFORMED) {
        /* 20261128T071500Z -> 2026-11-28T07:15:00.000Z */
        const char *t = claim.time;
        char created[32], payload[RECEIPT_PAYLOAD_SIZE];
        snprintf(created, sizeof created, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.000Z", t, t + 4, t + 6,
                 t + 9, t + 11, t + 13);
        if (receipt_payload(key, claim.kiosk_id, claim.uuid, claim.kind, created, payload,
                            sizeof payload) == 0) {
            struct receipt_claim back;
            if (receipt_verify_payload(keys, 1, payload, &back) != RECEIPT_GENUINE ||
                strcmp(back.uuid, claim.uuid) || strcmp(back.kind, claim.kind) ||
                strcmp(back.kiosk_id, claim.kiosk_id) || strcmp(back.time, claim.time))
                abort();
        }
    }
    free(in);
    return 0;
}
