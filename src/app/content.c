/* content — see content.h.  Queries are prepared per call (a few a second at most, and
 * SQLite prepares in microseconds); the one dynamic part, the search words, is always
 * bound, never spliced into SQL. */
#include "app/content.h"

#include "app/validate.h"
#include "core/png.h"
#include "core/util.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_WORDS 8
#define STR_(x) #x
#define STR(x) STR_(x)
#define TICKET_PREFIX_SIZE 4

/* ---- helpers ------------------------------------------------------------------------ */

static void col_text(sqlite3_stmt *s, int col, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    util_strlcpy(out, t ? (const char *)t : "", n);
}

static void today(int64_t now_ms, char out[16])
{
    util_time_local(now_ms, "%Y-%m-%d", out, 16);
}

static void minute_now(int64_t now_ms, char out[20])
{
    util_time_local(now_ms, "%Y-%m-%d %H:%M", out, 20);
}

static int db_fail(struct store *st, const char *what)
{
    fprintf(stderr, "content: %s: %s\n", what, sqlite3_errmsg(store_db(st)));
    return -1;
}

static void add_field(struct strbuf *sb, const char *key, const char *val)
{
    strbuf_add(sb, sb->len > 1 ? "," : "");
    strbuf_add_json_str(sb, key);
    strbuf_add(sb, ":");
    strbuf_add_json_str(sb, val ? val : "");
}

/* Normalises and checks a name and a phone into the caller's buffers.  0, or -1 when
 * either is not valid. */
static int person(const char *name, const char *phone, char nname[VALIDATE_NAME_SIZE],
                  char nphone[VALIDATE_PHONE_SIZE])
{
    if (!name || !phone || validate_name(name, nname, VALIDATE_NAME_SIZE, NULL) != VALIDATE_OK ||
        validate_phone(phone, nphone, VALIDATE_PHONE_SIZE, NULL) != VALIDATE_OK) {
        util_wipe(nname, VALIDATE_NAME_SIZE);
        util_wipe(nphone, VALIDATE_PHONE_SIZE);
        return -1;
    }
    return 0;
}

/* Writes a record whose JSON is in sb, wipes and frees sb.  0 or -1. */
static int write_record(struct store *st, const char *kind, struct strbuf *sb, int64_t now_ms,
                        char uuid_out[37])
{
    strbuf_add(sb, "}");
    int rc = store_record_add(st, kind, sb->buf, now_ms, uuid_out);
    strbuf_free(sb);
    return rc;
}

/* ---- jobs --------------------------------------------------------------------------- */

/* A posting is shown from its posted day through its expires day. */
#define JOB_SHOWN                                                                         \
    "(coalesce(posted,'') = '' OR posted <= :today)"                                      \
    " AND (coalesce(expires,'') = '' OR expires >= :today)"

#define JOB_COLS                                                                          \
    "id, title, employer, area, category, coalesce(salary_min,0), coalesce(salary_max,0),"  \
    " coalesce(headcount,0), coalesce(posted,''), coalesce(expires,''),"                    \
    " (coalesce(expires,'') <> '' AND expires <= date(:today, '+" STR(CONTENT_URGENT_DAYS) " days'))"    \
    " OR coalesce(headcount,0) >= :many"

/* The search words of f->search (at most SEARCH_WORDS), each malloc'd into words[].
 * Returns how many. */
static int split_words(const char *search, char *words[SEARCH_WORDS])
{
    int n = 0;
    const char *p = search ? search : "";
    while (*p && n < SEARCH_WORDS) {
        while (*p == ' ' || *p == '\t' || !strncmp(p, "\xE3\x80\x80", 3))
            p += *p == ' ' || *p == '\t' ? 1 : 3;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && strncmp(p, "\xE3\x80\x80", 3))
            p++;
        if (p > start) {
            words[n] = malloc((size_t)(p - start) + 1);
            if (!words[n])
                abort();
            memcpy(words[n], start, (size_t)(p - start));
            words[n][p - start] = 0;
            n++;
        }
    }
    return n;
}

