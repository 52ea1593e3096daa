/*
 * utf8text.h — the UTF-8 character questions text scoring asks: decode one
 * code point (an invalid byte decodes as itself, never an error), Python's
 * str.isspace and str.isupper, and lower-casing for lexicon look-ups.
 * Internal.
 */
#ifndef TM_TEXT_UTF8TEXT_H
#define TM_TEXT_UTF8TEXT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* An invalid byte b decodes as TM_UTF8_BAD + b with length 1. */
#define TM_UTF8_BAD 0x110000u

/* Decodes the code point at s (n > 0 bytes available); returns bytes used (1..4). */
size_t tm_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Python's str.isspace for one code point (what str.split splits on). */
bool tm_py_isspace(uint32_t cp);
/* Python's str.isupper on s[0..n): no lower-case or title-case letter and at
 * least one upper-case one. */
bool tm_py_isupper(const char *s, size_t n);
/* Lower-cases s[0..n) into out (room for n bytes; the result is never longer):
 * ASCII, Latin-1 and the Kelvin sign, which covers every lexicon key a
 * lower-cased word can equal. Returns the length written. */
size_t tm_text_lower(const char *s, size_t n, char *out);

#endif
