/* space — free space on the disk that holds the data directory, and the reserve kept for
 * staff.  A kiosk that fills its disk stops writing in the middle of an errand; worse, its
 * staff could not log in (the PIN check writes) nor collect the day (export marks records
 * collected).  So the kiosk takes no new record below [store] min_free_mb, leaving room
 * for staff's writes, and keeps DATA_DIR/space.reserve, a preallocated file released when
 * the PIN keypad opens on a full disk: room even when something else took the rest.
 *
 * Operations cost one statvfs(2) (a few µs).  Owns nothing.  Never does: delete anything
 * but its own reserve file. */
#ifndef KIOSK_SPACE_H
#define KIOSK_SPACE_H

#include <stdint.h>

#define SPACE_RESERVE_NAME "space.reserve"

/* Bytes free for the kiosk on dir's file system (what an unprivileged writer may use),
 * or -1 when it cannot be told (errno). */
int64_t space_free(const char *dir);

/* Makes dir's reserve file bytes long, preallocated, when it is missing (or shorter) and
 * the space left afterwards stays at or above keep_free.  Returns 1 when the reserve is
 * in place, 0 when there is no room for it now, -1 on an error (errno). */
int space_reserve_keep(const char *dir, int64_t bytes, int64_t keep_free);

/* Deletes dir's reserve file; returns the bytes it held (0 when there was none). */
int64_t space_reserve_release(const char *dir);

#endif
