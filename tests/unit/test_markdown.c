/* Tests for ui/markdown: the blocks the study materials use (headings, paragraphs joined
 * without spaces between Chinese lines, bullets, numbered items with "." and "、",
 * quotes, images with captions, **strong** runs, stray markers kept as text), and the
 * pages: every line inside its page, no heading left alone at a page's foot, larger
 * text or a shorter page giving more pages, strong runs drawn bold beside regular text
 * on one line, pictures scaled into the column and the page, a missing picture leaving
 * its caption, and the whole demo article m05 laid out with its diagram. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/png.h"
#include "core/util.h"
#include "ui/markdown.h"
#include "ui/text.h"
#include "ui/ui.h"

#define W 1920
#define H 1080

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
    f->ui = f->tf ? ui_create(f->ren, f->tf, W, H) : NULL;
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

static const struct md_style style = {.body = SIZE_LARGE, .h1 = SIZE_HUGE, .h2 = SIZE_TITLE,
                                      .h3 = SIZE_LARGE, .caption = SIZE_BODY, .line_pct = 150,
                                      .image_scale_pct = 150};

/* ---- parsing ---------------------------------------------------------------------------- */

static void test_parse_blocks(void **state)
{
    struct md_doc *d = md_parse("## 报到登记是第一步\r\n"
                                "\n"
                                "外来党员到莲都工作生活，\n"
                                "**第一件事是向组织报到**。报到以后\n"
                                "\n"
                                "![示意图](m05-diagram.png)\n"
                                "- **第一步 到服务点。** 到服务中心\n"
                                "  接着写\n"
                                "* 第二项\n"
                                "1. first\n"
                                "item\n"
                                "12、第十二\n"
                                "> 引用的话\n"
                                "---\n"
                                "#### 四级\n"
                                "#不是标题\n");
    assert_int_equal(md_block_count(d), 10);
    const struct md_block *b = md_block_at(d, 0);
    assert_int_equal(b->kind, MD_HEADING);
    assert_int_equal(b->level, 2);
    assert_string_equal(b->text, "报到登记是第一步");
    b = md_block_at(d, 1);
    assert_int_equal(b->kind, MD_PARA);
    /* Chinese lines join without a space; the strong run is found in the joined text. */
    assert_string_equal(b->text, "外来党员到莲都工作生活，第一件事是向组织报到。报到以后");
    assert_int_equal(b->nspans, 1);
    assert_int_equal(b->spans[0].start, (int)strlen("外来党员到莲都工作生活，"));
    assert_int_equal(b->spans[0].len, (int)strlen("第一件事是向组织报到"));
    b = md_block_at(d, 2);
    assert_int_equal(b->kind, MD_IMAGE);
    assert_string_equal(b->text, "示意图");
    assert_string_equal(b->image, "m05-diagram.png");
    b = md_block_at(d, 3);
    assert_int_equal(b->kind, MD_BULLET);
    assert_string_equal(b->text, "第一步 到服务点。 到服务中心接着写");
    assert_int_equal(b->nspans, 1);
    assert_int_equal(b->spans[0].start, 0);
    b = md_block_at(d, 4);
    assert_int_equal(b->kind, MD_BULLET);
    assert_string_equal(b->text, "第二项");
    b = md_block_at(d, 5);
    assert_int_equal(b->kind, MD_NUMBERED);
    assert_int_equal(b->number, 1);
    assert_string_equal(b->text, "first item"); /* Latin lines join with a space */
    b = md_block_at(d, 6);
    assert_int_equal(b->kind, MD_NUMBERED);
    assert_int_equal(b->number, 12);
    assert_string_equal(b->text, "第十二");
    b = md_block_at(d, 7);
    assert_int_equal(b->kind, MD_PARA);
    assert_string_equal(b->text, "引用的话");
    b = md_block_at(d, 8);
    assert_int_equal(b->kind, MD_HEADING);
    assert_int_equal(b->level, 3);
    assert_string_equal(b->text, "四级");
    b = md_block_at(d, 9);
    assert_int_equal(b->kind, MD_PARA);
    assert_string_equal(b->text, "#不是标题");
    md_free(d);
}

static void test_parse_stray_markers(void **state)
{
    struct md_doc *d = md_parse("a ** b and **** and \\*\\*x\\*\\* and **open\n\n**one** **two**");
    assert_int_equal(md_block_count(d), 2);
    const struct md_block *b = md_block_at(d, 0);
    /* Nothing closes "** b", "****" is empty: all stay as written. */
    assert_string_equal(b->text, "a ** b and **** and **x** and **open");
    assert_int_equal(b->nspans, 0);
    b = md_block_at(d, 1);
    assert_string_equal(b->text, "one two");
    assert_int_equal(b->nspans, 2);
    assert_int_equal(b->spans[1].start, 4);
    assert_int_equal(b->spans[1].len, 3);
    md_free(d);
    d = md_parse("");
    assert_int_equal(md_block_count(d), 0);
    md_free(d);
    d = md_parse(NULL);
    assert_int_equal(md_block_count(d), 0);
    md_free(d);
}

