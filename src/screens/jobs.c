/* jobs — 就业岗位: the job postings of the district, newest first, filtered by category
 * (chips), by area (a picker) and by words typed on the on-screen keyboard (pinyin
 * included: "chache" → 叉车); a posting's detail (salary, headcount, place,
 * requirements, contact, dates); and 我有意向, which records the person's interest with
 * name and phone and ends on the receipt.
 *
 * Four screens on the app's stack, so that 返回 always goes one step back: the list
 * (screen_jobs), the search keyboard over it, the detail, and the interest form.  The
 * list reads its rows a page at a time (app/content.h) and builds only the visible
 * ones; the search screen edits the list's filter directly (it is pushed with the
 * list's state, which outlives it) and shows the results live.  After the record is
 * committed the form leaves (wiping what was typed) and the receipt comes up over the
 * detail, so 返回 from the receipt shows the posting again.
 *
 * Owns: each screen's state; the form's personal data lives in contact_form and is
 * wiped when the form leaves.  Never does: SQL (app/content.h), drawing of its own. */
#include "app/app.h"
#include "app/content.h"
#include "screens/contact_form.h"

#include "core/util.h"
#include "input/keyboard.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FACETS 24
#define PAGE 48
#define SEARCH_CHARS 20
#define SEARCH_SIZE 128

static const struct screen jobs_search_screen, jobs_detail_screen, jobs_interest_screen;

/* ---- shared -------------------------------------------------------------------------- */

/* Momentum scrolling: a frame every 16 ms while a list glides. */
static int text_h(struct ui *ui, const char *s, int size, int bold, int w)
{
    struct text_style st = {.size_px = ui_px(ui, size), .bold = bold};
    int mw = 0, h = 0;
    text_measure(ui_fonts(ui), s, &st, w, 0, &mw, &h);
    return h;
}

/* tmpl with its first "{}" replaced by v1 and the second by v2 (catalogue texts are
 * never printf formats), in the frame arena. */
static const char *fill(struct ui *ui, const char *tmpl, const char *v1, const char *v2)
{
    const char *p = strstr(tmpl, "{}");
    if (!p)
        return tmpl;
    const char *q = v2 ? strstr(p + 2, "{}") : NULL;
    if (!q)
        return ui_strf(ui, "%.*s%s%s", (int)(p - tmpl), tmpl, v1, p + 2);
    return ui_strf(ui, "%.*s%s%.*s%s%s", (int)(p - tmpl), tmpl, v1, (int)(q - p - 2), p + 2, v2,
                   q + 2);
}

static const char *num(struct ui *ui, int n) { return ui_strf(ui, "%d", n); }

static const char *salary(struct app *a, struct ui *ui, const struct content_job *j)
{
    if (j->salary_min && j->salary_max && j->salary_min != j->salary_max)
        return fill(ui, app_t(a, "jobs.salary.range"), num(ui, j->salary_min),
                    num(ui, j->salary_max));
    if (j->salary_max && !j->salary_min)
        return fill(ui, app_t(a, "jobs.salary.upto"), num(ui, j->salary_max), NULL);
    if (j->salary_min)
        return fill(ui, app_t(a, "jobs.salary.from"), num(ui, j->salary_min), NULL);
    return app_t(a, "jobs.salary.none");
}

