/*
 * draw.c — each section's figures drawn as charts, each chart followed by its
 * data table (sortable, filterable, CSV download). Where a chart has several
 * breakdowns (funnel by channel, forecast by series, summary by channel, type
 * or region) they are drawn once each and the page's script switches them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/sections.h"

/* ------------------------------------------------------------------ helpers */

static const tm_table *tab(const tm_doc *d, const char *name) {
  const tm_table *t = tm_doc_table(d, name);
  return t && tm_table_rows(t) ? t : NULL;
}

/* Column c of rows [r0, r1) as borrowed strings / numbers (times scale).
 * Returned arrays are the caller's; NULL when out of memory (b->oom set). */
static const char **strs(sb *b, const tm_table *t, int c, size_t r0, size_t r1) {
  const char **v = tm_calloc(r1 - r0 + 1, sizeof *v);
  if (!v) {
    b->oom = 1;
    return NULL;
  }
  for (size_t r = r0; r < r1; r++) v[r - r0] = c >= 0 ? tm_table_get_str(t, r, (size_t)c) : "";
  return v;
}
static double *nums(sb *b, const tm_table *t, int c, size_t r0, size_t r1, double scale) {
  double *v = tm_calloc(r1 - r0 + 1, sizeof *v);
  if (!v) {
    b->oom = 1;
    return NULL;
  }
  for (size_t r = r0; r < r1; r++) v[r - r0] = c >= 0 ? tm_table_get_real(t, r, (size_t)c) * scale : NAN;
  return v;
}
#define C(t, name) tm_table_find_col(t, name)

static void bar_of(sb *b, const tm_table *t, const char *lab, const char *val, size_t max, const char *title,
                   const char *axis, const char *unit, double scale) {
  size_t n = tm_table_rows(t) < max ? tm_table_rows(t) : max;
  const char **l = strs(b, t, C(t, lab), 0, n);
  double *v = nums(b, t, C(t, val), 0, n, scale);
  if (l && v) svg_bar(b, title, axis, unit, n, l, v);
  tm_free(l);
  tm_free(v);
}

/* A bar chart of t with its data table under it, as one card of a section grid. */
static void bar_card(sb *b, const tm_table *t, const char *lab, const char *val, size_t max, const char *title,
                     const char *axis, const char *unit, double scale) {
  sb_puts(b, "<div>");
  bar_of(b, t, lab, val, max, title, axis, unit, scale);
  rp_table(b, t, 0);
  sb_puts(b, "</div>");
}

static void scalar_tiles(sb *b, const tm_doc *d, const char *const *keys, const char *const *labels, size_t n) {
  sb_puts(b, "<div class=\"facts\">");
  for (size_t i = 0; i < n; i++) {
    double rv;
    char buf[64];
    /* Read as real: reading an AUC of 0.80 as an integer gave 0. Whole numbers and
     * large sums print without decimals, fractions with three significant digits. */
    if (tm_doc_get_real(d, keys[i], &rv)) continue;
    if (rv == floor(rv) || fabs(rv) >= 1000) snprintf(buf, sizeof buf, "%.0f", rv);
    else snprintf(buf, sizeof buf, "%.3g", rv);
    sb_puts(b, "<div class=\"fact\"><span class=\"k\">");
    sb_html(b, labels[i]);
    sb_printf(b, "</span> <span class=\"v\" data-key=\"%s\">", keys[i]);
    sb_html(b, buf);
    sb_puts(b, "</span></div>");
  }
  sb_puts(b, "</div>\n");
}

static void note(sb *b, const char *text) {
  sb_puts(b, "<p class=\"note\">");
  sb_html(b, text);
  sb_puts(b, "</p>\n");
}

