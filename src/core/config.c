/* config — see config.h.  One table of keys drives defaults, parsing and checks, so a
 * new key is one line here and one documented line in kiosk.ini. */
#include "core/config.h"

#include "core/conninfo.h"
#include "core/identity.h"
#include "core/paths.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ZONEINFO "/usr/share/zoneinfo"
/* The zone this product ships for, exact as a fixed offset (China has no summer time):
 * used when the system has no tzdata. */
#define HOME_ZONE "Asia/Shanghai"
#define HOME_ZONE_POSIX "CST-8"

enum key_type { K_STR, K_INT, K_BOOL, K_ENUM };

struct key {
    const char *section, *name;
    enum key_type type;
    size_t offset, size;      /* into struct config; size for strings */
    const char *def;
    long min, max;            /* K_INT */
    const char *choices;      /* K_ENUM: space-separated; K_INT: allowed values if set */
};

#define S(sec, nm, field, d) {sec, nm, K_STR, offsetof(struct config, field), \
                               sizeof(((struct config *)0)->field), d, 0, 0, NULL}
#define I(sec, nm, field, d, lo, hi) {sec, nm, K_INT, offsetof(struct config, field), 0, d, lo, hi, NULL}
#define B(sec, nm, field, d) {sec, nm, K_BOOL, offsetof(struct config, field), 0, d, 0, 1, NULL}
#define E(sec, nm, field, d, ch) {sec, nm, K_ENUM, offsetof(struct config, field), \
                                   sizeof(((struct config *)0)->field), d, 0, 0, ch}

static const struct key keys[] = {
    S("kiosk", "id", kiosk_id, "LD-DEMO-01"),
    S("kiosk", "hall", hall, "莲都区外来党员服务中心"),
    S("kiosk", "hall_en", hall_en, ""),
    S("kiosk", "hall_id", kiosk_hall_id, ""),
    E("kiosk", "language", language, "zh", "zh en"),
    S("kiosk", "timezone", timezone, "Asia/Shanghai"),
    S("kiosk", "hotline", hotline, "0578-2123110"),
    /* Defaults NULL: set by config_defaults from where the program lives (core/paths.h). */
    S("kiosk", "data_dir", data_dir, NULL),
    S("kiosk", "assets_dir", assets_dir, NULL),
    S("kiosk", "fonts_dir", fonts_dir, NULL),
    B("kiosk", "demo", demo, NULL),
    I("display", "width", width, "1920", 640, 7680),
    I("display", "height", height, "1080", 480, 7680),
    I("display", "idle_timeout_s", idle_timeout_s, "90", 15, 3600),
    I("display", "idle_warning_s", idle_warning_s, "15", 3, 120),
    B("display", "large_text", large_text, "false"),
    E("display", "renderer", renderer, "software", "software accelerated"),
    S("printer", "device", printer_device, "none"),
    {"printer", "paper_dots", K_INT, offsetof(struct config, paper_dots), 0, "576", 384, 640,
     "384 512 576 640"},
    I("printer", "timeout_ms", printer_timeout_ms, "5000", 200, 60000),
    S("upload", "conninfo", upload_conninfo, ""),
    I("upload", "interval_s", upload_interval_s, "0", 0, 86400),
    I("upload", "batch", upload_batch, "500", 1, 10000),
    I("upload", "connect_timeout_s", upload_connect_timeout_s, "10", 1, 300),
    I("upload", "statement_timeout_ms", upload_statement_timeout_ms, "30000", 100, 600000),
    I("upload", "heartbeat_s", upload_heartbeat_s, "300", 0, 86400),
    I("scanner", "max_gap_ms", scan_max_gap_ms, "35", 5, 200),
    I("scanner", "min_length", scan_min_length, "4", 1, 64),
    I("checkin", "open_before_min", checkin_open_before_min, "30", 0, 720),
    I("checkin", "result_s", checkin_result_s, "5", 1, 60),
    I("checkin", "double_read_ms", checkin_double_read_ms, "2000", 0, 60000),
    S("checkin", "certificate_pattern", certificate_pattern, ""),
    B("checkin", "ask_rating", checkin_ask_rating, "false"),
    S("services", "ticket_prefix", ticket_prefix, "A"),
    I("staff", "idle_timeout_s", staff_idle_timeout_s, "60", 10, 3600),
    B("staff", "chime", staff_chime, "true"),
    S("staff", "notify_command", staff_notify_command, ""),
    I("privacy", "retention_days", privacy_retention_days, "30", 1, 3650),
    S("centre", "conninfo", centre_conninfo, ""),
    S("centre", "public_key", centre_public_key, ""),
    S("centre", "secret_key_file", centre_secret_key_file, ""),
    I("store", "file_check_s", store_file_check_s, "60", 1, 3600),
    I("store", "min_free_mb", store_min_free_mb, "64", 0, 1048576),
    I("store", "reserve_mb", store_reserve_mb, "8", 0, 4096),
};

