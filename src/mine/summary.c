/*
 * summary.c — descriptive analytics over the dataset: headline KPIs,
 * breakdowns by channel, touchpoint type, region and month, the touchpoint
 * map, and data quality (field completeness, rejects, duplicates, identity).
 *
 * One pass over customers in fixed blocks, each producing a partial that is
 * merged in block order; money is summed in integer cents, so the result is
 * the same at any thread count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeparse.h"
#include "store/dataset.h"
#include "store/warehouse_int.h"

#define BLOCK 4096

typedef struct partial {
  /* per channel */
  uint64_t *ch_events, *ch_customers, *ch_buyers_after;
  int64_t *ch_cents;
  /* per type */
  uint64_t *ty_events, *ty_customers;
  /* per region */
  uint64_t *rg_events, *rg_customers;
  int64_t *rg_cents;
  /* per month */
  uint64_t *mo_events, *mo_customers, *mo_orders;
  int64_t *mo_cents;
  /* headline */
  uint64_t active, orders, returns, guest_events;
  int64_t revenue_cents, order_cents;
  /* completeness */
  uint64_t has_campaign, has_region, has_device, has_amount, has_customer;
} partial;

typedef struct dims {
  size_t nch, nty, nrg, nmo;
  const uint32_t *home;  /* per customer: region code of the CRM region, for events without one */
  const char *const *region_label; /* nrg labels: event regions, then CRM-only ones */
  int64_t month0; /* months since year 0 of the first month */
  uint16_t purchase, ret;
} dims;

static void partial_free(partial *p) {
  void *a[] = {p->ch_events, p->ch_customers, p->ch_buyers_after, p->ch_cents, p->ty_events,
               p->ty_customers, p->rg_events, p->rg_customers, p->rg_cents, p->mo_events,
               p->mo_customers, p->mo_orders, p->mo_cents};
  for (size_t i = 0; i < TM_ARRAY_LEN(a); i++) tm_free(a[i]);
  memset(p, 0, sizeof *p); /* freeing twice is then harmless */
}

static int partial_init(partial *p, const dims *d) {
  memset(p, 0, sizeof *p);
  p->ch_events = tm_calloc(d->nch, sizeof(uint64_t));
  p->ch_customers = tm_calloc(d->nch, sizeof(uint64_t));
  p->ch_buyers_after = tm_calloc(d->nch, sizeof(uint64_t));
  p->ch_cents = tm_calloc(d->nch, sizeof(int64_t));
  p->ty_events = tm_calloc(d->nty, sizeof(uint64_t));
  p->ty_customers = tm_calloc(d->nty, sizeof(uint64_t));
  p->rg_events = tm_calloc(d->nrg, sizeof(uint64_t));
  p->rg_customers = tm_calloc(d->nrg, sizeof(uint64_t));
  p->rg_cents = tm_calloc(d->nrg, sizeof(int64_t));
  p->mo_events = tm_calloc(d->nmo, sizeof(uint64_t));
  p->mo_customers = tm_calloc(d->nmo, sizeof(uint64_t));
  p->mo_orders = tm_calloc(d->nmo, sizeof(uint64_t));
  p->mo_cents = tm_calloc(d->nmo, sizeof(int64_t));
  if (p->ch_events && p->ch_customers && p->ch_buyers_after && p->ch_cents && p->ty_events && p->ty_customers &&
      p->rg_events && p->rg_customers && p->rg_cents && p->mo_events && p->mo_customers && p->mo_orders &&
      p->mo_cents)
    return 0;
  partial_free(p);
  return TM_ENOMEM;
}

static void add_u64(uint64_t *a, const uint64_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) a[i] += b[i];
}
static void add_i64(int64_t *a, const int64_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) a[i] += b[i];
}

