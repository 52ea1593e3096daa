/*
 * mem.c — allocator wrapper with fault injection (see tm_debug_fail_alloc_after
 * in touchmine.h). The counter is process-wide and not thread-safe: it is a
 * test facility, used single-threaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/common.h"

static long fail_after = -1; /* -1: never fail */

void tm_debug_fail_alloc_after(long n) { fail_after = n; }

static int should_fail(void) {
  if (fail_after < 0) return 0;
  if (fail_after == 0) return 1;
  fail_after--;
  return 0;
}

/* Big tables (hash sets of event keys, dataset columns) are touched at random:
 * backing them with transparent huge pages cuts TLB misses and page faults,
 * which measured as a fifth of ingest time on this machine's VM. */
#define HUGE_FROM (8u << 20)
static void *advise_huge(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  if (p && n >= HUGE_FROM) {
    uintptr_t b = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)((2u << 20) - 1);
    if (e > b) madvise((void *)b, e - b, MADV_HUGEPAGE);
  }
#endif
  return p;
}

void *tm_malloc(size_t n) { return should_fail() ? NULL : advise_huge(malloc(n ? n : 1), n); }
void *tm_calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  if (size && count > SIZE_MAX / size) return NULL;
  return advise_huge(calloc(count ? count : 1, size ? size : 1), count * size);
}
void *tm_realloc(void *p, size_t n) { return should_fail() ? NULL : advise_huge(realloc(p, n ? n : 1), n); }
void tm_free(void *p) { free(p); }

char *tm_strndup(const char *s, size_t n) {
  char *d = tm_malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}
char *tm_strdup(const char *s) { return tm_strndup(s, strlen(s)); }

int tm_grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > ((size_t)-1) / 2 / elem) return TM_ENOMEM;
    ncap *= 2;
  }
  void *np = tm_realloc(*p, ncap * elem);
  if (!np) return TM_ENOMEM;
  *p = np;
  *cap = ncap;
  return 0;
}
