/* text — the font chain, Chinese line breaking (避头尾) and rendering of text to ARGB
 * surfaces.
 *
 * The chain is a short list of faces: the project's fonts/ folder (name order), Noto Sans
 * CJK SC (face 2 of the system .ttc), then DejaVu Sans (symbols, a few emoji) and Droid
 * Sans Fallback.  SDL_ttf draws one face at a time and has no fallback, so every code
 * point is given the first face that has its glyph and text is drawn as runs of
 * consecutive code points with the same face, on one baseline.
 *
 * Each face is opened at most once per weight, lazily, and kept open; a size change is a
 * TTF_SetFontSize (free) rather than a second open (~10 ms and ~2.7 MB each for the CJK
 * .ttc).  text_fonts_open opens only the faces up to the first one with Chinese glyphs.
 *
 * Layout works on an array of decoded code points with their face and an estimated
 * advance; break positions are chosen on the estimates and each line is then measured
 * exactly, run by run, the same way it is drawn, so a line's width is what is rendered.
 *
 * Owns: the TTF_Font handles and the TTF_Init reference taken by text_fonts_open.  Never
 * does: touch a renderer or cache anything rendered (see ui/textcache). */
#include "ui/text.h"

#include <SDL_ttf.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define MAX_FACES 24
#define MAX_DIR_FONTS 16
#define MAX_SIZE_PX 1000
/* Code point every Chinese UI needs; the first face that has it is the primary face. */
#define PROBE_CP 0x4E2D /* 中 */
#define ELLIPSIS_CP 0x2026

enum { W_REGULAR, W_BOLD, W_COUNT };

struct face_src {
    char *path;       /* NULL: this face does not serve the weight */
    long index;       /* face inside a .ttc */
    int synth_bold;   /* no bold file: SDL_ttf emboldens the regular outline */
};

struct face {
    struct face_src src[W_COUNT];
    TTF_Font *font[W_COUNT];
    int cur_size[W_COUNT];
    int failed[W_COUNT];   /* open failed once: logged, never retried */
};

/* A font file mapped into memory.  FreeType reads glyph data on demand: through a file
 * that is a seek and a read per glyph (most of the time of a long layout went to them),
 * through a mapping it is a page fault the first time and free afterwards. */
struct mapping {
    char *path;
    void *addr;
    size_t len;
};

struct text_fonts {
    struct face faces[MAX_FACES];
    int nfaces;
    struct mapping maps[MAX_FACES * W_COUNT];
    int nmaps;
    int primary;           /* the CJK face: line metrics and the .notdef of missing glyphs */
};

/* ---- character classes ------------------------------------------------------------ */

enum cls { C_OTHER, C_CJK, C_SPACE, C_NEWLINE, C_IGNORE, C_ZWSP };

/* Ideographs, kana, hangul, CJK punctuation, fullwidth forms and emoji: a line may break
 * before and after each of them (kinsoku permitting). */
