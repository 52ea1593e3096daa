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

/* ---- journeys ---- */

/* Journeys, funnels and cohort retention (docs/journeys.md). Steps are written
 * [CHANNEL:]TYPE[KEY=VALUE,...] (e.g. "purchase", "web:view",
 * "*:purchase[region=North]"); a name the data does not hold is TM_EINVAL.
 * Each result is saved to journey_runs and its table (docs/warehouse.md) when
 * wh is writable; spec is the options as given, kept with the run. */

typedef enum { TM_FUNNEL_ORDERED = 0, TM_FUNNEL_STRICT = 1, TM_FUNNEL_ANY = 2 } tm_funnel_order;

typedef struct tm_funnel_options {
  int version;                /* TM_FUNNEL_OPTIONS_VERSION */
  const char *steps;          /* comma-separated steps, at least 2, at most 64 */
  int64_t window_ms;          /* conversion window from the first step (0: unlimited) */
  tm_funnel_order order;
  const char *exclude;        /* comma-separated exclusion steps, or NULL */
  int count_totals;           /* 0: customers; 1: attempts (one customer may convert many times) */
  const char *by;             /* NULL, "channel", "campaign", "region" or "segment" */
  const char *spec;
} tm_funnel_options;

#define TM_FUNNEL_OPTIONS_VERSION 1
#define TM_FUNNEL_OPTIONS_INIT {TM_FUNNEL_OPTIONS_VERSION, NULL, 0, TM_FUNNEL_ORDERED, NULL, 0, NULL, NULL}

/* Fills *out with scalars steps, window_seconds, order, count, customers (in
 * the data), entered, converted, conversion, run_id and table "funnel"
 * (breakdown, step_no, step, entered, conversion, drop_off, median_seconds):
 * the rows of breakdown "all" first, then each value of --by, largest first.
 * Returns 0, TM_EINVAL, TM_EDB or TM_ENOMEM. */
int tm_funnel_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_funnel_options *opt,
                      tm_error *err);

typedef enum { TM_PERIOD_DAY = 0, TM_PERIOD_WEEK = 1, TM_PERIOD_MONTH = 2 } tm_period;

typedef struct tm_cohort_options {
  int version;                /* TM_COHORT_OPTIONS_VERSION */
  tm_period period;
  const char *first_event;    /* the acquisition step (NULL: any touchpoint) */
  const char *return_event;   /* what counts as activity (NULL: any touchpoint) */
  int revenue;                /* 0: share of the cohort active; 1: revenue (sum of amounts) */
  int on_or_after;            /* 0: active ON interval i; 1: active on i or any later interval */
  int intervals;              /* intervals after the acquisition one (1..100000) */
  const char *tz;             /* periods begin at local midnight in this zone: NULL or "UTC",
                                 an offset "+01:00", or an IANA name "Europe/Paris" */
  const char *spec;
} tm_cohort_options;

#define TM_COHORT_OPTIONS_VERSION 1
#define TM_COHORT_OPTIONS_INIT {TM_COHORT_OPTIONS_VERSION, TM_PERIOD_MONTH, NULL, NULL, 0, 0, 12, NULL, NULL}

/* Fills *out with scalars period, measure, mode, cohorts, customers, run_id and
 * tables "retention" (cohort, period, size, value: one row per observed cell
 * of the triangle), "average" (period, cohorts, customers, value: weighted by
 * cohort size over the cohorts observed that far) and "triangle" (cohort,
 * size, p0, p1, ...; for people). Returns 0, TM_EINVAL, TM_EDB or TM_ENOMEM. */
int tm_cohorts_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cohort_options *opt,
                       tm_error *err);

typedef struct tm_paths_options {
  int version;                /* TM_PATHS_OPTIONS_VERSION */
  const char *event;          /* the target step (e.g. "purchase") */
  int first;                  /* only each customer's first target event */
  int steps;                  /* touchpoints kept before / after the target (1..64) */
  int collapse;               /* merge consecutive repeats of a step */
  int label_type_only;        /* label steps TYPE instead of CHANNEL:TYPE */
  size_t top;                 /* paths kept per direction */
  int patterns;               /* also mine sequential patterns (PrefixSpan) */
  double min_support;         /* patterns: a fraction of customers (< 1) or a count */
  int64_t max_gap_ms;         /* patterns: most time between consecutive items (0: any) */
  int max_len;                /* patterns: longest pattern */
  const char *spec;
} tm_paths_options;

