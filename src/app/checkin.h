/* checkin — the application side of 活动签到: which activities are open, what a scanned
 * or typed activity-certificate number (活动证编号) is, once per person per activity, the
 * scanner's double read, who the person is, and the check-in records themselves.
 *
 * Operations and their cost (the kiosk must keep up with a queue at a meeting):
 *   checkin_open_activities  one indexed-free query on the small activities table, cached
 *                            per minute (opening and closing happen on minute boundaries)
 *   checkin_submit/record    two lookups through the records_by_certificate index (store
 *                            migration 2) and one durable insert; no full-table scan
 *   checkin_print_stats      uses records_by_date; for kioskctl stats
 *
 * Rules:
 *   - A number must follow the certificate rule in force (app/certrule.h: the shape,
 *     then the district's or the configured pattern); one that does not is
 *     CHECKIN_INVALID and nothing is written.
 *   - An activity is open from [checkin] open_before_min before starts_at until ends_at
 *     (activities' times are local "YYYY-MM-DD HH:MM").  None open: the check-in is a
 *     visit to the hall (日常到访, activity_id null), at most one a person a day; a visit
 *     recorded later than the clock now says (the clock went back) counts as today's.
 *   - Once per person per activity: a second check-in with the same certificate number
 *     writes nothing and reports the first one's time (CHECKIN_ALREADY).
 *   - The same number again within [checkin] double_read_ms of the last check-in is the
 *     scanner reading twice: the last result again, flagged `repeat`, nothing written.
 *   - Records: kind "checkin", fields {certificate_no, activity_id (null for a visit),
 *     activity_title ("日常到访" for a visit), method ("scan"|"typed"), local_time
 *     ("YYYY-MM-DD HH:MM:SS")}.
 *   - Who: the newest registration record on this kiosk whose fields.certificate_no is
 *     the number, else the member directory the centre publishes (members: masked names
 *     only); a name is only ever handed out masked (张*).
 *   - Unknown: a number that follows the rule but is in neither, on a kiosk that has the
 *     directory (it has synced or taken a content bundle), is not recorded at once:
 *     CHECKIN_UNKNOWN asks 重新输入 / 仍然签到 / 去报到登记.  仍然签到
 *     (checkin_submit_anyway) records it with "verified": false.  A kiosk without the
 *     directory (stand-alone) checks in as before.
 *   - Once per activity across the hall: the check-ins other kiosks made to the
 *     activities this kiosk shows (hall_checkins, from the centre) count as the first
 *     one too (CHECKIN_ALREADY, elsewhere set, no uuid).
 *
 * Owns: its prepared statements, the last result (double read) and the open-activities
 * cache.  Never does: UI, catalogue texts (screens turn results into sentences), keep
 * an unmasked name after a call returns. */
#ifndef KIOSK_CHECKIN_H
#define KIOSK_CHECKIN_H

#include <stdint.h>
#include <stdio.h>

#include "app/validate.h"

struct store;
struct config;
struct checkin;

#define CHECKIN_ID_SIZE 64
#define CHECKIN_TITLE_SIZE 256
#define CHECKIN_MAX_OPEN 16      /* more activities open at once than a hall ever has */
#define CHECKIN_VISIT_TITLE "日常到访" /* the stored title of a visit (data for the centre) */

enum checkin_method { CHECKIN_SCAN, CHECKIN_TYPED };

struct checkin_activity {
    char id[CHECKIN_ID_SIZE];
    char title[CHECKIN_TITLE_SIZE];
    char starts_at[20], ends_at[20];   /* local "YYYY-MM-DD HH:MM" */
    char venue[CHECKIN_TITLE_SIZE];
};

enum checkin_status {
    CHECKIN_DONE,     /* recorded now */
    CHECKIN_ALREADY,  /* checked in before: nothing written, first_* describe the first */
    CHECKIN_CHOOSE,   /* several activities are open: ask, then call checkin_record() */
    CHECKIN_INVALID,  /* the code is no certificate number: see invalid / receipt_code */
    CHECKIN_FAILED,   /* the record could not be written: nothing was recorded */
    CHECKIN_UNKNOWN,  /* no registration anywhere has this number: ask, nothing written */
};

