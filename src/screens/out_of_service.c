/* out_of_service — what the public sees while the kiosk has no database it can trust
 * (store/rescue.h): 服务暂停，请联系工作人员, in both languages since nothing on it can be
 * pressed, the hall's name and the hotline, and one line telling staff where to look.
 * The app ignores all input meanwhile and comes back to Home by itself once staff have
 * put a database back.
 *
 * Owns nothing.  Never does: take input, show what happened to the data (that is for
 * staff, at `kioskctl check`). */
#include "app/app.h"

#include "core/util.h"
#include "ui/ui.h"

/* A label as tall as its text needs at width w; returns its height. */
static int text_block(struct ui *ui, int x, int y, int w, const char *text,
                      const struct ui_opts *o)
{
    int h = ui_text_height(ui, text, o->size, o->bold, w, 0);
    ui_label(ui, rect(x, y, w, h), text, o);
    return h;
}

static void oos_build(struct app *a, struct ui *ui)
{
    int W = ui_width(ui), H = ui_height(ui), portrait = ui_portrait(ui);
    const char *title_zh = i18n_get(a->cat, LANG_ZH, "oos.title");
    const char *title_en = i18n_get(a->cat, LANG_EN, "oos.title");
    const char *hotline = ui_strf(ui, "%s %s", app_t(a, "home.hotline"), a->cfg.hotline);
    const char *staff_note = ui_strf(ui, "%s\n%s", i18n_get(a->cat, LANG_ZH, "oos.staff"),
                                     i18n_get(a->cat, LANG_EN, "oos.staff"));

    /* Every block is as tall as its words need at this width and text size, so that large
     * text and English grow the card rather than cut a line. */
    struct ui_opts hall = {.role = ROLE_HEADER, .size = SIZE_TITLE, .bold = 1,
                           .align = TEXT_CENTER};
    int hh = ui_text_height(ui, a->cfg.hall, hall.size, 1, W - 120, 0) + 80;
    struct ui_opts band = {.role = ROLE_HEADER, .radius = -1};
    ui_panel(ui, rect(0, 0, W, hh), &band);
    text_block(ui, 60, 40, W - 120, a->cfg.hall, &hall);

    int cw = portrait ? W - 120 : W * 3 / 4, w = cw - 120;
    /* One line for the title where it fits: a lone 员 on a second line reads as a mistake. */
    struct ui_opts big = {.size = SIZE_HUGE, .bold = 1, .align = TEXT_CENTER, .role = ROLE_ERROR};
    while (big.size > SIZE_TITLE && ui_text_width(ui, title_zh, big.size, 1) > w)
        big.size -= 4;
    struct ui_opts sub = {.size = SIZE_TITLE, .align = TEXT_CENTER};
    struct ui_opts hot = {.size = SIZE_LARGE, .align = TEXT_CENTER};
    struct ui_opts staff = {.size = SIZE_SMALL, .role = ROLE_MUTED, .align = TEXT_CENTER};
    int gap = 40;
    int ch = 60 + ui_text_height(ui, title_zh, big.size, 1, w, 0) + gap +
             ui_text_height(ui, title_en, sub.size, 0, w, 0) + gap +
             ui_text_height(ui, hotline, hot.size, 0, w, 0) + 60;
    int sh = ui_text_height(ui, staff_note, staff.size, 0, W - 120, 0);
    int room = H - hh - sh - 60;
    SDL_Rect card = rect((W - cw) / 2, hh + (room > ch ? (room - ch) / 2 : 20), cw, ch);
    struct ui_opts panel = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, card, &panel);
    int x = card.x + 60, y = card.y + 60;
    y += text_block(ui, x, y, w, title_zh, &big) + gap;
    y += text_block(ui, x, y, w, title_en, &sub) + gap;
    text_block(ui, x, y, w, hotline, &hot);
    text_block(ui, 60, H - sh - 30, W - 120, staff_note, &staff);
}

const struct screen screen_out_of_service = {
    .name = "out_of_service",
    .title_key = "oos.title",
    .build = oos_build,
};
