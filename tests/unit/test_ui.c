/* Unit tests of the UI toolkit (ui/ui.c, ui/draw.c) on SDL's software renderer:
 * incremental drawing gives the same pixels as a full redraw, a frame where only a
 * label changed redraws only that label, a touch fires once (its synthetic mouse events
 * are ignored), a drag scrolls a list instead of tapping a row, and a list of 10,000
 * rows builds as many widgets as a list of 10, a writing surface hands the finger's
 * press, moves and lift to its caller and draws the strokes given, inside itself only,
 * and `fit` reports each way text can fail to fit (cut, shortened, clipped, overflowing,
 * overlapping) and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ui/ui.h"
#include "ui/text.h"

#include <stdlib.h>
#include <string.h>

#define W 800
#define H 600

struct fixture {
    SDL_Surface *surf;
    SDL_Renderer *ren;
    struct text_fonts *tf;
    struct ui *ui;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256];
    SDL_Init(SDL_INIT_EVENTS);
    f->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    f->ren = SDL_CreateSoftwareRenderer(f->surf);
    f->tf = text_fonts_open(NULL, err, sizeof err);
    f->ui = ui_create(f->ren, f->tf, W, H);
    if (!f->ui)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ui_destroy(f->ui);
    text_fonts_close(f->tf);
    SDL_DestroyRenderer(f->ren);
    SDL_FreeSurface(f->surf);
    SDL_Quit();
    free(f);
    return 0;
}

struct model {
    int page;           /* 0 or 1: two different screens */
    char clock[16];
    int clicks;
};

static void build(struct ui *ui, struct model *m)
{
    ui_begin(ui);
    struct ui_opts hdr = {.role = ROLE_HEADER, .radius = -1};
    ui_panel(ui, rect(0, 0, W, 100), &hdr);
    struct ui_opts lo = {.role = ROLE_HEADER, .size = SIZE_LARGE, .align = TEXT_RIGHT};
    ui_label(ui, rect(W - 220, 20, 200, 60), m->clock, &lo);
    if (m->page == 0) {
        struct ui_opts t = {.sub = "副标题", .icon = "报"};
        if (ui_tile(ui, rect(40, 140, 300, 300), "报到登记", &t))
            m->clicks++;
    } else {
        struct ui_opts b = {.role = ROLE_PRIMARY};
        if (ui_button(ui, rect(400, 300, 300, 100), "提交", &b))
            m->clicks++;
    }
    ui_end(ui);
}

static uint8_t *frame(struct fixture *f, int force)
{
    ui_draw(f->ui, force);
    int w, h;
    return ui_read_pixels(f->ui, &w, &h);
}

static void test_incremental_equals_full(void **state)
{
    struct fixture *f = *state;
    struct model m = {.page = 0};
    strcpy(m.clock, "09:05");
    build(f->ui, &m);
    free(frame(f, 1));
    /* Switch screens and change the clock: drawn incrementally... */
    m.page = 1;
    strcpy(m.clock, "09:06");
    build(f->ui, &m);
    uint8_t *inc = frame(f, 0);
    /* ...must equal the same frame drawn from scratch. */
    uint8_t *full = frame(f, 1);
    assert_memory_equal(inc, full, (size_t)W * H * 4);
    free(inc);
    free(full);
}

static void test_clock_only_redraws_clock(void **state)
{
    struct fixture *f = *state;
    struct model m = {.page = 0};
    strcpy(m.clock, "09:05");
    build(f->ui, &m);
    ui_draw(f->ui, 1);
    struct ui_stats a, b;
    ui_get_stats(f->ui, &a);
    /* Nothing changed: nothing drawn. */
    build(f->ui, &m);
    assert_int_equal(ui_draw(f->ui, 0), 0);
    strcpy(m.clock, "09:06");
    build(f->ui, &m);
    assert_int_equal(ui_draw(f->ui, 0), 1);
    ui_get_stats(f->ui, &b);
    uint64_t px = b.pixels_drawn - a.pixels_drawn;
    assert_true(px > 0);
    assert_true(px < (uint64_t)W * H / 10); /* the clock's box, not the screen */
}

