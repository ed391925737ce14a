/* import — content files into the store; see import.h.
 *
 * The CSV kinds are described by tables of column specs (name, type, required, moved
 * with the demo week), so jobs, trainings, activities and places share one loop: read
 * the header, map the known columns, then per record trim, check and normalise every
 * value and INSERT OR REPLACE it.  Validation and writing happen inside the caller's
 * transaction; returning -1 tells the caller to roll back, which is what makes a file
 * all or nothing.
 *
 * Times are stored as "YYYY-MM-DD HH:MM" and dates as "YYYY-MM-DD" whatever the
 * spreadsheet wrote ("2026/12/1 9:00" is what many of them write for a time cell), so
 * the rest of the program can compare them as strings.
 *
 * Never does: partial writes, printing, or anything with records. */
#define _GNU_SOURCE /* tdestroy */
#include "content/import.h"

#include "content/csv.h"
#include "core/png.h"
#include "core/util.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

enum col_type {
    COL_ID,    /* non-empty text, at most IMPORT_ID_MAX bytes */
    COL_TEXT,  /* trimmed text, at most IMPORT_TEXT_MAX bytes */
    COL_INT,   /* a whole number >= 0 */
    COL_TIME,  /* local date and time */
    COL_DATE,  /* local date */
    COL_LEVEL, /* district | street | community */
};

struct col_spec {
    const char *name;
    enum col_type type;
    int required;
    int64_t max;       /* COL_INT: the largest plausible value (0: any); a typo of a few
                        * digits too many must not show as a cut-off number */
};

struct table_spec {
    const char *what;  /* what import_file() calls it, also the table name */
    const struct col_spec *cols;
    int ncols;
    int has_sort;      /* the table has a sort column filled with the row order */
};

#define MAX_COLS 12

static const struct col_spec jobs_cols[] = {
    {"id", COL_ID, 1, 0},
    {"title", COL_TEXT, 1, 0},
    {"employer", COL_TEXT, 1, 0},
    {"area", COL_TEXT, 1, 0},
    {"category", COL_TEXT, 1, 0},
    {"salary_min", COL_INT, 0, IMPORT_SALARY_MAX},
    {"salary_max", COL_INT, 0, IMPORT_SALARY_MAX},
    {"headcount", COL_INT, 0, IMPORT_COUNT_MAX},
    {"requirements", COL_TEXT, 0, 0},
    {"contact", COL_TEXT, 0, 0},
    {"posted", COL_DATE, 0, 0},
    {"expires", COL_DATE, 0, 0},
};
static const struct col_spec trainings_cols[] = {
    {"id", COL_ID, 1, 0},        {"title", COL_TEXT, 1, 0},    {"starts_at", COL_TIME, 1, 0},
    {"venue", COL_TEXT, 1, 0},   {"kind", COL_TEXT, 0, 0},     {"ends_at", COL_TIME, 0, 0},
    {"capacity", COL_INT, 0, IMPORT_COUNT_MAX},              {"description", COL_TEXT, 0, 0},
};
static const struct col_spec activities_cols[] = {
    {"id", COL_ID, 1, 0},         {"title", COL_TEXT, 1, 0}, {"starts_at", COL_TIME, 1, 0},
    {"ends_at", COL_TIME, 1, 0},  {"venue", COL_TEXT, 0, 0}, {"organiser", COL_TEXT, 0, 0},
};
static const struct col_spec places_cols[] = {
    {"id", COL_ID, 1, 0},          {"name", COL_TEXT, 1, 0},    {"level", COL_LEVEL, 1, 0},
    {"parent_id", COL_TEXT, 0, 0}, {"address", COL_TEXT, 0, 0}, {"phone", COL_TEXT, 0, 0},
    {"hours", COL_TEXT, 0, 0},
};

static const struct col_spec services_cols[] = {
    {"id", COL_ID, 1, 0},      {"title", COL_TEXT, 1, 0},  {"summary", COL_TEXT, 1, 0},
    {"how", COL_TEXT, 0, 0},   {"window", COL_TEXT, 0, 0},
};

static const struct table_spec tables[] = {
    {"jobs", jobs_cols, (int)ARRAY_LEN(jobs_cols), 0},
    {"trainings", trainings_cols, (int)ARRAY_LEN(trainings_cols), 0},
    {"activities", activities_cols, (int)ARRAY_LEN(activities_cols), 0},
    {"places", places_cols, (int)ARRAY_LEN(places_cols), 1},
    {"services", services_cols, (int)ARRAY_LEN(services_cols), 1},
};

/* One checked value of the current record. */
struct val {
    const char *text;   /* trimmed text, or NULL when empty/absent */
    int64_t num;        /* COL_INT */
    int64_t ms;         /* COL_TIME */
    char norm[20];      /* COL_TIME / COL_DATE canonical form */
};

/* ---- errors ---- */

