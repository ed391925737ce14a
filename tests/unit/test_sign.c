/* Tests for sign and the receipt payload: the key file (mode 0600, made once, refused
 * when others may read it or when damaged), HMAC verification, and that every
 * single-character change of a payload is refused, a foreign key reported as unknown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
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

static void test_payload_format(void **state)
{
    char *d = tmpdir();
    char err[256], p[RECEIPT_PAYLOAD_SIZE];
    struct sign_key *k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "registration", CREATED, p, sizeof p), 0);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "LDK1|LD-ZJ-03|" UUID "|registration|20261128T071500Z|%s|",
             sign_key_id(k));
    assert_memory_equal(p, prefix, strlen(prefix));
    assert_int_equal(strlen(p), strlen(prefix) + 22);
    for (const char *c = p; *c; c++)
        assert_true(*c > 0x20 && *c < 0x7f); /* ASCII only */

    /* What cannot go into a payload is refused rather than mangled. */
    assert_int_equal(receipt_payload(k, "LD|03", UUID, "registration", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", "not-a-uuid", "checkin", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "party", CREATED, p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "checkin", "yesterday", p, sizeof p), -1);
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "checkin", CREATED, p, 40), -1);
    sign_key_close(k);
    rmdir_all(d);
}

static void test_every_changed_character_rejected(void **state)
{
    char *d = tmpdir();
    char err[256], p[RECEIPT_PAYLOAD_SIZE], q[RECEIPT_PAYLOAD_SIZE + 2];
    struct sign_key *k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    const struct sign_key *keys[] = {k};
    assert_int_equal(receipt_payload(k, "LD-ZJ-03", UUID, "checkin", CREATED, p, sizeof p), 0);
    struct receipt_claim c;
    assert_int_equal(receipt_verify_payload(keys, 1, p, &c), RECEIPT_GENUINE);
    assert_string_equal(c.uuid, UUID);
    assert_string_equal(c.kind, "checkin");
    assert_string_equal(c.time, "20261128T071500Z");
    assert_string_equal(c.kiosk_id, "LD-ZJ-03");

    size_t n = strlen(p);
    int tried = 0;
    for (size_t i = 0; i < n; i++) {
        /* Every other printable ASCII character, and a few bytes beyond. */
        for (int ch = 0x01; ch < 0x100; ch++) {
            if (ch == (unsigned char)p[i])
                continue;
            memcpy(q, p, n + 1);
            q[i] = (char)ch;
            enum receipt_verdict v = receipt_verify_payload(keys, 1, q, NULL);
            if (v == RECEIPT_GENUINE)
                fail_msg("changing byte %zu to 0x%02x was accepted: %s", i, ch, q);
            tried++;
        }
        /* Deleting or inserting a character. */
        memcpy(q, p, i);
        memcpy(q + i, p + i + 1, n - i);
        assert_int_not_equal(receipt_verify_payload(keys, 1, q, NULL), RECEIPT_GENUINE);
        memcpy(q, p, i);
        q[i] = p[i];
        memcpy(q + i + 1, p + i, n - i + 1);
        assert_int_not_equal(receipt_verify_payload(keys, 1, q, NULL), RECEIPT_GENUINE);
    }
    assert_true(tried > 100 * 200);
    /* Appended text and a cut-short tag. */
    snprintf(q, sizeof q, "%s|", p);
    assert_int_not_equal(receipt_verify_payload(keys, 1, q, NULL), RECEIPT_GENUINE);
    memcpy(q, p, n - 1);
    q[n - 1] = 0;
    assert_int_not_equal(receipt_verify_payload(keys, 1, q, NULL), RECEIPT_GENUINE);

    /* A well-formed change under our key id is a forgery, not noise. */
    char *kind = strstr(memcpy(q, p, n + 1), "|checkin|");
    memcpy(kind, "|queue_ticket|", 14);
    memcpy(kind + 14, strstr(p, "|checkin|") + 9, strlen(strstr(p, "|checkin|") + 9) + 1);
    assert_int_equal(receipt_verify_payload(keys, 1, q, NULL), RECEIPT_FORGED);
    assert_int_equal(receipt_verify_payload(keys, 1, "hello", NULL), RECEIPT_MALFORMED);
    assert_int_equal(receipt_verify_payload(keys, 1, "", NULL), RECEIPT_MALFORMED);
    sign_key_close(k);
    rmdir_all(d);
}

static void test_other_kiosk_key_unknown(void **state)
{
    char *d1 = tmpdir(), *d2 = tmpdir();
    char err[256], p[RECEIPT_PAYLOAD_SIZE];
    struct sign_key *mine = NULL, *theirs = NULL;
    assert_int_equal(sign_key_open(d1, 1, &mine, err, sizeof err), 0);
    assert_int_equal(sign_key_open(d2, 1, &theirs, err, sizeof err), 0);
    assert_string_not_equal(sign_key_id(mine), sign_key_id(theirs));
    assert_int_equal(receipt_payload(theirs, "LD-BH-11", UUID, "registration", CREATED, p,
                                     sizeof p), 0);
    const struct sign_key *only_mine[] = {mine};
    struct receipt_claim c;
    assert_int_equal(receipt_verify_payload(only_mine, 1, p, &c), RECEIPT_UNKNOWN_KEY);
    assert_string_equal(c.key_id, sign_key_id(theirs));
    assert_string_equal(c.kiosk_id, "LD-BH-11");
    assert_int_equal(receipt_verify_payload(NULL, 0, p, NULL), RECEIPT_UNKNOWN_KEY);
    /* The centre holding both keys accepts it. */
    const struct sign_key *both[] = {mine, theirs};
    assert_int_equal(receipt_verify_payload(both, 2, p, NULL), RECEIPT_GENUINE);

    /* Our key id with their tag: a forgery. */
    char q[RECEIPT_PAYLOAD_SIZE];
    strcpy(q, p);
    memcpy(strstr(q, sign_key_id(theirs)), sign_key_id(mine), SIGN_KEY_ID_LEN);
    assert_int_equal(receipt_verify_payload(both, 2, q, NULL), RECEIPT_FORGED);
    sign_key_close(mine);
    sign_key_close(theirs);
    rmdir_all(d1);
    rmdir_all(d2);
}

static void test_receipt_number(void **state)
{
    char *d = tmpdir();
    char err[256], a[RECEIPT_NO_SIZE], b[RECEIPT_NO_SIZE], c[RECEIPT_NO_SIZE];
    struct sign_key *k = NULL;
    assert_int_equal(sign_key_open(d, 1, &k, err, sizeof err), 0);
    receipt_number(k, UUID, 0, a);
    receipt_number(k, UUID, 0, b);
    receipt_number(k, UUID, 1, c);
    assert_string_equal(a, b);
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
    sign_key_close(k);
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
        cmocka_unit_test(test_receipt_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
