/* ingest — see ingest.h.  Three steps, each finished before the next starts: every
 * checksum, then every line parsed and checked against the manifest, then one database
 * transaction.  A bundle is loaded whole or not at all.
 *
 * JSON is read with SQLite's JSON functions on an in-memory database rather than with a
 * parser of our own: the kiosk wrote it with SQLite, and SQLite is already linked. */
#include "sync/ingest.h"

#include "core/util.h"
#include "sync/export.h"
#include "sync/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INSERT_CHUNK 1000

/* ---- checksums ---------------------------------------------------------------------- */

/* Hashes a file into lowercase hex.  Returns 0 or -1 with errno. */
static int hash_file(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    unsigned char buf[1 << 16];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        crypto_hash_sha256_update(&sha, buf, (unsigned long long)n);
    }
    close(fd);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, d);
    sodium_bin2hex(hex, 65, d, sizeof d);
    return 0;
}

/* A listed name must stay inside the bundle folder. */
static int plain_name(const char *s)
{
    return s[0] && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strchr(s, '/') &&
           !strchr(s, '\\');
}

int ingest_verify(const char *bundle_dir, char *err, size_t errlen)
{
    char path[4400];
    if (sodium_init() < 0) {
        util_seterr(err, errlen, "the hashing library could not start");
        return -1;
    }
    snprintf(path, sizeof path, "%s/SHA256SUMS", bundle_dir);
    char *sums = util_read_file(path, NULL);
    if (!sums) {
        util_seterr(err, errlen, "%s: %s (not a kiosk bundle?)", path, strerror(errno));
        return -1;
    }
    int rc = 0, lineno = 0, have_records = 0, have_manifest = 0;
    char *save = NULL;
    for (char *line = strtok_r(sums, "\n", &save); line && rc == 0;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = 0;
        if (!len)
            continue;
        /* sha256sum -c format: 64 hex digits, a space, ' ' (text) or '*' (binary), name. */
        int hexok = len > 66 && line[64] == ' ' && (line[65] == ' ' || line[65] == '*');
        for (int i = 0; hexok && i < 64; i++)
            hexok = strchr("0123456789abcdefABCDEF", line[i]) != NULL;
        const char *name = line + 66;
        if (!hexok || !plain_name(name)) {
            util_seterr(err, errlen, "%s/SHA256SUMS:%d: not a checksum line", bundle_dir, lineno);
            rc = -1;
            break;
        }
        have_records |= strcmp(name, "records.jsonl") == 0;
        have_manifest |= strcmp(name, "manifest.json") == 0;
        char hex[65];
        snprintf(path, sizeof path, "%s/%s", bundle_dir, name);
        if (hash_file(path, hex) < 0) {
            util_seterr(err, errlen, "%s is listed in SHA256SUMS but cannot be read: %s", name,
                    strerror(errno));
            rc = -1;
        } else if (strncasecmp(hex, line, 64) != 0) {
            util_seterr(err, errlen, "%s does not match its checksum: the bundle is damaged", name);
            rc = -1;
        }
    }
    free(sums);
    if (rc == 0 && (!have_records || !have_manifest)) {
        util_seterr(err, errlen, "%s/SHA256SUMS does not cover %s", bundle_dir,
                !have_records ? "records.jsonl" : "manifest.json");
        rc = -1;
    }
    return rc;
}

/* ---- parsing ------------------------------------------------------------------------ */

#define NCOL 5

/* Lines of one .jsonl file, each reduced to NCOL strings (owned). */
struct rows {
    char *(*v)[NCOL];
    long n, cap;
};

