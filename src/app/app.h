/* app — the kiosk program's state and its small API for screens: which screen is up
 * (a stack), the language and text size, the clock (real or virtual), the idle reset,
 * the scanner filter and the store.  Screens talk to this and to the UI toolkit only;
 * they never run SQL or call SDL_Render* (STYLE.md habit 3).
 *
 * The same functions serve the real event loop (platform/loop.c) and the headless
 * script player (platform/script.c): app_event() for each input, app_tick() when a
 * deadline passes, app_frame() to rebuild and draw. */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <SDL.h>
#include <stdint.h>

#include "app/i18n.h"
#include "store/clock.h"
#include "core/config.h"
#include "ui/ui.h"
#include "receipt/printer.h"

struct identity;
struct store;
struct ui;
struct app;
struct pinyin;
struct hw;
struct staffops_upload;
struct help;

/* A screen: one file in src/screens/ defines one of these. */
struct screen {
    const char *name;                 /* for logs and dumps, e.g. "home" */
    const char *title_key;            /* catalogue key of the header title */
    /* Called when the screen is pushed (arg from app_push). */
    void (*enter)(struct app *a, const void *arg);
    /* Called when it is popped or the idle reset clears the stack: free and wipe
     * everything the person entered.  NULL: the state in the slot (app_new_state) is
     * simply freed, for screens where nothing personal is kept. */
    void (*leave)(struct app *a);
    /* Declares the widgets; called after every input and timer. */
    void (*build)(struct app *a, struct ui *ui);
    /* Keys and text that no widget consumed (hardware keyboard, input method).
     * Returns 1 when used. */
    int (*event)(struct app *a, const SDL_Event *ev);
    /* The screen's next deadline in ms (INT64_MAX: none) and its handler. */
    int64_t (*next_timer)(struct app *a);
    void (*timer)(struct app *a, int64_t now_ms);
    /* A barcode read while this screen is up.  NULL: the app opens check-in with it. */
    void (*scan)(struct app *a, const char *code);
    /* 1: the screen is there to make a record (a form).  On a full disk ([store]
     * min_free_mb) app_push opens screen_disk_full in its place, before anyone types. */
    int writes;
    /* 1 while the screen holds what a person typed or chose and has not submitted (a
     * half-filled form).  Leaving then asks first (继续填写 / 放弃), and the idle warning
     * gives at least 30 s.  NULL: never. */
    int (*has_input)(struct app *a);
};

#define APP_STACK_MAX 8

struct app {
    struct config cfg;
    struct store *st;
    struct i18n *cat;
    struct ui *ui;
    enum lang lang;
    int virtual_clock;                /* script mode: time moves only by app_advance() */
    int64_t virt_ms;
    int64_t start_ms;

    const struct screen *stack[APP_STACK_MAX];
    int depth;
    void *screen_state[APP_STACK_MAX];/* per-screen private state, owned by the screen */

    int64_t last_input_ms;
    int idle_countdown;               /* the warning dialog is up */
    int staff_mode;
    int quit;                         /* leave the loop (staff "exit", SIGTERM) */
    int close_requested;              /* a window close preceded the next SDL_QUIT */
    int need_full_redraw;
    int nav;                          /* 返回 (1) or 首页 (2) pressed: done after the build */
    int leave_asked;                  /* the 继续填写 / 放弃 question is up for nav 1 or 2 */
    int countdown_touched;            /* a finger lifted while the idle warning was up */
    /* The stack is being cleared without the person (the idle reset, going out of
     * service, the program ending): a screen's leave() keeps nothing they left
     * unfinished.  0 when they left by their own act (完成, 返回, 首页). */
    int discarding;

    /* scanner filter: printable keys held back until we know whether a scanner sent them */
    char scan_buf[128];
    int scan_len;
    int64_t scan_last_ms;

    struct pinyin *pinyin;            /* the process's one input engine, opened on first use */
    struct hw *handwriting;           /* the writing pad's recogniser, opened on its first use */

