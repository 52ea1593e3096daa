/*
 * sentiment_db.c — scoring the warehouse's feedback texts and saving the
 * per-text and per-customer results (text_runs, text_sentiment,
 * text_customer), with accuracy against synth's planted labels on request.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "core/hashmap.h"
#include "core/pii.h"
#include "store/warehouse_int.h"
#include "text/text_db.h"

static int label_index(double compound) { return compound >= 0.05 ? 0 : compound <= -0.05 ? 2 : 1; }
static const char *const label_names[3] = {"positive", "neutral", "negative"};

int text_load_feedback(tm_warehouse *wh, text_corpus *tc, tm_error *err) {
  memset(tc, 0, sizeof *tc);
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(wh, &st,
                         "SELECT f.event_id, i.customer_id, e.ts, e.event_key, f.text, f.rating, f.scale, c.name "
                         "FROM feedback f JOIN events e ON e.id = f.event_id "
                         "JOIN channels c ON c.id = e.channel_id "
                         "LEFT JOIN identities i ON i.id = e.identity_id "
                         "WHERE f.text IS NOT NULL AND length(f.text) > 0 ORDER BY f.event_id",
                         err);
  if (rc) return rc;
  size_t cap = 0;
  char scrub[8192];
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (tc->n == cap && TM_GROW(tc->doc, cap, tc->n + 1)) { rc = tm_error_nomem(err); goto done; }
    text_doc *d = &tc->doc[tc->n];
    memset(d, 0, sizeof *d);
    d->event_id = sqlite3_column_int64(st, 0);
    d->customer_id = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 1);
    d->ts = sqlite3_column_int64(st, 2);
    d->event_key = (uint64_t)sqlite3_column_int64(st, 3);
    const char *text = (const char *)sqlite3_column_text(st, 4);
    size_t n = (size_t)sqlite3_column_bytes(st, 4);
    /* personal data never reaches results: scrub before anything else sees the text */
    size_t sn = tm_pii_scrub(text ? text : "", text ? n : 0, scrub, sizeof scrub);
    d->text = tm_strndup(scrub, sn);
    d->rating = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5);
    const char *scale = (const char *)sqlite3_column_text(st, 6);
    d->scale = scale ? tm_strdup(scale) : NULL;
    const char *channel = (const char *)sqlite3_column_text(st, 7);
    d->channel = tm_strdup(channel ? channel : "");
    tc->n++;
    if (!d->text || !d->channel || (scale && !d->scale)) { rc = tm_error_nomem(err); goto done; }
    if (d->ts > tc->max_ts) tc->max_ts = d->ts;
  }
  rc = rc == SQLITE_DONE ? 0 : tm_wh_fail(wh, err, "reading feedback");
done:
  sqlite3_finalize(st);
  if (rc) text_corpus_free(tc);
  return rc;
}

void text_corpus_free(text_corpus *tc) {
  for (size_t i = 0; i < tc->n; i++) {
    tm_free(tc->doc[i].text);
    tm_free(tc->doc[i].scale);
    tm_free(tc->doc[i].channel);
  }
  tm_free(tc->doc);
  memset(tc, 0, sizeof *tc);
}

int text_score_corpus(text_corpus *tc, tm_sentiment *s, const tm_text_db_options *opt, tm_error *err) {
  for (size_t i = 0; i < tc->n; i++) {
    text_doc *d = &tc->doc[i];
    tm_sentiment_scores sc;
    if (tm_sentiment_score(s, d->text, strlen(d->text), &sc)) return tm_error_nomem(err);
    d->neg = sc.neg;
    d->neu = sc.neu;
    d->pos = sc.pos;
    d->compound = sc.compound;
    if (opt && opt->progress && (i % 4096 == 0 || i + 1 == tc->n) &&
        opt->progress(opt->progress_payload, "scoring feedback", i + 1, tc->n))
      return tm_error_set(err, TM_ECANCELED, "canceled");
  }
  return 0;
}

/* Per-customer aggregate, customers sorted by id. */
typedef struct cust_agg {
  int64_t customer_id, texts, negative, recent_negative;
  double sum;
} cust_agg;

static int cmp_cust(const void *a, const void *b) {
  int64_t x = ((const text_doc *const *)a)[0]->customer_id, y = ((const text_doc *const *)b)[0]->customer_id;
  return (x > y) - (x < y);
}