/* Builds "SELECT <what> FROM jobs WHERE <shown and filters> <tail>" and binds it.
 * Returns the statement or NULL (logged). */
static sqlite3_stmt *jobs_query(struct store *st, const char *what,
                                const struct content_job_filter *f, int64_t now_ms,
                                const char *tail)
{
    char *words[SEARCH_WORDS];
    int nw = split_words(f ? f->search : NULL, words);
    struct strbuf sql = {0};
    strbuf_addf(&sql, "SELECT %s FROM jobs WHERE " JOB_SHOWN, what);
    if (f && f->category && *f->category)
        strbuf_add(&sql, " AND category = :category");
    if (f && f->area && *f->area)
        strbuf_add(&sql, " AND area = :area");
    for (int i = 0; i < nw; i++)
        strbuf_addf(&sql,
                    " AND instr(lower(title||' '||employer||' '||area||' '||category||' '||"
                    "coalesce(requirements,'')), lower(:w%d)) > 0",
                    i);
    strbuf_add(&sql, tail);
    sqlite3_stmt *s = store_prepare(st, sql.buf);
    strbuf_free(&sql);
    if (s) {
        char d[16];
        today(now_ms, d);
        sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":today"), d, -1, SQLITE_TRANSIENT);
        int many = sqlite3_bind_parameter_index(s, ":many");
        if (many)
            sqlite3_bind_int(s, many, CONTENT_URGENT_HEADCOUNT);
        if (f && f->category && *f->category)
            sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":category"), f->category, -1,
                              SQLITE_TRANSIENT);
        if (f && f->area && *f->area)
            sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":area"), f->area, -1,
                              SQLITE_TRANSIENT);
        for (int i = 0; i < nw; i++) {
            char name[16];
            snprintf(name, sizeof name, ":w%d", i);
            sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, name), words[i], -1,
                              SQLITE_TRANSIENT);
        }
    }
    for (int i = 0; i < nw; i++)
        free(words[i]);
    return s;
}

static void read_job(sqlite3_stmt *s, struct content_job *j)
{
    col_text(s, 0, j->id, sizeof j->id);
    col_text(s, 1, j->title, sizeof j->title);
    col_text(s, 2, j->employer, sizeof j->employer);
    col_text(s, 3, j->area, sizeof j->area);
    col_text(s, 4, j->category, sizeof j->category);
    j->salary_min = sqlite3_column_int(s, 5);
    j->salary_max = sqlite3_column_int(s, 6);
    j->headcount = sqlite3_column_int(s, 7);
    col_text(s, 8, j->posted, sizeof j->posted);
    col_text(s, 9, j->expires, sizeof j->expires);
    j->urgent = sqlite3_column_int(s, 10);
}

int content_jobs_count(struct store *st, const struct content_job_filter *f, int64_t now_ms)
{
    sqlite3_stmt *s = jobs_query(st, "COUNT(*)", f, now_ms, "");
    if (!s)
        return -1;
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : db_fail(st, "jobs count");
    sqlite3_finalize(s);
    return n;
}

int content_jobs(struct store *st, const struct content_job_filter *f, int64_t now_ms,
                 int offset, int limit, struct content_job *out)
{
    sqlite3_stmt *s =
        jobs_query(st, JOB_COLS, f, now_ms,
                   " ORDER BY coalesce(posted,'') DESC, id LIMIT :limit OFFSET :offset");
    if (!s)
        return -1;
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":limit"), limit);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":offset"), offset);
    int n = 0, rc;
    while (n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW)
        read_job(s, &out[n++]);
    if (n < limit && rc != SQLITE_DONE)
        n = db_fail(st, "jobs page");
    sqlite3_finalize(s);
    return n;
}

