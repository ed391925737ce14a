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
#include "screens/kit.h"

#include "core/util.h"
#include "input/keyboard.h"
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

static const char *salary(struct app *a, struct ui *ui, const struct content_job *j)
{
    if (j->salary_min && j->salary_max && j->salary_min != j->salary_max)
        return KIT_FILL(ui, app_t(a, "jobs.salary.range"), kit_num(ui, j->salary_min),
                        kit_num(ui, j->salary_max));
    if (j->salary_max && !j->salary_min)
        return KIT_FILL(ui, app_t(a, "jobs.salary.upto"), kit_num(ui, j->salary_max));
    if (j->salary_min)
        return KIT_FILL(ui, app_t(a, "jobs.salary.from"), kit_num(ui, j->salary_min));
    return app_t(a, "jobs.salary.none");
}

/* "急招 · 招8人", "招8人", "急招" or "". */
static const char *tag(struct app *a, struct ui *ui, const struct content_job *j)
{
    const char *urgent = j->urgent ? app_t(a, "jobs.urgent") : "";
    if (j->headcount <= 0)
        return urgent;
    const char *n = KIT_FILL(ui, app_t(a, "jobs.headcount"), kit_num(ui, j->headcount));
    return j->urgent ? ui_strf(ui, "%s · %s", urgent, n) : n;
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
    int lines, lines_key;             /* job_lines(), 0: not measured */
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
    s->lines = 0;
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

static const char *job_sub(struct app *a, struct ui *ui, const struct content_job *j)
{
    return ui_strf(ui, "%s · %s · %s", j->employer, j->area, salary(a, ui, j));
}

/* Lines of detail the rows need in a list w px wide: every matching posting measured once
 * per filter, width, text size and language, so that no row's detail is cut. */
static int job_lines(struct app *a, struct ui *ui, struct jl *s, int w)
{
    int key = (w * 2 + ui_large_text(ui)) * 2 + (int)a->lang;
    if (s->lines && s->lines_key == key)
        return s->lines;
    s->lines = 1;
    for (int i = 0; i < s->count && s->lines < 2; i++) {
        const struct content_job *j = jl_row(s, i);
        if (!j)
            break;
        s->lines = kit_row_lines(ui, w, j->title, job_sub(a, ui, j), tag(a, ui, j));
    }
    s->lines_key = key;
    return s->lines;
}

static int job_row(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct row_ctx *rc = ctx;
    struct app *a = rc->a;
    const struct content_job *j = jl_row(rc->s, index);
    if (!j)
        return 0;
    return kit_row(ui, row, j->title, job_sub(a, ui, j), tag(a, ui, j), 0);
}

/* "共 12 个岗位，最新发布的在前 · 物流配送 · 紫金街道": the count and the filters that
 * narrow it, so a search never silently misses what a chip hides. */
static const char *count_line(struct app *a, struct ui *ui, const struct jl *s)
{
    const char *t = KIT_FILL(ui, app_t(a, "jobs.count"), kit_num(ui, s->count));
    if (s->cat >= 0)
        t = ui_strf(ui, "%s · %s", t, s->cats[s->cat]);
    if (s->area >= 0)
        t = ui_strf(ui, "%s · %s", t, s->areas[s->area]);
    return t;
}

/* The result list in r, or what to say when there is none.  Returns 1 when a posting
 * was opened. */
static int build_results(struct app *a, struct ui *ui, struct jl *s, SDL_Rect r, const char *key,
                         struct ui_list_state *ls)
{
    if (s->count <= 0) {
        const char *t = app_t(a, s->count < 0 ? "jobs.error" : "jobs.none");
        struct ui_opts eo = {.size = SIZE_LARGE, .role = s->count < 0 ? ROLE_ERROR : ROLE_MUTED,
                             .align = TEXT_CENTER};
        ui_label(ui, rect(r.x + 40, r.y + 40, r.w - 80,
                          ui_text_height(ui, t, SIZE_LARGE, 0, r.w - 80, 0)),
                 t, &eo);
        return 0;
    }
    struct row_ctx rc = {a, s};
    int hit = kit_list(a, ui, r, key, ls, s->count, kit_row_h(ui, job_lines(a, ui, s, r.w)),
                       job_row, &rc);
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

/* Category chips, 全部 first; sets *chosen to the category tapped (-1: all).  Returns
 * the height used. */
static int build_chips(struct app *a, struct ui *ui, struct jl *s, SDL_Rect r, int *chosen)
{
    const char *labels[MAX_FACETS + 1];
    labels[0] = app_t(a, "jobs.all");
    for (int i = 0; i < s->ncats; i++)
        labels[i + 1] = s->cats[i];
    int hit = -2, h = kit_chips(ui, r, labels, s->ncats + 1, s->cat + 1, &hit);
    if (hit >= 0)
        *chosen = hit - 1;
    return h;
}

static void jl_build(struct app *a, struct ui *ui)
{
    struct jl *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.jobs"));
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
    struct ui_opts o = {.selected = ac->s->area == index - 1, .max_lines = 1};
    return ui_row(ui, rect(row.x, row.y, row.w, row.h - 4), t, &o);
}

static void build_area_picker(struct app *a, struct ui *ui, struct jl *s, SDL_Rect c)
{
    ui_modal(ui);
    int W = ui_width(ui), H = ui_height(ui);
    int dw = W < 1200 ? W - 96 : 900, row_h = kit_row_h(ui, 0);
    const char *title = app_t(a, "jobs.area.title");
    int th = ui_text_height(ui, title, SIZE_TITLE, 1, dw - 80, 0), bh = 90;
    int chrome = 30 + th + 20 + 24 + bh + 20; /* title, gaps, 取消 */
    int n = s->nareas + 1, lh = n * row_h, max = H - 80 - chrome;
    if (lh > max)
        lh = max; /* the list pages (kit_list) */
    SDL_Rect d = rect((W - dw) / 2, (H - (lh + chrome)) / 2, dw, lh + chrome);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, d, &card);
    struct ui_opts to = {.size = SIZE_TITLE, .bold = 1};
    ui_label(ui, rect(d.x + 40, d.y + 30, d.w - 80, th), title, &to);
    struct area_ctx ac = {a, s};
    int hit = kit_list(a, ui, rect(d.x + 24, d.y + 30 + th + 20, d.w - 48, lh), "jobs.areas",
                       &s->area_ls, n, row_h, area_row, &ac);
    struct ui_opts qo = {.role = ROLE_QUIET, .size = SIZE_LARGE, .max_lines = 1};
    const char *ct = app_t(a, "contact.cancel");
    int cw = ui_text_width(ui, ct, SIZE_LARGE, 1) + 80;
    cw = cw < 300 ? 300 : cw;
    int cancel = ui_button(ui, rect(d.x + (d.w - cw) / 2, d.y + d.h - 20 - bh, cw, bh), ct, &qo);
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
    struct jl *s = app_new_state(a, sizeof *s);
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
    app_free_state(a);
}

const struct screen screen_jobs = {
    .name = "jobs", .title_key = "home.jobs",
    .enter = jl_enter, .leave = jl_leave, .build = jl_build,
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
    if (act->text[0])
        utf8_append(buf, SEARCH_SIZE, SEARCH_CHARS, act->text);
    if (act->del)
        utf8_wipe_last(buf);
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
    struct jl *l = s->list;
    if (l->stale) {
        jl_refresh(l);
        memset(&s->ls, 0, sizeof s->ls);
    }
    SDL_Rect rest, kb = kbd_place(ui, c, &rest);
    SDL_Rect left = rect(rest.x + 32, rest.y + 24, rest.w - 52, rest.h - 40);
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
    if (bar.y - 16 - y > kit_row_h(ui, 2) &&
        build_results(a, ui, l, rect(left.x, y, left.w, bar.y - 16 - y), "jobs.search.list",
                      &s->ls))
        return;
    struct ui_opts qo = {.role = ROLE_QUIET, .size = SIZE_LARGE, .disabled = !l->search[0]};
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
    int cw = (bar.w - 24) * 2 / 5;
    int clear = ui_button(ui, rect(bar.x, bar.y, cw, bar.h), app_t(a, "jobs.search.clear"), &qo);
    int show = ui_button(ui, rect(bar.x + cw + 24, bar.y, bar.w - cw - 24, bar.h),
                         KIT_FILL(ui, app_t(a, "jobs.search.show"),
                                  kit_num(ui, l->count < 0 ? 0 : l->count)),
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
    struct js *s = app_new_state(a, sizeof *s);
    s->list = (struct jl *)arg;
    s->kbd = kbd_create(kbd_engine(&a->pinyin, a->cfg.data_dir), tr, a);
    kbd_use_handwriting(s->kbd, &a->handwriting);
    kbd_set_kind(s->kbd, KBD_TEXT);
}

static void js_leave(struct app *a)
{
    struct js *s = *app_slot(a);
    if (s)
        kbd_destroy(s->kbd);
    app_free_state(a);
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
    .name = "jobs_search", .title_key = "jobs.search.title",
    .enter = js_enter, .leave = js_leave, .build = js_build,
    .event = js_event,
};

/* ---- detail -------------------------------------------------------------------------- */

struct jd {
    char id[CONTENT_ID_SIZE];
    struct content_job_detail d;
    int rc;                           /* content_job_get's result */
    struct ui_list_state ls;
};

/* The posting's text in the card. */
static void detail_content(struct kit_flow *f, void *ctx)
{
    struct app *a = f->a;
    struct ui *ui = f->ui;
    const struct content_job_detail *d = &((struct jd *)ctx)->d;
    const struct content_job *j = &d->job;
    /* The title, with 急招 at the right of its first line. */
    const char *urgent = app_t(a, "jobs.urgent");
    int bw = j->urgent ? ui_text_width(ui, urgent, SIZE_BODY, 1) + 48 : 0;
    int tw = f->w - (bw ? bw + 32 : 0);
    int th = ui_text_height(ui, j->title, SIZE_TITLE, 1, tw, 0);
    if (kit_flow_shows(f, th)) {
        struct ui_opts to = {.size = SIZE_TITLE, .bold = 1};
        ui_label(ui, rect(f->x, f->y, tw, th), j->title, &to);
        if (bw)
            kit_pill(ui, f->x + f->w - bw, f->y + 8, bw, urgent, 1);
    }
    f->y += th + 8;
    kit_flow_text(f, j->employer, SIZE_LARGE, 0, ROLE_MUTED, 28);

    /* The four facts a person compares first, in a row (two rows in portrait). */
    const char *keys[] = {app_t(a, "jobs.f.salary"), app_t(a, "jobs.f.headcount"),
                          app_t(a, "jobs.f.area"), app_t(a, "jobs.f.category")};
    const char *values[] = {
        salary(a, ui, j),
        j->headcount > 0 ? KIT_FILL(ui, app_t(a, "jobs.headcount.n"), kit_num(ui, j->headcount))
                         : app_t(a, "jobs.headcount.none"),
        j->area, j->category};
    kit_flow_facts(f, keys, values, 4, ui_portrait(ui) ? 2 : 4);

    kit_flow_section(f, app_t(a, "jobs.f.requirements"), d->requirements, app_t(a, "jobs.f.none"));
    kit_flow_section(f, app_t(a, "jobs.f.contact"), d->contact, app_t(a, "jobs.f.none"));
    const char *dates =
        ui_strf(ui, "%s%s    %s%s", app_t(a, "jobs.f.posted"), j->posted[0] ? j->posted : "—",
                app_t(a, "jobs.f.expires"), j->expires[0] ? j->expires : app_t(a, "jobs.f.open"));
    kit_flow_text(f, dates, SIZE_BODY, 0, ROLE_MUTED, 24);
}

static void jd_build(struct app *a, struct ui *ui)
{
    struct jd *s = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "jobs.detail.title"));
    if (s->rc != CONTENT_OK) {
        kit_notice(ui, c, app_t(a, s->rc < 0 ? "jobs.error" : "jobs.gone"),
                   s->rc < 0 ? ROLE_ERROR : ROLE_NORMAL);
        return;
    }
    SDL_Rect view, pager;
    int interest = kit_action_bar(a, ui, c, app_t(a, "jobs.interest.note"), ROLE_MUTED,
                                  app_t(a, "jobs.interest"), 0, &view, &pager);
    kit_card(a, ui, view, "jobs.detail", &s->ls, detail_content, s, pager);
    if (interest)
        app_push(a, &jobs_interest_screen, &s->d.job); /* the detail outlives the form */
}

