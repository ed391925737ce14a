/* kit — see kit.h. */
#include "screens/kit.h"

#include "app/app.h"
#include "app/receipts.h"
#include "core/util.h"
#include "ui/text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- text ---------------------------------------------------------------------------- */

const char *kit_fill_v(struct ui *ui, const char *tmpl, ...)
{
    if (!strstr(tmpl, "{}"))
        return tmpl;
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, tmpl);
    const char *p = tmpl, *q;
    const char *v = va_arg(ap, const char *);
    while (v && (q = strstr(p, "{}"))) {
        strbuf_addn(&sb, p, (size_t)(q - p));
        strbuf_add(&sb, v);
        p = q + 2;
        v = va_arg(ap, const char *);
    }
    va_end(ap);
    strbuf_add(&sb, p);
    const char *out = ui_strf(ui, "%s", sb.buf ? sb.buf : "");
    strbuf_free(&sb);
    return out;
}

const char *kit_num(struct ui *ui, int n) { return ui_strf(ui, "%d", n); }

const char *kit_step(struct app *a, struct ui *ui, const char *label, int n, int total)
{
    return ui_strf(ui, "%s · %s", label,
                   KIT_FILL(ui, app_t(a, "form.step"), kit_num(ui, n), kit_num(ui, total)));
}

/* ---- paging ---------------------------------------------------------------------------- */

int kit_pager_h(struct ui *ui)
{
    int h = ui_px(ui, SIZE_LARGE) * 3 / 2 + 32;
    return h < 96 ? 96 : h;
}

SDL_Rect kit_view(struct ui *ui, SDL_Rect r, int content_h, int row_h)
{
    if (content_h <= r.h)
        return r;
    int h = r.h - kit_pager_h(ui) - 16;
    if (row_h > 0 && h >= row_h)
        h = h / row_h * row_h;
    return rect(r.x, r.y, r.w, h > 0 ? h : 0);
}

/* Bottom of item i. */
static int item_bottom(const struct kit_items *it, int i, int content_h)
{
    if (it->row_h > 0)
        return (i + 1) * it->row_h;
    return i + 1 < it->n ? it->tops[i + 1] : content_h;
}

static int item_top(const struct kit_items *it, int i)
{
    return it->row_h > 0 ? i * it->row_h : it->tops[i];
}

/* The offset a page down (dir 1) or up (-1) goes to: the first item not wholly in view
 * comes to the top, or going up, the window ends where it began. */
static float page_to(const struct kit_items *it, float off, int view_h, int content_h, int dir)
{
    int o = (int)lroundf(off), to = dir > 0 ? o + view_h * 85 / 100 : o - view_h * 85 / 100;
    int n = it && (it->row_h > 0 || it->tops) ? it->n : 0;
    if (dir > 0) {
        for (int i = 0; i < n; i++)
            if (item_bottom(it, i, content_h) > o + view_h) {
                if (item_top(it, i) > o)
                    to = item_top(it, i);
                break;
            }
    } else {
        for (int i = 0; i < n; i++)
            if (item_top(it, i) >= o - view_h && item_top(it, i) < o) {
                to = item_top(it, i);
                break;
            }
        /* Nothing counted above it (a day's heading over the first session): the top,
         * so that 上一屏 is not left for a heading alone. */
        int above = 0;
        for (int i = 0; i < n && !above; i++)
            above = (!it->counted || it->counted[i]) && item_top(it, i) < to;
        if (n && !above)
            to = 0;
    }
    int max = content_h - view_h;
    return (float)(to < 0 ? 0 : to > max ? max : to);
}

/* "第 5–8 条，共 49 条" for the counted items wholly in view (partly, when none is), or
 * "第 1 屏，共 3 屏". */
