/* staff — the staff screen behind the PIN: 今日统计 (today's records by kind, check-ins
 * by activity, what waits for collection and for upload), the printer and upload state,
 * and the day's-end actions: 导出到U盘 (a drive chosen from a list; the export runs on a
 * worker thread with a progress bar), 导入内容 (a centre-signed content bundle from a
 * drive, verified and applied on a worker thread), 立即同步 (upload, then pull the
 * centre's content, through the app's one upload scheduler),
 * 打印测试页, 补打回执 (today's receipts), 退出程序 (after a confirmation); the open
 * 呼叫工作人员 requests with 已处理 (build_help: a dialog that opens by itself when staff
 * log in while calls are open, and from the gold line in the message's place).
 *
 * Long operations never hold the screen: the export's syncjob and the upload are polled
 * from this screen's timer every STAFFOPS_POLL_MS while they run, and while they run
 * they count as activity, so the staff idle timeout does not cut an export short.
 * Entering sets a->staff_mode (the shorter idle timeout, Escape leaves, the window may
 * close); leaving clears it and stops an export that is still running (it then marks
 * nothing: the records go into the next bundle).
 *
 * Owns: its state (figures, drive list, the export job, the receipts list, the last
 * result sentence).  Never does: SQL (app/staffops.h), drawing of its own. */
#include "app/app.h"
#include "screens/kit.h"
#include "app/staffops.h"
#include "app/help.h"
#include "app/evaluation.h"

#include "core/util.h"
#include "receipt/printer.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECEIPTS 200
#define MAX_HELP 100

enum dialog { DLG_NONE, DLG_DRIVES, DLG_EXPORT, DLG_UPLOAD, DLG_REPRINT, DLG_QUIT, DLG_HELP };
/* What the chosen drive is for. */
enum drive_use { USE_EXPORT, USE_IMPORT };
enum tone { TONE_NONE, TONE_OK, TONE_ERROR };

struct staff {
    enum dialog dlg;
    struct staffops_figures fig;
    int fig_ok;
    struct evaluation_day ratings;  /* today's 好差评 (build_ratings) */
    int ratings_ok;
    int64_t seen_upload_end;       /* finished_ms of the last upload the figures include */

    struct staffops_drive drives[STAFFOPS_MAX_DRIVES];
    int ndrives;
    enum drive_use use;

    struct syncjob *export_job;       /* the export's, or the content import's (use) */
    struct syncjob_state export_st;
    struct staffops_drive export_drive;
    int export_cancelled;

    int64_t upload_started;        /* the upload the dialog waits for */
    int64_t poll_at;               /* next look at a running job; INT64_MAX: none */

    struct staffops_receipt receipts[MAX_RECEIPTS];
    int nreceipts;
    struct ui_list_state list;

    char msg[1024];                /* the last action's result, a sentence */
    enum tone tone;

    /* 呼叫工作人员: the open requests, oldest first, and the one chosen for 已处理. */
    struct help_request help[MAX_HELP];
    int nhelp, help_count, help_sel;
    struct ui_list_state help_list;
};

/* Text sizes here are the staff's, not the public's: large-text mode (a switch for
 * the public on Home) would not fit these dense layouts, so its factor is taken back. */
static int px(const struct ui *ui, int size) { return ui_large_text(ui) ? size * 10 / 13 : size; }
/* The height of a line of text at a staff size (px() applied), as the toolkit draws it:
 * boxes are laid out from it, so that no descender (g, y in English) is cut. */
static int line_of(struct ui *ui, int size) { return ui_text_height(ui, "Hg", px(ui, size), 1, 1 << 16, 1); }

static struct staff *state(struct app *a) { return *app_slot(a); }

static const char *num(struct ui *ui, long n) { return ui_strf(ui, "%ld", n); }

static int zh(const struct app *a) { return a->lang == LANG_ZH; }

static void help_refresh(struct app *a, struct staff *s);
static void build_help_line(struct app *a, struct ui *ui, struct staff *s, SDL_Rect r);

static void refresh(struct app *a, struct staff *s)
{
    s->fig_ok = staffops_figures(a->st, app_now(a), &s->fig) == 0;
    help_refresh(a, s);
    s->ratings_ok = evaluation_day(a->st, s->fig.date, &s->ratings) == 0;
}

/* Sets the result sentence; the template's "{}" are filled in order with v1, v2. */
static void say(struct app *a, struct staff *s, enum tone tone, const char *key, const char *v1,
                const char *v2)
{
    const char *t = app_t(a, key);
    struct strbuf sb = {0};
    const char *vals[2] = {v1, v2};
    int vi = 0;
    for (const char *p = t; *p;) {
        if (p[0] == '{' && p[1] == '}' && vi < 2) {
            strbuf_add(&sb, vals[vi] ? vals[vi] : "");
            vi++;
            p += 2;
        } else {
            strbuf_addn(&sb, p, 1);
            p++;
        }
    }
    util_strlcpy(s->msg, sb.buf ? sb.buf : "", sizeof s->msg);
    strbuf_free(&sb);
    s->tone = tone;
}

/* ---- printer ---------------------------------------------------------------------------- */

/* The printer's state in words: its last outcome since start (a->last_print, test pages
 * included), or why there is none.  *bad is set when that is a fault. */
static const char *printer_state(struct app *a, struct ui *ui, int *bad)
{
    const char *lang = a->lang == LANG_EN ? "en" : "zh";
    *bad = 0;
    if (strcmp(a->cfg.printer_device, "none") == 0)
        return app_t(a, "staff.printer.none");
    if (!a->printer) {
        *bad = 1;
        return app_t(a, "staff.print.not_running");
    }
    if (a->print_in_flight > 0)
        return app_t(a, "staff.printer.busy");
    if (!a->last_print_ms)
        return app_t(a, "staff.printer.idle");
    enum printer_outcome o = a->last_print.outcome;
    *bad = o != PRINTER_PRINTED && o != PRINTER_NONE;
    char hm[8];
    util_time_local(a->last_print_ms, "%H:%M", hm, sizeof hm);
    return ui_strf(ui, "%s  ·  %s", printer_message(o, lang), hm);
}

/* The sentence for a print request's outcome. */
static void say_print(struct app *a, struct staff *s, enum staffops_print r, const char *ok_key,
                      const char *v)
{
    switch (r) {
    case STAFFOPS_PRINT_QUEUED: say(a, s, TONE_OK, ok_key, v, NULL); break;
    case STAFFOPS_PRINT_NO_PRINTER: say(a, s, TONE_ERROR, "staff.print.no_printer", NULL, NULL); break;
    case STAFFOPS_PRINT_NOT_RUNNING: say(a, s, TONE_ERROR, "staff.print.not_running", NULL, NULL); break;
    case STAFFOPS_PRINT_NO_RECEIPT: say(a, s, TONE_ERROR, "staff.print.no_receipt", NULL, NULL); break;
    default: say(a, s, TONE_ERROR, "staff.print.job_failed", NULL, NULL); break;
    }
}

