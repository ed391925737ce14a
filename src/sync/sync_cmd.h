/* sync_cmd — the day's-end commands of kioskctl on the kiosk: `export DIR`, `upload` and `sync` (upload, then pull)
 * (`ingest BUNDLE` runs at the centre: centre/centre_cmd.h).  Each takes argv as the
 * dispatcher received it from the command onwards (argv[0] is the command name), prints
 * progress and a summary on stdout and any error as one line on stderr, and returns the
 * exit status:
 *     0 done (also "nothing new"), 1 the work failed, 2 bad arguments.
 *
 * Owns: nothing.  The store and config belong to the caller (kioskctl), which opens the
 * store read-write.
 * Never does: open the store or parse the config itself. */
#ifndef KIOSK_SYNC_CMD_H
#define KIOSK_SYNC_CMD_H

struct store;
struct config;

/* export DIR — writes a bundle into DIR (e.g. a USB drive's mount point). */
int sync_cmd_export(struct store *st, const struct config *cfg, int argc, char **argv);
/* upload [--conninfo CONNINFO] — sends the pending records to the central database. */
int sync_cmd_upload(struct store *st, const struct config *cfg, int argc, char **argv);
/* sync [--conninfo CONNINFO] — the upload, then the pull of what the centre published
 * (sync/pull.h). */
int sync_cmd_sync(struct store *st, const struct config *cfg, int argc, char **argv);
/* content-import BUNDLE — verifies a centre-signed content bundle and applies it
 * (sync/content_bundle.h); BUNDLE may be a drive holding bundles (the newest is taken). */
int sync_cmd_content_import(struct store *st, const struct config *cfg, int argc, char **argv);

#endif
