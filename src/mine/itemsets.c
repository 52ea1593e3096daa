/*
 * itemsets.c — the store of frequent itemsets the miner reports: each set's
 * ranks sorted ascending in one flat array, its support beside it, an
 * open-addressing index over the sets (xxHash of the ranks), and the closed /
 * maximal filters. A set is closed when no proper superset has the same
 * support and maximal when no proper superset is frequent; since supports
 * only fall as sets grow, looking at the immediate supersets is enough, so one
 * pass over each set's subsets one item smaller marks them.
 */
#include <stdlib.h>

#include "mine/rules_int.h"

int rl_itemsets_init(rl_itemsets *s) {
  memset(s, 0, sizeof *s);
  s->off = tm_malloc(16 * sizeof *s->off);
  s->support = tm_malloc(16 * sizeof *s->support);
  if (!s->off || !s->support) return TM_ENOMEM;
  s->cap = 16;
  s->off[0] = 0;
  return 0;
}

void rl_itemsets_free(rl_itemsets *s) {
  if (!s) return;
  tm_free(s->off);
  tm_free(s->items);
  tm_free(s->support);
  tm_free(s->slot);
  memset(s, 0, sizeof *s);
}

int rl_itemsets_add(rl_itemsets *s, const uint32_t *items, size_t len, uint32_t support) {
  size_t top = (size_t)s->off[s->n];
  if (s->n + 2 > s->cap) {
    size_t cap = s->cap, cap2 = s->cap;
    if (TM_GROW(s->off, cap, s->n + 2)) return TM_ENOMEM;
    if (TM_GROW(s->support, cap2, s->n + 2)) return TM_ENOMEM;
    s->cap = TM_MIN(cap, cap2);
  }
  if (top + len > s->items_cap && TM_GROW(s->items, s->items_cap, top + len)) return TM_ENOMEM;
  uint32_t *it = s->items + top;
  for (size_t i = 0; i < len; i++) {
    uint32_t v = items[i];
    size_t j = i;
    while (j && it[j - 1] > v) it[j] = it[j - 1], j--;
    it[j] = v;
  }
  s->support[s->n] = support;
  s->off[++s->n] = top + len;
  return 0;
}

static uint64_t set_hash(const uint32_t *items, size_t len) { return tm_hash64(items, len * sizeof *items); }

int rl_itemsets_index(rl_itemsets *s) {
  size_t want = 16;
  while (want < 2 * s->n + 2) want *= 2;
  tm_free(s->slot);
  s->slot = tm_calloc(want, sizeof *s->slot);
  if (!s->slot) return TM_ENOMEM;
  s->nslots = want;
  for (size_t i = 0; i < s->n; i++) {
    size_t h = (size_t)set_hash(rl_itemsets_at(s, i), rl_itemsets_len(s, i)) & (want - 1);
    while (s->slot[h]) h = (h + 1) & (want - 1);
    s->slot[h] = (uint32_t)i + 1;
  }
  return 0;
}

int64_t rl_itemsets_find(const rl_itemsets *s, const uint32_t *items, size_t len) {
  if (!s->nslots) return -1;
  size_t h = (size_t)set_hash(items, len) & (s->nslots - 1);
  for (; s->slot[h]; h = (h + 1) & (s->nslots - 1)) {
    size_t i = s->slot[h] - 1;
    if (rl_itemsets_len(s, i) == len && !memcmp(rl_itemsets_at(s, i), items, len * sizeof *items)) return (int64_t)i;
  }
  return -1;
}

int rl_itemsets_flags(const rl_itemsets *s, uint8_t **flags, tm_error *err) {
  uint8_t *fl = tm_calloc(s->n + 1, 1);
  size_t maxlen = 0;
  for (size_t i = 0; i < s->n; i++) maxlen = TM_MAX(maxlen, rl_itemsets_len(s, i));
  uint32_t *sub = tm_malloc((maxlen + 1) * sizeof *sub);
  if (!fl || !sub) {
    tm_free(fl);
    tm_free(sub);
    return tm_error_nomem(err);
  }
  for (size_t i = 0; i < s->n; i++) {
    size_t len = rl_itemsets_len(s, i);
    if (len < 2) continue;
    const uint32_t *it = rl_itemsets_at(s, i);
    for (size_t drop = 0; drop < len; drop++) {
      size_t k = 0;
      for (size_t j = 0; j < len; j++)
        if (j != drop) sub[k++] = it[j];
      int64_t x = rl_itemsets_find(s, sub, k);
      if (x < 0) continue; /* cannot happen for a complete frequent set */
      fl[x] |= RL_NOT_MAXIMAL;
      if (s->support[x] == s->support[i]) fl[x] |= RL_NOT_CLOSED;
    }
  }
  tm_free(sub);
  *flags = fl;
  return 0;
}
