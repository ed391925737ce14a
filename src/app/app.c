/* app — see app.h.  The idle reset and the scanner filter live here because they cut
 * across every screen. */
#include "app/app.h"
#include "app/staffops.h"
#include "app/help.h"

#include "app/receipts.h"
#include "core/util.h"
#include "input/handwriting.h"
#include "input/pinyin.h"
#include "store/rescue.h"
#include "store/clock.h"
#include "store/space.h"
#include "store/store.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAME_MS 16

/* The top screen's leave(), or freeing its state when it has none. */
static void leave_top(struct app *a)
{
    const struct screen *s = app_top(a);
    if (s->leave)
        s->leave(a);
    else
        app_free_state(a);
}

void app_init(struct app *a, const struct config *cfg, struct store *st, struct i18n *cat,
              struct ui *ui, int virtual_clock, int64_t start_ms)
{
    memset(a, 0, sizeof *a);
    a->virtual_clock = virtual_clock;
    a->virt_ms = start_ms;
    a->cfg = *cfg;
    a->st = st;
    a->cat = cat;
    a->ui = ui;
    a->lang = strcmp(cfg->language, "en") == 0 ? LANG_EN : LANG_ZH;
    ui_set_large_text(ui, cfg->large_text);
    a->start_ms = app_now(a);
    a->last_input_ms = a->start_ms;
    a->upload = staffops_upload_create(cfg, a->start_ms, virtual_clock);
    a->help = help_create(cfg);
    a->file_check_at = a->start_ms + (int64_t)cfg->store_file_check_s * 1000;
    a->out_of_service = st == NULL;
    a->oos_retry_at = a->start_ms + APP_OOS_RETRY_MS;
    a->disk_free = -1;
    if (st) {
        store_set_min_free(st, (int64_t)cfg->store_min_free_mb << 20);
        app_disk_update(a);
        app_clock_update(a);
    }
    a->stack[0] = a->out_of_service ? &screen_out_of_service : &screen_home;
    a->depth = 1;
    if (a->stack[0]->enter)
        a->stack[0]->enter(a, NULL);
}

/* Leaves every screen, the base one included, and puts base at the bottom. */
static void replace_stack(struct app *a, const struct screen *base)
{
    a->discarding = 1;
    app_home(a);
    leave_top(a);
    a->discarding = 0;
    a->screen_state[0] = NULL;
    a->stack[0] = base;
    if (base->enter)
        base->enter(a, NULL);
    a->staff_mode = 0;
    a->idle_countdown = 0;
    a->help_notice_until = 0;
    ui_pointer_cancel(a->ui);
    ui_forget_text(a->ui);
}

int app_disk_update(struct app *a)
{
    int64_t now = app_now(a);
    a->disk_check_at = now + (a->disk_low ? APP_DISK_RETRY_MS : 60000);
    if (!a->st)
        return a->disk_low;
    int64_t free;
    int low = store_space_low(a->st, &free);
    a->disk_free = free;
    if (low != a->disk_low) {
        char mb[48];
        snprintf(mb, sizeof mb, "%lld MB free", (long long)(free >> 20));
        a->disk_low = low;
        a->disk_check_at = now + (low ? APP_DISK_RETRY_MS : 60000);
        store_event(a->st, now, low ? "disk_low" : "disk_ok", mb);
    }
    /* The reserve comes back once there is room for it above the limit. */
    if (!low && a->cfg.store_reserve_mb > 0)
        space_reserve_keep(a->cfg.data_dir, (int64_t)a->cfg.store_reserve_mb << 20,
                           (int64_t)a->cfg.store_min_free_mb << 20);
    return low;
}

int app_clock_update(struct app *a)
{
    if (!a->st)
        return a->clock.flags;
    int64_t now = app_now(a);
    /* The local rules are arithmetic, looked at every tick; the centre's comparison is
     * written by the upload worker's connection and read again each minute. */
    int with_centre = now >= a->clock_centre_at || now < a->clock_centre_at - 60000;
    if (with_centre)
        a->clock_centre_at = now + 60000;
    int centre = a->clock.flags & CLOCK_CENTRE;
    struct clock_verdict v;
    clock_judge(a->st, now, with_centre, &v);
    if (!with_centre) {
        v.flags |= centre;
        v.centre_known = a->clock.centre_known;
        v.centre_skew_s = a->clock.centre_skew_s;
        memcpy(v.centre_seen, a->clock.centre_seen, sizeof v.centre_seen);
    }
    if (v.flags != a->clock.flags) {
        char detail[320];
        clock_explain(&v, detail, sizeof detail);
        if (v.flags & CLOCK_CENTRE) {
            size_t n = strlen(detail);
            snprintf(detail + n, sizeof detail - n, "; %lld s off the centre's at %s",
                     (long long)v.centre_skew_s, v.centre_seen);
        }
        store_event(a->st, now, v.flags ? "clock_suspect" : "clock_ok", detail);
    }
    a->clock = v;
    return v.flags;
}

