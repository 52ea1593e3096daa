/*
 * model_features.c — per-customer features for the models, as of a cutoff.
 *
 * One pass over each customer's time-sorted touchpoints: events before the
 * cutoff feed the features (the same behaviour features.c gives clustering —
 * orders, order value, channel shares, email engagement, returns, support,
 * browsing, discount use — plus the time-aware ones a churn model needs:
 * recency, tenure, the purchase gap, recent versus earlier activity), events
 * in [cutoff, cutoff + horizon) only the label (labels.c). Reading the full
 * dataset and stopping at the cutoff is the same as truncating it there,
 * without a second copy. Counts and money are log1p-transformed.
 * Customers are independent, so the pass is split over threads in fixed
 * blocks and the rows kept in customer order: the frame does not depend on
 * the thread count.
 */
#include <math.h>
#include <stdio.h>

#include "predict/predict.h"

enum {
  F_RECENCY, F_SINCE_ACTIVE, F_TENURE, F_ORDERS, F_ORDERS_RECENT, F_ORDERS_PRIOR, F_MONEY, F_AOV, F_GAP,
  F_OVERDUE, F_RETURN_RATE, F_SUPPORT, F_SUPPORT_RECENT, F_OPEN_RATE, F_CLICK_RATE, F_SENDS, F_UNSUB,
  F_BROWSE, F_BROWSE_RECENT, F_CART, F_DISCOUNT, F_LOW_RATINGS, F_CHANNELS, F_FIXED
};

static const char *const fixed_names[F_FIXED][2] = {
    {"days_since_last_purchase", "days since the last purchase"},
    {"days_since_last_activity", "days since the last touchpoint"},
    {"tenure_days", "days since first seen"},
    {"log_orders", "orders"},
    {"log_orders_recent", "orders in the last horizon"},
    {"log_orders_prior", "orders in the horizon before that"},
    {"log_spend", "total spend"},
    {"log_mean_order_value", "mean order value"},
    {"mean_days_between_orders", "mean days between orders"},
    {"overdue_ratio", "days since the last purchase over the usual gap"},
    {"return_rate", "returns per order"},
    {"log_support_contacts", "support contacts"},
    {"log_support_recent", "support contacts in the last horizon"},
    {"email_open_rate", "email open rate"},
    {"email_click_rate", "email click rate"},
    {"log_email_sends", "emails received"},
    {"unsubscribed", "unsubscribed from email"},
    {"log_browse_events", "web and app browsing events"},
    {"log_browse_recent", "browsing events in the last horizon"},
    {"log_cart_adds", "add-to-cart events"},
    {"discount_share", "share of orders with a campaign or code"},
    {"log_low_ratings", "ratings of 2 or less"},
    {"channels_used", "channels used"},
};

typedef struct codes {
  uint16_t purchase, ret, send, open, click, support, unsub, cart;
  size_t nch;
  int share_col[256];  /* channel -> order-share column, or -1 */
  bool browse[256];    /* web / app */
  bool *match;         /* product id -> counts for propensity (NULL: any) */
} codes;

#define DAY_MS 86400000.0