/* ---- layout ------------------------------------------------------------------------------ */

/* Builds page p at (0,0) and returns the number of widgets; copies them into out. */
static int build_page(struct ui *ui, const struct md_pages *pg, int p, struct ui_widget *out,
                      int max)
{
    ui_begin(ui);
    md_build_page(ui, pg, p, 0, 0, "t");
    ui_end(ui);
    int n = ui_visible_count(ui);
    for (int i = 0; i < n && i < max; i++)
        out[i] = *ui_visible_at(ui, i);
    return n;
}

static char *long_text(int paras)
{
    struct strbuf sb = {0};
    for (int i = 0; i < paras; i++) {
        strbuf_addf(&sb, "## 第%d节\n\n", i + 1);
        strbuf_add(&sb, "外来党员到莲都工作生活，第一件事是向组织报到。报到以后，服务中心会把您编入就近的"
                        "党组织，您就能正常参加组织生活，也能享受服务中心的各项服务。**离乡不离党**，"
                        "流动不流失。\n\n- 第一项要点\n- 第二项要点，比较长一些的句子，看看会不会换行到下一行去\n\n");
    }
    return strbuf_detach(&sb);
}

static void test_layout_pages(void **state)
{
    struct fixture *f = *state;
    char *text = long_text(12);
    struct md_doc *d = md_parse(text);
    free(text);
    int page_h = 700, width = 1200;
    struct md_pages *pg = md_layout(d, f->ui, width, page_h, &style, NULL, 0);
    int n = md_page_count(pg);
    assert_true(n >= 3);
    static struct ui_widget w[512];
    int headings = 0;
    for (int p = 0; p < n; p++) {
        assert_true(md_page_height(pg, p) <= page_h);
        assert_true(md_page_height(pg, p) > 0);
        int k = build_page(f->ui, pg, p, w, 512);
        assert_true(k > 0 && k <= 512);
        int last_bottom = 0, last_heading = -1;
        for (int i = 0; i < k; i++) {
            assert_int_equal(w[i].kind, UI_LABEL);
            /* Every line inside the page and inside the column (labels get a little
             * slack on the right for rounding). */
            assert_true(w[i].r.y >= 0);
            assert_true(w[i].r.y + w[i].r.h <= page_h);
            assert_true(w[i].r.x >= 0 && w[i].r.x < width);
            if (w[i].r.y + w[i].r.h > last_bottom)
                last_bottom = w[i].r.y + w[i].r.h;
            if (strstr(w[i].text, "第") && strstr(w[i].text, "节")) {
                headings++;
                last_heading = i;
            }
        }
        /* A heading is never the last thing on a page. */
        if (last_heading >= 0)
            assert_true(w[last_heading].r.y + w[last_heading].r.h < last_bottom);
    }
    assert_int_equal(headings, 12);
    /* A shorter page or large text: more pages. */
    struct md_pages *shorter = md_layout(d, f->ui, width, page_h / 2, &style, NULL, 0);
    assert_true(md_page_count(shorter) > n);
    ui_set_large_text(f->ui, 1);
    struct md_pages *large = md_layout(d, f->ui, width, page_h, &style, NULL, 0);
    assert_true(md_page_count(large) > n);
    ui_set_large_text(f->ui, 0);
    /* Out of range pages are empty, not a crash. */
    assert_int_equal(build_page(f->ui, pg, n, w, 512), 0);
    assert_int_equal(md_page_height(pg, -1), 0);
    md_pages_free(pg);
    md_pages_free(shorter);
    md_pages_free(large);
    md_free(d);
}

static void test_layout_strong_runs(void **state)
{
    struct fixture *f = *state;
    struct md_doc *d = md_parse("前面的字**加粗的字**后面的字");
    struct md_pages *pg = md_layout(d, f->ui, 1200, 700, &style, NULL, 0);
    assert_int_equal(md_page_count(pg), 1);
    struct ui_widget w[8];
    int k = build_page(f->ui, pg, 0, w, 8);
    assert_int_equal(k, 3);
    assert_string_equal(w[0].text, "前面的字");
    assert_string_equal(w[1].text, "加粗的字");
    assert_string_equal(w[2].text, "后面的字");
    assert_int_equal(w[0].o.bold, 0);
    assert_int_equal(w[1].o.bold, 1);
    assert_int_equal(w[2].o.bold, 0);
    /* One line, side by side, each starting where the previous text ends. */
    assert_int_equal(w[0].r.y, w[1].r.y);
    assert_int_equal(w[1].r.y, w[2].r.y);
    struct text_style reg = {.size_px = SIZE_LARGE}, bold = {.size_px = SIZE_LARGE, .bold = 1};
    assert_int_equal(w[1].r.x, w[0].r.x + text_width(f->tf, "前面的字", -1, &reg));
    assert_int_equal(w[2].r.x, w[1].r.x + text_width(f->tf, "加粗的字", -1, &bold));
    md_pages_free(pg);
    md_free(d);
}