int content_job_get(struct store *st, const char *id, int64_t now_ms,
                    struct content_job_detail *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = jobs_query(
        st, JOB_COLS ", coalesce(requirements,''), coalesce(contact,'')", NULL, now_ms,
        " AND id = :id");
    if (!s)
        return -1;
    sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":id"), id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s), ret = CONTENT_GONE;
    if (rc == SQLITE_ROW) {
        read_job(s, &out->job);
        col_text(s, 11, out->requirements, sizeof out->requirements);
        col_text(s, 12, out->contact, sizeof out->contact);
        ret = CONTENT_OK;
    } else if (rc != SQLITE_DONE) {
        ret = db_fail(st, "job");
    }
    sqlite3_finalize(s);
    return ret;
}

int content_job_facets(struct store *st, const char *column, int64_t now_ms,
                       char (*out)[CONTENT_NAME_SIZE], int max)
{
    const char *col = !strcmp(column, "area") ? "area" : "category";
    char what[32], tail[64];
    snprintf(what, sizeof what, "%s", col);
    snprintf(tail, sizeof tail, " GROUP BY %s ORDER BY MIN(id)", col);
    sqlite3_stmt *s = jobs_query(st, what, NULL, now_ms, tail);
    if (!s)
        return -1;
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        col_text(s, 0, out[n++], CONTENT_NAME_SIZE);
    if (n < max && rc != SQLITE_DONE)
        n = db_fail(st, "job facets");
    sqlite3_finalize(s);
    return n;
}

/* ---- trainings ---------------------------------------------------------------------- */

/* Places taken: this kiosk's own sign-ups (all of them: the centre's count below leaves
 * this kiosk out, so a sign-up is counted once whether or not it has been delivered)
 * plus those the centre holds from the district's other kiosks. */
#define TRAINING_COLS                                                                     \
    "id, title, venue, coalesce(kind,''), starts_at, coalesce(ends_at,''),"               \
    " coalesce(capacity,0), (SELECT COUNT(*) FROM records WHERE kind = 'training_signup'"  \
    " AND json_extract(fields, '$.training_id') = trainings.id)"                           \
    " + coalesce((SELECT others FROM training_counts WHERE training_id = trainings.id), 0)"

static void read_training(sqlite3_stmt *s, struct content_training *t)
{
    col_text(s, 0, t->id, sizeof t->id);
    col_text(s, 1, t->title, sizeof t->title);
    col_text(s, 2, t->venue, sizeof t->venue);
    col_text(s, 3, t->kind, sizeof t->kind);
    col_text(s, 4, t->starts_at, sizeof t->starts_at);
    col_text(s, 5, t->ends_at, sizeof t->ends_at);
    t->capacity = sqlite3_column_int(s, 6);
    t->signed_up = sqlite3_column_int(s, 7);
}

int content_training_left(const struct content_training *t)
{
    if (t->capacity <= 0)
        return -1;
    return t->signed_up >= t->capacity ? 0 : t->capacity - t->signed_up;
}

int content_trainings_count(struct store *st, int64_t now_ms)
{
    char now[20];
    minute_now(now_ms, now);
    sqlite3_stmt *s = store_prepare(st, "SELECT COUNT(*) FROM trainings WHERE starts_at > ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0)
                                          : db_fail(st, "trainings count");
    sqlite3_finalize(s);
    return n;
}

int content_trainings(struct store *st, int64_t now_ms, int offset, int limit,
                      struct content_training *out)
{
    char now[20];
    minute_now(now_ms, now);
    sqlite3_stmt *s = store_prepare(st, "SELECT " TRAINING_COLS " FROM trainings"
                                        " WHERE starts_at > ? ORDER BY starts_at, id"
                                        " LIMIT ? OFFSET ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit);
    sqlite3_bind_int(s, 3, offset);
    int n = 0, rc;
    while (n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW)
        read_training(s, &out[n++]);
    if (n < limit && rc != SQLITE_DONE)
        n = db_fail(st, "trainings page");
    sqlite3_finalize(s);
    return n;
}

int content_training_get(struct store *st, const char *id, int64_t now_ms,
                         struct content_training_detail *out)
{
    memset(out, 0, sizeof *out);
    char now[20];
    minute_now(now_ms, now);
    sqlite3_stmt *s = store_prepare(st, "SELECT " TRAINING_COLS ", coalesce(description,'')"
                                        " FROM trainings WHERE id = ? AND starts_at > ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s), ret = CONTENT_GONE;
    if (rc == SQLITE_ROW) {
        read_training(s, &out->t);
        col_text(s, 8, out->description, sizeof out->description);
        ret = CONTENT_OK;
    } else if (rc != SQLITE_DONE) {
        ret = db_fail(st, "training");
    }
    sqlite3_finalize(s);
    return ret;
}

/* ---- materials ---------------------------------------------------------------------- */

int content_material_categories(struct store *st, struct content_category *out, int max)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT category, COUNT(*) FROM materials"
                                        " GROUP BY category ORDER BY MIN(sort), MIN(id)");
    if (!s)
        return -1;
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        col_text(s, 0, out[n].name, sizeof out[n].name);
        out[n].count = sqlite3_column_int(s, 1);
        n++;
    }
    if (n < max && rc != SQLITE_DONE)
        n = db_fail(st, "material categories");
    sqlite3_finalize(s);
    return n;
}

