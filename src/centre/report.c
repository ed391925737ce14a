/* report — see report.h.  The database counts (one query, grouped by the kiosk's hall,
 * the month and the figure); this file rolls the counts up the hall tree and lays out
 * the tables.  Rolling up adds a hall's own counts to each hall above it, which is
 * right for every figure because each person-activity check-in and each person-day visit
 * is counted once, where it first happened. */
#include "centre/report.h"

#include "centre/centre.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

static const struct {
    const char *key, *heading;
} fixed[RC_FIXED] = {
    [RC_REGISTRATION] = {"registration", "报到登记"},
    [RC_CHECKIN] = {"checkin", "活动签到（每人每活动一次）"},
    [RC_VISIT] = {"visit", "日常到访（每人每天一次）"},
    [RC_CONSULTATION] = {"consultation", "咨询"},
    [RC_LABOUR] = {"labour", "其中：" REPORT_LABOUR_TOPIC},
    [RC_JOB_INTEREST] = {"job_interest", "求职意向"},
    [RC_TRAINING_SIGNUP] = {"training_signup", "培训报名"},
    [RC_TRAINING_WAITLIST] = {"training_waitlist", "培训候补"},
    [RC_QUEUE_TICKET] = {"queue_ticket", "排队取号"},
    [RC_STUDY] = {"study", "学习（次）"},
    [RC_STUDY_SECONDS] = {"study_seconds", "学习时长（分钟）"},
    [RC_EVALUATION] = {"evaluation", "评价（次）"},
    [RC_SATISFIED] = {"satisfied", "其中满意"},
    [RC_DISSATISFIED] = {"dissatisfied", "其中不满意"},
    [RC_GRADE_5] = {"grade_5", "评价：非常满意"},
    [RC_GRADE_4] = {"grade_4", "评价：满意"},
    [RC_GRADE_3] = {"grade_3", "评价：基本满意"},
    [RC_GRADE_2] = {"grade_2", "评价：不满意"},
    [RC_GRADE_1] = {"grade_1", "评价：非常不满意"},
    [RC_SATISFIED_PCT] = {"satisfied_pct", "满意率（%，非常满意与满意占评价）"},
    [RC_REASON_WAIT] = {"reason_waited_too_long", "不满意原因：等太久"},
    [RC_REASON_HARD] = {"reason_hard_to_use", "不满意原因：太难用"},
    [RC_REASON_INFO] = {"reason_wrong_information", "不满意原因：信息不准确"},
    [RC_REASON_PRINT] = {"reason_could_not_print", "不满意原因：打印不了"},
    [RC_REASON_OTHER] = {"reason_other", "不满意原因：其他"},
    [RC_HELP_REQUEST] = {"help_request", "呼叫工作人员"},
};

struct hall {
    char id[40], name[160], level[16];
    int parent;             /* index, -1 for the top */
    int depth;
};

struct fact {
    int hall, month, col;   /* col: enum report_col, or RC_FIXED + topic index */
    int64_t n;
};

struct report {
    char from[11], to[11];
    struct hall *halls;
    int nhalls;
    char (*months)[8];
    int nmonths;
    char **topics;
    int ntopics;
    struct fact *facts;
    int nfacts, capfacts;
};

static int parse_day(const char *s, int *y, int *m, int *d)
{
    int n = 0;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) == 3 && n == 10 &&
           s[4] == '-' && s[7] == '-' && util_valid_date(*y, *m, *d);
}

struct report *report_new(const char *from, const char *to)
{
    int y1, m1, d1, y2, m2, d2;
    if (!parse_day(from, &y1, &m1, &d1) || !parse_day(to, &y2, &m2, &d2) ||
        strcmp(from, to) > 0)
        return NULL;
    struct report *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    util_strlcpy(r->from, from, sizeof r->from);
    util_strlcpy(r->to, to, sizeof r->to);
    r->nmonths = (y2 - y1) * 12 + (m2 - m1) + 1;
    r->months = calloc((size_t)r->nmonths, sizeof *r->months);
    if (!r->months)
        abort();
    for (int i = 0, y = y1, m = m1; i < r->nmonths; i++) {
        snprintf(r->months[i], sizeof r->months[i], "%04d-%02d", y, m);
        if (++m > 12)
            m = 1, y++;
    }
    return r;
}

