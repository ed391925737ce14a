/* upload — see upload.h.  The order that makes it safe: read a batch from SQLite, send it
 * in one PostgreSQL transaction, and only after COMMIT came back as COMMIT mark it in
 * SQLite as the centre answered.  Whatever breaks in between leaves the batch pending,
 * and sending it again is harmless because the centre keys rows by (kiosk, UUID) and
 * answers "held" for what it has.
 *
 * Cost per batch: one short SQLite read, one call with the batch as one JSON array (one
 * parameter), three round trips (BEGIN, the call, COMMIT) and one SQLite write
 * transaction; a poisoned batch costs about log2(batch) more round trips. */
#include "sync/upload.h"

#include "core/config.h"
#include "core/util.h"
#include "core/version.h"
#include "store/store.h"
#include "sync/heartbeat.h"
#include "sync/retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROWS_PER_CALL 10000 /* one JSON array a batch: keep a statement bounded */

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
    char ct[16], appname[64];
    snprintf(ct, sizeof ct, "%d", connect_timeout_s > 0 ? connect_timeout_s : 10);
    /* The version travels as the session's application_name: the centre sees it in
     * pg_stat_activity, its logs and the rows' triggers (PostgreSQL keeps 63 bytes). */
    snprintf(appname, sizeof appname, "%s %s", app ? app : "kiosk", version_string());
    /* Keywords before dbname are defaults the connection string may override; the one
     * after it is the configured [upload] connect_timeout_s, which wins.  Keepalives let
     * a half-open connection (a pulled network cable) fail within about a minute
     * instead of hanging a worker for the kernel's two hours. */
    const char *const kw[] = {"application_name", "client_encoding", "keepalives",
                              "keepalives_idle",  "keepalives_interval", "keepalives_count",
                              "dbname",           "connect_timeout",  NULL};
    const char *const val[] = {appname, "UTF8", "1", "30", "10", "3",
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

int upload_pg_command(PGconn *c, const char *cmd, char *msg, size_t size)
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

/* One batch read from SQLite: each record as the JSON object bundles carry (with its
 * seq), in one arena. */
struct batch {
    struct strbuf arena;
    size_t *offs;           /* where each row's JSON starts */
    int64_t *seq;
    char (*uuid)[37];
    int n, cap;
};

static void batch_free(struct batch *b)
{
    strbuf_free(&b->arena); /* wiped: personal data */
    free(b->offs);
    free(b->seq);
    free(b->uuid);
    memset(b, 0, sizeof *b);
}

/* Loads up to `limit` pending records with seq in (after, upto].  Returns the count or
 * -1 (the store logged why). */
static int batch_load(struct store *st, struct batch *b, int64_t after, int64_t upto, int limit)
{
    if (b->cap < limit) {
        b->offs = realloc(b->offs, sizeof *b->offs * (size_t)limit);
        b->seq = realloc(b->seq, sizeof *b->seq * (size_t)limit);
        b->uuid = realloc(b->uuid, sizeof *b->uuid * (size_t)limit);
        if (!b->offs || !b->seq || !b->uuid)
            abort();
        b->cap = limit;
    }
    b->n = 0;
    strbuf_reset(&b->arena);
    sqlite3_stmt *s = store_prepare(
        st, "SELECT seq, uuid, json_set(" STORE_RECORD_JSON_SQL ", '$.seq', seq)"
            " FROM records WHERE uploaded_at IS NULL AND quarantined_at IS NULL"
            " AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, upto);
    sqlite3_bind_int(s, 3, limit);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *u = (const char *)sqlite3_column_text(s, 1);
        const char *j = (const char *)sqlite3_column_text(s, 2);
        b->seq[b->n] = sqlite3_column_int64(s, 0);
        util_strlcpy(b->uuid[b->n], u ? u : "", sizeof b->uuid[b->n]);
        b->offs[b->n] = b->arena.len;
        strbuf_addn(&b->arena, j ? j : "{}", j ? strlen(j) + 1 : 3);
        b->n++;
    }
    if (rc != SQLITE_DONE)
        fprintf(stderr, "upload: reading records failed: %s\n", sqlite3_errmsg(store_db(st)));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? b->n : -1;
}

/* The centre's answer for one record. */
enum outcome { OUT_NEW, OUT_HELD, OUT_CONFLICT, OUT_REFUSED };

struct answer {
    enum outcome *out;      /* per row of the batch */
    char **reason;          /* per row, refused ones only (owned) */
};

static void answer_clear(struct answer *a, int n)
{
    for (int i = 0; i < n; i++) {
        free(a->reason[i]);
        a->reason[i] = NULL;
    }
}

/* Quarantines one record with the reason, in the caller's transaction.  0 or -1. */
static int quarantine(struct store *st, const char *uuid, const char *reason, const char *at)
{
    sqlite3_stmt *s = store_prepare(st, "UPDATE records SET quarantined_at=?, quarantine_reason=?"
                                        " WHERE uuid=? AND quarantined_at IS NULL"
                                        " AND uploaded_at IS NULL");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s) == SQLITE_DONE ? sqlite3_changes(store_db(st)) : -1;
    sqlite3_finalize(s);
    return rc;
}

