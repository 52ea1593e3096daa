/*
 * ads.c — the ad platform's event export (ad_events.csv): impressions and
 * clicks keyed by an ad id. For half the people who have one, the ad id is
 * their first web cookie (a first-party pixel), which is what lets the
 * identity graph tie ads to customers; for the rest it is an id seen nowhere
 * else. A click lands a web session tagged with the ad campaign. Times are
 * epoch milliseconds.
 */
#include "synth/synth_int.h"

void sy_ad_event(sy_ctx *c, int k, const char *event, int64_t ts) {
  sy_stage *st = &c->st[SY_F_AD];
  sy_buf *b = &st->text;
  c->p.used_adid = true;
  sy_row_begin(st, ts, 0);
  SY_LIT(b, "AE");
  sy_u64w(b, c->p.idx + 1, c->w->idw);
  sy_putc(b, '-');
  sy_u64(b, ++c->k_ad);
  sy_putc(b, ',');
  sy_puts(b, c->p.adid);
  sy_putc(b, ',');
  sy_puts(b, c->w->ads[k].id);
  sy_putc(b, ',');
  sy_puts(b, event);
  sy_putc(b, ',');
  sy_fmt_time(b, SY_T_EPOCH_MS, ts, 0);
  sy_row_end(st);
}

void sy_ads_write(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  if (!p->has_adid) return;
  const sy_segment *sg = p->kind == SY_BUYER ? &sy_segments[p->seg] : NULL;
  double per_week = sg ? sg->ad_rate * p->act : p->kind == SY_PROSPECT ? 0.15 : 0.6;
  double pclick = p->kind == SY_VISITOR ? 0.03 : 0.02;
  int64_t from = p->active_from, to = p->active_to;
  if (to <= from) return;
  double weeks = (double)(to - from) / (7.0 * SY_DAY_MS);
  uint64_t n = tm_rng_poisson(r, per_week * weeks);
  if (n > 2000) n = 2000;
  for (uint64_t i = 0; i < n; i++) {
    int64_t day =
        (from - w->t0) / SY_DAY_MS + (int64_t)tm_rng_below(r, (uint64_t)((to - from) / SY_DAY_MS) + 1);
    if (day >= w->days) day = w->days - 1;
    int64_t ts = sy_time_on_day(w, r, day, SY_HOURS_ANY, p->zone);
    int k = sy_ad_at(w, ts);
    if (k < 0 || ts < from || ts >= to) continue;
    sy_ad_event(c, k, "impression", ts);
    if (tm_rng_bernoulli(r, pclick)) {
      int64_t click = ts + 1000 + (int64_t)tm_rng_below(r, 60000);
      sy_ad_event(c, k, "click", click);
      if (click + SY_HOUR_MS < w->t1) {
        sy_session s = {.start = click + 1500,
                        .channel = SY_CH_WEB,
                        .kind = SY_SESS_BROWSE,
                        .campaign = w->ads[k].id,
                        .source = "ads",
                        .cookie = p->adid_is_cookie ? 0 : -1,
                        .login = sg && tm_rng_bernoulli(r, sg->login),
                        .variant = -1};
        sy_web_session(c, &s);
      }
    }
  }
}
