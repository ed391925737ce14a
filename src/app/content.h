/* content — the application side of the four browsing screens (就业岗位, 培训安排,
 * 学习园地, 服务指南): paged and filtered reads of the content tables, the services
 * list, and the records a visitor can leave there (job_interest, training_signup,
 * training_waitlist, consultation, queue_ticket).  The screens call this and never run SQL themselves.
 *
 * What a visitor sees is decided here, not in the screens: a job posting is shown from
 * its `posted` date through its `expires` date (kiosk-local days, both inclusive; an
 * empty date does not limit); a training is "upcoming" until it starts and can be
 * signed up for until then, while places are left.  Every query takes the time as a
 * parameter, so results never depend on the wall clock.
 *
 * Places are shared by the district: a session's places taken are this kiosk's own
 * sign-ups plus those the centre holds from the other kiosks (training_counts, brought
 * by a sync or a content bundle; 0 until then).  A full session offers its waiting list
 * (报名候补, a training_waitlist record) instead.  Over-booking can then only come
 * from sign-ups made at two kiosks between two syncs.
 *
 * The services (八项服务, 创业基地, 金融服务直通车) are content like the rest: imported
 * (`kioskctl import services`), published by the centre, seeded from the demo.
 *
 * Queue tickets carry this kiosk's prefix: the registry's (pulled from the centre, meta
 * key "registry.ticket_prefix"), else [services] ticket_prefix, so two kiosks of one
 * hall never hand out the same number.
 *
 * Records.  Each function validates the name and phone again (the screen already did,
 * but a record is the product's promise), writes the record with store_record_add and
 * returns only after it reached the disk; sign-ups and queue tickets check and write
 * inside one transaction, so the capacity and the day's ticket numbers hold even if
 * kioskctl writes at the same moment.  The record carries what its receipt prints
 * (titles, times, places) so it stays meaningful after the content is replaced.
 *
 * Owns: nothing between calls.  Buffers that held a name or phone are wiped before
 * they are freed.  Never does: UI, or log personal data — events name the content id
 * and the outcome only. */
#ifndef KIOSK_CONTENT_H
#define KIOSK_CONTENT_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define CONTENT_ID_SIZE 65
#define CONTENT_NAME_SIZE 256     /* titles, employers, venues: cut at a character */
#define CONTENT_TEXT_SIZE 4001    /* requirements, descriptions (import caps them at 4000) */
#define CONTENT_TICKET_SIZE 12    /* "A023"; a prefix of up to 3 characters, 6 digits */
#define CONTENT_URGENT_DAYS 14    /* a posting closing this soon counts as 急招 */
#define CONTENT_URGENT_HEADCOUNT 10 /* so does one seeking this many people */

/* What a record function (or a detail read) found.  Negative: the database failed
 * (logged) and nothing was written. */
enum content_result {
    CONTENT_OK = 0,
    CONTENT_GONE,      /* no such posting / session, or it expired / started */
    CONTENT_FULL,      /* the training has no places left */
    CONTENT_ALREADY,   /* this phone number is already signed up for the training */
    CONTENT_INVALID,   /* the name or phone is not valid (validate.h) */
    CONTENT_WAITING,   /* this phone number is on the session's waiting list already */
    CONTENT_WAITLISTED,/* full: the person is on the waiting list now (a record written) */
    CONTENT_ERROR = -1,
};

/* ---- jobs ---------------------------------------------------------------------- */

struct content_job {
    char id[CONTENT_ID_SIZE];
    char title[CONTENT_NAME_SIZE];
    char employer[CONTENT_NAME_SIZE];
    char area[CONTENT_NAME_SIZE];
    char category[CONTENT_NAME_SIZE];
    int salary_min, salary_max;   /* yuan a month; 0: not given */
    int headcount;                /* 0: not given */
    char posted[11], expires[11]; /* YYYY-MM-DD or "" */
    int urgent;                   /* 急招: closes within CONTENT_URGENT_DAYS or seeks many */
};

