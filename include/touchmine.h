/*
 * touchmine.h — the public API of libtouchmine, a customer-touchpoint data-mining
 * engine. If it is not in this file, it is not a published API.
 *
 * Conventions (docs/conventions.md):
 *  - every name starts with tm_; stateful things are opaque handles with
 *    tm_x_new / tm_x_free (free accepts NULL);
 *  - outputs come first and are named out; a pointer written to *out belongs to
 *    the caller and has a matching _free; a pointer returned is borrowed;
 *  - functions that can fail return 0 (TM_OK) or a negative TM_E* code and fill
 *    the caller's tm_error (which may be NULL) with a one-line message naming
 *    file, line and field where they apply;
 *  - the library never prints and never exits; long work reports through a
 *    tm_progress_fn that can cancel;
 *  - unless stated, handles are not thread-safe; distinct handles may be used
 *    from distinct threads.
 */
#ifndef TOUCHMINE_H
#define TOUCHMINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TM_VERSION "0.1.0"

/* ------------------------------------------------------------------ errors */

enum {
  TM_OK = 0,
  TM_EINVAL = -1,     /* bad argument or option */
  TM_ENOMEM = -2,     /* allocation failed */
  TM_EIO = -3,        /* a file could not be read or written */
  TM_ENOTFOUND = -4,  /* a named thing does not exist */
  TM_ECANCELED = -5,  /* the progress callback asked to stop */
  TM_EFORMAT = -6,    /* input that cannot be understood at all (a config, a truth file) */
  TM_EDB = -7         /* the warehouse refused (locked, corrupt, wrong schema) */
};

typedef struct tm_error {
  int code;           /* the TM_E* code last returned */
  char message[512];  /* one line, no trailing newline */
} tm_error;

/* A static description of a TM_E* code. */
const char *tm_strerror(int code);

/* Parses a time as users write it on a command line: a date "2025-06-30",
 * ISO-8601 "2025-06-30T12:00:00+01:00" or epoch seconds / milliseconds.
 * Returns 0 with *ms (UTC milliseconds), or TM_EINVAL. */
int tm_parse_time(const char *s, int64_t *ms, tm_error *err);

/* Progress: called from the calling thread with a stage name, work done and
 * total (0 when unknown). Return non-zero to cancel: the call then returns
 * TM_ECANCELED and leaves the warehouse as it was. */
typedef int (*tm_progress_fn)(void *payload, const char *stage, uint64_t done, uint64_t total);

/* Test facility: make the (n+1)th allocation from now fail; -1 switches it off.
 * Not thread-safe. */
void tm_debug_fail_alloc_after(long n);

/* ------------------------------------------------------ tables and documents */

/* Results are documents: named scalars plus named tables, written as a human
 * text table, CSV or JSON by tm_doc_write. Every command's output is one. */
typedef enum { TM_FMT_TEXT = 0, TM_FMT_CSV = 1, TM_FMT_JSON = 2 } tm_format;
typedef enum {
  TM_COL_STR = 0,
  TM_COL_INT = 1,
  TM_COL_REAL = 2,  /* shown with 2 decimals in text, full precision in CSV/JSON */
  TM_COL_SHARE = 3  /* a fraction 0..1, shown as a percentage in text */
} tm_coltype;

typedef struct tm_table tm_table;
typedef struct tm_doc tm_doc;

