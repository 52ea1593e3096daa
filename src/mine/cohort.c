/*
 * cohort.c — cohort retention (docs/journeys.md): customers grouped by the
 * period (day, ISO week from Monday, calendar month; UTC unless a zone is
 * given: a fixed offset or a named zone with summer time) of their acquisition — their first touchpoint, or their first
 * touchpoint matching a step — and, for each interval i after it, the share of
 * the cohort active in period cohort + i (activity: a touchpoint matching the
 * return step, at or after the acquisition touchpoint) or the revenue they
 * brought in that period (sum of amounts, returns negative, in integer cents).
 * "on" counts a customer in interval i when active in it; "on-or-after" when
 * active in i or any later interval (up to the last interval asked for).
 * A cell is observed when period cohort + i has begun by the end of the data
 * (the last touchpoint, or the as-of cut); unobserved cells are left out, which
 * makes the triangle. The average per interval is weighted by cohort size over
 * the cohorts observed that far.
 * One pass: each customer's touchpoints are time-sorted, so periods only grow.
 * Parallel over customers into per-thread integer tables, summed in thread
 * order (sums of integers: the same at any thread count).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/timeparse.h"
#include "mine/journey_store.h"
#include "mine/steps.h"

#define DAY_MS 86400000LL

typedef struct zone {
  int64_t offset_ms;      /* a fixed offset */
  const tm_tzone *named;  /* or a named zone (summer time), which wins */
} zone;

static int64_t period_of(int64_t ms, int period, const zone *z) {
  int64_t local = ms + (z->named ? (int64_t)tm_tzone_offset_at(z->named, tm_floor_div(ms, 1000)) * 1000 : z->offset_ms);
  int64_t day = tm_floor_div(local, DAY_MS);
  if (period == TM_PERIOD_DAY) return day;
  if (period == TM_PERIOD_WEEK) return tm_floor_div(day + 3, 7); /* 1970-01-01 was a Thursday */
  int y;
  unsigned m, d;
  tm_civil_from_days(day, &y, &m, &d);
  return (int64_t)y * 12 + (int64_t)m - 1;
}

