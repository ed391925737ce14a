/* training — 培训安排: the sessions that have not started yet, soonest first, under a
 * heading per day (今天, 明天, 12月5日 星期六 …) with time, venue and places left; a
 * session's detail (time, venue, capacity, description); and 我要报名, which signs the
 * person up with name and phone and ends on the receipt.  A full session says so and
 * offers no sign-up; a second sign-up with the same phone is refused with a sentence.
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

#include "core/util.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SESSIONS 200

static const struct screen training_detail_screen, training_signup_screen;

/* ---- shared -------------------------------------------------------------------------- */

static int text_h(struct ui *ui, const char *s, int size, int bold, int w)
{
    struct text_style st = {.size_px = ui_px(ui, size), .bold = bold};
    int mw = 0, h = 0;
    text_measure(ui_fonts(ui), s, &st, w, 0, &mw, &h);
    return h;
}

static const char *fill(struct ui *ui, const char *tmpl, const char *v)
{
    const char *p = strstr(tmpl, "{}");
    if (!p)
        return tmpl;
    return ui_strf(ui, "%.*s%s%s", (int)(p - tmpl), tmpl, v, p + 2);
}

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
    return fill(ui, app_t(a, "training.left"), ui_strf(ui, "%d", left));
}

/* Height of the strip under a scrolled card's text that says more is below. */
static int cue_h(struct ui *ui) { return ui_px(ui, SIZE_SMALL) * 2 + 16; }

/* A pill in the strip under a card's text while more is below it: people who do not
 * know to swipe still find the rest.  The strip is kept clear of text. */
static void more_cue(struct app *a, struct ui *ui, SDL_Rect strip, const struct ui_list_state *ls,
                     int content_h, int view_h, const char *key)
{
    if (content_h - (int)ls->offset <= view_h + 8)
        return;
    const char *t = app_t(a, key);
    int w = ui_text_width(ui, t, SIZE_SMALL, 1) + 64, h = ui_px(ui, SIZE_SMALL) * 2;
    SDL_Rect r = rect(strip.x + (strip.w - w) / 2, strip.y + (strip.h - h) / 2, w, h);
    struct ui_opts po = {.role = ROLE_MUTED, .radius = h / 2};
    ui_panel(ui, r, &po);
    struct ui_opts lo = {.size = SIZE_SMALL, .bold = 1, .align = TEXT_CENTER, .max_lines = 1};
    ui_label(ui, r, t, &lo);
}

/* ---- the list ------------------------------------------------------------------------ */

struct item {
    int y, h;
    int session;          /* index into sessions, or -1 for a day heading */
    int first;            /* the heading's first session */
};

struct tl {
    struct content_training *sessions;
    int n;                /* -1: the database failed */
    struct item items[2 * MAX_SESSIONS];
    int nitems, content_h;
    int laid_for;         /* ui_large_text() the items were laid out for, +1 */
    int reload;           /* a detail was opened: places may have changed since */
    struct ui_list_state ls;
};

static void tl_load(struct app *a, struct tl *s)
{
    s->n = content_trainings(a->st, app_now(a), 0, MAX_SESSIONS, s->sessions);
    s->laid_for = 0;
}

static int session_h(struct ui *ui) { return ui_large_text(ui) ? 200 : 156; }
static int heading_h(struct ui *ui) { return ui_px(ui, SIZE_LARGE) * 2 + 8; }