static void partial_merge(partial *a, const partial *b, const dims *d) {
  add_u64(a->ch_events, b->ch_events, d->nch);
  add_u64(a->ch_customers, b->ch_customers, d->nch);
  add_u64(a->ch_buyers_after, b->ch_buyers_after, d->nch);
  add_i64(a->ch_cents, b->ch_cents, d->nch);
  add_u64(a->ty_events, b->ty_events, d->nty);
  add_u64(a->ty_customers, b->ty_customers, d->nty);
  add_u64(a->rg_events, b->rg_events, d->nrg);
  add_u64(a->rg_customers, b->rg_customers, d->nrg);
  add_i64(a->rg_cents, b->rg_cents, d->nrg);
  add_u64(a->mo_events, b->mo_events, d->nmo);
  add_u64(a->mo_customers, b->mo_customers, d->nmo);
  add_u64(a->mo_orders, b->mo_orders, d->nmo);
  add_i64(a->mo_cents, b->mo_cents, d->nmo);
  a->active += b->active;
  a->orders += b->orders;
  a->returns += b->returns;
  a->guest_events += b->guest_events;
  a->revenue_cents += b->revenue_cents;
  a->order_cents += b->order_cents;
  a->has_campaign += b->has_campaign;
  a->has_region += b->has_region;
  a->has_device += b->has_device;
  a->has_amount += b->has_amount;
  a->has_customer += b->has_customer;
}

/* Months since year 0 of the day of ms; the last day is remembered, since a
 * customer's events are in time order and mostly fall on few days. */
typedef struct month_memo {
  int64_t day;
  int64_t month;
} month_memo;

static int64_t month_index(int64_t ms);
static int64_t month_of(month_memo *m, int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  if (days != m->day) m->day = days, m->month = month_index(ms);
  return m->month;
}

static int64_t month_index(int64_t ms) {
  int y;
  unsigned m, day;
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  tm_civil_from_days(days, &y, &m, &day);
  return (int64_t)y * 12 + (m - 1);
}


/* Scratch for one customer's distinct-value marks. */
typedef struct marks {
  uint64_t *ch_first_ts; /* per channel: first touch (INT64_MAX = none) */
  uint8_t *ty, *rg, *mo;
  month_memo memo;
} marks;

/* A customer's (or the guests') events into the partial. */
static void scan_customer(const tm_dataset *ds, const dims *d, size_t c, partial *p, marks *mk) {
  size_t b = ds->off[c], e = ds->off[c + 1];
  bool guest = c == ds->ncust;
  int64_t last_purchase = INT64_MIN;
  uint32_t home = guest ? 0 : d->home[c];
  for (size_t i = b; i < e; i++) {
    uint16_t ch = ds->channel[i] < d->nch ? ds->channel[i] : 0, ty = ds->type[i] < d->nty ? ds->type[i] : 0;
    uint32_t rg = ds->region[i] ? ds->region[i] : home;
    if (rg >= d->nrg) rg = 0;
    int64_t mo = month_of(&mk->memo, ds->ts[i]) - d->month0;
    if (mo < 0 || (size_t)mo >= d->nmo) mo = 0;
    int64_t ct = tm_cents(ds->amount[i]);
    bool is_order = ty && (ty == d->purchase || ty == d->ret);
    p->ch_events[ch]++;
    p->ty_events[ty]++;
    p->rg_events[rg]++;
    p->mo_events[mo]++;
    if (is_order) {
      p->ch_cents[ch] += ct;
      p->rg_cents[rg] += ct;
      p->mo_cents[mo] += ct;
      p->revenue_cents += ct;
      if (ty == d->purchase) p->orders++, p->order_cents += ct, p->mo_orders[mo]++, last_purchase = ds->ts[i];
      else p->returns++;
    }
    p->has_campaign += ds->campaign[i] != 0;
    p->has_region += rg != 0;
    p->has_device += ds->device[i] != 0;
    p->has_amount += isfinite(ds->amount[i]);
    p->has_customer += !guest;
    if (guest) {
      p->guest_events++;
      continue;
    }
    if (mk->ch_first_ts[ch] == UINT64_MAX) mk->ch_first_ts[ch] = (uint64_t)ds->ts[i], p->ch_customers[ch]++;
    if (!mk->ty[ty]) mk->ty[ty] = 1, p->ty_customers[ty]++;
    if (!mk->rg[rg]) mk->rg[rg] = 1, p->rg_customers[rg]++;
    if (!mk->mo[mo]) mk->mo[mo] = 1, p->mo_customers[mo]++;
  }
  if (!guest && e > b) {
    p->active++;
    for (size_t ch = 0; ch < d->nch; ch++) {
      if (mk->ch_first_ts[ch] == UINT64_MAX) continue;
      /* purchased at or after the first touch of this channel */
      if (last_purchase != INT64_MIN && (uint64_t)last_purchase >= mk->ch_first_ts[ch]) p->ch_buyers_after[ch]++;
    }
  }
  /* reset only what this customer marked */
  for (size_t ch = 0; ch < d->nch; ch++) mk->ch_first_ts[ch] = UINT64_MAX;
  for (size_t i = b; i < e && !guest; i++) {
    uint32_t rg = ds->region[i] ? ds->region[i] : home;
    int64_t mo = month_of(&mk->memo, ds->ts[i]) - d->month0;
    mk->ty[ds->type[i] < d->nty ? ds->type[i] : 0] = 0;
    mk->rg[rg < d->nrg ? rg : 0] = 0;
    mk->mo[mo >= 0 && (size_t)mo < d->nmo ? mo : 0] = 0;
  }
}

