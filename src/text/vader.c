/*
 * vader.c — the VADER rules over one text, in the order and with the quirks of
 * the reference Python (cjhutto/vaderSentiment): emoji replaced by their
 * descriptions, booster words, "no" / NEGATE negation in the three preceding
 * words, "never so/this", "without doubt", "least", ALL-CAPS emphasis,
 * special-case idioms, contrastive "but" (applied through list.index, so
 * equal valences before "but" are found by their first occurrence), ! and ?
 * emphasis, normalisation by x / sqrt(x^2 + 15) and Python's round().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "text/utf8text.h"
#include "text/vader.h"

#define C_INCR 0.733
#define N_SCALAR (-0.74)
#define B_DECR (-0.293)

void vader_init(vader *v, const tm_lexicon *lex, int improved) {
  memset(v, 0, sizeof *v);
  v->lex = lex;
  v->improved = improved;
}

void vader_release(vader *v) {
  tm_free(v->text);
  tm_free(v->lower);
  tm_free(v->tok);
  tm_free(v->sent);
  memset(v, 0, sizeof *v);
}

double vader_py_round(double x, int digits) {
  double scale = digits == 3 ? 1e3 : 1e4;
  double y = x * scale, f = fabs(y - trunc(y));
  if (fabs(f - 0.5) > 1e-6) return nearbyint(y) / scale + 0.0;
  char buf[64]; /* near a tie: let the exact decimal expansion decide, as Python does */
  snprintf(buf, sizeof buf, "%.*f", digits, x);
  return strtod(buf, NULL) + 0.0;
}

/* Replaces each emoji code point by its description (Python's loop over
 * characters: a space before it unless one precedes, none after). Returns the
 * text to score, which is s itself when nothing changes. */
static const char *replace_emoji(vader *v, const char *s, size_t n, size_t *outn) {
  const tm_lexicon *lex = v->lex;
  size_t i = 0;
  if (!lex->emoji_count) { *outn = n; return s; }
  /* fast path: find the first emoji, if any */
  for (; i < n; i++) {
    if ((unsigned char)s[i] < 0x80) continue;
    uint32_t cp;
    size_t len, step = tm_utf8_decode(s + i, n - i, &cp);
    if (tm_lexicon_emoji(lex, cp, &len)) break;
    i += step - 1;
  }
  if (i == n) { *outn = n; return s; }
  size_t o = 0;
  bool prev_space = true;
  for (size_t j = 0; j < n;) {
    uint32_t cp;
    size_t dlen = 0, step = tm_utf8_decode(s + j, n - j, &cp);
    const char *desc = (unsigned char)s[j] >= 0x80 ? tm_lexicon_emoji(lex, cp, &dlen) : NULL;
    size_t need = o + (desc ? dlen + 1 : step) + 1;
    if (need > v->text_cap) {
      size_t cap = v->text_cap ? v->text_cap : 256;
      while (cap < need) cap *= 2;
      char *t = tm_realloc(v->text, cap);
      if (!t) return NULL;
      v->text = t;
      v->text_cap = cap;
    }
    if (desc) {
      if (!prev_space) v->text[o++] = ' ';
      memcpy(v->text + o, desc, dlen);
      o += dlen;
      prev_space = false;
    } else {
      memcpy(v->text + o, s + j, step);
      o += step;
      prev_space = cp == ' ';
    }
    j += step;
  }
  *outn = o;
  return v->text;
}

/* Whether the word contains "n't" (the reference's include_nt). */
static inline bool has_nt(const char *w, uint32_t n) {
  for (uint32_t b = 1; b + 1 < n; b++)
    if (w[b] == '\'' && w[b - 1] == 'n' && w[b + 1] == 't') return true;
  return false;
}

static inline bool in_lex(const vader_token *t) { return t->e && (t->e->flags & LEX_VALENCE); }
static inline int wid(const vader_token *t) { return t->id; }

static double scalar_inc_dec(const vader_token *t, double valence, bool cap_diff) {
  double scalar = 0.0;
  if (t->e && (t->e->flags & LEX_BOOSTER)) {
    scalar = t->e->booster;
    if (valence < 0) scalar *= -1;
    if (t->upper && cap_diff) {
      if (valence > 0) scalar += C_INCR;
      else scalar -= C_INCR;
    }
  }
  return scalar;
}

