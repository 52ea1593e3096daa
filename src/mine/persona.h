/*
 * persona.h — persona cards: who is in each segment and what sets it apart.
 * Internal.
 */
#ifndef TM_MINE_PERSONA_H
#define TM_MINE_PERSONA_H
#include "mine/features.h"

/* Persona cards of the segments seg[c] (per customer index: 0..nseg-1, or
 * UINT32_MAX for none). Adds tables "personas" (segment, name, customers,
 * share, revenue_share, top_channel, top_category, top_region, top_channels,
 * top_products, top_regions, sets_apart) and "persona_features" (segment,
 * feature, median, mean, std_diff) to doc, and when run_id > 0 and wh is
 * writable saves them to segment_profiles and segment_features. labels[s]
 * names segment s; NULL: segments are numbered ("cluster N" in the warehouse,
 * N in the document). f: the buyers' features (f->cust maps rows to
 * customers); segments without buyers get no feature rows. Empty segments are
 * left out. Returns 0, TM_ENOMEM or TM_EDB. */
int tm_personas(tm_doc *doc, tm_warehouse *wh, int64_t run_id, const tm_dataset *ds, const tm_features *f,
                const uint32_t *seg, size_t nseg, const char *const *labels, tm_error *err);

#endif