/* "PATH:LINE: message" (or "PATH: message" for line 0).  Returns -1. */
static int file_err(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int file_err(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        util_seterr(err, errlen, "%s:%d: %s", path, line, msg);
    else
        util_seterr(err, errlen, "%s: %s", path, msg);
    return -1;
}

/* A value quoted for a message, cut short (on a character boundary) if long. */
static const char *excerpt(const char *s, char *buf, size_t size)
{
    if (util_strlcpy(buf, s, size) >= size && size > 4) {
        size_t n = strlen(buf);
        n = n + 3 < size ? n : size - 4;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
            n--;
        memcpy(buf + n, "...", 4);
    }
    return buf;
}

/* ---- calendar arithmetic (proleptic Gregorian, no time zones involved) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Moves the date at the start of a canonical "YYYY-MM-DD[ HH:MM]" by days. */
static void shift_canon(char *s, int days)
{
    int y, m, d;
    if (!days || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return;
    civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    memcpy(s, date, 10);
}

int import_demo_shift_days(int64_t now_ms)
{
    char today[16];
    int y, m, d;
    util_time_local(now_ms, "%Y-%m-%d", today, sizeof today);
    if (sscanf(today, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    int64_t dn = days_from_civil(y, m, d);
    /* Day 0 (1970-01-01) was a Thursday: Monday-based weekday is (dn + 3) mod 7. */
    int64_t wd = ((dn + 3) % 7 + 7) % 7;
    return (int)(dn - wd - days_from_civil(2026, 11, 30));
}

/* ---- value parsing ---- */

/* Reads 1..maxdig digits (at least mindig) at *s.  0, or -1 leaving *s unspecified. */
static int take_num(const char **s, int mindig, int maxdig, int *out)
{
    int n = 0, v = 0;
    while (n < maxdig && **s >= '0' && **s <= '9') {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    *out = v;
    return n >= mindig && !(**s >= '0' && **s <= '9') ? 0 : -1;
}

/* "YYYY-M-D" or "YYYY/M/D" (one or two digits for month and day). */
static int take_date(const char **s, int *y, int *m, int *d)
{
    if (take_num(s, 4, 4, y) < 0)
        return -1;
    char sep = **s;
    if (sep != '-' && sep != '/')
        return -1;
    (*s)++;
    if (take_num(s, 1, 2, m) < 0 || **s != sep)
        return -1;
    (*s)++;
    return take_num(s, 1, 2, d);
}

/* "H:MM" or "HH:MM", optionally ":SS" (dropped). */
static int take_clock(const char **s, int *h, int *mi)
{
    int sec;
    if (take_num(s, 1, 2, h) < 0 || **s != ':')
        return -1;
    (*s)++;
    if (take_num(s, 2, 2, mi) < 0)
        return -1;
    if (**s == ':') {
        (*s)++;
        if (take_num(s, 2, 2, &sec) < 0)
            return -1;
    }
    return 0;
}

/* Parses a local time as a spreadsheet writes it into the canonical
 * "YYYY-MM-DD HH:MM".  0, or -1 when malformed or not a real time. */
static int parse_time(const char *s, char norm[20], int64_t *ms)
{
    int y, m, d, h, mi;
    if (take_date(&s, &y, &m, &d) < 0 || (*s != ' ' && *s != 'T'))
        return -1;
    while (*s == ' ')
        s++;
    if (*s == 'T')
        s++;
    if (take_clock(&s, &h, &mi) < 0 || *s)
        return -1;
    snprintf(norm, 20, "%04d-%02d-%02d %02d:%02d", y, m, d, h, mi);
    return util_parse_local(norm, ms);
}

/* Parses a date into "YYYY-MM-DD"; a time of day after it (which spreadsheets add to
 * date cells) is checked and dropped.  0 or -1. */
static int parse_date(const char *s, char norm[20])
{
    int y, m, d, h, mi;
    if (take_date(&s, &y, &m, &d) < 0)
        return -1;
    if (*s == ' ' || *s == 'T') {
        while (*s == ' ')
            s++;
        if (*s == 'T')
            s++;
        if (take_clock(&s, &h, &mi) < 0 || h > 23 || mi > 59)
            return -1;
    }
    if (*s || !util_valid_date(y, m, d))
        return -1;
    snprintf(norm, 20, "%04d-%02d-%02d", y, m, d);
    return 0;
}

/* A whole number >= 0; "3000.00" is accepted because spreadsheets write number cells
 * with their display format.  0, -1 malformed, -2 negative. */
static int parse_count(const char *s, int64_t *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (*p < '0' || *p > '9')
        return -1;
    int64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p == '0'; p++)
            ;
    }
    if (*p)
        return -1;
    if (neg && v)
        return -2;
    *out = v;
    return 0;
}

/* Trims ASCII white space, no-break spaces and ideographic spaces (U+3000, which
 * Chinese input methods produce) from both ends, in place.  Returns the new start. */
static char *trim(char *s)
{
    for (;;) {
        unsigned char *u = (unsigned char *)s;
        if (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r' || *u == '\v' || *u == '\f')
            s++;
        else if (u[0] == 0xC2 && u[1] == 0xA0)
            s += 2;
        else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
            s += 3;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        unsigned char *u = (unsigned char *)s;
        if (n > 0 && (u[n - 1] == ' ' || u[n - 1] == '\t' || u[n - 1] == '\n' ||
                      u[n - 1] == '\r' || u[n - 1] == '\v' || u[n - 1] == '\f'))
            n--;
        else if (n >= 2 && u[n - 2] == 0xC2 && u[n - 1] == 0xA0)
            n -= 2;
        else if (n >= 3 && u[n - 3] == 0xE3 && u[n - 2] == 0x80 && u[n - 1] == 0x80)
            n -= 3;
        else
            break;
    }
    s[n] = 0;
    return s;
}

/* 1 when s holds a control character other than tab and line feed (they show as
 * boxes on screen and usually mean a damaged file). */
static int has_control(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if ((*u < 0x20 && *u != '\t' && *u != '\n') || *u == 0x7F)
            return 1;
    return 0;
}

int import_has_bidi_control(const char *s)
{
    /* U+202A..U+202E are E2 80 AA..AE, U+2066..U+2069 are E2 81 A6..A9 in UTF-8. */
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (u[0] == 0xE2 && ((u[1] == 0x80 && u[2] >= 0xAA && u[2] <= 0xAE) ||
                             (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)))
            return 1;
    return 0;
}

/* Checks a text value against the common rules.  NULL when fine, else the problem. */
static const char *text_problem(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (!utf8_valid(s, n))
        return "is not valid UTF-8 text";
    if (n > max)
        return max == IMPORT_ID_MAX ? "is longer than 64 bytes" : "is longer than 4000 bytes";
    if (has_control(s))
        return "contains a control character";
    if (import_has_bidi_control(s))
        return "contains a bidirectional control character (U+202A-U+202E, U+2066-U+2069), "
               "which makes text show in another order than it reads";
    return NULL;
}

/* Checks and normalises one field into *v.  0, or -1 with the error written. */
static int check_value(const struct col_spec *c, char *raw, struct val *v, int days,
                       const char *path, int line, char *err, size_t errlen)
{
    char ex[64];
    memset(v, 0, sizeof *v);
    char *s = trim(raw);
    if (!*s) {
        if (c->required)
            return file_err(err, errlen, path, line, "%s is empty", c->name);
        return 0;
    }
    switch (c->type) {
    case COL_ID:
    case COL_TEXT: {
        const char *why = text_problem(s, c->type == COL_ID ? IMPORT_ID_MAX : IMPORT_TEXT_MAX);
        if (why)
            return file_err(err, errlen, path, line, "%s %s", c->name, why);
        break;
    }
    case COL_INT: {
        int rc = parse_count(s, &v->num);
        if (rc == -2)
            return file_err(err, errlen, path, line, "%s \"%s\" must not be negative", c->name,
                            excerpt(s, ex, sizeof ex));
        if (rc < 0)
            return file_err(err, errlen, path, line, "%s \"%s\" is not a whole number", c->name,
                            excerpt(s, ex, sizeof ex));
        if (c->max && v->num > c->max)
            return file_err(err, errlen, path, line, "%s %lld is more than %lld, which cannot be "
                            "right (a digit too many?)", c->name, (long long)v->num,
                            (long long)c->max);
        break;
    }
    case COL_TIME:
        if (parse_time(s, v->norm, &v->ms) < 0)
            return file_err(err, errlen, path, line,
                            "%s \"%s\" is not a valid time (expected YYYY-MM-DD HH:MM)", c->name,
                            excerpt(s, ex, sizeof ex));
        shift_canon(v->norm, days);
        break;
    case COL_DATE:
        if (parse_date(s, v->norm) < 0)
            return file_err(err, errlen, path, line,
                            "%s \"%s\" is not a valid date (expected YYYY-MM-DD)", c->name,
                            excerpt(s, ex, sizeof ex));
        shift_canon(v->norm, days);
        break;
    case COL_LEVEL:
        if (strcmp(s, "district") && strcmp(s, "street") && strcmp(s, "community"))
            return file_err(err, errlen, path, line,
                            "%s \"%s\" must be district, street or community", c->name,
                            excerpt(s, ex, sizeof ex));
        break;
    }
    v->text = s;
    return 0;
}

static int col_index(const struct table_spec *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i].name, name))
            return i;
    return -1;
}

/* Rules that involve two columns of one record.  0, or -1 with the error written. */
static int check_record(const struct table_spec *t, const struct val *v, const char *path,
                        int line, char *err, size_t errlen)
{
    int s = col_index(t, "starts_at"), e = col_index(t, "ends_at");
    if (s >= 0 && e >= 0 && v[s].text && v[e].text && v[e].ms <= v[s].ms)
        return file_err(err, errlen, path, line, "ends_at %s is not after starts_at %s",
                        v[e].norm, v[s].norm);
    int lo = col_index(t, "salary_min"), hi = col_index(t, "salary_max");
    if (lo >= 0 && hi >= 0 && v[lo].text && v[hi].text && v[lo].num > v[hi].num)
        return file_err(err, errlen, path, line,
                        "salary_min %lld is greater than salary_max %lld",
                        (long long)v[lo].num, (long long)v[hi].num);
    return 0;
}

/* ---- duplicate ids (a tsearch(3) tree of the ids seen in one file) ---- */

struct seen_id {
    int line;
    char id[];
};

static int seen_cmp(const void *a, const void *b)
{
    return strcmp(((const struct seen_id *)a)->id, ((const struct seen_id *)b)->id);
}

/* Remembers id; returns 0, or the line it was first seen on. */
static int seen_add(void **root, const char *id, int line)
{
    size_t n = strlen(id);
    struct seen_id *k = malloc(sizeof *k + n + 1);
    if (!k)
        abort();
    k->line = line;
    memcpy(k->id, id, n + 1);
    struct seen_id **found = tsearch(k, root, seen_cmp);
    if (!found)
        abort();
    if (*found != k) {
        free(k);
        return (*found)->line;
    }
    return 0;
}

/* ---- staging ----
 *
 * A file is read and checked into temp.stage_<table>, a table of the connection's own
 * temporary database: writing it takes no lock on the kiosk's database, so a check-in
 * goes on meanwhile, however long the file takes.  Only then does swap() apply it, in
 * one short transaction: the file's rows replace those of the table, and rows it no
 * longer has are removed, except the rows the centre published (content_synced), which
 * are the centre's to withdraw. */

/* Makes (or empties) temp.stage_<table>, shaped as the table.  0 or -1 (logged). */
static int stage_create(struct store *st, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE IF NOT EXISTS stage_%s AS SELECT * FROM main.%s WHERE 0;"
             "DELETE FROM temp.stage_%s;", table, table, table);
    return store_exec(st, sql);
}