static int is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0x3040 && c <= 0x31FF) || (c >= 0x3200 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ||
           (c >= 0x2600 && c <= 0x27BF) || (c >= 0x1F000 && c <= 0x1FAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

/* Format characters that have no glyph of their own and must not show as a box. */
static int is_ignorable(uint32_t c)
{
    return c == '\r' || c == 0x00AD || c == 0x034F || c == 0x061C ||
           (c >= 0x200C && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0000 && c <= 0xE0FFF) ||
           (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c < 0xA0);
}

static enum cls classify(uint32_t c)
{
    if (c == '\n' || c == 0x2028 || c == 0x2029)
        return C_NEWLINE;
    if (c == ' ' || c == '\t')
        return C_SPACE;
    if (c == 0x200B)
        return C_ZWSP;
    if (is_ignorable(c))
        return C_IGNORE;
    return is_cjk(c) ? C_CJK : C_OTHER;
}

static int in_list(uint32_t c, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == c)
            return 1;
    return 0;
}

/* Closing punctuation: never the first character of a line. */
static int no_start(uint32_t c)
{
    static const uint32_t list[] = {
        0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300D, 0x300F,
        0x3011, 0x300B, 0x3009, 0x201D, 0x2019, 0x2026, 0x00B7, 0x2014, 0x0025, 0xFF05,
        ',', '.', ';', ':', '?', '!', ')', ']', '}',
        0xFF3D, 0xFF5D, 0x3015, 0x3017, 0x3019, 0x301B, 0xFF60, 0xFF61, 0xFF63, 0xFF64,
        0xFF0E, 0x30FB, 0x2025, 0x2015, 0x301F, 0x3005, 0x303B, 0x309D, 0x309E, 0x30FD,
        0x30FE, 0x00BB, 0x203A, 0xFE30,
    };
    return in_list(c, list, ARRAY_LEN(list));
}

/* Opening punctuation and currency prefixes: never the last character of a line. */
static int no_end(uint32_t c)
{
    static const uint32_t list[] = {
        0xFF08, 0x300C, 0x300E, 0x3010, 0x300A, 0x3008, 0x201C, 0x2018, '(', '[', '{',
        0xFF3B, 0xFF5B, 0x3014, 0x3016, 0x3018, 0x301A, 0xFF5F, 0xFF62, 0x301D, 0x00AB,
        0x2039, 0xFFE5, 0x00A5, '$', 0x00A3, 0x20AC,
    };
    return in_list(c, list, ARRAY_LEN(list));
}

static int is_latin_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

/* ---- faces ------------------------------------------------------------------------ */

static void face_free(struct face *f)
{
    for (int w = 0; w < W_COUNT; w++) {
        if (f->font[w])
            TTF_CloseFont(f->font[w]);
        free(f->src[w].path);
    }
    memset(f, 0, sizeof *f);
}

/* Returns the mapping of path, mapping it on first use; NULL when it cannot be mapped
 * (the caller then opens the file the ordinary way). */
static const struct mapping *map_file(struct text_fonts *tf, const char *path)
{
    for (int i = 0; i < tf->nmaps; i++)
        if (!strcmp(tf->maps[i].path, path))
            return &tf->maps[i];
    if (tf->nmaps >= (int)ARRAY_LEN(tf->maps))
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *addr = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size > 0)
        addr = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (addr == MAP_FAILED)
        return NULL;
    struct mapping *m = &tf->maps[tf->nmaps];
    m->path = strdup(path);
    if (!m->path) {
        munmap(addr, (size_t)st.st_size);
        return NULL;
    }
    m->addr = addr;
    m->len = (size_t)st.st_size;
    tf->nmaps++;
    return m;
}

static TTF_Font *open_font(struct text_fonts *tf, const struct face_src *src, int size)
{
    const struct mapping *m = map_file(tf, src->path);
    SDL_RWops *rw = m ? SDL_RWFromConstMem(m->addr, (int)m->len) : NULL;
    if (rw)
        return TTF_OpenFontIndexRW(rw, 1, size, src->index);
    return TTF_OpenFontIndex(src->path, size, src->index);
}

/* Returns the face's font for the weight at the given size, opening it on first use;
 * NULL when the face does not serve the weight or cannot be opened (logged once).
 * The handle stays owned by tf. */
static TTF_Font *face_font(struct text_fonts *tf, int fi, int wt, int size)
{
    struct face *f = &tf->faces[fi];
    if (!f->src[wt].path || f->failed[wt])
        return NULL;
    if (!f->font[wt]) {
        f->font[wt] = open_font(tf, &f->src[wt], size);
        if (!f->font[wt]) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text: cannot open font %s (face %ld): %s",
                         f->src[wt].path, f->src[wt].index, TTF_GetError());
            f->failed[wt] = 1;
            return NULL;
        }
        if (f->src[wt].synth_bold)
            TTF_SetFontStyle(f->font[wt], TTF_STYLE_BOLD);
        f->cur_size[wt] = size;
    } else if (f->cur_size[wt] != size) {
        if (TTF_SetFontSize(f->font[wt], size) < 0) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text: cannot set size %d on %s: %s",
                         size, f->src[wt].path, TTF_GetError());
            return NULL;
        }
        f->cur_size[wt] = size;
    }
    return f->font[wt];
}

/* Any open handle of the face, for coverage questions (coverage does not depend on size). */
static TTF_Font *face_probe(struct text_fonts *tf, int fi, int wt, int size)
{
    struct face *f = &tf->faces[fi];
    return f->font[wt] ? f->font[wt] : face_font(tf, fi, wt, size);
}

/* Index of the first face that has a glyph for cp, or -1. */
static int face_for(struct text_fonts *tf, uint32_t cp, int wt, int size)
{
    for (int i = 0; i < tf->nfaces; i++) {
        TTF_Font *fo = face_probe(tf, i, wt, size);
        if (fo && TTF_GlyphIsProvided32(fo, cp))
            return i;
    }
    return -1;
}