void app_staff_space(struct app *a)
{
    if (!app_disk_update(a))
        return;
    int64_t freed = space_reserve_release(a->cfg.data_dir);
    if (freed > 0) {
        char mb[48];
        snprintf(mb, sizeof mb, "%lld MB", (long long)(freed >> 20));
        store_event(a->st, app_now(a), "reserve_released", mb);
        app_disk_update(a);
    }
}

void app_lose_database(struct app *a)
{
    if (!a->st)
        return;
    enum store_loss l = store_lost(a->st);
    const char *what = l == STORE_LOSS_REPLACED ? "replaced" : "deleted";
    char detail[256], err[1024];
    snprintf(detail, sizeof detail, "the database file was %s under the running kiosk", what);
    /* The screens go first: they may hold statements on the connection. */
    replace_stack(a, &screen_out_of_service);
    struct store_incident inc;
    if (store_set_aside(a->cfg.data_dir, what, detail, app_now(a), a->st, &inc, err,
                        sizeof err) < 0)
        fprintf(stderr, "kiosk: %s\n", err);
    store_close(a->st);
    a->st = NULL;
    a->out_of_service = 1;
    a->oos_retry_at = app_now(a) + APP_OOS_RETRY_MS;
}

/* Out of service: is a database back (restored, or reset by staff)? */
static void try_resume(struct app *a, int64_t now)
{
    a->oos_retry_at = now + APP_OOS_RETRY_MS;
    struct store *st = NULL;
    struct store_incident inc;
    char err[1024];
    int rc = store_open_or_set_aside(a->cfg.data_dir, a->cfg.kiosk_id, now, &st, &inc, err,
                                     sizeof err);
    if (rc != 0)
        return;
    a->st = st;
    a->out_of_service = 0;
    a->file_check_at = now + (int64_t)a->cfg.store_file_check_s * 1000;
    store_set_min_free(st, (int64_t)a->cfg.store_min_free_mb << 20);
    app_disk_update(a);
    replace_stack(a, &screen_home);
    store_event(a->st, now, "service_resumed", "");
    if (a->on_database)
        a->on_database(a);
}

void app_fini(struct app *a)
{
    /* Results already in: the receipts table says how those jobs ended. */
    receipts_poll(a);
    a->discarding = 1;
    while (a->depth > 0) {
        leave_top(a);
        a->depth--;
    }
    a->discarding = 0;
    staffops_upload_destroy(a->upload);
    a->upload = NULL;
    help_destroy(a->help);
    a->help = NULL;
    util_wipe(a->scan_buf, sizeof a->scan_buf);
    pinyin_close(a->pinyin);
    a->pinyin = NULL;
    hw_close(a->handwriting);
    a->handwriting = NULL;
}

