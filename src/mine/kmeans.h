/*
 * kmeans.h — k-means clustering: k-means++ seeding, best of several restarts,
 * and three ways to iterate: Lloyd, Hamerly (exact, with distance bounds that
 * skip most distance computations; same assignments as Lloyd from the same
 * centres) and mini-batch (Sculley, 2010) for tens of millions of rows.
 * Internal.
 */
#ifndef TM_MINE_KMEANS_H
#define TM_MINE_KMEANS_H
#include "core/common.h"

typedef enum tm_kmeans_alg {
  TM_KM_AUTO = 0,  /* tm_kmeans_auto() */
  TM_KM_LLOYD,
  TM_KM_HAMERLY,
  TM_KM_MINIBATCH,
} tm_kmeans_alg;

#define TM_KM_MINIBATCH_FROM 10000000u
#define TM_KM_DEFAULT_BATCH 4096u

typedef struct tm_kmeans_result {
  int k;
  size_t d;
  double *centers;    /* k x d */
  uint32_t *assign;   /* n */
  double inertia;     /* sum of squared distances to the assigned centre */
  int iterations;     /* of the best restart */
  tm_kmeans_alg alg;  /* the algorithm that ran (never AUTO) */
} tm_kmeans_result;

typedef struct tm_kmeans_params {
  int k, restarts, max_iter;
  uint64_t seed;
  tm_kmeans_alg alg;
  size_t batch;       /* mini-batch size (0: TM_KM_DEFAULT_BATCH) */
} tm_kmeans_params;

/* Clusters the n x d row-major points x into k groups. Deterministic for a
 * seed whatever the thread count: each point's assignment is its own, and
 * centres are summed per fixed block of points, blocks added in order.
 * Returns 0, TM_EINVAL (k < 1 or k > n) or TM_ENOMEM. */
int tm_kmeans_run(tm_kmeans_result *out, const double *x, size_t n, size_t d, const tm_kmeans_params *p,
                  tm_error *err);
/* The same, never mini-batch (exact). */
int tm_kmeans(tm_kmeans_result *out, const double *x, size_t n, size_t d, int k, int restarts, int max_iter,
              uint64_t seed, tm_error *err);
/* Iterates from the given centres (k x d, updated in place) until no point
 * changes cluster or max_iter; fills assign (n) and *iterations. For tests
 * and benchmarks: Lloyd and Hamerly give the same assignments and centres.
 * Mini-batch draws its batches from seed. Returns 0 or TM_ENOMEM. */
int tm_kmeans_iterate(const double *x, size_t n, size_t d, int k, tm_kmeans_alg alg, int max_iter, size_t batch,
                      uint64_t seed, double *centers, uint32_t *assign, int *iterations);
/* Sum of squared distances of the points to their assigned centres. */
double tm_kmeans_inertia(const double *x, size_t n, size_t d, const double *centers, const uint32_t *assign);
/* What auto runs: mini-batch from TM_KM_MINIBATCH_FROM rows, else Lloyd. */
tm_kmeans_alg tm_kmeans_auto(size_t n, int k);
const char *tm_kmeans_alg_name(tm_kmeans_alg alg);
void tm_kmeans_free(tm_kmeans_result *r);

#endif
