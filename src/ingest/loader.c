/*
 * loader.c — validation and warehouse writes for the ingest (see loader.h).
 *
 * Ids are assigned here (max(id) + 1 onwards) rather than by SQLite, so order
 * lines can point at their order's touchpoint before it is written, and the
 * touchpoint is written once with its final amount when the source ends.
 * Duplicates are found in memory (a set of 64-bit keys per source, loaded at
 * the start), so the fact tables need no unique index to slow the load.
 */
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/pii.h"
#include "core/timeparse.h"
#include "ingest/loader.h"
#include "io/io.h"

const char *const tm_reason_names[REASON_KINDS] = {
    "malformed record", "wrong field count", "invalid UTF-8", "bad time",
    "bad number",       "bad quantity",      "missing identifier", "duplicate",
    "record too long",  "other"};

/* ------------------------------------------------------------ dimensions */

static int dim_open(dim *d, tm_warehouse *wh, const char *table, tm_error *err) {
  char sql[160];
  sqlite3_stmt *st;
  memset(d, 0, sizeof *d);
  if (tm_dict_init(&d->names)) return tm_error_nomem(err);
  snprintf(sql, sizeof sql, "SELECT id, name FROM %s ORDER BY id", table);
  int rc = tm_wh_prepare(wh, &st, sql, err);
  if (rc) return rc;
  d->next = 1;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint32_t id;
    if (tm_dict_intern(&d->names, (const char *)sqlite3_column_text(st, 1),
                       (size_t)sqlite3_column_bytes(st, 1), &id) ||
        TM_GROW(d->dbid, d->cap, id + 1)) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
    d->dbid[id] = sqlite3_column_int64(st, 0);
    if (d->dbid[id] >= d->next) d->next = d->dbid[id] + 1;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(wh, err, table);
  return 0;
}

static int dim_prepare(dim *d, tm_writer *w, const char *table, tm_error *err) {
  char sql[160];
  if (!strcmp(table, "channels"))
    snprintf(sql, sizeof sql, "INSERT INTO channels(id, name, mode) VALUES(?, ?, ?)");
  else
    snprintf(sql, sizeof sql, "INSERT INTO %s(id, name) VALUES(?, ?)", table);
  return tm_writer_prepare(w, sql, table, &d->ins, err);
}

static void dim_close(dim *d) {
  tm_dict_fini(&d->names);
  tm_free(d->dbid);
  memset(d, 0, sizeof *d);
}

/* The dbid of a dimension value, inserting it when new; 0 for absent values. */
static int dim_get(loader *ld, dim *d, const rec_value *v, int64_t *out, tm_error *err) {
  if (!v->s || !v->n) {
    *out = 0;
    return 0;
  }
  if (d->last && d->last_len == v->n && (d->last == v->s || !memcmp(d->last, v->s, v->n))) {
    *out = d->last_id;
    return 0;
  }
  size_t before = d->names.count;
  uint32_t id;
  if (tm_dict_intern(&d->names, v->s, v->n, &id) || TM_GROW(d->dbid, d->cap, id + 1))
    return tm_error_nomem(err);
  if (d->names.count != before) {
    d->dbid[id] = d->next++;
    tm_writer_row(ld->w, d->ins);
    tm_writer_int(ld->w, d->dbid[id]);
    tm_writer_text(ld->w, v->s, v->n);
    if (d == &ld->channels)
      tm_writer_text(ld->w, tm_config_channel_mode(ld->cfg, tm_dict_str(&d->names, id)),
                     strlen(tm_config_channel_mode(ld->cfg, tm_dict_str(&d->names, id))));
    int rc = tm_writer_end_row(ld->w, err);
    if (rc) return rc;
  }
  /* remember the interned copy: the row's buffer changes under us */
  d->last = tm_dict_str(&d->names, id);
  d->last_len = v->n;
  d->last_id = d->dbid[id];
  *out = d->dbid[id];
  return 0;
}

