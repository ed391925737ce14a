/* The script player's reader and parser (platform/script.c, script_check) on arbitrary
 * scripts: line limits, commands and their arguments, without running anything. */
#include "fuzz.h"

#include "platform/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0; /* fmemopen wants at least one byte; an empty script is trivially fine */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        abort();
    int line = 0;
    char why[512];
    if (script_check(f, &line, why, sizeof why) < 0 && (line < 1 || !why[0]))
        abort();
    fclose(f);
    return 0;
}
