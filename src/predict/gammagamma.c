/*
 * gammagamma.c — the Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM
 * and CLV"; Fader & Hardie note 025): spend per purchase z ~ Gamma(p, rate nu),
 * nu ~ Gamma(q, rate gamma) per customer. For a customer with x purchases of
 * mean value m:
 *   ll = lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln(m) + px ln(x)
 *        - (px+q) ln(gamma + x m)
 * Terms in x alone are summed per distinct x, the parameter-free sums once;
 * only ln(gamma + x m) is per distinct (x, m) pair and per evaluation.
 */
#include <math.h>

#include "predict/clv.h"
#include "predict/specfun.h"

typedef struct gg_ctx {
  size_t n;           /* customers used */
  size_t np;          /* their distinct (x, m) pairs */
  const double *key;  /* per pair: x, m, x */
  const double *w;    /* per pair: customers */
  size_t nx;
  double *ux, *cnt;   /* distinct x and their counts */
  double sxlm, slm, sxlx; /* sum x ln m, sum ln m, sum x ln x */
} gg_ctx;

static double loglik(void *vctx, const double *v, double *grad) {
  gg_ctx *c = vctx;
  double p = exp(v[0]), q = exp(v[1]), ga = exp(v[2]), N = (double)c->n;
  double part[CLV_CHUNKS][4];
#pragma omp parallel for schedule(dynamic, 1) if (c->np > 20000)
  for (int ch = 0; ch < CLV_CHUNKS; ch++) {
    size_t lo = c->np * (size_t)ch / CLV_CHUNKS, hi = c->np * (size_t)(ch + 1) / CLV_CHUNKS;
    double s[4] = {0};
    for (size_t k = lo; k < hi; k++) {
      double x = c->key[3 * k], w = c->w[k], d = ga + x * c->key[3 * k + 1], L = log(d), wd = w / d;
      s[0] += w * x * L;
      s[1] += w * L;
      s[2] += x * wd;
      s[3] += wd;
    }
    for (int j = 0; j < 4; j++) part[ch][j] = s[j];
  }
  double xL = 0, L = 0, xd = 0, id = 0;
  for (int ch = 0; ch < CLV_CHUNKS; ch++) xL += part[ch][0], L += part[ch][1], xd += part[ch][2], id += part[ch][3];
  double ll = -N * lgamma(q) + N * q * log(ga) + p * c->sxlm - c->slm + p * c->sxlx - p * xL - q * L;
  double dp = c->sxlm + c->sxlx - xL, dq = -N * tm_digamma(q) + N * log(ga) - L;
  for (size_t k = 0; k < c->nx; k++) {
    double x = c->ux[k], w = c->cnt[k];
    ll += w * (lgamma(p * x + q) - lgamma(p * x));
    double dpq = tm_digamma(p * x + q);
    dp += w * x * (dpq - tm_digamma(p * x));
    dq += w * dpq;
  }
  if (grad) {
    grad[0] = p * dp;
    grad[1] = q * dq;
    grad[2] = ga * (N * q / ga - p * xd - q * id);
  }
  return ll;
}

int gg_fit(const double *x, const double *m, size_t n, clv_estimate *out, size_t *used, tm_error *err) {
  gg_ctx c = {0};
  clv_uniq u = {0};
  int rc = 0;
  /* the customers with repeat spend, then their distinct (x, m) pairs (spend is in cents:
   * many customers share one) */
  double *ux = tm_malloc((n ? n : 1) * sizeof *ux), *um = tm_malloc((n ? n : 1) * sizeof *um);
  double *keys = NULL, *w = NULL;
  uint32_t *gid = tm_malloc((n ? n : 1) * sizeof *gid);
  double cap = 0;
  if (!ux || !um || !gid || clv_uniq_init(&u, 64)) goto oom;
  for (size_t i = 0; i < n; i++) {
    if (!(x[i] > 0) || !(m[i] > 0) || !isfinite(m[i])) continue;
    ux[c.n] = x[i], um[c.n] = m[i];
    c.n++;
    int64_t id = clv_uniq_add(&u, x[i], 0, 0);
    if (id < 0) goto oom;
    if ((size_t)id >= cap) {
      size_t nc = (size_t)(cap ? cap * 2 : 64);
      double *nu = tm_realloc(c.cnt, nc * sizeof *nu);
      if (!nu) goto oom;
      memset(nu + (size_t)cap, 0, (nc - (size_t)cap) * sizeof *nu);
      c.cnt = nu;
      cap = (double)nc;
    }
    c.cnt[id] += 1;
    double lm = log(m[i]);
    c.sxlm += x[i] * lm;
    c.slm += lm;
    c.sxlx += x[i] * log(x[i]);
  }
  *used = c.n;
  if (c.n < 3) {
    rc = tm_error_set(err, TM_EINVAL, "Gamma-Gamma needs customers with repeat purchases and spend (got %zu)", c.n);
    goto done;
  }
  if (clv_group(ux, um, ux, c.n, gid, &keys, &w, &c.np)) goto oom; /* key (x, m, x) */
  c.key = keys;
  c.w = w;
  c.nx = u.n;
  c.ux = tm_malloc(u.n * sizeof *c.ux);
  if (!c.ux) goto oom;
  for (size_t k = 0; k < u.n; k++) c.ux[k] = u.key[3 * k];
  /* start: p = 1, q = 2, gamma at the mean spend's scale */
  double v[3] = {0, log(2), log(exp(c.slm / (double)c.n))};
  rc = clv_maximise(loglik, &c, 3, v, (double)c.n, out, err);
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  tm_free(ux);
  tm_free(um);
  tm_free(gid);
  tm_free(keys);
  tm_free(w);
  tm_free(c.cnt);
  tm_free(c.ux);
  clv_uniq_fini(&u);
  return rc;
}

double gg_expected_spend(const double par[3], double x, double m) {
  double p = par[0], q = par[1], ga = par[2];
  if (!(x > 0) || !(m > 0)) return p * ga / (q - 1);
  return p * (ga + x * m) / (p * x + q - 1);
}
