/*
 * sections.c — the dashboard's sections: each loads its figures from the
 * warehouse (the latest run of the analysis behind it, docs/report.md) into a
 * tm_doc, and draws that doc as charts plus data tables. The JSON API serves
 * the same docs, so the page and the API always agree.
 *
 * A section whose tables are empty says which command fills them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/report_int.h"
#include "report/sections.h"
#include "store/warehouse_int.h"

#define TOP 20
#define SAMPLE_STR "100000" /* points kept for a scatter, about */

/* ------------------------------------------------------------ SQL -> table */

/* Runs sql into a new table of doc. types: one letter per column, s(tring),
 * i(nteger), r(eal) or %(share). A missing table (an older warehouse) gives an
 * empty table: the section then says there is no data. */
static int sql_table(tm_doc *doc, tm_warehouse *wh, const char *name, const char *title, const char *types,
                     const char *sql, tm_error *err) {
  tm_table *t;
  if (tm_table_new(&t, name, title) || tm_doc_add_table(doc, t)) return tm_error_nomem(err);
  sqlite3_stmt *st;
  int missing = sqlite3_prepare_v2(wh->db, sql, -1, &st, NULL) != SQLITE_OK;
  size_t nc = strlen(types);
  for (size_t c = 0; c < nc; c++) {
    const char *cn = missing ? "?" : sqlite3_column_name(st, (int)c);
    tm_coltype ty = types[c] == 'i' ? TM_COL_INT : types[c] == 'r' ? TM_COL_REAL : types[c] == '%' ? TM_COL_SHARE : TM_COL_STR;
    if (tm_table_add_col(t, cn ? cn : "?", ty) < 0) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
  }
  if (missing) return 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (tm_table_add_row(t)) goto oom;
    for (size_t c = 0; c < nc; c++) {
      int col = (int)c, r = 0;
      if (sqlite3_column_type(st, col) == SQLITE_NULL) continue;
      if (types[c] == 's') r = tm_table_set_str(t, col, (const char *)sqlite3_column_text(st, col));
      else if (types[c] == 'i') r = tm_table_set_int(t, col, sqlite3_column_int64(st, col));
      else r = tm_table_set_real(t, col, sqlite3_column_double(st, col));
      if (r) goto oom;
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(wh, err, name);
  return 0;
oom:
  sqlite3_finalize(st);
  return tm_error_nomem(err);
}

static int sql_scalar(tm_doc *doc, tm_warehouse *wh, const char *key, const char *sql, tm_error *err) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(wh->db, sql, -1, &st, NULL) != SQLITE_OK) return 0; /* absent table: no scalar */
  int rc = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    int ty = sqlite3_column_type(st, 0);
    if (ty == SQLITE_INTEGER) rc = tm_doc_set_int(doc, key, sqlite3_column_int64(st, 0));
    else if (ty == SQLITE_FLOAT) rc = tm_doc_set_real(doc, key, sqlite3_column_double(st, 0));
    else if (ty == SQLITE_TEXT) rc = tm_doc_set_str(doc, key, (const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return rc ? tm_error_nomem(err) : 0;
}

#define T(name, title, types, sql) \
  if ((rc = sql_table(doc, cx->wh, name, title, types, sql, err))) return rc
#define S(key, sql) \
  if ((rc = sql_scalar(doc, cx->wh, key, sql, err))) return rc

/* Copies table name of src into doc. */
int rp_copy_table(tm_doc *doc, const tm_doc *src, const char *name, tm_error *err) {
  const tm_table *s = src ? tm_doc_table(src, name) : NULL;
  if (!s) return 0;
  tm_table *t;
  if (tm_table_new(&t, name, tm_table_title(s)) || tm_doc_add_table(doc, t)) return tm_error_nomem(err);
  for (size_t c = 0; c < tm_table_cols(s); c++)
    if (tm_table_add_col(t, tm_table_col_name(s, c), tm_table_col_type(s, c)) < 0) return tm_error_nomem(err);
  for (size_t r = 0; r < tm_table_rows(s); r++) {
    if (tm_table_add_row(t)) return tm_error_nomem(err);
    for (size_t c = 0; c < tm_table_cols(s); c++) {
      if (tm_table_is_null(s, r, c)) continue;
      int e = tm_table_col_type(s, c) == TM_COL_STR ? tm_table_set_str(t, (int)c, tm_table_get_str(s, r, c))
              : tm_table_col_type(s, c) == TM_COL_INT ? tm_table_set_int(t, (int)c, tm_table_get_int(s, r, c))
                                                      : tm_table_set_real(t, (int)c, tm_table_get_real(s, r, c));
      if (e) return tm_error_nomem(err);
    }
  }
  return 0;
}

/* CLV by decile in C: SQLite's ntile() window over a million rows took seconds.
 * Equals: WITH q AS (SELECT clv, ntile(10) OVER (ORDER BY clv) AS decile FROM
 * clv_customer WHERE run_id = latest) SELECT 'decile ' || decile, count(*),
 * min(clv), sum(clv) FROM q GROUP BY decile ORDER BY decile DESC
 * (ntile: the first n % 10 deciles hold one row more; NULLs sort first). */
typedef struct clv_val {
  int null;
  double v;
} clv_val;

static int cmp_clv(const void *a, const void *b) {
  const clv_val *x = a, *y = b;
  if (x->null != y->null) return x->null ? -1 : 1;
  return x->null ? 0 : (x->v > y->v) - (x->v < y->v);
}

static int clv_bands(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  tm_table *t;
  if (tm_table_new(&t, "clv_bands", "Customers by predicted CLV") || tm_doc_add_table(doc, t) ||
      tm_table_add_col(t, "band", TM_COL_STR) < 0 || tm_table_add_col(t, "customers", TM_COL_INT) < 0 ||
      tm_table_add_col(t, "min_clv", TM_COL_REAL) < 0 || tm_table_add_col(t, "total_clv", TM_COL_REAL) < 0)
    return tm_error_nomem(err);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(cx->wh->db, "SELECT clv FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer)",
                         -1, &st, NULL) != SQLITE_OK)
    return 0; /* an older warehouse: no CLV, an empty table */
  clv_val *v = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (TM_GROW(v, cap, n + 1)) {
      sqlite3_finalize(st);
      tm_free(v);
      return tm_error_nomem(err);
    }
    v[n].null = sqlite3_column_type(st, 0) == SQLITE_NULL, v[n].v = sqlite3_column_double(st, 0), n++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    tm_free(v);
    return tm_wh_fail(cx->wh, err, "reading clv_customer");
  }
  if (n > 1) qsort(v, n, sizeof *v, cmp_clv); /* qsort wants a non-NULL base even for 0 rows */
  size_t q = n / 10, r = n % 10, start[11];
  start[0] = 0;
  for (size_t d = 0; d < 10; d++) start[d + 1] = start[d] + q + (d < r);
  rc = 0;
  for (size_t d = 10; d-- > 0 && !rc;) {
    if (start[d + 1] == start[d]) continue; /* fewer than 10 customers: no such decile */
    double min = 0, sum = 0;
    int any = 0;
    for (size_t i = start[d]; i < start[d + 1]; i++) {
      if (v[i].null) continue;
      if (!any || v[i].v < min) min = v[i].v;
      sum += v[i].v, any = 1;
    }
    char band[32];
    snprintf(band, sizeof band, "decile %zu", d + 1);
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, band) || tm_table_set_int(t, 1, (int64_t)(start[d + 1] - start[d])) ||
        (any && (tm_table_set_real(t, 2, min) || tm_table_set_real(t, 3, sum))))
      rc = tm_error_nomem(err);
  }
  tm_free(v);
  return rc;
}

