/*
 * rules.c — touchmine rules: fills a transaction bag (FIMI file or warehouse
 * view), mines it with FP-growth, filters the itemsets (frequent, closed,
 * maximal) or draws rules with their metrics, Fisher p-values and BH
 * q-values, and writes the result document; rules over the warehouse are
 * saved to rule_runs / assoc_rules.
 *
 * Output order does not depend on the mining order: itemsets by support
 * (descending), then size, then their items' ranks; rules by lift, then
 * confidence, then support, then the same itemset order. Items are named in
 * rank order (most frequent first; ties by first appearance).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mine/rules_int.h"

int tm_rules_parse_support(tm_rules_options *opt, const char *s) {
  char *end;
  if (!s || !*s) return TM_EINVAL;
  double v = strtod(s, &end);
  if (end == s || !(v > 0)) return TM_EINVAL;
  if (*end == '%' && !end[1]) {
    if (v > 100) return TM_EINVAL;
    opt->min_support = v / 100;
    opt->min_count = 0;
    return 0;
  }
  if (*end) return TM_EINVAL;
  if (v < 1) {
    opt->min_support = v;
    opt->min_count = 0;
    return 0;
  }
  if (v != floor(v) || v > 4e9) return TM_EINVAL;
  opt->min_count = (uint64_t)v;
  return 0;
}

const char *tm_rules_check(const tm_rules_options *opt) {
  if (!opt || opt->version != TM_RULES_OPTIONS_VERSION) return "options: wrong version";
  if ((unsigned)opt->target > TM_RULES_RULES) return "target must be frequent, closed, maximal or rules";
  if ((unsigned)opt->view > TM_RULES_VIEW_TOUCHPOINTS) return "view must be baskets, categories or touchpoints";
  if (!opt->min_count && !(opt->min_support > 0 && opt->min_support <= 1))
    return "min support must be a fraction in (0, 1], a percentage or a count";
  if (!(opt->min_confidence >= 0 && opt->min_confidence <= 1)) return "min confidence must be between 0 and 1";
  if (!(opt->min_lift >= 0)) return "min lift must be 0 or more";
  if (!(opt->fdr >= 0 && opt->fdr <= 1)) return "fdr must be between 0 and 1";
  if (opt->view == TM_RULES_VIEW_TOUCHPOINTS && opt->window_ms <= 0) return "the window must be longer than 0";
  return NULL;
}

/* ---------------------------------------------------------------- state */

typedef struct run {
  const tm_rules_options *opt;
  rl_bag bag;
  rl_ranking rank;
  rl_itemsets sets;
  uint32_t minsup;
  uint32_t *id_rank; /* bag item id -> rank, UINT32_MAX when not frequent */
  char *buf;         /* item-list strings */
  size_t bufcap;
} run;

static int collect(void *payload, const uint32_t *ranks, size_t len, uint32_t support) {
  run *r = payload;
  return rl_itemsets_add(&r->sets, ranks, len, support);
}

static const char *item_name(const run *r, uint32_t rank) { return tm_dict_str(&r->bag.names, r->rank.item[rank]); }

/* Joins the names of items (ranks) with sep into r->buf. */
static const char *join(run *r, const uint32_t *items, size_t len, uint32_t mask, int side, char sep) {
  size_t need = 1;
  for (size_t i = 0; i < len; i++) need += strlen(item_name(r, items[i])) + 1;
  if (need > r->bufcap && TM_GROW(r->buf, r->bufcap, need)) return NULL;
  size_t w = 0;
  for (size_t i = 0; i < len; i++) {
    if (side >= 0 && (int)(mask >> i & 1) != side) continue;
    const char *s = item_name(r, items[i]);
    if (w) r->buf[w++] = sep;
    size_t l = strlen(s);
    memcpy(r->buf + w, s, l);
    w += l;
  }
  r->buf[w] = 0;
  return r->buf;
}