static const char *in_view(struct app *a, struct ui *ui, const struct kit_items *it, float off,
                           int view_h, int content_h)
{
    int o = (int)lroundf(off);
    if (!it || it->total <= 0) {
        /* The screens 下一屏 steps through from the top: which one this is, of how many. */
        int max = content_h - view_h, pages = 1, cur = 1;
        float p = 0;
        while (p < (float)max - 0.5f && pages < 1000) {
            float q = page_to(it, p, view_h, content_h, 1);
            if (q <= p)
                break;
            p = q;
            pages++;
            if ((int)lroundf(p) <= o)
                cur = pages;
        }
        return KIT_FILL(ui, app_t(a, "kit.screen"), kit_num(ui, cur), kit_num(ui, pages));
    }
    int first = 0, last = 0, pfirst = 0, plast = 0, k = 0;
    for (int i = 0; i < it->n; i++) {
        if (it->counted && !it->counted[i])
            continue;
        k++;
        int top = item_top(it, i), bottom = item_bottom(it, i, content_h);
        if (bottom > o && top < o + view_h) {
            pfirst = pfirst ? pfirst : k;
            plast = k;
        }
        if (top >= o && bottom <= o + view_h) {
            first = first ? first : k;
            last = k;
        }
    }
    if (!first) {
        first = pfirst;
        last = plast;
    }
    if (first == last)
        return KIT_FILL(ui, app_t(a, "kit.count.one"), kit_num(ui, first), kit_num(ui, it->total));
    return KIT_FILL(ui, app_t(a, "kit.count"), kit_num(ui, first), kit_num(ui, last),
                    kit_num(ui, it->total));
}

void kit_pager(struct app *a, struct ui *ui, SDL_Rect r, SDL_Rect view, struct ui_list_state *ls,
               int content_h, const struct kit_items *items)
{
    if (content_h <= view.h)
        return;
    int ph = kit_pager_h(ui), max = content_h - view.h;
    const char *up = app_t(a, "kit.page_up"), *down = app_t(a, "kit.page_down");
    int bw = ui_text_width(ui, up, SIZE_LARGE, 1), dw = ui_text_width(ui, down, SIZE_LARGE, 1);
    bw = (bw > dw ? bw : dw) + 64;
    if (bw < 240)
        bw = 240;
    const char *count = in_view(a, ui, items, ls->offset, view.h, content_h);
    struct ui_opts co = {.size = SIZE_BODY, .role = ROLE_MUTED, .align = TEXT_CENTER,
                         .max_lines = 2};
    /* A bar: 上一屏 · count · 下一屏 along the bottom of r; in a narrow column (the
     * side of a detail) the count over the two buttons. */
    SDL_Rect bar = rect(r.x, r.y + r.h - ph, r.w, ph), cr, ur, dr;
    int stacked = r.w < 2 * bw + 200 && r.h >= 2 * ph;
    if (stacked && 2 * bw + 16 <= r.w) {
        /* The count over the two buttons side by side. */
        int ch = ui_text_height(ui, count, SIZE_BODY, 0, r.w, 2);
        cr = rect(r.x, bar.y - 8 - ch, r.w, ch);
        ur = rect(bar.x, bar.y, (r.w - 16) / 2, ph);
        dr = rect(bar.x + bar.w - ur.w, bar.y, ur.w, ph);
    } else if (stacked) {
        /* Too narrow for both: 上一屏 over 下一屏, the count over them. */
        int ch = ui_text_height(ui, count, SIZE_BODY, 0, r.w, 2);
        ur = rect(r.x, bar.y - 12 - ph, r.w, ph);
        dr = rect(r.x, bar.y, r.w, ph);
        cr = rect(r.x, ur.y - 8 - ch, r.w, ch);
    } else {
        cr = rect(bar.x + bw + 16, bar.y, bar.w - 2 * bw - 32, bar.h);
        ur = rect(bar.x, bar.y, bw, ph);
        dr = rect(bar.x + bar.w - bw, bar.y, bw, ph);
        /* Between the buttons of a narrow list (large text) the count takes the smaller
         * size when its two lines would not fit the bar (still no smaller than normal
         * body text). */
        if (ui_text_height(ui, count, SIZE_BODY, 0, cr.w, 2) > cr.h)
            co.size = SIZE_SMALL;
    }
    /* Each button only when there is more that way; the count keeps its place. */
    struct ui_opts bo = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    int go_up = ls->offset > 0.5f && ui_button(ui, ur, up, &bo);
    int go_down = ls->offset < (float)max - 0.5f && ui_button(ui, dr, down, &bo);
    ui_label(ui, cr, count, &co);
    if (go_up || go_down) {
        ls->offset = page_to(items, ls->offset, view.h, content_h, go_down ? 1 : -1);
        ls->velocity = 0;
    }
}

