/* pull — the kiosk's download from the centre: who the centre says this kiosk is
 * (kiosk_whoami(): its hall and its ticket prefix), then every content row changed since
 * the counter the kiosk reached, page by page (kiosk_content_since()), each page applied
 * by sync/apply.h in one short transaction.
 *
 * Every answer is classified, as pretix's scanners do: a server that cannot be reached
 * or a connection that drops is tried again later (the counter stays where the last
 * applied page left it, so nothing is lost and nothing applied twice); a login the
 * registry does not know, or one registered for another kiosk, is given up with a
 * sentence for staff; a malformed row is skipped by apply and the pull goes on.
 *
 * The first pull, and the first after the kiosk's hall changed in the registry, is a
 * full snapshot: from counter 0, ending with apply_finish_full() (the demo's rows of the
 * kinds the centre publishes go).  A full snapshot cut halfway goes on from where it
 * stopped at the next pull and is finished then.
 *
 * Owns: one PGconn per call.  Uses the caller's store connection (a worker thread gives
 * it its own, as sync/syncjob.h does).  Never does: UI, writing at the centre. */
#ifndef KIOSK_PULL_H
#define KIOSK_PULL_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

struct store;
struct config;

#define PULL_PAGE_ROWS 500     /* rows a page asks for (the centre also caps at ~8 MB) */
#define PULL_HALL_KEY "registry.hall_id"
#define PULL_PREFIX_KEY "registry.ticket_prefix"
#define PULL_AT_KEY "content.synced_at"

enum pull_status {
    PULL_OK,                /* up to date with the centre */
    PULL_NOT_CONFIGURED,    /* [upload] conninfo is empty */
    PULL_CONNECT_FAILED,    /* try again later */
    PULL_CONNECTION_LOST,   /* try again later: what was applied stays */
    PULL_REFUSED,           /* the login is not this kiosk's: staff must fix the registry */
    PULL_NO_CONTENT,        /* the centre's schema has no content yet (centre migrate) */
    PULL_DB,                /* the kiosk database could not be written */
    PULL_CANCELLED,
};

struct pull_result {
    enum pull_status status;
    long rows;              /* rows received */
    long changed, withdrawn, skipped;
    int pages;
    int full;               /* this pull was (or finished) a full snapshot */
    long removed;           /* rows the full snapshot removed (not published) */
    int64_t counter;        /* the counter reached */
    char hall_id[40];       /* as the registry says */
};

struct pull_opts {
    int page_rows;          /* 0: PULL_PAGE_ROWS */
    const int *cancel;      /* checked between pages (__atomic_load_n); may be NULL */
    /* Called after each applied page (tests cut the connection here); may be NULL. */
    void (*after_page)(void *ctx, PGconn *c, int page);
    void *ctx;
};

/* Pulls on an open connection c (the kiosk's login).  Returns 0 (res->status PULL_OK)
 * or -1 with a sentence in err and res->status. */
int pull_on(PGconn *c, struct store *st, const struct config *cfg, const struct pull_opts *o,
            int64_t now_ms, struct pull_result *res, char *err, size_t errlen);

/* Connects with [upload] conninfo and pulls.  Same returns. */
int pull_content(struct store *st, const struct config *cfg, const struct pull_opts *o,
                 int64_t now_ms, struct pull_result *res, char *err, size_t errlen);

/* A short sentence for a status, zh != 0 for Chinese.  Static storage. */
const char *pull_status_text(enum pull_status s, int zh);

#endif
