/*
 * gbt.c — gradient-boosted trees through xgboost's C API (Chen & Guestrin
 * 2016), objective binary:logistic, histogram tree method. Row subsampling is
 * off and nthread and seed are set, so a fit is the same at any thread
 * count. Reasons come from xgboost's own SHAP values (TreeSHAP, Lundberg et
 * al. 2020: pred_contribs), the per-feature contributions to the log-odds.
 * xgboost copies the float matrix it is given; ours is freed at once.
 */
#include <math.h>
#include <stdio.h>
#include <xgboost/c_api.h>

#include "predict/predict.h"

static int xgb_fail(tm_error *err, const char *what) {
  return tm_error_set(err, TM_EINVAL, "xgboost %s: %s", what, XGBGetLastError());
}

/* rows of f as a float DMatrix */
static int matrix(DMatrixHandle *out, const pr_frame *f, const size_t *rows, size_t nrows, bool labels,
                  tm_error *err) {
  size_t d = f->d;
  size_t cells = nrows * d;
  float *x = tm_malloc((cells ? cells : 1) * sizeof *x);
  float *y = labels ? tm_malloc((nrows ? nrows : 1) * sizeof *y) : NULL;
  if (!x || (labels && !y)) {
    tm_free(x);
    tm_free(y);
    return tm_error_nomem(err);
  }
  for (size_t i = 0; i < nrows; i++) {
    size_t r = rows ? rows[i] : i;
    for (size_t j = 0; j < d; j++) x[i * d + j] = (float)f->x[r * d + j];
    if (y) y[i] = f->y[r];
  }
  int rc = 0;
  if (XGDMatrixCreateFromMat(x, nrows, d, NAN, out)) rc = xgb_fail(err, "matrix");
  else if (y && XGDMatrixSetFloatInfo(*out, "label", y, nrows)) rc = xgb_fail(err, "labels");
  tm_free(x);
  tm_free(y);
  return rc;
}

int pr_gbt_fit(pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, const pr_fit_opts *o,
               tm_error *err) {
  memset(m, 0, sizeof *m);
  m->kind = PR_GBT;
  m->d = f->d;
  DMatrixHandle dm;
  int rc = matrix(&dm, f, rows, nrows, true, err);
  if (rc) return rc;
  BoosterHandle b;
  if (XGBoosterCreate(&dm, 1, &b)) {
    XGDMatrixFree(dm);
    return xgb_fail(err, "create");
  }
  char depth[16], eta[32], threads[16], seed[32];
  snprintf(depth, sizeof depth, "%d", o->depth > 0 ? o->depth : 4);
  snprintf(eta, sizeof eta, "%g", o->eta > 0 ? o->eta : 0.1);
  snprintf(threads, sizeof threads, "%d", o->threads > 0 ? o->threads : 1);
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)(o->seed % 2147483647));
  const char *params[][2] = {{"objective", "binary:logistic"}, {"tree_method", "hist"}, {"max_depth", depth},
                             {"eta", eta}, {"nthread", threads}, {"seed", seed}, {"verbosity", "0"},
                             {"min_child_weight", "1"}, {"subsample", "1"}, {"eval_metric", "logloss"}};
  for (size_t i = 0; i < TM_ARRAY_LEN(params); i++)
    if (XGBoosterSetParam(b, params[i][0], params[i][1])) {
      rc = xgb_fail(err, "parameter");
      goto out;
    }
  int rounds = o->rounds > 0 ? o->rounds : 100;
  for (int it = 0; it < rounds; it++)
    if (XGBoosterUpdateOneIter(b, it, dm)) {
      rc = xgb_fail(err, "training");
      goto out;
    }
  m->booster = b;
  b = NULL;
out:
  if (b) XGBoosterFree(b);
  XGDMatrixFree(dm);
  return rc;
}

static int predict(const pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, int type, double *out,
                   size_t width, tm_error *err) {
  DMatrixHandle dm;
  int rc = matrix(&dm, f, rows, nrows, false, err);
  if (rc) return rc;
  char cfg[128];
  snprintf(cfg, sizeof cfg,
           "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false}",
           type);
  const bst_ulong *shape;
  bst_ulong dim;
  const float *res;
  if (XGBoosterPredictFromDMatrix(m->booster, dm, cfg, &shape, &dim, &res)) {
    rc = xgb_fail(err, "prediction");
  } else {
    /* contributions: d features then the bias, per row; copy before the next call */
    size_t stride = type == 2 ? m->d + 1 : 1;
    for (size_t i = 0; i < nrows; i++)
      for (size_t j = 0; j < width; j++) out[i * width + j] = res[i * stride + j];
  }
  XGDMatrixFree(dm);
  return rc;
}

int pr_gbt_predict(const pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, double *p, tm_error *err) {
  return predict(m, f, rows, nrows, 0, p, 1, err);
}

int pr_gbt_contrib(const pr_model *m, const pr_frame *f, double *contrib, tm_error *err) {
  return predict(m, f, NULL, f->n, 2, contrib, f->d, err);
}

void pr_gbt_free(pr_model *m) {
  if (m && m->booster) XGBoosterFree(m->booster);
  if (m) m->booster = NULL;
}
