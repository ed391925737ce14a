/* qr — see qr.h.  libqrencode's QRcode keeps several flags per module byte; only bit 0
 * (dark) matters to us, so the matrix is copied out once and libqrencode's struct freed. */
#include "receipt/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qr_encode(const char *text, struct qr *out)
{
    memset(out, 0, sizeof *out);
    /* Version 0: the smallest that fits; case-sensitive, since the payload's signature
     * covers every character. */
    QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) {
        fprintf(stderr, "qr: cannot encode %zu bytes: %s\n", strlen(text), strerror(errno));
        return -1;
    }
    size_t n = (size_t)code->width * (size_t)code->width;
    out->modules = malloc(n);
    if (!out->modules)
        abort();
    for (size_t i = 0; i < n; i++)
        out->modules[i] = code->data[i] & 1;
    out->size = code->width;
    QRcode_free(code);
    return 0;
}

void qr_clear(struct qr *q)
{
    free(q->modules);
    memset(q, 0, sizeof *q);
}

int qr_dark(const struct qr *q, int x, int y)
{
    if (x < 0 || y < 0 || x >= q->size || y >= q->size)
        return 0;
    return q->modules[(size_t)y * (size_t)q->size + (size_t)x];
}
