/*
 * test_timeparse.c — timestamps from text (core/timeparse.c).
 *
 * Expected values were computed independently of this code, with GNU date:
 * `date -u -d 2025-03-01T10:20:30Z +%s` → 1740824430, and so on; they are
 * written here as literals.
 */
#include "unit.h"

#include "core/timeparse.h"

static int parse_with(tm_time_kind kind, const char *pattern, int offset, const char *s, int64_t *ms) {
  tm_timefmt f;
  memset(&f, 0, sizeof f);
  f.kind = kind;
  f.default_offset_min = offset;
  if (pattern) snprintf(f.pattern, sizeof f.pattern, "%s", pattern);
  return tm_time_parse(s, strlen(s), &f, ms);
}

static void expect_ms(tm_time_kind kind, const char *pattern, int offset, const char *s, int64_t want,
                      int line) {
  int64_t got = INT64_MIN;
  int rc = parse_with(kind, pattern, offset, s, &got);
  if (rc != 0) fail_msg("line %d: \"%s\" (pattern \"%s\"): rc %d", line, s, pattern ? pattern : "", rc);
  if (got != want) fail_msg("line %d: \"%s\": got %lld, want %lld", line, s, (long long)got, (long long)want);
}

static void expect_bad(tm_time_kind kind, const char *pattern, const char *s, int line) {
  int64_t got = 12345;
  int rc = parse_with(kind, pattern, 0, s, &got);
  if (rc != TM_EFORMAT)
    fail_msg("line %d: \"%s\" (pattern \"%s\"): rc %d (ms %lld), want TM_EFORMAT", line, s,
             pattern ? pattern : "", rc, (long long)got);
}

#define ISO(s, want) expect_ms(TM_TIME_ISO, NULL, 0, s, INT64_C(want), __LINE__)
#define ISO_OFF(off, s, want) expect_ms(TM_TIME_ISO, NULL, off, s, INT64_C(want), __LINE__)
#define AUTO(s, want) expect_ms(TM_TIME_AUTO, NULL, 0, s, INT64_C(want), __LINE__)
#define SEC(s, want) expect_ms(TM_TIME_EPOCH_S, NULL, 0, s, INT64_C(want), __LINE__)
#define MSEC(s, want) expect_ms(TM_TIME_EPOCH_MS, NULL, 0, s, INT64_C(want), __LINE__)
#define PAT(p, s, want) expect_ms(TM_TIME_PATTERN, p, 0, s, INT64_C(want), __LINE__)
#define BAD(kind, s) expect_bad(kind, NULL, s, __LINE__)
#define BAD_PAT(p, s) expect_bad(TM_TIME_PATTERN, p, s, __LINE__)

static void test_timeparse__iso_forms(void **state) {
  ISO("2025-03-01", 1740787200000);
  ISO("2025-03-01T10:20:30Z", 1740824430000);
  ISO("2025-03-01 10:20:30Z", 1740824430000);
  ISO("2025-03-01t10:20:30z", 1740824430000);
  ISO("2025-03-01T10:20Z", 1740824400000);
  ISO("2025-03-01T10:20:30", 1740824430000);
  ISO("2025-03-01 10:20:30 UTC", 1740824430000);
  ISO("2025-03-01T10:20:30UTC", 1740824430000);
  ISO("  2025-03-01T10:20:30Z \t", 1740824430000);
  ISO("1970-01-01T00:00:00Z", 0);
  ISO("1969-12-31T23:59:59Z", -1000);
  ISO("2000-03-01", 951868800000);
  ISO("0001-01-01T00:00:00Z", -62135596800000);
  ISO("9999-12-31T23:59:59.999Z", 253402300799999);
}

static void test_timeparse__iso_fraction(void **state) {
  ISO("2025-03-01T10:20:30.123Z", 1740824430123);
  ISO("2025-03-01T10:20:30.1Z", 1740824430100);
  ISO("2025-03-01T10:20:30.05Z", 1740824430050);
  ISO("2025-03-01T10:20:30.123456789Z", 1740824430123);
  ISO("2025-03-01T10:20:30.9999Z", 1740824430999);
  ISO("2025-03-01T10:20:30,5Z", 1740824430500);
  ISO("1969-12-31T23:59:59.5Z", -500);
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30.Z");
  BAD(TM_TIME_ISO, "2025-03-01T10:20.5Z"); /* a fraction needs seconds */
}

