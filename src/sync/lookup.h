/* lookup — asks the centre, while a person registers, whether it already knows their ID
 * number or certificate (kiosk_member_lookup(), kiosk-config/central/101-directory.sql):
 * one short connection with tight timeouts, so a kiosk whose centre is unreachable only
 * waits a moment and then registers as before (the centre's conflict report catches a
 * double registration later).
 *
 * The answer carries only what the kiosk may show: a masked name, the station, the date.
 *
 * Owns: one PGconn per call.  Never does: store anything, UI. */
#ifndef KIOSK_LOOKUP_H
#define KIOSK_LOOKUP_H

#include <stddef.h>

struct config;

#define LOOKUP_TIMEOUT_S 2

struct lookup_answer {
    int known;              /* 1: the centre has a registration */
    int by_id;              /* by the ID number (else by the certificate) */
    char masked_name[64];
    char station[160];
    char registered_on[11];
};

/* Asks the centre ([upload] conninfo).  Returns 1 known, 0 unknown, -1 when the centre
 * could not be asked (not configured, unreachable, refused: err says why). */
int lookup_member(const struct config *cfg, const char *id_number, const char *certificate_no,
                  struct lookup_answer *out, char *err, size_t errlen);

#endif
