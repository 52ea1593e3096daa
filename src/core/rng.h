/*
 * rng.h — the library's random numbers: xoshiro256** (Blackman & Vigna 2018)
 * seeded through splitmix64, and the distributions the generators and miners
 * need (uniform, normal, exponential, gamma, beta, Poisson, categorical).
 * Internal to the library.
 *
 * Determinism: every function is a pure function of the generator state and
 * its arguments (plus libm's log/exp/sqrt/lgamma, which are deterministic on a
 * given machine). A stream is named by (seed, stream): work split by customer
 * gives each customer its own stream, so results do not depend on how the
 * work is divided among threads. A tm_rng is a plain value: copy it to fork,
 * never share one between threads.
 */
#ifndef TM_CORE_RNG_H
#define TM_CORE_RNG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tm_rng {
  uint64_t s[4];
} tm_rng;

/* splitmix64: advances *state and returns the next output. */
uint64_t tm_splitmix64(uint64_t *state);
/* The splitmix64 finaliser: a bijection on 64-bit integers with good
 * avalanche; handy as a hash of an integer. */
uint64_t tm_mix64(uint64_t x);

/* Seeds r for stream number `stream` of `seed`: distinct (seed, stream)
 * pairs give unrelated sequences. The state is never all zero. */
void tm_rng_seed(tm_rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits (xoshiro256**). */
uint64_t tm_rng_next(tm_rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double tm_rng_uniform(tm_rng *r);
/* Uniform on (0, 1): never 0, safe under log(). */
double tm_rng_uniform_pos(tm_rng *r);
/* Uniform integer on [0, n) without bias (Lemire's method); n = 0 gives 0. */
uint64_t tm_rng_below(tm_rng *r, uint64_t n);
/* Uniform integer on [lo, hi] (inclusive); lo <= hi. */
int64_t tm_rng_range(tm_rng *r, int64_t lo, int64_t hi);
/* True with probability p. */
bool tm_rng_bernoulli(tm_rng *r, double p);

/* Standard normal N(0, 1) (Marsaglia's polar method; the second value of each
 * pair is dropped so that the generator carries no hidden state). */
double tm_rng_normal(tm_rng *r);
/* Exponential with the given rate (mean 1/rate); rate > 0. */
double tm_rng_exponential(tm_rng *r, double rate);
/* Gamma with shape k > 0 and rate > 0 (mean k/rate), by Marsaglia & Tsang
 * (2000); shapes below 1 use the boost Gamma(k+1) * U^(1/k). */
double tm_rng_gamma(tm_rng *r, double shape, double rate);
/* Beta(a, b), a, b > 0, as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
double tm_rng_beta(tm_rng *r, double a, double b);
/* Poisson with the given mean >= 0: multiplication of uniforms below 10,
 * Hörmann's transformed rejection (PTRS, 1993) above. */
uint64_t tm_rng_poisson(tm_rng *r, double mean);
/* An index in [0, n) drawn with probability w[i] / sum(w); weights >= 0, not
 * necessarily normalised. Returns n - 1 if every weight is 0; never an
 * index of weight 0 otherwise. */
size_t tm_rng_categorical(tm_rng *r, const double *w, size_t n);

#endif
