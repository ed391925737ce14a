/* Tests for app/validate and app/regions: the registration form's rules, the sentences a
 * person reads when an entry is wrong, the masks, and the ID region-code names.
 *
 * ID numbers are built here from a region, a birth date and a sequence number, with the
 * check character computed by this file's own copy of GB 11643's algorithm (checked
 * against the standard's published example), so no real person's number appears. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/regions.h"
#include "app/validate.h"
#include "core/util.h"

#define TODAY 20240615

/* ---- helpers ---- */

static char check_char(const char *d17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d17[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

/* region (6) + birth (8) + seq (3) + computed check character. */
static void make_id(char out[19], const char *region, const char *birth, const char *seq)
{
    snprintf(out, 19, "%s%s%s", region, birth, seq);
    assert_int_equal(strlen(out), 17);
    out[17] = check_char(out);
    out[18] = 0;
}

/* The same text with every ASCII digit and letter in its full-width form. */
static void to_fullwidth(const char *s, char *out, size_t n)
{
    size_t len = 0;
    for (; *s; s++) {
        assert_true(len + 4 < n);
        unsigned char c = (unsigned char)*s;
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
            len += (size_t)utf8_encode(c + 0xFEE0u, out + len);
        else
            out[len++] = (char)c;
    }
    out[len] = 0;
}

static char *repeat(const char *unit, size_t times)
{
    size_t u = strlen(unit);
    char *s = malloc(u * times + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    s[u * times] = 0;
    return s;
}

/* ---- 身份证号 ---- */

static void test_check_char_matches_standard_example(void **state)
{
    (void)state;
    /* The example number printed in GB 11643-1999. */
    assert_int_equal(check_char("11010519491231002"), 'X');
    struct idcard_info info;
    assert_int_equal(validate_idcard("11010519491231002X", TODAY, &info), VALIDATE_OK);
    assert_string_equal(info.number, "11010519491231002X");
    assert_string_equal(info.region, "110105");
    assert_int_equal(info.birth_year, 1949);
    assert_int_equal(info.birth_month, 12);
    assert_int_equal(info.birth_day, 31);
    assert_int_equal(info.sex, VALIDATE_SEX_FEMALE);
}

static void test_idcard_valid_built(void **state)
{
    (void)state;
    char id[19];
    struct idcard_info info;
    make_id(id, "341102", "19850315", "123");
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_OK);
    assert_string_equal(info.number, id);
    assert_string_equal(info.region, "341102");
    assert_int_equal(info.birth_year, 1985);
    assert_int_equal(info.birth_month, 3);
    assert_int_equal(info.birth_day, 15);
    /* Leap day in a leap year, and the last day that is not in the future. */
    make_id(id, "411302", "20000229", "456");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_OK);
    make_id(id, "331102", "20240615", "001");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_OK);
    make_id(id, "820000", "19900101", "001");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_OK);
}

static void test_idcard_sex(void **state)
{
    (void)state;
    char id[19];
    struct idcard_info info;
    make_id(id, "511302", "19800101", "021"); /* 17th digit 1: odd (16th even) */
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_OK);
    assert_int_equal(info.sex, VALIDATE_SEX_MALE);
    assert_string_equal(validate_sex_label(info.sex, VALIDATE_ZH), "男");
    make_id(id, "511302", "19800101", "012"); /* 17th digit 2: even (16th odd) */
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_OK);
    assert_int_equal(info.sex, VALIDATE_SEX_FEMALE);
    assert_string_equal(validate_sex_label(info.sex, VALIDATE_ZH), "女");
    assert_string_equal(validate_sex_label(VALIDATE_SEX_FEMALE, VALIDATE_EN), "Female");
    make_id(id, "511302", "19800101", "000"); /* 0 is even */
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_OK);
    assert_int_equal(info.sex, VALIDATE_SEX_FEMALE);
}

static void test_idcard_wrong_check_digit(void **state)
{
    (void)state;
    char id[19];
    make_id(id, "341102", "19850315", "123");
    char wrong = id[17] == '0' ? '1' : '0';
    id[17] = wrong;
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_CHECKSUM);
    assert_int_equal(validate_idcard("110105194912310021", TODAY, NULL), VALIDATE_ID_CHECKSUM);
    /* One mistyped digit in the middle is caught by the check character too. */
    make_id(id, "341102", "19850315", "123");
    id[15] = id[15] == '9' ? '8' : (char)(id[15] + 1);
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_CHECKSUM);
}

