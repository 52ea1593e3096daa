/*
 * clv.c — touchmine clv: builds per-customer (x, t_x, T, mean spend) from a
 * summary file or the warehouse's purchases, fits BG/NBD and Gamma-Gamma on
 * the grouped statistics, predicts per customer (expected purchases over the
 * horizon, P(alive), expected spend, discounted CLV), compares with synth's
 * planted parameters, and saves the run (clv_runs, clv_customer).
 *
 * The prediction's costly part, the 2F1 of the conditional expectation, does
 * not depend on t_x: it is computed once per distinct (x, T) and month of the
 * horizon; each customer then costs one exp.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/timeparse.h"
#include "io/io.h"
#include "predict/clv.h"
#include "store/dataset.h"
#include "store/warehouse_int.h"

#define MONTH_DAYS 30.4375

void clv_result_free(clv_result *res) {
  tm_free(res->expected);
  tm_free(res->p_alive);
  tm_free(res->spend);
  tm_free(res->clv);
  memset(res, 0, sizeof *res);
}

int clv_run(const clv_input *in, double horizon_days, double unit_days, double discount_rate, bool predict,
            clv_result *res, tm_error *err) {
  memset(res, 0, sizeof *res);
  size_t n = in->n;
  clv_uniq gu = {0}, xu = {0}, pu = {0}, tu = {0};
  bgnbd_groups g = {0};
  uint32_t *gid = tm_malloc((n ? n : 1) * sizeof *gid), *gpair = NULL;
  double *num = NULL, *gden = NULL;
  int rc = 0;
  if (!gid || clv_uniq_init(&xu, 64)) goto oom;
  /* group: unique (x, t_x, T) */
  double *gkeys = NULL;
  if (clv_group(in->x, in->tx, in->T, n, gid, &gkeys, &g.w, &g.n)) goto oom;
  gu.key = gkeys; /* freed with gu */
  g.x = tm_malloc((g.n ? g.n : 1) * sizeof *g.x);
  g.tx = tm_malloc((g.n ? g.n : 1) * sizeof *g.tx);
  g.T = tm_malloc((g.n ? g.n : 1) * sizeof *g.T);
  g.xi = tm_malloc((g.n ? g.n : 1) * sizeof *g.xi);
  g.txi = tm_malloc((g.n ? g.n : 1) * sizeof *g.txi);
  g.Ti = tm_malloc((g.n ? g.n : 1) * sizeof *g.Ti);
  if (!g.x || !g.tx || !g.T || !g.xi || !g.txi || !g.Ti || clv_uniq_init(&tu, 1024)) goto oom;
  for (size_t k = 0; k < g.n; k++) {
    g.x[k] = gu.key[3 * k];
    g.tx[k] = gu.key[3 * k + 1];
    g.T[k] = gu.key[3 * k + 2];
    int64_t xi = clv_uniq_add(&xu, g.x[k], 0, 0), ti = clv_uniq_add(&tu, g.tx[k], 0, 0),
            Ti = clv_uniq_add(&tu, g.T[k], 0, 0);
    if (xi < 0 || ti < 0 || Ti < 0) goto oom;
    g.xi[k] = (uint32_t)xi;
    g.txi[k] = (uint32_t)ti;
    g.Ti[k] = (uint32_t)Ti;
  }
  g.nt = tu.n;
  if (!(g.ut = tm_malloc((tu.n ? tu.n : 1) * sizeof *g.ut))) goto oom;
  for (size_t k = 0; k < tu.n; k++) g.ut[k] = tu.key[3 * k];
  g.nx = xu.n;
  g.ux = tm_malloc((xu.n ? xu.n : 1) * sizeof *g.ux);
  if (!g.ux) goto oom;
  for (size_t k = 0; k < xu.n; k++) g.ux[k] = xu.key[3 * k];
  res->groups = g.n;
  for (size_t i = 0; i < n; i++)
    if (!(in->x[i] >= 0) || !(in->tx[i] >= 0) || !(in->T[i] >= in->tx[i]) || in->x[i] != floor(in->x[i])) {
      rc = tm_error_set(err, TM_EINVAL,
                        "customer %zu: x = %g, t_x = %g, T = %g: need a whole x >= 0 and 0 <= t_x <= T", i + 1,
                        in->x[i], in->tx[i], in->T[i]);
      goto done;
    }
  if ((rc = bgnbd_fit(&g, &res->bg, err))) goto done;
  if (in->m) {
    if ((rc = gg_fit(in->x, in->m, n, &res->gg, &res->gg_customers, err))) goto done;
    res->has_gg = true;
  }
  if (!predict) goto done;

  /* the 2F1 part per distinct (x, T) and month of the horizon */
  int months = (int)ceil(horizon_days / MONTH_DAYS - 1e-9);
  if (months < 1) months = 1;
  if (clv_uniq_init(&pu, g.n / 4 + 16) || !(gpair = tm_malloc((g.n ? g.n : 1) * sizeof *gpair))) goto oom;
  for (size_t k = 0; k < g.n; k++) {
    int64_t id = clv_uniq_add(&pu, g.x[k], g.T[k], 0);
    if (id < 0) goto oom;
    gpair[k] = (uint32_t)id;
  }
  size_t np = pu.n, stride = (size_t)months + 2;
  /* per pair: num[0..months] at the month ends, then the discounted sum of increments */
  if (!(num = tm_malloc((np ? np : 1) * stride * sizeof *num))) goto oom;
  const double *par = res->bg.par;
