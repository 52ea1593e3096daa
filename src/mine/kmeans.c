/*
 * kmeans.c — k-means: k-means++ seeding (Arthur & Vassilvitskii, 2007), then
 * Lloyd, Hamerly (2010) or mini-batch (Sculley, 2010) iterations; best
 * inertia of several restarts.
 *
 * Deterministic at any thread count: each restart seeds its own random stream
 * from (seed, restart); each point's assignment is its own; centres are summed
 * per fixed block of CHUNK points (whoever computes the block) and the blocks
 * added in block order. Lloyd and Hamerly share the distance kernel and the
 * centre update, so from the same centres they give the same assignments.
 */
#include <float.h>
#include <math.h>

#include "core/rng.h"
#include "mine/kmeans.h"

#define CHUNK 4096

static double dist2(const double *a, const double *b, size_t d) {
  double s = 0;
  for (size_t j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

/* Squared distances of point xi to all k centres, ct being the centres
 * transposed (d x k) so the inner loop runs over centres in SIMD lanes; then
 * the nearest (lowest index on ties) and the two smallest distances.
 * Compiled twice, for AVX2 and baseline x86-64, picked at load time. */
static inline __attribute__((always_inline)) uint32_t
nearest(const double *restrict xi, const double *restrict ct, size_t d, int k, double *restrict acc, double *b1,
        double *b2) {
  for (int c = 0; c < k; c++) acc[c] = 0;
  for (size_t j = 0; j < d; j++) {
    const double xj = xi[j], *row = ct + j * (size_t)k;
#pragma omp simd
    for (int c = 0; c < k; c++) acc[c] += (xj - row[c]) * (xj - row[c]);
  }
  double best = DBL_MAX, second = DBL_MAX;
  uint32_t bi = 0;
  for (int c = 0; c < k; c++) {
    double v = acc[c];
    if (v < best) second = best, best = v, bi = (uint32_t)c;
    else if (v < second) second = v;
  }
  *b1 = best, *b2 = second;
  return bi;
}

/* The same for 8 consecutive points at once, SIMD lanes over the points
 * (two vectors of 4), two centres at a time for independent chains. Each
 * point's distance is summed over dimensions in the same order as in
 * nearest(), so both give the same answers. d <= BLOCK_MAX_D. */
#define BLOCK_MAX_D 64
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4i __attribute__((vector_size(32)));

#define blend(m, yes, no) ((v4d)(((v4i)(yes) & (m)) | ((v4i)(no) & ~(m))))

static inline __attribute__((always_inline)) void
nearest8(const double *restrict x, size_t d, int k, const double *restrict centers, uint32_t *restrict out,
         double *restrict b1, double *restrict b2) {
  v4d lo[BLOCK_MAX_D], hi[BLOCK_MAX_D];
  for (size_t j = 0; j < d; j++) {
    lo[j] = (v4d){x[j], x[d + j], x[2 * d + j], x[3 * d + j]};
    hi[j] = (v4d){x[4 * d + j], x[5 * d + j], x[6 * d + j], x[7 * d + j]};
  }
  const v4d inf = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
  v4d best0 = inf, best1 = inf, sec0 = inf, sec1 = inf;
  v4i bi0 = {0, 0, 0, 0}, bi1 = bi0;
#define TM_KM_UPDATE(a, best, sec, bi, cidx)                                                                        \
  do {                                                                                                             \
    v4i better = (v4i)(a < best), closer = (v4i)(a < sec);                                                          \
    sec = blend(better, best, blend(closer, a, sec));                                                              \
    bi = (cidx & better) | (bi & ~better);                                                                          \
    best = blend(better, a, best);                                                                                 \
  } while (0)
  int c = 0;
  for (; c + 1 < k; c += 2) {
    const double *p0 = centers + (size_t)c * d, *p1 = p0 + d;
    v4d a00 = {0, 0, 0, 0}, a01 = a00, a10 = a00, a11 = a00;
    for (size_t j = 0; j < d; j++) {
      v4d c0 = {p0[j], p0[j], p0[j], p0[j]}, c1 = {p1[j], p1[j], p1[j], p1[j]};
      v4d t00 = lo[j] - c0, t01 = hi[j] - c0, t10 = lo[j] - c1, t11 = hi[j] - c1;
      a00 += t00 * t00, a01 += t01 * t01, a10 += t10 * t10, a11 += t11 * t11;
    }
    v4i i0 = {c, c, c, c}, i1 = {c + 1, c + 1, c + 1, c + 1};
    TM_KM_UPDATE(a00, best0, sec0, bi0, i0);
    TM_KM_UPDATE(a01, best1, sec1, bi1, i0);
    TM_KM_UPDATE(a10, best0, sec0, bi0, i1);
    TM_KM_UPDATE(a11, best1, sec1, bi1, i1);
  }
  for (; c < k; c++) {
    const double *p0 = centers + (size_t)c * d;
    v4d a00 = {0, 0, 0, 0}, a01 = a00;
    for (size_t j = 0; j < d; j++) {
      v4d c0 = {p0[j], p0[j], p0[j], p0[j]};
      v4d t00 = lo[j] - c0, t01 = hi[j] - c0;
      a00 += t00 * t00, a01 += t01 * t01;
    }
    v4i i0 = {c, c, c, c};
    TM_KM_UPDATE(a00, best0, sec0, bi0, i0);
    TM_KM_UPDATE(a01, best1, sec1, bi1, i0);
  }
#undef TM_KM_UPDATE
  for (int p = 0; p < 4; p++) {
    out[p] = (uint32_t)bi0[p], b1[p] = best0[p], b2[p] = sec0[p];
    out[p + 4] = (uint32_t)bi1[p], b1[p + 4] = best1[p], b2[p + 4] = sec1[p];
  }
}

static void transpose(const double *centers, size_t d, int k, double *ct) {
  for (int c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) ct[j * (size_t)k + (size_t)c] = centers[(size_t)c * d + j];
}

static void seed_plus_plus(const double *x, size_t n, size_t d, int k, tm_rng *rng, double *centers, double *dmin) {
  size_t first = (size_t)tm_rng_below(rng, n);
  memcpy(centers, x + first * d, d * sizeof *centers);
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) dmin[i] = dist2(x + i * d, centers, d);
  for (int c = 1; c < k; c++) {
    double total = 0;
    for (size_t i = 0; i < n; i++) total += dmin[i];
    size_t pick = n - 1;
    if (total > 0) {
      double u = tm_rng_uniform(rng) * total, acc = 0;
      for (size_t i = 0; i < n; i++) {
        acc += dmin[i];
        if (acc >= u) {
          pick = i;
          break;
        }
      }
    } else {
      pick = (size_t)tm_rng_below(rng, n); /* all points coincide with centres */
    }
    const double *cc = centers + (size_t)c * d;
    memcpy(centers + (size_t)c * d, x + pick * d, d * sizeof *centers);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
      double v = dist2(x + i * d, cc, d);
      if (v < dmin[i]) dmin[i] = v;
    }
  }
}

