/* Tests for input/pinyin: candidates, commits with partial selections, backspace,
 * paging deep into the list, reset, the variant switch, that nothing is learned
 * between people, and that every rare name character in assets/rare-names.txt can be
 * reached.  Each test runs in a fresh data directory that is deleted afterwards. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "input/pinyin.h"

/* The most pages a person can be expected to turn for a name character. */
#define MAX_PAGES 40

struct fixture {
    char dir[64];
    struct pinyin *p;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-pinyin-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char err[256];
    f->p = pinyin_open(f->dir, err, sizeof err);
    if (!f->p)
        fail_msg("pinyin_open: %s", err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    pinyin_close(f->p);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    struct stat st;
    assert_int_not_equal(stat(f->dir, &st), 0);
    free(f);
    return 0;
}

static void type(struct pinyin *p, const char *s)
{
    for (; *s; s++)
        if (!pinyin_key(p, *s))
            fail_msg("key '%c' refused", *s);
}

/* Index of text on the current page, or -1. */
static int on_page(struct pinyin *p, const char *text)
{
    const char *c[PINYIN_PAGE_MAX];
    int n = pinyin_candidates(p, c, PINYIN_PAGE_MAX);
    for (int i = 0; i < n; i++)
        if (strcmp(c[i], text) == 0)
            return i;
    return -1;
}

/* Pages forward from the first page until text shows up.  Returns the page it is on,
 * or -1 when it is not within max_pages (the page is left wherever the search
 * stopped). */
static int find_paging(struct pinyin *p, const char *text, int max_pages)
{
    while (pinyin_page_prev(p))
        ;
    for (int page = 0; page < max_pages; page++) {
        assert_int_equal(pinyin_page(p), page);
        if (on_page(p, text) >= 0)
            return page;
        if (!pinyin_page_next(p))
            return -1;
    }
    return -1;
}

/* Copies the first n candidates of the whole list (paging as needed) into out, one
 * string separated by '|', and goes back to the first page. */
static void first_candidates(struct pinyin *p, int n, char *out, size_t size)
{
    struct strbuf sb = {0};
    int got = 0;
    for (;;) {
        const char *c[PINYIN_PAGE_MAX];
        int k = pinyin_candidates(p, c, PINYIN_PAGE_MAX);
        for (int i = 0; i < k && got < n; i++, got++) {
            strbuf_add(&sb, c[i]);
            strbuf_add(&sb, "|");
        }
        if (got >= n || !pinyin_page_next(p))
            break;
    }
    while (pinyin_page_prev(p))
        ;
    assert_int_equal(got, n);
    util_strlcpy(out, sb.buf, size);
    strbuf_free(&sb);
}

static void test_zhang_first_candidates(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    assert_string_equal(pinyin_preedit(p), "");
    const char *c[PINYIN_PAGE_MAX];
    assert_int_equal(pinyin_candidates(p, c, PINYIN_PAGE_MAX), 0);
    type(p, "zhang");
    assert_string_equal(pinyin_preedit(p), "zhang");
    int n = pinyin_candidates(p, c, PINYIN_PAGE_MAX);
    assert_int_equal(n, PINYIN_PAGE_DEFAULT);
    int i = on_page(p, "张");
    assert_true(i >= 0 && i < 3);
    /* max bounds what is copied out. */
    assert_int_equal(pinyin_candidates(p, c, 2), 2);
}

static void test_zhangsan_space_commits(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    type(p, "zhangsan");
    assert_string_equal(pinyin_preedit(p), "zhang san");
    char out[PINYIN_COMMIT_MAX];
    int rc = 0, presses = 0;
    while (rc == 0 && presses < 4) {
        rc = pinyin_commit_first(p, out, sizeof out);
        presses++;
    }
    assert_int_equal(rc, 1);
    assert_string_equal(out, "张三");
    assert_string_equal(pinyin_preedit(p), "");
    /* Nothing left to choose: the caller handles the space itself. */
    assert_int_equal(pinyin_commit_first(p, out, sizeof out), -1);
}

static void test_zhangsan_partial_selection(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    type(p, "zhangsan");
    char out[PINYIN_COMMIT_MAX] = "x";
    int i = on_page(p, "张");
    assert_true(i >= 0);
    assert_int_equal(pinyin_select(p, i, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_string_equal(pinyin_preedit(p), "张san");
    i = on_page(p, "三");
    assert_true(i >= 0);
    assert_int_equal(pinyin_select(p, i, out, sizeof out), 1);
    assert_string_equal(out, "张三");
    assert_string_equal(pinyin_preedit(p), "");
    /* Out-of-range choices are refused. */
    type(p, "zhang");
    assert_int_equal(pinyin_select(p, PINYIN_PAGE_DEFAULT, out, sizeof out), -1);
    assert_int_equal(pinyin_select(p, -1, out, sizeof out), -1);
    assert_string_equal(pinyin_preedit(p), "zhang");
}

static void test_backspace(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    assert_int_equal(pinyin_backspace(p), 0);
    type(p, "zhang");
    assert_int_equal(pinyin_backspace(p), 1);
    assert_string_equal(pinyin_preedit(p), "zhan");
    assert_true(on_page(p, "站") >= 0 || on_page(p, "战") >= 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pinyin_backspace(p), 1);
    assert_string_equal(pinyin_preedit(p), "");
    const char *c[PINYIN_PAGE_MAX];
    assert_int_equal(pinyin_candidates(p, c, PINYIN_PAGE_MAX), 0);
    assert_int_equal(pinyin_backspace(p), 0);

    /* After a partial selection, backspace first takes the selection back. */
    type(p, "zhangsan");
    char out[PINYIN_COMMIT_MAX];
    assert_int_equal(pinyin_select(p, on_page(p, "张"), out, sizeof out), 0);
    assert_string_equal(pinyin_preedit(p), "张san");
    assert_int_equal(pinyin_backspace(p), 1);
    assert_null(strstr(pinyin_preedit(p), "张"));
    assert_non_null(strstr(pinyin_preedit(p), "zhang"));
}

static void test_keys_refused(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    assert_int_equal(pinyin_key(p, 'A'), 0);
    assert_int_equal(pinyin_key(p, '1'), 0);
    assert_int_equal(pinyin_key(p, ' '), 0);
    /* A separator needs pinyin before it. */
    assert_int_equal(pinyin_key(p, '\''), 0);
    assert_string_equal(pinyin_preedit(p), "");
    /* No pinyin starts with i, u or v: refused rather than left without candidates. */
    assert_int_equal(pinyin_key(p, 'i'), 0);
    assert_int_equal(pinyin_key(p, 'u'), 0);
    assert_int_equal(pinyin_key(p, 'v'), 0);
    assert_string_equal(pinyin_preedit(p), "");
    /* v stands for ü after l and n. */
    type(p, "lv");
    assert_string_equal(pinyin_preedit(p), "lü");
    assert_true(on_page(p, "绿") >= 0);
    pinyin_reset(p);
    type(p, "xi'an");
    assert_int_equal(on_page(p, "西安"), 0);
    /* The input is bounded. */
    pinyin_reset(p);
    int taken = 0;
    for (int i = 0; i < PINYIN_INPUT_MAX + 10; i++)
        taken += pinyin_key(p, "zhang"[i % 5]);
    assert_int_equal(taken, PINYIN_INPUT_MAX);
    char out[PINYIN_COMMIT_MAX];
    int rc = 0;
    for (int i = 0; i < PINYIN_INPUT_MAX && rc == 0; i++)
        rc = pinyin_commit_first(p, out, sizeof out);
    assert_int_equal(rc, 1);
    assert_true(strlen(out) < PINYIN_COMMIT_MAX - 1);
}

static void test_paging(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    assert_int_equal(pinyin_set_page_size(p, 0), -1);
    assert_int_equal(pinyin_set_page_size(p, PINYIN_PAGE_MAX + 1), -1);
    assert_int_equal(pinyin_set_page_size(p, 5), 0);
    type(p, "yan");
    const char *c[PINYIN_PAGE_MAX];
    char first[PINYIN_COMMIT_MAX * 2];
    first_candidates(p, 5, first, sizeof first);
    assert_int_equal(pinyin_page(p), 0);
    assert_false(pinyin_has_prev(p));
    assert_true(pinyin_has_next(p));
    assert_int_equal(pinyin_page_prev(p), 0);

    assert_int_equal(pinyin_page_next(p), 1);
    assert_int_equal(pinyin_page(p), 1);
    assert_true(pinyin_has_prev(p));
    assert_int_equal(pinyin_candidates(p, c, PINYIN_PAGE_MAX), 5);
    assert_null(strstr(first, c[0]));
    assert_int_equal(pinyin_page_prev(p), 1);
    char again[PINYIN_COMMIT_MAX * 2];
    first_candidates(p, 5, again, sizeof again);
    assert_string_equal(first, again);

    /* Selecting on a later page picks that page's candidate. */
    assert_int_equal(pinyin_page_next(p), 1);
    pinyin_candidates(p, c, PINYIN_PAGE_MAX);
    char want[PINYIN_COMMIT_MAX];
    util_strlcpy(want, c[2], sizeof want);
    char out[PINYIN_COMMIT_MAX];
    assert_int_equal(pinyin_select(p, 2, out, sizeof out), 1);
    assert_string_equal(out, want);

    /* The whole list for "yan" is reachable: count its pages, find 䶮 (about the
     * 79th candidate). */
    type(p, "yan");
    int pages = 1, found = -1;
    for (;;) {
        if (found < 0 && on_page(p, "䶮") >= 0)
            found = pinyin_page(p);
        if (!pinyin_page_next(p))
            break;
        pages++;
        assert_int_equal(pinyin_page(p), pages - 1);
    }
    assert_false(pinyin_has_next(p));
    assert_true(pinyin_candidates(p, c, PINYIN_PAGE_MAX) >= 1);
    print_message("      \"yan\": %d pages of 5, 䶮 on page %d\n", pages, found + 1);
    assert_true(found >= 10);
    assert_true(pages > found + 1);

    /* A new page size applies at once and starts from the first page. */
    assert_int_equal(pinyin_set_page_size(p, 8), 0);
    assert_int_equal(pinyin_page(p), 0);
    assert_int_equal(pinyin_candidates(p, c, PINYIN_PAGE_MAX), 8);
    assert_int_equal(strncmp(first, c[0], strlen(c[0])), 0);
}

static void test_reset(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    type(p, "zhangsan");
    char out[PINYIN_COMMIT_MAX];
    assert_int_equal(pinyin_select(p, on_page(p, "张"), out, sizeof out), 0);
    assert_int_equal(pinyin_page_next(p), 1);
    assert_int_equal(pinyin_set_variant(p, 1), 0);
    pinyin_reset(p);
    assert_string_equal(pinyin_preedit(p), "");
    const char *c[PINYIN_PAGE_MAX];
    assert_int_equal(pinyin_candidates(p, c, PINYIN_PAGE_MAX), 0);
    assert_int_equal(pinyin_page(p), 0);
    assert_false(pinyin_has_next(p));
    assert_int_equal(pinyin_variant(p), 0);
    assert_int_equal(pinyin_backspace(p), 0);
    /* Nothing of the half-made selection comes back, and the variant is simplified. */
    type(p, "sheng");
    assert_string_equal(pinyin_preedit(p), "sheng");
    assert_true(on_page(p, "升") >= 0);
    assert_int_equal(on_page(p, "昇"), -1);
    assert_int_equal(pinyin_commit_first(p, out, sizeof out), 1);
    assert_null(strstr(out, "张"));
}

static void test_no_learning(void **state)
{
    struct fixture *f = *state;
    struct pinyin *p = f->p;
    char before[2048], after[2048];
    type(p, "zhang");
    first_candidates(p, 30, before, sizeof before);
    const char *c[PINYIN_PAGE_MAX];
    pinyin_candidates(p, c, PINYIN_PAGE_MAX);
    char fifth[64];
    util_strlcpy(fifth, c[4], sizeof fifth);
    pinyin_reset(p);
    for (int i = 0; i < 30; i++) {
        type(p, "zhang");
        char out[PINYIN_COMMIT_MAX];
        assert_int_equal(pinyin_select(p, 4, out, sizeof out), 1);
        assert_string_equal(out, fifth);
    }
    /* Same session. */
    type(p, "zhang");
    first_candidates(p, 30, after, sizeof after);
    assert_string_equal(before, after);
    /* A new session. */
    pinyin_reset(p);
    type(p, "zhang");
    first_candidates(p, 30, after, sizeof after);
    assert_string_equal(before, after);
    /* A new engine on the same data directory. */
    pinyin_close(p);
    char err[256];
    f->p = p = pinyin_open(f->dir, err, sizeof err);
    if (!p)
        fail_msg("reopen: %s", err);
    type(p, "zhang");
    first_candidates(p, 30, after, sizeof after);
    assert_string_equal(before, after);
    /* And no user dictionary exists to learn in. */
    char path[256];
    snprintf(path, sizeof path, "%s/rime", f->dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, "userdb") || strstr(e->d_name, ".txt"))
            fail_msg("learning store %s/%s exists", path, e->d_name);
    closedir(d);
}

static void test_variant_sheng(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    type(p, "sheng");
    assert_int_equal(pinyin_variant(p), 0);
    /* The simplified schema never offers 昇, however far one pages. */
    assert_int_equal(find_paging(p, "昇", 1000), -1);
    assert_int_equal(pinyin_set_variant(p, 1), 0);
    assert_int_equal(pinyin_variant(p), 1);
    /* What was typed stays; the candidates change form and start over. */
    assert_string_equal(pinyin_preedit(p), "sheng");
    assert_int_equal(pinyin_page(p), 0);
    int i = on_page(p, "昇");
    assert_true(i >= 0);
    char out[PINYIN_COMMIT_MAX];
    assert_int_equal(pinyin_select(p, i, out, sizeof out), 1);
    assert_string_equal(out, "昇");
    /* The switch holds for the next word, and goes back. */
    type(p, "sheng");
    assert_true(on_page(p, "昇") >= 0);
    assert_int_equal(pinyin_set_variant(p, 0), 0);
    assert_int_equal(on_page(p, "昇"), -1);
    assert_true(on_page(p, "升") >= 0);
}

/* The rare name list: each character by its pinyin within MAX_PAGES pages of 5 (the
 * smallest page a screen would use), simplified mode first, else the variant. */
static void test_rare_names(void **state)
{
    struct pinyin *p = ((struct fixture *)*state)->p;
    char path[512];
    util_strlcpy(path, "assets/rare-names.txt", sizeof path);
    if (access(path, R_OK) != 0) {
        /* Run from elsewhere than the project root: find it from this file. */
        const char *src = __FILE__;
        const char *t = strstr(src, "tests/unit/");
        snprintf(path, sizeof path, "%.*sassets/rare-names.txt", t ? (int)(t - src) : 0, src);
    }
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        fail_msg("cannot read %s", path);
    assert_int_equal(pinyin_set_page_size(p, 5), 0);
    int total = 0, simp = 0;
    struct strbuf variant = {0}, missing = {0};
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char py[32], ch[32];
        if (sscanf(line, "%31s %31s", py, ch) != 2)
            fail_msg("bad line in %s: %s", path, line);
        assert_int_equal(utf8_count(ch), 1);
        total++;
        pinyin_reset(p);
        type(p, py);
        int page = find_paging(p, ch, MAX_PAGES);
        if (page >= 0) {
            simp++;
            continue;
        }
        assert_int_equal(pinyin_set_variant(p, 1), 0);
        page = find_paging(p, ch, MAX_PAGES);
        if (page >= 0) {
            strbuf_addf(&variant, " %s(%s, page %d)", ch, py, page + 1);
            char out[PINYIN_COMMIT_MAX];
            assert_int_equal(pinyin_select(p, on_page(p, ch), out, sizeof out), 1);
            assert_string_equal(out, ch);
        } else {
            strbuf_addf(&missing, " %s(%s)", ch, py);
        }
    }
    free(text);
    print_message("      %d rare characters: %d in simplified mode; variant mode for%s\n",
                  total, simp, variant.buf ? variant.buf : " none");
    if (missing.buf)
        fail_msg("unreachable within %d pages:%s", MAX_PAGES, missing.buf);
    assert_true(total >= 60);
    strbuf_free(&variant);
    strbuf_free(&missing);
}

static void test_one_engine_per_process(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    assert_null(pinyin_open(f->dir, err, sizeof err));
    assert_non_null(strstr(err, "already open"));
    /* The first engine still works. */
    type(f->p, "zhang");
    assert_true(on_page(f->p, "张") >= 0);
    /* Its compiled configuration and log live under the data directory. */
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/rime/build/luna_pinyin_simp.schema.yaml", f->dir);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/rime/log", f->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

static void test_open_bad_dir(void **state)
{
    struct fixture *f = *state;
    pinyin_close(f->p);
    f->p = NULL;
    char file[128], err[256] = "";
    snprintf(file, sizeof file, "%s/plain-file", f->dir);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_null(pinyin_open(file, err, sizeof err));
    assert_non_null(strstr(err, file));
    /* A failed open leaves the process free to open an engine properly. */
    f->p = pinyin_open(f->dir, err, sizeof err);
    if (!f->p)
        fail_msg("open after failure: %s", err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_zhang_first_candidates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zhangsan_space_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zhangsan_partial_selection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backspace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_learning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variant_sheng, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rare_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_engine_per_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_bad_dir, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