static void period_label(char *buf, size_t n, int64_t p, int period) {
  int y;
  unsigned m, d;
  if (period == TM_PERIOD_MONTH) {
    y = (int)tm_floor_div(p, 12);
    m = (unsigned)(p - (int64_t)y * 12) + 1;
    d = 1;
  } else {
    tm_civil_from_days(period == TM_PERIOD_DAY ? p : p * 7 - 3, &y, &m, &d);
  }
  snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

typedef struct cctx {
  const tm_dataset *ds;
  const tm_step *first, *ret;
  int period, revenue, after;
  zone zone;
  int64_t min_p, last_p;
  size_t nc, ni; /* cohorts, intervals + 1 */
} cctx;

typedef struct cacc {
  int64_t *cell; /* nc x ni: customers active, or cents */
  int64_t *size; /* nc */
} cacc;

/* The customer's acquisition event, or SIZE_MAX. */
static size_t acquisition(const cctx *x, size_t c) {
  const tm_dataset *ds = x->ds;
  for (size_t e = ds->off[c]; e < ds->off[c + 1]; e++)
    if (!x->first || tm_step_match(x->first, ds, e)) return e;
  return SIZE_MAX;
}

static void customer(const cctx *x, cacc *a, size_t c) {
  const tm_dataset *ds = x->ds;
  size_t e0 = acquisition(x, c);
  if (e0 == SIZE_MAX) return;
  int64_t p0 = period_of(ds->ts[e0], x->period, &x->zone);
  size_t ci = (size_t)(p0 - x->min_p);
  int64_t *row = a->cell + ci * x->ni;
  a->size[ci]++;
  int64_t last = -1;
  for (size_t e = e0; e < ds->off[c + 1]; e++) {
    if (x->ret && !tm_step_match(x->ret, ds, e)) continue;
    if (x->revenue && ds->amount[e] != ds->amount[e]) continue;
    int64_t i = period_of(ds->ts[e], x->period, &x->zone) - p0;
    if (i >= (int64_t)x->ni) break;
    if (x->revenue) row[i] += tm_cents(ds->amount[e]);
    else if (i != last) {
      if (!x->after) row[i]++;
      last = i;
    }
  }
  /* on-or-after: a difference array, summed from the right afterwards */
  if (!x->revenue && x->after && last >= 0) row[last]++;
}

static const char *const period_names[] = {"day", "week", "month"};

int tm_cohorts_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cohort_options *opt,
                       tm_error *err) {
  *out = NULL;
  if (!opt || opt->version != TM_COHORT_OPTIONS_VERSION || opt->period < TM_PERIOD_DAY ||
      opt->period > TM_PERIOD_MONTH)
    return tm_error_set(err, TM_EINVAL, "cohorts: bad options");
  if (opt->intervals < 1 || opt->intervals > 100000)
    return tm_error_set(err, TM_EINVAL, "--intervals must be 1 to 100000");
  if (opt->revenue && opt->on_or_after)
    return tm_error_set(err, TM_EINVAL, "--mode on-or-after applies to --measure activity, not revenue");
  tm_step first, ret;
  int rc;
  if (opt->first_event && *opt->first_event && (rc = tm_step_parse(&first, ds, opt->first_event, err))) return rc;
  if (opt->return_event && *opt->return_event && (rc = tm_step_parse(&ret, ds, opt->return_event, err))) return rc;
  cctx x = {.ds = ds,
            .first = opt->first_event && *opt->first_event ? &first : NULL,
            .ret = opt->return_event && *opt->return_event ? &ret : NULL,
            .period = (int)opt->period,
            .revenue = opt->revenue != 0,
            .after = opt->on_or_after != 0,
            .ni = (size_t)opt->intervals + 1};
  tm_tzone *named = NULL;
  if (opt->tz && *opt->tz) {
    int minutes;
    if (!tm_time_parse_zone(opt->tz, &minutes)) x.zone.offset_ms = (int64_t)minutes * 60000;
    else if (tm_tzone_load(&named, opt->tz, err))
      return tm_error_set(err, TM_EINVAL, "--tz '%s': not an offset (+01:00) nor a zone in the system's tz database",
                          opt->tz);
    x.zone.named = named;
  }
  /* the cohorts' span and the end of the data */
  int64_t lo = INT64_MAX, hi = INT64_MIN, tmax = INT64_MIN;
#pragma omp parallel for reduction(min : lo) reduction(max : hi, tmax) schedule(static)
  for (size_t c = 0; c < ds->ncust; c++) {
    size_t e0 = acquisition(&x, c);
    if (ds->off[c + 1] > ds->off[c] && ds->ts[ds->off[c + 1] - 1] > tmax) tmax = ds->ts[ds->off[c + 1] - 1];
    if (e0 == SIZE_MAX) continue;
    int64_t p = period_of(ds->ts[e0], x.period, &x.zone);
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  if (ds->as_of_ms) tmax = ds->as_of_ms - 1;
  tm_doc *doc = NULL;
  tm_table *tr = NULL, *av = NULL, *tri = NULL;
  cacc *accs = NULL;
  int nthreads = 1;
  if (lo > hi) lo = hi = 0, x.nc = 0;
  else x.nc = (size_t)(hi - lo + 1);
  x.min_p = lo;
  x.last_p = tmax == INT64_MIN ? lo : period_of(tmax, x.period, &x.zone);
  if (x.nc && x.nc > 20000000 / x.ni) { /* 160 MB of cells per thread at most */
    tm_tzone_free(named);
    return tm_error_set(err, TM_EINVAL, "%zu cohorts x %zu intervals is too large a table: ask for fewer --intervals",
                        x.nc, x.ni);
  }
#ifdef _OPENMP
  nthreads = omp_get_max_threads();
#endif
  accs = tm_calloc((size_t)nthreads, sizeof *accs);
  if (!accs) goto nomem;
  for (int i = 0; i < nthreads; i++) {
    accs[i].cell = tm_calloc(x.nc * x.ni + 1, sizeof *accs[i].cell);
    accs[i].size = tm_calloc(x.nc + 1, sizeof *accs[i].size);
    if (!accs[i].cell || !accs[i].size) goto nomem;
  }
#pragma omp parallel num_threads(nthreads)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
#pragma omp for schedule(dynamic, 4096)
    for (size_t c = 0; c < ds->ncust; c++) customer(&x, &accs[tid], c);
  }
  int64_t *cell = accs[0].cell, *size = accs[0].size;
  for (int i = 1; i < nthreads; i++) {
    for (size_t j = 0; j < x.nc * x.ni; j++) cell[j] += accs[i].cell[j];
    for (size_t j = 0; j < x.nc; j++) size[j] += accs[i].size[j];
  }
  if (x.after)
    for (size_t ci = 0; ci < x.nc; ci++)
      for (size_t i = x.ni - 1; i-- > 0;) cell[ci * x.ni + i] += cell[ci * x.ni + i + 1];

  int vtype = x.revenue ? TM_COL_REAL : TM_COL_SHARE;
  if (tm_doc_new(&doc, "Cohort retention") ||
      tm_table_new(&tr, "retention", x.revenue ? "Revenue by cohort and interval" : "Retention by cohort and interval") ||
      tm_table_new(&av, "average", x.revenue ? "Average revenue per customer by interval (weighted by cohort size)"
                                             : "Average retention by interval (weighted by cohort size)"))
    goto nomem;
  int rc0 = tm_table_add_col(tr, "cohort", TM_COL_STR), rc1 = tm_table_add_col(tr, "period", TM_COL_INT),
      rc2 = tm_table_add_col(tr, "size", TM_COL_INT), rc3 = tm_table_add_col(tr, "value", (tm_coltype)vtype);
  int a0 = tm_table_add_col(av, "period", TM_COL_INT), a1 = tm_table_add_col(av, "cohorts", TM_COL_INT),
      a2 = tm_table_add_col(av, "customers", TM_COL_INT), a3 = tm_table_add_col(av, "value", (tm_coltype)vtype);
  if (rc3 < 0 || a3 < 0) goto nomem;
  bool triangle = x.ni <= 37;
  if (triangle) {
    if (tm_table_new(&tri, "triangle", x.revenue ? "Revenue triangle" : "Retention triangle") ||
        tm_table_add_col(tri, "cohort", TM_COL_STR) < 0 || tm_table_add_col(tri, "size", TM_COL_INT) < 0)
      goto nomem;
    for (size_t i = 0; i < x.ni; i++) {
      char nm[32];
      snprintf(nm, sizeof nm, "p%zu", i);
      if (tm_table_add_col(tri, nm, (tm_coltype)vtype) < 0) goto nomem;
    }
  }
  uint64_t customers = 0, cohorts = 0;
  for (size_t ci = 0; ci < x.nc; ci++) {
    if (!size[ci]) continue;
    cohorts++;
    customers += (uint64_t)size[ci];
    char label[32];
    period_label(label, sizeof label, x.min_p + (int64_t)ci, x.period);
    if (triangle && (tm_table_add_row(tri) || tm_table_set_str(tri, 0, label) || tm_table_set_int(tri, 1, size[ci])))
      goto nomem;
    for (size_t i = 0; i < x.ni && x.min_p + (int64_t)(ci + i) <= x.last_p; i++) {
      int64_t v = cell[ci * x.ni + i];
      double val = x.revenue ? (double)v / 100.0 : (double)v / (double)size[ci];
      if (tm_table_add_row(tr) || tm_table_set_str(tr, rc0, label) || tm_table_set_int(tr, rc1, (int64_t)i) ||
          tm_table_set_int(tr, rc2, size[ci]) || tm_table_set_real(tr, rc3, val))
        goto nomem;
      if (triangle && tm_table_set_real(tri, (int)i + 2, val)) goto nomem;
    }
  }
  for (size_t i = 0; i < x.ni; i++) {
    int64_t n = 0, sum = 0, k = 0;
    for (size_t ci = 0; ci < x.nc; ci++)
      if (size[ci] && x.min_p + (int64_t)(ci + i) <= x.last_p) n += size[ci], sum += cell[ci * x.ni + i], k++;
    if (!k) break;
    double val = x.revenue ? (double)sum / 100.0 / (double)n : (double)sum / (double)n;
    if (tm_table_add_row(av) || tm_table_set_int(av, a0, (int64_t)i) || tm_table_set_int(av, a1, k) ||
        tm_table_set_int(av, a2, n) || tm_table_set_real(av, a3, val))
      goto nomem;
  }
  if (tm_doc_set_str(doc, "period", period_names[x.period]) ||
      tm_doc_set_str(doc, "measure", x.revenue ? "revenue" : "activity") ||
      tm_doc_set_str(doc, "mode", x.after ? "on-or-after" : "on") ||
      tm_doc_set_str(doc, "tz", opt->tz && *opt->tz ? opt->tz : "UTC") || tm_doc_set_int(doc, "intervals", (int64_t)x.ni - 1) ||
      tm_doc_set_int(doc, "cohorts", (int64_t)cohorts) || tm_doc_set_int(doc, "customers", (int64_t)customers))
    goto nomem;
  tm_doc_add_table(doc, av);
  av = NULL;
  if (triangle) {
    tm_doc_add_table(doc, tri);
    tri = NULL;
  }
  tm_doc_add_table(doc, tr);
  tr = NULL;
  {
    static const char *const cols[] = {"cohort", "period", "size", "value"};
    jr_copy cp = {"retention", "cohort_retention", cols, 4};
    int64_t run_id;
    if ((rc = jr_save(wh, "cohorts", opt->spec, doc, &cp, 1, &run_id, err))) goto done;
    if (tm_doc_set_int(doc, "run_id", run_id)) goto nomem;
  }
  *out = doc;
  doc = NULL;
  rc = 0;
  goto done;
nomem:
  rc = tm_error_nomem(err);
done:
  if (accs)
    for (int i = 0; i < nthreads; i++) tm_free(accs[i].cell), tm_free(accs[i].size);
  tm_free(accs);
  tm_table_free(tr);
  tm_table_free(av);
  tm_table_free(tri);
  tm_doc_free(doc);
  tm_tzone_free(named);
  return rc;
}
