/* util — see util.h.  Plain C, no SDL, no SQLite: usable from every layer and tool. */
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

size_t util_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size == 0)
        return n;
    size_t k = n < size - 1 ? n : size - 1;
    /* Back off to a code point boundary so a truncated copy stays valid UTF-8. */
    if (k < n)
        while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
    memcpy(dst, src, k);
    dst[k] = 0;
    return n;
}

uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int len;
    if (c == 0)
        return 0;
    if (c < 0x80) { *s += 1; return c; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; }
    else { *s += 1; return 0xFFFD; }
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) { *s += 1; return 0xFFFD; }
        c = (c << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF)) {
        *s += 1;
        return 0xFFFD;
    }
    *s += len;
    return c;
}

int utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int utf8_valid(const char *s, size_t n)
{
    /* Decodes within [s, s+n) only: a sequence cut off by the end is invalid, and no
     * byte past n is ever read (the text need not be NUL-terminated). */
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        uint32_t c = *p;
        size_t len;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; }
        else return 0;
        if ((size_t)(end - p) < len)
            return 0;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
            (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        p += len;
    }
    return 1;
}

size_t utf8_count(const char *s)
{
    size_t n = 0;
    while (utf8_next(&s))
        n++;
    return n;
}

size_t utf8_prev(const char *s, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
        at--;
    return at;
}

size_t utf8_append(char *buf, size_t size, size_t max_chars, const char *text)
{
    size_t len = strlen(buf), count = utf8_count(buf), added = 0;
    const char *p = text;
    while (*p && count < max_chars) {
        const char *q = p;
        utf8_next(&q);
        size_t n = (size_t)(q - p);
        if (len + n >= size)
            break;
        memcpy(buf + len, p, n);
        len += n;
        buf[len] = 0;
        count++;
        added++;
        p = q;
    }
    return added;
}

void utf8_wipe_last(char *buf)
{
    size_t len = strlen(buf);
    if (!len)
        return;
    size_t at = utf8_prev(buf, len);
    util_wipe(buf + at, len - at);
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *nb = malloc(cap);
    if (!nb)
        abort();
    if (sb->buf) {
        memcpy(nb, sb->buf, sb->len + 1);
        util_wipe(sb->buf, sb->cap);
        free(sb->buf);
    } else {
        nb[0] = 0;
    }
    sb->buf = nb;
    sb->cap = cap;
}

void strbuf_addn(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}

void strbuf_add(struct strbuf *sb, const char *s) { strbuf_addn(sb, s, strlen(s)); }

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    strbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void strbuf_add_json_str(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': strbuf_add(sb, "\\\""); break;
        case '\\': strbuf_add(sb, "\\\\"); break;
        case '\n': strbuf_add(sb, "\\n"); break;
        case '\r': strbuf_add(sb, "\\r"); break;
        case '\t': strbuf_add(sb, "\\t"); break;
        default:
            if (*p < 0x20)
                strbuf_addf(sb, "\\u%04x", *p);
            else
                strbuf_addn(sb, (const char *)p, 1);
        }
    }
    strbuf_add(sb, "\"");
}

void strbuf_reset(struct strbuf *sb)
{
    if (sb->buf) {
        util_wipe(sb->buf, sb->len);
        sb->buf[0] = 0;
    }
    sb->len = 0;
}

void strbuf_free(struct strbuf *sb)
{
    if (sb->buf) {
        util_wipe(sb->buf, sb->cap);
        free(sb->buf);
    }
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
    if (!sb->buf)
        strbuf_grow(sb, 0);
    char *b = sb->buf;
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return b;
}

void util_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void util_uuid4(char out[37])
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            abort(); /* no randomness means no unique record ids: refuse to go on */
        }
        got += (size_t)r;
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
             b[12], b[13], b[14], b[15]);
}

void util_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void util_time_utc(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%.19s.%03uZ", base, (unsigned)(ms % 1000) % 1000u);
}

void util_time_local(int64_t ms, const char *fmt, char *out, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    if (strftime(out, size, fmt, &tm) == 0 && size)
        out[0] = 0;
}

int util_valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static int parse_fields(const char *s, int *y, int *mo, int *d, int *h, int *mi, int *sec,
                        const char **rest)
{
    int n = 0;
    *sec = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", y, mo, d, &n) != 3 || n != 10)
        return -1;
    s += n;
    if (*s != ' ' && *s != 'T')
        return -1;
    s++;
    if (sscanf(s, "%2d:%2d%n", h, mi, &n) != 2 || n != 5)
        return -1;
    s += n;
    if (*s == ':') {
        if (sscanf(s + 1, "%2d%n", sec, &n) != 1 || n != 2)
            return -1;
        s += 3;
        if (*s == '.') {
            s++;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (!util_valid_date(*y, *mo, *d) || *h > 23 || *mi > 59 || *sec > 60 || *h < 0 ||
        *mi < 0 || *sec < 0)
        return -1;
    *rest = s;
    return 0;
}

int util_parse_local(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec;
    const char *rest;
    if (parse_fields(s, &y, &mo, &d, &h, &mi, &sec, &rest) < 0 || *rest)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = sec, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return -1;
    *ms = (int64_t)t * 1000;
    return 0;
}

int util_parse_iso(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec;
    const char *rest;
    if (parse_fields(s, &y, &mo, &d, &h, &mi, &sec, &rest) < 0)
        return -1;
    if (*rest == 0) {
        char buf[80];
        snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, sec);
        return util_parse_local(buf, ms);
    }
    int off = 0;
    if (strcmp(rest, "Z") == 0) {
        off = 0;
    } else if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) == 6 && rest[3] == ':') {
        int oh = atoi(rest + 1), om = atoi(rest + 4);
        off = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
    } else {
        return -1;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - (int64_t)off * 60) * 1000;
    return 0;
}