/* Applies a staged file to its table (inside the caller's write transaction).  0 or -1. */
static int swap(struct store *st, const char *what)
{
    char sql[1024];
    if (!strcmp(what, "materials"))
        snprintf(sql, sizeof sql,
                 "DELETE FROM main.materials WHERE id NOT IN (SELECT id FROM temp.stage_materials)"
                 " AND id NOT IN (SELECT id FROM content_synced WHERE kind = 'materials');"
                 "DELETE FROM main.material_images WHERE material_id IN"
                 " (SELECT id FROM temp.stage_materials)"
                 " OR material_id NOT IN (SELECT id FROM main.materials);"
                 "INSERT OR REPLACE INTO main.materials SELECT * FROM temp.stage_materials;"
                 "INSERT OR REPLACE INTO main.material_images"
                 " SELECT * FROM temp.stage_material_images;"
                 "DELETE FROM temp.stage_materials; DELETE FROM temp.stage_material_images;");
    else
        snprintf(sql, sizeof sql,
                 "DELETE FROM main.%s WHERE id NOT IN (SELECT id FROM temp.stage_%s)"
                 " AND id NOT IN (SELECT id FROM content_synced WHERE kind = '%s');"
                 "INSERT OR REPLACE INTO main.%s SELECT * FROM temp.stage_%s;"
                 "DELETE FROM temp.stage_%s;", what, what, what, what, what, what);
    return store_exec(st, sql);
}

