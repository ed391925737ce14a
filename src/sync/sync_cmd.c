/* sync_cmd — see sync_cmd.h.  Thin: argument checking and printing around export_ and
 * upload_, which do the work and return the sentences printed here. */
#include "sync/sync_cmd.h"

#include "core/conninfo.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "sync/content_bundle.h"
#include "sync/export.h"
#include "sync/pull.h"
#include "sync/upload.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* On a terminal one line is rewritten; in a log each report is its own line. */
struct progress_line {
    const char *verb;
    int tty, shown;
};

static void print_progress(void *ctx, int done, int total)
{
    struct progress_line *p = ctx;
    if (p->tty)
        printf("\r%s %d/%d", p->verb, done, total);
    else
        printf("%s %d/%d\n", p->verb, done, total);
    fflush(stdout);
    p->shown = 1;
}

static void end_progress(struct progress_line *p)
{
    if (p->tty && p->shown)
        putchar('\n');
    p->shown = 0;
}

/* Takes "--conninfo X" out of argv; the remaining words go to words[].  Returns the
 * number of words, or -1 on an unknown option or a missing value. */
static int split_args(int argc, char **argv, const char **conninfo, const char **words,
                      int max)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--conninfo") == 0) {
            if (i + 1 >= argc)
                return -1;
            *conninfo = argv[++i];
        } else if (strncmp(argv[i], "--conninfo=", 11) == 0) {
            *conninfo = argv[i] + 11;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return -1;
        } else {
            if (n == max)
                return -1;
            words[n++] = argv[i];
        }
    }
    return n;
}

int sync_cmd_export(struct store *st, const struct config *cfg, int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        char drives[8][512];
        int n = export_list_drives(drives, 8);
        fprintf(stderr, "usage: kioskctl export DIR");
        for (int i = 0; i < n; i++)
            fprintf(stderr, "%s%s", i ? ", " : "   (drives found: ", drives[i]);
        fprintf(stderr, "%s\n", n ? ")" : "");
        return 2;
    }
    struct progress_line pl = {.verb = "exporting", .tty = isatty(STDOUT_FILENO)};
    struct export_result res;
    struct export_keys keys;
    char err[512];
    int rc = -1;
    if (export_keys_load(cfg, st, &keys, err, sizeof err) == 0)
        rc = export_bundle(st, &keys, argv[1], wall_ms(), &res, print_progress, &pl, err,
                           sizeof err);
    export_keys_clear(&keys);
    end_progress(&pl);
    if (rc < 0) {
        fprintf(stderr, "export: %s\n", err);
        return 1;
    }
    if (res.records == 0) {
        printf("nothing new to export\n");
        return 0;
    }
    printf("bundle %s written: %d records, %d events\n%s\n", res.bundle, res.records,
           res.events, res.path);
    return 0;
}

/* A --conninfo given on the command line obeys the same transport rule as the config's
 * [upload] conninfo (config.c): nothing personal leaves for a remote host in the clear. */
static int conninfo_arg_ok(const char *cmd, const char *conninfo)
{
    char why[512];
    if (conninfo && conninfo_check_transport(conninfo, why, sizeof why) < 0) {
        fprintf(stderr, "kioskctl %s: --conninfo %s\n", cmd, why);
        return 0;
    }
    return 1;
}

/* The upload of `upload` and `sync`: prints what was sent.  0, or 1 with the error
 * printed. */
static int upload_and_say(struct store *st, const struct config *cfg, const char *conninfo)
{
    struct config *c = malloc(sizeof *c);
    if (!c)
        abort();
    *c = *cfg;
    if (conninfo)
        util_strlcpy(c->upload_conninfo, conninfo, sizeof c->upload_conninfo);
    struct progress_line pl = {.verb = "uploaded", .tty = isatty(STDOUT_FILENO)};
    struct upload_result res;
    char err[768];
    int rc = upload_pending(st, c, print_progress, &pl, &res, err, sizeof err);
    end_progress(&pl);
    util_wipe(c->upload_conninfo, sizeof c->upload_conninfo); /* may hold a password */
    free(c);
    if (res.sent > 0 || res.quarantined > 0 || rc == 0) {
        if (res.pending == 0 && res.quarantined == 0)
            printf("nothing to upload\n");
        else
            printf("uploaded %ld of %ld records in %d batch%s: %ld new, %ld already at the"
                   " centre; %ld still pending\n",
                   res.sent, res.pending, res.batches, res.batches == 1 ? "" : "es",
                   res.inserted, res.duplicates, res.remaining);
        if (res.conflicts > 0)
            printf("%ld record%s conflict%s with what the centre holds under the same UUID"
                   " (kept apart at the centre, in kiosk_conflicts)\n", res.conflicts,
                   res.conflicts == 1 ? "" : "s", res.conflicts == 1 ? "s" : "");
        if (res.quarantined > 0)
            printf("%ld record%s refused by the centre and quarantined (kioskctl check lists"
                   " them)\n", res.quarantined, res.quarantined == 1 ? "" : "s");
    }
    if (res.wiped > 0)
        printf("personal fields of %ld delivered record%s older than %d days wiped\n",
               res.wiped, res.wiped == 1 ? "" : "s", cfg->privacy_retention_days);
    if (res.reported)
        printf("status reported to the centre; this kiosk's clock is %lld s %s the centre's\n",
               (long long)(res.clock_skew_s < 0 ? -res.clock_skew_s : res.clock_skew_s),
               res.clock_skew_s < 0 ? "behind" : "ahead of");
    if (rc < 0) {
        fprintf(stderr, "upload: %s\n", err);
        return 1;
    }
    return 0;
}

