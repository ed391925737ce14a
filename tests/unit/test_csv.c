/* Tests for content/csv: RFC 4180 quoting, line ends, blank lines, encodings and the
 * line numbers errors are reported on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/csv.h"
#include "core/util.h"

static struct csv *open_str(const char *s)
{
    struct csv *c = NULL;
    int line = -1;
    char err[200] = "";
    int rc = csv_open_buffer(s, strlen(s), &c, &line, err, sizeof err);
    if (rc != 0)
        fail_msg("open failed on line %d: %s", line, err);
    assert_non_null(c);
    return c;
}

/* Reads the next row and checks it has exactly the n fields given. */
static void expect_row(struct csv *c, int line, size_t n, ...)
{
    struct csv_row row;
    assert_int_equal(csv_next_row(c, &row), 1);
    assert_int_equal(row.line, line);
    assert_int_equal(csv_line(c), line);
    assert_int_equal(row.n, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(row.fields[i], va_arg(ap, const char *));
    va_end(ap);
}

static void expect_end(struct csv *c)
{
    struct csv_row row;
    assert_int_equal(csv_next_row(c, &row), 0);
    assert_int_equal(row.n, 0);
    /* The end is sticky. */
    assert_int_equal(csv_next_row(c, &row), 0);
}

static void test_plain(void **state)
{
    struct csv *c = open_str("id,title\n1,Welder\n2,Cook\n");
    expect_row(c, 1, 2, "id", "title");
    expect_row(c, 2, 2, "1", "Welder");
    expect_row(c, 3, 2, "2", "Cook");
    expect_end(c);
    csv_close(c);
}

static void test_quoted_commas_and_doubled_quotes(void **state)
{
    struct csv *c = open_str("a,\"b,c\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\"\n");
    expect_row(c, 1, 3, "a", "b,c", "say \"hi\"");
    expect_row(c, 2, 2, "", "\"");
    expect_end(c);
    csv_close(c);
}

static void test_embedded_newlines_keep_line_numbers(void **state)
{
    struct csv *c = open_str("id,req\n1,\"line one\nline two\r\nline three\"\n2,x\n");
    expect_row(c, 1, 2, "id", "req");
    /* CRLF inside quotes arrives as a plain line feed. */
    expect_row(c, 2, 2, "1", "line one\nline two\nline three");
    expect_row(c, 5, 2, "2", "x");
    expect_end(c);
    csv_close(c);
}

static void test_crlf_and_last_line_without_newline(void **state)
{
    struct csv *c = open_str("a,b\r\n1,2\r\n3,4");
    expect_row(c, 1, 2, "a", "b");
    expect_row(c, 2, 2, "1", "2");
    expect_row(c, 3, 2, "3", "4");
    expect_end(c);
    csv_close(c);

    c = open_str("a\r\"q\"");
    expect_row(c, 1, 1, "a");
    expect_row(c, 2, 1, "q");
    expect_end(c);
    csv_close(c);
}

static void test_blank_lines_skipped(void **state)
{
    struct csv *c = open_str("\n\na,b\n\n\r\n1,2\n\n");
    expect_row(c, 3, 2, "a", "b");
    expect_row(c, 6, 2, "1", "2");
    expect_end(c);
    csv_close(c);
}

static void test_empty_fields(void **state)
{
    struct csv *c = open_str(",,\na,,b\n,\n");
    expect_row(c, 1, 3, "", "", "");
    expect_row(c, 2, 3, "a", "", "b");
    expect_row(c, 3, 2, "", "");
    expect_end(c);
    csv_close(c);
}

static void test_empty_input(void **state)
{
    struct csv *c = open_str("");
    expect_end(c);
    csv_close(c);
    c = open_str("\xEF\xBB\xBF");
    expect_end(c);
    csv_close(c);
}

static void test_bom_stripped(void **state)
{
    struct csv *c = open_str("\xEF\xBB\xBFid,title\n1,\xE7\x84\x8A\xE5\xB7\xA5\n");
    expect_row(c, 1, 2, "id", "title");
    expect_row(c, 2, 2, "1", "焊工");
    expect_end(c);
    csv_close(c);
}

/* Converts UTF-8 text to GB18030 with iconv; caller frees. */
static char *to_gb18030(const char *utf8, size_t *outlen)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 2 + 16, oleft = cap;
    char *out = malloc(cap), *o = out, *in = (char *)utf8;
    assert_non_null(out);
    assert_true(iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = cap - oleft;
    return out;
}

static void test_gb18030_input(void **state)
{
    const char *utf8 = "编号,岗位,单位\n1,\"电焊工,熟练\",丽水市莲都区某厂\n2,厨师,碧湖镇饭店\n";
    size_t n;
    char *gb = to_gb18030(utf8, &n);
    /* The bytes really differ from UTF-8, or the test would prove nothing. */
    assert_false(utf8_valid(gb, n));

    struct csv *c = NULL;
    int line = -1;
    char err[200];
    assert_int_equal(csv_open_buffer(gb, n, &c, &line, err, sizeof err), 0);
    expect_row(c, 1, 3, "编号", "岗位", "单位");
    expect_row(c, 2, 3, "1", "电焊工,熟练", "丽水市莲都区某厂");
    expect_row(c, 3, 3, "2", "厨师", "碧湖镇饭店");
    expect_end(c);
    csv_close(c);

    char *text = NULL;
    size_t tlen = 0;
    assert_int_equal(csv_decode(gb, n, &text, &tlen, &line, err, sizeof err), 0);
    assert_int_equal(tlen, strlen(utf8));
    assert_string_equal(text, utf8);
    free(text);
    free(gb);
}

static void test_undecodable_reports_line(void **state)
{
    /* 0xFF is neither UTF-8 nor GB18030, on line 3. */
    const char bad[] = "a,b\n1,2\n3,\xFF\n";
    struct csv *c = NULL;
    int line = -1;
    char err[200] = "";
    assert_int_equal(csv_open_buffer(bad, sizeof bad - 1, &c, &line, err, sizeof err), -1);
    assert_null(c);
    assert_int_equal(line, 3);
    assert_non_null(strstr(err, "GB18030"));

    /* GB18030 text with a broken byte further on: the GB18030 position is reported. */
    size_t n;
    char *gb = to_gb18030("名称\n电焊工\n厨师\n", &n);
    char *broken = malloc(n + 3);
    memcpy(broken, gb, n);
    memcpy(broken + n, "\x80\n", 2);
    broken[n + 2] = 0;
    assert_int_equal(csv_open_buffer(broken, n + 2, &c, &line, err, sizeof err), -1);
    assert_int_equal(line, 4);
    free(broken);
    free(gb);

    const char utf16[] = "\xFF\xFE" "a\0,\0b\0";
    assert_int_equal(csv_open_buffer(utf16, sizeof utf16 - 1, &c, &line, err, sizeof err), -1);
    assert_int_equal(line, 1);
    assert_non_null(strstr(err, "UTF-16"));
}

static void test_unterminated_quote_reports_its_line(void **state)
{
    struct csv *c = open_str("id,title\n1,ok\n2,\"never closed\nmore\nand more\n");
    struct csv_row row;
    expect_row(c, 1, 2, "id", "title");
    expect_row(c, 2, 2, "1", "ok");
    assert_int_equal(csv_next_row(c, &row), -1);
    assert_int_equal(csv_error_line(c), 3);
    assert_non_null(strstr(csv_error(c), "not closed"));
    assert_int_equal(csv_next_row(c, &row), 0);
    csv_close(c);
}

static void test_text_after_closing_quote(void **state)
{
    struct csv *c = open_str("a\n\"x\ny\"z,1\n");
    struct csv_row row;
    expect_row(c, 1, 1, "a");
    assert_int_equal(csv_next_row(c, &row), -1);
    assert_int_equal(csv_error_line(c), 3);
    csv_close(c);

    /* A stray space after the closing quote is tolerated. */
    c = open_str("\"x\" ,y\n");
    expect_row(c, 1, 2, "x", "y");
    csv_close(c);
}

static void test_quote_inside_unquoted_field_is_literal(void **state)
{
    struct csv *c = open_str("5\" pipe,b\n");
    expect_row(c, 1, 2, "5\" pipe", "b");
    expect_end(c);
    csv_close(c);
}

static void test_many_fields_and_long_row(void **state)
{
    struct strbuf sb = {0};
    for (int i = 0; i < 300; i++)
        strbuf_addf(&sb, "%s\"f%d,%d\"", i ? "," : "", i, i);
    strbuf_add(&sb, "\n");
    struct csv *c = open_str(sb.buf);
    struct csv_row row;
    assert_int_equal(csv_next_row(c, &row), 1);
    assert_int_equal(row.n, 300);
    assert_string_equal(row.fields[0], "f0,0");
    assert_string_equal(row.fields[299], "f299,299");
    expect_end(c);
    csv_close(c);
    strbuf_free(&sb);
}

static void test_open_file(void **state)
{
    char path[] = "/tmp/test_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("x,y\n1,2", f);
    fclose(f);
    struct csv *c = NULL;
    int line = -1;
    char err[200];
    assert_int_equal(csv_open_file(path, &c, &line, err, sizeof err), 0);
    expect_row(c, 1, 2, "x", "y");
    expect_row(c, 2, 2, "1", "2");
    expect_end(c);
    csv_close(c);
    remove(path);
    assert_int_equal(csv_open_file(path, &c, &line, err, sizeof err), -1);
    assert_int_equal(line, 0);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_quoted_commas_and_doubled_quotes),
        cmocka_unit_test(test_embedded_newlines_keep_line_numbers),
        cmocka_unit_test(test_crlf_and_last_line_without_newline),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_bom_stripped),
        cmocka_unit_test(test_gb18030_input),
        cmocka_unit_test(test_undecodable_reports_line),
        cmocka_unit_test(test_unterminated_quote_reports_its_line),
        cmocka_unit_test(test_text_after_closing_quote),
        cmocka_unit_test(test_quote_inside_unquoted_field_is_literal),
        cmocka_unit_test(test_many_fields_and_long_row),
        cmocka_unit_test(test_open_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