static void rows_free(struct rows *r)
{
    for (long i = 0; i < r->n; i++)
        for (int k = 0; k < NCOL; k++) {
            if (r->v[i][k])
                util_wipe(r->v[i][k], strlen(r->v[i][k]));
            free(r->v[i][k]);
        }
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* Parses every non-empty line of `path` with `sql` (one parameter, the line; column 0 is
 * json_valid, columns 1..NCOL the values; `required` says which must not be NULL).
 * Returns 0, or -1 with "FILE:LINE: problem" in err. */
static int parse_jsonl(sqlite3 *db, const char *path, const char *name, const char *sql,
                       const int required[NCOL], struct rows *out, char *err, size_t errlen)
{
    char *text = util_read_file(path, NULL);
    if (!text) {
        util_seterr(err, errlen, "%s: %s", name, strerror(errno));
        return -1;
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        util_seterr(err, errlen, "JSON reader: %s", sqlite3_errmsg(db));
        free(text);
        return -1;
    }
    int rc = 0;
    long lineno = 0;
    for (char *line = text, *next; line && *line && rc == 0; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        if (!line[0])
            continue;
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, line, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_ROW || !sqlite3_column_int(s, 0)) {
            util_seterr(err, errlen, "%s:%ld: not a JSON object", name, lineno);
            rc = -1;
            break;
        }
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 256;
            out->v = realloc(out->v, sizeof *out->v * (size_t)out->cap);
            if (!out->v)
                abort();
        }
        char **row = out->v[out->n++];
        for (int k = 0; k < NCOL; k++) {
            const char *v = (const char *)sqlite3_column_text(s, k + 1);
            row[k] = v ? strdup(v) : NULL;
            if (!v && required[k]) {
                util_seterr(err, errlen, "%s:%ld: a required value is missing", name, lineno);
                rc = -1;
            }
        }
    }
    sqlite3_finalize(s);
    util_wipe(text, strlen(text));
    free(text);
    return rc;
}

struct manifest {
    char kiosk_id[64], bundle[128], format[32];
    long record_count, event_count;
    int schema_version;
};

static int read_manifest(sqlite3 *db, const char *dir, struct manifest *m, char *err,
                         size_t errlen)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    char *text = util_read_file(path, NULL);
    if (!text) {
        util_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    sqlite3_stmt *s = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT json_valid(?1) AND json_type(?1) = 'object',"
                           " ?1 ->> '$.kiosk_id', ?1 ->> '$.bundle',"
                           " coalesce(?1 ->> '$.record_count', -1),"
                           " coalesce(?1 ->> '$.event_count', 0),"
                           " coalesce(?1 ->> '$.schema_version', 0),"
                           " coalesce(?1 ->> '$.format', '')",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0)) {
            const char *k = (const char *)sqlite3_column_text(s, 1);
            const char *b = (const char *)sqlite3_column_text(s, 2);
            util_strlcpy(m->kiosk_id, k ? k : "", sizeof m->kiosk_id);
            util_strlcpy(m->bundle, b ? b : "", sizeof m->bundle);
            m->record_count = (long)sqlite3_column_int64(s, 3);
            m->event_count = (long)sqlite3_column_int64(s, 4);
            m->schema_version = sqlite3_column_int(s, 5);
            const char *fm = (const char *)sqlite3_column_text(s, 6);
            util_strlcpy(m->format, fm ? fm : "", sizeof m->format);
            rc = 0;
        }
    }
    sqlite3_finalize(s);
    free(text);
    if (rc < 0) {
        util_seterr(err, errlen, "%s is not a valid manifest", path);
        return -1;
    }
    if (!m->kiosk_id[0] || m->record_count < 0) {
        util_seterr(err, errlen, "%s lacks kiosk_id or record_count", path);
        return -1;
    }
    /* The kiosk database's schema_version is carried for the record only: it changes
     * with indexes and tables that never reach a bundle.  The bundle layout has its own
     * version, and a layout this program does not know is refused. */
    if (m->format[0] && strcmp(m->format, BUNDLE_FORMAT) != 0) {
        util_seterr(err, errlen, "%s: bundle format \"%s\" is not one this program reads (%s)",
                path, m->format, BUNDLE_FORMAT);
        return -1;
    }
    if (!m->bundle[0]) { /* older bundles: the folder's own name */
        const char *slash = strrchr(dir, '/');
        const char *base = slash && slash[1] ? slash + 1 : dir;
        util_strlcpy(m->bundle, base, sizeof m->bundle);
    }
    return 0;
}

/* ---- loading ------------------------------------------------------------------------ */

static long insert_events(PGconn *c, const struct manifest *m, const struct rows *ev, long from,
                          int n, char *err, size_t errlen)
{
    struct strbuf sql = {0};
    const char **vals = malloc(sizeof *vals * (size_t)(4 * n + 2));
    if (!vals)
        abort();
    vals[0] = m->kiosk_id;
    vals[1] = m->bundle;
    strbuf_add(&sql, "INSERT INTO kiosk_events(kiosk_id, bundle, seq, at, kind, detail) VALUES ");
    for (int i = 0; i < n; i++) {
        int p = 3 + 4 * i;
        strbuf_addf(&sql, "%s($1, $2, $%d::bigint, $%d::timestamptz, $%d, $%d)", i ? ", " : "",
                    p, p + 1, p + 2, p + 3);
        for (int k = 0; k < 4; k++)
            vals[p - 1 + k] = ev->v[from + i][k] ? ev->v[from + i][k] : "";
    }
    strbuf_add(&sql, " ON CONFLICT DO NOTHING");
    PGresult *r = PQexecParams(c, sql.buf, 4 * n + 2, NULL, vals, NULL, NULL, 0);
    long ins = -1;
    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        ins = atol(PQcmdTuples(r));
    else
        upload_pg_message(c, r, err, errlen);
    PQclear(r);
    free(vals);
    strbuf_free(&sql);
    return ins;
}

