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

static void oos_build(struct app *a, struct ui *ui)
{
    int W = ui_width(ui), H = ui_height(ui), portrait = ui_portrait(ui);
    int hh = portrait ? 220 : 180;
    struct ui_opts band = {.role = ROLE_HEADER, .radius = -1};
    ui_panel(ui, rect(0, 0, W, hh), &band);
    struct ui_opts hall = {.role = ROLE_HEADER, .size = SIZE_TITLE, .bold = 1,
                           .align = TEXT_CENTER, .max_lines = 2};
    ui_label(ui, rect(60, 20, W - 120, hh - 40), a->cfg.hall, &hall);

    int cw = portrait ? W - 120 : W * 3 / 4, ch = 620;
    SDL_Rect card = rect((W - cw) / 2, hh + (H - hh - ch) / 2, cw, ch);
    struct ui_opts panel = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, card, &panel);
    int x = card.x + 60, w = card.w - 120, y = card.y + 60;
    /* One line in both orientations: a lone 员 on a second line reads as a mistake. */
    struct ui_opts big = {.size = portrait ? 62 : SIZE_HUGE, .bold = 1, .align = TEXT_CENTER,
                          .role = ROLE_ERROR, .max_lines = 2};
    int bh = 200;
    ui_label(ui, rect(x, y, w, bh), i18n_get(a->cat, LANG_ZH, "oos.title"), &big);
    y += bh + 10;
    struct ui_opts sub = {.size = SIZE_TITLE, .align = TEXT_CENTER, .max_lines = 2};
    ui_label(ui, rect(x, y, w, 140), i18n_get(a->cat, LANG_EN, "oos.title"), &sub);
    y += 160;
    struct ui_opts hot = {.size = SIZE_LARGE, .align = TEXT_CENTER, .max_lines = 1};
    ui_label(ui, rect(x, y, w, 60),
             ui_strf(ui, "%s %s", app_t(a, "home.hotline"), a->cfg.hotline), &hot);

    struct ui_opts staff = {.size = SIZE_SMALL, .role = ROLE_MUTED, .align = TEXT_CENTER,
                            .max_lines = 4};
    int sh = portrait ? 180 : 110;
    ui_label(ui, rect(60, H - sh - 30, W - 120, sh),
             ui_strf(ui, "%s\n%s", i18n_get(a->cat, LANG_ZH, "oos.staff"),
                     i18n_get(a->cat, LANG_EN, "oos.staff")),
             &staff);
}

const struct screen screen_out_of_service = {
    .name = "out_of_service",
    .title_key = "oos.title",
    .build = oos_build,
};
