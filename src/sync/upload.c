/* upload — see upload.h.  The order that makes it safe: read a batch from SQLite, send it
 * in one PostgreSQL transaction, and only after COMMIT came back as COMMIT mark it in
 * SQLite.  Whatever breaks in between leaves the batch pending, and sending it again is
 * harmless because the centre keys rows by record UUID.
 *
 * Cost per batch: one short SQLite read, one INSERT statement with 5 parameters a row,
 * three round trips (BEGIN, INSERT, COMMIT) and one SQLite write transaction. */
#include "sync/upload.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROWS_PER_INSERT 10000 /* 5 parameters a row stays under PostgreSQL's 65535 */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libpq messages end with a newline and may run over several lines ("DETAIL: …");
 * a staff-facing sentence wants the first line only. */
static void first_line(const char *msg, char *out, size_t size)
{
    util_strlcpy(out, msg ? msg : "", size);
    char *nl = strpbrk(out, "\r\n");
    if (nl)
        *nl = 0;
    if (!out[0])
        util_strlcpy(out, "unknown error", size);
}

void upload_pg_message(PGconn *c, const PGresult *r, char *out, size_t size)
{
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    first_line(primary && *primary ? primary : PQerrorMessage(c), out, size);
}

const char *upload_status_text(enum upload_status status, int zh)
{
    switch (status) {
    case UPLOAD_OK: return zh ? "上传完成" : "Upload complete";
    case UPLOAD_NOT_CONFIGURED: return zh ? "未配置中心数据库，无法上传" : "Upload is not configured";
    case UPLOAD_CONNECT_FAILED:
        return zh ? "无法连接中心数据库，稍后自动重试" : "The central database cannot be reached; will retry later";
    case UPLOAD_CONNECTION_LOST:
        return zh ? "上传中断，未完成的记录稍后重试" : "The connection dropped; the rest will be retried";
    case UPLOAD_REJECTED: return zh ? "中心数据库拒绝了上传" : "The central database refused the upload";
    case UPLOAD_DB: return zh ? "读取本机记录出错" : "The kiosk database could not be read";
    case UPLOAD_CANCELLED: return zh ? "上传已停止" : "Upload stopped";
    }
    return "?";
}

/* ---- connection and insert (shared with ingest) ------------------------------------ */

PGconn *upload_connect(const char *conninfo, int connect_timeout_s, int statement_timeout_ms,
                       const char *app, char *err, size_t errlen)
{
    char ct[16];
    snprintf(ct, sizeof ct, "%d", connect_timeout_s > 0 ? connect_timeout_s : 10);
    /* Keywords before dbname are defaults the connection string may override; the one
     * after it is the configured [upload] connect_timeout_s, which wins.  Keepalives let
     * a half-open connection (a pulled network cable) fail within about a minute
     * instead of hanging a worker for the kernel's two hours. */
    const char *const kw[] = {"application_name", "client_encoding", "keepalives",
                              "keepalives_idle",  "keepalives_interval", "keepalives_count",
                              "dbname",           "connect_timeout",  NULL};
    const char *const val[] = {app ? app : "kiosk", "UTF8", "1", "30", "10", "3",
                               conninfo ? conninfo : "", ct, NULL};
    PGconn *c = PQconnectdbParams(kw, val, 1);
    if (!c) {
        util_seterr(err, errlen, "cannot connect to the central database: out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[512];
        first_line(PQerrorMessage(c), msg, sizeof msg);
        util_seterr(err, errlen, "cannot connect to the central database: %s", msg);
        PQfinish(c);
        return NULL;
    }
    if (statement_timeout_ms > 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "SET statement_timeout = %d", statement_timeout_ms);
        PGresult *r = PQexec(c, sql);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            char msg[512];
            first_line(PQerrorMessage(c), msg, sizeof msg);
            util_seterr(err, errlen, "cannot set up the central database session: %s", msg);
            PQfinish(c);
            return NULL;
        }
    }
    return c;
}

