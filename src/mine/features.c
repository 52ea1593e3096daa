/*
 * features.c — behavioural features per buyer (see features.h). One pass over
 * each customer's touchpoints; columns are then standardised.
 */
#include <math.h>
#include <stdio.h>

#include "mine/features.h"

void tm_features_free(tm_features *f) {
  tm_free(f->cust);
  tm_free(f->x);
  memset(f, 0, sizeof *f);
}

int tm_features_build(tm_features *f, const tm_dataset *ds, tm_error *err) {
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
  f->d = d;
  f->cust = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *f->cust);
  f->x = tm_calloc((ds->ncust ? ds->ncust : 1) * d, sizeof *f->x);
  if (!f->cust || !f->x) {
    tm_features_free(f);
    return tm_error_nomem(err);
  }
  size_t n = 0;
  for (size_t c = 0; c < ds->ncust; c++) {
    double orders = 0, returns = 0, money = 0, sends = 0, opens = 0, clicks = 0, contacts = 0, disc = 0;
    double *row = &f->x[n * d];
    memset(row, 0, d * sizeof *row); /* a non-buyer before may have left values */
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++) {
      uint16_t t = ds->type[i], ch = ds->channel[i];
      if (purchase && t == purchase) {
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
    f->cust[n++] = (uint32_t)c;
  }
  f->n = n;
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
