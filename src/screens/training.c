/* training — 培训安排: the sessions that have not started yet, soonest first, under a
 * heading per day (今天, 明天, 12月5日 星期六 …) with time, venue and places left; a
 * session's detail (time, venue, capacity, description); and 我要报名, which signs the
 * person up with name and phone and ends on the receipt.  A full session says so and
 * offers its waiting list instead (报名候补: the same form, a training_waitlist record);
 * a second sign-up (or entry on the list) with the same phone is refused with a
 * sentence.
 *
 * Three screens on the app's stack (list, detail, form) so that 返回 always goes one
 * step back.  After the record is committed the form leaves (wiping what was typed)
 * and the receipt comes up over the detail, which shows the new count of places when
 * the person comes back to it.
 *
 * Owns: each screen's state; personal data only inside contact_form (wiped when the
 * form leaves).  Never does: SQL (app/content.h), drawing of its own. */
#include "app/app.h"
#include "app/content.h"
#include "screens/contact_form.h"
#include "screens/kit.h"

#include "core/util.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SESSIONS 200

static const struct screen training_detail_screen, training_signup_screen,
    training_waitlist_screen;

/* ---- shared -------------------------------------------------------------------------- */

/* The day of a "YYYY-MM-DD HH:MM" time as people say it: 今天 / 明天 / 12月5日 星期六
 * (Today / Tomorrow / Saturday 2026-12-05). */