int content_materials_count(struct store *st, const char *category)
{
    sqlite3_stmt *s =
        store_prepare(st, "SELECT COUNT(*) FROM materials WHERE ?1 IS NULL OR category = ?1");
    if (!s)
        return -1;
    if (category)
        sqlite3_bind_text(s, 1, category, -1, SQLITE_TRANSIENT);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0)
                                          : db_fail(st, "materials count");
    sqlite3_finalize(s);
    return n;
}

int content_materials(struct store *st, const char *category, int offset, int limit,
                      struct content_material *out)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT id, title, category, substr(body, 1, ?4)"
                                        " FROM materials WHERE ?1 IS NULL OR category = ?1"
                                        " ORDER BY sort, id LIMIT ?2 OFFSET ?3");
    if (!s)
        return -1;
    if (category)
        sqlite3_bind_text(s, 1, category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit);
    sqlite3_bind_int(s, 3, offset);
    sqlite3_bind_int(s, 4, CONTENT_LEAD_CHARS);
    int n = 0, rc;
    while (n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        col_text(s, 0, out[n].id, sizeof out[n].id);
        col_text(s, 1, out[n].title, sizeof out[n].title);
        col_text(s, 2, out[n].category, sizeof out[n].category);
        col_text(s, 3, out[n].lead, sizeof out[n].lead);
        n++;
    }
    if (n < limit && rc != SQLITE_DONE)
        n = db_fail(st, "materials page");
    sqlite3_finalize(s);
    return n;
}

int content_material_get(struct store *st, const char *id, struct content_material *out,
                         char **body)
{
    memset(out, 0, sizeof *out);
    *body = NULL;
    sqlite3_stmt *s =
        store_prepare(st, "SELECT id, title, category, body FROM materials WHERE id = ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s), ret = CONTENT_GONE;
    if (rc == SQLITE_ROW) {
        col_text(s, 0, out->id, sizeof out->id);
        col_text(s, 1, out->title, sizeof out->title);
        col_text(s, 2, out->category, sizeof out->category);
        const char *b = (const char *)sqlite3_column_text(s, 3);
        *body = strdup(b ? b : "");
        if (!*body)
            abort();
        ret = CONTENT_OK;
    } else if (rc != SQLITE_DONE) {
        ret = db_fail(st, "material");
    }
    sqlite3_finalize(s);
    return ret;
}

int content_material_images(struct store *st, const char *id, struct content_image **out)
{
    *out = NULL;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT name, data FROM material_images WHERE material_id = ? ORDER BY name");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    struct content_image *v = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct content_image im;
        memset(&im, 0, sizeof im);
        col_text(s, 0, im.name, sizeof im.name);
        if (png_read_rgba_mem(sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1),
                              &im.w, &im.h, &im.rgba) < 0) {
            fprintf(stderr, "content: image %s of material %s does not decode\n", im.name, id);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            struct content_image *nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv)
                abort();
            v = nv;
        }
        v[n++] = im;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        content_images_free(v, n);
        return db_fail(st, "material images");
    }
    *out = v;
    return n;
}

