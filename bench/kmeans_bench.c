/*
 * kmeans_bench.c — times touchmine's k-means on a raw float64 file (n x d,
 * row-major) from given initial centres (k x d), the same inputs the
 * scikit-learn peer (bench/kmeans_sklearn.py) reads; and measures the memory
 * bandwidth with a streaming read, for the bandwidth bound of one iteration.
 *
 *   kmeans_bench DATA CENTRES N D K ITERS         Lloyd and Hamerly, ITERS iterations each
 *   kmeans_bench --bandwidth MB                   streaming read of MB megabytes, GB/s
 *   kmeans_bench --auto DATA N D                  the k-means part of --k auto (k 2..10, 8 restarts)
 *
 * Prints "key value" lines. Built by bench/kmeans.sh against build/libtouchmine.a.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "touchmine.h"
#include "mine/kmeans.h"

static double *load(const char *path, size_t count) {
  FILE *f = fopen(path, "rb");
  double *x = malloc(count * sizeof *x);
  if (!f || !x || fread(x, sizeof *x, count, f) != count) {
    fprintf(stderr, "kmeans_bench: cannot read %zu doubles from %s\n", count, path);
    exit(1);
  }
  fclose(f);
  return x;
}

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best of 5 streaming reads of mb megabytes: GB per wall second, and GB per
 * CPU second of all threads (*cpu_gbs), comparable with CPU times when other
 * work shares the machine. */
static double bandwidth(size_t mb, double *cpu_gbs) {
  size_t n = mb * 1024 * 1024 / sizeof(double);
  double *a = malloc(n * sizeof *a), best = 0, sink = 0;
  *cpu_gbs = 0;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) a[i] = (double)(i & 1023);
  for (int rep = 0; rep < 5; rep++) {
    double t0 = omp_get_wtime(), u0 = cpu_seconds(), s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s)
    for (size_t i = 0; i < n; i++) s += a[i];
    double t = omp_get_wtime() - t0, u = cpu_seconds() - u0, gbs = (double)(n * sizeof *a) / t / 1e9;
    if (gbs > best) best = gbs;
    if ((double)(n * sizeof *a) / u / 1e9 > *cpu_gbs) *cpu_gbs = (double)(n * sizeof *a) / u / 1e9;
    sink += s;
  }
  free(a);
  if (sink == 42) puts("");
  return best;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--bandwidth")) {
    double cpu_gbs, gbs = bandwidth((size_t)atol(argv[2]), &cpu_gbs);
    printf("bandwidth_gbs %.3f\nbandwidth_cpu_gbs %.3f\n", gbs, cpu_gbs);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[1], "--auto")) {
    size_t n = (size_t)atol(argv[3]), d = (size_t)atol(argv[4]);
    double *x = load(argv[2], n * d), t0 = omp_get_wtime();
    for (int k = 2; k <= 10; k++) {
      tm_kmeans_params p = {k, 8, 100, 42, TM_KM_AUTO, 0};
      tm_kmeans_result r;
      tm_error err = {0};
      if (tm_kmeans_run(&r, x, n, d, &p, &err)) return 1;
      printf("auto_k%d_iterations %d\n", k, r.iterations);
      tm_kmeans_free(&r);
    }
    printf("auto_seconds %.3f\n", omp_get_wtime() - t0);
    free(x);
    return 0;
  }
  if (argc != 7) {
    fprintf(stderr, "usage: kmeans_bench DATA CENTRES N D K ITERS | --bandwidth MB | --auto DATA N D\n");
    return 2;
  }
  size_t n = (size_t)atol(argv[3]), d = (size_t)atol(argv[4]);
  int k = atoi(argv[5]), iters = atoi(argv[6]);
  double *x = load(argv[1], n * d), *c0 = load(argv[2], (size_t)k * d), *c = malloc((size_t)k * d * sizeof *c);
  uint32_t *a = malloc(n * sizeof *a);
  const tm_kmeans_alg algs[] = {TM_KM_LLOYD, TM_KM_HAMERLY};
  for (int rep = 0; rep < 2; rep++) /* the first pass warms the pages and caches */
    for (size_t i = 0; i < 2; i++) {
      memcpy(c, c0, (size_t)k * d * sizeof *c);
      int done;
      double t0 = omp_get_wtime(), u0 = cpu_seconds();
      if (tm_kmeans_iterate(x, n, d, k, algs[i], iters, 0, 1, c, a, &done)) return 1;
      double t = omp_get_wtime() - t0, u = cpu_seconds() - u0;
      if (rep) {
        /* iterate runs done+1 assignment passes (the last finds nothing moved or stops at the cap) */
        printf("%s_iterations %d\n%s_seconds %.4f\n%s_seconds_per_iteration %.5f\n", tm_kmeans_alg_name(algs[i]), done,
               tm_kmeans_alg_name(algs[i]), t, tm_kmeans_alg_name(algs[i]), t / (done + 1));
        printf("%s_cpu_seconds_per_iteration %.5f\n", tm_kmeans_alg_name(algs[i]), u / (done + 1));
        printf("%s_inertia %.6f\n", tm_kmeans_alg_name(algs[i]), tm_kmeans_inertia(x, n, d, c, a));
      }
    }
  printf("threads %d\n", omp_get_max_threads());
  free(x), free(c0), free(c), free(a);
  return 0;
}
