/* receipt — the receipt screen every completed errand ends on: what was done (登记成功),
 * the receipt's key fields (masked by the layout), the time, the receipt number large
 * enough to read out, the QR large enough for a phone to photograph from arm's length,
 * and the print state in words (正在打印… / 已打印，请取走回执 / 打印失败：打印机缺纸 /
 * 未配置打印机，请拍照保存), with 重新打印 when printing failed and 完成.
 *
 * Landscape: the receipt's text on the left, the QR and the print state on the right.
 * Portrait: one column, the QR in the middle.  A registration's receipt also says where
 * the member's service station is.
 *
 * Printing never waits here: receipts_issue() queues the job and returns; the state is
 * re-read whenever app->print_serial says a result came in.  A scan on this screen
 * opens check-in (app.c), so a queue is never held up by it.
 *
 * Owns: the layout, the QR picture and the station (personal data: wiped on leave).
 * Never does: SQL, printing I/O or drawing of its own (app/receipts.h, ui/ui.h). */
#include "app/app.h"
#include "app/receipts.h"
#include "screens/kit.h"
#include "screens/rating.h"

#include "core/util.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QR_MAX_PX 640    /* no phone needs more; 53 modules x 12 px */
#define QR_MIN_PX 500    /* below this a photo from arm's length gets hard */

struct rs {
    char uuid[37];
    char kind[24];                 /* the record's kind, for the headline */
    struct receipt_layout *l;      /* NULL: the receipt could not be made */
    struct receipts_view v;
    struct reg_place station;
    int has_station;
    uint8_t *qr;                   /* RGBA, made for qr_max */
    int qr_side, qr_max;
    uint64_t qr_version;
    struct receipts_status st;
    uint64_t seen_serial;
    int refused;                   /* the last 重新打印 could not be queued */
    int done;                      /* 完成 was pressed during this build */
    struct ui_list_state ls;       /* the receipt card's paging */
    struct rating rating;          /* 好差评, when the errand has just ended here */
};

static struct rs *state(struct app *a) { return *app_slot(a); }


/* A picture's identity for the draw cache: the payload, so a new receipt at the same
 * address and size is never mistaken for the last one. */
static uint64_t payload_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static void refresh(struct app *a, struct rs *s)
{
    if (s->seen_serial == a->print_serial && s->st.receipt_no[0])
        return;
    receipts_status(a, s->uuid, &s->st);
    s->seen_serial = a->print_serial;
    if (s->st.state != RECEIPTS_FAILED)
        s->refused = 0;
}

static void receipt_enter(struct app *a, const void *arg)
{
    const struct receipts_screen_arg *ra = arg;
    struct rs *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    if (!ra || !ra->uuid)
        return;
    util_strlcpy(s->uuid, ra->uuid, sizeof s->uuid);
    s->l = receipts_issue(a, s->uuid, ra->print);
    if (!s->l) {
        receipts_kind(a, s->uuid, s->kind, sizeof s->kind);
        return;
    }
    util_strlcpy(s->kind, s->l->kind, sizeof s->kind);
    receipts_view(s->l, &s->v);
    s->has_station = receipts_station(a, s->uuid, &s->station) == 0;
    s->qr_version = payload_hash(s->l->payload);
    s->seen_serial = a->print_serial - 1; /* read the state at the first build */
    /* The errand has just ended here: it asks for a grade.  A receipt shown again
     * (查看回执 from a ticket or a check-in) leaves that to the screen it came from. */
    if (ra->print)
        rating_open(&s->rating, a, s->uuid, s->kind);
}

static void receipt_leave(struct app *a)
{
    struct rs *s = state(a);
    if (!s)
        return;
    rating_leave(a, &s->rating);
    receipts_free(s->l);
    receipts_qr_free(s->qr, s->qr_side);
    util_wipe(s, sizeof *s);
    free(s);
    *app_slot(a) = NULL;
}

/* The QR picture for at most max_px, remade only when the size it may take changed. */
static void ensure_qr(struct rs *s, int max_px)
{
    if (s->qr && s->qr_max == max_px)
        return;
    receipts_qr_free(s->qr, s->qr_side);
    s->qr = receipts_qr_rgba(s->l, max_px, &s->qr_side);
    s->qr_max = max_px;
}

