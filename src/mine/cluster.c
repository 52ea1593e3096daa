/*
 * cluster.c — behavioural segments: features -> k-means -> profiles, saved to
 * the warehouse, and scored against synth's planted segments by the adjusted
 * Rand index (Hubert & Arabie, 1985).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "core/hashmap.h"
#include "core/rng.h"
#include "mine/features.h"
#include "mine/kmeans.h"
#include "mine/persona.h"
#include "mine/segment_store.h"

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

/* ---------------------------------------------------------- k quality */

#define SIL_SAMPLE 2000

typedef struct quality {
  double silhouette, ch, db;
} quality;

static double dist(const double *a, const double *b, size_t d) {
  double s = 0;
  for (size_t j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
  return sqrt(s);
}

/* Silhouette (Rousseeuw, 1987) over a fixed sample, never the n x n matrix;
 * Calinski-Harabasz and Davies-Bouldin over all points. */
static int assess(const tm_features *f, const tm_kmeans_result *km, const uint32_t *sample, size_t s, quality *q) {
  size_t n = f->n, d = f->d;
  int k = km->k;
  double *sil = tm_malloc((s ? s : 1) * sizeof *sil);
  double *spread = tm_calloc((size_t)k, sizeof *spread), *size = tm_calloc((size_t)k, sizeof *size);
  double *mean = tm_calloc(d, sizeof *mean);
  if (!sil || !spread || !size || !mean) {
    tm_free(sil), tm_free(spread), tm_free(size), tm_free(mean);
    return TM_ENOMEM;
  }
  int failed = 0;
#pragma omp parallel
  {
    double *sum = tm_malloc((size_t)k * sizeof *sum), *cnt = tm_malloc((size_t)k * sizeof *cnt);
    if (!sum || !cnt) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (size_t a = 0; a < s; a++) {
      if (!sum || !cnt) continue;
      memset(sum, 0, (size_t)k * sizeof *sum);
      memset(cnt, 0, (size_t)k * sizeof *cnt);
      const double *xa = f->x + (size_t)sample[a] * d;
      for (size_t b = 0; b < s; b++) {
        if (b == a) continue;
        uint32_t c = km->assign[sample[b]];
        sum[c] += dist(xa, f->x + (size_t)sample[b] * d, d);
        cnt[c]++;
      }
      uint32_t own = km->assign[sample[a]];
      double in = cnt[own] ? sum[own] / cnt[own] : 0, out = INFINITY;
      for (int c = 0; c < k; c++)
        if ((uint32_t)c != own && cnt[c] && sum[c] / cnt[c] < out) out = sum[c] / cnt[c];
      sil[a] = cnt[own] == 0 || !isfinite(out) ? 0 : (out - in) / fmax(in, out);
    }
    tm_free(sum);
    tm_free(cnt);
  }
  double total = 0;
  for (size_t a = 0; a < s; a++) total += sil[a];
  q->silhouette = s ? total / (double)s : 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = km->assign[i];
    size[c]++;
    spread[c] += dist(f->x + i * d, km->centers + (size_t)c * d, d);
    for (size_t j = 0; j < d; j++) mean[j] += f->x[i * d + j] / (double)n;
  }
  double between = 0;
  for (int c = 0; c < k; c++) {
    between += size[c] * pow(dist(km->centers + (size_t)c * d, mean, d), 2);
    spread[c] = size[c] ? spread[c] / size[c] : 0;
  }
  q->ch = k > 1 && n > (size_t)k && km->inertia > 0 ? (between / (k - 1)) / (km->inertia / (double)(n - (size_t)k)) : 0;
  double db = 0;
  for (int i = 0; i < k; i++) {
    double worst = 0;
    for (int j = 0; j < k; j++) {
      if (i == j) continue;
      double sep = dist(km->centers + (size_t)i * d, km->centers + (size_t)j * d, d);
      if (sep > 0 && (spread[i] + spread[j]) / sep > worst) worst = (spread[i] + spread[j]) / sep;
    }
    db += worst;
  }
  q->db = k ? db / k : 0;
  tm_free(sil), tm_free(spread), tm_free(size), tm_free(mean);
  return failed ? TM_ENOMEM : 0;
}

