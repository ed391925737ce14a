/* Tests for core/identity (Ed25519 key files, signatures, public keys as text, sealing)
 * and the kiosk's rules for its identity in receipt/sign (made once, never silently
 * replaced, a foreign key refused, a deliberate new key keeping the old one known). */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/identity.h"
#include "core/util.h"
#include "receipt/sign.h"
#include "store_fixture.h"

static void key_path(const struct fixture *f, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", f->dir, IDENTITY_KEY_FILE);
}

static void write_text(const char *path, const char *text, int mode)
{
    unlink(path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    chmod(path, (mode_t)mode);
}

static void test_create_load_private(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256] = "";
    key_path(f, path, sizeof path);
    struct identity *a = NULL, *b = NULL;
    assert_int_equal(identity_load(path, &a, err, sizeof err), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(identity_create(path, &a, err, sizeof err), 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* Never over an existing key. */
    assert_int_equal(identity_create(path, &b, err, sizeof err), -1);
    assert_int_equal(errno, EEXIST);
    assert_null(b);
    assert_int_equal(identity_load(path, &b, err, sizeof err), 0);
    assert_string_equal(identity_key_id(a), identity_key_id(b));
    assert_string_equal(identity_public(a)->text, identity_public(b)->text);
    assert_int_equal(strlen(identity_public(a)->text), IDENTITY_PK_TEXT - 1);
    assert_int_equal(strlen(identity_key_id(a)), IDENTITY_KEY_ID_LEN);
    /* Readable by others: refused, not used. */
    chmod(path, 0640);
    identity_free(b);
    b = NULL;
    assert_int_equal(identity_load(path, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "0600"));
    /* A symlink to a key is not the key. */
    chmod(path, 0600);
    char link_path[300];
    snprintf(link_path, sizeof link_path, "%s/link.key", f->dir);
    assert_int_equal(symlink(path, link_path), 0);
    assert_int_equal(identity_load(link_path, &b, err, sizeof err), -1);
    identity_free(a);
}

static void test_damaged_key_refused(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256] = "", text[160];
    key_path(f, path, sizeof path);
    struct identity *a = NULL, *b = NULL;
    assert_int_equal(identity_create(path, &a, err, sizeof err), 0);
    FILE *fp = fopen(path, "r");
    assert_non_null(fgets(text, sizeof text, fp));
    fclose(fp);
    /* One changed character of the seed: the id no longer matches. */
    char *seed = strrchr(text, ' ') + 1;
    seed[3] = seed[3] == 'A' ? 'B' : 'A';
    write_text(path, text, 0600);
    assert_int_equal(identity_load(path, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "damaged"));
    write_text(path, "LDID1 0000\n", 0600);
    assert_int_equal(identity_load(path, &b, err, sizeof err), -1);
    write_text(path, "", 0600);
    assert_int_equal(identity_load(path, &b, err, sizeof err), -1);
    assert_null(b);
    identity_free(a);
}

static void test_sign_verify(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256];
    key_path(f, path, sizeof path);
    struct identity *a = NULL;
    assert_int_equal(identity_create(path, &a, err, sizeof err), 0);
    const char msg[] = "LDK2|LD01|some record";
    char sig[IDENTITY_SIG_TEXT];
    identity_sign_text(a, msg, strlen(msg), sig);
    assert_int_equal(strlen(sig), IDENTITY_SIG_TEXT - 1);

    struct identity_pub pk;
    assert_int_equal(identity_pub_parse(identity_public(a)->text, &pk), 0);
    assert_string_equal(pk.id, identity_key_id(a));
    assert_true(identity_verify_text(&pk, msg, strlen(msg), sig, strlen(sig)));
    /* Every changed byte of the message, and every changed character of the signature. */
    char m2[sizeof msg];
    for (size_t i = 0; i < strlen(msg); i++) {
        memcpy(m2, msg, sizeof msg);
        m2[i] ^= 1;
        assert_false(identity_verify_text(&pk, m2, strlen(m2), sig, strlen(sig)));
    }
    char s2[IDENTITY_SIG_TEXT];
    for (size_t i = 0; i < strlen(sig); i++) {
        memcpy(s2, sig, sizeof s2);
        s2[i] = s2[i] == 'A' ? 'B' : 'A';
        assert_false(identity_verify_text(&pk, msg, strlen(msg), s2, strlen(s2)));
    }
    assert_false(identity_verify_text(&pk, msg, strlen(msg), sig, strlen(sig) - 1));
    /* Another key does not verify it. */
    struct identity *b = NULL;
    char p2[300];
    snprintf(p2, sizeof p2, "%s/other.key", f->dir);
    assert_int_equal(identity_create(p2, &b, err, sizeof err), 0);
    assert_false(identity_verify_text(identity_public(b), msg, strlen(msg), sig, strlen(sig)));
    /* Derived secrets differ by purpose and by key, and are stable. */
    uint8_t d1[32], d2[32], d3[32];
    identity_derive(a, "receipt-no", d1);
    identity_derive(a, "receipt-no", d2);
    assert_memory_equal(d1, d2, 32);
    identity_derive(a, "other", d3);
    assert_memory_not_equal(d1, d3, 32);
    identity_derive(b, "receipt-no", d3);
    assert_memory_not_equal(d1, d3, 32);
    identity_free(a);
    identity_free(b);
}

