/* heartbeat — see heartbeat.h.  One JSON object, one call; a handful of small counts on
 * the kiosk's side (the pending ones ride the partial upload index). */
#include "sync/heartbeat.h"

#include "core/config.h"
#include "core/util.h"
#include "core/version.h"
#include "store/clock.h"
#include "store/store.h"
#include "sync/upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

static int64_t one_int(struct store *st, const char *sql)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    int64_t v = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The printer as its last job left it: the newest receipts row that went to a printer. */
static void printer_state(struct store *st, const struct config *cfg, char *out, size_t size)
{
    if (strcmp(cfg->printer_device, "none") == 0) {
        util_strlcpy(out, "none", size);
        return;
    }
    util_strlcpy(out, "unknown", size);
    sqlite3_stmt *s = store_prepare(st, "SELECT print_state, coalesce(print_error, '')"
                                        " FROM receipts WHERE print_state IN ('printed', 'failed')"
                                        " ORDER BY updated_at DESC LIMIT 1");
    if (s && sqlite3_step(s) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(s, 0);
        if (state && !strcmp(state, "printed"))
            util_strlcpy(out, "ok", size);
        else
            snprintf(out, size, "failed: %s", sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
}

int heartbeat_collect(struct store *st, const struct config *cfg, int64_t now_ms,
                      struct heartbeat_status *out)
{
    memset(out, 0, sizeof *out);
    util_time_utc(now_ms, out->clock);
    out->last_seq = one_int(st, "SELECT coalesce(max(seq), 0) FROM records");
    out->pending = one_int(st, "SELECT count(*) FROM records WHERE uploaded_at IS NULL"
                               " AND quarantined_at IS NULL");
    out->quarantined = one_int(st, "SELECT count(*) FROM records WHERE quarantined_at IS NOT NULL");
    /* The open ones ride their own partial index (records_help_open). */
    out->help_open = one_int(st, "SELECT count(*) FROM records WHERE kind = 'help_request'"
                                 " AND handled_at IS NULL");
    sqlite3_stmt *s = store_prepare(st, "SELECT min(created_at) FROM records"
                                        " WHERE uploaded_at IS NULL AND quarantined_at IS NULL");
    if (s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        util_strlcpy(out->oldest_pending, (const char *)sqlite3_column_text(s, 0),
                     sizeof out->oldest_pending);
    sqlite3_finalize(s);
    printer_state(st, cfg, out->printer, sizeof out->printer);
    struct statvfs vfs;
    out->free_disk_mb = statvfs(cfg->data_dir, &vfs) == 0
                            ? (int64_t)((unsigned long long)vfs.f_bavail * vfs.f_frsize >> 20)
                            : -1;
    return out->last_seq < 0 || out->pending < 0 || out->quarantined < 0 || out->help_open < 0
               ? -1 : 0;
}

int heartbeat_send(PGconn *c, struct store *st, const struct config *cfg, int64_t now_ms,
                   const char *last_error, int64_t *skew_s, char *err, size_t errlen)
{
    struct heartbeat_status h;
    if (heartbeat_collect(st, cfg, now_ms, &h) < 0) {
        util_seterr(err, errlen, "the kiosk database could not be read");
        return -1;
    }
    struct strbuf j = {0};
    strbuf_add(&j, "{\"version\":");
    strbuf_add_json_str(&j, version_string());
    strbuf_add(&j, ",\"clock\":");
    strbuf_add_json_str(&j, h.clock);
    strbuf_addf(&j, ",\"heartbeat_s\":%d,\"last_seq\":%lld,\"pending\":%lld,\"quarantined\":%lld,"
                    "\"free_disk_mb\":%lld,\"help_open\":%lld,\"oldest_pending\":",
                cfg->upload_heartbeat_s, (long long)h.last_seq, (long long)h.pending,
                (long long)h.quarantined, (long long)h.free_disk_mb, (long long)h.help_open);
    if (h.oldest_pending[0])
        strbuf_add_json_str(&j, h.oldest_pending);
    else
        strbuf_add(&j, "null");
    strbuf_add(&j, ",\"printer\":");
    strbuf_add_json_str(&j, h.printer);
    strbuf_add(&j, ",\"last_error\":");
    strbuf_add_json_str(&j, last_error ? last_error : "");
    strbuf_add(&j, "}");
    const char *vals[1] = {j.buf};
    PGresult *r = PQexecParams(c, "SELECT (extract(epoch FROM kiosk_heartbeat($1::jsonb)) * 1000)::bigint",
                               1, NULL, vals, NULL, NULL, 0);
    strbuf_free(&j);
    int rc = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        int64_t skew = clock_centre_note(st, now_ms, atoll(PQgetvalue(r, 0, 0)));
        if (skew_s)
            *skew_s = skew;
        rc = 0;
    } else {
        char msg[400];
        upload_pg_message(c, r, msg, sizeof msg);
        util_seterr(err, errlen, "the centre did not take the status report: %s", msg);
    }
    PQclear(r);
    return rc;
}