/* Top reasons among the riskiest tenth: every ';'-separated reason (spaces
 * trimmed) of decile-1 customers, counted. Equals the recursive SQL split:
 * ... SELECT reason, count(*) FROM split WHERE reason <> '' GROUP BY 1
 * ORDER BY 2 DESC, 1 LIMIT 12. */
typedef struct reason_n {
  char *text;
  int64_t n;
} reason_n;

static int cmp_reason(const void *a, const void *b) {
  const reason_n *x = a, *y = b;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return strcmp(x->text, y->text);
}

static int churn_reasons(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  tm_table *t;
  if (tm_table_new(&t, "reasons", "Top reasons among the riskiest customers") || tm_doc_add_table(doc, t) ||
      tm_table_add_col(t, "reason", TM_COL_STR) < 0 || tm_table_add_col(t, "customers", TM_COL_INT) < 0)
    return tm_error_nomem(err);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(cx->wh->db,
                         "SELECT reasons FROM model_scores WHERE run_id = (SELECT max(id) FROM model_runs WHERE kind = "
                         "'churn') AND decile = 1 AND reasons IS NOT NULL",
                         -1, &st, NULL) != SQLITE_OK)
    return 0; /* an older warehouse: no churn model, an empty table */
  reason_n *r = NULL;
  size_t nr = 0, cap = 0, last = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *p = (const char *)sqlite3_column_text(st, 0);
    if (!p) continue;
    while (*p) {
      const char *e = strchr(p, ';');
      if (!e) e = p + strlen(p);
      const char *b = p, *z = e;
      while (b < z && *b == ' ') b++;
      while (z > b && z[-1] == ' ') z--;
      size_t len = (size_t)(z - b);
      if (len) {
        size_t i = last;
        if (i >= nr || strncmp(r[i].text, b, len) || r[i].text[len]) {
          for (i = 0; i < nr && (strncmp(r[i].text, b, len) || r[i].text[len]); i++) {}
          if (i == nr) {
            if (TM_GROW(r, cap, nr + 1) || !(r[nr].text = tm_malloc(len + 1))) {
              rc = SQLITE_NOMEM;
              goto out;
            }
            memcpy(r[nr].text, b, len), r[nr].text[len] = 0, r[nr].n = 0, nr++;
          }
        }
        r[i].n++, last = i;
      }
      p = *e ? e + 1 : e;
    }
  }
