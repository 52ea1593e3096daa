/*
 * graph.h — the identity graph: identifiers (type, normalised value) as nodes,
 * "seen together" as edges with their evidence, resolved into customers by
 * union-find. Internal; the ingest builds it, tm_identity_report reads what it
 * saved.
 */
#ifndef TM_IDENTITY_GRAPH_H
#define TM_IDENTITY_GRAPH_H
#include "core/common.h"
#include "ingest/config.h"
#include "store/warehouse_int.h"

typedef struct tm_idgraph tm_idgraph;

/* Why two identifiers were joined. */
enum { RULE_SAME_RECORD = 0, RULE_IDENTIFY = 1, RULE_ALIAS = 2 };
extern const char *const tm_rule_names[3];

/* Largest normalised identifier we keep (longer values are cut: they are
 * still unique enough, and bounded). */
#define TM_ID_MAX 256

/* Normalises raw into buf (cap >= TM_ID_MAX + 1): email trimmed and lower-cased,
 * phone reduced to digits, others trimmed with a float-written integer
 * ("17850.0") written as the integer. Returns the length, or 0 when the value
 * is empty, too short to identify anyone (a phone under 6 digits, an email
 * without '@') or on the block list. */
size_t tm_identity_normalize(const tm_config *cfg, const char *type, const char *raw, size_t n,
                             char *buf);

/* Loads the graph saved in the warehouse. cfg supplies priority, limits and
 * the quarantine threshold used when resolving. */
int tm_idgraph_load(tm_idgraph **out, tm_warehouse *wh, const tm_config *cfg, tm_error *err);
void tm_idgraph_free(tm_idgraph *g);

/* Finds or adds an identifier type; *type is its small index. */
int tm_idgraph_type(tm_idgraph *g, const char *name, uint32_t *type);
/* Finds or adds a normalised identifier seen at time ts; *node is its index and
 * *dbid the identities.id it has (or will have once saved). */
int tm_idgraph_intern(tm_idgraph *g, uint32_t type, const char *value, size_t n, int64_t ts,
                      uint32_t *node, int64_t *dbid);
/* Records that a and b were seen together (rule, source, time). */
int tm_idgraph_link(tm_idgraph *g, uint32_t a, uint32_t b, int rule, int64_t source_id, int64_t ts);
/* The node's identifier type rank in the config's priority (lower = more canonical). */
int tm_idgraph_rank(const tm_idgraph *g, uint32_t node);

typedef struct tm_idgraph_stats {
  uint64_t identities, identities_new, edges, customers, merges, refused, quarantined;
} tm_idgraph_stats;

/* Resolves customers over the whole graph and writes identities, edges and
 * customers to the warehouse (inside the caller's transaction). Deterministic:
 * edges are applied in order of (first seen, content hash), canonical keys are
 * the most senior identifier of each component, customer ids a hash of it, so
 * the same input in any order gives the same customers. */
int tm_idgraph_save(tm_idgraph *g, tm_warehouse *wh, int64_t run_id, tm_idgraph_stats *st,
                    tm_error *err);

#endif
