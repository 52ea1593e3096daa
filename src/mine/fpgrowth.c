/*
 * fpgrowth.c — frequent itemsets by FP-growth (Han, Pei & Yin, "Mining
 * frequent patterns without candidate generation", SIGMOD 2000).
 *
 * Tuning, after Borgelt ("An implementation of the FP-growth algorithm",
 * OSDM 2005):
 *  - items are recoded by descending frequency into dense ranks, infrequent
 *    ones dropped, so each basket is a short ascending path;
 *  - nodes are 24-byte records addressed by 32-bit indices, allocated in one
 *    block per tree from an arena that is marked before a conditional tree is
 *    built and released after it is mined (LIFO, no per-node malloc);
 *  - a conditional tree is built straight from the header list of its item:
 *    one walk up from each node counts the conditional supports (touching only
 *    the items met, so the cost follows the tree, not the item universe), a
 *    second walk inserts the frequent part of each path, recoded densely,
 *    finding children through a (parent, item) hash table;
 *  - the initial tree is built from the baskets sorted lexicographically, so
 *    each basket shares its prefix with the one before and no child is looked
 *    up at all;
 *  - a tree that is a single path is not recursed into: every combination of
 *    its items is reported with the count of its deepest node;
 * Deviation: items of a conditional tree keep their order in the parent tree
 * (not re-sorted by conditional frequency), which saves a sort per path.
 */
#include <stdlib.h>

#include "mine/rules_int.h"

/* ---------------------------------------------------------------- arena */

typedef struct chunk {
  struct chunk *prev;
  size_t size, used;
  _Alignas(16) unsigned char data[];
} chunk;

typedef struct arena {
  chunk *top, *spare;
} arena;

typedef struct arena_mark {
  chunk *top;
  size_t used;
} arena_mark;

#define CHUNK_MIN ((size_t)4 << 20)

static void *arena_alloc(arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (!a->top || a->top->size - a->top->used < n) {
    chunk *c = NULL;
    if (a->spare && a->spare->size >= n) {
      c = a->spare;
      a->spare = NULL;
    } else {
      size_t size = TM_MAX(n, CHUNK_MIN);
      c = tm_malloc(sizeof *c + size);
      if (!c) return NULL;
      c->size = size;
    }
    c->used = 0;
    c->prev = a->top;
    a->top = c;
  }
  void *p = a->top->data + a->top->used;
  a->top->used += n;
  return p;
}

static arena_mark arena_mark_get(const arena *a) { return (arena_mark){a->top, a->top ? a->top->used : 0}; }

static void arena_release(arena *a, arena_mark m) {
  while (a->top != m.top) {
    chunk *c = a->top;
    a->top = c->prev;
    if (!a->spare || (c->size > a->spare->size && c->size <= 16 * CHUNK_MIN)) {
      tm_free(a->spare);
      a->spare = c;
    } else {
      tm_free(c);
    }
  }
  if (a->top) a->top->used = m.used;
}

static void arena_free(arena *a) {
  arena_release(a, (arena_mark){NULL, 0});
  tm_free(a->spare);
  a->spare = NULL;
}

/* ---------------------------------------------------------------- trees */

typedef struct fp_node {
  uint32_t item, count, parent, next; /* 0 = none (node 0 is the root) */
} fp_node;

typedef struct fp_tree {
  fp_node *node;
  uint32_t nnodes, nitems;
  uint32_t *head;      /* item -> first node of its header list */
  uint32_t *cnt;       /* item -> support */
  uint32_t *gid;       /* item -> global rank */
  uint32_t *scratch;   /* 3 * nitems zeros: conditional counts, new codes, items met */
  bool branched;
} fp_tree;

typedef struct miner {
  arena a;
  uint32_t minsup;
  unsigned max_len;
  uint32_t *prefix;
  rl_report_fn report;
  void *payload;
} miner;

static int tree_alloc(miner *m, fp_tree *t, uint32_t nitems, size_t max_nodes) {
  memset(t, 0, sizeof *t);
  t->nitems = nitems;
  t->node = arena_alloc(&m->a, (max_nodes + 1) * sizeof *t->node);
  uint32_t *ints = arena_alloc(&m->a, (size_t)nitems * 6 * sizeof *ints);
  if (!t->node || !ints) return TM_ENOMEM;
  memset(ints, 0, (size_t)nitems * 6 * sizeof *ints);
  t->head = ints;
  t->cnt = ints + nitems;
  t->gid = ints + 2 * (size_t)nitems;
  t->scratch = ints + 3 * (size_t)nitems;
  memset(&t->node[0], 0, sizeof t->node[0]);
  t->nnodes = 1;
  return 0;
}

