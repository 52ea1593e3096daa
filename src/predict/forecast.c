/*
 * forecast.c — touchmine forecast: Holt-Winters on one series from a CSV
 * file, or on one series per product, category, region or channel built from
 * the warehouse's purchases (revenue per day, week or month), with accuracy
 * on a held-back tail against the seasonal-naive forecast. Series are fitted
 * in parallel (OpenMP); each series' result depends only on its own data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/timeparse.h"
#include "io/io.h"
#include "predict/holtwinters.h"
#include "store/dataset.h"
#include "store/warehouse_int.h"

/* One series' result. */
typedef struct fc_series {
  char *name;
  double *x; /* n values */
  size_t n;
  int64_t first_bucket; /* dataset: bucket number of x[0] */
  bool ok;
  hw_fit fit;
  double *fitted, *mean, *lo, *hi; /* n; horizon x 3 */
  double mape, smape, mase, naive_mase;
} fc_series;

static const char *method_name(int m) {
  return m == HW_ADDITIVE ? "additive" : m == HW_MULTIPLICATIVE ? "multiplicative" : "none";
}

/* Accuracy of forecasts f against actuals a (h each); scale = in-sample mean
 * absolute seasonal difference. */
static void accuracy(const double *a, const double *f, int h, double scale, double *mape, double *smape,
                     double *mase) {
  double ape = 0, sape = 0, ae = 0;
  int na = 0, ns = 0;
  for (int i = 0; i < h; i++) {
    double e = fabs(a[i] - f[i]);
    ae += e;
    if (a[i] != 0) ape += e / fabs(a[i]), na++;
    if (fabs(a[i]) + fabs(f[i]) > 0) sape += 2 * e / (fabs(a[i]) + fabs(f[i])), ns++;
  }
  *mape = na ? 100 * ape / na : NAN;
  *smape = ns ? 100 * sape / ns : NAN;
  *mase = scale > 0 ? ae / h / scale : NAN;
}

/* Fits one series: period and method resolved per series, accuracy on the
 * holdout, then the model refitted on everything for the forecasts. */
static void fit_one(fc_series *s, int method, int period, bool damped, int horizon, int holdout) {
  s->ok = false;
  s->mape = s->smape = s->mase = s->naive_mase = NAN;
  size_t n = s->n, ntrain = holdout > 0 && (size_t)holdout < n ? n - (size_t)holdout : n;
  if (period == 0) period = hw_detect_period(s->x, ntrain, (int)(ntrain / 2));
  int m = method;
  if (m != HW_NONSEASONAL && (period < 2 || ntrain < 2 * (size_t)period + 1)) m = HW_NONSEASONAL;
  if (m == HW_MULTIPLICATIVE)
    for (size_t i = 0; i < n; i++)
      if (!(s->x[i] > 0)) { /* zeros: the multiplicative model does not apply */
        m = HW_ADDITIVE;
        break;
      }
  int p = m == HW_NONSEASONAL ? 0 : period;
  if (holdout > 0 && ntrain < n) {
    hw_fit f;
    double fc[4096], naive[4096];
    int h = (int)(n - ntrain);
    if (h <= 4096 && hw_fit_series(s->x, ntrain, m, p, damped, &f, NULL)) {
      int lag = p ? p : 1;
      double scale = 0;
      for (size_t i = (size_t)lag; i < ntrain; i++) scale += fabs(s->x[i] - s->x[i - lag]);
      scale = ntrain > (size_t)lag ? scale / (double)(ntrain - (size_t)lag) : NAN;
      hw_forecast(&f, h, fc, NULL, NULL);
      for (int k = 1; k <= h; k++) { /* seasonal naive: the same point of the last season */
        int back = lag * ((k - 1) / lag + 1);
        naive[k - 1] = (size_t)back <= ntrain ? s->x[ntrain + (size_t)k - 1 - (size_t)back] : NAN;
      }
      double nm, ns;
      accuracy(s->x + ntrain, fc, h, scale, &s->mape, &s->smape, &s->mase);
      accuracy(s->x + ntrain, naive, h, scale, &nm, &ns, &s->naive_mase);
    }
  }
  if (!hw_fit_series(s->x, n, m, p, damped, &s->fit, s->fitted)) return;
  hw_forecast(&s->fit, horizon, s->mean, s->lo, s->hi);
  s->ok = true;
}

