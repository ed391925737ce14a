/* ingest — see ingest.h.  Steps, each finished before the next starts: the folder's
 * entries (names, kinds, sizes), the signature against the registry, every checksum,
 * the manifest, every record line (its kiosk, its sealed fields opened), then one
 * database transaction.  A bundle is loaded whole or not at all; within it, a record the
 * centre refuses is set aside, not the bundle.
 *
 * Files are read through one bounded reader (no link followed, never past a limit), and
 * JSON with SQLite's JSON functions on an in-memory database rather than with a parser
 * of our own: the kiosk wrote it with SQLite, and SQLite is already linked. */
#include "centre/ingest.h"

#include "centre/registry.h"
#include "core/identity.h"
#include "core/util.h"
#include "sync/export.h"
#include "sync/upload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INSERT_CHUNK 1000

/* ---- the folder ---------------------------------------------------------------------- */

enum { F_RECORDS, F_EVENTS, F_MANIFEST, F_SUMS, F_SIGNATURE, F_COUNT };

static const struct {
    const char *name;
    long max;
    int listed_in_sums; /* must be covered by SHA256SUMS when present */
} files[F_COUNT] = {
    [F_RECORDS] = {"records.jsonl", INGEST_MAX_RECORDS_BYTES, 1},
    [F_EVENTS] = {"events.jsonl", INGEST_MAX_EVENTS_BYTES, 1},
    [F_MANIFEST] = {"manifest.json", INGEST_MAX_SMALL_BYTES, 1},
    [F_SUMS] = {"SHA256SUMS", INGEST_MAX_SMALL_BYTES, 0},
    [F_SIGNATURE] = {BUNDLE_SIGNATURE_FILE, INGEST_MAX_SMALL_BYTES, 0},
};

struct folder {
    const char *dir;
    int present[F_COUNT];
    int listed[F_COUNT];
    char sum[F_COUNT][65];
};

static int file_index(const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(name, files[i].name) == 0)
            return i;
    return -1;
}

/* Every entry must be one of the bundle's files, a plain file, within its limit. */
static int scan_folder(struct folder *f, char *err, size_t errlen)
{
    DIR *d = opendir(f->dir);
    if (!d) {
        util_seterr(err, errlen, "%s: %s (not a kiosk bundle?)", f->dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
        int i = file_index(e->d_name);
        if (lstat(path, &sb) < 0) {
            util_seterr(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        } else if (S_ISLNK(sb.st_mode)) {
            util_seterr(err, errlen, "%s is a symbolic link: a bundle holds plain files only;"
                                     " nothing was loaded", e->d_name);
            rc = -1;
        } else if (!S_ISREG(sb.st_mode)) {
            util_seterr(err, errlen, "%s is not a plain file: a bundle holds plain files only;"
                                     " nothing was loaded", e->d_name);
            rc = -1;
        } else if (i < 0) {
            util_seterr(err, errlen, "%s is not part of a kiosk bundle (SHA256SUMS does not cover"
                                     " it); nothing was loaded", e->d_name);
            rc = -1;
        } else if (sb.st_size > files[i].max) {
            util_seterr(err, errlen, "%s is too large (%lld bytes, at most %ld); nothing was"
                                     " loaded", e->d_name, (long long)sb.st_size, files[i].max);
            rc = -1;
        } else {
            f->present[i] = 1;
        }
    }
    closedir(d);
    if (rc == 0 && (!f->present[F_SUMS] || !f->present[F_MANIFEST] || !f->present[F_RECORDS])) {
        util_seterr(err, errlen, "%s lacks %s (not a kiosk bundle?)", f->dir,
                    !f->present[F_SUMS] ? "SHA256SUMS"
                    : !f->present[F_MANIFEST] ? "manifest.json" : "records.jsonl");
        rc = -1;
    }
    if (rc == 0 && !f->present[F_SIGNATURE]) {
        util_seterr(err, errlen, "the bundle is not signed (no %s): it was not written by a"
                                 " kiosk, or by one too old; nothing was loaded",
                    BUNDLE_SIGNATURE_FILE);
        rc = -1;
    }
    return rc;
}

/* Reads one bundle file whole, never following a link and never past its limit.  The
 * hash of what was read goes to hex (may be NULL).  Returns the malloc'd NUL-terminated
 * text (its length in *len), or NULL with err. */
static char *read_file(const struct folder *f, int i, size_t *len, char hex[65], char *err,
                       size_t errlen)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", f->dir, files[i].name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > files[i].max) {
        util_seterr(err, errlen, "%s cannot be read as a plain file within its limit: %s",
                    files[i].name, fd < 0 ? strerror(errno) : "changed while it was read");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0 || (n += (size_t)k) == cap)
            break;
    }
    close(fd);
    if (n == cap) { /* grew after fstat: over the size it claimed */
        util_wipe(buf, cap);
        free(buf);
        util_seterr(err, errlen, "%s changed while it was read", files[i].name);
        return NULL;
    }
    buf[n] = 0;
    if (hex) {
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(d, (const unsigned char *)buf, n);
        sodium_bin2hex(hex, 65, d, sizeof d);
    }
    if (len)
        *len = n;
    return buf;
}

