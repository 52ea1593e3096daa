/*
 * pii.h — masking personal data in free text: e-mail addresses and runs of 6
 * or more digits (phones, card and account numbers, ids). Internal.
 */
#ifndef TM_CORE_PII_H
#define TM_CORE_PII_H
#include <stddef.h>

/* Writes s[0..n) to out (cap bytes, NUL-terminated, cut if needed) with each
 * e-mail address replaced by "[email]" and each run of >= 6 digits (spaces,
 * dashes, dots and brackets between digits allowed, as in phone numbers) by
 * "[number]". Returns the length written. */
size_t tm_pii_scrub(const char *s, size_t n, char *out, size_t cap);

#endif
