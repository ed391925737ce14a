/* handwriting — zinnia behind the writing pad (see handwriting.h for the contract).
 *
 * libzinnia is compiled against (zinnia.h for the types) but loaded with dlopen on the
 * first hw_open(), like librime in pinyin.c: linking it would load libstdc++ at every
 * start for a pad most visitors never open.  zinnia maps the model file; opening it
 * costs a few to a few tens of milliseconds and about 28 MB, from then on for the life of
 * the process.
 *
 * Recognition: zinnia's features are positions and directions in a unit box (x / width,
 * y / height), so the strokes are fitted into a square of HW_BOX by their own extent
 * with a margin: the shape keeps its proportions (a flat 一 stays flat) and its place in
 * the pad does not matter.  A character is recognised again after every stroke; for
 * 6,763 classes that takes about 10 ms. */
#include "input/handwriting.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zinnia.h>

#include "core/util.h"

#define HW_BOX 1000           /* zinnia's box for recognition */
#define HW_CAND_BYTES 8       /* one character of the model, UTF-8, with its NUL */
#define HW_THIN_PX 2          /* a move closer than this to the last point adds nothing */
/* Points of a stroke handed to zinnia.  zinnia splits a stroke at its farthest point
 * recursively and numbers the pieces as a binary heap, growing a vector to the largest
 * number: a long zigzag of thousands of points made it allocate gigabytes.  Its features
 * use the first 50 pieces only (about five splits deep), so a stroke simplified to its
 * corners loses nothing it looks at, and 16 points bound the heap to 2^15 entries. */
#define HW_FEED_MAX 16

/* The part of libzinnia's C API used here, resolved once from the loaded library. */
struct zinnia_api {
    zinnia_recognizer_t *(*recognizer_new)(void);
    void (*recognizer_destroy)(zinnia_recognizer_t *);
    int (*recognizer_open)(zinnia_recognizer_t *, const char *);
    const char *(*recognizer_strerror)(zinnia_recognizer_t *);
    zinnia_result_t *(*recognizer_classify)(zinnia_recognizer_t *, const zinnia_character_t *,
                                            size_t);
    zinnia_character_t *(*character_new)(void);
    void (*character_destroy)(zinnia_character_t *);
    void (*character_set_width)(zinnia_character_t *, size_t);
    void (*character_set_height)(zinnia_character_t *, size_t);
    void (*character_clear)(zinnia_character_t *);
    int (*character_add)(zinnia_character_t *, size_t, int, int);
    const char *(*result_value)(zinnia_result_t *, size_t);
    size_t (*result_size)(zinnia_result_t *);
    void (*result_destroy)(zinnia_result_t *);
};

struct hw {
    const struct zinnia_api *z;
    zinnia_recognizer_t *rec;
    zinnia_character_t *ch;

    struct hw_point pts[HW_POINTS_MAX];
    int ends[HW_STROKES_MAX + 1]; /* stroke i: pts[ends[i-1]] … pts[ends[i]-1]; the open
                                   * one's end follows the last finished one's */
    int nstrokes;              /* finished strokes */
    int npts;
    int open;                  /* a stroke is being drawn (pts from ends[nstrokes-1]) */
    int refused;               /* the open stroke did not fit: ignored to its end */
    uint64_t version;

    char cand[HW_RESULTS][HW_CAND_BYTES];
    int ncand;
    int page, page_size;
};

/* Loads libzinnia once per process; the handle stays open (the API table points into
 * it).  Returns the table, or NULL with a sentence in err. */
static const struct zinnia_api *load_zinnia(char *err, size_t errlen)
{
    static struct zinnia_api api;
    static int loaded;
    if (loaded)
        return &api;
    void *h = dlopen("libzinnia.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        util_seterr(err, errlen, "cannot load libzinnia (install libzinnia0): %s", dlerror());
        return NULL;
    }
    static const struct {
        const char *name;
        size_t off;
    } syms[] = {
#define SYM(f, n) {"zinnia_" n, offsetof(struct zinnia_api, f)}
        SYM(recognizer_new, "recognizer_new"),
        SYM(recognizer_destroy, "recognizer_destroy"),
        SYM(recognizer_open, "recognizer_open"),
        SYM(recognizer_strerror, "recognizer_strerror"),
        SYM(recognizer_classify, "recognizer_classify"),
        SYM(character_new, "character_new"),
        SYM(character_destroy, "character_destroy"),
        SYM(character_set_width, "character_set_width"),
        SYM(character_set_height, "character_set_height"),
        SYM(character_clear, "character_clear"),
        SYM(character_add, "character_add"),
        SYM(result_value, "result_value"),
        SYM(result_size, "result_size"),
        SYM(result_destroy, "result_destroy"),
#undef SYM
    };
    struct zinnia_api got;
    for (size_t i = 0; i < ARRAY_LEN(syms); i++) {
        void *f = dlsym(h, syms[i].name);
        if (!f) {
            util_seterr(err, errlen, "libzinnia has no %s", syms[i].name);
            dlclose(h);
            return NULL;
        }
        memcpy((char *)&got + syms[i].off, &f, sizeof f);
    }
    api = got;
    loaded = 1;
    return &api;
}

