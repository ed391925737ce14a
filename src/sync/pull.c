/* pull — see pull.h.  A page is fetched completely (one PGresult in memory) before its
 * write transaction starts, so the kiosk's write lock is never held across the network. */
#include "sync/pull.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "sync/apply.h"
#include "sync/upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pull_status_text(enum pull_status s, int zh)
{
    switch (s) {
    case PULL_OK: return zh ? "内容已是最新" : "content up to date";
    case PULL_NOT_CONFIGURED: return zh ? "未设置中心数据库" : "no central database configured";
    case PULL_CONNECT_FAILED: return zh ? "连接不上中心" : "the centre cannot be reached";
    case PULL_CONNECTION_LOST: return zh ? "与中心的连接中断" : "the connection to the centre dropped";
    case PULL_REFUSED: return zh ? "中心不认可本机的登录" : "the centre does not accept this kiosk's login";
    case PULL_NO_CONTENT: return zh ? "中心尚未发布内容" : "the centre publishes no content yet";
    case PULL_DB: return zh ? "本机数据库写入失败" : "the kiosk database could not be written";
    case PULL_CANCELLED: return zh ? "已取消" : "cancelled";
    }
    return "";
}

/* Classifies a failed result: the connection, the login, the schema, or the server. */
static enum pull_status failed(PGconn *c, PGresult *r, char *err, size_t errlen)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    char msg[512];
    upload_pg_message(c, r, msg, sizeof msg);
    enum pull_status s = PULL_CONNECTION_LOST;
    if (PQstatus(c) != CONNECTION_OK)
        s = PULL_CONNECTION_LOST;
    else if (state && !strcmp(state, "42501"))
        s = PULL_REFUSED;
    else if (state && !strcmp(state, "42883"))
        s = PULL_NO_CONTENT;
    else
        s = PULL_CONNECTION_LOST; /* a server error (timeout, restart): try again later */
    if (s == PULL_NO_CONTENT)
        util_seterr(err, errlen, "the centre's database has no content functions yet"
                                 " (kioskctl centre migrate): %s", msg);
    else
        util_seterr(err, errlen, "%s", msg);
    return s;
}

