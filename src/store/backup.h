/* backup — verified copies of the kiosk's database, and putting one back.
 *
 * A backup is taken while the kiosk runs: SQLite's online backup API copies one
 * consistent snapshot (every record committed before the copy began; the kiosk's writes
 * carry on meanwhile, WAL lets them) into a temporary file beside the target, the copy
 * becomes a self-contained rollback-journal database, passes integrity_check, is fsynced
 * and only then gets its name, kiosk-YYYYMMDDTHHMMSS.mmmZ.db (UTC, so names sort by
 * time); the oldest beyond `keep` are removed.  Cost: one read of the whole database.
 *
 * A restore checks the file first (a database, integrity ok, a kiosk's tables, a schema
 * this program knows), then takes the live database's exclusive lock, which fails while
 * the kiosk or any other program has it open, keeps the current content as
 * kiosk.db.before-restore-STAMP, and copies the file in through the same API, so the
 * database file (and its inode) stays and no half-copied state is ever visible.
 *
 * Never does: touch the kiosk's keys or anything but the database. */
#ifndef KIOSK_BACKUP_H
#define KIOSK_BACKUP_H

#include <stddef.h>
#include <stdint.h>

struct backup_result {
    char path[4096];     /* the backup made, or the database restored into */
    char kept[4096];     /* restore: where the replaced content went ("" if none) */
    int records;         /* rows of records in the copy */
    int removed;         /* backup: older copies removed */
};

/* Copies DATA_DIR/kiosk.db into DIR (made 0700 if missing) and prunes DIR to the newest
 * keep (>= 1) copies.  Returns 0, or -1 with a sentence in err (nothing left behind). */
int backup_make(const char *data_dir, const char *dir, int keep, int64_t now_ms,
                struct backup_result *res, char *err, size_t errlen);

/* Puts FILE back as DATA_DIR/kiosk.db (see above).  Returns 0, or -1 with a sentence in
 * err and the live database untouched. */
int backup_restore(const char *data_dir, const char *file, int64_t now_ms,
                   struct backup_result *res, char *err, size_t errlen);

#endif
