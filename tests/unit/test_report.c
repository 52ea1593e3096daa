/*
 * test_report.c — the dashboard's building blocks: HTML and JSON escaping,
 * the buffer's size cap, and that each chart draws one mark per value (or
 * bins when there are too many), with tooltips escaped.
 */
#include "unit.h"
#include "report/report_int.h"
#include <math.h>

static size_t count(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

static void test_report__html_escape(void **state) {
  (void)state;
  sb b = {0};
  sb_html(&b, "<script>alert(\"x\" & 'y')</script>");
  assert_string_equal(b.s, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  sb_free(&b);
  sb_json_str(&b, "a\"b\\c\n</script>");
  assert_string_equal(b.s, "\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e\"");
  sb_free(&b);
}

static void test_report__buffer_cap(void **state) {
  (void)state;
  sb b = {.max = 16};
  sb_puts(&b, "0123456789");
  assert_int_equal(b.oom, 0);
  sb_puts(&b, "0123456789");
  assert_int_equal(b.oom, 1); /* refused, and later writes are no-ops */
  assert_int_equal(b.len, 10);
  sb_free(&b);
}

static void test_report__bar_marks_and_tooltips(void **state) {
  (void)state;
  sb b = {0};
  const char *labels[] = {"web", "<b>mail</b>", "store"};
  double v[] = {10, 20.5, 0};
  svg_bar(&b, "Touchpoints", "touchpoints", "", 3, labels, v);
  assert_false(b.oom);
  assert_int_equal(count(b.s, "<rect class=\"mark\""), 3);
  assert_non_null(strstr(b.s, "<title>&lt;b&gt;mail&lt;/b&gt;: 20.5</title>"));
  assert_null(strstr(b.s, "<b>mail"));
  assert_non_null(strstr(b.s, "data-chart=\"bar\" viewBox="));
  sb_free(&b);
}

static void test_report__pie_keeps_positive_and_groups(void **state) {
  (void)state;
  sb b = {0};
  const char *labels[] = {"a", "b", "c", "d", "e", "f", "g", "h", "zero"};
  double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 0};
  svg_pie(&b, "Share", "", 9, labels, v);
  /* 8 positive values: 6 slices and "other" */
  assert_int_equal(count(b.s, "<path class=\"mark\""), 7);
  assert_non_null(strstr(b.s, "<title>other (8.3%): 3</title>")); /* a + b = 3 of 36 */
  assert_null(strstr(b.s, ">zero<"));
  sb_free(&b);
}

static void test_report__scatter_bins_large(void **state) {
  (void)state;
  size_t n = 5000;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++) x[i] = (double)(i % 100), y[i] = (double)(i % 7);
  sb b = {0};
  svg_scatter(&b, "Many", "x", "y", n, x, y);
  assert_int_equal(count(b.s, "<circle"), 0);
  assert_true(count(b.s, "<rect class=\"mark\"") > 0);
  assert_non_null(strstr(b.s, "Binned: 5000 points"));
  sb_free(&b);
  svg_scatter(&b, "Few", "x", "y", 50, x, y);
  assert_int_equal(count(b.s, "<circle class=\"mark\""), 50);
  sb_free(&b);
  free(x);
  free(y);
}

static void test_report__line_band_and_gaps(void **state) {
  (void)state;
  const char *x[] = {"2025-01", "2025-02", "2025-03"};
  double a[] = {1, 2, NAN}, f[] = {NAN, NAN, 3}, lo[] = {NAN, NAN, 2}, hi[] = {NAN, NAN, 4};
  rp_series s[2] = {{"actual", a}, {"forecast", f}};
  sb b = {0};
  svg_line(&b, "F", "v", "", 3, x, 2, s, lo, hi);
  assert_non_null(strstr(b.s, "class=\"band mark\""));
  assert_int_equal(count(b.s, "<circle class=\"pt\""), 3); /* gaps draw no point */
  sb_free(&b);
}

static void test_report__heatmap_cells(void **state) {
  (void)state;
  const char *rows[] = {"2025-01", "2025-02"}, *cols[] = {"+0", "+1"};
  double v[] = {1.0, 0.46, 1.0, NAN};
  sb b = {0};
  svg_heatmap(&b, "Retention", "period", "cohort", 2, rows, 2, cols, v, 1);
  assert_int_equal(count(b.s, "<rect class=\"mark\""), 3);
  assert_non_null(strstr(b.s, "<title>2025-01, +1: 46%</title>"));
  sb_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_report__html_escape),
      cmocka_unit_test(test_report__buffer_cap),
      cmocka_unit_test(test_report__bar_marks_and_tooltips),
      cmocka_unit_test(test_report__pie_keeps_positive_and_groups),
      cmocka_unit_test(test_report__scatter_bins_large),
      cmocka_unit_test(test_report__line_band_and_gaps),
      cmocka_unit_test(test_report__heatmap_cells),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