/* ---- CSV kinds ---- */

struct parent_ref {
    char *parent;
    int line;
};

/* Checks that every place's parent_id names a place: of this file (staged by now) or one
 * the centre published, which the import keeps.  0 or -1. */
static int check_parents(struct store *st, struct parent_ref *refs, size_t n, const char *path,
                         char *err, size_t errlen)
{
    if (!n)
        return 0;
    sqlite3_stmt *q = store_prepare(st, "SELECT 1 FROM temp.stage_places WHERE id = ?1"
                                        " UNION ALL SELECT 1 FROM content_synced"
                                        " WHERE kind = 'places' AND id = ?1 AND NOT withdrawn");
    if (!q)
        return file_err(err, errlen, path, 0, "cannot check places: %s",
                        sqlite3_errmsg(store_db(st)));
    int rc = 0;
    char ex[64];
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, refs[i].parent, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_ROW)
            rc = file_err(err, errlen, path, refs[i].line, "parent_id \"%s\" is not a place",
                          excerpt(refs[i].parent, ex, sizeof ex));
    }
    sqlite3_finalize(q);
    return rc;
}

/* Builds "INSERT OR REPLACE INTO temp.stage_t(c1,..)[,sort] VALUES(?,..)"; caller
 * finalizes. */
static sqlite3_stmt *prepare_insert(struct store *st, const struct table_spec *t)
{
    struct strbuf sql = {0};
    strbuf_addf(&sql, "INSERT OR REPLACE INTO temp.stage_%s(", t->what);
    for (int i = 0; i < t->ncols; i++)
        strbuf_addf(&sql, "%s%s", i ? "," : "", t->cols[i].name);
    if (t->has_sort)
        strbuf_add(&sql, ",sort");
    strbuf_add(&sql, ") VALUES(");
    for (int i = 0; i < t->ncols + t->has_sort; i++)
        strbuf_add(&sql, i ? ",?" : "?");
    strbuf_add(&sql, ")");
    sqlite3_stmt *stmt = store_prepare(st, sql.buf);
    strbuf_free(&sql);
    return stmt;
}

