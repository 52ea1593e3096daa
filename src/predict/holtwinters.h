/*
 * holtwinters.h — Holt-Winters exponential smoothing (additive or
 * multiplicative seasonality, optional damped trend) as R's stats::HoltWinters
 * computes it: the same start values (decompose() of the first two seasons,
 * a line through its trend), the same recursions and one-step SSE, smoothing
 * parameters chosen by minimising the SSE in [0, 1] (Nelder-Mead on the box,
 * restarted until it stops improving).
 */
#ifndef TM_PREDICT_HOLTWINTERS_H
#define TM_PREDICT_HOLTWINTERS_H
#include <stdbool.h>
#include <stddef.h>

enum { HW_ADDITIVE = 0, HW_MULTIPLICATIVE = 1, HW_NONSEASONAL = 2 };

typedef struct hw_fit {
  int method, period;      /* period 0 when non-seasonal */
  bool damped;
  double alpha, beta, gamma, phi; /* phi = 1 without damping */
  double sse, sigma2;      /* sigma2: variance of the one-step errors */
  size_t start;            /* first fitted index (errors from here) */
  double level, trend, season[366]; /* final state; season[0] is for the next period */
  int evals;
} hw_fit;

/* Largest supported period. */
#define HW_MAX_PERIOD 366

/* Fits x[0..n). method HW_ADDITIVE/HW_MULTIPLICATIVE need period >= 2 and
 * n >= 2 * period + 1; HW_NONSEASONAL n >= 3. Multiplicative needs x > 0.
 * fitted (n values, NaN before start) may be NULL. Returns false when the
 * series is too short or the method does not apply. */
bool hw_fit_series(const double *x, size_t n, int method, int period, bool damped, hw_fit *out, double *fitted);
/* The SSE and fitted values at given parameters (no search): for checks. */
double hw_filter(const double *x, size_t n, int method, int period, bool damped, double alpha, double beta,
                 double gamma, double phi, hw_fit *state, double *fitted);
/* h-step forecasts with 95% intervals (lo, hi may be NULL). */
void hw_forecast(const hw_fit *f, int h, double *mean, double *lo, double *hi);
/* The seasonal period by the autocorrelation of the differenced series: of
 * the local peaks in [2, max_lag] above max(0.1, 2.5 / sqrt(n)), the shortest
 * lag with at least half the highest autocorrelation; 0 when there is none. */
int hw_detect_period(const double *x, size_t n, int max_lag);

#endif
