/*
 * test_json.c — the arena JSON parser (src/io/json.c): every type, escapes,
 * raw text, numbers (rounding checked against glibc's strtod), error messages
 * with line and column, limits, reuse of one parser, allocation failures, the
 * real Segment / RudderStack payloads in ../shared/data/event_payloads (skipped
 * when absent), and a cross-check against jansson on the hostile corpus and
 * on seeded random documents and their mutants.
 *
 * The cross-check compares trees structurally. Where the two parsers
 * legitimately differ, the test proves the difference from the document
 * itself instead of tolerating it: jansson rejects invalid UTF-8 (we pass it
 * through), lone surrogates (we give U+FFFD), NUL in keys, integers beyond
 * int64 and reals beyond double (we accept all five); it nests 2048 deep (we
 * stop at 512) and skips a NUL byte right after a number or a literal (we
 * refuse the NUL, which is not whitespace); for duplicate keys jansson keeps
 * the last, we find the first.
 */
#include "unit.h"

#include <dirent.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>

#include "io/json.h"

/* ---------------------------------------------------------------- helpers */

static tm_json *new_parser(void) {
  tm_json *j = NULL;
  tm_error err = {0};
  assert_int_equal(tm_json_new(&j, &err), 0);
  assert_non_null(j);
  return j;
}

static const tm_jval *parse_ok(tm_json *j, const char *text, size_t len) {
  const tm_jval *root = NULL;
  tm_error err = {0};
  int rc = tm_json_parse(j, text, len, &root, &err);
  if (rc != 0) fail_msg("parse of '%.*s' failed: %d %s", (int)TM_MIN(len, 200), text, rc, err.message);
  assert_non_null(root);
  return root;
}
#define PARSE(j, s) parse_ok(j, s, strlen(s))

/* Parses text (len bytes, copied into a buffer of exactly that size so that
 * ASan catches a read past the end) and expects failure with message msg. */
static void expect_error(tm_json *j, const char *text, size_t len, const char *msg) {
  char *buf = malloc(len ? len : 1);
  memcpy(buf, text, len);
  const tm_jval *root = (const tm_jval *)buf; /* must be reset to NULL */
  tm_error err = {0};
  int rc = tm_json_parse(j, buf, len, &root, &err);
  free(buf);
  if (rc != TM_EFORMAT) fail_msg("'%.*s': expected TM_EFORMAT, got %d", (int)TM_MIN(len, 200), text, rc);
  assert_null(root);
  assert_int_equal(err.code, TM_EFORMAT);
  if (strcmp(err.message, msg) != 0)
    fail_msg("'%.*s':\n  got  \"%s\"\n  want \"%s\"", (int)TM_MIN(len, 200), text, err.message, msg);
}
#define EXPECT_ERROR(j, s, msg) expect_error(j, s, sizeof(s) - 1, msg)

static void expect_str(const tm_jval *v, const char *want, size_t want_len) {
  size_t n = 99;
  const char *s = tm_jval_str(v, &n);
  assert_non_null(s);
  assert_int_equal(n, want_len);
  assert_memory_equal(s, want, want_len);
  assert_int_equal(s[n], '\0');
}
#define EXPECT_STR(v, lit) expect_str(v, lit, sizeof(lit) - 1)

static double num(const tm_jval *v) {
  double d = -12345.0;
  assert_true(tm_jval_num(v, &d));
  return d;
}