/* name: a machine name (JSON key, CSV section); title: for humans. */
int tm_table_new(tm_table **out, const char *name, const char *title);
void tm_table_free(tm_table *t);
/* Adds a column; returns its index (>= 0) or TM_ENOMEM. */
int tm_table_add_col(tm_table *t, const char *name, tm_coltype type);
/* Appends a row of empty (null) cells; following sets fill it. 0 or TM_ENOMEM. */
int tm_table_add_row(tm_table *t);
/* Set a cell of the last row. Returns 0, TM_EINVAL (bad column) or TM_ENOMEM. */
int tm_table_set_str(tm_table *t, int col, const char *s);
int tm_table_set_int(tm_table *t, int col, int64_t v);
int tm_table_set_real(tm_table *t, int col, double v);
size_t tm_table_rows(const tm_table *t);
size_t tm_table_cols(const tm_table *t);
const char *tm_table_name(const tm_table *t);
const char *tm_table_col_name(const tm_table *t, size_t col);
/* Returns the column index of name, or -1. */
int tm_table_find_col(const tm_table *t, const char *name);
/* Cell getters: a null cell reads as "" / 0 / NaN. The string is borrowed. */
const char *tm_table_get_str(const tm_table *t, size_t row, size_t col);
int64_t tm_table_get_int(const tm_table *t, size_t row, size_t col);
double tm_table_get_real(const tm_table *t, size_t row, size_t col);

int tm_doc_new(tm_doc **out, const char *title);
void tm_doc_free(tm_doc *d);
/* Scalars, kept in insertion order; a key set twice keeps the last value. */
int tm_doc_set_int(tm_doc *d, const char *key, int64_t v);
int tm_doc_set_real(tm_doc *d, const char *key, double v);
int tm_doc_set_str(tm_doc *d, const char *key, const char *v);
/* Adds a table; the doc owns it from now on, even when this fails. */
int tm_doc_add_table(tm_doc *d, tm_table *t);
/* Borrowed lookups; NULL when absent. */
const tm_table *tm_doc_table(const tm_doc *d, const char *name);
int tm_doc_get_int(const tm_doc *d, const char *key, int64_t *out);
int tm_doc_get_real(const tm_doc *d, const char *key, double *out);
/* Writes the document. Text: scalars as "label  value" then each table with
 * its title (at most max_rows rows per table; 0 = all). CSV: with one table,
 * just that table; otherwise a "metric,value" table of the scalars then each
 * table after a "# name" line. JSON: one object, scalars as members and each
 * table as an array of row objects. Returns 0 or TM_EIO. */
int tm_doc_write(const tm_doc *d, FILE *f, tm_format fmt, size_t max_rows, tm_error *err);

/* Writes only table name of the document (e.g. one row per customer as CSV).
 * Returns 0, TM_ENOTFOUND or TM_EIO. */
int tm_doc_write_table(const tm_doc *d, const char *name, FILE *f, tm_format fmt, size_t max_rows,
                       tm_error *err);

/* --------------------------------------------------------------- warehouse */

/* The warehouse: a SQLite file with a star schema (docs/warehouse.md),
 * created and migrated to the current schema on open, in WAL mode. */
typedef struct tm_warehouse tm_warehouse;

enum {
  TM_WH_READONLY = 1, /* never write */
  TM_WH_EXISTING = 2  /* the file must exist; written only for caches (the dataset
                         snapshot), and opened read-only when it cannot be written */
};

/* Opens (creating unless TM_WH_READONLY or TM_WH_EXISTING) the warehouse at
 * path. Analyses open it with TM_WH_EXISTING. Returns 0,
 * TM_EDB (not a touchmine warehouse, newer schema, locked) or TM_EIO. */
int tm_warehouse_open(tm_warehouse **out, const char *path, int flags, tm_error *err);
void tm_warehouse_close(tm_warehouse *wh);
const char *tm_warehouse_path(const tm_warehouse *wh);
/* Schema version of the open warehouse. */
int tm_warehouse_version(const tm_warehouse *wh);

/* ------------------------------------------------------------------ config */

/* An ingest configuration (docs/config.md): one [source NAME] per export. */
typedef struct tm_config tm_config;

/* Parses the INI file. Unknown keys, bad values and sources without a file are
 * errors naming the file, line and key: TM_EFORMAT, or TM_EIO if unreadable. */
int tm_config_load(tm_config **out, const char *path, tm_error *err);
void tm_config_free(tm_config *cfg);
size_t tm_config_source_count(const tm_config *cfg);
const char *tm_config_source_name(const tm_config *cfg, size_t i);

/* ------------------------------------------------------------------ ingest */

