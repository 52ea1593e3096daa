/*
 * dataset.c — loading the columnar, customer-major dataset from the
 * warehouse (see dataset.h).
 *
 * Events are read once in storage order into columns, with the customer index
 * of each found through identities (identity id -> customer index array), then
 * placed by a counting sort on customer and sorted by time within each
 * customer. The as-of cut is applied in SQL, so nothing after it is read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/dataset.h"
#include "store/warehouse_int.h"

uint32_t tm_names_find(const tm_names *n, const char *name) {
  for (size_t i = 1; i < n->count; i++)
    if (n->name[i] && !strcmp(n->name[i], name)) return (uint32_t)i;
  return 0;
}

const char *tm_dataset_attr(const tm_dataset *ds, size_t c, const char *key) {
  uint32_t k = tm_dict_find(&ds->attr_keys, key, strlen(key));
  if (k == UINT32_MAX) return NULL;
  for (uint32_t i = ds->attr_off[c]; i < ds->attr_off[c + 1]; i++)
    if (ds->attr_key[i] == k) return tm_dict_str(&ds->attr_vals, ds->attr_val[i]);
  return NULL;
}

static void names_free(tm_names *n) {
  for (size_t i = 0; i < n->count; i++) tm_free(n->name[i]);
  tm_free(n->name);
  memset(n, 0, sizeof *n);
}

/* Loads "SELECT id, name FROM ..." into names indexed by id. */
static int names_load(tm_warehouse *wh, tm_names *n, const char *sql, tm_error *err) {
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(wh, &st, sql, err);
  size_t cap = 0;
  if (rc) return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    if (id <= 0 || id > 100000000) continue;
    if (TM_GROW(n->name, cap, (size_t)id + 1)) goto oom;
    while (n->count <= (size_t)id) n->name[n->count++] = NULL;
    const char *s = (const char *)sqlite3_column_text(st, 1);
    if (!(n->name[id] = tm_strdup(s ? s : ""))) goto oom;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(wh, err, "reading names");
  if (!n->count) { /* name[0] always exists */
    if (!(n->name = tm_calloc(1, sizeof *n->name))) return tm_error_nomem(err);
    n->count = 1;
  }
  return 0;
oom:
  sqlite3_finalize(st);
  return tm_error_nomem(err);
}

void tm_dataset_free(tm_dataset *ds) {
  if (!ds) return;
  void *arrays[] = {ds->off,      ds->cust_id,      ds->key_buf,  ds->key_off,   ds->cust_first, ds->attr_off,
                    ds->attr_key, ds->attr_val,     ds->line_off, ds->line_product, ds->line_qty, ds->line_price};
  for (size_t i = 0; i < TM_ARRAY_LEN(arrays); i++) tm_free(arrays[i]);
  for (size_t i = 0; i < tm_n_event_columns; i++) tm_free(*tm_event_column_ptr(ds, i));
  tm_dict_fini(&ds->attr_keys);
  tm_dict_fini(&ds->attr_vals);
  tm_names *names[] = {&ds->sources, &ds->channels, &ds->channel_modes, &ds->types, &ds->campaigns,
                       &ds->regions, &ds->devices, &ds->products, &ds->product_categories};
  for (size_t i = 0; i < TM_ARRAY_LEN(names); i++) names_free(names[i]);
  tm_free(ds);
}

uint64_t tm_dataset_customers(const tm_dataset *ds) { return ds->ncust; }
uint64_t tm_dataset_events(const tm_dataset *ds) { return ds->nev; }
uint64_t tm_dataset_order_lines(const tm_dataset *ds) { return ds->nlines; }

uint64_t tm_dataset_memory(const tm_dataset *ds) {
  uint64_t per_event = sizeof(uint32_t); /* line_off */
  for (size_t i = 0; i < tm_n_event_columns; i++) per_event += tm_event_columns[i].size;
  uint64_t per_line = sizeof(uint32_t) + sizeof(float) + sizeof(double);
  uint64_t per_cust = 2 * sizeof(uint64_t) + 2 * sizeof(int64_t) + sizeof(uint32_t);
  uint64_t keys = ds->key_off[ds->ncust];
  uint64_t attrs = (uint64_t)ds->attr_off[ds->ncust] * 2 * sizeof(uint32_t) + ds->attr_keys.buflen +
                   ds->attr_vals.buflen + ds->attr_vals.count * 24;
  return (uint64_t)ds->nev * per_event + ds->nlines * per_line + ds->ncust * per_cust + keys + attrs;
}