/* Marks rows [from, to) of the batch as the centre answered, in one transaction. */
static int mark(struct store *st, const struct batch *b, int from, int to,
                const struct answer *a, struct upload_result *res)
{
    char at[32];
    util_time_utc(wall_ms(), at);
    if (store_begin(st) < 0)
        return -1;
    int ok = 1, refused = 0;
    for (int i = from; ok && i < to; i++)
        if (a->out[i] == OUT_REFUSED) {
            ok = quarantine(st, b->uuid[i], a->reason[i] ? a->reason[i] : "refused", at) >= 0;
            refused++;
        }
    /* Everything else of the range is held at the centre now.  The range holds exactly
     * the batch's rows: records only ever get higher seqs than those committed. */
    sqlite3_stmt *s = ok ? store_prepare(st, "UPDATE records SET uploaded_at=?"
                                             " WHERE uploaded_at IS NULL AND quarantined_at IS NULL"
                                             " AND seq BETWEEN ? AND ?")
                         : NULL;
    if (s) {
        sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, b->seq[from]);
        sqlite3_bind_int64(s, 3, b->seq[to - 1]);
        ok = sqlite3_step(s) == SQLITE_DONE;
        if (!ok)
            fprintf(stderr, "upload: marking failed: %s\n", sqlite3_errmsg(store_db(st)));
        sqlite3_finalize(s);
    } else {
        ok = 0;
    }
    if (!ok || store_commit(st) < 0) {
        store_rollback(st);
        return -1;
    }
    for (int i = from; i < to; i++) {
        res->inserted += a->out[i] == OUT_NEW;
        res->duplicates += a->out[i] == OUT_HELD;
        res->conflicts += a->out[i] == OUT_CONFLICT;
    }
    res->quarantined += refused;
    res->sent += to - from - refused;
    return 0;
}

/* How a failed call is handled. */
enum sent { SENT_OK, SENT_DATA, SENT_FAILED };

int upload_data_error(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0);
}

/* Sends rows [from, to) in one transaction and reads the answer into a.  SENT_DATA: the
 * server refused the statement over the data (msg says why). */
static enum sent send_rows(PGconn *c, const struct batch *b, int from, int to,
                           struct answer *a, char *msg, size_t size)
{
    struct strbuf arr = {0};
    strbuf_add(&arr, "[");
    for (int i = from; i < to; i++) {
        if (i > from)
            strbuf_add(&arr, ",");
        strbuf_add(&arr, b->arena.buf + b->offs[i]);
    }
    strbuf_add(&arr, "]");
    enum sent rc = SENT_FAILED;
    if (upload_pg_command(c, "BEGIN", msg, size) < 0) {
        strbuf_free(&arr);
        return SENT_FAILED;
    }
    const char *vals[1] = {arr.buf};
    PGresult *r = PQexecParams(c, "SELECT record_uuid, outcome, reason FROM kiosk_upload($1::jsonb)",
                               1, NULL, vals, NULL, NULL, 0);
    strbuf_free(&arr); /* wiped: personal data */
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        upload_pg_message(c, r, msg, size);
        rc = upload_data_error(r) ? SENT_DATA : SENT_FAILED;
        PQclear(r);
        if (PQstatus(c) == CONNECTION_OK) {
            char ignore[64];
            upload_pg_command(c, "ROLLBACK", ignore, sizeof ignore);
        }
        return rc;
    }
    /* One answer per row, in order; anything else is not an answer we understand. */
    int ok = PQntuples(r) == to - from;
    for (int i = 0; ok && i < to - from; i++) {
        const char *u = PQgetvalue(r, i, 0), *o = PQgetvalue(r, i, 1);
        ok = strcmp(u, b->uuid[from + i]) == 0;
        enum outcome oc = !strcmp(o, "new")        ? OUT_NEW
                          : !strcmp(o, "held")     ? OUT_HELD
                          : !strcmp(o, "conflict") ? OUT_CONFLICT
                                                   : OUT_REFUSED;
        ok = ok && (oc != OUT_REFUSED || !strcmp(o, "refused"));
        a->out[from + i] = oc;
        if (oc == OUT_REFUSED) {
            a->reason[from + i] = strdup(PQgetisnull(r, i, 2) ? "refused" : PQgetvalue(r, i, 2));
            if (!a->reason[from + i])
                abort();
        }
    }
    PQclear(r);
    if (!ok) {
        util_seterr(msg, size, "the centre's answer does not match the records sent");
        char ignore[64];
        upload_pg_command(c, "ROLLBACK", ignore, sizeof ignore);
        return SENT_FAILED;
    }
    return upload_pg_command(c, "COMMIT", msg, size) == 0 ? SENT_OK : SENT_FAILED;
}

