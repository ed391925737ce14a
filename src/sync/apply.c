/* apply — see apply.h.  Statements are prepared per page (a page is hundreds of rows;
 * preparing costs microseconds); the column list of each table comes from the table
 * itself (PRAGMA table_info), so a live row's JSON is mapped onto whatever columns this
 * kiosk's schema has, and a column the centre adds later is simply not read. */
#include "sync/apply.h"

#include "app/certrule.h"
#include "core/util.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kinds kept in a table whose rows are the data's columns, and that table. */
static const struct {
    const char *kind, *table;
} tables[] = {
    {"jobs", "jobs"},         {"trainings", "trainings"}, {"activities", "activities"},
    {"places", "places"},     {"services", "services"},   {"materials", "materials"},
    {"members", "members"},   {"checkins", "hall_checkins"},
};
#define NTABLES ARRAY_LEN(tables)

/* The district settings a kiosk keeps, each as a meta key. */
static const struct {
    const char *id, *meta;
} settings[] = {
    {"certificate_pattern", CERTRULE_META_KEY},
};

#define MAX_IMAGE_B64 (6 * 1024 * 1024) /* a 4 MB picture, base64 */

enum { K_NONE = -1, K_SETTINGS = -2, K_COUNTS = -3 };

static int kind_index(const char *kind)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strcmp(kind, tables[i].kind) == 0)
            return (int)i;
    return strcmp(kind, "settings") == 0 ? K_SETTINGS
           : strcmp(kind, "counts") == 0 ? K_COUNTS
                                         : K_NONE;
}

static const char *setting_meta(const char *id)
{
    for (size_t i = 0; i < ARRAY_LEN(settings); i++)
        if (strcmp(id, settings[i].id) == 0)
            return settings[i].meta;
    return NULL;
}

/* The statements of one page. */
struct page {
    struct store *st;
    sqlite3_stmt *upsert[NTABLES]; /* INSERT OR REPLACE from JSON */
    sqlite3_stmt *del[NTABLES];
    sqlite3_stmt *count_set, *count_del;
    sqlite3_stmt *img_del, *img_ins, *img_list, *synced, *meta_set, *meta_del, *valid;
};

/* "INSERT OR REPLACE INTO t(c1,…) VALUES(json_extract(?1,'$."c1"'),…)" over t's own
 * columns.  NULL (logged) on failure. */
static sqlite3_stmt *prepare_upsert(struct store *st, const char *table)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
    sqlite3_stmt *q = store_prepare(st, sql);
    if (!q)
        return NULL;
    struct strbuf cols = {0}, vals = {0};
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(q, 0);
        strbuf_addf(&cols, "%s\"%s\"", n ? "," : "", c);
        strbuf_addf(&vals, "%sjson_extract(?1, '$.\"%s\"')", n ? "," : "", c);
        n++;
    }
    sqlite3_finalize(q);
    sqlite3_stmt *s = NULL;
    if (n > 0) {
        struct strbuf ins = {0};
        strbuf_addf(&ins, "INSERT OR REPLACE INTO %s(%s) VALUES(%s)", table, cols.buf, vals.buf);
        s = store_prepare(st, ins.buf);
        strbuf_free(&ins);
    }
    strbuf_free(&cols);
    strbuf_free(&vals);
    return s;
}

static void page_close(struct page *p)
{
    for (size_t i = 0; i < NTABLES; i++) {
        sqlite3_finalize(p->upsert[i]);
        sqlite3_finalize(p->del[i]);
    }
    sqlite3_finalize(p->count_set);
    sqlite3_finalize(p->count_del);
    sqlite3_finalize(p->img_del);
    sqlite3_finalize(p->img_ins);
    sqlite3_finalize(p->img_list);
    sqlite3_finalize(p->synced);
    sqlite3_finalize(p->meta_set);
    sqlite3_finalize(p->meta_del);
    sqlite3_finalize(p->valid);
}

