/* ui — see ui.h.  This file holds the frame lists, input and the diff; drawing of each
 * widget kind is in draw.c, colours in theme.c. */
#include "ui/ui.h"

#include "core/util.h"
#include "ui/draw.h"
#include "ui/textcache.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIRTY 16
#define TOUCH_PAD 12          /* hit area grows this much beyond what is drawn */
#define DRAG_SLOP 14          /* px a finger may wander before a tap becomes a drag */
#define ARENA_BLOCK 16384
#define SHADOW_REACH 8       /* px drawn outside a widget's rectangle (draw.c shadows) */
#define INK_QUEUE 512        /* pointer events of a writing surface between two builds */

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
};

struct wlist {
    struct ui_widget *w;
    int n, cap;
    int modal_from;           /* index of the first dialog widget, or -1 */
};

struct scroll_acc {
    char key[64];
    float delta;              /* px to add to the list offset */
    float velocity;           /* px/s at release */
    int released;
};

struct ui {
    SDL_Renderer *ren;
    SDL_Texture *canvas;
    struct text_fonts *fonts;
    struct textcache *tc;
    struct draw_images *images;
    int w, h, large;

    struct wlist lists[2];
    int cur;                  /* lists[cur] is being built; lists[!cur] is on screen */
    struct arena_block *arena[2];

    /* pointer */
    int down;
    float down_x, down_y, last_x, last_y;
    uint32_t last_move_ms;
    float vel_y;
    int dragging;
    uint32_t armed_id;
    char armed_key[64];
    char drag_list[64];
    uint32_t activated_id;
    int acted;
    struct scroll_acc scroll;
    /* A finger writing on a UI_INK surface: its events wait here for the caller. */
    int inking;
    char ink_key[64];
    struct ui_ink_event ink_q[INK_QUEUE];
    int ink_n;

    SDL_Rect dirty[MAX_DIRTY];
    int ndirty;
    int full_redraw;
    SDL_Rect clip;            /* while a list builds its rows */
    int clip_active;
    int64_t now_ms;           /* the app's clock, for momentum scrolling */
    int64_t wake_at;          /* next animation frame a gliding list needs, or INT64_MAX */
    struct ui_stats stats;
};

/* ---- arena ---------------------------------------------------------------- */

static void arena_reset(struct arena_block **head)
{
    struct arena_block *b = *head;
    while (b) {
        struct arena_block *n = b->next;
        util_wipe(b->data, b->used); /* field values may be personal data */
        free(b);
        b = n;
    }
    *head = NULL;
}

