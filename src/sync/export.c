/* export — see export.h.  A bundle is built in `<name>.tmp/` and appears under its final
 * name only once every byte of it is on the drive; the database is touched only after
 * that, so a record is never marked collected without a complete bundle holding it.
 *
 * Cost: one pass over the uncollected rows inside a single read transaction (WAL: the
 * kiosk keeps writing meanwhile, new rows simply wait for the next bundle), file data
 * hashed while it is written, four fsyncs of files and two of directories. */
#include "sync/export.h"

#include "core/config.h"
#include "core/util.h"
#include "core/version.h"
#include "receipt/sign.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define META_SEQ_KEY "export_seq" /* "YYYYMMDD N": the last number used on that day */
#define PROGRESS_EVERY 200
/* The records a bundle takes: not collected yet, and not quarantined (the centre refused
 * those; they stay on the kiosk for staff, sync/upload.h). */
#define UNCOLLECTED "collected_at IS NULL AND quarantined_at IS NULL"

/* The record kinds of the product; the manifest lists each (0 when none) so a reader
 * at the centre need not guess whether a missing key means zero. */
static const char *const known_kinds[] = {"registration",      "checkin",      "job_interest",
                                          "training_signup",   "consultation", "queue_ticket",
                                          "training_waitlist", "study_view"};

static const char *const bundle_files[] = {"records.jsonl", "events.jsonl", "manifest.json",
                                           "SHA256SUMS", BUNDLE_SIGNATURE_FILE};


/* One file of the bundle being written: buffered, hashed as it goes, fsync'd at close. */
struct wfile {
    int fd;
    int err;                /* errno of the first failure; later writes are no-ops */
    crypto_hash_sha256_state sha;
    int64_t *budget;        /* test hook: bytes the "drive" still takes, or NULL */
    size_t used;
    char buf[1 << 16];
};

struct exporter {
    struct store *st;
    const struct export_keys *keys;
    const struct export_opts *opts;
    struct export_result *res;
    char tmp[4200];         /* target/<name>.tmp */
    int64_t budget;
    int done, total;
    char *err;
    size_t errlen;
};

static enum export_status status_from_errno(int e)
{
    switch (e) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return EXPORT_NO_SPACE;
    case EROFS:
    case EACCES:
    case EPERM:
        return EXPORT_READ_ONLY;
    case ENOENT:
    case ENOTDIR:
    case ENODEV:
    case ENXIO:
        return EXPORT_NO_TARGET;
    default:
        return EXPORT_IO;
    }
}

const char *export_status_text(enum export_status status, int zh)
{
    switch (status) {
    case EXPORT_OK: return zh ? "导出完成" : "Export complete";
    case EXPORT_NOTHING: return zh ? "没有新的记录需要导出" : "Nothing new to export";
    case EXPORT_NO_TARGET:
        return zh ? "找不到U盘，请插入后重试" : "The drive is not there; insert it and try again";
    case EXPORT_NO_SPACE:
        return zh ? "U盘空间不足，请换一个U盘" : "The drive is full; use another drive";
    case EXPORT_READ_ONLY:
        return zh ? "U盘处于只读状态，无法写入" : "The drive is read-only";
    case EXPORT_IO:
        return zh ? "写入U盘出错，记录未标记，请重试" : "Writing to the drive failed; nothing was marked, try again";
    case EXPORT_DB: return zh ? "读取本机记录出错" : "The kiosk database could not be read";
    case EXPORT_CANCELLED: return zh ? "导出已取消" : "Export cancelled";
    case EXPORT_NO_KEY:
        return zh ? "缺少签名密钥或中心公钥，无法安全导出，请联系工作人员"
                  : "No signing key or centre key: nothing can be exported safely; call the technician";
    }
    return "?";
}

/* ---- files ---------------------------------------------------------------------- */

