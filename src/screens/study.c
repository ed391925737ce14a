/* study — 学习园地: the study materials by category (党章党规, 党史学习, 政策法规, 市情区情,
 * 职业技能, 微型党课 … whatever the content holds, as large tiles), the articles of a
 * category with their opening lines, and a reader that shows an article a page at a
 * time in large, well-spaced text with its pictures, 上一页 / 下一页 and the page count.
 *
 * The reader is meant for someone who reads slowly and without glasses: body text at
 * 40 px (52 px in large-text mode, switched in the header as on every screen), a line every
 * 1.8 em, at most about 35 characters a line, and whole pages instead of
 * scrolling.  Pages come from ui/markdown.h, laid out once per text size and screen;
 * switching the size keeps the reader at the same place in the article.
 *
 * Three screens on the app's stack (categories, articles, reader).  Nothing personal is
 * typed here.  Owns: the article's text, pictures and pages while the reader is up.
 * Never does: SQL (app/content.h), drawing of its own. */
#include "app/app.h"
#include "app/content.h"
#include "screens/kit.h"

#include "core/util.h"
#include "ui/markdown.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CATEGORIES 24
#define MAX_ARTICLES 200

static const struct screen study_list_screen, study_reader_screen;

/* ---- categories ---------------------------------------------------------------------- */

struct sc {
    struct content_category cats[MAX_CATEGORIES];
    int n;                            /* -1: the database failed */
};

static void sc_build(struct app *a, struct ui *ui)
{
    struct sc *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.study"));
    int portrait = ui_portrait(ui), m = portrait ? 48 : 60;
    struct ui_opts io = {.size = SIZE_LARGE, .role = ROLE_MUTED, .max_lines = 2};
    int ih = ui_px(ui, SIZE_LARGE) * 3 / 2;
    if (s->n <= 0) {
        io.align = TEXT_CENTER;
        io.role = s->n < 0 ? ROLE_ERROR : ROLE_MUTED;
        ui_label(ui, rect(c.x + m, c.y + 160, c.w - 2 * m, 3 * ih),
                 app_t(a, s->n < 0 ? "study.error" : "study.none"), &io);
        return;
    }
    ui_label(ui, rect(c.x + m, c.y + 30, c.w - 2 * m, ih), app_t(a, "study.intro"), &io);
    int top = c.y + 30 + ih + 30;
    SDL_Rect area = rect(c.x + m, top, c.w - 2 * m, c.y + c.h - 50 - top);
    int cols = portrait ? 2 : (s->n > 6 ? 4 : 3), rows = (s->n + cols - 1) / cols, gap = 40;
    if (rows < 2)
        rows = 2;
    /* Tiles no taller than they need: the toolkit draws a tile from its top. */
    int tile_max = ui_large_text(ui) ? 440 : 380;
    if (area.h > rows * tile_max + (rows - 1) * gap) {
        int h = rows * tile_max + (rows - 1) * gap;
        area.y += (area.h - h) / 3;
        area.h = h;
    }
    char used[MAX_CATEGORIES][8];
    for (int i = 0; i < s->n; i++) {
        SDL_Rect row = rect_row(area, rows, i / cols, gap);
        SDL_Rect cell = rect_col(row, cols, i % cols, gap);
        /* The tile's emblem is the first character of its name that no tile before it
         * shows (党章党规 党, 党史学习 史 …), so no two emblems look alike. */
        char *icon = used[i];
        const char *p = s->cats[i].name;
        util_strlcpy(icon, "", sizeof used[i]);
        while (*p && !icon[0]) {
            const char *q = p;
            utf8_next(&q);
            char ch[8];
            util_strlcpy(ch, p, (size_t)(q - p) + 1 < sizeof ch ? (size_t)(q - p) + 1 : sizeof ch);
            int taken = 0;
            for (int k = 0; k < i; k++)
                taken |= !strcmp(used[k], ch);
            if (!taken)
                util_strlcpy(icon, ch, sizeof used[i]);
            p = q;
        }
        if (!icon[0]) {
            p = s->cats[i].name;
            utf8_next(&p);
            util_strlcpy(icon, s->cats[i].name, (size_t)(p - s->cats[i].name) + 1);
        }
        struct ui_opts o = {.sub = KIT_FILL(ui, app_t(a, "study.count"),
                                            kit_num(ui, s->cats[i].count)),
                            .icon = icon};
        if (ui_tile(ui, cell, s->cats[i].name, &o)) {
            char name[CONTENT_NAME_SIZE];
            util_strlcpy(name, s->cats[i].name, sizeof name);
            app_push(a, &study_list_screen, name);
            return;
        }
    }
}

