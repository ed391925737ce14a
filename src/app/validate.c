/* validate — registration-form rules, their sentences and the personal-data masks.
 *
 * Input is whatever a touch keyboard, an input method or a scanner delivered, so each
 * rule first normalises what a person cannot see (full-width digits from a Chinese input
 * method, ideographic spaces, a dash look-alike) and only then judges what is left.
 * Everything is one pass over the bytes with fixed-size local buffers: a pasted novel is
 * rejected as quickly as a short typo, and no input, however malformed, reads past its
 * NUL (utf8_next stops at it) or writes past a caller's buffer.
 *
 * Owns nothing beyond the call.  Never does: allocate, log (a bad entry is the person's
 * business, not the operator's), or consult the clock. */
#include "app/validate.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/regions.h"
#include "core/util.h"

/* Stands for a byte that is not UTF-8, so it can travel in a code-point array and be
 * told apart from a genuine U+FFFD. */
#define CP_INVALID 0x110000u

/* The name check works on at most this many code points; anything longer is too long
 * whatever normalisation would remove (at most one space between two characters). */
#define NAME_CAP 64

/* ---- decoding and character classes ---- */

/* Next code point of *s (0 at the NUL), CP_INVALID for a byte that is not UTF-8. */
static uint32_t next_cp(const char **s)
{
    const char *p = *s;
    uint32_t c = utf8_next(s);
    if (c == 0xFFFD && *s - p == 1)
        return CP_INVALID;
    return c;
}

static int is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* Zero-width characters: invisible, so a person cannot have meant them. */
static int is_zero_width(uint32_t c)
{
    return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

static int is_blank(uint32_t c)
{
    return is_space(c) || is_zero_width(c);
}

static int is_dash(uint32_t c)
{
    return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63 ||
           c == 0xFF0D;
}

/* Full-width ASCII forms (what a Chinese input method types for ０-９, Ａ-Ｚ, －, ＋ …). */
static uint32_t fold_fullwidth(uint32_t c)
{
    return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

static int is_bad(uint32_t c)
{
    return c == CP_INVALID || c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000 ||
           (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

/* C0/C1 controls and invisible format characters (bidi overrides could make a receipt
 * read differently from what was stored). */
static int is_control(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
           (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE001F);
}

/* Emoji and pictographic symbols (Unicode Extended_Pictographic, less ©, ® and ™, which
 * employers' names do carry, plus the emoji presentation and sequence characters). */
static int is_emoji(uint32_t c)
{
    if (c >= 0x1F000 && c <= 0x1FBFF)        /* pictographs, emoticons, flags, … */
        return 1;
    if (c >= 0x2600 && c <= 0x27BF)          /* miscellaneous symbols, dingbats */
        return 1;
    if (c >= 0xE0020 && c <= 0xE007F)        /* tags (subdivision flags) */
        return 1;
    if ((c >= 0x2194 && c <= 0x2199) || (c >= 0x21A9 && c <= 0x21AA) ||
        (c >= 0x231A && c <= 0x231B) || (c >= 0x23E9 && c <= 0x23F3) ||
        (c >= 0x23F8 && c <= 0x23FA) || (c >= 0x25AA && c <= 0x25AB) ||
        (c >= 0x25FB && c <= 0x25FE) || (c >= 0x2934 && c <= 0x2935) ||
        (c >= 0x2B05 && c <= 0x2B07) || (c >= 0x2B1B && c <= 0x2B1C))
        return 1;
    switch (c) {
    case 0x203C: case 0x2049: case 0x2139: case 0x2328: case 0x2388: case 0x23CF:
    case 0x24C2: case 0x25B6: case 0x25C0: case 0x2B50: case 0x2B55: case 0x3030:
    case 0x303D: case 0x3297: case 0x3299:
    case 0xFE0F:                              /* emoji presentation selector */
    case 0x20E3:                              /* combining keycap */
        return 1;
    }
    return 0;
}

static int is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) ||   /* CJK Unified Ideographs */
           (c >= 0x3400 && c <= 0x4DBF) ||   /* Extension A (䶮) */
           (c >= 0x20000 && c <= 0x2FA1F) || /* Extensions B–F, I, compatibility supplement (𠮷) */
           (c >= 0x30000 && c <= 0x323AF) || /* Extensions G, H */
           (c >= 0xF900 && c <= 0xFAFF) ||   /* compatibility ideographs */
           c == 0x3007 || c == 0x3005;       /* 〇, 々 */
}

static int is_digit_any(uint32_t c)
{
    if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19))
        return 1;
    if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9) ||
        (c >= 0x07C0 && c <= 0x07C9) || (c >= 0x0E50 && c <= 0x0E59) ||
        (c >= 0x0ED0 && c <= 0x0ED9) || (c >= 0x0F20 && c <= 0x0F33) ||
        (c >= 0x1040 && c <= 0x1049) || (c >= 0x1810 && c <= 0x1819))
        return 1;
    /* Every Indic block keeps its digits at offsets 0x66–0x6F. */
    return c >= 0x0900 && c <= 0x0DFF && (c & 0x7F) >= 0x66 && (c & 0x7F) <= 0x6F;
}

