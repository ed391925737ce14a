/* registration — see registration.h. */
#include "app/registration.h"

#include "core/config.h"
#include "sync/lookup.h"

#include "core/util.h"
#include "store/store.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_KEY "reg.id_salt"
#define SALT_BYTES 32

static void copy_col(sqlite3_stmt *s, int col, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    util_strlcpy(out, t ? (const char *)t : "", n);
}

static void read_place(sqlite3_stmt *s, struct reg_place *p)
{
    copy_col(s, 0, p->id, sizeof p->id);
    copy_col(s, 1, p->name, sizeof p->name);
    copy_col(s, 2, p->level, sizeof p->level);
    copy_col(s, 3, p->address, sizeof p->address);
    copy_col(s, 4, p->phone, sizeof p->phone);
    copy_col(s, 5, p->hours, sizeof p->hours);
}

#define PLACE_COLS "id, name, level, address, phone, hours"

int registration_places(struct store *st, struct reg_place **out)
{
    *out = NULL;
    /* A person looks for where they live, so the stations come first; the centres
     * serve those who live near one. */
    sqlite3_stmt *s = store_prepare(
        st, "SELECT " PLACE_COLS " FROM places ORDER BY CASE level WHEN 'community' THEN 0"
            " WHEN 'street' THEN 1 ELSE 2 END, sort, id");
    if (!s)
        return -1;
    struct reg_place *v = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            struct reg_place *nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv)
                abort();
            v = nv;
        }
        read_place(s, &v[n++]);
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "registration: cannot read the places: %s\n",
                sqlite3_errmsg(store_db(st)));
        sqlite3_finalize(s);
        free(v);
        return -1;
    }
    sqlite3_finalize(s);
    *out = v;
    return n;
}

int registration_place(struct store *st, const char *id, struct reg_place *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = store_prepare(st, "SELECT " PLACE_COLS " FROM places WHERE id = ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s), ret = 1;
    if (rc == SQLITE_ROW) {
        read_place(s, out);
        ret = 0;
    } else if (rc != SQLITE_DONE) {
        fprintf(stderr, "registration: cannot read a place: %s\n", sqlite3_errmsg(store_db(st)));
        ret = -1;
    }
    sqlite3_finalize(s);
    return ret;
}

/* strstr with ASCII letters folded; Chinese text compares byte for byte, which is
 * exact for UTF-8. */
static int contains_fold(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *h = hay; *h; h++) {
        size_t i = 0;
        while (i < n && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

int registration_place_matches(const struct reg_place *p, const char *filter)
{
    if (!filter || !*filter)
        return 1;
    return contains_fold(p->name, filter) || contains_fold(p->address, filter);
}

/* The kiosk's salt, created on first use.  0 or -1 (logged). */
static int get_salt(struct store *st, unsigned char salt[SALT_BYTES])
{
    char hex[2 * SALT_BYTES + 1];
    int rc = store_meta_get(st, SALT_KEY, hex, sizeof hex);
    if (rc < 0)
        return -1;
    size_t got = 0;
    if (rc == 0 && sodium_hex2bin(salt, SALT_BYTES, hex, strlen(hex), NULL, &got, NULL) == 0 &&
        got == SALT_BYTES)
        return 0;
    /* Absent (or damaged, which only a hand edit could do): a new salt.  Records made
     * under a damaged one are then no longer found as duplicates, which errs on the
     * side of a second registration, never a lost one. */
    randombytes_buf(salt, SALT_BYTES);
    sodium_bin2hex(hex, sizeof hex, salt, SALT_BYTES);
    if (store_meta_set(st, SALT_KEY, hex) < 0) {
        fprintf(stderr, "registration: cannot store the ID hash salt\n");
        return -1;
    }
    return 0;
}

int registration_id_hash(struct store *st, const char *id_number, char out[REG_HASH_SIZE])
{
    out[0] = 0;
    if (sodium_init() < 0) {
        fprintf(stderr, "registration: libsodium cannot start\n");
        return -1;
    }
    unsigned char salt[SALT_BYTES], h[32];
    if (get_salt(st, salt) < 0)
        return -1;
    crypto_generichash(h, sizeof h, (const unsigned char *)id_number, strlen(id_number), salt,
                       sizeof salt);
    sodium_bin2hex(out, REG_HASH_SIZE, h, sizeof h);
    util_wipe(salt, sizeof salt);
    util_wipe(h, sizeof h);
    return 0;
}

int registration_find(struct store *st, const char *id_number, char date_out[11])
{
    date_out[0] = 0;
    char hash[REG_HASH_SIZE];
    if (registration_id_hash(st, id_number, hash) < 0)
        return -1;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT local_date FROM records WHERE kind = 'registration'"
            " AND json_extract(fields, '$.id_hash') = ? ORDER BY seq DESC LIMIT 1");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s), ret = 0;
    if (rc == SQLITE_ROW) {
        copy_col(s, 0, date_out, 11);
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        fprintf(stderr, "registration: duplicate check failed: %s\n",
                sqlite3_errmsg(store_db(st)));
        ret = -1;
    }
    sqlite3_finalize(s);
    return ret;
}

int registration_known(struct store *st, const struct config *cfg, const char *id_number,
                       const char *certificate_no, struct reg_known *out)
{
    memset(out, 0, sizeof *out);
    int rc = registration_find(st, id_number, out->date);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        out->where = REG_HERE;
        return 0;
    }
    sqlite3_stmt *s = store_prepare(st, "SELECT masked_name, coalesce(station, ''),"
                                        " coalesce(registered_on, '') FROM members WHERE id = ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, certificate_no, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        out->where = REG_CENTRE;
        copy_col(s, 0, out->masked_name, sizeof out->masked_name);
        copy_col(s, 1, out->station, sizeof out->station);
        copy_col(s, 2, out->date, sizeof out->date);
    }
    sqlite3_finalize(s);
    if (out->where != REG_NEW || !cfg || !cfg->upload_conninfo[0])
        return 0;
    struct lookup_answer ans;
    char err[512] = "";
    if (lookup_member(cfg, id_number, certificate_no, &ans, err, sizeof err) == 1) {
        out->where = REG_CENTRE;
        util_strlcpy(out->masked_name, ans.masked_name, sizeof out->masked_name);
        util_strlcpy(out->station, ans.station, sizeof out->station);
        util_strlcpy(out->date, ans.registered_on, sizeof out->date);
    } else if (err[0]) {
        /* Not fatal: registering goes on as on a kiosk without network. */
        fprintf(stderr, "registration: the centre could not be asked: %s\n", err);
    }
    util_wipe(&ans, sizeof ans);
    return 0;
}

