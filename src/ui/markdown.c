/* markdown — see markdown.h.  Parsing is one pass over the lines; layout is one pass
 * over the blocks, each broken into lines by text_break() and each line cut at the
 * strong runs into labels placed side by side at their measured widths.  A block with
 * strong runs is broken at the bold widths, which are never narrower than the regular
 * ones, so a line that fits broken that way fits however its runs are drawn. */
#include "ui/markdown.h"

#include "core/util.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdlib.h>
#include <string.h>

struct md_doc {
    struct md_block *b;
    int n, cap;
};

/* ---- parsing -------------------------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        abort();
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static struct md_block *new_block(struct md_doc *d, enum md_kind kind)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->b = xrealloc(d->b, (size_t)d->cap * sizeof *d->b);
    }
    struct md_block *b = &d->b[d->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static int is_escape(const char *s, size_t i, size_t n)
{
    return s[i] == '\\' && i + 1 < n && strchr("*_\\#![]", s[i + 1]);
}

/* Appends s[0..n) with its backslash escapes resolved. */
static void add_unescaped(struct strbuf *sb, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_escape(s, i, n))
            i++;
        strbuf_addn(sb, s + i, 1);
    }
}

/* Sets b->text and b->spans from raw inline text: "**x**" / "__x__" become strong runs
 * when the opening marker is followed by, and the closing one preceded by, something
 * other than a space (so "a ** b" stays as it is), the run is not empty and closes in
 * the same block; "\*" is a literal star. */
static void parse_inline(struct md_block *b, const char *raw, size_t n)
{
    struct strbuf sb = {0};
    int cap = 0;
    for (size_t i = 0; i < n;) {
        if (is_escape(raw, i, n)) {
            strbuf_addn(&sb, raw + i + 1, 1);
            i += 2;
            continue;
        }
        if (i + 1 < n && (raw[i] == '*' || raw[i] == '_') && raw[i + 1] == raw[i]) {
            char m = raw[i];
            const char *close = NULL;
            if (i + 2 < n && raw[i + 2] != ' ' && raw[i + 2] != m)
                for (size_t j = i + 3; j + 1 < n; j++) {
                    if (is_escape(raw, j, n)) {
                        j++;
                        continue;
                    }
                    if (raw[j] == m && raw[j + 1] == m && raw[j - 1] != ' ') {
                        close = raw + j;
                        break;
                    }
                }
            if (close) {
                if (b->nspans == cap) {
                    cap = cap ? cap * 2 : 4;
                    b->spans = xrealloc(b->spans, (size_t)cap * sizeof *b->spans);
                }
                size_t at = sb.len;
                add_unescaped(&sb, raw + i + 2, (size_t)(close - (raw + i + 2)));
                b->spans[b->nspans++] = (struct md_span){(int)at, (int)(sb.len - at)};
                i = (size_t)(close - raw) + 2;
                continue;
            }
            strbuf_addn(&sb, raw + i, 2);
            i += 2;
            continue;
        }
        strbuf_addn(&sb, raw + i, 1);
        i++;
    }
    b->text = sb.buf ? strbuf_detach(&sb) : xstrndup("", 0);
}

/* The block being collected: its kind and raw text, lines joined. */
struct pending {
    int open;
    int quote;             /* the paragraph is a "> " quote */
    enum md_kind kind;
    int number;
    struct strbuf raw;
};

static void flush(struct md_doc *d, struct pending *p)
{
    if (!p->open)
        return;
    struct md_block *b = new_block(d, p->kind);
    b->number = p->number;
    parse_inline(b, p->raw.buf ? p->raw.buf : "", p->raw.len);
    strbuf_free(&p->raw);
    p->open = 0;
}

static void start(struct pending *p, enum md_kind kind, int number, const char *text, size_t n)
{
    p->open = 1;
    p->quote = 0;
    p->kind = kind;
    p->number = number;
    strbuf_reset(&p->raw);
    strbuf_addn(&p->raw, text, n);
}

/* Joins a continuation line: a space only between two Latin characters, as Chinese
 * text wrapped in the source must not gain spaces. */
static void join(struct pending *p, const char *text, size_t n)
{
    if (p->raw.len && n && (unsigned char)p->raw.buf[p->raw.len - 1] < 0x80 &&
        (unsigned char)text[0] < 0x80)
        strbuf_add(&p->raw, " ");
    strbuf_addn(&p->raw, text, n);
}

