/*
 * scoring.c — a churn / propensity / lead scoring run from start to end:
 * the labelled frame as of the cutoff, stratified k-fold cross-validation
 * (every customer scored by a model that did not see them: the AUC, PR-AUC,
 * Brier score, deciles and calibration are all out of fold), the final model
 * fit on every labelled customer, then the scores, deciles and top reasons
 * of every eligible customer as of the end of the data, saved to the
 * warehouse. Backtests repeat the cross-validation at earlier cutoffs.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "predict/predict.h"
#include "store/warehouse_int.h"

#define DAY_MS 86400000.0
#define MAX_FOLDS 20

const char *tm_model_check(const tm_model_options *o) {
  if (!o || o->version != TM_MODEL_OPTIONS_VERSION) return "options of another version";
  if (!o->kind || (strcmp(o->kind, "churn") && strcmp(o->kind, "propensity") && strcmp(o->kind, "leads")))
    return "the kind must be churn, propensity or leads";
  if (!o->model || (strcmp(o->model, "logreg") && strcmp(o->model, "gbt"))) return "--model must be logreg or gbt";
  if (o->folds < 2 || o->folds > MAX_FOLDS) return "--folds must be 2 to 20";
  if (o->horizon_days < 0 || o->horizon_days > 3660) return "--horizon must be 1 to 3660 days";
  if (o->backtest < 0 || o->backtest > 24) return "--backtest must be 0 to 24";
  if ((o->category || o->product) && strcmp(o->kind, "propensity"))
    return "--category and --product are for propensity";
  if (o->activity_any && strcmp(o->kind, "churn")) return "--activity is for churn";
  if (o->C < 0 || o->eta < 0 || o->eta > 1 || o->rounds < 0 || o->rounds > 5000 || o->depth < 0 || o->depth > 16)
    return "model parameters out of range (C > 0, eta 0..1, rounds up to 5000, depth up to 16)";
  return NULL;
}

static pr_fit_opts fit_opts(const tm_model_options *o) {
  return (pr_fit_opts){.kind = strcmp(o->model, "gbt") ? PR_LOGREG : PR_GBT,
                       .C = o->C > 0 ? o->C : 1.0,
                       .rounds = o->rounds > 0 ? o->rounds : 100,
                       .depth = o->depth > 0 ? o->depth : 4,
                       .eta = o->eta > 0 ? o->eta : 0.1,
                       .threads = o->threads > 0 ? o->threads : 1,
                       .seed = o->seed};
}

/* ------------------------------------------------------ cross-validation */

typedef struct cv_result {
  double auc, auc_sd, ap, brier;
  double fold_auc[MAX_FOLDS];
  double *oof; /* out-of-fold score per row */
  pr_decile dec[10];
  pr_calib cal[10];
  uint64_t positives;
} cv_result;

