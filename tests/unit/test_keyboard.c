/* Tests for input/keyboard on SDL's software renderer, with taps delivered as finger
 * events the way a person's finger arrives: the layouts (every key at least 80 px, inside
 * the keyboard, not overlapping; each key's text its character), pinyin with candidates,
 * space, backspace and paging, punctuation finishing the pinyin, the numeric pads per
 * field kind, the hardware keyboard and input-method text, the variant switch and reset,
 * a keyboard without an engine, every character of assets/rare-names.txt reachable
 * by pages and the 繁/异体 switch, in large-text mode no key's words smaller than in
 * normal mode or cut, and the writing pad (手写): its recogniser opened on the first
 * press only, strokes drawn with the finger giving candidates in the bar, choosing,
 * 重写, 删除, 拼音, and the pad wiped by a field change and a reset. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/i18n.h"
#include "core/util.h"
#include "input/handwriting.h"
#include "input/keyboard.h"
#include "input/pinyin.h"
#include "ui/text.h"
#include "ui/ui.h"

/* The keyboard's rectangles as the registration form places them. */
#define LAND_W 1920
#define LAND_H 1080
#define PORT_W 1080
#define PORT_H 1920
static const SDL_Rect land_kbd = {902, 146, 998, 918};
static const SDL_Rect port_kbd = {12, 1299, 1056, 609};

#define MAX_PAGES 40

struct screen {
    SDL_Surface *surf;
    SDL_Renderer *ren;
    struct ui *ui;
    SDL_Rect kbd;
};

struct fixture {
    char dir[64];
    struct text_fonts *tf;
    struct pinyin *py;
    struct screen land, port;
    struct screen *cur;
    struct kbd *k;
    struct hw *hw;      /* the process's recogniser, opened by the first 手写 */
    uint32_t t;
};

/* The catalogue is not loaded here: the keyboard's words are their keys. */
static const char *tr_key(void *ctx, const char *key) { return key; }

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int open_screen(struct fixture *f, struct screen *s, int w, int h, SDL_Rect kbd)
{
    s->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    s->ren = s->surf ? SDL_CreateSoftwareRenderer(s->surf) : NULL;
    s->ui = s->ren ? ui_create(s->ren, f->tf, w, h) : NULL;
    s->kbd = kbd;
    return s->ui ? 0 : -1;
}

static void close_screen(struct screen *s)
{
    ui_destroy(s->ui);
    if (s->ren)
        SDL_DestroyRenderer(s->ren);
    SDL_FreeSurface(s->surf);
}

static int group_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256];
    SDL_Init(SDL_INIT_EVENTS);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-keyboard-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->tf = text_fonts_open(NULL, err, sizeof err);
    if (!f->tf)
        return -1;
    f->py = pinyin_open(f->dir, err, sizeof err);
    if (!f->py) {
        fprintf(stderr, "pinyin_open: %s\n", err);
        return -1;
    }
    if (open_screen(f, &f->land, LAND_W, LAND_H, land_kbd) < 0 ||
        open_screen(f, &f->port, PORT_W, PORT_H, port_kbd) < 0)
        return -1;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    struct fixture *f = *state;
    close_screen(&f->land);
    close_screen(&f->port);
    pinyin_close(f->py);
    hw_close(f->hw);
    text_fonts_close(f->tf);
    SDL_Quit();
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Each test starts with a fresh keyboard on the landscape screen. */
static int setup(void **state)
{
    struct fixture *f = *state;
    f->k = kbd_create(f->py, tr_key, NULL);
    f->cur = &f->land;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kbd_destroy(f->k);
    f->k = NULL;
    /* kbd_destroy resets the engine: nothing may be left for the next test. */
    assert_string_equal(pinyin_preedit(f->py), "");
    assert_int_equal(pinyin_variant(f->py), 0);
    return 0;
}

