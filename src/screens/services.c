/* services — 服务指南: the 24-hour service hotline in large figures, the hall's service
 * items (the eight services, 创业基地, 金融服务直通车) with what each is and how to go
 * about it, 咨询登记 (a consultation request: topic, name and phone, ending on the
 * receipt) and 排队取号 (a numbered ticket for the service window).
 *
 * A ticket is what a person reads from across the hall when their number is called,
 * so it gets a screen of its own: the number as large as the screen allows, the window
 * to wait at, and the print state (the ticket prints at once); 查看回执 shows the full
 * receipt with the QR.  Choosing a service in 排队取号 takes the ticket straight away,
 * as at any ticket machine.
 *
 * Screens on the app's stack: the guide, a service's detail, the consultation form
 * (with the topic list first when no service was chosen) and the ticket.  The services
 * come from the assets (app/content.h says why); the sub-screens borrow the guide's
 * list, which outlives them.
 *
 * Owns: each screen's state; personal data only inside contact_form (wiped when the
 * form leaves); the ticket's receipt layout.  Never does: SQL (app/content.h), printing
 * I/O (app/receipts.h), drawing of its own. */
#include "app/app.h"
#include "app/content.h"
#include "app/receipts.h"
#include "screens/contact_form.h"

#include "core/util.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct screen services_detail_screen, services_consult_screen,
    services_queue_screen;

/* What a sub-screen is pushed with: the guide's list and the chosen item (-1: none). */
struct sv_arg {
    const struct content_service *items;
    int n, index;
};

static int text_h(struct ui *ui, const char *s, int size, int bold, int w)
{
    struct text_style st = {.size_px = ui_px(ui, size), .bold = bold};
    int mw = 0, h = 0;
    text_measure(ui_fonts(ui), s, &st, w, 0, &mw, &h);
    return h;
}

static const char *fill(struct ui *ui, const char *tmpl, const char *v)
{
    const char *p = strstr(tmpl, "{}");
    if (!p)
        return tmpl;
    return ui_strf(ui, "%.*s%s%s", (int)(p - tmpl), tmpl, v, p + 2);
}

/* A service row: the title, the summary (or the window) under it, the window on the
 * right when it fits beside the title, else leading the line under it. */
static int service_row(struct app *a, struct ui *ui, const struct content_service *sv,
                       SDL_Rect r, int summary)
{
    const char *win = sv->window[0] ? fill(ui, app_t(a, "services.window"), sv->window) : "";
    int ww = ui_text_width(ui, sv->window, SIZE_BODY, 1);
    int fits = summary && sv->window[0] && ww <= r.w / 2 - 32 &&
               32 + ui_text_width(ui, sv->title, SIZE_LARGE, 1) + 40 < r.w - 32 - ww;
    const char *sub = !summary                   ? win
                      : fits || !sv->window[0] ? sv->summary
                                               : ui_strf(ui, "%s · %s", sv->window, sv->summary);
    struct ui_opts o = {.sub = *sub ? sub : NULL, .hint = fits ? sv->window : NULL};
    return ui_row(ui, r, sv->title, &o);
}

static int row_height(struct ui *ui) { return ui_large_text(ui) ? 210 : 170; }

/* ---- the guide ----------------------------------------------------------------------- */

struct sg {
    struct content_service *items;
    int n;                            /* -1: the services file could not be read */
    struct ui_list_state ls;
};

struct rows_ctx {
    struct app *a;
    const struct content_service *items;
    int summary;
};

static int services_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct rows_ctx *rc = ctx;
    return service_row(rc->a, ui, &rc->items[index], rect(row.x, row.y, row.w, row.h - 4),
                       rc->summary);
}

/* The services in area: a grid showing all of them when they fit (two columns when the
 * cells are wide enough), else a scrolling list.  summary: rows show what each service
 * is, not only its window.  Returns the index tapped or -1. */
