/*
 * themes.c — what customers write about: TF-IDF key terms and phrases overall
 * and per channel, rating band and segment; pain points (aspect terms of
 * negative texts ranked by volume x negativity); NPS from 0-10 ratings, with
 * what detractors talk about. Saved to text_themes, text_customer_themes and
 * text_nps (docs/text.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/hashmap.h"
#include "store/warehouse_int.h"
#include "text/lexicon.h"
#include "text/text_db.h"
#include "text/tokenize.h"

#define TOP_TERMS 15   /* terms kept per scope */
#define MIN_DOCS 3     /* a term must appear in this many texts of its scope */

typedef struct doc_term { uint32_t term, tf; } doc_term;

typedef struct corpus_terms {
  tm_dict dict;          /* stem or "stem stem" -> term id */
  char **surface;        /* per term: the first surface form seen */
  uint8_t *aspect;       /* per term: 1 when it names a thing, not only an opinion word */
  uint32_t *df;          /* documents containing the term, over all texts */
  uint32_t *part_a, *part_b; /* per bigram: its two words' term ids; UINT32_MAX for a word */
  size_t nterms, surf_cap;
  doc_term *dt;          /* per document, its distinct terms: dt[off[d] .. off[d+1]) */
  size_t *off, ndt, dt_cap;
} corpus_terms;

static int cmp_doc_term(const void *a, const void *b) {
  uint32_t x = ((const doc_term *)a)->term, y = ((const doc_term *)b)->term;
  return (x > y) - (x < y);
}

static int add_term(corpus_terms *ct, const char *key, size_t klen, const char *surf, size_t slen, bool aspect,
                    uint32_t pa, uint32_t pb, uint32_t *id) {
  if (tm_dict_intern(&ct->dict, key, klen, id)) return TM_ENOMEM;
  if (*id == ct->nterms) {
    if (ct->nterms == ct->surf_cap) {
      size_t cap = ct->surf_cap ? ct->surf_cap * 2 : 1024;
      char **s = tm_realloc(ct->surface, cap * sizeof *s);
      if (!s) return TM_ENOMEM;
      ct->surface = s;
      uint8_t *a = tm_realloc(ct->aspect, cap);
      if (!a) return TM_ENOMEM;
      ct->aspect = a;
      uint32_t *d = tm_realloc(ct->df, cap * sizeof *d);
      if (!d) return TM_ENOMEM;
      ct->df = d;
      uint32_t *x = tm_realloc(ct->part_a, cap * sizeof *x);
      if (!x) return TM_ENOMEM;
      ct->part_a = x;
      uint32_t *y = tm_realloc(ct->part_b, cap * sizeof *y);
      if (!y) return TM_ENOMEM;
      ct->part_b = y;
      ct->surf_cap = cap;
    }
    if (!(ct->surface[ct->nterms] = tm_strndup(surf, slen))) return TM_ENOMEM;
    ct->aspect[ct->nterms] = aspect;
    ct->df[ct->nterms] = 0;
    ct->part_a[ct->nterms] = pa;
    ct->part_b[ct->nterms] = pb;
    ct->nterms++;
  }
  return 0;
}

static int push_dt(corpus_terms *ct, uint32_t term) {
  if (ct->ndt == ct->dt_cap && TM_GROW(ct->dt, ct->dt_cap, ct->ndt + 1)) return TM_ENOMEM;
  ct->dt[ct->ndt++] = (doc_term){term, 1};
  return 0;
}

