/*
 * fuzz_csv.c — libFuzzer target for the CSV record reader (src/io/csv.c) and
 * UTF-8 validation (src/io/utf8.c).
 *
 * The first byte picks the delimiter (detected, ',', ';', TAB, '|'); the rest
 * is the input, read through tm_reader_open_mem (so gzip / zstd magic also
 * exercises the decoders). For plain input every record is compared with a
 * slow, obviously-correct byte-at-a-time reference reader written below from
 * the rules in io.h: a difference traps. tm_utf8_valid is compared with a
 * reference decoder the same way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

#define CHECK(x)                                                                                             \
  do {                                                                                                       \
    if (!(x)) __builtin_trap();                                                                              \
  } while (0)

/* ---------------------------------------------------- reference CSV reader */

typedef struct {
  const unsigned char *s;
  size_t n, p;
  uint64_t line;
  char d;
} ref_csv;

typedef struct {
  bool malformed;
  size_t start, raw_len;
  uint64_t line;
  size_t nf;
  unsigned char *data; /* fields joined, each followed by NUL */
  size_t dlen, dcap;
  size_t flen[TM_CSV_MAX_FIELDS + 1];
} ref_rec;

static void put(ref_rec *r, unsigned char c) {
  if (r->dlen == r->dcap) {
    r->dcap = r->dcap ? 2 * r->dcap : 256;
    r->data = realloc(r->data, r->dcap);
    CHECK(r->data);
  }
  r->data[r->dlen++] = c;
}

/* 1 with *r filled, 0 at the end. Line breaks inside quotes count as lines. */
static int ref_next(ref_csv *c, ref_rec *r) {
  for (;;) {
    if (c->p >= c->n) return 0;
    r->start = c->p;
    r->line = c->line;
    r->nf = 0;
    r->dlen = 0;
    r->malformed = false;
    uint64_t breaks = 0;
    for (;;) { /* one field */
      size_t fstart = r->dlen;
      if (c->p < c->n && c->s[c->p] == '"') {
        c->p++;
        for (;;) {
          if (c->p >= c->n) { /* unterminated: the rest of the input */
            r->malformed = true;
            r->raw_len = c->n - r->start;
            r->nf = 0;
            return 1;
          }
          unsigned char ch = c->s[c->p++];
          if (ch == '"') {
            if (c->p < c->n && c->s[c->p] == '"') {
              put(r, '"');
              c->p++;
              continue;
            }
            break;
          }
          if (ch == '\n' || (ch == '\r' && !(c->p < c->n && c->s[c->p] == '\n'))) breaks++;
          put(r, ch);
        }
      }
      while (c->p < c->n && c->s[c->p] != (unsigned char)c->d && c->s[c->p] != '\n' && c->s[c->p] != '\r')
        put(r, c->s[c->p++]);
      if (r->nf <= TM_CSV_MAX_FIELDS) r->flen[r->nf] = r->dlen - fstart;
      r->nf++;
      put(r, 0);
      if (c->p < c->n && c->s[c->p] == (unsigned char)c->d) {
        c->p++;
        continue;
      }
      break;
    }
    r->raw_len = c->p - r->start;
    c->line += breaks;
    if (c->p < c->n) { /* a line end */
      c->line++;
      if (c->s[c->p] == '\r' && c->p + 1 < c->n && c->s[c->p + 1] == '\n') c->p++;
      c->p++;
    }
    if (r->raw_len == 0) continue; /* blank line */
    if (r->nf > TM_CSV_MAX_FIELDS) {
      r->malformed = true;
      r->nf = 0;
    }
    return 1;
  }
}

/* --------------------------------------------------- reference UTF-8 check */

static bool ref_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], len, cp;
    if (c < 0x80)
      len = 1, cp = c;
    else if ((c & 0xe0) == 0xc0)
      len = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      len = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      len = 4, cp = c & 0x07;
    else
      return false;
    if (n - i < len) return false;
    for (unsigned k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const char delims[5] = {0, ',', ';', '\t', '|'};
  char delim = delims[data[0] % 5];
  const unsigned char *in = data + 1;
  size_t n = size - 1;

  CHECK(tm_utf8_valid((const char *)in, n) == ref_utf8(in, n));

  tm_reader *r;
  if (tm_reader_open_mem(&r, in, n, NULL) != 0) return 0;
  tm_csv *c;
  if (tm_csv_open(&c, r, delim, NULL) != 0) {
    tm_reader_close(r);
    return 0;
  }
  bool plain = !(n >= 2 && in[0] == 0x1f && in[1] == 0x8b) &&
               !(n >= 4 && in[0] == 0x28 && in[1] == 0xb5 && in[2] == 0x2f && in[3] == 0xfd);
  ref_csv ref = {in, n, 0, 1, tm_csv_delimiter(c)};
  if (n >= 3 && in[0] == 0xef && in[1] == 0xbb && in[2] == 0xbf) ref.p = 3;
  ref_rec want;
  memset(&want, 0, sizeof want);

  tm_csv_record rec;
  uint64_t last_line = 0;
  size_t count = 0;
  int rc;
  while ((rc = tm_csv_next(c, &rec, NULL)) == 1) {
    count++;
    if (plain) CHECK(count <= n); /* compressed input may expand */
    CHECK(rec.line >= last_line);
    last_line = rec.line;
    CHECK(rec.raw_len > 0 && rec.raw_len <= TM_CSV_MAX_RECORD);
    volatile unsigned sum = 0;
    for (size_t i = 0; i < rec.raw_len; i++)
      sum += (unsigned char)rec.raw[i];
    if (rec.malformed)
      CHECK(rec.nfields == 0);
    else
      CHECK(rec.nfields >= 1 && rec.nfields <= TM_CSV_MAX_FIELDS);
    for (size_t i = 0; i < rec.nfields; i++) {
      CHECK(rec.field[i][rec.len[i]] == '\0');
      CHECK(rec.len[i] <= rec.raw_len);
    }
    if (plain) {
      CHECK(ref_next(&ref, &want) == 1);
      CHECK(want.line == rec.line);
      CHECK(want.malformed == (rec.malformed != NULL));
      CHECK(want.raw_len == rec.raw_len);
      CHECK(memcmp(in + want.start, rec.raw, rec.raw_len) == 0);
      CHECK(want.nf == rec.nfields);
      size_t off = 0;
      for (size_t i = 0; i < rec.nfields; i++) {
        CHECK(want.flen[i] == rec.len[i]);
        CHECK(memcmp(want.data + off, rec.field[i], rec.len[i]) == 0);
        off += rec.len[i] + 1;
      }
    }
  }
  if (plain) {
    CHECK(rc == 0);
    CHECK(ref_next(&ref, &want) == 0);
  }
  free(want.data);
  tm_csv_close(c);
  tm_reader_close(r);
  return 0;
}
