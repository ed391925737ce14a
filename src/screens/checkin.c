/* checkin — the 活动签到 screen: a ready view with the certificate-number field and a
 * keypad (it doubles as typed entry), the choice between activities when several are
 * open, the question for a number nobody knows (没有找到这个活动证编号: 重新输入 /
 * 仍然签到 / 去报到登记, once the kiosk has the centre's directory), and the result
 * (签到成功 / 已签到 / what was wrong with the code).
 *
 * Queue mode: a result stays [checkin] result_s seconds with a visible countdown, then
 * the screen is ready for the next person by itself; a scan is handled at once in every
 * view, so a meeting runs from this one screen.  A scan on any other public screen
 * arrives here through app.c (enter() with the code).
 *
 * The receipt.  A check-in ends with its receipt on the same result card, not on a
 * screen of its own: pushing the receipt screen would stop the queue until someone
 * pressed 完成.  The card shows a compact QR (a phone still photographs it), the print
 * state in words and, after a failure, 重新打印; 查看回执 opens the full receipt screen
 * for a person who has the time.  Printing runs off the UI path (app/receipts.h); the
 * countdown waits while the job is still printing; when nothing could be printed (no
 * printer, or printing failed) the card stays, with its QR and number, until 完成 or the
 * next scan — a person who must photograph it is not hurried away.  已签到 offers 打印回执
 * for the first check-in's receipt.
 *
 * Owns: its state (what was typed, the result on screen, the activity choice) and the
 * checkin context.  Never does: SQL or drawing of its own (app/checkin.h, ui/ui.h); keep
 * what a person typed after leave(). */
#include "app/app.h"
#include "screens/kit.h"
#include "app/checkin.h"
#include "app/receipts.h"
#include "screens/rating.h"

#include "core/util.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TYPED_MAX 100             /* bytes: 32 full-width characters fit */
#define CHOOSE_TIMEOUT_MS 30000   /* an unanswered choice gives the screen back */
#define BIG_PX 120                /* the result's headline, read from the back of a queue */
#define RECEIPT_QR_PX 330         /* the compact QR: 53 modules x 6 px */

enum view { VIEW_READY, VIEW_CHOOSE, VIEW_RESULT, VIEW_UNKNOWN };

struct cs {
    struct checkin *ck;
    enum view view;
    char typed[TYPED_MAX + 1];
    char typed_err[VALIDATE_MSG_SIZE];    /* why the typed number was refused */
    struct checkin_result res;            /* VIEW_RESULT */
    int64_t until;                        /* when the result or the choice goes away */
    /* VIEW_CHOOSE */
    struct checkin_activity open[CHECKIN_MAX_OPEN];
    int nopen;
    char choose_cert[VALIDATE_CERT_SIZE];
    enum checkin_method choose_method;
    int choose_unverified;                /* the choice follows 仍然签到 */
    /* VIEW_UNKNOWN: the number nobody knows, until the person answers */
    char unknown_cert[VALIDATE_CERT_SIZE];
    enum checkin_method unknown_method;
    int64_t unknown_at;
    int64_t choose_at;
    struct ui_list_state list;
    /* the ready view's "open now" card */
    struct checkin_activity now_open[CHECKIN_MAX_OPEN];
    /* the result's receipt (app/receipts.h); rcpt NULL: none (yet) */
    struct receipt_layout *rcpt;
    uint8_t *qr;
    int qr_side;
    struct receipts_status rst;
    uint64_t rseen;                       /* app->print_serial when rst was read */
    /* 好差评 with [checkin] ask_rating: on the card of a new check-in.  app: borrowed, for
     * recording a low grade whose person moved on (go_ready). */
    struct rating rating;
    struct app *app;
};

static struct cs *state(struct app *a) { return *app_slot(a); }

static void wipe_typed(struct cs *s)
{
    util_wipe(s->typed, sizeof s->typed);
    s->typed_err[0] = 0;
}

/* Forgets the result's receipt (the job, if any, goes on printing). */
static void drop_receipt(struct cs *s)
{
    receipts_free(s->rcpt);
    receipts_qr_free(s->qr, s->qr_side);
    s->rcpt = NULL;
    s->qr = NULL;
    s->qr_side = 0;
    memset(&s->rst, 0, sizeof s->rst);
}

static void take_receipt(struct app *a, struct cs *s, const char *uuid, int print)
{
    drop_receipt(s);
    s->rcpt = receipts_issue(a, uuid, print);
    s->qr = receipts_qr_rgba(s->rcpt, RECEIPT_QR_PX, &s->qr_side);
    s->rseen = a->print_serial - 1;
}

/* Re-reads the print state when a result came in. */
static void refresh_receipt(struct app *a, struct cs *s)
{
    if (!s->rcpt || s->rseen == a->print_serial)
        return;
    receipts_status(a, s->rcpt->record_uuid, &s->rst);
    s->rseen = a->print_serial;
}

/* Nothing was printed: the card (its QR and number) stays until 完成 or the next scan. */
static int stays(const struct cs *s)
{
    return s->view == VIEW_RESULT && s->rcpt &&
           (s->rst.state == RECEIPTS_NO_PRINTER || s->rst.state == RECEIPTS_FAILED);
}

/* The grades are on the card, not yet answered: the person is still there. */
static int rating_open_on_card(const struct cs *s)
{
    return s->view == VIEW_RESULT &&
           (s->rating.view == RATING_ASK || s->rating.view == RATING_REASONS);
}

/* The card stays (no countdown) until 完成 or the next scan. */
static int held(const struct cs *s) { return stays(s) || rating_open_on_card(s); }

static void go_ready(struct cs *s)
{
    /* The person moved on (完成, 下一位, the next scan, typing): a low grade waiting for
     * its reasons is theirs to keep (screens/rating.h). */
    rating_leave(s->app, &s->rating);
    drop_receipt(s);
    s->view = VIEW_READY;
    util_wipe(&s->res, sizeof s->res);
    util_wipe(s->choose_cert, sizeof s->choose_cert);
    util_wipe(s->unknown_cert, sizeof s->unknown_cert);
    s->until = 0;
}