/* Distinct values of column c in order of first appearance (at most max). */
static size_t distinct(const tm_table *t, int c, const char **out, size_t max) {
  size_t n = 0;
  for (size_t r = 0; r < tm_table_rows(t) && c >= 0; r++) {
    const char *s = tm_table_get_str(t, r, (size_t)c);
    size_t k = 0;
    while (k < n && strcmp(out[k], s)) k++;
    if (k == n && n < max) out[n++] = s;
  }
  return n;
}

static void switch_open(sb *b, const char *label, const char *const *keys, size_t n) {
  sb_puts(b, "<div class=\"switch\"><label>");
  sb_html(b, label);
  sb_puts(b, " <select class=\"breakdown\">");
  for (size_t i = 0; i < n; i++) {
    sb_puts(b, "<option value=\"");
    sb_printf(b, "%zu", i);
    sb_puts(b, "\">");
    sb_html(b, keys[i]);
    sb_puts(b, "</option>");
  }
  sb_puts(b, "</select></label>\n");
}
static void alt_open(sb *b, size_t i) { sb_printf(b, "<div class=\"alt\" data-alt=\"%zu\"%s>", i, i ? " hidden" : ""); }

/* ---------------------------------------------------------------- sections */

void rp_draw_summary(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *m = tab(d, "by_month"), *ch = tab(d, "by_channel"), *ty = tab(d, "by_type"),
                 *rg = tab(d, "by_region"), *map = tab(d, "touchpoint_map");
  sb_puts(b, "<div class=\"grid2\">");
  if (m) {
    size_t n = tm_table_rows(m);
    const char **x = strs(b, m, 0, 0, n);
    double *rev = nums(b, m, C(m, "revenue"), 0, n, 1), *act = nums(b, m, C(m, "active_customers"), 0, n, 1);
    if (x && rev && act) {
      rp_series s1 = {"revenue", rev}, s2 = {"active customers", act};
      sb_puts(b, "<div>");
      svg_line(b, "Revenue by month", "revenue (base currency)", "", n, x, 1, &s1, NULL, NULL);
      svg_line(b, "Active customers by month", "customers", "", n, x, 1, &s2, NULL, NULL);
      rp_table(b, m, 0);
      sb_puts(b, "</div>");
    }
    tm_free(x), tm_free(rev), tm_free(act);
  }
  if (ch) {
    sb_puts(b, "<div>");
    const char *keys[] = {"channel", "touchpoint type", "region"};
    switch_open(b, "Breakdown", keys, rg ? 3 : ty ? 2 : 1);
    alt_open(b, 0);
    bar_of(b, ch, "channel", "events", 15, "Touchpoints by channel", "touchpoints", "", 1);
    rp_table(b, ch, 0);
    sb_puts(b, "</div>");
    if (ty) {
      alt_open(b, 1);
      bar_of(b, ty, "type", "events", 15, "Touchpoints by type", "touchpoints", "", 1);
      rp_table(b, ty, 0);
      sb_puts(b, "</div>");
    }
    if (rg) {
      alt_open(b, 2);
      bar_of(b, rg, "region", "events", 15, "Touchpoints by region", "touchpoints", "", 1);
      rp_table(b, rg, 0);
      sb_puts(b, "</div>");
    }
    sb_puts(b, "</div>");
    size_t n = tm_table_rows(ch);
    const char **l = strs(b, ch, 0, 0, n);
    double *v = nums(b, ch, C(ch, "revenue"), 0, n, 1);
    if (l && v) {
      sb_puts(b, "<div>");
      svg_pie(b, "Revenue share by channel", "", n, l, v);
      sb_puts(b, "</div>");
    }
    tm_free(l), tm_free(v);
  }
  if (map) {
    sb_puts(b, "<div><h3>Touchpoint map</h3>");
    /* reach x purchase-after per channel: where customers are, and whether they buy after */
    size_t n = tm_table_rows(map), nc = 2;
    const char **rows = strs(b, map, 0, 0, n);
    double *v = tm_calloc(n * nc + 1, sizeof *v);
    const char *cols[] = {"reach (share of customers)", "purchase after touching"};
    if (rows && v) {
      for (size_t r = 0; r < n; r++) {
        v[r * nc] = tm_table_get_real(map, r, (size_t)C(map, "reach"));
        v[r * nc + 1] = tm_table_get_real(map, r, (size_t)C(map, "purchase_after"));
      }
      svg_heatmap(b, "Touchpoint map: reach and purchase after touching, by channel", "measure", "channel", n, rows,
                  nc, cols, v, 1);
      rp_table(b, map, 0);
    } else b->oom = 1;
    tm_free(rows), tm_free(v);
    sb_puts(b, "</div>");
  }
  sb_puts(b, "</div>\n");
}