static void test_timeparse__iso_offsets(void **state) {
  ISO("2025-03-01T10:20:30+02:00", 1740817230000);
  ISO("2025-03-01T10:20:30+0200", 1740817230000);
  ISO("2025-03-01T10:20:30+02", 1740817230000);
  ISO("2025-03-01T10:20:30-05:30", 1740844230000);
  ISO("2025-03-01T10:20:30-0530", 1740844230000);
  ISO("2025-03-01T10:20:30-02", 1740831630000);
  ISO("2025-03-01 10:20:30 +02:00", 1740817230000);
  ISO("2025-03-01T10:20:30.250-00:00", 1740824430250);
  /* no offset in the text: the default applies, date-only included */
  ISO_OFF(60, "2025-03-01T10:20:30", 1740820830000);
  ISO_OFF(60, "2025-03-01", 1740783600000);
  ISO_OFF(-330, "2025-03-01T10:20:30", 1740844230000);
  /* an explicit offset wins over the default */
  ISO_OFF(60, "2025-03-01T10:20:30Z", 1740824430000);
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30+24:00");
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30+02:60");
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30+2");
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30+02:0");
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30Z UTC");
  /* the instant, not only the text, must fall in years 1..9999 */
  ISO("0001-01-01T00:30:00-00:30", -62135593200000); /* 01:00Z */
  BAD(TM_TIME_ISO, "0001-01-01T00:00:00+00:01");
  BAD(TM_TIME_ISO, "9999-12-31T23:59:59-00:01");
  BAD(TM_TIME_ISO, "9999-12-31T24:00:00Z");
}

static void test_timeparse__invalid_dates(void **state) {
  BAD(TM_TIME_ISO, "2023-02-29");
  BAD(TM_TIME_ISO, "2024-02-30");
  BAD(TM_TIME_ISO, "1900-02-29"); /* divisible by 100, not by 400 */
  BAD(TM_TIME_ISO, "2025-13-01");
  BAD(TM_TIME_ISO, "2025-00-10");
  BAD(TM_TIME_ISO, "2025-04-31");
  BAD(TM_TIME_ISO, "2025-03-00");
  BAD(TM_TIME_ISO, "0000-01-01");
  BAD(TM_TIME_ISO, "2025-03-01T25:00:00Z");
  BAD(TM_TIME_ISO, "2025-03-01T10:60Z");
  BAD(TM_TIME_ISO, "2025-03-01T10:20:61Z");
  BAD(TM_TIME_ISO, "2025-03-01T24:00:01Z");
  BAD(TM_TIME_ISO, "2025-03-01T24:30");
  BAD(TM_TIME_ISO, "2025-03-01T24:00:00.001Z");
  BAD(TM_TIME_ISO, "2025-3-1");
  BAD(TM_TIME_ISO, "2025-03-01T10");
  BAD(TM_TIME_ISO, "2025-03-01T");
  BAD(TM_TIME_ISO, "2025-03-01x");
  BAD(TM_TIME_ISO, "2025-03-01T10:20:30Zjunk");
  BAD(TM_TIME_ISO, "2025-03-01 10:20:30  UTC");
  BAD(TM_TIME_ISO, "20250301");
  BAD(TM_TIME_ISO, "");
  BAD(TM_TIME_ISO, "   ");
  BAD(TM_TIME_ISO, "1740824430");
}

static void test_timeparse__leap_year_and_hour_24(void **state) {
  ISO("2024-02-29", 1709164800000);
  ISO("2024-02-29T12:00:00Z", 1709208000000);
  ISO("2000-02-29", 951782400000);
  /* 24:00 is the end of the day: the next midnight */
  ISO("2025-03-01T24:00:00Z", 1740873600000);
  ISO("2025-03-01T24:00Z", 1740873600000);
  ISO("2023-12-31T24:00:00Z", 1704067200000);
}

static void test_timeparse__leap_second_clamped(void **state) {
  /* 2012-06-30T23:59:60Z was a real leap second: read as :59 */
  ISO("2012-06-30T23:59:60Z", 1341100799000);
  ISO("2012-06-30T23:59:60.5Z", 1341100799500);
  PAT("%Y-%m-%d %H:%M:%S", "2012-06-30 23:59:60", 1341100799000);
}

