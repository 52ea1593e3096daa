/*
 * kmeans.c — k-means: k-means++ seeding (Arthur & Vassilvitskii, 2007) and
 * Lloyd iterations, best inertia of several restarts.
 *
 * Deterministic: each restart seeds its own random stream from (seed,
 * restart); the assignment step runs in parallel but each point's answer is
 * its own, and centres are summed in point order by one thread.
 */
#include <float.h>

#include "core/rng.h"
#include "mine/kmeans.h"

static double dist2(const double *a, const double *b, size_t d) {
  double s = 0;
  for (size_t j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

static void seed_plus_plus(const double *x, size_t n, size_t d, int k, tm_rng *rng, double *centers, double *dmin) {
  size_t first = (size_t)tm_rng_below(rng, n);
  memcpy(centers, x + first * d, d * sizeof *centers);
  for (size_t i = 0; i < n; i++) dmin[i] = dist2(x + i * d, centers, d);
  for (int c = 1; c < k; c++) {
    double total = 0;
    for (size_t i = 0; i < n; i++) total += dmin[i];
    size_t pick = n - 1;
    if (total > 0) {
      double u = tm_rng_uniform(rng) * total, acc = 0;
      for (size_t i = 0; i < n; i++) {
        acc += dmin[i];
        if (acc >= u) {
          pick = i;
          break;
        }
      }
    } else {
      pick = (size_t)tm_rng_below(rng, n); /* all points coincide with centres */
    }
    memcpy(centers + (size_t)c * d, x + pick * d, d * sizeof *centers);
    for (size_t i = 0; i < n; i++) {
      double v = dist2(x + i * d, centers + (size_t)c * d, d);
      if (v < dmin[i]) dmin[i] = v;
    }
  }
}

/* One restart: returns the inertia, fills centers and assign. */
static double lloyd(const double *x, size_t n, size_t d, int k, int max_iter, double *centers, uint32_t *assign,
                    double *sums, size_t *counts, int *iterations) {
  int it;
  for (size_t i = 0; i < n; i++) assign[i] = UINT32_MAX;
  for (it = 0; it < max_iter; it++) {
    size_t changed = 0;
#pragma omp parallel for schedule(static) reduction(+ : changed)
    for (size_t i = 0; i < n; i++) {
      double best = DBL_MAX;
      uint32_t bi = 0;
      for (int c = 0; c < k; c++) {
        double v = dist2(x + i * d, centers + (size_t)c * d, d);
        if (v < best) best = v, bi = (uint32_t)c;
      }
      if (assign[i] != bi) assign[i] = bi, changed++;
    }
    if (!changed) break;
    memset(sums, 0, (size_t)k * d * sizeof *sums);
    memset(counts, 0, (size_t)k * sizeof *counts);
    for (size_t i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (size_t j = 0; j < d; j++) sums[assign[i] * d + j] += x[i * d + j];
    }
    for (int c = 0; c < k; c++)
      if (counts[c]) /* an emptied cluster keeps its centre */
        for (size_t j = 0; j < d; j++) centers[(size_t)c * d + j] = sums[(size_t)c * d + j] / (double)counts[c];
  }
  *iterations = it;
  double inertia = 0;
  for (size_t i = 0; i < n; i++) inertia += dist2(x + i * d, centers + (size_t)assign[i] * d, d);
  return inertia;
}

int tm_kmeans(tm_kmeans_result *out, const double *x, size_t n, size_t d, int k, int restarts, int max_iter,
              uint64_t seed, tm_error *err) {
  memset(out, 0, sizeof *out);
  if (k < 1 || (size_t)k > n) return tm_error_set(err, TM_EINVAL, "k = %d, but there are %zu customers to cluster", k, n);
  if (restarts < 1) restarts = 1;
  double *centers = tm_malloc((size_t)k * d * sizeof *centers), *sums = tm_malloc((size_t)k * d * sizeof *sums);
  double *dmin = tm_malloc(n * sizeof *dmin);
  size_t *counts = tm_malloc((size_t)k * sizeof *counts);
  uint32_t *assign = tm_malloc(n * sizeof *assign);
  out->centers = tm_malloc((size_t)k * d * sizeof *out->centers);
  out->assign = tm_malloc(n * sizeof *out->assign);
  if (!centers || !sums || !dmin || !counts || !assign || !out->centers || !out->assign) {
    tm_free(centers), tm_free(sums), tm_free(dmin), tm_free(counts), tm_free(assign);
    tm_kmeans_free(out);
    return tm_error_nomem(err);
  }
  out->inertia = DBL_MAX;
  out->k = k;
  out->d = d;
  for (int r = 0; r < restarts; r++) {
    tm_rng rng;
    tm_rng_seed(&rng, seed, (uint64_t)r);
    seed_plus_plus(x, n, d, k, &rng, centers, dmin);
    int iters;
    double inertia = lloyd(x, n, d, k, max_iter, centers, assign, sums, counts, &iters);
    if (inertia < out->inertia) {
      out->inertia = inertia;
      out->iterations = iters;
      memcpy(out->centers, centers, (size_t)k * d * sizeof *centers);
      memcpy(out->assign, assign, n * sizeof *assign);
    }
  }
  tm_free(centers), tm_free(sums), tm_free(dmin), tm_free(counts), tm_free(assign);
  return 0;
}

void tm_kmeans_free(tm_kmeans_result *r) {
  tm_free(r->centers);
  tm_free(r->assign);
  memset(r, 0, sizeof *r);
}
