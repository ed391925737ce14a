/* regions — place names for the region code at the start of a 身份证号 (GB/T 2260).
 *
 * Knows all 34 province-level divisions and the prefecture-level divisions of most
 * provinces, including the former 地区 codes that people born before the reforms of the
 * 1990s still carry in their ID numbers (an ID's region code never changes).  A code
 * whose city is not in the table resolves to its province alone.
 *
 * Owns: one sorted static table, searched by bisection.  Never does: allocate, guess a
 * city it does not know, or decide whether an ID number is valid (validate does). */
#ifndef KIOSK_REGIONS_H
#define KIOSK_REGIONS_H

#include <stddef.h>

#define REGIONS_NAME_SIZE 96  /* enough for any name regions_lookup() writes */

/* The province-level name for a two-digit code (33 → "浙江省"), or NULL. */
const char *regions_province(int code2);

/* Writes the place name for the first six characters of code6 ("341102" → "安徽省滁州市",
 * "510781" → "四川省绵阳市", "500101" → "重庆市").  Fewer than six digits are used as far
 * as they go.  Returns 2 when the city (or a county governed by the province) is known,
 * 1 for the province alone, 0 when not even the province is known (out is then "").
 * A name longer than n-1 bytes is cut at a character boundary. */
int regions_lookup(const char *code6, char *out, size_t n);

#endif