static void show_result(struct app *a, struct cs *s, const struct checkin_result *r)
{
    s->res = *r;
    s->view = VIEW_RESULT;
    s->until = app_now(a) + (int64_t)a->cfg.checkin_result_s * 1000;
    /* The record is committed: its receipt goes on the card and to the printer.  For
     * 已签到 (r->uuid is the first check-in) only when the person asks (打印回执). */
    drop_receipt(s);
    rating_leave(a, &s->rating);
    if (r->status == CHECKIN_DONE && r->uuid[0]) {
        take_receipt(a, s, r->uuid, 1);
        rating_open(&s->rating, a, r->uuid, "checkin");
    }
}

/* The check-in for one code, scanned or typed. */
static void handle(struct app *a, struct cs *s, const char *code, enum checkin_method m)
{
    int64_t now = app_now(a);
    struct checkin_result r;
    memset(&r, 0, sizeof r);
    if (!s->ck) {
        r.status = CHECKIN_FAILED;
        r.method = m;
    } else {
        checkin_submit(s->ck, code, m, now, &r);
    }
    if (r.status == CHECKIN_INVALID && m == CHECKIN_TYPED) {
        /* A typing mistake is fixed where it was made: the number stays in the field. */
        validate_message_fmt(r.invalid, a->lang == LANG_EN ? VALIDATE_EN : VALIDATE_ZH, r.detail,
                             s->typed_err, sizeof s->typed_err);
        s->view = VIEW_READY;
        return;
    }
    wipe_typed(s);
    if (r.status == CHECKIN_UNKNOWN) {
        /* The scanner reading twice while the question is up changes nothing. */
        if (s->view == VIEW_UNKNOWN && strcmp(s->unknown_cert, r.certificate_no) == 0)
            return;
        drop_receipt(s);
        util_wipe(&s->res, sizeof s->res);
        util_strlcpy(s->unknown_cert, r.certificate_no, sizeof s->unknown_cert);
        s->unknown_method = m;
        s->unknown_at = now;
        s->until = now + CHOOSE_TIMEOUT_MS;
        s->view = VIEW_UNKNOWN;
        return;
    }
    if (r.status == CHECKIN_CHOOSE) {
        /* The scanner reading twice while the person is choosing changes nothing. */
        if (s->view == VIEW_CHOOSE && strcmp(s->choose_cert, r.certificate_no) == 0 &&
            now - s->choose_at <= a->cfg.checkin_double_read_ms)
            return;
        s->nopen = checkin_open_activities(s->ck, now, s->open, CHECKIN_MAX_OPEN);
        if (s->nopen < 2) {
            /* Same clock, same cached minute: only a database failure gets here. */
            r.status = CHECKIN_FAILED;
            show_result(a, s, &r);
            return;
        }
        util_wipe(&s->res, sizeof s->res);
        util_strlcpy(s->choose_cert, r.certificate_no, sizeof s->choose_cert);
        s->choose_method = m;
        s->choose_unverified = r.unverified;
        s->choose_at = now;
        s->until = now + CHOOSE_TIMEOUT_MS;
        memset(&s->list, 0, sizeof s->list);
        s->view = VIEW_CHOOSE;
        return;
    }
    show_result(a, s, &r);
}

static void chosen(struct app *a, struct cs *s, const struct checkin_activity *act)
{
    struct checkin_result r;
    checkin_record_ex(s->ck, s->choose_cert, act, s->choose_method, s->choose_unverified,
                      app_now(a), &r);
    show_result(a, s, &r);
}

/* The answers to 没有找到这个活动证编号. */
static void unknown_retry(struct cs *s)
{
    /* A typed number comes back into the field to be corrected; a scanned one does not
     * (the person scans again). */
    char cert[VALIDATE_CERT_SIZE];
    util_strlcpy(cert, s->unknown_cert, sizeof cert);
    int typed = s->unknown_method == CHECKIN_TYPED;
    go_ready(s);
    if (typed)
        util_strlcpy(s->typed, cert, sizeof s->typed);
    util_wipe(cert, sizeof cert);
}

static void unknown_anyway(struct app *a, struct cs *s)
{
    char cert[VALIDATE_CERT_SIZE];
    util_strlcpy(cert, s->unknown_cert, sizeof cert);
    enum checkin_method m = s->unknown_method;
    util_wipe(s->unknown_cert, sizeof s->unknown_cert);
    struct checkin_result r;
    checkin_submit_anyway(s->ck, cert, m, app_now(a), &r);
    if (r.status == CHECKIN_CHOOSE) {
        s->nopen = checkin_open_activities(s->ck, app_now(a), s->open, CHECKIN_MAX_OPEN);
        util_strlcpy(s->choose_cert, r.certificate_no, sizeof s->choose_cert);
        s->choose_method = m;
        s->choose_unverified = 1;
        s->choose_at = app_now(a);
        s->until = app_now(a) + CHOOSE_TIMEOUT_MS;
        memset(&s->list, 0, sizeof s->list);
        s->view = VIEW_CHOOSE;
    } else {
        show_result(a, s, &r);
    }
    util_wipe(cert, sizeof cert);
}

static void unknown_register(struct app *a, struct cs *s)
{
    /* Nothing is recorded; registering is a new errand, with the number filled in. */
    char cert[VALIDATE_CERT_SIZE];
    util_strlcpy(cert, s->unknown_cert, sizeof cert);
    app_home(a);
    app_push(a, &screen_register, NULL);
    if (screen_register.scan)
        screen_register.scan(a, cert);
    util_wipe(cert, sizeof cert);
}

/* ---- typing ------------------------------------------------------------------------ */