/* Ranks of named items; *missing counts names that are not frequent. */
static int to_ranks(run *r, const tm_rules_items *names, uint32_t **out, size_t *n, size_t *missing) {
  *out = NULL;
  *n = 0;
  if (!names->count) return 0;
  if (!(*out = tm_malloc(names->count * sizeof **out))) return TM_ENOMEM;
  for (size_t i = 0; i < names->count; i++) {
    uint32_t id = tm_dict_find(&r->bag.names, names->names[i], strlen(names->names[i]));
    if (id == UINT32_MAX || r->id_rank[id] == UINT32_MAX) (*missing)++;
    else (*out)[(*n)++] = r->id_rank[id];
  }
  return 0;
}

static const rl_itemsets *sort_sets;
static int cmp_sets(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  const rl_itemsets *s = sort_sets;
  if (s->support[x] != s->support[y]) return s->support[x] > s->support[y] ? -1 : 1;
  size_t lx = rl_itemsets_len(s, x), ly = rl_itemsets_len(s, y);
  if (lx != ly) return lx < ly ? -1 : 1;
  const uint32_t *ix = rl_itemsets_at(s, x), *iy = rl_itemsets_at(s, y);
  for (size_t i = 0; i < lx; i++)
    if (ix[i] != iy[i]) return ix[i] < iy[i] ? -1 : 1;
  return 0;
}

static int cmp_rules(const void *a, const void *b) {
  const rl_rule *x = a, *y = b;
  if (x->lift != y->lift) return x->lift > y->lift ? -1 : 1;
  if (x->confidence != y->confidence) return x->confidence > y->confidence ? -1 : 1;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  if (x->set != y->set) {
    uint32_t u = x->set, v = y->set;
    return cmp_sets(&u, &v);
  }
  return (x->lhs_mask > y->lhs_mask) - (x->lhs_mask < y->lhs_mask);
}

/* ---------------------------------------------------------------- itemsets */

static int emit_itemsets(run *r, tm_doc *doc, int64_t *results, tm_error *err) {
  const tm_rules_options *opt = r->opt;
  uint8_t *flags = NULL;
  uint32_t *req = NULL, *order = NULL;
  size_t nreq = 0, missing = 0, n = 0;
  tm_table *t = NULL;
  int rc = 0;
  if (opt->target != TM_RULES_FREQUENT && (rc = rl_itemsets_flags(&r->sets, &flags, err))) return rc;
  if (to_ranks(r, &opt->require, &req, &nreq, &missing) ||
      !(order = tm_malloc((r->sets.n + 1) * sizeof *order)))
    goto oom;
  if (!missing) {
    uint8_t bad = opt->target == TM_RULES_CLOSED ? RL_NOT_CLOSED : opt->target == TM_RULES_MAXIMAL ? RL_NOT_MAXIMAL : 0;
    for (size_t i = 0; i < r->sets.n; i++) {
      if (flags && (flags[i] & bad)) continue;
      const uint32_t *it = rl_itemsets_at(&r->sets, i);
      size_t len = rl_itemsets_len(&r->sets, i);
      bool ok = true;
      for (size_t k = 0; k < nreq && ok; k++) {
        ok = false;
        for (size_t j = 0; j < len; j++) ok |= it[j] == req[k];
      }
      if (ok) order[n++] = (uint32_t)i;
    }
  }
  sort_sets = &r->sets;
  qsort(order, n, sizeof *order, cmp_sets);
  int ci = 0, cs = 0;
  if (!opt->on_itemset) {
    if (tm_table_new(&t, "itemsets", "Itemsets") || (ci = tm_table_add_col(t, "items", TM_COL_STR)) < 0 ||
        (cs = tm_table_add_col(t, "support", TM_COL_INT)) < 0)
      goto oom;
  }
  for (size_t k = 0; k < n; k++) {
    uint32_t i = order[k];
    const char *s = join(r, rl_itemsets_at(&r->sets, i), rl_itemsets_len(&r->sets, i), 0, -1, ' ');
    if (!s) goto oom;
    if (opt->on_itemset) {
      if (opt->on_itemset(opt->itemset_payload, s, r->sets.support[i])) {
        rc = tm_error_set(err, TM_ECANCELED, "stopped while writing itemsets");
        goto done;
      }
    } else if (tm_table_add_row(t) || tm_table_set_str(t, ci, s) || tm_table_set_int(t, cs, r->sets.support[i])) {
      goto oom;
    }
  }
  *results = (int64_t)n;
  if (t) {
    rc = tm_doc_add_table(doc, t);
    t = NULL;
    if (rc) goto oom;
  }
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  tm_table_free(t);
  tm_free(flags);
  tm_free(req);
  tm_free(order);
  return rc;
}

