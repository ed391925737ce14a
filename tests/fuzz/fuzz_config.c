/* The configuration loader (core/config.c) on arbitrary files: it must return 0 or -1
 * with one line "PATH:LINE: problem", and a loaded configuration must hold only values
 * inside the ranges of its key table. */
#include "fuzz.h"

#include "core/config.h"
#include "core/util.h"

static char path[600];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "%s/kiosk.ini", fuzz_scratch());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(path, data, size);
    struct config c;
    char err[1024] = "";
    if (config_load(path, &c, err, sizeof err) < 0) {
        if (strncmp(err, path, strlen(path)) != 0 || strchr(err, '\n'))
            abort(); /* the error must be one line naming the file */
        return 0;
    }
    if (!c.kiosk_id[0] || c.width < 640 || c.height < 480 || c.idle_warning_s >= c.idle_timeout_s ||
        !utf8_valid(c.hall, strlen(c.hall)))
        abort();
    return 0;
}
