/*
 * truth.c — truth.json: everything that was planted, and what it came to.
 *
 * Per person (the "customers" array, one object per line) and per feedback
 * text (the "feedback" array) entries are formatted while people are
 * generated, spooled to two temporary files in chunk order, and copied into
 * truth.json at the end, after the run-wide sections (parameters, realised
 * counts, rules with their measured lift, journeys, the A/B test, churn with
 * the best possible AUC, anomalies, shared identifiers, dirty lines). The
 * layout is documented field by field in docs/synth.md.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "synth/synth_int.h"

/* ------------------------------------------------------------ per person */

/* One identifier: [type, value, group]. The group says what the data lets a
 * resolver know: identifiers of group 0 are tied together by records (the CRM
 * row, a logged-in session, an identify call); every other group is a lone
 * identifier no record ties to the rest (a cookie never logged in, an ad id
 * never seen on the site, a social handle not in the CRM). */
static void ident(sy_buf *b, bool *first, const char *type, const char *value, int group) {
  if (!*first) sy_putc(b, ',');
  *first = false;
  SY_LIT(b, "[\"");
  sy_puts(b, type);
  SY_LIT(b, "\",");
  sy_json_str(b, value);
  sy_putc(b, ',');
  sy_i64(b, group);
  sy_putc(b, ']');
}

static void num(sy_buf *b, double v) {
  char tmp[32];
  int n = snprintf(tmp, sizeof tmp, "%.6g", v);
  sy_put(b, tmp, (size_t)n);
}

static void time_or_null(sy_buf *b, int64_t t) {
  if (t == SY_NEVER) {
    SY_LIT(b, "null");
    return;
  }
  sy_putc(b, '"');
  sy_fmt_time(b, SY_T_ISO_Z, t, 0);
  sy_putc(b, '"');
}

void sy_truth_label(sy_ctx *c, const char *id, const sy_sentiment *s, const char *source) {
  sy_buf *b = &c->ck->fb_truth;
  SY_LIT(b, ",\n{\"id\":\"");
  sy_puts(b, id);
  SY_LIT(b, "\",\"source\":\"");
  sy_puts(b, source);
  SY_LIT(b, "\",\"label\":\"");
  sy_puts(b, sy_label_names[s->label]);
  SY_LIT(b, "\",\"score\":");
  sy_fixed(b, s->score, 2);
  sy_putc(b, '}');
}

/* The churn ceiling above (true alive state) is out of any model's reach:
 * whether a buyer has dropped out by the cutoff is not in the data. These are
 * the best scores from what is observable — the BG/NBD purchases before the
 * cutoff: x repeats, the last t_x and the cutoff T after the first purchase,
 * on the seasonal clock, in weeks (Fader, Hardie & Lee 2005):
 *   P(no purchase in W) = 1 - P(alive | x, t_x, T) (1 - E[exp(-lambda W) | alive, ...]).
 * seen: with the person's own lambda and p (still an oracle on the rates);
 * pop: with lambda, p unknown but drawn from the planted segments, the
 * segment itself unknown (posterior over segments by the BG/NBD likelihood) —
 * the Bayes-optimal score from purchase timing and the planted parameters. */
static void observable_scores(const sy_ctx *c, double window_op_days, double *seen, double *pop) {
  const sy_world *w = c->w;
  const sy_person *p = &c->p;
  double cut_day = (double)(w->days - w->window_days);
  size_t k = 0;
  double u0 = sy_optime(w, c->buys[0].x), ulast = u0;
  for (size_t i = 0; i < c->nbuys && (double)(int64_t)c->buys[i].x < cut_day; i++, k++) ulast = sy_optime(w, c->buys[i].x);
  double ucut = w->cumw[w->days - w->window_days];
  double x = k ? (double)(k - 1) : 0, T = (ucut - u0) / SY_WEEK_DAYS, tx = (ulast - u0) / SY_WEEK_DAYS;
  double W = window_op_days / SY_WEEK_DAYS;
  /* own lambda and p: after the k-th purchase (k >= 2) a dropout had chance p */
  double rate = p->lambda, stay = exp(-rate * (T - tx));
  double alive = x > 0 ? (1 - p->pdrop) * stay / ((1 - p->pdrop) * stay + p->pdrop) : 1.0;
  *seen = 1 - alive * (1 - exp(-rate * W));
  double lw[SY_NSEG], mx = -INFINITY, sc[SY_NSEG];
  for (int s = 0; s < SY_NSEG; s++) {
    const sy_segment *g = &sy_segments[s];
    double common = lgamma(g->r + x) - lgamma(g->r) + g->r * log(g->alpha);
    double lbeta_ab = lgamma(g->a) + lgamma(g->b) - lgamma(g->a + g->b);
    double l1 = lgamma(g->a) + lgamma(g->b + x) - lgamma(g->a + g->b + x) - lbeta_ab - (g->r + x) * log(g->alpha + T);
    double ll = l1;
    double ratio = 0; /* P(dead)/P(alive) given the history */
    if (x > 0) {
      double l2 = lgamma(g->a + 1) + lgamma(g->b + x - 1) - lgamma(g->a + g->b + x) - lbeta_ab -
                  (g->r + x) * log(g->alpha + tx);
      ll = l1 + log1p(exp(l2 - l1));
      ratio = exp(l2 - l1);
    }
    lw[s] = log(g->share) + common + ll;
    mx = fmax(mx, lw[s]);
    double alive_s = 1 / (1 + ratio);
    sc[s] = 1 - alive_s * (1 - pow((g->alpha + T) / (g->alpha + T + W), g->r + x));
  }
  double z = 0, acc = 0;
  for (int s = 0; s < SY_NSEG; s++) z += exp(lw[s] - mx), acc += exp(lw[s] - mx) * sc[s];
  *pop = acc / z;
}

