/*
 * funnel.c — conversion funnels over the customer-major, time-sorted dataset
 * (docs/journeys.md): one pass over each customer's touchpoints.
 *
 * An attempt starts at a touchpoint matching step 1 and reaches step j when
 * steps 2..j follow, all within the window from the step-1 touchpoint
 * (ts - t0 <= window). Orders:
 *  - ordered: the steps in order, other touchpoints may come between;
 *  - strict:  the steps in order with NO other touchpoint between them;
 *  - any:     the steps in any order (one touchpoint stands for one step), the
 *             attempt starting at the first touchpoint matching any step.
 * Counting by customers, each customer counts once, at the furthest step of
 * their best attempt (ties: the earliest). Ordered and strict use a dynamic
 * programme over the steps (for each step, the partial attempt with the
 * latest start, which can only go further than an earlier one): O(events x
 * matching steps). Counting by totals, attempts follow one another: the first
 * starts at the first step-1 touchpoint; a completed attempt consumes its
 * touchpoints, and after an incomplete one the next starts at the next step-1
 * touchpoint after its start.
 * Exclusion: a customer (or, counting totals, an attempt) whose counted attempt
 * has an exclusion touchpoint strictly between its step-1 touchpoint and its
 * last step reached is dropped.
 * Breakdown: by the channel / campaign / region of the step-1 touchpoint, or by
 * the customer's segment in the latest segment run.
 * Parallel over customers; each thread sums counts and collects the step
 * times; sums and medians do not depend on how customers were split.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "mine/journey_store.h"
#include "mine/steps.h"

#define MAX_STEPS 64

typedef struct attempt {
  int level;      /* steps reached, 0 = not entered */
  size_t start;   /* event of step 1 */
  int64_t t[MAX_STEPS];
} attempt;

typedef struct fctx {
  const tm_dataset *ds;
  const tm_step *steps, *excl;
  size_t k, nexcl;
  int64_t window;
  int order, totals, by; /* by: 0 none, 1 channel, 2 campaign, 3 region, 4 segment */
  uint64_t *type_mask;   /* per type code: steps that may match */
  uint64_t type_only;    /* steps that only name a type (the type mask decides) */
  const uint32_t *seg_of;
  size_t nb;             /* breakdown values + 1 ("all") */
} fctx;

typedef struct vec {
  int64_t *v;
  size_t n, cap;
} vec;

typedef struct acc {
  uint64_t *entered; /* nb x k */
  vec *gaps;         /* nb x k: ms from step j-1 to step j */
  int rc;
} acc;

static inline bool within(const fctx *f, int64_t t0, int64_t ts) { return !f->window || ts - t0 <= f->window; }

static inline uint64_t cand(const fctx *f, size_t e) { return f->type_mask[f->ds->type[e]]; }

/* Does touchpoint e match step j, knowing that its type does? */
static inline bool match(const fctx *f, size_t j, size_t e) {
  return (f->type_only >> j & 1) || tm_step_match(&f->steps[j], f->ds, e);
}

static bool excluded(const fctx *f, const attempt *a, size_t hi) {
  if (!f->nexcl || a->level < 2) return false;
  const tm_dataset *ds = f->ds;
  int64_t t0 = a->t[0], t1 = a->t[a->level - 1];
  for (size_t e = a->start + 1; e < hi && ds->ts[e] < t1; e++)
    if (ds->ts[e] > t0)
      for (size_t x = 0; x < f->nexcl; x++)
        if (tm_step_match(&f->excl[x], ds, e)) return true;
  return false;
}

/* Greedy attempt from event s (ordered / strict / any); returns the index
 * after the attempt's last touchpoint used, or s + 1 when it did not complete. */