static void type_text(struct cs *s, const char *t)
{
    if (s->view != VIEW_READY)
        go_ready(s);
    size_t len = strlen(s->typed);
    /* Whole characters only (an input method may send 全角 forms; validate folds them). */
    while (*t) {
        const char *next = t;
        utf8_next(&next);
        size_t n = (size_t)(next - t);
        if (len + n > TYPED_MAX)
            break;
        for (size_t i = 0; i < n; i++) {
            char c = t[i];
            s->typed[len++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
        }
        t = next;
    }
    s->typed[len] = 0;
    s->typed_err[0] = 0;
}

static void backspace(struct cs *s)
{
    size_t len = strlen(s->typed);
    if (len)
        s->typed[utf8_prev(s->typed, len)] = 0;
    s->typed_err[0] = 0;
}

static void submit_typed(struct app *a, struct cs *s)
{
    char copy[TYPED_MAX + 1];
    util_strlcpy(copy, s->typed, sizeof copy);
    handle(a, s, copy, CHECKIN_TYPED);
    util_wipe(copy, sizeof copy);
}

/* ---- views ---------------------------------------------------------------------------- */

/* "HH:MM" for today, the date too for another day. */
static const char *when(struct app *a, struct ui *ui, const char *local_time)
{
    char today[16];
    util_time_local(app_now(a), "%Y-%m-%d", today, sizeof today);
    if (strlen(local_time) < 16)
        return local_time;
    if (strncmp(local_time, today, 10) == 0)
        return ui_strf(ui, "%.5s", local_time + 11);
    return ui_strf(ui, "%.16s", local_time);
}

static const char *span(struct ui *ui, const struct checkin_activity *act)
{
    /* Same day: "09:00–11:30"; otherwise the dates as well. */
    if (strncmp(act->starts_at, act->ends_at, 10) == 0)
        return ui_strf(ui, "%.5s–%.5s", act->starts_at + 11, act->ends_at + 11);
    return ui_strf(ui, "%.16s – %.16s", act->starts_at, act->ends_at);
}

/* A key of the keypad; returns 1 when pressed. */
static int key(struct ui *ui, SDL_Rect r, const char *text, int size, enum ui_role role)
{
    struct ui_opts o = {.size = size, .role = role};
    return ui_key(ui, r, text, &o);
}

static void build_keypad(struct app *a, struct ui *ui, struct cs *s, SDL_Rect digits,
                         SDL_Rect letters)
{
    static const char *const dk[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "0", NULL};
    for (int i = 0; i < 12; i++) {
        SDL_Rect row = rect_row(digits, 4, i / 3, 16);
        SDL_Rect cell = rect_col(row, 3, i % 3, 16);
        if (dk[i]) {
            /* As large as the key allows: the large-text factor is taken back (the
             * digits keep, never go below, their normal size). */
            if (key(ui, cell, dk[i], ui_large_text(ui) ? SIZE_HUGE * 10 / 13 : SIZE_HUGE,
                    ROLE_NORMAL))
                type_text(s, dk[i]);
        } else if (key(ui, cell, app_t(a, "checkin.key.backspace"), SIZE_TITLE, ROLE_MUTED)) {
            backspace(s);
        }
    }
    /* A–Z in three rows of nine.  清空 is not among them: it sits by the field, where
     * a finger aiming at Z cannot wipe the whole number. */
    for (int i = 0; i < 26; i++) {
        SDL_Rect row = rect_row(letters, 3, i / 9, 12);
        SDL_Rect cell = rect_col(row, 9, i % 9, 10);
        char l[2] = {(char)('A' + i), 0};
        /* The letters too keep (never go below) their normal size under large text:
         * three rows of them fit no larger. */
        if (key(ui, cell, l, ui_large_text(ui) ? SIZE_TITLE * 10 / 13 : SIZE_TITLE, ROLE_NORMAL))
            type_text(s, l);
    }
}

/* The card telling what a check-in now counts for, at r (r.h: the most it may take).
 * Every line as tall as its words; activities that do not fit are counted ("…另有 2 项").
 * With build 0 it only measures.  Returns its height. */
static int now_open(struct app *a, struct ui *ui, struct cs *s, SDL_Rect r, int build)
{
    int n = s->ck ? checkin_open_activities(s->ck, app_now(a), s->now_open, CHECKIN_MAX_OPEN) : 0;
    int w = r.w - 48, y = 24;
    struct ui_opts head = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 2};
    struct ui_opts title = {.size = SIZE_LARGE, .bold = 1, .max_lines = 2};
    struct ui_opts sub = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 2};
    struct ui_opts card = {.role = n > 0 ? ROLE_ACCENT : ROLE_MUTED, .radius = 24};
    SDL_Rect panel = rect(r.x, r.y, r.w, 0);
    if (n <= 0) {
        const char *t = app_t(a, "checkin.now.none_head"), *b = app_t(a, "checkin.now.none");
        int th = ui_text_height(ui, t, SIZE_LARGE, 1, w, 2);
        int bh = ui_text_height(ui, b, SIZE_BODY, 0, w, 3);
        panel.h = 24 + th + 8 + bh + 24;
        if (build) {
            ui_panel(ui, panel, &card);
            ui_label(ui, rect(r.x + 24, r.y + 24, w, th), t, &title);
            sub.max_lines = 3;
            ui_label(ui, rect(r.x + 24, r.y + 24 + th + 8, w, bh), b, &sub);
        }
        return panel.h;
    }
    const char *h = app_t(a, n == 1 ? "checkin.now.one" : "checkin.now.several");
    int hh = ui_text_height(ui, h, SIZE_BODY, 0, w, 2);
    if (n == 1) {
        /* One activity: its whole title, then when and where. */
        const struct checkin_activity *act = &s->now_open[0];
        const char *where = act->venue[0] ? ui_strf(ui, "%s  ·  %s", span(ui, act), act->venue)
                                          : span(ui, act);
        int th = ui_text_height(ui, act->title, SIZE_LARGE, 1, w, 2);
        int wh = ui_text_height(ui, where, SIZE_BODY, 0, w, 2);
        panel.h = 24 + hh + 4 + th + 4 + wh + 24;
        if (build) {
            ui_panel(ui, panel, &card);
            ui_label(ui, rect(r.x + 24, r.y + 24, w, hh), h, &head);
            ui_label(ui, rect(r.x + 24, r.y + 24 + hh + 4, w, th), act->title, &title);
            ui_label(ui, rect(r.x + 24, r.y + 24 + hh + 4 + th + 4, w, wh), where, &sub);
        }
        return panel.h;
    }
    /* Several: a line each, the time at the right; as many as fit, then how many more. */
    y += hh + 4;
    int more_h = ui_px(ui, SIZE_BODY) * 3 / 2;
    int row_h[CHECKIN_MAX_OPEN], tw[CHECKIN_MAX_OPEN], shown = 0;
    for (int i = 0; i < n; i++) {
        const struct checkin_activity *act = &s->now_open[i];
        tw[i] = ui_text_width(ui, span(ui, act), SIZE_BODY, 0);
        int th = ui_text_height(ui, act->title, SIZE_LARGE, 1, w - tw[i] - 16, 2);
        int left_after = n - i - 1;
        if (y + th + (left_after ? more_h : 0) + 24 > r.h)
            break;
        row_h[i] = th;
        y += th + 4;
        shown++;
    }
    if (shown < n)
        y += more_h;
    panel.h = y + 24;
    if (!build)
        return panel.h;
    ui_panel(ui, panel, &card);
    ui_label(ui, rect(r.x + 24, r.y + 24, w, hh), h, &head);
    y = 24 + hh + 4;
    for (int i = 0; i < shown; i++) {
        const struct checkin_activity *act = &s->now_open[i];
        ui_label(ui, rect(r.x + 24, r.y + y, w - tw[i] - 16, row_h[i]), act->title, &title);
        struct ui_opts to = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1,
                             .align = TEXT_RIGHT};
        ui_label(ui, rect(r.x + 24 + w - tw[i], r.y + y, tw[i], ui_px(ui, SIZE_LARGE) * 3 / 2),
                 span(ui, act), &to);
        y += row_h[i] + 4;
    }
    if (shown < n) {
        /* None of the titles fits (large text): how many are open; the choice after the
         * scan lists them. */
        const char *more = KIT_FILL(ui, app_t(a, shown ? "checkin.now.more" : "checkin.choose.count"),
                                    ui_strf(ui, "%d", n - shown));
        struct ui_opts mo = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1};
        ui_label(ui, rect(r.x + 24, r.y + y, w, more_h), more, &mo);
    }
    return panel.h;
}