static void sc_enter(struct app *a, const void *arg)
{
    struct sc *s = app_new_state(a, sizeof *s);
    s->n = content_material_categories(a->st, s->cats, MAX_CATEGORIES);
}

const struct screen screen_study = {
    .name = "study", .title_key = "home.study",
    .enter = sc_enter, .build = sc_build,
};

/* ---- articles of a category --------------------------------------------------------- */

struct sl {
    char category[CONTENT_NAME_SIZE];
    struct content_material *items;
    char (*leads)[512];               /* the opening sentence as plain text */
    int n;
    struct ui_list_state ls;
};

/* The first paragraph of a body's opening, without Markdown, in out. */
static void plain_lead(const char *md, char *out, size_t size)
{
    out[0] = 0;
    struct md_doc *d = md_parse(md);
    for (int i = 0; i < md_block_count(d); i++) {
        const struct md_block *b = md_block_at(d, i);
        if (b->kind == MD_PARA || b->kind == MD_BULLET || b->kind == MD_NUMBERED) {
            util_strlcpy(out, b->text, size);
            break;
        }
    }
    md_free(d);
}

struct sl_ctx {
    struct app *a;
    struct sl *s;
};

static int sl_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct sl *s = ((struct sl_ctx *)ctx)->s;
    return kit_row(ui, row, s->items[index].title, s->leads[index], NULL, 1);
}

static void sl_build(struct app *a, struct ui *ui)
{
    struct sl *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, s->category);
    int m = ui_portrait(ui) ? 32 : 48, x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    int lh = ui_px(ui, SIZE_BODY) * 3 / 2;
    struct ui_opts no = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1};
    if (s->n <= 0) {
        no.align = TEXT_CENTER;
        no.max_lines = 3;
        ui_label(ui, rect(x, y + 120, w, 3 * lh), app_t(a, s->n < 0 ? "study.error" : "study.none"),
                 &no);
        return;
    }
    ui_label(ui, rect(x + 8, y, w - 16, lh),
             KIT_FILL(ui, app_t(a, "study.list.intro"), kit_num(ui, s->n)), &no);
    y += lh + 12;
    struct sl_ctx sc = {a, s};
    int hit = kit_list(a, ui, rect(x, y, w, c.y + c.h - 24 - y), "study.list", &s->ls, s->n,
                       kit_row_h(ui, 2), sl_row, &sc);
    if (hit >= 0) {
        char id[CONTENT_ID_SIZE];
        util_strlcpy(id, s->items[hit].id, sizeof id);
        app_push(a, &study_reader_screen, id);
    }
}

static void sl_enter(struct app *a, const void *arg)
{
    struct sl *s = app_new_state(a, sizeof *s);
    util_strlcpy(s->category, arg ? (const char *)arg : "", sizeof s->category);
    s->items = calloc(MAX_ARTICLES, sizeof *s->items);
    s->leads = calloc(MAX_ARTICLES, sizeof *s->leads);
    if (!s->items || !s->leads)
        abort();
    s->n = content_materials(a->st, s->category, 0, MAX_ARTICLES, s->items);
    for (int i = 0; i < s->n; i++)
        plain_lead(s->items[i].lead, s->leads[i], sizeof s->leads[i]);
}

static void sl_leave(struct app *a)
{
    struct sl *s = *app_slot(a);
    if (s) {
        free(s->items);
        free(s->leads);
    }
    app_free_state(a);
}

static const struct screen study_list_screen = {
    .name = "study_list", .title_key = "home.study",
    .enter = sl_enter, .leave = sl_leave, .build = sl_build,
};

/* ---- the reader ---------------------------------------------------------------------- */

static const struct md_style reader_style = {
    .body = SIZE_LARGE, .h1 = SIZE_TITLE, .h2 = 46, .h3 = SIZE_LARGE,
    .caption = SIZE_BODY, .line_pct = 125, .image_scale_pct = 160,
};

struct sr {
    struct content_material m;
    char *body;
    int rc;
    struct md_doc *doc;
    struct content_image *imgs;
    int nimgs;
    struct md_image *mdimgs;
    struct md_pages *pages;
    int laid_w, laid_h, laid_large;   /* what pages were laid out for */
    int page;
    int64_t opened_ms;                /* for the study session (content_study_view) */
};

