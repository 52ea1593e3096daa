/*
 * hashmap.c — open-addressing tables (see hashmap.h).
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/hashmap.h"

uint64_t tm_hash64(const void *data, size_t len) { return XXH3_64bits(data, len); }
uint64_t tm_hash64_seed(const void *data, size_t len, uint64_t seed) {
  return XXH3_64bits_withSeed(data, len, seed);
}

static size_t pow2_at_least(size_t n) {
  size_t c = 16;
  while (c < n) c <<= 1;
  return c;
}

/* Mixes a key that may already be a hash, or a small integer. */
static inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/* ---------------------------------------------------------------- u64map */

int tm_u64map_init(tm_u64map *m, size_t expected) {
  memset(m, 0, sizeof *m);
  m->cap = pow2_at_least(expected * 2 + 1);
  m->keys = tm_malloc(m->cap * sizeof *m->keys);
  m->vals = tm_malloc(m->cap * sizeof *m->vals);
  m->used = tm_calloc(m->cap, 1);
  if (!m->keys || !m->vals || !m->used) {
    tm_u64map_fini(m);
    return TM_ENOMEM;
  }
  return 0;
}

void tm_u64map_fini(tm_u64map *m) {
  tm_free(m->keys);
  tm_free(m->vals);
  tm_free(m->used);
  memset(m, 0, sizeof *m);
}

uint64_t *tm_u64map_get(const tm_u64map *m, uint64_t key) {
  if (!m->cap) return NULL;
  size_t mask = m->cap - 1, i = mix64(key) & mask;
  while (m->used[i]) {
    if (m->keys[i] == key) return &m->vals[i];
    i = (i + 1) & mask;
  }
  return NULL;
}

static int u64map_grow(tm_u64map *m) {
  tm_u64map n;
  if (tm_u64map_init(&n, m->cap) != 0) return TM_ENOMEM; /* cap*2 slots */
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->used[i]) continue;
    size_t mask = n.cap - 1, j = mix64(m->keys[i]) & mask;
    while (n.used[j]) j = (j + 1) & mask;
    n.used[j] = 1;
    n.keys[j] = m->keys[i];
    n.vals[j] = m->vals[i];
  }
  n.count = m->count;
  tm_u64map_fini(m);
  *m = n;
  return 0;
}

int tm_u64map_put(tm_u64map *m, uint64_t key, uint64_t val, uint64_t **slot, bool *inserted) {
  if ((m->count + 1) * 2 > m->cap && u64map_grow(m) != 0) return TM_ENOMEM;
  size_t mask = m->cap - 1, i = mix64(key) & mask;
  while (m->used[i]) {
    if (m->keys[i] == key) {
      if (slot) *slot = &m->vals[i];
      if (inserted) *inserted = false;
      return 0;
    }
    i = (i + 1) & mask;
  }
  m->used[i] = 1;
  m->keys[i] = key;
  m->vals[i] = val;
  m->count++;
  if (slot) *slot = &m->vals[i];
  if (inserted) *inserted = true;
  return 0;
}

/* ------------------------------------------------------------------ dict */

int tm_dict_init(tm_dict *d) {
  memset(d, 0, sizeof *d);
  d->cap = 64;
  d->slots = tm_calloc(d->cap, sizeof *d->slots);
  return d->slots ? 0 : TM_ENOMEM;
}

void tm_dict_fini(tm_dict *d) {
  tm_free(d->slots);
  tm_free(d->hashes);
  tm_free(d->offs);
  tm_free(d->lens);
  tm_free(d->buf);
  memset(d, 0, sizeof *d);
}

static uint32_t dict_probe(const tm_dict *d, const char *s, size_t n, uint64_t h, size_t *pos) {
  size_t mask = d->cap - 1, i = h & mask;
  for (;;) {
    uint32_t v = d->slots[i];
    if (!v) {
      *pos = i;
      return UINT32_MAX;
    }
    uint32_t id = v - 1;
    if (d->hashes[id] == h && d->lens[id] == n && memcmp(d->buf + d->offs[id], s, n) == 0) {
      *pos = i;
      return id;
    }
    i = (i + 1) & mask;
  }
}

uint32_t tm_dict_find(const tm_dict *d, const char *s, size_t n) {
  size_t pos;
  return dict_probe(d, s, n, tm_hash64(s, n), &pos);
}

static int dict_rehash(tm_dict *d) {
  size_t ncap = d->cap * 2;
  uint32_t *ns = tm_calloc(ncap, sizeof *ns);
  if (!ns) return TM_ENOMEM;
  for (size_t id = 0; id < d->count; id++) {
    size_t i = d->hashes[id] & (ncap - 1);
    while (ns[i]) i = (i + 1) & (ncap - 1);
    ns[i] = (uint32_t)id + 1;
  }
  tm_free(d->slots);
  d->slots = ns;
  d->cap = ncap;
  return 0;
}

static int dict_reserve_ids(tm_dict *d, size_t need) {
  if (need <= d->idcap) return 0;
  size_t ncap = d->idcap ? d->idcap * 2 : 64;
  uint64_t *h = tm_realloc(d->hashes, ncap * sizeof *h);
  if (!h) return TM_ENOMEM;
  d->hashes = h;
  uint64_t *o = tm_realloc(d->offs, ncap * sizeof *o);
  if (!o) return TM_ENOMEM;
  d->offs = o;
  uint32_t *l = tm_realloc(d->lens, ncap * sizeof *l);
  if (!l) return TM_ENOMEM;
  d->lens = l;
  d->idcap = ncap;
  return 0;
}

int tm_dict_intern(tm_dict *d, const char *s, size_t n, uint32_t *id) {
  uint64_t h = tm_hash64(s, n);
  size_t pos;
  uint32_t found = dict_probe(d, s, n, h, &pos);
  if (found != UINT32_MAX) {
    *id = found;
    return 0;
  }
  if (d->count >= UINT32_MAX - 1 || n > UINT32_MAX) return TM_ENOMEM;
  /* Grow before inserting so the table never fills past 0.7. */
  if ((d->count + 1) * 10 > d->cap * 7) {
    if (dict_rehash(d) != 0) return TM_ENOMEM;
    dict_probe(d, s, n, h, &pos);
  }
  if (dict_reserve_ids(d, d->count + 1)) return TM_ENOMEM;
  if (TM_GROW(d->buf, d->bufcap, d->buflen + n + 1)) return TM_ENOMEM;
  memcpy(d->buf + d->buflen, s, n);
  d->buf[d->buflen + n] = '\0';
  uint32_t nid = (uint32_t)d->count;
  d->hashes[nid] = h;
  d->offs[nid] = d->buflen;
  d->lens[nid] = (uint32_t)n;
  d->buflen += n + 1;
  d->count++;
  d->slots[pos] = nid + 1;
  *id = nid;
  return 0;
}