/* "![alt](name)" filling the whole line: 1 with the parts, else 0. */
static int image_line(const char *t, size_t n, const char **alt, size_t *altn, const char **name,
                      size_t *namen)
{
    if (n < 5 || t[0] != '!' || t[1] != '[' || t[n - 1] != ')')
        return 0;
    const char *mid = NULL;
    for (size_t i = 2; i + 1 < n; i++)
        if (t[i] == ']' && t[i + 1] == '(') {
            mid = t + i;
            break;
        }
    if (!mid)
        return 0;
    *alt = t + 2;
    *altn = (size_t)(mid - *alt);
    *name = mid + 2;
    *namen = (size_t)(t + n - 1 - *name);
    /* ![alt](name "title"): the title is not part of the name. */
    for (size_t i = 0; i < *namen; i++)
        if ((*name)[i] == ' ' || (*name)[i] == '\t') {
            *namen = i;
            break;
        }
    return *namen > 0;
}

static int is_rule(const char *t, size_t n)
{
    if (n < 3 || (t[0] != '-' && t[0] != '*' && t[0] != '_'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] != t[0] && t[i] != ' ')
            return 0;
    return 1;
}

static void parse_line(struct md_doc *d, struct pending *p, const char *t, size_t n)
{
    const char *alt, *name;
    size_t altn, namen;
    int h = 0;
    while (h < (int)n && t[h] == '#')
        h++;
    if (h >= 1 && h <= 6 && ((size_t)h == n || t[h] == ' ')) {
        flush(d, p);
        size_t s = (size_t)h, e = n;
        while (s < e && t[s] == ' ')
            s++;
        while (e > s && (t[e - 1] == '#' || t[e - 1] == ' '))
            e--;
        start(p, MD_HEADING, 0, t + s, e - s);
        flush(d, p);
        d->b[d->n - 1].level = h > 3 ? 3 : h;
        return;
    }
    if (image_line(t, n, &alt, &altn, &name, &namen)) {
        flush(d, p);
        struct md_block *b = new_block(d, MD_IMAGE);
        b->text = xstrndup(alt, altn);
        b->image = xstrndup(name, namen);
        return;
    }
    if (is_rule(t, n)) {
        flush(d, p);
        return;
    }
    if (n >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ') {
        flush(d, p);
        start(p, MD_BULLET, 0, t + 2, n - 2);
        return;
    }
    size_t k = 0;
    int num = 0;
    while (k < n && k < 9 && t[k] >= '0' && t[k] <= '9')
        num = num * 10 + (t[k++] - '0');
    if (k > 0 && k < n) {
        size_t skip = 0;
        if ((t[k] == '.' || t[k] == ')') && k + 1 < n && t[k + 1] == ' ')
            skip = 2;
        else if (!strncmp(t + k, "\xE3\x80\x81", 3)) /* 、 */
            skip = 3;
        if (skip) {
            flush(d, p);
            const char *r = t + k + skip;
            size_t rn = n - k - skip;
            while (rn && *r == ' ') {
                r++;
                rn--;
            }
            start(p, MD_NUMBERED, num, r, rn);
            return;
        }
    }
    if (t[0] == '>') {
        /* A quote is its own paragraph; its following "> " lines continue it. */
        size_t s = 1;
        while (s < n && t[s] == ' ')
            s++;
        if (s == n)
            return;
        if (p->open && p->quote) {
            join(p, t + s, n - s);
        } else {
            flush(d, p);
            start(p, MD_PARA, 0, t + s, n - s);
            p->quote = 1;
        }
        return;
    }
    if (p->open)
        join(p, t, n);
    else
        start(p, MD_PARA, 0, t, n);
}

struct md_doc *md_parse(const char *text)
{
    struct md_doc *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    struct pending p = {0};
    const char *s = text ? text : "";
    while (*s) {
        const char *e = s;
        while (*e && *e != '\n')
            e++;
        const char *t = s, *end = e;
        while (t < end && (*t == ' ' || *t == '\t'))
            t++;
        while (end > t && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (t == end)
            flush(d, &p);
        else
            parse_line(d, &p, t, (size_t)(end - t));
        s = *e ? e + 1 : e;
    }
    flush(d, &p);
    strbuf_free(&p.raw);
    return d;
}

void md_free(struct md_doc *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->n; i++) {
        free(d->b[i].text);
        free(d->b[i].image);
        free(d->b[i].spans);
    }
    free(d->b);
    free(d);
}

