/* publish — see publish.h.  The scratch database lives in a private temporary folder
 * (mkdtemp, mode 0700) removed before the call returns; the rows travel to the server as
 * one jsonb parameter, so a file of 10,000 rows is three statements, not 10,000. */
#include "centre/publish.h"

#include "centre/centre.h"
#include "content/import.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kinds[] = {"jobs",      "trainings", "activities",
                                    "materials", "places",    "services"};

int publish_kind_ok(const char *kind)
{
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

/* ---- rows as JSON --------------------------------------------------------------------- */

/* Appends the current row of s as a JSON object of its columns (BLOBs left out). */
static void row_object(sqlite3_stmt *s, struct strbuf *out)
{
    strbuf_add(out, "{");
    int n = sqlite3_column_count(s), first = 1;
    for (int i = 0; i < n; i++) {
        int t = sqlite3_column_type(s, i);
        if (t == SQLITE_BLOB)
            continue;
        if (!first)
            strbuf_add(out, ",");
        first = 0;
        strbuf_add_json_str(out, sqlite3_column_name(s, i));
        strbuf_add(out, ":");
        if (t == SQLITE_INTEGER)
            strbuf_addf(out, "%lld", (long long)sqlite3_column_int64(s, i));
        else if (t == SQLITE_FLOAT)
            strbuf_addf(out, "%.17g", sqlite3_column_double(s, i));
        else if (t == SQLITE_TEXT)
            strbuf_add_json_str(out, (const char *)sqlite3_column_text(s, i));
        else
            strbuf_add(out, "null");
    }
}

/* Appends ,"images":[…] for material id. */
static int add_images(struct store *st, const char *id, struct strbuf *out)
{
    sqlite3_stmt *q = store_prepare(st, "SELECT name, data FROM material_images"
                                        " WHERE material_id = ? ORDER BY name");
    if (!q)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
    strbuf_add(out, ",\"images\":[");
    int n = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(q, 1);
        size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(b64len);
        if (!b64)
            abort();
        sodium_bin2base64(b64, b64len, sqlite3_column_blob(q, 1), len,
                          sodium_base64_VARIANT_ORIGINAL);
        strbuf_add(out, n++ ? ",{\"name\":" : "{\"name\":");
        strbuf_add_json_str(out, (const char *)sqlite3_column_text(q, 0));
        strbuf_add(out, ",\"data\":\"");
        strbuf_add(out, b64);
        strbuf_add(out, "\"}");
        free(b64);
    }
    strbuf_add(out, "]");
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

long publish_rows_json(struct store *st, const char *kind, struct strbuf *out)
{
    if (!publish_kind_ok(kind))
        return -1;
    char sql[96];
    /* jobs, trainings and activities have no sort column: id order. */
    int sorted = !strcmp(kind, "materials") || !strcmp(kind, "places") || !strcmp(kind, "services");
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", kind, sorted ? "sort, id" : "id");
    sqlite3_stmt *q = store_prepare(st, sql);
    if (!q)
        return -1;
    int materials = !strcmp(kind, "materials"), rc;
    long n = 0;
    strbuf_add(out, "[");
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        strbuf_add(out, n++ ? ",{\"id\":" : "{\"id\":");
        strbuf_add_json_str(out, id);
        strbuf_add(out, ",\"data\":");
        row_object(q, out);
        if (materials && add_images(st, id, out) < 0) {
            rc = SQLITE_ERROR;
            break;
        }
        strbuf_add(out, "}}");
    }
    strbuf_add(out, "]");
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? n : -1;
}

/* ---- the scratch database ------------------------------------------------------------ */

struct scratch {
    char dir[4096];
    struct store *st;
};

static int scratch_open(struct scratch *s, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/kiosk-publish-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    s->st = NULL;
    if (!mkdtemp(s->dir)) {
        util_seterr(err, errlen, "cannot make a scratch folder in %s", tmp ? tmp : "/tmp");
        return -1;
    }
    return store_open(s->dir, "centre", &s->st, err, errlen);
}

