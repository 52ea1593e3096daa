/*
 * clv.h — customer lifetime value: BG/NBD (Fader, Hardie & Lee 2005) for
 * purchase counts and dropout, Gamma-Gamma (Fader, Hardie & Lee 2005, note
 * 025) for spend per purchase. Shared-internal: the CLI goes through
 * tm_clv_compute (touchmine.h); the benchmark driver calls these directly.
 *
 * Fits are maximum likelihood on log-parameters with liblbfgs, polished by
 * Newton steps on a numerical Hessian (central differences of the analytic
 * gradient); that Hessian gives the standard errors (delta method back to the
 * natural scale). Sums run over fixed chunks merged in order, so the result
 * does not depend on the thread count.
 */
#ifndef TM_PREDICT_CLV_H
#define TM_PREDICT_CLV_H
#include "core/common.h"

/* Unique keys of up to three doubles (by bit pattern), numbered in order of
 * first sight: deterministic, O(1) per key. */
typedef struct clv_uniq {
  size_t n, cap, slots;
  uint32_t *slot; /* id + 1, 0 = empty */
  double *key;    /* 3 per id */
} clv_uniq;
int clv_uniq_init(clv_uniq *u, size_t expect);
/* The id of (k0, k1, k2), added if new; -1 when out of memory. */
int64_t clv_uniq_add(clv_uniq *u, double k0, double k1, double k2);
void clv_uniq_fini(clv_uniq *u);
/* The same with the key's hash given (clv_hash3). */
int64_t clv_uniq_add_hashed(clv_uniq *u, const double k[3], uint64_t h);
uint64_t clv_hash3(const double k[3]);

/* Groups n keys (k0[i], k1[i], k2[i]) in parallel: gid[i] = the group of key i;
 * *keys = 3 values per group, *count = customers per group, *ngroups. Keys are
 * split into shards by hash and numbered shard by shard, in order of first sight
 * within a shard: the same numbering at any thread count. */
int clv_group(const double *k0, const double *k1, const double *k2, size_t n, uint32_t *gid, double **keys,
              double **count, size_t *ngroups);

/* BG/NBD sufficient statistics grouped: unique (x, t_x, T) with counts. */
typedef struct bgnbd_groups {
  size_t n;
  double *x, *tx, *T, *w;
  size_t nx;          /* distinct x */
  double *ux;         /* their values */
  uint32_t *xi;       /* per group: index into ux */
  size_t nt;          /* distinct values among all t_x and T (days: a few hundred) */
  double *ut;         /* their values */
  uint32_t *txi, *Ti; /* per group: indices into ut */
} bgnbd_groups;

typedef struct clv_estimate {
  double par[4], se[4]; /* natural scale */
  double cov[16]; /* covariance of the log-parameters (k x k, row-major) */
  double loglik;
  int iterations, status; /* status: liblbfgs' return code */
  bool hessian_ok;
} clv_estimate;

/* Maximum likelihood (r, alpha, a, b). */
int bgnbd_fit(const bgnbd_groups *g, clv_estimate *out, tm_error *err);
/* The log-likelihood of one (x, t_x, T) under (r, alpha, a, b). */
double bgnbd_loglik1(const double par[4], double x, double tx, double T);
/* P(alive | x, t_x, T). */
double bgnbd_p_alive(const double par[4], double x, double tx, double T);
/* E[Y(t) | x, t_x, T] = numerator(x, T, t) * P(alive)... split so that the
 * costly part (a 2F1) is computed once per (x, T, t): the conditional
 * expectation is bgnbd_cond_numerator(par, x, T, t) / bgnbd_cond_denominator. */
double bgnbd_cond_numerator(const double par[4], double x, double T, double t);
double bgnbd_cond_denominator(const double par[4], double x, double tx, double T);
/* E[X(t)] for a new customer (unconditional). */
double bgnbd_expected(const double par[4], double t);

/* Gamma-Gamma on customers with x > 0 and mean spend m > 0 (others skipped). */
int gg_fit(const double *x, const double *m, size_t n, clv_estimate *out, size_t *used, tm_error *err);
/* E[Z | x, mean spend m] (the population mean p gamma / (q - 1) when x = 0). */
double gg_expected_spend(const double par[3], double x, double m);

/* Shared by both fits: minimise -loglik over log-parameters (k of them),
 * starting at v; fills est (natural scale, with standard errors). grad(ctx,
 * v, g) returns the log-likelihood at exp(v) and its gradient wrt v. */
typedef double (*clv_loglik_fn)(void *ctx, const double *v, double *g);
int clv_maximise(clv_loglik_fn f, void *ctx, int k, double *v, double scale, clv_estimate *est, tm_error *err);

/* Chunks of the parallel sums (fixed, so sums do not depend on threads). */
#define CLV_CHUNKS 64

#endif

/* ---- the whole computation on arrays (tm_clv_compute and the bench) ---- */

typedef struct clv_input {
  size_t n;
  double *x, *tx, *T; /* repeat purchases, time of the last, age: in model units */
  double *m;          /* mean spend of the repeat purchases (NaN: none), or NULL */
} clv_input;

typedef struct clv_result {
  clv_estimate bg, gg;
  bool has_gg;
  size_t groups, gg_customers;
  /* per customer (n each) */
  double *expected, *p_alive, *spend, *clv;
} clv_result;

/* Groups, fits and predicts: over horizon (model units), with an annual
 * discount rate applied monthly; unit_days = days per model unit. Per-customer
 * arrays are allocated here (clv_result_free). */
int clv_run(const clv_input *in, double horizon_days, double unit_days, double discount_rate, bool predict,
            clv_result *res, tm_error *err);
void clv_result_free(clv_result *res);