out:
  sqlite3_finalize(st);
  int ret = 0;
  if (rc == SQLITE_NOMEM) ret = tm_error_nomem(err);
  else if (rc != SQLITE_DONE) ret = tm_wh_fail(cx->wh, err, "reading churn reasons");
  if (!ret) {
    if (nr > 1) qsort(r, nr, sizeof *r, cmp_reason);
    for (size_t i = 0; i < nr && i < 12 && !ret; i++)
      if (tm_table_add_row(t) || tm_table_set_str(t, 0, r[i].text) || tm_table_set_int(t, 1, r[i].n))
        ret = tm_error_nomem(err);
  }
  for (size_t i = 0; i < nr; i++) tm_free(r[i].text);
  tm_free(r);
  return ret;
}

/* ------------------------------------------------------------------ loaders */

#define RFM_RUN "(SELECT id FROM segment_runs ORDER BY kind = 'rfm' DESC, id DESC LIMIT 1)"
#define RFM_ONLY "(SELECT max(id) FROM segment_runs WHERE kind = 'rfm')"
#define CHURN_RUN "(SELECT max(id) FROM model_runs WHERE kind = 'churn')"

/* ------------------------------------------------------ segments: one pass */

/* The segments section's figures over the 1M-row result tables in one merge
 * pass instead of three GROUP BYs (SQLite sorts every row for each): both
 * tables are keyed (run_id, customer_id), so two ordered scans walk them in
 * step. The figures are the same as these queries give:
 *   segment_sizes: SELECT s.segment, count(*), coalesce(sum(r.monetary), 0) FROM customer_segments s
 *                  LEFT JOIN customer_rfm r ON r.customer_id = s.customer_id AND r.run_id = RFM_ONLY
 *                  WHERE s.run_id = RFM_RUN GROUP BY 1 ORDER BY 2 DESC, 1
 *   rfm_grid:      SELECT r, f, count(*), avg(monetary) FROM customer_rfm WHERE run_id = RFM_ONLY
 *                  GROUP BY 1, 2 ORDER BY 1, 2
 *   rfm_points:    recency_days, monetary of every k-th customer id (abs(id) % k = 0,
 *                  k = max(1, customers / 100000)), by customer id
 * (sums may differ from SQLite's in the last bits: the order of addition differs). */

