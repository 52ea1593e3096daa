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

typedef struct tm_u64map {
  uint64_t *keys;
  uint64_t *vals;
  uint8_t *used;
  size_t cap, count;
} tm_u64map;

int tm_u64map_init(tm_u64map *m, size_t expected);
void tm_u64map_fini(tm_u64map *m);
/* Returns a pointer to the value of key, or NULL. */
uint64_t *tm_u64map_get(const tm_u64map *m, uint64_t key);
/* Inserts key if absent with value val. *slot points at the stored value;
 * *inserted tells whether it was new. Returns 0 or TM_ENOMEM. */
int tm_u64map_put(tm_u64map *m, uint64_t key, uint64_t val, uint64_t **slot, bool *inserted);

/* ------------------------------------------------------------------ dict */

typedef struct tm_dict {
  uint32_t *slots;    /* id + 1, 0 = empty */
  size_t cap;
  uint64_t *hashes;   /* per id */
  uint64_t *offs;     /* per id: offset of the string in buf */
  uint32_t *lens;     /* per id */
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
static inline const char *tm_dict_str(const tm_dict *d, uint32_t id) { return d->buf + d->offs[id]; }
static inline uint32_t tm_dict_len(const tm_dict *d, uint32_t id) { return d->lens[id]; }

#endif
