/* receipt — a record's receipt: the signed QR payload, the receipt number, the layout
 * and its rendering to the printer raster, ESC/POS and PNG; and the receipts table
 * (receipt_no, print_state).
 *
 * A receipt is laid out ONCE from the stored record into a list of drawable items (text
 * lines with size, weight and alignment, the QR, rules, spaces) that knows nothing of
 * the output; the printer raster, the PNG and the on-screen receipt all draw that list.
 * Item sizes are pixels on 384-dot (58 mm) paper; wider paper scales them by
 * paper_dots / 384, a screen by whatever suits it.
 *
 * QR payload (ASCII only: zbar guesses the charset of unlabelled 8-bit data and misreads
 * UTF-8), seven fields separated by ':':
 *     LDK2:<kiosk id>:<record uuid, 32 hex digits>:<kind letter>:<UTC 20261128071500>:
 *         <key id, 8 hex digits>:<signature>
 * signature = Ed25519 (the kiosk's identity, receipt/sign.h) of everything before it,
 * the last ':' included, in RFC 4648 base32 without padding (103 characters).  Letters
 * are capitals and nothing but digits, capitals and ':' is used (a kiosk id aside,
 * which is as configured), so libqrencode codes almost all of it in the QR's
 * alphanumeric mode (5.5 bits a character): the payload is ~172 characters and still
 * fits version 7 at level M (45 modules), as the 100-character HMAC payload of before
 * did in byte mode, and modules stay 5+ dots wide on 58 mm paper.  Kind letters:
 * R registration, C checkin, J job_interest, T training_signup, S consultation,
 * Q queue_ticket, W training_waitlist, E evaluation, H help_request, V study_view.
 *
 * Receipts printed before the identity existed carry the older payload
 *     LDK1|<kiosk id>|<uuid>|<kind>|<UTC 20261128T071500Z>|<key id>|<tag>
 * tag = HMAC-SHA256(the kiosk's receipt.key, everything before the last '|') truncated
 * to 128 bits, base64url; they keep verifying on their kiosk (kioskctl verify), which
 * alone holds that key.
 *
 * The receipt number (e.g. "K7M2-9QXA") is what a person reads out over the phone: 8
 * characters from 23456789ABCDEFGHJKMNPQRSTUVWXYZ (no 0/O, 1/I/L), from the HMAC of
 * the record UUID under a secret derived from the kiosk's identity (identity_derive
 * "receipt-no"), stored in receipts.receipt_no.
 *
 * Record fields shown per kind (keys of records.fields; the first key present wins; an
 * *_id also pulls title, time and place from the content table):
 *   registration    name, id_number, phone, certificate_no, origin_org, employer,
 *                   station|station_name|community_name (or station_id → places)
 *   checkin         activity_title|activity_id (activities), certificate_no, name (or
 *                   the name of the registration with that certificate_no)
 *   job_interest    job_title|job_id (jobs: employer, area, contact), name, phone
 *   training_signup training_title|training_id (trainings: starts_at, venue), name, phone
 *   consultation    topic|service, name, phone
 *   queue_ticket    ticket_no (printed large), service|window
 * Personal data is masked with validate.h's mask_name / mask_idcard / mask_phone.
 *
 * Threads: everything here runs on the thread that owns the store (the main loop);
 * the printer's worker thread only ever sees finished ESC/POS bytes.
 *
 * Owns: layouts and rasters it returns.  Never does: talk to a printer device (printer.c),
 * draw on screen (the receipt screen draws receipt_layout's items). */
#ifndef KIOSK_RECEIPT_H
#define KIOSK_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "receipt/escpos.h"
#include "receipt/qr.h"
#include "ui/text.h"

struct config;
struct identity;
struct identity_pub;
struct printer;
struct printer_result;
struct record;
struct sign_key;
struct store;

#define RECEIPT_PAYLOAD_SIZE 256
#define RECEIPT_NO_SIZE 10 /* "K7M2-9QXA" + NUL */
#define RECEIPT_BASE_DOTS 384
#define RECEIPT_SIZE_TICKET 112 /* a queue ticket's number, in dots on 384-dot paper */

/* ---- payload and number -------------------------------------------------------------- */

