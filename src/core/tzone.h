/*
 * tzone.h — named time zones (IANA, e.g. Europe/London) from the system's
 * compiled tz database, for exports whose times are local wall-clock times
 * with summer time. Internal.
 */
#ifndef TM_CORE_TZONE_H
#define TM_CORE_TZONE_H
#include "core/common.h"

typedef struct tm_tzone tm_tzone;

/* Loads zone name from $TZDIR or /usr/share/zoneinfo (a TZif file, RFC 8536).
 * Returns 0, TM_ENOTFOUND (no such zone; the message says where it looked),
 * TM_EFORMAT (not a TZif file) or TM_ENOMEM. Names with ".." are refused. */
int tm_tzone_load(tm_tzone **out, const char *name, tm_error *err);
void tm_tzone_free(tm_tzone *z);
const char *tm_tzone_name(const tm_tzone *z);

/* The UTC offset in seconds in force at UTC instant utc_s. */
int32_t tm_tzone_offset_at(const tm_tzone *z, int64_t utc_s);
/* The UTC instant of a local wall-clock time (seconds, as if it were UTC).
 * A time the clocks skip (spring forward) is read with the offset before the
 * change; a time they repeat (fall back) is its first occurrence. Thread-safe. */
int64_t tm_tzone_to_utc(const tm_tzone *z, int64_t local_s);

#endif