typedef struct tm_ingest_options {
  int version;                 /* TM_INGEST_OPTIONS_VERSION */
  const char *const *only;     /* source names to run (NULL: all) */
  size_t n_only;
  const unsigned char *pseudonymize_key; /* 32 bytes: identifiers are stored as
                                            keyed hashes (BLAKE2b), never raw */
  tm_progress_fn progress;
  void *progress_payload;
} tm_ingest_options;

#define TM_INGEST_OPTIONS_VERSION 1
#define TM_INGEST_OPTIONS_INIT {TM_INGEST_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL}

/* Reads every file of the chosen sources into the warehouse in ONE
 * transaction: a failure or a kill leaves the warehouse as it was. Every row is
 * loaded or rejected (rejects table: file, line, reason, raw text); a file whose
 * checksum was ingested before is skipped; events whose id the source already
 * has are rejected as duplicates. Identities are then resolved over the whole
 * graph. On success *out is a document with read, loaded, rejected (totals),
 * duplicates, files, files_skipped, events, order_lines, identities, customers,
 * merges, quarantined, seconds, and tables "sources" and "reject_reasons".
 * Returns 0, TM_EINVAL (unknown source name), TM_EIO (an unreadable file),
 * TM_EDB, TM_ENOMEM or TM_ECANCELED. */
int tm_ingest_run(tm_doc **out, tm_warehouse *wh, const tm_config *cfg,
                  const tm_ingest_options *opt, tm_error *err);

/* Reads a pseudonymisation key file: 32 raw bytes, or 64 hex digits. */
int tm_pseudonymize_key_load(unsigned char key[32], const char *path, tm_error *err);

/* ---------------------------------------------------------------- identity */

typedef struct tm_identity_options {
  int version;               /* TM_IDENTITY_OPTIONS_VERSION */
  const char *explain;       /* a customer key or an identifier "type:value": explain its merges */
  const char *truth_path;    /* synth truth.json: add pairwise precision and recall */
  size_t max_rows;           /* rows of long tables (0 = 50) */
} tm_identity_options;

#define TM_IDENTITY_OPTIONS_VERSION 1
#define TM_IDENTITY_OPTIONS_INIT {TM_IDENTITY_OPTIONS_VERSION, NULL, NULL, 0}

/* Identity statistics: identities by type, customers, merges, quarantined
 * identifiers with why; with explain, that customer's identifiers and the
 * evidence of every merge (identifiers, rule, source, time); with truth_path,
 * precision and recall over pairs of identifiers and the planted shared
 * identifiers that merged strangers. */
int tm_identity_report(tm_doc **out, tm_warehouse *wh, const tm_identity_options *opt, tm_error *err);

/* ----------------------------------------------------------------- dataset */

/* The dataset every analysis reads: touchpoints sorted by (customer, time) in
 * columns with per-customer offsets, strings dictionary-encoded, order lines
 * beside them. Read-only once loaded; safe to share between threads. */
typedef struct tm_dataset tm_dataset;

typedef struct tm_dataset_options {
  int version;              /* TM_DATASET_OPTIONS_VERSION */
  int64_t as_of_ms;         /* only what happened before this instant (0: everything) */
  tm_progress_fn progress;
  void *progress_payload;
} tm_dataset_options;

#define TM_DATASET_OPTIONS_VERSION 1
#define TM_DATASET_OPTIONS_INIT {TM_DATASET_OPTIONS_VERSION, 0, NULL, NULL}

int tm_dataset_load(tm_dataset **out, tm_warehouse *wh, const tm_dataset_options *opt, tm_error *err);
void tm_dataset_free(tm_dataset *ds);
uint64_t tm_dataset_customers(const tm_dataset *ds);
uint64_t tm_dataset_events(const tm_dataset *ds);
uint64_t tm_dataset_order_lines(const tm_dataset *ds);
/* Bytes held by the dataset. */
uint64_t tm_dataset_memory(const tm_dataset *ds);