/* Combining marks that belong to the letter before them. */
static int is_mark(uint32_t c)
{
    static const uint32_t r[][2] = {
        {0x0300, 0x036F}, {0x0483, 0x0487}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
        {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x064B, 0x065F},
        {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8},
        {0x06EA, 0x06ED}, {0x0F71, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0F97},
        {0x0F99, 0x0FBC}, {0x180B, 0x180D}, {0x18A9, 0x18A9}, {0x1AB0, 0x1AFF},
        {0x1DC0, 0x1DFF}, {0x3099, 0x309A}, {0xFE20, 0xFE2F},
    };
    for (size_t i = 0; i < ARRAY_LEN(r); i++)
        if (c >= r[i][0] && c <= r[i][1])
            return 1;
    return 0;
}

/* Letters of the scripts a name in China may be written in: Latin (pinyin, Zhuang),
 * Cyrillic, Greek, Arabic (Uyghur, Kazakh), Tibetan, Mongolian, Yi, Korean, kana,
 * Hebrew, Armenian, Georgian, Thai, the Indic scripts and every Han block. */
static int is_letter(uint32_t c)
{
    static const uint32_t r[][2] = {
        {'A', 'Z'}, {'a', 'z'}, {0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x02AF},
        {0x02BB, 0x02BB}, {0x0386, 0x0386}, {0x0388, 0x03FF}, {0x0400, 0x0481},
        {0x048A, 0x052F}, {0x0531, 0x0556}, {0x0561, 0x0587}, {0x05D0, 0x05EA},
        {0x05EF, 0x05F2}, {0x0620, 0x064A}, {0x066E, 0x066F}, {0x0671, 0x06D3},
        {0x06D5, 0x06D5}, {0x06EE, 0x06EF}, {0x06FA, 0x06FC}, {0x06FF, 0x06FF},
        {0x0750, 0x077F}, {0x0E01, 0x0E3A}, {0x0E40, 0x0E4E}, {0x0F00, 0x0F00},
        {0x0F0B, 0x0F0C}, {0x0F40, 0x0F6C}, {0x0F88, 0x0F8C}, {0x10A0, 0x10C5},
        {0x10D0, 0x10FA}, {0x10FC, 0x10FF}, {0x1100, 0x11FF}, {0x1820, 0x1878},
        {0x1880, 0x18A8}, {0x18AA, 0x18AA}, {0x1E00, 0x1EFF}, {0x3041, 0x3096},
        {0x309D, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x30FF}, {0x3131, 0x318E},
        {0x31F0, 0x31FF}, {0xA000, 0xA48C}, {0xAC00, 0xD7A3},
    };
    if (is_han(c))
        return 1;
    /* Indic blocks: letters and vowel signs; dandas (0x64–0x65) are punctuation. */
    if (c >= 0x0900 && c <= 0x0DFF)
        return (c & 0x7F) < 0x64 || (c & 0x7F) > 0x6F;
    for (size_t i = 0; i < ARRAY_LEN(r); i++)
        if (c >= r[i][0] && c <= r[i][1])
            return 1;
    return 0;
}

static int is_name_sep(uint32_t c)
{
    return c == 0x00B7 || c == '-' || c == '\'';
}

enum cls { CL_OK, CL_BAD, CL_CONTROL, CL_EMOJI };

/* What free text may not contain; CL_OK for everything else. */
static enum cls text_class(uint32_t c)
{
    if (is_bad(c))
        return CL_BAD;
    if (is_control(c))
        return CL_CONTROL;
    if (is_emoji(c))
        return CL_EMOJI;
    return CL_OK;
}

