/* receipt — see receipt.h.  Four parts, in order: the signed payload and the receipt
 * number; the layout (record fields → item list); rendering (item list → 1-bit raster →
 * PNG / ESC/POS); the receipts table. */
#include "receipt/receipt.h"

#include "app/validate.h"
#include "core/config.h"
#include "core/identity.h"
#include "core/png.h"
#include "core/util.h"
#include "receipt/printer.h"
#include "receipt/sign.h"
#include "store/store.h"

#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAYLOAD_V1 "LDK1"
#define PAYLOAD_V2 "LDK2"
#define TAG_BYTES 16
#define TAG_CHARS 22 /* base64url of 16 bytes, no padding */
#define SIG_CHARS 103 /* base32 of 64 bytes, no padding */
#define NO_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define B32_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/* Every kind of the product, with its payload letter. */
static const struct {
    const char *name;
    char letter;
} kinds[] = {
    {"registration", 'R'},      {"checkin", 'C'},    {"job_interest", 'J'},
    {"training_signup", 'T'},   {"consultation", 'S'}, {"queue_ticket", 'Q'},
    {"training_waitlist", 'W'}, {"evaluation", 'E'}, {"help_request", 'H'},
    {"study_view", 'V'},
};

static char kind_letter(const char *k)
{
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (strcmp(k, kinds[i].name) == 0)
            return kinds[i].letter;
    return 0;
}

static const char *kind_of_letter(char c)
{
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (kinds[i].letter == c)
            return kinds[i].name;
    return NULL;
}

/* ---- payload ------------------------------------------------------------------------- */

static int valid_kiosk_id(const char *s, size_t n)
{
    if (n == 0 || n >= sizeof ((struct receipt_claim *)0)->kiosk_id)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
static int is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

static int valid_uuid(const char *s, size_t n)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_lower_hex(s[i]))
            return 0;
    }
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int valid_compact_time(const char *s, size_t n)
{
    return n == 16 && all_digits(s, 8) && s[8] == 'T' && all_digits(s + 9, 6) && s[15] == 'Z';
}

/* "2026-11-28T07:15:00.123Z" → "20261128T071500Z".  0 or -1. */
static int compact_time(const char *iso, char out[17])
{
    if (strlen(iso) < 20 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' ||
        iso[13] != ':' || iso[16] != ':')
        return -1;
    snprintf(out, 17, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14,
             iso + 17);
    return valid_compact_time(out, strlen(out)) ? 0 : -1;
}

