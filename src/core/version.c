/* version — see version.h.  The Makefile writes build/<variant>/gen/version-gen.h (only
 * when its content changes, so a new commit rebuilds this file alone). */
#include "core/version.h"

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

const char *version_string(void)
{
    return KIOSK_COMMIT[0] ? KIOSK_VERSION " (" KIOSK_COMMIT ")" : KIOSK_VERSION;
}
