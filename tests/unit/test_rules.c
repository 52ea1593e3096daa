/*
 * test_rules.c — the association-rule miner (src/mine: transactions.c,
 * fpgrowth.c, itemsets.c, assoc_rules.c, rules.c). Expected figures:
 *  - Fisher p-values: scipy.stats.fisher_exact([[a, b], [c, d]],
 *    alternative='greater') (scipy 1.x, Debian), recorded below;
 *  - BH q-values: statsmodels multipletests(p, method='fdr_bh');
 *  - the tiny basket file: supports, closed / maximal sets and rule metrics
 *    worked out by hand in the comments.
 * Hostile FIMI input must give TM_EFORMAT naming FILE:LINE, never a crash.
 */
#include "unit.h"

#include <math.h>
#include <unistd.h>

#include "mine/rules_int.h"

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_rules__fisher_matches_scipy(void **state) {
  (void)state;
  /* n, nx, ny, nxy, scipy p (alternative='greater') */
  static const struct { uint64_t n, nx, ny, nxy; double p; } c[] = {
      {16070, 182, 534, 86, 1.1754463400402502e-78},
      {16070, 476, 1194, 294, 3.4782745652777628e-217},
      {100, 10, 10, 1, 0.66952378891327491},
      {100, 10, 10, 5, 0.00067162774826505013},
      {1000, 100, 200, 25, 0.11921634335322583},
      {1000, 100, 200, 15, 0.93020110898474206},
      {50, 25, 25, 25, 7.9107286024486173e-15},
      {88162, 5000, 3000, 400, 1.4110563435948749e-57},
      {20, 5, 8, 0, 1},
      {10, 10, 10, 10, 1},
      {1000000, 300, 400, 7, 5.6828195096592514e-11},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    double p = rl_fisher_greater(c[i].n, c[i].nx, c[i].ny, c[i].nxy);
    if (fabs(p - c[i].p) > 1e-9 * c[i].p + 1e-15) {
      fprintf(stderr, "# case %zu: got %.17g want %.17g\n", i, p, c[i].p);
      fail();
    }
  }
}

static void test_rules__bh_matches_statsmodels(void **state) {
  (void)state;
  const double p[] = {0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.04};
  const double want[] = {0.035, 0.056, 0.056, 0.035, 0.5, 0.23333333333333336, 0.056};
  double q[7];
  assert_int_equal(rl_bh_qvalues(p, q, 7), 0);
  for (int i = 0; i < 7; i++) assert_true(fabs(q[i] - want[i]) < 1e-12);
}

static void test_rules__support_parses_fraction_percent_count(void **state) {
  (void)state;
  tm_rules_options o = TM_RULES_OPTIONS_INIT;
  assert_int_equal(tm_rules_parse_support(&o, "0.001"), 0);
  assert_true(o.min_support == 0.001 && o.min_count == 0);
  assert_int_equal(tm_rules_parse_support(&o, "0.1%"), 0);
  assert_true(fabs(o.min_support - 0.001) < 1e-15 && o.min_count == 0);
  assert_int_equal(tm_rules_parse_support(&o, "100"), 0);
  assert_true(o.min_count == 100);
  assert_int_equal(tm_rules_parse_support(&o, "1.5"), TM_EINVAL);
  assert_int_equal(tm_rules_parse_support(&o, "abc"), TM_EINVAL);
  assert_int_equal(tm_rules_parse_support(&o, "-1"), TM_EINVAL);
  assert_int_equal(tm_rules_parse_support(&o, "150%"), TM_EINVAL);
  assert_null(tm_rules_check(&o));
  o.min_confidence = 2;
  assert_non_null(tm_rules_check(&o));
}

/* Seven baskets: {1,2,3} x2, {1,2}, {1,3}, {2,3}, {4,5} x2. Supports: 1, 2, 3:
 * 4 each; pairs of 1-3: 3 each; {1,2,3}: 2; 4, 5, {4,5}: 2. At min count 2:
 * 10 frequent sets; closed: all but {4} and {5} (8); maximal: {1,2,3}, {4,5}. */
static const char *const tiny = "1 2 3\n1 2\n1 3\n2 3\n1 2 3\n4 5\n5 4\n";

