/*
 * web.c — the clickstream, as Segment-spec messages (web_events.jsonl).
 *
 * A session is a run of messages on one anonymousId (a browser cookie, or an
 * app install's device id), a few tens of seconds apart: a landing page or
 * screen, an identify when the person logs in on a cookie not yet tied to
 * their account (after it, messages carry userId too; a known cookie is
 * logged in from the first message), product views, sometimes an add to cart
 * or an abandoned checkout, and for an order: views, adds, Checkout Started
 * and Order Completed (properties.order_id and revenue match orders.csv).
 * Signing up on the web writes an alias (cookie -> customer id) and an
 * identify; a prospect's newsletter form writes an identify with only
 * anonymousId and traits.email. People pick up new cookies now and then (at
 * most 8 per browser history, 2 app installs). The A/B test lives here: the
 * first web browse session in the experiment window shows an Experiment
 * Viewed whose variant is a hash of the cookie, and alive buyers order in
 * that session with the planted probability of their variant.
 *
 * Key order is fixed — type, messageId, timestamp, anonymousId / previousId,
 * userId, then the body, context last — and dirty.c relies on it.
 */
#include "synth/synth_int.h"

static const char *const devices[3] = {"desktop", "mobile", "tablet"};
static const double default_device[3] = {0.5, 0.4, 0.1};

enum { ST_LAND, ST_IDENTIFY, ST_EXPERIMENT, ST_VIEW, ST_PAGE, ST_ADD, ST_CHECKOUT, ST_ORDER };
#define MAX_STEPS 80

typedef struct step {
  int kind, product, qty;
} step;

typedef struct sess {
  const sy_session *s;
  const char *anon, *user, *device, *locale;
  int64_t t;
  int off;
} sess;

/* variant = low bit of mix64(FNV-1a-64("checkout_v2:" + anonymousId)); 1 = treatment */
static int sy_ab_variant(const char *anonymous_id) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char *s = SY_AB_ID ":"; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  for (const char *s = anonymous_id; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return (int)(tm_mix64(h) & 1);
}

static const char *locale_of(const sy_person *p) {
  const char *cc = sy_regions[p->region].country;
  if (!strcmp(cc, "IE")) return "en-IE";
  if (!strcmp(cc, "FR")) return "fr-FR";
  if (!strcmp(cc, "DE")) return "de-DE";
  if (!strcmp(cc, "NL")) return "nl-NL";
  if (!strcmp(cc, "ES")) return "es-ES";
  return "en-GB";
}

static void begin(sy_ctx *c, sess *ss, const char *type) {
  sy_stage *st = &c->st[SY_F_WEB];
  sy_buf *b = &st->text;
  ss->off = sy_zone_offset(c->p.zone, ss->t);
  sy_row_begin(st, ss->t, ss->off);
  SY_LIT(b, "{\"type\":\"");
  sy_puts(b, type);
  SY_LIT(b, "\",\"messageId\":\"");
  sy_uuid(b, (1ULL << 61) | (c->p.idx << 28) | (c->k_msg++ & 0xfffffffULL), tm_rng_next(&c->rng));
  SY_LIT(b, "\",\"timestamp\":\"");
  sy_fmt_time(b, SY_T_ISO_OFF, ss->t, ss->off);
  sy_putc(b, '"');
  if (ss->anon) {
    SY_LIT(b, ",\"anonymousId\":\"");
    sy_puts(b, ss->anon);
    sy_putc(b, '"');
  }
  if (ss->user) {
    SY_LIT(b, ",\"userId\":\"");
    sy_puts(b, ss->user);
    sy_putc(b, '"');
  }
}

static void end(sy_ctx *c, sess *ss) {
  sy_stage *st = &c->st[SY_F_WEB];
  sy_buf *b = &st->text;
  const sy_session *s = ss->s;
  SY_LIT(b, ",\"context\":{\"locale\":\"");
  sy_puts(b, ss->locale);
  SY_LIT(b, "\",\"device\":{\"type\":\"");
  sy_puts(b, ss->device);
  SY_LIT(b, "\"}");
  if (s && s->campaign) {
    SY_LIT(b, ",\"campaign\":{\"name\":");
    sy_json_str(b, s->campaign);
    SY_LIT(b, ",\"source\":\"");
    sy_puts(b, s->source ? s->source : "email");
    SY_LIT(b, "\",\"medium\":\"");
    sy_puts(b, s->source && !strcmp(s->source, "ads") ? "cpc" : "email");
    SY_LIT(b, "\"}");
  }
  if (s && s->channel == SY_CH_APP)
    SY_LIT(b, ",\"app\":{\"name\":\"Harbour & Finch\",\"version\":\"5.2.1\",\"build\":\"5210\"}");
  SY_LIT(b, "}}");
  sy_row_end(st);
}