static void bind_record(sqlite3_stmt *ins, const struct table_spec *t, const struct val *v,
                        int sort)
{
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    for (int i = 0; i < t->ncols; i++) {
        if (!v[i].text)
            continue; /* stays NULL: an empty cell means "not given" */
        switch (t->cols[i].type) {
        case COL_INT:
            sqlite3_bind_int64(ins, i + 1, v[i].num);
            break;
        case COL_TIME:
        case COL_DATE:
            sqlite3_bind_text(ins, i + 1, v[i].norm, -1, SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_bind_text(ins, i + 1, v[i].text, -1, SQLITE_TRANSIENT);
        }
    }
    if (t->has_sort)
        sqlite3_bind_int(ins, t->ncols + 1, sort);
}

/* Maps the header row onto t's columns (idx[i] = field index or -1).  0 or -1. */
static int map_header(const struct table_spec *t, struct csv_row *hdr, int idx[MAX_COLS],
                      const char *path, char *err, size_t errlen)
{
    for (int i = 0; i < t->ncols; i++)
        idx[i] = -1;
    for (size_t f = 0; f < hdr->n; f++) {
        const char *name = trim(hdr->fields[f]);
        for (int i = 0; i < t->ncols; i++) {
            if (strcasecmp(name, t->cols[i].name))
                continue;
            if (idx[i] >= 0)
                return file_err(err, errlen, path, hdr->line, "the column \"%s\" appears twice",
                                t->cols[i].name);
            idx[i] = (int)f;
        }
    }
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].required && idx[i] < 0)
            return file_err(err, errlen, path, hdr->line, "the column \"%s\" is missing",
                            t->cols[i].name);
    return 0;
}

static int row_is_blank(struct csv_row *row)
{
    for (size_t f = 0; f < row->n; f++)
        if (*trim(row->fields[f]))
            return 0;
    return 1;
}

/* Reads one CSV file into its staging table (temp.stage_<kind>), moving dates by days.
 * Returns the number of records staged, or -1 with err set. */
static int import_csv(struct store *st, const struct table_spec *t, const char *path,
                      int days, char *err, size_t errlen)
{
    struct csv *c = NULL;
    int line = 0, count = 0, rc = -1;
    char msg[256];
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return file_err(err, errlen, path, 0, "this is a folder; a CSV file is expected");
    if (csv_open_file(path, &c, &line, msg, sizeof msg) < 0)
        return file_err(err, errlen, path, line, "%s", msg);

    sqlite3_stmt *ins = NULL;
    void *ids = NULL;
    struct parent_ref *refs = NULL;
    size_t nrefs = 0, caprefs = 0;
    int idx[MAX_COLS];
    struct val v[MAX_COLS];
    struct csv_row row;
    int got = csv_next_row(c, &row);
    if (got == 0) {
        file_err(err, errlen, path, 0, "the file is empty (the first row must name the columns)");
        goto out;
    }
    if (got < 0)
        goto bad_csv;
    if (map_header(t, &row, idx, path, err, errlen) < 0)
        goto out;
    ins = stage_create(st, t->what) == 0 ? prepare_insert(st, t) : NULL;
    if (!ins) {
        file_err(err, errlen, path, 0, "cannot write %s: %s", t->what,
                 sqlite3_errmsg(store_db(st)));
        goto out;
    }
    int pid = col_index(t, "parent_id");
    while ((got = csv_next_row(c, &row)) > 0) {
        /* Spreadsheets write rows of bare commas below the data. */
        if (row_is_blank(&row))
            continue;
        for (int i = 0; i < t->ncols; i++) {
            char empty[1] = "";
            char *raw = idx[i] >= 0 && (size_t)idx[i] < row.n ? row.fields[idx[i]] : empty;
            if (check_value(&t->cols[i], raw, &v[i], days, path, row.line, err, errlen) < 0)
                goto out;
        }
        if (check_record(t, v, path, row.line, err, errlen) < 0)
            goto out;
        int first = seen_add(&ids, v[0].text, row.line);
        if (first) {
            char ex[64];
            file_err(err, errlen, path, row.line, "id \"%s\" is already used on line %d",
                     excerpt(v[0].text, ex, sizeof ex), first);
            goto out;
        }
        if (pid >= 0 && v[pid].text) {
            if (nrefs == caprefs) {
                caprefs = caprefs ? caprefs * 2 : 32;
                refs = realloc(refs, caprefs * sizeof *refs);
                if (!refs)
                    abort();
            }
            refs[nrefs].parent = strdup(v[pid].text);
            refs[nrefs++].line = row.line;
        }
        bind_record(ins, t, v, count + 1);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            file_err(err, errlen, path, row.line, "the database refused the row: %s",
                     sqlite3_errmsg(store_db(st)));
            goto out;
        }
        count++;
    }
    if (got < 0)
        goto bad_csv;
    if (check_parents(st, refs, nrefs, path, err, errlen) < 0)
        goto out;
    rc = count;
    goto out;

