/* csv — RFC 4180 reader for spreadsheet output; see csv.h.
 *
 * The whole file is decoded to UTF-8 up front (files staff import are small: a few
 * thousand rows at most), then records are cut out of the decoded text one at a time
 * into a reused buffer: each record costs one pass over its bytes and no allocation
 * once the buffer has grown to the longest record.
 *
 * Line counting: CRLF, LF and a lone CR each end one physical line, inside quotes as
 * well as outside, so the line numbers match what a text editor shows. */
#include "content/csv.h"

#include "core/util.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv {
    char *text;         /* decoded, NUL-terminated */
    size_t len, pos;
    int line;           /* physical line at pos */
    int row_line;       /* where the last returned record started */
    int done;
    struct strbuf buf;  /* current record's fields, each NUL-terminated */
    size_t *offs;       /* field start offsets into buf */
    char **fields;
    size_t nfields, cap;
    char errmsg[160];
    int err_line;
};

/* The physical line (1-based) holding byte offset off of p. */
static int line_at(const char *p, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++) {
        if (p[i] == '\n')
            line++;
        else if (p[i] == '\r' && !(i + 1 < off && p[i + 1] == '\n'))
            line++;
    }
    return line;
}

/* Offset of the start of the first line that is not valid UTF-8, or (size_t)-1.
 * Multi-byte sequences never contain CR or LF, so checking line by line finds the
 * same answer as checking the whole text, and yields the line for free. */
static size_t first_bad_utf8_line(const char *p, size_t n)
{
    size_t start = 0;
    while (start < n) {
        size_t end = start;
        while (end < n && p[end] != '\n' && p[end] != '\r')
            end++;
        if (!utf8_valid(p + start, end - start))
            return start;
        start = end + 1;
    }
    return (size_t)-1;
}

/* Converts n bytes of GB18030 to UTF-8.  Returns a malloc'd NUL-terminated string
 * (caller frees) and its length, or NULL with *bad_off at the first byte that is not
 * GB18030 (or (size_t)-1 when iconv itself is unavailable). */
static char *from_gb18030(const char *p, size_t n, size_t *outlen, size_t *bad_off)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        *bad_off = (size_t)-1;
        return NULL;
    }
    /* Chinese characters grow from 2 to 3 bytes, four-byte sequences stay 4. */
    size_t cap = n + n / 2 + 16;
    char *out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        *bad_off = (size_t)-1;
        return NULL;
    }
    char *in = (char *)p;
    size_t inleft = n;
    char *o = out;
    size_t oleft = cap - 1;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - out);
            cap *= 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                iconv_close(cd);
                *bad_off = (size_t)-1;
                return NULL;
            }
            out = grown;
            o = out + used;
            oleft = cap - 1 - used;
            continue;
        }
        /* EILSEQ: an invalid sequence; EINVAL: a sequence cut off by the end. */
        *bad_off = (size_t)(in - p);
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    *o = 0;
    *outlen = (size_t)(o - out);
    return out;
}

int csv_decode(const char *data, size_t len, char **out, size_t *outlen, int *bad_line,
               char *err, size_t errlen)
{
    const unsigned char *u = (const unsigned char *)data;
    *out = NULL;
    *bad_line = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        data += 3;
        len -= 3;
    } else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        /* "Unicode text" in a spreadsheet's save dialog is UTF-16; it would otherwise
         * fail on a NUL byte with a message nobody could act on. */
        *bad_line = 1;
        util_seterr(err, errlen, "the file is UTF-16 text; save it as CSV (UTF-8 or GB18030)");
        return -1;
    }

    size_t bad_utf8 = first_bad_utf8_line(data, len);
    if (bad_utf8 == (size_t)-1) {
        char *copy = malloc(len + 1);
        if (!copy) {
            util_seterr(err, errlen, "out of memory");
            return -1;
        }
        memcpy(copy, data, len);
        copy[len] = 0;
        *out = copy;
        *outlen = len;
        return 0;
    }

    size_t bad_gb = 0, n = 0;
    char *text = from_gb18030(data, len, &n, &bad_gb);
    if (!text) {
        if (bad_gb == (size_t)-1) {
            *bad_line = line_at(data, bad_utf8);
            util_seterr(err, errlen, "the text is not UTF-8 and cannot be converted from GB18030");
            return -1;
        }
        /* Report where the likelier encoding broke down: the one that read further. */
        int lu = line_at(data, bad_utf8), lg = line_at(data, bad_gb);
        *bad_line = lu > lg ? lu : lg;
        util_seterr(err, errlen, "the text is neither UTF-8 nor GB18030; save the file as CSV UTF-8");
        return -1;
    }
    const char *nul = memchr(text, 0, n);
    if (nul) {
        *bad_line = line_at(text, (size_t)(nul - text));
        free(text);
        util_seterr(err, errlen, "the file contains a NUL byte, so it is not a text file");
        return -1;
    }
    *out = text;
    *outlen = n;
    return 0;
}

