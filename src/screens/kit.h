/* kit — the pieces the screens compose instead of copying: catalogue templates, the
 * browse list with its paging bar and count, list rows with a tag, a row of chips, the
 * detail card (content that scrolls and pages inside a card), its sections, pills, fact
 * boxes and label/value blocks, the bar under a detail with its errand's button, the
 * notice a screen shows instead of content, and a dialog with one answer.  Jobs,
 * training, services and study are built from these, so a fix to one is a fix to all.
 *
 * Everything here is built from ui_* widgets with sizes from measured text: a piece is
 * as tall as its words need at the current text size, in either language.
 *
 * Paging.  A list or card whose content is taller than its window gets a bar under it:
 * 上一屏 and 下一屏 (Page up / Page down, never the keyboard's 上一页/下一页), each shown
 * only when there is more that way, and between them what is in view (第 5–8 条，共 49
 * 条, or 第 1 屏，共 3 屏 for a card).  A page moves by whole rows: a list's window is a
 * whole number of rows high, so nothing in it is cut.
 *
 * Owns nothing: state lives in the screens (struct ui_list_state).  Never does: SQL,
 * drawing of its own, knowing what a job or a session is. */
#ifndef KIOSK_KIT_H
#define KIOSK_KIT_H

#include <SDL.h>

#include "ui/ui.h"

struct app;

/* ---- text ---------------------------------------------------------------------------- */

/* tmpl with each "{}" replaced by the next value (catalogue texts are never printf
 * formats), in the frame arena; a NULL ends the values.  Use KIT_FILL. */
const char *kit_fill_v(struct ui *ui, const char *tmpl, ...);
#define KIT_FILL(ui, tmpl, ...) kit_fill_v((ui), (tmpl), __VA_ARGS__, (const char *)NULL)
/* n as text, in the frame arena. */
const char *kit_num(struct ui *ui, int n);
/* "身份证号 · 第 3 项，共 9 项": a form's field and where it stands in the form. */
const char *kit_step(struct app *a, struct ui *ui, const char *label, int n, int total);

/* ---- lists ----------------------------------------------------------------------------- */

/* Where the items of a scrolling window are, for paging by whole items and for the
 * count: uniform rows (row_h), or the tops of variable items (tops, ascending; their
 * bottoms are the next top or content_h) of which the counted ones are `counted`
 * (NULL: all).  total 0: a card without items, counted in screens. */
struct kit_items {
    int row_h;
    const int *tops;
    const unsigned char *counted;
    int n, total;
};

/* Height of the paging bar. */
int kit_pager_h(struct ui *ui);
/* The window inside r that content of content_h shows in: all of r when it fits, else r
 * less the paging bar, a whole number of rows high for uniform rows. */
SDL_Rect kit_view(struct ui *ui, SDL_Rect r, int content_h, int row_h);
/* The paging bar under view (inside r) when content_h is more than view.h: 上一屏 /
 * 下一屏 move ls by a window, snapped to items. */
void kit_pager(struct app *a, struct ui *ui, SDL_Rect r, SDL_Rect view, struct ui_list_state *ls,
               int content_h, const struct kit_items *items);

/* A browse list: count rows of row_h in r, with the paging bar when they do not fit.
 * Returns the row tapped, or -1. */
int kit_list(struct app *a, struct ui *ui, SDL_Rect r, const char *key, struct ui_list_state *ls,
             int count, int row_h, ui_row_fn fn, void *ctx);

/* The row height that shows a title and two lines of detail at this text size. */
int kit_row_h(struct ui *ui, int lines);
/* A row of a browse list: its title, the detail under it (two lines at most), and a tag
 * (急招 · 招8人, 余 12 个名额, a window) right of the title when both fit on the line,
 * else leading the detail.  Returns 1 when tapped.  teaser: the detail is an excerpt
 * (an article's opening lines) that may end in "…". */
int kit_row(struct ui *ui, SDL_Rect r, const char *title, const char *sub, const char *tag,
            int teaser);
/* Lines of detail (1 or 2) such a row needs at width w: lists measure their rows once
 * and make every row as tall as the tallest needs. */
int kit_row_lines(struct ui *ui, int w, const char *title, const char *sub, const char *tag);

/* Chips flowing over as many lines as they need in r (r.h ignored): labels[0..n), the
 * selected one marked.  Sets *chosen to the index tapped.  Returns the height used. */
int kit_chips(struct ui *ui, SDL_Rect r, const char *const *labels, int n, int selected,
              int *chosen);
