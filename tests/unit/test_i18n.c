/* Unit test of the text catalogue (app/i18n.c, the .tsv files of assets/i18n): every entry has its
 * Chinese and its English, the English is English (no Chinese copied into its column, no
 * Chinese punctuation), both carry the same "{}" values, and every key the code under
 * src/ names exists.  The keys used are found by reading src/ itself: every string
 * literal shaped like a key (word.word…) whose first word is one the catalogue uses, and
 * the formats the code fills in ("staff.kind.%s") for each value they take.  Names of
 * the same shape that are not catalogue keys (a list's scroll state "jobs.list", a
 * #define'd file or setting name) are told apart by where they stand; a typo in a key
 * fails here, not as a raw key on a screen nobody visited in the scenarios. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "app/i18n.h"
#include "app/staffops.h"
#include "core/util.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct i18n *cat;

static int setup(void **state)
{
    (void)state;
    char err[512] = "";
    cat = i18n_load("assets/i18n", err, sizeof err);
    if (!cat)
        fprintf(stderr, "%s\n", err);
    return cat ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    i18n_free(cat);
    return 0;
}

/* Chinese characters and the CJK and full-width punctuation (，。：《》). */
static int is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* Whether s has a CJK character outside parentheses: an English text may name a
 * document by its Chinese title in brackets, "(流动党员活动证)", and nothing else. */
static int cjk_outside_parens(const char *s)
{
    int depth = 0;
    while (*s) {
        uint32_t cp = utf8_next(&s);
        if (cp == '(')
            depth++;
        else if (cp == ')' && depth > 0)
            depth--;
        else if (depth == 0 && is_cjk(cp))
            return 1;
    }
    return 0;
}

static int has_cjk(const char *s)
{
    while (*s)
        if (is_cjk(utf8_next(&s)))
            return 1;
    return 0;
}

static int has_letters(const char *s)
{
    for (; *s; s++)
        if (isalpha((unsigned char)*s))
            return 1;
    return 0;
}

static int holes(const char *s)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, "{}")); p += 2)
        n++;
    return n;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    return !*s;
}

