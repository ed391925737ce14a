/* disk_full — opened in place of a form (registration, check-in) when the kiosk's disk is
 * below [store] min_free_mb (app_push, screen.writes): 本机存储空间不足，暂停办理，请联系
 * 工作人员 before anyone types anything, with 返回 and 首页.  The app looks again every few
 * seconds; Home's tiles say the same until space is back.
 *
 * Owns nothing.  Never does: write, or say more than the public needs (staff see the free
 * space on the staff screen and in `kioskctl check`). */
#include "app/app.h"
#include "screens/kit.h"

#include "ui/ui.h"

static void disk_build(struct app *a, struct ui *ui)
{
    SDL_Rect c = app_chrome(a, ui, app_t(a, "disk.title"));
    kit_notice(ui, c, app_t(a, "disk.full"), ROLE_ERROR);
}

const struct screen screen_disk_full = {
    .name = "disk_full",
    .title_key = "disk.title",
    .build = disk_build,
};