void content_images_free(struct content_image *v, int n)
{
    for (int i = 0; v && i < n; i++)
        free(v[i].rgba);
    free(v);
}

/* ---- services ----------------------------------------------------------------------- */

int content_services_load(struct store *st, struct content_service **out, char *err,
                          size_t errlen)
{
    *out = NULL;
    sqlite3_stmt *s = store_prepare(st, "SELECT id, title, summary, coalesce(how,''),"
                                        " coalesce(window,'') FROM services ORDER BY sort, id");
    if (!s) {
        util_seterr(err, errlen, "the service guide cannot be read: %s",
                    sqlite3_errmsg(store_db(st)));
        return -1;
    }
    struct content_service *v = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct content_service *nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv)
                abort();
            v = nv;
        }
        struct content_service *sv = &v[n++];
        col_text(s, 0, sv->id, sizeof sv->id);
        col_text(s, 1, sv->title, sizeof sv->title);
        col_text(s, 2, sv->summary, sizeof sv->summary);
        col_text(s, 3, sv->how, sizeof sv->how);
        col_text(s, 4, sv->window, sizeof sv->window);
    }
    if (rc != SQLITE_DONE) {
        util_seterr(err, errlen, "the service guide cannot be read: %s",
                    sqlite3_errmsg(store_db(st)));
        db_fail(st, "services");
        sqlite3_finalize(s);
        free(v);
        return -1;
    }
    sqlite3_finalize(s);
    *out = v;
    return n;
}

/* ---- records ------------------------------------------------------------------------ */

int content_job_interest(struct store *st, const char *job_id, const char *name,
                         const char *phone, int64_t now_ms, char uuid_out[37])
{
    uuid_out[0] = 0;
    char nname[VALIDATE_NAME_SIZE], nphone[VALIDATE_PHONE_SIZE];
    if (person(name, phone, nname, nphone) < 0)
        return CONTENT_INVALID;
    struct content_job_detail *j = malloc(sizeof *j);
    if (!j)
        abort();
    int rc = content_job_get(st, job_id, now_ms, j);
    if (rc == CONTENT_OK) {
        struct strbuf sb = {0};
        strbuf_add(&sb, "{");
        add_field(&sb, "job_id", j->job.id);
        add_field(&sb, "job_title", j->job.title);
        add_field(&sb, "job_employer", j->job.employer);
        add_field(&sb, "job_area", j->job.area);
        add_field(&sb, "job_contact", j->contact);
        add_field(&sb, "name", nname);
        add_field(&sb, "phone", nphone);
        rc = write_record(st, "job_interest", &sb, now_ms, uuid_out) < 0 ? CONTENT_ERROR
                                                                          : CONTENT_OK;
    }
    store_event(st, now_ms, "job_interest",
                rc == CONTENT_OK ? job_id : rc == CONTENT_GONE ? "gone" : "failed");
    free(j);
    util_wipe(nname, sizeof nname);
    util_wipe(nphone, sizeof nphone);
    return rc;
}

/* Inside the caller's transaction: whether phone already has a record of kind (a
 * sign-up or a waiting-list entry) for training id.  1, 0 or -1. */
static int signed_up(struct store *st, const char *kind, const char *id, const char *phone)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM records WHERE kind = ?"
                                        " AND json_extract(fields, '$.training_id') = ?"
                                        " AND json_extract(fields, '$.phone') = ? LIMIT 1");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, phone, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    int ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(st, "sign-up check");
    sqlite3_finalize(s);
    return ret;
}

/* The sign-up and the waiting list share one path: which record is written is decided
 * inside the write transaction, from the places left at that moment. */
