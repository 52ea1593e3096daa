/*
 * warehouse_int.h — what library modules see of the warehouse: the SQLite
 * handle and small helpers. Shared-internal.
 */
#ifndef TM_STORE_WAREHOUSE_INT_H
#define TM_STORE_WAREHOUSE_INT_H
#include <sqlite3.h>

#include "core/common.h"

struct tm_warehouse {
  sqlite3 *db;
  char *path;
  int version;
  int readonly;
};

/* Runs SQL with no results; on failure sets err (TM_EDB) with the SQLite message. */
int tm_wh_exec(tm_warehouse *wh, const char *sql, tm_error *err);
/* Prepares a statement; TM_EDB with the message on failure. */
int tm_wh_prepare(tm_warehouse *wh, sqlite3_stmt **st, const char *sql, tm_error *err);
/* Sets err from the connection's last error; returns TM_EDB. */
int tm_wh_fail(tm_warehouse *wh, tm_error *err, const char *what);
/* Runs a query returning one integer (0 when no row). */
int tm_wh_int(tm_warehouse *wh, const char *sql, int64_t *out, tm_error *err);

/* Helpers for saving a result run: an INSERT ... RETURNING id for the run's
 * row, then rows bound and stepped one by one, all in one transaction. */
/* Steps an INSERT ... RETURNING id and resets it; *id = 0 and TM_EDB naming
 * what on failure. */
int tm_wh_insert_id(tm_warehouse *wh, sqlite3_stmt *st, int64_t *id, const char *what, tm_error *err);
/* Steps a statement that returns no row and resets it; TM_EDB naming what. */
int tm_wh_step(tm_warehouse *wh, sqlite3_stmt *st, const char *what, tm_error *err);
/* Binds v, or NULL when v is NaN or infinite (a figure with no value). */
void tm_wh_bind_real(sqlite3_stmt *st, int i, double v);
/* Rolls back the open transaction, keeping the error already set. */
void tm_wh_rollback(tm_warehouse *wh);

#endif