static void print_test(struct app *a, struct staff *s)
{
    say_print(a, s, staffops_print_test(a), "staff.print.sent", NULL);
}

static void reprint(struct app *a, struct staff *s, const struct staffops_receipt *r)
{
    say_print(a, s, staffops_reprint(a, r->uuid), "staff.print.reprinted", r->receipt_no);
}

/* ---- export ------------------------------------------------------------------------------ */

static void open_drives(struct app *a, struct staff *s, enum drive_use use)
{
    s->use = use;
    s->ndrives = staffops_drives(s->drives, STAFFOPS_MAX_DRIVES);
    memset(&s->list, 0, sizeof s->list);
    s->dlg = DLG_DRIVES;
}

static void start_export(struct app *a, struct staff *s, const struct staffops_drive *drive)
{
    char err[512] = "";
    s->export_drive = *drive;
    memset(&s->export_st, 0, sizeof s->export_st);
    s->export_cancelled = 0;
    if (syncjob_start_export(&a->cfg, drive->path, app_now(a), NULL, NULL, &s->export_job, err,
                             sizeof err) < 0) {
        s->export_job = NULL;
        s->dlg = DLG_NONE;
        say(a, s, TONE_ERROR, "staff.export.failed", err, NULL);
        return;
    }
    staffops_log(a->st, app_now(a), "staff_export", "");
    s->dlg = DLG_EXPORT;
    s->poll_at = app_now(a) + STAFFOPS_POLL_MS;
}

/* 导入内容: the newest content bundle on the drive, verified and applied by a worker. */
static void start_import(struct app *a, struct staff *s, const struct staffops_drive *drive)
{
    char err[512] = "", bundle[4200];
    s->export_drive = *drive;
    memset(&s->export_st, 0, sizeof s->export_st);
    s->export_cancelled = 0;
    s->dlg = DLG_NONE;
    if (!staffops_content_bundle(drive->path, bundle, sizeof bundle)) {
        say(a, s, TONE_ERROR, "staff.import.none", NULL, NULL);
        return;
    }
    if (syncjob_start_content_import(&a->cfg, bundle, app_now(a), NULL, NULL, &s->export_job,
                                     err, sizeof err) < 0) {
        s->export_job = NULL;
        say(a, s, TONE_ERROR, "staff.import.failed", err, NULL);
        return;
    }
    staffops_log(a->st, app_now(a), "staff_content_import", "");
    s->dlg = DLG_EXPORT;
    s->poll_at = app_now(a) + STAFFOPS_POLL_MS;
}

static void import_done(struct app *a, struct staff *s)
{
    const struct content_import_result *r = &s->export_st.import_res;
    char counter[24], changes[24];
    snprintf(counter, sizeof counter, "%lld", (long long)r->counter);
    snprintf(changes, sizeof changes, "%ld", r->changed + r->withdrawn + r->removed);
    if (s->export_st.rc == 0 && r->status == CONTENT_IMPORT_NOT_NEWER)
        say(a, s, TONE_OK, "staff.import.older", NULL, NULL);
    else if (s->export_st.rc == 0)
        say(a, s, TONE_OK, "staff.import.ok", counter, changes);
    else
        say(a, s, TONE_ERROR, "staff.import.failed", content_import_reason_text(r->reason, zh(a)),
            NULL);
}

static void export_done(struct app *a, struct staff *s)
{
    const struct export_result *r = &s->export_st.export_res;
    char n[24], where[300];
    snprintf(n, sizeof n, "%d", r->records);
    /* The drive's name and the folder staff will look for, not the mount path. */
    snprintf(where, sizeof where, "%s/%s", s->export_drive.name, r->bundle);
    if (s->use == USE_IMPORT)
        import_done(a, s);
    else if (s->export_st.rc == 0 && r->status == EXPORT_OK)
        say(a, s, TONE_OK, "staff.export.ok", n, where);
    else if (s->export_st.rc == 0)
        say(a, s, TONE_OK, "staff.export.nothing", NULL, NULL);
    else
        say(a, s, TONE_ERROR, "staff.export.failed", export_status_text(r->status, zh(a)), NULL);
    syncjob_destroy(s->export_job);
    s->export_job = NULL;
    s->dlg = DLG_NONE;
    refresh(a, s);
}

/* ---- upload -------------------------------------------------------------------------------- */

static void start_upload(struct app *a, struct staff *s)
{
    char err[512] = "";
    int rc = staffops_upload_start(a->upload, app_now(a), err, sizeof err);
    if (rc < 0) {
        say(a, s, TONE_ERROR, "staff.upload.failed", err, NULL);
        return;
    }
    staffops_log(a->st, app_now(a), "staff_upload", "");
    s->upload_started = app_now(a);
    s->dlg = DLG_UPLOAD;
    s->poll_at = app_now(a) + STAFFOPS_POLL_MS;
}

static void upload_done(struct app *a, struct staff *s, const struct staffops_upload_status *us)
{
    char sent[24], inserted[24];
    snprintf(sent, sizeof sent, "%ld", us->res.sent);
    snprintf(inserted, sizeof inserted, "%ld", us->res.inserted);
    if (us->rc == 0 && us->res.sent == 0)
        say(a, s, TONE_OK, "staff.upload.nothing", NULL, NULL);
    else if (us->rc == 0)
        say(a, s, TONE_OK, "staff.upload.ok", sent, inserted);
    else
        say(a, s, TONE_ERROR, "staff.upload.failed", upload_status_text(us->res.status, zh(a)),
            NULL);
    if (us->pulled) {
        /* The pull's outcome follows the upload's sentence. */
        char changes[24], line[512];
        snprintf(changes, sizeof changes, "%ld", us->pull.changed + us->pull.withdrawn);
        const char *t = us->pull_rc < 0 ? app_t(a, "staff.pull.failed")
                        : us->pull.changed + us->pull.withdrawn ? app_t(a, "staff.pull.ok")
                                                                : app_t(a, "staff.pull.none");
        const char *hole = strstr(t, "{}");
        const char *v = us->pull_rc < 0 ? pull_status_text(us->pull.status, zh(a)) : changes;
        snprintf(line, sizeof line, "%.*s%s%s", hole ? (int)(hole - t) : (int)strlen(t), t,
                 hole ? v : "", hole ? hole + 2 : "");
        size_t n = strlen(s->msg);
        int stop = n >= 3 && !strcmp(s->msg + n - 3, "。"), dot = n && s->msg[n - 1] == '.';
        snprintf(s->msg + n, sizeof s->msg - n, "%s%s", stop ? "" : dot ? " " : zh(a) ? "；" : "; ",
                 line);
        if (us->pull_rc < 0)
            s->tone = TONE_ERROR;
    }
    s->dlg = DLG_NONE;
}

