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
  m->slots = tm_calloc(m->cap, sizeof *m->slots);
  return m->slots ? 0 : TM_ENOMEM;
}

void tm_u64map_fini(tm_u64map *m) {
  tm_free(m->slots);
  memset(m, 0, sizeof *m);
}

uint64_t *tm_u64map_get(const tm_u64map *m, uint64_t key) {
  if (!key) return m->has_zero ? (uint64_t *)&m->zero_val : NULL;
  if (!m->cap) return NULL;
  size_t mask = m->cap - 1, i = mix64(key) & mask;
  while (m->slots[i].key) {
    if (m->slots[i].key == key) return &m->slots[i].val;
    i = (i + 1) & mask;
  }
  return NULL;
}

static int u64map_grow(tm_u64map *m) {
  size_t ncap = m->cap * 2;
  tm_u64slot *ns = tm_calloc(ncap, sizeof *ns);
  if (!ns) return TM_ENOMEM;
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->slots[i].key) continue;
    size_t j = mix64(m->slots[i].key) & (ncap - 1);
    while (ns[j].key) j = (j + 1) & (ncap - 1);
    ns[j] = m->slots[i];
  }
  tm_free(m->slots);
  m->slots = ns;
  m->cap = ncap;
  return 0;
}

int tm_u64map_put(tm_u64map *m, uint64_t key, uint64_t val, uint64_t **slot, bool *inserted) {
  if (!key) {
    bool was = m->has_zero;
    if (!was) m->has_zero = true, m->zero_val = val, m->count++;
    if (slot) *slot = &m->zero_val;
    if (inserted) *inserted = !was;
    return 0;
  }
  if ((m->count + 1) * 2 > m->cap && u64map_grow(m) != 0) return TM_ENOMEM;
  size_t mask = m->cap - 1, i = mix64(key) & mask;
  while (m->slots[i].key) {
    if (m->slots[i].key == key) {
      if (slot) *slot = &m->slots[i].val;
      if (inserted) *inserted = false;
      return 0;
    }
    i = (i + 1) & mask;
  }
  m->slots[i].key = key;
  m->slots[i].val = val;
  m->count++;
  if (slot) *slot = &m->slots[i].val;
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
  tm_free(d->ent);
  tm_free(d->buf);
  memset(d, 0, sizeof *d);
}

#define TAG(h) ((h) & 0xFFFFFFFF00000000ULL)

static uint32_t dict_probe(const tm_dict *d, const char *s, size_t n, uint64_t h, size_t *pos) {
  size_t mask = d->cap - 1, i = h & mask;
  for (;;) {
    uint64_t v = d->slots[i];
    if (!v) {
      *pos = i;
      return UINT32_MAX;
    }
    if (TAG(v) == TAG(h)) {
      uint32_t id = (uint32_t)v - 1;
      const tm_dict_entry *e = &d->ent[id];
      if (e->hash == h && e->len == n && memcmp(d->buf + e->off, s, n) == 0) {
        *pos = i;
        return id;
      }
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
  uint64_t *ns = tm_calloc(ncap, sizeof *ns);
  if (!ns) return TM_ENOMEM;
  for (size_t id = 0; id < d->count; id++) {
    uint64_t h = d->ent[id].hash;
    size_t i = h & (ncap - 1);
    while (ns[i]) i = (i + 1) & (ncap - 1);
    ns[i] = TAG(h) | (id + 1);
  }
  tm_free(d->slots);
  d->slots = ns;
  d->cap = ncap;
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
  if (TM_GROW(d->ent, d->idcap, d->count + 1)) return TM_ENOMEM;
  if (TM_GROW(d->buf, d->bufcap, d->buflen + n + 1)) return TM_ENOMEM;
  memcpy(d->buf + d->buflen, s, n);
  d->buf[d->buflen + n] = '\0';
  uint32_t nid = (uint32_t)d->count;
  d->ent[nid] = (tm_dict_entry){h, d->buflen, (uint32_t)n};
  d->buflen += n + 1;
  d->count++;
  d->slots[pos] = TAG(h) | (nid + 1);
  *id = nid;
  return 0;
}