/* ---------------------------------------------------------------- tables */

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

static int table_channels(tm_doc *doc, const tm_dataset *ds, const dims *d, partial *p) {
  tm_table *t, *m;
  if (tm_table_new(&t, "by_channel", "Touchpoints by channel") || tm_doc_add_table(doc, t)) return TM_ENOMEM;
  if (COL(t, "channel", TM_COL_STR) || COL(t, "mode", TM_COL_STR) || COL(t, "events", TM_COL_INT) ||
      COL(t, "customers", TM_COL_INT) || COL(t, "revenue", TM_COL_REAL))
    return TM_ENOMEM;
  if (tm_table_new(&m, "touchpoint_map", "Touchpoint map") || tm_doc_add_table(doc, m)) return TM_ENOMEM;
  if (COL(m, "channel", TM_COL_STR) || COL(m, "mode", TM_COL_STR) || COL(m, "reach", TM_COL_SHARE) ||
      COL(m, "events_per_customer", TM_COL_REAL) || COL(m, "purchase_after", TM_COL_SHARE))
    return TM_ENOMEM;
  for (;;) { /* most events first; ties by name */
    size_t best = 0;
    for (size_t c = 1; c < d->nch; c++)
      if (p->ch_events[c] && (!best || p->ch_events[c] > p->ch_events[best])) best = c;
    if (!best) break;
    const char *name = ds->channels.name[best], *mode = ds->channel_modes.name[best];
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, name) || tm_table_set_str(t, 1, mode) ||
        tm_table_set_int(t, 2, (int64_t)p->ch_events[best]) ||
        tm_table_set_int(t, 3, (int64_t)p->ch_customers[best]) ||
        tm_table_set_real(t, 4, (double)p->ch_cents[best] / 100.0))
      return TM_ENOMEM;
    double touched = (double)p->ch_customers[best];
    if (tm_table_add_row(m) || tm_table_set_str(m, 0, name) || tm_table_set_str(m, 1, mode) ||
        tm_table_set_real(m, 2, p->active ? touched / (double)p->active : 0) ||
        tm_table_set_real(m, 3, touched ? (double)(p->ch_events[best]) / touched : 0) ||
        tm_table_set_real(m, 4, touched ? (double)p->ch_buyers_after[best] / touched : 0))
      return TM_ENOMEM;
    p->ch_events[best] = 0; /* consumed: the partial is the caller's scratch */
  }
  return 0;
}

