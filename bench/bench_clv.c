/*
 * bench_clv.c — the C side of bench/clv.sh.
 *
 *   bench_clv gen-clv N SEED DIR      simulate N customers from the BG/NBD and
 *                                     Gamma-Gamma processes (days as the unit;
 *                                     CDNOW's parameters), write DIR/{x,tx,T,m}.f64
 *   bench_clv clv DIR HORIZON_DAYS    group + fit + predict on them; JSON on stdout
 *   bench_clv gen-hw S N SEED FILE    S seasonal monthly series of N points, f64 row-major
 *   bench_clv hw FILE S N PERIOD      fit additive Holt-Winters to each, forecast 12
 *
 * Times exclude reading the files (the peers' loading is excluded the same way).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "predict/clv.h"
#include "predict/holtwinters.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int write_f64(const char *dir, const char *name, const double *v, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.f64", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(v, sizeof *v, n, f) != n || fclose(f)) return perror(path), 1;
  return 0;
}

static double *read_f64(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return perror(path), NULL;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  double *v = malloc((size_t)sz + 8);
  *n = (size_t)sz / sizeof *v;
  if (!v || fread(v, sizeof *v, *n, f) != *n) return perror(path), NULL;
  fclose(f);
  return v;
}

/* CDNOW's fits (weeks) in days: r, alpha * 7, a, b; Gamma-Gamma p, q, gamma. */
static const double R = 0.2426, ALPHA = 4.4135 * 7, A = 0.7929, B = 2.4258, P = 6.2488, Q = 3.7446, G = 15.448;

static int gen_clv(size_t n, uint64_t seed, const char *dir) {
  double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T), *m = malloc(n * sizeof *m);
  if (!x || !tx || !T || !m) return 1;
  size_t chunks = 256;
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t c = 0; c < chunks; c++) {
    tm_rng r;
    tm_rng_seed(&r, seed, c);
    for (size_t i = n * c / chunks; i < n * (c + 1) / chunks; i++) {
      double lambda = tm_rng_gamma(&r, R, ALPHA), pdrop = tm_rng_beta(&r, A, B), nu = tm_rng_gamma(&r, Q, G);
      double age = (double)tm_rng_range(&r, 1, 730), t = 0, last = 0, spend = 0; /* customers of the last 2 years */
      int k = 0;
      for (;;) {
        t += tm_rng_exponential(&r, lambda);
        if (t > age) break;
        k++;
        last = floor(t);
        spend += round(tm_rng_gamma(&r, P, nu) * 100) / 100;
        if (tm_rng_bernoulli(&r, pdrop)) break;
      }
      x[i] = k, tx[i] = k ? last : 0, T[i] = age, m[i] = k ? round(spend / k * 100) / 100 : NAN;
      if (k && !(m[i] > 0)) m[i] = 0.01;
    }
  }
  int rc = write_f64(dir, "x", x, n) || write_f64(dir, "tx", tx, n) || write_f64(dir, "T", T, n) || write_f64(dir, "m", m, n);
  free(x), free(tx), free(T), free(m);
  return rc;
}

static int run_clv(const char *dir, double horizon) {
  char p[4096];
  size_t n, n2;
  clv_input in;
  snprintf(p, sizeof p, "%s/x.f64", dir);
  in.x = read_f64(p, &n);
  snprintf(p, sizeof p, "%s/tx.f64", dir);
  in.tx = read_f64(p, &n2);
  snprintf(p, sizeof p, "%s/T.f64", dir);
  in.T = read_f64(p, &n2);
  snprintf(p, sizeof p, "%s/m.f64", dir);
  in.m = read_f64(p, &n2);
  if (!in.x || !in.tx || !in.T || !in.m) return 1;
  in.n = n;
  clv_result res;
  tm_error err = {0};
  double t0 = now();
  if (clv_run(&in, horizon, 1.0, 0.10, true, &res, &err)) return fprintf(stderr, "%s\n", err.message), 1;
  double t1 = now();
  double sum_clv = 0, sum_expected = 0;
  for (size_t i = 0; i < n; i++) sum_clv += res.clv[i], sum_expected += res.expected[i];
  printf("{\"customers\":%zu,\"groups\":%zu,\"seconds\":%.4f,\"r\":%.6g,\"alpha\":%.6g,\"a\":%.6g,\"b\":%.6g,"
         "\"p\":%.6g,\"q\":%.6g,\"gamma\":%.6g,\"loglik\":%.10g,\"gg_loglik\":%.10g,\"sum_clv\":%.8g,"
         "\"sum_expected\":%.8g}\n",
         n, res.groups, t1 - t0, res.bg.par[0], res.bg.par[1], res.bg.par[2], res.bg.par[3], res.gg.par[0],
         res.gg.par[1], res.gg.par[2], res.bg.loglik, res.gg.loglik, sum_clv, sum_expected);
  clv_result_free(&res);
  return 0;
}

static int gen_hw(size_t s, size_t n, uint64_t seed, const char *path) {
  double *v = malloc(s * n * sizeof *v);
  if (!v) return 1;
  for (size_t k = 0; k < s; k++) {
    tm_rng r;
    tm_rng_seed(&r, seed, k);
    double level = 50 + 450 * tm_rng_uniform(&r), slope = level * 0.01 * (tm_rng_uniform(&r) - 0.3);
    double amp = level * 0.3 * tm_rng_uniform(&r), phase = 12 * tm_rng_uniform(&r), sd = level * 0.05;
    for (size_t i = 0; i < n; i++)
      v[k * n + i] = level + slope * (double)i + amp * sin(2 * M_PI * ((double)i + phase) / 12) + sd * tm_rng_normal(&r);
  }
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(v, sizeof *v, s * n, f) != s * n || fclose(f)) return perror(path), 1;
  free(v);
  return 0;
}

static int run_hw(const char *path, size_t s, size_t n, int period) {
  size_t total;
  double *v = read_f64(path, &total);
  if (!v || total != s * n) return fprintf(stderr, "%s: want %zu values\n", path, s * n), 1;
  double *sse = malloc(s * sizeof *sse), *fc = malloc(s * 12 * sizeof *fc);
  double t0 = now();
#pragma omp parallel for schedule(dynamic, 4)
  for (size_t k = 0; k < s; k++) {
    hw_fit f;
    if (hw_fit_series(v + k * n, n, HW_ADDITIVE, period, false, &f, NULL)) {
      sse[k] = f.sse;
      hw_forecast(&f, 12, fc + 12 * k, NULL, NULL);
    } else {
      sse[k] = NAN;
    }
  }
  double t1 = now(), tot = 0;
  for (size_t k = 0; k < s; k++) tot += sse[k];
  printf("{\"series\":%zu,\"points\":%zu,\"seconds\":%.4f,\"per_series_ms\":%.5f,\"sum_sse\":%.10g}\n", s, n, t1 - t0,
         1000 * (t1 - t0) / (double)s, tot);
  free(v), free(sse), free(fc);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && !strcmp(argv[1], "gen-clv")) return gen_clv(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), argv[4]);
  if (argc == 4 && !strcmp(argv[1], "clv")) return run_clv(argv[2], atof(argv[3]));
  if (argc == 6 && !strcmp(argv[1], "gen-hw"))
    return gen_hw(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10), argv[5]);
  if (argc == 6 && !strcmp(argv[1], "hw")) return run_hw(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10), atoi(argv[5]));
  fprintf(stderr, "usage: see the comment at the top of bench/bench_clv.c\n");
  return 2;
}
