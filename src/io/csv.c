/*
 * csv.c — streaming RFC 4180 record reader, on the ingest hot path.
 *
 * Input is read in large blocks into one buffer; a record is split where it
 * lies, and its fields are copied (unquoted, unescaped, NUL-terminated) into a
 * second buffer of the same size, so the record's raw bytes stay intact for
 * the rejects file and nothing is allocated per record. Unquoted fields are
 * scanned eight bytes at a time for the delimiter, CR and LF; quoted fields
 * with memchr for the next quote.
 *
 * Invariants:
 *  - buf[pos, end) holds unread input; a record is always parsed from one
 *    contiguous span of it. When a record runs past `end` the unread part
 *    moves to the front, the buffer grows if full, and the record is parsed
 *    again from its start (rare: once per block);
 *  - fbuf has cap + 1 bytes: a record of k raw bytes yields at most k + 1
 *    bytes of fields (each field adds a NUL but loses a delimiter or quotes),
 *    so copying fields needs no bounds checks;
 *  - the buffer never grows past 2 * TM_CSV_MAX_RECORD: a record still open
 *    after TM_CSV_MAX_RECORD + 1 bytes is cut there, returned as malformed, and
 *    reading resumes at the next physical line end (quotes ignored, so a stray
 *    quote cannot swallow the rest of the file);
 *  - `line` is the physical line of buf[pos]: each record adds its terminator
 *    and the line breaks inside its quoted fields.
 *
 * Leniency (where RFC 4180 says nothing or real exports disagree): text after
 * a closing quote is kept as data up to the next delimiter ("ab"c → abc, as
 * Python's csv module and Excel read it); a quote that does not open a field is
 * data; the last record may lack a line end.
 */
#include "io/io.h"

/* TM_IO_BLOCK: the first buffer's size. The fuzz build makes it tiny so that
 * records cross block boundaries at every possible offset. */
#ifndef TM_IO_BLOCK
#define TM_IO_BLOCK (256u << 10)
#endif
#define INITIAL_CAP ((size_t)TM_IO_BLOCK)
#define MAX_CAP (2u * TM_CSV_MAX_RECORD)

_Static_assert(TM_CSV_MAX_RECORD == 1048576, "update the message below");
_Static_assert(TM_CSV_MAX_FIELDS == 4096, "update the message below");
static const char MSG_TOO_LONG[] = "record longer than 1048576 bytes";
static const char MSG_TOO_MANY[] = "record with more than 4096 fields";
static const char MSG_UNTERMINATED[] = "unterminated quoted field";

struct tm_csv {
  tm_reader *r;
  char delim;
  bool eof;      /* the reader is exhausted: buf holds all that is left */
  bool after_cr; /* the last record ended with a CR at the end of buf: an LF
                    arriving first belongs to it */
  bool skipping; /* discarding the rest of an over-long record's line */
  unsigned char *buf;
  char *fbuf;
  size_t cap, pos, end;
  uint64_t line;
  const char **field; /* TM_CSV_MAX_FIELDS entries, allocated once */
  size_t *len;
};

enum { SCAN_DONE, SCAN_MORE, SCAN_UNTERMINATED };

typedef struct {
  size_t raw_end; /* index just past the record's last byte */
  size_t next;    /* index of the next record */
  size_t nfields; /* may exceed TM_CSV_MAX_FIELDS: only the first ones stored */
  bool quoted;    /* a quoted field was seen: its data may hold line breaks */
  bool cr_at_end; /* ended with CR as the last byte of buf (not at EOF) */
} scan_out;

/* Index of the first delimiter, CR or LF in b[p, end), or end. */
static inline size_t scan_plain(const unsigned char *b, size_t p, size_t end, unsigned char d) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
  /* SWAR: a byte of w equals c iff the same byte of w ^ (c * ones) is zero; the
   * lowest flagged byte of the zero test is exact (false positives only sit
   * above a true zero), so the lowest bit across the three tests is the first
   * special byte. */
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  const uint64_t dm = ones * d, lf = ones * '\n', cr = ones * '\r';
  while (end - p >= 8) {
    uint64_t w;
    memcpy(&w, b + p, 8);
    uint64_t x = w ^ dm, y = w ^ lf, z = w ^ cr;
    uint64_t m = (((x - ones) & ~x) | ((y - ones) & ~y) | ((z - ones) & ~z)) & highs;
    if (m) return p + ((size_t)__builtin_ctzll(m) >> 3);
    p += 8;
  }
#endif
  while (p < end && b[p] != d && b[p] != '\n' && b[p] != '\r')
    p++;
  return p;
}

