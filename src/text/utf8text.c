/*
 * utf8text.c — UTF-8 decoding and the Python character classes VADER relies on.
 */
#include <locale.h>
#include <pthread.h>
#include <wctype.h>

#include "text/utf8text.h"

size_t tm_utf8_decode(const char *str, size_t n, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str;
  unsigned c = s[0];
  if (c < 0x80) { *cp = c; return 1; }
  size_t need;
  uint32_t v, min;
  if (c >= 0xc2 && c <= 0xdf) { need = 2; v = c & 0x1f; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { need = 3; v = c & 0x0f; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { need = 4; v = c & 0x07; min = 0x10000; }
  else { *cp = TM_UTF8_BAD + c; return 1; }
  if (n < need) { *cp = TM_UTF8_BAD + c; return 1; }
  for (size_t i = 1; i < need; i++) {
    if ((s[i] & 0xc0) != 0x80) { *cp = TM_UTF8_BAD + c; return 1; }
    v = (v << 6) | (s[i] & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) { *cp = TM_UTF8_BAD + c; return 1; }
  *cp = v;
  return need;
}

bool tm_py_isspace(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f);
  return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* glibc's Unicode tables through a private C.UTF-8 locale object: the library
 * never changes the process locale. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static void utf8_locale_init(void) { utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

bool tm_py_isupper(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  bool cased = false;
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c < 0x80) {
      if (c >= 'a' && c <= 'z') return false;
      if (c >= 'A' && c <= 'Z') cased = true;
      i++;
      continue;
    }
    uint32_t cp;
    i += tm_utf8_decode(str + i, n - i, &cp);
    if (cp >= TM_UTF8_BAD) continue;
    pthread_once(&utf8_once, utf8_locale_init);
    if (!utf8_locale) continue;
    if (iswlower_l((wint_t)cp, utf8_locale)) return false;
    if (iswupper_l((wint_t)cp, utf8_locale)) {
      /* title-case letters (Dž, Lj, Nj, Dz) count as not upper in Python */
      if (cp == 0x1c5 || cp == 0x1c8 || cp == 0x1cb || cp == 0x1f2) return false;
      cased = true;
    }
  }
  return cased;
}

size_t tm_text_lower(const char *str, size_t n, char *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c < 0x80) {
      out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      i++;
    } else if (c == 0xc3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9e && s[i + 1] != 0x97) {
      out[o++] = (char)0xc3; /* U+00C0..U+00DE -> +0x20 */
      out[o++] = (char)(s[i + 1] + 0x20);
      i += 2;
    } else if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x84 && s[i + 2] == 0xaa) {
      out[o++] = 'k'; /* KELVIN SIGN lower-cases to ASCII k */
      i += 3;
    } else {
      out[o++] = (char)c;
      i++;
    }
  }
  return o;
}
