/*
 * model_store.c — saving a scoring run to the warehouse: one model_runs row,
 * the scored customers (model_scores), the features' importance
 * (model_importance) and the cross-validated deciles (model_deciles), in one
 * transaction (docs/warehouse.md, migration 5).
 */
#include <time.h>

#include "predict/predict.h"
#include "store/warehouse_int.h"

int pr_store_save(int64_t *run_id, tm_warehouse *wh, const pr_run_summary *s, const pr_frame *scored,
                  const double *score, const int *decile, char *const *reasons, const pr_frame *f,
                  const double *importance, const pr_decile deciles[10], tm_error *err) {
  sqlite3_stmt *st = NULL;
  *run_id = 0;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO model_runs(kind, model, created_at, cutoff, horizon_days, customers, positives, "
                          "auc, pr_auc, brier) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id",
                          err)))
    goto fail;
  sqlite3_bind_text(st, 1, s->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, s->model, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
  if (s->cutoff_ms) sqlite3_bind_int64(st, 4, s->cutoff_ms);
  if (s->horizon_days > 0) sqlite3_bind_double(st, 5, s->horizon_days);
  sqlite3_bind_int64(st, 6, (int64_t)s->customers);
  sqlite3_bind_int64(st, 7, (int64_t)s->positives);
  tm_wh_bind_real(st, 8, s->auc);
  tm_wh_bind_real(st, 9, s->pr_auc);
  tm_wh_bind_real(st, 10, s->brier);
  rc = tm_wh_insert_id(wh, st, run_id, "starting a model run", err);
  sqlite3_finalize(st);
  st = NULL;
  if (rc) goto fail;
  if ((rc = tm_wh_prepare(wh, &st, "INSERT INTO model_scores(run_id, customer_id, score, decile, reasons) VALUES(?,?,?,?,?)",
                          err)))
    goto fail;
  for (size_t i = 0; scored->cust_id && i < scored->n; i++) {
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_int64(st, 2, scored->cust_id[i]);
    sqlite3_bind_double(st, 3, score[i]);
    sqlite3_bind_int(st, 4, decile[i]);
    sqlite3_bind_text(st, 5, reasons[i], -1, SQLITE_STATIC);
    if ((rc = tm_wh_step(wh, st, "saving the model run", err))) goto fail;
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((rc = tm_wh_prepare(wh, &st, "INSERT INTO model_importance(run_id, feature, importance) VALUES(?,?,?)", err)))
    goto fail;
  for (size_t j = 0; j < f->d; j++) {
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_text(st, 2, f->name[j], -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, importance[j]);
    if ((rc = tm_wh_step(wh, st, "saving the model run", err))) goto fail;
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO model_deciles(run_id, decile, customers, positives, rate, lift, capture) "
                          "VALUES(?,?,?,?,?,?,?)",
                          err)))
    goto fail;
  for (int k = 0; k < 10; k++) {
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_int(st, 2, k + 1);
    sqlite3_bind_int64(st, 3, (int64_t)deciles[k].customers);
    sqlite3_bind_int64(st, 4, (int64_t)deciles[k].positives);
    sqlite3_bind_double(st, 5, deciles[k].rate);
    sqlite3_bind_double(st, 6, deciles[k].lift);
    sqlite3_bind_double(st, 7, deciles[k].capture);
    if ((rc = tm_wh_step(wh, st, "saving the model run", err))) goto fail;
  }
  sqlite3_finalize(st);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  tm_wh_rollback(wh);
  *run_id = 0;
  return rc;
}