static double negation_check(double valence, const vader_token *w, int start_i, size_t i) {
  if (start_i == 0) {
    if (w[i - 1].negated) valence *= N_SCALAR;
  } else if (start_i == 1) {
    if (wid(&w[i - 2]) == LW_NEVER && (wid(&w[i - 1]) == LW_SO || wid(&w[i - 1]) == LW_THIS)) valence *= 1.25;
    else if (wid(&w[i - 2]) == LW_WITHOUT && wid(&w[i - 1]) == LW_DOUBT) {
    } else if (w[i - 2].negated) valence *= N_SCALAR;
  } else {
    if ((wid(&w[i - 3]) == LW_NEVER && (wid(&w[i - 2]) == LW_SO || wid(&w[i - 2]) == LW_THIS)) ||
        (wid(&w[i - 1]) == LW_SO || wid(&w[i - 1]) == LW_THIS))
      valence *= 1.25;
    else if (wid(&w[i - 3]) == LW_WITHOUT && (wid(&w[i - 2]) == LW_DOUBT || wid(&w[i - 1]) == LW_DOUBT)) {
    } else if (w[i - 3].negated) valence *= N_SCALAR;
  }
  return valence;
}

/* SPECIAL_CASES of the reference: word-id sequences and their valence. */
typedef struct special_case { int len; uint8_t id[3]; double valence; } special_case;
static const special_case special_cases[] = {
    {2, {LW_THE, LW_SHIT}, 3},        {2, {LW_THE, LW_BOMB}, 3},       {2, {LW_BAD, LW_ASS}, 1.5},
    {2, {LW_BUS, LW_STOP}, 0.0},      {2, {LW_YEAH, LW_RIGHT}, -2},    {3, {LW_KISS, LW_OF, LW_DEATH}, -1.5},
    {3, {LW_TO, LW_DIE, LW_FOR}, 3},  {2, {LW_BEATING, LW_HEART}, 3.1}, {2, {LW_BROKEN, LW_HEART}, -2.9}};

/* The valence of the special case that words w[a..a+len) spell, if any. */
static bool special_case_at(const vader_token *w, size_t a, int len, double *valence) {
  for (size_t k = 0; k < TM_ARRAY_LEN(special_cases); k++) {
    const special_case *sc = &special_cases[k];
    if (sc->len != len) continue;
    int j = 0;
    while (j < len && w[a + (size_t)j].id == sc->id[j] && sc->id[j]) j++;
    if (j == len) { *valence = sc->valence; return true; }
  }
  return false;
}

/* BOOSTER_DICT's two-word dampeners: "just enough", "kind of", "sort of". */
static bool booster_bigram(const vader_token *a, const vader_token *b) {
  return (a->id == LW_JUST && b->id == LW_ENOUGH) || (a->id == LW_KIND && b->id == LW_OF) ||
         (a->id == LW_SORT && b->id == LW_OF);
}

static double special_idioms_check(double valence, const vader_token *w, size_t n, size_t i) {
  /* onezero, twoonezero, twoone, threetwoone, threetwo: the first that matches */
  double sv;
  if (special_case_at(w, i - 1, 2, &sv) || special_case_at(w, i - 2, 3, &sv) || special_case_at(w, i - 2, 2, &sv) ||
      special_case_at(w, i - 3, 3, &sv) || special_case_at(w, i - 3, 2, &sv))
    valence = sv;
  if (n - 1 > i && special_case_at(w, i, 2, &sv)) valence = sv;
  if (n - 1 > i + 1 && special_case_at(w, i, 3, &sv)) valence = sv;
  /* threetwoone (no three-word booster exists), threetwo, twoone */
  if (booster_bigram(&w[i - 3], &w[i - 2])) valence += B_DECR;
  if (booster_bigram(&w[i - 2], &w[i - 1])) valence += B_DECR;
  return valence;
}

static double least_check(double valence, const vader_token *w, size_t i) {
  if (i > 1 && !in_lex(&w[i - 1]) && w[i - 1].id == LW_LEAST) {
    if (w[i - 2].id != LW_AT && w[i - 2].id != LW_VERY) valence *= N_SCALAR;
  } else if (i > 0 && !in_lex(&w[i - 1]) && w[i - 1].id == LW_LEAST) {
    valence *= N_SCALAR;
  }
  return valence;
}

