/* content_bundle — see content_bundle.h.  JSON is read with SQLite's own JSON functions
 * on the kiosk's connection (no table is touched by those reads), so the bundle needs no
 * parser of its own; each file is read through one bounded reader. */
#define _GNU_SOURCE /* O_NOFOLLOW, O_DIRECTORY */
#include "sync/content_bundle.h"

#include "core/config.h"
#include "core/identity.h"
#include "core/util.h"
#include "store/store.h"
#include "sync/apply.h"
#include "sync/pull.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_ROWS 500
#define MAX_HALL_DEPTH 16

static const struct {
    const char *name;
    long max;
} files[] = {
    {CONTENT_BUNDLE_MANIFEST, CONTENT_BUNDLE_MAX_MANIFEST},
    {CONTENT_BUNDLE_SIG, CONTENT_BUNDLE_MAX_SIG},
    {CONTENT_BUNDLE_ROWS, CONTENT_BUNDLE_MAX_ROWS_FILE},
    {CONTENT_BUNDLE_HALLS, CONTENT_BUNDLE_MAX_HALLS_FILE},
};
enum { F_MANIFEST, F_SIG, F_ROWS, F_HALLS, F_COUNT };

struct bundle {
    char *data[F_COUNT];
    size_t len[F_COUNT];
};

static void bundle_free(struct bundle *b)
{
    for (int i = 0; i < F_COUNT; i++)
        free(b->data[i]);
}

/* Opens the bundle folder and reads its four files; anything else in it is refused. */
static int read_bundle(const char *path, struct bundle *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        util_seterr(err, errlen, errno == ELOOP || errno == ENOTDIR
                                     ? "%s is not a content bundle folder"
                                     : "%s cannot be opened: %s",
                    path, strerror(errno));
        return -1;
    }
    int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        util_seterr(err, errlen, "%s cannot be listed: %s", path, strerror(errno));
        if (dup_fd >= 0)
            close(dup_fd);
        close(dfd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        int known = 0;
        for (int i = 0; i < F_COUNT; i++)
            known |= !strcmp(e->d_name, files[i].name);
        if (!known) {
            char ex[80];
            util_strlcpy(ex, e->d_name, sizeof ex);
            util_seterr(err, errlen, "the bundle holds a file it should not: %s", ex);
            rc = -1;
        }
    }
    closedir(d);
    for (int i = 0; rc == 0 && i < F_COUNT; i++)
        if (!(b->data[i] = util_read_plain_at(dfd, files[i].name, files[i].max, &b->len[i], err,
                                              errlen)))
            rc = -1;
    close(dfd);
    if (rc < 0)
        bundle_free(b);
    return rc;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* A text value of the manifest (json path), or "" when absent. */
static int manifest_get(struct store *st, const char *manifest, const char *jpath, char *out,
                        size_t size)
{
    sqlite3_stmt *q = store_prepare(st, "SELECT json_extract(?1, ?2) WHERE json_valid(?1)");
    if (!q)
        return -1;
    sqlite3_bind_text(q, 1, manifest, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, jpath, -1, SQLITE_STATIC);
    out[0] = 0;
    int found = 0;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
        util_strlcpy(out, (const char *)sqlite3_column_text(q, 0), size);
        found = 1;
    }
    sqlite3_finalize(q);
    return found;
}

/* Signature, format and the files' sizes and hashes.  0, or -1 with err. */
static int verify(struct store *st, const struct config *cfg, struct bundle *b, int64_t *counter,
                  enum content_import_reason *why, char *err, size_t errlen)
{
    *why = CONTENT_REASON_NO_KEY;
    struct identity_pub pk;
    if (!cfg->centre_public_key[0]) {
        util_seterr(err, errlen, "[centre] public_key is not set: this kiosk cannot tell a"
                                 " genuine content bundle");
        return -1;
    }
    if (identity_pub_parse(cfg->centre_public_key, &pk) < 0) {
        util_seterr(err, errlen, "[centre] public_key is not an Ed25519 public key");
        return -1;
    }
    size_t sl = b->len[F_SIG];
    while (sl && (b->data[F_SIG][sl - 1] == '\n' || b->data[F_SIG][sl - 1] == '\r'))
        sl--;
    if (!identity_verify_text(&pk, b->data[F_MANIFEST], b->len[F_MANIFEST], b->data[F_SIG], sl)) {
        util_seterr(err, errlen, "the bundle's signature is not the centre's (key %s): it was"
                                 " changed or made elsewhere", pk.id);
        *why = CONTENT_REASON_SIGNATURE;
        return -1;
    }
    *why = CONTENT_REASON_FORMAT;
    char v[128];
    const char *m = b->data[F_MANIFEST];
    if (manifest_get(st, m, "$.format", v, sizeof v) != 1 || strcmp(v, CONTENT_BUNDLE_FORMAT)) {
        util_seterr(err, errlen, "the bundle is of another format (%s), not " CONTENT_BUNDLE_FORMAT,
                    v[0] ? v : "none");
        return -1;
    }
    if (manifest_get(st, m, "$.counter", v, sizeof v) != 1) {
        util_seterr(err, errlen, "the manifest has no counter");
        return -1;
    }
    *counter = strtoll(v, NULL, 10);
    *why = CONTENT_REASON_SIGNATURE; /* a file the signed manifest does not describe */
    for (int i = F_ROWS; i <= F_HALLS; i++) {
        char jp[96], want[80], hex[65];
        snprintf(jp, sizeof jp, "$.files.\"%s\".sha256", files[i].name);
        int h = manifest_get(st, m, jp, want, sizeof want);
        snprintf(jp, sizeof jp, "$.files.\"%s\".bytes", files[i].name);
        int s = manifest_get(st, m, jp, v, sizeof v);
        sha256_hex(b->data[i], b->len[i], hex);
        if (h != 1 || s != 1 || strtoll(v, NULL, 10) != (long long)b->len[i] ||
            strcmp(want, hex)) {
            util_seterr(err, errlen, "%s does not match the signed manifest", files[i].name);
            return -1;
        }
    }
    *why = CONTENT_REASON_NONE;
    return 0;
}

