/* checkin — see checkin.h.  Statements are prepared once per context; every per-scan
 * query goes through an index (records_by_certificate for the person, the primary key
 * for the insert), so a burst of scans costs the same at the 10,000th record as at the
 * first.  The fsync of the insert dominates. */
#include "app/checkin.h"

#include "app/certrule.h"
#include "core/config.h"
#include "core/util.h"
#include "receipt/receipt.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


struct checkin {
    struct store *st;
    struct certrule *rule;         /* the certificate pattern in force when created */
    int open_before_min;
    int double_read_ms;
    sqlite3_stmt *q_open;          /* activities open at a minute */
    sqlite3_stmt *q_first_act;     /* a person's first check-in to an activity */
    sqlite3_stmt *q_first_visit;   /* a person's first visit on a date */
    sqlite3_stmt *q_registered;    /* a person's newest registration */
    sqlite3_stmt *q_member;        /* the centre's directory */
    sqlite3_stmt *q_elsewhere;     /* another kiosk's check-in to an activity */
    int directory;                 /* the directory has been pulled */

    /* The open activities of one minute: the window changes only on minute boundaries. */
    char cache_minute[20];
    struct checkin_activity cache[CHECKIN_MAX_OPEN];
    int ncache;

    /* The last check-in made or recognised, for the scanner's double read. */
    struct checkin_result last;
    int64_t last_ms;
    int have_last;
};

static sqlite3_stmt *prep(struct store *st, const char *sql, int *ok)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s)
        *ok = 0;
    return s;
}

struct checkin *checkin_create(struct store *st, const struct config *cfg)
{
    struct checkin *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->st = st;
    c->rule = certrule_load(st, cfg);
    c->open_before_min = cfg->checkin_open_before_min;
    c->double_read_ms = cfg->checkin_double_read_ms;
    int ok = 1;
    /* Times are canonical "YYYY-MM-DD HH:MM" strings, so text comparison is time order. */
    c->q_open = prep(st,
                     "SELECT id, title, starts_at, ends_at, coalesce(venue, '') FROM activities"
                     " WHERE starts_at <= ?1 AND ends_at > ?2 ORDER BY starts_at, id LIMIT ?3",
                     &ok);
    /* The expression must match migration 2's index records_by_certificate exactly. */
    c->q_first_act = prep(st,
                          "SELECT uuid, json_extract(fields, '$.local_time') FROM records"
                          " WHERE kind = 'checkin'"
                          " AND json_extract(fields, '$.certificate_no') = ?1"
                          " AND json_extract(fields, '$.activity_id') = ?2"
                          " ORDER BY seq LIMIT 1",
                          &ok);
    c->q_first_visit = prep(st,
                            "SELECT uuid, json_extract(fields, '$.local_time') FROM records"
                            " WHERE kind = 'checkin'"
                            " AND json_extract(fields, '$.certificate_no') = ?1"
                            " AND json_extract(fields, '$.activity_id') IS NULL"
                            /* A visit recorded "later" than now means the clock went
                             * back: today cannot be trusted, and that visit counts. */
                            " AND (local_date = ?2 OR created_at > ?3) ORDER BY seq LIMIT 1",
                            &ok);
    c->q_registered = prep(st,
                           "SELECT json_extract(fields, '$.name') FROM records"
                           " WHERE kind = 'registration'"
                           " AND json_extract(fields, '$.certificate_no') = ?1"
                           " ORDER BY seq DESC LIMIT 1",
                           &ok);
    c->q_member = prep(st, "SELECT masked_name FROM members WHERE id = ?1", &ok);
    c->q_elsewhere = prep(st,
                          "SELECT local_time FROM hall_checkins"
                          " WHERE certificate_no = ?1 AND activity_id = ?2 LIMIT 1",
                          &ok);
    /* Content from the centre (a pull or a bundle) carries the directory. */
    char counter[32];
    c->directory = store_meta_get(st, "content.counter", counter, sizeof counter) == 0 &&
                   strtoll(counter, NULL, 10) > 0;
    if (!ok) {
        checkin_destroy(c);
        return NULL;
    }
    return c;
}

void checkin_destroy(struct checkin *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->q_open);
    sqlite3_finalize(c->q_first_act);
    sqlite3_finalize(c->q_first_visit);
    sqlite3_finalize(c->q_registered);
    sqlite3_finalize(c->q_member);
    sqlite3_finalize(c->q_elsewhere);
    certrule_free(c->rule);
    util_wipe(c, sizeof *c);
    free(c);
}

