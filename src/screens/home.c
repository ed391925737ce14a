/* home — the attract screen: the hall's name, date and time, six large tiles, the
 * language and large-text switches, the hotline.  The top-left corner hides the staff
 * entry: a finger held there for 3 s opens the PIN keypad (screens/staff_pin.c).
 *
 * Owns: when a finger came down on that corner.  Never does: show that the corner is
 * special — nothing is drawn there for the public to find. */
#include "app/app.h"

#include "core/util.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tile_def {
    const char *key, *sub, *icon;
    const struct screen *screen;
};

static const struct tile_def tiles[] = {
    {"home.register", "home.register.sub", "home.register.icon", &screen_register},
    {"home.checkin", "home.checkin.sub", "home.checkin.icon", &screen_checkin},
    {"home.jobs", "home.jobs.sub", "home.jobs.icon", &screen_jobs},
    {"home.training", "home.training.sub", "home.training.icon", &screen_training},
    {"home.study", "home.study.sub", "home.study.icon", &screen_study},
    {"home.services", "home.services.sub", "home.services.icon", &screen_services},
};

#define STAFF_CORNER 80     /* logical px: the top-left square of PRODUCT.md */
#define STAFF_HOLD_MS 3000
#define STAFF_KEY "home.staff_corner"

struct home_state {
    int64_t corner_down_ms; /* when the finger held on the corner came down; 0: none */
};

static void home_enter(struct app *a, const void *arg)
{
    struct home_state *hs = calloc(1, sizeof *hs);
    if (!hs)
        abort();
    *app_slot(a) = hs;
}

static int64_t home_next_timer(struct app *a)
{
    struct home_state *hs = *app_slot(a);
    return hs && hs->corner_down_ms ? hs->corner_down_ms + STAFF_HOLD_MS : INT64_MAX;
}

static void home_timer(struct app *a, int64_t now)
{
    struct home_state *hs = *app_slot(a);
    if (!hs || !hs->corner_down_ms || now < hs->corner_down_ms + STAFF_HOLD_MS)
        return;
    hs->corner_down_ms = 0;
    /* Still held (build() clears the time when the finger lifts): the keypad, and the
     * push cancels the press so its release taps nothing. */
    if (ui_pressed_key(a->ui, STAFF_KEY))
        app_push(a, &screen_staff_pin, NULL);
}

