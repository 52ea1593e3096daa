/*
 * paths.c — customer journeys (docs/journeys.md): each customer's touchpoints
 * in time order as a sequence of steps labelled CHANNEL:TYPE (or TYPE), with
 * consecutive repeats collapsed into one step (it keeps the time of its first
 * touchpoint and is the target when any of its touchpoints matches).
 *  - paths to the target: the up-to-N steps before a target step, after the
 *    previous target step, then the target; paths from it: the target and the
 *    up-to-N steps after it, up to and including the next target step. Every
 *    target step counts (only each customer's first with --first); a customer
 *    counts once per distinct path. Share = customers / customers with a path.
 *  - transitions: every consecutive pair of steps over all sequences, with
 *    "start" and "end", and the probability of the next step given the step.
 *  - time to convert: from the customer's first touchpoint to their first
 *    target touchpoint, quartiles by linear interpolation (pandas' default).
 *  - patterns: PrefixSpan (prefixspan.c) over the same sequences; support =
 *    share of customers with a sequence holding the pattern (consecutive items
 *    within max_gap); lift of the sequential rule "the first items, then the
 *    last": P(last item follows | the first items) / P(last item), 1 for one item.
 * Serial over customers, in customer order: the output is deterministic.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/hashmap.h"
#include "mine/journey_store.h"
#include "mine/prefixspan.h"
#include "mine/steps.h"

#define MAX_PATH 65

typedef struct path_entry {
  uint64_t hash;
  uint64_t customers;
  size_t last_c;       /* the last customer counted (+1) */
  uint32_t len;
  uint32_t lab[MAX_PATH];
} path_entry;

typedef struct path_set {
  tm_u64map idx; /* hash -> entry index */
  path_entry *e;
  size_t n, cap;
  uint64_t customers; /* customers with at least one path */
} path_set;

static int path_add(path_set *s, const uint32_t *lab, uint32_t len, size_t c, size_t *last_c_any) {
  uint64_t h = tm_hash64(lab, len * sizeof *lab);
  uint64_t *slot;
  bool ins;
  if (tm_u64map_put(&s->idx, h, s->n, &slot, &ins)) return TM_ENOMEM;
  if (ins) {
    if (TM_GROW(s->e, s->cap, s->n + 1)) return TM_ENOMEM;
    path_entry *p = &s->e[s->n++];
    p->hash = h;
    p->customers = 0;
    p->last_c = 0;
    p->len = len;
    memcpy(p->lab, lab, len * sizeof *lab);
  }
  path_entry *p = &s->e[*slot];
  if (p->last_c != c + 1) p->customers++, p->last_c = c + 1;
  if (*last_c_any != c + 1) s->customers++, *last_c_any = c + 1;
  return 0;
}

typedef struct lctx {
  const tm_dataset *ds;
  bool type_only;
  size_t ntypes;
} lctx;

static uint32_t label_of(const lctx *l, size_t e) {
  return l->type_only ? l->ds->type[e] : (uint32_t)(l->ds->channel[e] * l->ntypes + l->ds->type[e]);
}

static void label_name(const lctx *l, uint32_t lab, char *buf, size_t n) {
  const tm_dataset *ds = l->ds;
  size_t ty = l->type_only ? lab : lab % l->ntypes, ch = l->type_only ? 0 : lab / l->ntypes;
  const char *tn = ty < ds->types.count && ds->types.name[ty] ? ds->types.name[ty] : "?";
  if (l->type_only) snprintf(buf, n, "%s", tn);
  else
    snprintf(buf, n, "%s:%s", ch < ds->channels.count && ds->channels.name[ch] ? ds->channels.name[ch] : "?", tn);
}

static int path_string(const lctx *l, const uint32_t *lab, uint32_t len, char **out) {
  size_t cap = (size_t)len * 80 + 1;
  char *s = tm_malloc(cap), name[160];
  if (!s) return TM_ENOMEM;
  size_t n = 0;
  s[0] = 0;
  for (uint32_t i = 0; i < len; i++) {
    label_name(l, lab[i], name, sizeof name);
    n += (size_t)snprintf(s + n, cap - n, "%s%s", i ? " > " : "", name);
    if (n >= cap) n = cap - 1;
  }
  *out = s;
  return 0;
}

static int by_customers(const void *a, const void *b) {
  const path_entry *x = a, *y = b;
  if (x->customers != y->customers) return x->customers < y->customers ? 1 : -1;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return memcmp(x->lab, y->lab, x->len * sizeof x->lab[0]);
}