struct hw *hw_open(const char *model, char *err, size_t errlen)
{
    util_seterr(err, errlen, "%s", "");
    if (!model)
        model = HW_MODEL_DEFAULT;
    if (access(model, R_OK) != 0) {
        util_seterr(err, errlen,
                "handwriting model missing: %s (install tegaki-zinnia-simplified-chinese)",
                model);
        return NULL;
    }
    const struct zinnia_api *z = load_zinnia(err, errlen);
    if (!z)
        return NULL;
    struct hw *h = calloc(1, sizeof *h);
    if (!h) {
        util_seterr(err, errlen, "out of memory");
        return NULL;
    }
    h->z = z;
    h->page_size = HW_PAGE_DEFAULT;
    h->rec = z->recognizer_new();
    h->ch = z->character_new();
    if (!h->rec || !h->ch) {
        util_seterr(err, errlen, "zinnia could not start");
        hw_close(h);
        return NULL;
    }
    if (!z->recognizer_open(h->rec, model)) {
        util_seterr(err, errlen, "cannot open the handwriting model %s: %s", model,
                z->recognizer_strerror(h->rec));
        hw_close(h);
        return NULL;
    }
    return h;
}

void hw_close(struct hw *h)
{
    if (!h)
        return;
    if (h->ch)
        h->z->character_destroy(h->ch);
    if (h->rec)
        h->z->recognizer_destroy(h->rec);
    util_wipe(h, sizeof *h);
    free(h);
}

static int stroke_start(const struct hw *h, int i) { return i > 0 ? h->ends[i - 1] : 0; }

/* Marks in keep[] the points of pts[a..b] that stay when the stroke is simplified to
 * within eps (squared, in the pad's pixels) of its line (Ramer-Douglas-Peucker), with an
 * explicit stack: a stroke may have thousands of points. */
static void simplify(const struct hw_point *pts, int a, int b, int64_t eps2, unsigned char *keep)
{
    int stack[2 * HW_POINTS_MAX];
    int sp = 0;
    keep[a] = keep[b] = 1;
    stack[sp++] = a;
    stack[sp++] = b;
    while (sp > 0) {
        int hi = stack[--sp], lo = stack[--sp];
        int64_t dx = pts[hi].x - pts[lo].x, dy = pts[hi].y - pts[lo].y;
        int64_t len2 = dx * dx + dy * dy, best = -1;
        int at = -1;
        for (int i = lo + 1; i < hi; i++) {
            int64_t ex = pts[i].x - pts[lo].x, ey = pts[i].y - pts[lo].y;
            /* Squared distance to the line, times len2 (to the point when lo == hi). */
            int64_t cr = dx * ey - dy * ex;
            int64_t d = len2 ? cr * cr : (ex * ex + ey * ey);
            if (d > best) {
                best = d;
                at = i;
            }
        }
        if (at < 0 || best <= eps2 * (len2 ? len2 : 1))
            continue;
        keep[at] = 1;
        stack[sp++] = lo;
        stack[sp++] = at;
        stack[sp++] = at;
        stack[sp++] = hi;
    }
}

/* Recognises the finished strokes into cand[]. */
static void recognise(struct hw *h)
{
    util_wipe(h->cand, sizeof h->cand);
    h->ncand = 0;
    h->page = 0;
    if (h->nstrokes == 0)
        return;
    int x0 = INT16_MAX, y0 = INT16_MAX, x1 = INT16_MIN, y1 = INT16_MIN;
    int n = h->ends[h->nstrokes - 1];
    for (int i = 0; i < n; i++) {
        x0 = h->pts[i].x < x0 ? h->pts[i].x : x0;
        y0 = h->pts[i].y < y0 ? h->pts[i].y : y0;
        x1 = h->pts[i].x > x1 ? h->pts[i].x : x1;
        y1 = h->pts[i].y > y1 ? h->pts[i].y : y1;
    }
    /* The square around the ink, a tenth wider on each side, as characters sit in the
     * writing box of the people whose samples trained the model. */
    int side = (x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0) * 12 / 10;
    if (side < 8)
        side = 8;
    int cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const struct zinnia_api *z = h->z;
    z->character_clear(h->ch);
    z->character_set_width(h->ch, HW_BOX);
    z->character_set_height(h->ch, HW_BOX);
    static unsigned char keep[HW_POINTS_MAX];
    for (int s = 0; s < h->nstrokes; s++) {
        int a = stroke_start(h, s), b = h->ends[s] - 1, kept;
        /* From a hundredth of the character's size, coarser until few enough remain. */
        int64_t eps = side / 100 + 1;
        do {
            memset(keep + a, 0, (size_t)(b - a + 1));
            simplify(h->pts, a, b, eps * eps, keep);
            kept = 0;
            for (int i = a; i <= b; i++)
                kept += keep[i];
            eps *= 2;
        } while (kept > HW_FEED_MAX);
        for (int i = a; i <= b; i++)
            if (keep[i])
                z->character_add(h->ch, (size_t)s,
                                 HW_BOX / 2 + (h->pts[i].x - cx) * HW_BOX / side,
                                 HW_BOX / 2 + (h->pts[i].y - cy) * HW_BOX / side);
    }
    zinnia_result_t *r = z->recognizer_classify(h->rec, h->ch, HW_RESULTS);
    if (!r)
        return;
    size_t got = z->result_size(r);
    for (size_t i = 0; i < got && h->ncand < HW_RESULTS; i++) {
        const char *v = z->result_value(r, i);
        if (v && *v && strlen(v) < HW_CAND_BYTES)
            util_strlcpy(h->cand[h->ncand++], v, HW_CAND_BYTES);
    }
    z->result_destroy(r);
    z->character_clear(h->ch);
}

