/*
 * test_ingest.c — the library end to end on a small fixture, through the
 * public API: config -> ingest -> dataset -> summary -> RFM -> clusters -> rule segments, with fault injection
 * (every allocation in turn made to fail: each call must return TM_ENOMEM or
 * succeed, leaving no leak — LeakSanitizer checks under `make check SAN=1`),
 * and a config with mistakes that must be named with file and line.
 */
#include <omp.h>
#include <unistd.h>

#include "unit.h"

#define FIXTURE TM_TEST_DATA "identity/identity.ini"

static void tmp_db(char *path, size_t n) {
  snprintf(path, n, "/tmp/tm_test_ingest_%d.db", (int)getpid());
  char side[300];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

/* One full pass; returns the first non-zero code. */
static int pass(const char *db, int64_t *customers) {
  tm_error err = {0};
  tm_config *cfg = NULL;
  tm_warehouse *wh = NULL;
  tm_doc *ing = NULL, *sum = NULL, *rfm = NULL, *clu = NULL, *seg = NULL;
  tm_dataset *ds = NULL;
  int rc = tm_config_load(&cfg, FIXTURE, &err);
  if (!rc) rc = tm_warehouse_open(&wh, db, 0, &err);
  if (!rc) rc = tm_ingest_run(&ing, wh, cfg, NULL, &err);
  if (!rc) rc = tm_dataset_load(&ds, wh, NULL, &err);
  if (!rc) rc = tm_summary_compute(&sum, ds, wh, &err);
  if (!rc) rc = tm_rfm_compute(&rfm, ds, wh, NULL, &err);
  if (!rc) rc = tm_cluster_compute(&clu, ds, wh, NULL, &err);
  if (!rc) rc = tm_segment_rules(&seg, ds, wh, "behavioural", &err);
  if (!rc && customers) rc = tm_doc_get_int(sum, "customers", customers);
  if (rc) assert_true(err.code == rc || rc == TM_ENOTFOUND);
  tm_doc_free(sum);
  tm_doc_free(rfm);
  tm_doc_free(clu);
  tm_doc_free(seg);
  tm_dataset_free(ds);
  tm_doc_free(ing);
  tm_warehouse_close(wh);
  tm_config_free(cfg);
  return rc;
}

static void test_ingest__fixture_loads(void **state) {
  (void)state;
  char db[256];
  int64_t customers = 0;
  tmp_db(db, sizeof db);
  assert_int_equal(pass(db, &customers), 0);
  assert_int_equal(customers, 60);
  tmp_db(db, sizeof db);
}

static void test_ingest__every_allocation_failure_is_clean(void **state) {
  (void)state;
  char db[256];
  int ok = 0;
  omp_set_num_threads(1); /* the failure counter is not thread-safe */
  for (long n = 0; n < 100000 && !ok; n += 1 + n / 16) { /* dense early, then sparser */
    tmp_db(db, sizeof db);
    tm_debug_fail_alloc_after(n);
    int rc = pass(db, NULL);
    tm_debug_fail_alloc_after(-1);
    if (rc == 0) ok = 1;
    else if (rc != TM_ENOMEM) fail_msg("allocation %ld failed with %d (%s), not TM_ENOMEM", n, rc, tm_strerror(rc));
  }
  assert_true(ok); /* and eventually it got through */
  tmp_db(db, sizeof db);
}

static void expect_config_error(const char *text, const char *want) {
  char path[256];
  snprintf(path, sizeof path, "/tmp/tm_test_cfg_%d.ini", (int)getpid());
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  tm_config *cfg = NULL;
  tm_error err = {0};
  assert_int_equal(tm_config_load(&cfg, path, &err), TM_EFORMAT);
  assert_null(cfg);
  if (!strstr(err.message, want)) fail_msg("message '%s' lacks '%s'", err.message, want);
  unlink(path);
}

static void test_config__mistakes_are_named(void **state) {
  (void)state;
  expect_config_error("[source a]\nfile = x.csv\ntime = t\nid.email = e\ncolour = red\n",
                      ":5: unknown key 'colour' in [source a]");
  expect_config_error("[source a]\nfile = x.csv\nformat = xml\n", ":3: format 'xml' is not csv, jsonl or segment");
  expect_config_error("[source a]\ntime = t\nid.email = e\n", "[source a] has no 'file ='");
  expect_config_error("[source a]\nfile = x.csv\nid.email = e\n", "maps no 'time =' column");
  expect_config_error("[source a]\nfile = x.csv\ntime = t\n", "maps no identifier");
  expect_config_error("[source a]\nfile = x.csv\ntime = t\nid.email = e\ntime.zone = Mars\n",
                      ":5: time.zone 'Mars'");
  expect_config_error("[sauce a]\nfile = x.csv\n", "unknown section [sauce a]");
  expect_config_error("[identity]\nquarantine = 1\n[source a]\nfile = x\ntime = t\nid.e = e\n",
                      ":2: quarantine '1' must be a whole number >= 2");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ingest__fixture_loads),
      cmocka_unit_test(test_ingest__every_allocation_failure_is_clean),
      cmocka_unit_test(test_config__mistakes_are_named),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