/* One frame: lays the keyboard out; returns what kbd_build returned. */
static int frame(struct fixture *f, struct kbd_action *act)
{
    struct kbd_action none;
    ui_begin(f->cur->ui);
    int rc = kbd_build(f->k, f->cur->ui, f->cur->kbd, "姓名", act ? act : &none);
    ui_end(f->cur->ui);
    return rc;
}

static const struct ui_widget *find_key(struct fixture *f, const char *text)
{
    for (int i = 0; i < ui_visible_count(f->cur->ui); i++) {
        const struct ui_widget *w = ui_visible_at(f->cur->ui, i);
        if (w->kind == UI_KEY && strcmp(w->text, text) == 0)
            return w;
    }
    return NULL;
}

static void finger(struct fixture *f, Uint32 type, float x, float y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.x = x / (float)ui_width(f->cur->ui);
    ev.tfinger.y = y / (float)ui_height(f->cur->ui);
    ev.tfinger.timestamp = f->t += 60;
    ui_pointer_event(f->cur->ui, &ev);
}

/* Taps the key whose text is exactly `text` (it must be on screen and enabled) and
 * returns what the keyboard did in act. */
static int tap(struct fixture *f, const char *text, struct kbd_action *act)
{
    frame(f, NULL);
    const struct ui_widget *w = find_key(f, text);
    if (!w)
        fail_msg("no key \"%s\" on screen", text);
    if (!w->interactive)
        fail_msg("key \"%s\" is disabled", text);
    float x = (float)w->r.x + (float)w->r.w / 2, y = (float)w->r.y + (float)w->r.h / 2;
    finger(f, SDL_FINGERDOWN, x, y);
    finger(f, SDL_FINGERUP, x, y);
    struct kbd_action none;
    int rc = frame(f, act ? act : &none);
    frame(f, NULL);
    return rc;
}

static void tap_word(struct fixture *f, const char *letters)
{
    char one[2] = {0, 0};
    for (const char *c = letters; *c; c++) {
        one[0] = *c;
        struct kbd_action act;
        assert_int_equal(tap(f, one, &act), 0);
    }
}

static int text_event(struct fixture *f, const char *s, struct kbd_action *act)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    util_strlcpy(ev.text.text, s, sizeof ev.text.text);
    return kbd_event(f->k, &ev, act);
}

static int key_event(struct fixture *f, SDL_Keycode k, struct kbd_action *act)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = k;
    return kbd_event(f->k, &ev, act);
}

/* Every key fits the keyboard, is at least 80 px (9 mm is about 36 px on the halls'
 * 21.5" screens) and overlaps no other key. */
static void check_keys(struct fixture *f, const char *what)
{
    SDL_Rect kb = f->cur->kbd;
    int n = ui_visible_count(f->cur->ui), keys = 0;
    for (int i = 0; i < n; i++) {
        const struct ui_widget *a = ui_visible_at(f->cur->ui, i);
        if (a->kind != UI_KEY)
            continue;
        keys++;
        if (a->r.w < 80 || a->r.h < 80)
            fail_msg("%s: key \"%s\" is %dx%d px", what, a->text, a->r.w, a->r.h);
        SDL_Rect in;
        if (!SDL_IntersectRect(&a->r, &kb, &in) || in.w != a->r.w || in.h != a->r.h)
            fail_msg("%s: key \"%s\" leaves the keyboard", what, a->text);
        for (int j = i + 1; j < n; j++) {
            const struct ui_widget *b = ui_visible_at(f->cur->ui, j);
            if (b->kind == UI_KEY && SDL_HasIntersection(&a->r, &b->r))
                fail_msg("%s: keys \"%s\" and \"%s\" overlap", what, a->text, b->text);
        }
    }
    if (keys < 12)
        fail_msg("%s: only %d keys", what, keys);
}

static void expect_keys(struct fixture *f, const char *const *texts, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        if (!find_key(f, texts[i]))
            fail_msg("%s: no key \"%s\"", what, texts[i]);
}

static const char *const letters[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i",
                                      "j", "k", "l", "m", "n", "o", "p", "q", "r",
                                      "s", "t", "u", "v", "w", "x", "y", "z"};
static const char *const digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

