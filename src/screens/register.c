/* register — 报到登记: a migrant member reports in.  One column of large fields
 * (姓名, 性别, 身份证号, 手机号, 活动证编号, 原党组织, 户籍地, 工作单位, 现居社区,
 * 入党时间), the consent box and 提交, with the on-screen keyboard beside the form
 * (landscape) or under it (portrait), so it never covers the field being typed.
 *
 * Each field says in a sentence what is wrong with it (validate.h); a valid ID number
 * fills in 性别 and proposes 户籍地; 现居社区 opens a picker of the service places.
 * 提交 stays disabled until the required fields are valid and consent is given.  A
 * second registration of the same ID number on this kiosk is recorded as an update
 * only when the person confirms.  After the record is committed, the success view
 * shows only masked data and where to go; the form's buffers are wiped at once, and
 * everything else when the screen is left (back, home or the idle reset).
 *
 * Owns: the form's buffers (personal data: wiped, never logged), the keyboard, the
 * places list.  Never does: SQL (app/registration.h does), drawing of its own. */
#include "app/app.h"
#include "app/certrule.h"
#include "app/regions.h"
#include "app/registration.h"
#include "app/validate.h"
#include "core/util.h"
#include "input/keyboard.h"
#include "ui/text.h"
#include "ui/ui.h"
#include "screens/kit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fid { F_NAME, F_ID, F_PHONE, F_CERT, F_ORG, F_HUKOU, F_EMPLOYER, F_JOINED, F_COUNT };

#define TEXT_MAX 50      /* characters in 原党组织, 户籍地, 工作单位 */
#define VAL_SIZE 260     /* bytes of a field: the longest cap is 51 characters */
#define ROW_GAP 20
#define MAX_ROWS 12
#define MEMO_SLOTS 64

/* Text measurements are costly (font runs, line breaking) and a form is rebuilt after
 * every key, so results are remembered by a hash of what was measured. */
struct memo {
    uint64_t key;
    int val;
};

struct fdef {
    const char *label, *hint;  /* catalogue keys */
    enum kbd_kind kbd;
    int cap;                   /* characters; one more than valid, so "too long" can show */
    int required;
    int code;                  /* numbers and codes: full-width forms and spaces normalised */
};

static const struct fdef fdefs[F_COUNT] = {
    [F_NAME] = {"reg.name", "reg.hint.name", KBD_TEXT, VALIDATE_NAME_MAX + 1, 1, 0},
    [F_ID] = {"reg.id", "reg.hint.id", KBD_ID, 20, 1, 1},
    [F_PHONE] = {"reg.phone", "reg.hint.phone", KBD_PHONE, 20, 1, 1},
    [F_CERT] = {"reg.cert", "reg.hint.cert", KBD_CODE, VALIDATE_CERT_MAX + 1, 1, 1},
    [F_ORG] = {"reg.org", "reg.hint.org", KBD_TEXT, TEXT_MAX + 1, 0, 0},
    [F_HUKOU] = {"reg.hukou", "reg.hint.hukou", KBD_TEXT, TEXT_MAX + 1, 0, 0},
    [F_EMPLOYER] = {"reg.employer", "reg.hint.employer", KBD_TEXT, TEXT_MAX + 1, 0, 0},
    [F_JOINED] = {"reg.joined", "reg.hint.joined", KBD_DATE, 16, 0, 1},
};

enum mode { M_FORM, M_PICKER, M_DUP, M_FAILED, M_DONE };

struct reg {
    struct certrule *rule;          /* what a certificate number must look like here */
    struct kbd *kbd;
    char val[F_COUNT][VAL_SIZE];
    int focus;                        /* enum fid */
    int sex;                          /* enum validate_sex */
    int consent;
    struct reg_place *places;
    int nplaces;                      /* -1: the list could not be read */
    int place;                        /* index into places, -1: none */
    char filter[VAL_SIZE];
    struct ui_list_state form_ls, pick_ls;
    int scroll;                       /* 1: bring the focused field into view; 2: the end */
    char auto_id[24];                 /* the ID number 性别/户籍地 were filled from */
    char auto_hukou[REGIONS_NAME_SIZE];
    enum mode mode;
    char dup_date[11];
    struct reg_known known;           /* M_DUP: where the person is registered already */
    char dup_checked[24];             /* the ID number last looked up for a duplicate */
    int dup_early;                    /* the M_DUP question came as the number was typed */
    int is_update;                    /* the person chose to update an earlier registration */
    int tried;                        /* 提交 was tapped too early: every gap says so */
    int pick_then_next;               /* the picker was opened by 下一项: go on after it */
    /* The success view keeps only masked data, the place and the record's UUID (for
     * the receipt: not personal data). */
    char done_name[64], done_id[40], done_uuid[37];
    struct reg_place done_place;
    int receipt_due;                  /* committed: the receipt screen goes up next */
    struct memo memo[MEMO_SLOTS];     /* keys hash field values too: wiped with them */
};

/* What the checks found, per field, for one build. */
struct fcheck {
    enum validate_result r;
    int detail;
    int show;                         /* the error is shown (not just "still typing") */
};

struct form {
    struct fcheck c[F_COUNT];
    struct idcard_info id;
    int ready;
};

static struct reg *state(struct app *a) { return *app_slot(a); }

static const char *reg_tr(void *ctx, const char *key) { return app_t(ctx, key); }

static int lang_v(const struct app *a) { return a->lang == LANG_EN ? VALIDATE_EN : VALIDATE_ZH; }

static int today_ymd(const struct app *a)
{
    char d[16];
    util_time_local(app_now(a), "%Y%m%d", d, sizeof d);
    return atoi(d);
}

/* ---- editing ---------------------------------------------------------------------- */

static void wipe_form(struct reg *s)
{
    util_wipe(s->memo, sizeof s->memo);
    util_wipe(s->val, sizeof s->val);
    util_wipe(s->filter, sizeof s->filter);
    util_wipe(s->auto_id, sizeof s->auto_id);
    util_wipe(s->auto_hukou, sizeof s->auto_hukou);
    s->sex = 0;
    s->consent = 0;
    s->place = -1;
    s->focus = F_NAME;
    memset(&s->form_ls, 0, sizeof s->form_ls);
    memset(&s->pick_ls, 0, sizeof s->pick_ls);
    s->dup_date[0] = 0;
    util_wipe(&s->known, sizeof s->known);
    util_wipe(s->dup_checked, sizeof s->dup_checked);
    s->dup_early = s->is_update = s->tried = 0;
}

/* Appends text to a field buffer, whole characters only, at most cap characters.
 * Codes and numbers are normalised as they come: full-width digits and letters become
 * ASCII, spaces go, x becomes X in an ID number, certificate numbers are upper case. */
