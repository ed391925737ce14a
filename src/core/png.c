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
    if (img->width == 0 || img->height == 0 || img->width > PNG_MAX_SIDE || img->height > PNG_MAX_SIDE) {
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

int png_size_mem(const void *data, size_t len, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, len))
        return -1;
    *w = (int)img.width;
    *h = (int)img.height;
    png_image_free(&img);
    return 0;
}

void png_shrink_rgba(const uint8_t *px, int w, int h, int max_side, uint8_t **out, int *ow,
                     int *oh)
{
    int big = w > h ? w : h;
    int nw = w, nh = h;
    if (big > max_side) {
        nw = (int)((int64_t)w * max_side / big);
        nh = (int)((int64_t)h * max_side / big);
        nw = nw < 1 ? 1 : nw;
        nh = nh < 1 ? 1 : nh;
    }
    uint8_t *o = malloc((size_t)nw * (size_t)nh * 4);
    if (!o)
        abort();
    /* Each output pixel averages the source pixels its area covers (colour weighted by
     * alpha, so a transparent edge does not bleed black). */
    for (int y = 0; y < nh; y++) {
        int y0 = (int)((int64_t)y * h / nh), y1 = (int)((int64_t)(y + 1) * h / nh);
        y1 = y1 > y0 ? y1 : y0 + 1;
        for (int x = 0; x < nw; x++) {
            int x0 = (int)((int64_t)x * w / nw), x1 = (int)((int64_t)(x + 1) * w / nw);
            x1 = x1 > x0 ? x1 : x0 + 1;
            uint64_t r = 0, g = 0, b = 0, a = 0, n = 0;
            for (int sy = y0; sy < y1; sy++) {
                const uint8_t *p = px + ((size_t)sy * (size_t)w + (size_t)x0) * 4;
                for (int sx = x0; sx < x1; sx++, p += 4) {
                    r += (uint64_t)p[0] * p[3];
                    g += (uint64_t)p[1] * p[3];
                    b += (uint64_t)p[2] * p[3];
                    a += p[3];
                    n++;
                }
            }
            uint8_t *q = o + ((size_t)y * (size_t)nw + (size_t)x) * 4;
            q[0] = (uint8_t)(a ? r / a : 0);
            q[1] = (uint8_t)(a ? g / a : 0);
            q[2] = (uint8_t)(a ? b / a : 0);
            q[3] = (uint8_t)(a / n);
        }
    }
    *out = o;
    *ow = nw;
    *oh = nh;
}

int png_encode_rgba(const uint8_t *px, int w, int h, void **out, size_t *len)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGBA;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(img, size, 0, px, w * 4, NULL))
        return -1;
    void *buf = malloc(size);
    if (!buf)
        abort();
    if (!png_image_write_to_memory(&img, buf, &size, 0, px, w * 4, NULL)) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = size;
    return 0;
}
