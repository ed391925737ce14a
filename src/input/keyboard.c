/* keyboard — see keyboard.h.  Layouts are static tables of rows; a row is laid out in
 * units (a letter key is one unit) and centred, so every layout keeps the letter keys
 * the same size.  The pinyin layout reserves its candidate bar even while nothing is
 * being typed, so the keys never jump when the first letter is pressed. */
#include "input/keyboard.h"

#include "core/util.h"
#include "input/handwriting.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAD 16          /* inside the keyboard's panel */
#define GAP 10          /* between keys */
#define KEY_H_MAX 124   /* px; a letter key is 85–100 px wide on the halls' screens */
#define KEY_H_MIN 84
#define CAND_H 96
#define CAND_MIN_W 104
#define NAV_W 150
#define PAD_KEY_W_MAX 220
#define PAD_KEY_H_MAX 150

enum page { PAGE_PINYIN, PAGE_LATIN, PAGE_SYMBOLS, PAGE_CODE, PAGE_PAD, PAGE_HAND };

/* The writing pad's key for ui_ink / ui_take_ink. */
#define HAND_KEY "kbd.pad"

enum op {
    OP_END,      /* row terminator */
    OP_CHAR,     /* types its text */
    OP_SPACE,
    OP_DEL,
    OP_NEXT,
    OP_SYMBOLS,  /* to the digits and punctuation page */
    OP_LETTERS,  /* back to the letters (pinyin or Latin, whichever was up) */
    OP_LANG,     /* pinyin <-> Latin */
    OP_VARIANT,  /* simplified <-> unsimplified candidates */
    OP_HAND,     /* the writing pad instead of the letters */
    OP_PINYIN,   /* from the pad back to pinyin */
    OP_REWRITE,  /* wipes the pad */
};

struct keydef {
    enum op op;
    const char *s;   /* OP_CHAR: the character; otherwise a catalogue key */
    int tenths;      /* width in tenths of a letter key */
};

#define CH(c) {OP_CHAR, c, 10}
#define ROW_END {OP_END, NULL, 0}

static const struct keydef row_qp[] = {CH("q"), CH("w"), CH("e"), CH("r"), CH("t"), CH("y"),
                                       CH("u"), CH("i"), CH("o"), CH("p"), ROW_END};
static const struct keydef row_al[] = {CH("a"), CH("s"), CH("d"), CH("f"), CH("g"),
                                       CH("h"), CH("j"), CH("k"), CH("l"), ROW_END};
static const struct keydef row_zm_dot[] = {CH("·"), CH("z"), CH("x"), CH("c"), CH("v"),
                                           CH("b"), CH("n"), CH("m"), {OP_DEL, "kbd.delete", 20},
                                           ROW_END};
static const struct keydef row_zm_dash[] = {CH("-"), CH("z"), CH("x"), CH("c"), CH("v"),
                                            CH("b"), CH("n"), CH("m"), {OP_DEL, "kbd.delete", 20},
                                            ROW_END};
static const struct keydef row_digits[] = {CH("1"), CH("2"), CH("3"), CH("4"), CH("5"), CH("6"),
                                           CH("7"), CH("8"), CH("9"), CH("0"), ROW_END};
static const struct keydef row_pinyin_bottom[] = {
    {OP_SYMBOLS, "kbd.symbols", 13}, {OP_LANG, "kbd.to_latin", 13},
    {OP_HAND, "kbd.hand", 15}, {OP_VARIANT, "kbd.variant", 15}, {OP_SPACE, "kbd.space", 20},
    CH("-"), {OP_NEXT, "kbd.next_field", 14}, ROW_END};
/* Under the writing pad. */
static const struct keydef row_hand_bottom[] = {
    {OP_PINYIN, "kbd.to_pinyin", 25}, {OP_REWRITE, "kbd.rewrite", 25},
    {OP_DEL, "kbd.delete", 25}, {OP_NEXT, "kbd.next_field", 25}, ROW_END};
static const struct keydef row_latin_bottom[] = {
    {OP_SYMBOLS, "kbd.symbols", 15}, {OP_LANG, "kbd.to_pinyin", 15},
    {OP_SPACE, "kbd.space", 45}, CH("-"), {OP_NEXT, "kbd.next_field", 15}, ROW_END};
static const struct keydef row_sym2[] = {CH("·"), CH("-"), CH("("), CH(")"), CH("/"),
                                         CH("#"), CH(","), CH("."), CH(":"), ROW_END};
static const struct keydef row_sym3[] = {CH("，"), CH("。"), CH("、"), CH("'"), CH("@"),
                                         CH("&"), CH("+"), CH("_"), {OP_DEL, "kbd.delete", 20},
                                         ROW_END};
static const struct keydef row_sym_bottom[] = {
    {OP_LETTERS, "kbd.letters", 20}, {OP_SPACE, "kbd.space", 60},
    {OP_NEXT, "kbd.next_field", 20}, ROW_END};