static void col_copy(sqlite3_stmt *s, int i, char *out, size_t n)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    util_strlcpy(out, v ? v : "", n);
}

int checkin_open_activities(struct checkin *c, int64_t now_ms, struct checkin_activity *out,
                            int max)
{
    char minute[20], opens[20];
    util_time_local(now_ms, "%Y-%m-%d %H:%M", minute, sizeof minute);
    if (strcmp(minute, c->cache_minute) != 0) {
        /* An activity starting at S is open from S - open_before: it is open now when
         * S <= now + open_before, and until it ends: now < E. */
        util_time_local(now_ms + (int64_t)c->open_before_min * 60000, "%Y-%m-%d %H:%M", opens,
                        sizeof opens);
        sqlite3_stmt *s = c->q_open;
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, opens, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, minute, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 3, CHECKIN_MAX_OPEN);
        int n = 0, rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < CHECKIN_MAX_OPEN) {
            struct checkin_activity *a = &c->cache[n++];
            col_copy(s, 0, a->id, sizeof a->id);
            col_copy(s, 1, a->title, sizeof a->title);
            col_copy(s, 2, a->starts_at, sizeof a->starts_at);
            col_copy(s, 3, a->ends_at, sizeof a->ends_at);
            col_copy(s, 4, a->venue, sizeof a->venue);
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            fprintf(stderr, "checkin: open activities: %s\n",
                    sqlite3_errmsg(store_db(c->st)));
            c->cache_minute[0] = 0;
            return -1;
        }
        c->ncache = n;
        util_strlcpy(c->cache_minute, minute, sizeof c->cache_minute);
    }
    int n = c->ncache < max ? c->ncache : max;
    if (n > 0)
        memcpy(out, c->cache, (size_t)n * sizeof *out);
    return n;
}

enum validate_result checkin_normalize(const char *input, char *out, size_t n, int *detail,
                                       int *receipt_code)
{
    if (receipt_code)
        *receipt_code = 0;
    if (detail)
        *detail = 0;
    if (n > 0)
        out[0] = 0;
    /* People will hold their receipt to the scanner instead of the certificate, and
     * deserve to be told so. */
    if (receipt_is_payload(input)) {
        if (receipt_code)
            *receipt_code = 1;
        return VALIDATE_CERT_CHARS;
    }
    return validate_certno(input, out, n, detail);
}

static void clear_result(struct checkin_result *res, enum checkin_method m)
{
    memset(res, 0, sizeof *res);
    res->method = m;
}

/* Looks the person's first check-in up.  Returns 1 found (uuid, time filled), 0 not
 * found, -1 on error. */
