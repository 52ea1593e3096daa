/*
 * cluster.c — behavioural segments: features -> k-means -> profiles, saved to
 * the warehouse, and scored against synth's planted segments by the adjusted
 * Rand index (Hubert & Arabie, 1985).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "core/hashmap.h"
#include "mine/features.h"
#include "mine/kmeans.h"
#include "store/warehouse_int.h"

static double choose2(double x) { return x * (x - 1) / 2; }

/* ARI of the planted segments (truth customers[].segment >= 0, by id) against
 * the clusters of the same customers. */
static int adjusted_rand(const char *path, const tm_dataset *ds, const tm_features *f, const uint32_t *assign, int k,
                         double *ari, int64_t *matched, tm_error *err) {
  json_error_t jerr;
  json_t *truth = json_load_file(path, 0, &jerr);
  if (!truth) return tm_error_set(err, jerr.line > 0 ? TM_EFORMAT : TM_EIO, "%s:%d: %s", path, jerr.line, jerr.text);
  tm_u64map rowof = {0};
  double *cells = NULL;
  int rc = TM_ENOMEM, nseg = 0;
  json_t *people = json_object_get(truth, "customers"), *p;
  size_t i;
  json_array_foreach(people, i, p) {
    int s = (int)json_integer_value(json_object_get(p, "segment"));
    if (s + 1 > nseg) nseg = s + 1;
  }
  if (nseg < 1 || nseg > 1000) {
    json_decref(truth);
    return tm_error_set(err, TM_EFORMAT, "%s has no planted segments (customers[].segment)", path);
  }
  if (tm_u64map_init(&rowof, f->n + 1) || !(cells = tm_calloc((size_t)nseg * (size_t)k, sizeof *cells))) goto done;
  for (size_t r = 0; r < f->n; r++) {
    const char *key = tm_dataset_key(ds, f->cust[r]);
    if (tm_u64map_put(&rowof, tm_hash64(key, strlen(key)), r, NULL, NULL)) goto done;
  }
  *matched = 0;
  json_array_foreach(people, i, p) {
    int s = (int)json_integer_value(json_object_get(p, "segment"));
    const char *id = json_string_value(json_object_get(p, "id"));
    if (s < 0 || !id) continue;
    uint64_t *r = tm_u64map_get(&rowof, tm_hash64(id, strlen(id)));
    if (!r) continue;
    cells[(size_t)s * (size_t)k + assign[*r]]++;
    (*matched)++;
  }
  double index = 0, rows = 0, cols = 0, n = (double)*matched;
  for (int s = 0; s < nseg; s++) {
    double a = 0;
    for (int c = 0; c < k; c++) a += cells[(size_t)s * (size_t)k + (size_t)c], index += choose2(cells[(size_t)s * (size_t)k + (size_t)c]);
    rows += choose2(a);
  }
  for (int c = 0; c < k; c++) {
    double b = 0;
    for (int s = 0; s < nseg; s++) b += cells[(size_t)s * (size_t)k + (size_t)c];
    cols += choose2(b);
  }
  double expected = n > 1 ? rows * cols / choose2(n) : 0, max = (rows + cols) / 2;
  *ari = max - expected != 0 ? (index - expected) / (max - expected) : 1.0;
  rc = 0;
done:
  if (rc == TM_ENOMEM) tm_error_nomem(err);
  tm_u64map_fini(&rowof);
  tm_free(cells);
  json_decref(truth);
  return rc;
}

static int save(tm_warehouse *wh, const tm_dataset *ds, const tm_features *f, const uint32_t *assign,
                int64_t *run_id, tm_error *err) {
  sqlite3_stmt *st = NULL, *sg = NULL;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO segment_runs(kind, as_of, created_at, customers) VALUES('cluster', ?, ?, ?) "
                          "RETURNING id",
                          err)) ||
      (rc = tm_wh_prepare(wh, &sg, "INSERT INTO customer_segments(run_id, customer_id, segment) VALUES(?,?,?)", err)))
    goto fail;
  if (ds->as_of_ms) sqlite3_bind_int64(st, 1, ds->as_of_ms);
  else sqlite3_bind_null(st, 1);
  sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
  sqlite3_bind_int64(st, 3, (int64_t)f->n);
  *run_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  for (size_t r = 0; r < f->n; r++) {
    char name[32];
    snprintf(name, sizeof name, "cluster %u", assign[r] + 1);
    sqlite3_bind_int64(sg, 1, *run_id);
    sqlite3_bind_int64(sg, 2, ds->cust_id[f->cust[r]]);
    sqlite3_bind_text(sg, 3, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(sg) != SQLITE_DONE) {
      rc = tm_wh_fail(wh, err, "saving clusters");
      goto fail;
    }
    sqlite3_reset(sg);
  }
  sqlite3_finalize(st);
  sqlite3_finalize(sg);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  sqlite3_finalize(sg);
  sqlite3_exec(wh->db, "ROLLBACK", NULL, NULL, NULL);
  return rc ? rc : TM_EDB;
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

