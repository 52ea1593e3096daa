/*
 * dirty.c — from a person's staged rows to the chunk's file buffers, with the
 * dirt real exports have.
 *
 * A person's rows of each file are sorted by time (stable) and copied out.
 * After each clean row of a file that takes dirt, with probability
 * q = rate / (1 - rate) (so that dirty rows are `rate` of all rows), one
 * dirty row follows, drawn from the person's own dirt stream so the clean
 * rows never depend on the rate. Dirty rows are always extra rows: the clean
 * data is complete without them. Kinds, equally likely among those a file
 * can have:
 *   bad_date        the time field is an impossible or unparseable time
 *   bad_quantity    (orders) quantity -99999, 0 or 100000
 *   exact_duplicate the row again, byte for byte
 *   near_duplicate  same id, one field nudged (orders: quantity; contacts:
 *                   duration; others: the time by a few seconds)
 *   invalid_utf8    a bad byte sequence inside a text field
 *   missing_id      every identifier field empty (JSON: userId, anonymousId,
 *                   previousId removed, traits emptied)
 *   wrong_columns   a field dropped or added (JSON: the line cut before
 *                   its context, outside any string)
 * Rows of kinds other than the duplicates get a fresh id (the clean id plus
 * "d"; orders change the order id too; JSON a fresh messageId) so that they
 * are never mistaken for a version of a clean row.
 */
#include <stdlib.h>

#include "synth/synth_int.h"

const char *const sy_dirty_names[SY_D_N] = {"bad_date",       "bad_quantity", "exact_duplicate",
                                            "near_duplicate", "invalid_utf8", "missing_id",
                                            "wrong_columns"};

/* ---------------------------------------------------------------- staging */

void sy_row_begin(sy_stage *st, int64_t ts, int off_min) {
  if (st->oom || TM_GROW(st->rows, st->cap, st->n + 1)) {
    st->oom = true;
    return;
  }
  st->rows[st->n] = (sy_row){.ts = ts, .off = (uint32_t)st->text.len, .off_min = off_min};
}

void sy_row_end(sy_stage *st) {
  if (st->oom) return;
  st->rows[st->n].len = (uint32_t)(st->text.len - st->rows[st->n].off);
  st->n++;
}

