/* report — the year's figures for the organisation department (`kioskctl centre report`):
 * per hall, rolled up district → street → community, and per month in Asia/Shanghai
 * days, counted from kiosk_records_masked (kiosk-config/central/006-reports.sql), so an
 * analyst's login can make it.  A hall is where the service happened: the kiosk's hall.
 *
 * Figures (REPORT_COLUMNS, in this order, Chinese headings):
 *   报到登记            registrations
 *   活动签到            check-ins to an activity, a person once per activity however many
 *                       kiosks they used (counted where and when they first checked in)
 *   日常到访            check-ins with no activity open: a person once per day
 *   咨询                consultations, and 其中：协助解决劳资纠纷 (labour disputes) on
 *                       their own; each topic also gets a column 咨询：<topic> at the end
 *   求职意向, 培训报名, 培训候补 (the waiting list, apart), 排队取号
 *   学习（次）, 学习时长（分钟） study sessions (study_view: 30 s or more of reading)
 *   评价（次）, 其中满意, 其中不满意 (好差评: grade 4–5, 1–2), then each grade on its
 *                       own (评价：非常满意 … 评价：非常不满意, from kiosk_evaluations,
 *                       201-evaluations.sql), 满意率（%） (grades 5 and 4 of the graded,
 *                       one decimal; empty without any), and the reasons given after a
 *                       low grade (不满意原因：等太久, 太难用, 信息不准确, 打印不了, 其他)
 *   呼叫工作人员
 *
 * Writers: CSV in UTF-8 with a byte-order mark (Excel opens it as is), RFC 4180 quoting;
 * XLSX through libxlsxwriter, one sheet per grouping (按单位, 按月份, 按单位和月份 — the
 * last for --by hall,month, which also gets the other two), each with a totals row.
 * Both write FILE.tmp and rename it, so a file under FILE is always whole.
 *
 * Owns: the report it builds.  Never does: read a name, ID number or phone. */
#ifndef KIOSK_CENTRE_REPORT_H
#define KIOSK_CENTRE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

enum report_by {
    REPORT_BY_HALL = 1,
    REPORT_BY_MONTH = 2,
    REPORT_BY_HALL_MONTH = 3,
};

/* The fixed figures: their keys (as report_add takes them) and headings. */
enum report_col {
    RC_REGISTRATION, RC_CHECKIN, RC_VISIT, RC_CONSULTATION, RC_LABOUR, RC_JOB_INTEREST,
    RC_TRAINING_SIGNUP, RC_TRAINING_WAITLIST, RC_QUEUE_TICKET, RC_STUDY, RC_STUDY_SECONDS,
    RC_EVALUATION, RC_SATISFIED, RC_DISSATISFIED, RC_GRADE_5, RC_GRADE_4, RC_GRADE_3,
    RC_GRADE_2, RC_GRADE_1, RC_SATISFIED_PCT, RC_REASON_WAIT, RC_REASON_HARD, RC_REASON_INFO,
    RC_REASON_PRINT, RC_REASON_OTHER, RC_HELP_REQUEST, RC_FIXED
};

/* The consultation topic counted on its own line. */
#define REPORT_LABOUR_TOPIC "协助解决劳资纠纷"

struct report;

/* An empty report for the days from..to (YYYY-MM-DD, to inclusive, from <= to).
 * NULL when the dates are not real or out of order. */
struct report *report_new(const char *from, const char *to);
/* Adds a hall (before any figure of it); parent NULL for the top.  Halls are shown in
 * the order added below their parent.  Returns 0, -1 for an unknown parent. */
int report_add_hall(struct report *r, const char *id, const char *name, const char *level,
                    const char *parent);
/* Adds `n` to a figure of a hall in a month ("YYYY-MM").  `fig` is a figure key
 * (registration, checkin, visit, consultation, job_interest, training_signup,
 * training_waitlist, queue_ticket, study, study_seconds, evaluation, satisfied,
 * dissatisfied, grade_5 … grade_1, reason_<code> for the reasons' codes (waited_too_long,
 * hard_to_use, wrong_information, could_not_print, other), help_request; the share
 * satisfied is worked out, never added); for consultation, topic names its topic (labour disputes
 * count into their own figure too).  Returns 0, -1 for an unknown hall, month or key. */
int report_add(struct report *r, const char *hall, const char *month, const char *fig,
               const char *topic, int64_t n);

/* Reads the halls and counts the records of the period from the central database. */
int report_build(PGconn *c, const char *from, const char *to, struct report **out, char *err,
                 size_t errlen);

/* One grouping as a table: row 0 the headings, then a row per group (halls in tree
 * order, names indented by level; months in order), then 合计.  Cells are owned by the
 * table. */
struct report_table {
    int rows, cols;
    char ***cell;            /* cell[row][col] */
    int numeric_from;        /* columns from here on are numbers */
};
int report_table(const struct report *r, enum report_by by, struct report_table *out);
void report_table_free(struct report_table *t);

int report_write_csv(const struct report *r, enum report_by by, const char *path, char *err,
                     size_t errlen);
int report_write_xlsx(const struct report *r, enum report_by by, const char *path, char *err,
                      size_t errlen);
void report_free(struct report *r);

#endif