/* RFC 4648 base32 without padding: out holds (8n+4)/5 characters + NUL. */
static void base32(const uint8_t *in, size_t n, char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << 8 | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = B32_ALPHABET[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = B32_ALPHABET[(acc << (5 - bits)) & 31];
    out[o] = 0;
}

/* Decodes exactly `want` bytes from `len` characters; the unused low bits of the last
 * character must be zero (one spelling per value).  0 or -1. */
static int unbase32(const char *s, size_t len, uint8_t *out, size_t want)
{
    if (len != (want * 8 + 4) / 5)
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        const char *p = s[i] ? strchr(B32_ALPHABET, s[i]) : NULL;
        if (!p)
            return -1;
        acc = acc << 5 | (uint32_t)(p - B32_ALPHABET);
        bits += 5;
        if (bits >= 8) {
            if (o == want)
                return -1;
            out[o++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
        }
        acc &= (1u << bits) - 1;
    }
    return o == want && acc == 0 ? 0 : -1;
}

int receipt_is_payload(const char *s)
{
    return s && (strncmp(s, PAYLOAD_V2 ":", 5) == 0 || strncmp(s, PAYLOAD_V1 "|", 5) == 0);
}

int receipt_payload(const struct identity *id, const char *kiosk_id, const char *uuid,
                    const char *kind, const char *created_at, char *out, size_t size)
{
    char t[17], hex[33], kid[IDENTITY_KEY_ID_LEN + 1];
    char letter = kind_letter(kind);
    if (!valid_kiosk_id(kiosk_id, strlen(kiosk_id)) || !valid_uuid(uuid, strlen(uuid)) ||
        !letter || compact_time(created_at, t) < 0) {
        fprintf(stderr, "receipt: record %s cannot be put in a payload\n", uuid);
        return -1;
    }
    size_t k = 0;
    for (const char *p = uuid; *p; p++)
        if (*p != '-')
            hex[k++] = (char)toupper((unsigned char)*p);
    hex[k] = 0;
    for (k = 0; k < IDENTITY_KEY_ID_LEN; k++)
        kid[k] = (char)toupper((unsigned char)identity_key_id(id)[k]);
    kid[k] = 0;
    int n = snprintf(out, size, PAYLOAD_V2 ":%s:%s:%c:%.8s%.6s:%s:", kiosk_id, hex, letter, t,
                     t + 9, kid);
    if (n < 0 || (size_t)n + SIG_CHARS + 1 > size)
        return -1;
    uint8_t sig[IDENTITY_SIG_BYTES];
    identity_sign(id, out, (size_t)n, sig);
    base32(sig, sizeof sig, out + n);
    return 0;
}

static void tag_text(const struct sign_key *key, const char *msg, size_t len,
                     char out[TAG_CHARS + 1])
{
    uint8_t mac[SIGN_MAC_BYTES];
    sign_mac(key, msg, len, mac);
    sodium_bin2base64(out, TAG_CHARS + 1, mac, TAG_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    util_wipe(mac, sizeof mac);
}

int receipt_payload_hmac(const struct sign_key *key, const char *kiosk_id, const char *uuid,
                         const char *kind, const char *created_at, char *out, size_t size)
{
    char t[17];
    if (!valid_kiosk_id(kiosk_id, strlen(kiosk_id)) || !valid_uuid(uuid, strlen(uuid)) ||
        !kind_letter(kind) || compact_time(created_at, t) < 0)
        return -1;
    int n = snprintf(out, size, PAYLOAD_V1 "|%s|%s|%s|%s|%s|", kiosk_id, uuid, kind, t,
                     sign_key_id(key));
    if (n < 0 || (size_t)n + TAG_CHARS + 1 > size)
        return -1;
    tag_text(key, out, (size_t)n, out + n);
    return 0;
}

/* Splits s at `sep` into exactly n fields (pointers into s, lengths).  0 or -1. */
static int split_fields(const char *s, char sep, const char **f, size_t *len, int n)
{
    int i = 0;
    for (;;) {
        const char *bar = strchr(s, sep);
        if (i == n)
            return -1;
        f[i] = s;
        len[i] = bar ? (size_t)(bar - s) : strlen(s);
        i++;
        if (!bar)
            return i == n ? 0 : -1;
        s = bar + 1;
    }
}

static void copy_field(char *dst, size_t size, const char *src, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static enum receipt_verdict verify_v1(const struct receipt_keys *keys, const char *payload,
                                      struct receipt_claim *c)
{
    const char *f[7];
    size_t n[7];
    if (split_fields(payload, '|', f, n, 7) < 0 || n[0] != 4 ||
        memcmp(f[0], PAYLOAD_V1, 4) != 0 || !valid_kiosk_id(f[1], n[1]) ||
        !valid_uuid(f[2], n[2]) || !valid_compact_time(f[4], n[4]) ||
        n[5] != SIGN_KEY_ID_LEN || n[6] != TAG_CHARS)
        return RECEIPT_MALFORMED;
    for (size_t i = 0; i < SIGN_KEY_ID_LEN; i++)
        if (!is_lower_hex(f[5][i]))
            return RECEIPT_MALFORMED;
    c->version = 1;
    copy_field(c->kiosk_id, sizeof c->kiosk_id, f[1], n[1]);
    copy_field(c->uuid, sizeof c->uuid, f[2], n[2]);
    copy_field(c->kind, sizeof c->kind, f[3], n[3]);
    copy_field(c->time, sizeof c->time, f[4], n[4]);
    copy_field(c->key_id, sizeof c->key_id, f[5], n[5]);
    if (!kind_letter(c->kind))
        return RECEIPT_MALFORMED;

    const struct sign_key *key = NULL;
    for (size_t i = 0; keys && i < keys->nhmac && !key; i++)
        if (keys->hmac[i] && strcmp(sign_key_id(keys->hmac[i]), c->key_id) == 0)
            key = keys->hmac[i];
    /* Decode strictly: base64url without padding, exactly 16 bytes, and the text must be
     * the canonical spelling of them (the last character carries 4 unused bits that a
     * lenient decoder would let an altered payload differ in). */
    uint8_t tag[TAG_BYTES];
    size_t tag_len = 0;
    const char *end = NULL;
    if (sodium_base642bin(tag, sizeof tag, f[6], n[6], NULL, &tag_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        tag_len != TAG_BYTES || end != f[6] + n[6])
        return RECEIPT_MALFORMED;
    char canon[TAG_CHARS + 1];
    sodium_bin2base64(canon, sizeof canon, tag, sizeof tag,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (memcmp(canon, f[6], TAG_CHARS) != 0)
        return RECEIPT_MALFORMED;
    if (!key)
        return RECEIPT_UNKNOWN_KEY;
    size_t signed_len = (size_t)(f[6] - payload);
    return sign_verify(key, payload, signed_len, tag, sizeof tag) ? RECEIPT_GENUINE
                                                                  : RECEIPT_FORGED;
}

static enum receipt_verdict verify_v2(const struct receipt_keys *keys, const char *payload,
                                      struct receipt_claim *c)
{
    const char *f[7];
    size_t n[7];
    if (split_fields(payload, ':', f, n, 7) < 0 || n[0] != 4 ||
        memcmp(f[0], PAYLOAD_V2, 4) != 0 || !valid_kiosk_id(f[1], n[1]) || n[2] != 32 ||
        n[3] != 1 || !kind_of_letter(f[3][0]) || n[4] != 14 || !all_digits(f[4], 14) ||
        n[5] != IDENTITY_KEY_ID_LEN || n[6] != SIG_CHARS)
        return RECEIPT_MALFORMED;
    for (size_t i = 0; i < 32; i++)
        if (!is_upper_hex(f[2][i]))
            return RECEIPT_MALFORMED;
    for (size_t i = 0; i < IDENTITY_KEY_ID_LEN; i++)
        if (!is_upper_hex(f[5][i]))
            return RECEIPT_MALFORMED;
    uint8_t sig[IDENTITY_SIG_BYTES];
    if (unbase32(f[6], n[6], sig, sizeof sig) < 0)
        return RECEIPT_MALFORMED;
    c->version = 2;
    copy_field(c->kiosk_id, sizeof c->kiosk_id, f[1], n[1]);
    for (size_t i = 0, o = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            c->uuid[o++] = '-';
        c->uuid[o++] = (char)tolower((unsigned char)f[2][i]);
        c->uuid[o] = 0;
    }
    util_strlcpy(c->kind, kind_of_letter(f[3][0]), sizeof c->kind);
    snprintf(c->time, sizeof c->time, "%.8sT%.6sZ", f[4], f[4] + 8);
    for (size_t i = 0; i < IDENTITY_KEY_ID_LEN; i++)
        c->key_id[i] = (char)tolower((unsigned char)f[5][i]);
    c->key_id[IDENTITY_KEY_ID_LEN] = 0;

    struct identity_pub pk;
    int found = keys && keys->lookup ? keys->lookup(keys->ctx, c->kiosk_id, c->key_id, &pk) : 1;
    if (found != 0 || strcmp(pk.id, c->key_id) != 0)
        return RECEIPT_UNKNOWN_KEY;
    size_t signed_len = (size_t)(f[6] - payload);
    return identity_verify(&pk, payload, signed_len, sig) ? RECEIPT_GENUINE : RECEIPT_FORGED;
}

enum receipt_verdict receipt_verify_payload(const struct receipt_keys *keys,
                                            const char *payload, struct receipt_claim *out)
{
    struct receipt_claim c;
    memset(&c, 0, sizeof c);
    enum receipt_verdict v = RECEIPT_MALFORMED;
    if (strlen(payload) < RECEIPT_PAYLOAD_SIZE) {
        if (strncmp(payload, PAYLOAD_V2 ":", 5) == 0)
            v = verify_v2(keys, payload, &c);
        else if (strncmp(payload, PAYLOAD_V1 "|", 5) == 0)
            v = verify_v1(keys, payload, &c);
    }
    if (v == RECEIPT_MALFORMED)
        memset(&c, 0, sizeof c);
    if (out)
        *out = c;
    return v;
}

const char *receipt_verdict_text(enum receipt_verdict v)
{
    switch (v) {
    case RECEIPT_GENUINE:
        return "回执真实有效 / genuine receipt";
    case RECEIPT_MALFORMED:
        return "不是本系统的回执二维码 / not a kiosk receipt payload";
    case RECEIPT_UNKNOWN_KEY:
        return "签名密钥未知（其他终端的回执？）/ signed with an unknown key (another kiosk?)";
    case RECEIPT_FORGED:
        return "签名不符，回执已被改动或伪造 / signature mismatch: altered or forged";
    }
    return "?";
}

void receipt_number(const struct identity *id, const char *uuid, int attempt,
                    char out[RECEIPT_NO_SIZE])
{
    char msg[80];
    int len = snprintf(msg, sizeof msg, "receipt-no|%s|%d", uuid, attempt);
    uint8_t key[32], mac[crypto_auth_hmacsha256_BYTES];
    identity_derive(id, "receipt-no", key);
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)len, key);
    util_wipe(key, sizeof key);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | mac[i];
    /* 31^8 ≈ 8.5e11 numbers; the modulo bias from 2^64 is below 1e-7. */
    const size_t base = sizeof NO_ALPHABET - 1;
    for (int i = 0, o = 0; i < 8; i++) {
        if (i == 4)
            out[o++] = '-';
        out[o++] = NO_ALPHABET[v % base];
        v /= base;
    }
    out[9] = 0;
}

/* ---- record fields ------------------------------------------------------------------- */

struct kv {
    char *key, *val;
};

struct fields {
    struct kv *v;
    int n, cap;
};

static void fields_add(struct fields *fs, const char *key, const char *val)
{
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 16;
        fs->v = realloc(fs->v, (size_t)fs->cap * sizeof *fs->v);
        if (!fs->v)
            abort();
    }
    fs->v[fs->n].key = strdup(key);
    fs->v[fs->n].val = strdup(val);
    if (!fs->v[fs->n].key || !fs->v[fs->n].val)
        abort();
    fs->n++;
}

/* The value of the first of the '|'-separated keys that is present and not empty. */
static const char *fields_get(const struct fields *fs, const char *keys)
{
    while (*keys) {
        size_t kl = strcspn(keys, "|");
        for (int i = 0; i < fs->n; i++)
            if (strlen(fs->v[i].key) == kl && memcmp(fs->v[i].key, keys, kl) == 0 &&
                fs->v[i].val[0])
                return fs->v[i].val;
        keys += kl + (keys[kl] == '|');
    }
    return NULL;
}

static void fields_free(struct fields *fs)
{
    for (int i = 0; i < fs->n; i++) {
        util_wipe(fs->v[i].val, strlen(fs->v[i].val));
        free(fs->v[i].key);
        free(fs->v[i].val);
    }
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

/* Content rows an *_id field refers to; their columns are added under `names` unless
 * the record carries them itself. */
static const struct lookup {
    const char *kind; /* NULL: any */
    const char *id_key;
    const char *sql;
    const char *names[4];
} lookups[] = {
    {NULL, "activity_id", "SELECT title, starts_at, venue FROM activities WHERE id=?",
     {"activity_title", "activity_starts_at", "activity_venue"}},
    {NULL, "job_id", "SELECT title, employer, area, contact FROM jobs WHERE id=?",
     {"job_title", "job_employer", "job_area", "job_contact"}},
    {NULL, "training_id", "SELECT title, starts_at, venue FROM trainings WHERE id=?",
     {"training_title", "training_starts_at", "training_venue"}},
    {NULL, "station_id", "SELECT name FROM places WHERE id=?", {"station_name"}},
    /* A check-in carries only the certificate number; the name is the one the member
     * registered with (masked like every name). */
    {"checkin", "certificate_no",
     "SELECT json_extract(fields, '$.name') FROM records WHERE kind = 'registration'"
     " AND json_extract(fields, '$.certificate_no') = ? ORDER BY seq DESC LIMIT 1",
     {"name"}},
};

/* Reads the record's JSON fields (SQLite's json_each, so no JSON parser of our own) and
 * the content rows they refer to.  0 or -1 (logged). */
static int fields_load(struct store *st, const char *kind, const char *json, struct fields *fs)
{
    sqlite3_stmt *s = store_prepare(
        st, "SELECT key, CAST(value AS TEXT) FROM json_each(?1)"
            " WHERE type NOT IN ('object','array','null')");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, json ? json : "{}", -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        fields_add(fs, (const char *)sqlite3_column_text(s, 0),
                   (const char *)sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "receipt: record fields are not a JSON object: %s\n",
                sqlite3_errmsg(store_db(st)));
        return -1;
    }
    for (size_t i = 0; i < ARRAY_LEN(lookups); i++) {
        const struct lookup *lk = &lookups[i];
        const char *id = fields_get(fs, lk->id_key);
        if (!id || (lk->kind && strcmp(lk->kind, kind) != 0) || fields_get(fs, lk->names[0]))
            continue;
        /* A missing content table row (content replaced since) is not an error: the
         * receipt then shows what the record itself holds. */
        s = store_prepare(st, lk->sql);
        if (!s)
            continue;
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW)
            for (int c = 0; c < 4 && lk->names[c]; c++) {
                const char *v = (const char *)sqlite3_column_text(s, c);
                if (v && !fields_get(fs, lk->names[c]))
                    fields_add(fs, lk->names[c], v);
            }
        sqlite3_finalize(s);
    }
    return 0;
}

/* ---- layout -------------------------------------------------------------------------- */

/* Sizes in px on 384-dot paper (8 dots a mm, 48 mm printed): body text 32 dots = 4 mm,
 * which an older eye reads at arm's length (24 dots were 3 mm); a queue number 112
 * dots = 14 mm, the largest thing on its ticket. */
enum {
    SZ_BODY = 32,
    SZ_HALL = 34,
    SZ_TITLE = 44,
    SZ_NUMBER = 56,
    SZ_TICKET = RECEIPT_SIZE_TICKET,
};

enum mask { M_NONE, M_NAME, M_ID, M_PHONE };

struct field_desc {
    const char *label, *label_en;
    const char *keys;
    enum mask mask;
};

#define F_NAME {"姓名", "Name", "name", M_NAME}
#define F_PHONE {"手机号", "Mobile", "phone|mobile", M_PHONE}
#define F_CERT {"活动证号", "Certificate", "certificate_no|cert_no", M_NONE}
/* A training session, as sign-ups and the waiting list carry it. */
#define F_TRAINING                                                                         \
    {"培训", "Session", "training_title|title", M_NONE},                                    \
        {"开始时间", "Starts", "training_starts_at|starts_at", M_NONE},                     \
        {"地点", "Where", "training_venue|venue", M_NONE}

/* Each kind's title, advice and fields, in Chinese and English: a receipt for an English
 * visitor carries both (staff at the window read Chinese; the visitor reads English). */
static const struct kind_desc {
    const char *kind;
    const char *title, *title_en;
    const char *next_step, *next_step_en;
    struct field_desc fields[8];
} kind_descs[] = {
    {"registration", "报到登记回执", "Registration receipt",
     "请携带《流动党员活动证》到所属服务站报到。",
     "Please take your activity certificate to your service station.",
     {F_NAME,
      {"身份证号", "ID number", "id_number|idcard|id_card", M_ID},
      F_PHONE,
      F_CERT,
      {"原党组织", "Home Party organisation", "origin_org|home_org", M_NONE},
      {"工作单位", "Employer", "employer|work_unit", M_NONE},
      {"报到服务站", "Service station", "station|station_name|community_name", M_NONE}}},
    {"checkin", "活动签到回执", "Check-in receipt", "签到已记录，请按工作人员指引参加活动。",
     "Your check-in is recorded. Please follow the staff to the activity.",
     {{"活动", "Activity", "activity_title|activity", M_NONE},
      {"活动时间", "When", "activity_starts_at", M_NONE},
      {"地点", "Where", "activity_venue|venue", M_NONE},
      F_NAME,
      F_CERT}},
    {"job_interest", "岗位意向回执", "Job interest receipt",
     "请凭本回执到服务窗口咨询，或直接联系用人单位。",
     "Ask at a service window with this receipt, or contact the employer.",
     {{"岗位", "Job", "job_title|title", M_NONE},
      {"用人单位", "Employer", "job_employer|employer", M_NONE},
      {"工作地点", "Area", "job_area|area", M_NONE},
      {"联系方式", "Contact", "job_contact|contact", M_NONE},
      F_NAME,
      F_PHONE}},
    {"training_signup", "培训报名回执", "Training sign-up receipt", "请按时参加培训，并携带本回执。",
     "Please come on time and bring this receipt.",
     {F_TRAINING, F_NAME, F_PHONE}},
    {"training_waitlist", "培训候补回执", "Training waiting list receipt",
     "名额空出时，工作人员会按登记先后电话通知您。",
     "When a place frees up, staff will phone you in the order you signed up.",
     {F_TRAINING, F_NAME, F_PHONE}},
    {"consultation", "咨询登记回执", "Advice request receipt", "请到服务窗口办理，工作人员将为您解答。",
     "Staff will answer your question; you may also ask at a service window.",
     {{"咨询事项", "Topic", "topic|service|subject", M_NONE}, F_NAME, F_PHONE}},
    {"queue_ticket", "排队号", "Queue ticket", "请留意叫号，过号请重新取号。",
     "Listen for your number; if you miss it, please take a new one.",
     {{"业务", "For", "service", M_NONE}, {"办理窗口", "Window", "window", M_NONE}}},
};

static const struct kind_desc *kind_desc_of(const char *kind)
{
    for (size_t i = 0; i < ARRAY_LEN(kind_descs); i++)
        if (strcmp(kind_descs[i].kind, kind) == 0)
            return &kind_descs[i];
    return NULL;
}

static struct receipt_layout *layout_new(void)
{
    struct receipt_layout *l = calloc(1, sizeof *l);
    if (!l)
        abort();
    return l;
}

static void add_item(struct receipt_layout *l, enum receipt_item_kind kind, const char *text,
                     int size, int bold, enum text_align align)
{
    /* Small and bounded (≈ 20 items): grow one at a time. */
    l->items = realloc(l->items, (size_t)(l->n_items + 1) * sizeof *l->items);
    if (!l->items)
        abort();
    char *copy = NULL;
    if (text && !(copy = strdup(text)))
        abort();
    l->items[l->n_items++] =
        (struct receipt_item){.kind = kind, .text = copy, .size = size, .bold = bold,
                              .align = align};
}

static void add_text(struct receipt_layout *l, const char *text, int size, int bold,
                     enum text_align align)
{
    add_item(l, RECEIPT_TEXT, text, size, bold, align);
}

static void add_textf(struct receipt_layout *l, int size, int bold, enum text_align align,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_textf(struct receipt_layout *l, int size, int bold, enum text_align align,
                      const char *fmt, ...)
{
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    add_text(l, sb.buf ? sb.buf : "", size, bold, align);
    strbuf_free(&sb);
}

/* "中文 English" when the receipt is for an English visitor, else the Chinese alone. */
static const char *both(const char *zh, const char *en, int english, char *buf, size_t n)
{
    if (!english || !en)
        return zh;
    snprintf(buf, n, "%s %s", zh, en);
    return buf;
}

/* hall_en: the hall's English name under the Chinese one (NULL: none). */
static void add_header(struct receipt_layout *l, const char *hall, const char *hall_en,
                       const char *kiosk_id, const char *title, const char *title_en,
                       int english)
{
    char buf[256];
    add_text(l, hall, SZ_HALL, 1, TEXT_CENTER);
    if (english && hall_en && *hall_en)
        add_text(l, hall_en, SZ_BODY, 1, TEXT_CENTER);
    add_textf(l, SZ_BODY, 0, TEXT_CENTER, "%s %s", both("终端", "Kiosk", english, buf, sizeof buf),
              kiosk_id);
    add_item(l, RECEIPT_RULE, NULL, 16, 0, TEXT_LEFT);
    add_text(l, both(title, title_en, english, buf, sizeof buf), SZ_TITLE, 1, TEXT_CENTER);
    add_item(l, RECEIPT_SPACE, NULL, 10, 0, TEXT_LEFT);
}

static void add_footer(struct receipt_layout *l, const struct config *cfg, const char *next,
                       const char *next_en, int english)
{
    char buf[256];
    add_item(l, RECEIPT_RULE, NULL, 16, 0, TEXT_LEFT);
    /* The advice in one item, its English under the Chinese. */
    if (next && next_en && english)
        add_textf(l, SZ_BODY, 0, TEXT_LEFT, "%s\n%s", next, next_en);
    else if (next)
        add_text(l, next, SZ_BODY, 0, TEXT_LEFT);
    if (cfg->hotline[0])
        add_textf(l, SZ_HALL, 1, TEXT_CENTER, "%s %s",
                  both("服务热线", "Hotline", english, buf, sizeof buf), cfg->hotline);
}

static void masked(enum mask m, const char *v, char *out, size_t n)
{
    /* Free text too long for the buffer is cut (on a character boundary); a masked
     * value that does not fit shows only stars, never the unmasked original. */
    int rc = m == M_NAME    ? mask_name(v, out, n)
             : m == M_ID    ? mask_idcard(v, out, n)
             : m == M_PHONE ? mask_phone(v, out, n)
                            : ((void)util_strlcpy(out, v, n), 0);
    if (rc < 0)
        util_strlcpy(out, "***", n);
}

int receipt_layout_record(struct store *st, const struct config *cfg,
                          const struct identity *id, const struct record *rec,
                          const char *receipt_no, struct receipt_layout **out)
{
    return receipt_layout_record_lang(st, cfg, id, rec, receipt_no, 0, out);
}

int receipt_layout_record_lang(struct store *st, const struct config *cfg,
                               const struct identity *id, const struct record *rec,
                               const char *receipt_no, int english, struct receipt_layout **out)
{
    *out = NULL;
    const struct kind_desc *kd = kind_desc_of(rec->kind);
    if (!kd) {
        fprintf(stderr, "receipt: record %s has unknown kind \"%s\"\n", rec->uuid, rec->kind);
        return -1;
    }
    struct receipt_layout *l = layout_new();
    util_strlcpy(l->record_uuid, rec->uuid, sizeof l->record_uuid);
    util_strlcpy(l->kind, rec->kind, sizeof l->kind);
    util_strlcpy(l->receipt_no, receipt_no, sizeof l->receipt_no);
    struct fields fs = {0};
    if (receipt_payload(id, rec->kiosk_id, rec->uuid, rec->kind, rec->created_at, l->payload,
                        sizeof l->payload) < 0 ||
        qr_encode(l->payload, &l->qr) < 0 || fields_load(st, rec->kind, rec->fields, &fs) < 0) {
        fields_free(&fs);
        receipt_layout_free(l);
        return -1;
    }

    char buf[256];
    add_header(l, cfg->hall, cfg->hall_en, rec->kiosk_id, kd->title, kd->title_en, english);
    const char *ticket = NULL;
    if (strcmp(rec->kind, "queue_ticket") == 0 &&
        (ticket = fields_get(&fs, "ticket_no|ticket|number")) != NULL)
        add_text(l, ticket, SZ_TICKET, 1, TEXT_CENTER);
    char value[512];
    for (int i = 0; i < (int)ARRAY_LEN(kd->fields) && kd->fields[i].label; i++) {
        const struct field_desc *fd = &kd->fields[i];
        const char *v = fields_get(&fs, fd->keys);
        if (!v)
            continue;
        masked(fd->mask, v, value, sizeof value);
        add_textf(l, SZ_BODY, 0, TEXT_LEFT, "%s：%s",
                  both(fd->label, fd->label_en, english, buf, sizeof buf), value);
    }
    util_wipe(value, sizeof value);
    int64_t ms;
    char when[32] = "";
    if (util_parse_iso(rec->created_at, &ms) == 0)
        util_time_local(ms, "%Y-%m-%d %H:%M", when, sizeof when);
    add_textf(l, SZ_BODY, 0, TEXT_LEFT, "%s：%s", both("时间", "Time", english, buf, sizeof buf),
              when);
    add_item(l, RECEIPT_RULE, NULL, 16, 0, TEXT_LEFT);
    add_text(l, both("回执号", "Receipt No.", english, buf, sizeof buf), SZ_BODY, 0, TEXT_CENTER);
    add_text(l, receipt_no, ticket ? SZ_TITLE : SZ_NUMBER, 1, TEXT_CENTER);
    add_item(l, RECEIPT_QR, NULL, 0, 0, TEXT_CENTER);
    /* The QR is for the staff's scanner (a phone shows only letters): say so. */
    add_text(l, both("工作人员核验用", "For staff to check", english, buf, sizeof buf), SZ_BODY, 0,
             TEXT_CENTER);
    add_footer(l, cfg, kd->next_step, kd->next_step_en, english);
    fields_free(&fs);
    *out = l;
    return 0;
}

struct receipt_layout *receipt_layout_test(const struct config *cfg, int64_t now_ms)
{
    struct receipt_layout *l = layout_new();
    char when[32], utc[32];
    util_time_local(now_ms, "%Y-%m-%d %H:%M:%S", when, sizeof when);
    util_time_utc(now_ms, utc);
    snprintf(l->payload, sizeof l->payload, PAYLOAD_V2 "-TEST:%s:%s", cfg->kiosk_id,
             utc);
    if (qr_encode(l->payload, &l->qr) < 0) {
        receipt_layout_free(l);
        return NULL;
    }
    add_header(l, cfg->hall, NULL, cfg->kiosk_id, "打印测试 Printer test", NULL, 0);
    add_textf(l, SZ_BODY, 0, TEXT_LEFT, "时间：%s", when);
    add_textf(l, SZ_BODY, 0, TEXT_LEFT, "纸宽：%d 点", cfg->paper_dots);
    add_text(l, "中文测试：报到登记、活动签到、就业岗位、培训安排、学习园地、服务指南。",
             SZ_BODY, 0, TEXT_LEFT);
    add_text(l, "ABCDEFGHJKMNPQRSTUVWXYZ 0123456789", SZ_BODY, 0, TEXT_LEFT);
    add_item(l, RECEIPT_QR, NULL, 0, 0, TEXT_CENTER);
    add_text(l, "二维码测试（不是回执）", SZ_BODY, 0, TEXT_CENTER);
    add_footer(l, cfg, "如能看清以上文字并扫出二维码，打印机工作正常。", NULL, 0);
    return l;
}

void receipt_layout_free(struct receipt_layout *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n_items; i++)
        if (l->items[i].text) {
            util_wipe((char *)l->items[i].text, strlen(l->items[i].text));
            free((char *)l->items[i].text);
        }
    free(l->items);
    qr_clear(&l->qr);
    free(l);
}

/* ---- rendering ----------------------------------------------------------------------- */

struct placed {
    SDL_Surface *surf; /* TEXT only */
    int h;
};

static int scaled(int v, int dots) { return (v * dots + RECEIPT_BASE_DOTS / 2) / RECEIPT_BASE_DOTS; }

/* The QR module size: an integer number of dots (a fractional one smears modules),
 * the symbol with its quiet zone about three quarters of the paper, the symbol alone
 * never under half of it, the whole never wider than the paper. */
static int qr_module(const struct qr *q, int dots)
{
    int total = q->size + 2 * QR_QUIET_MODULES;
    int m = dots * 3 / 4 / total;
    while (m * q->size < dots / 2)
        m++;
    while (m > 1 && m * total > dots)
        m--;
    return m < 1 ? 1 : m;
}

/* Composites an ARGB text surface (black text, alpha coverage) onto the white page,
 * thresholding at 50 %: thermal printers have no grey, and a hard threshold keeps CJK
 * strokes sharp where dithering would fray them. */
static void blit_text(struct receipt_raster *r, int x0, int y0, SDL_Surface *s)
{
    /* text_render promises ARGB8888; anything else is converted rather than misread. */
    SDL_Surface *conv = NULL;
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
        conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        if (!conv) {
            fprintf(stderr, "receipt: cannot convert a text surface: %s\n", SDL_GetError());
            return;
        }
        s = conv;
    }
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        if (y0 + y < 0 || y0 + y >= r->h)
            continue;
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
        uint8_t *dst = r->pixels + (size_t)(y0 + y) * (size_t)r->w;
        for (int x = 0; x < s->w; x++) {
            if (x0 + x < 0 || x0 + x >= r->w)
                continue;
            uint32_t p = row[x];
            unsigned a = p >> 24, rr = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
            unsigned lum = (rr * 299 + g * 587 + b * 114) / 1000;
            unsigned grey = 255 - a * (255 - lum) / 255;
            if (grey < 128)
                dst[x0 + x] = 0;
        }
    }
    SDL_UnlockSurface(s);
    SDL_FreeSurface(conv);
}

