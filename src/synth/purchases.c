/*
 * purchases.c — what buyers buy, when, and where.
 *
 * The purchase process is BG/NBD (Fader, Hardie & Lee 2005): a buyer makes a
 * first purchase at a uniform time in the first half of the history, then
 * repeat purchases at rate lambda ~ Gamma(r, rate alpha) per week of
 * operational (seasonal) time, and after each repeat purchase drops out for
 * good with probability p ~ Beta(a, b). Spend per order follows Gamma-Gamma
 * (Fader, Hardie & Lee 2005, "RFM and CLV"): z ~ Gamma(p, rate nu), nu ~
 * Gamma(q, rate gamma), in pounds; the basket is filled with catalogue items
 * until the target is spent, then the planted association rules may add
 * items. Orders are written as lines (orders.csv), online ones with their
 * Segment session. Returns are separate orders "R..." with negative
 * quantities. Journeys are planted here: an email open and a product view
 * before a store purchase (J1), an ad click before a web purchase (J2), an
 * email click before a web purchase (J3). Fraud bursts are here too.
 */
#include <math.h>

#include "synth/synth_int.h"

#define MAX_LINES 20
#define MAX_BUYS 4000

typedef struct basket {
  int prod[MAX_LINES], qty[MAX_LINES];
  int n;
} basket;

static const char *const discount_codes[] = {"WELCOME10", "SAVE15", "FREESHIP",
                                             "SPRING20",  "VIP25",  "FLASH30"};

/* Planted journeys: P(plant | eligible). */
#define J1_P 0.35 /* email open -> web product view -> store purchase, within 7 days */
#define J2_P 0.30 /* ad click -> web product view -> web purchase, within 1 day */
#define J3_P 0.25 /* email click -> web product view -> web purchase, same session */

void sy_order_id(const sy_ctx *c, char *out, char prefix, uint32_t k) {
  char tmp[40];
  sy_buf b = SY_FIXED(tmp);
  sy_putc(&b, prefix);
  sy_u64w(&b, c->p.idx + 1, c->w->idw);
  sy_putc(&b, '-');
  sy_u64(&b, k);
  tmp[b.len] = '\0';
  memcpy(out, tmp, b.len + 1);
}

static int hours_of(int ch) {
  return ch == SY_CH_STORE ? SY_HOURS_STORE : ch == SY_CH_APP ? SY_HOURS_APP : SY_HOURS_WEB;
}

void sy_buyer_plan(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  const sy_segment *sg = &sy_segments[p->seg];
  tm_rng *r = &c->rng;
  c->nbuys = 0;
  c->drop = -1;
  p->lambda = tm_rng_gamma(r, sg->r, sg->alpha);
  p->pdrop = tm_rng_beta(r, sg->a, sg->b);
  p->nu = tm_rng_gamma(r, sg->gg_q, sg->gg_gamma);

  double x = tm_rng_uniform(r) * SY_FIRST_BUY_SHARE * w->days;
  double u = sy_optime(w, x), uend = w->cumw[w->days], rate = p->lambda / SY_WEEK_DAYS;
  for (;;) {
    if (TM_GROW(c->buys, c->capbuys, c->nbuys + 1)) {
      c->oom = true;
      break;
    }
    c->buys[c->nbuys++].x = x;
    if (c->nbuys > 1 && tm_rng_bernoulli(r, p->pdrop)) {
      c->drop = (long)c->nbuys - 1;
      break;
    }
    if (!(rate > 0) || c->nbuys >= MAX_BUYS) break;
    u += tm_rng_exponential(r, rate);
    if (u >= uend) break;
    x = sy_caltime(w, u);
  }
  for (size_t i = 0; i < c->nbuys; i++) {
    sy_buy *b = &c->buys[i];
    b->ch = (int)tm_rng_categorical(r, sg->channel, SY_NCH);
    if (b->ch == SY_CH_APP && !p->app_user) b->ch = SY_CH_WEB;
    int64_t day = (int64_t)b->x;
    if (day >= w->days) day = w->days - 1;
    b->ts = sy_time_on_day(w, r, day, hours_of(b->ch), p->zone);
  }
  p->first_buy = c->nbuys ? c->buys[0].ts : SY_NEVER;
  p->signup = p->first_buy - (int64_t)(tm_rng_uniform(r) * 60.0 * SY_DAY_MS);
  p->active_from = p->signup - 30 * SY_DAY_MS;
  if (p->active_from < w->t0) p->active_from = w->t0;
  p->active_to = w->t1;
}

