/*
 * test_models.c — the pieces of churn scoring: metrics against scikit-learn
 * (values computed with /usr/bin/python3 sklearn 1.2, recorded here),
 * liblinear's coefficients against sklearn's LogisticRegression(solver=
 * 'liblinear') on the same standardised data, stratified folds, deciles,
 * the CSV frame's typing, reasons, and allocation failures.
 */
#include <math.h>

#include "unit.h"
#include "predict/predict.h"

/* sklearn: roc_auc_score = 0.888888888888889, average_precision_score = 0.8333333333333333 */
static void test_models__auc_and_ap_match_sklearn_with_ties(void **state) {
  (void)state;
  double s[] = {0.9, 0.8, 0.8, 0.3, 0.2, 0.8};
  uint8_t y[] = {1, 0, 1, 0, 0, 1};
  assert_true(fabs(pr_auc(s, y, 6) - 0.888888888888889) < 1e-12);
  assert_true(fabs(pr_average_precision(s, y, 6) - 0.8333333333333333) < 1e-12);
  assert_true(fabs(pr_brier(s, y, 6) - (0.01 + 0.64 + 0.04 + 0.09 + 0.04 + 0.04) / 6) < 1e-12);
}

static void test_models__deciles_and_folds(void **state) {
  (void)state;
  enum { N = 1000 };
  double s[N];
  uint8_t y[N];
  int dec[N], fold[N];
  for (int i = 0; i < N; i++) s[i] = (double)i / N, y[i] = i % 4 == 0 || i >= 900;
  pr_decile d[10];
  assert_int_equal(pr_deciles(d, dec, s, y, N), 0);
  assert_int_equal(d[0].customers, 100);
  assert_int_equal(d[0].positives, 100); /* the top 100 scores are all positive */
  assert_int_equal(dec[999], 1);
  assert_int_equal(dec[0], 10);
  assert_true(fabs(d[9].capture - 1.0) < 1e-12);
  int pos = 0;
  for (int i = 0; i < N; i++) pos += y[i];
  assert_true(fabs(d[0].lift - 1.0 / ((double)pos / N)) < 1e-9);
  /* stratified: every fold gets the same share of positives (within one) */
  assert_int_equal(pr_folds(fold, y, N, 5, 7), 0);
  int fp[5] = {0}, fn[5] = {0};
  for (int i = 0; i < N; i++) (y[i] ? fp : fn)[fold[i]]++;
  for (int k = 0; k < 5; k++) {
    assert_true(abs(fp[k] - pos / 5) <= 1);
    assert_true(abs(fn[k] - (N - pos) / 5) <= 1);
  }
  int again[N];
  assert_int_equal(pr_folds(again, y, N, 5, 7), 0);
  assert_memory_equal(fold, again, sizeof fold);
}

/* sklearn LogisticRegression(C=1, solver='liblinear', tol=1e-8) on the same
 * standardised (ddof=1) data: coef [1.55441046, -0.16390961], intercept
 * -0.00072258. Ours stops at liblinear's default eps = 0.01. */
static void test_models__logreg_matches_sklearn_liblinear(void **state) {
  (void)state;
  double X[10][2] = {{1, 5}, {2, 3}, {3, 4}, {4, 1}, {5, 2}, {6, 0}, {2, 2}, {5, 5}, {1, 1}, {6, 6}};
  uint8_t y[10] = {0, 0, 0, 1, 1, 1, 0, 1, 0, 1};
  pr_frame f;
  assert_int_equal(pr_frame_alloc(&f, 10, 2, true, NULL), 0);
  memcpy(f.x, X, sizeof X);
  memcpy(f.y, y, sizeof y);
  pr_fit_opts o = {.kind = PR_LOGREG, .C = 1.0};
  pr_model m;
  assert_int_equal(pr_model_fit(&m, &f, NULL, 10, &o, NULL), 0);
  assert_true(fabs(m.w[0] - 1.55441046) < 0.02);
  assert_true(fabs(m.w[1] + 0.16390961) < 0.02);
  assert_true(fabs(m.b + 0.00072258) < 0.02);
  double p[10];
  assert_int_equal(pr_model_predict(&m, &f, NULL, 10, p, NULL), 0);
  assert_true(p[5] > 0.5 && p[0] < 0.5);
  /* contributions are coefficient x standardised value, and reasons name the top one */
  double c[20], mean[2] = {3.5, 2.9};
  assert_int_equal(pr_model_contrib(&m, &f, c, NULL), 0);
  assert_true(fabs(c[5 * 2] - m.w[0] * (6 - m.mean[0]) / m.sd[0]) < 1e-12);
  snprintf(f.name[0], PR_NAME_MAX, "x0");
  snprintf(f.words[0], PR_WORDS_MAX, "the first thing");
  snprintf(f.name[1], PR_NAME_MAX, "x1");
  snprintf(f.words[1], PR_WORDS_MAX, "the second thing");
  char why[256];
  pr_reasons(why, sizeof why, &f, 5, c, mean);
  assert_string_equal(why, "the first thing 6 (average 3.50); the second thing 0 (average 2.90)");
  pr_model_free(&m);
  pr_frame_free(&f);
}

static const char *write_csv(void) {
  static char path[] = "/tmp/tm_test_models_XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  fputs("CustID,plan,spend,flag,Churned\n", f);
  for (int i = 0; i < 40; i++)
    fprintf(f, "c%02d,%s,%s,%d,%s\n", i, i % 3 ? "basic" : "pro", i == 7 ? " " : (i % 5 ? "12.5" : "30"), i % 2,
            i % 3 ? "Yes" : "no");
  fclose(f);
  return path;
}

static void test_models__csv_frame_types_columns(void **state) {
  (void)state;
  const char *path = write_csv();
  pr_frame f;
  tm_error err = {0};
  assert_int_equal(pr_frame_from_csv(&f, path, "churned", &err), 0);
  assert_int_equal(f.n, 40);
  /* plan one-hot (2), spend + spend_missing, flag as a 2-level one-hot (2); CustID is the id */
  assert_int_equal(f.d, 6);
  assert_string_equal(pr_frame_id(&f, 3), "c03");
  assert_string_equal(f.name[0], "plan=pro");
  assert_string_equal(f.name[3], "spend_missing");
  assert_true(f.x[7 * 6 + 3] == 1.0);
  assert_true(f.y[1] == 1 && f.y[0] == 0);
  pr_frame_free(&f);
  for (long k = 0; k < 400; k++) { /* every allocation failure is TM_ENOMEM, nothing leaks */
    tm_debug_fail_alloc_after(k);
    int rc = pr_frame_from_csv(&f, path, "Churned", NULL);
    tm_debug_fail_alloc_after(-1);
    if (!rc) {
      pr_frame_free(&f);
      break;
    }
    assert_int_equal(rc, TM_ENOMEM);
  }
  remove(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_models__auc_and_ap_match_sklearn_with_ties),
      cmocka_unit_test(test_models__deciles_and_folds),
      cmocka_unit_test(test_models__logreg_matches_sklearn_liblinear),
      cmocka_unit_test(test_models__csv_frame_types_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
