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
/* Reads a PNG as 8-bit RGBA; *pixels is malloc'd (w*4 stride), caller frees. 0 or -1. */
int png_read_rgba(const char *path, int *w, int *h, uint8_t **pixels);
/* The same from a PNG held in memory (material images stored in the database). */
int png_read_rgba_mem(const void *data, size_t len, int *w, int *h, uint8_t **pixels);

#endif