static int wfile_open(struct wfile *w, const char *path, int64_t *budget)
{
    memset(w, 0, offsetof(struct wfile, buf));
    w->budget = budget;
    crypto_hash_sha256_init(&w->sha);
    /* Private: the stick may be plugged into a machine other people use. */
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        w->err = errno;
        return -1;
    }
    return 0;
}

static void wfile_flush(struct wfile *w)
{
    const char *p = w->buf;
    size_t n = w->used;
    w->used = 0;
    if (w->err)
        return;
    if (w->budget && *w->budget >= 0 && (int64_t)n > *w->budget) {
        n = (size_t)*w->budget;
        w->err = ENOSPC;
    }
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            w->err = errno;
            return;
        }
        p += k;
        n -= (size_t)k;
        if (w->budget && *w->budget >= 0)
            *w->budget -= k;
    }
}

static void wfile_write(struct wfile *w, const char *s, size_t n)
{
    if (w->err)
        return;
    crypto_hash_sha256_update(&w->sha, (const unsigned char *)s, n);
    while (n > 0) {
        size_t room = sizeof w->buf - w->used;
        size_t k = n < room ? n : room;
        memcpy(w->buf + w->used, s, k);
        w->used += k;
        s += k;
        n -= k;
        if (w->used == sizeof w->buf)
            wfile_flush(w);
    }
}

/* Flushes, fsyncs and closes; writes the lowercase hex SHA-256 of everything written.
 * Returns 0, or -1 with w->err set.  The descriptor is closed either way: close() can
 * report a delayed write error on removable media, so its result counts too. */
static int wfile_close(struct wfile *w, char hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    if (w->fd < 0)
        return -1;
    wfile_flush(w);
    if (!w->err && fsync(w->fd) < 0)
        w->err = errno;
    if (close(w->fd) < 0 && !w->err)
        w->err = errno;
    w->fd = -1;
    crypto_hash_sha256_final(&w->sha, digest);
    sodium_bin2hex(hex, 65, digest, sizeof digest);
    return w->err ? -1 : 0;
}

static void wfile_abandon(struct wfile *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}

/* fsync on a directory makes a create or rename in it durable.  A file system that does
 * not support it (EINVAL) gives no stronger guarantee we could ask for: not an error. */
static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc < 0 && e != EINVAL && e != ENOTSUP) {
        errno = e;
        return -1;
    }
    return 0;
}

/* Best effort: a pulled drive cannot be cleaned, and that must not hide the real error. */
static void remove_bundle_dir(const char *dir)
{
    char p[4400];
    for (size_t i = 0; i < ARRAY_LEN(bundle_files); i++) {
        snprintf(p, sizeof p, "%s/%s", dir, bundle_files[i]);
        unlink(p);
    }
    rmdir(dir);
}

static int path_exists(const char *p)
{
    struct stat sb;
    return lstat(p, &sb) == 0;
}

/* ---- naming ----------------------------------------------------------------------- */

/* Kiosk ids come from a config file; keep only what every file system (FAT on a USB
 * stick included) takes in a name. */
static void safe_name(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (; *in && k + 1 < size; in++) {
        unsigned char c = (unsigned char)*in;
        out[k++] = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_')
                       ? (char)c
                       : '_';
    }
    if (k == 0 && size > 1)
        out[k++] = 'K';
    out[k] = 0;
}

/* Picks and records the next bundle name of the day.  The number is taken before any
 * byte is written, so a failed or deleted bundle never has its name reused. */
