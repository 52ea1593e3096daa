/*
 * holtwinters.c — Holt-Winters filtering, fitting and forecasting (see
 * holtwinters.h). Start values follow R's HoltWinters (start.periods = 2):
 * decompose() the first two seasons with a centred moving average, take the
 * seasonal figure (centred: mean 0 additive, mean 1 multiplicative) as the
 * first season, and a least-squares line through the trend for the level
 * (its intercept) and the trend (its slope); filtering starts in the second
 * season. Without seasonality: level x[1], trend x[1] - x[0], from x[2].
 */
#include <math.h>
#include <string.h>

#include "predict/holtwinters.h"

/* R's decompose(): centred moving average of order p (a 2 x p MA when p is even). */
static void start_values(const double *x, int p, int method, double *l0, double *b0, double *s0) {
  int w = 2 * p;
  double trend[2 * HW_MAX_PERIOD];
  int half = p / 2;
  for (int i = 0; i < w; i++) {
    trend[i] = NAN;
    if (i - half < 0 || i + half >= w) continue;
    double s = 0;
    if (p % 2 == 0) {
      s = 0.5 * x[i - half] + 0.5 * x[i + half];
      for (int k = -half + 1; k <= half - 1; k++) s += x[i + k];
    } else {
      for (int k = -half; k <= half; k++) s += x[i + k];
    }
    trend[i] = s / p;
  }
  /* seasonal figure: mean detrended value per position, then centred */
  double fig[HW_MAX_PERIOD], mean = 0;
  for (int j = 0; j < p; j++) {
    double s = 0;
    int c = 0;
    for (int i = j; i < w; i += p)
      if (!isnan(trend[i])) s += method == HW_MULTIPLICATIVE ? x[i] / trend[i] : x[i] - trend[i], c++;
    fig[j] = c ? s / c : (method == HW_MULTIPLICATIVE ? 1 : 0);
    mean += fig[j];
  }
  mean /= p;
  for (int j = 0; j < p; j++) s0[j] = method == HW_MULTIPLICATIVE ? fig[j] / mean : fig[j] - mean;
  /* line through the defined trend values, at positions 1..m */
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int m = 0;
  for (int i = 0; i < w; i++)
    if (!isnan(trend[i])) {
      m++;
      sx += m, sy += trend[i], sxx += (double)m * m, sxy += m * trend[i];
    }
  double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  *b0 = slope;
  *l0 = (sy - slope * sx) / m;
}

double hw_filter(const double *x, size_t n, int method, int period, bool damped, double alpha, double beta,
                 double gamma, double phi, hw_fit *st, double *fitted) {
  double l, b, season[HW_MAX_PERIOD];
  size_t start;
  int p = method == HW_NONSEASONAL ? 0 : period;
  if (!damped) phi = 1;
  if (p) {
    start_values(x, p, method, &l, &b, season);
    start = (size_t)p;
  } else {
    l = x[1];
    b = x[1] - x[0];
    start = 2;
  }
  if (fitted)
    for (size_t i = 0; i < start && i < n; i++) fitted[i] = NAN;
  double sse = 0;
  int si = 0; /* season[si] is the factor for the period being filtered */
  for (size_t i = start; i < n; i++) {
    double s = p ? season[si] : (method == HW_MULTIPLICATIVE ? 1 : 0);
    double base = l + phi * b;
    double xhat = method == HW_MULTIPLICATIVE ? base * s : base + s;
    double e = x[i] - xhat;
    sse += e * e;
    if (fitted) fitted[i] = xhat;
    double ln = alpha * (method == HW_MULTIPLICATIVE ? x[i] / s : x[i] - s) + (1 - alpha) * base;
    b = beta * (ln - l) + (1 - beta) * phi * b;
    if (p) {
      season[si] = gamma * (method == HW_MULTIPLICATIVE ? x[i] / ln : x[i] - ln) + (1 - gamma) * s;
      si = (si + 1) % p;
    }
    l = ln;
  }
  if (st) {
    st->method = method;
    st->period = p;
    st->damped = damped;
    st->alpha = alpha, st->beta = beta, st->gamma = p ? gamma : 0, st->phi = phi;
    st->sse = sse;
    st->start = start;
    st->level = l, st->trend = b;
    for (int j = 0; j < p; j++) st->season[j] = season[(si + j) % p];
    size_t m = n > start ? n - start : 0;
    st->sigma2 = m > 1 ? sse / (double)(m - 1) : NAN;
  }
  return sse;
}

