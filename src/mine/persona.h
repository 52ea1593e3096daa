/*
 * persona.h — persona cards: what sets each segment apart. Internal.
 */
#ifndef TM_MINE_PERSONA_H
#define TM_MINE_PERSONA_H
#include "mine/features.h"

/* Adds table "personas" to doc: per segment its name (generated from what sets
 * it apart), customers, share, revenue share, top channel, category and
 * region, and the three features that differ most from the other customers
 * (standardised difference, largest first, with sign). assign[r] in 0..k-1. */
int tm_persona_table(tm_doc *doc, const tm_dataset *ds, const tm_features *f, const uint32_t *assign, int k);

#endif
