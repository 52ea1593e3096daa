/*
 * rules_store.c — saving a rule run to the warehouse: one rule_runs row and
 * an assoc_rules row per rule (rank by lift, items comma-separated), in one
 * transaction, read from the "rules" table of the result document.
 */
#include <math.h>
#include <time.h>

#include "mine/rules_int.h"
#include "store/warehouse_int.h"

int rl_store_rules(int64_t *run_id, tm_warehouse *wh, const char *view, uint64_t baskets, double min_support,
                   double min_confidence, const tm_table *rules, tm_error *err) {
  sqlite3_stmt *st = NULL;
  *run_id = 0;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO rule_runs(created_at, view, baskets, min_support, min_confidence) "
                          "VALUES(?, ?, ?, ?, ?) RETURNING id",
                          err)))
    goto fail;
  sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
  sqlite3_bind_text(st, 2, view, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, (int64_t)baskets);
  sqlite3_bind_double(st, 4, min_support);
  sqlite3_bind_double(st, 5, min_confidence);
  rc = tm_wh_insert_id(wh, st, run_id, "starting a rule run", err);
  sqlite3_finalize(st);
  st = NULL;
  if (rc) goto fail;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO assoc_rules(run_id, rank, antecedent, consequent, support, confidence, lift, "
                          "leverage, conviction, p_value, q_value) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                          err)))
    goto fail;
  static const char *const cols[] = {"antecedent", "consequent", "support", "confidence", "lift",
                                     "leverage",   "conviction", "p_value", "q_value"};
  int ci[9];
  for (int i = 0; i < 9; i++) ci[i] = tm_table_find_col(rules, cols[i]);
  for (size_t r = 0; r < tm_table_rows(rules); r++) {
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_int64(st, 2, (int64_t)r + 1);
    sqlite3_bind_text(st, 3, tm_table_get_str(rules, r, (size_t)ci[0]), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, tm_table_get_str(rules, r, (size_t)ci[1]), -1, SQLITE_TRANSIENT);
    /* NULL for an infinite conviction (a rule with confidence 1) */
    for (int i = 2; i < 9; i++) tm_wh_bind_real(st, i + 3, tm_table_get_real(rules, r, (size_t)ci[i]));
    if ((rc = tm_wh_step(wh, st, "saving rules", err))) goto fail;
  }
  sqlite3_finalize(st);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  tm_wh_rollback(wh);
  *run_id = 0;
  return rc;
}