bad_csv:
    file_err(err, errlen, path, csv_error_line(c), "%s", csv_error(c));
out:
    sqlite3_finalize(ins);
    tdestroy(ids, free);
    for (size_t i = 0; i < nrefs; i++)
        free(refs[i].parent);
    free(refs);
    csv_close(c);
    return rc;
}

/* ---- materials ---- */

static int is_md(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 3 && !strcasecmp(e->d_name + n - 3, ".md");
}

/* Splits "key: value" (ASCII or full-width colon).  Returns the value (trimmed) and
 * NUL-terminates the key in place, or NULL when the line has no colon. */
static char *header_value(char *line)
{
    char *colon = strchr(line, ':');
    char *wide = strstr(line, "\xEF\xBC\x9A"); /* ： */
    size_t skip = 1;
    if (wide && (!colon || wide < colon)) {
        colon = wide;
        skip = 3;
    }
    if (!colon)
        return NULL;
    *colon = 0;
    return trim(colon + skip);
}

/* Stores every image the body references (![alt](name.png)), read from dir.  Images
 * must be PNG files beside the Markdown file, within the size and pixel limits; each is
 * stored shrunk to IMPORT_IMAGE_SIDE.  0 or -1 with err set. */
static int store_images(struct store *st, sqlite3_stmt *img, const char *id, const char *body,
                        int first_line, const char *dir, const char *path, char *err,
                        size_t errlen)
{
    int count = 0, *nimages = &count;
    int line = first_line;
    char ex[64];
    for (const char *p = body; *p; p++) {
        if (*p == '\n') {
            line++;
            continue;
        }
        if (p[0] != '!' || p[1] != '[')
            continue;
        const char *close = strstr(p + 2, "](");
        const char *nl = strchr(p, '\n');
        if (!close || (nl && close > nl))
            continue;
        const char *start = close + 2, *end = start;
        while (*end && *end != ')' && *end != '\n')
            end++;
        if (*end != ')')
            continue;
        char target[256];
        size_t n = (size_t)(end - start);
        if (n >= sizeof target)
            return file_err(err, errlen, path, line, "an image name is too long");
        memcpy(target, start, n);
        target[n] = 0;
        char *name = trim(target);
        /* ![alt](name.png "title"): the title is not part of the name. */
        char *sp = strpbrk(name, " \t");
        if (sp)
            *sp = 0;
        if (!*name || strchr(name, '/') || strchr(name, '\\') || name[0] == '.')
            return file_err(err, errlen, path, line,
                            "the image \"%s\" must be a file in the same folder",
                            excerpt(name, ex, sizeof ex));
        if (++*nimages > IMPORT_IMAGES_MAX)
            return file_err(err, errlen, path, line, "more than %d images in one text; split "
                            "it into several", IMPORT_IMAGES_MAX);
        char ipath[4096], why[200];
        snprintf(ipath, sizeof ipath, "%s/%s", dir, name);
        size_t len = 0;
        char *data = util_read_limited(ipath, dir, IMPORT_IMAGE_MAX, &len, why, sizeof why);
        if (!data)
            return file_err(err, errlen, path, line, "the image \"%s\" %s",
                            excerpt(name, ex, sizeof ex), why);
        /* Checked from the header before anything is decoded. */
        int w, h;
        if (png_size_mem(data, len, &w, &h) < 0) {
            free(data);
            return file_err(err, errlen, path, line, "the image \"%s\" is not a readable PNG",
                            excerpt(name, ex, sizeof ex));
        }
        if (w > IMPORT_IMAGE_PX_MAX || h > IMPORT_IMAGE_PX_MAX) {
            free(data);
            return file_err(err, errlen, path, line, "the image \"%s\" is %dx%d pixels; at "
                            "most %dx%d", excerpt(name, ex, sizeof ex), w, h,
                            IMPORT_IMAGE_PX_MAX, IMPORT_IMAGE_PX_MAX);
        }
        uint8_t *px = NULL;
        int rc = png_read_rgba_mem(data, len, &w, &h, &px);
        free(data);
        if (rc < 0)
            return file_err(err, errlen, path, line, "the image \"%s\" is not a readable PNG",
                            excerpt(name, ex, sizeof ex));
        /* Stored at the size the reader shows it, whatever the camera made. */
        uint8_t *small = NULL;
        int sw, sh;
        png_shrink_rgba(px, w, h, IMPORT_IMAGE_SIDE, &small, &sw, &sh);
        free(px);
        void *png = NULL;
        rc = png_encode_rgba(small, sw, sh, &png, &len);
        free(small);
        if (rc < 0)
            return file_err(err, errlen, path, line, "the image \"%s\" cannot be stored",
                            excerpt(name, ex, sizeof ex));
        data = png;
        sqlite3_reset(img);
        sqlite3_bind_text(img, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(img, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(img, 3, data, (int)len, free);
        if (sqlite3_step(img) != SQLITE_DONE)
            return file_err(err, errlen, path, line, "the database refused the image: %s",
                            sqlite3_errmsg(store_db(st)));
        p = end;
    }
    return 0;
}

/* Imports one Markdown file.  text is its decoded content (modified in place).
 * 0 or -1 with err set. */
static int import_material(struct store *st, sqlite3_stmt *ins, sqlite3_stmt *del,
                           sqlite3_stmt *img, const char *dir, const char *name,
                           const char *path, char *text, int default_sort, char *err,
                           size_t errlen)
{
    char id[IMPORT_ID_MAX + 1];
    size_t idlen = strlen(name) - 3;
    if (idlen > IMPORT_ID_MAX)
        return file_err(err, errlen, path, 0, "the file name is longer than 64 bytes");
    memcpy(id, name, idlen);
    id[idlen] = 0;

    /* Line ends become LF, one for one, so line numbers stay those of the file. */
    char *w = text;
    for (char *r = text; *r; r++) {
        if (*r == '\r') {
            *w++ = '\n';
            if (r[1] == '\n')
                r++;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;

    const char *title = NULL, *category = NULL;
    int64_t sort = default_sort;
    int line = 1;
    char *p = text, *body = NULL;
    char ex[64];
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        char *l = trim(p);
        if (!*l) {
            body = nl ? nl + 1 : p + strlen(p);
            line++;
            break;
        }
        char *val = header_value(l);
        if (!val)
            return file_err(err, errlen, path, line,
                            "expected a \"title:\" or \"category:\" line; a blank line must "
                            "separate them from the text");
        char *key = trim(l);
        if (!strcasecmp(key, "title"))
            title = val;
        else if (!strcasecmp(key, "category"))
            category = val;
        else if (!strcasecmp(key, "sort") && parse_count(val, &sort) < 0)
            return file_err(err, errlen, path, line, "sort \"%s\" is not a whole number",
                            excerpt(val, ex, sizeof ex));
        if (!nl) {
            p += strlen(p);
            break;
        }
        p = nl + 1;
        line++;
    }
    if (!title || !*title)
        return file_err(err, errlen, path, 1, "the \"title:\" line is missing or empty");
    if (!category || !*category)
        return file_err(err, errlen, path, 1, "the \"category:\" line is missing or empty");
    const char *why = text_problem(title, IMPORT_TEXT_MAX);
    if (!why)
        why = text_problem(category, IMPORT_TEXT_MAX);
    if (why)
        return file_err(err, errlen, path, 1, "the title or category %s", why);
    if (!body)
        return file_err(err, errlen, path, line, "there is no text after the header");
    /* Leading blank lines are skipped (counted, so image lines stay right). */
    while (*body == '\n') {
        body++;
        line++;
    }
    size_t blen = strlen(body);
    while (blen && (body[blen - 1] == '\n' || body[blen - 1] == ' ' || body[blen - 1] == '\t'))
        body[--blen] = 0;
    if (!blen)
        return file_err(err, errlen, path, line, "there is no text after the header");
    if (blen > IMPORT_BODY_MAX)
        return file_err(err, errlen, path, 0, "the text is longer than %d bytes",
                        IMPORT_BODY_MAX);
    if (has_control(body))
        return file_err(err, errlen, path, 0, "the text contains a control character");
    if (import_has_bidi_control(body))
        return file_err(err, errlen, path, 0, "the text contains a bidirectional control "
                        "character (U+202A-U+202E, U+2066-U+2069)");

    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 4, body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 5, sort);
    sqlite3_reset(del);
    sqlite3_bind_text(del, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(del) != SQLITE_DONE)
        return file_err(err, errlen, path, 0, "the database refused the material: %s",
                        sqlite3_errmsg(store_db(st)));
    return store_images(st, img, id, body, line, dir, path, err, errlen);
}

/* Imports every *.md file of dir inside the caller's transaction.  Returns the number
 * of materials, or -1 with err set. */
static int import_materials(struct store *st, const char *dir, char *err, size_t errlen)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, is_md, alphasort);
    if (n < 0)
        return file_err(err, errlen, dir, 0, "cannot read the folder: %s", strerror(errno));
    int rc = -1, count = 0;
    sqlite3_stmt *ins = NULL, *del = NULL, *img = NULL;
    if (stage_create(st, "materials") == 0 && stage_create(st, "material_images") == 0) {
        ins = store_prepare(st, "INSERT OR REPLACE INTO temp.stage_materials(id,title,category,"
                                "body,sort) VALUES(?,?,?,?,?)");
        del = store_prepare(st, "DELETE FROM temp.stage_material_images WHERE material_id = ?");
        img = store_prepare(st, "INSERT OR REPLACE INTO temp.stage_material_images"
                                "(material_id,name,data) VALUES(?,?,?)");
    }
    if (!ins || !del || !img) {
        file_err(err, errlen, dir, 0, "cannot write materials: %s",
                 sqlite3_errmsg(store_db(st)));
        goto out;
    }
    if (n == 0) {
        file_err(err, errlen, dir, 0, "the folder holds no Markdown (.md) files");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char path[4096], msg[256];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        size_t len = 0, tlen = 0;
        int line = 0;
        /* Every .md of the folder is read, or the import refused: a pipe, a link out of
         * the folder, a device or an oversized file is said, never skipped in silence. */
        char *raw = util_read_limited(path, dir, IMPORT_MD_MAX, &len, msg, sizeof msg);
        char *text = NULL;
        if (!raw) {
            file_err(err, errlen, path, 0, "%s", msg);
            goto out;
        }
        int dec = csv_decode(raw, len, &text, &tlen, &line, msg, sizeof msg);
        free(raw);
        if (dec < 0) {
            file_err(err, errlen, path, line, "%s", msg);
            goto out;
        }
        int r = import_material(st, ins, del, img, dir, list[i]->d_name, path, text, i + 1,
                                err, errlen);
        free(text);
        if (r < 0)
            goto out;
        count++;
    }
    rc = count;
out:
    sqlite3_finalize(ins);
    sqlite3_finalize(del);
    sqlite3_finalize(img);
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return rc;
}

