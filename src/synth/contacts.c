/*
 * contacts.c — the contact centre's export (contacts.csv): calls, keyed by
 * the caller's phone as the agent typed it, and chats, keyed by the email the
 * customer typed. Contacts come spontaneously at the segment's yearly rate
 * (reasons leaning on the segment: the lapsing segment complains) and are
 * also triggered by orders: a delivery query after some online orders, a
 * refund query after some returns. Times are "%d/%m/%Y %H:%M" in UTC.
 */
#include "synth/synth_int.h"

enum { R_DELIVERY, R_REFUND, R_QUESTION, R_COMPLAINT, R_ACCOUNT, NREASONS };
static const char *const reasons[NREASONS] = {"delivery", "refund", "product_question", "complaint",
                                              "account"};
static const double reason_w[NREASONS] = {0.25, 0.10, 0.35, 0.15, 0.15};
static const double reason_lapsing[NREASONS] = {0.20, 0.15, 0.15, 0.35, 0.15};

static void contact(sy_ctx *c, int64_t ts, int reason, const char *order_id, int product) {
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  sy_stage *st = &c->st[SY_F_CONTACTS];
  sy_buf *b = &st->text;
  bool call = p->has_phone && (!p->has_email || tm_rng_bernoulli(r, 0.6));
  sy_row_begin(st, ts, 0);
  SY_LIT(b, "CT");
  sy_u64w(b, p->idx + 1, c->w->idw);
  sy_putc(b, '-');
  sy_u64(b, ++c->k_contact);
  sy_puts(b, call ? ",call_centre," : ",chat,");
  if (call) sy_put_phone(c, b, (int)tm_rng_below(r, 5), ',');
  sy_putc(b, ',');
  if (!call) {
    double u = tm_rng_uniform(r);
    sy_put_email(c, b, u < 0.6 ? 0 : u < 0.8 ? 1 : u < 0.85 ? 2 : 3, ',');
  }
  sy_putc(b, ',');
  sy_fmt_time(b, SY_T_DMY_HM, ts, 0);
  sy_putc(b, ',');
  sy_puts(b, reasons[reason]);
  sy_putc(b, ',');
  double dur = call ? 60 + tm_rng_gamma(r, 2.0, 1.0 / 150.0) : 90 + tm_rng_gamma(r, 2.0, 1.0 / 250.0);
  sy_u64(b, (uint64_t)dur);
  sy_putc(b, ',');
  sy_puts(b, tm_rng_bernoulli(r, reason == R_COMPLAINT ? 0.6 : 0.88) ? "yes" : "no");
  sy_putc(b, ',');
  c->tmp.len = 0;
  sy_text_contact(r, &c->tmp, reason, order_id, product >= 0 ? c->w->cat.p[product].name : NULL);
  sy_csv_field(b, c->tmp.p, c->tmp.len, ',');
  sy_row_end(st);
}

void sy_contacts_write(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  if (p->kind == SY_VISITOR || (!p->has_phone && !p->has_email)) return;
  const sy_segment *sg = p->kind == SY_BUYER ? &sy_segments[p->seg] : NULL;
  double per_year = sg ? sg->contacts * p->act : 0.3;
  int64_t from = p->active_from, to = p->active_to;
  if (to > from) {
    uint64_t n = tm_rng_poisson(r, per_year * (double)(to - from) / (365.0 * SY_DAY_MS));
    for (uint64_t i = 0; i < n && i < 500; i++) {
      int64_t day =
          (from - w->t0) / SY_DAY_MS + (int64_t)tm_rng_below(r, (uint64_t)((to - from) / SY_DAY_MS) + 1);
      if (day >= w->days) day = w->days - 1;
      int64_t ts = sy_time_on_day(w, r, day, SY_HOURS_CONTACT, p->zone);
      int reason = (int)tm_rng_categorical(r, p->seg == 4 ? reason_lapsing : reason_w, NREASONS);
      /* about an order of theirs placed before the contact, when there is one */
      const sy_order *o = NULL;
      for (size_t k = 0; k < c->norders; k++)
        if (c->orders[k].ts < ts && c->orders[k].src != SY_SRC_FRAUD) o = &c->orders[k];
      if ((reason == R_DELIVERY || reason == R_REFUND) && !o) reason = R_QUESTION;
      char oid[40];
      if (o) sy_order_id(c, oid, 'O', o->k);
      int product = reason == R_QUESTION ? (int)tm_rng_below(r, (uint64_t)w->cat.n)
                    : o                  ? o->first_product
                                         : -1;
      contact(c, ts, reason, o ? oid : NULL, product);
    }
  }
  for (size_t i = 0; i < c->norders; i++) {
    const sy_order *o = &c->orders[i];
    if (o->src == SY_SRC_FRAUD) continue;
    char oid[40];
    sy_order_id(c, oid, 'O', o->k);
    if (o->channel != SY_CH_STORE && tm_rng_bernoulli(r, 0.06)) {
      int64_t day = (o->ts - w->t0) / SY_DAY_MS + 2 + (int64_t)tm_rng_below(r, 5);
      if (day < w->days)
        contact(c, sy_time_on_day(w, r, day, SY_HOURS_CONTACT, p->zone), R_DELIVERY, oid, o->first_product);
    }
    if (o->returned && tm_rng_bernoulli(r, 0.3)) {
      int64_t day = (o->ts - w->t0) / SY_DAY_MS + 10 + (int64_t)tm_rng_below(r, 21);
      if (day < w->days)
        contact(c, sy_time_on_day(w, r, day, SY_HOURS_CONTACT, p->zone), R_REFUND, oid, o->first_product);
    }
  }
}
