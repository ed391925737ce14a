/* Tests for the bundle checks of centre/ingest (ingest_read: no database) over bundles
 * the real export writes: the personal fields sealed and opened again exactly, nothing
 * personal in clear on the stick, and each refusal — a changed record with recomputed
 * checksums, no signature, an unknown or retired signer, a file not covered by the
 * checksums, an unknown file, a symlink, a directory, an oversized file, a record of
 * another kiosk, the wrong or no centre key. */
#define _GNU_SOURCE /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "centre/ingest.h"
#include "core/identity.h"
#include "core/util.h"
#include "receipt/sign.h"
#include "store/store.h"
#include "sync/export.h"

struct fixture {
    char dir[64];           /* kiosk data */
    char usb[64];           /* the stick */
    char centre_key[128];   /* the demo key pair, a private copy */
    struct store *st;
    struct export_keys keys;
    int64_t now;
    int retired;            /* what the "registry" says */
    char bundle[4400];
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/test_ingest_XXXXXX");
    strcpy(f->usb, "/tmp/test_ingest_usb_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_non_null(mkdtemp(f->usb));
    char err[256] = "";
    assert_int_equal(store_open(f->dir, "LD01", &f->st, err, sizeof err), 0);
    enum sign_identity_state ks;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &f->keys.kiosk, &ks, err, sizeof err), 0);
    assert_int_equal(identity_pub_parse(IDENTITY_DEMO_CENTRE_KEY, &f->keys.centre), 0);
    f->keys.has_centre = 1;
    snprintf(f->centre_key, sizeof f->centre_key, "%s/centre.key", f->dir);
    char *demo = util_read_file("kiosk-config/demo-centre.key", NULL);
    assert_non_null(demo);
    assert_int_equal(util_create_private(f->centre_key, demo, strlen(demo)), 0);
    free(demo);
    assert_int_equal(util_parse_iso("2026-12-01T09:00:00+08:00", &f->now), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    export_keys_clear(&f->keys);
    store_close(f->st);
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    nftw(f->usb, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* The registry of these tests: LD01 with the fixture's key. */
static int registry(void *ctx, const char *kiosk_id, const char *key_id,
                    struct identity_pub *out, int *retired, char *msg, size_t size)
{
    struct fixture *f = ctx;
    (void)msg, (void)size;
    if (strcmp(kiosk_id, "LD01") != 0 || strcmp(key_id, identity_key_id(f->keys.kiosk)) != 0)
        return 1;
    *out = *identity_public(f->keys.kiosk);
    *retired = f->retired;
    return 0;
}

static const char *const reg_fields =
    "{\"name\":\"张伟\",\"sex\":\"男\",\"id_number\":\"330102199001011234\","
    "\"phone\":\"13812341234\",\"certificate_no\":\"LD-2024-0017\","
    "\"origin_org\":\"江西省上饶市广丰区某村党支部\",\"hukou\":\"江西省上饶市\","
    "\"employer\":\"丽水市某某电子科技有限公司\",\"community_id\":\"C01\","
    "\"community_name\":\"万象社区\",\"station\":\"万象社区服务站\",\"joined_party\":\"\","
    "\"consent\":true,\"is_update\":false}";

/* Records of several kinds, nested values and all JSON types among the fields. */
static void add_records(struct fixture *f)
{
    char uuid[37];
    assert_int_equal(store_record_add(f->st, "registration", reg_fields, f->now, uuid), 0);
    assert_int_equal(store_record_add(f->st, "checkin",
                                      "{\"certificate_no\":\"LD-2024-0017\",\"activity_id\":null,"
                                      "\"activity_title\":\"\",\"method\":\"scan\",\"n\":1.5}",
                                      f->now + 1, uuid), 0);
    assert_int_equal(store_record_add(f->st, "queue_ticket",
                                      "{\"ticket_no\":\"A001\",\"service\":\"政策咨询\"}",
                                      f->now + 2, uuid), 0);
    assert_int_equal(store_record_add(f->st, "consultation",
                                      "{\"topic\":\"协助解决劳资纠纷\",\"name\":\"李四\","
                                      "\"phone\":\"13900001111\",\"extra\":{\"a\":[1,true]}}",
                                      f->now + 3, uuid), 0);
}

static void export_one(struct fixture *f)
{
    struct export_result res;
    char err[512] = "";
    if (export_bundle(f->st, &f->keys, f->usb, f->now, &res, NULL, NULL, err, sizeof err) != 0)
        fail_msg("export: %s", err);
    util_strlcpy(f->bundle, res.path, sizeof f->bundle);
}

static void path_of(const struct fixture *f, const char *name, char *out, size_t n)
{
    if ((size_t)snprintf(out, n, "%s/%s", f->bundle, name) >= n)
        fail_msg("path too long");
}

/* ingest_read must refuse, with `want` in its sentence. */
static void refused(struct fixture *f, const char *key, const char *want)
{
    struct ingest_data *d = NULL;
    char err[768] = "";
    int rc = ingest_read(f->bundle, registry, f, key, &d, err, sizeof err);
    if (rc == 0) {
        ingest_data_free(d);
        fail_msg("accepted; wanted a refusal with \"%s\"", want);
    }
    assert_null(d);
    if (!strstr(err, want))
        fail_msg("refusal \"%s\" lacks \"%s\"", err, want);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* SHA256SUMS written anew from the files as they are now (what a forger does). */
static void recompute_sums(struct fixture *f, int with_events)
{
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "cd '%s' && sha256sum records.jsonl %s manifest.json > SHA256SUMS",
             f->bundle, with_events ? "events.jsonl" : "");
    assert_int_equal(system(cmd), 0);
}

/* SIGNATURE made again with the kiosk's own key (as a kiosk writing this would). */
static void resign(struct fixture *f)
{
    char p[4600];
    path_of(f, "SHA256SUMS", p, sizeof p);
    size_t n = 0;
    char *sums = util_read_file(p, &n);
    assert_non_null(sums);
    struct strbuf m = {0};
    strbuf_add(&m, BUNDLE_FORMAT "\nLD01\n");
    strbuf_addn(&m, sums, n);
    char sig[IDENTITY_SIG_TEXT], line[256];
    identity_sign_text(f->keys.kiosk, m.buf, m.len, sig);
    snprintf(line, sizeof line, "LDSIG1 LD01 %s %s\n", identity_key_id(f->keys.kiosk), sig);
    path_of(f, BUNDLE_SIGNATURE_FILE, p, sizeof p);
    write_file(p, line);
    strbuf_free(&m);
    free(sums);
}

/* 1 when two JSON objects hold the same keys with the same values (in any order). */
static int same_object(struct store *st, const char *a, const char *b)
{
    sqlite3_stmt *s = store_prepare(
        st, "SELECT (SELECT count(*) FROM json_each(?1)) = (SELECT count(*) FROM json_each(?2))"
            " AND NOT EXISTS (SELECT 1 FROM json_each(?1) x WHERE NOT EXISTS"
            " (SELECT 1 FROM json_each(?2) y WHERE y.key = x.key AND y.type = x.type"
            "  AND (y.atom IS x.atom OR (x.atom IS NULL AND json(y.value) = json(x.value)))))");
    sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
    int same = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return same;
}

/* ---- tests ---- */

static void test_sealed_and_opened_exactly(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    export_one(f);
    /* Nothing personal in clear in any file of the bundle. */
    static const char *const secrets[] = {"张伟", "330102199001011234", "13812341234",
                                          "LD-2024-0017", "江西省上饶市", "丽水市某某电子科技",
                                          "李四", "13900001111", "男"};
    static const char *const files[] = {"records.jsonl", "events.jsonl", "manifest.json",
                                        "SHA256SUMS", "SIGNATURE"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char p[4600];
        path_of(f, files[i], p, sizeof p);
        char *t = util_read_file(p, NULL);
        assert_non_null(t);
        for (size_t k = 0; k < ARRAY_LEN(secrets); k++)
            if (strstr(t, secrets[k]))
                fail_msg("%s holds \"%s\" in clear", files[i], secrets[k]);
        free(t);
    }
    /* What the centre reads is what the kiosk holds. */
    struct ingest_data *d = NULL;
    char err[768] = "";
    if (ingest_read(f->bundle, registry, f, f->centre_key, &d, err, sizeof err) != 0)
        fail_msg("ingest_read: %s", err);
    assert_string_equal(ingest_data_kiosk(d), "LD01");
    assert_int_equal(ingest_data_count(d), 4);
    sqlite3_stmt *s = store_prepare(f->st, "SELECT json_set(" STORE_RECORD_JSON_SQL
                                           ", '$.seq', seq) FROM records ORDER BY seq");
    for (long i = 0; i < 4; i++) {
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        const char *kiosk = (const char *)sqlite3_column_text(s, 0);
        const char *centre = ingest_data_record(d, i);
        assert_null(strstr(centre, "\"sealed\""));
        if (!same_object(f->st, kiosk, centre))
            fail_msg("record %ld differs:\n  kiosk  %s\n  centre %s", i, kiosk, centre);
        sqlite3_stmt *q = store_prepare(f->st, "SELECT json_type(?1, '$.fields'),"
                                               " json_type(?2, '$.fields')");
        sqlite3_bind_text(q, 1, kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, centre, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_string_equal(sqlite3_column_text(q, 0), sqlite3_column_text(q, 1));
        sqlite3_finalize(q);
    }
    sqlite3_finalize(s);
    /* The registration's fields come back whole, types and all. */
    sqlite3_stmt *q = store_prepare(f->st, "SELECT ?1 -> '$.fields'");
    sqlite3_bind_text(q, 1, ingest_data_record(d, 0), -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_true(same_object(f->st, (const char *)sqlite3_column_text(q, 0), reg_fields));
    sqlite3_finalize(q);
    ingest_data_free(d);
}

static void test_changed_record_with_new_checksums(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    export_one(f);
    char p[4600];
    path_of(f, "records.jsonl", p, sizeof p);
    char *t = util_read_file(p, NULL);
    char *k = strstr(t, "\"queue_ticket\"");
    assert_non_null(k);
    memcpy(k, "\"checkin\"     ", 14); /* the same length: another kind */
    write_file(p, t);
    free(t);
    refused(f, f->centre_key, "records.jsonl does not match its checksum");
    recompute_sums(f, 1);
    refused(f, f->centre_key, "signature does not match");
}

static void test_unsigned_and_unknown_signer(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    export_one(f);
    f->retired = 1;
    refused(f, f->centre_key, "kiosk LD01 is retired");
    f->retired = 0;
    char p[4600];
    path_of(f, "SIGNATURE", p, sizeof p);
    char *sig = util_read_file(p, NULL);
    char *id = strstr(sig, identity_key_id(f->keys.kiosk));
    memcpy(id, "00000000", 8);
    write_file(p, sig);
    refused(f, f->centre_key, "which the registry does not hold");
    write_file(p, "LDSIG1 LD01 short\n");
    refused(f, f->centre_key, "is not a kiosk signature");
    free(sig);
    assert_int_equal(unlink(p), 0);
    refused(f, f->centre_key, "not signed");
}

static void test_files_not_covered(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    export_one(f);
    /* A SHA256SUMS (validly signed) that leaves events.jsonl out. */
    recompute_sums(f, 0);
    resign(f);
    refused(f, f->centre_key, "events.jsonl is not covered by SHA256SUMS");
    recompute_sums(f, 1);
    resign(f);
    struct ingest_data *d = NULL;
    char err[768];
    assert_int_equal(ingest_read(f->bundle, registry, f, f->centre_key, &d, err, sizeof err), 0);
    ingest_data_free(d);
    /* A file that is no part of a bundle. */
    char p[4600];
    path_of(f, "extra.jsonl", p, sizeof p);
    write_file(p, "{}\n");
    refused(f, f->centre_key, "extra.jsonl is not part of a kiosk bundle");
    assert_int_equal(unlink(p), 0);
    /* A folder, a symlink. */
    path_of(f, "sub", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    refused(f, f->centre_key, "sub is not a plain file");
    assert_int_equal(rmdir(p), 0);
    char ev[4600], moved[4600];
    path_of(f, "events.jsonl", ev, sizeof ev);
    snprintf(moved, sizeof moved, "%s/events.jsonl", f->usb);
    assert_int_equal(rename(ev, moved), 0);
    assert_int_equal(symlink(moved, ev), 0);
    refused(f, f->centre_key, "events.jsonl is a symbolic link");
}

static void test_oversized_file(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    export_one(f);
    char p[4600];
    path_of(f, "events.jsonl", p, sizeof p);
    assert_int_equal(truncate(p, INGEST_MAX_EVENTS_BYTES + 1), 0); /* sparse: costs nothing */
    refused(f, f->centre_key, "events.jsonl is too large");
    path_of(f, "manifest.json", p, sizeof p);
    assert_int_equal(truncate(p, INGEST_MAX_SMALL_BYTES + 1), 0);
    refused(f, f->centre_key, "too large");
}

static void test_record_of_another_kiosk(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    assert_int_equal(store_exec(f->st, "UPDATE records SET kiosk_id = 'LD02' WHERE seq = 2"), 0);
    export_one(f);
    refused(f, f->centre_key, "records.jsonl:2: a record of kiosk LD02 in a bundle of kiosk LD01");
}

static void test_centre_key(void **state)
{
    struct fixture *f = *state;
    add_records(f);
    export_one(f);
    refused(f, NULL, "set [centre] secret_key_file");
    char other[128];
    snprintf(other, sizeof other, "%s/other.key", f->dir);
    struct identity *o = NULL;
    char err[256];
    assert_int_equal(identity_create(other, &o, err, sizeof err), 0);
    identity_free(o);
    refused(f, other, "sealed to key 05627cbc, but [centre] secret_key_file holds key");
    chmod(f->centre_key, 0644);
    refused(f, f->centre_key, "accessible to group or others");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sealed_and_opened_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_record_with_new_checksums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsigned_and_unknown_signer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_not_covered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_of_another_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_centre_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
