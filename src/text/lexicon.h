/*
 * lexicon.h — sentiment lexicons: word -> valence in an open-addressing hash
 * (one probe sequence, no per-lookup allocation), plus VADER's emoji lexicon
 * (code point -> description). Internal to the library.
 */
#ifndef TM_TEXT_LEXICON_H
#define TM_TEXT_LEXICON_H
#include "core/common.h"

/* Flags carried by a word in the table, so one lookup answers every rule. */
enum {
  LEX_VALENCE = 1,   /* in the sentiment lexicon */
  LEX_BOOSTER = 2,   /* a booster / dampener (booster holds its increment) */
  LEX_NEGATE = 4     /* in VADER's NEGATE list */
};

typedef struct lex_entry {
  uint64_t hash;
  uint32_t off;      /* key bytes at keys + off */
  uint16_t len;
  uint8_t flags;
  uint8_t word_id;   /* a LW_* id for the words the rules name, else 0 */
  double valence;
  double booster;
} lex_entry;

/* A probe slot: 8 bytes, so the probe table of the whole VADER lexicon
 * (16,384 slots) stays in cache; most words of a text are not in it and never
 * touch the entries. */
typedef struct lex_slot {
  uint32_t tag;      /* the hash's high 32 bits */
  uint32_t idx;      /* entry + 1; 0 = empty */
} lex_slot;

typedef struct tm_lexicon {
  lex_slot *slot;    /* cap slots */
  lex_entry *ent;    /* count entries, dense */
  size_t cap, count, ent_cap, valence_words;
  char *keys;
  size_t keys_len, keys_cap;
  int afinn;         /* loaded from an AFINN file (values scaled by 0.8) */
  /* emoji: single code points -> description */
  uint32_t *emoji_cp;
  uint32_t *emoji_off;  /* description at keys + off, NUL-terminated */
  uint16_t *emoji_len;
  size_t emoji_count, emoji_cap;
  uint32_t emoji_min;   /* smallest emoji code point, for a fast reject */
} tm_lexicon;

/* Words the VADER rules compare against (word_id values). */
enum {
  LW_NONE = 0, LW_NO, LW_BUT, LW_NEVER, LW_SO, LW_THIS, LW_WITHOUT, LW_DOUBT, LW_LEAST, LW_AT,
  LW_VERY, LW_KIND, LW_OF, LW_OR, LW_NOR, LW_THE, LW_SHIT, LW_BOMB, LW_BAD, LW_ASS, LW_BUS, LW_STOP,
  LW_YEAH, LW_RIGHT, LW_KISS, LW_DEATH, LW_TO, LW_DIE, LW_FOR, LW_BEATING, LW_HEART, LW_BROKEN,
  LW_JUST, LW_ENOUGH, LW_SORT, LW_ALL, LW_NOT, LW_NOTHING, LW_NONE_W, LW_COUNT
};

/* Loads a word lexicon: VADER format (word TAB mean TAB sd TAB ratings) or
 * AFINN (word TAB integer -5..5), detected from the number of fields. Adds the
 * booster, negation and rule words. TM_EIO / TM_EFORMAT (file:line:reason). */
int tm_lexicon_load(tm_lexicon **out, const char *path, tm_error *err);
/* Loads an emoji lexicon (emoji TAB description) into lex. */
int tm_lexicon_load_emoji(tm_lexicon *lex, const char *path, tm_error *err);
void tm_lexicon_free(tm_lexicon *lex);

uint64_t tm_lex_hash(const char *s, size_t n);
/* The entry for s[0..n) with its hash h, or NULL. */
static inline const lex_entry *tm_lexicon_find(const tm_lexicon *lex, const char *s, size_t n, uint64_t h) {
  size_t mask = lex->cap - 1, i = (size_t)h & mask;
  uint32_t tag = (uint32_t)(h >> 32);
  for (;;) {
    lex_slot sl = lex->slot[i];
    if (!sl.idx) return NULL;
    if (sl.tag == tag) {
      const lex_entry *e = &lex->ent[sl.idx - 1];
      if (e->len == n && !memcmp(lex->keys + e->off, s, n)) return e;
    }
    i = (i + 1) & mask;
  }
}
/* Description of an emoji code point, or NULL. */
const char *tm_lexicon_emoji(const tm_lexicon *lex, uint32_t cp, size_t *len);

/* Where the shipped data lives: $TOUCHMINE_DATA, the compiled-in TM_DATADIR,
 * then ../share/touchmine from the executable (a relocated install), then
 * data/ of the source tree the executable was built in. Writes the path of file
 * (e.g. "vader/vader_lexicon.txt") to out; TM_ENOTFOUND saying where it looked. */
int tm_text_data_path(const char *file, char *out, size_t cap, tm_error *err);

#endif