static void push_finger(struct ui *ui, Uint32 type, float x, float y, Uint32 t)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.x = x / W;
    ev.tfinger.y = y / H;
    ev.tfinger.timestamp = t;
    ui_pointer_event(ui, &ev);
}

static void push_touch_mouse(struct ui *ui, Uint32 type, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.button.which = SDL_TOUCH_MOUSEID;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = x;
    ev.button.y = y;
    ui_pointer_event(ui, &ev);
}

static void test_touch_fires_once(void **state)
{
    struct fixture *f = *state;
    struct model m = {.page = 1};
    strcpy(m.clock, "09:05");
    build(f->ui, &m);
    /* A real touch: finger events and the synthetic mouse events of the same touch. */
    push_finger(f->ui, SDL_FINGERDOWN, 550, 350, 1000);
    push_touch_mouse(f->ui, SDL_MOUSEBUTTONDOWN, 550, 350);
    build(f->ui, &m);
    assert_int_equal(m.clicks, 0); /* fires on release, not on press */
    push_finger(f->ui, SDL_FINGERUP, 552, 351, 1080);
    push_touch_mouse(f->ui, SDL_MOUSEBUTTONUP, 552, 351);
    build(f->ui, &m);
    build(f->ui, &m);
    assert_int_equal(m.clicks, 1);
    /* Press on the button, release elsewhere: no click. */
    push_finger(f->ui, SDL_FINGERDOWN, 550, 350, 2000);
    push_finger(f->ui, SDL_FINGERUP, 100, 550, 2100);
    build(f->ui, &m);
    assert_int_equal(m.clicks, 1);
    /* Just outside the drawn edge still counts (touch padding). */
    push_finger(f->ui, SDL_FINGERDOWN, 705, 350, 3000);
    push_finger(f->ui, SDL_FINGERUP, 705, 350, 3050);
    build(f->ui, &m);
    assert_int_equal(m.clicks, 2);
    /* A real mouse works as a pointer too. */
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = 500;
    ev.button.y = 320;
    ui_pointer_event(f->ui, &ev);
    ev.type = SDL_MOUSEBUTTONUP;
    ui_pointer_event(f->ui, &ev);
    build(f->ui, &m);
    assert_int_equal(m.clicks, 3);
}

struct listctx {
    int tapped;
};

static int row_fn(struct ui *ui, void *ctx, int index, SDL_Rect r)
{
    return ui_row(ui, r, ui_strf(ui, "第%d行", index), NULL);
}

static int build_list(struct ui *ui, struct ui_list_state *ls, int count)
{
    ui_begin(ui);
    int hit = ui_list(ui, rect(0, 0, W, H), "list", ls, count, 100, row_fn, NULL);
    ui_end(ui);
    return hit;
}

static void test_list_scroll_and_virtualise(void **state)
{
    struct fixture *f = *state;
    struct ui_list_state ls = {0};
    build_list(f->ui, &ls, 10);
    int small = ui_visible_count(f->ui);
    build_list(f->ui, &ls, 10000);
    assert_int_equal(ui_visible_count(f->ui), small);
    /* A drag scrolls and taps nothing. */
    push_finger(f->ui, SDL_FINGERDOWN, 400, 500, 0);
    for (int i = 1; i <= 10; i++)
        push_finger(f->ui, SDL_FINGERMOTION, 400, 500 - 30 * i, (Uint32)(16 * i));
    push_finger(f->ui, SDL_FINGERUP, 400, 200, 170);
    assert_int_equal(build_list(f->ui, &ls, 10000), -1);
    assert_true(ls.offset >= 290 && ls.offset <= 310);
    /* Momentum carries it further through the toolkit alone: each build at the next
     * wake-up moves it, until it stops and asks for no more frames. */
    assert_true(ls.velocity != 0);
    float before = ls.offset;
    int64_t t = 1000, frames = 0;
    ui_set_time(f->ui, t);
    build_list(f->ui, &ls, 10000);
    while (ui_next_wake(f->ui) != INT64_MAX && frames < 1000) {
        assert_true(ui_next_wake(f->ui) > t - 1);
        t = ui_next_wake(f->ui);
        ui_set_time(f->ui, t);
        build_list(f->ui, &ls, 10000);
        frames++;
    }
    assert_true(frames > 5 && frames < 1000);
    assert_true(ls.offset > before + 50);
    assert_true(ls.velocity == 0);
    /* A tap on a row hits that row. */
    build_list(f->ui, &ls, 10000);
    int first = (int)(ls.offset / 100);
    int y = (int)((first + 2) * 100 - ls.offset) + 50;
    push_finger(f->ui, SDL_FINGERDOWN, 400, (float)y, 5000);
    push_finger(f->ui, SDL_FINGERUP, 400, (float)y, 5060);
    assert_int_equal(build_list(f->ui, &ls, 10000), first + 2);
}

