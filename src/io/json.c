/*
 * json.c — strict RFC 8259 JSON parser into a reusable per-document arena
 * (see json.h for the contract).
 *
 * Why not jansson: ingest parses millions of ~250-byte Segment events, and a
 * malloc per value plus a hash table per object were most of its time. Here
 * a document costs no allocation at all once the arena has grown to fit.
 *
 * Layout. Three buffers belong to the tm_json and survive from one parse to
 * the next (each grows by doubling, none shrinks):
 *  - nodes: the arena of finished tm_jval nodes. Node 0 is not a value: it
 *    holds the head {text, strs} of the current tree. Every node stores its
 *    own index, so any node finds the head at (node - index) — a node is 20
 *    bytes instead of carrying two pointers. The children of a container are
 *    one contiguous run (object members as key, value, key, value, ...), so
 *    tm_jval_at is an index and tm_jval_get a scan over every other node.
 *  - stk: the values of the containers still open, in document order. When a
 *    container closes, its children are the top of this stack: they are
 *    copied to the end of the arena as one run and replaced on the stack by
 *    the container node. So children are written twice (20 bytes each) and
 *    the arena ends with the root; no node ever moves once in the arena, and
 *    no pointer is taken before the parse ends, so doubling is safe.
 *  - strs: every decoded string (keys too), each followed by a NUL. Copying
 *    even strings without escapes costs one memcpy of bytes already in the
 *    cache, and buys what pointing into the caller's text could not: NUL
 *    termination (the caller's text is const and need not have room or a
 *    terminator) and a single code path. A string decodes to fewer bytes
 *    than its source (quotes included, every escape shrinks or keeps its
 *    length: \uXXXX is 6 bytes for at most 3, a surrogate pair 12 for 4), so
 *    len + 1 bytes always suffice: strs is sized once before the parse, and
 *    the string loop has no bounds check on output.
 *  - frames: one per open container (its start offset and where its children
 *    begin on stk), a fixed array of TM_JSON_MAX_DEPTH — the parser is a
 *    loop with an explicit stack, never recursive.
 *
 * Offsets and counts are uint32_t: a document is at most TM_JSON_MAX_DOC
 * (64 MiB) bytes, so it has fewer than 2^26 nodes and the index fits in the
 * 29 bits the tag leaves beside the type.
 *
 * Numbers are validated while parsing and converted only in tm_jval_num:
 * ingest reads a few numbers per event, so converting each would waste time.
 * The conversion rewrites the number as plain digits with an exponent (no
 * radix character, so strtod's locale cannot matter) into a stack buffer,
 * keeping at most 800 significant digits plus a sticky digit, which rounds
 * exactly as the full text would (a midpoint between doubles has at most 767
 * significant digits).
 *
 * Errors name the line and byte column, computed only when failing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/io.h"
#include "io/json.h"

_Static_assert(TM_JSON_MAX_DOC >= TM_JSON_MAX_VALUE,
               "the parser must accept every value the splitter passes");
_Static_assert(TM_JSON_MAX_DOC == 67108864, "update the message in tm_json_parse");

struct tm_jval {
  uint32_t tag; /* index in the arena << 3 | tm_jtype (just the type while on the stack) */
  uint32_t off; /* raw bytes: text[off, off + len) */
  uint32_t len;
  uint32_t a; /* string: offset in strs; array, object: arena index of the first child */
  uint32_t b; /* string: decoded length; array: elements; object: members */
};

#define TYPE(v) ((tm_jtype)((v)->tag & 7u))
#define INDEX(v) ((v)->tag >> 3)

/* What node 0 of the arena holds. */
typedef struct {
  const char *text;
  const char *strs;
} head;
_Static_assert(sizeof(head) <= sizeof(tm_jval), "the head must fit in node 0");

typedef struct {
  uint32_t start; /* offset of the opening bracket */
  uint32_t base;  /* stk index of its first child */
  bool obj;
} frame;

struct tm_json {
  tm_jval *nodes;
  size_t ncap;
  tm_jval *stk;
  size_t scap;
  char *strs;
  size_t strcap;
  frame frames[TM_JSON_MAX_DEPTH];
};

int tm_json_new(tm_json **out, tm_error *err) {
  *out = NULL;
  tm_json *j = tm_calloc(1, sizeof *j);
  if (!j) return tm_error_nomem(err);
  *out = j;
  return 0;
}

void tm_json_free(tm_json *j) {
  if (!j) return;
  tm_free(j->nodes);
  tm_free(j->stk);
  tm_free(j->strs);
  tm_free(j);
}

/* ------------------------------------------------------------- errors */