static void test_layouts(void **state)
{
    struct fixture *f = *state;
    struct screen *screens[] = {&f->land, &f->port};
    for (int s = 0; s < 2; s++) {
        f->cur = screens[s];
        const char *o = s ? "portrait" : "landscape";
        char what[64];
        kbd_set_kind(f->k, KBD_TEXT);
        frame(f, NULL);
        snprintf(what, sizeof what, "%s pinyin", o);
        check_keys(f, what);
        expect_keys(f, letters, 26, what);
        const char *punct[] = {"·", "-", "kbd.variant", "kbd.space", "kbd.delete",
                               "kbd.next_field", "kbd.symbols", "kbd.to_latin"};
        expect_keys(f, punct, (int)ARRAY_LEN(punct), what);
        /* While pinyin is typed the candidate bar fills in, with 上一页 / 下一页. */
        tap_word(f, "zhang");
        snprintf(what, sizeof what, "%s candidates", o);
        check_keys(f, what);
        const char *bar[] = {"张", "kbd.prev", "kbd.next"};
        expect_keys(f, bar, 3, what);
        kbd_reset(f->k);
        tap(f, "kbd.symbols", NULL);
        snprintf(what, sizeof what, "%s symbols", o);
        check_keys(f, what);
        expect_keys(f, digits, 10, what);
        const char *sym[] = {"·", "-", "(", ")", "kbd.letters"};
        expect_keys(f, sym, (int)ARRAY_LEN(sym), what);
        tap(f, "kbd.letters", NULL);
        tap(f, "kbd.to_latin", NULL);
        snprintf(what, sizeof what, "%s latin", o);
        check_keys(f, what);
        expect_keys(f, letters, 26, what);
        assert_null(find_key(f, "kbd.variant"));

        kbd_set_kind(f->k, KBD_CODE);
        frame(f, NULL);
        snprintf(what, sizeof what, "%s code", o);
        check_keys(f, what);
        expect_keys(f, letters, 26, what);
        expect_keys(f, digits, 10, what);
        assert_non_null(find_key(f, "-"));
        assert_null(find_key(f, "kbd.space"));

        enum kbd_kind pads[] = {KBD_ID, KBD_PHONE, KBD_DATE};
        for (int p = 0; p < 3; p++) {
            kbd_set_kind(f->k, pads[p]);
            frame(f, NULL);
            snprintf(what, sizeof what, "%s pad %d", o, p);
            check_keys(f, what);
            expect_keys(f, digits, 10, what);
            /* X only for ID numbers, '-' only for dates; no letters anywhere. */
            assert_int_equal(find_key(f, "X") != NULL, pads[p] == KBD_ID);
            assert_int_equal(find_key(f, "-") != NULL, pads[p] == KBD_DATE);
            assert_null(find_key(f, "a"));
        }
    }
}

static void test_pinyin_candidate(void **state)
{
    struct fixture *f = *state;
    tap_word(f, "zhang");
    assert_true(kbd_composing(f->k));
    assert_string_equal(pinyin_preedit(f->py), "zhang");
    struct kbd_action act;
    assert_int_equal(tap(f, "张", &act), 1);
    assert_string_equal(act.text, "张");
    assert_int_equal(act.del, 0);
    assert_int_equal(act.next, 0);
    assert_false(kbd_composing(f->k));
    /* A phrase chosen for its first syllable leaves the rest to convert. */
    tap_word(f, "zhangsan");
    assert_int_equal(tap(f, "张", &act), 0);
    assert_true(kbd_composing(f->k));
    assert_int_equal(tap(f, "三", &act), 1);
    assert_string_equal(act.text, "张三");
}