/* The same with any number marked: bit i of selected marks labels[i] (n at most 32). */
int kit_chips_many(struct ui *ui, SDL_Rect r, const char *const *labels, int n,
                   unsigned selected, int *chosen);
/* The height such chips take at width w; *end_x (may be NULL) gets how far their last line
 * reaches from the left (for a button beside it). */
int kit_chips_h(struct ui *ui, int w, const char *const *labels, int n, int *end_x);

/* ---- the detail card ------------------------------------------------------------------- */

/* A column of content laid out top to bottom in pieces (a paragraph, a row of fact
 * boxes, a pill): first measured (build 0), which notes where each piece begins, then
 * built, and then only the pieces wholly inside the card's window are added — a piece
 * is never shown cut in half, and pages begin where a piece begins. */
#define KIT_FLOW_PIECES 64
struct kit_flow {
    struct app *a;
    struct ui *ui;
    int x, y, w;              /* the column; y moves down as pieces are added */
    int build;
    SDL_Rect view;            /* the window: pieces outside it are not added */
    int tops[KIT_FLOW_PIECES];/* measuring: where each piece begins */
    int ntops;
};
typedef void (*kit_content_fn)(struct kit_flow *f, void *ctx);

/* Begins a piece of height h at f->y: returns whether to add its widgets (it is
 * wholly in the window, or taller than the window and in it, and the flow builds). */
int kit_flow_shows(struct kit_flow *f, int h);
/* A paragraph of text at size, wrapped to the column; then gap px. */
void kit_flow_text(struct kit_flow *f, const char *text, int size, int bold, enum ui_role role,
                   int gap);
/* A section: a heading in the accent colour over body text (none: `none` instead). */
void kit_flow_section(struct kit_flow *f, const char *heading, const char *body,
                      const char *none);
/* A pill (the gold badge of 急招, a session's kind, a window) at x, y; returns its
 * width.  Its height is kit_pill_h(). */
int kit_pill(struct ui *ui, int x, int y, int max_w, const char *text, int build);
int kit_pill_h(struct ui *ui);
/* A pill on a line of its own in the flow, then gap px. */
void kit_flow_pill(struct kit_flow *f, const char *text, int gap);
/* Fact boxes (月薪, 招聘人数 …): keys over large values, in cols columns. */
void kit_flow_facts(struct kit_flow *f, const char *const *keys, const char *const *values,
                    int n, int cols);
/* Label and value rows (时间, 地点, 名额 …): side by side when the labels fit a third of
 * the column, else each label over its value.  roles may be NULL. */
void kit_flow_pairs(struct kit_flow *f, const char *const *keys, const char *const *values,
                    const enum ui_role *roles, int n);

/* The card in view: its content from fn, scrolled and paged.  The paging bar goes in
 * pager when that has room (kit_action_bar's column), else inside the card. */
void kit_card(struct app *a, struct ui *ui, SDL_Rect view, const char *key,
              struct ui_list_state *ls, kit_content_fn fn, void *ctx, SDL_Rect pager);

/* The errand's large button (its text `button`) and a note (may be NULL) about it, and
 * the card's place: in landscape a column at the right of c (the note at its top, the
 * button at its foot, *pager between them) beside a card as tall as the screen allows;
 * in portrait the note and the button across the bottom under the card (*pager empty).
 * Sets *above to the card's place.  Returns 1 when the button was tapped (never when
 * disabled). */
int kit_action_bar(struct app *a, struct ui *ui, SDL_Rect c, const char *note,
                   enum ui_role note_role, const char *button, int disabled, SDL_Rect *above,
                   SDL_Rect *pager);

/* ---- receipts ---------------------------------------------------------------------------- */

struct receipts_status;
/* A receipt's print state in words for the person at the screen, with what to do —
 * never the printer's technical reason (that goes to the log and the staff screen):
 * 正在打印… / 已打印，请取走回执 / 今天不能打印回执，请拍下屏幕上的二维码或记下编号 …  ticket:
 * the words of a queue ticket.  *role: its colour. */
const char *kit_print_words(struct app *a, const struct receipts_status *st, int ticket,
                            enum ui_role *role);

/* ---- states and dialogs ---------------------------------------------------------------- */

/* A sentence instead of content (nothing found, cannot read, withdrawn), in c. */
void kit_notice(struct ui *ui, SDL_Rect c, const char *text, enum ui_role role);
/* A dialog over the screen: text and one button.  Returns 1 when it was pressed. */
int kit_dialog(struct ui *ui, const char *text, const char *button);

#endif