/* "急招 · 招8人", "招8人", "急招" or "". */
static const char *tag(struct app *a, struct ui *ui, const struct content_job *j)
{
    const char *urgent = j->urgent ? app_t(a, "jobs.urgent") : "";
    if (j->headcount <= 0)
        return urgent;
    const char *n = fill(ui, app_t(a, "jobs.headcount"), num(ui, j->headcount), NULL);
    return j->urgent ? ui_strf(ui, "%s · %s", urgent, n) : n;
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

struct jl {
    char cats[MAX_FACETS][CONTENT_NAME_SIZE];
    int ncats;
    char areas[MAX_FACETS][CONTENT_NAME_SIZE];
    int nareas;
    int cat, area;                    /* index into cats / areas; -1: all */
    char search[SEARCH_SIZE];
    int count;                        /* matching postings; -1: the database failed */
    struct content_job page[PAGE];    /* rows [page_start, page_start + page_n) */
    int page_start, page_n;
    int stale;                        /* the filter changed: count and page again */
    struct ui_list_state ls, area_ls;
    int picking_area;
    struct app *a;
};

static void jl_filter(const struct jl *s, struct content_job_filter *f)
{
    f->category = s->cat >= 0 ? s->cats[s->cat] : NULL;
    f->area = s->area >= 0 ? s->areas[s->area] : NULL;
    f->search = s->search;
}

static void jl_refresh(struct jl *s)
{
    struct content_job_filter f;
    jl_filter(s, &f);
    s->count = content_jobs_count(s->a->st, &f, app_now(s->a));
    s->page_start = 0;
    s->page_n = 0;
    s->stale = 0;
    memset(&s->ls, 0, sizeof s->ls);
}

/* The posting at index, reading the page around it when needed; NULL on failure. */
static const struct content_job *jl_row(struct jl *s, int index)
{
    if (index < s->page_start || index >= s->page_start + s->page_n) {
        struct content_job_filter f;
        jl_filter(s, &f);
        int from = index - PAGE / 4 < 0 ? 0 : index - PAGE / 4;
        int n = content_jobs(s->a->st, &f, app_now(s->a), from, PAGE, s->page);
        s->page_start = from;
        s->page_n = n < 0 ? 0 : n;
        if (index >= s->page_start + s->page_n)
            return NULL;
    }
    return &s->page[index - s->page_start];
}

struct row_ctx {
    struct app *a;
    struct jl *s;
};

static int job_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct row_ctx *rc = ctx;
    struct app *a = rc->a;
    const struct content_job *j = jl_row(rc->s, index);
    if (!j)
        return 0;
    const char *t = tag(a, ui, j);
    const char *sub = ui_strf(ui, "%s · %s · %s", j->employer, j->area, salary(a, ui, j));
    /* The tag sits right of the title (ui_row draws it in the right half) when both fit
     * on the line, else it leads the detail line: a long title is never drawn under it. */
    int tw = *t ? ui_text_width(ui, t, SIZE_BODY, 1) : 0;
    int fits = !*t || (tw <= row.w / 2 - 32 &&
                       32 + ui_text_width(ui, j->title, SIZE_LARGE, 1) + 40 < row.w - 32 - tw);
    struct ui_opts o = {.sub = sub, .hint = *t && fits ? t : NULL};
    if (*t && !fits)
        o.sub = ui_strf(ui, "%s · %s", t, sub);
    return ui_row(ui, rect(row.x, row.y, row.w, row.h - 4), j->title, &o);
}

/* "共 12 个岗位，最新发布的在前 · 物流配送 · 紫金街道": the count and the filters that
 * narrow it, so a search never silently misses what a chip hides. */
static const char *count_line(struct app *a, struct ui *ui, const struct jl *s)
{
    const char *t = fill(ui, app_t(a, "jobs.count"), num(ui, s->count), NULL);
    if (s->cat >= 0)
        t = ui_strf(ui, "%s · %s", t, s->cats[s->cat]);
    if (s->area >= 0)
        t = ui_strf(ui, "%s · %s", t, s->areas[s->area]);
    return t;
}

static int row_height(struct ui *ui) { return ui_large_text(ui) ? 200 : 156; }

/* The result list in r, or what to say when there is none.  Returns 1 when a posting
 * was opened. */
static int build_results(struct app *a, struct ui *ui, struct jl *s, SDL_Rect r, const char *key,
                         struct ui_list_state *ls)
{
    if (s->count <= 0) {
        struct ui_opts eo = {.size = SIZE_LARGE, .role = s->count < 0 ? ROLE_ERROR : ROLE_MUTED,
                             .align = TEXT_CENTER, .max_lines = 3};
        ui_label(ui, rect(r.x + 40, r.y + 40, r.w - 80, 200),
                 app_t(a, s->count < 0 ? "jobs.error" : "jobs.none"), &eo);
        return 0;
    }
    struct row_ctx rc = {a, s};
    int hit = ui_list(ui, r, key, ls, s->count, row_height(ui), job_row, &rc);
    if (hit < 0)
        return 0;
    const struct content_job *j = jl_row(s, hit);
    if (!j)
        return 0;
    char id[CONTENT_ID_SIZE];
    util_strlcpy(id, j->id, sizeof id);
    app_push(a, &jobs_detail_screen, id);
    return 1;
}

