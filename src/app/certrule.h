/* certrule — the rule a certificate number (活动证编号) must follow at this kiosk, for
 * check-in and registration alike.
 *
 * Every number first gets today's shape rule (validate_certno: full-width forms folded,
 * upper case, 4 to 32 letters, digits and hyphens).  Then, when one is in force, the
 * pattern: a POSIX extended regular expression the whole number must match.  The
 * district's pattern (set at the centre with `centre set certificate_pattern`, stored
 * by a sync or a content bundle under the meta key "district.certificate_pattern")
 * wins over [checkin] certificate_pattern, which is for a stand-alone kiosk.  No
 * pattern: the shape rule alone, as before.
 *
 * A pattern is read when the rule is loaded (a screen's enter), so a sync takes effect
 * from the next check-in screen on.  A stored pattern that does not compile (it was
 * checked at the centre, so only a damaged database gets here) is logged and the
 * configured one is used instead.
 *
 * Owns: the compiled expression.  Never does: SQL beyond the one meta read, UI. */
#ifndef KIOSK_CERTRULE_H
#define KIOSK_CERTRULE_H

#include <stddef.h>

#include "app/validate.h"

struct store;
struct config;
struct certrule;

#define CERTRULE_META_KEY "district.certificate_pattern"

/* The rule in force now.  st may be NULL (the configured pattern only).  Never NULL. */
struct certrule *certrule_load(struct store *st, const struct config *cfg);
void certrule_free(struct certrule *r);

/* The pattern in force ("" when none). */
const char *certrule_pattern(const struct certrule *r);

/* validate_certno()'s normalisation and rules, then the pattern (VALIDATE_CERT_PATTERN
 * when the number does not match).  Writes the normalised number to out only when it
 * passes.  r may be NULL (the shape rule alone). */
enum validate_result certrule_check(const struct certrule *r, const char *input, char *out,
                                    size_t n, int *detail);

#endif
