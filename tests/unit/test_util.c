/* Tests for core/util: UTF-8 validation reads only the bytes it is given (a sequence cut
 * off by the end of a buffer that is not NUL-terminated is invalid, and ASan would see a
 * read past it), and the other helpers' edges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "content/csv.h"
#include "core/util.h"

/* A heap copy of exactly n bytes, with nothing after it: any read beyond is an ASan
 * heap-buffer-overflow. */
static char *exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

static int valid_exact(const char *s, size_t n)
{
    char *p = exact(s, n);
    int v = utf8_valid(p, n);
    free(p);
    return v;
}

static void test_utf8_valid_cut_at_end(void **state)
{
    (void)state;
    /* 中 is E4 B8 AD: every proper prefix is invalid and must be judged from n bytes. */
    assert_true(valid_exact("\xE4\xB8\xAD", 3));
    assert_false(valid_exact("\xE4\xB8", 2));
    assert_false(valid_exact("\xE4", 1));
    assert_false(valid_exact("ab\xF0\x9F\x98", 5));
    assert_true(valid_exact("ab\xF0\x9F\x98\x80", 6));
    assert_false(valid_exact("\xC3", 1));
    /* n shorter than the string: only n bytes count. */
    assert_false(utf8_valid("\xE4\xB8\xAD", 2));
    assert_true(utf8_valid("abc\xE4\xB8\xAD", 3));
    assert_true(utf8_valid("", 0));
}

static void test_utf8_valid_forms(void **state)
{
    (void)state;
    assert_false(valid_exact("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(valid_exact("\xE0\x80\xAF", 3));     /* overlong */
    assert_false(valid_exact("\xED\xA0\x80", 3));     /* surrogate U+D800 */
    assert_false(valid_exact("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(valid_exact("\xF5\x80\x80\x80", 4));
    assert_false(valid_exact("a\0b", 3));             /* NUL */
    assert_false(valid_exact("\x80", 1));             /* lone continuation */
    assert_false(valid_exact("\xE4\x41\xAD", 3));     /* bad continuation */
    assert_true(valid_exact("\xEF\xBF\xBD", 3));      /* U+FFFD itself is a character */
    assert_true(valid_exact("\xF0\xA0\xAE\xB7", 4));  /* 𠮷 */
}

/* The path ASan found: a CSV buffer whose last line ends in the middle of a character. */
static void test_csv_buffer_cut_character(void **state)
{
    (void)state;
    const char text[] = "id,title\n1,\xE4";
    size_t n = sizeof text - 1;
    char *p = exact(text, n);
    struct csv *c = NULL;
    int line = 0;
    char err[200] = "";
    /* Not UTF-8, so it is read as GB18030, which cannot end in a lead byte either. */
    int rc = csv_open_buffer(p, n, &c, &line, err, sizeof err);
    free(p);
    if (rc == 0)
        csv_close(c);
    assert_int_equal(rc, -1);
    assert_int_equal(line, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid_cut_at_end),
        cmocka_unit_test(test_utf8_valid_forms),
        cmocka_unit_test(test_csv_buffer_cut_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