static int row_cmp(const void *a, const void *b) {
  const sy_row *x = a, *y = b;
  if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* ------------------------------------------------------------- CSV fields */

#define MAX_FIELDS 24

typedef struct fields {
  sy_buf *store; /* unquoted bytes of every field */
  size_t off[MAX_FIELDS + 1], len[MAX_FIELDS + 1];
  int n;
} fields;

/* Splits a row written by sy_csv_field (quotes only around fields that need
 * them, "" inside). */
static void split(const char *s, size_t n, char delim, fields *f) {
  f->store->len = 0;
  f->n = 0;
  size_t i = 0;
  for (;;) {
    if (f->n == MAX_FIELDS) return;
    size_t start = f->store->len;
    if (i < n && s[i] == '"') {
      i++;
      while (i < n) {
        if (s[i] == '"') {
          if (i + 1 < n && s[i + 1] == '"') {
            sy_putc(f->store, '"');
            i += 2;
            continue;
          }
          i++;
          break;
        }
        sy_putc(f->store, s[i++]);
      }
    }
    while (i < n && s[i] != delim)
      sy_putc(f->store, s[i++]);
    f->off[f->n] = start;
    f->len[f->n] = f->store->len - start;
    f->n++;
    if (i >= n) return;
    i++; /* the delimiter */
  }
}

/* Replacement values, set field by field, then joined. */
typedef struct edit {
  const sy_buf *vals; /* replacement bytes live here, at off[i] */
  size_t off[MAX_FIELDS + 1], len[MAX_FIELDS + 1];
  bool set[MAX_FIELDS + 1];
} edit;

static void join(sy_buf *out, const fields *f, const edit *e, char delim, int drop, int add_at,
                 const char *add) {
  bool first = true;
  for (int i = 0; i <= f->n; i++) {
    if (i == add_at) {
      if (!first) sy_putc(out, delim);
      sy_csv_str(out, add, delim);
      first = false;
    }
    if (i == f->n) break;
    if (i == drop) continue;
    if (!first) sy_putc(out, delim);
    first = false;
    if (e->set[i])
      sy_csv_field(out, e->vals->p + e->off[i], e->len[i], delim);
    else
      sy_csv_field(out, f->store->p + f->off[i], f->len[i], delim);
  }
}

/* ------------------------------------------------------------ bad values */

static const char *const bad_utf8[] = {
    "\xff", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\xf8\x88\x80\x80\x80", "\x80"};

/* An impossible or unparseable time in the style of format f. */
static void bad_time(tm_rng *r, sy_buf *b, sy_tfmt f, int64_t ms) {
  int64_t days = ms / SY_DAY_MS;
  int y, m, d;
  sy_civil_from_days(days, &y, &m, &d);
  int kind = (int)tm_rng_below(r, 5);
  static const char *const junk[] = {"N/A", "#VALUE!", "TBC", "not a date", "??"};
  if (f == SY_T_EPOCH_S || f == SY_T_EPOCH_MS) {
    static const char *const bad_epoch[] = {"17x0000000", "NaN", "-", "#VALUE!", "1.7e9.5", "null-ts"};
    sy_puts(b, bad_epoch[tm_rng_below(r, TM_ARRAY_LEN(bad_epoch))]);
    return;
  }
  if (kind == 4) {
    sy_puts(b, junk[tm_rng_below(r, TM_ARRAY_LEN(junk))]);
    return;
  }
  /* kind 0: day 32 or Feb 30; 1: month 13; 2: hour 25; 3: minute 61 */
  int dd = kind == 0 ? (tm_rng_bernoulli(r, 0.5) ? 32 : 30) : d;
  int mm = kind == 0 && dd == 30 ? 2 : kind == 1 ? 13 : m;
  int hh = kind == 2 ? 25 : 10, mi = kind == 3 ? 61 : 15;
  char tmp[64];
  sy_buf t = SY_FIXED(tmp);
  if (f == SY_T_DMY_HM) {
    sy_u64w(&t, (uint64_t)dd, 2);
    sy_putc(&t, '/');
    sy_u64w(&t, (uint64_t)mm, 2);
    sy_putc(&t, '/');
    sy_u64w(&t, (uint64_t)y, 4);
    sy_putc(&t, ' ');
  } else {
    sy_u64w(&t, (uint64_t)y, 4);
    sy_putc(&t, '-');
    sy_u64w(&t, (uint64_t)mm, 2);
    sy_putc(&t, '-');
    sy_u64w(&t, (uint64_t)dd, 2);
    sy_putc(&t, f == SY_T_SQL ? ' ' : 'T');
  }
  sy_u64w(&t, (uint64_t)hh, 2);
  sy_putc(&t, ':');
  sy_u64w(&t, (uint64_t)mi, 2);
  if (f != SY_T_DMY_HM) SY_LIT(&t, ":00");
  if (f == SY_T_ISO_OFF) SY_LIT(&t, ".000+00:00");
  if (f == SY_T_ISO_Z) sy_putc(&t, 'Z');
  sy_put(b, t.p, t.len);
}

/* ------------------------------------------------------------------- CSV */

static int dirty_csv(sy_ctx *c, int f, const sy_row *row, sy_buf *out) {
  const sy_filespec *fs = &sy_files[f];
  tm_rng *r = &c->dirt;
  const char *s = c->st[f].text.p + row->off;
  size_t n = row->len;
  int nk = fs->f_qty >= 0 ? SY_D_N : SY_D_N - 1;
  int kind = (int)tm_rng_below(r, (uint64_t)nk);
  if (fs->f_qty < 0 && kind >= SY_D_BAD_QUANTITY) kind++;
  if (kind == SY_D_EXACT_DUP) {
    sy_put(out, s, n);
    return kind;
  }
  fields fl = {.store = &c->tmp};
  split(s, n, fs->delim, &fl);
  edit e;
  memset(&e, 0, sizeof e);
  sy_buf *scratch = &c->tmp2;
  scratch->len = 0;
  e.vals = scratch;
#define SETVAL(i, code)                                                                                      \
  do {                                                                                                       \
    size_t o_ = scratch->len;                                                                                \
    code;                                                                                                    \
    e.off[i] = o_;                                                                                           \
    e.len[i] = scratch->len - o_;                                                                            \
    e.set[i] = true;                                                                                         \
  } while (0)
  if (kind == SY_D_NEAR_DUP) {
    if (fs->f_near >= 0 && fs->f_near < fl.n) {
      long v = strtol(fl.store->p + fl.off[fs->f_near], NULL, 10);
      long nv = fs->f_qty >= 0 ? (v < 0 ? v - 1 : v + 1) : v + 1 + (long)tm_rng_below(r, 10);
      SETVAL(fs->f_near, sy_i64(scratch, nv));
    } else {
      int64_t dt = fs->tfmt == SY_T_EPOCH_MS ? 1 + (int64_t)tm_rng_below(r, 999)
                                             : 1000 * (1 + (int64_t)tm_rng_below(r, 59));
      SETVAL(fs->f_ts, sy_fmt_time(scratch, fs->tfmt, row->ts + dt, row->off_min));
    }
    join(out, &fl, &e, fs->delim, -1, -1, NULL);
    return kind;
  }
  /* a fresh id */
  SETVAL(fs->f_id,
         (sy_put(scratch, fl.store->p + fl.off[fs->f_id], fl.len[fs->f_id]), sy_putc(scratch, 'd')));
  if (fs->f_order >= 0)
    SETVAL(fs->f_order,
           (sy_put(scratch, fl.store->p + fl.off[fs->f_order], fl.len[fs->f_order]), sy_putc(scratch, 'd')));
  int drop = -1, add_at = -1;
  switch (kind) {
  case SY_D_BAD_DATE: SETVAL(fs->f_ts, bad_time(r, scratch, fs->tfmt, row->ts)); break;
  case SY_D_BAD_QUANTITY: {
    static const char *const q[] = {"-99999", "0", "100000"};
    SETVAL(fs->f_qty, sy_puts(scratch, q[tm_rng_below(r, 3)]));
    break;
  }
  case SY_D_INVALID_UTF8: {
    const char *t = fl.store->p + fl.off[fs->f_text];
    size_t tl = fl.len[fs->f_text], at = tl ? 1 + tm_rng_below(r, tl) : 0;
    if (at > tl) at = tl;
    SETVAL(fs->f_text,
           (sy_put(scratch, t, at), sy_puts(scratch, bad_utf8[tm_rng_below(r, TM_ARRAY_LEN(bad_utf8))]),
            sy_put(scratch, t + at, tl - at)));
    break;
  }
  case SY_D_MISSING_ID:
    for (int i = 0; i < fs->nids; i++)
      SETVAL(fs->ids[i], (void)0);
    break;
  case SY_D_WRONG_COLUMNS:
    if (tm_rng_bernoulli(r, 0.5))
      drop = 1 + (int)tm_rng_below(r, (uint64_t)fl.n - 1);
    else
      add_at = 1 + (int)tm_rng_below(r, (uint64_t)fl.n);
    break;
  }
#undef SETVAL
  join(out, &fl, &e, fs->delim, drop, add_at, add_at >= 0 ? "extra" : NULL);
  return kind;
}

/* ------------------------------------------------------------------ JSON */

/* Finds "key":" in s[0..n) and returns the offset of the value's first byte. */
static long find_value(const char *s, size_t n, const char *key) {
  size_t k = strlen(key);
  for (size_t i = 0; i + k + 4 < n; i++)
    if (s[i] == '"' && !memcmp(s + i + 1, key, k) && s[i + 1 + k] == '"' && s[i + 2 + k] == ':' &&
        s[i + 3 + k] == '"')
      return (long)(i + 4 + k);
  return -1;
}

static size_t value_end(const char *s, size_t n, size_t v) {
  while (v < n && s[v] != '"')
    v++;
  return v;
}

static int dirty_json(sy_ctx *c, const sy_row *row, sy_buf *out) {
  tm_rng *r = &c->dirt;
  const char *s = c->st[SY_F_WEB].text.p + row->off;
  size_t n = row->len;
  int kind = (int)tm_rng_below(r, SY_D_N - 1);
  if (kind >= SY_D_BAD_QUANTITY) kind++;
  if (kind == SY_D_EXACT_DUP) {
    sy_put(out, s, n);
    return kind;
  }
  sy_buf *w = &c->tmp;
  w->len = 0;
  long ts = find_value(s, n, "timestamp");
  if (kind == SY_D_NEAR_DUP) {
    size_t te = value_end(s, n, (size_t)ts);
    sy_put(out, s, (size_t)ts);
    sy_fmt_time(out, SY_T_ISO_OFF, row->ts + 1000 * (1 + (int64_t)tm_rng_below(r, 59)), row->off_min);
    sy_put(out, s + te, n - te);
    return kind;
  }
  /* a fresh messageId */
  long mid = find_value(s, n, "messageId");
  size_t me = value_end(s, n, (size_t)mid);
  sy_put(w, s, (size_t)mid);
  sy_uuid(w, (3ULL << 60) | (c->p.idx << 28) | (c->k_msg++ & 0xfffffffULL), tm_rng_next(r));
  sy_put(w, s + me, n - me);
  s = w->p;
  n = w->len;
  switch (kind) {
  case SY_D_BAD_DATE: {
    ts = find_value(s, n, "timestamp");
    size_t te = value_end(s, n, (size_t)ts);
    sy_put(out, s, (size_t)ts);
    bad_time(r, out, SY_T_ISO_OFF, row->ts);
    sy_put(out, s + te, n - te);
    break;
  }
  case SY_D_INVALID_UTF8: {
    long lv = find_value(s, n, "locale");
    size_t at = (size_t)lv + 2;
    sy_put(out, s, at);
    sy_puts(out, bad_utf8[tm_rng_below(r, TM_ARRAY_LEN(bad_utf8))]);
    sy_put(out, s + at, n - at);
    break;
  }
  case SY_D_MISSING_ID: {
    /* drop ,"anonymousId":"…" ,"userId":"…" ,"previousId":"…" and empty traits */
    static const char *const keys[] = {"anonymousId", "userId", "previousId"};
    size_t i = 0;
    while (i < n) {
      bool cut = false;
      for (int k = 0; k < 3 && !cut; k++) {
        size_t kl = strlen(keys[k]);
        if (s[i] == ',' && i + kl + 5 < n && s[i + 1] == '"' && !memcmp(s + i + 2, keys[k], kl) &&
            s[i + 2 + kl] == '"' && s[i + 3 + kl] == ':' && s[i + 4 + kl] == '"') {
          i = value_end(s, n, i + 5 + kl) + 1;
          cut = true;
        }
      }
      if (cut) continue;
      if (i + 10 <= n && !memcmp(s + i, "\"traits\":{", 10)) {
        SY_LIT(out, "\"traits\":{}");
        i += 10;
        while (i < n && s[i] != '}')
          i++;
        i++;
        continue;
      }
      sy_putc(out, s[i++]);
    }
    break;
  }
  default: { /* wrong_columns: cut before the context, outside any string */
    size_t cut = n;
    for (size_t i = 0; i + 11 < n; i++)
      if (!memcmp(s + i, ",\"context\":", 11)) cut = i;
    sy_put(out, s, cut);
    break;
  }
  }
  return kind;
}

/* ------------------------------------------------------------------ emit */

void sy_emit_person(sy_ctx *c) {
  sy_chunk *ck = c->ck;
  double q = c->w->dirty_q;
  for (int f = 0; f < SY_NFILES; f++) {
    sy_stage *st = &c->st[f];
    if (st->oom || st->text.oom) c->oom = true;
    if (st->n > 1) qsort(st->rows, st->n, sizeof *st->rows, row_cmp);
    sy_buf *out = &ck->out[f];
    const sy_filespec *fs = &sy_files[f];
    for (size_t i = 0; i < st->n; i++) {
      const sy_row *row = &st->rows[i];
      sy_put(out, st->text.p + row->off, row->len);
      sy_putc(out, '\n');
      ck->rows[f]++;
      if (!fs->dirty || !(q > 0) || !tm_rng_bernoulli(&c->dirt, q)) continue;
      int kind = f == SY_F_WEB ? dirty_json(c, row, out) : dirty_csv(c, f, row, out);
      sy_putc(out, '\n');
      if (TM_GROW(ck->marks, ck->capmarks, ck->nmarks + 1)) {
        c->oom = true;
      } else {
        ck->marks[ck->nmarks++] = (sy_mark){.row = ck->rows[f], .file = (uint8_t)f, .kind = (uint8_t)kind};
      }
      ck->dirty[f][kind]++;
      ck->rows[f]++;
    }
    st->n = 0;
    st->text.len = 0;
  }
  if (c->tmp.oom || c->tmp2.oom) c->oom = true;
}

void sy_ctx_free(sy_ctx *c) {
  for (int f = 0; f < SY_NFILES; f++) {
    sy_buf_free(&c->st[f].text);
    tm_free(c->st[f].rows);
  }
  tm_free(c->buys);
  tm_free(c->orders);
  sy_buf_free(&c->tmp);
  sy_buf_free(&c->tmp2);
  memset(c, 0, sizeof *c);
}
