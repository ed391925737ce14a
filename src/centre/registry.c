/* registry — see registry.h.  The database enforces the shapes (ids, levels, one login
 * per kiosk in service, one ticket prefix per hall); this file checks first what it can
 * say more plainly, and turns constraint names into sentences for the rest. */
#include "centre/registry.h"

#include "centre/centre.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_t(const PGresult *r, int row, int col)
{
    return strcmp(PQgetvalue(r, row, col), "t") == 0;
}

/* A sentence for the constraint a failed statement names, or the server's message. */
static void explain(const char *server, char *msg, size_t size)
{
    static const struct {
        const char *name, *text;
    } known[] = {
        {"kiosks_login_in_service", "that login already belongs to another kiosk in service"},
        {"kiosks_ticket_prefix", "another kiosk of that hall already uses that ticket prefix"},
        {"kiosks_ticket_prefix_check", "a ticket prefix is 1 to 3 capital letters or digits"},
        {"kiosks_kiosk_id_check", "a kiosk id is 1 to 63 letters, digits, - or _"},
        {"halls_hall_id_check", "a hall id is 1 to 32 letters, digits, - or _"},
        {"halls_parent_level", "the district centre has no parent, every other hall has one"},
        {"halls_level_check", "the level is district, street or community"},
        {"halls_name_check", "a hall needs a name"},
    };
    for (size_t i = 0; i < ARRAY_LEN(known); i++)
        if (strstr(server, known[i].name)) {
            util_seterr(msg, size, "%s", known[i].text);
            return;
        }
    util_seterr(msg, size, "%s", server);
}

int registry_add_hall(PGconn *c, const struct registry_hall *h, char *msg, size_t size)
{
    char err[512];
    if (strcmp(h->level, "district") && strcmp(h->level, "street") &&
        strcmp(h->level, "community")) {
        util_seterr(msg, size, "the level is district, street or community (got \"%s\")",
                    h->level);
        return -1;
    }
    if (!strcmp(h->level, "district") != !h->parent) {
        util_seterr(msg, size, "%s", h->parent ? "the district centre has no --parent"
                                               : "a street or community hall needs --parent");
        return -1;
    }
    const char *p[4] = {h->id, h->name, h->level, h->parent};
    PGresult *r = centre_query(c,
                               "INSERT INTO halls(hall_id, name, level, parent_id)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT (hall_id) DO NOTHING",
                               4, p, err, sizeof err);
    if (!r) {
        if (strstr(err, "halls_parent_id_fkey"))
            util_seterr(msg, size, "the parent hall %s is not registered", h->parent);
        else
            explain(err, msg, size);
        return -1;
    }
    int added = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (added) {
        util_seterr(msg, size, "hall %s registered: %s (%s%s%s)", h->id, h->name, h->level,
                    h->parent ? ", under " : "", h->parent ? h->parent : "");
        return 0;
    }
    r = centre_query(c,
                     "SELECT name = $2 AND level = $3 AND parent_id IS NOT DISTINCT FROM $4"
                     " FROM halls WHERE hall_id = $1",
                     4, p, err, sizeof err);
    if (!r) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    int same = PQntuples(r) == 1 && is_t(r, 0, 0);
    PQclear(r);
    if (!same) {
        util_seterr(msg, size, "hall %s is already registered with another name, level or"
                               " parent", h->id);
        return -1;
    }
    util_seterr(msg, size, "hall %s was already registered", h->id);
    return 0;
}

