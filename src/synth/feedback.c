/*
 * feedback.c — surveys and reviews (feedback.csv, semicolon-delimited as some
 * survey tools export). After some orders the customer answers an NPS survey
 * (0-10) or reviews a product they bought (1-5 stars), with a free text of a
 * known sentiment (text.c) whose rating agrees with it. A returned order
 * makes a negative answer likelier. Surveys are keyed by email mostly (the
 * survey tool's), reviews by customer id mostly (the website's).
 */
#include "synth/synth_int.h"

static const double returned_mood[3] = {0.15, 0.25, 0.60};

static int nps_for(tm_rng *r, int label) {
  if (label == SY_POS) return tm_rng_bernoulli(r, 0.6) ? 10 : 9;
  if (label == SY_NEU) return tm_rng_bernoulli(r, 0.5) ? 8 : 7;
  static const double w[7] = {0.08, 0.05, 0.08, 0.14, 0.18, 0.22, 0.25};
  return (int)tm_rng_categorical(r, w, 7);
}

static int stars_for(tm_rng *r, int label) {
  if (label == SY_POS) return tm_rng_bernoulli(r, 0.7) ? 5 : 4;
  if (label == SY_NEU) return 3;
  return tm_rng_bernoulli(r, 0.5) ? 1 : 2;
}

static void feedback(sy_ctx *c, int64_t ts, bool review, const sy_order *o) {
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  sy_stage *st = &c->st[SY_F_FEEDBACK];
  sy_buf *b = &st->text;
  const sy_segment *sg = &sy_segments[p->seg];
  int label = (int)tm_rng_categorical(r, o->returned ? returned_mood : sg->sentiment, 3);
  char id[40];
  {
    sy_buf ib = SY_FIXED(id);
    SY_LIT(&ib, "FB");
    sy_u64w(&ib, p->idx + 1, c->w->idw);
    sy_putc(&ib, '-');
    sy_u64(&ib, ++c->k_fb);
    id[ib.len] = '\0';
  }
  bool by_email = p->has_email && tm_rng_bernoulli(r, review ? 0.2 : 0.7);
  const sy_product *pr = &c->w->cat.p[o->first_product];
  sy_row_begin(st, ts, 0);
  sy_puts(b, id);
  sy_puts(b, review ? ";review;" : ";survey;");
  if (!by_email) sy_puts(b, p->cid);
  sy_putc(b, ';');
  if (by_email) sy_put_email(c, b, tm_rng_bernoulli(r, 0.85) ? 0 : 1, ';');
  sy_putc(b, ';');
  sy_fmt_time(b, SY_T_ISO_Z, ts, 0);
  sy_putc(b, ';');
  if (!review) sy_u64(b, (uint64_t)nps_for(r, label));
  sy_putc(b, ';');
  if (review) sy_u64(b, (uint64_t)stars_for(r, label));
  sy_putc(b, ';');
  if (review) sy_puts(b, pr->sku);
  sy_putc(b, ';');
  sy_sentiment sent;
  c->tmp.len = 0;
  sy_text_sentiment(r, &c->tmp, label, review ? 0 : 1, pr->name, &sent);
  sy_csv_field(b, c->tmp.p, c->tmp.len, ';');
  sy_row_end(st);
  sy_truth_label(c, id, &sent, "feedback");
  c->ck->st.feedback_label[sent.label]++;
}

void sy_feedback_write(sy_ctx *c) {
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  if (c->p.kind != SY_BUYER) return;
  for (size_t i = 0; i < c->norders; i++) {
    const sy_order *o = &c->orders[i];
    if (o->src == SY_SRC_FRAUD) continue;
    if (tm_rng_bernoulli(r, 0.10)) {
      int64_t ts = o->ts + (int64_t)((1.0 + 4.0 * tm_rng_uniform(r)) * SY_DAY_MS);
      if (ts < w->t1) feedback(c, ts, false, o);
    }
    if (tm_rng_bernoulli(r, o->channel == SY_CH_STORE ? 0.02 : 0.07)) {
      int64_t ts = o->ts + (int64_t)((3.0 + 17.0 * tm_rng_uniform(r)) * SY_DAY_MS);
      if (ts < w->t1) feedback(c, ts, true, o);
    }
  }
}
