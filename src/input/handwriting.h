/* handwriting — the recogniser behind the keyboard's writing pad (手写): finger strokes
 * in, candidate characters out.  A thin wrapper over zinnia with the simplified-Chinese
 * model Debian packages (tegaki-zinnia-simplified-chinese: 6,763 characters, GB2312).
 *
 * The model is 26 MB and libzinnia pulls in libstdc++, so both are loaded on the first
 * use of the pad (hw_open), never at start: most visitors never write, and Home's
 * start-up and memory stay as they are.
 *
 * Strokes are kept here in the pad's logical pixels, in the order written, and drawn
 * from here; after each finished stroke every stroke so far is recognised again, so
 * the candidates always belong to the whole character.  Before recognition the strokes
 * are fitted into zinnia's square box by their own extent (a small character written
 * in a corner of a wide pad reads like one filling the box).
 *
 * Paging is done here over the recogniser's best HW_RESULTS, so the page size can change
 * at any time, as for pinyin.
 *
 * Privacy: nothing written is logged or kept beyond the pad; hw_clear() and hw_reset()
 * wipe the points and candidates.
 *
 * Owns: the zinnia recogniser, the strokes, the candidates.  Every call must come from
 * the UI thread.  Never does: draw, or decide what a chosen character means. */
#ifndef KIOSK_HANDWRITING_H
#define KIOSK_HANDWRITING_H

#include <stddef.h>
#include <stdint.h>

/* Where Debian's package puts the model. */
#define HW_MODEL_DEFAULT "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"
#define HW_PAGE_DEFAULT 8
#define HW_PAGE_MAX 20
/* Candidates asked of the recogniser per character. */
#define HW_RESULTS 60
/* A character has at most this many strokes (the model's longest has 30 or so). */
#define HW_STROKES_MAX 48
/* Points kept in all; a stroke sampled densely is thinned to points 2 px apart. */
#define HW_POINTS_MAX 4096

struct hw;

struct hw_point {
    int16_t x, y;
};

/* Loads libzinnia and opens the model file (NULL: HW_MODEL_DEFAULT).  Returns the
 * recogniser, closed with hw_close(), or NULL with a sentence in err (the library or the
 * model missing, the model unreadable). */
struct hw *hw_open(const char *model, char *err, size_t errlen);
/* Wipes the strokes and frees the recogniser.  NULL is fine. */
void hw_close(struct hw *h);

/* One finger stroke, in the pad's logical pixels: begin at the press, a point for each
 * move, end at the lift.  Points beyond HW_POINTS_MAX, and strokes beyond
 * HW_STROKES_MAX, are ignored.  hw_stroke_end() recognises every stroke so far and
 * returns the number of candidates (0: nothing recognised; -1: no stroke open). */
void hw_stroke_begin(struct hw *h, int x, int y);
void hw_stroke_point(struct hw *h, int x, int y);
int hw_stroke_end(struct hw *h);
/* Takes back the last stroke (the pad's 删除 while strokes are on it) and recognises
 * what is left.  Returns 1 when a stroke went, 0 when there was none. */
int hw_undo_stroke(struct hw *h);
/* Finished strokes (a stroke being drawn counts once it has begun). */
int hw_stroke_count(const struct hw *h);
/* The points of every stroke for drawing, the one being drawn included: *pts holds
 * them all, stroke i ends before (*ends)[i].  Returns the number of strokes.  Valid
 * until the next change. */
int hw_strokes(const struct hw *h, const struct hw_point **pts, const int **ends);
/* Changes whenever the strokes change (redraw). */
uint64_t hw_version(const struct hw *h);

/* The current page's candidates, best first: up to max into out[], returns how many.
 * Owned by the recogniser, valid until the next change of strokes or page. */
int hw_candidates(const struct hw *h, const char **out, int max);
/* 1 once a character is recognised (candidates showing). */
int hw_has_candidates(const struct hw *h);
int hw_page(const struct hw *h);
int hw_has_next(const struct hw *h);
int hw_has_prev(const struct hw *h);
int hw_page_next(struct hw *h);
int hw_page_prev(struct hw *h);
/* 1…HW_PAGE_MAX; back to the first page.  0, or -1 when out of range. */
int hw_set_page_size(struct hw *h, int n);

/* Chooses candidate index (0-based, on the current page): copies it into out
 * (NUL-terminated) and clears the pad for the next character.  Returns 1, or -1 when
 * there is no such candidate. */
int hw_select(struct hw *h, int index, char *out, size_t n);

/* 重写: wipes the strokes and the candidates. */
void hw_clear(struct hw *h);

#endif
