/* sync_helper — drives the day's-end collection code for tests/shell/test_upload.sh the
 * way kioskctl does (through sync_cmd_* and staffauth_cmd_*), plus the few things a test
 * needs that kioskctl does not offer: seeding records fast, counting pending ones,
 * forgetting upload marks (a lost acknowledgement), an upload on a worker thread while
 * records keep arriving, and a check of the retry back-off.
 *
 *   sync_helper seed DATADIR N [KIND]        add N records in one transaction
 *   sync_helper pending DATADIR              print the number not yet uploaded
 *   sync_helper unmark DATADIR               forget every upload mark
 *   sync_helper upload DATADIR CONNINFO BATCH
 *   sync_helper identity DATADIR             make the kiosk's key (once), print it
 *   sync_helper export DATADIR TARGET        sealed to $CENTRE_PUBLIC_KEY (default: demo)
 *   sync_helper ingest BUNDLE CONNINFO       opened with $CENTRE_SECRET_KEY_FILE
 *   sync_helper job-upload DATADIR CONNINFO BATCH EXTRA
 *                                            upload on a worker; meanwhile add EXTRA records
 *   sync_helper backoff                      check the back-off sequence
 *   sync_helper pull-cut DATADIR CONNINFO ROWS CUT
 *                                            pull ROWS a page; after page CUT the server
 *                                            ends the connection (a cut network)
 * The kiosk id is $KIOSK_ID (default LD01). */
#include "centre/centre_cmd.h"
#include "core/config.h"
#include "core/identity.h"
#include "core/util.h"
#include "receipt/sign.h"
#include "store/store.h"
#include "sync/sync_cmd.h"
#include "sync/pull.h"
#include "sync/syncjob.h"
#include "sync/upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *kiosk_id(void)
{
    const char *k = getenv("KIOSK_ID");
    return k && *k ? k : "LD01";
}

static struct store *open_store(const char *dir)
{
    struct store *st;
    char err[512];
    if (store_open(dir, kiosk_id(), &st, err, sizeof err) != 0) {
        fprintf(stderr, "sync_helper: %s\n", err);
        exit(3);
    }
    return st;
}

static int seed(struct store *st, long n, const char *kind, long base)
{
    if (store_begin(st) < 0)
        return 1;
    int64_t t = now_ms();
    for (long i = 0; i < n; i++) {
        char fields[160], uuid[37];
        snprintf(fields, sizeof fields,
                 "{\"n\":%ld,\"name\":\"测试 %ld\",\"note\":\"quote \\\" and \\\\ ok\"}",
                 base + i, base + i);
        if (store_record_add(st, kind, fields, t + i, uuid) < 0) {
            store_rollback(st);
            return 1;
        }
    }
    return store_commit(st) < 0;
}

static long count_pending(struct store *st)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM records WHERE uploaded_at IS NULL");
    long n = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void make_config(struct config *c, const char *dir, const char *conninfo, const char *batch)
{
    config_defaults(c);
    util_strlcpy(c->kiosk_id, kiosk_id(), sizeof c->kiosk_id);
    util_strlcpy(c->data_dir, dir, sizeof c->data_dir);
    util_strlcpy(c->upload_conninfo, conninfo, sizeof c->upload_conninfo);
    c->upload_batch = atoi(batch);
    c->upload_connect_timeout_s = 5;
    const char *pk = getenv("CENTRE_PUBLIC_KEY");
    util_strlcpy(c->centre_public_key, pk && *pk ? pk : IDENTITY_DEMO_CENTRE_KEY,
                 sizeof c->centre_public_key);
}

static int job_upload(const char *dir, const char *conninfo, const char *batch, long extra)
{
    struct config cfg;
    make_config(&cfg, dir, conninfo, batch);
    struct syncjob *job;
    char err[512];
    if (syncjob_start_upload(&cfg, NULL, NULL, &job, err, sizeof err) < 0) {
        fprintf(stderr, "job: %s\n", err);
        return 1;
    }
    /* The "UI" keeps writing through its own connection while the worker uploads. */
    struct store *st = open_store(dir);
    char uuid[37];
    for (long i = 0; i < extra; i++)
        if (store_record_add(st, "checkin", "{\"during\":true}", now_ms(), uuid) < 0) {
            fprintf(stderr, "job: a record could not be added during the upload\n");
            syncjob_destroy(job);
            store_close(st);
            return 1;
        }
    struct syncjob_state s;
    do {
        usleep(20000);
        syncjob_poll(job, &s);
    } while (!s.finished);
    syncjob_destroy(job);
    store_close(st);
    printf("job: rc=%d sent=%ld pending_at_start=%ld progress=%d/%d%s%s\n", s.rc,
           s.upload_res.sent, s.upload_res.pending, s.done, s.total, s.rc ? " err=" : "",
           s.rc ? s.err : "");
    return s.rc ? 1 : 0;
}

