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
    char measured[2][256];         /* the state sentence and hint last measured… */
    int measured_lines[2];         /* …and the lines each takes */
    int done;                      /* 完成 was pressed during this build */
};

static struct rs *state(struct app *a) { return *app_slot(a); }

static int field_h(struct ui *ui) { return ui_px(ui, SIZE_LARGE) * 13 / 10; }
static int small_h(struct ui *ui) { return ui_px(ui, SIZE_BODY) * 3 / 2; }

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
}

static void receipt_leave(struct app *a)
{
    struct rs *s = state(a);
    if (!s)
        return;
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

/* The print state in words: the sentence, its colour, the photo hint under it, and how
 * many lines the sentence takes at width w. */
struct words {
    const char *text, *hint;
    enum ui_role role;
    int lines, hint_lines;
};

/* Lines (1 or 2) text takes at width w; measured once per sentence, in slot. */
static int lines_of(struct ui *ui, struct rs *s, int slot, const char *text, int bold, int w)
{
    if (strcmp(text, s->measured[slot]) != 0) {
        util_strlcpy(s->measured[slot], text, sizeof s->measured[slot]);
        struct text_style ts = {.size_px = ui_px(ui, SIZE_LARGE), .bold = bold};
        s->measured_lines[slot] = text_width(ui_fonts(ui), text, -1, &ts) > w ? 2 : 1;
    }
    return s->measured_lines[slot];
}

static void state_words(struct app *a, struct ui *ui, struct rs *s, int w, struct words *out)
{
    out->hint = NULL;
    out->role = ROLE_MUTED;
    if (s->refused) {
        out->role = ROLE_ERROR;
        out->hint = app_t(a, "receipt.photo");
        out->text = app_t(a, "receipt.busy");
    } else {
        switch (s->st.state) {
        case RECEIPTS_PENDING: out->text = app_t(a, "receipt.state.pending"); break;
        case RECEIPTS_PRINTED:
            out->role = ROLE_OK;
            out->text = app_t(a, "receipt.state.printed");
            break;
        case RECEIPTS_FAILED:
            out->role = ROLE_ERROR;
            out->hint = app_t(a, "receipt.photo");
            out->text = ui_strf(ui, "%s%s", app_t(a, "receipt.state.failed"), s->st.reason);
            break;
        case RECEIPTS_NO_PRINTER:
            /* The sentence itself says to take a photo. */
            out->text = app_t(a, "receipt.state.none");
            break;
        default: out->text = app_t(a, "receipt.photo"); break;
        }
    }
    out->lines = lines_of(ui, s, 0, out->text, 1, w);
    out->hint_lines = out->hint ? lines_of(ui, s, 1, out->hint, 0, w) : 0;
}

static int line_h(struct ui *ui) { return ui_px(ui, SIZE_LARGE) * 3 / 2; }

static int words_h(struct ui *ui, const struct words *wd)
{
    return (wd->lines + wd->hint_lines) * line_h(ui);
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

/* The receipt's lines (fields, time) from y down, as many as fit above `bottom`; the
 * station line gives way to the station block, which says more.  Returns the y under
 * the last line drawn. */
static int build_fields(struct ui *ui, const struct rs *s, int x, int y, int w, int bottom)
{
    struct ui_opts fo = {.size = SIZE_LARGE, .max_lines = 1};
    int fh = field_h(ui);
    for (int i = 0; i < s->v.n_lines && y + fh <= bottom; i++) {
        if (s->has_station && s->station.name[0] && strstr(s->v.lines[i], s->station.name))
            continue;
        ui_label(ui, rect(x, y, w, fh), s->v.lines[i], &fo);
        y += fh;
    }
    return y;
}

static int fields_h(struct ui *ui, const struct rs *s)
{
    int n = 0;
    for (int i = 0; i < s->v.n_lines; i++)
        if (!(s->has_station && s->station.name[0] && strstr(s->v.lines[i], s->station.name)))
            n++;
    return n * field_h(ui);
}

/* The receipt's title ("报到登记回执") in r. */
static void build_title(const struct rs *s, struct ui *ui, SDL_Rect r, enum text_align align)
{
    if (!s->v.title)
        return;
    struct ui_opts to = {.size = SIZE_LARGE, .bold = 1, .max_lines = 1, .role = ROLE_MUTED,
                         .align = align};
    ui_label(ui, r, s->v.title, &to);
}

static int number_h(struct ui *ui) { return ui_px(ui, SIZE_HUGE) * 4 / 3; }

/* "回执号  K7M2-9QXA", the number large enough to read out over the phone. */
static int build_number(struct app *a, struct ui *ui, const struct rs *s, int x, int y, int w)
{
    struct ui_opts lo = {.size = SIZE_LARGE, .role = ROLE_MUTED, .max_lines = 1};
    struct ui_opts no = {.size = SIZE_HUGE, .bold = 1, .max_lines = 1};
    int h = number_h(ui);
    int lw = ui_large_text(ui) ? 200 : 160;
    ui_label(ui, rect(x, y, lw, h), app_t(a, "receipt.no"), &lo);
    const char *no_text = s->st.receipt_no[0] ? s->st.receipt_no : s->l->receipt_no;
    ui_label(ui, rect(x + lw, y, w - lw, h), no_text, &no);
    return y + h;
}

/* Where a registered member goes next: the station, its address, phone and hours, as
 * many rows as fit above bottom (in that order of importance). */
static int build_station(struct app *a, struct ui *ui, const struct rs *s, int x, int y, int w,
                         int bottom)
{
    if (!s->has_station)
        return y;
    struct ui_opts ko = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1};
    struct ui_opts vo = {.size = SIZE_BODY, .bold = 1, .max_lines = 1};
    int h = small_h(ui), kw = ui_large_text(ui) ? 240 : a->lang == LANG_EN ? 210 : 150;
    const char *keys[] = {"receipt.station", "receipt.addr", "receipt.phone", "receipt.hours"};
    const char *vals[] = {s->station.name, s->station.address, s->station.phone,
                          s->station.hours};
    for (int i = 0; i < 4 && y + h <= bottom; i++) {
        if (!vals[i][0])
            continue;
        ui_label(ui, rect(x, y, kw, h), app_t(a, keys[i]), &ko);
        ui_label(ui, rect(x + kw, y, w - kw, h), vals[i], &vo);
        y += h;
    }
    return y;
}

static int station_h(struct ui *ui, const struct rs *s)
{
    if (!s->has_station)
        return 0;
    const char *vals[] = {s->station.name, s->station.address, s->station.phone,
                          s->station.hours};
    int n = 0;
    for (int i = 0; i < 4; i++)
        n += vals[i][0] != 0;
    return n * small_h(ui);
}

/* The layout's advice ("请携带《流动党员活动证》…"), when a line is left for it. */
static int build_next(struct ui *ui, const struct rs *s, int x, int y, int w, int bottom,
                      enum text_align align)
{
    int h = small_h(ui);
    if (!s->v.next_step || y + h > bottom)
        return y;
    int lines = (bottom - y) / h >= 2 ? 2 : 1;
    struct ui_opts o = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = lines,
                        .align = align};
    ui_label(ui, rect(x, y, w, h * lines), s->v.next_step, &o);
    return y + h * lines;
}