static char *arena_alloc(struct arena_block **head, size_t n)
{
    struct arena_block *b = *head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        struct arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            abort();
        nb->next = b;
        nb->used = 0;
        nb->cap = cap;
        *head = b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static const char *arena_str(struct ui *ui, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(&ui->arena[ui->cur], n);
    memcpy(p, s, n);
    return p;
}

const char *ui_strf(struct ui *ui, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(&ui->arena[ui->cur], (size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* ---- hashing ----------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    if (!s)
        return fnv(h, "\xff", 1);
    return fnv(h, s, strlen(s) + 1);
}

/* ---- life cycle --------------------------------------------------------------- */

struct ui *ui_create(SDL_Renderer *ren, struct text_fonts *fonts, int w, int h)
{
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        abort();
    ui->ren = ren;
    ui->fonts = fonts;
    ui->w = w;
    ui->h = h;
    /* A software renderer draws into a surface that keeps its pixels between frames, so
     * redrawing only the dirty rectangles works on it directly.  A GPU back buffer is
     * undefined after a present: there we keep our own canvas texture and copy it. */
    SDL_RendererInfo info;
    int software = SDL_GetRendererInfo(ren, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    if (!software)
        ui->canvas = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                       w, h);
    if (!software && !ui->canvas) {
        fprintf(stderr, "ui: cannot create the %dx%d canvas: %s\n", w, h, SDL_GetError());
        free(ui);
        return NULL;
    }
    /* 48 MiB of text textures covers every screen of the product many times over. */
    ui->tc = textcache_create(ren, fonts, 48u << 20);
    ui->images = draw_images_create(ren);
    if (!ui->tc || !ui->images) {
        ui_destroy(ui);
        return NULL;
    }
    ui->lists[0].modal_from = ui->lists[1].modal_from = -1;
    ui->full_redraw = 1;
    return ui;
}

void ui_destroy(struct ui *ui)
{
    if (!ui)
        return;
    if (ui->tc)
        textcache_destroy(ui->tc);
    draw_images_destroy(ui->images);
    if (ui->canvas)
        SDL_DestroyTexture(ui->canvas);
    for (int i = 0; i < 2; i++) {
        free(ui->lists[i].w);
        arena_reset(&ui->arena[i]);
    }
    free(ui);
}

int ui_width(const struct ui *ui) { return ui->w; }
int ui_height(const struct ui *ui) { return ui->h; }
int ui_portrait(const struct ui *ui) { return ui->h > ui->w; }
int ui_large_text(const struct ui *ui) { return ui->large; }
struct text_fonts *ui_fonts(struct ui *ui) { return ui->fonts; }

void ui_set_large_text(struct ui *ui, int on)
{
    if (ui->large == !!on)
        return;
    ui->large = !!on;
    textcache_clear(ui->tc);
    ui->full_redraw = 1;
}

void ui_forget_text(struct ui *ui)
{
    textcache_clear(ui->tc);
    ui->full_redraw = 1;
}

int ui_px(const struct ui *ui, int size)
{
    if (size <= 0)
        size = SIZE_BODY;
    return ui->large ? size * 13 / 10 : size;
}

/* ---- geometry ------------------------------------------------------------------ */

SDL_Rect rect_inset(SDL_Rect r, int d)
{
    SDL_Rect o = {r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
    if (o.w < 0)
        o.w = 0;
    if (o.h < 0)
        o.h = 0;
    return o;
}

SDL_Rect rect_col(SDL_Rect r, int n, int i, int g)
{
    int w = (r.w - g * (n - 1)) / n;
    SDL_Rect o = {r.x + i * (w + g), r.y, w, r.h};
    return o;
}

SDL_Rect rect_row(SDL_Rect r, int n, int i, int g)
{
    int h = (r.h - g * (n - 1)) / n;
    SDL_Rect o = {r.x, r.y + i * (h + g), r.w, h};
    return o;
}

static int in_rect(SDL_Rect r, float x, float y, int pad)
{
    return x >= r.x - pad && x < r.x + r.w + pad && y >= r.y - pad && y < r.y + r.h + pad;
}

/* A widget's hit area: its rectangle (grown by pad), cut to its list when it is a row. */
static int hits(const struct ui_widget *w, float x, float y, int pad)
{
    if (w->has_clip && !in_rect(w->clip, x, y, 0))
        return 0;
    return in_rect(w->r, x, y, pad);
}

/* ---- frame lists --------------------------------------------------------------------- */

static struct wlist *shown(struct ui *ui) { return &ui->lists[!ui->cur]; }
static const struct wlist *shown_c(const struct ui *ui) { return &ui->lists[!ui->cur]; }

static struct ui_widget *push(struct ui *ui, enum ui_kind kind, SDL_Rect r, const char *text,
                              const struct ui_opts *o, int interactive)
{
    struct wlist *l = &ui->lists[ui->cur];
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->w = realloc(l->w, (size_t)l->cap * sizeof *l->w);
        if (!l->w)
            abort();
    }
    struct ui_widget *w = &l->w[l->n++];
    memset(w, 0, sizeof *w);
    static const struct ui_opts none;
    w->kind = kind;
    w->r = r;
    w->o = o ? *o : none;
    w->text = arena_str(ui, text ? text : "");
    w->sub = arena_str(ui, w->o.sub);
    w->hint = arena_str(ui, w->o.hint);
    w->icon = arena_str(ui, w->o.icon);
    w->key = arena_str(ui, w->o.key ? w->o.key : w->text);
    w->o.sub = w->sub;
    w->o.hint = w->hint;
    w->o.icon = w->icon;
    w->o.key = w->key;
    w->layer = l->modal_from >= 0;
    if (ui->clip_active) {
        w->clip = ui->clip;
        w->has_clip = 1;
    }
    w->interactive = interactive && (!w->o.disabled || w->o.tappable);
    uint64_t id = fnv(0xcbf29ce484222325ULL, &kind, sizeof kind);
    id = fnv_str(id, w->key);
    id = fnv(id, &r, sizeof r);
    w->id = (uint32_t)(id ^ (id >> 32));
    return w;
}

static void finish_look(struct ui *ui, struct ui_widget *w)
{
    uint64_t h = fnv(0xcbf29ce484222325ULL, &w->id, sizeof w->id);
    h = fnv_str(h, w->text);
    h = fnv_str(h, w->sub);
    h = fnv_str(h, w->hint);
    h = fnv_str(h, w->icon);
    int flags[] = {w->o.role, w->o.size, w->o.bold, w->o.align, w->o.max_lines, w->o.disabled,
                   w->o.selected, w->o.focused, w->o.radius, w->layer, ui->large,
                   w->interactive && w->id == ui->armed_id && ui->down && !ui->dragging};
    h = fnv(h, flags, sizeof flags);
    h = fnv(h, &w->img_version, sizeof w->img_version);
    h = fnv(h, &w->ink.version, sizeof w->ink.version);
    h = fnv(h, &w->ink.nstrokes, sizeof w->ink.nstrokes);
    h = fnv(h, &w->pixels, sizeof w->pixels);
    w->look = h;
}

/* Activation: the widget under the finger at release, matched by identity. */
static int fired(struct ui *ui, struct ui_widget *w)
{
    finish_look(ui, w);
    if (!w->interactive || !ui->activated_id || w->id != ui->activated_id)
        return 0;
    /* Under a dialog nothing behind it may fire. */
    if (ui->lists[ui->cur].modal_from >= 0 && w->layer == 0)
        return 0;
    ui->activated_id = 0;
    ui->acted = 1;
    return 1;
}

void ui_begin(struct ui *ui)
{
    struct wlist *l = &ui->lists[ui->cur];
    l->n = 0;
    l->modal_from = -1;
    arena_reset(&ui->arena[ui->cur]);
    ui->acted = 0;
    ui->wake_at = INT64_MAX;
    textcache_frame_begin(ui->tc);
}

static void add_dirty(struct ui *ui, SDL_Rect r)
{
    SDL_Rect screen = {0, 0, ui->w, ui->h};
    if (!SDL_IntersectRect(&r, &screen, &r))
        return;
    /* Merge with an existing rectangle when the union wastes little (as LVGL does). */
    for (int i = 0; i < ui->ndirty; i++) {
        SDL_Rect u;
        SDL_UnionRect(&ui->dirty[i], &r, &u);
        long ua = (long)u.w * u.h, sa = (long)ui->dirty[i].w * ui->dirty[i].h + (long)r.w * r.h;
        if (ua <= sa) {
            ui->dirty[i] = u;
            return;
        }
    }
    if (ui->ndirty < MAX_DIRTY) {
        ui->dirty[ui->ndirty++] = r;
        return;
    }
    SDL_UnionRect(&ui->dirty[MAX_DIRTY - 1], &r, &ui->dirty[MAX_DIRTY - 1]);
}

int ui_end(struct ui *ui)
{
    struct wlist *now = &ui->lists[ui->cur], *before = shown(ui);
    /* Which widgets changed: a (id, look) pair absent from the other list. An open hash
     * set keeps this linear in the number of widgets. */
    int cap = 1;
    while (cap < 2 * (before->n + now->n + 1))
        cap <<= 1;
    uint64_t *set = calloc((size_t)cap, sizeof *set);
    if (!set)
        abort();
    for (int pass = 0; pass < 2; pass++) {
        struct wlist *a = pass ? now : before, *b = pass ? before : now;
        memset(set, 0, (size_t)cap * sizeof *set);
        for (int i = 0; i < a->n; i++) {
            uint64_t k = a->w[i].look | 1;
            size_t j = (size_t)k & (size_t)(cap - 1);
            while (set[j] && set[j] != k)
                j = (j + 1) & (size_t)(cap - 1);
            set[j] = k;
        }
        for (int i = 0; i < b->n; i++) {
            uint64_t k = b->w[i].look | 1;
            size_t j = (size_t)k & (size_t)(cap - 1);
            while (set[j] && set[j] != k)
                j = (j + 1) & (size_t)(cap - 1);
            /* Shadows and focus rings reach a little beyond a widget's rectangle. */
            if (!set[j])
                add_dirty(ui, rect_inset(b->w[i].r, -SHADOW_REACH));
        }
    }
    free(set);
    /* A dialog appearing or going away changes the dimming of everything. */
    if ((now->modal_from >= 0) != (before->modal_from >= 0))
        ui->full_redraw = 1;
    ui->cur = !ui->cur;
    /* An activation that nobody consumed (the widget went away) must not fire later. */
    ui->activated_id = 0;
    return ui->acted;
}

void ui_modal(struct ui *ui)
{
    struct wlist *l = &ui->lists[ui->cur];
    if (l->modal_from < 0)
        l->modal_from = l->n;
    struct ui_opts o = {.role = ROLE_BACKDROP, .radius = -1};
    struct ui_widget *w = push(ui, UI_PANEL, rect(0, 0, ui->w, ui->h), "", &o, 0);
    w->layer = 1;
    finish_look(ui, w);
}

/* ---- widgets ---------------------------------------------------------------------- */

void ui_panel(struct ui *ui, SDL_Rect r, const struct ui_opts *o)
{
    finish_look(ui, push(ui, UI_PANEL, r, "", o, 0));
}

void ui_label(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o)
{
    if (!text || !*text)
        return;
    finish_look(ui, push(ui, UI_LABEL, r, text, o, 0));
}

void ui_labelf(struct ui *ui, SDL_Rect r, const struct ui_opts *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ui_label(ui, r, buf, o);
}

int ui_button(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o)
{
    return fired(ui, push(ui, UI_BUTTON, r, text, o, 1));
}

int ui_tile(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o)
{
    return fired(ui, push(ui, UI_TILE, r, text, o, 1));
}

int ui_area(struct ui *ui, SDL_Rect r, const char *key)
{
    /* draw.c has no case for UI_AREA: nothing shows. */
    struct ui_opts o = {.key = key};
    return fired(ui, push(ui, UI_AREA, r, "", &o, 1));
}

int ui_field(struct ui *ui, SDL_Rect r, const char *label, const char *value,
             const struct ui_opts *o)
{
    struct ui_opts fo = o ? *o : (struct ui_opts){0};
    fo.key = fo.key ? fo.key : label;
    fo.sub = value;
    return fired(ui, push(ui, UI_FIELD, r, label, &fo, 1));
}

int ui_checkbox(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o)
{
    return fired(ui, push(ui, UI_CHECKBOX, r, text, o, 1));
}

int ui_key(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o)
{
    return fired(ui, push(ui, UI_KEY, r, text, o, 1));
}

int ui_row(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o)
{
    return fired(ui, push(ui, UI_ROW, r, text, o, 1));
}

void ui_image(struct ui *ui, SDL_Rect r, const uint8_t *rgba, int w, int h, uint64_t version,
              const char *key)
{
    struct ui_opts o = {.key = key, .radius = -1};
    struct ui_widget *wd = push(ui, UI_IMAGE, r, "", &o, 0);
    wd->pixels = rgba;
    wd->img_w = w;
    wd->img_h = h;
    wd->img_version = version;
    finish_look(ui, wd);
}

int ui_dialog(struct ui *ui, const char *title, const char *text, const char *no,
              const char *yes)
{
    ui_modal(ui);
    int W = ui->w, H = ui->h, dw = W < 1200 ? W - 96 : 1100, iw = dw - 120;
    int bh = 100, gap = 40;
    int yw = ui_text_width(ui, yes, SIZE_LARGE, 1) + 80;
    int nw = no ? ui_text_width(ui, no, SIZE_LARGE, 1) + 80 : 0;
    yw = yw < 300 ? 300 : yw;
    nw = no && nw < 300 ? 300 : nw;
    /* Two buttons side by side when they fit, else one over the other. */
    int side = !no || yw + nw + gap <= iw;
    if (no && side) {
        yw = nw = yw > nw ? yw : nw;
    }
    int buttons_h = side ? bh : 2 * bh + 24;
    int size = SIZE_LARGE, th = 0, hh = 0;
    for (;; size = SIZE_BODY) {
        hh = title ? ui_text_height(ui, title, SIZE_TITLE, 1, iw, 0) : 0;
        th = text && *text ? ui_text_height(ui, text, size, 0, iw, 0) : 0;
        if (50 + hh + (hh ? 24 : 0) + th + 40 + buttons_h + 40 <= H - 80 || size == SIZE_BODY)
            break;
    }
    int dh = 50 + hh + (hh ? 24 : 0) + th + 40 + buttons_h + 40;
    SDL_Rect d = rect((W - dw) / 2, (H - dh) / 2, dw, dh);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, d, &card);
    int y = d.y + 50;
    if (title) {
        struct ui_opts to = {.size = SIZE_TITLE, .bold = 1, .align = TEXT_CENTER};
        ui_label(ui, rect(d.x + 60, y, iw, hh), title, &to);
        y += hh + 24;
    }
    if (th) {
        struct ui_opts mo = {.size = size, .align = TEXT_CENTER};
        ui_label(ui, rect(d.x + 60, y, iw, th), text, &mo);
    }
    int by = d.y + d.h - 40 - buttons_h;
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
    struct ui_opts qo = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    SDL_Rect yr, nr = {0, 0, 0, 0};
    if (!no) {
        yr = rect(d.x + (d.w - yw) / 2, by, yw, bh);
    } else if (side) {
        int total = yw + nw + gap, x = d.x + (d.w - total) / 2;
        nr = rect(x, by, nw, bh);
        yr = rect(x + nw + gap, by, yw, bh);
    } else {
        yr = rect(d.x + 60, by, iw, bh);
        nr = rect(d.x + 60, by + bh + 24, iw, bh);
    }
    int r = 0;
    if (no && ui_button(ui, nr, no, &qo))
        r = 2;
    if (ui_button(ui, yr, yes, &po))
        r = 1;
    return r;
}

/* ---- writing -------------------------------------------------------------------------- */

void ui_ink(struct ui *ui, SDL_Rect r, const char *key, const struct ui_ink *ink)
{
    struct ui_opts o = {.key = key};
    struct ui_widget *w = push(ui, UI_INK, r, "", &o, 1);
    w->ink = *ink;
    finish_look(ui, w);
}

int ui_take_ink(struct ui *ui, const char *key, struct ui_ink_event *out, int max)
{
    if (strcmp(ui->ink_key, key) != 0)
        return 0;
    int n = ui->ink_n < max ? ui->ink_n : max;
    memcpy(out, ui->ink_q, (size_t)n * sizeof *out);
    memmove(ui->ink_q, ui->ink_q + n, (size_t)(ui->ink_n - n) * sizeof *out);
    ui->ink_n -= n;
    return n;
}

/* Queues one event of the finger writing.  A full queue (no build for hundreds of
 * moves) drops moves but never a press or a lift: the last slot is kept for a lift. */
static void ink_push(struct ui *ui, enum ui_ink_type type, float x, float y)
{
    if (ui->ink_n >= INK_QUEUE - (type == UI_INK_UP ? 0 : 1))
        return;
    ui->ink_q[ui->ink_n++] = (struct ui_ink_event){type, (int)lroundf(x), (int)lroundf(y)};
}

static void ink_end(struct ui *ui)
{
    if (!ui->inking)
        return;
    ink_push(ui, UI_INK_UP, ui->last_x, ui->last_y);
    ui->inking = 0;
}

/* ---- lists -------------------------------------------------------------------------- */

int ui_take_scroll(struct ui *ui, const char *key, float *velocity)
{
    if (strcmp(ui->scroll.key, key) != 0)
        return 0;
    int d = (int)lroundf(ui->scroll.delta);
    ui->scroll.delta -= (float)d;
    if (velocity)
        *velocity = ui->scroll.released ? ui->scroll.velocity : 0;
    if (ui->scroll.released) {
        ui->scroll.released = 0;
        ui->scroll.key[0] = 0;
    }
    return d;
}

int ui_list_animate(struct ui_list_state *ls, int64_t now_ms)
{
    if (ls->velocity == 0) {
        ls->last_ms = now_ms;
        return 0;
    }
    float dt = (float)(now_ms - ls->last_ms) / 1000.0f;
    if (dt <= 0)
        return 1;
    if (dt > 0.1f)
        dt = 0.1f; /* a late frame must not fling the list away */
    ls->last_ms = now_ms;
    ls->offset -= ls->velocity * dt;
    /* Exponential friction: the list glides and stops within about a second. */
    ls->velocity *= powf(0.04f, dt);
    if (fabsf(ls->velocity) < 30.0f)
        ls->velocity = 0;
    return ls->velocity != 0;
}

void ui_set_time(struct ui *ui, int64_t now_ms) { ui->now_ms = now_ms; }

int64_t ui_next_wake(const struct ui *ui) { return ui->wake_at; }

int ui_text_width(struct ui *ui, const char *s, int size, int bold)
{
    struct text_style st = {.size_px = ui_px(ui, size), .bold = bold};
    return text_width(ui->fonts, s, -1, &st);
}

int ui_text_height(struct ui *ui, const char *s, int size, int bold, int w, int max_lines)
{
    struct text_style st = {.size_px = ui_px(ui, size), .bold = bold};
    int mw = 0, h = 0;
    text_measure(ui->fonts, s, &st, w, max_lines, &mw, &h);
    return h;
}

int ui_list(struct ui *ui, SDL_Rect r, const char *key, struct ui_list_state *ls, int count,
            int row_h, ui_row_fn fn, void *ctx)
{
    float vel = 0;
    int d = ui_take_scroll(ui, key, &vel);
    if (d)
        ls->offset -= (float)d;
    if (vel != 0) {
        ls->velocity = vel;
        ls->last_ms = ui->now_ms;
    }
    /* Momentum belongs to the toolkit: a gliding list moves with the clock at every build
     * and asks for the next frame, so screens need no timers of their own for it. */
    if (ls->velocity != 0) {
        ui_list_animate(ls, ui->now_ms);
        if (ls->velocity != 0 && ls->last_ms + 16 < ui->wake_at)
            ui->wake_at = ls->last_ms + 16;
    }
    float max_off = (float)count * (float)row_h - (float)r.h;
    if (max_off < 0)
        max_off = 0;
    if (ls->offset < 0) {
        ls->offset = 0;
        ls->velocity = 0;
    }
    if (ls->offset > max_off) {
        ls->offset = max_off;
        ls->velocity = 0;
    }
    /* The list's own area: drags that start in it scroll it. */
    struct ui_opts po = {.role = ROLE_NORMAL, .key = key, .radius = -1};
    struct ui_widget *area = push(ui, UI_PANEL, r, "", &po, 0);
    area->interactive = 0;
    finish_look(ui, area);
    int first = (int)(ls->offset / (float)row_h);
    int shift = (int)ls->offset % row_h;
    int hit = -1;
    ui->clip = r;
    ui->clip_active = 1;
    for (int i = first; i < count; i++) {
        int y = r.y + (i - first) * row_h - shift;
        if (y >= r.y + r.h)
            break;
        SDL_Rect row = {r.x, y, r.w, row_h};
        /* Rows cut by the list's edges stay drawn but are clipped by draw.c through
         * the list's panel; a row mostly outside is not tappable. */
        if (fn(ui, ctx, i, row) && hit < 0)
            hit = i;
    }
    ui->clip_active = 0;
    return hit;
}

/* ---- input -------------------------------------------------------------------------------- */

static const struct ui_widget *hit_test(struct ui *ui, float x, float y)
{
    struct wlist *l = shown(ui);
    int from = l->modal_from >= 0 ? l->modal_from : 0;
    /* Last drawn is on top.  Exact hits first, then the padded area, so a padding never
     * steals a tap from a neighbour the finger is really on. */
    for (int pad = 0; pad <= TOUCH_PAD; pad += TOUCH_PAD)
        for (int i = l->n - 1; i >= from; i--)
            if (l->w[i].interactive && hits(&l->w[i], x, y, pad))
                return &l->w[i];
    return NULL;
}

static const char *list_at(struct ui *ui, float x, float y)
{
    struct wlist *l = shown(ui);
    int from = l->modal_from >= 0 ? l->modal_from : 0;
    for (int i = l->n - 1; i >= from; i--)
        if (l->w[i].kind == UI_PANEL && l->w[i].key && l->w[i].key[0] &&
            in_rect(l->w[i].r, x, y, 0))
            return l->w[i].key;
    return NULL;
}

static void pointer_down(struct ui *ui, float x, float y, uint32_t t)
{
    ink_end(ui); /* a second press without a lift between */
    ui->down = 1;
    ui->dragging = 0;
    ui->down_x = ui->last_x = x;
    ui->down_y = ui->last_y = y;
    ui->last_move_ms = t;
    ui->vel_y = 0;
    const struct ui_widget *w = hit_test(ui, x, y);
    ui->armed_id = w ? w->id : 0;
    util_strlcpy(ui->armed_key, w && w->key ? w->key : "", sizeof ui->armed_key);
    const char *lk = list_at(ui, x, y);
    util_strlcpy(ui->drag_list, lk ? lk : "", sizeof ui->drag_list);
    if (w && w->kind == UI_INK) {
        /* Writing, not tapping: nothing is armed, nothing scrolls. */
        if (strcmp(ui->ink_key, ui->armed_key) != 0)
            ui->ink_n = 0;
        util_strlcpy(ui->ink_key, ui->armed_key, sizeof ui->ink_key);
        ui->inking = 1;
        ui->armed_id = 0;
        ui->drag_list[0] = 0;
        ink_push(ui, UI_INK_DOWN, x, y);
    }
}

static void pointer_move(struct ui *ui, float x, float y, uint32_t t)
{
    if (!ui->down)
        return;
    if (ui->inking && (x != ui->last_x || y != ui->last_y))
        ink_push(ui, UI_INK_MOVE, x, y);
    if (!ui->dragging && ui->drag_list[0] &&
        (fabsf(y - ui->down_y) > DRAG_SLOP || fabsf(x - ui->down_x) > DRAG_SLOP)) {
        ui->dragging = 1;
        util_strlcpy(ui->scroll.key, ui->drag_list, sizeof ui->scroll.key);
        ui->scroll.delta = 0;
        ui->scroll.released = 0;
    }
    if (ui->dragging) {
        float dy = y - ui->last_y;
        ui->scroll.delta += dy;
        uint32_t dt = t - ui->last_move_ms;
        if (dt > 0)
            ui->vel_y = 0.6f * ui->vel_y + 0.4f * (dy * 1000.0f / (float)dt);
    }
    ui->last_x = x;
    ui->last_y = y;
    ui->last_move_ms = t;
}

static void pointer_up(struct ui *ui, float x, float y, uint32_t t)
{
    if (!ui->down)
        return;
    pointer_move(ui, x, y, t);
    ui->down = 0;
    if (ui->inking) {
        ink_end(ui);
        return;
    }
    if (ui->dragging) {
        ui->scroll.velocity = (t - ui->last_move_ms) > 100 ? 0 : ui->vel_y;
        ui->scroll.released = 1;
        ui->dragging = 0;
        ui->armed_id = 0;
        return;
    }
    const struct ui_widget *w = hit_test(ui, x, y);
    if (w && w->id == ui->armed_id)
        ui->activated_id = w->id;
    ui->armed_id = 0;
}

int ui_pointer_event(struct ui *ui, const SDL_Event *ev)
{
    float x, y;
    switch (ev->type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
        /* Finger coordinates are fractions of the window = of the logical screen, since
         * the canvas fills it (letterboxing aside, which SDL maps for mice only). */
        x = ev->tfinger.x * (float)ui->w;
        y = ev->tfinger.y * (float)ui->h;
        if (ev->type == SDL_FINGERDOWN)
            pointer_down(ui, x, y, ev->tfinger.timestamp);
        else if (ev->type == SDL_FINGERUP)
            pointer_up(ui, x, y, ev->tfinger.timestamp);
        else
            pointer_move(ui, x, y, ev->tfinger.timestamp);
        return 1;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return 0; /* the touch already acted through its finger events */
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            pointer_down(ui, (float)ev->button.x, (float)ev->button.y, ev->button.timestamp);
        else
            pointer_up(ui, (float)ev->button.x, (float)ev->button.y, ev->button.timestamp);
        return 1;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID)
            return 0;
        pointer_move(ui, (float)ev->motion.x, (float)ev->motion.y, ev->motion.timestamp);
        return 1;
    case SDL_MOUSEWHEEL: {
        int mx, my;
        SDL_GetMouseState(&mx, &my);
        const char *lk = list_at(ui, (float)mx, (float)my);
        if (lk) {
            util_strlcpy(ui->scroll.key, lk, sizeof ui->scroll.key);
            ui->scroll.delta += (float)ev->wheel.y * 80.0f;
            ui->scroll.released = 0;
        }
        return 1;
    }
    default:
        return 0;
    }
}

void ui_pointer_cancel(struct ui *ui)
{
    /* The screen changes: what was being written goes with it, never to the next. */
    ui->inking = 0;
    ui->ink_n = 0;
    ui->down = 0;
    ui->dragging = 0;
    ui->armed_id = 0;
    ui->activated_id = 0;
    ui->scroll.key[0] = 0;
    ui->scroll.delta = 0;
}

int ui_pressed_key(const struct ui *ui, const char *key)
{
    return ui->down && !ui->dragging && ui->armed_id && strcmp(ui->armed_key, key) == 0;
}

/* ---- drawing ---------------------------------------------------------------------------- */

int ui_draw(struct ui *ui, int force)
{
    if (force || ui->full_redraw) {
        ui->ndirty = 1;
        ui->dirty[0] = rect(0, 0, ui->w, ui->h);
        ui->full_redraw = 0;
    }
    if (ui->ndirty == 0)
        return 0;
    const struct wlist *l = shown(ui);
    if (ui->canvas)
        SDL_SetRenderTarget(ui->ren, ui->canvas);
    struct draw_ctx dc = {ui->ren, ui->tc, ui->images, ui->large, ui->w, ui->h, ui->fonts,
                          NULL, NULL, 0};
    for (int d = 0; d < ui->ndirty; d++) {
        SDL_Rect clip = ui->dirty[d];
        SDL_RenderSetClipRect(ui->ren, &clip);
        draw_background(&dc, clip);
        for (int i = 0; i < l->n; i++) {
            const struct ui_widget *w = &l->w[i];
            SDL_Rect dummy;
            if (!SDL_IntersectRect(&w->r, &clip, &dummy))
                continue;
            int pressed = w->interactive && ui->down && !ui->dragging && w->id == ui->armed_id;
            draw_widget(&dc, w, pressed, clip);
            ui->stats.widgets_drawn++;
        }
        ui->stats.pixels_drawn += (uint64_t)clip.w * (uint64_t)clip.h;
    }
    SDL_RenderSetClipRect(ui->ren, NULL);
    if (ui->canvas) {
        SDL_SetRenderTarget(ui->ren, NULL);
        SDL_RenderCopy(ui->ren, ui->canvas, NULL, NULL);
    }
    SDL_RenderPresent(ui->ren);
    ui->ndirty = 0;
    ui->stats.frames++;
    return 1;
}

static uint8_t *read_canvas(struct ui *ui, Uint32 format, int bpp, int *w, int *h)
{
    uint8_t *px = malloc((size_t)ui->w * (size_t)ui->h * (size_t)bpp);
    if (!px)
        return NULL;
    if (ui->canvas)
        SDL_SetRenderTarget(ui->ren, ui->canvas);
    int rc = SDL_RenderReadPixels(ui->ren, NULL, format, px, ui->w * bpp);
    if (ui->canvas)
        SDL_SetRenderTarget(ui->ren, NULL);
    if (rc != 0) {
        fprintf(stderr, "ui: cannot read pixels: %s\n", SDL_GetError());
        free(px);
        return NULL;
    }
    *w = ui->w;
    *h = ui->h;
    return px;
}

uint8_t *ui_read_pixels(struct ui *ui, int *w, int *h)
{
    return read_canvas(ui, SDL_PIXELFORMAT_ABGR8888, 4, w, h);
}

uint8_t *ui_read_rgb(struct ui *ui, int *w, int *h)
{
    return read_canvas(ui, SDL_PIXELFORMAT_RGB24, 3, w, h);
}

/* ---- introspection ------------------------------------------------------------------------ */

int ui_visible_count(const struct ui *ui)
{
    const struct wlist *l = shown_c(ui);
    return l->modal_from >= 0 ? l->n - l->modal_from : l->n;
}

const struct ui_widget *ui_visible_at(const struct ui *ui, int i)
{
    const struct wlist *l = shown_c(ui);
    return &l->w[(l->modal_from >= 0 ? l->modal_from : 0) + i];
}

const char *ui_kind_name(enum ui_kind k)
{
    static const char *const names[UI_KIND_COUNT] = {"panel", "label", "button", "tile", "field",
                                                     "checkbox", "key", "row", "image",
                                                     "area", "ink"};
    return k < UI_KIND_COUNT ? names[k] : "?";
}

int ui_fit(struct ui *ui, ui_fit_fn fn, void *ctx)
{
    struct draw_ctx dc = {ui->ren, ui->tc, ui->images, ui->large, ui->w, ui->h, ui->fonts,
                          NULL, NULL, 0};
    draw_fit_begin(&dc, fn, ctx);
    SDL_Rect screen = rect(0, 0, ui->w, ui->h);
    for (int i = 0; i < ui_visible_count(ui); i++)
        draw_widget(&dc, ui_visible_at(ui, i), 0, screen);
    return draw_fit_end(&dc);
}

const char *ui_fit_problem_name(enum ui_fit_problem p)
{
    static const char *const names[] = {"shortened", "cut", "overflows", "clipped", "overlaps"};
    return (unsigned)p < ARRAY_LEN(names) ? names[p] : "?";
}

void ui_get_stats(const struct ui *ui, struct ui_stats *s)
{
    *s = ui->stats;
    struct textcache_stats ts;
    textcache_stats(ui->tc, &ts);
    s->text_hits = ts.hits;
    s->text_misses = ts.misses;
}