static void fill(struct receipt_raster *r, int x, int y, int w, int h)
{
    for (int j = y; j < y + h && j < r->h; j++)
        if (j >= 0)
            memset(r->pixels + (size_t)j * (size_t)r->w + x, 0, (size_t)w);
}

int receipt_render_raster(const struct receipt_layout *l, struct text_fonts *tf, int dots,
                          struct receipt_raster *out)
{
    memset(out, 0, sizeof *out);
    if (dots < 128 || dots > 4096 || dots % 8) {
        fprintf(stderr, "receipt: paper width %d dots is not supported\n", dots);
        return -1;
    }
    const int margin = scaled(8, dots), cw = dots - 2 * margin;
    struct placed *pl = calloc((size_t)l->n_items + 1, sizeof *pl);
    if (!pl)
        abort();
    int module = l->qr.size ? qr_module(&l->qr, dots) : 0;
    int total = scaled(12, dots), rc = 0;
    /* Pass 1: render text (sizes known only then) and add up the heights. */
    for (int i = 0; i < l->n_items; i++) {
        const struct receipt_item *it = &l->items[i];
        switch (it->kind) {
        case RECEIPT_TEXT: {
            struct text_style ts = {.size_px = scaled(it->size, dots), .bold = it->bold,
                                    .color = 0x000000FF, .align = it->align};
            if (it->text && it->text[strspn(it->text, " ")]) {
                pl[i].surf = text_render(tf, it->text, &ts, cw, 0);
                if (!pl[i].surf) {
                    fprintf(stderr, "receipt: cannot render a line of text\n");
                    rc = -1;
                }
            }
            pl[i].h = pl[i].surf ? pl[i].surf->h : 0;
            break;
        }
        case RECEIPT_QR:
            pl[i].h = module * (l->qr.size + 2 * QR_QUIET_MODULES);
            break;
        case RECEIPT_RULE:
        case RECEIPT_SPACE:
            pl[i].h = scaled(it->size, dots);
            break;
        }
        total += pl[i].h;
    }
    total += scaled(16, dots);
    if (rc == 0) {
        out->w = dots;
        out->h = total;
        out->pixels = malloc((size_t)dots * (size_t)total);
        if (!out->pixels)
            abort();
        memset(out->pixels, 255, (size_t)dots * (size_t)total);
        /* Pass 2: draw. */
        int y = scaled(12, dots);
        for (int i = 0; i < l->n_items; i++) {
            const struct receipt_item *it = &l->items[i];
            if (it->kind == RECEIPT_TEXT && pl[i].surf) {
                int free_w = cw - pl[i].surf->w;
                int x = margin + (it->align == TEXT_CENTER  ? free_w / 2
                                  : it->align == TEXT_RIGHT ? free_w
                                                            : 0);
                blit_text(out, x, y, pl[i].surf);
            } else if (it->kind == RECEIPT_RULE) {
                int thick = scaled(2, dots);
                fill(out, margin, y + (pl[i].h - thick) / 2, cw, thick);
            } else if (it->kind == RECEIPT_QR) {
                int x0 = (dots - pl[i].h) / 2 + QR_QUIET_MODULES * module;
                int y0 = y + QR_QUIET_MODULES * module;
                for (int qy = 0; qy < l->qr.size; qy++)
                    for (int qx = 0; qx < l->qr.size; qx++)
                        if (qr_dark(&l->qr, qx, qy))
                            for (int k = 0; k < module; k++)
                                memset(out->pixels + (size_t)(y0 + qy * module + k) * (size_t)dots +
                                           x0 + qx * module,
                                       0, (size_t)module);
            }
            y += pl[i].h;
        }
    }
    for (int i = 0; i < l->n_items; i++)
        SDL_FreeSurface(pl[i].surf);
    free(pl);
    return rc;
}

