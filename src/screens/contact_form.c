/* contact_form — see contact_form.h. */
#include "screens/contact_form.h"

#include "app/app.h"
#include "core/util.h"
#include "input/keyboard.h"
#include "screens/kit.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_NAME, F_PHONE, F_COUNT };

#define VAL_SIZE 260
#define BAR_H 120

static const struct {
    const char *label, *hint;
    enum kbd_kind kbd;
    int cap; /* characters: one more than valid, so "too long" can show */
} fdefs[F_COUNT] = {
    [F_NAME] = {"contact.name", "contact.hint.name", KBD_TEXT, VALIDATE_NAME_MAX + 1},
    [F_PHONE] = {"contact.phone", "contact.hint.phone", KBD_PHONE, 20},
};

struct cform {
    struct kbd *kbd;
    char val[F_COUNT][VAL_SIZE];
    int focus;
    int visited[F_COUNT];     /* the person has left the field once: errors may show */
    int submit_pending;       /* Return / 下一项 on a valid phone */
    int tried;                /* 提交 was tapped before the form was ready: say what is missing */
};

static const char *tr(void *ctx, const char *key) { return app_t(ctx, key); }

struct cform *cform_create(struct app *a)
{
    struct cform *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->kbd = kbd_create(kbd_engine(&a->pinyin, a->cfg.data_dir), tr, a);
    kbd_use_handwriting(f->kbd, &a->handwriting);
    kbd_set_kind(f->kbd, fdefs[F_NAME].kbd);
    return f;
}

void cform_wipe(struct cform *f)
{
    if (!f)
        return;
    util_wipe(f->val, sizeof f->val);
    memset(f->visited, 0, sizeof f->visited);
    f->submit_pending = 0;
    f->tried = 0;
    f->focus = F_NAME;
    kbd_reset(f->kbd);
    kbd_set_kind(f->kbd, fdefs[F_NAME].kbd);
}

void cform_destroy(struct cform *f)
{
    if (!f)
        return;
    kbd_destroy(f->kbd); /* pinyin_reset: nothing typed survives in librime */
    util_wipe(f, sizeof *f);
    free(f);
}

/* ---- values ------------------------------------------------------------------------ */

static enum validate_result check(const struct cform *f, int i, int *detail)
{
    char norm[VAL_SIZE];
    enum validate_result r;
    *detail = 0;
    if (!f->val[i][0])
        return VALIDATE_EMPTY;
    if (i == F_NAME)
        r = validate_name(f->val[i], norm, VALIDATE_NAME_SIZE, detail);
    else
        r = validate_phone(f->val[i], norm, VALIDATE_PHONE_SIZE, detail);
    util_wipe(norm, sizeof norm);
    return r;
}

int cform_has_input(const struct cform *f)
{
    for (int i = 0; i < F_COUNT; i++)
        if (f->val[i][0])
            return 1;
    return 0;
}

int cform_values(const struct cform *f, char name[VALIDATE_NAME_SIZE],
                 char phone[VALIDATE_PHONE_SIZE])
{
    if (validate_name(f->val[F_NAME], name, VALIDATE_NAME_SIZE, NULL) == VALIDATE_OK &&
        validate_phone(f->val[F_PHONE], phone, VALIDATE_PHONE_SIZE, NULL) == VALIDATE_OK)
        return 0;
    util_wipe(name, VALIDATE_NAME_SIZE);
    util_wipe(phone, VALIDATE_PHONE_SIZE);
    return -1;
}

static int ready(const struct cform *f)
{
    int d;
    return check(f, F_NAME, &d) == VALIDATE_OK && check(f, F_PHONE, &d) == VALIDATE_OK;
}

/* Appends whole characters, at most cap in all; digits typed as full-width forms (an
 * input method) become ASCII in the phone field. */
