/*
 * dashboard.c — the dashboard page: header, filter form (live page), KPI
 * tiles with their change against the previous period, then every section
 * in order. The same documents feed the JSON API, so page and API agree.
 *
 * The standalone page inlines its CSS and JS (compiled in from assets/), so
 * the one file opens from disk or a mail attachment with no network.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeparse.h"
#include "report/report_int.h"
#include "report/sections.h"
#include "store/dataset.h"
#include "store/warehouse_int.h"

/* assets.c is generated from assets/ by scripts/embed-assets.sh */
extern const unsigned char tm_asset_dashboard_css[], tm_asset_dashboard_js[];
extern const size_t tm_asset_dashboard_css_len, tm_asset_dashboard_js_len;

typedef struct nps_figures {
  double nps;
  int64_t responses;
  const char *source;
} nps_figures;

struct tm_dashboard {
  tm_warehouse *wh;
  const tm_dataset *ds;
  tm_doc *summary;
  nps_figures nps;     /* not filtered: read once */
  int has_churn_model;
  double churn_model;
  char *section_html[32]; /* sections that no filter changes, rendered once */
  size_t section_len[32];
};

static void nps_of(tm_warehouse *wh, nps_figures *n);
static int model_churn(tm_warehouse *wh, double *rate);

int tm_dashboard_new(tm_dashboard **out, tm_warehouse *wh, const tm_dataset *ds, tm_error *err) {
  tm_dashboard *d = tm_calloc(1, sizeof *d);
  if (!d) return tm_error_nomem(err);
  d->wh = wh, d->ds = ds;
  int rc = tm_summary_compute(&d->summary, ds, wh, err);
  if (rc) {
    tm_free(d);
    return rc;
  }
  nps_of(wh, &d->nps);
  d->has_churn_model = model_churn(wh, &d->churn_model);
  *out = d;
  return 0;
}

void tm_dashboard_free(tm_dashboard *d) {
  if (!d) return;
  tm_doc_free(d->summary);
  for (size_t i = 0; i < 32; i++) tm_free(d->section_html[i]);
  tm_free(d);
}

void tm_free_buffer(char *p) { tm_free(p); }

const char *const *tm_dashboard_sections(size_t *n) {
  static const char *names[32];
  for (size_t i = 0; i < rp_nsections && i < 32; i++) names[i] = rp_sections[i].name;
  *n = rp_nsections;
  return names;
}

const unsigned char *tm_dashboard_asset(const char *name, size_t *len, const char **type) {
  if (!strcmp(name, "dashboard.css")) {
    *len = tm_asset_dashboard_css_len, *type = "text/css; charset=utf-8";
    return tm_asset_dashboard_css;
  }
  if (!strcmp(name, "dashboard.js")) {
    *len = tm_asset_dashboard_js_len, *type = "text/javascript; charset=utf-8";
    return tm_asset_dashboard_js;
  }
  return NULL;
}

static rp_filter to_rp(const tm_dashboard_filter *f) {
  rp_filter r = {0};
  if (f) r.from_ms = f->from_ms, r.to_ms = f->to_ms, r.channel = f->channel, r.region = f->region, r.segment = f->segment;
  return r;
}

/* ------------------------------------------------------------------- tiles */

/* NPS: the latest `themes` run's figure, else straight from 0–10 ratings. */
static void nps_of(tm_warehouse *wh, nps_figures *n) {
  sqlite3_stmt *st;
  n->nps = NAN, n->responses = 0, n->source = "";
  if (sqlite3_prepare_v2(wh->db, "SELECT nps, responses FROM text_nps ORDER BY run_id DESC LIMIT 1", -1, &st, NULL) ==
      SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW)
      n->nps = sqlite3_column_double(st, 0), n->responses = sqlite3_column_int64(st, 1), n->source = "touchmine themes";
    sqlite3_finalize(st);
  }
  if (isfinite(n->nps)) return;
  if (sqlite3_prepare_v2(wh->db,
                         "SELECT 100.0 * (sum(rating >= 9) - sum(rating <= 6)) / count(*), count(*) FROM feedback "
                         "WHERE scale = 'nps' AND rating IS NOT NULL",
                         -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) > 0)
      n->nps = sqlite3_column_double(st, 0), n->responses = sqlite3_column_int64(st, 1), n->source = "survey ratings";
    sqlite3_finalize(st);
  }
}