void rp_draw_quality(sb *b, const tm_doc *d, const rp_ctx *cx) {
  static const char *const keys[] = {"rows_read", "rows_rejected", "duplicates_dropped", "identity_merges",
                                     "quarantined_identifiers"};
  static const char *const labels[] = {"rows read", "rows rejected", "duplicates dropped", "identity merges",
                                       "quarantined identifiers"};
  scalar_tiles(b, d, keys, labels, TM_ARRAY_LEN(keys));
  sb_puts(b, "<div class=\"grid2\">");
  const tm_table *c = tab(d, "completeness"), *r = tab(d, "rejects"), *s = tab(d, "rejects_by_source");
  if (c) {
    bar_card(b, c, "field", "share", 10, "Completeness of touchpoint fields", "share of touchpoints filled (%)", "%", 100);
  }
  if (r) {
    bar_card(b, r, "reason", "rows", 15, "Rejected rows by reason", "rows", "", 1);
  } else {
    note(b, "No rows were rejected.");
  }
  if (s) {
    bar_card(b, s, "source", "rows", 15, "Rejected rows by source", "rows", "", 1);
  }
  sb_puts(b, "</div>\n");
}

static void persona_cards(sb *b, const tm_table *p) {
  sb_puts(b, "<div class=\"cards\">");
  for (size_t r = 0; r < tm_table_rows(p) && r < 12; r++) {
    char share[32], rev[32];
    rp_cell_text(p, r, (size_t)C(p, "customer_share"), share, sizeof share);
    rp_cell_text(p, r, (size_t)C(p, "revenue_share"), rev, sizeof rev);
    sb_printf(b, "<div class=\"card\" style=\"border-top-color:%s\"><h4>", rp_colour(r));
    sb_html(b, tm_table_get_str(p, r, (size_t)C(p, "name")));
    sb_puts(b, "</h4><p class=\"seg\">segment ");
    sb_html(b, tm_table_get_str(p, r, (size_t)C(p, "segment")));
    sb_printf(b, "</p><p><b>%lld</b> customers · <b>", (long long)tm_table_get_int(p, r, (size_t)C(p, "customers")));
    sb_html(b, share);
    sb_puts(b, "</b> of customers · <b>");
    sb_html(b, rev);
    sb_puts(b, "</b> of revenue</p><dl><dt>Channels</dt><dd>");
    sb_html(b, tm_table_get_str(p, r, (size_t)C(p, "top_channels")));
    sb_puts(b, "</dd><dt>Regions</dt><dd>");
    sb_html(b, tm_table_get_str(p, r, (size_t)C(p, "top_regions")));
    sb_puts(b, "</dd><dt>Stands out by</dt><dd>");
    sb_html(b, tm_table_get_str(p, r, (size_t)C(p, "distinguishing")));
    sb_puts(b, "</dd></dl></div>\n");
  }
  sb_puts(b, "</div>\n");
}