long upload_insert_rows(PGconn *c, const struct upload_row *rows, int n, const char *source,
                        char *err, size_t errlen)
{
    if (n <= 0)
        return 0;
    if (n > MAX_ROWS_PER_INSERT) {
        util_seterr(err, errlen, "too many rows in one insert (%d)", n);
        return -1;
    }
    struct strbuf sql = {0};
    /* No conflict target: "ON CONFLICT (record_uuid)" needs SELECT on the column, which
     * the uploader role must not have; any unique violation is on record_uuid anyway. */
    strbuf_add(&sql, "INSERT INTO kiosk_records"
                     "(record_uuid, kiosk_id, kind, created_at, payload, source) VALUES ");
    const char **vals = malloc(sizeof *vals * (size_t)(5 * n + 1));
    if (!vals)
        abort();
    vals[0] = source;
    for (int i = 0; i < n; i++) {
        int p = 2 + 5 * i;
        strbuf_addf(&sql, "%s($%d::uuid, $%d, $%d, $%d::timestamptz, $%d::jsonb, $1)",
                    i ? ", " : "", p, p + 1, p + 2, p + 3, p + 4);
        vals[p - 1] = rows[i].uuid;
        vals[p] = rows[i].kiosk_id;
        vals[p + 1] = rows[i].kind;
        vals[p + 2] = rows[i].created_at;
        vals[p + 3] = rows[i].payload;
    }
    strbuf_add(&sql, " ON CONFLICT DO NOTHING");
    PGresult *r = PQexecParams(c, sql.buf, 5 * n + 1, NULL, vals, NULL, NULL, 0);
    long inserted = -1;
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        inserted = atol(PQcmdTuples(r));
    } else {
        char msg[512];
        upload_pg_message(c, r, msg, sizeof msg);
        util_seterr(err, errlen, "%s", msg);
    }
    PQclear(r);
    free(vals);
    strbuf_free(&sql);
    return inserted;
}

/* Runs a command that returns no rows.  For COMMIT, success also requires the command
 * tag COMMIT: a transaction that failed earlier "commits" as ROLLBACK with status OK. */
static int pg_command(PGconn *c, const char *cmd, char *msg, size_t size)
{
    PGresult *r = PQexec(c, cmd);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (ok && strcmp(cmd, "COMMIT") == 0)
        ok = strcmp(PQcmdStatus(r), "COMMIT") == 0;
    if (!ok)
        upload_pg_message(c, r, msg, size);
    PQclear(r);
    return ok ? 0 : -1;
}

/* ---- the upload ---------------------------------------------------------------------- */

/* One batch read from SQLite.  Strings live in `arena`, rows point into it. */
struct batch {
    struct strbuf arena;
    size_t *offs;           /* 5 offsets a row */
    struct upload_row *rows;
    int n, cap;
    int64_t first_seq, last_seq;
};

static void batch_free(struct batch *b)
{
    strbuf_free(&b->arena); /* wiped: personal data */
    free(b->offs);
    free(b->rows);
    memset(b, 0, sizeof *b);
}

/* Loads up to `limit` pending records with seq in (after, upto].  Returns the count or
 * -1 (the store logged why). */
static int batch_load(struct store *st, struct batch *b, int64_t after, int64_t upto, int limit)
{
    if (b->cap < limit) {
        b->offs = realloc(b->offs, sizeof *b->offs * 5 * (size_t)limit);
        b->rows = realloc(b->rows, sizeof *b->rows * (size_t)limit);
        if (!b->offs || !b->rows)
            abort();
        b->cap = limit;
    }
    b->n = 0;
    strbuf_reset(&b->arena);
    sqlite3_stmt *s = store_prepare(
        st, "SELECT seq, uuid, kiosk_id, kind, created_at,"
            " CASE WHEN json_valid(fields) THEN fields ELSE json_quote(fields) END"
            " FROM records WHERE uploaded_at IS NULL AND seq > ? AND seq <= ?"
            " ORDER BY seq LIMIT ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, upto);
    sqlite3_bind_int(s, 3, limit);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        if (b->n == 0)
            b->first_seq = seq;
        b->last_seq = seq;
        for (int k = 0; k < 5; k++) {
            const char *v = (const char *)sqlite3_column_text(s, k + 1);
            b->offs[5 * b->n + k] = b->arena.len;
            strbuf_addn(&b->arena, v ? v : "", v ? strlen(v) + 1 : 1);
        }
        b->n++;
    }
    if (rc != SQLITE_DONE)
        fprintf(stderr, "upload: reading records failed: %s\n", sqlite3_errmsg(store_db(st)));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    /* The arena may have moved while growing: point into it only now. */
    for (int i = 0; i < b->n; i++) {
        const char *a = b->arena.buf;
        const size_t *o = b->offs + 5 * i;
        b->rows[i] = (struct upload_row){a + o[0], a + o[1], a + o[2], a + o[3], a + o[4]};
    }
    return b->n;
}