/* ---------------------------------------------------------------- loading */

static int load_customers(tm_warehouse *wh, tm_dataset *ds, tm_u64map *index, tm_error *err) {
  int64_t n, bytes;
  int rc = tm_wh_int(wh, "SELECT count(*) FROM customers", &n, err);
  if (!rc) rc = tm_wh_int(wh, "SELECT coalesce(sum(length(CAST(customer_key AS BLOB)) + 1), 0) FROM customers", &bytes, err);
  if (rc) return rc;
  size_t cap = (size_t)n + 1, kcap = (size_t)bytes + 1;
  ds->cust_id = tm_malloc(cap * sizeof *ds->cust_id);
  ds->key_off = tm_calloc(cap, sizeof *ds->key_off);
  ds->key_buf = tm_malloc(kcap);
  ds->cust_first = tm_malloc(cap * sizeof *ds->cust_first);
  if (!ds->cust_id || !ds->key_off || !ds->key_buf || !ds->cust_first || tm_u64map_init(index, cap))
    return tm_error_nomem(err);
  sqlite3_stmt *st;
  if ((rc = tm_wh_prepare(wh, &st, "SELECT id, customer_key, first_seen FROM customers ORDER BY id", err)))
    return rc;
  size_t used = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && ds->ncust < (size_t)n) {
    size_t c = ds->ncust;
    ds->cust_id[c] = sqlite3_column_int64(st, 0);
    ds->cust_first[c] = sqlite3_column_int64(st, 2);
    const char *k = (const char *)sqlite3_column_text(st, 1);
    size_t kl = (size_t)sqlite3_column_bytes(st, 1);
    if (used + kl + 1 > kcap) kl = 0; /* cannot happen inside one snapshot */
    memcpy(ds->key_buf + used, k ? k : "", kl);
    ds->key_buf[used + kl] = '\0';
    ds->key_off[c] = used;
    used += kl + 1;
    if (tm_u64map_put(index, (uint64_t)ds->cust_id[c], c, NULL, NULL)) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
    ds->ncust++;
  }
  ds->key_off[ds->ncust] = used;
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return tm_wh_fail(wh, err, "reading customers");
  return 0;
}

/* identity id -> customer index (ncust = none) */
static int load_identity_map(tm_warehouse *wh, tm_dataset *ds, const tm_u64map *index, uint32_t **out,
                             size_t *nout, tm_error *err) {
  int64_t maxid;
  int rc = tm_wh_int(wh, "SELECT coalesce(max(id), 0) FROM identities", &maxid, err);
  if (rc) return rc;
  uint32_t *map = tm_malloc(((size_t)maxid + 1) * sizeof *map);
  if (!map) return tm_error_nomem(err);
  for (int64_t i = 0; i <= maxid; i++) map[i] = (uint32_t)ds->ncust;
  sqlite3_stmt *st;
  if ((rc = tm_wh_prepare(wh, &st, "SELECT id, customer_id FROM identities WHERE customer_id IS NOT NULL", err))) {
    tm_free(map);
    return rc;
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    uint64_t *c = tm_u64map_get(index, (uint64_t)sqlite3_column_int64(st, 1));
    if (id >= 0 && id <= maxid && c) map[id] = (uint32_t)*c;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    tm_free(map);
    return tm_wh_fail(wh, err, "reading identities");
  }
  *out = map;
  *nout = (size_t)maxid + 1;
  return 0;
}

#define EVCOL(field) {#field, offsetof(tm_dataset, field), sizeof(*((tm_dataset *)0)->field)}
const tm_event_column tm_event_columns[] = {
    EVCOL(ts),     EVCOL(event_id), EVCOL(source), EVCOL(channel), EVCOL(type),
    EVCOL(device), EVCOL(campaign), EVCOL(region), EVCOL(amount),  EVCOL(rating),
};
const size_t tm_n_event_columns = TM_ARRAY_LEN(tm_event_columns);

int tm_dataset_alloc_columns(tm_dataset *ds, size_t n) {
  for (size_t i = 0; i < tm_n_event_columns; i++)
    if (!(*tm_event_column_ptr(ds, i) = tm_malloc((n ? n : 1) * tm_event_columns[i].size))) return TM_ENOMEM;
  return 0;
}