/* Paths (ascending item codes) with counts, to be sorted and built. */
typedef struct fp_paths {
  const uint32_t *item;
  const uint64_t *off;
  const uint32_t *count; /* NULL: 1 each */
} fp_paths;

static int cmp_path(const void *a, const void *b, void *ctx) {
  const fp_paths *p = ctx;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  const uint32_t *ix = p->item + p->off[x], *iy = p->item + p->off[y];
  size_t lx = (size_t)(p->off[x + 1] - p->off[x]), ly = (size_t)(p->off[y + 1] - p->off[y]), l = TM_MIN(lx, ly);
  for (size_t i = 0; i < l; i++)
    if (ix[i] != iy[i]) return ix[i] < iy[i] ? -1 : 1;
  if (lx != ly) return lx < ly ? -1 : 1;
  return (x > y) - (x < y);
}

/* Builds the tree from paths in lexicographic order: a path shares its first
 * l nodes with the one before it and adds new nodes after them, so no child
 * is ever looked up. stack holds the previous path's nodes. */
static void tree_build(fp_tree *t, const fp_paths *p, const uint32_t *order, size_t m, uint32_t *stack) {
  fp_node *nd = t->node;
  size_t plen = 0;
  const uint32_t *prev = NULL;
  for (size_t k = 0; k < m; k++) {
    uint32_t i = order[k], c = p->count ? p->count[i] : 1;
    const uint32_t *it = p->item + p->off[i];
    size_t len = (size_t)(p->off[i + 1] - p->off[i]), l = 0;
    if (!len) continue;
    while (l < plen && l < len && prev[l] == it[l]) l++;
    for (size_t j = 0; j < l; j++) nd[stack[j]].count += c;
    if (l < len && l < plen) t->branched = true;
    for (size_t j = l; j < len; j++) {
      uint32_t n = t->nnodes++;
      nd[n] = (fp_node){it[j], c, j ? stack[j - 1] : 0, t->head[it[j]]};
      t->head[it[j]] = n;
      stack[j] = n;
    }
    for (size_t j = 0; j < len; j++) t->cnt[it[j]] += c;
    prev = it;
    plen = len;
  }
}

/* Child lookup for conditional trees: an open-addressing table of node
 * indices keyed by (parent, item), grown as nodes are added. Sorting each
 * conditional pattern base instead cost 40% of the time on long baskets. */
typedef struct child_table {
  uint32_t *slot;
  unsigned bits;
} child_table;

static inline size_t child_hash(uint32_t parent, uint32_t item, unsigned bits) {
  return (size_t)((((uint64_t)parent << 32) | item) * 0x9E3779B97F4A7C15ULL >> (64 - bits));
}

static int child_table_grow(child_table *h, const fp_tree *t, unsigned bits) {
  uint32_t *slot = tm_calloc((size_t)1 << bits, sizeof *slot);
  if (!slot) return TM_ENOMEM;
  size_t mask = ((size_t)1 << bits) - 1;
  for (uint32_t n = 1; n < t->nnodes; n++) {
    size_t i = child_hash(t->node[n].parent, t->node[n].item, bits);
    while (slot[i]) i = (i + 1) & mask;
    slot[i] = n;
  }
  tm_free(h->slot);
  h->slot = slot;
  h->bits = bits;
  return 0;
}

static int tree_insert_hashed(fp_tree *t, child_table *h, const uint32_t *path, size_t len, uint32_t count) {
  uint32_t cur = 0;
  fp_node *nd = t->node;
  for (size_t k = 0; k < len; k++) {
    uint32_t it = path[k];
    size_t mask = ((size_t)1 << h->bits) - 1, i = child_hash(cur, it, h->bits);
    uint32_t x;
    while ((x = h->slot[i]) && (nd[x].parent != cur || nd[x].item != it)) i = (i + 1) & mask;
    if (!x) {
      x = t->nnodes++;
      nd[x] = (fp_node){it, 0, cur, t->head[it]};
      t->head[it] = x;
      h->slot[i] = x;
      if ((size_t)t->nnodes * 2 > mask + 1 && child_table_grow(h, t, h->bits + 1)) return TM_ENOMEM;
    }
    nd[x].count += count;
    t->cnt[it] += count;
    cur = x;
  }
  return 0;
}

