/*
 * logreg.c — L2-regularised logistic regression through liblinear
 * (Fan et al. 2008, "LIBLINEAR: A Library for Large Linear Classification";
 * solver L2R_LR, trust-region Newton), on features standardised with the
 * training rows' mean and standard deviation, so that the penalty treats
 * every feature alike and a coefficient is the change in log-odds per
 * standard deviation — the unit the reasons are worded in. The intercept is
 * liblinear's bias feature (penalised like the others, as liblinear does).
 * liblinear's chatter goes to a function that drops it: the library never prints.
 */
#include <linear.h>
#include <math.h>

#include "predict/predict.h"

static void quiet(const char *s) { (void)s; }

int pr_logreg_fit(pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, const pr_fit_opts *o,
                  tm_error *err) {
  size_t d = f->d;
  memset(m, 0, sizeof *m);
  m->kind = PR_LOGREG;
  m->d = d;
  m->mean = tm_calloc(d, sizeof *m->mean);
  m->sd = tm_calloc(d, sizeof *m->sd);
  m->w = tm_calloc(d, sizeof *m->w);
  struct feature_node *nodes = tm_malloc((nrows * (d + 2) + 1) * sizeof *nodes);
  struct feature_node **xs = tm_malloc((nrows ? nrows : 1) * sizeof *xs);
  double *ys = tm_malloc((nrows ? nrows : 1) * sizeof *ys);
  if (!m->mean || !m->sd || !m->w || !nodes || !xs || !ys) {
    tm_free(nodes);
    tm_free(xs);
    tm_free(ys);
    pr_model_free(m);
    return tm_error_nomem(err);
  }
  for (size_t i = 0; i < nrows; i++) {
    const double *x = &f->x[(rows ? rows[i] : i) * d];
    for (size_t j = 0; j < d; j++) m->mean[j] += x[j];
  }
  for (size_t j = 0; j < d; j++) m->mean[j] /= nrows ? (double)nrows : 1;
  for (size_t i = 0; i < nrows; i++) {
    const double *x = &f->x[(rows ? rows[i] : i) * d];
    for (size_t j = 0; j < d; j++) m->sd[j] += (x[j] - m->mean[j]) * (x[j] - m->mean[j]);
  }
  for (size_t j = 0; j < d; j++) m->sd[j] = nrows > 1 ? sqrt(m->sd[j] / (double)(nrows - 1)) : 0;
  size_t npos = 0;
  for (size_t i = 0; i < nrows; i++) {
    size_t r = rows ? rows[i] : i;
    const double *x = &f->x[r * d];
    struct feature_node *nd = &nodes[i * (d + 2)];
    size_t k = 0;
    for (size_t j = 0; j < d; j++) {
      double z = m->sd[j] > 0 ? (x[j] - m->mean[j]) / m->sd[j] : 0;
      if (z != 0) nd[k++] = (struct feature_node){(int)j + 1, z};
    }
    nd[k++] = (struct feature_node){(int)d + 1, 1.0};
    nd[k] = (struct feature_node){-1, 0};
    xs[i] = nd;
    ys[i] = f->y[r] ? 1.0 : -1.0;
    npos += f->y[r] != 0;
  }
  struct problem prob = {.l = (int)nrows, .n = (int)d + 1, .y = ys, .x = xs, .bias = 1.0};
  struct parameter par = {.solver_type = L2R_LR, .eps = 0.01, .C = o->C > 0 ? o->C : 1.0};
  set_print_string_function(quiet);
  const char *bad = check_parameter(&prob, &par);
  struct model *lm = bad ? NULL : train(&prob, &par);
  if (lm) {
    /* liblinear's w is for its first label, the class of the first row */
    double sign = lm->label[0] == 1 ? 1.0 : -1.0;
    for (size_t j = 0; j < d; j++) m->w[j] = sign * lm->w[j];
    m->b = sign * lm->w[d];
    if (npos == 0 || npos == nrows) { /* one class only: a constant model */
      memset(m->w, 0, d * sizeof *m->w);
      m->b = npos ? 30.0 : -30.0;
    }
    free_and_destroy_model(&lm);
  }
  tm_free(nodes);
  tm_free(xs);
  tm_free(ys);
  if (!lm && bad) {
    pr_model_free(m);
    return tm_error_set(err, TM_EINVAL, "liblinear: %s", bad);
  }
  return 0;
}

void pr_model_free(pr_model *m) {
  if (!m) return;
  tm_free(m->mean);
  tm_free(m->sd);
  tm_free(m->w);
  pr_gbt_free(m);
  memset(m, 0, sizeof *m);
}

int pr_model_fit(pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, const pr_fit_opts *o,
                 tm_error *err) {
  if (!rows) nrows = f->n;
  return o->kind == PR_GBT ? pr_gbt_fit(m, f, rows, nrows, o, err) : pr_logreg_fit(m, f, rows, nrows, o, err);
}

static double logreg_margin(const pr_model *m, const double *x) {
  double s = m->b;
  for (size_t j = 0; j < m->d; j++)
    if (m->sd[j] > 0) s += m->w[j] * (x[j] - m->mean[j]) / m->sd[j];
  return s;
}

int pr_model_predict(const pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, double *p,
                     tm_error *err) {
  if (!rows) nrows = f->n;
  if (m->kind == PR_GBT) return pr_gbt_predict(m, f, rows, nrows, p, err);
  for (size_t i = 0; i < nrows; i++) p[i] = 1.0 / (1.0 + exp(-logreg_margin(m, &f->x[(rows ? rows[i] : i) * f->d])));
  return 0;
}

int pr_model_contrib(const pr_model *m, const pr_frame *f, double *contrib, tm_error *err) {
  if (m->kind == PR_GBT) return pr_gbt_contrib(m, f, contrib, err);
  for (size_t i = 0; i < f->n; i++)
    for (size_t j = 0; j < f->d; j++)
      contrib[i * f->d + j] = m->sd[j] > 0 ? m->w[j] * (f->x[i * f->d + j] - m->mean[j]) / m->sd[j] : 0;
  return 0;
}