/* A header with an invisible touch area in its corner; returns what the area did. */
static int build_corner(struct ui *ui, int with_area)
{
    ui_begin(ui);
    struct ui_opts hdr = {.role = ROLE_HEADER, .radius = -1};
    ui_panel(ui, rect(0, 0, W, 100), &hdr);
    struct ui_opts lo = {.role = ROLE_HEADER, .size = SIZE_LARGE};
    ui_label(ui, rect(20, 20, 300, 60), "服务中心", &lo);
    int hit = with_area ? ui_area(ui, rect(0, 0, 80, 80), "corner") : 0;
    ui_end(ui);
    return hit;
}

static void test_area_invisible_and_held(void **state)
{
    struct fixture *f = *state;
    build_corner(f->ui, 0);
    uint8_t *plain = frame(f, 1);
    /* The area draws nothing, pressed or not. */
    build_corner(f->ui, 1);
    uint8_t *with = frame(f, 1);
    assert_memory_equal(plain, with, (size_t)W * H * 4);
    free(with);
    push_finger(f->ui, SDL_FINGERDOWN, 40, 40, 1000);
    assert_int_equal(build_corner(f->ui, 1), 0);
    assert_true(ui_pressed_key(f->ui, "corner"));
    /* A finger held still sends motions that go nowhere: the press stays. */
    for (Uint32 t = 1016; t < 4000; t += 16) {
        push_finger(f->ui, SDL_FINGERMOTION, 40, 40, t);
        build_corner(f->ui, 1);
    }
    assert_true(ui_pressed_key(f->ui, "corner"));
    uint8_t *pressed = frame(f, 0);
    assert_memory_equal(plain, pressed, (size_t)W * H * 4);
    free(pressed);
    push_finger(f->ui, SDL_FINGERUP, 40, 40, 4000);
    assert_int_equal(build_corner(f->ui, 1), 1); /* a tap, like a button */
    assert_false(ui_pressed_key(f->ui, "corner"));
    /* A press elsewhere is not a press on the area. */
    push_finger(f->ui, SDL_FINGERDOWN, 400, 300, 5000);
    build_corner(f->ui, 1);
    assert_false(ui_pressed_key(f->ui, "corner"));
    push_finger(f->ui, SDL_FINGERUP, 400, 300, 5060);
    assert_int_equal(build_corner(f->ui, 1), 0);
    /* It is listed for scripts as an "area" without text. */
    int found = 0;
    for (int i = 0; i < ui_visible_count(f->ui); i++) {
        const struct ui_widget *w = ui_visible_at(f->ui, i);
        if (w->kind == UI_AREA) {
            found++;
            assert_string_equal(ui_kind_name(w->kind), "area");
            assert_string_equal(w->text, "");
        }
    }
    assert_int_equal(found, 1);
    free(plain);
}

/* A writing surface at (200, 150) 400 x 300 beside a button; returns the button's tap. */
static int build_ink(struct ui *ui, const struct ui_ink *ink)
{
    ui_begin(ui);
    ui_ink(ui, rect(200, 150, 400, 300), "pad", ink);
    int hit = ui_button(ui, rect(620, 150, 160, 100), "按钮", NULL);
    ui_end(ui);
    return hit;
}