static const char *headline(struct app *a, const struct rs *s)
{
    char key[64];
    snprintf(key, sizeof key, "receipt.ok.%s", s->kind);
    return app_t(a, s->kind[0] && i18n_has(a->cat, key) ? key : "receipt.ok");
}

/* The print state in words, its colour, and the caption of the QR. */
struct words {
    const char *text, *hint;   /* the state; what the QR is for */
    enum ui_role role;
};

static void state_words(struct app *a, struct ui *ui, struct rs *s, int w, struct words *out)
{
    out->hint = NULL;
    if (s->refused) {
        out->role = ROLE_ERROR;
        out->text = app_t(a, "receipt.busy");
    } else {
        out->text = kit_print_words(a, &s->st, 0, &out->role);
    }
    /* Under the QR: who it is for (a phone shows only letters). */
    out->hint = app_t(a, "receipt.qr_staff");
}

/* 重新打印 (only after a failure) and 完成, side by side in r. */
static void build_buttons(struct app *a, struct ui *ui, struct rs *s, SDL_Rect r)
{
    int failed = s->l && (s->st.state == RECEIPTS_FAILED || s->refused) && receipts_have_printer(a);
    struct ui_opts done = {.role = failed ? ROLE_QUIET : ROLE_PRIMARY, .size = SIZE_LARGE};
    SDL_Rect d = failed ? rect_col(r, 2, 1, 24) : r;
    if (failed) {
        struct ui_opts ro = {.role = ROLE_PRIMARY, .size = SIZE_LARGE};
        if (ui_button(ui, rect_col(r, 2, 0, 24), app_t(a, "receipt.reprint"), &ro)) {
            s->refused = receipts_reprint(a, s->l) < 0;
            s->seen_serial = a->print_serial - 1;
        }
    }
    /* Acted on after the whole frame is built (receipt_build): leaving frees s. */
    if (ui_button(ui, d, app_t(a, "receipt.done"), &done))
        s->done = 1;
}

/* A queue ticket's number: larger than anything else on the screen. */
#define TICKET_PX 132

/* The receipt's text, in a card that pages when it does not fit: what was done, the
 * receipt's title, a ticket's number, the fields, the receipt number, a registration's
 * service station (name, address, phone, hours) and the advice.  Nothing is left out:
 * what does not fit is on the card's next screen. */
static void receipt_content(struct kit_flow *f, void *ctx)
{
    struct rs *s = ctx;
    struct app *a = f->a;
    struct ui *ui = f->ui;
    kit_flow_text(f, headline(a, s), SIZE_HUGE, 1, ROLE_OK, 0);
    if (s->v.title)
        kit_flow_text(f, s->v.title, SIZE_LARGE, 1, ROLE_MUTED, 16);
    if (s->v.ticket) {
        /* The ticket's own number, read from across the hall. */
        const char *yours = app_t(a, "services.ticket.yours");
        kit_flow_text(f, yours, SIZE_LARGE, 0, ROLE_MUTED, 0);
        kit_flow_text(f, s->v.ticket, TICKET_PX, 1, ROLE_ACCENT, 8);
    }
    for (int i = 0; i < s->v.n_lines; i++) {
        if (s->has_station && s->station.name[0] && strstr(s->v.lines[i], s->station.name))
            continue; /* the station's block below says more */
        kit_flow_text(f, s->v.lines[i], SIZE_LARGE, 0, ROLE_NORMAL, 4);
    }
    f->y += 16;
    /* "回执号  K7M2-9QXA", large enough to read out over the phone (a ticket's is
     * smaller than its number). */
    const char *no = s->st.receipt_no[0] ? s->st.receipt_no : s->l->receipt_no;
    const char *keys[5], *vals[5];
    int n = 0;
    keys[n] = app_t(a, "receipt.no");
    vals[n++] = no;
    if (s->v.ticket) {
        kit_flow_pairs(f, keys, vals, NULL, n);
    } else {
        int lw = ui_text_width(ui, keys[0], SIZE_LARGE, 0) + 32;
        int nh = ui_text_height(ui, no, SIZE_HUGE, 1, f->w - lw, 1);
        if (kit_flow_shows(f, nh)) {
            struct ui_opts lo = {.size = SIZE_LARGE, .role = ROLE_MUTED, .max_lines = 1};
            struct ui_opts vo = {.size = SIZE_HUGE, .bold = 1, .max_lines = 1};
            ui_label(ui, rect(f->x, f->y, lw, nh), keys[0], &lo);
            ui_label(ui, rect(f->x + lw, f->y, f->w - lw, nh), no, &vo);
        }
        f->y += nh + 16;
    }
    if (s->has_station) {
        static const char *const sk[] = {"receipt.station", "receipt.addr", "receipt.phone",
                                         "receipt.hours"};
        const char *sv[] = {s->station.name, s->station.address, s->station.phone,
                            s->station.hours};
        n = 0;
        for (int i = 0; i < 4; i++)
            if (sv[i][0]) {
                keys[n] = app_t(a, sk[i]);
                vals[n++] = sv[i];
            }
        kit_flow_pairs(f, keys, vals, NULL, n);
    }
    if (s->v.next_step)
        kit_flow_text(f, s->v.next_step, SIZE_LARGE, 0, ROLE_NORMAL, 16);
}