static void build_area_picker(struct app *a, struct ui *ui, struct jl *s, SDL_Rect c);

/* Category chips flowing over as many lines as they need; returns the height used. */
static int build_chips(struct app *a, struct ui *ui, struct jl *s, SDL_Rect r, int *chosen)
{
    int x = r.x, y = r.y, h = ui_px(ui, SIZE_BODY) * 2 + 20, gap = 16;
    for (int i = -1; i < s->ncats; i++) {
        const char *t = i < 0 ? app_t(a, "jobs.all") : s->cats[i];
        int w = ui_text_width(ui, t, SIZE_BODY, 1) + 64;
        if (w < 150)
            w = 150;
        if (x > r.x && x + w > r.x + r.w) {
            x = r.x;
            y += h + gap;
        }
        struct ui_opts o = {.role = s->cat == i ? ROLE_SELECTED : ROLE_NORMAL, .size = SIZE_BODY,
                            .radius = h / 2, .max_lines = 1};
        if (ui_button(ui, rect(x, y, w, h), t, &o))
            *chosen = i;
        x += w + gap;
    }
    return y + h - r.y;
}

static void jl_build(struct app *a, struct ui *ui)
{
    struct jl *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.jobs"));
    if (app_top(a) != &screen_jobs || *app_slot(a) != s)
        return;
    if (s->stale)
        jl_refresh(s);
    int m = ui_portrait(ui) ? 32 : 48, x = c.x + m, w = c.w - 2 * m, y = c.y + 24;
    int bh = ui_px(ui, SIZE_LARGE) * 2 + 8;

    /* The search box and the area picker, side by side. */
    int aw = ui_portrait(ui) ? w * 2 / 5 : 560;
    int cw = s->search[0] ? (ui_large_text(ui) ? 230 : 190) : 0;
    int sw = w - aw - 24 - (cw ? cw + 16 : 0);
    const char *st = s->search[0] ? ui_strf(ui, "%s%s", app_t(a, "jobs.search.active"), s->search)
                                  : app_t(a, "jobs.search");
    struct ui_opts so = {.role = s->search[0] ? ROLE_SELECTED : ROLE_NORMAL, .size = SIZE_LARGE,
                         .max_lines = 1};
    int open_search = ui_button(ui, rect(x, y, sw, bh), st, &so);
    int clear = 0;
    if (cw) {
        struct ui_opts co = {.role = ROLE_QUIET, .size = SIZE_BODY, .max_lines = 1};
        clear = ui_button(ui, rect(x + sw + 16, y, cw, bh), app_t(a, "jobs.search.clear"), &co);
    }
    const char *at = ui_strf(ui, "%s%s", app_t(a, "jobs.area"),
                             s->area >= 0 ? s->areas[s->area] : app_t(a, "jobs.area.all"));
    struct ui_opts ao = {.role = s->area >= 0 ? ROLE_SELECTED : ROLE_NORMAL, .size = SIZE_BODY,
                         .max_lines = 1};
    int open_area = ui_button(ui, rect(x + w - aw, y, aw, bh), at, &ao);
    y += bh + 20;

    int chosen = -2;
    y += build_chips(a, ui, s, rect(x, y, w, 0), &chosen) + 20;

    struct ui_opts no = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1};
    if (s->count >= 0)
        ui_label(ui, rect(x + 8, y, w - 16, ui_px(ui, SIZE_BODY) * 3 / 2),
                 count_line(a, ui, s), &no);
    y += ui_px(ui, SIZE_BODY) * 3 / 2 + 8;

    SDL_Rect list = rect(x, y, w, c.y + c.h - 24 - y);
    if (!s->picking_area && build_results(a, ui, s, list, "jobs.list", &s->ls))
        return;
    if (s->picking_area) {
        build_area_picker(a, ui, s, c);
        return;
    }
    if (open_search) {
        app_push(a, &jobs_search_screen, s);
    } else if (clear) {
        util_wipe(s->search, sizeof s->search);
        s->stale = 1;
    } else if (open_area) {
        s->picking_area = 1;
        memset(&s->area_ls, 0, sizeof s->area_ls);
    } else if (chosen >= -1 && chosen != s->cat) {
        s->cat = chosen;
        s->stale = 1;
    }
}