/* The login must be a kiosk's and nothing more.  0 or -1 with msg. */
static int check_login(PGconn *c, const char *role, char *msg, size_t size)
{
    char err[512];
    const char *p[1] = {role};
    PGresult *r = centre_query(
        c,
        "SELECT rolcanlogin, rolsuper OR rolbypassrls,"
        " pg_has_role(oid, 'kiosk_uploader', 'MEMBER'),"
        " pg_has_role(oid, 'kiosk_admin', 'MEMBER') OR pg_has_role(oid, 'kiosk_ingest', 'MEMBER')"
        " OR pg_has_role(oid, 'kiosk_reader', 'MEMBER')"
        " FROM pg_roles WHERE rolname = $1",
        1, p, err, sizeof err);
    if (!r) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    int rc = -1;
    if (PQntuples(r) != 1)
        util_seterr(msg, size,
                    "the login %s does not exist: the DBA creates it first (CREATE ROLE %s LOGIN"
                    " PASSWORD '…' IN ROLE kiosk_uploader)", role, role);
    else if (!is_t(r, 0, 0))
        util_seterr(msg, size, "the role %s cannot log in (it needs LOGIN)", role);
    else if (is_t(r, 0, 1))
        util_seterr(msg, size, "the role %s is a superuser or bypasses row security: a kiosk"
                               " must never hold such a login", role);
    else if (!is_t(r, 0, 2))
        util_seterr(msg, size, "the login %s is not a member of kiosk_uploader (GRANT"
                               " kiosk_uploader TO %s)", role, role);
    else if (is_t(r, 0, 3))
        util_seterr(msg, size, "the login %s also holds a centre role (kiosk_admin,"
                               " kiosk_ingest or kiosk_reader): a kiosk's login must not", role);
    else
        rc = 0;
    PQclear(r);
    return rc;
}

int registry_add_kiosk(PGconn *c, const struct registry_kiosk *k, char *msg, size_t size)
{
    struct identity_pub pk;
    char err[512];
    if (identity_pub_parse(k->pubkey, &pk) < 0) {
        util_seterr(msg, size, "--pubkey is not an Ed25519 public key (44 base64 characters,"
                               " as `kioskctl identity` prints it on the kiosk)");
        return -1;
    }
    if (centre_exec(c, "BEGIN", err, sizeof err) < 0) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    int rc = -1;
    PGresult *r = NULL;
    const char *hp[1] = {k->hall};
    if (!(r = centre_query(c, "SELECT 1 FROM halls WHERE hall_id = $1", 1, hp, err,
                           sizeof err))) {
        util_seterr(msg, size, "%s", err);
        goto out;
    }
    if (PQntuples(r) != 1) {
        util_seterr(msg, size, "the hall %s is not registered (centre add-hall first)",
                    k->hall);
        goto out;
    }
    PQclear(r);
    r = NULL;
    if (check_login(c, k->role, msg, size) < 0)
        goto out;
    /* The same key under two kiosk ids would let one kiosk sign as the other. */
    const char *kp[2] = {pk.text, k->id};
    if (!(r = centre_query(c, "SELECT kiosk_id FROM kiosk_keys WHERE public_key = $1"
                              " AND kiosk_id <> $2",
                           2, kp, err, sizeof err))) {
        util_seterr(msg, size, "%s", err);
        goto out;
    }
    if (PQntuples(r) > 0) {
        util_seterr(msg, size, "that public key is already registered for kiosk %s",
                    PQgetvalue(r, 0, 0));
        goto out;
    }
    PQclear(r);
    r = NULL;

    const char *ip[1] = {k->id};
    if (!(r = centre_query(c, "SELECT key_id, retired_at IS NOT NULL FROM kiosks"
                              " WHERE kiosk_id = $1 FOR UPDATE",
                           1, ip, err, sizeof err))) {
        util_seterr(msg, size, "%s", err);
        goto out;
    }
    int exists = PQntuples(r) == 1;
    char old_key[16] = "";
    int was_retired = exists && is_t(r, 0, 1);
    if (exists)
        util_strlcpy(old_key, PQgetvalue(r, 0, 0), sizeof old_key);
    PQclear(r);
    r = NULL;
    if (exists && !k->replace) {
        util_seterr(msg, size, "kiosk %s is already registered (key %s); add --replace to"
                               " give it a new key, hall or login", k->id, old_key);
        goto out;
    }
    const char *p[6] = {k->id, k->hall, k->role, pk.text, pk.id, k->ticket_prefix};
    const char *sql =
        exists ? "UPDATE kiosks SET hall_id = $2, login_role = $3, public_key = $4,"
                 " key_id = $5, ticket_prefix = coalesce($6, ticket_prefix), retired_at = NULL"
                 " WHERE kiosk_id = $1"
               : "INSERT INTO kiosks(kiosk_id, hall_id, login_role, public_key, key_id,"
                 " ticket_prefix) VALUES ($1, $2, $3, $4, $5, $6)";
    if (!(r = centre_query(c, sql, 6, p, err, sizeof err))) {
        explain(err, msg, size);
        goto out;
    }
    PQclear(r);
    r = NULL;
    const char *kk[3] = {k->id, pk.id, pk.text};
    if (!(r = centre_query(c,
                           "UPDATE kiosk_keys SET replaced_at = now() WHERE kiosk_id = $1"
                           " AND key_id <> $2 AND replaced_at IS NULL",
                           2, kk, err, sizeof err))) {
        util_seterr(msg, size, "%s", err);
        goto out;
    }
    PQclear(r);
    if (!(r = centre_query(c,
                           "INSERT INTO kiosk_keys(kiosk_id, key_id, public_key)"
                           " VALUES ($1, $2, $3) ON CONFLICT (kiosk_id, key_id)"
                           " DO UPDATE SET replaced_at = NULL",
                           3, kk, err, sizeof err))) {
        util_seterr(msg, size, "%s", err);
        goto out;
    }
    PQclear(r);
    r = NULL;
    if (centre_exec(c, "COMMIT", err, sizeof err) < 0) {
        explain(err, msg, size);
        goto out;
    }
    rc = 0;
    if (!exists)
        util_seterr(msg, size, "kiosk %s registered in hall %s, login %s, key %s", k->id,
                    k->hall, k->role, pk.id);
    else if (strcmp(old_key, pk.id) != 0)
        util_seterr(msg, size, "kiosk %s re-registered%s: hall %s, login %s, new key %s"
                               " (key %s stays known: what it signed still verifies)",
                    k->id, was_retired ? " and back in service" : "", k->hall, k->role, pk.id,
                    old_key);
    else
        util_seterr(msg, size, "kiosk %s re-registered%s: hall %s, login %s, key %s unchanged",
                    k->id, was_retired ? " and back in service" : "", k->hall, k->role, pk.id);
out:
    PQclear(r);
    if (rc < 0)
        centre_rollback(c);
    return rc;
}

