/*
 * segment_store.c — saving segmentation runs (see segment_store.h).
 */
#include <time.h>

#include "mine/segment_store.h"

int seg_writer_begin(seg_writer *w, tm_warehouse *wh, const char *kind, int64_t as_of_ms, int64_t customers,
                     tm_error *err) {
  sqlite3_stmt *st;
  memset(w, 0, sizeof *w);
  w->wh = wh;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO segment_runs(kind, as_of, created_at, customers) VALUES(?, ?, ?, ?) RETURNING id",
                          err)))
    return seg_writer_end(w, rc, err);
  sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
  if (as_of_ms) sqlite3_bind_int64(st, 2, as_of_ms);
  else sqlite3_bind_null(st, 2);
  sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
  sqlite3_bind_int64(st, 4, customers);
  w->run_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (!w->run_id) return seg_writer_end(w, tm_wh_fail(wh, err, "starting a segment run"), err);
  if ((rc = tm_wh_prepare(wh, &w->ins, "INSERT INTO customer_segments(run_id, customer_id, segment) VALUES(?,?,?)",
                          err)))
    return seg_writer_end(w, rc, err);
  return 0;
}

int seg_writer_add(seg_writer *w, int64_t customer_id, const char *segment, tm_error *err) {
  sqlite3_bind_int64(w->ins, 1, w->run_id);
  sqlite3_bind_int64(w->ins, 2, customer_id);
  sqlite3_bind_text(w->ins, 3, segment, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(w->ins);
  sqlite3_reset(w->ins);
  return rc == SQLITE_DONE ? 0 : tm_wh_fail(w->wh, err, "saving segments");
}

int seg_writer_end(seg_writer *w, int rc, tm_error *err) {
  sqlite3_finalize(w->ins);
  w->ins = NULL;
  if (!rc) return tm_wh_exec(w->wh, "COMMIT", err);
  tm_wh_rollback(w->wh);
  return rc;
}