static void expect_raw(const tm_jval *v, const char *want) {
  size_t n;
  const char *r = tm_jval_raw(v, &n);
  assert_non_null(r);
  if (n != strlen(want) || memcmp(r, want, n) != 0) fail_msg("raw '%.*s', want '%s'", (int)n, r, want);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *b = malloc(cap);
  size_t got;
  while ((got = fread(b + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) b = realloc(b, cap *= 2);
  }
  fclose(f);
  *len = n;
  return b;
}

/* A growable byte buffer for generated documents. */
typedef struct {
  char *p;
  size_t n, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    while (b->n + n + 1 > b->cap)
      b->cap = b->cap ? b->cap * 2 : 256;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

/* ------------------------------------------------------------ the types */

static void test_json__every_type(void **state) {
  (void)state;
  tm_json *j = new_parser();
  const tm_jval *v = PARSE(j, "null");
  assert_int_equal(tm_jval_type(v), TM_JNULL);
  assert_int_equal(tm_jval_type(PARSE(j, "false")), TM_JFALSE);
  assert_int_equal(tm_jval_type(PARSE(j, "true")), TM_JTRUE);
  v = PARSE(j, "-12.5e1");
  assert_int_equal(tm_jval_type(v), TM_JNUM);
  assert_true(num(v) == -125.0);
  v = PARSE(j, "\"hi\"");
  assert_int_equal(tm_jval_type(v), TM_JSTR);
  EXPECT_STR(v, "hi");
  v = PARSE(j, "[]");
  assert_int_equal(tm_jval_type(v), TM_JARR);
  assert_int_equal(tm_jval_count(v), 0);
  assert_null(tm_jval_at(v, 0));
  v = PARSE(j, "{}");
  assert_int_equal(tm_jval_type(v), TM_JOBJ);
  assert_int_equal(tm_jval_count(v), 0);
  assert_null(tm_jval_get(v, ""));

  /* all of them inside containers, in document order */
  v = PARSE(j, " [null, false, true, 0, \"s\", [1], {\"k\": {}}] ");
  assert_int_equal(tm_jval_count(v), 7);
  static const tm_jtype want[] = {TM_JNULL, TM_JFALSE, TM_JTRUE, TM_JNUM, TM_JSTR, TM_JARR, TM_JOBJ};
  for (size_t i = 0; i < 7; i++)
    assert_int_equal(tm_jval_type(tm_jval_at(v, i)), want[i]);
  assert_null(tm_jval_at(v, 7));
  assert_null(tm_jval_key_at(v, 0, NULL)); /* an array has no keys */
  assert_true(num(tm_jval_at(tm_jval_at(v, 5), 0)) == 1.0);
  assert_int_equal(tm_jval_type(tm_jval_get(tm_jval_at(v, 6), "k")), TM_JOBJ);

  /* accessors on the wrong type answer "absent" */
  const tm_jval *s = tm_jval_at(v, 4), *n = tm_jval_at(v, 3);
  size_t len = 77;
  double d = 42;
  assert_null(tm_jval_str(n, &len));
  assert_int_equal(len, 0);
  assert_false(tm_jval_num(s, &d));
  assert_true(d == 42);
  assert_int_equal(tm_jval_count(s), 0);
  assert_null(tm_jval_at(s, 0));
  assert_null(tm_jval_get(v, "k")); /* not an object */
  assert_null(tm_jval_path(n, "a"));
  tm_json_free(j);
}

static void test_json__null_accessors(void **state) {
  (void)state;
  size_t len = 5;
  double d = 3;
  assert_int_equal(tm_jval_type(NULL), TM_JNULL);
  assert_null(tm_jval_get(NULL, "a"));
  assert_null(tm_jval_path(NULL, "a.b"));
  assert_null(tm_jval_str(NULL, &len));
  assert_int_equal(len, 0);
  len = 5;
  assert_null(tm_jval_raw(NULL, &len));
  assert_int_equal(len, 0);
  assert_false(tm_jval_num(NULL, &d));
  assert_int_equal(tm_jval_count(NULL), 0);
  assert_null(tm_jval_at(NULL, 0));
  len = 5;
  assert_null(tm_jval_key_at(NULL, 0, &len));
  assert_int_equal(len, 0);
  tm_json_free(NULL);
}

static void test_json__objects_and_paths(void **state) {
  (void)state;
  tm_json *j = new_parser();
  const tm_jval *v = PARSE(j, "{\"type\":\"track\",\"context\":{\"campaign\":{\"name\":\"spring\",\"n\":3},"
                              "\"ip\":\"10.0.0.1\"},\"a\":1,\"a\":2,\"ab\":3,\"\":4,\"x.y\":5,"
                              "\"nul\\u0000key\":6}");
  assert_int_equal(tm_jval_count(v), 8);
  EXPECT_STR(tm_jval_get(v, "type"), "track");
  EXPECT_STR(tm_jval_path(v, "context.campaign.name"), "spring");
  EXPECT_STR(tm_jval_path(v, "context.ip"), "10.0.0.1");
  assert_true(num(tm_jval_path(v, "context.campaign.n")) == 3);
  assert_true(tm_jval_path(v, "context.campaign") == tm_jval_get(tm_jval_get(v, "context"), "campaign"));
  assert_null(tm_jval_path(v, "context.campaign.name.first")); /* through a string */
  assert_null(tm_jval_path(v, "context.nope"));
  assert_null(tm_jval_path(v, "context."));
  assert_null(tm_jval_get(v, "typ")); /* prefix of a key */
  assert_null(tm_jval_get(v, "types"));
  /* duplicate keys: lookup finds the first, both are members */
  assert_true(num(tm_jval_get(v, "a")) == 1);
  assert_true(num(tm_jval_at(v, 3)) == 2);
  assert_true(num(tm_jval_get(v, "ab")) == 3);
  assert_true(num(tm_jval_get(v, "")) == 4);
  assert_true(num(tm_jval_path(v, "")) == 4);
  /* a key with a dot only by get; the path reads it as two keys */
  assert_true(num(tm_jval_get(v, "x.y")) == 5);
  assert_null(tm_jval_path(v, "x.y"));
  /* keys in document order, decoded */
  static const char *keys[] = {"type", "context", "a", "a", "ab", "", "x.y"};
  for (size_t i = 0; i < 7; i++) {
    size_t n;
    const char *k = tm_jval_key_at(v, i, &n);
    assert_non_null(k);
    assert_int_equal(n, strlen(keys[i]));
    assert_string_equal(k, keys[i]);
  }
  size_t n;
  const char *k = tm_jval_key_at(v, 7, &n);
  assert_int_equal(n, 7);
  assert_memory_equal(k, "nul\0key", 8);
  assert_null(tm_jval_get(v, "nul")); /* a C string cannot name it */
  assert_true(num(tm_jval_at(v, 7)) == 6);
  assert_null(tm_jval_key_at(v, 8, &n));
  assert_null(tm_jval_at(v, 8));
  assert_non_null(tm_jval_key_at(v, 0, NULL)); /* len may be NULL */
  tm_json_free(j);
}

/* -------------------------------------------------------------- strings */

static void test_json__escapes(void **state) {
  (void)state;
  tm_json *j = new_parser();
  EXPECT_STR(PARSE(j, "\"caf\\u00e9\""), "caf\xc3\xa9");
  EXPECT_STR(PARSE(j, "\"caf\\u00E9\""), "caf\xc3\xa9");
  EXPECT_STR(PARSE(j, "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""), "\" \\ / \b \f \n \r \t");
  EXPECT_STR(PARSE(j, "\"\\u0041\\u007f\\u0080\\u07ff\\u0800\\uffff\""),
             "A\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
  /* a surrogate pair is one code point, U+1F600 */
  EXPECT_STR(PARSE(j, "\"<\\ud83d\\ude00>\""), "<\xf0\x9f\x98\x80>");
  EXPECT_STR(PARSE(j, "\"\\uDBFF\\uDFFF\""), "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
  /* lone surrogates become U+FFFD; what follows a lone high one is kept */
  EXPECT_STR(PARSE(j, "\"a\\ud83db\""), "a\xef\xbf\xbd"
                                        "b");
  EXPECT_STR(PARSE(j, "\"\\ude00\""), "\xef\xbf\xbd");
  EXPECT_STR(PARSE(j, "\"\\ud83d\\u0041\""), "\xef\xbf\xbd"
                                             "A");
  EXPECT_STR(PARSE(j, "\"\\ud83d\\ud83d\\ude00\""), "\xef\xbf\xbd\xf0\x9f\x98\x80");
  EXPECT_STR(PARSE(j, "\"\\ud83d\""), "\xef\xbf\xbd"); /* at the very end */
  EXPECT_STR(PARSE(j, "\"\\ud83d\\n\""), "\xef\xbf\xbd\n");
  /* \u0000 is a byte of the string, counted in len, and a NUL still follows */
  const tm_jval *v = PARSE(j, "[\"a\\u0000b\", \"\\u0000\"]");
  EXPECT_STR(tm_jval_at(v, 0), "a\0b");
  EXPECT_STR(tm_jval_at(v, 1), "\0");
  /* invalid UTF-8 and raw UTF-8 pass through as bytes; DEL is not a control */
  EXPECT_STR(PARSE(j, "\"\xff\xfe \xc3\xa9 \x7f\""), "\xff\xfe \xc3\xa9 \x7f");
  EXPECT_STR(PARSE(j, "\"\""), "");
  /* a long string crosses the scanner's 4-byte steps at every alignment */
  for (size_t n = 0; n < 40; n++) {
    char buf[64];
    buf[0] = '"';
    for (size_t i = 0; i < n; i++)
      buf[1 + i] = (char)('a' + i % 26);
    buf[1 + n] = '"';
    const tm_jval *s = parse_ok(j, buf, n + 2);
    expect_str(s, buf + 1, n);
  }
  tm_json_free(j);
}

static void test_json__raw_text(void **state) {
  (void)state;
  tm_json *j = new_parser();
  static const char doc[] = " \n{ \"n\" : 1.50e+3 , \"s\":\"a\\u00e9\\\"\", \"o\": {\"x\": [1, 2 ,3 ]},\n"
                            "\"t\":true,\"f\":false,\"z\":null, \"e\":[ ], \"neg\":-0 }\t\r\n";
  const tm_jval *v = PARSE(j, doc);
  expect_raw(v, "{ \"n\" : 1.50e+3 , \"s\":\"a\\u00e9\\\"\", \"o\": {\"x\": [1, 2 ,3 ]},\n"
                "\"t\":true,\"f\":false,\"z\":null, \"e\":[ ], \"neg\":-0 }");
  size_t n;
  assert_true(tm_jval_raw(v, &n) == doc + 2); /* points into the caller's text */
  expect_raw(tm_jval_get(v, "n"), "1.50e+3");
  assert_true(num(tm_jval_get(v, "n")) == 1500.0);
  expect_raw(tm_jval_get(v, "s"), "\"a\\u00e9\\\"\"");
  EXPECT_STR(tm_jval_get(v, "s"), "a\xc3\xa9\"");
  expect_raw(tm_jval_get(v, "o"), "{\"x\": [1, 2 ,3 ]}");
  expect_raw(tm_jval_path(v, "o.x"), "[1, 2 ,3 ]");
  expect_raw(tm_jval_at(tm_jval_path(v, "o.x"), 2), "3");
  expect_raw(tm_jval_get(v, "t"), "true");
  expect_raw(tm_jval_get(v, "f"), "false");
  expect_raw(tm_jval_get(v, "z"), "null");
  expect_raw(tm_jval_get(v, "e"), "[ ]");
  expect_raw(tm_jval_get(v, "neg"), "-0");
  double d = num(tm_jval_get(v, "neg"));
  assert_true(d == 0 && signbit(d));
  tm_json_free(j);
}

/* ------------------------------------------------------------- numbers */

/* tm_jval_num must give what glibc's (correctly rounding) strtod gives on a
 * NUL-terminated copy of the text. */
static void expect_num_like_strtod(tm_json *j, const char *text) {
  const tm_jval *v = PARSE(j, text);
  assert_int_equal(tm_jval_type(v), TM_JNUM);
  double want = strtod(text, NULL), got = num(v);
  if (memcmp(&want, &got, sizeof got) != 0) fail_msg("%.80s...: got %.17g, want %.17g", text, got, want);
}

static void test_json__numbers(void **state) {
  (void)state;
  tm_json *j = new_parser();
  static const char *const good[] = {
      "0",
      "-0",
      "1",
      "-1",
      "9",
      "10",
      "1.5",
      "-0.5",
      "0.0001",
      "1e3",
      "1E3",
      "1e+3",
      "1e-3",
      "-1.25E-2",
      "123456789012345678901234567890",
      "9007199254740993",
      "1.7976931348623157e308",
      "2.2250738585072014e-308",
      "4.9406564584124654e-324",
      "2.4703282292062328e-324",
      "1e-400",
      "0.000000000000000000001e21",
      "0e999999",
      "1e999",
      "-1e999",
      "1e99999999999999999999999",
      "1e-99999999999999999999999",
      "100e-2",
      "3.141592653589793238462643383279",
  };
  for (size_t i = 0; i < TM_ARRAY_LEN(good); i++)
    expect_num_like_strtod(j, good[i]);
  assert_true(num(PARSE(j, "1e999")) == HUGE_VAL);
  assert_true(num(PARSE(j, "-1e999")) == -HUGE_VAL);
  assert_true(num(PARSE(j, "1e-400")) == 0);

  /* random numbers of every shape, including more digits than the 800 kept */
  uint64_t seed = 7;
  sbuf b = {0};
  for (int k = 0; k < 3000; k++) {
    b.n = 0;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t r = seed >> 11;
    if (r & 1) sb_putc(&b, '-');
    size_t ndig = (r >> 1 & 3) == 3 ? 700 + (r >> 3) % 400 : 1 + (r >> 3) % 25;
    for (size_t i = 0; i < ndig; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      sb_putc(&b, (char)('0' + (i == 0 && ndig > 1 ? 1 + (seed >> 33) % 9 : (seed >> 33) % 10)));
    }
    if (r >> 20 & 1) {
      sb_putc(&b, '.');
      size_t nf = 1 + (r >> 21) % ((r >> 30 & 1) ? 900 : 20);
      for (size_t i = 0; i < nf; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        sb_putc(&b, (char)('0' + (seed >> 33) % 10));
      }
    }
    if (r >> 40 & 1) {
      char e[16];
      snprintf(e, sizeof e, "e%d", (int)((r >> 42) % 1300) - 650);
      sb_puts(&b, e);
    }
    expect_num_like_strtod(j, b.p);
  }

  /* halfway cases decided only by a digit far beyond the 800 kept: 2^-1075
   * (half the smallest subnormal) is 5^1075 * 10^-1075, and 1 + 2^-53 is
   * halfway between 1 and the next double. Exactly halfway rounds to even;
   * a 1 a thousand digits later rounds up. */
  char five[800] = {0}; /* 5^1075, little-endian decimal digits */
  size_t nd = 1;
  five[0] = 1;
  for (int i = 0; i < 1075; i++) {
    int carry = 0;
    for (size_t d = 0; d < nd; d++) {
      int x = five[d] * 5 + carry;
      five[d] = (char)(x % 10);
      carry = x / 10;
    }
    while (carry) {
      five[nd++] = (char)(carry % 10);
      carry /= 10;
    }
  }
  b.n = 0;
  for (size_t d = nd; d-- > 0;)
    sb_putc(&b, (char)('0' + five[d]));
  size_t digits = b.n;
  sb_puts(&b, "e-1075");
  expect_num_like_strtod(j, b.p);
  assert_true(num(PARSE(j, b.p)) == 0.0);
  b.n = digits;
  for (int i = 0; i < 1000; i++)
    sb_putc(&b, '0');
  sb_puts(&b, "1e-2076");
  expect_num_like_strtod(j, b.p);
  assert_true(num(PARSE(j, b.p)) == 4.9406564584124654e-324);

  b.n = 0;
  sb_puts(&b, "1.00000000000000011102230246251565404236316680908203125");
  expect_num_like_strtod(j, b.p);
  assert_true(num(PARSE(j, b.p)) == 1.0);
  for (int i = 0; i < 1000; i++)
    sb_putc(&b, '0');
  sb_putc(&b, '1');
  expect_num_like_strtod(j, b.p);
  assert_true(num(PARSE(j, b.p)) == 1.0 + DBL_EPSILON);
  free(b.p);

  /* the number at the very end of a buffer with nothing after it */
  char *exact = malloc(3);
  memcpy(exact, "125", 3);
  assert_true(num(parse_ok(j, exact, 3)) == 125.0);
  memcpy(exact, "1e2", 3);
  assert_true(num(parse_ok(j, exact, 3)) == 100.0);
  free(exact);
  tm_json_free(j);
}

/* -------------------------------------------------------------- errors */

static void test_json__errors(void **state) {
  (void)state;
  tm_json *j = new_parser();
  EXPECT_ERROR(j, "", "line 1 col 1: empty input");
  EXPECT_ERROR(j, " \n\t ", "line 2 col 3: empty input");
  EXPECT_ERROR(j, "[1,2,]", "line 1 col 6: trailing comma before ']'");
  EXPECT_ERROR(j, "{\"a\":1,\n  }", "line 2 col 3: trailing comma before '}'");
  EXPECT_ERROR(j, "{\"a\":\"open}", "line 1 col 6: unterminated string");
  EXPECT_ERROR(j, "\"abc\\", "line 1 col 1: unterminated string");
  EXPECT_ERROR(j, "[\"a\\x\"]", "line 1 col 4: invalid escape '\\' followed by 'x'");
  EXPECT_ERROR(j, "[\"a\\'\"]", "line 1 col 4: invalid escape '\\' followed by '''");
  EXPECT_ERROR(j, "\"\\u12G4\"", "line 1 col 2: invalid \\u escape (4 hex digits needed)");
  EXPECT_ERROR(j, "\"\\u12", "line 1 col 2: invalid \\u escape (4 hex digits needed)");
  EXPECT_ERROR(j, "01", "line 1 col 1: leading zero in number");
  EXPECT_ERROR(j, "[-01]", "line 1 col 3: leading zero in number");
  EXPECT_ERROR(j, "1.", "line 1 col 3: expected a digit after '.'");
  EXPECT_ERROR(j, "1.e5", "line 1 col 3: expected a digit after '.'");
  EXPECT_ERROR(j, "-", "line 1 col 2: expected a digit after '-'");
  EXPECT_ERROR(j, "-a", "line 1 col 2: expected a digit after '-'");
  EXPECT_ERROR(j, "1e", "line 1 col 3: expected a digit in the exponent");
  EXPECT_ERROR(j, "1e+", "line 1 col 4: expected a digit in the exponent");
  EXPECT_ERROR(j, "+1", "line 1 col 1: expected a value, found '+'");
  EXPECT_ERROR(j, ".5", "line 1 col 1: expected a value, found '.'");
  EXPECT_ERROR(j, "NaN", "line 1 col 1: expected a value, found 'N'");
  EXPECT_ERROR(j, "[Infinity]", "line 1 col 2: expected a value, found 'I'");
  EXPECT_ERROR(j, "{\"a\":\"x\ty\"}", "line 1 col 8: unescaped control character (byte 0x09) in string");
  EXPECT_ERROR(j, "\"a\nb\"", "line 1 col 3: unescaped control character (byte 0x0a) in string");
  EXPECT_ERROR(j, "\"\x01\"", "line 1 col 2: unescaped control character (byte 0x01) in string");
  EXPECT_ERROR(j, "{\"a\":1} x", "line 1 col 9: unexpected 'x' after the value");
  EXPECT_ERROR(j, "1 2", "line 1 col 3: unexpected '2' after the value");
  EXPECT_ERROR(j, "{}{}", "line 1 col 3: unexpected '{' after the value");
  EXPECT_ERROR(j, "[1]\n\n  ]", "line 3 col 3: unexpected ']' after the value");
  EXPECT_ERROR(j, "true\0", "line 1 col 5: unexpected byte 0x00 after the value");
  EXPECT_ERROR(j, "tru", "line 1 col 1: invalid literal (expected true)");
  EXPECT_ERROR(j, "[nul]", "line 1 col 2: invalid literal (expected null)");
  EXPECT_ERROR(j, "falsy", "line 1 col 1: invalid literal (expected false)");
  EXPECT_ERROR(j, "truex", "line 1 col 5: unexpected 'x' after the value");
  EXPECT_ERROR(j, "[1 2]", "line 1 col 4: expected ',' or ']', found '2'");
  EXPECT_ERROR(j, "{\"a\":1 \"b\":2}", "line 1 col 8: expected ',' or '}', found '\"'");
  EXPECT_ERROR(j, "{\"a\" 1}", "line 1 col 6: expected ':' after the key, found '1'");
  EXPECT_ERROR(j, "{\"a\"", "line 1 col 5: expected ':' after the key, found end of input");
  EXPECT_ERROR(j, "{a:1}", "line 1 col 2: expected a string key, found 'a'");
  EXPECT_ERROR(j, "{,}", "line 1 col 2: expected a string key, found ','");
  EXPECT_ERROR(j, "{\"a\":1,,}", "line 1 col 8: expected a string key, found ','");
  EXPECT_ERROR(j, "{\"a\":}", "line 1 col 6: expected a value, found '}'");
  EXPECT_ERROR(j, "[,1]", "line 1 col 2: expected a value, found ','");
  EXPECT_ERROR(j, "[1,]]", "line 1 col 4: trailing comma before ']'");
  EXPECT_ERROR(j, "[1}", "line 1 col 3: expected ',' or ']', found '}'");
  EXPECT_ERROR(j, "[", "line 1 col 2: expected a value, found end of input");
  EXPECT_ERROR(j, "{\"a\":", "line 1 col 6: expected a value, found end of input");
  EXPECT_ERROR(j, "{\"a\": [1,\n {\"b\": 2}",
               "line 2 col 10: end of input inside the array opened at line 1 col 7");
  EXPECT_ERROR(j, "{\"a\":1", "line 1 col 7: end of input inside the object opened at line 1 col 1");
  EXPECT_ERROR(j, "// c\n1", "line 1 col 1: expected a value, found '/'");
  EXPECT_ERROR(j, "[1 /* c */]", "line 1 col 4: expected ',' or ']', found '/'");
  EXPECT_ERROR(j, "['a']", "line 1 col 2: expected a value, found '''");
  EXPECT_ERROR(j, "\xef\xbb\xbf{}", "line 1 col 1: expected a value, found byte 0xef");
  EXPECT_ERROR(j, "\"ok\"\xff", "line 1 col 5: unexpected byte 0xff after the value");
  EXPECT_ERROR(j, "\f1", "line 1 col 1: expected a value, found byte 0x0c");
  /* the column counts bytes from the last LF; CR is whitespace, not a line end */
  EXPECT_ERROR(j, "[\r\n1,\r\n\xc3\xa9]", "line 3 col 1: expected a value, found byte 0xc3");
  EXPECT_ERROR(j, "[1,\r2,]", "line 1 col 7: trailing comma before ']'");

  /* errors with no tm_error to fill still return the code */
  const tm_jval *root;
  assert_int_equal(tm_json_parse(j, "[", 1, &root, NULL), TM_EFORMAT);
  assert_int_equal(tm_json_parse(j, NULL, 0, &root, NULL), TM_EFORMAT);
  tm_json_free(j);
}

static void test_json__depth_limit(void **state) {
  (void)state;
  tm_json *j = new_parser();
  sbuf b = {0};
  for (int i = 0; i < TM_JSON_MAX_DEPTH; i++)
    sb_puts(&b, i % 2 ? "{\"k\":" : "[");
  sb_puts(&b, "0");
  for (int i = TM_JSON_MAX_DEPTH; i-- > 0;)
    sb_puts(&b, i % 2 ? "}" : "]");
  const tm_jval *v = parse_ok(j, b.p, b.n); /* 512 deep is fine */
  int depth = 0;
  while (tm_jval_count(v) > 0) {
    v = tm_jval_at(v, 0);
    depth++;
  }
  assert_int_equal(depth, TM_JSON_MAX_DEPTH);
  assert_true(num(v) == 0);

  b.n = 0;
  for (int i = 0; i < TM_JSON_MAX_DEPTH + 1; i++)
    sb_putc(&b, '[');
  for (int i = 0; i < TM_JSON_MAX_DEPTH + 1; i++)
    sb_putc(&b, ']');
  expect_error(j, b.p, b.n, "line 1 col 513: nesting deeper than 512");
  /* a million open brackets: rejected at the same place, no recursion */
  b.n = 0;
  for (int i = 0; i < 1000000; i++)
    sb_putc(&b, i % 3 ? '[' : '{');
  const tm_jval *root;
  tm_error err;
  assert_int_equal(tm_json_parse(j, b.p, b.n, &root, &err), TM_EFORMAT);
  assert_string_equal(err.message, "line 1 col 2: expected a string key, found '['");
  b.n = 0;
  for (int i = 0; i < 1000000; i++)
    sb_putc(&b, '[');
  expect_error(j, b.p, b.n, "line 1 col 513: nesting deeper than 512");
  free(b.p);
  tm_json_free(j);
}

static void test_json__size_limit(void **state) {
  (void)state;
  tm_json *j = new_parser();
  /* exactly the limit: one long string; one byte more is refused up front */
  size_t len = TM_JSON_MAX_DOC;
  char *big = malloc(len + 1);
  memset(big, 'a', len + 1);
  big[0] = '"';
  big[len - 1] = '"';
  const tm_jval *v = parse_ok(j, big, len);
  size_t n;
  assert_non_null(tm_jval_str(v, &n));
  assert_int_equal(n, len - 2);
  big[len] = ' ';
  expect_error(j, big, len + 1, "line 1 col 1: document of 67108865 bytes is over the 67108864-byte limit");
  free(big);
  v = PARSE(j, "[1]"); /* still usable */
  assert_int_equal(tm_jval_count(v), 1);
  tm_json_free(j);
}

/* ------------------------------------------------------ reuse, failure */

static void test_json__reuse_one_parser(void **state) {
  (void)state;
  tm_json *j = new_parser();
  sbuf b = {0};
  for (int round = 0; round < 200; round++) {
    /* documents of varying size, so the arena grows and is reused */
    b.n = 0;
    int n = (round * 37) % 300;
    sb_puts(&b, "{\"round\":");
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%d,\"items\":[", round);
    sb_puts(&b, tmp);
    for (int i = 0; i < n; i++) {
      snprintf(tmp, sizeof tmp, "%s{\"i\":%d,\"s\":\"v%d\\u00e9\"}", i ? "," : "", i, i * round);
      sb_puts(&b, tmp);
    }
    sb_puts(&b, "],\"end\":\"done\"}");
    const tm_jval *v = parse_ok(j, b.p, b.n);
    assert_true(num(tm_jval_get(v, "round")) == round);
    const tm_jval *items = tm_jval_get(v, "items");
    assert_int_equal(tm_jval_count(items), (size_t)n);
    for (int i = 0; i < n; i += 17) {
      const tm_jval *it = tm_jval_at(items, (size_t)i);
      assert_true(num(tm_jval_get(it, "i")) == i);
      snprintf(tmp, sizeof tmp, "v%d\xc3\xa9", i * round);
      expect_str(tm_jval_get(it, "s"), tmp, strlen(tmp));
    }
    EXPECT_STR(tm_jval_get(v, "end"), "done");
    if (round % 10 == 0) { /* a failing parse in between changes nothing */
      const tm_jval *r = v;
      tm_error err;
      assert_int_equal(tm_json_parse(j, b.p, b.n - 1, &r, &err), TM_EFORMAT);
      assert_null(r);
    }
  }
  free(b.p);
  tm_json_free(j);
}

static const char alloc_doc[] =
    "{\"batch\":[{\"type\":\"track\",\"event\":\"Viewed "
    "\\u00e9\",\"properties\":{\"a\":[1,2,3,4,5,6,7,8,9,10,11,12,"
    "13,14,15,16,17,18,19,20],\"b\":{\"c\":{\"d\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}}}},"
    "{\"type\":\"page\",\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,"
    "\"k10\":\"ten\"}],\"sentAt\":\"2024-01-01T00:00:00Z\"}";

static void check_alloc_doc(const tm_jval *v) {
  EXPECT_STR(tm_jval_path(v, "sentAt"), "2024-01-01T00:00:00Z");
  const tm_jval *batch = tm_jval_get(v, "batch");
  assert_int_equal(tm_jval_count(batch), 2);
  EXPECT_STR(tm_jval_get(tm_jval_at(batch, 0), "event"), "Viewed \xc3\xa9");
  assert_int_equal(tm_jval_count(tm_jval_path(tm_jval_at(batch, 0), "properties.a")), 20);
  EXPECT_STR(tm_jval_get(tm_jval_at(batch, 1), "k10"), "ten");
}

static void test_json__alloc_failures(void **state) {
  (void)state;
  /* every allocation of new + parse made to fail in turn, from a fresh parser */
  int nomem = 0;
  bool done = false;
  for (long n = 0; !done && n < 1000; n++) {
    tm_error err = {0};
    tm_json *j = NULL;
    const tm_jval *root = NULL;
    tm_debug_fail_alloc_after(n);
    int rc = tm_json_new(&j, &err);
    if (rc == 0) rc = tm_json_parse(j, alloc_doc, sizeof alloc_doc - 1, &root, &err);
    tm_debug_fail_alloc_after(-1);
    if (rc == 0) {
      check_alloc_doc(root);
      done = true;
    } else {
      if (rc != TM_ENOMEM) fail_msg("n=%ld: rc %d (%s)", n, rc, err.message);
      assert_int_equal(err.code, TM_ENOMEM);
      assert_null(root);
      nomem++;
      /* a parser left by a failed growth parses the next document */
      if (j) check_alloc_doc(parse_ok(j, alloc_doc, sizeof alloc_doc - 1));
    }
    tm_json_free(j);
  }
  assert_true(done);
  assert_true(nomem >= 4); /* the parser, strings, nodes, and the stack growing */

  /* and from a warmed-up parser facing a larger document */
  tm_json *j = new_parser();
  PARSE(j, "[1]");
  sbuf b = {0};
  sb_putc(&b, '[');
  for (int i = 0; i < 5000; i++)
    sb_puts(&b, i ? ",\"x\"" : "\"x\"");
  sb_putc(&b, ']');
  done = false;
  for (long n = 0; !done && n < 1000; n++) {
    tm_error err = {0};
    const tm_jval *root = NULL;
    tm_debug_fail_alloc_after(n);
    int rc = tm_json_parse(j, b.p, b.n, &root, &err);
    tm_debug_fail_alloc_after(-1);
    if (rc == 0) {
      assert_int_equal(tm_jval_count(root), 5000);
      done = true;
    } else {
      assert_int_equal(rc, TM_ENOMEM);
      assert_int_equal(err.code, TM_ENOMEM);
      assert_string_equal(err.message, "out of memory");
    }
  }
  assert_true(done);
  free(b.p);
  tm_json_free(j);
}

/* ------------------------------------------------- cross-check: jansson */

typedef struct {
  bool invalid_utf8, lone_surrogate, nul_key, big_int, inf;
  int depth;
} features;

/* True when the text of an accepted document holds a \u escape of a surrogate
 * that is not part of a pair (in a key or a value: backslashes occur only in
 * strings). */
static bool has_lone_surrogate(const char *raw, size_t n) {
  for (size_t i = 0; i + 6 <= n; i++) {
    if (raw[i] != '\\') continue;
    if (raw[i + 1] != 'u') {
      i++; /* skip the escaped byte */
      continue;
    }
    unsigned cp = (unsigned)strtoul((char[5]){raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5], 0}, NULL, 16);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 12 <= n && raw[i + 6] == '\\' && raw[i + 7] == 'u') {
      unsigned lo =
          (unsigned)strtoul((char[5]){raw[i + 8], raw[i + 9], raw[i + 10], raw[i + 11], 0}, NULL, 16);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        i += 11;
        continue;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) return true;
    i += 5;
  }
  return false;
}

/* True when s[0..n) is valid UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF) — what jansson demands of every string. */
static bool utf8_ok(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  for (size_t i = 0; i < n;) {
    unsigned c = s[i], need;
    uint32_t cp, min;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i <= need) return false;
    for (unsigned k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/* True when an integer's text does not fit in int64 (jansson's json_int_t). */
static bool int_overflows(const char *raw, size_t n) {
  if (memchr(raw, '.', n) || memchr(raw, 'e', n) || memchr(raw, 'E', n)) return false;
  bool neg = raw[0] == '-';
  const char *d = raw + neg;
  size_t nd = n - neg;
  const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
  return nd > 19 || (nd == 19 && memcmp(d, lim, 19) > 0);
}

static void collect(const tm_jval *v, int depth, features *f) {
  size_t n;
  const char *raw = tm_jval_raw(v, &n);
  if (depth > f->depth) f->depth = depth;
  switch (tm_jval_type(v)) {
  case TM_JSTR: {
    size_t sl;
    const char *s = tm_jval_str(v, &sl);
    if (!utf8_ok(s, sl)) f->invalid_utf8 = true;
    break;
  }
  case TM_JNUM: {
    double d = num(v);
    if (isinf(d)) f->inf = true;
    if (int_overflows(raw, n)) f->big_int = true;
    break;
  }
  case TM_JOBJ:
    for (size_t i = 0; i < tm_jval_count(v); i++) {
      size_t kl;
      const char *k = tm_jval_key_at(v, i, &kl);
      if (memchr(k, '\0', kl)) f->nul_key = true;
      if (!utf8_ok(k, kl)) f->invalid_utf8 = true;
      collect(tm_jval_at(v, i), depth + 1, f);
    }
    break;
  case TM_JARR:
    for (size_t i = 0; i < tm_jval_count(v); i++)
      collect(tm_jval_at(v, i), depth + 1, f);
    break;
  default: break;
  }
}

static int jansson_depth(const json_t *v) {
  int d = 0;
  if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++) {
      int e = jansson_depth(json_array_get(v, i)); /* not inside TM_MAX: it evaluates twice */
      d = TM_MAX(d, e);
    }
    return d + 1;
  }
  if (json_is_object(v)) {
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)v, k, x) {
      int e = jansson_depth(x);
      d = TM_MAX(d, e);
    }
    return d + 1;
  }
  return 0;
}