int csv_open_buffer(const char *data, size_t len, struct csv **out, int *err_line,
                    char *err, size_t errlen)
{
    *out = NULL;
    *err_line = 0;
    struct csv *c = calloc(1, sizeof *c);
    if (!c) {
        util_seterr(err, errlen, "out of memory");
        return -1;
    }
    if (csv_decode(data, len, &c->text, &c->len, err_line, err, errlen) < 0) {
        free(c);
        return -1;
    }
    c->line = 1;
    *out = c;
    return 0;
}

int csv_open_file(const char *path, struct csv **out, int *err_line, char *err,
                  size_t errlen)
{
    size_t len = 0;
    *out = NULL;
    *err_line = 0;
    char *data = util_read_limited(path, NULL, CSV_FILE_MAX, &len, err, errlen);
    if (!data)
        return -1;
    int rc = csv_open_buffer(data, len, out, err_line, err, errlen);
    free(data);
    return rc;
}

void csv_close(struct csv *c)
{
    if (!c)
        return;
    free(c->text);
    strbuf_free(&c->buf);
    free(c->offs);
    free(c->fields);
    free(c);
}

int csv_line(const struct csv *c) { return c->row_line; }
const char *csv_error(const struct csv *c) { return c->errmsg; }
int csv_error_line(const struct csv *c) { return c->err_line; }

static int fail(struct csv *c, int line, const char *msg)
{
    util_strlcpy(c->errmsg, msg, sizeof c->errmsg);
    c->err_line = line;
    c->done = 1;
    return -1;
}

static void begin_field(struct csv *c)
{
    if (c->nfields == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        size_t *offs = realloc(c->offs, cap * sizeof *offs);
        if (!offs)
            abort();
        c->offs = offs;
        char **fields = realloc(c->fields, cap * sizeof *fields);
        if (!fields)
            abort();
        c->fields = fields;
        c->cap = cap;
    }
    c->offs[c->nfields++] = c->buf.len;
}

/* Consumes a line end at pos if there is one; returns 1 if it did. */
static int eat_eol(struct csv *c)
{
    if (c->pos < c->len && c->text[c->pos] == '\r') {
        c->pos++;
        if (c->pos < c->len && c->text[c->pos] == '\n')
            c->pos++;
        c->line++;
        return 1;
    }
    if (c->pos < c->len && c->text[c->pos] == '\n') {
        c->pos++;
        c->line++;
        return 1;
    }
    return 0;
}

/* Reads a quoted field whose opening quote is at pos.  0, or -1 (reported). */
static int quoted_field(struct csv *c)
{
    const char *t = c->text;
    int open_line = c->line;
    c->pos++;
    for (;;) {
        size_t run = c->pos;
        while (run < c->len && t[run] != '"' && t[run] != '\r' && t[run] != '\n')
            run++;
        strbuf_addn(&c->buf, t + c->pos, run - c->pos);
        c->pos = run;
        if (c->pos >= c->len)
            return fail(c, open_line, "a quoted field is not closed (a \" is missing)");
        if (t[c->pos] == '"') {
            if (c->pos + 1 < c->len && t[c->pos + 1] == '"') {
                strbuf_addn(&c->buf, "\"", 1);
                c->pos += 2;
                continue;
            }
            c->pos++;
            break;
        }
        eat_eol(c);
        strbuf_addn(&c->buf, "\n", 1);
    }
    /* Spreadsheets never write anything between a closing quote and the separator,
     * but hand-edited files sometimes carry a stray space there. */
    while (c->pos < c->len && (t[c->pos] == ' ' || t[c->pos] == '\t'))
        c->pos++;
    if (c->pos < c->len && t[c->pos] != ',' && t[c->pos] != '\r' && t[c->pos] != '\n')
        return fail(c, c->line, "text follows a closing quote (a quote inside a quoted "
                                "field must be doubled)");
    return 0;
}

int csv_next_row(struct csv *c, struct csv_row *row)
{
    row->fields = NULL;
    row->n = 0;
    row->line = 0;
    if (c->done)
        return 0;
    while (eat_eol(c))
        ;
    if (c->pos >= c->len) {
        c->done = 1;
        return 0;
    }
    const char *t = c->text;
    strbuf_reset(&c->buf);
    c->nfields = 0;
    c->row_line = c->line;
    for (;;) {
        begin_field(c);
        if (c->pos < c->len && t[c->pos] == '"') {
            if (quoted_field(c) < 0)
                return -1;
        } else {
            size_t end = c->pos;
            while (end < c->len && t[end] != ',' && t[end] != '\r' && t[end] != '\n')
                end++;
            strbuf_addn(&c->buf, t + c->pos, end - c->pos);
            c->pos = end;
        }
        strbuf_addn(&c->buf, "", 1);
        if (c->pos < c->len && t[c->pos] == ',') {
            c->pos++;
            continue;
        }
        eat_eol(c);
        break;
    }
    for (size_t i = 0; i < c->nfields; i++)
        c->fields[i] = c->buf.buf + c->offs[i];
    row->fields = c->fields;
    row->n = c->nfields;
    row->line = c->row_line;
    return 1;
}
