/* printer — sends ESC/POS jobs to the receipt printer without ever blocking the screen.
 *
 * Back-ends, from [printer] device:
 *   none          nothing is printed; every job ends at once with PRINTER_NONE.
 *   file:PATH     a printer device (/dev/usb/lp0) or a plain file.  Opened O_NONBLOCK
 *                 and written under poll() with the deadline: a USB printer that is off
 *                 or out of paper otherwise blocks write() for ever.  A device opened
 *                 read-write is asked for its status after the job (DLE EOT); a device
 *                 that does not answer still counts as printed, because usblp only
 *                 takes data the printer accepts and reports paper out as ENOSPC.  A
 *                 regular file (created if missing) gets exactly the job bytes.
 *   tcp:HOST:PORT a network printer (port 9100).  Non-blocking connect and send, both
 *                 under the deadline.  A socket accepts data into kernel buffers whether
 *                 or not paper comes out, so after the job the printer is asked DLE EOT 2
 *                 and 4: no answer before the deadline is PRINTER_UNKNOWN — never
 *                 reported as printed.
 *   cups:QUEUE    `lp -d QUEUE -o raw` started with posix_spawnp (fork/exec that is safe
 *                 in a threaded program), the job written to its stdin, the process
 *                 killed at the deadline.  Exit status 0 means CUPS took the job.
 * The whole job (connect, send, status) has one deadline: [printer] timeout_ms.
 *
 * Threads.  printer_submit() queues a copy of the job and returns at once; one worker
 * thread (pthread) runs jobs in order.  The worker never touches SQLite or SDL: results
 * go to a queue that the main thread drains with printer_poll() (receipt_apply_results
 * in receipt.h writes them to the receipts table), so the store keeps one connection
 * used by one thread.  An optional notify callback, called from the worker after each
 * result, lets the main loop wake up (e.g. SDL_PushEvent, which is thread-safe).
 *
 * Status bytes.  Raster data can contain 10 04 n, which printers answer as if it were a
 * status query (see escpos.h); the reader counts those sequences in what it sent and
 * takes the last two bytes as the answers to its own queries, ignoring the strays.
 *
 * Owns: the worker thread, the queues and copies of queued jobs.  Never does: render,
 * write the database, or show anything. */
#ifndef KIOSK_PRINTER_H
#define KIOSK_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#define PRINTER_QUEUE_MAX 4

enum printer_outcome {
    PRINTER_PRINTED,         /* the printer took the job and reports no fault */
    PRINTER_NONE,            /* device = none: nothing to print on */
    PRINTER_NOT_CONNECTED,   /* no device, connection refused, nothing listening */
    PRINTER_NO_RESPONSE,     /* the deadline passed while connecting or sending */
    PRINTER_PAPER_END,
    PRINTER_COVER_OPEN,
    PRINTER_OFFLINE,
    PRINTER_FAULT,           /* the printer reports an error, or an unexpected I/O error */
    PRINTER_CONNECTION_LOST, /* the connection closed before the job was confirmed */
    PRINTER_UNKNOWN,         /* sent, but the printer never said how it went */
    PRINTER_SPOOLER,         /* lp is missing or refused the job */
    PRINTER_CANCELLED,       /* printer_close() while the job was running */
    PRINTER_BUSY,            /* the queue was full; never queued */
};

struct printer_result {
    char record_uuid[37];
    enum printer_outcome outcome;
    char detail[192];        /* technical detail for the log; no personal data */
};

/* Called from the worker thread after a result is queued.  Must be thread-safe. */
typedef void (*printer_notify_fn)(void *user);

struct printer;

/* Starts a printer for `device` (see above) with the per-job deadline timeout_ms.
 * notify may be NULL.  Returns 0 with *out (free with printer_close), or -1 with a
 * sentence in err when the device string is malformed or the thread cannot start. */
int printer_open(const char *device, int timeout_ms, printer_notify_fn notify, void *user,
                 struct printer **out, char *err, size_t errlen);
/* Cancels the job in progress (it ends PRINTER_CANCELLED within a poll() wake-up),
 * drops queued jobs and results unread, joins the worker, frees.  NULL is fine. */
void printer_close(struct printer *p);

/* Queues a copy of the job for record_uuid (may be "" for a test print) and returns
 * without waiting.  Returns 0, or -1 when PRINTER_QUEUE_MAX jobs are already waiting
 * (a PRINTER_BUSY result is then queued, so the caller learns it through printer_poll
 * like any other outcome). */
int printer_submit(struct printer *p, const char *record_uuid, const uint8_t *job,
                   size_t len);
/* Takes the oldest finished result into *out.  Returns 1, or 0 when none is waiting.
 * Call from one thread (the main loop). */
int printer_poll(struct printer *p, struct printer_result *out);

/* Runs one job synchronously on the calling thread (kioskctl print-test, check).
 * With len 0 it only asks the printer's status (DLE EOT 2 and 4; a plain file is
 * checked for writability and left as it is).  Returns the outcome; detail (may be
 * NULL) receives technical detail. */
enum printer_outcome printer_send(const char *device, int timeout_ms, const uint8_t *job,
                                  size_t len, char *detail, size_t detail_len);

/* The receipts.print_state an outcome leads to: "printed", "none" or "failed". */
const char *printer_state_name(enum printer_outcome o);
/* A sentence for the person at the kiosk, e.g. "打印机缺纸" / "The printer is out of
 * paper."; lang "en" gives English, anything else Chinese.  Static storage. */
const char *printer_message(enum printer_outcome o, const char *lang);

#endif