static int product_get(loader *ld, const tm_record *r, int64_t *out, tm_error *err) {
  const rec_value *code = &r->f[F_PRODUCT];
  size_t before = ld->products.count;
  uint32_t id;
  if (tm_dict_intern(&ld->products, code->s, code->n, &id) ||
      TM_GROW(ld->product_dbid, ld->product_cap, id + 1))
    return tm_error_nomem(err);
  if (ld->products.count != before) {
    ld->product_dbid[id] = ld->next_product_id++;
    const rec_value *nm = &r->f[F_PRODUCT_NAME], *cat = &r->f[F_CATEGORY];
    tm_writer_row(ld->w, ld->prod_ins);
    tm_writer_int(ld->w, ld->product_dbid[id]);
    tm_writer_text(ld->w, code->s, code->n);
    if (nm->s) tm_writer_text(ld->w, nm->s, nm->n);
    else tm_writer_null(ld->w);
    if (cat->s) tm_writer_text(ld->w, cat->s, cat->n);
    else tm_writer_null(ld->w);
    int rc = tm_writer_end_row(ld->w, err);
    if (rc) return rc;
  }
  *out = ld->product_dbid[id];
  return 0;
}

/* ------------------------------------------------------------- open/close */

int loader_open(loader *ld, tm_warehouse *wh, const tm_config *cfg, tm_idgraph *graph,
                const unsigned char *pkey, int64_t run_id, tm_error *err) {
  memset(ld, 0, sizeof *ld);
  ld->wh = wh;
  ld->cfg = cfg;
  ld->graph = graph;
  ld->pkey = pkey;
  ld->run_id = run_id;
  int rc;
  if ((rc = dim_open(&ld->channels, wh, "channels", err)) ||
      (rc = dim_open(&ld->types, wh, "touch_types", err)) ||
      (rc = dim_open(&ld->campaigns, wh, "campaigns", err)) ||
      (rc = dim_open(&ld->regions, wh, "regions", err)) ||
      (rc = dim_open(&ld->devices, wh, "devices", err)))
    return rc;
  if (tm_dict_init(&ld->products)) return tm_error_nomem(err);
  if ((rc = tm_wh_int(wh, "SELECT coalesce(max(id), 0) + 1 FROM events", &ld->next_event_id, err)) ||
      (rc = tm_wh_int(wh, "SELECT coalesce(max(id), 0) + 1 FROM order_lines", &ld->next_line_id, err)))
    return rc;
  /* Products known from earlier runs. */
  sqlite3_stmt *st;
  if ((rc = tm_wh_prepare(wh, &st, "SELECT id, code FROM products", err))) return rc;
  while (sqlite3_step(st) == SQLITE_ROW) {
    uint32_t id;
    if (tm_dict_intern(&ld->products, (const char *)sqlite3_column_text(st, 1),
                       (size_t)sqlite3_column_bytes(st, 1), &id) ||
        TM_GROW(ld->product_dbid, ld->product_cap, id + 1)) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
    ld->product_dbid[id] = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  if ((rc = tm_wh_int(wh, "SELECT coalesce(max(id), 0) + 1 FROM products", &ld->next_product_id, err)))
    return rc;
  if ((rc = tm_writer_new(&ld->w, wh->db, wh->path, err))) return rc;
  tm_writer *w = ld->w;
  if ((rc = dim_prepare(&ld->channels, w, "channels", err)) ||
      (rc = dim_prepare(&ld->types, w, "touch_types", err)) ||
      (rc = dim_prepare(&ld->campaigns, w, "campaigns", err)) ||
      (rc = dim_prepare(&ld->regions, w, "regions", err)) ||
      (rc = dim_prepare(&ld->devices, w, "devices", err)) ||
      (rc = tm_writer_prepare(w,
                              "INSERT INTO events(id, source_id, event_key, identity_id, ts, channel_id, "
                              "type_id, campaign_id, region_id, device_id, amount, order_id, rating, run_id) "
                              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              "writing events", &ld->ev_ins, err)) ||
      (rc = tm_writer_prepare(w,
                              "INSERT INTO order_lines(id, event_id, source_id, line_key, product_id, "
                              "quantity, unit_price) VALUES(?,?,?,?,?,?,?)",
                              "writing order lines", &ld->line_ins, err)) ||
      (rc = tm_writer_prepare(w, "INSERT INTO feedback(event_id, rating, scale, text) VALUES(?,?,?,?)",
                              "writing feedback", &ld->fb_ins, err)) ||
      (rc = tm_writer_prepare(w,
                              "INSERT INTO rejects(run_id, source_id, file, line, reason, raw) "
                              "VALUES(?,?,?,?,?,?)",
                              "writing rejects", &ld->rej_ins, err)) ||
      (rc = tm_writer_prepare(w,
                              "INSERT INTO identity_attrs(identity_id, key, value, ts, source_id) "
                              "VALUES(?,?,?,?,?) ON CONFLICT(identity_id, key) DO UPDATE SET "
                              "value = excluded.value, ts = excluded.ts, source_id = excluded.source_id "
                              "WHERE excluded.ts >= coalesce(identity_attrs.ts, excluded.ts)",
                              "writing attributes", &ld->attr_ins, err)) ||
      (rc = tm_writer_prepare(w, "INSERT OR IGNORE INTO event_attrs(event_id, key, value) VALUES(?,?,?)",
                              "writing event attributes", &ld->evattr_ins, err)) ||
      (rc = tm_writer_prepare(w, "INSERT INTO products(id, code, name, category) VALUES(?,?,?,?)",
                              "writing products", &ld->prod_ins, err)) ||
      (rc = tm_writer_prepare(w, "UPDATE events SET amount = ? WHERE id = ?", "updating orders",
                              &ld->order_upd, err)))
    return rc;
  return 0;
}

int loader_flush(loader *ld, tm_error *err) { return ld->w ? tm_writer_flush(ld->w, err) : 0; }

static void source_state_free(loader *ld) {
  tm_u64map_fini(&ld->seen);
  tm_u64map_fini(&ld->orders);
  tm_dict_fini(&ld->order_ids);
  tm_free(ld->pending);
  ld->pending = NULL;
  ld->npending = ld->pendcap = 0;
}

void loader_close(loader *ld) {
  tm_writer_free(ld->w); /* before the statements' connection is used again */
  ld->w = NULL;
  dim_close(&ld->channels);
  dim_close(&ld->types);
  dim_close(&ld->campaigns);
  dim_close(&ld->regions);
  dim_close(&ld->devices);
  tm_dict_fini(&ld->products);
  tm_free(ld->product_dbid);
  source_state_free(ld);
}

static uint64_t order_key(const char *s, size_t n) { return tm_hash64_seed(s, n, 0x6f72646572ULL); }

int loader_begin_source(loader *ld, const source_cfg *src, tm_error *err) {
  static const char *const kinds[] = {"events", "order_lines", "profile"};
  static const char *const formats[] = {"csv", "jsonl", "segment"};
  sqlite3_stmt *st;
  int rc = loader_flush(ld, err);
  if (rc) return rc;
  source_state_free(ld);
  ld->src = src;
  memset(&ld->source, 0, sizeof ld->source);
  if (tm_u64map_init(&ld->seen, 1024) || tm_u64map_init(&ld->orders, 1024) ||
      tm_dict_init(&ld->order_ids))
    return tm_error_nomem(err);
  if ((rc = tm_wh_prepare(ld->wh, &st,
                          "INSERT INTO sources(name, kind, format) VALUES(?,?,?) ON CONFLICT(name) "
                          "DO UPDATE SET kind = excluded.kind, format = excluded.format RETURNING id",
                          err)))
    return rc;
  sqlite3_bind_text(st, 1, src->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, kinds[src->kind], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, formats[src->format], -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  ld->source_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (!ld->source_id) return tm_wh_fail(ld->wh, err, "registering the source");

  /* what this source already holds: for de-duplication */
  const char *sql = src->kind == KIND_ORDER_LINES
                        ? "SELECT line_key FROM order_lines WHERE source_id = ?"
                        : "SELECT event_key FROM events WHERE source_id = ?";
  if ((rc = tm_wh_prepare(ld->wh, &st, sql, err))) return rc;
  sqlite3_bind_int64(st, 1, ld->source_id);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (tm_u64map_put(&ld->seen, (uint64_t)sqlite3_column_int64(st, 0), 0, NULL, NULL)) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "reading event keys");
  if (src->kind == KIND_ORDER_LINES) {
    if ((rc = tm_wh_prepare(ld->wh, &st,
                            "SELECT id, order_id, amount FROM events WHERE source_id = ? "
                            "AND order_id IS NOT NULL",
                            err)))
      return rc;
    sqlite3_bind_int64(st, 1, ld->source_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const char *oid = (const char *)sqlite3_column_text(st, 1);
      size_t n = (size_t)sqlite3_column_bytes(st, 1);
      uint32_t did;
      if (TM_GROW(ld->pending, ld->pendcap, ld->npending + 1) ||
          tm_dict_intern(&ld->order_ids, oid, n, &did) ||
          tm_u64map_put(&ld->orders, order_key(oid, n), ld->npending, NULL, NULL)) {
        sqlite3_finalize(st);
        return tm_error_nomem(err);
      }
      pending_order *po = &ld->pending[ld->npending++];
      memset(po, 0, sizeof *po);
      po->event_id = sqlite3_column_int64(st, 0);
      po->amount = sqlite3_column_double(st, 2);
      po->order_id = did;
      po->existing = true;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "reading orders");
  }
  return 0;
}

static void put_opt(tm_writer *w, int64_t v) {
  if (v) tm_writer_int(w, v);
  else tm_writer_null(w);
}

int loader_end_source(loader *ld, tm_error *err) {
  tm_writer *w = ld->w;
  for (size_t i = 0; i < ld->npending; i++) {
    pending_order *po = &ld->pending[i];
    if (po->existing) {
      if (!po->type_id) continue; /* untouched this run */
      tm_writer_row(w, ld->order_upd);
      tm_writer_real(w, po->amount);
      tm_writer_int(w, po->event_id);
    } else {
      const char *oid = tm_dict_str(&ld->order_ids, po->order_id);
      size_t on = tm_dict_len(&ld->order_ids, po->order_id);
      tm_writer_row(w, ld->ev_ins);
      tm_writer_int(w, po->event_id);
      tm_writer_int(w, ld->source_id);
      tm_writer_int(w, (int64_t)order_key(oid, on));
      put_opt(w, po->identity_id);
      tm_writer_int(w, po->ts);
      tm_writer_int(w, po->channel_id);
      tm_writer_int(w, po->type_id);
      put_opt(w, po->campaign_id);
      put_opt(w, po->region_id);
      put_opt(w, po->device_id);
      tm_writer_real(w, po->amount);
      tm_writer_text(w, oid, on);
      tm_writer_null(w);
      tm_writer_int(w, ld->run_id);
      ld->total.events++, ld->source.events++;
    }
    int rc = tm_writer_end_row(w, err);
    if (rc) return rc;
  }
  int rc = tm_writer_flush(w, err);
  source_state_free(ld);
  return rc;
}

/* --------------------------------------------------------------- rejects */

int loader_reject(loader *ld, int kind, const char *reason, const char *file, uint64_t line,
                  const char *raw, size_t rawlen, tm_error *err) {
  char scrubbed[4096];
  tm_writer *w = ld->w;
  ld->total.rejected++;
  ld->source.rejected++;
  if (kind == R_DUPLICATE) ld->total.duplicates++, ld->source.duplicates++;
  ld->reason_count[kind < REASON_KINDS ? kind : R_OTHER]++;
  tm_writer_row(w, ld->rej_ins);
  tm_writer_int(w, ld->run_id);
  tm_writer_int(w, ld->source_id);
  tm_writer_text(w, file, strlen(file));
  tm_writer_int(w, (int64_t)line);
  tm_writer_text(w, reason, strlen(reason));
  if (ld->pkey && raw) {
    /* pseudonymised runs keep no raw identifiers, not even in rejects */
    size_t n = tm_pii_scrub(raw, TM_MIN(rawlen, sizeof scrubbed - 64), scrubbed, sizeof scrubbed);
    tm_writer_blob(w, scrubbed, n);
  } else if (raw) {
    tm_writer_blob(w, raw, TM_MIN(rawlen, (size_t)TM_CSV_MAX_RECORD));
  } else {
    tm_writer_null(w);
  }
  return tm_writer_end_row(w, err);
}

int loader_reject_unread(loader *ld, int kind, const char *reason, const char *file, uint64_t line,
                         const char *raw, size_t rawlen, tm_error *err) {
  ld->total.read++;
  ld->source.read++;
  return loader_reject(ld, kind, reason, file, line, raw, rawlen, err);
}

/* ------------------------------------------------------------------ rows */

/* Parses a decimal number; thousands separators and a leading currency sign
 * are not numbers here (a column with them needs cleaning upstream). */
static int parse_num(const rec_value *v, double *out) {
  char buf[64];
  if (v->n >= sizeof buf) return -1;
  memcpy(buf, v->s, v->n);
  buf[v->n] = '\0';
  char *end;
  errno = 0;
  double d = strtod(buf, &end);
  while (*end == ' ') end++;
  if (end == buf || *end || errno || !isfinite(d)) return -1;
  *out = d;
  return 0;
}

static int reject_value(loader *ld, int kind, const char *what, const rec_value *v, const char *file,
                        uint64_t line, const char *raw, size_t rawlen, tm_error *err) {
  /* the reason is text people read: the value is shown only when it is clean */
  char reason[200], shown[64];
  size_t n = TM_MIN(v->n, sizeof shown - 1);
  while (n && !tm_utf8_valid(v->s, n)) n--; /* do not cut a character in two */
  memcpy(shown, v->s, n);
  shown[n] = '\0';
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)shown[i] < 0x20 || shown[i] == 0x7f) shown[i] = '?';
  if (!tm_utf8_valid(v->s, v->n) && v->n) snprintf(shown, sizeof shown, "(bytes)");
  snprintf(reason, sizeof reason, "%s: '%s' in %s", tm_reason_names[kind], shown, v->column ? v->column : what);
  return loader_reject(ld, kind, reason, file, line, raw, rawlen, err);
}

