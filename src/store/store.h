/* store — the kiosk's one SQLite database: records outbox, event log, receipts' print
 * state, staff settings and the content tables (places, jobs, trainings, activities,
 * materials).
 *
 * Durability: WAL journal with synchronous=FULL, so a function that returned 0 after
 * writing a record has had its transaction reach the disk.  The schema carries a
 * version (PRAGMA user_version) and is brought forward by migrations in order at open.
 *
 * Owns: the sqlite3 handle.  Never does: UI, formatting for people, network.
 *
 * Schema (version 1):
 *   meta(key TEXT PRIMARY KEY, value TEXT)
 *   records(seq INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL,
 *           kind TEXT NOT NULL, created_at TEXT NOT NULL  -- UTC, util_time_utc() format
 *           local_date TEXT NOT NULL                      -- kiosk-local YYYY-MM-DD
 *           fields TEXT NOT NULL                          -- a JSON object
 *           collected_at TEXT, bundle TEXT, uploaded_at TEXT)
 *   events(seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
 *          detail TEXT NOT NULL DEFAULT '', collected_at TEXT)
 *   receipts(record_uuid TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE,
 *            print_state TEXT NOT NULL DEFAULT 'pending', print_error TEXT,
 *            updated_at TEXT)                              -- pending|printed|failed|none
 *   places(id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL  -- district|street|community
 *          parent_id TEXT, address TEXT, phone TEXT, hours TEXT, sort INTEGER)
 *   jobs(id TEXT PRIMARY KEY, title, employer, area, category TEXT NOT NULL,
 *        salary_min INTEGER, salary_max INTEGER, headcount INTEGER, requirements TEXT,
 *        contact TEXT, posted TEXT, expires TEXT)
 *   trainings(id TEXT PRIMARY KEY, title TEXT NOT NULL, starts_at TEXT NOT NULL,
 *             venue TEXT NOT NULL, kind TEXT, ends_at TEXT, capacity INTEGER, description TEXT)
 *   activities(id TEXT PRIMARY KEY, title TEXT NOT NULL, starts_at TEXT NOT NULL,
 *              ends_at TEXT NOT NULL, venue TEXT, organiser TEXT)
 *   materials(id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL,
 *             body TEXT NOT NULL, sort INTEGER)
 *   material_images(material_id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,
 *                   PRIMARY KEY(material_id, name))
 * Content times are local "YYYY-MM-DD HH:MM" strings, as staff typed them.
 *
 * Version 2 adds records_by_certificate ON records(kind, json_extract(fields,
 * '$.certificate_no')): check-in and registration look-ups by certificate number.
 * Version 3 adds records.quarantined_at and quarantine_reason: a record the centre
 * refused (sync/upload.h), kept and never sent again.
 *
 * Version 4 adds
 *   services(id TEXT PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL, how TEXT,
 *            window TEXT, sort INTEGER)          -- the service guide, imported like jobs
 *   training_counts(training_id TEXT PRIMARY KEY, others INTEGER NOT NULL)
 *            -- sign-ups the centre holds from the district's other kiosks, per session
 *
 * Version 5 adds
 *   content_synced(kind TEXT, id TEXT, counter INTEGER, withdrawn INTEGER,
 *                  PRIMARY KEY(kind, id))  -- content rows the centre delivered
 *
 * Version 6 adds (both from the centre, never written by the kiosk itself)
 *   members(id TEXT PRIMARY KEY  -- certificate number
 *           masked_name, station, station_id, registered_on, status)
 *   hall_checkins(id TEXT PRIMARY KEY  -- certificate|activity
 *                 certificate_no, activity_id, local_time, kiosk_id, day)
 *
 * Version 7 adds records.wiped_at (retention, sync/retention.h) and its index; databases
 * made from version 7 on use auto_vacuum=INCREMENTAL.
 *
 * Version 8 adds records.handled_at (a help_request staff marked 已处理, app/help.h) and
 * the index of the open ones. */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stdint.h>
#include <stddef.h>
#include <sqlite3.h>