int tm_cluster_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cluster_options *opt,
                       tm_error *err) {
  static const tm_cluster_options defaults = TM_CLUSTER_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  if (opt->k < 1 || opt->k > 1000) return tm_error_set(err, TM_EINVAL, "--k %d: give 1 to 1000 clusters", opt->k);
  tm_features f;
  tm_kmeans_result km = {0};
  tm_doc *doc = NULL;
  tm_table *seg = NULL, *asg = NULL;
  int64_t run_id = 0;
  int rc = tm_features_build(&f, ds, err);
  if (rc) return rc;
  if ((rc = tm_kmeans(&km, f.x, f.n, f.d, opt->k, opt->restarts, opt->max_iter, opt->seed, err))) goto fail;
  if (wh && !wh->readonly && (rc = save(wh, ds, &f, km.assign, &run_id, err))) goto fail;
  char names[TM_MAX_FEATURES * 50] = "";
  for (size_t j = 0; j < f.d; j++) {
    if (j) strcat(names, ",");
    strcat(names, f.name[j]);
  }
  if (tm_doc_new(&doc, "touchmine segment --by cluster") || tm_doc_set_int(doc, "k", opt->k) ||
      tm_doc_set_int(doc, "customers", (int64_t)f.n) || tm_doc_set_str(doc, "features", names) ||
      tm_doc_set_real(doc, "inertia", km.inertia) || tm_doc_set_int(doc, "iterations", km.iterations) ||
      tm_doc_set_int(doc, "seed", (int64_t)opt->seed) || tm_doc_set_int(doc, "run_id", run_id))
    goto oom;
  if (opt->truth_path) {
    double ari = 0;
    int64_t matched = 0;
    if ((rc = adjusted_rand(opt->truth_path, ds, &f, km.assign, opt->k, &ari, &matched, err))) goto fail;
    if (tm_doc_set_real(doc, "ari", ari) || tm_doc_set_int(doc, "truth_matched", matched)) goto oom;
  }
  /* profiles: size and each feature's mean, in the features' own units */
  if (tm_table_new(&seg, "segments", "Segments (feature means)") || tm_doc_add_table(doc, seg)) goto oom;
  if (COL(seg, "segment", TM_COL_INT) || COL(seg, "customers", TM_COL_INT) || COL(seg, "share", TM_COL_SHARE)) goto oom;
  for (size_t j = 0; j < f.d; j++)
    if (COL(seg, f.name[j], TM_COL_REAL)) goto oom;
  for (int c = 0; c < opt->k; c++) {
    int64_t size = 0;
    for (size_t r = 0; r < f.n; r++) size += km.assign[r] == (uint32_t)c;
    if (tm_table_add_row(seg) || tm_table_set_int(seg, 0, c + 1) || tm_table_set_int(seg, 1, size) ||
        tm_table_set_real(seg, 2, f.n ? (double)size / (double)f.n : 0))
      goto oom;
    for (size_t j = 0; j < f.d; j++)
      if (tm_table_set_real(seg, (int)j + 3, f.mean[j] + f.sd[j] * km.centers[(size_t)c * f.d + j])) goto oom;
  }
  if (tm_table_new(&asg, "assignments", "Customers and their segment") || tm_doc_add_table(doc, asg)) goto oom;
  if (COL(asg, "customer", TM_COL_STR) || COL(asg, "segment", TM_COL_INT)) goto oom;
  for (size_t r = 0; r < f.n; r++)
    if (tm_table_add_row(asg) || tm_table_set_str(asg, 0, tm_dataset_key(ds, f.cust[r])) ||
        tm_table_set_int(asg, 1, km.assign[r] + 1))
      goto oom;
  tm_kmeans_free(&km);
  tm_features_free(&f);
  *out = doc;
  return 0;
oom:
  rc = tm_error_nomem(err);
fail:
  tm_kmeans_free(&km);
  tm_features_free(&f);
  tm_doc_free(doc);
  return rc;
}