/* The upload line of the state card. */
static const char *upload_line(struct app *a, struct ui *ui,
                               const struct staffops_upload_status *us, enum ui_role *role)
{
    *role = ROLE_MUTED;
    if (!us->configured)
        return app_t(a, "staff.upload.off");
    if (us->running)
        return KIT_FILL(ui, app_t(a, "staff.upload.running"),
                    ui_strf(ui, "%d / %d", us->done, us->total));
    const char *last = app_t(a, "staff.upload.never");
    if (us->have_result) {
        char hm[8];
        util_time_local(us->finished_ms, "%H:%M", hm, sizeof hm);
        last = KIT_FILL(ui, app_t(a, us->rc == 0 ? "staff.upload.last_ok" : "staff.upload.last_failed"),
                    hm);
        if (us->rc != 0)
            *role = ROLE_ERROR;
    }
    if (us->periodic && us->next_ms != INT64_MAX) {
        char hm[8];
        util_time_local(us->next_ms, "%H:%M", hm, sizeof hm);
        return ui_strf(ui, "%s  ·  %s", last, KIT_FILL(ui, app_t(a, "staff.upload.next"), hm));
    }
    return ui_strf(ui, "%s  ·  %s", last, app_t(a, "staff.upload.manual"));
}

/* ---- 今日评价 --------------------------------------------------------------------------- */

/* The counts line: 非常满意 5 · 满意 4 · 基本满意 1 · 不满意 0 · 非常不满意 1. */
static const char *ratings_line(struct app *a, struct ui *ui, const struct evaluation_day *d)
{
    const char *line = "";
    for (int g = EVALUATION_TOP; g >= 1; g--)
        line = ui_strf(ui, "%s%s%s %d", line, g == EVALUATION_TOP ? "" : " · ",
                       app_t(a, ui_strf(ui, "rating.grade.%d", g)), d->by_grade[g]);
    return line;
}

/* Today's 好差评 at the foot of the figures, its bottom at `bottom`: a heading with the
 * count and the share satisfied (grades 5 and 4 of all, said in words beside it), then
 * how many of each grade.  Returns the height it took. */
static int build_ratings(struct app *a, struct ui *ui, const struct staff *s, int x, int bottom,
                         int w)
{
    const struct evaluation_day *d = &s->ratings;
    struct ui_opts ho = {.size = px(ui, SIZE_LARGE), .bold = 1, .max_lines = 1};
    struct ui_opts mo = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 2};
    const char *head = app_t(a, "staff.ratings");
    int hw = ui_text_width(ui, head, px(ui, SIZE_LARGE), 1) + 24;
    int hh = ui_text_height(ui, head, px(ui, SIZE_LARGE), 1, hw, 1);
    if (!s->ratings_ok || d->total == 0) {
        const char *none = app_t(a, s->ratings_ok ? "staff.ratings.none" : "staff.figures.error");
        int nh = ui_text_height(ui, none, px(ui, SIZE_BODY), 0, w - hw, 2);
        int h = nh > hh ? nh : hh;
        ui_label(ui, rect(x, bottom - h, hw, hh), head, &ho);
        ui_label(ui, rect(x + hw, bottom - h + (h - nh) / 2, w - hw, nh), none, &mo);
        return h;
    }
    /* The share beside the heading, what it counts under the grades' line. */
    const char *share = KIT_FILL(ui, app_t(a, "staff.ratings.share"),
                                 kit_num(ui, evaluation_satisfied_pct(d)));
    struct ui_opts so = {.size = px(ui, SIZE_LARGE), .bold = 1, .role = ROLE_ACCENT,
                         .align = TEXT_RIGHT, .max_lines = 1};
    const char *line = ratings_line(a, ui, d);
    const char *how = KIT_FILL(ui, app_t(a, "staff.ratings.how"), kit_num(ui, d->total));
    struct ui_opts lo = {.size = px(ui, SIZE_SMALL), .max_lines = 2};
    struct ui_opts wo = {.size = px(ui, SIZE_SMALL), .role = ROLE_MUTED, .max_lines = 2};
    int lh = ui_text_height(ui, line, px(ui, SIZE_SMALL), 0, w, 2);
    int wh = ui_text_height(ui, how, px(ui, SIZE_SMALL), 0, w, 2);
    int y = bottom - wh - lh - 4 - hh;
    ui_label(ui, rect(x, y, hw, hh), head, &ho);
    ui_label(ui, rect(x + hw, y, w - hw, hh), share, &so);
    ui_label(ui, rect(x, y + hh + 4, w, lh), line, &lo);
    ui_label(ui, rect(x, y + hh + 4 + lh, w, wh), how, &wo);
    return hh + 4 + lh + wh;
}

/* ---- the figures ----------------------------------------------------------------------------- */