static void buf_insert(char *buf, int cap, int f, const char *text)
{
    char tmp[PINYIN_COMMIT_MAX + 8];
    util_strlcpy(tmp, text, sizeof tmp);
    if (f >= 0 && fdefs[f].code) {
        validate_normalize(tmp);
        for (char *c = tmp; *c; c++) {
            if (f == F_ID && *c == 'x')
                *c = 'X';
            else if (f == F_CERT && *c >= 'a' && *c <= 'z')
                *c = (char)toupper((unsigned char)*c);
        }
    }
    utf8_append(buf, VAL_SIZE, (size_t)cap, tmp);
    util_wipe(tmp, sizeof tmp);
}

static void focus_field(struct reg *s, int f)
{
    if (s->focus != f || kbd_get_kind(s->kbd) != fdefs[f].kbd)
        kbd_set_kind(s->kbd, fdefs[f].kbd);
    s->focus = f;
    s->scroll = 1;
}

static void open_picker(struct reg *s)
{
    s->pick_then_next = 0;
    s->mode = M_PICKER;
    util_wipe(s->filter, sizeof s->filter);
    memset(&s->pick_ls, 0, sizeof s->pick_ls);
    kbd_set_kind(s->kbd, KBD_TEXT);
}

static void close_picker(struct reg *s)
{
    s->mode = M_FORM;
    util_wipe(s->filter, sizeof s->filter);
    kbd_set_kind(s->kbd, fdefs[s->focus].kbd);
    if (s->pick_then_next && s->place >= 0)
        focus_field(s, F_JOINED);
    s->pick_then_next = 0;
}

/* 下一项 walks the form in its order: 现居社区 (a picker) comes between 工作单位 and
 * 入党时间; after the last field the form scrolls to the consent and 提交. */
static void focus_next(struct reg *s)
{
    if (s->focus == F_EMPLOYER && s->place < 0) {
        open_picker(s);
        s->pick_then_next = 1;
    } else if (s->focus + 1 < F_COUNT) {
        focus_field(s, s->focus + 1);
    } else {
        s->scroll = 2;
    }
}

static void apply(struct reg *s, struct kbd_action *act)
{
    char *buf = s->mode == M_PICKER ? s->filter : s->val[s->focus];
    int f = s->mode == M_PICKER ? -1 : s->focus;
    int cap = f < 0 ? TEXT_MAX : fdefs[f].cap;
    if (act->text[0])
        buf_insert(buf, cap, f, act->text);
    if (act->del)
        utf8_wipe_last(buf);
    if (act->next && s->mode == M_FORM) {
        focus_next(s);
    } else if (act->next && s->mode == M_PICKER) {
        /* 下一项 in the picker takes the place the filter has narrowed down to. */
        int only = -1, n = 0;
        for (int i = 0; i < s->nplaces; i++)
            if (registration_place_matches(&s->places[i], s->filter)) {
                only = i;
                n++;
            }
        if (n == 1 && s->filter[0]) {
            s->place = only;
            close_picker(s);
        }
    }
    if (s->mode == M_PICKER && (act->text[0] || act->del))
        s->pick_ls.offset = 0;
    if (s->mode == M_FORM && !s->scroll)
        s->scroll = 1; /* typing into a field scrolled away brings it back */
    util_wipe(act, sizeof *act);
}

/* ---- checks ----------------------------------------------------------------------- */

/* Whether more typing may still make the value right: then only a quiet hint shows
 * while the field has the focus. */
static int still_typing(int f, enum validate_result r, int detail)
{
    switch (r) {
    case VALIDATE_ID_LENGTH: return detail < 18;
    case VALIDATE_PHONE_LENGTH: return detail < 11;
    case VALIDATE_CERT_LENGTH: return detail < VALIDATE_CERT_MIN;
    case VALIDATE_CERT_PATTERN: return 1; /* "LD-2024-0" is on its way to matching */
    case VALIDATE_DATE_FORMAT: return f == F_JOINED;
    default: return 0;
    }
}

static void check_form(struct app *a, struct reg *s, struct form *fm)
{
    memset(fm, 0, sizeof *fm);
    int today = today_ymd(a);
    char norm[VAL_SIZE];
    for (int f = 0; f < F_COUNT; f++) {
        struct fcheck *c = &fm->c[f];
        const char *v = s->val[f];
        int detail = 0;
        if (!*v) {
            c->r = fdefs[f].required ? VALIDATE_EMPTY : VALIDATE_OK;
            continue;
        }
        switch (f) {
        case F_NAME: c->r = validate_name(v, norm, sizeof norm, &detail); break;
        case F_ID:
            c->r = validate_idcard(v, today, &fm->id);
            detail = fm->id.detail;
            break;
        case F_PHONE: c->r = validate_phone(v, norm, sizeof norm, &detail); break;
        case F_CERT: c->r = certrule_check(s->rule, v, norm, sizeof norm, &detail); break;
        case F_JOINED: c->r = validate_join_date(v, today, norm, sizeof norm, &detail); break;
        default:
            util_strlcpy(norm, v, sizeof norm);
            validate_trim(norm);
            c->r = validate_text(norm, TEXT_MAX);
            detail = TEXT_MAX;
            break;
        }
        c->detail = detail;
        c->show = c->r != VALIDATE_OK &&
                  !(s->focus == f && s->mode == M_FORM && still_typing(f, c->r, detail) &&
                    !s->tried);
    }
    /* After a tap on the greyed 提交, every empty required field says it is needed. */
    for (int f = 0; f < F_COUNT; f++)
        if (fm->c[f].r == VALIDATE_EMPTY)
            fm->c[f].show = s->tried;
    util_wipe(norm, sizeof norm);
    fm->ready = s->consent && s->place >= 0;
    for (int f = 0; f < F_COUNT; f++)
        if (fm->c[f].r != VALIDATE_OK)
            fm->ready = 0;
}

/* A valid ID number fills in 性别 and proposes 户籍地 from its region code, once per
 * number, and never over a 户籍地 the person typed. */
static void auto_fill(struct reg *s, const struct form *fm)
{
    if (fm->c[F_ID].r != VALIDATE_OK || strcmp(fm->id.number, s->auto_id) == 0)
        return;
    util_strlcpy(s->auto_id, fm->id.number, sizeof s->auto_id);
    s->sex = fm->id.sex;
    char region[REGIONS_NAME_SIZE];
    if (regions_lookup(fm->id.region, region, sizeof region) > 0 &&
        (!s->val[F_HUKOU][0] || strcmp(s->val[F_HUKOU], s->auto_hukou) == 0)) {
        util_wipe(s->val[F_HUKOU], VAL_SIZE);
        buf_insert(s->val[F_HUKOU], fdefs[F_HUKOU].cap, F_HUKOU, region);
        util_strlcpy(s->auto_hukou, region, sizeof s->auto_hukou);
    }
    util_wipe(region, sizeof region);
}

/* ---- layout ----------------------------------------------------------------------- */

struct lay {
    SDL_Rect form, bar, kbd;
};