void rp_draw_segments(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *sz = tab(d, "segment_sizes"), *p = tab(d, "personas"), *g = tab(d, "rfm_grid"),
                 *pts = tab(d, "rfm_points");
  if (p) persona_cards(b, p);
  else note(b, "No persona cards yet: run `touchmine segment --by cluster` for behavioural segments with personas.");
  sb_puts(b, "<div class=\"grid2\">");
  if (sz) {
    size_t n = tm_table_rows(sz);
    const char **l = strs(b, sz, 0, 0, n);
    double *v = nums(b, sz, C(sz, "customers"), 0, n, 1);
    sb_puts(b, "<div>");
    if (l && v) svg_pie(b, "Customers by segment", "", n, l, v);
    bar_of(b, sz, "segment", "revenue", 15, "Revenue by segment", "revenue (base currency)", "", 1);
    rp_table(b, sz, 0);
    sb_puts(b, "</div>");
    tm_free(l), tm_free(v);
  }
  if (g) { /* R score rows x F score columns: customers */
    const char *rl[5] = {"R5 (recent)", "R4", "R3", "R2", "R1"}, *fl[5] = {"F1", "F2", "F3", "F4", "F5 (often)"};
    double v[25];
    for (int i = 0; i < 25; i++) v[i] = NAN;
    for (size_t r = 0; r < tm_table_rows(g); r++) {
      int64_t rs = tm_table_get_int(g, r, 0), fs = tm_table_get_int(g, r, 1);
      if (rs >= 1 && rs <= 5 && fs >= 1 && fs <= 5) v[(5 - rs) * 5 + (fs - 1)] = (double)tm_table_get_int(g, r, 2);
    }
    sb_puts(b, "<div>");
    svg_heatmap(b, "Customers by RFM recency and frequency score", "frequency score", "recency score", 5, rl, 5, fl, v, 0);
    rp_table(b, g, 0);
    sb_puts(b, "</div>");
  }
  if (pts) {
    size_t n = tm_table_rows(pts);
    double *x = nums(b, pts, 0, 0, n, 1), *y = nums(b, pts, 1, 0, n, 1);
    sb_puts(b, "<div>");
    if (x && y) svg_scatter(b, "Recency against monetary value", "days since last purchase", "monetary value (base currency)", n, x, y);
    int64_t of = 0;
    if (!tm_doc_get_int(d, "rfm_points_of", &of) && (size_t)of > n) {
      char msg[160];
      snprintf(msg, sizeof msg, "Sampled: %zu of %lld customers (an even 1-in-%lld spread by customer id).", n,
               (long long)of, (long long)(of / 100000 > 1 ? of / 100000 : 1));
      note(b, msg);
    }
    sb_puts(b, "</div>");
    tm_free(x), tm_free(y);
  }
  sb_puts(b, "</div>\n");
}

void rp_draw_rules(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *t = tab(d, "rules");
  if (!t) return;
  size_t n = tm_table_rows(t), k = n < 15 ? n : 15;
  const char **l = tm_calloc(k + 1, sizeof *l);
  char **own = tm_calloc(k + 1, sizeof *own);
  double *lift = nums(b, t, C(t, "lift"), 0, k, 1);
  if (l && own && lift) {
    for (size_t r = 0; r < k; r++) {
      size_t len = strlen(tm_table_get_str(t, r, 1)) + strlen(tm_table_get_str(t, r, 2)) + 8;
      if ((own[r] = tm_malloc(len))) snprintf(own[r], len, "%s → %s", tm_table_get_str(t, r, 1), tm_table_get_str(t, r, 2));
      l[r] = own[r] ? own[r] : "";
    }
    sb_puts(b, "<div class=\"grid2\"><div>");
    svg_bar(b, "Strongest rules by lift", "lift (× more likely than by chance)", "×", k, l, lift);
    sb_puts(b, "</div><div>");
    double *sup = nums(b, t, C(t, "support"), 0, n, 100), *conf = nums(b, t, C(t, "confidence"), 0, n, 100);
    if (sup && conf) svg_scatter(b, "Rules: support against confidence", "support (% of baskets)", "confidence (%)", n, sup, conf);
    tm_free(sup), tm_free(conf);
    sb_puts(b, "</div></div>");
    rp_table(b, t, 0);
  } else b->oom = 1;
  for (size_t r = 0; r < k && own; r++) tm_free(own[r]);
  tm_free(own), tm_free(l), tm_free(lift);
}

