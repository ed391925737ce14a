/* content_export — see content_export.h.  Each JSON line comes from the server
 * (jsonb_build_object), so quoting is PostgreSQL's; the manifest is small and built
 * here. */
#include "centre/content_export.h"

#include "centre/centre.h"
#include "core/config.h"
#include "core/identity.h"
#include "core/util.h"
#include "sync/content_bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Writes data to dir/name (new file, 0644), fsync'd.  0 or -1 with err. */
static int write_file(const char *dir, const char *name, const char *data, size_t len,
                      char *err, size_t errlen)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        util_seterr(err, errlen, "%s cannot be written: %s", p, strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            util_seterr(err, errlen, "%s cannot be written: %s", p, strerror(errno));
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        util_seterr(err, errlen, "%s cannot be synced: %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Every line of column 0 of r, each followed by a newline. */
static void lines_of(PGresult *r, struct strbuf *out)
{
    for (int i = 0; i < PQntuples(r); i++) {
        strbuf_add(out, PQgetvalue(r, i, 0));
        strbuf_add(out, "\n");
    }
}

static void add_file_entry(struct strbuf *m, const char *name, const struct strbuf *data,
                           int first)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)(data->buf ? data->buf : ""), data->len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    strbuf_addf(m, "%s\"%s\": {\"bytes\": %zu, \"sha256\": \"%s\"}", first ? "" : ", ", name,
                data->len, hex);
}

int content_export(PGconn *c, const struct config *cfg, const char *dir, char *path_out,
                   size_t path_size, char *msg, size_t size)
{
    char err[640];
    struct identity *key = NULL;
    if (!cfg->centre_secret_key_file[0]) {
        util_seterr(msg, size, "[centre] secret_key_file is not set: the bundle cannot be signed"
                               " (kioskctl centre keygen FILE makes the key pair)");
        return -1;
    }
    if (identity_load(cfg->centre_secret_key_file, &key, err, sizeof err) < 0) {
        util_seterr(msg, size, "the centre's key: %s", err);
        return -1;
    }
    struct stat sb;
    if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        util_seterr(msg, size, "%s is not a folder", dir);
        identity_free(key);
        return -1;
    }
    struct strbuf rows = {0}, halls = {0}, man = {0};
    int rc = -1;
    long long counter = 0, nrows = 0;
    PGresult *r = NULL;
    /* What arrived since the last pull goes into the bundle too: the directory, the
     * counts (kiosk-config/central/101-directory.sql). */
    if (centre_exec(c, "SELECT content_refresh()", err, sizeof err) < 0 ||
        centre_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, sizeof err) < 0)
        goto fail;
    r = centre_query(c,
                     "SELECT jsonb_build_object('kind', kind, 'target', target, 'id', id,"
                     " 'counter', counter, 'withdrawn', withdrawn, 'data', data)::text"
                     " FROM content_rows ORDER BY counter",
                     0, NULL, err, sizeof err);
    if (!r)
        goto fail;
    lines_of(r, &rows);
    nrows = PQntuples(r);
    PQclear(r);
    r = centre_query(c, "SELECT coalesce(max(counter), 0) FROM content_rows", 0, NULL, err,
                     sizeof err);
    if (!r)
        goto fail;
    counter = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    r = centre_query(c,
                     "SELECT jsonb_build_object('hall_id', hall_id, 'parent_id', parent_id)::text"
                     " FROM halls ORDER BY hall_id",
                     0, NULL, err, sizeof err);
    if (!r)
        goto fail;
    lines_of(r, &halls);
    PQclear(r);
    r = NULL;
    centre_exec(c, "COMMIT", err, sizeof err);

    char when[32], stamp[32], name[96], tmp[4200], final[4200];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    util_time_utc(now, when);
    time_t t = ts.tv_sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(name, sizeof name, CONTENT_BUNDLE_PREFIX "%lld-%s", counter, stamp);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(final, sizeof final, "%s/%s", dir, name);

    strbuf_addf(&man, "{\"format\": \"" CONTENT_BUNDLE_FORMAT "\", \"created_at\": \"%s\","
                      " \"counter\": %lld, \"rows\": %lld, \"key_id\": \"%s\", \"files\": {",
                when, counter, nrows, identity_key_id(key));
    add_file_entry(&man, CONTENT_BUNDLE_ROWS, &rows, 1);
    add_file_entry(&man, CONTENT_BUNDLE_HALLS, &halls, 0);
    strbuf_add(&man, "}}\n");
    char sig[IDENTITY_SIG_TEXT + 1];
    identity_sign_text(key, man.buf, man.len, sig);
    size_t sl = strlen(sig);
    sig[sl] = '\n';

    if (mkdir(tmp, 0755) < 0) {
        util_seterr(err, sizeof err, "%s cannot be made: %s", tmp, strerror(errno));
        goto fail;
    }
    if (write_file(tmp, CONTENT_BUNDLE_ROWS, rows.buf ? rows.buf : "", rows.len, err, sizeof err) < 0 ||
        write_file(tmp, CONTENT_BUNDLE_HALLS, halls.buf ? halls.buf : "", halls.len, err,
                   sizeof err) < 0 ||
        write_file(tmp, CONTENT_BUNDLE_MANIFEST, man.buf, man.len, err, sizeof err) < 0 ||
        write_file(tmp, CONTENT_BUNDLE_SIG, sig, sl + 1, err, sizeof err) < 0 || sync_dir(tmp) < 0) {
        if (!err[0])
            util_seterr(err, sizeof err, "%s cannot be synced", tmp);
        goto fail;
    }
    if (rename(tmp, final) < 0 || sync_dir(dir) < 0) {
        util_seterr(err, sizeof err, "%s cannot be put in place: %s", final, strerror(errno));
        goto fail;
    }
    util_seterr(msg, size, "content bundle %s written: %lld rows up to counter %lld, signed"
                           " with key %s", name, nrows, counter, identity_key_id(key));
    if (path_out)
        util_strlcpy(path_out, final, path_size);
    rc = 0;
    goto out;
fail:
    centre_rollback(c);
    util_seterr(msg, size, "%s", err);
out:
    strbuf_free(&rows);
    strbuf_free(&halls);
    strbuf_free(&man);
    identity_free(key);
    return rc;
}