/* Describes the byte at p for a message: "end of input", "'x'" or "byte 0x01". */
static const char *describe(const unsigned char *p, const unsigned char *end, char buf[16]) {
  if (p >= end) return "end of input";
  if (*p >= 0x21 && *p < 0x7f)
    snprintf(buf, 16, "'%c'", *p);
  else
    snprintf(buf, 16, "byte 0x%02x", *p);
  return buf;
}

/* The 1-based line and byte column of text[at]. */
static void line_col(const char *text, size_t at, size_t *line, size_t *col) {
  size_t n = 1, sol = 0; /* sol: offset where the line holding `at` starts */
  for (const char *p = text, *e = text + at; (p = memchr(p, '\n', (size_t)(e - p))) != NULL;) {
    n++;
    sol = (size_t)(++p - text);
  }
  *line = n;
  *col = at - sol + 1;
}

static int fail(tm_error *err, const char *text, size_t at, const char *fmt, ...) TM_PRINTF(4, 5);
static int fail(tm_error *err, const char *text, size_t at, const char *fmt, ...) {
  size_t line, col;
  line_col(text, at, &line, &col);
  char why[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return tm_error_set(err, TM_EFORMAT, "line %zu col %zu: %s", line, col, why);
}

/* -------------------------------------------------------------- lexing */

/* 1 for bytes a string copies as they are: not '"', '\\' or a control character. */
// clang-format off
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
// clang-format on

static inline bool is_ws(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
static inline bool is_digit(unsigned char c) { return (unsigned)(c - '0') < 10; }

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end) {
  while (p < end && is_ws(*p))
    p++;
  return p;
}

static int hex4(const unsigned char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    unsigned char c = p[i];
    int d = is_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    if (d < 0) return -1;
    v = v << 4 | d;
  }
  return v;
}

static char *put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    *o++ = (char)cp;
  } else if (cp < 0x800) {
    *o++ = (char)(0xc0 | cp >> 6);
    *o++ = (char)(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *o++ = (char)(0xe0 | cp >> 12);
    *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
    *o++ = (char)(0x80 | (cp & 0x3f));
  } else {
    *o++ = (char)(0xf0 | cp >> 18);
    *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
    *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
    *o++ = (char)(0x80 | (cp & 0x3f));
  }
  return o;
}

/* Why a string failed, and where. */
typedef enum { SE_UNTERMINATED, SE_CONTROL, SE_ESCAPE, SE_UESCAPE } strerr_kind;
typedef struct {
  strerr_kind kind;
  const unsigned char *at; /* the opening quote for SE_UNTERMINATED, else the bad byte */
} strerr;

/* Decodes the string whose opening quote is at p into out (room guaranteed:
 * see strs in the file comment), NUL-terminates it and sets *n to its decoded
 * length. Returns the byte after the closing quote, or NULL with *e set. */
static const unsigned char *scan_string(const unsigned char *p, const unsigned char *end, char *out,
                                        size_t *n, strerr *e) {
  const unsigned char *q = p + 1;
  char *o = out;
  for (;;) {
    const unsigned char *run = q;
    while (end - q >= 4 && plain[q[0]] & plain[q[1]] & plain[q[2]] & plain[q[3]])
      q += 4;
    while (q < end && plain[*q])
      q++;
    memcpy(o, run, (size_t)(q - run));
    o += q - run;
    if (q == end) {
      e->kind = SE_UNTERMINATED;
      e->at = p;
      return NULL;
    }
    if (*q == '"') {
      *o = '\0';
      *n = (size_t)(o - out);
      return q + 1;
    }
    if (*q != '\\') {
      e->kind = SE_CONTROL;
      e->at = q;
      return NULL;
    }
    if (end - q < 2) {
      e->kind = SE_UNTERMINATED;
      e->at = p;
      return NULL;
    }
    switch (q[1]) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '/': *o++ = '/'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u': {
      int cp = end - q >= 6 ? hex4(q + 2) : -1;
      if (cp < 0) {
        e->kind = SE_UESCAPE;
        e->at = q;
        return NULL;
      }
      if (cp >= 0xd800 && cp <= 0xdbff && end - q >= 12 && q[6] == '\\' && q[7] == 'u') {
        int lo = hex4(q + 8);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          o = put_utf8(o, 0x10000u + ((uint32_t)(cp - 0xd800) << 10) + (uint32_t)(lo - 0xdc00));
          q += 12;
          continue;
        }
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; /* a lone surrogate */
      o = put_utf8(o, (uint32_t)cp);
      q += 6;
      continue;
    }
    default:
      e->kind = SE_ESCAPE;
      e->at = q;
      return NULL;
    }
    q += 2;
  }
}