/* Structural equality; on a mismatch writes where into why and returns false. */
static bool same_tree(const tm_jval *a, const json_t *b, char *why, size_t whylen) {
  switch (tm_jval_type(a)) {
  case TM_JNULL:
    if (json_is_null(b)) return true;
    break;
  case TM_JFALSE:
    if (json_is_false(b)) return true;
    break;
  case TM_JTRUE:
    if (json_is_true(b)) return true;
    break;
  case TM_JNUM: {
    double d;
    if (!json_is_number(b) || !tm_jval_num(a, &d)) break;
    double e = json_is_integer(b) ? (double)json_integer_value(b) : json_real_value(b);
    if (d == e) return true;
    snprintf(why, whylen, "number %.17g vs %.17g", d, e);
    return false;
  }
  case TM_JSTR: {
    size_t n;
    const char *s = tm_jval_str(a, &n);
    if (json_is_string(b) && json_string_length(b) == n && memcmp(s, json_string_value(b), n) == 0)
      return true;
    snprintf(why, whylen, "string '%.*s'", (int)TM_MIN(n, 60), s);
    return false;
  }
  case TM_JARR:
    if (!json_is_array(b) || json_array_size(b) != tm_jval_count(a)) break;
    for (size_t i = 0; i < tm_jval_count(a); i++)
      if (!same_tree(tm_jval_at(a, i), json_array_get(b, i), why, whylen)) return false;
    return true;
  case TM_JOBJ: {
    if (!json_is_object(b)) break;
    size_t distinct = 0, n = tm_jval_count(a);
    for (size_t i = 0; i < n; i++) {
      size_t kl;
      const char *k = tm_jval_key_at(a, i, &kl);
      bool last = true; /* jansson keeps the last of duplicate keys */
      for (size_t m = i + 1; m < n && last; m++) {
        size_t ml;
        const char *mk = tm_jval_key_at(a, m, &ml);
        last = !(ml == kl && memcmp(mk, k, kl) == 0);
      }
      if (!last) continue;
      distinct++;
      const json_t *bv = json_object_getn(b, k, kl);
      if (!bv) {
        snprintf(why, whylen, "key '%.*s' missing in jansson", (int)TM_MIN(kl, 60), k);
        return false;
      }
      if (!same_tree(tm_jval_at(a, i), bv, why, whylen)) return false;
    }
    if (distinct == json_object_size(b)) return true;
    snprintf(why, whylen, "object of %zu distinct keys vs %zu", distinct, json_object_size(b));
    return false;
  }
  }
  snprintf(why, whylen, "type %d vs jansson type %d", (int)tm_jval_type(a), (int)json_typeof(b));
  return false;
}

