/*
 * bgnbd.c — the BG/NBD model (Fader, Hardie & Lee 2005, "Counting your
 * customers the easy way"): log-likelihood with its analytic gradient over
 * grouped (x, t_x, T), the fit, P(alive) and the conditional expectation.
 *
 * Per customer, in log space:
 *   ll = lnG(r+x) - lnG(r) + r ln(alpha) + lnB(a, b+x) - lnB(a, b)
 *        + logaddexp(-(r+x) ln(alpha+T), [x>0] ln(a/(b+x-1)) - (r+x) ln(alpha+t_x))
 * The terms that depend on x alone are computed once per distinct x.
 */
#include <math.h>

#include "predict/clv.h"
#include "predict/specfun.h"

double bgnbd_loglik1(const double par[4], double x, double tx, double T) {
  double r = par[0], al = par[1], a = par[2], b = par[3];
  double l3 = -(r + x) * log(al + T);
  double l4 = x > 0 ? log(a) - log(b + x - 1) - (r + x) * log(al + tx) : -INFINITY;
  return lgamma(r + x) - lgamma(r) + r * log(al) + tm_lbeta(a, b + x) - tm_lbeta(a, b) + tm_logaddexp(l3, l4);
}

typedef struct bg_ctx {
  const bgnbd_groups *g;
  double *cx; /* per distinct x: 6 values, see loglik */
  double *lt; /* per distinct time t: ln(alpha + t), 1 / (alpha + t) */
} bg_ctx;

