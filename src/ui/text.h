/* text — fonts, CJK-aware line breaking and text rendering to SDL surfaces.
 *
 * A font chain is opened once: the fonts in the project's fonts/ folder first (in name
 * order), then the system's Noto Sans CJK (face index 2 of the .ttc is Simplified
 * Chinese), then other installed faces that cover rarer characters.  SDL_ttf has no
 * fallback of its own, so text is split into runs, each drawn with the first face in the
 * chain that has the glyph: no name character shows as a box when any face has it.
 *
 * Line breaking follows the Chinese rules (GB/T 15834 "避头尾"): a line never starts
 * with closing punctuation (，。、；：？！）」』】》" …) and never ends with opening
 * punctuation (（「『【《 …); CJK text may break between any two ideographs, Latin
 * text breaks at spaces (a word longer than the line is split).
 *
 * Owns: the TTF_Font handles of every (face, size, weight) used.  Never does: draw to a
 * renderer, cache textures (the UI's text cache does that), know what a screen is.
 * Rendering allocates; callers cache the result (see ui text cache). */
#ifndef KIOSK_TEXT_H
#define KIOSK_TEXT_H

#include <SDL.h>
#include <stdint.h>

struct text_fonts;

/* Opens the chain; fonts_dir may be NULL.  Returns NULL with a sentence in err when no
 * usable CJK face was found. */
struct text_fonts *text_fonts_open(const char *fonts_dir, char *err, size_t errlen);
void text_fonts_close(struct text_fonts *tf);

enum text_align { TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT };

struct text_style {
    int size_px;              /* pixel height of the em */
    int bold;                 /* 0 or 1 */
    uint32_t color;           /* 0xRRGGBBAA */
    enum text_align align;    /* alignment of each line inside max_w */
    int line_gap_px;          /* extra space between lines (0: font default) */
};

/* One laid-out line: a byte range of the source string and its width in pixels. */
struct text_line {
    int start, len;           /* bytes into the source text */
    int width;
};

/* Breaks utf8 into lines no wider than max_w (max_w <= 0: only at '\n').  Writes up to
 * max_lines lines into lines[] and returns how many lines the whole text needs (may be
 * more than max_lines).  Leading spaces at a break are dropped; trailing ones don't count. */
int text_break(struct text_fonts *tf, const char *utf8, const struct text_style *st, int max_w,
               struct text_line *lines, int max_lines);

/* Width of a single line of text (no wrapping), in pixels.  len < 0: up to the NUL. */
int text_width(struct text_fonts *tf, const char *utf8, int len, const struct text_style *st);
/* Height of one line including the gap. */
int text_line_height(struct text_fonts *tf, const struct text_style *st);

/* Size the text takes when wrapped at max_w, at most max_lines lines (0: no limit):
 * w is the widest line (so w <= max_w when max_w > 0, unless one glyph is wider), h is the
 * number of lines times text_line_height().  Exactly the size text_render() returns. */
void text_measure(struct text_fonts *tf, const char *utf8, const struct text_style *st,
                  int max_w, int max_lines, int *w, int *h);

/* Renders utf8 wrapped at max_w into a new ARGB8888 surface with alpha (transparent
 * background).  With max_lines > 0 the last shown line ends with "…" when text was cut.
 * The surface is as wide as the widest line (text_measure), not max_w: lines are aligned
 * to each other inside it, and the caller places it in its box with the same alignment.
 * Returns NULL on error (logged) or for empty text; the caller frees the surface. */
SDL_Surface *text_render(struct text_fonts *tf, const char *utf8, const struct text_style *st,
                         int max_w, int max_lines);

/* 1 when some face in the chain has a glyph for cp. */
int text_has_glyph(struct text_fonts *tf, uint32_t cp);

#endif
