/*
 * timeparse.c — timestamps from text to UTC milliseconds since the epoch:
 * ISO-8601 / RFC 3339, epoch seconds or milliseconds, and a strptime-like
 * pattern language; and back to ISO text.
 *
 * Hand-written rather than libc strptime / mktime / timegm: those read the
 * locale (month names), may take a lock, and spend most of their time on time
 * zone rules we do not want (a time with no offset is in the source's default
 * zone, a fixed offset, never the machine's). Everything here works on the
 * caller's bytes and stack: no allocation, no global state, so it is
 * thread-safe, and input need not be NUL-terminated.
 *
 * Date arithmetic is Howard Hinnant's days_from_civil / civil_from_days
 * ("chrono-Compatible Low-Level Date Algorithms",
 * https://howardhinnant.github.io/date_algorithms.html), exact over the whole
 * proleptic Gregorian calendar with no tables and no loops.
 *
 * Validation decisions (the header leaves these open):
 *  - second 60 (a leap second) is accepted and read as second 59, keeping the
 *    fraction: 23:59:60.5 → 23:59:59.500. POSIX time has no leap seconds, and
 *    clamping keeps the result inside the right minute and day;
 *  - hour 24 is accepted only as 24:00[:00[.000]], the end of that day;
 *  - fraction digits past the third are truncated (toward the past for ISO and
 *    patterns, toward zero for negative epoch values);
 *  - years 1..9999 only, for every format, epochs included, both in the text
 *    and in UTC (0001-01-01T00:30+01:00 is year 0 in UTC: rejected), so that
 *    every accepted time formats to ISO text that parses back to it;
 *  - ISO needs two-digit fields and at least HH:MM after the date; a zone (Z,
 *    ±hh:mm, ±hhmm, ±hh, UTC) may follow the time directly or after one space;
 *  - in patterns %p turns an hour 1..12 read by %I or %H into 12-hour time
 *    (12 AM = 0); an hour 0 or 13..23 must agree with it (AM / PM); %I
 *    without %p is taken as is.
 */
#include "core/timeparse.h"

#define MS_PER_DAY INT64_C(86400000)

/* ------------------------------------------------------ calendar (Hinnant) */

int64_t tm_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);                       /* [0, 399] */
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * 146097 + (int64_t)doe - 719468;
}

void tm_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  const int64_t yy = (int64_t)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
  const unsigned mp = (5 * doy + 2) / 153;                      /* [0, 11] */
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (*m <= 2));
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int64_t y, int m) {
  static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* ----------------------------------------------------------------- helpers */

typedef struct {
  int64_t year;
  int month, day, hour, minute, second, ms;
  bool has_offset;
  int offset_min;
} fields;

static bool digit(char c) { return c >= '0' && c <= '9'; }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Reads min..max digits (greedy) at *p; 0 or -1. */
static int num(const char **p, const char *e, int min, int max, int *out) {
  const char *q = *p;
  int v = 0, k = 0;
  while (k < max && q < e && digit(*q))
    v = v * 10 + (*q++ - '0'), k++;
  if (k < min) return -1;
  *p = q;
  *out = v;
  return 0;
}

/* Reads a fraction's digits (at least one): milliseconds from the first
 * three, the rest skipped. */
static int fraction(const char **p, const char *e, int *ms) {
  const char *q = *p;
  int v = 0;
  size_t k = 0;
  while (q < e && digit(*q)) {
    if (k < 3) v = v * 10 + (*q - '0');
    k++, q++;
  }
  if (k == 0) return -1;
  for (size_t i = k; i < 3; i++)
    v *= 10;
  *p = q;
  *ms = v;
  return 0;
}

static bool word(const char **p, const char *e, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(e - *p) < n) return false;
  for (size_t i = 0; i < n; i++)
    if (lower((*p)[i]) != w[i]) return false;
  *p += n;
  return true;
}

/* Reads a zone: Z, UTC, GMT, or ±hh, ±hhmm, ±hh:mm. */
static int zone(const char **p, const char *e, int *minutes) {
  const char *q = *p;
  if (q < e && (*q == 'Z' || *q == 'z')) {
    *p = q + 1;
    *minutes = 0;
    return 0;
  }
  if (word(&q, e, "utc") || word(&q, e, "gmt")) {
    *p = q;
    *minutes = 0;
    return 0;
  }
  if (q >= e || (*q != '+' && *q != '-')) return -1;
  int sign = *q++ == '-' ? -1 : 1, hh, mm = 0;
  if (num(&q, e, 2, 2, &hh)) return -1;
  if (q < e && *q == ':') {
    q++;
    if (num(&q, e, 2, 2, &mm)) return -1;
  } else if (q < e && digit(*q)) {
    if (num(&q, e, 2, 2, &mm)) return -1;
  }
  if (hh > 23 || mm > 59) return -1;
  *p = q;
  *minutes = sign * (hh * 60 + mm);
  return 0;
}