/* Improved mode: a negative word negated by the words before it ("no problem",
 * "not bad", "not the worst", "never disappointed") means the absence of a
 * problem, which people rate mildly positive, not as the flipped opposite. The
 * reference turns "not the worst" into +2.3; here a negated negative becomes
 * +0.5 (about "okay"), and "at all" after a negated word strengthens it.
 * And a comparative after "can't be" ("couldn't be happier") is praise. */
static bool negated_before(const vader_token *w, size_t i) {
  for (size_t k = 1; k <= 3 && k <= i; k++)
    if (w[i - k].negated || w[i - k].id == LW_NO) return true;
  return false;
}

static bool is_word(const vader_token *t, const char *w) {
  size_t n = strlen(w);
  return t->lon == n && !memcmp(t->lo, w, n);
}

/* "couldn't be happier", "can't be better", "could not be more pleased": a
 * comparative after "can't be" is praise, which the reference negates. */
static bool cant_be_comparative(const vader_token *w, size_t i) {
  size_t k = i;
  if (k > 0 && (is_word(&w[k - 1], "more") || is_word(&w[k - 1], "any"))) k--;
  else if (!(w[i].lon > 3 && w[i].lo[w[i].lon - 2] == 'e' && w[i].lo[w[i].lon - 1] == 'r')) return false;
  if (k < 2 || !is_word(&w[k - 1], "be")) return false;
  const vader_token *n = &w[k - 2];
  if (is_word(n, "couldn't") || is_word(n, "couldnt") || is_word(n, "can't") || is_word(n, "cant") ||
      is_word(n, "cannot"))
    return true;
  return k >= 3 && is_word(n, "not") && (is_word(&w[k - 3], "could") || is_word(&w[k - 3], "can"));
}

static double sentiment_valence(const vader *v, const vader_token *w, size_t n, size_t i, bool cap_diff) {
  const vader_token *t = &w[i];
  double base = t->e->valence, valence = base;
  if (t->id == LW_NO && i != n - 1 && in_lex(&w[i + 1])) valence = 0.0;
  if ((i > 0 && w[i - 1].id == LW_NO) || (i > 1 && w[i - 2].id == LW_NO) ||
      (i > 2 && w[i - 3].id == LW_NO && (w[i - 1].id == LW_OR || w[i - 1].id == LW_NOR)))
    valence = base * N_SCALAR;
  if (t->upper && cap_diff) {
    if (valence > 0) valence += C_INCR;
    else valence -= C_INCR;
  }
  for (int start_i = 0; start_i < 3; start_i++) {
    if (i > (size_t)start_i && !in_lex(&w[i - (size_t)start_i - 1])) {
      double s = scalar_inc_dec(&w[i - (size_t)start_i - 1], valence, cap_diff);
      if (start_i == 1 && s != 0) s = s * 0.95;
      if (start_i == 2 && s != 0) s = s * 0.9;
      valence = valence + s;
      valence = negation_check(valence, w, start_i, i);
      if (start_i == 2) valence = special_idioms_check(valence, w, n, i);
    }
  }
  valence = least_check(valence, w, i);
  if (v->improved && base > 0 && valence < 0 && cant_be_comparative(w, i)) valence = base + 0.293;
  if (v->improved && base < 0 && valence > 0 && negated_before(w, i)) {
    valence = 0.5;
    if (i + 2 < n && w[i + 1].id == LW_AT && w[i + 2].id == LW_ALL) valence = 1.0;
  }
  return valence;
}

/* The reference's _but_check, including its use of list.index(value). */
static void but_check(const vader_token *w, double *sent, size_t n) {
  size_t bi = n;
  for (size_t k = 0; k < n; k++)
    if (w[k].id == LW_BUT) { bi = k; break; }
  if (bi == n) return;
  for (size_t k = 0; k < n; k++) {
    double s = sent[k];
    size_t si = 0;
    while (sent[si] != s) si++; /* s is sent[k], so found by k at the latest */
    if (si < bi) sent[si] = s * 0.5;
    else if (si > bi) sent[si] = s * 1.5;
  }
}

