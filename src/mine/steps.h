/*
 * steps.h — journey steps: which touchpoints a funnel step, a cohort's first
 * event or a path's target event stands for, and the labels of path steps.
 * Internal to the journey analyses (paths.c, funnel.c, cohort.c).
 *
 * A step is written   [CHANNEL:]TYPE[KEY=VALUE,...]
 *   purchase                  any purchase
 *   web:view                  a view on the web channel
 *   *:purchase[region=North]  a purchase in region North (KEY: channel, campaign,
 *                             region, device, source); TYPE or CHANNEL '*' = any
 * Names are the warehouse's dimension values, matched exactly. A name the data
 * does not hold is an error (TM_EINVAL) naming it, so that a typo never reads
 * as "nobody did it".
 */
#ifndef TM_MINE_STEPS_H
#define TM_MINE_STEPS_H
#include "store/dataset.h"

enum { JS_CHANNEL, JS_TYPE, JS_CAMPAIGN, JS_REGION, JS_DEVICE, JS_SOURCE, JS_NFIELDS };

typedef struct tm_step {
  char name[128];            /* as written */
  uint32_t code[JS_NFIELDS]; /* 0 = any */
} tm_step;

/* Parses one step against the dataset's names. */
int tm_step_parse(tm_step *out, const tm_dataset *ds, const char *text, tm_error *err);

/* Parses a comma-separated list "a,b,c" into *out (tm_free it); commas inside
 * [...] belong to the filter. */
int tm_steps_parse(tm_step **out, size_t *n, const tm_dataset *ds, const char *list, tm_error *err);

/* Does event e match step s? */
static inline bool tm_step_match(const tm_step *s, const tm_dataset *ds, size_t e) {
  return (!s->code[JS_TYPE] || s->code[JS_TYPE] == ds->type[e]) &&
         (!s->code[JS_CHANNEL] || s->code[JS_CHANNEL] == ds->channel[e]) &&
         (!s->code[JS_CAMPAIGN] || s->code[JS_CAMPAIGN] == ds->campaign[e]) &&
         (!s->code[JS_REGION] || s->code[JS_REGION] == ds->region[e]) &&
         (!s->code[JS_DEVICE] || s->code[JS_DEVICE] == ds->device[e]) &&
         (!s->code[JS_SOURCE] || s->code[JS_SOURCE] == ds->source[e]);
}

/* Floor division of ms to whole periods of len ms. */
static inline int64_t tm_floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Median of v[0..n) (mean of the two middle values when n is even); sorts v. */
double tm_median_i64(int64_t *v, size_t n);
/* The q-quantile (0..1) of sorted v, linear interpolation (pandas' default). */
double tm_quantile_sorted(const int64_t *v, size_t n, double q);

#endif