static struct lay layout(struct ui *ui, SDL_Rect c, int extra)
{
    struct lay l;
    SDL_Rect rest;
    l.kbd = kbd_place(ui, c, &rest);
    /* The bar under the form holds two lines of status beside 提交 (extra px more when
     * the status needs them). */
    int bar_h = ui_px(ui, SIZE_BODY) * 3 + 24 + extra;
    l.bar = rect(rest.x + 24, rest.y + rest.h - 16 - bar_h, rest.w - 28, bar_h);
    l.form = rect(rest.x + 24, rest.y + 16, rest.w - 28, l.bar.y - 12 - rest.y - 16);
    return l;
}

enum row_kind { R_FIELD, R_SEX, R_PLACE, R_CONSENT };

struct row {
    enum row_kind kind;
    int f;                /* R_FIELD */
    int y, h;             /* in the form's content */
    int field_h;          /* the field widget's height */
    const char *hint;     /* frame string */
    int err;
    int hint_lines;       /* 1: in the field; more: a label under it */
    int body_h;           /* R_CONSENT: the explanation's height */
};

struct build_ctx {
    struct app *a;
    struct reg *s;
    struct form *fm;
    struct row rows[MAX_ROWS];
    int nrows;
    int w;                /* content width */
    int content_h;
    SDL_Rect view;
    int hit_field;        /* a field pressed: its id, or -1 */
    int hit_place, hit_consent, hit_sex;
};

static int label_h(struct ui *ui) { return ui_px(ui, SIZE_BODY) * 3 / 2; }
/* The input box: the value's line (SIZE_LARGE, as draw.c draws it) and its padding. */
static int box_h(struct ui *ui) { return ui_px(ui, SIZE_LARGE) * 3 / 2 + 28; }
static int hint_line_h(struct ui *ui) { return ui_px(ui, SIZE_SMALL) * 3 / 2; }

enum measure { MEASURE_WIDTH, MEASURE_HEIGHT, MEASURE_TAIL };

static uint64_t memo_key(enum measure m, const char *text, int size, int bold, int w, int lines)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int v[] = {(int)m, size, bold, w, lines};
    for (size_t i = 0; i < sizeof v; i++) {
        h ^= ((const unsigned char *)v)[i];
        h *= 0x100000001b3ULL;
    }
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        h ^= *c;
        h *= 0x100000001b3ULL;
    }
    return h | 1;
}

/* A small open-addressed table: probe a few slots, evict the first when all are taken. */
#define MEMO_PROBE 8

static int memo_get(const struct reg *s, uint64_t key, int *val)
{
    for (int i = 0; i < MEMO_PROBE; i++) {
        const struct memo *m = &s->memo[((key >> 20) + (uint64_t)i) % MEMO_SLOTS];
        if (m->key == key) {
            *val = m->val;
            return 1;
        }
    }
    return 0;
}

static void memo_put(struct reg *s, uint64_t key, int val)
{
    struct memo *slot = &s->memo[(key >> 20) % MEMO_SLOTS];
    for (int i = 0; i < MEMO_PROBE; i++) {
        struct memo *m = &s->memo[((key >> 20) + (uint64_t)i) % MEMO_SLOTS];
        if (!m->key) {
            slot = m;
            break;
        }
    }
    *slot = (struct memo){key, val};
}

/* Width of text on one line at size px (after the large-text factor). */
static int text_w(struct reg *s, struct ui *ui, const char *text, int size)
{
    uint64_t key = memo_key(MEASURE_WIDTH, text, size, 0, 0, 0);
    int v;
    if (memo_get(s, key, &v))
        return v;
    struct text_style st = {.size_px = size};
    v = text_width(ui_fonts(ui), text, -1, &st);
    memo_put(s, key, v);
    return v;
}

/* Height of text wrapped at w, at most max_lines lines (0: all). */
static int text_h(struct reg *s, struct ui *ui, const char *text, int size, int bold, int w,
                  int max_lines)
{
    uint64_t key = memo_key(MEASURE_HEIGHT, text, size, bold, w, max_lines);
    int v;
    if (memo_get(s, key, &v))
        return v;
    struct text_style st = {.size_px = size, .bold = bold};
    int mw = 0;
    text_measure(ui_fonts(ui), text, &st, w, max_lines, &mw, &v);
    memo_put(s, key, v);
    return v;
}

/* Lines text needs at width w in the hint's style (at most 4). */
static int hint_lines(struct reg *s, struct ui *ui, const char *text, int w, int bold)
{
    if (!text || !*text)
        return 0;
    int px = ui_px(ui, SIZE_SMALL);
    struct text_style st = {.size_px = px};
    int line = text_line_height(ui_fonts(ui), &st);
    int n = text_h(s, ui, text, px, bold, w, 4) / (line > 0 ? line : 1);
    return n < 1 ? 1 : n > 4 ? 4 : n;
}

/* The hint or error sentence of a field, in this frame's arena. */
static const char *field_hint(struct app *a, struct ui *ui, struct reg *s, const struct form *fm,
                              int f, int *err)
{
    const struct fcheck *c = &fm->c[f];
    *err = 0;
    if (c->show && c->r == VALIDATE_EMPTY) {
        *err = 1;
        return app_t(a, "reg.need");
    }
    if (c->show && c->r != VALIDATE_EMPTY) {
        char msg[VALIDATE_MSG_SIZE];
        *err = 1;
        return ui_strf(ui, "%s",
                       validate_message_fmt(c->r, lang_v(a), c->detail, msg, sizeof msg));
    }
    if (f == F_ID && c->r == VALIDATE_OK) {
        const struct idcard_info *id = &fm->id;
        const char *sex = validate_sex_label(id->sex, lang_v(a));
        if (a->lang == LANG_EN)
            return ui_strf(ui, "%s %04d-%02d-%02d · %s", app_t(a, "reg.born"), id->birth_year,
                           id->birth_month, id->birth_day, sex);
        return ui_strf(ui, "%s%d年%d月%d日 · %s", app_t(a, "reg.born"), id->birth_year,
                       id->birth_month, id->birth_day, sex);
    }
    if ((f == F_ID || f == F_PHONE) && s->focus == f && s->val[f][0] && c->r != VALIDATE_OK)
        return ui_strf(ui, "%s %d / %d", app_t(a, "reg.typed"), (int)utf8_count(s->val[f]),
                       f == F_ID ? 18 : 11);
    return app_t(a, fdefs[f].hint);
}

