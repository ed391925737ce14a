/* theme — the toolkit's colours: what each widget kind looks like in each role and
 * state.  draw.c asks here for every colour it paints, and theme_pairs() lists every
 * pair of colours those answers put next to each other — text on what is behind it,
 * a border on what is inside and outside it — so the contrast test (tests/unit/
 * test_theme.c) checks the colours that are really drawn.
 *
 * The figures it is held to (WCAG 2.1 1.4.3 and 1.4.11): text at least 4.5:1 against its
 * background, disabled controls included (an elder must read what is not yet possible);
 * the borders of fields, focus, checkboxes and separators at least 3:1.  Focus and error
 * differ by more than colour: focus is a thick border in ink blue with a caret, an error
 * a red border with a "!" badge.
 *
 * Colours are 0xRRGGBBAA.  Never does: draw, know what a screen is. */
#ifndef KIOSK_THEME_H
#define KIOSK_THEME_H

#include <stdint.h>

#include "ui/ui.h"

/* What one widget looks like.  Unused members are 0. */
struct theme_look {
    uint32_t fill;           /* the widget's own surface */
    uint32_t border;         /* 0: none */
    int border_w;
    uint32_t text;           /* its main text */
    uint32_t sub;            /* secondary text: subtitle, detail, hint */
    uint32_t accent;         /* a tag, an emblem's ring, a badge's fill */
    uint32_t accent_text;    /* text on the accent (emblem glyph, badge mark) */
    uint32_t line;           /* a separator under it */
};

uint32_t theme_background(void);
/* A panel of a role: fill and border.  ROLE_BACKDROP is the dim layer under dialogs. */
struct theme_look theme_panel(enum ui_role role);
/* A label's text colour. */
uint32_t theme_label(enum ui_role role);
struct theme_look theme_button(enum ui_role role, int pressed, int disabled);
/* accent: the check-in tile (gold). */
struct theme_look theme_tile(int accent, int pressed);
/* text: the label over the box and the value; sub: the hint; accent: the error badge
 * (accent_text its "!"); border and border_w: the box's. */
struct theme_look theme_field(int focused, int error, int pressed);
/* border: the box's; accent: the tick's fill, accent_text the tick. */
struct theme_look theme_checkbox(int selected, int pressed);
struct theme_look theme_key(enum ui_role role, int selected, int pressed, int disabled);
/* text: title, sub: detail, accent: the tag, line: the separator. */
struct theme_look theme_row(int selected, int pressed);
/* The writing pad: fill and border, text the ink of the strokes, line the guide lines. */
struct theme_look theme_ink(void);
/* The colour of a field's caret. */
uint32_t theme_caret(void);

/* Every pair of colours the toolkit draws next to each other. */
enum theme_pair_kind { THEME_TEXT, THEME_BORDER };
struct theme_pair {
    enum theme_pair_kind kind;
    char what[64];           /* e.g. "button primary disabled: text" */
    uint32_t fg, bg;         /* opaque (translucent colours composed over their surface) */
};
/* Writes at most max pairs into out; returns how many there are in all. */
int theme_pairs(struct theme_pair *out, int max);
/* The WCAG contrast ratio of two opaque colours (1 … 21). */
double theme_contrast(uint32_t a, uint32_t b);

#endif