struct area_ctx {
    struct app *a;
    struct jl *s;
};

static int area_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct area_ctx *ac = ctx;
    const char *t = index == 0 ? app_t(ac->a, "jobs.area.all") : ac->s->areas[index - 1];
    struct ui_opts o = {.selected = ac->s->area == index - 1};
    return ui_row(ui, rect(row.x, row.y, row.w, row.h - 4), t, &o);
}

static void build_area_picker(struct app *a, struct ui *ui, struct jl *s, SDL_Rect c)
{
    ui_modal(ui);
    int W = ui_width(ui), H = ui_height(ui);
    int dw = W < 1200 ? W - 96 : 900, row_h = ui_large_text(ui) ? 120 : 100;
    int n = s->nareas + 1, lh = n * row_h, max = H - 2 * 80 - 260;
    if (lh > max)
        lh = max;
    SDL_Rect d = rect((W - dw) / 2, (H - (lh + 260)) / 2, dw, lh + 260);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, d, &card);
    struct ui_opts to = {.size = SIZE_TITLE, .bold = 1, .max_lines = 1};
    ui_label(ui, rect(d.x + 40, d.y + 30, d.w - 80, 80), app_t(a, "jobs.area.title"), &to);
    struct area_ctx ac = {a, s};
    int hit = ui_list(ui, rect(d.x + 24, d.y + 130, d.w - 48, lh), "jobs.areas", &s->area_ls, n,
                      row_h, area_row, &ac);
    struct ui_opts qo = {.role = ROLE_QUIET, .size = SIZE_LARGE};
    int cancel = ui_button(ui, rect(d.x + (d.w - 300) / 2, d.y + d.h - 110, 300, 90),
                           app_t(a, "contact.cancel"), &qo);
    if (hit >= 0) {
        if (s->area != hit - 1)
            s->stale = 1;
        s->area = hit - 1;
        s->picking_area = 0;
    } else if (cancel) {
        s->picking_area = 0;
    }
}

static void jl_enter(struct app *a, const void *arg)
{
    struct jl *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->a = a;
    s->cat = s->area = -1;
    int64_t now = app_now(a);
    s->ncats = content_job_facets(a->st, "category", now, s->cats, MAX_FACETS);
    s->nareas = content_job_facets(a->st, "area", now, s->areas, MAX_FACETS);
    if (s->ncats < 0)
        s->ncats = 0;
    if (s->nareas < 0)
        s->nareas = 0;
    jl_refresh(s);
}

static void jl_leave(struct app *a)
{
    struct jl *s = *app_slot(a);
    if (s)
        util_wipe(s, sizeof *s); /* the search words were typed by a person */
    free(s);
    *app_slot(a) = NULL;
}

const struct screen screen_jobs = {
    .name = "jobs",
    .title_key = "home.jobs",
    .enter = jl_enter,
    .leave = jl_leave,
    .build = jl_build,
};

/* ---- search -------------------------------------------------------------------------- */

struct js {
    struct jl *list;                  /* the list below this screen: it outlives us */
    struct kbd *kbd;
    struct ui_list_state ls;
    int done;
};

static const char *tr(void *ctx, const char *key) { return app_t(ctx, key); }

static void js_apply(struct js *s, struct kbd_action *act)
{
    char *buf = s->list->search;
    if (act->text[0]) {
        size_t len = strlen(buf), count = utf8_count(buf);
        for (const char *p = act->text; *p && count < SEARCH_CHARS;) {
            const char *q = p;
            utf8_next(&q);
            size_t n = (size_t)(q - p);
            if (len + n >= SEARCH_SIZE)
                break;
            memcpy(buf + len, p, n);
            buf[len += n] = 0;
            count++;
            p = q;
        }
    }
    if (act->del && buf[0]) {
        size_t len = strlen(buf), at = utf8_prev(buf, len);
        util_wipe(buf + at, len - at);
    }
    if (act->text[0] || act->del) {
        s->list->stale = 1;
        memset(&s->ls, 0, sizeof s->ls);
    }
    if (act->next)
        s->done = 1;
    util_wipe(act, sizeof *act);
}

