/* script — the headless script player behind `kiosk --headless --script FILE`. */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include <stddef.h>

struct app;

/* Plays FILE against the running app.  Returns 0 when every line succeeded, the number
 * of the failing line otherwise (with "FILE:LINE: why" in err), -1 if FILE is unreadable. */
int script_run(struct app *a, const char *path, char *err, size_t errlen);

#endif
