/*
 * features.h — behavioural features per customer, transformed and
 * standardised, the input of clustering (and later of the models). Internal.
 */
#ifndef TM_MINE_FEATURES_H
#define TM_MINE_FEATURES_H
#include "store/dataset.h"

#define TM_MAX_FEATURES 32

typedef struct tm_features {
  size_t n, d;              /* rows (customers who ordered) x features */
  uint32_t *cust;           /* row -> customer index */
  double *x;                /* n x d, row-major, standardised (mean 0, sd 1; constant columns 0) */
  double mean[TM_MAX_FEATURES], sd[TM_MAX_FEATURES];
  char name[TM_MAX_FEATURES][48];
  size_t sentiment_customers; /* customers with a review sentiment (0: the feature is left out) */
} tm_features;

/* Buyers' features from events before as_of_ms (0: all): log orders, order
 * share per channel, log mean order value, email open and click rates, log
 * browsing messages per web/app channel, return rate, log support contacts,
 * share of orders with a campaign or discount code, log tenure, log mean
 * days between orders, mobile share of device-tagged touchpoints and, when
 * wh has text_customer rows, the mean review sentiment (mean_compound; 0 for
 * customers without texts). Counts, days and money are log1p-transformed,
 * then every column is standardised. wh may be NULL. */
int tm_features_build(tm_features *f, const tm_dataset *ds, tm_warehouse *wh, tm_error *err);
void tm_features_free(tm_features *f);

#endif
