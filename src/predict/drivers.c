/*
 * drivers.c — diagnostic analytics: which customer features go with churn or
 * with revenue, as of a cutoff (features before it, the outcome in the
 * horizon after it; the same frame as the churn model, model_features.c).
 *  - correlations: Pearson r of every pair of features and the target, with
 *    95% confidence intervals from Fisher's z (tanh(atanh r ± 1.96/√(n−3)));
 *  - lift by band: each feature cut into quantile bands (cut points at ranks
 *    n·k/B of the sorted values; equal values share a band, so a band can be
 *    empty and is then left out), with the band's churn rate or mean revenue
 *    over the overall one;
 *  - model-based importance: |standardised coefficient| of the L2 logistic
 *    regression (churn) or of a ridge regression on standardised features
 *    (revenue, in standard deviations of revenue);
 *  - the drivers, ranked: per feature its most telling band (the largest
 *    |log lift| among bands of at least 2% of customers), in plain words.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "predict/predict.h"

#define DAY_MS 86400000.0

double pr_correlation(const double *a, size_t sa, const double *b, size_t sb, size_t n) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; i++) ma += a[i * sa], mb += b[i * sb];
  ma /= n ? (double)n : 1;
  mb /= n ? (double)n : 1;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; i++) {
    double da = a[i * sa] - ma, db = b[i * sb] - mb;
    sab += da * db, saa += da * da, sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

static void fisher_ci(double r, size_t n, double *lo, double *hi) {
  if (!(fabs(r) < 1) || n < 4) {
    *lo = *hi = r;
    return;
  }
  double z = atanh(r), se = 1.0 / sqrt((double)n - 3);
  *lo = tanh(z - 1.959963984540054 * se);
  *hi = tanh(z + 1.959963984540054 * se);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* natural units for wording: log1p-transformed columns back to counts / money */
static double natural(const char *name, double v) { return strncmp(name, "log_", 4) ? v : expm1(v); }

static void fmt_num(char *out, size_t cap, double v) {
  if (fabs(v - round(v)) < 1e-9 || fabs(v) >= 100) snprintf(out, cap, "%.0f", v);
  else snprintf(out, cap, "%.2f", v);
}

/* Ridge regression on standardised columns: (Z'Z + lambda I) beta = Z'u, by Cholesky. */
static int ridge(double *beta, const pr_frame *f, const double *t, tm_error *err) {
  size_t d = f->d, n = f->n;
  double *A = tm_calloc(d * d, sizeof *A), *rhs = tm_calloc(d, sizeof *rhs), *mean = tm_calloc(d, sizeof *mean),
         *sd = tm_calloc(d, sizeof *sd), *z = tm_calloc(d, sizeof *z);
  int rc = 0;
  if (!A || !rhs || !mean || !sd || !z) {
    rc = tm_error_nomem(err);
    goto out;
  }
  double mt = 0, st = 0;
  for (size_t i = 0; i < n; i++) {
    mt += t[i];
    for (size_t j = 0; j < d; j++) mean[j] += f->x[i * d + j];
  }
  mt /= (double)n;
  for (size_t j = 0; j < d; j++) mean[j] /= (double)n;
  for (size_t i = 0; i < n; i++) {
    st += (t[i] - mt) * (t[i] - mt);
    for (size_t j = 0; j < d; j++) sd[j] += (f->x[i * d + j] - mean[j]) * (f->x[i * d + j] - mean[j]);
  }
  st = sqrt(st / (double)(n - 1));
  for (size_t j = 0; j < d; j++) sd[j] = sqrt(sd[j] / (double)(n - 1));
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < d; j++) z[j] = sd[j] > 0 ? (f->x[i * d + j] - mean[j]) / sd[j] : 0;
    double u = st > 0 ? (t[i] - mt) / st : 0;
    for (size_t j = 0; j < d; j++) {
      rhs[j] += z[j] * u;
      for (size_t k = 0; k <= j; k++) A[j * d + k] += z[j] * z[k];
    }
  }
  for (size_t j = 0; j < d; j++) A[j * d + j] += 1.0 + 1e-6 * (double)n; /* lambda */
  for (size_t j = 0; j < d; j++) { /* Cholesky, lower triangle in place */
    for (size_t k = 0; k < j; k++) {
      double s = A[j * d + k];
      for (size_t m = 0; m < k; m++) s -= A[j * d + m] * A[k * d + m];
      A[j * d + k] = s / A[k * d + k];
    }
    double s = A[j * d + j];
    for (size_t m = 0; m < j; m++) s -= A[j * d + m] * A[j * d + m];
    A[j * d + j] = sqrt(s > 1e-12 ? s : 1e-12);
  }
  for (size_t j = 0; j < d; j++) { /* L y = rhs */
    double s = rhs[j];
    for (size_t m = 0; m < j; m++) s -= A[j * d + m] * z[m];
    z[j] = s / A[j * d + j];
  }
  for (size_t j = d; j-- > 0;) { /* L' beta = y */
    double s = z[j];
    for (size_t m = j + 1; m < d; m++) s -= A[m * d + j] * beta[m];
    beta[j] = s / A[j * d + j];
  }