static void test_ink(void **state)
{
    struct fixture *f = *state;
    struct ui_ink none = {0};
    build_ink(f->ui, &none);
    struct ui_ink_event ev[16];
    /* A finger writing: its events are queued in order, nothing fires. */
    push_finger(f->ui, SDL_FINGERDOWN, 250, 200, 1000);
    push_finger(f->ui, SDL_FINGERMOTION, 300, 220, 1016);
    push_finger(f->ui, SDL_FINGERMOTION, 300, 220, 1032); /* still: nothing new */
    push_finger(f->ui, SDL_FINGERMOTION, 700, 500, 1048); /* off the pad: still writing */
    push_finger(f->ui, SDL_FINGERUP, 700, 500, 1064);
    assert_int_equal(build_ink(f->ui, &none), 0);
    assert_int_equal(ui_take_ink(f->ui, "other", ev, 16), 0);
    assert_int_equal(ui_take_ink(f->ui, "pad", ev, 16), 4);
    assert_int_equal(ev[0].type, UI_INK_DOWN);
    assert_true(ev[0].x == 250 && ev[0].y == 200);
    assert_int_equal(ev[1].type, UI_INK_MOVE);
    assert_true(ev[1].x == 300 && ev[1].y == 220);
    assert_int_equal(ev[2].type, UI_INK_MOVE);
    assert_int_equal(ev[3].type, UI_INK_UP);
    assert_true(ev[3].x == 700 && ev[3].y == 500);
    assert_int_equal(ui_take_ink(f->ui, "pad", ev, 16), 0);
    /* A lift over the button is no tap on it. */
    push_finger(f->ui, SDL_FINGERDOWN, 400, 300, 2000);
    push_finger(f->ui, SDL_FINGERUP, 700, 200, 2060);
    assert_int_equal(build_ink(f->ui, &none), 0);
    assert_int_equal(build_ink(f->ui, &none), 0);
    assert_int_equal(ui_take_ink(f->ui, "pad", ev, 16), 3);
    /* A second press without a lift ends the open stroke first; a cancel drops what is
     * queued. */
    push_finger(f->ui, SDL_FINGERDOWN, 400, 300, 3000);
    push_finger(f->ui, SDL_FINGERDOWN, 410, 310, 3100);
    assert_int_equal(ui_take_ink(f->ui, "pad", ev, 16), 3);
    assert_int_equal(ev[1].type, UI_INK_UP);
    assert_int_equal(ev[2].type, UI_INK_DOWN);
    push_finger(f->ui, SDL_FINGERMOTION, 450, 310, 3116);
    ui_pointer_cancel(f->ui);
    assert_int_equal(ui_take_ink(f->ui, "pad", ev, 16), 0);
    /* The strokes given are drawn, inside the surface only, and a new version redraws. */
    build_ink(f->ui, &none);
    uint8_t *empty = frame(f, 1);
    static const int16_t xy[] = {20, 150, 380, 150, 200, 10, 200, 290, 200, 290, 900, 290};
    static const int ends[] = {2, 6};
    struct ui_ink two = {xy, ends, 2, 1};
    build_ink(f->ui, &two);
    uint8_t *drawn = frame(f, 0);
    const uint8_t *c = drawn + ((size_t)(150 + 150) * W + 200 + 200) * 4; /* the crossing */
    const uint8_t *e = empty + ((size_t)(150 + 150) * W + 200 + 200) * 4;
    assert_true(c[0] + c[1] + c[2] < 200 && e[0] + e[1] + e[2] > 600);
    /* The second stroke runs off to x = 1100: nothing drawn right of the surface. */
    for (int x = 604; x < W; x++) {
        const uint8_t *p = drawn + ((size_t)(150 + 290) * W + x) * 4;
        const uint8_t *q = empty + ((size_t)(150 + 290) * W + x) * 4;
        assert_memory_equal(p, q, 4);
    }
    free(empty);
    free(drawn);
    int found = 0;
    for (int i = 0; i < ui_visible_count(f->ui); i++)
        if (ui_visible_at(f->ui, i)->kind == UI_INK) {
            found++;
            assert_string_equal(ui_kind_name(UI_INK), "ink");
        }
    assert_int_equal(found, 1);
}