typedef struct seg_acc {
  char *name;
  int64_t customers, with_money;
  double revenue;
} seg_acc;

typedef struct grid_acc {
  int64_t r, f, customers, with_money;
  int r_null, f_null;
  double sum;
} grid_acc;

static int cmp_seg(const void *a, const void *b) {
  const seg_acc *x = a, *y = b;
  if (x->customers != y->customers) return x->customers > y->customers ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int cmp_grid(const void *a, const void *b) { /* NULL first, as SQLite orders */
  const grid_acc *x = a, *y = b;
  if (x->r_null != y->r_null) return x->r_null ? -1 : 1;
  if (!x->r_null && x->r != y->r) return x->r < y->r ? -1 : 1;
  if (x->f_null != y->f_null) return x->f_null ? -1 : 1;
  if (!x->f_null && x->f != y->f) return x->f < y->f ? -1 : 1;
  return 0;
}

/* Builds the three tables, not yet in doc, so the caller keeps the order of
 * tables the page and API have always had; sets the rfm_points_of scalar. */
static int rfm_pass(tm_doc *doc, rp_ctx *cx, tm_table *out[3], tm_error *err) {
  sqlite3 *db = cx->wh->db;
  sqlite3_stmt *cnt = NULL, *rfm = NULL, *seg = NULL;
  seg_acc *segs = NULL;
  grid_acc *grid = NULL;
  size_t nseg = 0, segcap = 0, ngrid = 0, gridcap = 0, last_seg = 0, last_grid = 0;
  tm_table *sizes = NULL, *g = NULL, *pts = NULL;
  int rc = 0, have_rfm = 0;
  int64_t n = 0;
  /* the count first: it sets the scatter's sampling stride */
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM customer_rfm WHERE run_id = " RFM_ONLY, -1, &cnt, NULL) == SQLITE_OK) {
    have_rfm = 1;
    if (sqlite3_step(cnt) == SQLITE_ROW) n = sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
    if (tm_doc_set_int(doc, "rfm_points_of", n)) return tm_error_nomem(err);
  }
  int64_t k = n / 100000 > 1 ? n / 100000 : 1;
  if (tm_table_new(&sizes, "segment_sizes", "Customers and revenue by segment") ||
      tm_table_new(&g, "rfm_grid", "Customers by recency and frequency score") ||
      tm_table_new(&pts, "rfm_points", "Recency and monetary value per customer"))
    goto oom;
  if (tm_table_add_col(sizes, "segment", TM_COL_STR) < 0 || tm_table_add_col(sizes, "customers", TM_COL_INT) < 0 ||
      tm_table_add_col(sizes, "revenue", TM_COL_REAL) < 0)
    goto oom;
  if (tm_table_add_col(g, "r", TM_COL_INT) < 0 || tm_table_add_col(g, "f", TM_COL_INT) < 0 ||
      tm_table_add_col(g, "customers", TM_COL_INT) < 0 || tm_table_add_col(g, "mean_monetary", TM_COL_REAL) < 0)
    goto oom;
  if (tm_table_add_col(pts, "recency_days", TM_COL_REAL) < 0 || tm_table_add_col(pts, "monetary", TM_COL_REAL) < 0)
    goto oom;
  if (have_rfm && sqlite3_prepare_v2(db,
                                     "SELECT customer_id, recency_days, monetary, r, f FROM customer_rfm WHERE run_id = "
                                     RFM_ONLY " ORDER BY customer_id",
                                     -1, &rfm, NULL) != SQLITE_OK)
    rfm = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT customer_id, segment FROM customer_segments WHERE run_id = " RFM_RUN
                         " ORDER BY customer_id",
                         -1, &seg, NULL) != SQLITE_OK)
    seg = NULL; /* an older warehouse: no segments, empty tables */
  int rr = rfm ? sqlite3_step(rfm) : SQLITE_DONE, sr = seg ? sqlite3_step(seg) : SQLITE_DONE;
  while (rr == SQLITE_ROW || sr == SQLITE_ROW) {
    int64_t rid = rr == SQLITE_ROW ? sqlite3_column_int64(rfm, 0) : INT64_MAX;
    int64_t sid = sr == SQLITE_ROW ? sqlite3_column_int64(seg, 0) : INT64_MAX;
    if (sr == SQLITE_ROW && (rr != SQLITE_ROW || sid <= rid)) { /* a segment row, with its RFM row if rid == sid */
      const char *name = (const char *)sqlite3_column_text(seg, 1);
      if (!name) name = "";
      size_t i = last_seg;
      if (i >= nseg || strcmp(segs[i].name, name)) {
        for (i = 0; i < nseg && strcmp(segs[i].name, name); i++) {}
        if (i == nseg) {
          if (TM_GROW(segs, segcap, nseg + 1) || !(segs[nseg].name = tm_strdup(name))) goto oom;
          segs[nseg].customers = segs[nseg].with_money = 0, segs[nseg].revenue = 0, nseg++;
        }
      }
      last_seg = i;
      segs[i].customers++;
      if (rr == SQLITE_ROW && sid == rid && sqlite3_column_type(rfm, 2) != SQLITE_NULL)
        segs[i].revenue += sqlite3_column_double(rfm, 2), segs[i].with_money++;
      sr = sqlite3_step(seg);
      if (rr != SQLITE_ROW || sid < rid) continue;
    }
    /* an RFM row: the grid and the scatter sample */
    grid_acc key = {0};
    key.r_null = sqlite3_column_type(rfm, 3) == SQLITE_NULL, key.f_null = sqlite3_column_type(rfm, 4) == SQLITE_NULL;
    key.r = sqlite3_column_int64(rfm, 3), key.f = sqlite3_column_int64(rfm, 4);
    size_t i = last_grid;
    if (i >= ngrid || cmp_grid(&grid[i], &key)) {
      for (i = 0; i < ngrid && cmp_grid(&grid[i], &key); i++) {}
      if (i == ngrid) {
        if (TM_GROW(grid, gridcap, ngrid + 1)) goto oom;
        grid[ngrid++] = key;
      }
    }
    last_grid = i;
    grid[i].customers++;
    int money = sqlite3_column_type(rfm, 2) != SQLITE_NULL;
    if (money) grid[i].sum += sqlite3_column_double(rfm, 2), grid[i].with_money++;
    if (rid % k == 0) { /* rid % k == 0 iff abs(rid) % k == 0 */
      if (tm_table_add_row(pts)) goto oom;
      if (sqlite3_column_type(rfm, 1) != SQLITE_NULL && tm_table_set_real(pts, 0, sqlite3_column_double(rfm, 1))) goto oom;
      if (money && tm_table_set_real(pts, 1, sqlite3_column_double(rfm, 2))) goto oom;
    }
    rr = sqlite3_step(rfm);
  }
  if (rr != SQLITE_DONE || sr != SQLITE_DONE) {
    rc = tm_wh_fail(cx->wh, err, "reading segments and RFM scores");
    goto done;
  }
  if (nseg > 1) qsort(segs, nseg, sizeof *segs, cmp_seg);
  for (size_t i = 0; i < nseg; i++)
    if (tm_table_add_row(sizes) || tm_table_set_str(sizes, 0, segs[i].name) ||
        tm_table_set_int(sizes, 1, segs[i].customers) || tm_table_set_real(sizes, 2, segs[i].with_money ? segs[i].revenue : 0))
      goto oom;
  if (ngrid > 1) qsort(grid, ngrid, sizeof *grid, cmp_grid);
  for (size_t i = 0; i < ngrid; i++) {
    if (tm_table_add_row(g) || (!grid[i].r_null && tm_table_set_int(g, 0, grid[i].r)) ||
        (!grid[i].f_null && tm_table_set_int(g, 1, grid[i].f)) || tm_table_set_int(g, 2, grid[i].customers) ||
        (grid[i].with_money && tm_table_set_real(g, 3, grid[i].sum / (double)grid[i].with_money)))
      goto oom;
  }
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  if (rc) {
    tm_table_free(sizes), tm_table_free(g), tm_table_free(pts);
  } else {
    out[0] = sizes, out[1] = g, out[2] = pts;
  }
  sqlite3_finalize(rfm);
  sqlite3_finalize(seg);
  for (size_t i = 0; i < nseg; i++) tm_free(segs[i].name);
  tm_free(segs);
  tm_free(grid);
  return rc;
}