static int paths_table(tm_doc *doc, const lctx *l, path_set *s, const char *name, const char *title, size_t top,
                       const char *direction) {
  tm_table *t;
  if (tm_table_new(&t, name, title) || tm_doc_add_table(doc, t)) return TM_ENOMEM;
  int cd = tm_table_add_col(t, "direction", TM_COL_STR), cr = tm_table_add_col(t, "rank", TM_COL_INT), cp = tm_table_add_col(t, "path", TM_COL_STR),
      cc = tm_table_add_col(t, "customers", TM_COL_INT), cs = tm_table_add_col(t, "share", TM_COL_SHARE);
  if (cs < 0 || cd < 0) return TM_ENOMEM;
  if (s->n) qsort(s->e, s->n, sizeof *s->e, by_customers);
  for (size_t i = 0; i < s->n && i < top; i++) {
    char *str;
    if (path_string(l, s->e[i].lab, s->e[i].len, &str)) return TM_ENOMEM;
    int rc = tm_table_add_row(t) || tm_table_set_str(t, cd, direction) || tm_table_set_int(t, cr, (int64_t)i + 1) || tm_table_set_str(t, cp, str) ||
             tm_table_set_int(t, cc, (int64_t)s->e[i].customers) ||
             tm_table_set_real(t, cs, (double)s->e[i].customers / (double)s->customers);
    tm_free(str);
    if (rc) return TM_ENOMEM;
  }
  return 0;
}

typedef struct trans {
  uint64_t key, count;
} trans;

static int by_trans(const void *a, const void *b) {
  const trans *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return (x->key > y->key) - (x->key < y->key);
}

typedef struct pat_row {
  const ps_pattern *p;
  double lift;
} pat_row;

static int by_support(const void *a, const void *b) {
  const pat_row *x = a, *y = b;
  if (x->p->support != y->p->support) return x->p->support < y->p->support ? 1 : -1;
  if (x->p->len != y->p->len) return x->p->len < y->p->len ? -1 : 1;
  return memcmp(x->p->items, y->p->items, (size_t)x->p->len * sizeof x->p->items[0]);
}

