/*
 * evaluate.c — how good the scores are: AUC (the Mann-Whitney statistic with
 * mid-ranks for ties, as sklearn's roc_auc_score), average precision (the
 * step-wise PR-AUC, as sklearn's average_precision_score), the Brier score,
 * lift and capture by decile, a calibration table, and the stratified folds
 * of the cross-validation. Sorts break ties by row number, so every figure is
 * a function of the scores alone.
 */
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "predict/predict.h"

static int by_score_desc(const void *a, const void *b, void *arg) {
  const double *s = arg;
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  if (s[i] != s[j]) return s[i] > s[j] ? -1 : 1;
  return i < j ? -1 : i > j;
}

/* row indices by score, highest first; NULL when out of memory */
static size_t *order_desc(const double *s, size_t n) {
  size_t *ix = tm_malloc((n ? n : 1) * sizeof *ix);
  if (!ix) return NULL;
  for (size_t i = 0; i < n; i++) ix[i] = i;
  qsort_r(ix, n, sizeof *ix, by_score_desc, (void *)s);
  return ix;
}

double pr_auc(const double *s, const uint8_t *y, size_t n) {
  size_t *ix = order_desc(s, n);
  if (!ix) return NAN;
  /* ranks ascending: the row at position p (descending) has rank n - p */
  double pos = 0, rank_sum = 0;
  for (size_t p = 0; p < n;) {
    size_t q = p;
    while (q < n && s[ix[q]] == s[ix[p]]) q++;
    double mid = (double)n - ((double)p + (double)q - 1) / 2.0; /* mean of ranks n-p .. n-q+1 */
    for (size_t k = p; k < q; k++)
      if (y[ix[k]]) pos++, rank_sum += mid;
    p = q;
  }
  tm_free(ix);
  double neg = (double)n - pos;
  if (!pos || !neg) return NAN;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double pr_average_precision(const double *s, const uint8_t *y, size_t n) {
  size_t *ix = order_desc(s, n);
  if (!ix) return NAN;
  double total = 0;
  for (size_t i = 0; i < n; i++) total += y[i];
  double tp = 0, ap = 0, prev_recall = 0;
  for (size_t p = 0; p < n;) {
    size_t q = p;
    while (q < n && s[ix[q]] == s[ix[p]]) q++;
    for (size_t k = p; k < q; k++) tp += y[ix[k]];
    double recall = total ? tp / total : 0, precision = tp / (double)q;
    ap += (recall - prev_recall) * precision;
    prev_recall = recall;
    p = q;
  }
  tm_free(ix);
  return total ? ap : NAN;
}

double pr_brier(const double *s, const uint8_t *y, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += (s[i] - y[i]) * (s[i] - y[i]);
  return n ? sum / (double)n : NAN;
}

int pr_deciles(pr_decile out[10], int *decile_of, const double *s, const uint8_t *y, size_t n) {
  memset(out, 0, 10 * sizeof *out);
  size_t *ix = order_desc(s, n);
  if (!ix) return TM_ENOMEM;
  double total = 0;
  for (size_t p = 0; p < n; p++) {
    int dec = (int)(p * 10 / (n ? n : 1));
    if (decile_of) decile_of[ix[p]] = dec + 1;
    out[dec].customers++;
    if (y) out[dec].positives += y[ix[p]], total += y[ix[p]];
  }
  tm_free(ix);
  double base = n ? total / (double)n : 0, cum = 0;
  for (int k = 0; k < 10; k++) {
    out[k].rate = out[k].customers ? (double)out[k].positives / (double)out[k].customers : 0;
    out[k].lift = base > 0 ? out[k].rate / base : 0;
    cum += (double)out[k].positives;
    out[k].capture = total > 0 ? cum / total : 0;
  }
  return 0;
}

void pr_calibration(pr_calib out[10], const double *s, const uint8_t *y, size_t n) {
  memset(out, 0, 10 * sizeof *out);
  for (size_t i = 0; i < n; i++) {
    int b = (int)(s[i] * 10);
    b = b < 0 ? 0 : b > 9 ? 9 : b;
    out[b].customers++;
    out[b].mean_score += s[i];
    out[b].observed += y[i];
  }
  for (int b = 0; b < 10; b++)
    if (out[b].customers) out[b].mean_score /= (double)out[b].customers, out[b].observed /= (double)out[b].customers;
}

int pr_folds(int *fold, const uint8_t *y, size_t n, int k, uint64_t seed) {
  size_t *ix = tm_malloc((n ? n : 1) * sizeof *ix), m = 0;
  if (!ix) return TM_ENOMEM;
  tm_rng r;
  tm_rng_seed(&r, seed, 0x666f6c6473ull); /* "folds" */
  size_t dealt = 0;
  for (int cls = 1; cls >= 0; cls--) {
    m = 0;
    for (size_t i = 0; i < n; i++)
      if (y[i] == cls) ix[m++] = i;
    for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
      size_t j = (size_t)tm_rng_below(&r, i);
      size_t t = ix[i - 1];
      ix[i - 1] = ix[j];
      ix[j] = t;
    }
    for (size_t i = 0; i < m; i++) fold[ix[i]] = (int)(dealt++ % (size_t)k);
  }
  tm_free(ix);
  return 0;
}
