/*
 * persona.c — persona cards for segments. A segment's distinguishing features
 * are those whose mean differs most from the rest of the customers', in
 * pooled standard deviations (Cohen's d); its name is built from the largest
 * of them and its dominant channel ("High-spend store shoppers").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/hashmap.h"
#include "mine/persona.h"
#include "store/warehouse_int.h"

/* What a feature far above (hi) or below (lo) the others says of a segment. */
static const struct {
  const char *feature, *hi, *lo;
} phrases[] = {
    {"log_mean_order_value", "High-spend", "Low-spend"},
    {"log_orders", "Frequent", "Occasional"},
    {"email_open_rate", "Email-engaged", "Email-deaf"},
    {"email_click_rate", "Email-engaged", "Email-deaf"},
    {"discount_share", "Discount-driven", "Full-price"},
    {"return_rate", "Returns-heavy", "Keep-it"},
    {"log_support_contacts", "Support-heavy", "Self-reliant"},
    {"log_app_messages", "App-browsing", "App-shy"},
    {"log_web_messages", "Web-browsing", "Web-shy"},
    {"mobile_share", "Mobile-first", "Desktop-first"},
    {"review_sentiment", "Happy", "Unhappy"},
    {"log_tenure_days", "Long-standing", "Newly acquired"},
    {"log_interpurchase_days", "Slow-returning", "Quick-returning"},
};

static const char *phrase(const char *feature, double z) {
  for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
    if (!strcmp(phrases[i].feature, feature)) return z > 0 ? phrases[i].hi : phrases[i].lo;
  return NULL;
}

typedef struct ranked {
  size_t j;
  double z;
} ranked;

static int by_abs_desc(const void *a, const void *b) {
  double x = fabs(((const ranked *)a)->z), y = fabs(((const ranked *)b)->z);
  if (x != y) return x > y ? -1 : 1;
  return ((const ranked *)a)->j < ((const ranked *)b)->j ? -1 : 1;
}

static int by_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The up to three largest of counts[1..n) as "a,b,c" (ties: the name first in
 * byte order), and the largest's code in *first (0 = none). */
static void top3(const double *counts, size_t n, char *const *names, char *out, size_t cap, size_t *first) {
  size_t pick[3] = {0, 0, 0}, used = 0;
  out[0] = 0;
  for (int r = 0; r < 3; r++) {
    size_t best = 0;
    for (size_t i = 1; i < n; i++) {
      if (!(counts[i] > 0) || !names[i] || (r > 0 && i == pick[0]) || (r > 1 && i == pick[1])) continue;
      if (!best || counts[i] > counts[best] || (counts[i] == counts[best] && strcmp(names[i], names[best]) < 0)) best = i;
    }
    if (!best) break;
    pick[r] = best;
    used += (size_t)snprintf(out + used, cap - TM_MIN(used, cap), "%s%s", r ? "," : "", names[best]);
    if (used >= cap) break;
  }
  if (first) *first = pick[0];
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

typedef struct card {
  int64_t customers, cents;
  char name[160], apart[256], channels[256], products[256], regions[256];
  const char *top_channel, *top_category, *top_region;
} card;

static int save(tm_warehouse *wh, int64_t run_id, const card *cards, size_t nseg, const char *const *label,
                const tm_features *f, const double *med, const double *mean, const double *sdiff, const int64_t *buyers,
                int64_t total, int64_t total_cents, tm_error *err) {
  sqlite3_stmt *p = NULL, *q = NULL;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &p,
                          "INSERT INTO segment_profiles(run_id, segment, name, customers, customer_share, revenue_share, "
                          "top_channels, top_products, top_regions, distinguishing) VALUES(?,?,?,?,?,?,?,?,?,?)",
                          err)) ||
      (rc = tm_wh_prepare(wh, &q,
                          "INSERT INTO segment_features(run_id, segment, feature, median, mean, std_diff) "
                          "VALUES(?,?,?,?,?,?)",
                          err)))
    goto done;
  for (size_t s = 0; s < nseg && !rc; s++) {
    const card *c = &cards[s];
    if (!c->customers) continue;
    sqlite3_bind_int64(p, 1, run_id);
    sqlite3_bind_text(p, 2, label[s], -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, c->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 4, c->customers);
    sqlite3_bind_double(p, 5, total ? (double)c->customers / (double)total : 0);
    sqlite3_bind_double(p, 6, total_cents ? (double)c->cents / (double)total_cents : 0);
    sqlite3_bind_text(p, 7, c->channels, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 8, c->products, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 9, c->regions, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 10, c->apart, -1, SQLITE_STATIC);
    if (sqlite3_step(p) != SQLITE_DONE) rc = tm_wh_fail(wh, err, "saving segment profiles");
    sqlite3_reset(p);
    for (size_t j = 0; j < f->d && buyers[s] && !rc; j++) {
      sqlite3_bind_int64(q, 1, run_id);
      sqlite3_bind_text(q, 2, label[s], -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 3, f->name[j], -1, SQLITE_STATIC);
      sqlite3_bind_double(q, 4, med[s * f->d + j]);
      sqlite3_bind_double(q, 5, mean[s * f->d + j]);
      sqlite3_bind_double(q, 6, sdiff[s * f->d + j]);
      if (sqlite3_step(q) != SQLITE_DONE) rc = tm_wh_fail(wh, err, "saving segment features");
      sqlite3_reset(q);
    }
  }