/* ---------------------------------------------------------------- rules */

static int planted(run *r, tm_doc *doc, const rl_rule *rules, size_t nr, tm_error *err) {
  json_error_t jerr;
  const char *path = r->opt->truth_path;
  json_t *truth = json_load_file(path, 0, &jerr);
  if (!truth) return tm_error_set(err, jerr.line > 0 ? TM_EFORMAT : TM_EIO, "%s:%d: %s", path, jerr.line, jerr.text);
  json_t *list = json_object_get(truth, "basket_rules"), *ru;
  size_t idx;
  tm_table *t = NULL;
  int rc = 0, c[9];
  int64_t found_n = 0;
  if (!json_is_array(list)) {
    json_decref(truth);
    return tm_error_set(err, TM_EFORMAT, "%s: no basket_rules array (is it a synth truth.json?)", path);
  }
  static const char *const names[] = {"rule", "antecedent", "consequent", "found", "rank",
                                      "lift", "planted_lift", "confidence", "support"};
  static const tm_coltype types[] = {TM_COL_STR,  TM_COL_STR,  TM_COL_STR,  TM_COL_INT,  TM_COL_INT,
                                     TM_COL_REAL, TM_COL_REAL, TM_COL_SHARE, TM_COL_SHARE};
  if (tm_table_new(&t, "planted", "Planted basket rules (synth truth)")) goto oom;
  for (int i = 0; i < 9; i++)
    if ((c[i] = tm_table_add_col(t, names[i], types[i])) < 0) goto oom;
  json_array_foreach(list, idx, ru) {
    json_t *lhs = json_object_get(ru, "lhs");
    const char *rhs = json_string_value(json_object_get(ru, "rhs"));
    const char *name = json_string_value(json_object_get(ru, "name"));
    if (!json_is_array(lhs) || !rhs || json_array_size(lhs) + 1 > RL_RULE_MAX_SET) continue;
    uint32_t set[RL_RULE_MAX_SET], lhs_r[RL_RULE_MAX_SET];
    size_t len = 0, nl = 0;
    bool known = true;
    char lhs_s[512] = "";
    for (size_t j = 0; j <= json_array_size(lhs); j++) {
      const char *code = j < json_array_size(lhs) ? json_string_value(json_array_get(lhs, j)) : rhs;
      if (!code) {
        known = false;
        break;
      }
      if (j < json_array_size(lhs))
        snprintf(lhs_s + strlen(lhs_s), sizeof lhs_s - strlen(lhs_s), "%s%s", j ? "," : "", code);
      uint32_t id = tm_dict_find(&r->bag.names, code, strlen(code));
      if (id == UINT32_MAX || r->id_rank[id] == UINT32_MAX) {
        known = false;
        continue;
      }
      set[len++] = r->id_rank[id];
      if (j < json_array_size(lhs)) lhs_r[nl++] = r->id_rank[id];
    }
    int64_t rank = 0;
    if (known) {
      for (size_t a = 1; a < len; a++) /* sort the set */
        for (size_t b = a; b && set[b - 1] > set[b]; b--) {
          uint32_t x = set[b];
          set[b] = set[b - 1];
          set[b - 1] = x;
        }
      int64_t si = rl_itemsets_find(&r->sets, set, len);
      uint32_t mask = 0;
      for (size_t j = 0; j < len; j++)
        for (size_t k = 0; k < nl; k++)
          if (set[j] == lhs_r[k]) mask |= 1u << j;
      for (size_t k = 0; si >= 0 && k < nr && !rank; k++)
        if (rules[k].set == (uint32_t)si && rules[k].lhs_mask == mask) rank = (int64_t)k + 1;
    }
    if (tm_table_add_row(t) || tm_table_set_str(t, c[0], name ? name : "") || tm_table_set_str(t, c[1], lhs_s) ||
        tm_table_set_str(t, c[2], rhs) || tm_table_set_int(t, c[3], rank > 0) ||
        tm_table_set_real(t, c[6], json_number_value(json_object_get(ru, "lift"))))
      goto oom;
    if (rank > 0) {
      const rl_rule *u = &rules[rank - 1];
      found_n++;
      if (tm_table_set_int(t, c[4], rank) || tm_table_set_real(t, c[5], u->lift) ||
          tm_table_set_real(t, c[7], u->confidence) || tm_table_set_real(t, c[8], (double)u->count / r->bag.n))
        goto oom;
    }
  }
  rc = tm_doc_set_int(doc, "planted_found", found_n) || tm_doc_set_int(doc, "planted_rules", (int64_t)json_array_size(list));
  if (rc) goto oom;
  rc = tm_doc_add_table(doc, t);
  t = NULL;
  if (rc) goto oom;
  json_decref(truth);
  return 0;
oom:
  tm_table_free(t);
  json_decref(truth);
  return tm_error_nomem(err);
}