static int add_face(struct text_fonts *tf, const char *reg, long reg_idx, const char *bold,
                    long bold_idx)
{
    if (tf->nfaces >= MAX_FACES)
        return -1;
    struct face *f = &tf->faces[tf->nfaces];
    memset(f, 0, sizeof *f);
    if (reg) {
        f->src[W_REGULAR].path = strdup(reg);
        f->src[W_REGULAR].index = reg_idx;
    }
    if (bold) {
        f->src[W_BOLD].path = strdup(bold);
        f->src[W_BOLD].index = bold_idx;
    } else if (reg) {
        f->src[W_BOLD].path = strdup(reg);
        f->src[W_BOLD].index = reg_idx;
        f->src[W_BOLD].synth_bold = 1;
    }
    if ((reg && !f->src[W_REGULAR].path) || !f->src[W_BOLD].path) {
        face_free(f);
        return -1;
    }
    return tf->nfaces++;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int has_font_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!SDL_strcasecmp(dot, ".ttf") || !SDL_strcasecmp(dot, ".otf") ||
                   !SDL_strcasecmp(dot, ".ttc"));
}

/* Lower-case name without weight words and separators, so that "Foo-Regular.ttf" and
 * "Foo-Bold.ttf" (or "Foo.ttf" and "Foo-Bold.ttf") have the same key. */
static void weight_key(const char *name, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = name; *p && o + 1 < n;) {
        if (!SDL_strncasecmp(p, "regular", 7)) { p += 7; continue; }
        if (!SDL_strncasecmp(p, "bold", 4)) { p += 4; continue; }
        if (*p == '-' || *p == '_' || *p == ' ') { p++; continue; }
        char c = *p++;
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = 0;
}

