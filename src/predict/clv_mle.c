/*
 * clv_mle.c — the maximum-likelihood machinery shared by the CLV models (see
 * clv.h): liblbfgs on log-parameters, Newton polishing, the Hessian by
 * central differences of the analytic gradient, standard errors by the delta
 * method. And clv_uniq, the grouping of customers by their statistics.
 */
#include <lbfgs.h>
#include <math.h>
#include <xxhash.h>

#include "predict/clv.h"

/* ---- grouping ---- */

int clv_uniq_init(clv_uniq *u, size_t expect) {
  memset(u, 0, sizeof *u);
  u->slots = 64;
  while (u->slots < 2 * expect) u->slots *= 2;
  u->slot = tm_calloc(u->slots, sizeof *u->slot);
  return u->slot ? 0 : TM_ENOMEM;
}

void clv_uniq_fini(clv_uniq *u) {
  tm_free(u->slot);
  tm_free(u->key);
  memset(u, 0, sizeof *u);
}

uint64_t clv_hash3(const double k[3]) { return XXH3_64bits(k, 3 * sizeof(double)); }
#define hash3 clv_hash3

static int rehash(clv_uniq *u) {
  size_t slots = u->slots * 2;
  uint32_t *s = tm_calloc(slots, sizeof *s);
  if (!s) return TM_ENOMEM;
  for (size_t id = 0; id < u->n; id++) {
    size_t h = hash3(u->key + 3 * id) & (slots - 1);
    while (s[h]) h = (h + 1) & (slots - 1);
    s[h] = (uint32_t)id + 1;
  }
  tm_free(u->slot);
  u->slot = s;
  u->slots = slots;
  return 0;
}

int64_t clv_uniq_add(clv_uniq *u, double k0, double k1, double k2) {
  double k[3] = {k0 + 0.0, k1 + 0.0, k2 + 0.0}; /* + 0.0: -0 and 0 are one key */
  return clv_uniq_add_hashed(u, k, hash3(k));
}

int64_t clv_uniq_add_hashed(clv_uniq *u, const double k[3], uint64_t hash) {
  size_t h = hash & (u->slots - 1);
  for (;;) {
    uint32_t id = u->slot[h];
    if (!id) break;
    if (!memcmp(u->key + 3 * (size_t)(id - 1), k, 3 * sizeof *k)) return id - 1;
    h = (h + 1) & (u->slots - 1);
  }
  if (u->n >= UINT32_MAX - 1) return -1;
  if (TM_GROW(u->key, u->cap, 3 * (u->n + 1))) return -1;
  memcpy(u->key + 3 * u->n, k, 3 * sizeof *k);
  u->slot[h] = (uint32_t)u->n + 1;
  u->n++;
  if (2 * u->n > u->slots && rehash(u)) return -1;
  return (int64_t)u->n - 1;
}

#define SHARDS 64
#define CHUNKS 64