static int set_value(struct config *c, const struct key *k, const char *v, char *why,
                     size_t whylen)
{
    char *dst = (char *)c + k->offset;
    switch (k->type) {
    case K_STR:
        if (!utf8_valid(v, strlen(v))) {
            snprintf(why, whylen, "[%s] %s is not valid UTF-8", k->section, k->name);
            return -1;
        }
        if (util_strlcpy(dst, v, k->size) >= k->size) {
            snprintf(why, whylen, "[%s] %s is too long (at most %zu bytes)", k->section,
                     k->name, k->size - 1);
            return -1;
        }
        return 0;
    case K_ENUM: {
        size_t n = strlen(v);
        for (const char *p = k->choices; *p;) {
            size_t w = strcspn(p, " ");
            if (w == n && strncmp(p, v, n) == 0 && n < k->size) {
                memcpy(dst, v, n + 1);
                return 0;
            }
            p += w;
            while (*p == ' ')
                p++;
        }
        snprintf(why, whylen, "[%s] %s must be one of: %s (got \"%s\")", k->section, k->name,
                 k->choices, v);
        return -1;
    }
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1")) {
            *(int *)dst = 1;
            return 0;
        }
        if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0")) {
            *(int *)dst = 0;
            return 0;
        }
        snprintf(why, whylen, "[%s] %s must be true or false (got \"%s\")", k->section,
                 k->name, v);
        return -1;
    case K_INT: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (!*v || *end || errno) {
            snprintf(why, whylen, "[%s] %s must be a whole number (got \"%s\")", k->section,
                     k->name, v);
            return -1;
        }
        if (k->choices) {
            char want[16];
            snprintf(want, sizeof want, "%ld", n);
            int ok = 0;
            for (const char *p = k->choices; *p;) {
                size_t w = strcspn(p, " ");
                ok |= w == strlen(want) && !strncmp(p, want, w);
                p += w;
                while (*p == ' ')
                    p++;
            }
            if (!ok) {
                snprintf(why, whylen, "[%s] %s must be one of %s (got %ld)", k->section,
                         k->name, k->choices, n);
                return -1;
            }
        } else if (n < k->min || n > k->max) {
            snprintf(why, whylen, "[%s] %s must be between %ld and %ld (got %ld)", k->section,
                     k->name, k->min, k->max, n);
            return -1;
        }
        *(int *)dst = (int)n;
        return 0;
    }
    }
    return -1;
}

void config_defaults(struct config *c)
{
    char why[256];
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (keys[i].def && set_value(c, &keys[i], keys[i].def, why, sizeof why) < 0)
            abort(); /* a default outside its own range is a programming error */
    /* The source tree's programs keep their data and files beside them and seed the demo
     * content; an installed kiosk uses the FHS directories and starts empty. */
    const struct paths *p = paths_get();
    util_strlcpy(c->data_dir, p->data, sizeof c->data_dir);
    util_strlcpy(c->assets_dir, p->assets, sizeof c->assets_dir);
    util_strlcpy(c->fonts_dir, p->fonts, sizeof c->fonts_dir);
    c->demo = !p->installed;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = 0;
    return s;
}

int config_check_pattern(const char *ere, char *why, size_t whylen)
{
    if (!ere || !*ere)
        return 0;
    regex_t re;
    int rc = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[160];
        regerror(rc, &re, msg, sizeof msg);
        snprintf(why, whylen, "certificate_pattern \"%.100s\" is not a POSIX extended regular "
                              "expression: %s", ere, msg);
        return -1;
    }
    regfree(&re);
    return 0;
}

/* 1 when name is a time zone of the system's tzdata: a relative path of plain
 * characters naming a regular file that starts with the TZif magic.  A typo must not
 * silently mean UTC, which is what the C library makes of an unknown TZ. */
