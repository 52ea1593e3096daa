/*
 * fuzz_jsonsplit.c — libFuzzer target for the JSON value splitter
 * (src/io/jsonsplit.c).
 *
 * Input goes through tm_reader_open_mem. For plain input the splitter's
 * outputs must be byte-exact pieces of the input, in order and not
 * overlapping, each NUL-terminated; a good value starts with an opening and
 * ends with a closing bracket, and its brackets outside strings balance; line
 * numbers never go back. Any breach traps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdint.h>
#include <string.h>

#include "io/io.h"

#define CHECK(x)                                                                                             \
  do {                                                                                                       \
    if (!(x)) __builtin_trap();                                                                              \
  } while (0)

/* Depth after scanning a good value outside strings must come back to 0 only
 * at its last byte. */
static void check_balanced(const char *t, size_t n) {
  long depth = 0;
  bool in_str = false, esc = false;
  for (size_t i = 0; i < n; i++) {
    char ch = t[i];
    if (in_str) {
      if (esc)
        esc = false;
      else if (ch == '\\')
        esc = true;
      else if (ch == '"')
        in_str = false;
      CHECK(ch != '\n');
      continue;
    }
    if (ch == '"')
      in_str = true;
    else if (ch == '{' || ch == '[')
      depth++;
    else if (ch == '}' || ch == ']') {
      depth--;
      CHECK(depth > 0 || i == n - 1);
    }
  }
  CHECK(depth == 0 && !in_str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tm_reader *r;
  if (tm_reader_open_mem(&r, data, size, NULL) != 0) return 0;
  tm_jsonsplit *s;
  if (tm_jsonsplit_open(&s, r, NULL) != 0) {
    tm_reader_close(r);
    return 0;
  }
  bool plain = !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b) &&
               !(size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd);
  tm_json_text v;
  size_t cursor = 0, count = 0;
  uint64_t last_line = 0;
  int rc;
  while ((rc = tm_jsonsplit_next(s, &v, NULL)) == 1) {
    count++;
    if (plain) CHECK(count <= size); /* compressed input may expand */
    CHECK(v.text[v.len] == '\0');
    CHECK(v.len <= TM_JSON_MAX_VALUE);
    CHECK(v.line >= last_line);
    last_line = v.line;
    if (!v.malformed) {
      CHECK(v.len >= 2);
      CHECK(v.text[0] == '{' || v.text[0] == '[');
      CHECK(v.text[v.len - 1] == '}' || v.text[v.len - 1] == ']');
      check_balanced(v.text, v.len);
    } else {
      CHECK(v.len > 0);
    }
    if (plain) {
      const char *at = memmem(data + cursor, size - cursor, v.text, v.len);
      CHECK(at != NULL);
      cursor = (size_t)(at - (const char *)data) + v.len;
    }
  }
  if (plain) CHECK(rc == 0);
  tm_jsonsplit_close(s);
  tm_reader_close(r);
  return 0;
}