int clv_group(const double *k0, const double *k1, const double *k2, size_t n, uint32_t *gid, double **keys,
              double **count, size_t *ngroups) {
  uint64_t *hash = tm_malloc((n ? n : 1) * sizeof *hash);
  uint32_t *order = tm_malloc((n ? n : 1) * sizeof *order), *local = tm_malloc((n ? n : 1) * sizeof *local);
  size_t(*pos)[SHARDS] = tm_calloc(CHUNKS, sizeof *pos);
  clv_uniq *u = tm_calloc(SHARDS, sizeof *u);
  size_t start[SHARDS + 1] = {0}, first[SHARDS + 1] = {0};
  int rc = TM_ENOMEM, failed = 0;
  *keys = *count = NULL;
  if (!hash || !order || !local || !pos || !u) goto done;
  /* hashes, and how many keys of each chunk fall in each shard */
#pragma omp parallel for schedule(static) if (n > 100000)
  for (size_t c = 0; c < CHUNKS; c++)
    for (size_t i = n * c / CHUNKS; i < n * (c + 1) / CHUNKS; i++) {
      double k[3] = {k0[i] + 0.0, k1[i] + 0.0, k2[i] + 0.0};
      hash[i] = hash3(k);
      pos[c][hash[i] >> 58]++;
    }
  /* scatter: shard by shard, chunk by chunk, so keys keep their order within a shard */
  size_t at = 0;
  for (size_t s = 0; s < SHARDS; s++) {
    start[s] = at;
    for (size_t c = 0; c < CHUNKS; c++) {
      size_t m = pos[c][s];
      pos[c][s] = at;
      at += m;
    }
  }
  start[SHARDS] = at;
#pragma omp parallel for schedule(static) if (n > 100000)
  for (size_t c = 0; c < CHUNKS; c++)
    for (size_t i = n * c / CHUNKS; i < n * (c + 1) / CHUNKS; i++) order[pos[c][hash[i] >> 58]++] = (uint32_t)i;
  /* each shard numbers its keys */
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed) if (n > 100000)
  for (size_t s = 0; s < SHARDS; s++) {
    if (clv_uniq_init(&u[s], (start[s + 1] - start[s]) / 4 + 16)) {
      failed = 1;
      continue;
    }
    for (size_t j = start[s]; j < start[s + 1] && !failed; j++) {
      size_t i = order[j];
      double k[3] = {k0[i] + 0.0, k1[i] + 0.0, k2[i] + 0.0};
      int64_t id = clv_uniq_add_hashed(&u[s], k, hash[i]);
      if (id < 0) failed = 1;
      else local[i] = (uint32_t)id;
    }
  }
  if (failed) goto done;
  for (size_t s = 0; s < SHARDS; s++) first[s + 1] = first[s] + u[s].n;
  *ngroups = first[SHARDS];
  *keys = tm_malloc((first[SHARDS] ? first[SHARDS] : 1) * 3 * sizeof **keys);
  *count = tm_calloc(first[SHARDS] ? first[SHARDS] : 1, sizeof **count);
  if (!*keys || !*count) goto done;
#pragma omp parallel for schedule(dynamic, 1) if (n > 100000)
  for (size_t s = 0; s < SHARDS; s++) {
    memcpy(*keys + 3 * first[s], u[s].key, 3 * u[s].n * sizeof **keys);
    for (size_t j = start[s]; j < start[s + 1]; j++) {
      size_t i = order[j];
      gid[i] = (uint32_t)(first[s] + local[i]);
      (*count)[gid[i]] += 1;
    }
  }
  rc = 0;
done:
  if (rc) {
    tm_free(*keys);
    tm_free(*count);
    *keys = *count = NULL;
  }
  for (size_t s = 0; u && s < SHARDS; s++) clv_uniq_fini(&u[s]);
  tm_free(u);
  tm_free(pos);
  tm_free(hash);
  tm_free(order);
  tm_free(local);
  return rc;
}

/* ---- maximisation ---- */

typedef struct mx_ctx {
  clv_loglik_fn f;
  void *ctx;
  double scale; /* the objective is -ll / scale, so its size does not grow with n */
  int evals;
} mx_ctx;

static lbfgsfloatval_t objective(void *inst, const lbfgsfloatval_t *v, lbfgsfloatval_t *g, const int n,
                                 const lbfgsfloatval_t step) {
  mx_ctx *m = inst;
  double gg[8];
  m->evals++;
  for (int i = 0; i < n; i++)
    if (!(fabs(v[i]) < 30)) { /* far outside any sensible parameter: a wall */
      for (int j = 0; j < n; j++) g[j] = 0;
      return 1e300;
    }
  double ll = m->f(m->ctx, v, gg);
  if (!isfinite(ll)) {
    for (int j = 0; j < n; j++) g[j] = 0;
    return 1e300;
  }
  for (int i = 0; i < n; i++) g[i] = -gg[i] / m->scale;
  return -ll / m->scale;
}

/* Inverts the k x k matrix a (row-major) into inv by Gauss-Jordan with
 * partial pivoting; false when singular. */
