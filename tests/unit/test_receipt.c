/* Tests for receipt: records laid out and rendered at 384 and 576 dots, the ESC/POS
 * stream decoded back into an image and read with zbarimg (the payload must come back
 * exactly and verify), the PNG likewise, masking of personal data, the receipts row.
 *
 * RECEIPT_TEST_OUT=DIR keeps the decoded receipts there as PNGs, for a person to look at. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/png.h"
#include "core/util.h"
#include "receipt/escpos.h"
#include "receipt/qr.h"
#include "receipt/receipt.h"
#include "receipt/receipt_cmd.h"
#include "receipt/sign.h"
#include "store/store.h"
#include "ui/text.h"

struct fx {
    char dir[64];
    struct config cfg;
    struct store *st;
    struct identity *key;
    struct text_fonts *tf;
    char reg[37], chk[37], job[37], train[37], cons[37], queue[37];
};

static const char *reg_fields =
    "{\"name\":\"张伟\",\"id_number\":\"330102199001011234\",\"phone\":\"13812341234\","
    "\"certificate_no\":\"LD-2024-0017\",\"origin_org\":\"江西省上饶市广丰区某村党支部\","
    "\"employer\":\"丽水市莲都区某某电子科技有限公司\",\"station\":\"紫金街道万象社区服务站\"}";

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/test_receipt.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    config_defaults(&f->cfg);
    util_strlcpy(f->cfg.data_dir, f->dir, sizeof f->cfg.data_dir);
    util_strlcpy(f->cfg.kiosk_id, "LD-ZJ-03", sizeof f->cfg.kiosk_id);
    util_strlcpy(f->cfg.hall, "莲都区外来党员服务中心", sizeof f->cfg.hall);
    util_strlcpy(f->cfg.hotline, "0578-2123110", sizeof f->cfg.hotline);
    util_strlcpy(f->cfg.printer_device, "tcp:127.0.0.1:9100", sizeof f->cfg.printer_device);
    char err[256] = "";
    assert_int_equal(store_open(f->dir, f->cfg.kiosk_id, &f->st, err, sizeof err), 0);
    enum sign_identity_state ks;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &f->key, &ks, err, sizeof err), 0);
    f->tf = text_fonts_open(NULL, err, sizeof err);
    if (!f->tf)
        fail_msg("no fonts: %s", err);
    assert_int_equal(store_exec(f->st,
                                "INSERT INTO activities(id,title,starts_at,ends_at,venue) VALUES"
                                "('A7','十一月主题党日：学习党章','2026-11-28 14:30',"
                                "'2026-11-28 16:30','紫金街道党群服务中心三楼')"),
                     0);
    assert_int_equal(store_exec(f->st, "INSERT INTO jobs(id,title,employer,area,category,contact)"
                                       " VALUES('J3','数控车床操作工','浙江某某机械有限公司',"
                                       "'水阁工业区','制造','0578-2222333')"),
                     0);
    int64_t t = 1795850100000; /* 2026-11-28 07:15 UTC */
    assert_int_equal(store_record_add(f->st, "registration", reg_fields, t, f->reg), 0);
    assert_int_equal(store_record_add(f->st, "checkin",
                                      "{\"activity_id\":\"A7\",\"certificate_no\":\"LD-2024-0017\"}",
                                      t + 60000, f->chk),
                     0);
    assert_int_equal(store_record_add(f->st, "job_interest",
                                      "{\"job_id\":\"J3\",\"name\":\"李强\",\"phone\":\"13905781234\"}",
                                      t, f->job),
                     0);
    assert_int_equal(store_record_add(f->st, "training_signup",
                                      "{\"training_title\":\"电工上岗证培训\",\"training_starts_at\":"
                                      "\"2026-12-03 09:00\",\"name\":\"王芳\",\"phone\":\"13600001111\"}",
                                      t, f->train),
                     0);
    assert_int_equal(store_record_add(f->st, "consultation",
                                      "{\"topic\":\"接转组织关系\",\"name\":\"欧阳娜娜\"}", t, f->cons),
                     0);
    assert_int_equal(store_record_add(f->st, "queue_ticket",
                                      "{\"ticket_no\":\"A023\",\"service\":\"劳资纠纷调解\",\"window\":\"3号窗口\"}", t,
                                      f->queue),
                     0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    text_fonts_close(f->tf);
    identity_free(f->key);
    store_close(f->st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

/* What zbarimg reads from a PNG (trailing newline removed); malloc'd, never NULL. */
static char *zbar_read(const char *png)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", png);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct strbuf sb = {0};
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        strbuf_addn(&sb, buf, n);
    pclose(p);
    char *s = strbuf_detach(&sb);
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = 0;
    return s;
}

static void keep_copy(const char *src, const char *name)
{
    const char *out = getenv("RECEIPT_TEST_OUT");
    if (!out)
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/%s'", src, out, name);
    if (system(cmd) != 0)
        fprintf(stderr, "could not keep %s\n", name);
}

static int layout_has_text(const struct receipt_layout *l, const char *needle)
{
    for (int i = 0; i < l->n_items; i++)
        if (l->items[i].kind == RECEIPT_TEXT && strstr(l->items[i].text, needle))
            return 1;
    return 0;
}

/* The full round trip for one record at one paper width. */
static void round_trip(struct fx *f, const char *uuid, int dots, const char *tag)
{
    char err[256] = "";
    struct receipt_layout *l = NULL;
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, uuid, &l, err, sizeof err), 0);
    assert_string_equal(l->record_uuid, uuid);

    /* ESC/POS to a file, as kioskctl receipt --escpos writes it. */
    struct escpos_buf b = {0};
    assert_int_equal(receipt_render_escpos(l, f->tf, dots, &b), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/%s-%d.bin", f->dir, tag, dots);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b.data, 1, b.len, fp), b.len);
    fclose(fp);
    escpos_buf_free(&b);

    /* Read the file back and decode it the way the printer would. */
    size_t len = 0;
    uint8_t *bytes = (uint8_t *)util_read_file(path, &len);
    assert_non_null(bytes);
    assert_true(len > 100);
    assert_memory_equal(bytes, "\x1b@", 2);
    assert_memory_equal(bytes + len - 7, "\x1b" "d\x03\x1dV\x42\x00", 7);
    int w, h;
    uint8_t *grey = NULL;
    assert_int_equal(escpos_decode(bytes, len, &w, &h, &grey, err, sizeof err), 0);
    free(bytes);
    assert_int_equal(w, dots);
    assert_true(h > dots); /* a receipt is taller than wide */

    /* The decoded image is exactly the raster the PNG is made of. */
    struct receipt_raster r;
    assert_int_equal(receipt_render_raster(l, f->tf, dots, &r), 0);
    assert_int_equal(r.w, w);
    assert_int_equal(r.h, h);
    assert_memory_equal(r.pixels, grey, (size_t)w * (size_t)h);
    /* Nothing drawn in the side margins: no text ran off the paper. */
    int margin = dots * 8 / RECEIPT_BASE_DOTS;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < margin; x++) {
            assert_int_equal(grey[(size_t)y * (size_t)w + (size_t)x], 255);
            assert_int_equal(grey[(size_t)y * (size_t)w + (size_t)(w - 1 - x)], 255);
        }
    /* Only black and white: a thermal head has no grey. */
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        assert_true(grey[i] == 0 || grey[i] == 255);
    receipt_raster_free(&r);

    char png[256], name[64];
    snprintf(png, sizeof png, "%s/%s-%d-escpos.png", f->dir, tag, dots);
    assert_int_equal(png_write_gray(png, w, h, grey, w), 0);
    free(grey);
    char *read = zbar_read(png);
    assert_string_equal(read, l->payload);
    snprintf(name, sizeof name, "receipt-%s-%d.png", tag, dots);
    keep_copy(png, name);

    struct sign_own_keys own = {f->st, f->cfg.kiosk_id};
    struct receipt_keys keys = {sign_own_key_lookup, &own, NULL, 0};
    struct receipt_claim c;
    assert_int_equal(receipt_verify_payload(&keys, read, &c), RECEIPT_GENUINE);
    assert_string_equal(c.uuid, uuid);
    assert_string_equal(c.kiosk_id, "LD-ZJ-03");
    free(read);

    /* The PNG output carries the same payload. */
    snprintf(png, sizeof png, "%s/%s-%d.png", f->dir, tag, dots);
    assert_int_equal(receipt_render_png(l, f->tf, dots, png), 0);
    read = zbar_read(png);
    assert_string_equal(read, l->payload);
    free(read);

    /* The receipt number is on the receipt, in the stored row. */
    char no[RECEIPT_NO_SIZE], st[16];
    assert_int_equal(receipt_get(f->st, uuid, no, st, sizeof st, NULL, 0), 0);
    assert_string_equal(no, l->receipt_no);
    assert_string_equal(st, "pending");
    assert_true(layout_has_text(l, no));
    receipt_layout_free(l);
}