static uint32_t cust_of(sqlite3_stmt *st, int col, const uint32_t *idmap, size_t nidmap, uint32_t guest) {
  int64_t ident = sqlite3_column_int64(st, col);
  return ident > 0 && (size_t)ident < nidmap ? idmap[ident] : guest;
}

/* Two scans of one snapshot: the first counts events per customer, the second
 * writes every event straight to its customer's slice, so no copy of the
 * events is ever gathered through a permutation. */
static int load_events(tm_warehouse *wh, tm_dataset *ds, const tm_dataset_options *opt, const uint32_t *idmap,
                       size_t nidmap, tm_error *err) {
  char sql[512];
  const char *where = opt->as_of_ms ? " WHERE ts < ?1" : "";
  uint32_t guest = (uint32_t)ds->ncust;
  size_t nc = ds->ncust;
  sqlite3_stmt *st;
  int rc;
  ds->off = tm_calloc(nc + 2, sizeof *ds->off);
  if (!ds->off) return tm_error_nomem(err);
  snprintf(sql, sizeof sql, "SELECT identity_id FROM events%s", where);
  if ((rc = tm_wh_prepare(wh, &st, sql, err))) return rc;
  if (opt->as_of_ms) sqlite3_bind_int64(st, 1, opt->as_of_ms);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) ds->off[cust_of(st, 0, idmap, nidmap, guest) + 1]++;
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(wh, err, "counting events");
  for (size_t c = 0; c <= nc; c++) ds->off[c + 1] += ds->off[c];
  size_t n = ds->off[nc + 1];
  uint64_t *fill = tm_malloc((nc + 1) * sizeof *fill);
  if (!fill || tm_dataset_alloc_columns(ds, n)) {
    tm_free(fill);
    return tm_error_nomem(err);
  }
  memcpy(fill, ds->off, (nc + 1) * sizeof *fill);
  snprintf(sql, sizeof sql,
           "SELECT identity_id, id, ts, source_id, channel_id, type_id, campaign_id, region_id, "
           "device_id, amount, rating FROM events%s",
           where);
  if ((rc = tm_wh_prepare(wh, &st, sql, err))) {
    tm_free(fill);
    return rc;
  }
  if (opt->as_of_ms) sqlite3_bind_int64(st, 1, opt->as_of_ms);
  size_t k = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < n) {
    uint32_t c = cust_of(st, 0, idmap, nidmap, guest);
    uint64_t i = fill[c]++;
    ds->event_id[i] = sqlite3_column_int64(st, 1);
    ds->ts[i] = sqlite3_column_int64(st, 2);
    ds->source[i] = (uint16_t)sqlite3_column_int(st, 3);
    ds->channel[i] = (uint16_t)sqlite3_column_int(st, 4);
    ds->type[i] = (uint16_t)sqlite3_column_int(st, 5);
    ds->campaign[i] = (uint32_t)sqlite3_column_int64(st, 6);
    ds->region[i] = (uint32_t)sqlite3_column_int64(st, 7);
    ds->device[i] = (uint16_t)sqlite3_column_int(st, 8);
    ds->amount[i] = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
    ds->rating[i] = sqlite3_column_type(st, 10) == SQLITE_NULL ? NAN : (float)sqlite3_column_double(st, 10);
    if (opt->progress && (++k & 0xFFFFF) == 0 &&
        opt->progress(opt->progress_payload, "loading events", k, (uint64_t)n)) {
      sqlite3_finalize(st);
      tm_free(fill);
      return tm_error_set(err, TM_ECANCELED, "dataset load canceled");
    }
  }
  sqlite3_finalize(st);
  tm_free(fill);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return tm_wh_fail(wh, err, "reading events");
  ds->nev = n;
  return 0;
}

typedef struct ev_order {
  const int64_t *ts, *id;
} ev_order;

static int by_time(const void *a, const void *b, void *payload) {
  const ev_order *o = payload;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  if (o->ts[x] != o->ts[y]) return o->ts[x] < o->ts[y] ? -1 : 1;
  return o->id[x] < o->id[y] ? -1 : o->id[x] > o->id[y];
}

/* Permutes the elements [b, b+n) of a column of elem-byte values by perm,
 * through scratch (n * 8 bytes). */