static size_t greedy(const fctx *f, size_t s, size_t hi, attempt *a) {
  const tm_dataset *ds = f->ds;
  uint64_t done = 0;
  a->start = s;
  a->t[0] = ds->ts[s];
  a->level = 1;
  if (f->order == TM_FUNNEL_ANY) {
    uint64_t m = cand(f, s);
    for (size_t j = 0; j < f->k; j++)
      if ((m >> j & 1) && tm_step_match(&f->steps[j], ds, s)) {
        done |= 1ull << j;
        break;
      }
  }
  size_t e = s + 1;
  for (; e < hi && a->level < (int)f->k && within(f, a->t[0], ds->ts[e]); e++) {
    uint64_t m = cand(f, e);
    if (f->order == TM_FUNNEL_ANY) {
      for (size_t j = 0; j < f->k; j++)
        if ((m >> j & 1) && !(done >> j & 1) && tm_step_match(&f->steps[j], ds, e)) {
          done |= 1ull << j;
          a->t[a->level++] = ds->ts[e];
          break;
        }
    } else if ((m >> a->level & 1) && tm_step_match(&f->steps[a->level], ds, e)) {
      a->t[a->level] = ds->ts[e];
      a->level++;
    } else if (f->order == TM_FUNNEL_STRICT) {
      break;
    }
  }
  return a->level == (int)f->k ? e : s + 1;
}

static bool starts(const fctx *f, size_t e) {
  uint64_t m = cand(f, e);
  if (f->order != TM_FUNNEL_ANY) return (m & 1) && tm_step_match(&f->steps[0], f->ds, e);
  for (size_t j = 0; j < f->k; j++)
    if ((m >> j & 1) && tm_step_match(&f->steps[j], f->ds, e)) return true;
  return false;
}

/* The customer's best attempt, ordered or strict: the dynamic programme. */
static void best_dp(const fctx *f, size_t lo, size_t hi, attempt *best, attempt *st) {
  const tm_dataset *ds = f->ds;
  uint64_t valid = 0;
  best->level = 0;
  for (size_t e = lo; e < hi; e++) {
    uint64_t m = cand(f, e), next = f->order == TM_FUNNEL_STRICT ? 0 : valid;
    int64_t ts = ds->ts[e];
    /* the steps this touchpoint may take, whose previous step is reached:
       highest first, so that one touchpoint advances an attempt one step */
    for (uint64_t adv = m & (valid << 1) & ~1ull; adv;) {
      size_t j = (size_t)(63 - __builtin_clzll(adv));
      adv &= ~(1ull << j);
      const attempt *p = &st[j - 1];
      if (!within(f, p->t[0], ts) || !match(f, j, e)) continue;
      if ((next >> j & 1) && st[j].t[0] >= p->t[0]) continue; /* keep the later start */
      memcpy(st[j].t, p->t, j * sizeof p->t[0]);
      st[j].t[j] = ts;
      st[j].start = p->start;
      st[j].level = (int)j + 1;
      next |= 1ull << j;
      if ((int)j + 1 > best->level) *best = st[j];
    }
    if ((m & 1) && match(f, 0, e)) {
      st[0].t[0] = ts;
      st[0].start = e;
      st[0].level = 1;
      next |= 1;
      if (!best->level) *best = st[0];
    }
    valid = next;
  }
}

static int push(vec *v, int64_t x) {
  if (v->n == v->cap && TM_GROW(v->v, v->cap, v->n + 1)) return TM_ENOMEM;
  v->v[v->n++] = x;
  return 0;
}

static size_t breakdown_of(const fctx *f, size_t c, size_t e) {
  switch (f->by) {
  case 1: return 1 + f->ds->channel[e];
  case 2: return 1 + f->ds->campaign[e];
  case 3: return 1 + f->ds->region[e];
  case 4: return 1 + f->seg_of[c];
  default: return 0;
  }
}

static void count(const fctx *f, acc *a, size_t c, const attempt *at) {
  size_t bs[2] = {0, breakdown_of(f, c, at->start)};
  for (int i = 0; i < (f->by ? 2 : 1); i++) {
    size_t b = bs[i];
    for (int j = 0; j < at->level; j++) {
      a->entered[b * f->k + (size_t)j]++;
      if (j && push(&a->gaps[b * f->k + (size_t)j], at->t[j] - at->t[j - 1])) a->rc = TM_ENOMEM;
    }
  }
}

