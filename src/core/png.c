/* png — see png.h.  libpng's png_image API: no setjmp juggling, errors in image.message. */
#include "core/png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_image(const char *path, int w, int h, const void *pixels, int stride,
                       png_uint_32 format)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = format;
    img.flags = PNG_IMAGE_FLAG_FAST;
    if (!png_image_write_to_file(&img, path, 0, pixels, stride, NULL)) {
        fprintf(stderr, "png: cannot write %s: %s\n", path, img.message);
        return -1;
    }
    return 0;
}

int png_write_rgba(const char *path, int w, int h, const void *pixels, int stride)
{
    return write_image(path, w, h, pixels, stride, PNG_FORMAT_RGBA);
}

int png_write_rgb(const char *path, int w, int h, const void *pixels, int stride)
{
    return write_image(path, w, h, pixels, stride, PNG_FORMAT_RGB);
}

int png_write_gray(const char *path, int w, int h, const uint8_t *pixels, int stride)
{
    return write_image(path, w, h, pixels, stride, PNG_FORMAT_GRAY);
}

/* Finishes a read begun by one of libpng's begin_read calls.  Pictures larger than any
 * screen are refused rather than decoded into hundreds of megabytes. */
static int finish_read(png_image *img, int *w, int *h, uint8_t **pixels)
{
    if (img->width == 0 || img->height == 0 || img->width > 8192 || img->height > 8192) {
        png_image_free(img);
        return -1;
    }
    img->format = PNG_FORMAT_RGBA;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(*img));
    if (!buf) {
        png_image_free(img);
        return -1;
    }
    if (!png_image_finish_read(img, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(img);
        return -1;
    }
    *w = (int)img->width;
    *h = (int)img->height;
    *pixels = buf;
    return 0;
}

int png_read_rgba(const char *path, int *w, int *h, uint8_t **pixels)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return -1;
    return finish_read(&img, w, h, pixels);
}

int png_read_rgba_mem(const void *data, size_t len, int *w, int *h, uint8_t **pixels)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, len))
        return -1;
    return finish_read(&img, w, h, pixels);
}