static void test_timeparse__epoch_seconds(void **state) {
  SEC("1740824430", 1740824430000);
  SEC("1740824430.123", 1740824430123);
  SEC("1740824430.5678", 1740824430567);
  SEC("0", 0);
  SEC("-1", -1000);
  SEC("-1.5", -1500);
  SEC("+60", 60000);
  SEC(" 42 ", 42000);
  SEC("253402300799", 253402300799000);
  BAD(TM_TIME_EPOCH_S, "253402300800"); /* year 10000 */
  BAD(TM_TIME_EPOCH_S, "-62135596801"); /* year 0 */
  BAD(TM_TIME_EPOCH_S, "abc");
  BAD(TM_TIME_EPOCH_S, "1.2.3");
  BAD(TM_TIME_EPOCH_S, "1e9");
  BAD(TM_TIME_EPOCH_S, "12 34");
  BAD(TM_TIME_EPOCH_S, "-");
  BAD(TM_TIME_EPOCH_S, "99999999999999999999999");
  BAD(TM_TIME_EPOCH_S, "2025-03-01");
}

static void test_timeparse__epoch_millis(void **state) {
  MSEC("1740824430123", 1740824430123);
  MSEC("-1000", -1000);
  MSEC("0", 0);
  MSEC("1740824430123.9", 1740824430123);
  BAD(TM_TIME_EPOCH_MS, "253402300800000");
  BAD(TM_TIME_EPOCH_MS, "1740824430123x");
}

static void test_timeparse__auto(void **state) {
  AUTO("1740824430", 1740824430000);    /* < 1e11: seconds */
  AUTO("1740824430123", 1740824430123); /* >= 1e11: milliseconds */
  AUTO("99999999999", 99999999999000);  /* largest seconds value */
  AUTO("100000000000", 100000000000);   /* smallest milliseconds value */
  AUTO("0001740824430", 1740824430000); /* leading zeros do not count */
  AUTO("-86400", -86400000);
  AUTO("1740824430.25", 1740824430250);
  AUTO("2025-03-01", 1740787200000);
  AUTO("2025-03-01T10:20:30+02:00", 1740817230000);
  BAD(TM_TIME_AUTO, "03/01/2025");
  BAD(TM_TIME_AUTO, "yesterday");
  BAD(TM_TIME_AUTO, "17408244301234567890");
}

static void test_timeparse__pattern_us_short(void **state) {
  PAT("%m/%d/%Y %H:%M", "12/1/2010 8:26", 1291191960000);
  PAT("%m/%d/%Y %H:%M", "12/01/2010 08:26", 1291191960000);
  PAT("%m/%d/%Y %H:%M", "12/1/2010   8:26", 1291191960000); /* a space matches several */
  PAT("%d/%m/%Y", "01/12/2010", 1291161600000);
  PAT("%Y%m%d", "20250301", 1740787200000);
  PAT("%Y-%m-%d %H:%M:%S.%f", "2025-03-01 10:20:30.5", 1740824430500);
  PAT("%Y-%m-%d %H:%M:%S.%f", "2025-03-01 10:20:30.123456", 1740824430123);
  PAT("100%% %Y", "100% 2025", 1735689600000);
  BAD_PAT("%m/%d/%Y %H:%M", "12/1/2010 8:26x");
  BAD_PAT("%m/%d/%Y %H:%M", "12/1/2010 8:26:00");
  BAD_PAT("%m/%d/%Y %H:%M", "12/1/20108:26");
  BAD_PAT("%m/%d/%Y", "2/29/2023");
  BAD_PAT("%m/%d/%Y", "13/01/2020");
  BAD_PAT("%m/%d/%Y", "1/1/20");
  BAD_PAT("%Y-%m-%d %H:%M", "2025-03-01 25:00");
  BAD_PAT("%Y-%m-%d", "2025-03-01x");
  BAD_PAT("%Y-%m-%d %Q", "2025-03-01 x"); /* unknown directive */
  BAD_PAT("%m/%d", "12/01");              /* no year */
  BAD_PAT("%Y-%m-%d %", "2025-03-01 %");
}