static const struct keydef row_code_bottom[] = {{OP_NEXT, "kbd.next_field", 30}, ROW_END};

static const struct keydef *const rows_pinyin[] = {row_qp, row_al, row_zm_dot,
                                                   row_pinyin_bottom, NULL};
static const struct keydef *const rows_latin[] = {row_qp, row_al, row_zm_dot, row_latin_bottom,
                                                  NULL};
static const struct keydef *const rows_symbols[] = {row_digits, row_sym2, row_sym3,
                                                    row_sym_bottom, NULL};
static const struct keydef *const rows_code[] = {row_digits, row_qp, row_al, row_zm_dash,
                                                 row_code_bottom, NULL};

struct kbd {
    struct pinyin *py;       /* borrowed; NULL: no Chinese input */
    struct hw **hw_slot;     /* where the process's recogniser is (opened on the first
                              * 手写); NULL: no writing pad */
    struct hw *hw;           /* *hw_slot once opened */
    int hand;                /* the person chose the pad: Chinese fields open with it */
    SDL_Rect pad_r;          /* where the pad is on screen, as last laid out */
    kbd_text_fn tr;
    void *tr_ctx;
    enum kbd_kind kind;
    enum page page;
    enum page letters;       /* PAGE_PINYIN or PAGE_LATIN: where OP_LETTERS returns */
    int page_size;           /* candidates per page as last laid out */
    int latin_run;           /* a hardware capital began a Latin word on the pinyin page */
    struct fit {             /* text sizes that fit the word keys, remembered */
        const char *text;
        int w, px, size, lines; /* px: the large-text flag it was measured for */
    } fit[24];
    int nfit;
};

static const char *tr(const struct kbd *k, const char *key)
{
    return k->tr ? k->tr(k->tr_ctx, key) : key;
}

struct pinyin *kbd_engine(struct pinyin **slot, const char *data_dir)
{
    if (*slot)
        return *slot;
    char err[512];
    *slot = pinyin_open(data_dir, err, sizeof err);
    if (!*slot)
        fprintf(stderr, "keyboard: no Chinese input, Latin letters only: %s\n", err);
    return *slot;
}

static enum page first_page(const struct kbd *k)
{
    switch (k->kind) {
    case KBD_TEXT: return k->hand && k->hw ? PAGE_HAND : k->py ? PAGE_PINYIN : PAGE_LATIN;
    case KBD_CODE: return PAGE_CODE;
    default: return PAGE_PAD;
    }
}

struct kbd *kbd_create(struct pinyin *py, kbd_text_fn trf, void *ctx)
{
    struct kbd *k = calloc(1, sizeof *k);
    if (!k)
        abort();
    k->py = py;
    k->tr = trf;
    k->tr_ctx = ctx;
    k->kind = KBD_TEXT;
    k->page = k->letters = first_page(k);
    return k;
}

void kbd_use_handwriting(struct kbd *k, struct hw **slot)
{
    k->hw_slot = slot;
    k->hw = slot ? *slot : NULL;
}

void kbd_destroy(struct kbd *k)
{
    if (!k)
        return;
    if (k->py)
        pinyin_reset(k->py);
    if (k->hw)
        hw_clear(k->hw);
    free(k);
}

/* The recogniser, opened on the first 手写 of the process.  NULL when it cannot be
 * (logged once per keyboard; the pad's key then stays greyed). */
static struct hw *hand_engine(struct kbd *k)
{
    if (k->hw || !k->hw_slot)
        return k->hw;
    if (!*k->hw_slot) {
        char err[512];
        *k->hw_slot = hw_open(NULL, err, sizeof err);
        if (!*k->hw_slot) {
            fprintf(stderr, "keyboard: no handwriting: %s\n", err);
            k->hw_slot = NULL;
        }
    }
    k->hw = k->hw_slot ? *k->hw_slot : NULL;
    return k->hw;
}

int kbd_composing(const struct kbd *k)
{
    return k->py && k->page == PAGE_PINYIN && pinyin_preedit(k->py)[0] != 0;
}

void kbd_set_kind(struct kbd *k, enum kbd_kind kind)
{
    /* Half-typed pinyin belongs to the field that was left; carrying it into the next
     * one would put characters where the person did not mean them. */
    if (kbd_composing(k))
        pinyin_reset(k->py);
    if (k->hw)
        hw_clear(k->hw); /* strokes too */
    k->kind = kind;
    k->latin_run = 0;
    k->page = first_page(k);
    k->letters = k->page == PAGE_PINYIN ? PAGE_PINYIN : PAGE_LATIN;
}

enum kbd_kind kbd_get_kind(const struct kbd *k) { return k->kind; }

void kbd_reset(struct kbd *k)
{
    k->latin_run = 0;
    k->hand = 0;
    if (k->py)
        pinyin_reset(k->py);
    if (k->hw)
        hw_clear(k->hw);
    k->page = first_page(k);
    k->letters = k->page == PAGE_PINYIN ? PAGE_PINYIN : PAGE_LATIN;
}

