/* migrate — see migrate.h.  The version table is made here, not by a file, so that the
 * first file can be the schema as it was before migrations existed. */
#include "centre/migrate.h"

#include "centre/centre.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Any constant both runs agree on; hashtext() keeps it readable. */
#define LOCK_SQL "SELECT pg_advisory_lock(hashtext('kiosk central migrate'))"
#define UNLOCK_SQL "SELECT pg_advisory_unlock(hashtext('kiosk central migrate'))"

static const char version_table_sql[] =
    "CREATE TABLE IF NOT EXISTS central_migrations ("
    " name text PRIMARY KEY,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now(),"
    " applied_by text NOT NULL DEFAULT current_user);"
    "REVOKE ALL ON central_migrations FROM PUBLIC;"
    /* Which migrations ran is no secret: every centre login checks the schema is current. */
    "GRANT SELECT ON central_migrations TO PUBLIC";

static void checksum(const char *sql, char hex[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)(sql ? sql : ""), sql ? strlen(sql) : 0);
    sodium_bin2hex(hex, 65, d, sizeof d);
}

/* The applied migrations: names and checksums (PQclear the result).  NULL with err. */
static PGresult *applied(PGconn *c, char *err, size_t errlen)
{
    return centre_query(c, "SELECT name, checksum FROM central_migrations ORDER BY name", 0,
                        NULL, err, errlen);
}

static const char *applied_sum(PGresult *r, const char *name)
{
    for (int i = 0; i < PQntuples(r); i++)
        if (strcmp(PQgetvalue(r, i, 0), name) == 0)
            return PQgetvalue(r, i, 1);
    return NULL;
}

static int apply_one(PGconn *c, const struct centre_sql *f, const char *sum, char *err,
                     size_t errlen)
{
    char msg[512];
    if (centre_exec(c, "BEGIN", msg, sizeof msg) < 0) {
        util_seterr(err, errlen, "%s: %s", f->name, msg);
        return -1;
    }
    const char *params[2] = {f->name, sum};
    PGresult *r = NULL;
    if (centre_exec(c, f->sql ? f->sql : "", msg, sizeof msg) == 0 &&
        (r = centre_query(c, "INSERT INTO central_migrations(name, checksum) VALUES ($1, $2)",
                          2, params, msg, sizeof msg)) != NULL &&
        centre_exec(c, "COMMIT", msg, sizeof msg) == 0) {
        PQclear(r);
        return 0;
    }
    PQclear(r);
    centre_rollback(c);
    util_seterr(err, errlen, "%s failed, nothing of it was applied: %s", f->name, msg);
    return -1;
}

int centre_migrate(PGconn *c, FILE *out, char *err, size_t errlen)
{
    char msg[512];
    if (sodium_init() < 0) {
        util_seterr(err, errlen, "libsodium could not be initialised");
        return -1;
    }
    if (centre_exec(c, LOCK_SQL, msg, sizeof msg) < 0) {
        util_seterr(err, errlen, "cannot take the migration lock: %s", msg);
        return -1;
    }
    int n = 0;
    PGresult *done = NULL;
    if (centre_exec(c, version_table_sql, msg, sizeof msg) < 0) {
        util_seterr(err, errlen, "cannot create the version table central_migrations: %s", msg);
        n = -1;
    } else if (!(done = applied(c, msg, sizeof msg))) {
        util_seterr(err, errlen, "cannot read central_migrations: %s", msg);
        n = -1;
    }
    for (int i = 0; n >= 0 && i < centre_sql_count; i++) {
        const struct centre_sql *f = &centre_sql_files[i];
        char sum[65];
        checksum(f->sql, sum);
        const char *was = applied_sum(done, f->name);
        if (was) {
            if (strcmp(was, sum) != 0 && out)
                fprintf(out, "warning: %s was changed after it was applied; the change is"
                             " not applied (put it in a new migration)\n", f->name);
            continue;
        }
        if (apply_one(c, f, sum, err, errlen) < 0) {
            n = -1;
            break;
        }
        if (out)
            fprintf(out, "applied %s\n", f->name);
        n++;
    }
    PQclear(done);
    centre_exec(c, UNLOCK_SQL, msg, sizeof msg);
    return n;
}

int centre_schema_current(PGconn *c, char *err, size_t errlen)
{
    char msg[512];
    PGresult *r = centre_query(c, "SELECT to_regclass('central_migrations') IS NOT NULL", 0,
                               NULL, msg, sizeof msg);
    if (!r) {
        util_seterr(err, errlen, "%s", msg);
        return -1;
    }
    int exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists) {
        util_seterr(err, errlen, "the central schema has no version table: run kioskctl"
                                 " centre migrate");
        return -1;
    }
    if (!(r = applied(c, msg, sizeof msg))) {
        util_seterr(err, errlen, "cannot read central_migrations: %s", msg);
        return -1;
    }
    int pending = 0;
    for (int i = 0; i < centre_sql_count; i++)
        pending += applied_sum(r, centre_sql_files[i].name) == NULL;
    PQclear(r);
    if (pending)
        util_seterr(err, errlen, "%d migration%s pending: run kioskctl centre migrate", pending,
                    pending == 1 ? " is" : "s are");
    return pending ? 0 : 1;
}