#pragma omp parallel for schedule(dynamic, 64) if (np > 2000)
  for (size_t k = 0; k < np; k++) {
    double x = pu.key[3 * k], T = pu.key[3 * k + 1], *row = num + k * stride, disc = 0;
    row[0] = 0;
    for (int mo = 1; mo <= months; mo++) {
      double td = fmin(mo * MONTH_DAYS, horizon_days);
      row[mo] = bgnbd_cond_numerator(par, x, T, td / unit_days);
      disc += (row[mo] - row[mo - 1]) / pow(1 + discount_rate, td / 365.25);
    }
    row[months + 1] = disc;
  }
  /* the dropout odds per group: 1 / P(alive) */
  if (!(gden = tm_malloc((g.n ? g.n : 1) * sizeof *gden))) goto oom;
#pragma omp parallel for schedule(static) if (g.n > 20000)
  for (size_t k = 0; k < g.n; k++) gden[k] = bgnbd_cond_denominator(par, g.x[k], g.tx[k], g.T[k]);
  res->expected = tm_malloc((n ? n : 1) * sizeof(double));
  res->p_alive = tm_malloc((n ? n : 1) * sizeof(double));
  res->spend = tm_malloc((n ? n : 1) * sizeof(double));
  res->clv = tm_malloc((n ? n : 1) * sizeof(double));
  if (!res->expected || !res->p_alive || !res->spend || !res->clv) goto oom;
  const double *gp = res->gg.par;
  bool has_gg = res->has_gg;
#pragma omp parallel for schedule(static) if (n > 20000)
  for (size_t i = 0; i < n; i++) {
    const double *row = num + (size_t)gpair[gid[i]] * stride;
    double den = gden[gid[i]];
    res->expected[i] = row[months] / den;
    res->p_alive[i] = 1 / den;
    double spend = has_gg ? gg_expected_spend(gp, in->x[i], in->m[i]) : NAN;
    res->spend[i] = spend;
    res->clv[i] = has_gg ? spend * row[months + 1] / den : NAN;
  }
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  if (rc) clv_result_free(res);
  clv_uniq_fini(&gu);
  clv_uniq_fini(&xu);
  clv_uniq_fini(&pu);
  clv_uniq_fini(&tu);
  tm_free(g.txi);
  tm_free(g.Ti);
  tm_free(g.ut);
  tm_free(gid);
  tm_free(gpair);
  tm_free(num);
  tm_free(gden);
  tm_free(g.x);
  tm_free(g.tx);
  tm_free(g.T);
  tm_free(g.w);
  tm_free(g.xi);
  tm_free(g.ux);
  return rc;
}