int vader_score(vader *v, const char *s, size_t n, vader_scores *out) {
  memset(out, 0, sizeof *out);
  size_t tn;
  const char *t = replace_emoji(v, s, n, &tn);
  if (!t) return TM_ENOMEM;
  long count = vader_tokenize(v, t, tn);
  if (count < 0) return TM_ENOMEM;
  size_t nw = (size_t)count;
  if (!nw) return 0;
  if (tn > v->lower_cap) {
    size_t cap = v->lower_cap ? v->lower_cap : 256;
    while (cap < tn) cap *= 2;
    char *l = tm_realloc(v->lower, cap);
    if (!l) return TM_ENOMEM;
    v->lower = l;
    v->lower_cap = cap;
  }
  if (nw > v->sent_cap && TM_GROW(v->sent, v->sent_cap, nw)) return TM_ENOMEM;
  vader_token *w = v->tok;
  size_t lo = 0, uppers = 0;
  for (size_t k = 0; k < nw; k++) {
    vader_token *tk = &w[k];
    bool plain = true;
    for (uint32_t b = 0; b < tk->n; b++) {
      unsigned char c = (unsigned char)tk->s[b];
      if ((c >= 'A' && c <= 'Z') || c >= 0x80) { plain = false; break; }
    }
    if (plain) {
      tk->lo = tk->s;
      tk->lon = tk->n;
      tk->upper = 0;
    } else {
      tk->lo = v->lower + lo;
      tk->lon = (uint32_t)tm_text_lower(tk->s, tk->n, v->lower + lo);
      lo += tk->lon;
      tk->upper = tm_py_isupper(tk->s, tk->n);
    }
    uppers += tk->upper;
    tk->e = tm_lexicon_find(v->lex, tk->lo, tk->lon, tm_lex_hash(tk->lo, tk->lon));
    tk->id = tk->e ? tk->e->word_id : 0;
    tk->negated = (tk->e && (tk->e->flags & LEX_NEGATE)) || has_nt(tk->lo, tk->lon);
  }
  size_t diff = nw - uppers;
  bool cap_diff = diff > 0 && diff < nw;
  double *sent = v->sent;
  for (size_t i = 0; i < nw; i++) {
    const vader_token *tk = &w[i];
    if (tk->e && (tk->e->flags & LEX_BOOSTER)) { sent[i] = 0; continue; }
    if (i < nw - 1 && tk->id == LW_KIND && w[i + 1].id == LW_OF) { sent[i] = 0; continue; }
    sent[i] = in_lex(tk) ? sentiment_valence(v, w, nw, i, cap_diff) : 0;
  }
  but_check(w, sent, nw);

  double sum_s = 0;
  for (size_t i = 0; i < nw; i++) sum_s += sent[i];
  size_t ep = 0, qm = 0;
  for (size_t i = 0; i < tn; i++) {
    ep += t[i] == '!';
    qm += t[i] == '?';
  }
  if (ep > 4) ep = 4;
  double punct = (double)ep * 0.292, qa = 0;
  if (qm > 1) qa = qm <= 3 ? (double)qm * 0.18 : 0.96;
  punct = punct + qa;
  if (sum_s > 0) sum_s += punct;
  else if (sum_s < 0) sum_s -= punct;
  double compound = sum_s / sqrt(sum_s * sum_s + 15);
  if (compound < -1.0) compound = -1.0;
  if (compound > 1.0) compound = 1.0;
  double pos_sum = 0, neg_sum = 0;
  size_t neu_count = 0;
  for (size_t i = 0; i < nw; i++) {
    if (sent[i] > 0) pos_sum += sent[i] + 1;
    if (sent[i] < 0) neg_sum += sent[i] - 1;
    if (sent[i] == 0) neu_count++;
  }
  if (pos_sum > fabs(neg_sum)) pos_sum += punct;
  else if (pos_sum < fabs(neg_sum)) neg_sum -= punct;
  double total = pos_sum + fabs(neg_sum) + (double)neu_count;
  out->pos = vader_py_round(fabs(pos_sum / total), 3);
  out->neg = vader_py_round(fabs(neg_sum / total), 3);
  out->neu = vader_py_round(fabs((double)neu_count / total), 3);
  out->compound = vader_py_round(compound, 4);
  return 0;
}