/* ----------------------------------------------------------------- summary */

/* Descriptive analytics: scalars customers, events, orders, revenue, aov,
 * first, last; tables by_channel, by_type, by_region, by_month, touchpoint_map
 * (per channel: mode, reach, events per customer touched, share who purchase
 * after touching it) and data-quality tables (completeness, rejects, identity). */
int tm_summary_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, tm_error *err);

/* --------------------------------------------------------------------- RFM */

/* Recency, frequency, monetary value per customer as of a date, quintile
 * scores 1-5 and the named RFM segments (docs/segments.md gives the rules).
 * Customers with at least one purchase before as_of count; recency is whole
 * days between the last purchase's date and as_of's date (UTC), frequency the
 * number of purchase touchpoints (orders), monetary the net amount of
 * purchases and returns. */
typedef struct tm_rfm_options {
  int version;        /* TM_RFM_OPTIONS_VERSION */
  int64_t as_of_ms;   /* 0: midnight after the last purchase in the dataset */
} tm_rfm_options;

#define TM_RFM_OPTIONS_VERSION 1
#define TM_RFM_OPTIONS_INIT {TM_RFM_OPTIONS_VERSION, 0}

/* Fills *out with scalars as_of, customers, run_id (0 when not saved) and
 * tables "rfm" (customer, recency_days, frequency, monetary, r, f, m, segment;
 * one row per customer, best RFM first) and "segments" (segment, customers,
 * share, revenue, revenue_share). When wh is writable the result is saved to
 * its segment_runs / customer_segments / customer_rfm tables. The dataset
 * should be loaded as of the same date. Returns 0, TM_EDB or TM_ENOMEM. */
int tm_rfm_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_rfm_options *opt,
                   tm_error *err);

/* ---------------------------------------------------------- rule segments */

/* Segments by declarative rules over customer attributes and behaviour
 * (docs/segments.md): kind is "demographic" (gender x age band),
 * "geographic" (region, else country), "psychographic" (the survey's
 * lifestyle), "firmographic" (industry x company size of B2B accounts),
 * "technographic" (the device most used), "value" (deciles of net spend) or
 * "behavioural" (main order channel x order frequency). Fills *out with
 * scalars kind, customers, run_id and tables "segments" (segment, customers,
 * share, revenue, revenue_share) and "assignments" (customer, segment); saved
 * when wh is writable. Returns 0, TM_EINVAL (unknown kind), TM_EDB, TM_ENOMEM. */
int tm_segment_rules(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const char *kind, tm_error *err);

/* ---------------------------------------------------------------- clusters */

/* Behavioural segments: k-means (k-means++ seeding, best of several
 * restarts) on standardised per-buyer features (docs/segments.md). */
typedef struct tm_cluster_options {
  int version;             /* TM_CLUSTER_OPTIONS_VERSION */
  int k;                   /* clusters; 0 = choose from 2..k_max by silhouette */
  int k_max;               /* largest k tried when k = 0 */
  int restarts;            /* k-means++ restarts; the lowest inertia is kept */
  int max_iter;            /* Lloyd iterations per restart at most */
  uint64_t seed;
  const char *truth_path;  /* synth truth.json: add the adjusted Rand index against its segments */
} tm_cluster_options;

#define TM_CLUSTER_OPTIONS_VERSION 1
#define TM_CLUSTER_OPTIONS_INIT {TM_CLUSTER_OPTIONS_VERSION, 5, 10, 8, 100, 42, NULL}

/* Fills *out with scalars k, customers, features, inertia, iterations,
 * silhouette (on a sample of at most 2,000 customers), calinski_harabasz,
 * davies_bouldin, run_id (and ari, truth_matched with a truth file) and tables
 * "segments" (segment, customers, share, and each feature's mean),
 * "personas" (segment, name, customers, share, revenue_share, top_channel,
 * top_category, top_region, sets_apart), "assignments" (customer, segment)
 * and, when k was chosen, "k_selection"
 * (k, silhouette, calinski_harabasz, davies_bouldin, inertia for each k tried). Saved to the warehouse when it is writable. The same
 * seed gives the same assignments at any thread count. Returns 0, TM_EINVAL
 * (k out of range), TM_EFORMAT / TM_EIO (truth file), TM_EDB or TM_ENOMEM. */