/* ---- actions -------------------------------------------------------------------- */

static void act_append(struct kbd_action *act, const char *s)
{
    size_t have = strlen(act->text);
    util_strlcpy(act->text + have, s, sizeof act->text - have);
}

/* Commits the first candidate of the composition into act.  0 when more pinyin is left
 * (a partial selection), 1 when the whole composition went into act. */
static int commit_first(struct kbd *k, struct kbd_action *act)
{
    char buf[PINYIN_COMMIT_MAX];
    int rc = pinyin_commit_first(k->py, buf, sizeof buf);
    if (rc == 1)
        act_append(act, buf);
    util_wipe(buf, sizeof buf);
    return rc == 1;
}

/* Finishes whatever pinyin is open, as the space bar would, so that a punctuation key
 * or the next field never loses what was typed.  Long pinyin may take several
 * selections. */
static void finish_composition(struct kbd *k, struct kbd_action *act)
{
    for (int guard = 0; guard < PINYIN_INPUT_MAX && kbd_composing(k); guard++) {
        char buf[PINYIN_COMMIT_MAX];
        int rc = pinyin_commit_first(k->py, buf, sizeof buf);
        if (rc == 1)
            act_append(act, buf);
        util_wipe(buf, sizeof buf);
        if (rc < 0)
            break;
    }
    /* Pinyin without any candidate cannot be finished: it goes, rather than staying
     * behind for the next field. */
    if (kbd_composing(k))
        pinyin_reset(k->py);
}

static int has_action(const struct kbd_action *act)
{
    return act->text[0] || act->del || act->next;
}

/* One character key, from the screen or from the hardware keyboard. */
static void type_char(struct kbd *k, const char *s, struct kbd_action *act)
{
    if (k->page == PAGE_PINYIN && k->py) {
        char c = s[0];
        if (c >= 'a' && c <= 'z' && s[1] == 0 && !k->latin_run) {
            /* A letter no pinyin starts with (i, u, v) is typed as itself, which is
             * what a person pressing it with nothing open means. */
            if (pinyin_key(k->py, c) || kbd_composing(k))
                return;
            act_append(act, s);
            return;
        }
        if (c == '\'' && s[1] == 0 && kbd_composing(k)) {
            pinyin_key(k->py, c);
            return;
        }
        finish_composition(k, act);
    }
    act_append(act, s);
}

/* 删除 and Backspace: edit the pinyin first, on the pad take back the last stroke
 * first; otherwise delete a character of the field. */
static void delete_key(struct kbd *k, struct kbd_action *act)
{
    if (k->page == PAGE_HAND ? !hw_undo_stroke(k->hw)
                             : !(kbd_composing(k) && pinyin_backspace(k->py)))
        act->del = 1;
}

static void do_op(struct kbd *k, const struct keydef *d, struct kbd_action *act)
{
    k->latin_run = 0; /* the screen's keys are lower case: back to pinyin */
    switch (d->op) {
    case OP_CHAR: type_char(k, d->s, act); break;
    case OP_SPACE:
        if (kbd_composing(k))
            commit_first(k, act);
        else
            act_append(act, " ");
        break;
    case OP_DEL: delete_key(k, act); break;
    case OP_NEXT:
        if (kbd_composing(k))
            finish_composition(k, act);
        act->next = 1;
        break;
    case OP_SYMBOLS:
        if (kbd_composing(k))
            finish_composition(k, act);
        k->page = PAGE_SYMBOLS;
        break;
    case OP_LETTERS: k->page = k->letters; break;
    case OP_LANG:
        if (kbd_composing(k))
            finish_composition(k, act);
        k->page = k->letters = (k->page == PAGE_PINYIN || !k->py) ? PAGE_LATIN : PAGE_PINYIN;
        break;
    case OP_VARIANT:
        if (k->py)
            pinyin_set_variant(k->py, !pinyin_variant(k->py));
        break;
    case OP_HAND:
        if (kbd_composing(k))
            finish_composition(k, act);
        /* The pad is empty: every way off it (拼音, another field, a reset) wipes it. */
        if (hand_engine(k)) {
            k->page = PAGE_HAND;
            k->hand = 1;
        }
        break;
    case OP_PINYIN:
        hw_clear(k->hw);
        k->hand = 0;
        k->page = k->letters = k->py ? PAGE_PINYIN : PAGE_LATIN;
        break;
    case OP_REWRITE: hw_clear(k->hw); break;
    default: break;
    }
}

static int hand_up(const struct kbd *k);
static void cands_select(struct kbd *k, int i, struct kbd_action *act);

/* The pad offers characters: the hardware keys choose among them as among pinyin's. */
static int hand_offers(const struct kbd *k) { return hand_up(k) && hw_has_candidates(k->hw); }

