/*
 * bench_journeys.c — times a 20-step funnel and a 365-interval daily retention
 * table on a dataset of N events built directly in memory (synth + ingest of
 * 100M events would take far longer than the computation measured here).
 *
 *   bench_journeys EVENTS [DUMP]
 *
 * The dataset: EVENTS / 100 customers, each with 1..199 touchpoints (mean
 * 100) over two years from a random first day, exponential gaps (mean 7 h);
 * 25 touchpoint types s01..s25 where a touchpoint is, with probability 0.35,
 * the step after the customer's last s-step (so that a 20-step funnel has
 * people at every step) and otherwise any type. Deterministic (splitmix64).
 * With DUMP, writes the events for the pandas peer (bench/journeys_pandas.py):
 * int32 customer, int64 ts (ms), int16 type (1-based), sorted by customer
 * and time, as three raw arrays one after another.
 * Prints one JSON object with the build, funnel and retention seconds and
 * figures (retained customers per interval summed over cohorts, to compare
 * with the peer). Builds against the library's internal headers (-Isrc).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/dataset.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t sm64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static double unif(uint64_t *s) { return (double)(sm64(s) >> 11) * 0x1.0p-53; }

#define NTYPES 25

static tm_dataset *build(size_t nev_target) {
  tm_dataset *ds = tm_calloc(1, sizeof *ds);
  size_t nc = nev_target / 100 ? nev_target / 100 : 1;
  uint64_t seed = 42, *cnt = malloc(nc * sizeof *cnt);
  size_t n = 0;
  for (size_t c = 0; c < nc; c++) n += cnt[c] = 1 + sm64(&seed) % 199;
  ds->ncust = nc;
  ds->nev = n;
  ds->off = tm_calloc(nc + 2, sizeof *ds->off);
  ds->cust_id = tm_calloc(nc, sizeof *ds->cust_id);
  ds->key_off = tm_calloc(nc + 1, sizeof *ds->key_off);
  ds->key_buf = tm_calloc(1, 1);
  if (tm_dataset_alloc_columns(ds, n)) return NULL;
  for (size_t c = 0; c < nc; c++) ds->off[c + 1] = ds->off[c] + cnt[c], ds->cust_id[c] = (int64_t)c + 1;
  ds->off[nc + 1] = ds->off[nc];
  int64_t t_start = 1735689600000LL; /* 2025-01-01 */
#pragma omp parallel for schedule(static)
  for (size_t c = 0; c < nc; c++) {
    uint64_t s = 0x1234567ULL ^ (c * 0x9e3779b97f4a7c15ULL);
    int64_t t = t_start + (int64_t)(unif(&s) * 730.0 * 86400000.0);
    int last = 0;
    for (uint64_t e = ds->off[c]; e < ds->off[c + 1]; e++) {
      double u = unif(&s);
      t += (int64_t)(-log1p(-u) * 7.0 * 3600000.0);
      int ty = unif(&s) < 0.35 ? (last % NTYPES) + 1 : 1 + (int)(sm64(&s) % NTYPES);
      if (ty == last % NTYPES + 1) last = ty;
      ds->ts[e] = t;
      ds->event_id[e] = (int64_t)e + 1;
      ds->type[e] = (uint16_t)ty;
      ds->channel[e] = 1;
      ds->source[e] = 1;
      ds->device[e] = 0;
      ds->campaign[e] = 0;
      ds->region[e] = 0;
      ds->amount[e] = ty == NTYPES ? 10.0 : 0.0 / 0.0;
      ds->rating[e] = 0.0f / 0.0f;
    }
  }
  free(cnt);
  ds->types.count = NTYPES + 1;
  ds->types.name = tm_calloc(NTYPES + 1, sizeof(char *));
  for (int i = 1; i <= NTYPES; i++) {
    char b[8];
    snprintf(b, sizeof b, "s%02d", i);
    ds->types.name[i] = tm_strdup(b);
  }
  ds->channels.count = 2;
  ds->channels.name = tm_calloc(2, sizeof(char *));
  ds->channels.name[1] = tm_strdup("web");
  ds->sources.count = 2;
  ds->sources.name = tm_calloc(2, sizeof(char *));
  ds->sources.name[1] = tm_strdup("bench");
  return ds;
}