static void build_ready(struct app *a, struct ui *ui, struct cs *s, SDL_Rect c)
{
    int portrait = ui_portrait(ui);
    /* The words and the field, top down, each as tall as it needs (large text, English);
     * the card of open activities takes what is left between them. */
    const char *title = app_t(a, "checkin.ready.title"), *scan = app_t(a, "checkin.ready.scan_hint");
    SDL_Rect col, digits, letters;
    int submit_h = portrait ? 140 : 130;
    if (portrait) {
        col = rect(60, c.y + 36, c.w - 120, 0);
        /* The keys below: digits and letters keep their sizes. */
        letters = rect(60, c.y + c.h - 36 - submit_h - 28 - 290, c.w - 120, 290);
        digits = rect(60, letters.y - 22 - 520, c.w - 120, 520);
        col.h = digits.y - 28 - col.y;
    } else {
        col = rect(60, c.y + 36, 860, c.h - 72);
        SDL_Rect k = rect(980, c.y + 36, c.w - 980 - 60, c.h - 72);
        digits = rect(k.x, k.y, k.w, 520);
        letters = rect(k.x, k.y + 546, k.w, k.h - 546);
    }
    int th = ui_text_height(ui, title, SIZE_TITLE, 1, col.w, 2);
    int hh = ui_text_height(ui, scan, SIZE_BODY, 0, col.w, 2);
    int lh = ui_px(ui, SIZE_BODY) * 3 / 2, hint_h = ui_px(ui, SIZE_SMALL) * 3 / 2;
    int box = ui_px(ui, SIZE_LARGE) * 3 / 2 + 28;
    int field_h = lh + box + hint_h;
    int y = col.y;
    struct ui_opts ho = {.size = SIZE_TITLE, .bold = 1, .max_lines = 2};
    ui_label(ui, rect(col.x, y, col.w, th), title, &ho);
    y += th + 4;
    struct ui_opts hio = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 2};
    ui_label(ui, rect(col.x, y, col.w, hh), scan, &hio);
    y += hh + 16;
    /* Landscape: field and 提交 under the card in the column; portrait: the field under
     * the card, 提交 at the bottom of the screen. */
    int below = field_h + 26 + (portrait ? 0 : 30 + submit_h);
    int card_room = col.y + col.h - below - 26 - y;
    int card_h = now_open(a, ui, s, rect(col.x, y, col.w, card_room), 0);
    now_open(a, ui, s, rect(col.x, y, col.w, card_room), 1);
    y += card_h + 26;
    SDL_Rect field = rect(col.x, y, col.w, field_h);
    SDL_Rect submit = portrait ? rect(60, c.y + c.h - 36 - submit_h, c.w - 120, submit_h)
                               : rect(col.x, y + field_h + 30, col.w, submit_h);

    struct ui_opts fo = {.focused = 1, .size = SIZE_LARGE};
    if (s->typed_err[0]) {
        fo.role = ROLE_ERROR;
        fo.hint = s->typed_err;
    } else {
        fo.hint = app_t(a, "checkin.field.hint");
    }
    /* 清空 at the right of the field's box, away from the keys. */
    const char *clear_t = app_t(a, "checkin.key.clear");
    int cw = ui_text_width(ui, clear_t, SIZE_LARGE, 1) + 64;
    cw = cw < 180 ? 180 : cw;
    ui_field(ui, rect(field.x, field.y, field.w - cw - 20, field.h), app_t(a, "checkin.field"),
             s->typed, &fo);
    struct ui_opts co = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .disabled = !s->typed[0],
                         .max_lines = 1};
    if (ui_button(ui, rect(field.x + field.w - cw, field.y + lh, cw, box), clear_t, &co))
        wipe_typed(s);
    build_keypad(a, ui, s, digits, letters);
    struct ui_opts so = {.role = ROLE_PRIMARY, .size = SIZE_TITLE};
    if (ui_button(ui, submit, app_t(a, "form.submit"), &so))
        submit_typed(a, s);
}

static int choose_row(struct ui *ui, void *ctx, int i, SDL_Rect row)
{
    const struct checkin_activity *act = &state(ctx)->open[i];
    const char *detail = act->venue[0] ? ui_strf(ui, "%s  ·  %s", span(ui, act), act->venue)
                                       : span(ui, act);
    /* A red frame under the row makes each activity read as something to tap. */
    struct ui_opts frame = {.role = ROLE_SELECTED, .radius = 18};
    SDL_Rect card = rect(row.x, row.y + 8, row.w, row.h - 16);
    ui_panel(ui, card, &frame);
    struct ui_opts o = {.size = SIZE_TITLE, .sub = detail};
    return ui_row(ui, rect_inset(card, 4), act->title, &o);
}