static void js_build(struct app *a, struct ui *ui)
{
    struct js *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "jobs.search.title"));
    if (app_top(a) != &jobs_search_screen || *app_slot(a) != s)
        return;
    struct jl *l = s->list;
    if (l->stale) {
        jl_refresh(l);
        memset(&s->ls, 0, sizeof s->ls);
    }
    int W = ui_width(ui), H = ui_height(ui);
    SDL_Rect kb, left;
    if (ui_portrait(ui)) {
        int kh = kbd_preferred_height(ui, W - 24);
        kb = rect(12, H - kh - 12, W - 24, kh);
        left = rect(32, c.y + 24, W - 64, kb.y - 24 - c.y - 24);
    } else {
        int kw = W * 52 / 100;
        kb = rect(W - kw - 20, c.y + 16, kw, c.h - 32);
        left = rect(32, c.y + 24, kb.x - 32 - 40, c.h - 48);
    }
    int lh = ui_px(ui, SIZE_BODY) * 3 / 2, bh = ui_px(ui, SIZE_LARGE) * 3 / 2 + 28;
    int hh = ui_px(ui, SIZE_SMALL) * 3 / 2;
    struct ui_opts fo = {.focused = 1, .hint = app_t(a, "jobs.search.hint")};
    ui_field(ui, rect(left.x, left.y, left.w, lh + bh + hh), app_t(a, "jobs.search.field"),
             l->search, &fo);
    int y = left.y + lh + bh + hh + 16;
    /* 查看 N 个岗位 closes the keyboard; the results are also live under the field. */
    int barh = 110;
    SDL_Rect bar = rect(left.x, left.y + left.h - barh, left.w, barh);
    struct ui_opts no = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = 1};
    if (l->count >= 0)
        ui_label(ui, rect(left.x + 8, y, left.w - 16, lh), count_line(a, ui, l), &no);
    y += lh + 4;
    if (bar.y - 16 - y > row_height(ui) &&
        build_results(a, ui, l, rect(left.x, y, left.w, bar.y - 16 - y), "jobs.search.list",
                      &s->ls))
        return;
    struct ui_opts qo = {.role = ROLE_QUIET, .size = SIZE_LARGE, .disabled = !l->search[0]};
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
    int cw = (bar.w - 24) * 2 / 5;
    int clear = ui_button(ui, rect(bar.x, bar.y, cw, bar.h), app_t(a, "jobs.search.clear"), &qo);
    int show = ui_button(ui, rect(bar.x + cw + 24, bar.y, bar.w - cw - 24, bar.h),
                         fill(ui, app_t(a, "jobs.search.show"), num(ui, l->count < 0 ? 0 : l->count), NULL),
                         &po);
    struct kbd_action act;
    if (kbd_build(s->kbd, ui, kb, app_t(a, "jobs.search.field"), &act))
        js_apply(s, &act);
    if (clear && l->search[0]) {
        util_wipe(l->search, sizeof l->search);
        l->stale = 1;
    }
    if (show || s->done) {
        s->done = 0;
        app_pop(a);
    }
}

static void js_enter(struct app *a, const void *arg)
{
    struct js *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->list = (struct jl *)arg;
    s->kbd = kbd_create(kbd_engine(&a->pinyin, a->cfg.data_dir), tr, a);
    kbd_set_kind(s->kbd, KBD_TEXT);
}

static void js_leave(struct app *a)
{
    struct js *s = *app_slot(a);
    if (!s)
        return;
    kbd_destroy(s->kbd);
    free(s);
    *app_slot(a) = NULL;
}

static int js_event(struct app *a, const SDL_Event *ev)
{
    struct js *s = *app_slot(a);
    struct kbd_action act;
    if (!kbd_event(s->kbd, ev, &act))
        return 0;
    js_apply(s, &act);
    return 1;
}

static const struct screen jobs_search_screen = {
    .name = "jobs_search",
    .title_key = "jobs.search.title",
    .enter = js_enter,
    .leave = js_leave,
    .build = js_build,
    .event = js_event,
};

/* ---- detail -------------------------------------------------------------------------- */

struct jd {
    char id[CONTENT_ID_SIZE];
    struct content_job_detail d;
    int rc;                           /* content_job_get's result */
    struct ui_list_state ls;
};

struct fact {
    const char *key, *value;
};

