/* rating — see rating.h.  Both views are laid out by the same functions that measure
 * them, so what rating_h promises is what rating_build uses. */
#include "screens/rating.h"

#include "app/app.h"
#include "app/evaluation.h"
#include "screens/kit.h"

#include "core/util.h"
#include "ui/ui.h"

#include <string.h>

#define PAD 24       /* inside the strip's card */
#define GAP 16       /* between buttons */
#define TEXT_MARGIN 32 /* a grade's words keep this much of its button free */

static const char *const grade_keys[EVALUATION_TOP + 1] = {
    NULL, "rating.grade.1", "rating.grade.2", "rating.grade.3", "rating.grade.4",
    "rating.grade.5",
};

static const char *grade_label(struct app *a, int g) { return app_t(a, grade_keys[g]); }

/* A button's least height: a large-text line with room around it. */
static int button_h(struct ui *ui) { return ui_px(ui, SIZE_LARGE) * 3 / 2 + 28; }

/* Whether t fits a button's inner width: on one line, or on two broken between words
 * (Very / dissatisfied), never inside a word. */
static int fits(struct ui *ui, const char *t, int size, int inner)
{
    if (ui_text_width(ui, t, size, 1) <= inner)
        return 1;
    if (!strchr(t, ' '))
        return 0;
    char word[64];
    for (const char *p = t; *p;) {
        size_t n = strcspn(p, " ");
        if (n >= sizeof word)
            return 0;
        memcpy(word, p, n);
        word[n] = 0;
        if (ui_text_width(ui, word, size, 1) > inner)
            return 0;
        p += n;
        p += strspn(p, " ");
    }
    int one = ui_text_height(ui, "A", size, 1, inner, 0);
    return ui_text_height(ui, t, size, 1, inner, 0) <= 2 * one;
}

/* The grades' buttons at width w: five in a row (read as a scale), in large words or a
 * size smaller, else three over two, and so on: the strip must leave the receipt its
 * room. */
struct grid {
    int cols, rows, bw, bh, size;
};

static struct grid grades_grid(struct app *a, struct ui *ui, int w)
{
    static const struct {
        int cols, size;
    } tries[] = {{5, SIZE_LARGE}, {5, SIZE_BODY},  {3, SIZE_LARGE},
                 {3, SIZE_BODY},  {2, SIZE_BODY}, {1, SIZE_BODY}};
    struct grid g = {0};
    for (size_t t = 0; t < sizeof tries / sizeof *tries; t++) {
        g.cols = tries[t].cols;
        g.size = tries[t].size;
        g.bw = (w - (g.cols - 1) * GAP) / g.cols;
        int all = 1;
        for (int i = 1; i <= EVALUATION_TOP && all; i++)
            all = fits(ui, grade_label(a, i), g.size, g.bw - TEXT_MARGIN);
        if (all)
            break;
    }
    g.rows = (EVALUATION_TOP + g.cols - 1) / g.cols;
    g.bh = button_h(ui);
    for (int i = 1; i <= EVALUATION_TOP; i++) {
        int h = ui_text_height(ui, grade_label(a, i), g.size, 1, g.bw - TEXT_MARGIN, 2) + 32;
        if (h > g.bh)
            g.bh = h;
    }
    return g;
}

/* The reasons' labels in evaluation_reason() order. */
static void reason_labels(struct app *a, struct ui *ui, const char *out[EVALUATION_REASONS])
{
    for (int i = 0; i < EVALUATION_REASONS; i++)
        out[i] = app_t(a, ui_strf(ui, "rating.reason.%s", evaluation_reason(i)));
}

/* The reasons' view: the question, the chips, and 跳过 / 提交 at the right — on the
 * question's line when there is room, else beside the chips' last line, else under them. */
enum place { ON_TITLE, BESIDE_CHIPS, UNDER_CHIPS };

struct reasons_lay {
    const char *labels[EVALUATION_REASONS];
    const char *title, *skip, *submit;
    enum place place;
    int th, tw, row_h, ch, sw, bw, bh, h;
};