/* ---- Nelder-Mead on the box [lo, hi]^k: points are clamped before evaluation ---- */

typedef struct nm_problem {
  const double *x;
  size_t n;
  int method, period;
  bool damped;
  int k; /* alpha, beta, [gamma], [phi] */
  double lo[4], hi[4];
  int evals;
} nm_problem;

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static double objective(nm_problem *pr, const double *v) {
  double p[4];
  for (int i = 0; i < pr->k; i++) p[i] = clampd(v[i], pr->lo[i], pr->hi[i]);
  double dist = 0;
  for (int i = 0; i < pr->k; i++) dist += (v[i] - p[i]) * (v[i] - p[i]);
  bool seas = pr->method != HW_NONSEASONAL;
  double gamma = seas ? p[2] : 0, phi = pr->damped ? p[seas ? 3 : 2] : 1;
  pr->evals++;
  double sse = hw_filter(pr->x, pr->n, pr->method, pr->period, pr->damped, p[0], p[1], gamma, phi, NULL, NULL);
  if (!isfinite(sse)) return INFINITY;
  return sse * (1 + dist); /* outside the box: worse than its projection */
}

static double nelder_mead(nm_problem *pr, double *v, double step, int max_evals) {
  int k = pr->k;
  double s[5][4], f[5];
  for (int i = 0; i <= k; i++) {
    for (int j = 0; j < k; j++) s[i][j] = v[j];
    if (i) s[i][i - 1] += (v[i - 1] + step <= pr->hi[i - 1]) ? step : -step;
    f[i] = objective(pr, s[i]);
  }
  int start_evals = pr->evals;
  while (pr->evals - start_evals < max_evals) {
    /* order: best first */
    for (int i = 1; i <= k; i++)
      for (int j = i; j > 0 && f[j] < f[j - 1]; j--) {
        double t = f[j];
        f[j] = f[j - 1], f[j - 1] = t;
        for (int d = 0; d < k; d++) t = s[j][d], s[j][d] = s[j - 1][d], s[j - 1][d] = t;
      }
    double spread = 0;
    for (int i = 1; i <= k; i++)
      for (int d = 0; d < k; d++) spread = fmax(spread, fabs(s[i][d] - s[0][d]));
    if (fabs(f[k] - f[0]) <= 1e-13 * fabs(f[0]) + 1e-300 && spread < 1e-9) break;
    double c[4] = {0}, r[4], e[4], ct[4];
    for (int i = 0; i < k; i++)
      for (int d = 0; d < k; d++) c[d] += s[i][d] / k;
    for (int d = 0; d < k; d++) r[d] = c[d] + (c[d] - s[k][d]);
    double fr = objective(pr, r);
    if (fr < f[0]) {
      for (int d = 0; d < k; d++) e[d] = c[d] + 2 * (c[d] - s[k][d]);
      double fe = objective(pr, e);
      if (fe < fr) memcpy(s[k], e, sizeof e), f[k] = fe;
      else memcpy(s[k], r, sizeof r), f[k] = fr;
    } else if (fr < f[k - 1]) {
      memcpy(s[k], r, sizeof r), f[k] = fr;
    } else {
      bool outside = fr < f[k];
      for (int d = 0; d < k; d++) ct[d] = outside ? c[d] + 0.5 * (r[d] - c[d]) : c[d] + 0.5 * (s[k][d] - c[d]);
      double fc = objective(pr, ct);
      if (fc < (outside ? fr : f[k])) {
        memcpy(s[k], ct, sizeof ct), f[k] = fc;
      } else { /* shrink towards the best */
        for (int i = 1; i <= k; i++) {
          for (int d = 0; d < k; d++) s[i][d] = s[0][d] + 0.5 * (s[i][d] - s[0][d]);
          f[i] = objective(pr, s[i]);
        }
      }
    }
  }
  int best = 0;
  for (int i = 1; i <= k; i++)
    if (f[i] < f[best]) best = i;
  for (int d = 0; d < k; d++) v[d] = clampd(s[best][d], pr->lo[d], pr->hi[d]);
  return f[best];
}

