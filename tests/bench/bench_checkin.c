/* bench_checkin — check-in time for `make bench`: a queue of N people scanning their
 * activity certificates one after another, through the real app (scanner filter,
 * check-in screen, durable insert) on SDL's software renderer at 1920x1080.
 *
 * Each scan is fed the way a handheld scanner types it: Shift held for capitals, one key
 * every 8 ms (virtual time, so the gaps cost nothing), then Return.  After every event
 * the app rebuilds and draws, as the real loop does.  Measured per scan, in wall-clock
 * time: from the Return key (the moment the kiosk knows it has a scan) until the result
 * is drawn, which includes the certificate look-ups, the fsync'd insert and the frame.
 *
 * Prints "name: value" lines:
 *   checkin_ms_median, checkin_ms_p99   Return -> result drawn
 *   checkin_scan_ms_median              first key -> result drawn (CPU of the whole burst)
 *   checkin_records                     records written (must equal the scans)
 * Exits 1 when a scan did not end on 签到成功 or a record is missing.
 *
 * Run from the repository root: build/release/bench/bench_checkin [N] (default 200). */
#include "app/app.h"
#include "app/i18n.h"
#include "content/import.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_GAP_MS 8

static double wall_ms(void)
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

/* One event through the app as the loop hands it over: event, due timers, frame. */
static void feed(struct app *a, SDL_Event *ev)
{
    ev->common.timestamp = (Uint32)(app_now(a) - a->start_ms);
    app_event(a, ev);
    if (app_now(a) >= app_next_deadline(a))
        app_tick(a);
    app_frame(a);
}

static void key(struct app *a, Uint32 type, SDL_Keycode k, Uint16 mod)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.key.state = type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED;
    ev.key.keysym.sym = k;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(k);
    ev.key.keysym.mod = mod;
    feed(a, &ev);
}

static void text(struct app *a, char c)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    ev.text.text[0] = c;
    feed(a, &ev);
}

/* Types code as a scanner does, up to but not including Return. */
static void scan_keys(struct app *a, const char *code)
{
    for (const char *c = code; *c; c++) {
        int upper = isupper((unsigned char)*c);
        SDL_Keycode k = (SDL_Keycode)tolower((unsigned char)*c);
        if (upper)
            key(a, SDL_KEYDOWN, SDLK_LSHIFT, KMOD_LSHIFT);
        key(a, SDL_KEYDOWN, k, upper ? KMOD_LSHIFT : 0);
        text(a, *c);
        key(a, SDL_KEYUP, k, upper ? KMOD_LSHIFT : 0);
        if (upper)
            key(a, SDL_KEYUP, SDLK_LSHIFT, 0);
        app_set_clock(a, app_now(a) + KEY_GAP_MS);
    }
}

static int shows(struct ui *ui, const char *s)
{
    for (int i = 0; i < ui_visible_count(ui); i++) {
        const struct ui_widget *w = ui_visible_at(ui, i);
        if (w->text && strstr(w->text, s))
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n < 1 || n > 100000) {
        fprintf(stderr, "usage: bench_checkin [N]\n");
        return 2;
    }
    setenv("TZ", "CST-8", 1);
    tzset();
    char dir[] = "/tmp/kiosk-bench-checkin-XXXXXX", err[512];
    if (!mkdtemp(dir))
        return 1;
    struct config cfg;
    if (config_load("kiosk-config/kiosk.ini", &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct store *st;
    struct i18n *cat = i18n_load("assets/i18n", err, sizeof err);
    struct text_fonts *tf = cat ? text_fonts_open(cfg.fonts_dir, err, sizeof err) : NULL;
    if (!cat || !tf || store_open(dir, cfg.kiosk_id, &st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    /* 2026-12-01 10:00 China time: one demo activity (A012) is open. */
    int64_t t0;
    util_parse_iso("2026-12-01T10:00:00+08:00", &t0);
    if (import_demo(st, "assets/demo", t0, err, sizeof err) < 0) {
        fprintf(stderr, "demo content: %s\n", err);
        return 1;
    }
    SDL_Init(SDL_INIT_EVENTS);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = SDL_CreateSoftwareRenderer(surf);
    struct ui *ui = ui_create(ren, tf, 1920, 1080);
    if (!ui)
        return 1;
    struct app a;
    app_init(&a, &cfg, st, cat, ui, 1, t0);
    app_frame(&a);

    double *ret = calloc((size_t)n, sizeof *ret), *whole = calloc((size_t)n, sizeof *whole);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        char code[32];
        snprintf(code, sizeof code, "LD-2026-%05d", i);
        double s0 = wall_ms();
        scan_keys(&a, code);
        double s1 = wall_ms();
        key(&a, SDL_KEYDOWN, SDLK_RETURN, 0);
        double s2 = wall_ms();
        key(&a, SDL_KEYUP, SDLK_RETURN, 0);
        ret[i] = s2 - s1;
        whole[i] = s2 - s0;
        if (!shows(ui, "签到成功") || !shows(ui, code)) {
            if (!bad++)
                fprintf(stderr, "scan %d (%s) did not end on its result\n", i, code);
        }
        /* The next person steps up a little later, while the result is still up. */
        app_set_clock(&a, app_now(&a) + 400);
    }
    int records = store_count(st, "records");
    qsort(ret, (size_t)n, sizeof *ret, cmp);
    qsort(whole, (size_t)n, sizeof *whole, cmp);
    printf("checkin_ms_median: %.3f\ncheckin_ms_p99: %.3f\n", ret[n / 2], ret[n * 99 / 100]);
    printf("checkin_scan_ms_median: %.3f\n", whole[n / 2]);
    printf("checkin_records: %d\n", records);
    if (records != n && !bad++)
        fprintf(stderr, "%d scans, %d records\n", n, records);

    free(ret);
    free(whole);
    app_fini(&a);
    ui_destroy(ui);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    SDL_Quit();
    store_close(st);
    text_fonts_close(tf);
    i18n_free(cat);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return bad ? 1 : 0;
}
