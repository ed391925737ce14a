/* validate — the rules of the registration form: 身份证号 (GB 11643-1999), mobile
 * number, activity-certificate number (活动证编号), name, free text and the date of
 * joining the Party (入党时间); the sentences that tell a person what is wrong; and
 * the masks that hide personal data on screen and on receipts.
 *
 * Every function takes arbitrary bytes (invalid UTF-8 included), never reads past the
 * terminating NUL, never allocates and keeps no state.  Work is linear in the input,
 * so a 10,000-character paste costs microseconds.  Normalised outputs go into caller
 * buffers; the caller owns and, for personal data, wipes them (util_wipe).
 *
 * Never does: know about screens, SDL or the database.  "Today" is always a parameter
 * (today_ymd, e.g. 20240615) so results do not depend on the wall clock. */
#ifndef KIOSK_VALIDATE_H
#define KIOSK_VALIDATE_H

#include <stddef.h>

/* One code per distinct thing a person must fix.  `detail` (see validate_message_fmt)
 * carries the number a sentence needs; its meaning is noted per code. */
enum validate_result {
    VALIDATE_OK = 0,
    VALIDATE_EMPTY,              /* nothing typed */
    VALIDATE_TOO_LONG,           /* free text; detail = the limit in characters */
    VALIDATE_CONTROL_CHAR,       /* tab, line break, invisible formatting character */
    VALIDATE_EMOJI,              /* emoji or pictographic symbol */
    VALIDATE_BAD_ENCODING,       /* invalid UTF-8, U+FFFD, private-use character */

    VALIDATE_ID_LENGTH,          /* detail = characters typed */
    VALIDATE_ID_CHARS,           /* not 17 digits + digit/X */
    VALIDATE_ID_REGION,          /* first two digits are no province */
    VALIDATE_ID_BIRTH_INVALID,   /* detail = YYYYMMDD when only the day is impossible */
    VALIDATE_ID_BIRTH_FUTURE,    /* born after today */
    VALIDATE_ID_BIRTH_TOO_EARLY, /* born before 1900-01-01 */
    VALIDATE_ID_CHECKSUM,        /* ISO 7064 MOD 11-2 check character wrong */

    VALIDATE_PHONE_CHARS,        /* something other than digits (after +86 and '-') */
    VALIDATE_PHONE_LENGTH,       /* detail = digits typed */
    VALIDATE_PHONE_NOT_MOBILE,   /* 11 digits but not 13x–19x */

    VALIDATE_CERT_CHARS,         /* not letters, digits and '-' */
    VALIDATE_CERT_LENGTH,        /* detail = characters typed */
    VALIDATE_CERT_HYPHEN,        /* '-' first, last or doubled */
    VALIDATE_CERT_PATTERN,       /* not what the district's certificate numbers look like
                                  * (app/certrule.h) */

    VALIDATE_NAME_TOO_LONG,      /* detail = characters typed */
    VALIDATE_NAME_DIGIT,
    VALIDATE_NAME_SYMBOL,        /* punctuation or symbol that is no name separator */
    VALIDATE_NAME_SEPARATOR,     /* '·' or '-' first, last or doubled */

    VALIDATE_DATE_FORMAT,        /* not YYYY-MM[-DD], YYYY年M月[D日], YYYY.MM … */
    VALIDATE_DATE_INVALID,       /* detail = YYYYMMDD when only the day is impossible */
    VALIDATE_DATE_FUTURE,
    VALIDATE_DATE_TOO_EARLY,     /* before 1921-07, the founding of the Party */

    VALIDATE_RESULT_COUNT
};

enum validate_lang { VALIDATE_ZH = 0, VALIDATE_EN = 1 };

/* Sexes as GB/T 2261.1 codes them. */
enum validate_sex { VALIDATE_SEX_UNKNOWN = 0, VALIDATE_SEX_MALE = 1, VALIDATE_SEX_FEMALE = 2 };

#define VALIDATE_NAME_MAX   20   /* characters */
#define VALIDATE_NAME_SIZE  260  /* bytes for a normalised name, NUL included */
#define VALIDATE_PHONE_SIZE 12
#define VALIDATE_CERT_MIN   4
#define VALIDATE_CERT_MAX   32
#define VALIDATE_CERT_SIZE  33
#define VALIDATE_DATE_SIZE  11   /* "YYYY-MM-DD" */
#define VALIDATE_MSG_SIZE   256  /* enough for any validate_message_fmt() sentence */