bool hw_fit_series(const double *x, size_t n, int method, int period, bool damped, hw_fit *out, double *fitted) {
  memset(out, 0, sizeof *out);
  bool seas = method != HW_NONSEASONAL;
  if (seas && (period < 2 || period > HW_MAX_PERIOD || n < 2 * (size_t)period + 1)) return false;
  if (!seas && n < 3) return false;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]) || (method == HW_MULTIPLICATIVE && !(x[i] > 0))) return false;
  nm_problem pr = {x, n, method, seas ? period : 0, damped, 2, {0, 0, 0, 0}, {1, 1, 1, 1}, 0};
  double v[4] = {0.3, 0.1, 0.1, 0.98}; /* R's optim.start; phi from the top of its range */
  if (seas) pr.k++;
  if (damped) {
    pr.lo[pr.k] = 0.8, pr.hi[pr.k] = 0.98;
    v[pr.k] = 0.98;
    pr.k++;
  }
  if (!seas && damped) v[2] = 0.98;
  double best = nelder_mead(&pr, v, 0.1, 2000);
  for (int restart = 0; restart < 8; restart++) { /* restart from the best until no gain */
    double f = nelder_mead(&pr, v, 0.05, 2000);
    bool gain = f < best * (1 - 1e-12);
    best = fmin(best, f);
    if (!gain) break;
  }
  double gamma = seas ? v[2] : 0, phi = damped ? v[seas ? 3 : 2] : 1;
  hw_filter(x, n, method, period, damped, v[0], v[1], gamma, phi, out, fitted);
  out->evals = pr.evals;
  return true;
}

void hw_forecast(const hw_fit *f, int h, double *mean, double *lo, double *hi) {
  double phisum = 0, phik = 1, var = 0;
  for (int k = 1; k <= h; k++) {
    phik *= f->phi;
    phisum += phik;
    double base = f->level + phisum * f->trend;
    double s = f->period ? f->season[(k - 1) % f->period] : (f->method == HW_MULTIPLICATIVE ? 1 : 0);
    mean[k - 1] = f->method == HW_MULTIPLICATIVE ? base * s : base + s;
    /* additive-error variance: sigma2 (1 + sum_{j<k} psi_j^2), psi_j = alpha (1 + beta sum_{i<=j} phi^i)
     * + gamma (1 - alpha) [j mod period = 0]; for multiplicative models, on the seasonal scale */
    if (k > 1) {
      int j = k - 1;
      double pj = 0, pp = 1;
      for (int i = 1; i <= j; i++) pp *= f->phi, pj += pp;
      double psi = f->alpha * (1 + f->beta * pj) + (f->period && j % f->period == 0 ? f->gamma * (1 - f->alpha) : 0);
      var += psi * psi;
    }
    double sd = sqrt(f->sigma2 * (1 + var));
    if (f->method == HW_MULTIPLICATIVE && f->period) sd *= s;
    if (lo) lo[k - 1] = mean[k - 1] - 1.959963984540054 * sd;
    if (hi) hi[k - 1] = mean[k - 1] + 1.959963984540054 * sd;
  }
}

int hw_detect_period(const double *x, size_t n, int max_lag) {
  if (n < 8) return 0;
  size_t m = n - 1;
  double mean = 0, var = 0;
  for (size_t i = 0; i < m; i++) mean += x[i + 1] - x[i];
  mean /= (double)m;
  for (size_t i = 0; i < m; i++) var += (x[i + 1] - x[i] - mean) * (x[i + 1] - x[i] - mean);
  if (!(var > 0)) return 0;
  if (max_lag > (int)(n / 2)) max_lag = (int)(n / 2);
  if (max_lag > HW_MAX_PERIOD) max_lag = HW_MAX_PERIOD;
  double acf[HW_MAX_PERIOD + 2];
  for (int L = 1; L <= max_lag + 1 && (size_t)L < m; L++) {
    double s = 0;
    for (size_t i = 0; i + (size_t)L < m; i++) s += (x[i + 1] - x[i] - mean) * (x[i + 1 + L] - x[i + L] - mean);
    acf[L] = s / var;
  }
  /* local peaks above max(0.1, 2.5 / sqrt(n)); of those, the shortest lag at least half the highest
   * (multiples of the true period peak too, and noise can lift one of them above it) */
  double thr = fmax(0.1, 2.5 / sqrt((double)m)), top = 0;
  int best = 0;
  for (int L = 2; L <= max_lag && (size_t)(L + 1) < m; L++)
    if (acf[L] > acf[L - 1] && acf[L] >= acf[L + 1] && acf[L] > thr && acf[L] > top) top = acf[L];
  for (int L = 2; L <= max_lag && (size_t)(L + 1) < m && !best; L++)
    if (acf[L] > acf[L - 1] && acf[L] >= acf[L + 1] && acf[L] > thr && acf[L] >= 0.5 * top) best = L;
  return best;
}