static int save(tm_warehouse *wh, const text_corpus *tc, const char *mode, cust_agg *ca, size_t nc, int64_t *run_id,
                tm_error *err) {
  int rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  sqlite3_stmt *st = NULL;
  if ((rc = tm_wh_exec(wh, "DELETE FROM text_sentiment; DELETE FROM text_customer;", err))) goto fail;
  if ((rc = tm_wh_prepare(wh, &st, "INSERT INTO text_runs(kind, mode, created_at, texts) VALUES('sentiment', ?, ?, ?)",
                          err)))
    goto fail;
  sqlite3_bind_text(st, 1, mode, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
  sqlite3_bind_int64(st, 3, (int64_t)tc->n);
  rc = tm_wh_step(wh, st, "saving the text run", err);
  sqlite3_finalize(st);
  st = NULL;
  if (rc) goto fail;
  *run_id = sqlite3_last_insert_rowid(wh->db);
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO text_sentiment(event_id, customer_id, neg, neu, pos, compound, label, run_id) "
                          "VALUES(?,?,?,?,?,?,?,?)",
                          err)))
    goto fail;
  for (size_t i = 0; i < tc->n; i++) {
    const text_doc *d = &tc->doc[i];
    sqlite3_bind_int64(st, 1, d->event_id);
    if (d->customer_id) sqlite3_bind_int64(st, 2, d->customer_id);
    else sqlite3_bind_null(st, 2);
    sqlite3_bind_double(st, 3, d->neg);
    sqlite3_bind_double(st, 4, d->neu);
    sqlite3_bind_double(st, 5, d->pos);
    sqlite3_bind_double(st, 6, d->compound);
    sqlite3_bind_text(st, 7, label_names[label_index(d->compound)], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, *run_id);
    if ((rc = tm_wh_step(wh, st, "saving text_sentiment", err))) goto fail;
  }
  sqlite3_finalize(st);
  st = NULL;
  if ((rc = tm_wh_prepare(wh, &st,
                          "INSERT INTO text_customer(customer_id, texts, mean_compound, negative_share, "
                          "recent_negative, run_id) VALUES(?,?,?,?,?,?)",
                          err)))
    goto fail;
  for (size_t i = 0; i < nc; i++) {
    sqlite3_bind_int64(st, 1, ca[i].customer_id);
    sqlite3_bind_int64(st, 2, ca[i].texts);
    sqlite3_bind_double(st, 3, ca[i].sum / (double)ca[i].texts);
    sqlite3_bind_double(st, 4, (double)ca[i].negative / (double)ca[i].texts);
    sqlite3_bind_int64(st, 5, ca[i].recent_negative);
    sqlite3_bind_int64(st, 6, *run_id);
    if ((rc = tm_wh_step(wh, st, "saving text_customer", err))) goto fail;
  }
  sqlite3_finalize(st);
  return tm_wh_exec(wh, "COMMIT", err);
fail:
  sqlite3_finalize(st);
  tm_wh_rollback(wh);
  return rc;
}

/* Accuracy against truth.json's "feedback" array ({id, label}), matched by
 * the event key the ingest derives from the id (XXH3 of the id's bytes). */
static int truth_accuracy(tm_doc *doc, const text_corpus *tc, const char *path, tm_error *err) {
  json_error_t jerr;
  json_t *truth = json_load_file(path, 0, &jerr);
  if (!truth) return tm_error_set(err, jerr.line > 0 ? TM_EFORMAT : TM_EIO, "%s:%d: %s", path, jerr.line, jerr.text);
  json_t *fb = json_object_get(truth, "feedback");
  if (!json_is_array(fb)) {
    json_decref(truth);
    return tm_error_set(err, TM_EFORMAT, "%s: no \"feedback\" array of planted labels (is it synth's truth.json?)", path);
  }
  tm_u64map map;
  int rc = tm_u64map_init(&map, json_array_size(fb) * 2 + 16);
  if (rc) { json_decref(truth); return tm_error_nomem(err); }
  size_t i;
  json_t *e;
  json_array_foreach(fb, i, e) {
    const char *id = json_string_value(json_object_get(e, "id"));
    const char *label = json_string_value(json_object_get(e, "label"));
    if (!id || !label) continue;
    int l = !strcmp(label, "positive") ? 0 : !strcmp(label, "neutral") ? 1 : !strcmp(label, "negative") ? 2 : -1;
    if (l < 0) continue;
    uint64_t *slot;
    bool inserted;
    if (tm_u64map_put(&map, tm_hash64(id, strlen(id)), (uint64_t)l + 1, &slot, &inserted)) {
      rc = tm_error_nomem(err);
      break;
    }
  }
  json_decref(truth);
  int64_t conf[3][3] = {{0}}, matched = 0, right = 0;
  for (size_t k = 0; !rc && k < tc->n; k++) {
    const uint64_t *v = tm_u64map_get(&map, tc->doc[k].event_key);
    if (!v) continue;
    int t = (int)*v - 1, p = label_index(tc->doc[k].compound);
    conf[t][p]++;
    matched++;
    right += t == p;
  }
  tm_u64map_fini(&map);
  if (rc) return rc;
  double f1sum = 0;
  tm_table *t;
  if (tm_table_new(&t, "confusion", "Planted label (rows) against scored label")) return tm_error_nomem(err);
  tm_table_add_col(t, "planted", TM_COL_STR);
  for (int l = 0; l < 3; l++) tm_table_add_col(t, label_names[l], TM_COL_INT);
  tm_table_add_col(t, "recall", TM_COL_SHARE);
  tm_table_add_col(t, "precision", TM_COL_SHARE);
  tm_table_add_col(t, "f1", TM_COL_REAL);
  for (int l = 0; l < 3; l++) {
    int64_t row = conf[l][0] + conf[l][1] + conf[l][2], col = conf[0][l] + conf[1][l] + conf[2][l];
    double rec = row ? (double)conf[l][l] / (double)row : 0, prec = col ? (double)conf[l][l] / (double)col : 0;
    double f1 = rec + prec > 0 ? 2 * rec * prec / (rec + prec) : 0;
    f1sum += f1;
    tm_table_add_row(t);
    tm_table_set_str(t, 0, label_names[l]);
    for (int p = 0; p < 3; p++) tm_table_set_int(t, 1 + p, conf[l][p]);
    tm_table_set_real(t, 4, rec);
    tm_table_set_real(t, 5, prec);
    tm_table_set_real(t, 6, f1);
  }
  if (tm_doc_add_table(doc, t) || tm_doc_set_int(doc, "truth_matched", matched) ||
      tm_doc_set_real(doc, "accuracy", matched ? (double)right / (double)matched : 0) ||
      tm_doc_set_real(doc, "macro_f1", f1sum / 3))
    return tm_error_nomem(err);
  if (!matched)
    return tm_error_set(err, TM_EFORMAT, "%s: none of its feedback ids is in the warehouse (another synth run?)", path);
  return 0;
}