static void permute(void *col, size_t elem, size_t b, const uint32_t *perm, size_t n, void *scratch) {
  char *c = (char *)col + b * elem, *t = scratch;
  for (size_t j = 0; j < n; j++) memcpy(t + j * elem, c + (size_t)perm[j] * elem, elem);
  memcpy(c, t, n * elem);
}

/* Orders each customer's slice by (time, event id). Slices are small and
 * local, so this is cache-friendly; customers run in parallel. */
static int sort_slices(tm_dataset *ds, tm_error *err) {
  int failed = 0;
#pragma omp parallel
  {
    uint32_t *perm = NULL;
    int64_t *scratch = NULL;
    size_t cap = 0;
#pragma omp for schedule(dynamic, 256)
    for (size_t c = 0; c <= ds->ncust; c++) {
      size_t b = ds->off[c], n = ds->off[c + 1] - b;
      if (n < 2) continue;
      bool sorted = true;
      for (size_t i = b + 1; i < b + n && sorted; i++)
        sorted = ds->ts[i - 1] < ds->ts[i] || (ds->ts[i - 1] == ds->ts[i] && ds->event_id[i - 1] < ds->event_id[i]);
      if (sorted) continue;
      if (n > cap) {
        tm_free(perm);
        tm_free(scratch);
        perm = tm_malloc(n * sizeof *perm);
        scratch = tm_malloc(n * sizeof *scratch);
        cap = perm && scratch ? n : 0;
        if (!cap) {
#pragma omp atomic write
          failed = 1;
          continue;
        }
      }
      for (size_t j = 0; j < n; j++) perm[j] = (uint32_t)j;
      ev_order o = {ds->ts + b, ds->event_id + b};
      qsort_r(perm, n, sizeof *perm, by_time, &o);
      for (size_t k = 0; k < tm_n_event_columns; k++)
        permute(*tm_event_column_ptr(ds, k), tm_event_columns[k].size, b, perm, n, scratch);
    }
    tm_free(perm);
    tm_free(scratch);
  }
  return failed ? tm_error_nomem(err) : 0;
}

static int load_lines(tm_warehouse *wh, tm_dataset *ds, tm_error *err) {
  int64_t maxev;
  int rc = tm_wh_int(wh, "SELECT coalesce(max(id), 0) FROM events", &maxev, err);
  if (rc) return rc;
  uint32_t *pos = tm_malloc(((size_t)maxev + 1) * sizeof *pos);
  ds->line_off = tm_calloc(ds->nev + 2, sizeof *ds->line_off);
  if (!pos || !ds->line_off) {
    tm_free(pos);
    return tm_error_nomem(err);
  }
  for (int64_t i = 0; i <= maxev; i++) pos[i] = UINT32_MAX;
  for (size_t i = 0; i < ds->nev; i++)
    if (ds->event_id[i] >= 0 && ds->event_id[i] <= maxev) pos[ds->event_id[i]] = (uint32_t)i;
  int64_t n;
  if ((rc = tm_wh_int(wh, "SELECT count(*) FROM order_lines", &n, err))) {
    tm_free(pos);
    return rc;
  }
  size_t cap = (size_t)n ? (size_t)n : 1;
  uint32_t *ev = tm_malloc(cap * sizeof *ev), *prod = tm_malloc(cap * sizeof *prod);
  float *qty = tm_malloc(cap * sizeof *qty);
  double *price = tm_malloc(cap * sizeof *price);
  sqlite3_stmt *st = NULL;
  size_t k = 0;
  if (!ev || !prod || !qty || !price) {
    rc = tm_error_nomem(err);
    goto done;
  }
  if ((rc = tm_wh_prepare(wh, &st, "SELECT event_id, product_id, quantity, unit_price FROM order_lines", err)))
    goto done;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < (size_t)n) {
    int64_t e = sqlite3_column_int64(st, 0);
    if (e < 0 || e > maxev || pos[e] == UINT32_MAX) continue; /* after the as-of date */
    ev[k] = pos[e];
    prod[k] = (uint32_t)sqlite3_column_int64(st, 1);
    qty[k] = (float)sqlite3_column_double(st, 2);
    price[k] = sqlite3_column_double(st, 3);
    k++;
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    rc = tm_wh_fail(wh, err, "reading order lines");
    goto done;
  }
  rc = 0;
  /* group by event: counting sort */
  for (size_t i = 0; i < k; i++) ds->line_off[ev[i] + 1]++;
  for (size_t i = 0; i < ds->nev; i++) ds->line_off[i + 1] += ds->line_off[i];
  ds->nlines = k;
  ds->line_product = tm_malloc((k ? k : 1) * sizeof *ds->line_product);
  ds->line_qty = tm_malloc((k ? k : 1) * sizeof *ds->line_qty);
  ds->line_price = tm_malloc((k ? k : 1) * sizeof *ds->line_price);
  uint32_t *fill = tm_malloc((ds->nev + 1) * sizeof *fill);
  if (!ds->line_product || !ds->line_qty || !ds->line_price || !fill) {
    tm_free(fill);
    rc = tm_error_nomem(err);
    goto done;
  }
  memcpy(fill, ds->line_off, (ds->nev + 1) * sizeof *fill);
  for (size_t i = 0; i < k; i++) {
    uint32_t at = fill[ev[i]]++;
    ds->line_product[at] = prod[i];
    ds->line_qty[at] = qty[i];
    ds->line_price[at] = price[i];
  }
  tm_free(fill);
