/* script — the headless script player behind `kiosk --headless --script FILE`. */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct app;

/* The longest script line, in bytes without its line end. */
#define SCRIPT_LINE_MAX 16382

enum script_op {
    SCRIPT_NOTHING, /* blank line or # comment */
    SCRIPT_TAP, SCRIPT_DRAG, SCRIPT_PRESS, SCRIPT_TEXT, SCRIPT_KEY, SCRIPT_SCAN,
    SCRIPT_WAIT, SCRIPT_EXPECT, SCRIPT_SHOT, SCRIPT_DUMP, SCRIPT_FIT, SCRIPT_STROKE,
};

/* One parsed line. */
struct script_line {
    enum script_op op;
    int v[5];       /* tap X Y, drag X1 Y1 X2 Y2 MS, wait MS */
    int32_t key;    /* key: the SDL keycode */
    char *arg;      /* the rest of the line after the command (points into it); stroke:
                     * its points, checked */
};

/* Parses one line without its line end (modified in place; out->arg points into it).
 * Returns 0, or -1 with the reason in why. */
int script_parse_line(char *line, struct script_line *out, char *why, size_t whylen);

/* Reads and parses every line of f without running any.  Returns 0, or -1 with the
 * failing line's number in *line and the reason in why. */
int script_check(FILE *f, int *line, char *why, size_t whylen);

/* Plays FILE against the running app.  Returns 0 when every line succeeded, the number
 * of the failing line otherwise (with "FILE:LINE: why" in err), -1 if FILE is unreadable. */
int script_run(struct app *a, const char *path, char *err, size_t errlen);

#endif