static void product_props(sy_ctx *c, sy_buf *b, int prod) {
  const sy_product *pr = &c->w->cat.p[prod];
  SY_LIT(b, "\"sku\":\"");
  sy_puts(b, pr->sku);
  SY_LIT(b, "\",\"name\":");
  sy_json_str(b, pr->name);
  SY_LIT(b, ",\"category\":\"");
  sy_puts(b, sy_categories[pr->cat].name);
  SY_LIT(b, "\",\"price\":");
  sy_money(b, pr->price);
}

static void identify(sy_ctx *c, sess *ss) {
  sy_buf *b = &c->st[SY_F_WEB].text;
  begin(c, ss, "identify");
  SY_LIT(b, ",\"traits\":{");
  if (c->p.has_email) {
    SY_LIT(b, "\"email\":\"");
    sy_put_email(c, b, tm_rng_bernoulli(&c->rng, 0.8) ? 0 : 1, ',');
    sy_putc(b, '"');
  }
  sy_putc(b, '}');
  end(c, ss);
}

static int pick_cookie(sy_ctx *c) {
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  if (p->nweb < SY_MAXWEB && tm_rng_bernoulli(r, 0.03)) p->cur_web = p->nweb++;
  if (p->nweb > 1 && tm_rng_bernoulli(r, 0.25)) return (int)tm_rng_below(r, (uint64_t)p->nweb);
  return p->cur_web;
}

static int pick_product(sy_ctx *c) {
  static const double flat[SY_NCAT] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const double *w = c->p.seg >= 0 ? sy_segments[c->p.seg].cat : flat;
  int ci = (int)tm_rng_categorical(&c->rng, w, SY_NCAT);
  return sy_catalogue_pick(&c->w->cat, &c->rng, ci, INT32_MAX);
}