static void test_layout_list_marker(void **state)
{
    struct fixture *f = *state;
    struct md_doc *d = md_parse("- 要点\n3. 第三");
    struct md_pages *pg = md_layout(d, f->ui, 1200, 700, &style, NULL, 0);
    struct ui_widget w[8];
    int k = build_page(f->ui, pg, 0, w, 8);
    assert_int_equal(k, 4);
    assert_string_equal(w[0].text, "•");
    assert_string_equal(w[1].text, "要点");
    assert_string_equal(w[2].text, "3.");
    assert_string_equal(w[3].text, "第三");
    assert_true(w[1].r.x > w[0].r.x);
    assert_true(w[3].r.x > w[2].r.x);
    assert_true(w[2].r.y > w[0].r.y);
    md_pages_free(pg);
    md_free(d);
}

static void test_layout_images(void **state)
{
    struct fixture *f = *state;
    uint8_t px[600 * 300 * 4];
    memset(px, 200, sizeof px);
    struct md_image img = {"pic.png", px, 600, 300};
    struct md_doc *d = md_parse("上文\n\n![示意图](pic.png)\n\n![](missing.png)\n\n![缺少的图](gone.png)");
    /* Wide column: enlarged by 150 % at most, centred, caption under it. */
    struct md_pages *pg = md_layout(d, f->ui, 1200, 1000, &style, &img, 1);
    struct ui_widget w[16];
    int k = build_page(f->ui, pg, 0, w, 16);
    int found = 0;
    for (int i = 0; i < k; i++) {
        if (w[i].kind == UI_IMAGE) {
            found = 1;
            assert_int_equal(w[i].r.w, 900);
            assert_int_equal(w[i].r.h, 450);
            assert_int_equal(w[i].r.x, 150);
            assert_ptr_equal(w[i].pixels, px);
            assert_string_equal(w[i + 1].text, "示意图");
            assert_int_equal(w[i + 1].r.y, w[i].r.y + 450);
        }
    }
    assert_true(found);
    /* The missing picture without alt text leaves nothing; with alt text its caption. */
    assert_string_equal(w[k - 1].text, "缺少的图");
    md_pages_free(pg);
    /* A narrow column shrinks it; a short page shrinks it to fit the page. */
    pg = md_layout(d, f->ui, 400, 1000, &style, &img, 1);
    k = build_page(f->ui, pg, 0, w, 16);
    for (int i = 0; i < k; i++)
        if (w[i].kind == UI_IMAGE) {
            assert_int_equal(w[i].r.w, 400);
            assert_int_equal(w[i].r.h, 200);
        }
    md_pages_free(pg);
    pg = md_layout(d, f->ui, 1200, 300, &style, &img, 1);
    for (int p = 0; p < md_page_count(pg); p++) {
        assert_true(md_page_height(pg, p) <= 300);
        k = build_page(f->ui, pg, p, w, 16);
        for (int i = 0; i < k; i++)
            if (w[i].kind == UI_IMAGE)
                assert_true(w[i].r.y + w[i].r.h <= 300);
    }
    md_pages_free(pg);
    md_free(d);
}

static void test_demo_article(void **state)
{
    struct fixture *f = *state;
    char *text = util_read_file("assets/demo/materials/m05-baodao-dengji.md", NULL);
    assert_non_null(text);
    /* The body starts after the header lines and the blank line. */
    char *body = strstr(text, "\n\n");
    assert_non_null(body);
    struct md_doc *d = md_parse(body + 2);
    int w = 0, h = 0;
    uint8_t *px = NULL;
    assert_int_equal(png_read_rgba("assets/demo/materials/m05-diagram.png", &w, &h, &px), 0);
    struct md_image img = {"m05-diagram.png", px, w, h};
    struct md_pages *pg = md_layout(d, f->ui, 1400, 720, &style, &img, 1);
    int images = 0, pages = md_page_count(pg);
    assert_true(pages >= 2);
    static struct ui_widget ws[512];
    for (int p = 0; p < pages; p++) {
        int k = build_page(f->ui, pg, p, ws, 512);
        for (int i = 0; i < k && i < 512; i++) {
            images += ws[i].kind == UI_IMAGE;
            assert_null(strstr(ws[i].text ? ws[i].text : "", "**"));
        }
    }
    assert_int_equal(images, 1);
    md_pages_free(pg);
    md_free(d);
    free(px);
    free(text);
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_blocks),
        cmocka_unit_test(test_parse_stray_markers),
        cmocka_unit_test_setup_teardown(test_layout_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_strong_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_list_marker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_article, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
