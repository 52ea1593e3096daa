/*
 * kmeans.h — k-means clustering (Lloyd's algorithm, k-means++ seeding, best
 * of several restarts). Internal.
 */
#ifndef TM_MINE_KMEANS_H
#define TM_MINE_KMEANS_H
#include "core/common.h"

typedef struct tm_kmeans_result {
  int k;
  size_t d;
  double *centers;    /* k x d */
  uint32_t *assign;   /* n */
  double inertia;     /* sum of squared distances to the assigned centre */
  int iterations;     /* of the best restart */
} tm_kmeans_result;

/* Clusters the n x d row-major points x into k groups. Deterministic for a
 * seed whatever the thread count: assignments are computed in parallel, sums
 * in point order. Returns 0, TM_EINVAL (k < 1 or k > n) or TM_ENOMEM. */
int tm_kmeans(tm_kmeans_result *out, const double *x, size_t n, size_t d, int k, int restarts, int max_iter,
              uint64_t seed, tm_error *err);
void tm_kmeans_free(tm_kmeans_result *r);

#endif
