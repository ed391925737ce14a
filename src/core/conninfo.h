/* conninfo — the transport rule for the central database's connection strings: records
 * go to a host other than this machine only over TLS with the server's certificate
 * checked (sslmode=verify-full or verify-ca).  A Unix socket, localhost, 127.0.0.0/8 and
 * ::1 stay allowed in the clear.
 *
 * Parsing is libpq's (PQconninfoParse: key=value strings and URIs).  Every host of a
 * multi-host list counts; hostaddr, when given, is where the connection really goes; a
 * key the string leaves out is taken from the environment as libpq would (PGHOST,
 * PGHOSTADDR, PGSSLMODE, PGSERVICE).  A service file may name any host, so with
 * service= the string itself must carry sslmode=verify-full or verify-ca.
 *
 * Owns nothing; never connects. */
#ifndef KIOSK_CONNINFO_H
#define KIOSK_CONNINFO_H

#include <stddef.h>

/* 0 when conninfo ("" included) keeps to the rule; -1 otherwise, with the rest of a
 * sentence in why that starts with the conninfo's name ("sends to db.centre without …",
 * naming the host, or libpq's complaint about the string). */
int conninfo_check_transport(const char *conninfo, char *why, size_t whylen);

#endif