/* SHA256SUMS: `sha256sum -c` lines, each naming one of the bundle's data files.  Every
 * data file present must be listed. */
static int parse_sums(struct folder *f, char *sums, char *err, size_t errlen)
{
    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(sums, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = 0;
        if (!len)
            continue;
        int hexok = len > 66 && line[64] == ' ' && (line[65] == ' ' || line[65] == '*');
        for (int i = 0; hexok && i < 64; i++)
            hexok = strchr("0123456789abcdefABCDEF", line[i]) != NULL;
        int i = hexok ? file_index(line + 66) : -1;
        if (i < 0 || !files[i].listed_in_sums || f->listed[i]) {
            util_seterr(err, errlen, "SHA256SUMS:%d: not a checksum line of this bundle",
                        lineno);
            return -1;
        }
        f->listed[i] = 1;
        for (int k = 0; k < 64; k++)
            f->sum[i][k] = (char)(line[k] >= 'A' && line[k] <= 'F' ? line[k] + 32 : line[k]);
        f->sum[i][64] = 0;
    }
    for (int i = 0; i < F_COUNT; i++) {
        if (files[i].listed_in_sums && f->present[i] && !f->listed[i]) {
            util_seterr(err, errlen, "%s is not covered by SHA256SUMS; nothing was loaded",
                        files[i].name);
            return -1;
        }
        if (f->listed[i] && !f->present[i]) {
            util_seterr(err, errlen, "%s is listed in SHA256SUMS but missing", files[i].name);
            return -1;
        }
    }
    return 0;
}

/* ---- the signature ------------------------------------------------------------------- */

struct signature {
    char kiosk_id[64], key_id[16], sig[IDENTITY_SIG_TEXT + 2];
};

static int parse_signature(const char *text, struct signature *s, char *err, size_t errlen)
{
    char magic[16];
    char tail = 0;
    memset(s, 0, sizeof *s);
    if (sscanf(text, "%15s %63s %15s %88s %c", magic, s->kiosk_id, s->key_id, s->sig, &tail) != 4 ||
        strcmp(magic, BUNDLE_SIGNATURE_MAGIC) != 0 ||
        strlen(s->key_id) != IDENTITY_KEY_ID_LEN ||
        strlen(s->sig) != IDENTITY_SIG_TEXT - 1) {
        util_seterr(err, errlen, "%s is not a kiosk signature; nothing was loaded",
                    BUNDLE_SIGNATURE_FILE);
        return -1;
    }
    return 0;
}

/* The signature must be the registered key's, of exactly this checksum list. */
static int check_signature(ingest_key_fn keys, void *ctx, const struct signature *s,
                           const char *sums, size_t n, char *err, size_t errlen)
{
    struct identity_pub pk;
    int retired = 0;
    char msg[512] = "";
    int rc = keys(ctx, s->kiosk_id, s->key_id, &pk, &retired, msg, sizeof msg);
    if (rc < 0) {
        util_seterr(err, errlen, "the registry cannot be read: %s; nothing was loaded", msg);
        return -1;
    }
    if (rc > 0) {
        util_seterr(err, errlen, "the bundle is signed by kiosk %s with key %s, which the registry"
                                 " does not hold (kiosk not registered, or another key);"
                                 " nothing was loaded", s->kiosk_id, s->key_id);
        return -1;
    }
    if (retired) {
        util_seterr(err, errlen, "kiosk %s is retired: its bundles are refused (centre add-kiosk"
                                 " --replace brings it back); nothing was loaded", s->kiosk_id);
        return -1;
    }
    struct strbuf m = {0};
    strbuf_addf(&m, BUNDLE_FORMAT "\n%s\n", s->kiosk_id);
    strbuf_addn(&m, sums, n);
    int ok = identity_verify_text(&pk, m.buf, m.len, s->sig, strlen(s->sig));
    strbuf_free(&m);
    if (!ok) {
        util_seterr(err, errlen, "the bundle's signature does not match: it was changed after"
                                 " kiosk %s wrote it; nothing was loaded", s->kiosk_id);
        return -1;
    }
    return 0;
}