int64_t app_now(const struct app *a)
{
    if (a->virtual_clock)
        return a->virt_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void app_set_clock(struct app *a, int64_t ms) { a->virt_ms = ms; }

const char *app_t(const struct app *a, const char *key) { return i18n_get(a->cat, a->lang, key); }

const char *app_hall(const struct app *a)
{
    return a->lang == LANG_EN && a->cfg.hall_en[0] ? a->cfg.hall_en : a->cfg.hall;
}

void app_set_lang(struct app *a, enum lang l) { a->lang = l; }

const struct screen *app_top(const struct app *a) { return a->stack[a->depth - 1]; }

void **app_slot(struct app *a) { return &a->screen_state[a->depth - 1]; }

void *app_new_state(struct app *a, size_t size)
{
    void *s = calloc(1, size);
    if (!s)
        abort();
    *app_slot(a) = s;
    return s;
}

void app_free_state(struct app *a)
{
    free(*app_slot(a));
    *app_slot(a) = NULL;
}

void app_push(struct app *a, const struct screen *s, const void *arg)
{
    /* A form on a full disk: said before anyone types, never after they did. */
    if (s->writes && app_disk_update(a)) {
        s = &screen_disk_full;
        arg = NULL;
    }
    if (a->depth == APP_STACK_MAX) {
        /* Deeper than any path through the product: start over from Home instead. */
        app_home(a);
    }
    ui_pointer_cancel(a->ui);
    a->stack[a->depth] = s;
    a->screen_state[a->depth] = NULL;
    a->depth++;
    if (s->enter)
        s->enter(a, arg);
}

void app_pop(struct app *a)
{
    if (a->depth <= 1)
        return;
    ui_pointer_cancel(a->ui);
    leave_top(a);
    a->screen_state[a->depth - 1] = NULL;
    a->leave_asked = 0;
    a->depth--;
}

void app_home(struct app *a)
{
    if (a->depth <= 1)
        return;
    while (a->depth > 1)
        app_pop(a);
    /* A person's visit ends at Home: the rendered copies of what they typed go too. */
    ui_forget_text(a->ui);
}

void app_reset(struct app *a, const char *why)
{
    if (a->out_of_service)
        return;
    a->discarding = 1;
    app_home(a);
    a->discarding = 0;
    a->idle_countdown = 0;
    a->countdown_touched = 0;
    a->staff_mode = 0;
    a->help_notice_until = 0;
    a->lang = strcmp(a->cfg.language, "en") == 0 ? LANG_EN : LANG_ZH;
    ui_set_large_text(a->ui, a->cfg.large_text);
    a->scan_len = 0;
    util_wipe(a->scan_buf, sizeof a->scan_buf);
    /* The screens' keyboards wiped their strokes as they went; this is the belt. */
    if (a->handwriting)
        hw_clear(a->handwriting);
    /* Home itself may hold state (a half-entered PIN): enter it afresh. */
    leave_top(a);
    a->screen_state[0] = NULL;
    if (screen_home.enter)
        screen_home.enter(a, NULL);
    ui_forget_text(a->ui);
    store_event(a->st, app_now(a), "idle_reset", why);
}

/* ---- idle ------------------------------------------------------------------------- */

/* Nothing to protect on a fresh Home: no countdown there. */
static int at_rest(struct app *a)
{
    return a->depth == 1 && a->lang == (strcmp(a->cfg.language, "en") == 0 ? LANG_EN : LANG_ZH) &&
           ui_large_text(a->ui) == a->cfg.large_text && !a->staff_mode;
}

static int idle_timeout_ms(const struct app *a)
{
    return (a->staff_mode ? a->cfg.staff_idle_timeout_s : a->cfg.idle_timeout_s) * 1000;
}

/* A person in the middle of a form gets at least 30 s to answer "are you still there":
 * reading a question and finding the button takes an older person a while. */
#define INPUT_WARNING_S 30

static int has_input(struct app *a)
{
    const struct screen *s = app_top(a);
    return !a->staff_mode && s->has_input && s->has_input(a);
}

/* The idle timeout runs from the last input, or from when the notice that staff were
 * called went (a person waiting for staff is not idle). */
static int64_t idle_since(const struct app *a)
{
    return a->help_notice_until > a->last_input_ms ? a->help_notice_until : a->last_input_ms;
}

static int64_t idle_warn_at(struct app *a)
{
    int warn = a->cfg.idle_warning_s;
    if (has_input(a) && warn < INPUT_WARNING_S)
        warn = INPUT_WARNING_S;
    if (warn * 1000 > idle_timeout_ms(a))
        warn = idle_timeout_ms(a) / 1000;
    return idle_since(a) + idle_timeout_ms(a) - (int64_t)warn * 1000;
}

static int64_t idle_reset_at(const struct app *a)
{
    return idle_since(a) + idle_timeout_ms(a);
}

/* ---- scanner filter -------------------------------------------------------------------- */

static void deliver_text(struct app *a, const char *text)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    util_strlcpy(ev.text.text, text, sizeof ev.text.text);
    const struct screen *s = app_top(a);
    if (s->event)
        s->event(a, &ev);
}

static void flush_typed(struct app *a)
{
    /* The burst was too slow for a scanner: it was a person typing. */
    char one[2] = {0, 0};
    for (int i = 0; i < a->scan_len; i++) {
        one[0] = a->scan_buf[i];
        deliver_text(a, one);
    }
    a->scan_len = 0;
}