static const char *day_words(struct app *a, struct ui *ui, const char *when, int with_year)
{
    int64_t ms;
    if (util_parse_local(when, &ms) < 0)
        return ui_strf(ui, "%.10s", when);
    char today[16], tomorrow[16];
    util_time_local(app_now(a), "%Y-%m-%d", today, sizeof today);
    util_time_local(app_now(a) + 86400000LL, "%Y-%m-%d", tomorrow, sizeof tomorrow);
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    char wd[16];
    snprintf(wd, sizeof wd, "weekday.%d", tm.tm_wday);
    const char *rel = !strncmp(when, today, 10)      ? app_t(a, "training.today")
                      : !strncmp(when, tomorrow, 10) ? app_t(a, "training.tomorrow")
                                                     : NULL;
    const char *date;
    if (a->lang == LANG_EN)
        date = ui_strf(ui, "%s %.10s", app_t(a, wd), when);
    else if (with_year)
        date = ui_strf(ui, "%d年%d月%d日 %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       app_t(a, wd));
    else
        date = ui_strf(ui, "%d月%d日 %s", tm.tm_mon + 1, tm.tm_mday, app_t(a, wd));
    return rel ? ui_strf(ui, "%s · %s", rel, date) : date;
}

/* "19:00–20:30" or "19:00". */
static const char *hours(struct ui *ui, const struct content_training *t)
{
    if (t->ends_at[0] && !strncmp(t->ends_at, t->starts_at, 10))
        return ui_strf(ui, "%s–%s", t->starts_at + 11, t->ends_at + 11);
    if (t->ends_at[0])
        return ui_strf(ui, "%s – %s", t->starts_at + 11, t->ends_at);
    return ui_strf(ui, "%s", t->starts_at + 11);
}

/* 余 12 个名额 / 名额已满 / 不限名额. */
static const char *places(struct app *a, struct ui *ui, const struct content_training *t)
{
    int left = content_training_left(t);
    if (left < 0)
        return app_t(a, "training.unlimited");
    if (left == 0)
        return app_t(a, "training.full");
    return KIT_FILL(ui, app_t(a, "training.left"), kit_num(ui, left));
}

/* ---- the list ------------------------------------------------------------------------ */

struct item {
    int y, h;
    int session;          /* index into sessions, or -1 for a day heading */
    int first;            /* the heading's first session */
};

struct tl {
    struct content_training sessions[MAX_SESSIONS];
    int n;                /* -1: the database failed */
    struct item items[2 * MAX_SESSIONS];
    int tops[2 * MAX_SESSIONS];         /* items[i].y, for paging */
    unsigned char counted[2 * MAX_SESSIONS]; /* a session, not a day heading */
    int nitems, content_h;
    int laid_for;         /* width, text size and language the items were laid out for, +1 */
    int reload;           /* a detail was opened: places may have changed since */
    struct ui_list_state ls;
};

static void tl_load(struct app *a, struct tl *s)
{
    s->n = content_trainings(a->st, app_now(a), 0, MAX_SESSIONS, s->sessions);
    s->laid_for = 0;
}

static const char *session_sub(struct ui *ui, const struct content_training *t)
{
    return ui_strf(ui, "%s · %s · %s", hours(ui, t), t->venue, t->kind);
}
static int heading_h(struct ui *ui) { return ui_px(ui, SIZE_LARGE) * 2 + 8; }

/* Day headings and sessions, each session as tall as its own detail needs at width w. */
static void tl_lay(struct app *a, struct ui *ui, struct tl *s, int w)
{
    int y = 0;
    s->nitems = 0;
    for (int i = 0; i < s->n; i++) {
        const struct content_training *t = &s->sessions[i];
        if (i == 0 || strncmp(t->starts_at, s->sessions[i - 1].starts_at, 10)) {
            s->items[s->nitems++] = (struct item){y, heading_h(ui), -1, i};
            y += heading_h(ui);
        }
        int h = kit_row_h(ui, kit_row_lines(ui, w, t->title, session_sub(ui, t),
                                            places(a, ui, t)));
        s->items[s->nitems++] = (struct item){y, h, i, i};
        y += h;
    }
    s->content_h = y + 16;
    for (int i = 0; i < s->nitems; i++) {
        s->tops[i] = s->items[i].y;
        s->counted[i] = s->items[i].session >= 0;
    }
    s->laid_for = ((w * 2 + ui_large_text(ui)) * 2 + (int)a->lang) + 1;
}

struct tl_ctx {
    struct app *a;
    struct tl *s;
    SDL_Rect view;
    int hit;
};

static int tl_rows(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct tl_ctx *tc = ctx;
    struct app *a = tc->a;
    struct tl *s = tc->s;
    for (int i = 0; i < s->nitems; i++) {
        const struct item *it = &s->items[i];
        SDL_Rect r = rect(row.x, row.y + it->y, row.w, it->h);
        /* Only whole items: pages begin where an item begins, and nothing shows cut. */
        if (r.y < tc->view.y || r.y + r.h > tc->view.y + tc->view.h)
            continue;
        const struct content_training *t = &s->sessions[it->first];
        if (it->session < 0) {
            struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT,
                                 .max_lines = 1};
            ui_label(ui, rect(r.x + 24, r.y + 12, r.w - 48, r.h - 12),
                     day_words(a, ui, t->starts_at, 0), &ho);
            continue;
        }
        if (kit_row(ui, r, t->title, session_sub(ui, t), places(a, ui, t), 0))
            tc->hit = it->session;
    }
    return 0;
}

static void tl_build(struct app *a, struct ui *ui)
{
    struct tl *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.training"));
    if (s->reload) {
        /* Back from a detail (and perhaps a sign-up): the places left are read again;
         * the scroll position stays. */
        tl_load(a, s);
        s->reload = 0;
    }
    int m = ui_portrait(ui) ? 32 : 48, x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    if (s->laid_for != ((w * 2 + ui_large_text(ui)) * 2 + (int)a->lang) + 1)
        tl_lay(a, ui, s, w);
    struct ui_opts no = {.size = SIZE_BODY, .role = ROLE_MUTED};
    const char *intro = s->n > 0 ? KIT_FILL(ui, app_t(a, "training.intro"), kit_num(ui, s->n))
                                 : app_t(a, s->n < 0 ? "training.error" : "training.none");
    int ih = ui_text_height(ui, intro, SIZE_BODY, 0, w - 16, 0);
    ui_label(ui, rect(x + 8, y, w - 16, ih), intro, &no);
    y += ih + 12;
    if (s->n <= 0)
        return;
    SDL_Rect area = rect(x, y, w, c.y + c.h - 24 - y);
    SDL_Rect view = kit_view(ui, area, s->content_h, 0);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = -1};
    ui_panel(ui, view, &card);
    struct tl_ctx tc = {a, s, view, -1};
    ui_list(ui, view, "training.list", &s->ls, 1, s->content_h > view.h ? s->content_h : view.h,
            tl_rows, &tc);
    struct kit_items items = {.tops = s->tops, .counted = s->counted, .n = s->nitems,
                              .total = s->n};
    kit_pager(a, ui, area, view, &s->ls, s->content_h, &items);
    if (tc.hit >= 0) {
        char id[CONTENT_ID_SIZE];
        util_strlcpy(id, s->sessions[tc.hit].id, sizeof id);
        s->reload = 1;
        app_push(a, &training_detail_screen, id);
    }
}

