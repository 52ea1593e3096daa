/*
 * loader.h — validating canonical records and writing them to the warehouse:
 * touchpoint facts, order lines, feedback, profile attributes, rejects, and
 * the identifiers into the identity graph. One loader lives for one ingest
 * run, inside its transaction. Internal.
 */
#ifndef TM_INGEST_LOADER_H
#define TM_INGEST_LOADER_H
#include "core/hashmap.h"
#include "identity/graph.h"
#include "ingest/record.h"
#include "store/writer.h"

#define REASON_KINDS 16

typedef struct dim {
  tm_dict names;
  int64_t *dbid;
  size_t cap;
  int ins;             /* writer statement */
  int64_t next;
  const char *last;    /* the last value looked up, and its id: rows repeat them */
  size_t last_len;
  int64_t last_id;
} dim;

typedef struct pending_order {
  int64_t event_id, identity_id, ts, campaign_id, region_id, device_id, channel_id, type_id;
  double amount;
  uint32_t order_id; /* in the orders dict */
  bool existing;     /* stored by an earlier run: only its amount changes */
} pending_order;

typedef struct loader_stats {
  uint64_t read, loaded, rejected, duplicates, events, lines, blocked_ids;
} loader_stats;

typedef struct loader {
  tm_warehouse *wh;
  const tm_config *cfg;
  tm_idgraph *graph;
  const unsigned char *pkey;
  int64_t run_id, next_event_id, next_line_id;
  dim channels, types, campaigns, regions, devices;
  tm_dict products;
  int64_t *product_dbid;
  size_t product_cap;
  int64_t next_product_id;
  tm_writer *w; /* every row-path write goes through it */
  int ev_ins, line_ins, fb_ins, rej_ins, attr_ins, evattr_ins, prod_ins, order_upd;
  /* the current source */
  const source_cfg *src;
  int64_t source_id;
  tm_u64map seen;    /* event keys (events) or line keys (order lines) */
  tm_u64map orders;  /* hash(order id) -> index in pending */
  tm_dict order_ids;
  pending_order *pending;
  size_t npending, pendcap;
  /* totals of the run and of the current source */
  loader_stats total, source;
  uint64_t reason_count[REASON_KINDS];
} loader;

extern const char *const tm_reason_names[REASON_KINDS];
enum {
  R_MALFORMED, R_COLUMNS, R_UTF8, R_TIME, R_NUMBER, R_QUANTITY, R_MISSING_ID, R_DUPLICATE,
  R_TOO_LONG, R_OTHER
};

int loader_open(loader *ld, tm_warehouse *wh, const tm_config *cfg, tm_idgraph *graph,
                const unsigned char *pkey, int64_t run_id, tm_error *err);
void loader_close(loader *ld);
/* Waits for every queued write; call before running SQL directly. */
int loader_flush(loader *ld, tm_error *err);
/* Starts a source: registers it and loads its de-duplication keys. */
int loader_begin_source(loader *ld, const source_cfg *src, tm_error *err);
/* Writes the source's pending orders. */
int loader_end_source(loader *ld, tm_error *err);
/* Loads one mapped row, or rejects it with a reason. Errors only when the
 * warehouse or memory fails (TM_EDB, TM_ENOMEM). */
int loader_row(loader *ld, tm_record *r, const char *file, uint64_t line, const char *raw,
               size_t rawlen, tm_error *err);
/* Keeps a row that loader_row rejects. kind is R_*. */
int loader_reject(loader *ld, int kind, const char *reason, const char *file, uint64_t line,
                  const char *raw, size_t rawlen, tm_error *err);

/* Keeps a row that never reached loader_row (unsplittable, wrong field
 * count, bad JSON): counts it as read, then rejects it. */
int loader_reject_unread(loader *ld, int kind, const char *reason, const char *file, uint64_t line,
                         const char *raw, size_t rawlen, tm_error *err);

#endif