int64_t sy_web_session(sy_ctx *c, const sy_session *s) {
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  sy_buf *b = &c->st[SY_F_WEB].text;
  const sy_catalogue *cat = &c->w->cat;
  sess ss = {.s = s, .t = s->start, .locale = locale_of(p)};
  bool app = s->channel == SY_CH_APP, known;
  int slot;
  if (app) {
    slot = p->napp > 1 && tm_rng_bernoulli(r, 0.3) ? 1 : 0;
    ss.anon = sy_app_id(c, slot);
    known = p->known_app & (1u << slot);
    ss.device = tm_mix64(p->idx ^ c->w->seed) & 1 ? "ios" : "android";
  } else {
    slot = s->cookie >= 0 ? s->cookie : pick_cookie(c);
    ss.anon = sy_web_cookie(c, slot);
    known = p->known_web & (1u << slot);
    const double *dw = p->seg >= 0 ? sy_segments[p->seg].device : default_device;
    ss.device = devices[tm_rng_categorical(r, dw, 3)];
  }
  bool can_login = p->kind == SY_BUYER && s->login;
  if (can_login && known) ss.user = p->cid;

  step steps[MAX_STEPS];
  int n = 0;
  steps[n++] = (step){ST_LAND, s->kind == SY_SESS_VIEW ? s->view_product : -1, 0};
  if (can_login && !known) steps[n++] = (step){ST_IDENTIFY, -1, 0};
  if (s->variant >= 0) steps[n++] = (step){ST_EXPERIMENT, -1, 0};
  switch (s->kind) {
  case SY_SESS_ORDER:
    for (int i = 0; i < s->nproducts && n < MAX_STEPS - 4; i++) {
      if (tm_rng_bernoulli(r, 0.85)) steps[n++] = (step){ST_VIEW, s->products[i], 0};
      steps[n++] = (step){ST_ADD, s->products[i], s->qty[i]};
    }
    steps[n++] = (step){ST_CHECKOUT, -1, 0};
    steps[n++] = (step){ST_ORDER, -1, 0};
    break;
  case SY_SESS_VIEW:
    steps[n++] = (step){ST_VIEW, s->view_product, 0};
    if (tm_rng_bernoulli(r, 0.5)) steps[n++] = (step){ST_VIEW, pick_product(c), 0};
    break;
  default: {
    int views = 1 + (int)tm_rng_poisson(r, 1.6);
    if (views > 12) views = 12;
    int last = -1;
    for (int i = 0; i < views; i++) {
      if (tm_rng_bernoulli(r, 0.3)) steps[n++] = (step){ST_PAGE, -1, 0};
      last = pick_product(c);
      steps[n++] = (step){ST_VIEW, last, 0};
    }
    if (tm_rng_bernoulli(r, 0.15)) {
      steps[n++] = (step){ST_ADD, last, 1};
      if (p->kind == SY_BUYER && tm_rng_bernoulli(r, 0.3)) {
        if (!can_login) { /* checkout asks to log in */
          can_login = true;
          if (!known) steps[n++] = (step){ST_IDENTIFY, -1, 0};
        }
        steps[n++] = (step){ST_CHECKOUT, last, 0};
      }
    }
  }
  }

  for (int i = 0; i < n; i++) {
    const step *sp = &steps[i];
    if (i) ss.t += 5000 + (int64_t)tm_rng_exponential(r, 1.0 / 35000.0);
    switch (sp->kind) {
    case ST_LAND:
      if (app) {
        begin(c, &ss, "screen");
        SY_LIT(b, ",\"name\":\"Home\"");
      } else if (sp->product >= 0 || (s->campaign && s->kind != SY_SESS_ORDER)) {
        int prod = sp->product >= 0 ? sp->product : pick_product(c);
        begin(c, &ss, "page");
        SY_LIT(b, ",\"name\":\"Product\",\"properties\":{\"path\":\"/p/");
        sy_puts(b, cat->p[prod].sku);
        SY_LIT(b, "\"}");
      } else {
        begin(c, &ss, "page");
        SY_LIT(b, ",\"name\":\"Home\",\"properties\":{\"path\":\"/\"}");
      }
      end(c, &ss);
      break;
    case ST_IDENTIFY:
      ss.user = p->cid;
      identify(c, &ss);
      if (app)
        p->known_app |= 1u << slot;
      else
        p->known_web |= 1u << slot;
      break;
    case ST_EXPERIMENT:
      begin(c, &ss, "track");
      SY_LIT(b, ",\"event\":\"Experiment Viewed\",\"properties\":{\"experiment_id\":\"" SY_AB_ID
                "\",\"experiment_name\":\"" SY_AB_NAME "\",\"variant\":\"");
      sy_puts(b, s->variant ? "treatment" : "control");
      SY_LIT(b, "\"}");
      end(c, &ss);
      break;
    case ST_PAGE: {
      int ci = cat->p[pick_product(c)].cat;
      if (app) {
        begin(c, &ss, "screen");
        SY_LIT(b, ",\"name\":\"Category\",\"properties\":{\"category\":\"");
      } else {
        begin(c, &ss, "page");
        SY_LIT(b, ",\"name\":\"Category\",\"properties\":{\"path\":\"/c/");
      }
      sy_puts(b, sy_categories[ci].name);
      SY_LIT(b, "\"}");
      end(c, &ss);
      break;
    }
    case ST_VIEW:
      begin(c, &ss, "track");
      SY_LIT(b, ",\"event\":\"Product Viewed\",\"properties\":{");
      product_props(c, b, sp->product);
      sy_putc(b, '}');
      end(c, &ss);
      break;
    case ST_ADD:
      begin(c, &ss, "track");
      SY_LIT(b, ",\"event\":\"Product Added\",\"properties\":{");
      product_props(c, b, sp->product);
      SY_LIT(b, ",\"quantity\":");
      sy_u64(b, (uint64_t)sp->qty);
      sy_putc(b, '}');
      end(c, &ss);
      break;
    case ST_CHECKOUT:
      begin(c, &ss, "track");
      SY_LIT(b, ",\"event\":\"Checkout Started\",\"properties\":{");
      if (s->kind == SY_SESS_ORDER) {
        SY_LIT(b, "\"order_id\":\"");
        sy_puts(b, s->order_id);
        SY_LIT(b, "\",\"value\":");
        sy_money(b, s->revenue);
      } else {
        SY_LIT(b, "\"value\":");
        sy_money(b, cat->p[sp->product].price);
      }
      SY_LIT(b, ",\"currency\":\"GBP\"}");
      end(c, &ss);
      break;
    case ST_ORDER:
      begin(c, &ss, "track");
      SY_LIT(b, ",\"event\":\"Order Completed\",\"properties\":{\"order_id\":\"");
      sy_puts(b, s->order_id);
      SY_LIT(b, "\",\"revenue\":");
      sy_money(b, s->revenue);
      SY_LIT(b, ",\"currency\":\"GBP\"}");
      end(c, &ss);
      break;
    }
  }
  return ss.t;
}

/* Sign-up on the web: alias and identify (buyers), or a newsletter identify
 * (prospects), on the first cookie, when it falls inside the history. */
