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
  *run_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  st = NULL;
  if (!*run_id) {
    rc = tm_wh_fail(wh, err, "starting a rule run");
    goto fail;
  }
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
    for (int i = 2; i < 9; i++) {
      double v = tm_table_get_real(rules, r, (size_t)ci[i]);
      if (isfinite(v)) sqlite3_bind_double(st, i + 3, v);
      else sqlite3_bind_null(st, i + 3); /* conviction of a rule with confidence 1 */
    }
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE) {
      rc = tm_wh_fail(wh, err, "saving rules");
      goto fail;
    }
  }
  sqlite3_finalize(st);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  sqlite3_exec(wh->db, "ROLLBACK", NULL, NULL, NULL);
  *run_id = 0;
  return rc;
}