static int dump(const tm_dataset *ds, const char *path) {
  FILE *f = fopen(path, "wb");
  if (!f) return 1;
  size_t n = ds->nev, B = 1 << 20;
  int32_t *cb = malloc(B * sizeof *cb);
  int16_t *tb = malloc(B * sizeof *tb);
  for (size_t c = 0, k = 0; c < ds->ncust; c++)
    for (uint64_t e = ds->off[c]; e < ds->off[c + 1]; e++) {
      cb[k++] = (int32_t)c;
      if (k == B || e + 1 == n) fwrite(cb, sizeof *cb, k, f), k = 0;
    }
  fwrite(ds->ts, sizeof *ds->ts, n, f);
  for (size_t i = 0; i < n; i += B) {
    size_t m = n - i < B ? n - i : B;
    for (size_t j = 0; j < m; j++) tb[j] = (int16_t)ds->type[i + j];
    fwrite(tb, sizeof *tb, m, f);
  }
  free(cb);
  free(tb);
  return fclose(f) != 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_journeys EVENTS [DUMP]\n");
    return 2;
  }
  size_t target = (size_t)strtod(argv[1], NULL);
  double t0 = now();
  tm_dataset *ds = build(target);
  if (!ds) return 1;
  double t_build = now() - t0;
  if (argc > 2 && dump(ds, argv[2])) {
    fprintf(stderr, "bench_journeys: cannot write %s\n", argv[2]);
    return 1;
  }
  char steps[256] = "";
  for (int i = 1; i <= 20; i++) snprintf(steps + strlen(steps), sizeof steps - strlen(steps), "%ss%02d", i > 1 ? "," : "", i);
  tm_error err = {0};
  tm_doc *fd = NULL, *cd = NULL;
  tm_funnel_options fo = TM_FUNNEL_OPTIONS_INIT;
  fo.steps = steps;
  fo.window_ms = 30LL * 86400000;
  t0 = now();
  if (tm_funnel_compute(&fd, ds, NULL, &fo, &err)) return fprintf(stderr, "funnel: %s\n", err.message), 1;
  double t_funnel = now() - t0;
  tm_cohort_options co = TM_COHORT_OPTIONS_INIT;
  co.period = TM_PERIOD_DAY;
  co.intervals = 365;
  t0 = now();
  if (tm_cohorts_compute(&cd, ds, NULL, &co, &err)) return fprintf(stderr, "cohorts: %s\n", err.message), 1;
  double t_cohorts = now() - t0;
  const tm_table *ft = tm_doc_table(fd, "funnel"), *rt = tm_doc_table(cd, "retention");
  printf("{\"events\": %zu, \"customers\": %zu, \"build_s\": %.3f, \"funnel_s\": %.3f, \"cohorts_s\": %.3f,\n",
         ds->nev, ds->ncust, t_build, t_funnel, t_cohorts);
  printf(" \"funnel_entered\": [");
  for (size_t r = 0; r < tm_table_rows(ft); r++)
    printf("%s%lld", r ? ", " : "", (long long)tm_table_get_int(ft, r, (size_t)tm_table_find_col(ft, "entered")));
  /* retained customers per interval, summed over the cohorts */
  int64_t ret[366] = {0};
  int cp = tm_table_find_col(rt, "period"), cs = tm_table_find_col(rt, "size"), cv = tm_table_find_col(rt, "value");
  for (size_t r = 0; r < tm_table_rows(rt); r++) {
    int64_t p = tm_table_get_int(rt, r, (size_t)cp);
    ret[p] += (int64_t)(tm_table_get_real(rt, r, (size_t)cv) * (double)tm_table_get_int(rt, r, (size_t)cs) + 0.5);
  }
  printf("],\n \"retained_per_interval\": [");
  for (int p = 0; p <= 365; p++) printf("%s%lld", p ? ", " : "", (long long)ret[p]);
  printf("],\n \"retention_cells\": %zu}\n", tm_table_rows(rt));
  tm_doc_free(fd);
  tm_doc_free(cd);
  tm_dataset_free(ds);
  return 0;
}