/* The QR on a white card, its top centre at (cx, y), with the state in words under it.
 * Returns the y under the words. */
static int build_qr_and_state(struct ui *ui, struct rs *s, const struct words *wd, int cx,
                              int y, int w)
{
    if (s->qr) {
        struct ui_opts card = {.role = ROLE_NORMAL, .radius = 20};
        ui_panel(ui, rect(cx - s->qr_side / 2 - 12, y, s->qr_side + 24, s->qr_side + 24), &card);
        ui_image(ui, rect(cx - s->qr_side / 2, y + 12, s->qr_side, s->qr_side), s->qr, s->qr_side,
                 s->qr_side, s->qr_version, "receipt.qr");
        y += s->qr_side + 24 + 16;
    }
    int sh = line_h(ui);
    struct ui_opts so = {.size = SIZE_LARGE, .bold = 1, .align = TEXT_CENTER, .role = wd->role,
                         .max_lines = 2};
    ui_label(ui, rect(cx - w / 2, y, w, sh * wd->lines), wd->text, &so);
    y += sh * wd->lines;
    if (wd->hint) {
        struct ui_opts ho = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 2};
        ui_label(ui, rect(cx - w / 2, y, w, sh * wd->hint_lines), wd->hint, &ho);
        y += sh * wd->hint_lines;
    }
    return y;
}

static void build_unavailable(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c)
{
    int W = ui_width(ui), cw = ui_portrait(ui) ? W - 120 : 1200;
    SDL_Rect card = rect((W - cw) / 2, c.y + 80, cw, 520);
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, card, &co);
    struct ui_opts ok = {.size = SIZE_HUGE, .bold = 1, .role = ROLE_OK, .align = TEXT_CENTER,
                         .max_lines = 1};
    ui_label(ui, rect(card.x + 40, card.y + 50, card.w - 80, 110), headline(a, s), &ok);
    struct ui_opts bo = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 3};
    ui_label(ui, rect(card.x + 40, card.y + 190, card.w - 80, 180), app_t(a, "receipt.unavailable"),
             &bo);
    build_buttons(a, ui, s, rect(card.x + (card.w - 420) / 2, card.y + card.h - 140, 420, 104));
}