/* ---------------------------------------------------------------- inputs */

typedef struct clv_data {
  clv_input in;
  size_t cap;
  char **key;        /* customer label (summary ID or row; dataset key) */
  int64_t *cust_id;  /* dataset: customers.id; summary: 0 */
  bool has_m;
} clv_data;

static void data_free(clv_data *d) {
  tm_free(d->in.x);
  tm_free(d->in.tx);
  tm_free(d->in.T);
  tm_free(d->in.m);
  if (d->key)
    for (size_t i = 0; i < d->in.n; i++) tm_free(d->key[i]);
  tm_free(d->key);
  tm_free(d->cust_id);
  memset(d, 0, sizeof *d);
}

static int data_push(clv_data *d, const char *key, int64_t cust_id, double x, double tx, double T, double m) {
  if (d->in.n + 1 > d->cap) {
    size_t nc = d->cap ? d->cap * 2 : 4096;
    double *a = tm_realloc(d->in.x, nc * sizeof *a);
    if (!a) return TM_ENOMEM;
    d->in.x = a;
    if (!(a = tm_realloc(d->in.tx, nc * sizeof *a))) return TM_ENOMEM;
    d->in.tx = a;
    if (!(a = tm_realloc(d->in.T, nc * sizeof *a))) return TM_ENOMEM;
    d->in.T = a;
    if (!(a = tm_realloc(d->in.m, nc * sizeof *a))) return TM_ENOMEM;
    d->in.m = a;
    char **k = tm_realloc(d->key, nc * sizeof *k);
    if (!k) return TM_ENOMEM;
    d->key = k;
    int64_t *c = tm_realloc(d->cust_id, nc * sizeof *c);
    if (!c) return TM_ENOMEM;
    d->cust_id = c;
    d->cap = nc;
  }
  size_t i = d->in.n;
  if (!(d->key[i] = tm_strdup(key))) return TM_ENOMEM;
  d->in.x[i] = x, d->in.tx[i] = tx, d->in.T[i] = T, d->in.m[i] = m, d->cust_id[i] = cust_id;
  d->in.n++;
  return 0;
}

static int find_col(const tm_csv_record *h, const char *const *names) {
  for (size_t i = 0; i < h->nfields; i++)
    for (const char *const *n = names; *n; n++)
      if (!strcasecmp(h->field[i], *n)) return (int)i;
  return -1;
}

static bool parse_num(const char *s, double *v) {
  char *end;
  while (*s == ' ') s++;
  *v = strtod(s, &end);
  while (*end == ' ') end++;
  return end != s && !*end && isfinite(*v);
}

/* The lifetimes layout (frequency, recency, T, monetary_value) or Fader &
 * Hardie's (x, t_x, T, zbar); an ID column is kept as the customer label. */