/* A reader left counts as a study session of the time it was read: up to the last touch
 * and at most a page's reading (STUDY_LAST_PAGE_MS) beyond it, so someone who walked away
 * is not counted as reading until the idle reset. */
#define STUDY_LAST_PAGE_MS 60000

/* The reader's geometry for this screen and text size. */
struct reader_lay {
    SDL_Rect card, column, bar;
    int title_h, page_h;
};

static struct reader_lay reader_layout(struct ui *ui, SDL_Rect c)
{
    struct reader_lay L;
    int portrait = ui_portrait(ui), m = portrait ? 24 : 48;
    int barh = ui_large_text(ui) ? 130 : 116;
    L.bar = rect(c.x + m, c.y + c.h - 20 - barh, c.w - 2 * m, barh);
    /* About 35 characters a line: longer lines are hard to follow back. */
    int cw = portrait ? c.w - 2 * m : 1500;
    L.card = rect(c.x + (c.w - cw) / 2, c.y + 20, cw, L.bar.y - 20 - c.y - 20);
    int pad = portrait ? 48 : 80;
    L.title_h = ui_px(ui, SIZE_TITLE) * 3 / 2 + ui_px(ui, SIZE_SMALL) * 3 / 2 + 20;
    L.column = rect(L.card.x + pad, L.card.y + 32 + L.title_h, L.card.w - 2 * pad,
                    L.card.h - 32 - L.title_h - 32);
    L.page_h = L.column.h;
    return L;
}

static void sr_relayout(struct ui *ui, struct sr *s, const struct reader_lay *L)
{
    int large = ui_large_text(ui);
    if (s->pages && s->laid_w == L->column.w && s->laid_h == L->page_h && s->laid_large == large)
        return;
    /* Keep the reader where they were: the same share of the article. */
    double at = s->pages && md_page_count(s->pages) > 1
                    ? (double)s->page / (double)md_page_count(s->pages)
                    : 0.0;
    md_pages_free(s->pages);
    s->pages = md_layout(s->doc, ui, L->column.w, L->page_h, &reader_style, s->mdimgs, s->nimgs);
    s->laid_w = L->column.w;
    s->laid_h = L->page_h;
    s->laid_large = large;
    int n = md_page_count(s->pages);
    s->page = (int)(at * n + 0.5);
    if (s->page >= n)
        s->page = n - 1;
    if (s->page < 0)
        s->page = 0;
}