int kbd_event(struct kbd *k, const SDL_Event *ev, struct kbd_action *act)
{
    memset(act, 0, sizeof *act);
    if (ev->type == SDL_KEYDOWN) {
        switch (ev->key.keysym.sym) {
        case SDLK_BACKSPACE:
            delete_key(k, act);
            return 1;
        case SDLK_RETURN:
        case SDLK_KP_ENTER:
            /* As on a phone's input method: Return takes the first candidate, and
             * only with nothing open moves on. */
            if (kbd_composing(k))
                commit_first(k, act);
            else if (hand_offers(k))
                cands_select(k, 0, act);
            else
                act->next = 1;
            return 1;
        case SDLK_TAB:
            if (kbd_composing(k))
                finish_composition(k, act);
            act->next = 1;
            return 1;
        case SDLK_ESCAPE:
            if (!kbd_composing(k))
                return 0;
            pinyin_reset(k->py);
            return 1;
        default:
            /* Printable keys come again as SDL_TEXTINPUT, which is what counts. */
            return 0;
        }
    }
    if (ev->type != SDL_TEXTINPUT)
        return 0;
    const char *t = ev->text.text;
    if (!t[0])
        return 0;
    if (hand_offers(k) && t[1] == 0 && ((t[0] >= '1' && t[0] <= '9') || t[0] == ' ')) {
        cands_select(k, t[0] == ' ' ? 0 : t[0] - '1', act);
        return 1;
    }
    if (kbd_composing(k) && t[1] == 0) {
        if (t[0] >= '1' && t[0] <= '9') {
            char buf[PINYIN_COMMIT_MAX];
            if (pinyin_select(k->py, t[0] - '1', buf, sizeof buf) == 1)
                act_append(act, buf);
            util_wipe(buf, sizeof buf);
            return 1;
        }
        if (t[0] == ' ') {
            commit_first(k, act);
            return 1;
        }
    }
    if (k->page == PAGE_PINYIN && k->py && t[1] == 0) {
        /* As with a desktop input method: a capital starts a Latin word ("Li Ming",
         * "IBM"), which runs until something other than a letter comes. */
        int letter = (t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z');
        if (t[0] >= 'A' && t[0] <= 'Z' && !kbd_composing(k))
            k->latin_run = 1;
        else if (!letter)
            k->latin_run = 0;
        if (k->latin_run) {
            act_append(act, t);
            return 1;
        }
        type_char(k, t, act);
        return 1;
    }
    /* Input-method text or a Latin layout: the text as it came, after any open pinyin. */
    if (kbd_composing(k))
        finish_composition(k, act);
    act_append(act, t);
    return 1;
}

/* ---- layout --------------------------------------------------------------------- */

static int row_tenths(const struct keydef *row)
{
    int t = 0;
    for (; row->op != OP_END; row++)
        t += row->tenths;
    return t;
}

/* The size of a word key's text in a key w px wide: in normal text the largest of the
 * word keys' sizes at which it fits on one line; in large text the largest that fits and
 * is no smaller than that, else two lines at that size ("Next field" in large text once
 * shrank to 23 px: no text is ever smaller in large-text mode than in normal).  *lines:
 * 1 or 2.  Remembered per catalogue string, width and text factor, so a steady frame
 * measures nothing. */
static int fit_size(struct kbd *k, struct ui *ui, const char *text, int w, int *lines)
{
    static const int sizes[] = {SIZE_BODY, SIZE_SMALL, 22, 18};
    int large = ui_large_text(ui);
    for (int i = 0; i < k->nfit; i++)
        if (k->fit[i].text == text && k->fit[i].w == w && k->fit[i].px == large) {
            *lines = k->fit[i].lines;
            return k->fit[i].size;
        }
    int normal = sizes[ARRAY_LEN(sizes) - 1];
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        struct text_style st = {.size_px = sizes[i]};
        if (text_width(ui_fonts(ui), text, -1, &st) <= w - 16) {
            normal = sizes[i];
            break;
        }
    }
    int size = normal;
    *lines = 1;
    if (large) {
        /* Two lines at the normal size unless one line fits at a larger one. */
        size = (normal * 10 + 12) / 13;
        *lines = 2;
        for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
            struct text_style st = {.size_px = ui_px(ui, sizes[i])};
            if (st.size_px < normal)
                break;
            if (text_width(ui_fonts(ui), text, -1, &st) <= w - 16) {
                size = sizes[i];
                *lines = 1;
                break;
            }
        }
    }
    if (k->nfit == (int)ARRAY_LEN(k->fit))
        k->nfit = 0; /* layouts changed many times: start over */
    k->fit[k->nfit++] = (struct fit){text, w, large, size, *lines};
    return size;
}

static int key_size(struct kbd *k, struct ui *ui, const struct keydef *d, const char *text,
                    int w, int *lines)
{
    *lines = 1;
    if (d->op != OP_CHAR)
        return fit_size(k, ui, text, w, lines);
    return 44;
}

/* Lays out one row centred in area (unit = one letter key's width) and returns 1 with
 * the action when one of its keys fired. */