static void insert(struct cform *f, int i, const char *text)
{
    char tmp[PINYIN_COMMIT_MAX + 8];
    util_strlcpy(tmp, text, sizeof tmp);
    if (i == F_PHONE)
        validate_normalize(tmp);
    utf8_append(f->val[i], VAL_SIZE, (size_t)fdefs[i].cap, tmp);
    util_wipe(tmp, sizeof tmp);
}

static void focus(struct cform *f, int i)
{
    if (f->focus != i)
        f->visited[f->focus] = 1;
    if (f->focus != i || kbd_get_kind(f->kbd) != fdefs[i].kbd)
        kbd_set_kind(f->kbd, fdefs[i].kbd);
    f->focus = i;
}

static void apply(struct cform *f, struct kbd_action *act)
{
    if (act->text[0])
        insert(f, f->focus, act->text);
    if (act->del)
        utf8_wipe_last(f->val[f->focus]);
    if (act->next) {
        if (f->focus == F_NAME) {
            focus(f, F_PHONE);
        } else {
            f->visited[F_PHONE] = 1;
            if (ready(f))
                f->submit_pending = 1;
            else if (check(f, F_NAME, &(int){0}) != VALIDATE_OK)
                focus(f, F_NAME);
        }
    }
    util_wipe(act, sizeof *act);
}

int cform_event(struct cform *f, const SDL_Event *ev)
{
    struct kbd_action act;
    if (!f || !kbd_event(f->kbd, ev, &act))
        return 0;
    apply(f, &act);
    return 1;
}

/* ---- layout ------------------------------------------------------------------------ */

/* Whether more typing may still make the value right: then only a quiet hint shows. */
static int still_typing(enum validate_result r, int detail)
{
    return r == VALIDATE_PHONE_LENGTH && detail < 11;
}

static const char *field_hint(struct cform *f, struct app *a, struct ui *ui, int i, int *err)
{
    int detail;
    enum validate_result r = check(f, i, &detail);
    *err = 0;
    int show = r != VALIDATE_OK && r != VALIDATE_EMPTY &&
               (f->tried || f->focus != i || !still_typing(r, detail)) &&
               (f->tried || f->visited[i] || f->focus != i || r != VALIDATE_PHONE_LENGTH);
    if (show) {
        char msg[VALIDATE_MSG_SIZE];
        *err = 1;
        return ui_strf(ui, "%s",
                       validate_message_fmt(r, a->lang == LANG_EN ? VALIDATE_EN : VALIDATE_ZH,
                                            detail, msg, sizeof msg));
    }
    if (i == F_PHONE && f->focus == i && f->val[i][0] && r != VALIDATE_OK)
        return ui_strf(ui, "%s %d / 11", app_t(a, "contact.typed"), (int)utf8_count(f->val[i]));
    /* Empty: said once the person has moved on, or tapped the greyed 提交. */
    if (r == VALIDATE_EMPTY && (f->tried || (f->visited[i] && f->focus != i))) {
        *err = 1;
        return app_t(a, i == F_PHONE ? "contact.need.phone" : "contact.need.name");
    }
    return app_t(a, fdefs[i].hint);
}

