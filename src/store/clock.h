/* clock — whether the kiosk's clock can be believed: the one place that judges it.
 *
 * A kiosk's clock goes wrong in known ways: a flat CMOS battery resets it to 2000-01-01,
 * someone sets it back by hand, a bad time source sends it years ahead, or it drifts.
 * The local rules need no network:
 *   - more than CLOCK_BEFORE_BUILD_DAYS before this program was built (version.h);
 *   - more than CLOCK_BEHIND_MS before the newest record made with a believable clock
 *     (set back: a few minutes back is an NTP correction and believed);
 *   - CLOCK_AHEAD_DAYS past both of those (years ahead, which would otherwise make every
 *     right time after it look set back).
 * A record made while a local rule holds carries "clock_suspect": true in its fields
 * (store_record_add), so the export, the upload and the centre see it, and it does not
 * move the newest believable time.
 *
 * When the centre has answered a status report (sync/heartbeat.c notes its time here),
 * the difference is judged too: more than CLOCK_CENTRE_SKEW_S apart, as the centre's
 * fleet view flags CLOCK (kiosk-config/central/005-heartbeat.sql).  It marks no record:
 * it is as old as the last report, and the clock may have been set right since.
 *
 * Used by the store (marking), the app (staff screen, clock_suspect / clock_ok events),
 * kioskctl check.  Costs: arithmetic, and two meta reads when the centre's comparison is
 * asked for.  Owns nothing. */
#ifndef KIOSK_CLOCK_H
#define KIOSK_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define CLOCK_BEFORE_BUILD 1
#define CLOCK_BEHIND 2
#define CLOCK_AHEAD 4
#define CLOCK_LOCAL (CLOCK_BEFORE_BUILD | CLOCK_BEHIND | CLOCK_AHEAD)
#define CLOCK_CENTRE 8

#define CLOCK_BEFORE_BUILD_DAYS 30
#define CLOCK_BEHIND_MS (10 * 60 * 1000)
#define CLOCK_AHEAD_DAYS 730
#define CLOCK_CENTRE_SKEW_S 120

/* Where the last comparison with the centre is kept (the store's meta table). */
#define CLOCK_META_CENTRE_SKEW "centre_clock_skew_s"
#define CLOCK_META_CENTRE_SEEN "centre_seen_at"

struct clock_verdict {
    int flags;               /* CLOCK_*; 0: believable */
    int64_t now_ms;          /* the time judged */
    int64_t trusted_ms;      /* the newest record made with a believable clock; 0 none */
    int centre_known;        /* a status report has reached the centre (and then:) */
    int64_t centre_skew_s;   /* the kiosk's clock minus the centre's, in seconds */
    char centre_seen[32];    /* when (the centre's time, UTC ISO-8601) */
};

/* The local rules only (CLOCK_LOCAL flags for now_ms): what store_record_add marks by. */
int clock_local_flags(struct store *st, int64_t now_ms);

/* Judges now_ms by the local rules and, when with_centre, by the last comparison with the
 * centre.  Fills *v; returns v->flags. */
int clock_judge(struct store *st, int64_t now_ms, int with_centre, struct clock_verdict *v);

/* The centre answered a status report sent at kiosk_ms with its time centre_ms: keeps the
 * difference for clock_judge.  Returns it (kiosk minus centre, seconds). */
int64_t clock_centre_note(struct store *st, int64_t kiosk_ms, int64_t centre_ms);

/* What the local part of v says, in English for the event log and kioskctl check
 * ("it says 2000-01-01 09:00, long before this program was built; the newest trusted
 * record is from 2026-12-01 22:30"), local times. */
void clock_explain(const struct clock_verdict *v, char *buf, size_t size);

#endif