/* The hall and the halls above it, from halls.jsonl.  Returns how many (0: district
 * only, no hall), or -1 when hall is not in the bundle's registry. */
static int ancestry(struct store *st, const struct bundle *b, const char *hall,
                    char (*out)[40], int max)
{
    if (!hall[0])
        return 0;
    sqlite3_stmt *q = store_prepare(st, "SELECT json_extract(?1, '$.hall_id'),"
                                        " json_extract(?1, '$.parent_id') WHERE json_valid(?1)");
    if (!q)
        return -1;
    int n = 0;
    util_strlcpy(out[n++], hall, sizeof out[0]);
    for (int depth = 0; depth < max - 1; depth++) {
        const char *want = out[n - 1], *parent = NULL;
        int found = 0;
        char pbuf[40] = "";
        for (const char *line = b->data[F_HALLS]; *line && !found;) {
            const char *nl = strchr(line, '\n');
            size_t ll = nl ? (size_t)(nl - line) : strlen(line);
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, line, (int)ll, SQLITE_STATIC);
            if (sqlite3_step(q) == SQLITE_ROW) {
                const char *id = (const char *)sqlite3_column_text(q, 0);
                if (id && !strcmp(id, want)) {
                    found = 1;
                    const char *p = (const char *)sqlite3_column_text(q, 1);
                    if (p && *p)
                        util_strlcpy(pbuf, p, sizeof pbuf), parent = pbuf;
                }
            }
            line = nl ? nl + 1 : line + ll;
        }
        if (!found) {
            sqlite3_finalize(q);
            return depth == 0 ? -1 : n; /* the hall itself must be known */
        }
        if (!parent)
            break;
        util_strlcpy(out[n++], parent, sizeof out[0]);
    }
    sqlite3_finalize(q);
    return n;
}

/* Applies the rows for the hall (targets in halls[0..nh) or the district) as a full
 * snapshot.  0 or -1 with err. */
static int apply_rows(struct store *st, const struct bundle *b, char (*halls)[40], int nh,
                      int64_t counter, int64_t now_ms, struct content_import_result *res,
                      char *err, size_t errlen)
{
    sqlite3_stmt *q = store_prepare(
        st, "SELECT json_extract(?1, '$.kind'), coalesce(json_extract(?1, '$.target'), ''),"
            " json_extract(?1, '$.id'), json_extract(?1, '$.counter'),"
            " json_extract(?1, '$.withdrawn'), json_extract(?1, '$.data') WHERE json_valid(?1)");
    if (!q)
        return -1;
    if (apply_begin_full(st, err, errlen) < 0) {
        sqlite3_finalize(q);
        return -1;
    }
    struct apply_row rows[PAGE_ROWS];
    char *keep[PAGE_ROWS][3];
    int n = 0, rc = 0;
    struct apply_stats stats = {0};
    const char *line = b->data[F_ROWS];
    for (;;) {
        int end = !*line;
        if (!end) {
            const char *nl = strchr(line, '\n');
            size_t ll = nl ? (size_t)(nl - line) : strlen(line);
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, line, (int)ll, SQLITE_STATIC);
            line = nl ? nl + 1 : line + ll;
            if (sqlite3_step(q) != SQLITE_ROW)
                continue; /* a blank or damaged line: signed, so the centre wrote it so */
            const char *target = (const char *)sqlite3_column_text(q, 1);
            int mine = !target || !*target;
            for (int i = 0; !mine && i < nh; i++)
                mine = !strcmp(target, halls[i]);
            if (!mine)
                continue;
            for (int k = 0; k < 3; k++) {
                const char *t = (const char *)sqlite3_column_text(q, k == 0 ? 0 : k == 1 ? 2 : 5);
                keep[n][k] = strdup(t ? t : "");
                if (!keep[n][k])
                    abort();
            }
            rows[n] = (struct apply_row){keep[n][0], keep[n][1], sqlite3_column_int64(q, 3),
                                         sqlite3_column_int(q, 4), keep[n][2]};
            n++;
            res->rows++;
        }
        if (n == PAGE_ROWS || (end && n >= 0)) {
            /* The last page carries the bundle's counter, even when no row is this
             * hall's: the kiosk then has this bundle. */
            int64_t reached = end ? counter : rows[n - 1].counter;
            rc = apply_page(st, rows, n, reached, now_ms, &stats, err, errlen);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < 3; k++)
                    free(keep[i][k]);
            n = 0;
            if (rc < 0 || end)
                break;
        }
    }
    sqlite3_finalize(q);
    if (rc < 0)
        return -1;
    long removed = apply_finish_full(st, err, errlen);
    if (removed < 0)
        return -1;
    res->changed = stats.changed;
    res->withdrawn = stats.withdrawn;
    res->removed = removed;
    return 0;
}