static void on_scan(struct app *a, const char *code)
{
    const struct screen *s = app_top(a);
    store_event(a->st, app_now(a), "scan", "");
    if (s->scan) {
        s->scan(a, code);
        return;
    }
    /* Any public screen: a scan means check-in, whatever was on screen. */
    app_home(a);
    app_push(a, &screen_checkin, code);
}

static int is_modifier(SDL_Keycode k)
{
    return (k >= SDLK_LCTRL && k <= SDLK_RGUI) || k == SDLK_CAPSLOCK || k == SDLK_NUMLOCKCLEAR ||
           k == SDLK_MODE;
}

static int is_keypad(SDL_Keycode k)
{
    return k >= SDLK_KP_DIVIDE && k <= SDLK_KP_PERIOD && k != SDLK_KP_ENTER;
}

/* Returns 1 when the key/text event was taken by the scanner filter. */
static int scanner_filter(struct app *a, const SDL_Event *ev)
{
    int64_t now = app_now(a);
    if (ev->type == SDL_TEXTINPUT) {
        const char *t = ev->text.text;
        /* Only single printable ASCII characters can come from a scanner; input-method
         * text (Chinese) goes straight to the screen. */
        if (t[0] > 0x20 && t[0] < 0x7F && t[1] == 0) {
            if (a->scan_len > 0 && now - a->scan_last_ms > a->cfg.scan_max_gap_ms)
                flush_typed(a);
            if (a->scan_len < (int)sizeof a->scan_buf - 1)
                a->scan_buf[a->scan_len++] = t[0];
            a->scan_last_ms = now;
            return 1;
        }
        if (a->scan_len)
            flush_typed(a);
        return 0;
    }
    if (ev->type == SDL_KEYDOWN) {
        SDL_Keycode k = ev->key.keysym.sym;
        if ((k == SDLK_RETURN || k == SDLK_KP_ENTER) && a->scan_len > 0) {
            if (now - a->scan_last_ms <= a->cfg.scan_max_gap_ms &&
                a->scan_len >= a->cfg.scan_min_length) {
                a->scan_buf[a->scan_len] = 0;
                char code[128];
                util_strlcpy(code, a->scan_buf, sizeof code);
                a->scan_len = 0;
                util_wipe(a->scan_buf, sizeof a->scan_buf);
                on_scan(a, code);
                util_wipe(code, sizeof code);
                return 1;
            }
            flush_typed(a);
            return 0;
        }
        /* A key that makes a character arrives again as TEXTINPUT, which is where
         * screens read characters.  Its KEYDOWN is swallowed even before a burst has
         * begun: the first key of a scan is not yet known to be one, and no screen may
         * act on it. */
        int mods = ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI);
        if (k > 0x20 && k < 0x7F && !mods)
            return 1;
        /* Scanners hold Shift for capitals, and some send keypad digits: both belong to
         * the burst and must not cut it short. */
        if (is_modifier(k) || (a->scan_len > 0 && is_keypad(k)))
            return a->scan_len > 0;
        if (a->scan_len > 0)
            flush_typed(a);
    }
    return 0;
}

/* ---- input and time --------------------------------------------------------------------- */

static int is_input(const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_FINGERDOWN: case SDL_FINGERUP: case SDL_FINGERMOTION:
    case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP: case SDL_MOUSEWHEEL:
    case SDL_KEYDOWN: case SDL_TEXTINPUT:
        return 1;
    case SDL_MOUSEMOTION:
        return ev->motion.state != 0;
    default:
        return 0;
    }
}