/* Tokenises every document into its distinct unigram and bigram terms. */
static int build_terms(corpus_terms *ct, const text_corpus *tc, text_pipeline *pl, tm_sentiment *s, tm_error *err) {
  if (tm_dict_init(&ct->dict)) return tm_error_nomem(err);
  if (!(ct->off = tm_calloc(tc->n + 1, sizeof *ct->off))) return tm_error_nomem(err);
  char key[1024], surf[1024];
  uint32_t prev = UINT32_MAX;
  for (size_t d = 0; d < tc->n; d++) {
    const text_token *tk;
    long nt = text_pipeline_run(pl, tc->doc[d].text, strlen(tc->doc[d].text), &tk);
    if (nt < 0) return tm_error_nomem(err);
    size_t first = ct->ndt;
    for (long k = 0; k < nt; k++) {
      uint32_t id, next;
      bool opinion = tm_sentiment_has_word(s, tk[k].word, tk[k].word_len);
      if (k == 0) {
        if (add_term(ct, tk[0].stem, tk[0].stem_len, tk[0].word, tk[0].word_len, !opinion, UINT32_MAX, UINT32_MAX,
                     &prev) || push_dt(ct, prev))
          return tm_error_nomem(err);
      }
      id = prev;
      if (k + 1 < nt) {
        bool op = tm_sentiment_has_word(s, tk[k + 1].word, tk[k + 1].word_len);
        if (add_term(ct, tk[k + 1].stem, tk[k + 1].stem_len, tk[k + 1].word, tk[k + 1].word_len, !op, UINT32_MAX,
                     UINT32_MAX, &next) || push_dt(ct, next))
          return tm_error_nomem(err);
        prev = next;
      }
      if (k + 1 < nt && tk[k + 1].clause == tk[k].clause) {
        const text_token *a = &tk[k], *b = &tk[k + 1];
        if (a->stem_len + b->stem_len + 2 > sizeof key || a->word_len + b->word_len + 2 > sizeof surf) continue;
        int kl = snprintf(key, sizeof key, "%.*s %.*s", (int)a->stem_len, a->stem, (int)b->stem_len, b->stem);
        int sl = snprintf(surf, sizeof surf, "%.*s %.*s", (int)a->word_len, a->word, (int)b->word_len, b->word);
        bool any_aspect = !tm_sentiment_has_word(s, a->word, a->word_len) || !tm_sentiment_has_word(s, b->word, b->word_len);
        uint32_t bi;
        if (add_term(ct, key, (size_t)kl, surf, (size_t)sl, any_aspect, id, prev, &bi) || push_dt(ct, bi))
          return tm_error_nomem(err);
      }
    }
    /* distinct terms of this document, with their counts */
    qsort(ct->dt + first, ct->ndt - first, sizeof *ct->dt, cmp_doc_term);
    size_t w = first;
    for (size_t r = first; r < ct->ndt; r++) {
      if (w > first && ct->dt[w - 1].term == ct->dt[r].term) ct->dt[w - 1].tf++;
      else ct->dt[w++] = ct->dt[r];
    }
    ct->ndt = w;
    for (size_t r = first; r < w; r++) ct->df[ct->dt[r].term]++;
    ct->off[d + 1] = ct->ndt;
  }
  return 0;
}

static void corpus_terms_free(corpus_terms *ct) {
  for (size_t i = 0; i < ct->nterms; i++) tm_free(ct->surface[i]);
  tm_free(ct->surface);
  tm_free(ct->aspect);
  tm_free(ct->df);
  tm_free(ct->part_a);
  tm_free(ct->part_b);
  tm_free(ct->dt);
  tm_free(ct->off);
  tm_dict_fini(&ct->dict);
}

/* ------------------------------------------------------------- scoring */

typedef struct term_acc { double tf, compound, pain; uint32_t docs, neg_docs, subsumed; } term_acc;

typedef struct ranked { uint32_t term; double weight; } ranked;

typedef struct theme_row {
  char *scope;
  uint32_t term, docs;
  double weight, mean_compound, pain;
} theme_row;

typedef struct themes_ctx {
  const text_corpus *tc;
  corpus_terms *ct;
  term_acc *acc;
  ranked *rank;
  theme_row *rows;
  size_t nrows, rows_cap;
} themes_ctx;

static int cmp_ranked(const void *a, const void *b, void *ctp) {
  const ranked *x = a, *y = b;
  if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
  const corpus_terms *ct = ctp;
  return strcmp(ct->surface[x->term], ct->surface[y->term]);
}

/* Ranks the terms of the documents in[d] != 0 for one scope and appends its
 * top rows. pain: rank aspect terms of negative texts by the sum of their
 * negativity (volume x mean negativity) instead of TF-IDF. */
