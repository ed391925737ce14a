/* Unit test of the theme (ui/theme.c): every pair of colours the toolkit draws next to
 * each other (theme_pairs, built from the same functions draw.c paints with) has text
 * at 4.5:1 or more against what is behind it, disabled controls included, and field,
 * focus, checkbox and separator lines at 3:1 or more; focus and error differ by more
 * than colour.  A colour made lighter shows up here as the pair it breaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ui/theme.h"

#include <stdio.h>

#define MAX_PAIRS 1024

static void test_contrast_formula(void **state)
{
    (void)state;
    /* WCAG's reference points: black on white is 21:1, a colour on itself 1:1, and
     * #767676 on white the smallest grey that passes 4.5:1. */
    assert_true(theme_contrast(0x000000FF, 0xFFFFFFFF) > 20.99);
    assert_true(theme_contrast(0xB3141CFF, 0xB3141CFF) < 1.0001);
    assert_true(theme_contrast(0x767676FF, 0xFFFFFFFF) >= 4.5);
    assert_true(theme_contrast(0x777777FF, 0xFFFFFFFF) < 4.5);
}

static void test_every_pair(void **state)
{
    (void)state;
    static struct theme_pair p[MAX_PAIRS];
    int n = theme_pairs(p, MAX_PAIRS);
    assert_true(n > 100); /* labels, buttons, keys, tiles, fields, checkboxes, rows */
    assert_true(n <= MAX_PAIRS);
    int bad = 0, texts = 0, borders = 0;
    for (int i = 0; i < n; i++) {
        /* Translucent colours would need the surface under them: none is listed. */
        assert_int_equal(p[i].fg & 0xFF, 0xFF);
        assert_int_equal(p[i].bg & 0xFF, 0xFF);
        double need = p[i].kind == THEME_TEXT ? 4.5 : 3.0;
        double got = theme_contrast(p[i].fg, p[i].bg);
        texts += p[i].kind == THEME_TEXT;
        borders += p[i].kind == THEME_BORDER;
        if (got < need) {
            printf("too little contrast: %s: #%06X on #%06X is %.2f:1, needs %.1f:1\n",
                   p[i].what, (unsigned)(p[i].fg >> 8), (unsigned)(p[i].bg >> 8), got, need);
            bad++;
        }
    }
    assert_true(borders >= 20);
    assert_true(texts >= 80);
    assert_int_equal(bad, 0);
}

static void test_focus_is_not_error(void **state)
{
    (void)state;
    struct theme_look plain = theme_field(0, 0, 0), focus = theme_field(1, 0, 0),
                      error = theme_field(0, 1, 0), both = theme_field(1, 1, 0);
    /* Not colour alone: focus is the thickest border, an error has a badge, plain
     * fields neither. */
    assert_int_not_equal(focus.border, error.border);
    assert_true(focus.border_w >= error.border_w + 2);
    assert_true(error.border_w > plain.border_w);
    assert_int_not_equal(error.accent, 0);
    assert_int_equal(focus.accent, 0);
    assert_int_equal(plain.accent, 0);
    /* A field being corrected shows both. */
    assert_int_equal(both.border, focus.border);
    assert_int_equal(both.accent, error.accent);
    /* Disabled buttons are told apart from enabled ones by their fill. */
    assert_int_not_equal(theme_button(ROLE_PRIMARY, 0, 1).fill, theme_button(ROLE_PRIMARY, 0, 0).fill);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contrast_formula),
        cmocka_unit_test(test_every_pair),
        cmocka_unit_test(test_focus_is_not_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
