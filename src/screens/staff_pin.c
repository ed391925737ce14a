/* staff_pin — the keypad behind Home's hidden corner: the staff PIN, shown only as dots,
 * confirmed with 确认; the right PIN opens the staff screen (screens/staff.c).
 *
 * Wrong PINs lock the keypad as staffauth.h says (a growing delay that survives a
 * restart); while locked the keys are greyed and a sentence counts the time down.  With
 * no PIN set the keypad stays greyed and says that staff mode is off and how to set a
 * PIN.  A public person who found the corner learns nothing but that a PIN is needed.
 *
 * Owns: the digits typed (wiped after each try and on leave).  Never does: keep, log or
 * show a PIN; SQL (app/staffops.h). */
#include "app/app.h"
#include "screens/kit.h"
#include "app/staffops.h"

#include "core/util.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum msg { MSG_NONE, MSG_WRONG, MSG_SHORT, MSG_ERROR };

struct pin_state {
    char digits[STAFFAUTH_PIN_MAX + 1];
    int n;
    int is_set;            /* 1 set, 0 not set (staff mode off), -1 database error */
    int64_t locked_until;  /* 0: not locked */
    enum msg msg;
};

/* Text sizes here are the staff's, not the public's: large-text mode (a switch for
 * the public on Home) would not fit these dense layouts, so its factor is taken back. */
static int px(const struct ui *ui, int size) { return ui_large_text(ui) ? size * 10 / 13 : size; }

static struct pin_state *state(struct app *a) { return *app_slot(a); }

static void clear_digits(struct pin_state *s)
{
    util_wipe(s->digits, sizeof s->digits);
    s->n = 0;
}

static int locked(struct app *a, struct pin_state *s)
{
    return s->locked_until && app_now(a) < s->locked_until;
}

static int usable(struct app *a, struct pin_state *s) { return s->is_set == 1 && !locked(a, s); }

static void type_digit(struct app *a, struct pin_state *s, char d)
{
    if (!usable(a, s) || s->n >= STAFFAUTH_PIN_MAX)
        return;
    s->digits[s->n++] = d;
    s->digits[s->n] = 0;
    s->msg = MSG_NONE;
}

static void backspace(struct pin_state *s)
{
    if (s->n > 0)
        s->digits[--s->n] = 0;
    s->msg = MSG_NONE;
}

static void confirm(struct app *a, struct pin_state *s)
{
    if (!usable(a, s))
        return;
    if (s->n < STAFFAUTH_PIN_MIN) {
        /* Too short to be any PIN: say so without spending one of the tries. */
        s->msg = MSG_SHORT;
        return;
    }
    int64_t now = app_now(a), retry = 0;
    enum staffauth_result r = staffops_try_pin(a->st, s->digits, now, &retry);
    clear_digits(s);
    switch (r) {
    case STAFFAUTH_OK:
        app_pop(a); /* wipes this screen's state: s is gone */
        app_push(a, &screen_staff, NULL);
        return;
    case STAFFAUTH_WRONG:
        s->msg = MSG_WRONG;
        s->locked_until = retry;
        break;
    case STAFFAUTH_LOCKED:
        s->msg = MSG_NONE;
        s->locked_until = retry;
        break;
    case STAFFAUTH_NOT_SET:
        s->is_set = 0;
        break;
    default:
        s->msg = MSG_ERROR;
        break;
    }
}

/* "4 分 30 秒" / "4 min 30 s", rounded up to the second, in the frame arena. */
static const char *duration(struct app *a, struct ui *ui, int64_t ms)
{
    int64_t secs = (ms + 999) / 1000;
    if (secs < 1)
        secs = 1;
    if (secs < 60)
        return KIT_FILL(ui, app_t(a, "staff.time.s"), ui_strf(ui, "%d", (int)secs));
    const char *m = KIT_FILL(ui, app_t(a, "staff.time.ms"), ui_strf(ui, "%d", (int)(secs / 60)));
    return KIT_FILL(ui, m, ui_strf(ui, "%d", (int)(secs % 60)));
}

/* ---- layout ------------------------------------------------------------------------- */

static void build_keypad(struct app *a, struct ui *ui, struct pin_state *s, SDL_Rect r)
{
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6",
                                         "7", "8", "9", NULL, "0", NULL};
    int on = usable(a, s);
    for (int i = 0; i < 12; i++) {
        SDL_Rect row = rect_row(r, 4, i / 3, 18);
        SDL_Rect cell = rect_col(row, 3, i % 3, 18);
        struct ui_opts o = {.size = px(ui, SIZE_HUGE), .disabled = !on};
        if (keys[i]) {
            if (ui_key(ui, cell, keys[i], &o))
                type_digit(a, s, keys[i][0]);
        } else if (i == 9) {
            o.size = px(ui, SIZE_TITLE);
            o.role = ROLE_MUTED;
            o.disabled = !on || s->n == 0;
            if (ui_key(ui, cell, app_t(a, "staff.pin.delete"), &o))
                backspace(s);
        } else {
            o.size = px(ui, SIZE_TITLE);
            o.role = ROLE_PRIMARY;
            o.disabled = !on || s->n == 0;
            if (ui_key(ui, cell, app_t(a, "staff.pin.confirm"), &o)) {
                confirm(a, s);
                return; /* the screen may be gone */
            }
        }
    }
}

