/* escpos2png — turns what a receipt printer received back into the picture it would
 * print (escpos_decode), for the receipt scenarios' checks: zbarimg then reads the QR
 * off paper that was never printed.
 *
 *   escpos2png JOB.bin OUT.png
 *
 * A file holding several jobs one after the other (a reprint appends) is decoded job by
 * job: OUT.png is the last one, OUT-1.png … the earlier ones.  Prints the number of
 * jobs.  Exit 0, or 1 with a sentence when the stream is malformed. */
#include "core/png.h"
#include "core/util.h"
#include "receipt/escpos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the next job starts: after the cut (GS V 66 0), or len. */
static size_t job_end(const uint8_t *d, size_t len)
{
    for (size_t i = 0; i + 3 < len; i++)
        if (d[i] == 0x1D && d[i + 1] == 'V' && d[i + 2] == 66) {
            /* A GS v 0 band could hold these bytes: a real cut is followed by the end,
             * the status queries a network printer is asked (DLE EOT n), or the next
             * job's ESC @. */
            size_t end = i + 4;
            while (end + 2 < len && d[end] == 0x10 && d[end + 1] == 0x04)
                end += 3;
            if (end == len || (end + 1 < len && d[end] == 0x1B && d[end + 1] == '@'))
                return end;
        }
    return len;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: escpos2png JOB.bin OUT.png\n", stderr);
        return 2;
    }
    size_t len;
    uint8_t *data = (uint8_t *)util_read_file(argv[1], &len);
    if (!data || len == 0) {
        fprintf(stderr, "%s: empty or unreadable\n", argv[1]);
        return 1;
    }
    int jobs = 0;
    size_t at = 0;
    while (at < len) {
        size_t end = at + job_end(data + at, len - at);
        int w, h;
        uint8_t *grey;
        char err[256];
        if (escpos_decode(data + at, end - at, &w, &h, &grey, err, sizeof err) < 0) {
            fprintf(stderr, "%s: job %d: %s\n", argv[1], jobs + 1, err);
            return 1;
        }
        jobs++;
        char path[4096];
        if (end == len) {
            snprintf(path, sizeof path, "%s", argv[2]);
        } else {
            const char *dot = strrchr(argv[2], '.');
            int stem = dot ? (int)(dot - argv[2]) : (int)strlen(argv[2]);
            snprintf(path, sizeof path, "%.*s-%d.png", stem, argv[2], jobs);
        }
        if (png_write_gray(path, w, h, grey, w) < 0) {
            fprintf(stderr, "%s: cannot write\n", path);
            return 1;
        }
        free(grey);
        at = end;
    }
    printf("%d\n", jobs);
    free(data);
    return 0;
}