/* Working memory of one run. */
typedef struct work {
  size_t nchunks;
  double *ct, *sums;     /* k x d transposed centres; nchunks x k x d partial sums */
  size_t *counts;        /* nchunks x k */
  double *upper, *lower; /* Hamerly's bounds, n each */
  double *moved, *half;  /* k each: how far each centre moved; half the distance to its nearest other centre */
} work;

static void work_free(work *w) {
  tm_free(w->ct), tm_free(w->sums), tm_free(w->counts), tm_free(w->upper), tm_free(w->lower), tm_free(w->moved),
      tm_free(w->half);
}

static int work_init(work *w, size_t n, size_t d, int k, bool bounds) {
  memset(w, 0, sizeof *w);
  w->nchunks = (n + CHUNK - 1) / CHUNK;
  if (!w->nchunks) w->nchunks = 1;
  w->ct = tm_malloc((size_t)k * d * sizeof *w->ct);
  w->sums = tm_malloc(w->nchunks * (size_t)k * d * sizeof *w->sums);
  w->counts = tm_malloc(w->nchunks * (size_t)k * sizeof *w->counts);
  w->moved = tm_calloc((size_t)k, sizeof *w->moved);
  w->half = tm_calloc((size_t)k, sizeof *w->half);
  if (bounds) {
    w->upper = tm_malloc(n * sizeof *w->upper);
    w->lower = tm_malloc(n * sizeof *w->lower);
  }
  if (!w->ct || !w->sums || !w->counts || !w->moved || !w->half || (bounds && (!w->upper || !w->lower))) {
    work_free(w);
    return TM_ENOMEM;
  }
  return 0;
}