static enum validate_result cls_result(enum cls k)
{
    switch (k) {
    case CL_BAD: return VALIDATE_BAD_ENCODING;
    case CL_CONTROL: return VALIDATE_CONTROL_CHAR;
    case CL_EMOJI: return VALIDATE_EMOJI;
    default: return VALIDATE_OK;
    }
}

static int clamp_int(size_t v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

static int set_detail(int *detail, size_t v)
{
    if (detail)
        *detail = clamp_int(v);
    return 0;
}

/* ---- normalisation of codes ---- */

/* Copies in to out (n bytes, may be the same buffer: output never runs ahead of input)
 * with full-width forms and dashes folded to ASCII and blanks dropped.  Stops writing,
 * but not counting, when out is full.  Returns the number of code points kept. */
static size_t norm_code(const char *in, char *out, size_t n)
{
    size_t count = 0, w = 0;
    int full = n == 0;
    const char *p = in;
    for (;;) {
        const char *at = p;
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        if (c != CP_INVALID && is_blank(c))
            continue;
        count++;
        char ascii;
        const char *src = at;
        size_t len = (size_t)(p - at);
        if (c != CP_INVALID) {
            uint32_t m = is_dash(c) ? '-' : fold_fullwidth(c);
            if (m != c) {
                ascii = (char)m;
                src = &ascii;
                len = 1;
            }
        }
        if (!full && w + len < n) {
            memmove(out + w, src, len);
            w += len;
        } else {
            full = 1;
        }
    }
    if (n > 0)
        out[w] = 0;
    return count;
}

void validate_normalize(char *s)
{
    if (s)
        norm_code(s, s, strlen(s) + 1);
}

void validate_trim(char *s)
{
    if (!s)
        return;
    const char *p = s, *first = NULL, *end = s;
    for (;;) {
        const char *at = p;
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        if (c == CP_INVALID || !is_blank(c)) {
            if (!first)
                first = at;
            end = p;
        }
    }
    if (!first) {
        s[0] = 0;
        return;
    }
    size_t len = (size_t)(end - first);
    memmove(s, first, len);
    s[len] = 0;
}

static int is_ascii_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mdays[m - 1] + (m == 2 && leap);
}

/* 0 when y-m-d exists; otherwise -1, with *detail = YYYYMMDD when only the day is out
 * of its month (so the sentence can say which), else 0. */
static int check_ymd(int y, int m, int d, int *detail)
{
    *detail = 0;
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    if (d > days_in_month(y, m)) {
        *detail = y * 10000 + m * 100 + d;
        return -1;
    }
    return 0;
}

/* ---- 身份证号 ---- */

/* ISO 7064 MOD 11-2 over the first 17 digits, as GB 11643-1999 gives it. */
static char idcard_check_char(const char *d)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d[i] - '0') * weights[i];
    return map[sum % 11];
}

enum validate_result validate_idcard(const char *input, int today_ymd, struct idcard_info *out)
{
    struct idcard_info info;
    memset(&info, 0, sizeof info);
    char buf[80];
    size_t count = norm_code(input ? input : "", buf, sizeof buf);
    enum validate_result r = VALIDATE_OK;

    if (count == 0) {
        r = VALIDATE_EMPTY;
    } else if (count != 18) {
        r = VALIDATE_ID_LENGTH;
        info.detail = clamp_int(count);
    } else {
        if (buf[17] == 'x')
            buf[17] = 'X';
        int y = 0, m = 0, d = 0;
        if (strlen(buf) != 18 || !is_ascii_digits(buf, 17) ||
            !((buf[17] >= '0' && buf[17] <= '9') || buf[17] == 'X')) {
            r = VALIDATE_ID_CHARS;
        } else if (!regions_province(num(buf, 2))) {
            r = VALIDATE_ID_REGION;
        } else {
            y = num(buf + 6, 4);
            m = num(buf + 10, 2);
            d = num(buf + 12, 2);
            int ymd = y * 10000 + m * 100 + d;
            if (check_ymd(y, m, d, &info.detail) < 0)
                r = VALIDATE_ID_BIRTH_INVALID;
            else if (ymd < 19000101)
                r = VALIDATE_ID_BIRTH_TOO_EARLY;
            else if (ymd > today_ymd)
                r = VALIDATE_ID_BIRTH_FUTURE;
            else if (idcard_check_char(buf) != buf[17])
                r = VALIDATE_ID_CHECKSUM;
        }
        if (r == VALIDATE_OK) {
            memcpy(info.number, buf, 18);
            info.number[18] = 0;
            memcpy(info.region, buf, 6);
            info.region[6] = 0;
            info.birth_year = y;
            info.birth_month = m;
            info.birth_day = d;
            info.sex = (buf[16] - '0') % 2 ? VALIDATE_SEX_MALE : VALIDATE_SEX_FEMALE;
        }
    }
    util_wipe(buf, sizeof buf);
    if (out)
        *out = info;
    util_wipe(&info, sizeof info);
    return r;
}

