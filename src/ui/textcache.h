/* textcache — rendered text kept as SDL textures for one renderer, so that a steady frame
 * rasterises no text and allocates nothing.
 *
 * An entry is keyed by everything that changes the pixels: the string, size, weight,
 * colour, alignment, line gap, max_w and max_lines.  Lookup is a hash (FNV-1a) with a full
 * key compare.  The cache holds at most `capacity` bytes of texture memory (w*h*4 per
 * entry) and evicts the least recently used entries first, but never one used since the
 * last textcache_frame_begin(): every texture drawn in the current frame stays valid
 * until the frame ends, even when that takes the cache over its capacity for a while.
 *
 * Owns: its textures (destroyed by textcache_clear / textcache_destroy).  Does not own the
 * renderer or the fonts, which must outlive it.  Never draws. */
#ifndef KIOSK_TEXTCACHE_H
#define KIOSK_TEXTCACHE_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/text.h"

struct textcache;

struct textcache_stats {
    uint64_t hits, misses;      /* textcache_get calls answered from / not from the cache */
    uint64_t evictions;         /* entries dropped to stay under the capacity */
    size_t entries, bytes;      /* what the cache holds now */
    size_t capacity;
};

/* Creates a cache for textures of `r`, drawing text with `tf`, holding about
 * capacity_bytes of texture memory.  Returns NULL when out of memory. */
struct textcache *textcache_create(SDL_Renderer *r, struct text_fonts *tf,
                                   size_t capacity_bytes);
/* Destroys every texture and the cache.  NULL is allowed. */
void textcache_destroy(struct textcache *tc);

/* Marks the start of a frame: entries used from now on are protected from eviction
 * until the next call. */
void textcache_frame_begin(struct textcache *tc);

/* Returns the texture of utf8 rendered as text_render() would (wrapped at max_w, at most
 * max_lines lines), rendering it on a miss, and its size in *w / *h (either may be NULL).
 * The texture is owned by the cache: do not destroy it.  It stays valid at least until the
 * end of the current frame (the next textcache_frame_begin), or until textcache_clear.
 * Returns NULL, with *w = *h = 0, for empty text or on error (logged). */
SDL_Texture *textcache_get(struct textcache *tc, const char *utf8, const struct text_style *st,
                           int max_w, int max_lines, int *w, int *h);

/* Drops every entry (call after the language or the text size changed).  The counters of
 * hits, misses and evictions are kept. */
void textcache_clear(struct textcache *tc);

void textcache_stats(const struct textcache *tc, struct textcache_stats *out);

#endif
