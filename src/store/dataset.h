/*
 * dataset.h — the layout of tm_dataset, for the analyses (shared-internal).
 *
 * Touchpoints are sorted by (customer, time, event id) in columns; customer c
 * owns events [off[c], off[c+1]). Events of no customer (guests, quarantined
 * identifiers) come last, in [off[ncust], off[ncust+1]). Dimension codes are
 * the warehouse ids (0 = none), their names in the *_names arrays. Order lines
 * are grouped by event: event e owns lines [line_off[e], line_off[e+1]).
 *
 * Analyses should be written as map over a range of customers -> partial ->
 * associative merge (DESIGN.md §2); money sums in integer cents keep merges
 * exact, so results do not depend on the thread count.
 */
#ifndef TM_STORE_DATASET_H
#define TM_STORE_DATASET_H
#include "core/common.h"
#include "core/hashmap.h"

typedef struct tm_names {
  char **name;   /* indexed by warehouse id; name[0] = NULL */
  size_t count;  /* max id + 1 */
} tm_names;

struct tm_dataset {
  int64_t as_of_ms;
  /* customers */
  size_t ncust;
  uint64_t *off;          /* ncust + 2 */
  int64_t *cust_id;       /* customers.id */
  char *key_buf;          /* customers' canonical identifier values, NUL-separated */
  uint64_t *key_off;      /* ncust + 1 offsets into key_buf */
  int64_t *cust_first;    /* first seen (ms), 0 if unknown */
  uint32_t *attr_off;     /* ncust + 1: customer attributes, CSR */
  uint32_t *attr_key, *attr_val; /* codes in attr_keys / attr_vals */
  tm_dict attr_keys, attr_vals;
  /* events */
  size_t nev;
  int64_t *ts, *event_id;
  uint16_t *source, *channel, *type, *device;
  uint32_t *campaign, *region;
  double *amount;         /* NaN when absent */
  float *rating;          /* NaN when absent */
  /* order lines */
  size_t nlines;
  uint32_t *line_off;     /* nev + 1 */
  uint32_t *line_product;
  float *line_qty;
  double *line_price;
  /* dimension names */
  tm_names sources, channels, channel_modes, types, campaigns, regions, devices, products,
      product_categories;
};

/* Money as integer cents (absent amounts count 0): sums of cents are exact,
 * so merged partial sums do not depend on the thread count. */
static inline int64_t tm_cents(double amount) {
  return amount == amount && amount < 9e16 && amount > -9e16 ? (int64_t)(amount * 100.0 + (amount < 0 ? -0.5 : 0.5)) : 0;
}

/* Customer c's key: the canonical identifier's value (e.g. the CRM id). */
static inline const char *tm_dataset_key(const tm_dataset *ds, size_t c) { return ds->key_buf + ds->key_off[c]; }

/* The columnar snapshot kept in the warehouse (dataset_cache.c): loads it when
 * it matches the warehouse's data version (*hit = true), or saves one. */
int tm_dataset_cache_load(tm_warehouse *wh, tm_dataset *ds, bool *hit, tm_error *err);
int tm_dataset_cache_save(tm_warehouse *wh, const tm_dataset *ds, tm_error *err);
/* The per-event columns, described once so that allocation, the snapshot,
 * the as-of cut and the time sort walk the same list. */
typedef struct tm_event_column {
  const char *name;
  size_t offset; /* of the column pointer in tm_dataset */
  size_t size;   /* bytes per event */
} tm_event_column;

extern const tm_event_column tm_event_columns[];
extern const size_t tm_n_event_columns;

/* The column pointer of tm_event_columns[i] in ds. */
static inline void **tm_event_column_ptr(tm_dataset *ds, size_t i) {
  return (void **)((char *)ds + tm_event_columns[i].offset);
}

/* Allocates the n-event columns. */
int tm_dataset_alloc_columns(tm_dataset *ds, size_t n);
/* Keeps only events before as_of (slices stay sorted), and their lines. */
void tm_dataset_cut(tm_dataset *ds, int64_t as_of_ms);

/* Looks a dimension value up by name: its code, or 0 when absent. */
uint32_t tm_names_find(const tm_names *n, const char *name);

/* The value of customer c's attribute key, or NULL. */
const char *tm_dataset_attr(const tm_dataset *ds, size_t c, const char *key);

#endif