static const int64_t MIN_MS = INT64_C(-62135596800000); /* 0001-01-01T00:00:00Z */
static const int64_t MAX_MS = INT64_C(253402300799999); /* 9999-12-31T23:59:59.999Z */

/* Validates the fields and converts them. */
static int assemble(const fields *f, const tm_timefmt *fmt, int64_t *ms) {
  int default_offset = fmt->default_offset_min;
  if (f->year < 1 || f->year > 9999 || f->month < 1 || f->month > 12 || f->day < 1 ||
      (unsigned)f->day > days_in_month(f->year, f->month))
    return TM_EFORMAT;
  if (f->hour < 0 || f->hour > 24 || f->minute < 0 || f->minute > 59 || f->second < 0 || f->second > 60 ||
      f->ms < 0 || f->ms > 999)
    return TM_EFORMAT;
  if (f->hour == 24 && (f->minute || f->second || f->ms)) return TM_EFORMAT;
  int off = f->has_offset ? f->offset_min : default_offset;
  if (off < -24 * 60 || off > 24 * 60) return TM_EFORMAT;
  int sec = f->second == 60 ? 59 : f->second;
  int64_t days = tm_days_from_civil(f->year, (unsigned)f->month, (unsigned)f->day);
  int64_t v = days * MS_PER_DAY + ((int64_t)f->hour * 3600 + f->minute * 60 + sec) * 1000 + f->ms -
              (int64_t)off * 60000;
  if (!f->has_offset && fmt->zone) { /* wall-clock time in a named zone: v is local */
    int64_t part = ((v % 1000) + 1000) % 1000, local_s = (v - part) / 1000;
    v = tm_tzone_to_utc(fmt->zone, local_s) * 1000 + part;
  }
  if (v < MIN_MS || v > MAX_MS) return TM_EFORMAT; /* an offset pushed it out of 1..9999 */
  *ms = v;
  return 0;
}

/* ------------------------------------------------------------------ ISO */

static int parse_iso(const char *p, const char *e, const tm_timefmt *fmt, int64_t *ms) {
  fields f = {0};
  int y;
  if (num(&p, e, 4, 4, &y) || p >= e || *p++ != '-') return TM_EFORMAT;
  if (num(&p, e, 2, 2, &f.month) || p >= e || *p++ != '-') return TM_EFORMAT;
  if (num(&p, e, 2, 2, &f.day)) return TM_EFORMAT;
  f.year = y;
  if (p < e) {
    if (*p != 'T' && *p != 't' && *p != ' ') return TM_EFORMAT;
    p++;
    if (num(&p, e, 2, 2, &f.hour) || p >= e || *p++ != ':') return TM_EFORMAT;
    if (num(&p, e, 2, 2, &f.minute)) return TM_EFORMAT;
    if (p < e && *p == ':') {
      p++;
      if (num(&p, e, 2, 2, &f.second)) return TM_EFORMAT;
      if (p < e && (*p == '.' || *p == ',')) {
        p++;
        if (fraction(&p, e, &f.ms)) return TM_EFORMAT;
      }
    }
    if (p < e) {
      if (*p == ' ') p++;
      if (zone(&p, e, &f.offset_min)) return TM_EFORMAT;
      f.has_offset = true;
    }
    if (p != e) return TM_EFORMAT;
  }
  return assemble(&f, fmt, ms);
}

/* ---------------------------------------------------------------- epochs */

/* [±]digits[.digits]: *ip is the integer part, *frac_ms the first three
 * fraction digits as milliseconds, both with the sign applied. */
static int parse_decimal(const char *p, const char *e, int64_t *ip, int *frac_ms) {
  bool neg = false;
  if (p < e && (*p == '-' || *p == '+')) neg = *p++ == '-';
  int64_t v = 0;
  int k = 0;
  while (p < e && digit(*p)) {
    if (k == 18) return TM_EFORMAT; /* far outside years 1..9999 anyway */
    v = v * 10 + (*p++ - '0');
    k++;
  }
  if (k == 0) return TM_EFORMAT;
  int fr = 0;
  if (p < e && *p == '.') {
    p++;
    if (fraction(&p, e, &fr)) return TM_EFORMAT;
  }
  if (p != e) return TM_EFORMAT;
  *ip = neg ? -v : v;
  *frac_ms = neg ? -fr : fr;
  return 0;
}

