/* platform — see platform.h. */
#include "platform/platform.h"

#include "app/app.h"
#include "platform/notify.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SDL installs its own SIGTERM/SIGINT handler at SDL_Init, which only asks for an
 * SDL_QUIT at the next pump.  Ours runs first, remembers the signal (sticky: SDL's
 * handler re-installs itself with signal(2), replacing ours after the first one), then
 * hands over to SDL's, so the waiting loop still wakes with the SDL_QUIT. */
static volatile sig_atomic_t stop_requested;
static struct sigaction sdl_action[2];

static void on_stop_signal(int sig)
{
    stop_requested = 1;
    const struct sigaction *prev = &sdl_action[sig == SIGINT];
    if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN && prev->sa_handler)
        prev->sa_handler(sig);
}

static void catch_stop_signals(void)
{
    static const int sigs[2] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sigaction(sigs[i], NULL, &sdl_action[i]);
        if (sdl_action[i].sa_handler == SIG_IGN)
            continue; /* started with the signal ignored (nohup): keep it so */
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; /* no SA_RESTART: the wait in SDL must see EINTR and pump */
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Puts the default back, unless SDL's handler has replaced ours in the meantime. */
static void release_stop_signals(void)
{
    static const int sigs[2] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        struct sigaction cur;
        if (sigaction(sigs[i], NULL, &cur) == 0 && cur.sa_handler == on_stop_signal) {
            cur.sa_handler = SIG_DFL;
            sigaction(sigs[i], &cur, NULL);
        }
    }
}

int platform_stop_requested(void) { return stop_requested != 0; }

int platform_open(struct platform *p, enum platform_mode mode, int w, int h, int accelerated,
                  char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->mode = mode;
    p->w = w;
    p->h = h;
    if (mode == PLATFORM_HEADLESS) {
        /* Events only: the software renderer needs no video subsystem. */
        if (SDL_Init(SDL_INIT_EVENTS) != 0) {
            snprintf(err, errlen, "SDL: %s", SDL_GetError());
            return -1;
        }
        catch_stop_signals();
        p->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        p->ren = p->surface ? SDL_CreateSoftwareRenderer(p->surface) : NULL;
        if (!p->ren) {
            snprintf(err, errlen, "SDL software renderer: %s", SDL_GetError());
            platform_close(p);
            return -1;
        }
        return 0;
    }
    /* A kiosk: no minimising when focus moves, keyboard grabbed in fullscreen so that
     * Alt+Tab and the like reach us (and do nothing). */
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    if (mode == PLATFORM_FULLSCREEN)
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    /* The software renderer presents through the window surface; without this SDL
     * builds that surface on an OpenGL texture, loading the GL driver (~100 MB, ~0.7 s
     * on a machine without a GPU).  X11's shared-memory surface is fast enough. */
    if (!accelerated)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "SDL video: %s", SDL_GetError());
        return -1;
    }
    catch_stop_signals();
    Uint32 flags = SDL_WINDOW_SHOWN;
    int ww = w, wh = h;
    if (mode == PLATFORM_FULLSCREEN) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    } else {
        /* A development window that fits on the developer's screen. */
        SDL_DisplayMode dm;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            while (ww > dm.w * 9 / 10 || wh > dm.h * 9 / 10) {
                ww = ww * 3 / 4;
                wh = wh * 3 / 4;
            }
        }
        flags |= SDL_WINDOW_RESIZABLE;
    }
    p->win = SDL_CreateWindow("kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww, wh,
                              flags);
    if (!p->win) {
        snprintf(err, errlen, "SDL window: %s", SDL_GetError());
        platform_close(p);
        return -1;
    }
    if (accelerated)
        p->ren = SDL_CreateRenderer(p->win, -1,
                                    SDL_RENDERER_ACCELERATED | SDL_RENDERER_TARGETTEXTURE);
    if (!p->ren)
        p->ren = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_SOFTWARE);
    if (!p->ren) {
        snprintf(err, errlen, "SDL renderer: %s", SDL_GetError());
        platform_close(p);
        return -1;
    }
    SDL_RenderSetLogicalSize(p->ren, w, h);
    if (mode == PLATFORM_FULLSCREEN)
        SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();
    return 0;
}

void platform_close(struct platform *p)
{
    if (p->ren)
        SDL_DestroyRenderer(p->ren);
    if (p->win)
        SDL_DestroyWindow(p->win);
    if (p->surface)
        SDL_FreeSurface(p->surface);
    memset(p, 0, sizeof *p);
    release_stop_signals();
    SDL_Quit();
}

/* Real time for the watchdog: the app's clock is the wall clock, which NTP may move. */
static int64_t mono_ms(void) { return (int64_t)SDL_GetTicks64(); }

void platform_run(struct platform *p, struct app *a, struct notify *n)
{
    (void)p;
    const char *stall = getenv("KIOSK_TEST_STALL_FILE");
    app_frame(a);
    if (n) {
        char status[160];
        app_status_line(a, status, sizeof status);
        notify_ready(n, mono_ms(), status);
    }
    while (!a->quit && !platform_stop_requested()) {
        int64_t now = app_now(a), dl = app_next_deadline(a);
        int64_t wait = dl - now;
        if (n) {
            int64_t m = mono_ms(), ping = notify_deadline(n);
            if (ping != INT64_MAX && ping - m < wait)
                wait = ping - m;
        }
        if (wait < 0)
            wait = 0;
        if (wait > INT_MAX)
            wait = INT_MAX;
        SDL_Event ev;
        /* Sleep until input or the next deadline: an idle kiosk does no work. */
        if (SDL_WaitEventTimeout(&ev, (int)wait)) {
            app_event(a, &ev);
            while (!a->quit && !platform_stop_requested() && SDL_PollEvent(&ev))
                app_event(a, &ev);
        }
        if (app_now(a) >= app_next_deadline(a))
            app_tick(a);
        app_frame(a);
        if (stall && access(stall, F_OK) == 0) {
            if (n)
                notify_status(n, "test stall: the loop hangs now");
            for (;;)
                SDL_Delay(1000); /* the test's hung loop: only the pings may tell */
        }
        /* The ping comes last: this turn of the loop has run, its frame is drawn. */
        if (n && mono_ms() >= notify_deadline(n)) {
            char why[300] = "";
            int ok = app_healthy(a, why, sizeof why);
            notify_tick(n, mono_ms(), ok, why);
        }
    }
    if (n)
        notify_stopping(n);
}
