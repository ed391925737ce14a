/* The field validators (app/validate.c), the check-in's certificate reading
 * (checkin_normalize) and the certificate rule with a district pattern (app/certrule.c)
 * on arbitrary text.  What they accept must be accepted again as it
 * was normalised (idempotent), fit its buffer, and mask without failing; every result
 * has a sentence. */
#include "fuzz.h"

#include "app/certrule.h"
#include "app/checkin.h"
#include "core/config.h"
#include "app/validate.h"
#include "core/util.h"

static void must(int ok)
{
    if (!ok)
        abort();
}

static struct certrule *rule;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static struct config cfg;
    config_defaults(&cfg);
    snprintf(cfg.certificate_pattern, sizeof cfg.certificate_pattern, "%s",
             "^LD-[0-9]{4}-[0-9]{4,5}$");
    rule = certrule_load(NULL, &cfg);
    if (strcmp(certrule_pattern(rule), cfg.certificate_pattern))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_cstr(data, size);
    char out[VALIDATE_NAME_SIZE], again[VALIDATE_NAME_SIZE], mask[VALIDATE_NAME_SIZE * 2];
    char msg[VALIDATE_MSG_SIZE];
    int detail = 0;

    struct idcard_info id;
    enum validate_result r = validate_idcard(in, 20261201, &id);
    must(validate_message_fmt(r, 0, id.detail, msg, sizeof msg)[0] != 0);
    if (r == VALIDATE_OK) {
        must(strlen(id.number) == 18);
        must(validate_idcard(id.number, 20261201, NULL) == VALIDATE_OK);
        must(mask_idcard(id.number, mask, sizeof mask) == 0);
    }

    r = validate_phone(in, out, VALIDATE_PHONE_SIZE, &detail);
    must(validate_message_fmt(r, 1, detail, msg, sizeof msg)[0] != 0);
    if (r == VALIDATE_OK) {
        must(strlen(out) == 11);
        must(validate_phone(out, again, VALIDATE_PHONE_SIZE, NULL) == VALIDATE_OK);
        must(strcmp(out, again) == 0);
        must(mask_phone(out, mask, sizeof mask) == 0);
    }

    r = validate_certno(in, out, VALIDATE_CERT_SIZE, &detail);
    if (r == VALIDATE_OK) {
        must(strlen(out) >= VALIDATE_CERT_MIN && strlen(out) <= VALIDATE_CERT_MAX);
        must(validate_certno(out, again, VALIDATE_CERT_SIZE, NULL) == VALIDATE_OK);
        must(strcmp(out, again) == 0);
    }
    int receipt = 0;
    checkin_normalize(in, out, VALIDATE_CERT_SIZE, &detail, &receipt);
    /* The rule accepts only what the shape accepts, and only numbers of its pattern. */
    r = certrule_check(rule, in, out, VALIDATE_CERT_SIZE, &detail);
    if (r == VALIDATE_OK) {
        must(validate_certno(in, again, VALIDATE_CERT_SIZE, NULL) == VALIDATE_OK);
        must(strcmp(out, again) == 0);
        must(strncmp(out, "LD-", 3) == 0 && strlen(out) >= 12 && strlen(out) <= 13);
    }

    r = validate_name(in, out, sizeof out, &detail);
    if (r == VALIDATE_OK) {
        must(utf8_valid(out, strlen(out)));
        must(validate_name(out, again, sizeof again, NULL) == VALIDATE_OK);
        must(strcmp(out, again) == 0);
        must(mask_name(out, mask, sizeof mask) == 0);
    }

    r = validate_join_date(in, 20261201, out, VALIDATE_DATE_SIZE, &detail);
    if (r == VALIDATE_OK)
        must(strlen(out) == 7 || strlen(out) == 10);

    validate_text(in, 50);
    char *copy = strdup(in);
    validate_trim(copy);
    validate_normalize(copy);
    free(copy);
    free(in);
    return 0;
}