/* SQL expression turning a records row into the JSON object that bundles and
 * `kioskctl records --json` carry: fields inline as an object (a row some other writer
 * stored malformed becomes a JSON string rather than breaking the line). */
#define STORE_RECORD_JSON_SQL                                                               \
    "json_object('uuid', uuid, 'kiosk_id', kiosk_id, 'kind', kind, 'created_at', created_at," \
    " 'local_date', local_date, 'fields',"                                                  \
    " CASE WHEN json_valid(fields) THEN json(fields) ELSE json_quote(fields) END)"

#define STORE_SCHEMA_VERSION 8

/* The record fields that say what was done, not who did it (which activity, job,
 * training or service, ticket number, station, topic, material, seconds, grade …).
 * Everything else in a record's fields is personal: sealed in USB bundles
 * (sync/export.h), wiped by retention (sync/retention.h).  A field added to a record
 * kind is personal unless it is listed here. */
#define STORE_CLEAR_FIELDS                                                                  \
    "activity_id", "activity_title", "method", "local_time", "job_id", "job_title",         \
        "job_employer", "job_area", "training_id", "training_title", "training_starts_at",  \
        "training_venue", "topic", "service_id", "service", "window", "ticket_no",           \
        "community_id", "community_name", "station", "consent", "is_update", "material_id", \
        "material_title", "category", "seconds", "errand_uuid", "errand_kind", "grade",      \
        "reasons", "screen", "verified", "clock_suspect"
#define STORE_DB_NAME "kiosk.db"
/* Written once beside the database when the data directory first gets one (kiosk id,
 * creation time).  While it exists, a missing or 0-byte kiosk.db is a loss: store_open
 * never creates a new database over it. */
#define STORE_MARKER_NAME "kiosk-data.marker"

struct store;

/* store_open's failures.  UNUSABLE: the data directory cannot be used at all (missing,
 * not writable, a database from a newer program): a configuration error, exit 2.
 * LOST: the marker says this directory had a database, and kiosk.db is missing or 0
 * bytes; nothing was created.  DAMAGED: kiosk.db is no database or fails its check;
 * nothing was written to it (only SQLite's "corrupt" and "not a database" count as
 * damage).  Every one leaves a sentence in err. */
#define STORE_E_UNUSABLE (-1)
#define STORE_E_LOST (-2)
#define STORE_E_DAMAGED (-3)
/* UNAVAILABLE: it cannot be opened now (disk full, I/O error, locked): nothing is wrong
 * with the file as far as can be told; try again later, never set it aside. */
#define STORE_E_UNAVAILABLE (-4)

/* store_open_flags: run PRAGMA quick_check on an existing database (the kiosk at
 * start: a damaged database must not be written to). */
#define STORE_OPEN_CHECK 1
/* store_open_flags: create a new database although the marker says there was one (the
 * old files have been set aside: kioskctl reset-database).  Fails if kiosk.db exists. */
#define STORE_OPEN_RESET 2

/* Opens DIR/kiosk.db (creating it, and the marker, only when the directory never had
 * one) and migrates it to the current schema.  kiosk_id is stamped on every record.
 * Returns 0, or a STORE_E_* code with a sentence in err.  The connection then watches
 * its file: see store_lost(). */
int store_open(const char *dir, const char *kiosk_id, struct store **out, char *err,
               size_t errlen);
int store_open_flags(const char *dir, const char *kiosk_id, int flags, struct store **out,
                     char *err, size_t errlen);

/* Reads DIR's marker: 1 present (kiosk_id, created may be NULL), 0 absent, -1 error. */
int store_marker_read(const char *dir, char *kiosk_id, size_t idlen, char *created,
                      size_t clen);

/* What happened to the database file under an open read-write connection. */
enum store_loss { STORE_LOSS_NONE, STORE_LOSS_DELETED, STORE_LOSS_REPLACED };

/* The file is checked (one stat) before every commit: once it is deleted or replaced,
 * every later commit is rolled back (the write returns -1) and this says why; sticky.
 * NULL gives STORE_LOSS_NONE. */