typedef struct {
  size_t both_ok, both_bad, we_only, jansson_only;
} tally;

/* Parses doc with both parsers and fails the test unless they agree, or
 * differ in one of the documented ways proved from the document. */
static void cross_check(tm_json *j, const char *doc, size_t len, const char *label, tally *t) {
  const tm_jval *root = NULL;
  tm_error err = {0};
  int rc = tm_json_parse(j, doc, len, &root, &err);
  json_error_t je;
  json_t *jv = json_loadb(doc, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
  if (rc != 0 && rc != TM_EFORMAT) fail_msg("%s: rc %d (%s)", label, rc, err.message);
  if (rc == 0 && jv) {
    char why[200] = "";
    if (!same_tree(root, jv, why, sizeof why)) fail_msg("%s: trees differ: %s", label, why);
    size_t n;
    const char *raw = tm_jval_raw(root, &n);
    assert_true(raw >= doc && raw + n <= doc + len);
    t->both_ok++;
  } else if (rc != 0 && !jv) {
    assert_int_equal(strncmp(err.message, "line ", 5), 0);
    t->both_bad++;
  } else if (rc == 0) { /* only jansson refuses: it must be for a reason we know */
    features f = {0};
    collect(root, 0, &f);
    size_t n;
    const char *raw = tm_jval_raw(root, &n);
    f.lone_surrogate = has_lone_surrogate(raw, n);
    bool ok = (strstr(je.text, "decode byte") && f.invalid_utf8) ||
              (strstr(je.text, "invalid Unicode") && f.lone_surrogate) ||
              (strstr(je.text, "NUL byte in object key") && f.nul_key) ||
              (strstr(je.text, "too big") && f.big_int) || (strstr(je.text, "real number overflow") && f.inf);
    if (!ok) fail_msg("%s: we accept, jansson refuses: %s", label, je.text);
    t->we_only++;
  } else if (strstr(err.message, "byte 0x00")) {
    /* only we refuse: jansson skips a NUL byte right after a number or a
     * literal (true, false, null); without those the text must read as the
     * same tree */
    char *copy = malloc(len), why[200] = "";
    size_t m = 0;
    for (size_t i = 0; i < len; i++) {
      char prev = i > 0 ? doc[i - 1] : ' ';
      if (!(doc[i] == '\0' && ((prev >= '0' && prev <= '9') || prev == 'e' || prev == 'l')))
        copy[m++] = doc[i];
    }
    if (!same_tree(parse_ok(j, copy, m), jv, why, sizeof why)) fail_msg("%s: without NULs: %s", label, why);
    free(copy);
    t->jansson_only++;
  } else { /* only we refuse: nesting between our 512 and jansson's 2048 */
    if (!strstr(err.message, "nesting deeper than 512") || jansson_depth(jv) <= TM_JSON_MAX_DEPTH)
      fail_msg("%s: jansson accepts, we refuse: %s", label, err.message);
    t->jansson_only++;
  }
  json_decref(jv);
}

static void test_json__hostile_corpus_vs_jansson(void **state) {
  (void)state;
  tm_json *j = new_parser();
  DIR *d = opendir(TM_TEST_DATA "hostile");
  assert_non_null(d);
  struct dirent *e;
  tally t = {0};
  size_t files = 0;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "json_", 5) != 0) continue;
    char path[512], label[600];
    snprintf(path, sizeof path, TM_TEST_DATA "hostile/%s", e->d_name);
    size_t len;
    char *doc = slurp(path, &len);
    assert_non_null(doc);
    files++;
    cross_check(j, doc, len, path, &t); /* the whole file */
    size_t line = 1;
    for (char *p = doc, *end = doc + len; p < end; line++) { /* and each line */
      char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
      snprintf(label, sizeof label, "%s line %zu", path, line);
      cross_check(j, p, n, label, &t);
      p += n + 1;
    }
    free(doc);
  }
  closedir(d);
  assert_true(files >= 6);
  /* the corpus has good lines, bad lines, and invalid UTF-8 only jansson refuses */
  assert_true(t.both_ok > 3 && t.both_bad > 6 && t.we_only >= 1);
  tm_json_free(j);
}