struct content_job_detail {
    struct content_job job;
    char requirements[CONTENT_TEXT_SIZE];
    char contact[CONTENT_TEXT_SIZE];
};

/* Filters; NULL or "" means any.  search is split at spaces (ASCII or U+3000) into at
 * most 8 words, each of which must occur in the title, employer, area, category or
 * requirements (ASCII letters compared case-insensitively). */
struct content_job_filter {
    const char *category;
    const char *area;
    const char *search;
};

/* How many shown postings match.  -1 on error (logged). */
int content_jobs_count(struct store *st, const struct content_job_filter *f, int64_t now_ms);
/* Up to limit matching postings from offset, newest posting first, into out.  Returns
 * how many were written, -1 on error (logged). */
int content_jobs(struct store *st, const struct content_job_filter *f, int64_t now_ms,
                 int offset, int limit, struct content_job *out);
/* One shown posting.  CONTENT_OK, CONTENT_GONE (absent or no longer shown) or -1. */
int content_job_get(struct store *st, const char *id, int64_t now_ms,
                    struct content_job_detail *out);
/* The distinct categories ("category") or areas ("area") of the shown postings, in
 * the order they first appear in the content (by id), at most max, into out[i]
 * (CONTENT_NAME_SIZE bytes each).  Returns the count or -1. */
int content_job_facets(struct store *st, const char *column, int64_t now_ms,
                       char (*out)[CONTENT_NAME_SIZE], int max);

/* ---- trainings -------------------------------------------------------------------- */

struct content_training {
    char id[CONTENT_ID_SIZE];
    char title[CONTENT_NAME_SIZE];
    char venue[CONTENT_NAME_SIZE];
    char kind[CONTENT_NAME_SIZE];
    char starts_at[17], ends_at[17]; /* "YYYY-MM-DD HH:MM"; ends_at may be "" */
    int capacity;                    /* 0: no limit */
    int signed_up;                   /* places taken: own sign-ups + the centre's others */
};

struct content_training_detail {
    struct content_training t;
    char description[CONTENT_TEXT_SIZE];
};

/* Places left: capacity - signed_up (never below 0), or -1 when there is no limit. */
int content_training_left(const struct content_training *t);

/* Sessions that have not started, soonest first: the count, and a page of them.
 * Same returns as content_jobs_count / content_jobs. */
int content_trainings_count(struct store *st, int64_t now_ms);
int content_trainings(struct store *st, int64_t now_ms, int offset, int limit,
                      struct content_training *out);
/* One session that has not started.  CONTENT_OK, CONTENT_GONE or -1. */
int content_training_get(struct store *st, const char *id, int64_t now_ms,
                         struct content_training_detail *out);

/* ---- study materials -------------------------------------------------------------- */

struct content_category {
    char name[CONTENT_NAME_SIZE];
    int count;
};

#define CONTENT_LEAD_CHARS 200

struct content_material {
    char id[CONTENT_ID_SIZE];
    char title[CONTENT_NAME_SIZE];
    char category[CONTENT_NAME_SIZE];
    char lead[4 * CONTENT_LEAD_CHARS + 1]; /* the body's first characters, Markdown as is
                                             * (content_materials only) */
};

/* The categories that have materials, in content order (the smallest sort of each),
 * at most max.  Returns the count or -1. */
int content_material_categories(struct store *st, struct content_category *out, int max);
/* The materials of a category (NULL: all) in content order: count, and a page. */
int content_materials_count(struct store *st, const char *category);
int content_materials(struct store *st, const char *category, int offset, int limit,
                      struct content_material *out);
/* One material's Markdown text: *body is malloc'd (caller frees).  CONTENT_OK,
 * CONTENT_GONE or -1. */
int content_material_get(struct store *st, const char *id, struct content_material *out,
                         char **body);

/* A material's picture, decoded. */
struct content_image {
    char name[CONTENT_NAME_SIZE];
    uint8_t *rgba;    /* w*h*4 bytes, R,G,B,A */
    int w, h;
};
/* Decodes every image of material id (PNG blobs in material_images).  An image that
 * does not decode is skipped (logged): the text is still worth reading.  Returns the
 * count and a malloc'd array in *out (free with content_images_free), or -1. */