static int page_open(struct store *st, struct page *p)
{
    memset(p, 0, sizeof *p);
    p->st = st;
    int ok = 1;
    for (size_t i = 0; i < NTABLES; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", tables[i].table);
        p->upsert[i] = prepare_upsert(st, tables[i].table);
        p->del[i] = store_prepare(st, sql);
        ok &= p->upsert[i] && p->del[i];
    }
    /* A session's places taken elsewhere: the district's total less this kiosk's own
     * (which the kiosk counts itself, delivered or not). */
    p->count_set = store_prepare(
        st, "INSERT OR REPLACE INTO training_counts(training_id, others) VALUES(?1,"
            " max(0, coalesce(json_extract(?2, '$.total'), 0)"
            " - coalesce(json_extract(?2, '$.by_kiosk.\"' || ?3 || '\"'), 0)))");
    p->count_del = store_prepare(st, "DELETE FROM training_counts WHERE training_id = ?");
    ok &= p->count_set && p->count_del;
    p->img_del = store_prepare(st, "DELETE FROM material_images WHERE material_id = ?");
    p->img_ins = store_prepare(st, "INSERT OR REPLACE INTO material_images(material_id, name,"
                                   " data) VALUES(?, ?, ?)");
    p->img_list = store_prepare(st, "SELECT json_extract(value, '$.name'),"
                                    " json_extract(value, '$.data') FROM json_each(?, '$.images')");
    p->synced = store_prepare(st, "INSERT OR REPLACE INTO content_synced(kind, id, counter,"
                                  " withdrawn) VALUES(?, ?, ?, ?)");
    p->meta_set = store_prepare(st, "INSERT OR REPLACE INTO meta(key, value)"
                                    " VALUES(?1, json_extract(?2, '$.value'))");
    p->meta_del = store_prepare(st, "DELETE FROM meta WHERE key = ?");
    p->valid = store_prepare(st, "SELECT json_valid(?1) AND json_type(?1) = 'object'"
                                 " AND json_extract(?1, '$.id') = ?2");
    ok &= p->img_del && p->img_ins && p->img_list && p->synced && p->meta_set && p->meta_del &&
          p->valid;
    if (!ok)
        page_close(p);
    return ok ? 0 : -1;
}

/* Steps a statement to completion and resets it.  SQLITE_DONE or the error code. */
static int run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

/* A material's pictures: delete the old ones, insert those of data.images.  1 done, 0 a
 * picture that does not decode (the caller skips the row), -1 database error. */
