/* script — plays a UI script headless (PRODUCT.md "Script mode"): taps, drags, presses
 * by label, text, keys, scans, finger strokes, virtual waits, expectations, screenshots
 * and dumps.
 *
 * Time is virtual: the clock moves only when a line says so (wait) or takes time the
 * way a person or a scanner would (a tap lasts 60 ms, typed characters come 120 ms
 * apart, a scanner's 8 ms apart).  Timers that fall due on the way run in order, so a
 * 90 s idle timeout is a `wait 90000` that costs microseconds.
 *
 * Events are handed straight to app_event(), not through SDL's queue, so their
 * timestamps follow the virtual clock.
 *
 * Printing is the one thing that runs in real time: the printer's worker thread talks
 * to a real device, file or socket under its real deadline.  So that scenarios can
 * expect a print state without racing that thread, `wait MS` first gives print jobs in
 * flight up to MS milliseconds of real time (polling every few ms, returning as soon as
 * none is left) and applies their results, then advances the virtual clock.  After
 * `wait 3000`, a job against a printer that never reads (timeout_ms 500) has failed;
 * with no job in flight a wait costs no real time at all. */
#include "platform/script.h"

#include "app/app.h"
#include "app/receipts.h"
#include "core/png.h"
#include "core/util.h"
#include "platform/platform.h"
#include "ui/ui.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TAP_MS 60
#define TYPE_GAP_MS 120
#define SCAN_GAP_MS 8
#define STROKE_GAP_MS 16  /* a finger's moves come at the screen's 60 Hz */
#define STROKE_POINTS_MAX 512

struct player {
    struct app *a;
    const char *path;
    int line;
    char *err;
    size_t errlen;
    /* `fit NAME` lines that failed: the script goes on and fails at its end. */
    int fit_failed, fit_first_line;
    char fit_names[1024];
};

static void fail(struct player *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct player *p, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, msg);
}

/* Runs every timer due up to `until`, in deadline order, then sets the clock there. */
static void advance(struct app *a, int64_t until)
{
    for (int guard = 0; guard < 1000000; guard++) {
        int64_t dl = app_next_deadline(a);
        if (dl > until)
            break;
        if (dl > app_now(a))
            app_set_clock(a, dl);
        app_tick(a);
        app_frame(a);
    }
    if (until > app_now(a))
        app_set_clock(a, until);
    app_tick(a);
    app_frame(a);
}

/* Gives print jobs in flight up to budget_ms of real time to finish (see the top). */
static void settle_printing(struct app *a, int budget_ms)
{
    receipts_poll(a);
    if (receipts_in_flight(a) == 0)
        return;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        int64_t spent =
            (int64_t)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (spent >= budget_ms)
            break;
        SDL_Delay(5);
        receipts_poll(a);
        if (receipts_in_flight(a) == 0)
            break;
    }
}

static uint32_t stamp(struct app *a) { return (uint32_t)(app_now(a) - a->start_ms); }

static void send(struct app *a, SDL_Event *ev)
{
    ev->common.timestamp = stamp(a);
    app_event(a, ev);
    if (app_now(a) >= app_next_deadline(a))
        app_tick(a);
    app_frame(a);
}

static void finger(struct app *a, Uint32 type, float x, float y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    ev.tfinger.x = x / (float)ui_width(a->ui);
    ev.tfinger.y = y / (float)ui_height(a->ui);
    ev.tfinger.pressure = type == SDL_FINGERUP ? 0.0f : 1.0f;
    send(a, &ev);
}

static void tap(struct app *a, float x, float y)
{
    finger(a, SDL_FINGERDOWN, x, y);
    advance(a, app_now(a) + TAP_MS);
    finger(a, SDL_FINGERUP, x, y);
}