int content_material_images(struct store *st, const char *id, struct content_image **out);
void content_images_free(struct content_image *v, int n);

/* ---- services --------------------------------------------------------------------- */

struct content_service {
    char id[CONTENT_ID_SIZE];
    char title[CONTENT_NAME_SIZE];
    char summary[CONTENT_TEXT_SIZE];
    char how[CONTENT_TEXT_SIZE];      /* what to bring, where to go */
    char window[CONTENT_NAME_SIZE];   /* "1号窗口" */
};

/* The service guide in content order.  Returns the count and a malloc'd array in *out
 * (caller frees), or -1 with a sentence in err (also logged). */
int content_services_load(struct store *st, struct content_service **out, char *err,
                          size_t errlen);

/* ---- records ---------------------------------------------------------------------- */

/* 我有意向: fields job_id, job_title, job_employer, job_area, job_contact, name, phone.
 * CONTENT_OK with the record's UUID, CONTENT_GONE, CONTENT_INVALID or -1. */
int content_job_interest(struct store *st, const char *job_id, const char *name,
                         const char *phone, int64_t now_ms, char uuid_out[37]);

/* 我要报名: fields training_id, training_title, training_starts_at, training_venue, name,
 * phone.  Refuses a session that has started (CONTENT_GONE), one whose sign-ups have
 * reached its capacity (CONTENT_FULL) and a second sign-up with the same phone
 * (CONTENT_ALREADY).  CONTENT_OK with the UUID, CONTENT_INVALID or -1. */
int content_training_signup(struct store *st, const char *training_id, const char *name,
                            const char *phone, int64_t now_ms, char uuid_out[37]);

/* 报名候补: the same, for a session that is full: a training_waitlist record (fields as
 * training_signup) and CONTENT_WAITLISTED.  A place free by the time the person
 * submits signs them up instead (CONTENT_OK, a training_signup).  Refuses a phone
 * already signed up (CONTENT_ALREADY) or already waiting (CONTENT_WAITING). */
int content_training_waitlist(struct store *st, const char *training_id, const char *name,
                              const char *phone, int64_t now_ms, char uuid_out[37]);

/* 咨询登记: fields topic (the service's title), service_id, window, name, phone.
 * CONTENT_OK with the UUID, CONTENT_INVALID or -1. */
int content_consultation(struct store *st, const struct content_service *topic,
                         const char *name, const char *phone, int64_t now_ms,
                         char uuid_out[37]);

/* 学习: someone read a material for `seconds` (anonymous: nothing about the person).
 * A record study_view {material_id, material_title, category, seconds} is written only
 * for CONTENT_STUDY_MIN_S seconds or more; a glance is no study session.  CONTENT_OK
 * with the UUID (uuid_out[0] = 0 when too short to count), or -1. */
#define CONTENT_STUDY_MIN_S 30
int content_study_view(struct store *st, const struct content_material *m, int seconds,
                       int64_t now_ms, char uuid_out[37]);

/* The prefix of this kiosk's queue numbers: the registry's when a sync brought one,
 * else cfg_prefix ([services] ticket_prefix), else "A".  Into out (4 bytes at least). */
void content_ticket_prefix(struct store *st, const char *cfg_prefix, char *out, size_t size);

/* 排队取号: the next number of this kiosk's day with its prefix ("A001", "A002" … by
 * kiosk-local date; after A999 it goes on as A1000), fields ticket_no, service,
 * service_id, window.  cfg_prefix as for content_ticket_prefix().  CONTENT_OK with the
 * UUID and the number in ticket_out, or -1. */
int content_queue_ticket(struct store *st, const struct content_service *service,
                         const char *cfg_prefix, int64_t now_ms, char uuid_out[37],
                         char ticket_out[CONTENT_TICKET_SIZE]);

#endif