static tm_doc *mine_tiny(const char *path, tm_rules_target target) {
  tm_rules_options o = TM_RULES_OPTIONS_INIT;
  o.min_count = 2;
  o.min_confidence = 0;
  o.target = target;
  tm_doc *doc = NULL;
  tm_error err = {0};
  assert_int_equal(tm_rules_fimi(&doc, path, &o, &err), 0);
  return doc;
}

static int64_t results(const tm_doc *d) {
  int64_t n = -1;
  assert_int_equal(tm_doc_get_int(d, "results", &n), 0);
  return n;
}

static void test_rules__tiny_itemsets_and_rules_by_hand(void **state) {
  (void)state;
  char path[] = "/tmp/tm_rules_tinyXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_file(path, tiny);
  tm_doc *d = mine_tiny(path, TM_RULES_FREQUENT);
  assert_int_equal(results(d), 10);
  const tm_table *t = tm_doc_table(d, "itemsets");
  assert_non_null(t);
  /* first by support: the three singles of support 4 */
  assert_int_equal(tm_table_get_int(t, 0, 1), 4);
  tm_doc_free(d);
  d = mine_tiny(path, TM_RULES_CLOSED);
  assert_int_equal(results(d), 8);
  tm_doc_free(d);
  d = mine_tiny(path, TM_RULES_MAXIMAL);
  assert_int_equal(results(d), 2);
  tm_doc_free(d);
  d = mine_tiny(path, TM_RULES_RULES);
  t = tm_doc_table(d, "rules");
  assert_non_null(t);
  /* 4 -> 5: conf 1, lift 1 / (2/7) = 3.5, leverage 2/7 - 4/49, conviction
   * infinite (empty), Fisher p = C(2,2) C(5,0) / C(7,2) = 1/21. Ties on lift
   * are broken by the itemset order, so 4 -> 5 and 5 -> 4 come first. */
  bool seen45 = false, seen12 = false;
  for (size_t r = 0; r < tm_table_rows(t); r++) {
    const char *a = tm_table_get_str(t, r, 0), *c = tm_table_get_str(t, r, 1);
    if (!strcmp(a, "4") && !strcmp(c, "5")) {
      seen45 = true;
      assert_true(r < 2);
      assert_true(fabs(tm_table_get_real(t, r, 2) - 2.0 / 7) < 1e-12);
      assert_int_equal(tm_table_get_int(t, r, 3), 2);
      assert_true(fabs(tm_table_get_real(t, r, 4) - 1.0) < 1e-12);
      assert_true(fabs(tm_table_get_real(t, r, 5) - 3.5) < 1e-12);
      assert_true(fabs(tm_table_get_real(t, r, 6) - (2.0 / 7 - 4.0 / 49)) < 1e-12);
      assert_true(isnan(tm_table_get_real(t, r, 7))); /* infinite conviction is left empty */
      assert_true(fabs(tm_table_get_real(t, r, 8) - 1.0 / 21) < 1e-12);
    }
    if (!strcmp(a, "1") && !strcmp(c, "2")) {
      /* 1 -> 2: conf 3/4, lift 0.75 / (4/7) = 1.3125, leverage 3/7 - 16/49,
       * conviction (1 - 4/7) / (1 - 3/4) = 12/7 */
      seen12 = true;
      assert_true(fabs(tm_table_get_real(t, r, 4) - 0.75) < 1e-12);
      assert_true(fabs(tm_table_get_real(t, r, 5) - 1.3125) < 1e-12);
      assert_true(fabs(tm_table_get_real(t, r, 6) - (3.0 / 7 - 16.0 / 49)) < 1e-12);
      assert_true(fabs(tm_table_get_real(t, r, 7) - 12.0 / 7) < 1e-12);
    }
  }
  assert_true(seen45 && seen12);
  /* every split of every set of 2+ items: 3 pairs x 2 + {1,2,3} x 6 + {4,5} x 2 */
  assert_int_equal(tm_table_rows(t), 14);
  tm_doc_free(d);
  unlink(path);
}