static int build_row(struct kbd *k, struct ui *ui, const struct keydef *row, SDL_Rect area,
                     int unit, struct kbd_action *act)
{
    int total = row_tenths(row) * (unit + GAP) / 10 - GAP;
    int x = area.x + (area.w - total) / 2;
    int fired = 0;
    for (const struct keydef *d = row; d->op != OP_END; d++) {
        int w = d->tenths * (unit + GAP) / 10 - GAP;
        const char *text = d->op == OP_CHAR ? d->s : tr(k, d->s);
        int lines;
        struct ui_opts o = {.size = key_size(k, ui, d, text, w, &lines)};
        o.max_lines = lines;
        if (d->op == OP_NEXT)
            o.role = ROLE_PRIMARY;
        else if (d->op != OP_CHAR)
            o.role = ROLE_MUTED;
        if (d->op == OP_LANG)
            o.disabled = !k->py;
        if (d->op == OP_HAND)
            o.disabled = !k->hw_slot;
        if (d->op == OP_REWRITE)
            o.disabled = !k->hw || hw_stroke_count(k->hw) == 0;
        if (d->op == OP_VARIANT) {
            o.disabled = !k->py;
            o.selected = k->py && pinyin_variant(k->py);
            o.role = o.selected ? ROLE_NORMAL : ROLE_MUTED;
        }
        if (ui_key(ui, rect(x, area.y, w, area.h), text, &o) && !fired) {
            do_op(k, d, act);
            fired = 1;
        }
        x += w + GAP;
    }
    return fired;
}

static int row_count(const struct keydef *const *rows)
{
    int n = 0;
    while (rows[n])
        n++;
    return n;
}

/* The heading above the keys: which field is being filled. */
static void build_target(struct kbd *k, struct ui *ui, SDL_Rect r, const char *target)
{
    if (!target || !*target || r.h < 30)
        return;
    const char *s = ui_strf(ui, "%s%s", tr(k, "kbd.filling"), target);
    /* Body size when the larger one would not hold it on its line (long English labels
     * in large text). */
    int size = r.h >= 70 && ui_text_width(ui, s, SIZE_LARGE, 0) <= r.w ? SIZE_LARGE : SIZE_BODY;
    struct ui_opts o = {.size = size, .role = ROLE_MUTED, .max_lines = 1};
    ui_label(ui, r, s, &o);
}

static int cand_font(const char *s)
{
    size_t n = utf8_count(s);
    return n <= 2 ? SIZE_LARGE : n == 3 ? SIZE_BODY : SIZE_SMALL;
}

/* The candidate bar serves pinyin and the writing pad alike: these say, for the page
 * that is up, what it offers and do what its keys ask. */
static int hand_up(const struct kbd *k) { return k->page == PAGE_HAND && k->hw; }

static int cands_showing(const struct kbd *k)
{
    return hand_up(k) ? hw_has_candidates(k->hw) : kbd_composing(k);
}

static int cands_get(struct kbd *k, const char **c, int max)
{
    return hand_up(k) ? hw_candidates(k->hw, c, max) : pinyin_candidates(k->py, c, max);
}

static int cands_has_prev(struct kbd *k)
{
    return hand_up(k) ? hw_has_prev(k->hw) : pinyin_has_prev(k->py);
}

static int cands_has_next(struct kbd *k)
{
    return hand_up(k) ? hw_has_next(k->hw) : pinyin_has_next(k->py);
}

static void cands_prev(struct kbd *k)
{
    if (hand_up(k))
        hw_page_prev(k->hw);
    else
        pinyin_page_prev(k->py);
}

static void cands_next(struct kbd *k)
{
    if (hand_up(k))
        hw_page_next(k->hw);
    else
        pinyin_page_next(k->py);
}

/* Chooses candidate i: its text into act (pinyin: once the whole composition is
 * converted; the pad: at once, and the pad clears for the next character). */
static void cands_select(struct kbd *k, int i, struct kbd_action *act)
{
    char buf[PINYIN_COMMIT_MAX];
    if (hand_up(k) ? hw_select(k->hw, i, buf, sizeof buf) == 1
                   : pinyin_select(k->py, i, buf, sizeof buf) == 1)
        act_append(act, buf);
    util_wipe(buf, sizeof buf);
}

/* The line over the candidates: the pinyin (nothing on the pad, whose strokes show
 * themselves), the page and the variant switch. */
static void build_cands_line(struct kbd *k, struct ui *ui, SDL_Rect line)
{
    if (!hand_up(k)) {
        struct ui_opts pre = {.size = SIZE_SMALL, .bold = 1, .role = ROLE_ACCENT,
                              .max_lines = 1};
        ui_label(ui, rect(line.x + 8, line.y, line.w * 2 / 3, line.h), pinyin_preedit(k->py),
                 &pre);
    }
    struct ui_opts pg = {.size = SIZE_SMALL, .role = ROLE_MUTED, .align = TEXT_RIGHT,
                         .max_lines = 1};
    const char *info =
        hand_up(k)             ? ui_strf(ui, "%s %d", tr(k, "kbd.page"), hw_page(k->hw) + 1)
        : pinyin_variant(k->py) ? ui_strf(ui, "%s · %s %d", tr(k, "kbd.variant_on"),
                                         tr(k, "kbd.page"), pinyin_page(k->py) + 1)
                                : ui_strf(ui, "%s %d", tr(k, "kbd.page"), pinyin_page(k->py) + 1);
    ui_label(ui, rect(line.x + line.w / 3, line.y, line.w * 2 / 3 - 8, line.h), info, &pg);
}

