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
 * are content (app/content.h); the sub-screens borrow the guide's list, which outlives
 * them.
 *
 * Owns: each screen's state; personal data only inside contact_form (wiped when the
 * form leaves); the ticket's receipt layout.  Never does: SQL (app/content.h), printing
 * I/O (app/receipts.h), drawing of its own. */
#include "app/app.h"
#include "app/content.h"
#include "app/receipts.h"
#include "screens/contact_form.h"
#include "screens/kit.h"
#include "screens/rating.h"

#include "core/util.h"
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

/* A service row: the title, the summary (or the window) under it, the window on the
 * right when it fits beside the title, else leading the line under it.  The summary is
 * an excerpt (the detail the row opens shows it whole): it may end in "…". */
static int service_row(struct app *a, struct ui *ui, const struct content_service *sv,
                       SDL_Rect r, int summary)
{
    if (!summary)
        return kit_row(ui, r, sv->title,
                       sv->window[0] ? KIT_FILL(ui, app_t(a, "services.window"), sv->window) : "",
                       NULL, 0);
    return kit_row(ui, r, sv->title, sv->summary, sv->window, 1);
}

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
    return service_row(rc->a, ui, &rc->items[index], row, rc->summary);
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
        return kit_list(a, ui, area, key, ls, n, kit_row_h(ui, summary ? 2 : 1), services_row,
                        &rc);
    /* Summaries take two lines; a window alone one (ui_row centres as if two). */
    int cap = summary ? need + 40 : need + 12;
    if (cell_h > cap)
        cell_h = cap;
    int hit = -1;
    for (int i = 0; i < n; i++) {
        SDL_Rect col = rect_col(area, cols, i % cols, 24);
        SDL_Rect cell = rect(col.x, area.y + (i / cols) * (cell_h + gap), col.w, cell_h + 4);
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
    int l1 = ui_text_height(ui, title, SIZE_LARGE, 1, iw, 0);
    /* Sizes in px the large-text factor leaves alone: already as large as fits. */
    int px = ui_px(ui, SIZE_HUGE);
    while (px > SIZE_LARGE && ui_text_width(ui, a->cfg.hotline, px * 10 / (ui_large_text(ui) ? 13 : 10), 1) > iw)
        px -= 4;
    int size = ui_large_text(ui) ? px * 10 / 13 : px;
    int l2 = ui_px(ui, size) * 3 / 2;
    int l3 = note ? ui_text_height(ui, app_t(a, "services.hotline.note"), SIZE_BODY, 0, iw, 0) : 0;
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
    int nh = note ? ui_text_height(ui, app_t(a, note_key), SIZE_SMALL, 0, r.w - 16, 0) : 0;
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
    struct sg *s = app_new_state(a, sizeof *s);
    char err[512];
    s->n = content_services_load(a->st, &s->items, err, sizeof err);
}

static void sg_leave(struct app *a)
{
    struct sg *s = *app_slot(a);
    if (s)
        free(s->items);
    app_free_state(a);
}

const struct screen screen_services = {
    .name = "services", .title_key = "home.services",
    .enter = sg_enter, .leave = sg_leave, .build = sg_build,
};

/* ---- a service's detail -------------------------------------------------------------- */

struct sd {
    struct sv_arg arg;
    struct ui_list_state ls;
};

static void sd_content(struct kit_flow *f, void *ctx)
{
    struct app *a = f->a;
    const struct content_service *sv = ctx;
    kit_flow_text(f, sv->title, SIZE_TITLE, 1, ROLE_NORMAL, 12);
    if (sv->window[0])
        kit_flow_pill(f, KIT_FILL(f->ui, app_t(a, "services.window"), sv->window), 24);
    if (sv->summary[0])
        kit_flow_section(f, app_t(a, "services.f.summary"), sv->summary, "");
    if (sv->how[0])
        kit_flow_section(f, app_t(a, "services.f.how"), sv->how, "");
}

static void sd_build(struct app *a, struct ui *ui)
{
    struct sd *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "services.detail.title"));
    const struct content_service *sv = &s->arg.items[s->arg.index];
    int m = ui_portrait(ui) ? 32 : 48, barh = 130, gap = 24;
    SDL_Rect bar = rect(c.x + m, c.y + c.h - 24 - barh, c.w - 2 * m, barh);
    SDL_Rect view = rect(c.x + m, c.y + 24, c.w - 2 * m, bar.y - 24 - c.y - 24);
    kit_card(a, ui, view, "services.detail", &s->ls, sd_content, (void *)sv, rect(0, 0, 0, 0));
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
    struct sd *s = app_new_state(a, sizeof *s);
    s->arg = *(const struct sv_arg *)arg;
}

static const struct screen services_detail_screen = {
    .name = "services_detail", .title_key = "services.detail.title",
    .enter = sd_enter, .build = sd_build,
};

/* ---- choosing a service (consultation topic, queue ticket) ----------------------------- */

/* The services to choose from under a sentence saying what to choose.  Returns the
 * index chosen or -1. */
static int build_pick(struct app *a, struct ui *ui, SDL_Rect c, const struct sv_arg *arg,
                      struct ui_list_state *ls, const char *prompt_key, const char *key)
{
    int m = ui_portrait(ui) ? 32 : 48, x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    /* The prompt wraps when it must (English, large text, portrait). */
    int ph = ui_text_height(ui, app_t(a, prompt_key), SIZE_LARGE, 1, w - 16, 2);
    struct ui_opts po = {.size = SIZE_LARGE, .bold = 1, .max_lines = 2};
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
    struct cform_page page;          /* first: cform_screen_leave */
    struct sv_arg arg;               /* arg.index: the topic, -1 while choosing */
    struct ui_list_state ls;
};

