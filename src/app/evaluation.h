/* evaluation — 好差评 (国办发〔2019〕51号: 一次一评): the grade a person gives an errand
 * that has ended on its receipt, and after a low grade the reasons, kept as a record of
 * kind `evaluation` with the fields {errand_uuid, errand_kind, grade, reasons}
 * (PRODUCT.md "Records"): grade 5 = 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 = 非常不满意;
 * reasons an array of the codes below (empty when none were chosen).  Every field says
 * what was done, never who did it (STORE_CLEAR_FIELDS): an evaluation is uploaded,
 * exported and counted like any record, in clear.
 *
 * Which errands ask: registration, consultation, queue_ticket, job_interest,
 * training_signup and training_waitlist always; a check-in (a queue at the door) only
 * with [checkin] ask_rating.
 *
 * Operations and their cost: recording is one indexed look-up (is the errand there, is
 * it rated already) and one commit; a day's figures one grouped count over that day's
 * records.
 *
 * Owns: nothing.  Never does: UI, catalogue texts, anything personal. */
#ifndef KIOSK_EVALUATION_H
#define KIOSK_EVALUATION_H

#include <stdint.h>

struct config;
struct store;

#define EVALUATION_TOP 5       /* 非常满意 */
#define EVALUATION_LOW 2       /* grades at or below this (不满意, 非常不满意) ask for reasons */
#define EVALUATION_REASONS 5

/* The i-th reason (0 .. EVALUATION_REASONS-1) as stored: "waited_too_long" (等太久),
 * "hard_to_use" (太难用), "wrong_information" (信息不准确), "could_not_print" (打印不了),
 * "other" (其他); NULL out of range.  The catalogue's key is "rating.reason.<code>". */
const char *evaluation_reason(int i);

/* 1 when an errand of this record kind ends asking for a grade. */
int evaluation_asks(const struct config *cfg, const char *errand_kind);

enum evaluation_result {
    EVALUATION_SAVED,    /* committed; uuid_out names it */
    EVALUATION_ALREADY,  /* that errand has its grade: nothing written */
    EVALUATION_REFUSED,  /* no such errand, a kind that does not ask, a grade out of 1..5 */
    EVALUATION_FAILED,   /* the database did not take it (logged) */
};

/* Records grade (1..5) for the committed errand record errand_uuid, its kind read from
 * that record; reasons: bit i set for evaluation_reason(i).  One grade per errand.
 * uuid_out (may be NULL) receives the evaluation's UUID. */
enum evaluation_result evaluation_record(struct store *st, const struct config *cfg,
                                         int64_t now_ms, const char *errand_uuid, int grade,
                                         unsigned reasons, char uuid_out[37]);

/* 1 when errand_uuid has its grade, 0 when not, -1 on error (logged). */
int evaluation_rated(struct store *st, const char *errand_uuid);

/* The evaluations of a kiosk-local day (YYYY-MM-DD): how many of each grade. */
struct evaluation_day {
    int by_grade[EVALUATION_TOP + 1];   /* [1..5]; [0] unused */
    int total;
    int satisfied;                      /* grades 5 and 4 */
};
/* Fills *out (zeroed on failure).  0, or -1 (logged). */
int evaluation_day(struct store *st, const char *local_date, struct evaluation_day *out);
/* The share satisfied (grades 5 and 4 of all) in whole per cent, rounded; -1 when the day
 * has none. */
int evaluation_satisfied_pct(const struct evaluation_day *d);

#endif
