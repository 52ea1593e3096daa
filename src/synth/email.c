/*
 * email.c — the email platform's event export (email_events.csv): for every
 * campaign of the calendar sent while a person was subscribed (an email, a
 * marketing consent, signed up, not yet unsubscribed) a "sent", then maybe
 * "opened" (some people open twice), "clicked" (which lands a web session
 * tagged with the campaign) and "unsubscribed" (after which nothing more is
 * sent and the CRM shows no marketing consent). Open and click rates are the
 * segment's; people who have dropped out open far less. Times are epoch
 * seconds, unlike every other file, on purpose.
 */
#include "synth/synth_int.h"

bool sy_email_received(const sy_ctx *c, int k) {
  const sy_person *p = &c->p;
  if (k < 0 || !p->has_email || !p->consent_marketing) return false;
  int64_t t = c->w->email[k].from;
  return t >= p->signup && t >= c->w->t0 && t < p->unsub;
}

void sy_email_event(sy_ctx *c, int k, const char *event, int64_t ts) {
  sy_stage *st = &c->st[SY_F_EMAIL];
  sy_buf *b = &st->text;
  sy_row_begin(st, ts, 0);
  SY_LIT(b, "EV");
  sy_u64w(b, c->p.idx + 1, c->w->idw);
  sy_putc(b, '-');
  sy_u64(b, ++c->k_email);
  sy_putc(b, ',');
  sy_put_email(c, b, tm_rng_bernoulli(&c->rng, 0.95) ? 0 : 1, ',');
  sy_putc(b, ',');
  sy_puts(b, c->w->email[k].id);
  sy_putc(b, ',');
  sy_puts(b, event);
  sy_putc(b, ',');
  sy_fmt_time(b, SY_T_EPOCH_S, ts, 0);
  sy_row_end(st);
}

void sy_email_write(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  if (!p->has_email || !p->consent_marketing) return;
  const sy_segment *sg = p->kind == SY_BUYER ? &sy_segments[p->seg] : NULL;
  double po = sg ? sg->open : 0.15, pc = sg ? sg->click : 0.20, pu = sg ? sg->unsub : 0.004;
  double login = sg ? sg->login : 0;
  po *= 0.5 + 0.5 * p->act;
  if (po > 0.95) po = 0.95;
  int64_t from = TM_MAX(p->signup, w->t0);
  for (int k = sy_email_before(w, from - 1) + 1; k < w->nemail; k++) {
    if (!sy_email_received(c, k)) {
      if (w->email[k].from >= p->unsub) break;
      continue;
    }
    int64_t send = w->email[k].from + (int64_t)tm_rng_below(r, 20 * SY_MIN_MS);
    if (send >= w->t1) break;
    sy_email_event(c, k, "sent", send);
    bool alive = p->kind != SY_BUYER || p->churn > send;
    if (tm_rng_bernoulli(r, alive ? po : po * SY_DEAD_OPEN)) {
      int64_t open = send + 30000 + (int64_t)tm_rng_exponential(r, 1.0 / (5.0 * SY_HOUR_MS));
      if (open < w->t1 && open < send + 6 * SY_DAY_MS) {
        sy_email_event(c, k, "opened", open);
        if (tm_rng_bernoulli(r, 0.15)) {
          int64_t again = open + (int64_t)tm_rng_exponential(r, 1.0 / (double)SY_DAY_MS);
          if (again < w->t1) sy_email_event(c, k, "opened", again);
        }
        if (tm_rng_bernoulli(r, pc)) {
          int64_t click = open + 10000 + (int64_t)tm_rng_exponential(r, 1.0 / 60000.0);
          if (click < w->t1 - SY_HOUR_MS) {
            sy_email_event(c, k, "clicked", click);
            sy_session s = {.start = click + 2000,
                            .channel = SY_CH_WEB,
                            .kind = SY_SESS_BROWSE,
                            .campaign = w->email[k].id,
                            .source = "email",
                            .cookie = -1,
                            .login = tm_rng_bernoulli(r, login),
                            .variant = -1};
            sy_web_session(c, &s);
          }
        }
      }
    }
    if (tm_rng_bernoulli(r, pu)) {
      int64_t un = send + 60000 + (int64_t)tm_rng_exponential(r, 1.0 / (double)SY_DAY_MS);
      if (un < w->t1) {
        sy_email_event(c, k, "unsubscribed", un);
        p->unsub = un;
        break;
      }
    }
  }
}