static int load_summary(clv_data *d, const char *path, tm_error *err) {
  tm_reader *r = NULL;
  tm_csv *csv = NULL;
  tm_csv_record rec;
  int rc = tm_reader_open(&r, path, err);
  if (rc) return rc;
  if ((rc = tm_csv_open(&csv, r, 0, err))) goto done;
  rc = tm_csv_next(csv, &rec, err);
  if (rc <= 0) {
    if (!rc) rc = tm_error_set(err, TM_EINVAL, "%s: empty file (want a header: frequency,recency,T[,monetary_value])", path);
    goto done;
  }
  static const char *const nx[] = {"frequency", "x", NULL}, *const ntx[] = {"recency", "t_x", NULL},
                           *const nT[] = {"T", NULL}, *const nm[] = {"monetary_value", "zbar", "monetary", NULL},
                           *const nid[] = {"ID", "customer_id", "customer", NULL};
  int cx = find_col(&rec, nx), ctx = find_col(&rec, ntx), cT = find_col(&rec, nT), cm = find_col(&rec, nm),
      cid = find_col(&rec, nid);
  if (cx < 0 || ctx < 0 || cT < 0) {
    rc = tm_error_set(err, TM_EINVAL,
                      "%s:1: the header needs frequency, recency and T (or x, t_x and T); optional monetary_value "
                      "(or zbar)",
                      path);
    goto done;
  }
  d->has_m = cm >= 0;
  int need = cx;
  if (ctx > need) need = ctx;
  if (cT > need) need = cT;
  if (cm > need) need = cm;
  if (cid > need) need = cid;
  while ((rc = tm_csv_next(csv, &rec, err)) == 1) {
    double x, tx, T, m = NAN;
    if (rec.malformed || rec.nfields <= (size_t)need) {
      rc = tm_error_set(err, TM_EINVAL, "%s:%llu: %s", path, (unsigned long long)rec.line,
                        rec.malformed ? rec.malformed : "too few fields");
      goto done;
    }
    if (!parse_num(rec.field[cx], &x) || !parse_num(rec.field[ctx], &tx) || !parse_num(rec.field[cT], &T) ||
        (cm >= 0 && !parse_num(rec.field[cm], &m))) {
      rc = tm_error_set(err, TM_EINVAL, "%s:%llu: a field is not a number", path, (unsigned long long)rec.line);
      goto done;
    }
    if (!(x >= 0) || x != floor(x) || !(tx >= 0) || !(T >= tx)) {
      rc = tm_error_set(err, TM_EINVAL, "%s:%llu: need a whole frequency >= 0 and 0 <= recency <= T", path,
                        (unsigned long long)rec.line);
      goto done;
    }
    if (x == 0) m = NAN; /* no repeat purchase: no repeat spend */
    char label[32];
    snprintf(label, sizeof label, "%zu", d->in.n + 1);
    if (data_push(d, cid >= 0 ? rec.field[cid] : label, 0, x, tx, T, m)) {
      rc = tm_error_nomem(err);
      goto done;
    }
  }
  if (rc < 0) goto done;
  rc = 0;
  if (!d->has_m) {
    tm_free(d->in.m);
    d->in.m = NULL;
  }
done:
  tm_csv_close(csv);
  tm_reader_close(r);
  return rc;
}

static int64_t day_of(int64_t ms) { return ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000); }

/* Per customer with a purchase before as_of: repeat purchases = distinct
 * purchase days after the first; t_x and T in days from the first purchase
 * day; spend = mean of the repeat days' purchase totals (returns apart). */
static int from_dataset(clv_data *d, const tm_dataset *ds, int64_t *as_of_io, tm_error *err) {
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  int64_t as_of = *as_of_io;
  if (!as_of) {
    int64_t last = INT64_MIN;
    for (size_t i = 0; i < ds->off[ds->ncust]; i++)
      if (purchase && ds->type[i] == purchase && ds->ts[i] > last) last = ds->ts[i];
    as_of = last == INT64_MIN ? 0 : (day_of(last) + 1) * 86400000;
    *as_of_io = as_of;
  }
  d->has_m = true;
  int64_t end = day_of(as_of);
  for (size_t c = 0; c < ds->ncust; c++) {
    int64_t first = INT64_MIN, cur = INT64_MIN, days = 0, cents = 0, day_cents = 0;
    for (size_t i = ds->off[c]; i < ds->off[c + 1] && ds->ts[i] < as_of; i++) {
      if (!purchase || ds->type[i] != purchase) continue;
      int64_t dd = day_of(ds->ts[i]);
      if (dd != cur) {
        if (cur != INT64_MIN && cur != first) cents += day_cents;
        if (first == INT64_MIN) first = dd;
        cur = dd;
        days++;
        day_cents = 0;
      }
      day_cents += tm_cents(ds->amount[i]);
    }
    if (first == INT64_MIN) continue;
    if (cur != first) cents += day_cents;
    double x = (double)(days - 1), m = days > 1 ? (double)cents / 100.0 / x : NAN;
    if (data_push(d, tm_dataset_key(ds, c), ds->cust_id[c], x, (double)(cur - first), (double)(end - first), m))
      return tm_error_nomem(err);
  }
  if (!d->in.n) return tm_error_set(err, TM_EINVAL, "no purchases before the as-of date: nothing to fit");
  return 0;
}