static void test_every_entry_in_both(void **state)
{
    (void)state;
    int n = i18n_count(cat), bad = 0;
    assert_true(n > 300);
    for (int i = 0; i < n; i++) {
        const char *k = i18n_key_at(cat, i);
        const char *zh = i18n_text_at(cat, LANG_ZH, i), *en = i18n_text_at(cat, LANG_EN, i);
        /* The language switch shows the other language's name (PRODUCT.md), a
         * keyboard key its letters, and a template of values only ("{}  ·  {}") has no
         * words: texts with no Chinese of their own. */
        int neutral = !strcmp(k, "home.lang_switch") || !strcmp(k, "kbd.to_latin") ||
                      (!has_letters(zh) && !has_cjk(zh));
        const char *why = NULL;
        if (blank(zh) || blank(en))
            why = "an empty text";
        else if (!neutral && !has_cjk(zh))
            why = "no Chinese in the Chinese text";
        else if (strcmp(k, "home.lang_switch") && cjk_outside_parens(en))
            why = "Chinese in the English text";
        else if (holes(zh) != holes(en))
            why = "not the same {} in both";
        else if (!neutral && !strcmp(zh, en))
            why = "the same text in both";
        if (why) {
            fprintf(stderr, "%s: %s (%s | %s)\n", k, why, zh, en);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* ---- the keys src/ uses ------------------------------------------------------------- */

/* The first words of the catalogue's keys ("staff", "reg" …). */
static char prefixes[64][24];
static int nprefixes;

static void collect_prefixes(void)
{
    nprefixes = 0;
    for (int i = 0; i < i18n_count(cat); i++) {
        const char *k = i18n_key_at(cat, i), *dot = strchr(k, '.');
        size_t len = dot ? (size_t)(dot - k) : strlen(k);
        int seen = 0;
        for (int j = 0; j < nprefixes && !seen; j++)
            seen = strlen(prefixes[j]) == len && !strncmp(prefixes[j], k, len);
        if (!seen && nprefixes < 64 && len < sizeof prefixes[0]) {
            memcpy(prefixes[nprefixes], k, len);
            prefixes[nprefixes++][len] = 0;
        }
    }
}

/* word(.word)+ of lower-case letters, digits and '_', '%' allowed after the first dot
 * (a format).  Returns whether its first word is a catalogue prefix. */
static int key_shaped(const char *s)
{
    if (!islower((unsigned char)*s))
        return 0;
    const char *p = s;
    int dots = 0;
    for (; *p; p++) {
        if (*p == '.') {
            if (p[1] == 0 || p[1] == '.')
                return 0;
            dots++;
        } else if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
                     (*p == '%' && dots))) {
            return 0;
        }
    }
    if (!dots)
        return 0;
    size_t len = (size_t)(strchr(s, '.') - s);
    for (int i = 0; i < nprefixes; i++)
        if (strlen(prefixes[i]) == len && !strncmp(prefixes[i], s, len))
            return 1;
    return 0;
}

/* Calls whose string arguments name a widget's state or a list, not a text. */
static int widget_call(const char *fn)
{
    static const char *const calls[] = {"ui_list",        "kit_list",    "kit_card",
                                        "ui_image",       "ui_qr",       "ui_area",
                                        "ui_pressed_key", "build_services", "build_pick",
                                        "build_results"};
    for (size_t i = 0; i < ARRAY_LEN(calls); i++)
        if (!strcmp(fn, calls[i]))
            return 1;
    return 0;
}

struct scan {
    int literals;       /* key-shaped literals seen */
    int missing;
    int formats;        /* "x.%s" literals seen */
};

/* A format's values: every one must have its text. */
static void check_format(struct scan *sc, const char *file, int line, const char *fmt)
{
    static const char *const kinds[] = {"registration",    "checkin",      "job_interest",
                                        "training_signup", "consultation", "queue_ticket",
                                        "training_waitlist"};
    static const char *const pstates[] = {"printed", "pending", "failed", "none"};
    const char *const *vals = NULL;
    size_t nvals = 0;
    char buf[128];
    sc->formats++;
    if (!strcmp(fmt, "weekday.%d")) {
        for (int d = 0; d < 7; d++) {
            snprintf(buf, sizeof buf, "weekday.%d", d);
            if (!i18n_has(cat, buf)) {
                fprintf(stderr, "%s:%d: no text for %s\n", file, line, buf);
                sc->missing++;
            }
        }
        return;
    }
    if (!strcmp(fmt, "staff.pstate.%s")) {
        vals = pstates;
        nvals = ARRAY_LEN(pstates);
    } else if (!strcmp(fmt, "staff.kind.%s") || !strcmp(fmt, "receipt.ok.%s")) {
        /* The kinds of records with a receipt, and the staff screen's figures. */
        vals = kinds;
        nvals = ARRAY_LEN(kinds);
        for (int i = 0; i < STAFFOPS_KINDS && !strcmp(fmt, "staff.kind.%s"); i++) {
            snprintf(buf, sizeof buf, "staff.kind.%s", staffops_kind(i));
            if (!i18n_has(cat, buf)) {
                fprintf(stderr, "%s:%d: no text for %s\n", file, line, buf);
                sc->missing++;
            }
        }
    } else {
        /* A format this test does not know the values of: at least one text must
         * match it (list its values above to have each one checked). */
        const char *pc = strchr(fmt, '%');
        size_t pre = (size_t)(pc - fmt);
        const char *post = pc + 2;
        for (int i = 0; i < i18n_count(cat); i++) {
            const char *k = i18n_key_at(cat, i);
            size_t kl = strlen(k), sl = strlen(post);
            if (!strncmp(k, fmt, pre) && kl > pre + sl && !strcmp(k + kl - sl, post))
                return;
        }
        fprintf(stderr, "%s:%d: no text matches the key made from \"%s\"\n", file, line, fmt);
        sc->missing++;
        return;
    }
    const char *hole = strstr(fmt, "%s");
    for (size_t i = 0; i < nvals; i++) {
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(hole - fmt), fmt, vals[i], hole + 2);
        if (!i18n_has(cat, buf)) {
            fprintf(stderr, "%s:%d: no text for %s\n", file, line, buf);
            sc->missing++;
        }
    }
}

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Reads one C file: its string literals, with the call each stands in. */
static void scan_file(struct scan *sc, const char *path)
{
    size_t len;
    char *src = util_read_file(path, &len);
    assert_non_null(src);
    char calls[64][48]; /* the open calls' names, innermost last */
    int depth = 0, line = 1, in_define = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\n') {
            line++;
            if (!(i > 0 && src[i - 1] == '\\'))
                in_define = 0;
            continue;
        }
        if (c == '/' && src[i + 1] == '/') {
            while (i < len && src[i] != '\n')
                i++;
            i--;
            continue;
        }
        if (c == '/' && src[i + 1] == '*') {
            for (i += 2; i + 1 < len && !(src[i] == '*' && src[i + 1] == '/'); i++)
                if (src[i] == '\n')
                    line++;
            i++;
            continue;
        }
        if (c == '#') {
            size_t j = i + 1;
            while (src[j] == ' ' || src[j] == '\t')
                j++;
            if (!strncmp(src + j, "define", 6))
                in_define = 1;
            continue;
        }
        if (c == '\'') {
            for (i++; i < len && src[i] != '\''; i++)
                if (src[i] == '\\')
                    i++;
            continue;
        }
        if (c == '(') {
            size_t e = i;
            while (e > 0 && (src[e - 1] == ' ' || src[e - 1] == '\t'))
                e--;
            size_t b = e;
            while (b > 0 && ident_char(src[b - 1]))
                b--;
            if (depth < 64) {
                size_t n = e - b < sizeof calls[0] - 1 ? e - b : sizeof calls[0] - 1;
                memcpy(calls[depth], src + b, n);
                calls[depth][n] = 0;
            }
            depth++;
            continue;
        }
        if (c == ')' && depth > 0) {
            depth--;
            continue;
        }
        if (c != '"')
            continue;
        /* A string literal: key-shaped ones have no escapes. */
        size_t start = i + 1, j = start;
        int escaped = 0;
        while (j < len && src[j] != '"' && src[j] != '\n') {
            if (src[j] == '\\') {
                escaped = 1;
                j++;
            }
            j++;
        }
        char lit[128];
        int ok = !escaped && j - start < sizeof lit;
        if (ok) {
            memcpy(lit, src + start, j - start);
            lit[j - start] = 0;
        }
        i = j;
        if (!ok || !key_shaped(lit))
            continue;
        sc->literals++;
        if (strchr(lit, '%')) {
            check_format(sc, path, line, lit);
            continue;
        }
        if (i18n_has(cat, lit))
            continue;
        /* Not a text: a #define'd name (a setting, a file), a widget's state key
         * (.key = "…", or an argument of a list or card), a list's scroll key. */
        const char *fn = depth > 0 && depth <= 64 ? calls[depth - 1] : "";
        size_t b = start - 1;
        while (b > 0 && (src[b - 1] == ' ' || src[b - 1] == '='))
            b--;
        int dot_key = b >= 4 && !strncmp(src + b - 4, ".key", 4);
        if (in_define || dot_key || widget_call(fn))
            continue;
        fprintf(stderr,
                "%s:%d: \"%s\" is not in the catalogue (assets/i18n); if it names a "
                "list's state, add the call it stands in to widget_call()\n",
                path, line, lit);
        sc->missing++;
    }
    free(src);
}

