/* receipts — see receipts.h.  The glue between the screens and src/receipt/: the
 * signing key and the printer are the ones kiosk.c opened (struct app borrows them). */
#include "app/receipts.h"

#include "app/app.h"
#include "core/util.h"
#include "receipt/printer.h"
#include "store/store.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int receipts_have_printer(const struct app *a)
{
    return a->printer && strcmp(a->cfg.printer_device, "none") != 0;
}

/* Writes a failure the printer never got to report (the job could not be queued), so
 * the receipts row does not stay 'pending' for ever. */
static void record_failure(struct app *a, const char *uuid, enum printer_outcome o,
                           const char *detail)
{
    struct printer_result r;
    memset(&r, 0, sizeof r);
    util_strlcpy(r.record_uuid, uuid, sizeof r.record_uuid);
    r.outcome = o;
    util_strlcpy(r.detail, detail, sizeof r.detail);
    a->last_print = r;
    a->last_print_ms = app_now(a);
    receipt_apply_result(a->st, &r, app_now(a));
    a->print_serial++;
}

static int submit(struct app *a, const struct receipt_layout *l)
{
    if (receipt_print(a->st, a->printer, l, ui_fonts(a->ui), a->cfg.paper_dots, app_now(a)) < 0)
        return -1;
    a->print_in_flight++;
    a->print_serial++;
    return 0;
}

struct receipt_layout *receipts_issue(struct app *a, const char *uuid, int print)
{
    if (!a->identity) {
        /* Logged once at start (kiosk.c); the record is committed regardless. */
        store_event(a->st, app_now(a), "receipt_unavailable", "no signing key");
        return NULL;
    }
    struct receipt_layout *l = NULL;
    char err[256];
    /* Laid out in the visitor's language: an English visitor's receipt is bilingual. */
    int rc = receipt_prepare_lang(a->st, &a->cfg, a->identity, uuid, a->lang == LANG_EN, &l, err,
                                  sizeof err);
    if (rc != 0) {
        fprintf(stderr, "receipts: %s\n", err);
        store_event(a->st, app_now(a), "receipt_unavailable", uuid);
        return NULL;
    }
    if (!print || strcmp(a->cfg.printer_device, "none") == 0)
        return l;
    if (!a->printer)
        record_failure(a, uuid, PRINTER_NOT_CONNECTED, "the printer did not start");
    else if (submit(a, l) < 0)
        /* Rendering failed or four jobs are already waiting: say so now rather than
         * leave the row pending with nothing coming. */
        record_failure(a, uuid,
                       a->print_in_flight >= PRINTER_QUEUE_MAX ? PRINTER_BUSY : PRINTER_FAULT,
                       "the job could not be queued");
    return l;
}

void receipts_kind(struct app *a, const char *uuid, char *kind, size_t size)
{
    struct record rec;
    kind[0] = 0;
    if (store_record_get(a->st, uuid, &rec) == 0) {
        util_strlcpy(kind, rec.kind, size);
        record_clear(&rec);
    }
}

int receipts_reprint(struct app *a, const struct receipt_layout *l)
{
    if (!l || !receipts_have_printer(a))
        return -1;
    return submit(a, l);
}

/* print_error holds "中文 / English" (receipt_apply_result): the half in the app's
 * language. */
static void reason_from_error(const char *error, enum lang lang, char *out, size_t size)
{
    const char *sep = strstr(error, " / ");
    if (!sep) {
        util_strlcpy(out, error, size);
        return;
    }
    if (lang == LANG_EN) {
        util_strlcpy(out, sep + 3, size);
        return;
    }
    size_t n = (size_t)(sep - error);
    if (n >= size)
        n = size - 1;
    memcpy(out, error, n);
    out[n] = 0;
}

enum receipts_print receipts_status(struct app *a, const char *uuid, struct receipts_status *out)
{
    memset(out, 0, sizeof *out);
    char state[16] = "", error[256] = "";
    if (receipt_get(a->st, uuid, out->receipt_no, state, sizeof state, error, sizeof error) != 0)
        return out->state = RECEIPTS_UNKNOWN;
    if (!strcmp(state, "none"))
        out->state = RECEIPTS_NO_PRINTER;
    else if (!strcmp(state, "pending"))
        out->state = RECEIPTS_PENDING;
    else if (!strcmp(state, "printed"))
        out->state = RECEIPTS_PRINTED;
    else if (!strcmp(state, "failed"))
        out->state = RECEIPTS_FAILED;
    else
        out->state = RECEIPTS_UNKNOWN;
    if (out->state == RECEIPTS_FAILED) {
        /* The outcome this run saw says it best; an older failure has its stored text. */
        if (a->last_print_ms && !strcmp(a->last_print.record_uuid, uuid))
            util_strlcpy(out->reason,
                         printer_message(a->last_print.outcome, a->lang == LANG_EN ? "en" : "zh"),
                         sizeof out->reason);
        else
            reason_from_error(error, a->lang, out->reason, sizeof out->reason);
    }
    return out->state;
}