static void build_figures(struct app *a, struct ui *ui, struct staff *s, SDL_Rect card)
{
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, card, &co);
    int x = card.x + 40, w = card.w - 80, y = card.y + 28;
    int portrait = ui_portrait(ui);

    int tl = line_of(ui, SIZE_TITLE);
    struct ui_opts ho = {.size = px(ui, SIZE_TITLE), .bold = 1, .max_lines = 1};
    ui_label(ui, rect(x, y, 360, tl), app_t(a, "staff.today"), &ho);
    struct ui_opts date = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .align = TEXT_RIGHT,
                           .max_lines = 1};
    ui_label(ui, rect(x + 360, y, w - 360, tl),
             ui_strf(ui, "%s  ·  %s", s->fig.date,
                     KIT_FILL(ui, app_t(a, "staff.total"), num(ui, s->fig.total))),
             &date);
    y += tl + 16;
    if (!s->fig_ok) {
        struct ui_opts eo = {.size = px(ui, SIZE_LARGE), .role = ROLE_ERROR, .max_lines = 2};
        ui_label(ui, rect(x, y, w, 120), app_t(a, "staff.figures.error"), &eo);
        return;
    }

    /* Records by kind: six cards, the number large. */
    int cell_h = 132, gap = 20;
    SDL_Rect grid = rect(x, y, w, 2 * cell_h + gap);
    for (int i = 0; i < STAFFOPS_KINDS; i++) {
        SDL_Rect row = rect_row(grid, 2, i / 3, gap);
        SDL_Rect cell = rect_col(row, 3, i % 3, gap);
        struct ui_opts po = {.role = s->fig.by_kind[i] ? ROLE_ACCENT : ROLE_MUTED, .radius = 18};
        ui_panel(ui, cell, &po);
        struct ui_opts no = {.size = px(ui, 60), .bold = 1, .align = TEXT_CENTER, .max_lines = 1,
                             .role = s->fig.by_kind[i] ? ROLE_ACCENT : ROLE_NORMAL};
        ui_label(ui, rect(cell.x, cell.y + 10, cell.w, 74), num(ui, s->fig.by_kind[i]), &no);
        struct ui_opts lo = {.size = px(ui, SIZE_SMALL), .align = TEXT_CENTER, .max_lines = 1,
                             .role = ROLE_MUTED};
        ui_label(ui, rect(cell.x + 8, cell.y + 84, cell.w - 16, 40),
                 app_t(a, ui_strf(ui, "staff.kind.%s", staffops_kind(i))), &lo);
    }
    y += grid.h + 30;

    /* What waits: at the bottom of the card, gold when something does. */
    int bl = line_of(ui, SIZE_BODY);
    int ph = 14 + bl + 4 + tl + 10;
    ph = ph < 140 ? 140 : ph;
    SDL_Rect pend = rect(x, card.y + card.h - 28 - ph, w, ph);
    const int waits[2] = {s->fig.not_collected, s->fig.not_uploaded};
    const char *wkeys[2] = {"staff.not_collected", "staff.not_uploaded"};
    for (int i = 0; i < 2; i++) {
        SDL_Rect b = rect_col(pend, 2, i, gap);
        struct ui_opts po = {.role = waits[i] ? ROLE_ACCENT : ROLE_MUTED, .radius = 18};
        ui_panel(ui, b, &po);
        struct ui_opts lo = {.size = px(ui, SIZE_BODY), .max_lines = 1,
                             .role = waits[i] ? ROLE_ACCENT : ROLE_MUTED};
        ui_label(ui, rect(b.x + 24, b.y + 14, b.w - 48, bl), app_t(a, wkeys[i]), &lo);
        struct ui_opts no = {.size = px(ui, SIZE_TITLE), .bold = 1, .max_lines = 1};
        ui_label(ui, rect(b.x + 24, b.y + 14 + bl + 4, b.w - 48, tl),
                 KIT_FILL(ui, app_t(a, "staff.records"), num(ui, waits[i])), &no);
    }

    /* Records the centre refused: kept here, never sent again; staff see why. */
    int bottom = pend.y - 16;
    if (s->fig.quarantined > 0) {
        const char *q =
            ui_strf(ui, "%s%s", KIT_FILL(ui, app_t(a, "staff.quarantined"), num(ui, s->fig.quarantined)),
                    s->fig.quarantine_reason);
        int qh = ui_text_height(ui, q, px(ui, SIZE_SMALL), 0, w, 3);
        struct ui_opts qo = {.size = px(ui, SIZE_SMALL), .max_lines = 3, .role = ROLE_ERROR};
        ui_label(ui, rect(x, bottom - qh, w, qh), q, &qo);
        bottom -= qh + 8;
    }

    /* Today's 好差评 above what waits; check-ins by activity get the rest. */
    bottom -= build_ratings(a, ui, s, x, bottom, w) + 16;

    /* Check-ins by activity, as many lines as fit between. */
    struct ui_opts sh = {.size = px(ui, SIZE_LARGE), .bold = 1, .max_lines = 1};
    int ll = line_of(ui, SIZE_LARGE);
    ui_label(ui, rect(x, y, w, ll), app_t(a, "staff.by_activity"), &sh);
    y += ll + 6;
    int line_h = portrait ? 58 : 50;
    line_h = line_h < bl ? bl : line_h;
    struct ui_opts to = {.size = px(ui, SIZE_BODY), .max_lines = 1};
    struct ui_opts nto = {.size = px(ui, SIZE_BODY), .bold = 1, .align = TEXT_RIGHT, .max_lines = 1};
    struct ui_opts mo = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 1};
    if (s->fig.nact == 0 && s->fig.visits == 0) {
        ui_label(ui, rect(x, y, w, line_h), app_t(a, "staff.no_checkins"), &mo);
        return;
    }
    int lines = (bottom - y) / line_h, used = 0, nw = 160;
    for (int i = 0; i < s->fig.nact && used < lines - 1; i++, used++, y += line_h) {
        ui_label(ui, rect(x, y, w - nw - 20, line_h), s->fig.act[i].title, &to);
        ui_label(ui, rect(x + w - nw, y, nw, line_h), num(ui, s->fig.act[i].count), &nto);
    }
    int hidden = s->fig.nact - used + s->fig.more_act;
    if (hidden > 0 && used < lines - 1) {
        ui_label(ui, rect(x, y, w, line_h), KIT_FILL(ui, app_t(a, "staff.more_act"), num(ui, hidden)),
                 &mo);
        y += line_h;
    }
    if (used < lines) {
        ui_label(ui, rect(x, y, w - nw - 20, line_h), app_t(a, "staff.visits"), &mo);
        ui_label(ui, rect(x + w - nw, y, nw, line_h), num(ui, s->fig.visits), &nto);
    }
}

/* Printer and upload, one line each under a muted heading, every line as tall as its
 * words need.  With build 0 it only measures.  Returns the card's height (card.h is
 * ignored). */
static int build_state(struct app *a, struct ui *ui, SDL_Rect card, int build)
{
    int x = card.x + 32, w = card.w - 64, y = card.y + 20;
    struct ui_opts ho = {.size = px(ui, SIZE_SMALL), .role = ROLE_MUTED, .max_lines = 2};
    struct ui_opts vo = {.size = px(ui, SIZE_BODY), .bold = 1, .max_lines = 2};
    const char *head = ui_strf(ui, "%s  ·  %s", app_t(a, "staff.printer"), a->cfg.printer_device);
    int bad;
    const char *ps = printer_state(a, ui, &bad);
    if (bad)
        vo.role = ROLE_ERROR;
    struct staffops_upload_status us;
    staffops_upload_status(a->upload, &us);
    enum ui_role role;
    const char *line = upload_line(a, ui, &us, &role);
    /* The free space beside the upload's heading: what staff must watch on a full disk. */
    app_disk_update(a);
    struct ui_opts so = ho;
    if (a->disk_low)
        so.role = ROLE_ERROR;
    const char *up =
        a->disk_free < 0
            ? app_t(a, "staff.upload")
            : ui_strf(ui, "%s  ·  %s", app_t(a, "staff.upload"),
                      KIT_FILL(ui, app_t(a, a->disk_low ? "staff.disk.low" : "staff.disk"),
                               ui_strf(ui, "%lld", (long long)(a->disk_free >> 20))));
    struct ui_opts uo = {.size = px(ui, SIZE_SMALL), .max_lines = 3,
                         .role = role == ROLE_ERROR ? ROLE_ERROR : ROLE_NORMAL};
    int h1 = ui_text_height(ui, head, ho.size, 0, w, 2);
    int h2 = ui_text_height(ui, ps, vo.size, 1, w, 2);
    int h3 = ui_text_height(ui, up, so.size, 0, w, 2);
    int h4 = ui_text_height(ui, line, uo.size, 0, w, 3);
    int h = 20 + h1 + h2 + 6 + h3 + h4 + 16;
    if (!build)
        return h;
    struct ui_opts co = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, rect(card.x, card.y, card.w, h), &co);
    ui_label(ui, rect(x, y, w, h1), head, &ho);
    y += h1;
    ui_label(ui, rect(x, y, w, h2), ps, &vo);
    y += h2 + 6;
    ui_label(ui, rect(x, y, w, h3), up, &so);
    y += h3;
    ui_label(ui, rect(x, y, w, h4), line, &uo);
    return h;
}