static int cross_validate(cv_result *r, const pr_frame *f, const pr_fit_opts *fo, int k, uint64_t seed,
                          const tm_model_options *o, tm_error *err) {
  memset(r, 0, sizeof *r);
  size_t n = f->n;
  int *fold = tm_malloc((n ? n : 1) * sizeof *fold);
  size_t *train = tm_malloc((n ? n : 1) * sizeof *train), *test = tm_malloc((n ? n : 1) * sizeof *test);
  double *p = tm_malloc((n ? n : 1) * sizeof *p);
  uint8_t *yt = tm_malloc(n ? n : 1);
  r->oof = tm_malloc((n ? n : 1) * sizeof *r->oof);
  int rc = 0;
  if (!fold || !train || !test || !p || !yt || !r->oof || pr_folds(fold, f->y, n, k, seed)) {
    rc = tm_error_nomem(err);
    goto out;
  }
  double s = 0, ss = 0;
  for (int q = 0; q < k; q++) {
    if (o->progress && o->progress(o->progress_payload, "cross-validation", (uint64_t)q, (uint64_t)k)) {
      rc = tm_error_set(err, TM_ECANCELED, "cancelled");
      goto out;
    }
    size_t ntr = 0, nte = 0;
    for (size_t i = 0; i < n; i++) {
      if (fold[i] == q) test[nte++] = i;
      else train[ntr++] = i;
    }
    pr_model m;
    if ((rc = pr_model_fit(&m, f, train, ntr, fo, err))) goto out;
    rc = pr_model_predict(&m, f, test, nte, p, err);
    pr_model_free(&m);
    if (rc) goto out;
    for (size_t i = 0; i < nte; i++) r->oof[test[i]] = p[i], yt[i] = f->y[test[i]];
    r->fold_auc[q] = pr_auc(p, yt, nte);
    s += r->fold_auc[q];
    ss += r->fold_auc[q] * r->fold_auc[q];
  }
  r->auc = pr_auc(r->oof, f->y, n);
  r->auc_sd = k > 1 ? sqrt(fmax(0, (ss - s * s / k) / (k - 1))) : 0;
  r->ap = pr_average_precision(r->oof, f->y, n);
  r->brier = pr_brier(r->oof, f->y, n);
  for (size_t i = 0; i < n; i++) r->positives += f->y[i];
  if (pr_deciles(r->dec, NULL, r->oof, f->y, n)) rc = tm_error_nomem(err);
  pr_calibration(r->cal, r->oof, f->y, n);
out:
  tm_free(fold);
  tm_free(train);
  tm_free(test);
  tm_free(p);
  tm_free(yt);
  if (rc) tm_free(r->oof), r->oof = NULL;
  return rc;
}

/* ------------------------------------------------------------- the doc */

