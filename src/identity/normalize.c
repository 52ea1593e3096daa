/*
 * normalize.c — identifier normalisation, so that the same person's email
 * written "  Ann@Example.COM" in one export and "ann@example.com" in another
 * is one node of the identity graph.
 */
#include <ctype.h>

#include "identity/graph.h"

static size_t trim(const char **s, size_t n) {
  while (n && isspace((unsigned char)**s)) (*s)++, n--;
  while (n && isspace((unsigned char)(*s)[n - 1])) n--;
  return n;
}

size_t tm_identity_normalize(const tm_config *cfg, const char *type, const char *raw, size_t n,
                             char *buf) {
  size_t len = 0;
  n = trim(&raw, n);
  if (!strcmp(type, "email")) {
    const char *at = memchr(raw, '@', n);
    if (!at || at == raw || at == raw + n - 1) return 0;
    for (size_t i = 0; i < n && len < TM_ID_MAX; i++) buf[len++] = (char)tolower((unsigned char)raw[i]);
  } else if (!strcmp(type, "phone")) {
    for (size_t i = 0; i < n && len < TM_ID_MAX; i++)
      if (isdigit((unsigned char)raw[i])) buf[len++] = raw[i];
    if (len < 6) return 0;
  } else {
    /* "17850.0": an integer id that went through a float column */
    size_t dot = n;
    for (size_t i = 0; i < n; i++)
      if (raw[i] == '.') {
        dot = i;
        break;
      }
    if (dot > 0 && dot < n) {
      int digits = 1, zeros = 1;
      for (size_t i = 0; i < dot; i++) digits &= isdigit((unsigned char)raw[i]) != 0;
      for (size_t i = dot + 1; i < n; i++) zeros &= raw[i] == '0';
      if (digits && zeros && dot + 1 < n) n = dot;
    }
    for (size_t i = 0; i < n && len < TM_ID_MAX; i++) buf[len++] = raw[i];
  }
  buf[len] = '\0';
  if (!len || tm_config_blocked(cfg, buf, len)) return 0;
  return len;
}
