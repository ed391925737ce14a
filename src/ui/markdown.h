/* markdown — the small Markdown the study materials are written in, turned into pages
 * of widgets for a reader: "#" to "###" headings, paragraphs (lines joined until a
 * blank line), "- " / "* " / "+ " bullets and "1. " / "1、" numbered items, "> " quotes
 * (shown as paragraphs), **strong** (and __strong__) inside any of them, and an image
 * on a line of its own, ![alt](name.png), with the alt text as its caption.  Anything
 * else is text: a stray "**" or "#" shows as it is, never disappears.
 *
 * Three steps, so that a page turn costs nothing: md_parse() once per article;
 * md_layout() once per width, page height and text size — it breaks every block into
 * lines with the real fonts (text_break, the same breaking the labels use, CJK rules
 * included) and deals the lines onto pages by their measured heights, never splitting
 * a line and never leaving a heading alone at the bottom of a page; md_build_page()
 * per frame, which only adds the widgets of one page (a label per run of one style on
 * a line, an image, a caption).
 *
 * Sizes are the toolkit's (enum ui_size or px before the large-text factor); the layout
 * measures at ui_px() so large-text mode gives bigger text and more pages.
 *
 * Owns: the parsed blocks and the laid-out pages (strings copied).  Borrows: the
 * images' pixels, which must outlive the layout.  Never does: read files or the
 * database, draw (ui_label / ui_image do), or know what a material is. */
#ifndef KIOSK_MARKDOWN_H
#define KIOSK_MARKDOWN_H

#include <stdint.h>

struct ui;
struct md_doc;
struct md_pages;

enum md_kind { MD_PARA, MD_HEADING, MD_BULLET, MD_NUMBERED, MD_IMAGE };

/* A run of strong text: bytes [start, start+len) of a block's text. */
struct md_span {
    int start, len;
};

/* One block as parsed; exposed for tests and for a reader that wants the headings. */
struct md_block {
    enum md_kind kind;
    int level;             /* MD_HEADING: 1..3 (deeper headings count as 3) */
    int number;            /* MD_NUMBERED: the number written */
    char *text;            /* markers removed; MD_IMAGE: the alt text */
    char *image;           /* MD_IMAGE: the file name */
    struct md_span *spans; /* strong runs, in order, not overlapping */
    int nspans;
};

/* Parses text (UTF-8; "\r\n" is fine).  Never fails (aborts when out of memory). */
struct md_doc *md_parse(const char *text);
void md_free(struct md_doc *d);
int md_block_count(const struct md_doc *d);
const struct md_block *md_block_at(const struct md_doc *d, int i);

/* A picture an MD_IMAGE block may name: RGBA pixels, borrowed. */
struct md_image {
    const char *name;
    const uint8_t *rgba;
    int w, h;
};

struct md_style {
    int body;              /* paragraph and list text size */
    int h1, h2, h3;        /* heading sizes */
    int caption;           /* image caption size */
    int line_pct;          /* line pitch in % of the font's line height (e.g. 140) */
    int image_scale_pct;   /* largest enlargement of a picture (e.g. 150) */
};

/* Lays d out in a column width px wide, on pages page_h px high, measuring with ui's
 * fonts at ui_px() sizes.  An image named by no entry of imgs shows its caption only.
 * Returns the pages (md_pages_free) — at least one, even for an empty document. */
struct md_pages *md_layout(const struct md_doc *d, struct ui *ui, int width, int page_h,
                           const struct md_style *st, const struct md_image *imgs, int nimg);
void md_pages_free(struct md_pages *p);
int md_page_count(const struct md_pages *p);
/* The height the content of page takes (<= page_h). */
int md_page_height(const struct md_pages *p, int page);

/* Adds page's widgets with the column's top-left corner at (x, y).  key_prefix makes
 * image keys unique to the reader (e.g. the material id). */
void md_build_page(struct ui *ui, const struct md_pages *p, int page, int x, int y,
                   const char *key_prefix);

#endif