void receipt_raster_free(struct receipt_raster *r)
{
    free(r->pixels);
    memset(r, 0, sizeof *r);
}

int receipt_render_png(const struct receipt_layout *l, struct text_fonts *tf, int dots,
                       const char *path)
{
    struct receipt_raster r;
    if (receipt_render_raster(l, tf, dots, &r) < 0)
        return -1;
    int rc = png_write_gray(path, r.w, r.h, r.pixels, r.w);
    if (rc < 0)
        fprintf(stderr, "receipt: cannot write %s\n", path);
    receipt_raster_free(&r);
    return rc;
}

int receipt_render_escpos(const struct receipt_layout *l, struct text_fonts *tf, int dots,
                          struct escpos_buf *out)
{
    struct receipt_raster r;
    if (receipt_render_raster(l, tf, dots, &r) < 0)
        return -1;
    escpos_job(out, r.pixels, r.w, r.h, r.w);
    receipt_raster_free(&r);
    return 0;
}

/* ---- the receipts table -------------------------------------------------------------- */

/* Inserts the receipts row unless it exists; a receipt number taken by another record
 * (one chance in ~10^11 per pair) moves on to the next derived number. */
static int ensure_row(struct store *st, const struct identity *id, const char *uuid,
                      const char *state, char no[RECEIPT_NO_SIZE])
{
    for (int attempt = 0; attempt < 8; attempt++) {
        receipt_number(id, uuid, attempt, no);
        sqlite3_stmt *s = store_prepare(
            st, "INSERT INTO receipts(record_uuid, receipt_no, print_state, updated_at)"
                " VALUES(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
                " ON CONFLICT(record_uuid) DO NOTHING");
        if (!s)
            return -1;
        sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, no, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, state, -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE)
            return receipt_get(st, uuid, no, NULL, 0, NULL, 0) == 0 ? 0 : -1;
        if (rc != SQLITE_CONSTRAINT) {
            fprintf(stderr, "receipt: cannot write the receipt row: %s\n",
                    sqlite3_errmsg(store_db(st)));
            return -1;
        }
    }
    fprintf(stderr, "receipt: no free receipt number for %s\n", uuid);
    return -1;
}

