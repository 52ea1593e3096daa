/*
 * fuzz_json.c — libFuzzer target for the arena JSON parser (src/io/json.c).
 *
 * The input is one document. One parser is reused across inputs, as ingest
 * reuses it. A refused document must give TM_EFORMAT and a "line L col C: "
 * message whose position lies inside the input. An accepted one must have a
 * root whose raw text is the input trimmed of whitespace, and a tree in which
 * every node is consistent: raw text nested in its parent's and in document
 * order, the right first and last bytes for its type, strings NUL-terminated
 * and equal to their source when it has no escapes, numbers equal to glibc's
 * strtod of their text, lookup finding the first of duplicate keys, and each
 * child of the root parsing alone (with a second parser) to the same shape.
 * Any breach traps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"

#define CHECK(x)                                                                                             \
  do {                                                                                                       \
    if (!(x)) __builtin_trap();                                                                              \
  } while (0)

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void check_number(const tm_jval *v, const char *raw, size_t n) {
  double got;
  CHECK(tm_jval_num(v, &got));
  char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
  CHECK(copy != NULL);
  memcpy(copy, raw, n);
  copy[n] = '\0';
  char *end;
  double want = strtod(copy, &end);
  CHECK(end == copy + n); /* strtod reads exactly the JSON grammar's bytes */
  CHECK(memcmp(&got, &want, sizeof got) == 0);
  if (copy != small) free(copy);
}

/* Checks v, whose raw text must lie in [lo, hi), and everything under it. */
static void walk(const tm_jval *v, const char *lo, const char *hi, int depth) {
  CHECK(v != NULL && depth <= TM_JSON_MAX_DEPTH);
  size_t n;
  const char *raw = tm_jval_raw(v, &n);
  CHECK(raw != NULL && n > 0 && raw >= lo && raw + n <= hi);
  CHECK(!is_ws(raw[0]) && !is_ws(raw[n - 1]));
  tm_jtype t = tm_jval_type(v);
  size_t count = tm_jval_count(v);
  CHECK(tm_jval_at(v, count) == NULL);
  if (t != TM_JSTR) CHECK(tm_jval_str(v, NULL) == NULL);
  if (t != TM_JNUM) CHECK(!tm_jval_num(v, &(double){0}));
  if (t != TM_JOBJ) CHECK(tm_jval_key_at(v, 0, NULL) == NULL && tm_jval_get(v, "") == NULL);
  if (t != TM_JARR && t != TM_JOBJ) CHECK(count == 0);
  switch (t) {
  case TM_JNULL: CHECK(n == 4 && memcmp(raw, "null", 4) == 0); break;
  case TM_JFALSE: CHECK(n == 5 && memcmp(raw, "false", 5) == 0); break;
  case TM_JTRUE: CHECK(n == 4 && memcmp(raw, "true", 4) == 0); break;
  case TM_JNUM: check_number(v, raw, n); break;
  case TM_JSTR: {
    size_t sl;
    const char *s = tm_jval_str(v, &sl);
    CHECK(s != NULL && n >= 2 && raw[0] == '"' && raw[n - 1] == '"');
    CHECK(s[sl] == '\0' && sl <= n - 2);
    if (!memchr(raw, '\\', n)) CHECK(sl == n - 2 && memcmp(s, raw + 1, sl) == 0);
    break;
  }
  case TM_JARR:
  case TM_JOBJ: {
    CHECK(raw[0] == (t == TM_JARR ? '[' : '{') && raw[n - 1] == (t == TM_JARR ? ']' : '}'));
    const char *cursor = raw + 1; /* children in order, inside the brackets */
    for (size_t i = 0; i < count; i++) {
      const tm_jval *c = tm_jval_at(v, i);
      walk(c, cursor, raw + n - 1, depth + 1);
      size_t cn;
      const char *craw = tm_jval_raw(c, &cn);
      cursor = craw + cn;
      if (t == TM_JOBJ) {
        size_t kl;
        const char *k = tm_jval_key_at(v, i, &kl);
        CHECK(k != NULL && k[kl] == '\0');
        if (!memchr(k, '\0', kl)) { /* lookup finds the first member with this key */
          size_t first = 0, fl;
          const char *fk;
          while ((fk = tm_jval_key_at(v, first, &fl)) != NULL && !(fl == kl && memcmp(fk, k, kl) == 0))
            first++;
          CHECK(first <= i && tm_jval_get(v, k) == tm_jval_at(v, first));
        }
      }
    }
    break;
  }
  }
}

static tm_json *parser, *second;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!parser && (tm_json_new(&parser, NULL) != 0 || tm_json_new(&second, NULL) != 0)) return 0;
  const char *text = (const char *)data;
  const tm_jval *root = NULL;
  tm_error err = {0};
  int rc = tm_json_parse(parser, text, size, &root, &err);
  if (rc != 0) {
    CHECK(rc == TM_EFORMAT && err.code == TM_EFORMAT && root == NULL);
    unsigned long line, col;
    CHECK(sscanf(err.message, "line %lu col %lu: ", &line, &col) == 2);
    size_t lines = 1, last_len = 0; /* lines in the input, length of the last one */
    for (size_t i = 0; i < size; i++) {
      if (text[i] == '\n') {
        lines++;
        last_len = 0;
      } else {
        last_len++;
      }
    }
    CHECK(line >= 1 && line <= lines && col >= 1);
    if (line == lines) CHECK(col <= last_len + 1);
    return 0;
  }
  size_t lead = 0, trail = size;
  while (lead < size && is_ws(text[lead]))
    lead++;
  while (trail > lead && is_ws(text[trail - 1]))
    trail--;
  size_t n;
  const char *raw = tm_jval_raw(root, &n);
  CHECK(raw == text + lead && n == trail - lead);
  walk(root, text, text + size, 0);

  for (size_t i = 0; i < tm_jval_count(root); i++) {
    const tm_jval *c = tm_jval_at(root, i), *alone;
    size_t cn;
    const char *craw = tm_jval_raw(c, &cn);
    CHECK(tm_json_parse(second, craw, cn, &alone, NULL) == 0);
    CHECK(tm_jval_type(alone) == tm_jval_type(c) && tm_jval_count(alone) == tm_jval_count(c));
    size_t an;
    CHECK(tm_jval_raw(alone, &an) == craw && an == cn);
  }
  return 0;
}