static void iso_date(char *out, size_t cap, int64_t ms) {
  time_t t = (time_t)(ms / 1000);
  struct tm tmv;
  gmtime_r(&t, &tmv);
  strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

#define TRY(x)                    \
  do {                            \
    if ((x)) goto nomem;          \
  } while (0)

static int add_eval_tables(tm_doc *doc, const cv_result *cv, int k, const pr_frame *f, const double *imp) {
  tm_table *t = NULL;
  TRY(tm_table_new(&t, "deciles", "Lift and capture by decile (out of fold; 1 = highest scores)"));
  TRY(tm_table_add_col(t, "decile", TM_COL_INT) < 0 || tm_table_add_col(t, "customers", TM_COL_INT) < 0 ||
      tm_table_add_col(t, "positives", TM_COL_INT) < 0 || tm_table_add_col(t, "rate", TM_COL_SHARE) < 0 ||
      tm_table_add_col(t, "lift", TM_COL_REAL) < 0 || tm_table_add_col(t, "capture", TM_COL_SHARE) < 0);
  for (int q = 0; q < 10; q++)
    TRY(tm_table_add_row(t) || tm_table_set_int(t, 0, q + 1) || tm_table_set_int(t, 1, (int64_t)cv->dec[q].customers) ||
        tm_table_set_int(t, 2, (int64_t)cv->dec[q].positives) || tm_table_set_real(t, 3, cv->dec[q].rate) ||
        tm_table_set_real(t, 4, cv->dec[q].lift) || tm_table_set_real(t, 5, cv->dec[q].capture));
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  TRY(tm_table_new(&t, "calibration", "Calibration: predicted against observed, by predicted probability"));
  TRY(tm_table_add_col(t, "bin", TM_COL_STR) < 0 || tm_table_add_col(t, "customers", TM_COL_INT) < 0 ||
      tm_table_add_col(t, "mean_score", TM_COL_SHARE) < 0 || tm_table_add_col(t, "observed", TM_COL_SHARE) < 0);
  for (int b = 0; b < 10; b++) {
    char bin[16];
    snprintf(bin, sizeof bin, "%.1f-%.1f", b / 10.0, (b + 1) / 10.0);
    TRY(tm_table_add_row(t) || tm_table_set_str(t, 0, bin) || tm_table_set_int(t, 1, (int64_t)cv->cal[b].customers) ||
        tm_table_set_real(t, 2, cv->cal[b].mean_score) || tm_table_set_real(t, 3, cv->cal[b].observed));
  }
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  TRY(tm_table_new(&t, "folds", "AUC per cross-validation fold"));
  TRY(tm_table_add_col(t, "fold", TM_COL_INT) < 0 || tm_table_add_col(t, "auc", TM_COL_REAL) < 0);
  for (int q = 0; q < k; q++)
    TRY(tm_table_add_row(t) || tm_table_set_int(t, 0, q + 1) || tm_table_set_real(t, 1, cv->fold_auc[q]));
  TRY(tm_doc_add_table(doc, t));
  t = NULL;
  size_t *ord = tm_malloc((f->d ? f->d : 1) * sizeof *ord);
  if (!ord) goto nomem;
  for (size_t j = 0; j < f->d; j++) ord[j] = j;
  for (size_t a = 1; a < f->d; a++) /* insertion sort, largest first; d is small */
    for (size_t b = a; b > 0 && imp[ord[b]] > imp[ord[b - 1]]; b--) {
      size_t tmp = ord[b];
      ord[b] = ord[b - 1];
      ord[b - 1] = tmp;
    }
  int bad = tm_table_new(&t, "importance", "Feature importance (logreg: |standardised coefficient|; gbt: mean |SHAP|)") ||
            tm_table_add_col(t, "feature", TM_COL_STR) < 0 || tm_table_add_col(t, "description", TM_COL_STR) < 0 ||
            tm_table_add_col(t, "importance", TM_COL_REAL) < 0;
  for (size_t j = 0; j < f->d && !bad; j++)
    bad = tm_table_add_row(t) || tm_table_set_str(t, 0, f->name[ord[j]]) || tm_table_set_str(t, 1, f->words[ord[j]]) ||
          tm_table_set_real(t, 2, imp[ord[j]]);
  tm_free(ord);
  if (bad) goto nomem;
  TRY(tm_doc_add_table(doc, t));
  return 0;
nomem:
  tm_table_free(t);
  return TM_ENOMEM;
}

static int by_score_desc(const void *a, const void *b, void *arg) {
  const double *s = arg;
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  if (s[i] != s[j]) return s[i] > s[j] ? -1 : 1;
  return i < j ? -1 : i > j;
}

/* scores table: rows of sf by score, highest first */
static int add_scores(tm_doc *doc, const pr_frame *sf, const double *score, const int *decile, char *const *reasons) {
  tm_table *t = NULL;
  size_t *ord = tm_malloc((sf->n ? sf->n : 1) * sizeof *ord);
  if (!ord) return TM_ENOMEM;
  for (size_t i = 0; i < sf->n; i++) ord[i] = i;
  qsort_r(ord, sf->n, sizeof *ord, by_score_desc, (void *)score);
  size_t m = sf->n;
  TRY(tm_table_new(&t, "scores", "Customers by score (highest first), with their top reasons"));
  TRY(tm_table_add_col(t, "customer", TM_COL_STR) < 0 || tm_table_add_col(t, "score", TM_COL_REAL) < 0 ||
      tm_table_add_col(t, "decile", TM_COL_INT) < 0 || tm_table_add_col(t, "reasons", TM_COL_STR) < 0);
  for (size_t k = 0; k < m; k++) {
    size_t i = ord[k];
    TRY(tm_table_add_row(t) || tm_table_set_str(t, 0, pr_frame_id(sf, i)) || tm_table_set_real(t, 1, score[i]) ||
        tm_table_set_int(t, 2, decile[i]) || tm_table_set_str(t, 3, reasons[i]));
  }
  tm_free(ord);
  return tm_doc_add_table(doc, t) ? TM_ENOMEM : 0;
nomem:
  tm_free(ord);
  tm_table_free(t);
  return TM_ENOMEM;
}

/* --------------------------------------------------- explaining a model */

typedef struct explained {
  double *importance; /* d */
  char **reasons;     /* n pointers into buf */
  char *buf;
  size_t len, cap;
} explained;

static void explained_free(explained *e) {
  tm_free(e->importance);
  tm_free(e->reasons);
  tm_free(e->buf);
  memset(e, 0, sizeof *e);
}

/* Reasons for every row of sf and the features' importance (logreg:
 * |coefficient|; gbt: mean |SHAP| over sf). mean[] for the wording is f's. */
static int explain(explained *e, const pr_model *m, const pr_frame *f, const pr_frame *sf, tm_error *err) {
  memset(e, 0, sizeof *e);
  size_t d = f->d;
  e->importance = tm_calloc(d ? d : 1, sizeof *e->importance);
  double *mean = tm_calloc(d ? d : 1, sizeof *mean);
  size_t *off = tm_malloc((sf->n ? sf->n : 1) * sizeof *off);
  double *contrib = NULL;
  int rc = 0;
  if (!e->importance || !mean || !off) goto nomem;
  if (m->kind == PR_LOGREG)
    for (size_t j = 0; j < d; j++) e->importance[j] = fabs(m->w[j]);
  for (size_t i = 0; i < f->n; i++)
    for (size_t j = 0; j < d; j++) mean[j] += f->x[i * d + j];
  for (size_t j = 0; j < d; j++) mean[j] /= f->n ? (double)f->n : 1;
  if (!(contrib = tm_malloc((sf->n * d > 0 ? sf->n * d : 1) * sizeof *contrib))) goto nomem;
  if ((rc = pr_model_contrib(m, sf, contrib, err))) goto out;
  if (m->kind == PR_GBT) { /* mean |SHAP| over the customers explained: TreeSHAP is the costly part */
    for (size_t i = 0; i < sf->n; i++)
      for (size_t j = 0; j < d; j++) e->importance[j] += fabs(contrib[i * d + j]);
    for (size_t j = 0; j < d; j++) e->importance[j] /= sf->n ? (double)sf->n : 1;
  }
  char line[512];
  for (size_t i = 0; i < sf->n; i++) {
    pr_reasons(line, sizeof line, sf, i, contrib, mean);
    size_t len = strlen(line) + 1;
    if (TM_GROW(e->buf, e->cap, e->len + len)) goto nomem;
    memcpy(e->buf + e->len, line, len);
    off[i] = e->len;
    e->len += len;
  }
  if (!(e->reasons = tm_malloc((sf->n ? sf->n : 1) * sizeof *e->reasons))) goto nomem;
  for (size_t i = 0; i < sf->n; i++) e->reasons[i] = e->buf + off[i];
  goto out;
nomem:
  rc = tm_error_nomem(err);
out:
  tm_free(mean);
  tm_free(off);
  tm_free(contrib);
  if (rc) explained_free(e);
  return rc;
}

/* --------------------------------------------------------- truth bounds */

typedef struct truth {
  int64_t cutoff_ms;
  double window_days, best_auc, observable_auc, bgnbd_auc;
  bool loaded;
} truth;

static int truth_load(truth *t, const char *path, tm_error *err) {
  memset(t, 0, sizeof *t);
  t->best_auc = t->observable_auc = t->bgnbd_auc = NAN;
  if (!path) return 0;
  json_error_t jerr;
  json_t *root = json_load_file(path, 0, &jerr);
  if (!root) return tm_error_set(err, TM_EIO, "%s:%d: %s", path, jerr.line, jerr.text);
  json_t *c = json_object_get(root, "churn");
  int rc = 0;
  if (!json_is_object(c) || !json_is_string(json_object_get(c, "cutoff"))) {
    rc = tm_error_set(err, TM_EFORMAT, "%s: no churn section with a cutoff (is it a touchmine synth truth.json?)", path);
  } else if (tm_parse_time(json_string_value(json_object_get(c, "cutoff")), &t->cutoff_ms, err)) {
    rc = tm_error_set(err, TM_EFORMAT, "%s: churn.cutoff is not a time", path);
  } else {
    t->window_days = json_number_value(json_object_get(c, "window_days"));
    json_t *b = json_object_get(c, "best_auc"), *ob = json_object_get(c, "best_observable_auc");
    if (json_is_number(b)) t->best_auc = json_number_value(b);
    if (json_is_number(ob)) t->observable_auc = json_number_value(ob);
    json_t *bg = json_object_get(c, "bgnbd_observable_auc");
    if (json_is_number(bg)) t->bgnbd_auc = json_number_value(bg);
    t->loaded = true;
  }
  json_decref(root);
  return rc;
}

/* ------------------------------------------------------------ the runs */

static int64_t data_end(const tm_dataset *ds) {
  int64_t end = 0;
  for (size_t c = 0; c < ds->ncust; c++)
    if (ds->off[c + 1] > ds->off[c] && ds->ts[ds->off[c + 1] - 1] > end) end = ds->ts[ds->off[c + 1] - 1];
  return end + 1;
}

static int frame_check(const pr_frame *f, const char *what, tm_error *err) {
  size_t pos = 0;
  for (size_t i = 0; i < f->n; i++) pos += f->y[i];
  if (f->n < 20 || pos < 2 || f->n - pos < 2)
    return tm_error_set(err, TM_EINVAL,
                        "%s: %zu customers, %zu positive — too few to train and cross-validate (need 20, and two of "
                        "each class); try another --cutoff or --horizon",
                        what, f->n, pos);
  return 0;
}

static int set_common(tm_doc *doc, const tm_model_options *o, const pr_frame *f, const cv_result *cv) {
  return tm_doc_set_str(doc, "kind", o->kind) || tm_doc_set_str(doc, "model", o->model) ||
         tm_doc_set_int(doc, "customers", (int64_t)f->n) || tm_doc_set_int(doc, "positives", (int64_t)cv->positives) ||
         tm_doc_set_real(doc, "base_rate", f->n ? (double)cv->positives / (double)f->n : 0) ||
         tm_doc_set_int(doc, "features", (int64_t)f->d) || tm_doc_set_int(doc, "folds", o->folds) ||
         tm_doc_set_real(doc, "auc", cv->auc) || tm_doc_set_real(doc, "auc_sd", cv->auc_sd) ||
         tm_doc_set_real(doc, "pr_auc", cv->ap) || tm_doc_set_real(doc, "brier", cv->brier);
}

int tm_model_run(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_model_options *o, tm_error *err) {
  *out = NULL;
  const char *bad = tm_model_check(o);
  if (bad) return tm_error_set(err, TM_EINVAL, "%s", bad);
  truth tr;
  int rc = truth_load(&tr, o->truth_path, err);
  if (rc) return rc;
  pr_task task = {.kind = !strcmp(o->kind, "churn") ? PR_CHURN : !strcmp(o->kind, "propensity") ? PR_PROPENSITY : PR_LEADS,
                  .activity_any = o->activity_any != 0, .category = o->category, .product = o->product};
  double horizon = o->horizon_days > 0 ? o->horizon_days : tr.loaded && tr.window_days > 0 ? tr.window_days : 90;
  task.horizon_ms = (int64_t)(horizon * DAY_MS);
  int64_t end = data_end(ds);
  task.cutoff_ms = o->cutoff_ms ? o->cutoff_ms : tr.loaded ? tr.cutoff_ms : end - task.horizon_ms;
  pr_fit_opts fo = fit_opts(o);
  pr_frame f = {0}, sf = {0};
  cv_result cv = {0};
  pr_model m = {0};
  explained ex = {0};
  double *score = NULL;
  int *decile = NULL;
  tm_doc *doc = NULL;
  if ((rc = pr_frame_from_dataset(&f, ds, &task, true, err))) goto out;
  if ((rc = frame_check(&f, pr_kind_name(task.kind), err))) goto out;
  if ((rc = cross_validate(&cv, &f, &fo, o->folds, o->seed, o, err))) goto out;
  if ((rc = pr_model_fit(&m, &f, NULL, f.n, &fo, err))) goto out;
  /* score everyone eligible at the end of the data, with the same features */
  pr_task now = task;
  now.cutoff_ms = end;
  now.horizon_ms = task.horizon_ms;
  now.columns_as_of_ms = task.cutoff_ms;
  if ((rc = pr_frame_from_dataset(&sf, ds, &now, false, err))) goto out;
  score = tm_malloc((sf.n ? sf.n : 1) * sizeof *score);
  decile = tm_malloc((sf.n ? sf.n : 1) * sizeof *decile);
  if (!score || !decile) goto nomem;
  if ((rc = pr_model_predict(&m, &sf, NULL, sf.n, score, err))) goto out;
  if (pr_deciles((pr_decile[10]){0}, decile, score, NULL, sf.n)) goto nomem;
  if ((rc = explain(&ex, &m, &f, &sf, err))) goto out;
  int64_t run_id = 0;
  if (wh && !wh->readonly) {
    pr_run_summary sum = {o->kind, o->model, task.cutoff_ms, horizon, f.n, cv.positives, cv.auc, cv.ap, cv.brier};
    if ((rc = pr_store_save(&run_id, wh, &sum, &sf, score, decile, ex.reasons, &f, ex.importance, cv.dec, err)))
      goto out;
  }
  char when[32];
  iso_date(when, sizeof when, task.cutoff_ms);
  if (tm_doc_new(&doc, "Churn, propensity and lead scores") || set_common(doc, o, &f, &cv) ||
      tm_doc_set_str(doc, "cutoff", when) || tm_doc_set_real(doc, "horizon_days", horizon) ||
      tm_doc_set_int(doc, "scored", (int64_t)sf.n) || tm_doc_set_int(doc, "run_id", run_id))
    goto nomem;
  if (tr.loaded && !strcmp(o->kind, "churn")) {
    if (tr.best_auc == tr.best_auc && tm_doc_set_real(doc, "truth_best_auc", tr.best_auc)) goto nomem;
    if (tr.observable_auc == tr.observable_auc && tm_doc_set_real(doc, "truth_observable_auc", tr.observable_auc))
      goto nomem;
    if (tr.bgnbd_auc == tr.bgnbd_auc && tm_doc_set_real(doc, "truth_bgnbd_auc", tr.bgnbd_auc)) goto nomem;
  }
  if (add_eval_tables(doc, &cv, o->folds, &f, ex.importance) || add_scores(doc, &sf, score, decile, ex.reasons))
    goto nomem;
  if (o->backtest) {
    tm_table *t = NULL;
    if (tm_table_new(&t, "backtest", "Cross-validated AUC at earlier cutoffs, a horizon apart") ||
        tm_table_add_col(t, "cutoff", TM_COL_STR) < 0 || tm_table_add_col(t, "customers", TM_COL_INT) < 0 ||
        tm_table_add_col(t, "positives", TM_COL_INT) < 0 || tm_table_add_col(t, "auc", TM_COL_REAL) < 0) {
      tm_table_free(t);
      goto nomem;
    }
    double s = cv.auc, ss = cv.auc * cv.auc, lo = cv.auc, hi = cv.auc;
    int nb = 1;
    for (int b = 0; b <= o->backtest; b++) {
      pr_task bt = task;
      bt.cutoff_ms = task.cutoff_ms - (int64_t)b * task.horizon_ms;
      pr_frame bf = {0};
      cv_result bcv = {0};
      if (b > 0) {
        if ((rc = pr_frame_from_dataset(&bf, ds, &bt, true, err))) {
          tm_table_free(t);
          goto out;
        }
        if (frame_check(&bf, "backtest", NULL)) { /* too early: no history left */
          pr_frame_free(&bf);
          break;
        }
        rc = cross_validate(&bcv, &bf, &fo, o->folds, o->seed, o, err);
        if (rc) {
          pr_frame_free(&bf);
          tm_table_free(t);
          goto out;
        }
        s += bcv.auc, ss += bcv.auc * bcv.auc, nb++;
        lo = fmin(lo, bcv.auc), hi = fmax(hi, bcv.auc);
      }
      iso_date(when, sizeof when, bt.cutoff_ms);
      int bad_row = tm_table_add_row(t) || tm_table_set_str(t, 0, when) ||
                    tm_table_set_int(t, 1, (int64_t)(b ? bf.n : f.n)) ||
                    tm_table_set_int(t, 2, (int64_t)(b ? bcv.positives : cv.positives)) ||
                    tm_table_set_real(t, 3, b ? bcv.auc : cv.auc);
      tm_free(bcv.oof);
      pr_frame_free(&bf);
      if (bad_row) {
        tm_table_free(t);
        goto nomem;
      }
    }
    double mean = s / nb;
    if (tm_doc_add_table(doc, t) || tm_doc_set_real(doc, "backtest_auc_mean", mean) ||
        tm_doc_set_real(doc, "backtest_auc_sd", nb > 1 ? sqrt(fmax(0, (ss - s * s / nb) / (nb - 1))) : 0) ||
        tm_doc_set_real(doc, "backtest_auc_range", hi - lo))
      goto nomem;
  }
  *out = doc;
  doc = NULL;
  goto out;
nomem:
  rc = tm_error_nomem(err);
out:
  tm_doc_free(doc);
  explained_free(&ex);
  pr_model_free(&m);
  tm_free(cv.oof);
  tm_free(score);
  tm_free(decile);
  pr_frame_free(&f);
  pr_frame_free(&sf);
  return rc;
}

int tm_model_run_csv(tm_doc **out, const char *path, const char *label, const tm_model_options *o, tm_error *err) {
  *out = NULL;
  const char *bad = tm_model_check(o);
  if (bad) return tm_error_set(err, TM_EINVAL, "%s", bad);
  pr_fit_opts fo = fit_opts(o);
  pr_frame f = {0};
  cv_result cv = {0};
  pr_model m = {0};
  explained ex = {0};
  int *decile = NULL;
  tm_doc *doc = NULL;
  int rc;
  if ((rc = pr_frame_from_csv(&f, path, label, err))) return rc;
  if ((rc = frame_check(&f, path, err))) goto out;
  if ((rc = cross_validate(&cv, &f, &fo, o->folds, o->seed, o, err))) goto out;
  if ((rc = pr_model_fit(&m, &f, NULL, f.n, &fo, err))) goto out;
  if ((rc = explain(&ex, &m, &f, &f, err))) goto out;
  if (!(decile = tm_malloc((f.n ? f.n : 1) * sizeof *decile))) goto nomem;
  if (pr_deciles((pr_decile[10]){0}, decile, cv.oof, NULL, f.n)) goto nomem;
  if (tm_doc_new(&doc, "Scores of a CSV") || set_common(doc, o, &f, &cv) || tm_doc_set_str(doc, "input", path) ||
      tm_doc_set_str(doc, "label", label) || tm_doc_set_int(doc, "scored", (int64_t)f.n))
    goto nomem;
  if (add_eval_tables(doc, &cv, o->folds, &f, ex.importance) || add_scores(doc, &f, cv.oof, decile, ex.reasons))
    goto nomem;
  *out = doc;
  doc = NULL;
  goto out;
nomem:
  rc = tm_error_nomem(err);
out:
  tm_doc_free(doc);
  explained_free(&ex);
  pr_model_free(&m);
  tm_free(cv.oof);
  tm_free(decile);
  pr_frame_free(&f);
  return rc;
}
