/*
 * rules_gen.c — a seeded synthetic basket file for bench/rules.sh (in the
 * spirit of the IBM Quest generator): N baskets over 2,000 items of Zipf
 * popularity, lengths 1 + Poisson(7) (at most 60), and 40% of baskets also
 * holding one of 60 planted patterns of 2-5 items. Writes FIMI (one basket per
 * line) and, when a second path is given, the same baskets as a sparse ARFF
 * for Weka. usage: rules_gen N SEED OUT.dat [OUT.arff]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEMS 2000
#define PATTERNS 60

static uint64_t s;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static double unif(void) { return (next() >> 11) * 0x1.0p-53; }

static double cdf[ITEMS];
static int zipf(void) {
  double u = unif();
  int lo = 0, hi = ITEMS - 1;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
static int poisson(double lambda) {
  double l = exp(-lambda), p = 1;
  int k = 0;
  do k++, p *= unif(); while (p > l);
  return k - 1;
}
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: rules_gen N SEED OUT.dat [OUT.arff]\n");
    return 2;
  }
  long n = atol(argv[1]);
  s = strtoull(argv[2], NULL, 10);
  FILE *f = fopen(argv[3], "w"), *a = argc > 4 ? fopen(argv[4], "w") : NULL;
  if (!f || (argc > 4 && !a)) return 1;
  double sum = 0;
  for (int i = 0; i < ITEMS; i++) sum += 1.0 / (i + 1);
  double acc = 0;
  for (int i = 0; i < ITEMS; i++) acc += 1.0 / (i + 1) / sum, cdf[i] = acc;
  cdf[ITEMS - 1] = 1.0;
  int pat[PATTERNS][5], plen[PATTERNS];
  for (int p = 0; p < PATTERNS; p++) {
    plen[p] = 2 + (int)(next() % 4);
    for (int j = 0; j < plen[p]; j++) pat[p][j] = (int)(next() % ITEMS);
  }
  if (a) {
    fprintf(a, "@relation baskets\n");
    for (int i = 0; i < ITEMS; i++) fprintf(a, "@attribute i%d {0,1}\n", i);
    fprintf(a, "@data\n");
  }
  int b[80];
  for (long t = 0; t < n; t++) {
    int len = 1 + poisson(7.0), k = 0;
    if (len > 60) len = 60;
    for (int j = 0; j < len; j++) b[k++] = zipf();
    if (unif() < 0.4) {
      int p = (int)(next() % PATTERNS);
      for (int j = 0; j < plen[p]; j++) b[k++] = pat[p][j];
    }
    qsort(b, (size_t)k, sizeof *b, cmp);
    int w = 0;
    for (int j = 0; j < k; j++)
      if (!w || b[j] != b[w - 1]) b[w++] = b[j];
    for (int j = 0; j < w; j++) fprintf(f, j ? " %d" : "%d", b[j]);
    fputc('\n', f);
    if (a) {
      fputc('{', a);
      for (int j = 0; j < w; j++) fprintf(a, j ? ",%d 1" : "%d 1", b[j]);
      fputs("}\n", a);
    }
  }
  fclose(f);
  if (a) fclose(a);
  return 0;
}