void report_free(struct report *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->ntopics; i++)
        free(r->topics[i]);
    free(r->topics);
    free(r->halls);
    free(r->months);
    free(r->facts);
    free(r);
}

static int find_hall(const struct report *r, const char *id)
{
    for (int i = 0; id && i < r->nhalls; i++)
        if (strcmp(r->halls[i].id, id) == 0)
            return i;
    return -1;
}

int report_add_hall(struct report *r, const char *id, const char *name, const char *level,
                    const char *parent)
{
    int p = parent ? find_hall(r, parent) : -1;
    if (parent && p < 0)
        return -1;
    r->halls = realloc(r->halls, sizeof *r->halls * (size_t)(r->nhalls + 1));
    if (!r->halls)
        abort();
    struct hall *h = &r->halls[r->nhalls++];
    memset(h, 0, sizeof *h);
    util_strlcpy(h->id, id, sizeof h->id);
    util_strlcpy(h->name, name, sizeof h->name);
    util_strlcpy(h->level, level, sizeof h->level);
    h->parent = p;
    h->depth = p < 0 ? 0 : r->halls[p].depth + 1;
    return 0;
}

static int topic_col(struct report *r, const char *topic)
{
    for (int i = 0; i < r->ntopics; i++)
        if (strcmp(r->topics[i], topic) == 0)
            return RC_FIXED + i;
    r->topics = realloc(r->topics, sizeof *r->topics * (size_t)(r->ntopics + 1));
    if (!r->topics)
        abort();
    r->topics[r->ntopics] = strdup(topic);
    if (!r->topics[r->ntopics])
        abort();
    return RC_FIXED + r->ntopics++;
}

static void add_fact(struct report *r, int hall, int month, int col, int64_t n)
{
    if (r->nfacts == r->capfacts) {
        r->capfacts = r->capfacts ? 2 * r->capfacts : 64;
        r->facts = realloc(r->facts, sizeof *r->facts * (size_t)r->capfacts);
        if (!r->facts)
            abort();
    }
    r->facts[r->nfacts++] = (struct fact){hall, month, col, n};
}

int report_add(struct report *r, const char *hall, const char *month, const char *fig,
               const char *topic, int64_t n)
{
    int h = find_hall(r, hall), m = -1, col = -1;
    for (int i = 0; i < r->nmonths && m < 0; i++)
        if (strcmp(r->months[i], month) == 0)
            m = i;
    for (int i = 0; i < RC_FIXED && col < 0; i++)
        if (strcmp(fixed[i].key, fig) == 0 && i != RC_LABOUR && i != RC_SATISFIED_PCT)
            col = i;
    if (h < 0 || m < 0 || col < 0)
        return -1;
    add_fact(r, h, m, col, n);
    if (col == RC_CONSULTATION) {
        const char *t = topic && *topic ? topic : "（未注明主题）";
        add_fact(r, h, m, topic_col(r, t), n);
        if (strcmp(t, REPORT_LABOUR_TOPIC) == 0)
            add_fact(r, h, m, RC_LABOUR, n);
    }
    return 0;
}

/* ---- from the database ---------------------------------------------------------------- */

/* Per hall, month and figure, over the period's Asia/Shanghai days.  Check-ins and visits
 * are first reduced to one row per person and activity (per person and day): the first,
 * which says where and when it counts.  A record without a certificate number stands for
 * itself. */
