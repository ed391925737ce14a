/* conninfo — see conninfo.h. */
#include "core/conninfo.h"

#include "core/util.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One host or hostaddr entry: a socket directory, localhost or a loopback address. */
static int is_local(const char *h, size_t n)
{
    char s[256];
    if (n >= sizeof s)
        return 0;
    memcpy(s, h, n);
    s[n] = 0;
    if (!s[0] || s[0] == '/' || s[0] == '@') /* empty: the default socket */
        return 1;
    if (!strcasecmp(s, "localhost"))
        return 1;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, s, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, s, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return 0;
}

/* The first entry of a comma-separated list that is not local, into out; 0 if none. */
static int first_remote(const char *list, char *out, size_t outlen)
{
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        if (!is_local(p, n)) {
            snprintf(out, outlen, "%.*s", (int)(n < 200 ? n : 200), p);
            return 1;
        }
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static const char *opt(PQconninfoOption *o, const char *key, const char *env)
{
    for (; o && o->keyword; o++)
        if (!strcmp(o->keyword, key))
            return o->val && *o->val ? o->val : env ? getenv(env) : NULL;
    return env ? getenv(env) : NULL;
}

int conninfo_check_transport(const char *conninfo, char *why, size_t whylen)
{
    if (!conninfo || !*conninfo)
        return 0;
    char *perr = NULL;
    PQconninfoOption *o = PQconninfoParse(conninfo, &perr);
    if (!o) {
        char msg[256] = "";
        if (perr) {
            util_strlcpy(msg, perr, sizeof msg);
            msg[strcspn(msg, "\n")] = 0;
            PQfreemem(perr);
        }
        snprintf(why, whylen, "is not a libpq connection string: %s", msg);
        return -1;
    }
    const char *host = opt(o, "host", "PGHOST"), *addr = opt(o, "hostaddr", "PGHOSTADDR");
    const char *mode = opt(o, "sslmode", "PGSSLMODE"), *service = opt(o, "service", "PGSERVICE");
    const char *mode_here = opt(o, "sslmode", NULL);
    int verified = mode && (!strcmp(mode, "verify-full") || !strcmp(mode, "verify-ca"));
    char remote[256] = "";
    int rc = 0;
    /* hostaddr, when given, is where libpq connects; host then only names the server. */
    if (addr && *addr ? first_remote(addr, remote, sizeof remote)
                      : host && first_remote(host, remote, sizeof remote)) {
        if (!verified) {
            snprintf(why, whylen,
                     "sends to %s without checking the server: add "
                     "sslmode=verify-full (and sslrootcert=the centre's CA), or use a local "
                     "socket", remote);
            rc = -1;
        }
    } else if (service && *service &&
               !(mode_here && (!strcmp(mode_here, "verify-full") || !strcmp(mode_here, "verify-ca")))) {
        snprintf(why, whylen,
                 "names service %.100s, whose host this kiosk cannot see: "
                 "add sslmode=verify-full to the conninfo itself", service);
        rc = -1;
    }
    PQconninfoFree(o);
    return rc;
}