static int load_summary(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  if ((rc = rp_copy_table(doc, cx->kpi, "by_month", err)) || (rc = rp_copy_table(doc, cx->kpi, "by_channel", err)) ||
      (rc = rp_copy_table(doc, cx->summary, "touchpoint_map", err)) || (rc = rp_copy_table(doc, cx->summary, "by_type", err)) ||
      (rc = rp_copy_table(doc, cx->summary, "by_region", err)))
    return rc;
  return 0;
}

static int load_quality(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  if ((rc = rp_copy_table(doc, cx->summary, "completeness", err)) || (rc = rp_copy_table(doc, cx->summary, "rejects", err)))
    return rc;
  /* the summary counted these already (scans of millions of identity rows) */
  static const char *const keys[] = {"rows_read", "rows_rejected", "duplicates_dropped", "identity_merges",
                                     "quarantined_identifiers"};
  for (size_t i = 0; i < TM_ARRAY_LEN(keys); i++) {
    int64_t v;
    if (cx->summary && !tm_doc_get_int(cx->summary, keys[i], &v) && tm_doc_set_int(doc, keys[i], v))
      return tm_error_nomem(err);
  }
  T("rejects_by_source", "Rejected rows by source", "si",
    "SELECT s.name AS source, count(*) AS rows FROM rejects r JOIN sources s ON s.id = r.source_id GROUP BY 1 ORDER BY 2 DESC");
  return 0;
}