static int emit_rules(run *r, tm_doc *doc, tm_warehouse *wh, const char *view, int64_t *results, tm_error *err) {
  const tm_rules_options *opt = r->opt;
  rl_rule_filter f = {.min_confidence = opt->min_confidence, .min_lift = opt->min_lift};
  uint32_t *lists[5] = {0};
  size_t missing = 0, nr = 0, dummy = 0;
  rl_rule *rules = NULL;
  double *p = NULL, *q = NULL;
  tm_table *t = NULL;
  int rc = 0;
  if (to_ranks(r, &opt->require, &lists[0], &f.nreq, &missing) ||
      to_ranks(r, &opt->lhs_has, &lists[1], &f.nlhs_has, &missing) ||
      to_ranks(r, &opt->rhs_has, &lists[2], &f.nrhs_has, &missing) ||
      to_ranks(r, &opt->lhs_not, &lists[3], &f.nlhs_not, &dummy) ||
      to_ranks(r, &opt->rhs_not, &lists[4], &f.nrhs_not, &dummy))
    goto oom;
  f.req = lists[0], f.lhs_has = lists[1], f.rhs_has = lists[2], f.lhs_not = lists[3], f.rhs_not = lists[4];
  if (!missing && (rc = rl_rules_generate(&rules, &nr, &r->sets, r->bag.n, &f, err))) goto done;
  if (!(p = tm_malloc((nr + 1) * sizeof *p)) || !(q = tm_malloc((nr + 1) * sizeof *q))) goto oom;
  for (size_t i = 0; i < nr; i++) p[i] = rules[i].p;
  if (rl_bh_qvalues(p, q, nr)) goto oom;
  size_t kept = 0;
  for (size_t i = 0; i < nr; i++) {
    rules[i].q = q[i];
    if (!opt->fdr || q[i] <= opt->fdr) rules[kept++] = rules[i];
  }
  if (tm_doc_set_int(doc, "rules_tested", (int64_t)nr)) goto oom;
  nr = kept;
  sort_sets = &r->sets;
  qsort(rules, nr, sizeof *rules, cmp_rules);
  static const char *const names[] = {"antecedent", "consequent", "support", "count", "confidence",
                                      "lift",       "leverage",   "conviction", "p_value", "q_value"};
  static const tm_coltype types[] = {TM_COL_STR,  TM_COL_STR,  TM_COL_REAL, TM_COL_INT,  TM_COL_REAL,
                                     TM_COL_REAL, TM_COL_REAL, TM_COL_REAL, TM_COL_REAL, TM_COL_REAL};
  int c[10];
  if (opt->on_rule && !wh) {
    for (size_t i = 0; i < nr; i++) {
      const rl_rule *u = &rules[i];
      const uint32_t *it = rl_itemsets_at(&r->sets, u->set);
      size_t len = rl_itemsets_len(&r->sets, u->set);
      const char *a = join(r, it, len, u->lhs_mask, 1, ',');
      char *ac = a ? tm_strdup(a) : NULL;
      const char *cs = ac ? join(r, it, len, u->lhs_mask, 0, ',') : NULL;
      if (!cs) {
        tm_free(ac);
        goto oom;
      }
      tm_rule_row row = {ac, cs, u->count, (double)u->count / r->bag.n, u->confidence, u->lift, u->leverage,
                         u->conviction, u->p, u->q};
      int stop = opt->on_rule(opt->rule_payload, &row);
      tm_free(ac);
      if (stop) {
        rc = tm_error_set(err, TM_ECANCELED, "stopped while writing rules");
        goto done;
      }
    }
    *results = (int64_t)nr;
    if (opt->truth_path) rc = planted(r, doc, rules, nr, err);
    goto done;
  }
  if (tm_table_new(&t, "rules", "Association rules (by lift)")) goto oom;
  for (int i = 0; i < 10; i++)
    if ((c[i] = tm_table_add_col(t, names[i], types[i])) < 0) goto oom;
  for (size_t i = 0; i < nr; i++) {
    const rl_rule *u = &rules[i];
    const uint32_t *it = rl_itemsets_at(&r->sets, u->set);
    size_t len = rl_itemsets_len(&r->sets, u->set);
    const char *s;
    if (tm_table_add_row(t) || !(s = join(r, it, len, u->lhs_mask, 1, ',')) || tm_table_set_str(t, c[0], s) ||
        !(s = join(r, it, len, u->lhs_mask, 0, ',')) || tm_table_set_str(t, c[1], s) ||
        tm_table_set_real(t, c[2], (double)u->count / r->bag.n) || tm_table_set_int(t, c[3], u->count) ||
        tm_table_set_real(t, c[4], u->confidence) || tm_table_set_real(t, c[5], u->lift) ||
        tm_table_set_real(t, c[6], u->leverage) ||
        (isfinite(u->conviction) && tm_table_set_real(t, c[7], u->conviction)) ||
        tm_table_set_real(t, c[8], u->p) || tm_table_set_real(t, c[9], u->q))
      goto oom;
  }
  *results = (int64_t)nr;
  if (opt->truth_path && (rc = planted(r, doc, rules, nr, err))) goto done;
  if (wh) {
    int64_t run_id;
    double ms = (double)r->minsup / (double)(r->bag.n ? r->bag.n : 1);
    if ((rc = rl_store_rules(&run_id, wh, view, r->bag.n, ms, opt->min_confidence, t, err))) goto done;
    if (tm_doc_set_int(doc, "run_id", run_id)) goto oom;
  }
  rc = tm_doc_add_table(doc, t);
  t = NULL;
  if (rc) goto oom;
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  tm_table_free(t);
  for (int i = 0; i < 5; i++) tm_free(lists[i]);
  tm_free(rules);
  tm_free(p);
  tm_free(q);
  return rc;
}

