/*
 * predict.h — the pieces of churn, propensity and lead scoring (internal).
 *
 * A model reads a pr_frame: n rows (customers, or a CSV's records) by d
 * numeric features in raw units, with a 0/1 label per row when it is a
 * training frame. Frames come from the warehouse dataset as of a cutoff
 * (model_features.c; features only from events before the cutoff, labels only
 * from the horizon after it, eligibility rules in labels.c) or from any CSV
 * (csv_frame.c). Models (logreg.c: liblinear's L2 logistic regression on
 * standardised features; gbt.c: xgboost) fit on a subset of rows, predict
 * probabilities and give per-feature contributions on the log-odds scale,
 * from which reasons.c words each customer's top three reasons. evaluate.c
 * holds the metrics and the stratified folds; model_store.c saves a run.
 */
#ifndef TM_PREDICT_PREDICT_H
#define TM_PREDICT_PREDICT_H
#include "store/dataset.h"

#define PR_NAME_MAX 64
#define PR_WORDS_MAX 96
#define PR_MAX_CSV_FEATURES 4096

typedef struct pr_frame {
  size_t n, d;
  double *x;                    /* n x d, row-major, raw units (no NaN) */
  uint8_t *y;                   /* n labels, or NULL for a scoring frame */
  double *value;                /* n revenues in the horizon (dataset frames with labels), or NULL */
  char (*name)[PR_NAME_MAX];    /* d machine names */
  char (*words)[PR_WORDS_MAX];  /* d plain-words descriptions, for reasons */
  int64_t *cust_id;             /* n warehouse customers.id, or NULL (CSV) */
  char *id_buf;                 /* row ids (customer key or the CSV's id), NUL-separated */
  size_t *id_off;               /* n offsets into id_buf */
  size_t id_len, id_cap;
} pr_frame;

void pr_frame_free(pr_frame *f);
/* Allocates n x d (zeroed), names, ids; y when labelled. */
int pr_frame_alloc(pr_frame *f, size_t n, size_t d, bool labelled, tm_error *err);
/* Appends row i's id (rows must be given in order). */
int pr_frame_set_id(pr_frame *f, size_t i, const char *id, tm_error *err);
static inline const char *pr_frame_id(const pr_frame *f, size_t i) { return f->id_buf + f->id_off[i]; }

/* ------------------------------------------------------------------ tasks */

typedef enum { PR_CHURN = 0, PR_PROPENSITY = 1, PR_LEADS = 2 } pr_kind;

typedef struct pr_task {
  pr_kind kind;
  bool activity_any;       /* churn: no activity of any kind (not only purchases) */
  const char *category;    /* propensity: buys in this category (NULL: anything) */
  const char *product;     /* propensity: buys this product */
  int64_t cutoff_ms;       /* features before, labels in [cutoff, cutoff + horizon) */
  int64_t horizon_ms;
  int64_t columns_as_of_ms; /* order-share columns of the channels with orders before this (0: the cutoff),
                              so that a scoring frame has the training frame's columns */
} pr_task;

/* What labels.c needs to know of one customer around the cutoff. */
typedef struct pr_obs {
  uint32_t orders_before, events_before;
  uint32_t orders_after, events_after, matches_after; /* in the horizon */
  double revenue_after;
} pr_obs;

bool pr_task_eligible(const pr_task *t, const pr_obs *o);
uint8_t pr_task_label(const pr_task *t, const pr_obs *o);
const char *pr_kind_name(pr_kind k);

/* Features of every eligible customer from events before t->cutoff_ms, and
 * (labelled) their labels from [cutoff, cutoff + horizon). */
int pr_frame_from_dataset(pr_frame *f, const tm_dataset *ds, const pr_task *t, bool labelled, tm_error *err);

/* A CSV as a frame: numeric columns as they are (blank or non-numeric cells
 * take the column's mean, with a <col>_missing indicator), other columns
 * one-hot, the id column (unique non-numeric values, or named like *id) kept
 * as the row id, the label column parsed from Yes/No, 1/0, true/false. */
int pr_frame_from_csv(pr_frame *f, const char *path, const char *label, tm_error *err);

/* ----------------------------------------------------------------- models */