static void lay_rows(struct build_ctx *b, struct ui *ui)
{
    struct app *a = b->a;
    struct reg *s = b->s;
    int lh = label_h(ui), hh = hint_line_h(ui);
    int y = 20, n = 0;
    static const int order[] = {F_NAME, -2, F_ID, F_PHONE, F_CERT, F_ORG, F_HUKOU, F_EMPLOYER,
                                -3, F_JOINED, -4};
    for (size_t i = 0; i < ARRAY_LEN(order); i++) {
        struct row *r = &b->rows[n++];
        memset(r, 0, sizeof *r);
        r->y = y;
        if (order[i] >= 0) {
            r->kind = R_FIELD;
            r->f = order[i];
            r->hint = field_hint(a, ui, s, b->fm, r->f, &r->err);
        } else if (order[i] == -2) {
            r->kind = R_SEX;
            r->hint = app_t(a, "reg.hint.sex");
        } else if (order[i] == -3) {
            r->kind = R_PLACE;
            r->err = s->nplaces < 0 || (s->tried && s->place < 0);
            r->hint = s->place >= 0
                          ? ui_strf(ui, "%s%s", app_t(a, "reg.address"),
                                    s->places[s->place].address)
                          : app_t(a, s->nplaces < 0 ? "reg.places_error"
                                     : r->err       ? "reg.need_place"
                                                    : "reg.hint.place");
        } else {
            r->kind = R_CONSENT;
        }
        if (r->kind == R_CONSENT) {
            int mh = text_h(s, ui, app_t(a, "reg.consent_text"), ui_px(ui, SIZE_SMALL), 0,
                            b->w - 56, 0);
            r->body_h = mh;
            r->h = 24 + lh + 8 + mh + 16 + 88 + 24;
        } else if (r->kind == R_SEX) {
            r->field_h = lh + box_h(ui);
            r->h = r->field_h;
        } else {
            r->hint_lines = hint_lines(s, ui, r->hint, b->w - 8, r->err);
            r->field_h = lh + box_h(ui) + (r->hint_lines == 1 ? hh : 0);
            r->h = r->field_h + (r->hint_lines > 1 ? r->hint_lines * hh + 4 : 0);
        }
        y += r->h + ROW_GAP;
    }
    b->nrows = n;
    b->content_h = y + 20;
}

/* The value as the field shows it: a right ID number masked once its field has lost
 * the focus (a wrong one stays readable, so the person can compare it with the card
 * while correcting it); a long value shows its end while typed, where the caret is. */