void sy_web_signup(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  if (p->kind == SY_VISITOR || p->signup < w->t0 || p->signup >= w->t1) return;
  if (p->kind == SY_BUYER && !p->web_signup) return;
  sy_buf *b = &c->st[SY_F_WEB].text;
  sy_session s = {
      .start = p->signup, .channel = SY_CH_WEB, .kind = SY_SESS_BROWSE, .cookie = 0, .variant = -1};
  const double *dw = p->seg >= 0 ? sy_segments[p->seg].device : default_device;
  sess ss = {
      .s = &s, .t = p->signup, .locale = locale_of(p), .device = devices[tm_rng_categorical(&c->rng, dw, 3)]};
  ss.anon = sy_web_cookie(c, 0);
  begin(c, &ss, "page");
  sy_puts(b, p->kind == SY_BUYER ? ",\"name\":\"Create account\",\"properties\":{\"path\":\"/account/new\"}"
                                 : ",\"name\":\"Newsletter\",\"properties\":{\"path\":\"/newsletter\"}");
  end(c, &ss);
  ss.t += 20000 + (int64_t)tm_rng_below(&c->rng, 60000);
  if (p->kind == SY_BUYER) {
    /* alias: previousId -> userId, no anonymousId of its own */
    sy_stage *st = &c->st[SY_F_WEB];
    ss.off = sy_zone_offset(p->zone, ss.t);
    sy_row_begin(st, ss.t, ss.off);
    SY_LIT(b, "{\"type\":\"alias\",\"messageId\":\"");
    sy_uuid(b, (1ULL << 61) | (p->idx << 28) | (c->k_msg++ & 0xfffffffULL), tm_rng_next(&c->rng));
    SY_LIT(b, "\",\"timestamp\":\"");
    sy_fmt_time(b, SY_T_ISO_OFF, ss.t, ss.off);
    SY_LIT(b, "\",\"previousId\":\"");
    sy_puts(b, ss.anon);
    SY_LIT(b, "\",\"userId\":\"");
    sy_puts(b, p->cid);
    sy_putc(b, '"');
    end(c, &ss);
    ss.t += 1000;
    ss.user = p->cid;
    p->known_web |= 1;
  }
  identify(c, &ss);
}

static void browse_channel(sy_ctx *c, int channel, double per_week, double login) {
  const sy_world *w = c->w;
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  if (!(per_week > 0)) return;
  double x0 = (double)(p->active_from - w->t0) / SY_DAY_MS, x1 = (double)(p->active_to - w->t0) / SY_DAY_MS;
  double u = sy_optime(w, x0), uend = sy_optime(w, x1), rate = per_week / SY_WEEK_DAYS;
  for (int guard = 0; guard < 5000; guard++) {
    u += tm_rng_exponential(r, rate);
    if (u >= uend) break;
    int64_t day = (int64_t)sy_caltime(w, u);
    if (day >= w->days) day = w->days - 1;
    int64_t ts = sy_time_on_day(w, r, day, channel == SY_CH_APP ? SY_HOURS_APP : SY_HOURS_WEB, p->zone);
    if (ts < p->active_from || ts >= p->active_to) continue;
    if (p->kind == SY_BUYER && p->churn < ts && !tm_rng_bernoulli(r, SY_DEAD_BROWSE)) continue;
    sy_session s = {.start = ts, .channel = channel, .kind = SY_SESS_BROWSE, .cookie = -1, .variant = -1};
    s.login = p->kind == SY_BUYER && tm_rng_bernoulli(r, channel == SY_CH_APP ? 0.95 : login);
    if (channel == SY_CH_WEB && !p->exposed && ts >= w->exp_from && ts < w->exp_to) {
      /* the experiment: first web browse session in the window */
      p->exposed = true;
      s.cookie = pick_cookie(c);
      int v = sy_ab_variant(p->web[s.cookie]);
      sy_stats *st = &c->ck->st;
      st->ab_exposed[v]++;
      if (p->kind == SY_BUYER) st->ab_exposed_buyers[v]++;
      bool alive = p->kind == SY_BUYER && p->churn > ts;
      if (alive && tm_rng_bernoulli(r, v ? SY_AB_TREATMENT : SY_AB_CONTROL)) {
        st->ab_converted[v]++;
        sy_order_req q = {.ts = ts, .channel = SY_CH_WEB, .src = SY_SRC_AB, .cookie = s.cookie, .variant = v};
        sy_order_make(c, &q);
        continue;
      }
      s.variant = v;
    }
    sy_web_session(c, &s);
  }
}

void sy_web_browse(sy_ctx *c) {
  sy_person *p = &c->p;
  tm_rng *r = &c->rng;
  if (p->kind == SY_BUYER) {
    const sy_segment *sg = &sy_segments[p->seg];
    browse_channel(c, SY_CH_WEB, sg->web_rate * p->act, sg->login);
    if (p->app_user) browse_channel(c, SY_CH_APP, sg->app_rate * p->act, 0.95);
  } else if (p->kind == SY_PROSPECT) {
    browse_channel(c, SY_CH_WEB, 0.06 * p->act, 0);
  } else {
    /* a visitor: a handful of sessions while they are around */
    double weeks = (double)(p->active_to - p->active_from) / (7.0 * SY_DAY_MS);
    double per_week = (1.0 + (double)tm_rng_poisson(r, 2.5)) / (weeks > 0.05 ? weeks : 0.05);
    browse_channel(c, SY_CH_WEB, per_week, 0);
  }
}