#define TM_PATHS_OPTIONS_VERSION 1
#define TM_PATHS_OPTIONS_INIT {TM_PATHS_OPTIONS_VERSION, NULL, 0, 4, 1, 0, 20, 0, 0.01, 0, 4, NULL}

/* Fills *out with scalars customers, converted, conversions, median/p25/p75
 * seconds to convert (first touchpoint to first target event), run_id and
 * tables "paths_to" and "paths_from" (rank, path, customers, share),
 * "transitions" (from_step, to_step, count, probability; "start" and "end"
 * at the ends) and, with patterns, "patterns" (pattern, length, customers,
 * support, lift: of the rule "the first items, then the last one", i.e.
 * P(last follows | first items) / P(last); 1 for one item). Returns 0,
 * TM_EINVAL, TM_EDB or TM_ENOMEM. */
int tm_paths_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_paths_options *opt,
                     tm_error *err);

/* ---- text ---- */

/* Sentiment of free text by the method of VADER (Hutto & Gilbert, ICWSM 2014):
 * lexicon valence with negation, boosters, "but", capitals, ! and ?, emoticons,
 * emoji and idioms. Fidelity mode reproduces the reference Python
 * implementation; improved mode scores negated negatives ("no problem", "not
 * the worst") as mildly positive. docs/text.md. */
typedef struct tm_sentiment tm_sentiment;
typedef struct tm_sentiment_options {
  const char *lexicon_path;  /* NULL: the shipped VADER lexicon; VADER or AFINN format */
  const char *emoji_path;    /* NULL: the shipped emoji lexicon */
  int improved;              /* 0 fidelity, 1 improved */
} tm_sentiment_options;
typedef struct tm_sentiment_scores {
  double neg, neu, pos, compound;  /* shares of the text, and the normalised score -1..1 */
} tm_sentiment_scores;

/* Loads the lexicons. TM_ENOTFOUND (the data folder: set TOUCHMINE_DATA),
 * TM_EIO, TM_EFORMAT (file:line:reason) or TM_ENOMEM. */
int tm_sentiment_open(tm_sentiment **out, const tm_sentiment_options *opt, tm_error *err);
void tm_sentiment_close(tm_sentiment *s);
/* Scores text[0..len) (any bytes). Not thread-safe per handle. 0 or TM_ENOMEM. */
int tm_sentiment_score(tm_sentiment *s, const char *text, size_t len, tm_sentiment_scores *out);
/* "positive" (compound >= 0.05), "negative" (<= -0.05) or "neutral". */
const char *tm_sentiment_label(double compound);
/* Scores every text of a file in order: one text per line, or with column the
 * named column of a CSV (delimiter detected). fn is called per text with its
 * 0-based row; a non-zero return stops with TM_ECANCELED. TM_EIO, TM_EFORMAT
 * (file:line:reason) or TM_ENOTFOUND (no such column). */
typedef int (*tm_sentiment_row_fn)(void *payload, uint64_t row, const tm_sentiment_scores *sc);
int tm_sentiment_file(tm_sentiment *s, const char *path, const char *column, tm_sentiment_row_fn fn,
                      void *payload, tm_error *err);

typedef struct tm_text_db_options {
  const char *truth_path;    /* synth truth.json: accuracy against the planted labels */
  tm_progress_fn progress;
  void *progress_payload;
} tm_text_db_options;
/* Scores the warehouse's feedback texts (PII scrubbed first) and replaces
 * text_runs / text_sentiment / text_customer. The doc holds the label counts,
 * per-customer means and, with a truth file, accuracy and a confusion table. */
int tm_sentiment_db(tm_doc **out, tm_warehouse *wh, tm_sentiment *s, const tm_text_db_options *opt,
                    tm_error *err);
/* Themes of the feedback texts (PII scrubbed, sentiment scored with s):
 * TF-IDF terms and phrases overall and per channel, rating band and segment
 * (latest segment run), pain points (aspect terms of negative texts by volume
 * x negativity), NPS from 0-10 ratings and the detractors' terms. Replaces
 * text_themes, text_customer_themes and text_nps; adds a text_runs row. */
int tm_themes_compute(tm_doc **out, tm_warehouse *wh, tm_sentiment *s, const tm_text_db_options *opt,
                      tm_error *err);

/* ---- dashboard ---- */

/* The dashboard (docs/report.md): KPI tiles under a filter and one section per
 * analysis, read from the warehouse's result tables (the latest run of each),
 * as one self-contained HTML page or as JSON (docs/api.md). */
typedef struct tm_dashboard tm_dashboard;