static void jd_enter(struct app *a, const void *arg)
{
    struct jd *s = app_new_state(a, sizeof *s);
    util_strlcpy(s->id, arg ? (const char *)arg : "", sizeof s->id);
    s->rc = content_job_get(a->st, s->id, app_now(a), &s->d);
}

static const struct screen jobs_detail_screen = {
    .name = "jobs_detail", .title_key = "jobs.detail.title",
    .enter = jd_enter, .build = jd_build,
};

/* ---- interest form ------------------------------------------------------------------- */

static const char *ji_save(struct app *a, const void *subject, const char *name,
                           const char *phone, char uuid[37], int *leave)
{
    const struct content_job *j = subject;
    int rc = content_job_interest(a->st, j->id, name, phone, app_now(a), uuid);
    *leave = rc == CONTENT_GONE;
    return rc == CONTENT_OK ? NULL : rc == CONTENT_GONE ? "jobs.gone" : "contact.failed";
}

/* arg: the posting, owned by the detail screen below. */
static void ji_enter(struct app *a, const void *arg)
{
    const struct content_job *j = arg;
    cform_page_open(app_new_state(a, sizeof(struct cform_page)), a, "jobs.interest.title",
                    ui_strf(a->ui, "%s%s", app_t(a, "jobs.interest.for"), j->title),
                    ui_strf(a->ui, "%s\n%s · %s", j->employer, j->area, salary(a, a->ui, j)),
                    ji_save, j);
}

static const struct screen jobs_interest_screen = {
    .name = "jobs_interest", .title_key = "jobs.interest.title",
    .enter = ji_enter, .leave = cform_screen_leave, .build = cform_screen_build,
    .event = cform_screen_event, .has_input = cform_screen_has_input, .writes = 1,
};
