/*
 * test_kmeans.c — k-means: Hamerly gives Lloyd's assignments and centres from
 * the same start; Lloyd, Hamerly and mini-batch are the same at 1 and 2
 * threads; a hand-computed two-cluster case; mini-batch recovers clear blobs.
 */
#include <omp.h>

#include "unit.h"

#include "core/rng.h"
#include "mine/kmeans.h"

/* n points around k blob centres in d dimensions (blob i at i*sep on each axis
 * with a per-axis jitter), blob label in lab. */
static double *blobs(size_t n, size_t d, int k, double sep, uint64_t seed, uint32_t *lab) {
  double *x = malloc(n * d * sizeof *x);
  tm_rng r;
  tm_rng_seed(&r, seed, 1);
  for (size_t i = 0; i < n; i++) {
    uint32_t b = (uint32_t)tm_rng_below(&r, (uint64_t)k);
    if (lab) lab[i] = b;
    for (size_t j = 0; j < d; j++) x[i * d + j] = sep * (double)b * (j % 2 ? 1 : -1) + (double)(j + 1) * 0.1 * b + tm_rng_normal(&r);
  }
  return x;
}

static void first_points_as_centres(const double *x, size_t d, int k, double *c) { memcpy(c, x, (size_t)k * d * sizeof *c); }

static void test_kmeans__hamerly_equals_lloyd(void **state) {
  (void)state;
  const size_t n = 30000, d = 8;
  const int k = 8;
  /* overlapping blobs (sep 1): many points near boundaries, many iterations */
  double *x = blobs(n, d, k, 1.0, 7, NULL);
  double c1[64], c2[64];
  uint32_t *a1 = malloc(n * sizeof *a1), *a2 = malloc(n * sizeof *a2);
  first_points_as_centres(x, d, k, c1);
  first_points_as_centres(x, d, k, c2);
  int it1, it2;
  assert_int_equal(tm_kmeans_iterate(x, n, d, k, TM_KM_LLOYD, 300, 0, 1, c1, a1, &it1), 0);
  assert_int_equal(tm_kmeans_iterate(x, n, d, k, TM_KM_HAMERLY, 300, 0, 1, c2, a2, &it2), 0);
  assert_true(it1 > 5); /* a real run, not a first-pass stop */
  assert_int_equal(it1, it2);
  assert_memory_equal(a1, a2, n * sizeof *a1);
  assert_memory_equal(c1, c2, sizeof c1);
  /* the same with a cap on iterations (stopping mid-way) */
  first_points_as_centres(x, d, k, c1);
  first_points_as_centres(x, d, k, c2);
  assert_int_equal(tm_kmeans_iterate(x, n, d, k, TM_KM_LLOYD, 3, 0, 1, c1, a1, &it1), 0);
  assert_int_equal(tm_kmeans_iterate(x, n, d, k, TM_KM_HAMERLY, 3, 0, 1, c2, a2, &it2), 0);
  assert_int_equal(it1, 3);
  assert_memory_equal(a1, a2, n * sizeof *a1);
  free(x), free(a1), free(a2);
}

static void test_kmeans__same_at_1_and_2_threads(void **state) {
  (void)state;
  const size_t n = 50000, d = 6;
  double *x = blobs(n, d, 5, 1.5, 3, NULL);
  tm_kmeans_alg algs[] = {TM_KM_LLOYD, TM_KM_HAMERLY, TM_KM_MINIBATCH};
  for (size_t a = 0; a < 3; a++) {
    tm_kmeans_params p = {5, 3, 100, 42, algs[a], 1000};
    tm_kmeans_result r1, r2;
    tm_error err = {0};
    omp_set_num_threads(1);
    assert_int_equal(tm_kmeans_run(&r1, x, n, d, &p, &err), 0);
    omp_set_num_threads(2);
    assert_int_equal(tm_kmeans_run(&r2, x, n, d, &p, &err), 0);
    assert_memory_equal(r1.assign, r2.assign, n * sizeof *r1.assign);
    assert_memory_equal(r1.centers, r2.centers, 5 * d * sizeof *r1.centers);
    assert_true(r1.inertia == r2.inertia);
    assert_int_equal(r1.alg, algs[a]);
    tm_kmeans_free(&r1), tm_kmeans_free(&r2);
  }
  free(x);
}

/* Points 0, 1, 2 and 10, 11, 12 on a line from centres 0 and 1: by hand, the
 * first pass puts 0 with centre 0 and the rest with 1 (mean 36/5 = 7.2); the
 * second moves 1 and 2 to centre 0 (means 1 and 11); then nothing changes. */
static void test_kmeans__hand_computed(void **state) {
  (void)state;
  double x[] = {0, 1, 2, 10, 11, 12}, c[] = {0, 1};
  uint32_t a[6];
  int it;
  for (int alg = TM_KM_LLOYD; alg <= TM_KM_HAMERLY; alg++) {
    c[0] = 0, c[1] = 1;
    assert_int_equal(tm_kmeans_iterate(x, 6, 1, 2, (tm_kmeans_alg)alg, 100, 0, 1, c, a, &it), 0);
    assert_int_equal(it, 2);
    assert_true(c[0] == 1.0 && c[1] == 11.0);
    uint32_t want[] = {0, 0, 0, 1, 1, 1};
    assert_memory_equal(a, want, sizeof want);
    assert_true(tm_kmeans_inertia(x, 6, 1, c, a) == 4.0);
  }
}

/* Clear blobs (sep 8 sd): mini-batch puts each blob in one cluster. */
static void test_kmeans__minibatch_recovers_blobs(void **state) {
  (void)state;
  const size_t n = 200000, d = 8;
  const int k = 6;
  uint32_t *lab = malloc(n * sizeof *lab);
  double *x = blobs(n, d, k, 8.0, 5, lab);
  tm_kmeans_params p = {k, 4, 50, 9, TM_KM_MINIBATCH, 2048};
  tm_kmeans_result r, r2;
  tm_error err = {0};
  assert_int_equal(tm_kmeans_run(&r, x, n, d, &p, &err), 0);
  size_t cells[6][6] = {{0}};
  for (size_t i = 0; i < n; i++) cells[lab[i]][r.assign[i]]++;
  size_t pure = 0;
  for (int b = 0; b < k; b++) {
    size_t best = 0;
    for (int c = 0; c < k; c++)
      if (cells[b][c] > best) best = cells[b][c];
    pure += best;
  }
  assert_true((double)pure / (double)n > 0.999);
  /* deterministic by seed */
  assert_int_equal(tm_kmeans_run(&r2, x, n, d, &p, &err), 0);
  assert_memory_equal(r.assign, r2.assign, n * sizeof *r.assign);
  tm_kmeans_free(&r), tm_kmeans_free(&r2);
  free(x), free(lab);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kmeans__hamerly_equals_lloyd),
      cmocka_unit_test(test_kmeans__same_at_1_and_2_threads),
      cmocka_unit_test(test_kmeans__hand_computed),
      cmocka_unit_test(test_kmeans__minibatch_recovers_blobs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