static void build_choose(struct app *a, struct ui *ui, struct cs *s, SDL_Rect c)
{
    int x = 60, w = c.w - 120, y = c.y + 36;
    /* The heading, the count and the answers as tall as their words need. */
    const char *head = app_t(a, "checkin.choose.title");
    const char *count = ui_strf(
        ui, "%s  ·  %s", KIT_FILL(ui, app_t(a, "checkin.choose.count"), ui_strf(ui, "%d", s->nopen)),
        s->choose_cert);
    int hh = ui_text_height(ui, head, SIZE_TITLE, 1, w, 2);
    struct ui_opts ho = {.size = SIZE_TITLE, .bold = 1, .max_lines = 2};
    ui_label(ui, rect(x, y, w, hh), head, &ho);
    y += hh + 4;
    int ch = ui_text_height(ui, count, SIZE_LARGE, 0, w, 2);
    struct ui_opts co = {.size = SIZE_LARGE, .role = ROLE_MUTED, .max_lines = 2};
    ui_label(ui, rect(x, y, w, ch), count, &co);
    y += ch + 20;
    int cw = ui_text_width(ui, app_t(a, "checkin.cancel"), SIZE_LARGE, 1) + 80;
    cw = cw < 270 ? 270 : cw;
    int vw = ui_portrait(ui) ? w - cw - 30 : 900;
    int bar_h = ui_text_height(ui, app_t(a, "checkin.choose.visit"), SIZE_LARGE, 1, vw - 16, 2) + 40;
    bar_h = bar_h < 130 ? 130 : bar_h;
    /* A row: the title and when and where (two lines at most) under it. */
    int row_h = ui_px(ui, SIZE_TITLE) * 3 / 2 + ui_px(ui, SIZE_SMALL) * 3 + 40;
    row_h = row_h < 190 ? 190 : row_h;
    int list_h = c.y + c.h - 36 - bar_h - 30 - y;
    if (list_h > s->nopen * row_h)
        list_h = s->nopen * row_h;
    int hit = kit_list(a, ui, rect(x, y, w, list_h), "checkin.choose", &s->list, s->nopen, row_h,
                       choose_row, a);
    if (hit >= 0) {
        struct checkin_activity act = s->open[hit];
        chosen(a, s, &act);
        return;
    }
    SDL_Rect bar = rect(x, c.y + c.h - 36 - bar_h, w, bar_h);
    struct ui_opts vo = {.role = ROLE_NORMAL, .size = SIZE_LARGE};
    struct ui_opts qo = {.role = ROLE_QUIET, .size = SIZE_LARGE};
    if (ui_button(ui, rect(bar.x, bar.y, vw, bar.h), app_t(a, "checkin.choose.visit"), &vo)) {
        chosen(a, s, NULL);
        return;
    }
    if (ui_button(ui, rect(bar.x + bar.w - cw, bar.y, cw, bar.h), app_t(a, "checkin.cancel"), &qo))
        go_ready(s);
}

/* ---- the result's receipt ------------------------------------------------------------- */

#define RB_BUTTON 84
#define RB_W 480     /* the block's width beside the lines (landscape) */

/* The compact receipt at r (r.h ignored): QR (qs px a side), what it is for, the print
 * state with what to do, the number, 重新打印 / 查看回执.  Every line as tall as its words
 * need at this text size.  With build 0 it only measures: returns its height.  Built,
 * returns -1 when the screen was left (查看回执), else its height. */
static int receipt_block(struct app *a, struct ui *ui, struct cs *s, SDL_Rect r, int qs,
                         int build)
{
    if (!s->rcpt)
        return 0;
    int y = r.y;
    if (s->qr && qs > 0) {
        if (build) {
            int cx = r.x + r.w / 2;
            struct ui_opts card = {.role = ROLE_NORMAL, .radius = 16};
            ui_panel(ui, rect(cx - qs / 2 - 12, y, qs + 24, qs + 24), &card);
            /* The payload names the picture: a new receipt is never drawn from the old
             * one's texture, even at the same address. */
            uint64_t v = 1469598103934665603ULL;
            for (const char *c = s->rcpt->payload; *c; c++)
                v = (v ^ (uint8_t)*c) * 1099511628211ULL;
            ui_image(ui, rect(cx - qs / 2, y + 12, qs, qs), s->qr, s->qr_side, s->qr_side, v,
                     "checkin.qr");
        }
        y += qs + 24 + 12;
    }
    /* What the QR is for, then the print state with what to do, then the number. */
    struct ui_opts mo = {.size = SIZE_BODY, .align = TEXT_CENTER, .role = ROLE_MUTED};
    const char *staff = app_t(a, "receipt.qr_staff");
    const char *no = ui_strf(ui, "%s  %s", app_t(a, "receipt.no"), s->rcpt->receipt_no);
    enum ui_role role;
    const char *words = kit_print_words(a, &s->rst, 0, &role);
    int sh = ui_text_height(ui, staff, SIZE_BODY, 0, r.w, 0);
    int wh = ui_text_height(ui, words, SIZE_BODY, 1, r.w, 0);
    int nh = ui_text_height(ui, no, SIZE_BODY, 0, r.w, 0);
    int failed = s->rst.state == RECEIPTS_FAILED && receipts_have_printer(a);
    const char *view_t = app_t(a, "receipt.view"), *again_t = app_t(a, "receipt.reprint");
    int vw = ui_text_width(ui, view_t, SIZE_BODY, 1) + 64;
    vw = vw < 300 ? 300 : vw > r.w ? r.w : vw;
    int bh = ui_px(ui, SIZE_BODY) * 3 / 2 + 28;
    bh = bh < RB_BUTTON ? RB_BUTTON : bh;
    if (build) {
        ui_label(ui, rect(r.x, y, r.w, sh), staff, &mo);
        struct ui_opts wo = {.size = SIZE_BODY, .bold = 1, .align = TEXT_CENTER, .role = role};
        ui_label(ui, rect(r.x, y + sh, r.w, wh), words, &wo);
        ui_label(ui, rect(r.x, y + sh + wh, r.w, nh), no, &mo);
    }
    y += sh + wh + nh + 12;
    if (build) {
        struct ui_opts bo = {.role = ROLE_QUIET, .size = SIZE_BODY};
        SDL_Rect row = rect(r.x, y, r.w, bh);
        SDL_Rect view = failed ? rect_col(row, 2, 1, 16) : rect(r.x + (r.w - vw) / 2, y, vw, bh);
        if (failed) {
            struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_BODY};
            if (ui_button(ui, rect_col(row, 2, 0, 16), again_t, &po))
                receipts_reprint(a, s->rcpt);
        }
        if (ui_button(ui, view, view_t, &bo)) {
            char uuid[37];
            util_strlcpy(uuid, s->rcpt->record_uuid, sizeof uuid);
            app_view_receipt(a, uuid);
            return -1;
        }
    }
    return y + bh - r.y;
}