/* ------------------------------------------------------------------ baskets */

static void basket_add(basket *bk, int prod, int qty) {
  for (int i = 0; i < bk->n; i++)
    if (bk->prod[i] == prod) {
      bk->qty[i] += qty;
      return;
    }
  if (bk->n < MAX_LINES) {
    bk->prod[bk->n] = prod;
    bk->qty[bk->n++] = qty;
  }
}

static bool basket_has(const basket *bk, int prod) {
  for (int i = 0; i < bk->n; i++)
    if (bk->prod[i] == prod) return true;
  return false;
}

/* Fills a basket worth about spend_gbp. Items are taken while they fit; the
 * first that does not fit is taken with probability remaining / its cost and
 * ends the basket, so the expected value is the target (randomised rounding):
 * the Gamma-Gamma spend survives the catalogue's discrete prices. */
static void basket_build(sy_ctx *c, basket *bk, double spend_gbp) {
  const sy_catalogue *cat = &c->w->cat;
  const sy_segment *sg = &sy_segments[c->p.seg];
  tm_rng *r = &c->rng;
  int64_t remaining = (int64_t)(spend_gbp * 100.0);
  bk->n = 0;
  int fails = 0;
  /* the first item always fits the target (unless nothing does) */
  for (int t = 0; t < 8 && bk->n == 0; t++) {
    int ci = (int)tm_rng_categorical(r, sg->cat, SY_NCAT);
    int pi = sy_catalogue_pick(cat, r, ci, remaining > INT32_MAX ? INT32_MAX : (int32_t)remaining);
    if (pi < 0) continue;
    basket_add(bk, pi, 1);
    remaining -= cat->p[pi].price;
  }
  if (bk->n == 0) { /* a target below every price tried: the cheapest food item */
    basket_add(bk, cat->cheapest, 1);
    remaining = 0;
  }
  while (bk->n < MAX_LINES - SY_NRULES && remaining > 0 && fails < 8) {
    int ci = (int)tm_rng_categorical(r, sg->cat, SY_NCAT);
    int64_t cap = 2 * remaining + 500;
    int pi = sy_catalogue_pick(cat, r, ci, cap > INT32_MAX ? INT32_MAX : (int32_t)cap);
    if (pi < 0) {
      fails++;
      continue;
    }
    int64_t price = cat->p[pi].price;
    int q = 1;
    if (price < 1000 && tm_rng_bernoulli(r, 0.25)) q = tm_rng_bernoulli(r, 0.2) ? 3 : 2;
    int64_t cost = price * q;
    if (cost <= remaining) {
      basket_add(bk, pi, q);
      remaining -= cost;
      continue;
    }
    if (tm_rng_bernoulli(r, (double)remaining / (double)cost)) basket_add(bk, pi, q);
    break;
  }
  for (int i = 0; i < SY_NRULES; i++) {
    const sy_rule *ru = &cat->rules[i];
    bool lhs = true;
    for (int j = 0; j < ru->nlhs; j++)
      lhs = lhs && basket_has(bk, ru->lhs[j]);
    if (lhs && !basket_has(bk, ru->rhs) && tm_rng_bernoulli(r, ru->p)) basket_add(bk, ru->rhs, 1);
  }
}

static void count_basket(sy_ctx *c, const basket *bk) {
  sy_stats *st = &c->ck->st;
  const sy_catalogue *cat = &c->w->cat;
  st->baskets++;
  for (int i = 0; i < SY_NRULES; i++) {
    const sy_rule *ru = &cat->rules[i];
    bool lhs = true;
    for (int j = 0; j < ru->nlhs; j++)
      lhs = lhs && basket_has(bk, ru->lhs[j]);
    bool rhs = basket_has(bk, ru->rhs);
    st->rule_lhs[i] += lhs;
    st->rule_rhs[i] += rhs;
    st->rule_both[i] += lhs && rhs;
  }
}

static int64_t basket_value(const sy_ctx *c, const basket *bk) {
  int64_t v = 0;
  for (int i = 0; i < bk->n; i++)
    v += (int64_t)c->w->cat.p[bk->prod[i]].price * bk->qty[i];
  return v;
}

/* ------------------------------------------------------------------ lines */

typedef struct line_ctx {
  const char *oid;
  int64_t ts;
  int ch, store;
  int card;        /* 0 none, 1 own, 2 the store's default card */
  int email_style; /* -1: no e-receipt email */
  int sign;
  const char *payment, *discount;
} line_ctx;