static int build_services(struct app *a, struct ui *ui, SDL_Rect area,
                          const struct content_service *items, int n, int summary,
                          struct ui_list_state *ls, const char *key)
{
    int gap = 12, cols = area.w / 2 >= 460 ? 2 : 1, rows = (n + cols - 1) / cols;
    int need = ui_px(ui, SIZE_LARGE) * 3 / 2 + ui_px(ui, SIZE_SMALL) * 3 / 2 * (summary ? 2 : 1) + 28;
    int cell_h = rows ? (area.h - (rows - 1) * gap) / rows : 0;
    struct rows_ctx rc = {a, items, summary};
    if (cell_h < need)
        return ui_list(ui, area, key, ls, n, row_height(ui), services_row, &rc);
    /* Summaries take two lines; a window alone one (ui_row centres as if two). */
    int cap = summary ? need + 40 : need + 12;
    if (cell_h > cap)
        cell_h = cap;
    int hit = -1;
    for (int i = 0; i < n; i++) {
        SDL_Rect col = rect_col(area, cols, i % cols, 24);
        SDL_Rect cell = rect(col.x, area.y + (i / cols) * (cell_h + gap), col.w, cell_h);
        if (service_row(a, ui, &items[i], cell, summary))
            hit = i;
    }
    return hit;
}

/* The hotline card at r (r.h ignored); returns its height, and with build 0 only
 * measures.  The number is never cut: it shrinks to the card's width if it must.  The
 * note goes when there is no room for it (note 0). */
static int hotline(struct app *a, struct ui *ui, SDL_Rect r, int note, int build)
{
    const char *title = app_t(a, "services.hotline");
    int iw = r.w - 64;
    int l1 = text_h(ui, title, SIZE_LARGE, 1, iw);
    /* Sizes in px the large-text factor leaves alone: already as large as fits. */
    int px = ui_px(ui, SIZE_HUGE);
    while (px > SIZE_LARGE && ui_text_width(ui, a->cfg.hotline, px * 10 / (ui_large_text(ui) ? 13 : 10), 1) > iw)
        px -= 4;
    int size = ui_large_text(ui) ? px * 10 / 13 : px;
    int l2 = ui_px(ui, size) * 3 / 2;
    int l3 = note ? text_h(ui, app_t(a, "services.hotline.note"), SIZE_BODY, 0, iw) : 0;
    int h = 28 + l1 + l2 + l3 + 28;
    if (!build)
        return h;
    struct ui_opts card = {.role = ROLE_ACCENT, .radius = 24};
    ui_panel(ui, rect(r.x, r.y, r.w, h), &card);
    struct ui_opts to = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT};
    ui_label(ui, rect(r.x + 32, r.y + 28, iw, l1), title, &to);
    struct ui_opts no = {.size = size, .bold = 1, .max_lines = 1};
    ui_label(ui, rect(r.x + 32, r.y + 28 + l1, iw, l2), a->cfg.hotline, &no);
    if (l3) {
        struct ui_opts xo = {.size = SIZE_BODY};
        ui_label(ui, rect(r.x + 32, r.y + 28 + l1 + l2, iw, l3),
                 app_t(a, "services.hotline.note"), &xo);
    }
    return h;
}

/* A large action button with, when note is set, a line under it saying what it does;
 * build 0 only measures.  Returns the height, and sets *hit on a tap. */
static int action(struct app *a, struct ui *ui, SDL_Rect r, const char *key, const char *note_key,
                  int note, int build, int *hit)
{
    int bh = ui_px(ui, SIZE_TITLE) * 2 + 20;
    int nh = note ? text_h(ui, app_t(a, note_key), SIZE_SMALL, 0, r.w - 16) : 0;
    if (!build)
        return bh + (nh ? 8 + nh : 0);
    struct ui_opts bo = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .max_lines = 1};
    *hit = ui_button(ui, rect(r.x, r.y, r.w, bh), app_t(a, key), &bo);
    if (nh) {
        struct ui_opts no = {.size = SIZE_SMALL, .role = ROLE_MUTED};
        ui_label(ui, rect(r.x + 8, r.y + bh + 8, r.w - 16, nh), app_t(a, note_key), &no);
    }
    return bh + (nh ? 8 + nh : 0);
}

