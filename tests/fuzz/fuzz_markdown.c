/* The Markdown reader (ui/markdown.c, md_parse) on arbitrary text: blocks and their
 * strong spans must lie inside each block's text. */
#include "fuzz.h"

#include "ui/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct md_doc *d = md_parse(text);
    for (int i = 0; i < md_block_count(d); i++) {
        const struct md_block *b = md_block_at(d, i);
        int len = (int)strlen(b->text);
        int end = 0;
        for (int k = 0; k < b->nspans; k++) {
            const struct md_span *s = &b->spans[k];
            if (s->start < end || s->len < 0 || s->start + s->len > len)
                abort();
            end = s->start + s->len;
        }
        if (b->kind == MD_IMAGE && !b->image)
            abort();
    }
    md_free(d);
    free(text);
    return 0;
}
