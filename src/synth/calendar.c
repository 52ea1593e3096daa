/*
 * calendar.c — when things happen. Seasonality is a time warp: a person's
 * purchases and browsing are Poisson-like in "operational time", whose clock
 * runs at s(d) = weekly[dow(d)] * (1 + amp cos(2 pi (doy(d) - peak) / 365.25))
 * per calendar day, normalised so the mean over the history is 1 (so rates
 * per operational week are rates per calendar week on average). Within a
 * day, the hour comes from a channel's profile in the person's local time.
 * This file also lays out the email campaign calendar (a newsletter every other Tuesday,
 * a promotion on the first Friday of every other month, Black Friday) and the ad
 * flights (a new 5-week flight every 4 weeks), and the churn and experiment
 * windows.
 */
#include <math.h>
#include <stdio.h>

#include "synth/synth_int.h"

const double sy_weekly[7] = {0.85, 0.85, 0.90, 0.95, 1.10, 1.30, 1.05};

/* Relative weights of local hours 0..23. */
static const double hours[SY_NHOURS][24] = {
    /* store: 09:00-20:00 */
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 6, 8, 10, 10, 8, 8, 9, 10, 8, 4, 0, 0, 0, 0},
    /* web: evenings */
    {2, 1, 0.5, 0.3, 0.3, 0.5, 1, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 7, 9, 10, 9, 6, 4},
    /* app: commute, lunch, late evening */
    {2, 1, 0.5, 0.3, 0.3, 0.6, 2, 5, 6, 5, 4, 5, 8, 7, 5, 5, 6, 7, 8, 10, 11, 10, 7, 4},
    /* contact centre: 08:00-20:00 */
    {0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 10, 10, 8, 8, 9, 9, 8, 6, 4, 3, 0, 0, 0, 0},
    /* any time, a little less at night */
    {2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3},
};

static const char *const ad_themes[12] = {"winter_sale", "valentines",  "spring_sale",  "home_refresh",
                                          "active_life", "summer_edit", "summer_sale",  "back_to_school",
                                          "autumn_edit", "halloween",   "black_friday", "gift_guide"};

static int64_t day_number(const sy_world *w, int64_t d) {
  int64_t ms = w->t0 + d * SY_DAY_MS;
  return ms >= 0 ? ms / SY_DAY_MS : -((-ms + SY_DAY_MS - 1) / SY_DAY_MS);
}

static int dow_of(int64_t z) { return (int)(((z % 7) + 7 + 3) % 7); } /* Monday = 0 */

static int doy_of(int64_t z) {
  int y, m, d;
  sy_civil_from_days(z, &y, &m, &d);
  return (int)(z - sy_days_from_civil(y, 1, 1)) + 1;
}

static bool grow_campaigns(sy_campaign **a, int *n, size_t *cap) {
  size_t c = *cap;
  if (TM_GROW(*a, c, (size_t)*n + 1)) return false;
  *cap = c;
  return true;
}

static void campaign_id(sy_campaign *c, const char *prefix, int64_t z, const char *what, bool month_only) {
  int y, m, d;
  sy_civil_from_days(z, &y, &m, &d);
  if (month_only)
    snprintf(c->id, sizeof c->id, "%s%04d%02d-%s", prefix, y, m, what);
  else
    snprintf(c->id, sizeof c->id, "%s%04d%02d%02d-%s", prefix, y, m, d, what);
}