static int load_segments(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  S("run_id", "SELECT id FROM " RFM_RUN);
  S("kind", "SELECT kind FROM segment_runs WHERE id = " RFM_RUN);
  tm_table *t[3] = {NULL, NULL, NULL}; /* segment_sizes, rfm_grid, rfm_points: one pass */
  if ((rc = rfm_pass(doc, cx, t, err))) return rc;
  if (tm_doc_add_table(doc, t[0])) {
    tm_table_free(t[1]), tm_table_free(t[2]);
    return tm_error_nomem(err);
  }
  rc = sql_table(doc, cx->wh, "personas", "Persona cards", "sis%%sss",
                 "SELECT segment, customers, name, customer_share, revenue_share, top_channels, top_regions, "
                 "distinguishing FROM segment_profiles WHERE run_id = (SELECT max(run_id) FROM segment_profiles) "
                 "ORDER BY customers DESC",
                 err);
  if (rc || tm_doc_add_table(doc, t[1])) {
    if (!rc) rc = tm_error_nomem(err), t[1] = NULL;
    tm_table_free(t[1]), tm_table_free(t[2]);
    return rc;
  }
  if (tm_doc_add_table(doc, t[2])) return tm_error_nomem(err);
  return 0;
}

static int load_rules(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  S("view", "SELECT view FROM rule_runs ORDER BY id DESC LIMIT 1");
  S("baskets", "SELECT baskets FROM rule_runs ORDER BY id DESC LIMIT 1");
  T("rules", "Association rules by lift", "issrrrr",
    "SELECT rank, antecedent, consequent, support, confidence, lift, q_value FROM assoc_rules WHERE run_id = "
    "(SELECT max(run_id) FROM assoc_rules) ORDER BY rank LIMIT 200");
  return 0;
}

static int load_journeys(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  T("transitions", "Next steps", "ssir",
    "SELECT from_step, to_step, count, probability FROM path_transitions WHERE run_id = "
    "(SELECT max(run_id) FROM path_transitions) ORDER BY count DESC LIMIT 400");
  T("top_paths", "Most common paths", "sisi",
    "SELECT direction, rank, path, customers FROM top_paths WHERE run_id = (SELECT max(run_id) FROM top_paths) "
    "ORDER BY direction DESC, rank LIMIT 40");
  return 0;
}