typedef struct tm_dashboard_filter {
  int version;             /* TM_DASHBOARD_FILTER_VERSION */
  int64_t from_ms, to_ms;  /* the current period [from, to); 0: the last 30 days of data */
  const char *channel;     /* touchpoints of this channel only (NULL: all) */
  const char *region;      /* touchpoints of this (event) region only */
  const char *segment;     /* customers of this segment of the latest segment run (RFM first) */
} tm_dashboard_filter;

#define TM_DASHBOARD_FILTER_VERSION 1
#define TM_DASHBOARD_FILTER_INIT {TM_DASHBOARD_FILTER_VERSION, 0, 0, NULL, NULL, NULL}

/* Computes what does not depend on a filter (the summary and data quality).
 * wh and ds are borrowed and must outlive the dashboard. Not thread-safe: one
 * call at a time per dashboard. */
int tm_dashboard_new(tm_dashboard **out, tm_warehouse *wh, const tm_dataset *ds, tm_error *err);
void tm_dashboard_free(tm_dashboard *d);

enum { TM_PAGE_STANDALONE = 0, /* CSS and JS inline: one file that opens anywhere */
       TM_PAGE_LIVE = 1 };     /* for `serve`: a filter form, assets from /assets/ */

/* The page as HTML in *out (NUL-terminated, *len bytes; free with tm_free_buffer).
 * TM_EINVAL for a bad filter (message says why), TM_EDB, TM_ENOMEM. */
int tm_dashboard_html(char **out, size_t *len, tm_dashboard *d, const tm_dashboard_filter *f, int mode,
                      tm_error *err);
/* One section's figures as JSON: "summary" (KPIs under f plus the summary
 * tables) or a section name (docs/api.md). TM_ENOTFOUND for an unknown name. */
int tm_dashboard_json(char **out, size_t *len, tm_dashboard *d, const char *section, const tm_dashboard_filter *f,
                      tm_error *err);
/* The section names, in page order; *n gets their count. */
const char *const *tm_dashboard_sections(size_t *n);
/* A compiled-in page asset ("dashboard.css", "dashboard.js"), or NULL. */
const unsigned char *tm_dashboard_asset(const char *name, size_t *len, const char **content_type);
void tm_free_buffer(char *p);

/* The live dashboard over HTTP (libmicrohttpd): the page at /, the JSON API at
 * /api/..., assets at /assets/.... GET and HEAD only; the warehouse is opened
 * read-only. */
typedef struct tm_server tm_server;

typedef struct tm_server_options {
  int version;            /* TM_SERVER_OPTIONS_VERSION */
  const char *bind;       /* address to listen on (NULL: 127.0.0.1) */
  unsigned port;          /* 0: 8080 */
  unsigned threads;       /* worker threads (0: 4) */
  size_t max_request;     /* largest request line + headers, bytes (0: 8192) */
} tm_server_options;

#define TM_SERVER_OPTIONS_VERSION 1
#define TM_SERVER_OPTIONS_INIT {TM_SERVER_OPTIONS_VERSION, NULL, 0, 0, 0}

/* Opens db read-only, loads the dataset and starts serving in background
 * threads; returns once it listens. TM_EIO when the address cannot be bound. */
int tm_server_start(tm_server **out, const char *db, const tm_server_options *opt, tm_error *err);
/* Stops accepting, finishes requests in flight, frees everything. */
void tm_server_stop(tm_server *s);

/* ---- segments ---- */

/* How k-means iterates (tm_cluster_compute_with): Lloyd; Hamerly, exact with
 * distance bounds (the same assignments as Lloyd from the same centres);
 * mini-batch (Sculley, 2010), approximate, for >= 10M customers; auto takes
 * mini-batch from 10M customers, else Lloyd. */
#define TM_KMEANS_AUTO 0
#define TM_KMEANS_LLOYD 1
#define TM_KMEANS_HAMERLY 2
#define TM_KMEANS_MINIBATCH 3

typedef struct tm_cluster_algorithm {
  int version;             /* TM_CLUSTER_ALGORITHM_VERSION */
  int algorithm;           /* TM_KMEANS_* */
  uint64_t batch;          /* mini-batch size (0 = 4096); iterations are opt->max_iter batches */
} tm_cluster_algorithm;

#define TM_CLUSTER_ALGORITHM_VERSION 1
#define TM_CLUSTER_ALGORITHM_INIT {TM_CLUSTER_ALGORITHM_VERSION, TM_KMEANS_AUTO, 0}

