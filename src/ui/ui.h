/* ui — the kiosk's small immediate-mode toolkit.
 *
 * A screen describes what it shows by calling ui_* functions between ui_begin() and
 * ui_end(); each call appends a widget (kind, rectangle, text, style) to this frame's
 * list and, for interactive widgets, returns whether the person activated it.  The
 * toolkit keeps the previous frame's list: input is hit-tested against what is on
 * screen, and ui_end() diffs the two lists so that only the rectangles whose widgets
 * changed are redrawn.  A frame in which only the clock changed redraws the clock.
 *
 * Widgets are identified by (kind, key, rectangle); the key defaults to the text, and a
 * field whose text changes while typing passes its label as the key.
 *
 * Touch and mouse are one pointer.  A press arms the widget under it (with a touch
 * padding larger than what is drawn); the widget fires on release inside it, as on a
 * phone.  Real touch screens also send synthetic mouse events for each touch: those are
 * ignored (SDL_TOUCH_MOUSEID), so each touch acts once.
 *
 * Owns: the widget lists, a per-frame string arena, the text cache, the canvas texture.
 * Never does: SQL, knowing what a record or a check-in is.  Screens never call
 * SDL_Render* themselves: drawing happens in ui_draw() from the widget list. */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <SDL.h>
#include <stdint.h>

#include "ui/text.h"

struct ui;
struct textcache;

enum ui_kind {
    UI_PANEL,      /* a filled (rounded) rectangle, no text */
    UI_LABEL,      /* text */
    UI_BUTTON,     /* text on a filled rounded rectangle; fires on release */
    UI_TILE,       /* a large Home tile: title + subtitle + icon glyph */
    UI_FIELD,      /* a labelled text field: label, value, hint/error */
    UI_CHECKBOX,   /* a box and its text */
    UI_KEY,        /* an on-screen keyboard key */
    UI_ROW,        /* a row of a scrolling list */
    UI_IMAGE,      /* an RGBA picture (QR codes, material images) */
    UI_AREA,       /* an invisible touch area: nothing drawn, no text */
    UI_INK,        /* a writing surface: a card with guide lines and the strokes on it */
    UI_KIND_COUNT
};

/* Visual roles; the theme maps them to colours so screens never pick colours. */
enum ui_role {
    ROLE_NORMAL,   /* white card, dark text */
    ROLE_PRIMARY,  /* the screen's main action: red, white text */
    ROLE_QUIET,    /* secondary action: outlined */
    ROLE_HEADER,   /* the red band at the top */
    ROLE_MUTED,    /* grey explanatory text */
    ROLE_ERROR,    /* red error text */
    ROLE_OK,       /* green success */
    ROLE_ACCENT,   /* gold highlight */
    ROLE_BACKDROP, /* the dim layer under a dialog */
    ROLE_SELECTED, /* a chosen item */
    ROLE_COUNT
};

/* Text sizes in logical pixels before the large-text factor. */
enum ui_size { SIZE_SMALL = 26, SIZE_BODY = 32, SIZE_LARGE = 40, SIZE_TITLE = 52, SIZE_HUGE = 76 };

struct ui_opts {
    enum ui_role role;
    int size;              /* text size (enum ui_size or any px value); 0: SIZE_BODY */
    int bold;
    enum text_align align; /* for labels */
    int max_lines;         /* 0: as many as fit (rows: the detail's lines, 0: two) */
    int disabled;          /* drawn greyed, never fires */
    int selected;          /* checkbox ticked / row or picker item chosen */
    int focused;           /* field has the keyboard */
    const char *key;       /* identity when the text changes (fields) */
    const char *sub;       /* second text: tile subtitle, field value, row detail */
    const char *hint;      /* field hint or error sentence */
    const char *icon;      /* a glyph drawn large on tiles */
    int radius;            /* corner radius; -1: square */
    int teaser;            /* sub is an excerpt that may end in "…" (`fit` allows it) */
    int tappable;          /* disabled, yet a tap still fires: the screen then says what
                            * is needed first (a greyed 提交) */
};

/* A writing surface (the keyboard's handwriting pad).  A finger that goes down on it
 * draws instead of tapping: its press, each move and its lift are queued for the
 * caller (ui_take_ink), who keeps the strokes and hands them back to be drawn (ui_ink)
 * in logical pixels from the surface's top-left corner, stroke i ending before
 * ends[i].  version changes whenever the strokes do (redraw).  Nothing fires. */
struct ui_ink {
    const int16_t *xy;     /* x, y pairs */
    const int *ends;       /* in pairs */
    int nstrokes;
    uint64_t version;
};

