/* rescue — what happens to a kiosk database that can no longer be trusted: damaged
 * (fails its check, or is no database), lost (missing or 0 bytes where the data
 * directory's marker says one existed), or deleted or replaced under the running kiosk.
 *
 * The rule: never delete, never silently start again.  The files that are left are moved
 * aside into DATA_DIR/aside-YYYYMMDD-HHMMSS/; what can be rescued is copied into
 * rescued.db there (a damaged file through the sqlite3 program's `.recover`; a file
 * deleted or replaced under the kiosk from the kiosk's still-open connection, which can
 * read it whole); and DATA_DIR/incident says what happened, for `kioskctl check`, the
 * out-of-service screen and the event log of the database that comes next.  Staff then
 * choose: put a backup (or rescued.db) back with `kioskctl restore`, or start an empty
 * database with `kioskctl reset-database`.  The first healthy open after that logs the
 * incident into the new database and files the incident note away in its folder.
 *
 * Owns nothing between calls.  Never does: delete a database file, write into one it
 * moved aside, or show anything. */
#ifndef KIOSK_RESCUE_H
#define KIOSK_RESCUE_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define STORE_INCIDENT_NAME "incident"
#define STORE_RESCUED_NAME "rescued.db"

struct store_incident {
    char what[16];          /* damaged | missing | empty | deleted | replaced (noted);
                             * unavailable (disk full, I/O: only said, never noted) */
    char detail[512];       /* the sentence that said so (no personal data) */
    char at[32];            /* UTC, util_time_utc() */
    char aside[4096];       /* the folder the files went to, "" when nothing was left */
    char rescued[4200];     /* the rescued database, "" when none */
    long rescued_records;   /* records in it; -1 when none or unknown */
    char note[256];         /* why nothing was rescued, when so */
};

/* Moves what is left of DIR's database aside, rescues what it can and writes DIR's
 * incident note.  what/detail say what happened (see above).  live (may be NULL) is the
 * kiosk's open connection to a file deleted or replaced under it: its content is
 * rescued from there, and it is only read.  Fills *inc.  Returns 0, or -1 with err when
 * the files could not be moved or the note not written (they are then left in place). */
int store_set_aside(const char *dir, const char *what, const char *detail, int64_t now_ms,
                    struct store *live, struct store_incident *inc, char *err, size_t errlen);

/* Reads DIR's incident note: 1 and *inc, 0 when there is none, -1 unreadable. */
int store_incident_read(const char *dir, struct store_incident *inc);

/* What happened and what to do, for staff (English, one paragraph, no line breaks). */
void store_incident_explain(const struct store_incident *inc, char *out, size_t size);

/* After a healthy database is back in DIR (restored or reset): logs the incident in st's
 * event log ("database_incident") and moves the note into its aside folder.  Nothing
 * when there is no note.  Returns 0, or -1 (logged) when the note could not be moved. */
int store_incident_close(const char *dir, struct store *st, int64_t now_ms);

/* The kiosk's open, at start and while out of service: store_open_flags with the check;
 * a lost or damaged database is set aside (once: a loss already noted is not set aside
 * again) and reported in *inc; one that cannot be opened now (a full disk) gets the
 * space reserve released and is tried again, and is never set aside.  Returns 0 with
 * *out open, 1 out of service (*out NULL, *inc says why), -1 the data directory is
 * unusable (err). */
int store_open_or_set_aside(const char *dir, const char *kiosk_id, int64_t now_ms,
                            struct store **out, struct store_incident *inc, char *err,
                            size_t errlen);

/* kioskctl reset-database: a new, empty database in DIR.  Whatever is left of the old
 * one is set aside first (when the kiosk has not done so already), the new database's
 * event log says why (database_reset, database_incident), and the marker keeps its
 * first creation time.  A healthy database is replaced only with force (the kiosk must
 * be stopped: it would take the change for a loss).  Returns 0 with *out open (and *inc
 * the incident the reset closes; what "" when there was none), 1 when there is nothing
 * to reset (healthy without force, or no database ever), -1 with err. */
int store_reset(const char *dir, const char *kiosk_id, int force, int64_t now_ms,
                struct store_incident *inc, struct store **out, char *err, size_t errlen);

#endif
