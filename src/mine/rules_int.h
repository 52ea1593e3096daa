/*
 * rules_int.h — the association-rule miner's shared-internal parts (internal).
 *
 * The staged life of a run (after Borgelt's fpgrowth): a transaction bag is
 * filled (transactions.c: FIMI file or a warehouse view), FP-growth mines it
 * and reports every frequent itemset (fpgrowth.c) into an itemset store
 * (itemsets.c: storage, lookup, closed / maximal filters), rules are drawn
 * from the store with their metrics and significance (assoc_rules.c), and a
 * run is saved to the warehouse (rules_store.c). rules.c drives them.
 */
#ifndef TM_MINE_RULES_INT_H
#define TM_MINE_RULES_INT_H
#include "core/common.h"
#include "core/hashmap.h"

/* ------------------------------------------------------------ the bag */

/* Baskets as sets of dense item ids (CSR), each basket's items sorted and
 * distinct; item names in a dictionary (id = dictionary id). */
typedef struct rl_bag {
  size_t n;              /* baskets */
  uint64_t *off;         /* n + 1 */
  uint32_t *item;        /* off[n] */
  size_t off_cap, item_cap;
  size_t top;            /* end of the open basket's items */
  tm_dict names;
  uint64_t empty;        /* empty baskets (FIMI: blank lines) */
  uint64_t first_empty_line;
} rl_bag;

int rl_bag_init(rl_bag *b);
void rl_bag_free(rl_bag *b);
/* Appends an item to the open basket. 0 or TM_ENOMEM. */
int rl_bag_add(rl_bag *b, uint32_t item);
/* Closes the open basket: sorts it and drops repeats. 0 or TM_ENOMEM. */
int rl_bag_close(rl_bag *b);
/* Frees the basket arrays (keeps n and the names): the FP-tree holds them now. */
void rl_bag_drop_baskets(rl_bag *b);

/* Longest FIMI line and most items per basket accepted (hard limits on
 * untrusted input). */
#define RL_FIMI_MAX_LINE (64u << 20)
#define RL_MAX_BASKET_ITEMS 1000000u

/* Reads a FIMI file (one basket per line, item ids space-separated). Bad
 * input is TM_EFORMAT with "FILE:LINE: reason"; TM_EIO when unreadable. */
int rl_bag_read_fimi(rl_bag *b, const char *path, tm_error *err);

/* The warehouse views: "baskets" (products per order), "categories" (product
 * categories per order), "touchpoints" (channel_type per customer within a
 * window). Returns 0, TM_EINVAL or TM_ENOMEM. */
int rl_bag_from_view(rl_bag *b, const tm_dataset *ds, int view, int64_t window_ms, tm_error *err);

/* ------------------------------------------------------------ itemsets */

/* Frequent itemsets; items are ranks (0 = the most frequent item), each set
 * sorted ascending. */
typedef struct rl_itemsets {
  size_t n, cap;
  uint64_t *off;       /* n + 1 */
  uint32_t *items;
  size_t items_cap;
  uint32_t *support;   /* absolute */
  uint32_t *slot;      /* hash index: cap_slots entries, index + 1 (0 = empty) */
  size_t nslots;
} rl_itemsets;

int rl_itemsets_init(rl_itemsets *s);
void rl_itemsets_free(rl_itemsets *s);
/* Adds an itemset (items in any order). 0 or TM_ENOMEM. */
int rl_itemsets_add(rl_itemsets *s, const uint32_t *items, size_t len, uint32_t support);
/* Builds the lookup index. 0 or TM_ENOMEM. */
int rl_itemsets_index(rl_itemsets *s);
/* The index of the sorted set items[0..len), or -1. */
int64_t rl_itemsets_find(const rl_itemsets *s, const uint32_t *items, size_t len);
static inline size_t rl_itemsets_len(const rl_itemsets *s, size_t i) { return (size_t)(s->off[i + 1] - s->off[i]); }
static inline const uint32_t *rl_itemsets_at(const rl_itemsets *s, size_t i) { return s->items + s->off[i]; }