int md_block_count(const struct md_doc *d) { return d ? d->n : 0; }

const struct md_block *md_block_at(const struct md_doc *d, int i) { return &d->b[i]; }

/* ---- layout --------------------------------------------------------------------------- */

struct md_item {
    int page;
    SDL_Rect r;             /* relative to the column's top-left */
    char *text;             /* a label; NULL for an image */
    int size, bold;
    enum ui_role role;
    const struct md_image *img;
};

struct md_pages {
    struct md_item *it;
    int n, cap;
    int *heights;           /* content height per page */
    int npages;
};

/* One line (or picture) waiting for a page: its items at y 0 and its height. */
struct unit {
    struct md_item *it;
    int n, cap;
    int h;
};

static void unit_add(struct unit *u, struct md_item item)
{
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 4;
        u->it = xrealloc(u->it, (size_t)u->cap * sizeof *u->it);
    }
    u->it[u->n++] = item;
}

/* The units of one block. */
struct units {
    struct unit *u;
    int n, cap;
};

static struct unit *units_new(struct units *us, int h)
{
    if (us->n == us->cap) {
        us->cap = us->cap ? us->cap * 2 : 8;
        us->u = xrealloc(us->u, (size_t)us->cap * sizeof *us->u);
    }
    struct unit *u = &us->u[us->n++];
    memset(u, 0, sizeof *u);
    u->h = h;
    return u;
}

static void units_clear(struct units *us)
{
    for (int i = 0; i < us->n; i++) {
        for (int j = 0; j < us->u[i].n; j++)
            free(us->u[i].it[j].text);
        free(us->u[i].it);
    }
    us->n = 0;
}

static int only_spaces(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] != ' ')
            return 0;
    return 1;
}

struct lay {
    struct ui *ui;
    struct text_fonts *tf;
    const struct md_style *st;
    int width, page_h;
};

static int block_size(const struct md_style *st, const struct md_block *b)
{
    if (b->kind != MD_HEADING)
        return st->body;
    return b->level == 1 ? st->h1 : b->level == 2 ? st->h2 : st->h3;
}

/* Breaks a text block into line units. */
static void text_units(const struct lay *L, const struct md_block *b, struct units *us)
{
    int size = block_size(L->st, b), px = ui_px(L->ui, size);
    int heading = b->kind == MD_HEADING;
    struct text_style reg = {.size_px = px, .bold = heading};
    struct text_style bold = {.size_px = px, .bold = 1};
    enum ui_role role = heading ? ROLE_ACCENT : ROLE_NORMAL;
    int pct = heading ? 125 : L->st->line_pct;
    int lh = text_line_height(L->tf, &reg);
    int pitch = lh * pct / 100;
    /* A hanging indent for list items: the marker in it, the text beside it. */
    int indent = 0;
    char marker[16] = "";
    if (b->kind == MD_BULLET) {
        util_strlcpy(marker, "•", sizeof marker);
        indent = px * 3 / 2;
    } else if (b->kind == MD_NUMBERED) {
        snprintf(marker, sizeof marker, "%d.", b->number);
        indent = text_width(L->tf, "00.", -1, &reg) + px / 2;
        int mw = text_width(L->tf, marker, -1, &reg) + px / 2;
        if (mw > indent)
            indent = mw;
    }
    int avail = L->width - indent;
    if (avail < px * 4)
        avail = px * 4;
    const struct text_style *brk = b->nspans ? &bold : &reg;
    int total = text_break(L->tf, b->text, brk, avail, NULL, 0);
    if (total <= 0)
        return;
    struct text_line *lines = xrealloc(NULL, (size_t)total * sizeof *lines);
    int got = text_break(L->tf, b->text, brk, avail, lines, total);
    if (got > total)
        got = total;
    int slack = px / 2;
    for (int j = 0; j < got; j++) {
        struct unit *u = units_new(us, pitch);
        int top = (pitch - lh) / 2;
        if (j == 0 && marker[0]) {
            struct md_item m = {.r = {0, top, indent, lh}, .text = xstrndup(marker, strlen(marker)),
                                .size = size, .bold = 1, .role = ROLE_ACCENT};
            unit_add(u, m);
        }
        int pos = lines[j].start, end = lines[j].start + lines[j].len, x = indent;
        while (pos < end) {
            int seg_end = end, strong = heading;
            for (int k = 0; k < b->nspans; k++) {
                int s0 = b->spans[k].start, s1 = s0 + b->spans[k].len;
                if (pos >= s0 && pos < s1) {
                    seg_end = s1 < end ? s1 : end;
                    strong = 1;
                    break;
                }
                if (s0 > pos) {
                    seg_end = s0 < end ? s0 : end;
                    break;
                }
            }
            int len = seg_end - pos;
            const struct text_style *ts = strong ? &bold : &reg;
            int w = text_width(L->tf, b->text + pos, len, ts);
            if (!only_spaces(b->text + pos, len)) {
                struct md_item it = {.r = {x, top, w + slack, lh},
                                     .text = xstrndup(b->text + pos, (size_t)len),
                                     .size = size, .bold = strong, .role = role};
                unit_add(u, it);
            }
            x += w;
            pos = seg_end;
        }
    }
    free(lines);
}

