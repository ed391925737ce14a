/* centre_cmd — `kioskctl centre …`, the commands run at the district centre against the
 * central database ([centre] conninfo).  kioskctl's dispatcher hands over argv from
 * "centre" on; each subcommand prints what it did on stdout, a problem as one sentence
 * on stderr, and returns the exit status: 0 done, 1 the work failed (or, for fleet, a
 * kiosk is flagged), 2 bad arguments.
 *
 * Owns: one connection per command.  Never does: touch a kiosk's database. */
#ifndef KIOSK_CENTRE_CMD_H
#define KIOSK_CENTRE_CMD_H

#include <stdio.h>

struct config;

int centre_cmd(const struct config *cfg, int argc, char **argv);
/* `kioskctl ingest BUNDLE [--conninfo CONNINFO]`: verifies and loads a kiosk's bundle at
 * the centre ([centre] conninfo, or the PG* environment; [centre] secret_key_file opens
 * the sealed fields).  argv from "ingest" on. */
int centre_cmd_ingest(const struct config *cfg, int argc, char **argv);
/* The subcommands' usage lines, for kioskctl's usage. */
void centre_cmd_usage(FILE *f);

#endif