/* The population's mean spend per purchase p gamma / (q - 1) and its standard
 * error by the delta method on the log-parameters' covariance. */
static void gg_mean_spend(const clv_estimate *gg, double *mean, double *se) {
  double p = gg->par[0], q = gg->par[1], ga = gg->par[2];
  *mean = q > 1 ? p * ga / (q - 1) : NAN;
  double g[3] = {1, -q / (q - 1), 1}, v = 0; /* d ln(mean) / d ln(p, q, gamma) */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) v += g[i] * gg->cov[i * 3 + j] * g[j];
  *se = q > 1 && gg->hessian_ok && v > 0 ? *mean * sqrt(v) : NAN;
}

/* ---------------------------------------------------------------- truth */

static const char *const bg_names[4] = {"r", "alpha", "a", "b"}, *const gg_names[3] = {"p", "q", "gamma"};

/* Fits each planted segment (truth customers[].segment, matched by key) and
 * compares with its planted parameters: z = (fitted - planted) / se. synth's
 * alpha is per week; it is converted to the model's time unit. */
static int truth_compare(tm_doc *doc, const clv_data *d, const char *path, double unit_days, tm_error *err) {
  json_error_t jerr;
  json_t *truth = json_load_file(path, 0, &jerr);
  if (!truth) return tm_error_set(err, jerr.line > 0 ? TM_EFORMAT : TM_EIO, "%s:%d: %s", path, jerr.line, jerr.text);
  json_t *segs = json_object_get(truth, "segments"), *people = json_object_get(truth, "customers"), *p;
  tm_u64map segof = {0};
  int *seg = NULL, rc = 0;
  tm_table *t = NULL;
  clv_data sub = {0};
  size_t nseg = json_array_size(segs), i;
  if (!nseg || !json_is_array(people)) {
    json_decref(truth);
    return tm_error_set(err, TM_EFORMAT, "%s has no planted segments (segments[], customers[])", path);
  }
  if (tm_u64map_init(&segof, json_array_size(people) + 1) || !(seg = tm_malloc((d->in.n + 1) * sizeof *seg))) goto oom;
  json_array_foreach(people, i, p) {
    json_int_t s = json_integer_value(json_object_get(p, "segment"));
    const char *id = json_string_value(json_object_get(p, "id"));
    if (id && s >= 0 && tm_u64map_put(&segof, tm_hash64(id, strlen(id)), (uint64_t)s, NULL, NULL)) goto oom;
  }
  for (size_t c = 0; c < d->in.n; c++) {
    uint64_t *s = tm_u64map_get(&segof, tm_hash64(d->key[c], strlen(d->key[c])));
    seg[c] = s ? (int)*s : -1;
  }
  if (tm_table_new(&t, "truth", "Planted parameters per segment (z = (fitted - planted) / se)") ||
      tm_doc_add_table(doc, t))
    goto oom;
  tm_table *tt = t;
  t = NULL;
  if (tm_table_add_col(tt, "segment", TM_COL_STR) < 0 || tm_table_add_col(tt, "customers", TM_COL_INT) < 0 ||
      tm_table_add_col(tt, "param", TM_COL_STR) < 0 || tm_table_add_col(tt, "planted", TM_COL_REAL) < 0 ||
      tm_table_add_col(tt, "fitted", TM_COL_REAL) < 0 || tm_table_add_col(tt, "se", TM_COL_REAL) < 0 ||
      tm_table_add_col(tt, "z", TM_COL_REAL) < 0)
    goto oom;
  double maxz = 0;
  int64_t within = 0, count = 0;
  for (size_t s = 0; s < nseg; s++) {
    json_t *js = json_array_get(segs, s), *bg = json_object_get(js, "bgnbd"), *gg = json_object_get(js, "gamma_gamma");
    int sid = (int)json_integer_value(json_object_get(js, "id"));
    const char *name = json_string_value(json_object_get(js, "name"));
    sub.in.n = 0;
    sub.in.x = d->in.x ? tm_malloc((d->in.n + 1) * sizeof(double)) : NULL;
    sub.in.tx = tm_malloc((d->in.n + 1) * sizeof(double));
    sub.in.T = tm_malloc((d->in.n + 1) * sizeof(double));
    sub.in.m = d->in.m ? tm_malloc((d->in.n + 1) * sizeof(double)) : NULL;
    if (!sub.in.x || !sub.in.tx || !sub.in.T || (d->in.m && !sub.in.m)) goto oom;
    for (size_t c = 0; c < d->in.n; c++)
      if (seg[c] == sid) {
        size_t k = sub.in.n++;
        sub.in.x[k] = d->in.x[c], sub.in.tx[k] = d->in.tx[c], sub.in.T[k] = d->in.T[c];
        if (sub.in.m) sub.in.m[k] = d->in.m[c];
      }
    clv_result res;
    if (sub.in.n >= 10 && !clv_run(&sub.in, 0, unit_days, 0, false, &res, err)) {
      for (int j = 0; j < 8; j++) {
        if (j >= 4 && !res.has_gg) break;
        const char *pn = j < 4 ? bg_names[j] : j < 7 ? gg_names[j - 4] : "mean_spend";
        double planted = j < 7 ? json_number_value(json_object_get(j < 4 ? bg : gg, pn))
                               : json_number_value(json_object_get(js, "expected_spend_per_order"));
        if (j == 1) planted *= 7.0 / unit_days; /* per week -> per model unit */
        double fit = j < 4 ? res.bg.par[j] : j < 7 ? res.gg.par[j - 4] : 0, se = j < 4 ? res.bg.se[j] : j < 7 ? res.gg.se[j - 4] : 0;
        if (j == 7) gg_mean_spend(&res.gg, &fit, &se);
        double z = (fit - planted) / se;
        count++;
        if (fabs(z) <= 3) within++;
        if (!(fabs(z) <= maxz)) maxz = fabs(z);
        if (tm_table_add_row(tt) || tm_table_set_str(tt, 0, name ? name : "?") ||
            tm_table_set_int(tt, 1, (int64_t)sub.in.n) || tm_table_set_str(tt, 2, pn) ||
            tm_table_set_real(tt, 3, planted) || tm_table_set_real(tt, 4, fit) || tm_table_set_real(tt, 5, se) ||
            tm_table_set_real(tt, 6, z)) {
          clv_result_free(&res);
          goto oom;
        }
      }
      clv_result_free(&res);
    }
    tm_free(sub.in.x), tm_free(sub.in.tx), tm_free(sub.in.T), tm_free(sub.in.m);
    memset(&sub, 0, sizeof sub);
  }
  if (tm_doc_set_real(doc, "truth_max_abs_z", maxz) || tm_doc_set_int(doc, "truth_params", count) ||
      tm_doc_set_int(doc, "truth_within_3se", within))
    goto oom;
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  tm_table_free(t);
  tm_free(sub.in.x), tm_free(sub.in.tx), tm_free(sub.in.T), tm_free(sub.in.m);
  tm_u64map_fini(&segof);
  tm_free(seg);
  json_decref(truth);
  return rc;
}