int receipt_prepare(struct store *st, const struct config *cfg, const struct identity *id,
                    const char *uuid, struct receipt_layout **out, char *err, size_t errlen)
{
    return receipt_prepare_lang(st, cfg, id, uuid, 0, out, err, errlen);
}

int receipt_prepare_lang(struct store *st, const struct config *cfg, const struct identity *id,
                         const char *uuid, int english, struct receipt_layout **out, char *err,
                         size_t errlen)
{
    *out = NULL;
    struct record rec;
    int rc = store_record_get(st, uuid, &rec);
    if (rc != 0) {
        snprintf(err, errlen, rc > 0 ? "no record %s" : "cannot read record %s", uuid);
        return rc;
    }
    char no[RECEIPT_NO_SIZE];
    const char *state = strcmp(cfg->printer_device, "none") == 0 ? "none" : "pending";
    rc = ensure_row(st, id, rec.uuid, state, no);
    if (rc == 0)
        rc = receipt_layout_record_lang(st, cfg, id, &rec, no, english, out);
    if (rc < 0)
        snprintf(err, errlen, "cannot prepare the receipt of record %s", uuid);
    record_clear(&rec);
    return rc;
}

static int set_state(struct store *st, const char *uuid, const char *state, const char *error,
                     int64_t now_ms)
{
    char now[32];
    util_time_utc(now_ms, now);
    sqlite3_stmt *s = store_prepare(st, "UPDATE receipts SET print_state=?2, print_error=?3,"
                                        " updated_at=?4 WHERE record_uuid=?1");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
    if (error)
        sqlite3_bind_text(s, 3, error, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "receipt: cannot record the print state: %s\n",
                sqlite3_errmsg(store_db(st)));
        return -1;
    }
    return 0;
}