static void sg_build(struct app *a, struct ui *ui)
{
    struct sg *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.services"));
    if (app_top(a) != &screen_services || *app_slot(a) != s)
        return;
    int portrait = ui_portrait(ui), m = portrait ? 32 : 48;
    int x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    SDL_Rect list;
    int consult = 0, queue = 0;
    if (portrait) {
        y += hotline(a, ui, rect(x, y, w, 0), 1, 1) + 24;
        int hw = (w - 24) / 2;
        int ah = action(a, ui, rect(x, y, hw, 0), "services.consult", "services.consult.note", 1,
                        1, &consult);
        int qh = action(a, ui, rect(x + hw + 24, y, hw, 0), "services.queue",
                        "services.queue.note", 1, 1, &queue);
        y += (ah > qh ? ah : qh) + 24;
        list = rect(x, y, w, 0);
    } else {
        /* The left column: the hotline card and the two actions, with their notes when
         * the column has room for them (large text in English may not): the hotline's
         * note goes first, then the actions'. */
        int lw = ui_large_text(ui) ? 680 : 600, room = c.h - 48, note = 2, gap = 28;
        for (; note >= 0; note--) {
            int need = hotline(a, ui, rect(x, y, lw, 0), note >= 2, 0) + 2 * gap +
                       action(a, ui, rect(x, y, lw, 0), "services.consult",
                              "services.consult.note", note >= 1, 0, NULL) +
                       action(a, ui, rect(x, y, lw, 0), "services.queue", "services.queue.note",
                              note >= 1, 0, NULL);
            if (need <= room || note == 0)
                break;
        }
        int hy = y + hotline(a, ui, rect(x, y, lw, 0), note >= 2, 1) + gap;
        hy += action(a, ui, rect(x, hy, lw, 0), "services.consult", "services.consult.note",
                     note >= 1, 1, &consult) +
              gap;
        action(a, ui, rect(x, hy, lw, 0), "services.queue", "services.queue.note", note >= 1, 1,
               &queue);
        list = rect(x + lw + 40, y, w - lw - 40, 0);
    }
    if (portrait) {
        /* Landscape needs no heading: the items stand beside the hotline. */
        int lh = ui_px(ui, SIZE_LARGE) * 3 / 2;
        struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .max_lines = 1};
        ui_label(ui, rect(list.x + 8, list.y, list.w - 16, lh), app_t(a, "services.items"), &ho);
        list.y += lh + 8;
    }
    list.h = c.y + c.h - 24 - list.y;
    int hit = -1;
    if (s->n <= 0) {
        struct ui_opts eo = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 4};
        ui_label(ui, rect(list.x + 8, list.y + 20, list.w - 16, 200), app_t(a, "services.error"),
                 &eo);
    } else {
        hit = build_services(a, ui, list, s->items, s->n, 1, &s->ls, "services.list");
    }
    struct sv_arg arg = {s->items, s->n > 0 ? s->n : 0, hit};
    if (hit >= 0)
        app_push(a, &services_detail_screen, &arg);
    else if (consult)
        app_push(a, &services_consult_screen, &arg);
    else if (queue)
        app_push(a, &services_queue_screen, &arg);
}

static void sg_enter(struct app *a, const void *arg)
{
    struct sg *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    char err[512];
    s->n = content_services_load(a->cfg.assets_dir, &s->items, err, sizeof err);
}

static void sg_leave(struct app *a)
{
    struct sg *s = *app_slot(a);
    if (s)
        free(s->items);
    free(s);
    *app_slot(a) = NULL;
}

const struct screen screen_services = {
    .name = "services",
    .title_key = "home.services",
    .enter = sg_enter,
    .leave = sg_leave,
    .build = sg_build,
};

/* ---- a service's detail -------------------------------------------------------------- */

struct sd {
    struct sv_arg arg;
    struct ui_list_state ls;
};

struct sd_ctx {
    struct app *a;
    const struct content_service *sv;
    int w, build;
    SDL_Rect view;
};

