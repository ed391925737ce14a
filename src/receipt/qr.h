/* qr — a QR code as a plain module matrix, made with libqrencode.
 *
 * The matrix has no quiet zone; whoever draws it leaves QR_QUIET_MODULES of white on
 * every side (the printer raster, the PNG and the on-screen receipt all do).  Error
 * correction is level M (15 %): enough for a receipt that has been folded in a pocket,
 * while keeping a ~120-byte payload at version 7 so modules stay large on 58 mm paper.
 *
 * Owns: the module array.  Never does: scale, draw or decide what the payload says. */
#ifndef KIOSK_QR_H
#define KIOSK_QR_H

#include <stdint.h>

#define QR_QUIET_MODULES 4

struct qr {
    int size;          /* modules per side, quiet zone not included */
    uint8_t *modules;  /* size*size bytes, row by row: 1 dark, 0 light */
};

/* Encodes the NUL-terminated text in 8-bit mode at level M.  Returns 0 and fills *out
 * (free with qr_clear), or -1 (logged) when the text is too long or memory ran out. */
int qr_encode(const char *text, struct qr *out);
void qr_clear(struct qr *q);
/* 1 when module (x, y) is dark; coordinates outside the matrix (the quiet zone) are 0. */
int qr_dark(const struct qr *q, int x, int y);

#endif