/* A fixed sample of at most SIL_SAMPLE rows (partial Fisher-Yates, seeded). */
static uint32_t *draw_sample(size_t n, uint64_t seed, size_t *s) {
  uint32_t *idx = tm_malloc((n ? n : 1) * sizeof *idx);
  if (!idx) return NULL;
  for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
  *s = n < SIL_SAMPLE ? n : SIL_SAMPLE;
  tm_rng rng;
  tm_rng_seed(&rng, seed, 0x5111);
  for (size_t i = 0; i < *s; i++) {
    size_t j = i + (size_t)tm_rng_below(&rng, n - i);
    uint32_t t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

static int save(tm_warehouse *wh, const tm_dataset *ds, const tm_features *f, const uint32_t *assign,
                int64_t *run_id, tm_error *err) {
  seg_writer w;
  int rc = seg_writer_begin(&w, wh, "cluster", ds->as_of_ms, (int64_t)f->n, err);
  if (rc) return rc;
  *run_id = w.run_id;
  for (size_t r = 0; r < f->n && !rc; r++) {
    char name[32];
    snprintf(name, sizeof name, "cluster %u", assign[r] + 1);
    rc = seg_writer_add(&w, ds->cust_id[f->cust[r]], name, err);
  }
  return seg_writer_end(&w, rc, err);
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

int tm_cluster_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cluster_options *opt,
                       tm_error *err) {
  return tm_cluster_compute_with(out, ds, wh, opt, NULL, err);
}

int tm_cluster_compute_with(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cluster_options *opt,
                            const tm_cluster_algorithm *alg, tm_error *err) {
  static const tm_cluster_options defaults = TM_CLUSTER_OPTIONS_INIT;
  static const tm_cluster_algorithm alg_defaults = TM_CLUSTER_ALGORITHM_INIT;
  if (!opt) opt = &defaults;
  if (!alg) alg = &alg_defaults;
  if (alg->algorithm < TM_KMEANS_AUTO || alg->algorithm > TM_KMEANS_MINIBATCH)
    return tm_error_set(err, TM_EINVAL, "--algorithm: say lloyd, hamerly, minibatch or auto");
  tm_kmeans_params kp = {opt->k, opt->restarts, opt->max_iter, opt->seed, (tm_kmeans_alg)alg->algorithm, (size_t)alg->batch};
  if (opt->k < 0 || opt->k > 1000) return tm_error_set(err, TM_EINVAL, "--k %d: give 1 to 1000 clusters, or auto", opt->k);
  tm_features f;
  tm_kmeans_result km = {0};
  tm_doc *doc = NULL;
  tm_table *seg = NULL, *asg = NULL, *sel = NULL;
  uint32_t *sample = NULL;
  size_t ns = 0;
  quality q = {0};
  int64_t run_id = 0;
  int rc = tm_features_build(&f, ds, wh, err);
  if (rc) return rc;
  if (!(sample = draw_sample(f.n, opt->seed, &ns))) goto oom;
  if (opt->k == 0) { /* choose k by the sampled silhouette */
    int kmax = opt->k_max >= 2 ? opt->k_max : 10;
    if ((size_t)kmax >= f.n) kmax = (int)f.n - 1;
    if (kmax < 2) {
      rc = tm_error_set(err, TM_EINVAL, "--k auto needs at least 3 customers who ordered; there are %zu", f.n);
      goto fail;
    }
    if (tm_table_new(&sel, "k_selection", "Choosing k (the largest silhouette wins)")) goto oom;
    if (COL(sel, "k", TM_COL_INT) || COL(sel, "silhouette", TM_COL_REAL) || COL(sel, "calinski_harabasz", TM_COL_REAL) ||
        COL(sel, "davies_bouldin", TM_COL_REAL) || COL(sel, "inertia", TM_COL_REAL))
      goto oom;
    double best = -2;
    for (int k = 2; k <= kmax; k++) {
      tm_kmeans_result trial;
      quality tq;
      kp.k = k;
      if ((rc = tm_kmeans_run(&trial, f.x, f.n, f.d, &kp, err))) goto fail;
      if (assess(&f, &trial, sample, ns, &tq)) {
        tm_kmeans_free(&trial);
        goto oom;
      }
      if (tm_table_add_row(sel) || tm_table_set_int(sel, 0, k) || tm_table_set_real(sel, 1, tq.silhouette) ||
          tm_table_set_real(sel, 2, tq.ch) || tm_table_set_real(sel, 3, tq.db) || tm_table_set_real(sel, 4, trial.inertia)) {
        tm_kmeans_free(&trial);
        goto oom;
      }
      if (tq.silhouette > best) {
        best = tq.silhouette;
        tm_kmeans_free(&km);
        km = trial;
        q = tq;
      } else {
        tm_kmeans_free(&trial);
      }
    }
  } else {
    if ((rc = tm_kmeans_run(&km, f.x, f.n, f.d, &kp, err))) goto fail;
    if (assess(&f, &km, sample, ns, &q)) goto oom;
  }
  int k = km.k;
  if (wh && !wh->readonly && (rc = save(wh, ds, &f, km.assign, &run_id, err))) goto fail;
  char names[TM_MAX_FEATURES * 50] = "";
  for (size_t j = 0; j < f.d; j++) {
    if (j) strcat(names, ",");
    strcat(names, f.name[j]);
  }
  if (tm_doc_new(&doc, "touchmine segment --by cluster") || tm_doc_set_int(doc, "k", k) ||
      tm_doc_set_int(doc, "customers", (int64_t)f.n) || tm_doc_set_str(doc, "features", names) ||
      tm_doc_set_real(doc, "inertia", km.inertia) || tm_doc_set_int(doc, "iterations", km.iterations) ||
      tm_doc_set_real(doc, "silhouette", q.silhouette) || tm_doc_set_real(doc, "calinski_harabasz", q.ch) ||
      tm_doc_set_real(doc, "davies_bouldin", q.db) || tm_doc_set_int(doc, "seed", (int64_t)opt->seed) ||
      tm_doc_set_int(doc, "run_id", run_id) || tm_doc_set_str(doc, "algorithm", tm_kmeans_alg_name(km.alg)) ||
      tm_doc_set_int(doc, "sentiment_customers", (int64_t)f.sentiment_customers) ||
      tm_doc_set_str(doc, "review_sentiment",
                     f.sentiment_customers ? "included (text_customer.mean_compound; 0 for customers without texts)"
                                           : "left out: text_customer has no rows (run touchmine sentiment --db first)"))
    goto oom;
  if (opt->truth_path) {
    double ari = 0;
    int64_t matched = 0;
    if ((rc = adjusted_rand(opt->truth_path, ds, &f, km.assign, k, &ari, &matched, err))) goto fail;
    if (tm_doc_set_real(doc, "ari", ari) || tm_doc_set_int(doc, "truth_matched", matched)) goto oom;
  }
  /* profiles: size and each feature's mean, in the features' own units */
  if (tm_table_new(&seg, "segments", "Segments (feature means)") || tm_doc_add_table(doc, seg)) goto oom;
  if (COL(seg, "segment", TM_COL_INT) || COL(seg, "customers", TM_COL_INT) || COL(seg, "share", TM_COL_SHARE)) goto oom;
  for (size_t j = 0; j < f.d; j++)
    if (COL(seg, f.name[j], TM_COL_REAL)) goto oom;
  for (int c = 0; c < k; c++) {
    int64_t size = 0;
    for (size_t r = 0; r < f.n; r++) size += km.assign[r] == (uint32_t)c;
    if (tm_table_add_row(seg) || tm_table_set_int(seg, 0, c + 1) || tm_table_set_int(seg, 1, size) ||
        tm_table_set_real(seg, 2, f.n ? (double)size / (double)f.n : 0))
      goto oom;
    for (size_t j = 0; j < f.d; j++)
      if (tm_table_set_real(seg, (int)j + 3, f.mean[j] + f.sd[j] * km.centers[(size_t)c * f.d + j])) goto oom;
  }
  {
    uint32_t *seg_of = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *seg_of);
    if (!seg_of) goto oom;
    for (size_t c = 0; c < ds->ncust; c++) seg_of[c] = UINT32_MAX;
    for (size_t r = 0; r < f.n; r++) seg_of[f.cust[r]] = km.assign[r];
    rc = tm_personas(doc, wh, run_id, ds, &f, seg_of, (size_t)k, NULL, err);
    tm_free(seg_of);
    if (rc) goto fail;
  }
  if (tm_table_new(&asg, "assignments", "Customers and their segment") || tm_doc_add_table(doc, asg)) goto oom;
  if (COL(asg, "customer", TM_COL_STR) || COL(asg, "segment", TM_COL_INT)) goto oom;
  for (size_t r = 0; r < f.n; r++)
    if (tm_table_add_row(asg) || tm_table_set_str(asg, 0, tm_dataset_key(ds, f.cust[r])) ||
        tm_table_set_int(asg, 1, km.assign[r] + 1))
      goto oom;
  if (sel) {
    rc = tm_doc_add_table(doc, sel);
    sel = NULL;
    if (rc) goto oom;
  }
  tm_kmeans_free(&km);
  tm_features_free(&f);
  tm_free(sample);
  *out = doc;
  return 0;
oom:
  rc = tm_error_nomem(err);
fail:
  tm_table_free(sel);
  tm_kmeans_free(&km);
  tm_features_free(&f);
  tm_free(sample);
  tm_doc_free(doc);
  return rc;
}