static void tl_lay(struct ui *ui, struct tl *s)
{
    int y = 0;
    s->nitems = 0;
    for (int i = 0; i < s->n; i++) {
        if (i == 0 || strncmp(s->sessions[i].starts_at, s->sessions[i - 1].starts_at, 10)) {
            s->items[s->nitems++] = (struct item){y, heading_h(ui), -1, i};
            y += heading_h(ui);
        }
        s->items[s->nitems++] = (struct item){y, session_h(ui), i, i};
        y += session_h(ui);
    }
    s->content_h = y + 16;
    s->laid_for = ui_large_text(ui) + 1;
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
        if (r.y + r.h <= tc->view.y || r.y >= tc->view.y + tc->view.h)
            continue;
        const struct content_training *t = &s->sessions[it->first];
        if (it->session < 0) {
            struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT,
                                 .max_lines = 1};
            ui_label(ui, rect(r.x + 24, r.y + 12, r.w - 48, r.h - 12),
                     day_words(a, ui, t->starts_at, 0), &ho);
            continue;
        }
        const char *left = places(a, ui, t);
        const char *sub = ui_strf(ui, "%s · %s · %s", hours(ui, t), t->venue, t->kind);
        int lw = ui_text_width(ui, left, SIZE_BODY, 1);
        int fits = lw <= r.w / 2 - 32 && 32 + ui_text_width(ui, t->title, SIZE_LARGE, 1) + 40 < r.w - 32 - lw;
        struct ui_opts o = {.sub = fits ? sub : ui_strf(ui, "%s · %s", left, sub),
                            .hint = fits ? left : NULL};
        if (ui_row(ui, rect(r.x, r.y, r.w, r.h - 4), t->title, &o))
            tc->hit = it->session;
    }
    return 0;
}

static void tl_build(struct app *a, struct ui *ui)
{
    struct tl *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.training"));
    if (app_top(a) != &screen_training || *app_slot(a) != s)
        return;
    if (s->reload) {
        /* Back from a detail (and perhaps a sign-up): the places left are read again;
         * the scroll position stays. */
        tl_load(a, s);
        s->reload = 0;
    }
    if (s->laid_for != ui_large_text(ui) + 1)
        tl_lay(ui, s);
    int m = ui_portrait(ui) ? 32 : 48, x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    int lh = ui_px(ui, SIZE_BODY) * 3 / 2;
    struct ui_opts no = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 2};
    const char *intro = s->n > 0 ? fill(ui, app_t(a, "training.intro"), ui_strf(ui, "%d", s->n))
                                 : app_t(a, s->n < 0 ? "training.error" : "training.none");
    int ih = text_h(ui, intro, SIZE_BODY, 0, w - 16);
    ui_label(ui, rect(x + 8, y, w - 16, ih > 2 * lh ? 2 * lh : ih), intro, &no);
    y += (ih > 2 * lh ? 2 * lh : ih) + 12;
    if (s->n <= 0)
        return;
    SDL_Rect view = rect(x, y, w, c.y + c.h - 24 - y);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = -1};
    ui_panel(ui, view, &card);
    struct tl_ctx tc = {a, s, view, -1};
    ui_list(ui, view, "training.list", &s->ls, 1, s->content_h > view.h ? s->content_h : view.h,
            tl_rows, &tc);
    if (tc.hit >= 0) {
        char id[CONTENT_ID_SIZE];
        util_strlcpy(id, s->sessions[tc.hit].id, sizeof id);
        s->reload = 1;
        app_push(a, &training_detail_screen, id);
    }
}

static void tl_enter(struct app *a, const void *arg)
{
    struct tl *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->sessions = calloc(MAX_SESSIONS, sizeof *s->sessions);
    if (!s->sessions)
        abort();
    tl_load(a, s);
}

static void tl_leave(struct app *a)
{
    struct tl *s = *app_slot(a);
    if (s)
        free(s->sessions);
    free(s);
    *app_slot(a) = NULL;
}

const struct screen screen_training = {
    .name = "training",
    .title_key = "home.training",
    .enter = tl_enter,
    .leave = tl_leave,
    .build = tl_build,
};

/* ---- detail -------------------------------------------------------------------------- */

struct td {
    char id[CONTENT_ID_SIZE];
    struct content_training_detail d;
    int rc;
    int reload;               /* the sign-up form was opened: read the places again */
    struct ui_list_state ls;
};

struct td_ctx {
    struct app *a;
    struct td *s;
    int w, build;
    SDL_Rect view;
};

