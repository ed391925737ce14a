/* draw — turns widgets into pixels: the theme's colours (ui/theme.h), rounded cards, text
 * through the text cache, images.  Only ui.c calls it, during ui_draw(), with the clip rectangle of
 * the dirty area already set.  Never decides layout or what is dirty. */
#ifndef KIOSK_DRAW_H
#define KIOSK_DRAW_H

#include <SDL.h>

#include "ui/ui.h"

struct textcache;
struct draw_images;
struct draw_fit;

struct draw_ctx {
    SDL_Renderer *ren;
    struct textcache *tc;
    struct draw_images *images;
    int large;
    int w, h;
    struct text_fonts *fonts;
    /* Set while `fit` lays the widgets out: nothing is drawn, every text is measured
     * against the box it is drawn in and what does not fit is reported (ui_fit). */
    struct draw_fit *fit;
    const struct ui_widget *widget;   /* the widget being drawn */
    int teaser;                       /* the text being drawn is an excerpt (ui_opts) */
};

void draw_background(struct draw_ctx *dc, SDL_Rect clip);

/* `fit`: draw_fit_begin() makes dc measure instead of draw; each draw_widget() then
 * reports the texts of that widget that are shortened, cut, overflow or clipped, and
 * draw_fit_end() the texts of two widgets that run into each other.  Returns how many
 * problems were reported in all. */
void draw_fit_begin(struct draw_ctx *dc, ui_fit_fn fn, void *ctx);
int draw_fit_end(struct draw_ctx *dc);
void draw_widget(struct draw_ctx *dc, const struct ui_widget *w, int pressed, SDL_Rect clip);

/* Fills a rounded rectangle (radius <= 0: square).  Exposed for the receipt screen's
 * and keyboard's own looks through widgets only; screens never call it. */
void draw_round(SDL_Renderer *ren, SDL_Rect r, int radius, uint32_t rgba);

/* Textures for UI_IMAGE widgets, keyed by widget key and version. */
struct draw_images *draw_images_create(SDL_Renderer *ren);
void draw_images_destroy(struct draw_images *im);

#endif