/* The candidate bar: the pinyin and page number on a line, then rows of candidates
 * with 上一页 / 下一页 at the right. */
static int build_candidates(struct kbd *k, struct ui *ui, SDL_Rect bar, int rows,
                            struct kbd_action *act)
{
    int line_h = ui_px(ui, SIZE_SMALL) * 3 / 2;
    SDL_Rect line = rect(bar.x, bar.y, bar.w, line_h);
    int cands_y = bar.y + line_h + 6;
    int nav_w = NAV_W, navs_w = rows >= 2 ? nav_w : 2 * nav_w + GAP;
    int avail = bar.w - navs_w - GAP;
    int per_row = (avail + GAP) / (CAND_MIN_W + GAP);
    if (per_row < 3)
        per_row = 3;
    int size = per_row * rows;
    if (size > PINYIN_PAGE_MAX)
        size = PINYIN_PAGE_MAX;
    if (k->py && k->page_size != size && pinyin_set_page_size(k->py, size) == 0)
        k->page_size = size;
    if (k->hw)
        hw_set_page_size(k->hw, size);
    if (!cands_showing(k))
        return 0;
    build_cands_line(k, ui, line);

    const char *c[PINYIN_PAGE_MAX];
    int n = cands_get(k, c, PINYIN_PAGE_MAX);
    int cw = (avail - (per_row - 1) * GAP) / per_row;
    for (int i = 0; i < n; i++) {
        int row = i / per_row, col = i % per_row;
        SDL_Rect r = rect(bar.x + col * (cw + GAP), cands_y + row * (CAND_H + GAP), cw, CAND_H);
        struct ui_opts o = {.size = cand_font(c[i]), .selected = i == 0};
        if (ui_key(ui, r, c[i], &o)) {
            cands_select(k, i, act);
            return has_action(act); /* the candidates changed under us */
        }
    }
    int nx = bar.x + bar.w - navs_w;
    SDL_Rect prev = rect(nx, cands_y, nav_w, CAND_H);
    SDL_Rect next = rows >= 2 ? rect(nx, cands_y + CAND_H + GAP, nav_w, CAND_H)
                              : rect(nx + nav_w + GAP, cands_y, nav_w, CAND_H);
    int pl, nl;
    struct ui_opts po = {.size = fit_size(k, ui, tr(k, "kbd.prev"), nav_w, &pl), .role = ROLE_MUTED,
                         .disabled = !cands_has_prev(k)};
    po.max_lines = pl;
    if (ui_key(ui, prev, tr(k, "kbd.prev"), &po)) {
        cands_prev(k);
        return 0;
    }
    struct ui_opts no = {.size = fit_size(k, ui, tr(k, "kbd.next"), nav_w, &nl), .role = ROLE_MUTED,
                         .disabled = !cands_has_next(k)};
    no.max_lines = nl;
    if (ui_key(ui, next, tr(k, "kbd.next"), &no))
        cands_next(k);
    return 0;
}

/* The numeric pad: digits in a 3 x 4 block, 删除 and 下一项 as tall keys at the right;
 * the key left of 0 is X (ID numbers) or '-' (dates), or 0 takes its place. */
