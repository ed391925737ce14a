/* apply — writes the content the centre published into the kiosk's content tables:
 * rows from a pull (sync/pull.h) or from a centre-signed content bundle, one page at a
 * time.  The rules of reconciliation for content are written down here, once:
 *
 *   - A row is (kind, id, counter, withdrawn, data): data is the JSON object of the
 *     row's columns as the importer normalised them at the centre.  A live row replaces
 *     the kiosk's row of that id; a withdrawn one deletes it (records keep their own
 *     copies of titles and times, so nothing else changes).
 *   - Kinds: jobs, trainings, activities, places, services (their tables), materials
 *     (the table and its pictures, base64 in data.images), settings
 *     (certificate_pattern → meta "district.certificate_pattern"), and what the centre
 *     derives from the records: members (the directory, masked names only), checkins
 *     (other kiosks' check-ins to the activities shown here: hall_checkins) and counts
 *     (a session's sign-ups: training_counts keeps those of the other kiosks).  A kind or column the
 *     kiosk does not know is ignored: a newer centre never stops an older kiosk.
 *   - A malformed row (no id, data not a JSON object, a picture that does not decode) is
 *     skipped and logged as a content_skip event; the page goes on.  It will not come
 *     again, as the counter moves past it: the centre must publish it anew.
 *   - A page is one transaction together with the counter it reached (meta
 *     "content.counter"): a pull cut anywhere leaves the kiosk at the end of the last
 *     page it applied, and the next pull goes on from there.  Nothing is fetched while
 *     the transaction is open, so a check-in waits at most for one page's writes.
 *   - A full snapshot (a first pull, a pull after the kiosk moved hall, a content
 *     bundle) ends with apply_finish_full(): the rows of each kind the centre publishes
 *     that it did not deliver (the demo's, a stand-alone import's) are removed.  Kinds
 *     the centre has never published stay as they are.
 *
 * Owns: nothing between calls.  Never does: network, files, UI. */
#ifndef KIOSK_APPLY_H
#define KIOSK_APPLY_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define APPLY_COUNTER_KEY "content.counter" /* the last counter applied */
#define APPLY_FULL_KEY "content.full"       /* "1" while a full snapshot is under way */

struct apply_row {
    const char *kind, *id;
    int64_t counter;
    int withdrawn;
    const char *data;   /* JSON object text */
};

struct apply_stats {
    long rows;          /* rows seen */
    long changed;       /* live rows written */
    long withdrawn;     /* rows removed */
    long skipped;       /* malformed or of a kind this kiosk does not keep */
};

/* The counter the kiosk has reached (0: never synced), or -1 on a database error. */
int64_t apply_counter(struct store *st);

/* Applies rows[0..n) and records `reached` (the page's last counter) as the counter,
 * in one write transaction.  Rows at or below the counter already applied change
 * nothing (an older bundle, a page seen twice).  Adds to *stats.  Returns 0, or -1 with
 * a sentence in err and nothing of the page applied. */
int apply_page(struct store *st, const struct apply_row *rows, int n, int64_t reached,
               int64_t now_ms, struct apply_stats *stats, char *err, size_t errlen);

/* Starts a full snapshot: the counter goes back to 0, what was delivered before is
 * forgotten (content_synced) and APPLY_FULL_KEY is set, in one transaction; the content
 * itself stays until apply_finish_full().  0 or -1 with err. */
int apply_begin_full(struct store *st, char *err, size_t errlen);
/* 1 while a full snapshot is under way (also after a cut one), 0 otherwise. */
int apply_full_pending(struct store *st);
/* Ends a full snapshot: removes the rows of every kind the centre delivered that it
 * did not deliver, and clears APPLY_FULL_KEY.  Returns the number of rows removed, or
 * -1 with err. */
long apply_finish_full(struct store *st, char *err, size_t errlen);

#endif
