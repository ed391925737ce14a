/* centre_cmd — see centre_cmd.h.  Argument checking and printing around migrate.c and
 * registry.c, which do the work and return the sentences printed here. */
#include "centre/centre_cmd.h"

#include "centre/centre.h"
#include "centre/ingest.h"
#include "centre/content_export.h"
#include "centre/migrate.h"
#include "centre/publish.h"
#include "centre/registry.h"
#include "centre/report.h"
#include "core/config.h"
#include "core/identity.h"
#include "core/util.h"
#include "receipt/receipt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void centre_cmd_usage(FILE *f)
{
    fputs("  ingest BUNDLE                 verify a kiosk's USB bundle and load it\n"
          "  centre migrate                create or bring forward the central schema\n"
          "  centre add-hall ID --name NAME --level district|street|community [--parent ID]\n"
          "  centre add-kiosk ID --hall HALL --role LOGIN --pubkey KEY [--ticket-prefix P] [--replace]\n"
          "  centre retire-kiosk ID        the kiosk's login may no longer send\n"
          "  centre keygen FILE            make the centre's key pair (mode 0600), print its public key\n"
          "  centre verify PAYLOAD         check any kiosk's receipt QR against the registry's keys\n"
          "  centre fleet                  one line per kiosk with its flags; exit 1 when any is flagged\n"
          "  centre report --from YYYY-MM-DD --to YYYY-MM-DD [--by hall|month|hall,month]\n"
          "                [--format csv|xlsx] --output FILE   the period's figures per hall and month\n"
          "  centre gaps [KIOSK]           the missing ranges of each kiosk's record sequence\n"
          "  centre conflicts [KIOSK]      records that came again with other content\n"
          "  centre publish jobs|trainings|activities|materials|places|services PATH [--hall H]\n"
          "                                publish content (the files import takes) to the district or a hall\n"
          "  centre set certificate_pattern REGEX   a district setting, published with the content\n"
          "  centre content-export DIR     write the signed content bundle for halls without network\n",
          f);
}

/* Options of one subcommand: "--name" with a value, or a flag. */
struct opt {
    const char *name;
    int flag;           /* no value */
    const char *value;  /* set when given ("" for a flag) */
};

/* Parses argv[from..argc) into opts and at most `max_words` plain words.  Returns the
 * number of words, or -1 (message printed) on an unknown option, a missing value or an
 * option given twice. */
static int parse(const char *cmd, int argc, char **argv, int from, struct opt *opts, int nopts,
                 const char **words, int max_words)
{
    int n = 0;
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-') {
            int k = 0;
            while (k < nopts && strcmp(opts[k].name, a) != 0)
                k++;
            if (k == nopts) {
                fprintf(stderr, "kioskctl centre %s: unknown option %s\n", cmd, a);
                return -1;
            }
            if (opts[k].value) {
                fprintf(stderr, "kioskctl centre %s: %s given twice\n", cmd, a);
                return -1;
            }
            if (opts[k].flag) {
                opts[k].value = "";
            } else if (i + 1 < argc) {
                opts[k].value = argv[++i];
            } else {
                fprintf(stderr, "kioskctl centre %s: %s needs a value\n", cmd, a);
                return -1;
            }
        } else if (n < max_words) {
            words[n++] = a;
        } else {
            fprintf(stderr, "kioskctl centre %s: unexpected \"%s\"\n", cmd, a);
            return -1;
        }
    }
    return n;
}

static PGconn *connect_or_say(const struct config *cfg, const char *cmd)
{
    char err[768];
    PGconn *c = centre_connect(cfg, "kioskctl-centre", err, sizeof err);
    if (!c)
        fprintf(stderr, "kioskctl centre %s: %s ([centre] conninfo)\n", cmd, err);
    return c;
}

/* The registry commands need the schema they write; say so plainly when it is behind. */
static int schema_ready(PGconn *c, const char *cmd)
{
    char err[512];
    if (centre_schema_current(c, err, sizeof err) == 1)
        return 1;
    fprintf(stderr, "kioskctl centre %s: %s\n", cmd, err);
    return 0;
}