/* The log-likelihood and its gradient wrt (ln r, ln alpha, ln a, ln b). */
static double loglik(void *vctx, const double *v, double *grad) {
  bg_ctx *c = vctx;
  const bgnbd_groups *g = c->g;
  double r = exp(v[0]), al = exp(v[1]), a = exp(v[2]), b = exp(v[3]);
  double lal = log(al), lr = lgamma(r), dr = tm_digamma(r), lbab = tm_lbeta(a, b), dab = tm_digamma(a + b),
         db = tm_digamma(b);
  for (size_t k = 0; k < g->nx; k++) {
    double x = g->ux[k], *cx = c->cx + 6 * k;
    double dabx = tm_digamma(a + b + x);
    cx[0] = lgamma(r + x) - lr + r * lal + tm_lbeta(a, b + x) - lbab; /* x-only part of ll */
    cx[1] = tm_digamma(r + x) - dr + lal;                             /* its d/dr */
    cx[2] = dab - dabx;                                               /* d/da */
    cx[3] = (x > 0 ? tm_digamma(b + x) : db) - dabx - db + dab;       /* d/db */
    cx[4] = x > 0 ? log(a) - log(b + x - 1) : -INFINITY;              /* ln(a / (b+x-1)) */
    cx[5] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  for (size_t k = 0; k < g->nt; k++) {
    c->lt[2 * k] = log(al + g->ut[k]);
    c->lt[2 * k + 1] = 1 / (al + g->ut[k]);
  }
  const double *lt2 = c->lt;
  double part[CLV_CHUNKS][5];
  size_t n = g->n;
#pragma omp parallel for schedule(dynamic, 1) if (n > 20000) /* small inputs: threads cost more than they save */
  for (int ch = 0; ch < CLV_CHUNKS; ch++) {
    size_t lo = n * (size_t)ch / CLV_CHUNKS, hi = n * (size_t)(ch + 1) / CLV_CHUNKS;
    double s[5] = {0};
    for (size_t i = lo; i < hi; i++) {
      const double *cx = c->cx + 6 * g->xi[i];
      double x = g->x[i], w = g->w[i], rx = r + x;
      const double *tT = lt2 + 2 * g->Ti[i], *tx = lt2 + 2 * g->txi[i];
      double lT = tT[0], l3 = -rx * lT, ll, w4 = 0, lt = 0;
      if (x > 0) {
        lt = tx[0];
        double l4 = cx[4] - rx * lt, d = l4 - l3;
        /* ll = l3 + log1p(e^d); w4 = e^d / (1 + e^d) */
        if (d > 0) {
          double e = exp(-d);
          ll = l4 + log1p(e);
          w4 = 1 / (1 + e);
        } else {
          double e = exp(d);
          ll = l3 + log1p(e);
          w4 = e / (1 + e);
        }
      } else {
        ll = l3;
      }
      double w3 = 1 - w4;
      s[0] += w * (cx[0] + ll);
      s[1] += w * (cx[1] - w3 * lT - w4 * lt);
      s[2] += w * (r / al - w3 * rx * tT[1] - w4 * rx * tx[1]);
      s[3] += w * (cx[2] + w4 / a);
      s[4] += w * (cx[3] - w4 * cx[5]);
    }
    for (int j = 0; j < 5; j++) part[ch][j] = s[j];
  }
  double tot[5] = {0};
  for (int ch = 0; ch < CLV_CHUNKS; ch++)
    for (int j = 0; j < 5; j++) tot[j] += part[ch][j];
  /* d/dln(theta) = theta d/dtheta; d/dalpha also has r/alpha from r ln(alpha) */
  if (grad) {
    grad[0] = r * tot[1];
    grad[1] = al * tot[2];
    grad[2] = a * tot[3];
    grad[3] = b * tot[4];
  }
  return tot[0];
}

int bgnbd_fit(const bgnbd_groups *g, clv_estimate *out, tm_error *err) {
  double sw = 0, sx = 0, sT = 0;
  for (size_t i = 0; i < g->n; i++) sw += g->w[i], sx += g->w[i] * g->x[i], sT += g->w[i] * g->T[i];
  if (sw < 2 || sx <= 0) return tm_error_set(err, TM_EINVAL, "BG/NBD needs customers with repeat purchases (got %.0f customers, %.0f repeat purchases)", sw, sx);
  bg_ctx c = {g, tm_malloc((g->nx ? g->nx : 1) * 6 * sizeof(double)), tm_malloc((g->nt ? g->nt : 1) * 2 * sizeof(double))};
  if (!c.cx || !c.lt) {
    tm_free(c.cx);
    tm_free(c.lt);
    return tm_error_nomem(err);
  }
  /* start: r = 1, alpha from the mean rate (E[lambda] = r / alpha), a = b = 1 */
  double v[4] = {0, log(fmax(1e-3, sT / sx)), 0, 0};
  int rc = clv_maximise(loglik, &c, 4, v, sw, out, err);
  tm_free(c.cx);
  tm_free(c.lt);
  return rc;
}

/* ln of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x): the odds of having dropped out. */
static double log_dead_odds(const double par[4], double x, double tx, double T) {
  double r = par[0], al = par[1], a = par[2], b = par[3];
  return log(a) - log(b + x - 1) + (r + x) * (log(al + T) - log(al + tx));
}

double bgnbd_p_alive(const double par[4], double x, double tx, double T) {
  if (!(x > 0)) return 1;
  double l = log_dead_odds(par, x, tx, T);
  return l > 0 ? exp(-l) / (1 + exp(-l)) : 1 / (1 + exp(l));
}

double bgnbd_cond_denominator(const double par[4], double x, double tx, double T) {
  return x > 0 ? 1 + exp(log_dead_odds(par, x, tx, T)) : 1;
}

/* (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))];
 * the prefactor and the 2F1 are taken together (tm_hyp2f1_scaled). */
double bgnbd_cond_numerator(const double par[4], double x, double T, double t) {
  double r = par[0], al = par[1], a = par[2], b = par[3];
  if (!(t > 0)) return 0;
  double z = t / (al + T + t);
  return (a + b + x - 1) / (a - 1) * (1 - tm_hyp2f1_scaled(r + x, b + x, a + b + x - 1, z));
}

/* E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))] */
double bgnbd_expected(const double par[4], double t) { return bgnbd_cond_numerator(par, 0, 0, t); }