static void test_space_and_delete(void **state)
{
    struct fixture *f = *state;
    struct kbd_action act;
    /* With nothing typed, 删除 deletes a character of the field and 空格 is a space. */
    assert_int_equal(tap(f, "kbd.delete", &act), 1);
    assert_int_equal(act.del, 1);
    assert_int_equal(tap(f, "kbd.space", &act), 1);
    assert_string_equal(act.text, " ");
    /* While pinyin is typed, 删除 edits the pinyin and 空格 takes the first candidate. */
    tap_word(f, "zhang");
    assert_int_equal(tap(f, "kbd.delete", &act), 0);
    assert_string_equal(pinyin_preedit(f->py), "zhan");
    frame(f, NULL);
    const char *first[1];
    assert_int_equal(pinyin_candidates(f->py, first, 1), 1);
    char want[64];
    util_strlcpy(want, first[0], sizeof want);
    assert_int_equal(tap(f, "kbd.space", &act), 1);
    assert_string_equal(act.text, want);
    assert_int_equal(act.del, 0);
    assert_false(kbd_composing(f->k));
}

static void test_paging(void **state)
{
    struct fixture *f = *state;
    tap_word(f, "yan");
    frame(f, NULL);
    /* No page before the first. */
    const struct ui_widget *prev = find_key(f, "kbd.prev");
    assert_non_null(prev);
    assert_false(prev->interactive);
    const char *c[PINYIN_PAGE_MAX];
    char first[32];
    assert_true(pinyin_candidates(f->py, c, PINYIN_PAGE_MAX) > 0);
    util_strlcpy(first, c[0], sizeof first);
    tap(f, "kbd.next", NULL);
    assert_int_equal(pinyin_page(f->py), 1);
    assert_true(pinyin_candidates(f->py, c, PINYIN_PAGE_MAX) > 0);
    assert_string_not_equal(c[0], first);
    assert_null(find_key(f, first));
    tap(f, "kbd.prev", NULL);
    assert_int_equal(pinyin_page(f->py), 0);
    assert_non_null(find_key(f, first));
}

static void test_punctuation_finishes_pinyin(void **state)
{
    struct fixture *f = *state;
    struct kbd_action act;
    tap_word(f, "a");
    frame(f, NULL);
    const char *c[1];
    assert_int_equal(pinyin_candidates(f->py, c, 1), 1);
    char want[64];
    snprintf(want, sizeof want, "%s·", c[0]);
    assert_int_equal(tap(f, "·", &act), 1);
    assert_string_equal(act.text, want);
    /* 下一项 keeps what was typed as well. */
    tap_word(f, "li");
    assert_int_equal(tap(f, "kbd.next_field", &act), 1);
    assert_int_equal(act.next, 1);
    assert_true(utf8_count(act.text) >= 1);
    assert_false(kbd_composing(f->k));
}

static void test_pads_type_their_keys(void **state)
{
    struct fixture *f = *state;
    struct kbd_action act;
    kbd_set_kind(f->k, KBD_ID);
    assert_int_equal(tap(f, "X", &act), 1);
    assert_string_equal(act.text, "X");
    assert_int_equal(tap(f, "7", &act), 1);
    assert_string_equal(act.text, "7");
    assert_int_equal(tap(f, "kbd.delete", &act), 1);
    assert_int_equal(act.del, 1);
    assert_int_equal(tap(f, "kbd.next_field", &act), 1);
    assert_int_equal(act.next, 1);
    kbd_set_kind(f->k, KBD_CODE);
    assert_int_equal(tap(f, "q", &act), 1);
    assert_string_equal(act.text, "q");
    assert_int_equal(tap(f, "-", &act), 1);
    assert_string_equal(act.text, "-");
}

static void test_set_kind_discards_pinyin(void **state)
{
    struct fixture *f = *state;
    tap_word(f, "zhang");
    assert_true(kbd_composing(f->k));
    kbd_set_kind(f->k, KBD_PHONE);
    assert_false(kbd_composing(f->k));
    assert_string_equal(pinyin_preedit(f->py), "");
    frame(f, NULL);
    assert_null(find_key(f, "张"));
    kbd_set_kind(f->k, KBD_TEXT);
    assert_int_equal(kbd_get_kind(f->k), KBD_TEXT);
    frame(f, NULL);
    assert_non_null(find_key(f, "kbd.variant"));
}

