/*
 * timeparse.h — timestamps from text, all to UTC milliseconds since the epoch.
 * Internal to the library.
 */
#ifndef TM_CORE_TIMEPARSE_H
#define TM_CORE_TIMEPARSE_H
#include <stddef.h>
#include <stdint.h>

#include "core/common.h"
#include "core/tzone.h"

typedef enum {
  TM_TIME_AUTO = 0,  /* ISO-8601, or an all-digit epoch (seconds if < 1e11, else ms) */
  TM_TIME_ISO,       /* ISO-8601 / RFC 3339 only */
  TM_TIME_EPOCH_S,   /* seconds since 1970-01-01Z, optional fraction */
  TM_TIME_EPOCH_MS,  /* milliseconds since 1970-01-01Z */
  TM_TIME_PATTERN    /* strptime-style pattern in tm_timefmt.pattern */
} tm_time_kind;

typedef struct tm_timefmt {
  tm_time_kind kind;
  char pattern[64];      /* for TM_TIME_PATTERN: %Y %m %d %H %M %S %f %y %b %B %p %I %j %z %% ;
                            %m %d %H %M %I accept one or two digits (12/1/2010 8:26) */
  int default_offset_min; /* zone of times that carry no offset, minutes east of UTC */
  const tm_tzone *zone;   /* or a named zone with summer time (wins over the offset); borrowed */
} tm_timefmt;

/* Parses a time zone for defaults: "UTC", "Z", "+01:00", "-0530", "+01".
 * Returns 0 and sets *minutes, or TM_EINVAL. */
int tm_time_parse_zone(const char *s, int *minutes);

/* Parses s[0..n) (surrounding blanks ignored). Returns 0 with *ms set, or
 * TM_EFORMAT when the text is not a valid time in that format (bad field, day
 * 31 in a 30-day month, hour 24 with non-zero minutes, trailing text...). A
 * time with an explicit offset (Z, +hh:mm) uses it; otherwise
 * fmt->default_offset_min applies. Years 1..9999. Thread-safe, no locale. */
int tm_time_parse(const char *s, size_t n, const tm_timefmt *fmt, int64_t *ms);

/* Days since 1970-01-01 of a proleptic Gregorian date (negative before). */
int64_t tm_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The date of a day number. */
void tm_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (or ".mmmZ" when ms % 1000 != 0) into buf
 * (>= 32 bytes); returns buf. */
char *tm_time_format_iso(int64_t ms, char *buf);
/* Writes "YYYY-MM-DD" (buf >= 16 bytes). */
char *tm_time_format_date(int64_t ms, char *buf);

#endif