/* What a payload claims (both formats read into this one form). */
struct receipt_claim {
    int version;     /* 2: Ed25519 (LDK2), 1: the older HMAC payload (LDK1) */
    char kiosk_id[64];
    char uuid[37];   /* lowercase, with dashes */
    char kind[24];   /* the record kind's name */
    char time[17];   /* UTC, 20261128T071500Z */
    char key_id[9];  /* lowercase hex */
};

enum receipt_verdict {
    RECEIPT_GENUINE = 0,
    RECEIPT_MALFORMED,    /* not a kiosk receipt payload at all */
    RECEIPT_UNKNOWN_KEY,  /* signed with a key we do not hold (another kiosk's) */
    RECEIPT_FORGED,       /* a key we hold, but the signature does not match: altered */
};

/* Finds the Ed25519 public key `key_id` of kiosk `kiosk_id` for verification (the
 * kiosk's own earlier keys on the kiosk; the registry at the centre).  Returns 0 with
 * *out, 1 when there is no such key, -1 when the look-up failed. */
typedef int (*receipt_key_lookup_fn)(void *ctx, const char *kiosk_id, const char *key_id,
                                     struct identity_pub *out);

/* The keys a verifier holds. */
struct receipt_keys {
    receipt_key_lookup_fn lookup;      /* LDK2 payloads; NULL: none */
    void *ctx;
    const struct sign_key *const *hmac; /* LDK1 payloads: this kiosk's HMAC key(s) */
    size_t nhmac;
};

/* 1 when s looks like a receipt payload of either format (its prefix): check-in uses it
 * to tell a person who holds their receipt to the scanner what went wrong. */
int receipt_is_payload(const char *s);

/* Writes the signed payload for a record into out (RECEIPT_PAYLOAD_SIZE is enough).
 * created_at is the record's util_time_utc() string.  Returns 0, or -1 when an
 * argument cannot go into a payload (kiosk id with characters other than letters,
 * digits, '-' and '_'; unknown kind; malformed time or UUID). */
int receipt_payload(const struct identity *id, const char *kiosk_id, const char *uuid,
                    const char *kind, const char *created_at, char *out, size_t size);
/* The older HMAC payload (LDK1) of the same record: what receipts carried before the
 * identity existed.  For tests and tools that must make one; the kiosk never does. */
int receipt_payload_hmac(const struct sign_key *key, const char *kiosk_id, const char *uuid,
                         const char *kind, const char *created_at, char *out, size_t size);
/* Checks payload against the keys held.  Parsing is strict (exact field formats, one
 * spelling per signature), so any changed character is refused.  *out (may be NULL) is
 * filled whenever the payload parsed, whatever the verdict. */
enum receipt_verdict receipt_verify_payload(const struct receipt_keys *keys,
                                            const char *payload, struct receipt_claim *out);
/* A sentence for staff: "genuine" … in Chinese and English. */
const char *receipt_verdict_text(enum receipt_verdict v);

/* The receipt number for a record: XXXX-XXXX.  `attempt` > 0 derives an alternative
 * (used only if the first collides with another record's in the UNIQUE column). */
void receipt_number(const struct identity *id, const char *uuid, int attempt,
                    char out[RECEIPT_NO_SIZE]);

/* ---- layout -------------------------------------------------------------------------- */

enum receipt_item_kind {
    RECEIPT_TEXT,  /* text, wrapped to the paper width */
    RECEIPT_QR,    /* the layout's qr, centred, with its quiet zone */
    RECEIPT_RULE,  /* a horizontal line across the width, in a band `size` high */
    RECEIPT_SPACE, /* `size` of white */
};

struct receipt_item {
    enum receipt_item_kind kind;
    const char *text;      /* RECEIPT_TEXT: UTF-8, owned by the layout */
    int size;              /* TEXT: em in px; RULE/SPACE: height in px; at 384 dots */
    int bold;
    enum text_align align;
};

struct receipt_layout {
    char record_uuid[37];  /* "" for the printer test page */
    char kind[24];
    char receipt_no[RECEIPT_NO_SIZE];
    char payload[RECEIPT_PAYLOAD_SIZE];
    struct qr qr;          /* the payload's module matrix (no quiet zone) */
    struct receipt_item *items;
    int n_items;
};