static int sd_content(struct sd_ctx *dc, struct ui *ui, int x, int y0)
{
    struct app *a = dc->a;
    const struct content_service *sv = dc->sv;
    int w = dc->w, y = y0;
#define VISIBLE(h_) (dc->build && y + (h_) > dc->view.y && y < dc->view.y + dc->view.h)
    int th = text_h(ui, sv->title, SIZE_TITLE, 1, w);
    if (VISIBLE(th)) {
        struct ui_opts to = {.size = SIZE_TITLE, .bold = 1};
        ui_label(ui, rect(x, y, w, th), sv->title, &to);
    }
    y += th + 12;
    if (sv->window[0]) {
        const char *where = fill(ui, app_t(a, "services.window"), sv->window);
        int ww = ui_text_width(ui, where, SIZE_BODY, 1) + 48, wh = ui_px(ui, SIZE_BODY) * 2;
        if (VISIBLE(wh)) {
            struct ui_opts bo = {.role = ROLE_ACCENT, .radius = wh / 2};
            ui_panel(ui, rect(x, y, ww, wh), &bo);
            struct ui_opts ko = {.size = SIZE_BODY, .bold = 1, .role = ROLE_ACCENT,
                                 .align = TEXT_CENTER, .max_lines = 1};
            ui_label(ui, rect(x, y, ww, wh), where, &ko);
        }
        y += wh + 24;
    }
    const char *sect[][2] = {{"services.f.summary", sv->summary}, {"services.f.how", sv->how}};
    for (int i = 0; i < 2; i++) {
        if (!sect[i][1][0])
            continue;
        int hh = ui_px(ui, SIZE_LARGE) * 3 / 2;
        if (VISIBLE(hh)) {
            struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT, .max_lines = 1};
            ui_label(ui, rect(x, y, w, hh), app_t(a, sect[i][0]), &ho);
        }
        y += hh + 4;
        int bh = text_h(ui, sect[i][1], SIZE_LARGE, 0, w);
        if (VISIBLE(bh)) {
            struct ui_opts bo = {.size = SIZE_LARGE};
            ui_label(ui, rect(x, y, w, bh), sect[i][1], &bo);
        }
        y += bh + 28;
    }
#undef VISIBLE
    return y - y0;
}

static int sd_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    sd_content(ctx, ui, row.x + 40, row.y + 32);
    return 0;
}

static void sd_build(struct app *a, struct ui *ui)
{
    struct sd *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "services.detail.title"));
    if (app_top(a) != &services_detail_screen || *app_slot(a) != s)
        return;
    const struct content_service *sv = &s->arg.items[s->arg.index];
    int m = ui_portrait(ui) ? 32 : 48, barh = 130, gap = 24;
    SDL_Rect bar = rect(c.x + m, c.y + c.h - 24 - barh, c.w - 2 * m, barh);
    SDL_Rect view = rect(c.x + m, c.y + 24, c.w - 2 * m, bar.y - 24 - c.y - 24);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 24};
    ui_panel(ui, view, &card);
    SDL_Rect inner = rect(view.x, view.y + 8, view.w, view.h - 16);
    struct sd_ctx dc = {a, sv, view.w - 80, 0, inner};
    int content_h = sd_content(&dc, ui, 0, 0) + 32;
    dc.build = 1;
    ui_list(ui, inner, "services.detail", &s->ls, 1, content_h > inner.h ? content_h : inner.h,
            sd_row, &dc);
    struct ui_opts co = {.role = ROLE_NORMAL, .size = SIZE_TITLE, .max_lines = 1};
    struct ui_opts qo = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .max_lines = 1};
    int consult = ui_button(ui, rect_col(bar, 2, 0, gap), app_t(a, "services.consult"), &co);
    int queue = ui_button(ui, rect_col(bar, 2, 1, gap), app_t(a, "services.queue"), &qo);
    struct sv_arg arg = s->arg;
    if (consult)
        app_push(a, &services_consult_screen, &arg);
    else if (queue)
        app_push(a, &services_queue_screen, &arg);
}

static void sd_enter(struct app *a, const void *arg)
{
    struct sd *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->arg = *(const struct sv_arg *)arg;
}