static int reserve_name(struct exporter *x, const char *target, int64_t now_ms)
{
    char day[16], id[64], meta[64], want[64] = "";
    long n = 0;
    util_time_local(now_ms, "%Y%m%d", day, sizeof day);
    safe_name(store_kiosk_id(x->st), id, sizeof id);
    int rc = store_meta_get(x->st, META_SEQ_KEY, meta, sizeof meta);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        char d[16];
        long last;
        if (sscanf(meta, "%15s %ld", d, &last) == 2 && strcmp(d, day) == 0 && last > 0)
            n = last;
    }
    for (;;) {
        n++;
        snprintf(x->res->bundle, sizeof x->res->bundle, "%s-%s-%03ld", id, day, n);
        snprintf(x->res->path, sizeof x->res->path, "%s/%s", target, x->res->bundle);
        snprintf(x->tmp, sizeof x->tmp, "%s.tmp", x->res->path);
        if (!path_exists(x->res->path) && !path_exists(x->tmp))
            break;
    }
    snprintf(want, sizeof want, "%s %ld", day, n);
    return store_meta_set(x->st, META_SEQ_KEY, want);
}

/* ---- the bundle ------------------------------------------------------------------ */

static int cancelled(const struct exporter *x)
{
    return x->opts->cancel && __atomic_load_n(x->opts->cancel, __ATOMIC_RELAXED);
}

static void tick(struct exporter *x)
{
    x->done++;
    if (x->opts->progress && x->done % PROGRESS_EVERY == 0)
        x->opts->progress(x->opts->ctx, x->done < x->total ? x->done : x->total, x->total);
}

struct summary {
    int records, events;
    int64_t first_seq, last_seq, first_event, last_event;
    char first_at[32], last_at[32];
    struct strbuf counts;   /* "\"kind\": n, …" for the manifest */
};

static const char *col(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    return v ? v : "";
}

/* Inside the read transaction: sizes, spans and counts of what is about to be written. */
static int summarise(struct exporter *x, struct summary *sum)
{
    sqlite3_stmt *s = store_prepare(
        x->st, "SELECT count(*), min(seq), max(seq), min(created_at), max(created_at)"
               " FROM records WHERE " UNCOLLECTED);
    if (!s || sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return -1;
    }
    sum->records = sqlite3_column_int(s, 0);
    sum->first_seq = sqlite3_column_int64(s, 1);
    sum->last_seq = sqlite3_column_int64(s, 2);
    util_strlcpy(sum->first_at, col(s, 3), sizeof sum->first_at);
    util_strlcpy(sum->last_at, col(s, 4), sizeof sum->last_at);
    sqlite3_finalize(s);

    s = store_prepare(x->st, "SELECT count(*), min(seq), max(seq) FROM events"
                             " WHERE collected_at IS NULL");
    if (!s || sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return -1;
    }
    sum->events = sqlite3_column_int(s, 0);
    sum->first_event = sqlite3_column_int64(s, 1);
    sum->last_event = sqlite3_column_int64(s, 2);
    sqlite3_finalize(s);

    s = store_prepare(x->st, "SELECT kind, count(*) FROM records WHERE " UNCOLLECTED
                             " GROUP BY kind");
    if (!s)
        return -1;
    int counts[ARRAY_LEN(known_kinds)] = {0};
    struct strbuf other = {0};
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k = col(s, 0);
        size_t i = 0;
        while (i < ARRAY_LEN(known_kinds) && strcmp(k, known_kinds[i]) != 0)
            i++;
        if (i < ARRAY_LEN(known_kinds)) {
            counts[i] = sqlite3_column_int(s, 1);
        } else {
            strbuf_add(&other, ", ");
            strbuf_add_json_str(&other, k);
            strbuf_addf(&other, ": %d", sqlite3_column_int(s, 1));
        }
    }
    sqlite3_finalize(s);
    for (size_t i = 0; i < ARRAY_LEN(known_kinds); i++)
        strbuf_addf(&sum->counts, "%s\"%s\": %d", i ? ", " : "", known_kinds[i], counts[i]);
    if (other.len)
        strbuf_add(&sum->counts, other.buf);
    strbuf_free(&other);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The SELECT that gives, per uncollected record, its bundle line with only the clear
 * fields, and the JSON of the rest (or, for fields that are not JSON, the whole text as
 * a JSON string). */
