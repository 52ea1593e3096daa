/*
 * lexicon.c — loading VADER / AFINN word lexicons and the emoji lexicon into
 * one open-addressing table (see lexicon.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xxhash.h>

#include "text/lexicon.h"
#include "text/utf8text.h"

#define B_INCR 0.293
#define B_DECR (-0.293)

/* VADER's BOOSTER_DICT (single words; the bigrams are matched by rule). */
static const char *const boosters_up[] = {
    "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably", "decidedly", "deeply",
    "effing", "enormous", "enormously", "entirely", "especially", "exceptional", "exceptionally", "extreme",
    "extremely", "fabulously", "flipping", "flippin", "frackin", "fracking", "fricking", "frickin", "frigging",
    "friggin", "fully", "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely",
    "incredible", "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
    "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally", "tremendous",
    "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very"};
static const char *const boosters_down[] = {
    "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal", "marginally",
    "occasional", "occasionally", "partly", "scarce", "scarcely", "slight", "slightly", "somewhat", "sorta",
    "sortof", "sort-of"};
/* VADER's NEGATE list. */
static const char *const negate_words[] = {
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't", "can't",
    "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt",
    "neither", "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", "neednt", "needn't",
    "never", "none", "nope", "nor", "not", "nothing", "nowhere", "oughtnt", "shant", "shouldnt", "uhuh",
    "wasnt", "werent", "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont",
    "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite"};
/* The words the rules name, in LW_* order from LW_NO. */
static const char *const rule_words[] = {
    "no", "but", "never", "so", "this", "without", "doubt", "least", "at", "very", "kind", "of", "or", "nor",
    "the", "shit", "bomb", "bad", "ass", "bus", "stop", "yeah", "right", "kiss", "death", "to", "die", "for",
    "beating", "heart", "broken", "just", "enough", "sort", "all", "not", "nothing", "none"};

uint64_t tm_lex_hash(const char *s, size_t n) { return XXH3_64bits(s, n); }

static int grow_table(tm_lexicon *lex);

/* Finds or adds the entry for s[0..n); NULL on allocation failure. */
static lex_entry *upsert(tm_lexicon *lex, const char *s, size_t n) {
  if (n == 0 || n > 0xffff) return NULL;
  if ((lex->count + 1) * 2 > lex->cap && grow_table(lex)) return NULL;
  uint64_t h = tm_lex_hash(s, n);
  lex_entry *found = (lex_entry *)tm_lexicon_find(lex, s, n, h);
  if (found) return found;
  if (lex->count == lex->ent_cap && TM_GROW(lex->ent, lex->ent_cap, lex->count + 1)) return NULL;
  size_t mask = lex->cap - 1, i = (size_t)h & mask;
  while (lex->slot[i].idx) i = (i + 1) & mask;
  if (lex->keys_len + n + 1 > UINT32_MAX) return NULL;
  if (lex->keys_len + n + 1 > lex->keys_cap) {
    size_t cap = lex->keys_cap ? lex->keys_cap : 65536;
    while (cap < lex->keys_len + n + 1) cap *= 2;
    char *k = tm_realloc(lex->keys, cap);
    if (!k) return NULL;
    lex->keys = k;
    lex->keys_cap = cap;
  }
  memcpy(lex->keys + lex->keys_len, s, n);
  lex->keys[lex->keys_len + n] = 0;
  lex->slot[i].tag = (uint32_t)(h >> 32);
  lex->slot[i].idx = (uint32_t)lex->count + 1;
  lex_entry *e = &lex->ent[lex->count];
  memset(e, 0, sizeof *e);
  e->hash = h;
  e->off = (uint32_t)lex->keys_len;
  e->len = (uint16_t)n;
  lex->keys_len += n + 1;
  lex->count++;
  return e;
}

static int grow_table(tm_lexicon *lex) {
  size_t cap = lex->cap ? lex->cap * 2 : 16384;
  lex_slot *slot = tm_calloc(cap, sizeof *slot);
  if (!slot) return TM_ENOMEM;
  for (size_t k = 0; k < lex->count; k++) {
    uint64_t h = lex->ent[k].hash;
    size_t j = (size_t)h & (cap - 1);
    while (slot[j].idx) j = (j + 1) & (cap - 1);
    slot[j].tag = (uint32_t)(h >> 32);
    slot[j].idx = (uint32_t)k + 1;
  }
  tm_free(lex->slot);
  lex->slot = slot;
  lex->cap = cap;
  return 0;
}