static const char facts_sql[] =
    "WITH r AS ("
    " SELECT hall_id, kind, created_at, record_uuid::text AS id, local_date, activity_id,"
    "  topic, person, grade, seconds,"
    "  to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month"
    " FROM kiosk_records_masked"
    " WHERE hall_id IS NOT NULL"
    "  AND created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai'"
    "  AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),"
    " e AS (SELECT hall_id, grade, reasons,"
    "  to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month"
    " FROM kiosk_evaluations"
    " WHERE hall_id IS NOT NULL"
    "  AND created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai'"
    "  AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),"
    " checkins AS (SELECT DISTINCT ON (coalesce(person, id), activity_id) hall_id, month"
    "  FROM r WHERE kind = 'checkin' AND coalesce(activity_id, '') <> ''"
    "  ORDER BY coalesce(person, id), activity_id, created_at),"
    " visits AS (SELECT DISTINCT ON (coalesce(person, id), local_date) hall_id, month"
    "  FROM r WHERE kind = 'checkin' AND coalesce(activity_id, '') = ''"
    "  ORDER BY coalesce(person, id), local_date, created_at)"
    " SELECT hall_id, month, kind, NULL, count(*) FROM r"
    "  WHERE kind IN ('registration', 'job_interest', 'training_signup', 'training_waitlist',"
    "   'queue_ticket', 'help_request', 'evaluation')"
    "  GROUP BY 1, 2, 3"
    " UNION ALL SELECT hall_id, month, 'checkin', NULL, count(*) FROM checkins GROUP BY 1, 2"
    " UNION ALL SELECT hall_id, month, 'visit', NULL, count(*) FROM visits GROUP BY 1, 2"
    " UNION ALL SELECT hall_id, month, 'consultation', coalesce(topic, ''), count(*) FROM r"
    "  WHERE kind = 'consultation' GROUP BY 1, 2, 4"
    " UNION ALL SELECT hall_id, month, 'study', NULL, count(*) FROM r"
    "  WHERE kind = 'study_view' GROUP BY 1, 2"
    " UNION ALL SELECT hall_id, month, 'study_seconds', NULL, coalesce(sum(seconds), 0) FROM r"
    "  WHERE kind = 'study_view' GROUP BY 1, 2"
    " UNION ALL SELECT hall_id, month, 'satisfied', NULL, count(*) FROM r"
    "  WHERE kind = 'evaluation' AND grade >= 4 GROUP BY 1, 2"
    " UNION ALL SELECT hall_id, month, 'dissatisfied', NULL, count(*) FROM r"
    "  WHERE kind = 'evaluation' AND grade <= 2 GROUP BY 1, 2"
    " UNION ALL SELECT hall_id, month, 'grade_' || grade, NULL, count(*) FROM e"
    "  WHERE grade IS NOT NULL GROUP BY 1, 2, grade"
    /* Unknown reasons come back too: report_add leaves out what it has no column for. */
    " UNION ALL SELECT hall_id, month, 'reason_' || x, NULL, count(*) FROM e, unnest(reasons) x"
    "  GROUP BY 1, 2, x";

