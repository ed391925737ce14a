/* centre — see centre.h. */
#include "centre/centre.h"

#include "core/config.h"
#include "core/util.h"
#include "sync/upload.h"

#include <string.h>

/* "relation already exists, skipping" and the like are for a psql session, not for
 * staff reading a command's output. */
static void quiet(void *arg, const PGresult *r)
{
    (void)arg;
    (void)r;
}

PGconn *centre_connect(const struct config *cfg, const char *app, char *err, size_t errlen)
{
    PGconn *c = upload_connect(cfg->centre_conninfo, 10, 0, app ? app : "kioskctl-centre", err,
                               errlen);
    if (c)
        PQsetNoticeReceiver(c, quiet, NULL);
    return c;
}

PGresult *centre_query(PGconn *c, const char *sql, int n, const char *const *params,
                       char *err, size_t errlen)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
        return r;
    char msg[512];
    upload_pg_message(c, r, msg, sizeof msg);
    util_seterr(err, errlen, "%s", msg);
    PQclear(r);
    return NULL;
}

int centre_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (ok && strcmp(sql, "COMMIT") == 0)
        ok = strcmp(PQcmdStatus(r), "COMMIT") == 0;
    if (!ok) {
        char msg[512];
        upload_pg_message(c, r, msg, sizeof msg);
        util_seterr(err, errlen, "%s", msg);
    }
    PQclear(r);
    return ok ? 0 : -1;
}

void centre_rollback(PGconn *c)
{
    if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c, "ROLLBACK");
        PQclear(r);
    }
}