/* ---------------------------------------------------------------- saving */

static int save(tm_warehouse *wh, const clv_data *d, const clv_result *res, const tm_clv_options *opt,
                int64_t as_of, int64_t *run_id, tm_error *err) {
  sqlite3_stmt *st = NULL;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO clv_runs(created_at, as_of, horizon_days, discount_rate, customers, r, alpha, "
                          "a, b, p, q, gamma, loglik) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                          err)))
    goto fail;
  sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
  if (as_of) sqlite3_bind_int64(st, 2, as_of);
  else sqlite3_bind_null(st, 2);
  sqlite3_bind_double(st, 3, opt->horizon_days);
  sqlite3_bind_double(st, 4, opt->discount_rate);
  sqlite3_bind_int64(st, 5, (int64_t)d->in.n);
  for (int j = 0; j < 4; j++) sqlite3_bind_double(st, 6 + j, res->bg.par[j]);
  for (int j = 0; j < 3; j++) tm_wh_bind_real(st, 10 + j, res->has_gg ? res->gg.par[j] : NAN);
  sqlite3_bind_double(st, 13, res->bg.loglik);
  rc = tm_wh_insert_id(wh, st, run_id, "starting a CLV run", err);
  sqlite3_finalize(st);
  st = NULL;
  if (rc) goto fail;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO clv_customer(run_id, customer_id, frequency, recency_days, t_days, monetary, "
                          "expected_purchases, p_alive, expected_spend, clv) VALUES(?,?,?,?,?,?,?,?,?,?)",
                          err)))
    goto fail;
  for (size_t i = 0; i < d->in.n; i++) {
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_int64(st, 2, d->cust_id[i]);
    sqlite3_bind_int64(st, 3, (int64_t)d->in.x[i]);
    sqlite3_bind_double(st, 4, d->in.tx[i] * opt->unit_days);
    sqlite3_bind_double(st, 5, d->in.T[i] * opt->unit_days);
    double vals[5] = {d->in.m ? d->in.m[i] : NAN, res->expected[i], res->p_alive[i], res->spend[i], res->clv[i]};
    for (int j = 0; j < 5; j++) tm_wh_bind_real(st, 6 + j, vals[j]);
    if ((rc = tm_wh_step(wh, st, "saving CLV per customer", err))) goto fail;
  }
  sqlite3_finalize(st);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  tm_wh_rollback(wh);
  return rc;
}