static bool is_prefix(const char *p, const rec_value *v) {
  size_t n = p ? strlen(p) : 0;
  return n && v->s && v->n >= n && !memcmp(v->s, p, n);
}

/* The identifiers of a record, normalised (and pseudonymised) into out. */
typedef struct norm_id {
  uint32_t type;
  char value[TM_ID_MAX + 1];
  size_t n;
} norm_id;

static int normalize_ids(loader *ld, tm_record *r, norm_id *out, size_t *nout, tm_error *err) {
  size_t k = 0;
  for (size_t i = 0; i < r->nids; i++) {
    norm_id *ni = &out[k];
    ni->n = tm_identity_normalize(ld->cfg, r->ids[i].type, r->ids[i].v.s, r->ids[i].v.n, ni->value);
    if (!ni->n) {
      if (r->ids[i].v.n) ld->total.blocked_ids++;
      continue;
    }
    int rc = tm_idgraph_type(ld->graph, r->ids[i].type, &ni->type);
    if (rc == TM_ENOMEM) return tm_error_nomem(err);
    if (rc) return tm_error_set(err, TM_EINVAL, "too many identifier types (the limit is 255)");
    if (ld->pkey) {
      unsigned char h[16];
      static const char hex[] = "0123456789abcdef";
      crypto_generichash(h, sizeof h, (const unsigned char *)ni->value, ni->n, ld->pkey, 32);
      for (int j = 0; j < 16; j++) ni->value[2 * j] = hex[h[j] >> 4], ni->value[2 * j + 1] = hex[h[j] & 15];
      ni->n = 32;
      ni->value[32] = '\0';
    }
    /* the same identifier twice in a record counts once */
    bool dup = false;
    for (size_t j = 0; j < k; j++)
      dup |= out[j].type == ni->type && out[j].n == ni->n && !memcmp(out[j].value, ni->value, ni->n);
    if (!dup) k++;
  }
  *nout = k;
  return 0;
}