/* Splits the record at buf[pos]. Fields go to fbuf / field / len. */
static int scan_record(tm_csv *c, scan_out *o) {
  const unsigned char *b = c->buf;
  const unsigned char d = (unsigned char)c->delim;
  const size_t end = c->end;
  const bool eof = c->eof;
  char *out = c->fbuf;
  size_t p = c->pos, fo = 0, nf = 0;
  bool quoted = false;

  for (;;) {
    size_t fstart = fo;
    if (p < end && b[p] == '"') {
      quoted = true;
      p++;
      for (;;) {
        const unsigned char *q = memchr(b + p, '"', end - p);
        if (!q) return eof ? SCAN_UNTERMINATED : SCAN_MORE;
        size_t k = (size_t)(q - (b + p));
        memcpy(out + fo, b + p, k);
        fo += k;
        p += k + 1;
        if (p == end) {
          if (!eof) return SCAN_MORE; /* "" or a closing quote? the next block says */
          break;
        }
        if (b[p] != '"') break;
        out[fo++] = '"';
        p++;
      }
    }
    /* An unquoted field, or the tail after a closing quote. */
    size_t s = p;
    p = scan_plain(b, p, end, d);
    memcpy(out + fo, b + s, p - s);
    fo += p - s;
    out[fo] = '\0';
    if (nf < TM_CSV_MAX_FIELDS) {
      c->field[nf] = out + fstart;
      c->len[nf] = fo - fstart;
    }
    nf++;
    fo++;
    if (p == end) {
      if (!eof) return SCAN_MORE;
      o->raw_end = o->next = end;
      o->cr_at_end = false;
      break;
    }
    if (b[p] == d) {
      p++;
      continue;
    }
    o->raw_end = p;
    o->cr_at_end = false;
    if (b[p] == '\n') {
      o->next = p + 1;
    } else if (p + 1 < end) {
      o->next = p + 1 + (b[p + 1] == '\n');
    } else {
      o->next = p + 1;
      o->cr_at_end = !eof;
    }
    break;
  }
  o->nfields = nf;
  o->quoted = quoted;
  return SCAN_DONE;
}

/* Line breaks in b[from, to) (LF, CRLF, lone CR), looking at b[to] when < lim. */
static uint64_t count_breaks(const unsigned char *b, size_t from, size_t to, size_t lim) {
  uint64_t n = 0;
  const unsigned char *p = b + from, *e = b + to;
  while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL)
    n++, p++;
  p = b + from;
  while ((p = memchr(p, '\r', (size_t)(e - p))) != NULL) {
    size_t i = (size_t)(p - b);
    if (i + 1 >= lim || b[i + 1] != '\n') n++;
    p++;
  }
  return n;
}

/* Moves unread bytes to the front, grows when full, reads one block. */
static int refill(tm_csv *c, tm_error *err) {
  if (c->pos > 0) {
    memmove(c->buf, c->buf + c->pos, c->end - c->pos);
    c->end -= c->pos;
    c->pos = 0;
  }
  if (c->end == c->cap) {
    size_t ncap = TM_MIN(c->cap * 2, (size_t)MAX_CAP);
    if (ncap == c->cap) /* cannot happen: over-long records are cut first */
      return tm_error_set(err, TM_EIO, "CSV buffer limit reached");
    unsigned char *nb = tm_realloc(c->buf, ncap);
    if (!nb) return tm_error_nomem(err);
    c->buf = nb;
    char *nf = tm_realloc(c->fbuf, ncap + 1);
    if (!nf) return tm_error_nomem(err); /* buf keeps its larger size: harmless */
    c->fbuf = nf;
    c->cap = ncap;
  }
  size_t got = 0;
  int rc = tm_reader_read(c->r, c->buf + c->end, c->cap - c->end, &got, err);
  if (rc) return rc;
  if (got == 0) c->eof = true;
  c->end += got;
  return 0;
}

/* Picks the delimiter among , ; TAB | that occurs most often outside quotes
 * on the first non-blank line; ties go to the earlier in that list, none to ','. */
static char detect_delim(const unsigned char *b, size_t p, size_t end) {
  while (p < end && (b[p] == '\n' || b[p] == '\r'))
    p++;
  size_t n[4] = {0, 0, 0, 0};
  bool inq = false;
  for (; p < end; p++) {
    unsigned char ch = b[p];
    if (ch == '"')
      inq = !inq;
    else if (inq)
      continue;
    else if (ch == '\n' || ch == '\r')
      break;
    else if (ch == ',')
      n[0]++;
    else if (ch == ';')
      n[1]++;
    else if (ch == '\t')
      n[2]++;
    else if (ch == '|')
      n[3]++;
  }
  static const char cand[4] = {',', ';', '\t', '|'};
  size_t best = 0;
  for (size_t i = 1; i < 4; i++)
    if (n[i] > n[best]) best = i;
  return cand[best];
}

