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
  if (!strcmp(table, "channels"))
    snprintf(sql, sizeof sql, "INSERT INTO channels(id, name, mode) VALUES(?, ?, ?)");
  else
    snprintf(sql, sizeof sql, "INSERT INTO %s(id, name) VALUES(?, ?)", table);
  return tm_wh_prepare(wh, &d->ins, sql, err);
}

static void dim_close(dim *d) {
  tm_dict_fini(&d->names);
  tm_free(d->dbid);
  sqlite3_finalize(d->ins);
  memset(d, 0, sizeof *d);
}

/* The dbid of a dimension value, inserting it when new; 0 for absent values. */
static int dim_get(loader *ld, dim *d, const rec_value *v, int64_t *out, tm_error *err) {
  if (!v->s || !v->n) {
    *out = 0;
    return 0;
  }
  size_t before = d->names.count;
  uint32_t id;
  if (tm_dict_intern(&d->names, v->s, v->n, &id) || TM_GROW(d->dbid, d->cap, id + 1))
    return tm_error_nomem(err);
  if (d->names.count != before) {
    d->dbid[id] = d->next++;
    sqlite3_bind_int64(d->ins, 1, d->dbid[id]);
    sqlite3_bind_text(d->ins, 2, v->s, (int)v->n, SQLITE_TRANSIENT);
    if (d == &ld->channels)
      sqlite3_bind_text(d->ins, 3, tm_config_channel_mode(ld->cfg, tm_dict_str(&d->names, id)), -1,
                        SQLITE_STATIC);
    int rc = sqlite3_step(d->ins);
    sqlite3_reset(d->ins);
    if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing a dimension");
  }
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
    ld->product_dbid[id] = 0;
    sqlite3_stmt *st = ld->prod_ins;
    sqlite3_bind_text(st, 1, code->s, (int)code->n, SQLITE_TRANSIENT);
    const rec_value *nm = &r->f[F_PRODUCT_NAME], *cat = &r->f[F_CATEGORY];
    if (nm->s) sqlite3_bind_text(st, 2, nm->s, (int)nm->n, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 2);
    if (cat->s) sqlite3_bind_text(st, 3, cat->s, (int)cat->n, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 3);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing products");
    /* the product may exist from an earlier run: ask for its id */
    sqlite3_stmt *q;
    if (tm_wh_prepare(ld->wh, &q, "SELECT id FROM products WHERE code = ?", err)) return TM_EDB;
    sqlite3_bind_text(q, 1, code->s, (int)code->n, SQLITE_TRANSIENT);
    if (sqlite3_step(q) == SQLITE_ROW) ld->product_dbid[id] = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
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
  if ((rc = tm_wh_prepare(wh, &ld->ev_ins,
                          "INSERT INTO events(id, source_id, event_key, identity_id, ts, channel_id, "
                          "type_id, campaign_id, region_id, device_id, amount, order_id, rating, run_id) "
                          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          err)) ||
      (rc = tm_wh_prepare(wh, &ld->line_ins,
                          "INSERT INTO order_lines(id, event_id, source_id, line_key, product_id, "
                          "quantity, unit_price) VALUES(?,?,?,?,?,?,?)",
                          err)) ||
      (rc = tm_wh_prepare(wh, &ld->fb_ins,
                          "INSERT INTO feedback(event_id, rating, scale, text) VALUES(?,?,?,?)", err)) ||
      (rc = tm_wh_prepare(wh, &ld->rej_ins,
                          "INSERT INTO rejects(run_id, source_id, file, line, reason, raw) "
                          "VALUES(?,?,?,?,?,?)",
                          err)) ||
      (rc = tm_wh_prepare(wh, &ld->attr_ins,
                          "INSERT INTO identity_attrs(identity_id, key, value, ts, source_id) "
                          "VALUES(?,?,?,?,?) ON CONFLICT(identity_id, key) DO UPDATE SET "
                          "value = excluded.value, ts = excluded.ts, source_id = excluded.source_id "
                          "WHERE excluded.ts >= coalesce(identity_attrs.ts, excluded.ts)",
                          err)) ||
      (rc = tm_wh_prepare(wh, &ld->prod_ins,
                          "INSERT INTO products(code, name, category) VALUES(?,?,?) "
                          "ON CONFLICT(code) DO NOTHING",
                          err)) ||
      (rc = tm_wh_prepare(wh, &ld->order_upd, "UPDATE events SET amount = ? WHERE id = ?", err)))
    return rc;
  return 0;
}

static void source_state_free(loader *ld) {
  tm_u64map_fini(&ld->seen);
  tm_u64map_fini(&ld->orders);
  tm_dict_fini(&ld->order_ids);
  tm_free(ld->pending);
  ld->pending = NULL;
  ld->npending = ld->pendcap = 0;
}

