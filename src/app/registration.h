/* registration — the application side of 报到登记: the service places a person picks
 * as 现居社区, the "already registered on this kiosk" check, and writing the record.
 * The Registration screen (screens/register.c) calls this and never runs SQL itself.
 *
 * The duplicate check never stores or compares ID numbers in clear beyond the record
 * itself: each record carries id_hash, a keyed BLAKE2b hash (libsodium) of the
 * normalised ID number under a random per-kiosk salt kept in meta (reg.id_salt).  A
 * copied hash is useless on another kiosk and cannot be reversed by hashing every
 * possible ID number without the salt.
 *
 * Owns: nothing between calls.  Buffers that held personal data (the JSON of a record)
 * are wiped before they are freed.  Never does: UI, validation of what a person typed
 * (validate.h does, the screen decides), logging personal data: errors name the
 * operation, never the values. */
#ifndef KIOSK_REGISTRATION_H
#define KIOSK_REGISTRATION_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct config;

#define REG_HASH_SIZE 65 /* 64 hex digits + NUL */

/* A service place (places table) as the picker and the success view show it. */
struct reg_place {
    char id[32];
    char name[160];
    char level[16];      /* community | street | district */
    char address[320];
    char phone[64];
    char hours[320];
};

/* Loads every service place: the community stations first, then the street/town
 * centres, then the district centre, each in content order.  Returns the count (0 when
 * the table is empty) and a malloc'd array in *out (NULL when the count is 0; the caller
 * frees it with free()), or -1 on a database error (logged). */
int registration_places(struct store *st, struct reg_place **out);

/* Loads the place with this id.  Returns 0, 1 when there is none, -1 on error. */
int registration_place(struct store *st, const char *id, struct reg_place *out);

/* 1 when filter is empty or is a substring of the place's name or address (ASCII
 * letters compared case-insensitively), else 0. */
int registration_place_matches(const struct reg_place *p, const char *filter);

/* The keyed hash of a normalised ID number (18 characters) as 64 hex digits in out.
 * Creates the kiosk's salt on first use.  Returns 0, or -1 (logged) when the salt
 * cannot be read or stored. */
int registration_id_hash(struct store *st, const char *id_number, char out[REG_HASH_SIZE]);

/* Whether a registration with this normalised ID number exists on this kiosk.
 * Returns 1 and the kiosk-local date (YYYY-MM-DD) of the latest one in date_out,
 * 0 when there is none, -1 on error (logged). */
int registration_find(struct store *st, const char *id_number, char date_out[11]);

/* Whether the person is registered already, and where. */
enum reg_where { REG_NEW, REG_HERE, REG_CENTRE };

struct reg_known {
    enum reg_where where;
    char date[11];             /* YYYY-MM-DD of that registration */
    char masked_name[64];      /* REG_CENTRE: as the centre masks it (张*) */
    char station[160];         /* REG_CENTRE: the station they belong to */
};

/* The duplicate check before a registration: this kiosk's registrations (by ID number),
 * then the centre's directory this kiosk holds (by certificate), then — when cfg has a
 * conninfo — the centre itself (by ID number or certificate; sync/lookup.h, a short
 * wait at most).  An unreachable centre counts as "not known": the centre's conflict
 * report catches it later.  Returns 0 with *out, or -1 when this kiosk's database
 * failed (logged). */
int registration_known(struct store *st, const struct config *cfg, const char *id_number,
                       const char *certificate_no, struct reg_known *out);

/* What the form collected, already validated and normalised by the screen.  Optional
 * texts may be "" (never NULL). */
struct registration {
    const char *name;
    const char *sex;            /* "男" / "女" */
    const char *id_number;      /* 18 characters */
    const char *birth_date;     /* YYYY-MM-DD, from the ID number */
    const char *phone;          /* 11 digits */
    const char *certificate_no; /* upper-case */
    const char *origin_org;     /* 原党组织 */
    const char *hukou;          /* 户籍地 */
    const char *employer;       /* 工作单位 */
    const char *joined_party;   /* 入党时间: YYYY-MM or YYYY-MM-DD, or "" */
    const struct reg_place *place;   /* 现居社区: the member is assigned to its station */
    int is_update;              /* the person confirmed an update of an earlier one */
};

/* Builds the record's fields as a JSON object (kind "registration"): name, sex,
 * id_number, id_hash, birth_date, phone, certificate_no, origin_org, hukou, employer,
 * community_id, community_name, station, joined_party, consent (true), is_update.
 * Returns a malloc'd string the caller wipes (util_wipe) and frees, or NULL (logged). */
char *registration_fields_json(struct store *st, const struct registration *r);

/* Writes the registration record and returns only after its commit reached the disk.
 * uuid_out receives the record's UUID.  Logs the event "registration" (new or update,
 * no personal data).  Returns 0, or -1 (logged) when nothing was written. */
int registration_submit(struct store *st, const struct registration *r, int64_t now_ms,
                        char uuid_out[37]);

#endif