static void build_actions(struct app *a, struct ui *ui, struct staff *s, SDL_Rect r)
{
    struct staffops_upload_status us;
    staffops_upload_status(a->upload, &us);
    int portrait = ui_portrait(ui);
    /* b[5] is 导入内容, beside 导出到U盘: both are about a USB drive. */
    SDL_Rect b[6];
    if (portrait) {
        static const int at[6] = {0, 2, 3, 4, 5, 1};
        for (int i = 0; i < 6; i++) {
            SDL_Rect row = rect_row(r, 3, at[i] / 2, 18);
            b[i] = rect_col(row, 2, at[i] % 2, 24);
        }
    } else {
        for (int i = 0; i < 5; i++)
            b[i] = rect_row(r, 5, i, 16);
        b[5] = rect_col(b[0], 2, 1, 16);
        b[0] = rect_col(b[0], 2, 0, 16);
    }
    /* The labels at their size when each fits its button on one line, else a size
     * smaller (long English labels, a short screen): the two drive buttons side by side
     * together, the others together. */
    static const char *const keys[6] = {"staff.export", "staff.upload_now", "staff.print_test",
                                        "staff.reprint", "staff.quit", "staff.import"};
    int size[2] = {SIZE_LARGE, SIZE_LARGE};
    for (int i = 0; i < 6; i++)
        if (ui_text_width(ui, app_t(a, keys[i]), px(ui, SIZE_LARGE), 1) > b[i].w - 24 ||
            line_of(ui, SIZE_LARGE) > b[i].h - 16)
            size[i == 0 || i == 5] = SIZE_BODY;
    struct ui_opts pri = {.role = ROLE_PRIMARY, .size = px(ui, size[1])};
    struct ui_opts imp = {.role = ROLE_NORMAL, .size = px(ui, size[1])};
    struct ui_opts nor = {.role = ROLE_NORMAL, .size = px(ui, size[0])};
    struct ui_opts up = nor;
    up.disabled = !us.configured;
    struct ui_opts quiet = {.role = ROLE_QUIET, .size = px(ui, size[0])};
    if (ui_button(ui, b[0], app_t(a, "staff.export"), &pri)) {
        open_drives(a, s, USE_EXPORT);
        return;
    }
    if (ui_button(ui, b[5], app_t(a, "staff.import"), &imp)) {
        open_drives(a, s, USE_IMPORT);
        return;
    }
    if (ui_button(ui, b[1], app_t(a, "staff.upload_now"), &up)) {
        start_upload(a, s);
        return;
    }
    if (ui_button(ui, b[2], app_t(a, "staff.print_test"), &nor)) {
        print_test(a, s);
        return;
    }
    if (ui_button(ui, b[3], app_t(a, "staff.reprint"), &nor)) {
        int n = staffops_receipts(a->st, app_now(a), s->receipts, MAX_RECEIPTS);
        s->nreceipts = n < 0 ? 0 : n;
        memset(&s->list, 0, sizeof s->list);
        s->dlg = DLG_REPRINT;
        return;
    }
    if (ui_button(ui, b[4], app_t(a, "staff.quit"), &quiet))
        s->dlg = DLG_QUIT;
}

static void build_message(struct app *a, struct ui *ui, struct staff *s, SDL_Rect r)
{
    if (!s->msg[0] && app_clock_update(a)) {
        /* A clock that cannot be believed: said where the hint would be, until it is
         * right again (what staff can do about it: set the time). */
        const char *text;
        if (a->clock.flags & CLOCK_LOCAL) {
            char now[24], trusted[24] = "—";
            util_time_local(a->clock.now_ms, "%Y-%m-%d %H:%M", now, sizeof now);
            if (a->clock.trusted_ms)
                util_time_local(a->clock.trusted_ms, "%Y-%m-%d %H:%M", trusted, sizeof trusted);
            text = KIT_FILL(ui, app_t(a, "staff.clock"), now, trusted);
        } else {
            char off[24];
            snprintf(off, sizeof off, "%lld", llabs(a->clock.centre_skew_s));
            text = KIT_FILL(ui, app_t(a, "staff.clock.centre"), off);
        }
        struct ui_opts po = {.role = ROLE_ERROR, .radius = 20};
        ui_panel(ui, r, &po);
        struct ui_opts mo = {.size = px(ui, SIZE_SMALL), .max_lines = 3, .role = ROLE_ERROR};
        ui_label(ui, rect_inset(r, 10), text, &mo);
        return;
    }
    if (!s->msg[0] && s->help_count > 0) {
        build_help_line(a, ui, s, r);
        return;
    }
    if (!s->msg[0]) {
        struct ui_opts po = {.role = ROLE_MUTED, .radius = 20};
        ui_panel(ui, r, &po);
        struct ui_opts mo = {.size = px(ui, SIZE_BODY), .max_lines = 2, .role = ROLE_MUTED};
        ui_label(ui, rect_inset(r, 20), app_t(a, "staff.hint"), &mo);
        return;
    }
    enum ui_role role = s->tone == TONE_OK ? ROLE_OK : ROLE_ERROR;
    struct ui_opts po = {.role = role, .radius = 20};
    ui_panel(ui, r, &po);
    struct ui_opts mo = {.size = px(ui, SIZE_BODY), .max_lines = 3, .role = role};
    ui_label(ui, rect_inset(r, 20), s->msg, &mo);
}

/* ---- dialogs ---------------------------------------------------------------------------- */

static SDL_Rect dialog(struct ui *ui, int h)
{
    ui_modal(ui);
    int W = ui_width(ui), H = ui_height(ui);
    int dw = W < 1200 ? W - 96 : 1100;
    SDL_Rect d = rect((W - dw) / 2, (H - h) / 2, dw, h);
    struct ui_opts card = {.role = ROLE_NORMAL, .radius = 28};
    ui_panel(ui, d, &card);
    return d;
}

static void dialog_title(struct ui *ui, SDL_Rect d, const char *text)
{
    struct ui_opts to = {.size = px(ui, SIZE_TITLE), .bold = 1, .max_lines = 1};
    ui_label(ui, rect(d.x + 48, d.y + 36, d.w - 96, 76), text, &to);
}

static void progress_bar(struct ui *ui, SDL_Rect r, int done, int total)
{
    struct ui_opts track = {.role = ROLE_MUTED, .radius = r.h / 2};
    ui_panel(ui, r, &track);
    if (total <= 0 || done <= 0)
        return;
    int w = (int)((int64_t)r.w * (done > total ? total : done) / total);
    if (w < r.h)
        w = r.h; /* a rounded bar is never thinner than its height */
    struct ui_opts bar = {.role = ROLE_PRIMARY, .radius = r.h / 2};
    ui_panel(ui, rect(r.x, r.y, w, r.h), &bar);
}