/* Lays out (and, when building, adds) the session's text; returns its height. */
static int td_content(struct td_ctx *dc, struct ui *ui, int x, int y0)
{
    struct app *a = dc->a;
    const struct content_training *t = &dc->s->d.t;
    int w = dc->w, y = y0;
#define VISIBLE(h_) (dc->build && y + (h_) > dc->view.y && y < dc->view.y + dc->view.h)
    if (t->kind[0]) {
        int kw = ui_text_width(ui, t->kind, SIZE_BODY, 1) + 48, kh = ui_px(ui, SIZE_BODY) * 2;
        if (VISIBLE(kh)) {
            struct ui_opts bo = {.role = ROLE_ACCENT, .radius = kh / 2};
            ui_panel(ui, rect(x, y, kw, kh), &bo);
            struct ui_opts ko = {.size = SIZE_BODY, .bold = 1, .role = ROLE_ACCENT,
                                 .align = TEXT_CENTER, .max_lines = 1};
            ui_label(ui, rect(x, y, kw, kh), t->kind, &ko);
        }
        y += kh + 16;
    }
    int th = text_h(ui, t->title, SIZE_TITLE, 1, w);
    if (VISIBLE(th)) {
        struct ui_opts to = {.size = SIZE_TITLE, .bold = 1};
        ui_label(ui, rect(x, y, w, th), t->title, &to);
    }
    y += th + 24;

    /* Landscape: the facts on the left, what the session covers on the right, so a
     * wide screen shows everything without scrolling. */
    int two = !ui_portrait(ui) && dc->s->d.description[0];
    int top = y, fw = two ? w * 46 / 100 : w;
    int left = content_training_left(t);
    const char *cap =
        t->capacity > 0
            ? ui_strf(ui, "%s · %s", fill(ui, app_t(a, "training.capacity"), ui_strf(ui, "%d", t->capacity)),
                      fill(ui, app_t(a, "training.signed"), ui_strf(ui, "%d", t->signed_up)))
            : app_t(a, "training.unlimited");
    struct {
        const char *key, *value;
        int strong;
    } rows[] = {
        {"training.f.time", ui_strf(ui, "%s  %s", day_words(a, ui, t->starts_at, 1), hours(ui, t)), 0},
        {"training.f.venue", t->venue, 0},
        {"training.f.capacity", cap, 0},
        {"training.f.left", places(a, ui, t), left >= 0},
    };
    int kw = 0;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        int kwi = ui_text_width(ui, app_t(a, rows[i].key), SIZE_BODY, 0);
        kw = kwi > kw ? kwi : kw;
    }
    kw += 40;
    int stacked = kw > fw / 3;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        int vw = stacked ? fw : fw - kw;
        int vh = text_h(ui, rows[i].value, SIZE_LARGE, 1, vw);
        int kh = ui_px(ui, SIZE_BODY) * 3 / 2;
        int h = stacked ? kh + vh : (vh > kh ? vh : kh);
        if (VISIBLE(h)) {
            struct ui_opts ko = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1};
            ui_label(ui, rect(x, y + (stacked ? 0 : (ui_px(ui, SIZE_LARGE) - ui_px(ui, SIZE_BODY)) / 2), kw, kh),
                     app_t(a, rows[i].key), &ko);
            struct ui_opts vo = {.size = SIZE_LARGE, .bold = 1,
                                 .role = rows[i].strong && left == 0 ? ROLE_ERROR
                                         : rows[i].strong          ? ROLE_OK
                                                                   : ROLE_NORMAL};
            ui_label(ui, rect(stacked ? x : x + kw, y + (stacked ? kh : 0), vw, vh), rows[i].value,
                     &vo);
        }
        y += h + 16;
    }
    y += 16;
    int facts_end = y;
    if (two) {
        x += fw + 48;
        w -= fw + 48;
        y = top;
    }
    if (dc->s->d.description[0]) {
        int hh = ui_px(ui, SIZE_LARGE) * 3 / 2;
        if (VISIBLE(hh)) {
            struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT, .max_lines = 1};
            ui_label(ui, rect(x, y, w, hh), app_t(a, "training.f.description"), &ho);
        }
        y += hh + 4;
        int bh = text_h(ui, dc->s->d.description, SIZE_LARGE, 0, w);
        if (VISIBLE(bh)) {
            struct ui_opts bo = {.size = SIZE_LARGE};
            ui_label(ui, rect(x, y, w, bh), dc->s->d.description, &bo);
        }
        y += bh + 24;
    }
    if (y < facts_end)
        y = facts_end;
