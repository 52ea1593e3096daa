/*
 * features.c — behavioural features per buyer (see features.h). One pass over
 * each customer's touchpoints; columns are then standardised.
 */
#include <math.h>
#include <stdio.h>

#include "mine/features.h"
#include "store/warehouse_int.h"

#define DAY_MS 86400000.0

/* Review sentiment per customer index from text_customer (written by
 * `touchmine sentiment --db`): NaN where a customer has none. Returns the
 * number of customers with a value (0 when the table is absent or empty). */
static size_t load_sentiment(tm_warehouse *wh, const tm_dataset *ds, double *out) {
  for (size_t c = 0; c < ds->ncust; c++) out[c] = NAN;
  sqlite3_stmt *st;
  if (!wh || sqlite3_prepare_v2(wh->db, "SELECT customer_id, mean_compound FROM text_customer WHERE mean_compound IS NOT NULL",
                                -1, &st, NULL) != SQLITE_OK)
    return 0;
  tm_u64map rowof = {0};
  size_t found = 0;
  if (!tm_u64map_init(&rowof, ds->ncust + 1)) {
    for (size_t c = 0; c < ds->ncust; c++) tm_u64map_put(&rowof, (uint64_t)ds->cust_id[c], c, NULL, NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
      uint64_t *c = tm_u64map_get(&rowof, (uint64_t)sqlite3_column_int64(st, 0));
      if (c && isnan(out[*c])) out[*c] = sqlite3_column_double(st, 1), found++;
    }
    tm_u64map_fini(&rowof);
  }
  sqlite3_finalize(st);
  return found;
}

static bool is_mobile(const char *device) {
  return device && (!strcmp(device, "mobile") || !strcmp(device, "android") || !strcmp(device, "ios") ||
                    !strcmp(device, "phone") || !strcmp(device, "tablet"));
}

void tm_features_free(tm_features *f) {
  tm_free(f->cust);
  tm_free(f->x);
  memset(f, 0, sizeof *f);
}