static void series_free(fc_series *s) {
  tm_free(s->name);
  tm_free(s->x);
  tm_free(s->fitted);
  tm_free(s->mean);
  memset(s, 0, sizeof *s);
}

static int series_alloc(fc_series *s, int horizon) {
  s->fitted = tm_malloc((s->n ? s->n : 1) * sizeof(double));
  s->mean = tm_malloc(3 * (size_t)horizon * sizeof(double));
  if (!s->fitted || !s->mean) return TM_ENOMEM;
  s->lo = s->mean + horizon;
  s->hi = s->lo + horizon;
  return 0;
}

static int parse_method(const char *m, int *out, tm_error *err) {
  if (!m || !strcmp(m, "additive")) *out = HW_ADDITIVE;
  else if (!strcmp(m, "multiplicative")) *out = HW_MULTIPLICATIVE;
  else if (!strcmp(m, "none")) *out = HW_NONSEASONAL;
  else return tm_error_set(err, TM_EINVAL, "method '%s': say additive, multiplicative or none", m);
  return 0;
}

/* ------------------------------------------------------------ CSV input */

/* Labels of the forecasts: the next months after YYYY-MM(-DD) labels a month
 * apart, the next days after YYYY-MM-DD labels d days apart, else "+h". */
static void next_label(char **labels, size_t n, int h, char *out, size_t cap) {
  int y1, m1, d1 = 1, y2, m2, d2 = 1;
  snprintf(out, cap, "+%d", h);
  if (n < 2 || !labels[n - 1] || !labels[n - 2]) return;
  int k1 = sscanf(labels[n - 2], "%d-%d-%d", &y1, &m1, &d1), k2 = sscanf(labels[n - 1], "%d-%d-%d", &y2, &m2, &d2);
  if (k1 < 2 || k2 != k1 || m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12 || d1 < 1 || d2 < 1 || d1 > 31 || d2 > 31) return;
  int64_t a = tm_days_from_civil(y1, (unsigned)m1, (unsigned)d1), b = tm_days_from_civil(y2, (unsigned)m2, (unsigned)d2);
  int64_t step = b - a;
  if (k1 == 2 || (step >= 28 && step <= 31)) {
    int mm = (y2 * 12 + m2 - 1) + h;
    if (k1 == 2) snprintf(out, cap, "%04d-%02d", mm / 12, mm % 12 + 1);
    else snprintf(out, cap, "%04d-%02d-%02d", mm / 12, mm % 12 + 1, d2);
  } else if (step > 0) {
    int y;
    unsigned m, d;
    tm_civil_from_days(b + step * h, &y, &m, &d);
    snprintf(out, cap, "%04d-%02u-%02u", y, m, d);
  }
}

static bool parse_num(const char *s, double *v) {
  char *end;
  while (*s == ' ') s++;
  *v = strtod(s, &end);
  while (*end == ' ' || *end == '\r') end++;
  return end != s && !*end && isfinite(*v);
}

