/*
 * jsonsplit.c — splits a byte stream into top-level JSON values without
 * parsing them: JSON Lines, pretty-printed documents spanning lines, and
 * several values on one line all come out one value at a time. The caller's
 * JSON parser validates each value.
 *
 * The scanner tracks only what finding a value's end needs: bracket depth,
 * whether it is inside a string (and after a backslash there), and the last
 * significant byte outside strings. That last byte also gives a cheap, exact
 * resynchronisation test: inside a container, '{' and '[' may only follow
 * '[', ',' or ':', and a string only '{', '[', ',' or ':'. So when a JSON
 * Lines record is cut short (`{"a":1` then `{"b":2}` on the next line), the
 * next record's opening brace proves the first one broken, and only that one
 * is lost. A raw line feed inside a string (never valid JSON) proves it too.
 *
 * Invariants:
 *  - buf[pos, end) is unread; while a value is open, buf[vstart, end) is kept
 *    and scanning resumes at `scan` after a refill (no rescans), so a value
 *    costs time linear in its size;
 *  - the buffer never grows past TM_JSON_MAX_VALUE + one block;
 *  - the byte after a returned text is overwritten with NUL and put back at
 *    the next call;
 *  - `line` is the physical line (LF-counted) of the scanning point.
 *
 * Malformed fragments, and where reading resumes:
 *  - stray text at depth 0 (a scalar, a closing bracket, anything but
 *    whitespace, ',' or an opening bracket): the fragment is the rest of the
 *    line; reading resumes on the next line. Commas between top-level values
 *    are skipped silently, so `{...},` lines (an array without its brackets)
 *    read as values;
 *  - a value proved broken by an opening bracket or string in the wrong
 *    place: when that byte starts its line, the fragment ends at the end of
 *    the previous line and reading resumes at that byte; otherwise the
 *    fragment runs to the end of the current line and reading resumes on the
 *    next line;
 *  - a raw line feed inside a string: the fragment ends before it;
 *  - input ending inside a value: the fragment is the rest of the input;
 *  - a value longer than TM_JSON_MAX_VALUE: the fragment is its first
 *    TM_JSON_MAX_VALUE bytes, and the rest is skipped by bracket depth to the
 *    value's end — or to where it is proved broken, as above, when sooner;
 *  - a stray line longer than TM_JSON_MAX_VALUE is cut there and the rest of
 *    the line skipped.
 */
#include "io/io.h"

/* TM_IO_BLOCK: the first buffer's size (tiny in the fuzz build, see csv.c). */
#ifndef TM_IO_BLOCK
#define TM_IO_BLOCK (256u << 10)
#endif
#define INITIAL_CAP ((size_t)TM_IO_BLOCK)
#define MAX_CAP ((size_t)TM_JSON_MAX_VALUE + INITIAL_CAP)

_Static_assert(TM_JSON_MAX_VALUE == 67108864, "update the message below");
static const char MSG_TOO_LONG[] = "value longer than 67108864 bytes";
static const char MSG_UNBALANCED[] = "unbalanced brackets";
static const char MSG_UNTERMINATED[] = "unterminated string";
static const char MSG_STRAY[] = "stray text";

struct tm_jsonsplit {
  tm_reader *r;
  unsigned char *buf; /* cap + 1 bytes: room for a NUL after the last byte */
  size_t cap, pos, end;
  bool eof;
  bool skip_eol; /* discarding up to the next LF */
  uint64_t line;

  /* the value being scanned */
  bool in_value;
  bool discard; /* too long: already reported, being skipped */
  bool in_str, esc, line_blank;
  unsigned char last;
  size_t vstart, scan, last_lf;
  uint64_t vline, depth;

  bool nul_set;
  size_t nul_at;
  unsigned char nul_saved;
};

enum { JS_MORE, JS_DONE, JS_NL_IN_STRING, JS_BAD_OPEN };

/* Bytes that stop the fast loop inside a string. */
static const unsigned char str_stop[256] = {['"'] = 1, ['\\'] = 1, ['\n'] = 1};

static size_t sub_clamp(size_t a, size_t b) { return a > b ? a - b : 0; }

/* Moves buf[keep, end) to the front (shifting every index kept), grows the
 * buffer when full, and reads one block. */
static int refill(tm_jsonsplit *s, size_t keep, tm_error *err) {
  if (keep > 0) {
    memmove(s->buf, s->buf + keep, s->end - keep);
    s->end -= keep;
    s->pos = sub_clamp(s->pos, keep);
    s->vstart = sub_clamp(s->vstart, keep);
    s->scan = sub_clamp(s->scan, keep);
    s->last_lf = sub_clamp(s->last_lf, keep);
  }
  if (s->end == s->cap) {
    size_t ncap = TM_MIN(s->cap * 2, MAX_CAP);
    if (ncap == s->cap) /* cannot happen: long values are cut first */
      return tm_error_set(err, TM_EIO, "JSON buffer limit reached");
    unsigned char *nb = tm_realloc(s->buf, ncap + 1);
    if (!nb) return tm_error_nomem(err);
    s->buf = nb;
    s->cap = ncap;
  }
  size_t got = 0;
  int rc = tm_reader_read(s->r, s->buf + s->end, s->cap - s->end, &got, err);
  if (rc) return rc;
  if (got == 0) s->eof = true;
  s->end += got;
  return 0;
}