int receipts_poll(struct app *a)
{
    if (!a->printer)
        return 0;
    struct printer_result r;
    int n = 0;
    while (printer_poll(a->printer, &r)) {
        /* A PRINTER_BUSY result stands for a submit that was refused, never counted. */
        if (r.outcome != PRINTER_BUSY && a->print_in_flight > 0)
            a->print_in_flight--;
        a->last_print = r;
        a->last_print_ms = app_now(a);
        if (a->st) /* out of service: the result has no database to go to */
            receipt_apply_result(a->st, &r, app_now(a));
        a->print_serial++;
        n++;
    }
    return n;
}

int receipts_in_flight(const struct app *a) { return a->print_in_flight; }

void receipts_view(const struct receipt_layout *l, struct receipts_view *v)
{
    /* The layout is: hall, kiosk | rule | title, fields…, time | rule | number, QR,
     * caption | rule | next step, hotline (receipt.c, receipt_layout_record). */
    memset(v, 0, sizeof *v);
    int part = 0;
    for (int i = 0; i < l->n_items; i++) {
        const struct receipt_item *it = &l->items[i];
        if (it->kind == RECEIPT_RULE) {
            part++;
            continue;
        }
        if (it->kind != RECEIPT_TEXT || !it->text)
            continue;
        if (part == 1) {
            if (!v->title)
                v->title = it->text;
            else if (it->size == RECEIPT_SIZE_TICKET && !v->ticket)
                v->ticket = it->text;
            else if (v->n_lines < RECEIPTS_MAX_LINES)
                v->lines[v->n_lines++] = it->text;
        } else if (part == 3 && !v->next_step) {
            v->next_step = it->text;
        }
    }
}

int receipts_station(struct app *a, const char *uuid, struct reg_place *out)
{
    sqlite3_stmt *s = store_prepare(a->st, "SELECT json_extract(fields, '$.community_id')"
                                           " FROM records WHERE uuid=? AND kind='registration'");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    char id[64] = "";
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
        util_strlcpy(id, (const char *)sqlite3_column_text(s, 0), sizeof id);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fprintf(stderr, "receipts: cannot read the registration: %s\n",
                sqlite3_errmsg(store_db(a->st)));
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (!id[0])
        return 1;
    return registration_place(a->st, id, out);
}

uint8_t *receipts_qr_rgba(const struct receipt_layout *l, int max_px, int *side)
{
    *side = 0;
    if (!l || l->qr.size <= 0 || !l->qr.modules)
        return NULL;
    int total = l->qr.size + 2 * QR_QUIET_MODULES;
    /* A fractional module smears edges that a phone camera then has to guess. */
    int m = max_px / total;
    if (m < 1)
        m = 1;
    int n = total * m;
    uint8_t *px = malloc((size_t)n * (size_t)n * 4);
    if (!px)
        abort();
    memset(px, 0xFF, (size_t)n * (size_t)n * 4);
    for (int y = 0; y < l->qr.size; y++)
        for (int x = 0; x < l->qr.size; x++) {
            if (!qr_dark(&l->qr, x, y))
                continue;
            for (int dy = 0; dy < m; dy++) {
                uint8_t *row = px + ((size_t)((y + QR_QUIET_MODULES) * m + dy) * (size_t)n +
                                     (size_t)(x + QR_QUIET_MODULES) * (size_t)m) * 4;
                for (int dx = 0; dx < m; dx++) {
                    row[dx * 4 + 0] = row[dx * 4 + 1] = row[dx * 4 + 2] = 0;
                    row[dx * 4 + 3] = 0xFF;
                }
            }
        }
    *side = n;
    return px;
}

void receipts_qr_free(uint8_t *rgba, int side)
{
    if (!rgba)
        return;
    util_wipe(rgba, (size_t)side * (size_t)side * 4);
    free(rgba);
}

void receipts_free(struct receipt_layout *l)
{
    if (!l)
        return;
    /* receipt_layout_free wipes the texts; the payload and number go too. */
    util_wipe(l->payload, sizeof l->payload);
    util_wipe(l->receipt_no, sizeof l->receipt_no);
    receipt_layout_free(l);
}
