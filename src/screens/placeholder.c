/* placeholder — the screens whose features arrive with later work show their title,
 * 返回 and 首页, and a sentence saying the service is being prepared, so that every
 * tile already leads somewhere a person can come back from. */
#include "app/app.h"

#include "ui/ui.h"

static void soon_build(struct app *a, struct ui *ui, const char *title_key)
{
    SDL_Rect c = app_chrome(a, ui, app_t(a, title_key));
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
    SDL_Rect box = rect(c.x + 120, c.y + 120, c.w - 240, 360);
    ui_panel(ui, box, &card);
    struct ui_opts t = {.size = SIZE_TITLE, .bold = 1, .align = TEXT_CENTER};
    ui_label(ui, rect(box.x + 40, box.y + 60, box.w - 80, 90), app_t(a, title_key), &t);
    struct ui_opts b = {.size = SIZE_LARGE, .align = TEXT_CENTER, .role = ROLE_MUTED};
    ui_label(ui, rect(box.x + 40, box.y + 170, box.w - 80, 140), app_t(a, "soon.body"), &b);
}

#define SOON(id, key)                                                                     \
    static void id##_build(struct app *a, struct ui *ui) { soon_build(a, ui, key); }       \
    const struct screen screen_##id = {.name = #id, .title_key = key, .build = id##_build};

SOON(services, "home.services")
