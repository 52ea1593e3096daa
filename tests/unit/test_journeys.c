/*
 * test_journeys.c — journey steps, order statistics, PrefixSpan with a gap,
 * and funnel modes on a dataset built in memory (figures worked out by hand
 * in each test).
 */
#include "unit.h"

#include "mine/prefixspan.h"
#include "mine/steps.h"
#include "store/dataset.h"

#define MIN 60000LL

static void set_names(tm_names *n, const char *const *names, size_t count) {
  n->count = count + 1;
  n->name = tm_calloc(count + 1, sizeof *n->name);
  for (size_t i = 0; i < count; i++) n->name[i + 1] = tm_strdup(names[i]);
}

/* Customers given as strings of types a, b, c, x, one touchpoint per
 * character, times in minutes in t[]. */
static tm_dataset *make(size_t nc, const char *const *seqs, const int64_t *const *mins) {
  tm_dataset *ds = tm_calloc(1, sizeof *ds);
  size_t n = 0;
  for (size_t c = 0; c < nc; c++) n += strlen(seqs[c]);
  ds->ncust = nc;
  ds->nev = n;
  ds->off = tm_calloc(nc + 2, sizeof *ds->off);
  ds->cust_id = tm_calloc(nc, sizeof *ds->cust_id);
  ds->key_off = tm_calloc(nc + 1, sizeof *ds->key_off);
  assert_int_equal(tm_dataset_alloc_columns(ds, n), 0);
  size_t e = 0;
  for (size_t c = 0; c < nc; c++) {
    ds->cust_id[c] = (int64_t)c + 1;
    for (size_t i = 0; seqs[c][i]; i++, e++) {
      ds->ts[e] = 1735689600000LL + mins[c][i] * MIN;
      ds->event_id[e] = (int64_t)e + 1;
      ds->type[e] = (uint16_t)(seqs[c][i] == 'x' ? 4 : seqs[c][i] - 'a' + 1);
      ds->channel[e] = seqs[c][i] == 'c' ? 2 : 1;
      ds->source[e] = ds->device[e] = 0;
      ds->campaign[e] = ds->region[e] = 0;
      ds->amount[e] = 0.0 / 0.0;
      ds->rating[e] = 0.0f / 0.0f;
    }
    ds->off[c + 1] = e;
  }
  ds->off[nc + 1] = e;
  static const char *const types[] = {"a", "b", "c", "x"}, *const channels[] = {"web", "store"};
  set_names(&ds->types, types, 4);
  set_names(&ds->channels, channels, 2);
  return ds;
}

static void test_journeys__step_parsing(void **state) {
  (void)state;
  static const char *const s[] = {"abc"};
  static const int64_t t0[] = {0, 1, 2};
  static const int64_t *const t[] = {t0};
  tm_dataset *ds = make(1, s, t);
  tm_step st;
  tm_error err = {0};
  assert_int_equal(tm_step_parse(&st, ds, "b", &err), 0);
  assert_int_equal(st.code[JS_TYPE], 2);
  assert_int_equal(st.code[JS_CHANNEL], 0);
  assert_int_equal(tm_step_parse(&st, ds, "store:c", &err), 0);
  assert_int_equal(st.code[JS_CHANNEL], 2);
  assert_true(tm_step_match(&st, ds, 2));
  assert_false(tm_step_match(&st, ds, 1));
  assert_int_equal(tm_step_parse(&st, ds, "*:*[channel=web]", &err), 0);
  assert_true(tm_step_match(&st, ds, 0));
  assert_false(tm_step_match(&st, ds, 2));
  assert_int_equal(tm_step_parse(&st, ds, "nonesuch", &err), TM_EINVAL);
  assert_non_null(strstr(err.message, "nonesuch"));
  assert_int_equal(tm_step_parse(&st, ds, "a[colour=red]", &err), TM_EINVAL);
  assert_int_equal(tm_step_parse(&st, ds, "a[channel=web", &err), TM_EINVAL);
  tm_step *v;
  size_t n;
  assert_int_equal(tm_steps_parse(&v, &n, ds, "a,b[channel=web,type=b],store:c", &err), 0);
  assert_int_equal(n, 3); /* the comma inside [...] belongs to the filter */
  tm_free(v);
  assert_int_equal(tm_steps_parse(&v, &n, ds, "a,,b", &err), TM_EINVAL);
  tm_dataset_free(ds);
}

static void test_journeys__median_and_quantiles(void **state) {
  (void)state;
  int64_t v[] = {1800, 86400, 604800, 1200, 1200, 120, 0, 1800};
  /* sorted 0 120 1200 1200 1800 1800 86400 604800: median (1200 + 1800) / 2 */
  assert_true(tm_median_i64(v, 8) == 1500.0);
  assert_true(tm_quantile_sorted(v, 8, 0.25) == 930.0);   /* 120 + 0.75 * 1080 */
  assert_true(tm_quantile_sorted(v, 8, 0.75) == 22950.0); /* 1800 + 0.25 * 84600 */
  int64_t odd[] = {5, 1, 3};
  assert_true(tm_median_i64(odd, 3) == 3.0);
}

