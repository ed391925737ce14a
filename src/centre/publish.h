/* publish — the centre's side of content (kiosk-config/central/100-content.sql):
 * `centre publish KIND PATH [--hall H]` and `centre set KEY VALUE`.
 *
 * A file is read by exactly the importer a kiosk's `kioskctl import` uses
 * (content/import.h: the same CSV forms, the same checks and sentences, all or nothing),
 * into a scratch SQLite database, and its rows are published from there as JSON objects
 * of their columns.  Publishing replaces the kind's set for its target (the district, or
 * one hall and the halls below it): new and changed rows get a new change counter, rows
 * the file no longer has are withdrawn, unchanged rows keep theirs (kiosks download
 * nothing for them).  An id live for another target of the same kind is refused: a
 * kiosk keys its content by id.
 *
 * Each call is one transaction holding content_lock(), so counters become visible in
 * order (see the migration).  Owns: nothing.  Never does: print (msg carries the
 * sentence), touch a kiosk. */
#ifndef KIOSK_CENTRE_PUBLISH_H
#define KIOSK_CENTRE_PUBLISH_H

#include <stddef.h>

#include <libpq-fe.h>

struct store;
struct strbuf;

/* 1 when kind is one `publish` takes: jobs, trainings, activities, materials, places,
 * services. */
int publish_kind_ok(const char *kind);

/* Publishes the file (a folder for materials) at path for hall (NULL: the district).
 * Returns 0 with "KIND published for …: N rows (a new, b changed), w withdrawn" in msg,
 * or -1 with the reason (the importer's "PATH:LINE: …", an unknown hall, an id taken
 * elsewhere, a database error) and nothing published. */
int publish_file(PGconn *c, const char *kind, const char *path, const char *hall, char *msg,
                 size_t size);

/* The district settings `centre set` takes. */
int publish_setting_ok(const char *key);
/* Sets a district setting (value "" withdraws it: kiosks fall back to their own
 * configuration).  certificate_pattern must be a POSIX extended regular expression.
 * 0 with a sentence in msg, or -1. */
int publish_setting(PGconn *c, const char *key, const char *value, char *msg, size_t size);

/* The rows of content table `kind` in st as a JSON array of {"id": …, "data": {column:
 * value, …}} objects (materials with "images": [{"name", "data" base64}]), appended to
 * out, in the table's order (sort, then id).  Returns the number of rows, or -1. */
long publish_rows_json(struct store *st, const char *kind, struct strbuf *out);

#endif