enum cform_result cform_build(struct cform *f, struct app *a, struct ui *ui, SDL_Rect c,
                              const char *title, const char *detail, int busy)
{
    SDL_Rect rest, kb = kbd_place(ui, c, &rest);
    SDL_Rect form = rect(rest.x + 32, rest.y + 24, rest.w - 52, rest.h - 40);
    int x = form.x, w = form.w, y = form.y;

    /* What this is about: a gold card, the errand large, the subject under it.  When
     * the form would not fit (large text, long English), the card gives way first: the
     * subject (the detail screen before showed it, the receipt repeats it) goes whole,
     * never cut short; the title always stays whole. */
    int lh = ui_px(ui, SIZE_BODY) * 3 / 2, bh = ui_px(ui, SIZE_LARGE) * 3 / 2 + 28,
        hh = ui_px(ui, SIZE_SMALL) * 3 / 2;
    int fields_h = 0;
    for (int i = 0; i < F_COUNT; i++) {
        int err;
        const char *hint = field_hint(f, a, ui, i, &err);
        int two = ui_text_height(ui, hint, SIZE_SMALL, err, w - 8, 2) > hh;
        fields_h += lh + bh + (two ? 2 * hh + 4 : hh) + 20;
    }
    int budget = form.h - fields_h - BAR_H - 12 - 28;
    int tl = 0, dl = 0;
    int th = ui_text_height(ui, title, SIZE_LARGE, 1, w - 56, tl);
    int dh = detail && *detail ? ui_text_height(ui, detail, SIZE_BODY, 0, w - 56, dl) : 0;
    int ch = 24 + th + (dh ? 8 + dh : 0) + 24;
    if (ch > budget && dh) {
        dh = 0;
        ch = 24 + th + 24;
    }
    struct ui_opts card = {.role = ROLE_ACCENT, .radius = 20};
    ui_panel(ui, rect(x, y, w, ch), &card);
    struct ui_opts to = {.size = SIZE_LARGE, .bold = 1, .max_lines = tl};
    ui_label(ui, rect(x + 28, y + 24, w - 56, th), title, &to);
    if (dh) {
        struct ui_opts doo = {.size = SIZE_BODY, .max_lines = dl};
        ui_label(ui, rect(x + 28, y + 24 + th + 8, w - 56, dh), detail, &doo);
    }
    y += ch + 28;

    int hit = -1;
    for (int i = 0; i < F_COUNT; i++) {
        int err;
        const char *hint = field_hint(f, a, ui, i, &err);
        /* A long sentence (English, large text) gets a second line under the field. */
        int lines = ui_text_height(ui, hint, SIZE_SMALL, err, w - 8, 2) > hh ? 2 : 1;
        struct ui_opts o = {.role = err ? ROLE_ERROR : ROLE_NORMAL, .focused = f->focus == i,
                            .hint = lines == 1 ? hint : NULL};
        int fh = lh + bh + (lines == 1 ? hh : 0);
        if (ui_field(ui, rect(x, y, w, fh), app_t(a, fdefs[i].label), f->val[i], &o))
            hit = i;
        y += fh;
        if (lines > 1) {
            struct ui_opts ho = {.size = SIZE_SMALL, .bold = err,
                                 .role = err ? ROLE_ERROR : ROLE_MUTED, .max_lines = 2};
            ui_label(ui, rect(x + 4, y + 2, w - 8, 2 * hh), hint, &ho);
            y += 2 * hh + 4;
        }
        y += 20;
    }
    struct ui_opts no = {.size = SIZE_SMALL, .role = ROLE_MUTED, .max_lines = 3};
    int nh = ui_text_height(ui, app_t(a, "contact.notice"), SIZE_SMALL, 0, w, 3);
    SDL_Rect bar = rect(x, form.y + form.h - BAR_H, w, BAR_H);
    if (y + nh <= bar.y - 12)
        ui_label(ui, rect(x, y, w, nh), app_t(a, "contact.notice"), &no);

    int ok = ready(f);
    struct ui_opts qo = {.role = ROLE_QUIET, .size = SIZE_LARGE, .disabled = busy};
    /* Greyed until both are right, yet a tap on it goes to what is missing and says so. */
    struct ui_opts so = {.role = ROLE_PRIMARY, .size = SIZE_TITLE, .disabled = busy || !ok,
                         .tappable = !busy && !ok};
    int cw = (w - 24) * 2 / 5;
    int cancel = ui_button(ui, rect(bar.x, bar.y, cw, bar.h), app_t(a, "contact.cancel"), &qo);
    int submit = ui_button(ui, rect(bar.x + cw + 24, bar.y, w - cw - 24, bar.h),
                           app_t(a, "form.submit"), &so);

    /* Under a dialog the keyboard stays in place (dimmed) but takes no keys. */
    struct kbd_action act;
    if (kbd_build(f->kbd, ui, kb, kit_step(a, ui, app_t(a, fdefs[f->focus].label), f->focus + 1,
                                           F_COUNT),
                  &act)) {
        if (!busy)
            apply(f, &act);
        util_wipe(&act, sizeof act);
    }

    if (busy)
        return CFORM_NONE;
    if (hit >= 0) {
        focus(f, hit);
        return CFORM_NONE;
    }
    if (cancel)
        return CFORM_CANCEL;
    if (submit && !ok) {
        f->tried = 1;
        int d;
        focus(f, check(f, F_NAME, &d) != VALIDATE_OK ? F_NAME : F_PHONE);
        return CFORM_NONE;
    }
    if ((submit || f->submit_pending) && ready(f)) {
        f->submit_pending = 0;
        return CFORM_SUBMIT;
    }
    f->submit_pending = 0;
    return CFORM_NONE;
}

