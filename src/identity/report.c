/*
 * report.c — what `touchmine identity` shows: statistics of the resolved
 * identity graph, one customer's merges with their evidence, and, given the
 * synth truth, pairwise precision and recall.
 *
 * Pairwise measures over identifiers: a pair of identifiers is predicted
 * together when resolution put them in one customer, truly together when truth
 * says one person holds both. precision = |both| / |predicted|, recall =
 * |both| / |true|, counted from the contingency table of (true person,
 * resolved customer) without enumerating pairs.
 *
 * Precision asks whether predicted pairs belong to one person. Recall asks
 * whether the pairs within one (person, group) were joined: synth numbers the
 * groups of a person's identifiers that some record ties together, and no
 * resolver can join identifiers nothing links. recall_all counts every pair
 * of a person's identifiers instead, for comparison.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/hashmap.h"
#include "core/timeparse.h"
#include "identity/graph.h"

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

static int set_cell(tm_table *t, int i, sqlite3_stmt *st, char type) {
  char iso[32];
  switch (type) {
  case 's': return tm_table_set_str(t, i, (const char *)sqlite3_column_text(st, i));
  case 'i': return tm_table_set_int(t, i, sqlite3_column_int64(st, i));
  case 't': return tm_table_set_str(t, i, tm_time_format_iso(sqlite3_column_int64(st, i), iso));
  default: return tm_table_set_real(t, i, sqlite3_column_double(st, i));
  }
}

/* Runs sql (with up to one text and one integer parameter) into a new table
 * whose columns are typed by types (one letter per column: s text, i integer,
 * r real, t a time in ms shown as ISO-8601). */