static void reasons_layout(struct app *a, struct ui *ui, int iw, struct reasons_lay *l)
{
    reason_labels(a, ui, l->labels);
    l->title = app_t(a, "rating.reasons");
    l->skip = app_t(a, "rating.skip");
    l->submit = app_t(a, "rating.submit");
    l->sw = ui_text_width(ui, l->skip, SIZE_LARGE, 1) + 96;
    l->bw = ui_text_width(ui, l->submit, SIZE_LARGE, 1) + 96;
    l->sw = l->sw < 220 ? 220 : l->sw;
    l->bw = l->bw < 220 ? 220 : l->bw;
    l->bh = button_h(ui);
    int buttons = l->sw + GAP + l->bw, end;
    l->ch = kit_chips_h(ui, iw, l->labels, EVALUATION_REASONS, &end);
    l->tw = iw;
    if (ui_text_width(ui, l->title, SIZE_BODY, 1) + 2 * GAP + buttons <= iw) {
        l->place = ON_TITLE;
        l->tw = iw - buttons - 2 * GAP;
    } else {
        l->place = end + 2 * GAP + buttons <= iw ? BESIDE_CHIPS : UNDER_CHIPS;
    }
    l->th = ui_text_height(ui, l->title, SIZE_BODY, 1, l->tw, 0);
    l->row_h = l->place == ON_TITLE && l->bh > l->th ? l->bh : l->th;
    int below = l->place == BESIDE_CHIPS ? (l->ch > l->bh ? l->ch : l->bh)
                : l->place == UNDER_CHIPS ? l->ch + 20 + l->bh
                                          : l->ch;
    l->h = l->row_h + GAP + below;
}

static const char *question(struct app *a, const struct rating *r)
{
    return r->ask ? r->ask : app_t(a, "rating.ask");
}

static int ask_h(struct app *a, struct ui *ui, const struct rating *r, int iw)
{
    struct grid g = grades_grid(a, ui, iw);
    return ui_text_height(ui, question(a, r), SIZE_LARGE, 1, iw, 0) + GAP +
           g.rows * g.bh + (g.rows - 1) * GAP;
}

static int reasons_h(struct app *a, struct ui *ui, int iw)
{
    struct reasons_lay l;
    reasons_layout(a, ui, iw, &l);
    return l.h;
}

void rating_open(struct rating *r, struct app *a, const char *errand_uuid,
                 const char *errand_kind)
{
    memset(r, 0, sizeof *r);
    if (!errand_uuid || !evaluation_asks(&a->cfg, errand_kind) ||
        evaluation_rated(a->st, errand_uuid) != 0)
        return;
    util_strlcpy(r->errand, errand_uuid, sizeof r->errand);
    r->view = RATING_ASK;
}

int rating_h(struct app *a, struct ui *ui, const struct rating *r, int w)
{
    if (r->view == RATING_OFF)
        return 0;
    int iw = w - 2 * PAD, h1 = ask_h(a, ui, r, iw), h2 = reasons_h(a, ui, iw);
    return 2 * PAD + (h1 > h2 ? h1 : h2);
}

int rating_fit_w(struct app *a, struct ui *ui, const struct rating *r, int min_w, int max_w,
                 int max_h)
{
    if (r->view == RATING_OFF)
        return 0;
    for (int w = min_w; w < max_w; w += 40)
        if (rating_h(a, ui, r, w) <= max_h)
            return w;
    return max_w;
}

static void record(struct app *a, struct rating *r, int grade, unsigned reasons)
{
    enum evaluation_result e =
        evaluation_record(a->st, &a->cfg, app_now(a), r->errand, grade, reasons, NULL);
    r->view = e == EVALUATION_SAVED || e == EVALUATION_ALREADY ? RATING_THANKS : RATING_FAILED;
    r->grade = 0;
    r->reasons = 0;
}