    /* receipts (app/receipts.h): the signing key and the printer kiosk.c opened, borrowed;
     * either may be NULL (no receipt can be signed / nothing is printed).  The key is the
     * kiosk's Ed25519 identity (receipt/sign.h), NULL unless identity_state is
     * SIGN_IDENTITY_OK or _CREATED.  When sign_identity_blocks_service(identity_state)
     * the kiosk must not serve: its records could be attributed to no registered key. */
    struct identity *identity;
    int identity_state;               /* enum sign_identity_state */
    struct printer *printer;
    int print_in_flight;              /* jobs queued whose result is not applied yet */
    uint64_t print_serial;            /* bumps whenever a receipt's print state changes */
    struct printer_result last_print; /* the printer's last known outcome, for staff */
    int64_t last_print_ms;            /* when it came; 0: nothing printed since start */
    struct staffops_upload *upload;   /* the one upload scheduler (app/staffops.h) */

    /* Out of service: the database is lost or damaged (store/rescue.h).  st is NULL, the
     * only screen is screen_out_of_service, input is ignored, and every
     * APP_OOS_RETRY_MS the app looks whether staff have put a database back. */
    int out_of_service;
    int64_t oos_retry_at;
    int64_t file_check_at;            /* next check that the database file is still there */
    /* Called with each database the app opens after being out of service (kiosk.c:
     * the first-start steps of a new database); may be NULL. */
    void (*on_database)(struct app *a);

    /* Free space (store/space.h): below [store] min_free_mb no record is taken. */
    int disk_low;
    int64_t disk_free;                /* bytes, at the last look; -1 unknown */
    int64_t disk_check_at;

    /* 呼叫工作人员 (app/help.h): the calls, and the notice it leaves on screen — over
     * whatever the person was doing, which stays as it was under it.  While the notice
     * is up the idle timeout does not run (the person is waiting for staff), and it
     * starts again from when the notice goes. */
    struct help *help;
    int64_t help_notice_until;        /* the notice is up until then (0: none) */
    int64_t help_called_at;           /* when staff were called, as the notice says */
    int help_outcome;                 /* enum help_outcome of the press it answers */

    /* The clock, as last judged (store/clock.h; flags 0: believable). */
    struct clock_verdict clock;
    int64_t clock_centre_at;          /* when to read the centre's comparison again */
};

#define APP_OOS_RETRY_MS 5000

/* How long 已通知工作人员，请稍候 stays up unless 知道了 closes it. */
#define APP_HELP_NOTICE_MS 60000

/* How often a kiosk on a full disk looks whether space is back. */
#define APP_DISK_RETRY_MS 5000

/* Sets up the app over an opened store, catalogue and UI; shows Home.  With
 * virtual_clock the time is start_ms and moves only through app_set_clock().  st NULL:
 * out of service from the start.  The app owns st from here on: it may close it (lost
 * while running) and open another (put back by staff); the caller closes a->st after
 * app_fini(). */
void app_init(struct app *a, const struct config *cfg, struct store *st, struct i18n *cat,
              struct ui *ui, int virtual_clock, int64_t start_ms);
void app_fini(struct app *a);

/* Looks at the free space now: updates disk_low (logging disk_low / disk_ok when it
 * changes) and keeps the staff reserve while there is room.  Returns disk_low. */
int app_disk_update(struct app *a);
/* Looks whether the clock can be believed now (clock_judge): updates a->clock, logging
 * clock_suspect / clock_ok when its flags change.  Returns them. */
int app_clock_update(struct app *a);

/* The PIN keypad opens: on a full disk the reserve is released so that staff can log in
 * and collect the day. */
void app_staff_space(struct app *a);

/* The database became unusable while running (store_lost): sets it aside with what the
 * open connection can still read, closes it and goes out of service. */
void app_lose_database(struct app *a);

int64_t app_now(const struct app *a);
/* Script mode: moves the virtual clock forward. */
void app_set_clock(struct app *a, int64_t ms);

/* The text of a catalogue key in the current language. */
const char *app_t(const struct app *a, const char *key);
/* The hall's name in the visitor's language: [kiosk] hall_en in English when it is set,
 * else [kiosk] hall. */