static void tl_enter(struct app *a, const void *arg)
{
    tl_load(a, app_new_state(a, sizeof(struct tl)));
}

const struct screen screen_training = {
    .name = "training", .title_key = "home.training",
    .enter = tl_enter, .build = tl_build,
};

/* ---- detail -------------------------------------------------------------------------- */

struct td {
    char id[CONTENT_ID_SIZE];
    struct content_training_detail d;
    int rc;
    int reload;               /* read it (again: the sign-up form may have changed places) */
    struct ui_list_state ls;
};

/* The session's text in the card.  Landscape: the facts on the left, what the session
 * covers on the right, so a wide screen shows everything without paging. */
static void td_content(struct kit_flow *f, void *ctx)
{
    struct app *a = f->a;
    struct ui *ui = f->ui;
    const struct td *s = ctx;
    const struct content_training *t = &s->d.t;
    if (t->kind[0])
        kit_flow_pill(f, t->kind, 16);
    kit_flow_text(f, t->title, SIZE_TITLE, 1, ROLE_NORMAL, 24);
    int two = !ui_portrait(ui) && s->d.description[0];
    int x = f->x, w = f->w, top = f->y;
    if (two)
        f->w = w * 46 / 100;
    int left = content_training_left(t);
    const char *cap =
        t->capacity > 0
            ? ui_strf(ui, "%s · %s",
                      KIT_FILL(ui, app_t(a, "training.capacity"), kit_num(ui, t->capacity)),
                      KIT_FILL(ui, app_t(a, "training.signed"), kit_num(ui, t->signed_up)))
            : app_t(a, "training.unlimited");
    const char *keys[] = {app_t(a, "training.f.time"), app_t(a, "training.f.venue"),
                          app_t(a, "training.f.capacity"), app_t(a, "training.f.left")};
    const char *values[] = {
        ui_strf(ui, "%s  %s", day_words(a, ui, t->starts_at, 1), hours(ui, t)), t->venue, cap,
        places(a, ui, t)};
    enum ui_role roles[] = {ROLE_NORMAL, ROLE_NORMAL, ROLE_NORMAL,
                            left == 0 ? ROLE_ERROR : left > 0 ? ROLE_OK : ROLE_NORMAL};
    kit_flow_pairs(f, keys, values, roles, 4);
    int facts_end = f->y;
    if (two) {
        f->x = x + f->w + 48;
        f->w = w - f->w - 48;
        f->y = top;
    }
    if (s->d.description[0])
        kit_flow_section(f, app_t(a, "training.f.description"), s->d.description, "");
    if (f->y < facts_end)
        f->y = facts_end;
    f->x = x;
    f->w = w;
}

