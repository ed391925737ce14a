/* escpos — see escpos.h.  Command bytes follow the Epson ESC/POS reference, which the
 * common 58/80 mm printers (Xprinter, Rongta, HPRT, Sunmi …) implement. */
#include "receipt/escpos.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1b
#define GS 0x1d
#define DLE 0x10
#define EOT 0x04

void escpos_buf_add(struct escpos_buf *b, const void *bytes, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data)
            abort();
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

void escpos_buf_free(struct escpos_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void add_bytes(struct escpos_buf *b, int n, ...)
{
    uint8_t tmp[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        tmp[i] = (uint8_t)va_arg(ap, int);
    va_end(ap);
    escpos_buf_add(b, tmp, (size_t)n);
}

void escpos_job(struct escpos_buf *b, const uint8_t *grey, int w, int h, int stride)
{
    int wb = (w + 7) / 8;
    add_bytes(b, 2, ESC, '@');
    uint8_t *row = malloc((size_t)wb);
    if (!row)
        abort();
    for (int y0 = 0; y0 < h; y0 += ESCPOS_BAND_ROWS) {
        int rows = h - y0 < ESCPOS_BAND_ROWS ? h - y0 : ESCPOS_BAND_ROWS;
        /* GS v 0 m xL xH yL yH: m = 0 is normal density (one bit per dot). */
        add_bytes(b, 8, GS, 'v', '0', 0, wb & 0xff, wb >> 8, rows & 0xff, rows >> 8);
        for (int y = y0; y < y0 + rows; y++) {
            const uint8_t *src = grey + (size_t)y * (size_t)stride;
            memset(row, 0, (size_t)wb);
            for (int x = 0; x < w; x++)
                if (src[x] < 128)
                    row[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
            escpos_buf_add(b, row, (size_t)wb);
        }
    }
    free(row);
    add_bytes(b, 3, ESC, 'd', ESCPOS_FEED_LINES);
    add_bytes(b, 4, GS, 'V', 66, 0);
}

void escpos_query(struct escpos_buf *b, enum escpos_query n) { add_bytes(b, 3, DLE, EOT, n); }

int escpos_status_valid(uint8_t b) { return (b & 0x93) == 0x12; }

int escpos_status_parse(enum escpos_query n, uint8_t b, struct escpos_status *st)
{
    if (!escpos_status_valid(b))
        return -1;
    switch (n) {
    case ESCPOS_Q_PRINTER:
        st->offline |= !!(b & 0x08);
        break;
    case ESCPOS_Q_OFFLINE:
        st->cover_open |= !!(b & 0x04);
        st->paper_stop |= !!(b & 0x20);
        st->error |= !!(b & 0x40);
        break;
    case ESCPOS_Q_ERROR:
        /* bit 3 autocutter, bit 5 unrecoverable, bit 6 auto-recoverable */
        st->error |= !!(b & 0x68);
        break;
    case ESCPOS_Q_PAPER:
        st->paper_near_end |= !!(b & 0x0c);
        st->paper_end |= !!(b & 0x60);
        break;
    }
    return 0;
}

size_t escpos_count_queries(const uint8_t *data, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i + 2 < len; i++)
        if (data[i] == DLE && data[i + 1] == EOT && data[i + 2] >= 1 && data[i + 2] <= 4)
            n++;
    return n;
}

static int decode_fail(char *err, size_t errlen, size_t at, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "ESC/POS stream, byte %zu: %s", at, what);
    return -1;
}

int escpos_decode(const uint8_t *d, size_t len, int *w, int *h, uint8_t **grey, char *err,
                  size_t errlen)
{
    *grey = NULL;
    *w = *h = 0;
    int wb = 0, rows = 0;
    uint8_t *img = NULL;
    size_t i = 0;
    while (i < len) {
        size_t left = len - i;
        if (d[i] == ESC && left >= 2 && d[i + 1] == '@') {
            i += 2;
        } else if (d[i] == ESC && left >= 3 && d[i + 1] == 'd') {
            i += 3;
        } else if (d[i] == GS && left >= 4 && d[i + 1] == 'V' && d[i + 2] == 66) {
            i += 4;
        } else if (d[i] == DLE && left >= 3 && d[i + 1] == EOT) {
            i += 3;
        } else if (d[i] == GS && left >= 8 && d[i + 1] == 'v' && d[i + 2] == '0') {
            int bw = d[i + 4] | d[i + 5] << 8, bh = d[i + 6] | d[i + 7] << 8;
            if (bw == 0 || bh == 0 || (wb && bw != wb)) {
                free(img);
                return decode_fail(err, errlen, i, "raster band of a different width");
            }
            size_t n = (size_t)bw * (size_t)bh;
            if (len - i - 8 < n) {
                free(img);
                return decode_fail(err, errlen, i, "raster band cut short");
            }
            wb = bw;
            uint8_t *grown = realloc(img, (size_t)wb * 8 * (size_t)(rows + bh));
            if (!grown)
                abort();
            img = grown;
            const uint8_t *src = d + i + 8;
            for (int y = 0; y < bh; y++)
                for (int x = 0; x < wb * 8; x++) {
                    int dark = src[(size_t)y * (size_t)wb + (size_t)(x >> 3)] & (0x80 >> (x & 7));
                    img[(size_t)(rows + y) * (size_t)wb * 8 + (size_t)x] = dark ? 0 : 255;
                }
            rows += bh;
            i += 8 + n;
        } else {
            free(img);
            return decode_fail(err, errlen, i, "unknown command");
        }
    }
    if (!img)
        return decode_fail(err, errlen, len, "no raster image");
    *w = wb * 8;
    *h = rows;
    *grey = img;
    return 0;
}