static const struct md_image *find_image(const struct md_image *imgs, int nimg, const char *name)
{
    for (int i = 0; i < nimg; i++)
        if (imgs[i].name && !strcmp(imgs[i].name, name) && imgs[i].rgba && imgs[i].w > 0 &&
            imgs[i].h > 0)
            return &imgs[i];
    return NULL;
}

/* A picture, scaled to the column and to room (the page, or what is left of it),
 * centred, with its caption under it. */
static void image_units(const struct lay *L, const struct md_block *b, const struct md_image *img,
                        int room_h, struct units *us)
{
    int cpx = ui_px(L->ui, L->st->caption);
    struct text_style cs = {.size_px = cpx};
    int ch = b->text[0] ? text_line_height(L->tf, &cs) * 13 / 10 : 0;
    int iw = 0, ih = 0;
    if (img) {
        /* Enlarge at most image_scale_pct, never beyond the column or the page. */
        int64_t w = (int64_t)img->w * L->st->image_scale_pct / 100, h;
        if (w > L->width)
            w = L->width;
        h = w * img->h / img->w;
        int room = room_h - ch;
        if (h > room && room > 0) {
            h = room;
            w = h * img->w / img->h;
        }
        iw = (int)w;
        ih = (int)h;
    }
    if (!ih && !ch)
        return;
    struct unit *u = units_new(us, ih + ch);
    if (img) {
        struct md_item it = {.r = {(L->width - iw) / 2, 0, iw, ih}, .img = img};
        unit_add(u, it);
    }
    if (ch) {
        struct md_item it = {.r = {0, ih, L->width, ch}, .text = xstrndup(b->text, strlen(b->text)),
                             .size = L->st->caption, .role = ROLE_MUTED};
        unit_add(u, it);
    }
}

/* A picture that does not fit what is left of the page takes that room instead when
 * it is still shown at least at its own size (or the column's width): a page is not
 * left half empty for an enlargement. */
static void fit_image(const struct lay *L, const struct md_block *b, const struct md_image *img,
                      int room_h, struct units *us)
{
    if (!img || room_h <= 0)
        return;
    int64_t natural = img->w > L->width ? (int64_t)L->width * img->h / img->w : img->h;
    struct units alt = {0};
    image_units(L, b, img, room_h, &alt);
    if (alt.n && alt.u[0].n && alt.u[0].it[0].img && alt.u[0].it[0].r.h >= natural &&
        alt.u[0].h <= room_h) {
        struct units t = *us;
        *us = alt;
        alt = t;
    }
    units_clear(&alt);
    free(alt.u);
}

static void pages_add(struct md_pages *p, struct md_item it)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->it = xrealloc(p->it, (size_t)p->cap * sizeof *p->it);
    }
    p->it[p->n++] = it;
}

static void new_page(struct md_pages *p, int *y)
{
    p->heights[p->npages - 1] = *y;
    p->npages++;
    p->heights = xrealloc(p->heights, (size_t)p->npages * sizeof *p->heights);
    p->heights[p->npages - 1] = 0;
    *y = 0;
}