int kit_list(struct app *a, struct ui *ui, SDL_Rect r, const char *key, struct ui_list_state *ls,
             int count, int row_h, ui_row_fn fn, void *ctx)
{
    int content_h = count * row_h;
    SDL_Rect view = kit_view(ui, r, content_h, row_h);
    int hit = ui_list(ui, view, key, ls, count, row_h, fn, ctx);
    struct kit_items items = {.row_h = row_h, .n = count, .total = count};
    kit_pager(a, ui, r, view, ls, content_h, &items);
    return hit;
}

/* ---- rows and chips ---------------------------------------------------------------------- */

int kit_row_h(struct ui *ui, int lines)
{
    /* ui_row's title line, the detail's lines, padding and the gap under the row. */
    return ui_px(ui, SIZE_LARGE) * 3 / 2 + ui_px(ui, SIZE_SMALL) * 3 / 2 * lines + 28;
}

/* The row's detail line: the tag leads it when it does not fit beside the title.  *hint
 * is the tag when it does. */
static const char *row_sub(struct ui *ui, int w, const char *title, const char *sub,
                           const char *tag, const char **hint)
{
    /* ui_row draws the tag in the row's right half, right of the title's line. */
    int tw = tag && *tag ? ui_text_width(ui, tag, SIZE_BODY, 1) : 0;
    int fits = !tw || (tw <= w / 2 - 32 &&
                       32 + ui_text_width(ui, title, SIZE_LARGE, 1) + 40 < w - 32 - tw);
    *hint = tw && fits ? tag : NULL;
    sub = sub && *sub ? sub : NULL;
    if (tw && !fits)
        return sub ? ui_strf(ui, "%s · %s", tag, sub) : tag;
    return sub;
}

int kit_row_lines(struct ui *ui, int w, const char *title, const char *sub, const char *tag)
{
    const char *hint, *s = row_sub(ui, w, title, sub, tag, &hint);
    /* ui_row wraps the detail 64 px narrower than the row. */
    return s && ui_text_height(ui, s, SIZE_SMALL, 0, w - 64, 0) > ui_px(ui, SIZE_SMALL) * 3 / 2
               ? 2
               : 1;
}

int kit_row(struct ui *ui, SDL_Rect r, const char *title, const char *sub, const char *tag,
            int teaser)
{
    struct ui_opts o = {.teaser = teaser};
    o.sub = row_sub(ui, r.w, title, sub, tag, &o.hint);
    return ui_row(ui, rect(r.x, r.y, r.w, r.h - 4), title, &o);
}

/* Lays out (and with build, adds) chips flowing over lines in r; a chip is marked when
 * its bit in `selected` is set.  Returns the height used; *end_x (may be NULL) gets where
 * the last line's chips end. */
static int chips(struct ui *ui, SDL_Rect r, const char *const *labels, int n, unsigned selected,
                 int *chosen, int build, int *end_x)
{
    int x = r.x, y = r.y, h = ui_px(ui, SIZE_BODY) * 2 + 20, gap = 16;
    for (int i = 0; i < n; i++) {
        int w = ui_text_width(ui, labels[i], SIZE_BODY, 1) + 64;
        w = w < 150 ? 150 : w > r.w ? r.w : w;
        if (x > r.x && x + w > r.x + r.w) {
            x = r.x;
            y += h + gap;
        }
        struct ui_opts o = {.role = selected & (1u << i) ? ROLE_SELECTED : ROLE_NORMAL,
                            .size = SIZE_BODY, .radius = h / 2, .max_lines = 1};
        if (build && ui_button(ui, rect(x, y, w, h), labels[i], &o))
            *chosen = i;
        x += w + gap;
    }
    if (end_x)
        *end_x = x - gap;
    return y + h - r.y;
}