/* ---------------------------------------------------------------- driver */

static const char *const target_names[] = {"frequent", "closed", "maximal", "rules"};
static const char *const view_names[] = {"baskets", "categories", "touchpoints"};

static int mine_bag(tm_doc **out, run *r, tm_warehouse *wh, const char *view, const char *input, tm_error *err) {
  const tm_rules_options *opt = r->opt;
  tm_doc *doc = NULL;
  bool *skip = NULL;
  int rc = 0;
  uint64_t n = r->bag.n, nitems = r->bag.names.count;
  uint64_t minsup = opt->min_count ? opt->min_count : (uint64_t)ceil(opt->min_support * (double)n - 1e-9);
  if (minsup < 1) minsup = 1;
  if (minsup > UINT32_MAX) minsup = UINT32_MAX;
  r->minsup = (uint32_t)minsup;
  if (opt->exclude.count) {
    if (!(skip = tm_calloc(nitems + 1, sizeof *skip))) return tm_error_nomem(err);
    for (size_t i = 0; i < opt->exclude.count; i++) {
      uint32_t id = tm_dict_find(&r->bag.names, opt->exclude.names[i], strlen(opt->exclude.names[i]));
      if (id != UINT32_MAX) skip[id] = true;
    }
  }
  if (opt->progress && opt->progress(opt->progress_payload, "mining", 0, 0)) {
    tm_free(skip);
    return tm_error_set(err, TM_ECANCELED, "cancelled");
  }
  /* Rules need a side on each item: itemsets longer than the rule limit are
   * still mined when asked for as itemsets. */
  rc = rl_fpgrowth(&r->rank, &r->bag, r->minsup, opt->max_len, skip, collect, r, err);
  tm_free(skip);
  if (rc) return rc;
  if (!(r->id_rank = tm_malloc((nitems + 1) * sizeof *r->id_rank))) return tm_error_nomem(err);
  for (size_t i = 0; i <= nitems; i++) r->id_rank[i] = UINT32_MAX;
  for (uint32_t k = 0; k < r->rank.nitems; k++) r->id_rank[r->rank.item[k]] = k;
  if (rl_itemsets_index(&r->sets)) return tm_error_nomem(err);
  int64_t results = 0;
  if (tm_doc_new(&doc, "Association rules") || (input && tm_doc_set_str(doc, "input", input)) ||
      (view && tm_doc_set_str(doc, "view", view)) || tm_doc_set_str(doc, "target", target_names[opt->target]) ||
      tm_doc_set_int(doc, "baskets", (int64_t)n) || tm_doc_set_int(doc, "items", (int64_t)nitems) ||
      tm_doc_set_int(doc, "frequent_items", (int64_t)r->rank.nitems) ||
      tm_doc_set_int(doc, "min_support_count", (int64_t)minsup) ||
      tm_doc_set_real(doc, "min_support", n ? (double)minsup / (double)n : 0) ||
      tm_doc_set_int(doc, "itemsets", (int64_t)r->sets.n) ||
      (r->bag.empty && (tm_doc_set_int(doc, "empty_baskets", (int64_t)r->bag.empty) ||
                        (r->bag.first_empty_line && tm_doc_set_int(doc, "first_empty_line", (int64_t)r->bag.first_empty_line)))))
    rc = tm_error_nomem(err);
  if (!rc) rc = opt->target == TM_RULES_RULES ? emit_rules(r, doc, wh, view, &results, err)
                                              : emit_itemsets(r, doc, &results, err);
  if (!rc && tm_doc_set_int(doc, "results", results)) rc = tm_error_nomem(err);
  if (rc) {
    tm_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}

static void run_free(run *r) {
  rl_bag_free(&r->bag);
  rl_ranking_free(&r->rank);
  rl_itemsets_free(&r->sets);
  tm_free(r->id_rank);
  tm_free(r->buf);
}

static int run_init(run *r, const tm_rules_options *opt, tm_error *err) {
  memset(r, 0, sizeof *r);
  r->opt = opt;
  const char *bad = tm_rules_check(opt);
  if (bad) return tm_error_set(err, TM_EINVAL, "%s", bad);
  if (rl_bag_init(&r->bag) || rl_itemsets_init(&r->sets)) return tm_error_nomem(err);
  return 0;
}

int tm_rules_fimi(tm_doc **out, const char *path, const tm_rules_options *opt, tm_error *err) {
  run r;
  *out = NULL;
  int rc = run_init(&r, opt, err);
  if (!rc && opt->progress && opt->progress(opt->progress_payload, "reading", 0, 0))
    rc = tm_error_set(err, TM_ECANCELED, "cancelled");
  if (!rc) rc = rl_bag_read_fimi(&r.bag, path, err);
  if (!rc) rc = mine_bag(out, &r, NULL, NULL, path, err);
  run_free(&r);
  return rc;
}

int tm_rules_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_rules_options *opt,
                     tm_error *err) {
  run r;
  *out = NULL;
  int rc = run_init(&r, opt, err);
  if (!rc) rc = rl_bag_from_view(&r.bag, ds, opt->view, opt->window_ms, err);
  if (!rc) rc = mine_bag(out, &r, wh, view_names[opt->view], NULL, err);
  run_free(&r);
  return rc;
}
