/*
 * dataset_cache.c — the dataset's columns kept as blobs in the warehouse
 * (table dataset_cache), so a load is a few large sequential reads instead of
 * a scan and scatter of every event row. A snapshot is valid while
 * meta.data_version — bumped by every ingest run, which also clears the table
 * — equals the version it was saved under. Arrays are stored raw, in the
 * machine's byte order, in chunks under SQLite's blob limit.
 */
#include <stdio.h>

#include "store/dataset.h"
#include "store/warehouse_int.h"

#define CHUNK (256u << 20)

enum { H_NCUST, H_NEV, H_NLINES, H_NATTR, H_NKEYS, H_NVALS, H_KEYBYTES, H_KEYSBUF, H_VALSBUF, H_MAGIC, H_N };
#define MAGIC 0x746d64733031ULL /* "tmds01" */

static int data_version(tm_warehouse *wh, int64_t *v, tm_error *err) {
  return tm_wh_int(wh, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'", v, err);
}

/* ------------------------------------------------------------------ save */

static int put(sqlite3_stmt *st, int64_t version, const char *name, const void *p, size_t bytes) {
  size_t nchunks = bytes / CHUNK + 1;
  for (size_t k = 0; k < nchunks; k++) {
    char key[64];
    size_t off = k * CHUNK, n = TM_MIN(CHUNK, bytes - off);
    snprintf(key, sizeof key, "%s.%zu", name, k);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, version);
    sqlite3_bind_int64(st, 3, (int64_t)bytes);
    sqlite3_bind_blob64(st, 4, n ? (const char *)p + off : "", n, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return TM_EDB;
  }
  return 0;
}

int tm_dataset_cache_save(tm_warehouse *wh, const tm_dataset *ds, tm_error *err) {
  int64_t version;
  sqlite3_stmt *st = NULL;
  int rc = data_version(wh, &version, err);
  if (rc) return rc;
  if (tm_wh_exec(wh, "BEGIN IMMEDIATE", err)) return TM_EDB; /* busy: someone else writes; skip */
  if ((rc = tm_wh_exec(wh, "DELETE FROM dataset_cache", err)) ||
      (rc = tm_wh_prepare(wh, &st, "INSERT INTO dataset_cache(name, version, bytes, data) VALUES(?,?,?,?)", err)))
    goto fail;
  uint64_t h[H_N] = {0};
  h[H_NCUST] = ds->ncust;
  h[H_NEV] = ds->nev;
  h[H_NLINES] = ds->nlines;
  h[H_NATTR] = ds->attr_off[ds->ncust];
  h[H_NKEYS] = ds->attr_keys.count;
  h[H_NVALS] = ds->attr_vals.count;
  h[H_KEYBYTES] = ds->key_off[ds->ncust];
  h[H_KEYSBUF] = ds->attr_keys.buflen;
  h[H_VALSBUF] = ds->attr_vals.buflen;
  h[H_MAGIC] = MAGIC;
  size_t nc = ds->ncust, ne = ds->nev, nl = ds->nlines, na = h[H_NATTR];
  const struct {
    const char *name;
    const void *p;
    size_t bytes;
  } arr[] = {
      {"header", h, sizeof h},
      {"off", ds->off, (nc + 2) * sizeof *ds->off},
      {"cust_id", ds->cust_id, nc * sizeof *ds->cust_id},
      {"cust_first", ds->cust_first, nc * sizeof *ds->cust_first},
      {"key_off", ds->key_off, (nc + 1) * sizeof *ds->key_off},
      {"key_buf", ds->key_buf, h[H_KEYBYTES]},
      {"attr_off", ds->attr_off, (nc + 2) * sizeof *ds->attr_off},
      {"attr_key", ds->attr_key, na * sizeof *ds->attr_key},
      {"attr_val", ds->attr_val, na * sizeof *ds->attr_val},
      {"attr_keys", ds->attr_keys.buf, h[H_KEYSBUF]},
      {"attr_vals", ds->attr_vals.buf, h[H_VALSBUF]},
      {"line_off", ds->line_off, (ne + 1) * sizeof *ds->line_off},
      {"line_product", ds->line_product, nl * sizeof *ds->line_product},
      {"line_qty", ds->line_qty, nl * sizeof *ds->line_qty},
      {"line_price", ds->line_price, nl * sizeof *ds->line_price},
  };
  for (size_t i = 0; i < TM_ARRAY_LEN(arr); i++)
    if (put(st, version, arr[i].name, arr[i].p, arr[i].bytes)) {
      rc = tm_wh_fail(wh, err, "saving the dataset snapshot");
      goto fail;
    }
  for (size_t i = 0; i < tm_n_event_columns; i++)
    if (put(st, version, tm_event_columns[i].name, *tm_event_column_ptr((tm_dataset *)ds, i),
            ne * tm_event_columns[i].size)) {
      rc = tm_wh_fail(wh, err, "saving the dataset snapshot");
      goto fail;
    }
  sqlite3_finalize(st);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  tm_wh_rollback(wh);
  return rc;
}

/* ------------------------------------------------------------------ load */

/* Reads array name (bytes long) into p. */
static int get(tm_warehouse *wh, sqlite3_stmt *q, int64_t version, const char *name, void *p, size_t bytes,
               tm_error *err) {
  size_t nchunks = bytes / CHUNK + 1;
  for (size_t k = 0; k < nchunks; k++) {
    char key[64];
    size_t off = k * CHUNK, n = TM_MIN(CHUNK, bytes - off);
    snprintf(key, sizeof key, "%s.%zu", name, k);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    int64_t rowid = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(q, 1) : -1;
    int64_t total = rc == SQLITE_ROW ? sqlite3_column_int64(q, 2) : -1;
    sqlite3_reset(q);
    if (!rowid || v != version || total != (int64_t)bytes)
      return tm_error_set(err, TM_EDB, "%s: dataset snapshot part %s is missing or stale", wh->path, key);
    if (!n) continue;
    sqlite3_blob *blob;
    if (sqlite3_blob_open(wh->db, "main", "dataset_cache", "data", rowid, 0, &blob) != SQLITE_OK)
      return tm_wh_fail(wh, err, "opening the dataset snapshot");
    rc = sqlite3_blob_bytes(blob) == (int)n ? sqlite3_blob_read(blob, (char *)p + off, (int)n, 0) : SQLITE_CORRUPT;
    sqlite3_blob_close(blob);
    if (rc != SQLITE_OK) return tm_wh_fail(wh, err, "reading the dataset snapshot");
  }
  return 0;
}

/* Re-interns NUL-separated strings in order, so ids match the saved ones. */
static int dict_from_buf(tm_dict *d, const char *buf, size_t len, uint64_t count) {
  size_t at = 0;
  for (uint64_t i = 0; i < count; i++) {
    if (at >= len) return TM_EFORMAT;
    size_t n = strnlen(buf + at, len - at);
    uint32_t id;
    if (tm_dict_intern(d, buf + at, n, &id)) return TM_ENOMEM;
    if (id != i) return TM_EFORMAT; /* a duplicate: not what we saved */
    at += n + 1;
  }
  return 0;
}

int tm_dataset_cache_load(tm_warehouse *wh, tm_dataset *ds, bool *hit, tm_error *err) {
  int64_t version;
  sqlite3_stmt *q = NULL;
  char *keys = NULL, *vals = NULL;
  uint64_t h[H_N];
  *hit = false;
  int rc = data_version(wh, &version, err);
  if (rc) return rc;
  if ((rc = tm_wh_prepare(wh, &q, "SELECT id, version, bytes FROM dataset_cache WHERE name = ?", err))) return rc;
  if (get(wh, q, version, "header", h, sizeof h, NULL) || h[H_MAGIC] != MAGIC) {
    sqlite3_finalize(q); /* no snapshot of this data: build from the tables */
    return 0;
  }
  /* Blob pages are read once: a small page cache recycles its buffers instead
   * of allocating (and faulting in) a page for every 4 KB read. */
  sqlite3_exec(wh->db, "PRAGMA cache_size = -4096", NULL, NULL, NULL);
  size_t nc = h[H_NCUST], ne = h[H_NEV], nl = h[H_NLINES], na = h[H_NATTR];
  ds->ncust = nc;
  ds->nev = ne;
  ds->nlines = nl;
  ds->off = tm_malloc((nc + 2) * sizeof *ds->off);
  ds->cust_id = tm_malloc((nc + 1) * sizeof *ds->cust_id);
  ds->cust_first = tm_malloc((nc + 1) * sizeof *ds->cust_first);
  ds->key_off = tm_malloc((nc + 1) * sizeof *ds->key_off);
  ds->key_buf = tm_malloc(h[H_KEYBYTES] + 1);
  ds->attr_off = tm_malloc((nc + 2) * sizeof *ds->attr_off);
  ds->attr_key = tm_malloc((na + 1) * sizeof *ds->attr_key);
  ds->attr_val = tm_malloc((na + 1) * sizeof *ds->attr_val);
  ds->line_off = tm_malloc((ne + 2) * sizeof *ds->line_off);
  ds->line_product = tm_malloc((nl + 1) * sizeof *ds->line_product);
  ds->line_qty = tm_malloc((nl + 1) * sizeof *ds->line_qty);
  ds->line_price = tm_malloc((nl + 1) * sizeof *ds->line_price);
  keys = tm_malloc(h[H_KEYSBUF] + 1);
  vals = tm_malloc(h[H_VALSBUF] + 1);
  if (!ds->off || !ds->cust_id || !ds->cust_first || !ds->key_off || !ds->key_buf || !ds->attr_off ||
      !ds->attr_key || !ds->attr_val || !ds->line_off || !ds->line_product || !ds->line_qty || !ds->line_price ||
      !keys || !vals || tm_dataset_alloc_columns(ds, ne) || tm_dict_init(&ds->attr_keys) ||
      tm_dict_init(&ds->attr_vals)) {
    rc = tm_error_nomem(err);
    goto done;
  }
  if ((rc = get(wh, q, version, "off", ds->off, (nc + 2) * sizeof *ds->off, err)) ||
      (rc = get(wh, q, version, "cust_id", ds->cust_id, nc * sizeof *ds->cust_id, err)) ||
      (rc = get(wh, q, version, "cust_first", ds->cust_first, nc * sizeof *ds->cust_first, err)) ||
      (rc = get(wh, q, version, "key_off", ds->key_off, (nc + 1) * sizeof *ds->key_off, err)) ||
      (rc = get(wh, q, version, "key_buf", ds->key_buf, h[H_KEYBYTES], err)) ||
      (rc = get(wh, q, version, "attr_off", ds->attr_off, (nc + 2) * sizeof *ds->attr_off, err)) ||
      (rc = get(wh, q, version, "attr_key", ds->attr_key, na * sizeof *ds->attr_key, err)) ||
      (rc = get(wh, q, version, "attr_val", ds->attr_val, na * sizeof *ds->attr_val, err)) ||
      (rc = get(wh, q, version, "attr_keys", keys, h[H_KEYSBUF], err)) ||
      (rc = get(wh, q, version, "attr_vals", vals, h[H_VALSBUF], err)) ||
      (rc = get(wh, q, version, "line_off", ds->line_off, (ne + 1) * sizeof *ds->line_off, err)) ||
      (rc = get(wh, q, version, "line_product", ds->line_product, nl * sizeof *ds->line_product, err)) ||
      (rc = get(wh, q, version, "line_qty", ds->line_qty, nl * sizeof *ds->line_qty, err)) ||
      (rc = get(wh, q, version, "line_price", ds->line_price, nl * sizeof *ds->line_price, err)))
    goto done;
  for (size_t i = 0; i < tm_n_event_columns; i++)
    if ((rc = get(wh, q, version, tm_event_columns[i].name, *tm_event_column_ptr(ds, i), ne * tm_event_columns[i].size,
                  err)))
      goto done;
  if ((rc = dict_from_buf(&ds->attr_keys, keys, h[H_KEYSBUF], h[H_NKEYS])) ||
      (rc = dict_from_buf(&ds->attr_vals, vals, h[H_VALSBUF], h[H_NVALS]))) {
    rc = rc == TM_ENOMEM ? tm_error_nomem(err) : tm_error_set(err, TM_EDB, "%s: dataset snapshot is damaged", wh->path);
    goto done;
  }
  *hit = true;
done:
  sqlite3_exec(wh->db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
  sqlite3_finalize(q);
  tm_free(keys);
  tm_free(vals);
  return rc;
}