static void drag(struct app *a, float x1, float y1, float x2, float y2, int ms)
{
    finger(a, SDL_FINGERDOWN, x1, y1);
    int steps = ms / 16 > 1 ? ms / 16 : 1;
    int64_t t0 = app_now(a);
    for (int i = 1; i <= steps; i++) {
        advance(a, t0 + (int64_t)ms * i / steps);
        float f = (float)i / (float)steps;
        finger(a, SDL_FINGERMOTION, x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
    }
    finger(a, SDL_FINGERUP, x2, y2);
}

/* One finger stroke through n points (x, y pairs): down at the first, a move to each
 * next one, up at the last. */
static void stroke(struct app *a, const int *xy, int n)
{
    finger(a, SDL_FINGERDOWN, (float)xy[0], (float)xy[1]);
    for (int i = 1; i < n; i++) {
        advance(a, app_now(a) + STROKE_GAP_MS);
        finger(a, SDL_FINGERMOTION, (float)xy[2 * i], (float)xy[2 * i + 1]);
    }
    advance(a, app_now(a) + STROKE_GAP_MS);
    finger(a, SDL_FINGERUP, (float)xy[2 * n - 2], (float)xy[2 * n - 1]);
}

/* The points of a stroke line: x, y pairs into xy (room for STROKE_POINTS_MAX).
 * Returns how many points, or -1 when they are not two or more whole pairs. */
static int parse_points(const char *s, int *xy)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (n == 2 * STROKE_POINTS_MAX)
            return -1;
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (end == s || errno || v < -100000 || v > 100000)
            return -1;
        xy[n++] = (int)v;
        s = end;
    }
    return n >= 4 && n % 2 == 0 ? n / 2 : -1;
}

static void key_event(struct app *a, SDL_Keycode k)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = k;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(k);
    send(a, &ev);
    ev.type = SDL_KEYUP;
    ev.key.state = SDL_RELEASED;
    send(a, &ev);
}

static void text_event(struct app *a, const char *s, size_t n)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    if (n >= sizeof ev.text.text)
        n = sizeof ev.text.text - 1;
    memcpy(ev.text.text, s, n);
    send(a, &ev);
}

/* Text as a person delivers it: ASCII key by key at typing speed, other text (what an
 * input method commits) in pieces of whole characters. */
static void type_text(struct app *a, const char *s)
{
    while (*s) {
        if ((unsigned char)*s < 0x80) {
            SDL_Keycode k = (SDL_Keycode)tolower((unsigned char)*s);
            SDL_Event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = SDL_KEYDOWN;
            ev.key.keysym.sym = k;
            send(a, &ev);
            text_event(a, s, 1);
            s++;
            advance(a, app_now(a) + TYPE_GAP_MS);
            continue;
        }
        const char *e = s;
        while (*e && (unsigned char)*e >= 0x80 && e - s < 28) {
            const char *n = e;
            utf8_next(&n);
            if (n - s > 30)
                break;
            e = n;
        }
        text_event(a, s, (size_t)(e - s));
        s = e;
        advance(a, app_now(a) + TYPE_GAP_MS);
    }
}

static void scan(struct app *a, const char *code)
{
    for (const char *c = code; *c; c++) {
        SDL_Event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SDL_KEYDOWN;
        ev.key.keysym.sym = (SDL_Keycode)tolower((unsigned char)*c);
        send(a, &ev);
        text_event(a, c, 1);
        app_set_clock(a, app_now(a) + SCAN_GAP_MS);
    }
    key_event(a, SDLK_RETURN);
}

static int widget_has(const struct ui_widget *w, const char *s, int exact)
{
    if (exact)
        return w->text && strcmp(w->text, s) == 0;
    return (w->text && strstr(w->text, s)) || (w->sub && strstr(w->sub, s)) ||
           (w->hint && strstr(w->hint, s));
}

/* The widget `press LABEL` means: exact text first, then containing text; among several,
 * the only interactive one.  NULL with a reason when none or ambiguous. */
static const struct ui_widget *find_label(struct ui *ui, const char *label, const char **why)
{
    for (int exact = 1; exact >= 0; exact--) {
        const struct ui_widget *only = NULL, *only_active = NULL;
        int n = 0, n_active = 0;
        for (int i = 0; i < ui_visible_count(ui); i++) {
            const struct ui_widget *w = ui_visible_at(ui, i);
            if (!w->text || !w->text[0])
                continue;
            if (exact ? strcmp(w->text, label) != 0 : !strstr(w->text, label))
                continue;
            n++;
            only = w;
            if (w->interactive) {
                n_active++;
                only_active = w;
            }
        }
        if (n == 1)
            return only;
        if (n_active == 1)
            return only_active;
        if (n > 1) {
            *why = "ambiguous: several visible widgets match";
            return NULL;
        }
    }
    *why = "no visible widget has this text";
    return NULL;
}