static int load_funnel(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  T("funnel", "Funnel steps", "sisi%%r",
    "SELECT breakdown, step_no, step, entered, conversion, drop_off, median_seconds FROM funnel_steps WHERE run_id = "
    "(SELECT max(run_id) FROM funnel_steps) ORDER BY breakdown <> 'all', breakdown, step_no LIMIT 2000");
  return 0;
}

static int load_cohorts(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  T("retention", "Cohort retention", "siir",
    "SELECT cohort, period, size, value FROM cohort_retention WHERE run_id = (SELECT max(run_id) FROM cohort_retention) "
    "ORDER BY cohort, period LIMIT 5000");
  return 0;
}

static int load_clv(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  S("customers", "SELECT count(*) FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer)");
  S("total_clv", "SELECT sum(clv) FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer)");
  S("horizon_days", "SELECT horizon_days FROM clv_runs ORDER BY id DESC LIMIT 1");
  if ((rc = clv_bands(doc, cx, err))) return rc;
  T("clv_top", "Most valuable customers", "srrrr",
    /* the top 20 first, then their keys: joining first looks up every customer */
    "SELECT coalesce(k.customer_key, c.customer_id) AS customer, c.clv, c.p_alive, c.expected_purchases, c.monetary "
    "FROM (SELECT * FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer) ORDER BY clv DESC LIMIT 20) c "
    "LEFT JOIN customers k ON k.id = c.customer_id ORDER BY c.clv DESC");
  T("clv_points", "P(alive) and CLV per customer", "rr",
    "SELECT p_alive, clv FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer) AND abs(customer_id) % "
    "max(1, (SELECT count(*) FROM clv_customer WHERE run_id = (SELECT max(run_id) FROM clv_customer)) / " SAMPLE_STR
    ") = 0 ORDER BY customer_id");
  return 0;
}

static int load_churn(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  S("model", "SELECT model FROM model_runs WHERE id = " CHURN_RUN);
  S("auc", "SELECT auc FROM model_runs WHERE id = " CHURN_RUN);
  S("customers", "SELECT count(*) FROM model_scores WHERE run_id = " CHURN_RUN);
  S("churn_rate", "SELECT avg(score >= 0.5) FROM model_scores WHERE run_id = " CHURN_RUN);
  T("deciles", "Churn rate by risk decile", "ii%%r",
    "SELECT decile, customers, rate, lift FROM model_deciles WHERE run_id = " CHURN_RUN " ORDER BY decile");
  T("importance", "What drives churn (feature importance)", "sr",
    "SELECT feature, importance FROM model_importance WHERE run_id = " CHURN_RUN " ORDER BY importance DESC LIMIT 15");
  /* top reasons among the riskiest tenth, counted in C (a recursive split in SQL took seconds) */
  if ((rc = churn_reasons(doc, cx, err))) return rc;
  T("at_risk", "Customers most at risk", "sris",
    "SELECT coalesce(k.customer_key, s.customer_id) AS customer, s.score, s.decile, s.reasons FROM (SELECT * FROM "
    "model_scores WHERE run_id = " CHURN_RUN " ORDER BY score DESC LIMIT 20) s LEFT JOIN customers k ON k.id = s.customer_id "
    "ORDER BY s.score DESC");
  return 0;
}

static int load_sentiment(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  S("nps", "SELECT nps FROM text_nps ORDER BY run_id DESC LIMIT 1");
  S("responses", "SELECT responses FROM text_nps ORDER BY run_id DESC LIMIT 1");
  T("labels", "Texts by sentiment", "sir",
    "SELECT label, count(*) AS texts, avg(compound) AS mean_compound FROM text_sentiment WHERE run_id = "
    "(SELECT max(run_id) FROM text_sentiment) GROUP BY 1 ORDER BY 2 DESC");
  T("pain_points", "Pain points", "sirr",
    "SELECT term, docs, pain_score, mean_compound FROM text_themes WHERE run_id = (SELECT max(run_id) FROM text_themes) "
    "AND scope = 'pain' ORDER BY pain_score DESC, docs DESC LIMIT 15");
  T("themes", "Themes", "ssirr",
    "SELECT scope, term, docs, weight, mean_compound FROM text_themes WHERE run_id = (SELECT max(run_id) FROM text_themes) "
    "AND scope <> 'pain' ORDER BY scope, weight DESC LIMIT 300");
  T("nps", "Net promoter score", "iiiir",
    "SELECT responses, promoters, passives, detractors, nps FROM text_nps ORDER BY run_id DESC LIMIT 1");
  return 0;
}