static void test_hardware_and_input_method(void **state)
{
    struct fixture *f = *state;
    struct kbd_action act;
    /* Printable keys are read from SDL_TEXTINPUT, not from their KEYDOWN. */
    assert_int_equal(key_event(f, SDLK_z, &act), 0);
    for (const char *c = "zhang"; *c; c++) {
        char one[2] = {*c, 0};
        assert_int_equal(text_event(f, one, &act), 1);
        assert_string_equal(act.text, "");
    }
    assert_string_equal(pinyin_preedit(f->py), "zhang");
    /* Digits choose a candidate. */
    const char *c[2];
    assert_int_equal(pinyin_candidates(f->py, c, 2), 2);
    char second[32];
    util_strlcpy(second, c[1], sizeof second);
    assert_int_equal(text_event(f, "2", &act), 1);
    assert_string_equal(act.text, second);
    /* Backspace edits pinyin first, then the field; Return commits, then moves on. */
    text_event(f, "l", &act);
    text_event(f, "i", &act);
    assert_int_equal(key_event(f, SDLK_BACKSPACE, &act), 1);
    assert_int_equal(act.del, 0);
    assert_string_equal(pinyin_preedit(f->py), "l");
    assert_int_equal(key_event(f, SDLK_RETURN, &act), 1);
    assert_true(act.text[0] != 0);
    assert_int_equal(act.next, 0);
    assert_int_equal(key_event(f, SDLK_BACKSPACE, &act), 1);
    assert_int_equal(act.del, 1);
    assert_int_equal(key_event(f, SDLK_RETURN, &act), 1);
    assert_int_equal(act.next, 1);
    assert_int_equal(key_event(f, SDLK_TAB, &act), 1);
    assert_int_equal(act.next, 1);
    /* Input-method text and capitals go in as they come. */
    assert_int_equal(text_event(f, "张三😀", &act), 1);
    assert_string_equal(act.text, "张三😀");
    assert_int_equal(text_event(f, "L", &act), 1);
    assert_string_equal(act.text, "L");
    /* A capital starts a Latin word, as with a desktop input method, until a space. */
    const char *word[] = {"L", "i", " ", "M", "i", "n", "g"};
    char typed[32] = "";
    for (size_t i = 0; i < ARRAY_LEN(word); i++) {
        assert_int_equal(text_event(f, word[i], &act), 1);
        strcat(typed, act.text);
    }
    assert_string_equal(typed, "Li Ming");
    assert_false(kbd_composing(f->k));
    /* A letter no pinyin begins with is typed as itself; then pinyin goes on. */
    assert_int_equal(text_event(f, "i", &act), 1);
    assert_string_equal(act.text, "i");
    assert_int_equal(tap(f, "u", &act), 1);
    assert_string_equal(act.text, "u");
    text_event(f, "w", &act);
    assert_true(kbd_composing(f->k));
    kbd_reset(f->k);
    /* In a numeric field, letters are text too (the field decides what is valid). */
    kbd_set_kind(f->k, KBD_ID);
    assert_int_equal(text_event(f, "x", &act), 1);
    assert_string_equal(act.text, "x");
    assert_int_equal(text_event(f, "１２", &act), 1);
    assert_string_equal(act.text, "１２");
}

static void test_variant_switch_and_reset(void **state)
{
    struct fixture *f = *state;
    tap(f, "kbd.variant", NULL);
    assert_int_equal(pinyin_variant(f->py), 1);
    const struct ui_widget *v = find_key(f, "kbd.variant");
    assert_non_null(v);
    assert_true(v->o.selected);
    tap_word(f, "sheng");
    assert_non_null(find_key(f, "昇"));
    struct kbd_action act;
    assert_int_equal(tap(f, "昇", &act), 1);
    assert_string_equal(act.text, "昇");
    /* The reset between people puts everything back. */
    tap_word(f, "guo");
    kbd_reset(f->k);
    assert_int_equal(pinyin_variant(f->py), 0);
    assert_false(kbd_composing(f->k));
    tap_word(f, "guo");
    assert_non_null(find_key(f, "国"));
    assert_null(find_key(f, "國"));
}