static void test_idcard_impossible_birth_dates(void **state)
{
    (void)state;
    char id[19], msg[VALIDATE_MSG_SIZE];
    struct idcard_info info;
    make_id(id, "341102", "19900230", "123");
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_ID_BIRTH_INVALID);
    assert_int_equal(info.detail, 19900230);
    validate_message_fmt(VALIDATE_ID_BIRTH_INVALID, VALIDATE_ZH, info.detail, msg, sizeof msg);
    assert_non_null(strstr(msg, "2月没有30日"));
    validate_message_fmt(VALIDATE_ID_BIRTH_INVALID, VALIDATE_EN, info.detail, msg, sizeof msg);
    assert_non_null(strstr(msg, "30 February"));

    make_id(id, "341102", "19900431", "123");
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_ID_BIRTH_INVALID);
    validate_message_fmt(VALIDATE_ID_BIRTH_INVALID, VALIDATE_ZH, info.detail, msg, sizeof msg);
    assert_non_null(strstr(msg, "4月没有31日"));

    /* 1900 is not a leap year; the sentence names the year. */
    make_id(id, "341102", "19000229", "123");
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_ID_BIRTH_INVALID);
    validate_message_fmt(VALIDATE_ID_BIRTH_INVALID, VALIDATE_ZH, info.detail, msg, sizeof msg);
    assert_non_null(strstr(msg, "1900年2月没有29日"));

    /* Month 13 and day 00 have no "which day" to name. */
    make_id(id, "341102", "19901301", "123");
    assert_int_equal(validate_idcard(id, TODAY, &info), VALIDATE_ID_BIRTH_INVALID);
    assert_int_equal(info.detail, 0);
    assert_string_equal(validate_message_fmt(VALIDATE_ID_BIRTH_INVALID, VALIDATE_ZH, 0, msg,
                                             sizeof msg),
                        validate_message(VALIDATE_ID_BIRTH_INVALID, VALIDATE_ZH));
    make_id(id, "341102", "19900100", "123");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_BIRTH_INVALID);
}

static void test_idcard_birth_range(void **state)
{
    (void)state;
    char id[19];
    make_id(id, "341102", "20300101", "123");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_BIRTH_FUTURE);
    make_id(id, "341102", "20240616", "123"); /* tomorrow */
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_BIRTH_FUTURE);
    assert_int_equal(validate_idcard(id, 20240616, NULL), VALIDATE_OK);
    make_id(id, "341102", "18991231", "123");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_BIRTH_TOO_EARLY);
    make_id(id, "341102", "19000101", "123");
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_OK);
}

static void test_idcard_length(void **state)
{
    (void)state;
    char id[19], msg[VALIDATE_MSG_SIZE];
    struct idcard_info info;
    make_id(id, "341102", "19850315", "123");
    char short17[18];
    memcpy(short17, id, 17);
    short17[17] = 0;
    assert_int_equal(validate_idcard(short17, TODAY, &info), VALIDATE_ID_LENGTH);
    assert_int_equal(info.detail, 17);
    validate_message_fmt(VALIDATE_ID_LENGTH, VALIDATE_ZH, info.detail, msg, sizeof msg);
    assert_string_equal(msg, "身份证号应为18位，现在是17位。");
    validate_message_fmt(VALIDATE_ID_LENGTH, VALIDATE_EN, info.detail, msg, sizeof msg);
    assert_non_null(strstr(msg, "17"));

    char long19[20];
    snprintf(long19, sizeof long19, "%s5", id);
    assert_int_equal(validate_idcard(long19, TODAY, &info), VALIDATE_ID_LENGTH);
    assert_int_equal(info.detail, 19);

    assert_int_equal(validate_idcard("", TODAY, &info), VALIDATE_EMPTY);
    assert_int_equal(validate_idcard(" \u3000 ", TODAY, &info), VALIDATE_EMPTY);
    assert_int_equal(validate_idcard(NULL, TODAY, &info), VALIDATE_EMPTY);
    /* An old 15-digit number is a length problem, counted as such. */
    assert_int_equal(validate_idcard("110105491231002", TODAY, &info), VALIDATE_ID_LENGTH);
    assert_int_equal(info.detail, 15);
    /* Counted in characters, not bytes. */
    assert_int_equal(validate_idcard("身份证", TODAY, &info), VALIDATE_ID_LENGTH);
    assert_int_equal(info.detail, 3);
}

static void test_idcard_bad_characters(void **state)
{
    (void)state;
    char id[19];
    make_id(id, "341102", "19850315", "123");
    id[8] = 'A';
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_CHARS);
    make_id(id, "341102", "19850315", "123");
    id[17] = 'Y';
    assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_CHARS);
    /* X only in the last place. */
    assert_int_equal(validate_idcard("X10105194912310021", TODAY, NULL), VALIDATE_ID_CHARS);
    /* A Chinese character among 17 digits is 18 characters, but not digits. */
    assert_int_equal(validate_idcard("1101051949123100号", TODAY, NULL), VALIDATE_ID_LENGTH);
    assert_int_equal(validate_idcard("11010519491231002号", TODAY, NULL), VALIDATE_ID_CHARS);
    assert_int_equal(validate_idcard("11010519491231002\xff", TODAY, NULL), VALIDATE_ID_CHARS);
}

static void test_idcard_normalisation(void **state)
{
    (void)state;
    char id[19], wide[128];
    struct idcard_info info;
    make_id(id, "360702", "19780808", "517");
    to_fullwidth(id, wide, sizeof wide);
    assert_int_equal(validate_idcard(wide, TODAY, &info), VALIDATE_OK);
    assert_string_equal(info.number, id);

    assert_int_equal(validate_idcard("11010519491231002x", TODAY, &info), VALIDATE_OK);
    assert_string_equal(info.number, "11010519491231002X");
    assert_int_equal(validate_idcard("11010519491231002ｘ", TODAY, &info), VALIDATE_OK);
    assert_string_equal(info.number, "11010519491231002X");

    assert_int_equal(validate_idcard(" 110105 19491231 002X ", TODAY, &info), VALIDATE_OK);
    assert_int_equal(validate_idcard("110105\u300019491231\u00a0002X\n", TODAY, &info),
                     VALIDATE_OK);
    assert_string_equal(info.number, "11010519491231002X");
}