/* Columns of a record row (parse_jsonl with rec_sql). */
enum { R_LINE, R_KIOSK, R_UUID, R_SEQ };

struct loader {
    PGconn *c;
    const struct manifest *m;
    const struct rows *rec;
    struct ingest_result *res;
    char msg[512];
};

static int savepoint(PGconn *c, const char *cmd)
{
    char ignore[256];
    return upload_pg_command(c, cmd, ignore, sizeof ignore);
}

/* Stores records [from, to) inside the open transaction.  A statement the server refuses
 * over its data is split down to the one record that makes it fail, which is noted as
 * refused (savepoints keep the rest of the transaction).  Returns 0, or -1 (L->msg) when
 * the bundle cannot be loaded at all. */
static int load_records(struct loader *L, long from, long to)
{
    struct strbuf arr = {0};
    strbuf_add(&arr, "[");
    for (long i = from; i < to; i++) {
        if (i > from)
            strbuf_add(&arr, ",");
        strbuf_add(&arr, L->rec->v[i][R_LINE]);
    }
    strbuf_add(&arr, "]");
    if (savepoint(L->c, "SAVEPOINT chunk") < 0) {
        strbuf_free(&arr);
        upload_pg_message(L->c, NULL, L->msg, sizeof L->msg);
        return -1;
    }
    const char *vals[3] = {L->m->kiosk_id, L->m->bundle, arr.buf};
    PGresult *r = PQexecParams(L->c,
                               "SELECT outcome, reason FROM centre_ingest_records($1, $2, $3::jsonb)",
                               3, NULL, vals, NULL, NULL, 0);
    strbuf_free(&arr); /* wiped: personal data */
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        for (int i = 0; i < PQntuples(r); i++) {
            const char *o = PQgetvalue(r, i, 0);
            if (!strcmp(o, "new"))
                L->res->inserted++;
            else if (!strcmp(o, "held"))
                L->res->already++;
            else if (!strcmp(o, "conflict"))
                L->res->conflicts++;
            else if (L->res->refused++ == 0)
                util_strlcpy(L->res->first_refusal, PQgetvalue(r, i, 1),
                             sizeof L->res->first_refusal);
        }
        PQclear(r);
        return savepoint(L->c, "RELEASE SAVEPOINT chunk") < 0 ? -1 : 0;
    }
    upload_pg_message(L->c, r, L->msg, sizeof L->msg);
    int data = upload_data_error(r);
    PQclear(r);
    if (!data || savepoint(L->c, "ROLLBACK TO SAVEPOINT chunk") < 0)
        return -1;
    if (to - from > 1) {
        long mid = from + (to - from) / 2;
        return load_records(L, from, mid) < 0 ? -1 : load_records(L, mid, to);
    }
    /* This record alone makes the server refuse the statement. */
    const char *uuid = L->rec->v[from][R_UUID] ? L->rec->v[from][R_UUID] : "";
    const char *seq = L->rec->v[from][R_SEQ];
    const char *nv[5] = {L->m->kiosk_id, L->m->bundle, uuid, seq, L->msg};
    r = PQexecParams(L->c, "SELECT centre_ingest_refusal($1, $2, $3, $4::bigint, $5)", 5, NULL,
                     nv, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!ok)
        return -1;
    if (L->res->refused++ == 0)
        util_strlcpy(L->res->first_refusal, L->msg, sizeof L->res->first_refusal);
    return 0;
}