struct checkin_result {
    enum checkin_status status;
    int repeat;                        /* a double read: the previous result, unchanged */
    enum checkin_method method;
    char certificate_no[VALIDATE_CERT_SIZE]; /* normalised (upper case) */
    int visit;                         /* a visit to the hall, no activity */
    char activity_id[CHECKIN_ID_SIZE]; /* "" for a visit */
    char activity_title[CHECKIN_TITLE_SIZE]; /* CHECKIN_VISIT_TITLE for a visit */
    char local_time[20];               /* "YYYY-MM-DD HH:MM:SS" of this or the first check-in */
    char uuid[37];                     /* the record written, or the first one */
    int registered;                    /* a registration on this kiosk has this number, or
                                        * the centre's directory knows it (from_directory) */
    int from_directory;
    char masked_name[64];              /* "张*" when registered and named, else "" */
    int unverified;                    /* recorded (or to be recorded, CHOOSE) with
                                        * "verified": false */
    int elsewhere;                     /* ALREADY: the first check-in was at another kiosk */
    /* CHECKIN_INVALID: */
    enum validate_result invalid;      /* why the number is not one (with detail) */
    int detail;
    int receipt_code;                  /* it was a kiosk receipt's QR, not a certificate */
};

/* Prepares the statements over an opened store (migrated to version 2 or later).
 * cfg is copied for the [checkin] keys.  Returns NULL on failure (logged). */
struct checkin *checkin_create(struct store *st, const struct config *cfg);
/* Finalises the statements and wipes the remembered result.  NULL is fine. */
void checkin_destroy(struct checkin *c);

/* The activities open at now_ms, ordered by start time, into out (at most max).
 * Returns how many (0 when none), or -1 on a database error (logged).  The returned
 * count never exceeds max. */
int checkin_open_activities(struct checkin *c, int64_t now_ms, struct checkin_activity *out,
                            int max);

/* Checks and normalises a certificate number as scanned or typed: full-width forms and
 * spaces folded, letters upper-cased, then validate_certno()'s rules.  Writes the number
 * to out (VALIDATE_CERT_SIZE bytes).  Returns VALIDATE_OK or the reason; *receipt_code
 * (may be NULL) is set when the input is a kiosk receipt's QR payload. */
enum validate_result checkin_normalize(const char *input, char *out, size_t n, int *detail,
                                       int *receipt_code);

/* The whole check-in for one code: normalise, double read, which activity, record.
 * With exactly one activity open (or none: a visit) the check-in is made; with several,
 * res->status is CHECKIN_CHOOSE and nothing is written (checkin_open_activities() lists
 * them; the person picks one, then checkin_record()).  Always fills *res.  Returns 0,
 * or -1 when the database failed (res->status CHECKIN_FAILED). */
int checkin_submit(struct checkin *c, const char *input, enum checkin_method m, int64_t now_ms,
                   struct checkin_result *res);
/* 仍然签到 after CHECKIN_UNKNOWN: the same without the question; the record carries
 * "verified": false (a CHOOSE result has unverified set: pass it to
 * checkin_record_ex()). */
int checkin_submit_anyway(struct checkin *c, const char *certificate_no, enum checkin_method m,
                          int64_t now_ms, struct checkin_result *res);

/* Checks in an already normalised number to `act` (NULL: a visit to the hall): the
 * double read, once per person per activity, the durable insert, the registration
 * look-up.  Fills *res.  Returns 0, or -1 (CHECKIN_FAILED, logged). */
int checkin_record(struct checkin *c, const char *certificate_no,
                   const struct checkin_activity *act, enum checkin_method m, int64_t now_ms,
                   struct checkin_result *res);
/* The same; unverified writes "verified": false. */
int checkin_record_ex(struct checkin *c, const char *certificate_no,
                      const struct checkin_activity *act, enum checkin_method m, int unverified,
                      int64_t now_ms, struct checkin_result *res);
/* 1 when this kiosk has the centre's member directory (it has taken content from the
 * centre), so an unknown number is questioned. */
int checkin_has_directory(const struct checkin *c);

/* For `kioskctl stats`: one "name: count" line per figure for the local date
 * (YYYY-MM-DD; NULL: today):
 *   checkin: N                 check-ins that day
 *   checkin.visit: N           of which visits to the hall
 *   checkin.activity.<id>: N   per activity, by id, for activities with check-ins
 * Prints nothing more than these lines.  Returns 0, or -1 on a database error (a line on
 * stderr, and nothing printed to out). */
int checkin_print_stats(struct store *st, const char *date, FILE *out);

#endif