static void write_lines(sy_ctx *c, const line_ctx *l, const basket *bk) {
  sy_stage *st = &c->st[SY_F_ORDERS];
  sy_buf *b = &st->text;
  const sy_catalogue *cat = &c->w->cat;
  char card[16];
  if (l->card == 2) {
    sy_store_card(card, l->store);
    c->p.store_cards |= 1u << l->store;
    c->ck->st.store_card_rows[l->store] += (uint64_t)bk->n;
  }
  for (int i = 0; i < bk->n; i++) {
    const sy_product *pr = &cat->p[bk->prod[i]];
    sy_row_begin(st, l->ts, 0);
    sy_puts(b, l->oid);
    sy_putc(b, '-');
    sy_u64(b, (uint64_t)i + 1);
    sy_putc(b, ',');
    sy_puts(b, l->oid);
    sy_putc(b, ',');
    sy_fmt_time(b, SY_T_SQL, l->ts, 0);
    sy_putc(b, ',');
    sy_puts(b, sy_channel_names[l->ch]);
    sy_putc(b, ',');
    if (l->ch == SY_CH_STORE) sy_csv_str(b, sy_regions[sy_store_order[l->store]].name, ',');
    sy_putc(b, ',');
    if (l->card == 1)
      sy_puts(b, c->p.card);
    else if (l->card == 2)
      sy_puts(b, card);
    sy_putc(b, ',');
    if (l->ch != SY_CH_STORE) sy_puts(b, c->p.cid);
    sy_putc(b, ',');
    if (l->email_style >= 0) sy_put_email(c, b, l->email_style, ',');
    sy_putc(b, ',');
    sy_puts(b, pr->sku);
    sy_putc(b, ',');
    sy_csv_str(b, pr->name, ',');
    sy_putc(b, ',');
    sy_puts(b, sy_categories[pr->cat].name);
    sy_putc(b, ',');
    sy_i64(b, (int64_t)l->sign * bk->qty[i]);
    sy_putc(b, ',');
    sy_money(b, pr->price);
    sy_putc(b, ',');
    sy_puts(b, l->payment);
    sy_putc(b, ',');
    if (l->discount) sy_puts(b, l->discount);
    sy_row_end(st);
  }
  c->ck->st.order_lines += (uint64_t)bk->n;
}

/* How a store sale identifies the shopper: their card, or (no card, or card
 * forgotten) the store's default card; an e-receipt email sometimes. */
static void store_ids(sy_ctx *c, line_ctx *l) {
  tm_rng *r = &c->rng;
  const sy_person *p = &c->p;
  l->card = p->has_card && !tm_rng_bernoulli(r, 0.15) ? 1 : 2;
  double pe = l->card == 1 ? 0.30 : 0.85;
  l->email_style = p->has_email && tm_rng_bernoulli(r, pe) ? (tm_rng_bernoulli(r, 0.7) ? 0 : 1) : -1;
}

static void maybe_return(sy_ctx *c, sy_order *o, const basket *bk, const line_ctx *orig) {
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  const sy_segment *sg = &sy_segments[c->p.seg];
  if (!tm_rng_bernoulli(r, sg->returns)) return;
  int64_t rts = o->ts + (int64_t)((2.0 + 26.0 * tm_rng_uniform(r)) * SY_DAY_MS);
  if (rts >= w->t1) return;
  basket back = {.n = 0};
  for (int i = 0; i < bk->n; i++)
    if (tm_rng_bernoulli(r, 0.7)) basket_add(&back, bk->prod[i], bk->qty[i]);
  if (back.n == 0) basket_add(&back, bk->prod[0], bk->qty[0]);
  line_ctx l = *orig;
  char rid[40];
  sy_order_id(c, rid, 'R', ++c->k_order);
  l.oid = rid;
  l.sign = -1;
  l.discount = NULL;
  l.ch = orig->ch == SY_CH_STORE || tm_rng_bernoulli(r, 0.3) ? SY_CH_STORE : SY_CH_WEB;
  if (l.ch == SY_CH_STORE) {
    rts = sy_time_on_day(w, r, (rts - w->t0) / SY_DAY_MS, SY_HOURS_STORE, c->p.zone);
    if (orig->ch != SY_CH_STORE) {
      l.store = c->p.store;
      store_ids(c, &l);
    }
    l.payment = orig->payment;
  } else {
    l.card = 0;
    l.email_style = -1;
    l.payment = "card";
  }
  l.ts = rts;
  write_lines(c, &l, &back);
  o->returned = true;
  c->ck->st.returns++;
}