static int cmd_migrate(const struct config *cfg, int argc, char **argv)
{
    const char *w[1];
    if (parse("migrate", argc, argv, 2, NULL, 0, w, 0) != 0)
        return 2;
    PGconn *c = connect_or_say(cfg, "migrate");
    if (!c)
        return 1;
    char err[768];
    int n = centre_migrate(c, stdout, err, sizeof err);
    PQfinish(c);
    if (n < 0) {
        fprintf(stderr, "kioskctl centre migrate: %s\n", err);
        return 1;
    }
    printf("central schema up to date (%d migration%s, %d applied now)\n", centre_sql_count,
           centre_sql_count == 1 ? "" : "s", n);
    return 0;
}

/* Connects, checks the schema is current, runs fn and prints its sentence: on stdout
 * when it succeeded, on stderr otherwise.  Returns the exit status. */
static int run_registry(const struct config *cfg, const char *cmd,
                        int (*fn)(PGconn *, const void *, char *, size_t), const void *arg)
{
    PGconn *c = connect_or_say(cfg, cmd);
    if (!c)
        return 1;
    int rc = 1;
    char msg[768];
    if (schema_ready(c, cmd)) {
        rc = fn(c, arg, msg, sizeof msg) == 0 ? 0 : 1;
        if (rc)
            fprintf(stderr, "kioskctl centre %s: %s\n", cmd, msg);
        else
            printf("%s\n", msg);
    }
    PQfinish(c);
    return rc;
}

static int add_hall(PGconn *c, const void *arg, char *msg, size_t size)
{
    return registry_add_hall(c, arg, msg, size);
}

static int add_kiosk(PGconn *c, const void *arg, char *msg, size_t size)
{
    return registry_add_kiosk(c, arg, msg, size);
}

static int retire_kiosk(PGconn *c, const void *arg, char *msg, size_t size)
{
    return registry_retire_kiosk(c, arg, msg, size);
}

static int cmd_add_hall(const struct config *cfg, int argc, char **argv)
{
    struct opt o[] = {{"--name", 0, NULL}, {"--level", 0, NULL}, {"--parent", 0, NULL}};
    const char *w[1];
    if (parse("add-hall", argc, argv, 2, o, 3, w, 1) != 1 || !o[0].value || !o[1].value) {
        fprintf(stderr, "usage: kioskctl centre add-hall ID --name NAME"
                        " --level district|street|community [--parent ID]\n");
        return 2;
    }
    struct registry_hall h = {w[0], o[0].value, o[1].value, o[2].value};
    return run_registry(cfg, "add-hall", add_hall, &h);
}

static int cmd_add_kiosk(const struct config *cfg, int argc, char **argv)
{
    struct opt o[] = {{"--hall", 0, NULL},          {"--role", 0, NULL},
                      {"--pubkey", 0, NULL},        {"--ticket-prefix", 0, NULL},
                      {"--replace", 1, NULL}};
    const char *w[1];
    if (parse("add-kiosk", argc, argv, 2, o, 5, w, 1) != 1 || !o[0].value || !o[1].value ||
        !o[2].value) {
        fprintf(stderr, "usage: kioskctl centre add-kiosk ID --hall HALL --role LOGIN"
                        " --pubkey KEY [--ticket-prefix P] [--replace]\n");
        return 2;
    }
    struct registry_kiosk k = {w[0], o[0].value, o[1].value, o[2].value, o[3].value,
                               o[4].value != NULL};
    return run_registry(cfg, "add-kiosk", add_kiosk, &k);
}

static int cmd_retire_kiosk(const struct config *cfg, int argc, char **argv)
{
    const char *w[1];
    if (parse("retire-kiosk", argc, argv, 2, NULL, 0, w, 1) != 1) {
        fprintf(stderr, "usage: kioskctl centre retire-kiosk ID\n");
        return 2;
    }
    return run_registry(cfg, "retire-kiosk", retire_kiosk, w[0]);
}