int tm_features_build(tm_features *f, const tm_dataset *ds, tm_warehouse *wh, tm_error *err) {
  memset(f, 0, sizeof *f);
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  uint16_t ret = (uint16_t)tm_names_find(&ds->types, "return");
  uint16_t send = (uint16_t)tm_names_find(&ds->types, "send");
  uint16_t open = (uint16_t)tm_names_find(&ds->types, "open");
  uint16_t click = (uint16_t)tm_names_find(&ds->types, "click");
  uint16_t support = (uint16_t)tm_names_find(&ds->types, "support");
  /* channels with orders get an order-share column; web and app a browsing one */
  size_t nch = ds->channels.count;
  bool *ordered = tm_calloc(nch ? nch : 1, sizeof *ordered);
  if (!ordered) return tm_error_nomem(err);
  for (size_t i = 0; i < ds->off[ds->ncust]; i++)
    if (purchase && ds->type[i] == purchase && ds->channel[i] < nch) ordered[ds->channel[i]] = true;
  int col_share[256], col_browse[256]; /* column of a channel's share / browsing, or -1 */
  for (size_t c = 0; c < 256; c++) col_share[c] = col_browse[c] = -1;
  size_t d = 0;
  snprintf(f->name[d++], 48, "log_orders");
  for (size_t c = 1; c < nch && c < 256 && d < TM_MAX_FEATURES - 8; c++) {
    if (ordered[c]) snprintf(f->name[col_share[c] = (int)d++], 48, "order_share_%.30s", ds->channels.name[c]);
  }
  size_t f_aov = d++, f_open = d++, f_click = d++, f_ret = d++, f_contacts = d++, f_disc = d++;
  snprintf(f->name[f_aov], 48, "log_mean_order_value");
  snprintf(f->name[f_open], 48, "email_open_rate");
  snprintf(f->name[f_click], 48, "email_click_rate");
  snprintf(f->name[f_ret], 48, "return_rate");
  snprintf(f->name[f_contacts], 48, "log_support_contacts");
  snprintf(f->name[f_disc], 48, "discount_share");
  for (size_t c = 1; c < nch && c < 256; c++) {
    const char *nm = ds->channels.name[c];
    if (nm && (!strcmp(nm, "web") || !strcmp(nm, "app")) && d < TM_MAX_FEATURES)
      snprintf(f->name[col_browse[c] = (int)d++], 48, "log_%s_messages", nm);
  }
  tm_free(ordered);
  size_t f_tenure = d++, f_gap = d++, f_mobile = SIZE_MAX, f_sent = SIZE_MAX;
  snprintf(f->name[f_tenure], 48, "log_tenure_days");
  snprintf(f->name[f_gap], 48, "log_interpurchase_days");
  /* technographic: share of the device-tagged touchpoints made on a phone or tablet */
  size_t ndev = ds->devices.count;
  bool mobile[256] = {false}, any_mobile = false, any_fixed = false;
  for (size_t v = 1; v < ndev && v < 256; v++) {
    mobile[v] = is_mobile(ds->devices.name[v]);
    any_mobile |= mobile[v], any_fixed |= !mobile[v] && ds->devices.name[v];
  }
  if (any_mobile && any_fixed && d < TM_MAX_FEATURES) snprintf(f->name[f_mobile = d++], 48, "mobile_share");
  double *sentiment = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *sentiment);
  if (!sentiment) return tm_error_nomem(err);
  f->sentiment_customers = load_sentiment(wh, ds, sentiment);
  if (f->sentiment_customers && d < TM_MAX_FEATURES) snprintf(f->name[f_sent = d++], 48, "review_sentiment");
  /* tenure is counted to the as-of date, else to the last touchpoint */
  int64_t ref = ds->as_of_ms;
  if (!ref)
    for (size_t i = 0; i < ds->off[ds->ncust]; i++)
      if (ds->ts[i] > ref) ref = ds->ts[i];
  f->d = d;
  f->cust = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *f->cust);
  f->x = tm_calloc((ds->ncust ? ds->ncust : 1) * d, sizeof *f->x);
  if (!f->cust || !f->x) {
    tm_free(sentiment);
    tm_features_free(f);
    return tm_error_nomem(err);
  }
  size_t n = 0;
  for (size_t c = 0; c < ds->ncust; c++) {
    double orders = 0, returns = 0, money = 0, sends = 0, opens = 0, clicks = 0, contacts = 0, disc = 0;
    double tagged = 0, on_mobile = 0;
    int64_t first_buy = 0, last_buy = 0;
    double *row = &f->x[n * d];
    memset(row, 0, d * sizeof *row); /* a non-buyer before may have left values */
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++) {
      uint16_t t = ds->type[i], ch = ds->channel[i];
      if (purchase && t == purchase) {
        if (!orders) first_buy = ds->ts[i];
        last_buy = ds->ts[i];
        orders++;
        if (isfinite(ds->amount[i])) money += ds->amount[i];
        if (ch < nch && ch < 256 && col_share[ch] >= 0) row[col_share[ch]]++;
        disc += ds->campaign[i] != 0;
      } else if (ret && t == ret) {
        returns++;
      } else if (send && t == send) {
        sends++;
      } else if (open && t == open) {
        opens++;
      } else if (click && t == click) {
        clicks++;
      } else if (support && t == support) {
        contacts++;
      }
      if (ch < nch && ch < 256 && col_browse[ch] >= 0 && t != purchase) row[col_browse[ch]]++;
      if (ds->device[i] && ds->device[i] < ndev && ds->device[i] < 256) tagged++, on_mobile += mobile[ds->device[i]];
    }
    if (!orders) continue; /* buyers only: the row is overwritten by the next */
    for (size_t c2 = 1; c2 < nch && c2 < 256; c2++)
      if (col_share[c2] >= 0) row[col_share[c2]] /= orders;
    for (size_t c2 = 1; c2 < nch && c2 < 256; c2++)
      if (col_browse[c2] >= 0) row[col_browse[c2]] = log1p(row[col_browse[c2]]);
    row[0] = log1p(orders);
    row[f_aov] = log1p(money > 0 ? money / orders : 0);
    row[f_open] = sends ? opens / sends : 0;
    row[f_click] = sends ? clicks / sends : 0;
    row[f_ret] = returns / orders;
    row[f_contacts] = log1p(contacts);
    row[f_disc] = disc / orders;
    /* tenure from the first touchpoint (or the CRM's first-seen date, if earlier) */
    int64_t since = ds->ts[ds->off[c]];
    if (ds->cust_first && ds->cust_first[c] > 0 && ds->cust_first[c] < since) since = ds->cust_first[c];
    row[f_tenure] = log1p(fmax(0, (double)(ref - since) / DAY_MS));
    /* one order: the gap so far, from it to the reference date (a lower bound) */
    row[f_gap] = log1p(fmax(0, orders > 1 ? (double)(last_buy - first_buy) / DAY_MS / (orders - 1)
                                           : (double)(ref - first_buy) / DAY_MS));
    if (f_mobile != SIZE_MAX) row[f_mobile] = tagged ? on_mobile / tagged : 0;
    if (f_sent != SIZE_MAX) row[f_sent] = isnan(sentiment[c]) ? 0 : sentiment[c]; /* none: neutral */
    f->cust[n++] = (uint32_t)c;
  }
  f->n = n;
  tm_free(sentiment);
  for (size_t j = 0; j < d; j++) {
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++) s += f->x[i * d + j];
    double mean = n ? s / (double)n : 0;
    for (size_t i = 0; i < n; i++) ss += (f->x[i * d + j] - mean) * (f->x[i * d + j] - mean);
    double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    f->mean[j] = mean;
    f->sd[j] = sd;
    for (size_t i = 0; i < n; i++) f->x[i * d + j] = sd > 0 ? (f->x[i * d + j] - mean) / sd : 0;
  }
  return 0;
}