done:
  sqlite3_finalize(st);
  tm_free(pos);
  tm_free(ev);
  tm_free(prod);
  tm_free(qty);
  tm_free(price);
  return rc;
}

static int load_attrs(tm_warehouse *wh, tm_dataset *ds, const tm_u64map *index, tm_error *err) {
  sqlite3_stmt *st;
  int rc;
  size_t n = 0, cap = 0;
  uint32_t *cust = NULL, *key = NULL, *val = NULL;
  size_t capk = 0, capv = 0;
  if (tm_dict_init(&ds->attr_keys) || tm_dict_init(&ds->attr_vals)) return tm_error_nomem(err);
  if ((rc = tm_wh_prepare(wh, &st, "SELECT customer_id, key, value FROM customer_attrs", err))) return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint64_t *c = tm_u64map_get(index, (uint64_t)sqlite3_column_int64(st, 0));
    if (!c || sqlite3_column_type(st, 2) == SQLITE_NULL) continue;
    uint32_t k, v;
    if (TM_GROW(cust, cap, n + 1) || TM_GROW(key, capk, n + 1) || TM_GROW(val, capv, n + 1) ||
        tm_dict_intern(&ds->attr_keys, (const char *)sqlite3_column_text(st, 1),
                       (size_t)sqlite3_column_bytes(st, 1), &k) ||
        tm_dict_intern(&ds->attr_vals, (const char *)sqlite3_column_text(st, 2),
                       (size_t)sqlite3_column_bytes(st, 2), &v)) {
      rc = TM_ENOMEM;
      break;
    }
    cust[n] = (uint32_t)*c;
    key[n] = k;
    val[n] = v;
    n++;
  }
  sqlite3_finalize(st);
  if (rc == TM_ENOMEM) rc = tm_error_nomem(err);
  else if (rc != SQLITE_DONE) rc = tm_wh_fail(wh, err, "reading customer attributes");
  else rc = 0;
  if (!rc) {
    ds->attr_off = tm_calloc(ds->ncust + 2, sizeof *ds->attr_off);
    ds->attr_key = tm_malloc((n ? n : 1) * sizeof *ds->attr_key);
    ds->attr_val = tm_malloc((n ? n : 1) * sizeof *ds->attr_val);
    if (!ds->attr_off || !ds->attr_key || !ds->attr_val) rc = tm_error_nomem(err);
  }
  if (!rc) {
    for (size_t i = 0; i < n; i++) ds->attr_off[cust[i] + 1]++;
    for (size_t c = 0; c < ds->ncust; c++) ds->attr_off[c + 1] += ds->attr_off[c];
    uint32_t *fill = tm_malloc((ds->ncust + 1) * sizeof *fill);
    if (!fill) rc = tm_error_nomem(err);
    else {
      memcpy(fill, ds->attr_off, (ds->ncust + 1) * sizeof *fill);
      for (size_t i = 0; i < n; i++) {
        uint32_t at = fill[cust[i]]++;
        ds->attr_key[at] = key[i];
        ds->attr_val[at] = val[i];
      }
      tm_free(fill);
    }
  }
  tm_free(cust);
  tm_free(key);
  tm_free(val);
  return rc;
}

