/*
 * sentiment.c — the public sentiment API: lexicons found in the data folder,
 * one VADER scorer per handle, and scoring a file of texts in order.
 */
#include <stdio.h>

#include "io/io.h"
#include "text/lexicon.h"
#include "text/text_db.h"
#include "text/vader.h"

struct tm_sentiment {
  tm_lexicon *lex;
  vader v;
};

int tm_sentiment_open(tm_sentiment **out, const tm_sentiment_options *opt, tm_error *err) {
  *out = NULL;
  char lex_path[4096], emoji_path[4096];
  int rc;
  const char *lp = opt ? opt->lexicon_path : NULL, *ep = opt ? opt->emoji_path : NULL;
  if (!lp) {
    if ((rc = tm_text_data_path("vader/vader_lexicon.txt", lex_path, sizeof lex_path, err))) return rc;
    lp = lex_path;
  }
  if (!ep) {
    if ((rc = tm_text_data_path("vader/emoji_utf8_lexicon.txt", emoji_path, sizeof emoji_path, err))) return rc;
    ep = emoji_path;
  }
  tm_sentiment *s = tm_calloc(1, sizeof *s);
  if (!s) return tm_error_nomem(err);
  if ((rc = tm_lexicon_load(&s->lex, lp, err)) || (rc = tm_lexicon_load_emoji(s->lex, ep, err))) {
    tm_sentiment_close(s);
    return rc;
  }
  vader_init(&s->v, s->lex, opt ? opt->improved : 0);
  *out = s;
  return 0;
}

void tm_sentiment_close(tm_sentiment *s) {
  if (!s) return;
  vader_release(&s->v);
  tm_lexicon_free(s->lex);
  tm_free(s);
}

int tm_sentiment_score(tm_sentiment *s, const char *text, size_t len, tm_sentiment_scores *out) {
  vader_scores vs;
  int rc = vader_score(&s->v, text, len, &vs);
  out->neg = vs.neg;
  out->neu = vs.neu;
  out->pos = vs.pos;
  out->compound = vs.compound;
  return rc;
}

const char *tm_sentiment_label(double compound) {
  return compound >= 0.05 ? "positive" : compound <= -0.05 ? "negative" : "neutral";
}

static int score_lines(tm_sentiment *s, tm_reader *r, const char *path, tm_sentiment_row_fn fn, void *payload,
                       tm_error *err) {
  size_t cap = 1 << 16, have = 0;
  char *buf = tm_malloc(cap);
  if (!buf) return tm_error_nomem(err);
  uint64_t row = 0;
  int rc = 0;
  bool eof = false;
  while (!rc) {
    /* score every complete line in the buffer */
    size_t start = 0;
    for (;;) {
      char *nl = memchr(buf + start, '\n', have - start);
      size_t end = nl ? (size_t)(nl - buf) : have;
      if (!nl && !eof) break;
      if (!nl && start == have) break;
      size_t n = end - start;
      if (n && buf[start + n - 1] == '\r') n--;
      tm_sentiment_scores sc;
      if ((rc = tm_sentiment_score(s, buf + start, n, &sc))) { rc = tm_error_nomem(err); break; }
      if (fn(payload, row++, &sc)) { rc = tm_error_set(err, TM_ECANCELED, "%s: stopped", path); break; }
      start = nl ? end + 1 : have;
    }
    if (rc || eof) break;
    memmove(buf, buf + start, have - start);
    have -= start;
    if (have == cap) {
      char *b = tm_realloc(buf, cap * 2);
      if (!b) { rc = tm_error_nomem(err); break; }
      buf = b;
      cap *= 2;
    }
    size_t got;
    if ((rc = tm_reader_read(r, buf + have, cap - have, &got, err))) break;
    if (!got) eof = true;
    have += got;
  }
  tm_free(buf);
  return rc;
}

static int score_csv(tm_sentiment *s, tm_reader *r, const char *path, const char *column, tm_sentiment_row_fn fn,
                     void *payload, tm_error *err) {
  tm_csv *csv;
  int rc = tm_csv_open(&csv, r, 0, err);
  if (rc) return rc;
  tm_csv_record rec;
  long col = -1;
  uint64_t row = 0;
  while ((rc = tm_csv_next(csv, &rec, err)) == 1) {
    if (rec.malformed) {
      rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: %s", path, (unsigned long long)rec.line, rec.malformed);
      break;
    }
    if (col < 0) {
      for (size_t i = 0; i < rec.nfields; i++)
        if (!strcmp(rec.field[i], column)) { col = (long)i; break; }
      if (col < 0) {
        rc = tm_error_set(err, TM_ENOTFOUND, "%s:%llu: no column '%s' in the header", path,
                          (unsigned long long)rec.line, column);
        break;
      }
      continue;
    }
    const char *text = (size_t)col < rec.nfields ? rec.field[col] : "";
    size_t n = (size_t)col < rec.nfields ? rec.len[col] : 0;
    tm_sentiment_scores sc;
    if (tm_sentiment_score(s, text, n, &sc)) { rc = tm_error_nomem(err); break; }
    if (fn(payload, row++, &sc)) { rc = tm_error_set(err, TM_ECANCELED, "%s: stopped", path); break; }
  }
  if (rc == 0 && col < 0) rc = tm_error_set(err, TM_EFORMAT, "%s: empty file, no header", path);
  tm_csv_close(csv);
  return rc < 0 ? rc : 0;
}

int tm_sentiment_file(tm_sentiment *s, const char *path, const char *column, tm_sentiment_row_fn fn,
                      void *payload, tm_error *err) {
  tm_reader *r;
  int rc = tm_reader_open(&r, path, err);
  if (rc) return rc;
  rc = column ? score_csv(s, r, path, column, fn, payload, err) : score_lines(s, r, path, fn, payload, err);
  tm_reader_close(r);
  return rc;
}

int tm_sentiment_improved(const tm_sentiment *s) { return s->v.improved; }

bool tm_sentiment_has_word(const tm_sentiment *s, const char *w, size_t n) {
  const lex_entry *e = tm_lexicon_find(s->lex, w, n, tm_lex_hash(w, n));
  return e && (e->flags & LEX_VALENCE);
}
