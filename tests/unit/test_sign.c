/* Tests for sign and the receipt payload: the HMAC key file of older receipts (mode 0600,
 * made once, refused when others may read it or when damaged), HMAC verification, the
 * Ed25519-signed payload (format, QR size, every single-character change refused, a
 * foreign key reported as unknown), older HMAC payloads still verifying, and receipt
 * numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "core/identity.h"
#include "receipt/qr.h"
#include "receipt/receipt.h"
#include "receipt/sign.h"

#define UUID "3f2b8c1e-5d4a-4b6e-9a7c-0e1f2a3b4c5d"
#define CREATED "2026-11-28T07:15:00.123Z"

static char *tmpdir(void)
{
    char *d = strdup("/tmp/test_sign.XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void rmdir_all(char *d)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", d);
    free(d);
}

static void key_path(const char *dir, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", dir, SIGN_KEY_FILE);
}

static void test_key_file_created_private(void **state)
{
    char *d = tmpdir();
    char err[256] = "", path[256];
    struct sign_key *k = NULL;
    /* Without create, a missing key is an error, and nothing is written. */
    assert_int_equal(sign_key_open(d, 0, &k, err, sizeof err), -1);
    assert_null(k);
    key_path(d, path, sizeof path);
    assert_int_equal(access(path, F_OK), -1);

    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0600);
    const char *id = sign_key_id(k);
    assert_int_equal(strlen(id), SIGN_KEY_ID_LEN);
    for (int i = 0; i < SIGN_KEY_ID_LEN; i++)
        assert_non_null(strchr("0123456789abcdef", id[i]));

    /* The file names its id; opening again gives the same key, not a new one. */
    char *text = util_read_file(path, NULL);
    assert_non_null(text);
    assert_memory_equal(text, "LDKEY1 ", 7);
    assert_memory_equal(text + 7, id, SIGN_KEY_ID_LEN);
    free(text);
    struct sign_key *k2 = NULL;
    assert_int_equal(sign_key_open(d, 1, &k2, err, sizeof err), 0);
    assert_string_equal(sign_key_id(k2), id);
    uint8_t a[SIGN_MAC_BYTES], b[SIGN_MAC_BYTES];
    sign_mac(k, "x", 1, a);
    sign_mac(k2, "x", 1, b);
    assert_memory_equal(a, b, sizeof a);
    sign_key_close(k2);

    /* No temporary file is left behind. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", d);
    assert_int_equal(system(cmd), 0);

    /* A key others may read is refused, with a sentence saying so. */
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(sign_key_open(d, 1, &k2, err, sizeof err), -1);
    assert_null(k2);
    assert_non_null(strstr(err, "0600"));
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(sign_key_open(d, 1, &k2, err, sizeof err), -1);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(sign_key_open(d, 1, &k2, err, sizeof err), 0);
    sign_key_close(k2);

    sign_key_close(k);
    rmdir_all(d);
}

static void test_damaged_key_refused(void **state)
{
    char *d = tmpdir();
    char err[256], path[256];
    struct sign_key *k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    sign_key_close(k);
    key_path(d, path, sizeof path);
    char *text = util_read_file(path, NULL);
    /* Change one hex digit of the key: its id no longer matches. */
    size_t last = strlen(text) - 2;
    text[last] = text[last] == '0' ? '1' : '0';
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(text);
    k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), -1);
    assert_null(k);
    assert_non_null(strstr(err, "damaged"));
    /* An empty file too (and the kiosk does not quietly replace a key it cannot read). */
    f = fopen(path, "w");
    fclose(f);
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), -1);
    rmdir_all(d);
}

static void test_sign_verify(void **state)
{
    char *d = tmpdir();
    char err[256];
    struct sign_key *k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    const char msg[] = "LDK1|example";
    uint8_t tag[SIGN_MAC_BYTES];
    sign_mac(k, msg, strlen(msg), tag);
    assert_int_equal(sign_verify(k, msg, strlen(msg), tag, 32), 1);
    assert_int_equal(sign_verify(k, msg, strlen(msg), tag, 16), 1);
    assert_int_equal(sign_verify(k, msg, strlen(msg), tag, 15), 0); /* too short to trust */
    assert_int_equal(sign_verify(k, msg, strlen(msg) - 1, tag, 16), 0);
    for (int i = 0; i < 16; i++) {
        tag[i] ^= 0x01;
        assert_int_equal(sign_verify(k, msg, strlen(msg), tag, 16), 0);
        tag[i] ^= 0x01;
    }
    sign_key_close(k);
    rmdir_all(d);
}

/* ---- payloads ------------------------------------------------------------------------ */

/* Key look-up over a few key pairs, as the kiosk or the registry would answer. */
struct ring {
    const struct identity *ids[4];
    const char *kiosk[4];
    int n;
};