static int known_zone(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, ".."))
        return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return 0;
    char path[256];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", ZONEINFO, name) >= sizeof path)
        return 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    char magic[4];
    int ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
             read(fd, magic, sizeof magic) == (ssize_t)sizeof magic && !memcmp(magic, "TZif", 4);
    close(fd);
    return ok;
}

void config_set_timezone(const struct config *c)
{
    /* Without tzdata the home zone is set by its fixed POSIX form. */
    if (!strcmp(c->timezone, HOME_ZONE) && !known_zone(HOME_ZONE))
        setenv("TZ", HOME_ZONE_POSIX, 1);
    else
        setenv("TZ", c->timezone, 1);
    tzset();
}

/* [staff] notify_command: split at spaces and started without a shell and without a
 * search of PATH, so its first word must name an executable file by its absolute path
 * (a typo is said at start, not found out when someone needs help).  Quotes would mean
 * a shell was expected: refused rather than passed on as part of a word. */
static int check_notify_command(const char *cmd, char *why, size_t whylen)
{
    if (!cmd[0])
        return 0;
    size_t n = strcspn(cmd, " ");
    char prog[1024];
    snprintf(prog, sizeof prog, "%.*s", (int)n, cmd);
    if (strpbrk(cmd, "\"'`$|;&<>\\")) {
        snprintf(why, whylen, "[staff] notify_command is run without a shell: quotes, $, |, ;, "
                              "&, < and > do not work in it (got \"%.200s\")", cmd);
        return -1;
    }
    struct stat sb;
    if (prog[0] != '/') {
        snprintf(why, whylen, "[staff] notify_command must start with the program's absolute "
                              "path (got \"%.200s\")", prog);
        return -1;
    }
    if (stat(prog, &sb) < 0 || !S_ISREG(sb.st_mode) || access(prog, X_OK) < 0) {
        snprintf(why, whylen, "[staff] notify_command: %.200s is not an executable file", prog);
        return -1;
    }
    return 0;
}

/* Checks that hold between keys or need more than a range. */
static int check_whole(const struct config *c, char *why, size_t whylen, const char **key)
{
    const char *d = c->printer_device;
    if (!(strcmp(d, "none") == 0 || (strncmp(d, "file:", 5) == 0 && d[5]) ||
          (strncmp(d, "cups:", 5) == 0 && d[5]) ||
          (strncmp(d, "tcp:", 4) == 0 && strchr(d + 4, ':') && atoi(strrchr(d, ':') + 1) > 0 &&
           atoi(strrchr(d, ':') + 1) < 65536))) {
        snprintf(why, whylen,
                 "[printer] device must be none, file:PATH, tcp:HOST:PORT or cups:QUEUE "
                 "(got \"%.200s\")", d);
        *key = "device";
        return -1;
    }
    if (!c->kiosk_id[0]) {
        snprintf(why, whylen, "[kiosk] id must not be empty");
        *key = "id";
        return -1;
    }
    for (const char *p = c->kiosk_id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            snprintf(why, whylen, "[kiosk] id may hold only letters, digits, - and _");
            *key = "id";
            return -1;
        }
    for (const char *p = c->kiosk_hall_id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            snprintf(why, whylen, "[kiosk] hall_id may hold only letters, digits, - and _");
            *key = "hall_id";
            return -1;
        }
    struct identity_pub pk;
    if (c->centre_public_key[0] && identity_pub_parse(c->centre_public_key, &pk) < 0) {
        snprintf(why, whylen, "[centre] public_key is not an Ed25519 public key (44 base64"
                              " characters, as `kioskctl centre keygen` prints it)");
        *key = "public_key";
        return -1;
    }
    char pwhy[400];
    if (config_check_pattern(c->certificate_pattern, pwhy, sizeof pwhy) < 0) {
        snprintf(why, whylen, "[checkin] %s", pwhy);
        *key = "certificate_pattern";
        return -1;
    }
    size_t np = strlen(c->ticket_prefix);
    int prefix_ok = np >= 1 && np <= 3;
    for (size_t i = 0; i < np; i++)
        prefix_ok &= (c->ticket_prefix[i] >= 'A' && c->ticket_prefix[i] <= 'Z') ||
                     (c->ticket_prefix[i] >= '0' && c->ticket_prefix[i] <= '9');
    if (!prefix_ok) {
        snprintf(why, whylen, "[services] ticket_prefix must be 1 to 3 capital letters or "
                              "digits (got \"%s\")", c->ticket_prefix);
        *key = "ticket_prefix";
        return -1;
    }
    char rule[400];
    if (conninfo_check_transport(c->upload_conninfo, rule, sizeof rule) < 0) {
        snprintf(why, whylen, "[upload] conninfo %s", rule);
        *key = "upload.conninfo";
        return -1;
    }
    if (strcmp(c->timezone, HOME_ZONE) != 0 && !known_zone(c->timezone)) {
        struct stat sb;
        if (stat(ZONEINFO, &sb) < 0)
            snprintf(why, whylen, "[kiosk] timezone \"%.64s\": the system has no time zone data "
                     "(install tzdata), only %s works without it", c->timezone, HOME_ZONE);
        else
            snprintf(why, whylen, "[kiosk] timezone \"%.64s\" is not a known time zone (e.g. %s)",
                     c->timezone, HOME_ZONE);
        *key = "timezone";
        return -1;
    }
    if (check_notify_command(c->staff_notify_command, why, whylen) < 0) {
        *key = "notify_command";
        return -1;
    }
    if (c->idle_warning_s >= c->idle_timeout_s) {
        snprintf(why, whylen, "[display] idle_warning_s must be shorter than idle_timeout_s");
        *key = "idle_warning_s";
        return -1;
    }
    return 0;
}