static void scan_dir(struct scan *sc, const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) < 0)
            continue;
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode))
            scan_dir(sc, path);
        else if (n > 2 && (!strcmp(e->d_name + n - 2, ".c") || !strcmp(e->d_name + n - 2, ".h")))
            scan_file(sc, path);
    }
    closedir(d);
}

static void test_every_used_key_exists(void **state)
{
    (void)state;
    collect_prefixes();
    assert_true(nprefixes > 10);
    struct scan sc = {0};
    scan_dir(&sc, "src");
    /* The reading found the code's keys: hundreds of literals and the four formats. */
    assert_true(sc.literals > 300);
    assert_true(sc.formats >= 4);
    assert_int_equal(sc.missing, 0);
}

/* The reading itself: a key that is not there is found, a widget key is not taken for
 * one, and a format with values nobody listed fails. */
static void test_scanner_finds_a_typo(void **state)
{
    (void)state;
    collect_prefixes();
    char dir[] = "/tmp/test_i18n.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/screen.c", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("#define SOME_KEY \"staff.not_a_text\"\n"
          "static void f(void) {\n"
          "    app_t(a, \"staff.title\"); /* \"staff.in_a_comment\" */\n"
          "    kit_list(a, ui, r, \"staff.drives\", &ls, n, h, fn, ctx);\n"
          "    struct ui_opts o = {.key = \"home.corner\"};\n"
          "    app_t(a, \"staff.titel\");\n"
          "}\n",
          f);
    fclose(f);
    struct scan sc = {0};
    scan_file(&sc, path);
    assert_int_equal(sc.missing, 1); /* staff.titel */
    assert_int_equal(sc.literals, 5);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("static void g(void) { app_t(a, ui_strf(ui, \"staff.mood.%s\", m)); }\n", f);
    fclose(f);
    memset(&sc, 0, sizeof sc);
    scan_file(&sc, path);
    assert_int_equal(sc.missing, 1);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry_in_both),
        cmocka_unit_test(test_every_used_key_exists),
        cmocka_unit_test(test_scanner_finds_a_typo),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