/* Makes sure the record `uuid` has a receipts row (receipt_no; print_state 'pending',
 * or 'none' when the configured printer is none) and lays its receipt out.  id (the
 * kiosk's identity) signs the payload.  Returns 0 with *out (free with receipt_layout_free), 1 when there is no
 * such record, -1 on error (a sentence in err). */
int receipt_prepare(struct store *st, const struct config *cfg, const struct identity *id,
                    const char *uuid, struct receipt_layout **out, char *err, size_t errlen);
/* The same, for a visitor who reads English when english is set: the title, labels,
 * advice and captions carry an English line beside the Chinese (staff read the Chinese);
 * the content (names, places) stays as written.  The QR payload is the same either way. */
int receipt_prepare_lang(struct store *st, const struct config *cfg, const struct identity *id,
                         const char *uuid, int english, struct receipt_layout **out, char *err,
                         size_t errlen);
/* Lays out a record that is already loaded, with a known receipt number; writes
 * nothing.  st is used read-only, for the content tables (activity titles …).
 * Returns 0 with *out, or -1 (logged). */
int receipt_layout_record(struct store *st, const struct config *cfg,
                          const struct identity *id, const struct record *rec,
                          const char *receipt_no, struct receipt_layout **out);
int receipt_layout_record_lang(struct store *st, const struct config *cfg,
                               const struct identity *id, const struct record *rec,
                               const char *receipt_no, int english, struct receipt_layout **out);
/* The printer test page: hall, kiosk, time, paper width, a sample of Chinese text, an
 * (unsigned) QR and rules at the paper's edges.  Returns NULL only when out of memory. */
struct receipt_layout *receipt_layout_test(const struct config *cfg, int64_t now_ms);
void receipt_layout_free(struct receipt_layout *l);

/* ---- rendering ----------------------------------------------------------------------- */

/* A 1-bit image kept one byte a dot (0 black, 255 white, nothing between), paper_dots
 * wide: the printer raster, and the PNG of it. */
struct receipt_raster {
    int w, h;
    uint8_t *pixels;       /* w*h bytes, row by row */
};

/* Draws the layout at paper_dots (384, 512, 576 or 640): text through text_render,
 * composited on white and thresholded at 50 %, the QR at an integer module size of at
 * least half the paper width.  Returns 0 with out->pixels malloc'd (receipt_raster_free),
 * or -1 (logged). */
int receipt_render_raster(const struct receipt_layout *l, struct text_fonts *tf,
                          int paper_dots, struct receipt_raster *out);
void receipt_raster_free(struct receipt_raster *r);
/* Renders and writes the raster as a grey PNG at path.  0 or -1 (logged). */
int receipt_render_png(const struct receipt_layout *l, struct text_fonts *tf, int paper_dots,
                       const char *path);
/* Renders and appends the ESC/POS job (escpos_job) to out.  0 or -1 (logged). */
int receipt_render_escpos(const struct receipt_layout *l, struct text_fonts *tf,
                          int paper_dots, struct escpos_buf *out);

/* ---- printing and the receipts table ------------------------------------------------- */

/* Renders the receipt, sets its print_state back to 'pending' (a reprint) and hands
 * the job to the printer's worker; returns at once.  0, or -1 when rendering failed or
 * the printer queue is full (the state then stays as it was). */
int receipt_print(struct store *st, struct printer *p, const struct receipt_layout *l,
                  struct text_fonts *tf, int paper_dots, int64_t now_ms);
/* Writes a printer result into the receipts table: print_state from
 * printer_state_name(), print_error the Chinese and English sentence (NULL when
 * printed), updated_at now; and logs a "receipt_print" event (no personal data).
 * Results of test prints (empty uuid) and PRINTER_BUSY (a job that was never queued,
 * so the row keeps describing the last real attempt) are ignored.  0 or -1 (logged). */
int receipt_apply_result(struct store *st, const struct printer_result *r, int64_t now_ms);
/* Reads a record's receipt row.  Returns 0, 1 when there is none, -1 on error.  Any
 * out pointer may be NULL; error gets "" when there is none. */
int receipt_get(struct store *st, const char *uuid, char receipt_no[RECEIPT_NO_SIZE],
                char *state, size_t state_size, char *error, size_t error_size);

#endif