static void scratch_close(struct scratch *s)
{
    store_close(s->st);
    static const char *const files[] = {STORE_DB_NAME, STORE_DB_NAME "-wal",
                                        STORE_DB_NAME "-shm", STORE_DB_NAME "-journal"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", s->dir, files[i]);
        unlink(p);
    }
    rmdir(s->dir);
}

/* ---- publishing ------------------------------------------------------------------------- */

/* The upsert and the withdrawal of one target's set, $1 the rows, $2 kind, $3 target.
 * An unchanged row keeps its counter (nextval is spent, which only leaves a gap). */
#define UPSERT_SQL                                                                           \
    "WITH src AS (SELECT e->>'id' AS id, e->'data' AS data FROM jsonb_array_elements($1::jsonb) e),"\
    " up AS (INSERT INTO content_rows AS c (kind, target, id, data, counter)"                 \
    "        SELECT $2, $3, id, data, nextval('content_counter') FROM src"                   \
    "        ON CONFLICT (kind, target, id) DO UPDATE SET data = EXCLUDED.data,"              \
    "          withdrawn = false, counter = EXCLUDED.counter, published_at = now(),"          \
    "          published_by = current_user"                                                  \
    "        WHERE c.withdrawn OR c.data IS DISTINCT FROM EXCLUDED.data"                      \
    "        RETURNING (xmax = 0) AS fresh)"                                                  \
    " SELECT count(*) FILTER (WHERE fresh), count(*) FILTER (WHERE NOT fresh) FROM up"
#define WITHDRAW_SQL                                                                         \
    "UPDATE content_rows SET withdrawn = true, counter = nextval('content_counter'),"        \
    " published_at = now(), published_by = current_user"                                     \
    " WHERE kind = $2 AND target = $3 AND NOT withdrawn"                                     \
    " AND id NOT IN (SELECT e->>'id' FROM jsonb_array_elements($1::jsonb) e)"
#define TAKEN_SQL                                                                            \
    "SELECT c.id, c.target FROM jsonb_array_elements($1::jsonb) e JOIN content_rows c"       \
    " ON c.kind = $2 AND c.id = e->>'id' AND c.target <> $3 AND NOT c.withdrawn"             \
    " ORDER BY c.id LIMIT 1"

/* Replaces the set of (kind, target) with rows (a JSON array as publish_rows_json makes).
 * *added, *changed, *withdrawn count what moved.  0 or -1 with err (rolled back). */