void sy_truth_person(sy_ctx *c) {
  const sy_world *w = c->w;
  sy_person *p = &c->p;
  sy_chunk *ck = c->ck;
  sy_buf *b = &ck->truth;
  static const char *const kinds[3] = {"buyer", "prospect", "visitor"};
  char id[24];
  if (p->kind == SY_VISITOR)
    sy_person_id(w, id, 'V', p->idx);
  else
    memcpy(id, p->cid, sizeof id);
  SY_LIT(b, ",\n{\"id\":\"");
  sy_puts(b, id);
  SY_LIT(b, "\",\"index\":");
  sy_u64(b, p->idx);
  SY_LIT(b, ",\"kind\":\"");
  sy_puts(b, kinds[p->kind]);
  SY_LIT(b, "\",\"prospect\":");
  sy_puts(b, p->kind == SY_PROSPECT ? "true" : "false");
  SY_LIT(b, ",\"segment\":");
  sy_i64(b, p->seg);
  SY_LIT(b, ",\"segment_name\":\"");
  sy_puts(b, p->seg >= 0 ? sy_segments[p->seg].name : kinds[p->kind]);
  SY_LIT(b, "\",\"identifiers\":[");
  bool first = true;
  int lone = 0; /* groups of identifiers no record ties to the rest */
  /* visitors have no CRM row: nothing ties even their cookies together */
  bool crm = p->kind != SY_VISITOR;
  if (crm) ident(b, &first, "customer_id", p->cid, 0), ck->st.with_id[0]++;
  if (p->has_email) ident(b, &first, "email", p->email, 0), ck->st.with_id[1]++;
  if (p->has_phone && p->office < 0) ident(b, &first, "phone", p->phone, 0), ck->st.with_id[2]++;
  if (p->has_card) ident(b, &first, "loyalty", p->card, 0), ck->st.with_id[3]++;
  if (p->has_social && p->used_social)
    ident(b, &first, "social", p->social, crm && p->social_in_crm ? 0 : ++lone), ck->st.with_id[4]++;
  bool cookie = false;
  for (int i = 0; i < SY_MAXWEB; i++)
    if ((p->used_web & (1u << i)) || (i == 0 && p->adid_is_cookie && p->used_adid))
      ident(b, &first, "cookie", p->web[i], crm && (p->known_web & (1u << i)) ? 0 : ++lone), cookie = true;
  for (int i = 0; i < SY_MAXAPP; i++)
    if (p->used_app & (1u << i))
      ident(b, &first, "cookie", p->app[i], crm && (p->known_app & (1u << i)) ? 0 : ++lone), cookie = true;
  if (p->used_adid && !p->adid_is_cookie) ident(b, &first, "cookie", p->adid, ++lone), cookie = true;
  ck->st.with_id[5] += cookie;
  sy_putc(b, ']');
  if (p->office >= 0) {
    char office[24];
    sy_office_phone(office, (uint64_t)p->office);
    SY_LIT(b, ",\"shared_phone\":\"");
    sy_puts(b, office);
    sy_putc(b, '"');
  }
  if (p->kind == SY_BUYER) {
    SY_LIT(b, ",\"lambda\":");
    num(b, p->lambda);
    SY_LIT(b, ",\"p\":");
    num(b, p->pdrop);
    SY_LIT(b, ",\"nu\":");
    num(b, p->nu);
    SY_LIT(b, ",\"purchases\":");
    sy_u64(b, c->nbuys);
    SY_LIT(b, ",\"first_purchase\":");
    time_or_null(b, p->first_buy);
    SY_LIT(b, ",\"churn_date\":");
    time_or_null(b, p->churn);
    bool eligible = p->first_buy < w->cutoff;
    if (eligible) {
      bool alive = p->churn > w->cutoff;
      double du = w->cumw[w->days] - w->cumw[w->days - w->window_days];
      double pnp = alive ? exp(-p->lambda / SY_WEEK_DAYS * du) : 1.0;
      bool label = p->nbuys_cut == 0;
      double seen, pop;
      observable_scores(c, du, &seen, &pop);
      SY_LIT(b, ",\"alive_at_cutoff\":");
      sy_puts(b, alive ? "true" : "false");
      SY_LIT(b, ",\"p_no_purchase\":");
      num(b, pnp);
      SY_LIT(b, ",\"no_purchase_in_window\":");
      sy_puts(b, label ? "true" : "false");
      if (TM_GROW(ck->churn, ck->capchurn, ck->nchurn + 1))
        c->oom = true;
      else
        ck->churn[ck->nchurn++] = (sy_churn){.score = pnp, .seen = seen, .pop = pop, .label = label};
      ck->st.churn_eligible++;
      ck->st.churn_positive += label;
    }
  } else {
    SY_LIT(b, ",\"lambda\":null,\"p\":null,\"nu\":null,\"churn_date\":null");
  }
  sy_putc(b, '}');
}