/* The dots, or the hint while nothing is typed. */
static void build_display(struct app *a, struct ui *ui, struct pin_state *s, SDL_Rect r)
{
    struct ui_opts box = {.role = ROLE_NORMAL, .radius = 20};
    ui_panel(ui, r, &box);
    if (s->n == 0) {
        struct ui_opts h = {.size = px(ui, SIZE_LARGE), .role = ROLE_MUTED, .align = TEXT_CENTER,
                            .max_lines = 1};
        ui_label(ui, r, app_t(a, "staff.pin.hint"), &h);
        return;
    }
    char dots[STAFFAUTH_PIN_MAX * 4 + 1] = "";
    for (int i = 0; i < s->n; i++)
        strcat(dots, i ? " ●" : "●"); /* at most 4 bytes each: fits */
    struct ui_opts d = {.size = px(ui, SIZE_TITLE), .align = TEXT_CENTER, .max_lines = 1};
    ui_label(ui, r, dots, &d);
}

/* The sentence under the dots: why the keypad is off, the lock, or the last mistake. */
static void build_message(struct app *a, struct ui *ui, struct pin_state *s, SDL_Rect r)
{
    struct ui_opts m = {.size = px(ui, SIZE_BODY), .role = ROLE_ERROR, .align = TEXT_CENTER,
                        .max_lines = 3};
    const char *text = NULL;
    if (s->is_set == 0) {
        text = ui_strf(ui, "%s\n%s", app_t(a, "staff.pin.off"), app_t(a, "staff.pin.off_how"));
    } else if (s->is_set < 0 || s->msg == MSG_ERROR) {
        text = app_t(a, "staff.pin.error");
    } else if (locked(a, s)) {
        const char *t = duration(a, ui, s->locked_until - app_now(a));
        const char *tmpl = app_t(a, s->msg == MSG_WRONG ? "staff.pin.wrong_locked"
                                                        : "staff.pin.locked");
        text = KIT_FILL(ui, tmpl, t);
    } else if (s->msg == MSG_WRONG) {
        text = app_t(a, "staff.pin.wrong");
    } else if (s->msg == MSG_SHORT) {
        text = app_t(a, "staff.pin.short");
    }
    if (text)
        ui_label(ui, r, text, &m);
}

static void pin_build(struct app *a, struct ui *ui)
{
    struct pin_state *s = state(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "staff.pin.title"));
    struct ui_opts head = {.size = px(ui, SIZE_TITLE), .bold = 1, .align = TEXT_CENTER, .max_lines = 1};
    struct ui_opts sub = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .align = TEXT_CENTER,
                          .max_lines = 2};
    SDL_Rect title, note, display, message, keypad;
    if (ui_portrait(ui)) {
        int x = 140, w = c.w - 280, y = c.y + 190;
        title = rect(x, y, w, 80);
        note = rect(x, y + 90, w, 60);
        display = rect(x + 60, y + 190, w - 120, 120);
        message = rect(x, y + 330, w, 130);
        keypad = rect(x, y + 480, w, 860);
    } else {
        /* Text left, keypad right, both centred on the screen's middle line. */
        int lx = 150, lw = 760, kx = 1010, kw = 760;
        title = rect(lx, c.y + 250, lw, 80);
        note = rect(lx, c.y + 340, lw, 60);
        display = rect(lx + 60, c.y + 430, lw - 120, 120);
        message = rect(lx, c.y + 580, lw, 130);
        keypad = rect(kx, c.y + 60, kw, c.h - 120);
    }
    ui_label(ui, title, app_t(a, "staff.pin.prompt"), &head);
    ui_label(ui, note, app_t(a, "staff.pin.note"), &sub);
    build_display(a, ui, s, display);
    build_message(a, ui, s, message);
    build_keypad(a, ui, s, keypad);
}

static void pin_enter(struct app *a, const void *arg)
{
    struct pin_state *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    /* A full disk: the reserve goes now, so that the PIN check (it writes) and the day's
     * collection have room. */
    app_staff_space(a);
    s->is_set = staffauth_is_set(a->st);
    s->locked_until = staffops_pin_locked_until(a->st, app_now(a));
    staffops_log(a->st, app_now(a), "staff_keypad", "");
}

static void pin_leave(struct app *a)
{
    struct pin_state *s = state(a);
    if (!s)
        return;
    util_wipe(s, sizeof *s);
    free(s);
    *app_slot(a) = NULL;
}

static int pin_event(struct app *a, const SDL_Event *ev)
{
    struct pin_state *s = state(a);
    if (ev->type == SDL_TEXTINPUT) {
        for (const char *t = ev->text.text; *t; t++)
            if (*t >= '0' && *t <= '9')
                type_digit(a, s, *t);
        return 1;
    }
    if (ev->type != SDL_KEYDOWN)
        return 0;
    switch (ev->key.keysym.sym) {
    case SDLK_BACKSPACE: backspace(s); return 1;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: confirm(a, s); return 1;
    default: return 0;
    }
}

static int64_t pin_next_timer(struct app *a)
{
    struct pin_state *s = state(a);
    if (!locked(a, s))
        return INT64_MAX;
    /* The countdown shows whole seconds: wake when the number changes, and at the end. */
    int64_t left = s->locked_until - app_now(a);
    int64_t step = left % 1000 ? left % 1000 : 1000;
    return app_now(a) + step;
}

static void pin_timer(struct app *a, int64_t now)
{
    struct pin_state *s = state(a);
    if (s->locked_until && now >= s->locked_until) {
        s->locked_until = 0;
        s->msg = MSG_NONE;
    }
}

const struct screen screen_staff_pin = {
    .name = "staff_pin", .title_key = "staff.pin.title",
    .enter = pin_enter, .leave = pin_leave, .build = pin_build,
    .event = pin_event,
    .next_timer = pin_next_timer, .timer = pin_timer,
};
