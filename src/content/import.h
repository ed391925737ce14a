/* import — loads the content staff prepare (job postings, training schedules,
 * activities, the hall network (places) and the service guide (services) as CSV; study
 * materials as a folder of Markdown files) into the store's content tables.
 *
 * A file is all or nothing: every row is validated into a staging table, and the first
 * bad row refuses the whole file, reported as one sentence "PATH:LINE: what is wrong",
 * LINE being the physical line the record starts on, as a text editor counts them.  A
 * file that passes replaces its kind's content in one short transaction: rows it no
 * longer has are removed (except those the centre published, which the centre
 * withdraws), so the write lock is held for the swap only, never while the file is read.
 *
 * Files are read hostile-proof (util_read_limited): regular files only, no link out of
 * their folder, at most CSV_FILE_MAX (8 MB) a CSV file, IMPORT_MD_MAX (1 MB) a Markdown
 * file, IMPORT_IMAGE_MAX (4 MB) and IMPORT_IMAGE_PX_MAX x IMPORT_IMAGE_PX_MAX pixels an
 * image.  Numbers have plausible maximums; bidirectional control characters are refused.
 *
 * Owns nothing beyond a call.  Never does: print, log to the event table, or touch
 * records. */
#ifndef KIOSK_IMPORT_H
#define KIOSK_IMPORT_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* Longest text field accepted, in bytes after trimming. */
#define IMPORT_TEXT_MAX 4000
/* Longest id accepted, in bytes. */
#define IMPORT_ID_MAX 64
/* Longest Markdown body accepted, in bytes. */
#define IMPORT_BODY_MAX (256 * 1024)
/* Largest image file a material may carry, in bytes. */
#define IMPORT_IMAGE_MAX (4 * 1024 * 1024)
/* Largest Markdown file, in bytes (a CSV file: CSV_FILE_MAX, 8 MB). */
#define IMPORT_MD_MAX (1024 * 1024)
/* An image may be at most this many pixels wide and high when imported, and is stored
 * shrunk to at most IMPORT_IMAGE_SIDE on its longer side (what the reader's column
 * shows), so that opening an article costs a few MB, not what the camera made. */
#define IMPORT_IMAGE_PX_MAX 4096
#define IMPORT_IMAGE_SIDE 960
/* At most this many images in one material. */
#define IMPORT_IMAGES_MAX 8
/* Plausible numbers: a monthly salary in yuan, a head count or a session's places. */
#define IMPORT_SALARY_MAX 1000000
#define IMPORT_COUNT_MAX 100000

/* 1 when s holds a bidirectional control character (U+202A-U+202E, U+2066-U+2069),
 * refused in every text of every content file: it makes a title show in another order
 * than it reads. */
int import_has_bidi_control(const char *s);

/* Imports one content file.  what is "jobs", "trainings", "activities", "places" or
 * "services" (path a CSV file) or "materials" (path a folder of *.md files with their images).
 * Returns the number of rows applied (materials: files), or -1 with a sentence in err
 * and nothing of the file applied.  Runs its own transaction, so the caller must not
 * have one open. */
int import_file(struct store *st, const char *what, const char *path, char *err,
                size_t errlen);

/* Writes the one-line summary of a successful import_file(), e.g. "jobs: 45 imported". */
void import_summary(const char *what, int count, char *out, size_t size);

/* The whole number of days (a multiple of 7) the demo content is moved by so that its
 * anchor week, the week starting Monday 2026-11-30, becomes the local week holding
 * now_ms.  Negative when now is before the anchor week. */
int import_demo_shift_days(int64_t now_ms);

/* Seeds the demo content from demo_dir: places.csv, jobs.csv, trainings.csv,
 * activities.csv, services.csv and the materials/ folder, all in one transaction, with the dates of
 * jobs (posted, expires), trainings and activities (starts_at, ends_at) moved by
 * import_demo_shift_days(now_ms).  Returns the number of rows applied, or -1 with a
 * sentence in err and nothing applied.  Runs inside the caller's transaction when one is
 * open (then -1 means the caller must roll back), else in its own. */
int import_demo(struct store *st, const char *demo_dir, int64_t now_ms, char *err,
                size_t errlen);

#endif