static void sd_leave(struct app *a)
{
    free(*app_slot(a));
    *app_slot(a) = NULL;
}

static const struct screen services_detail_screen = {
    .name = "services_detail",
    .title_key = "services.detail.title",
    .enter = sd_enter,
    .leave = sd_leave,
    .build = sd_build,
};

/* ---- choosing a service (consultation topic, queue ticket) ----------------------------- */

/* The services to choose from under a sentence saying what to choose.  Returns the
 * index chosen or -1. */
static int build_pick(struct app *a, struct ui *ui, SDL_Rect c, const struct sv_arg *arg,
                      struct ui_list_state *ls, const char *prompt_key, const char *key)
{
    int m = ui_portrait(ui) ? 32 : 48, x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    int ph = ui_px(ui, SIZE_LARGE) * 3 / 2;
    struct ui_opts po = {.size = SIZE_LARGE, .bold = 1, .max_lines = 1};
    ui_label(ui, rect(x + 8, y, w - 16, ph), app_t(a, prompt_key), &po);
    y += ph + 16;
    if (arg->n <= 0) {
        struct ui_opts eo = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 4};
        ui_label(ui, rect(x + 8, y + 20, w - 16, 200), app_t(a, "services.error"), &eo);
        return -1;
    }
    return build_services(a, ui, rect(x, y, w, c.y + c.h - 24 - y), arg->items, arg->n, 0, ls,
                          key);
}

/* ---- consultation -------------------------------------------------------------------- */

struct sc {
    struct sv_arg arg;               /* arg.index: the topic, -1 while choosing */
    struct cform *form;
    struct ui_list_state ls;
    const char *message;
};

static void consult_build(struct app *a, struct ui *ui)
{
    struct sc *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "services.consult.title"));
    if (app_top(a) != &services_consult_screen || *app_slot(a) != s)
        return;
    if (s->arg.index < 0) {
        int hit = build_pick(a, ui, c, &s->arg, &s->ls, "services.consult.pick", "services.topics");
        if (hit >= 0)
            s->arg.index = hit;
        return;
    }
    const struct content_service *sv = &s->arg.items[s->arg.index];
    enum cform_result r =
        cform_build(s->form, a, ui, c, ui_strf(ui, "%s%s", app_t(a, "services.consult.for"), sv->title),
                    app_t(a, "services.consult.detail"), s->message != NULL);
    if (s->message) {
        ui_modal(ui);
        int W = ui_width(ui), H = ui_height(ui), dw = W < 1200 ? W - 96 : 1000, dh = 440;
        SDL_Rect d = rect((W - dw) / 2, (H - dh) / 2, dw, dh);
        struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
        ui_panel(ui, d, &card);
        struct ui_opts mo = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 4};
        ui_label(ui, rect(d.x + 60, d.y + 50, d.w - 120, 230), app_t(a, s->message), &mo);
        struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE};
        if (ui_button(ui, rect(d.x + (d.w - 400) / 2, d.y + d.h - 140, 400, 100),
                      app_t(a, "contact.ok"), &po))
            s->message = NULL;
        return;
    }
    if (r == CFORM_CANCEL) {
        app_pop(a);
        return;
    }
    if (r != CFORM_SUBMIT)
        return;
    char name[VALIDATE_NAME_SIZE], phone[VALIDATE_PHONE_SIZE], uuid[37];
    if (cform_values(s->form, name, phone) < 0)
        return;
    int rc = content_consultation(a->st, sv, name, phone, app_now(a), uuid);
    util_wipe(name, sizeof name);
    util_wipe(phone, sizeof phone);
    if (rc == CONTENT_OK) {
        app_pop(a);
        app_show_receipt(a, uuid);
        return;
    }
    s->message = "contact.failed";
}

static void consult_enter(struct app *a, const void *arg)
{
    struct sc *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->arg = *(const struct sv_arg *)arg;
    if (s->arg.index >= s->arg.n)
        s->arg.index = -1;
    s->form = cform_create(a);
}