static int put_images(struct page *p, const char *id, const char *data)
{
    sqlite3_bind_text(p->img_del, 1, id, -1, SQLITE_STATIC);
    if (run(p->img_del) != SQLITE_DONE)
        return -1;
    sqlite3_bind_text(p->img_list, 1, data, -1, SQLITE_STATIC);
    int rc, ret = 1;
    while (ret == 1 && (rc = sqlite3_step(p->img_list)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(p->img_list, 0);
        const char *b64 = (const char *)sqlite3_column_text(p->img_list, 1);
        size_t blen = b64 ? strlen(b64) : 0;
        if (!name || !*name || !b64 || blen > MAX_IMAGE_B64) {
            ret = 0;
            break;
        }
        size_t cap = blen / 4 * 3 + 3, len = 0;
        unsigned char *bin = malloc(cap ? cap : 1);
        if (!bin)
            abort();
        if (sodium_base642bin(bin, cap, b64, blen, NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bin);
            ret = 0;
            break;
        }
        sqlite3_bind_text(p->img_ins, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(p->img_ins, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(p->img_ins, 3, bin, (int)len, free);
        if (run(p->img_ins) != SQLITE_DONE)
            ret = -1;
    }
    if (ret == 1 && rc != SQLITE_DONE)
        ret = -1;
    sqlite3_reset(p->img_list);
    sqlite3_clear_bindings(p->img_list);
    return ret;
}

/* Applies one row.  1 applied, 0 skipped, -1 database error. */
static int apply_one(struct page *p, const struct apply_row *r, struct apply_stats *stats)
{
    int k = r->kind ? kind_index(r->kind) : K_NONE;
    if (k == K_NONE || !r->id || !*r->id || strlen(r->id) > 64)
        return 0;
    if (!r->withdrawn) {
        sqlite3_bind_text(p->valid, 1, r->data ? r->data : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(p->valid, 2, r->id, -1, SQLITE_STATIC);
        int ok = sqlite3_step(p->valid) == SQLITE_ROW && sqlite3_column_int(p->valid, 0) == 1;
        sqlite3_reset(p->valid);
        sqlite3_clear_bindings(p->valid);
        if (!ok)
            return 0;
    }
    if (k == K_COUNTS) {
        sqlite3_stmt *s = r->withdrawn ? p->count_del : p->count_set;
        sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
        if (!r->withdrawn) {
            sqlite3_bind_text(s, 2, r->data, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, store_kiosk_id(p->st), -1, SQLITE_STATIC);
        }
        if (run(s) != SQLITE_DONE)
            return -1;
    } else if (k == K_SETTINGS) {
        const char *key = setting_meta(r->id);
        if (!key)
            return 0;
        sqlite3_stmt *s = r->withdrawn ? p->meta_del : p->meta_set;
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        if (!r->withdrawn)
            sqlite3_bind_text(s, 2, r->data, -1, SQLITE_STATIC);
        if (run(s) != SQLITE_DONE)
            return -1;
    } else if (r->withdrawn) {
        sqlite3_bind_text(p->del[k], 1, r->id, -1, SQLITE_STATIC);
        if (run(p->del[k]) != SQLITE_DONE)
            return -1;
        if (!strcmp(r->kind, "materials")) {
            sqlite3_bind_text(p->img_del, 1, r->id, -1, SQLITE_STATIC);
            if (run(p->img_del) != SQLITE_DONE)
                return -1;
        }
    } else {
        /* A savepoint, so a material whose picture does not decode leaves its old row. */
        if (store_exec(p->st, "SAVEPOINT one_row") < 0)
            return -1;
        sqlite3_bind_text(p->upsert[k], 1, r->data, -1, SQLITE_STATIC);
        int rc = run(p->upsert[k]) == SQLITE_DONE ? 1 : -1;
        if (rc == 1 && !strcmp(r->kind, "materials"))
            rc = put_images(p, r->id, r->data);
        if (rc == 1) {
            if (store_exec(p->st, "RELEASE one_row") < 0)
                return -1;
        } else {
            store_exec(p->st, "ROLLBACK TO one_row; RELEASE one_row");
            if (rc < 0)
                return -1;
            return 0;
        }
    }
    sqlite3_bind_text(p->synced, 1, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(p->synced, 2, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p->synced, 3, r->counter);
    sqlite3_bind_int(p->synced, 4, r->withdrawn != 0);
    if (run(p->synced) != SQLITE_DONE)
        return -1;
    if (r->withdrawn)
        stats->withdrawn++;
    else
        stats->changed++;
    return 1;
}

/* Ends the transaction: commits when rc is 0 and the commit goes through, else rolls
 * back with "the content could not be <what>: <why>" in err.  Returns 0 or -1. */
static int end_tx(struct store *st, int rc, const char *what, char *err, size_t errlen)
{
    if (rc == 0 && store_commit(st) == 0)
        return 0;
    util_seterr(err, errlen, "the content could not be %s: %s", what,
                sqlite3_errmsg(store_db(st)));
    store_rollback(st);
    return -1;
}

int64_t apply_counter(struct store *st)
{
    char v[32];
    int rc = store_meta_get(st, APPLY_COUNTER_KEY, v, sizeof v);
    if (rc < 0)
        return -1;
    return rc == 1 ? 0 : strtoll(v, NULL, 10);
}

static int set_counter(struct store *st, int64_t c)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)c);
    return store_meta_set(st, APPLY_COUNTER_KEY, v);
}

int apply_page(struct store *st, const struct apply_row *rows, int n, int64_t reached,
               int64_t now_ms, struct apply_stats *stats, char *err, size_t errlen)
{
    struct page p;
    if (page_open(st, &p) < 0) {
        util_seterr(err, errlen, "the content tables cannot be written: %s",
                    sqlite3_errmsg(store_db(st)));
        return -1;
    }
    struct apply_stats add = {0};
    int rc = 0;
    if (store_begin(st) < 0) {
        util_seterr(err, errlen, "cannot start a transaction: %s", sqlite3_errmsg(store_db(st)));
        page_close(&p);
        return -1;
    }
    int64_t have = apply_counter(st);
    if (have < 0)
        rc = -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        add.rows++;
        if (rows[i].counter <= have)
            continue; /* applied before: an older bundle, or a page seen twice */
        int a = apply_one(&p, &rows[i], &add);
        if (a < 0) {
            rc = -1;
        } else if (a == 0) {
            add.skipped++;
            char what[160];
            snprintf(what, sizeof what, "%.24s %.64s counter %lld",
                     rows[i].kind ? rows[i].kind : "?", rows[i].id ? rows[i].id : "?",
                     (long long)rows[i].counter);
            store_event(st, now_ms, "content_skip", what);
        }
    }
    if (rc == 0 && reached > have && set_counter(st, reached) < 0)
        rc = -1;
    rc = end_tx(st, rc, "written", err, errlen);
    if (rc == 0) {
        stats->rows += add.rows;
        stats->changed += add.changed;
        stats->withdrawn += add.withdrawn;
        stats->skipped += add.skipped;
    }
    page_close(&p);
    return rc;
}

int apply_begin_full(struct store *st, char *err, size_t errlen)
{
    /* What was delivered before says nothing about the snapshot to come (the kiosk may
     * have moved hall): the snapshot itself says which rows the centre publishes. */
    if (store_begin(st) < 0) {
        util_seterr(err, errlen, "cannot start a transaction: %s", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    int rc = set_counter(st, 0) < 0 || store_exec(st, "DELETE FROM content_synced") < 0 ||
                     store_meta_set(st, APPLY_FULL_KEY, "1") < 0
                 ? -1
                 : 0;
    return end_tx(st, rc, "made ready for a full update", err, errlen);
}

int apply_full_pending(struct store *st)
{
    char v[8];
    return store_meta_get(st, APPLY_FULL_KEY, v, sizeof v) == 0 && strcmp(v, "1") == 0;
}

long apply_finish_full(struct store *st, char *err, size_t errlen)
{
    if (store_begin(st) < 0) {
        util_seterr(err, errlen, "cannot start a transaction: %s", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    long removed = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < NTABLES; i++) {
        /* Only the kinds the centre has published: the others stay as imported. */
        char sql[320];
        snprintf(sql, sizeof sql,
                 "DELETE FROM %s WHERE EXISTS (SELECT 1 FROM content_synced WHERE kind = '%s')"
                 " AND id NOT IN (SELECT id FROM content_synced WHERE kind = '%s'"
                 " AND NOT withdrawn)",
                 tables[i].table, tables[i].kind, tables[i].kind);
        rc = store_exec(st, sql);
        removed += sqlite3_changes(store_db(st));
    }
    if (rc == 0)
        rc = store_exec(st, "DELETE FROM material_images WHERE material_id NOT IN"
                            " (SELECT id FROM materials);"
                            "DELETE FROM training_counts WHERE training_id NOT IN"
                            " (SELECT id FROM content_synced WHERE kind = 'counts'"
                            " AND NOT withdrawn)");
    if (rc == 0) {
        /* A setting the centre no longer has (it was set before the kiosk moved hall, or
         * by another centre) is not in force. */
        for (size_t i = 0; rc == 0 && i < ARRAY_LEN(settings); i++) {
            sqlite3_stmt *s = store_prepare(
                st, "DELETE FROM meta WHERE key = ?1 AND NOT EXISTS (SELECT 1 FROM"
                    " content_synced WHERE kind = 'settings' AND id = ?2 AND NOT withdrawn)");
            if (!s) {
                rc = -1;
                break;
            }
            sqlite3_bind_text(s, 1, settings[i].meta, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, settings[i].id, -1, SQLITE_STATIC);
            rc = run(s) == SQLITE_DONE ? 0 : -1;
            sqlite3_finalize(s);
        }
    }
    if (rc == 0)
        rc = store_exec(st, "DELETE FROM meta WHERE key = '" APPLY_FULL_KEY "'");
    return end_tx(st, rc, "tidied", err, errlen) < 0 ? -1 : removed;
}