int content_import(struct store *st, const struct config *cfg, const char *path,
                   int64_t now_ms, struct content_import_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    res->status = CONTENT_IMPORT_REFUSED;
    struct bundle b;
    if (read_bundle(path, &b, err, errlen) < 0) {
        res->reason = CONTENT_REASON_FILES;
        return -1;
    }
    int rc = -1;
    if (verify(st, cfg, &b, &res->counter, &res->reason, err, errlen) < 0)
        goto out;
    res->had = apply_counter(st);
    if (res->had < 0) {
        res->status = CONTENT_IMPORT_DB;
        res->reason = CONTENT_REASON_DB;
        util_seterr(err, errlen, "%s", sqlite3_errmsg(store_db(st)));
        goto out;
    }
    if (res->counter <= res->had && !apply_full_pending(st)) {
        res->status = CONTENT_IMPORT_NOT_NEWER;
        rc = 0;
        goto out;
    }
    /* The hall: as configured, else as the registry said at the last pull. */
    char hall[40] = "";
    util_strlcpy(hall, cfg->kiosk_hall_id, sizeof hall);
    if (!hall[0] && store_meta_get(st, PULL_HALL_KEY, hall, sizeof hall) != 0)
        hall[0] = 0;
    char halls[MAX_HALL_DEPTH][40];
    int nh = ancestry(st, &b, hall, halls, MAX_HALL_DEPTH);
    if (nh < 0) {
        util_seterr(err, errlen, "the hall %s ([kiosk] hall_id) is not in this bundle's registry",
                    hall);
        res->reason = CONTENT_REASON_HALL;
        goto out;
    }
    util_strlcpy(res->hall_id, hall, sizeof res->hall_id);
    if (apply_rows(st, &b, halls, nh, res->counter, now_ms, res, err, errlen) < 0) {
        res->status = CONTENT_IMPORT_DB;
        res->reason = CONTENT_REASON_DB;
        goto out;
    }
    res->status = CONTENT_IMPORT_APPLIED;
    char what[128];
    snprintf(what, sizeof what, "counter %lld: %ld changed, %ld withdrawn, %ld removed",
             (long long)res->counter, res->changed, res->withdrawn, res->removed);
    store_event(st, now_ms, "content_import", what);
    rc = 0;
out:
    if (rc < 0 && res->status == CONTENT_IMPORT_REFUSED)
        store_event(st, now_ms, "content_import", "refused");
    bundle_free(&b);
    return rc;
}

const char *content_import_reason_text(enum content_import_reason r, int zh)
{
    switch (r) {
    case CONTENT_REASON_NONE: return "";
    case CONTENT_REASON_NO_KEY: return zh ? "本机没有配置中心的公钥" : "this kiosk has no centre key configured";
    case CONTENT_REASON_SIGNATURE: return zh ? "内容包不是中心签发的，或者被改动过" : "the bundle is not the centre's, or was changed";
    case CONTENT_REASON_FILES: return zh ? "内容包不完整，或含有不该有的文件" : "the bundle is incomplete or holds files it should not";
    case CONTENT_REASON_FORMAT: return zh ? "内容包的格式不对" : "the bundle is of another format";
    case CONTENT_REASON_HALL: return zh ? "本机的站点编号不在内容包里" : "this kiosk's hall is not in the bundle";
    case CONTENT_REASON_DB: return zh ? "本机数据库写入失败" : "the kiosk database could not be written";
    }
    return "";
}

int content_bundle_find(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    long long best = -1;
    char best_name[256] = "";
    struct dirent *e;
    size_t plen = strlen(CONTENT_BUNDLE_PREFIX);
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, CONTENT_BUNDLE_PREFIX, plen) != 0)
            continue;
        char *end;
        long long c = strtoll(e->d_name + plen, &end, 10);
        if (end == e->d_name + plen || *end != '-')
            continue;
        if (c > best || (c == best && strcmp(e->d_name, best_name) > 0)) {
            best = c;
            util_strlcpy(best_name, e->d_name, sizeof best_name);
        }
    }
    closedir(d);
    if (best < 0)
        return 0;
    snprintf(out, size, "%s/%s", dir, best_name);
    return 1;
}