/* ---------------------------------------------------------------- entry */

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

static int set_param(tm_doc *doc, tm_table *t, const char *name, double v, double se) {
  char key[32];
  snprintf(key, sizeof key, "%s_se", name);
  return tm_doc_set_real(doc, name, v) || tm_doc_set_real(doc, key, se) || tm_table_add_row(t) ||
         tm_table_set_str(t, 0, name) || tm_table_set_real(t, 1, v) || tm_table_set_real(t, 2, se);
}

int tm_clv_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_clv_options *opt, tm_error *err) {
  static const tm_clv_options defaults = TM_CLV_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  if (!(opt->unit_days > 0) || !(opt->horizon_days > 0) || !(opt->discount_rate >= 0))
    return tm_error_set(err, TM_EINVAL, "the time unit and horizon must be positive, the discount rate >= 0");
  if (!opt->summary && !ds) return tm_error_set(err, TM_EINVAL, "give a summary file or a warehouse");
  clv_data d = {0};
  clv_result res = {0};
  tm_doc *doc = NULL;
  tm_table *t = NULL;
  int64_t as_of = opt->as_of_ms, run_id = 0;
  double unit = opt->summary ? opt->unit_days : 1.0;
  int rc = opt->summary ? load_summary(&d, opt->summary, err) : from_dataset(&d, ds, &as_of, err);
  if (rc) goto fail;
  if (!d.in.n) {
    rc = tm_error_set(err, TM_EINVAL, "%s: no customers", opt->summary ? opt->summary : "the warehouse");
    goto fail;
  }
  if ((rc = clv_run(&d.in, opt->horizon_days, unit, opt->discount_rate, true, &res, err))) goto fail;
  if (wh && !wh->readonly && !opt->summary) {
    tm_clv_options o = *opt;
    o.unit_days = unit;
    if ((rc = save(wh, &d, &res, &o, as_of, &run_id, err))) goto fail;
  }
  char date[32];
  if (tm_doc_new(&doc, "touchmine clv") || tm_doc_set_int(doc, "customers", (int64_t)d.in.n) ||
      tm_doc_set_int(doc, "groups", (int64_t)res.groups) ||
      (as_of && tm_doc_set_str(doc, "as_of", tm_time_format_date(as_of, date))) ||
      tm_doc_set_real(doc, "unit_days", unit) || tm_doc_set_real(doc, "horizon_days", opt->horizon_days) ||
      tm_doc_set_real(doc, "discount_rate", opt->discount_rate) || tm_doc_set_real(doc, "loglik", res.bg.loglik) ||
      tm_doc_set_int(doc, "run_id", run_id))
    goto oom;
  if (tm_table_new(&t, "parameters", "BG/NBD and Gamma-Gamma (maximum likelihood; se from the Hessian)") ||
      tm_doc_add_table(doc, t))
    goto oom;
  tm_table *pt = t;
  t = NULL;
  if (COL(pt, "param", TM_COL_STR) || COL(pt, "value", TM_COL_REAL) || COL(pt, "se", TM_COL_REAL)) goto oom;
  for (int j = 0; j < 4; j++)
    if (set_param(doc, pt, bg_names[j], res.bg.par[j], res.bg.se[j])) goto oom;
  if (res.has_gg) {
    for (int j = 0; j < 3; j++)
      if (set_param(doc, pt, gg_names[j], res.gg.par[j], res.gg.se[j])) goto oom;
    double ms, mse;
    gg_mean_spend(&res.gg, &ms, &mse);
    if (set_param(doc, pt, "mean_spend", ms, mse) || tm_doc_set_real(doc, "gg_loglik", res.gg.loglik) ||
        tm_doc_set_int(doc, "gg_customers", (int64_t)res.gg_customers))
      goto oom;
  }
  double tot_exp = 0, tot_clv = 0;
  for (size_t i = 0; i < d.in.n; i++) tot_exp += res.expected[i], tot_clv += res.has_gg ? res.clv[i] : 0;
  if (tm_doc_set_real(doc, "expected_purchases", tot_exp) || (res.has_gg && tm_doc_set_real(doc, "total_clv", tot_clv)))
    goto oom;
  if (tm_table_new(&t, "per_customer", "Per customer") || tm_doc_add_table(doc, t)) goto oom;
  tm_table *ct = t;
  t = NULL;
  if (COL(ct, "customer", TM_COL_STR) || COL(ct, "frequency", TM_COL_INT) || COL(ct, "recency", TM_COL_REAL) ||
      COL(ct, "T", TM_COL_REAL) || COL(ct, "monetary", TM_COL_REAL) || COL(ct, "expected_purchases", TM_COL_REAL) ||
      COL(ct, "p_alive", TM_COL_REAL) || COL(ct, "expected_spend", TM_COL_REAL) || COL(ct, "clv", TM_COL_REAL))
    goto oom;
  for (size_t i = 0; i < d.in.n; i++) {
    if (tm_table_add_row(ct) || tm_table_set_str(ct, 0, d.key[i]) || tm_table_set_int(ct, 1, (int64_t)d.in.x[i]) ||
        tm_table_set_real(ct, 2, d.in.tx[i]) || tm_table_set_real(ct, 3, d.in.T[i]) ||
        (d.in.m && isfinite(d.in.m[i]) && tm_table_set_real(ct, 4, d.in.m[i])) ||
        tm_table_set_real(ct, 5, res.expected[i]) || tm_table_set_real(ct, 6, res.p_alive[i]) ||
        (res.has_gg && tm_table_set_real(ct, 7, res.spend[i])) || (res.has_gg && tm_table_set_real(ct, 8, res.clv[i])))
      goto oom;
  }
  if (opt->truth_path && (rc = truth_compare(doc, &d, opt->truth_path, unit, err))) goto fail;
  clv_result_free(&res);
  data_free(&d);
  *out = doc;
  return 0;
oom:
  rc = tm_error_nomem(err);
fail:
  tm_table_free(t);
  tm_doc_free(doc);
  clv_result_free(&res);
  data_free(&d);
  return rc;
}