int kit_chips(struct ui *ui, SDL_Rect r, const char *const *labels, int n, int selected,
              int *chosen)
{
    return chips(ui, r, labels, n, selected >= 0 && selected < 32 ? 1u << selected : 0, chosen,
                 1, NULL);
}

int kit_chips_many(struct ui *ui, SDL_Rect r, const char *const *labels, int n,
                   unsigned selected, int *chosen)
{
    return chips(ui, r, labels, n, selected, chosen, 1, NULL);
}

int kit_chips_h(struct ui *ui, int w, const char *const *labels, int n, int *end_x)
{
    return chips(ui, rect(0, 0, w, 0), labels, n, 0, NULL, 0, end_x);
}

/* ---- the detail card ----------------------------------------------------------------------- */

/* A piece at f->y of height h: measuring, notes where it begins (snap: a page may begin
 * there); building, whether it shows. */
static int piece(struct kit_flow *f, int h, int snap)
{
    if (!f->build) {
        if (snap && f->ntops < KIT_FLOW_PIECES)
            f->tops[f->ntops++] = f->y;
        return 0;
    }
    int in = f->y >= f->view.y && f->y + h <= f->view.y + f->view.h;
    int cut = h > f->view.h && f->y + h > f->view.y && f->y < f->view.y + f->view.h;
    return in || cut;
}

int kit_flow_shows(struct kit_flow *f, int h) { return piece(f, h, 1); }

/* text as lines, each a piece of its own, so a page ends at a line, never in one, and a
 * long paragraph starts on this page instead of leaving it half empty.  keep: the first
 * line stays with what comes before it (a heading).  Returns the height. */
static int flow_lines(struct kit_flow *f, const char *text, int size, int bold,
                      enum ui_role role, int keep_first)
{
    struct ui *ui = f->ui;
    struct text_style st = {.size_px = ui_px(ui, size), .bold = bold};
    struct text_line lines[128];
    int n = text_break(ui_fonts(ui), text, &st, f->w, lines, (int)ARRAY_LEN(lines));
    if (n > (int)ARRAY_LEN(lines))
        n = (int)ARRAY_LEN(lines); /* longer than any detail: the rest is not shown */
    int lh = text_line_height(ui_fonts(ui), &st), y0 = f->y;
    struct ui_opts o = {.size = size, .bold = bold, .role = role, .max_lines = 1};
    for (int i = 0; i < n; i++) {
        f->y = y0 + i * lh;
        if (piece(f, lh, !(keep_first && i == 0)) && lines[i].len > 0)
            ui_label(ui, rect(f->x, f->y, f->w, lh),
                     ui_strf(ui, "%.*s", lines[i].len, text + lines[i].start), &o);
    }
    f->y = y0;
    return n * lh;
}

void kit_flow_text(struct kit_flow *f, const char *text, int size, int bold, enum ui_role role,
                   int gap)
{
    f->y += flow_lines(f, text, size, bold, role, 0) + gap;
}

void kit_flow_section(struct kit_flow *f, const char *heading, const char *body,
                      const char *none)
{
    /* The heading never stands alone at the bottom of a page: it shows only with the
     * body's first line under it, and a page may not begin between the two. */
    struct ui *ui = f->ui;
    body = body && *body ? body : none;
    int hh = ui_text_height(ui, heading, SIZE_LARGE, 1, f->w, 0);
    struct text_style st = {.size_px = ui_px(ui, SIZE_LARGE)};
    int first = text_line_height(ui_fonts(ui), &st);
    if (piece(f, hh + 4 + first, 1)) {
        struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT};
        ui_label(ui, rect(f->x, f->y, f->w, hh), heading, &ho);
    }
    f->y += hh + 4;
    f->y += flow_lines(f, body, SIZE_LARGE, 0, ROLE_NORMAL, 1) + 28;
}