static const char *consult_save(struct app *a, const void *subject, const char *name,
                                const char *phone, char uuid[37], int *leave)
{
    int rc = content_consultation(a->st, subject, name, phone, app_now(a), uuid);
    return rc == CONTENT_OK ? NULL : "contact.failed";
}

static void consult_build(struct app *a, struct ui *ui)
{
    struct sc *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "services.consult.title"));
    if (s->arg.index < 0) {
        int hit = build_pick(a, ui, c, &s->arg, &s->ls, "services.consult.pick", "services.topics");
        if (hit >= 0) {
            s->arg.index = hit;
            s->page.subject = &s->arg.items[hit];
        }
        return;
    }
    const struct content_service *sv = &s->arg.items[s->arg.index];
    cform_page_build(&s->page, a, ui, c,
                     ui_strf(ui, "%s%s", app_t(a, "services.consult.for"), sv->title),
                     app_t(a, "services.consult.detail"));
}

static void consult_enter(struct app *a, const void *arg)
{
    struct sc *s = app_new_state(a, sizeof *s);
    s->arg = *(const struct sv_arg *)arg;
    if (s->arg.index >= s->arg.n)
        s->arg.index = -1;
    cform_page_open(&s->page, a, NULL, NULL, NULL, consult_save,
                    s->arg.index >= 0 ? &s->arg.items[s->arg.index] : NULL);
}

static int consult_has_input(struct app *a)
{
    struct sc *s = *app_slot(a);
    return s->arg.index >= 0 && cform_has_input(s->page.form);
}

static int consult_event(struct app *a, const SDL_Event *ev)
{
    struct sc *s = *app_slot(a);
    return s->arg.index >= 0 && cform_page_event(&s->page, ev);
}

static const struct screen services_consult_screen = {
    .name = "services_consult", .title_key = "services.consult.title",
    .enter = consult_enter, .leave = cform_screen_leave, .build = consult_build,
    .event = consult_event, .has_input = consult_has_input, .writes = 1,
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
    struct rating rating;             /* 好差评 once the ticket is taken */
};

static void take_ticket(struct app *a, struct sq *s, int index)
{
    s->arg.index = index;
    if (content_queue_ticket(a->st, &s->arg.items[index], a->cfg.ticket_prefix, app_now(a),
                             s->uuid, s->ticket) != CONTENT_OK) {
        s->failed = 1;
        return;
    }
    /* The ticket prints at once; the screen follows the printer's answer. */
    s->rcpt = receipts_issue(a, s->uuid, 1);
    s->rseen = a->print_serial - 1;
    rating_open(&s->rating, a, s->uuid, "queue_ticket");
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
    return kit_print_words(a, &s->rst, 1, role);
}

static void build_ticket(struct app *a, struct ui *ui, struct sq *s, SDL_Rect c)
{
    const struct content_service *sv = &s->arg.items[s->arg.index];
    int portrait = ui_portrait(ui), m = portrait ? 48 : 120;
    SDL_Rect card = rect(c.x + m, c.y + 36, c.w - 2 * m, c.h - 72 - 150);
    /* The 好差评 strip: beside the ticket in landscape (as narrow as its words allow, so
     * the number stays large), under it in portrait. */
    SDL_Rect strip = {0};
    if (portrait) {
        strip.h = rating_h(a, ui, &s->rating, card.w);
        if (strip.h) {
            card.h -= strip.h + 30;
            strip = rect(card.x, card.y + card.h + 30, card.w, strip.h);
        }
    } else {
        strip.w = rating_fit_w(a, ui, &s->rating, card.w / 3, card.w / 2, card.h);
        if (strip.w) {
            card.w -= strip.w + 40;
            strip = rect(card.x + card.w + 40, card.y, strip.w,
                         rating_h(a, ui, &s->rating, strip.w));
        }
    }
    rating_build(a, ui, &s->rating, strip);
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 36};
    ui_panel(ui, card, &co);
    int x = card.x + 40, w = card.w - 80;
    const char *wait = KIT_FILL(ui, app_t(a, "services.ticket.wait"),
                                sv->window[0] ? sv->window : app_t(a, "services.ticket.anywindow"));
    const char *what = ui_strf(ui, "%s%s", app_t(a, "services.ticket.service"), sv->title);
    enum ui_role role;
    const char *words = print_words(a, ui, s, &role);
    int l1 = ui_px(ui, SIZE_TITLE) * 3 / 2, l3 = ui_text_height(ui, wait, SIZE_TITLE, 1, w, 0);
    int l4 = ui_text_height(ui, what, SIZE_LARGE, 0, w, 0), l5 = ui_text_height(ui, words, SIZE_BODY, 1, w, 0);
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
    SDL_Rect bar = rect(c.x + m, (strip.h && portrait ? strip.y + strip.h : card.y + card.h) + 30,
                        c.w - 2 * m, 120);
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
    if (s->failed) {
        kit_notice(ui, c, app_t(a, "services.ticket.failed"), ROLE_ERROR);
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
    struct sq *s = app_new_state(a, sizeof *s);
    s->arg = *(const struct sv_arg *)arg;
    /* From a service's detail, 排队取号 is the choice: the ticket is taken now. */
    if (s->arg.index >= 0 && s->arg.index < s->arg.n)
        take_ticket(a, s, s->arg.index);
}

static void queue_leave(struct app *a)
{
    struct sq *s = *app_slot(a);
    if (s) {
        rating_leave(a, &s->rating);
        receipts_free(s->rcpt);
    }
    app_free_state(a);
}

static const struct screen services_queue_screen = {
    .name = "services_queue", .title_key = "services.queue.title",
    .enter = queue_enter, .leave = queue_leave, .build = queue_build, .writes = 1,
};