struct detail_ctx {
    struct app *a;
    struct jd *s;
    int w;
    int build;                        /* 0: measure only */
    SDL_Rect view;                    /* what of the content is on screen */
};

/* Lays out (and, when building, adds) the posting's text at the top-left x,y of width
 * w; returns the height. */
static int detail_content(struct detail_ctx *dc, struct ui *ui, int x, int y0, SDL_Rect view)
{
    struct app *a = dc->a;
    const struct content_job_detail *d = &dc->s->d;
    const struct content_job *j = &d->job;
    int w = dc->w, y = y0;
#define VISIBLE(h_) (dc->build && y + (h_) > view.y && y < view.y + view.h)
    int th = text_h(ui, j->title, SIZE_TITLE, 1, w - 220);
    if (VISIBLE(th)) {
        struct ui_opts to = {.size = SIZE_TITLE, .bold = 1};
        ui_label(ui, rect(x, y, w - 220, th), j->title, &to);
        if (j->urgent) {
            struct ui_opts bo = {.role = ROLE_ACCENT, .radius = 18};
            int bw = ui_text_width(ui, app_t(a, "jobs.urgent"), SIZE_BODY, 1) + 48;
            ui_panel(ui, rect(x + w - bw, y + 8, bw, ui_px(ui, SIZE_BODY) * 2), &bo);
            struct ui_opts uo = {.size = SIZE_BODY, .bold = 1, .role = ROLE_ACCENT,
                                 .align = TEXT_CENTER, .max_lines = 1};
            ui_label(ui, rect(x + w - bw, y + 8, bw, ui_px(ui, SIZE_BODY) * 2),
                     app_t(a, "jobs.urgent"), &uo);
        }
    }
    y += th + 8;
    int eh = text_h(ui, j->employer, SIZE_LARGE, 0, w);
    if (VISIBLE(eh)) {
        struct ui_opts eo = {.size = SIZE_LARGE, .role = ROLE_MUTED};
        ui_label(ui, rect(x, y, w, eh), j->employer, &eo);
    }
    y += eh + 28;

    /* The four facts a person compares first, in a row (two rows in portrait). */
    struct fact facts[4] = {
        {"jobs.f.salary", salary(a, ui, j)},
        {"jobs.f.headcount", j->headcount > 0 ? fill(ui, app_t(a, "jobs.headcount.n"), num(ui, j->headcount), NULL)
                                               : app_t(a, "jobs.headcount.none")},
        {"jobs.f.area", j->area},
        {"jobs.f.category", j->category},
    };
    int cols = ui_portrait(ui) ? 2 : 4, gap = 20;
    int cw = (w - (cols - 1) * gap) / cols;
    int kh = ui_px(ui, SIZE_SMALL) * 3 / 2;
    int vh = 0;
    for (int i = 0; i < 4; i++) {
        int h = text_h(ui, facts[i].value, SIZE_LARGE, 1, cw - 48);
        vh = h > vh ? h : vh;
    }
    int fh = 20 + kh + vh + 20;
    for (int i = 0; i < 4; i++) {
        int fx = x + (i % cols) * (cw + gap), fy = y + (i / cols) * (fh + gap);
        int save = y;
        y = fy;
        if (VISIBLE(fh)) {
            struct ui_opts po = {.role = ROLE_MUTED, .radius = 18};
            ui_panel(ui, rect(fx, fy, cw, fh), &po);
            struct ui_opts ko = {.size = SIZE_SMALL, .role = ROLE_MUTED, .max_lines = 1};
            ui_label(ui, rect(fx + 24, fy + 20, cw - 48, kh), app_t(a, facts[i].key), &ko);
            struct ui_opts vo = {.size = SIZE_LARGE, .bold = 1, .max_lines = 3};
            /* Each value as high as its own text: labels centre vertically, and the
             * values of a row line up at the top. */
            ui_label(ui, rect(fx + 24, fy + 20 + kh, cw - 48,
                              text_h(ui, facts[i].value, SIZE_LARGE, 1, cw - 48)),
                     facts[i].value, &vo);
        }
        y = save;
    }
    y += ((4 + cols - 1) / cols) * (fh + gap) + 16;

    /* Requirements and contact: section headings and body text. */
    const char *sect[][2] = {{"jobs.f.requirements", d->requirements},
                             {"jobs.f.contact", d->contact}};
    for (int i = 0; i < 2; i++) {
        const char *body = sect[i][1][0] ? sect[i][1] : app_t(a, "jobs.f.none");
        int hh = ui_px(ui, SIZE_LARGE) * 3 / 2;
        if (VISIBLE(hh)) {
            struct ui_opts ho = {.size = SIZE_LARGE, .bold = 1, .role = ROLE_ACCENT, .max_lines = 1};
            ui_label(ui, rect(x, y, w, hh), app_t(a, sect[i][0]), &ho);
        }
        y += hh + 4;
        int bh = text_h(ui, body, SIZE_LARGE, 0, w);
        if (VISIBLE(bh)) {
            struct ui_opts bo = {.size = SIZE_LARGE};
            ui_label(ui, rect(x, y, w, bh), body, &bo);
        }
        y += bh + 28;
    }
    const char *dates =
        ui_strf(ui, "%s%s    %s%s", app_t(a, "jobs.f.posted"), j->posted[0] ? j->posted : "—",
                app_t(a, "jobs.f.expires"), j->expires[0] ? j->expires : app_t(a, "jobs.f.open"));
    int dh = text_h(ui, dates, SIZE_BODY, 0, w);
    if (VISIBLE(dh)) {
        struct ui_opts oo = {.size = SIZE_BODY, .role = ROLE_MUTED};
        ui_label(ui, rect(x, y, w, dh), dates, &oo);
    }
    y += dh + 24;
#undef VISIBLE
    return y - y0;
}