/* ---- public ---- */

static const struct table_spec *find_table(const char *what)
{
    for (size_t i = 0; i < ARRAY_LEN(tables); i++)
        if (!strcmp(tables[i].what, what))
            return &tables[i];
    return NULL;
}

int import_file(struct store *st, const char *what, const char *path, char *err,
                size_t errlen)
{
    const struct table_spec *t = find_table(what);
    if (!t && strcmp(what, "materials")) {
        util_seterr(err, errlen, "cannot import \"%s\": expected jobs, trainings, activities, "
                             "places, services or materials", what);
        return -1;
    }
    if (!sqlite3_get_autocommit(store_db(st))) {
        util_seterr(err, errlen, "%s: the database is in the middle of another change", path);
        return -1;
    }
    /* Reading and checking write only the staging tables: a plain BEGIN takes no lock on
     * the kiosk's database for them. */
    int n = -1;
    if (store_exec(st, "BEGIN") == 0) {
        n = t ? import_csv(st, t, path, 0, err, errlen) : import_materials(st, path, err, errlen);
        if (n < 0 || store_commit(st) < 0) {
            if (n >= 0)
                util_seterr(err, errlen, "%s: cannot stage the file: %s", path,
                            sqlite3_errmsg(store_db(st)));
            store_rollback(st);
            n = -1;
        }
    } else {
        util_seterr(err, errlen, "%s: cannot start a transaction: %s", path,
                    sqlite3_errmsg(store_db(st)));
    }
    if (n < 0)
        return -1;
    /* The one short write: the staged rows replace the table's. */
    if (store_begin(st) < 0 || swap(st, what) < 0 || store_commit(st) < 0) {
        util_seterr(err, errlen, "%s: cannot apply the file: %s", path,
                    sqlite3_errmsg(store_db(st)));
        store_rollback(st);
        return -1;
    }
    return n;
}