/* Every combination of a single path's items, after the prefix. */
static int single_path(miner *m, const fp_tree *t, uint32_t from, size_t depth) {
  for (uint32_t i = from; i < t->nnodes; i++) {
    m->prefix[depth] = t->gid[t->node[i].item];
    int rc = m->report(m->payload, m->prefix, depth + 1, t->node[i].count);
    if (rc) return rc;
    if ((!m->max_len || depth + 1 < m->max_len) && (rc = single_path(m, t, i + 1, depth + 1))) return rc;
  }
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int mine(miner *m, fp_tree *t, size_t depth) {
  if (!t->branched) return single_path(m, t, 1, depth);
  uint32_t *ccnt = t->scratch, *code = t->scratch + t->nitems, *met = t->scratch + 2 * (size_t)t->nitems;
  const fp_node *nd = t->node;
  for (uint32_t r = t->nitems; r-- > 0;) {
    if (t->cnt[r] < m->minsup) continue;
    m->prefix[depth] = t->gid[r];
    int rc = m->report(m->payload, m->prefix, depth + 1, t->cnt[r]);
    if (rc) return rc;
    if (m->max_len && depth + 1 >= m->max_len) continue;
    /* Conditional supports of the items above r's nodes. */
    size_t nmet = 0, bound = 0;
    for (uint32_t n = t->head[r]; n; n = nd[n].next) {
      uint32_t c = nd[n].count;
      for (uint32_t p = nd[n].parent; p; p = nd[p].parent) {
        uint32_t it = nd[p].item;
        if (!ccnt[it]) met[nmet++] = it;
        ccnt[it] += c;
        bound++;
      }
    }
    size_t k = 0;
    for (size_t i = 0; i < nmet; i++) {
      if (ccnt[met[i]] >= m->minsup) met[k++] = met[i];
      else ccnt[met[i]] = 0;
    }
    if (k == 0) continue;
    qsort(met, k, sizeof *met, cmp_u32);
    arena_mark mk = arena_mark_get(&m->a);
    fp_tree ct;
    uint32_t *path = NULL;
    child_table h = {0};
    if (tree_alloc(m, &ct, (uint32_t)k, bound) || !(path = arena_alloc(&m->a, (k + 1) * sizeof *path)) ||
        child_table_grow(&h, &ct, 10)) {
      for (size_t i = 0; i < k; i++) ccnt[met[i]] = 0;
      arena_release(&m->a, mk);
      return TM_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
      code[met[i]] = (uint32_t)i + 1;
      ct.gid[i] = t->gid[met[i]];
      ccnt[met[i]] = 0;
    }
    for (uint32_t n = t->head[r]; n && !rc; n = nd[n].next) {
      size_t len = 0;
      for (uint32_t p = nd[n].parent; p; p = nd[p].parent)
        if (code[nd[p].item]) path[len++] = code[nd[p].item] - 1;
      for (size_t i = 0, j = len ? len - 1 : 0; i < j; i++, j--) { /* walked leaf to root: reverse */
        uint32_t x = path[i];
        path[i] = path[j];
        path[j] = x;
      }
      rc = tree_insert_hashed(&ct, &h, path, len, nd[n].count);
    }
    tm_free(h.slot);
    for (size_t i = 0; i < k; i++) code[met[i]] = 0;
    if (rc) {
      arena_release(&m->a, mk);
      return rc;
    }
    /* A single path iff every node hangs from the one made before it. */
    for (uint32_t i = 1; i < ct.nnodes && !ct.branched; i++) ct.branched = ct.node[i].parent != i - 1;
    rc = mine(m, &ct, depth + 1);
    arena_release(&m->a, mk);
    if (rc) return rc;
  }
  return 0;
}

void rl_ranking_free(rl_ranking *r) {
  if (!r) return;
  tm_free(r->item);
  tm_free(r->support);
  memset(r, 0, sizeof *r);
}

static const uint64_t *sort_counts;
static int cmp_by_count(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  if (sort_counts[x] != sort_counts[y]) return sort_counts[x] > sort_counts[y] ? -1 : 1;
  return (x > y) - (x < y);
}

int rl_fpgrowth(rl_ranking *rank, rl_bag *bag, uint32_t minsup, unsigned max_len, const bool *skip,
                rl_report_fn report, void *payload, tm_error *err) {
  size_t nid = bag->names.count;
  memset(rank, 0, sizeof *rank);
  miner m = {.minsup = minsup ? minsup : 1, .max_len = max_len, .report = report, .payload = payload};
  uint64_t *count = tm_calloc(nid + 1, sizeof *count);
  uint32_t *to_rank = tm_malloc((nid + 1) * sizeof *to_rank);
  uint32_t *buf = NULL;
  int rc = 0;
  if (!count || !to_rank) goto oom;
  for (uint64_t i = 0; i < bag->off[bag->n]; i++) count[bag->item[i]]++;
  size_t f = 0, maxlen = 0;
  for (uint32_t i = 0; i < nid; i++)
    if (count[i] >= m.minsup && !(skip && skip[i])) f++;
  rank->item = tm_malloc((f + 1) * sizeof *rank->item);
  rank->support = tm_malloc((f + 1) * sizeof *rank->support);
  m.prefix = tm_malloc((f + 1) * sizeof *m.prefix);
  if (!rank->item || !rank->support || !m.prefix) goto oom;
  rank->nitems = f;
  f = 0;
  for (uint32_t i = 0; i < nid; i++)
    if (count[i] >= m.minsup && !(skip && skip[i])) rank->item[f++] = i;
  sort_counts = count; /* single-threaded use; the miner is not re-entrant here */
  qsort(rank->item, f, sizeof *rank->item, cmp_by_count);
  for (uint32_t i = 0; i < nid; i++) to_rank[i] = UINT32_MAX;
  for (uint32_t r = 0; r < f; r++) {
    to_rank[rank->item[r]] = r;
    rank->support[r] = (uint32_t)count[rank->item[r]];
  }
  /* The initial tree: each basket recoded in place to its frequent items'
   * ranks, ascending; the baskets sorted; one path per basket. */
  uint64_t w = 0;
  for (size_t b = 0; b < bag->n; b++) {
    uint64_t start = w, lo = bag->off[b], hi = bag->off[b + 1];
    for (uint64_t i = lo; i < hi; i++) {
      uint32_t r = to_rank[bag->item[i]];
      if (r == UINT32_MAX) continue;
      uint64_t j = w++;
      while (j > start && bag->item[j - 1] > r) bag->item[j] = bag->item[j - 1], j--;
      bag->item[j] = r;
    }
    bag->off[b] = start;
    maxlen = TM_MAX(maxlen, (size_t)(w - start));
  }
  bag->off[bag->n] = w;
  if (w && w < bag->item_cap) { /* give back the infrequent items' memory before the tree grows */
    uint32_t *shrunk = tm_realloc(bag->item, w * sizeof *shrunk);
    if (shrunk) bag->item = shrunk, bag->item_cap = w;
  }
  if (w >= UINT32_MAX) {
    rc = tm_error_set(err, TM_EINVAL, "too many item occurrences for one FP-tree (%llu)", (unsigned long long)w);
    goto done;
  }
  if (!(buf = tm_malloc((TM_MAX(maxlen, bag->n) + 1) * sizeof *buf))) goto oom;
  for (size_t b = 0; b < bag->n; b++) buf[b] = (uint32_t)b;
  fp_paths paths = {bag->item, bag->off, NULL};
  qsort_r(buf, bag->n, sizeof *buf, cmp_path, &paths);
  fp_tree t;
  uint32_t *stack = arena_alloc(&m.a, (maxlen + 1) * sizeof *stack);
  if (!stack || tree_alloc(&m, &t, (uint32_t)f, w)) goto oom;
  for (uint32_t r = 0; r < f; r++) t.gid[r] = r;
  tree_build(&t, &paths, buf, bag->n, stack);
  tm_free(buf);
  buf = NULL;
  tm_free(count);
  count = NULL;
  rl_bag_drop_baskets(bag);
  if (f) rc = mine(&m, &t, 0);
  if (rc == TM_ENOMEM) goto oom;
  if (rc) rc = tm_error_set(err, TM_ECANCELED, "mining stopped");
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  arena_free(&m.a);
  tm_free(count);
  tm_free(to_rank);
  tm_free(buf);
  tm_free(m.prefix);
  if (rc) rl_ranking_free(rank);
  return rc;
}