/* Finds the LF ending the line that holds buf[from], keeping buf[*frag, end)
 * across refills (*frag is s->pos or s->vstart, shifted by refill). Sets *eol
 * to the LF's index or to the end of input; when the line runs more than
 * TM_JSON_MAX_VALUE bytes past *frag, *eol = *frag + TM_JSON_MAX_VALUE and
 * *cut is set. */
static int find_eol(tm_jsonsplit *s, size_t *frag, size_t from, size_t *eol, bool *cut, tm_error *err) {
  size_t rel = from - *frag;
  *cut = false;
  for (;;) {
    size_t at = *frag + rel;
    const unsigned char *p = memchr(s->buf + at, '\n', s->end - at);
    size_t e = p ? (size_t)(p - s->buf) : s->end;
    if (e - *frag > TM_JSON_MAX_VALUE) {
      *eol = *frag + TM_JSON_MAX_VALUE;
      *cut = true;
      return 0;
    }
    if (p || s->eof) {
      *eol = e;
      return 0;
    }
    rel = s->end - *frag;
    int rc = refill(s, *frag, err);
    if (rc) return rc;
  }
}

/* Fills *val with buf[from, to), NUL-terminated (the byte there is saved). */
static void emit(tm_jsonsplit *s, tm_json_text *val, size_t from, size_t to, uint64_t line, const char *why) {
  if (why) /* a fragment ends at a line end: drop the blanks before it */
    while (to > from && (s->buf[to - 1] == '\r' || s->buf[to - 1] == '\n' || s->buf[to - 1] == ' ' ||
                         s->buf[to - 1] == '\t'))
      to--;
  s->nul_set = true;
  s->nul_at = to;
  s->nul_saved = s->buf[to];
  s->buf[to] = '\0';
  val->text = (const char *)s->buf + from;
  val->len = to - from;
  val->line = line;
  val->malformed = why;
}

static int scan_value(tm_jsonsplit *s, size_t *at) {
  const unsigned char *b = s->buf;
  size_t i = s->scan, end = s->end, last_lf = s->last_lf;
  uint64_t depth = s->depth, line = s->line;
  bool in_str = s->in_str, esc = s->esc, blank = s->line_blank;
  unsigned char last = s->last;
  int st = JS_MORE;

  while (i < end) {
    if (in_str) {
      if (esc) {
        esc = false;
        if (b[i] == '\n') {
          st = JS_NL_IN_STRING;
          break;
        }
        i++;
        continue;
      }
      while (i < end && !str_stop[b[i]])
        i++;
      if (i == end) break;
      if (b[i] == '"') {
        in_str = false;
        last = '"';
      } else if (b[i] == '\\') {
        esc = true;
      } else {
        st = JS_NL_IN_STRING;
        break;
      }
      i++;
      continue;
    }
    unsigned char ch = b[i];
    switch (ch) {
    case '\n':
      line++;
      last_lf = i;
      blank = true;
      break;
    case ' ':
    case '\t':
    case '\r': break;
    case '"':
      if (last != '{' && last != '[' && last != ',' && last != ':') {
        st = JS_BAD_OPEN;
        goto out;
      }
      in_str = true;
      blank = false;
      break;
    case '{':
    case '[':
      if (last != '[' && last != ',' && last != ':') {
        st = JS_BAD_OPEN;
        goto out;
      }
      depth++;
      last = ch;
      blank = false;
      break;
    case '}':
    case ']':
      last = ch;
      blank = false;
      if (--depth == 0) {
        i++;
        st = JS_DONE;
        goto out;
      }
      break;
    default:
      last = ch;
      blank = false;
      break;
    }
    i++;
  }
out:
  s->scan = i;
  s->last_lf = last_lf;
  s->depth = depth;
  s->line = line;
  s->in_str = in_str;
  s->esc = esc;
  s->line_blank = blank;
  s->last = last;
  *at = i;
  return st;
}

int tm_jsonsplit_open(tm_jsonsplit **out, tm_reader *r, tm_error *err) {
  *out = NULL;
  tm_jsonsplit *s = tm_calloc(1, sizeof *s);
  if (!s) return tm_error_nomem(err);
  s->r = r;
  s->line = 1;
  s->cap = INITIAL_CAP;
  s->buf = tm_malloc(s->cap + 1);
  if (!s->buf) {
    tm_jsonsplit_close(s);
    return tm_error_nomem(err);
  }
  while (s->end < 3 && !s->eof) {
    int rc = refill(s, 0, err);
    if (rc) {
      tm_jsonsplit_close(s);
      return rc;
    }
  }
  if (s->end >= 3 && s->buf[0] == 0xef && s->buf[1] == 0xbb && s->buf[2] == 0xbf) s->pos = 3;
  *out = s;
  return 0;
}

