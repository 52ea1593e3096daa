/*
 * graph.c — the identity graph and its resolution into customers.
 *
 * Nodes are interned as "<type byte><value>" in a tm_dict, so a node index is
 * dense and stable for the run; each has the identities.id it is stored under.
 * Edges are unordered node pairs, unique, with the evidence of their first
 * sighting (rule, source, time) and a count of records.
 *
 * Resolution, like the careful CDPs: an identifier seen with more than
 * cfg->quarantine distinct others (a store's default loyalty card, a shared
 * office phone) is quarantined: none of its edges merge, and it belongs to no
 * customer. Other edges are applied in a content-defined order (first seen,
 * then a hash of both identifiers) by union-find; a union that would give a
 * customer more identifiers of a type than its limit is refused and noted on
 * the edge. A component's canonical identifier is the one whose type ranks
 * first in the priority list (ties: the smallest value); the customer id is a
 * 63-bit hash of it. None of this depends on the order rows arrived in.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/hashmap.h"
#include "identity/graph.h"

const char *const tm_rule_names[3] = {"same_record", "segment_identify", "segment_alias"};

enum { NODE_NEW = 1, NODE_TOUCHED = 2 };
enum { EDGE_NEW = 1, EDGE_TOUCHED = 2 };
enum { ST_OK = 0, ST_QUARANTINED = 1 };

typedef struct node {
  uint64_t chash; /* hash of "type:value": content-defined, unlike the node index */
  int64_t dbid, customer_id, first_seen, last_seen;
  uint32_t records;
  uint8_t type, flags, status, old_status;
} node;

typedef struct edge {
  uint32_t a, b;
  int64_t source_id, first_seen;
  uint32_t records;
  uint8_t rule, flags;
  int8_t merged, old_merged;
  char note[48];
} edge;

struct tm_idgraph {
  const tm_config *cfg;
  tm_dict types;
  int rank[256];
  long limit[256];
  tm_dict keys; /* "<type><value>" -> node index */
  node *nodes;
  size_t nnodes, nodecap;
  edge *edges;
  size_t nedges, edgecap;
  tm_u64map edge_index; /* (min<<32 | max) -> edge index */
  int64_t next_dbid;
};

int tm_idgraph_type(tm_idgraph *g, const char *name, uint32_t *type) {
  uint32_t id;
  if (tm_dict_intern(&g->types, name, strlen(name), &id)) return TM_ENOMEM;
  if (id > 255) return TM_EINVAL;
  if (id + 1 == g->types.count) { /* new type */
    g->rank[id] = tm_config_type_rank(g->cfg, name);
    g->limit[id] = tm_config_type_limit(g->cfg, name);
  }
  *type = id;
  return 0;
}

static uint64_t content_hash(const tm_idgraph *g, uint32_t type, const char *value, size_t n) {
  const char *name = tm_dict_str(&g->types, type);
  uint64_t h = tm_hash64(name, strlen(name));
  return tm_hash64_seed(value, n, h);
}

int tm_idgraph_intern(tm_idgraph *g, uint32_t type, const char *value, size_t n, int64_t ts,
                      uint32_t *nodeix, int64_t *dbid) {
  char key[TM_ID_MAX + 2];
  if (n > TM_ID_MAX) n = TM_ID_MAX;
  key[0] = (char)(type + 1);
  memcpy(key + 1, value, n);
  uint32_t id;
  if (tm_dict_intern(&g->keys, key, n + 1, &id)) return TM_ENOMEM;
  if (id == g->nnodes) {
    if (TM_GROW(g->nodes, g->nodecap, g->nnodes + 1)) return TM_ENOMEM;
    node *nd = &g->nodes[g->nnodes++];
    memset(nd, 0, sizeof *nd);
    nd->dbid = g->next_dbid++;
    nd->type = (uint8_t)type;
    nd->chash = content_hash(g, type, value, n);
    nd->flags = NODE_NEW;
    nd->first_seen = nd->last_seen = ts;
  }
  node *nd = &g->nodes[id];
  if (ts && (!nd->first_seen || ts < nd->first_seen)) nd->first_seen = ts;
  if (ts > nd->last_seen) nd->last_seen = ts;
  nd->records++;
  nd->flags |= NODE_TOUCHED;
  *nodeix = id;
  if (dbid) *dbid = nd->dbid;
  return 0;
}