static void build_ask(struct app *a, struct ui *ui, struct rating *r, SDL_Rect in)
{
    const char *q = question(a, r);
    int th = ui_text_height(ui, q, SIZE_LARGE, 1, in.w, 0);
    struct ui_opts qo = {.size = SIZE_LARGE, .bold = 1, .align = TEXT_CENTER};
    ui_label(ui, rect(in.x, in.y, in.w, th), q, &qo);
    struct grid g = grades_grid(a, ui, in.w);
    int y = in.y + th + GAP;
    struct ui_opts bo = {.role = ROLE_NORMAL, .size = g.size, .max_lines = 2};
    /* Best first, as the scale is read: 非常满意 left (or on top). */
    for (int i = 0; i < EVALUATION_TOP; i++) {
        int row = i / g.cols, col = i % g.cols;
        int in_row = row == g.rows - 1 ? EVALUATION_TOP - row * g.cols : g.cols;
        /* A shorter last row sits in the middle. */
        int x0 = in.x + (in.w - (in_row * g.bw + (in_row - 1) * GAP)) / 2;
        SDL_Rect b = rect(x0 + col * (g.bw + GAP), y + row * (g.bh + GAP), g.bw, g.bh);
        int grade = EVALUATION_TOP - i;
        if (!ui_button(ui, b, grade_label(a, grade), &bo))
            continue;
        if (grade <= EVALUATION_LOW) {
            r->view = RATING_REASONS;
            r->grade = grade;
            r->reasons = 0;
        } else {
            record(a, r, grade, 0);
        }
    }
}

static void build_reasons(struct app *a, struct ui *ui, struct rating *r, SDL_Rect in)
{
    struct reasons_lay l;
    reasons_layout(a, ui, in.w, &l);
    /* The question a size below the grades': the chips under it are what to read. */
    struct ui_opts to = {.size = SIZE_BODY, .bold = 1,
                         .align = l.place == ON_TITLE ? TEXT_LEFT : TEXT_CENTER};
    ui_label(ui, rect(in.x, in.y + (l.row_h - l.th) / 2, l.tw, l.th), l.title, &to);
    int y = in.y + l.row_h + GAP, chosen = -1;
    kit_chips_many(ui, rect(in.x, y, in.w, 0), l.labels, EVALUATION_REASONS, r->reasons, &chosen);
    if (chosen >= 0)
        r->reasons ^= 1u << chosen;
    int by = l.place == ON_TITLE       ? in.y + (l.row_h - l.bh) / 2
             : l.place == BESIDE_CHIPS ? y + (l.ch > l.bh ? l.ch - l.bh : 0)
                                       : y + l.ch + 20;
    int x = in.x + in.w - l.bw;
    struct ui_opts po = {.role = ROLE_PRIMARY, .size = SIZE_LARGE, .max_lines = 1};
    struct ui_opts so = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    if (ui_button(ui, rect(x - GAP - l.sw, by, l.sw, l.bh), l.skip, &so))
        record(a, r, r->grade, 0);
    else if (ui_button(ui, rect(x, by, l.bw, l.bh), l.submit, &po))
        record(a, r, r->grade, r->reasons);
}

void rating_build(struct app *a, struct ui *ui, struct rating *r, SDL_Rect box)
{
    if (r->view == RATING_OFF)
        return;
    struct ui_opts co = {.role = ROLE_ACCENT, .radius = 24};
    ui_panel(ui, box, &co);
    SDL_Rect in = rect_inset(box, PAD);
    switch (r->view) {
    case RATING_ASK: build_ask(a, ui, r, in); break;
    case RATING_REASONS: build_reasons(a, ui, r, in); break;
    default: {
        /* The thank-you line (or what went wrong) in the middle of the strip's room. */
        int ok = r->view == RATING_THANKS;
        const char *t = app_t(a, ok ? "rating.thanks" : "rating.failed");
        int th = ui_text_height(ui, t, SIZE_LARGE, 1, in.w, 0);
        struct ui_opts o = {.size = SIZE_LARGE, .bold = 1, .align = TEXT_CENTER,
                            .role = ok ? ROLE_OK : ROLE_ERROR};
        ui_label(ui, rect(in.x, in.y + (in.h - th) / 2, in.w, th), t, &o);
        break;
    }
    }
}

void rating_leave(struct app *a, struct rating *r)
{
    if (r->view == RATING_REASONS && !a->discarding)
        record(a, r, r->grade, r->reasons);
    util_wipe(r, sizeof *r);
}
