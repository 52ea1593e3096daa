/*
 * journey_store.h — saving a paths / funnel / cohorts run: one journey_runs
 * row (kind, the options as given) and its result rows, in one transaction.
 * Internal.
 */
#ifndef TM_MINE_JOURNEY_STORE_H
#define TM_MINE_JOURNEY_STORE_H
#include "store/warehouse_int.h"

/* Copies the rows of table t of doc into sql_table(cols...), the run id first:
 * cols are the table's column names, in the order of the SQL table's columns. */
typedef struct jr_copy {
  const char *table;     /* the doc's table */
  const char *sql_table; /* the warehouse's table */
  const char *const *cols;
  size_t ncols;
} jr_copy;

/* Saves the run: journey_runs(kind, created_at, spec) and each copy; returns 0
 * with *run_id, or TM_EDB (rolled back). Does nothing (0, *run_id = 0) when wh
 * is NULL or read-only. */
int jr_save(tm_warehouse *wh, const char *kind, const char *spec, const tm_doc *doc, const jr_copy *copies,
            size_t ncopies, int64_t *run_id, tm_error *err);

#endif