static void test_pub_parse_strict(void **state)
{
    (void)state;
    struct identity_pub pk;
    /* The RFC 8032 test vector 1 public key. */
    const char *good = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    assert_int_equal(identity_pub_parse(good, &pk), 0);
    assert_int_equal(identity_pub_parse("  11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n", &pk), 0);
    assert_string_equal(pk.text, good);
    assert_int_equal(identity_pub_parse("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", &pk), -1);
    assert_int_equal(identity_pub_parse("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=", &pk), -1);
    assert_int_equal(identity_pub_parse("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=", &pk), -1);
    assert_int_equal(identity_pub_parse("", &pk), -1);
    assert_int_equal(identity_pub_parse(NULL, &pk), -1);
    /* The identity point (all zero but one) is no key anyone holds. */
    assert_int_equal(identity_pub_parse("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &pk), -1);
}

static void test_seal_unseal(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256];
    key_path(f, path, sizeof path);
    struct identity *centre = NULL, *other = NULL;
    assert_int_equal(identity_create(path, &centre, err, sizeof err), 0);
    char p2[300];
    snprintf(p2, sizeof p2, "%s/other.key", f->dir);
    assert_int_equal(identity_create(p2, &other, err, sizeof err), 0);
    const char *secret = "张三 330102199003071234 13800138000";
    char *sealed = identity_seal(identity_public(centre), secret, strlen(secret));
    assert_non_null(sealed);
    assert_null(strstr(sealed, "3301"));
    size_t n = 0;
    char *open = identity_unseal(centre, sealed, strlen(sealed), &n);
    assert_non_null(open);
    assert_int_equal(n, strlen(secret));
    assert_string_equal(open, secret);
    free(open);
    /* Two seals of one text differ (an ephemeral key each): equal fields stay unlinkable. */
    char *again = identity_seal(identity_public(centre), secret, strlen(secret));
    assert_string_not_equal(again, sealed);
    free(again);
    /* Another key cannot open it; an altered text opens for nobody. */
    assert_null(identity_unseal(other, sealed, strlen(sealed), NULL));
    sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
    assert_null(identity_unseal(centre, sealed, strlen(sealed), NULL));
    assert_null(identity_unseal(centre, "abc", 3, NULL));
    assert_null(identity_unseal(centre, "", 0, NULL));
    free(sealed);
    /* An empty field seals too. */
    sealed = identity_seal(identity_public(centre), "", 0);
    open = identity_unseal(centre, sealed, strlen(sealed), &n);
    assert_non_null(open);
    assert_int_equal(n, 0);
    free(open);
    free(sealed);
    identity_free(centre);
    identity_free(other);
}

/* ---- the kiosk's rules ------------------------------------------------------------- */

static void test_kiosk_first_start_then_same_key(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct identity *a = NULL, *b = NULL;
    enum sign_identity_state s;
    /* kioskctl before the first start: nothing made. */
    assert_int_equal(sign_identity_open(f->dir, f->st, 0, &a, &s, err, sizeof err), -1);
    assert_int_equal(s, SIGN_IDENTITY_NONE);
    assert_false(sign_identity_blocks_service(s));
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &a, &s, err, sizeof err), 0);
    assert_int_equal(s, SIGN_IDENTITY_CREATED);
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &b, &s, err, sizeof err), 0);
    assert_int_equal(s, SIGN_IDENTITY_OK);
    assert_string_equal(identity_key_id(a), identity_key_id(b));
    struct identity_pub pk;
    assert_int_equal(sign_identity_known(f->st, identity_key_id(a), &pk), 0);
    assert_string_equal(pk.text, identity_public(a)->text);
    assert_int_equal(sign_identity_known(f->st, "00000000", &pk), 1);
    identity_free(a);
    identity_free(b);
}

static void test_kiosk_lost_key_never_replaced(void **state)
{
    struct fixture *f = *state;
    char err[256], path[256];
    key_path(f, path, sizeof path);
    struct identity *a = NULL, *b = NULL;
    enum sign_identity_state s;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &a, &s, err, sizeof err), 0);
    char first[IDENTITY_KEY_ID_LEN + 1];
    strcpy(first, identity_key_id(a));
    identity_free(a);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &b, &s, err, sizeof err), -1);
    assert_int_equal(s, SIGN_IDENTITY_MISSING);
    assert_true(sign_identity_blocks_service(s));
    assert_null(b);
    assert_int_equal(access(path, F_OK), -1); /* nothing was made in its place */
    /* A key from elsewhere dropped in its place is not this kiosk's. */
    struct identity *x = NULL;
    assert_int_equal(identity_create(path, &x, err, sizeof err), 0);
    identity_free(x);
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &b, &s, err, sizeof err), -1);
    assert_int_equal(s, SIGN_IDENTITY_FOREIGN);
    /* Readable by others: unusable. */
    chmod(path, 0644);
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &b, &s, err, sizeof err), -1);
    assert_int_equal(s, SIGN_IDENTITY_UNUSABLE);
    /* Staff make a new key on purpose: it is current, the first stays known. */
    assert_int_equal(sign_identity_renew(f->dir, f->st, &b, err, sizeof err), 0);
    struct identity *c = NULL;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &c, &s, err, sizeof err), 0);
    assert_int_equal(s, SIGN_IDENTITY_OK);
    assert_string_equal(identity_key_id(b), identity_key_id(c));
    struct identity_pub pk;
    assert_int_equal(sign_identity_known(f->st, first, &pk), 0);
    assert_int_equal(sign_identity_known(f->st, identity_key_id(c), &pk), 0);
    identity_free(b);
    identity_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_load_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_verify, setup, teardown),
        cmocka_unit_test(test_pub_parse_strict),
        cmocka_unit_test_setup_teardown(test_seal_unseal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_first_start_then_same_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_lost_key_never_replaced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