/* Churn: the latest churn model's share of customers at risk >= 50%, else the
 * share of the previous period's active customers not active in this one. */
static int model_churn(tm_warehouse *wh, double *rate) {
  sqlite3_stmt *st;
  int found = 0;
  if (sqlite3_prepare_v2(wh->db,
                         "SELECT avg(score >= 0.5), count(*) FROM model_scores WHERE run_id = "
                         "(SELECT max(id) FROM model_runs WHERE kind = 'churn')",
                         -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) > 0) *rate = sqlite3_column_double(st, 0), found = 1;
    sqlite3_finalize(st);
  }
  return found;
}

typedef enum { K_INT, K_MONEY, K_SHARE, K_SCORE } kind;

static void tile(sb *b, const char *key, const char *label, double v, double prev, kind k, int higher_is_better,
                 const char *hint) {
  char num[64], raw[64];
  if (!isfinite(v)) snprintf(num, sizeof num, "–"), raw[0] = 0;
  else if (k == K_INT) snprintf(num, sizeof num, "%.0f", v), snprintf(raw, sizeof raw, "%.0f", v);
  else if (k == K_MONEY) snprintf(num, sizeof num, "%.2f", v), snprintf(raw, sizeof raw, "%.2f", v);
  else if (k == K_SHARE) snprintf(num, sizeof num, "%.1f%%", 100 * v), snprintf(raw, sizeof raw, "%.6f", v);
  else snprintf(num, sizeof num, "%.1f", v), snprintf(raw, sizeof raw, "%.6f", v);
  if (k == K_INT || k == K_MONEY) { /* thousands separators for the eye; data-value keeps the raw figure */
    char grouped[64];
    const char *dot = strchr(num, '.');
    size_t intlen = dot ? (size_t)(dot - num) : strlen(num), o = 0, lead = num[0] == '-';
    for (size_t i = 0; i < intlen && o < sizeof grouped - 2; i++) {
      if (i > lead && (intlen - i) % 3 == 0) grouped[o++] = ',';
      grouped[o++] = num[i];
    }
    snprintf(grouped + o, sizeof grouped - o, "%s", dot ? dot : "");
    memcpy(num, grouped, sizeof num);
  }
  sb_printf(b, "<div class=\"kpi\" data-kpi=\"%s\"><div class=\"label\">", key);
  sb_html(b, label);
  sb_printf(b, "</div><div class=\"value\" data-value=\"%s\">%s</div>", raw, num);
  if (isfinite(v) && isfinite(prev)) {
    double diff = v - prev;
    int up = diff > 0, good = diff == 0 ? -1 : (up == higher_is_better);
    char ch[64];
    if (diff == 0) snprintf(ch, sizeof ch, "no change");
    else if (k == K_SHARE) snprintf(ch, sizeof ch, "%+.1f pts", 100 * diff);
    else if (k == K_SCORE) snprintf(ch, sizeof ch, "%+.1f", diff);
    else if (prev != 0) snprintf(ch, sizeof ch, "%+.1f%%", 100 * diff / fabs(prev));
    else snprintf(ch, sizeof ch, "new");
    sb_printf(b, "<div class=\"delta %s\">%s %s <span>vs previous period</span></div>",
              good < 0 ? "flat" : good ? "good" : "bad", diff > 0 ? "▲" : diff < 0 ? "▼" : "■", ch);
  } else {
    sb_puts(b, "<div class=\"delta flat\"><span>");
    sb_html(b, hint ? hint : "no previous period");
    sb_puts(b, "</span></div>");
  }
  sb_puts(b, "</div>\n");
}

static double get_r(const tm_doc *d, const char *k) {
  double v;
  int64_t i;
  if (!tm_doc_get_real(d, k, &v)) return v;
  if (!tm_doc_get_int(d, k, &i)) return (double)i;
  return NAN;
}