static int mark_uploaded(struct store *st, const struct batch *b)
{
    char at[32];
    util_time_utc(wall_ms(), at);
    if (store_begin(st) < 0)
        return -1;
    sqlite3_stmt *s = store_prepare(st, "UPDATE records SET uploaded_at=?"
                                        " WHERE uploaded_at IS NULL AND seq BETWEEN ? AND ?");
    int ok = s != NULL;
    if (ok) {
        sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, b->first_seq);
        sqlite3_bind_int64(s, 3, b->last_seq);
        ok = sqlite3_step(s) == SQLITE_DONE;
        if (!ok)
            fprintf(stderr, "upload: marking failed: %s\n", sqlite3_errmsg(store_db(st)));
    }
    sqlite3_finalize(s);
    if (!ok || store_commit(st) < 0) {
        store_rollback(st);
        return -1;
    }
    return 0;
}

static long count_pending(struct store *st, int64_t upto, int64_t *max_seq)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT count(*), coalesce(max(seq), 0) FROM records"
                                        " WHERE uploaded_at IS NULL AND seq <= ?");
    long n = -1;
    if (s) {
        sqlite3_bind_int64(s, 1, upto);
        if (sqlite3_step(s) == SQLITE_ROW) {
            n = sqlite3_column_int64(s, 0);
            if (max_seq)
                *max_seq = sqlite3_column_int64(s, 1);
        }
    }
    sqlite3_finalize(s);
    return n;
}

int upload_pending(struct store *st, const struct config *cfg, upload_progress_fn progress,
                   void *ctx, struct upload_result *res, char *err, size_t errlen)
{
    struct upload_opts o = {.progress = progress, .ctx = ctx};
    return upload_pending_ex(st, cfg, &o, res, err, errlen);
}

