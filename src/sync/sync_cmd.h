/* sync_cmd — the day's-end commands of kioskctl: `export DIR`, `upload` and
 * `ingest BUNDLE`.  Each takes argv as the dispatcher received it from the command
 * onwards (argv[0] is the command name), prints progress and a summary on stdout and
 * any error as one line on stderr, and returns the exit status:
 *     0 done (also "nothing new"), 1 the work failed, 2 bad arguments.
 *
 * Owns: nothing.  The store and config belong to the caller (kioskctl), which opens the
 * store read-write for export and upload; ingest runs at the centre and needs neither
 * a store (st may be NULL) nor more of the config than its [centre] keys.
 * Never does: open the store or parse the config itself. */
#ifndef KIOSK_SYNC_CMD_H
#define KIOSK_SYNC_CMD_H

struct store;
struct config;

/* export DIR — writes a bundle into DIR (e.g. a USB drive's mount point). */
int sync_cmd_export(struct store *st, const struct config *cfg, int argc, char **argv);
/* upload [--conninfo CONNINFO] — sends the pending records to the central database. */
int sync_cmd_upload(struct store *st, const struct config *cfg, int argc, char **argv);
/* ingest BUNDLE [--conninfo CONNINFO] — verifies and loads a bundle at the centre.
 * Without --conninfo: [centre] conninfo, and when that is empty the PG* environment. */
int sync_cmd_ingest(struct store *st, const struct config *cfg, int argc, char **argv);

#endif