static void test_registration_384(void **state) { round_trip(*state, ((struct fx *)*state)->reg, 384, "registration"); }
static void test_registration_576(void **state) { round_trip(*state, ((struct fx *)*state)->reg, 576, "registration"); }
static void test_checkin_384(void **state) { round_trip(*state, ((struct fx *)*state)->chk, 384, "checkin"); }
static void test_checkin_576(void **state) { round_trip(*state, ((struct fx *)*state)->chk, 576, "checkin"); }

static void test_every_kind_renders(void **state)
{
    struct fx *f = *state;
    const char *uuids[] = {f->reg, f->chk, f->job, f->train, f->cons, f->queue};
    const char *titles[] = {"报到登记回执", "活动签到回执", "岗位意向回执",
                            "培训报名回执", "咨询登记回执", "排队号"};
    const int widths[] = {384, 512, 576, 640};
    for (size_t i = 0; i < ARRAY_LEN(uuids); i++) {
        char err[256];
        struct receipt_layout *l = NULL;
        assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, uuids[i], &l, err, sizeof err), 0);
        assert_true(layout_has_text(l, titles[i]));
        assert_true(layout_has_text(l, "服务热线 0578-2123110"));
        assert_true(layout_has_text(l, "莲都区外来党员服务中心"));
        assert_true(layout_has_text(l, "LD-ZJ-03"));
        for (size_t k = 0; k < ARRAY_LEN(widths); k++) {
            struct receipt_raster r;
            assert_int_equal(receipt_render_raster(l, f->tf, widths[k], &r), 0);
            assert_int_equal(r.w, widths[k]);
            receipt_raster_free(&r);
        }
        receipt_layout_free(l);
    }
}

