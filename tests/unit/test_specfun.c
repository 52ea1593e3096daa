/*
 * test_specfun.c — digamma, trigamma, log-beta and 2F1 against scipy.
 *
 * Expected values computed with Debian's scipy (python3-scipy 1.10) by
 *   /usr/bin/python3 -c 'from scipy import special as S; print(S.digamma(x))'
 * and likewise S.polygamma(1, x), S.betaln(a, b), S.hyp2f1(a, b, c, z); the scaled
 * (1-z)^a 2F1(a, b; c; z) as exp(a*log1p(-z)) * S.hyp2f1(a, b, c, z), or for
 * a = 1000.24 as S.hyp2f1(a, c-b, c, z/(z-1)) (Pfaff). The exact script is
 * kept in the comment at the end of this file.
 */
#include <math.h>

#include "unit.h"

#include "predict/specfun.h"

static void near(double got, double want, double rel) {
  double tol = rel * fmax(1.0, fabs(want));
  if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}

static void test_specfun__digamma_trigamma(void **state) {
  (void)state;
  static const double dg[][2] = {
      {0.001, -1000.5755719318103}, {0.2426, -4.358361853222514}, {0.5, -1.9635100260214235},
      {1, -0.5772156649015329},     {2.5, 0.7031566406452432},    {5.999, 1.7059363290792255},
      {6, 1.7061176684318005},      {7.3, 1.917820335637986},     {100, 4.600161852738088},
      {100000.0, 11.512920464961896}};
  for (size_t i = 0; i < sizeof dg / sizeof dg[0]; i++) near(tm_digamma(dg[i][0]), dg[i][1], 1e-13);
  static const double tg[][2] = {{0.001, 1000001.6425331959}, {0.2426, 18.19821032424031},
                                 {1, 1.6449340668482266},     {3.5, 0.3303577561002349},
                                 {6, 0.18132295573711532},    {40, 0.025315103841291032},
                                 {10000.0, 0.00010000500016666666}};
  for (size_t i = 0; i < sizeof tg / sizeof tg[0]; i++) near(tm_trigamma(tg[i][0]), tg[i][1], 1e-13);
  assert_true(isnan(tm_digamma(0)));
  assert_true(isnan(tm_digamma(-1.5)));
}

static void test_specfun__lbeta_logaddexp(void **state) {
  (void)state;
  static const double lb[][3] = {{0.7929, 2.4258, -0.5113026707535429}, {0.5, 0.5, 1.1447298858494},
                                 {0.001, 50, 6.903276885609836},        {200, 300, -337.9801130654646},
                                 {3, 1000000.0, -40.75338749401271}};
  for (size_t i = 0; i < sizeof lb / sizeof lb[0]; i++) near(tm_lbeta(lb[i][0], lb[i][1]), lb[i][2], 1e-12);
  near(tm_logaddexp(log(2), log(3)), log(5), 1e-15);
  near(tm_logaddexp(-1000, -1001), -1000 + log1p(exp(-1)), 1e-15);
  near(tm_logaddexp(-INFINITY, 4), 4, 0);
}

static void test_specfun__hyp2f1(void **state) {
  (void)state;
  static const double h[][5] = {{2.2426, 4.4258, 4.2187, 0.5, 5.160438863784007},
                                {0.5, 1.5, 2.5, 0.9, 1.6673034691845778},
                                {1.0, 1.0, 2.0, -0.5, 0.8109302162163285},
                                {1.3, -0.2, 3.1, -3.0, 1.1666343904465257},
                                {2.5, 0.3, 1.7, 0.99, 36.57950034409254},
                                {10.0, 3.0, 12.0, 0.3, 2.3934860824798907},
                                {0.2, 0.7, 1.5, -20.0, 0.6731483063367875}};
  for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) near(tm_hyp2f1(h[i][0], h[i][1], h[i][2], h[i][3]), h[i][4], 1e-12);
  static const double s[][5] = {{2.2426, 4.4258, 4.2187, 0.5, 1.0904274331449644},
                                {100.24, 102.4, 101.2, 0.6, 2.982325475750877},
                                {1000.24, 1002.4, 1001.2, 0.3, 1.5336717662977661},
                                {0.24, 2.4, 2.2, 0.999, 2.0090593717974237}};
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
    near(tm_hyp2f1_scaled(s[i][0], s[i][1], s[i][2], s[i][3]), s[i][4], 1e-11);
  assert_true(isnan(tm_hyp2f1(1, 1, 2, 1.0)));
  near(tm_hyp2f1(1, 1, 2, 0), 1, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_specfun__digamma_trigamma),
      cmocka_unit_test(test_specfun__lbeta_logaddexp),
      cmocka_unit_test(test_specfun__hyp2f1),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The script that produced the figures (/usr/bin/python3):
from scipy import special as S
import numpy as np
for x in [1e-3,0.2426,0.5,1,2.5,5.999,6,7.3,100,1e5]: print(x, S.digamma(x))
for x in [1e-3,0.2426,1,3.5,6,40,1e4]: print(x, S.polygamma(1,x))
for a,b in [(0.7929,2.4258),(0.5,0.5),(1e-3,50),(200,300),(3,1e6)]: print(a, b, S.betaln(a,b))
for a,b,c,z in [(2.2426,4.4258,4.2187,0.5),(0.5,1.5,2.5,0.9),(1.0,1.0,2.0,-0.5),(1.3,-0.2,3.1,-3.0),
                (2.5,0.3,1.7,0.99),(10.0,3.0,12.0,0.3),(0.2,0.7,1.5,-20.0)]: print(S.hyp2f1(a,b,c,z))
for a,b,c,z in [(2.2426,4.4258,4.2187,0.5),(100.24,102.4,101.2,0.6),(1000.24,1002.4,1001.2,0.3),(0.24,2.4,2.2,0.999)]:
    print(np.exp(a*np.log1p(-z)) * S.hyp2f1(a,b,c,z) if a < 500 else S.hyp2f1(a, c-b, c, z/(z-1)))
*/
