/*
 * vader_tokens.c — VADER's word splitting, byte for byte as the reference
 * Python does it: str.split() on Unicode white space, then each word loses its
 * leading and trailing ASCII punctuation unless two or fewer characters would
 * remain (so emoticons like ":)" survive whole).
 */
#include "text/utf8text.h"
#include "text/vader.h"

static inline bool is_punct(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/* At most limit + 1 characters are counted: enough to compare with limit. */
static size_t chars_upto(const char *s, size_t n, size_t limit) {
  size_t count = 0;
  for (size_t i = 0; i < n && count <= limit; count++) {
    uint32_t cp;
    i += tm_utf8_decode(s + i, n - i, &cp);
  }
  return count;
}

static int add_token(vader *v, size_t *count, const char *w, size_t wn) {
  size_t a = 0, b = wn;
  while (a < b && is_punct((unsigned char)w[a])) a++;
  while (b > a && is_punct((unsigned char)w[b - 1])) b--;
  /* more than 8 bytes is more than two characters whatever they are */
  if (b - a > 8 || chars_upto(w + a, b - a, 2) > 2) { w += a; wn = b - a; }
  if (*count == v->tok_cap && TM_GROW(v->tok, v->tok_cap, *count + 1)) return TM_ENOMEM;
  vader_token *t = &v->tok[(*count)++];
  t->s = w;
  t->n = (uint32_t)wn;
  return 0;
}

long vader_tokenize(vader *v, const char *t, size_t n) {
  size_t count = 0, i = 0, start = 0;
  bool in_word = false;
  while (i < n) {
    unsigned char c = (unsigned char)t[i];
    size_t step = 1;
    bool space;
    if (c < 0x80) {
      space = c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
    } else {
      uint32_t cp;
      step = tm_utf8_decode(t + i, n - i, &cp);
      space = tm_py_isspace(cp);
    }
    if (space) {
      if (in_word && add_token(v, &count, t + start, i - start)) return TM_ENOMEM;
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      start = i;
    }
    i += step;
  }
  if (in_word && add_token(v, &count, t + start, n - start)) return TM_ENOMEM;
  return (long)count;
}
