/*
 * rfm.c — recency, frequency, monetary value per customer, quintile scores
 * and the named RFM segments (docs/segments.md).
 *
 * Scores: customers are ranked best first — most recent, most orders, most
 * money — with ties broken by customer key, and the customer at rank i of n
 * scores 5 - floor(5 i / n): the top fifth 5, the bottom fifth 1 (what pandas'
 * qcut of rank(method="first") does, up to where the fifths' edges fall).
 * Segments follow the usual recency x frequency grid; monetary value is scored
 * and reported but does not name the segment.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeparse.h"
#include "store/dataset.h"
#include "mine/persona.h"
#include "mine/segment_store.h"

typedef struct rfm_row {
  uint32_t c;           /* customer index */
  int64_t recency_days, frequency, cents;
  uint8_t r, f, m;
} rfm_row;

/* The grid: a segment per (r, f) score pair. */
static const char *segment_of(int r, int f) {
  if (r >= 4 && f >= 4) return r == 4 && f == 4 ? "Loyal" : "Champions";
  if (r == 5 && f == 1) return "New";
  if (r == 4 && f == 1) return "Promising";
  if (r >= 4 && f >= 2) return "Potential loyalists";
  if (r == 3 && f >= 4) return "Loyal";
  if (r == 3 && f == 3) return "Need attention";
  if (r == 3) return "About to sleep";
  if (f == 5) return "Can't lose them";
  if (f >= 3) return "At risk";
  if (r == 2) return "Hibernating";
  return "Lost";
}

static const char *const segment_order[] = {"Champions", "Loyal", "Potential loyalists", "New", "Promising",
                                            "Need attention", "About to sleep", "At risk", "Can't lose them",
                                            "Hibernating", "Lost"};
#define NSEG (sizeof segment_order / sizeof segment_order[0])

static int seg_index(const char *s) {
  for (size_t i = 0; i < NSEG; i++)
    if (!strcmp(segment_order[i], s)) return (int)i;
  return 0;
}

static int64_t day_of(int64_t ms) { return ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000); }

typedef struct sort_ctx {
  const tm_dataset *ds;
  const rfm_row *rows;
  int by; /* 0 recency (ascending), 1 frequency, 2 monetary (descending) */
} sort_ctx;

static int better_first(const void *a, const void *b, void *payload) {
  const sort_ctx *cx = payload;
  const rfm_row *x = &cx->rows[*(const uint32_t *)a], *y = &cx->rows[*(const uint32_t *)b];
  int64_t vx = cx->by == 0 ? -x->recency_days : cx->by == 1 ? x->frequency : x->cents;
  int64_t vy = cx->by == 0 ? -y->recency_days : cx->by == 1 ? y->frequency : y->cents;
  if (vx != vy) return vx > vy ? -1 : 1;
  return strcmp(tm_dataset_key(cx->ds, x->c), tm_dataset_key(cx->ds, y->c));
}

static void score(const tm_dataset *ds, rfm_row *rows, size_t n, uint32_t *order, int by) {
  for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
  sort_ctx cx = {ds, rows, by};
  qsort_r(order, n, sizeof *order, better_first, &cx);
  for (size_t i = 0; i < n; i++) {
    uint8_t s = (uint8_t)(5 - (5 * i) / n);
    rfm_row *r = &rows[order[i]];
    if (by == 0) r->r = s;
    else if (by == 1) r->f = s;
    else r->m = s;
  }
}

