/*
 * people.c — who a person is. Each person is a buyer (in the CRM, follows a
 * BG/NBD purchase process), a prospect (in the CRM as a lead, never buys) or
 * an anonymous visitor (browses the web, never logs in, not in the CRM).
 * Buyers belong to one latent segment; demographics, lifestyle and identifier
 * holding lean on the segment without being fixed by it. This file also
 * writes the person's CRM row, last, once consent is final (an unsubscribe
 * during the history turns consent_marketing off, as a real CRM would).
 */
#include "synth/synth_int.h"

#define P_BUYER 0.70
#define P_PROSPECT 0.15 /* the rest are anonymous visitors */

static bool is_victim(const sy_world *w, uint64_t idx) {
  size_t lo = 0, hi = w->nvictims;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (w->victims[mid] < idx)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < w->nvictims && w->victims[lo] == idx;
}

void sy_person_make(sy_ctx *c) {
  const sy_world *w = c->w;
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  uint64_t idx = p->idx;
  memset(p, 0, sizeof *p);
  p->idx = idx;
  p->victim = is_victim(w, idx);

  double u = tm_rng_uniform(r);
  p->kind = p->victim || u < P_BUYER ? SY_BUYER : u < P_BUYER + P_PROSPECT ? SY_PROSPECT : SY_VISITOR;
  p->seg = -1;
  if (p->kind == SY_BUYER) {
    double sw[SY_NSEG];
    for (int s = 0; s < SY_NSEG; s++)
      sw[s] = sy_segments[s].share;
    p->seg = (int)tm_rng_categorical(r, sw, SY_NSEG);
  }
  p->act = tm_rng_gamma(r, 8.0, 8.0);

  double rw[64];
  for (int i = 0; i < sy_nregions; i++)
    rw[i] = sy_regions[i].weight;
  p->region = (int)tm_rng_categorical(r, rw, (size_t)sy_nregions);
  p->city = (int)tm_rng_below(r, (uint64_t)sy_regions[p->region].ncities);
  p->zone = sy_regions[p->region].zone;
  p->store = -1;
  for (int s = 0; s < w->nstores; s++)
    if (sy_store_order[s] == p->region) p->store = s;
  if (p->store < 0) p->store = (int)tm_rng_below(r, (uint64_t)w->nstores);

  const sy_segment *sg = p->kind == SY_BUYER ? &sy_segments[p->seg] : NULL;
  double g = tm_rng_uniform(r);
  p->gender = g < 0.49 ? 'F' : g < 0.95 ? 'M' : g < 0.97 ? 'X' : 0;
  double age = sg ? sg->age_mean + sg->age_sd * tm_rng_normal(r) : 40 + 14 * tm_rng_normal(r);
  if (age < 18) age = 18 + tm_rng_uniform(r) * 4;
  if (age > 88) age = 88;
  int y, m, d;
  sy_civil_from_days(w->t0 / SY_DAY_MS, &y, &m, &d);
  p->birth_year = y - (int)age;
  static const double flat[SY_NLIFE] = {0.3, 0.2, 0.3, 0.2};
  p->lifestyle = (int)tm_rng_categorical(r, sg ? sg->lifestyle : flat, SY_NLIFE);

  p->b2b = p->kind != SY_VISITOR && tm_rng_bernoulli(r, p->seg == 3 ? 0.12 : 0.04);
  if (p->b2b) {
    p->company = (int)tm_rng_below(r, (uint64_t)(sy_ncompanies_a * sy_ncompanies_b));
    p->industry = p->company % sy_nindustries;
    static const double sizes[4] = {0.45, 0.3, 0.15, 0.1};
    p->company_size = (int)tm_rng_categorical(r, sizes, 4);
  }

  sy_ids_make(c);

  p->consent_analytics = tm_rng_bernoulli(r, 0.93);
  p->consent_marketing = p->has_email && tm_rng_bernoulli(r, p->kind == SY_PROSPECT ? 0.85
                                                             : sg                   ? sg->consent
                                                                                    : 0.5);
  p->unsub = SY_NEVER;
  p->churn = SY_NEVER;
  p->first_buy = SY_NEVER;
  p->web_signup = tm_rng_bernoulli(r, 0.6);
  p->app_user = sg ? (sg->app_rate > 0.2 || tm_rng_bernoulli(r, 0.3)) : 0;

  int64_t D = w->days;
  if (p->kind == SY_PROSPECT) {
    /* leads collected over the year before the history and during it */
    p->signup = w->t0 + (int64_t)((tm_rng_uniform(r) * 2.0 - 1.0) * (double)D * SY_DAY_MS);
    p->active_from = p->signup - 30 * SY_DAY_MS;
    p->active_to = w->t1;
  } else if (p->kind == SY_VISITOR) {
    int64_t arrive = w->t0 + (int64_t)(tm_rng_uniform(r) * (double)D * SY_DAY_MS);
    int64_t span = (int64_t)(tm_rng_exponential(r, 1.0 / 45.0) * SY_DAY_MS) + SY_HOUR_MS;
    p->active_from = arrive;
    p->active_to = arrive + span < w->t1 ? arrive + span : w->t1;
    p->signup = SY_NEVER;
  }
  if (p->active_from < w->t0) p->active_from = w->t0;
}

