/* The materials importer (content/import.c) on an arbitrary Markdown file, into a real
 * store, in a folder that also holds a small PNG the file may show (a.png).  All or
 * nothing, one sentence when refused. */
#define _GNU_SOURCE /* fuzz.h: nftw */
#include "content/import.h"
#include "core/png.h"
#include "store/store.h"

#include "fuzz.h"

static struct store *st;
static char dir[600], path[700];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    st = fuzz_store();
    snprintf(dir, sizeof dir, "%s/materials", fuzz_scratch());
    if (mkdir(dir, 0700) < 0)
        abort();
    uint8_t px[8 * 8 * 4];
    memset(px, 0x80, sizeof px);
    char png[800];
    snprintf(png, sizeof png, "%s/a.png", dir);
    if (png_write_rgba(png, 8, 8, px, 8 * 4) < 0)
        abort();
    snprintf(path, sizeof path, "%s/m.md", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(path, data, size);
    int before = store_count(st, "materials");
    char err[1024] = "";
    int n = import_file(st, "materials", dir, err, sizeof err);
    if (n < 0 && (!err[0] || strchr(err, '\n') || store_count(st, "materials") != before))
        abort();
    if (n > 1 || sqlite3_get_autocommit(store_db(st)) == 0)
        abort();
    return 0;
}
