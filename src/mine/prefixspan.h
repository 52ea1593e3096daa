/*
 * prefixspan.h — sequential patterns (PrefixSpan, Pei et al. 2001) over
 * customers' step sequences, with a maximum gap between consecutive items of
 * a pattern and a maximum length. Internal to paths.c.
 */
#ifndef TM_MINE_PREFIXSPAN_H
#define TM_MINE_PREFIXSPAN_H
#include "core/common.h"

typedef struct ps_input {
  size_t nseq;
  const uint64_t *off;   /* nseq + 1 offsets into item / ts */
  const uint32_t *item;  /* labels 0..nitems-1 */
  const int64_t *ts;     /* ms, non-decreasing within a sequence */
  uint32_t nitems;
} ps_input;

typedef struct ps_pattern {
  uint32_t items[16];
  int len;
  uint64_t support; /* sequences holding it */
  uint64_t prefix_support; /* sequences holding its first len - 1 items (len 1: all) */
} ps_pattern;

/* Every pattern of 1..max_len (<= 16) items held by >= min_support sequences,
 * in depth-first order (prefix, then its extensions by item). max_gap_ms 0 =
 * no limit. At most max_out patterns are kept (*truncated set when more were
 * found). Returns 0 or TM_ENOMEM. */
int ps_mine(ps_pattern **out, size_t *n, bool *truncated, const ps_input *in, uint64_t min_support,
            int64_t max_gap_ms, int max_len, size_t max_out);

#endif