static void test_content_and_masking(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct receipt_layout *l = NULL;
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->reg, &l, err, sizeof err), 0);
    assert_true(layout_has_text(l, "姓名：张*"));
    assert_true(layout_has_text(l, "身份证号：330102********1234"));
    assert_true(layout_has_text(l, "手机号：138****1234"));
    assert_true(layout_has_text(l, "请携带《流动党员活动证》到所属服务站报到"));
    assert_true(layout_has_text(l, "紫金街道万象社区服务站"));
    assert_true(layout_has_text(l, "时间：2026-11-28"));
    assert_false(layout_has_text(l, "张伟"));
    assert_false(layout_has_text(l, "199001011234"));
    assert_false(layout_has_text(l, "13812341234"));
    assert_false(layout_has_text(l, "1234123"));
    /* The payload names the record by its UUID (hex digits in capitals, no dashes). */
    char hex[33];
    for (int i = 0, o = 0; f->reg[i]; i++)
        if (f->reg[i] != '-')
            hex[o++] = (char)toupper((unsigned char)f->reg[i]), hex[o] = 0;
    assert_true(strstr(l->payload, hex) != NULL);
    assert_null(strstr(l->payload, "张"));
    receipt_layout_free(l);

    /* Check-in: the activity comes from the content table. */
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->chk, &l, err, sizeof err), 0);
    assert_true(layout_has_text(l, "活动：十一月主题党日：学习党章"));
    assert_true(layout_has_text(l, "地点：紫金街道党群服务中心三楼"));
    /* The name comes from the registration with the same certificate number. */
    assert_true(layout_has_text(l, "姓名：张*"));
    assert_true(layout_has_text(l, "活动证号：LD-2024-0017"));
    receipt_layout_free(l);

    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->job, &l, err, sizeof err), 0);
    assert_true(layout_has_text(l, "岗位：数控车床操作工"));
    assert_true(layout_has_text(l, "用人单位：浙江某某机械有限公司"));
    assert_true(layout_has_text(l, "手机号：139****1234"));
    receipt_layout_free(l);

    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->cons, &l, err, sizeof err), 0);
    assert_true(layout_has_text(l, "咨询事项：接转组织关系"));
    assert_true(layout_has_text(l, "姓名：欧***"));
    assert_false(layout_has_text(l, "手机号")); /* absent fields are left out */
    receipt_layout_free(l);

    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->queue, &l, err, sizeof err), 0);
    int big = 0;
    for (int i = 0; i < l->n_items; i++)
        if (l->items[i].kind == RECEIPT_TEXT && strcmp(l->items[i].text, "A023") == 0)
            big = l->items[i].size;
    assert_true(big >= 64);
    receipt_layout_free(l);
}