/* "12.3 GB" free, or "" when unknown. */
static const char *free_space(struct app *a, struct ui *ui, int64_t bytes)
{
    if (bytes < 0)
        return "";
    double gb = (double)bytes / 1e9;
    const char *v = gb >= 1 ? ui_strf(ui, "%.1f GB", gb) : ui_strf(ui, "%.0f MB", (double)bytes / 1e6);
    return KIT_FILL(ui, app_t(a, "staff.export.free"), v);
}

static const char *drive_sub(struct app *a, struct ui *ui, const struct staffops_drive *dr)
{
    const char *space = free_space(a, ui, dr->free_bytes);
    return space[0] ? ui_strf(ui, "%s  ·  %s", dr->path, space) : dr->path;
}

static int drive_row(struct ui *ui, void *ctx, int i, SDL_Rect row)
{
    struct app *a = ctx;
    const struct staffops_drive *dr = &state(a)->drives[i];
    SDL_Rect card = rect(row.x, row.y + 8, row.w, row.h - 16);
    struct ui_opts frame = {.role = ROLE_SELECTED, .radius = 18};
    ui_panel(ui, card, &frame);
    struct ui_opts o = {.size = px(ui, SIZE_LARGE), .sub = drive_sub(a, ui, dr), .max_lines = 3};
    return ui_row(ui, rect_inset(card, 4), dr->name, &o);
}

/* A drive's row is as tall as the longest path needs (three lines at most: a long mount
 * path in large text). */
static int drive_row_h(struct app *a, struct ui *ui, const struct staff *s, int w)
{
    int lines = 1, ssz = ui_px(ui, SIZE_SMALL);
    for (int i = 0; i < s->ndrives; i++) {
        int h = ui_text_height(ui, drive_sub(a, ui, &s->drives[i]), SIZE_SMALL, 0, w - 72, 3);
        int l = (h + ssz * 3 / 2 - 1) / (ssz * 3 / 2);
        lines = l > lines ? (l > 3 ? 3 : l) : lines;
    }
    int h = ui_px(ui, px(ui, SIZE_LARGE)) * 3 / 2 + ssz * 3 / 2 * lines + 24 + 4;
    int min = ui_large_text(ui) ? 144 : 128;
    return h > min ? h : min;
}

/* The drives to export to or import from: four rows at a time, more with 上一屏/下一屏. */
static void build_drives(struct app *a, struct ui *ui, struct staff *s)
{
    int n = s->ndrives, rows = n ? (n > 4 ? 4 : n) : 1;
    int row_h = drive_row_h(a, ui, s, (ui_width(ui) < 1200 ? ui_width(ui) - 96 : 1100) - 96);
    /* As many rows as the screen has room for, four at most. */
    int room = ui_height(ui) - 80 - (196 + 36 + 96 + 40);
    while (rows > 1 && rows * row_h + (n > rows ? kit_pager_h(ui) + 16 : 0) > room)
        rows--;
    int list_h = rows * row_h + (n > rows ? kit_pager_h(ui) + 16 : 0);
    SDL_Rect d = dialog(ui, 196 + list_h + 36 + 96 + 40);
    int imp = s->use == USE_IMPORT;
    dialog_title(ui, d, app_t(a, imp ? "staff.import.choose" : "staff.export.choose"));
    struct ui_opts ho = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 1};
    ui_label(ui, rect(d.x + 48, d.y + 116, d.w - 96, 50),
             app_t(a, imp ? "staff.import.note" : "staff.export.keep"), &ho);
    SDL_Rect list = rect(d.x + 48, d.y + 190, d.w - 96, list_h);
    if (n == 0) {
        struct ui_opts no = {.size = px(ui, SIZE_LARGE), .role = ROLE_ERROR, .max_lines = 2};
        ui_label(ui, list, app_t(a, "staff.export.none"), &no);
    } else {
        int hit = kit_list(a, ui, list, "staff.drives", &s->list, n, row_h, drive_row, a);
        if (hit >= 0) {
            struct staffops_drive chosen = s->drives[hit];
            if (imp)
                start_import(a, s, &chosen);
            else
                start_export(a, s, &chosen);
            return;
        }
    }
    int by = d.y + d.h - 36 - 96, bw = 300;
    struct ui_opts nor = {.role = ROLE_NORMAL, .size = px(ui, SIZE_LARGE)};
    struct ui_opts quiet = {.role = ROLE_QUIET, .size = px(ui, SIZE_LARGE)};
    if (ui_button(ui, rect(d.x + 48, by, bw, 96), app_t(a, "staff.refresh"), &nor)) {
        open_drives(a, s, s->use);
        return;
    }
    if (ui_button(ui, rect(d.x + d.w - 48 - bw, by, bw, 96), app_t(a, "staff.cancel"), &quiet))
        s->dlg = DLG_NONE;
}

/* The progress dialog of an export or an upload. */
static int build_progress(struct app *a, struct ui *ui, const char *title, const char *where,
                          const char *note, int done, int total, const char *button,
                          int button_off)
{
    SDL_Rect d = dialog(ui, 520);
    dialog_title(ui, d, title);
    struct ui_opts wo = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 1};
    ui_label(ui, rect(d.x + 48, d.y + 120, d.w - 96, 50), where, &wo);
    progress_bar(ui, rect(d.x + 48, d.y + 196, d.w - 96, 36), done, total);
    struct ui_opts co = {.size = px(ui, SIZE_LARGE), .bold = 1, .align = TEXT_CENTER, .max_lines = 1};
    ui_label(ui, rect(d.x + 48, d.y + 246, d.w - 96, 60),
             total > 0 ? ui_strf(ui, "%d / %d", done, total) : app_t(a, "staff.preparing"), &co);
    struct ui_opts no = {.size = px(ui, SIZE_BODY), .role = ROLE_ERROR, .align = TEXT_CENTER,
                         .max_lines = 2};
    ui_label(ui, rect(d.x + 48, d.y + 312, d.w - 96, 60), note, &no);
    struct ui_opts bo = {.role = ROLE_QUIET, .size = px(ui, SIZE_LARGE), .disabled = button_off};
    return ui_button(ui, rect(d.x + (d.w - 420) / 2, d.y + d.h - 36 - 96, 420, 96), button, &bo);
}

