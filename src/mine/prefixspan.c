/*
 * prefixspan.c — PrefixSpan with a gap constraint (see prefixspan.h).
 *
 * A projected database holds, for each sequence that contains the prefix,
 * every position where an occurrence of the prefix ends (all of them, not
 * only the first: with a maximum gap a later end may be the only one that
 * reaches the next item in time). The items that may extend the prefix in a
 * sequence are those within max_gap after some end position; since the end
 * positions and their windows' ends both grow, the union of the windows is
 * scanned once per sequence, and each position's item goes to that item's
 * bucket: one scan builds every child projection. Without a gap limit only
 * the first end position matters, and only it is kept.
 */
#include <stdlib.h>

#include "mine/prefixspan.h"

typedef struct proj {
  uint32_t *seq;   /* sequences, ascending */
  uint64_t *pos_off; /* nseq + 1 into pos */
  uint64_t *pos;
  size_t nseq, npos;
} proj;

typedef struct miner {
  const ps_input *in;
  uint64_t minsup;
  int64_t gap;
  int max_len;
  size_t max_out;
  ps_pattern *out;
  size_t n, cap;
  bool truncated;
  uint32_t prefix[16];
  uint64_t support[17]; /* support[len]: of the prefix of that length; [0] = all */
} miner;

/* One child projection being built: its sequences, and for each the index in
 * pos where its end positions begin (starts, kept beside it). */
typedef struct bucket {
  uint32_t *seq;
  uint64_t *pos;
  size_t nseq, npos, cap_seq, cap_pos;
  uint32_t last_seq; /* sequence being added, UINT32_MAX = none */
} bucket;

static int emit(miner *m, int len, uint64_t support) {
  if (m->n >= m->max_out) {
    m->truncated = true;
    return 0;
  }
  if (m->n == m->cap && TM_GROW(m->out, m->cap, m->n + 1)) return TM_ENOMEM;
  ps_pattern *p = &m->out[m->n++];
  memset(p, 0, sizeof *p);
  memcpy(p->items, m->prefix, (size_t)len * sizeof *p->items);
  p->len = len;
  p->support = support;
  p->prefix_support = m->support[len - 1];
  m->support[len] = support;
  return 0;
}

/* Builds the children of p (positions reachable from p's ends), counts their
 * supports and recurses into the frequent ones. p == NULL: the root. */
static int expand(miner *m, const proj *p, int len) {
  const ps_input *in = m->in;
  uint32_t ni = in->nitems;
  bool first_only = m->gap == 0;
  bucket *b = tm_calloc(ni, sizeof *b);
  if (!b) return TM_ENOMEM;
  for (uint32_t x = 0; x < ni; x++) b[x].last_seq = UINT32_MAX;
  int rc = 0;
  uint64_t **starts = tm_calloc(ni, sizeof *starts); /* per item: pos index where each seq begins */
  size_t *scap = tm_calloc(ni, sizeof *scap);
  if (!starts || !scap) rc = TM_ENOMEM;
  size_t nseq = p ? p->nseq : in->nseq;
  for (size_t i = 0; i < nseq && !rc; i++) {
    uint32_t s = p ? p->seq[i] : (uint32_t)i;
    uint64_t lo = in->off[s], hi = in->off[s + 1];
    uint64_t scanned = lo; /* positions < scanned already scanned */
    uint64_t pa = p ? p->pos_off[i] : 0, pb = p ? p->pos_off[i + 1] : 1;
    for (uint64_t k = pa; k < pb && !rc; k++) {
      uint64_t from = p ? p->pos[k] + 1 : lo, to = hi;
      if (from < scanned) from = scanned;
      if (p && m->gap) {
        int64_t limit = in->ts[p->pos[k]] + m->gap;
        to = from;
        while (to < hi && in->ts[to] <= limit) to++;
      }
      for (uint64_t q = from; q < to && !rc; q++) {
        uint32_t x = in->item[q];
        bucket *bx = &b[x];
        bool new_seq = bx->last_seq != s;
        if (new_seq) {
          if (bx->nseq == scap[x] && (TM_GROW(starts[x], scap[x], bx->nseq + 1))) {
            rc = TM_ENOMEM;
            break;
          }
          starts[x][bx->nseq] = bx->npos;
          if (bx->nseq == bx->cap_seq && TM_GROW(bx->seq, bx->cap_seq, bx->nseq + 1)) {
            rc = TM_ENOMEM;
            break;
          }
          bx->seq[bx->nseq++] = s;
          bx->last_seq = s;
        } else if (first_only) {
          continue;
        }
        if (bx->npos == bx->cap_pos && TM_GROW(bx->pos, bx->cap_pos, bx->npos + 1)) {
          rc = TM_ENOMEM;
          break;
        }
        bx->pos[bx->npos++] = q;
      }
      if (to > scanned) scanned = to;
      if (!p || first_only) break; /* the root scans the whole sequence once */
    }
  }
  for (uint32_t x = 0; x < ni && !rc; x++) {
    if (b[x].nseq < m->minsup) continue;
    m->prefix[len] = x;
    if ((rc = emit(m, len + 1, b[x].nseq))) break;
    if (len + 1 >= m->max_len || m->truncated) continue;
    proj child = {.seq = b[x].seq, .pos = b[x].pos, .nseq = b[x].nseq, .npos = b[x].npos};
    child.pos_off = tm_malloc((child.nseq + 1) * sizeof *child.pos_off);
    if (!child.pos_off) {
      rc = TM_ENOMEM;
      break;
    }
    memcpy(child.pos_off, starts[x], child.nseq * sizeof *child.pos_off);
    child.pos_off[child.nseq] = child.npos;
    rc = expand(m, &child, len + 1);
    tm_free(child.pos_off);
  }
  for (uint32_t x = 0; x < ni; x++) {
    tm_free(b[x].seq);
    tm_free(b[x].pos);
    if (starts) tm_free(starts[x]);
  }
  tm_free(b);
  tm_free(starts);
  tm_free(scap);
  return rc;
}

int ps_mine(ps_pattern **out, size_t *n, bool *truncated, const ps_input *in, uint64_t min_support,
            int64_t max_gap_ms, int max_len, size_t max_out) {
  miner m = {.support = {in->nseq}, .in = in, .minsup = min_support ? min_support : 1, .gap = max_gap_ms,
             .max_len = max_len < 1 ? 1 : max_len > 16 ? 16 : max_len, .max_out = max_out};
  *out = NULL;
  *n = 0;
  *truncated = false;
  int rc = expand(&m, NULL, 0);
  if (rc) {
    tm_free(m.out);
    return rc;
  }
  *out = m.out;
  *n = m.n;
  *truncated = m.truncated;
  return 0;
}