/* New centres = mean of their points, from the per-chunk sums added in chunk
 * order; an emptied cluster keeps its centre. Records how far each moved. */
static void update_centers(work *w, size_t d, int k, double *centers) {
  for (int c = 0; c < k; c++) {
    double mean[256], *tot = mean, *heap = NULL;
    if (d > 256 && !(tot = heap = tm_malloc(d * sizeof *tot))) continue; /* d <= TM_MAX_FEATURES in practice */
    size_t count = 0;
    for (size_t j = 0; j < d; j++) tot[j] = 0;
    for (size_t b = 0; b < w->nchunks; b++) {
      count += w->counts[b * (size_t)k + (size_t)c];
      const double *s = w->sums + (b * (size_t)k + (size_t)c) * d;
      for (size_t j = 0; j < d; j++) tot[j] += s[j];
    }
    double *cc = centers + (size_t)c * d, moved = 0;
    if (count) {
      for (size_t j = 0; j < d; j++) {
        double v = tot[j] / (double)count;
        moved += (v - cc[j]) * (v - cc[j]);
        cc[j] = v;
      }
    }
    w->moved[c] = sqrt(moved);
    tm_free(heap);
  }
}

static void chunk_clear(work *w, size_t chunk, size_t d, int k) {
  memset(w->sums + chunk * (size_t)k * d, 0, (size_t)k * d * sizeof *w->sums);
  memset(w->counts + chunk * (size_t)k, 0, (size_t)k * sizeof *w->counts);
}