/* An English visitor's receipt carries English beside the Chinese; the same payload;
 * printed body text at least 4 mm (32 dots of 8 a mm) on 58 mm paper; a queue ticket's
 * number the largest text, with its window. */
static void test_english_and_sizes(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct receipt_layout *zh = NULL, *en = NULL;
    const char *uuids[] = {f->reg, f->chk, f->queue};
    const char *titles[] = {"报到登记回执 Registration receipt", "活动签到回执 Check-in receipt",
                            "排队号 Queue ticket"};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, uuids[k], &zh, err, sizeof err), 0);
        assert_int_equal(
            receipt_prepare_lang(f->st, &f->cfg, f->key, uuids[k], 1, &en, err, sizeof err), 0);
        assert_true(layout_has_text(en, titles[k]));
        assert_true(layout_has_text(en, "回执号 Receipt No."));
        assert_true(layout_has_text(en, "工作人员核验用 For staff to check"));
        assert_true(layout_has_text(en, "服务热线 Hotline"));
        assert_false(layout_has_text(zh, "Receipt No."));
        assert_true(layout_has_text(zh, "工作人员核验用"));
        assert_string_equal(zh->payload, en->payload);
        int largest = 0;
        const char *largest_text = "";
        for (int i = 0; i < en->n_items; i++) {
            const struct receipt_item *it = &en->items[i];
            if (it->kind != RECEIPT_TEXT)
                continue;
            /* 384 dots are 48 mm: 8 dots a mm, 4 mm = 32 dots. */
            assert_true(it->size * 10 / 8 >= 40);
            if (it->size > largest) {
                largest = it->size;
                largest_text = it->text;
            }
        }
        if (uuids[k] == f->queue) {
            assert_string_equal(largest_text, "A023");
            assert_true(layout_has_text(zh, "办理窗口："));
            assert_true(layout_has_text(en, "办理窗口 Window："));
        }
        receipt_layout_free(zh);
        receipt_layout_free(en);
    }
    assert_int_equal(receipt_prepare_lang(f->st, &f->cfg, f->key, f->reg, 1, &en, err, sizeof err),
                     0);
    assert_true(layout_has_text(en, "姓名 Name：张*"));
    assert_true(layout_has_text(en, "Please take your activity certificate"));
    receipt_layout_free(en);
}

/* [kiosk] hall_en: under the Chinese name on an English visitor's receipt, never on a
 * Chinese one; without it, the Chinese name alone. */
static void test_english_hall(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct receipt_layout *zh = NULL, *en = NULL;
    util_strlcpy(f->cfg.hall_en, "Liandu Service Centre", sizeof f->cfg.hall_en);
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->chk, &zh, err, sizeof err), 0);
    assert_int_equal(receipt_prepare_lang(f->st, &f->cfg, f->key, f->chk, 1, &en, err, sizeof err),
                     0);
    assert_true(layout_has_text(en, "莲都区外来党员服务中心"));
    assert_true(layout_has_text(en, "Liandu Service Centre"));
    assert_true(layout_has_text(zh, "莲都区外来党员服务中心"));
    assert_false(layout_has_text(zh, "Liandu Service Centre"));
    receipt_layout_free(zh);
    receipt_layout_free(en);
    f->cfg.hall_en[0] = 0;
    assert_int_equal(receipt_prepare_lang(f->st, &f->cfg, f->key, f->chk, 1, &en, err, sizeof err),
                     0);
    assert_true(layout_has_text(en, "莲都区外来党员服务中心"));
    assert_false(layout_has_text(en, "Liandu Service Centre"));
    receipt_layout_free(en);
}