/* ------------------------------------------------------------- the file */

static void kv_str(sy_buf *b, const char *k, const char *v) {
  sy_json_str(b, k);
  sy_putc(b, ':');
  sy_json_str(b, v);
}
static void kv_num(sy_buf *b, const char *k, double v) {
  sy_json_str(b, k);
  sy_putc(b, ':');
  num(b, v);
}
static void kv_u64(sy_buf *b, const char *k, uint64_t v) {
  sy_json_str(b, k);
  sy_putc(b, ':');
  sy_u64(b, v);
}
static void kv_time(sy_buf *b, const char *k, int64_t t) {
  sy_json_str(b, k);
  sy_putc(b, ':');
  time_or_null(b, t);
}
static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

static int churn_cmp(const void *a, const void *b) {
  const sy_churn *x = a, *y = b;
  return x->score < y->score ? -1 : x->score > y->score;
}

/* AUC of scores against labels (1 = positive), ties counted half (the
 * Mann-Whitney statistic with mid-ranks). Sorts v. */
static double auc(sy_churn *v, size_t n) {
  uint64_t pos = 0;
  for (size_t i = 0; i < n; i++)
    pos += v[i].label;
  uint64_t neg = n - pos;
  qsort(v, n, sizeof *v, churn_cmp);
  double ranks = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && v[j].score == v[i].score)
      j++;
    double r = (double)(i + 1 + j) / 2.0; /* mean of ranks i+1 .. j */
    for (size_t k = i; k < j; k++)
      if (v[k].label) ranks += r;
    i = j;
  }
  if (!pos || !neg) return 0.5;
  return (ranks - (double)pos * (double)(pos + 1) / 2.0) / ((double)pos * (double)neg);
}

/* AUC of the observable scores (which = 1: seen, 2: pop), on a copy. */
static double auc_of(const sy_churn *v, size_t n, int which) {
  sy_churn *cp = tm_malloc((n ? n : 1) * sizeof *cp);
  if (!cp) return NAN;
  for (size_t i = 0; i < n; i++) cp[i] = (sy_churn){.score = which == 1 ? v[i].seen : v[i].pop, .label = v[i].label};
  double a = auc(cp, n);
  tm_free(cp);
  return a;
}

static int flush(FILE *f, sy_buf *b, const char *path, tm_error *err) {
  if (b->oom) return tm_error_nomem(err);
  if (b->len && fwrite(b->p, 1, b->len, f) != b->len)
    return tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
  b->len = 0;
  return 0;
}

static int copy_file(FILE *out, const char *src, const char *path, tm_error *err) {
  FILE *in = fopen(src, "rb");
  if (!in) return tm_error_set(err, TM_EIO, "%s: %s", src, strerror(errno));
  char buf[1 << 16];
  size_t n;
  int rc = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) {
      rc = tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
      break;
    }
  if (!rc && ferror(in)) rc = tm_error_set(err, TM_EIO, "%s: read error", src);
  fclose(in);
  return rc;
}

static const char *const id_types[6] = {"customer_id", "email", "phone", "loyalty", "social", "cookie"};