void rp_draw_journeys(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *t = tab(d, "transitions"), *p = tab(d, "top_paths");
  if (t) { /* the flow of next steps: from-step rows x to-step columns, probability */
    const char *steps[12];
    size_t nf = distinct(t, 0, steps, 12), nt;
    const char *to[12];
    nt = distinct(t, 1, to, 12);
    double *v = tm_calloc(nf * nt + 1, sizeof *v);
    if (v) {
      for (size_t i = 0; i < nf * nt; i++) v[i] = NAN;
      for (size_t r = 0; r < tm_table_rows(t); r++) {
        const char *a = tm_table_get_str(t, r, 0), *z = tm_table_get_str(t, r, 1);
        size_t i = 0, j = 0;
        while (i < nf && strcmp(steps[i], a)) i++;
        while (j < nt && strcmp(to[j], z)) j++;
        if (i < nf && j < nt) v[i * nt + j] = tm_table_get_real(t, r, 3);
      }
      svg_heatmap(b, "Flow of next steps: probability of each next step", "next step", "from", nf, steps, nt, to, v, 1);
      rp_table(b, t, 0);
    } else b->oom = 1;
    tm_free(v);
  }
  if (p) {
    size_t n = tm_table_rows(p), k = n < 12 ? n : 12;
    bar_of(b, p, "path", "customers", k, "Most common paths", "customers", "", 1);
    rp_table(b, p, 0);
  }
}

void rp_draw_funnel(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *t = tab(d, "funnel");
  if (!t) return;
  const char *keys[12];
  size_t nk = distinct(t, 0, keys, 12);
  switch_open(b, "Breakdown", keys, nk);
  for (size_t k = 0; k < nk; k++) {
    size_t r0 = 0, r1;
    while (r0 < tm_table_rows(t) && strcmp(tm_table_get_str(t, r0, 0), keys[k])) r0++;
    for (r1 = r0; r1 < tm_table_rows(t) && !strcmp(tm_table_get_str(t, r1, 0), keys[k]); r1++) {}
    const char **l = strs(b, t, C(t, "step"), r0, r1);
    double *v = nums(b, t, C(t, "entered"), r0, r1, 1);
    alt_open(b, k);
    char title[300];
    snprintf(title, sizeof title, "Funnel (%s): customers entering each step", keys[k]);
    if (l && v) svg_bar(b, title, "customers", "", r1 - r0, l, v);
    sb_puts(b, "</div>\n");
    tm_free(l), tm_free(v);
  }
  sb_puts(b, "</div>");
  rp_table(b, t, 0);
}

void rp_draw_cohorts(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *t = tab(d, "retention");
  if (!t) return;
  const char *rows[36];
  size_t nr = distinct(t, 0, rows, 36);
  int64_t maxp = 0;
  for (size_t r = 0; r < tm_table_rows(t); r++)
    if (tm_table_get_int(t, r, 1) > maxp) maxp = tm_table_get_int(t, r, 1);
  size_t nc = (size_t)(maxp < 35 ? maxp : 35) + 1;
  double *v = tm_calloc(nr * nc + 1, sizeof *v);
  char(*lab)[24] = tm_calloc(nc, sizeof *lab);
  const char **cols = tm_calloc(nc, sizeof *cols);
  int share = 1;
  if (v && lab && cols) {
    for (size_t i = 0; i < nr * nc; i++) v[i] = NAN;
    for (size_t j = 0; j < nc; j++) snprintf(lab[j], 24, "+%zu", j), cols[j] = lab[j];
    for (size_t r = 0; r < tm_table_rows(t); r++) {
      const char *co = tm_table_get_str(t, r, 0);
      int64_t p = tm_table_get_int(t, r, 1);
      size_t i = 0;
      while (i < nr && strcmp(rows[i], co)) i++;
      double val = tm_table_get_real(t, r, 3);
      if (val > 1.0000001) share = 0; /* revenue, not a share */
      if (i < nr && p >= 0 && (size_t)p < nc) v[i * nc + (size_t)p] = val;
    }
    svg_heatmap(b, share ? "Retention: share of each cohort active N periods after acquisition"
                         : "Revenue of each cohort N periods after acquisition",
                "periods since acquisition", "cohort", nr, rows, nc, cols, v, share);
    rp_table(b, t, 0);
  } else b->oom = 1;
  tm_free(v), tm_free(lab), tm_free(cols);
}