static int ring_lookup(void *ctx, const char *kiosk_id, const char *key_id,
                       struct identity_pub *out)
{
    const struct ring *r = ctx;
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->kiosk[i], kiosk_id) && !strcmp(identity_key_id(r->ids[i]), key_id)) {
            *out = *identity_public(r->ids[i]);
            return 0;
        }
    return 1;
}

static struct identity *new_identity(const char *dir, const char *name)
{
    char path[256], err[256];
    struct identity *id = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(identity_create(path, &id, err, sizeof err), 0);
    return id;
}

static void test_payload_format(void **state)
{
    char *d = tmpdir();
    char p[RECEIPT_PAYLOAD_SIZE];
    struct identity *k = new_identity(d, "a.key");
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "registration", CREATED, p, sizeof p), 0);
    char prefix[128], kid[9];
    for (int i = 0; i < 8; i++)
        kid[i] = (char)toupper((unsigned char)identity_key_id(k)[i]);
    kid[8] = 0;
    snprintf(prefix, sizeof prefix, "LDK2:LD-ZJ-03:3F2B8C1E5D4A4B6E9A7C0E1F2A3B4C5D:R:20261128071500:%s:",
             kid);
    assert_memory_equal(p, prefix, strlen(prefix));
    assert_int_equal(strlen(p), strlen(prefix) + 103);
    /* Only what the QR's alphanumeric mode codes (the kiosk id aside): capitals, digits,
     * ':' and '-'. */
    for (const char *c = p; *c; c++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-", *c));
    assert_true(receipt_is_payload(p));
    /* Short enough for the QR the printer and the screen show well: version 7 at M. */
    struct qr q;
    assert_int_equal(qr_encode(p, &q), 0);
    assert_true(q.size <= 45);
    qr_clear(&q);

    /* What cannot go into a payload is refused rather than mangled. */
    assert_int_equal(receipt_payload(k, "LD|03", UUID, "registration", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD:03", UUID, "registration", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", "not-a-uuid", "checkin", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "party", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "checkin", "yesterday", p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "checkin", CREATED, p, 120), -1);
    identity_free(k);
    rmdir_all(d);
}

static void test_every_changed_character_rejected(void **state)
{
    char *d = tmpdir();
    char p[RECEIPT_PAYLOAD_SIZE], q[RECEIPT_PAYLOAD_SIZE + 2];
    struct identity *k = new_identity(d, "a.key");
    struct ring r = {{k}, {"LD-ZJ-03"}, 1};
    struct receipt_keys keys = {ring_lookup, &r, NULL, 0};
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "checkin", CREATED, p, sizeof p), 0);
    struct receipt_claim c;
    assert_int_equal(receipt_verify_payload(&keys, p, &c), RECEIPT_GENUINE);
    assert_int_equal(c.version, 2);
    assert_string_equal(c.uuid, UUID);
    assert_string_equal(c.kind, "checkin");
    assert_string_equal(c.time, "20261128T071500Z");
    assert_string_equal(c.kiosk_id, "LD-ZJ-03");
    assert_string_equal(c.key_id, identity_key_id(k));

    size_t n = strlen(p);
    int tried = 0;
    for (size_t i = 0; i < n; i++) {
        for (int ch = 0x01; ch < 0x100; ch++) {
            if (ch == (unsigned char)p[i])
                continue;
            memcpy(q, p, n + 1);
            q[i] = (char)ch;
            enum receipt_verdict v = receipt_verify_payload(&keys, q, NULL);
            if (v == RECEIPT_GENUINE)
                fail_msg("changing byte %zu to 0x%02x was accepted: %s", i, ch, q);
            tried++;
        }
        /* Deleting or inserting a character. */
        memcpy(q, p, i);
        memcpy(q + i, p + i + 1, n - i);
        assert_int_not_equal(receipt_verify_payload(&keys, q, NULL), RECEIPT_GENUINE);
        memcpy(q, p, i);
        q[i] = p[i];
        memcpy(q + i + 1, p + i, n - i + 1);
        assert_int_not_equal(receipt_verify_payload(&keys, q, NULL), RECEIPT_GENUINE);
    }
    assert_true(tried > 170 * 250);
    snprintf(q, sizeof q, "%s:", p);
    assert_int_not_equal(receipt_verify_payload(&keys, q, NULL), RECEIPT_GENUINE);

    /* A well-formed change under our key id is a forgery, not noise. */
    memcpy(q, p, n + 1);
    *strstr(q, ":C:") = ':', strstr(q, ":C:")[1] = 'Q';
    assert_int_equal(receipt_verify_payload(&keys, q, NULL), RECEIPT_FORGED);
    assert_int_equal(receipt_verify_payload(&keys, "hello", NULL), RECEIPT_MALFORMED);
    assert_int_equal(receipt_verify_payload(&keys, "", NULL), RECEIPT_MALFORMED);
    assert_false(receipt_is_payload("LD-2025-0007"));
    identity_free(k);
    rmdir_all(d);
}

