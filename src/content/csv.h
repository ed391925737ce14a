/* csv — reads CSV the way spreadsheets write it (RFC 4180): quoted fields holding
 * commas, doubled quotes and line breaks; CRLF, LF or lone CR line ends; a last line
 * with or without a line end; blank lines skipped.
 *
 * Input text is decoded once at open: a UTF-8 byte-order mark is dropped, valid UTF-8
 * is taken as it is, anything else is converted from GB18030 (what a spreadsheet
 * saves in China) with iconv(3).  The reader remembers the physical line on which each
 * record starts, so callers can point staff at the right spreadsheet row.
 *
 * Owns: the decoded text and the current row's fields.  Never does: interpret
 * columns, touch the database, print anything. */
#ifndef KIOSK_CSV_H
#define KIOSK_CSV_H

#include <stddef.h>

struct csv;

/* One record.  fields[i] are NUL-terminated UTF-8 strings owned by the reader and
 * valid until the next csv_next_row() or csv_close(); quoted line breaks arrive as
 * "\n" whatever the file used.  line is the physical line (1-based) the record
 * starts on. */
struct csv_row {
    char **fields;
    size_t n;
    int line;
};

/* Decodes bytes to UTF-8 text as described above.  On success returns 0 and sets
 * *out to a malloc'd NUL-terminated string (caller frees) with *outlen bytes; it
 * never contains a NUL byte.  On failure returns -1, sets *bad_line to the line of
 * the first byte that could not be read and writes a sentence (without the line)
 * into err. */
int csv_decode(const char *data, size_t len, char **out, size_t *outlen, int *bad_line,
               char *err, size_t errlen);

/* Opens a reader over a copy of data (decoded with csv_decode).  Returns 0 and sets
 * *out, or -1 with *err_line and a sentence in err.  csv_close() frees the reader. */
int csv_open_buffer(const char *data, size_t len, struct csv **out, int *err_line,
                    char *err, size_t errlen);
/* The largest CSV file read: a spreadsheet of content is a few hundred KB. */
#define CSV_FILE_MAX (8 * 1024 * 1024)

/* Same, reading the whole file at path (util_read_limited: a regular file of at most
 * CSV_FILE_MAX bytes, a link only within its folder).  An unreadable file gives err_line
 * 0. */
int csv_open_file(const char *path, struct csv **out, int *err_line, char *err,
                  size_t errlen);

/* Reads the next record into *row.  Returns 1 for a record, 0 at the end, -1 on a
 * malformed record (csv_error() and csv_error_line() say what and where; the
 * reader stays at the end afterwards). */
int csv_next_row(struct csv *c, struct csv_row *row);
/* The line the last record returned by csv_next_row() starts on (0 before any). */
int csv_line(const struct csv *c);
/* After csv_next_row() returned -1: a sentence without the line, and the line. */
const char *csv_error(const struct csv *c);
int csv_error_line(const struct csv *c);
void csv_close(struct csv *c);

#endif