enum store_loss store_lost(const struct store *st);
/* Checks the file now (the kiosk's minute tick, so an idle kiosk notices too). */
enum store_loss store_file_check(struct store *st);
/* Copies everything the connection can still read (an unlinked file stays readable
 * while open) into a new database at to_path (VACUUM INTO).  0 or -1 with err. */
int store_rescue_live(struct store *st, const char *to_path, char *err, size_t errlen);
/* Opens read-only without migrating; for tools that must write nothing. */
int store_open_readonly(const char *dir, struct store **out, char *err, size_t errlen);
void store_close(struct store *st);
sqlite3 *store_db(struct store *st);
const char *store_kiosk_id(const struct store *st);
/* 1 when the database was created by this open (so the caller seeds content). */
int store_is_new(const struct store *st);

/* Appends a record of `kind` with `fields_json` (a JSON object) made at now_ms, and
 * returns only after the commit has reached the disk.  uuid_out receives the new
 * record's UUID.  Returns 0, or -1 (logged) when nothing was written (also when the
 * disk is below the limit of store_set_min_free). */
int store_record_add(struct store *st, const char *kind, const char *fields_json,
                     int64_t now_ms, char uuid_out[37]);

/* Records (store_record_add) are refused while the data directory's disk has less than
 * bytes free (0: never).  The kiosk sets [store] min_free_mb. */
void store_set_min_free(struct store *st, int64_t bytes);
/* 1 when free space is below that limit; *free_out (may be NULL) gets the free bytes, or
 * -1 when they cannot be told. */
int store_space_low(struct store *st, int64_t *free_out);

/* The newest record time made with a believable clock (unix ms), 0 when there is none
 * (read once, then kept up by store_record_add).  The clock is judged in clock.h. */
int64_t store_trusted_ms(struct store *st);

struct record {
    int64_t seq;
    char uuid[37];
    char kiosk_id[64];
    char kind[24];
    char created_at[32];
    char local_date[11];
    char *fields;       /* JSON object, owned: record_clear() frees it */
    int collected, uploaded;
};
/* Loads one record by UUID.  Returns 0, 1 when not found, -1 on error. */
int store_record_get(struct store *st, const char *uuid, struct record *out);
void record_clear(struct record *r);

/* Appends to the kiosk event log.  Detail must never contain personal data.
 * Failure is logged to stderr and otherwise ignored: an event log that cannot be
 * written must not stop the kiosk serving people.  st NULL (out of service, no
 * database): the event goes to stderr only. */
void store_event(struct store *st, int64_t now_ms, const char *kind, const char *detail);

/* meta key/value (staff PIN hash, lockout state, counters).  get returns 0 and copies
 * into out, 1 when absent, -1 on error. */
int store_meta_get(struct store *st, const char *key, char *out, size_t size);
int store_meta_set(struct store *st, const char *key, const char *value);

/* Runs PRAGMA integrity_check; returns 0 when "ok". */
int store_check(struct store *st, char *err, size_t errlen);

/* A trivial read (the schema's first row), for the watchdog: 0 when the database
 * answers, else -1 with SQLite's message in err.  Logs nothing (called every few
 * seconds; the caller reports a change). */
int store_alive(struct store *st, char *err, size_t errlen);

struct strbuf;
/* Appends an SQL expression over the JSON object `fields` (an SQL expression, valid
 * JSON) giving its personal part (personal != 0: every key not in STORE_CLEAR_FIELDS,
 * values and types as they are) or its clear part (the rest). */
void store_fields_sql(struct strbuf *out, const char *fields, int personal);

/* Counts rows of a content table ("jobs", "trainings", "activities", "materials",
 * "places", "services"); -1 on error. */
int store_count(struct store *st, const char *table);

/* Helpers for the few modules that run their own SQL: prepare or log-and-fail. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* Runs one or more statements without results; 0 or -1 (logged). */
int store_exec(struct store *st, const char *sql);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

#endif