static int training_join(struct store *st, const char *training_id, const char *name,
                         const char *phone, int waitlist_ok, int64_t now_ms, char uuid_out[37])
{
    uuid_out[0] = 0;
    char nname[VALIDATE_NAME_SIZE], nphone[VALIDATE_PHONE_SIZE];
    if (person(name, phone, nname, nphone) < 0)
        return CONTENT_INVALID;
    struct content_training_detail *t = malloc(sizeof *t);
    if (!t)
        abort();
    /* The count and the insert in one write transaction: two sign-ups for the last
     * place cannot both see it free. */
    const char *kind = "training_signup";
    int rc = store_begin(st) < 0 ? CONTENT_ERROR : content_training_get(st, training_id, now_ms, t);
    if (rc == CONTENT_OK && content_training_left(&t->t) == 0) {
        if (waitlist_ok)
            kind = "training_waitlist";
        else
            rc = CONTENT_FULL;
    }
    if (rc == CONTENT_OK) {
        /* Signed up already: no place on the waiting list either.  On the list already:
         * once is enough (a place freed since lets them sign up, below). */
        int dup = signed_up(st, "training_signup", training_id, nphone);
        if (dup == 0 && strcmp(kind, "training_waitlist") == 0)
            dup = signed_up(st, kind, training_id, nphone) == 1 ? 2 : 0;
        rc = dup < 0 ? CONTENT_ERROR : dup == 1 ? CONTENT_ALREADY : dup ? CONTENT_WAITING
                                                                        : CONTENT_OK;
    }
    if (rc == CONTENT_OK) {
        struct strbuf sb = {0};
        strbuf_add(&sb, "{");
        add_field(&sb, "training_id", t->t.id);
        add_field(&sb, "training_title", t->t.title);
        add_field(&sb, "training_starts_at", t->t.starts_at);
        add_field(&sb, "training_venue", t->t.venue);
        add_field(&sb, "name", nname);
        add_field(&sb, "phone", nphone);
        if (write_record(st, kind, &sb, now_ms, uuid_out) < 0 || store_commit(st) < 0) {
            uuid_out[0] = 0;
            rc = CONTENT_ERROR;
        } else if (strcmp(kind, "training_waitlist") == 0) {
            rc = CONTENT_WAITLISTED;
        }
    }
    store_rollback(st); /* nothing to undo after a commit */
    static const char *const outcome[] = {"", "gone", "full", "already", "invalid", "waiting",
                                          ""};
    store_event(st, now_ms, kind,
                rc == CONTENT_OK || rc == CONTENT_WAITLISTED ? training_id
                : rc > 0                                     ? outcome[rc]
                                                             : "failed");
    free(t);
    util_wipe(nname, sizeof nname);
    util_wipe(nphone, sizeof nphone);
    return rc;
}

int content_training_signup(struct store *st, const char *training_id, const char *name,
                            const char *phone, int64_t now_ms, char uuid_out[37])
{
    return training_join(st, training_id, name, phone, 0, now_ms, uuid_out);
}

int content_training_waitlist(struct store *st, const char *training_id, const char *name,
                              const char *phone, int64_t now_ms, char uuid_out[37])
{
    return training_join(st, training_id, name, phone, 1, now_ms, uuid_out);
}

int content_consultation(struct store *st, const struct content_service *topic,
                         const char *name, const char *phone, int64_t now_ms,
                         char uuid_out[37])
{
    uuid_out[0] = 0;
    char nname[VALIDATE_NAME_SIZE], nphone[VALIDATE_PHONE_SIZE];
    if (!topic || person(name, phone, nname, nphone) < 0)
        return CONTENT_INVALID;
    struct strbuf sb = {0};
    strbuf_add(&sb, "{");
    add_field(&sb, "topic", topic->title);
    add_field(&sb, "service_id", topic->id);
    add_field(&sb, "window", topic->window);
    add_field(&sb, "name", nname);
    add_field(&sb, "phone", nphone);
    int rc = write_record(st, "consultation", &sb, now_ms, uuid_out) < 0 ? CONTENT_ERROR
                                                                          : CONTENT_OK;
    store_event(st, now_ms, "consultation", rc == CONTENT_OK ? topic->id : "failed");
    util_wipe(nname, sizeof nname);
    util_wipe(nphone, sizeof nphone);
    return rc;
}

/* 1 when p is a usable ticket prefix: 1 to 3 capital letters or digits, the registry's
 * rule (kiosks.ticket_prefix). */