/* Checks the number grammar from p (a '-' or a digit). Returns the byte after
 * it, or NULL with *why and *at set. */
static const unsigned char *scan_number(const unsigned char *p, const unsigned char *end, const char **why,
                                        const unsigned char **at) {
  const unsigned char *q = p;
  if (*q == '-') q++;
  if (q == end || !is_digit(*q)) {
    *why = "expected a digit after '-'";
    *at = q;
    return NULL;
  }
  if (*q == '0') {
    q++;
    if (q < end && is_digit(*q)) {
      *why = "leading zero in number";
      *at = q - 1;
      return NULL;
    }
  } else {
    while (q < end && is_digit(*q))
      q++;
  }
  if (q < end && *q == '.') {
    q++;
    if (q == end || !is_digit(*q)) {
      *why = "expected a digit after '.'";
      *at = q;
      return NULL;
    }
    while (q < end && is_digit(*q))
      q++;
  }
  if (q < end && (*q | 0x20) == 'e') {
    q++;
    if (q < end && (*q == '+' || *q == '-')) q++;
    if (q == end || !is_digit(*q)) {
      *why = "expected a digit in the exponent";
      *at = q;
      return NULL;
    }
    while (q < end && is_digit(*q))
      q++;
  }
  return q;
}

/* -------------------------------------------------------------- parsing */

/* Closes the container of frame f, whose closing bracket is at text offset
 * at: its children, the top of the stack from f->base, move to the end of the
 * arena as one run, and the container node takes their place on the stack.
 * Returns 0 or TM_ENOMEM. */
static int close_container(tm_json *j, const frame *f, size_t at, size_t *sp, size_t *nused) {
  size_t n = *sp - f->base, first = *nused;
  if (first + n + 1 > j->ncap && TM_GROW(j->nodes, j->ncap, first + n + 1)) return TM_ENOMEM;
  tm_jval *run = j->nodes + first;
  const tm_jval *kid = j->stk + f->base;
  for (size_t i = 0; i < n; i++) {
    run[i] = kid[i];
    run[i].tag = (uint32_t)(first + i) << 3 | (kid[i].tag & 7u);
  }
  tm_jval *v = &j->stk[f->base];
  v->tag = f->obj ? TM_JOBJ : TM_JARR;
  v->off = f->start;
  v->len = (uint32_t)(at + 1 - f->start);
  v->a = (uint32_t)first;
  v->b = (uint32_t)(f->obj ? n / 2 : n);
  *nused = first + n;
  *sp = f->base + 1;
  return 0;
}

static int string_fail(tm_error *err, const char *text, const unsigned char *end, const strerr *se) {
  size_t off = (size_t)(se->at - (const unsigned char *)text);
  char dbuf[16];
  switch (se->kind) {
  case SE_UNTERMINATED: return fail(err, text, off, "unterminated string");
  case SE_CONTROL:
    return fail(err, text, off, "unescaped control character (byte 0x%02x) in string", *se->at);
  case SE_UESCAPE: return fail(err, text, off, "invalid \\u escape (4 hex digits needed)");
  case SE_ESCAPE: break;
  }
  return fail(err, text, off, "invalid escape '\\' followed by %s", describe(se->at + 1, end, dbuf));
}