struct ui_widget {
    enum ui_kind kind;
    SDL_Rect r;
    const char *text;      /* in the frame arena */
    const char *sub, *hint, *icon, *key;
    struct ui_opts o;
    uint32_t id;           /* identity: kind, key, rectangle */
    uint64_t look;         /* hash of everything drawn: differs => redraw */
    int layer;             /* 0 screen, 1 dialog */
    int interactive;
    const uint8_t *pixels; /* UI_IMAGE: RGBA, owned by the screen, valid while shown */
    int img_w, img_h;
    uint64_t img_version;  /* bump when the pixels change */
    struct ui_ink ink;     /* UI_INK: its strokes (the points owned by the screen, valid
                            * while shown) */
    SDL_Rect clip;         /* rows of a list: drawn and hit only inside the list */
    int has_clip;
};

/* Creates the toolkit over a renderer whose logical size is w x h.  fonts is borrowed.
 * Returns NULL on failure (logged). */
struct ui *ui_create(SDL_Renderer *ren, struct text_fonts *fonts, int w, int h);
void ui_destroy(struct ui *ui);

int ui_width(const struct ui *ui);
int ui_height(const struct ui *ui);
int ui_portrait(const struct ui *ui);
/* Large-text mode multiplies every text size by 1.3 and clears the text cache. */
void ui_set_large_text(struct ui *ui, int on);
int ui_large_text(const struct ui *ui);
/* Text size after the large-text factor. */
int ui_px(const struct ui *ui, int size);
/* Drops (and wipes) every cached text rendering: the idle reset calls it so that what
 * the last person typed does not stay in memory. */
void ui_forget_text(struct ui *ui);
struct text_fonts *ui_fonts(struct ui *ui);

/* --- input ------------------------------------------------------------------ */
/* Feeds a pointer event (finger or mouse; others ignored).  Returns 1 when the event
 * was a pointer event the toolkit used. */
int ui_pointer_event(struct ui *ui, const SDL_Event *ev);
/* Cancels any pressed widget (a screen change, the idle reset). */
void ui_pointer_cancel(struct ui *ui);
/* Scroll delta (logical px) accumulated on list `key` by drags since the last build;
 * lists call this.  Also returns the release velocity in px/s for momentum. */
int ui_take_scroll(struct ui *ui, const char *key, float *velocity);
/* Whether a press is currently held on the widget with this key (long-press timers). */
int ui_pressed_key(const struct ui *ui, const char *key);

/* --- building a frame -------------------------------------------------------- */
void ui_begin(struct ui *ui);
/* Returns 1 when something was activated during this build (the caller builds again
 * so the screen reflects the new state). */
int ui_end(struct ui *ui);
/* Widgets after this belong to a modal layer: those before it stop being visible to
 * input, press/expect/dump, and are dimmed. */
void ui_modal(struct ui *ui);