int tm_cluster_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cluster_options *opt,
                       tm_error *err);

/* ------------------------------------------------------------------- synth */

/* Synthetic exports of a fictional multi-channel retailer, with planted truth
 * (docs/synth.md): CRM, orders with lines, Segment-spec clickstream, email,
 * ads, contact centre, surveys and reviews, social mentions, dirty rows at a
 * stated rate, truth.json and the touchmine.ini that ingests them.
 * Deterministic: the same options give byte-identical files at any thread count. */
typedef struct tm_synth_options {
  int version;             /* TM_SYNTH_OPTIONS_VERSION */
  uint64_t customers;      /* people, prospects included */
  int days;                /* length of the history */
  uint64_t seed;
  const char *out_dir;     /* created if missing; existing files are overwritten */
  double dirty_rate;       /* share of rows made dirty, 0..0.5 */
  int64_t start_ms;        /* first day, UTC ms; 0 = 2025-01-01 */
  int gzip;                /* non-zero: write the clickstream as .jsonl.gz */
  tm_progress_fn progress;
  void *progress_payload;
} tm_synth_options;

#define TM_SYNTH_OPTIONS_VERSION 1
#define TM_SYNTH_OPTIONS_INIT {TM_SYNTH_OPTIONS_VERSION, 10000, 365, 42, NULL, 0.01, 0, 0, NULL, NULL}

typedef struct tm_synth_stats {
  uint64_t customers;      /* people written (truth.json "customers") */
  uint64_t events;         /* touchpoint rows written, dirty ones included */
  uint64_t rows;           /* data rows in all files (CRM and order lines included) */
  uint64_t dirty_rows;     /* rows made dirty on purpose */
  unsigned files;          /* files written, truth.json and touchmine.ini included */
} tm_synth_stats;

/* Checks options; returns NULL or a static message naming the bad option. */
const char *tm_synth_check(const tm_synth_options *opt);
/* Writes the files into opt->out_dir. Returns 0, TM_EINVAL (bad options),
 * TM_EIO (a file could not be written; message names it), TM_ENOMEM or
 * TM_ECANCELED. out may be NULL. */
int tm_synth_run(tm_synth_stats *out, const tm_synth_options *opt, tm_error *err);

/* ---- churn ---- */

/* Churn, purchase-propensity and lead scores (docs/models.md). A model is
 * trained as of a cutoff: features only from touchpoints before it, labels
 * only from the horizon after it. churn: buyers before the cutoff (with
 * activity_any: anyone active) with no purchase (no touchpoint) in the
 * horizon; propensity: a purchase in the horizon (of a category or product
 * when given) among everyone seen before; leads: the first purchase of known
 * prospects (touchpoints, no purchase before the cutoff). Evaluated by
 * stratified k-fold cross-validation; the final model, fit on every labelled
 * customer, scores each eligible customer as of the end of the data. */
typedef struct tm_model_options {
  int version;              /* TM_MODEL_OPTIONS_VERSION */
  const char *kind;         /* "churn", "propensity" or "leads" */
  const char *model;        /* "logreg" (L2 logistic regression, liblinear) or "gbt" (xgboost) */
  int64_t cutoff_ms;        /* 0: horizon before the end of the data (or truth.json's cutoff) */
  double horizon_days;      /* 0: 90 (or truth.json's window) */
  int activity_any;         /* churn: no touchpoint at all, rather than no purchase */
  const char *category;     /* propensity: purchases in this product category */
  const char *product;      /* propensity: purchases of this product */
  int folds;                /* cross-validation folds, 2..20 */
  uint64_t seed;            /* folds and xgboost */
  int threads;              /* xgboost threads (0: 1); results do not depend on it */
  int backtest;             /* also K earlier cutoffs, each a horizon apart: AUC per cutoff */
  double C;                 /* logreg inverse regularisation (0: 1.0) */
  int rounds, depth;        /* gbt boosting rounds (0: 100) and depth (0: 4) */
  double eta;               /* gbt learning rate (0: 0.1) */
  const char *truth_path;   /* synth truth.json: add its churn bounds */
  tm_progress_fn progress;
  void *progress_payload;
} tm_model_options;