static void write_files(sy_buf *b, const sy_run *run) {
  const sy_world *w = run->w;
  static const char *const tnames[] = {[SY_T_SQL] = "%Y-%m-%d %H:%M:%S (UTC)",
                                       [SY_T_ISO_OFF] = "ISO 8601 with offset",
                                       [SY_T_ISO_Z] = "ISO 8601 UTC (Z)",
                                       [SY_T_EPOCH_S] = "epoch seconds",
                                       [SY_T_EPOCH_MS] = "epoch milliseconds",
                                       [SY_T_DMY_HM] = "%d/%m/%Y %H:%M (UTC)",
                                       [SY_T_DATE] = "%Y-%m-%d"};
  static const char *const fkinds[SY_NFILES] = {"profile", "order_lines", "segment", "events",
                                                "events",  "events",      "events",  "events"};
  SY_LIT(b, ",\n\"files\":[");
  for (int f = 0; f < SY_NFILES; f++) {
    const sy_filespec *fs = &sy_files[f];
    uint64_t dirty = 0;
    for (int k = 0; k < SY_D_N; k++)
      dirty += run->dirty[f][k];
    sy_puts(b, f ? ",\n {" : "\n {");
    kv_str(b, "name", sy_file_name(f, w->opt->gzip));
    sy_putc(b, ',');
    kv_str(b, "kind", fkinds[f]);
    sy_putc(b, ',');
    kv_str(b, "format", fs->header ? "csv" : "jsonl");
    if (fs->header) {
      char d[2] = {fs->delim, 0};
      sy_putc(b, ',');
      kv_str(b, "delimiter", d);
      sy_putc(b, ',');
      kv_str(b, "header", fs->header);
    }
    sy_putc(b, ',');
    kv_str(b, "time_format", tnames[fs->tfmt]);
    sy_putc(b, ',');
    kv_u64(b, "first_data_line", fs->header ? 2 : 1);
    sy_putc(b, ',');
    kv_u64(b, "rows", run->rows[f]);
    sy_putc(b, ',');
    kv_u64(b, "clean_rows", run->rows[f] - dirty);
    sy_putc(b, ',');
    kv_u64(b, "dirty_rows", dirty);
    SY_LIT(b, ",\"dirty_by_kind\":{");
    for (int k = 0; k < SY_D_N; k++) {
      if (k) sy_putc(b, ',');
      kv_u64(b, sy_dirty_names[k], run->dirty[f][k]);
    }
    SY_LIT(b, "},\"dirty_lines\":[");
    for (size_t i = 0; i < run->nlines[f]; i++) {
      sy_puts(b, i ? ",[" : "[");
      sy_u64(b, run->lines[f][i].line);
      SY_LIT(b, ",\"");
      sy_puts(b, sy_dirty_names[run->lines[f][i].kind]);
      SY_LIT(b, "\"]");
    }
    SY_LIT(b, "]}");
  }
  SY_LIT(b, ",\n {\"name\":\"truth.json\",\"kind\":\"truth\"},\n "
            "{\"name\":\"touchmine.ini\",\"kind\":\"config\"}]");
}

static void write_segments(sy_buf *b, const sy_run *run) {
  SY_LIT(b, ",\n\"segments\":[");
  for (int s = 0; s < SY_NSEG; s++) {
    const sy_segment *sg = &sy_segments[s];
    sy_puts(b, s ? ",\n {" : "\n {");
    kv_u64(b, "id", (uint64_t)s);
    sy_putc(b, ',');
    kv_str(b, "name", sg->name);
    sy_putc(b, ',');
    kv_str(b, "about", sg->about);
    sy_putc(b, ',');
    kv_num(b, "share_of_buyers", sg->share);
    sy_putc(b, ',');
    kv_u64(b, "buyers", run->st.seg[s]);
    SY_LIT(b, ",\"bgnbd\":{");
    kv_num(b, "r", sg->r);
    sy_putc(b, ',');
    kv_num(b, "alpha", sg->alpha);
    sy_putc(b, ',');
    kv_num(b, "a", sg->a);
    sy_putc(b, ',');
    kv_num(b, "b", sg->b);
    SY_LIT(b, "},\"gamma_gamma\":{");
    kv_num(b, "p", sg->gg_p);
    sy_putc(b, ',');
    kv_num(b, "q", sg->gg_q);
    sy_putc(b, ',');
    kv_num(b, "gamma", sg->gg_gamma);
    SY_LIT(b, "},");
    kv_num(b, "expected_spend_per_order", sg->gg_p * sg->gg_gamma / (sg->gg_q - 1.0));
    sy_putc(b, ',');
    kv_u64(b, "bgnbd_orders", run->st.seg_orders[s]);
    sy_putc(b, ',');
    kv_num(b, "realised_mean_order_value",
           run->st.seg_orders[s] ? run->seg_spend[s] / (double)run->st.seg_orders[s] : 0.0);
    SY_LIT(b, ",\"channel_mix\":{");
    for (int c = 0; c < SY_NCH; c++) {
      if (c) sy_putc(b, ',');
      kv_num(b, sy_channel_names[c], sg->channel[c]);
    }
    SY_LIT(b, "},");
    kv_num(b, "web_sessions_per_week", sg->web_rate);
    sy_putc(b, ',');
    kv_num(b, "app_sessions_per_week", sg->app_rate);
    sy_putc(b, ',');
    kv_num(b, "email_open_rate", sg->open);
    sy_putc(b, ',');
    kv_num(b, "email_click_rate_given_open", sg->click);
    sy_putc(b, ',');
    kv_num(b, "email_unsubscribe_rate", sg->unsub);
    sy_putc(b, ',');
    kv_num(b, "return_rate", sg->returns);
    sy_putc(b, ',');
    kv_num(b, "contacts_per_year", sg->contacts);
    sy_putc(b, ',');
    kv_num(b, "loyalty_card_share", sg->loyalty);
    sy_putc(b, ',');
    kv_num(b, "discount_code_rate", sg->discount);
    sy_putc(b, ',');
    kv_num(b, "ad_impressions_per_week", sg->ad_rate);
    sy_putc(b, ',');
    kv_num(b, "mean_age", sg->age_mean);
    SY_LIT(b, ",\"sentiment_mix\":{");
    for (int l = 0; l < 3; l++) {
      if (l) sy_putc(b, ',');
      kv_num(b, sy_label_names[l], sg->sentiment[l]);
    }
    SY_LIT(b, "}}");
  }
  sy_putc(b, ']');
}

