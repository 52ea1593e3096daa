/*
 * tokenize.h — the text pipeline for themes: UTF-8 aware words (invalid
 * bytes are separators, never a crash), lower-casing, stop words, Snowball
 * stemming (libstemmer, English) and bigrams within a clause. Internal.
 */
#ifndef TM_TEXT_TOKENIZE_H
#define TM_TEXT_TOKENIZE_H
#include "core/common.h"
#include "core/hashmap.h"

typedef struct text_pipeline text_pipeline;

/* A token of a text: its stem and its surface (lower-cased) form, both
 * borrowed until the next call; clause counts clauses (",", ".", "!", "?", ";"
 * and ":" end one) so that bigrams never cross them. */
typedef struct text_token {
  const char *stem, *word;
  size_t stem_len, word_len;
  uint32_t clause;
} text_token;

/* stopwords_path: one word per line, # comments. TM_EIO, TM_ENOMEM, or
 * TM_EINVAL when libstemmer has no English stemmer. */
int text_pipeline_new(text_pipeline **out, const char *stopwords_path, tm_error *err);
void text_pipeline_free(text_pipeline *p);
/* Tokenises s[0..n) (PII already scrubbed: "[email]" and "[number]" are
 * skipped) into *toks (valid until the next call); returns the count or
 * TM_ENOMEM. Stop words and words of fewer than 2 characters or only digits are dropped. */
long text_pipeline_run(text_pipeline *p, const char *s, size_t n, const text_token **toks);
/* Whether a lower-cased word is a stop word. */
bool text_is_stopword(const text_pipeline *p, const char *w, size_t n);

#endif