/* ---- parsing ------------------------------------------------------------------------ */

#define NCOL 6

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

/* Parses every non-empty line of text with `sql` (one parameter, the line; column 0 is
 * "a JSON object", columns 1..NCOL the values; `required` says which must not be NULL).
 * Returns 0, or -1 with "FILE:LINE: problem" in err. */
static int parse_jsonl(sqlite3 *db, char *text, const char *name, const char *sql,
                       const int required[NCOL], struct rows *out, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        util_seterr(err, errlen, "JSON reader: %s", sqlite3_errmsg(db));
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
    return rc;
}

int ingest_parse_manifest(sqlite3 *db, const char *text, struct ingest_manifest *m,
                          char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT json_valid(?1) AND json_type(?1) = 'object',"
                           " ?1 ->> '$.kiosk_id', ?1 ->> '$.bundle',"
                           " coalesce(?1 ->> '$.record_count', -1),"
                           " coalesce(?1 ->> '$.event_count', 0),"
                           " coalesce(?1 ->> '$.format', ''), coalesce(?1 ->> '$.sealed_to', '')",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0)) {
            const char *k = (const char *)sqlite3_column_text(s, 1);
            const char *b = (const char *)sqlite3_column_text(s, 2);
            util_strlcpy(m->kiosk_id, k ? k : "", sizeof m->kiosk_id);
            util_strlcpy(m->bundle, b ? b : "", sizeof m->bundle);
            m->record_count = (long)sqlite3_column_int64(s, 3);
            m->event_count = (long)sqlite3_column_int64(s, 4);
            util_strlcpy(m->format, (const char *)sqlite3_column_text(s, 5), sizeof m->format);
            util_strlcpy(m->sealed_to, (const char *)sqlite3_column_text(s, 6),
                         sizeof m->sealed_to);
            rc = 0;
        }
    }
    sqlite3_finalize(s);
    if (rc < 0) {
        util_seterr(err, errlen, "manifest.json is not a valid manifest");
        return -1;
    }
    if (!m->kiosk_id[0] || !m->bundle[0] || m->record_count < 0) {
        util_seterr(err, errlen, "manifest.json lacks kiosk_id, bundle or record_count");
        return -1;
    }
    /* The kiosk database's schema_version is carried for the record only: it changes
     * with indexes and tables that never reach a bundle.  The bundle layout has its own
     * version, and a layout this program does not know is refused. */
    if (strcmp(m->format, BUNDLE_FORMAT) != 0) {
        util_seterr(err, errlen, "manifest.json: bundle format \"%s\" is not one this program"
                                 " reads (%s)", m->format, BUNDLE_FORMAT);
        return -1;
    }
    return 0;
}

/* Columns of a record row (parse_jsonl with rec_sql). */
enum { R_LINE, R_KIOSK, R_UUID, R_SEQ, R_SEALED, R_FIELDS };

/* Opens each record's sealed fields and puts them back: the record becomes what the
 * kiosk holds (and would upload).  0, or -1 with err (nothing is loaded then). */