void rp_draw_clv(sb *b, const tm_doc *d, const rp_ctx *cx) {
  static const char *const keys[] = {"customers", "total_clv", "horizon_days"};
  static const char *const labels[] = {"customers scored", "total predicted CLV", "horizon (days)"};
  scalar_tiles(b, d, keys, labels, 3);
  const tm_table *bands = tab(d, "clv_bands"), *top = tab(d, "clv_top"), *pts = tab(d, "clv_points");
  sb_puts(b, "<div class=\"grid2\">");
  if (bands) {
    bar_card(b, bands, "band", "total_clv", 10, "Predicted CLV by customer decile", "predicted CLV (base currency)", "", 1);
  }
  if (pts) {
    size_t n = tm_table_rows(pts);
    double *x = nums(b, pts, 0, 0, n, 100), *y = nums(b, pts, 1, 0, n, 1);
    sb_puts(b, "<div>");
    if (x && y) svg_scatter(b, "Probability alive against predicted CLV", "P(alive) (%)", "predicted CLV (base currency)", n, x, y);
    int64_t of = 0;
    if (!tm_doc_get_int(d, "customers", &of) && (size_t)of > n) {
      char msg[160];
      snprintf(msg, sizeof msg, "Sampled: %zu of %lld customers (an even spread by customer id).", n, (long long)of);
      note(b, msg);
    }
    sb_puts(b, "</div>");
    tm_free(x), tm_free(y);
  }
  if (top) {
    bar_card(b, top, "customer", "clv", 10, "Most valuable customers", "predicted CLV (base currency)", "", 1);
  }
  sb_puts(b, "</div>\n");
}

void rp_draw_churn(sb *b, const tm_doc *d, const rp_ctx *cx) {
  static const char *const keys[] = {"customers", "churn_rate", "auc"};
  static const char *const labels[] = {"customers scored", "share with risk ≥ 50%", "model AUC"};
  scalar_tiles(b, d, keys, labels, 3);
  const tm_table *dec = tab(d, "deciles"), *imp = tab(d, "importance"), *rs = tab(d, "reasons"), *risk = tab(d, "at_risk");
  sb_puts(b, "<div class=\"grid2\">");
  if (rs) {
    bar_card(b, rs, "reason", "customers", 12, "Top reasons among the riskiest tenth", "customers", "", 1);
  }
  if (dec) {
    size_t n = tm_table_rows(dec);
    const char **l = tm_calloc(n + 1, sizeof *l);
    char(*lab)[32] = tm_calloc(n + 1, sizeof *lab);
    double *v = nums(b, dec, C(dec, "rate"), 0, n, 100);
    if (l && lab && v) {
      for (size_t r = 0; r < n; r++) snprintf(lab[r], 32, "decile %lld", (long long)tm_table_get_int(dec, r, 0)), l[r] = lab[r];
      sb_puts(b, "<div>");
      svg_bar(b, "Churn rate by risk decile (1 = riskiest)", "churned (%)", "%", n, l, v);
      rp_table(b, dec, 0);
      sb_puts(b, "</div>");
    }
    tm_free(l), tm_free(lab), tm_free(v);
  }
  if (imp) {
    bar_card(b, imp, "feature", "importance", 15, "What drives the risk (importance)", "importance", "", 1);
  }
  if (risk) {
    bar_card(b, risk, "customer", "score", 10, "Customers most at risk", "churn risk (%)", "%", 100);
  }
  sb_puts(b, "</div>\n");
}