void app_event(struct app *a, const SDL_Event *ev)
{
    /* The printer's worker wakes the loop with an SDL event when a job ends. */
    receipts_poll(a);
    if (a->out_of_service && is_input(ev))
        return; /* nothing a person does can be kept: nothing is taken */
    if (is_input(ev)) {
        a->last_input_ms = app_now(a);
        if (a->idle_countdown) {
            /* Any input during the countdown means "I am still here" — except a tap on
             * its 放弃, so a touch is given to the dialog and judged when it lifts. */
            if (ev->type == SDL_FINGERUP || ev->type == SDL_MOUSEBUTTONUP)
                a->countdown_touched = 1;
            else if (ev->type != SDL_FINGERDOWN && ev->type != SDL_MOUSEBUTTONDOWN &&
                     ev->type != SDL_FINGERMOTION && ev->type != SDL_MOUSEMOTION)
                a->idle_countdown = 0;
        }
    }
    if (ev->type == SDL_WINDOWEVENT) {
        if (ev->window.event == SDL_WINDOWEVENT_CLOSE)
            a->close_requested = 1;
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            a->need_full_redraw = 1;
        return;
    }
    if (ev->type == SDL_QUIT) {
        /* Closing the window or Alt+F4 (SDL sends a window close first): ignored in
         * public mode, a kiosk has no way out.  A quit without a window close comes from
         * SIGTERM/SIGINT (systemd stopping the service): stop cleanly. */
        if (a->staff_mode || !a->close_requested)
            a->quit = 1;
        else
            store_event(a->st, app_now(a), "close_ignored", "");
        a->close_requested = 0;
        return;
    }
    if (ui_pointer_event(a->ui, ev))
        return;
    if (ev->type == SDL_TEXTINPUT || ev->type == SDL_KEYDOWN) {
        if (scanner_filter(a, ev))
            return;
        const struct screen *s = app_top(a);
        if (s->event && s->event(a, ev))
            return;
        if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_ESCAPE && a->staff_mode)
            app_home(a);
    }
}

int app_healthy(struct app *a, char *why, size_t whylen)
{
    char err[256] = "";
    if (store_alive(a->st, err, sizeof err) == 0)
        return 1;
    snprintf(why, whylen, "the database does not answer: %s", err);
    return 0;
}

void app_status_line(const struct app *a, char *out, size_t len)
{
    snprintf(out, len, "serving: kiosk %s, %s", a->cfg.kiosk_id, a->cfg.hall);
}

int64_t app_next_deadline(struct app *a)
{
    int64_t now = app_now(a), d = INT64_MAX;
    /* The clock on screen shows minutes: wake at the next minute. */
    int64_t minute = (now / 60000 + 1) * 60000;
    d = minute;
    if (!at_rest(a)) {
        int64_t w = a->idle_countdown ? now - now % 1000 + 1000 : idle_warn_at(a);
        if (a->idle_countdown && idle_reset_at(a) < w)
            w = idle_reset_at(a);
        if (w < d)
            d = w;
    }
    if (a->scan_len > 0 && a->scan_last_ms + a->cfg.scan_max_gap_ms + 1 < d)
        d = a->scan_last_ms + a->cfg.scan_max_gap_ms + 1;
    int64_t up = staffops_upload_deadline(a->upload);
    if (up < d)
        d = up;
    int64_t store_at = a->out_of_service ? a->oos_retry_at : a->file_check_at;
    if (store_at < d)
        d = store_at;
    /* Only a full disk wakes the kiosk to look again; otherwise the minute's frame does. */
    if (a->disk_low && a->disk_check_at < d)
        d = a->disk_check_at;
    if (ui_next_wake(a->ui) < d)
        d = ui_next_wake(a->ui);
    if (help_deadline(a->help, now) < d)
        d = help_deadline(a->help, now);
    if (a->help_notice_until > now && a->help_notice_until < d)
        d = a->help_notice_until;
    const struct screen *s = app_top(a);
    if (s->next_timer) {
        int64_t t = s->next_timer(a);
        if (t < d)
            d = t;
    }
    return d;
}

void app_tick(struct app *a)
{
    receipts_poll(a);
    int64_t now = app_now(a);
    help_tick(a->help, a->st, now);
    if (a->out_of_service) {
        if (now >= a->oos_retry_at)
            try_resume(a, now);
        if (a->out_of_service)
            return;
    }
    /* Every commit checks the file; an idle kiosk checks it now and then too. */
    if (now >= a->file_check_at) {
        a->file_check_at = now + (int64_t)a->cfg.store_file_check_s * 1000;
        store_file_check(a->st);
    }
    if (store_lost(a->st)) {
        app_lose_database(a);
        return;
    }
    if (now >= a->disk_check_at)
        app_disk_update(a);
    app_clock_update(a);
    if (a->scan_len > 0 && now - a->scan_last_ms > a->cfg.scan_max_gap_ms)
        flush_typed(a);
    staffops_upload_tick(a->upload, a->st, now);
    if (!at_rest(a)) {
        if (now >= idle_reset_at(a)) {
            app_reset(a, a->staff_mode ? "staff idle" : "idle");
            return;
        }
        if (now >= idle_warn_at(a))
            a->idle_countdown = 1;
    } else {
        a->idle_countdown = 0;
    }
    const struct screen *s = app_top(a);
    if (s->next_timer && s->timer && s->next_timer(a) <= now)
        s->timer(a, now);
}

