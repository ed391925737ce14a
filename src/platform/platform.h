/* platform — the SDL window and renderer, or their headless stand-in, and the real
 * event loop.  A headless kiosk draws with SDL's software renderer into a memory
 * surface: no video driver, no EGL, the same pixels on every machine.
 *
 * Owns: the window, renderer and headless surface.  Never does: decide what to draw. */
#ifndef KIOSK_PLATFORM_H
#define KIOSK_PLATFORM_H

#include <SDL.h>

struct app;
struct config;
struct notify;

enum platform_mode { PLATFORM_FULLSCREEN, PLATFORM_WINDOWED, PLATFORM_HEADLESS };

struct platform {
    enum platform_mode mode;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *surface;    /* headless target */
    int w, h;                /* logical size */
};

/* Initialises SDL and creates the output.  Returns 0, or -1 with a sentence in err. */
int platform_open(struct platform *p, enum platform_mode mode, int w, int h, int accelerated,
                  char *err, size_t errlen);
void platform_close(struct platform *p);

/* 1 once the process has received SIGTERM or SIGINT (systemd stopping the service, ^C).
 * The loop stops on it whatever the app made of the SDL_QUIT that SDL turns the signal
 * into: a window close that came without its own SDL_QUIT must never make the app take
 * the signal's SDL_QUIT for the close's and ignore it. */
int platform_stop_requested(void);

/* Runs the kiosk until app->quit or platform_stop_requested(): blocks until input or the next deadline (the app's, or
 * the service watchdog's ping), draws only what changed.  With n (NULL: none), tells the
 * service manager READY=1 after the first frame, pings its watchdog from the loop while
 * the database answers, and STOPPING=1 at the end.
 *
 * KIOSK_TEST_STALL_FILE=PATH (tests only): once PATH exists the loop hangs, with every
 * other thread running on, to show that the pings stop. */
void platform_run(struct platform *p, struct app *a, struct notify *n);

#endif