struct idcard_info {
    char number[19];       /* normalised: 17 digits + digit or upper-case X */
    int birth_year, birth_month, birth_day;
    enum validate_sex sex; /* from the 17th digit: odd male, even female */
    char region[7];        /* the first six digits (see regions_lookup) */
    int detail;            /* on failure: the number validate_message_fmt() wants */
};

/* In place: full-width ASCII forms (０-９, Ａ-Ｚ, ａ-ｚ, －, ＋ …) and dash look-alikes
 * become ASCII, and every space (ASCII whitespace, U+3000, NBSP, zero-width) is
 * dropped.  For codes and numbers, never for names.  Invalid bytes are kept. */
void validate_normalize(char *s);
/* In place: removes leading and trailing whitespace (the same set) only. */
void validate_trim(char *s);

/* Checks a 身份证号.  On VALIDATE_OK fills *out (may be NULL); on failure out->detail is
 * the only meaningful field.  today_ymd bounds the birth date (YYYYMMDD).
 * Checks, in the order a person can act on: length, characters, province, birth date,
 * check character.  out holds personal data: wipe it when done. */
enum validate_result validate_idcard(const char *input, int today_ymd, struct idcard_info *out);

/* Checks a mainland mobile number; accepts +86 / 0086 / 86 in front and '-' or spaces
 * inside.  On VALIDATE_OK writes the 11 digits to out (VALIDATE_PHONE_SIZE bytes).
 * detail (may be NULL) receives the count for VALIDATE_PHONE_LENGTH. */
enum validate_result validate_phone(const char *input, char *out, size_t n, int *detail);

/* Checks an activity-certificate number: letters, digits and '-', 4–32 characters,
 * upper-cased.  On VALIDATE_OK writes the normalised number to out. */
enum validate_result validate_certno(const char *input, char *out, size_t n, int *detail);

/* Checks a person's name: 1–VALIDATE_NAME_MAX letters of any script (Han including the
 * extension planes, Latin, Cyrillic, Arabic, Tibetan, Mongolian, Yi, kana, Hangul …),
 * with '·' between the parts of minority and foreign names and single spaces inside
 * Latin ones.  Full-width Latin becomes ASCII, dot look-alikes (・ • ‧ and '.' between
 * Han) become U+00B7, spaces next to Han or separators are dropped.  On VALIDATE_OK
 * writes the normalised name (at most VALIDATE_NAME_SIZE bytes) to out. */
enum validate_result validate_name(const char *input, char *out, size_t n, int *detail);

/* Checks a free-text field (原党组织, 工作单位 …) as typed: at most max_chars characters,
 * no control characters, no emoji, valid UTF-8.  Empty text is VALIDATE_OK: whether a
 * field is required is the form's decision.  Trim first (validate_trim). */
enum validate_result validate_text(const char *s, int max_chars);

/* Checks the date of joining the Party: YYYY-MM, YYYY-MM-DD, YYYY年M月[D日], YYYY.MM[.DD],
 * YYYY/MM[/DD], YYYYMM or YYYYMMDD; not after today, not before 1921-07.  On VALIDATE_OK
 * writes "YYYY-MM" or "YYYY-MM-DD" (VALIDATE_DATE_SIZE bytes) to out. */
enum validate_result validate_join_date(const char *input, int today_ymd, char *out, size_t n,
                                        int *detail);

/* The sentence for a result, without numbers; a static string, never NULL or empty.
 * lang: VALIDATE_ZH (0) or VALIDATE_EN (1); other values mean Chinese. */
const char *validate_message(enum validate_result r, int lang);
/* The same sentence with the detail put in where the code has one ("身份证号应为18位，
 * 现在是17位。"); detail <= 0 gives validate_message().  Writes to buf (size bytes,
 * VALIDATE_MSG_SIZE is enough) and returns buf, or "" when size is 0. */
const char *validate_message_fmt(enum validate_result r, int lang, int detail, char *buf,
                                 size_t size);
/* "男"/"女" or "Male"/"Female"; "" for unknown. */
const char *validate_sex_label(enum validate_sex sex, int lang);

/* Masks: return 0, or -1 when out is too small (out then holds "" if n > 0).
 * An ID keeps its first 6 and last 4 characters: 331102********1234 (fewer than 11
 * characters: "********").  A name keeps its first character and shows one '*' per
 * further character, at most three: 张* 欧*** (a one-character name: "*").  A phone
 * keeps the first 3 and last 4: 138****1234 (fewer than 8 characters: "****"). */
int mask_idcard(const char *id, char *out, size_t n);
int mask_name(const char *name, char *out, size_t n);
int mask_phone(const char *phone, char *out, size_t n);

#endif