static void test_timeparse__pattern_month_names(void **state) {
  PAT("%d %b %Y", "4 Jul 1999", 931046400000);
  PAT("%d %b %Y", "4 jul 1999", 931046400000);
  PAT("%d %B %Y", "4 JULY 1999", 931046400000);
  PAT("%d-%b-%y", "15-JAN-19", 1547510400000);
  PAT("%B %d, %Y %I:%M:%S %p", "July 4, 1999 1:05:09 PM", 931093509000);
  PAT("%b %d %Y", "Mar 1 2025", 1740787200000);
  PAT("%b %d %Y", "March 1 2025", 1740787200000);
  BAD_PAT("%b %d %Y", "Mrz 1 2025");
  BAD_PAT("%b %d %Y", "Ma 1 2025");
}

static void test_timeparse__pattern_am_pm(void **state) {
  PAT("%Y-%m-%d %I:%M %p", "2025-03-01 12:00 AM", 1740787200000);
  PAT("%Y-%m-%d %I:%M %p", "2025-03-01 12:30 am", 1740789000000);
  PAT("%Y-%m-%d %I:%M %p", "2025-03-01 12:00 PM", 1740830400000);
  PAT("%Y-%m-%d %I:%M %p", "2025-03-01 1:05 pm", 1740834300000);
  PAT("%Y-%m-%d %I:%M%p", "2025-03-01 10:20AM", 1740824400000);
  PAT("%Y-%m-%d %H:%M %p", "2025-03-01 13:00 PM", 1740834000000);
  BAD_PAT("%Y-%m-%d %I:%M %p", "2025-03-01 13:00 PM");
  BAD_PAT("%Y-%m-%d %I:%M %p", "2025-03-01 0:00 AM");
  BAD_PAT("%Y-%m-%d %H:%M %p", "2025-03-01 13:00 AM");
  BAD_PAT("%Y-%m-%d %I:%M %p", "2025-03-01 10:00 XM");
}

static void test_timeparse__pattern_year_pivot_and_yday(void **state) {
  PAT("%y-%m-%d", "69-01-01", -31536000000);
  PAT("%y-%m-%d", "99-07-04", 931046400000);
  PAT("%y-%m-%d", "68-12-31", 3124137600000);
  PAT("%y-%m-%d", "00-03-01", 951868800000);
  PAT("%Y-%j", "2024-060", 1709164800000);
  PAT("%Y-%j", "2024-366", 1735603200000);
  PAT("%Y-%j", "2025-1", 1735689600000);
  PAT("%Y-%m-%d %j", "2024-02-29 060", 1709164800000);
  BAD_PAT("%Y-%j", "2023-366");
  BAD_PAT("%Y-%j", "2024-000");
  BAD_PAT("%Y-%m-%d %j", "2024-02-28 060");
}

static void test_timeparse__pattern_zone(void **state) {
  PAT("%Y-%m-%dT%H:%M:%S%z", "2025-03-01T10:20:30+0200", 1740817230000);
  PAT("%Y-%m-%dT%H:%M:%S%z", "2025-03-01T10:20:30+02:00", 1740817230000);
  PAT("%Y-%m-%dT%H:%M:%S%z", "2025-03-01T10:20:30Z", 1740824430000);
  PAT("%Y-%m-%d %H:%M:%S %z", "2025-03-01 10:20:30 -0530", 1740844230000);
  expect_ms(TM_TIME_PATTERN, "%Y-%m-%d %H:%M", 60, "2025-03-01 10:20", 1740820800000, __LINE__);
  BAD_PAT("%Y-%m-%dT%H:%M:%S%z", "2025-03-01T10:20:30");
}

static void test_timeparse__parse_zone(void **state) {
  int m = 999;
  assert_int_equal(tm_time_parse_zone("UTC", &m), 0);
  assert_int_equal(m, 0);
  assert_int_equal(tm_time_parse_zone("Z", &m), 0);
  assert_int_equal(m, 0);
  assert_int_equal(tm_time_parse_zone("+01:00", &m), 0);
  assert_int_equal(m, 60);
  assert_int_equal(tm_time_parse_zone("-0530", &m), 0);
  assert_int_equal(m, -330);
  assert_int_equal(tm_time_parse_zone("+01", &m), 0);
  assert_int_equal(m, 60);
  m = 7;
  assert_int_equal(tm_time_parse_zone("Europe/Paris", &m), TM_EINVAL);
  assert_int_equal(tm_time_parse_zone("+1", &m), TM_EINVAL);
  assert_int_equal(tm_time_parse_zone("", &m), TM_EINVAL);
  assert_int_equal(tm_time_parse_zone("+01:00x", &m), TM_EINVAL);
  assert_int_equal(m, 7);
}