int tm_idgraph_rank(const tm_idgraph *g, uint32_t nodeix) { return g->rank[g->nodes[nodeix].type]; }

static int add_edge(tm_idgraph *g, uint32_t a, uint32_t b, int rule, int64_t source_id, int64_t ts,
                    uint32_t records, int flags, int merged, edge **out) {
  if (a > b) {
    uint32_t t = a;
    a = b;
    b = t;
  }
  uint64_t *slot;
  bool inserted;
  if (tm_u64map_put(&g->edge_index, ((uint64_t)a << 32) | b, g->nedges, &slot, &inserted))
    return TM_ENOMEM;
  if (!inserted) {
    *out = &g->edges[*slot];
    return 0;
  }
  if (TM_GROW(g->edges, g->edgecap, g->nedges + 1)) {
    /* keep the index consistent: the slot points past the end; drop it lazily */
    *slot = UINT64_MAX;
    return TM_ENOMEM;
  }
  edge *e = &g->edges[g->nedges++];
  memset(e, 0, sizeof *e);
  e->a = a;
  e->b = b;
  e->rule = (uint8_t)rule;
  e->source_id = source_id;
  e->first_seen = ts;
  e->records = records;
  e->flags = (uint8_t)flags;
  e->merged = e->old_merged = (int8_t)merged;
  *out = e;
  return 0;
}

int tm_idgraph_link(tm_idgraph *g, uint32_t a, uint32_t b, int rule, int64_t source_id, int64_t ts) {
  if (a == b) return 0;
  edge *e;
  size_t before = g->nedges;
  int rc = add_edge(g, a, b, rule, source_id, ts, 1, EDGE_NEW, 0, &e);
  if (rc) return rc;
  if (g->nedges == before) { /* seen before */
    e->records++;
    if (ts && ts < e->first_seen) e->first_seen = ts;
    e->flags |= EDGE_TOUCHED;
  }
  return 0;
}

/* ------------------------------------------------------------------ load */

int tm_idgraph_load(tm_idgraph **out, tm_warehouse *wh, const tm_config *cfg, tm_error *err) {
  tm_idgraph *g = tm_calloc(1, sizeof *g);
  if (!g) return tm_error_nomem(err);
  g->cfg = cfg;
  g->next_dbid = 1;
  sqlite3_stmt *st = NULL;
  tm_u64map bydb = {0};
  int rc = TM_ENOMEM;
  if (tm_dict_init(&g->types) || tm_dict_init(&g->keys) || tm_u64map_init(&g->edge_index, 1024) ||
      tm_u64map_init(&bydb, 1024))
    goto fail;
  rc = tm_wh_prepare(wh, &st,
                     "SELECT id, type, value, customer_id, status, first_seen, last_seen, records "
                     "FROM identities ORDER BY id",
                     err);
  if (rc) goto fail;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint32_t type, ix;
    int64_t dbid = sqlite3_column_int64(st, 0);
    const char *value = (const char *)sqlite3_column_text(st, 2);
    if ((rc = tm_idgraph_type(g, (const char *)sqlite3_column_text(st, 1), &type))) goto fail;
    g->next_dbid = dbid;
    if ((rc = tm_idgraph_intern(g, type, value, (size_t)sqlite3_column_bytes(st, 2), 0, &ix, NULL)))
      goto fail;
    node *nd = &g->nodes[ix];
    nd->customer_id = sqlite3_column_int64(st, 3);
    nd->status = nd->old_status =
        strcmp((const char *)sqlite3_column_text(st, 4), "quarantined") == 0 ? ST_QUARANTINED : ST_OK;
    nd->first_seen = sqlite3_column_int64(st, 5);
    nd->last_seen = sqlite3_column_int64(st, 6);
    nd->records = (uint32_t)sqlite3_column_int64(st, 7);
    nd->flags = 0;
    if ((rc = tm_u64map_put(&bydb, (uint64_t)dbid, ix, NULL, NULL))) goto fail;
    g->next_dbid = dbid + 1;
  }
  if (rc != SQLITE_DONE) {
    rc = tm_wh_fail(wh, err, "reading identities");
    goto fail;
  }
  sqlite3_finalize(st);
  rc = tm_wh_prepare(wh, &st,
                     "SELECT a, b, rule, source_id, first_seen, records, merged, note FROM identity_edges",
                     err);
  if (rc) goto fail;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint64_t *a = tm_u64map_get(&bydb, (uint64_t)sqlite3_column_int64(st, 0));
    uint64_t *b = tm_u64map_get(&bydb, (uint64_t)sqlite3_column_int64(st, 1));
    if (!a || !b) continue; /* an edge to an erased identity */
    const char *rule = (const char *)sqlite3_column_text(st, 2);
    int r = RULE_SAME_RECORD;
    for (int i = 0; i < 3; i++)
      if (rule && !strcmp(rule, tm_rule_names[i])) r = i;
    edge *e;
    if ((rc = add_edge(g, (uint32_t)*a, (uint32_t)*b, r, sqlite3_column_int64(st, 3),
                       sqlite3_column_int64(st, 4), (uint32_t)sqlite3_column_int64(st, 5), 0,
                       sqlite3_column_int(st, 6), &e)))
      goto fail;
    const char *note = (const char *)sqlite3_column_text(st, 7);
    if (note) snprintf(e->note, sizeof e->note, "%s", note);
  }
  if (rc != SQLITE_DONE) {
    rc = tm_wh_fail(wh, err, "reading identity edges");
    goto fail;
  }
  sqlite3_finalize(st);
  tm_u64map_fini(&bydb);
  *out = g;
  return 0;