static int read_series(const char *path, const char *value_col, fc_series *s, char ***labels_out, tm_error *err) {
  tm_reader *r = NULL;
  tm_csv *csv = NULL;
  tm_csv_record rec;
  char **labels = NULL;
  size_t cap = 0;
  int rc = tm_reader_open(&r, path, err);
  if (rc) return rc;
  if ((rc = tm_csv_open(&csv, r, 0, err))) goto done;
  rc = tm_csv_next(csv, &rec, err);
  if (rc <= 0) {
    if (!rc) rc = tm_error_set(err, TM_EINVAL, "%s: empty file", path);
    goto done;
  }
  /* a header unless its last field is a number */
  double v;
  size_t nf = rec.nfields;
  int vc = (int)nf - 1, lc = nf >= 2 ? 0 : -1;
  bool header = !parse_num(rec.field[nf - 1], &v);
  if (value_col) {
    vc = -1;
    for (size_t i = 0; header && i < nf; i++)
      if (!strcmp(rec.field[i], value_col)) vc = (int)i;
    if (vc < 0) {
      rc = tm_error_set(err, TM_EINVAL, "%s:1: no column '%s' in the header", path, value_col);
      goto done;
    }
    if (vc == 0) lc = nf >= 2 ? 1 : -1;
  }
  bool first = !header;
  while (first || (rc = tm_csv_next(csv, &rec, err)) == 1) {
    first = false;
    if (rec.malformed || rec.nfields != nf) {
      rc = tm_error_set(err, TM_EINVAL, "%s:%llu: %s", path, (unsigned long long)rec.line,
                        rec.malformed ? rec.malformed : "wrong number of fields");
      goto done;
    }
    if (!parse_num(rec.field[vc], &v)) {
      rc = tm_error_set(err, TM_EINVAL, "%s:%llu: '%s' is not a number", path, (unsigned long long)rec.line,
                        rec.field[vc]);
      goto done;
    }
    if (s->n + 1 > cap) {
      size_t nc = cap ? 2 * cap : 256;
      double *nx = tm_realloc(s->x, nc * sizeof *nx);
      if (!nx) goto oom;
      s->x = nx;
      char **nl = tm_realloc(labels, nc * sizeof *nl);
      if (!nl) goto oom;
      labels = nl;
      cap = nc;
    }
    labels[s->n] = lc >= 0 ? tm_strdup(rec.field[lc]) : NULL;
    if (lc >= 0 && !labels[s->n]) goto oom;
    s->x[s->n++] = v;
  }
  if (rc < 0) goto done;
  rc = 0;
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  *labels_out = labels;
  tm_csv_close(csv);
  tm_reader_close(r);
  return rc;
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

static int forecast_input(tm_doc **out, const tm_forecast_options *opt, int method, tm_error *err) {
  fc_series s = {0};
  char **labels = NULL;
  tm_doc *doc = NULL;
  tm_table *t = NULL;
  int rc = read_series(opt->input, opt->value_col, &s, &labels, err);
  if (rc) goto fail;
  int period = opt->period > 0 ? opt->period : 0;
  if (!period && method != HW_NONSEASONAL) period = hw_detect_period(s.x, s.n, (int)(s.n / 2));
  int horizon = opt->horizon > 0 ? opt->horizon : period > 1 ? period : 1;
  size_t ntrain = opt->holdout > 0 ? (size_t)opt->holdout < s.n ? s.n - (size_t)opt->holdout : 0 : s.n;
  if (method != HW_NONSEASONAL && (period < 2 || ntrain < 2 * (size_t)period + 1)) {
    rc = tm_error_set(err, TM_EINVAL,
                      "%s: %zu points%s; seasonal Holt-Winters needs a period (%d found) and at least two seasons "
                      "and one point (use --period or --method none)",
                      opt->input, ntrain, opt->holdout ? " before the holdout" : "", period);
    goto fail;
  }
  if (method == HW_NONSEASONAL && ntrain < 3) {
    rc = tm_error_set(err, TM_EINVAL, "%s: %zu points: need at least 3", opt->input, ntrain);
    goto fail;
  }
  if (method == HW_MULTIPLICATIVE)
    for (size_t i = 0; i < s.n; i++)
      if (!(s.x[i] > 0)) {
        rc = tm_error_set(err, TM_EINVAL, "%s: value %zu is %g: the multiplicative model needs positive values",
                          opt->input, i + 1, s.x[i]);
        goto fail;
      }
  if (series_alloc(&s, horizon)) goto oom;
  fit_one(&s, method, method == HW_NONSEASONAL ? 0 : period, opt->damped != 0, horizon, opt->holdout);
  if (!s.ok) {
    rc = tm_error_set(err, TM_EINVAL, "%s: the series could not be fitted", opt->input);
    goto fail;
  }
  const hw_fit *f = &s.fit;
  if (tm_doc_new(&doc, "touchmine forecast") || tm_doc_set_str(doc, "method", method_name(f->method)) ||
      tm_doc_set_int(doc, "period", f->period) || tm_doc_set_int(doc, "points", (int64_t)s.n) ||
      tm_doc_set_real(doc, "alpha", f->alpha) || tm_doc_set_real(doc, "beta", f->beta) ||
      (f->period && tm_doc_set_real(doc, "gamma", f->gamma)) || tm_doc_set_real(doc, "phi", f->phi) ||
      tm_doc_set_real(doc, "sse", f->sse) || tm_doc_set_real(doc, "level", f->level) ||
      tm_doc_set_real(doc, "trend", f->trend) || tm_doc_set_int(doc, "horizon", horizon))
    goto oom;
  if (opt->holdout > 0 &&
      (tm_doc_set_int(doc, "holdout", opt->holdout) || tm_doc_set_real(doc, "mape", s.mape) ||
       tm_doc_set_real(doc, "smape", s.smape) || tm_doc_set_real(doc, "mase", s.mase) ||
       tm_doc_set_real(doc, "naive_mase", s.naive_mase)))
    goto oom;
  if (tm_table_new(&t, "forecast", "Forecast (95% interval)") || tm_doc_add_table(doc, t)) goto oom;
  tm_table *ft = t;
  t = NULL;
  if (COL(ft, "step", TM_COL_INT) || COL(ft, "period", TM_COL_STR) || COL(ft, "forecast", TM_COL_REAL) ||
      COL(ft, "lo", TM_COL_REAL) || COL(ft, "hi", TM_COL_REAL))
    goto oom;
  for (int h = 0; h < horizon; h++) {
    char lab[48];
    next_label(labels, s.n, h + 1, lab, sizeof lab);
    if (tm_table_add_row(ft) || tm_table_set_int(ft, 0, h + 1) || tm_table_set_str(ft, 1, lab) ||
        tm_table_set_real(ft, 2, s.mean[h]) || tm_table_set_real(ft, 3, s.lo[h]) || tm_table_set_real(ft, 4, s.hi[h]))
      goto oom;
  }
  if (tm_table_new(&t, "fitted", "Fitted (one step ahead)") || tm_doc_add_table(doc, t)) goto oom;
  tm_table *xt = t;
  t = NULL;
  if (COL(xt, "period", TM_COL_STR) || COL(xt, "actual", TM_COL_REAL) || COL(xt, "fitted", TM_COL_REAL)) goto oom;
  for (size_t i = 0; i < s.n; i++) {
    char lab[32];
    snprintf(lab, sizeof lab, "%zu", i + 1);
    if (tm_table_add_row(xt) || tm_table_set_str(xt, 0, labels[i] ? labels[i] : lab) ||
        tm_table_set_real(xt, 1, s.x[i]) || (!isnan(s.fitted[i]) && tm_table_set_real(xt, 2, s.fitted[i])))
      goto oom;
  }
  *out = doc;
  doc = NULL;
  goto fail; /* frees the rest */
oom:
  rc = tm_error_nomem(err);
fail:
  if (labels)
    for (size_t i = 0; i < s.n; i++) tm_free(labels[i]);
  tm_free(labels);
  tm_table_free(t);
  tm_doc_free(doc);
  series_free(&s);
  return rc;
}

/* ------------------------------------------------------------ dataset */

enum { G_DAY, G_WEEK, G_MONTH };

static int64_t day_of(int64_t ms) { return ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000); }