int receipt_print(struct store *st, struct printer *p, const struct receipt_layout *l,
                  struct text_fonts *tf, int paper_dots, int64_t now_ms)
{
    struct escpos_buf job = {0};
    if (receipt_render_escpos(l, tf, paper_dots, &job) < 0)
        return -1;
    int rc = printer_submit(p, l->record_uuid, job.data, job.len);
    escpos_buf_free(&job);
    if (rc == 0 && l->record_uuid[0])
        set_state(st, l->record_uuid, "pending", NULL, now_ms);
    return rc;
}

int receipt_apply_result(struct store *st, const struct printer_result *r, int64_t now_ms)
{
    /* A refused submit (PRINTER_BUSY) is a failure like any other: the row must not stay
     * pending with nothing coming, and it says "busy, try again" rather than "fault". */
    if (!r->record_uuid[0])
        return 0;
    const char *state = printer_state_name(r->outcome);
    char error[256] = "";
    if (strcmp(state, "failed") == 0)
        snprintf(error, sizeof error, "%s / %s", printer_message(r->outcome, "zh"),
                 printer_message(r->outcome, "en"));
    int rc = set_state(st, r->record_uuid, state, error[0] ? error : NULL, now_ms);
    char detail[320];
    snprintf(detail, sizeof detail, "%s %s%s%s", r->record_uuid, state, r->detail[0] ? ": " : "",
             r->detail);
    store_event(st, now_ms, "receipt_print", detail);
    return rc;
}

int receipt_get(struct store *st, const char *uuid, char receipt_no[RECEIPT_NO_SIZE],
                char *state, size_t state_size, char *error, size_t error_size)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT receipt_no, print_state, print_error"
                                        " FROM receipts WHERE record_uuid=?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *v;
        if (receipt_no)
            util_strlcpy(receipt_no, (v = (const char *)sqlite3_column_text(s, 0)) ? v : "",
                         RECEIPT_NO_SIZE);
        if (state && state_size)
            util_strlcpy(state, (v = (const char *)sqlite3_column_text(s, 1)) ? v : "",
                         state_size);
        if (error && error_size)
            util_strlcpy(error, (v = (const char *)sqlite3_column_text(s, 2)) ? v : "",
                         error_size);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = 1;
    } else {
        fprintf(stderr, "receipt: cannot read the receipt row: %s\n",
                sqlite3_errmsg(store_db(st)));
        rc = -1;
    }
    sqlite3_finalize(s);
    return rc;
}