fail:
  if (rc == TM_ENOMEM) tm_error_nomem(err);
  sqlite3_finalize(st);
  tm_u64map_fini(&bydb);
  tm_idgraph_free(g);
  return rc;
}

void tm_idgraph_free(tm_idgraph *g) {
  if (!g) return;
  tm_dict_fini(&g->types);
  tm_dict_fini(&g->keys);
  tm_u64map_fini(&g->edge_index);
  tm_free(g->nodes);
  tm_free(g->edges);
  tm_free(g);
}

/* --------------------------------------------------------------- resolve */

static int edge_order(const void *x, const void *y, void *payload) {
  const tm_idgraph *sort_graph = payload;
  const edge *a = &sort_graph->edges[*(const uint32_t *)x];
  const edge *b = &sort_graph->edges[*(const uint32_t *)y];
  if (a->first_seen != b->first_seen) return a->first_seen < b->first_seen ? -1 : 1;
  /* symmetric in the two ends, which are ordered by node index (arrival order) */
  const node *nd = sort_graph->nodes;
  uint64_t ha = (nd[a->a].chash ^ nd[a->b].chash) + (nd[a->a].chash * nd[a->b].chash);
  uint64_t hb = (nd[b->a].chash ^ nd[b->b].chash) + (nd[b->a].chash * nd[b->b].chash);
  if (ha != hb) return ha < hb ? -1 : 1;
  return 0;
}