static void customer(const fctx *f, acc *a, size_t c, attempt *st) {
  const tm_dataset *ds = f->ds;
  size_t lo = ds->off[c], hi = ds->off[c + 1];
  attempt at;
  if (!f->totals) {
    if (f->order == TM_FUNNEL_ANY) {
      at.level = 0;
      attempt tmp;
      for (size_t e = lo; e < hi && at.level < (int)f->k; e++)
        if (starts(f, e)) {
          greedy(f, e, hi, &tmp);
          if (tmp.level > at.level) at = tmp;
        }
    } else {
      best_dp(f, lo, hi, &at, st);
    }
    if (at.level && !excluded(f, &at, hi)) count(f, a, c, &at);
    return;
  }
  for (size_t e = lo; e < hi;) {
    if (!starts(f, e)) {
      e++;
      continue;
    }
    size_t next = greedy(f, e, hi, &at);
    if (!excluded(f, &at, hi)) count(f, a, c, &at);
    e = next;
  }
}

static int load_segments(fctx *f, tm_warehouse *wh, tm_names *names, uint32_t **seg_of, tm_error *err) {
  const tm_dataset *ds = f->ds;
  if (!wh) return tm_error_set(err, TM_EINVAL, "--by segment needs the warehouse");
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(wh, &st,
                         "SELECT customer_id, segment FROM customer_segments WHERE run_id = "
                         "(SELECT max(id) FROM segment_runs)",
                         err);
  if (rc) return rc;
  tm_u64map idx;
  tm_dict dict;
  *seg_of = tm_calloc(ds->ncust + 1, sizeof **seg_of);
  if (!*seg_of || tm_u64map_init(&idx, ds->ncust) || tm_dict_init(&dict)) {
    sqlite3_finalize(st);
    return tm_error_nomem(err);
  }
  for (size_t c = 0; c < ds->ncust && !rc; c++) {
    uint64_t *slot;
    bool ins;
    if (tm_u64map_put(&idx, (uint64_t)ds->cust_id[c], c, &slot, &ins)) rc = tm_error_nomem(err);
  }
  size_t rows = 0;
  while (!rc && sqlite3_step(st) == SQLITE_ROW) {
    uint64_t *c = tm_u64map_get(&idx, (uint64_t)sqlite3_column_int64(st, 0));
    const char *s = (const char *)sqlite3_column_text(st, 1);
    uint32_t id;
    if (!s) s = "";
    if (tm_dict_intern(&dict, s, strlen(s), &id)) rc = tm_error_nomem(err);
    else if (c) (*seg_of)[*c] = id + 1;
    rows++;
  }
  sqlite3_finalize(st);
  if (!rc && !rows) rc = tm_error_set(err, TM_EINVAL, "--by segment: no segment run yet (run touchmine segment first)");
  if (!rc) {
    names->count = dict.count + 1;
    names->name = tm_calloc(names->count, sizeof *names->name);
    if (!names->name) rc = tm_error_nomem(err);
    for (size_t i = 0; !rc && i < dict.count; i++)
      if (!(names->name[i + 1] = tm_strndup(tm_dict_str(&dict, (uint32_t)i), tm_dict_len(&dict, (uint32_t)i))))
        rc = tm_error_nomem(err);
  }
  tm_u64map_fini(&idx);
  tm_dict_fini(&dict);
  return rc;
}

typedef struct border {
  size_t b;
  uint64_t n;
} border;

static int by_entered(const void *x, const void *y) {
  const border *a = x, *b = y;
  if (a->n != b->n) return a->n < b->n ? 1 : -1;
  return (a->b > b->b) - (a->b < b->b);
}

static const char *const order_names[] = {"ordered", "strict", "any"};
static const char *const by_names[] = {NULL, "channel", "campaign", "region", "segment"};