int config_load(const char *path, struct config *out, char *err, size_t errlen)
{
    struct config c;
    config_defaults(&c);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s:0: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char line[4096], section[64] = "", why[512];
    int lineno = 0, key_line[ARRAY_LEN(keys)];
    memset(key_line, 0, sizeof key_line);
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            rc = -1;
            break;
        }
        char *s = line;
        if (lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
            s += 3;
        s = trim(s);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1] || e - s - 1 <= 0 || (size_t)(e - s - 1) >= sizeof section) {
                snprintf(err, errlen, "%s:%d: malformed section header", path, lineno);
                rc = -1;
                break;
            }
            *e = 0;
            util_strlcpy(section, s + 1, sizeof section);
            int known = 0;
            for (size_t i = 0; i < ARRAY_LEN(keys); i++)
                known |= !strcmp(keys[i].section, section);
            if (!known) {
                snprintf(err, errlen, "%s:%d: unknown section [%s]", path, lineno, section);
                rc = -1;
                break;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = 0;
        char *k = trim(s), *v = trim(eq + 1);
        /* A value may carry a trailing comment after " #". */
        char *hash = strstr(v, " #");
        if (hash) {
            *hash = 0;
            v = trim(v);
        }
        if (!section[0]) {
            snprintf(err, errlen, "%s:%d: key \"%s\" before any [section]", path, lineno, k);
            rc = -1;
            break;
        }
        size_t i;
        for (i = 0; i < ARRAY_LEN(keys); i++)
            if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, k))
                break;
        if (i == ARRAY_LEN(keys)) {
            snprintf(err, errlen, "%s:%d: unknown key \"%s\" in [%s]", path, lineno, k, section);
            rc = -1;
            break;
        }
        if (key_line[i]) {
            snprintf(err, errlen, "%s:%d: [%s] %s is set twice (first on line %d)", path, lineno,
                     section, k, key_line[i]);
            rc = -1;
            break;
        }
        key_line[i] = lineno;
        if (set_value(&c, &keys[i], v, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s:%d: read error", path, lineno);
        rc = -1;
    }
    fclose(f);
    if (rc == 0) {
        const char *bad = NULL;
        if (check_whole(&c, why, sizeof why, &bad) < 0) {
            /* bad is "name", or "section.name" where two sections share the name. */
            int at = 0;
            const char *dot = strchr(bad, '.');
            for (size_t i = 0; i < ARRAY_LEN(keys); i++)
                if (dot ? !strncmp(keys[i].section, bad, (size_t)(dot - bad)) &&
                              !keys[i].section[dot - bad] && !strcmp(keys[i].name, dot + 1)
                        : !strcmp(keys[i].name, bad))
                    at = key_line[i];
            snprintf(err, errlen, "%s:%d: %s", path, at, why);
            rc = -1;
        }
    }
    if (rc == 0)
        *out = c;
    return rc;
}