static uint32_t find(uint32_t *parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/* Is node a more canonical than node b? */
static int more_canonical(const tm_idgraph *g, uint32_t a, uint32_t b) {
  int ra = g->rank[g->nodes[a].type], rb = g->rank[g->nodes[b].type];
  if (ra != rb) return ra < rb;
  uint32_t la = tm_dict_len(&g->keys, a), lb = tm_dict_len(&g->keys, b);
  int c = memcmp(tm_dict_str(&g->keys, a), tm_dict_str(&g->keys, b), TM_MIN(la, lb));
  return c < 0 || (c == 0 && la < lb);
}

static int64_t customer_id_of(const tm_idgraph *g, uint32_t canon) {
  return (int64_t)(g->nodes[canon].chash & INT64_MAX);
}

int tm_idgraph_save(tm_idgraph *g, tm_warehouse *wh, int64_t run_id, tm_idgraph_stats *st,
                    tm_error *err) {
  size_t n = g->nnodes, m = g->nedges;
  uint32_t *parent = tm_malloc((n ? n : 1) * sizeof *parent);
  uint32_t *degree = tm_calloc(n ? n : 1, sizeof *degree);
  uint32_t *order = tm_malloc((m ? m : 1) * sizeof *order);
  uint32_t *canon = tm_malloc((n ? n : 1) * sizeof *canon);
  uint32_t *size = tm_malloc((n ? n : 1) * sizeof *size);
  uint16_t *counts = NULL; /* per node (as root) per limited type */
  int limited[256], nlimited = 0, slot_of[256];
  sqlite3_stmt *ins = NULL, *upd = NULL, *eins = NULL, *eupd = NULL, *cins = NULL;
  int rc = TM_ENOMEM;
  memset(st, 0, sizeof *st);
  for (uint32_t t = 0; t < g->types.count; t++) {
    slot_of[t] = -1;
    if (g->limit[t] > 0) slot_of[t] = nlimited, limited[nlimited++] = (int)t;
  }
  if (!parent || !degree || !order || !canon || !size) goto fail;
  if (nlimited && !(counts = tm_calloc(n ? n * (size_t)nlimited : 1, sizeof *counts))) goto fail;

  for (size_t e = 0; e < m; e++) degree[g->edges[e].a]++, degree[g->edges[e].b]++;
  for (uint32_t i = 0; i < n; i++) {
    parent[i] = i;
    size[i] = 1;
    g->nodes[i].status = degree[i] > (uint32_t)g->cfg->quarantine ? ST_QUARANTINED : ST_OK;
    if (g->nodes[i].status == ST_QUARANTINED) st->quarantined++;
    if (slot_of[g->nodes[i].type] >= 0) counts[(size_t)i * nlimited + slot_of[g->nodes[i].type]] = 1;
  }
  for (uint32_t e = 0; e < m; e++) order[e] = e;
  qsort_r(order, m, sizeof *order, edge_order, g);
  for (size_t k = 0; k < m; k++) {
    edge *e = &g->edges[order[k]];
    e->note[0] = '\0';
    if (g->nodes[e->a].status == ST_QUARANTINED || g->nodes[e->b].status == ST_QUARANTINED) {
      e->merged = -1;
      snprintf(e->note, sizeof e->note, "quarantined identifier");
      st->refused++;
      continue;
    }
    uint32_t ra = find(parent, e->a), rb = find(parent, e->b);
    if (ra == rb) {
      e->merged = 0;
      continue;
    }
    int over = -1;
    for (int s = 0; s < nlimited; s++)
      if ((long)counts[(size_t)ra * nlimited + s] + counts[(size_t)rb * nlimited + s] >
          g->limit[limited[s]])
        over = limited[s];
    if (over >= 0) {
      e->merged = -1;
      snprintf(e->note, sizeof e->note, "limit: %ld %s", g->limit[over], tm_dict_str(&g->types, (uint32_t)over));
      st->refused++;
      continue;
    }
    if (size[ra] < size[rb] || (size[ra] == size[rb] && ra > rb)) {
      uint32_t t = ra;
      ra = rb;
      rb = t;
    }
    parent[rb] = ra;
    size[ra] += size[rb];
    for (int s = 0; s < nlimited; s++) {
      uint32_t sum = (uint32_t)counts[(size_t)ra * nlimited + s] + counts[(size_t)rb * nlimited + s];
      counts[(size_t)ra * nlimited + s] = (uint16_t)TM_MIN(sum, 65535u);
    }
    e->merged = 1;
    st->merges++;
  }
  for (uint32_t i = 0; i < n; i++) canon[i] = UINT32_MAX;
  for (uint32_t i = 0; i < n; i++) {
    if (g->nodes[i].status == ST_QUARANTINED) continue;
    uint32_t r = find(parent, i);
    if (canon[r] == UINT32_MAX || more_canonical(g, i, canon[r])) canon[r] = i;
  }

  /* write identities */
  rc = tm_wh_prepare(wh, &ins,
                     "INSERT INTO identities(id, type, value, customer_id, status, first_seen, "
                     "last_seen, records) VALUES(?,?,?,?,?,?,?,?)",
                     err);
  if (!rc)
    rc = tm_wh_prepare(wh, &upd,
                       "UPDATE identities SET customer_id=?, status=?, first_seen=?, last_seen=?, "
                       "records=? WHERE id=?",
                       err);
  if (!rc)
    rc = tm_wh_prepare(wh, &eins,
                       "INSERT INTO identity_edges(a, b, rule, source_id, first_seen, records, run_id, "
                       "merged, note) VALUES(?,?,?,?,?,?,?,?,?)",
                       err);
  if (!rc)
    rc = tm_wh_prepare(wh, &eupd,
                       "UPDATE identity_edges SET first_seen=?, records=?, merged=?, note=? "
                       "WHERE a=? AND b=?",
                       err);
  if (!rc)
    rc = tm_wh_prepare(wh, &cins,
                       "INSERT INTO customers(id, customer_key, key_type, first_seen, last_seen, "
                       "identities) VALUES(?,?,?,?,?,?)",
                       err);
  if (rc) goto fail;
  for (uint32_t i = 0; i < n; i++) {
    node *nd = &g->nodes[i];
    int64_t cid = nd->status == ST_QUARANTINED ? 0 : customer_id_of(g, canon[find(parent, i)]);
    const char *status = nd->status == ST_QUARANTINED ? "quarantined" : "ok";
    st->identities++;
    if (nd->flags & NODE_NEW) {
      st->identities_new++;
      sqlite3_bind_int64(ins, 1, nd->dbid);
      sqlite3_bind_text(ins, 2, tm_dict_str(&g->types, nd->type), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, tm_dict_str(&g->keys, i) + 1, (int)tm_dict_len(&g->keys, i) - 1,
                        SQLITE_STATIC);
      if (cid) sqlite3_bind_int64(ins, 4, cid);
      else sqlite3_bind_null(ins, 4);
      sqlite3_bind_text(ins, 5, status, -1, SQLITE_STATIC);
      sqlite3_bind_int64(ins, 6, nd->first_seen);
      sqlite3_bind_int64(ins, 7, nd->last_seen);
      sqlite3_bind_int64(ins, 8, nd->records);
      if (sqlite3_step(ins) != SQLITE_DONE) goto dbfail;
      sqlite3_reset(ins);
    } else if ((nd->flags & NODE_TOUCHED) || cid != nd->customer_id || nd->status != nd->old_status) {
      if (cid) sqlite3_bind_int64(upd, 1, cid);
      else sqlite3_bind_null(upd, 1);
      sqlite3_bind_text(upd, 2, status, -1, SQLITE_STATIC);
      sqlite3_bind_int64(upd, 3, nd->first_seen);
      sqlite3_bind_int64(upd, 4, nd->last_seen);
      sqlite3_bind_int64(upd, 5, nd->records);
      sqlite3_bind_int64(upd, 6, nd->dbid);
      if (sqlite3_step(upd) != SQLITE_DONE) goto dbfail;
      sqlite3_reset(upd);
    }
    nd->customer_id = cid;
  }
  for (size_t k = 0; k < m; k++) {
    edge *e = &g->edges[k];
    st->edges++;
    const char *note = e->note[0] ? e->note : NULL;
    if (e->flags & EDGE_NEW) {
      sqlite3_bind_int64(eins, 1, g->nodes[e->a].dbid);
      sqlite3_bind_int64(eins, 2, g->nodes[e->b].dbid);
      sqlite3_bind_text(eins, 3, tm_rule_names[e->rule], -1, SQLITE_STATIC);
      sqlite3_bind_int64(eins, 4, e->source_id);
      sqlite3_bind_int64(eins, 5, e->first_seen);
      sqlite3_bind_int64(eins, 6, e->records);
      sqlite3_bind_int64(eins, 7, run_id);
      sqlite3_bind_int(eins, 8, e->merged);
      if (note) sqlite3_bind_text(eins, 9, note, -1, SQLITE_STATIC);
      else sqlite3_bind_null(eins, 9);
      if (sqlite3_step(eins) != SQLITE_DONE) goto dbfail;
      sqlite3_reset(eins);
    } else if ((e->flags & EDGE_TOUCHED) || e->merged != e->old_merged) {
      sqlite3_bind_int64(eupd, 1, e->first_seen);
      sqlite3_bind_int64(eupd, 2, e->records);
      sqlite3_bind_int(eupd, 3, e->merged);
      if (note) sqlite3_bind_text(eupd, 4, note, -1, SQLITE_STATIC);
      else sqlite3_bind_null(eupd, 4);
      /* node order is dbid order, so (a, b) is the stored key */
      sqlite3_bind_int64(eupd, 5, g->nodes[e->a].dbid);
      sqlite3_bind_int64(eupd, 6, g->nodes[e->b].dbid);
      if (sqlite3_step(eupd) != SQLITE_DONE) goto dbfail;
      sqlite3_reset(eupd);
    }
    e->old_merged = e->merged;
    e->flags = 0;
  }
  /* customers: rebuilt whole, one row per component root */
  if ((rc = tm_wh_exec(wh, "DELETE FROM customers", err))) goto fail;
  {
    int64_t *first = NULL, *last = NULL;
    first = tm_malloc((n ? n : 1) * sizeof *first);
    last = tm_malloc((n ? n : 1) * sizeof *last);
    if (!first || !last) {
      tm_free(first);
      tm_free(last);
      rc = TM_ENOMEM;
      goto fail;
    }
    for (uint32_t i = 0; i < n; i++) first[i] = INT64_MAX, last[i] = INT64_MIN;
    for (uint32_t i = 0; i < n; i++) {
      if (g->nodes[i].status == ST_QUARANTINED) continue;
      uint32_t r = find(parent, i);
      if (g->nodes[i].first_seen && g->nodes[i].first_seen < first[r]) first[r] = g->nodes[i].first_seen;
      if (g->nodes[i].last_seen > last[r]) last[r] = g->nodes[i].last_seen;
    }
    for (uint32_t i = 0; i < n && !rc; i++) {
      if (g->nodes[i].status == ST_QUARANTINED || find(parent, i) != i) continue;
      uint32_t c = canon[i];
      st->customers++;
      sqlite3_bind_int64(cins, 1, customer_id_of(g, c));
      sqlite3_bind_text(cins, 2, tm_dict_str(&g->keys, c) + 1, (int)tm_dict_len(&g->keys, c) - 1,
                        SQLITE_STATIC);
      sqlite3_bind_text(cins, 3, tm_dict_str(&g->types, g->nodes[c].type), -1, SQLITE_STATIC);
      if (first[i] != INT64_MAX) sqlite3_bind_int64(cins, 4, first[i]);
      else sqlite3_bind_null(cins, 4);
      if (last[i] != INT64_MIN) sqlite3_bind_int64(cins, 5, last[i]);
      else sqlite3_bind_null(cins, 5);
      sqlite3_bind_int64(cins, 6, size[i]);
      if (sqlite3_step(cins) != SQLITE_DONE) rc = tm_wh_fail(wh, err, "writing customers");
      sqlite3_reset(cins);
    }
    tm_free(first);
    tm_free(last);
    if (rc) goto fail;
  }
  for (uint32_t i = 0; i < n; i++) g->nodes[i].flags = 0, g->nodes[i].old_status = g->nodes[i].status;
  rc = 0;
  goto done;
dbfail:
  rc = tm_wh_fail(wh, err, "writing the identity graph");
  goto done;
fail:
  if (rc == TM_ENOMEM) tm_error_nomem(err);
done:
  sqlite3_finalize(ins);
  sqlite3_finalize(upd);
  sqlite3_finalize(eins);
  sqlite3_finalize(eupd);
  sqlite3_finalize(cins);
  tm_free(parent);
  tm_free(degree);
  tm_free(order);
  tm_free(canon);
  tm_free(size);
  tm_free(counts);
  return rc;
}