static void test_other_kiosk_key_unknown(void **state)
{
    char *d = tmpdir();
    char p[RECEIPT_PAYLOAD_SIZE];
    struct identity *mine = new_identity(d, "mine.key"), *theirs = new_identity(d, "theirs.key");
    assert_int_equal(receipt_payload(theirs, "LD-BH-11", UUID, "registration", CREATED, p,
                                     sizeof p), 0);
    struct ring only_mine = {{mine}, {"LD-ZJ-03"}, 1};
    struct receipt_keys keys = {ring_lookup, &only_mine, NULL, 0};
    struct receipt_claim c;
    assert_int_equal(receipt_verify_payload(&keys, p, &c), RECEIPT_UNKNOWN_KEY);
    assert_string_equal(c.key_id, identity_key_id(theirs));
    assert_string_equal(c.kiosk_id, "LD-BH-11");
    assert_int_equal(receipt_verify_payload(NULL, p, NULL), RECEIPT_UNKNOWN_KEY);
    /* The registry holding both keys accepts it. */
    struct ring both = {{mine, theirs}, {"LD-ZJ-03", "LD-BH-11"}, 2};
    keys.ctx = &both;
    assert_int_equal(receipt_verify_payload(&keys, p, NULL), RECEIPT_GENUINE);
    /* Their key claimed for another kiosk id: the look-up is per kiosk, so unknown. */
    char q[RECEIPT_PAYLOAD_SIZE];
    strcpy(q, p);
    memcpy(strstr(q, "LD-BH-11"), "LD-BH-12", 8);
    assert_int_equal(receipt_verify_payload(&keys, q, NULL), RECEIPT_UNKNOWN_KEY);
    identity_free(mine);
    identity_free(theirs);
    rmdir_all(d);
}

/* Receipts printed before the identity existed (LDK1, HMAC) keep verifying against the
 * kiosk's HMAC key, and only against it. */
static void test_older_hmac_receipts(void **state)
{
    char *d = tmpdir();
    char err[256], p[RECEIPT_PAYLOAD_SIZE], q[RECEIPT_PAYLOAD_SIZE];
    struct sign_key *k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    assert_int_equal(receipt_payload_hmac(k, "LD-ZJ-03", UUID, "checkin", CREATED, p, sizeof p), 0);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "LDK1|LD-ZJ-03|" UUID "|checkin|20261128T071500Z|%s|",
             sign_key_id(k));
    assert_memory_equal(p, prefix, strlen(prefix));
    assert_true(receipt_is_payload(p));
    const struct sign_key *hmac[] = {k};
    struct receipt_keys keys = {NULL, NULL, hmac, 1};
    struct receipt_claim c;
    assert_int_equal(receipt_verify_payload(&keys, p, &c), RECEIPT_GENUINE);
    assert_int_equal(c.version, 1);
    assert_string_equal(c.uuid, UUID);
    /* Every changed character is refused. */
    for (size_t i = 0; i < strlen(p); i++) {
        strcpy(q, p);
        q[i] = q[i] == 'A' ? 'B' : 'A';
        assert_int_not_equal(receipt_verify_payload(&keys, q, NULL), RECEIPT_GENUINE);
    }
    /* Without the HMAC key (the centre): unknown, never genuine. */
    assert_int_equal(receipt_verify_payload(NULL, p, NULL), RECEIPT_UNKNOWN_KEY);
    sign_key_close(k);
    rmdir_all(d);
}

static void test_receipt_number(void **state)
{
    char *d = tmpdir();
    char a[RECEIPT_NO_SIZE], b[RECEIPT_NO_SIZE], c[RECEIPT_NO_SIZE];
    struct identity *k = new_identity(d, "a.key"), *other = new_identity(d, "b.key");
    receipt_number(k, UUID, 0, a);
    receipt_number(k, UUID, 0, b);
    receipt_number(k, UUID, 1, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    receipt_number(other, UUID, 0, c);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 9);
    assert_int_equal(a[4], '-');
    for (int i = 0; i < 9; i++)
        if (i != 4)
            assert_non_null(strchr("23456789ABCDEFGHJKMNPQRSTUVWXYZ", a[i]));
    /* Different records get different numbers (1000 of them, no collision expected). */
    char seen[1000][RECEIPT_NO_SIZE];
    for (int i = 0; i < 1000; i++) {
        char uuid[37];
        util_uuid4(uuid);
        receipt_number(k, uuid, 0, seen[i]);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(seen[i], seen[j]);
    }
    identity_free(k);
    identity_free(other);
    rmdir_all(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_file_created_private),
        cmocka_unit_test(test_damaged_key_refused),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_payload_format),
        cmocka_unit_test(test_every_changed_character_rejected),
        cmocka_unit_test(test_other_kiosk_key_unknown),
        cmocka_unit_test(test_older_hmac_receipts),
        cmocka_unit_test(test_receipt_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
