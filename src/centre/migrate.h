/* migrate — brings the central PostgreSQL schema forward: the files of
 * kiosk-config/central/ (NNN-name.sql, compiled into kioskctl by src/centre/sql-embed.sh)
 * are applied in name order, each once, each in its own transaction together with its
 * row in the version table central_migrations(name, checksum, applied_at, applied_by).
 *
 * 001 is the schema the centre ran before migrations existed, written so that it can
 * be applied over it: a running centre keeps every row.  A file already applied is
 * never run again; one whose text changed since it was applied is reported (a landed
 * migration is never edited; write a new one).  Two migrate runs at once are kept
 * apart by an advisory lock.
 *
 * Numbers: 001-099 trust and reports, 100-199 the network (content, directory, counts),
 * 200-299 anything else.
 *
 * Owns: nothing.  Never does: drop data, or run anything but the compiled-in files. */
#ifndef KIOSK_CENTRE_MIGRATE_H
#define KIOSK_CENTRE_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

#include <libpq-fe.h>

struct centre_sql {
    const char *name;   /* "001-base.sql" */
    const char *sql;
};

/* The compiled-in migrations, sorted by name (generated file). */
extern const struct centre_sql centre_sql_files[];
extern const int centre_sql_count;

/* Applies every pending migration on c, printing one line per file applied (and per
 * changed file) to out (may be NULL).  Returns the number applied (0: up to date), or
 * -1 with a sentence naming the failing file in err; files before it stay applied. */
int centre_migrate(PGconn *c, FILE *out, char *err, size_t errlen);

/* 1 when every compiled-in migration is applied on c, 0 when some are pending, -1 when
 * the version table cannot be read (err says why: usually "run centre migrate"). */
int centre_schema_current(PGconn *c, char *err, size_t errlen);

#endif