struct md_pages *md_layout(const struct md_doc *d, struct ui *ui, int width, int page_h,
                           const struct md_style *st, const struct md_image *imgs, int nimg)
{
    struct md_pages *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->npages = 1;
    p->heights = xrealloc(NULL, sizeof *p->heights);
    p->heights[0] = 0;
    struct lay L = {ui, ui_fonts(ui), st, width, page_h};
    int body_px = ui_px(ui, st->body);
    struct units us = {0}, next = {0};
    int y = 0;
    for (int i = 0; d && i < d->n; i++) {
        const struct md_block *b = &d->b[i];
        units_clear(&us);
        if (b->kind == MD_IMAGE)
            image_units(&L, b, find_image(imgs, nimg, b->image), page_h, &us);
        else
            text_units(&L, b, &us);
        if (!us.n)
            continue;
        /* Space before a block; more before a heading, none at the top of a page. */
        int gap = b->kind == MD_HEADING ? body_px : body_px * 6 / 10;
        if (b->kind == MD_BULLET || b->kind == MD_NUMBERED)
            gap = body_px * 3 / 10;
        if (y > 0)
            y += gap;
        if (b->kind == MD_IMAGE && y > 0 && y + us.u[0].h > page_h)
            fit_image(&L, b, find_image(imgs, nimg, b->image), page_h - y, &us);
        for (int j = 0; j < us.n; j++) {
            int need = us.u[j].h;
            if (b->kind == MD_HEADING && j == us.n - 1) {
                /* A heading keeps the first line of what follows on its page. */
                int k = i + 1;
                units_clear(&next);
                while (k < d->n && !next.n) {
                    if (d->b[k].kind == MD_IMAGE)
                        image_units(&L, &d->b[k], find_image(imgs, nimg, d->b[k].image), page_h,
                                    &next);
                    else
                        text_units(&L, &d->b[k], &next);
                    k++;
                }
                if (next.n)
                    need += body_px + next.u[0].h;
            }
            if (b->kind == MD_HEADING && j == 0)
                for (int k = 1; k < us.n; k++)
                    need += us.u[k].h;
            if (y > 0 && y + need > page_h) {
                /* The gap before a block never opens a page. */
                if (j == 0 && y >= gap)
                    y -= gap;
                new_page(p, &y);
            }
            for (int k = 0; k < us.u[j].n; k++) {
                struct md_item it = us.u[j].it[k];
                it.page = p->npages - 1;
                it.r.y += y;
                us.u[j].it[k].text = NULL; /* moved */
                pages_add(p, it);
            }
            y += us.u[j].h;
        }
    }
    p->heights[p->npages - 1] = y;
    units_clear(&us);
    units_clear(&next);
    free(us.u);
    free(next.u);
    return p;
}

void md_pages_free(struct md_pages *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        free(p->it[i].text);
    free(p->it);
    free(p->heights);
    free(p);
}

int md_page_count(const struct md_pages *p) { return p ? p->npages : 0; }

int md_page_height(const struct md_pages *p, int page)
{
    return p && page >= 0 && page < p->npages ? p->heights[page] : 0;
}

void md_build_page(struct ui *ui, const struct md_pages *p, int page, int x, int y,
                   const char *key_prefix)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++) {
        const struct md_item *it = &p->it[i];
        if (it->page != page)
            continue;
        SDL_Rect r = rect(x + it->r.x, y + it->r.y, it->r.w, it->r.h);
        if (it->img) {
            /* The name is the picture's identity: the same pixels at another address
             * after a relayout are still the same texture. */
            uint64_t v = 1469598103934665603ULL;
            for (const char *c = it->img->name; *c; c++)
                v = (v ^ (uint8_t)*c) * 1099511628211ULL;
            ui_image(ui, r, it->img->rgba, it->img->w, it->img->h, v,
                     ui_strf(ui, "%s/%s", key_prefix ? key_prefix : "md", it->img->name));
        } else {
            struct ui_opts o = {.size = it->size, .bold = it->bold, .role = it->role,
                                .max_lines = 1};
            if (it->role == ROLE_MUTED)
                o.align = TEXT_CENTER;
            ui_label(ui, r, it->text, &o);
        }
    }
}