static const char *shown_value(struct app *a, struct ui *ui, struct reg *s, int f, int inner_w,
                               int valid)
{
    const char *v = s->val[f];
    if (!*v)
        return "";
    if (f == F_ID && s->focus != f && valid) {
        char m[40];
        mask_idcard(v, m, sizeof m);
        return ui_strf(ui, "%s", m);
    }
    if (s->focus != f)
        return v;
    int px = ui_px(ui, SIZE_LARGE);
    if (text_w(s, ui, v, px) <= inner_w)
        return v;
    /* The shortest tail that fits, by bisection over the character starts. */
    uint64_t key = memo_key(MEASURE_TAIL, v, px, 0, inner_w, 0);
    int at;
    if (!memo_get(s, key, &at)) {
        int starts[VAL_SIZE], n = 0;
        for (const char *p = v; *p; utf8_next(&p))
            starts[n++] = (int)(p - v);
        int lo = 1, hi = n - 1;
        at = starts[n - 1];
        while (lo <= hi) {
            int mid = (lo + hi) / 2;
            if (text_w(s, ui, ui_strf(ui, "…%s", v + starts[mid]), px) <= inner_w) {
                at = starts[mid];
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        memo_put(s, key, at);
    }
    return ui_strf(ui, "…%s", v + at);
}

static int visible(const struct build_ctx *b, SDL_Rect r)
{
    return r.y + r.h > b->view.y && r.y < b->view.y + b->view.h;
}

static void build_field_row(struct build_ctx *b, struct ui *ui, const struct row *r, int x, int y)
{
    struct app *a = b->a;
    struct reg *s = b->s;
    int f = r->f;
    SDL_Rect fr = rect(x, y, b->w, r->field_h);
    if (visible(b, fr)) {
        struct ui_opts o = {.role = r->err ? ROLE_ERROR : ROLE_NORMAL,
                            .focused = s->focus == f && s->mode == M_FORM,
                            .hint = r->hint_lines == 1 ? r->hint : NULL};
        const char *v = shown_value(a, ui, s, f, b->w - 36 - 12 - (r->err ? 64 : 0),
                                    b->fm->c[f].r == VALIDATE_OK);
        if (ui_field(ui, fr, app_t(a, fdefs[f].label), v, &o))
            b->hit_field = f;
    }
    if (r->hint_lines > 1) {
        SDL_Rect hr = rect(x + 4, y + r->field_h + 2, b->w - 8, r->hint_lines * hint_line_h(ui));
        if (visible(b, hr)) {
            struct ui_opts ho = {.size = SIZE_SMALL, .bold = r->err,
                                 .role = r->err ? ROLE_ERROR : ROLE_MUTED,
                                 .max_lines = r->hint_lines};
            ui_label(ui, hr, r->hint, &ho);
        }
    }
}

static void build_sex_row(struct build_ctx *b, struct ui *ui, const struct row *r, int x, int y)
{
    struct app *a = b->a;
    int lh = label_h(ui);
    if (!visible(b, rect(x, y, b->w, r->h)))
        return;
    struct ui_opts lo = {.size = SIZE_BODY, .bold = 1, .max_lines = 1};
    ui_label(ui, rect(x + 4, y, b->w - 8, lh), app_t(a, "reg.sex"), &lo);
    int bw = 190;
    for (int i = 0; i < 2; i++) {
        int tw = text_w(b->s, ui, validate_sex_label(i ? VALIDATE_SEX_FEMALE : VALIDATE_SEX_MALE,
                                                      lang_v(a)),
                        ui_px(ui, SIZE_LARGE)) + 64;
        bw = tw > bw ? tw : bw;
    }
    for (int i = 0; i < 2; i++) {
        int sex = i == 0 ? VALIDATE_SEX_MALE : VALIDATE_SEX_FEMALE;
        struct ui_opts o = {.role = b->s->sex == sex ? ROLE_SELECTED : ROLE_NORMAL,
                            .size = SIZE_LARGE};
        if (ui_button(ui, rect(x + i * (bw + 20), y + lh, bw, box_h(ui)),
                      validate_sex_label(sex, lang_v(a)), &o))
            b->hit_sex = sex;
    }
    struct ui_opts ho = {.size = SIZE_SMALL, .role = ROLE_MUTED, .max_lines = 2};
    int hx = x + 2 * (bw + 20) + 10;
    ui_label(ui, rect(hx, y + lh, x + b->w - hx, box_h(ui)), r->hint, &ho);
}

static void build_place_row(struct build_ctx *b, struct ui *ui, const struct row *r, int x,
                            int y)
{
    struct app *a = b->a;
    struct reg *s = b->s;
    SDL_Rect fr = rect(x, y, b->w, r->field_h);
    if (visible(b, fr)) {
        struct ui_opts o = {.role = r->err ? ROLE_ERROR : ROLE_NORMAL,
                            .hint = r->hint_lines == 1 ? r->hint : NULL};
        const char *v = s->place >= 0 ? s->places[s->place].name : app_t(a, "reg.choose");
        if (ui_field(ui, fr, app_t(a, "reg.place"), v, &o))
            b->hit_place = 1;
    }
    if (r->hint_lines > 1) {
        SDL_Rect hr = rect(x + 4, y + r->field_h + 2, b->w - 8, r->hint_lines * hint_line_h(ui));
        if (visible(b, hr)) {
            struct ui_opts ho = {.size = SIZE_SMALL, .role = r->err ? ROLE_ERROR : ROLE_MUTED,
                                 .max_lines = r->hint_lines};
            ui_label(ui, hr, r->hint, &ho);
        }
    }
}

static void build_consent_row(struct build_ctx *b, struct ui *ui, const struct row *r, int x,
                              int y)
{
    struct app *a = b->a;
    SDL_Rect card = rect(x, y, b->w, r->h);
    if (!visible(b, card))
        return;
    /* Red once 提交 was tapped without the tick. */
    struct ui_opts co = {.role = b->s->tried && !b->s->consent ? ROLE_ERROR : ROLE_ACCENT,
                         .radius = 18};
    ui_panel(ui, card, &co);
    int lh = label_h(ui);
    struct ui_opts to = {.size = SIZE_BODY, .bold = 1, .max_lines = 1};
    ui_label(ui, rect(x + 28, y + 24, b->w - 56, lh), app_t(a, "reg.consent_title"), &to);
    struct ui_opts bo = {.size = SIZE_SMALL};
    ui_label(ui, rect(x + 28, y + 24 + lh + 8, b->w - 56, r->body_h),
             app_t(a, "reg.consent_text"), &bo);
    struct ui_opts cb = {.selected = b->s->consent, .size = SIZE_LARGE};
    if (ui_checkbox(ui, rect(x + 28, y + 24 + lh + 8 + r->body_h + 16, b->w - 56, 88),
                    app_t(a, "reg.consent"), &cb))
        b->hit_consent = 1;
}

static int form_row_cb(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    struct build_ctx *b = ctx;
    for (int i = 0; i < b->nrows; i++) {
        const struct row *r = &b->rows[i];
        int y = row.y + r->y;
        switch (r->kind) {
        case R_FIELD: build_field_row(b, ui, r, row.x + 20, y); break;
        case R_SEX: build_sex_row(b, ui, r, row.x + 20, y); break;
        case R_PLACE: build_place_row(b, ui, r, row.x + 20, y); break;
        case R_CONSENT: build_consent_row(b, ui, r, row.x + 20, y); break;
        }
    }
    return 0;
}

/* Scrolls the form so the focused field (or the end) is in view. */
static void scroll_into_view(struct build_ctx *b)
{
    struct reg *s = b->s;
    float max = (float)(b->content_h - b->view.h);
    if (max < 0)
        max = 0;
    if (s->scroll == 2) {
        s->form_ls.offset = max;
    } else if (s->scroll == 1) {
        for (int i = 0; i < b->nrows; i++) {
            const struct row *r = &b->rows[i];
            if (r->kind != R_FIELD || r->f != s->focus)
                continue;
            float top = (float)r->y - 12, bottom = (float)(r->y + r->h) + 12;
            if (top < s->form_ls.offset)
                s->form_ls.offset = top;
            else if (bottom > s->form_ls.offset + (float)b->view.h)
                s->form_ls.offset = bottom - (float)b->view.h;
        }
    }
    if (s->form_ls.offset > max)
        s->form_ls.offset = max;
    if (s->form_ls.offset < 0)
        s->form_ls.offset = 0;
    s->form_ls.velocity = 0;
    s->scroll = 0;
}

/* The first thing that keeps 提交 disabled, as a sentence; the index of the field to go
 * to in *go (-1: the consent, -2: the place, -3: nothing). */
static const char *status_text(struct app *a, struct ui *ui, struct reg *s, const struct form *fm,
                               int *go)
{
    *go = -3;
    struct strbuf missing = {0}, wrong = {0};
    int first_missing = -3, first_wrong = -3;
    static const int order[] = {F_NAME, F_ID, F_PHONE, F_CERT, F_ORG, F_HUKOU, F_EMPLOYER,
                                -2, F_JOINED};
    const char *sep = app_t(a, "reg.list_sep");
    for (size_t i = 0; i < ARRAY_LEN(order); i++) {
        int f = order[i];
        if (f == -2) {
            if (s->place < 0) {
                strbuf_addf(&missing, "%s%s", missing.len ? sep : "", app_t(a, "reg.place"));
                if (first_missing == -3)
                    first_missing = -2;
            }
            continue;
        }
        const struct fcheck *c = &fm->c[f];
        /* A value still being typed is not wrong yet, only unfinished. */
        if (c->r == VALIDATE_EMPTY || (c->r != VALIDATE_OK && !c->show)) {
            strbuf_addf(&missing, "%s%s", missing.len ? sep : "", app_t(a, fdefs[f].label));
            if (first_missing == -3)
                first_missing = f;
        } else if (c->r != VALIDATE_OK) {
            strbuf_addf(&wrong, "%s%s", wrong.len ? sep : "", app_t(a, fdefs[f].label));
            if (first_wrong == -3)
                first_wrong = f;
        }
    }
    const char *out;
    if (wrong.len) {
        out = ui_strf(ui, "%s%s", app_t(a, "reg.status_wrong"), wrong.buf);
        *go = first_wrong;
    } else if (missing.len) {
        out = ui_strf(ui, "%s%s", app_t(a, "reg.status_missing"), missing.buf);
        *go = first_missing;
    } else if (!s->consent) {
        out = app_t(a, "reg.status_consent");
        *go = -1;
    } else {
        out = app_t(a, "reg.status_ready");
    }
    strbuf_free(&missing);
    strbuf_free(&wrong);
    return out;
}

/* ---- submitting ------------------------------------------------------------------- */

static void submit(struct app *a, struct reg *s, int is_update)
{
    struct form fm;
    check_form(a, s, &fm);
    if (!fm.ready) {
        s->mode = M_FORM;
        util_wipe(&fm, sizeof fm);
        return;
    }
    char name[VALIDATE_NAME_SIZE], phone[VALIDATE_PHONE_SIZE], cert[VALIDATE_CERT_SIZE];
    char joined[VALIDATE_DATE_SIZE] = "", birth[16], org[VAL_SIZE], hukou[VAL_SIZE],
         employer[VAL_SIZE];
    validate_name(s->val[F_NAME], name, sizeof name, NULL);
    validate_phone(s->val[F_PHONE], phone, sizeof phone, NULL);
    certrule_check(s->rule, s->val[F_CERT], cert, sizeof cert, NULL);
    if (s->val[F_JOINED][0])
        validate_join_date(s->val[F_JOINED], today_ymd(a), joined, sizeof joined, NULL);
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", fm.id.birth_year, fm.id.birth_month,
             fm.id.birth_day);
    util_strlcpy(org, s->val[F_ORG], sizeof org);
    util_strlcpy(hukou, s->val[F_HUKOU], sizeof hukou);
    util_strlcpy(employer, s->val[F_EMPLOYER], sizeof employer);
    validate_trim(org);
    validate_trim(hukou);
    validate_trim(employer);
    struct registration r = {
        .name = name,
        .sex = validate_sex_label(s->sex, VALIDATE_ZH),
        .id_number = fm.id.number,
        .birth_date = birth,
        .phone = phone,
        .certificate_no = cert,
        .origin_org = org,
        .hukou = hukou,
        .employer = employer,
        .joined_party = joined,
        .place = &s->places[s->place],
        .is_update = is_update,
    };
    char uuid[37];
    if (registration_submit(a->st, &r, app_now(a), uuid) == 0) {
        /* Done: keep only what the success view shows, masked, and wipe the form now
         * rather than when the person walks away. */
        mask_name(name, s->done_name, sizeof s->done_name);
        mask_idcard(fm.id.number, s->done_id, sizeof s->done_id);
        s->done_place = s->places[s->place];
        util_strlcpy(s->done_uuid, uuid, sizeof s->done_uuid);
        wipe_form(s);
        kbd_reset(s->kbd);
        s->mode = M_DONE;
        s->receipt_due = 1;
    } else {
        s->mode = M_FAILED;
    }
    util_wipe(name, sizeof name);
    util_wipe(phone, sizeof phone);
    util_wipe(cert, sizeof cert);
    util_wipe(joined, sizeof joined);
    util_wipe(birth, sizeof birth);
    util_wipe(org, sizeof org);
    util_wipe(hukou, sizeof hukou);
    util_wipe(employer, sizeof employer);
    util_wipe(&fm, sizeof fm);
    util_wipe(uuid, sizeof uuid);
}

/* A complete ID number is looked up at once, not after the whole form: someone already
 * registered learns it before typing seven more fields. */
static void check_duplicate(struct app *a, struct reg *s, const struct form *fm)
{
    if (fm->c[F_ID].r != VALIDATE_OK) {
        s->is_update = 0;
        return;
    }
    if (strcmp(fm->id.number, s->dup_checked) == 0 || s->mode != M_FORM)
        return;
    util_strlcpy(s->dup_checked, fm->id.number, sizeof s->dup_checked);
    s->is_update = 0;
    char date[11];
    if (registration_find(a->st, fm->id.number, date) == 1) {
        util_strlcpy(s->dup_date, date, sizeof s->dup_date);
        s->known.where = REG_HERE;
        s->dup_early = 1;
        s->mode = M_DUP;
    }
}

static void try_submit(struct app *a, struct reg *s, const struct form *fm)
{
    if (s->is_update) {
        submit(a, s, 1); /* the person already chose to update */
        return;
    }
    /* Registered here, or known at the centre (its directory, or asked when reachable):
     * offered an update of the station instead of a second registration. */
    char cert[VALIDATE_CERT_SIZE];
    certrule_check(s->rule, s->val[F_CERT], cert, sizeof cert, NULL);
    int rc = registration_known(a->st, &a->cfg, fm->id.number, cert, &s->known);
    util_wipe(cert, sizeof cert);
    if (rc < 0) {
        s->mode = M_FAILED;
    } else if (s->known.where != REG_NEW) {
        util_strlcpy(s->dup_date, s->known.date, sizeof s->dup_date);
        s->dup_early = 0;
        s->mode = M_DUP;
    } else {
        submit(a, s, 0);
    }
}

/* ---- the views -------------------------------------------------------------------- */

/* The form's items in order, as "第 3 项，共 9 项" counts them: the fields and 现居社区. */
#define STEPS 9
static int step_of(int f)
{
    /* 现居社区 (the picker) is item 8, between 工作单位 and 入党时间. */
    return f <= F_EMPLOYER ? f + 1 : f + 2;
}

static int place_row_cb(struct ui *ui, void *ctx, int index, SDL_Rect row)
{
    const struct reg_place *p = ((const struct reg_place **)ctx)[index];
    /* A station's long name takes body size when the row's size would not hold it on
     * its one line (large text). */
    if (ui_text_width(ui, p->name, SIZE_LARGE, 1) > row.w - 64) {
        struct ui_opts o = {.size = SIZE_BODY, .sub = p->address[0] ? p->address : NULL};
        return ui_row(ui, rect(row.x, row.y, row.w, row.h - 4), p->name, &o);
    }
    return kit_row(ui, row, p->name, p->address, NULL, 0);
}

static void build_picker(struct app *a, struct ui *ui, struct reg *s, const struct lay *l)
{
    ui_modal(ui);
    int W = ui_width(ui);
    SDL_Rect d = ui_portrait(ui) ? rect(24, 40, W - 48, l->kbd.y - 40 - 16)
                                 : rect(l->form.x, 40, l->form.w, ui_height(ui) - 40 - 20);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 24};
    ui_panel(ui, d, &card);
    /* The title as tall as its words need beside 取消 (two lines in large English). */
    const char *title = app_t(a, "reg.pick_title");
    int tw = d.w - 64 - 220, th = ui_text_height(ui, title, SIZE_TITLE, 1, tw, 2);
    struct ui_opts to = {.size = SIZE_TITLE, .bold = 1, .max_lines = 2};
    ui_label(ui, rect(d.x + 32, d.y + 24, tw, th), title, &to);
    struct ui_opts cancel = {.role = ROLE_QUIET, .size = SIZE_BODY};
    if (ui_button(ui, rect(d.x + d.w - 32 - 200, d.y + 24, 200, 84), app_t(a, "reg.cancel"),
                  &cancel)) {
        close_picker(s);
        return;
    }
    int lh = label_h(ui), top = 24 + (th > 84 ? th : 84) + 16;
    struct ui_opts fo = {.focused = 1};
    ui_field(ui, rect(d.x + 32, d.y + top, d.w - 64, lh + box_h(ui)), app_t(a, "reg.filter"),
             s->filter, &fo);
    SDL_Rect list = rect(d.x + 16, d.y + top + lh + box_h(ui) + 20, d.w - 32,
                         d.h - (top + lh + box_h(ui) + 20) - 16);
    const struct reg_place *match[256];
    int n = 0;
    for (int i = 0; i < s->nplaces && n < (int)ARRAY_LEN(match); i++)
        if (registration_place_matches(&s->places[i], s->filter))
            match[n++] = &s->places[i];
    if (n == 0) {
        struct ui_opts eo = {.size = SIZE_BODY, .role = ROLE_MUTED, .align = TEXT_CENTER,
                             .max_lines = 3};
        ui_label(ui, rect(list.x + 32, list.y + 40, list.w - 64, 140),
                 app_t(a, s->nplaces < 0 ? "reg.places_error" : "reg.pick_none"), &eo);
    } else {
        /* Rows as tall as the longest address needs: none is cut in half. */
        int lines = 1;
        for (int i = 0; i < n && lines < 2; i++)
            lines = kit_row_lines(ui, list.w, match[i]->name, match[i]->address, NULL);
        int hit = kit_list(a, ui, list, "reg.places", &s->pick_ls, n, kit_row_h(ui, lines),
                           place_row_cb, match);
        if (hit >= 0) {
            s->place = (int)(match[hit] - s->places);
            close_picker(s);
            return;
        }
    }
    struct kbd_action act;
    if (kbd_build(s->kbd, ui, l->kbd, app_t(a, "reg.filter"), &act))
        apply(s, &act);
}

