/* textcache — rendered text kept as SDL textures, least recently used evicted first.
 *
 * Entries live in a chained hash table (FNV-1a over the key) and on one doubly linked list
 * in order of last use, most recent first.  Since every use moves an entry to the front,
 * the entries used in the current frame form the front of the list: eviction walks from
 * the back and stops at the first entry of the current frame, so a lookup, an insert and
 * an eviction each cost O(1) on average.
 *
 * Owns its entries, their copies of the strings and their textures.  Never owns the
 * renderer or the fonts; never draws. */
#include "ui/textcache.h"

#include "core/util.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *hnext;          /* hash chain */
    struct entry *prev, *next;    /* use order: prev is more recent */
    uint32_t hash;
    char *text;
    int size_px, bold, align, line_gap, max_w, max_lines;
    uint32_t color;
    SDL_Texture *tex;
    int w, h;
    size_t bytes;
    uint64_t frame;               /* frame of last use */
};

struct textcache {
    SDL_Renderer *r;
    struct text_fonts *tf;
    size_t capacity, bytes, count;
    struct entry **buckets;
    size_t nbuckets;              /* a power of two */
    struct entry *head, *tail;    /* most and least recently used */
    uint64_t frame;
    uint64_t hits, misses, evictions;
};

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv_bytes(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

static uint32_t key_hash(const char *s, const struct text_style *st, int max_w, int max_lines)
{
    int32_t k[7] = {st->size_px, st->bold, (int32_t)st->color, (int32_t)st->align,
                    st->line_gap_px, max_w, max_lines};
    uint32_t h = fnv_bytes(FNV_OFFSET, s, strlen(s));
    return fnv_bytes(h, k, sizeof k);
}

static int key_equal(const struct entry *e, uint32_t hash, const char *s,
                     const struct text_style *st, int max_w, int max_lines)
{
    return e->hash == hash && e->size_px == st->size_px && e->bold == st->bold &&
           e->color == st->color && e->align == (int)st->align &&
           e->line_gap == st->line_gap_px && e->max_w == max_w && e->max_lines == max_lines &&
           strcmp(e->text, s) == 0;
}

struct textcache *textcache_create(SDL_Renderer *r, struct text_fonts *tf,
                                   size_t capacity_bytes)
{
    struct textcache *tc = calloc(1, sizeof *tc);
    if (!tc)
        return NULL;
    tc->r = r;
    tc->tf = tf;
    tc->capacity = capacity_bytes;
    tc->nbuckets = 256;
    tc->buckets = calloc(tc->nbuckets, sizeof *tc->buckets);
    if (!tc->buckets) {
        free(tc);
        return NULL;
    }
    tc->frame = 1;
    return tc;
}

static void list_unlink(struct textcache *tc, struct entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        tc->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        tc->tail = e->prev;
    e->prev = e->next = NULL;
}

static void list_push_front(struct textcache *tc, struct entry *e)
{
    e->prev = NULL;
    e->next = tc->head;
    if (tc->head)
        tc->head->prev = e;
    tc->head = e;
    if (!tc->tail)
        tc->tail = e;
}

static void entry_free(struct entry *e)
{
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    /* Texts can be names and ID numbers typed at the kiosk: leave no copy behind. */
    if (e->text)
        util_wipe(e->text, strlen(e->text));
    free(e->text);
    free(e);
}

/* Unlinks e from the table and the list and frees it. */
static void entry_remove(struct textcache *tc, struct entry *e)
{
    struct entry **pp = &tc->buckets[e->hash & (tc->nbuckets - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    list_unlink(tc, e);
    tc->bytes -= e->bytes;
    tc->count--;
    entry_free(e);
}

/* Doubles the table when it gets crowded; on allocation failure the chains just grow. */
static void maybe_grow(struct textcache *tc)
{
    if (tc->count < tc->nbuckets)
        return;
    size_t nb = tc->nbuckets * 2;
    struct entry **b = calloc(nb, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < tc->nbuckets; i++) {
        struct entry *e = tc->buckets[i], *next;
        for (; e; e = next) {
            next = e->hnext;
            e->hnext = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    }
    free(tc->buckets);
    tc->buckets = b;
    tc->nbuckets = nb;
}

/* Evicts least recently used entries of earlier frames until `incoming` more bytes fit. */
static void make_room(struct textcache *tc, size_t incoming)
{
    while (tc->tail && tc->bytes + incoming > tc->capacity && tc->tail->frame != tc->frame) {
        entry_remove(tc, tc->tail);
        tc->evictions++;
    }
}

void textcache_frame_begin(struct textcache *tc)
{
    if (tc)
        tc->frame++;
}

SDL_Texture *textcache_get(struct textcache *tc, const char *utf8, const struct text_style *st,
                           int max_w, int max_lines, int *w, int *h)
{
    if (w)
        *w = 0;
    if (h)
        *h = 0;
    if (!tc || !utf8 || !*utf8 || !st)
        return NULL;
    uint32_t hash = key_hash(utf8, st, max_w, max_lines);
    for (struct entry *e = tc->buckets[hash & (tc->nbuckets - 1)]; e; e = e->hnext) {
        if (key_equal(e, hash, utf8, st, max_w, max_lines)) {
            tc->hits++;
            e->frame = tc->frame;
            list_unlink(tc, e);
            list_push_front(tc, e);
            if (w)
                *w = e->w;
            if (h)
                *h = e->h;
            return e->tex;
        }
    }

    tc->misses++;
    SDL_Surface *s = text_render(tc->tf, utf8, st, max_w, max_lines);
    if (!s)
        return NULL; /* logged by text_render */
    struct entry *e = calloc(1, sizeof *e);
    if (e)
        e->text = strdup(utf8);
    if (!e || !e->text) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "textcache: out of memory");
        free(e);
        SDL_FreeSurface(s);
        return NULL;
    }
    e->tex = SDL_CreateTextureFromSurface(tc->r, s);
    e->w = s->w;
    e->h = s->h;
    SDL_FreeSurface(s);
    if (!e->tex) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "textcache: cannot create a %dx%d texture: %s",
                     e->w, e->h, SDL_GetError());
        entry_free(e);
        return NULL;
    }
    SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
    e->hash = hash;
    e->size_px = st->size_px;
    e->bold = st->bold;
    e->color = st->color;
    e->align = (int)st->align;
    e->line_gap = st->line_gap_px;
    e->max_w = max_w;
    e->max_lines = max_lines;
    e->bytes = (size_t)e->w * (size_t)e->h * 4;
    e->frame = tc->frame;

    make_room(tc, e->bytes);
    maybe_grow(tc);
    struct entry **b = &tc->buckets[hash & (tc->nbuckets - 1)];
    e->hnext = *b;
    *b = e;
    list_push_front(tc, e);
    tc->bytes += e->bytes;
    tc->count++;
    if (w)
        *w = e->w;
    if (h)
        *h = e->h;
    return e->tex;
}

void textcache_clear(struct textcache *tc)
{
    if (!tc)
        return;
    while (tc->head)
        entry_remove(tc, tc->head);
}

void textcache_destroy(struct textcache *tc)
{
    if (!tc)
        return;
    textcache_clear(tc);
    free(tc->buckets);
    free(tc);
}

void textcache_stats(const struct textcache *tc, struct textcache_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!tc)
        return;
    out->hits = tc->hits;
    out->misses = tc->misses;
    out->evictions = tc->evictions;
    out->entries = tc->count;
    out->bytes = tc->bytes;
    out->capacity = tc->capacity;
}