static void consult_leave(struct app *a)
{
    struct sc *s = *app_slot(a);
    if (!s)
        return;
    cform_destroy(s->form);
    free(s);
    *app_slot(a) = NULL;
}

static int consult_event(struct app *a, const SDL_Event *ev)
{
    struct sc *s = *app_slot(a);
    return s->arg.index >= 0 && !s->message && cform_event(s->form, ev);
}

static const struct screen services_consult_screen = {
    .name = "services_consult",
    .title_key = "services.consult.title",
    .enter = consult_enter,
    .leave = consult_leave,
    .build = consult_build,
    .event = consult_event,
};

/* ---- queue ticket -------------------------------------------------------------------- */

struct sq {
    struct sv_arg arg;
    struct ui_list_state ls;
    int failed;                       /* the ticket could not be recorded */
    char ticket[CONTENT_TICKET_SIZE]; /* "" until taken */
    char uuid[37];
    struct receipt_layout *rcpt;      /* NULL: no receipt could be made */
    struct receipts_status rst;
    uint64_t rseen;
};

static void take_ticket(struct app *a, struct sq *s, int index)
{
    s->arg.index = index;
    if (content_queue_ticket(a->st, &s->arg.items[index], app_now(a), s->uuid, s->ticket) !=
        CONTENT_OK) {
        s->failed = 1;
        return;
    }
    /* The ticket prints at once; the screen follows the printer's answer. */
    s->rcpt = receipts_issue(a, s->uuid, 1);
    s->rseen = a->print_serial - 1;
}

static const char *print_words(struct app *a, struct ui *ui, struct sq *s, enum ui_role *role)
{
    if (s->rcpt && s->rseen != a->print_serial) {
        receipts_status(a, s->uuid, &s->rst);
        s->rseen = a->print_serial;
    }
    *role = ROLE_MUTED;
    if (!s->rcpt)
        return app_t(a, "services.ticket.noprint");
    switch (s->rst.state) {
    case RECEIPTS_PENDING: return app_t(a, "receipt.state.pending");
    case RECEIPTS_PRINTED: *role = ROLE_OK; return app_t(a, "services.ticket.printed");
    case RECEIPTS_FAILED:
        *role = ROLE_ERROR;
        return ui_strf(ui, "%s%s", app_t(a, "receipt.state.failed"), s->rst.reason);
    default: return app_t(a, "services.ticket.noprint");
    }
}

