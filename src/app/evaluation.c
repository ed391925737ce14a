/* evaluation — see evaluation.h.  The errand's kind is read from its record, never taken
 * from the screen, so an evaluation always names what it grades. */
#include "app/evaluation.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static const char *const reasons[EVALUATION_REASONS] = {
    "waited_too_long", "hard_to_use", "wrong_information", "could_not_print", "other",
};

/* The errands that end on a receipt a person reads at their leisure. */
static const char *const asking[] = {
    "registration", "consultation", "queue_ticket", "job_interest", "training_signup",
    "training_waitlist",
};

const char *evaluation_reason(int i)
{
    return i >= 0 && i < EVALUATION_REASONS ? reasons[i] : NULL;
}

int evaluation_asks(const struct config *cfg, const char *errand_kind)
{
    if (!errand_kind)
        return 0;
    for (size_t i = 0; i < sizeof asking / sizeof *asking; i++)
        if (strcmp(errand_kind, asking[i]) == 0)
            return 1;
    return cfg && cfg->checkin_ask_rating && strcmp(errand_kind, "checkin") == 0;
}

int evaluation_rated(struct store *st, const char *errand_uuid)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM records WHERE kind = 'evaluation'"
                                        " AND json_extract(fields, '$.errand_uuid') = ?1");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, errand_uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fprintf(stderr, "evaluation: look-up: %s\n", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    return rc == SQLITE_ROW;
}

enum evaluation_result evaluation_record(struct store *st, const struct config *cfg,
                                         int64_t now_ms, const char *errand_uuid, int grade,
                                         unsigned reason_bits, char uuid_out[37])
{
    if (!st || !errand_uuid || grade < 1 || grade > EVALUATION_TOP)
        return EVALUATION_REFUSED;
    struct record errand;
    int got = store_record_get(st, errand_uuid, &errand);
    if (got < 0)
        return EVALUATION_FAILED;
    if (got > 0)
        return EVALUATION_REFUSED;
    char kind[sizeof errand.kind];
    util_strlcpy(kind, errand.kind, sizeof kind);
    record_clear(&errand);
    if (!evaluation_asks(cfg, kind))
        return EVALUATION_REFUSED;
    int already = evaluation_rated(st, errand_uuid);
    if (already)
        return already > 0 ? EVALUATION_ALREADY : EVALUATION_FAILED;

    struct strbuf sb = {0};
    strbuf_add(&sb, "{\"errand_uuid\":");
    strbuf_add_json_str(&sb, errand_uuid);
    strbuf_add(&sb, ",\"errand_kind\":");
    strbuf_add_json_str(&sb, kind);
    char g[16];
    snprintf(g, sizeof g, ",\"grade\":%d", grade);
    strbuf_add(&sb, g);
    strbuf_add(&sb, ",\"reasons\":[");
    /* Reasons belong to a low grade only: a screen never offers them above it. */
    int n = 0;
    for (int i = 0; grade <= EVALUATION_LOW && i < EVALUATION_REASONS; i++) {
        if (!(reason_bits & (1u << i)))
            continue;
        strbuf_add(&sb, n++ ? "," : "");
        strbuf_add_json_str(&sb, reasons[i]);
    }
    strbuf_add(&sb, "]}");
    char uuid[37];
    int rc = store_record_add(st, "evaluation", sb.buf, now_ms, uuid);
    strbuf_free(&sb);
    if (rc < 0)
        return EVALUATION_FAILED;
    if (uuid_out)
        memcpy(uuid_out, uuid, sizeof uuid);
    return EVALUATION_SAVED;
}

int evaluation_day(struct store *st, const char *local_date, struct evaluation_day *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = store_prepare(st, "SELECT json_extract(fields, '$.grade') AS g, count(*)"
                                        " FROM records WHERE local_date = ?1"
                                        " AND kind = 'evaluation' GROUP BY g");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, local_date, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER)
            continue; /* not a grade this program writes */
        int g = sqlite3_column_int(s, 0), n = sqlite3_column_int(s, 1);
        if (g < 1 || g > EVALUATION_TOP)
            continue;
        out->by_grade[g] += n;
        out->total += n;
        if (g >= 4)
            out->satisfied += n;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        fprintf(stderr, "evaluation: day's figures: %s\n", sqlite3_errmsg(store_db(st)));
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

int evaluation_satisfied_pct(const struct evaluation_day *d)
{
    if (d->total <= 0)
        return -1;
    return (int)((200LL * d->satisfied + d->total) / (2LL * d->total));
}
