/* config — the kiosk's INI configuration (kiosk-config/kiosk.ini): parsing, defaults,
 * validation.  Every key is described once in a table in config.c (type, range,
 * default); the file kiosk-config/kiosk.ini documents each key for people.
 *
 * A bad file gives exactly one sentence "FILE:LINE: what is wrong" and no partial
 * configuration: callers print it, exit 2 and write nothing. */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stddef.h>

struct config {
    /* [kiosk] */
    char kiosk_id[64];
    char hall[128];
    char hall_en[160];         /* the hall's name in English ("": the Chinese one) */
    char kiosk_hall_id[33];    /* the registry's id of this hall (content bundles) */
    char language[4];          /* "zh" or "en" */
    char timezone[64];         /* TZ name, e.g. Asia/Shanghai */
    char hotline[32];
    char data_dir[1024];       /* --data-dir overrides */
    char assets_dir[1024];     /* demo content, UI catalogue */
    char fonts_dir[1024];
    int demo;                  /* seed a new data dir with assets/demo (default: source tree only) */
    /* [display] */
    int width, height;
    int idle_timeout_s;        /* no input this long: countdown starts */
    int idle_warning_s;        /* length of the visible countdown */
    int large_text;            /* start in large-text mode */
    char renderer[16];         /* software | accelerated */
    /* [printer] */
    char printer_device[1024]; /* none | file:PATH | tcp:HOST:PORT | cups:QUEUE */
    int paper_dots;            /* 384 512 576 640 */
    int printer_timeout_ms;
    /* [upload] */
    char upload_conninfo[1024];
    int upload_interval_s;     /* 0: only on demand */
    int upload_batch;
    int upload_connect_timeout_s;
    int upload_statement_timeout_ms;
    int upload_heartbeat_s;    /* status report to the centre this often; 0: off */
    /* [scanner] */
    int scan_max_gap_ms;       /* keystrokes closer than this belong to one scan */
    int scan_min_length;
    /* [checkin] */
    int checkin_open_before_min;
    int checkin_result_s;      /* queue mode: result stays up this long */
    int checkin_double_read_ms;
    int checkin_ask_rating;    /* a check-in ends asking for a grade (好差评) */
    char certificate_pattern[256]; /* POSIX ERE a certificate number must match; "": any
                                    * number of the basic shape (a stand-alone kiosk; the
                                    * district's pattern, once synced, wins) */
    /* [services] */
    char ticket_prefix[8];     /* queue numbers' prefix, 1-3 of A-Z 0-9 (a stand-alone
                                * kiosk; the registry's, once synced, wins) */
    /* [staff] */
    int staff_idle_timeout_s;
    int staff_chime;           /* 呼叫工作人员 plays a chime (when there is an audio device) */
    char staff_notify_command[1024]; /* run on 呼叫工作人员, split at spaces, no shell; the
                                      * screen and the time appended; "": none */
    /* [privacy] */
    int privacy_retention_days; /* personal fields of delivered records kept this long */
    /* [centre] */
    char centre_conninfo[1024];       /* kioskctl centre …: an admin or analyst login */
    char centre_public_key[64];       /* the centre's Ed25519 public key (base64) */
    char centre_secret_key_file[1024]; /* at the centre: its key pair (ingest, content) */
    /* [store] */
    int store_file_check_s;    /* how often an idle kiosk checks its database file is there */
    int store_min_free_mb;     /* below this much free space no new record is taken */
    int store_reserve_mb;      /* space kept in DATA_DIR/space.reserve for staff to collect */
};

/* Sets every key to its default. */
void config_defaults(struct config *c);
/* 0 when ere is empty or compiles as a POSIX extended regular expression, else -1
 * with a sentence in why (the district's pattern from the centre is checked by this
 * too, before it is stored). */
int config_check_pattern(const char *ere, char *why, size_t whylen);
/* Loads PATH over the defaults.  Returns 0, or -1 with "PATH:LINE: problem" in err. */
int config_load(const char *path, struct config *c, char *err, size_t errlen);
/* Makes c's [kiosk] timezone the process's local time (TZ), so every local date and time
 * the kiosk writes is the hall's.  config_load() has checked the zone exists. */
void config_set_timezone(const struct config *c);

#endif