static int load_forecast(tm_doc *doc, rp_ctx *cx, tm_error *err) {
  int rc;
  S("method", "SELECT method FROM forecast_runs ORDER BY id DESC LIMIT 1");
  S("grain", "SELECT grain FROM forecast_runs ORDER BY id DESC LIMIT 1");
  T("points", "Actuals, fit and forecast", "ssrrrrr",
    "SELECT series, period, actual, fitted, forecast, lo, hi FROM forecast_points WHERE run_id = "
    "(SELECT max(run_id) FROM forecast_points) ORDER BY series, period LIMIT 5000");
  T("accuracy", "Forecast accuracy", "ssrrr",
    "SELECT series, method, mape, smape, mase FROM forecast_series WHERE run_id = (SELECT max(run_id) FROM "
    "forecast_series) ORDER BY series");
  return 0;
}

/* A/B tests, attribution and anomalies have no tables in the schema yet: the
 * loader looks for them by name so that the section fills in once they exist. */
static int load_future(tm_doc *doc, rp_ctx *cx, const char *prefix, tm_error *err) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%s%%' ORDER BY name", prefix);
  return sql_table(doc, cx->wh, "tables", "Result tables", "s", sql, err);
}
static int load_abtest(tm_doc *doc, rp_ctx *cx, tm_error *err) { return load_future(doc, cx, "abtest", err); }
static int load_attribution(tm_doc *doc, rp_ctx *cx, tm_error *err) { return load_future(doc, cx, "attribution", err); }
static int load_anomalies(tm_doc *doc, rp_ctx *cx, tm_error *err) { return load_future(doc, cx, "anomal", err); }

const rp_section rp_sections[] = {
    {"summary", "Summary and touchpoint map", "touchmine ingest", load_summary, rp_draw_summary},
    {"quality", "Data quality", "touchmine ingest", load_quality, rp_draw_quality},
    {"segments", "Segments and personas", "touchmine segment --by rfm; touchmine segment --by cluster", load_segments, rp_draw_segments},
    {"rules", "Association rules", "touchmine rules", load_rules, rp_draw_rules},
    {"journeys", "Journeys: next steps", "touchmine paths", load_journeys, rp_draw_journeys},
    {"funnel", "Funnel", "touchmine funnel", load_funnel, rp_draw_funnel},
    {"cohorts", "Cohort retention", "touchmine cohorts", load_cohorts, rp_draw_cohorts},
    {"clv", "Customer lifetime value", "touchmine clv", load_clv, rp_draw_clv},
    {"churn", "Churn risk", "touchmine churn", load_churn, rp_draw_churn},
    {"sentiment", "Sentiment and pain points", "touchmine sentiment; touchmine themes", load_sentiment,
     rp_draw_sentiment},
    {"forecast", "Forecast", "touchmine forecast", load_forecast, rp_draw_forecast},
    {"abtest", "A/B tests", NULL, load_abtest, rp_draw_future},
    {"attribution", "Attribution", NULL, load_attribution, rp_draw_future},
    {"anomalies", "Anomalies", NULL, load_anomalies, rp_draw_future},
};
const size_t rp_nsections = TM_ARRAY_LEN(rp_sections);

const rp_section *rp_section_find(const char *name) {
  for (size_t i = 0; i < rp_nsections; i++)
    if (!strcmp(rp_sections[i].name, name)) return &rp_sections[i];
  return NULL;
}

int rp_section_load(tm_doc **out, const rp_section *s, rp_ctx *cx, tm_error *err) {
  tm_doc *doc;
  if (tm_doc_new(&doc, s->title)) return tm_error_nomem(err);
  int rc = s->load(doc, cx, err);
  if (rc) {
    tm_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}