static int replace_set(PGconn *c, const char *kind, const char *target, const char *rows,
                       long *added, long *changed, long *withdrawn, char *err, size_t errlen)
{
    const char *p[3] = {rows, kind, target};
    if (centre_exec(c, "BEGIN", err, errlen) < 0)
        return -1;
    PGresult *r = centre_query(c, "SELECT content_lock()", 0, NULL, err, errlen);
    if (!r)
        goto fail;
    PQclear(r);
    if (target[0]) {
        const char *h[1] = {target};
        r = centre_query(c, "SELECT 1 FROM halls WHERE hall_id = $1", 1, h, err, errlen);
        if (!r)
            goto fail;
        int found = PQntuples(r) == 1;
        PQclear(r);
        if (!found) {
            util_seterr(err, errlen, "the hall %s is not registered (centre add-hall)", target);
            goto fail;
        }
    }
    r = centre_query(c, TAKEN_SQL, 3, p, err, errlen);
    if (!r)
        goto fail;
    if (PQntuples(r) > 0) {
        const char *t = PQgetvalue(r, 0, 1);
        util_seterr(err, errlen, "%s \"%s\" is already published for %s%s; withdraw it there"
                                 " first or give it another id",
                    kind, PQgetvalue(r, 0, 0), t[0] ? "hall " : "the district", t);
        PQclear(r);
        goto fail;
    }
    PQclear(r);
    r = centre_query(c, UPSERT_SQL, 3, p, err, errlen);
    if (!r)
        goto fail;
    *added = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    *changed = strtol(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    r = centre_query(c, WITHDRAW_SQL, 3, p, err, errlen);
    if (!r)
        goto fail;
    *withdrawn = strtol(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    if (centre_exec(c, "COMMIT", err, errlen) < 0)
        goto fail;
    return 0;
fail:
    centre_rollback(c);
    return -1;
}

int publish_file(PGconn *c, const char *kind, const char *path, const char *hall, char *msg,
                 size_t size)
{
    if (!publish_kind_ok(kind)) {
        util_seterr(msg, size, "cannot publish \"%s\": expected jobs, trainings, activities, "
                               "materials, places or services", kind);
        return -1;
    }
    struct scratch s;
    if (scratch_open(&s, msg, size) < 0) {
        scratch_close(&s);
        return -1;
    }
    int rc = -1;
    struct strbuf rows = {0};
    int n = import_file(s.st, kind, path, msg, size);
    if (n >= 0) {
        if (publish_rows_json(s.st, kind, &rows) < 0) {
            util_seterr(msg, size, "%s: the rows cannot be read back: %s", path,
                        sqlite3_errmsg(store_db(s.st)));
        } else {
            long added = 0, changed = 0, withdrawn = 0;
            char err[640];
            if (replace_set(c, kind, hall ? hall : "", rows.buf, &added, &changed, &withdrawn,
                            err, sizeof err) == 0) {
                char where[80];
                if (hall)
                    snprintf(where, sizeof where, "hall %s (and the halls below it)", hall);
                else
                    snprintf(where, sizeof where, "the district");
                util_seterr(msg, size, "%s published for %s: %d row%s (%ld new, %ld changed),"
                                       " %ld withdrawn",
                            kind, where, n, n == 1 ? "" : "s", added, changed, withdrawn);
                rc = 0;
            } else {
                util_seterr(msg, size, "%s", err);
            }
        }
    }
    strbuf_free(&rows);
    scratch_close(&s);
    return rc;
}

/* ---- settings -------------------------------------------------------------------------- */

int publish_setting_ok(const char *key) { return strcmp(key, "certificate_pattern") == 0; }

int publish_setting(PGconn *c, const char *key, const char *value, char *msg, size_t size)
{
    if (!publish_setting_ok(key)) {
        util_seterr(msg, size, "unknown setting \"%s\": expected certificate_pattern", key);
        return -1;
    }
    char why[512];
    if (strlen(value) > 255) {
        util_seterr(msg, size, "certificate_pattern is longer than 255 bytes");
        return -1;
    }
    if (config_check_pattern(value, why, sizeof why) < 0) {
        util_seterr(msg, size, "%s", why);
        return -1;
    }
    struct strbuf rows = {0};
    if (value[0]) {
        strbuf_add(&rows, "[{\"id\":");
        strbuf_add_json_str(&rows, key);
        strbuf_add(&rows, ",\"data\":{\"id\":");
        strbuf_add_json_str(&rows, key);
        strbuf_add(&rows, ",\"value\":");
        strbuf_add_json_str(&rows, value);
        strbuf_add(&rows, "}}]");
    }
    /* The settings' set is every setting: keep the others as they are. */
    char err[640];
    PGresult *r = centre_query(c,
                               "SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'data', data))"
                               " FILTER (WHERE id <> $1), '[]') || coalesce($2::jsonb, '[]')"
                               " FROM content_rows WHERE kind = 'settings' AND target = ''"
                               " AND NOT withdrawn",
                               2, (const char *const[]){key, value[0] ? rows.buf : NULL}, err,
                               sizeof err);
    strbuf_free(&rows);
    if (!r) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    char *all = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!all)
        abort();
    long added = 0, changed = 0, withdrawn = 0;
    int rc = replace_set(c, "settings", "", all, &added, &changed, &withdrawn, err, sizeof err);
    free(all);
    if (rc < 0) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    if (!value[0])
        util_seterr(msg, size, "%s %s: kiosks use their own configuration", key,
                    withdrawn ? "withdrawn" : "was not set");
    else
        util_seterr(msg, size, "%s set to %s for the district%s", key, value,
                    added + changed ? "" : " (unchanged)");
    return 0;
}