/* ---- 手机号 ---- */

enum validate_result validate_phone(const char *input, char *out, size_t n, int *detail)
{
    set_detail(detail, 0);
    if (n > 0)
        out[0] = 0;
    char buf[64], digits[64];
    size_t count = norm_code(input ? input : "", buf, sizeof buf);
    if (count == 0)
        return VALIDATE_EMPTY;
    if (count > 32) {
        set_detail(detail, count);
        return VALIDATE_PHONE_LENGTH;
    }
    /* People write 138-1234-5678; the hyphens carry nothing. */
    size_t k = 0;
    for (size_t i = 0; buf[i]; i++)
        if (buf[i] != '-')
            digits[k++] = buf[i];
    digits[k] = 0;

    const char *s = digits;
    if (s[0] == '+') {
        if (s[1] != '8' || s[2] != '6')
            return VALIDATE_PHONE_NOT_MOBILE; /* a foreign number */
        s += 3;
    } else if (strncmp(s, "0086", 4) == 0) {
        s += 4;
    } else if (k == 13 && strncmp(s, "86", 2) == 0) {
        s += 2;
    }
    size_t len = strlen(s);
    if (!is_ascii_digits(s, len))
        return VALIDATE_PHONE_CHARS;
    if (len != 11) {
        set_detail(detail, len);
        return VALIDATE_PHONE_LENGTH;
    }
    if (s[0] != '1' || s[1] < '3')
        return VALIDATE_PHONE_NOT_MOBILE;
    if (n > 0)
        util_strlcpy(out, s, n);
    return VALIDATE_OK;
}

/* ---- 活动证编号 ---- */

enum validate_result validate_certno(const char *input, char *out, size_t n, int *detail)
{
    set_detail(detail, 0);
    if (n > 0)
        out[0] = 0;
    char buf[VALIDATE_CERT_MAX * 4 + 8];
    size_t count = norm_code(input ? input : "", buf, sizeof buf);
    if (count == 0)
        return VALIDATE_EMPTY;
    if (count > VALIDATE_CERT_MAX) {
        set_detail(detail, count);
        return VALIDATE_CERT_LENGTH;
    }
    for (char *p = buf; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return VALIDATE_CERT_CHARS;
    }
    if (count < VALIDATE_CERT_MIN) {
        set_detail(detail, count);
        return VALIDATE_CERT_LENGTH;
    }
    size_t len = strlen(buf);
    if (buf[0] == '-' || buf[len - 1] == '-' || strstr(buf, "--"))
        return VALIDATE_CERT_HYPHEN;
    if (n > 0)
        util_strlcpy(out, buf, n);
    return VALIDATE_OK;
}

/* ---- 姓名 ---- */

/* What a name character becomes before it is judged; 0 drops it. */
static uint32_t name_fold(uint32_t c)
{
    if (c == CP_INVALID)
        return c;
    if (is_zero_width(c))
        return 0;
    if (is_space(c))
        return ' ';
    if (is_dash(c))
        return '-';
    switch (c) {
    /* Look-alikes of the 间隔号 that input methods and keyboards offer. */
    case 0x0387: case 0x2022: case 0x2027: case 0x2219: case 0x22C5: case 0x2E31:
    case 0x30FB: case 0xFF65:
        return 0x00B7;
    case 0x2019: case 0x02BC:
        return '\'';
    case 0x3002: case 0xFF61:
        return '.';
    }
    return fold_fullwidth(c);
}

enum validate_result validate_name(const char *input, char *out, size_t n, int *detail)
{
    set_detail(detail, 0);
    if (n > 0)
        out[0] = 0;
    uint32_t a[NAME_CAP], b[NAME_CAP];
    size_t k = 0, total = 0;
    int pending_space = 0;
    const char *p = input ? input : "";