static void sr_build(struct app *a, struct ui *ui)
{
    struct sr *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.study"));
    if (s->rc != CONTENT_OK) {
        struct ui_opts eo = {.size = SIZE_TITLE, .align = TEXT_CENTER, .max_lines = 3,
                             .role = ROLE_ERROR};
        ui_label(ui, rect(c.x + 60, c.y + 160, c.w - 120, 260), app_t(a, "study.error"), &eo);
        return;
    }
    struct reader_lay L = reader_layout(ui, c);
    sr_relayout(ui, s, &L);
    int n = md_page_count(s->pages);

    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 24};
    ui_panel(ui, L.card, &card);
    int tx = L.column.x, tw = L.column.w, ty = L.card.y + 32;
    struct ui_opts to = {.size = SIZE_TITLE, .bold = 1, .max_lines = 1};
    int t1 = ui_px(ui, SIZE_TITLE) * 3 / 2, t2 = ui_px(ui, SIZE_SMALL) * 3 / 2;
    ui_label(ui, rect(tx, ty, tw, t1), s->m.title, &to);
    struct ui_opts co = {.size = SIZE_SMALL, .role = ROLE_MUTED, .max_lines = 1};
    ui_label(ui, rect(tx, ty + t1, tw, t2), s->m.category, &co);
    struct ui_opts rule = {.role = ROLE_MUTED, .radius = -1};
    ui_panel(ui, rect(tx, ty + t1 + t2 + 8, tw, 3), &rule);
    md_build_page(ui, s->pages, s->page, L.column.x, L.column.y, s->m.id);

    /* The bar: 上一页 · 第 2 / 5 页 · 下一页 in the middle, each as wide as its words need
     * (大字模式 is in the header, as on every screen: the pages are laid out again for it
     * and the reader stays at the same place). */
    char cur[16], all[16];
    snprintf(cur, sizeof cur, "%d", s->page + 1);
    snprintf(all, sizeof all, "%d", n);
    const char *counter = KIT_FILL(ui, app_t(a, "study.page"), cur, all);
    int gap = 24;
    int cw = ui_text_width(ui, counter, SIZE_LARGE, 1) + 32;
    int bw = ui_text_width(ui, app_t(a, "study.prev"), SIZE_LARGE, 1) + 64;
    int bw2 = ui_text_width(ui, app_t(a, "study.next"), SIZE_LARGE, 1) + 64;
    bw = bw2 > bw ? bw2 : bw;
    bw = bw < 240 ? 240 : bw;
    int mid = L.bar.x + (L.bar.w - (2 * bw + cw + 2 * gap)) / 2;
    if (ui_portrait(ui)) {
        bw = (L.bar.w - cw - 2 * gap) / 2;
        mid = L.bar.x;
    }
    struct ui_opts po = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .disabled = s->page == 0,
                         .max_lines = 1};
    int prev = ui_button(ui, rect(mid, L.bar.y, bw, L.bar.h), app_t(a, "study.prev"), &po);
    struct ui_opts no = {.size = SIZE_LARGE, .bold = 1, .align = TEXT_CENTER, .max_lines = 1};
    ui_label(ui, rect(mid + bw + gap, L.bar.y, cw, L.bar.h), counter, &no);
    struct ui_opts xo = {.role = s->page + 1 < n ? ROLE_PRIMARY : ROLE_NORMAL, .size = SIZE_LARGE,
                         .disabled = s->page + 1 >= n, .max_lines = 1};
    int next = ui_button(ui, rect(mid + bw + cw + 2 * gap, L.bar.y, bw, L.bar.h),
                         app_t(a, "study.next"), &xo);
    if (prev && s->page > 0)
        s->page--;
    else if (next && s->page + 1 < n)
        s->page++;
}

/* Page keys on a keyboard, for the rare kiosk that has one. */
static int sr_event(struct app *a, const SDL_Event *ev)
{
    struct sr *s = *app_slot(a);
    if (ev->type != SDL_KEYDOWN || !s->pages)
        return 0;
    SDL_Keycode k = ev->key.keysym.sym;
    if ((k == SDLK_PAGEDOWN || k == SDLK_RIGHT) && s->page + 1 < md_page_count(s->pages))
        s->page++;
    else if ((k == SDLK_PAGEUP || k == SDLK_LEFT) && s->page > 0)
        s->page--;
    else
        return 0;
    return 1;
}

static void sr_enter(struct app *a, const void *arg)
{
    struct sr *s = app_new_state(a, sizeof *s);
    s->opened_ms = app_now(a);
    s->rc = content_material_get(a->st, arg ? (const char *)arg : "", &s->m, &s->body);
    if (s->rc != CONTENT_OK)
        return;
    s->doc = md_parse(s->body);
    s->nimgs = content_material_images(a->st, s->m.id, &s->imgs);
    if (s->nimgs < 0)
        s->nimgs = 0; /* logged; the text is still worth reading */
    s->mdimgs = calloc((size_t)s->nimgs + 1, sizeof *s->mdimgs);
    if (!s->mdimgs)
        abort();
    for (int i = 0; i < s->nimgs; i++)
        s->mdimgs[i] = (struct md_image){s->imgs[i].name, s->imgs[i].rgba, s->imgs[i].w,
                                         s->imgs[i].h};
}

static void sr_leave(struct app *a)
{
    struct sr *s = *app_slot(a);
    if (s && s->rc == CONTENT_OK) {
        int64_t end = app_now(a);
        if (end > a->last_input_ms + STUDY_LAST_PAGE_MS)
            end = a->last_input_ms + STUDY_LAST_PAGE_MS;
        char uuid[37];
        if (end > s->opened_ms)
            content_study_view(a->st, &s->m, (int)((end - s->opened_ms) / 1000), app_now(a),
                               uuid);
    }
    if (s) {
        md_pages_free(s->pages);
        md_free(s->doc);
        free(s->mdimgs);
        content_images_free(s->imgs, s->nimgs);
        free(s->body);
    }
    app_free_state(a);
}

static const struct screen study_reader_screen = {
    .name = "study_reader", .title_key = "home.study",
    .enter = sr_enter, .leave = sr_leave, .build = sr_build,
    .event = sr_event,
};