static void build_ticket(struct app *a, struct ui *ui, struct sq *s, SDL_Rect c)
{
    const struct content_service *sv = &s->arg.items[s->arg.index];
    int portrait = ui_portrait(ui), m = portrait ? 48 : 120;
    SDL_Rect card = rect(c.x + m, c.y + 36, c.w - 2 * m, c.h - 72 - 150);
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 36};
    ui_panel(ui, card, &co);
    int x = card.x + 40, w = card.w - 80;
    const char *wait = fill(ui, app_t(a, "services.ticket.wait"),
                            sv->window[0] ? sv->window : app_t(a, "services.ticket.anywindow"));
    const char *what = ui_strf(ui, "%s%s", app_t(a, "services.ticket.service"), sv->title);
    enum ui_role role;
    const char *words = print_words(a, ui, s, &role);
    int l1 = ui_px(ui, SIZE_TITLE) * 3 / 2, l3 = text_h(ui, wait, SIZE_TITLE, 1, w);
    int l4 = text_h(ui, what, SIZE_LARGE, 0, w), l5 = text_h(ui, words, SIZE_BODY, 1, w);
    /* The number takes what the lines leave, up to a size read from across the hall;
     * it is given in px the large-text factor leaves alone. */
    int room = card.h - 40 - (l1 + l3 + l4 + l5 + 4 * 16);
    int big = portrait ? 300 : 240;
    if (big * 5 / 4 > room)
        big = room * 4 / 5;
    if (ui_large_text(ui))
        big = big * 10 / 13;
    int l2 = ui_px(ui, big) * 5 / 4;
    int total = l1 + l2 + l3 + l4 + l5 + 4 * 16;
    int y = card.y + (card.h - total) / 2;
    if (y < card.y + 20)
        y = card.y + 20;
    struct ui_opts ho = {.size = SIZE_TITLE, .align = TEXT_CENTER, .max_lines = 1,
                         .role = ROLE_MUTED};
    ui_label(ui, rect(x, y, w, l1), app_t(a, "services.ticket.yours"), &ho);
    y += l1 + 16;
    struct ui_opts no = {.size = big, .bold = 1, .align = TEXT_CENTER, .max_lines = 1,
                         .role = ROLE_ACCENT};
    ui_label(ui, rect(x, y, w, l2), s->ticket, &no);
    y += l2 + 16;
    struct ui_opts wo = {.size = SIZE_TITLE, .bold = 1, .align = TEXT_CENTER};
    ui_label(ui, rect(x, y, w, l3), wait, &wo);
    y += l3 + 16;
    struct ui_opts so = {.size = SIZE_LARGE, .align = TEXT_CENTER};
    ui_label(ui, rect(x, y, w, l4), what, &so);
    y += l4 + 16;
    struct ui_opts po = {.size = SIZE_BODY, .bold = 1, .align = TEXT_CENTER, .role = role};
    ui_label(ui, rect(x, y, w, l5), words, &po);

    /* 查看回执 (the QR), 重新打印 after a failure, 完成. */
    SDL_Rect bar = rect(card.x, card.y + card.h + 30, card.w, 120);
    int failed = s->rcpt && s->rst.state == RECEIPTS_FAILED && receipts_have_printer(a);
    int nb = failed ? 3 : 2, gap = 24;
    struct ui_opts vo = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1,
                         .disabled = !s->rcpt};
    struct ui_opts ro = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    struct ui_opts dn = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
    int view = ui_button(ui, rect_col(bar, nb, 0, gap), app_t(a, "receipt.view"), &vo);
    int reprint = failed && ui_button(ui, rect_col(bar, nb, 1, gap), app_t(a, "receipt.reprint"), &ro);
    int done = ui_button(ui, rect_col(bar, nb, nb - 1, gap), app_t(a, "receipt.done"), &dn);
    if (view && s->rcpt) {
        char uuid[37];
        util_strlcpy(uuid, s->uuid, sizeof uuid);
        app_view_receipt(a, uuid);
    } else if (reprint) {
        receipts_reprint(a, s->rcpt);
    } else if (done) {
        app_home(a);
    }
}

static void queue_build(struct app *a, struct ui *ui)
{
    struct sq *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "services.queue.title"));
    if (app_top(a) != &services_queue_screen || *app_slot(a) != s)
        return;
    if (s->failed) {
        int m = ui_portrait(ui) ? 48 : 120;
        struct ui_opts eo = {.size = SIZE_TITLE, .align = TEXT_CENTER, .max_lines = 4,
                             .role = ROLE_ERROR};
        ui_label(ui, rect(c.x + m, c.y + 120, c.w - 2 * m, 320), app_t(a, "services.ticket.failed"),
                 &eo);
        return;
    }
    if (s->ticket[0]) {
        build_ticket(a, ui, s, c);
        return;
    }
    int hit = build_pick(a, ui, c, &s->arg, &s->ls, "services.queue.pick", "services.queue.list");
    if (hit >= 0)
        take_ticket(a, s, hit);
}

static void queue_enter(struct app *a, const void *arg)
{
    struct sq *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->arg = *(const struct sv_arg *)arg;
    /* From a service's detail, 排队取号 is the choice: the ticket is taken now. */
    if (s->arg.index >= 0 && s->arg.index < s->arg.n)
        take_ticket(a, s, s->arg.index);
}

static void queue_leave(struct app *a)
{
    struct sq *s = *app_slot(a);
    if (!s)
        return;
    receipts_free(s->rcpt);
    free(s);
    *app_slot(a) = NULL;
}

static const struct screen services_queue_screen = {
    .name = "services_queue",
    .title_key = "services.queue.title",
    .enter = queue_enter,
    .leave = queue_leave,
    .build = queue_build,
};
