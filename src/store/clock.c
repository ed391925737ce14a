/* clock — see clock.h. */
#include "store/clock.h"

#include "core/util.h"
#include "core/version.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

int clock_local_flags(struct store *st, int64_t now_ms)
{
    int64_t built = version_build_ms(), trusted = store_trusted_ms(st);
    int flags = 0;
    if (built && now_ms < built - CLOCK_BEFORE_BUILD_DAYS * DAY_MS)
        flags |= CLOCK_BEFORE_BUILD;
    if (trusted && now_ms < trusted - CLOCK_BEHIND_MS)
        flags |= CLOCK_BEHIND;
    int64_t ref = built > trusted ? built : trusted;
    if (ref && now_ms > ref + CLOCK_AHEAD_DAYS * DAY_MS)
        flags |= CLOCK_AHEAD;
    return flags;
}

int clock_judge(struct store *st, int64_t now_ms, int with_centre, struct clock_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->now_ms = now_ms;
    v->flags = clock_local_flags(st, now_ms);
    v->trusted_ms = store_trusted_ms(st);
    char skew[32];
    if (with_centre && store_meta_get(st, CLOCK_META_CENTRE_SKEW, skew, sizeof skew) == 0 &&
        store_meta_get(st, CLOCK_META_CENTRE_SEEN, v->centre_seen, sizeof v->centre_seen) == 0) {
        v->centre_known = 1;
        v->centre_skew_s = atoll(skew);
        if (llabs(v->centre_skew_s) > CLOCK_CENTRE_SKEW_S)
            v->flags |= CLOCK_CENTRE;
    }
    return v->flags;
}

int64_t clock_centre_note(struct store *st, int64_t kiosk_ms, int64_t centre_ms)
{
    int64_t skew = (kiosk_ms - centre_ms) / 1000;
    char v[32], at[32];
    snprintf(v, sizeof v, "%lld", (long long)skew);
    util_time_utc(centre_ms, at);
    store_meta_set(st, CLOCK_META_CENTRE_SKEW, v);
    store_meta_set(st, CLOCK_META_CENTRE_SEEN, at);
    return skew;
}

void clock_explain(const struct clock_verdict *v, char *buf, size_t size)
{
    char at[32], trusted[32] = "none";
    util_time_local(v->now_ms, "%Y-%m-%d %H:%M", at, sizeof at);
    if (v->trusted_ms)
        util_time_local(v->trusted_ms, "%Y-%m-%d %H:%M", trusted, sizeof trusted);
    snprintf(buf, size, "it says %s%s%s%s; the newest trusted record is from %s", at,
             v->flags & CLOCK_BEFORE_BUILD ? ", long before this program was built" : "",
             v->flags & CLOCK_BEHIND ? ", before the newest records" : "",
             v->flags & CLOCK_AHEAD ? ", years ahead" : "", trusted);
}