static void put_yesno(sy_buf *b, bool v, int style) {
  if (style)
    sy_putc(b, v ? '1' : '0');
  else if (v)
    SY_LIT(b, "yes");
  else
    SY_LIT(b, "no");
}

void sy_crm_write(sy_ctx *c) {
  sy_person *p = &c->p;
  if (p->kind == SY_VISITOR) return;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  sy_stage *st = &c->st[SY_F_CRM];
  sy_buf *b = &st->text;
  sy_row_begin(st, p->signup, 0);
  sy_puts(b, p->cid);
  sy_putc(b, ',');
  if (p->has_email) {
    double u = tm_rng_uniform(r);
    sy_put_email(c, b, u < 0.80 ? 0 : u < 0.88 ? 1 : u < 0.92 ? 2 : 3, ',');
  }
  sy_putc(b, ',');
  if (p->has_phone) sy_put_phone(c, b, (int)tm_rng_below(r, 5), ',');
  sy_putc(b, ',');
  if (p->has_card) sy_puts(b, p->card);
  sy_putc(b, ',');
  if (p->social_in_crm) {
    sy_puts(b, p->social);
    p->used_social = true;
  }
  sy_putc(b, ',');
  if (p->gender) sy_putc(b, (char)p->gender);
  sy_putc(b, ',');
  bool has_age = tm_rng_bernoulli(r, 0.95);
  if (has_age) sy_u64(b, (uint64_t)p->birth_year);
  sy_putc(b, ',');
  if (has_age) {
    int y, m, d;
    sy_civil_from_days(w->t0 / SY_DAY_MS, &y, &m, &d);
    int age = y - p->birth_year;
    sy_puts(b, age < 25   ? "18-24"
               : age < 35 ? "25-34"
               : age < 45 ? "35-44"
               : age < 55 ? "45-54"
               : age < 65 ? "55-64"
                          : "65+");
  }
  sy_putc(b, ',');
  const sy_region *rg = &sy_regions[p->region];
  sy_csv_str(b, rg->name, ',');
  sy_putc(b, ',');
  sy_csv_str(b, rg->cities[p->city], ',');
  sy_putc(b, ',');
  sy_puts(b, rg->country);
  sy_putc(b, ',');
  sy_fmt_time(b, SY_T_DATE, p->signup, 0);
  sy_putc(b, ',');
  int style = tm_rng_bernoulli(r, 0.4);
  put_yesno(b, p->consent_analytics, style);
  sy_putc(b, ',');
  put_yesno(b, p->consent_marketing && p->unsub == SY_NEVER, style);
  sy_putc(b, ',');
  if (p->b2b) {
    SY_LIT(b, "B2B,");
    sy_company_name(b, p->company);
    sy_putc(b, ',');
    sy_puts(b, sy_industries[p->industry]);
    sy_putc(b, ',');
    sy_puts(b, sy_company_sizes[p->company_size]);
  } else {
    SY_LIT(b, "B2C,,,");
  }
  sy_putc(b, ',');
  if (tm_rng_bernoulli(r, 0.8)) sy_puts(b, sy_lifestyles[p->lifestyle]); /* survey answered */
  sy_row_end(st);
}