static void tiles(sb *b, tm_dashboard *d, const tm_doc *kpi) {
  sb_puts(b, "<div class=\"kpis\" id=\"kpis\">\n");
  tile(b, "customers", "Customers", get_r(kpi, "customers"), NAN, K_INT, 1, "with a touchpoint before the period's end");
  tile(b, "active_customers", "Active customers", get_r(kpi, "active_customers"), get_r(kpi, "active_customers_prev"),
       K_INT, 1, NULL);
  tile(b, "revenue", "Revenue", get_r(kpi, "revenue"), get_r(kpi, "revenue_prev"), K_MONEY, 1, NULL);
  tile(b, "orders", "Orders", get_r(kpi, "orders"), get_r(kpi, "orders_prev"), K_INT, 1, NULL);
  tile(b, "aov", "Average order value", get_r(kpi, "aov"), get_r(kpi, "aov_prev"), K_MONEY, 1, NULL);
  tile(b, "conversion", "Conversion (active → purchase)", get_r(kpi, "conversion"), get_r(kpi, "conversion_prev"),
       K_SHARE, 1, NULL);
  if (d->has_churn_model)
    tile(b, "churn", "Churn risk ≥ 50% (churn model)", d->churn_model, NAN, K_SHARE, 0, "latest touchmine churn run");
  else
    tile(b, "churn", "Churn (inactive this period)", get_r(kpi, "inactivity_churn"), get_r(kpi, "inactivity_churn_prev"),
         K_SHARE, 0, NULL);
  nps_figures n = d->nps;
  char hint[96];
  snprintf(hint, sizeof hint, "%lld responses, from %s", (long long)n.responses, *n.source ? n.source : "no survey");
  tile(b, "nps", "NPS", n.nps, NAN, K_SCORE, 1, hint);
  sb_puts(b, "</div>\n");
}

/* ------------------------------------------------------------ filter form */

static void options_of(sb *b, tm_warehouse *wh, const char *name, const char *label, const char *sql, const char *cur) {
  sqlite3_stmt *st;
  sb_printf(b, "<label>%s <select name=\"%s\"><option value=\"\">all</option>", label, name);
  if (sqlite3_prepare_v2(wh->db, sql, -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *v = (const char *)sqlite3_column_text(st, 0);
      if (!v) continue;
      sb_puts(b, "<option value=\"");
      sb_html(b, v);
      sb_printf(b, "\"%s>", cur && !strcmp(cur, v) ? " selected" : "");
      sb_html(b, v);
      sb_puts(b, "</option>");
    }
    sqlite3_finalize(st);
  }
  sb_puts(b, "</select></label>\n");
}

static void iso_day(int64_t ms, char out[16]) {
  int y;
  unsigned m, day;
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  tm_civil_from_days(days, &y, &m, &day);
  snprintf(out, 16, "%04d-%02u-%02u", y, m, day);
}

static void filter_form(sb *b, tm_dashboard *d, const tm_dashboard_filter *f) {
  char from[16] = "", to[16] = "";
  if (f && f->from_ms) iso_day(f->from_ms, from);
  if (f && f->to_ms) iso_day(f->to_ms - 1, to); /* the form's "to" is the last day included */
  sb_puts(b, "<form class=\"filters\" id=\"filters\" method=\"get\" action=\"/\">\n");
  sb_printf(b, "<label>From <input type=\"date\" name=\"from\" value=\"%s\"></label>\n", from);
  sb_printf(b, "<label>To <input type=\"date\" name=\"to\" value=\"%s\"></label>\n", to);
  options_of(b, d->wh, "channel", "Channel", "SELECT name FROM channels ORDER BY name", f ? f->channel : NULL);
  options_of(b, d->wh, "region", "Region", "SELECT name FROM regions ORDER BY name", f ? f->region : NULL);
  options_of(b, d->wh, "segment", "Segment",
             "SELECT DISTINCT segment FROM customer_segments WHERE run_id = (SELECT id FROM segment_runs ORDER BY kind = "
             "'rfm' DESC, id DESC LIMIT 1) ORDER BY 1",
             f ? f->segment : NULL);
  sb_puts(b, "<button type=\"submit\">Apply</button> <a href=\"/\">Reset</a></form>\n");
}

/* -------------------------------------------------------------------- page */