static void write_rules(sy_buf *b, const sy_run *run) {
  const sy_catalogue *cat = &run->w->cat;
  const sy_stats *st = &run->st;
  SY_LIT(b, ",\n\"basket_rules\":[");
  for (int i = 0; i < SY_NRULES; i++) {
    const sy_rule *ru = &cat->rules[i];
    sy_puts(b, i ? ",\n {" : "\n {");
    kv_str(b, "name", ru->name);
    SY_LIT(b, ",\"lhs\":[");
    for (int j = 0; j < ru->nlhs; j++) {
      if (j) sy_putc(b, ',');
      sy_json_str(b, cat->p[ru->lhs[j]].sku);
    }
    SY_LIT(b, "],\"lhs_names\":[");
    for (int j = 0; j < ru->nlhs; j++) {
      if (j) sy_putc(b, ',');
      sy_json_str(b, cat->p[ru->lhs[j]].name);
    }
    SY_LIT(b, "],");
    kv_str(b, "rhs", cat->p[ru->rhs].sku);
    sy_putc(b, ',');
    kv_str(b, "rhs_name", cat->p[ru->rhs].name);
    sy_putc(b, ',');
    kv_num(b, "planted_probability", ru->p);
    sy_putc(b, ',');
    kv_u64(b, "baskets", st->baskets);
    sy_putc(b, ',');
    kv_u64(b, "count_lhs", st->rule_lhs[i]);
    sy_putc(b, ',');
    kv_u64(b, "count_rhs", st->rule_rhs[i]);
    sy_putc(b, ',');
    kv_u64(b, "count_both", st->rule_both[i]);
    double supp = ratio(st->rule_both[i], st->baskets), conf = ratio(st->rule_both[i], st->rule_lhs[i]);
    double srhs = ratio(st->rule_rhs[i], st->baskets);
    sy_putc(b, ',');
    kv_num(b, "support", supp);
    sy_putc(b, ',');
    kv_num(b, "confidence", conf);
    sy_putc(b, ',');
    kv_num(b, "lift", srhs > 0 ? conf / srhs : 0.0);
    sy_putc(b, '}');
  }
  sy_putc(b, ']');
}

static void write_journeys(sy_buf *b, const sy_run *run) {
  static const struct {
    const char *name, *steps, *eligible;
    double p;
    int hours;
  } j[3] = {
      {"email_open_web_view_store_purchase",
       "[{\"channel\":\"email\",\"type\":\"open\"},{\"channel\":\"web\",\"type\":\"view\"},"
       "{\"channel\":\"store\",\"type\":\"purchase\"}]",
       "BG/NBD store purchases by people on the mailing list with a campaign sent 2 h to 7 days "
       "before; the open falls 90 min to 5 days before the purchase, the view between them",
       0.35, 168},
      {"ad_click_web_view_web_purchase",
       "[{\"channel\":\"ad\",\"type\":\"click\"},{\"channel\":\"web\",\"type\":\"view\"},"
       "{\"channel\":\"web\",\"type\":\"order_completed\"}]",
       "BG/NBD web purchases (not taken by the email journey) of people whose ad id is their "
       "first web cookie, with an ad flight running; impressions up to 20 h before, the click "
       "seconds before the session",
       0.30, 24},
      {"email_click_web_view_web_purchase",
       "[{\"channel\":\"email\",\"type\":\"click\"},{\"channel\":\"web\",\"type\":\"view\"},"
       "{\"channel\":\"web\",\"type\":\"order_completed\"}]",
       "BG/NBD web purchases by people on the mailing list with a campaign sent 30 min to 3 days "
       "before; open and click minutes before, the session carries the campaign",
       0.25, 1},
  };
  SY_LIT(b, ",\n\"journeys\":[");
  for (int i = 0; i < 3; i++) {
    sy_puts(b, i ? ",\n {" : "\n {");
    kv_str(b, "name", j[i].name);
    SY_LIT(b, ",\"steps\":");
    sy_puts(b, j[i].steps);
    sy_putc(b, ',');
    kv_u64(b, "within_hours", (uint64_t)j[i].hours);
    sy_putc(b, ',');
    kv_num(b, "planted_probability", j[i].p);
    sy_putc(b, ',');
    kv_str(b, "eligible_when", j[i].eligible);
    sy_putc(b, ',');
    kv_u64(b, "eligible", run->st.journey_eligible[i]);
    sy_putc(b, ',');
    kv_u64(b, "planted", run->st.journey_planted[i]);
    sy_putc(b, ',');
    kv_num(b, "share", ratio(run->st.journey_planted[i], run->st.journey_eligible[i]));
    sy_putc(b, '}');
  }
  sy_putc(b, ']');
}

