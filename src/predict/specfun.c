/*
 * specfun.c — digamma, trigamma, log-beta, log-add-exp and the Gauss
 * hypergeometric function (see specfun.h).
 */
#include <math.h>

#include "predict/specfun.h"

/* Recurrence up to x >= 10, then the asymptotic series (error < 1e-15). */
double tm_digamma(double x) {
  if (!(x > 0)) return NAN;
  double acc = 0;
  while (x < 10) acc -= 1 / x, x += 1;
  double f = 1 / (x * x);
  double t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760 + f * (-1.0 / 12)))))));
  return acc + log(x) - 0.5 / x + t;
}

double tm_trigamma(double x) {
  if (!(x > 0)) return NAN;
  double acc = 0;
  while (x < 10) acc += 1 / (x * x), x += 1;
  double f = 1 / (x * x);
  /* 1/x + 1/(2x^2) + sum B_2k / x^(2k+1) */
  double t = 1 / x + f / 2 +
             f / x * (1.0 / 6 + f * (-1.0 / 30 + f * (1.0 / 42 + f * (-1.0 / 30 + f * (5.0 / 66 + f * (-691.0 / 2730 + f * 7.0 / 6))))));
  return acc + t;
}

double tm_lbeta(double a, double b) {
  if (!(a > 0) || !(b > 0)) return NAN;
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

double tm_logaddexp(double x, double y) {
  if (x == -INFINITY) return y;
  if (y == -INFINITY) return x;
  return x > y ? x + log1p(exp(y - x)) : y + log1p(exp(x - y));
}

#define MAX_TERMS 2000000

/* The series sum_n (a)_n (b)_n / ((c)_n n!) z^n for |z| < 1: stops when a term
 * no longer changes the sum (after the terms have started to shrink). */
static double series(double a, double b, double c, double z) {
  double term = 1, sum = 1;
  for (long n = 0; n < MAX_TERMS; n++) {
    double ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
    term *= ratio;
    sum += term;
    if (term == 0 || (fabs(term) <= 1e-17 * fabs(sum) && fabs(ratio) < 1)) return sum;
  }
  return NAN;
}

double tm_hyp2f1(double a, double b, double c, double z) {
  if (!(z < 1) || !(c > 0 || c != floor(c))) return NAN;
  if (z == 0) return 1;
  if (z < 0) /* Pfaff: 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)), z/(z-1) in (0, 1) */
    return pow(1 - z, -a) * series(a, c - b, c, z / (z - 1));
  return series(a, b, c, z);
}

double tm_hyp2f1_scaled(double a, double b, double c, double z) {
  if (!(z >= 0 && z < 1) || !(a > 0 && b > 0 && c > 0)) return NAN;
  double lz = log(z), lt = a * log1p(-z), sum = exp(lt), peak = lt;
  if (z == 0) return 1;
  for (long n = 0; n < MAX_TERMS; n++) {
    lt += log((a + n) * (b + n) / ((c + n) * (n + 1))) + lz;
    double term = exp(lt);
    sum += term;
    if (lt > peak) peak = lt;
    /* terms shrink geometrically (ratio -> z) once past the peak */
    if (lt < peak && (term <= 1e-17 * sum || lt < -745)) return sum;
  }
  return NAN;
}