static void section(sb *b, const rp_section *s, rp_ctx *cx, tm_error *err, int *rc) {
  tm_doc *doc = NULL;
  sb_printf(b, "<section data-section=\"%s\" id=\"%s\"><h2>", s->name, s->name);
  sb_html(b, s->title);
  sb_puts(b, "</h2>\n");
  if ((*rc = rp_section_load(&doc, s, cx, err))) return;
  size_t rows = 0; /* a section with no rows in any table has no data yet */
  for (size_t i = 0; i < tm_doc_table_count(doc); i++) rows += tm_table_rows(tm_doc_table_at(doc, i));
  if (!rows && !s->command) {
    sb_puts(b, "<p class=\"empty\">No data yet: touchmine does not have this analysis yet.</p>\n");
  } else if (!rows) {
    /* command may list several, ';'-separated: each gets the --db */
    sb_puts(b, "<p class=\"empty\">No data yet: run ");
    const char *c = s->command;
    for (int first = 1; *c; first = 0) {
      const char *e = strchr(c, ';');
      size_t n = e ? (size_t)(e - c) : strlen(c);
      char one[128];
      snprintf(one, sizeof one, "%.*s", (int)n, c);
      sb_puts(b, first ? "<code>" : " and <code>");
      sb_html(b, one);
      sb_puts(b, " --db ");
      sb_html(b, cx->db);
      sb_puts(b, "</code>");
      c += n;
      while (*c == ';' || *c == ' ') c++;
    }
    sb_puts(b, " to fill this section.</p>\n");
  } else {
    s->draw(b, doc, cx);
  }
  sb_puts(b, "</section>\n");
  tm_doc_free(doc);
}

static void head(sb *b, int mode) {
  sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<link rel=\"icon\" href=\"data:,\">\n<title>touchmine dashboard</title>\n");
  if (mode == TM_PAGE_LIVE) {
    sb_puts(b, "<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\n");
  } else {
    sb_puts(b, "<style>\n");
    sb_put(b, (const char *)tm_asset_dashboard_css, tm_asset_dashboard_css_len);
    sb_puts(b, "</style>\n");
  }
  sb_puts(b, "</head><body>\n");
}

static void foot(sb *b, int mode) {
  sb_puts(b, "<footer>Made by touchmine " TM_VERSION ". Charts use the Okabe–Ito and viridis palettes; every chart's "
             "numbers are in the table under it.</footer>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n");
  if (mode == TM_PAGE_LIVE) {
    sb_puts(b, "<script src=\"/assets/dashboard.js\"></script>\n");
  } else {
    sb_puts(b, "<script>\n");
    sb_put(b, (const char *)tm_asset_dashboard_js, tm_asset_dashboard_js_len);
    sb_puts(b, "</script>\n");
  }
  sb_puts(b, "</body></html>\n");
}

static int finish(sb *b, char **out, size_t *len, tm_error *err, int rc) {
  if (!rc && b->oom) rc = tm_error_nomem(err);
  if (rc) {
    sb_free(b);
    return rc;
  }
  *out = b->s;
  *len = b->len;
  return 0;
}