int kit_pill_h(struct ui *ui) { return ui_px(ui, SIZE_BODY) * 2; }

int kit_pill(struct ui *ui, int x, int y, int max_w, const char *text, int build)
{
    int w = ui_text_width(ui, text, SIZE_BODY, 1) + 48, h = kit_pill_h(ui);
    if (w > max_w)
        w = max_w;
    if (build) {
        struct ui_opts bo = {.role = ROLE_ACCENT, .radius = h / 2};
        ui_panel(ui, rect(x, y, w, h), &bo);
        struct ui_opts lo = {.size = SIZE_BODY, .bold = 1, .role = ROLE_ACCENT,
                             .align = TEXT_CENTER, .max_lines = 1};
        ui_label(ui, rect(x, y, w, h), text, &lo);
    }
    return w;
}

void kit_flow_pill(struct kit_flow *f, const char *text, int gap)
{
    kit_pill(f->ui, f->x, f->y, f->w, text, kit_flow_shows(f, kit_pill_h(f->ui)));
    f->y += kit_pill_h(f->ui) + gap;
}

/* Width of the widest word of s that a line may not break: a run of letters, digits and
 * signs (Chinese breaks between any two characters). */
static int widest_word(struct ui *ui, const char *s, int size, int bold)
{
    int best = 0;
    while (*s) {
        const char *e = s, *p = s;
        while (*p) {
            const char *q = p;
            uint32_t cp = utf8_next(&q);
            if (cp == ' ' || cp >= 0x2E80)
                break;
            p = e = q;
        }
        if (e > s) {
            int w = ui_text_width(ui, ui_strf(ui, "%.*s", (int)(e - s), s), size, bold);
            best = w > best ? w : best;
            s = e;
        } else {
            utf8_next(&s);
        }
    }
    return best;
}

void kit_flow_facts(struct kit_flow *f, const char *const *keys, const char *const *values,
                    int n, int cols)
{
    struct ui *ui = f->ui;
    int gap = 20, cw = (f->w - (cols - 1) * gap) / cols, kh = ui_px(ui, SIZE_SMALL) * 3 / 2;
    /* Fewer columns when a value has a word wider than its box ("¥4000–5500/month" in
     * large text): words are never split across lines. */
    for (int i = 0; i < n && cols > 1; i++)
        if (widest_word(ui, values[i], SIZE_LARGE, 1) > cw - 48) {
            cols = cols > 2 ? 2 : 1;
            cw = (f->w - (cols - 1) * gap) / cols;
            i = -1;
        }
    for (int row = 0; row * cols < n; row++) {
        /* The boxes of a row are as tall as its tallest value; values line up at the top. */
        int vh = 0;
        for (int i = row * cols; i < n && i < (row + 1) * cols; i++) {
            int h = ui_text_height(ui, values[i], SIZE_LARGE, 1, cw - 48, 0);
            vh = h > vh ? h : vh;
        }
        int fh = 20 + kh + vh + 20;
        for (int i = row * cols; i < n && i < (row + 1) * cols && kit_flow_shows(f, fh); i++) {
            int fx = f->x + (i % cols) * (cw + gap);
            struct ui_opts po = {.role = ROLE_MUTED, .radius = 18};
            ui_panel(ui, rect(fx, f->y, cw, fh), &po);
            struct ui_opts ko = {.size = SIZE_SMALL, .role = ROLE_MUTED};
            ui_label(ui, rect(fx + 24, f->y + 20, cw - 48, kh), keys[i], &ko);
            struct ui_opts vo = {.size = SIZE_LARGE, .bold = 1};
            ui_label(ui, rect(fx + 24, f->y + 20 + kh, cw - 48,
                              ui_text_height(ui, values[i], SIZE_LARGE, 1, cw - 48, 0)),
                     values[i], &vo);
        }
        f->y += fh + gap;
    }
    f->y += 16;
}

