/*
 * tokenize.c — words, stop words, stems and clauses for themes (tokenize.h).
 * A word is a run of letters, digits, '_' and apostrophes (' and U+2019, the
 * latter written as '), lower-cased through glibc's Unicode tables; quotes at
 * its ends are dropped, and so is a word right after '@' (a handle).
 * Everything else separates words.
 */
#include <libstemmer.h>
#include <locale.h>
#include <stdio.h>
#include <wctype.h>

#include "text/tokenize.h"
#include "text/utf8text.h"

struct text_pipeline {
  struct sb_stemmer *stemmer;
  tm_dict stop;
  locale_t loc;
  char *words; size_t words_cap;  /* lower-cased words of the text */
  char *stems; size_t stems_cap;  /* their stems */
  text_token *tok; size_t tok_cap;
};

static int load_stopwords(text_pipeline *p, const char *path, tm_error *err) {
  FILE *f = fopen(path, "r");
  if (!f) return tm_error_set(err, TM_EIO, "%s: cannot read the stop words", path);
  char line[256];
  int rc = 0;
  while (!rc && fgets(line, sizeof line, f)) {
    size_t n = strcspn(line, "\r\n");
    if (!n || line[0] == '#') continue;
    uint32_t id;
    if (tm_dict_intern(&p->stop, line, n, &id)) rc = tm_error_nomem(err);
  }
  fclose(f);
  return rc;
}

int text_pipeline_new(text_pipeline **out, const char *stopwords_path, tm_error *err) {
  *out = NULL;
  text_pipeline *p = tm_calloc(1, sizeof *p);
  if (!p) return tm_error_nomem(err);
  int rc = tm_dict_init(&p->stop) ? tm_error_nomem(err) : 0;
  if (!rc && !(p->stemmer = sb_stemmer_new("english", "UTF_8")))
    rc = tm_error_set(err, TM_EINVAL, "libstemmer has no English stemmer");
  if (!rc && !(p->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)))
    rc = tm_error_set(err, TM_EINVAL, "the C.UTF-8 locale is missing (needed for Unicode letters)");
  if (!rc) rc = load_stopwords(p, stopwords_path, err);
  if (rc) { text_pipeline_free(p); return rc; }
  *out = p;
  return 0;
}

void text_pipeline_free(text_pipeline *p) {
  if (!p) return;
  if (p->stemmer) sb_stemmer_delete(p->stemmer);
  if (p->loc) freelocale(p->loc);
  tm_dict_fini(&p->stop);
  tm_free(p->words);
  tm_free(p->stems);
  tm_free(p->tok);
  tm_free(p);
}

bool text_is_stopword(const text_pipeline *p, const char *w, size_t n) {
  return tm_dict_find(&p->stop, w, n) != UINT32_MAX;
}

static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xc0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static int reserve(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap : 1024;
  while (c < need) c *= 2;
  char *b = tm_realloc(*buf, c);
  if (!b) return TM_ENOMEM;
  *buf = b;
  *cap = c;
  return 0;
}

long text_pipeline_run(text_pipeline *p, const char *s, size_t n, const text_token **toks) {
  /* lower-cased words first (at most 4 bytes per input byte), then stems */
  if (reserve(&p->words, &p->words_cap, n * 4 + 1)) return TM_ENOMEM;
  size_t wo = 0, count = 0;
  uint32_t clause = 0;
  typedef struct { size_t off, len; uint32_t clause; } span;
  span *spans = NULL;
  size_t spans_cap = 0;
  size_t i = 0;
  while (i < n) {
    if (s[i] == '[' && ((n - i >= 7 && !memcmp(s + i, "[email]", 7)) || (n - i >= 8 && !memcmp(s + i, "[number]", 8)))) {
      i += s[i + 1] == 'e' ? 7 : 8; /* scrubbed personal data is not a word */
      continue;
    }
    size_t start = wo;
    bool handle = i > 0 && s[i - 1] == '@'; /* @handles name people, not themes */
    while (i < n) {
      uint32_t cp;
      size_t step = tm_utf8_decode(s + i, n - i, &cp);
      bool word;
      if (cp == 0x2019) { cp = '\''; word = true; }
      else if (cp < 0x80) word = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' || cp == '\'';
      else word = cp < TM_UTF8_BAD && iswalnum_l((wint_t)cp, p->loc);
      if (!word) break;
      if (cp < 0x80) p->words[wo++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
      else wo += put_utf8(p->words + wo, (uint32_t)towlower_l((wint_t)cp, p->loc));
      i += step;
    }
    size_t a = start, b = wo;
    while (a < b && p->words[a] == '\'') a++;
    while (b > a && p->words[b - 1] == '\'') b--;
    if (b > a) {
      bool digits = true;
      for (size_t k = a; k < b; k++) digits &= p->words[k] >= '0' && p->words[k] <= '9';
      if (b - a >= 2 && !digits && !handle && !text_is_stopword(p, p->words + a, b - a)) {
        if (count == spans_cap && TM_GROW(spans, spans_cap, count + 1)) { tm_free(spans); return TM_ENOMEM; }
        spans[count++] = (span){a, b - a, clause};
      }
      continue;
    }
    wo = start;
    if (i < n) {
      unsigned char c = (unsigned char)s[i];
      if (c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '(' || c == ')') clause++;
      uint32_t cp;
      i += tm_utf8_decode(s + i, n - i, &cp);
    }
  }
  size_t so = 0;
  if (count > p->tok_cap && TM_GROW(p->tok, p->tok_cap, count)) { tm_free(spans); return TM_ENOMEM; }
  for (size_t k = 0; k < count; k++) {
    const sb_symbol *st = sb_stemmer_stem(p->stemmer, (const sb_symbol *)(p->words + spans[k].off), (int)spans[k].len);
    if (!st) { tm_free(spans); return TM_ENOMEM; }
    size_t sl = (size_t)sb_stemmer_length(p->stemmer);
    if (reserve(&p->stems, &p->stems_cap, so + sl + 1)) { tm_free(spans); return TM_ENOMEM; }
    memcpy(p->stems + so, st, sl);
    p->tok[k].stem_len = sl;
    p->tok[k].word_len = spans[k].len;
    p->tok[k].clause = spans[k].clause;
    p->tok[k].stem = (const char *)(uintptr_t)so; /* offsets now, pointers below: stems may move */
    p->tok[k].word = p->words + spans[k].off;
    so += sl;
  }
  for (size_t k = 0; k < count; k++) p->tok[k].stem = p->stems + (uintptr_t)p->tok[k].stem;
  tm_free(spans);
  *toks = p->tok;
  return (long)count;
}
