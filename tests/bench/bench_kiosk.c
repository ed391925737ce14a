/* bench_kiosk — in-process figures for `make bench`: frame times of Home (full and
 * clock-only), of a 10-row and a 10,000-row list while it scrolls, the durable commit
 * latency of one record, and the writing pad: opening it the first time (the model
 * loads) and the time from the lift of a character's last stroke to its candidates on
 * screen.  Runs the real app and toolkit on SDL's software
 * renderer, like the headless kiosk.  Prints "name: value" lines. */
#include "app/app.h"
#include "app/i18n.h"
#include "core/config.h"
#include "core/png.h"
#include "core/util.h"
#include "store/store.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%s_median_ms: %.3f\n%s_p99_ms: %.3f\n", name, v[n / 2], name, v[n * 99 / 100]);
}

/* A finger event at logical (x, y) of the 1920 x 1080 screen. */
static void finger(struct app *a, Uint32 type, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = ev.tfinger.fingerId = 1;
    ev.tfinger.x = (float)x / 1920.0f;
    ev.tfinger.y = (float)y / 1080.0f;
    app_event(a, &ev);
}

/* Taps the visible widget whose text is exactly label; 0, or -1 when there is none. */
static int tap(struct app *a, const char *label)
{
    for (int i = 0; i < ui_visible_count(a->ui); i++) {
        const struct ui_widget *w = ui_visible_at(a->ui, i);
        if (w->text && strcmp(w->text, label) == 0) {
            finger(a, SDL_FINGERDOWN, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2);
            app_frame(a);
            finger(a, SDL_FINGERUP, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2);
            app_frame(a);
            return 0;
        }
    }
    fprintf(stderr, "bench: no widget \"%s\"\n", label);
    return -1;
}

/* Writes tests/data/strokes/王.txt on the pad, a frame after every finger event as
 * the kiosk's loop draws them, and returns the milliseconds from the last lift to the
 * frame that shows the candidates (the lift's event, recognition, build and drawing);
 * -1 when the candidate did not show. */
static double write_wang(struct app *a)
{
    FILE *f = fopen("tests/data/strokes/王.txt", "r");
    if (!f)
        return -1;
    char line[1024];
    double ms = -1;
    while (fgets(line, sizeof line, f)) {
        int x, y, n, px = 0, py = 0, first = 1;
        for (const char *p = line; sscanf(p, "%d %d%n", &x, &y, &n) == 2; p += n) {
            x = 1260 + x * 280 / 300;
            y = 540 + y * 280 / 300;
            if (!first)
                for (int i = 1; i <= 8; i++) {
                    finger(a, SDL_FINGERMOTION, px + (x - px) * i / 8, py + (y - py) * i / 8);
                    app_frame(a);
                }
            else
                finger(a, SDL_FINGERDOWN, x, y);
            first = 0;
            px = x;
            py = y;
        }
        if (first)
            continue;
        double s = now_ms();
        finger(a, SDL_FINGERUP, px, py);
        app_frame(a);
        ms = now_ms() - s;
    }
    fclose(f);
    for (int i = 0; i < ui_visible_count(a->ui); i++) {
        const struct ui_widget *w = ui_visible_at(a->ui, i);
        if (w->kind == UI_KEY && w->text && strcmp(w->text, "王") == 0)
            return ms;
    }
    return -1;
}

static int hand_bench(struct app *a)
{
    if (tap(a, "报到登记") < 0 || tap(a, "姓名") < 0)
        return -1;
    double s = now_ms();
    if (tap(a, "手写") < 0)
        return -1;
    printf("handwriting_pad_first_open_ms: %.3f\n", now_ms() - s);
    enum { NW = 30 };
    double t[NW];
    for (int i = 0; i < NW; i++) {
        if ((t[i] = write_wang(a)) < 0 || tap(a, "重写") < 0) {
            fprintf(stderr, "bench: 王 was not offered\n");
            return -1;
        }
    }
    report("handwriting_last_stroke_to_candidates", t, NW);
    return 0;
}

static int row_fn(struct ui *ui, void *ctx, int i, SDL_Rect r)
{
    struct ui_opts o = {.sub = ui_strf(ui, "丽水市某某机械有限公司 · 紫金街道 · 月薪 %d-%d 元",
                                       4000 + i % 9 * 100, 6000 + i % 7 * 100)};
    return ui_row(ui, r, ui_strf(ui, "第 %d 条 数控车床操作工", i), &o);
}

