/*
 * test_core.c — hash tables, dictionaries, PII masking, result documents.
 */
#include "unit.h"

#include "core/hashmap.h"
#include "core/pii.h"

static void test_hashmap__u64map_against_reference(void **state) {
  (void)state;
  tm_u64map m;
  assert_int_equal(tm_u64map_init(&m, 4), 0);
  /* keys 0..99999 scrambled, and key 0 itself, each with value key*3 */
  for (uint64_t i = 0; i < 100000; i++) {
    uint64_t k = i * 0x9E3779B97F4A7C15ULL;
    bool ins;
    assert_int_equal(tm_u64map_put(&m, k, k * 3, NULL, &ins), 0);
    assert_true(ins);
  }
  assert_int_equal(m.count, 100000);
  for (uint64_t i = 0; i < 100000; i++) {
    uint64_t k = i * 0x9E3779B97F4A7C15ULL, *v = tm_u64map_get(&m, k);
    assert_non_null(v);
    assert_true(*v == k * 3);
    bool ins;
    assert_int_equal(tm_u64map_put(&m, k, 7, NULL, &ins), 0);
    assert_false(ins); /* present: value kept */
    assert_true(*tm_u64map_get(&m, k) == k * 3);
  }
  assert_null(tm_u64map_get(&m, 12345));
  tm_u64map_fini(&m);
}

static void test_hashmap__dict_interns_in_first_seen_order(void **state) {
  (void)state;
  tm_dict d;
  char buf[32];
  assert_int_equal(tm_dict_init(&d), 0);
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 50000; i++) {
      uint32_t id;
      int n = snprintf(buf, sizeof buf, "value-%d", i);
      assert_int_equal(tm_dict_intern(&d, buf, (size_t)n, &id), 0);
      assert_int_equal(id, i); /* dense ids in first-seen order, stable on re-intern */
    }
  assert_int_equal(d.count, 50000);
  assert_string_equal(tm_dict_str(&d, 4242), "value-4242");
  assert_int_equal(tm_dict_find(&d, "value-7", 7), 7);
  assert_int_equal(tm_dict_find(&d, "nope", 4), UINT32_MAX);
  /* embedded NULs are bytes like any other */
  uint32_t a, b;
  assert_int_equal(tm_dict_intern(&d, "x\0y", 3, &a), 0);
  assert_int_equal(tm_dict_intern(&d, "x\0z", 3, &b), 0);
  assert_int_not_equal(a, b);
  tm_dict_fini(&d);
}

static void scrub(const char *in, const char *want) {
  char out[256];
  tm_pii_scrub(in, strlen(in), out, sizeof out);
  assert_string_equal(out, want);
}

static void test_pii__masks_emails_and_numbers(void **state) {
  (void)state;
  scrub("mail ann.lee+x@example.co.uk now", "mail [email] now");
  scrub("call +44 (7700) 900123 today", "call [number] today");
  scrub("card 4111-1111-1111-1111.", "card [number].");
  scrub("order 12345 of 3 items", "order 12345 of 3 items"); /* short numbers stay */
  scrub("C0000042 wrote", "C[number] wrote");
  scrub("@ alone and a@b", "@ alone and a@b"); /* no domain dot: not an address */
  char tiny[8];
  assert_int_equal(tm_pii_scrub("hello world", 11, tiny, sizeof tiny), 7);
  assert_string_equal(tiny, "hello w");
}

static tm_doc *sample_doc(void) {
  tm_doc *d;
  tm_table *t;
  assert_int_equal(tm_doc_new(&d, "title"), 0);
  assert_int_equal(tm_doc_set_int(d, "events", 1234567), 0);
  assert_int_equal(tm_doc_set_real(d, "revenue", 12.5), 0);
  assert_int_equal(tm_doc_set_str(d, "note", "a \"quoted\"\nline"), 0);
  assert_int_equal(tm_table_new(&t, "rows", "Rows"), 0);
  assert_int_equal(tm_table_add_col(t, "name", TM_COL_STR), 0);
  assert_int_equal(tm_table_add_col(t, "n", TM_COL_INT), 1);
  assert_int_equal(tm_table_add_col(t, "share", TM_COL_SHARE), 2);
  assert_int_equal(tm_table_add_row(t), 0);
  assert_int_equal(tm_table_set_str(t, 0, "a,b"), 0);
  assert_int_equal(tm_table_set_int(t, 1, 3), 0);
  assert_int_equal(tm_table_set_real(t, 2, 0.25), 0);
  assert_int_equal(tm_table_add_row(t), 0); /* a row of nulls */
  assert_int_equal(tm_doc_add_table(d, t), 0);
  return d;
}

static char *render(const tm_doc *d, tm_format fmt) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_int_equal(tm_doc_write(d, f, fmt, 0, NULL), 0);
  fclose(f);
  return buf;
}

static void test_doc__json_csv_text(void **state) {
  (void)state;
  tm_doc *d = sample_doc();
  char *json = render(d, TM_FMT_JSON);
  assert_string_equal(json, "{\n  \"events\": 1234567,\n  \"revenue\": 12.5,\n"
                            "  \"note\": \"a \\\"quoted\\\"\\nline\",\n  \"rows\": [\n"
                            "    {\"name\": \"a,b\", \"n\": 3, \"share\": 0.25},\n"
                            "    {\"name\": null, \"n\": null, \"share\": null}\n  ]\n}\n");
  char *csv = render(d, TM_FMT_CSV); /* one table: just the table */
  assert_string_equal(csv, "name,n,share\n\"a,b\",3,0.25\n,,\n");
  char *text = render(d, TM_FMT_TEXT);
  assert_non_null(strstr(text, "1,234,567"));
  assert_non_null(strstr(text, "25.0%"));
  int64_t v;
  assert_int_equal(tm_doc_get_int(d, "events", &v), 0);
  assert_int_equal(v, 1234567);
  assert_int_equal(tm_doc_get_int(d, "absent", &v), TM_ENOTFOUND);
  const tm_table *t = tm_doc_table(d, "rows");
  assert_non_null(t);
  assert_int_equal(tm_table_find_col(t, "share"), 2);
  assert_true(tm_table_get_real(t, 0, 2) == 0.25);
  free(json);
  free(csv);
  free(text);
  tm_doc_free(d);
}

static void test_doc__allocation_failures_never_leak(void **state) {
  (void)state;
  for (long n = 0; n < 40; n++) {
    tm_doc *d = NULL;
    tm_table *t = NULL;
    tm_debug_fail_alloc_after(n);
    int rc = tm_doc_new(&d, "x");
    if (!rc) rc = tm_doc_set_str(d, "k", "v");
    if (!rc) rc = tm_table_new(&t, "t", "T");
    if (!rc && tm_table_add_col(t, "c", TM_COL_STR) < 0) rc = TM_ENOMEM;
    if (!rc) rc = tm_table_add_row(t);
    if (!rc) rc = tm_table_set_str(t, 0, "cell");
    if (!rc) {
      rc = tm_doc_add_table(d, t); /* owns t even when it fails */
      t = NULL;
    }
    tm_debug_fail_alloc_after(-1);
    assert_true(rc == 0 || rc == TM_ENOMEM);
    tm_table_free(t);
    tm_doc_free(d);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hashmap__u64map_against_reference),
      cmocka_unit_test(test_hashmap__dict_interns_in_first_seen_order),
      cmocka_unit_test(test_pii__masks_emails_and_numbers),
      cmocka_unit_test(test_doc__json_csv_text),
      cmocka_unit_test(test_doc__allocation_failures_never_leak),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