static int detail_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct detail_ctx *dc = ctx;
    detail_content(dc, ui, row.x + 40, row.y + 32, dc->view);
    return 0;
}

static void jd_build(struct app *a, struct ui *ui)
{
    struct jd *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "jobs.detail.title"));
    if (app_top(a) != &jobs_detail_screen || *app_slot(a) != s)
        return;
    int m = ui_portrait(ui) ? 32 : 48;
    if (s->rc != CONTENT_OK) {
        struct ui_opts eo = {.size = SIZE_TITLE, .align = TEXT_CENTER, .max_lines = 3,
                             .role = s->rc < 0 ? ROLE_ERROR : ROLE_NORMAL};
        ui_label(ui, rect(c.x + m, c.y + 120, c.w - 2 * m, 260),
                 app_t(a, s->rc < 0 ? "jobs.error" : "jobs.gone"), &eo);
        return;
    }
    /* The bar: the note beside 我有意向 (landscape) or above it, the button across the
     * screen (portrait). */
    int barh = 130, portrait = ui_portrait(ui);
    const char *note = app_t(a, "jobs.interest.note");
    int nh = portrait ? text_h(ui, note, SIZE_BODY, 0, c.w - 2 * m - 16) : 0;
    SDL_Rect bar = rect(c.x + m, c.y + c.h - 24 - barh, c.w - 2 * m, barh);
    int top = bar.y - (portrait ? nh + 16 : 0);
    SDL_Rect view = rect(c.x + m, c.y + 24, c.w - 2 * m, top - 24 - c.y - 24);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 24};
    ui_panel(ui, view, &card);
    SDL_Rect inner = rect(view.x, view.y + 8, view.w, view.h - 16);
    struct detail_ctx dc = {a, s, view.w - 80, 0, inner};
    int content_h = detail_content(&dc, ui, 0, 0, inner) + 32;
    dc.build = 1;
    /* One tall row: the toolkit scrolls it with momentum, and only what is inside the
     * card's window is built (detail_content checks). */
    if (content_h > inner.h)
        inner.h -= cue_h(ui);
    ui_list(ui, inner, "jobs.detail", &s->ls, 1, content_h > inner.h ? content_h : inner.h,
            detail_row, &dc);
    if (content_h > inner.h + cue_h(ui))
        more_cue(a, ui, rect(inner.x, inner.y + inner.h, inner.w, cue_h(ui)), &s->ls, content_h,
                 inner.h, "jobs.more");

    struct ui_opts no = {.size = SIZE_BODY, .role = ROLE_MUTED, .max_lines = portrait ? 3 : 2};
    int bw = portrait ? bar.w : 520;
    if (portrait)
        ui_label(ui, rect(bar.x + 8, top, bar.w - 16, nh), note, &no);
    else
        ui_label(ui, rect(bar.x + 8, bar.y, bar.w - bw - 40, bar.h), note, &no);
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .max_lines = 1};
    if (ui_button(ui, rect(bar.x + bar.w - bw, bar.y, bw, bar.h), app_t(a, "jobs.interest"), &po)) {
        char id[CONTENT_ID_SIZE];
        util_strlcpy(id, s->id, sizeof id);
        app_push(a, &jobs_interest_screen, id);
    }
}