static int add_rules(tm_lexicon *lex) {
  lex_entry *e;
  for (size_t i = 0; i < TM_ARRAY_LEN(boosters_up); i++) {
    if (!(e = upsert(lex, boosters_up[i], strlen(boosters_up[i])))) return TM_ENOMEM;
    e->flags |= LEX_BOOSTER;
    e->booster = B_INCR;
  }
  for (size_t i = 0; i < TM_ARRAY_LEN(boosters_down); i++) {
    if (!(e = upsert(lex, boosters_down[i], strlen(boosters_down[i])))) return TM_ENOMEM;
    e->flags |= LEX_BOOSTER;
    e->booster = B_DECR;
  }
  for (size_t i = 0; i < TM_ARRAY_LEN(negate_words); i++) {
    if (!(e = upsert(lex, negate_words[i], strlen(negate_words[i])))) return TM_ENOMEM;
    e->flags |= LEX_NEGATE;
  }
  for (size_t i = 0; i < TM_ARRAY_LEN(rule_words); i++) {
    if (!(e = upsert(lex, rule_words[i], strlen(rule_words[i])))) return TM_ENOMEM;
    e->word_id = (uint8_t)(LW_NO + i);
  }
  return 0;
}

static int read_file(const char *path, char **data, size_t *len, tm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *buf = tm_malloc(cap);
  while (buf) {
    if (n + 1 >= cap) {
      char *b = tm_realloc(buf, cap * 2);
      if (!b) { tm_free(buf); buf = NULL; break; }
      buf = b;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf) return tm_error_nomem(err);
  if (bad) { tm_free(buf); return tm_error_set(err, TM_EIO, "%s: read error", path); }
  buf[n] = 0;
  *data = buf;
  *len = n;
  return 0;
}

int tm_lexicon_load(tm_lexicon **out, const char *path, tm_error *err) {
  *out = NULL;
  char *data;
  size_t len;
  int rc = read_file(path, &data, &len, err);
  if (rc) return rc;
  tm_lexicon *lex = tm_calloc(1, sizeof *lex);
  if (!lex) { tm_free(data); return tm_error_nomem(err); }
  /* Format: VADER lines have 4 tab-separated fields, AFINN lines 2. */
  size_t lines = 0, four = 0;
  for (char *p = data; *p && lines < 200;) {
    char *eol = strchr(p, '\n');
    size_t tabs = 0;
    for (char *q = p; q < (eol ? eol : p + strlen(p)); q++) tabs += *q == '\t';
    if (eol != p) { lines++; four += tabs >= 3; }
    if (!eol) break;
    p = eol + 1;
  }
  lex->afinn = four * 2 < lines;
  uint64_t lineno = 0;
  for (char *p = data; *p;) {
    char *eol = strchr(p, '\n');
    if (eol) *eol = 0;
    lineno++;
    char *line = p;
    p = eol ? eol + 1 : p + strlen(p);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = 0;
    while (*line == ' ') line++;
    if (!*line) continue;
    char *tab = strchr(line, '\t');
    if (!tab) { rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: no tab between word and valence", path, (unsigned long long)lineno); break; }
    char *end;
    errno = 0;
    double v = strtod(tab + 1, &end);
    if (end == tab + 1 || errno || (*end && *end != '\t')) {
      rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: valence is not a number", path, (unsigned long long)lineno);
      break;
    }
    lex_entry *e = upsert(lex, line, (size_t)(tab - line));
    if (!e) {
      if (tab == line || tab - line > 0xffff) continue; /* an empty or absurd word: skip it */
      rc = tm_error_nomem(err);
      break;
    }
    if (!(e->flags & LEX_VALENCE)) lex->valence_words++;
    e->flags |= LEX_VALENCE;
    e->valence = lex->afinn ? v * 0.8 : v; /* AFINN's -5..5 onto VADER's -4..4 */
  }
  tm_free(data);
  if (!rc && !lex->valence_words) rc = tm_error_set(err, TM_EFORMAT, "%s: no lexicon entries", path);
  if (!rc && add_rules(lex)) rc = tm_error_nomem(err);
  if (rc) { tm_lexicon_free(lex); return rc; }
  *out = lex;
  return 0;
}

int tm_lexicon_load_emoji(tm_lexicon *lex, const char *path, tm_error *err) {
  char *data;
  size_t len;
  int rc = read_file(path, &data, &len, err);
  if (rc) return rc;
  lex->emoji_min = UINT32_MAX;
  for (char *p = data; *p && !rc;) {
    char *eol = strchr(p, '\n');
    if (eol) *eol = 0;
    char *line = p;
    p = eol ? eol + 1 : p + strlen(p);
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    size_t klen = (size_t)(tab - line);
    uint32_t cp;
    size_t used = tm_utf8_decode(line, klen, &cp);
    if (used != klen || cp >= 0x110000) continue; /* several code points: Python never matches these */
    char *desc = tab + 1;
    char *tab2 = strchr(desc, '\t');
    size_t dlen = tab2 ? (size_t)(tab2 - desc) : strlen(desc);
    while (dlen && (desc[dlen - 1] == '\r' || desc[dlen - 1] == ' ')) dlen--;
    if (lex->emoji_count == lex->emoji_cap) {
      size_t cap = lex->emoji_cap ? lex->emoji_cap * 2 : 1024;
      uint32_t *a = tm_realloc(lex->emoji_cp, cap * sizeof *a);
      if (!a) { rc = tm_error_nomem(err); break; }
      lex->emoji_cp = a;
      uint32_t *b = tm_realloc(lex->emoji_off, cap * sizeof *b);
      if (!b) { rc = tm_error_nomem(err); break; }
      lex->emoji_off = b;
      uint16_t *c = tm_realloc(lex->emoji_len, cap * sizeof *c);
      if (!c) { rc = tm_error_nomem(err); break; }
      lex->emoji_len = c;
      lex->emoji_cap = cap;
    }
    if (lex->keys_len + dlen + 1 > lex->keys_cap) {
      size_t cap = lex->keys_cap ? lex->keys_cap : 65536;
      while (cap < lex->keys_len + dlen + 1) cap *= 2;
      char *k = tm_realloc(lex->keys, cap);
      if (!k) { rc = tm_error_nomem(err); break; }
      lex->keys = k;
      lex->keys_cap = cap;
    }
    memcpy(lex->keys + lex->keys_len, desc, dlen);
    lex->keys[lex->keys_len + dlen] = 0;
    /* a later line for the same emoji wins, as in Python's dict */
    size_t at = lex->emoji_count;
    for (size_t i = 0; i < lex->emoji_count; i++)
      if (lex->emoji_cp[i] == cp) { at = i; break; }
    if (at == lex->emoji_count) lex->emoji_count++;
    lex->emoji_cp[at] = cp;
    lex->emoji_off[at] = (uint32_t)lex->keys_len;
    lex->emoji_len[at] = (uint16_t)TM_MIN(dlen, 0xffff);
    lex->keys_len += dlen + 1;
    if (cp < lex->emoji_min) lex->emoji_min = cp;
  }
  tm_free(data);
  if (rc) return rc;
  /* sort by code point for binary search (insertion sort: a few thousand, once) */
  for (size_t i = 1; i < lex->emoji_count; i++) {
    uint32_t c = lex->emoji_cp[i], o = lex->emoji_off[i];
    uint16_t l = lex->emoji_len[i];
    size_t j = i;
    for (; j > 0 && lex->emoji_cp[j - 1] > c; j--) {
      lex->emoji_cp[j] = lex->emoji_cp[j - 1];
      lex->emoji_off[j] = lex->emoji_off[j - 1];
      lex->emoji_len[j] = lex->emoji_len[j - 1];
    }
    lex->emoji_cp[j] = c;
    lex->emoji_off[j] = o;
    lex->emoji_len[j] = l;
  }
  return 0;
}

const char *tm_lexicon_emoji(const tm_lexicon *lex, uint32_t cp, size_t *len) {
  if (cp < lex->emoji_min || !lex->emoji_count) return NULL;
  size_t lo = 0, hi = lex->emoji_count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (lex->emoji_cp[mid] < cp) lo = mid + 1;
    else hi = mid;
  }
  if (lo == lex->emoji_count || lex->emoji_cp[lo] != cp) return NULL;
  *len = lex->emoji_len[lo];
  return lex->keys + lex->emoji_off[lo];
}

void tm_lexicon_free(tm_lexicon *lex) {
  if (!lex) return;
  tm_free(lex->slot);
  tm_free(lex->ent);
  tm_free(lex->keys);
  tm_free(lex->emoji_cp);
  tm_free(lex->emoji_off);
  tm_free(lex->emoji_len);
  tm_free(lex);
}

#ifndef TM_DATADIR
#define TM_DATADIR "/usr/local/share/touchmine"
#endif

static bool readable(const char *path) { return access(path, R_OK) == 0; }

int tm_text_data_path(const char *file, char *out, size_t cap, tm_error *err) {
  const char *env = getenv("TOUCHMINE_DATA");
  if (env && *env) {
    snprintf(out, cap, "%s/%s", env, file);
    if (readable(out)) return 0;
  }
  snprintf(out, cap, "%s/%s", TM_DATADIR, file);
  if (readable(out)) return 0;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    static const char *const ups[] = {"/../share/touchmine", "/../data", "/data", "/../../data"};
    for (size_t i = 0; i < TM_ARRAY_LEN(ups); i++) {
      snprintf(out, cap, "%s%s/%s", exe, ups[i], file);
      if (readable(out)) return 0;
    }
  }
  return tm_error_set(err, TM_ENOTFOUND,
                      "cannot find %s: set TOUCHMINE_DATA to the data folder (looked in $TOUCHMINE_DATA, %s, "
                      "../share/touchmine and data/ beside the executable)", file, TM_DATADIR);
}