/* J1: an email open and a product view before a store purchase. */
static void journey_store(sy_ctx *c, int64_t ts, const basket *bk) {
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  int k = sy_email_before(w, ts - 2 * SY_HOUR_MS);
  if (k < 0 || w->email[k].from < ts - 7 * SY_DAY_MS || !sy_email_received(c, k)) return;
  c->ck->st.journey_eligible[0]++;
  if (!tm_rng_bernoulli(r, J1_P)) return;
  c->ck->st.journey_planted[0]++;
  int64_t lo = TM_MAX(w->email[k].from, ts - 5 * SY_DAY_MS) + 10 * SY_MIN_MS;
  int64_t hi = ts - 90 * SY_MIN_MS;
  int64_t topen = lo + (int64_t)(tm_rng_uniform(r) * (double)(hi - lo));
  sy_email_event(c, k, "opened", topen);
  int64_t vlo = topen + 5 * SY_MIN_MS, vhi = ts - 30 * SY_MIN_MS;
  sy_session s = {.start = vlo + (int64_t)(tm_rng_uniform(r) * (double)(vhi - vlo)),
                  .channel = SY_CH_WEB,
                  .kind = SY_SESS_VIEW,
                  .cookie = -1,
                  .login = true,
                  .variant = -1,
                  .view_product = bk->prod[tm_rng_below(r, (uint64_t)bk->n)]};
  sy_web_session(c, &s);
}

int64_t sy_order_make(sy_ctx *c, const sy_order_req *q) {
  const sy_world *w = c->w;
  sy_person *p = &c->p;
  const sy_segment *sg = &sy_segments[p->seg];
  tm_rng *r = &c->rng;
  basket bk;
  basket_build(c, &bk, tm_rng_gamma(r, sg->gg_p, p->nu));
  char oid[40];
  uint32_t k = ++c->k_order;
  sy_order_id(c, oid, 'O', k);
  int64_t value = basket_value(c, &bk);
  line_ctx l = {.oid = oid, .ch = q->channel, .store = p->store, .sign = 1, .payment = "card"};
  if (tm_rng_bernoulli(r, q->channel == SY_CH_STORE ? sg->discount * 0.3 : sg->discount))
    l.discount = discount_codes[tm_rng_below(r, TM_ARRAY_LEN(discount_codes))];
  int64_t ts = q->ts;
  if (q->channel == SY_CH_STORE) {
    store_ids(c, &l);
    if (tm_rng_bernoulli(r, 0.2)) l.payment = "cash";
    if (q->src == SY_SRC_BGNBD && p->has_email) journey_store(c, ts, &bk);
  } else {
    l.card = 0;
    l.email_style = -1;
    sy_session s = {.start = ts,
                    .channel = q->channel,
                    .kind = SY_SESS_ORDER,
                    .campaign = q->campaign,
                    .source = q->source,
                    .cookie = q->cookie,
                    .login = true,
                    .variant = q->variant,
                    .order_id = oid,
                    .products = bk.prod,
                    .qty = bk.qty,
                    .nproducts = bk.n,
                    .revenue = value};
    if (q->src == SY_SRC_BGNBD && q->channel == SY_CH_WEB) {
      /* J3, else J2: the session is the landing of a click just before it */
      int ke = p->has_email ? sy_email_before(w, ts - 30 * SY_MIN_MS) : -1;
      bool planted = false;
      if (ke >= 0 && w->email[ke].from >= ts - 3 * SY_DAY_MS && sy_email_received(c, ke)) {
        c->ck->st.journey_eligible[2]++;
        if (tm_rng_bernoulli(r, J3_P)) {
          c->ck->st.journey_planted[2]++;
          int64_t click = ts - (int64_t)(3000 + tm_rng_below(r, 7000));
          int64_t open = click - (int64_t)(20000 + tm_rng_below(r, 600000));
          sy_email_event(c, ke, "opened", open);
          sy_email_event(c, ke, "clicked", click);
          s.campaign = w->email[ke].id;
          s.source = "email";
          planted = true;
        }
      }
      int ka = sy_ad_at(w, ts);
      if (!planted && p->adid_is_cookie && ka >= 0) {
        c->ck->st.journey_eligible[1]++;
        if (tm_rng_bernoulli(r, J2_P)) {
          c->ck->st.journey_planted[1]++;
          int64_t imp = ts - (int64_t)((1.0 + 19.0 * tm_rng_uniform(r)) * SY_HOUR_MS);
          if (imp < w->ads[ka].from) imp = w->ads[ka].from;
          int64_t click = ts - (int64_t)(3000 + tm_rng_below(r, 7000));
          sy_ad_event(c, ka, "impression", imp);
          sy_ad_event(c, ka, "impression", click - (int64_t)(5000 + tm_rng_below(r, 60000)));
          sy_ad_event(c, ka, "click", click);
          s.campaign = w->ads[ka].id;
          s.source = "ads";
          s.cookie = 0;
        }
      }
    }
    ts = sy_web_session(c, &s);
  }
  l.ts = ts;
  write_lines(c, &l, &bk);
  count_basket(c, &bk);

  sy_stats *st = &c->ck->st;
  st->orders[q->channel]++;
  if (q->src == SY_SRC_BGNBD) {
    st->seg_orders[p->seg]++;
    c->ck->seg_spend[p->seg] += (double)value / 100.0;
  } else if (q->src == SY_SRC_AB) {
    st->ab_orders++;
  }
  if (TM_GROW(c->orders, c->caporders, c->norders + 1)) {
    c->oom = true;
    return ts;
  }
  sy_order *o = &c->orders[c->norders++];
  *o = (sy_order){.ts = ts,
                  .value = value,
                  .k = k,
                  .channel = (uint8_t)q->channel,
                  .src = (uint8_t)q->src,
                  .first_product = (int16_t)bk.prod[0],
                  .store = (int8_t)l.store};
  maybe_return(c, o, &bk, &l);
  return ts;
}