out:
  tm_free(A);
  tm_free(rhs);
  tm_free(mean);
  tm_free(sd);
  tm_free(z);
  return rc;
}

typedef struct band {
  size_t feature;
  int band;
  double lo, hi, mean, lift;
  uint64_t n;
} band;

#define TRY(x)           \
  do {                   \
    if ((x)) goto nomem; \
  } while (0)

int tm_drivers_compute(tm_doc **out, const tm_dataset *ds, const tm_drivers_options *o, tm_error *err) {
  *out = NULL;
  if (!o || o->version != TM_DRIVERS_OPTIONS_VERSION) return tm_error_set(err, TM_EINVAL, "options of another version");
  bool churn = !o->target || !strcmp(o->target, "churn");
  if (!churn && strcmp(o->target, "revenue")) return tm_error_set(err, TM_EINVAL, "--target must be churn or revenue");
  int B = o->bands ? o->bands : 5;
  if (B < 2 || B > 20) return tm_error_set(err, TM_EINVAL, "--bands must be 2 to 20");
  double horizon = o->horizon_days > 0 ? o->horizon_days : 90;
  pr_task task = {.kind = PR_CHURN, .horizon_ms = (int64_t)(horizon * DAY_MS)};
  int64_t end = 0;
  for (size_t c = 0; c < ds->ncust; c++)
    if (ds->off[c + 1] > ds->off[c] && ds->ts[ds->off[c + 1] - 1] > end) end = ds->ts[ds->off[c + 1] - 1];
  task.cutoff_ms = o->cutoff_ms ? o->cutoff_ms : end + 1 - task.horizon_ms;
  pr_frame f = {0};
  tm_doc *doc = NULL;
  tm_table *t = NULL;
  double *tgt = NULL, *col = NULL, *imp = NULL;
  band *bands = NULL, *best = NULL;
  size_t nb = 0;
  int rc = pr_frame_from_dataset(&f, ds, &task, true, err);
  if (rc) return rc;
  size_t n = f.n, d = f.d;
  if (n < 20) {
    rc = tm_error_set(err, TM_EINVAL, "%zu buyers before the cutoff: too few; try another --cutoff", n);
    goto out;
  }
  tgt = tm_malloc(n * sizeof *tgt);
  col = tm_malloc(n * sizeof *col);
  imp = tm_calloc(d, sizeof *imp);
  bands = tm_malloc(d * (size_t)B * sizeof *bands);
  best = tm_malloc(d * sizeof *best);
  if (!tgt || !col || !imp || !bands || !best) goto nomem;
  double overall = 0;
  for (size_t i = 0; i < n; i++) tgt[i] = churn ? f.y[i] : f.value[i], overall += tgt[i];
  overall /= (double)n;
  char when[32];
  time_t tt = (time_t)(task.cutoff_ms / 1000);
  struct tm tmv;
  gmtime_r(&tt, &tmv);
  strftime(when, sizeof when, "%Y-%m-%d", &tmv);
  TRY(tm_doc_new(&doc, churn ? "Drivers of churn" : "Drivers of revenue"));
  TRY(tm_doc_set_str(doc, "target", churn ? "churn" : "revenue") || tm_doc_set_str(doc, "cutoff", when) ||
      tm_doc_set_real(doc, "horizon_days", horizon) || tm_doc_set_int(doc, "customers", (int64_t)n) ||
      tm_doc_set_real(doc, churn ? "churn_rate" : "mean_revenue", overall) || tm_doc_set_int(doc, "bands", B));
  /* correlations: the target first, then every pair of features */
  TRY(tm_table_new(&t, "correlations", "Pearson correlations with 95% confidence intervals (Fisher z)"));
  TRY(tm_table_add_col(t, "a", TM_COL_STR) < 0 || tm_table_add_col(t, "b", TM_COL_STR) < 0 ||
      tm_table_add_col(t, "r", TM_COL_REAL) < 0 || tm_table_add_col(t, "ci_low", TM_COL_REAL) < 0 ||
      tm_table_add_col(t, "ci_high", TM_COL_REAL) < 0 || tm_table_add_col(t, "n", TM_COL_INT) < 0);
  const char *tname = churn ? "churn" : "revenue";
  for (size_t a = 0; a <= d; a++)
    for (size_t b = a + 1; b <= d; b++) {
      /* a == 0 pairs the target with feature b - 1 */
      double r = a == 0 ? pr_correlation(tgt, 1, f.x + (b - 1), d, n) : pr_correlation(f.x + (a - 1), d, f.x + (b - 1), d, n);
      if (r != r) continue; /* a constant column */
      double lo, hi;
      fisher_ci(r, n, &lo, &hi);
      TRY(tm_table_add_row(t) || tm_table_set_str(t, 0, a ? f.name[a - 1] : tname) ||
          tm_table_set_str(t, 1, f.name[b - 1]) || tm_table_set_real(t, 2, r) || tm_table_set_real(t, 3, lo) ||
          tm_table_set_real(t, 4, hi) || tm_table_set_int(t, 5, (int64_t)n));
    }
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  /* lift by quantile band */
  for (size_t j = 0; j < d; j++) {
    for (size_t i = 0; i < n; i++) col[i] = f.x[i * d + j];
    qsort(col, n, sizeof *col, cmp_double);
    double cuts[20];
    for (int k = 1; k < B; k++) cuts[k - 1] = col[(size_t)k * n / (size_t)B];
    band tmp[20];
    for (int k = 0; k < B; k++) tmp[k] = (band){.feature = j, .band = k + 1, .lo = INFINITY, .hi = -INFINITY};
    for (size_t i = 0; i < n; i++) {
      double v = f.x[i * d + j];
      int k = 0;
      while (k < B - 1 && v > cuts[k]) k++;
      tmp[k].n++, tmp[k].mean += tgt[i];
      tmp[k].lo = fmin(tmp[k].lo, v), tmp[k].hi = fmax(tmp[k].hi, v);
    }
    best[j] = (band){.feature = j, .n = 0};
    double best_score = -1;
    for (int k = 0; k < B; k++) {
      if (!tmp[k].n) continue;
      tmp[k].mean /= (double)tmp[k].n;
      tmp[k].lift = overall > 0 ? tmp[k].mean / overall : 0;
      bands[nb++] = tmp[k];
      double score = tmp[k].lift > 0 ? fabs(log(tmp[k].lift)) : 0;
      if (tmp[k].n >= n / 50 && tmp[k].n >= 30 && score > best_score) best_score = score, best[j] = tmp[k];
    }
  }
  TRY(tm_table_new(&t, "lift", churn ? "Churn rate by feature band (quantiles)" : "Revenue by feature band (quantiles)"));
  TRY(tm_table_add_col(t, "feature", TM_COL_STR) < 0 || tm_table_add_col(t, "band", TM_COL_INT) < 0 ||
      tm_table_add_col(t, "from", TM_COL_REAL) < 0 || tm_table_add_col(t, "to", TM_COL_REAL) < 0 ||
      tm_table_add_col(t, "customers", TM_COL_INT) < 0 ||
      tm_table_add_col(t, churn ? "churn_rate" : "mean_revenue", churn ? TM_COL_SHARE : TM_COL_REAL) < 0 ||
      tm_table_add_col(t, "lift", TM_COL_REAL) < 0);
  for (size_t k = 0; k < nb; k++)
    TRY(tm_table_add_row(t) || tm_table_set_str(t, 0, f.name[bands[k].feature]) || tm_table_set_int(t, 1, bands[k].band) ||
        tm_table_set_real(t, 2, bands[k].lo) || tm_table_set_real(t, 3, bands[k].hi) ||
        tm_table_set_int(t, 4, (int64_t)bands[k].n) || tm_table_set_real(t, 5, bands[k].mean) ||
        tm_table_set_real(t, 6, bands[k].lift));
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  /* model-based importance */
  if (churn) {
    pr_fit_opts fo = {.kind = PR_LOGREG, .C = 1.0};
    pr_model m;
    if ((rc = pr_model_fit(&m, &f, NULL, n, &fo, err))) goto out;
    for (size_t j = 0; j < d; j++) imp[j] = m.w[j];
    pr_model_free(&m);
  } else if ((rc = ridge(imp, &f, tgt, err))) {
    goto out;
  }
  TRY(tm_table_new(&t, "importance",
                   churn ? "Model importance: standardised logistic coefficients (log-odds per standard deviation)"
                         : "Model importance: standardised ridge coefficients (sd of revenue per sd)"));
  TRY(tm_table_add_col(t, "feature", TM_COL_STR) < 0 || tm_table_add_col(t, "description", TM_COL_STR) < 0 ||
      tm_table_add_col(t, "coefficient", TM_COL_REAL) < 0 || tm_table_add_col(t, "importance", TM_COL_REAL) < 0);
  {
    size_t ord[PR_MAX_CSV_FEATURES];
    for (size_t j = 0; j < d; j++) ord[j] = j;
    for (size_t a = 1; a < d; a++)
      for (size_t b = a; b > 0 && fabs(imp[ord[b]]) > fabs(imp[ord[b - 1]]); b--) {
        size_t x = ord[b];
        ord[b] = ord[b - 1];
        ord[b - 1] = x;
      }
    for (size_t j = 0; j < d; j++)
      TRY(tm_table_add_row(t) || tm_table_set_str(t, 0, f.name[ord[j]]) || tm_table_set_str(t, 1, f.words[ord[j]]) ||
          tm_table_set_real(t, 2, imp[ord[j]]) || tm_table_set_real(t, 3, fabs(imp[ord[j]])));
  }
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  /* the ranked list in plain words */
  size_t nbest = 0;
  for (size_t j = 0; j < d; j++)
    if (best[j].n) best[nbest++] = best[j];
  for (size_t a = 1; a < nbest; a++)
    for (size_t b = a; b > 0 && fabs(log(best[b].lift > 0 ? best[b].lift : 1e-9)) >
                                    fabs(log(best[b - 1].lift > 0 ? best[b - 1].lift : 1e-9));
         b--) {
      band x = best[b];
      best[b] = best[b - 1];
      best[b - 1] = x;
    }
  TRY(tm_table_new(&t, "drivers", "What goes with it, strongest first"));
  TRY(tm_table_add_col(t, "rank", TM_COL_INT) < 0 || tm_table_add_col(t, "feature", TM_COL_STR) < 0 ||
      tm_table_add_col(t, "band", TM_COL_INT) < 0 || tm_table_add_col(t, "lift", TM_COL_REAL) < 0 ||
      tm_table_add_col(t, "customers", TM_COL_INT) < 0 || tm_table_add_col(t, "statement", TM_COL_STR) < 0);
  for (size_t k = 0; k < nbest; k++) {
    const band *b = &best[k];
    const char *nm = f.name[b->feature];
    char lo[32], hi[32], range[96], say[320];
    fmt_num(lo, sizeof lo, natural(nm, b->lo));
    fmt_num(hi, sizeof hi, natural(nm, b->hi));
    bool first = b->band == 1 || b->lo <= bands[0].lo, last = b->band == B;
    if (!strcmp(lo, hi)) snprintf(range, sizeof range, "of %s", lo);
    else if (first && !last) snprintf(range, sizeof range, "of %s or less", hi);
    else if (last) snprintf(range, sizeof range, "of %s or more", lo);
    else snprintf(range, sizeof range, "from %s to %s", lo, hi);
    if (churn)
      snprintf(say, sizeof say, "customers with %s %s churn %.1f× as often (%.0f%% against %.0f%%)", f.words[b->feature],
               range, b->lift, 100 * b->mean, 100 * overall);
    else
      snprintf(say, sizeof say, "customers with %s %s spend %.1f× as much in the next %.0f days", f.words[b->feature],
               range, b->lift, horizon);
    TRY(tm_table_add_row(t) || tm_table_set_int(t, 0, (int64_t)k + 1) || tm_table_set_str(t, 1, nm) ||
        tm_table_set_int(t, 2, b->band) || tm_table_set_real(t, 3, b->lift) || tm_table_set_int(t, 4, (int64_t)b->n) ||
        tm_table_set_str(t, 5, say));
  }
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  if (o->with_features) { /* the table every figure above is computed from */
    TRY(tm_table_new(&t, "features", "Feature table (as the model sees it)"));
    TRY(tm_table_add_col(t, "customer", TM_COL_STR) < 0);
    for (size_t j = 0; j < d; j++) TRY(tm_table_add_col(t, f.name[j], TM_COL_REAL) < 0);
    TRY(tm_table_add_col(t, tname, churn ? TM_COL_INT : TM_COL_REAL) < 0);
    for (size_t i = 0; i < n; i++) {
      TRY(tm_table_add_row(t) || tm_table_set_str(t, 0, pr_frame_id(&f, i)));
      for (size_t j = 0; j < d; j++) TRY(tm_table_set_real(t, (int)j + 1, f.x[i * d + j]));
      TRY(churn ? tm_table_set_int(t, (int)d + 1, f.y[i]) : tm_table_set_real(t, (int)d + 1, tgt[i]));
    }
    TRY(tm_doc_add_table(doc, t));
    t = NULL;
  }
  *out = doc;
  doc = NULL;
  goto out;
nomem:
  rc = tm_error_nomem(err);
out:
  tm_table_free(t);
  tm_doc_free(doc);
  tm_free(tgt);
  tm_free(col);
  tm_free(imp);
  tm_free(bands);
  tm_free(best);
  pr_frame_free(&f);
  return rc;
}