    /* Fold, trim and collapse runs of spaces in one pass, keeping at most NAME_CAP. */
    for (;;) {
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        c = name_fold(c);
        if (!c)
            continue;
        if (c == ' ') {
            pending_space = total > 0;
            continue;
        }
        if (pending_space) {
            if (k < NAME_CAP)
                a[k++] = ' ';
            total++;
            pending_space = 0;
        }
        if (k < NAME_CAP)
            a[k++] = c;
        total++;
    }
    if (total == 0)
        return VALIDATE_EMPTY;
    if (total > NAME_CAP) {
        set_detail(detail, total);
        return VALIDATE_NAME_TOO_LONG;
    }

    /* Han names have no spaces ("张 三" is 张三), and a '.' between Han is a 间隔号. */
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (a[i] == ' ' && ((i > 0 && is_han(a[i - 1])) || (i + 1 < k && is_han(a[i + 1]))))
            continue;
        b[m++] = a[i];
    }
    for (size_t i = 1; i + 1 < m; i++)
        if (b[i] == '.' && is_han(b[i - 1]) && is_han(b[i + 1]))
            b[i] = 0x00B7;
    /* "买买提 · 艾力", "Mary - Jane": the spaces round a separator go. */
    k = 0;
    for (size_t i = 0; i < m; i++) {
        if (b[i] == ' ' && ((i > 0 && is_name_sep(b[i - 1])) || (i + 1 < m && is_name_sep(b[i + 1]))))
            continue;
        a[k++] = b[i];
    }

    size_t chars = 0;
    int marks = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t c = a[i];
        enum cls t = text_class(c);
        if (t != CL_OK)
            return cls_result(t);
        if (is_digit_any(c))
            return VALIDATE_NAME_DIGIT;
        if (is_mark(c)) {
            /* A mark belongs to a letter; a pile of them is decoration, not a name. */
            if (i == 0 || !(is_letter(a[i - 1]) || is_mark(a[i - 1])) || ++marks > 4)
                return VALIDATE_NAME_SYMBOL;
            continue;
        }
        marks = 0;
        chars++;
        if (is_name_sep(c)) {
            if (i == 0 || i + 1 == k || is_name_sep(a[i - 1]))
                return VALIDATE_NAME_SEPARATOR;
        } else if (c != ' ' && !is_letter(c)) {
            return VALIDATE_NAME_SYMBOL;
        }
    }
    if (chars > VALIDATE_NAME_MAX) {
        set_detail(detail, chars);
        return VALIDATE_NAME_TOO_LONG;
    }

    char enc[NAME_CAP * 4 + 1];
    size_t len = 0;
    for (size_t i = 0; i < k; i++)
        len += (size_t)utf8_encode(a[i], enc + len);
    enc[len] = 0;
    if (n > 0)
        util_strlcpy(out, enc, n);
    util_wipe(enc, sizeof enc);
    util_wipe(a, sizeof a);
    util_wipe(b, sizeof b);
    return VALIDATE_OK;
}

/* ---- free text ---- */

enum validate_result validate_text(const char *s, int max_chars)
{
    if (!s)
        return VALIDATE_OK;
    size_t count = 0;
    const char *p = s;
    for (;;) {
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        enum cls t = text_class(c);
        if (t != CL_OK)
            return cls_result(t);
        count++;
    }
    if (count > (size_t)(max_chars < 0 ? 0 : max_chars))
        return VALIDATE_TOO_LONG;
    return VALIDATE_OK;
}

/* ---- 入党时间 ---- */

/* Reads 1–2 ASCII digits; returns how many (0 when none). */
static int read_1or2(const char **p, int *v)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return 0;
    *v = *s++ - '0';
    if (*s >= '0' && *s <= '9')
        *v = *v * 10 + (*s++ - '0');
    int got = (int)(s - *p);
    *p = s;
    return got;
}

static int eat(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return 0;
    *p += n;
    return 1;
}