#undef VISIBLE
    return y - y0;
}

static int td_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    td_content(ctx, ui, row.x + 40, row.y + 32);
    return 0;
}

static void td_build(struct app *a, struct ui *ui)
{
    struct td *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "training.detail.title"));
    if (app_top(a) != &training_detail_screen || *app_slot(a) != s)
        return;
    if (s->reload) {
        s->rc = content_training_get(a->st, s->id, app_now(a), &s->d);
        s->reload = 0;
    }
    int m = ui_portrait(ui) ? 32 : 48, portrait = ui_portrait(ui);
    if (s->rc != CONTENT_OK) {
        struct ui_opts eo = {.size = SIZE_TITLE, .align = TEXT_CENTER, .max_lines = 3,
                             .role = s->rc < 0 ? ROLE_ERROR : ROLE_NORMAL};
        ui_label(ui, rect(c.x + m, c.y + 120, c.w - 2 * m, 260),
                 app_t(a, s->rc < 0 ? "training.error" : "training.gone"), &eo);
        return;
    }
    int full = content_training_left(&s->d.t) == 0;
    const char *note = app_t(a, full ? "training.full.note" : "training.signup.note");
    int barh = 130;
    int nh = portrait ? text_h(ui, note, SIZE_BODY, 0, c.w - 2 * m - 16) : 0;
    SDL_Rect bar = rect(c.x + m, c.y + c.h - 24 - barh, c.w - 2 * m, barh);
    int top = bar.y - (portrait ? nh + 16 : 0);
    SDL_Rect view = rect(c.x + m, c.y + 24, c.w - 2 * m, top - 24 - c.y - 24);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 24};
    ui_panel(ui, view, &card);
    SDL_Rect inner = rect(view.x, view.y + 8, view.w, view.h - 16);
    struct td_ctx dc = {a, s, view.w - 80, 0, inner};
    int content_h = td_content(&dc, ui, 0, 0) + 32;
    dc.build = 1;
    if (content_h > inner.h)
        inner.h -= cue_h(ui);
    ui_list(ui, inner, "training.detail", &s->ls, 1, content_h > inner.h ? content_h : inner.h,
            td_row, &dc);
    if (content_h > inner.h + cue_h(ui))
        more_cue(a, ui, rect(inner.x, inner.y + inner.h, inner.w, cue_h(ui)), &s->ls, content_h,
                 inner.h, "training.more");

    struct ui_opts no = {.size = SIZE_BODY, .role = full ? ROLE_ERROR : ROLE_MUTED,
                         .max_lines = portrait ? 3 : 2};
    int bw = portrait ? bar.w : 520;
    if (portrait)
        ui_label(ui, rect(bar.x + 8, top, bar.w - 16, nh), note, &no);
    else
        ui_label(ui, rect(bar.x + 8, bar.y, bar.w - bw - 40, bar.h), note, &no);
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .max_lines = 1, .disabled = full};
    if (ui_button(ui, rect(bar.x + bar.w - bw, bar.y, bw, bar.h),
                  app_t(a, full ? "training.full" : "training.signup"), &po) &&
        !full) {
        char id[CONTENT_ID_SIZE];
        util_strlcpy(id, s->id, sizeof id);
        s->reload = 1;
        app_push(a, &training_signup_screen, id);
    }
}

static void td_enter(struct app *a, const void *arg)
{
    struct td *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    util_strlcpy(s->id, arg ? (const char *)arg : "", sizeof s->id);
    s->rc = content_training_get(a->st, s->id, app_now(a), &s->d);
}