/* Bucket of a day number: days; weeks from Monday (1970-01-01 was a Thursday); months. */
static int64_t bucket_of(int64_t day, int grain) {
  if (grain == G_DAY) return day;
  if (grain == G_WEEK) return (day + 3 >= 0 ? (day + 3) / 7 : -((-(day + 3) + 6) / 7));
  int y;
  unsigned m, d;
  tm_civil_from_days(day, &y, &m, &d);
  return (int64_t)y * 12 + (m - 1);
}

static int64_t bucket_start(int64_t b, int grain) {
  if (grain == G_DAY) return b;
  if (grain == G_WEEK) return b * 7 - 3;
  int64_t y = b >= 0 ? b / 12 : -((-b + 11) / 12);
  return tm_days_from_civil(y, (unsigned)(b - y * 12 + 1), 1);
}

static void bucket_label(int64_t b, int grain, char *out) {
  int y;
  unsigned m, d;
  tm_civil_from_days(bucket_start(b, grain), &y, &m, &d);
  snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

static int save_run(tm_warehouse *wh, const tm_forecast_options *opt, const char *grain, const char *by,
                    fc_series *ser, size_t ns, int grain_k, int horizon, int64_t *run_id, tm_error *err) {
  sqlite3_stmt *st = NULL, *sp = NULL;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO forecast_runs(created_at, grain, by_dim, method, period, horizon, series) "
                          "VALUES(?,?,?,?,?,?,?) RETURNING id",
                          err)))
    goto fail;
  sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
  sqlite3_bind_text(st, 2, grain, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, opt->method ? opt->method : "additive", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, opt->period);
  sqlite3_bind_int(st, 6, horizon);
  sqlite3_bind_int64(st, 7, (int64_t)ns);
  *run_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  st = NULL;
  if (!*run_id) {
    rc = tm_wh_fail(wh, err, "starting a forecast run");
    goto fail;
  }
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO forecast_series(run_id, series, method, alpha, beta, gamma, phi, sse, mape, "
                          "smape, mase, naive_mase) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                          err)) ||
      (rc = tm_wh_prepare(wh, &sp,
                          "INSERT INTO forecast_points(run_id, series, period, actual, fitted, forecast, lo, hi) "
                          "VALUES(?,?,?,?,?,?,?,?)",
                          err)))
    goto fail;
  for (size_t i = 0; i < ns; i++) {
    const fc_series *s = &ser[i];
    if (!s->ok) continue;
    double v[9] = {s->fit.alpha, s->fit.beta, s->fit.period ? s->fit.gamma : NAN, s->fit.phi, s->fit.sse,
                   s->mape,      s->smape,    s->mase,                            s->naive_mase};
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, method_name(s->fit.method), -1, SQLITE_STATIC);
    for (int j = 0; j < 9; j++)
      if (isfinite(v[j])) sqlite3_bind_double(st, 4 + j, v[j]);
      else sqlite3_bind_null(st, 4 + j);
    if (sqlite3_step(st) != SQLITE_DONE) goto dbfail;
    sqlite3_reset(st);
    for (size_t k = 0; k < s->n + (size_t)horizon; k++) {
      char lab[16];
      bucket_label(s->first_bucket + (int64_t)k, grain_k, lab);
      sqlite3_bind_int64(sp, 1, *run_id);
      sqlite3_bind_text(sp, 2, s->name, -1, SQLITE_STATIC);
      sqlite3_bind_text(sp, 3, lab, -1, SQLITE_TRANSIENT);
      double pv[5] = {NAN, NAN, NAN, NAN, NAN};
      if (k < s->n) pv[0] = s->x[k], pv[1] = s->fitted[k];
      else pv[2] = s->mean[k - s->n], pv[3] = s->lo[k - s->n], pv[4] = s->hi[k - s->n];
      for (int j = 0; j < 5; j++)
        if (isfinite(pv[j])) sqlite3_bind_double(sp, 4 + j, pv[j]);
        else sqlite3_bind_null(sp, 4 + j);
      if (sqlite3_step(sp) != SQLITE_DONE) goto dbfail;
      sqlite3_reset(sp);
    }
  }
  sqlite3_finalize(st);
  sqlite3_finalize(sp);
  return tm_wh_exec(wh, "COMMIT", err);