static void records_sql(struct strbuf *sql)
{
    struct strbuf personal = {0}, clear = {0};
    store_fields_sql(&personal, "fields", 1);
    store_fields_sql(&clear, "fields", 0);
    strbuf_addf(sql,
                "WITH r AS (SELECT seq, uuid, kiosk_id, kind, created_at, local_date, fields,"
                " json_valid(fields) AS ok,"
                " CASE WHEN json_valid(fields) THEN %s END AS personal"
                " FROM records WHERE " UNCOLLECTED ")"
                " SELECT json_object('uuid', uuid, 'kiosk_id', kiosk_id, 'kind', kind,"
                " 'created_at', created_at, 'local_date', local_date, 'seq', seq, 'fields',"
                " CASE WHEN ok THEN %s END),"
                " CASE WHEN NOT ok THEN json_quote(fields) WHEN personal <> '{}' THEN personal END"
                " FROM r ORDER BY seq",
                personal.buf, clear.buf);
    strbuf_free(&personal);
    strbuf_free(&clear);
}

static int write_records(struct exporter *x, struct wfile *w)
{
    struct strbuf sql = {0};
    records_sql(&sql);
    sqlite3_stmt *s = store_prepare(x->st, sql.buf);
    strbuf_free(&sql);
    if (!s)
        return -1;
    struct strbuf line = {0};
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && !w->err && !cancelled(x)) {
        const char *obj = col(s, 0);
        size_t n = strlen(obj);
        strbuf_reset(&line);
        if (sqlite3_column_type(s, 1) == SQLITE_NULL || n < 2) {
            strbuf_add(&line, obj);
        } else {
            const char *personal = col(s, 1);
            char *sealed = identity_seal(&x->keys->centre, personal, strlen(personal));
            if (!sealed) {
                rc = SQLITE_ERROR;
                break;
            }
            strbuf_addn(&line, obj, n - 1); /* the object without its closing brace */
            strbuf_add(&line, ",\"sealed\":\"");
            strbuf_add(&line, sealed);
            strbuf_add(&line, "\"}");
            free(sealed);
        }
        strbuf_add(&line, "\n");
        wfile_write(w, line.buf, line.len);
        x->res->records++;
        tick(x);
    }
    sqlite3_finalize(s);
    strbuf_free(&line); /* wiped: it held personal data */
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int write_events(struct exporter *x, struct wfile *w)
{
    sqlite3_stmt *s = store_prepare(x->st, "SELECT seq, at, kind, detail FROM events"
                                           " WHERE collected_at IS NULL ORDER BY seq");
    if (!s)
        return -1;
    struct strbuf line = {0};
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && !w->err && !cancelled(x)) {
        strbuf_reset(&line);
        strbuf_addf(&line, "{\"seq\":%lld,\"at\":", (long long)sqlite3_column_int64(s, 0));
        strbuf_add_json_str(&line, col(s, 1));
        strbuf_add(&line, ",\"kind\":");
        strbuf_add_json_str(&line, col(s, 2));
        strbuf_add(&line, ",\"detail\":");
        strbuf_add_json_str(&line, col(s, 3));
        strbuf_add(&line, "}\n");
        wfile_write(w, line.buf, line.len);
        x->res->events++;
        tick(x);
    }
    sqlite3_finalize(s);
    strbuf_free(&line);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void build_manifest(struct exporter *x, const struct summary *sum, int64_t now_ms,
                           const int64_t sizes[2], struct strbuf *m)
{
    char created[32];
    util_time_utc(now_ms, created);
    strbuf_add(m, "{\n  \"format\": \"" BUNDLE_FORMAT "\",\n  \"bundle\": ");
    strbuf_add_json_str(m, x->res->bundle);
    strbuf_add(m, ",\n  \"kiosk_id\": ");
    strbuf_add_json_str(m, store_kiosk_id(x->st));
    strbuf_add(m, ",\n  \"kiosk_version\": ");
    strbuf_add_json_str(m, version_string());
    strbuf_addf(m, ",\n  \"created_at\": \"%s\",\n  \"schema_version\": %d,\n", created,
                STORE_SCHEMA_VERSION);
    strbuf_addf(m, "  \"signed_by\": \"%s\",\n  \"sealed_to\": \"%s\",\n",
                identity_key_id(x->keys->kiosk), x->keys->centre.id);
    strbuf_addf(m, "  \"record_count\": %d,\n  \"event_count\": %d,\n", x->res->records,
                x->res->events);
    strbuf_addf(m, "  \"counts\": {%s},\n", sum->counts.buf ? sum->counts.buf : "");
    strbuf_add(m, "  \"time_span\": {\"first\": ");
    strbuf_add_json_str(m, sum->first_at);
    strbuf_add(m, ", \"last\": ");
    strbuf_add_json_str(m, sum->last_at);
    strbuf_addf(m, "},\n  \"seq_range\": {\"first\": %lld, \"last\": %lld},\n",
                (long long)sum->first_seq, (long long)sum->last_seq);
    strbuf_addf(m, "  \"event_seq_range\": {\"first\": %lld, \"last\": %lld},\n",
                (long long)sum->first_event, (long long)sum->last_event);
    strbuf_addf(m,
                "  \"files\": [{\"name\": \"records.jsonl\", \"bytes\": %lld},"
                " {\"name\": \"events.jsonl\", \"bytes\": %lld},"
                " {\"name\": \"manifest.json\"}, {\"name\": \"SHA256SUMS\"},"
                " {\"name\": \"" BUNDLE_SIGNATURE_FILE "\"}]\n}\n",
                (long long)sizes[0], (long long)sizes[1]);
}