static int score_scope(themes_ctx *x, const char *scope, const uint8_t *in, bool pain) {
  const text_corpus *tc = x->tc;
  corpus_terms *ct = x->ct;
  memset(x->acc, 0, ct->nterms * sizeof *x->acc);
  size_t docs = 0;
  for (size_t d = 0; d < tc->n; d++) {
    if (!in[d]) continue;
    docs++;
    double c = tc->doc[d].compound;
    for (size_t k = ct->off[d]; k < ct->off[d + 1]; k++) {
      term_acc *a = &x->acc[ct->dt[k].term];
      a->tf += ct->dt[k].tf;
      a->docs++;
      a->compound += c;
      if (c <= -0.05) { a->neg_docs++; a->pain += -c; }
    }
  }
  if (!docs) return 0;
  /* a word that only ever appears inside one phrase of the scope is that
   * phrase: list the phrase, not its words again ("replacement arranged") */
  for (uint32_t t = 0; t < ct->nterms; t++) {
    if (ct->part_a[t] == UINT32_MAX) continue;
    uint32_t n_t = pain ? x->acc[t].neg_docs : x->acc[t].docs;
    if (n_t < MIN_DOCS) continue;
    uint32_t parts[2] = {ct->part_a[t], ct->part_b[t]};
    for (int k = 0; k < 2; k++) {
      term_acc *w = &x->acc[parts[k]];
      if ((pain ? w->neg_docs : w->docs) == n_t) w->subsumed = 1;
    }
  }
  size_t nr = 0;
  double n = (double)tc->n;
  for (uint32_t t = 0; t < ct->nterms; t++) {
    const term_acc *a = &x->acc[t];
    double w;
    if (a->subsumed) continue;
    if (pain) {
      if (!ct->aspect[t] || a->neg_docs < MIN_DOCS) continue;
      w = a->pain;
    } else {
      if (a->docs < MIN_DOCS) continue;
      w = a->tf * (log((1 + n) / (1 + (double)ct->df[t])) + 1); /* smoothed idf, as scikit-learn */
    }
    x->rank[nr++] = (ranked){t, w};
  }
  qsort_r(x->rank, nr, sizeof *x->rank, cmp_ranked, ct);
  for (size_t r = 0; r < nr && r < TOP_TERMS; r++) {
    uint32_t t = x->rank[r].term;
    const term_acc *a = &x->acc[t];
    if (x->nrows == x->rows_cap && TM_GROW(x->rows, x->rows_cap, x->nrows + 1)) return TM_ENOMEM;
    theme_row *row = &x->rows[x->nrows];
    if (!(row->scope = tm_strdup(scope))) return TM_ENOMEM;
    x->nrows++;
    row->term = t;
    row->docs = pain ? a->neg_docs : a->docs;
    row->weight = x->rank[r].weight;
    row->mean_compound = a->compound / (double)a->docs;
    row->pain = a->pain;
  }
  return 0;
}

/* Rating band of a feedback rating: NPS 0-6 / 7-8 / 9-10, stars 1-2 / 3 / 4-5. */
static const char *rating_band(const text_doc *d) {
  if (isnan(d->rating) || !d->scale) return NULL;
  if (!strcmp(d->scale, "nps"))
    return d->rating <= 6 ? "rating:low" : d->rating <= 8 ? "rating:mid" : "rating:high";
  if (!strcmp(d->scale, "stars"))
    return d->rating <= 2 ? "rating:low" : d->rating < 4 ? "rating:mid" : "rating:high";
  return NULL;
}

static bool is_nps(const text_doc *d) {
  return d->scale && !strcmp(d->scale, "nps") && !isnan(d->rating) && d->rating >= 0 && d->rating <= 10;
}