/* One chunk [lo, hi) of a pass: every point to its nearest centre (Lloyd),
 * or, with bounds, only the points whose bounds cannot rule a change out
 * (Hamerly); adds each point to its centre's sums in the chunk's slot.
 * Returns the points that changed. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
static size_t
scan_chunk(const double *restrict x, size_t lo, size_t hi, size_t d, int k, const double *restrict centers,
           const double *restrict ct, uint32_t *restrict assign, double *restrict sums, size_t *restrict counts,
           double *restrict upper, double *restrict lower, const double *restrict half, bool bounded,
           double *restrict acc) {
  size_t changed = 0, pend[8], np = 0;
  uint32_t blk[8];
  double blk1[8], blk2[8], rows[8 * BLOCK_MAX_D];
  bool blocked = d <= BLOCK_MAX_D;
  for (size_t i = lo; i < hi;) {
    /* the next up-to-8 points that need a full scan: all of them for Lloyd;
     * for Hamerly those whose bounds cannot rule a change out */
    np = 0;
    for (; i < hi && np < 8; i++) {
      uint32_t a = assign[i];
      if (bounded) {
        /* a cannot lose when its distance is below both the lower bound to
         * the second nearest and half the distance to the nearest other
         * centre; the margin covers rounding in the bounds */
        double m = half[a] > lower[i] ? half[a] : lower[i];
        if (upper[i] * (1 + 1e-9) < m) continue;
        upper[i] = sqrt(dist2(x + i * d, centers + (size_t)a * d, d));
        if (upper[i] * (1 + 1e-9) < m) continue;
      }
      pend[np++] = i;
    }
    if (np == 8 && blocked) { /* 8 points at once, gathered into a block when they are not adjacent */
      const double *src = x + pend[0] * d;
      if (pend[7] - pend[0] != 7) {
        for (int p = 0; p < 8; p++) memcpy(rows + (size_t)p * d, x + pend[p] * d, d * sizeof *rows);
        src = rows;
      }
      nearest8(src, d, k, centers, blk, blk1, blk2);
    } else {
      for (size_t p = 0; p < np; p++) blk[p] = nearest(x + pend[p] * d, ct, d, k, acc, &blk1[p], &blk2[p]);
    }
    for (size_t p = 0; p < np; p++) {
      size_t j = pend[p];
      if (upper) upper[j] = sqrt(blk1[p]), lower[j] = sqrt(blk2[p]);
      if (blk[p] != assign[j]) assign[j] = blk[p], changed++;
    }
  }
  /* centre sums in point order, so Lloyd and Hamerly add the same numbers in the same order */
  for (size_t i = lo; i < hi; i++) {
    const double *xi = x + i * d;
    uint32_t c = assign[i];
    counts[c]++;
    double *s = sums + (size_t)c * d;
#pragma omp simd
    for (size_t j = 0; j < d; j++) s[j] += xi[j];
  }
  return changed;
}

/* One pass over all points, chunk by chunk (see scan_chunk). first: no
 * bounds yet, scan everything. Returns the points that changed. */
static size_t assign_pass(const double *x, size_t n, size_t d, int k, const double *centers, work *w, uint32_t *assign,
                          bool hamerly, bool first, int *failed) {
  size_t changed = 0;
  transpose(centers, d, k, w->ct);
#pragma omp parallel reduction(+ : changed)
  {
    double *acc = tm_malloc((size_t)k * sizeof *acc);
    if (!acc) {
#pragma omp atomic write
      *failed = 1;
    }
#pragma omp for schedule(static)
    for (size_t b = 0; b < w->nchunks; b++) {
      if (!acc) continue;
      chunk_clear(w, b, d, k);
      size_t hi = (b + 1) * CHUNK < n ? (b + 1) * CHUNK : n;
      changed += scan_chunk(x, b * CHUNK, hi, d, k, centers, w->ct, assign, w->sums + b * (size_t)k * d,
                            w->counts + b * (size_t)k, hamerly ? w->upper : NULL, hamerly ? w->lower : NULL, w->half,
                            hamerly && !first, acc);
    }
    tm_free(acc);
  }
  return changed;
}

/* Hamerly's bound maintenance after the centres moved. */
static void update_bounds(const double *centers, size_t n, size_t d, int k, work *w, const uint32_t *assign) {
  int far = 0;
  for (int c = 1; c < k; c++)
    if (w->moved[c] > w->moved[far]) far = c;
  double next = 0;
  for (int c = 0; c < k; c++)
    if (c != far && w->moved[c] > next) next = w->moved[c];
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) {
    w->upper[i] += w->moved[assign[i]];
    w->lower[i] -= assign[i] == (uint32_t)far ? next : w->moved[far];
  }
  for (int c = 0; c < k; c++) {
    double m = DBL_MAX;
    for (int o = 0; o < k; o++)
      if (o != c) {
        double v = dist2(centers + (size_t)c * d, centers + (size_t)o * d, d);
        if (v < m) m = v;
      }
    w->half[c] = k > 1 ? sqrt(m) / 2 : DBL_MAX;
  }
}