int tm_csv_open(tm_csv **out, tm_reader *r, char delim, tm_error *err) {
  *out = NULL;
  if (delim == '"' || delim == '\n' || delim == '\r')
    return tm_error_set(err, TM_EINVAL, "invalid CSV delimiter 0x%02x", (unsigned char)delim);
  tm_csv *c = tm_calloc(1, sizeof *c);
  if (!c) return tm_error_nomem(err);
  c->r = r;
  c->line = 1;
  c->cap = INITIAL_CAP;
  c->buf = tm_malloc(c->cap);
  c->fbuf = tm_malloc(c->cap + 1);
  c->field = tm_malloc(TM_CSV_MAX_FIELDS * sizeof *c->field);
  c->len = tm_malloc(TM_CSV_MAX_FIELDS * sizeof *c->len);
  if (!c->buf || !c->fbuf || !c->field || !c->len) {
    tm_csv_close(c);
    return tm_error_nomem(err);
  }
  /* Read until the first line is whole (or the buffer is full, or EOF) so the
   * BOM and the delimiter can be seen. */
  for (;;) {
    int rc = refill(c, err);
    if (rc) {
      tm_csv_close(c);
      return rc;
    }
    if (c->eof || c->end == c->cap) break;
    size_t s = 0;
    while (s < c->end && (c->buf[s] == '\n' || c->buf[s] == '\r'))
      s++;
    if (memchr(c->buf + s, '\n', c->end - s) || memchr(c->buf + s, '\r', c->end - s)) break;
  }
  if (c->end >= 3 && c->buf[0] == 0xef && c->buf[1] == 0xbb && c->buf[2] == 0xbf) c->pos = 3;
  c->delim = delim ? delim : detect_delim(c->buf, c->pos, c->end);
  *out = c;
  return 0;
}

int tm_csv_next(tm_csv *c, tm_csv_record *rec, tm_error *err) {
  for (;;) {
    if (c->skipping) {
      const unsigned char *b = c->buf;
      size_t p = c->pos;
      while (p < c->end && b[p] != '\n' && b[p] != '\r')
        p++;
      c->pos = p;
      if (p < c->end) {
        c->skipping = false; /* the line end itself reads as a blank line */
      } else {
        if (c->eof) return 0;
        int rc = refill(c, err);
        if (rc) return rc;
        continue;
      }
    }
    if (c->after_cr) {
      if (c->pos == c->end && !c->eof) {
        int rc = refill(c, err);
        if (rc) return rc;
        continue;
      }
      if (c->pos < c->end && c->buf[c->pos] == '\n') c->pos++;
      c->after_cr = false;
    }
    if (c->pos == c->end) {
      if (c->eof) return 0;
      int rc = refill(c, err);
      if (rc) return rc;
      continue;
    }

    scan_out o;
    int st = scan_record(c, &o);
    size_t start = c->pos;
    size_t avail = c->end - start;
    if (st != SCAN_DONE && avail > TM_CSV_MAX_RECORD) {
      /* Still open past the limit: cut it, skip to the next line end. */
      memset(rec, 0, sizeof *rec);
      rec->field = c->field;
      rec->len = c->len;
      rec->line = c->line;
      rec->raw = (const char *)c->buf + start;
      rec->raw_len = TM_CSV_MAX_RECORD;
      rec->malformed = MSG_TOO_LONG;
      c->line += count_breaks(c->buf, start, start + TM_CSV_MAX_RECORD, c->end);
      c->pos = start + TM_CSV_MAX_RECORD;
      c->skipping = true;
      return 1;
    }
    if (st == SCAN_MORE) {
      int rc = refill(c, err);
      if (rc) return rc;
      continue;
    }
    memset(rec, 0, sizeof *rec);
    rec->field = c->field;
    rec->len = c->len;
    rec->line = c->line;
    rec->raw = (const char *)c->buf + start;
    if (st == SCAN_UNTERMINATED) {
      rec->raw_len = avail;
      rec->malformed = MSG_UNTERMINATED;
      c->line += count_breaks(c->buf, start, c->end, c->end);
      c->pos = c->end;
      return 1;
    }
    size_t raw_len = o.raw_end - start;
    if (o.quoted) c->line += count_breaks(c->buf, start, o.raw_end, c->end);
    if (o.next > o.raw_end) c->line++;
    c->pos = o.next;
    c->after_cr = o.cr_at_end;
    if (raw_len == 0) continue; /* blank line */
    rec->raw_len = raw_len;
    if (raw_len > TM_CSV_MAX_RECORD) {
      rec->raw_len = TM_CSV_MAX_RECORD;
      rec->malformed = MSG_TOO_LONG;
    } else if (o.nfields > TM_CSV_MAX_FIELDS) {
      rec->malformed = MSG_TOO_MANY;
    } else {
      rec->nfields = o.nfields;
    }
    return 1;
  }
}

char tm_csv_delimiter(const tm_csv *c) { return c->delim; }

void tm_csv_close(tm_csv *c) {
  if (!c) return;
  tm_free(c->buf);
  tm_free(c->fbuf);
  tm_free((void *)c->field);
  tm_free(c->len);
  tm_free(c);
}