static void dump_text(FILE *f, const char *s)
{
    for (const char *c = s; c && *c; c++) {
        if (*c == '\n')
            fputs("\\n", f);
        else if (*c == '\t')
            fputs("\\t", f);
        else
            fputc(*c, f);
    }
}

static int dump(struct ui *ui, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 0; i < ui_visible_count(ui); i++) {
        const struct ui_widget *w = ui_visible_at(ui, i);
        fprintf(f, "%s\t%d\t%d\t%d\t%d\t", ui_kind_name(w->kind), w->r.x, w->r.y, w->r.w, w->r.h);
        dump_text(f, w->text);
        /* A field's value follows its label, so a check can see what is typed in it. */
        if (w->kind == UI_FIELD && w->sub && *w->sub) {
            fputc('\t', f);
            dump_text(f, w->sub);
        }
        fputc('\n', f);
    }
    return fclose(f);
}

static int shot(struct app *a, const char *path)
{
    app_frame(a);
    int w, h;
    uint8_t *px = ui_read_rgb(a->ui, &w, &h);
    if (!px)
        return -1;
    int rc = png_write_rgb(path, w, h, px, w * 3);
    free(px);
    return rc;
}

/* `fit`: one line on stderr per text that does not fit, the first in the failure. */
struct fit_log {
    const char *name; /* `fit NAME`: the screen's name, printed first on each line */
    char first[400];
    int n;
};

static void fit_line(void *ctx, const struct ui_fit_issue *is)
{
    struct fit_log *fl = ctx;
    const struct ui_widget *w = is->w;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s %d,%d %dx%d \"%s\": %s", ui_kind_name(w->kind),
                     is->box.x, is->box.y, is->box.w, is->box.h, is->text,
                     ui_fit_problem_name(is->problem));
    if (is->problem == UI_FIT_OVERLAP && is->other)
        snprintf(line + n, sizeof line - (size_t)n, " %s %d,%d %dx%d \"%s\"",
                 ui_kind_name(is->other->kind), is->other->r.x, is->other->r.y, is->other->r.w,
                 is->other->r.h, is->other_text);
    else if (is->problem != UI_FIT_OVERLAP)
        snprintf(line + n, sizeof line - (size_t)n, " (needs %dx%d)", is->need_w, is->need_h);
    if (fl->name && *fl->name)
        fprintf(stderr, "fit: [%s] %s\n", fl->name, line);
    else
        fprintf(stderr, "fit: %s\n", line);
    if (!fl->n++)
        util_strlcpy(fl->first, line, sizeof fl->first);
}

/* Output paths may name $VARIABLES of the environment (the test runner sets $OUT). */
static void expand_env(const char *in, char *out, size_t size)
{
    size_t o = 0;
    while (*in && o + 1 < size) {
        if (*in == '$' && (isalpha((unsigned char)in[1]) || in[1] == '_')) {
            char name[64];
            size_t n = 0;
            in++;
            while ((isalnum((unsigned char)*in) || *in == '_') && n + 1 < sizeof name)
                name[n++] = *in++;
            name[n] = 0;
            const char *v = getenv(name);
            for (; v && *v && o + 1 < size; v++)
                out[o++] = *v;
            continue;
        }
        out[o++] = *in++;
    }
    out[o] = 0;
}

static int parse_ints(const char *s, int *v, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;
        errno = 0;
        long x = strtol(s, &end, 10);
        if (end == s || errno || x < -100000 || x > 100000000)
            return -1;
        v[i] = (int)x;
        s = end;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    return *s ? -1 : 0;
}

static const struct {
    const char *name;
    enum script_op op;
} ops[] = {
    {"tap", SCRIPT_TAP},       {"drag", SCRIPT_DRAG},     {"press", SCRIPT_PRESS},
    {"text", SCRIPT_TEXT},     {"key", SCRIPT_KEY},       {"scan", SCRIPT_SCAN},
    {"wait", SCRIPT_WAIT},     {"expect", SCRIPT_EXPECT}, {"shot", SCRIPT_SHOT},
    {"dump", SCRIPT_DUMP},     {"fit", SCRIPT_FIT},       {"stroke", SCRIPT_STROKE},
};