int tm_sentiment_db(tm_doc **out, tm_warehouse *wh, tm_sentiment *s, const tm_text_db_options *opt, tm_error *err) {
  *out = NULL;
  text_corpus tc;
  int rc = text_load_feedback(wh, &tc, err);
  if (rc) return rc;
  const text_doc **by = NULL;
  cust_agg *ca = NULL;
  tm_doc *doc = NULL;
  if ((rc = text_score_corpus(&tc, s, opt, err))) goto done;
  /* per customer, over the texts that belong to one */
  by = tm_malloc((tc.n + 1) * sizeof *by);
  ca = tm_calloc(tc.n + 1, sizeof *ca);
  if (!by || !ca) { rc = tm_error_nomem(err); goto done; }
  size_t nb = 0, nc = 0;
  for (size_t i = 0; i < tc.n; i++)
    if (tc.doc[i].customer_id) by[nb++] = &tc.doc[i];
  qsort(by, nb, sizeof *by, cmp_cust);
  int64_t recent = tc.max_ts - 30LL * 86400000;
  for (size_t i = 0; i < nb; i++) {
    if (!nc || ca[nc - 1].customer_id != by[i]->customer_id) ca[nc++].customer_id = by[i]->customer_id;
    cust_agg *a = &ca[nc - 1];
    a->texts++;
    a->sum += by[i]->compound;
    bool negative = label_index(by[i]->compound) == 2;
    a->negative += negative;
    if (negative && by[i]->ts > recent) a->recent_negative = 1;
  }
  int64_t run_id = 0;
  if ((rc = save(wh, &tc, tm_sentiment_improved(s) ? "improved" : "fidelity", ca, nc, &run_id, err))) goto done;
  int64_t counts[3] = {0};
  double sum = 0;
  for (size_t i = 0; i < tc.n; i++) {
    counts[label_index(tc.doc[i].compound)]++;
    sum += tc.doc[i].compound;
  }
  int64_t recent_neg = 0;
  for (size_t i = 0; i < nc; i++) recent_neg += ca[i].recent_negative;
  if (tm_doc_new(&doc, "Feedback sentiment") || tm_doc_set_int(doc, "run_id", run_id) ||
      tm_doc_set_str(doc, "mode", tm_sentiment_improved(s) ? "improved" : "fidelity") ||
      tm_doc_set_int(doc, "texts", (int64_t)tc.n) || tm_doc_set_int(doc, "positive", counts[0]) ||
      tm_doc_set_int(doc, "neutral", counts[1]) || tm_doc_set_int(doc, "negative", counts[2]) ||
      tm_doc_set_real(doc, "mean_compound", tc.n ? sum / (double)tc.n : 0) ||
      tm_doc_set_int(doc, "customers", (int64_t)nc) || tm_doc_set_int(doc, "customers_recent_negative", recent_neg)) {
    rc = tm_error_nomem(err);
    goto done;
  }
  if (opt && opt->truth_path && (rc = truth_accuracy(doc, &tc, opt->truth_path, err))) goto done;
done:
  if (rc) { tm_doc_free(doc); doc = NULL; }
  *out = doc;
  tm_free(by);
  tm_free(ca);
  text_corpus_free(&tc);
  return rc;
}
