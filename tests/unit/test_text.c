/* Tests for ui/text and ui/textcache with the real Noto Sans CJK font: kinsoku over many
 * widths, Latin wrapping, hard breaks, glyph coverage of rare name characters, rendering
 * sizes, the ellipsis, and the texture cache's hits, misses and eviction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "ui/text.h"
#include "ui/textcache.h"

/* The system chain, opened once for the whole group. */
static struct text_fonts *g_fonts;

static struct text_fonts *fonts(void)
{
    assert_non_null(g_fonts);
    return g_fonts;
}

static int group_setup(void **state)
{
    char err[256] = "";
    g_fonts = text_fonts_open(NULL, err, sizeof err);
    if (!g_fonts)
        fprintf(stderr, "text_fonts_open: %s\n", err);
    return g_fonts ? 0 : -1;
}

static int group_teardown(void **state)
{
    text_fonts_close(g_fonts);
    g_fonts = NULL;
    return 0;
}

static struct text_style style(int size)
{
    return (struct text_style){size, 0, 0x112233FF, TEXT_LEFT, 0};
}

/* Writes the code points of s[start, start+len) into out; returns how many. */
static int cps_of(const char *s, int start, int len, uint32_t *out, int max)
{
    const char *p = s + start, *end = s + start + len;
    int n = 0;
    while (p < end && n < max) {
        uint32_t c = utf8_next(&p);
        if (!c)
            break;
        out[n++] = c;
    }
    return n;
}

static uint32_t first_cp(const char *s, const struct text_line *ln)
{
    uint32_t c[1];
    return cps_of(s, ln->start, ln->len, c, 1) ? c[0] : 0;
}

static uint32_t last_cp(const char *s, const struct text_line *ln)
{
    if (ln->len == 0)
        return 0;
    const char *p = s + utf8_prev(s, (size_t)(ln->start + ln->len));
    return utf8_next(&p);
}

static int is_closing(uint32_t c)
{
    static const char *set = "，。、；：？！）」』】》〉”’…·—%％,.;:?!)]}";
    const char *p = set;
    uint32_t x;
    while ((x = utf8_next(&p)))
        if (x == c)
            return 1;
    return 0;
}

static int is_opening(uint32_t c)
{
    static const char *set = "（「『【《〈“‘([{";
    const char *p = set;
    uint32_t x;
    while ((x = utf8_next(&p)))
        if (x == c)
            return 1;
    return 0;
}

static int is_latin_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Non-space code points of s, in order: what the lines together must show. */
static int visible(const char *s, int start, int len, uint32_t *out, int max)
{
    uint32_t tmp[4096];
    int n = cps_of(s, start, len, tmp, 4096), m = 0;
    for (int i = 0; i < n && m < max; i++)
        if (tmp[i] != ' ' && tmp[i] != '\n')
            out[m++] = tmp[i];
    return m;
}

/* Breaks s at max_w and checks what must hold at any width: each line fits, its width is
 * what text_width says, and the lines together show every non-space character once. */
static int break_checked(const char *s, const struct text_style *st, int max_w,
                         struct text_line *lines, int cap)
{
    struct text_fonts *tf = fonts();
    int n = text_break(tf, s, st, max_w, lines, cap);
    assert_true(n > 0);
    assert_true(n <= cap);
    static uint32_t want[4096], got[4096];
    int nw = visible(s, 0, (int)strlen(s), want, 4096), ng = 0;
    for (int i = 0; i < n; i++) {
        if (max_w > 0 && lines[i].width > max_w)
            fail_msg("width %d: line %d is %d px wide: %.*s", max_w, i, lines[i].width,
                     lines[i].len, s + lines[i].start);
        assert_int_equal(lines[i].width, text_width(tf, s + lines[i].start, lines[i].len, st));
        if (i > 0)
            assert_true(lines[i].start >= lines[i - 1].start + lines[i - 1].len);
        ng += visible(s, lines[i].start, lines[i].len, got + ng, 4096 - ng);
    }
    assert_int_equal(ng, nw);
    assert_memory_equal(got, want, sizeof got[0] * (size_t)nw);
    return n;
}