static void expect_format_error(const char *text, const char *where) {
  char path[] = "/tmp/tm_rules_badXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_file(path, text);
  tm_rules_options o = TM_RULES_OPTIONS_INIT;
  tm_doc *doc = NULL;
  tm_error err = {0};
  assert_int_equal(tm_rules_fimi(&doc, path, &o, &err), TM_EFORMAT);
  assert_null(doc);
  char want[256];
  snprintf(want, sizeof want, "%s:%s", path, where);
  if (!strstr(err.message, want)) {
    fprintf(stderr, "# message '%s' lacks '%s'\n", err.message, want);
    fail();
  }
  unlink(path);
}

static void test_rules__hostile_fimi_names_file_and_line(void **state) {
  (void)state;
  expect_format_error("1 2\n3 4\n5 x7 6\n", "3: item 'x7' is not a whole number");
  expect_format_error("1 2\n-3\n", "2: item '-3'");
  expect_format_error("1\n\n2 99999999999\n", "3: item 9999999999");
  expect_format_error("1,2,3\n", "1: item ',2,3'");
  expect_format_error("1 2\n\xff\xfe\n", "2: item '?" "?'");
  /* a line of more items than a basket may hold */
  size_t n = RL_MAX_BASKET_ITEMS + 2;
  char *big = malloc(2 * n + 8);
  assert_non_null(big);
  strcpy(big, "7\n");
  for (size_t i = 0; i < n; i++) memcpy(big + 2 + 2 * i, "1 ", 2);
  strcpy(big + 2 + 2 * n, "\n");
  expect_format_error(big, "2: more than");
  free(big);
  /* the file that is not there */
  tm_rules_options o = TM_RULES_OPTIONS_INIT;
  tm_doc *doc = NULL;
  tm_error err = {0};
  assert_int_equal(tm_rules_fimi(&doc, "/nonexistent/x.dat", &o, &err), TM_EIO);
}

static void test_rules__empty_lines_are_empty_baskets(void **state) {
  (void)state;
  char path[] = "/tmp/tm_rules_emptyXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_file(path, "1 2\n\n1 2\r\n  \n1"); /* blank, CRLF, spaces only, no final newline */
  tm_rules_options o = TM_RULES_OPTIONS_INIT;
  o.min_count = 2;
  o.target = TM_RULES_FREQUENT;
  tm_doc *doc = NULL;
  tm_error err = {0};
  assert_int_equal(tm_rules_fimi(&doc, path, &o, &err), 0);
  int64_t v;
  assert_int_equal(tm_doc_get_int(doc, "baskets", &v), 0);
  assert_int_equal(v, 5);
  assert_int_equal(tm_doc_get_int(doc, "empty_baskets", &v), 0);
  assert_int_equal(v, 2);
  assert_int_equal(tm_doc_get_int(doc, "first_empty_line", &v), 0);
  assert_int_equal(v, 2);
  assert_int_equal(results(doc), 3); /* {1}: 3, {2}: 2, {1,2}: 2 */
  tm_doc_free(doc);
  unlink(path);
}

static void test_rules__allocation_failures_never_leak(void **state) {
  (void)state;
  char path[] = "/tmp/tm_rules_oomXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_file(path, tiny);
  tm_rules_options o = TM_RULES_OPTIONS_INIT;
  o.min_count = 2;
  o.min_confidence = 0;
  for (long n = 0; n < 400; n++) {
    tm_doc *doc = NULL;
    tm_error err = {0};
    tm_debug_fail_alloc_after(n);
    int rc = tm_rules_fimi(&doc, path, &o, &err);
    tm_debug_fail_alloc_after(-1);
    if (rc == 0) {
      tm_doc_free(doc);
      break;
    }
    assert_int_equal(rc, TM_ENOMEM);
    assert_null(doc);
  }
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules__fisher_matches_scipy),
      cmocka_unit_test(test_rules__bh_matches_statsmodels),
      cmocka_unit_test(test_rules__support_parses_fraction_percent_count),
      cmocka_unit_test(test_rules__tiny_itemsets_and_rules_by_hand),
      cmocka_unit_test(test_rules__hostile_fimi_names_file_and_line),
      cmocka_unit_test(test_rules__empty_lines_are_empty_baskets),
      cmocka_unit_test(test_rules__allocation_failures_never_leak),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