/* One line of the result card: its text, look and the lines it may take. */
struct item {
    const char *text;
    struct ui_opts o;
    int h;
};

/* The headline's size in px before the large-text factor: its size on this screen, smaller
 * only as far as it must to stand on one line of width w. */
static int headline_size(struct ui *ui, const char *text, int size, int w)
{
    /* Measured as it is laid out: wrapped at w, one line. */
    while (size > SIZE_TITLE &&
           ui_text_height(ui, text, size, 1, w, 0) > ui_text_height(ui, text, size, 1, 1 << 16, 0))
        size -= 4;
    return size;
}

static void build_result(struct app *a, struct ui *ui, struct cs *s, SDL_Rect c)
{
    const struct checkin_result *r = &s->res;
    int portrait = ui_portrait(ui);
    SDL_Rect card = portrait ? rect(50, c.y + 50, c.w - 100, c.h - 100)
                             : rect(60, c.y + 40, c.w - 120, c.h - 80);
    enum ui_role role = r->status == CHECKIN_DONE      ? ROLE_OK
                        : r->status == CHECKIN_ALREADY ? ROLE_ACCENT
                                                       : ROLE_ERROR;
    struct ui_opts po = {.role = role, .radius = 36};
    ui_panel(ui, card, &po);
    SDL_Rect in = rect_inset(card, portrait ? 50 : 40);

    struct ui_opts big = {.size = portrait ? 136 : BIG_PX, .bold = 1, .align = TEXT_CENTER,
                          .max_lines = 1, .role = role};
    struct ui_opts title = {.size = SIZE_TITLE, .bold = 1, .align = TEXT_CENTER, .max_lines = 3};
    struct ui_opts line = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 4};
    struct ui_opts muted = {.size = SIZE_BODY, .align = TEXT_CENTER, .role = ROLE_MUTED,
                            .max_lines = 3};
    const char *headline, *activity = r->visit ? app_t(a, "checkin.visit") : r->activity_title;
    switch (r->status) {
    case CHECKIN_DONE: headline = app_t(a, "checkin.ok"); break;
    case CHECKIN_ALREADY: headline = app_t(a, "checkin.already"); break;
    case CHECKIN_INVALID: headline = app_t(a, "checkin.bad.title"); break;
    default: headline = app_t(a, "checkin.failed.title"); break;
    }
    struct item it[8];
    int n = 0, offer_register = 0;
    it[n++] = (struct item){headline, big, 0};
    if (r->status == CHECKIN_DONE || r->status == CHECKIN_ALREADY) {
        it[n++] = (struct item){activity, title, 0};
        const char *t = when(a, ui, r->local_time);
        if (r->status == CHECKIN_DONE) {
            it[n++] = (struct item){ui_strf(ui, "%s %s", app_t(a, "checkin.time"), t), line, 0};
        } else {
            struct ui_opts first = title;
            first.role = ROLE_ACCENT;
            it[n++] = (struct item){KIT_FILL(ui, app_t(a, "checkin.already.first"), t), first, 0};
        }
        it[n++] = (struct item){
            ui_strf(ui, "%s  %s", app_t(a, "checkin.cert"), r->certificate_no), muted, 0};
        /* RECEIPT HOOK: the receipt's QR goes on this card, under the greeting. */
        if (r->registered) {
            const char *name = r->masked_name[0] ? r->masked_name : app_t(a, "checkin.member");
            it[n++] = (struct item){KIT_FILL(ui, app_t(a, "checkin.greet"), name), title, 0};
        } else if (r->status == CHECKIN_DONE) {
            it[n++] = (struct item){app_t(a, r->unverified ? "checkin.unverified"
                                                            : "checkin.unregistered"),
                                    line, 0};
            offer_register = 1;
        } else {
            it[n++] = (struct item){app_t(a, "checkin.already.body"), line, 0};
        }
    } else if (r->status == CHECKIN_INVALID) {
        char why[VALIDATE_MSG_SIZE];
        const char *reason =
            r->receipt_code
                ? app_t(a, "checkin.bad.receipt")
                : validate_message_fmt(r->invalid, a->lang == LANG_EN ? VALIDATE_EN : VALIDATE_ZH,
                                       r->detail, why, sizeof why);
        it[n++] = (struct item){ui_strf(ui, "%s", reason), title, 0};
        it[n++] = (struct item){app_t(a, "checkin.bad.hint"), line, 0};
    } else {
        it[n++] = (struct item){app_t(a, "checkin.failed.body"), title, 0};
    }
    /* With the 好差评 strip ([checkin] ask_rating) the card keeps what was done, where and
     * when; the number and the greeting give it their room (报到登记 is still offered). */
    int rated = s->rating.view != RATING_OFF;
    if (rated && n > 3)
        n = 3;
    if (rated)
        it[0].o.size = SIZE_HUGE; /* read at the kiosk, not from the back of a queue */

    /* Bottom: the countdown to the next person, and buttons not to wait for it. */
    int64_t secs = (s->until - app_now(a) + 999) / 1000;
    if (secs < 1)
        secs = 1;
    const char *count = stays(s)                  ? app_t(a, "checkin.stays")
                        : rating_open_on_card(s) ? app_t(a, "rating.checkin")
                                                  : KIT_FILL(ui, app_t(a, "checkin.countdown"),
                                                             ui_strf(ui, "%lld", (long long)secs));
    int bh = ui_px(ui, SIZE_LARGE) * 3 / 2 + 24;
    bh = bh < 110 ? 110 : bh;
    /* The receipt goes to the right of the lines and buttons, the card's whole height
     * (landscape), or under the lines (portrait). */
    SDL_Rect strip = {0};
    refresh_receipt(a, s);
    int has_rb = (r->status == CHECKIN_DONE || r->status == CHECKIN_ALREADY) && s->rcpt;
    int rbw = portrait ? in.w : RB_W;
    if (has_rb && !portrait) {
        /* Beside the lines: wider when its words would not leave room for a half-size QR
         * (large text, English). */
        int room = in.h - ui_text_height(ui, count, SIZE_BODY, 0, in.w, 3) - 14;
        while (rbw < RB_W * 17 / 12 && receipt_block(a, ui, s, rect(0, 0, rbw, 0), 0, 0) +
                                               (s->qr ? s->qr_side / 2 + 36 : 0) > room)
            rbw += 100;
    }
    SDL_Rect left = in;
    if (has_rb && !portrait)
        left.w -= rbw + 40;
    /* The countdown (or what to do before 完成) over the buttons; beside a receipt
     * (landscape) along the card's bottom, under the buttons and the receipt. */
    int side = has_rb && !portrait;
    int ch = ui_text_height(ui, count, SIZE_BODY, 0, side ? in.w : left.w, 3);
    int by = side ? in.y + in.h - ch - 14 - bh : in.y + in.h - bh;
    int cy = side ? in.y + in.h - ch : by - 14 - ch;
    SDL_Rect lines = rect(left.x, in.y, left.w, (side ? by : cy) - 16 - in.y), rb = {0};
    /* 好差评 ([checkin] ask_rating): the strip at the foot of the lines' column. */
    if (rated) {
        strip = rect(lines.x, 0, lines.w, rating_h(a, ui, &s->rating, lines.w));
        lines.h -= strip.h + 16;
        strip.y = lines.y + lines.h + 16;
    }
    /* Every line as tall as its words need; the headline as large as its line allows. */
    it[0].o.size = headline_size(ui, headline, it[0].o.size, lines.w);
    int total = 0;
    for (int i = 0; i < n; i++) {
        it[i].h = ui_text_height(ui, it[i].text, it[i].o.size, it[i].o.bold, lines.w,
                                 it[i].o.max_lines);
        total += it[i].h;
    }
    /* Short of room (large text with a receipt): the headline gives up what it must of
     * the large-text factor, never going below its normal size.  Under the lines
     * (portrait) the receipt needs its words and at least a half-size QR. */
    int rest = has_rb ? receipt_block(a, ui, s, rect(0, 0, rbw, 0), 0, 0) : 0;
    int under = has_rb && portrait ? rest + (s->qr ? s->qr_side / 2 + 36 : 0) + 8 * n : 0;
    int floor_px = ui_large_text(ui) ? it[0].o.size * 10 / 13 : it[0].o.size;
    while (has_rb && total + under > lines.h && it[0].o.size - 8 >= floor_px) {
        total -= it[0].h;
        it[0].o.size -= 8;
        it[0].h = ui_text_height(ui, headline, it[0].o.size, 1, lines.w, 1);
        total += it[0].h;
    }
    /* Beside the strip the least of the lines give way first: the time, the activity. */
    while (rated && n > 1 && total + under + (n - 1) * 8 > lines.h) {
        n--;
        total -= it[n].h;
    }
    s->rating.ask = NULL;
    if (rated && total + under > lines.h) {
        /* Not even 签到成功 (English in large text): the strip says it before its
         * question. */
        s->rating.ask = ui_strf(ui, "%s  %s", headline, app_t(a, "rating.ask"));
        strip.h = rating_h(a, ui, &s->rating, strip.w);
        n = 0;
        total = 0;
    }
    /* The QR as large as room allows: its full size, else a smaller whole number of
     * pixels a module (it reads the same). */
    int qs = 0, rb_h = 0;
    if (has_rb) {
        int room_h = portrait ? lines.h - total - (n - 1) * 8 - 16 : cy - 14 - in.y;
        for (int k = 6; k >= 3 && s->qr; k--) {
            qs = s->qr_side * k / 6;
            if (rest + qs + 36 <= room_h)
                break;
        }
        rb_h = receipt_block(a, ui, s, rect(0, 0, rbw, 0), qs, 0);
    }
    if (side) {
        int ry = in.y + (cy - 14 - in.y - rb_h) / 2;
        rb = rect(in.x + in.w - rbw, ry > in.y ? ry : in.y, rbw, rb_h);
    }
    /* The lines sit centred in the space above the countdown, spaced as room allows. */
    int room = lines.h - total - (has_rb && portrait ? rb_h : 0);
    int gap = room / (n + (has_rb && portrait ? 1 : 0) + 1);
    gap = gap > (portrait ? 56 : 24) ? (portrait ? 56 : 24) : gap < 0 ? 0 : gap;
    int all = total + (n - 1) * gap + (has_rb && portrait ? gap + rb_h : 0);
    int y = lines.y + (lines.h - all) / 2;
    if (y < in.y)
        y = in.y;
    for (int i = 0; i < n; i++) {
        ui_label(ui, rect(lines.x, y, lines.w, it[i].h), it[i].text, &it[i].o);
        y += it[i].h + gap;
    }
    if (has_rb && portrait)
        rb = rect(in.x, y, in.w, rb_h);
    if (has_rb && receipt_block(a, ui, s, rb, qs, 1) < 0)
        return; /* 查看回执: the receipt screen is up */
    if (rated) {
        int asking = rating_open_on_card(s);
        rating_build(a, ui, &s->rating, strip);
        /* Answered: the card counts down to the next person from now. */
        if (asking && !rating_open_on_card(s))
            s->until = app_now(a) + (int64_t)a->cfg.checkin_result_s * 1000;
    }

    ui_label(ui, side ? rect(in.x, cy, in.w, ch) : rect(left.x, cy, left.w, ch), count, &muted);
    const char *next = app_t(a, held(s) ? "receipt.done"
                                : r->status == CHECKIN_INVALID || r->status == CHECKIN_FAILED
                                    ? "checkin.retry"
                                    : "checkin.next");
    struct ui_opts bo = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    /* 已签到: the first check-in's receipt, printed again when asked. */
    int offer_print = r->status == CHECKIN_ALREADY && !s->rcpt && r->uuid[0];
    const char *other = offer_print ? app_t(a, "receipt.print")
                        : offer_register ? app_t(a, "checkin.register")
                                         : NULL;
    int nw = ui_text_width(ui, next, SIZE_LARGE, 1) + 80;
    nw = nw < 360 ? 360 : nw;
    int rw = other ? ui_text_width(ui, other, SIZE_LARGE, 1) + 80 : 0;
    rw = other && rw < 420 ? 420 : rw;
    int bgap = rw ? 40 : 0;
    int bx = left.x + (left.w - nw - rw - bgap) / 2;
    if (offer_print) {
        struct ui_opts pr = {.role = ROLE_QUIET, .size = SIZE_LARGE, .max_lines = 1};
        if (ui_button(ui, rect(bx, by, rw, bh), other, &pr))
            take_receipt(a, s, r->uuid, 1);
    }
    if (offer_register) {
        struct ui_opts ro = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
        if (ui_button(ui, rect(bx, by, rw, bh), other, &ro)) {
            /* The check-in is recorded; registering is a new errand from Home. */
            app_home(a);
            app_push(a, &screen_register, NULL);
            return;
        }
    }
    if (ui_button(ui, rect(bx + rw + bgap, by, nw, bh), next, &bo))
        go_ready(s);
}