int tm_json_parse(tm_json *j, const char *text, size_t len, const tm_jval **root, tm_error *err) {
  *root = NULL;
  if (len > TM_JSON_MAX_DOC)
    return tm_error_set(err, TM_EFORMAT,
                        "line 1 col 1: document of %zu bytes is over the 67108864-byte limit", len);
  if (!text) text = "";
  if (TM_GROW(j->strs, j->strcap, len + 1) || TM_GROW(j->nodes, j->ncap, 2) || TM_GROW(j->stk, j->scap, 16))
    return tm_error_nomem(err);

  const unsigned char *const s = (const unsigned char *)text, *const end = s + len;
  const unsigned char *p = s, *at;
  const char *why;
  char dbuf[16];
  tm_jval *stk = j->stk, *v;
  size_t sp = 0, scap = j->scap;
  size_t nused = 1; /* node 0 is the head */
  size_t sused = 0;
  unsigned depth = 0;
  frame *fr = j->frames;
  strerr se;

value: /* a value is expected at p (after whitespace) */
  p = skip_ws(p, end);
  if (p == end) {
    if (depth == 0) return fail(err, text, (size_t)(p - s), "empty input");
    return fail(err, text, (size_t)(p - s), "expected a value, found end of input");
  }
  if (sp == scap) {
    if (TM_GROW(j->stk, j->scap, sp + 1)) return tm_error_nomem(err);
    stk = j->stk;
    scap = j->scap;
  }
  v = &stk[sp];
  switch (*p) {
  case '"': {
    size_t n;
    const unsigned char *q = scan_string(p, end, j->strs + sused, &n, &se);
    if (!q) goto bad_string;
    v->tag = TM_JSTR;
    v->off = (uint32_t)(p - s);
    v->len = (uint32_t)(q - p);
    v->a = (uint32_t)sused;
    v->b = (uint32_t)n;
    sused += n + 1;
    sp++;
    p = q;
    goto next;
  }
  case '{':
  case '[':
    if (depth == TM_JSON_MAX_DEPTH)
      return fail(err, text, (size_t)(p - s), "nesting deeper than %d", TM_JSON_MAX_DEPTH);
    fr[depth].start = (uint32_t)(p - s);
    fr[depth].base = (uint32_t)sp;
    fr[depth].obj = *p == '{';
    depth++;
    p = skip_ws(p + 1, end);
    if (p < end && *p == (fr[depth - 1].obj ? '}' : ']')) goto close;
    if (fr[depth - 1].obj) goto key;
    goto value;
  case 't':
  case 'f':
  case 'n': {
    static const char *const lit[] = {"null", "false", "true"};
    int t = *p == 'n' ? TM_JNULL : *p == 'f' ? TM_JFALSE : TM_JTRUE;
    size_t n = strlen(lit[t]);
    if ((size_t)(end - p) < n || memcmp(p, lit[t], n) != 0)
      return fail(err, text, (size_t)(p - s), "invalid literal (expected %s)", lit[t]);
    v->tag = (uint32_t)t;
    v->off = (uint32_t)(p - s);
    v->len = (uint32_t)n;
    v->a = v->b = 0;
    sp++;
    p += n;
    goto next;
  }
  default:
    if (*p == '-' || is_digit(*p)) {
      const unsigned char *q = scan_number(p, end, &why, &at);
      if (!q) return fail(err, text, (size_t)(at - s), "%s", why);
      v->tag = TM_JNUM;
      v->off = (uint32_t)(p - s);
      v->len = (uint32_t)(q - p);
      v->a = v->b = 0;
      sp++;
      p = q;
      goto next;
    }
    return fail(err, text, (size_t)(p - s), "expected a value, found %s", describe(p, end, dbuf));
  }

key: /* inside an object, a key is expected at p (after whitespace) */
  if (p == end || *p != '"')
    return fail(err, text, (size_t)(p - s), "expected a string key, found %s", describe(p, end, dbuf));
  if (sp == scap) {
    if (TM_GROW(j->stk, j->scap, sp + 1)) return tm_error_nomem(err);
    stk = j->stk;
    scap = j->scap;
  }
  {
    size_t n;
    const unsigned char *q = scan_string(p, end, j->strs + sused, &n, &se);
    if (!q) goto bad_string;
    v = &stk[sp++];
    v->tag = TM_JSTR;
    v->off = (uint32_t)(p - s);
    v->len = (uint32_t)(q - p);
    v->a = (uint32_t)sused;
    v->b = (uint32_t)n;
    sused += n + 1;
    p = skip_ws(q, end);
  }
  if (p == end || *p != ':')
    return fail(err, text, (size_t)(p - s), "expected ':' after the key, found %s", describe(p, end, dbuf));
  p++;
  goto value;

next: /* a value ended at p */
  if (depth == 0) goto done;
  p = skip_ws(p, end);
  if (p < end && *p == ',') {
    p = skip_ws(p + 1, end);
    if (p < end && *p == (fr[depth - 1].obj ? '}' : ']'))
      return fail(err, text, (size_t)(p - s), "trailing comma before '%c'", *p);
    if (fr[depth - 1].obj) goto key;
    goto value;
  }
  if (p < end && *p == (fr[depth - 1].obj ? '}' : ']')) goto close;
  if (p == end) {
    size_t line, col;
    line_col(text, fr[depth - 1].start, &line, &col);
    return fail(err, text, (size_t)(p - s), "end of input inside the %s opened at line %zu col %zu",
                fr[depth - 1].obj ? "object" : "array", line, col);
  }
  return fail(err, text, (size_t)(p - s), "expected ',' or '%c', found %s", fr[depth - 1].obj ? '}' : ']',
              describe(p, end, dbuf));

close: /* p is at the closing bracket of fr[depth - 1] */
  if (close_container(j, &fr[--depth], (size_t)(p - s), &sp, &nused)) return tm_error_nomem(err);
  p++;
  goto next;

done:
  p = skip_ws(p, end);
  if (p != end)
    return fail(err, text, (size_t)(p - s), "unexpected %s after the value", describe(p, end, dbuf));
  if (nused + 1 > j->ncap && TM_GROW(j->nodes, j->ncap, nused + 1)) return tm_error_nomem(err);
  j->nodes[nused] = stk[0];
  j->nodes[nused].tag = (uint32_t)nused << 3 | (stk[0].tag & 7u);
  head h = {text, j->strs};
  memcpy(&j->nodes[0], &h, sizeof h);
  *root = &j->nodes[nused];
  return 0;

bad_string:
  return string_fail(err, text, end, &se);
}

