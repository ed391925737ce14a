/* kiosk — the touch-screen program.  Parses the command line (PRODUCT.md "Command-line
 * contract"), loads and checks the configuration, opens the data directory (seeding the
 * demo content on first start), then either runs the real loop or plays a script.
 *
 * Exit status: 0 normal end or every script line succeeded; 1 a script line failed;
 * 2 bad arguments, configuration or data directory (with nothing written). */
#include "app/app.h"
#include "app/i18n.h"
#include "content/import.h"
#include "core/config.h"
#include "core/paths.h"
#include "core/util.h"
#include "core/version.h"
#include "platform/notify.h"
#include "platform/platform.h"
#include "platform/script.h"
#include "receipt/printer.h"
#include "receipt/sign.h"
#include "store/rescue.h"
#include "store/store.h"
#include "ui/text.h"
#include "ui/ui.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FIRST_START_KEY "first_start_done"

struct args {
    const char *config, *data_dir, *script, *clock;
    int windowed, headless, first_frame_exit;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kiosk [--config FILE] [--data-dir DIR] [--windowed]\n"
            "       kiosk --headless --script FILE [--clock ISO-8601] [--config FILE] [--data-dir DIR]\n"
            "       kiosk --version\n"
            "--config defaults to %s\n",
            paths_get()->config);
}

static int parse_args(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    a->config = paths_get()->config;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(s, "--config") && more)
            a->config = argv[++i];
        else if (!strcmp(s, "--data-dir") && more)
            a->data_dir = argv[++i];
        else if (!strcmp(s, "--script") && more)
            a->script = argv[++i];
        else if (!strcmp(s, "--clock") && more)
            a->clock = argv[++i];
        else if (!strcmp(s, "--windowed"))
            a->windowed = 1;
        else if (!strcmp(s, "--headless"))
            a->headless = 1;
        else if (!strcmp(s, "--first-frame-exit"))
            a->first_frame_exit = 1; /* for `make bench`: print the start-up time and stop */
        else if (!strcmp(s, "--version")) {
            printf("kiosk %s\n", version_string());
            exit(0);
        } else if (!strcmp(s, "--help")) {
            usage(stdout);
            exit(0);
        } else {
            fprintf(stderr, "kiosk: bad argument \"%s\"\n", s);
            return -1;
        }
    }
    if (a->script && !a->headless) {
        fprintf(stderr, "kiosk: --script needs --headless\n");
        return -1;
    }
    if (a->clock && !a->script) {
        fprintf(stderr, "kiosk: --clock only applies to --script runs\n");
        return -1;
    }
    return 0;
}

/* The printer's worker calls this when a job ends: an SDL event wakes the loop, which
 * then applies the result (SDL_PushEvent is thread-safe). */
static void wake_loop(void *user)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_USEREVENT;
    SDL_PushEvent(&ev);
}

/* The first-start steps of a database, in one transaction with the marker that says
 * they are done (meta first_start_done): killed half-way, nothing of them stays and the
 * next start does them again; a database some kioskctl command made before the kiosk
 * ever started (set-pin is a documented first step) still gets them.  A database from
 * before the marker existed that holds content or records is only marked.  The one
 * step today: the bundled demo content, where [kiosk] demo is on.  Called at start and for each database the
 * kiosk opens after being out of service (a reset one is new). */
static void first_start(struct store *st, const struct config *cfg, int64_t now)
{
    char done[40], err[1024];
    if (store_meta_get(st, FIRST_START_KEY, done, sizeof done) != 1)
        return; /* done (0), or the database cannot say (-1): never seed twice */
    static const char *const tables[] = {"records",    "places",    "jobs",    "trainings",
                                         "activities", "materials", "services"};
    int used = 0;
    for (size_t i = 0; i < ARRAY_LEN(tables); i++)
        used |= store_count(st, tables[i]) > 0;
    char at[32];
    util_time_utc(now, at);
    if (store_begin(st) < 0)
        return;
    int ok = 1;
    /* Demo content only where [kiosk] demo says so (the source tree's default). */
    if (!used && cfg->demo) {
        char demo[2048];
        snprintf(demo, sizeof demo, "%s/demo", cfg->assets_dir);
        if (import_demo(st, demo, now, err, sizeof err) < 0) {
            /* The marker is still written: a kiosk must not retry a broken asset folder
             * at every start; staff import content instead. */
            fprintf(stderr, "kiosk: demo content not loaded: %s\n", err);
            store_rollback(st);
            ok = store_begin(st) == 0;
        } else {
            store_event(st, now, "seed", "demo content loaded");
        }
    }
    /* Fault injection for tests/shell/test_firststart.sh: die as a power cut would, with
     * everything written and nothing committed. */
    const char *fault = getenv("KIOSK_FAULT");
    if (fault && !strcmp(fault, "first-start"))
        raise(SIGKILL);
    if (!ok || store_meta_set(st, FIRST_START_KEY, at) < 0 || store_commit(st) < 0) {
        fprintf(stderr, "kiosk: the first start could not be finished; it is redone at the "
                        "next start\n");
        store_rollback(st);
    }
}

static const struct config *first_start_cfg;

/* A database opened after being out of service: its first-start steps, and the identity
 * if the kiosk came up without a database to check it against. */
static void database_opened(struct app *a)
{
    first_start(a->st, first_start_cfg, app_now(a));
    if (a->identity)
        return;
    char err[1024];
    enum sign_identity_state state = SIGN_IDENTITY_NONE;
    if (sign_identity_open(first_start_cfg->data_dir, a->st, 1, &a->identity, &state, err,
                           sizeof err) < 0)
        fprintf(stderr, "kiosk: receipts cannot be signed: %s\n", err);
    a->identity_state = (int)state;
}

