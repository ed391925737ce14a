/* centre — what the centre's commands share: the connection to the central database
 * ([centre] conninfo: an admin or analyst login, never a kiosk's; empty, the PG*
 * environment decides) and small query helpers that turn a failed result into one
 * sentence.
 *
 * This layer (src/centre/) is linked into kioskctl only: the kiosk binary never holds
 * code that only the centre runs, and nothing here includes a screen or the UI.
 *
 * Owns: nothing between calls. */
#ifndef KIOSK_CENTRE_H
#define KIOSK_CENTRE_H

#include <stddef.h>

#include <libpq-fe.h>

struct config;

/* Connects with cfg->centre_conninfo.  Returns the connection (PQfinish it) or NULL with
 * a sentence in err. */
PGconn *centre_connect(const struct config *cfg, const char *app, char *err, size_t errlen);

/* Runs sql with n text parameters.  Returns the result when it succeeded (rows or not;
 * PQclear it), or NULL with the server's one-line message in err. */
PGresult *centre_query(PGconn *c, const char *sql, int n, const char *const *params,
                       char *err, size_t errlen);
/* Runs sql (one or more statements, no parameters, no rows wanted).  0, or -1 with err.
 * For COMMIT, success also needs the tag COMMIT (a failed transaction "commits" as
 * ROLLBACK). */
int centre_exec(PGconn *c, const char *sql, char *err, size_t errlen);
/* Rolls back the open transaction if the connection still stands; for error paths. */
void centre_rollback(PGconn *c);

#endif