static int table_simple(tm_doc *doc, const char *name, const char *title, const char *key,
                        const tm_names *names, size_t n, uint64_t *events, const uint64_t *customers,
                        const int64_t *cents_by) {
  tm_table *t;
  if (tm_table_new(&t, name, title) || tm_doc_add_table(doc, t)) return TM_ENOMEM;
  if (COL(t, key, TM_COL_STR) || COL(t, "events", TM_COL_INT) || COL(t, "customers", TM_COL_INT) ||
      (cents_by && COL(t, "revenue", TM_COL_REAL)))
    return TM_ENOMEM;
  for (;;) {
    size_t best = SIZE_MAX;
    for (size_t c = 0; c < n; c++)
      if (events[c] && (best == SIZE_MAX || events[c] > events[best])) best = c;
    if (best == SIZE_MAX) break;
    const char *label = best && best < names->count && names->name[best] ? names->name[best] : "(none)";
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, label) || tm_table_set_int(t, 1, (int64_t)events[best]) ||
        tm_table_set_int(t, 2, (int64_t)customers[best]) ||
        (cents_by && tm_table_set_real(t, 3, (double)cents_by[best] / 100.0)))
      return TM_ENOMEM;
    events[best] = 0;
  }
  return 0;
}

static int table_months(tm_doc *doc, const dims *d, const partial *p) {
  tm_table *t;
  if (tm_table_new(&t, "by_month", "By month") || tm_doc_add_table(doc, t)) return TM_ENOMEM;
  if (COL(t, "month", TM_COL_STR) || COL(t, "events", TM_COL_INT) || COL(t, "active_customers", TM_COL_INT) ||
      COL(t, "orders", TM_COL_INT) || COL(t, "revenue", TM_COL_REAL))
    return TM_ENOMEM;
  for (size_t m = 0; m < d->nmo; m++) {
    if (!p->mo_events[m]) continue;
    char label[16];
    int64_t mi = d->month0 + (int64_t)m;
    snprintf(label, sizeof label, "%04d-%02d", (int)(mi / 12), (int)(mi % 12) + 1);
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, label) || tm_table_set_int(t, 1, (int64_t)p->mo_events[m]) ||
        tm_table_set_int(t, 2, (int64_t)p->mo_customers[m]) || tm_table_set_int(t, 3, (int64_t)p->mo_orders[m]) ||
        tm_table_set_real(t, 4, (double)p->mo_cents[m] / 100.0))
      return TM_ENOMEM;
  }
  return 0;
}

static int table_quality(tm_doc *doc, const tm_dataset *ds, const partial *p) {
  tm_table *t;
  double n = ds->nev ? (double)ds->nev : 1;
  if (tm_table_new(&t, "completeness", "Data quality: completeness of touchpoint fields") || tm_doc_add_table(doc, t)) return TM_ENOMEM;
  if (COL(t, "field", TM_COL_STR) || COL(t, "filled", TM_COL_INT) || COL(t, "share", TM_COL_SHARE))
    return TM_ENOMEM;
  const struct {
    const char *name;
    uint64_t v;
  } rows[] = {{"customer", p->has_customer}, {"campaign", p->has_campaign}, {"region", p->has_region},
              {"device", p->has_device},     {"amount", p->has_amount}};
  for (size_t i = 0; i < TM_ARRAY_LEN(rows); i++)
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, rows[i].name) || tm_table_set_int(t, 1, (int64_t)rows[i].v) ||
        tm_table_set_real(t, 2, (double)rows[i].v / n))
      return TM_ENOMEM;
  return 0;
}