/* Writes one whole small file into the bundle.  Returns 0 or -1 with errno. */
static int write_small(struct exporter *x, const char *name, const char *data, size_t n,
                       char hex[65], struct wfile *w)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", x->tmp, name);
    if (wfile_open(w, path, x->opts->fail_after_bytes ? &x->budget : NULL) == 0)
        wfile_write(w, data, n);
    if (wfile_close(w, hex) < 0) {
        errno = w->err;
        return -1;
    }
    return 0;
}

static int fail_io(struct exporter *x, int e, const char *what)
{
    x->res->status = status_from_errno(e);
    util_seterr(x->err, x->errlen, "%s %s: %s; nothing was marked collected", what, x->tmp,
            strerror(e));
    x->res->bundle[0] = x->res->path[0] = 0;
    return -1;
}

/* Marks exactly the rows of the snapshot: seq ranges bound them, and records and events
 * only ever get higher seqs than those already committed. */
static int mark_collected(struct exporter *x, const struct summary *sum, int64_t now_ms)
{
    char at[32];
    util_time_utc(now_ms, at);
    if (store_begin(x->st) < 0)
        return -1;
    sqlite3_stmt *s = store_prepare(x->st, "UPDATE records SET collected_at=?, bundle=?"
                                           " WHERE " UNCOLLECTED " AND seq BETWEEN ? AND ?");
    int ok = s != NULL;
    if (ok) {
        sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, x->res->bundle, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, sum->first_seq);
        sqlite3_bind_int64(s, 4, sum->last_seq);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (ok && x->res->events > 0) {
        s = store_prepare(x->st, "UPDATE events SET collected_at=?"
                                 " WHERE collected_at IS NULL AND seq BETWEEN ? AND ?");
        ok = s != NULL;
        if (ok) {
            sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, sum->first_event);
            sqlite3_bind_int64(s, 3, sum->last_event);
            ok = sqlite3_step(s) == SQLITE_DONE;
        }
        sqlite3_finalize(s);
    }
    if (!ok || store_commit(x->st) < 0) {
        fprintf(stderr, "export: marking failed: %s\n", sqlite3_errmsg(store_db(x->st)));
        store_rollback(x->st);
        return -1;
    }
    return 0;
}

