/* registry — the centre's halls and kiosks (tables halls, kiosks, kiosk_keys of
 * kiosk-config/central/002-registry.sql): registering, re-keying and retiring, and the
 * look-ups other centre code needs (a kiosk's keys by id).
 *
 * Each function runs in one transaction of its own on the caller's connection and puts
 * a sentence for staff into msg (what was done, or why not).
 *
 * Owns: nothing.  Never does: create database logins (the DBA does, see
 * kiosk-config/central/README.md), print. */
#ifndef KIOSK_CENTRE_REGISTRY_H
#define KIOSK_CENTRE_REGISTRY_H

#include <stddef.h>

#include <libpq-fe.h>

#include "core/identity.h"

struct registry_hall {
    const char *id, *name, *level; /* level: district | street | community */
    const char *parent;            /* NULL for the district centre */
};

/* Registers a hall.  Returns 0 (registered, or already registered exactly so), -1 with
 * the reason in msg (bad level, unknown parent, a different hall under that id …). */
int registry_add_hall(PGconn *c, const struct registry_hall *h, char *msg, size_t size);

struct registry_kiosk {
    const char *id, *hall, *role;
    const char *pubkey;            /* base64 Ed25519 public key */
    const char *ticket_prefix;     /* NULL: none (or, with replace, keep the old one) */
    int replace;                   /* re-key / move an already registered kiosk */
};

/* Registers a kiosk (or with replace, gives a registered one its new key, hall, login
 * and prefix; its earlier keys stay in kiosk_keys for verification).  The login must
 * exist, be able to log in and be a member of kiosk_uploader, and must be neither a
 * superuser nor hold any centre role.  Returns 0 or -1 with the reason in msg. */
int registry_add_kiosk(PGconn *c, const struct registry_kiosk *k, char *msg, size_t size);

/* Retires a kiosk: its login may no longer send.  0 (also when already retired; msg
 * says so) or -1 (unknown kiosk, database error). */
int registry_retire_kiosk(PGconn *c, const char *kiosk_id, char *msg, size_t size);

/* Looks up the public key `key_id` of kiosk `kiosk_id` (current or earlier).
 * Returns 0 with *out (*retired set when the kiosk is retired, may be NULL), 1 when the
 * registry has no such key, -1 on a database error (msg). */
int registry_kiosk_key(PGconn *c, const char *kiosk_id, const char *key_id,
                       struct identity_pub *out, int *retired, char *msg, size_t size);

#endif