/* Observes customer c; fills row (when not NULL) with its features. */
static void observe(const tm_dataset *ds, const codes *k, const pr_task *t, size_t c, pr_obs *o, double *row,
                    size_t d) {
  int64_t cut = t->cutoff_ms, end = t->cutoff_ms + t->horizon_ms, recent = cut - t->horizon_ms,
          prior = cut - 2 * t->horizon_ms;
  double orders = 0, recent_orders = 0, prior_orders = 0, money = 0, returns = 0, sends = 0, opens = 0,
         clicks = 0, support = 0, support_recent = 0, browse = 0, browse_recent = 0, cart = 0, disc = 0, low = 0;
  int64_t first = 0, last = 0, first_buy = 0, last_buy = 0;
  bool unsub = false;
  uint64_t chans[4] = {0};
  memset(o, 0, sizeof *o);
  if (row) memset(row, 0, d * sizeof *row);
  for (uint64_t i = ds->off[c]; i < ds->off[c + 1]; i++) {
    int64_t ts = ds->ts[i];
    uint16_t ty = ds->type[i], ch = ds->channel[i];
    bool buy = k->purchase && ty == k->purchase;
    if (ts >= cut) {
      if (ts >= end) break;
      o->events_after++;
      if (buy) {
        o->orders_after++;
        if (isfinite(ds->amount[i])) o->revenue_after += ds->amount[i];
        if (k->match && !o->matches_after)
          for (uint32_t l = ds->line_off[i]; l < ds->line_off[i + 1]; l++)
            if (k->match[ds->line_product[l]]) {
              o->matches_after++;
              break;
            }
      }
      continue;
    }
    o->events_before++;
    if (!first) first = ts;
    last = ts;
    if (ch < 256) chans[ch >> 6] |= 1ull << (ch & 63);
    if (buy) {
      o->orders_before++;
      if (!first_buy) first_buy = ts;
      last_buy = ts;
      orders++;
      recent_orders += ts >= recent;
      prior_orders += ts >= prior && ts < recent;
      if (isfinite(ds->amount[i])) money += ds->amount[i];
      disc += ds->campaign[i] != 0;
      if (row && ch < 256 && k->share_col[ch] >= 0) row[k->share_col[ch]]++;
    } else if (ty == k->ret && k->ret) {
      returns++;
    } else if (ty == k->send && k->send) {
      sends++;
    } else if (ty == k->open && k->open) {
      opens++;
    } else if (ty == k->click && k->click) {
      clicks++;
    } else if (ty == k->support && k->support) {
      support++;
      support_recent += ts >= recent;
    } else if (ty == k->unsub && k->unsub) {
      unsub = true;
    } else if (ty == k->cart && k->cart) {
      cart++;
    }
    if (!buy && ch < 256 && k->browse[ch]) {
      browse++;
      browse_recent += ts >= recent;
    }
    if (ds->rating[i] == ds->rating[i] && ds->rating[i] <= 2) low++;
  }
  if (!row || !o->events_before) return;
  double since_buy = (double)(cut - (orders ? last_buy : first)) / DAY_MS;
  double tenure = (double)(cut - first) / DAY_MS;
  double gap = orders >= 2 ? (double)(last_buy - first_buy) / DAY_MS / (orders - 1) : tenure;
  row[F_RECENCY] = since_buy;
  row[F_SINCE_ACTIVE] = (double)(cut - last) / DAY_MS;
  row[F_TENURE] = tenure;
  row[F_ORDERS] = log1p(orders);
  row[F_ORDERS_RECENT] = log1p(recent_orders);
  row[F_ORDERS_PRIOR] = log1p(prior_orders);
  row[F_MONEY] = log1p(money > 0 ? money : 0);
  row[F_AOV] = log1p(money > 0 && orders ? money / orders : 0);
  row[F_GAP] = gap;
  row[F_OVERDUE] = log1p(since_buy / (gap > 1 ? gap : 1));
  row[F_RETURN_RATE] = orders ? returns / orders : 0;
  row[F_SUPPORT] = log1p(support);
  row[F_SUPPORT_RECENT] = log1p(support_recent);
  row[F_OPEN_RATE] = sends ? opens / sends : 0;
  row[F_CLICK_RATE] = sends ? clicks / sends : 0;
  row[F_SENDS] = log1p(sends);
  row[F_UNSUB] = unsub;
  row[F_BROWSE] = log1p(browse);
  row[F_BROWSE_RECENT] = log1p(browse_recent);
  row[F_CART] = log1p(cart);
  row[F_DISCOUNT] = orders ? disc / orders : 0;
  row[F_LOW_RATINGS] = log1p(low);
  row[F_CHANNELS] = (double)(__builtin_popcountll(chans[0]) + __builtin_popcountll(chans[1]) +
                             __builtin_popcountll(chans[2]) + __builtin_popcountll(chans[3]));
  for (size_t j = F_FIXED; j < d; j++) row[j] = orders ? row[j] / orders : 0;
}