static int check_backoff(void)
{
    struct upload_backoff b = {0};
    int64_t t = 1000000;
    int bad = 0;
    if (!upload_backoff_due(&b, t))
        bad = 1;
    const int64_t want[] = {30, 60, 120, 240, 480, 960, 1800, 1800};
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        int64_t next = upload_backoff_failure(&b, t);
        if (next - t != want[i] * 1000) {
            fprintf(stderr, "backoff: failure %zu waits %lld s, want %lld\n", i + 1,
                    (long long)(next - t) / 1000, (long long)want[i]);
            bad = 1;
        }
        if (upload_backoff_due(&b, next - 1) || !upload_backoff_due(&b, next))
            bad = 1;
        t = next;
    }
    upload_backoff_success(&b, t, 600);
    if (b.failures != 0 || b.next_ms != t + 600000 || upload_backoff_due(&b, t + 599999))
        bad = 1;
    if (upload_backoff_failure(&b, t) != t + 30000) /* a success starts over at 30 s */
        bad = 1;
    printf("backoff %s\n", bad ? "WRONG" : "ok");
    return bad;
}

struct cut {
    int after;
};

/* After page `after`, the session ends itself, as a dropped network would end it. */
static void cut_here(void *ctx, PGconn *c, int page)
{
    struct cut *k = ctx;
    if (page == k->after)
        PQclear(PQexec(c, "SELECT pg_terminate_backend(pg_backend_pid())"));
}

static int pull_cut(const char *dir, const char *conninfo, int rows, int after)
{
    struct config cfg;
    make_config(&cfg, dir, conninfo, "500");
    struct store *st = open_store(dir);
    struct cut k = {after};
    struct pull_opts o = {.page_rows = rows, .after_page = cut_here, .ctx = &k};
    struct pull_result res;
    char err[512];
    int rc = pull_content(st, &cfg, &o, now_ms(), &res, err, sizeof err);
    store_close(st);
    printf("pull: rc=%d status=%d pages=%d rows=%ld changed=%ld withdrawn=%ld counter=%lld%s%s\n",
           rc, (int)res.status, res.pages, res.rows, res.changed, res.withdrawn,
           (long long)res.counter, rc ? " err=" : "", rc ? err : "");
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *cmd = argv[1];
    if (strcmp(cmd, "backoff") == 0)
        return check_backoff();
    if (argc < 3)
        return 2;
    if (strcmp(cmd, "seed") == 0 && argc >= 4) {
        struct store *st = open_store(argv[2]);
        long have = store_count(st, "records");
        int rc = seed(st, atol(argv[3]), argc > 4 ? argv[4] : "checkin", have);
        store_close(st);
        return rc;
    }
    if (strcmp(cmd, "pending") == 0) {
        struct store *st = open_store(argv[2]);
        printf("%ld\n", count_pending(st));
        store_close(st);
        return 0;
    }
    if (strcmp(cmd, "unmark") == 0) {
        struct store *st = open_store(argv[2]);
        int rc = store_exec(st, "UPDATE records SET uploaded_at = NULL") < 0;
        store_close(st);
        return rc;
    }
    if (strcmp(cmd, "upload") == 0 && argc == 5) {
        struct config cfg;
        make_config(&cfg, argv[2], argv[3], argv[4]);
        struct store *st = open_store(argv[2]);
        char *av[] = {"upload", NULL};
        int rc = sync_cmd_upload(st, &cfg, 1, av);
        store_close(st);
        return rc;
    }
    if (strcmp(cmd, "export") == 0 && argc == 4) {
        struct config cfg;
        make_config(&cfg, argv[2], "", "500");
        struct store *st = open_store(argv[2]);
        char *av[] = {"export", argv[3], NULL};
        int rc = sync_cmd_export(st, &cfg, 2, av);
        store_close(st);
        return rc;
    }
    if (strcmp(cmd, "identity") == 0) {
        struct store *st = open_store(argv[2]);
        struct identity *id = NULL;
        enum sign_identity_state state;
        char err[512];
        int rc = sign_identity_open(argv[2], st, 1, &id, &state, err, sizeof err);
        if (rc == 0)
            printf("%s\n", identity_public(id)->text);
        else
            fprintf(stderr, "sync_helper: %s\n", err);
        identity_free(id);
        store_close(st);
        return rc ? 1 : 0;
    }
    if (strcmp(cmd, "ingest") == 0 && argc == 4) {
        struct config cfg;
        config_defaults(&cfg);
        const char *sk = getenv("CENTRE_SECRET_KEY_FILE");
        util_strlcpy(cfg.centre_secret_key_file, sk ? sk : "", sizeof cfg.centre_secret_key_file);
        char *av[] = {"ingest", argv[2], "--conninfo", argv[3], NULL};
        return centre_cmd_ingest(&cfg, 4, av);
    }
    if (strcmp(cmd, "pull-cut") == 0 && argc == 6)
        return pull_cut(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
    if (strcmp(cmd, "job-upload") == 0 && argc == 6)
        return job_upload(argv[2], argv[3], argv[4], atol(argv[5]));
    fprintf(stderr, "sync_helper: unknown command or arguments\n");
    return 2;
}