static void add_str(struct strbuf *sb, const char *key, const char *val, int comma)
{
    if (comma)
        strbuf_add(sb, ",");
    strbuf_add_json_str(sb, key);
    strbuf_add(sb, ":");
    strbuf_add_json_str(sb, val ? val : "");
}

char *registration_fields_json(struct store *st, const struct registration *r)
{
    char hash[REG_HASH_SIZE];
    if (!r->place || registration_id_hash(st, r->id_number, hash) < 0)
        return NULL;
    struct strbuf sb = {0};
    strbuf_add(&sb, "{");
    add_str(&sb, "name", r->name, 0);
    add_str(&sb, "sex", r->sex, 1);
    add_str(&sb, "id_number", r->id_number, 1);
    add_str(&sb, "id_hash", hash, 1);
    add_str(&sb, "birth_date", r->birth_date, 1);
    add_str(&sb, "phone", r->phone, 1);
    add_str(&sb, "certificate_no", r->certificate_no, 1);
    add_str(&sb, "origin_org", r->origin_org, 1);
    add_str(&sb, "hukou", r->hukou, 1);
    add_str(&sb, "employer", r->employer, 1);
    add_str(&sb, "community_id", r->place->id, 1);
    add_str(&sb, "community_name", r->place->name, 1);
    /* The member belongs to the station of the place they live at; for someone living
     * next to a street or district centre that centre is their station. */
    add_str(&sb, "station", r->place->name, 1);
    add_str(&sb, "joined_party", r->joined_party, 1);
    strbuf_add(&sb, ",\"consent\":true,\"is_update\":");
    strbuf_add(&sb, r->is_update ? "true" : "false");
    strbuf_add(&sb, "}");
    return strbuf_detach(&sb);
}

int registration_submit(struct store *st, const struct registration *r, int64_t now_ms,
                        char uuid_out[37])
{
    uuid_out[0] = 0;
    char *json = registration_fields_json(st, r);
    if (!json)
        return -1;
    int rc = store_record_add(st, "registration", json, now_ms, uuid_out);
    util_wipe(json, strlen(json));
    free(json);
    if (rc < 0)
        return -1;
    store_event(st, now_ms, "registration", r->is_update ? "update" : "new");
    return 0;
}
