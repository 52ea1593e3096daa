/*
 * report_int.h — the dashboard's shared-internal pieces: a growing text
 * buffer with HTML escaping, SVG charts, section loaders (warehouse tables ->
 * tm_doc) and the KPI pass over the dataset. Used by dashboard.c and server.c.
 */
#ifndef TM_REPORT_INT_H
#define TM_REPORT_INT_H
#include <stdarg.h>

#include "core/common.h"

/* ------------------------------------------------------------- text buffer */

/* A growing buffer; an allocation failure sets oom and later writes are no-ops,
 * so renderers check once at the end. max caps the size (0: 1 GiB). */
typedef struct sb {
  char *s;
  size_t len, cap, max;
  int oom;
} sb;

void sb_put(sb *b, const char *s, size_t n);
void sb_puts(sb *b, const char *s);
void sb_printf(sb *b, const char *fmt, ...) TM_PRINTF(2, 3);
/* Text from data: & < > " ' escaped, so it is safe in elements and attributes. */
void sb_html(sb *b, const char *s);
/* A JSON string literal (quotes included), safe inside <script> too. */
void sb_json_str(sb *b, const char *s);
void sb_free(sb *b);

/* doc.c extras for renderers */
const char *tm_table_title(const tm_table *t);
tm_coltype tm_table_col_type(const tm_table *t, size_t col);
int tm_table_is_null(const tm_table *t, size_t row, size_t col);
size_t tm_doc_table_count(const tm_doc *d);
const tm_table *tm_doc_table_at(const tm_doc *d, size_t i);

/* A cell as humans read it (shares as %, money with 2 decimals). */
void rp_cell_text(const tm_table *t, size_t row, size_t col, char *buf, size_t n);
/* A data table: sortable, filterable, with a CSV download of all its rows
 * (rows beyond max_rows are kept in the CSV only when max_rows is 0). */
void rp_table(sb *b, const tm_table *t, size_t max_rows);

/* ------------------------------------------------------------------ charts */

/* Okabe–Ito, the colour-blind-safe qualitative palette. */
const char *rp_colour(size_t i);

typedef struct rp_series {
  const char *name;
  const double *v;      /* n values; NaN = gap */
} rp_series;

/* Each writes <figure> with a title, an <svg data-chart="KIND" viewBox> and
 * tooltips as <title> elements. unit: appended to values ("€", "%", ""). */
void svg_bar(sb *b, const char *title, const char *axis, const char *unit, size_t n, const char *const *labels,
             const double *v);
void svg_line(sb *b, const char *title, const char *axis, const char *unit, size_t n, const char *const *x,
              size_t ns, const rp_series *s, const double *lo, const double *hi);
void svg_pie(sb *b, const char *title, const char *unit, size_t n, const char *const *labels, const double *v);
/* v: nr*nc, row-major; NaN cells are left blank; share: values 0..1 shown as %. */
void svg_heatmap(sb *b, const char *title, const char *xaxis, const char *yaxis, size_t nr,
                 const char *const *rows, size_t nc, const char *const *cols, const double *v, int share);
/* More than 1,500 points are binned on a 40x30 grid (said on the chart). */
void svg_scatter(sb *b, const char *title, const char *xaxis, const char *yaxis, size_t n, const double *x,
                 const double *y);

/* ---------------------------------------------------------------- filters */

typedef struct rp_filter {
  int64_t from_ms, to_ms;     /* 0: the default period (last 30 days of data) */
  const char *channel, *region, *segment; /* NULL or "": all */
} rp_filter;


/* Headline figures under f (kpi.c): scalars period_from/to, customers,
 * active_customers, orders, revenue, aov, conversion, inactivity_churn (each
 * with a _prev twin for the previous period) and tables by_month, by_channel. */
int rp_kpi_compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const rp_filter *f, tm_error *err);

#endif