static void write_ab(sy_buf *b, const sy_run *run) {
  const sy_stats *st = &run->st;
  SY_LIT(b, ",\n\"ab_test\":{");
  kv_str(b, "experiment_id", SY_AB_ID);
  sy_putc(b, ',');
  kv_str(b, "experiment_name", SY_AB_NAME);
  sy_putc(b, ',');
  kv_str(b, "channel", "web");
  sy_putc(b, ',');
  kv_time(b, "from", run->w->exp_from);
  sy_putc(b, ',');
  kv_time(b, "to", run->w->exp_to);
  sy_putc(b, ',');
  kv_str(b, "assignment",
         "variant = low bit of mix64(FNV-1a-64(\"checkout_v2:\" + anonymousId)), "
         "1 = treatment; mix64 is the splitmix64 finaliser");
  sy_putc(b, ',');
  kv_str(b, "exposure",
         "the first web browse session of a person inside [from, to) shows "
         "Experiment Viewed (properties.experiment_id, variant)");
  sy_putc(b, ',');
  kv_str(b, "conversion",
         "an Order Completed in the exposure session (same anonymousId, minutes "
         "later); only buyers not yet dropped out can convert");
  SY_LIT(b, ",\"planted\":{");
  kv_num(b, "control", SY_AB_CONTROL);
  sy_putc(b, ',');
  kv_num(b, "treatment", SY_AB_TREATMENT);
  sy_putc(b, ',');
  kv_num(b, "lift", SY_AB_TREATMENT / SY_AB_CONTROL - 1.0);
  SY_LIT(b, "},\"exposed\":{");
  kv_u64(b, "control", st->ab_exposed[0]);
  sy_putc(b, ',');
  kv_u64(b, "treatment", st->ab_exposed[1]);
  SY_LIT(b, "},\"exposed_buyers\":{");
  kv_u64(b, "control", st->ab_exposed_buyers[0]);
  sy_putc(b, ',');
  kv_u64(b, "treatment", st->ab_exposed_buyers[1]);
  SY_LIT(b, "},\"converted\":{");
  kv_u64(b, "control", st->ab_converted[0]);
  sy_putc(b, ',');
  kv_u64(b, "treatment", st->ab_converted[1]);
  double rc = ratio(st->ab_converted[0], st->ab_exposed[0]);
  double rt = ratio(st->ab_converted[1], st->ab_exposed[1]);
  SY_LIT(b, "},\"realised_rate\":{");
  kv_num(b, "control", rc);
  sy_putc(b, ',');
  kv_num(b, "treatment", rt);
  SY_LIT(b, "},");
  kv_num(b, "realised_lift", rc > 0 ? rt / rc - 1.0 : 0.0);
  sy_putc(b, '}');
}

static void write_churn(sy_buf *b, const sy_run *run, double best, double seen, double pop) {
  const sy_world *w = run->w;
  SY_LIT(b, ",\n\"churn\":{");
  kv_time(b, "cutoff", w->cutoff);
  sy_putc(b, ',');
  kv_u64(b, "window_days", (uint64_t)w->window_days);
  sy_putc(b, ',');
  kv_str(b, "label",
         "no BG/NBD purchase in [cutoff, end) (returns, experiment and fraud orders do "
         "not count; the last two fall before the cutoff)");
  sy_putc(b, ',');
  kv_str(b, "eligible", "buyers whose first purchase is before the cutoff");
  sy_putc(b, ',');
  kv_u64(b, "eligible_customers", run->st.churn_eligible);
  sy_putc(b, ',');
  kv_u64(b, "no_purchase_in_window", run->st.churn_positive);
  sy_putc(b, ',');
  kv_str(b, "true_probability",
         "alive at cutoff ? exp(-lambda * W / 7) : 1, W = operational days "
         "of the window (seasonal clock)");
  sy_putc(b, ',');
  kv_num(b, "window_operational_days", w->cumw[w->days] - w->cumw[w->days - w->window_days]);
  sy_putc(b, ',');
  kv_num(b, "best_auc", best);
  sy_putc(b, ',');
  kv_str(b, "observable_probability",
         "BG/NBD P(no purchase in the window | x repeats, t_x, T before the cutoff, seasonal clock): "
         "best_observable_auc with each buyer's own lambda and p, bgnbd_observable_auc with the planted "
         "segment parameters (segment unknown)");
  sy_putc(b, ',');
  kv_num(b, "best_observable_auc", seen);
  sy_putc(b, ',');
  kv_num(b, "bgnbd_observable_auc", pop);
  sy_putc(b, '}');
}