/* ------------------------------------------------------------ accessors */

static head head_of(const tm_jval *v) {
  head h;
  memcpy(&h, v - INDEX(v), sizeof h);
  return h;
}

tm_jtype tm_jval_type(const tm_jval *v) { return v ? TYPE(v) : TM_JNULL; }

static const tm_jval *get_n(const tm_jval *obj, const char *key, size_t klen) {
  if (!obj || TYPE(obj) != TM_JOBJ) return NULL;
  const tm_jval *k = obj - INDEX(obj) + obj->a;
  const char *strs = head_of(obj).strs;
  for (uint32_t i = 0; i < obj->b; i++, k += 2)
    if (k->b == klen && memcmp(strs + k->a, key, klen) == 0) return k + 1;
  return NULL;
}

const tm_jval *tm_jval_get(const tm_jval *obj, const char *key) { return get_n(obj, key, strlen(key)); }

const tm_jval *tm_jval_path(const tm_jval *v, const char *dotted) {
  for (;;) {
    const char *dot = strchr(dotted, '.');
    size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
    v = get_n(v, dotted, n);
    if (!v || !dot) return v;
    dotted = dot + 1;
  }
}

const char *tm_jval_str(const tm_jval *v, size_t *len) {
  if (!v || TYPE(v) != TM_JSTR) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->b;
  return head_of(v).strs + v->a;
}

const char *tm_jval_raw(const tm_jval *v, size_t *len) {
  if (!v) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->len;
  return head_of(v).text + v->off;
}

#define NUM_DIGITS 800 /* significant digits kept; see the file comment */

bool tm_jval_num(const tm_jval *v, double *out) {
  if (!v || TYPE(v) != TM_JNUM) return false;
  const char *t = head_of(v).text + v->off, *e = t + v->len;
  char buf[NUM_DIGITS + 32];
  size_t n = 0, kept = 0;
  long long exp10 = 0; /* value = digits in buf * 10^exp10 */
  bool sticky = false, frac = false;
  if (*t == '-') buf[n++] = *t++;
  for (; t < e && (is_digit((unsigned char)*t) || *t == '.'); t++) {
    if (*t == '.') {
      frac = true;
    } else if (kept == 0 && *t == '0') {
      if (frac) exp10--; /* a leading zero */
    } else if (kept < NUM_DIGITS) {
      buf[n++] = *t;
      kept++;
      if (frac) exp10--;
    } else {
      sticky |= *t != '0';
      if (!frac) exp10++;
    }
  }
  if (sticky) {
    buf[n++] = '1';
    exp10--;
  }
  if (t < e) { /* the exponent: saturates far beyond any double */
    t++;
    bool neg = *t == '-';
    if (*t == '-' || *t == '+') t++;
    long long x = 0;
    for (; t < e; t++)
      if (x < 1000000000) x = x * 10 + (*t - '0');
    exp10 += neg ? -x : x;
  }
  if (kept == 0) buf[n++] = '0';
  exp10 = exp10 < -100000 ? -100000 : exp10 > 100000 ? 100000 : exp10;
  snprintf(buf + n, sizeof buf - n, "e%lld", exp10);
  *out = strtod(buf, NULL);
  return true;
}

size_t tm_jval_count(const tm_jval *v) { return v && (TYPE(v) == TM_JARR || TYPE(v) == TM_JOBJ) ? v->b : 0; }

const tm_jval *tm_jval_at(const tm_jval *v, size_t i) {
  if (!v || i >= tm_jval_count(v)) return NULL;
  const tm_jval *kids = v - INDEX(v) + v->a;
  return TYPE(v) == TM_JOBJ ? &kids[2 * i + 1] : &kids[i];
}

const char *tm_jval_key_at(const tm_jval *v, size_t i, size_t *len) {
  if (!v || TYPE(v) != TM_JOBJ || i >= v->b) {
    if (len) *len = 0;
    return NULL;
  }
  return tm_jval_str(v - INDEX(v) + v->a + 2 * i, len);
}