static void test_without_engine(void **state)
{
    struct fixture *f = *state;
    struct kbd *k = kbd_create(NULL, tr_key, NULL);
    struct kbd *saved = f->k;
    f->k = k;
    frame(f, NULL);
    expect_keys(f, letters, 26, "no engine");
    const struct ui_widget *lang = find_key(f, "kbd.to_pinyin");
    assert_non_null(lang);
    assert_false(lang->interactive);
    struct kbd_action act;
    assert_int_equal(tap(f, "w", &act), 1);
    assert_string_equal(act.text, "w");
    assert_int_equal(text_event(f, "a", &act), 1);
    assert_string_equal(act.text, "a");
    kbd_destroy(k);
    f->k = saved;
}

static const struct ui_widget *find_ink(struct fixture *f)
{
    for (int i = 0; i < ui_visible_count(f->cur->ui); i++) {
        const struct ui_widget *w = ui_visible_at(f->cur->ui, i);
        if (w->kind == UI_INK)
            return w;
    }
    return NULL;
}

/* One stroke on the pad from (x0, y0) to (x1, y1), in fractions of the pad, with the
 * finger's moves between; a frame after the lift, as the kiosk's loop draws one. */
static void pad_stroke(struct fixture *f, float x0, float y0, float x1, float y1)
{
    frame(f, NULL);
    const struct ui_widget *pad = find_ink(f);
    assert_non_null(pad);
    SDL_Rect r = pad->r;
    int before = hw_stroke_count(f->hw);
    for (int i = 0; i <= 10; i++) {
        float x = (float)r.x + (float)r.w * (x0 + (x1 - x0) * (float)i / 10.0f);
        float y = (float)r.y + (float)r.h * (y0 + (y1 - y0) * (float)i / 10.0f);
        finger(f, i == 0 ? SDL_FINGERDOWN : i == 10 ? SDL_FINGERUP : SDL_FINGERMOTION, x, y);
        if (i == 5) {
            /* Drawn as written: the stroke shows before the finger lifts. */
            frame(f, NULL);
            pad = find_ink(f);
            assert_int_equal(pad->ink.nstrokes, before + 1);
            assert_true(pad->ink.ends[before] - (before ? pad->ink.ends[before - 1] : 0) >= 5);
        }
    }
    frame(f, NULL);
}

