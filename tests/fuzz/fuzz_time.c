/*
 * fuzz_time.c — libFuzzer target for the timestamp parser
 * (src/core/timeparse.c).
 *
 * The first byte picks the format (and a default offset); for TM_TIME_PATTERN
 * the input up to the first LF is the pattern and the rest the text. Every
 * accepted time must lie in years 1..9999, format as ISO text that parses back
 * to the same instant, and format as a 10-character date. Input is copied to
 * an exactly-sized heap buffer so ASan catches any read past its length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"

#define CHECK(x)                                                                                             \
  do {                                                                                                       \
    if (!(x)) __builtin_trap();                                                                              \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  tm_timefmt fmt;
  memset(&fmt, 0, sizeof fmt);
  fmt.kind = (tm_time_kind)(data[0] % 5);
  static const int offsets[8] = {0, 60, -300, 330, -720, 840, 1, -1};
  fmt.default_offset_min = offsets[(data[0] >> 3) & 7];
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  if (fmt.kind == TM_TIME_PATTERN) {
    const char *nl = memchr(in, '\n', n);
    if (!nl) return 0;
    size_t plen = (size_t)(nl - in);
    if (plen >= sizeof fmt.pattern) return 0;
    memcpy(fmt.pattern, in, plen);
    n -= plen + 1;
    in = nl + 1;
  }
  char *text = malloc(n ? n : 1);
  CHECK(text);
  memcpy(text, in, n);

  int64_t ms = 0;
  int rc = tm_time_parse(text, n, &fmt, &ms);
  CHECK(rc == 0 || rc == TM_EFORMAT);
  if (rc == 0) {
    CHECK(ms >= INT64_C(-62135596800000) && ms <= INT64_C(253402300799999));
    char iso[32], date[16];
    tm_time_format_iso(ms, iso);
    tm_timefmt isofmt = {.kind = TM_TIME_ISO};
    int64_t back = 0;
    CHECK(tm_time_parse(iso, strlen(iso), &isofmt, &back) == 0);
    CHECK(back == ms);
    CHECK(strlen(tm_time_format_date(ms, date)) == 10);
    CHECK(memcmp(date, iso, 10) == 0);
  }

  /* the zone parser takes a NUL-terminated string */
  char *z = malloc(n + 1);
  CHECK(z);
  memcpy(z, text, n);
  z[n] = '\0';
  int minutes = 12345;
  rc = tm_time_parse_zone(z, &minutes);
  CHECK(rc == 0 || rc == TM_EINVAL);
  if (rc == 0) CHECK(minutes >= -23 * 60 - 59 && minutes <= 23 * 60 + 59);
  free(z);
  free(text);
  return 0;
}
