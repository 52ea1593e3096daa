/*
 * vader.h — VADER sentiment scoring (Hutto & Gilbert, ICWSM 2014) as the
 * reference Python implementation computes it, and an improved mode that
 * fixes negated negatives. Internal; the public face is tm_sentiment_*.
 */
#ifndef TM_TEXT_VADER_H
#define TM_TEXT_VADER_H
#include "text/lexicon.h"

typedef struct vader_token {
  const char *s;          /* the word as split and stripped (points into the text) */
  const char *lo;         /* lower-cased (the same bytes when already lower-case) */
  uint32_t n, lon;
  const lex_entry *e;     /* the lexicon entry of lo, or NULL */
  uint8_t upper;          /* Python's str.isupper() */
  uint8_t id;             /* LW_* */
  uint8_t negated;        /* in NEGATE, or contains "n't" */
} vader_token;

typedef struct vader {
  const tm_lexicon *lex;  /* borrowed */
  int improved;
  /* scratch reused from text to text: no allocation per text once warm */
  char *text; size_t text_cap;      /* the text with emoji replaced */
  char *lower; size_t lower_cap;    /* lower-cased words */
  vader_token *tok; size_t tok_cap;
  double *sent; size_t sent_cap;
} vader;

typedef struct vader_scores { double neg, neu, pos, compound; } vader_scores;

void vader_init(vader *v, const tm_lexicon *lex, int improved);
void vader_release(vader *v);
/* Scores s[0..n) (any bytes; invalid UTF-8 is scored as opaque characters).
 * Returns 0 or TM_ENOMEM. */
int vader_score(vader *v, const char *s, size_t n, vader_scores *out);
/* Splits t[0..n) as VADER does (Python's str.split, then punctuation stripped
 * from a word when more than two characters remain) into v->tok; returns the
 * count or TM_ENOMEM. */
long vader_tokenize(vader *v, const char *t, size_t n);
/* Python's round(x, digits) for digits 3 and 4: correctly rounded, ties to even. */
double vader_py_round(double x, int digits);

#endif