static void build_dialog(struct app *a, struct ui *ui, struct reg *s, const struct form *fm)
{
    if (s->mode == M_DUP) {
        int centre = s->known.where == REG_CENTRE;
        int y = 0, m = 0, dd = 0;
        sscanf(s->dup_date, "%d-%d-%d", &y, &m, &dd);
        const char *when = a->lang == LANG_EN ? ui_strf(ui, "%s", s->dup_date)
                                              : ui_strf(ui, "%d年%d月%d日", y, m, dd);
        const char *body =
            centre ? ui_strf(ui, "%s%s%s%s%s%s%s", app_t(a, "reg.known_body1"),
                             s->known.masked_name, app_t(a, "reg.known_body2"), s->known.station,
                             app_t(a, "reg.known_body3"), when, app_t(a, "reg.known_body4"))
                   : ui_strf(ui, "%s%s%s", app_t(a, "reg.dup_body1"), when,
                             app_t(a, s->dup_early ? "reg.dup_body2_early" : "reg.dup_body2"));
        int r = ui_dialog(ui, app_t(a, centre ? "reg.known_title" : "reg.dup_title"), body,
                          app_t(a, "reg.cancel"),
                          app_t(a, centre ? "reg.known_update" : "reg.dup_update"));
        if (r == 1 && s->dup_early) {
            /* Go on filling in; 提交 then records the update without asking again. */
            s->is_update = 1;
            s->mode = M_FORM;
            focus_field(s, F_PHONE);
        } else if (r == 1) {
            submit(a, s, 1);
        } else if (r == 2) {
            s->mode = M_FORM;
            if (s->dup_early)
                focus_field(s, F_ID); /* perhaps a mistyped number */
        }
    } else if (ui_dialog(ui, app_t(a, "reg.failed_title"), app_t(a, "reg.failed_body"), NULL,
                         app_t(a, "reg.ok")) == 1) {
        s->mode = M_FORM;
    }
    (void)fm;
}