int script_parse_line(char *line, struct script_line *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    while (*line == ' ' || *line == '\t')
        line++;
    if (!*line || *line == '#') {
        out->op = SCRIPT_NOTHING;
        return 0;
    }
    char *arg = line;
    while (*arg && *arg != ' ' && *arg != '\t')
        arg++;
    if (*arg)
        *arg++ = 0;
    out->arg = arg;
    size_t k;
    for (k = 0; k < ARRAY_LEN(ops); k++)
        if (!strcmp(line, ops[k].name))
            break;
    if (k == ARRAY_LEN(ops)) {
        snprintf(why, whylen, "unknown command \"%s\"", line);
        return -1;
    }
    out->op = ops[k].op;
    int *v = out->v;
    switch (out->op) {
    case SCRIPT_TAP:
        if (parse_ints(arg, v, 2) < 0)
            return snprintf(why, whylen, "usage: tap X Y"), -1;
        break;
    case SCRIPT_DRAG:
        if (parse_ints(arg, v, 5) < 0 || v[4] < 0)
            return snprintf(why, whylen, "usage: drag X1 Y1 X2 Y2 MS"), -1;
        break;
    case SCRIPT_WAIT:
        if (parse_ints(arg, v, 1) < 0 || v[0] < 0)
            return snprintf(why, whylen, "usage: wait MS"), -1;
        break;
    case SCRIPT_KEY:
        out->key = (int32_t)SDL_GetKeyFromName(arg);
        if (out->key == SDLK_UNKNOWN)
            return snprintf(why, whylen, "unknown key name \"%s\"", arg), -1;
        break;
    case SCRIPT_SCAN:
        if (!*arg)
            return snprintf(why, whylen, "usage: scan CODE"), -1;
        break;
    case SCRIPT_SHOT:
    case SCRIPT_DUMP:
        if (!*arg)
            return snprintf(why, whylen, "usage: %s FILE", line), -1;
        break;
    case SCRIPT_STROKE: {
        int xy[2 * STROKE_POINTS_MAX];
        if (parse_points(arg, xy) < 0)
            return snprintf(why, whylen, "usage: stroke X1 Y1 X2 Y2 [X3 Y3 …] (at most %d points)",
                            STROKE_POINTS_MAX), -1;
        break;
    }
    default:
        break;
    }
    return 0;
}

static int run_line(struct player *p, const struct script_line *l)
{
    struct app *a = p->a;
    const int *v = l->v;
    const char *arg = l->arg;
    switch (l->op) {
    case SCRIPT_NOTHING:
        break;
    case SCRIPT_TAP:
        tap(a, (float)v[0], (float)v[1]);
        break;
    case SCRIPT_DRAG:
        drag(a, (float)v[0], (float)v[1], (float)v[2], (float)v[3], v[4]);
        break;
    case SCRIPT_PRESS: {
        const char *why = "";
        const struct ui_widget *w = find_label(a->ui, arg, &why);
        if (!w)
            return fail(p, "press %s: %s", arg, why), -1;
        SDL_Rect r = w->r;
        if (w->has_clip)
            SDL_IntersectRect(&w->r, &w->clip, &r);
        tap(a, (float)r.x + (float)r.w / 2.0f, (float)r.y + (float)r.h / 2.0f);
        break;
    }
    case SCRIPT_TEXT:
        type_text(a, arg);
        break;
    case SCRIPT_KEY:
        key_event(a, (SDL_Keycode)l->key);
        break;
    case SCRIPT_SCAN:
        scan(a, arg);
        break;
    case SCRIPT_STROKE: {
        int xy[2 * STROKE_POINTS_MAX];
        stroke(a, xy, parse_points(arg, xy));
        break;
    }
    case SCRIPT_WAIT:
        settle_printing(a, v[0]);
        advance(a, app_now(a) + v[0]);
        break;
    case SCRIPT_EXPECT:
        for (int i = 0; i < ui_visible_count(a->ui); i++)
            if (widget_has(ui_visible_at(a->ui, i), arg, 0))
                return 0;
        return fail(p, "expect %s: no visible widget shows it", arg), -1;
    case SCRIPT_FIT: {
        struct fit_log fl = {arg, {0}, 0};
        app_frame(a);
        if (ui_fit(a->ui, fit_line, &fl) == 0)
            break;
        if (!*arg)
            return fail(p, "fit: %d text%s do not fit, first: %s", fl.n, fl.n == 1 ? "" : "s",
                        fl.first),
                   -1;
        /* A named screen that does not fit is reported and the walk goes on, so one run
         * names every screen that needs work; the script fails at its end. */
        if (!p->fit_failed++)
            p->fit_first_line = p->line;
        size_t used = strlen(p->fit_names);
        snprintf(p->fit_names + used, sizeof p->fit_names - used, "%s%s", used ? ", " : "", arg);
        break;
    }
    case SCRIPT_SHOT: {
        char path[4096];
        expand_env(arg, path, sizeof path);
        if (!*path || shot(a, path) < 0)
            return fail(p, "shot %s: cannot write the picture", path), -1;
        break;
    }
    case SCRIPT_DUMP: {
        char path[4096];
        expand_env(arg, path, sizeof path);
        if (!*path || dump(a->ui, path) < 0)
            return fail(p, "dump %s: cannot write %s", path, strerror(errno)), -1;
        break;
    }
    }
    return 0;
}