void kit_flow_pairs(struct kit_flow *f, const char *const *keys, const char *const *values,
                    const enum ui_role *roles, int n)
{
    struct ui *ui = f->ui;
    int kw = 0;
    for (int i = 0; i < n; i++) {
        int w = ui_text_width(ui, keys[i], SIZE_BODY, 0);
        kw = w > kw ? w : kw;
    }
    kw += 40;
    int stacked = kw > f->w / 3, kh = ui_px(ui, SIZE_BODY) * 3 / 2;
    int vw = stacked ? f->w : f->w - kw;
    for (int i = 0; i < n; i++) {
        int vh = ui_text_height(ui, values[i], SIZE_LARGE, 1, vw, 0);
        int h = stacked ? kh + vh : (vh > kh ? vh : kh);
        if (kit_flow_shows(f, h)) {
            /* Side by side, the label sits on the value's first line. */
            int ky = stacked ? f->y : f->y + (ui_px(ui, SIZE_LARGE) - ui_px(ui, SIZE_BODY)) / 2;
            struct ui_opts ko = {.size = SIZE_BODY, .role = ROLE_MUTED};
            ui_label(ui, rect(f->x, ky, stacked ? f->w : kw, kh), keys[i], &ko);
            struct ui_opts vo = {.size = SIZE_LARGE, .bold = 1,
                                 .role = roles ? roles[i] : ROLE_NORMAL};
            ui_label(ui, rect(stacked ? f->x : f->x + kw, f->y + (stacked ? kh : 0), vw, vh),
                     values[i], &vo);
        }
        f->y += h + 16;
    }
    f->y += 16;
}

struct card_ctx {
    struct kit_flow f;
    kit_content_fn fn;
    void *ctx;
};

static int card_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct card_ctx *cc = ctx;
    cc->f.x = row.x + 40;
    cc->f.y = row.y + 32;
    cc->fn(&cc->f, cc->ctx);
    return 0;
}

void kit_card(struct app *a, struct ui *ui, SDL_Rect view, const char *key,
              struct ui_list_state *ls, kit_content_fn fn, void *ctx, SDL_Rect pager)
{
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 24};
    ui_panel(ui, view, &card);
    SDL_Rect inner = rect(view.x, view.y + 8, view.w, view.h - 16);
    struct card_ctx cc = {{a, ui, 0, 0, view.w - 80, 0, inner, {0}, 0}, fn, ctx};
    cc.f.y = 32; /* the card's padding, as card_row places the content */
    fn(&cc.f, ctx);
    int content_h = cc.f.y + 8;
    /* The paging bar inside the card, at its bottom, unless it has a place outside. */
    SDL_Rect win = pager.w > 0 ? inner : kit_view(ui, inner, content_h, 0);
    /* Pages begin where pieces begin (the top first; two columns interleave). */
    int tops[KIT_FLOW_PIECES + 1] = {0}, n = 1;
    for (int i = 0; i < cc.f.ntops; i++) {
        int j = n++;
        for (; j > 0 && tops[j - 1] > cc.f.tops[i]; j--)
            tops[j] = tops[j - 1];
        tops[j] = cc.f.tops[i];
    }
    cc.f.build = 1;
    cc.f.view = win;
    /* One tall row: the toolkit scrolls it with momentum, and only what is inside the
     * window is built (kit_flow_shows). */
    ui_list(ui, win, key, ls, 1, content_h > win.h ? content_h : win.h, card_row, &cc);
    struct kit_items items = {.tops = tops, .n = n};
    kit_pager(a, ui,
              pager.w > 0 ? pager : rect(inner.x + 24, inner.y, inner.w - 48, inner.h - 8), win,
              ls, content_h, &items);
}