int tm_dataset_load(tm_dataset **out, tm_warehouse *wh, const tm_dataset_options *opt, tm_error *err) {
  static const tm_dataset_options defaults = TM_DATASET_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  tm_dataset *ds = tm_calloc(1, sizeof *ds);
  if (!ds) return tm_error_nomem(err);
  ds->as_of_ms = opt->as_of_ms;
  tm_u64map index = {0};
  uint32_t *idmap = NULL;
  size_t nidmap = 0;
  /* a consistent snapshot even while an ingest commits */
  int rc = tm_wh_exec(wh, "BEGIN", err);
  if (rc) {
    tm_free(ds);
    return rc;
  }
  bool hit = false;
  if ((rc = names_load(wh, &ds->sources, "SELECT id, name FROM sources", err)) ||
      (rc = names_load(wh, &ds->channels, "SELECT id, name FROM channels", err)) ||
      (rc = names_load(wh, &ds->channel_modes, "SELECT id, mode FROM channels", err)) ||
      (rc = names_load(wh, &ds->types, "SELECT id, name FROM touch_types", err)) ||
      (rc = names_load(wh, &ds->campaigns, "SELECT id, name FROM campaigns", err)) ||
      (rc = names_load(wh, &ds->regions, "SELECT id, name FROM regions", err)) ||
      (rc = names_load(wh, &ds->devices, "SELECT id, name FROM devices", err)) ||
      (rc = names_load(wh, &ds->products, "SELECT id, code FROM products", err)) ||
      (rc = names_load(wh, &ds->product_categories, "SELECT id, coalesce(category, '') FROM products", err)) ||
      (rc = tm_dataset_cache_load(wh, ds, &hit, err)))
    goto fail;
  if (hit) {
    sqlite3_exec(wh->db, "COMMIT", NULL, NULL, NULL);
    if (opt->as_of_ms) tm_dataset_cut(ds, opt->as_of_ms);
    *out = ds;
    return 0;
  }
  if ((rc = load_customers(wh, ds, &index, err)) ||
      (rc = load_identity_map(wh, ds, &index, &idmap, &nidmap, err)) ||
      (rc = load_events(wh, ds, opt, idmap, nidmap, err)) || (rc = sort_slices(ds, err)))
    goto fail;
  tm_free(idmap);
  idmap = NULL;
  if ((rc = load_lines(wh, ds, err)) || (rc = load_attrs(wh, ds, &index, err))) goto fail;
  tm_u64map_fini(&index);
  sqlite3_exec(wh->db, "COMMIT", NULL, NULL, NULL);
  /* Built from the tables: keep a snapshot so the next load is a few big
   * reads. Only whole datasets are kept; a failure to save costs nothing. */
  if (!opt->as_of_ms && !wh->readonly) tm_dataset_cache_save(wh, ds, NULL);
  *out = ds;
  return 0;
fail:
  tm_wh_rollback(wh);
  tm_free(idmap);
  tm_u64map_fini(&index);
  tm_dataset_free(ds);
  return rc;
}

void tm_dataset_cut(tm_dataset *ds, int64_t as_of_ms) {
  ds->as_of_ms = as_of_ms;
  size_t w = 0, lw = 0;
  for (size_t c = 0; c <= ds->ncust; c++) {
    size_t b = ds->off[c], e = ds->off[c + 1];
    ds->off[c] = w;
    for (size_t i = b; i < e; i++) {
      if (ds->ts[i] >= as_of_ms) continue; /* the guests' slice is sorted too */
      uint32_t lb = ds->line_off[i], le = ds->line_off[i + 1];
      for (size_t k = 0; k < tm_n_event_columns; k++) {
        char *col = *tm_event_column_ptr(ds, k);
        size_t sz = tm_event_columns[k].size;
        memcpy(col + w * sz, col + i * sz, sz);
      }
      ds->line_off[w] = (uint32_t)lw;
      for (uint32_t l = lb; l < le; l++, lw++) {
        ds->line_product[lw] = ds->line_product[l];
        ds->line_qty[lw] = ds->line_qty[l];
        ds->line_price[lw] = ds->line_price[l];
      }
      w++;
    }
  }
  ds->off[ds->ncust + 1] = w;
  ds->line_off[w] = (uint32_t)lw;
  ds->nev = w;
  ds->nlines = lw;
}
