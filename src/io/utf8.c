/*
 * utf8.c — UTF-8 validation (RFC 3629): rejects overlong forms, UTF-16
 * surrogates (U+D800..U+DFFF), code points above U+10FFFF, stray continuation
 * bytes and sequences cut short by the end of the input.
 *
 * Most text in exports is ASCII, so the loop first skips eight bytes at a
 * time while none has its high bit set, and decodes byte by byte only around
 * non-ASCII text. The second byte's allowed range depends on the lead byte
 * (Unicode 15, table 3-7), which is what excludes overlongs, surrogates and
 * values above U+10FFFF without computing the code point.
 */
#include "io/io.h"

bool tm_utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *e = p + n;
  while (p < e) {
    while (e - p >= 8) {
      uint64_t w;
      memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == e) break;
    unsigned c = *p;
    if (c < 0x80) {
      p++;
      continue;
    }
    size_t need;
    unsigned lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0)
        lo = 0xa0; /* overlong below U+0800 */
      else if (c == 0xed)
        hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0)
        lo = 0x90; /* overlong below U+10000 */
      else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    } else {
      return false; /* continuation byte, C0/C1 overlong lead, or F5..FF */
    }
    if ((size_t)(e - p) <= need) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t k = 2; k <= need; k++)
      if ((p[k] & 0xc0) != 0x80) return false;
    p += need + 1;
  }
  return true;
}