/* The QR on a white card, the card's top left at (x, y).  Returns the card's side. */
static int qr_card(struct ui *ui, struct rs *s, int x, int y)
{
    if (!s->qr)
        return 0;
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 20};
    ui_panel(ui, rect(x, y, s->qr_side + 24, s->qr_side + 24), &card);
    ui_image(ui, rect(x + 12, y + 12, s->qr_side, s->qr_side), s->qr, s->qr_side, s->qr_side,
             s->qr_version, "receipt.qr");
    return s->qr_side + 24;
}

/* What the QR is for and the state in words, from (x, y) at width w.  Returns the y
 * under them. */
static int state_lines(struct ui *ui, const struct words *wd, int x, int y, int w,
                       enum text_align align)
{
    int hh = wd->hint ? ui_text_height(ui, wd->hint, SIZE_BODY, 0, w, 0) : 0;
    if (hh) {
        struct ui_opts ho = {.size = SIZE_BODY, .align = align, .role = ROLE_MUTED};
        ui_label(ui, rect(x, y, w, hh), wd->hint, &ho);
        y += hh;
    }
    int th = ui_text_height(ui, wd->text, SIZE_BODY, 1, w, 0);
    struct ui_opts so = {.size = SIZE_BODY, .bold = 1, .align = align, .role = wd->role};
    ui_label(ui, rect(x, y, w, th), wd->text, &so);
    return y + th;
}

/* The QR, its top centre at (cx, y), and what it is for and the state in words under it.
 * Returns the y under the words. */
static int build_qr_and_state(struct ui *ui, struct rs *s, const struct words *wd, int cx,
                              int y, int w)
{
    int side = qr_card(ui, s, cx - s->qr_side / 2 - 12, y);
    return state_lines(ui, wd, cx - w / 2, y + (side ? side + 16 : 0), w, TEXT_CENTER);
}

/* Height of what build_qr_and_state puts under the QR. */
static int under_qr_h(struct ui *ui, const struct words *wd, int w)
{
    return (wd->hint ? ui_text_height(ui, wd->hint, SIZE_BODY, 0, w, 0) : 0) +
           ui_text_height(ui, wd->text, SIZE_BODY, 1, w, 0);
}

static void build_unavailable(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c)
{
    int W = ui_width(ui), cw = ui_portrait(ui) ? W - 120 : 1200, iw = cw - 80;
    const char *h = headline(a, s), *t = app_t(a, "receipt.unavailable");
    int hh = ui_text_height(ui, h, SIZE_HUGE, 1, iw, 0);
    int th = ui_text_height(ui, t, SIZE_LARGE, 0, iw, 0);
    SDL_Rect card = rect((W - cw) / 2, c.y + 80, cw, 50 + hh + 30 + th + 40 + 104 + 40);
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, card, &co);
    struct ui_opts ok = {.size = SIZE_HUGE, .bold = 1, .role = ROLE_OK, .align = TEXT_CENTER};
    ui_label(ui, rect(card.x + 40, card.y + 50, iw, hh), h, &ok);
    struct ui_opts bo = {.size = SIZE_LARGE, .align = TEXT_CENTER};
    ui_label(ui, rect(card.x + 40, card.y + 50 + hh + 30, iw, th), t, &bo);
    build_buttons(a, ui, s, rect(card.x + (card.w - 420) / 2, card.y + card.h - 144, 420, 104));
}