static void list_bench(struct ui *ui, int count, const char *name)
{
    enum { N = 300 };
    double t[N];
    struct ui_list_state ls = {0};
    for (int i = 0; i < N + 20; i++) {
        double t0 = now_ms();
        ui_begin(ui);
        ls.offset += 7; /* a slow finger: every frame moves and repaints the list */
        if (count * 120 - 1080 > 0 && ls.offset > (float)(count * 120 - 1080))
            ls.offset = 0;
        ui_list(ui, rect(0, 130, 1920, 950), "bench", &ls, count, 120, row_fn, NULL);
        ui_end(ui);
        ui_draw(ui, 0);
        if (i >= 20) /* the first frames fill the text cache */
            t[i - 20] = now_ms() - t0;
    }
    report(name, t, N);
}

int main(int argc, char **argv)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    char dir[] = "/tmp/kiosk-bench-XXXXXX", err[512];
    if (!mkdtemp(dir))
        return 1;
    struct config cfg;
    if (config_load("kiosk-config/kiosk.ini", &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    util_strlcpy(cfg.data_dir, dir, sizeof cfg.data_dir); /* pinyin's user data */
    struct store *st;
    struct i18n *cat = i18n_load("assets/i18n", err, sizeof err);
    struct text_fonts *tf = text_fonts_open(cfg.fonts_dir, err, sizeof err);
    if (!cat || !tf || store_open(dir, cfg.kiosk_id, &st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    SDL_Init(SDL_INIT_EVENTS);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = SDL_CreateSoftwareRenderer(surf);
    struct ui *ui = ui_create(ren, tf, 1920, 1080);
    struct app a;
    int64_t t0 = 1764550800000LL; /* 2025-12-01 09:00 +08:00 */
    app_init(&a, &cfg, st, cat, ui, 1, t0);

    enum { N = 200 };
    double t[N];
    app_frame(&a);
    for (int i = 0; i < N; i++) {
        double s = now_ms();
        a.need_full_redraw = 1;
        app_frame(&a);
        t[i] = now_ms() - s;
    }
    report("home_full_frame", t, N);
    for (int i = 0; i < N; i++) {
        app_set_clock(&a, t0 + (int64_t)(i + 1) * 60000);
        double s = now_ms();
        app_frame(&a);
        t[i] = now_ms() - s;
    }
    report("home_clock_frame", t, N);
    /* What a scenario's `shot` costs (read the canvas, write the PNG) and its `fit`. */
    enum { NS = 30 };
    double ts[NS];
    char png[sizeof dir + 16];
    snprintf(png, sizeof png, "%s/shot.png", dir);
    for (int i = 0; i < NS; i++) {
        double s = now_ms();
        int w, h;
        uint8_t *px = ui_read_rgb(ui, &w, &h);
        if (!px || png_write_rgb(png, w, h, px, w * 3) < 0)
            return 1;
        free(px);
        ts[i] = now_ms() - s;
    }
    report("screenshot_1920x1080", ts, NS);
    for (int i = 0; i < NS; i++) {
        double s = now_ms();
        ui_fit(ui, NULL, NULL);
        ts[i] = now_ms() - s;
    }
    report("fit_home", ts, NS);
    if (hand_bench(&a) < 0)
        return 1;
    app_fini(&a);

    list_bench(ui, 10, "list10_scroll_frame");
    list_bench(ui, 10000, "list10000_scroll_frame");

    /* Durable commit: each record its own fsync'd transaction, as the kiosk does. */
    for (int i = 0; i < N; i++) {
        char uuid[37];
        double s = now_ms();
        if (store_record_add(st, "checkin", "{\"certificate_no\":\"LD-2024-00001\",\"method\":\"scan\"}",
                             t0 + i, uuid) < 0)
            return 1;
        t[i] = now_ms() - s;
    }
    report("record_commit", t, N);
    /* What every commit pays to know its file is still the one it opened (store.c's
     * commit hook: one stat). */
    enum { NC = 20000 };
    double cs = now_ms();
    for (int i = 0; i < NC; i++)
        if (store_file_check(st) != STORE_LOSS_NONE)
            return 1;
    printf("store_file_check_us: %.2f\n", (now_ms() - cs) * 1000.0 / NC);

    ui_destroy(ui);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    SDL_Quit();
    store_close(st);
    text_fonts_close(tf);
    i18n_free(cat);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)argc;
    (void)argv;
    return system(cmd) == 0 ? 0 : 1;
}
