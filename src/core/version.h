/* version — the program's version, from the one VERSION in the Makefile, and the commit
 * it was built from when built from a git checkout.  Owns nothing, never fails. */
#ifndef KIOSK_VERSION_H
#define KIOSK_VERSION_H

#include <stdint.h>

/* "0.3.0" or "0.3.0 (1a2b3c4d5e6f)": what --version prints after the program's name,
 * and what the upload and the USB bundle carry.  A static string. */
const char *version_string(void);

/* The build date (the commit's day, 00:00 UTC) in unix ms, or 0 when not known: a clock
 * more than 30 days before it is wrong (app/clock.h). */
int64_t version_build_ms(void);

#endif