/* ----------------------------------------------- random documents */

typedef struct {
  uint64_t s;
} prng;

static uint32_t rnd(prng *r) {
  r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(r->s >> 33);
}
static uint32_t rnd_below(prng *r, uint32_t n) { return rnd(r) % n; }

static void gen_ws(prng *r, sbuf *b) {
  static const char ws[] = " \t\n\r";
  if (rnd_below(r, 4) == 0)
    for (uint32_t n = 1 + rnd_below(r, 3); n > 0; n--)
      sb_putc(b, ws[rnd_below(r, 4)]);
}

static void gen_string(prng *r, sbuf *b, bool key, uint32_t serial) {
  sb_putc(b, '"');
  if (key) { /* unique within its object: the serial number first */
    char k[16];
    snprintf(k, sizeof k, "k%u", serial);
    sb_puts(b, k);
  }
  uint32_t n = rnd_below(r, 12);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t c = rnd_below(r, 40);
    char esc[16];
    if (c < 20) {
      sb_putc(b, (char)('a' + rnd_below(r, 26)));
    } else if (c < 27) {
      static const char *const simple[] = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"};
      sb_puts(b, simple[rnd_below(r, 8)]);
    } else if (c < 31) {
      uint32_t cp = rnd_below(r, 0xd800);
      if (key && cp == 0) cp = 1; /* jansson refuses NUL in keys */
      snprintf(esc, sizeof esc, rnd_below(r, 2) ? "\\u%04x" : "\\u%04X", cp);
      sb_puts(b, esc);
    } else if (c < 33) {
      uint32_t cp = 0x10000 + rnd_below(r, 0x100000);
      snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + (cp & 0x3ff));
      sb_puts(b, esc);
    } else if (c < 36) {
      static const char *const utf8[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", " ", "'"};
      sb_puts(b, utf8[rnd_below(r, 6)]);
    } else if (c < 37 && !key) {
      sb_puts(b, "\\u0000");
    } else {
      sb_putc(b, (char)('0' + rnd_below(r, 10)));
    }
  }
  sb_putc(b, '"');
}

