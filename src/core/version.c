/* version — see version.h.  The Makefile writes build/<variant>/gen/version-gen.h (only
 * when its content changes, so a new commit rebuilds this file alone). */
#include "core/version.h"

#include "core/util.h"

#include <stdio.h>

#if defined(__has_include)
#if __has_include("version-gen.h")
#include "version-gen.h"
#endif
#endif
#ifndef KIOSK_VERSION
/* Built outside the Makefile (a test's own helper): say so rather than guess. */
#define KIOSK_VERSION "unversioned"
#define KIOSK_COMMIT ""
#endif
#ifndef KIOSK_BUILD_DATE
#define KIOSK_BUILD_DATE ""
#endif

const char *version_string(void)
{
    return KIOSK_COMMIT[0] ? KIOSK_VERSION " (" KIOSK_COMMIT ")" : KIOSK_VERSION;
}

int64_t version_build_ms(void)
{
    /* A constant of the build, parsed once (the clock is judged at every tick). */
    static int64_t built = -1;
    if (built < 0) {
        char iso[32];
        snprintf(iso, sizeof iso, "%sT00:00:00Z", KIOSK_BUILD_DATE);
        if (!KIOSK_BUILD_DATE[0] || util_parse_iso(iso, &built) < 0)
            built = 0;
    }
    return built;
}
