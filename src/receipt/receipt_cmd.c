/* receipt_cmd — see receipt_cmd.h.  Thin: argument parsing and printing around
 * receipt.c, sign.c and printer.c. */
#include "receipt/receipt_cmd.h"

#include "core/config.h"
#include "core/util.h"
#include "receipt/printer.h"
#include "receipt/receipt.h"
#include "receipt/sign.h"
#include "store/store.h"
#include "ui/text.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEYRING_DIR "receipt-keys"
#define KEYRING_MAX 64

static int usage(const char *cmd, const char *what)
{
    fprintf(stderr, "kioskctl %s: %s\n", cmd, what);
    return 2;
}

static int write_bytes(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
    return ok ? 0 : -1;
}

static int has_database(const struct config *cfg)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", cfg->data_dir, STORE_DB_NAME);
    return access(path, R_OK) == 0;
}

/* Writes the layout to the requested files; 0 or -1. */
static int render_outputs(const struct config *cfg, const struct receipt_layout *l, int dots,
                          const char *png, const char *escpos)
{
    char err[256];
    struct text_fonts *tf = text_fonts_open(cfg->fonts_dir, err, sizeof err);
    if (!tf) {
        fprintf(stderr, "fonts: %s\n", err);
        return -1;
    }
    int rc = 0;
    if (png && receipt_render_png(l, tf, dots, png) < 0)
        rc = -1;
    if (rc == 0 && escpos) {
        struct escpos_buf b = {0};
        rc = receipt_render_escpos(l, tf, dots, &b);
        if (rc == 0)
            rc = write_bytes(escpos, b.data, b.len);
        escpos_buf_free(&b);
    }
    text_fonts_close(tf);
    return rc;
}

int receipt_cmd_receipt(const struct config *cfg, int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "receipt";
    const char *uuid = NULL, *png = NULL, *escpos = NULL;
    int dots = cfg->paper_dots;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0 && i + 1 < argc) {
            png = argv[++i];
        } else if (strcmp(argv[i], "--escpos") == 0 && i + 1 < argc) {
            escpos = argv[++i];
        } else if (strcmp(argv[i], "--dots") == 0 && i + 1 < argc) {
            dots = atoi(argv[++i]);
            if (dots != 384 && dots != 512 && dots != 576 && dots != 640)
                return usage(cmd, "--dots must be 384, 512, 576 or 640");
        } else if (argv[i][0] != '-' && !uuid) {
            uuid = argv[i];
        } else {
            return usage(cmd, "usage: receipt UUID --png FILE | --escpos FILE [--dots N]");
        }
    }
    if (!uuid || (!png && !escpos))
        return usage(cmd, "usage: receipt UUID --png FILE | --escpos FILE [--dots N]");
    if (!has_database(cfg)) {
        fprintf(stderr, "%s: no kiosk database here\n", cfg->data_dir);
        return 1;
    }
    char err[512];
    struct store *st = NULL;
    struct identity *key = NULL;
    enum sign_identity_state state;
    struct receipt_layout *l = NULL;
    int status = 1;
    /* The key is never made here: a key file created by a staff member running kioskctl
     * as another user would be one the kiosk cannot read. */
    if (store_open(cfg->data_dir, cfg->kiosk_id, &st, err, sizeof err) < 0 ||
        sign_identity_open(cfg->data_dir, st, 0, &key, &state, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    int rc = receipt_prepare(st, cfg, key, uuid, &l, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    if (render_outputs(cfg, l, dots, png, escpos) < 0)
        goto out;
    printf("receipt %s of record %s (%s), %d dots:%s%s%s%s\n", l->receipt_no, l->record_uuid,
           l->kind, dots, png ? " png " : "", png ? png : "", escpos ? " escpos " : "",
           escpos ? escpos : "");
    status = 0;
out:
    receipt_layout_free(l);
    identity_free(key);
    store_close(st);
    return status;
}

/* The HMAC keys of older (LDK1) receipts: this kiosk's receipt.key (if it has one) and
 * every readable key file in DATA_DIR/receipt-keys/ (names ending .key).
 * Keys that fail their checks are reported and left out. */
static size_t load_keyring(const struct config *cfg, struct sign_key **keys, size_t max)
{
    size_t n = 0;
    char err[512], path[4096];
    snprintf(path, sizeof path, "%s/%s", cfg->data_dir, SIGN_KEY_FILE);
    if (access(path, F_OK) == 0) {
        if (sign_key_load(path, &keys[n], err, sizeof err) == 0)
            n++;
        else
            fprintf(stderr, "%s\n", err);
    }
    snprintf(path, sizeof path, "%s/%s", cfg->data_dir, KEYRING_DIR);
    DIR *d = opendir(path);
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".key") != 0)
            continue;
        char kp[4096 + 256];
        snprintf(kp, sizeof kp, "%s/%s", path, e->d_name);
        if (sign_key_load(kp, &keys[n], err, sizeof err) == 0)
            n++;
        else
            fprintf(stderr, "%s\n", err);
    }
    closedir(d);
    return n;
}