/* Tells the centre a record was quarantined on its server's word; best effort (the
 * record is quarantined here whatever the answer). */
static void report_refusal(PGconn *c, const char *uuid, int64_t seq, const char *reason)
{
    char seqs[24];
    snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
    const char *vals[3] = {uuid, seqs, reason};
    PGresult *r = PQexecParams(c, "SELECT kiosk_report_refusal($1, $2::bigint, $3)", 3, NULL,
                               vals, NULL, NULL, 0);
    PQclear(r);
}

struct run {
    PGconn *c;
    struct store *st;
    struct batch *b;
    struct answer *a;
    struct upload_result *res;
    char msg[512];
};

/* Sends rows [from, to), splitting on data errors down to single records, which are
 * quarantined.  Returns 0, or -1 (run->msg) when the upload must stop: the connection,
 * permissions, or the kiosk database. */
static int send_range(struct run *u, int from, int to)
{
    enum sent s = send_rows(u->c, u->b, from, to, u->a, u->msg, sizeof u->msg);
    if (s == SENT_FAILED)
        return -1;
    if (s == SENT_OK) {
        int rc = mark(u->st, u->b, from, to, u->a, u->res);
        for (int i = from; i < to; i++) {
            free(u->a->reason[i]);
            u->a->reason[i] = NULL;
        }
        if (rc < 0)
            util_seterr(u->msg, sizeof u->msg, "records were sent but could not be marked;"
                                              " they will be sent again (without duplicates)");
        return rc;
    }
    if (to - from > 1) {
        int mid = from + (to - from) / 2;
        return send_range(u, from, mid) < 0 ? -1 : send_range(u, mid, to);
    }
    /* This record alone makes the server refuse the statement. */
    char at[32];
    util_time_utc(wall_ms(), at);
    if (store_begin(u->st) < 0 || quarantine(u->st, u->b->uuid[from], u->msg, at) < 0 ||
        store_commit(u->st) < 0) {
        store_rollback(u->st);
        util_seterr(u->msg, sizeof u->msg, "a refused record could not be quarantined");
        return -1;
    }
    report_refusal(u->c, u->b->uuid[from], u->b->seq[from], u->msg);
    u->res->quarantined++;
    return 0;
}

static long count_pending(struct store *st, int64_t upto, int64_t *max_seq)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT count(*), coalesce(max(seq), 0) FROM records"
                                        " WHERE uploaded_at IS NULL AND quarantined_at IS NULL"
                                        " AND seq <= ?");
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

/* The login must be registered at the centre for this very kiosk; otherwise nothing is
 * sent (and nothing quarantined: the records are fine, the set-up is not).  0 or -1. */
static int check_registration(PGconn *c, struct store *st, char *msg, size_t size)
{
    PGresult *r = PQexec(c, "SELECT session_kiosk()");
    int rc = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char m[400];
        upload_pg_message(c, r, m, sizeof m);
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state && !strcmp(state, "42883"))
            util_seterr(msg, size, "the centre's database is older than this kiosk (run"
                                   " kioskctl centre migrate there)");
        else
            util_seterr(msg, size, "%s", m);
    } else if (PQgetisnull(r, 0, 0)) {
        util_seterr(msg, size, "this login is not registered at the centre for a kiosk in"
                               " service (kioskctl centre add-kiosk)");
    } else if (strcmp(PQgetvalue(r, 0, 0), store_kiosk_id(st)) != 0) {
        util_seterr(msg, size, "the centre registered this login for kiosk %s, but this kiosk"
                               " is %s", PQgetvalue(r, 0, 0), store_kiosk_id(st));
    } else {
        rc = 0;
    }
    PQclear(r);
    return rc;
}

/* Records the centre refused earlier (in a USB bundle, or an upload whose answer was
 * lost) are quarantined here too, so they are not sent again and staff see why.
 * Returns how many, or -1. */