/* The segment of each document's customer in the latest segment run, or NULL. */
static int load_segments(tm_warehouse *wh, const text_corpus *tc, char ***seg_of, tm_error *err) {
  *seg_of = tm_calloc(tc->n + 1, sizeof **seg_of);
  if (!*seg_of) return tm_error_nomem(err);
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(wh, &st,
                         "SELECT segment FROM customer_segments WHERE customer_id = ? AND run_id = "
                         "(SELECT max(id) FROM segment_runs)",
                         err);
  if (rc) return rc;
  for (size_t d = 0; d < tc->n && !rc; d++) {
    if (!tc->doc[d].customer_id) continue;
    sqlite3_bind_int64(st, 1, tc->doc[d].customer_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
      const char *s = (const char *)sqlite3_column_text(st, 0);
      if (s && !((*seg_of)[d] = tm_strdup(s))) rc = tm_error_nomem(err);
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

/* Distinct scope names of a per-document label array, in first-seen order. */
static int scopes_of(const char *const *label, size_t n, const char *prefix, char ***out, size_t *count) {
  *out = NULL;
  *count = 0;
  size_t cap = 0;
  for (size_t d = 0; d < n; d++) {
    if (!label[d]) continue;
    bool seen = false;
    for (size_t k = 0; k < *count && !seen; k++) seen = !strcmp((*out)[k] + strlen(prefix), label[d]);
    if (seen) continue;
    if (*count == cap && TM_GROW(*out, cap, *count + 1)) return TM_ENOMEM;
    size_t len = strlen(prefix) + strlen(label[d]) + 1;
    char *s = tm_malloc(len);
    if (!s) return TM_ENOMEM;
    snprintf(s, len, "%s%s", prefix, label[d]);
    (*out)[(*count)++] = s;
  }
  return 0;
}

static int run_label_scopes(themes_ctx *x, const char *const *label, const char *prefix, uint8_t *in) {
  char **names;
  size_t count;
  int rc = scopes_of(label, x->tc->n, prefix, &names, &count);
  for (size_t k = 0; !rc && k < count; k++) {
    const char *value = names[k] + strlen(prefix);
    for (size_t d = 0; d < x->tc->n; d++) in[d] = label[d] && !strcmp(label[d], value);
    rc = score_scope(x, names[k], in, false);
  }
  for (size_t k = 0; k < count; k++) tm_free(names[k]);
  tm_free(names);
  return rc;
}

/* ---------------------------------------------------------------- saving */

typedef struct nps_counts { int64_t responses, promoters, passives, detractors; } nps_counts;

static double nps_value(const nps_counts *c) {
  return c->responses ? 100.0 * (double)(c->promoters - c->detractors) / (double)c->responses : 0;
}

/* Document indices by customer, then by position (a total order: deterministic). */
static int cmp_by_customer(const void *a, const void *b, void *tcp) {
  const text_corpus *tc = tcp;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int64_t cx = tc->doc[x].customer_id, cy = tc->doc[y].customer_id;
  if (cx != cy) return cx < cy ? -1 : 1;
  return (x > y) - (x < y);
}

static int save(tm_warehouse *wh, themes_ctx *x, const nps_counts *nps, int64_t *run_id, tm_error *err) {
  const text_corpus *tc = x->tc;
  corpus_terms *ct = x->ct;
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  sqlite3_stmt *st = NULL;
  uint8_t *theme = NULL;
  uint32_t *mentions = NULL;
  if ((rc = tm_wh_exec(wh, "DELETE FROM text_themes; DELETE FROM text_customer_themes; DELETE FROM text_nps;", err)))
    goto fail;
  if ((rc = tm_wh_prepare(wh, &st, "INSERT INTO text_runs(kind, mode, created_at, texts) VALUES('themes', ?, ?, ?)",
                          err)))
    goto fail;
  sqlite3_bind_text(st, 1, "tfidf", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
  sqlite3_bind_int64(st, 3, (int64_t)tc->n);
  if (sqlite3_step(st) != SQLITE_DONE) { rc = tm_wh_fail(wh, err, "saving the themes run"); goto fail; }
  sqlite3_finalize(st);
  st = NULL;
  *run_id = sqlite3_last_insert_rowid(wh->db);
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO text_themes(run_id, scope, term, docs, weight, mean_compound, pain_score) "
                          "VALUES(?,?,?,?,?,?,?)",
                          err)))
    goto fail;
  for (size_t r = 0; r < x->nrows; r++) {
    const theme_row *row = &x->rows[r];
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_text(st, 2, row->scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ct->surface[row->term], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, row->docs);
    sqlite3_bind_double(st, 5, row->weight);
    sqlite3_bind_double(st, 6, row->mean_compound);
    sqlite3_bind_double(st, 7, row->pain);
    if (sqlite3_step(st) != SQLITE_DONE) { rc = tm_wh_fail(wh, err, "saving text_themes"); goto fail; }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  st = NULL;
  /* a customer's themes: the pain points and overall key terms their texts mention */
  theme = tm_calloc(ct->nterms + 1, 1);
  mentions = tm_calloc(ct->nterms + 1, sizeof *mentions);
  if (!theme || !mentions) { rc = tm_error_nomem(err); goto fail; }
  for (size_t r = 0; r < x->nrows; r++)
    if (!strcmp(x->rows[r].scope, "pain") || !strcmp(x->rows[r].scope, "all")) theme[x->rows[r].term] = 1;
  if ((rc = tm_wh_prepare(wh, &st, "INSERT INTO text_customer_themes(customer_id, theme, mentions) VALUES(?,?,?)",
                          err)))
    goto fail;
  /* documents come ordered by event; group them by customer through an index sort */
  size_t *order = tm_malloc((tc->n + 1) * sizeof *order);
  if (!order) { rc = tm_error_nomem(err); goto fail; }
  size_t no = 0;
  for (size_t d = 0; d < tc->n; d++)
    if (tc->doc[d].customer_id) order[no++] = d;
  qsort_r(order, no, sizeof *order, cmp_by_customer, (void *)tc);
  for (size_t i = 0; i < no && !rc;) {
    int64_t cust = tc->doc[order[i]].customer_id;
    size_t j = i;
    for (; j < no && tc->doc[order[j]].customer_id == cust; j++) {
      size_t d = order[j];
      for (size_t k = ct->off[d]; k < ct->off[d + 1]; k++)
        if (theme[ct->dt[k].term]) mentions[ct->dt[k].term]++;
    }
    for (size_t jj = i; jj < j && !rc; jj++) {
      size_t d = order[jj];
      for (size_t k = ct->off[d]; k < ct->off[d + 1]; k++) {
        uint32_t t = ct->dt[k].term;
        if (!mentions[t]) continue;
        sqlite3_bind_int64(st, 1, cust);
        sqlite3_bind_text(st, 2, ct->surface[t], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, mentions[t]);
        if (sqlite3_step(st) != SQLITE_DONE) rc = tm_wh_fail(wh, err, "saving text_customer_themes");
        sqlite3_reset(st);
        mentions[t] = 0;
      }
    }
    i = j;
  }
  tm_free(order);
  sqlite3_finalize(st);
  st = NULL;
  if (rc) goto fail;
  if (nps->responses) {
    if ((rc = tm_wh_prepare(wh, &st,
                            "INSERT INTO text_nps(run_id, responses, promoters, passives, detractors, nps) "
                            "VALUES(?,?,?,?,?,?)",
                            err)))
      goto fail;
    sqlite3_bind_int64(st, 1, *run_id);
    sqlite3_bind_int64(st, 2, nps->responses);
    sqlite3_bind_int64(st, 3, nps->promoters);
    sqlite3_bind_int64(st, 4, nps->passives);
    sqlite3_bind_int64(st, 5, nps->detractors);
    sqlite3_bind_double(st, 6, nps_value(nps));
    if (sqlite3_step(st) != SQLITE_DONE) { rc = tm_wh_fail(wh, err, "saving text_nps"); goto fail; }
    sqlite3_finalize(st);
    st = NULL;
  }
  tm_free(theme);
  tm_free(mentions);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  tm_free(theme);
  tm_free(mentions);
  sqlite3_finalize(st);
  tm_wh_rollback(wh);
  return rc;
}

static int make_doc(tm_doc **out, themes_ctx *x, const nps_counts *nps, int64_t run_id) {
  tm_doc *doc;
  tm_table *t = NULL, *p = NULL;
  if (tm_doc_new(&doc, "Feedback themes")) return TM_ENOMEM;
  int rc = tm_doc_set_int(doc, "run_id", run_id) || tm_doc_set_int(doc, "texts", (int64_t)x->tc->n) ||
           tm_doc_set_int(doc, "terms", (int64_t)x->ct->nterms);
  if (!rc && nps->responses)
    rc = tm_doc_set_int(doc, "nps_responses", nps->responses) || tm_doc_set_int(doc, "promoters", nps->promoters) ||
         tm_doc_set_int(doc, "passives", nps->passives) || tm_doc_set_int(doc, "detractors", nps->detractors) ||
         tm_doc_set_real(doc, "nps", nps_value(nps));
  if (!rc) rc = tm_table_new(&p, "pain_points", "Pain points: aspects of negative texts, by volume x negativity");
  if (!rc) {
    tm_table_add_col(p, "term", TM_COL_STR);
    tm_table_add_col(p, "negative_texts", TM_COL_INT);
    tm_table_add_col(p, "pain_score", TM_COL_REAL);
    tm_table_add_col(p, "mean_compound", TM_COL_REAL);
    rc = tm_doc_add_table(doc, p);
  }
  if (!rc) rc = tm_table_new(&t, "themes", "Key terms by scope (TF-IDF)");
  if (!rc) {
    tm_table_add_col(t, "scope", TM_COL_STR);
    tm_table_add_col(t, "term", TM_COL_STR);
    tm_table_add_col(t, "docs", TM_COL_INT);
    tm_table_add_col(t, "weight", TM_COL_REAL);
    tm_table_add_col(t, "mean_compound", TM_COL_REAL);
    rc = tm_doc_add_table(doc, t);
  }
  for (size_t r = 0; !rc && r < x->nrows; r++) {
    const theme_row *row = &x->rows[r];
    const char *term = x->ct->surface[row->term];
    if (!strcmp(row->scope, "pain")) {
      rc = tm_table_add_row(p) || tm_table_set_str(p, 0, term) || tm_table_set_int(p, 1, row->docs) ||
           tm_table_set_real(p, 2, row->pain) || tm_table_set_real(p, 3, row->mean_compound);
    } else {
      rc = tm_table_add_row(t) || tm_table_set_str(t, 0, row->scope) || tm_table_set_str(t, 1, term) ||
           tm_table_set_int(t, 2, row->docs) || tm_table_set_real(t, 3, row->weight) ||
           tm_table_set_real(t, 4, row->mean_compound);
    }
  }
  if (rc) { tm_doc_free(doc); return TM_ENOMEM; }
  *out = doc;
  return 0;
}

int tm_themes_compute(tm_doc **out, tm_warehouse *wh, tm_sentiment *s, const tm_text_db_options *opt, tm_error *err) {
  *out = NULL;
  char stop_path[4096];
  int rc = tm_text_data_path("text/stopwords_en.txt", stop_path, sizeof stop_path, err);
  if (rc) return rc;
  text_pipeline *pl = NULL;
  text_corpus tc = {0};
  corpus_terms ct = {0};
  themes_ctx x = {0};
  char **seg = NULL;
  const char **label = NULL;
  uint8_t *in = NULL;
  if ((rc = text_pipeline_new(&pl, stop_path, err)) || (rc = text_load_feedback(wh, &tc, err)) ||
      (rc = text_score_corpus(&tc, s, opt, err)) || (rc = build_terms(&ct, &tc, pl, s, err)) ||
      (rc = load_segments(wh, &tc, &seg, err)))
    goto done;
  x.tc = &tc;
  x.ct = &ct;
  x.acc = tm_calloc(ct.nterms + 1, sizeof *x.acc);
  x.rank = tm_calloc(ct.nterms + 1, sizeof *x.rank);
  in = tm_calloc(tc.n + 1, 1);
  label = tm_calloc(tc.n + 1, sizeof *label);
  if (!x.acc || !x.rank || !in || !label) { rc = tm_error_nomem(err); goto done; }
  nps_counts nps = {0};
  memset(in, 1, tc.n);
  if (score_scope(&x, "all", in, false) || score_scope(&x, "pain", in, true)) goto oom;
  for (size_t d = 0; d < tc.n; d++) {
    in[d] = 0;
    if (!is_nps(&tc.doc[d])) continue;
    double r = tc.doc[d].rating;
    nps.responses++;
    if (r >= 9) nps.promoters++;
    else if (r >= 7) nps.passives++;
    else { nps.detractors++; in[d] = 1; }
  }
  if (nps.detractors && score_scope(&x, "detractors", in, false)) goto oom;
  for (size_t d = 0; d < tc.n; d++) label[d] = tc.doc[d].channel;
  if (run_label_scopes(&x, label, "channel:", in)) goto oom;
  for (size_t d = 0; d < tc.n; d++) label[d] = rating_band(&tc.doc[d]) ? rating_band(&tc.doc[d]) + 7 : NULL;
  if (run_label_scopes(&x, label, "rating:", in)) goto oom;
  for (size_t d = 0; d < tc.n; d++) label[d] = seg[d];
  if (run_label_scopes(&x, label, "segment:", in)) goto oom;
  int64_t run_id = 0;
  if ((rc = save(wh, &x, &nps, &run_id, err))) goto done;
  if (make_doc(out, &x, &nps, run_id)) goto oom;
  goto done;
oom:
  rc = tm_error_nomem(err);
done:
  for (size_t r = 0; r < x.nrows; r++) tm_free(x.rows[r].scope);
  tm_free(x.rows);
  tm_free(x.acc);
  tm_free(x.rank);
  tm_free(in);
  tm_free(label);
  if (seg)
    for (size_t d = 0; d < tc.n; d++) tm_free(seg[d]);
  tm_free(seg);
  corpus_terms_free(&ct);
  text_corpus_free(&tc);
  text_pipeline_free(pl);
  return rc;
}