const char *app_hall(const struct app *a);
void app_set_lang(struct app *a, enum lang l);

/* Asks to go back (1) or home (2) after this build, as 返回 and 首页 do: a screen with
 * input asks the person first. */
void app_leave(struct app *a, int to_home);

/* Screen stack. */
void app_push(struct app *a, const struct screen *s, const void *arg);
void app_pop(struct app *a);
/* Back to Home: every screen above it leaves (wiping what was entered). */
void app_home(struct app *a);
/* The idle reset: Home, default language and text size, nothing kept. */
void app_reset(struct app *a, const char *why);
const struct screen *app_top(const struct app *a);
/* The private state slot of the screen on top. */
void **app_slot(struct app *a);
/* A zeroed state of size bytes put in the top screen's slot (enter() calls it); aborts
 * when out of memory.  app_free_state() frees the slot's state and empties it. */
void *app_new_state(struct app *a, size_t size);
void app_free_state(struct app *a);

/* Input and time. */
void app_event(struct app *a, const SDL_Event *ev);
/* The earliest deadline (ms) at which app_tick must run, or INT64_MAX. */
int64_t app_next_deadline(struct app *a);
void app_tick(struct app *a);
/* Rebuilds the widgets (until stable) and draws what changed.  Returns 1 if drawn. */
int app_frame(struct app *a);
/* For the service watchdog: 1 when the database answers a trivial read, else 0 with a
 * short sentence in why. */
int app_healthy(struct app *a, char *why, size_t whylen);
/* A short line for the service manager's status: the kiosk and its hall. */
void app_status_line(const struct app *a, char *out, size_t len);

/* Builds the header shared by every screen but Home: 返回, the title, the header slot,
 * 大字模式 and 首页.  Returns the content area below it (the header is taller when the
 * title needs a line of its own).  Handles the buttons: 返回 and 首页 act after this
 * build, so the build goes on as if nothing happened; 大字模式 switches at once. */
SDL_Rect app_chrome(struct app *a, struct ui *ui, const char *title);
/* 大字模式 / Large text in r (every screen has one: the header's, Home's bar): switched
 * for the rest of the visit, back to [display] large_text at the idle reset.  role: its
 * look when off.  Returns 1 when it was pressed. */
int app_large_text_button(struct app *a, struct ui *ui, SDL_Rect r, enum ui_role role);
/* The header's slot beside 大字模式 for 呼叫工作人员 / Call staff: its width at this text
 * size, and the call that builds the button in slot (Home calls it for its bar too).
 * On the staff screens (the PIN keypad, the staff screen) the slot stays empty: staff
 * are there already.  A press calls staff (app/help.h) and puts up the notice. */
int app_header_slot_w(struct app *a, struct ui *ui);
void app_header_slot(struct app *a, struct ui *ui, SDL_Rect slot);

/* The receipt screen for the committed record uuid: pushed after a registration (and
 * wherever an errand ends with a receipt); it lays the receipt out and starts printing.
 * The one call a screen makes once its record is saved. */
void app_show_receipt(struct app *a, const char *uuid);
/* The same screen for a receipt already issued (check-in's 查看回执): nothing is printed
 * unless the person asks. */
void app_view_receipt(struct app *a, const char *uuid);

/* The screens of the product, one file each in src/screens/. */
extern const struct screen screen_home;
extern const struct screen screen_register;
extern const struct screen screen_checkin;
extern const struct screen screen_jobs;
extern const struct screen screen_training;
extern const struct screen screen_study;
extern const struct screen screen_services;
extern const struct screen screen_receipt;    /* QR on screen + print state, 重新打印 */
extern const struct screen screen_staff_pin;  /* the PIN keypad behind Home's corner */
extern const struct screen screen_staff;      /* 今日统计 and the day's-end actions */
extern const struct screen screen_out_of_service; /* 服务暂停，请联系工作人员 */
extern const struct screen screen_disk_full;  /* 本机存储空间不足，暂停办理，请联系工作人员 */

#endif