static int unseal_records(sqlite3 *db, struct rows *rec, const struct ingest_manifest *m,
                          const char *secret_key_file, char *err, size_t errlen)
{
    long sealed = 0;
    for (long i = 0; i < rec->n; i++)
        sealed += rec->v[i][R_SEALED] != NULL;
    if (sealed == 0)
        return 0;
    if (!secret_key_file || !secret_key_file[0]) {
        util_seterr(err, errlen, "the personal fields are sealed to the centre's key %s: set"
                                 " [centre] secret_key_file; nothing was loaded", m->sealed_to);
        return -1;
    }
    struct identity *key = NULL;
    char why[512];
    if (identity_load(secret_key_file, &key, why, sizeof why) < 0) {
        util_seterr(err, errlen, "%s; nothing was loaded", why);
        return -1;
    }
    if (strcmp(identity_key_id(key), m->sealed_to) != 0) {
        util_seterr(err, errlen, "the personal fields are sealed to key %s, but [centre]"
                                 " secret_key_file holds key %s; nothing was loaded",
                    m->sealed_to, identity_key_id(key));
        identity_free(key);
        return -1;
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT json_set(json_remove(?1, '$.sealed'), '$.fields',"
                                    " json(?2))", -1, &s, NULL) == SQLITE_OK ? 0 : -1;
    struct strbuf merged = {0};
    for (long i = 0; rc == 0 && i < rec->n; i++) {
        char **v = rec->v[i];
        if (!v[R_SEALED])
            continue;
        size_t plen = 0;
        char *p = identity_unseal(key, v[R_SEALED], strlen(v[R_SEALED]), &plen);
        const char *clear = v[R_FIELDS] ? v[R_FIELDS] : "null";
        size_t clen = strlen(clear);
        strbuf_reset(&merged);
        if (!p) {
            rc = -1;
        } else if (!strcmp(clear, "null") || !strcmp(clear, "{}")) {
            strbuf_addn(&merged, p, plen);   /* all of it was sealed */
        } else if (clen >= 2 && clear[clen - 1] == '}' && plen >= 2 && p[0] == '{') {
            /* {clear…} + {personal…}: two objects with no key in common. */
            strbuf_addn(&merged, clear, clen - 1);
            strbuf_add(&merged, plen > 2 ? "," : "");
            strbuf_addn(&merged, p + 1, plen - 1);
        } else {
            rc = -1;
        }
        if (p) {
            util_wipe(p, plen);
            free(p);
        }
        if (rc == 0) {
            sqlite3_reset(s);
            sqlite3_bind_text(s, 1, v[R_LINE], -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, merged.buf, (int)merged.len, SQLITE_STATIC);
            const char *line = sqlite3_step(s) == SQLITE_ROW
                                   ? (const char *)sqlite3_column_text(s, 0) : NULL;
            if (!line) {
                rc = -1;
            } else {
                util_wipe(v[R_LINE], strlen(v[R_LINE]));
                free(v[R_LINE]);
                v[R_LINE] = strdup(line);
                if (!v[R_LINE])
                    abort();
            }
            sqlite3_clear_bindings(s);
        }
        if (rc < 0)
            util_seterr(err, errlen, "records.jsonl: record %ld's sealed fields do not open with"
                                     " the centre's key; nothing was loaded", i + 1);
    }
    sqlite3_finalize(s);
    strbuf_free(&merged);
    identity_free(key);
    return rc;
}

/* ---- loading ------------------------------------------------------------------------ */

static long insert_events(PGconn *c, const struct ingest_manifest *m, const struct rows *ev, long from,
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

struct loader {
    PGconn *c;
    const struct ingest_manifest *m;
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

static int load(PGconn *c, const struct ingest_manifest *m, const struct rows *rec,
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

/* ---- the whole ---------------------------------------------------------------------- */

struct ingest_data {
    struct ingest_manifest m;
    struct signature sig;
    struct rows rec, ev;
};

const char *ingest_data_kiosk(const struct ingest_data *d) { return d->m.kiosk_id; }
long ingest_data_count(const struct ingest_data *d) { return d->rec.n; }
const char *ingest_data_record(const struct ingest_data *d, long i)
{
    return i >= 0 && i < d->rec.n ? d->rec.v[i][R_LINE] : NULL;
}

void ingest_data_free(struct ingest_data *d)
{
    if (!d)
        return;
    rows_free(&d->rec);
    rows_free(&d->ev);
    free(d);
}

int ingest_read(const char *bundle_dir, ingest_key_fn keys, void *ctx,
                const char *secret_key_file, struct ingest_data **out, char *err,
                size_t errlen)
{
    /* Each row: the line itself, the kiosk, UUID and seq it claims, its sealed fields
     * and the clear ones (the centre checks the rest of each record and refuses what it
     * cannot take, one by one). */
    static const char rec_sql[] =
        "SELECT json_valid(?1) AND json_type(?1) = 'object', ?1, ?1 ->> '$.kiosk_id',"
        " ?1 ->> '$.uuid', ?1 ->> '$.seq', ?1 ->> '$.sealed', ?1 -> '$.fields'";
    static const int rec_req[NCOL] = {1, 0, 0, 0, 0, 0};
    static const char ev_sql[] =
        "SELECT json_valid(?1) AND json_type(?1) = 'object', ?1 ->> '$.seq', ?1 ->> '$.at',"
        " ?1 ->> '$.kind', coalesce(?1 ->> '$.detail', ''), NULL, NULL";
    static const int ev_req[NCOL] = {1, 1, 1, 1, 0, 0};

    *out = NULL;
    if (err && errlen)
        err[0] = 0;
    if (sodium_init() < 0) {
        util_seterr(err, errlen, "libsodium could not be initialised");
        return -1;
    }
    struct folder f = {.dir = bundle_dir};
    struct ingest_data *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    char *sig_text = NULL, *sums = NULL, *manifest_text = NULL, *records = NULL, *events = NULL;
    char hex[65];
    size_t sums_len = 0, records_len = 0;
    sqlite3 *db = NULL;
    int rc = -1;
    if (scan_folder(&f, err, errlen) < 0 ||
        !(sig_text = read_file(&f, F_SIGNATURE, NULL, NULL, err, errlen)) ||
        parse_signature(sig_text, &d->sig, err, errlen) < 0 ||
        !(sums = read_file(&f, F_SUMS, &sums_len, NULL, err, errlen)) ||
        check_signature(keys, ctx, &d->sig, sums, sums_len, err, errlen) < 0 ||
        parse_sums(&f, sums, err, errlen) < 0)
        goto out;
    /* Every file read is hashed as it is read: what is parsed is what was checked. */
    static const int data[3] = {F_MANIFEST, F_RECORDS, F_EVENTS};
    char **text[3] = {&manifest_text, &records, &events};
    size_t *lens[3] = {NULL, &records_len, NULL};
    for (int k = 0; k < 3; k++) {
        int i = data[k];
        if (!f.present[i])
            continue;
        if (!(*text[k] = read_file(&f, i, lens[k], hex, err, errlen)))
            goto out;
        if (strcmp(hex, f.sum[i]) != 0) {
            util_seterr(err, errlen, "%s does not match its checksum: the bundle is damaged;"
                                     " nothing was loaded", files[i].name);
            goto out;
        }
    }
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        util_seterr(err, errlen, "cannot start the JSON reader");
        goto out;
    }
    struct ingest_manifest *m = &d->m;
    if (ingest_parse_manifest(db, manifest_text, m, err, errlen) < 0)
        goto out;
    if (strcmp(m->kiosk_id, d->sig.kiosk_id) != 0) {
        util_seterr(err, errlen, "manifest.json names kiosk %s but the bundle is signed by %s;"
                                 " nothing was loaded", m->kiosk_id, d->sig.kiosk_id);
        goto out;
    }
    if (parse_jsonl(db, records, "records.jsonl", rec_sql, rec_req, &d->rec, err, errlen) < 0 ||
        (events && parse_jsonl(db, events, "events.jsonl", ev_sql, ev_req, &d->ev, err,
                               errlen) < 0))
        goto out;
    /* A bundle speaks for one kiosk: a record of another is a forgery or a mix-up. */
    for (long i = 0; i < d->rec.n; i++)
        if (!d->rec.v[i][R_KIOSK] || strcmp(d->rec.v[i][R_KIOSK], m->kiosk_id) != 0) {
            util_seterr(err, errlen, "records.jsonl:%ld: a record of kiosk %s in a bundle of"
                                     " kiosk %s; nothing was loaded", i + 1,
                        d->rec.v[i][R_KIOSK] ? d->rec.v[i][R_KIOSK] : "(none)", m->kiosk_id);
            goto out;
        }
    if (d->rec.n != m->record_count) {
        util_seterr(err, errlen, "manifest.json says %ld records but records.jsonl holds %ld",
                    m->record_count, d->rec.n);
        goto out;
    }
    if (unseal_records(db, &d->rec, m, secret_key_file, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    sqlite3_close(db);
    free(sig_text);
    free(sums);
    free(manifest_text);
    if (records) /* cut into lines by the parser: wipe all of it */
        util_wipe(records, records_len);
    free(records);
    free(events);
    if (rc < 0)
        ingest_data_free(d);
    else
        *out = d;
    return rc;
}

/* The registry as ingest_read's key look-up. */
static int registry_keys(void *ctx, const char *kiosk_id, const char *key_id,
                         struct identity_pub *out, int *retired, char *msg, size_t size)
{
    return registry_kiosk_key(ctx, kiosk_id, key_id, out, retired, msg, size);
}

int ingest_bundle(const char *bundle_dir, const struct ingest_opts *opts,
                  struct ingest_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    PGconn *c = upload_connect(opts->conninfo, 10, 0, "kiosk-ingest", err, errlen);
    if (!c)
        return -1;
    struct ingest_data *d = NULL;
    int rc = -1;
    if (ingest_read(bundle_dir, registry_keys, c, opts->secret_key_file, &d, err, errlen) == 0) {
        util_strlcpy(res->bundle, d->m.bundle, sizeof res->bundle);
        util_strlcpy(res->kiosk_id, d->m.kiosk_id, sizeof res->kiosk_id);
        util_strlcpy(res->key_id, d->sig.key_id, sizeof res->key_id);
        res->records = d->rec.n;
        res->events = d->ev.n;
        rc = load(c, &d->m, &d->rec, &d->ev, res, err, errlen);
    }
    ingest_data_free(d);
    PQfinish(c);
    return rc;
}