static void jd_load(struct app *a, struct jd *s)
{
    s->rc = content_job_get(a->st, s->id, app_now(a), &s->d);
}

static void jd_enter(struct app *a, const void *arg)
{
    struct jd *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    util_strlcpy(s->id, arg ? (const char *)arg : "", sizeof s->id);
    jd_load(a, s);
}

static void jd_leave(struct app *a)
{
    free(*app_slot(a));
    *app_slot(a) = NULL;
}

static const struct screen jobs_detail_screen = {
    .name = "jobs_detail",
    .title_key = "jobs.detail.title",
    .enter = jd_enter,
    .leave = jd_leave,
    .build = jd_build,
};

/* ---- interest form ------------------------------------------------------------------- */

struct ji {
    struct content_job_detail d;
    int rc;
    struct cform *form;
    const char *message;              /* catalogue key of a dialog over the form, or NULL */
};

static void ji_build(struct app *a, struct ui *ui)
{
    struct ji *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "jobs.interest.title"));
    if (app_top(a) != &jobs_interest_screen || *app_slot(a) != s)
        return;
    const struct content_job *j = &s->d.job;
    const char *detail = ui_strf(ui, "%s\n%s · %s", j->employer, j->area, salary(a, ui, j));
    enum cform_result r =
        cform_build(s->form, a, ui, c, ui_strf(ui, "%s%s", app_t(a, "jobs.interest.for"), j->title),
                    detail, s->message != NULL);
    if (s->message) {
        ui_modal(ui);
        int W = ui_width(ui), H = ui_height(ui), dw = W < 1200 ? W - 96 : 1000, dh = 440;
        SDL_Rect d = rect((W - dw) / 2, (H - dh) / 2, dw, dh);
        struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
        ui_panel(ui, d, &card);
        struct ui_opts mo = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 4};
        ui_label(ui, rect(d.x + 60, d.y + 50, d.w - 120, 230), app_t(a, s->message), &mo);
        struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE};
        if (ui_button(ui, rect(d.x + (d.w - 400) / 2, d.y + d.h - 140, 400, 100),
                      app_t(a, "contact.ok"), &po)) {
            int gone = s->rc == CONTENT_GONE;
            s->message = NULL;
            if (gone)
                app_pop(a);
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
    s->rc = content_job_interest(a->st, j->id, name, phone, app_now(a), uuid);
    util_wipe(name, sizeof name);
    util_wipe(phone, sizeof phone);
    if (s->rc == CONTENT_OK) {
        /* Done: the form (and what was typed) goes, the receipt comes up over the
         * posting. */
        app_pop(a);
        app_show_receipt(a, uuid);
        return;
    }
    s->message = s->rc == CONTENT_GONE ? "jobs.gone" : "contact.failed";
}

static void ji_enter(struct app *a, const void *arg)
{
    struct ji *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    s->rc = content_job_get(a->st, arg ? (const char *)arg : "", app_now(a), &s->d);
    s->form = cform_create(a);
    if (s->rc != CONTENT_OK)
        s->message = s->rc == CONTENT_GONE ? "jobs.gone" : "contact.failed";
}

static void ji_leave(struct app *a)
{
    struct ji *s = *app_slot(a);
    if (!s)
        return;
    cform_destroy(s->form);
    free(s);
    *app_slot(a) = NULL;
}

static int ji_event(struct app *a, const SDL_Event *ev)
{
    struct ji *s = *app_slot(a);
    return !s->message && cform_event(s->form, ev);
}

static const struct screen jobs_interest_screen = {
    .name = "jobs_interest",
    .title_key = "jobs.interest.title",
    .enter = ji_enter,
    .leave = ji_leave,
    .build = ji_build,
    .event = ji_event,
};