/* Parses the accepted spellings; returns 0 with y, m and d (0 when absent), or -1. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    size_t len = strlen(s);
    *d = 0;
    if ((len == 6 || len == 8) && is_ascii_digits(s, len)) {
        *y = num(s, 4);
        *m = num(s + 4, 2);
        if (len == 8 && (*d = num(s + 6, 2)) == 0)
            return -1;
        return 0;
    }
    if (len < 6 || !is_ascii_digits(s, 4))
        return -1;
    *y = num(s, 4);
    const char *p = s + 4;
    if (eat(&p, "年")) {
        if (!read_1or2(&p, m) || !eat(&p, "月"))
            return -1;
        if (!*p)
            return 0;
        if (!read_1or2(&p, d) || *d == 0)
            return -1;
        if (!eat(&p, "日"))
            eat(&p, "号");
        return *p ? -1 : 0;
    }
    char sep = *p;
    if (sep != '-' && sep != '.' && sep != '/')
        return -1;
    p++;
    if (!read_1or2(&p, m))
        return -1;
    if (!*p)
        return 0;
    if (*p++ != sep || !read_1or2(&p, d) || *d == 0)
        return -1;
    return *p ? -1 : 0;
}

enum validate_result validate_join_date(const char *input, int today_ymd, char *out, size_t n,
                                        int *detail)
{
    set_detail(detail, 0);
    if (n > 0)
        out[0] = 0;
    char buf[64];
    size_t count = norm_code(input ? input : "", buf, sizeof buf);
    if (count == 0)
        return VALIDATE_EMPTY;
    int y, m, d;
    if (count > 20 || parse_date(buf, &y, &m, &d) < 0)
        return VALIDATE_DATE_FORMAT;
    int det = 0;
    if (m < 1 || m > 12 || (d && check_ymd(y, m, d, &det) < 0)) {
        if (detail)
            *detail = det;
        return VALIDATE_DATE_INVALID;
    }
    if (y * 100 + m < 192107)
        return VALIDATE_DATE_TOO_EARLY;
    if (d ? y * 10000 + m * 100 + d > today_ymd : y * 100 + m > today_ymd / 100)
        return VALIDATE_DATE_FUTURE;
    char res[VALIDATE_DATE_SIZE + 8];
    if (d)
        snprintf(res, sizeof res, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(res, sizeof res, "%04d-%02d", y, m);
    if (n > 0)
        util_strlcpy(out, res, n);
    return VALIDATE_OK;
}

/* ---- sentences ---- */

static const char *const messages[VALIDATE_RESULT_COUNT][2] = {
    [VALIDATE_OK] = {"填写正确。", "This is correct."},
    [VALIDATE_EMPTY] = {"这一项还没有填写。", "Please fill in this field."},
    [VALIDATE_TOO_LONG] = {"内容太长了，请删减一些。", "This is too long; please shorten it."},
    [VALIDATE_CONTROL_CHAR] = {"内容里有看不见的控制字符，请删掉后重新输入。",
                               "The text contains invisible control characters; please "
                               "delete it and type it again."},
    [VALIDATE_EMOJI] = {"这里不能使用表情或图形符号。",
                        "Emoji and picture symbols cannot be used here."},
    [VALIDATE_BAD_ENCODING] = {"内容里有无法识别的字符，请删掉后重新输入。",
                               "The text contains characters that cannot be read; please "
                               "delete it and type it again."},
    [VALIDATE_ID_LENGTH] = {"身份证号应为18位。", "An ID card number has 18 characters."},
    [VALIDATE_ID_CHARS] = {"身份证号只能包含数字，最后一位可以是X。",
                           "An ID card number has only digits; the last one may be X."},
    [VALIDATE_ID_REGION] = {"身份证号开头的地区代码不对，请核对前两位。",
                            "The region code at the start of the ID card number is wrong; "
                            "please check the first two digits."},
    [VALIDATE_ID_BIRTH_INVALID] = {"身份证号里的出生日期不对，请核对第7到14位。",
                                   "The date of birth in the ID card number is not a real "
                                   "date; please check digits 7 to 14."},
    [VALIDATE_ID_BIRTH_FUTURE] = {"身份证号里的出生日期晚于今天，请核对第7到14位。",
                                  "The date of birth in the ID card number is after today; "
                                  "please check digits 7 to 14."},
    [VALIDATE_ID_BIRTH_TOO_EARLY] = {"身份证号里的出生日期早于1900年，请核对第7到14位。",
                                     "The date of birth in the ID card number is before "
                                     "1900; please check digits 7 to 14."},
    [VALIDATE_ID_CHECKSUM] = {"身份证号有一位输错了。请拿出身份证，一位一位地对一遍，特别是最后一位（可能是X）。",
                              "One of the digits is wrong. Please compare the number with your "
                              "ID card digit by digit, especially the last one (it may be X)."},
    [VALIDATE_PHONE_CHARS] = {"手机号只能包含数字。", "A mobile number has only digits."},
    [VALIDATE_PHONE_LENGTH] = {"手机号应为11位。", "A mobile number has 11 digits."},
    [VALIDATE_PHONE_NOT_MOBILE] = {"这不是手机号码，手机号以13到19开头。",
                                   "This is not a mobile number; mobile numbers start with "
                                   "13 to 19."},
    [VALIDATE_CERT_CHARS] = {"活动证编号只能包含字母、数字和“-”。",
                             "The certificate number can contain only letters, digits and "
                             "\"-\"."},
    [VALIDATE_CERT_LENGTH] = {"活动证编号应为4到32位。",
                              "The certificate number has 4 to 32 characters."},
    [VALIDATE_CERT_HYPHEN] = {"活动证编号里的“-”不能在开头或结尾，也不能连着写两个。",
                              "In the certificate number, \"-\" cannot come first or last, "
                              "or twice in a row."},
    [VALIDATE_CERT_PATTERN] = {"这不是流动党员活动证的编号。",
                               "This is not an activity certificate number."},
    [VALIDATE_NAME_TOO_LONG] = {"姓名最多20个字。", "A name can have at most 20 characters."},
    [VALIDATE_NAME_DIGIT] = {"姓名里不能有数字。", "A name cannot contain digits."},
    [VALIDATE_NAME_SYMBOL] = {"姓名里只能有文字；少数民族或外国姓名中间请用“·”隔开。",
                              "A name can contain only letters; separate its parts with "
                              "\"·\" or a space."},
    [VALIDATE_NAME_SEPARATOR] = {"间隔号“·”不能在姓名的开头或结尾，也不能连着写两个。",
                                 "The separator \"·\" cannot come first or last in a name, "
                                 "or twice in a row."},
    [VALIDATE_DATE_FORMAT] = {"请按“2005-07”或“2005-07-01”的格式填写日期。",
                              "Please write the date as 2005-07 or 2005-07-01."},
    [VALIDATE_DATE_INVALID] = {"这个日期不存在，请核对。",
                               "This date does not exist; please check it."},
    [VALIDATE_DATE_FUTURE] = {"日期不能晚于今天。", "The date cannot be after today."},
    [VALIDATE_DATE_TOO_EARLY] = {"入党时间不能早于1921年7月。",
                                 "The date of joining cannot be before July 1921."},
};