/* Rejects by reason and identity figures, straight from the warehouse. */
static int warehouse_quality(tm_doc *doc, tm_warehouse *wh, tm_error *err) {
  tm_table *t;
  sqlite3_stmt *st;
  int rc;
  if (tm_table_new(&t, "rejects", "Data quality: rejected rows by reason") || tm_doc_add_table(doc, t)) return tm_error_nomem(err);
  if (COL(t, "reason", TM_COL_STR) || COL(t, "rows", TM_COL_INT))
    return tm_error_nomem(err);
  if ((rc = tm_wh_prepare(wh, &st,
                          "SELECT CASE WHEN instr(reason, ':') > 0 THEN substr(reason, 1, instr(reason, ':') - 1) "
                          "ELSE reason END AS kind, count(*) FROM rejects GROUP BY kind ORDER BY 2 DESC, 1",
                          err)))
    return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, (const char *)sqlite3_column_text(st, 0)) ||
        tm_table_set_int(t, 1, sqlite3_column_int64(st, 1))) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(wh, err, "reading rejects");
  static const struct {
    const char *key, *sql;
  } q[] = {
      {"rows_read", "SELECT coalesce(sum(read), 0) FROM ingest_runs"},
      {"rows_rejected", "SELECT count(*) FROM rejects"},
      {"duplicates_dropped", "SELECT coalesce(sum(duplicates), 0) FROM ingest_runs"},
      {"identities", "SELECT count(*) FROM identities"},
      {"identity_merges", "SELECT count(*) FROM identity_edges WHERE merged = 1"},
      {"quarantined_identifiers", "SELECT count(*) FROM identities WHERE status = 'quarantined'"},
  };
  for (size_t i = 0; i < TM_ARRAY_LEN(q); i++) {
    int64_t v;
    if ((rc = tm_wh_int(wh, q[i].sql, &v, err))) return rc;
    if (tm_doc_set_int(doc, q[i].key, v)) return tm_error_nomem(err);
  }
  return 0;
}