static void add_point(struct hw *h, int x, int y)
{
    if (h->npts >= HW_POINTS_MAX) {
        h->refused = 1;
        return;
    }
    x = x < INT16_MIN ? INT16_MIN : x > INT16_MAX ? INT16_MAX : x;
    y = y < INT16_MIN ? INT16_MIN : y > INT16_MAX ? INT16_MAX : y;
    h->pts[h->npts++] = (struct hw_point){(int16_t)x, (int16_t)y};
    h->ends[h->nstrokes] = h->npts;
    h->version++;
}

void hw_stroke_begin(struct hw *h, int x, int y)
{
    if (h->open)
        hw_stroke_end(h);
    h->refused = h->nstrokes >= HW_STROKES_MAX || h->npts >= HW_POINTS_MAX;
    if (h->refused)
        return;
    h->open = 1;
    add_point(h, x, y);
}

void hw_stroke_point(struct hw *h, int x, int y)
{
    if (!h->open || h->refused)
        return;
    const struct hw_point *l = &h->pts[h->npts - 1];
    if (abs(l->x - x) < HW_THIN_PX && abs(l->y - y) < HW_THIN_PX)
        return;
    add_point(h, x, y);
}

int hw_stroke_end(struct hw *h)
{
    if (!h->open) {
        h->refused = 0;
        return -1;
    }
    h->open = 0;
    h->refused = 0;
    h->ends[h->nstrokes++] = h->npts;
    h->version++;
    recognise(h);
    return h->ncand;
}

int hw_undo_stroke(struct hw *h)
{
    if (h->open || h->nstrokes == 0)
        return 0;
    h->nstrokes--;
    int from = stroke_start(h, h->nstrokes);
    util_wipe(&h->pts[from], (size_t)(h->npts - from) * sizeof h->pts[0]);
    h->npts = from;
    h->version++;
    recognise(h);
    return 1;
}

int hw_stroke_count(const struct hw *h) { return h->nstrokes + h->open; }

int hw_strokes(const struct hw *h, const struct hw_point **pts, const int **ends)
{
    *pts = h->pts;
    *ends = h->ends;
    return h->nstrokes + h->open;
}

uint64_t hw_version(const struct hw *h) { return h->version; }

int hw_candidates(const struct hw *h, const char **out, int max)
{
    int n = 0;
    for (int i = h->page * h->page_size; i < h->ncand && n < h->page_size && n < max; i++)
        out[n++] = h->cand[i];
    return n;
}

int hw_has_candidates(const struct hw *h) { return h->ncand > 0; }
int hw_page(const struct hw *h) { return h->page; }
int hw_has_next(const struct hw *h) { return (h->page + 1) * h->page_size < h->ncand; }
int hw_has_prev(const struct hw *h) { return h->page > 0; }

int hw_page_next(struct hw *h)
{
    if (!hw_has_next(h))
        return 0;
    h->page++;
    return 1;
}

int hw_page_prev(struct hw *h)
{
    if (h->page == 0)
        return 0;
    h->page--;
    return 1;
}

int hw_set_page_size(struct hw *h, int n)
{
    if (n < 1 || n > HW_PAGE_MAX)
        return -1;
    if (n != h->page_size)
        h->page = 0;
    h->page_size = n;
    return 0;
}

int hw_select(struct hw *h, int index, char *out, size_t n)
{
    if (out && n > 0)
        out[0] = '\0';
    int i = h->page * h->page_size + index;
    if (index < 0 || index >= h->page_size || i >= h->ncand)
        return -1;
    if (out && n > 0)
        util_strlcpy(out, h->cand[i], n);
    hw_clear(h);
    return 1;
}

void hw_clear(struct hw *h)
{
    util_wipe(h->pts, sizeof h->pts);
    util_wipe(h->cand, sizeof h->cand);
    h->npts = h->nstrokes = h->ncand = h->page = 0;
    h->open = h->refused = 0;
    h->version++;
}