/* tm_cluster_compute with a choice of algorithm (NULL = auto); the document
 * also says which ran (scalar "algorithm"). Cluster, RFM and rule runs also
 * persist persona profiles to segment_profiles and segment_features. */
int tm_cluster_compute_with(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_cluster_options *opt,
                            const tm_cluster_algorithm *alg, tm_error *err);

/* Custom segments from a rules file (docs/segments.md, "Rules files"): lines
 * "Name: condition", the first matching rule names the customer's segment,
 * else "Other". The same result document as tm_segment_rules (kind "rules").
 * Returns TM_EFORMAT with "file:line:col: what ... (what to do)" for a bad
 * file, TM_EIO when it cannot be read. */
int tm_segment_rules_file(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const char *path, tm_error *err);

/* ---- rules ---- */

/* Frequent itemsets and association rules (docs/rules.md): FP-growth over
 * baskets read from a FIMI file or from a view of the dataset; frequent,
 * closed or maximal itemsets, or rules with support, confidence, lift,
 * leverage, conviction, a one-sided Fisher exact p-value and the
 * Benjamini-Hochberg q-value. */
typedef enum {
  TM_RULES_FREQUENT = 0,
  TM_RULES_CLOSED = 1,
  TM_RULES_MAXIMAL = 2,
  TM_RULES_RULES = 3
} tm_rules_target;

typedef enum {
  TM_RULES_VIEW_BASKETS = 0,     /* products per order (returns left out) */
  TM_RULES_VIEW_CATEGORIES = 1,  /* product categories per order */
  TM_RULES_VIEW_TOUCHPOINTS = 2  /* "channel_type" per customer within a window */
} tm_rules_view;

/* A list of item names. */
typedef struct tm_rules_items {
  const char *const *names;
  size_t count;
} tm_rules_items;

/* Streams itemset rows (items space-separated, absolute support) instead of
 * keeping them in the document; return non-zero to stop (TM_ECANCELED). */
typedef int (*tm_itemset_fn)(void *payload, const char *items, uint64_t support);

/* One rule, streamed; the strings are borrowed for the call only. */
typedef struct tm_rule_row {
  const char *antecedent, *consequent; /* items comma-separated */
  uint64_t count;                      /* baskets holding both sides */
  double support, confidence, lift, leverage;
  double conviction;                   /* INFINITY when confidence is 1 */
  double p_value, q_value;
} tm_rule_row;
/* Streams rules in rank order; return non-zero to stop (TM_ECANCELED). */
typedef int (*tm_rule_fn)(void *payload, const tm_rule_row *row);

typedef struct tm_rules_options {
  int version;               /* TM_RULES_OPTIONS_VERSION */
  tm_rules_target target;
  tm_rules_view view;        /* for tm_rules_compute */
  int64_t window_ms;         /* touchpoints view: the co-occurrence window */
  double min_support;        /* a fraction of baskets, used when min_count is 0;
                                the absolute minimum is ceil(min_support * baskets) */
  uint64_t min_count;        /* an absolute minimum support (baskets) */
  double min_confidence;     /* rules only */
  double min_lift;           /* rules only; 0 = no filter */
  unsigned max_len;          /* most items in an itemset (a rule's both sides); 0 = any */
  double fdr;                /* rules: keep those with BH q-value <= fdr; 0 = keep all */
  tm_rules_items require;    /* items that must appear (itemset, or either side of a rule) */
  tm_rules_items exclude;    /* items removed from every basket before mining */
  tm_rules_items lhs_has, rhs_has, lhs_not, rhs_not; /* rules: per side */
  const char *truth_path;    /* synth truth.json: report its planted basket rules */
  tm_itemset_fn on_itemset;  /* itemset targets: stream rows here (NULL: a table) */
  void *itemset_payload;
  tm_rule_fn on_rule;        /* rules not saved to a warehouse: stream them here (NULL: a table) */
  void *rule_payload;
  tm_progress_fn progress;
  void *progress_payload;
} tm_rules_options;