static void td_build(struct app *a, struct ui *ui)
{
    struct td *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "training.detail.title"));
    if (s->reload) {
        s->rc = content_training_get(a->st, s->id, app_now(a), &s->d);
        s->reload = 0;
    }
    if (s->rc != CONTENT_OK) {
        kit_notice(ui, c, app_t(a, s->rc < 0 ? "training.error" : "training.gone"),
                   s->rc < 0 ? ROLE_ERROR : ROLE_NORMAL);
        return;
    }
    int full = content_training_left(&s->d.t) == 0;
    SDL_Rect view, pager;
    int signup = kit_action_bar(a, ui, c,
                                app_t(a, full ? "training.full.note" : "training.signup.note"),
                                full ? ROLE_ERROR : ROLE_MUTED,
                                app_t(a, full ? "training.waitlist" : "training.signup"), 0, &view,
                                &pager);
    kit_card(a, ui, view, "training.detail", &s->ls, td_content, s, pager);
    if (signup) {
        /* Full: the waiting list (报名候补) instead.  The detail outlives the form. */
        s->reload = 1;
        app_push(a, full ? &training_waitlist_screen : &training_signup_screen, &s->d.t);
    }
}

static void td_enter(struct app *a, const void *arg)
{
    struct td *s = app_new_state(a, sizeof *s);
    util_strlcpy(s->id, arg ? (const char *)arg : "", sizeof s->id);
    s->reload = 1; /* the first build reads it */
}

static const struct screen training_detail_screen = {
    .name = "training_detail", .title_key = "training.detail.title",
    .enter = td_enter, .build = td_build,
};

/* ---- sign-up form and the waiting list (报名候补): one form, two records --------------- */

/* One outcome of either form: NULL (the record is in: the receipt comes up) or the
 * catalogue key of the sentence over the form. */
static const char *outcome(int rc, int *leave)
{
    switch (rc) {
    case CONTENT_OK:          /* on the waiting list's form: a place was free by now */
    case CONTENT_WAITLISTED: return NULL;
    /* The detail below reads the places left again. */
    case CONTENT_FULL: *leave = 1; return "training.full.sorry";
    case CONTENT_WAITING: return "training.waiting";
    case CONTENT_ALREADY: return "training.already";
    case CONTENT_GONE: *leave = 1; return "training.gone";
    default: return "contact.failed";
    }
}

static const char *ts_save(struct app *a, const void *subject, const char *name,
                           const char *phone, char uuid[37], int *leave)
{
    const struct content_training *t = subject;
    return outcome(content_training_signup(a->st, t->id, name, phone, app_now(a), uuid), leave);
}

static const char *tw_save(struct app *a, const void *subject, const char *name,
                           const char *phone, char uuid[37], int *leave)
{
    const struct content_training *t = subject;
    return outcome(content_training_waitlist(a->st, t->id, name, phone, app_now(a), uuid), leave);
}

/* The form for session t (owned by the detail screen below). */
static void form_open(struct app *a, const struct content_training *t, int waitlist)
{
    cform_page_open(app_new_state(a, sizeof(struct cform_page)), a,
                    waitlist ? "training.waitlist.title" : "training.signup.title",
                    ui_strf(a->ui, "%s%s",
                            app_t(a, waitlist ? "training.waitlist.for" : "training.signup.for"),
                            t->title),
                    ui_strf(a->ui, "%s %s\n%s", day_words(a, a->ui, t->starts_at, 0),
                            hours(a->ui, t), t->venue),
                    waitlist ? tw_save : ts_save, t);
}

static void ts_enter(struct app *a, const void *arg) { form_open(a, arg, 0); }
static void tw_enter(struct app *a, const void *arg) { form_open(a, arg, 1); }

static const struct screen training_signup_screen = {
    .name = "training_signup", .title_key = "training.signup.title",
    .enter = ts_enter, .leave = cform_screen_leave, .build = cform_screen_build,
    .event = cform_screen_event, .has_input = cform_screen_has_input, .writes = 1,
};

static const struct screen training_waitlist_screen = {
    .name = "training_waitlist", .title_key = "training.waitlist.title",
    .enter = tw_enter, .leave = cform_screen_leave, .build = cform_screen_build,
    .event = cform_screen_event, .has_input = cform_screen_has_input, .writes = 1,
};