static int setup(codes *k, const tm_dataset *ds, const pr_task *t, tm_error *err) {
  memset(k, 0, sizeof *k);
  k->purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  k->ret = (uint16_t)tm_names_find(&ds->types, "return");
  k->send = (uint16_t)tm_names_find(&ds->types, "send");
  k->open = (uint16_t)tm_names_find(&ds->types, "open");
  k->click = (uint16_t)tm_names_find(&ds->types, "click");
  k->support = (uint16_t)tm_names_find(&ds->types, "support");
  k->unsub = (uint16_t)tm_names_find(&ds->types, "unsubscribe");
  k->cart = (uint16_t)tm_names_find(&ds->types, "add_to_cart");
  k->nch = ds->channels.count < 256 ? ds->channels.count : 256;
  for (size_t c = 0; c < 256; c++) k->share_col[c] = -1;
  for (size_t c = 1; c < k->nch; c++) {
    const char *nm = ds->channels.name[c];
    k->browse[c] = nm && (!strcmp(nm, "web") || !strcmp(nm, "app"));
  }
  if (t->category || t->product) {
    size_t np = ds->products.count;
    k->match = tm_calloc(np ? np : 1, 1);
    if (!k->match) return tm_error_nomem(err);
    bool any = false;
    for (size_t p = 1; p < np; p++) {
      const char *pn = ds->products.name[p];
      const char *cn = p < ds->product_categories.count ? ds->product_categories.name[p] : NULL;
      k->match[p] = (t->product && pn && !strcmp(pn, t->product)) || (t->category && cn && !strcmp(cn, t->category));
      any |= k->match[p];
    }
    if (!any) {
      tm_free(k->match);
      k->match = NULL;
      return tm_error_set(err, TM_ENOTFOUND, "no product %s '%s' in the warehouse",
                          t->product ? "named" : "in the category", t->product ? t->product : t->category);
    }
  }
  return 0;
}

int pr_frame_from_dataset(pr_frame *f, const tm_dataset *ds, const pr_task *t, bool labelled, tm_error *err) {
  codes k;
  int rc = setup(&k, ds, t, err);
  if (rc) return rc;
  /* channels with orders before the cutoff get an order-share column */
  size_t d = F_FIXED;
  int share_ch[256];
  for (uint64_t i = 0; i < ds->off[ds->ncust] && k.purchase; i++)
    if (ds->type[i] == k.purchase && ds->ts[i] < (t->columns_as_of_ms ? t->columns_as_of_ms : t->cutoff_ms) && ds->channel[i] < k.nch && k.share_col[ds->channel[i]] < 0) {
      k.share_col[ds->channel[i]] = 0;
    }
  for (size_t c = 1; c < k.nch; c++)
    if (!k.share_col[c]) share_ch[d - F_FIXED] = (int)c, k.share_col[c] = (int)d++;
  size_t nc = ds->ncust;
  uint8_t *elig = tm_calloc(nc ? nc : 1, 1);
  if (!elig) {
    tm_free(k.match);
    return tm_error_nomem(err);
  }
  size_t n = 0;
#pragma omp parallel for schedule(static) reduction(+ : n)
  for (size_t c = 0; c < nc; c++) {
    pr_obs o;
    observe(ds, &k, t, c, &o, NULL, 0);
    elig[c] = pr_task_eligible(t, &o);
    n += elig[c];
  }
  if ((rc = pr_frame_alloc(f, n, d, labelled, err))) goto done;
  for (size_t j = 0; j < F_FIXED; j++) {
    snprintf(f->name[j], PR_NAME_MAX, "%s", fixed_names[j][0]);
    snprintf(f->words[j], PR_WORDS_MAX, "%s", fixed_names[j][1]);
  }
  for (size_t j = F_FIXED; j < d; j++) {
    const char *cn = ds->channels.name[share_ch[j - F_FIXED]];
    snprintf(f->name[j], PR_NAME_MAX, "order_share_%.40s", cn ? cn : "?");
    snprintf(f->words[j], PR_WORDS_MAX, "share of orders in %.40s", cn ? cn : "?");
  }
  f->cust_id = tm_malloc((n ? n : 1) * sizeof *f->cust_id);
  if (labelled) f->value = tm_calloc(n ? n : 1, sizeof *f->value);
  size_t *row_of = tm_malloc((nc ? nc : 1) * sizeof *row_of);
  if (!f->cust_id || !row_of || (labelled && !f->value)) {
    tm_free(row_of);
    pr_frame_free(f);
    rc = tm_error_nomem(err);
    goto done;
  }
  size_t r = 0;
  for (size_t c = 0; c < nc; c++) {
    row_of[c] = r;
    if (!elig[c]) continue;
    f->cust_id[r] = ds->cust_id[c];
    if ((rc = pr_frame_set_id(f, r, tm_dataset_key(ds, c), err))) {
      tm_free(row_of);
      pr_frame_free(f);
      goto done;
    }
    r++;
  }
#pragma omp parallel for schedule(static)
  for (size_t c = 0; c < nc; c++) {
    if (!elig[c]) continue;
    pr_obs o;
    observe(ds, &k, t, c, &o, &f->x[row_of[c] * d], d);
    if (f->y) f->y[row_of[c]] = pr_task_label(t, &o), f->value[row_of[c]] = o.revenue_after;
  }
  tm_free(row_of);
done:
  tm_free(elig);
  tm_free(k.match);
  return rc;
}
