/* lookup — see lookup.h. */
#include "sync/lookup.h"

#include "core/config.h"
#include "core/util.h"
#include "sync/upload.h"

#include <stdio.h>
#include <string.h>

int lookup_member(const struct config *cfg, const char *id_number, const char *certificate_no,
                  struct lookup_answer *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!cfg->upload_conninfo[0]) {
        util_seterr(err, errlen, "no central database: [upload] conninfo is empty");
        return -1;
    }
    PGconn *c = upload_connect(cfg->upload_conninfo, LOOKUP_TIMEOUT_S, LOOKUP_TIMEOUT_S * 1000,
                               "kiosk-lookup", err, errlen);
    if (!c)
        return -1;
    const char *p[2] = {id_number ? id_number : "", certificate_no ? certificate_no : ""};
    PGresult *r = PQexecParams(c, "SELECT via, masked_name, station, registered_on"
                                  " FROM kiosk_member_lookup($1, $2)",
                               2, NULL, p, NULL, NULL, 0);
    int rc = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char msg[512];
        upload_pg_message(c, r, msg, sizeof msg);
        util_seterr(err, errlen, "%s", msg);
    } else if (PQntuples(r) == 0) {
        rc = 0;
    } else {
        out->known = 1;
        out->by_id = strcmp(PQgetvalue(r, 0, 0), "id") == 0;
        util_strlcpy(out->masked_name, PQgetvalue(r, 0, 1), sizeof out->masked_name);
        util_strlcpy(out->station, PQgetvalue(r, 0, 2), sizeof out->station);
        util_strlcpy(out->registered_on, PQgetvalue(r, 0, 3), sizeof out->registered_on);
        rc = 1;
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}