static void build_countdown(struct app *a, struct ui *ui)
{
    int64_t left = (idle_reset_at(a) - app_now(a) + 999) / 1000;
    if (left < 0)
        left = 0;
    /* On a form with input the person may also leave now (放弃), wiping it at once. */
    int input = has_input(a);
    const char *body = ui_strf(ui, "%lld %s", (long long)left, app_t(a, "idle.body"));
    int r = ui_dialog(ui, app_t(a, "idle.title"), body, input ? app_t(a, "leave.discard") : NULL,
                      app_t(a, "idle.continue"));
    int touched = a->countdown_touched;
    a->countdown_touched = 0;
    if (r == 2) {
        app_reset(a, "idle discard");
    } else if (r == 1 || touched) {
        /* 继续使用 (or a touch anywhere): the whole timeout again, not what was left. */
        a->idle_countdown = 0;
        a->last_input_ms = app_now(a);
    }
}

/* 继续填写 / 放弃 over a screen with input the person is about to leave. */
static void build_leave(struct app *a, struct ui *ui)
{
    int r = ui_dialog(ui, app_t(a, "leave.title"), app_t(a, "leave.body"),
                      app_t(a, "leave.discard"), app_t(a, "leave.keep"));
    if (r == 1) {
        a->leave_asked = 0;
    } else if (r == 2) {
        int to = a->leave_asked;
        a->leave_asked = 0;
        if (to == 2)
            app_home(a);
        else
            app_pop(a);
    }
}

void app_leave(struct app *a, int to_home) { a->nav = to_home ? 2 : 1; }

/* 已通知工作人员，请稍候 and when, over the screen (what the person typed stays under it);
 * 知道了 closes it, else it goes by itself after APP_HELP_NOTICE_MS. */
static void build_help_notice(struct app *a, struct ui *ui)
{
    char hm[8];
    util_time_local(a->help_called_at, "%H:%M", hm, sizeof hm);
    const char *title, *body;
    if (a->help_outcome == HELP_FAILED) {
        title = app_t(a, "help.failed.title");
        body = ui_strf(ui, "%s %s", app_t(a, "help.failed.body"), a->cfg.hotline);
    } else {
        title = app_t(a, "help.called.title");
        body = ui_strf(ui, "%s %s\n%s", app_t(a, a->help_outcome == HELP_ALREADY ? "help.again.at"
                                                                                : "help.called.at"),
                       hm, app_t(a, has_input(a) ? "help.called.body" : "help.called.wait"));
    }
    if (ui_dialog(ui, title, body, NULL, app_t(a, "help.ok")) == 1)
        a->help_notice_until = 0;
}

int app_frame(struct app *a)
{
    /* A commit refused because the file went away: out of service before the next
     * person can type anything. */
    if (!a->out_of_service && store_lost(a->st))
        app_lose_database(a);
    ui_set_time(a->ui, app_now(a));
    for (int pass = 0; pass < 4; pass++) {
        const struct screen *s = app_top(a);
        ui_begin(a->ui);
        s->build(a, a->ui);
        /* The build may have switched screens; the countdown belongs to whatever is up. */
        if (a->idle_countdown && app_top(a) == s)
            build_countdown(a, a->ui);
        else if (a->leave_asked && app_top(a) == s)
            build_leave(a, a->ui);
        else if (a->help_notice_until > app_now(a))
            build_help_notice(a, a->ui);
        int acted = ui_end(a->ui);
        /* 返回 and 首页 act once the screen is built: a build never runs on after its
         * screen has gone.  Leaving what a person typed asks first. */
        int nav = a->nav;
        a->nav = 0;
        if (nav && has_input(a))
            a->leave_asked = nav;
        else if (nav == 2)
            app_home(a);
        else if (nav == 1)
            app_pop(a);
        if (!acted && !nav && app_top(a) == s)
            break;
    }
    int force = a->need_full_redraw;
    a->need_full_redraw = 0;
    return ui_draw(a->ui, force);
}

/* ---- the header ---------------------------------------------------------------------- */

int app_header_slot_w(struct app *a, struct ui *ui)
{
    /* As wide as 呼叫工作人员 / Call staff needs on a header button at this text size. */
    return ui_text_width(ui, app_t(a, "chrome.call_staff"), SIZE_LARGE, 1) + 56;
}

