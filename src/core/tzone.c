/*
 * tzone.c — reading a compiled tz database file (TZif, RFC 8536) and turning
 * local wall-clock times into UTC.
 *
 * Only the transition table is used (the version 2+ 64-bit one when present).
 * Debian's tzdata files list transitions up to 2037; later times keep the last
 * offset (the footer's POSIX rule is not evaluated).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/tzone.h"

#define TZ_MAX_FILE (1u << 20)

struct tm_tzone {
  char name[128];
  size_t n;
  int64_t *at;     /* transition instants, UTC seconds, ascending */
  int32_t *off;    /* offset in force from at[i] on */
  int32_t initial; /* offset before the first transition */
};

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* Parses one TZif data block (v1 with 4-byte times, or v2+ with 8-byte). */
static int parse_block(tm_tzone *z, const unsigned char *p, size_t len, int wide, size_t *used) {
  if (len < 44 || memcmp(p, "TZif", 4)) return TM_EFORMAT;
  uint32_t isut = be32(p + 20), isstd = be32(p + 24), leap = be32(p + 28), timecnt = be32(p + 32),
           typecnt = be32(p + 36), charcnt = be32(p + 40);
  size_t tsz = wide ? 8 : 4;
  if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt > 65536 || leap > 100000) return TM_EFORMAT;
  size_t body = timecnt * tsz + timecnt + typecnt * 6 + charcnt + leap * (tsz + 4) + isstd + isut;
  if (44 + body > len) return TM_EFORMAT;
  *used = 44 + body;
  const unsigned char *times = p + 44, *idx = times + timecnt * tsz, *types = idx + timecnt;
  z->at = tm_malloc((timecnt ? timecnt : 1) * sizeof *z->at);
  z->off = tm_malloc((timecnt ? timecnt : 1) * sizeof *z->off);
  if (!z->at || !z->off) return TM_ENOMEM;
  for (uint32_t i = 0; i < timecnt; i++) {
    uint8_t t = idx[i];
    if (t >= typecnt) return TM_EFORMAT;
    z->at[i] = wide ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
    z->off[i] = (int32_t)be32(types + 6 * t);
    if (i && z->at[i] <= z->at[i - 1]) return TM_EFORMAT;
  }
  z->n = timecnt;
  z->initial = (int32_t)be32(types); /* type 0 is local time before the first transition */
  return 0;
}

int tm_tzone_load(tm_tzone **out, const char *name, tm_error *err) {
  const char *dir = getenv("TZDIR");
  char path[512];
  if (!name || !*name || name[0] == '/' || strstr(name, ".."))
    return tm_error_set(err, TM_ENOTFOUND, "'%s' is not a time zone name (e.g. Europe/London)", name ? name : "");
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
  FILE *f = fopen(path, "rb");
  if (!f)
    return tm_error_set(err, TM_ENOTFOUND, "no time zone '%s' (looked for %s; install tzdata, or give an offset like +01:00)",
                        name, path);
  unsigned char *buf = tm_malloc(TZ_MAX_FILE);
  tm_tzone *z = tm_calloc(1, sizeof *z);
  if (!buf || !z) {
    fclose(f);
    tm_free(buf);
    tm_free(z);
    return tm_error_nomem(err);
  }
  size_t len = fread(buf, 1, TZ_MAX_FILE, f);
  fclose(f);
  snprintf(z->name, sizeof z->name, "%s", name);
  size_t used = 0;
  int rc = parse_block(z, buf, len, 0, &used);
  if (!rc && len > 4 && buf[4] >= '2') { /* the 64-bit block follows the 32-bit one */
    tm_free(z->at);
    tm_free(z->off);
    z->at = NULL, z->off = NULL;
    size_t used2;
    rc = parse_block(z, buf + used, len - used, 1, &used2);
  }
  tm_free(buf);
  if (rc) {
    tm_tzone_free(z);
    return rc == TM_ENOMEM ? tm_error_nomem(err) : tm_error_set(err, TM_EFORMAT, "%s is not a TZif file", path);
  }
  *out = z;
  return 0;
}

void tm_tzone_free(tm_tzone *z) {
  if (!z) return;
  tm_free(z->at);
  tm_free(z->off);
  tm_free(z);
}

const char *tm_tzone_name(const tm_tzone *z) { return z->name; }

int32_t tm_tzone_offset_at(const tm_tzone *z, int64_t utc_s) {
  size_t lo = 0, hi = z->n; /* first transition after utc_s */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (z->at[mid] <= utc_s) lo = mid + 1;
    else hi = mid;
  }
  return lo ? z->off[lo - 1] : z->initial;
}

int64_t tm_tzone_to_utc(const tm_tzone *z, int64_t local_s) {
  /* Offsets change at most once within a day either side, so the offset in
   * force is one of these two; a candidate is right when it reproduces itself. */
  int32_t before = tm_tzone_offset_at(z, local_s - 86400), after = tm_tzone_offset_at(z, local_s + 86400);
  int64_t ub = local_s - before, ua = local_s - after;
  int ok_b = tm_tzone_offset_at(z, ub) == before, ok_a = tm_tzone_offset_at(z, ua) == after;
  if (ok_b && ok_a) return ub < ua ? ub : ua; /* repeated hour: the first */
  if (ok_b) return ub;
  if (ok_a) return ua;
  return ub; /* skipped hour: read with the offset before the change */
}