int sync_cmd_upload(struct store *st, const struct config *cfg, int argc, char **argv)
{
    const char *conninfo = NULL, *words[1];
    if (split_args(argc, argv, &conninfo, words, 0) != 0) {
        fprintf(stderr, "usage: kioskctl upload [--conninfo CONNINFO]\n");
        return 2;
    }
    if (!conninfo_arg_ok("upload", conninfo))
        return 2;
    return upload_and_say(st, cfg, conninfo);
}

int sync_cmd_sync(struct store *st, const struct config *cfg, int argc, char **argv)
{
    const char *conninfo = NULL, *words[1];
    if (split_args(argc, argv, &conninfo, words, 0) != 0) {
        fprintf(stderr, "usage: kioskctl sync [--conninfo CONNINFO]\n");
        return 2;
    }
    if (!conninfo_arg_ok("sync", conninfo))
        return 2;
    /* The queue first, then what changed at the centre (pretix's order): the centre's
     * counts then already hold this kiosk's sign-ups.  A pull is worth trying even when
     * a batch was refused; not when the centre cannot be reached at all. */
    int up = upload_and_say(st, cfg, conninfo);
    struct config *c = malloc(sizeof *c);
    if (!c)
        abort();
    *c = *cfg;
    if (conninfo)
        util_strlcpy(c->upload_conninfo, conninfo, sizeof c->upload_conninfo);
    struct pull_result res;
    char err[768];
    int rc = pull_content(st, c, NULL, wall_ms(), &res, err, sizeof err);
    util_wipe(c->upload_conninfo, sizeof c->upload_conninfo);
    free(c);
    if (rc < 0) {
        fprintf(stderr, "sync: %s: %s\n", pull_status_text(res.status, 0), err);
        return 1;
    }
    printf("content: counter %lld, %ld changed, %ld withdrawn", (long long)res.counter,
           res.changed, res.withdrawn);
    if (res.skipped)
        printf(", %ld skipped (see the event log)", res.skipped);
    if (res.full)
        printf("; full update for hall %s, %ld local rows removed", res.hall_id, res.removed);
    printf("\n");
    return up;
}

int sync_cmd_content_import(struct store *st, const struct config *cfg, int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: kioskctl content-import BUNDLE   (a content-… folder, or a drive"
                        " holding one: the newest is taken)\n");
        return 2;
    }
    char path[4200];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", argv[1], CONTENT_BUNDLE_MANIFEST);
    if (lstat(path, &sb) == 0 || !content_bundle_find(argv[1], path, sizeof path))
        util_strlcpy(path, argv[1], sizeof path);
    struct content_import_result res;
    char err[768];
    if (content_import(st, cfg, path, wall_ms(), &res, err, sizeof err) < 0) {
        fprintf(stderr, "content-import: %s: %s; nothing was changed\n", path, err);
        return 1;
    }
    if (res.status == CONTENT_IMPORT_NOT_NEWER) {
        printf("%s (counter %lld) is not newer than the content on this kiosk (counter %lld):"
               " nothing changed\n", path, (long long)res.counter, (long long)res.had);
        return 0;
    }
    printf("%s applied for %s: counter %lld, %ld rows, %ld changed, %ld withdrawn, %ld local"
           " rows removed\n", path, res.hall_id[0] ? res.hall_id : "the district (no hall_id)",
           (long long)res.counter, res.rows, res.changed, res.withdrawn, res.removed);
    return 0;
}