static void build_export(struct app *a, struct ui *ui, struct staff *s)
{
    const struct syncjob_state *st = &s->export_st;
    if (s->use == USE_IMPORT) {
        /* Verified first, applied in short steps: nothing to cancel halfway. */
        build_progress(a, ui, app_t(a, "staff.import.running"), s->export_drive.path,
                       app_t(a, "staff.import.note"), 0, 0, app_t(a, "staff.cancel"), 1);
        return;
    }
    const char *note = app_t(a, s->export_cancelled ? "staff.export.cancelling" : "staff.export.keep");
    if (build_progress(a, ui, app_t(a, "staff.export.running"), s->export_drive.path, note, st->done,
                       st->total, app_t(a, "staff.cancel"), s->export_cancelled)) {
        syncjob_cancel(s->export_job);
        s->export_cancelled = 1;
    }
}

static void build_upload(struct app *a, struct ui *ui, struct staff *s)
{
    struct staffops_upload_status us;
    staffops_upload_status(a->upload, &us);
    if (build_progress(a, ui, app_t(a, "staff.upload.title"), app_t(a, "staff.upload.where"),
                       app_t(a, "staff.upload.note"), us.done, us.total,
                       app_t(a, "staff.upload.hide"), 0))
        s->dlg = DLG_NONE; /* it goes on; the state card shows how far */
}

static int receipt_row(struct ui *ui, void *ctx, int i, SDL_Rect row)
{
    struct app *a = ctx;
    const struct staffops_receipt *r = &state(a)->receipts[i];
    const char *kind = app_t(a, ui_strf(ui, "staff.kind.%s", r->kind));
    const char *st = app_t(a, ui_strf(ui, "staff.pstate.%s", r->state));
    struct ui_opts o = {.size = px(ui, SIZE_LARGE), .sub = ui_strf(ui, "%s  ·  %s  ·  %s", r->time, kind, st)};
    return ui_row(ui, row, r->receipt_no, &o);
}

static void build_reprint(struct app *a, struct ui *ui, struct staff *s)
{
    /* As tall as the receipts need, at most the screen; the list scrolls beyond. */
    int H = ui_height(ui), row_h = ui_large_text(ui) ? 140 : 120;
    int want = 180 + (s->nreceipts ? s->nreceipts * row_h : 160) + 24 + 96 + 36;
    SDL_Rect d = dialog(ui, want < H - 160 ? want : H - 160);
    dialog_title(ui, d, app_t(a, "staff.reprint.title"));
    struct ui_opts ho = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 1};
    ui_label(ui, rect(d.x + 48, d.y + 116, d.w - 96, 50), app_t(a, "staff.reprint.hint"), &ho);
    int by = d.y + d.h - 36 - 96;
    SDL_Rect list = rect(d.x + 24, d.y + 180, d.w - 48, by - 24 - (d.y + 180));
    if (s->nreceipts == 0) {
        struct ui_opts eo = {.size = px(ui, SIZE_LARGE), .role = ROLE_MUTED, .align = TEXT_CENTER,
                             .max_lines = 2};
        ui_label(ui, rect(list.x, list.y + 60, list.w, 100), app_t(a, "staff.reprint.none"), &eo);
    } else {
        int hit = kit_list(a, ui, list, "staff.receipts", &s->list, s->nreceipts, row_h,
                           receipt_row, a);
        if (hit >= 0) {
            struct staffops_receipt r = s->receipts[hit];
            s->dlg = DLG_NONE;
            reprint(a, s, &r);
            return;
        }
    }
    struct ui_opts quiet = {.role = ROLE_QUIET, .size = px(ui, SIZE_LARGE)};
    if (ui_button(ui, rect(d.x + (d.w - 360) / 2, by, 360, 96), app_t(a, "staff.close"), &quiet))
        s->dlg = DLG_NONE;
}

static void build_quit(struct app *a, struct ui *ui, struct staff *s)
{
    SDL_Rect d = dialog(ui, 440);
    dialog_title(ui, d, app_t(a, "staff.quit.title"));
    struct ui_opts bo = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 3};
    ui_label(ui, rect(d.x + 48, d.y + 130, d.w - 96, 120), app_t(a, "staff.quit.body"), &bo);
    int by = d.y + d.h - 36 - 100, bw = (d.w - 96 - 40) / 2;
    struct ui_opts pri = {.role = ROLE_PRIMARY, .size = px(ui, SIZE_LARGE)};
    struct ui_opts nor = {.role = ROLE_NORMAL, .size = px(ui, SIZE_LARGE)};
    if (ui_button(ui, rect(d.x + 48, by, bw, 100), app_t(a, "staff.cancel"), &nor)) {
        s->dlg = DLG_NONE;
        return;
    }
    if (ui_button(ui, rect(d.x + d.w - 48 - bw, by, bw, 100), app_t(a, "staff.quit.confirm"),
                  &pri)) {
        staffops_log(a->st, app_now(a), "staff_quit", "");
        a->quit = 1;
        s->dlg = DLG_NONE;
    }
}

/* ---- 呼叫工作人员 ----------------------------------------------------------------------- */

/* The open requests again (after 已处理, or a call made since). */
static void help_refresh(struct app *a, struct staff *s)
{
    int n = help_open(a->st, s->help, MAX_HELP);
    s->nhelp = n < 0 ? 0 : n;
    int count = n < MAX_HELP ? n : help_open_count(a->st);
    s->help_count = count < 0 ? 0 : count;
    if (s->help_sel >= s->nhelp)
        s->help_sel = 0;
}

/* Where the person was, in the staff's words (the screen's name when unknown). */
static const char *help_where(struct app *a, struct ui *ui, const char *screen)
{
    const char *key = ui_strf(ui, "help.screen.%s", screen);
    return i18n_has(a->cat, key) ? app_t(a, key) : screen;
}

/* The gold line in the message's place while calls are open: opens the list. */
static void build_help_line(struct app *a, struct ui *ui, struct staff *s, SDL_Rect r)
{
    struct ui_opts o = {.role = ROLE_ACCENT, .size = px(ui, SIZE_BODY), .max_lines = 2};
    if (ui_button(ui, r, KIT_FILL(ui, app_t(a, "help.staff.open"), num(ui, s->help_count)), &o)) {
        help_refresh(a, s);
        s->dlg = DLG_HELP;
    }
}

static int help_row(struct ui *ui, void *ctx, int i, SDL_Rect row)
{
    struct app *a = ctx;
    struct staff *s = state(a);
    const struct help_request *h = &s->help[i];
    struct ui_opts o = {.size = px(ui, SIZE_LARGE), .selected = i == s->help_sel,
                        .sub = KIT_FILL(ui, app_t(a, "help.staff.row"), h->time, h->date)};
    return ui_row(ui, row, help_where(a, ui, h->screen), &o);
}

/* 呼叫工作人员：待处理 — the open requests, oldest first; one is chosen (the oldest at
 * first), 已处理 marks it handled and the next one is chosen. */