static int epoch(const char *p, const char *e, bool seconds, int64_t *ms) {
  int64_t v;
  int fr;
  if (parse_decimal(p, e, &v, &fr)) return TM_EFORMAT;
  int64_t r;
  if (seconds) {
    if (v < MIN_MS / 1000 - 1 || v > MAX_MS / 1000 + 1) return TM_EFORMAT;
    r = v * 1000 + fr;
  } else {
    r = v; /* a fraction of a millisecond is dropped */
  }
  if (r < MIN_MS || r > MAX_MS) return TM_EFORMAT;
  *ms = r;
  return 0;
}

static bool all_decimal(const char *p, const char *e) {
  if (p < e && *p == '-') p++;
  if (p >= e || !digit(*p)) return false;
  while (p < e && digit(*p))
    p++;
  if (p < e && *p == '.') {
    p++;
    if (p >= e) return false;
    while (p < e && digit(*p))
      p++;
  }
  return p == e;
}

/* -------------------------------------------------------------- patterns */

static const char *const month_names[12] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};

static int month_name(const char **p, const char *e, int *month) {
  for (int i = 0; i < 12; i++) { /* full names first: "march" must not stop at "mar" */
    if (word(p, e, month_names[i])) {
      *month = i + 1;
      return 0;
    }
  }
  for (int i = 0; i < 12; i++) {
    char abbr[4] = {month_names[i][0], month_names[i][1], month_names[i][2], 0};
    if (word(p, e, abbr)) {
      *month = i + 1;
      return 0;
    }
  }
  return -1;
}

static int parse_pattern(const char *p, const char *e, const tm_timefmt *fmt, int64_t *ms) {
  fields f = {0};
  f.month = f.day = 1;
  bool has_year = false, has_month = false, has_day = false, has_hour = false;
  int yday = 0, ampm = -1, v;
  size_t plen = strnlen(fmt->pattern, sizeof fmt->pattern);
  const char *q = fmt->pattern, *qe = fmt->pattern + plen;

  while (q < qe) {
    char pc = *q++;
    if (pc == ' ') {
      if (p >= e || (*p != ' ' && *p != '\t')) return TM_EFORMAT;
      while (p < e && (*p == ' ' || *p == '\t'))
        p++;
      continue;
    }
    if (pc != '%') {
      if (p >= e || *p != pc) return TM_EFORMAT;
      p++;
      continue;
    }
    if (q >= qe) return TM_EFORMAT;
    switch (*q++) {
    case 'Y':
      if (num(&p, e, 4, 4, &v)) return TM_EFORMAT;
      f.year = v, has_year = true;
      break;
    case 'y':
      if (num(&p, e, 2, 2, &v)) return TM_EFORMAT;
      f.year = v >= 69 ? 1900 + v : 2000 + v, has_year = true;
      break;
    case 'm':
      if (num(&p, e, 1, 2, &f.month)) return TM_EFORMAT;
      has_month = true;
      break;
    case 'd':
      if (num(&p, e, 1, 2, &f.day)) return TM_EFORMAT;
      has_day = true;
      break;
    case 'j':
      if (num(&p, e, 1, 3, &yday) || yday < 1) return TM_EFORMAT;
      break;
    case 'b':
    case 'B':
      if (month_name(&p, e, &f.month)) return TM_EFORMAT;
      has_month = true;
      break;
    case 'H':
    case 'I':
      if (num(&p, e, 1, 2, &f.hour)) return TM_EFORMAT;
      has_hour = true;
      if (q[-1] == 'I' && (f.hour < 1 || f.hour > 12)) return TM_EFORMAT;
      break;
    case 'M':
      if (num(&p, e, 1, 2, &f.minute)) return TM_EFORMAT;
      break;
    case 'S':
      if (num(&p, e, 1, 2, &f.second)) return TM_EFORMAT;
      break;
    case 'f':
      if (fraction(&p, e, &f.ms)) return TM_EFORMAT;
      break;
    case 'p':
      if (word(&p, e, "am"))
        ampm = 0;
      else if (word(&p, e, "pm"))
        ampm = 1;
      else
        return TM_EFORMAT;
      break;
    case 'z':
      if (zone(&p, e, &f.offset_min)) return TM_EFORMAT;
      f.has_offset = true;
      break;
    case '%':
      if (p >= e || *p != '%') return TM_EFORMAT;
      p++;
      break;
    default: return TM_EFORMAT; /* unknown directive */
    }
  }
  if (p != e || !has_year) return TM_EFORMAT;
  if (yday) {
    if (f.year < 1 || f.year > 9999 || yday > (is_leap(f.year) ? 366 : 365)) return TM_EFORMAT;
    int64_t jan1 = tm_days_from_civil(f.year, 1, 1);
    int y;
    unsigned m, d;
    tm_civil_from_days(jan1 + yday - 1, &y, &m, &d);
    if ((has_month && (unsigned)f.month != m) || (has_day && (unsigned)f.day != d)) return TM_EFORMAT;
    f.month = (int)m, f.day = (int)d;
  }
  if (ampm >= 0) {
    if (!has_hour) return TM_EFORMAT;
    if (f.hour >= 1 && f.hour <= 12)
      f.hour = f.hour % 12 + (ampm ? 12 : 0);
    else if ((f.hour == 0) != (ampm == 0))
      return TM_EFORMAT;
  }
  return assemble(&f, fmt, ms);
}