/* The success view: only masked data, the assigned station and what to bring.  Rows
 * are label and value side by side when the labels fit a third of the width (Chinese,
 * landscape), else the label above its value.  When it does not fit the screen (large
 * text, long English) the compact sizes are used. */
struct done_sizes {
    int title, value, key, body;     /* enum ui_size before the large-text factor */
};

static void build_done(struct app *a, struct ui *ui, struct reg *s, SDL_Rect c)
{
    static const struct done_sizes sizes[] = {
        {SIZE_HUGE, SIZE_LARGE, SIZE_LARGE, SIZE_BODY},
        {SIZE_TITLE, SIZE_BODY, SIZE_BODY, SIZE_SMALL},
    };
    int W = ui_width(ui), portrait = ui_portrait(ui);
    int cw = portrait ? W - 96 : 1400, w = cw - 120;
    const struct reg_place *p = &s->done_place;
    const char *keys[] = {"reg.name", "reg.id", "reg.station", "reg.addr_label",
                          "reg.phone_label", "reg.hours_label"};
    const char *vals[] = {s->done_name, s->done_id, p->name, p->address, p->phone, p->hours};
    enum { NV = 6 };
    const struct done_sizes *z = NULL;
    int kw = 0, stacked = 0, vw = w, vh[NV], title_h = 0, sub_h = 0, bring_h = 0, total = 0;
    int kline = 0, vline = 0;
    for (size_t t = 0; t < ARRAY_LEN(sizes); t++) {
        z = &sizes[t];
        int kpx = ui_px(ui, z->key), vpx = ui_px(ui, z->value), bpx = ui_px(ui, z->body);
        kw = 0;
        for (int i = 0; i < NV; i++) {
            int tw = text_w(s, ui, app_t(a, keys[i]), kpx);
            kw = tw > kw ? tw : kw;
        }
        kw += 40;
        stacked = kw > w / 3;
        vw = stacked ? w : w - kw;
        kline = kpx * 3 / 2;
        vline = vpx * 3 / 2;
        int rows_h = 0;
        for (int i = 0; i < NV; i++) {
            vh[i] = 0;
            if (!vals[i][0])
                continue;
            vh[i] = text_h(s, ui, vals[i], vpx, 1, vw, 3);
            if (vh[i] < vline)
                vh[i] = vline;
            rows_h += vh[i] + (stacked ? kline : 0) + 12;
        }
        title_h = ui_px(ui, z->title) * 3 / 2;
        sub_h = text_h(s, ui, app_t(a, "reg.done_sub"), bpx, 0, w, 3);
        bring_h = text_h(s, ui, app_t(a, "reg.bring"), bpx, 0, w - 56, 5);
        total = 32 + title_h + sub_h + 24 + rows_h + 8 + bring_h + 40 + 24 + 104 + 32;
        if (total <= c.h - 32)
            break;
    }
    int top = c.y + (c.h - total) / 2;
    if (top < c.y + 16)
        top = c.y + 16;
    SDL_Rect card = rect((W - cw) / 2, top, cw, total);
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, card, &co);
    int x = card.x + 60, y = card.y + 32;
    struct ui_opts ok = {.size = z->title, .bold = 1, .role = ROLE_OK, .align = TEXT_CENTER,
                         .max_lines = 1};
    ui_label(ui, rect(x, y, w, title_h), app_t(a, "reg.done_title"), &ok);
    y += title_h;
    struct ui_opts sub = {.size = z->body, .role = ROLE_MUTED, .align = TEXT_CENTER,
                          .max_lines = 3};
    ui_label(ui, rect(x, y, w, sub_h), app_t(a, "reg.done_sub"), &sub);
    y += sub_h + 24;
    struct ui_opts ko = {.size = stacked ? z->body : z->key, .role = ROLE_MUTED, .max_lines = 1};
    struct ui_opts vo = {.size = z->value, .bold = 1, .max_lines = 3};
    for (int i = 0; i < NV; i++) {
        if (!vals[i][0])
            continue;
        if (stacked) {
            ui_label(ui, rect(x, y, w, kline), app_t(a, keys[i]), &ko);
            y += kline;
            ui_label(ui, rect(x, y, w, vh[i]), vals[i], &vo);
        } else {
            ui_label(ui, rect(x, y, kw, vline), app_t(a, keys[i]), &ko);
            ui_label(ui, rect(x + kw, y, vw, vh[i]), vals[i], &vo);
        }
        y += vh[i] + 12;
    }
    y += 8;
    struct ui_opts bring = {.role = ROLE_ACCENT, .radius = 18};
    struct ui_opts bt = {.size = z->body, .max_lines = 5};
    ui_panel(ui, rect(x, y, w, bring_h + 40), &bring);
    ui_label(ui, rect(x + 28, y + 20, w - 56, bring_h), app_t(a, "reg.bring"), &bt);
    y += bring_h + 40 + 24;
    struct ui_opts done = {.role = ROLE_PRIMARY, .size = SIZE_LARGE};
    if (ui_button(ui, rect(card.x + (card.w - 420) / 2, y, 420, 104), app_t(a, "reg.done"),
                  &done))
        app_home(a);
}