#define TM_RULES_OPTIONS_VERSION 1
#define TM_RULES_OPTIONS_INIT                                                                                 \
  {TM_RULES_OPTIONS_VERSION, TM_RULES_RULES, TM_RULES_VIEW_BASKETS, 7 * 86400000LL, 0.01, 0, 0.5, 0, 0, 0,    \
   {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/* Parses a minimum support given by a user: "0.001" (a fraction below 1),
 * "0.1%" (a percentage) or "100" (a whole count >= 1) into opt. Returns 0 or
 * TM_EINVAL. */
int tm_rules_parse_support(tm_rules_options *opt, const char *s);
/* Checks options; returns NULL or a static message naming the bad option. */
const char *tm_rules_check(const tm_rules_options *opt);

/* Mines the baskets of a FIMI file (one basket per line, item ids
 * space-separated). Fills *out with scalars baskets, items, min_support_count,
 * itemsets (frequent), results, empty_baskets, and table "itemsets" (items,
 * support) or "rules" (antecedent, consequent, support, count, confidence,
 * lift, leverage, conviction (empty when infinite), p_value, q_value), rules
 * ranked by lift. Returns 0, TM_EINVAL, TM_EIO, TM_EFORMAT (bad input, message
 * FILE:LINE: reason), TM_ENOMEM or TM_ECANCELED. */
int tm_rules_fimi(tm_doc **out, const char *path, const tm_rules_options *opt, tm_error *err);

/* The same over a view of the dataset (opt->view). Rules are saved to the
 * warehouse (rule_runs, assoc_rules) when wh is not NULL; with truth_path a
 * table "planted" (rule, antecedent, consequent, found, rank, lift,
 * planted_lift, confidence, support) and scalar planted_found are added.
 * Returns as tm_rules_fimi, or TM_EDB. */
int tm_rules_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_rules_options *opt,
                     tm_error *err);

/* ---- clv ---- */

/* Customer lifetime value: BG/NBD + Gamma-Gamma (docs/clv.md). */
typedef struct tm_clv_options {
  int version;            /* TM_CLV_OPTIONS_VERSION */
  const char *summary;    /* a per-customer summary CSV instead of the dataset (see docs/clv.md) */
  double unit_days;       /* days per time unit of the summary's recency and T (1 or 7) */
  int64_t as_of_ms;       /* dataset: 0 = midnight after the last purchase */
  double horizon_days;    /* prediction horizon (default 365) */
  double discount_rate;   /* annual, applied monthly (default 0.10) */
  const char *truth_path; /* synth truth.json: per-segment fits against the planted parameters */
} tm_clv_options;

#define TM_CLV_OPTIONS_VERSION 1
#define TM_CLV_OPTIONS_INIT {TM_CLV_OPTIONS_VERSION, NULL, 1.0, 0, 365.0, 0.10, NULL}

/* Fits and predicts; *out holds scalars r, alpha, a, b (and p, q, gamma with
 * spend), each with <name>_se, loglik, customers, groups, run_id, and tables
 * "parameters", "per_customer" and with a truth file "truth". ds may be NULL
 * with opt->summary; wh may be NULL (nothing saved). Returns 0, TM_EINVAL
 * (bad input: the message has file:line), TM_EIO, TM_EDB or TM_ENOMEM. */
int tm_clv_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_clv_options *opt, tm_error *err);

/* ---- forecast ---- */

/* Demand forecasting: Holt-Winters per series (docs/forecast.md). */
typedef struct tm_forecast_options {
  int version;            /* TM_FORECAST_OPTIONS_VERSION */
  const char *input;      /* a CSV series instead of the dataset */
  const char *value_col;  /* its value column (default: the last) */
  const char *by;         /* dataset: NULL/"total", "product", "category", "region" or "channel" */
  const char *grain;      /* dataset: "day", "week" (default) or "month" */
  const char *method;     /* "additive" (default), "multiplicative" or "none" (no seasonality) */
  int period;             /* 0: detected (input) or the calendar's (dataset: 7 days, 52 weeks, 12 months); -1: detected */
  int damped;             /* non-zero: damped trend (phi in [0.8, 0.98]) */
  int horizon;            /* periods ahead (0: one season, at least 1) */
  int holdout;            /* last N points held back for accuracy (0: none) */
  int64_t as_of_ms;       /* dataset: 0 = midnight after the last purchase */
} tm_forecast_options;

#define TM_FORECAST_OPTIONS_VERSION 1
#define TM_FORECAST_OPTIONS_INIT {TM_FORECAST_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0}

/* Fits and forecasts. With opt->input: scalars method, period, alpha, beta,
 * gamma, phi, sse (and mape, smape, mase, naive_mase with a holdout), tables
 * "forecast" and "fitted". With a dataset: one series per dimension value,
 * table "per_series", saved to forecast_runs,
 * forecast_series, forecast_points when wh is writable. Returns 0, TM_EINVAL
 * (bad input: file:line), TM_EIO, TM_EDB or TM_ENOMEM. */
int tm_forecast_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const tm_forecast_options *opt,
                        tm_error *err);

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