enum { RL_NOT_CLOSED = 1, RL_NOT_MAXIMAL = 2 };
/* Fills flags[i] with RL_NOT_CLOSED / RL_NOT_MAXIMAL: a set is closed when no
 * frequent superset has its support, maximal when no superset is frequent.
 * Immediate supersets suffice (supports are anti-monotone). Needs the index. */
int rl_itemsets_flags(const rl_itemsets *s, uint8_t **flags, tm_error *err);

/* ------------------------------------------------------------ FP-growth */

/* Called for each frequent itemset: ranks (unsorted) and absolute support. */
typedef int (*rl_report_fn)(void *payload, const uint32_t *ranks, size_t len, uint32_t support);

typedef struct rl_ranking {
  size_t nitems;         /* frequent items */
  uint32_t *item;        /* rank -> bag item id */
  uint32_t *support;     /* rank -> support */
} rl_ranking;

/* Mines every itemset with support >= minsup and at most max_len items
 * (0 = any), skipping items with skip[id] (may be NULL). Fills *rank (free
 * with rl_ranking_free). Consumes the bag's baskets. 0, TM_ENOMEM. */
int rl_fpgrowth(rl_ranking *rank, rl_bag *bag, uint32_t minsup, unsigned max_len, const bool *skip,
                rl_report_fn report, void *payload, tm_error *err);
void rl_ranking_free(rl_ranking *r);

/* ------------------------------------------------------------ rules */

typedef struct rl_rule {
  uint32_t set;          /* itemset index (antecedent + consequent) */
  uint32_t lhs_mask;     /* bit j: item j of the set is in the antecedent */
  uint32_t lhs_count, rhs_count, count;
  double confidence, lift, leverage, conviction, p, q;
} rl_rule;

/* One-sided (greater) Fisher exact test of independence for a 2x2 table with
 * n baskets, nx holding X, ny holding Y and nxy both: P(N_xy >= nxy) under
 * the hypergeometric law, summed in log space. */
double rl_fisher_greater(uint64_t n, uint64_t nx, uint64_t ny, uint64_t nxy);
/* What a rule must hold, in ranks: every req item on either side, every
 * lhs_has item in the antecedent, rhs_has in the consequent, no lhs_not in
 * the antecedent, no rhs_not in the consequent. */
typedef struct rl_rule_filter {
  double min_confidence, min_lift;
  const uint32_t *req, *lhs_has, *rhs_has, *lhs_not, *rhs_not;
  size_t nreq, nlhs_has, nrhs_has, nlhs_not, nrhs_not;
} rl_rule_filter;

/* Longest itemset rules are drawn from (each split of its items is tried). */
#define RL_RULE_MAX_SET 24

/* Every rule X -> Y with X u Y a frequent itemset (of at most RL_RULE_MAX_SET
 * items) that passes the filter, with its metrics and p-value (q left 0),
 * into a new array *out of *nout rules. Needs the store's index. n is the
 * number of baskets. 0 or TM_ENOMEM. */
int rl_rules_generate(rl_rule **out, size_t *nout, const rl_itemsets *s, uint64_t n, const rl_rule_filter *f,
                      tm_error *err);

/* Benjamini-Hochberg q-values of p[0..m) into q. 0 or TM_ENOMEM. */
int rl_bh_qvalues(const double *p, double *q, size_t m);

/* ------------------------------------------------------------ storage */

/* Saves a run and the rows of a "rules" result table (rules_store.c).
 * Returns 0 with *run_id, or TM_EDB. */
int rl_store_rules(int64_t *run_id, tm_warehouse *wh, const char *view, uint64_t baskets, double min_support,
                   double min_confidence, const tm_table *rules, tm_error *err);

#endif