static void build_landscape(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c)
{
    int W = ui_width(ui), m = 60, top = c.y + 30, bottom = c.y + c.h - 30;
    int bh = 110, colw = 680, rx = W - m - colw;

    /* Right: the QR, the state, the buttons.  The QR takes what the others leave. */
    struct words wd;
    state_words(a, ui, s, colw, &wd);
    /* Two lines of words are always kept free, so the QR does not change size when the
     * state changes; only longer words (English, large text) take more. */
    int words = words_h(ui, &wd) > 2 * line_h(ui) ? words_h(ui, &wd) : 2 * line_h(ui);
    int qr_max = bottom - top - 24 - 16 - words - 24 - bh;
    if (qr_max > QR_MAX_PX)
        qr_max = QR_MAX_PX;
    if (qr_max > colw - 24)
        qr_max = colw - 24;
    ensure_qr(s, qr_max);
    build_qr_and_state(ui, s, &wd, rx + colw / 2, top, colw);
    build_buttons(a, ui, s, rect(rx, bottom - bh, colw, bh));

    /* Left: what was done and the receipt's title on one line, the fields, the number,
     * where to go next; what does not fit (large text) is left out from the bottom. */
    int x = m, w = rx - m - 60, y = top;
    struct ui_opts ok = {.size = SIZE_HUGE, .bold = 1, .role = ROLE_OK, .max_lines = 1};
    int hh = ui_px(ui, SIZE_HUGE) * 4 / 3;
    ui_label(ui, rect(x, y, w / 2, hh), headline(a, s), &ok);
    build_title(s, ui, rect(x + w / 2, y + hh - line_h(ui) - 6, w / 2, line_h(ui)), TEXT_RIGHT);
    y += hh + 10;
    y = build_fields(ui, s, x, y, w, bottom - 18 - number_h(ui));
    struct ui_opts rule = {.role = ROLE_MUTED, .radius = -1};
    ui_panel(ui, rect(x, y + 8, w, 2), &rule);
    y = build_number(a, ui, s, x, y + 18, w);
    y = build_station(a, ui, s, x, y + 6, w, bottom);
    build_next(ui, s, x, y + 6, w, bottom, TEXT_LEFT);
}

static void build_portrait(struct app *a, struct ui *ui, struct rs *s, SDL_Rect c)
{
    int W = ui_width(ui), m = 60, w = W - 2 * m, x = m;
    int top = c.y + 30, bottom = c.y + c.h - 30, bh = 120;
    int y = top;
    struct ui_opts ok = {.size = SIZE_HUGE, .bold = 1, .role = ROLE_OK, .align = TEXT_CENTER,
                         .max_lines = 1};
    int hh = ui_px(ui, SIZE_HUGE) * 4 / 3;
    ui_label(ui, rect(x, y, w, hh), headline(a, s), &ok);
    y += hh;
    build_title(s, ui, rect(x, y, w, line_h(ui)), TEXT_CENTER);
    y += line_h(ui) + 10;

    /* One column: fields, number, QR, state, station, advice, buttons.  The QR gets
     * what is left, at least QR_MIN_PX: the station's rows and the advice give way
     * first (build_station and build_next stop at the buttons). */
    struct words wd;
    state_words(a, ui, s, w, &wd);
    int rest = fields_h(ui, s) + 10 + number_h(ui) + 10 + 24 + 16 + words_h(ui, &wd) + 10 +
               station_h(ui, s) + 20 + bh;
    int qr_max = bottom - y - rest;
    if (qr_max > QR_MAX_PX)
        qr_max = QR_MAX_PX;
    if (qr_max < QR_MIN_PX)
        qr_max = QR_MIN_PX;
    ensure_qr(s, qr_max);
    int below = number_h(ui) + 10 + s->qr_side + 24 + 16 + words_h(ui, &wd) + 20 + bh;
    /* A short receipt sits in the middle of the space rather than under the title. */
    int spare = bottom - y - below - fields_h(ui, s) - 10 - station_h(ui, s) -
                (s->v.next_step ? small_h(ui) + 6 : 0);
    if (spare > 0)
        y += spare / 2;
    y = build_fields(ui, s, x, y, w, bottom - below);
    y = build_number(a, ui, s, x, y + 10, w);
    y = build_qr_and_state(ui, s, &wd, W / 2, y + 10, w);
    y = build_station(a, ui, s, x, y + 10, w, bottom - bh - 20);
    build_next(ui, s, x, y + 6, w, bottom - bh - 20, TEXT_LEFT);
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
