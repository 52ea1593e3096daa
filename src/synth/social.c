/*
 * social.c — brand mentions on social platforms (social_mentions.csv) by
 * anyone with a handle: buyers, prospects and visitors alike. A mention's
 * handle is in the CRM for some of the buyers and prospects (social_handle),
 * which is the only thing that links it to a customer. Every mention text has
 * a known sentiment (text.c), recorded in truth.json.
 */
#include "synth/synth_int.h"

static const char *const platforms[] = {"x", "instagram", "tiktok", "facebook"};
static const double platform_w[] = {0.40, 0.35, 0.15, 0.10};
static const double default_mood[3] = {0.40, 0.35, 0.25};

void sy_social_write(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  if (!p->has_social) return;
  double per_year = p->kind == SY_BUYER ? 1.0 * p->act : p->kind == SY_PROSPECT ? 0.5 : 0.8;
  uint64_t n = tm_rng_poisson(r, per_year * w->days / 365.0);
  sy_stage *st = &c->st[SY_F_SOCIAL];
  sy_buf *b = &st->text;
  for (uint64_t i = 0; i < n && i < 200; i++) {
    int64_t day = (int64_t)tm_rng_below(r, (uint64_t)w->days);
    int64_t ts = sy_time_on_day(w, r, day, SY_HOURS_ANY, p->zone);
    int label = (int)tm_rng_categorical(r, p->seg >= 0 ? sy_segments[p->seg].sentiment : default_mood, 3);
    char id[40];
    sy_buf ib = SY_FIXED(id);
    SY_LIT(&ib, "SM");
    sy_u64w(&ib, p->idx + 1, w->idw);
    sy_putc(&ib, '-');
    sy_u64(&ib, ++c->k_social);
    id[ib.len] = '\0';
    sy_row_begin(st, ts, 0);
    sy_puts(b, id);
    sy_putc(b, ',');
    sy_puts(b, platforms[tm_rng_categorical(r, platform_w, TM_ARRAY_LEN(platform_w))]);
    sy_putc(b, ',');
    sy_puts(b, p->social);
    sy_putc(b, ',');
    sy_fmt_time(b, SY_T_ISO_Z, ts, 0);
    sy_putc(b, ',');
    sy_sentiment sent;
    c->tmp.len = 0;
    sy_text_sentiment(r, &c->tmp, label, 2, w->cat.p[tm_rng_below(r, (uint64_t)w->cat.n)].name, &sent);
    sy_csv_field(b, c->tmp.p, c->tmp.len, ',');
    sy_row_end(st);
    p->used_social = true;
    sy_truth_label(c, id, &sent, "social");
    c->ck->st.social_label[sent.label]++;
  }
}