static int cmd_keygen(const struct config *cfg, int argc, char **argv)
{
    const char *w[1];
    if (parse("keygen", argc, argv, 2, NULL, 0, w, 1) != 1) {
        fprintf(stderr, "usage: kioskctl centre keygen FILE\n");
        return 2;
    }
    struct identity *id = NULL;
    char err[768];
    if (identity_create(w[0], &id, err, sizeof err) < 0) {
        fprintf(stderr, "kioskctl centre keygen: %s\n", err);
        return 1;
    }
    printf("key pair written to %s (mode 0600; keep it at the centre only)\n"
           "key_id: %s\npublic_key: %s\n"
           "put the public key into every kiosk's [centre] public_key\n",
           w[0], identity_key_id(id), identity_public(id)->text);
    identity_free(id);
    return 0;
}

/* receipt_keys look-up over the registry: every key a kiosk has had, by key id. */
struct registry_lookup {
    PGconn *c;
    int retired, failed;
};

static int registry_lookup(void *ctx, const char *kiosk_id, const char *key_id,
                           struct identity_pub *out)
{
    struct registry_lookup *r = ctx;
    char msg[512];
    int rc = registry_kiosk_key(r->c, kiosk_id, key_id, out, &r->retired, msg, sizeof msg);
    if (rc < 0) {
        fprintf(stderr, "kioskctl centre verify: %s\n", msg);
        r->failed = 1;
    }
    return rc;
}

/* What the centre holds of the record a genuine receipt names. */
static void print_held(PGconn *c, const struct receipt_claim *cl)
{
    char err[512];
    const char *p[2] = {cl->kiosk_id, cl->uuid};
    PGresult *r = centre_query(c,
                               "SELECT to_char(received_at AT TIME ZONE 'Asia/Shanghai',"
                               " 'YYYY-MM-DD HH24:MI'), source, kind FROM kiosk_records"
                               " WHERE kiosk_id = $1 AND record_uuid = $2::uuid",
                               2, p, err, sizeof err);
    if (!r) {
        printf("at the centre: cannot tell (%s)\n", err);
        return;
    }
    if (PQntuples(r) == 0)
        printf("at the centre: not yet (the kiosk has not sent it)\n");
    else
        printf("at the centre: since %s (%s)%s\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
               strcmp(PQgetvalue(r, 0, 2), cl->kind) ? "; its kind differs from the receipt's!"
                                                     : "");
    PQclear(r);
}

static int cmd_verify(const struct config *cfg, int argc, char **argv)
{
    const char *w[1];
    if (parse("verify", argc, argv, 2, NULL, 0, w, 1) != 1) {
        fprintf(stderr, "usage: kioskctl centre verify PAYLOAD\n");
        return 2;
    }
    PGconn *c = connect_or_say(cfg, "verify");
    if (!c)
        return 1;
    if (!schema_ready(c, "verify")) {
        PQfinish(c);
        return 1;
    }
    struct registry_lookup rl = {c, 0, 0};
    struct receipt_keys keys = {registry_lookup, &rl, NULL, 0};
    struct receipt_claim cl;
    enum receipt_verdict v = receipt_verify_payload(&keys, w[0], &cl);
    if (rl.failed) {
        PQfinish(c);
        return 1;
    }
    printf("verdict: %s\n", receipt_verdict_text(v));
    if (v != RECEIPT_MALFORMED) {
        printf("kiosk: %s\nrecord: %s\nkind: %s\ntime: %s\nkey: %s\n", cl.kiosk_id, cl.uuid,
               cl.kind, cl.time, cl.key_id);
        if (cl.version == 1)
            printf("an older receipt, signed with its kiosk's own HMAC key: check it on that kiosk"
                   " (kioskctl verify)\n");
    }
    if (v == RECEIPT_GENUINE) {
        if (rl.retired)
            printf("note: kiosk %s is retired\n", cl.kiosk_id);
        print_held(c, &cl);
    }
    PQfinish(c);
    return v == RECEIPT_GENUINE ? 0 : 1;
}

/* Prints the rows of sql (one optional parameter: a kiosk id) tab-separated, under a
 * heading; "none" when there are none.  Exit status 0, or 1 when any row came (something
 * for staff to look at) or the query failed. */