static int find_first(struct checkin *c, const char *cert, const struct checkin_activity *act,
                      int64_t now_ms, struct checkin_result *res)
{
    sqlite3_stmt *s = act ? c->q_first_act : c->q_first_visit;
    char date[16];
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, cert, -1, SQLITE_TRANSIENT);
    if (act) {
        sqlite3_bind_text(s, 2, act->id, -1, SQLITE_TRANSIENT);
    } else {
        util_time_local(now_ms, "%Y-%m-%d", date, sizeof date);
        sqlite3_bind_text(s, 2, date, -1, SQLITE_TRANSIENT);
        char at[32];
        util_time_utc(now_ms, at);
        sqlite3_bind_text(s, 3, at, -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        col_copy(s, 0, res->uuid, sizeof res->uuid);
        col_copy(s, 1, res->local_time, sizeof res->local_time);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        fprintf(stderr, "checkin: look-up failed: %s\n", sqlite3_errmsg(store_db(c->st)));
        found = -1;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (found == 0 && act) {
        /* Another kiosk of the hall, as the centre last said. */
        s = c->q_elsewhere;
        sqlite3_bind_text(s, 1, cert, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, act->id, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            res->uuid[0] = 0;
            col_copy(s, 0, res->local_time, sizeof res->local_time);
            res->elsewhere = 1;
            found = 1;
        } else if (rc != SQLITE_DONE) {
            fprintf(stderr, "checkin: look-up failed: %s\n", sqlite3_errmsg(store_db(c->st)));
            found = -1;
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    return found;
}

/* Fills registered / masked_name.  A failed look-up only loses the greeting: the
 * check-in itself stands, so it is logged and otherwise ignored. */
static void find_person(struct checkin *c, const char *cert, struct checkin_result *res)
{
    sqlite3_stmt *s = c->q_registered;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, cert, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        res->registered = 1;
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (name && *name && mask_name(name, res->masked_name, sizeof res->masked_name) < 0)
            res->masked_name[0] = 0;
    } else if (rc != SQLITE_DONE) {
        fprintf(stderr, "checkin: registration look-up failed: %s\n",
                sqlite3_errmsg(store_db(c->st)));
    }
    /* reset drops the row, and with it SQLite's copy of the unmasked name. */
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (res->registered)
        return;
    s = c->q_member;
    sqlite3_bind_text(s, 1, cert, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        res->registered = 1;
        res->from_directory = 1;
        col_copy(s, 0, res->masked_name, sizeof res->masked_name);
    } else if (rc != SQLITE_DONE) {
        fprintf(stderr, "checkin: directory look-up failed: %s\n",
                sqlite3_errmsg(store_db(c->st)));
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

static void remember(struct checkin *c, const struct checkin_result *res, int64_t now_ms)
{
    c->last = *res;
    c->last.repeat = 0;
    c->last_ms = now_ms;
    c->have_last = 1;
}

/* 1 when cert was checked in (or recognised) within double_read_ms: *res is that result. */
static int double_read(struct checkin *c, const char *cert, enum checkin_method m,
                       int64_t now_ms, struct checkin_result *res)
{
    if (!c->have_last || strcmp(c->last.certificate_no, cert) != 0)
        return 0;
    int64_t age = now_ms - c->last_ms;
    if (age < 0 || age > c->double_read_ms)
        return 0;
    *res = c->last;
    res->repeat = 1;
    res->method = m;
    return 1;
}

int checkin_record(struct checkin *c, const char *certificate_no,
                   const struct checkin_activity *act, enum checkin_method m, int64_t now_ms,
                   struct checkin_result *res)
{
    return checkin_record_ex(c, certificate_no, act, m, 0, now_ms, res);
}

int checkin_has_directory(const struct checkin *c) { return c->directory; }

int checkin_record_ex(struct checkin *c, const char *certificate_no,
                      const struct checkin_activity *act, enum checkin_method m, int unverified,
                      int64_t now_ms, struct checkin_result *res)
{
    /* The number may live in *res itself (a CHECKIN_CHOOSE result handed back). */
    char cert[VALIDATE_CERT_SIZE];
    util_strlcpy(cert, certificate_no, sizeof cert);
    certificate_no = cert;
    clear_result(res, m);
    if (double_read(c, certificate_no, m, now_ms, res))
        return 0;
    util_strlcpy(res->certificate_no, certificate_no, sizeof res->certificate_no);
    res->visit = act == NULL;
    util_strlcpy(res->activity_id, act ? act->id : "", sizeof res->activity_id);
    util_strlcpy(res->activity_title, act ? act->title : CHECKIN_VISIT_TITLE,
                 sizeof res->activity_title);

    int found = find_first(c, certificate_no, act, now_ms, res);
    if (found < 0) {
        res->status = CHECKIN_FAILED;
        return -1;
    }
    if (found) {
        res->status = CHECKIN_ALREADY;
    } else {
        util_time_local(now_ms, "%Y-%m-%d %H:%M:%S", res->local_time, sizeof res->local_time);
        struct strbuf sb = {0};
        strbuf_add(&sb, "{\"certificate_no\":");
        strbuf_add_json_str(&sb, certificate_no);
        strbuf_add(&sb, ",\"activity_id\":");
        if (act)
            strbuf_add_json_str(&sb, act->id);
        else
            strbuf_add(&sb, "null");
        strbuf_add(&sb, ",\"activity_title\":");
        strbuf_add_json_str(&sb, res->activity_title);
        strbuf_addf(&sb, ",\"method\":\"%s\",\"local_time\":", m == CHECKIN_SCAN ? "scan" : "typed");
        strbuf_add_json_str(&sb, res->local_time);
        if (unverified)
            strbuf_add(&sb, ",\"verified\":false");
        strbuf_add(&sb, "}");
        int rc = store_record_add(c->st, "checkin", sb.buf, now_ms, res->uuid);
        strbuf_free(&sb);
        if (rc < 0) {
            res->status = CHECKIN_FAILED;
            res->local_time[0] = 0;
            return -1;
        }
        res->status = CHECKIN_DONE;
        res->unverified = unverified;
    }
    find_person(c, certificate_no, res);
    remember(c, res, now_ms);
    return 0;
}

/* Whether anyone knows cert: a registration on this kiosk or the centre's directory. */
static int known(struct checkin *c, const char *cert)
{
    struct checkin_result who;
    memset(&who, 0, sizeof who);
    find_person(c, cert, &who);
    int yes = who.registered;
    util_wipe(&who, sizeof who);
    return yes;
}

static int submit(struct checkin *c, const char *input, enum checkin_method m, int64_t now_ms,
                  int anyway, struct checkin_result *res)
{
    clear_result(res, m);
    char cert[VALIDATE_CERT_SIZE];
    int detail = 0, receipt = 0;
    enum validate_result v = checkin_normalize(input, cert, sizeof cert, &detail, &receipt);
    if (v == VALIDATE_OK) {
        /* The district's pattern: a product barcode or a phone number that has the basic
         * shape is still no certificate, and is refused before anything is written. */
        char checked[VALIDATE_CERT_SIZE];
        v = certrule_check(c->rule, cert, checked, sizeof checked, &detail);
    }
    if (v != VALIDATE_OK) {
        res->status = CHECKIN_INVALID;
        res->invalid = v;
        res->detail = detail;
        res->receipt_code = receipt;
        return 0;
    }
    /* A double read is answered before the activities are even looked at: the second
     * read must show exactly what the first did. */
    if (double_read(c, cert, m, now_ms, res))
        return 0;
    struct checkin_activity open[2];
    int n = checkin_open_activities(c, now_ms, open, 2);
    if (n < 0) {
        res->status = CHECKIN_FAILED;
        util_strlcpy(res->certificate_no, cert, sizeof res->certificate_no);
        return -1;
    }
    int unverified = 0;
    if (c->directory && !known(c, cert)) {
        if (!anyway) {
            /* Someone already checked in (at this kiosk or another of the hall, to the
             * one open activity) is told so rather than asked again. */
            struct checkin_result first;
            clear_result(&first, m);
            int f = n <= 1 ? find_first(c, cert, n == 1 ? &open[0] : NULL, now_ms, &first) : 0;
            util_wipe(&first, sizeof first);
            if (f < 0) {
                res->status = CHECKIN_FAILED;
                return -1;
            }
            if (f == 0) {
                res->status = CHECKIN_UNKNOWN;
                util_strlcpy(res->certificate_no, cert, sizeof res->certificate_no);
                remember(c, res, now_ms); /* the scanner reading twice asks once */
                return 0;
            }
        }
        unverified = anyway;
    }
    if (n > 1) {
        res->status = CHECKIN_CHOOSE;
        res->unverified = unverified;
        util_strlcpy(res->certificate_no, cert, sizeof res->certificate_no);
        return 0;
    }
    return checkin_record_ex(c, cert, n == 1 ? &open[0] : NULL, m, unverified, now_ms, res);
}

int checkin_submit(struct checkin *c, const char *input, enum checkin_method m, int64_t now_ms,
                   struct checkin_result *res)
{
    return submit(c, input, m, now_ms, 0, res);
}

int checkin_submit_anyway(struct checkin *c, const char *certificate_no, enum checkin_method m,
                          int64_t now_ms, struct checkin_result *res)
{
    /* The question's answer is no double read of the question itself. */
    c->have_last = 0;
    return submit(c, certificate_no, m, now_ms, 1, res);
}

int checkin_print_stats(struct store *st, const char *date, FILE *out)
{
    char today[16];
    if (!date) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        util_time_local((int64_t)ts.tv_sec * 1000, "%Y-%m-%d", today, sizeof today);
        date = today;
    }
    /* One pass over the day's check-ins (records_by_date), grouped by activity; NULL
     * (a visit) sorts first. */
    sqlite3_stmt *s = store_prepare(
        st, "SELECT json_extract(fields, '$.activity_id') AS aid, count(*) FROM records"
            " WHERE local_date = ?1 AND kind = 'checkin' GROUP BY aid ORDER BY aid");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, date, -1, SQLITE_TRANSIENT);
    struct strbuf acts = {0};
    long total = 0, visits = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        long n = sqlite3_column_int64(s, 1);
        total += n;
        const char *aid = (const char *)sqlite3_column_text(s, 0);
        if (sqlite3_column_type(s, 0) == SQLITE_NULL || !aid)
            visits += n;
        else
            strbuf_addf(&acts, "checkin.activity.%s: %ld\n", aid, n);
    }
    int failed = rc != SQLITE_DONE;
    if (failed)
        fprintf(stderr, "checkin: stats: %s\n", sqlite3_errmsg(store_db(st)));
    sqlite3_finalize(s);
    if (!failed)
        fprintf(out, "checkin: %ld\ncheckin.visit: %ld\n%s", total, visits,
                acts.buf ? acts.buf : "");
    strbuf_free(&acts);
    return failed ? -1 : 0;
}