static void test_common_glyphs(void **state)
{
    struct text_fonts *tf = fonts();
    const char *common = "中文报到登记活动签到，。、「」（）ABCxyz0129";
    const char *p = common;
    uint32_t c;
    while ((c = utf8_next(&p)))
        assert_true(text_has_glyph(tf, c));
    assert_false(text_has_glyph(tf, 0x10FFFD)); /* a private-use code point no face has */
}

static void test_kinsoku_all_widths(void **state)
{
    const char *para =
        "外来党员服务中心（莲都区）的职责是：接转组织关系、推荐就业岗位、组织培训。"
        "他说：“欢迎回家！”大家都很高兴，「流动党员活动证」要随身携带；"
        "（一）报到登记；（二）活动签到。请问，你今天来了吗？来了！"
        "【通知】《党章》学习……时间：上午9:00——11:30，地点：紫金街道。";
    struct text_style st = style(12);
    struct text_line lines[200];
    int broke_somewhere = 0;
    for (int w = 50; w <= 800; w++) {
        int n = break_checked(para, &st, w, lines, 200);
        for (int i = 0; i < n; i++) {
            uint32_t f = first_cp(para, &lines[i]), l = last_cp(para, &lines[i]);
            if (i > 0 && is_closing(f))
                fail_msg("width %d: line %d starts with U+%04X: %.*s", w, i, f, lines[i].len,
                         para + lines[i].start);
            if (i < n - 1 && is_opening(l))
                fail_msg("width %d: line %d ends with U+%04X: %.*s", w, i, l, lines[i].len,
                         para + lines[i].start);
        }
        if (n > 1)
            broke_somewhere = 1;
    }
    assert_true(broke_somewhere);
}

/* A full-width character is exactly one em wide in Noto Sans CJK, so at 20 px a 100 px
 * line holds five: the sixth being "。" the fifth character is pushed down with it. */
static void test_kinsoku_push_out(void **state)
{
    struct text_style st = style(20);
    struct text_line l[8];
    const char *s1 = "一二三四五。六七";
    assert_int_equal(text_break(fonts(), s1, &st, 100, l, 8), 2);
    assert_int_equal(l[0].len, 12); /* 一二三四 */
    assert_int_equal(l[0].width, 80);
    assert_int_equal(l[1].start, 12); /* 五。六七 */

    const char *s2 = "一二三四「五六」";
    assert_int_equal(text_break(fonts(), s2, &st, 100, l, 8), 2);
    assert_int_equal(l[0].len, 12); /* 一二三四 */
    assert_int_equal(first_cp(s2, &l[1]), 0x300C);

    const char *s3 = "一二三四五……六";
    assert_int_equal(text_break(fonts(), s3, &st, 120, l, 8), 2);
    assert_int_equal(l[0].len, 12); /* the ellipsis is never split nor starts a line */
}

static void test_mixed_wraps_latin_at_spaces(void **state)
{
    const char *s = "欢迎使用 self-service kiosk terminal，请按 Register 按钮开始 registration "
                    "或 check in，English words stay whole.";
    struct text_style st = style(20);
    struct text_line lines[100];
    for (int w = 120; w <= 700; w += 3) {
        int n = break_checked(s, &st, w, lines, 100);
        for (int i = 0; i + 1 < n; i++) {
            uint32_t a = last_cp(s, &lines[i]), b = first_cp(s, &lines[i + 1]);
            int gap = lines[i + 1].start - (lines[i].start + lines[i].len);
            /* Two letters on either side of a break with nothing between: a split word. */
            if (is_latin_letter(a) && is_latin_letter(b) && gap == 0)
                fail_msg("width %d: word split between lines %d and %d", w, i, i + 1);
            if (a == '-')
                assert_true(is_latin_letter(b)); /* "self-" / "service" */
        }
    }
    /* Leading spaces at a soft break are dropped, trailing ones do not count. */
    struct text_line l[4];
    const char *t = "abc   def";
    int wabc = text_width(fonts(), "abc", 3, &st);
    assert_int_equal(text_break(fonts(), t, &st, wabc + 2, l, 4), 2);
    assert_int_equal(l[0].len, 3);
    assert_int_equal(l[0].width, wabc);
    assert_int_equal(l[1].start, 6);
    assert_int_equal(l[1].len, 3);
}