static void reg_build(struct app *a, struct ui *ui)
{
    struct reg *s = state(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "home.register"));
    if (s->mode == M_DONE) {
        build_done(a, ui, s, c);
        return;
    }
    struct lay l = layout(ui, c, 0);
    struct form fm;
    check_form(a, s, &fm);
    auto_fill(s, &fm);
    check_form(a, s, &fm);
    check_duplicate(a, s, &fm);
    /* What is still missing, in as many lines as it needs (the bar grows for them). */
    int go;
    const char *status = status_text(a, ui, s, &fm, &go);
    int sw = l.bar.w - 300 - 20;
    int ssize = text_h(s, ui, status, ui_px(ui, SIZE_BODY), 1, sw - 16, 0) <= l.bar.h - 36
                    ? SIZE_BODY
                    : SIZE_SMALL;
    int sneed = text_h(s, ui, status, ui_px(ui, ssize), 1, sw - 16, 0);
    if (sneed > l.bar.h - 36)
        l = layout(ui, c, sneed - (l.bar.h - 36));

    struct build_ctx b = {.a = a, .s = s, .fm = &fm, .w = l.form.w - 40, .view = l.form,
                          .hit_field = -1};
    lay_rows(&b, ui);
    if (s->scroll)
        scroll_into_view(&b);
    ui_list(ui, l.form, "reg.form", &s->form_ls, 1, b.content_h, form_row_cb, &b);

    /* The bar under the form: what is still missing (tapping it goes there), 提交.  Two
     * lines of body text; a long list (English, large text) takes the smaller size and
     * the lines it needs. */
    struct ui_opts so = {.size = ssize, .max_lines = 6, .role = fm.ready ? ROLE_OK : ROLE_NORMAL};
    int status_hit = 0;
    if (fm.ready) {
        struct ui_opts lo = {.size = ssize, .max_lines = 6, .role = ROLE_OK, .bold = 1};
        ui_label(ui, rect(l.bar.x + 8, l.bar.y, sw, l.bar.h), status, &lo);
    } else {
        status_hit = ui_button(ui, rect(l.bar.x, l.bar.y + 10, sw, l.bar.h - 20), status, &so);
    }
    /* Greyed until the form is ready, yet a tap on it goes to the first gap and says what
     * is needed there. */
    struct ui_opts sub = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .disabled = !fm.ready,
                          .tappable = !fm.ready};
    int submit_hit = ui_button(ui, rect(l.bar.x + l.bar.w - 300, l.bar.y + 10, 300, l.bar.h - 20),
                               app_t(a, "form.submit"), &sub);

    if (s->mode == M_FORM) {
        struct kbd_action act;
        if (kbd_build(s->kbd, ui, l.kbd,
                      kit_step(a, ui, app_t(a, fdefs[s->focus].label), step_of(s->focus),
                               STEPS),
                      &act))
            apply(s, &act);
    } else if (s->mode == M_PICKER) {
        build_picker(a, ui, s, &l);
    } else {
        build_dialog(a, ui, s, &fm);
    }

    /* Activations are acted on after the whole frame is laid out, so the state each
     * widget was built from stays the same for the whole build. */
    if (b.hit_field >= 0) {
        focus_field(s, b.hit_field);
    } else if (b.hit_sex) {
        s->sex = b.hit_sex;
    } else if (b.hit_place) {
        open_picker(s);
    } else if (b.hit_consent) {
        s->consent = !s->consent;
    } else if (submit_hit && fm.ready) {
        try_submit(a, s, &fm);
    } else if (status_hit || submit_hit) {
        /* The status line, or the greyed 提交, goes to the first gap; 提交 also makes
         * every gap say what it needs. */
        s->tried |= submit_hit;
        if (go >= 0)
            focus_field(s, go);
        else if (go == -2)
            open_picker(s);
        else if (go == -1)
            s->scroll = 2;
    }
    util_wipe(&fm, sizeof fm);
    /* The registration ends on its receipt (QR, printing); coming back from it shows
     * the success view underneath, which holds only masked data. */
    if (s->receipt_due) {
        s->receipt_due = 0;
        app_show_receipt(a, s->done_uuid);
    }
}

/* ---- screen life cycle ------------------------------------------------------------ */

static void reg_enter(struct app *a, const void *arg)
{
    struct reg *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    struct pinyin *py = kbd_engine(&a->pinyin, a->cfg.data_dir);
    s->kbd = kbd_create(py, reg_tr, a);
    kbd_use_handwriting(s->kbd, &a->handwriting);
    s->nplaces = registration_places(a->st, &s->places);
    s->rule = certrule_load(a->st, &a->cfg);
    wipe_form(s);
    focus_field(s, F_NAME);
}

static void reg_leave(struct app *a)
{
    struct reg *s = state(a);
    if (!s)
        return;
    kbd_destroy(s->kbd); /* pinyin_reset: nothing typed survives in librime */
    free(s->places);
    certrule_free(s->rule);
    util_wipe(s, sizeof *s);
    free(s);
    *app_slot(a) = NULL;
}

static int reg_event(struct app *a, const SDL_Event *ev)
{
    struct reg *s = state(a);
    if (!s || (s->mode != M_FORM && s->mode != M_PICKER))
        return 0;
    struct kbd_action act;
    if (!kbd_event(s->kbd, ev, &act))
        return 0;
    apply(s, &act);
    return 1;
}

/* Anything typed or chosen and not yet submitted; the success view holds none. */
static int reg_has_input(struct app *a)
{
    struct reg *s = state(a);
    if (!s || s->mode == M_DONE)
        return 0;
    for (int f = 0; f < F_COUNT; f++)
        if (s->val[f][0])
            return 1;
    return s->place >= 0 || s->consent || s->sex;
}

/* A scanner read on this form is the activity certificate's code (the only code a
 * member carries); it fills 活动证编号 instead of leaving the form for check-in. */
static void reg_scan(struct app *a, const char *code)
{
    struct reg *s = state(a);
    if (s && s->mode == M_DONE) {
        /* Registered and wiped: a scan now is a check-in, as anywhere else. */
        app_home(a);
        app_push(a, &screen_checkin, code);
        return;
    }
    /* Under a dialog or the picker the scan is dropped rather than lose the form. */
    if (!s || s->mode != M_FORM)
        return;
    util_wipe(s->val[F_CERT], VAL_SIZE);
    buf_insert(s->val[F_CERT], fdefs[F_CERT].cap, F_CERT, code);
    focus_field(s, F_CERT);
}

const struct screen screen_register = {
    .name = "register", .title_key = "home.register",
    .enter = reg_enter, .leave = reg_leave, .build = reg_build,
    .event = reg_event, .scan = reg_scan, .has_input = reg_has_input, .writes = 1,
};
