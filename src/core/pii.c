/*
 * pii.c — masking e-mail addresses and long digit runs in text (see pii.h).
 * A scanner, not a validator: it errs on the side of masking.
 */
#include <ctype.h>
#include <string.h>

#include "core/pii.h"

static int email_char(unsigned char c) {
  return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
}

/* If an e-mail address covers position at (an '@'), sets [*b, *e). */
static int email_span(const char *s, size_t n, size_t at, size_t *b, size_t *e) {
  size_t i = at, j = at + 1;
  while (i > 0 && email_char((unsigned char)s[i - 1])) i--;
  while (j < n && email_char((unsigned char)s[j])) j++;
  if (i == at || j == at + 1 || !memchr(s + at + 1, '.', j - at - 1)) return 0;
  *b = i;
  *e = j;
  return 1;
}

/* Length of a digit run starting at i (separators inside allowed), counting digits. */
static size_t digit_span(const char *s, size_t n, size_t i, size_t *digits) {
  size_t j = i, d = 0, last = i;
  while (j < n) {
    unsigned char c = (unsigned char)s[j];
    if (isdigit(c)) d++, last = j + 1;
    else if (!(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+')) break;
    else if (j + 1 < n && !isdigit((unsigned char)s[j + 1]) && s[j + 1] != ' ' && s[j + 1] != '(')
      break;
    j++;
  }
  *digits = d;
  return last - i;
}

size_t tm_pii_scrub(const char *s, size_t n, char *out, size_t cap) {
  size_t o = 0;
  if (!cap) return 0;
  for (size_t i = 0; i < n;) {
    const char *rep = NULL;
    size_t skip = 0;
    if (s[i] == '@') {
      size_t b, e;
      if (email_span(s, n, i, &b, &e)) {
        /* the local part was already copied: take it back */
        size_t back = i - b;
        o = o >= back ? o - back : 0;
        rep = "[email]";
        skip = e - i;
      }
    } else if ((isdigit((unsigned char)s[i]) || (s[i] == '+' && i + 1 < n && isdigit((unsigned char)s[i + 1]))) &&
               (i == 0 || !isdigit((unsigned char)s[i - 1]))) {
      size_t digits, len = digit_span(s, n, i, &digits);
      if (digits >= 6) rep = "[number]", skip = len;
    }
    if (rep) {
      for (const char *p = rep; *p && o + 1 < cap; p++) out[o++] = *p;
      i += skip;
    } else {
      if (o + 1 < cap) out[o++] = s[i];
      i++;
    }
  }
  out[o] = '\0';
  return o;
}