void app_header_slot(struct app *a, struct ui *ui, SDL_Rect slot)
{
    const struct screen *s = app_top(a);
    if (a->staff_mode || s == &screen_staff_pin || s == &screen_staff || a->out_of_service)
        return;
    /* Gold, so that a person who is stuck finds it on any screen. */
    struct ui_opts o = {.role = ROLE_ACCENT, .size = SIZE_LARGE, .max_lines = 1};
    if (!ui_button(ui, slot, app_t(a, "chrome.call_staff"), &o))
        return;
    int64_t now = app_now(a);
    struct help_call c;
    help_call(a->help, a->st, s->name, now, &c);
    a->help_outcome = c.outcome;
    a->help_called_at = c.at_ms;
    a->help_notice_until = now + APP_HELP_NOTICE_MS;
}

/* A header button as wide as its words need, at least min. */
static int header_button_w(struct ui *ui, const char *text, int min)
{
    int w = ui_text_width(ui, text, SIZE_LARGE, 1) + 56;
    return w < min ? min : w;
}

int app_large_text_button(struct app *a, struct ui *ui, SDL_Rect r, enum ui_role role)
{
    struct ui_opts o = {.role = ui_large_text(ui) ? ROLE_SELECTED : role, .size = SIZE_LARGE,
                        .max_lines = 1};
    if (!ui_button(ui, r, app_t(a, "home.large_text"), &o))
        return 0;
    ui_set_large_text(ui, !ui_large_text(ui));
    a->need_full_redraw = 1;
    return 1;
}

SDL_Rect app_chrome(struct app *a, struct ui *ui, const char *title)
{
    int W = ui_width(ui), H = ui_height(ui), m = 16, gap = 12, bh = 90, top = 20;
    const char *back_t = app_t(a, "nav.back"), *home_t = app_t(a, "nav.home");
    int bw = header_button_w(ui, back_t, 160), hw = header_button_w(ui, home_t, 160);
    int lw = header_button_w(ui, app_t(a, "home.large_text"), 180);
    int sw = app_header_slot_w(a, ui);
    /* 返回 at the left; 首页 at the right with 大字模式 and the slot before it; the title
     * between them when it fits there on one line, else on a line of its own under the
     * buttons (portrait, long English titles). */
    int left = m + bw + 24, right = W - m - hw - gap - lw - gap - sw - 24;
    int tw = ui_text_width(ui, title, SIZE_TITLE, 1);
    int one_row = tw <= right - left;
    int th = ui_text_height(ui, title, SIZE_TITLE, 1, W - 2 * m - 48, 0);
    int hh = one_row ? top + bh + top : top + bh + 8 + th + 16;
    struct ui_opts band = {.role = ROLE_HEADER, .radius = -1};
    ui_panel(ui, rect(0, 0, W, hh), &band);
    struct ui_opts bo = {.role = ROLE_HEADER, .size = SIZE_LARGE, .max_lines = 1};
    int back = ui_button(ui, rect(m, top, bw, bh), back_t, &bo);
    int home = ui_button(ui, rect(W - m - hw, top, hw, bh), home_t, &bo);
    SDL_Rect lr = rect(W - m - hw - gap - lw, top, lw, bh);
    app_large_text_button(a, ui, lr, ROLE_HEADER);
    app_header_slot(a, ui, rect(lr.x - gap - sw, top, sw, bh));
    struct ui_opts to = {.role = ROLE_HEADER, .size = SIZE_TITLE, .bold = 1, .align = TEXT_CENTER};
    if (one_row) {
        /* Centred on the screen when that leaves the buttons clear, else in the gap. */
        int x = (W - tw) / 2;
        if (x < left || x + tw > right)
            x = left + (right - left - tw) / 2;
        ui_label(ui, rect(x - 8, 0, tw + 16, hh), title, &to);
    } else {
        ui_label(ui, rect(m + 24, top + bh + 8, W - 2 * m - 48, th), title, &to);
    }
    if ((home || back) && !a->leave_asked)
        app_leave(a, home);
    return rect(0, hh, W, H - hh);
}

void app_show_receipt(struct app *a, const char *uuid)
{
    struct receipts_screen_arg arg = {uuid, 1};
    app_push(a, &screen_receipt, &arg);
}

void app_view_receipt(struct app *a, const char *uuid)
{
    struct receipts_screen_arg arg = {uuid, 0};
    app_push(a, &screen_receipt, &arg);
}
