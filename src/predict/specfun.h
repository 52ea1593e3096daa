/*
 * specfun.h — special functions libm lacks, for the likelihoods of the
 * predictive models (BG/NBD, Gamma-Gamma). Checked against scipy in
 * tests/unit/test_specfun.c.
 */
#ifndef TM_PREDICT_SPECFUN_H
#define TM_PREDICT_SPECFUN_H

/* digamma psi(x) = d/dx ln Gamma(x), x > 0 (NaN otherwise). */
double tm_digamma(double x);
/* trigamma psi'(x), x > 0. */
double tm_trigamma(double x);
/* ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b), a, b > 0. */
double tm_lbeta(double a, double b);
/* ln(exp(x) + exp(y)) without overflow; either may be -inf. */
double tm_logaddexp(double x, double y);
/* Gauss hypergeometric 2F1(a, b; c; z) for z < 1 and c > 0 (c not a
 * non-positive integer): the power series on [0, 1), Pfaff's transformation
 * z -> z / (z - 1) for z < 0. NaN outside that domain or without convergence. */
double tm_hyp2f1(double a, double b, double c, double z);
/* (1 - z)^a 2F1(a, b; c; z) for 0 <= z < 1 and a, b, c > 0: the series summed
 * with the prefactor folded into each term in log space, so large a (many
 * purchases) neither overflows the series nor underflows the prefactor. */
double tm_hyp2f1_scaled(double a, double b, double c, double z);

#endif
