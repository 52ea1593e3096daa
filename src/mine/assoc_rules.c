/*
 * assoc_rules.c — association rules from frequent itemsets (Agrawal &
 * Srikant, VLDB 1994: every split X -> Y of a frequent set), their metrics
 * and significance:
 *   support     P(X u Y)           confidence  P(Y | X)
 *   lift        conf / P(Y)        leverage    P(X u Y) - P(X) P(Y)
 *   conviction  (1 - P(Y)) / (1 - conf)   (infinite when conf = 1)
 *   p_value     one-sided Fisher exact test that X and Y occur together more
 *               often than by chance (hypergeometric right tail, in log space)
 *   q_value     Benjamini & Hochberg (1995) adjusted p over all the rules
 *               that passed the support / confidence / lift / item filters.
 */
#include <math.h>
#include <stdlib.h>

#include "mine/rules_int.h"

/* ----------------------------------------------------------- Fisher test */

static double lchoose(double n, double k) { return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1); }

double rl_fisher_greater(uint64_t n, uint64_t nx, uint64_t ny, uint64_t nxy) {
  if (nx > n || ny > n || nxy > nx || nxy > ny) return NAN;
  uint64_t kmin = nx + ny > n ? nx + ny - n : 0, kmax = TM_MIN(nx, ny);
  if (nxy <= kmin) return 1.0;
  double N = (double)n, X = (double)nx, Y = (double)ny;
  double mode = floor((X + 1) * (Y + 1) / (N + 2));
  /* Sum the tail that decreases away from its first term: the right tail
   * when nxy is past the mode, else 1 - the left tail below nxy. */
  bool right = (double)nxy >= mode;
  uint64_t k = right ? nxy : nxy - 1;
  double lt0 = lchoose(Y, (double)k) + lchoose(N - Y, X - (double)k) - lchoose(N, X);
  double sum = 1.0, t = 1.0; /* terms relative to the first */
  if (right) {
    for (uint64_t j = k; j < kmax; j++) {
      double J = (double)j;
      t *= (X - J) * (Y - J) / ((J + 1) * (N - X - Y + J + 1));
      sum += t;
      if (t < sum * 1e-17) break;
    }
  } else {
    for (uint64_t j = k; j > kmin; j--) {
      double J = (double)j;
      t *= J * (N - X - Y + J) / ((X - J + 1) * (Y - J + 1));
      sum += t;
      if (t < sum * 1e-17) break;
    }
  }
  double tail = exp(lt0 + log(sum));
  double p = right ? tail : 1.0 - tail;
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* ------------------------------------------------------ Benjamini-Hochberg */

static const double *bh_p;
static int cmp_p(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  if (bh_p[x] != bh_p[y]) return bh_p[x] < bh_p[y] ? -1 : 1;
  return (x > y) - (x < y);
}

int rl_bh_qvalues(const double *p, double *q, size_t m) {
  if (!m) return 0;
  size_t *ord = tm_malloc(m * sizeof *ord);
  if (!ord) return TM_ENOMEM;
  for (size_t i = 0; i < m; i++) ord[i] = i;
  bh_p = p;
  qsort(ord, m, sizeof *ord, cmp_p);
  double run = 1.0;
  for (size_t i = m; i-- > 0;) {
    double v = p[ord[i]] * (double)m / (double)(i + 1);
    if (v < run) run = v;
    q[ord[i]] = run;
  }
  tm_free(ord);
  return 0;
}

/* ----------------------------------------------------------------- rules */

static bool has(const uint32_t *items, size_t len, uint32_t mask, int side, uint32_t r) {
  for (size_t j = 0; j < len; j++)
    if (items[j] == r) return side < 0 ? true : side == 1 ? (mask >> j & 1) : !(mask >> j & 1);
  return false;
}

static bool passes_items(const rl_rule_filter *f, const uint32_t *it, size_t len, uint32_t mask) {
  for (size_t i = 0; i < f->nlhs_has; i++)
    if (!has(it, len, mask, 1, f->lhs_has[i])) return false;
  for (size_t i = 0; i < f->nrhs_has; i++)
    if (!has(it, len, mask, 0, f->rhs_has[i])) return false;
  for (size_t i = 0; i < f->nlhs_not; i++)
    if (has(it, len, mask, 1, f->lhs_not[i])) return false;
  for (size_t i = 0; i < f->nrhs_not; i++)
    if (has(it, len, mask, 0, f->rhs_not[i])) return false;
  return true;
}

int rl_rules_generate(rl_rule **out, size_t *nout, const rl_itemsets *s, uint64_t n, const rl_rule_filter *f,
                      tm_error *err) {
  rl_rule *r = NULL;
  size_t nr = 0, cap = 0;
  uint32_t x[RL_RULE_MAX_SET], y[RL_RULE_MAX_SET];
  double N = (double)n;
  for (size_t i = 0; i < s->n; i++) {
    size_t len = rl_itemsets_len(s, i);
    if (len < 2 || len > RL_RULE_MAX_SET) continue;
    const uint32_t *it = rl_itemsets_at(s, i);
    bool ok = true;
    for (size_t k = 0; k < f->nreq && ok; k++) ok = has(it, len, 0, -1, f->req[k]);
    if (!ok) continue;
    uint32_t full = (1u << len) - 1, sxy = s->support[i];
    for (uint32_t mask = 1; mask < full; mask++) {
      if (!passes_items(f, it, len, mask)) continue;
      size_t nx = 0, ny = 0;
      for (size_t j = 0; j < len; j++)
        if (mask >> j & 1) x[nx++] = it[j];
        else y[ny++] = it[j];
      int64_t ix = rl_itemsets_find(s, x, nx), iy = rl_itemsets_find(s, y, ny);
      if (ix < 0 || iy < 0) continue; /* a subset of a frequent set is frequent: cannot happen */
      uint32_t sx = s->support[ix], sy = s->support[iy];
      double conf = (double)sxy / sx, py = sy / N, lift = conf / py;
      if (conf < f->min_confidence || lift < f->min_lift) continue;
      if (nr == cap && TM_GROW(r, cap, nr + 1)) {
        tm_free(r);
        return tm_error_nomem(err);
      }
      rl_rule *u = &r[nr++];
      u->set = (uint32_t)i;
      u->lhs_mask = mask;
      u->lhs_count = sx;
      u->rhs_count = sy;
      u->count = sxy;
      u->confidence = conf;
      u->lift = lift;
      u->leverage = sxy / N - (sx / N) * py;
      u->conviction = conf >= 1 ? INFINITY : (1 - py) / (1 - conf);
      u->p = rl_fisher_greater(n, sx, sy, sxy);
      u->q = 0;
    }
  }
  *out = r;
  *nout = nr;
  return 0;
}