static void td_leave(struct app *a)
{
    free(*app_slot(a));
    *app_slot(a) = NULL;
}

static const struct screen training_detail_screen = {
    .name = "training_detail",
    .title_key = "training.detail.title",
    .enter = td_enter,
    .leave = td_leave,
    .build = td_build,
};

/* ---- sign-up form -------------------------------------------------------------------- */

struct ts {
    struct content_training_detail d;
    int rc;
    struct cform *form;
    const char *message;      /* catalogue key of the dialog over the form, or NULL */
    int leave_after;          /* the dialog's 知道了 goes back to the detail */
};

static void ts_build(struct app *a, struct ui *ui)
{
    struct ts *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "training.signup.title"));
    if (app_top(a) != &training_signup_screen || *app_slot(a) != s)
        return;
    const struct content_training *t = &s->d.t;
    const char *detail = ui_strf(ui, "%s %s\n%s", day_words(a, ui, t->starts_at, 0), hours(ui, t),
                                 t->venue);
    enum cform_result r =
        cform_build(s->form, a, ui, c,
                    ui_strf(ui, "%s%s", app_t(a, "training.signup.for"), t->title), detail,
                    s->message != NULL);
    if (s->message) {
        ui_modal(ui);
        int W = ui_width(ui), H = ui_height(ui), dw = W < 1200 ? W - 96 : 1000, dh = 460;
        SDL_Rect d = rect((W - dw) / 2, (H - dh) / 2, dw, dh);
        struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
        ui_panel(ui, d, &card);
        struct ui_opts mo = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 5};
        ui_label(ui, rect(d.x + 60, d.y + 40, d.w - 120, 260), app_t(a, s->message), &mo);
        struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE};
        if (ui_button(ui, rect(d.x + (d.w - 400) / 2, d.y + d.h - 140, 400, 100),
                      app_t(a, "contact.ok"), &po)) {
            s->message = NULL;
            if (s->leave_after) {
                app_pop(a);
                /* The detail below re-reads the places left. */
                return;
            }
        }
        return;
    }
    if (r == CFORM_CANCEL) {
        app_pop(a);
        return;
    }
    if (r != CFORM_SUBMIT)
        return;
    char name[VALIDATE_NAME_SIZE], phone[VALIDATE_PHONE_SIZE], uuid[37];
    if (cform_values(s->form, name, phone) < 0)
        return;
    s->rc = content_training_signup(a->st, t->id, name, phone, app_now(a), uuid);
    util_wipe(name, sizeof name);
    util_wipe(phone, sizeof phone);
    switch (s->rc) {
    case CONTENT_OK:
        app_pop(a);
        app_show_receipt(a, uuid);
        return;
    case CONTENT_FULL: s->message = "training.full.sorry"; s->leave_after = 1; break;
    case CONTENT_ALREADY: s->message = "training.already"; break;
    case CONTENT_GONE: s->message = "training.gone"; s->leave_after = 1; break;
    default: s->message = "contact.failed"; break;
    }
}

static void ts_enter(struct app *a, const void *arg)
{
    struct ts *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->rc = content_training_get(a->st, arg ? (const char *)arg : "", app_now(a), &s->d);
    s->form = cform_create(a);
    if (s->rc != CONTENT_OK) {
        s->message = s->rc == CONTENT_GONE ? "training.gone" : "contact.failed";
        s->leave_after = 1;
    }
}

static void ts_leave(struct app *a)
{
    struct ts *s = *app_slot(a);
    if (!s)
        return;
    cform_destroy(s->form);
    free(s);
    *app_slot(a) = NULL;
}

static int ts_event(struct app *a, const SDL_Event *ev)
{
    struct ts *s = *app_slot(a);
    return !s->message && cform_event(s->form, ev);
}

static const struct screen training_signup_screen = {
    .name = "training_signup",
    .title_key = "training.signup.title",
    .enter = ts_enter,
    .leave = ts_leave,
    .build = ts_build,
    .event = ts_event,
};