static void test_idcard_unknown_province(void **state)
{
    (void)state;
    char id[19];
    const char *bad[] = {"991102", "001102", "201102", "721102", "831102", "551102"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        make_id(id, bad[i], "19850315", "123");
        assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_ID_REGION);
    }
    const char *good[] = {"110000", "150000", "210000", "230000", "310000", "370000",
                          "410000", "460000", "500000", "540000", "610000", "650000",
                          "710000", "810000", "820000"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        make_id(id, good[i], "19850315", "123");
        assert_int_equal(validate_idcard(id, TODAY, NULL), VALIDATE_OK);
    }
}

/* ---- 手机号 ---- */

static void test_phone(void **state)
{
    (void)state;
    char out[VALIDATE_PHONE_SIZE];
    int detail;
    assert_int_equal(validate_phone("13812345678", out, sizeof out, &detail), VALIDATE_OK);
    assert_string_equal(out, "13812345678");
    assert_int_equal(validate_phone("+86 138 1234 5678", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "13812345678");
    assert_int_equal(validate_phone("＋８６１９９１２３４５６７８", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "19912345678");
    assert_int_equal(validate_phone("8615912345678", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "15912345678");
    assert_int_equal(validate_phone("0086-138-1234-5678", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "13812345678");
    assert_int_equal(validate_phone("138-1234-5678", out, sizeof out, NULL), VALIDATE_OK);

    assert_int_equal(validate_phone("1381234567", out, sizeof out, &detail), VALIDATE_PHONE_LENGTH);
    assert_int_equal(detail, 10);
    assert_string_equal(out, "");
    assert_int_equal(validate_phone("138123456789", out, sizeof out, &detail),
                     VALIDATE_PHONE_LENGTH);
    assert_int_equal(detail, 12);
    assert_int_equal(validate_phone("12812345678", out, sizeof out, NULL),
                     VALIDATE_PHONE_NOT_MOBILE);
    assert_int_equal(validate_phone("05782123456", out, sizeof out, NULL),
                     VALIDATE_PHONE_NOT_MOBILE);
    assert_int_equal(validate_phone("+44 7700 900123", out, sizeof out, NULL),
                     VALIDATE_PHONE_NOT_MOBILE);
    assert_int_equal(validate_phone("138l2345678", out, sizeof out, NULL), VALIDATE_PHONE_CHARS);
    assert_int_equal(validate_phone("", out, sizeof out, NULL), VALIDATE_EMPTY);
    assert_int_equal(validate_phone(NULL, out, sizeof out, NULL), VALIDATE_EMPTY);

    char msg[VALIDATE_MSG_SIZE];
    validate_message_fmt(VALIDATE_PHONE_LENGTH, VALIDATE_ZH, 10, msg, sizeof msg);
    assert_string_equal(msg, "手机号应为11位，现在是10位。");
}

/* ---- 活动证编号 ---- */

static void test_certno(void **state)
{
    (void)state;
    char out[VALIDATE_CERT_SIZE];
    int detail;
    assert_int_equal(validate_certno(" ab-12 34 ", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "AB-1234");
    assert_int_equal(validate_certno("ｌｓ－２０２４－００１", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "LS-2024-001");
    assert_int_equal(validate_certno("ls\u20142024", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "LS-2024");
    assert_int_equal(validate_certno("A1B2", out, sizeof out, NULL), VALIDATE_OK);

    assert_int_equal(validate_certno("AB1", out, sizeof out, &detail), VALIDATE_CERT_LENGTH);
    assert_int_equal(detail, 3);
    char *longer = repeat("A", 33);
    assert_int_equal(validate_certno(longer, out, sizeof out, &detail), VALIDATE_CERT_LENGTH);
    assert_int_equal(detail, 33);
    longer[32] = 0;
    assert_int_equal(validate_certno(longer, out, sizeof out, NULL), VALIDATE_OK);
    assert_int_equal(strlen(out), 32);
    free(longer);

    assert_int_equal(validate_certno("-ABC", out, sizeof out, NULL), VALIDATE_CERT_HYPHEN);
    assert_int_equal(validate_certno("ABC-", out, sizeof out, NULL), VALIDATE_CERT_HYPHEN);
    assert_int_equal(validate_certno("AB--12", out, sizeof out, NULL), VALIDATE_CERT_HYPHEN);
    assert_int_equal(validate_certno("AB_12", out, sizeof out, NULL), VALIDATE_CERT_CHARS);
    assert_int_equal(validate_certno("活动证12", out, sizeof out, NULL), VALIDATE_CERT_CHARS);
    assert_int_equal(validate_certno("AB\xc3\x28" "12", out, sizeof out, NULL),
                     VALIDATE_CERT_CHARS);
    assert_string_equal(out, "");
    assert_int_equal(validate_certno("  ", out, sizeof out, NULL), VALIDATE_EMPTY);
}

/* ---- 姓名 ---- */

static enum validate_result name(const char *in, char *out)
{
    return validate_name(in, out, VALIDATE_NAME_SIZE, NULL);
}

static void test_name_ordinary(void **state)
{
    (void)state;
    char out[VALIDATE_NAME_SIZE];
    assert_int_equal(name("张三", out), VALIDATE_OK);
    assert_string_equal(out, "张三");
    assert_int_equal(name("\u3000 张 三 \u00a0", out), VALIDATE_OK);
    assert_string_equal(out, "张三");
    assert_int_equal(name("欧阳娜娜", out), VALIDATE_OK);
    assert_int_equal(name("Li  Wei", out), VALIDATE_OK);
    assert_string_equal(out, "Li Wei");
    assert_int_equal(name("Ｌｉ Ｗｅｉ", out), VALIDATE_OK);
    assert_string_equal(out, "Li Wei");
    assert_int_equal(name("Mary - Jane O\u2019Brien", out), VALIDATE_OK);
    assert_string_equal(out, "Mary-Jane O'Brien");
    assert_int_equal(name("José", out), VALIDATE_OK);
    assert_int_equal(name("Jose\u0301", out), VALIDATE_OK);
    assert_string_equal(out, "Jose\u0301");
    assert_int_equal(name("张", out), VALIDATE_OK);
}

static void test_name_minority_and_rare(void **state)
{
    (void)state;
    char out[VALIDATE_NAME_SIZE];
    assert_int_equal(name("买买提·艾力", out), VALIDATE_OK);
    assert_string_equal(out, "买买提·艾力");
    /* Look-alike dots become the 间隔号 of the ID card. */
    assert_int_equal(name("买买提・艾力", out), VALIDATE_OK);
    assert_string_equal(out, "买买提·艾力");
    assert_int_equal(name("买买提 • 艾力", out), VALIDATE_OK);
    assert_string_equal(out, "买买提·艾力");
    assert_int_equal(name("买买提.艾力", out), VALIDATE_OK);
    assert_string_equal(out, "买买提·艾力");
    assert_int_equal(name("阿卜杜热合曼·阿卜杜克力木", out), VALIDATE_OK);

    assert_int_equal(name("䶮", out), VALIDATE_OK);            /* U+4DAE, Extension A */
    assert_int_equal(name("王䶮", out), VALIDATE_OK);
    assert_string_equal(out, "王䶮");
    assert_int_equal(name("𠮷田", out), VALIDATE_OK);          /* U+20BB7, Extension B */
    assert_string_equal(out, "𠮷田");
    assert_int_equal(name("\xf0\xa0\xae\xb7", out), VALIDATE_OK);
    assert_int_equal(name("李〇", out), VALIDATE_OK);
    assert_int_equal(name("ئەخمەت", out), VALIDATE_OK);        /* Uyghur, Arabic script */
    assert_int_equal(name("བཀྲ་ཤིས", out), VALIDATE_OK);       /* Tibetan */
    assert_int_equal(name("Батор", out), VALIDATE_OK);        /* Cyrillic */
}

static void test_name_separators(void **state)
{
    (void)state;
    char out[VALIDATE_NAME_SIZE];
    assert_int_equal(name("·张三", out), VALIDATE_NAME_SEPARATOR);
    assert_int_equal(name("张三·", out), VALIDATE_NAME_SEPARATOR);
    assert_int_equal(name("买买提··艾力", out), VALIDATE_NAME_SEPARATOR);
    assert_int_equal(name("买买提·-艾力", out), VALIDATE_NAME_SEPARATOR);
    assert_int_equal(name("-Mary", out), VALIDATE_NAME_SEPARATOR);
    assert_string_equal(out, "");
}

static void test_name_rejects(void **state)
{
    (void)state;
    char out[VALIDATE_NAME_SIZE];
    assert_int_equal(name("张三😀", out), VALIDATE_EMOJI);
    assert_int_equal(name("张三\u2764\ufe0f", out), VALIDATE_EMOJI);
    assert_int_equal(name("🇨🇳", out), VALIDATE_EMOJI);
    assert_int_equal(name("张3", out), VALIDATE_NAME_DIGIT);
    assert_int_equal(name("张３", out), VALIDATE_NAME_DIGIT);
    assert_int_equal(name("Li Wei 2", out), VALIDATE_NAME_DIGIT);
    assert_int_equal(name("张@三", out), VALIDATE_NAME_SYMBOL);
    assert_int_equal(name("张三！", out), VALIDATE_NAME_SYMBOL);
    assert_int_equal(name("J.Smith", out), VALIDATE_NAME_SYMBOL);
    assert_int_equal(name("张\x01三", out), VALIDATE_CONTROL_CHAR);
    assert_int_equal(name("张\u202e三", out), VALIDATE_CONTROL_CHAR);
    assert_int_equal(name("张\xff三", out), VALIDATE_BAD_ENCODING);
    assert_int_equal(name("张\xe5\xbc", out), VALIDATE_BAD_ENCODING); /* cut sequence */
    assert_int_equal(name("张\ue000", out), VALIDATE_BAD_ENCODING);   /* private use */
    assert_int_equal(name("\u0301a", out), VALIDATE_NAME_SYMBOL);     /* mark with no letter */
    assert_int_equal(name("a\u0301\u0302\u0303\u0304\u0305\u0306", out), VALIDATE_NAME_SYMBOL);
    assert_int_equal(name("", out), VALIDATE_EMPTY);
    assert_int_equal(name(" \u3000\t", out), VALIDATE_EMPTY);
    assert_int_equal(name(NULL, out), VALIDATE_EMPTY);
    assert_string_equal(out, "");
}

static void test_name_length(void **state)
{
    (void)state;
    char out[VALIDATE_NAME_SIZE], msg[VALIDATE_MSG_SIZE];
    int detail;
    char *s = repeat("张", 20);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_OK);
    free(s);
    s = repeat("张", 21);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_NAME_TOO_LONG);
    assert_int_equal(detail, 21);
    validate_message_fmt(VALIDATE_NAME_TOO_LONG, VALIDATE_ZH, detail, msg, sizeof msg);
    assert_string_equal(msg, "姓名最多20个字，现在是21个字。");
    free(s);
    /* Spaces between Han do not count, since they are dropped. */
    s = repeat("张 ", 20);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_OK);
    assert_int_equal(utf8_count(out), 20);
    free(s);

    s = repeat("张", 10000);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_NAME_TOO_LONG);
    assert_int_equal(detail, 10000);
    assert_string_equal(out, "");
    free(s);
    s = repeat("😀", 10000);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_NAME_TOO_LONG);
    free(s);
    s = repeat("\xff", 10000);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_NAME_TOO_LONG);
    free(s);
    /* Ten thousand spaces round a short name are only spaces. */
    char *pad = repeat(" ", 10000);
    size_t plen = strlen(pad);
    s = malloc(2 * plen + 16);
    assert_non_null(s);
    snprintf(s, 2 * plen + 16, "%s张三%s", pad, pad);
    assert_int_equal(validate_name(s, out, sizeof out, &detail), VALIDATE_OK);
    assert_string_equal(out, "张三");
    free(s);
    free(pad);
}

static void test_name_small_output_buffer(void **state)
{
    (void)state;
    char out[5];
    memset(out, 'Z', sizeof out);
    assert_int_equal(validate_name("欧阳娜娜", out, sizeof out, NULL), VALIDATE_OK);
    assert_string_equal(out, "欧"); /* cut at a character boundary, terminated */
    assert_int_equal(validate_name("欧阳娜娜", NULL, 0, NULL), VALIDATE_OK);
}

/* ---- free text ---- */

static void test_text(void **state)
{
    (void)state;
    assert_int_equal(validate_text("中共丽水市莲都区紫金街道工作委员会", 50), VALIDATE_OK);
    assert_int_equal(validate_text("浙江XX®科技有限公司（丽水分公司）", 50), VALIDATE_OK);
    assert_int_equal(validate_text("", 50), VALIDATE_OK);
    assert_int_equal(validate_text(NULL, 50), VALIDATE_OK);
    assert_int_equal(validate_text("一二三四五", 5), VALIDATE_OK);
    assert_int_equal(validate_text("一二三四五六", 5), VALIDATE_TOO_LONG);
    assert_int_equal(validate_text("第一行\n第二行", 50), VALIDATE_CONTROL_CHAR);
    assert_int_equal(validate_text("单位\x7f", 50), VALIDATE_CONTROL_CHAR);
    assert_int_equal(validate_text("好单位😀", 50), VALIDATE_EMOJI);
    assert_int_equal(validate_text("五星★单位", 50), VALIDATE_EMOJI);
    assert_int_equal(validate_text("1\ufe0f\u20e3", 50), VALIDATE_EMOJI);
    assert_int_equal(validate_text("单位\xc0\xaf", 50), VALIDATE_BAD_ENCODING); /* overlong '/' */
    assert_int_equal(validate_text("单位\xed\xa0\x80", 50), VALIDATE_BAD_ENCODING); /* surrogate */

    char *s = repeat("党", 10000);
    assert_int_equal(validate_text(s, 100), VALIDATE_TOO_LONG);
    free(s);

    char msg[VALIDATE_MSG_SIZE];
    validate_message_fmt(VALIDATE_TOO_LONG, VALIDATE_ZH, 100, msg, sizeof msg);
    assert_non_null(strstr(msg, "100"));
}

static void test_normalize_and_trim(void **state)
{
    (void)state;
    char s[128];
    snprintf(s, sizeof s, "%s", "１２ ３\u3000４\u00a0５－６\u200bＸｘ");
    validate_normalize(s);
    assert_string_equal(s, "12345-6Xx");
    snprintf(s, sizeof s, "%s", "a\xff b");
    validate_normalize(s);
    assert_string_equal(s, "a\xff" "b"); /* invalid bytes are kept for the rule to reject */
    snprintf(s, sizeof s, "%s", "\u3000 张 三 \u00a0\n");
    validate_trim(s);
    assert_string_equal(s, "张 三");
    snprintf(s, sizeof s, "%s", " \u3000 ");
    validate_trim(s);
    assert_string_equal(s, "");
    validate_trim(NULL);
    validate_normalize(NULL);
}

/* ---- 入党时间 ---- */

static void test_join_date(void **state)
{
    (void)state;
    char out[VALIDATE_DATE_SIZE], msg[VALIDATE_MSG_SIZE];
    int detail;
    struct { const char *in, *want; } good[] = {
        {"2005-07", "2005-07"},     {"2005-7-1", "2005-07-01"},
        {"2005年7月", "2005-07"},   {"2005年07月01日", "2005-07-01"},
        {"2005年7月1号", "2005-07-01"}, {"2005.07", "2005-07"},
        {"2005.07.01", "2005-07-01"}, {"2005/7/1", "2005-07-01"},
        {"２００５－０７", "2005-07"}, {" 2005 年 7 月 ", "2005-07"},
        {"200507", "2005-07"},      {"20050701", "2005-07-01"},
        {"1921-07", "1921-07"},     {"2024-06", "2024-06"},
        {"2024-06-15", "2024-06-15"}, {"2004-02-29", "2004-02-29"},
    };
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        assert_int_equal(validate_join_date(good[i].in, TODAY, out, sizeof out, NULL),
                         VALIDATE_OK);
        assert_string_equal(out, good[i].want);
    }
    assert_int_equal(validate_join_date("2005-02-30", TODAY, out, sizeof out, &detail),
                     VALIDATE_DATE_INVALID);
    assert_int_equal(detail, 20050230);
    validate_message_fmt(VALIDATE_DATE_INVALID, VALIDATE_ZH, detail, msg, sizeof msg);
    assert_non_null(strstr(msg, "2月没有30日"));
    assert_int_equal(validate_join_date("2005-13", TODAY, out, sizeof out, &detail),
                     VALIDATE_DATE_INVALID);
    assert_int_equal(detail, 0);
    assert_int_equal(validate_join_date("2005-00", TODAY, out, sizeof out, NULL),
                     VALIDATE_DATE_INVALID);
    assert_int_equal(validate_join_date("1921-06", TODAY, out, sizeof out, NULL),
                     VALIDATE_DATE_TOO_EARLY);
    assert_int_equal(validate_join_date("1921-06-30", TODAY, out, sizeof out, NULL),
                     VALIDATE_DATE_TOO_EARLY);
    assert_int_equal(validate_join_date("2024-07", TODAY, out, sizeof out, NULL),
                     VALIDATE_DATE_FUTURE);
    assert_int_equal(validate_join_date("2024-06-16", TODAY, out, sizeof out, NULL),
                     VALIDATE_DATE_FUTURE);
    const char *bad[] = {"2005", "July 2005", "2005-07.01", "05-07", "2005-07-", "2005年7",
                         "2005年7月1日下午", "20050700", "2005-123", "2005--07"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_int_equal(validate_join_date(bad[i], TODAY, out, sizeof out, NULL),
                         VALIDATE_DATE_FORMAT);
    assert_string_equal(out, "");
    assert_int_equal(validate_join_date("", TODAY, out, sizeof out, NULL), VALIDATE_EMPTY);
}

/* ---- masks ---- */

static void test_masks(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(mask_idcard("33110219850315123X", out, sizeof out), 0);
    assert_string_equal(out, "331102********123X");
    assert_int_equal(mask_idcard("1234", out, sizeof out), 0);
    assert_string_equal(out, "********");
    assert_int_equal(mask_name("张三", out, sizeof out), 0);
    assert_string_equal(out, "张*");
    assert_int_equal(mask_name("张小明", out, sizeof out), 0);
    assert_string_equal(out, "张**");
    assert_int_equal(mask_name("欧阳娜娜", out, sizeof out), 0);
    assert_string_equal(out, "欧***");
    assert_int_equal(mask_name("买买提·艾力", out, sizeof out), 0);
    assert_string_equal(out, "买***");
    assert_int_equal(mask_name("Li Wei", out, sizeof out), 0);
    assert_string_equal(out, "L***");
    assert_int_equal(mask_name("𠮷田", out, sizeof out), 0);
    assert_string_equal(out, "𠮷*");
    assert_int_equal(mask_name("张", out, sizeof out), 0);
    assert_string_equal(out, "*");
    assert_int_equal(mask_name("", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(mask_phone("13812341234", out, sizeof out), 0);
    assert_string_equal(out, "138****1234");
    assert_int_equal(mask_phone("123", out, sizeof out), 0);
    assert_string_equal(out, "****");

    /* Too small: nothing half-written. */
    char tiny[8];
    assert_int_equal(mask_idcard("33110219850315123X", tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "");
    assert_int_equal(mask_phone("13812341234", tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "");
    assert_int_equal(mask_name("欧阳娜娜", tiny, 4), -1);
    assert_string_equal(tiny, "");
    assert_int_equal(mask_name("张三", tiny, 0), -1);

    /* Invalid bytes come out as U+FFFD, so the mask is still valid text. */
    assert_int_equal(mask_name("\xff\xfe", out, sizeof out), 0);
    assert_true(utf8_valid(out, strlen(out)));
    assert_string_equal(out, "\ufffd*");
    assert_int_equal(mask_idcard("\xff" "3110219850315123\xfe", out, sizeof out), 0);
    assert_true(utf8_valid(out, strlen(out)));
}

/* ---- sentences ---- */

static void test_every_message_in_both_languages(void **state)
{
    (void)state;
    char buf[VALIDATE_MSG_SIZE];
    for (int r = 0; r < VALIDATE_RESULT_COUNT; r++) {
        const char *zh = validate_message((enum validate_result)r, VALIDATE_ZH);
        const char *en = validate_message((enum validate_result)r, VALIDATE_EN);
        assert_non_null(zh);
        assert_non_null(en);
        assert_true(strlen(zh) > 3);
        assert_true(strlen(en) > 3);
        assert_string_not_equal(zh, en);
        assert_true(utf8_valid(zh, strlen(zh)));
        /* The Chinese sentence is Chinese, the English one starts with a capital. */
        assert_true((unsigned char)zh[0] >= 0x80);
        assert_true(en[0] >= 'A' && en[0] <= 'Z');
        const int details[] = {0, 1, 17, 20050230, -5};
        for (size_t i = 0; i < ARRAY_LEN(details); i++) {
            for (int lang = 0; lang < 2; lang++) {
                const char *m = validate_message_fmt((enum validate_result)r, lang, details[i],
                                                     buf, sizeof buf);
                assert_ptr_equal(m, buf);
                assert_true(strlen(m) > 3);
                assert_true(utf8_valid(m, strlen(m)));
            }
        }
    }
    /* Out-of-range codes and languages still give a sentence. */
    assert_true(strlen(validate_message(VALIDATE_RESULT_COUNT, VALIDATE_ZH)) > 0);
    assert_true(strlen(validate_message((enum validate_result)-1, VALIDATE_EN)) > 0);
    assert_string_equal(validate_message(VALIDATE_ID_CHECKSUM, 7),
                        validate_message(VALIDATE_ID_CHECKSUM, VALIDATE_ZH));
    assert_string_equal(validate_message(VALIDATE_ID_CHARS, VALIDATE_ZH),
                        "身份证号只能包含数字，最后一位可以是X。");
    /* A short buffer gets a cut, terminated, valid sentence. */
    char small[10];
    validate_message_fmt(VALIDATE_ID_LENGTH, VALIDATE_ZH, 17, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
    assert_true(utf8_valid(small, strlen(small)));
    assert_string_equal(validate_message_fmt(VALIDATE_OK, 0, 0, small, 0), "");
}

/* ---- regions ---- */

static void expect_region(const char *code, int want_ret, const char *want)
{
    char out[REGIONS_NAME_SIZE];
    int ret = regions_lookup(code, out, sizeof out);
    if (ret != want_ret || strcmp(out, want) != 0)
        fail_msg("regions_lookup(%s) = %d \"%s\", want %d \"%s\"", code ? code : "NULL", ret,
                 out, want_ret, want);
}

static void test_regions_provinces(void **state)
{
    (void)state;
    int n = 0;
    for (int c = 0; c < 120; c++)
        if (regions_province(c))
            n++;
    assert_int_equal(n, 34);
    assert_string_equal(regions_province(33), "浙江省");
    assert_string_equal(regions_province(45), "广西壮族自治区");
    assert_string_equal(regions_province(82), "澳门特别行政区");
    assert_null(regions_province(99));
    assert_null(regions_province(-1));
}

static void test_regions_cities(void **state)
{
    (void)state;
    expect_region("341102", 2, "安徽省滁州市");
    expect_region("340104", 2, "安徽省合肥市");
    expect_region("411302", 2, "河南省南阳市");
    expect_region("511302", 2, "四川省南充市");
    expect_region("331102", 2, "浙江省丽水市");
    expect_region("332501", 2, "浙江省丽水地区"); /* before 2000 */
    expect_region("522401", 2, "贵州省毕节地区");
    expect_region("360702", 2, "江西省赣州市");
    expect_region("420602", 2, "湖北省襄阳市");
    expect_region("433101", 2, "湖南省湘西土家族苗族自治州");
    expect_region("532901", 2, "云南省大理白族自治州");
    expect_region("450102", 2, "广西壮族自治区南宁市");
    expect_region("350583", 2, "福建省泉州市");
    expect_region("320482", 2, "江苏省常州市");
    expect_region("370829", 2, "山东省济宁市");
    expect_region("622901", 2, "甘肃省临夏回族自治州");
    expect_region("610402", 2, "陕西省咸阳市");
    expect_region("520203", 2, "贵州省六盘水市");
    expect_region("419001", 2, "河南省济源市");
    expect_region("429004", 2, "湖北省仙桃市");
    expect_region("510212", 2, "重庆市"); /* 四川省重庆市 until 1997 */
    expect_region("3411", 2, "安徽省滁州市");

    /* Every prefecture of the provinces that send most workers to Zhejiang starts at 01. */
    const char *first[] = {"340100", "360100", "410100", "420100", "430100", "520100",
                           "510100", "530100", "450100", "350100", "320100", "330100",
                           "370100", "620100", "610100"};
    char out[REGIONS_NAME_SIZE];
    for (size_t i = 0; i < ARRAY_LEN(first); i++)
        assert_int_equal(regions_lookup(first[i], out, sizeof out), 2);
    /* … and the whole run of current codes resolves. */
    int anhui[] = {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18};
    for (size_t i = 0; i < ARRAY_LEN(anhui); i++) {
        char code[24];
        snprintf(code, sizeof code, "34%02d00", anhui[i]);
        assert_int_equal(regions_lookup(code, out, sizeof out), 2);
        assert_memory_equal(out, "安徽省", strlen("安徽省"));
    }
    for (int c = 1; c <= 17; c++) {
        char code[24];
        snprintf(code, sizeof code, "41%02d21", c);
        assert_int_equal(regions_lookup(code, out, sizeof out), 2);
    }
}

static void test_regions_province_only_and_unknown(void **state)
{
    (void)state;
    expect_region("110105", 1, "北京市");
    expect_region("500101", 1, "重庆市");
    expect_region("310115", 1, "上海市");
    expect_region("349901", 1, "安徽省");   /* no such city: the province is still right */
    expect_region("419099", 1, "河南省");   /* a county under the province we do not know */
    expect_region("710000", 1, "台湾省");
    expect_region("34", 1, "安徽省");
    expect_region("990000", 0, "");
    expect_region("721102", 0, "");
    expect_region("3", 0, "");
    expect_region("", 0, "");
    expect_region("ab1234", 0, "");
    expect_region(NULL, 0, "");

    char small[8];
    assert_int_equal(regions_lookup("341102", small, sizeof small), 2);
    assert_string_equal(small, "安徽"); /* cut at a character boundary */
    assert_int_equal(regions_lookup("341102", NULL, 0), 2);
}

/* ---- robustness ---- */

/* Deterministic pseudo-random bytes (no clock), biased towards UTF-8 lead and
 * continuation bytes, fed to every entry point; the sanitizer build is the judge. */
static void test_arbitrary_bytes(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    const char *pieces[] = {"\xe5", "\xbc\xa0", "\xf0\x9f", "\x98\x80", "\xef\xbc\x91", "X",
                            "1", "-", " ", "\xe3\x80\x80", "\xc2\xb7", "\xff", "\x80", "年"};
    for (int round = 0; round < 3000; round++) {
        char s[96];
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t parts = (seed >> 16) % 24;
        for (size_t i = 0; i < parts; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned v = seed >> 16;
            if (v % 3 == 0) {
                s[len++] = (char)(1 + v % 255);
            } else {
                const char *p = pieces[v % ARRAY_LEN(pieces)];
                size_t pl = strlen(p);
                if (len + pl >= sizeof s - 1)
                    break;
                memcpy(s + len, p, pl);
                len += pl;
            }
            if (len >= sizeof s - 5)
                break;
        }
        s[len] = 0;

        struct idcard_info info;
        char out[VALIDATE_NAME_SIZE], msg[VALIDATE_MSG_SIZE];
        int detail = 0;
        enum validate_result r = validate_idcard(s, TODAY, &info);
        validate_message_fmt(r, round & 1, info.detail, msg, sizeof msg);
        assert_true(utf8_valid(msg, strlen(msg)));
        if (r == VALIDATE_OK)
            assert_int_equal(strlen(info.number), 18);
        r = validate_phone(s, out, VALIDATE_PHONE_SIZE, &detail);
        if (r == VALIDATE_OK)
            assert_int_equal(strlen(out), 11);
        validate_certno(s, out, VALIDATE_CERT_SIZE, &detail);
        r = validate_name(s, out, sizeof out, &detail);
        if (r == VALIDATE_OK) {
            assert_true(utf8_valid(out, strlen(out)));
            assert_true(utf8_count(out) <= 3 * VALIDATE_NAME_MAX);
        }
        validate_text(s, 10);
        validate_join_date(s, TODAY, out, VALIDATE_DATE_SIZE, &detail);
        mask_idcard(s, out, 32);
        assert_true(utf8_valid(out, strlen(out)));
        mask_name(s, out, 16);
        assert_true(utf8_valid(out, strlen(out)));
        mask_phone(s, out, 16);
        assert_true(utf8_valid(out, strlen(out)));
        regions_lookup(s, out, 16);
        char copy[96];
        memcpy(copy, s, len + 1);
        validate_normalize(copy);
        assert_true(strlen(copy) <= len);
        memcpy(copy, s, len + 1);
        validate_trim(copy);
        assert_true(strlen(copy) <= len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_char_matches_standard_example),
        cmocka_unit_test(test_idcard_valid_built),
        cmocka_unit_test(test_idcard_sex),
        cmocka_unit_test(test_idcard_wrong_check_digit),
        cmocka_unit_test(test_idcard_impossible_birth_dates),
        cmocka_unit_test(test_idcard_birth_range),
        cmocka_unit_test(test_idcard_length),
        cmocka_unit_test(test_idcard_bad_characters),
        cmocka_unit_test(test_idcard_normalisation),
        cmocka_unit_test(test_idcard_unknown_province),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_certno),
        cmocka_unit_test(test_name_ordinary),
        cmocka_unit_test(test_name_minority_and_rare),
        cmocka_unit_test(test_name_separators),
        cmocka_unit_test(test_name_rejects),
        cmocka_unit_test(test_name_length),
        cmocka_unit_test(test_name_small_output_buffer),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_normalize_and_trim),
        cmocka_unit_test(test_join_date),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_every_message_in_both_languages),
        cmocka_unit_test(test_regions_provinces),
        cmocka_unit_test(test_regions_cities),
        cmocka_unit_test(test_regions_province_only_and_unknown),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