static int is_bold_name(const char *name)
{
    for (const char *p = name; *p; p++)
        if (!SDL_strncasecmp(p, "bold", 4))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the font files of dir in name order.  A file whose name says Bold is the bold face
 * of the file with the same name otherwise; a bold file with no partner serves only bold. */
static void add_dir_fonts(struct text_fonts *tf, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return; /* an absent project folder is normal: the system fonts follow */
    char *names[MAX_DIR_FONTS];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < MAX_DIR_FONTS) {
        if (de->d_name[0] == '.' || !has_font_ext(de->d_name))
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path ||
            !file_exists(path))
            continue;
        if ((names[n] = strdup(de->d_name)))
            n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);

    for (int i = 0; i < n; i++) {
        char key[256], key2[256], reg[4096], bold[4096];
        int bold_self = is_bold_name(names[i]), partner = -1;
        weight_key(names[i], key, sizeof key);
        for (int j = 0; j < n && partner < 0; j++) {
            if (j == i || is_bold_name(names[j]) == bold_self)
                continue;
            weight_key(names[j], key2, sizeof key2);
            if (!strcmp(key, key2))
                partner = j;
        }
        if (bold_self && partner >= 0)
            continue; /* added with its regular partner */
        snprintf(reg, sizeof reg, "%s/%s", dir, names[i]);
        if (bold_self) {
            add_face(tf, NULL, 0, reg, 0);
        } else if (partner >= 0) {
            snprintf(bold, sizeof bold, "%s/%s", dir, names[partner]);
            add_face(tf, reg, 0, bold, 0);
        } else {
            add_face(tf, reg, 0, NULL, 0);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
}

/* Noto Sans CJK ships as one .ttc per weight with the faces JP, KR, SC, TC, HK, then the
 * Mono ones; index 2 is Simplified Chinese in Debian's and the upstream files. */
static const char *const noto_dirs[] = {
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/truetype/noto",
};

static void add_system_fonts(struct text_fonts *tf)
{
    char reg[512], bold[512];
    for (size_t i = 0; i < ARRAY_LEN(noto_dirs); i++) {
        snprintf(reg, sizeof reg, "%s/NotoSansCJK-Regular.ttc", noto_dirs[i]);
        snprintf(bold, sizeof bold, "%s/NotoSansCJK-Bold.ttc", noto_dirs[i]);
        if (file_exists(reg)) {
            add_face(tf, reg, 2, file_exists(bold) ? bold : NULL, 2);
            break;
        }
    }
    /* Symbols, arrows, a set of emoji and U+FFFD that Noto Sans CJK lacks. */
    const char *dv = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const char *dvb = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    if (file_exists(dv))
        add_face(tf, dv, 0, file_exists(dvb) ? dvb : NULL, 0);
    /* Older, smaller CJK set: covers a few code points Noto lacks, and is the CJK face
     * of last resort on a machine without Noto. */
    const char *droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    if (file_exists(droid))
        add_face(tf, droid, 0, NULL, 0);
}

/* If face 2 of a Noto .ttc turns out not to be SC (another packaging), look for the SC
 * face among the others.  Costs nothing when face 2 is right. */
static void check_noto_sc(struct text_fonts *tf, int fi)
{
    struct face *f = &tf->faces[fi];
    if (!f->src[W_REGULAR].path || !strstr(f->src[W_REGULAR].path, "NotoSansCJK"))
        return;
    const char *fam = f->font[W_REGULAR] ? TTF_FontFaceFamilyName(f->font[W_REGULAR]) : NULL;
    if (!fam || strstr(fam, " SC"))
        return;
    for (long idx = 0; idx < 10; idx++) {
        struct face_src probe = {f->src[W_REGULAR].path, idx, 0};
        TTF_Font *t = open_font(tf, &probe, 16);
        if (!t)
            break;
        const char *fn = TTF_FontFaceFamilyName(t);
        int sc = fn && strstr(fn, "CJK SC") != NULL;
        TTF_CloseFont(t);
        if (sc) {
            SDL_Log("text: %s face 2 is %s; using face %ld (SC)", f->src[W_REGULAR].path,
                    fam, idx);
            TTF_CloseFont(f->font[W_REGULAR]);
            f->font[W_REGULAR] = NULL;
            f->src[W_REGULAR].index = idx;
            f->src[W_BOLD].index = idx; /* the Bold .ttc is packed the same way */
            return;
        }
    }
}

struct text_fonts *text_fonts_open(const char *fonts_dir, char *err, size_t errlen)
{
    struct text_fonts *tf = calloc(1, sizeof *tf);
    if (!tf) {
        snprintf(err, errlen, "out of memory opening the fonts");
        return NULL;
    }
    /* TTF_Init counts its calls, so every text_fonts_open pairs with one TTF_Quit. */
    if (TTF_Init() < 0) {
        snprintf(err, errlen, "cannot start the font library: %s", TTF_GetError());
        free(tf);
        return NULL;
    }
    if (fonts_dir && *fonts_dir)
        add_dir_fonts(tf, fonts_dir);
    add_system_fonts(tf);

    tf->primary = -1;
    for (int i = 0; i < tf->nfaces && tf->primary < 0; i++) {
        TTF_Font *fo = face_font(tf, i, W_REGULAR, 32);
        if (fo && TTF_GlyphIsProvided32(fo, PROBE_CP)) {
            check_noto_sc(tf, i);
            if (face_font(tf, i, W_REGULAR, 32))
                tf->primary = i;
        }
    }
    if (tf->primary < 0) {
        snprintf(err, errlen,
                 "no font with Chinese characters found: install fonts-noto-cjk "
                 "(NotoSansCJK-Regular.ttc) or put a Chinese .ttf/.otf into %s",
                 fonts_dir && *fonts_dir ? fonts_dir : "the fonts folder");
        text_fonts_close(tf);
        return NULL;
    }
    return tf;
}

void text_fonts_close(struct text_fonts *tf)
{
    if (!tf)
        return;
    for (int i = 0; i < tf->nfaces; i++)
        face_free(&tf->faces[i]);
    for (int i = 0; i < tf->nmaps; i++) {
        munmap(tf->maps[i].addr, tf->maps[i].len);
        free(tf->maps[i].path);
    }
    TTF_Quit();
    free(tf);
}

/* ---- layout ----------------------------------------------------------------------- */

struct glyph {
    uint32_t cp;
    int off, nb;          /* bytes in the source */
    int adv;              /* estimated advance in pixels */
    short face;           /* -1: not drawn (newline, format character) */
    unsigned char cls;
    unsigned char brk;    /* 1: a line may start at this glyph */
};

struct line {
    int ga, gb;           /* glyphs [ga, gb), trailing spaces excluded */
    int width;
    int ellipsis;         /* draw "…" after the glyphs */
};

struct layout {
    struct text_fonts *tf;
    int wt, size;
    struct glyph *g;
    int n;
    struct line *lines;
    int nlines, cap;
    int total;            /* lines counted (may exceed nlines when the caller limits) */
    char *buf;            /* UTF-8 of one run */
    struct glyph ell;     /* the ellipsis glyph */
};

static int clamp_size(const struct text_style *st)
{
    int s = st ? st->size_px : 16;
    return s < 1 ? 1 : s > MAX_SIZE_PX ? MAX_SIZE_PX : s;
}

static void glyph_init(struct layout *L, struct glyph *g, uint32_t cp)
{
    g->cp = cp;
    g->cls = (unsigned char)classify(cp);
    g->face = -1;
    g->adv = 0;
    g->brk = 0;
    if (g->cls == C_NEWLINE || g->cls == C_IGNORE || g->cls == C_ZWSP)
        return;
    uint32_t shown = g->cls == C_SPACE ? ' ' : cp;
    int fi = face_for(L->tf, shown, L->wt, L->size);
    if (fi < 0)
        fi = L->tf->primary; /* drawn as the primary face's .notdef */
    g->face = (short)fi;
    TTF_Font *fo = face_font(L->tf, fi, L->wt, L->size);
    int minx, maxx, miny, maxy, adv = 0;
    if (fo && TTF_GlyphMetrics32(fo, shown, &minx, &maxx, &miny, &maxy, &adv) == 0)
        g->adv = adv;
}

/* 1 when a line may start at glyph i (0 < i < n) as far as the glyphs around it go:
 * after spaces, after a Latin hyphen, next to CJK; never before closing or after opening
 * punctuation. */
static int break_ok(const struct glyph *g, int i)
{
    const struct glyph *a = &g[i - 1], *b = &g[i];
    if (b->cls == C_SPACE || b->cls == C_NEWLINE || b->cls == C_IGNORE || a->cls == C_NEWLINE ||
        a->cls == C_IGNORE)
        return 0;
    int ok = a->cls == C_SPACE || a->cls == C_ZWSP || a->cls == C_CJK || b->cls == C_CJK;
    if (!ok && (a->cp == '-' || a->cp == 0x2010) && i >= 2 && (is_latin_letter(g[i - 2].cp) ||
        (g[i - 2].cp >= '0' && g[i - 2].cp <= '9')) && is_latin_letter(b->cp))
        ok = 1;
    return ok && b->cls != C_ZWSP;
}

/* Kinsoku at glyph i: the next line would not start with closing punctuation and this
 * one would not end (spaces aside) with opening punctuation. */
static int kinsoku_ok(const struct glyph *g, int i)
{
    if (no_start(g[i].cp))
        return 0;
    int j = i - 1;
    while (j >= 0 && (g[j].cls == C_SPACE || g[j].cls == C_ZWSP))
        j--;
    return !(j >= 0 && g[j].cls != C_NEWLINE && no_end(g[j].cp));
}

static int layout_decode(struct layout *L, struct text_fonts *tf, const char *s, int len,
                         const struct text_style *st)
{
    memset(L, 0, sizeof *L);
    L->tf = tf;
    L->wt = st && st->bold ? W_BOLD : W_REGULAR;
    L->size = clamp_size(st);
    L->g = malloc(sizeof *L->g * (size_t)(len + 1));
    L->buf = malloc((size_t)len * 4 + 8);
    if (!L->g || !L->buf)
        return -1;
    const char *p = s, *end = s + len;
    while (p < end && *p) {
        const char *q = p;
        uint32_t cp = utf8_next(&q);
        if (q > end) { /* a sequence cut by len */
            cp = 0xFFFD;
            q = end;
        }
        struct glyph *g = &L->g[L->n++];
        glyph_init(L, g, cp);
        g->off = (int)(p - s);
        g->nb = (int)(q - p);
        p = q;
    }
    for (int i = 1; i < L->n; i++)
        L->g[i].brk = (unsigned char)(break_ok(L->g, i) && kinsoku_ok(L->g, i));
    glyph_init(L, &L->ell, ELLIPSIS_CP);
    L->ell.nb = 3;
    return 0;
}

static void layout_free(struct layout *L)
{
    free(L->g);
    free(L->buf);
    free(L->lines);
    memset(L, 0, sizeof *L);
}

/* Collects the next run of drawable glyphs of g[*pos, b) that share a face into L->buf.
 * Returns its byte length (0 at the end) and the face; *pos moves past it. */
static int next_run(struct layout *L, const struct glyph *g, int *pos, int b, int *face)
{
    int i = *pos, n = 0;
    while (i < b && g[i].face < 0)
        i++;
    if (i >= b) {
        *pos = b;
        return 0;
    }
    *face = g[i].face;
    for (; i < b && (g[i].face == *face || g[i].face < 0); i++) {
        if (g[i].face < 0)
            continue;
        n += utf8_encode(g[i].cls == C_SPACE ? ' ' : g[i].cp, L->buf + n);
    }
    L->buf[n] = 0;
    *pos = i;
    return n;
}

/* Exact width of glyphs [a, b): the sum of the runs as SDL_ttf measures them. */
static int range_width(struct layout *L, const struct glyph *g, int a, int b)
{
    int w = 0, face, pos = a;
    while (next_run(L, g, &pos, b, &face) > 0) {
        TTF_Font *fo = face_font(L->tf, face, L->wt, L->size);
        int rw = 0;
        if (fo && TTF_SizeUTF8(fo, L->buf, &rw, NULL) == 0)
            w += rw;
    }
    return w;
}

static int push_line(struct layout *L, int ga, int gb, int width)
{
    if (L->nlines == L->cap) {
        int cap = L->cap ? L->cap * 2 : 16;
        struct line *nl = realloc(L->lines, sizeof *nl * (size_t)cap);
        if (!nl)
            return -1;
        L->lines = nl;
        L->cap = cap;
    }
    L->lines[L->nlines++] = (struct line){ga, gb, width, 0};
    return 0;
}

/* Where to cut [start, j) when no break opportunity fits: the last glyph boundary that
 * keeps kinsoku, else j (a rule is broken only when nothing else fits). */
static int emergency_break(const struct glyph *g, int start, int j)
{
    for (int e = j; e > start; e--)
        if (g[e].cls != C_IGNORE && g[e - 1].cls != C_IGNORE && kinsoku_ok(g, e))
            return e;
    return j;
}

/* A shorter end than `end` for the line starting at start: the last break opportunity
 * before it, else one glyph less.  Returns start when nothing shorter exists. */
static int step_back(const struct glyph *g, int start, int end)
{
    for (int e = end - 1; e > start; e--)
        if (g[e].brk)
            return e;
    return end - 1 > start ? emergency_break(g, start, end - 1) : start;
}

static int trim_end(const struct glyph *g, int start, int end)
{
    while (end > start && (g[end - 1].cls == C_SPACE || g[end - 1].cls == C_ZWSP))
        end--;
    return end;
}

/* Breaks the decoded text into lines no wider than max_w (<= 0: only hard breaks).
 * Stores up to `keep` lines (< 0: all) and stops counting after `stop` (< 0: never). */
static int layout_break(struct layout *L, int max_w, int keep, int stop)
{
    const struct glyph *g = L->g;
    int n = L->n, i = 0, soft = 0;
    L->total = 0;
    if (n == 0)
        return 0;
    for (;;) {
        int start = i;
        if (soft)
            while (start < n && g[start].cls == C_SPACE)
                start++;
        if (soft && start == n)
            break;
        int j, w = 0, wns = 0, last_ok = -1, hard = 0, end, next;
        for (j = start; j < n; j++) {
            if (g[j].cls == C_NEWLINE) {
                hard = 1;
                break;
            }
            if (j > start && g[j].brk)
                last_ok = j;
            w += g[j].adv;
            if (g[j].cls != C_SPACE)
                wns = w;
            if (max_w > 0 && wns > max_w && j > start)
                break;
        }
        if (hard) {
            end = j;
            next = j + 1;
        } else if (j >= n) {
            end = next = n;
        } else {
            end = last_ok > start ? last_ok : emergency_break(g, start, j);
            next = end;
        }
        int e2 = trim_end(g, start, end);
        int width = range_width(L, g, start, e2);
        /* The estimate ignored kerning and overhang: make sure the real line fits. */
        while (max_w > 0 && width > max_w) {
            int shorter = step_back(g, start, end);
            if (shorter <= start)
                break; /* one glyph wider than the line: it gets the line alone */
            end = next = shorter;
            hard = 0;
            e2 = trim_end(g, start, end);
            width = range_width(L, g, start, e2);
        }
        if (keep < 0 || L->nlines < keep)
            if (push_line(L, start, e2, width) < 0)
                return -1;
        L->total++;
        if (stop >= 0 && L->total >= stop)
            break;
        i = next;
        soft = !hard;
        if (i >= n) {
            /* text ending in a newline: one more, empty line */
            if (hard) {
                if ((keep < 0 || L->nlines < keep) && push_line(L, n, n, 0) < 0)
                    return -1;
                L->total++;
            }
            break;
        }
    }
    return 0;
}

struct metrics {
    int ascent, height;
};

/* Line metrics of a style: the largest over the faces up to the primary one, so the
 * project's fonts and Noto fit on one baseline. */
static struct metrics line_metrics(struct text_fonts *tf, int wt, int size)
{
    struct metrics m = {0, 0};
    int desc = 0, skip = 0;
    for (int i = 0; i <= tf->primary; i++) {
        TTF_Font *fo = face_font(tf, i, wt, size);
        if (!fo)
            continue;
        int a = TTF_FontAscent(fo), d = TTF_FontDescent(fo), s = TTF_FontLineSkip(fo);
        if (a > m.ascent)
            m.ascent = a;
        if (d < desc)
            desc = d;
        if (s > skip)
            skip = s;
    }
    m.height = m.ascent - desc > skip ? m.ascent - desc : skip;
    if (m.height < 1)
        m.height = size;
    return m;
}

/* Decodes and breaks for display: at most max_lines lines (0: all), the last ending in
 * "…" when text was cut.  Returns 0 or -1 (out of memory). */
static int layout_full(struct layout *L, struct text_fonts *tf, const char *utf8,
                       const struct text_style *st, int max_w, int max_lines)
{
    if (layout_decode(L, tf, utf8, (int)strlen(utf8), st) < 0)
        return -1;
    int limit = max_lines > 0 ? max_lines : -1;
    if (layout_break(L, max_w, limit, max_lines > 0 ? max_lines + 1 : -1) < 0)
        return -1;
    if (max_lines > 0 && L->total > max_lines && L->nlines > 0) {
        struct line *ln = &L->lines[L->nlines - 1];
        int ew = range_width(L, &L->ell, 0, 1);
        int gb = ln->gb;
        int w = range_width(L, L->g, ln->ga, gb);
        while (max_w > 0 && gb > ln->ga && w + ew > max_w) {
            gb = trim_end(L->g, ln->ga, gb - 1);
            w = range_width(L, L->g, ln->ga, gb);
        }
        ln->gb = gb;
        ln->width = w + ew;
        ln->ellipsis = 1;
    }
    return 0;
}

/* ---- public ----------------------------------------------------------------------- */

int text_break(struct text_fonts *tf, const char *utf8, const struct text_style *st, int max_w,
               struct text_line *lines, int max_lines)
{
    if (!tf || !utf8 || !*utf8)
        return 0;
    struct layout L;
    if (layout_decode(&L, tf, utf8, (int)strlen(utf8), st) < 0 ||
        layout_break(&L, max_w, max_lines > 0 ? max_lines : 0, -1) < 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text: out of memory breaking lines");
        layout_free(&L);
        return 0;
    }
    for (int i = 0; i < L.nlines && lines; i++) {
        const struct line *ln = &L.lines[i];
        int start = ln->ga < L.n ? L.g[ln->ga].off : (int)strlen(utf8);
        int endb = ln->gb > ln->ga ? L.g[ln->gb - 1].off + L.g[ln->gb - 1].nb : start;
        lines[i] = (struct text_line){start, endb - start, ln->width};
    }
    int total = L.total;
    layout_free(&L);
    return total;
}

int text_width(struct text_fonts *tf, const char *utf8, int len, const struct text_style *st)
{
    if (!tf || !utf8)
        return 0;
    if (len < 0)
        len = (int)strlen(utf8);
    struct layout L;
    int w = 0;
    if (layout_decode(&L, tf, utf8, len, st) == 0)
        w = range_width(&L, L.g, 0, L.n);
    layout_free(&L);
    return w;
}

int text_line_height(struct text_fonts *tf, const struct text_style *st)
{
    if (!tf)
        return 0;
    struct metrics m = line_metrics(tf, st && st->bold ? W_BOLD : W_REGULAR, clamp_size(st));
    int h = m.height + (st ? st->line_gap_px : 0);
    return h < 1 ? 1 : h;
}

void text_measure(struct text_fonts *tf, const char *utf8, const struct text_style *st,
                  int max_w, int max_lines, int *w, int *h)
{
    int rw = 0, rh = 0;
    struct layout L;
    if (tf && utf8 && *utf8 && layout_full(&L, tf, utf8, st, max_w, max_lines) == 0 &&
        L.nlines > 0) {
        for (int i = 0; i < L.nlines; i++)
            if (L.lines[i].width > rw)
                rw = L.lines[i].width;
        if (rw < 1)
            rw = 1;
        rh = L.nlines * text_line_height(tf, st);
    }
    if (tf && utf8 && *utf8)
        layout_free(&L);
    if (w)
        *w = rw;
    if (h)
        *h = rh;
}

/* Puts src's coverage (its alpha, scaled by ca) over dst in the colour rgb.  All text of
 * one surface has one colour, so only alpha needs compositing; SDL's blend would darken
 * the antialiased edges against the transparent black background. */
static void composite(SDL_Surface *dst, SDL_Surface *src, int dx, int dy, uint32_t rgb,
                      unsigned ca)
{
    int x0 = dx < 0 ? -dx : 0, y0 = dy < 0 ? -dy : 0;
    int x1 = src->w, y1 = src->h;
    if (dx + x1 > dst->w)
        x1 = dst->w - dx;
    if (dy + y1 > dst->h)
        y1 = dst->h - dy;
    for (int y = y0; y < y1; y++) {
        const uint32_t *s = (const uint32_t *)((const uint8_t *)src->pixels + y * src->pitch);
        uint32_t *d = (uint32_t *)((uint8_t *)dst->pixels + (y + dy) * dst->pitch) + dx;
        for (int x = x0; x < x1; x++) {
            unsigned sa = ((s[x] >> 24) * ca + 127) / 255;
            if (!sa)
                continue;
            unsigned da = d[x] >> 24;
            unsigned out = sa + (da * (255 - sa) + 127) / 255;
            d[x] = (out << 24) | rgb;
        }
    }
}

/* Draws glyphs [a, b) from x with the baseline at `base`; returns the x after them. */
static int draw_range(struct layout *L, const struct glyph *g, int a, int b, SDL_Surface *dst,
                      int x, int base, uint32_t rgb, unsigned ca)
{
    int face, pos = a;
    SDL_Color white = {255, 255, 255, 255};
    while (next_run(L, g, &pos, b, &face) > 0) {
        TTF_Font *fo = face_font(L->tf, face, L->wt, L->size);
        int rw = 0;
        if (!fo || TTF_SizeUTF8(fo, L->buf, &rw, NULL) < 0 || rw <= 0)
            continue;
        if (strspn(L->buf, " ") != strlen(L->buf)) {
            SDL_Surface *s = TTF_RenderUTF8_Blended(fo, L->buf, white);
            if (!s) {
                SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text: rendering failed: %s",
                             TTF_GetError());
            } else {
                if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
                    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
                    SDL_FreeSurface(s);
                    s = c;
                }
                if (s) {
                    SDL_LockSurface(s);
                    composite(dst, s, x, base - TTF_FontAscent(fo), rgb, ca);
                    SDL_UnlockSurface(s);
                    SDL_FreeSurface(s);
                }
            }
        }
        x += rw;
    }
    return x;
}