static void test_timeparse__format(void **state) {
  char buf[32];
  assert_string_equal(tm_time_format_iso(INT64_C(1740824430000), buf), "2025-03-01T10:20:30Z");
  assert_string_equal(tm_time_format_iso(INT64_C(1740824430123), buf), "2025-03-01T10:20:30.123Z");
  assert_string_equal(tm_time_format_iso(0, buf), "1970-01-01T00:00:00Z");
  assert_string_equal(tm_time_format_iso(-1, buf), "1969-12-31T23:59:59.999Z");
  assert_string_equal(tm_time_format_iso(INT64_C(-62135596800000), buf), "0001-01-01T00:00:00Z");
  assert_string_equal(tm_time_format_iso(INT64_C(253402300799999), buf), "9999-12-31T23:59:59.999Z");
  assert_string_equal(tm_time_format_date(INT64_C(1740787199999), buf), "2025-02-28");
  assert_string_equal(tm_time_format_date(INT64_C(1740787200000), buf), "2025-03-01");
  assert_string_equal(tm_time_format_date(-1, buf), "1969-12-31");
  /* out of years 1..9999: clamped, and never past the buffer */
  assert_string_equal(tm_time_format_iso(INT64_MIN, buf), "0001-01-01T00:00:00Z");
  assert_string_equal(tm_time_format_iso(INT64_MAX, buf), "9999-12-31T23:59:59.999Z");
  char small[16];
  assert_string_equal(tm_time_format_date(INT64_MIN, small), "0001-01-01");
  assert_string_equal(tm_time_format_date(INT64_MAX, small), "9999-12-31");
}

static void test_timeparse__civil_days(void **state) {
  assert_int_equal(tm_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(tm_days_from_civil(2000, 3, 1), 11017);
  assert_int_equal(tm_days_from_civil(2025, 1, 1), 20089);
  assert_int_equal(tm_days_from_civil(1969, 12, 31), -1);
  assert_true(tm_days_from_civil(1, 1, 1) == -719162);
  /* Every day of years 1..9999 maps back to itself, one day apart. */
  int64_t prev = tm_days_from_civil(1, 1, 1) - 1;
  static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int y = 1; y <= 9999; y++) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (unsigned m = 1; m <= 12; m++) {
      unsigned nd = dim[m - 1] + (m == 2 && leap);
      for (unsigned d = 1; d <= nd; d++) {
        int64_t z = tm_days_from_civil(y, m, d);
        if (z != prev + 1) fail_msg("%d-%u-%u: %lld after %lld", y, m, d, (long long)z, (long long)prev);
        int yy;
        unsigned mm, dd;
        tm_civil_from_days(z, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d) fail_msg("%d-%u-%u came back %d-%u-%u", y, m, d, yy, mm, dd);
        prev = z;
      }
    }
  }
  assert_true(prev == tm_days_from_civil(10000, 1, 1) - 1);
}

static void test_timeparse__round_trip_iso(void **state) {
  /* format then parse gives the same instant, across eras and fractions */
  tm_timefmt f = {.kind = TM_TIME_ISO};
  char buf[32];
  int64_t v = INT64_C(-62135596800000);
  while (v <= INT64_C(253402300799999)) {
    int64_t back = 0;
    tm_time_format_iso(v, buf);
    assert_int_equal(tm_time_parse(buf, strlen(buf), &f, &back), 0);
    if (back != v) fail_msg("%lld -> %s -> %lld", (long long)v, buf, (long long)back);
    v += INT64_C(98765432109); /* ~1.1 days and an odd number of ms */
  }
}

static void test_timeparse__not_nul_terminated(void **state) {
  /* the length bounds parsing: the bytes past n are never read */
  const char s[] = "2025-03-01T10:20:30Z99";
  tm_timefmt f = {.kind = TM_TIME_ISO};
  int64_t ms = 0;
  assert_int_equal(tm_time_parse(s, 20, &f, &ms), 0);
  assert_true(ms == INT64_C(1740824430000));
  assert_int_equal(tm_time_parse(s, 10, &f, &ms), 0);
  assert_true(ms == INT64_C(1740787200000));
  assert_int_equal(tm_time_parse(s, 0, &f, &ms), TM_EFORMAT);
}