static bool invert(const double *a, double *inv, int k) {
  double m[8][16];
  for (int i = 0; i < k; i++)
    for (int j = 0; j < 2 * k; j++) m[i][j] = j < k ? a[i * k + j] : (j - k == i);
  for (int c = 0; c < k; c++) {
    int piv = c;
    for (int i = c + 1; i < k; i++)
      if (fabs(m[i][c]) > fabs(m[piv][c])) piv = i;
    if (!(fabs(m[piv][c]) > 1e-300)) return false;
    for (int j = 0; j < 2 * k; j++) {
      double t = m[c][j];
      m[c][j] = m[piv][j];
      m[piv][j] = t;
    }
    double d = m[c][c];
    for (int j = 0; j < 2 * k; j++) m[c][j] /= d;
    for (int i = 0; i < k; i++)
      if (i != c) {
        double f = m[i][c];
        for (int j = 0; j < 2 * k; j++) m[i][j] -= f * m[c][j];
      }
  }
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) inv[i * k + j] = m[i][j + k];
  return true;
}

/* The Hessian of ll wrt v by central differences of the gradient, symmetrised. */
static void hessian(clv_loglik_fn f, void *ctx, int k, const double *v, double *H) {
  double vp[8], gp[8], gm[8];
  for (int j = 0; j < k; j++) {
    double h = 1e-5;
    memcpy(vp, v, (size_t)k * sizeof *vp);
    vp[j] = v[j] + h;
    f(ctx, vp, gp);
    vp[j] = v[j] - h;
    f(ctx, vp, gm);
    for (int i = 0; i < k; i++) H[i * k + j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (int i = 0; i < k; i++)
    for (int j = 0; j < i; j++) H[i * k + j] = H[j * k + i] = (H[i * k + j] + H[j * k + i]) / 2;
}

int clv_maximise(clv_loglik_fn f, void *ctx, int k, double *v, double scale, clv_estimate *est, tm_error *err) {
  memset(est, 0, sizeof *est);
  mx_ctx m = {f, ctx, scale > 0 ? scale : 1, 0};
  lbfgs_parameter_t prm;
  lbfgs_parameter_init(&prm);
  prm.epsilon = 1e-6; /* Newton steps finish the job */
  prm.max_iterations = 1000;
  prm.linesearch = LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  lbfgsfloatval_t fx = 0;
  est->status = lbfgs(k, v, &fx, objective, NULL, &m, &prm);
  /* Newton polish: the optimum to machine precision, whatever stopped L-BFGS.
   * The Hessian of the last iteration serves the standard errors when the
   * step after it was tiny (it then differs from the one at the optimum by
   * about the step's size, relatively). */
  double H[64], C[64], g[8], vn[8];
  double ll = f(ctx, v, g);
  int evals = m.evals + 1;
  bool fresh = false;
  for (int it = 0; it < 20; it++) {
    hessian(f, ctx, k, v, H);
    evals += 2 * k;
    fresh = true;
    if (!invert(H, C, k)) break;
    double step = 1, moved = 0;
    bool better = false;
    for (int half = 0; half < 30 && !better; half++, step /= 2) {
      for (int i = 0; i < k; i++) {
        double d = 0;
        for (int j = 0; j < k; j++) d += C[i * k + j] * g[j];
        vn[i] = v[i] - step * d;
      }
      double gn[8], lln = f(ctx, vn, gn);
      evals++;
      if (isfinite(lln) && lln >= ll - 1e-12 * fabs(ll)) {
        better = true;
        double gain = lln - ll;
        for (int i = 0; i < k; i++) moved = fmax(moved, fabs(vn[i] - v[i]));
        memcpy(v, vn, (size_t)k * sizeof *v);
        memcpy(g, gn, (size_t)k * sizeof *g);
        ll = lln;
        if (gain < 1e-10 * fmax(1, fabs(ll))) it = 1000;
      }
    }
    fresh = moved < 1e-6;
    if (!better) break;
  }
  est->iterations = evals;
  est->loglik = ll;
  if (!isfinite(ll)) return tm_error_set(err, TM_EINVAL, "the likelihood is not finite at any parameter tried");
  if (!fresh) hessian(f, ctx, k, v, H);
  for (int i = 0; i < k * k; i++) H[i] = -H[i];
  est->hessian_ok = invert(H, C, k);
  if (est->hessian_ok) memcpy(est->cov, C, (size_t)(k * k) * sizeof *C);
  for (int i = 0; i < k; i++) {
    est->par[i] = exp(v[i]);
    double var = est->hessian_ok ? C[i * k + i] : NAN;
    est->se[i] = var > 0 ? est->par[i] * sqrt(var) : NAN;
    if (!(var > 0)) est->hessian_ok = false;
  }
  return 0;
}
