/* Bundle manifest parsing (centre/ingest.c, ingest_parse_manifest) on arbitrary text:
 * accepted manifests name a kiosk and a non-negative record count. */
#include "fuzz.h"

#include "centre/ingest.h"

static sqlite3 *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct ingest_manifest m;
    char err[512];
    if (ingest_parse_manifest(db, text, &m, err, sizeof err) == 0 &&
        (!m.kiosk_id[0] || m.record_count < 0 || !m.bundle[0]))
        abort();
    free(text);
    return 0;
}
