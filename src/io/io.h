/*
 * io.h — reading raw input: byte streams (plain, gzip, zstd), CSV records
 * (RFC 4180), JSON values (JSON Lines or concatenated / pretty-printed
 * documents), UTF-8 validation. Internal to the library.
 *
 * Every buffer fed by untrusted input has a hard maximum; input past it is
 * reported as a malformed record and reading goes on with what follows.
 * Nothing here prints, exits or aborts on bad input.
 */
#ifndef TM_IO_IO_H
#define TM_IO_IO_H
#include <stddef.h>
#include <stdint.h>

#include "core/common.h"

/* ------------------------------------------------------------ byte reader */

typedef struct tm_reader tm_reader;

/* Opens path for reading. Compression is detected from the first bytes (gzip
 * 1f 8b, zstd 28 b5 2f fd), not from the name; anything else is read as is.
 * "-" reads standard input. Returns TM_EIO with the path and strerror in err. */
int tm_reader_open(tm_reader **out, const char *path, tm_error *err);
/* Reads from a caller-owned buffer that must outlive the reader (tests, fuzzing).
 * Compression is detected the same way. */
int tm_reader_open_mem(tm_reader **out, const void *data, size_t len, tm_error *err);
/* Reads up to cap bytes into buf; *got = 0 at end of input. Returns TM_EIO on a
 * read error or corrupt compressed data (message names the path). */
int tm_reader_read(tm_reader *r, void *buf, size_t cap, size_t *got, tm_error *err);
/* Bytes consumed from the underlying file so far (compressed bytes for
 * compressed input): for progress. */
uint64_t tm_reader_offset(const tm_reader *r);
/* Total size of the underlying file, or 0 when unknown (stdin, pipes). */
uint64_t tm_reader_size(const tm_reader *r);
void tm_reader_close(tm_reader *r);

/* ------------------------------------------------------------------- CSV */

#define TM_CSV_MAX_RECORD (1u << 20) /* bytes in one record, quotes included */
#define TM_CSV_MAX_FIELDS 4096

typedef struct tm_csv tm_csv;

typedef struct tm_csv_record {
  size_t nfields;
  const char *const *field;  /* field[i] is NUL-terminated, unquoted, unescaped */
  const size_t *len;         /* len[i] = bytes of field[i] (it may hold NULs) */
  uint64_t line;             /* physical line (1-based) where the record starts */
  const char *raw;           /* the record's raw bytes as in the file (no final newline) */
  size_t raw_len;
  const char *malformed;     /* NULL, or why the record could not be split
                                (e.g. "unterminated quoted field", "record longer
                                than 1048576 bytes"); then nfields may be 0 */
} tm_csv_record;

/* delim: the field separator, or 0 to detect it from the first line among
 * , ; TAB and |. A UTF-8 byte-order mark at the start is skipped. The reader is
 * borrowed and must outlive the tm_csv. */
int tm_csv_open(tm_csv **out, tm_reader *r, char delim, tm_error *err);
/* Reads the next record. Returns 1 with *rec filled (valid until the next call),
 * 0 at end of input, or TM_EIO when the reader fails. A malformed record is
 * returned with rec->malformed set, never as an error: the caller rejects it
 * and goes on. Line ends LF, CRLF and lone CR all end a record outside quotes;
 * inside quotes they are kept as data. A quote inside an unquoted field is data.
 * A blank line is skipped. */
int tm_csv_next(tm_csv *c, tm_csv_record *rec, tm_error *err);
char tm_csv_delimiter(const tm_csv *c);
void tm_csv_close(tm_csv *c);

/* ------------------------------------------------------------ JSON values */

#define TM_JSON_MAX_VALUE (64u << 20) /* bytes in one JSON value */

typedef struct tm_jsonsplit tm_jsonsplit;

typedef struct tm_json_text {
  const char *text;       /* one complete top-level JSON value's bytes, NUL-terminated */
  size_t len;
  uint64_t line;          /* physical line (1-based) where it starts */
  const char *malformed;  /* NULL, or why the bytes do not form a value
                             ("unbalanced brackets", "value longer than ...",
                             "stray text"); text then holds the bad fragment,
                             cut at a line end so reading can resume */
} tm_json_text;

/* Splits a stream into top-level JSON values: one per line (JSON Lines), or
 * values spanning lines (a pretty-printed document or array), or several
 * concatenated. Only splits: it tracks bracket depth outside strings and does
 * not validate the value (the caller's parser does). */
int tm_jsonsplit_open(tm_jsonsplit **out, tm_reader *r, tm_error *err);
/* 1 with *val filled (valid until the next call), 0 at end, TM_EIO on read error. */
int tm_jsonsplit_next(tm_jsonsplit *s, tm_json_text *val, tm_error *err);
void tm_jsonsplit_close(tm_jsonsplit *s);

/* ------------------------------------------------------------------ UTF-8 */

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool tm_utf8_valid(const char *s, size_t n);

#endif