const char *validate_message(enum validate_result r, int lang)
{
    int l = lang == VALIDATE_EN;
    if ((int)r < 0 || r >= VALIDATE_RESULT_COUNT || !messages[r][l])
        return l ? "Please check what you entered." : "请检查填写的内容。";
    return messages[r][l];
}

/* "2月没有30日" / "30 February", with the year when only a leap year has the day. */
static void no_such_day(int ymd, int lang, char *buf, size_t size)
{
    static const char *const months[] = {"January", "February", "March", "April", "May",
                                         "June", "July", "August", "September", "October",
                                         "November", "December"};
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (m < 1 || m > 12) {
        buf[0] = 0;
        return;
    }
    int leap_only = m == 2 && d == 29;
    if (lang == VALIDATE_EN && leap_only)
        snprintf(buf, size, "there is no %d %s in %d", d, months[m - 1], y);
    else if (lang == VALIDATE_EN)
        snprintf(buf, size, "there is no %d %s", d, months[m - 1]);
    else if (leap_only)
        snprintf(buf, size, "%d年%d月没有%d日", y, m, d);
    else
        snprintf(buf, size, "%d月没有%d日", m, d);
}

const char *validate_message_fmt(enum validate_result r, int lang, int detail, char *buf,
                                 size_t size)
{
    if (!buf || size == 0)
        return "";
    int en = lang == VALIDATE_EN;
    char day[64];
    if (detail <= 0) {
        util_strlcpy(buf, validate_message(r, lang), size);
        return buf;
    }
    switch (r) {
    case VALIDATE_ID_LENGTH:
        snprintf(buf, size, en ? "An ID card number has 18 characters; this one has %d."
                               : "身份证号应为18位，现在是%d位。", detail);
        break;
    case VALIDATE_PHONE_LENGTH:
        snprintf(buf, size, en ? "A mobile number has 11 digits; this one has %d."
                               : "手机号应为11位，现在是%d位。", detail);
        break;
    case VALIDATE_CERT_LENGTH:
        snprintf(buf, size, en ? "The certificate number has 4 to 32 characters; this one has %d."
                               : "活动证编号应为4到32位，现在是%d位。", detail);
        break;
    case VALIDATE_NAME_TOO_LONG:
        snprintf(buf, size, en ? "A name can have at most 20 characters; this one has %d."
                               : "姓名最多20个字，现在是%d个字。", detail);
        break;
    case VALIDATE_TOO_LONG:
        snprintf(buf, size, en ? "At most %d characters fit here; please shorten it."
                               : "这里最多填%d个字，请删减一些。", detail);
        break;
    case VALIDATE_ID_BIRTH_INVALID:
    case VALIDATE_DATE_INVALID:
        no_such_day(detail, lang, day, sizeof day);
        if (!day[0])
            util_strlcpy(buf, validate_message(r, lang), size);
        else if (r == VALIDATE_ID_BIRTH_INVALID)
            snprintf(buf, size, en ? "The date of birth in the ID card number does not exist "
                                     "(%s); please check digits 7 to 14."
                                   : "身份证号里的出生日期不存在（%s），请核对第7到14位。", day);
        else
            snprintf(buf, size, en ? "This date does not exist (%s); please check it."
                                   : "这个日期不存在（%s），请核对。", day);
        break;
    default:
        util_strlcpy(buf, validate_message(r, lang), size);
        break;
    }
    return buf;
}