int tm_summary_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, tm_error *err) {
  dims d = {0};
  d.nch = ds->channels.count ? ds->channels.count : 1;
  d.nty = ds->types.count ? ds->types.count : 1;
  d.nrg = ds->regions.count ? ds->regions.count : 1;
  d.purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  d.ret = (uint16_t)tm_names_find(&ds->types, "return");
  int64_t tmin = INT64_MAX, tmax = INT64_MIN;
  for (size_t i = 0; i < ds->nev; i++) {
    if (ds->ts[i] < tmin) tmin = ds->ts[i];
    if (ds->ts[i] > tmax) tmax = ds->ts[i];
  }
  if (ds->nev) {
    d.month0 = month_index(tmin);
    d.nmo = (size_t)(month_index(tmax) - d.month0 + 1);
    if (d.nmo > 12 * 200) d.nmo = 12 * 200; /* a stray date must not blow memory */
  } else {
    d.nmo = 1;
  }
  /* Events without a region count under the customer's CRM region (else
   * country); a CRM region no event names gets a code after the dimension's. */
  tm_dict labels;
  uint32_t *home = tm_calloc(ds->ncust + 1, sizeof *home);
  const char **region_label = NULL;
  if (!home || tm_dict_init(&labels)) {
    tm_free(home);
    return tm_error_nomem(err);
  }
  for (size_t r = 1; r < ds->regions.count; r++) {
    uint32_t id;
    const char *nm = ds->regions.name[r] ? ds->regions.name[r] : "";
    if (tm_dict_intern(&labels, nm, strlen(nm), &id)) goto labels_oom;
  }
  for (size_t c = 0; c < ds->ncust; c++) {
    const char *r = tm_dataset_attr(ds, c, "region");
    if (!r) r = tm_dataset_attr(ds, c, "country");
    uint32_t id;
    if (r && *r) {
      if (tm_dict_intern(&labels, r, strlen(r), &id)) goto labels_oom;
      home[c] = id + 1; /* dimension code = label id + 1 for the dimension's own names */
    }
  }
  d.nrg = labels.count + 1;
  region_label = tm_calloc(d.nrg, sizeof *region_label);
  if (!region_label) goto labels_oom;
  for (uint32_t i = 0; i < labels.count; i++) region_label[i + 1] = tm_dict_str(&labels, i);
  d.home = home;
  d.region_label = region_label;
  if (0) {
  labels_oom:
    tm_free(home);
    tm_free(region_label);
    tm_dict_fini(&labels);
    return tm_error_nomem(err);
  }
  size_t nblocks = (ds->ncust + 1 + BLOCK - 1) / BLOCK; /* +1: the guests */
  partial *parts = tm_calloc(nblocks ? nblocks : 1, sizeof *parts);
  partial total;
  tm_doc *doc = NULL;
  int rc = 0, failed = 0;
  if (!parts || partial_init(&total, &d)) {
    tm_free(parts);
    goto labels_oom;
  }
#pragma omp parallel
  {
    marks mk = {0};
    mk.memo.day = INT64_MIN;
    mk.ch_first_ts = tm_malloc(d.nch * sizeof *mk.ch_first_ts);
    mk.ty = tm_calloc(d.nty, 1);
    mk.rg = tm_calloc(d.nrg, 1);
    mk.mo = tm_calloc(d.nmo, 1);
    int ok = mk.ch_first_ts && mk.ty && mk.rg && mk.mo;
    if (ok)
      for (size_t c = 0; c < d.nch; c++) mk.ch_first_ts[c] = UINT64_MAX;
#pragma omp for schedule(dynamic, 1)
    for (size_t blk = 0; blk < nblocks; blk++) {
      if (!ok || partial_init(&parts[blk], &d)) {
#pragma omp atomic write
        failed = 1;
        continue;
      }
      size_t end = TM_MIN((blk + 1) * BLOCK, ds->ncust + 1);
      for (size_t c = blk * BLOCK; c < end; c++) scan_customer(ds, &d, c, &parts[blk], &mk);
    }
    tm_free(mk.ch_first_ts);
    tm_free(mk.ty);
    tm_free(mk.rg);
    tm_free(mk.mo);
  }
  for (size_t blk = 0; blk < nblocks; blk++) {
    if (!failed) partial_merge(&total, &parts[blk], &d);
    partial_free(&parts[blk]);
  }
  tm_free(parts);
  if (failed) {
    partial_free(&total);
    goto labels_oom;
  }
  char first[32] = "", last[32] = "";
  if (ds->nev) tm_time_format_iso(tmin, first), tm_time_format_iso(tmax, last);
  if (tm_doc_new(&doc, "touchmine summary") || tm_doc_set_int(doc, "customers", (int64_t)ds->ncust) ||
      tm_doc_set_int(doc, "active_customers", (int64_t)total.active) ||
      tm_doc_set_int(doc, "events", (int64_t)ds->nev) ||
      tm_doc_set_int(doc, "guest_events", (int64_t)total.guest_events) ||
      tm_doc_set_int(doc, "orders", (int64_t)total.orders) || tm_doc_set_int(doc, "returns", (int64_t)total.returns) ||
      tm_doc_set_int(doc, "order_lines", (int64_t)ds->nlines) ||
      tm_doc_set_real(doc, "revenue", (double)total.revenue_cents / 100.0) ||
      tm_doc_set_real(doc, "aov", total.orders ? (double)total.order_cents / 100.0 / (double)total.orders : 0) ||
      tm_doc_set_str(doc, "first", first) || tm_doc_set_str(doc, "last", last))
    rc = tm_error_nomem(err);
  if (!rc && ds->as_of_ms) {
    char asof[32];
    if (tm_doc_set_str(doc, "as_of", tm_time_format_iso(ds->as_of_ms, asof))) rc = tm_error_nomem(err);
  }
  if (!rc && table_channels(doc, ds, &d, &total)) rc = tm_error_nomem(err);
  if (!rc && table_simple(doc, "by_type", "Touchpoints by type", "type", &ds->types, d.nty, total.ty_events,
                          total.ty_customers, NULL))
    rc = tm_error_nomem(err);
  tm_names region_names = {(char **)region_label, d.nrg};
  if (!rc && table_simple(doc, "by_region", "By region (events without a region count under the customer's)", "region", &region_names, d.nrg, total.rg_events,
                          total.rg_customers, total.rg_cents))
    rc = tm_error_nomem(err);
  if (!rc && table_months(doc, &d, &total)) rc = tm_error_nomem(err);
  if (!rc && table_quality(doc, ds, &total)) rc = tm_error_nomem(err);
  if (!rc && wh) rc = warehouse_quality(doc, wh, err);
  partial_free(&total);
  tm_free(home);
  tm_free(region_label);
  tm_dict_fini(&labels);
  if (rc) {
    tm_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}