int upload_pending_ex(struct store *st, const struct config *cfg,
                      const struct upload_opts *opts, struct upload_result *res, char *err,
                      size_t errlen)
{
    static const struct upload_opts no_opts;
    if (!opts)
        opts = &no_opts;
    memset(res, 0, sizeof *res);
    if (err && errlen)
        err[0] = 0;
    if (!cfg->upload_conninfo[0]) {
        res->status = UPLOAD_NOT_CONFIGURED;
        util_seterr(err, errlen, "upload is not configured ([upload] conninfo is empty)");
        return -1;
    }
    /* Only what is pending now: records made during the upload wait for the next one,
     * so a busy kiosk cannot keep an upload running forever. */
    int64_t upto = 0;
    res->pending = count_pending(st, INT64_MAX, &upto);
    if (res->pending < 0) {
        res->status = UPLOAD_DB;
        util_seterr(err, errlen, "the kiosk database could not be read");
        return -1;
    }
    if (res->pending == 0) {
        res->status = UPLOAD_OK;
        return 0;
    }

    char app[96], msg[512];
    snprintf(app, sizeof app, "kiosk-upload %s", store_kiosk_id(st));
    PGconn *c = upload_connect(cfg->upload_conninfo, cfg->upload_connect_timeout_s,
                               cfg->upload_statement_timeout_ms, app, err, errlen);
    if (!c) {
        res->status = UPLOAD_CONNECT_FAILED;
        res->remaining = res->pending;
        return -1;
    }

    int limit = cfg->upload_batch < 1 ? 1
              : cfg->upload_batch > MAX_ROWS_PER_INSERT ? MAX_ROWS_PER_INSERT
                                                        : cfg->upload_batch;
    struct batch b = {0};
    int64_t after = 0;
    int rc = 0;
    for (;;) {
        if (opts->cancel && __atomic_load_n(opts->cancel, __ATOMIC_RELAXED)) {
            res->status = UPLOAD_CANCELLED;
            util_seterr(err, errlen, "upload stopped after %ld of %ld records", res->sent,
                    res->pending);
            rc = -1;
            break;
        }
        int n = batch_load(st, &b, after, upto, limit);
        if (n < 0) {
            res->status = UPLOAD_DB;
            util_seterr(err, errlen, "the kiosk database could not be read");
            rc = -1;
            break;
        }
        if (n == 0)
            break;
        long ins = -1;
        if (pg_command(c, "BEGIN", msg, sizeof msg) == 0) {
            ins = upload_insert_rows(c, b.rows, n, "upload", msg, sizeof msg);
            if (ins >= 0 && pg_command(c, "COMMIT", msg, sizeof msg) < 0)
                ins = -1;
        }
        if (ins < 0) {
            int lost = PQstatus(c) != CONNECTION_OK;
            if (!lost) {
                char ignore[64];
                pg_command(c, "ROLLBACK", ignore, sizeof ignore);
            }
            res->status = lost ? UPLOAD_CONNECTION_LOST : UPLOAD_REJECTED;
            util_seterr(err, errlen,
                    "%s after %ld of %ld records; the rest stay pending: %s",
                    lost ? "the connection to the central database was lost"
                         : "the central database refused a batch",
                    res->sent, res->pending, msg);
            rc = -1;
            break;
        }
        /* The centre has the batch now; if marking fails it is sent again next time and
         * the centre keeps one copy. */
        if (mark_uploaded(st, &b) < 0) {
            res->status = UPLOAD_DB;
            util_seterr(err, errlen, "records were sent but could not be marked uploaded;"
                                 " they will be sent again (without duplicates)");
            rc = -1;
            break;
        }
        res->sent += n;
        res->inserted += ins;
        res->duplicates += n - ins;
        res->batches++;
        after = b.last_seq;
        if (opts->progress)
            opts->progress(opts->ctx, (int)res->sent, (int)res->pending);
    }
    batch_free(&b);
    PQfinish(c);
    long left = count_pending(st, upto, NULL);
    res->remaining = left < 0 ? res->pending - res->sent : left;
    if (rc == 0)
        res->status = UPLOAD_OK;
    char detail[160];
    snprintf(detail, sizeof detail, "status=%d sent=%ld new=%ld remaining=%ld", (int)res->status,
             res->sent, res->inserted, res->remaining);
    /* The server's message stays out of the event log: it may quote a row's content. */
    store_event(st, wall_ms(), rc == 0 ? "upload" : "upload_failed", detail);
    return rc;
}

/* ---- back-off --------------------------------------------------------------------- */

int upload_backoff_due(const struct upload_backoff *b, int64_t now_ms)
{
    return now_ms >= b->next_ms;
}

void upload_backoff_success(struct upload_backoff *b, int64_t now_ms, int interval_s)
{
    b->failures = 0;
    b->delay_ms = 0;
    b->next_ms = now_ms + (interval_s > 0 ? (int64_t)interval_s * 1000 : 0);
}

int64_t upload_backoff_failure(struct upload_backoff *b, int64_t now_ms)
{
    b->failures++;
    if (b->delay_ms < UPLOAD_BACKOFF_MIN_MS)
        b->delay_ms = UPLOAD_BACKOFF_MIN_MS;
    else
        b->delay_ms = b->delay_ms * 2 > UPLOAD_BACKOFF_MAX_MS ? UPLOAD_BACKOFF_MAX_MS
                                                             : b->delay_ms * 2;
    b->next_ms = now_ms + b->delay_ms;
    return b->next_ms;
}