static void home_build(struct app *a, struct ui *ui)
{
    int W = ui_width(ui), H = ui_height(ui), portrait = ui_portrait(ui);
    int64_t now = app_now(a);
    int hh = portrait ? 300 : 200;

    struct ui_opts band = {.role = ROLE_HEADER, .radius = -1};
    ui_panel(ui, rect(0, 0, W, hh), &band);
    ui_area(ui, rect(0, 0, STAFF_CORNER, STAFF_CORNER), STAFF_KEY);
    struct home_state *hs = *app_slot(a);
    if (hs && !ui_pressed_key(ui, STAFF_KEY))
        hs->corner_down_ms = 0;
    else if (hs && !hs->corner_down_ms)
        hs->corner_down_ms = now;

    /* Hall name and the kiosk's purpose, left; the clock, right (top in portrait). */
    struct ui_opts hall = {.role = ROLE_HEADER, .size = portrait ? SIZE_TITLE : 60, .bold = 1,
                           .max_lines = 1};
    struct ui_opts tag = {.role = ROLE_HEADER, .size = SIZE_BODY, .max_lines = 1};
    struct ui_opts clock = {.role = ROLE_HEADER, .size = 72, .bold = 1, .align = TEXT_RIGHT,
                            .max_lines = 1};
    struct ui_opts date = {.role = ROLE_HEADER, .size = SIZE_BODY, .align = TEXT_RIGHT,
                           .max_lines = 1};
    char hm[16], ymd[64], wd_key[16];
    util_time_local(now, "%H:%M", hm, sizeof hm);
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(wd_key, sizeof wd_key, "weekday.%d", tm.tm_wday);
    if (a->lang == LANG_ZH)
        snprintf(ymd, sizeof ymd, "%d年%d月%d日 %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 app_t(a, wd_key));
    else
        snprintf(ymd, sizeof ymd, "%s, %d-%02d-%02d", app_t(a, wd_key), tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday);
    /* The header is large already: it keeps its sizes in large-text mode so that it
     * fits its band; the tiles and everything below grow. */
    if (ui_large_text(ui)) {
        hall.size = hall.size * 10 / 13;
        tag.size = tag.size * 10 / 13;
        clock.size = clock.size * 10 / 13;
        date.size = date.size * 10 / 13;
    }
    /* The hall's name in the visitor's language, on its one line: a long English name
     * takes a smaller size (never below normal body text) rather than being cut. */
    const char *name = app_hall(a);
    int name_w = portrait ? W - 120 : W - 700;
    int min = ui_large_text(ui) ? SIZE_BODY * 10 / 13 : SIZE_BODY; /* body text, as drawn */
    while (hall.size > min && ui_text_width(ui, name, hall.size, 1) > name_w)
        hall.size -= 2;
    if (portrait) {
        ui_label(ui, rect(60, 40, W - 120, 80), name, &hall);
        ui_label(ui, rect(60, 125, W - 120, 50), app_t(a, "home.tagline"), &tag);
        clock.align = TEXT_LEFT;
        date.align = TEXT_LEFT;
        ui_label(ui, rect(60, 185, 260, 100), hm, &clock);
        ui_label(ui, rect(330, 205, W - 390, 60), ymd, &date);
    } else {
        ui_label(ui, rect(70, 34, W - 700, 96), name, &hall);
        ui_label(ui, rect(70, 128, W - 700, 52), app_t(a, "home.tagline"), &tag);
        ui_label(ui, rect(W - 560, 24, 490, 106), hm, &clock);
        ui_label(ui, rect(W - 560, 128, 490, 52), ymd, &date);
    }

    /* The bottom bar (see below) as tall as its two lines need at this text size. */
    int bh = portrait ? 96 : 100, slot_w = app_header_slot_w(a, ui);
    struct ui_opts hint = {.role = ROLE_MUTED, .size = SIZE_BODY, .max_lines = 2};
    const char *hotline = ui_strf(ui, "%s %s", app_t(a, "home.hotline"), a->cfg.hotline);
    int hint_w = portrait ? W - 120 : W - 60 - 2 * 300 - 30 - 30 - slot_w - 100;
    int h1 = ui_text_height(ui, app_t(a, "home.scan_hint"), SIZE_BODY, 0, hint_w, 2);
    int h2 = ui_text_height(ui, hotline, SIZE_BODY, 0, hint_w, 2);
    int bottom = portrait ? 20 + bh + 14 + h1 + h2 + 20 : 20 + (h1 + h2 > bh ? h1 + h2 : bh) + 30;
    if (bottom < (portrait ? 270 : 150))
        bottom = portrait ? 270 : 150;

    /* Six tiles: 3 x 2 landscape, 2 x 3 portrait. */
    SDL_Rect area = rect(60, hh + 50, W - 120, H - hh - 50 - bottom);
    int cols = portrait ? 2 : 3, rows = portrait ? 3 : 2, gap = 40;
    /* Every tile keeps room for as many subtitle lines as the longest needs, so that
     * their emblems and titles line up. */
    int sub_lines = 1, cell_w = rect_col(rect_row(area, rows, 0, gap), cols, 0, gap).w;
    for (int i = 0; i < (int)ARRAY_LEN(tiles); i++) {
        const char *sub = tiles[i].screen->writes && a->disk_low ? app_t(a, "disk.tile")
                                                                 : app_t(a, tiles[i].sub);
        if (ui_text_height(ui, sub, SIZE_SMALL, 0, cell_w - 48, 2) > ui_px(ui, SIZE_SMALL) * 3 / 2)
            sub_lines = 2;
    }
    for (int i = 0; i < (int)ARRAY_LEN(tiles); i++) {
        SDL_Rect row = rect_row(area, rows, i / cols, gap);
        SDL_Rect cell = rect_col(row, cols, i % cols, gap);
        struct ui_opts o = {.sub = app_t(a, tiles[i].sub), .icon = app_t(a, tiles[i].icon),
                            .role = i == 1 ? ROLE_ACCENT : ROLE_NORMAL,
                            .max_lines = sub_lines};
        /* A full disk: the tiles that open a form say so before anyone taps them. */
        if (tiles[i].screen->writes && a->disk_low) {
            o.sub = app_t(a, "disk.tile");
            o.role = ROLE_QUIET;
        }
        if (ui_tile(ui, cell, app_t(a, tiles[i].key), &o)) {
            app_push(a, tiles[i].screen, NULL);
            return;
        }
    }

    /* Bottom bar: hint for scanning, hotline, the header slot and the two switches. */
    int by = H - bottom + 20;
    struct ui_opts sw = {.role = ROLE_NORMAL, .size = SIZE_LARGE, .max_lines = 1};
    SDL_Rect bsw1, bsw2, slot;
    if (portrait) {
        int bw = (W - 120 - 2 * 24 - slot_w) / 2;
        slot = rect(60, by, slot_w, bh);
        bsw1 = rect(60 + slot_w + 24, by, bw, bh);
        bsw2 = rect(W - 60 - bw, by, bw, bh);
        ui_label(ui, rect(60, by + bh + 14, hint_w, h1), app_t(a, "home.scan_hint"), &hint);
        ui_label(ui, rect(60, by + bh + 14 + h1, hint_w, h2), hotline, &hint);
    } else {
        bsw1 = rect(W - 60 - 2 * 300 - 30, by, 300, bh);
        bsw2 = rect(W - 60 - 300, by, 300, bh);
        slot = rect(bsw1.x - 30 - slot_w, by, slot_w, bh);
        int hy = by + (h1 + h2 < bh ? (bh - h1 - h2) / 2 : 0);
        ui_label(ui, rect(70, hy, hint_w, h1), app_t(a, "home.scan_hint"), &hint);
        ui_label(ui, rect(70, hy + h1, hint_w, h2), hotline, &hint);
    }
    app_header_slot(a, ui, slot);
    if (ui_button(ui, bsw1, app_t(a, "home.lang_switch"), &sw)) {
        app_set_lang(a, a->lang == LANG_ZH ? LANG_EN : LANG_ZH);
        return;
    }
    app_large_text_button(a, ui, bsw2, ROLE_NORMAL);
}

const struct screen screen_home = {
    .name = "home", .title_key = "home.title",
    .enter = home_enter, .build = home_build,
    .next_timer = home_next_timer, .timer = home_timer,
};