SDL_Surface *text_render(struct text_fonts *tf, const char *utf8, const struct text_style *st,
                         int max_w, int max_lines)
{
    if (!tf || !utf8 || !*utf8)
        return NULL;
    struct layout L;
    SDL_Surface *surf = NULL;
    if (layout_full(&L, tf, utf8, st, max_w, max_lines) < 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text: out of memory laying out text");
        goto out;
    }
    if (L.nlines == 0)
        goto out;
    int w = 1;
    for (int i = 0; i < L.nlines; i++)
        if (L.lines[i].width > w)
            w = L.lines[i].width;
    struct metrics m = line_metrics(tf, L.wt, L.size);
    int lh = text_line_height(tf, st);
    surf = SDL_CreateRGBSurfaceWithFormat(0, w, lh * L.nlines, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text: cannot create a %dx%d surface: %s",
                     w, lh * L.nlines, SDL_GetError());
        goto out;
    }
    SDL_FillRect(surf, NULL, 0);
    uint32_t color = st ? st->color : 0x000000FFu;
    uint32_t rgb = color >> 8;
    unsigned ca = color & 0xFF;
    enum text_align align = st ? st->align : TEXT_LEFT;
    SDL_LockSurface(surf);
    for (int i = 0; i < L.nlines; i++) {
        const struct line *ln = &L.lines[i];
        int x = align == TEXT_CENTER ? (w - ln->width) / 2
              : align == TEXT_RIGHT  ? w - ln->width : 0;
        int base = i * lh + m.ascent;
        x = draw_range(&L, L.g, ln->ga, ln->gb, surf, x, base, rgb, ca);
        if (ln->ellipsis)
            draw_range(&L, &L.ell, 0, 1, surf, x, base, rgb, ca);
    }
    SDL_UnlockSurface(surf);
out:
    layout_free(&L);
    return surf;
}

int text_has_glyph(struct text_fonts *tf, uint32_t cp)
{
    return tf && face_for(tf, cp, W_REGULAR, 32) >= 0;
}
