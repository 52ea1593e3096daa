/*
 * journey_store.c — saving journey runs (see journey_store.h). The result
 * tables are copied cell by cell from the result document, so what is saved
 * is exactly what was printed.
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "mine/journey_store.h"

static int copy_table(tm_warehouse *wh, int64_t run_id, const tm_doc *doc, const jr_copy *c, tm_error *err) {
  const tm_table *t = tm_doc_table(doc, c->table);
  if (!t) return 0;
  char sql[512];
  int n = snprintf(sql, sizeof sql, "INSERT INTO %s(run_id", c->sql_table);
  for (size_t i = 0; i < c->ncols; i++) n += snprintf(sql + n, sizeof sql - (size_t)n, ", %s", c->cols[i]);
  n += snprintf(sql + n, sizeof sql - (size_t)n, ") VALUES(?");
  for (size_t i = 0; i < c->ncols; i++) n += snprintf(sql + n, sizeof sql - (size_t)n, ", ?");
  snprintf(sql + n, sizeof sql - (size_t)n, ")");
  int col[16];
  if (c->ncols > 16) return tm_error_set(err, TM_EINVAL, "too many columns");
  for (size_t i = 0; i < c->ncols; i++) col[i] = tm_table_find_col(t, c->cols[i]);
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(wh, &st, sql, err);
  if (rc) return rc;
  for (size_t r = 0; r < tm_table_rows(t) && !rc; r++) {
    sqlite3_bind_int64(st, 1, run_id);
    for (size_t i = 0; i < c->ncols; i++) {
      /* a text cell as text, a number as a number (SQLite's column affinity
         stores whole reals in INTEGER columns as integers), a null as NULL */
      const char *s = col[i] >= 0 ? tm_table_get_str(t, r, (size_t)col[i]) : "";
      double v = col[i] >= 0 ? tm_table_get_real(t, r, (size_t)col[i]) : NAN;
      if (*s) sqlite3_bind_text(st, (int)i + 2, s, -1, SQLITE_TRANSIENT);
      else if (v == v) sqlite3_bind_double(st, (int)i + 2, v);
      else sqlite3_bind_null(st, (int)i + 2);
    }
    if (sqlite3_step(st) != SQLITE_DONE) rc = tm_wh_fail(wh, err, "saving a journey run");
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

int jr_save(tm_warehouse *wh, const char *kind, const char *spec, const tm_doc *doc, const jr_copy *copies,
            size_t ncopies, int64_t *run_id, tm_error *err) {
  *run_id = 0;
  if (!wh || wh->readonly) return 0;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  sqlite3_stmt *st;
  if (!(rc = tm_wh_prepare(wh, &st, "INSERT INTO journey_runs(kind, created_at, spec) VALUES(?, ?, ?) RETURNING id",
                           err))) {
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    sqlite3_bind_text(st, 3, spec ? spec : "", -1, SQLITE_TRANSIENT);
    *run_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (!*run_id) rc = tm_wh_fail(wh, err, "starting a journey run");
  }
  for (size_t i = 0; i < ncopies && !rc; i++) rc = copy_table(wh, *run_id, doc, &copies[i], err);
  if (!rc) return tm_wh_exec(wh, "COMMIT", err);
  tm_wh_rollback(wh);
  *run_id = 0;
  return rc;
}
