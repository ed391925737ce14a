/* receipts — the application side of receipts (PRODUCT.md "Receipts"): what screens
 * call once a record is committed.  It lays the receipt out (receipt_prepare: the
 * receipts row and the signed QR), hands it to the printer unless [printer] device is
 * none, reprints (重新打印), tells a screen a receipt's print state in words, and drains
 * the printer's results into the receipts table.
 *
 * Printing never blocks: receipts_issue() and receipts_reprint() render the raster
 * (a few milliseconds) and queue it; the printer's worker thread does the I/O under its
 * deadline.  Results come back through receipts_poll(), which app.c calls on every
 * event and tick (the printer's notify callback wakes the loop with an SDL event) and
 * the script player calls while it waits.  Each applied result bumps
 * app->print_serial, so a screen re-reads the state only when something changed.
 *
 * The record is always committed before any of this runs; a receipt that cannot be
 * made or printed never touches the record.
 *
 * Owns: nothing between calls but the counters in struct app.  Layouts and pictures it
 * returns belong to the caller (receipts_free, receipts_qr_free wipe them).  Never does:
 * UI, or log personal data (events name the record UUID and the outcome only). */
#ifndef KIOSK_RECEIPTS_H
#define KIOSK_RECEIPTS_H

#include <stddef.h>
#include <stdint.h>

#include "app/registration.h"
#include "receipt/receipt.h"

struct app;

enum receipts_print {
    RECEIPTS_NO_PRINTER, /* [printer] device = none (or the printer could not start) */
    RECEIPTS_PENDING,    /* queued or printing */
    RECEIPTS_PRINTED,
    RECEIPTS_FAILED,
    RECEIPTS_UNKNOWN,    /* no receipts row, or the database could not be read */
};

struct receipts_status {
    enum receipts_print state;
    char receipt_no[RECEIPT_NO_SIZE];
    char reason[192];     /* RECEIPTS_FAILED: why, in the app's language ("打印机缺纸") */
};

/* What the on-screen receipt shows, pointing into a layout's items (valid while the
 * layout lives). */
#define RECEIPTS_MAX_LINES 12
struct receipts_view {
    const char *title;                     /* "报到登记回执" */
    const char *lines[RECEIPTS_MAX_LINES]; /* "姓名：张*" … "时间：2026-12-01 09:00" (masked) */
    int n_lines;
    const char *next_step;                 /* the footer's advice; NULL when none */
    const char *ticket;                    /* a queue ticket's number; NULL for others */
};

/* Lays out the receipt of the committed record uuid (creating its receipts row) and,
 * when print is set and a printer is configured, queues it for printing.  Returns the
 * layout (free with receipts_free), or NULL (logged) when there is no such record, no
 * signing key or the database failed: the screen then says the receipt cannot be
 * shown, the record itself is safe. */
struct receipt_layout *receipts_issue(struct app *a, const char *uuid, int print);
/* 重新打印: queues the layout again; its state goes back to pending.  Returns 0, or -1
 * when there is no printer or the queue is full (the state then stays as it was). */
int receipts_reprint(struct app *a, const struct receipt_layout *l);
/* The print state of uuid's receipt.  Always fills *out; returns out->state. */
enum receipts_print receipts_status(struct app *a, const char *uuid,
                                    struct receipts_status *out);
/* The kind of record uuid ("registration" …) into kind; "" when it cannot be read.
 * For saying what was done when the receipt itself could not be made. */
void receipts_kind(struct app *a, const char *uuid, char *kind, size_t size);
/* 1 when a printer is configured and running. */
int receipts_have_printer(const struct app *a);

/* Applies every result the printer has finished to the receipts table.  Returns how
 * many were applied.  Call from the main thread only. */
int receipts_poll(struct app *a);
/* Jobs submitted whose result has not been applied yet. */
int receipts_in_flight(const struct app *a);

/* Splits a layout into what the receipt screen shows. */
void receipts_view(const struct receipt_layout *l, struct receipts_view *v);
/* For a registration's receipt: the service station the member was assigned to
 * (address, phone, hours).  Returns 0, 1 when there is none (another kind, or a place
 * that is no longer in the content), -1 on error (logged). */
int receipts_station(struct app *a, const char *uuid, struct reg_place *out);

/* The layout's QR as an RGBA picture for ui_image: black modules on white, with the
 * 4-module quiet zone, each module an integer number of pixels, the whole at most
 * max_px wide (and never less than one pixel a module).  Returns the pixels (side x
 * side, stride side*4; free with receipts_qr_free) or NULL when the layout has no QR. */
uint8_t *receipts_qr_rgba(const struct receipt_layout *l, int max_px, int *side);
void receipts_qr_free(uint8_t *rgba, int side);

/* What app_show_receipt / app_view_receipt hand to the receipt screen's enter(). */
struct receipts_screen_arg {
    const char *uuid;
    int print;   /* issue and print now (1), or only show (0) */
};

/* Wipes and frees a layout from receipts_issue; NULL is fine. */
void receipts_free(struct receipt_layout *l);

#endif