int report_build(PGconn *c, const char *from, const char *to, struct report **out, char *err,
                 size_t errlen)
{
    *out = NULL;
    struct report *r = report_new(from, to);
    if (!r) {
        util_seterr(err, errlen, "the period is from YYYY-MM-DD to YYYY-MM-DD, --from not"
                                 " after --to (got %s to %s)", from, to);
        return -1;
    }
    char msg[512];
    /* Parents come before their halls: the district, then streets, then communities. */
    PGresult *h = centre_query(c,
                               "SELECT hall_id, name, level, parent_id FROM halls ORDER BY"
                               " CASE level WHEN 'district' THEN 0 WHEN 'street' THEN 1 ELSE 2 END,"
                               " hall_id",
                               0, NULL, msg, sizeof msg);
    if (!h) {
        util_seterr(err, errlen, "the halls cannot be read: %s", msg);
        report_free(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(h); i++)
        report_add_hall(r, PQgetvalue(h, i, 0), PQgetvalue(h, i, 1), PQgetvalue(h, i, 2),
                        PQgetisnull(h, i, 3) ? NULL : PQgetvalue(h, i, 3));
    PQclear(h);
    const char *p[2] = {from, to};
    PGresult *f = centre_query(c, facts_sql, 2, p, msg, sizeof msg);
    if (!f) {
        util_seterr(err, errlen, "the records cannot be counted: %s", msg);
        report_free(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(f); i++)
        report_add(r, PQgetvalue(f, i, 0), PQgetvalue(f, i, 1), PQgetvalue(f, i, 2),
                   PQgetisnull(f, i, 3) ? NULL : PQgetvalue(f, i, 3),
                   atoll(PQgetvalue(f, i, 4)));
    PQclear(f);
    *out = r;
    return 0;
}

/* ---- tables ------------------------------------------------------------------------- */

/* Halls in tree order: each followed by the halls below it, in the order added. */
static int tree_order(const struct report *r, int parent, int *out, int n)
{
    for (int i = 0; i < r->nhalls; i++)
        if (r->halls[i].parent == parent) {
            out[n++] = i;
            n = tree_order(r, i, out, n);
        }
    return n;
}

static const char *level_name(const char *level)
{
    return !strcmp(level, "district") ? "区" : !strcmp(level, "street") ? "街道（乡镇）" : "社区";
}

/* Topics in the order of their totals, most first (then by name). */
static int topic_total(const struct report *r, int t)
{
    int64_t n = 0;
    for (int i = 0; i < r->nfacts; i++)
        if (r->facts[i].col == RC_FIXED + t)
            n += r->facts[i].n;
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

struct topic_order {
    int t, total;
    const char *name;
};

static int cmp_topics(const void *a, const void *b)
{
    const struct topic_order *x = a, *y = b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return strcmp(x->name, y->name);
}

static char *num_text(int64_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)n);
    char *s = strdup(buf);
    if (!s)
        abort();
    return s;
}

static char *text(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

/* The share satisfied of a row: grades 5 and 4 of all graded, one decimal; "" when none. */
static char *share_text(const int64_t *acc)
{
    int64_t all = 0;
    for (int c = RC_GRADE_5; c <= RC_GRADE_1; c++)
        all += acc[c];
    if (all == 0)
        return text("");
    char buf[32];
    snprintf(buf, sizeof buf, "%.1f", 100.0 * (double)(acc[RC_GRADE_5] + acc[RC_GRADE_4]) / (double)all);
    return text(buf);
}

/* The figures of one row, cols long: study seconds shown as whole minutes. */
static void fill_figures(char **row, const int64_t *acc, const struct topic_order *tops,
                         int ntopics)
{
    for (int c = 0; c < RC_FIXED; c++)
        row[c] = c == RC_SATISFIED_PCT ? share_text(acc)
                                       : num_text(c == RC_STUDY_SECONDS ? (acc[c] + 30) / 60 : acc[c]);
    for (int t = 0; t < ntopics; t++)
        row[RC_FIXED + t] = num_text(acc[RC_FIXED + tops[t].t]);
}

int report_table(const struct report *r, enum report_by by, struct report_table *out)
{
    memset(out, 0, sizeof *out);
    int ncols = RC_FIXED + r->ntopics;
    struct topic_order *tops = calloc((size_t)r->ntopics + 1, sizeof *tops);
    int *order = calloc((size_t)r->nhalls + 1, sizeof *order);
    if (!tops || !order)
        abort();
    for (int t = 0; t < r->ntopics; t++)
        tops[t] = (struct topic_order){t, topic_total(r, t), r->topics[t]};
    qsort(tops, (size_t)r->ntopics, sizeof *tops, cmp_topics);
    int nh = tree_order(r, -1, order, 0);

    int lead = by == REPORT_BY_MONTH ? 1 : by == REPORT_BY_HALL ? 3 : 4;
    int groups = by == REPORT_BY_MONTH ? r->nmonths : by == REPORT_BY_HALL ? nh : nh * r->nmonths;
    out->rows = groups + 2;
    out->cols = lead + ncols;
    out->numeric_from = lead;
    out->cell = calloc((size_t)out->rows, sizeof *out->cell);
    if (!out->cell)
        abort();
    for (int i = 0; i < out->rows; i++) {
        out->cell[i] = calloc((size_t)out->cols, sizeof **out->cell);
        if (!out->cell[i])
            abort();
    }
    /* Headings. */
    char **hd = out->cell[0];
    int k = 0;
    if (by != REPORT_BY_MONTH) {
        hd[k++] = text("单位编号");
        hd[k++] = text("单位");
        hd[k++] = text("层级");
    }
    if (by != REPORT_BY_HALL)
        hd[k++] = text("月份");
    for (int c = 0; c < RC_FIXED; c++)
        hd[k + c] = text(fixed[c].heading);
    for (int t = 0; t < r->ntopics; t++) {
        char h[300];
        snprintf(h, sizeof h, "咨询：%s", r->topics[tops[t].t]);
        hd[k + RC_FIXED + t] = text(h);
    }

    /* acc[(hall * months + month) * ncols + col]: rolled up; total[col]: all of it. */
    size_t cells = (size_t)(r->nhalls ? r->nhalls : 1) * (size_t)r->nmonths * (size_t)ncols;
    int64_t *acc = calloc(cells, sizeof *acc), *total = calloc((size_t)ncols, sizeof *total);
    int64_t *row = calloc((size_t)ncols, sizeof *row);
    if (!acc || !total || !row)
        abort();
    for (int i = 0; i < r->nfacts; i++) {
        const struct fact *f = &r->facts[i];
        total[f->col] += f->n;
        for (int h = f->hall; h >= 0; h = r->halls[h].parent)
            acc[((size_t)h * (size_t)r->nmonths + (size_t)f->month) * (size_t)ncols +
                (size_t)f->col] += f->n;
    }
    int ri = 1;
    for (int g = 0; g < groups; g++, ri++) {
        char **cr = out->cell[ri];
        memset(row, 0, sizeof *row * (size_t)ncols);
        int h = by == REPORT_BY_MONTH ? -1 : order[by == REPORT_BY_HALL ? g : g / r->nmonths];
        int m = by == REPORT_BY_MONTH ? g : by == REPORT_BY_HALL ? -1 : g % r->nmonths;
        k = 0;
        if (h >= 0) {
            char name[200] = "";
            for (int d = 0; d < r->halls[h].depth; d++)
                strcat(name, "　"); /* a full-width space a level */
            strncat(name, r->halls[h].name, sizeof name - strlen(name) - 1);
            cr[k++] = text(r->halls[h].id);
            cr[k++] = text(name);
            cr[k++] = text(level_name(r->halls[h].level));
        }
        if (m >= 0)
            cr[k++] = text(r->months[m]);
        for (int c = 0; c < ncols; c++) {
            if (h >= 0 && m >= 0)
                row[c] = acc[((size_t)h * (size_t)r->nmonths + (size_t)m) * (size_t)ncols + (size_t)c];
            else if (h >= 0)
                for (int mm = 0; mm < r->nmonths; mm++)
                    row[c] += acc[((size_t)h * (size_t)r->nmonths + (size_t)mm) * (size_t)ncols +
                                  (size_t)c];
            else
                for (int i = 0; i < r->nfacts; i++)
                    if (r->facts[i].month == m && r->facts[i].col == c)
                        row[c] += r->facts[i].n;
        }
        fill_figures(cr + k, row, tops, r->ntopics);
    }
    /* Totals: everything the district's kiosks did in the period. */
    char **tr = out->cell[ri];
    tr[0] = text("合计");
    for (k = 1; k < lead; k++)
        tr[k] = text("");
    fill_figures(tr + lead, total, tops, r->ntopics);
    free(acc);
    free(total);
    free(row);
    free(tops);
    free(order);
    return 0;
}

void report_table_free(struct report_table *t)
{
    for (int i = 0; i < t->rows; i++) {
        for (int j = 0; j < t->cols; j++)
            free(t->cell[i][j]);
        free(t->cell[i]);
    }
    free(t->cell);
    memset(t, 0, sizeof *t);
}

/* ---- writers --------------------------------------------------------------------------- */

static void tmp_path(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s.tmp", path);
}

static int finish(const char *tmp, const char *path, char *err, size_t errlen)
{
    if (rename(tmp, path) < 0) {
        util_seterr(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void csv_cell(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

int report_write_csv(const struct report *r, enum report_by by, const char *path, char *err,
                     size_t errlen)
{
    struct report_table t;
    report_table(r, by, &t);
    char tmp[4200];
    tmp_path(path, tmp, sizeof tmp);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        util_seterr(err, errlen, "%s: %s", tmp, strerror(errno));
        report_table_free(&t);
        return -1;
    }
    fputs("\xEF\xBB\xBF", f); /* UTF-8 byte-order mark: Excel then reads it as UTF-8 */
    for (int i = 0; i < t.rows; i++) {
        for (int j = 0; j < t.cols; j++) {
            if (j)
                fputc(',', f);
            csv_cell(f, t.cell[i][j]);
        }
        fputs("\r\n", f);
    }
    report_table_free(&t);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        util_seterr(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return finish(tmp, path, err, errlen);
}

static int xlsx_sheet(lxw_workbook *wb, const struct report *r, enum report_by by,
                      const char *name, lxw_format *bold, lxw_format *head)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws)
        return -1;
    struct report_table t;
    report_table(r, by, &t);
    for (int i = 0; i < t.rows; i++) {
        int last = i == t.rows - 1;
        for (int j = 0; j < t.cols; j++) {
            lxw_format *fmt = i == 0 ? head : last ? bold : NULL;
            if (i > 0 && j >= t.numeric_from && !t.cell[i][j][0])
                worksheet_write_blank(ws, (lxw_row_t)i, (lxw_col_t)j, fmt);
            else if (i > 0 && j >= t.numeric_from)
                worksheet_write_number(ws, (lxw_row_t)i, (lxw_col_t)j, atof(t.cell[i][j]), fmt);
            else
                worksheet_write_string(ws, (lxw_row_t)i, (lxw_col_t)j, t.cell[i][j], fmt);
        }
    }
    worksheet_set_column(ws, 0, 0, by == REPORT_BY_MONTH ? 10 : 12, NULL);
    if (by != REPORT_BY_MONTH)
        worksheet_set_column(ws, 1, 1, 30, NULL);
    worksheet_set_column(ws, (lxw_col_t)t.numeric_from, (lxw_col_t)(t.cols - 1), 12, NULL);
    worksheet_freeze_panes(ws, 1, (lxw_col_t)t.numeric_from);
    report_table_free(&t);
    return 0;
}

int report_write_xlsx(const struct report *r, enum report_by by, const char *path, char *err,
                      size_t errlen)
{
    char tmp[4200];
    tmp_path(path, tmp, sizeof tmp);
    lxw_workbook *wb = workbook_new(tmp);
    if (!wb) {
        util_seterr(err, errlen, "%s: cannot create the workbook", tmp);
        return -1;
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    int rc = 0;
    if (by == REPORT_BY_HALL_MONTH)
        rc = xlsx_sheet(wb, r, REPORT_BY_HALL_MONTH, "按单位和月份", bold, head);
    if (rc == 0 && (by & REPORT_BY_HALL))
        rc = xlsx_sheet(wb, r, REPORT_BY_HALL, "按单位", bold, head);
    if (rc == 0 && (by & REPORT_BY_MONTH))
        rc = xlsx_sheet(wb, r, REPORT_BY_MONTH, "按月份", bold, head);
    lxw_error e = workbook_close(wb);
    if (rc < 0 || e != LXW_NO_ERROR) {
        util_seterr(err, errlen, "%s: cannot write the workbook: %s", tmp,
                    e != LXW_NO_ERROR ? lxw_strerror(e) : "a sheet failed");
        unlink(tmp);
        return -1;
    }
    return finish(tmp, path, err, errlen);
}