int export_keys_load(const struct config *cfg, struct store *st, struct export_keys *keys,
                     char *err, size_t errlen)
{
    memset(keys, 0, sizeof *keys);
    enum sign_identity_state state;
    if (sign_identity_open(cfg->data_dir, st, 0, &keys->kiosk, &state, err, errlen) < 0)
        return -1;
    if (!cfg->centre_public_key[0] ||
        identity_pub_parse(cfg->centre_public_key, &keys->centre) < 0) {
        util_seterr(err, errlen, "[centre] public_key is not set: the personal fields of a"
                                 " bundle are sealed to it, so nothing can be exported");
        return -1;
    }
    keys->has_centre = 1;
    return 0;
}

void export_keys_clear(struct export_keys *keys)
{
    identity_free(keys->kiosk);
    memset(keys, 0, sizeof *keys);
}

/* SIGNATURE: the kiosk's signature of the format, its id and the checksum list. */
static int write_signature(struct exporter *x, const char *sums, size_t n, struct wfile *w)
{
    struct strbuf msg = {0}, line = {0};
    strbuf_addf(&msg, BUNDLE_FORMAT "\n%s\n", store_kiosk_id(x->st));
    strbuf_addn(&msg, sums, n);
    char sig[IDENTITY_SIG_TEXT], hex[65];
    identity_sign_text(x->keys->kiosk, msg.buf, msg.len, sig);
    strbuf_addf(&line, BUNDLE_SIGNATURE_MAGIC " %s %s %s\n", store_kiosk_id(x->st),
                identity_key_id(x->keys->kiosk), sig);
    int rc = write_small(x, BUNDLE_SIGNATURE_FILE, line.buf, line.len, hex, w);
    strbuf_free(&msg);
    strbuf_free(&line);
    return rc;
}

int export_bundle(struct store *st, const struct export_keys *keys, const char *target_dir,
                  int64_t now_ms, struct export_result *res, export_progress_fn progress,
                  void *ctx, char *err, size_t errlen)
{
    struct export_opts o = {.progress = progress, .ctx = ctx};
    return export_bundle_ex(st, keys, target_dir, now_ms, &o, res, err, errlen);
}