done:
  sqlite3_finalize(p);
  sqlite3_finalize(q);
  if (!rc) return tm_wh_exec(wh, "COMMIT", err);
  tm_wh_rollback(wh);
  return rc;
}

int tm_personas(tm_doc *doc, tm_warehouse *wh, int64_t run_id, const tm_dataset *ds, const tm_features *f,
                const uint32_t *seg, size_t nseg, const char *const *labels, tm_error *err) {
  size_t d = f->d, nch = ds->channels.count, nrg = ds->regions.count, nprod = ds->products.count;
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  uint16_t ret = (uint16_t)tm_names_find(&ds->types, "return");
  size_t ns = nseg ? nseg : 1;
  card *cards = tm_calloc(ns, sizeof *cards);
  char **lab = tm_calloc(ns, sizeof *lab);
  double *sum = tm_calloc(ns * (d ? d : 1), sizeof *sum), *sq = tm_calloc(ns * (d ? d : 1), sizeof *sq);
  double *med = tm_calloc(ns * (d ? d : 1), sizeof *med), *mean = tm_calloc(ns * (d ? d : 1), sizeof *mean);
  double *sdiff = tm_calloc(ns * (d ? d : 1), sizeof *sdiff);
  int64_t *buyers = tm_calloc(ns, sizeof *buyers), *start = tm_calloc(ns + 1, sizeof *start);
  double *ch = tm_malloc((nch ? nch : 1) * sizeof *ch), *rg = tm_malloc((nrg ? nrg : 1) * sizeof *rg);
  double *pr = tm_malloc((nprod ? nprod : 1) * sizeof *pr);
  uint32_t *rows = tm_malloc((f->n ? f->n : 1) * sizeof *rows);
  double *buf = tm_malloc((f->n ? f->n : 1) * sizeof *buf);
  ranked *rk = tm_malloc((d ? d : 1) * sizeof *rk);
  tm_table *t = NULL, *tf = NULL;
  int rc = 0;
  if (!cards || !lab || !sum || !sq || !med || !mean || !sdiff || !buyers || !start || !ch || !rg || !pr || !rows ||
      !buf || !rk)
    goto oom;
  for (size_t s = 0; s < nseg; s++) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "cluster %zu", s + 1);
    if (!(lab[s] = tm_strdup(labels ? labels[s] : tmp))) goto oom;
  }
  int64_t total = 0, total_cents = 0;
  for (size_t c = 0; c < ds->ncust; c++) {
    if (seg[c] >= nseg) continue;
    total++;
    cards[seg[c]].customers++;
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++)
      if (ds->type[i] && (ds->type[i] == purchase || ds->type[i] == ret)) {
        int64_t v = tm_cents(ds->amount[i]);
        cards[seg[c]].cents += v, total_cents += v;
      }
  }
  /* buyers' feature rows grouped by segment (counting sort keeps row order) */
  for (size_t r = 0; r < f->n; r++)
    if (seg[f->cust[r]] < nseg) buyers[seg[f->cust[r]]]++;
  for (size_t s = 0; s < nseg; s++) start[s + 1] = start[s] + buyers[s];
  {
    int64_t *fill = tm_malloc(ns * sizeof *fill);
    if (!fill) goto oom;
    memcpy(fill, start, ns * sizeof *fill);
    for (size_t r = 0; r < f->n; r++)
      if (seg[f->cust[r]] < nseg) rows[fill[seg[f->cust[r]]]++] = (uint32_t)r;
    tm_free(fill);
  }
  double *tsum = tm_calloc(d ? d : 1, sizeof *tsum), *tsq = tm_calloc(d ? d : 1, sizeof *tsq);
  if (!tsum || !tsq) {
    tm_free(tsum), tm_free(tsq);
    goto oom;
  }
  int64_t tb = start[nseg];
  for (size_t s = 0; s < nseg; s++)
    for (int64_t i = start[s]; i < start[s + 1]; i++)
      for (size_t j = 0; j < d; j++) {
        double v = f->x[(size_t)rows[i] * d + j];
        sum[s * d + j] += v, sq[s * d + j] += v * v, tsum[j] += v, tsq[j] += v * v;
      }
  if (tm_table_new(&t, "personas", "Personas: what sets each segment apart") || tm_doc_add_table(doc, t)) goto oom;
  if (COL(t, "segment", labels ? TM_COL_STR : TM_COL_INT) || COL(t, "name", TM_COL_STR) ||
      COL(t, "customers", TM_COL_INT) || COL(t, "share", TM_COL_SHARE) || COL(t, "revenue_share", TM_COL_SHARE) ||
      COL(t, "top_channel", TM_COL_STR) || COL(t, "top_category", TM_COL_STR) || COL(t, "top_region", TM_COL_STR) ||
      COL(t, "top_channels", TM_COL_STR) || COL(t, "top_products", TM_COL_STR) || COL(t, "top_regions", TM_COL_STR) ||
      COL(t, "sets_apart", TM_COL_STR))
    goto oom2;
  if (tm_table_new(&tf, "persona_features", "Persona features (median and mean in the feature's units)") ||
      tm_doc_add_table(doc, tf))
    goto oom2;
  if (COL(tf, "segment", labels ? TM_COL_STR : TM_COL_INT) || COL(tf, "feature", TM_COL_STR) ||
      COL(tf, "median", TM_COL_REAL) || COL(tf, "mean", TM_COL_REAL) || COL(tf, "std_diff", TM_COL_REAL))
    goto oom2;
  for (size_t s = 0; s < nseg; s++) {
    card *c = &cards[s];
    if (!c->customers) continue;
    /* features: median and mean in the feature's units, and Cohen's d against the rest */
    double nb = (double)buyers[s], no = (double)(tb - buyers[s]);
    for (size_t j = 0; j < d && buyers[s]; j++) {
      for (int64_t i = start[s]; i < start[s + 1]; i++) buf[i - start[s]] = f->x[(size_t)rows[i] * d + j];
      qsort(buf, (size_t)buyers[s], sizeof *buf, by_double);
      size_t m = (size_t)buyers[s];
      double z = m % 2 ? buf[m / 2] : (buf[m / 2 - 1] + buf[m / 2]) / 2;
      med[s * d + j] = f->mean[j] + f->sd[j] * z;
      if (fabs(med[s * d + j]) < 1e-12 * (1 + fabs(f->mean[j]))) med[s * d + j] = 0; /* rounding of 0 back from z */
      double ms = sum[s * d + j] / nb, mo = no ? (tsum[j] - sum[s * d + j]) / no : 0;
      mean[s * d + j] = f->mean[j] + f->sd[j] * ms;
      double vs = nb > 1 ? (sq[s * d + j] - nb * ms * ms) / (nb - 1) : 0;
      double vo = no > 1 ? (tsq[j] - sq[s * d + j] - no * mo * mo) / (no - 1) : 0;
      double pooled = nb + no > 2 ? sqrt(fmax(0, ((nb - 1) * vs + (no - 1) * vo) / (nb + no - 2))) : 0;
      sdiff[s * d + j] = no && pooled > 0 ? (ms - mo) / pooled : 0;
      rk[j] = (ranked){j, sdiff[s * d + j]};
    }
    size_t nr = buyers[s] ? d : 0, used = 0;
    qsort(rk, nr, sizeof *rk, by_abs_desc);
    for (size_t j = 0; j < nr && j < 3; j++)
      used += (size_t)snprintf(c->apart + used, sizeof c->apart - TM_MIN(used, sizeof c->apart), "%s%s %+.1f sd",
                               j ? "; " : "", f->name[rk[j].j], rk[j].z);
    const char *adj = NULL;
    for (size_t j = 0; j < nr && !adj; j++) adj = fabs(rk[j].z) >= 0.2 ? phrase(f->name[rk[j].j], rk[j].z) : NULL;
    /* channels, regions (purchases), products and categories (line revenue) */
    memset(ch, 0, (nch ? nch : 1) * sizeof *ch), memset(rg, 0, (nrg ? nrg : 1) * sizeof *rg);
    memset(pr, 0, (nprod ? nprod : 1) * sizeof *pr);
    for (size_t cu = 0; cu < ds->ncust; cu++) {
      if (seg[cu] != s) continue;
      for (size_t i = ds->off[cu]; i < ds->off[cu + 1]; i++) {
        if (!purchase || ds->type[i] != purchase) continue;
        if (ds->channel[i] < nch) ch[ds->channel[i]]++;
        if (ds->region[i] < nrg) rg[ds->region[i]]++;
        for (uint32_t l = ds->line_off[i]; l < ds->line_off[i + 1]; l++)
          if (ds->line_product[l] < nprod) pr[ds->line_product[l]] += ds->line_qty[l] * ds->line_price[l];
      }
    }
    size_t tch, trg, tpr;
    top3(ch, nch, ds->channels.name, c->channels, sizeof c->channels, &tch);
    top3(rg, nrg, ds->regions.name, c->regions, sizeof c->regions, &trg);
    top3(pr, nprod, ds->products.name, c->products, sizeof c->products, &tpr);
    /* categories: product_categories names the category of each product id */
    tm_dict cats;
    if (tm_dict_init(&cats)) goto oom2;
    double catrev[256] = {0};
    for (size_t p = 1; p < nprod && p < ds->product_categories.count; p++) {
      const char *nm = ds->product_categories.name[p];
      uint32_t id;
      if (!nm || !*nm || !(pr[p] > 0)) continue;
      if (tm_dict_intern(&cats, nm, strlen(nm), &id)) {
        tm_dict_fini(&cats);
        goto oom2;
      }
      if (id < 256) catrev[id] += pr[p];
    }
    size_t tc = 0;
    for (size_t q = 1; q < cats.count && q < 256; q++)
      if (catrev[q] > catrev[tc]) tc = q;
    char topcat[128] = "";
    if (cats.count && catrev[tc] > 0) snprintf(topcat, sizeof topcat, "%s", tm_dict_str(&cats, (uint32_t)tc));
    tm_dict_fini(&cats);
    const char *chname = tch ? ds->channels.name[tch] : "multichannel";
    snprintf(c->name, sizeof c->name, "%s %s shoppers", adj ? adj : "Typical", chname);
    if (tm_table_add_row(t) ||
        (labels ? tm_table_set_str(t, 0, lab[s]) : tm_table_set_int(t, 0, (int64_t)s + 1)) ||
        tm_table_set_str(t, 1, c->name) || tm_table_set_int(t, 2, c->customers) ||
        tm_table_set_real(t, 3, total ? (double)c->customers / (double)total : 0) ||
        tm_table_set_real(t, 4, total_cents ? (double)c->cents / (double)total_cents : 0) ||
        tm_table_set_str(t, 5, tch ? chname : "") || tm_table_set_str(t, 6, topcat) ||
        tm_table_set_str(t, 7, trg ? ds->regions.name[trg] : "") || tm_table_set_str(t, 8, c->channels) ||
        tm_table_set_str(t, 9, c->products) || tm_table_set_str(t, 10, c->regions) || tm_table_set_str(t, 11, c->apart))
      goto oom2;
    for (size_t j = 0; j < d && buyers[s]; j++)
      if (tm_table_add_row(tf) ||
          (labels ? tm_table_set_str(tf, 0, lab[s]) : tm_table_set_int(tf, 0, (int64_t)s + 1)) ||
          tm_table_set_str(tf, 1, f->name[j]) || tm_table_set_real(tf, 2, med[s * d + j]) ||
          tm_table_set_real(tf, 3, mean[s * d + j]) || tm_table_set_real(tf, 4, sdiff[s * d + j]))
        goto oom2;
  }
  tm_free(tsum), tm_free(tsq);
  if (run_id > 0 && wh && !wh->readonly)
    rc = save(wh, run_id, cards, nseg, (const char *const *)lab, f, med, mean, sdiff, buyers, total, total_cents, err);
  goto done;
oom2:
  tm_free(tsum), tm_free(tsq);
oom:
  rc = tm_error_nomem(err);
done:
  for (size_t s = 0; lab && s < nseg; s++) tm_free(lab[s]);
  tm_free(cards), tm_free(lab), tm_free(sum), tm_free(sq), tm_free(med), tm_free(mean), tm_free(sdiff);
  tm_free(buyers), tm_free(start), tm_free(ch), tm_free(rg), tm_free(pr), tm_free(rows);
  tm_free(buf), tm_free(rk);
  return rc;
}