static void write_season(sy_buf *b, const sy_world *w) {
  static const char *const dn[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};
  SY_LIT(b, ",\n\"seasonality\":{\"weekly\":{");
  for (int i = 0; i < 7; i++) {
    if (i) sy_putc(b, ',');
    kv_num(b, dn[i], sy_weekly[i]);
  }
  SY_LIT(b, "},");
  kv_num(b, "annual_amplitude", SY_ANNUAL_AMP);
  sy_putc(b, ',');
  kv_u64(b, "annual_peak_day_of_year", SY_ANNUAL_PEAK_DOY);
  sy_putc(b, ',');
  kv_num(b, "normaliser", w->season_norm);
  sy_putc(b, ',');
  kv_str(b, "formula",
         "s(d) = weekly[dow(d)] * (1 + amplitude * cos(2 pi (doy(d) + 0.5 - peak) / "
         "365.25)) / normaliser, days in UTC; the mean of s over the history is 1");
  sy_putc(b, ',');
  kv_str(b, "applies_to",
         "BG/NBD purchases and web/app browse sessions (rate lambda * s(d)); "
         "hours of the day follow per-channel profiles in local time");
  sy_putc(b, '}');
}

static void write_anomalies(sy_buf *b, const sy_run *run) {
  SY_LIT(b, ",\n\"anomalies\":[");
  for (size_t i = 0; i < run->nanom; i++) {
    const sy_anomaly *a = &run->anom[i];
    sy_puts(b, i ? ",\n {" : "\n {");
    kv_str(b, "kind", "card_fraud_burst");
    sy_putc(b, ',');
    kv_str(b, "customer", a->cid);
    sy_putc(b, ',');
    kv_str(b, "loyalty_card", a->card);
    sy_putc(b, ',');
    kv_str(b, "store_region", sy_regions[sy_store_order[a->store]].name);
    sy_putc(b, ',');
    kv_time(b, "from", a->from);
    sy_putc(b, ',');
    kv_time(b, "to", a->to);
    sy_putc(b, ',');
    kv_u64(b, "orders", (uint64_t)a->orders);
    sy_putc(b, ',');
    kv_num(b, "value", (double)a->value / 100.0);
    sy_putc(b, '}');
  }
  sy_putc(b, ']');
}

static void write_shared(sy_buf *b, const sy_run *run) {
  const sy_world *w = run->w;
  SY_LIT(b, ",\n\"shared_identifiers\":[");
  bool first = true;
  for (int s = 0; s < w->nstores; s++) {
    char card[16];
    sy_store_card(card, s);
    sy_puts(b, first ? "\n {" : ",\n {");
    first = false;
    kv_str(b, "type", "loyalty");
    sy_putc(b, ',');
    kv_str(b, "value", card);
    sy_putc(b, ',');
    kv_str(b, "kind", "store_default_card");
    sy_putc(b, ',');
    kv_str(b, "store_region", sy_regions[sy_store_order[s]].name);
    sy_putc(b, ',');
    kv_u64(b, "people", run->st.store_card_people[s]);
    sy_putc(b, ',');
    kv_u64(b, "order_lines", run->st.store_card_rows[s]);
    sy_putc(b, '}');
  }
  for (uint64_t k = 0; k < w->noffice; k++) {
    char ph[24];
    sy_office_phone(ph, k);
    sy_puts(b, first ? "\n {" : ",\n {");
    first = false;
    kv_str(b, "type", "phone");
    sy_putc(b, ',');
    kv_str(b, "value", ph);
    sy_putc(b, ',');
    kv_str(b, "kind", "office_phone");
    sy_putc(b, ',');
    kv_u64(b, "people", run->office_people[k]);
    sy_putc(b, '}');
  }
  sy_putc(b, ']');
}