static int list_rows(const struct config *cfg, const char *cmd, int argc, char **argv,
                     const char *sql, const char *heading)
{
    const char *w[1] = {NULL};
    if (parse(cmd, argc, argv, 2, NULL, 0, w, 1) < 0) {
        fprintf(stderr, "usage: kioskctl centre %s [KIOSK]\n", cmd);
        return 2;
    }
    PGconn *c = connect_or_say(cfg, cmd);
    if (!c)
        return 1;
    int rc = 1;
    char err[512];
    PGresult *r = NULL;
    if (schema_ready(c, cmd) && (r = centre_query(c, sql, 1, w, err, sizeof err)) != NULL) {
        if (PQntuples(r) == 0) {
            printf("none\n");
            rc = 0;
        } else {
            printf("%s\n", heading);
            for (int i = 0; i < PQntuples(r); i++)
                for (int k = 0; k < PQnfields(r); k++)
                    printf("%s%s", PQgetvalue(r, i, k), k + 1 < PQnfields(r) ? "\t" : "\n");
        }
    } else if (!r && err[0]) {
        fprintf(stderr, "kioskctl centre %s: %s\n", cmd, err);
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* centre fleet: what each kiosk in service last said, and what is wrong with it. */
static int cmd_fleet(const struct config *cfg, int argc, char **argv)
{
    const char *w[1];
    if (parse("fleet", argc, argv, 2, NULL, 0, w, 0) != 0) {
        fprintf(stderr, "usage: kioskctl centre fleet\n");
        return 2;
    }
    PGconn *c = connect_or_say(cfg, "fleet");
    if (!c)
        return 1;
    char err[512] = "";
    PGresult *r = NULL;
    int rc = 1;
    if (schema_ready(c, "fleet") &&
        (r = centre_query(c,
                          "SELECT kiosk_id, hall_id,"
                          " coalesce(to_char(reported_at AT TIME ZONE 'Asia/Shanghai',"
                          "  'YYYY-MM-DD HH24:MI'), 'never'),"
                          " coalesce(extract(epoch FROM now() - reported_at)::bigint / 60 || ' min', '-'),"
                          " coalesce(version, '-'), coalesce(pending::text, '-'),"
                          " coalesce(printer, '-'),"
                          " coalesce(CASE WHEN free_disk_mb >= 0 THEN free_disk_mb || ' MB' END, '-'),"
                          " coalesce(CASE WHEN clock_skew_s >= 0 THEN '+' ELSE '' END || clock_skew_s || ' s', '-'),"
                          " missing, quarantined, coalesce(help_open::text, '-'),"
                          " array_to_string(flags, ' '), cardinality(flags)"
                          " FROM kiosk_fleet ORDER BY hall_id, kiosk_id",
                          0, NULL, err, sizeof err))) {
        int flagged = 0, n = PQntuples(r);
        printf("%-12s %-12s %-16s %-8s %-22s %-7s %-14s %-10s %-7s %-5s %-5s %-4s %s\n", "kiosk",
               "hall", "last seen", "ago", "version", "pending", "printer", "disk", "clock", "gaps",
               "quar.", "help", "flags");
        for (int i = 0; i < n; i++) {
            char printer[15];
            util_strlcpy(printer, PQgetvalue(r, i, 6), sizeof printer);
            printf("%-12s %-12s %-16s %-8s %-22s %-7s %-14s %-10s %-7s %-5s %-5s %-4s %s\n",
                   PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                   PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5), printer,
                   PQgetvalue(r, i, 7), PQgetvalue(r, i, 8), PQgetvalue(r, i, 9),
                   PQgetvalue(r, i, 10), PQgetvalue(r, i, 11), PQgetvalue(r, i, 12));
            flagged += atoi(PQgetvalue(r, i, 13)) > 0;
        }
        printf("%d kiosk%s in service, %d flagged\n", n, n == 1 ? "" : "s", flagged);
        rc = flagged ? 1 : 0;
    } else if (err[0]) {
        fprintf(stderr, "kioskctl centre fleet: %s\n", err);
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

static int cmd_report(const struct config *cfg, int argc, char **argv)
{
    struct opt o[] = {{"--from", 0, NULL}, {"--to", 0, NULL}, {"--by", 0, NULL},
                      {"--format", 0, NULL}, {"--output", 0, NULL}};
    const char *w[1];
    const char *by_s = NULL, *fmt = NULL;
    enum report_by by = REPORT_BY_HALL_MONTH;
    int ok = parse("report", argc, argv, 2, o, 5, w, 0) == 0 && o[0].value && o[1].value &&
             o[4].value;
    if (ok) {
        by_s = o[2].value ? o[2].value : "hall,month";
        fmt = o[3].value ? o[3].value : "csv";
        by = !strcmp(by_s, "hall")                                    ? REPORT_BY_HALL
             : !strcmp(by_s, "month")                                 ? REPORT_BY_MONTH
             : !strcmp(by_s, "hall,month") || !strcmp(by_s, "month,hall") ? REPORT_BY_HALL_MONTH
                                                                      : 0;
        ok = by != 0 && (!strcmp(fmt, "csv") || !strcmp(fmt, "xlsx"));
    }
    if (!ok) {
        fprintf(stderr, "usage: kioskctl centre report --from YYYY-MM-DD --to YYYY-MM-DD"
                        " [--by hall|month|hall,month] [--format csv|xlsx] --output FILE\n");
        return 2;
    }
    struct report *probe = report_new(o[0].value, o[1].value);
    if (!probe) {
        fprintf(stderr, "kioskctl centre report: the period is --from YYYY-MM-DD --to"
                        " YYYY-MM-DD, real days, --from not after --to\n");
        return 2;
    }
    report_free(probe);
    PGconn *c = connect_or_say(cfg, "report");
    if (!c)
        return 1;
    int rc = 1;
    char err[768] = "";
    struct report *r = NULL;
    if (schema_ready(c, "report") && report_build(c, o[0].value, o[1].value, &r, err, sizeof err) == 0) {
        int w_rc = !strcmp(fmt, "xlsx") ? report_write_xlsx(r, by, o[4].value, err, sizeof err)
                                        : report_write_csv(r, by, o[4].value, err, sizeof err);
        if (w_rc == 0) {
            printf("report %s to %s by %s written to %s (%s)\n", o[0].value, o[1].value, by_s,
                   o[4].value, fmt);
            rc = 0;
        }
    }
    if (rc && err[0])
        fprintf(stderr, "kioskctl centre report: %s\n", err);
    report_free(r);
    PQfinish(c);
    return rc;
}

static int cmd_gaps(const struct config *cfg, int argc, char **argv)
{
    return list_rows(cfg, "gaps", argc, argv,
                     "SELECT kiosk_id, first_missing, last_missing, last_missing - first_missing + 1"
                     " FROM kiosk_sequence_gaps WHERE $1::text IS NULL OR kiosk_id = $1"
                     " ORDER BY kiosk_id, first_missing",
                     "kiosk\tfirst\tlast\tmissing");
}

static int cmd_conflicts(const struct config *cfg, int argc, char **argv)
{
    return list_rows(cfg, "conflicts", argc, argv,
                     "SELECT c.kiosk_id, c.record_uuid, c.kind, c.source,"
                     " to_char(c.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
                     " r.source"
                     " FROM kiosk_conflicts c LEFT JOIN kiosk_records r"
                     " ON r.kiosk_id = c.kiosk_id AND r.record_uuid = c.record_uuid"
                     " WHERE $1::text IS NULL OR c.kiosk_id = $1 ORDER BY c.received_at",
                     "kiosk\trecord\tkind\tcame by\tat\tstored one came by");
}

int centre_cmd_ingest(const struct config *cfg, int argc, char **argv)
{
    struct opt o[] = {{"--conninfo", 0, NULL}};
    const char *w[1];
    if (parse("ingest", argc, argv, 1, o, 1, w, 1) != 1) {
        fprintf(stderr, "usage: kioskctl ingest BUNDLE [--conninfo CONNINFO]\n");
        return 2;
    }
    struct ingest_opts io = {o[0].value ? o[0].value : cfg->centre_conninfo,
                             cfg->centre_secret_key_file};
    printf("verifying %s\n", w[0]);
    fflush(stdout);
    struct ingest_result res;
    char err[768];
    if (ingest_bundle(w[0], &io, &res, err, sizeof err) < 0) {
        fprintf(stderr, "ingest: %s\n", err);
        return 1;
    }
    printf("bundle %s (kiosk %s, signed with key %s): %ld records, %ld new, %ld already"
           " present; %ld events, %ld new\n",
           res.bundle, res.kiosk_id, res.key_id, res.records, res.inserted, res.already,
           res.events, res.events_inserted);
    if (res.conflicts > 0)
        printf("%ld record%s conflict%s with what the centre holds under the same UUID (see"
               " centre conflicts)\n", res.conflicts, res.conflicts == 1 ? "" : "s",
               res.conflicts == 1 ? "s" : "");
    if (res.refused > 0)
        printf("%ld record%s refused (kiosk_refusals), the first because %s; the kiosk"
               " quarantines %s at its next upload\n", res.refused, res.refused == 1 ? "" : "s",
               res.first_refusal, res.refused == 1 ? "it" : "them");
    return 0;
}

struct publish_args {
    const char *kind, *path, *hall;
};

static int do_publish(PGconn *c, const void *arg, char *msg, size_t size)
{
    const struct publish_args *p = arg;
    return publish_file(c, p->kind, p->path, p->hall, msg, size);
}

static int cmd_publish(const struct config *cfg, int argc, char **argv)
{
    struct opt o[] = {{"--hall", 0, NULL}};
    const char *w[2];
    if (parse("publish", argc, argv, 2, o, 1, w, 2) != 2 || !publish_kind_ok(w[0])) {
        fprintf(stderr, "usage: kioskctl centre publish jobs|trainings|activities|materials|"
                        "places|services PATH [--hall H]\n");
        return 2;
    }
    struct publish_args p = {w[0], w[1], o[0].value};
    return run_registry(cfg, "publish", do_publish, &p);
}

static int do_set(PGconn *c, const void *arg, char *msg, size_t size)
{
    const char *const *kv = arg;
    return publish_setting(c, kv[0], kv[1], msg, size);
}

static int cmd_set(const struct config *cfg, int argc, char **argv)
{
    const char *w[2];
    /* A pattern may begin with a dash: everything after the key is the value. */
    if (argc != 4 || !publish_setting_ok(argv[2])) {
        fprintf(stderr, "usage: kioskctl centre set certificate_pattern REGEX"
                        "   (\"\" withdraws it)\n");
        return 2;
    }
    w[0] = argv[2];
    w[1] = argv[3];
    return run_registry(cfg, "set", do_set, w);
}

static int cmd_content_export(const struct config *cfg, int argc, char **argv)
{
    const char *w[1];
    if (parse("content-export", argc, argv, 2, NULL, 0, w, 1) != 1) {
        fprintf(stderr, "usage: kioskctl centre content-export DIR\n");
        return 2;
    }
    PGconn *c = connect_or_say(cfg, "content-export");
    if (!c)
        return 1;
    int rc = 1;
    char msg[768], path[4200];
    if (schema_ready(c, "content-export")) {
        rc = content_export(c, cfg, w[0], path, sizeof path, msg, sizeof msg) == 0 ? 0 : 1;
        if (rc)
            fprintf(stderr, "kioskctl centre content-export: %s\n", msg);
        else
            printf("%s\n%s\n", msg, path);
    }
    PQfinish(c);
    return rc;
}

int centre_cmd(const struct config *cfg, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(const struct config *, int, char **);
    } cmds[] = {
        {"migrate", cmd_migrate},           {"add-hall", cmd_add_hall},
        {"add-kiosk", cmd_add_kiosk},       {"retire-kiosk", cmd_retire_kiosk},
        {"keygen", cmd_keygen},             {"verify", cmd_verify},
        {"gaps", cmd_gaps},                 {"conflicts", cmd_conflicts},
        {"publish", cmd_publish},           {"set", cmd_set},
        {"content-export", cmd_content_export},
        {"fleet", cmd_fleet},               {"report", cmd_report},
    };
    if (argc >= 2)
        for (size_t i = 0; i < ARRAY_LEN(cmds); i++)
            if (strcmp(argv[1], cmds[i].name) == 0)
                return cmds[i].fn(cfg, argc, argv);
    if (argc >= 2)
        fprintf(stderr, "kioskctl centre: unknown command \"%s\"\n", argv[1]);
    fprintf(stderr, "usage: kioskctl centre COMMAND [ARGS]\n");
    centre_cmd_usage(stderr);
    return 2;
}
