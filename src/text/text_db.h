/*
 * text_db.h — the warehouse's feedback texts in memory (PII scrubbed), shared
 * by sentiment --db and themes. Internal.
 */
#ifndef TM_TEXT_TEXT_DB_H
#define TM_TEXT_TEXT_DB_H
#include "core/common.h"

typedef struct text_doc {
  int64_t event_id, customer_id, ts; /* customer_id 0 when unknown */
  uint64_t event_key;
  char *text;                        /* scrubbed of e-mails and numbers */
  char *channel, *scale;
  double rating;                     /* NaN when none */
  double neg, neu, pos, compound;
} text_doc;

typedef struct text_corpus {
  text_doc *doc;
  size_t n;
  int64_t max_ts;
} text_corpus;

int text_load_feedback(tm_warehouse *wh, text_corpus *tc, tm_error *err);
int text_score_corpus(text_corpus *tc, tm_sentiment *s, const tm_text_db_options *opt, tm_error *err);
void text_corpus_free(text_corpus *tc);
/* Whether a lower-cased word is in the handle's sentiment lexicon. */
bool tm_sentiment_has_word(const tm_sentiment *s, const char *w, size_t n);
/* Whether the handle scores in improved mode. */
int tm_sentiment_improved(const tm_sentiment *s);

#endif