/* Reads the next line into buf (SCRIPT_LINE_MAX + 2 bytes) without its line end.
 * Returns 1, 0 at the end, -1 when the line is longer than SCRIPT_LINE_MAX: a line
 * longer than the buffer fails whole, its tail must never run as a line of its own (a
 * `text` of 20 KB would otherwise end in whatever command its last bytes spell). */
static int next_line(FILE *f, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, f))
        return 0;
    size_t n = strlen(buf);
    if (n == size - 1 && buf[n - 1] != '\n') {
        int c = fgetc(f);
        if (c != EOF)
            return -1;
    }
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    return 1;
}

int script_check(FILE *f, int *line, char *why, size_t whylen)
{
    char buf[SCRIPT_LINE_MAX + 2];
    struct script_line l;
    int r;
    *line = 0;
    while ((r = next_line(f, buf, sizeof buf)) != 0) {
        ++*line;
        if (r < 0)
            return snprintf(why, whylen, "line longer than %d bytes", SCRIPT_LINE_MAX), -1;
        if (script_parse_line(buf, &l, why, whylen) < 0)
            return -1;
    }
    if (ferror(f))
        return snprintf(why, whylen, "read error"), -1;
    *line = 0;
    return 0;
}

int script_run(struct app *a, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s:0: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct player p = {a, path, 0, err, errlen, 0, 0, {0}};
    char why[512];
    /* Every line is checked before the first one runs: a typo on line 200 fails before
     * anything was done.  (A script from a pipe cannot be read twice: its lines are
     * checked one by one as they come.) */
    if (fseek(f, 0, SEEK_SET) == 0) {
        if (script_check(f, &p.line, why, sizeof why) < 0) {
            fail(&p, "%s", why);
            fclose(f);
            return p.line;
        }
        rewind(f);
    }
    p.line = 0;
    char buf[SCRIPT_LINE_MAX + 2];
    struct script_line l;
    int rc = 0;
    app_frame(a);
    int got;
    while ((got = next_line(f, buf, sizeof buf)) != 0) {
        p.line++;
        if (got < 0) {
            fail(&p, "line longer than %d bytes", SCRIPT_LINE_MAX);
            rc = p.line;
            break;
        }
        if (script_parse_line(buf, &l, why, sizeof why) < 0) {
            fail(&p, "%s", why);
            rc = p.line;
            break;
        }
        if (run_line(&p, &l) < 0) {
            rc = p.line;
            break;
        }
        if (a->quit)
            break;
        /* Script mode pumps no SDL events, so SDL's SDL_QUIT would never be seen. */
        if (platform_stop_requested()) {
            fail(&p, "stopped by a signal");
            rc = p.line;
            break;
        }
    }
    fclose(f);
    if (rc == 0 && p.fit_failed) {
        p.line = p.fit_first_line;
        fail(&p, "fit: %d screen%s do not fit: %s", p.fit_failed, p.fit_failed == 1 ? "" : "s",
             p.fit_names);
        rc = p.fit_first_line;
    }
    return rc;
}