/* ------------------------------------------------------------ public API */

int tm_time_parse(const char *s, size_t n, const tm_timefmt *fmt, int64_t *ms) {
  const char *p = s, *e = s + n;
  while (p < e && blank(*p))
    p++;
  while (e > p && blank(e[-1]))
    e--;
  if (p == e) return TM_EFORMAT;
  switch (fmt->kind) {
  case TM_TIME_AUTO:
    if (all_decimal(p, e)) {
      const char *d = *p == '-' ? p + 1 : p;
      size_t nd = 0;
      while (d + nd < e && digit(d[nd]))
        nd++;
      /* < 1e11 means at most 11 digits, leading zeros aside */
      while (nd > 1 && *d == '0')
        d++, nd--;
      return epoch(p, e, nd <= 11, ms);
    }
    return parse_iso(p, e, fmt, ms);
  case TM_TIME_ISO: return parse_iso(p, e, fmt, ms);
  case TM_TIME_EPOCH_S: return epoch(p, e, true, ms);
  case TM_TIME_EPOCH_MS: return epoch(p, e, false, ms);
  case TM_TIME_PATTERN: return parse_pattern(p, e, fmt, ms);
  }
  return TM_EFORMAT;
}

int tm_time_parse_zone(const char *s, int *minutes) {
  const char *p = s, *e = s + strlen(s);
  while (p < e && blank(*p))
    p++;
  while (e > p && blank(e[-1]))
    e--;
  int m;
  if (p == e || zone(&p, e, &m) || p != e) return TM_EINVAL;
  *minutes = m;
  return 0;
}

/* ---------------------------------------------------------------- output */

static void split(int64_t ms, int64_t *days, int64_t *rem) {
  *days = ms / MS_PER_DAY;
  *rem = ms % MS_PER_DAY;
  if (*rem < 0) *rem += MS_PER_DAY, (*days)--; /* floor: times before 1970 */
}

/* Writes v as exactly w digits (v < 10^w). */
static char *put(char *p, unsigned v, int w) {
  for (int i = w - 1; i >= 0; i--, v /= 10)
    p[i] = (char)('0' + v % 10);
  return p + w;
}

/* Writes YYYY-MM-DD and returns the end. */
static char *put_date(char *p, int64_t days) {
  int y;
  unsigned m, d;
  tm_civil_from_days(days, &y, &m, &d);
  p = put(p, (unsigned)y, 4);
  *p++ = '-';
  p = put(p, m, 2);
  *p++ = '-';
  return put(p, d, 2);
}

/* Hand-written rather than snprintf: no locale, and a fixed width. Times
 * outside years 1..9999 (which no parser here yields) are clamped to that
 * range so the text always fits the caller's buffer. */
char *tm_time_format_iso(int64_t ms, char *buf) {
  int64_t days, rem;
  split(TM_MAX(MIN_MS, TM_MIN(ms, MAX_MS)), &days, &rem);
  char *p = put_date(buf, days);
  unsigned r = (unsigned)rem;
  *p++ = 'T';
  p = put(p, r / 3600000, 2);
  *p++ = ':';
  p = put(p, r / 60000 % 60, 2);
  *p++ = ':';
  p = put(p, r / 1000 % 60, 2);
  if (r % 1000) {
    *p++ = '.';
    p = put(p, r % 1000, 3);
  }
  *p++ = 'Z';
  *p = '\0';
  return buf;
}

char *tm_time_format_date(int64_t ms, char *buf) {
  int64_t days, rem;
  split(TM_MAX(MIN_MS, TM_MIN(ms, MAX_MS)), &days, &rem);
  *put_date(buf, days) = '\0';
  return buf;
}