static void test_handwriting_pad(void **state)
{
    struct fixture *f = *state;
    /* A keyboard without a recogniser's slot greys its 手写. */
    frame(f, NULL);
    const struct ui_widget *hand = find_key(f, "kbd.hand");
    assert_non_null(hand);
    assert_false(hand->interactive);
    kbd_use_handwriting(f->k, &f->hw);
    struct screen *screens[] = {&f->land, &f->port};
    for (int s = 0; s < 2; s++) {
        f->cur = screens[s];
        const char *o = s ? "portrait pad" : "landscape pad";
        tap(f, "kbd.hand", NULL);
        /* Opened by the press, not before (start-up and Home never pay for it). */
        assert_non_null(f->hw);
        frame(f, NULL);
        assert_null(find_key(f, "a"));
        const char *keys[] = {"kbd.to_pinyin", "kbd.rewrite", "kbd.delete", "kbd.next_field"};
        expect_keys(f, keys, 4, o);
        assert_false(find_key(f, "kbd.rewrite")->interactive); /* nothing to wipe yet */
        const struct ui_widget *pad = find_ink(f);
        assert_non_null(pad);
        SDL_Rect in;
        assert_true(SDL_IntersectRect(&pad->r, &f->cur->kbd, &in) && in.w == pad->r.w &&
                    in.h == pad->r.h);
        assert_true(pad->r.h >= 220);
        /* 十: 横 then 竖; the candidates come into the bar after each lifted stroke. */
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        assert_non_null(find_key(f, "一"));
        pad_stroke(f, 0.5f, 0.1f, 0.5f, 0.9f);
        assert_non_null(find_key(f, "kbd.prev"));
        check_keys(f, o);
        assert_int_equal(hw_stroke_count(f->hw), 2);
        struct kbd_action act;
        assert_int_equal(tap(f, "十", &act), 1);
        assert_string_equal(act.text, "十");
        /* Choosing clears the pad for the next character; the pad stays up. */
        assert_int_equal(hw_stroke_count(f->hw), 0);
        assert_null(find_key(f, "十"));
        assert_int_equal(find_ink(f)->ink.nstrokes, 0);
        /* A hardware keyboard chooses as on pinyin: Return the first, a digit by place;
         * Backspace takes back a stroke first. */
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        assert_int_equal(key_event(f, SDLK_RETURN, &act), 1);
        assert_string_equal(act.text, "一");
        assert_int_equal(act.next, 0);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        const char *c[HW_PAGE_MAX];
        assert_true(hw_candidates(f->hw, c, HW_PAGE_MAX) >= 2);
        char second[8];
        util_strlcpy(second, c[1], sizeof second);
        assert_int_equal(text_event(f, "2", &act), 1);
        assert_string_equal(act.text, second);
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        assert_int_equal(key_event(f, SDLK_BACKSPACE, &act), 1);
        assert_int_equal(act.del, 0);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        assert_int_equal(key_event(f, SDLK_RETURN, &act), 1);
        assert_int_equal(act.next, 1); /* nothing offered: on to the next field */
        /* 删除 takes back a stroke first, then deletes from the field. */
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        assert_int_equal(tap(f, "kbd.delete", &act), 0);
        assert_int_equal(act.del, 0);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        assert_int_equal(tap(f, "kbd.delete", &act), 1);
        assert_int_equal(act.del, 1);
        /* 重写 wipes every stroke. */
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        pad_stroke(f, 0.5f, 0.1f, 0.5f, 0.9f);
        tap(f, "kbd.rewrite", NULL);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        assert_null(find_key(f, "kbd.prev"));
        /* Another field takes its strokes away, and opens with the pad again. */
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        kbd_set_kind(f->k, KBD_TEXT);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        frame(f, NULL);
        assert_non_null(find_ink(f));
        /* 拼音 goes back to the letters. */
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        tap(f, "kbd.to_pinyin", NULL);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        assert_null(find_ink(f));
        expect_keys(f, letters, 26, o);
        tap_word(f, "wang");
        assert_non_null(find_key(f, "王"));
        kbd_reset(f->k);
        /* A reset is a new person: back to pinyin, strokes gone. */
        tap(f, "kbd.hand", NULL);
        pad_stroke(f, 0.35f, 0.5f, 0.65f, 0.5f);
        kbd_reset(f->k);
        assert_int_equal(hw_stroke_count(f->hw), 0);
        frame(f, NULL);
        assert_null(find_ink(f));
        assert_non_null(find_key(f, "a"));
    }
}

/* Index of the rare-name list's path whether the test runs from the project root or
 * elsewhere. */
static void rare_path(char *path, size_t n)
{
    util_strlcpy(path, "assets/rare-names.txt", n);
    if (access(path, R_OK) != 0) {
        const char *src = __FILE__;
        const char *t = strstr(src, "tests/unit/");
        snprintf(path, n, "%.*sassets/rare-names.txt", t ? (int)(t - src) : 0, src);
    }
}

/* Pages forward through the candidate bar until ch shows; returns 1 when it did. */
static int page_to(struct fixture *f, const char *ch)
{
    for (int page = 0; page < MAX_PAGES; page++) {
        frame(f, NULL);
        if (find_key(f, ch))
            return 1;
        const struct ui_widget *next = find_key(f, "kbd.next");
        if (!next || !next->interactive)
            return 0;
        tap(f, "kbd.next", NULL);
    }
    return 0;
}

/* Every rare name character is typed through the keyboard as a person would: its pinyin,
 * 下一页 until it shows, else the 繁/异体 switch and again; then tapped. */
