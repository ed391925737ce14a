/* retention — see retention.h.  Each batch is one UPDATE over the partial index
 * records_retention (delivered, not wiped), so the cost is that of the records due. */
#include "sync/retention.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

long retention_run(struct store *st, const struct config *cfg, int64_t now_ms)
{
    if (cfg->privacy_retention_days <= 0)
        return 0;
    char cutoff[32], now[32];
    util_time_utc(now_ms - (int64_t)cfg->privacy_retention_days * 86400000, cutoff);
    util_time_utc(now_ms, now);
    struct strbuf sql = {0}, clear = {0};
    store_fields_sql(&clear, "fields", 0);
    strbuf_addf(&sql,
                "UPDATE records SET wiped_at = ?1,"
                " fields = json_set(CASE WHEN json_valid(fields) THEN %s ELSE '{}' END,"
                "  '$.wiped', json('true'))"
                " WHERE seq IN (SELECT seq FROM records WHERE uploaded_at IS NOT NULL"
                "  AND wiped_at IS NULL AND created_at < ?2 ORDER BY created_at LIMIT %d)",
                clear.buf, RETENTION_BATCH);
    strbuf_free(&clear);
    /* The old bytes are overwritten, not just unlinked: this connection only (the
     * worker's), so the screen's own writes cost what they always did. */
    if (store_exec(st, "PRAGMA secure_delete = ON") < 0) {
        strbuf_free(&sql);
        return -1;
    }
    long total = 0;
    for (;;) {
        if (store_begin(st) < 0) {
            total = -1;
            break;
        }
        sqlite3_stmt *s = store_prepare(st, sql.buf);
        int n = -1;
        if (s) {
            sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, cutoff, -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_DONE)
                n = sqlite3_changes(store_db(st));
            sqlite3_finalize(s);
        }
        if (n < 0 || store_commit(st) < 0) {
            store_rollback(st);
            total = -1;
            break;
        }
        total += n;
        if (n < RETENTION_BATCH)
            break;
    }
    strbuf_free(&sql);
    if (total > 0) {
        /* Freed pages back to the file system a step at a time (a database made before
         * incremental auto-vacuum has none to give: secure_delete zeroed them already). */
        for (int i = 0; i < 64; i++) {
            char step[64];
            snprintf(step, sizeof step, "PRAGMA incremental_vacuum(%d)", RETENTION_VACUUM_PAGES);
            if (store_exec(st, step) < 0)
                break;
            sqlite3_stmt *q = store_prepare(st, "PRAGMA freelist_count");
            int left = q && sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
            sqlite3_finalize(q);
            if (left == 0)
                break;
        }
        /* The wiped pages reach the main file now, not at some later checkpoint. */
        store_exec(st, "PRAGMA wal_checkpoint(PASSIVE)");
        char detail[64];
        snprintf(detail, sizeof detail, "wiped=%ld days=%d", total, cfg->privacy_retention_days);
        store_event(st, now_ms, "retention", detail);
    }
    store_exec(st, "PRAGMA secure_delete = OFF");
    return total;
}