/* Sequences (items 0 a, 1 b, 2 c): s0 a b c (minutes 0 1 2), s1 a b c (0 100
 * 101), s2 a c b (0 1 2). Without a gap: <a b> in s0 s1 s2 (3), <a b c> in s0
 * s1 (2), <a c> in all 3. With at most 10 minutes between items: <a b> s0 s2
 * (s1's b is 100 min later) = 2; <a b c> s0 only = 1. */
static void test_journeys__prefixspan_gap(void **state) {
  (void)state;
  uint64_t off[] = {0, 3, 6, 9};
  uint32_t item[] = {0, 1, 2, 0, 1, 2, 0, 2, 1};
  int64_t ts[] = {0, 1, 2, 0, 100, 101, 0, 1, 2};
  for (int i = 0; i < 9; i++) ts[i] *= MIN;
  ps_input in = {3, off, item, ts, 3};
  ps_pattern *p;
  size_t n;
  bool trunc;
  uint64_t want_nogap[3] = {0}, want_gap[3] = {0};
  for (int pass = 0; pass < 2; pass++) {
    assert_int_equal(ps_mine(&p, &n, &trunc, &in, 1, pass ? 10 * MIN : 0, 3, 1000), 0);
    assert_false(trunc);
    uint64_t *w = pass ? want_gap : want_nogap;
    for (size_t i = 0; i < n; i++) {
      if (p[i].len == 2 && p[i].items[0] == 0 && p[i].items[1] == 1) w[0] = p[i].support;
      if (p[i].len == 3 && p[i].items[0] == 0 && p[i].items[1] == 1 && p[i].items[2] == 2) {
        w[1] = p[i].support;
        w[2] = p[i].prefix_support;
      }
    }
    tm_free(p);
  }
  assert_int_equal(want_nogap[0], 3);
  assert_int_equal(want_nogap[1], 2);
  assert_int_equal(want_nogap[2], 3); /* <a b> */
  assert_int_equal(want_gap[0], 2);
  assert_int_equal(want_gap[1], 1);
  assert_int_equal(want_gap[2], 2);
  /* min support 3 without gap: <a b> and <a c> (3) but not <a b c> (2) */
  assert_int_equal(ps_mine(&p, &n, &trunc, &in, 3, 0, 3, 1000), 0);
  for (size_t i = 0; i < n; i++) assert_true(p[i].support >= 3 && p[i].len <= 2);
  tm_free(p);
}

static int64_t entered(const tm_doc *d, size_t step) {
  const tm_table *t = tm_doc_table(d, "funnel");
  return tm_table_get_int(t, step, (size_t)tm_table_find_col(t, "entered"));
}

/* Funnel a, b, c with a 10-minute window:
 *   c0: a b c   (0 1 2)      -> 3 in every order
 *   c1: a x b c (0 1 2 3)    -> ordered 3; strict 1 (x breaks it); any 3
 *   c2: b a c   (0 1 2)      -> ordered 1 (c after a, no b); strict 1; any 3
 *   c3: a b c   (0 5 11)     -> c is 11 min after a: ordered 2, strict 2, any 2
 *   c4: a a b c (0 20 21 22) -> the later a starts the attempt that completes: 3
 *                               (ordered; strict: a a breaks the first, the
 *                               second a b c completes: 3)
 * Ordered: 5/4/3; strict: 5/3/2; any: 5/5/4. */
static void test_journeys__funnel_orders(void **state) {
  (void)state;
  static const char *const s[] = {"abc", "axbc", "bac", "abc", "aabc"};
  static const int64_t t0[] = {0, 1, 2}, t1[] = {0, 1, 2, 3}, t2[] = {0, 1, 2}, t3[] = {0, 5, 11},
                       t4[] = {0, 20, 21, 22};
  static const int64_t *const t[] = {t0, t1, t2, t3, t4};
  tm_dataset *ds = make(5, s, t);
  static const int64_t want[3][3] = {{5, 4, 3}, {5, 3, 2}, {5, 5, 4}};
  for (int order = 0; order < 3; order++) {
    tm_funnel_options o = TM_FUNNEL_OPTIONS_INIT;
    o.steps = "a,b,c";
    o.window_ms = 10 * MIN;
    o.order = (tm_funnel_order)order;
    tm_doc *d = NULL;
    tm_error err = {0};
    assert_int_equal(tm_funnel_compute(&d, ds, NULL, &o, &err), 0);
    for (size_t j = 0; j < 3; j++) assert_int_equal(entered(d, j), want[order][j]);
    tm_doc_free(d);
  }
  /* excluding x: c1's complete attempt has x between a and c -> dropped */
  tm_funnel_options o = TM_FUNNEL_OPTIONS_INIT;
  o.steps = "a,b,c";
  o.window_ms = 10 * MIN;
  o.exclude = "x";
  tm_doc *d = NULL;
  assert_int_equal(tm_funnel_compute(&d, ds, NULL, &o, NULL), 0);
  assert_int_equal(entered(d, 0), 4);
  assert_int_equal(entered(d, 2), 2);
  tm_doc_free(d);
  o.exclude = NULL;
  o.steps = "a";
  assert_int_equal(tm_funnel_compute(&d, ds, NULL, &o, NULL), TM_EINVAL); /* one step */
  tm_dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_journeys__step_parsing),
      cmocka_unit_test(test_journeys__median_and_quantiles),
      cmocka_unit_test(test_journeys__prefixspan_gap),
      cmocka_unit_test(test_journeys__funnel_orders),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
