/*
 * rng.c — xoshiro256** seeded by splitmix64, and distributions on top of it.
 *
 * References: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number
 * generators" (2018) for xoshiro256** and splitmix64; G. Marsaglia, W. Tsang,
 * "A simple method for generating gamma variables" (2000); W. Hörmann, "The
 * transformed rejection method for generating Poisson random variables"
 * (1993); D. Lemire, "Fast random integer generation in an interval" (2019).
 */
#include <math.h>

#include "core/rng.h"

uint64_t tm_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t tm_splitmix64(uint64_t *state) {
  *state += 0x9e3779b97f4a7c15ULL;
  return tm_mix64(*state);
}

void tm_rng_seed(tm_rng *r, uint64_t seed, uint64_t stream) {
  /* Mixing the stream number before adding it keeps nearby streams of nearby
   * seeds apart (seed 1 stream 2 is not seed 2 stream 1). */
  uint64_t x = tm_mix64(seed ^ 0x6a09e667f3bcc909ULL) + tm_mix64(stream + 0x3c6ef372fe94f82bULL);
  for (int i = 0; i < 4; i++)
    r->s[i] = tm_splitmix64(&x);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t tm_rng_next(tm_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double tm_rng_uniform(tm_rng *r) { return (double)(tm_rng_next(r) >> 11) * 0x1.0p-53; }

double tm_rng_uniform_pos(tm_rng *r) { return ((double)(tm_rng_next(r) >> 12) + 0.5) * 0x1.0p-52; }

uint64_t tm_rng_below(tm_rng *r, uint64_t n) {
  if (n == 0) return 0;
  unsigned __int128 m = (unsigned __int128)tm_rng_next(r) * n;
  uint64_t lo = (uint64_t)m;
  if (lo < n) {
    uint64_t t = (0 - n) % n;
    while (lo < t) {
      m = (unsigned __int128)tm_rng_next(r) * n;
      lo = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

int64_t tm_rng_range(tm_rng *r, int64_t lo, int64_t hi) {
  return lo + (int64_t)tm_rng_below(r, (uint64_t)(hi - lo) + 1);
}

bool tm_rng_bernoulli(tm_rng *r, double p) { return tm_rng_uniform(r) < p; }

double tm_rng_normal(tm_rng *r) {
  for (;;) {
    double u = 2.0 * tm_rng_uniform(r) - 1.0, v = 2.0 * tm_rng_uniform(r) - 1.0;
    double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
  }
}

double tm_rng_exponential(tm_rng *r, double rate) { return -log(tm_rng_uniform_pos(r)) / rate; }

double tm_rng_gamma(tm_rng *r, double shape, double rate) {
  if (shape < 1.0) {
    double g = tm_rng_gamma(r, shape + 1.0, 1.0);
    return g * pow(tm_rng_uniform_pos(r), 1.0 / shape) / rate;
  }
  double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x = tm_rng_normal(r), v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    double u = tm_rng_uniform_pos(r), x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v / rate;
    if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) return d * v / rate;
  }
}

double tm_rng_beta(tm_rng *r, double a, double b) {
  double x = tm_rng_gamma(r, a, 1.0), y = tm_rng_gamma(r, b, 1.0);
  return x + y > 0.0 ? x / (x + y) : 0.5;
}

uint64_t tm_rng_poisson(tm_rng *r, double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 10.0) {
    double l = exp(-mean), p = 1.0;
    uint64_t k = 0;
    for (;;) {
      p *= tm_rng_uniform(r);
      if (p <= l) return k;
      k++;
    }
  }
  /* PTRS, as in Hörmann (1993), table 2. */
  double slam = sqrt(mean), loglam = log(mean);
  double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    double u = tm_rng_uniform(r) - 0.5, v = tm_rng_uniform_pos(r);
    double us = 0.5 - fabs(u);
    double k = floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return (uint64_t)k;
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1.0))
      return (uint64_t)k;
  }
}

size_t tm_rng_categorical(tm_rng *r, const double *w, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    sum += w[i];
  double u = tm_rng_uniform(r) * sum;
  size_t last = n ? n - 1 : 0;
  for (size_t i = 0; i < n; i++) {
    if (w[i] <= 0.0) continue;
    if (u < w[i]) return i;
    u -= w[i];
    last = i; /* rounding can leave u just above the sum: fall back here */
  }
  return last;
}