void ui_panel(struct ui *ui, SDL_Rect r, const struct ui_opts *o);
void ui_label(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o);
/* printf-style label. */
void ui_labelf(struct ui *ui, SDL_Rect r, const struct ui_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int ui_button(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o);
int ui_tile(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o);
/* A field: its visible label is `label`; pressing it returns 1 (the screen focuses it). */
int ui_field(struct ui *ui, SDL_Rect r, const char *label, const char *value,
             const struct ui_opts *o);
int ui_checkbox(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o);
int ui_key(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o);
int ui_row(struct ui *ui, SDL_Rect r, const char *text, const struct ui_opts *o);
void ui_image(struct ui *ui, SDL_Rect r, const uint8_t *rgba, int w, int h, uint64_t version,
              const char *key);
/* An invisible touch area (a hidden corner): nothing is drawn, but it is pressed, held
 * (ui_pressed_key(ui, key)) and tapped like a button.  Returns 1 on a tap. */
int ui_area(struct ui *ui, SDL_Rect r, const char *key);

void ui_ink(struct ui *ui, SDL_Rect r, const char *key, const struct ui_ink *ink);
enum ui_ink_type { UI_INK_DOWN, UI_INK_MOVE, UI_INK_UP };
struct ui_ink_event {
    enum ui_ink_type type;
    int x, y;              /* logical pixels of the screen */
};
/* Takes up to max queued pointer events of the writing surface `key` (oldest first);
 * returns how many.  A second press without a lift ends the open stroke with an UP
 * where the finger was last; ui_pointer_cancel() drops what is queued. */
int ui_take_ink(struct ui *ui, const char *key, struct ui_ink_event *out, int max);

/* A dialog over the screen (ui_modal first): a title (may be NULL), the text under it,
 * and one or two buttons, each as wide as its words, the card as tall as the words need
 * (never beyond the screen: the text then gets smaller first).  no may be NULL: one
 * button.  Returns 1 when yes (the primary, right) was pressed, 2 for no, else 0. */
int ui_dialog(struct ui *ui, const char *title, const char *text, const char *no,
              const char *yes);

/* A vertical list of `count` rows of height row_h inside r, scrolled by drags with
 * momentum.  Only visible rows are built, so 10,000 rows cost what 10 do.  For each
 * visible row the callback adds its widgets; it returns 1 when the row was activated.
 * Returns the index of an activated row, or -1. */
struct ui_list_state {
    float offset;          /* px scrolled from the top */
    float velocity;        /* px/s, decays */
    int64_t last_ms;
};
typedef int (*ui_row_fn)(struct ui *ui, void *ctx, int index, SDL_Rect row);
int ui_list(struct ui *ui, SDL_Rect r, const char *key, struct ui_list_state *ls, int count,
            int row_h, ui_row_fn fn, void *ctx);
/* Advances momentum scrolling to now; returns 1 while the list is still moving. */
int ui_list_animate(struct ui_list_state *ls, int64_t now_ms);
/* The clock lists glide by (the app sets it before each build), and the time of the next
 * animation frame a gliding list needs (INT64_MAX: none). */
void ui_set_time(struct ui *ui, int64_t now_ms);
int64_t ui_next_wake(const struct ui *ui);
/* Width in pixels of one line of text at a ui size (large-text factor applied). */
int ui_text_width(struct ui *ui, const char *s, int size, int bold);
/* Height in pixels of text wrapped at w, at most max_lines lines (0: all), at a ui size:
 * what a label of that width needs to show it whole. */
int ui_text_height(struct ui *ui, const char *s, int size, int bold, int w, int max_lines);

/* A string that lives until the next ui_begin(). */
const char *ui_strf(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- drawing ------------------------------------------------------------------ */
/* Redraws the dirty rectangles into the canvas and presents.  Returns 1 if anything
 * was drawn.  force redraws everything. */
int ui_draw(struct ui *ui, int force);
/* Reads the canvas (logical size) as RGBA pixels: malloc'd, w*4 stride; caller frees. */
uint8_t *ui_read_pixels(struct ui *ui, int *w, int *h);
/* The same as R,G,B bytes (w*3 stride): the screen is opaque, so a screenshot needs no
 * alpha, and a quarter less to compress. */
uint8_t *ui_read_rgb(struct ui *ui, int *w, int *h);

/* --- introspection for script mode ------------------------------------------- */
/* Visible widgets (top layer only when a dialog is up), in build order. */
int ui_visible_count(const struct ui *ui);
const struct ui_widget *ui_visible_at(const struct ui *ui, int i);
const char *ui_kind_name(enum ui_kind k);
/* `fit`: every visible text laid out as ui_draw() draws it, and each that does not fit
 * reported.  A text is shortened (an ellipsis ends it: max_lines cut it), cut (lines
 * of ink fall outside its box at the bottom), overflows (ink beyond its box's sides: a
 * glyph wider than the box), clipped (ink off the screen), or overlaps (its lines run
 * into another visible text).  Text cut by the edge of a scrolling list is not
 * reported: the list shows that there is more (the browse kit's paging). */
enum ui_fit_problem { UI_FIT_SHORTENED, UI_FIT_CUT, UI_FIT_OVERFLOW, UI_FIT_CLIPPED,
                      UI_FIT_OVERLAP };
struct ui_fit_issue {
    enum ui_fit_problem problem;
    const struct ui_widget *w;        /* the widget whose text does not fit */
    const char *text;                 /* which of its texts (text, sub, hint, icon) */
    SDL_Rect box;                     /* the box the text is drawn in */
    int need_w, need_h;               /* the whole text wrapped at the box's width */
    const struct ui_widget *other;    /* UI_FIT_OVERLAP: the widget it runs into */
    const char *other_text;
};
typedef void (*ui_fit_fn)(void *ctx, const struct ui_fit_issue *issue);
/* Checks the visible widgets (the dialog's when one is up); calls fn for each problem
 * and returns how many there were.  Draws nothing and costs no PNG. */
int ui_fit(struct ui *ui, ui_fit_fn fn, void *ctx);
const char *ui_fit_problem_name(enum ui_fit_problem p);

/* Frame statistics for the benchmark. */
struct ui_stats {
    uint64_t frames, widgets_drawn, pixels_drawn;
    uint64_t text_hits, text_misses;
};
void ui_get_stats(const struct ui *ui, struct ui_stats *s);

/* Rect helpers. */
static inline SDL_Rect rect(int x, int y, int w, int h)
{
    SDL_Rect r = {x, y, w, h};
    return r;
}
/* r shrunk by d on every side. */
SDL_Rect rect_inset(SDL_Rect r, int d);
/* Splits r into n columns (or rows) with gap g; returns the i-th. */
SDL_Rect rect_col(SDL_Rect r, int n, int i, int g);
SDL_Rect rect_row(SDL_Rect r, int n, int i, int g);

#endif
