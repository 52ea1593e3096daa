/*
 * hashmap.h — two open-addressing hash tables the library leans on:
 *  - tm_u64map: uint64 key → uint64 value (event-key de-duplication, id maps);
 *  - tm_dict: string interning, bytes → dense uint32 id in first-seen order,
 *    the dictionary encoding of every string column.
 * Keys are hashed with xxHash (XXH3). Linear probing, power-of-two capacity,
 * load factor <= 0.5 (u64map) / 0.7 (dict). Internal.
 */
#ifndef TM_CORE_HASHMAP_H
#define TM_CORE_HASHMAP_H
#include "core/common.h"

uint64_t tm_hash64(const void *data, size_t len);
uint64_t tm_hash64_seed(const void *data, size_t len, uint64_t seed);

/* ---------------------------------------------------------------- u64map */

/* Key and value side by side: one cache miss per probe on big tables. Key 0
 * marks an empty slot, so the key 0 itself lives in has_zero / zero_val. */
typedef struct tm_u64slot {
  uint64_t key, val;
} tm_u64slot;

typedef struct tm_u64map {
  tm_u64slot *slots;
  size_t cap, count;
  bool has_zero;
  uint64_t zero_val;
} tm_u64map;

/* Iteration: for (i = 0; i < m->cap; i++) if (m->slots[i].key) ...; plus the zero key. */

int tm_u64map_init(tm_u64map *m, size_t expected);
void tm_u64map_fini(tm_u64map *m);
/* Starts loading key's slot into cache: call it early, do other work, then put. */
static inline void tm_u64map_prefetch(const tm_u64map *m, uint64_t key) {
  if (m->cap) {
    uint64_t x = key;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    __builtin_prefetch(&m->slots[x & (m->cap - 1)], 1);
  }
}
/* Returns a pointer to the value of key, or NULL. */
uint64_t *tm_u64map_get(const tm_u64map *m, uint64_t key);
/* Inserts key if absent with value val. *slot points at the stored value;
 * *inserted tells whether it was new. Returns 0 or TM_ENOMEM. */
int tm_u64map_put(tm_u64map *m, uint64_t key, uint64_t val, uint64_t **slot, bool *inserted);

/* ------------------------------------------------------------------ dict */

typedef struct tm_dict_entry {
  uint64_t hash, off; /* off: of the string in buf */
  uint32_t len;
} tm_dict_entry;

typedef struct tm_dict {
  uint64_t *slots;    /* (hash >> 32) << 32 | (id + 1); 0 = empty: a probe
                         compares the hash tag before touching the entry */
  size_t cap;
  tm_dict_entry *ent; /* per id */
  size_t count, idcap;
  char *buf;          /* strings, each NUL-terminated */
  size_t buflen, bufcap;
} tm_dict;

int tm_dict_init(tm_dict *d);
void tm_dict_fini(tm_dict *d);
/* Interns s[0..n): sets *id (existing or new). Returns 0 or TM_ENOMEM. */
int tm_dict_intern(tm_dict *d, const char *s, size_t n, uint32_t *id);
/* Looks s up: returns its id, or UINT32_MAX when absent. */
uint32_t tm_dict_find(const tm_dict *d, const char *s, size_t n);
static inline const char *tm_dict_str(const tm_dict *d, uint32_t id) { return d->buf + d->ent[id].off; }
static inline uint32_t tm_dict_len(const tm_dict *d, uint32_t id) { return d->ent[id].len; }
static inline uint64_t tm_dict_hash(const tm_dict *d, uint32_t id) { return d->ent[id].hash; }

#endif