int kit_action_bar(struct app *a, struct ui *ui, SDL_Rect c, const char *note,
                   enum ui_role note_role, const char *button, int disabled, SDL_Rect *above,
                   SDL_Rect *pager)
{
    int portrait = ui_portrait(ui), m = portrait ? 32 : 48, bh = 130;
    struct ui_opts no = {.size = SIZE_BODY, .role = note_role};
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .max_lines = 1,
                         .disabled = disabled};
    SDL_Rect b;
    if (portrait) {
        /* Under the card: the note, then the button across the screen. */
        b = rect(c.x + m, c.y + c.h - 24 - bh, c.w - 2 * m, bh);
        int nh = note ? ui_text_height(ui, note, SIZE_BODY, 0, b.w - 16, 0) : 0;
        int top = b.y - (note ? nh + 16 : 0);
        *above = rect(c.x + m, c.y + 24, c.w - 2 * m, top - 24 - c.y - 24);
        *pager = rect(0, 0, 0, 0);
        if (note)
            ui_label(ui, rect(b.x + 8, top, b.w - 16, nh), note, &no);
    } else {
        /* A column at the right: the note at its top, the paging of the card under it,
         * the button at its foot.  The card takes the whole height beside it. */
        int cw = ui_text_width(ui, button, SIZE_TITLE, 1) + 80;
        cw = cw < 520 ? 520 : cw;
        SDL_Rect col = rect(c.x + c.w - m - cw, c.y + 24, cw, c.h - 48);
        b = rect(col.x, col.y + col.h - bh, cw, bh);
        int nh = note ? ui_text_height(ui, note, SIZE_BODY, 0, cw - 16, 0) : 0;
        if (note)
            ui_label(ui, rect(col.x + 8, col.y + 8, cw - 16, nh), note, &no);
        *above = rect(c.x + m, c.y + 24, col.x - 32 - c.x - m, c.h - 48);
        *pager = rect(col.x, col.y + 8 + nh + 24, cw, b.y - 32 - (col.y + 8 + nh + 24));
    }
    return ui_button(ui, b, button, &po) && !disabled;
}

/* ---- receipts -------------------------------------------------------------------------------- */

const char *kit_print_words(struct app *a, const struct receipts_status *st, int ticket,
                            enum ui_role *role)
{
    *role = ROLE_MUTED;
    switch (st->state) {
    case RECEIPTS_PENDING: return app_t(a, "receipt.state.pending");
    case RECEIPTS_PRINTED:
        *role = ROLE_OK;
        return app_t(a, ticket ? "services.ticket.printed" : "receipt.state.printed");
    case RECEIPTS_FAILED:
        /* A printer that is there may work at the second try: say 重新打印 too. */
        *role = ROLE_ERROR;
        if (!receipts_have_printer(a))
            return app_t(a, ticket ? "services.ticket.noprint" : "receipt.state.none");
        return app_t(a, ticket ? "services.ticket.failed_print" : "receipt.state.failed");
    case RECEIPTS_NO_PRINTER:
        return app_t(a, ticket ? "services.ticket.noprint" : "receipt.state.none");
    default: return app_t(a, ticket ? "services.ticket.noprint" : "receipt.photo");
    }
}

/* ---- states and dialogs --------------------------------------------------------------------- */

void kit_notice(struct ui *ui, SDL_Rect c, const char *text, enum ui_role role)
{
    int m = ui_portrait(ui) ? 48 : 120, w = c.w - 2 * m;
    int h = ui_text_height(ui, text, SIZE_TITLE, 0, w, 0);
    struct ui_opts eo = {.size = SIZE_TITLE, .align = TEXT_CENTER, .role = role};
    ui_label(ui, rect(c.x + m, c.y + 120, w, h), text, &eo);
}

int kit_dialog(struct ui *ui, const char *text, const char *button)
{
    return ui_dialog(ui, NULL, text, NULL, button) == 1;
}
