/* certrule — see certrule.h.  The pattern is compiled once per load with the whole
 * number anchored: "^(" PATTERN ")$", so "LD[0-9]+" does not accept "XLD1234". */
#include "app/certrule.h"

#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct certrule {
    char pattern[512];
    int have;              /* re is compiled */
    regex_t re;
};

/* Compiles ere anchored into r.  0 or -1 (r->have stays 0). */
static int compile(struct certrule *r, const char *ere)
{
    char anchored[sizeof r->pattern + 8];
    if (snprintf(anchored, sizeof anchored, "^(%s)$", ere) >= (int)sizeof anchored)
        return -1;
    if (regcomp(&r->re, anchored, REG_EXTENDED | REG_NOSUB) != 0)
        return -1;
    util_strlcpy(r->pattern, ere, sizeof r->pattern);
    r->have = 1;
    return 0;
}

struct certrule *certrule_load(struct store *st, const struct config *cfg)
{
    struct certrule *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    char district[sizeof r->pattern] = "";
    if (st && store_meta_get(st, CERTRULE_META_KEY, district, sizeof district) == 0 &&
        district[0]) {
        if (compile(r, district) == 0)
            return r;
        fprintf(stderr, "certrule: the district's certificate pattern does not compile; "
                        "using [checkin] certificate_pattern\n");
    }
    if (cfg && cfg->certificate_pattern[0] && compile(r, cfg->certificate_pattern) < 0)
        fprintf(stderr, "certrule: [checkin] certificate_pattern does not compile\n");
    return r;
}

void certrule_free(struct certrule *r)
{
    if (!r)
        return;
    if (r->have)
        regfree(&r->re);
    free(r);
}

const char *certrule_pattern(const struct certrule *r)
{
    return r && r->have ? r->pattern : "";
}

enum validate_result certrule_check(const struct certrule *r, const char *input, char *out,
                                    size_t n, int *detail)
{
    char norm[VALIDATE_CERT_SIZE];
    enum validate_result v = validate_certno(input, norm, sizeof norm, detail);
    if (n > 0)
        out[0] = 0;
    if (v != VALIDATE_OK)
        return v;
    if (r && r->have && regexec(&r->re, norm, 0, NULL, 0) != 0)
        return VALIDATE_CERT_PATTERN;
    if (n > 0)
        util_strlcpy(out, norm, n);
    return VALIDATE_OK;
}