dbfail:
  rc = tm_wh_fail(wh, err, "saving forecasts");
fail:
  sqlite3_finalize(st);
  sqlite3_finalize(sp);
  tm_wh_rollback(wh);
  return rc;
}

static int forecast_dataset(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_forecast_options *opt,
                            int method, tm_error *err) {
  const char *by = opt->by ? opt->by : "total", *grain = opt->grain ? opt->grain : "week";
  int g = !strcmp(grain, "day") ? G_DAY : !strcmp(grain, "week") ? G_WEEK : !strcmp(grain, "month") ? G_MONTH : -1;
  if (g < 0) return tm_error_set(err, TM_EINVAL, "grain '%s': say day, week or month", grain);
  int kind = !strcmp(by, "total") ? 0 : !strcmp(by, "product") ? 1 : !strcmp(by, "category") ? 2
           : !strcmp(by, "region") ? 3 : !strcmp(by, "channel") ? 4 : -1;
  if (kind < 0) return tm_error_set(err, TM_EINVAL, "by '%s': say product, category, region or channel", by);
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  size_t nev = ds->off[ds->ncust + 1];
  int64_t as_of = opt->as_of_ms, lastd = INT64_MIN, firstd = INT64_MAX;
  for (size_t e = 0; e < nev; e++)
    if (purchase && ds->type[e] == purchase && (!as_of || ds->ts[e] < as_of)) {
      int64_t d = day_of(ds->ts[e]);
      if (d > lastd) lastd = d;
      if (d < firstd) firstd = d;
    }
  if (lastd == INT64_MIN) return tm_error_set(err, TM_EINVAL, "no purchases%s: nothing to forecast", as_of ? " before the as-of date" : "");
  int64_t end_day = as_of ? day_of(as_of - 1) + 1 : lastd + 1;
  /* complete buckets only: the one holding end_day is partial (or empty) */
  int64_t b0 = bucket_of(firstd, g), b1 = bucket_of(end_day, g);
  if (bucket_start(b0, g) < firstd && b1 - b0 > 3) b0++; /* a partial first bucket too */
  if (b1 <= b0) return tm_error_set(err, TM_EINVAL, "less than one whole %s of purchases", grain);
  size_t nb = (size_t)(b1 - b0);
  /* the dimension: key codes and names */
  const tm_names *names = kind == 1 ? &ds->products : kind == 3 ? &ds->regions : kind == 4 ? &ds->channels : NULL;
  size_t nkeys = kind == 0 ? 1 : kind == 2 ? 0 : names->count;
  uint32_t *catof = NULL;
  char **catname = NULL;
  int rc = 0;
  fc_series *ser = NULL;
  double *mat = NULL;
  tm_doc *doc = NULL;
  tm_table *t = NULL;
  size_t ns = 0;
  if (kind == 2) { /* categories: distinct names of the products' categories */
    catof = tm_calloc(ds->product_categories.count + 1, sizeof *catof);
    catname = tm_calloc(ds->product_categories.count + 1, sizeof *catname);
    if (!catof || !catname) goto oom;
    for (size_t p = 1; p < ds->product_categories.count; p++) {
      const char *c = ds->product_categories.name[p];
      if (!c) continue;
      size_t k = 0;
      while (k < nkeys && strcmp(catname[k], c)) k++;
      if (k == nkeys) catname[nkeys++] = (char *)c;
      catof[p] = (uint32_t)k;
    }
  }
  if (!nkeys) {
    rc = tm_error_set(err, TM_EINVAL, "no %ss in the warehouse", by);
    goto done;
  }
  if (!(mat = tm_calloc(nkeys * nb, sizeof *mat))) goto oom;
  for (size_t e = 0; e < nev; e++) {
    if (!purchase || ds->type[e] != purchase) continue;
    int64_t b = bucket_of(day_of(ds->ts[e]), g);
    if (b < b0 || b >= b1) continue;
    size_t col = (size_t)(b - b0);
    if (kind == 0 || kind >= 3) {
      size_t key = kind == 0 ? 0 : kind == 3 ? ds->region[e] : ds->channel[e];
      double a = ds->amount[e];
      if (key < nkeys && a == a) mat[key * nb + col] += a;
    } else {
      for (uint32_t l = ds->line_off[e]; l < ds->line_off[e + 1]; l++) {
        uint32_t p = ds->line_product[l];
        size_t key = kind == 1 ? p : (p < ds->product_categories.count ? catof[p] : nkeys);
        double v = (double)ds->line_qty[l] * ds->line_price[l];
        if (key < nkeys && p && v == v) mat[key * nb + col] += v;
      }
    }
  }
  if (!(ser = tm_calloc(nkeys, sizeof *ser))) goto oom;
  int horizon = opt->horizon > 0 ? opt->horizon : opt->period > 1 ? opt->period : g == G_DAY ? 28 : g == G_WEEK ? 13 : 12;
  for (size_t k = 0; k < nkeys; k++) {
    double tot = 0;
    for (size_t j = 0; j < nb; j++) tot += fabs(mat[k * nb + j]);
    if (!(tot > 0)) continue;
    const char *nm = kind == 0 ? "total" : kind == 2 ? catname[k] : names->name[k];
    fc_series *s = &ser[ns++];
    s->name = tm_strdup(nm && *nm ? nm : "(none)");
    s->n = nb;
    s->first_bucket = b0;
    s->x = tm_malloc(nb * sizeof *s->x);
    if (!s->name || !s->x || series_alloc(s, horizon)) goto oom;
    memcpy(s->x, mat + k * nb, nb * sizeof *s->x);
  }
  /* the calendar's season unless given: a week of days, a year of weeks or months; -1 detects per series */
  int period = opt->period > 0 ? opt->period : opt->period < 0 ? 0 : g == G_DAY ? 7 : g == G_WEEK ? 52 : 12;
#pragma omp parallel for schedule(dynamic, 4)
  for (size_t i = 0; i < ns; i++) fit_one(&ser[i], method, method == HW_NONSEASONAL ? 0 : period, opt->damped != 0, horizon, opt->holdout);
  int64_t run_id = 0;
  if (wh && !wh->readonly && (rc = save_run(wh, opt, grain, by, ser, ns, g, horizon, &run_id, err))) goto done;
  /* summary over series with accuracy */
  size_t fitted = 0, scored = 0, wins = 0;
  double smase = 0, snaive = 0;
  for (size_t i = 0; i < ns; i++) {
    if (!ser[i].ok) continue;
    fitted++;
    if (isfinite(ser[i].mase) && isfinite(ser[i].naive_mase)) {
      scored++;
      smase += ser[i].mase;
      snaive += ser[i].naive_mase;
      wins += ser[i].mase < ser[i].naive_mase;
    }
  }
  char first[16], last[16];
  bucket_label(b0, g, first);
  bucket_label(b1 - 1, g, last);
  if (tm_doc_new(&doc, "touchmine forecast") || tm_doc_set_str(doc, "by", by) || tm_doc_set_str(doc, "grain", grain) ||
      tm_doc_set_str(doc, "first", first) || tm_doc_set_str(doc, "last", last) ||
      tm_doc_set_int(doc, "points", (int64_t)nb) || tm_doc_set_int(doc, "series", (int64_t)ns) ||
      tm_doc_set_int(doc, "fitted", (int64_t)fitted) || tm_doc_set_int(doc, "horizon", horizon) ||
      tm_doc_set_int(doc, "run_id", run_id))
    goto oom;
  if (scored && (tm_doc_set_int(doc, "holdout", opt->holdout) || tm_doc_set_real(doc, "mean_mase", smase / (double)scored) ||
                 tm_doc_set_real(doc, "mean_naive_mase", snaive / (double)scored) ||
                 tm_doc_set_real(doc, "share_better_than_naive", (double)wins / (double)scored)))
    goto oom;
  if (tm_table_new(&t, "per_series", "Per series") || tm_doc_add_table(doc, t)) goto oom;
  tm_table *st = t;
  t = NULL;
  if (COL(st, "series", TM_COL_STR) || COL(st, "method", TM_COL_STR) || COL(st, "period", TM_COL_INT) ||
      COL(st, "alpha", TM_COL_REAL) || COL(st, "beta", TM_COL_REAL) || COL(st, "gamma", TM_COL_REAL) ||
      COL(st, "phi", TM_COL_REAL) || COL(st, "sse", TM_COL_REAL) || COL(st, "mape", TM_COL_REAL) ||
      COL(st, "smape", TM_COL_REAL) || COL(st, "mase", TM_COL_REAL) || COL(st, "naive_mase", TM_COL_REAL) ||
      COL(st, "next", TM_COL_REAL))
    goto oom;
  for (size_t i = 0; i < ns; i++) {
    const fc_series *s = &ser[i];
    if (tm_table_add_row(st) || tm_table_set_str(st, 0, s->name)) goto oom;
    if (!s->ok) {
      if (tm_table_set_str(st, 1, "too short")) goto oom;
      continue;
    }
    double v[10] = {s->fit.alpha, s->fit.beta, s->fit.period ? s->fit.gamma : NAN, s->fit.phi, s->fit.sse,
                    s->mape,      s->smape,    s->mase, s->naive_mase, s->mean[0]};
    if (tm_table_set_str(st, 1, method_name(s->fit.method)) || tm_table_set_int(st, 2, s->fit.period)) goto oom;
    for (int j = 0; j < 10; j++)
      if (isfinite(v[j]) && tm_table_set_real(st, 3 + j, v[j])) goto oom;
  }
  *out = doc;
  doc = NULL;
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  for (size_t i = 0; ser && i < nkeys; i++) series_free(&ser[i]);
  tm_free(ser);
  tm_free(mat);
  tm_free(catof);
  tm_free(catname);
  tm_table_free(t);
  tm_doc_free(doc);
  return rc;
}

int tm_forecast_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_forecast_options *opt,
                        tm_error *err) {
  static const tm_forecast_options defaults = TM_FORECAST_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  int method = HW_ADDITIVE, rc = parse_method(opt->method, &method, err);
  if (rc) return rc;
  if (opt->period < -1 || opt->period == 1 || opt->period > HW_MAX_PERIOD)
    return tm_error_set(err, TM_EINVAL, "period %d: give 2 to %d (0: default, -1: detect)", opt->period, HW_MAX_PERIOD);
  if (opt->horizon < 0 || opt->horizon > 4096 || opt->holdout < 0 || opt->holdout > 4096)
    return tm_error_set(err, TM_EINVAL, "horizon and holdout must be 0 to 4096");
  if (opt->input) return forecast_input(out, opt, method, err);
  if (!ds) return tm_error_set(err, TM_EINVAL, "give an input file or a warehouse");
  return forecast_dataset(out, ds, wh, opt, method, err);
}