static int minibatch(const double *x, size_t n, size_t d, int k, int max_iter, size_t batch, uint64_t seed,
                     double *centers, uint32_t *assign) {
  if (!batch) batch = TM_KM_DEFAULT_BATCH;
  size_t *idx = tm_malloc(batch * sizeof *idx), *seen = tm_calloc((size_t)k, sizeof *seen);
  uint32_t *ba = tm_malloc(batch * sizeof *ba);
  double *ct = tm_malloc((size_t)k * d * sizeof *ct);
  int failed = 0;
  if (!idx || !seen || !ba || !ct) failed = 1;
  tm_rng rng;
  tm_rng_seed(&rng, seed, 0xba7c);
  for (int it = 0; it < max_iter && !failed; it++) {
    for (size_t b = 0; b < batch; b++) idx[b] = (size_t)tm_rng_below(&rng, n);
    transpose(centers, d, k, ct);
#pragma omp parallel
    {
      double *acc = tm_malloc((size_t)k * sizeof *acc), b1, b2;
      if (!acc) {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
      for (size_t b = 0; b < batch; b++)
        if (acc) ba[b] = nearest(x + idx[b] * d, ct, d, k, acc, &b1, &b2);
      tm_free(acc);
    }
    /* per-centre learning rate 1 / points seen, applied in batch order */
    for (size_t b = 0; b < batch && !failed; b++) {
      double *cc = centers + (size_t)ba[b] * d, eta = 1.0 / (double)++seen[ba[b]];
      const double *xi = x + idx[b] * d;
      for (size_t j = 0; j < d; j++) cc[j] += eta * (xi[j] - cc[j]);
    }
  }
  if (!failed) {
    transpose(centers, d, k, ct);
#pragma omp parallel
    {
      double *acc = tm_malloc((size_t)k * sizeof *acc), b1, b2;
      if (!acc) {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
      for (size_t i = 0; i < n; i++)
        if (acc) assign[i] = nearest(x + i * d, ct, d, k, acc, &b1, &b2);
      tm_free(acc);
    }
  }
  tm_free(idx), tm_free(seen), tm_free(ba), tm_free(ct);
  return failed ? TM_ENOMEM : 0;
}

int tm_kmeans_iterate(const double *x, size_t n, size_t d, int k, tm_kmeans_alg alg, int max_iter, size_t batch,
                      uint64_t seed, double *centers, uint32_t *assign, int *iterations) {
  if (alg == TM_KM_AUTO) alg = tm_kmeans_auto(n, k);
  if (alg == TM_KM_MINIBATCH) {
    *iterations = max_iter;
    return minibatch(x, n, d, k, max_iter, batch, seed, centers, assign);
  }
  bool hamerly = alg == TM_KM_HAMERLY;
  work w;
  if (work_init(&w, n, d, k, hamerly)) return TM_ENOMEM;
  for (size_t i = 0; i < n; i++) assign[i] = UINT32_MAX;
  int it = 0, failed = 0;
  for (;;) {
    size_t changed = assign_pass(x, n, d, k, centers, &w, assign, hamerly, it == 0, &failed);
    if (failed || !changed || it >= max_iter) break;
    update_centers(&w, d, k, centers);
    it++;
    if (hamerly) update_bounds(centers, n, d, k, &w, assign);
  }
  *iterations = it;
  work_free(&w);
  return failed ? TM_ENOMEM : 0;
}

double tm_kmeans_inertia(const double *x, size_t n, size_t d, const double *centers, const uint32_t *assign) {
  size_t nchunks = (n + CHUNK - 1) / CHUNK;
  double total = 0;
  /* per-chunk partial sums added in chunk order: the same at any thread count */
  double *part = tm_malloc((nchunks ? nchunks : 1) * sizeof *part);
  if (!part) {
    for (size_t i = 0; i < n; i++) total += dist2(x + i * d, centers + (size_t)assign[i] * d, d);
    return total;
  }
#pragma omp parallel for schedule(static)
  for (size_t b = 0; b < nchunks; b++) {
    double s = 0;
    size_t hi = (b + 1) * CHUNK < n ? (b + 1) * CHUNK : n;
    for (size_t i = b * CHUNK; i < hi; i++) s += dist2(x + i * d, centers + (size_t)assign[i] * d, d);
    part[b] = s;
  }
  for (size_t b = 0; b < nchunks; b++) total += part[b];
  tm_free(part);
  return total;
}

tm_kmeans_alg tm_kmeans_auto(size_t n, int k) {
  /* on the benchmark data (overlapping blobs, k = 8 and 32) Hamerly's bounds
   * ruled out too few points to pay for their upkeep and Lloyd was faster, so
   * auto does not pick Hamerly (docs/benchmarks.md) */
  (void)k;
  return n >= TM_KM_MINIBATCH_FROM ? TM_KM_MINIBATCH : TM_KM_LLOYD;
}

const char *tm_kmeans_alg_name(tm_kmeans_alg alg) {
  return alg == TM_KM_LLOYD ? "lloyd" : alg == TM_KM_HAMERLY ? "hamerly" : alg == TM_KM_MINIBATCH ? "minibatch" : "auto";
}

int tm_kmeans_run(tm_kmeans_result *out, const double *x, size_t n, size_t d, const tm_kmeans_params *p,
                  tm_error *err) {
  memset(out, 0, sizeof *out);
  int k = p->k, restarts = p->restarts < 1 ? 1 : p->restarts, max_iter = p->max_iter < 1 ? 100 : p->max_iter;
  if (k < 1 || (size_t)k > n) return tm_error_set(err, TM_EINVAL, "k = %d, but there are %zu customers to cluster", k, n);
  tm_kmeans_alg alg = p->alg == TM_KM_AUTO ? tm_kmeans_auto(n, k) : p->alg;
  double *centers = tm_malloc((size_t)k * d * sizeof *centers), *dmin = tm_malloc(n * sizeof *dmin);
  uint32_t *assign = tm_malloc(n * sizeof *assign);
  out->centers = tm_malloc((size_t)k * d * sizeof *out->centers);
  out->assign = tm_malloc(n * sizeof *out->assign);
  if (!centers || !dmin || !assign || !out->centers || !out->assign) goto oom;
  out->inertia = DBL_MAX;
  out->k = k;
  out->d = d;
  out->alg = alg;
  for (int r = 0; r < restarts; r++) {
    tm_rng rng;
    tm_rng_seed(&rng, p->seed, (uint64_t)r);
    seed_plus_plus(x, n, d, k, &rng, centers, dmin);
    int iters;
    if (tm_kmeans_iterate(x, n, d, k, alg, max_iter, p->batch, tm_rng_next(&rng), centers, assign, &iters)) goto oom;
    double inertia = tm_kmeans_inertia(x, n, d, centers, assign);
    if (inertia < out->inertia) {
      out->inertia = inertia;
      out->iterations = iters;
      memcpy(out->centers, centers, (size_t)k * d * sizeof *centers);
      memcpy(out->assign, assign, n * sizeof *assign);
    }
  }
  tm_free(centers), tm_free(dmin), tm_free(assign);
  return 0;
oom:
  tm_free(centers), tm_free(dmin), tm_free(assign);
  tm_kmeans_free(out);
  return tm_error_nomem(err);
}

int tm_kmeans(tm_kmeans_result *out, const double *x, size_t n, size_t d, int k, int restarts, int max_iter,
              uint64_t seed, tm_error *err) {
  tm_kmeans_params p = {k, restarts, max_iter, seed, TM_KM_AUTO, 0};
  if (n >= TM_KM_MINIBATCH_FROM) p.alg = TM_KM_LLOYD; /* exact, as the name promises */
  return tm_kmeans_run(out, x, n, d, &p, err);
}

void tm_kmeans_free(tm_kmeans_result *r) {
  tm_free(r->centers);
  tm_free(r->assign);
  memset(r, 0, sizeof *r);
}