void import_summary(const char *what, int count, char *out, size_t size)
{
    snprintf(out, size, "%s: %d imported", what, count);
}

int import_demo(struct store *st, const char *demo_dir, int64_t now_ms, char *err,
                size_t errlen)
{
    static const char *const order[] = {"places", "jobs", "trainings", "activities",
                                        "services"};
    int days = import_demo_shift_days(now_ms);
    /* The caller's transaction when one is open (the kiosk's first start, with its
     * marker), else one of its own. */
    int own = sqlite3_get_autocommit(store_db(st));
    if (own && store_begin(st) < 0) {
        util_seterr(err, errlen, "%s: cannot start a transaction: %s", demo_dir,
                sqlite3_errmsg(store_db(st)));
        return -1;
    }
    int total = 0;
    char path[4096];
    for (size_t i = 0; i < ARRAY_LEN(order); i++) {
        snprintf(path, sizeof path, "%s/%s.csv", demo_dir, order[i]);
        const struct table_spec *t = find_table(order[i]);
        /* Places and services are not dated; they have no COL_TIME/COL_DATE column, so
         * the shift touches only the dated kinds. */
        int n = import_csv(st, t, path, days, err, errlen);
        if (n < 0)
            goto fail;
        if (swap(st, order[i]) < 0) {
            util_seterr(err, errlen, "%s: cannot apply: %s", path, sqlite3_errmsg(store_db(st)));
            goto fail;
        }
        total += n;
    }
    snprintf(path, sizeof path, "%s/materials", demo_dir);
    int n = import_materials(st, path, err, errlen);
    if (n < 0)
        goto fail;
    if (swap(st, "materials") < 0) {
        util_seterr(err, errlen, "%s: cannot apply: %s", path, sqlite3_errmsg(store_db(st)));
        goto fail;
    }
    total += n;
    if (own && store_commit(st) < 0) {
        util_seterr(err, errlen, "%s: cannot commit: %s", demo_dir, sqlite3_errmsg(store_db(st)));
        goto fail;
    }
    return total;
fail:
    if (own)
        store_rollback(st);
    return -1;
}