static void gen_number(prng *r, sbuf *b) {
  char t[64];
  switch (rnd_below(r, 6)) {
  case 0: snprintf(t, sizeof t, "%d", (int)rnd_below(r, 2000) - 1000); break;
  case 1:
    snprintf(t, sizeof t, "%lld", (long long)(((uint64_t)rnd(r) << 20) ^ rnd(r)) * (rnd(r) & 1 ? -1 : 1));
    break;
  case 2:
    snprintf(t, sizeof t, "%u.%0*u", rnd_below(r, 1000), 1 + (int)rnd_below(r, 6), rnd_below(r, 100000));
    break;
  case 3:
    snprintf(t, sizeof t, "%s%u.%u%c%s%u", rnd(r) & 1 ? "-" : "", rnd_below(r, 10), rnd(r),
             rnd(r) & 1 ? 'e' : 'E',
             rnd(r) & 1   ? "-"
             : rnd(r) & 1 ? "+"
                          : "",
             rnd_below(r, 300));
    break;
  case 4: snprintf(t, sizeof t, "%.17g", (double)rnd(r) / (1 + rnd(r))); break;
  default: snprintf(t, sizeof t, "%s0", rnd(r) & 1 ? "-" : ""); break;
  }
  sb_puts(b, t);
}

static void gen_value(prng *r, sbuf *b, int depth) {
  gen_ws(r, b);
  uint32_t c = rnd_below(r, depth < 6 ? 10 : 7);
  switch (c) {
  case 0: sb_puts(b, "null"); break;
  case 1: sb_puts(b, rnd(r) & 1 ? "true" : "false"); break;
  case 2:
  case 3: gen_number(r, b); break;
  case 4:
  case 5:
  case 6: gen_string(r, b, false, 0); break;
  case 7: {
    sb_putc(b, '[');
    uint32_t n = rnd_below(r, 6);
    for (uint32_t i = 0; i < n; i++) {
      if (i) sb_putc(b, ',');
      gen_value(r, b, depth + 1);
    }
    gen_ws(r, b);
    sb_putc(b, ']');
    break;
  }
  default: {
    sb_putc(b, '{');
    uint32_t n = rnd_below(r, 6);
    for (uint32_t i = 0; i < n; i++) {
      if (i) sb_putc(b, ',');
      gen_ws(r, b);
      gen_string(r, b, true, i);
      gen_ws(r, b);
      sb_putc(b, ':');
      gen_value(r, b, depth + 1);
    }
    gen_ws(r, b);
    sb_putc(b, '}');
    break;
  }
  }
  gen_ws(r, b);
}

