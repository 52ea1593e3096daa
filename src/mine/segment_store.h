/*
 * segment_store.h — saving a segmentation run: one segment_runs row and a
 * customer_segments row per customer, in one transaction. Internal.
 */
#ifndef TM_MINE_SEGMENT_STORE_H
#define TM_MINE_SEGMENT_STORE_H
#include "core/hashmap.h"
#include "store/warehouse_int.h"

typedef struct seg_writer {
  tm_warehouse *wh;
  sqlite3_stmt *ins;
  int64_t run_id;
} seg_writer;

/* Starts the transaction and the run (kind "rfm", "cluster", "geographic"...;
 * as_of_ms 0 = none). */
int seg_writer_begin(seg_writer *w, tm_warehouse *wh, const char *kind, int64_t as_of_ms, int64_t customers,
                     tm_error *err);
int seg_writer_add(seg_writer *w, int64_t customer_id, const char *segment, tm_error *err);
/* Commits when rc is 0, else rolls back; returns the final code. */
int seg_writer_end(seg_writer *w, int rc, tm_error *err);

/* The result of a rule-based run (segment_rules.c): seg[c] is customer c's
 * code in labels. Saves the run and its personas, and fills *out with
 * scalars kind, customers, run_id (and note_key = note when note_key is
 * set), tables "segments", "personas", "persona_features", "assignments". */

int seg_finish(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const char *kind, const uint32_t *seg,
               tm_dict *labels, const char *note_key, const char *note, tm_error *err);

#endif