/* Reports the broken value [vstart, ...) found at buf[i] by scan_value and
 * sets where reading resumes. Returns 1 with *val filled, 0 when nothing is
 * reported (a value already reported as too long), or an error. */
static int broken(tm_jsonsplit *s, int st, size_t i, tm_json_text *val, tm_error *err) {
  bool report = !s->discard;
  s->in_value = s->discard = false;
  if (st == JS_NL_IN_STRING) {
    s->pos = i;
    if (report) emit(s, val, s->vstart, i, s->vline, MSG_UNTERMINATED);
    return report;
  }
  if (s->line_blank) { /* the offending byte starts its line: it starts a value */
    s->pos = i;
    if (report) emit(s, val, s->vstart, s->last_lf, s->vline, MSG_UNBALANCED);
    return report;
  }
  if (!report) {
    s->pos = i;
    s->skip_eol = true;
    return 0;
  }
  size_t eol;
  bool cut;
  int rc = find_eol(s, &s->vstart, i, &eol, &cut, err);
  if (rc) return rc;
  s->pos = eol;
  s->skip_eol = cut;
  emit(s, val, s->vstart, eol, s->vline, MSG_UNBALANCED);
  return 1;
}

int tm_jsonsplit_next(tm_jsonsplit *s, tm_json_text *val, tm_error *err) {
  if (s->nul_set) {
    s->buf[s->nul_at] = s->nul_saved;
    s->nul_set = false;
  }
  for (;;) {
    if (s->skip_eol) {
      const unsigned char *p = memchr(s->buf + s->pos, '\n', s->end - s->pos);
      if (p) {
        s->pos = (size_t)(p - s->buf);
        s->skip_eol = false;
      } else {
        s->pos = s->end;
        if (s->eof) return 0;
        int rc = refill(s, s->pos, err);
        if (rc) return rc;
        continue;
      }
    }

    if (!s->in_value) {
      const unsigned char *b = s->buf;
      size_t p = s->pos;
      for (; p < s->end; p++) {
        unsigned char ch = b[p];
        if (ch == '\n')
          s->line++;
        else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != ',')
          break;
      }
      s->pos = p;
      if (p == s->end) {
        if (s->eof) return 0;
        int rc = refill(s, s->pos, err);
        if (rc) return rc;
        continue;
      }
      unsigned char ch = b[p];
      if (ch == '{' || ch == '[') {
        s->in_value = true;
        s->discard = s->in_str = s->esc = s->line_blank = false;
        s->vstart = s->last_lf = p;
        s->scan = p + 1;
        s->vline = s->line;
        s->depth = 1;
        s->last = ch;
      } else {
        size_t eol;
        bool cut;
        int rc = find_eol(s, &s->pos, s->pos, &eol, &cut, err);
        if (rc) return rc;
        size_t from = s->pos;
        s->pos = eol;
        s->skip_eol = cut;
        emit(s, val, from, eol, s->line, (ch == '}' || ch == ']') ? MSG_UNBALANCED : MSG_STRAY);
        return 1;
      }
    }

    size_t i;
    int st = scan_value(s, &i);
    if (st == JS_DONE) {
      s->in_value = false;
      s->pos = i;
      if (s->discard) {
        s->discard = false;
        continue;
      }
      if (i - s->vstart > TM_JSON_MAX_VALUE) {
        emit(s, val, s->vstart, s->vstart + TM_JSON_MAX_VALUE, s->vline, MSG_TOO_LONG);
        return 1;
      }
      emit(s, val, s->vstart, i, s->vline, NULL);
      return 1;
    }
    if (st != JS_MORE) {
      int rc = broken(s, st, i, val, err);
      if (rc) return rc;
      continue;
    }
    if (s->discard) {
      if (s->eof) {
        s->in_value = s->discard = false;
        s->pos = s->end;
        return 0;
      }
      int rc = refill(s, s->scan, err);
      if (rc) return rc;
      continue;
    }
    if (s->end - s->vstart >= TM_JSON_MAX_VALUE) {
      s->discard = true;
      emit(s, val, s->vstart, s->vstart + TM_JSON_MAX_VALUE, s->vline, MSG_TOO_LONG);
      return 1;
    }
    if (s->eof) {
      s->in_value = false;
      s->pos = s->end;
      emit(s, val, s->vstart, s->end, s->vline, s->in_str ? MSG_UNTERMINATED : MSG_UNBALANCED);
      return 1;
    }
    int rc = refill(s, s->vstart, err);
    if (rc) return rc;
  }
}

void tm_jsonsplit_close(tm_jsonsplit *s) {
  if (!s) return;
  tm_free(s->buf);
  tm_free(s);
}