static int write_event_attrs(loader *ld, const tm_record *r, int64_t event_id, tm_error *err) {
  for (size_t i = 0; i < r->nattrs; i++) {
    tm_writer_row(ld->w, ld->evattr_ins);
    tm_writer_int(ld->w, event_id);
    tm_writer_text(ld->w, r->attrs[i].key, strlen(r->attrs[i].key));
    tm_writer_text(ld->w, r->attrs[i].v.s, r->attrs[i].v.n);
    int rc = tm_writer_end_row(ld->w, err);
    if (rc) return rc;
  }
  return 0;
}

int loader_row(loader *ld, tm_record *r, const char *file, uint64_t line, const char *raw,
               size_t rawlen, tm_error *err) {
  const source_cfg *src = ld->src;
  ld->total.read++;
  ld->source.read++;
#define REJECT(kind, what, v) return reject_value(ld, kind, what, v, file, line, raw, rawlen, err)
  /* The duplicate check is a cache miss on a big table: start it now, and
   * validate while the slot comes in. */
  const rec_value *eid = &r->f[F_EVENT_ID];
  uint64_t key = eid->s ? tm_hash64(eid->s, eid->n) : tm_hash64(raw, rawlen);
  tm_u64map_prefetch(&ld->seen, key);
  if (r->reject) {
    int kind = !strncmp(r->reject, "malformed", 9) ? R_MALFORMED : R_OTHER;
    return loader_reject(ld, kind, r->reject, file, line, raw, rawlen, err);
  }
  /* Text must be UTF-8 wherever it is in the row, used or not; the reason
   * names the first mapped field holding the bad bytes. */
  if (raw && !tm_utf8_valid(raw, rawlen)) {
    const char *where = "an unmapped field";
    for (int f = F_NFIELDS; f-- > 0;)
      if (r->f[f].s && !tm_utf8_valid(r->f[f].s, r->f[f].n)) where = r->f[f].column;
    for (size_t i = 0; i < r->nattrs; i++)
      if (!tm_utf8_valid(r->attrs[i].v.s, r->attrs[i].v.n)) where = r->attrs[i].v.column;
    for (size_t i = 0; i < r->nids; i++)
      if (!tm_utf8_valid(r->ids[i].v.s, r->ids[i].v.n)) where = r->ids[i].v.column;
    rec_value shown = {"(bytes)", 7, where};
    REJECT(R_UTF8, "row", &shown);
  }

  /* time */
  int64_t ts = 0;
  if (r->f[F_TIME].s) {
    if (tm_time_parse(r->f[F_TIME].s, r->f[F_TIME].n, &src->timefmt, &ts) != 0)
      REJECT(R_TIME, "time", &r->f[F_TIME]);
  } else if (src->kind != KIND_PROFILE) {
    rec_value none = {"", 0, src->column[F_TIME] ? src->column[F_TIME] : "time"};
    REJECT(R_TIME, "time", &none);
  }

  /* numbers */
  double amount = NAN, qty = 0, price = 0, rating = NAN;
  if (r->f[F_AMOUNT].s && parse_num(&r->f[F_AMOUNT], &amount)) REJECT(R_NUMBER, "amount", &r->f[F_AMOUNT]);
  if (r->f[F_RATING].s && parse_num(&r->f[F_RATING], &rating)) REJECT(R_NUMBER, "rating", &r->f[F_RATING]);
  if (src->kind == KIND_ORDER_LINES && !r->no_event) {
    if (!r->f[F_ORDER_ID].s) {
      rec_value none = {"", 0, src->column[F_ORDER_ID]};
      REJECT(R_MISSING_ID, "order_id", &none);
    }
    if (!r->f[F_PRODUCT].s) {
      rec_value none = {"", 0, src->column[F_PRODUCT]};
      REJECT(R_OTHER, "product", &none);
    }
    if (!r->f[F_QUANTITY].s || parse_num(&r->f[F_QUANTITY], &qty))
      REJECT(R_NUMBER, "quantity", &r->f[F_QUANTITY]);
    if (qty == 0 || qty < src->qmin || qty > src->qmax) REJECT(R_QUANTITY, "quantity", &r->f[F_QUANTITY]);
    if (r->f[F_UNIT_PRICE].s && parse_num(&r->f[F_UNIT_PRICE], &price))
      REJECT(R_NUMBER, "unit_price", &r->f[F_UNIT_PRICE]);
  }

  /* identifiers */
  norm_id ids[REC_MAX_IDS];
  size_t nids = 0;
  int rc = normalize_ids(ld, r, ids, &nids, err);
  if (rc) return rc;
  if (!nids && !src->missing_id_keep) {
    char cols[120] = "";
    size_t used = 0;
    for (size_t i = 0; i < src->nids && used + 2 < sizeof cols; i++)
      used += (size_t)snprintf(cols + used, sizeof cols - used, "%s%s", i ? ", " : "", src->ids[i].column);
    rec_value none = {"", 0, src->format == SRC_SEGMENT ? "userId, anonymousId" : cols};
    REJECT(R_MISSING_ID, "identifier", &none);
  }

  /* de-duplication (key and prefetch computed at the top) */
  if (src->kind != KIND_PROFILE) { /* a retried identify or alias is a duplicate too */
    bool inserted;
    if (tm_u64map_put(&ld->seen, key, 0, NULL, &inserted)) return tm_error_nomem(err);
    if (!inserted) {
      rec_value shown = eid->s ? *eid : (rec_value){"(identical row)", 15, "row"};
      if (eid->s) shown.column = src->column[F_EVENT_ID] ? src->column[F_EVENT_ID] : "messageId";
      REJECT(R_DUPLICATE, "event id", &shown);
    }
  }
#undef REJECT

  /* the row is good: identities first */
  int64_t anchor = 0;
  uint32_t anchor_node = 0, nodes[REC_MAX_IDS];
  int best = INT32_MAX;
  for (size_t i = 0; i < nids; i++) {
    int64_t dbid;
    if (tm_idgraph_intern(ld->graph, ids[i].type, ids[i].value, ids[i].n, ts, &nodes[i], &dbid))
      return tm_error_nomem(err);
    int rank = tm_idgraph_rank(ld->graph, nodes[i]);
    if (rank < best) best = rank, anchor = dbid, anchor_node = nodes[i];
  }
  for (size_t i = 0; i < nids; i++)
    if (nodes[i] != anchor_node &&
        tm_idgraph_link(ld->graph, anchor_node, nodes[i], r->rule, ld->source_id, ts))
      return tm_error_nomem(err);
  /* attributes: of the person on profiles and identify calls, of the
   * touchpoint otherwise (written below, once it has an id) */
  bool person_attrs = src->kind == KIND_PROFILE || r->no_event;
  for (size_t i = 0; i < r->nattrs && anchor && person_attrs; i++) {
    tm_writer_row(ld->w, ld->attr_ins);
    tm_writer_int(ld->w, anchor);
    tm_writer_text(ld->w, r->attrs[i].key, strlen(r->attrs[i].key));
    tm_writer_text(ld->w, r->attrs[i].v.s, r->attrs[i].v.n);
    tm_writer_int(ld->w, ts);
    tm_writer_int(ld->w, ld->source_id);
    if ((rc = tm_writer_end_row(ld->w, err))) return rc;
  }
  ld->total.loaded++;
  ld->source.loaded++;
  if (r->no_event || src->kind == KIND_PROFILE) return 0;

  /* dimensions */
  int64_t channel, type, campaign, region, device;
  rec_value chan = r->f[F_CHANNEL], typ = r->f[F_TYPE];
  if (!chan.s) chan = (rec_value){src->name, strlen(src->name), "source"};
  if (src->kind == KIND_ORDER_LINES)
    typ = is_prefix(src->return_prefix, &r->f[F_ORDER_ID]) ? (rec_value){"return", 6, NULL}
          : typ.s                                          ? typ
                                                           : (rec_value){"purchase", 8, NULL};
  if (!typ.s) typ = (rec_value){"event", 5, NULL};
  if ((rc = dim_get(ld, &ld->channels, &chan, &channel, err)) ||
      (rc = dim_get(ld, &ld->types, &typ, &type, err)) ||
      (rc = dim_get(ld, &ld->campaigns, &r->f[F_CAMPAIGN], &campaign, err)) ||
      (rc = dim_get(ld, &ld->regions, &r->f[F_REGION], &region, err)) ||
      (rc = dim_get(ld, &ld->devices, &r->f[F_DEVICE], &device, err)))
    return rc;

  if (src->kind == KIND_ORDER_LINES) {
    const rec_value *oid = &r->f[F_ORDER_ID];
    uint64_t *slot;
    bool inserted;
    if (tm_u64map_put(&ld->orders, order_key(oid->s, oid->n), ld->npending, &slot, &inserted))
      return tm_error_nomem(err);
    if (inserted) {
      uint32_t did;
      if (TM_GROW(ld->pending, ld->pendcap, ld->npending + 1) ||
          tm_dict_intern(&ld->order_ids, oid->s, oid->n, &did))
        return tm_error_nomem(err);
      pending_order *po = &ld->pending[ld->npending++];
      memset(po, 0, sizeof *po);
      po->event_id = ld->next_event_id++;
      po->order_id = did;
    }
    pending_order *po = &ld->pending[*slot];
    if (!po->type_id && (rc = write_event_attrs(ld, r, po->event_id, err))) return rc;
    if (!po->type_id) { /* first line this run fixes the touchpoint's fields */
      po->identity_id = po->existing ? po->identity_id : anchor;
      po->ts = ts;
      po->channel_id = channel;
      po->type_id = type;
      po->campaign_id = campaign;
      po->region_id = region;
      po->device_id = device;
    }
    if (ts < po->ts && !po->existing) po->ts = ts;
    if (!po->identity_id) po->identity_id = anchor;
    po->amount += qty * price * src->fx;
    int64_t product = 0;
    if ((rc = product_get(ld, r, &product, err))) return rc;
    tm_writer *w = ld->w;
    tm_writer_row(w, ld->line_ins);
    tm_writer_int(w, ld->next_line_id++);
    tm_writer_int(w, po->event_id);
    tm_writer_int(w, ld->source_id);
    tm_writer_int(w, (int64_t)key);
    tm_writer_int(w, product);
    tm_writer_real(w, qty);
    tm_writer_real(w, price * src->fx);
    if ((rc = tm_writer_end_row(w, err))) return rc;
    ld->total.lines++;
    ld->source.lines++;
    return 0;
  }

  int64_t event_id = ld->next_event_id++;
  tm_writer *w = ld->w;
  tm_writer_row(w, ld->ev_ins);
  tm_writer_int(w, event_id);
  tm_writer_int(w, ld->source_id);
  tm_writer_int(w, (int64_t)key);
  put_opt(w, anchor);
  tm_writer_int(w, ts);
  tm_writer_int(w, channel);
  tm_writer_int(w, type);
  put_opt(w, campaign);
  put_opt(w, region);
  put_opt(w, device);
  if (isfinite(amount)) tm_writer_real(w, amount * src->fx);
  else tm_writer_null(w);
  if (r->f[F_ORDER_ID].s) tm_writer_text(w, r->f[F_ORDER_ID].s, r->f[F_ORDER_ID].n);
  else tm_writer_null(w);
  if (isfinite(rating)) tm_writer_real(w, rating);
  else tm_writer_null(w);
  tm_writer_int(w, ld->run_id);
  if ((rc = tm_writer_end_row(w, err)) || (rc = write_event_attrs(ld, r, event_id, err))) return rc;
  ld->total.events++;
  ld->source.events++;

  if (r->f[F_TEXT].s || isfinite(rating)) {
    char scrubbed[REC_SCRATCH];
    tm_writer_row(w, ld->fb_ins);
    tm_writer_int(w, event_id);
    if (isfinite(rating)) tm_writer_real(w, rating);
    else tm_writer_null(w);
    /* the scale of the column the rating came from: "nps|stars" pairs with "nps|stars" */
    const char *scale = src->rating_scale;
    for (int k = r->alt[F_RATING]; scale && k > 0; k--) scale = strchr(scale, '|') ? strchr(scale, '|') + 1 : NULL;
    if (scale) tm_writer_text(w, scale, strcspn(scale, "|"));
    else tm_writer_null(w);
    if (!r->f[F_TEXT].s) tm_writer_null(w);
    else if (ld->pkey) {
      size_t n = tm_pii_scrub(r->f[F_TEXT].s, r->f[F_TEXT].n, scrubbed, sizeof scrubbed);
      tm_writer_text(w, scrubbed, n);
    } else
      tm_writer_text(w, r->f[F_TEXT].s, r->f[F_TEXT].n);
    if ((rc = tm_writer_end_row(w, err))) return rc;
  }
  return 0;
}