int tm_paths_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_paths_options *opt,
                     tm_error *err) {
  *out = NULL;
  if (!opt || opt->version != TM_PATHS_OPTIONS_VERSION || !opt->event)
    return tm_error_set(err, TM_EINVAL, "paths: say which event: --event purchase");
  if (opt->steps < 1 || opt->steps > MAX_PATH - 1) return tm_error_set(err, TM_EINVAL, "--steps must be 1 to 64");
  if (opt->patterns && (opt->max_len < 1 || opt->max_len > 16))
    return tm_error_set(err, TM_EINVAL, "--max-len must be 1 to 16");
  if (opt->patterns && !(opt->min_support > 0)) return tm_error_set(err, TM_EINVAL, "--min-support must be > 0");
  tm_step target;
  int rc = tm_step_parse(&target, ds, opt->event, err);
  if (rc) return rc;
  lctx l = {ds, opt->label_type_only != 0, ds->types.count + 1};
  uint32_t nlab = (uint32_t)(l.type_only ? l.ntypes : (ds->channels.count + 1) * l.ntypes);
  size_t top = opt->top ? opt->top : 20;
  uint32_t *lab = NULL, path[MAX_PATH];
  int64_t *lts = NULL, *conv = NULL;
  uint8_t *tgt = NULL;
  uint64_t *off = NULL, *item_sup = NULL, *item_last = NULL, customers = 0, conversions = 0;
  size_t nconv = 0, convcap = 0, n = 0, *tpos = NULL, tcap = 0;
  path_set to = {0}, from = {0};
  tm_u64map tmap = {0};
  trans *tr = NULL;
  size_t ntr = 0, trcap = 0;
  uint64_t *outsum = NULL;
  ps_pattern *pats = NULL;
  pat_row *prow = NULL;
  size_t npats = 0;
  bool truncated = false;
  tm_doc *doc = NULL;
  tm_table *t = NULL;
  size_t nev = ds->off[ds->ncust];
  lab = tm_malloc((nev + 1) * sizeof *lab);
  lts = tm_malloc((nev + 1) * sizeof *lts);
  tgt = tm_malloc(nev + 1);
  off = tm_malloc((ds->ncust + 1) * sizeof *off);
  item_sup = tm_calloc(nlab + 2, sizeof *item_sup);
  item_last = tm_calloc(nlab + 2, sizeof *item_last);
  outsum = tm_calloc(nlab + 2, sizeof *outsum);
  if (!lab || !lts || !tgt || !off || !item_sup || !item_last || !outsum || tm_u64map_init(&to.idx, 1024) ||
      tm_u64map_init(&from.idx, 1024) || tm_u64map_init(&tmap, 1024))
    goto nomem;
  /* the collapsed sequences, time to convert and the transitions */
  for (size_t c = 0; c < ds->ncust; c++) {
    off[c] = n;
    size_t lo = ds->off[c], hi = ds->off[c + 1];
    if (lo == hi) continue;
    customers++;
    bool converted = false;
    for (size_t e = lo; e < hi; e++) {
      uint32_t x = label_of(&l, e);
      bool m = tm_step_match(&target, ds, e);
      if (m && !converted) {
        converted = true;
        if (nconv == convcap && TM_GROW(conv, convcap, nconv + 1)) goto nomem;
        conv[nconv++] = ds->ts[e] - ds->ts[lo];
      }
      if (opt->collapse && n > off[c] && lab[n - 1] == x) {
        tgt[n - 1] |= m;
        continue;
      }
      lab[n] = x;
      lts[n] = ds->ts[e];
      tgt[n] = m;
      n++;
    }
    for (size_t i = off[c]; i <= n; i++) {
      uint32_t a = i == off[c] ? nlab : lab[i - 1], b = i == n ? nlab + 1 : lab[i];
      uint64_t key = (uint64_t)a << 32 | b, *slot;
      bool ins;
      if (tm_u64map_put(&tmap, key, ntr, &slot, &ins)) goto nomem;
      if (ins) {
        if (TM_GROW(tr, trcap, ntr + 1)) goto nomem;
        tr[ntr++] = (trans){key, 0};
      }
      tr[*slot].count++;
      outsum[a]++;
    }
    /* paths to and from each target step */
    size_t nt = 0;
    for (size_t i = off[c]; i < n; i++)
      if (tgt[i]) {
        if (TM_GROW(tpos, tcap, nt + 1)) goto nomem;
        tpos[nt++] = i;
        if (opt->first) break;
      }
    size_t last_to = 0, last_from = 0;
    for (size_t k = 0; k < nt; k++) {
      size_t ti = tpos[k], lo2 = k ? tpos[k - 1] + 1 : off[c];
      if (ti - lo2 > (size_t)opt->steps) lo2 = ti - (size_t)opt->steps;
      uint32_t len = 0;
      for (size_t i = lo2; i <= ti; i++) path[len++] = lab[i];
      if (path_add(&to, path, len, c, &last_to)) goto nomem;
      len = 0;
      for (size_t i = ti; i < n && i <= ti + (size_t)opt->steps; i++) {
        path[len++] = lab[i];
        if (i > ti && tgt[i]) break;
      }
      if (path_add(&from, path, len, c, &last_from)) goto nomem;
      conversions++;
    }
    /* items' supports, for the lift of patterns: item_last holds the last
       customer (+1) that counted */
    for (size_t i = off[c]; i < n; i++)
      if (item_last[lab[i]] != c + 1) item_last[lab[i]] = c + 1, item_sup[lab[i]]++;
  }
  off[ds->ncust] = n;

  if (tm_doc_new(&doc, "Journeys")) goto nomem;
  double q25 = 0, q50 = 0, q75 = 0;
  if (nconv) {
    q50 = tm_median_i64(conv, nconv); /* sorts */
    q25 = tm_quantile_sorted(conv, nconv, 0.25);
    q75 = tm_quantile_sorted(conv, nconv, 0.75);
  }
  if (tm_doc_set_str(doc, "event", opt->event) || tm_doc_set_int(doc, "customers", (int64_t)customers) ||
      tm_doc_set_int(doc, "converted", (int64_t)nconv) || tm_doc_set_int(doc, "conversions", (int64_t)conversions) ||
      (nconv && (tm_doc_set_real(doc, "median_seconds_to_convert", q50 / 1000.0) ||
                 tm_doc_set_real(doc, "p25_seconds_to_convert", q25 / 1000.0) ||
                 tm_doc_set_real(doc, "p75_seconds_to_convert", q75 / 1000.0))))
    goto nomem;
  if (paths_table(doc, &l, &to, "paths_to", "Top paths to the event", top, "to") ||
      paths_table(doc, &l, &from, "paths_from", "Top paths from the event", top, "from"))
    goto nomem;
  /* transitions, most frequent first */
  if (ntr) qsort(tr, ntr, sizeof *tr, by_trans);
  if (tm_table_new(&t, "transitions", "Next-step transitions")) goto nomem;
  int c0 = tm_table_add_col(t, "from_step", TM_COL_STR), c1 = tm_table_add_col(t, "to_step", TM_COL_STR),
      c2 = tm_table_add_col(t, "count", TM_COL_INT), c3 = tm_table_add_col(t, "probability", TM_COL_SHARE);
  if (c3 < 0) goto nomem;
  for (size_t i = 0; i < ntr; i++) {
    uint32_t a = (uint32_t)(tr[i].key >> 32), b = (uint32_t)tr[i].key;
    char na[160], nb[160];
    if (a == nlab) snprintf(na, sizeof na, "start");
    else label_name(&l, a, na, sizeof na);
    if (b == nlab + 1) snprintf(nb, sizeof nb, "end");
    else label_name(&l, b, nb, sizeof nb);
    if (tm_table_add_row(t) || tm_table_set_str(t, c0, na) || tm_table_set_str(t, c1, nb) ||
        tm_table_set_int(t, c2, (int64_t)tr[i].count) ||
        tm_table_set_real(t, c3, (double)tr[i].count / (double)outsum[a]))
      goto nomem;
  }
  tm_doc_add_table(doc, t);
  t = NULL;
  if (opt->patterns) {
    uint64_t minsup = opt->min_support < 1 ? (uint64_t)ceil(opt->min_support * (double)customers)
                                           : (uint64_t)opt->min_support;
    if (!minsup) minsup = 1;
    ps_input in = {ds->ncust, off, lab, lts, nlab};
    if (ps_mine(&pats, &npats, &truncated, &in, minsup, opt->max_gap_ms, opt->max_len, 100000)) goto nomem;
    prow = tm_malloc((npats + 1) * sizeof *prow);
    if (!prow) goto nomem;
    for (size_t i = 0; i < npats; i++) {
      /* the lift of the rule "first len-1 items, then the last": confidence
         over the last item's support */
      const ps_pattern *pp = &pats[i];
      double lift = (double)pp->support / (double)pp->prefix_support /
                    ((double)item_sup[pp->items[pp->len - 1]] / (double)customers);
      prow[i] = (pat_row){&pats[i], lift};
    }
    qsort(prow, npats, sizeof *prow, by_support);
    if (tm_table_new(&t, "patterns", "Sequential patterns (PrefixSpan)")) goto nomem;
    int p0 = tm_table_add_col(t, "pattern", TM_COL_STR), p1 = tm_table_add_col(t, "length", TM_COL_INT),
        p2 = tm_table_add_col(t, "customers", TM_COL_INT), p3 = tm_table_add_col(t, "support", TM_COL_SHARE),
        p4 = tm_table_add_col(t, "lift", TM_COL_REAL);
    if (p4 < 0) goto nomem;
    for (size_t i = 0; i < npats; i++) {
      char *str;
      const ps_pattern *pp = prow[i].p;
      if (path_string(&l, pp->items, (uint32_t)pp->len, &str)) goto nomem;
      int bad = tm_table_add_row(t) || tm_table_set_str(t, p0, str) || tm_table_set_int(t, p1, pp->len) ||
                tm_table_set_int(t, p2, (int64_t)pp->support) ||
                tm_table_set_real(t, p3, (double)pp->support / (double)customers) ||
                tm_table_set_real(t, p4, prow[i].lift);
      tm_free(str);
      if (bad) goto nomem;
    }
    if (tm_doc_set_int(doc, "patterns", (int64_t)npats) || tm_doc_set_int(doc, "patterns_min_customers", (int64_t)minsup) ||
        tm_doc_set_int(doc, "patterns_truncated", truncated))
      goto nomem;
    tm_doc_add_table(doc, t);
    t = NULL;
  }
  {
    static const char *const tcols[] = {"from_step", "to_step", "count", "probability"};
    static const char *const pcols[] = {"direction", "rank", "path", "customers"};
    jr_copy cp[] = {{"transitions", "path_transitions", tcols, 4},
                    {"paths_to", "top_paths", pcols, 4},
                    {"paths_from", "top_paths", pcols, 4}};
    int64_t run_id;
    if ((rc = jr_save(wh, "paths", opt->spec, doc, cp, 3, &run_id, err))) goto done;
    if (tm_doc_set_int(doc, "run_id", run_id)) goto nomem;
  }
  *out = doc;
  doc = NULL;
  rc = 0;
  goto done;
nomem:
  rc = tm_error_nomem(err);
done:
  tm_free(lab);
  tm_free(lts);
  tm_free(tgt);
  tm_free(off);
  tm_free(item_sup);
  tm_free(item_last);
  tm_free(outsum);
  tm_free(conv);
  tm_free(tpos);
  tm_free(to.e);
  tm_free(from.e);
  tm_u64map_fini(&to.idx);
  tm_u64map_fini(&from.idx);
  tm_u64map_fini(&tmap);
  tm_free(tr);
  tm_free(pats);
  tm_free(prow);
  tm_table_free(t);
  tm_doc_free(doc);
  return rc;
}