/* ---- the errand's form screen ------------------------------------------------------ */

void cform_page_open(struct cform_page *p, struct app *a, const char *title_key,
                     const char *what, const char *detail, cform_save_fn save,
                     const void *subject)
{
    memset(p, 0, sizeof *p);
    p->form = cform_create(a);
    p->title_key = title_key;
    util_strlcpy(p->what, what ? what : "", sizeof p->what);
    util_strlcpy(p->detail, detail ? detail : "", sizeof p->detail);
    p->save = save;
    p->subject = subject;
}

void cform_page_close(struct cform_page *p)
{
    cform_destroy(p->form);
    p->form = NULL;
}

void cform_page_say(struct cform_page *p, const char *key, int leave)
{
    p->message = key;
    p->leave_after = leave;
}

int cform_page_build(struct cform_page *p, struct app *a, struct ui *ui, SDL_Rect c,
                     const char *title, const char *detail)
{
    /* A full disk: said over the form before anyone types, and 知道了 goes back. */
    if (a->disk_low && !p->message)
        cform_page_say(p, "disk.full", 1);
    enum cform_result r = cform_build(p->form, a, ui, c, title, detail, p->message != NULL);
    if (p->message) {
        if (kit_dialog(ui, app_t(a, p->message), app_t(a, "contact.ok"))) {
            p->message = NULL;
            if (p->leave_after) {
                app_pop(a);
                return 1;
            }
        }
        return 0;
    }
    if (r == CFORM_CANCEL) {
        app_leave(a, 0); /* asks first when something was typed */
        return 0;
    }
    if (r != CFORM_SUBMIT)
        return 0;
    char name[VALIDATE_NAME_SIZE], phone[VALIDATE_PHONE_SIZE], uuid[37];
    if (cform_values(p->form, name, phone) < 0)
        return 0;
    int leave = 0;
    const char *why = p->save(a, p->subject, name, phone, uuid, &leave);
    util_wipe(name, sizeof name);
    util_wipe(phone, sizeof phone);
    if (why) {
        cform_page_say(p, why, leave);
        return 0;
    }
    /* Done: the form (and what was typed) goes, the receipt comes up over the subject. */
    app_pop(a);
    app_show_receipt(a, uuid);
    return 1;
}

int cform_page_event(struct cform_page *p, const SDL_Event *ev)
{
    return !p->message && cform_event(p->form, ev);
}

void cform_screen_build(struct app *a, struct ui *ui)
{
    struct cform_page *p = *app_slot(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, p->title_key));
    cform_page_build(p, a, ui, c, p->what, p->detail);
}

void cform_screen_leave(struct app *a)
{
    struct cform_page *p = *app_slot(a);
    if (p)
        cform_page_close(p);
    app_free_state(a);
}

int cform_screen_has_input(struct app *a)
{
    struct cform_page *p = *app_slot(a);
    return p && cform_has_input(p->form);
}

int cform_screen_event(struct app *a, const SDL_Event *ev)
{
    return cform_page_event(*app_slot(a), ev);
}
