/* draw — see draw.h.  All SDL_Render* calls of the product live here and in ui.c. */
#include "ui/draw.h"

#include "core/util.h"
#include "ui/textcache.h"
#include "ui/theme.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMAGES 16

struct image_slot {
    char key[64];
    uint64_t version;
    const uint8_t *pixels;
    SDL_Texture *tex;
    int w, h;
    uint64_t used;
};

struct draw_images {
    SDL_Renderer *ren;
    struct image_slot slot[MAX_IMAGES];
    uint64_t tick;
};

static void set_color(SDL_Renderer *ren, uint32_t c)
{
    SDL_SetRenderDrawColor(ren, (Uint8)(c >> 24), (Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c);
    SDL_SetRenderDrawBlendMode(ren, (c & 0xFF) == 0xFF ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void draw_round(SDL_Renderer *ren, SDL_Rect r, int radius, uint32_t c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    set_color(ren, c);
    if (radius <= 1) {
        SDL_RenderFillRect(ren, &r);
        return;
    }
    /* The body as one rectangle and each row of the rounded ends as one span: the
     * pieces never overlap (a translucent shadow has no seams) and rectangle fills are
     * the fastest thing a software renderer draws. */
    SDL_Rect spans[2 * 128 + 1];
    int n = 0;
    if (radius > 128)
        radius = 128;
    spans[n++] = (SDL_Rect){r.x, r.y + radius, r.w, r.h - 2 * radius};
    for (int i = 0; i < radius; i++) {
        float dy = (float)radius - (float)i - 0.5f;
        int dx = (int)lroundf(sqrtf((float)(radius * radius) - dy * dy));
        int inset = radius - dx;
        spans[n++] = (SDL_Rect){r.x + inset, r.y + i, r.w - 2 * inset, 1};
        spans[n++] = (SDL_Rect){r.x + inset, r.y + r.h - 1 - i, r.w - 2 * inset, 1};
    }
    SDL_RenderFillRects(ren, spans, n);
}

/* The shapes below draw nothing while `fit` lays the widgets out (dc->fit set): only
 * their text is measured then. */
static void fill_round(struct draw_ctx *dc, SDL_Rect r, int radius, uint32_t c)
{
    if (!dc->fit)
        draw_round(dc->ren, r, radius, c);
}

static void fill_rect(struct draw_ctx *dc, SDL_Rect r, uint32_t c)
{
    if (dc->fit)
        return;
    set_color(dc->ren, c);
    SDL_RenderFillRect(dc->ren, &r);
}

static void draw_circle(struct draw_ctx *dc, int cx, int cy, int rad, uint32_t c)
{
    fill_round(dc, rect(cx - rad, cy - rad, 2 * rad, 2 * rad), rad, c);
}

/* A rounded card with a border bw px wide (border colour 0: none). */
static void card(struct draw_ctx *dc, SDL_Rect r, int radius, uint32_t fill, uint32_t border,
                 int bw)
{
    if (border) {
        fill_round(dc, r, radius, border);
        fill_round(dc, rect_inset(r, bw), radius > bw ? radius - bw : 0, fill);
    } else {
        fill_round(dc, r, radius, fill);
    }
}

/* ---- fit ------------------------------------------------------------------------- */

/* One text as it lies on screen, for the overlap test at the end. */
struct fit_text {
    const struct ui_widget *w;
    const char *text;
    SDL_Rect r;
};

struct draw_fit {
    ui_fit_fn fn;
    void *ctx;
    int count;
    struct fit_text *texts;
    int ntexts, cap;
};

static void fit_report(struct draw_ctx *dc, enum ui_fit_problem p, const char *s, SDL_Rect box,
                       int need_w, int need_h, const struct fit_text *other)
{
    struct ui_fit_issue is = {p, dc->widget, s, box, need_w, need_h, other ? other->w : NULL,
                              other ? other->text : NULL};
    dc->fit->count++;
    if (dc->fit->fn)
        dc->fit->fn(dc->fit->ctx, &is);
}

/* The rectangle of s's visible ink when its surface is put at dst (0x0 when none):
 * line boxes hold leading above and below the glyphs, so a box a little shorter than
 * the line box loses nothing, and only ink lost is a problem. */
static SDL_Rect ink_rect(struct draw_ctx *dc, const char *s, const struct text_style *st,
                         int max_w, int max_lines, SDL_Rect dst)
{
    SDL_Rect ink = {0, 0, 0, 0};
    SDL_Surface *sf = text_render(dc->fonts, s, st, max_w, max_lines);
    if (!sf)
        return ink;
    SDL_LockSurface(sf);
    int x0 = sf->w, y0 = sf->h, x1 = -1, y1 = -1;
    for (int y = 0; y < sf->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)sf->pixels + y * sf->pitch);
        for (int x = 0; x < sf->w; x++) {
            if ((row[x] >> 24) < 64) /* antialiasing fringe */
                continue;
            x0 = x < x0 ? x : x0;
            x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0;
            y1 = y > y1 ? y : y1;
        }
    }
    SDL_UnlockSurface(sf);
    SDL_FreeSurface(sf);
    if (x1 >= 0)
        ink = rect(dst.x + x0, dst.y + y0, x1 - x0 + 1, y1 - y0 + 1);
    return ink;
}

static int contains(SDL_Rect outer, SDL_Rect in)
{
    return in.x >= outer.x && in.y >= outer.y && in.x + in.w <= outer.x + outer.w &&
           in.y + in.h <= outer.y + outer.h;
}

/* text_in's twin for `fit`: the same placement, measured instead of drawn. */
static void draw_fit_text(struct draw_ctx *dc, const char *s, SDL_Rect r,
                          const struct text_style *st, int max_lines, int valign_top)
{
    const struct ui_widget *w = dc->widget;
    int wrap = r.w > 0 ? r.w : 1;
    int tw = 0, th = 0, fw = 0, fh = 0;
    text_measure(dc->fonts, s, st, wrap, max_lines, &tw, &th);
    text_measure(dc->fonts, s, st, wrap, 0, &fw, &fh);
    if (max_lines > 0 && fh > th && !dc->teaser)
        fit_report(dc, UI_FIT_SHORTENED, s, r, fw, fh, NULL);
    SDL_Rect dst = {r.x, r.y, tw, th};
    if (st->align == TEXT_CENTER)
        dst.x = r.x + (r.w - tw) / 2;
    else if (st->align == TEXT_RIGHT)
        dst.x = r.x + r.w - tw;
    if (!valign_top && th < r.h)
        dst.y = r.y + (r.h - th) / 2;
    SDL_Rect screen = {0, 0, dc->w, dc->h};
    if (r.w <= 0 || r.h <= 0) {
        fit_report(dc, UI_FIT_CUT, s, r, fw, fh, NULL);
        return;
    }
    /* Rows of a scrolling list may lie partly outside the screen: the list's window, not
     * the screen, decides what of them shows. */
    SDL_Rect area = w && w->has_clip ? rect(-(1 << 20), -(1 << 20), 1 << 21, 1 << 21) : screen;
    if (!contains(r, dst) || !contains(area, dst)) {
        SDL_Rect ink = ink_rect(dc, s, st, wrap, max_lines, dst);
        int vert = ink.y < r.y || ink.y + ink.h > r.y + r.h;
        int horiz = ink.x < r.x || ink.x + ink.w > r.x + r.w;
        if (ink.w > 0 && !contains(area, ink))
            fit_report(dc, UI_FIT_CLIPPED, s, r, fw, fh, NULL);
        else if (ink.w > 0 && vert)
            fit_report(dc, UI_FIT_CUT, s, r, fw, fh, NULL);
        else if (ink.w > 0 && horiz)
            fit_report(dc, UI_FIT_OVERFLOW, s, r, fw, fh, NULL);
    }
    /* What shows of it, for the overlap test: inside its box, the screen and (rows of a
     * list) the list's window. */
    SDL_Rect vis;
    if (!SDL_IntersectRect(&dst, &r, &vis) || !SDL_IntersectRect(&vis, &screen, &vis))
        return;
    if (w && w->has_clip && !SDL_IntersectRect(&vis, &w->clip, &vis))
        return;
    struct draw_fit *f = dc->fit;
    if (f->ntexts == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->texts = realloc(f->texts, (size_t)f->cap * sizeof *f->texts);
        if (!f->texts)
            abort();
    }
    f->texts[f->ntexts++] = (struct fit_text){w, s, vis};
}

void draw_fit_begin(struct draw_ctx *dc, ui_fit_fn fn, void *ctx)
{
    dc->fit = calloc(1, sizeof *dc->fit);
    if (!dc->fit)
        abort();
    dc->fit->fn = fn;
    dc->fit->ctx = ctx;
}

int draw_fit_end(struct draw_ctx *dc)
{
    struct draw_fit *f = dc->fit;
    /* Two texts on top of each other: neither can be read.  Line boxes of texts stacked
     * one under the other touch but do not intersect. */
    for (int i = 0; i < f->ntexts; i++)
        for (int j = i + 1; j < f->ntexts; j++) {
            SDL_Rect x;
            if (!SDL_IntersectRect(&f->texts[i].r, &f->texts[j].r, &x) || x.w < 2 || x.h < 2)
                continue;
            dc->widget = f->texts[i].w;
            fit_report(dc, UI_FIT_OVERLAP, f->texts[i].text, f->texts[i].r, 0, 0, &f->texts[j]);
        }
    dc->widget = NULL;
    int n = f->count;
    free(f->texts);
    free(f);
    dc->fit = NULL;
    return n;
}

/* Draws text inside r: aligned horizontally, centred vertically when it fits. */
static void text_in(struct draw_ctx *dc, const char *s, SDL_Rect r, int size, int bold,
                    uint32_t color, enum text_align align, int max_lines, int valign_top)
{
    if (!s || !*s || r.w <= 0)
        return;
    struct text_style st = {.size_px = dc->large ? size * 13 / 10 : size, .bold = bold,
                            .color = color, .align = align};
    if (dc->fit) {
        draw_fit_text(dc, s, r, &st, max_lines, valign_top);
        return;
    }
    int tw = 0, th = 0;
    SDL_Texture *t = textcache_get(dc->tc, s, &st, r.w, max_lines, &tw, &th);
    if (!t)
        return;
    SDL_Rect dst = {r.x, r.y, tw, th};
    if (align == TEXT_CENTER)
        dst.x = r.x + (r.w - tw) / 2;
    else if (align == TEXT_RIGHT)
        dst.x = r.x + r.w - tw;
    if (!valign_top && th < r.h)
        dst.y = r.y + (r.h - th) / 2;
    /* Text never leaves its widget's box: what is outside would not be repainted when
     * the widget changes (dirty areas are widget rectangles). */
    SDL_Rect vis;
    if (!SDL_IntersectRect(&dst, &r, &vis))
        return;
    SDL_Rect src = {vis.x - dst.x, vis.y - dst.y, vis.w, vis.h};
    SDL_RenderCopy(dc->ren, t, &src, &vis);
}

void draw_background(struct draw_ctx *dc, SDL_Rect clip)
{
    set_color(dc->ren, theme_background());
    SDL_RenderFillRect(dc->ren, &clip);
}

static int radius_of(const struct ui_widget *w, int def)
{
    return w->o.radius < 0 ? 0 : w->o.radius > 0 ? w->o.radius : def;
}

static void draw_panel(struct draw_ctx *dc, const struct ui_widget *w)
{
    int rad = radius_of(w, 20);
    struct theme_look l = theme_panel(w->o.role);
    /* Plain cards and lists: a soft shadow under the card. */
    if (w->o.role == ROLE_NORMAL && w->o.radius >= 0)
        fill_round(dc, rect(w->r.x, w->r.y + 4, w->r.w, w->r.h), rad, 0x0000001A);
    card(dc, w->r, w->o.role == ROLE_BACKDROP ? 0 : rad, l.fill, l.border, l.border_w);
}

static void draw_button(struct draw_ctx *dc, const struct ui_widget *w, int pressed)
{
    int rad = radius_of(w, 16);
    struct theme_look l = theme_button(w->o.role, pressed, w->o.disabled);
    /* A raised shadow says "press me"; pressed and disabled buttons lie flat. */
    if (w->o.role != ROLE_HEADER && !pressed && !w->o.disabled)
        fill_round(dc, rect(w->r.x, w->r.y + 3, w->r.w, w->r.h), rad, 0x00000022);
    card(dc, w->r, rad, l.fill, l.border, l.border_w);
    text_in(dc, w->text, rect_inset(w->r, 8), w->o.size ? w->o.size : SIZE_LARGE, 1, l.text,
            TEXT_CENTER, w->o.max_lines ? w->o.max_lines : 2, 0);
}

static void draw_tile(struct draw_ctx *dc, const struct ui_widget *w, int pressed)
{
    SDL_Rect r = w->r;
    struct theme_look l = theme_tile(w->o.role == ROLE_ACCENT, pressed);
    fill_round(dc, rect(r.x, r.y + 6, r.w, r.h), 28, 0x00000024);
    fill_round(dc, r, 28, l.fill);
    /* A band at the top edge ties the tiles to the header. */
    fill_round(dc, rect(r.x, r.y, r.w, 14), 7, l.line);
    fill_rect(dc, rect(r.x, r.y + 7, r.w, 21), l.fill);
    int base = r.h < r.w ? r.h : r.w;
    int title = w->o.size ? w->o.size : SIZE_TITLE;
    int th = (dc->large ? title * 13 / 10 : title) * 3 / 2;
    /* The subtitle as tall as its lines need: o.max_lines of them when the screen says
     * (the same for a row of tiles), else what it takes, at most two. */
    int sh = 0;
    if (w->sub) {
        struct text_style sst = {.size_px = dc->large ? SIZE_SMALL * 13 / 10 : SIZE_SMALL};
        int sw = 0;
        text_measure(dc->fonts, w->sub, &sst, r.w - 48, 2, &sw, &sh);
        if (w->o.max_lines > 0)
            sh = text_line_height(dc->fonts, &sst) * w->o.max_lines;
    }
    /* Large text and long words take room from the emblem, never from the words; with
     * too little room for it the tile shows no emblem. */
    int g1 = dc->large ? base / 30 : base / 14, g2 = dc->large ? base / 40 : base / 18;
    int rad = dc->large ? base / 7 : base / 5;
    if (rad > 74)
        rad = 74;
    int room = (r.h - 28 - g1 - g2 - th - sh - 12) / 2;
    if (rad > room)
        rad = room;
    int ty;
    if (rad >= 28) {
        int cx = r.x + r.w / 2, cy = r.y + 28 + rad + g1;
        draw_circle(dc, cx, cy, rad, l.border);
        draw_circle(dc, cx, cy, rad - 6, l.accent);
        if (w->icon)
            text_in(dc, w->icon, rect(cx - rad, cy - rad, 2 * rad, 2 * rad),
                    rad * 11 / 10 * 10 / (dc->large ? 13 : 10), 1, l.accent_text, TEXT_CENTER,
                    1, 0);
        ty = cy + rad + g2;
    } else {
        /* The words centred in the tile below its band. */
        int free_h = r.h - 28 - 12 - th - sh;
        ty = r.y + 28 + (free_h > 0 ? free_h / 2 : 0);
    }
    text_in(dc, w->text, rect(r.x + 16, ty, r.w - 32, th), title, 1, l.text, TEXT_CENTER, 1, 0);
    if (w->sub)
        text_in(dc, w->sub, rect(r.x + 24, ty + th, r.w - 48, r.y + r.h - ty - th - 12),
                SIZE_SMALL, 0, l.sub, TEXT_CENTER, 2, 1);
}

static void draw_field(struct draw_ctx *dc, const struct ui_widget *w, int pressed)
{
    SDL_Rect r = w->r;
    int lh = (dc->large ? SIZE_BODY * 13 / 10 : SIZE_BODY) * 3 / 2;
    int hh = w->hint ? (dc->large ? SIZE_SMALL * 13 / 10 : SIZE_SMALL) * 3 / 2 : 0;
    int err = w->o.role == ROLE_ERROR;
    struct theme_look l = theme_field(w->o.focused, err, pressed);
    text_in(dc, w->text, rect(r.x + 4, r.y, r.w - 8, lh), SIZE_BODY, 1, l.text, TEXT_LEFT, 1, 0);
    SDL_Rect box = {r.x, r.y + lh, r.w, r.h - lh - hh};
    card(dc, box, 14, l.fill, l.border, l.border_w);
    /* The value sits 18 px in from the sides; vertically it is centred in the box less
     * its border, so that a descender (g, y) of the large value text is never cut. */
    SDL_Rect inner = {box.x + 18, box.y + 4, box.w - 36, box.h - 8};
    /* An error says so by a badge too, not by colour alone: a red disc with "!" at the
     * box's right end. */
    if (err) {
        int d = box.h - 36 < 56 ? box.h - 36 : 56;
        SDL_Rect badge = {box.x + box.w - 14 - d, box.y + (box.h - d) / 2, d, d};
        fill_round(dc, badge, d / 2, l.accent);
        text_in(dc, "!", badge, d * 3 / 4 * 10 / (dc->large ? 13 : 10), 1, l.accent_text,
                TEXT_CENTER, 1, 0);
        inner.w -= d + 8;
    }
    if (w->sub && *w->sub)
        text_in(dc, w->sub, inner, SIZE_LARGE, 0, l.text, TEXT_LEFT, 1, 0);
    if (w->o.focused && !dc->fit) {
        /* The caret sits after the value. */
        int vw = 0, vh = 0;
        struct text_style st = {.size_px = dc->large ? SIZE_LARGE * 13 / 10 : SIZE_LARGE};
        if (w->sub && *w->sub)
            textcache_get(dc->tc, w->sub, &st, inner.w, 1, &vw, &vh);
        int chh = st.size_px * 5 / 4;
        fill_rect(dc, rect(inner.x + vw + 3, inner.y + (inner.h - chh) / 2, 4, chh),
                  theme_caret());
    }
    if (w->hint)
        text_in(dc, w->hint, rect(r.x + 4, r.y + r.h - hh, r.w - 8, hh), SIZE_SMALL, err, l.sub,
                TEXT_LEFT, 1, 0);
}

static void draw_checkbox(struct draw_ctx *dc, const struct ui_widget *w, int pressed)
{
    SDL_Rect r = w->r;
    struct theme_look l = theme_checkbox(w->o.selected, pressed);
    int b = r.h < 64 ? r.h - 8 : 56;
    SDL_Rect box = {r.x, r.y + (r.h - b) / 2, b, b};
    card(dc, box, 10, l.fill, l.border, l.border_w);
    if (w->o.selected) {
        fill_round(dc, rect_inset(box, 9), 6, l.accent);
        /* The tick is drawn at the box's size, whatever the text size. */
        text_in(dc, "✓", rect_inset(box, 4), b * 2 / 3 * 10 / (dc->large ? 13 : 10), 1,
                l.accent_text, TEXT_CENTER, 1, 0);
    }
    text_in(dc, w->text, rect(r.x + b + 20, r.y, r.w - b - 20, r.h),
            w->o.size ? w->o.size : SIZE_BODY, 1, l.text, TEXT_LEFT, 2, 0);
}

static void draw_key(struct draw_ctx *dc, const struct ui_widget *w, int pressed)
{
    struct theme_look l = theme_key(w->o.role, w->o.selected, pressed, w->o.disabled);
    if (!pressed)
        fill_round(dc, rect(w->r.x, w->r.y + 3, w->r.w, w->r.h), 12, 0x00000030);
    SDL_Rect r = pressed ? rect(w->r.x, w->r.y + 2, w->r.w, w->r.h) : w->r;
    fill_round(dc, r, 12, l.fill);
    text_in(dc, w->text, rect_inset(r, 4), w->o.size ? w->o.size : SIZE_LARGE, 0, l.text,
            TEXT_CENTER, w->o.max_lines ? w->o.max_lines : 1, 0);
}

static void draw_row(struct draw_ctx *dc, const struct ui_widget *w, int pressed)
{
    SDL_Rect r = w->r;
    struct theme_look l = theme_row(w->o.selected, pressed);
    fill_rect(dc, r, l.fill);
    fill_rect(dc, rect(r.x + 24, r.y + r.h - 2, r.w - 48, 2), l.line);
    if (w->o.selected)
        fill_rect(dc, rect(r.x, r.y, 8, r.h), l.border);
    int title = w->o.size ? w->o.size : SIZE_LARGE;
    int tsz = dc->large ? title * 13 / 10 : title;
    /* The title line, with the detail (one or two lines) under it, centred together. */
    int y0 = r.y + (r.h - tsz * 3 / 2) / 2;
    if (w->sub) {
        /* The detail takes o.max_lines lines at most (0: two). */
        int maxl = w->o.max_lines > 0 ? w->o.max_lines : 2;
        int ssz = dc->large ? SIZE_SMALL * 13 / 10 : SIZE_SMALL, sw = 0, sh = 0;
        struct text_style st = {.size_px = ssz};
        text_measure(dc->fonts, w->sub, &st, r.w - 64, maxl, &sw, &sh);
        int lines = sh / text_line_height(dc->fonts, &st);
        lines = lines < 1 ? 1 : lines;
        y0 = r.y + (r.h - tsz * 3 / 2 - ssz * 3 / 2 * lines) / 2;
        if (y0 < r.y + 8)
            y0 = r.y + 8;
        text_in(dc, w->text, rect(r.x + 32, y0, r.w - 64, tsz * 3 / 2), title, 1, l.text,
                TEXT_LEFT, 1, 0);
        dc->teaser = w->o.teaser;
        text_in(dc, w->sub, rect(r.x + 32, y0 + tsz * 3 / 2, r.w - 64, ssz * 3 / 2 * maxl),
                SIZE_SMALL, 0, l.sub, TEXT_LEFT, maxl, 1);
        dc->teaser = 0;
    } else {
        text_in(dc, w->text, rect(r.x + 32, r.y, r.w - 64, r.h), title, 1, l.text, TEXT_LEFT,
                1, 0);
    }
    /* The tag, right of the title on its line. */
    if (w->hint)
        text_in(dc, w->hint, rect(r.x + r.w / 2, y0, r.w / 2 - 32, tsz * 3 / 2), SIZE_BODY, 1,
                l.accent, TEXT_RIGHT, 1, 0);
}

static SDL_Texture *image_texture(struct draw_images *im, const struct ui_widget *w)
{
    struct image_slot *free_slot = NULL, *oldest = &im->slot[0];
    im->tick++;
    for (int i = 0; i < MAX_IMAGES; i++) {
        struct image_slot *s = &im->slot[i];
        if (s->tex && strcmp(s->key, w->key ? w->key : "") == 0) {
            if (s->version == w->img_version && s->pixels == w->pixels && s->w == w->img_w &&
                s->h == w->img_h) {
                s->used = im->tick;
                return s->tex;
            }
            SDL_DestroyTexture(s->tex);
            s->tex = NULL;
            free_slot = s;
            break;
        }
        if (!s->tex && !free_slot)
            free_slot = s;
        if (s->used < oldest->used)
            oldest = s;
    }
    struct image_slot *s = free_slot ? free_slot : oldest;
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    s->tex = SDL_CreateTexture(im->ren, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STATIC,
                               w->img_w, w->img_h);
    if (!s->tex)
        return NULL;
    SDL_UpdateTexture(s->tex, NULL, w->pixels, w->img_w * 4);
    SDL_SetTextureBlendMode(s->tex, SDL_BLENDMODE_BLEND);
    util_strlcpy(s->key, w->key ? w->key : "", sizeof s->key);
    s->version = w->img_version;
    s->pixels = w->pixels;
    s->w = w->img_w;
    s->h = w->img_h;
    s->used = im->tick;
    return s->tex;
}

static void draw_image(struct draw_ctx *dc, const struct ui_widget *w)
{
    if (dc->fit || !w->pixels || w->img_w <= 0 || w->img_h <= 0)
        return;
    SDL_Texture *t = image_texture(dc->images, w);
    if (t)
        SDL_RenderCopy(dc->ren, t, NULL, &w->r);
}

/* A stroke as a chain of discs half a radius apart: round ends and joints at any angle,
 * with nothing but rectangle fills (what a software renderer draws fastest). */
#define INK_R 6
#define INK_SPANS 512

static void ink_disc(SDL_Rect *spans, int *n, SDL_Renderer *ren, int x, int y)
{
    static const int dx[2 * INK_R] = {2, 4, 5, 5, 6, 6, 6, 6, 5, 5, 4, 2};
    if (*n + 2 * INK_R > INK_SPANS) {
        SDL_RenderFillRects(ren, spans, *n);
        *n = 0;
    }
    for (int i = 0; i < 2 * INK_R; i++)
        spans[(*n)++] = (SDL_Rect){x - dx[i], y - INK_R + i, 2 * dx[i], 1};
}

static void draw_ink(struct draw_ctx *dc, const struct ui_widget *w, SDL_Rect clip)
{
    if (dc->fit)
        return;
    struct theme_look l = theme_ink();
    SDL_Rect r = w->r;
    card(dc, r, 16, l.fill, l.border, l.border_w);
    /* Guide lines through the middle, as on a 田字格 writing sheet. */
    fill_rect(dc, rect(r.x + 24, r.y + r.h / 2 - 1, r.w - 48, 2), l.line);
    fill_rect(dc, rect(r.x + r.w / 2 - 1, r.y + 24, 2, r.h - 48), l.line);
    const struct ui_ink *ink = &w->ink;
    if (!ink->xy)
        return;
    /* A finger that wanders off the pad while writing draws on the pad only. */
    SDL_Rect inside;
    if (!SDL_IntersectRect(&clip, &r, &inside))
        return;
    SDL_RenderSetClipRect(dc->ren, &inside);
    SDL_Rect spans[INK_SPANS];
    int n = 0;
    set_color(dc->ren, l.text);
    for (int s = 0, i = 0; s < ink->nstrokes; s++) {
        int px = 0, py = 0;
        for (int first = 1; i < ink->ends[s]; i++, first = 0) {
            int x = r.x + ink->xy[2 * i], y = r.y + ink->xy[2 * i + 1];
            if (!first) {
                int d = abs(x - px) > abs(y - py) ? abs(x - px) : abs(y - py);
                int steps = d / (INK_R / 2);
                for (int k = 1; k < steps; k++)
                    ink_disc(spans, &n, dc->ren, px + (x - px) * k / steps,
                             py + (y - py) * k / steps);
            }
            ink_disc(spans, &n, dc->ren, x, y);
            px = x;
            py = y;
        }
    }
    if (n)
        SDL_RenderFillRects(dc->ren, spans, n);
    SDL_RenderSetClipRect(dc->ren, &clip);
}

void draw_widget(struct draw_ctx *dc, const struct ui_widget *w, int pressed, SDL_Rect clip)
{
    SDL_Rect c = clip;
    if (w->has_clip && !dc->fit) {
        if (!SDL_IntersectRect(&clip, &w->clip, &c))
            return;
        SDL_RenderSetClipRect(dc->ren, &c);
    }
    dc->widget = w;
    switch (w->kind) {
    case UI_PANEL: draw_panel(dc, w); break;
    case UI_LABEL:
        text_in(dc, w->text, w->r, w->o.size ? w->o.size : SIZE_BODY, w->o.bold,
                theme_label(w->o.role), w->o.align, w->o.max_lines, 0);
        break;
    case UI_BUTTON: draw_button(dc, w, pressed); break;
    case UI_TILE: draw_tile(dc, w, pressed); break;
    case UI_FIELD: draw_field(dc, w, pressed); break;
    case UI_CHECKBOX: draw_checkbox(dc, w, pressed); break;
    case UI_KEY: draw_key(dc, w, pressed); break;
    case UI_ROW: draw_row(dc, w, pressed); break;
    case UI_IMAGE: draw_image(dc, w); break;
    case UI_INK: draw_ink(dc, w, c); break;
    default: break;
    }
    if (w->has_clip && !dc->fit)
        SDL_RenderSetClipRect(dc->ren, &clip);
    dc->widget = NULL;
}

struct draw_images *draw_images_create(SDL_Renderer *ren)
{
    struct draw_images *im = calloc(1, sizeof *im);
    if (!im)
        abort();
    im->ren = ren;
    return im;
}

void draw_images_destroy(struct draw_images *im)
{
    if (!im)
        return;
    for (int i = 0; i < MAX_IMAGES; i++)
        if (im->slot[i].tex)
            SDL_DestroyTexture(im->slot[i].tex);
    free(im);
}