static void test_long_word_is_split(void **state)
{
    const char *s = "Supercalifragilisticexpialidocious";
    struct text_style st = style(20);
    struct text_line lines[40];
    int n = break_checked(s, &st, 100, lines, 40);
    assert_true(n >= 3);
    for (int i = 0; i < n; i++)
        assert_true(lines[i].len > 0);
    /* a single glyph wider than the line still gets a line of its own, and nothing loops */
    assert_int_equal(text_break(fonts(), "WWW", &st, 5, lines, 40), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(lines[i].len, 1);
}

static void test_newline_forces_break(void **state)
{
    struct text_style st = style(20);
    struct text_line l[8];
    const char *s = "短\n短";
    assert_int_equal(text_break(fonts(), s, &st, 1000, l, 8), 2);
    assert_int_equal(l[0].start, 0);
    assert_int_equal(l[0].len, 3);
    assert_int_equal(l[1].start, 4);
    assert_int_equal(l[1].len, 3);
    assert_int_equal(text_break(fonts(), "a\n\nb", &st, 0, l, 8), 3);
    assert_int_equal(l[1].len, 0);
    assert_int_equal(l[1].width, 0);
    assert_int_equal(text_break(fonts(), "a\r\nb", &st, 0, l, 8), 2);
    assert_int_equal(text_break(fonts(), "", &st, 100, l, 8), 0);
    /* count beyond the array */
    assert_int_equal(text_break(fonts(), "1\n2\n3\n4\n5", &st, 0, l, 2), 5);
    assert_int_equal(l[1].start, 2);
}

static SDL_Surface *render_cp(uint32_t cp, int size)
{
    char s[8] = {0};
    utf8_encode(cp, s);
    struct text_style st = style(size);
    SDL_Surface *surf = text_render(fonts(), s, &st, 0, 0);
    assert_non_null(surf);
    return surf;
}

static int same_pixels(SDL_Surface *a, SDL_Surface *b)
{
    if (a->w != b->w || a->h != b->h)
        return 0;
    for (int y = 0; y < a->h; y++)
        if (memcmp((uint8_t *)a->pixels + y * a->pitch, (uint8_t *)b->pixels + y * b->pitch,
                   (size_t)a->w * 4))
            return 0;
    return 1;
}

static int ink(SDL_Surface *s)
{
    int n = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            if (((uint32_t *)((uint8_t *)s->pixels + y * s->pitch))[x] >> 24)
                n++;
    return n;
}

static void test_rare_name_characters(void **state)
{
    /* 䶮 昇 堃 喆 淼 犇 嫣 𠮷 㛃 頔: Noto Sans CJK covers all ten. */
    static const uint32_t rare[] = {0x4DAE, 0x6607, 0x5803, 0x5586, 0x6DFC,
                                    0x72C7, 0x5AE3, 0x20BB7, 0x36C3, 0x9814};
    SDL_Surface *notdef = render_cp(0x10FFFD, 48);
    SDL_Surface *other = render_cp(0x10FFFE, 48);
    assert_true(same_pixels(notdef, other)); /* the comparison itself can see .notdef */
    SDL_FreeSurface(other);
    for (size_t i = 0; i < ARRAY_LEN(rare); i++) {
        assert_true(text_has_glyph(fonts(), rare[i]));
        SDL_Surface *s = render_cp(rare[i], 48);
        assert_true(ink(s) > 0);
        if (same_pixels(s, notdef))
            fail_msg("U+%04X is drawn as .notdef", rare[i]);
        SDL_FreeSurface(s);
    }
    SDL_FreeSurface(notdef);
}

static void test_render_size_and_pixels(void **state)
{
    struct text_fonts *tf = fonts();
    const char *texts[] = {"报到登记", "Check in", "外来党员服务中心（莲都区）欢迎您！Welcome.",
                           "第一行\n第二行比较长一些\n3", "   "};
    for (int a = 0; a < 3; a++)
        for (size_t i = 0; i < ARRAY_LEN(texts); i++)
            for (int w = 0; w <= 300; w += 150) {
                struct text_style st = style(24);
                st.align = (enum text_align)a;
                st.line_gap_px = w / 50;
                int mw, mh;
                text_measure(tf, texts[i], &st, w, 0, &mw, &mh);
                SDL_Surface *s = text_render(tf, texts[i], &st, w, 0);
                assert_non_null(s);
                assert_int_equal(s->format->format, SDL_PIXELFORMAT_ARGB8888);
                assert_int_equal(s->w, mw);
                assert_int_equal(s->h, mh);
                assert_int_equal(mh % text_line_height(tf, &st), 0);
                if (w > 0)
                    assert_true(mw <= w);
                /* colour is the style's on every inked pixel; background transparent */
                int inked = 0;
                for (int y = 0; y < s->h; y++)
                    for (int x = 0; x < s->w; x++) {
                        uint32_t p = ((uint32_t *)((uint8_t *)s->pixels + y * s->pitch))[x];
                        if (p >> 24) {
                            assert_int_equal(p & 0xFFFFFF, 0x112233);
                            inked++;
                        }
                    }
                if (i < 4)
                    assert_true(inked > 0 && inked < s->w * s->h / 2);
                SDL_FreeSurface(s);
            }
    assert_null(text_render(tf, "", &(struct text_style){24, 0, 0xFF, TEXT_LEFT, 0}, 100, 0));
}

static void test_ellipsis(void **state)
{
    struct text_fonts *tf = fonts();
    struct text_style st = style(20);
    char s[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(s, "好");
    int lh = text_line_height(tf, &st);
    assert_int_equal(text_break(tf, s, &st, 200, NULL, 0), 4);

    SDL_Surface *cut = text_render(tf, s, &st, 200, 2);
    assert_non_null(cut);
    assert_int_equal(cut->w, 200);
    assert_int_equal(cut->h, 2 * lh);
    /* The second line ends in the ellipsis: its last 20 columns are exactly "…". */
    SDL_Surface *ell = text_render(tf, "…", &st, 0, 0);
    assert_non_null(ell);
    assert_int_equal(ell->w, 20);
    assert_true(ink(ell) > 0);
    for (int y = 0; y < lh; y++)
        assert_memory_equal((uint8_t *)cut->pixels + (lh + y) * cut->pitch + 180 * 4,
                            (uint8_t *)ell->pixels + y * ell->pitch, 20 * 4);
    /* ...and not in the uncut rendering */
    SDL_Surface *full = text_render(tf, s, &st, 200, 0);
    assert_int_equal(full->h, 4 * lh);
    assert_memory_not_equal((uint8_t *)full->pixels + (lh + lh / 2) * full->pitch + 180 * 4,
                            (uint8_t *)ell->pixels + (lh / 2) * ell->pitch, 20 * 4);
    SDL_FreeSurface(full);
    SDL_FreeSurface(cut);

    /* text that fits in max_lines gets no ellipsis */
    int w, h;
    text_measure(tf, "好好好", &st, 200, 2, &w, &h);
    assert_int_equal(w, 60);
    assert_int_equal(h, lh);
    /* a cut line with spaces and Latin still fits */
    const char *lat = "The service hall is open every day from nine to five, except holidays.";
    for (int mw = 60; mw < 400; mw += 7) {
        SDL_Surface *x = text_render(tf, lat, &st, mw, 1);
        assert_non_null(x);
        assert_true(x->w <= mw);
        assert_int_equal(x->h, lh);
        SDL_FreeSurface(x);
    }
    SDL_FreeSurface(ell);
}

static void test_odd_input_does_not_crash(void **state)
{
    const char *s = "😀👍🏻👨‍👩‍👧 emoji ★✔ \xF0\x9F\x98 cut \xff\xfe bad \xF4\x8F\xBF\xBD "
                    "\xF0\xA0\x80\x80 tab\there \xE2\x80\x8B zwsp（「『";
    struct text_style st = style(16);
    struct text_line lines[100];
    for (int w = 1; w < 400; w += 13) {
        text_break(fonts(), s, &st, w, lines, 100);
        SDL_Surface *x = text_render(fonts(), s, &st, w, 3);
        assert_non_null(x);
        SDL_FreeSurface(x);
    }
    assert_true(text_width(fonts(), s, -1, &st) > 0);
    /* len cutting a multi-byte sequence */
    assert_true(text_width(fonts(), "中文", 4, &st) > 0);
}

static void test_project_fonts_come_first(void **state)
{
    const char *dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if (access(dejavu, R_OK) != 0)
        skip();
    char dir[] = "/tmp/test_text_fontsXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/README.md", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("fonts\n", f);
    fclose(f);

    struct text_style st = style(30);
    const char *latin = "abcdefghijklmnopqrstuvwxyz";
    char err[256];
    /* a folder with only a README changes nothing */
    struct text_fonts *only_readme = text_fonts_open(dir, err, sizeof err);
    assert_non_null(only_readme);
    assert_int_equal(text_width(only_readme, latin, -1, &st),
                     text_width(fonts(), latin, -1, &st));
    text_fonts_close(only_readme);

    snprintf(path, sizeof path, "%s/a-latin.ttf", dir);
    assert_int_equal(symlink(dejavu, path), 0);
    struct text_fonts *tf = text_fonts_open(dir, err, sizeof err);
    assert_non_null(tf);
    /* Latin now comes from DejaVu (wider), Chinese still from Noto */
    assert_true(text_width(tf, latin, -1, &st) != text_width(fonts(), latin, -1, &st));
    assert_int_equal(text_width(tf, "中文", -1, &st), text_width(fonts(), "中文", -1, &st));
    SDL_Surface *s = text_render(tf, "Hello 中文", &st, 0, 0);
    assert_non_null(s);
    int mw, mh;
    text_measure(tf, "Hello 中文", &st, 0, 0, &mw, &mh);
    assert_int_equal(s->w, mw);
    SDL_FreeSurface(s);
    text_fonts_close(tf);
    unlink(path);
    snprintf(path, sizeof path, "%s/README.md", dir);
    unlink(path);
    rmdir(dir);
}

/* ---- textcache ---- */

struct rig {
    SDL_Surface *target;
    SDL_Renderer *r;
};

static struct rig rig_make(void)
{
    struct rig g;
    g.target = SDL_CreateRGBSurfaceWithFormat(0, 640, 480, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(g.target);
    g.r = SDL_CreateSoftwareRenderer(g.target);
    assert_non_null(g.r);
    return g;
}

static void rig_free(struct rig *g)
{
    SDL_DestroyRenderer(g->r);
    SDL_FreeSurface(g->target);
}

static void test_cache_hits_and_misses(void **state)
{
    struct rig g = rig_make();
    struct textcache *tc = textcache_create(g.r, fonts(), 4 << 20);
    assert_non_null(tc);
    struct text_style st = style(32);
    struct textcache_stats s;
    int w, h, mw, mh;

    textcache_frame_begin(tc);
    SDL_Texture *a = textcache_get(tc, "报到登记", &st, 0, 0, &w, &h);
    assert_non_null(a);
    text_measure(fonts(), "报到登记", &st, 0, 0, &mw, &mh);
    assert_int_equal(w, mw);
    assert_int_equal(h, mh);
    int tw, th;
    assert_int_equal(SDL_QueryTexture(a, NULL, NULL, &tw, &th), 0);
    assert_int_equal(tw, w);
    assert_int_equal(th, h);
    assert_ptr_equal(textcache_get(tc, "报到登记", &st, 0, 0, NULL, NULL), a);
    textcache_stats(tc, &s);
    assert_int_equal(s.misses, 1);
    assert_int_equal(s.hits, 1);
    assert_int_equal(s.entries, 1);
    assert_int_equal(s.bytes, (size_t)w * h * 4);

    /* every part of the key makes a different entry */
    struct text_style v = st;
    v.color = 0xFF0000FF;
    assert_ptr_not_equal(textcache_get(tc, "报到登记", &v, 0, 0, NULL, NULL), a);
    v = st;
    v.bold = 1;
    assert_ptr_not_equal(textcache_get(tc, "报到登记", &v, 0, 0, NULL, NULL), a);
    v = st;
    v.size_px = 33;
    assert_ptr_not_equal(textcache_get(tc, "报到登记", &v, 0, 0, NULL, NULL), a);
    assert_ptr_not_equal(textcache_get(tc, "报到登记", &st, 64, 0, NULL, NULL), a);
    assert_ptr_not_equal(textcache_get(tc, "报到登记", &st, 64, 1, NULL, NULL), a);
    assert_ptr_not_equal(textcache_get(tc, "报到登", &st, 0, 0, NULL, NULL), a);
    textcache_stats(tc, &s);
    assert_int_equal(s.misses, 7);
    assert_int_equal(s.entries, 7);

    /* a steady frame renders nothing */
    const char *labels[] = {"报到登记", "活动签到", "就业岗位", "培训安排", "学习园地", "服务指南"};
    for (int frame = 0; frame < 3; frame++) {
        textcache_frame_begin(tc);
        for (size_t i = 0; i < ARRAY_LEN(labels); i++) {
            SDL_Texture *t = textcache_get(tc, labels[i], &st, 0, 0, &w, &h);
            assert_non_null(t);
            SDL_RenderCopy(g.r, t, NULL, &(SDL_Rect){10, 10 + 40 * (int)i, w, h});
        }
    }
    textcache_stats(tc, &s);
    assert_int_equal(s.misses, 7 + 5);
    assert_int_equal(s.hits, 1 + 1 + 6 * 2);
    /* the texture really shows the text */
    uint32_t *px = g.target->pixels;
    int lit = 0;
    for (int i = 0; i < g.target->w * g.target->h; i++)
        lit += (px[i] & 0xFFFFFF) != 0;
    assert_true(lit > 100);

    assert_null(textcache_get(tc, "", &st, 0, 0, &w, &h));
    assert_int_equal(w, 0);

    textcache_clear(tc);
    textcache_stats(tc, &s);
    assert_int_equal(s.entries, 0);
    assert_int_equal(s.bytes, 0);
    textcache_get(tc, "报到登记", &st, 0, 0, NULL, NULL);
    textcache_stats(tc, &s);
    assert_int_equal(s.misses, 13);
    textcache_destroy(tc);
    rig_free(&g);
}

static void test_cache_eviction(void **state)
{
    struct rig g = rig_make();
    struct text_style st = style(32);
    int w, h;
    text_measure(fonts(), "甲", &st, 0, 0, &w, &h);
    size_t one = (size_t)w * h * 4;
    /* room for two one-character textures */
    struct textcache *tc = textcache_create(g.r, fonts(), 2 * one + one / 2);
    struct textcache_stats s;

    textcache_frame_begin(tc);
    textcache_get(tc, "甲", &st, 0, 0, NULL, NULL);
    textcache_frame_begin(tc);
    textcache_get(tc, "乙", &st, 0, 0, NULL, NULL);
    textcache_frame_begin(tc);
    textcache_get(tc, "甲", &st, 0, 0, NULL, NULL); /* 甲 is now more recent than 乙 */
    textcache_frame_begin(tc);
    textcache_get(tc, "丙", &st, 0, 0, NULL, NULL); /* evicts 乙 */
    textcache_stats(tc, &s);
    assert_int_equal(s.evictions, 1);
    assert_int_equal(s.entries, 2);
    assert_true(s.bytes <= s.capacity);
    textcache_frame_begin(tc);
    textcache_get(tc, "甲", &st, 0, 0, NULL, NULL);
    textcache_get(tc, "丙", &st, 0, 0, NULL, NULL);
    textcache_stats(tc, &s);
    assert_int_equal(s.hits, 3);
    assert_int_equal(s.misses, 3);
    textcache_get(tc, "乙", &st, 0, 0, NULL, NULL);
    textcache_stats(tc, &s);
    assert_int_equal(s.misses, 4);

    /* Within one frame nothing used in it is evicted: all four stay valid. */
    textcache_frame_begin(tc);
    const char *four[] = {"一", "二", "三", "四"};
    SDL_Texture *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = textcache_get(tc, four[i], &st, 0, 0, NULL, NULL);
    textcache_stats(tc, &s);
    assert_int_equal(s.entries, 4);
    assert_true(s.bytes > s.capacity);
    for (int i = 0; i < 4; i++) {
        assert_non_null(t[i]);
        assert_int_equal(SDL_QueryTexture(t[i], NULL, NULL, NULL, NULL), 0);
        assert_int_equal(SDL_RenderCopy(g.r, t[i], NULL, NULL), 0);
    }
    /* The next frame's first miss brings the cache back under its capacity. */
    textcache_frame_begin(tc);
    textcache_get(tc, "五", &st, 0, 0, NULL, NULL);
    textcache_stats(tc, &s);
    assert_true(s.bytes <= s.capacity);
    assert_int_equal(s.entries, 2);
    /* the most recent of the old frame survived */
    uint64_t misses = s.misses;
    textcache_get(tc, "四", &st, 0, 0, NULL, NULL);
    textcache_stats(tc, &s);
    assert_int_equal(s.misses, misses);
    textcache_destroy(tc);
    rig_free(&g);
}

/* Many entries: the table grows and every one is still found. */
static void test_cache_many_entries(void **state)
{
    struct rig g = rig_make();
    struct textcache *tc = textcache_create(g.r, fonts(), 64 << 20);
    struct text_style st = style(12);
    char buf[32];
    SDL_Texture *t[600];
    for (int i = 0; i < 600; i++) {
        snprintf(buf, sizeof buf, "第%d条", i);
        t[i] = textcache_get(tc, buf, &st, 0, 0, NULL, NULL);
        assert_non_null(t[i]);
    }
    for (int i = 0; i < 600; i++) {
        snprintf(buf, sizeof buf, "第%d条", i);
        assert_ptr_equal(textcache_get(tc, buf, &st, 0, 0, NULL, NULL), t[i]);
    }
    struct textcache_stats s;
    textcache_stats(tc, &s);
    assert_int_equal(s.hits, 600);
    assert_int_equal(s.misses, 600);
    assert_int_equal(s.evictions, 0);
    textcache_destroy(tc);
    rig_free(&g);
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_glyphs),
        cmocka_unit_test(test_kinsoku_all_widths),
        cmocka_unit_test(test_kinsoku_push_out),
        cmocka_unit_test(test_mixed_wraps_latin_at_spaces),
        cmocka_unit_test(test_long_word_is_split),
        cmocka_unit_test(test_newline_forces_break),
        cmocka_unit_test(test_rare_name_characters),
        cmocka_unit_test(test_render_size_and_pixels),
        cmocka_unit_test(test_ellipsis),
        cmocka_unit_test(test_odd_input_does_not_crash),
        cmocka_unit_test(test_project_fonts_come_first),
        cmocka_unit_test(test_cache_hits_and_misses),
        cmocka_unit_test(test_cache_eviction),
        cmocka_unit_test(test_cache_many_entries),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