int registry_retire_kiosk(PGconn *c, const char *kiosk_id, char *msg, size_t size)
{
    char err[512];
    const char *p[1] = {kiosk_id};
    PGresult *r = centre_query(c,
                               "UPDATE kiosks SET retired_at = coalesce(retired_at, now())"
                               " WHERE kiosk_id = $1 RETURNING retired_at < now()",
                               1, p, err, sizeof err);
    if (!r) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    int rc = 0;
    if (PQntuples(r) != 1) {
        util_seterr(msg, size, "kiosk %s is not registered", kiosk_id);
        rc = -1;
    } else if (is_t(r, 0, 0)) {
        util_seterr(msg, size, "kiosk %s was already retired", kiosk_id);
    } else {
        util_seterr(msg, size, "kiosk %s retired: its login can no longer send; its records"
                               " and keys stay", kiosk_id);
    }
    PQclear(r);
    return rc;
}

int registry_kiosk_key(PGconn *c, const char *kiosk_id, const char *key_id,
                       struct identity_pub *out, int *retired, char *msg, size_t size)
{
    char err[512];
    const char *p[2] = {kiosk_id, key_id};
    PGresult *r = centre_query(c,
                               "SELECT kk.public_key, k.retired_at IS NOT NULL FROM kiosk_keys kk"
                               " JOIN kiosks k USING (kiosk_id)"
                               " WHERE kk.kiosk_id = $1 AND kk.key_id = $2",
                               2, p, err, sizeof err);
    if (!r) {
        util_seterr(msg, size, "%s", err);
        return -1;
    }
    int rc = 1;
    if (PQntuples(r) == 1 && identity_pub_parse(PQgetvalue(r, 0, 0), out) == 0 &&
        strcmp(out->id, key_id) == 0) {
        rc = 0;
        if (retired)
            *retired = is_t(r, 0, 1);
    }
    PQclear(r);
    return rc;
}