static void report_first_frame(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("first_frame_ns: %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    /* The data dir is made 0700, the database, its WAL and SHM, keys and receipts 0600:
     * they hold personal data. */
    umask(077);
    struct args args;
    if (parse_args(argc, argv, &args) < 0) {
        usage(stderr);
        return 2;
    }
    struct config cfg;
    char err[1024] = "";
    if (config_load(args.config, &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (args.data_dir)
        util_strlcpy(cfg.data_dir, args.data_dir, sizeof cfg.data_dir);
    config_set_timezone(&cfg);

    int64_t clock_ms = 0;
    if (args.clock && util_parse_iso(args.clock, &clock_ms) < 0) {
        fprintf(stderr, "kiosk: --clock %s: expected ISO 8601, e.g. 2026-12-01T09:00:00+08:00\n",
                args.clock);
        return 2;
    }

    /* The catalogue and the fonts are checked before anything is written. */
    char path[2048];
    snprintf(path, sizeof path, "%s/i18n", cfg.assets_dir);
    struct i18n *cat = i18n_load(path, err, sizeof err);
    if (!cat) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct text_fonts *fonts = text_fonts_open(cfg.fonts_dir, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "kiosk: %s\n", err);
        i18n_free(cat);
        return 2;
    }

    struct stat sb;
    if (stat(cfg.data_dir, &sb) < 0 && util_mkdirs(cfg.data_dir, 0700) < 0) {
        fprintf(stderr, "%s:0: cannot create the data directory: %s\n", cfg.data_dir,
                strerror(errno));
        text_fonts_close(fonts);
        i18n_free(cat);
        return 2;
    }
    /* A lost or damaged database is set aside here and the kiosk comes up out of
     * service instead of exiting: under an auto-restart unit an exit is a crash loop with
     * nothing on screen. */
    struct store *st = NULL;
    struct store_incident incident;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (args.script && args.clock)
        now = clock_ms;
    int src = store_open_or_set_aside(cfg.data_dir, cfg.kiosk_id, now, &st, &incident, err,
                                      sizeof err);
    if (src < 0) {
        fprintf(stderr, "%s\n", err);
        text_fonts_close(fonts);
        i18n_free(cat);
        return 2;
    }
    if (src > 0) {
        char text[4096];
        store_incident_explain(&incident, text, sizeof text);
        fprintf(stderr, "kiosk: out of service: %s\n", text);
    }

    struct platform plat;
    enum platform_mode mode = args.headless   ? PLATFORM_HEADLESS
                              : args.windowed ? PLATFORM_WINDOWED
                                              : PLATFORM_FULLSCREEN;
    int rc = 0;
    if (platform_open(&plat, mode, cfg.width, cfg.height, !strcmp(cfg.renderer, "accelerated"),
                      err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        store_close(st);
        text_fonts_close(fonts);
        i18n_free(cat);
        return 2;
    }
    struct ui *ui = ui_create(plat.ren, fonts, cfg.width, cfg.height);
    if (!ui) {
        fprintf(stderr, "kiosk: cannot set up the screen\n");
        rc = 2;
        goto out_platform;
    }

    if (st)
        first_start(st, &cfg, now);
    /* The kiosk's identity signs its receipts: made at the first start (mode 0600),
     * never silently replaced after.  A lost or foreign key leaves identity_state saying
     * so, for the out-of-service screen; the reason goes to the log once.  A kiosk that
     * cannot sign or print still takes every record; the receipt screen then says so. */
    struct identity *identity = NULL;
    enum sign_identity_state id_state = SIGN_IDENTITY_NONE;
    if (st && sign_identity_open(cfg.data_dir, st, 1, &identity, &id_state, err, sizeof err) < 0)
        fprintf(stderr, "kiosk: receipts cannot be signed: %s\n", err);
    else if (id_state == SIGN_IDENTITY_CREATED)
        store_event(st, now, "identity_created", identity_key_id(identity));
    struct printer *printer = NULL;
    /* Script mode polls the printer itself (platform/script.c, wait). */
    if (printer_open(cfg.printer_device, cfg.printer_timeout_ms, args.script ? NULL : wake_loop,
                     NULL, &printer, err, sizeof err) < 0)
        fprintf(stderr, "kiosk: %s\n", err);
    struct app app;
    app_init(&app, &cfg, st, cat, ui, args.script != NULL, now);
    app.identity = identity;
    app.identity_state = (int)id_state;
    app.printer = printer;
    first_start_cfg = &cfg;
    app.on_database = database_opened;
    if (st)
        store_event(st, app_now(&app), "start", args.script ? "script" : "");

    if (args.script) {
        rc = script_run(&app, args.script, err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "%s\n", err);
            rc = rc < 0 ? 2 : 1;
        }
    } else if (args.first_frame_exit) {
        app_frame(&app);
        report_first_frame();
    } else {
        struct notify notify;
        notify_init(&notify);
        platform_run(&plat, &app, &notify);
    }
    if (app.st)
        store_event(app.st, app_now(&app), "stop", "");
    app_fini(&app);
    st = app.st; /* the app may have closed the first and opened another */
    printer_close(printer);
    identity_free(app.identity);
    ui_destroy(ui);
out_platform:
    platform_close(&plat);
    store_close(st);
    text_fonts_close(fonts);
    i18n_free(cat);
    return rc;
}