static int load(PGconn *c, const struct manifest *m, const struct rows *rec,
                const struct rows *ev, struct ingest_result *res, char *err, size_t errlen)
{
    char msg[512] = "";
    if (upload_pg_command(c, "BEGIN", msg, sizeof msg) < 0) {
        util_seterr(err, errlen, "nothing was loaded: %s", msg);
        return -1;
    }
    struct loader L = {.c = c, .m = m, .rec = rec, .res = res};
    int ok = 1;
    for (long i = 0; ok && i < rec->n; i += INSERT_CHUNK) {
        long to = rec->n - i < INSERT_CHUNK ? rec->n : i + INSERT_CHUNK;
        if (load_records(&L, i, to) < 0) {
            ok = 0;
            util_strlcpy(msg, L.msg, sizeof msg);
        }
    }
    for (long i = 0; ok && i < ev->n; i += INSERT_CHUNK) {
        int n = (int)(ev->n - i < INSERT_CHUNK ? ev->n - i : INSERT_CHUNK);
        long ins = insert_events(c, m, ev, i, n, msg, sizeof msg);
        if (ins < 0)
            ok = 0;
        else
            res->events_inserted += ins;
    }
    if (ok && upload_pg_command(c, "COMMIT", msg, sizeof msg) < 0)
        ok = 0;
    if (!ok) {
        if (PQstatus(c) == CONNECTION_OK)
            savepoint(c, "ROLLBACK");
        util_seterr(err, errlen, "nothing was loaded: %s", msg[0] ? msg : "the transaction failed");
        res->inserted = res->already = res->conflicts = res->refused = res->events_inserted = 0;
        return -1;
    }
    return 0;
}

int ingest_bundle(const char *bundle_dir, const char *conninfo, struct ingest_result *res,
                  char *err, size_t errlen)
{
    /* Each row: the line itself, and the kiosk, UUID and seq it claims (the centre checks
     * the rest of each record and refuses what it cannot take, one by one). */
    static const char rec_sql[] =
        "SELECT json_valid(?1) AND json_type(?1) = 'object', ?1, ?1 ->> '$.kiosk_id',"
        " ?1 ->> '$.uuid', ?1 ->> '$.seq', NULL";
    static const int rec_req[NCOL] = {1, 0, 0, 0, 0};
    static const char ev_sql[] =
        "SELECT json_valid(?1) AND json_type(?1) = 'object', ?1 ->> '$.seq', ?1 ->> '$.at',"
        " ?1 ->> '$.kind', coalesce(?1 ->> '$.detail', ''), NULL";
    static const int ev_req[NCOL] = {1, 1, 1, 1, 0};

    memset(res, 0, sizeof *res);
    if (err && errlen)
        err[0] = 0;
    if (ingest_verify(bundle_dir, err, errlen) < 0)
        return -1;

    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        util_seterr(err, errlen, "cannot start the JSON reader");
        sqlite3_close(db);
        return -1;
    }
    struct manifest m = {0};
    struct rows rec = {0}, ev = {0};
    char path[4400];
    int rc = -1;
    if (read_manifest(db, bundle_dir, &m, err, errlen) < 0)
        goto out;
    snprintf(path, sizeof path, "%s/records.jsonl", bundle_dir);
    if (parse_jsonl(db, path, "records.jsonl", rec_sql, rec_req, &rec, err, errlen) < 0)
        goto out;
    /* events.jsonl is covered by the checksums when present; older bundles may lack it. */
    snprintf(path, sizeof path, "%s/events.jsonl", bundle_dir);
    if (access(path, F_OK) == 0 &&
        parse_jsonl(db, path, "events.jsonl", ev_sql, ev_req, &ev, err, errlen) < 0)
        goto out;
    /* A bundle speaks for one kiosk: a record of another is a forgery or a mix-up. */
    for (long i = 0; i < rec.n; i++)
        if (!rec.v[i][R_KIOSK] || strcmp(rec.v[i][R_KIOSK], m.kiosk_id) != 0) {
            util_seterr(err, errlen, "records.jsonl:%ld: a record of kiosk %s in a bundle of"
                                     " kiosk %s; nothing was loaded", i + 1,
                        rec.v[i][R_KIOSK] ? rec.v[i][R_KIOSK] : "(none)", m.kiosk_id);
            goto out;
        }
    if (rec.n != m.record_count) {
        util_seterr(err, errlen, "manifest.json says %ld records but records.jsonl holds %ld",
                m.record_count, rec.n);
        goto out;
    }
    util_strlcpy(res->bundle, m.bundle, sizeof res->bundle);
    util_strlcpy(res->kiosk_id, m.kiosk_id, sizeof res->kiosk_id);
    res->records = rec.n;
    res->events = ev.n;

    PGconn *c = upload_connect(conninfo, 10, 0, "kiosk-ingest", err, errlen);
    if (!c)
        goto out;
    rc = load(c, &m, &rec, &ev, res, err, errlen);
    PQfinish(c);
out:
    rows_free(&rec);
    rows_free(&ev);
    sqlite3_close(db);
    return rc;
}