typedef enum { PR_LOGREG = 0, PR_GBT = 1 } pr_model_kind;

typedef struct pr_fit_opts {
  pr_model_kind kind;
  double C;          /* logreg: inverse L2 strength */
  int rounds, depth; /* gbt */
  double eta;
  int threads;
  uint64_t seed;
} pr_fit_opts;

typedef struct pr_model {
  pr_model_kind kind;
  size_t d;
  double *mean, *sd, *w, b; /* logreg, on standardised features */
  void *booster;            /* gbt */
} pr_model;

/* Fits on rows[0..nrows) of f (all rows when rows is NULL). */
int pr_model_fit(pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, const pr_fit_opts *o,
                 tm_error *err);
/* P(label = 1) for rows (all when NULL) into p. */
int pr_model_predict(const pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, double *p,
                     tm_error *err);
/* Per-row, per-feature contributions to the log-odds (f->n x d): logistic
 * coefficient x standardised value; gbt SHAP values. */
int pr_model_contrib(const pr_model *m, const pr_frame *f, double *contrib, tm_error *err);
void pr_model_free(pr_model *m);

int pr_logreg_fit(pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, const pr_fit_opts *o,
                  tm_error *err);
int pr_gbt_fit(pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, const pr_fit_opts *o,
               tm_error *err);
int pr_gbt_predict(const pr_model *m, const pr_frame *f, const size_t *rows, size_t nrows, double *p, tm_error *err);
int pr_gbt_contrib(const pr_model *m, const pr_frame *f, double *contrib, tm_error *err);
void pr_gbt_free(pr_model *m);

/* --------------------------------------------------------------- metrics */

/* AUC (Mann-Whitney, ties count half). */
double pr_auc(const double *s, const uint8_t *y, size_t n);
/* Average precision (the step-wise area under the precision-recall curve). */
double pr_average_precision(const double *s, const uint8_t *y, size_t n);
double pr_brier(const double *s, const uint8_t *y, size_t n);

typedef struct pr_decile {
  uint64_t customers, positives;
  double rate, lift, capture; /* capture: cumulative share of positives in deciles 1..this */
} pr_decile;
/* Deciles by score, 1 = highest; decile_of[i] (may be NULL) gets row i's
 * decile; y may be NULL (then only decile_of is filled). Ties are broken by
 * row order, so the split is deterministic. Returns 0 or TM_ENOMEM. */
int pr_deciles(pr_decile out[10], int *decile_of, const double *s, const uint8_t *y, size_t n);

typedef struct pr_calib {
  uint64_t customers;
  double mean_score, observed;
} pr_calib;
/* Ten equal-width bins of predicted probability. */
void pr_calibration(pr_calib out[10], const double *s, const uint8_t *y, size_t n);

/* Stratified k folds: fold[i] in 0..k-1, positives and negatives each
 * shuffled by seed and dealt round-robin. Returns 0 or TM_ENOMEM. */
int pr_folds(int *fold, const uint8_t *y, size_t n, int k, uint64_t seed);

/* --------------------------------------------------------------- reasons */

/* Row's top three reasons (largest positive contributions), in plain words,
 * ';'-separated, into out. mean[j] is the feature's mean over the frame. */
void pr_reasons(char *out, size_t cap, const pr_frame *f, size_t row, const double *contrib, const double *mean);

/* ---------------------------------------------------------------- drivers */

/* Pearson correlation of a and b (n values, stride apart). */
double pr_correlation(const double *a, size_t sa, const double *b, size_t sb, size_t n);

/* ------------------------------------------------------------ persistence */

typedef struct pr_run_summary {
  const char *kind, *model;
  int64_t cutoff_ms;
  double horizon_days;
  uint64_t customers, positives;
  double auc, pr_auc, brier;
} pr_run_summary;

/* Saves a run: model_runs, model_scores (scored frame), model_importance,
 * model_deciles. *run_id gets the new id. */
int pr_store_save(int64_t *run_id, tm_warehouse *wh, const pr_run_summary *s, const pr_frame *scored,
                  const double *score, const int *decile, char *const *reasons, const pr_frame *f,
                  const double *importance, const pr_decile deciles[10], tm_error *err);

#endif