static int good_prefix(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    if (n < 1 || n >= TICKET_PREFIX_SIZE)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
            return 0;
    return 1;
}

void content_ticket_prefix(struct store *st, const char *cfg_prefix, char *out, size_t size)
{
    char reg[16];
    if (store_meta_get(st, "registry.ticket_prefix", reg, sizeof reg) == 0 && good_prefix(reg))
        util_strlcpy(out, reg, size);
    else
        util_strlcpy(out, good_prefix(cfg_prefix) ? cfg_prefix : "A", size);
}

int content_study_view(struct store *st, const struct content_material *m, int seconds,
                       int64_t now_ms, char uuid_out[37])
{
    uuid_out[0] = 0;
    if (!m || seconds < CONTENT_STUDY_MIN_S)
        return CONTENT_OK;
    struct strbuf sb = {0};
    strbuf_add(&sb, "{");
    add_field(&sb, "material_id", m->id);
    add_field(&sb, "material_title", m->title);
    add_field(&sb, "category", m->category);
    strbuf_addf(&sb, ",\"seconds\":%d", seconds);
    return write_record(st, "study_view", &sb, now_ms, uuid_out) < 0 ? CONTENT_ERROR
                                                                      : CONTENT_OK;
}

int content_queue_ticket(struct store *st, const struct content_service *service,
                         const char *cfg_prefix, int64_t now_ms, char uuid_out[37],
                         char ticket_out[CONTENT_TICKET_SIZE])
{
    uuid_out[0] = 0;
    ticket_out[0] = 0;
    if (!service)
        return CONTENT_ERROR;
    char day[16], prefix[TICKET_PREFIX_SIZE];
    today(now_ms, day);
    if (store_begin(st) < 0)
        return CONTENT_ERROR;
    content_ticket_prefix(st, cfg_prefix, prefix, sizeof prefix);
    /* The highest number of the day with this prefix, not the count: a number once given
     * is never given again, whatever happens to the records later.  A prefix that
     * changed during the day (the registry's arrived) starts its own numbers. */
    sqlite3_stmt *s = store_prepare(
        st, "SELECT coalesce(MAX(CAST(substr(json_extract(fields, '$.ticket_no'), ?1) AS"
            " INTEGER)), 0) FROM records WHERE kind = 'queue_ticket' AND local_date = ?2"
            " AND substr(json_extract(fields, '$.ticket_no'), 1, ?1 - 1) = ?3"
            " AND substr(json_extract(fields, '$.ticket_no'), ?1, 1) BETWEEN '0' AND '9'");
    int rc = CONTENT_ERROR;
    if (s) {
        sqlite3_bind_int(s, 1, (int)strlen(prefix) + 1);
        sqlite3_bind_text(s, 2, day, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, prefix, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW) {
            /* Six digits at most: a hall gives out a few hundred numbers a day. */
            int64_t next = sqlite3_column_int64(s, 0) + 1;
            unsigned no = next < 1 || next > 999999 ? 1u : (unsigned)next;
            snprintf(ticket_out, CONTENT_TICKET_SIZE, "%s%03u", prefix, no % 1000000u);
            rc = CONTENT_OK;
        } else {
            db_fail(st, "ticket number");
        }
        sqlite3_finalize(s);
    }
    if (rc == CONTENT_OK) {
        struct strbuf sb = {0};
        strbuf_add(&sb, "{");
        add_field(&sb, "ticket_no", ticket_out);
        add_field(&sb, "service", service->title);
        add_field(&sb, "service_id", service->id);
        add_field(&sb, "window", service->window);
        if (write_record(st, "queue_ticket", &sb, now_ms, uuid_out) < 0 || store_commit(st) < 0)
            rc = CONTENT_ERROR;
    }
    store_rollback(st);
    if (rc != CONTENT_OK) {
        uuid_out[0] = 0;
        ticket_out[0] = 0;
    }
    store_event(st, now_ms, "queue_ticket", rc == CONTENT_OK ? ticket_out : "failed");
    return rc;
}
