/*
 * kpi.c — the dashboard's headline figures under a filter, in one pass over
 * the dataset: customers, active customers, orders, revenue, average order
 * value, conversion and inactivity churn for the current period and the one
 * before it, plus activity by month and by channel over the filter's range.
 *
 * Periods: the current one is [from, to) — by default the 30 days before the
 * midnight after the last touchpoint — and the previous one is as long and
 * ends where it starts. A channel or region filter keeps only touchpoints of
 * that channel or (event) region; a segment filter keeps only customers of
 * that segment in the latest segment run (RFM if there is one). The figures
 * are definitions over the facts, so SQL over `touchpoints` gives the same
 * numbers (tests/cases/report.sh checks that).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeparse.h"
#include "report/report_int.h"
#include "store/dataset.h"
#include "store/warehouse_int.h"

#define DAY_MS 86400000LL
#define MAX_MONTHS 2400

static int64_t day_of(int64_t ms) { return ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS); }

static int64_t month_of(int64_t ms) {
  int y;
  unsigned m, d;
  tm_civil_from_days(day_of(ms), &y, &m, &d);
  return (int64_t)y * 12 + (m - 1);
}

static void iso_date(int64_t ms, char out[16]) {
  int y;
  unsigned m, d;
  tm_civil_from_days(day_of(ms), &y, &m, &d);
  snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* The customer ids of one segment of the latest segment run (RFM preferred). */
static int segment_members(tm_warehouse *wh, const char *segment, int64_t **ids, size_t *n, tm_error *err) {
  sqlite3_stmt *st;
  size_t cap = 0;
  int rc = tm_wh_prepare(wh, &st,
                         "SELECT customer_id FROM customer_segments WHERE segment = ?1 AND run_id = "
                         "(SELECT id FROM segment_runs ORDER BY kind = 'rfm' DESC, id DESC LIMIT 1) ORDER BY 1",
                         err);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, segment, -1, SQLITE_STATIC);
  *ids = NULL, *n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (TM_GROW(*ids, cap, *n + 1)) {
      sqlite3_finalize(st);
      return tm_error_nomem(err);
    }
    (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tm_wh_fail(wh, err, "reading segment members");
  qsort(*ids, *n, sizeof **ids, cmp_i64);
  return 0;
}

typedef struct tally {
  uint64_t customers, active[3], buyers[3], orders[3], churned[2], events[3];
  int64_t revenue_cents[3], order_cents[3];
} tally;

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