/* Named zones: expected instants from `date -u -d <utc> +%s`. Skipped where
 * the system has no tz database. */
static void test_timeparse__named_zones(void **state) {
  (void)state;
  tm_tzone *lon = NULL, *ny = NULL;
  if (tm_tzone_load(&lon, "Europe/London", NULL) || tm_tzone_load(&ny, "America/New_York", NULL)) {
    printf("# SKIP test_timeparse__named_zones: no /usr/share/zoneinfo (package tzdata)\n");
    tm_tzone_free(lon);
    return;
  }
  tm_timefmt f = {.kind = TM_TIME_PATTERN, .pattern = "%Y-%m-%d %H:%M", .zone = lon};
  static const struct {
    const char *text;
    int64_t want_s;
  } cases[] = {
      {"2025-07-01 12:00", 1751367600}, /* BST: 11:00Z */
      {"2025-01-15 12:00", 1736942400}, /* GMT */
      {"2025-03-30 01:30", 1743298200}, /* skipped hour: read with GMT, 01:30Z */
      {"2025-10-26 01:30", 1761438600}, /* repeated hour: the first, BST, 00:30Z */
      {"1990-06-01 12:00", 644238000},  /* BST in 1990 */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t ms;
    assert_int_equal(tm_time_parse(cases[i].text, strlen(cases[i].text), &f, &ms), 0);
    if (ms != cases[i].want_s * 1000) fail_msg("%s: got %lld want %lld", cases[i].text, (long long)ms, (long long)cases[i].want_s * 1000);
  }
  int64_t ms;
  tm_timefmt iso = {.kind = TM_TIME_ISO, .zone = ny};
  assert_int_equal(tm_time_parse("2025-07-04T09:00:00", 19, &iso, &ms), 0);
  assert_true(ms == INT64_C(1751634000) * 1000); /* EDT */
  assert_int_equal(tm_time_parse("2025-07-04T09:00:00Z", 20, &iso, &ms), 0); /* an explicit offset wins */
  assert_true(ms == INT64_C(1751634000) * 1000 - 4 * 3600 * 1000);
  assert_int_equal(tm_tzone_offset_at(lon, 1751367600), 3600);
  tm_tzone *bad = NULL;
  tm_error err = {0};
  assert_int_equal(tm_tzone_load(&bad, "Mars/Olympus_Mons", &err), TM_ENOTFOUND);
  assert_non_null(strstr(err.message, "Mars/Olympus_Mons"));
  assert_int_equal(tm_tzone_load(&bad, "../../etc/passwd", &err), TM_ENOTFOUND);
  tm_tzone_free(lon);
  tm_tzone_free(ny);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_timeparse__named_zones),
      cmocka_unit_test(test_timeparse__iso_forms),
      cmocka_unit_test(test_timeparse__iso_fraction),
      cmocka_unit_test(test_timeparse__iso_offsets),
      cmocka_unit_test(test_timeparse__invalid_dates),
      cmocka_unit_test(test_timeparse__leap_year_and_hour_24),
      cmocka_unit_test(test_timeparse__leap_second_clamped),
      cmocka_unit_test(test_timeparse__epoch_seconds),
      cmocka_unit_test(test_timeparse__epoch_millis),
      cmocka_unit_test(test_timeparse__auto),
      cmocka_unit_test(test_timeparse__pattern_us_short),
      cmocka_unit_test(test_timeparse__pattern_month_names),
      cmocka_unit_test(test_timeparse__pattern_am_pm),
      cmocka_unit_test(test_timeparse__pattern_year_pivot_and_yday),
      cmocka_unit_test(test_timeparse__pattern_zone),
      cmocka_unit_test(test_timeparse__parse_zone),
      cmocka_unit_test(test_timeparse__format),
      cmocka_unit_test(test_timeparse__civil_days),
      cmocka_unit_test(test_timeparse__round_trip_iso),
      cmocka_unit_test(test_timeparse__not_nul_terminated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