void rp_draw_sentiment(sb *b, const tm_doc *d, const rp_ctx *cx) {
  static const char *const keys[] = {"nps", "responses"};
  static const char *const labels[] = {"NPS", "survey responses"};
  scalar_tiles(b, d, keys, labels, 2);
  const tm_table *l = tab(d, "labels"), *p = tab(d, "pain_points"), *th = tab(d, "themes"), *n = tab(d, "nps");
  sb_puts(b, "<div class=\"grid2\">");
  if (l) {
    size_t k = tm_table_rows(l);
    const char **s = strs(b, l, 0, 0, k);
    double *v = nums(b, l, 1, 0, k, 1);
    sb_puts(b, "<div>");
    if (s && v) svg_pie(b, "Texts by sentiment", "", k, s, v);
    rp_table(b, l, 0);
    sb_puts(b, "</div>");
    tm_free(s), tm_free(v);
  }
  if (p) {
    bar_card(b, p, "term", "pain_score", 15, "Pain points", "pain score", "", 1);
  }
  if (n) {
    const char *nl[] = {"promoters", "passives", "detractors"};
    double v[3] = {(double)tm_table_get_int(n, 0, 1), (double)tm_table_get_int(n, 0, 2), (double)tm_table_get_int(n, 0, 3)};
    sb_puts(b, "<div>");
    svg_pie(b, "NPS responses", "", 3, nl, v);
    rp_table(b, n, 0);
    sb_puts(b, "</div>");
  }
  if (th) {
    bar_card(b, th, "term", "weight", 15, "Themes (first scope)", "weight", "", 1);
  }
  sb_puts(b, "</div>\n");
}

void rp_draw_forecast(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *t = tab(d, "points"), *acc = tab(d, "accuracy");
  if (!t) return;
  const char *keys[8];
  size_t nk = distinct(t, 0, keys, 8);
  switch_open(b, "Series", keys, nk);
  for (size_t k = 0; k < nk; k++) {
    size_t r0 = 0, r1;
    while (r0 < tm_table_rows(t) && strcmp(tm_table_get_str(t, r0, 0), keys[k])) r0++;
    for (r1 = r0; r1 < tm_table_rows(t) && !strcmp(tm_table_get_str(t, r1, 0), keys[k]); r1++) {}
    size_t n = r1 - r0;
    const char **x = strs(b, t, 1, r0, r1);
    double *act = nums(b, t, C(t, "actual"), r0, r1, 1), *fc = nums(b, t, C(t, "forecast"), r0, r1, 1),
           *lo = nums(b, t, C(t, "lo"), r0, r1, 1), *hi = nums(b, t, C(t, "hi"), r0, r1, 1);
    alt_open(b, k);
    if (x && act && fc && lo && hi) {
      rp_series s[2] = {{"actual", act}, {"forecast", fc}};
      char title[300];
      snprintf(title, sizeof title, "Forecast of %s with its 95%% interval", keys[k]);
      svg_line(b, title, "value per period", "", n, x, 2, s, lo, hi);
    }
    sb_puts(b, "</div>\n");
    tm_free(x), tm_free(act), tm_free(fc), tm_free(lo), tm_free(hi);
  }
  sb_puts(b, "</div>");
  rp_table(b, t, 0);
  if (acc) rp_table(b, acc, 0);
}

void rp_draw_future(sb *b, const tm_doc *d, const rp_ctx *cx) {
  const tm_table *t = tab(d, "tables");
  if (!t) return;
  note(b, "Result tables found; this dashboard does not draw them yet:");
  rp_table(b, t, 0);
}