static long apply_refusals(PGconn *c, struct store *st)
{
    PGresult *r = PQexec(c, "SELECT record_uuid, reason FROM kiosk_my_refusals()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    long n = 0;
    if (PQntuples(r) > 0) {
        char at[32];
        util_time_utc(wall_ms(), at);
        if (store_begin(st) < 0) {
            PQclear(r);
            return -1;
        }
        for (int i = 0; i < PQntuples(r) && n >= 0; i++) {
            int k = quarantine(st, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), at);
            n = k < 0 ? -1 : n + k;
        }
        if (n < 0 || store_commit(st) < 0) {
            store_rollback(st);
            n = -1;
        }
    }
    PQclear(r);
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
    int report = cfg->upload_heartbeat_s > 0;
    if (opts->report_only)
        res->pending = 0;
    if (res->pending == 0 && !report) {
        res->status = UPLOAD_OK;
        return 0;
    }
    int64_t clock_ms = opts->clock_ms ? opts->clock_ms : wall_ms();

    char app[96];
    snprintf(app, sizeof app, "kiosk-upload %s", store_kiosk_id(st));
    PGconn *c = upload_connect(cfg->upload_conninfo, cfg->upload_connect_timeout_s,
                               cfg->upload_statement_timeout_ms, app, err, errlen);
    if (!c) {
        res->status = UPLOAD_CONNECT_FAILED;
        res->remaining = res->pending;
        return -1;
    }
    struct run u = {.c = c, .st = st, .res = res};
    if (check_registration(c, st, u.msg, sizeof u.msg) < 0) {
        res->status = PQstatus(c) == CONNECTION_OK ? UPLOAD_REJECTED : UPLOAD_CONNECTION_LOST;
        res->remaining = res->pending;
        util_seterr(err, errlen, "the central database refused the upload: %s", u.msg);
        PQfinish(c);
        store_event(st, wall_ms(), "upload_failed", "status=refused");
        return -1;
    }
    long earlier = apply_refusals(c, st);
    if (earlier > 0) {
        res->quarantined += earlier;
        if (!opts->report_only)
            res->pending = count_pending(st, INT64_MAX, &upto);
    }
    if (res->pending == 0) {
        /* Nothing to send: the status report alone. */
        res->status = UPLOAD_OK;
        if (heartbeat_send(c, st, cfg, clock_ms, opts->last_error, &res->clock_skew_s, u.msg,
                           sizeof u.msg) == 0)
            res->reported = 1;
        PQfinish(c);
        /* What the centre acknowledged earlier may be due for the wipe now. */
        res->wiped = retention_run(st, cfg, clock_ms);
        if (!res->reported) {
            res->status = UPLOAD_REJECTED;
            util_seterr(err, errlen, "%s", u.msg);
            return -1;
        }
        return 0;
    }

    int limit = cfg->upload_batch < 1 ? 1
              : cfg->upload_batch > MAX_ROWS_PER_CALL ? MAX_ROWS_PER_CALL
                                                      : cfg->upload_batch;
    struct batch b = {0};
    struct answer a = {calloc((size_t)limit, sizeof *a.out), calloc((size_t)limit, sizeof *a.reason)};
    if (!a.out || !a.reason)
        abort();
    u.b = &b;
    u.a = &a;
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
        long before = res->sent + res->quarantined;
        if (send_range(&u, 0, n) < 0) {
            int lost = PQstatus(c) != CONNECTION_OK;
            res->status = lost ? UPLOAD_CONNECTION_LOST : UPLOAD_REJECTED;
            util_seterr(err, errlen, "%s after %ld of %ld records; the rest stay pending: %s",
                        lost ? "the connection to the central database was lost"
                             : "the central database refused a batch",
                        res->sent, res->pending, u.msg);
            rc = -1;
            break;
        }
        if (res->sent + res->quarantined > before)
            res->batches++;
        after = b.seq[n - 1];
        if (opts->progress)
            opts->progress(opts->ctx, (int)(res->sent + res->quarantined), (int)res->pending);
    }
    answer_clear(&a, limit);
    free(a.out);
    free(a.reason);
    batch_free(&b);
    /* The status report rides the same connection, with this attempt's error if any. */
    if (report && PQstatus(c) == CONNECTION_OK) {
        char msg[512];
        if (heartbeat_send(c, st, cfg, clock_ms, rc == 0 ? "" : err, &res->clock_skew_s, msg,
                           sizeof msg) == 0)
            res->reported = 1;
    }
    PQfinish(c);
    res->wiped = retention_run(st, cfg, clock_ms);
    long left = count_pending(st, upto, NULL);
    res->remaining = left < 0 ? res->pending - res->sent : left;
    if (rc == 0)
        res->status = UPLOAD_OK;
    char detail[200];
    snprintf(detail, sizeof detail,
             "status=%d sent=%ld new=%ld conflicts=%ld quarantined=%ld remaining=%ld",
             (int)res->status, res->sent, res->inserted, res->conflicts, res->quarantined,
             res->remaining);
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