/* ---- fit ------------------------------------------------------------------------ */

struct fit_seen {
    int n[UI_FIT_OVERLAP + 1];
    const char *text[8];
    int ntext;
};

static void fit_note(void *ctx, const struct ui_fit_issue *is)
{
    struct fit_seen *fs = ctx;
    fs->n[is->problem]++;
    if (fs->ntext < 8)
        fs->text[fs->ntext++] = is->text;
}

/* Builds one widget (or two) and returns what fit says about them. */
static struct fit_seen fit_of(struct fixture *f, int which)
{
    struct fit_seen fs = {{0}, {0}, 0};
    ui_begin(f->ui);
    struct ui_opts o = {.size = SIZE_BODY};
    switch (which) {
    case 0: /* fits: a label as tall as its two lines */
        ui_label(f->ui, rect(20, 20, 300, ui_text_height(f->ui, "一二三四五六七八九十一二三四五",
                                                          SIZE_BODY, 0, 300, 0)),
                 "一二三四五六七八九十一二三四五", &o);
        break;
    case 1: /* cut: two lines of text in a box one line high */
        ui_label(f->ui, rect(20, 20, 300, 40), "一二三四五六七八九十一二三四五", &o);
        break;
    case 2: /* shortened: max_lines 1 */
        o.max_lines = 1;
        ui_label(f->ui, rect(20, 20, 300, 200), "一二三四五六七八九十一二三四五", &o);
        break;
    case 3: /* clipped: a button hanging off the bottom of the screen */
        ui_button(f->ui, rect(100, H - 40, 300, 100), "知道了", &o);
        break;
    case 4: /* overflows: one glyph wider than its box */
        o.size = SIZE_HUGE;
        ui_label(f->ui, rect(20, 20, 40, 200), "国", &o);
        break;
    case 5: /* overlaps: two labels on top of each other */
        ui_label(f->ui, rect(20, 20, 300, 60), "第一行", &o);
        ui_label(f->ui, rect(20, 40, 300, 60), "第二行", &o);
        break;
    case 6:   /* a row whose detail is a teaser may end it in an ellipsis... */
    case 7: { /* ...any other may not */
        struct ui_opts r = {.sub = "很长的摘要很长的摘要很长的摘要很长的摘要很长的摘要很长的摘要很长的摘要"
                                   "很长的摘要很长的摘要很长的摘要很长的摘要很长的摘要",
                            .teaser = which == 6};
        ui_row(f->ui, rect(0, 100, 400, 140), "标题", &r);
        break;
    }
    }
    ui_end(f->ui);
    ui_fit(f->ui, fit_note, &fs);
    return fs;
}

static void test_fit(void **state)
{
    struct fixture *f = *state;
    /* Each case: how many problems in all, and of which kind (-1: none). */
    static const struct {
        int total, problem;
    } want[] = {
        {0, -1}, {1, UI_FIT_CUT}, {1, UI_FIT_SHORTENED}, {1, UI_FIT_CLIPPED},
        {1, UI_FIT_OVERFLOW}, {1, UI_FIT_OVERLAP}, {0, -1}, {1, UI_FIT_SHORTENED},
    };
    for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++) {
        struct fit_seen fs = fit_of(f, i);
        assert_int_equal(fs.ntext, want[i].total);
        if (want[i].problem >= 0)
            assert_int_equal(fs.n[want[i].problem], 1);
    }
    /* The report names the text. */
    assert_string_equal(fit_of(f, 3).text[0], "知道了");
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incremental_equals_full),
        cmocka_unit_test(test_clock_only_redraws_clock),
        cmocka_unit_test(test_touch_fires_once),
        cmocka_unit_test(test_list_scroll_and_virtualise),
        cmocka_unit_test(test_area_invisible_and_held),
        cmocka_unit_test(test_ink),
        cmocka_unit_test(test_fit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