/* Breaks a document a little: one byte replaced, deleted or inserted, or the
 * end cut off. The replacement bytes are the ones that matter to a parser. */
static void mutate(prng *r, sbuf *b) {
  static const char pick[] = "{}[]:,\"\\ \n0123456789eE.+-tfnulrasud\x01\x1f\x7f\xc3\xff\0";
  size_t at = b->n ? rnd_below(r, (uint32_t)b->n) : 0;
  char c = pick[rnd_below(r, sizeof pick - 1)];
  switch (rnd_below(r, 4)) {
  case 0:
    if (b->n) b->p[at] = c;
    break;
  case 1:
    if (b->n) {
      memmove(b->p + at, b->p + at + 1, b->n - at - 1);
      b->n--;
    }
    break;
  case 2:
    sb_putc(b, 0);
    memmove(b->p + at + 1, b->p + at, b->n - at - 1);
    b->p[at] = c;
    break;
  default: b->n = at; break;
  }
}

static void test_json__random_vs_jansson(void **state) {
  (void)state;
  tm_json *j = new_parser(), *j2 = new_parser();
  prng r = {20240611};
  sbuf b = {0}, m = {0};
  tally t = {0}, tm = {0};
  for (int k = 0; k < 3000; k++) {
    b.n = 0;
    gen_value(&r, &b, k % 4 == 0 ? 5 : 0);
    char label[64];
    snprintf(label, sizeof label, "random document %d", k);
    /* an exact-size copy: ASan sees any read past the end */
    char *exact = malloc(b.n ? b.n : 1);
    memcpy(exact, b.p, b.n);
    cross_check(j, exact, b.n, label, &t);

    /* the raw text of the root is the document trimmed; each child's raw
     * text parses alone to the same value */
    const tm_jval *root = parse_ok(j, exact, b.n);
    size_t n, lead = 0, trail = b.n;
    const char *raw = tm_jval_raw(root, &n);
    while (lead < b.n && strchr(" \t\n\r", b.p[lead]))
      lead++;
    while (trail > lead && strchr(" \t\n\r", b.p[trail - 1]))
      trail--;
    assert_true(raw == exact + lead);
    assert_int_equal(n, trail - lead);
    for (size_t i = 0; i < tm_jval_count(root); i++) {
      size_t cn;
      const char *craw = tm_jval_raw(tm_jval_at(root, i), &cn);
      json_error_t je;
      json_t *jv = json_loadb(craw, cn, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
      if (jv) { /* jansson refuses lone surrogates anywhere */
        char why[200] = "";
        if (!same_tree(parse_ok(j2, craw, cn), jv, why, sizeof why))
          fail_msg("%s child %zu: %s", label, i, why);
        json_decref(jv);
      }
    }
    free(exact);

    for (int mu = 0; mu < 4; mu++) {
      m.n = 0;
      sb_putn(&m, b.p, b.n);
      for (uint32_t times = 1 + rnd_below(&r, 2); times > 0; times--)
        mutate(&r, &m);
      snprintf(label, sizeof label, "random document %d mutant %d", k, mu);
      exact = malloc(m.n ? m.n : 1);
      memcpy(exact, m.p, m.n);
      cross_check(j, exact, m.n, label, &tm);
      free(exact);
    }
  }
  /* the generator makes mostly good documents, the mutants mostly bad ones;
   * lone surrogates are never generated, so only jansson's refusals differ */
  assert_true(t.both_ok > 2500);
  assert_int_equal(t.jansson_only, 0);
  assert_true(tm.both_bad > 5000 && tm.both_ok > 500 && tm.we_only > 0);
  print_message("# random: %zu both ok, %zu both bad, %zu only we accept; mutants: %zu/%zu/%zu/%zu\n",
                t.both_ok, t.both_bad, t.we_only, tm.both_ok, tm.both_bad, tm.we_only, tm.jansson_only);
  free(b.p);
  free(m.p);
  tm_json_free(j);
  tm_json_free(j2);
}

/* Each documented difference once, proved by cross_check. */
static void test_json__known_differences_vs_jansson(void **state) {
  (void)state;
  tm_json *j = new_parser();
  static const struct {
    const char *doc;
    size_t len;
    int who; /* 0 both accept, 1 only we accept, 2 only jansson accepts, 3 both refuse */
  } cases[] = {
#define C(s, who) {s, sizeof(s) - 1, who}
      C("[\"\xff\"]", 1),          /* invalid UTF-8 passes through */
      C("{\"\xc3\x28\":1}", 1),    /* in a key too */
      C("\"\\ud800\"", 1),         /* a lone surrogate becomes U+FFFD */
      C("{\"a\\udc00\":0}", 1),    /* in a key too */
      C("{\"a\\u0000b\":1}", 1),   /* a NUL in a key */
      C("9223372036854775808", 1), /* beyond int64 */
      C("-9223372036854775809", 1),
      C("[1e309]", 1), /* beyond double: HUGE_VAL */
      C("9223372036854775807", 0),
      C("-9223372036854775808", 0),
      C("{\"a\":1,\"a\":2,\"b\":[]}", 0), /* duplicates: the last for jansson */
      C("[\"a\\u0000\"]", 0),             /* NUL in a value (JSON_ALLOW_NUL) */
      C("1\0", 2),                        /* jansson skips a NUL after a number */
      C("[-2.5e3\0, 4\0]", 2),
      C("[true\0, null\0]", 2), /* or a literal */
      C("false\0", 2),
      C("{\"a\":[1]}\0", 3), /* but not after anything else */
      C("[\"a\"\0]", 3),
      C("[1 \0]", 3),
#undef C
  };
  for (size_t i = 0; i < TM_ARRAY_LEN(cases); i++) {
    tally t = {0};
    cross_check(j, cases[i].doc, cases[i].len, cases[i].doc, &t);
    size_t got = t.both_ok ? 0 : t.we_only ? 1 : t.jansson_only ? 2 : 3;
    if ((int)got != cases[i].who) fail_msg("case %zu '%s': %zu, want %d", i, cases[i].doc, got, cases[i].who);
  }
  const tm_jval *v = PARSE(j, "{\"a\":1,\"a\":2}");
  assert_true(num(tm_jval_get(v, "a")) == 1);

  /* nesting between our limit (512) and jansson's (2048) */
  tally t = {0};
  sbuf b = {0};
  for (int depth = 500; depth <= 530; depth++) {
    b.n = 0;
    for (int i = 0; i < depth; i++)
      sb_putc(&b, '[');
    for (int i = 0; i < depth; i++)
      sb_putc(&b, ']');
    cross_check(j, b.p, b.n, "deep", &t);
  }
  assert_int_equal(t.both_ok, 13);
  assert_int_equal(t.jansson_only, 18);
  free(b.p);
  tm_json_free(j);
}

/* ------------------------------------------- real Segment-spec payloads */

static const char *shared_payloads(void) {
  static char dir[1024];
  const char *shared = getenv("TM_SHARED");
  snprintf(dir, sizeof dir, "%s/event_payloads", shared && *shared ? shared : "../shared/data");
  struct stat st;
  return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

/* Parses dir/name, and checks it against jansson too. Returns the root. */
static const tm_jval *parse_payload(tm_json *j, const char *dir, const char *name, char **text) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t len;
  *text = slurp(path, &len);
  if (!*text) fail_msg("cannot read %s", path);
  tally t = {0};
  cross_check(j, *text, len, path, &t);
  assert_int_equal(t.both_ok, 1);
  return parse_ok(j, *text, len);
}

static void test_json__segment_payloads(void **state) {
  (void)state;
  const char *dir = shared_payloads();
  if (!dir) {
    /* Not cmocka's skip(): version 1.1.5 prints it as "not ok ... # SKIP",
     * which tests/run.sh counts as a failure. */
    print_message("# SKIP test_json__segment_payloads: ../shared/data/event_payloads not found "
                  "(a clone without ../shared; set TM_SHARED to its data folder)\n");
    return;
  }
  tm_json *j = new_parser();
  char *text;
  char sub[1100];

  snprintf(sub, sizeof sub, "%s/segment_analytics_go_fixtures", dir);
  const tm_jval *v = parse_payload(j, sub, "test-context-track.json", &text);
  const tm_jval *ev = tm_jval_at(tm_jval_get(v, "batch"), 0);
  EXPECT_STR(tm_jval_path(ev, "context.whatever"), "here");
  EXPECT_STR(tm_jval_path(ev, "properties.application"), "Segment Desktop");
  EXPECT_STR(tm_jval_get(ev, "messageId"), "I'm unique");
  EXPECT_STR(tm_jval_path(v, "context.library.name"), "analytics-go");
  EXPECT_STR(tm_jval_get(v, "sentAt"), "2009-11-10T23:00:00Z");
  free(text);

  v = parse_payload(j, sub, "test-many-track.json", &text);
  const tm_jval *batch = tm_jval_get(v, "batch");
  assert_int_equal(tm_jval_count(batch), 3);
  for (size_t i = 0; i < 3; i++) {
    assert_true(num(tm_jval_path(tm_jval_at(batch, i), "properties.version")) == (double)i);
    EXPECT_STR(tm_jval_get(tm_jval_at(batch, i), "type"), "track");
  }
  free(text);

  v = parse_payload(j, sub, "test-enqueue-identify.json", &text);
  ev = tm_jval_at(tm_jval_get(v, "batch"), 0);
  EXPECT_STR(tm_jval_get(ev, "type"), "identify");
  EXPECT_STR(tm_jval_get(ev, "userId"), "B");
  free(text);

  snprintf(sub, sizeof sub, "%s/rudderstack_rudder_server", dir);
  v = parse_payload(j, sub, "gateway_batch.json", &text);
  batch = tm_jval_get(v, "batch");
  assert_int_equal(tm_jval_count(batch), 12);
  ev = tm_jval_at(batch, 0);
  EXPECT_STR(tm_jval_get(ev, "event"), "Push___Received");
  EXPECT_STR(tm_jval_path(ev, "context.os.name"), "Android");
  EXPECT_STR(tm_jval_path(ev, "context.app.namespace"), "com.latoken.wallet");
  assert_true(num(tm_jval_path(ev, "context.screen.density")) == 2.75);
  assert_int_equal(tm_jval_type(tm_jval_path(ev, "context.device.adTrackingEnabled")), TM_JTRUE);
  for (size_t i = 0; i < 12; i++)
    EXPECT_STR(tm_jval_get(tm_jval_at(batch, i), "type"), "track");
  free(text);

  v = parse_payload(j, sub, "scripts_track.json", &text);
  EXPECT_STR(tm_jval_get(v, "event"), "Demo Track - New");
  assert_true(num(tm_jval_path(v, "properties.value")) == 5);
  assert_true(num(tm_jval_path(v, "context.screen.height")) == 1794);
  assert_int_equal(tm_jval_type(tm_jval_path(v, "integrations.All")), TM_JTRUE);
  expect_raw(tm_jval_path(v, "integrations"), "{\n    \"All\": true\n  }");
  free(text);

  /* and every payload file parses, agreeing with jansson */
  size_t files = 0;
  static const char *const subs[] = {"segment_analytics_go_fixtures", "rudderstack_rudder_server"};
  for (size_t s = 0; s < 2; s++) {
    snprintf(sub, sizeof sub, "%s/%s", dir, subs[s]);
    DIR *d = opendir(sub);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      size_t n = strlen(e->d_name);
      if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
      v = parse_payload(j, sub, e->d_name, &text);
      assert_true(tm_jval_type(v) == TM_JOBJ);
      files++;
      free(text);
    }
    closedir(d);
  }
  assert_true(files >= 17);
  tm_json_free(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json__every_type),
      cmocka_unit_test(test_json__null_accessors),
      cmocka_unit_test(test_json__objects_and_paths),
      cmocka_unit_test(test_json__escapes),
      cmocka_unit_test(test_json__raw_text),
      cmocka_unit_test(test_json__numbers),
      cmocka_unit_test(test_json__errors),
      cmocka_unit_test(test_json__depth_limit),
      cmocka_unit_test(test_json__size_limit),
      cmocka_unit_test(test_json__reuse_one_parser),
      cmocka_unit_test(test_json__alloc_failures),
      cmocka_unit_test(test_json__hostile_corpus_vs_jansson),
      cmocka_unit_test(test_json__random_vs_jansson),
      cmocka_unit_test(test_json__known_differences_vs_jansson),
      cmocka_unit_test(test_json__segment_payloads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