static int build_pad(struct kbd *k, struct ui *ui, SDL_Rect area, struct kbd_action *act)
{
    int kw = (area.w - 3 * GAP) / 4, kh = (area.h - 3 * GAP) / 4;
    if (kw > PAD_KEY_W_MAX)
        kw = PAD_KEY_W_MAX;
    if (kh > PAD_KEY_H_MAX)
        kh = PAD_KEY_H_MAX;
    int tw = 4 * kw + 3 * GAP, th = 4 * kh + 3 * GAP;
    int x0 = area.x + (area.w - tw) / 2, y0 = area.y + area.h - th;
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
    const char *extra = k->kind == KBD_ID ? "X" : k->kind == KBD_DATE ? "-" : NULL;
    int fired = 0;
    for (int i = 0; i < 9; i++) {
        struct keydef d = {OP_CHAR, digits[i], 10};
        struct ui_opts o = {.size = 52};
        if (ui_key(ui, rect(x0 + (i % 3) * (kw + GAP), y0 + (i / 3) * (kh + GAP), kw, kh),
                   digits[i], &o) && !fired) {
            do_op(k, &d, act);
            fired = 1;
        }
    }
    int ry = y0 + 3 * (kh + GAP);
    struct ui_opts o = {.size = 52};
    if (extra) {
        struct keydef d = {OP_CHAR, extra, 10};
        if (ui_key(ui, rect(x0, ry, kw, kh), extra, &o) && !fired) {
            do_op(k, &d, act);
            fired = 1;
        }
        struct keydef z = {OP_CHAR, "0", 10};
        if (ui_key(ui, rect(x0 + kw + GAP, ry, 2 * kw + GAP, kh), "0", &o) && !fired) {
            do_op(k, &z, act);
            fired = 1;
        }
    } else {
        struct keydef z = {OP_CHAR, "0", 10};
        if (ui_key(ui, rect(x0, ry, 3 * kw + 2 * GAP, kh), "0", &o) && !fired) {
            do_op(k, &z, act);
            fired = 1;
        }
    }
    int cx = x0 + 3 * (kw + GAP);
    int dl, xl;
    struct ui_opts del = {.size = fit_size(k, ui, tr(k, "kbd.delete"), kw, &dl), .role = ROLE_MUTED};
    del.max_lines = dl;
    struct keydef dd = {OP_DEL, "kbd.delete", 10};
    if (ui_key(ui, rect(cx, y0, kw, 2 * kh + GAP), tr(k, "kbd.delete"), &del) && !fired) {
        do_op(k, &dd, act);
        fired = 1;
    }
    struct ui_opts nx = {.size = fit_size(k, ui, tr(k, "kbd.next_field"), kw, &xl),
                         .role = ROLE_PRIMARY};
    nx.max_lines = xl;
    struct keydef dn = {OP_NEXT, "kbd.next_field", 10};
    if (ui_key(ui, rect(cx, y0 + 2 * (kh + GAP), kw, 2 * kh + GAP), tr(k, "kbd.next_field"), &nx)
        && !fired) {
        do_op(k, &dn, act);
        fired = 1;
    }
    return fired && has_action(act);
}

/* Takes what the finger wrote on the pad since the last build, in the pad's pixels as
 * it was on screen.  Each finished stroke is recognised at once, before the candidate
 * bar is built, so the frame after a lift shows its candidates. */
static void take_ink(struct kbd *k, struct ui *ui)
{
    struct ui_ink_event ev[64];
    int n;
    while ((n = ui_take_ink(ui, HAND_KEY, ev, (int)ARRAY_LEN(ev))) > 0) {
        if (k->page != PAGE_HAND || !k->hw)
            continue; /* the pad was left with a finger on it */
        for (int i = 0; i < n; i++) {
            int x = ev[i].x - k->pad_r.x, y = ev[i].y - k->pad_r.y;
            if (ev[i].type == UI_INK_DOWN)
                hw_stroke_begin(k->hw, x, y);
            else if (ev[i].type == UI_INK_MOVE)
                hw_stroke_point(k->hw, x, y);
            else
                hw_stroke_end(k->hw);
        }
    }
}

/* The writing pad: the strokes as written, and under them a line that says where to
 * write while it is empty and, once it offers characters, how to get one it does not
 * offer (the line's room is kept either way, so the pad never changes size). */
static void build_hand(struct kbd *k, struct ui *ui, SDL_Rect area)
{
    const char *missing = tr(k, "kbd.hand_missing");
    int say_h = ui_text_height(ui, missing, SIZE_SMALL, 0, area.w - 48, 2);
    SDL_Rect pad = rect(area.x, area.y, area.w, area.h - say_h - GAP);
    k->pad_r = pad;
    const struct hw_point *pts;
    const int *ends;
    struct ui_ink ink = {.nstrokes = hw_strokes(k->hw, &pts, &ends), .version = hw_version(k->hw)};
    ink.xy = (const int16_t *)pts;
    ink.ends = ends;
    ui_ink(ui, pad, HAND_KEY, &ink);
    const char *say = hw_has_candidates(k->hw)    ? missing
                      : hw_stroke_count(k->hw) == 0 ? tr(k, "kbd.hand_here")
                                                    : NULL;
    if (!say)
        return;
    struct ui_opts o = {.size = SIZE_SMALL, .role = ROLE_MUTED, .align = TEXT_CENTER,
                        .max_lines = 2};
    ui_label(ui, rect(area.x + 24, pad.y + pad.h + GAP / 2, area.w - 48, say_h), say, &o);
}

int kbd_preferred_height(const struct ui *ui, int w)
{
    int line_h = ui_px(ui, SIZE_SMALL) * 3 / 2;
    int unit = (w - 2 * PAD + GAP) / 10 - GAP;
    /* Letter keys a little taller than wide, as fingers land from above. */
    int kh = unit + 8;
    if (kh > KEY_H_MAX - 10)
        kh = KEY_H_MAX - 10;
    if (kh < KEY_H_MIN)
        kh = KEY_H_MIN;
    return 2 * PAD + line_h + 6 + CAND_H + GAP + 4 * kh + 3 * GAP;
}