/* ---- the unknown number ----------------------------------------------------------------- */

static void build_unknown(struct app *a, struct ui *ui, struct cs *s, SDL_Rect c)
{
    int portrait = ui_portrait(ui);
    SDL_Rect card = portrait ? rect(50, c.y + 50, c.w - 100, c.h - 100)
                             : rect(60, c.y + 40, c.w - 120, c.h - 80);
    struct ui_opts po = {.role = ROLE_ACCENT, .radius = 36};
    ui_panel(ui, card, &po);
    SDL_Rect in = rect_inset(card, 50);
    int bh = 120, gap = 30, nb = 3;
    /* Landscape: the three answers side by side; portrait: one above the other. */
    int bar_h = portrait ? nb * bh + (nb - 1) * gap : bh;
    SDL_Rect bar = rect(in.x, in.y + in.h - bar_h, in.w, bar_h);
    struct ui_opts to = {.size = SIZE_TITLE, .bold = 1, .align = TEXT_CENTER, .max_lines = 2,
                         .role = ROLE_ACCENT};
    struct ui_opts no = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 1};
    struct ui_opts bo = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 6};
    int y = in.y + (portrait ? 40 : 10);
    int th = ui_text_height(ui, app_t(a, "checkin.unknown.title"), SIZE_TITLE, 1, in.w, 2);
    ui_label(ui, rect(in.x, y, in.w, th), app_t(a, "checkin.unknown.title"), &to);
    y += th + 24;
    int nh = ui_px(ui, SIZE_LARGE) * 3 / 2;
    ui_label(ui, rect(in.x, y, in.w, nh),
             ui_strf(ui, "%s  %s", app_t(a, "checkin.cert"), s->unknown_cert), &no);
    y += nh + 32;
    int body_h = bar.y - 30 - y;
    ui_label(ui, rect(in.x + 40, y, in.w - 80, body_h), app_t(a, "checkin.unknown.body"), &bo);
    struct ui_opts quiet = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    struct ui_opts pri = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
    SDL_Rect b[3];
    for (int i = 0; i < nb; i++)
        b[i] = portrait ? rect_row(bar, nb, i, gap) : rect_col(bar, nb, i, gap);
    if (ui_button(ui, b[0], app_t(a, "checkin.retry"), &quiet)) {
        unknown_retry(s);
        return;
    }
    if (ui_button(ui, b[1], app_t(a, "checkin.unknown.anyway"), &quiet)) {
        unknown_anyway(a, s);
        return;
    }
    if (ui_button(ui, b[2], app_t(a, "checkin.unknown.register"), &pri))
        unknown_register(a, s);
}