int export_bundle_ex(struct store *st, const struct export_keys *keys, const char *target_dir,
                     int64_t now_ms, const struct export_opts *opts, struct export_result *res,
                     char *err, size_t errlen)
{
    static const struct export_opts no_opts;
    struct exporter x = {.st = st, .keys = keys, .opts = opts ? opts : &no_opts, .res = res,
                         .err = err, .errlen = errlen};
    struct summary sum = {0};
    struct wfile *w = NULL;
    char hex[3][65], sums[512];
    int64_t sizes[2];
    struct strbuf manifest = {0};
    struct stat sb;
    int in_read = 0;

    memset(res, 0, sizeof *res);
    if (err && errlen)
        err[0] = 0;
    x.budget = x.opts->fail_after_bytes ? x.opts->fail_after_bytes : -1;
    if (!keys || !keys->kiosk || !keys->has_centre) {
        res->status = EXPORT_NO_KEY;
        util_seterr(err, errlen, "%s", !keys || !keys->kiosk
                                           ? "the kiosk has no signing key: nothing was exported"
                                           : "[centre] public_key is not set: nothing was exported");
        return -1;
    }
    if (sodium_init() < 0) {
        res->status = EXPORT_IO;
        util_seterr(err, errlen, "the hashing library could not start");
        return -1;
    }
    if (strlen(target_dir) > 3800) {
        res->status = EXPORT_NO_TARGET;
        util_seterr(err, errlen, "the target folder's path is too long");
        return -1;
    }
    if (stat(target_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        res->status = EXPORT_NO_TARGET;
        util_seterr(err, errlen, "%s: no such folder (is the drive inserted?)", target_dir);
        return -1;
    }
    if (!sqlite3_get_autocommit(store_db(st))) {
        res->status = EXPORT_DB;
        util_seterr(err, errlen, "the kiosk database is in the middle of another change");
        return -1;
    }

    /* A cheap look first, so an empty export uses up no bundle number. */
    sqlite3_stmt *q = store_prepare(st, "SELECT EXISTS(SELECT 1 FROM records"
                                        " WHERE " UNCOLLECTED ")");
    int any = -1;
    if (q && sqlite3_step(q) == SQLITE_ROW)
        any = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (any < 0)
        goto db_fail;
    if (any == 0) {
        res->status = EXPORT_NOTHING;
        util_seterr(err, errlen, "nothing new to export");
        return 0;
    }

    if (reserve_name(&x, target_dir, now_ms) < 0)
        goto db_fail;
    if (mkdir(x.tmp, 0700) < 0)
        return fail_io(&x, errno, "cannot create");

    /* One read transaction: the rows written are exactly the rows the summary counted
     * and the seq ranges later marked. */
    if (store_exec(st, "BEGIN") < 0)
        goto db_fail_tmp;
    in_read = 1;
    if (summarise(&x, &sum) < 0)
        goto db_fail_tmp;
    if (sum.records == 0) { /* collected by someone else since the first look */
        store_exec(st, "COMMIT");
        remove_bundle_dir(x.tmp);
        strbuf_free(&sum.counts);
        res->bundle[0] = res->path[0] = 0;
        res->status = EXPORT_NOTHING;
        util_seterr(err, errlen, "nothing new to export");
        return 0;
    }
    x.total = sum.records + sum.events;

    w = malloc(sizeof *w);
    if (!w)
        abort();
    char path[4400];
    int64_t *budget = x.opts->fail_after_bytes ? &x.budget : NULL;
    static const char *const data_files[2] = {"records.jsonl", "events.jsonl"};
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "%s/%s", x.tmp, data_files[f]);
        if (wfile_open(w, path, budget) == 0) {
            if ((f == 0 ? write_records(&x, w) : write_events(&x, w)) < 0) {
                wfile_abandon(w);
                goto db_fail_tmp;
            }
        }
        if (cancelled(&x)) {
            wfile_abandon(w);
            goto cancel;
        }
        int e = w->err;
        if (wfile_close(w, hex[f]) < 0) {
            e = e ? e : w->err;
            store_exec(st, "COMMIT");
            remove_bundle_dir(x.tmp);
            free(w);
            strbuf_free(&sum.counts);
            return fail_io(&x, e, "cannot write the bundle");
        }
        sizes[f] = 0;
        if (stat(path, &sb) == 0)
            sizes[f] = sb.st_size;
    }
    store_exec(st, "COMMIT"); /* ends the read; nothing was written to the database */
    in_read = 0;
    if (res->records != sum.records || res->events != sum.events)
        goto db_fail_tmp; /* cannot happen within one snapshot; refuse rather than guess */
    res->first_seq = sum.first_seq;
    res->last_seq = sum.last_seq;

    build_manifest(&x, &sum, now_ms, sizes, &manifest);
    if (write_small(&x, "manifest.json", manifest.buf, manifest.len, hex[2], w) < 0)
        goto io_fail;
    int n = snprintf(sums, sizeof sums, "%s  records.jsonl\n%s  events.jsonl\n%s  manifest.json\n",
                     hex[0], hex[1], hex[2]);
    char sums_hex[65];
    if (write_small(&x, "SHA256SUMS", sums, (size_t)n, sums_hex, w) < 0 ||
        write_signature(&x, sums, (size_t)n, w) < 0)
        goto io_fail;
    if (fsync_dir(x.tmp) < 0)
        goto io_fail;
    if (cancelled(&x))
        goto cancel;
    if (rename(x.tmp, res->path) < 0)
        goto io_fail;
    if (fsync_dir(target_dir) < 0) {
        int e = errno;
        remove_bundle_dir(res->path);
        errno = e;
        goto io_fail;
    }

    if (mark_collected(&x, &sum, now_ms) < 0) {
        /* No bundle may exist for rows that stay uncollected: they will go into the next
         * one, and two bundles with the same rows would only confuse the staff. */
        remove_bundle_dir(res->path);
        res->status = EXPORT_DB;
        util_seterr(err, errlen, "the bundle was written but the records could not be marked; "
                             "it was removed, try again");
        goto out_fail;
    }
    char detail[256];
    snprintf(detail, sizeof detail, "%s records=%d events=%d", res->bundle, res->records,
             res->events);
    store_event(st, now_ms, "export", detail);
    if (x.opts->progress)
        x.opts->progress(x.opts->ctx, x.total, x.total);
    res->status = EXPORT_OK;
    free(w);
    strbuf_free(&manifest);
    strbuf_free(&sum.counts);
    return 0;