void sy_orders_write(sy_ctx *c) {
  sy_person *p = &c->p;
  for (size_t i = 0; i < c->nbuys; i++) {
    sy_order_req q = {
        .ts = c->buys[i].ts, .channel = c->buys[i].ch, .src = SY_SRC_BGNBD, .cookie = -1, .variant = -1};
    int64_t ts = sy_order_make(c, &q);
    if (ts >= c->w->cutoff) p->nbuys_cut++;
    if ((long)i == c->drop) p->churn = ts;
    if (i == 0) p->first_buy = ts;
  }
}

/* ------------------------------------------------------------------- fraud */

void sy_fraud_write(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  if (!p->victim || !p->has_card || w->nstores < 2) return;
  int64_t lo = (int64_t)(0.1 * w->days), hi = w->days - w->window_days - 1;
  if (hi <= lo) hi = lo + 1;
  int64_t day = lo + (int64_t)tm_rng_below(r, (uint64_t)(hi - lo));
  int store = (p->store + 1 + (int)tm_rng_below(r, (uint64_t)w->nstores - 1)) % w->nstores;
  int zone = sy_regions[sy_store_order[store]].zone;
  int64_t start = w->t0 + day * SY_DAY_MS +
                  (int64_t)(11 * 60 - sy_zone_offset(zone, w->t0 + day * SY_DAY_MS)) * SY_MIN_MS +
                  (int64_t)tm_rng_below(r, 5 * SY_HOUR_MS);
  int n = 30 + (int)tm_rng_below(r, 16);
  int64_t value = 0, ts = start;
  for (int j = 0; j < n; j++) {
    ts = start + (int64_t)j * 55 * SY_MIN_MS / n + (int64_t)tm_rng_below(r, 60000);
    basket bk = {.n = 0};
    basket_add(&bk, w->cat.fraud[tm_rng_below(r, 4)], 1);
    if (tm_rng_bernoulli(r, 0.3)) basket_add(&bk, w->cat.fraud[tm_rng_below(r, 4)], 1);
    char oid[40];
    sy_order_id(c, oid, 'O', ++c->k_order);
    line_ctx l = {.oid = oid,
                  .ts = ts,
                  .ch = SY_CH_STORE,
                  .store = store,
                  .card = 1,
                  .email_style = -1,
                  .sign = 1,
                  .payment = "card"};
    write_lines(c, &l, &bk);
    count_basket(c, &bk);
    value += basket_value(c, &bk);
    c->ck->st.orders[SY_CH_STORE]++;
    c->ck->st.fraud_orders++;
  }
  sy_chunk *ck = c->ck;
  if (TM_GROW(ck->anom, ck->capanom, ck->nanom + 1)) {
    c->oom = true;
    return;
  }
  sy_anomaly *a = &ck->anom[ck->nanom++];
  memcpy(a->cid, p->cid, sizeof a->cid);
  memcpy(a->card, p->card, sizeof a->card);
  a->store = store;
  a->from = start;
  a->to = ts;
  a->orders = n;
  a->value = value;
}