static int query_table(tm_doc *doc, tm_warehouse *wh, const char *name, const char *title, const char *sql,
                       const char *const *cols, const char *types, const char *text_param,
                       int64_t int_param, size_t max_rows, tm_error *err) {
  tm_table *t;
  sqlite3_stmt *st;
  int rc, n = (int)strlen(types);
  if (tm_table_new(&t, name, title)) return tm_error_nomem(err);
  for (int i = 0; i < n; i++)
    if (COL(t, cols[i], types[i] == 's' || types[i] == 't' ? TM_COL_STR : types[i] == 'i' ? TM_COL_INT : TM_COL_REAL)) {
      tm_table_free(t);
      return tm_error_nomem(err);
    }
  if (tm_doc_add_table(doc, t)) return tm_error_nomem(err);
  if ((rc = tm_wh_prepare(wh, &st, sql, err))) return rc;
  if (text_param) sqlite3_bind_text(st, 1, text_param, -1, SQLITE_STATIC);
  else sqlite3_bind_int64(st, 1, int_param);
  size_t rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && (!max_rows || rows < max_rows)) {
    rows++;
    if (tm_table_add_row(t)) goto oom;
    for (int i = 0; i < n; i++) {
      if (sqlite3_column_type(st, i) == SQLITE_NULL) continue;
      int bad = set_cell(t, i, st, types[i]);
      if (bad) goto oom;
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return tm_wh_fail(wh, err, name);
  return 0;
oom:
  sqlite3_finalize(st);
  return tm_error_nomem(err);
}

static int explain(tm_doc *doc, tm_warehouse *wh, const char *what, size_t max_rows, tm_error *err) {
  int64_t cid = 0;
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(wh, &st, "SELECT id FROM customers WHERE customer_key = ?1 ORDER BY id LIMIT 1", err);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) cid = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  const char *colon = strchr(what, ':');
  if (!cid && colon) { /* "type:value" */
    if ((rc = tm_wh_prepare(wh, &st, "SELECT coalesce(customer_id, 0) FROM identities WHERE type = ?1 AND value = ?2",
                            err)))
      return rc;
    sqlite3_bind_text(st, 1, what, (int)(colon - what), SQLITE_STATIC);
    sqlite3_bind_text(st, 2, colon + 1, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) cid = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (!cid)
    return tm_error_set(err, TM_ENOTFOUND,
                        "no customer '%s' (give a customer key, or an identifier as type:value, "
                        "e.g. email:ann@example.com; quarantined identifiers belong to no customer)",
                        what);
  if (tm_doc_set_int(doc, "explain_customer_id", cid)) return tm_error_nomem(err);
  static const char *const icols[] = {"type", "value", "status", "first_seen", "last_seen", "records"};
  if ((rc = query_table(doc, wh, "explain_identities", "The customer's identifiers",
                        "SELECT type, value, status, first_seen, last_seen, records FROM identities "
                        "WHERE customer_id = ?1 ORDER BY type, value",
                        icols, "ssstti", NULL, cid, 0, err)))
    return rc;
  static const char *const ecols[] = {"from", "to", "rule", "source", "first_seen", "records", "merged", "note"};
  return query_table(doc, wh, "explain_merges", "Evidence that joined them (merged: 1 joined, 0 redundant, -1 refused)",
                     "SELECT ia.type || ':' || ia.value, ib.type || ':' || ib.value, e.rule, s.name, "
                     "e.first_seen, e.records, e.merged, e.note FROM identity_edges e "
                     "JOIN identities ia ON ia.id = e.a JOIN identities ib ON ib.id = e.b "
                     "LEFT JOIN sources s ON s.id = e.source_id "
                     "WHERE ia.customer_id = ?1 OR ib.customer_id = ?1 ORDER BY e.first_seen, 1, 2",
                     ecols, "ssssttis", NULL, cid, max_rows, err);
}

/* ----------------------------------------------------------------- truth */

static uint64_t id_hash(const char *type, const char *value) {
  uint64_t h = tm_hash64(type, strlen(type));
  return tm_hash64_seed(value, strlen(value), h);
}

/* Sum over cells of n choose 2. */
static double pairs_of(const tm_u64map *counts) {
  double s = 0;
  for (size_t i = 0; i < counts->cap; i++)
    if (counts->slots[i].key) s += (double)counts->slots[i].val * (double)(counts->slots[i].val - 1) / 2.0;
  if (counts->has_zero) s += (double)counts->zero_val * (double)(counts->zero_val - 1) / 2.0;
  return s;
}

static int evaluate(tm_doc *doc, tm_warehouse *wh, const char *truth_path, tm_error *err) {
  json_error_t jerr;
  json_t *truth = json_load_file(truth_path, 0, &jerr);
  if (!truth)
    return tm_error_set(err, jerr.line > 0 ? TM_EFORMAT : TM_EIO, "%s:%d: %s", truth_path, jerr.line, jerr.text);
  json_t *people = json_object_get(truth, "customers");
  if (!json_is_array(people)) {
    json_decref(truth);
    return tm_error_set(err, TM_EFORMAT, "%s: no \"customers\" array (is it a touchmine synth truth.json?)",
                        truth_path);
  }
  tm_u64map owner = {0}, person = {0}, by_true = {0}, by_person = {0}, by_pred = {0}, by_both = {0},
            by_both_person = {0}, shared = {0};
  int rc = TM_ENOMEM;
  sqlite3_stmt *st = NULL;
  if (tm_u64map_init(&owner, 1 << 16) || tm_u64map_init(&person, 1 << 16) || tm_u64map_init(&by_true, 1 << 16) ||
      tm_u64map_init(&by_person, 1 << 16) || tm_u64map_init(&by_pred, 1 << 16) ||
      tm_u64map_init(&by_both, 1 << 16) || tm_u64map_init(&by_both_person, 1 << 16) || tm_u64map_init(&shared, 64))
    goto done;
  size_t i;
  json_t *p;
  uint64_t lone = 0;
  json_array_foreach(people, i, p) {
    json_t *ids = json_object_get(p, "identifiers"), *pair;
    size_t k;
    json_array_foreach(ids, k, pair) {
      const char *type = json_string_value(json_array_get(pair, 0));
      const char *value = json_string_value(json_array_get(pair, 1));
      json_int_t group = json_integer_value(json_array_get(pair, 2)); /* absent: 0 */
      if (!type || !value) continue;
      uint64_t h = id_hash(type, value), cluster = (uint64_t)(i + 1) * 4096 + (uint64_t)(group & 4095);
      lone += group != 0;
      if (tm_u64map_put(&owner, h, cluster, NULL, NULL) || tm_u64map_put(&person, h, i + 1, NULL, NULL)) goto done;
    }
  }
  json_t *sh = json_object_get(truth, "shared_identifiers"), *s;
  json_array_foreach(sh, i, s) {
    const char *type = json_string_value(json_object_get(s, "type"));
    const char *value = json_string_value(json_object_get(s, "value"));
    if (!type) type = json_string_value(json_array_get(s, 0)), value = json_string_value(json_array_get(s, 1));
    if (type && value && tm_u64map_put(&shared, id_hash(type, value), 0, NULL, NULL)) goto done;
  }
  if ((rc = tm_wh_prepare(wh, &st, "SELECT type, value, coalesce(customer_id, -id) FROM identities", err))) goto done;
  uint64_t matched = 0, unmatched = 0, shared_merged = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint64_t h = id_hash((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    int64_t pred = sqlite3_column_int64(st, 2);
    uint64_t *who = tm_u64map_get(&owner, h);
    if (tm_u64map_get(&shared, h)) {
      shared_merged += pred > 0; /* a shared identifier in a customer joins strangers */
      continue;
    }
    if (!who) {
      unmatched++;
      continue;
    }
    matched++;
    uint64_t *slot, who_person = *tm_u64map_get(&person, h);
    if (tm_u64map_put(&by_true, *who, 0, &slot, NULL)) goto nomem;
    (*slot)++;
    if (tm_u64map_put(&by_person, who_person, 0, &slot, NULL)) goto nomem;
    (*slot)++;
    if (tm_u64map_put(&by_pred, (uint64_t)pred, 0, &slot, NULL)) goto nomem;
    (*slot)++;
    if (tm_u64map_put(&by_both, tm_hash64_seed(&pred, sizeof pred, *who), 0, &slot, NULL)) goto nomem;
    (*slot)++;
    if (tm_u64map_put(&by_both_person, tm_hash64_seed(&pred, sizeof pred, who_person), 0, &slot, NULL)) goto nomem;
    (*slot)++;
  }
  if (rc != SQLITE_DONE) {
    rc = tm_wh_fail(wh, err, "reading identities");
    goto done;
  }
  double tp = pairs_of(&by_both), pp = pairs_of(&by_pred), tpairs = pairs_of(&by_true);
  double tp_all = pairs_of(&by_both_person), tpairs_all = pairs_of(&by_person);
  if (tm_doc_set_str(doc, "truth", truth_path) || tm_doc_set_int(doc, "truth_people", (int64_t)json_array_size(people)) ||
      tm_doc_set_int(doc, "identifiers_matched", (int64_t)matched) ||
      tm_doc_set_int(doc, "identifiers_not_in_truth", (int64_t)unmatched) ||
      tm_doc_set_real(doc, "precision", pp > 0 ? tp_all / pp : 1.0) ||
      tm_doc_set_real(doc, "recall", tpairs > 0 ? tp / tpairs : 1.0) ||
      tm_doc_set_real(doc, "recall_all", tpairs_all > 0 ? tp_all / tpairs_all : 1.0) ||
      tm_doc_set_int(doc, "identifiers_unlinkable", (int64_t)lone) ||
      tm_doc_set_int(doc, "shared_identifiers", (int64_t)shared.count) ||
      tm_doc_set_int(doc, "shared_identifiers_merged", (int64_t)shared_merged))
    goto nomem;
  rc = 0;
  goto done;
nomem:
  rc = TM_ENOMEM;
done:
  if (rc == TM_ENOMEM) tm_error_nomem(err);
  sqlite3_finalize(st);
  tm_u64map_fini(&owner);
  tm_u64map_fini(&person);
  tm_u64map_fini(&by_person);
  tm_u64map_fini(&by_both_person);
  tm_u64map_fini(&by_true);
  tm_u64map_fini(&by_pred);
  tm_u64map_fini(&by_both);
  tm_u64map_fini(&shared);
  json_decref(truth);
  return rc;
}

/* ------------------------------------------------------------------ main */

int tm_identity_report(tm_doc **out, tm_warehouse *wh, const tm_identity_options *opt, tm_error *err) {
  static const tm_identity_options defaults = TM_IDENTITY_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  size_t max_rows = opt->max_rows ? opt->max_rows : 50;
  tm_doc *doc;
  int rc;
  if (tm_doc_new(&doc, "touchmine identity")) return tm_error_nomem(err);
  static const struct {
    const char *key, *sql;
  } q[] = {
      {"identities", "SELECT count(*) FROM identities"},
      {"customers", "SELECT count(*) FROM customers"},
      {"multi_identity_customers", "SELECT count(*) FROM customers WHERE identities > 1"},
      {"edges", "SELECT count(*) FROM identity_edges"},
      {"merges", "SELECT count(*) FROM identity_edges WHERE merged = 1"},
      {"redundant_links", "SELECT count(*) FROM identity_edges WHERE merged = 0"},
      {"refused_links", "SELECT count(*) FROM identity_edges WHERE merged = -1"},
      {"quarantined", "SELECT count(*) FROM identities WHERE status = 'quarantined'"},
  };
  for (size_t i = 0; i < TM_ARRAY_LEN(q); i++) {
    int64_t v;
    if ((rc = tm_wh_int(wh, q[i].sql, &v, err))) goto fail;
    if (tm_doc_set_int(doc, q[i].key, v)) goto nomem;
  }
  static const char *const tcols[] = {"type", "identities", "customers", "quarantined"};
  if ((rc = query_table(doc, wh, "by_type", "Identifiers by type",
                        "SELECT type, count(*), count(DISTINCT customer_id), sum(status = 'quarantined') "
                        "FROM identities WHERE ?1 IS NOT NULL GROUP BY type ORDER BY 2 DESC, 1",
                        tcols, "siii", "all", 0, 0, err)))
    goto fail;
  static const char *const qcols[] = {"type", "value", "linked_identifiers", "records"};
  if ((rc = query_table(doc, wh, "quarantined_identifiers",
                        "Quarantined: seen with too many others to belong to one person (not merged)",
                        "SELECT i.type, i.value, (SELECT count(*) FROM identity_edges e WHERE e.a = i.id OR e.b = i.id), "
                        "i.records FROM identities i WHERE i.status = 'quarantined' AND ?1 IS NOT NULL ORDER BY 3 DESC, 1, 2",
                        qcols, "ssii", "q", 0, max_rows, err)))
    goto fail;
  static const char *const rcols[] = {"from", "to", "note"};
  if ((rc = query_table(doc, wh, "refused_links", "Links refused by a per-type limit",
                        "SELECT ia.type || ':' || ia.value, ib.type || ':' || ib.value, e.note FROM identity_edges e "
                        "JOIN identities ia ON ia.id = e.a JOIN identities ib ON ib.id = e.b "
                        "WHERE e.merged = -1 AND e.note LIKE 'limit%' AND ?1 IS NOT NULL ORDER BY 1, 2",
                        rcols, "sss", "r", 0, max_rows, err)))
    goto fail;
  static const char *const lcols[] = {"customer_key", "key_type", "identities"};
  if ((rc = query_table(doc, wh, "largest_customers", "Customers with the most identifiers",
                        "SELECT customer_key, key_type, identities FROM customers WHERE ?1 IS NOT NULL "
                        "ORDER BY identities DESC, customer_key LIMIT 10",
                        lcols, "ssi", "l", 0, 0, err)))
    goto fail;
  if (opt->explain && (rc = explain(doc, wh, opt->explain, max_rows, err))) goto fail;
  if (opt->truth_path && (rc = evaluate(doc, wh, opt->truth_path, err))) goto fail;
  *out = doc;
  return 0;
nomem:
  rc = tm_error_nomem(err);
fail:
  tm_doc_free(doc);
  return rc;
}