static void test_receipt_row_is_stable(void **state)
{
    struct fx *f = *state;
    char err[256], no1[RECEIPT_NO_SIZE], no2[RECEIPT_NO_SIZE];
    struct receipt_layout *l = NULL;
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->cons, &l, err, sizeof err), 0);
    util_strlcpy(no1, l->receipt_no, sizeof no1);
    receipt_layout_free(l);
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->cons, &l, err, sizeof err), 0);
    util_strlcpy(no2, l->receipt_no, sizeof no2);
    receipt_layout_free(l);
    assert_string_equal(no1, no2);
    /* XXXX-XXXX from the unambiguous alphabet. */
    assert_int_equal(strlen(no1), 9);
    assert_int_equal(no1[4], '-');
    for (int i = 0; i < 9; i++)
        if (i != 4)
            assert_non_null(strchr("23456789ABCDEFGHJKMNPQRSTUVWXYZ", no1[i]));
    sqlite3_stmt *s = store_prepare(f->st, "SELECT count(*) FROM receipts WHERE record_uuid=?");
    sqlite3_bind_text(s, 1, f->cons, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);

    /* No such record. */
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key,
                                     "00000000-0000-4000-8000-000000000000", &l, err, sizeof err),
                     1);
    assert_null(l);

    /* With no printer configured, the row says so instead of waiting for ever. */
    struct config none = f->cfg;
    util_strlcpy(none.printer_device, "none", sizeof none.printer_device);
    char fresh[37], state_[16];
    assert_int_equal(store_record_add(f->st, "consultation", "{\"topic\":\"子女就学\"}",
                                      1795850100000, fresh), 0);
    assert_int_equal(receipt_prepare(f->st, &none, f->key, fresh, &l, err, sizeof err), 0);
    assert_int_equal(receipt_get(f->st, fresh, NULL, state_, sizeof state_, NULL, 0), 0);
    assert_string_equal(state_, "none");
    receipt_layout_free(l);
}

/* Finds the QR symbol on the raster by its top finder patterns: on the symbol's first
 * row the first and last dark runs are 7 modules long and the row spans the symbol.
 * Returns the symbol's width in dots, 0 when not found. */
static int qr_width_on_raster(const struct receipt_raster *r, int size)
{
    for (int y = 0; y < r->h; y++) {
        const uint8_t *row = r->pixels + (size_t)y * (size_t)r->w;
        int first = -1, first_len = 0, last_start = -1, last_len = 0;
        for (int x = 0; x < r->w;) {
            if (row[x]) {
                x++;
                continue;
            }
            int s = x;
            while (x < r->w && !row[x])
                x++;
            if (first < 0) {
                first = s;
                first_len = x - s;
            }
            last_start = s;
            last_len = x - s;
        }
        /* Modules of 2+ dots: a glyph's stroke row can look like a 1-dot finder. */
        if (first < 0 || first_len < 14 || first_len % 7 || last_len != first_len ||
            last_start == first)
            continue;
        int module = first_len / 7;
        if (last_start + last_len - first == size * module)
            return size * module;
    }
    return 0;
}

static void test_qr_is_large(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct receipt_layout *l = NULL;
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->reg, &l, err, sizeof err), 0);
    /* The Ed25519 payload still fits version 7 (45 modules): 5+ dots a module at 384. */
    assert_true(l->qr.size <= 45);
    const int widths[] = {384, 512, 576, 640};
    for (size_t k = 0; k < ARRAY_LEN(widths); k++) {
        struct receipt_raster r;
        assert_int_equal(receipt_render_raster(l, f->tf, widths[k], &r), 0);
        int w = qr_width_on_raster(&r, l->qr.size);
        assert_true(w >= widths[k] / 2);
        assert_true(w < widths[k]);
        receipt_raster_free(&r);
    }
    receipt_layout_free(l);
}

static void test_test_page(void **state)
{
    struct fx *f = *state;
    struct receipt_layout *l = receipt_layout_test(&f->cfg, 1795850100000);
    assert_non_null(l);
    assert_true(layout_has_text(l, "打印测试"));
    assert_string_equal(l->record_uuid, "");
    char png[256];
    snprintf(png, sizeof png, "%s/test-page.png", f->dir);
    assert_int_equal(receipt_render_png(l, f->tf, 384, png), 0);
    char *read = zbar_read(png);
    assert_string_equal(read, l->payload);
    free(read);
    receipt_layout_free(l);
}

