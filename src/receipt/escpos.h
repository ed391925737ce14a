/* escpos — the bytes a thermal receipt printer understands: a whole receipt as one
 * raster image (GS v 0), so Chinese text prints on any printer without fonts, and the
 * real-time status answers (DLE EOT n).
 *
 * A job is: ESC @ (reset), the raster in bands of ESCPOS_BAND_ROWS rows (GS v 0, one
 * bit a dot, MSB first, 1 = black), ESC d n (feed past the tear bar), GS V 66 0 (feed
 * to the cutter and cut partially, leaving a tab so the receipt does not fall).
 *
 * The DLE EOT pitfall.  Printers execute DLE EOT n (10 04 n) the moment those bytes
 * arrive, even when they are the pixels of a raster band, and still print them as
 * pixels.  So (1) status is queried only after the last band, never inside one, and
 * (2) every 10 04 n (n = 1..4) sequence in the raster makes the printer send back an
 * extra status byte nobody asked for.  Readers must tolerate those: escpos_count_queries
 * counts the sequences in what was sent, so a reader knows how many answers to expect
 * and that its own queries' answers are the last ones (answers come back in the order
 * the queries were received).
 *
 * Owns: byte buffers it grows.  Never does: I/O, or decide what a status means to people. */
#ifndef KIOSK_ESCPOS_H
#define KIOSK_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#define ESCPOS_BAND_ROWS 24
#define ESCPOS_FEED_LINES 3

/* A growable byte buffer.  Zero-initialise; free with escpos_buf_free. */
struct escpos_buf {
    uint8_t *data;
    size_t len, cap;
};
void escpos_buf_add(struct escpos_buf *b, const void *bytes, size_t n);
void escpos_buf_free(struct escpos_buf *b);

/* Appends a complete job printing the 8-bit grey image (pixels < 128 print black) of
 * w x h dots, `stride` bytes a row: init, bands, feed, partial cut.  Rows wider than
 * the image are padded white to a whole byte. */
void escpos_job(struct escpos_buf *b, const uint8_t *grey, int w, int h, int stride);

/* Status queries: DLE EOT n. */
enum escpos_query {
    ESCPOS_Q_PRINTER = 1, /* online / offline */
    ESCPOS_Q_OFFLINE = 2, /* why offline: cover, paper end, error */
    ESCPOS_Q_ERROR = 3,   /* which error */
    ESCPOS_Q_PAPER = 4,   /* roll paper sensor */
};
void escpos_query(struct escpos_buf *b, enum escpos_query n);

/* What a status byte says.  Only the fields its query reports are set. */
struct escpos_status {
    int offline;        /* n=1 bit 3 */
    int cover_open;     /* n=2 bit 2 */
    int paper_stop;     /* n=2 bit 5: printing stopped at paper end */
    int error;          /* n=2 bit 6, or any n=3 error bit */
    int paper_near_end; /* n=4 bits 2,3 */
    int paper_end;      /* n=4 bits 5,6 */
};
/* 1 when b has the fixed bits every DLE EOT answer has (0xx1 0x10: bits 1 and 4 set,
 * bits 0 and 7 clear); a byte without them is noise, not status. */
int escpos_status_valid(uint8_t b);
/* Adds what answer b to query n says to *st (fields are OR-ed in, so one struct can
 * gather several answers).  Returns 0, or -1 when b is not a status byte. */
int escpos_status_parse(enum escpos_query n, uint8_t b, struct escpos_status *st);

/* Number of DLE EOT n sequences (n = 1..4) in data: the status bytes a printer will
 * send back for it. */
size_t escpos_count_queries(const uint8_t *data, size_t len);

/* Reads a job made by escpos_job back into a grey image (0 black, 255 white), w =
 * bytes a row * 8: what the printer would put on paper.  Understands exactly the
 * commands escpos_job and escpos_query emit.  Returns 0 with *grey malloc'd (stride w,
 * caller frees), or -1 when the stream is malformed (a sentence in err). */
int escpos_decode(const uint8_t *data, size_t len, int *w, int *h, uint8_t **grey,
                  char *err, size_t errlen);

#endif