int tm_funnel_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_funnel_options *opt,
                      tm_error *err) {
  *out = NULL;
  if (!opt || opt->version != TM_FUNNEL_OPTIONS_VERSION || !opt->steps)
    return tm_error_set(err, TM_EINVAL, "funnel: give the steps");
  if (opt->order < TM_FUNNEL_ORDERED || opt->order > TM_FUNNEL_ANY || opt->window_ms < 0)
    return tm_error_set(err, TM_EINVAL, "funnel: bad order or window");
  fctx f = {.ds = ds, .window = opt->window_ms, .order = (int)opt->order, .totals = opt->count_totals != 0};
  if (opt->by && *opt->by) {
    for (int i = 1; i < 5; i++)
      if (!strcmp(opt->by, by_names[i])) f.by = i;
    if (!f.by) return tm_error_set(err, TM_EINVAL, "--by %s: say channel, campaign, region or segment", opt->by);
  }
  tm_step *steps = NULL, *excl = NULL;
  tm_names segnames = {0};
  uint32_t *seg_of = NULL;
  acc *accs = NULL;
  int nthreads = 1, rc;
  tm_doc *doc = NULL;
  tm_table *t = NULL;
  if ((rc = tm_steps_parse(&steps, &f.k, ds, opt->steps, err))) goto done;
  if (f.k < 2 || f.k > MAX_STEPS) {
    rc = tm_error_set(err, TM_EINVAL, "a funnel has 2 to %d steps, not %zu", MAX_STEPS, f.k);
    goto done;
  }
  if (opt->exclude && *opt->exclude && (rc = tm_steps_parse(&excl, &f.nexcl, ds, opt->exclude, err))) goto done;
  f.steps = steps;
  f.excl = excl;
  if (f.by == 4 && (rc = load_segments(&f, wh, &segnames, &seg_of, err))) goto done;
  f.seg_of = seg_of;
  const tm_names *bn = f.by == 1 ? &ds->channels : f.by == 2 ? &ds->campaigns : f.by == 3 ? &ds->regions
                       : f.by == 4 ? &segnames : NULL;
  f.nb = 1 + (bn ? bn->count + 1 : 0);
  f.type_mask = tm_calloc(ds->types.count + 1, sizeof *f.type_mask);
  if (!f.type_mask) goto nomem;
  for (size_t ty = 0; ty <= ds->types.count; ty++)
    for (size_t j = 0; j < f.k; j++)
      if (!steps[j].code[JS_TYPE] || steps[j].code[JS_TYPE] == ty) f.type_mask[ty] |= 1ull << j;
  for (size_t j = 0; j < f.k; j++) {
    bool only = true;
    for (int x = 0; x < JS_NFIELDS; x++) only &= x == JS_TYPE || !steps[j].code[x];
    if (only) f.type_only |= 1ull << j;
  }
#ifdef _OPENMP
  nthreads = omp_get_max_threads();
#endif
  accs = tm_calloc((size_t)nthreads, sizeof *accs);
  if (!accs) goto nomem;
  for (int i = 0; i < nthreads; i++) {
    accs[i].entered = tm_calloc(f.nb * f.k, sizeof *accs[i].entered);
    accs[i].gaps = tm_calloc(f.nb * f.k, sizeof *accs[i].gaps);
    if (!accs[i].entered || !accs[i].gaps) goto nomem;
  }
#pragma omp parallel num_threads(nthreads)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    attempt *st = tm_malloc(f.k * sizeof *st);
    if (!st) accs[tid].rc = TM_ENOMEM;
#pragma omp for schedule(dynamic, 4096)
    for (size_t c = 0; c < ds->ncust; c++)
      if (st && !accs[tid].rc) customer(&f, &accs[tid], c, st);
    tm_free(st);
  }
  for (int i = 1; i < nthreads; i++) {
    if (accs[i].rc) goto nomem;
    for (size_t x = 0; x < f.nb * f.k; x++) {
      accs[0].entered[x] += accs[i].entered[x];
      vec *d = &accs[0].gaps[x], *s = &accs[i].gaps[x];
      if (s->n && TM_GROW(d->v, d->cap, d->n + s->n)) goto nomem;
      if (s->n) memcpy(d->v + d->n, s->v, s->n * sizeof *s->v);
      d->n += s->n;
    }
  }
  if (accs[0].rc) goto nomem;
  const uint64_t *E = accs[0].entered;
  if (tm_doc_new(&doc, "Funnel") ||
      tm_table_new(&t, "funnel", f.totals ? "Funnel: attempts entering each step" : "Funnel: customers entering each step"))
    goto nomem;
  int cb = tm_table_add_col(t, "breakdown", TM_COL_STR), cn = tm_table_add_col(t, "step_no", TM_COL_INT),
      cs = tm_table_add_col(t, "step", TM_COL_STR), ce = tm_table_add_col(t, "entered", TM_COL_INT),
      cc = tm_table_add_col(t, "conversion", TM_COL_SHARE), cd = tm_table_add_col(t, "drop_off", TM_COL_SHARE),
      cm = tm_table_add_col(t, "median_seconds", TM_COL_REAL);
  if (cm < 0) goto nomem;
  border *ord = tm_malloc(f.nb * sizeof *ord);
  if (!ord) goto nomem;
  size_t nord = 0;
  ord[nord++] = (border){0, UINT64_MAX};
  for (size_t b = 1; b < f.nb; b++)
    if (E[b * f.k]) ord[nord++] = (border){b, E[b * f.k]};
  qsort(ord + 1, nord - 1, sizeof *ord, by_entered);
  for (size_t i = 0; i < nord; i++) {
    size_t b = ord[i].b;
    char label[300];
    if (!b) snprintf(label, sizeof label, "all");
    else {
      size_t code = b - 1;
      const char *nm = code && code < bn->count && bn->name[code] ? bn->name[code] : "(none)";
      snprintf(label, sizeof label, "%s=%s", by_names[f.by], nm);
    }
    for (size_t j = 0; j < f.k; j++) {
      uint64_t n = E[b * f.k + j], n0 = E[b * f.k], np = j ? E[b * f.k + j - 1] : n;
      vec *g = &accs[0].gaps[b * f.k + j];
      if (tm_table_add_row(t) || tm_table_set_str(t, cb, label) || tm_table_set_int(t, cn, (int64_t)j + 1) ||
          tm_table_set_str(t, cs, steps[j].name) || tm_table_set_int(t, ce, (int64_t)n) ||
          tm_table_set_real(t, cc, n0 ? (double)n / (double)n0 : 0) ||
          tm_table_set_real(t, cd, np ? 1.0 - (double)n / (double)np : 0) ||
          (j && g->n && tm_table_set_real(t, cm, tm_median_i64(g->v, g->n) / 1000.0))) {
        tm_free(ord);
        goto nomem;
      }
    }
  }
  tm_free(ord);
  uint64_t entered = E[0], converted = E[f.k - 1];
  if (tm_doc_set_int(doc, "steps", (int64_t)f.k) || tm_doc_set_int(doc, "window_seconds", opt->window_ms / 1000) ||
      tm_doc_set_str(doc, "order", order_names[f.order]) ||
      tm_doc_set_str(doc, "count", f.totals ? "totals" : "customers") ||
      tm_doc_set_int(doc, "customers", (int64_t)ds->ncust) || tm_doc_set_int(doc, "entered", (int64_t)entered) ||
      tm_doc_set_int(doc, "converted", (int64_t)converted) ||
      tm_doc_set_real(doc, "conversion", entered ? (double)converted / (double)entered : 0))
    goto nomem;
  tm_doc_add_table(doc, t);
  t = NULL;
  {
    static const char *const cols[] = {"breakdown", "step_no", "step", "entered", "conversion", "drop_off",
                                       "median_seconds"};
    jr_copy cp = {"funnel", "funnel_steps", cols, 7};
    int64_t run_id;
    if ((rc = jr_save(wh, "funnel", opt->spec, doc, &cp, 1, &run_id, err))) goto done;
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
    for (int i = 0; i < nthreads; i++) {
      tm_free(accs[i].entered);
      if (accs[i].gaps)
        for (size_t x = 0; x < f.nb * f.k; x++) tm_free(accs[i].gaps[x].v);
      tm_free(accs[i].gaps);
    }
  tm_free(accs);
  tm_free(f.type_mask);
  tm_free(steps);
  tm_free(excl);
  tm_free(seg_of);
  for (size_t i = 0; i < segnames.count; i++) tm_free(segnames.name[i]);
  tm_free(segnames.name);
  tm_table_free(t);
  tm_doc_free(doc);
  return rc;
}