/* The kioskctl commands: receipt, verify, print-test (argv style, exit statuses). */
static void test_commands(void **state)
{
    struct fx *f = *state;
    char png[256], bin[256], dev[300];
    snprintf(png, sizeof png, "%s/cmd.png", f->dir);
    snprintf(bin, sizeof bin, "%s/cmd.bin", f->dir);
    char *ok[] = {"receipt", f->reg, "--png", png, "--escpos", bin, "--dots", "576"};
    assert_int_equal(receipt_cmd_receipt(&f->cfg, 8, ok), 0);
    char *payload = zbar_read(png);
    assert_memory_equal(payload, "LDK2:LD-ZJ-03:", 14);
    size_t len;
    char *bytes = util_read_file(bin, &len);
    int w, h;
    uint8_t *grey;
    char err[256];
    assert_int_equal(escpos_decode((uint8_t *)bytes, len, &w, &h, &grey, err, sizeof err), 0);
    assert_int_equal(w, 576);
    free(grey);
    free(bytes);

    char *no_output[] = {"receipt", f->reg};
    assert_int_equal(receipt_cmd_receipt(&f->cfg, 2, no_output), 2);
    char *bad_dots[] = {"receipt", f->reg, "--png", png, "--dots", "300"};
    assert_int_equal(receipt_cmd_receipt(&f->cfg, 6, bad_dots), 2);
    char *missing[] = {"receipt", "00000000-0000-4000-8000-000000000000", "--png", png};
    assert_int_equal(receipt_cmd_receipt(&f->cfg, 4, missing), 1);

    char *verify[] = {"verify", payload};
    assert_int_equal(receipt_cmd_verify(&f->cfg, 2, verify), 0);
    payload[20] = payload[20] == 'A' ? 'B' : 'A'; /* a digit of the record's UUID */
    assert_int_equal(receipt_cmd_verify(&f->cfg, 2, verify), 1);
    char *verify_bad[] = {"verify"};
    assert_int_equal(receipt_cmd_verify(&f->cfg, 1, verify_bad), 2);
    free(payload);

    /* A receipt printed before the identity existed (HMAC under receipt.key) still
     * verifies on its kiosk, by its key id; altered, it does not. */
    struct sign_key *old = NULL;
    assert_int_equal(sign_key_open(f->dir, 1, &old, err, sizeof err), 0);
    char v1[RECEIPT_PAYLOAD_SIZE];
    assert_int_equal(receipt_payload_hmac(old, f->cfg.kiosk_id, f->reg, "registration",
                                          "2026-11-28T07:15:00.000Z", v1, sizeof v1), 0);
    sign_key_close(old);
    char *verify_old[] = {"verify", v1};
    assert_int_equal(receipt_cmd_verify(&f->cfg, 2, verify_old), 0);
    v1[20] = v1[20] == '1' ? '2' : '1';
    assert_int_equal(receipt_cmd_verify(&f->cfg, 2, verify_old), 1);

    struct config c = f->cfg;
    snprintf(dev, sizeof dev, "file:%s/test-page.bin", f->dir);
    util_strlcpy(c.printer_device, dev, sizeof c.printer_device);
    c.paper_dots = 384;
    char *pt[] = {"print-test"};
    assert_int_equal(receipt_cmd_print_test(&c, 1, pt), 0);
    bytes = util_read_file(dev + 5, &len);
    assert_non_null(bytes);
    assert_int_equal(escpos_decode((uint8_t *)bytes, len, &w, &h, &grey, err, sizeof err), 0);
    assert_int_equal(w, 384);
    free(grey);
    free(bytes);
    util_strlcpy(c.printer_device, "file:/proc/nonexistent/x", sizeof c.printer_device);
    assert_int_equal(receipt_cmd_print_test(&c, 1, pt), 1);
    util_strlcpy(c.printer_device, "none", sizeof c.printer_device);
    assert_int_equal(receipt_cmd_print_test(&c, 1, pt), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registration_384),
        cmocka_unit_test(test_registration_576),
        cmocka_unit_test(test_checkin_384),
        cmocka_unit_test(test_checkin_576),
        cmocka_unit_test(test_every_kind_renders),
        cmocka_unit_test(test_content_and_masking),
        cmocka_unit_test(test_english_and_sizes),
        cmocka_unit_test(test_english_hall),
        cmocka_unit_test(test_receipt_row_is_stable),
        cmocka_unit_test(test_qr_is_large),
        cmocka_unit_test(test_test_page),
        cmocka_unit_test(test_commands),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