static int save(tm_warehouse *wh, const tm_dataset *ds, const rfm_row *rows, size_t n, int64_t as_of,
                int64_t *run_id, tm_error *err) {
  seg_writer w;
  sqlite3_stmt *rf = NULL;
  int rc = seg_writer_begin(&w, wh, "rfm", as_of, (int64_t)n, err);
  if (rc) return rc;
  *run_id = w.run_id;
  rc = tm_wh_prepare(wh, &rf,
                     "INSERT INTO customer_rfm(run_id, customer_id, recency_days, frequency, monetary, r, f, m) "
                     "VALUES(?,?,?,?,?,?,?,?)",
                     err);
  for (size_t i = 0; i < n && !rc; i++) {
    const rfm_row *r = &rows[i];
    if ((rc = seg_writer_add(&w, ds->cust_id[r->c], segment_of(r->r, r->f), err))) break;
    sqlite3_bind_int64(rf, 1, w.run_id);
    sqlite3_bind_int64(rf, 2, ds->cust_id[r->c]);
    sqlite3_bind_int64(rf, 3, r->recency_days);
    sqlite3_bind_int64(rf, 4, r->frequency);
    sqlite3_bind_double(rf, 5, (double)r->cents / 100.0);
    sqlite3_bind_int(rf, 6, r->r);
    sqlite3_bind_int(rf, 7, r->f);
    sqlite3_bind_int(rf, 8, r->m);
    if (sqlite3_step(rf) != SQLITE_DONE) rc = tm_wh_fail(wh, err, "saving RFM");
    sqlite3_reset(rf);
  }
  sqlite3_finalize(rf);
  return seg_writer_end(&w, rc, err);
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

int tm_rfm_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_rfm_options *opt,
                   tm_error *err) {
  static const tm_rfm_options defaults = TM_RFM_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  uint16_t ret = (uint16_t)tm_names_find(&ds->types, "return");
  int64_t as_of = opt->as_of_ms;
  if (!as_of) { /* midnight after the last purchase */
    int64_t last = INT64_MIN;
    for (size_t i = 0; i < ds->off[ds->ncust]; i++)
      if (purchase && ds->type[i] == purchase && ds->ts[i] > last) last = ds->ts[i];
    as_of = last == INT64_MIN ? 0 : (day_of(last) + 1) * 86400000;
  }
  rfm_row *rows = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *rows);
  uint32_t *order = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *order);
  tm_doc *doc = NULL;
  tm_table *t = NULL, *s = NULL;
  int rc = 0;
  if (!rows || !order) goto oom;
  size_t n = 0;
  for (size_t c = 0; c < ds->ncust; c++) {
    int64_t last = INT64_MIN, freq = 0, cents = 0;
    for (size_t i = ds->off[c]; i < ds->off[c + 1] && ds->ts[i] < as_of; i++) {
      if (!ds->type[i] || (ds->type[i] != purchase && ds->type[i] != ret)) continue;
      cents += tm_cents(ds->amount[i]);
      if (ds->type[i] == purchase) freq++, last = ds->ts[i];
    }
    if (!freq) continue;
    rows[n] = (rfm_row){(uint32_t)c, day_of(as_of) - day_of(last), freq, cents, 0, 0, 0};
    n++;
  }
  if (n) {
    score(ds, rows, n, order, 1);
    score(ds, rows, n, order, 2);
    score(ds, rows, n, order, 0); /* last: order[] stays in recency order for the output */
  }
  int64_t run_id = 0;
  if (wh && !wh->readonly && n && (rc = save(wh, ds, rows, n, as_of, &run_id, err))) goto fail;

  char asof_text[32];
  int64_t seg_count[NSEG] = {0}, seg_cents[NSEG] = {0}, total_cents = 0;
  if (tm_doc_new(&doc, "touchmine segment --by rfm") || tm_doc_set_str(doc, "as_of", tm_time_format_date(as_of, asof_text)) ||
      tm_doc_set_int(doc, "customers", (int64_t)n) || tm_doc_set_int(doc, "run_id", run_id))
    goto oom;
  if (tm_table_new(&s, "segments", "RFM segments") || tm_doc_add_table(doc, s)) goto oom;
  if (COL(s, "segment", TM_COL_STR) || COL(s, "customers", TM_COL_INT) || COL(s, "share", TM_COL_SHARE) ||
      COL(s, "revenue", TM_COL_REAL) || COL(s, "revenue_share", TM_COL_SHARE))
    goto oom;
  if (tm_table_new(&t, "rfm", "Customers (best RFM first)") || tm_doc_add_table(doc, t)) goto oom;
  if (COL(t, "customer", TM_COL_STR) || COL(t, "recency_days", TM_COL_INT) || COL(t, "frequency", TM_COL_INT) ||
      COL(t, "monetary", TM_COL_REAL) || COL(t, "r", TM_COL_INT) || COL(t, "f", TM_COL_INT) ||
      COL(t, "m", TM_COL_INT) || COL(t, "segment", TM_COL_STR))
    goto oom;
  /* rows best first: by the RFM score, then recency order */
  for (int score_sum = 15; score_sum >= 3; score_sum--)
    for (size_t i = 0; i < n; i++) {
      const rfm_row *r = &rows[order[i]];
      if (r->r + r->f + r->m != score_sum) continue;
      const char *seg = segment_of(r->r, r->f);
      int k = seg_index(seg);
      seg_count[k]++;
      seg_cents[k] += r->cents;
      total_cents += r->cents;
      if (tm_table_add_row(t) || tm_table_set_str(t, 0, tm_dataset_key(ds, r->c)) ||
          tm_table_set_int(t, 1, r->recency_days) || tm_table_set_int(t, 2, r->frequency) ||
          tm_table_set_real(t, 3, (double)r->cents / 100.0) || tm_table_set_int(t, 4, r->r) ||
          tm_table_set_int(t, 5, r->f) || tm_table_set_int(t, 6, r->m) || tm_table_set_str(t, 7, seg))
        goto oom;
    }
  for (size_t k = 0; k < NSEG; k++) {
    if (tm_table_add_row(s) || tm_table_set_str(s, 0, segment_order[k]) || tm_table_set_int(s, 1, seg_count[k]) ||
        tm_table_set_real(s, 2, n ? (double)seg_count[k] / (double)n : 0) ||
        tm_table_set_real(s, 3, (double)seg_cents[k] / 100.0) ||
        tm_table_set_real(s, 4, total_cents ? (double)seg_cents[k] / (double)total_cents : 0))
      goto oom;
  }
  { /* persona cards of the RFM segments */
    uint32_t *seg = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *seg);
    tm_features f;
    if (!seg) goto oom;
    for (size_t c = 0; c < ds->ncust; c++) seg[c] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) seg[rows[i].c] = (uint32_t)seg_index(segment_of(rows[i].r, rows[i].f));
    if (!(rc = tm_features_build(&f, ds, wh, err))) {
      rc = tm_personas(doc, wh, run_id, ds, &f, seg, NSEG, segment_order, err);
      tm_features_free(&f);
    }
    tm_free(seg);
    if (rc) goto fail;
  }
  tm_free(rows);
  tm_free(order);
  *out = doc;
  return 0;
oom:
  rc = tm_error_nomem(err);
fail:
  tm_free(rows);
  tm_free(order);
  tm_doc_free(doc);
  return rc;
}