/* ---- screen ----------------------------------------------------------------------------- */

static void checkin_enter(struct app *a, const void *arg)
{
    struct cs *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->app = a;
    /* NULL only on a database failure (logged): the screen then says it cannot save. */
    s->ck = checkin_create(a->st, &a->cfg);
    s->view = VIEW_READY;
    if (arg)
        handle(a, s, (const char *)arg, CHECKIN_SCAN);
}

static void checkin_leave(struct app *a)
{
    struct cs *s = state(a);
    if (!s)
        return;
    checkin_destroy(s->ck);
    rating_leave(a, &s->rating);
    drop_receipt(s);
    util_wipe(s, sizeof *s);
    free(s);
    *app_slot(a) = NULL;
}

static void checkin_build(struct app *a, struct ui *ui)
{
    struct cs *s = state(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.checkin"));
    switch (s->view) {
    case VIEW_READY: build_ready(a, ui, s, c); break;
    case VIEW_CHOOSE: build_choose(a, ui, s, c); break;
    case VIEW_RESULT: build_result(a, ui, s, c); break;
    case VIEW_UNKNOWN: build_unknown(a, ui, s, c); break;
    }
}

static int checkin_event(struct app *a, const SDL_Event *ev)
{
    struct cs *s = state(a);
    if (ev->type == SDL_TEXTINPUT) {
        type_text(s, ev->text.text);
        return 1;
    }
    if (ev->type != SDL_KEYDOWN)
        return 0;
    switch (ev->key.keysym.sym) {
    case SDLK_BACKSPACE:
        if (s->view == VIEW_READY)
            backspace(s);
        return 1;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        if (s->view == VIEW_READY && s->typed[0])
            submit_typed(a, s);
        return 1;
    default:
        return 0;
    }
}

static int64_t checkin_next_timer(struct app *a)
{
    struct cs *s = state(a);
    if (s->view == VIEW_READY)
        return INT64_MAX;
    if (s->view == VIEW_CHOOSE || s->view == VIEW_UNKNOWN)
        return s->until;
    if (held(s))
        return INT64_MAX;
    /* The countdown shows whole seconds: wake when the number changes. */
    int64_t left = s->until - app_now(a);
    if (left <= 0)
        return s->until;
    int64_t secs = (left + 999) / 1000;
    return s->until - (secs - 1) * 1000;
}

static void checkin_timer(struct app *a, int64_t now)
{
    struct cs *s = state(a);
    if (s->view == VIEW_RESULT && now >= s->until) {
        /* A receipt still printing keeps the card (its QR) up until the printer has
         * answered, which its deadline bounds. */
        refresh_receipt(a, s);
        if (s->rcpt && s->rst.state == RECEIPTS_PENDING)
            s->until = now + 1000;
        if (now < s->until || held(s))
            return; /* a failure read now keeps the card */
    }
    if (s->view != VIEW_READY && now >= s->until)
        go_ready(s);
}

/* A number half typed is input; a result on screen is not. */
static int checkin_has_input(struct app *a)
{
    struct cs *s = state(a);
    return s->view == VIEW_READY && s->typed[0];
}

static void checkin_scan(struct app *a, const char *code)
{
    handle(a, state(a), code, CHECKIN_SCAN);
}

const struct screen screen_checkin = {
    .name = "checkin", .title_key = "home.checkin",
    .enter = checkin_enter, .leave = checkin_leave, .build = checkin_build,
    .event = checkin_event, .scan = checkin_scan, .has_input = checkin_has_input,
    .next_timer = checkin_next_timer, .timer = checkin_timer, .writes = 1,
};
