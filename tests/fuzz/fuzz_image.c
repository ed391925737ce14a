/* The image reader (core/png.c) on arbitrary files, the way the materials importer takes a
 * picture from staff (content/import.c): the size from the header first, a picture
 * larger than IMPORT_IMAGE_PX_MAX a side refused without decoding, else decoded, shrunk
 * to IMPORT_IMAGE_SIDE and encoded again.  What decodes has the size its header said and
 * at most PNG_MAX_SIDE a side; what is stored decodes again, within the shrunk size. */
#include "fuzz.h"

#include "content/import.h"
#include "core/png.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int w = 0, h = 0;
    if (png_size_mem(data, size, &w, &h) < 0)
        return 0;
    if (w <= 0 || h <= 0 || w > IMPORT_IMAGE_PX_MAX || h > IMPORT_IMAGE_PX_MAX)
        return 0;
    uint8_t *px = NULL;
    int dw = 0, dh = 0;
    if (png_read_rgba_mem(data, size, &dw, &dh, &px) < 0) {
        if (px)
            abort();
        return 0;
    }
    if (!px || dw != w || dh != h || dw > PNG_MAX_SIDE || dh > PNG_MAX_SIDE)
        abort();
    uint8_t *small = NULL;
    int sw = 0, sh = 0;
    png_shrink_rgba(px, dw, dh, IMPORT_IMAGE_SIDE, &small, &sw, &sh);
    free(px);
    if (!small || sw < 1 || sh < 1 || sw > IMPORT_IMAGE_SIDE || sh > IMPORT_IMAGE_SIDE)
        abort();
    void *png = NULL;
    size_t len = 0;
    if (png_encode_rgba(small, sw, sh, &png, &len) < 0)
        abort();
    free(small);
    uint8_t *again = NULL;
    int aw = 0, ah = 0;
    if (png_read_rgba_mem(png, len, &aw, &ah, &again) < 0 || aw != sw || ah != sh)
        abort();
    free(again);
    free(png);
    return 0;
}
