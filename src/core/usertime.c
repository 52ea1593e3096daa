/*
 * usertime.c — tm_parse_time: times as users type them on a command line.
 */
#include "core/timeparse.h"

int tm_parse_time(const char *s, int64_t *ms, tm_error *err) {
  tm_timefmt f = {TM_TIME_AUTO, "", 0, NULL};
  if (!s || tm_time_parse(s, strlen(s), &f, ms) != 0)
    return tm_error_set(err, TM_EINVAL, "'%s' is not a date or time (e.g. 2025-06-30 or 2025-06-30T12:00:00Z)",
                        s ? s : "");
  return 0;
}