SDL_Rect kbd_place(const struct ui *ui, SDL_Rect c, SDL_Rect *rest)
{
    int W = ui_width(ui), H = ui_height(ui);
    SDL_Rect kb;
    if (ui_portrait(ui)) {
        int kh = kbd_preferred_height(ui, W - 24);
        kb = rect(12, H - kh - 12, W - 24, kh);
        *rest = rect(c.x, c.y, c.w, kb.y - 12 - c.y);
    } else {
        int kw = W * 52 / 100;
        kb = rect(W - kw - 20, c.y + 16, kw, c.h - 32);
        *rest = rect(c.x, c.y, kb.x - 20 - c.x, c.h);
    }
    return kb;
}

int kbd_build(struct kbd *k, struct ui *ui, SDL_Rect r, const char *target,
              struct kbd_action *act)
{
    memset(act, 0, sizeof *act);
    take_ink(k, ui);
    if (!k->py && k->page == PAGE_PINYIN)
        k->page = k->letters = PAGE_LATIN;
    struct ui_opts bg = {.role = ROLE_MUTED, .radius = 24};
    ui_panel(ui, r, &bg);
    SDL_Rect in = rect_inset(r, PAD);
    if (k->page == PAGE_PAD) {
        int head = ui_px(ui, SIZE_BODY) * 2;
        build_target(k, ui, rect(in.x + 8, in.y, in.w - 16, head), target);
        return build_pad(k, ui, rect(in.x, in.y + head, in.w, in.h - head), act);
    }
    if (k->page == PAGE_HAND && !k->hw)
        k->page = first_page(k);
    /* The pad takes the place of the pinyin page's letter rows. */
    const struct keydef *const *rows = k->page == PAGE_PINYIN || k->page == PAGE_HAND
                                           ? rows_pinyin
                                       : k->page == PAGE_LATIN  ? rows_latin
                                       : k->page == PAGE_SYMBOLS ? rows_symbols
                                                                 : rows_code;
    int nrows = row_count(rows);
    int unit = (in.w + GAP) / 10 - GAP;
    /* The letter pages keep a candidate bar (two rows of candidates when there is
     * room, which halves the paging to a rare character). */
    int line_h = ui_px(ui, SIZE_SMALL) * 3 / 2;
    int bar_rows = 0, bar_h = 0;
    if (k->page != PAGE_CODE) {
        bar_rows = in.h >= line_h + 6 + 2 * CAND_H + GAP + GAP + 4 * (KEY_H_MIN + 20) + 3 * GAP
                       ? 2
                       : 1;
        bar_h = line_h + 6 + bar_rows * CAND_H + (bar_rows - 1) * GAP;
    }
    int keys_h = in.h - (bar_h ? bar_h + GAP : 0);
    int kh = (keys_h - (nrows - 1) * GAP) / nrows;
    if (kh > KEY_H_MAX)
        kh = KEY_H_MAX;
    int block = nrows * kh + (nrows - 1) * GAP;
    int y = in.y + in.h - block;
    if (bar_h) {
        SDL_Rect bar = rect(in.x, y - GAP - bar_h, in.w, bar_h);
        int room = bar.y - in.y >= 40;
        /* Room above the bar (tall keyboards) carries the field's name. */
        if (room)
            build_target(k, ui, rect(in.x + 8, in.y, in.w - 16, bar.y - in.y), target);
        int chinese = k->page == PAGE_PINYIN || k->page == PAGE_HAND;
        if (chinese && cands_showing(k)) {
            build_candidates(k, ui, bar, bar_rows, act);
        } else {
            if (chinese)
                build_candidates(k, ui, bar, bar_rows, act); /* sets the page size */
            /* Without room above (portrait), the bar says how to type; the field being
             * filled is the one just above the keyboard, framed in red. */
            const char *hint = tr(k, k->page == PAGE_PINYIN ? "kbd.hint_pinyin"
                                     : k->page == PAGE_HAND  ? "kbd.hint_hand"
                                     : k->page == PAGE_LATIN ? "kbd.hint_latin"
                                                             : "kbd.hint_symbols");
            struct ui_opts ho = {.size = room ? SIZE_BODY : SIZE_SMALL, .role = ROLE_MUTED,
                                 .align = TEXT_CENTER, .max_lines = 2};
            ui_label(ui, rect(in.x + 8, bar.y, in.w - 16, bar.h), hint, &ho);
        }
    } else {
        build_target(k, ui, rect(in.x + 8, in.y, in.w - 16, y - in.y - GAP), target);
    }
    if (k->page == PAGE_HAND) {
        SDL_Rect pad = rect(in.x, y, in.w, (nrows - 1) * (kh + GAP) - GAP);
        build_hand(k, ui, pad);
        y += (nrows - 1) * (kh + GAP);
        if (!has_action(act))
            build_row(k, ui, row_hand_bottom, rect(in.x, y, in.w, kh), unit, act);
        return has_action(act);
    }
    for (int i = 0; i < nrows; i++) {
        /* At most one widget fires per build, so later rows only lay out. */
        build_row(k, ui, rows[i], rect(in.x, y, in.w, kh), unit, act);
        y += kh + GAP;
    }
    return has_action(act);
}
