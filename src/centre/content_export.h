/* content_export — `kioskctl centre content-export DIR`: the content bundle for halls
 * without network (the format is sync/content_bundle.h's), signed with the centre's key
 * ([centre] secret_key_file).
 *
 * The bundle is written into a hidden folder beside its final name, every file fsync'd,
 * then renamed into place and the directory fsync'd: a drive pulled out halfway leaves no
 * folder a kiosk would take.  The rows are read in one REPEATABLE READ transaction, so the
 * manifest's counter is exactly the highest row in the bundle.
 *
 * Owns: nothing.  Never does: print (msg carries the sentence). */
#ifndef KIOSK_CENTRE_CONTENT_EXPORT_H
#define KIOSK_CENTRE_CONTENT_EXPORT_H

#include <stddef.h>

#include <libpq-fe.h>

struct config;

/* Writes the bundle into dir.  Returns 0 with "content bundle NAME written: …" in msg
 * (and the folder's path in path_out, may be NULL), or -1 with the reason. */
int content_export(PGconn *c, const struct config *cfg, const char *dir, char *path_out,
                   size_t path_size, char *msg, size_t size);

#endif