const char *validate_sex_label(enum validate_sex sex, int lang)
{
    int en = lang == VALIDATE_EN;
    switch (sex) {
    case VALIDATE_SEX_MALE: return en ? "Male" : "男";
    case VALIDATE_SEX_FEMALE: return en ? "Female" : "女";
    default: return "";
    }
}

/* ---- masks ---- */

/* A bounded writer: `over` records that something did not fit. */
struct out {
    char *buf;
    size_t n, len;
    int over;
};

static void out_add(struct out *o, const char *s, size_t len)
{
    if (o->over || o->len + len >= o->n) {
        o->over = 1;
        return;
    }
    memcpy(o->buf + o->len, s, len);
    o->len += len;
    o->buf[o->len] = 0;
}

static void out_cp(struct out *o, uint32_t c)
{
    char enc[4];
    /* A byte that was not UTF-8 shows as U+FFFD so the mask itself stays valid text. */
    int len = utf8_encode(c == CP_INVALID ? 0xFFFD : c, enc);
    out_add(o, enc, (size_t)len);
}

static int out_finish(struct out *o)
{
    if (o->over) {
        if (o->n > 0)
            o->buf[0] = 0;
        return -1;
    }
    return 0;
}

static size_t count_cps(const char *s)
{
    size_t n = 0;
    while (next_cp(&s))
        n++;
    return n;
}

/* Keeps the first `head` and last `tail` code points of s with `stars` between; when s
 * has fewer than `min` code points the whole of it is hidden behind `stars`. */
static int mask_middle(const char *s, size_t head, size_t tail, size_t min, const char *stars,
                       char *out, size_t n)
{
    struct out o = {out, n, 0, n == 0};
    if (n > 0)
        out[0] = 0;
    if (!s)
        return out_finish(&o);
    size_t total = count_cps(s);
    if (total == 0)
        return out_finish(&o);
    if (total < min) {
        out_add(&o, stars, strlen(stars));
        return out_finish(&o);
    }
    const char *p = s;
    for (size_t i = 0; i < total; i++) {
        uint32_t c = next_cp(&p);
        if (i == head)
            out_add(&o, stars, strlen(stars));
        if (i < head || i >= total - tail)
            out_cp(&o, c);
    }
    return out_finish(&o);
}

int mask_idcard(const char *id, char *out, size_t n)
{
    return mask_middle(id, 6, 4, 11, "********", out, n);
}

int mask_phone(const char *phone, char *out, size_t n)
{
    return mask_middle(phone, 3, 4, 8, "****", out, n);
}

int mask_name(const char *name, char *out, size_t n)
{
    struct out o = {out, n, 0, n == 0};
    if (n > 0)
        out[0] = 0;
    if (!name)
        return out_finish(&o);
    const char *p = name;
    uint32_t first = 0;
    size_t rest = 0;
    for (;;) {
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        if (c != CP_INVALID && is_blank(c))
            continue;
        if (!first)
            first = c;
        else if (rest < 3)
            rest++;
    }
    if (!first)
        return out_finish(&o);
    if (rest == 0) {
        /* A one-character name shown as itself would not be masked at all. */
        out_add(&o, "*", 1);
        return out_finish(&o);
    }
    out_cp(&o, first);
    for (size_t i = 0; i < rest; i++)
        out_add(&o, "*", 1);
    return out_finish(&o);
}
