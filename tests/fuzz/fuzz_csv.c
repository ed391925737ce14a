/* The CSV reader (content/csv.c) on arbitrary bytes: decoding (BOM, UTF-8, GB18030,
 * UTF-16 refused) and RFC 4180 records.  Every field it returns is valid UTF-8 without
 * NUL, and line numbers only grow. */
#include "fuzz.h"

#include "content/csv.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv *c = NULL;
    int line = 0;
    char err[256];
    if (csv_open_buffer((const char *)data, size, &c, &line, err, sizeof err) < 0)
        return 0;
    struct csv_row row;
    int last = 0, got;
    while ((got = csv_next_row(c, &row)) > 0) {
        if (row.line < last || row.n == 0)
            abort();
        last = row.line;
        for (size_t i = 0; i < row.n; i++)
            if (!utf8_valid(row.fields[i], strlen(row.fields[i])))
                abort();
    }
    if (got < 0 && csv_error_line(c) < 1)
        abort();
    csv_close(c);
    return 0;
}