int sy_truth_write(sy_run *run, tm_error *err) {
  const sy_world *w = run->w;
  const tm_synth_options *opt = w->opt;
  double seen = auc_of(run->churn, run->nchurn, 1), pop = auc_of(run->churn, run->nchurn, 2);
  double best = auc(run->churn, run->nchurn);
  char *path = sy_path(run->dir, "truth.json");
  if (!path) return tm_error_nomem(err);
  FILE *f = fopen(path, "wb");
  if (!f) {
    int rc = tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
    tm_free(path);
    return rc;
  }
  sy_buf b = {0};
  SY_LIT(&b, "{");
  kv_str(&b, "generator", "touchmine synth " TM_VERSION);
  sy_putc(&b, ',');
  kv_u64(&b, "seed", w->seed);
  sy_putc(&b, ',');
  kv_u64(&b, "customers_count", w->n);
  sy_putc(&b, ',');
  kv_u64(&b, "days", (uint64_t)w->days);
  SY_LIT(&b, ",\"start\":\"");
  sy_fmt_time(&b, SY_T_DATE, w->t0, 0);
  SY_LIT(&b, "\",\"end\":\"");
  sy_fmt_time(&b, SY_T_DATE, w->t1, 0);
  SY_LIT(&b, "\",");
  kv_num(&b, "dirty_rate", opt->dirty_rate);
  SY_LIT(&b, ",\"people\":{");
  kv_u64(&b, "buyers", run->st.kind[SY_BUYER]);
  sy_putc(&b, ',');
  kv_u64(&b, "prospects", run->st.kind[SY_PROSPECT]);
  sy_putc(&b, ',');
  kv_u64(&b, "visitors", run->st.kind[SY_VISITOR]);
  SY_LIT(&b, "},\"people_with_identifier\":{");
  for (int i = 0; i < 6; i++) {
    if (i) sy_putc(&b, ',');
    kv_u64(&b, id_types[i], run->st.with_id[i]);
  }
  SY_LIT(&b, "},");
  uint64_t events = 0, dirty = 0;
  for (int fi = 0; fi < SY_NFILES; fi++) {
    if (sy_files[fi].events) events += run->rows[fi];
    for (int k = 0; k < SY_D_N; k++)
      dirty += run->dirty[fi][k];
  }
  kv_u64(&b, "events", events);
  sy_putc(&b, ',');
  kv_num(&b, "events_per_person", ratio(events, w->n));
  sy_putc(&b, ',');
  kv_u64(&b, "dirty_rows", dirty);
  SY_LIT(&b, ",\"orders\":{");
  for (int c = 0; c < SY_NCH; c++) {
    kv_u64(&b, sy_channel_names[c], run->st.orders[c]);
    sy_putc(&b, ',');
  }
  kv_u64(&b, "returns", run->st.returns);
  sy_putc(&b, ',');
  kv_u64(&b, "experiment_conversions", run->st.ab_orders);
  sy_putc(&b, ',');
  kv_u64(&b, "fraud", run->st.fraud_orders);
  sy_putc(&b, ',');
  kv_u64(&b, "lines", run->st.order_lines);
  SY_LIT(&b, "},");
  kv_str(&b, "row_order",
         "each file is customer-major: people in index order, each person's rows "
         "in time order; dirty rows right after the row they were made from");
  SY_LIT(&b, ",\"identifier_normalisation\":{");
  kv_str(&b, "email", "trimmed, lower-cased");
  sy_putc(&b, ',');
  kv_str(&b, "phone", "digits only; a national leading 0 is kept");
  sy_putc(&b, ',');
  kv_str(&b, "other", "trimmed, as written");
  SY_LIT(&b, "}");
  write_files(&b, run);
  write_segments(&b, run);
  SY_LIT(&b, ",\n\"bgnbd\":{");
  kv_str(&b, "time_unit", "week");
  sy_putc(&b, ',');
  kv_str(&b, "lambda",
         "per person Gamma(shape r, rate alpha), repeat purchases per week of "
         "operational (seasonal) time; see seasonality");
  sy_putc(&b, ',');
  kv_str(&b, "dropout", "after each repeat purchase, with per person probability p ~ Beta(a, b)");
  sy_putc(&b, ',');
  kv_str(&b, "first_purchase", "uniform over the first half of the history (calendar time)");
  sy_putc(&b, ',');
  kv_str(&b, "parameters", "per segment: segments[].bgnbd");
  SY_LIT(&b, "},\n\"gamma_gamma\":{");
  kv_str(&b, "spend",
         "each BG/NBD order targets z ~ Gamma(shape p, rate nu) pounds, nu ~ Gamma(shape "
         "q, rate gamma) per person; the basket is filled with catalogue items up to "
         "z, then planted rules may add items (realised_mean_order_value)");
  sy_putc(&b, ',');
  kv_str(&b, "parameters", "per segment: segments[].gamma_gamma");
  sy_putc(&b, '}');
  write_churn(&b, run, best, seen, pop);
  write_rules(&b, run);
  write_journeys(&b, run);
  write_ab(&b, run);
  write_season(&b, w);
  write_anomalies(&b, run);
  write_shared(&b, run);
  SY_LIT(&b, ",\n\"sentiment\":{\"feedback\":{");
  for (int l = 0; l < 3; l++) {
    if (l) sy_putc(&b, ',');
    kv_u64(&b, sy_label_names[l], run->st.feedback_label[l]);
  }
  SY_LIT(&b, "},\"social\":{");
  for (int l = 0; l < 3; l++) {
    if (l) sy_putc(&b, ',');
    kv_u64(&b, sy_label_names[l], run->st.social_label[l]);
  }
  SY_LIT(&b, "}},\n\"feedback\":[");
  int rc = flush(f, &b, path, err);
  if (!rc) rc = copy_file(f, run->truth_fb_path, path, err);
  SY_LIT(&b, "],\n\"customers\":[");
  if (!rc) rc = flush(f, &b, path, err);
  if (!rc) rc = copy_file(f, run->truth_people_path, path, err);
  SY_LIT(&b, "]\n}\n");
  if (!rc) rc = flush(f, &b, path, err);
  sy_buf_free(&b);
  if (fclose(f) != 0 && !rc) rc = tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
  if (rc) remove(path);
  tm_free(path);
  return rc;
}