/* Prints the stored record the payload names, as its receipt shows it. */
static void print_record(const struct config *cfg, struct store *st,
                         const struct receipt_claim *c)
{
    if (!st) {
        printf("record: not in this kiosk's database\n");
        return;
    }
    struct record rec;
    int rc = store_record_get(st, c->uuid, &rec);
    if (rc != 0) {
        printf("record: %s\n", rc > 0 ? "not in this kiosk's database" : "cannot be read");
        return;
    }
    if (strcmp(rec.kind, c->kind) != 0 || strcmp(rec.kiosk_id, c->kiosk_id) != 0)
        printf("warning: the stored record is a %s from %s, the payload says %s from %s\n",
               rec.kind, rec.kiosk_id, c->kind, c->kiosk_id);
    char no[RECEIPT_NO_SIZE] = "", state[16] = "", perr[256] = "";
    receipt_get(st, c->uuid, no, state, sizeof state, perr, sizeof perr);
    printf("created_at: %s\nreceipt_no: %s\nprint_state: %s%s%s\n", rec.created_at,
           no[0] ? no : "-", state[0] ? state : "-", perr[0] ? " — " : "", perr);
    /* The lines as the receipt shows them (masked); laid out again, which needs the
     * kiosk's current key only to sign a payload nobody sees. */
    struct identity *id = NULL;
    enum sign_identity_state id_state;
    char err[512];
    struct receipt_layout *l = NULL;
    if (sign_identity_open(cfg->data_dir, st, 0, &id, &id_state, err, sizeof err) == 0 &&
        receipt_layout_record(st, cfg, id, &rec, no[0] ? no : "-", &l) == 0) {
        printf("receipt:\n");
        for (int i = 0; i < l->n_items; i++)
            if (l->items[i].kind == RECEIPT_TEXT)
                printf("  %s\n", l->items[i].text);
        receipt_layout_free(l);
    }
    identity_free(id);
    record_clear(&rec);
}

int receipt_cmd_verify(const struct config *cfg, int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "verify";
    if (argc != 2)
        return usage(cmd, "usage: verify PAYLOAD");
    struct sign_key *hmac[KEYRING_MAX];
    size_t n = load_keyring(cfg, hmac, KEYRING_MAX);
    char err[512];
    /* Ed25519 keys (LDK2 receipts): every key this kiosk has used, from its database. */
    struct sign_own_keys own = {NULL, cfg->kiosk_id};
    if (has_database(cfg) && store_open_readonly(cfg->data_dir, &own.st, err, sizeof err) < 0)
        fprintf(stderr, "%s\n", err);
    struct receipt_keys keys = {sign_own_key_lookup, &own, (const struct sign_key *const *)hmac,
                                n};
    struct receipt_claim c;
    enum receipt_verdict v = receipt_verify_payload(&keys, argv[1], &c);
    printf("verdict: %s\n", receipt_verdict_text(v));
    if (v != RECEIPT_MALFORMED) {
        char iso[32], when[32] = "";
        int64_t ms;
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", c.time, c.time + 4,
                 c.time + 6, c.time + 9, c.time + 11, c.time + 13);
        if (util_parse_iso(iso, &ms) == 0)
            util_time_local(ms, "%Y-%m-%d %H:%M:%S", when, sizeof when);
        printf("kiosk: %s\nrecord: %s\nkind: %s\ntime: %s (%s)\nkey: %s (%s)\n", c.kiosk_id,
               c.uuid, c.kind, when, c.time, c.key_id,
               c.version == 2 ? "Ed25519" : "HMAC, an older receipt");
        if (v == RECEIPT_UNKNOWN_KEY && c.version == 2)
            printf("another kiosk's receipt: the centre checks it (kioskctl centre verify)\n");
    }
    if (v == RECEIPT_GENUINE)
        print_record(cfg, own.st, &c);
    store_close(own.st);
    for (size_t i = 0; i < n; i++)
        sign_key_close(hmac[i]);
    return v == RECEIPT_GENUINE ? 0 : 1;
}

int receipt_cmd_print_test(const struct config *cfg, int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "print-test";
    const char *png = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0 && i + 1 < argc)
            png = argv[++i];
        else
            return usage(cmd, "usage: print-test [--png FILE]");
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct receipt_layout *l = receipt_layout_test(cfg, (int64_t)ts.tv_sec * 1000);
    if (!l)
        return 1;
    char err[256];
    struct text_fonts *tf = text_fonts_open(cfg->fonts_dir, err, sizeof err);
    if (!tf) {
        fprintf(stderr, "fonts: %s\n", err);
        receipt_layout_free(l);
        return 1;
    }
    struct escpos_buf job = {0};
    int rc = receipt_render_escpos(l, tf, cfg->paper_dots, &job);
    if (rc == 0 && png)
        rc = receipt_render_png(l, tf, cfg->paper_dots, png);
    text_fonts_close(tf);
    receipt_layout_free(l);
    if (rc < 0) {
        escpos_buf_free(&job);
        return 1;
    }
    char detail[192];
    enum printer_outcome o = printer_send(cfg->printer_device, cfg->printer_timeout_ms,
                                          job.data, job.len, detail, sizeof detail);
    escpos_buf_free(&job);
    printf("printer %s: %s — %s / %s%s%s\n", cfg->printer_device, printer_state_name(o),
           printer_message(o, "zh"), printer_message(o, "en"), detail[0] ? " — " : "", detail);
    return o == PRINTER_PRINTED ? 0 : 1;
}