int rp_kpi_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const rp_filter *f, tm_error *err) {
  int64_t last = INT64_MIN;
  for (size_t i = 0; i < ds->nev; i++)
    if (ds->ts[i] > last) last = ds->ts[i];
  if (last == INT64_MIN) last = 0;
  int64_t to = f->to_ms ? f->to_ms : (day_of(last) + 1) * DAY_MS;
  int64_t from = f->from_ms ? f->from_ms : to - 30 * DAY_MS;
  if (from >= to) return tm_error_set(err, TM_EINVAL, "the date range is empty (from must be before to)");
  int64_t len = to - from, start[3] = {from - 2 * len, from - len, from}; /* periods: before-previous, previous, current */
  int explicit_range = f->from_ms || f->to_ms;
  int64_t scope_from = explicit_range ? from : INT64_MIN, scope_to = explicit_range ? to : INT64_MAX;

  uint32_t ch_want = 0, rg_want = 0;
  if (f->channel && *f->channel && !(ch_want = tm_names_find(&ds->channels, f->channel))) ch_want = UINT32_MAX;
  if (f->region && *f->region && !(rg_want = tm_names_find(&ds->regions, f->region))) rg_want = UINT32_MAX;
  int64_t *members = NULL;
  size_t nmembers = 0;
  int seg = f->segment && *f->segment;
  if (seg) {
    int rc = segment_members(wh, f->segment, &members, &nmembers, err);
    if (rc) return rc;
  }
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase"), ret = (uint16_t)tm_names_find(&ds->types, "return");
  size_t nch = ds->channels.count ? ds->channels.count : 1;
  int64_t first = last;
  for (size_t i = 0; i < ds->nev; i++)
    if (ds->ts[i] < first) first = ds->ts[i];
  int64_t m0 = month_of(first), m1 = month_of(last);
  m0 -= 1, m1 += 1;
  if (m1 - m0 + 1 > MAX_MONTHS) m1 = m0 + MAX_MONTHS - 1;
  size_t nmo = (size_t)(m1 - m0 + 1);
  uint64_t *mo_ev = tm_calloc(nmo, 8), *mo_cu = tm_calloc(nmo, 8), *mo_or = tm_calloc(nmo, 8);
  int64_t *mo_ct = tm_calloc(nmo, 8), *ch_ct = tm_calloc(nch, 8);
  uint64_t *ch_ev = tm_calloc(nch, 8), *ch_cu = tm_calloc(nch, 8);
  uint8_t *ch_mark = tm_calloc(nch, 1);
  tally t = {0};
  tm_doc *doc = NULL;
  int rc = 0;
  if (!mo_ev || !mo_cu || !mo_or || !mo_ct || !ch_ct || !ch_ev || !ch_cu || !ch_mark) goto oom;

  for (size_t c = 0; c <= ds->ncust; c++) {
    bool guest = c == ds->ncust;
    if (seg && (guest || !bsearch(&ds->cust_id[c], members, nmembers, sizeof *members, cmp_i64))) continue;
    bool any = false, act[3] = {0}, bought[3] = {0};
    int64_t memo_day = INT64_MIN, memo_month = 0;
    int64_t last_month = INT64_MIN;
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++) {
      if (ch_want && ds->channel[i] != ch_want) continue;
      if (rg_want && ds->region[i] != rg_want) continue;
      int64_t ts = ds->ts[i];
      uint16_t ty = ds->type[i];
      bool is_purchase = purchase && ty == purchase, is_money = is_purchase || (ret && ty == ret);
      int64_t cents = is_money ? tm_cents(ds->amount[i]) : 0;
      if (ts < to) any = true;
      for (int p = 0; p < 3; p++) {
        if (ts < start[p] || ts >= start[p] + len) continue;
        act[p] = true;
        t.events[p]++;
        t.revenue_cents[p] += cents;
        if (is_purchase) bought[p] = true, t.orders[p]++, t.order_cents[p] += cents;
      }
      if (ts < scope_from || ts >= scope_to) continue;
      int64_t day = day_of(ts);
      if (day != memo_day) memo_day = day, memo_month = month_of(ts) - m0; /* time-sorted: days repeat */
      int64_t mo = memo_month;
      if (mo >= 0 && (size_t)mo < nmo) {
        mo_ev[mo]++, mo_ct[mo] += cents, mo_or[mo] += is_purchase;
        if (!guest && mo != last_month) mo_cu[mo]++, last_month = mo;
      }
      uint16_t ch = ds->channel[i] < nch ? ds->channel[i] : 0;
      ch_ev[ch]++, ch_ct[ch] += cents;
      if (!guest && !ch_mark[ch]) ch_mark[ch] = 1, ch_cu[ch]++;
    }
    if (!guest) {
      memset(ch_mark, 0, nch);
      t.customers += any;
      for (int p = 0; p < 3; p++) t.active[p] += act[p], t.buyers[p] += act[p] && bought[p];
      for (int p = 0; p < 2; p++) t.churned[p] += act[p] && !act[p + 1];
    }
  }

  char a[16], z[16];
  iso_date(from, a);
  iso_date(to, z);
  if (tm_doc_new(&doc, "Dashboard figures")) goto oom;
  double rev = t.revenue_cents[2] / 100.0, rev_prev = t.revenue_cents[1] / 100.0;
  if (tm_doc_set_str(doc, "period_from", a) || tm_doc_set_str(doc, "period_to", z) ||
      tm_doc_set_int(doc, "period_days", len / DAY_MS) || tm_doc_set_int(doc, "customers", (int64_t)t.customers) ||
      tm_doc_set_int(doc, "active_customers", (int64_t)t.active[2]) ||
      tm_doc_set_int(doc, "active_customers_prev", (int64_t)t.active[1]) ||
      tm_doc_set_int(doc, "events", (int64_t)t.events[2]) || tm_doc_set_int(doc, "events_prev", (int64_t)t.events[1]) ||
      tm_doc_set_int(doc, "orders", (int64_t)t.orders[2]) || tm_doc_set_int(doc, "orders_prev", (int64_t)t.orders[1]) ||
      tm_doc_set_real(doc, "revenue", rev) || tm_doc_set_real(doc, "revenue_prev", rev_prev) ||
      tm_doc_set_real(doc, "aov", t.orders[2] ? t.order_cents[2] / 100.0 / (double)t.orders[2] : NAN) ||
      tm_doc_set_real(doc, "aov_prev", t.orders[1] ? t.order_cents[1] / 100.0 / (double)t.orders[1] : NAN) ||
      tm_doc_set_real(doc, "conversion", t.active[2] ? (double)t.buyers[2] / (double)t.active[2] : NAN) ||
      tm_doc_set_real(doc, "conversion_prev", t.active[1] ? (double)t.buyers[1] / (double)t.active[1] : NAN) ||
      tm_doc_set_real(doc, "inactivity_churn", t.active[1] ? (double)t.churned[1] / (double)t.active[1] : NAN) ||
      tm_doc_set_real(doc, "inactivity_churn_prev", t.active[0] ? (double)t.churned[0] / (double)t.active[0] : NAN))
    goto oom;
  tm_table *mt, *ct;
  if (tm_table_new(&mt, "by_month", "Activity by month") || tm_doc_add_table(doc, mt)) goto oom;
  if (COL(mt, "month", TM_COL_STR) || COL(mt, "events", TM_COL_INT) || COL(mt, "active_customers", TM_COL_INT) ||
      COL(mt, "orders", TM_COL_INT) || COL(mt, "revenue", TM_COL_REAL))
    goto oom;
  for (size_t m = 0; m < nmo; m++) {
    if (!mo_ev[m]) continue;
    char label[16];
    int64_t mi = m0 + (int64_t)m;
    snprintf(label, sizeof label, "%04d-%02d", (int)(mi / 12), (int)(mi % 12) + 1);
    if (tm_table_add_row(mt) || tm_table_set_str(mt, 0, label) || tm_table_set_int(mt, 1, (int64_t)mo_ev[m]) ||
        tm_table_set_int(mt, 2, (int64_t)mo_cu[m]) || tm_table_set_int(mt, 3, (int64_t)mo_or[m]) ||
        tm_table_set_real(mt, 4, mo_ct[m] / 100.0))
      goto oom;
  }
  if (tm_table_new(&ct, "by_channel", "Touchpoints by channel") || tm_doc_add_table(doc, ct)) goto oom;
  if (COL(ct, "channel", TM_COL_STR) || COL(ct, "events", TM_COL_INT) || COL(ct, "customers", TM_COL_INT) ||
      COL(ct, "revenue", TM_COL_REAL))
    goto oom;
  for (;;) { /* most events first */
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < nch; k++)
      if (ch_ev[k] && (best == SIZE_MAX || ch_ev[k] > ch_ev[best])) best = k;
    if (best == SIZE_MAX) break;
    const char *name = best && ds->channels.name[best] ? ds->channels.name[best] : "(none)";
    if (tm_table_add_row(ct) || tm_table_set_str(ct, 0, name) || tm_table_set_int(ct, 1, (int64_t)ch_ev[best]) ||
        tm_table_set_int(ct, 2, (int64_t)ch_cu[best]) || tm_table_set_real(ct, 3, ch_ct[best] / 100.0))
      goto oom;
    ch_ev[best] = 0;
  }
  *out = doc;
  doc = NULL;
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  tm_doc_free(doc);
  void *f2[] = {mo_ev, mo_cu, mo_or, mo_ct, ch_ct, ch_ev, ch_cu, ch_mark, members};
  for (size_t i = 0; i < TM_ARRAY_LEN(f2); i++) tm_free(f2[i]);
  return rc;
}