static int meta_put(struct store *st, const char *key, const char *value)
{
    if (value && *value)
        return store_meta_set(st, key, value);
    sqlite3_stmt *s = store_prepare(st, "DELETE FROM meta WHERE key = ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(s);
    return rc;
}

/* kiosk_whoami(): checks the login is this kiosk's, keeps its ticket prefix, and starts
 * a full snapshot when the hall is new.  0 or -1 (res->status, err). */
static int whoami(PGconn *c, struct store *st, const struct config *cfg, struct pull_result *res,
                  char *err, size_t errlen)
{
    PGresult *r = PQexec(c, "SELECT kiosk_id, hall_id, coalesce(ticket_prefix, '')"
                            " FROM kiosk_whoami()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        res->status = failed(c, r, err, errlen);
        PQclear(r);
        return -1;
    }
    const char *kid = PQgetvalue(r, 0, 0), *hall = PQgetvalue(r, 0, 1);
    if (strcmp(kid, cfg->kiosk_id) != 0) {
        util_seterr(err, errlen, "the login is registered for kiosk %s, but this kiosk is %s"
                                 " ([kiosk] id)", kid, cfg->kiosk_id);
        res->status = PULL_REFUSED;
        PQclear(r);
        return -1;
    }
    util_strlcpy(res->hall_id, hall, sizeof res->hall_id);
    char before[40] = "";
    int had = store_meta_get(st, PULL_HALL_KEY, before, sizeof before);
    int rc = meta_put(st, PULL_PREFIX_KEY, PQgetvalue(r, 0, 2));
    PQclear(r);
    if (rc == 0 && (had != 0 || strcmp(before, res->hall_id) != 0 || apply_counter(st) == 0)) {
        /* A first pull, or the kiosk moved: everything, as a full snapshot. */
        if (!apply_full_pending(st) || strcmp(before, res->hall_id) != 0)
            rc = apply_begin_full(st, err, errlen);
        if (rc == 0)
            rc = store_meta_set(st, PULL_HALL_KEY, res->hall_id);
    }
    if (rc < 0) {
        if (!err[0])
            util_seterr(err, errlen, "%s", sqlite3_errmsg(store_db(st)));
        res->status = PULL_DB;
        return -1;
    }
    return 0;
}

int pull_on(PGconn *c, struct store *st, const struct config *cfg, const struct pull_opts *o,
            int64_t now_ms, struct pull_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (err && errlen)
        err[0] = 0;
    if (whoami(c, st, cfg, res, err, errlen) < 0)
        return -1;
    res->full = apply_full_pending(st);
    int page_rows = o && o->page_rows > 0 ? o->page_rows : PULL_PAGE_ROWS;
    struct apply_stats stats = {0};
    struct apply_row *rows = NULL;
    int cap = 0;
    for (;;) {
        if (o && o->cancel && __atomic_load_n(o->cancel, __ATOMIC_RELAXED)) {
            res->status = PULL_CANCELLED;
            util_seterr(err, errlen, "cancelled");
            break;
        }
        int64_t since = apply_counter(st);
        if (since < 0) {
            res->status = PULL_DB;
            util_seterr(err, errlen, "%s", sqlite3_errmsg(store_db(st)));
            break;
        }
        char p1[24], p2[16];
        snprintf(p1, sizeof p1, "%lld", (long long)since);
        snprintf(p2, sizeof p2, "%d", page_rows);
        const char *params[2] = {p1, p2};
        PGresult *r = PQexecParams(c, "SELECT kind, id, counter, withdrawn, data"
                                      " FROM kiosk_content_since($1::bigint, $2::integer)",
                                   2, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            res->status = failed(c, r, err, errlen);
            PQclear(r);
            break;
        }
        int n = PQntuples(r);
        if (n == 0) {
            PQclear(r);
            res->status = PULL_OK;
            break;
        }
        if (n > cap) {
            cap = n;
            rows = realloc(rows, (size_t)cap * sizeof *rows);
            if (!rows)
                abort();
        }
        int64_t reached = since;
        for (int i = 0; i < n; i++) {
            rows[i] = (struct apply_row){
                .kind = PQgetvalue(r, i, 0),
                .id = PQgetvalue(r, i, 1),
                .counter = strtoll(PQgetvalue(r, i, 2), NULL, 10),
                .withdrawn = PQgetvalue(r, i, 3)[0] == 't',
                .data = PQgetvalue(r, i, 4),
            };
            if (rows[i].counter > reached)
                reached = rows[i].counter;
        }
        int rc = apply_page(st, rows, n, reached, now_ms, &stats, err, errlen);
        PQclear(r);
        if (rc < 0) {
            res->status = PULL_DB;
            break;
        }
        res->pages++;
        if (o && o->after_page)
            o->after_page(o->ctx, c, res->pages);
    }
    free(rows);
    if (res->status == PULL_OK && res->full) {
        res->removed = apply_finish_full(st, err, errlen);
        if (res->removed < 0) {
            res->status = PULL_DB;
            res->removed = 0;
        }
    }
    res->rows = stats.rows;
    res->changed = stats.changed;
    res->withdrawn = stats.withdrawn;
    res->skipped = stats.skipped;
    res->counter = apply_counter(st);
    if (res->status == PULL_OK) {
        char at[32];
        util_time_utc(now_ms, at);
        store_meta_set(st, PULL_AT_KEY, at);
        char what[96];
        snprintf(what, sizeof what, "counter %lld: %ld changed, %ld withdrawn%s",
                 (long long)res->counter, res->changed, res->withdrawn,
                 res->full ? " (full)" : "");
        store_event(st, now_ms, "content_pull", what);
        return 0;
    }
    store_event(st, now_ms, "content_pull", pull_status_text(res->status, 0));
    return -1;
}

int pull_content(struct store *st, const struct config *cfg, const struct pull_opts *o,
                 int64_t now_ms, struct pull_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (!cfg->upload_conninfo[0]) {
        res->status = PULL_NOT_CONFIGURED;
        util_seterr(err, errlen, "no central database: [upload] conninfo is empty");
        return -1;
    }
    PGconn *c = upload_connect(cfg->upload_conninfo, cfg->upload_connect_timeout_s,
                               cfg->upload_statement_timeout_ms, "kiosk-pull", err, errlen);
    if (!c) {
        res->status = PULL_CONNECT_FAILED;
        return -1;
    }
    int rc = pull_on(c, st, cfg, o, now_ms, res, err, errlen);
    PQfinish(c);
    return rc;
}
