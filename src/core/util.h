/* util — small helpers every layer uses: bounded string copy, UTF-8 decoding,
 * a growable string buffer, JSON string escaping and UUIDs.
 *
 * Nothing here allocates behind the caller's back except strbuf, whose buffer the
 * caller frees with strbuf_free().  No global state. */
#ifndef KIOSK_UTIL_H
#define KIOSK_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Copies at most size-1 bytes of src and NUL-terminates.  Never cuts a UTF-8
 * sequence in half.  Returns strlen(src) so truncation can be detected. */
size_t util_strlcpy(char *dst, const char *src, size_t size);

/* Decodes the code point at *s and advances *s past it.  Invalid bytes decode as
 * U+FFFD and advance by one byte.  Returns 0 at the terminating NUL (not advanced). */
uint32_t utf8_next(const char **s);
/* Encodes cp into out (at least 4 bytes); returns the number of bytes written. */
int utf8_encode(uint32_t cp, char *out);
/* 1 when the n bytes at s are well-formed UTF-8 without overlong forms, surrogates or
 * NUL bytes.  Reads only those n bytes: s need not be NUL-terminated. */
int utf8_valid(const char *s, size_t n);
/* Number of code points in s. */
size_t utf8_count(const char *s);
/* Byte offset of the start of the code point before offset `at` (0 if none). */
size_t utf8_prev(const char *s, size_t at);
/* Appends whole characters of text to the NUL-terminated buf (size bytes) while buf
 * holds fewer than max_chars characters and the next one fits.  Returns how many
 * characters were appended.  What typing into a field does. */
size_t utf8_append(char *buf, size_t size, size_t max_chars, const char *text);
/* Removes buf's last character, wiping its bytes (typed text may be personal). */
void utf8_wipe_last(char *buf);

/* A growable NUL-terminated string.  Zero-initialise, append, free once. */
struct strbuf {
    char *buf;
    size_t len, cap;
};
void strbuf_add(struct strbuf *sb, const char *s);
void strbuf_addn(struct strbuf *sb, const char *s, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
void strbuf_reset(struct strbuf *sb);
/* Overwrites the buffer with zeros before freeing it (it may hold personal data). */
void strbuf_free(struct strbuf *sb);
/* Hands the buffer to the caller (never NULL); the strbuf is empty afterwards. */
char *strbuf_detach(struct strbuf *sb);

/* Formats a one-sentence error into err (which may be NULL). */
void util_seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes a random version-4 UUID (36 chars + NUL) from the OS random source. */
void util_uuid4(char out[37]);

/* Zeroes memory in a way the compiler may not optimise away. */
void util_wipe(void *p, size_t n);

/* Formats unix milliseconds as UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" (25 bytes with NUL). */
void util_time_utc(int64_t ms, char out[32]);
/* Formats unix milliseconds in local time with a strftime pattern. */
void util_time_local(int64_t ms, const char *fmt, char *out, size_t size);
/* Parses "YYYY-MM-DD HH:MM" (or "YYYY-MM-DDTHH:MM[:SS]") as local time.
 * Returns 0 and sets *ms, or -1 if malformed or not a real date. */
int util_parse_local(const char *s, int64_t *ms);
/* Parses ISO 8601 with optional offset ("Z", "+08:00"); no offset means local time. */
int util_parse_iso(const char *s, int64_t *ms);
/* 1 when y-m-d is a real calendar date. */
int util_valid_date(int y, int m, int d);

/* Reads a whole file; returns a NUL-terminated malloc'd buffer or NULL (errno set). */
char *util_read_file(const char *path, size_t *len);
/* Reads the file `name` in the directory dfd (AT_FDCWD: name is a path) whole, for files
 * that may be hostile (a USB drive's): never following a link, only a regular file, at
 * most max bytes, refused when it grows while it is read or holds a NUL byte.  Returns
 * the malloc'd NUL-terminated text (its length in *len, may be NULL), or NULL with a
 * sentence naming `name` in why. */
char *util_read_plain_at(int dfd, const char *name, long max, size_t *len, char *why,
                         size_t whylen);
/* Creates path holding exactly data (len bytes), mode 0600, so that it never exists
 * half-written: a private temporary file beside it (O_EXCL), fsync'd, linked into place
 * (never over an existing file: -1 with errno EEXIST then), the directory fsync'd.
 * For key files.  Returns 0 or -1 with errno. */
int util_create_private(const char *path, const void *data, size_t len);
/* Reads a file that came from staff or a USB drive, bounded and hostile-proof: a regular
 * file only (a FIFO would hang the read, /dev/zero never end, a folder or a device is no
 * content), at most max bytes, and a symbolic link only when what it points to stays
 * inside the folder `within` (NULL: the file's own folder).  Opened with O_NOFOLLOW and
 * O_NONBLOCK.  Returns the NUL-terminated content (caller frees) and its length in *len
 * (may be NULL), or NULL with a sentence (without the path) in err. */
char *util_read_limited(const char *path, const char *within, size_t max, size_t *len,
                        char *err, size_t errlen);
/* "4 MB", "512 KB", "300 bytes": a size limit as people read it.  out: 32 bytes. */
void util_size_words(size_t n, char out[32]);

/* mkdir -p; returns 0 or -1 with errno. */
int util_mkdirs(const char *path, int mode);

#endif