#define TM_MODEL_OPTIONS_VERSION 1
#define TM_MODEL_OPTIONS_INIT \
  {TM_MODEL_OPTIONS_VERSION, "churn", "logreg", 0, 0, 0, NULL, NULL, 5, 42, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL}

/* NULL when the options make sense, else a message saying what to change. */
const char *tm_model_check(const tm_model_options *opt);

/* Scores customers of a dataset (loaded with no as-of date). Fills *out with
 * scalars kind, model, cutoff, horizon_days, customers, positives, base_rate,
 * features, folds, auc, auc_sd (over folds), pr_auc, brier, scored, run_id
 * (with a truth file: truth_best_auc, truth_observable_auc, truth_bgnbd_auc:
 * synth's churn bounds, docs/synth.md) and tables
 * "deciles" (decile, customers, positives, rate, lift, capture; out of fold),
 * "calibration", "folds", "importance" (feature, description, importance),
 * "scores" (customer, score, decile, reasons; highest first) and, with
 * backtest, "backtest" (cutoff, customers, positives, auc). Saved to
 * model_runs / model_scores / model_importance / model_deciles when wh is
 * writable. Returns 0, TM_EINVAL, TM_ENOTFOUND (category or product),
 * TM_EFORMAT / TM_EIO (truth file), TM_EDB or TM_ENOMEM. */
int tm_model_run(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_model_options *opt, tm_error *err);

/* Scores a CSV directly: label names the 0/1 column (Yes/No, 1/0,
 * true/false); numeric columns are used as they are, text columns one-hot,
 * the id column is detected and left out. The same document as
 * tm_model_run, with out-of-fold scores in "scores". Returns 0, TM_EIO,
 * TM_EFORMAT (file:line: reason), TM_EINVAL or TM_ENOMEM. */
int tm_model_run_csv(tm_doc **out, const char *path, const char *label, const tm_model_options *opt,
                     tm_error *err);

/* Diagnostic analytics (docs/models.md): which features go with churn or
 * with revenue in the horizon after a cutoff, among buyers before it.
 * Fills *out with scalars target, cutoff, horizon_days, customers,
 * churn_rate / mean_revenue, bands and tables "correlations" (a, b, r,
 * ci_low, ci_high, n: the target against every feature, then every pair;
 * 95% intervals by Fisher's z), "lift" (feature, band, from, to, customers,
 * churn_rate / mean_revenue, lift), "importance" (feature, description,
 * coefficient, importance), "drivers" (rank, feature, band, lift, customers,
 * statement in plain words) and, with with_features, "features" (customer,
 * every feature, the target). Returns 0, TM_EINVAL or TM_ENOMEM. */
typedef struct tm_drivers_options {
  int version;          /* TM_DRIVERS_OPTIONS_VERSION */
  const char *target;   /* "churn" (default) or "revenue" */
  int64_t cutoff_ms;    /* 0: horizon before the end of the data */
  double horizon_days;  /* 0: 90 */
  int bands;            /* quantile bands per feature, 2..20 (0: 5) */
  int with_features;    /* add the feature table */
} tm_drivers_options;

#define TM_DRIVERS_OPTIONS_VERSION 1
#define TM_DRIVERS_OPTIONS_INIT {TM_DRIVERS_OPTIONS_VERSION, "churn", 0, 0, 5, 0}

int tm_drivers_compute(tm_doc **out, const tm_dataset *ds, const tm_drivers_options *opt, tm_error *err);

#ifdef __cplusplus
}
#endif
#endif