static void build_help(struct app *a, struct ui *ui, struct staff *s)
{
    int H = ui_height(ui), row_h = ui_large_text(ui) ? 140 : 120;
    int body = s->nhelp ? s->nhelp * row_h : 160;
    int want = 180 + body + 24 + 96 + 36;
    SDL_Rect d = dialog(ui, want < H - 160 ? want : H - 160);
    dialog_title(ui, d, KIT_FILL(ui, "{}  ·  {}", app_t(a, "help.staff.title"),
                                 num(ui, s->help_count)));
    struct ui_opts ho = {.size = px(ui, SIZE_BODY), .role = ROLE_MUTED, .max_lines = 1};
    ui_label(ui, rect(d.x + 48, d.y + 116, d.w - 96, 50), app_t(a, "help.staff.hint"), &ho);
    int by = d.y + d.h - 36 - 96, bw = (d.w - 96 - 40) / 2;
    SDL_Rect list = rect(d.x + 24, d.y + 180, d.w - 48, by - 24 - (d.y + 180));
    if (s->nhelp > 0) {
        int hit = kit_list(a, ui, list, "staff.help", &s->help_list, s->nhelp, row_h, help_row, a);
        if (hit >= 0)
            s->help_sel = hit;
    } else {
        struct ui_opts no = {.size = px(ui, SIZE_LARGE), .role = ROLE_MUTED, .align = TEXT_CENTER,
                             .max_lines = 2};
        ui_label(ui, rect(list.x, list.y + 40, list.w, 100), app_t(a, "help.staff.none"), &no);
    }
    struct ui_opts done = {.role = ROLE_PRIMARY, .size = px(ui, SIZE_LARGE), .disabled = !s->nhelp};
    struct ui_opts close = {.role = ROLE_QUIET, .size = px(ui, SIZE_LARGE)};
    if (ui_button(ui, rect(d.x + 48, by, bw, 96), app_t(a, "staff.close"), &close)) {
        s->dlg = DLG_NONE;
        return;
    }
    if (ui_button(ui, rect(d.x + d.w - 48 - bw, by, bw, 96), app_t(a, "help.handled"), &done) &&
        s->nhelp > 0) {
        if (help_mark_handled(a->st, s->help[s->help_sel].uuid, app_now(a)) < 0)
            say(a, s, TONE_ERROR, "help.staff.failed", NULL, NULL);
        help_refresh(a, s);
    }
}

/* ---- screen -------------------------------------------------------------------------------- */

static void staff_build(struct app *a, struct ui *ui)
{
    struct staff *s = state(a);
    SDL_Rect c = app_chrome(a, ui, app_t(a, "staff.title"));

    /* An upload that ended (here or in the background) changed what waits. */
    struct staffops_upload_status us;
    staffops_upload_status(a->upload, &us);
    if (us.have_result && us.finished_ms != s->seen_upload_end) {
        s->seen_upload_end = us.finished_ms;
        refresh(a, s);
    }

    /* The state card as tall as its lines; the buttons take what is left. */
    SDL_Rect figures, st, msg, actions;
    if (ui_portrait(ui)) {
        int x = 40, w = c.w - 80;
        figures = rect(x, c.y + 30, w, 960);
        st = rect(x, c.y + 1010, w, 0);
        st.h = build_state(a, ui, st, 0);
        msg = rect(x, st.y + st.h + 16, w, 140);
        actions = rect(x, msg.y + msg.h + 28, w, c.y + c.h - 40 - (msg.y + msg.h + 28));
    } else {
        figures = rect(48, c.y + 30, 1140, c.h - 70);
        SDL_Rect r = rect(1228, c.y + 30, c.w - 1228 - 48, c.h - 70);
        st = rect(r.x, r.y, r.w, 0);
        st.h = build_state(a, ui, st, 0);
        msg = rect(r.x, r.y + st.h + 16, r.w, 140);
        actions = rect(r.x, msg.y + msg.h + 16, r.w, r.y + r.h - (msg.y + msg.h + 16));
    }
    build_figures(a, ui, s, figures);
    build_state(a, ui, st, 1);
    build_message(a, ui, s, msg);
    build_actions(a, ui, s, actions);
    if (state(a) != s)
        return;
    switch (s->dlg) {
    case DLG_NONE: break;
    case DLG_DRIVES: build_drives(a, ui, s); break;
    case DLG_EXPORT: build_export(a, ui, s); break;
    case DLG_UPLOAD: build_upload(a, ui, s); break;
    case DLG_REPRINT: build_reprint(a, ui, s); break;
    case DLG_QUIT: build_quit(a, ui, s); break;
    case DLG_HELP: build_help(a, ui, s); break;
    }
}

static void staff_enter(struct app *a, const void *arg)
{
    struct staff *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    *app_slot(a) = s;
    a->staff_mode = 1;
    s->poll_at = INT64_MAX;
    struct staffops_upload_status us;
    staffops_upload_status(a->upload, &us);
    s->seen_upload_end = us.finished_ms;
    refresh(a, s);
    /* Staff who log in while someone is waiting for them see who first. */
    if (s->help_count > 0)
        s->dlg = DLG_HELP;
}

static void staff_leave(struct app *a)
{
    struct staff *s = state(a);
    a->staff_mode = 0;
    if (!s)
        return;
    if (s->export_job) {
        /* Leaving mid-export (Escape, 首页): stop it; a stopped export marks nothing. */
        syncjob_cancel(s->export_job);
        syncjob_destroy(s->export_job);
    }
    staffops_log(a->st, app_now(a), "staff_leave", "");
    free(s);
    *app_slot(a) = NULL;
}

/* A background upload needs no timer here: the scheduler's own polls (app.c) rebuild
 * the screen, and the state card reads its progress. */
static int64_t staff_next_timer(struct app *a) { return state(a)->poll_at; }

static void staff_timer(struct app *a, int64_t now)
{
    struct staff *s = state(a);
    if (now < s->poll_at)
        return;
    s->poll_at = INT64_MAX;
    if (s->export_job) {
        staffops_job_poll(s->export_job, a->virtual_clock, &s->export_st);
        a->last_input_ms = now; /* an export under way is the staff's business, not idling */
        if (s->export_st.finished)
            export_done(a, s);
        else
            s->poll_at = now + STAFFOPS_POLL_MS;
    }
    if (s->dlg == DLG_UPLOAD) {
        struct staffops_upload_status us;
        staffops_upload_status(a->upload, &us);
        a->last_input_ms = now;
        if (us.running)
            s->poll_at = now + STAFFOPS_POLL_MS;
        else if (us.have_result && us.finished_ms >= s->upload_started)
            upload_done(a, s, &us);
        else
            s->dlg = DLG_NONE; /* stopped before it could report */
    }
}

static void staff_scan(struct app *a, const char *code)
{
    /* A scan in staff mode is someone testing the scanner: not a check-in. */
}

const struct screen screen_staff = {
    .name = "staff", .title_key = "staff.title",
    .enter = staff_enter, .leave = staff_leave, .build = staff_build,
    .scan = staff_scan,
    .next_timer = staff_next_timer, .timer = staff_timer,
};