void loader_close(loader *ld) {
  dim_close(&ld->channels);
  dim_close(&ld->types);
  dim_close(&ld->campaigns);
  dim_close(&ld->regions);
  dim_close(&ld->devices);
  tm_dict_fini(&ld->products);
  tm_free(ld->product_dbid);
  sqlite3_finalize(ld->ev_ins);
  sqlite3_finalize(ld->line_ins);
  sqlite3_finalize(ld->fb_ins);
  sqlite3_finalize(ld->rej_ins);
  sqlite3_finalize(ld->attr_ins);
  sqlite3_finalize(ld->prod_ins);
  sqlite3_finalize(ld->order_upd);
  source_state_free(ld);
}

static uint64_t order_key(const char *s, size_t n) { return tm_hash64_seed(s, n, 0x6f72646572ULL); }

int loader_begin_source(loader *ld, const source_cfg *src, tm_error *err) {
  static const char *const kinds[] = {"events", "order_lines", "profile"};
  static const char *const formats[] = {"csv", "jsonl", "segment"};
  sqlite3_stmt *st;
  int rc;
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

static int bind_opt(sqlite3_stmt *st, int i, int64_t v) {
  return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

int loader_end_source(loader *ld, tm_error *err) {
  for (size_t i = 0; i < ld->npending; i++) {
    pending_order *po = &ld->pending[i];
    sqlite3_stmt *st;
    int rc;
    if (po->existing) {
      if (!po->type_id) continue; /* untouched this run */
      st = ld->order_upd;
      sqlite3_bind_double(st, 1, po->amount);
      sqlite3_bind_int64(st, 2, po->event_id);
    } else {
      st = ld->ev_ins;
      sqlite3_bind_int64(st, 1, po->event_id);
      sqlite3_bind_int64(st, 2, ld->source_id);
      const char *oid = tm_dict_str(&ld->order_ids, po->order_id);
      size_t on = tm_dict_len(&ld->order_ids, po->order_id);
      sqlite3_bind_int64(st, 3, (int64_t)order_key(oid, on));
      bind_opt(st, 4, po->identity_id);
      sqlite3_bind_int64(st, 5, po->ts);
      sqlite3_bind_int64(st, 6, po->channel_id);
      sqlite3_bind_int64(st, 7, po->type_id);
      bind_opt(st, 8, po->campaign_id);
      bind_opt(st, 9, po->region_id);
      bind_opt(st, 10, po->device_id);
      sqlite3_bind_double(st, 11, po->amount);
      sqlite3_bind_text(st, 12, oid, (int)on, SQLITE_STATIC);
      sqlite3_bind_null(st, 13);
      sqlite3_bind_int64(st, 14, ld->run_id);
    }
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing orders");
    if (!po->existing) ld->total.events++, ld->source.events++;
  }
  source_state_free(ld);
  return 0;
}

/* --------------------------------------------------------------- rejects */

int loader_reject(loader *ld, int kind, const char *reason, const char *file, uint64_t line,
                  const char *raw, size_t rawlen, tm_error *err) {
  char scrubbed[4096];
  sqlite3_stmt *st = ld->rej_ins;
  ld->total.rejected++;
  ld->source.rejected++;
  if (kind == R_DUPLICATE) ld->total.duplicates++, ld->source.duplicates++;
  ld->reason_count[kind < REASON_KINDS ? kind : R_OTHER]++;
  sqlite3_bind_int64(st, 1, ld->run_id);
  sqlite3_bind_int64(st, 2, ld->source_id);
  sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, (int64_t)line);
  sqlite3_bind_text(st, 5, reason, -1, SQLITE_TRANSIENT);
  if (ld->pkey && raw) {
    /* pseudonymised runs keep no raw identifiers, not even in rejects */
    size_t n = tm_pii_scrub(raw, TM_MIN(rawlen, sizeof scrubbed - 64), scrubbed, sizeof scrubbed);
    sqlite3_bind_blob(st, 6, scrubbed, (int)n, SQLITE_STATIC);
  } else if (raw) {
    sqlite3_bind_blob(st, 6, raw, (int)TM_MIN(rawlen, (size_t)INT32_MAX), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st, 6);
  }
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : tm_wh_fail(ld->wh, err, "writing rejects");
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

static int reject_value(loader *ld, tm_record *r, int kind, const char *what, const rec_value *v,
                        const char *file, uint64_t line, const char *raw, size_t rawlen,
                        tm_error *err) {
  char reason[200];
  snprintf(reason, sizeof reason, "%s: '%.*s' in %s", tm_reason_names[kind], (int)TM_MIN(v->n, 60),
           v->s, v->column ? v->column : what);
  (void)r;
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
    if (tm_idgraph_type(ld->graph, r->ids[i].type, &ni->type))
      return tm_error_set(err, TM_EINVAL, "too many identifier types (the limit is 255)");
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

int loader_row(loader *ld, tm_record *r, const char *file, uint64_t line, const char *raw,
               size_t rawlen, tm_error *err) {
  const source_cfg *src = ld->src;
  ld->total.read++;
  ld->source.read++;
#define REJECT(kind, what, v) return reject_value(ld, r, kind, what, v, file, line, raw, rawlen, err)
  if (r->reject) {
    int kind = !strncmp(r->reject, "malformed", 9) ? R_MALFORMED : R_OTHER;
    return loader_reject(ld, kind, r->reject, file, line, raw, rawlen, err);
  }
  for (int f = 0; f < F_NFIELDS; f++)
    if (r->f[f].s && !tm_utf8_valid(r->f[f].s, r->f[f].n)) {
      rec_value shown = {"(bytes)", 7, r->f[f].column};
      REJECT(R_UTF8, tm_field_names[f], &shown);
    }
  for (size_t i = 0; i < r->nattrs; i++)
    if (!tm_utf8_valid(r->attrs[i].v.s, r->attrs[i].v.n)) {
      rec_value shown = {"(bytes)", 7, r->attrs[i].v.column};
      REJECT(R_UTF8, r->attrs[i].key, &shown);
    }
  for (size_t i = 0; i < r->nids; i++)
    if (!tm_utf8_valid(r->ids[i].v.s, r->ids[i].v.n)) {
      rec_value shown = {"(bytes)", 7, r->ids[i].v.column};
      REJECT(R_UTF8, r->ids[i].type, &shown);
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

  /* de-duplication */
  uint64_t key;
  const rec_value *eid = &r->f[F_EVENT_ID];
  if (eid->s) key = tm_hash64(eid->s, eid->n);
  else key = tm_hash64(raw, rawlen);
  if (!r->no_event && src->kind != KIND_PROFILE) {
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
  for (size_t i = 0; i < r->nattrs && anchor; i++) {
    sqlite3_stmt *st = ld->attr_ins;
    sqlite3_bind_int64(st, 1, anchor);
    sqlite3_bind_text(st, 2, r->attrs[i].key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->attrs[i].v.s, (int)r->attrs[i].v.n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ts);
    sqlite3_bind_int64(st, 5, ld->source_id);
    int src_rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (src_rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing attributes");
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
    sqlite3_stmt *st = ld->line_ins;
    sqlite3_bind_int64(st, 1, ld->next_line_id++);
    sqlite3_bind_int64(st, 2, po->event_id);
    sqlite3_bind_int64(st, 3, ld->source_id);
    sqlite3_bind_int64(st, 4, (int64_t)key);
    sqlite3_bind_int64(st, 5, product);
    sqlite3_bind_double(st, 6, qty);
    sqlite3_bind_double(st, 7, price * src->fx);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing order lines");
    ld->total.lines++;
    ld->source.lines++;
    return 0;
  }

  int64_t event_id = ld->next_event_id++;
  sqlite3_stmt *st = ld->ev_ins;
  sqlite3_bind_int64(st, 1, event_id);
  sqlite3_bind_int64(st, 2, ld->source_id);
  sqlite3_bind_int64(st, 3, (int64_t)key);
  bind_opt(st, 4, anchor);
  sqlite3_bind_int64(st, 5, ts);
  sqlite3_bind_int64(st, 6, channel);
  sqlite3_bind_int64(st, 7, type);
  bind_opt(st, 8, campaign);
  bind_opt(st, 9, region);
  bind_opt(st, 10, device);
  if (isfinite(amount)) sqlite3_bind_double(st, 11, amount * src->fx);
  else sqlite3_bind_null(st, 11);
  if (r->f[F_ORDER_ID].s) sqlite3_bind_text(st, 12, r->f[F_ORDER_ID].s, (int)r->f[F_ORDER_ID].n, SQLITE_STATIC);
  else sqlite3_bind_null(st, 12);
  if (isfinite(rating)) sqlite3_bind_double(st, 13, rating);
  else sqlite3_bind_null(st, 13);
  sqlite3_bind_int64(st, 14, ld->run_id);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing events");
  ld->total.events++;
  ld->source.events++;

  if (r->f[F_TEXT].s || isfinite(rating)) {
    char scrubbed[REC_SCRATCH];
    st = ld->fb_ins;
    sqlite3_bind_int64(st, 1, event_id);
    if (isfinite(rating)) sqlite3_bind_double(st, 2, rating);
    else sqlite3_bind_null(st, 2);
    if (src->rating_scale) sqlite3_bind_text(st, 3, src->rating_scale, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 3);
    if (!r->f[F_TEXT].s) sqlite3_bind_null(st, 4);
    else if (ld->pkey) {
      size_t n = tm_pii_scrub(r->f[F_TEXT].s, r->f[F_TEXT].n, scrubbed, sizeof scrubbed);
      sqlite3_bind_text(st, 4, scrubbed, (int)n, SQLITE_STATIC);
    } else
      sqlite3_bind_text(st, 4, r->f[F_TEXT].s, (int)r->f[F_TEXT].n, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return tm_wh_fail(ld->wh, err, "writing feedback");
  }
  return 0;
}
