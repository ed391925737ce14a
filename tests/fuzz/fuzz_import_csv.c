/* The CSV importers (content/import.c: jobs, trainings, activities, places, services) on arbitrary
 * files, into a real store: the first byte picks the kind, the rest is the file.  An
 * import either applies the whole file or nothing, and the store stays consistent. */
#define _GNU_SOURCE /* fuzz.h: nftw */
#include "content/import.h"
#include "store/store.h"

#include "fuzz.h"

static struct store *st;
static char path[600];
static const char *const kinds[] = {"jobs", "trainings", "activities", "places", "services"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    st = fuzz_store();
    snprintf(path, sizeof path, "%s/content.csv", fuzz_scratch());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *what = kinds[data[0] % 5];
    fuzz_write(path, data + 1, size - 1);
    int before = store_count(st, what);
    char err[1024] = "";
    int n = import_file(st, what, path, err, sizeof err);
    if (n < 0) {
        /* Refused: one sentence, and nothing of the file applied. */
        if (!err[0] || strchr(err, '\n') || store_count(st, what) != before)
            abort();
    } else if (store_count(st, what) < 0) {
        abort();
    }
    if (sqlite3_get_autocommit(store_db(st)) == 0)
        abort(); /* a transaction left open */
    return 0;
}