int sy_calendar_build(sy_world *w, tm_error *err) {
  int D = w->days;
  w->cumw = tm_malloc(sizeof(double) * (size_t)(D + 1));
  w->dayw = tm_malloc(sizeof(double) * (size_t)D);
  if (!w->cumw || !w->dayw) return tm_error_nomem(err);
  double sum = 0;
  for (int d = 0; d < D; d++) {
    int64_t z = day_number(w, d);
    double doy = doy_of(z) + 0.5;
    double s =
        sy_weekly[dow_of(z)] * (1.0 + SY_ANNUAL_AMP * cos(2.0 * M_PI * (doy - SY_ANNUAL_PEAK_DOY) / 365.25));
    w->dayw[d] = s;
    sum += s;
  }
  w->season_norm = sum / D;
  w->cumw[0] = 0;
  for (int d = 0; d < D; d++) {
    w->dayw[d] /= w->season_norm;
    w->cumw[d + 1] = w->cumw[d] + w->dayw[d];
  }

  for (int p = 0; p < SY_NHOURS; p++) {
    double tot = 0;
    for (int h = 0; h < 24; h++)
      tot += hours[p][h];
    double acc = 0;
    for (int h = 0; h < 24; h++) {
      acc += hours[p][h] / tot;
      w->hours_cdf[p][h] = acc;
    }
    w->hours_cdf[p][23] = 1.0;
  }

  /* Email: a newsletter every other Tuesday 09:30 UTC, a promotion on the
   * first Friday of every other month (Jan, Mar, ...) at 11:00, Black Friday
   * at 07:00. */
  size_t cap = 0;
  for (int d = 0; d < D; d++) {
    int64_t z = day_number(w, d);
    int y, m, dd, dow = dow_of(z);
    sy_civil_from_days(z, &y, &m, &dd);
    int64_t base = w->t0 + (int64_t)d * SY_DAY_MS;
    if (dow == 1 && (z / 7) % 2 == 0) {
      if (!grow_campaigns(&w->email, &w->nemail, &cap)) return tm_error_nomem(err);
      sy_campaign *c = &w->email[w->nemail++];
      c->from = c->to = base + 9 * SY_HOUR_MS + 30 * SY_MIN_MS;
      campaign_id(c, "EM-", z, "newsletter", false);
    }
    if (dow == 4 && dd <= 7 && m % 2 == 1) {
      if (!grow_campaigns(&w->email, &w->nemail, &cap)) return tm_error_nomem(err);
      sy_campaign *c = &w->email[w->nemail++];
      c->from = c->to = base + 11 * SY_HOUR_MS;
      campaign_id(c, "EM-", z, "promo", false);
    }
    if (dow == 4 && m == 11 && dd >= 23) {
      if (!grow_campaigns(&w->email, &w->nemail, &cap)) return tm_error_nomem(err);
      sy_campaign *c = &w->email[w->nemail++];
      c->from = c->to = base + 7 * SY_HOUR_MS;
      campaign_id(c, "EM-", z, "blackfriday", false);
    }
  }

  /* Ads: a flight of 35 days starting every 28 days. */
  cap = 0;
  for (int d = 0; d < D; d += 28) {
    if (!grow_campaigns(&w->ads, &w->nads, &cap)) return tm_error_nomem(err);
    sy_campaign *c = &w->ads[w->nads++];
    int64_t z = day_number(w, d);
    int y, m, dd;
    sy_civil_from_days(z, &y, &m, &dd);
    c->from = w->t0 + (int64_t)d * SY_DAY_MS;
    c->to = c->from + 35 * SY_DAY_MS;
    campaign_id(c, "AD-", z, ad_themes[m - 1], true);
  }

  w->window_days = D / 3 < 90 ? D / 3 : 90;
  if (w->window_days < 1) w->window_days = 1;
  w->cutoff = w->t0 + (int64_t)(D - w->window_days) * SY_DAY_MS;
  int span = (int)(0.3 * D);
  if (span > 42) span = 42;
  if (span < 1) span = 1;
  w->exp_from = w->t0 + (int64_t)(0.35 * D) * SY_DAY_MS;
  w->exp_to = w->exp_from + (int64_t)span * SY_DAY_MS;
  return 0;
}

void sy_calendar_free(sy_world *w) {
  tm_free(w->cumw);
  tm_free(w->dayw);
  tm_free(w->email);
  tm_free(w->ads);
  w->cumw = w->dayw = NULL;
  w->email = w->ads = NULL;
}

double sy_optime(const sy_world *w, double x) {
  if (x <= 0) return 0;
  if (x >= w->days) return w->cumw[w->days];
  int d = (int)x;
  return w->cumw[d] + (x - d) * w->dayw[d];
}

double sy_caltime(const sy_world *w, double u) {
  if (u <= 0) return 0;
  if (u >= w->cumw[w->days]) return w->days;
  int lo = 0, hi = w->days; /* cumw[lo] <= u < cumw[hi] */
  while (hi - lo > 1) {
    int mid = (lo + hi) / 2;
    if (w->cumw[mid] <= u)
      lo = mid;
    else
      hi = mid;
  }
  return lo + (u - w->cumw[lo]) / w->dayw[lo];
}

int64_t sy_time_on_day(const sy_world *w, tm_rng *r, int64_t day, int profile, int zone) {
  double u = tm_rng_uniform(r);
  int h = 0;
  while (h < 23 && u >= w->hours_cdf[profile][h])
    h++;
  int64_t base = w->t0 + day * SY_DAY_MS;
  int off = sy_zone_offset(zone, base + 12 * SY_HOUR_MS);
  int64_t in_day = (int64_t)h * SY_HOUR_MS + (int64_t)tm_rng_below(r, SY_HOUR_MS) - (int64_t)off * SY_MIN_MS;
  in_day %= SY_DAY_MS;
  if (in_day < 0) in_day += SY_DAY_MS;
  return base + in_day;
}

int sy_email_before(const sy_world *w, int64_t t) {
  int lo = 0, hi = w->nemail; /* first campaign after t */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (w->email[mid].from <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo - 1;
}

int sy_ad_at(const sy_world *w, int64_t t) {
  for (int i = w->nads - 1; i >= 0; i--)
    if (w->ads[i].from <= t && t < w->ads[i].to) return i;
  return -1;
}