static void build_landscape(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c)
{
    int W = ui_width(ui), m = 48, top = c.y + 24, bottom = c.y + c.h - 24;
    int bh = 110, colw = 680, rx = W - m - colw;

    /* Right: the QR, what it is for, the state, the buttons.  The QR takes what the
     * words leave, never beyond QR_MAX_PX. */
    struct words wd;
    state_words(a, ui, s, colw, &wd);
    int qr_max = bottom - top - 24 - 16 - under_qr_h(ui, &wd, colw) - 24 - bh;
    if (qr_max > QR_MAX_PX)
        qr_max = QR_MAX_PX;
    if (qr_max > colw - 24)
        qr_max = colw - 24;
    ensure_qr(s, qr_max);
    build_qr_and_state(ui, s, &wd, rx + colw / 2, top, colw);
    build_buttons(a, ui, s, rect(rx, bottom - bh, colw, bh));

    /* Left: the receipt's text in a card that pages, and under it the 好差评 strip. */
    int lw = rx - 40 - m, rh = rating_h(a, ui, &s->rating, lw);
    int card_h = bottom - top - (rh ? rh + 24 : 0);
    kit_card(a, ui, rect(m, top, lw, card_h), "receipt.card", &s->ls, receipt_content, s,
             rect(0, 0, 0, 0));
    rating_build(a, ui, &s->rating, rect(m, bottom - rh, lw, rh));
}

/* Upright with the 好差评 strip: the QR (as large as without it) and its words side by
 * side, so that the strip costs the receipt's card as little as it can. */
static void build_portrait_rating(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c, int rh)
{
    int W = ui_width(ui), m = 48, w = W - 2 * m, x = m;
    int top = c.y + 24, bottom = c.y + c.h - 24, bh = 120;
    ensure_qr(s, QR_MIN_PX + 60);
    int side = s->qr ? s->qr_side + 24 : 0, ww = w - side - (side ? 32 : 0);
    struct words wd;
    state_words(a, ui, s, ww, &wd);
    int wh = under_qr_h(ui, &wd, ww), row = side > wh ? side : wh;
    int ry = bottom - bh - 20 - rh - 20 - row;
    kit_card(a, ui, rect(x, top, w, ry - 24 - top), "receipt.card", &s->ls, receipt_content, s,
             rect(0, 0, 0, 0));
    qr_card(ui, s, x, ry + (row - side) / 2);
    state_lines(ui, &wd, x + w - ww, ry + (row - wh) / 2, ww, side ? TEXT_LEFT : TEXT_CENTER);
    rating_build(a, ui, &s->rating, rect(x, bottom - bh - 20 - rh, w, rh));
    build_buttons(a, ui, s, rect(x, bottom - bh, w, bh));
}

static void build_portrait(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c)
{
    int W = ui_width(ui), m = 48, w = W - 2 * m, x = m;
    int top = c.y + 24, bottom = c.y + c.h - 24, bh = 120;
    int rh = rating_h(a, ui, &s->rating, w);
    if (rh) {
        build_portrait_rating(a, ui, s, c, rh);
        return;
    }
    /* One column: the receipt's card, then the QR (at least QR_MIN_PX), what it is for,
     * the state and the buttons; the card pages what does not fit above them. */
    struct words wd;
    state_words(a, ui, s, w, &wd);
    int below = 24 + 16 + under_qr_h(ui, &wd, w) + 20 + bh;
    /* The QR as large as a phone needs from arm's length, no larger: the receipt's words
     * get the rest. */
    ensure_qr(s, QR_MIN_PX + 60);
    int qy = bottom - below - s->qr_side;
    kit_card(a, ui, rect(x, top, w, qy - 24 - top), "receipt.card", &s->ls, receipt_content, s,
             rect(0, 0, 0, 0));
    build_qr_and_state(ui, s, &wd, W / 2, qy, w);
    build_buttons(a, ui, s, rect(x, bottom - bh, w, bh));
}

static void receipt_build(struct app *a, struct ui *ui)
{
    struct rs *s = state(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "receipt.title"));
    if (!s->l) {
        build_unavailable(a, ui, s, c);
    } else {
        refresh(a, s);
        if (ui_portrait(ui))
            build_portrait(a, ui, s, c);
        else
            build_landscape(a, ui, s, c);
    }
    if (s->done)
        app_home(a);
}

const struct screen screen_receipt = {
    .name = "receipt", .title_key = "receipt.title",
    .enter = receipt_enter, .leave = receipt_leave, .build = receipt_build,
};