io_fail: {
        int e = errno;
        remove_bundle_dir(x.tmp);
        free(w);
        strbuf_free(&manifest);
        strbuf_free(&sum.counts);
        return fail_io(&x, e, "cannot write the bundle");
    }
cancel:
    if (in_read)
        store_exec(st, "COMMIT");
    remove_bundle_dir(x.tmp);
    res->status = EXPORT_CANCELLED;
    util_seterr(err, errlen, "export cancelled; nothing was marked collected");
    goto out_fail;
db_fail_tmp:
    if (in_read)
        store_exec(st, "COMMIT");
    remove_bundle_dir(x.tmp);
db_fail:
    res->status = EXPORT_DB;
    util_seterr(err, errlen, "the kiosk database could not be read: %s",
            sqlite3_errmsg(store_db(st)));
out_fail:
    res->bundle[0] = res->path[0] = 0;
    free(w);
    strbuf_free(&manifest);
    strbuf_free(&sum.counts);
    return -1;
}

/* ---- drives ------------------------------------------------------------------------ */

/* /proc/self/mounts escapes space, tab, newline and backslash as \ooo. */
static void unescape_mount(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
}

/* 1 when mnt is root/X or root/X/Y. */
static int under_root(const char *mnt, const char *root)
{
    size_t n = strlen(root);
    if (strncmp(mnt, root, n) != 0 || mnt[n] != '/' || !mnt[n + 1])
        return 0;
    const char *rest = mnt + n + 1;
    int slashes = 0;
    for (const char *p = rest; *p; p++)
        if (*p == '/')
            slashes++;
    return slashes <= 1 && rest[strlen(rest) - 1] != '/';
}

int export_list_drives_from(const char *mounts_path, const char *const *roots, int nroots,
                            char paths[][512], int max)
{
    FILE *f = fopen(mounts_path, "re");
    if (!f)
        return 0;
    char line[2048];
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        char dev[512], mnt[1024], opts[512];
        if (sscanf(line, "%511s %1023s %*s %511s", dev, mnt, opts) != 3)
            continue;
        unescape_mount(mnt);
        int ok = 0;
        for (int r = 0; r < nroots && !ok; r++)
            ok = under_root(mnt, roots[r]);
        if (!ok || strlen(mnt) >= 512)
            continue;
        struct stat sb;
        if (stat(mnt, &sb) < 0 || !S_ISDIR(sb.st_mode) || access(mnt, W_OK) < 0)
            continue;
        int dup = 0;
        for (int i = 0; i < n && !dup; i++)
            dup = strcmp(paths[i], mnt) == 0;
        if (!dup)
            util_strlcpy(paths[n++], mnt, 512);
    }
    fclose(f);
    return n;
}

int export_list_drives(char paths[][512], int max)
{
    static const char *const roots[] = {"/media", "/run/media"};
    return export_list_drives_from("/proc/self/mounts", roots, 2, paths, max);
}