int tm_dashboard_html(char **out, size_t *len, tm_dashboard *d, const tm_dashboard_filter *f, int mode,
                      tm_error *err) {
  rp_filter rf = to_rp(f);
  tm_doc *kpi = NULL;
  int rc = rp_kpi_compute(&kpi, d->ds, d->wh, &rf, err);
  if (rc) return rc;
  sb b = {0};
  const char *db = tm_warehouse_path(d->wh);
  head(&b, mode);
  sb_puts(&b, "<header><h1>touchmine dashboard</h1><p class=\"sub\">");
  sb_html(&b, db);
  char pf[16] = "", pt[16] = "";
  double days = get_r(kpi, "period_days");
  int64_t last_day_ms;
  {
    /* the period as dates: from .. last day included */
    int64_t to = f && f->to_ms ? f->to_ms : 0, from = f && f->from_ms ? f->from_ms : 0;
    if (!to || !from) { /* recompute the default exactly as kpi.c did */
      int64_t last = INT64_MIN;
      for (size_t i = 0; i < d->ds->nev; i++)
        if (d->ds->ts[i] > last) last = d->ds->ts[i];
      if (last == INT64_MIN) last = 0;
      int64_t day = last >= 0 ? last / 86400000 : -((-last + 86399999) / 86400000);
      if (!to) to = (day + 1) * 86400000;
      if (!from) from = to - 30 * 86400000LL;
    }
    last_day_ms = to - 1;
    iso_day(from, pf);
    iso_day(last_day_ms, pt);
  }
  sb_printf(&b, " · period %s to %s (%.0f days), compared with the %.0f days before", pf, pt, days, days);
  if (f && ((f->channel && *f->channel) || (f->region && *f->region) || (f->segment && *f->segment))) {
    sb_puts(&b, " · filtered:");
    if (f->channel && *f->channel) sb_puts(&b, " channel "), sb_html(&b, f->channel);
    if (f->region && *f->region) sb_puts(&b, " region "), sb_html(&b, f->region);
    if (f->segment && *f->segment) sb_puts(&b, " segment "), sb_html(&b, f->segment);
  }
  sb_puts(&b, "</p>\n<nav>");
  for (size_t i = 0; i < rp_nsections; i++) {
    sb_printf(&b, "<a href=\"#%s\">", rp_sections[i].name);
    sb_html(&b, rp_sections[i].title);
    sb_puts(&b, "</a>");
  }
  sb_puts(&b, "</nav></header>\n<main>\n");
  if (mode == TM_PAGE_LIVE) filter_form(&b, d, f);
  tiles(&b, d, kpi);
  rp_ctx cx = {d->wh, kpi, d->summary, db};
  for (size_t i = 0; i < rp_nsections && !rc; i++) {
    /* only the summary depends on the filter; the others are kept once rendered */
    int keep = strcmp(rp_sections[i].name, "summary") && i < 32;
    if (keep && d->section_html[i]) {
      sb_put(&b, d->section_html[i], d->section_len[i]);
      continue;
    }
    sb one = {0};
    section(&one, &rp_sections[i], &cx, err, &rc);
    if (one.oom && !rc) rc = tm_error_nomem(err);
    if (!rc) sb_put(&b, one.s, one.len);
    if (!rc && keep) d->section_html[i] = one.s, d->section_len[i] = one.len;
    else sb_free(&one);
  }
  sb_puts(&b, "</main>\n");
  foot(&b, mode);
  tm_doc_free(kpi);
  return finish(&b, out, len, err, rc);
}

/* ------------------------------------------------------------------- JSON */

static int doc_json(sb *b, const tm_doc *doc, tm_error *err) {
  char *mem = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&mem, &n);
  if (!f) return tm_error_nomem(err);
  int rc = tm_doc_write(doc, f, TM_FMT_JSON, 0, err);
  fclose(f);
  if (!rc) sb_put(b, mem, n);
  free(mem); /* open_memstream's buffer comes from malloc */
  return rc;
}

int tm_dashboard_json(char **out, size_t *len, tm_dashboard *d, const char *section_name, const tm_dashboard_filter *f,
                      tm_error *err) {
  const rp_section *s = rp_section_find(section_name);
  if (!s) return tm_error_set(err, TM_ENOTFOUND, "no section '%s'", section_name);
  sb b = {0};
  rp_filter rf = to_rp(f);
  tm_doc *kpi = NULL, *doc = NULL;
  int rc = rp_kpi_compute(&kpi, d->ds, d->wh, &rf, err);
  if (rc) return rc;
  if (!strcmp(section_name, "summary")) {
    /* the KPIs under the filter (scalars, by_month, by_channel) plus the filter-free summary tables */
    nps_figures n = d->nps;
    if (d->has_churn_model && tm_doc_set_real(kpi, "churn_model", d->churn_model)) rc = tm_error_nomem(err);
    if (!rc && isfinite(n.nps) && (tm_doc_set_real(kpi, "nps", n.nps) || tm_doc_set_int(kpi, "nps_responses", n.responses)))
      rc = tm_error_nomem(err);
    if (!rc && !(rc = rp_copy_table(kpi, d->summary, "touchpoint_map", err)) &&
        !(rc = rp_copy_table(kpi, d->summary, "by_type", err)))
      rc = rp_copy_table(kpi, d->summary, "by_region", err);
    if (!rc) rc = doc_json(&b, kpi, err);
  } else {
    rp_ctx cx = {d->wh, kpi, d->summary, tm_warehouse_path(d->wh)};
    if (!(rc = rp_section_load(&doc, s, &cx, err))) rc = doc_json(&b, doc, err);
  }
  tm_doc_free(kpi);
  tm_doc_free(doc);
  return finish(&b, out, len, err, rc);
}