static void test_rare_names(void **state)
{
    struct fixture *f = *state;
    char path[512];
    rare_path(path, sizeof path);
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        fail_msg("cannot read %s", path);
    int total = 0, by_variant = 0;
    struct screen *screens[] = {&f->land, &f->port};
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || !line[0])
            continue;
        char py[32], ch[32];
        if (sscanf(line, "%31s %31s", py, ch) != 2)
            fail_msg("bad line: %s", line);
        /* Alternate the orientations: their pages hold different numbers of candidates. */
        f->cur = screens[total % 2];
        total++;
        kbd_reset(f->k);
        tap_word(f, py);
        int found = page_to(f, ch);
        if (!found) {
            tap(f, "kbd.variant", NULL);
            found = page_to(f, ch);
            by_variant += found;
        }
        if (!found)
            fail_msg("%s (%s) not reachable within %d pages", ch, py, MAX_PAGES);
        struct kbd_action act;
        assert_int_equal(tap(f, ch, &act), 1);
        assert_string_equal(act.text, ch);
    }
    free(text);
    kbd_reset(f->k);
    assert_true(total >= 80);
    /* 昇, 頔, 甯 … exist only in the variant forms: the switch must have been needed. */
    assert_true(by_variant >= 1);
}

/* ---- large text -------------------------------------------------------------------- */

struct cat_lang {
    struct i18n *cat;
    enum lang lang;
};

static const char *tr_cat(void *ctx, const char *key)
{
    struct cat_lang *cl = ctx;
    return i18n_get(cl->cat, cl->lang, key);
}

/* Every key of every pad and first page, in both languages and on both screens: in
 * large-text mode no key's words are smaller than in normal mode, and none is cut or
 * shortened (`fit`). */
static void test_large_text_keys(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct cat_lang cl = {i18n_load("assets/i18n", err, sizeof err), LANG_ZH};
    assert_non_null(cl.cat);
    for (int lang = 0; lang < 2; lang++)
        for (int scr = 0; scr < 2; scr++)
            for (int kind = 0; kind < KBD_KIND_COUNT; kind++) {
                cl.lang = (enum lang)lang;
                f->cur = scr ? &f->port : &f->land;
                struct kbd *k = kbd_create(f->py, tr_cat, &cl);
                kbd_set_kind(k, (enum kbd_kind)kind);
                struct {
                    char text[64];
                    int px;
                } normal[80];
                int n = 0;
                for (int large = 0; large < 2; large++) {
                    struct ui *ui = f->cur->ui;
                    ui_set_large_text(ui, large);
                    struct kbd_action act;
                    ui_begin(ui);
                    kbd_build(k, ui, f->cur->kbd, "姓名", &act);
                    ui_end(ui);
                    for (int i = 0; i < ui_visible_count(ui); i++) {
                        const struct ui_widget *w = ui_visible_at(ui, i);
                        if (w->kind != UI_KEY || !w->text[0])
                            continue;
                        int px = ui_px(ui, w->o.size ? w->o.size : SIZE_LARGE);
                        if (!large && n < 80) {
                            util_strlcpy(normal[n].text, w->text, sizeof normal[n].text);
                            normal[n++].px = px;
                        }
                        for (int j = 0; large && j < n; j++)
                            if (!strcmp(normal[j].text, w->text) && px < normal[j].px) {
                                printf("%s %s kind %d: \"%s\" %d px in large text, %d px in normal\n",
                                       lang ? "en" : "zh", scr ? "portrait" : "landscape", kind,
                                       w->text, px, normal[j].px);
                                fail();
                            }
                    }
                    assert_int_equal(ui_fit(ui, NULL, NULL), 0);
                }
                ui_set_large_text(f->cur->ui, 0);
                kbd_destroy(k);
            }
    i18n_free(cl.cat);
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pinyin_candidate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_punctuation_finishes_pinyin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pads_type_their_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_kind_discards_pinyin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hardware_and_input_method, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variant_switch_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_engine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rare_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_text_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handwriting_pad, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
