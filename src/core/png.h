/* png — writes images as PNG files through libpng's simplified API.
 * Used by the script mode's `shot`, receipts' PNG output and tests.
 *
 * Files are written for speed, not size (libpng's PNG_IMAGE_FLAG_FAST: no row filters,
 * zlib level 3): a 1920x1080 screenshot takes ~15 ms instead of ~60 ms and is about
 * half again as large, which a test run that writes hundreds of them prefers. */
#ifndef KIOSK_PNG_H
#define KIOSK_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes 8-bit RGBA pixels (R,G,B,A byte order), `stride` bytes a row.  0 or -1. */
int png_write_rgba(const char *path, int w, int h, const void *pixels, int stride);
/* Writes 8-bit RGB pixels (R,G,B byte order, no alpha).  0 or -1. */
int png_write_rgb(const char *path, int w, int h, const void *pixels, int stride);
/* Writes an 8-bit grey image (0 black … 255 white).  0 or -1. */
int png_write_gray(const char *path, int w, int h, const uint8_t *pixels, int stride);
/* The widest and highest picture read: larger ones are refused rather than decoded into
 * hundreds of megabytes (an 8192x8192 PNG can be a 65 KB file and 256 MB of pixels). */
#define PNG_MAX_SIDE 4096

/* Reads a PNG as 8-bit RGBA; *pixels is malloc'd (w*4 stride), caller frees. 0 or -1. */
int png_read_rgba(const char *path, int *w, int *h, uint8_t **pixels);
/* The same from a PNG held in memory (material images stored in the database). */
int png_read_rgba_mem(const void *data, size_t len, int *w, int *h, uint8_t **pixels);
/* The size a PNG held in memory says it has, without decoding it.  0 or -1 (no PNG). */
int png_size_mem(const void *data, size_t len, int *w, int *h);
/* A copy of RGBA pixels shrunk (area average) so that neither side exceeds max_side;
 * pictures already within it are copied as they are.  *out is malloc'd (ow*4 stride). */
void png_shrink_rgba(const uint8_t *px, int w, int h, int max_side, uint8_t **out, int *ow,
                     int *oh);
/* Encodes RGBA pixels (w*4 stride) as a PNG in memory (compressed for size: stored
 * images).  *out malloc'd, caller frees.  0 or -1. */
int png_encode_rgba(const uint8_t *px, int w, int h, void **out, size_t *len);

#endif
