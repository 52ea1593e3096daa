/*
 * bench_dataset.c — times the dataset load (cold and warm) and the summary on
 * an existing warehouse, through the public API only (include/touchmine.h).
 *
 *   bench_dataset [--keep-cache] [--summary-out FILE] WAREHOUSE.db
 *
 * Steps:
 *  1. cold: unless --keep-cache, empties the dataset snapshot (DELETE FROM
 *     dataset_cache, on a separate sqlite3 connection) so tm_dataset_load
 *     builds the dataset from the tables — and then saves the snapshot again,
 *     which is part of the cold time, as it is for `touchmine summary`;
 *  2. warm: tm_dataset_load again, now from the snapshot;
 *  3. tm_summary_compute on the warm dataset (and, untimed, on the cold one).
 *
 * Prints one JSON object: counts, seconds, events/s, bytes per event
 * (tm_dataset_memory / events) and a verification hash (XXH3-64) of each
 * summary's JSON, so a faster build cannot silently be a wrong one: the cold
 * and warm summaries must be byte-identical ("summary_match"), and the hash
 * can be compared across builds and with `touchmine summary --format json`.
 * Exit status: 0, or 1 on any error (message on stderr). A benchmark, not a
 * test: it never judges a time.
 */
#define _GNU_SOURCE
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "touchmine.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int die(const char *what, const tm_error *err) {
  fprintf(stderr, "bench_dataset: %s: %s\n", what, err && err->message[0] ? err->message : "failed");
  return 1;
}

/* Empties the snapshot so the next load is cold. */
static int clear_cache(const char *path) {
  sqlite3 *db = NULL;
  char *msg = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK) sqlite3_busy_timeout(db, 10000);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "DELETE FROM dataset_cache", NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "bench_dataset: %s: DELETE FROM dataset_cache: %s\n", path,
            msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_close(db);
    return 1;
  }
  sqlite3_close(db);
  return 0;
}

/* The summary's JSON, its hash and (optionally) a copy in a file. */
static int summary_hash(const tm_doc *doc, const char *copy_path, XXH64_hash_t *out, tm_error *err) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return 1;
  int rc = tm_doc_write(doc, f, TM_FMT_JSON, 0, err);
  if (fclose(f) != 0 || rc) {
    free(buf);
    return 1;
  }
  *out = XXH3_64bits(buf, len);
  if (copy_path) {
    FILE *c = fopen(copy_path, "wb");
    if (!c || fwrite(buf, 1, len, c) != len || fclose(c) != 0) {
      fprintf(stderr, "bench_dataset: cannot write %s\n", copy_path);
      free(buf);
      return 1;
    }
  }
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  const char *path = NULL, *summary_out = NULL;
  int keep_cache = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--keep-cache")) keep_cache = 1;
    else if (!strcmp(argv[i], "--summary-out") && i + 1 < argc) summary_out = argv[++i];
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      printf("usage: bench_dataset [--keep-cache] [--summary-out FILE] WAREHOUSE.db\n");
      return 0;
    } else if (argv[i][0] != '-' && !path) path = argv[i];
    else {
      fprintf(stderr, "bench_dataset: unexpected argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  if (!path) {
    fprintf(stderr, "usage: bench_dataset [--keep-cache] [--summary-out FILE] WAREHOUSE.db\n");
    return 2;
  }
  if (!keep_cache && clear_cache(path)) return 1;

  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *cold = NULL, *warm = NULL;
  tm_doc *sum_cold = NULL, *sum_warm = NULL;
  tm_dataset_options opt = TM_DATASET_OPTIONS_INIT;
  if (tm_warehouse_open(&wh, path, TM_WH_EXISTING, &err)) return die("open", &err);

  double t0 = now();
  if (tm_dataset_load(&cold, wh, &opt, &err)) return die("cold load", &err);
  double t_cold = now() - t0;
  uint64_t ev = tm_dataset_events(cold), cust = tm_dataset_customers(cold);
  uint64_t lines = tm_dataset_order_lines(cold), mem_cold = tm_dataset_memory(cold);

  t0 = now();
  if (tm_dataset_load(&warm, wh, &opt, &err)) return die("warm load", &err);
  double t_warm = now() - t0;
  uint64_t mem_warm = tm_dataset_memory(warm);

  t0 = now();
  if (tm_summary_compute(&sum_warm, warm, wh, &err)) return die("summary", &err);
  double t_sum = now() - t0;
  if (tm_summary_compute(&sum_cold, cold, wh, &err)) return die("summary (cold dataset)", &err);

  XXH64_hash_t h_warm = 0, h_cold = 0;
  if (summary_hash(sum_warm, summary_out, &h_warm, &err)) return die("summary JSON", &err);
  if (summary_hash(sum_cold, NULL, &h_cold, &err)) return die("summary JSON (cold)", &err);

  int64_t orders = 0;
  double revenue = 0;
  tm_doc_get_int(sum_warm, "orders", &orders);
  tm_doc_get_real(sum_warm, "revenue", &revenue);

  double evd = ev ? (double)ev : 1.0;
  printf("{\"events\": %llu, \"customers\": %llu, \"order_lines\": %llu, "
         "\"orders\": %lld, \"revenue\": %.2f, "
         "\"cold_seconds\": %.6f, \"cold_events_per_second\": %.0f, "
         "\"warm_seconds\": %.6f, \"warm_events_per_second\": %.0f, "
         "\"summary_seconds\": %.6f, \"summary_events_per_second\": %.0f, "
         "\"memory_bytes\": %llu, \"memory_bytes_warm\": %llu, \"bytes_per_event\": %.2f, "
         "\"summary_hash\": \"%016llx\", \"summary_hash_cold\": \"%016llx\", \"summary_match\": %s}\n",
         (unsigned long long)ev, (unsigned long long)cust, (unsigned long long)lines, (long long)orders,
         revenue, t_cold, ev / t_cold, t_warm, ev / t_warm, t_sum, ev / t_sum, (unsigned long long)mem_cold,
         (unsigned long long)mem_warm, (double)mem_warm / evd, (unsigned long long)h_warm,
         (unsigned long long)h_cold, h_warm == h_cold ? "true" : "false");

  tm_doc_free(sum_cold);
  tm_doc_free(sum_warm);
  tm_dataset_free(cold);
  tm_dataset_free(warm);
  tm_warehouse_close(wh);
  return 0;
}