char *util_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_addn(&sb, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err) {
        strbuf_free(&sb);
        errno = EIO;
        return NULL;
    }
    if (len)
        *len = sb.len;
    return strbuf_detach(&sb);
}

/* The read both bounded readers share, on an open descriptor: a regular file of at most
 * max bytes, refused when it grows while read (one byte more than the size is asked
 * for) and, unless nul_ok, when it holds a NUL byte.  Messages start with `name` ("" for
 * none).  Closes fd. */
static char *read_bounded(int fd, const char *name, size_t max, int nul_ok, size_t *len,
                          char *why, size_t whylen)
{
    const char *sp = name[0] ? " " : "";
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        util_seterr(why, whylen, "%s%sis not a regular file (a folder, a device or a pipe)",
                    name, sp);
        close(fd);
        return NULL;
    }
    if ((uint64_t)sb.st_size > (uint64_t)max) {
        char limit[32];
        util_size_words(max, limit);
        util_seterr(why, whylen, "%s%sis larger than %s, the most such a file may be", name, sp,
                    limit);
        close(fd);
        return NULL;
    }
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        abort();
    int bad = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            util_seterr(why, whylen, "%s%scannot be read: %s", name, sp, strerror(errno));
            bad = 1;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n >= cap) {
            util_seterr(why, whylen, "%s%schanged while it was read", name, sp);
            bad = 1;
            break;
        }
    }
    close(fd);
    if (!bad && !nul_ok && memchr(buf, 0, n)) {
        util_seterr(why, whylen, "%s%sholds a NUL byte", name, sp);
        bad = 1;
    }
    if (bad) {
        util_wipe(buf, cap);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

char *util_read_plain_at(int dfd, const char *name, long max, size_t *len, char *why,
                         size_t whylen)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        util_seterr(why, whylen, errno == ELOOP ? "%s is a symbolic link" : "%s is missing (%s)",
                    name, strerror(errno));
        return NULL;
    }
    return read_bounded(fd, name, max < 0 ? 0 : (size_t)max, 0, len, why, whylen);
}

int util_create_private(const char *path, const void *data, size_t len)
{
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    unlink(tmp); /* left by a dead process with our pid: never linked, never used */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    close(fd);
    if (ok && link(tmp, path) < 0) {
        ok = 0;
        e = errno;
    }
    unlink(tmp);
    if (!ok) {
        errno = e;
        return -1;
    }
    /* The new directory entry must survive a power cut too. */
    char dir[4096];
    util_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else
        slash[slash == dir] = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void util_size_words(size_t n, char out[32])
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(out, 32, "%zu MB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, 32, "%zu KB", n >> 10);
    else
        snprintf(out, 32, "%zu bytes", n);
}

/* 1 when the absolute path p is inside (or is) the folder dir. */
static int path_inside(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return 1;
    return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == 0);
}

char *util_read_limited(const char *path, const char *within, size_t max, size_t *len,
                        char *err, size_t errlen)
{
    char target[4096], folder[4096], own[4096];
    struct stat sb;
    if (lstat(path, &sb) < 0) {
        util_seterr(err, errlen, "cannot read the file: %s", strerror(errno));
        return NULL;
    }
    const char *open_path = path;
    if (S_ISLNK(sb.st_mode)) {
        if (!within) {
            util_strlcpy(own, path, sizeof own);
            char *slash = strrchr(own, '/');
            if (!slash)
                util_strlcpy(own, ".", sizeof own);
            else if (slash == own)
                own[1] = 0; /* a file in / */
            else
                *slash = 0;
            within = own;
        }
        if (!realpath(path, target)) {
            util_seterr(err, errlen, "is a link to something that cannot be read: %s",
                        strerror(errno));
            return NULL;
        }
        if (!realpath(within, folder) || !path_inside(target, folder)) {
            util_seterr(err, errlen, "is a link to a file outside its folder; copy the file "
                        "itself into the folder");
            return NULL;
        }
        open_path = target;
    }
    int fd = open(open_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        util_seterr(err, errlen, "cannot read the file: %s", strerror(errno));
        return NULL;
    }
    return read_bounded(fd, "", max, 1, len, err, errlen);
}

int util_mkdirs(const char *path, int mode)
{
    char tmp[4096];
    if (util_strlcpy(tmp, path, sizeof tmp) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}
