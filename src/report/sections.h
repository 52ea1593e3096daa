/*
 * sections.h — the dashboard's sections (sections.c loads, draw.c draws).
 * Shared-internal.
 */
#ifndef TM_REPORT_SECTIONS_H
#define TM_REPORT_SECTIONS_H
#include "report/report_int.h"

/* What every section may read: the warehouse and the figures computed once
 * per page (the KPIs under the filter, the summary's tables). */
typedef struct rp_ctx {
  tm_warehouse *wh;
  const tm_doc *kpi, *summary;
  const char *db;  /* the warehouse path, for "run this" hints */
} rp_ctx;

typedef struct rp_section {
  const char *name, *title;
  const char *command; /* what fills its tables; NULL: no such analysis yet */
  int (*load)(tm_doc *doc, rp_ctx *cx, tm_error *err);
  void (*draw)(sb *b, const tm_doc *doc, const rp_ctx *cx);
} rp_section;

extern const rp_section rp_sections[];
extern const size_t rp_nsections;

const rp_section *rp_section_find(const char *name);
/* The section's figures as a document (the API's answer); *out is the caller's. */
int rp_section_load(tm_doc **out, const rp_section *s, rp_ctx *cx, tm_error *err);

/* Copies table name of src (if there) into doc. */
int rp_copy_table(tm_doc *doc, const tm_doc *src, const char *name, tm_error *err);

/* draw.c: a section's body (the <section> element is written by the caller). */
void rp_draw_summary(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_quality(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_segments(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_rules(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_journeys(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_funnel(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_cohorts(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_clv(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_churn(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_sentiment(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_forecast(sb *b, const tm_doc *d, const rp_ctx *cx);
void rp_draw_future(sb *b, const tm_doc *d, const rp_ctx *cx);

#endif
