/*
 * test_io.c — byte reader (plain, gzip, zstd), CSV records, JSON splitting and
 * UTF-8 validation (src/io), plus the hostile corpus in tests/data/hostile/.
 */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/timeparse.h"
#include "io/io.h"

/* ---------------------------------------------------------------- helpers */

typedef struct {
  tm_reader *r;
  tm_csv *c;
} csvh;

static csvh csv_mem(const void *data, size_t len, char delim) {
  csvh h = {0};
  tm_error err = {0};
  assert_int_equal(tm_reader_open_mem(&h.r, data, len, &err), 0);
  assert_int_equal(tm_csv_open(&h.c, h.r, delim, &err), 0);
  return h;
}
#define CSV_STR(s, delim) csv_mem(s, sizeof(s) - 1, delim)

static void csv_done(csvh h) {
  tm_csv_close(h.c);
  tm_reader_close(h.r);
}

static void next_ok(csvh h, tm_csv_record *rec) {
  tm_error err = {0};
  int rc = tm_csv_next(h.c, rec, &err);
  if (rc != 1) fail_msg("tm_csv_next returned %d (%s)", rc, err.message);
}

static void next_end(csvh h) {
  tm_csv_record rec;
  tm_error err = {0};
  assert_int_equal(tm_csv_next(h.c, &rec, &err), 0);
}

/* Checks a good record: its line, raw bytes and fields (NULL-terminated list). */
static void expect_rec(csvh h, uint64_t line, const char *raw, ...) {
  tm_csv_record rec;
  next_ok(h, &rec);
  assert_null(rec.malformed);
  assert_int_equal(rec.line, line);
  assert_int_equal(rec.raw_len, strlen(raw));
  assert_memory_equal(rec.raw, raw, rec.raw_len);
  va_list ap;
  va_start(ap, raw);
  size_t i = 0;
  const char *want;
  while ((want = va_arg(ap, const char *)) != NULL) {
    assert_true(i < rec.nfields);
    assert_int_equal(rec.len[i], strlen(want));
    assert_string_equal(rec.field[i], want);
    i++;
  }
  va_end(ap);
  assert_int_equal(rec.nfields, i);
}

static size_t count_csv(const void *data, size_t len, size_t *malformed) {
  csvh h = csv_mem(data, len, 0);
  tm_csv_record rec;
  tm_error err = {0};
  size_t n = 0, bad = 0;
  int rc;
  while ((rc = tm_csv_next(h.c, &rec, &err)) == 1) {
    n++;
    bad += rec.malformed != NULL;
  }
  assert_int_equal(rc, 0);
  csv_done(h);
  if (malformed) *malformed = bad;
  return n;
}

/* gzip (not zlib) framing in memory: compress2 writes the zlib wrapper,
 * deflateInit2 with windowBits 15 + 16 writes gzip. */
static unsigned char *gzip_mem(const void *src, size_t n, size_t *out_len) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  size_t cap = deflateBound(&zs, (uLong)n) + 64;
  unsigned char *dst = malloc(cap);
  assert_non_null(dst);
  zs.next_in = (Bytef *)src;
  zs.avail_in = (uInt)n;
  zs.next_out = dst;
  zs.avail_out = (uInt)cap;
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  *out_len = zs.total_out;
  deflateEnd(&zs);
  return dst;
}

static unsigned char *zstd_mem(const void *src, size_t n, size_t *out_len) {
  size_t cap = ZSTD_compressBound(n);
  unsigned char *dst = malloc(cap);
  assert_non_null(dst);
  size_t k = ZSTD_compress(dst, cap, src, n, 3);
  assert_false(ZSTD_isError(k));
  *out_len = k;
  return dst;
}

/* Reads everything from a reader in small odd-sized pieces. */
static int read_all(tm_reader *r, char **out, size_t *len, tm_error *err) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  assert_non_null(buf);
  for (;;) {
    if (cap - n < 4099) {
      cap *= 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    size_t got;
    int rc = tm_reader_read(r, buf + n, 4099, &got, err);
    if (rc) {
      free(buf);
      return rc;
    }
    if (got == 0) break;
    n += got;
  }
  *out = buf;
  *len = n;
  return 0;
}

/* A CSV with quoted fields, embedded line breaks of every kind, doubled
 * quotes and mixed line ends, big enough to cross many buffer refills. */
static char *make_tricky_csv(size_t rows, size_t *len) {
  size_t cap = rows * 96 + 64, n = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  n += (size_t)sprintf(s + n, "id,name,note,amount\n");
  for (size_t i = 0; i < rows; i++) {
    switch (i % 4) {
    case 0: n += (size_t)sprintf(s + n, "%zu,plain%zu,,%zu.5\n", i, i, i); break;
    case 1: n += (size_t)sprintf(s + n, "%zu,\"quo\"\"ted\",\"two\nlines\",%zu\r\n", i, i); break;
    case 2: n += (size_t)sprintf(s + n, "%zu,\"a,b\",\"cr\r\nlf\",%zu\r", i, i); break;
    default: n += (size_t)sprintf(s + n, "%zu,x,\"\",%zu\n\n", i, i); break;
    }
  }
  *len = n;
  return s;
}

/* Checks make_tricky_csv's records, exactly, including physical lines. */
static void check_tricky_csv(csvh h, size_t rows) {
  expect_rec(h, 1, "id,name,note,amount", "id", "name", "note", "amount", NULL);
  uint64_t line = 2;
  char a[64], b[64], c[64], raw[128];
  for (size_t i = 0; i < rows; i++) {
    tm_csv_record rec;
    next_ok(h, &rec);
    assert_null(rec.malformed);
    if (rec.line != line)
      fail_msg("row %zu: line %llu, want %llu", i, (unsigned long long)rec.line, (unsigned long long)line);
    assert_int_equal(rec.nfields, 4);
    sprintf(a, "%zu", i);
    assert_string_equal(rec.field[0], a);
    switch (i % 4) {
    case 0:
      sprintf(b, "plain%zu", i);
      sprintf(c, "%zu.5", i);
      assert_string_equal(rec.field[1], b);
      assert_string_equal(rec.field[2], "");
      assert_string_equal(rec.field[3], c);
      sprintf(raw, "%zu,plain%zu,,%zu.5", i, i, i);
      line += 1;
      break;
    case 1:
      assert_string_equal(rec.field[1], "quo\"ted");
      assert_string_equal(rec.field[2], "two\nlines");
      sprintf(raw, "%zu,\"quo\"\"ted\",\"two\nlines\",%zu", i, i);
      line += 2;
      break;
    case 2:
      assert_string_equal(rec.field[1], "a,b");
      assert_string_equal(rec.field[2], "cr\r\nlf");
      sprintf(raw, "%zu,\"a,b\",\"cr\r\nlf\",%zu", i, i);
      line += 2;
      break;
    default:
      assert_string_equal(rec.field[1], "x");
      assert_string_equal(rec.field[2], "");
      assert_int_equal(rec.len[2], 0);
      sprintf(raw, "%zu,x,\"\",%zu", i, i);
      line += 2; /* the record and a blank line */
      break;
    }
    assert_int_equal(rec.raw_len, strlen(raw));
    assert_memory_equal(rec.raw, raw, rec.raw_len);
  }
  next_end(h);
}

/* ------------------------------------------------------------------ CSV */

static void test_csv__basic(void **state) {
  csvh h = CSV_STR("a,b,c\n1,2,3\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), ',');
  expect_rec(h, 1, "a,b,c", "a", "b", "c", NULL);
  expect_rec(h, 2, "1,2,3", "1", "2", "3", NULL);
  next_end(h);
  next_end(h); /* stays at the end */
  csv_done(h);
}

static void test_csv__quoted_newline(void **state) {
  csvh h = CSV_STR("id,note\n1,\"hello\nworld\"\n2,x\n", 0);
  expect_rec(h, 1, "id,note", "id", "note", NULL);
  expect_rec(h, 2, "1,\"hello\nworld\"", "1", "hello\nworld", NULL);
  expect_rec(h, 4, "2,x", "2", "x", NULL);
  next_end(h);
  csv_done(h);
}

static void test_csv__doubled_quotes(void **state) {
  csvh h = CSV_STR("\"a \"\"quoted\"\" word\",b\n\"\"\"\",\"\"\n", 0);
  expect_rec(h, 1, "\"a \"\"quoted\"\" word\",b", "a \"quoted\" word", "b", NULL);
  expect_rec(h, 2, "\"\"\"\",\"\"", "\"", "", NULL);
  next_end(h);
  csv_done(h);
}

static void test_csv__crlf(void **state) {
  csvh h = CSV_STR("a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5", 0);
  expect_rec(h, 1, "a,b", "a", "b", NULL);
  expect_rec(h, 2, "1,2", "1", "2", NULL);
  expect_rec(h, 4, "3,\"x\r\ny\"", "3", "x\r\ny", NULL);
  expect_rec(h, 6, "4,5", "4", "5", NULL);
  next_end(h);
  csv_done(h);
}

static void test_csv__cr_only(void **state) {
  csvh h = CSV_STR("a,b\r1,2\r\r3,\"p\rq\"\r4,5\r", 0);
  expect_rec(h, 1, "a,b", "a", "b", NULL);
  expect_rec(h, 2, "1,2", "1", "2", NULL);
  expect_rec(h, 4, "3,\"p\rq\"", "3", "p\rq", NULL);
  expect_rec(h, 6, "4,5", "4", "5", NULL);
  next_end(h);
  csv_done(h);
}

static void test_csv__bom(void **state) {
  csvh h = CSV_STR("\xEF\xBB\xBFid;name\n1;x\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), ';');
  expect_rec(h, 1, "id;name", "id", "name", NULL);
  expect_rec(h, 2, "1;x", "1", "x", NULL);
  next_end(h);
  csv_done(h);
  /* a BOM alone is an empty file */
  h = CSV_STR("\xEF\xBB\xBF", 0);
  next_end(h);
  csv_done(h);
}

static void test_csv__detect_delimiter(void **state) {
  csvh h = CSV_STR("a;b;c\n1;2,5;3\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), ';');
  expect_rec(h, 1, "a;b;c", "a", "b", "c", NULL);
  expect_rec(h, 2, "1;2,5;3", "1", "2,5", "3", NULL);
  csv_done(h);

  h = CSV_STR("a\tb, c\tc\n1\t2\t3\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), '\t');
  expect_rec(h, 1, "a\tb, c\tc", "a", "b, c", "c", NULL);
  csv_done(h);

  h = CSV_STR("a|b|c\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), '|');
  csv_done(h);

  /* separators inside quotes do not count; leading blank lines are skipped */
  h = CSV_STR("\n\n\"a,b,c,d\";\"e\"\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), ';');
  expect_rec(h, 3, "\"a,b,c,d\";\"e\"", "a,b,c,d", "e", NULL);
  csv_done(h);

  /* nothing to count: comma */
  h = CSV_STR("single\n", 0);
  assert_int_equal(tm_csv_delimiter(h.c), ',');
  csv_done(h);

  /* an explicit delimiter is used as given */
  h = CSV_STR("a,b;c\n", ';');
  assert_int_equal(tm_csv_delimiter(h.c), ';');
  expect_rec(h, 1, "a,b;c", "a,b", "c", NULL);
  csv_done(h);

  tm_reader *r;
  tm_csv *c = (tm_csv *)1;
  tm_error err = {0};
  assert_int_equal(tm_reader_open_mem(&r, "a", 1, &err), 0);
  assert_int_equal(tm_csv_open(&c, r, '"', &err), TM_EINVAL);
  assert_null(c);
  tm_reader_close(r);
}

static void test_csv__wrong_field_counts_survive(void **state) {
  csvh h = CSV_STR("a,b,c\n1,2\n1,2,3,4\n,\n", 0);
  expect_rec(h, 1, "a,b,c", "a", "b", "c", NULL);
  expect_rec(h, 2, "1,2", "1", "2", NULL);
  expect_rec(h, 3, "1,2,3,4", "1", "2", "3", "4", NULL);
  expect_rec(h, 4, ",", "", "", NULL);
  next_end(h);
  csv_done(h);
}

static void test_csv__blank_lines_and_no_final_newline(void **state) {
  csvh h = CSV_STR("\n\na\n\n\r\n\rb,\n\n", 0);
  expect_rec(h, 3, "a", "a", NULL);
  expect_rec(h, 7, "b,", "b", "", NULL);
  next_end(h);
  csv_done(h);
  h = CSV_STR("x,y", 0);
  expect_rec(h, 1, "x,y", "x", "y", NULL);
  next_end(h);
  csv_done(h);
  h = CSV_STR("", 0);
  next_end(h);
  csv_done(h);
}

static void test_csv__quote_not_at_field_start_is_data(void **state) {
  csvh h = CSV_STR("x, \"y\" ,ab\"c\n\"ab\"cd,\"q\"\"\"tail\n", ',');
  expect_rec(h, 1, "x, \"y\" ,ab\"c", "x", " \"y\" ", "ab\"c", NULL);
  expect_rec(h, 2, "\"ab\"cd,\"q\"\"\"tail", "abcd", "q\"tail", NULL);
  next_end(h);
  csv_done(h);
}

static void test_csv__nul_bytes(void **state) {
  static const char data[] = "a\0b,c\n\0,\"\0\"\n";
  csvh h = csv_mem(data, sizeof data - 1, ',');
  tm_csv_record rec;
  next_ok(h, &rec);
  assert_null(rec.malformed);
  assert_int_equal(rec.nfields, 2);
  assert_int_equal(rec.len[0], 3);
  assert_memory_equal(rec.field[0], "a\0b", 4); /* the NUL terminator too */
  assert_string_equal(rec.field[1], "c");
  assert_int_equal(rec.raw_len, 5);
  next_ok(h, &rec);
  assert_int_equal(rec.line, 2);
  assert_int_equal(rec.nfields, 2);
  assert_int_equal(rec.len[0], 1);
  assert_int_equal(rec.len[1], 1);
  assert_int_equal(rec.field[1][0], 0);
  assert_int_equal(rec.raw_len, 5);
  assert_memory_equal(rec.raw, "\0,\"\0\"", 5);
  next_end(h);
  csv_done(h);
}

static void test_csv__unterminated_quote_at_eof(void **state) {
  csvh h = CSV_STR("a,b\n1,\"open\nmore\n", 0);
  expect_rec(h, 1, "a,b", "a", "b", NULL);
  tm_csv_record rec;
  next_ok(h, &rec);
  assert_non_null(rec.malformed);
  assert_string_equal(rec.malformed, "unterminated quoted field");
  assert_int_equal(rec.line, 2);
  assert_int_equal(rec.nfields, 0);
  assert_int_equal(rec.raw_len, strlen("1,\"open\nmore\n"));
  assert_memory_equal(rec.raw, "1,\"open\nmore\n", rec.raw_len);
  next_end(h);
  csv_done(h);
}

static void test_csv__overlong_record_then_next_reads(void **state) {
  /* (a) a complete record just over the limit */
  size_t big = TM_CSV_MAX_RECORD + 10;
  size_t len = 4 + big + 2 + 4;
  char *s = malloc(len + 1);
  assert_non_null(s);
  memcpy(s, "a,b\n", 4);
  memset(s + 4, 'x', big);
  memcpy(s + 4 + big, ",y\nc,d\n", 7);
  len = 4 + big + 7;
  csvh h = csv_mem(s, len, 0);
  expect_rec(h, 1, "a,b", "a", "b", NULL);
  tm_csv_record rec;
  next_ok(h, &rec);
  assert_string_equal(rec.malformed, "record longer than 1048576 bytes");
  assert_int_equal(rec.line, 2);
  assert_int_equal(rec.nfields, 0);
  assert_int_equal(rec.raw_len, TM_CSV_MAX_RECORD);
  assert_ptr_equal(memchr(rec.raw, 'y', rec.raw_len), NULL);
  expect_rec(h, 3, "c,d", "c", "d", NULL);
  next_end(h);
  csv_done(h);
  free(s);

  /* (b) a record three times the limit: cut, skipped to its line end */
  big = 3 * (size_t)TM_CSV_MAX_RECORD;
  s = malloc(big + 16);
  assert_non_null(s);
  memcpy(s, "a\n", 2);
  memset(s + 2, 'x', big);
  memcpy(s + 2 + big, "\r\nb\n", 4);
  h = csv_mem(s, big + 6, 0);
  expect_rec(h, 1, "a", "a", NULL);
  next_ok(h, &rec);
  assert_string_equal(rec.malformed, "record longer than 1048576 bytes");
  assert_int_equal(rec.line, 2);
  assert_int_equal(rec.raw_len, TM_CSV_MAX_RECORD);
  expect_rec(h, 3, "b", "b", NULL);
  next_end(h);
  csv_done(h);
  free(s);

  /* (c) a runaway quote: the cut lands mid-line; reading resumes at the next
   * physical line end and line numbers stay exact. Record 2 starts with '"',
   * then N lines "line"; the k-th LF sits at raw offset 5k + 5, so 209715 of
   * them fall inside the first 1048576 bytes, the cut is inside line 209717,
   * and the first record after it is line 209718. */
  size_t n = 300000;
  s = malloc(2 + 1 + 5 * n);
  assert_non_null(s);
  memcpy(s, "h\n\"", 3);
  for (size_t k = 0; k < n; k++)
    memcpy(s + 3 + 5 * k, "line\n", 5);
  h = csv_mem(s, 3 + 5 * n, 0);
  expect_rec(h, 1, "h", "h", NULL);
  next_ok(h, &rec);
  assert_string_equal(rec.malformed, "record longer than 1048576 bytes");
  assert_int_equal(rec.line, 2);
  assert_int_equal(rec.raw_len, TM_CSV_MAX_RECORD);
  assert_int_equal(rec.raw[0], '"');
  uint64_t want = 209718;
  size_t after = 0;
  while (tm_csv_next(h.c, &rec, NULL) == 1) {
    assert_null(rec.malformed);
    assert_int_equal(rec.line, want);
    assert_string_equal(rec.field[0], "line");
    want++;
    after++;
  }
  assert_int_equal(after, n - 209716);
  csv_done(h);
  free(s);
}

static void test_csv__too_many_fields(void **state) {
  size_t nsep = TM_CSV_MAX_FIELDS; /* one field too many */
  char *s = malloc(nsep + 16);
  assert_non_null(s);
  memset(s, ',', nsep);
  memcpy(s + nsep, "\nok\n", 4);
  csvh h = csv_mem(s, nsep + 4, ',');
  tm_csv_record rec;
  next_ok(h, &rec);
  assert_string_equal(rec.malformed, "record with more than 4096 fields");
  assert_int_equal(rec.nfields, 0);
  assert_int_equal(rec.raw_len, nsep);
  expect_rec(h, 2, "ok", "ok", NULL);
  next_end(h);
  csv_done(h);
  /* exactly the maximum is fine */
  h = csv_mem(s + 1, nsep + 3, ',');
  next_ok(h, &rec);
  assert_null(rec.malformed);
  assert_int_equal(rec.nfields, TM_CSV_MAX_FIELDS);
  csv_done(h);
  free(s);
}

static void test_csv__many_refills_exact(void **state) {
  size_t len, rows = 100000;
  char *s = make_tricky_csv(rows, &len);
  assert_true(len > 8 * (256u << 10)); /* several buffer refills */
  csvh h = csv_mem(s, len, 0);
  check_tricky_csv(h, rows);
  csv_done(h);
  free(s);
}

/* --------------------------------------------------------------- reader */

static void test_reader__plain_file_and_errors(void **state) {
  char path[] = "/tmp/tm_test_io_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  size_t len, rows = 5000;
  char *s = make_tricky_csv(rows, &len);
  assert_int_equal(write(fd, s, len), (ssize_t)len);
  close(fd);

  tm_reader *r;
  tm_csv *c;
  tm_error err = {0};
  assert_int_equal(tm_reader_open(&r, path, &err), 0);
  assert_int_equal(tm_reader_size(r), len);
  assert_int_equal(tm_csv_open(&c, r, 0, &err), 0);
  check_tricky_csv((csvh){r, c}, rows);
  assert_int_equal(tm_reader_offset(r), len);
  tm_csv_close(c);
  tm_reader_close(r);
  unlink(path);
  free(s);

  r = (tm_reader *)1;
  assert_int_equal(tm_reader_open(&r, "/nonexistent/dir/x.csv", &err), TM_EIO);
  assert_null(r);
  assert_int_equal(err.code, TM_EIO);
  assert_non_null(strstr(err.message, "/nonexistent/dir/x.csv"));
  assert_int_equal(tm_reader_open(&r, "/tmp", &err), TM_EIO);
  assert_non_null(strstr(err.message, "/tmp"));
}

static void test_reader__stdin_dash(void **state) {
  /* "-" reads file descriptor 0, which is not closed afterwards */
  char path[] = "/tmp/tm_test_io_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  size_t zlen;
  unsigned char *z = gzip_mem("a;b\n1;2\n", 8, &zlen);
  assert_int_equal(write(fd, z, zlen), (ssize_t)zlen);
  free(z);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  int saved = dup(0);
  assert_true(saved >= 0);
  assert_int_equal(dup2(fd, 0), 0);
  close(fd);
  tm_reader *r;
  tm_csv *c;
  tm_error err = {0};
  assert_int_equal(tm_reader_open(&r, "-", &err), 0);
  assert_int_equal(tm_csv_open(&c, r, 0, &err), 0);
  csvh h = {r, c};
  expect_rec(h, 1, "a;b", "a", "b", NULL);
  expect_rec(h, 2, "1;2", "1", "2", NULL);
  next_end(h);
  csv_done(h);
  assert_int_not_equal(fcntl(0, F_GETFD), -1); /* still open */
  assert_int_equal(dup2(saved, 0), 0);
  close(saved);
  unlink(path);
}

static void test_reader__gzip_round_trip(void **state) {
  size_t len, zlen, rows = 20000;
  char *s = make_tricky_csv(rows, &len);
  unsigned char *z = gzip_mem(s, len, &zlen);
  assert_true(zlen < len);

  /* raw bytes back, exactly */
  tm_reader *r;
  tm_error err = {0};
  assert_int_equal(tm_reader_open_mem(&r, z, zlen, &err), 0);
  assert_int_equal(tm_reader_size(r), zlen);
  char *back;
  size_t blen;
  assert_int_equal(read_all(r, &back, &blen, &err), 0);
  assert_int_equal(blen, len);
  assert_memory_equal(back, s, len);
  assert_int_equal(tm_reader_offset(r), zlen);
  free(back);
  tm_reader_close(r);

  /* and the same records as plain reading */
  csvh h = csv_mem(z, zlen, 0);
  check_tricky_csv(h, rows);
  csv_done(h);

  /* through a file written with gzopen/gzwrite */
  char path[] = "/tmp/tm_test_io_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  gzFile gz = gzopen(path, "wb");
  assert_non_null(gz);
  assert_int_equal(gzwrite(gz, s, (unsigned)len), (int)len);
  assert_int_equal(gzclose(gz), Z_OK);
  assert_int_equal(tm_reader_open(&r, path, &err), 0);
  tm_csv *c;
  assert_int_equal(tm_csv_open(&c, r, 0, &err), 0);
  check_tricky_csv((csvh){r, c}, rows);
  tm_csv_close(c);
  tm_reader_close(r);
  unlink(path);
  free(z);
  free(s);
}

static void test_reader__gzip_multi_member(void **state) {
  const char *a = "id,v\n1,a\n", *b = "2,b\n3,c\n";
  size_t la, lb;
  unsigned char *za = gzip_mem(a, strlen(a), &la), *zb = gzip_mem(b, strlen(b), &lb);
  unsigned char *cat = malloc(la + lb);
  assert_non_null(cat);
  memcpy(cat, za, la);
  memcpy(cat + la, zb, lb);
  csvh h = csv_mem(cat, la + lb, 0);
  expect_rec(h, 1, "id,v", "id", "v", NULL);
  expect_rec(h, 2, "1,a", "1", "a", NULL);
  expect_rec(h, 3, "2,b", "2", "b", NULL);
  expect_rec(h, 4, "3,c", "3", "c", NULL);
  next_end(h);
  csv_done(h);
  free(za);
  free(zb);
  free(cat);
}

static void test_reader__zstd_round_trip(void **state) {
  size_t len, zlen, rows = 20000;
  char *s = make_tricky_csv(rows, &len);
  unsigned char *z = zstd_mem(s, len, &zlen);
  tm_reader *r;
  tm_error err = {0};
  assert_int_equal(tm_reader_open_mem(&r, z, zlen, &err), 0);
  char *back;
  size_t blen;
  assert_int_equal(read_all(r, &back, &blen, &err), 0);
  assert_int_equal(blen, len);
  assert_memory_equal(back, s, len);
  assert_int_equal(tm_reader_offset(r), zlen);
  free(back);
  tm_reader_close(r);

  csvh h = csv_mem(z, zlen, 0);
  check_tricky_csv(h, rows);
  csv_done(h);

  /* two frames back to back read as one stream */
  size_t l1, l2;
  unsigned char *f1 = zstd_mem("a,b\n", 4, &l1), *f2 = zstd_mem("c,d\n", 4, &l2);
  unsigned char *cat = malloc(l1 + l2);
  assert_non_null(cat);
  memcpy(cat, f1, l1);
  memcpy(cat + l1, f2, l2);
  h = csv_mem(cat, l1 + l2, 0);
  expect_rec(h, 1, "a,b", "a", "b", NULL);
  expect_rec(h, 2, "c,d", "c", "d", NULL);
  next_end(h);
  csv_done(h);
  free(f1);
  free(f2);
  free(cat);
  free(z);
  free(s);
}

static void test_reader__corrupt_compressed_is_eio(void **state) {
  size_t len, zlen, rows = 2000;
  char *s = make_tricky_csv(rows, &len);
  tm_reader *r;
  tm_error err = {0};
  char *back;
  size_t blen;

  /* gzip with its middle overwritten */
  unsigned char *z = gzip_mem(s, len, &zlen);
  memset(z + zlen / 2, 0xA5, 64);
  assert_int_equal(tm_reader_open_mem(&r, z, zlen, &err), 0);
  assert_int_equal(read_all(r, &back, &blen, &err), TM_EIO);
  assert_int_equal(err.code, TM_EIO);
  assert_non_null(strstr(err.message, "<memory>"));
  assert_non_null(strstr(err.message, "gzip"));
  tm_reader_close(r);
  free(z);

  /* truncated gzip: also through tm_csv_next */
  z = gzip_mem(s, len, &zlen);
  assert_int_equal(tm_reader_open_mem(&r, z, zlen - 10, &err), 0);
  tm_csv *c;
  assert_int_equal(tm_csv_open(&c, r, 0, &err), 0);
  tm_csv_record rec;
  int rc;
  while ((rc = tm_csv_next(c, &rec, &err)) == 1) {
  }
  assert_int_equal(rc, TM_EIO);
  assert_non_null(strstr(err.message, "truncated gzip"));
  tm_csv_close(c);
  tm_reader_close(r);
  free(z);

  /* a gzip header and nothing sensible after it */
  static const unsigned char junk[] = {0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe,
                                       0xef, 0x00, 0x03, 0xff, 0xff, 0xff};
  assert_int_equal(tm_reader_open_mem(&r, junk, sizeof junk, &err), 0);
  assert_int_equal(read_all(r, &back, &blen, &err), TM_EIO);
  tm_reader_close(r);

  /* zstd: truncated, then corrupted */
  z = zstd_mem(s, len, &zlen);
  assert_int_equal(tm_reader_open_mem(&r, z, zlen - 7, &err), 0);
  assert_int_equal(read_all(r, &back, &blen, &err), TM_EIO);
  assert_non_null(strstr(err.message, "zstd"));
  tm_reader_close(r);
  memset(z + 20, 0x5A, 32);
  assert_int_equal(tm_reader_open_mem(&r, z, zlen, &err), 0);
  assert_int_equal(read_all(r, &back, &blen, &err), TM_EIO);
  assert_non_null(strstr(err.message, "<memory>"));
  tm_reader_close(r);
  free(z);
  free(s);
}

static void test_reader__plain_short_and_empty(void **state) {
  tm_reader *r;
  tm_error err = {0};
  char *back;
  size_t blen;
  /* shorter than any magic */
  assert_int_equal(tm_reader_open_mem(&r, "\x1f", 1, &err), 0);
  assert_int_equal(read_all(r, &back, &blen, &err), 0);
  assert_int_equal(blen, 1);
  assert_int_equal(back[0], 0x1f);
  free(back);
  tm_reader_close(r);
  assert_int_equal(tm_reader_open_mem(&r, NULL, 0, &err), 0);
  assert_int_equal(read_all(r, &back, &blen, &err), 0);
  assert_int_equal(blen, 0);
  free(back);
  tm_reader_close(r);
  tm_reader_close(NULL);
  tm_csv_close(NULL);
  tm_jsonsplit_close(NULL);
}

static void test_io__alloc_failures(void **state) {
  static const char csv[] = "a,b\n1,\"x\ny\"\n";
  static const char json[] = "{\"a\":1}\n[2]\n";
  size_t zlen;
  unsigned char *z = gzip_mem(csv, sizeof csv - 1, &zlen);
  bool ok_csv = false, ok_gz = false, ok_json = false;
  for (long n = 0; n < 64; n++) {
    for (int which = 0; which < 3; which++) {
      tm_error err = {0};
      tm_reader *r = NULL;
      tm_debug_fail_alloc_after(n);
      const void *data = which == 0 ? (const void *)csv : which == 1 ? (const void *)z : (const void *)json;
      size_t len = which == 0 ? sizeof csv - 1 : which == 1 ? zlen : sizeof json - 1;
      int rc = tm_reader_open_mem(&r, data, len, &err);
      size_t got = 0;
      if (rc == 0 && which < 2) {
        tm_csv *c = NULL;
        rc = tm_csv_open(&c, r, 0, &err);
        if (rc == 0) {
          tm_csv_record rec;
          while ((rc = tm_csv_next(c, &rec, &err)) == 1)
            got++;
          tm_csv_close(c);
        }
      } else if (rc == 0) {
        tm_jsonsplit *s = NULL;
        rc = tm_jsonsplit_open(&s, r, &err);
        if (rc == 0) {
          tm_json_text v;
          while ((rc = tm_jsonsplit_next(s, &v, &err)) == 1)
            got++;
          tm_jsonsplit_close(s);
        }
      }
      tm_reader_close(r);
      tm_debug_fail_alloc_after(-1);
      if (rc != 0 && rc != TM_ENOMEM) fail_msg("n=%ld which=%d: rc %d (%s)", n, which, rc, err.message);
      if (rc == TM_ENOMEM) assert_int_equal(err.code, TM_ENOMEM);
      if (rc == 0) {
        assert_int_equal(got, 2);
        if (which == 0) ok_csv = true;
        if (which == 1) ok_gz = true;
        if (which == 2) ok_json = true;
      }
    }
  }
  assert_true(ok_csv && ok_gz && ok_json);
  free(z);
}

/* ------------------------------------------------------------- jsonsplit */

typedef struct {
  tm_reader *r;
  tm_jsonsplit *s;
} jsh;

static jsh js_mem(const void *data, size_t len) {
  jsh h = {0};
  tm_error err = {0};
  assert_int_equal(tm_reader_open_mem(&h.r, data, len, &err), 0);
  assert_int_equal(tm_jsonsplit_open(&h.s, h.r, &err), 0);
  return h;
}
#define JS_STR(s) js_mem(s, sizeof(s) - 1)

static void js_done(jsh h) {
  tm_jsonsplit_close(h.s);
  tm_reader_close(h.r);
}

/* Expects the next value: text, line and malformed reason (NULL = good). */
static void expect_js(jsh h, uint64_t line, const char *text, const char *why) {
  tm_json_text v;
  tm_error err = {0};
  int rc = tm_jsonsplit_next(h.s, &v, &err);
  if (rc != 1) fail_msg("tm_jsonsplit_next returned %d (%s), want \"%s\"", rc, err.message, text);
  if (v.len != strlen(text) || memcmp(v.text, text, v.len) != 0)
    fail_msg("got \"%.*s\", want \"%s\"", (int)v.len, v.text, text);
  assert_int_equal(v.text[v.len], '\0');
  assert_int_equal(v.line, line);
  if (why) {
    assert_non_null(v.malformed);
    assert_string_equal(v.malformed, why);
  } else if (v.malformed) {
    fail_msg("\"%s\" reported malformed: %s", text, v.malformed);
  }
}

static void js_end(jsh h) {
  tm_json_text v;
  tm_error err = {0};
  assert_int_equal(tm_jsonsplit_next(h.s, &v, &err), 0);
}

static void test_jsonsplit__jsonl(void **state) {
  jsh h = JS_STR("{\"a\":1}\n{\"b\":2}\n\n{\"c\":[1,2]}\n[true,null]");
  expect_js(h, 1, "{\"a\":1}", NULL);
  expect_js(h, 2, "{\"b\":2}", NULL);
  expect_js(h, 4, "{\"c\":[1,2]}", NULL);
  expect_js(h, 5, "[true,null]", NULL);
  js_end(h);
  js_end(h);
  js_done(h);
}

static void test_jsonsplit__pretty_batch(void **state) {
  const char *doc = "{\n"
                    "  \"batch\": [\n"
                    "    {\"type\": \"track\", \"text\": \"brace } inside { string [\",\n"
                    "     \"q\": \"say \\\"hi\\\" ]\"},\n"
                    "    {\"x\": \"\\\\\", \"y\": \"\\\\\\\"}\"}\n"
                    "  ]\n"
                    "}";
  char *all = malloc(strlen(doc) + 64);
  assert_non_null(all);
  sprintf(all, "%s\n{\"next\": 1}\n", doc);
  jsh h = js_mem(all, strlen(all));
  expect_js(h, 1, doc, NULL);
  expect_js(h, 8, "{\"next\": 1}", NULL);
  js_end(h);
  js_done(h);
  free(all);
}

static void test_jsonsplit__several_per_line(void **state) {
  jsh h = JS_STR("{\"a\":1} {\"b\":2}[3,4]{}\n  [ ]  \n");
  expect_js(h, 1, "{\"a\":1}", NULL);
  expect_js(h, 1, "{\"b\":2}", NULL);
  expect_js(h, 1, "[3,4]", NULL);
  expect_js(h, 1, "{}", NULL);
  expect_js(h, 2, "[ ]", NULL);
  js_end(h);
  js_done(h);
  /* commas between top-level values are skipped */
  h = JS_STR("{\"a\":1},\n{\"b\":2},\n");
  expect_js(h, 1, "{\"a\":1}", NULL);
  expect_js(h, 2, "{\"b\":2}", NULL);
  js_end(h);
  js_done(h);
}

static void test_jsonsplit__garbage_lines(void **state) {
  jsh h = JS_STR("{\"a\":1}\nhello world\n42\r\n\"str\"\n{\"b\":2} trailing junk\n{\"c\":3}\n");
  expect_js(h, 1, "{\"a\":1}", NULL);
  expect_js(h, 2, "hello world", "stray text");
  expect_js(h, 3, "42", "stray text");
  expect_js(h, 4, "\"str\"", "stray text");
  expect_js(h, 5, "{\"b\":2}", NULL);
  expect_js(h, 5, "trailing junk", "stray text");
  expect_js(h, 6, "{\"c\":3}", NULL);
  js_end(h);
  js_done(h);
}

static void test_jsonsplit__unbalanced(void **state) {
  /* a cut-short line: the next line's '{' proves it broken */
  jsh h = JS_STR("{\"a\":1\n{\"b\":2}\n");
  expect_js(h, 1, "{\"a\":1", "unbalanced brackets");
  expect_js(h, 2, "{\"b\":2}", NULL);
  js_end(h);
  js_done(h);
  /* broken mid-line: the fragment runs to the line end */
  h = JS_STR("{\"a\":{\"x\":1} {\"b\":2}\n{\"c\":3}\n");
  expect_js(h, 1, "{\"a\":{\"x\":1} {\"b\":2}", "unbalanced brackets");
  expect_js(h, 2, "{\"c\":3}", NULL);
  js_end(h);
  js_done(h);
  /* a stray closing bracket */
  h = JS_STR("}\n]]\n{\"a\":1}");
  expect_js(h, 1, "}", "unbalanced brackets");
  expect_js(h, 2, "]]", "unbalanced brackets");
  expect_js(h, 3, "{\"a\":1}", NULL);
  js_end(h);
  js_done(h);
  /* input ending inside a value */
  h = JS_STR("[1]\n{\"a\":[1,2\n\n");
  expect_js(h, 1, "[1]", NULL);
  expect_js(h, 2, "{\"a\":[1,2", "unbalanced brackets");
  js_end(h);
  js_done(h);
  /* an unterminated string ends at the line feed */
  h = JS_STR("{\"a\":\"abc\n{\"b\":1}\n");
  expect_js(h, 1, "{\"a\":\"abc", "unterminated string");
  expect_js(h, 2, "{\"b\":1}", NULL);
  js_end(h);
  js_done(h);
  /* mismatched kinds are not the splitter's business: depth only */
  h = JS_STR("{\"a\":1]\n");
  expect_js(h, 1, "{\"a\":1]", NULL);
  js_end(h);
  js_done(h);
}

static void test_jsonsplit__crlf_and_bom(void **state) {
  jsh h = JS_STR("\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":\r\n 2}\r\n");
  expect_js(h, 1, "{\"a\":1}", NULL);
  expect_js(h, 2, "{\"b\":\r\n 2}", NULL);
  js_end(h);
  js_done(h);
  h = JS_STR("");
  js_end(h);
  js_done(h);
  h = JS_STR(" \n\t\r\n");
  js_end(h);
  js_done(h);
}

static void test_jsonsplit__deep_nesting(void **state) {
  size_t n = 100000;
  char *s = malloc(2 * n + 16);
  assert_non_null(s);
  memset(s, '[', n);
  jsh h = js_mem(s, n);
  tm_json_text v;
  assert_int_equal(tm_jsonsplit_next(h.s, &v, NULL), 1);
  assert_string_equal(v.malformed, "unbalanced brackets");
  assert_int_equal(v.len, n);
  js_end(h);
  js_done(h);
  memset(s + n, ']', n);
  memcpy(s + 2 * n, "\n[]\n", 4);
  h = js_mem(s, 2 * n + 4);
  assert_int_equal(tm_jsonsplit_next(h.s, &v, NULL), 1);
  assert_null(v.malformed);
  assert_int_equal(v.len, 2 * n);
  expect_js(h, 2, "[]", NULL);
  js_end(h);
  js_done(h);
  free(s);
}

static void test_jsonsplit__too_long_value(void **state) {
  size_t big = TM_JSON_MAX_VALUE;
  size_t len = 6 + big + 2 + 20;
  char *s = malloc(len);
  assert_non_null(s);
  memcpy(s, "{\"a\":\"", 6);
  memset(s + 6, 'x', big);
  size_t n = 6 + big;
  memcpy(s + n, "\"}\n{\"b\":1}\n", 11);
  n += 11;
  jsh h = js_mem(s, n);
  tm_json_text v;
  assert_int_equal(tm_jsonsplit_next(h.s, &v, NULL), 1);
  assert_string_equal(v.malformed, "value longer than 67108864 bytes");
  assert_int_equal(v.line, 1);
  assert_int_equal(v.len, TM_JSON_MAX_VALUE);
  assert_int_equal(v.text[v.len], '\0');
  expect_js(h, 2, "{\"b\":1}", NULL);
  js_end(h);
  js_done(h);
  free(s);
}

static void test_jsonsplit__many_refills_exact(void **state) {
  size_t rows = 30000, cap = rows * 80, n = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  for (size_t i = 0; i < rows; i++) {
    if (i % 3 == 0)
      n += (size_t)sprintf(s + n, "{\"i\":%zu,\"s\":\"a}\\\"b\"}\n", i);
    else if (i % 3 == 1)
      n += (size_t)sprintf(s + n, "[\n  %zu,\n  {\"k\": \"[\"}\n]\n", i);
    else
      n += (size_t)sprintf(s + n, "%zu\n", i); /* a stray scalar */
  }
  jsh h = js_mem(s, n);
  uint64_t line = 1;
  char want[128];
  for (size_t i = 0; i < rows; i++) {
    if (i % 3 == 0) {
      sprintf(want, "{\"i\":%zu,\"s\":\"a}\\\"b\"}", i);
      expect_js(h, line, want, NULL);
      line += 1;
    } else if (i % 3 == 1) {
      sprintf(want, "[\n  %zu,\n  {\"k\": \"[\"}\n]", i);
      expect_js(h, line, want, NULL);
      line += 4;
    } else {
      sprintf(want, "%zu", i);
      expect_js(h, line, want, "stray text");
      line += 1;
    }
  }
  js_end(h);
  js_done(h);
  free(s);
}

/* ------------------------------------------------------------------ UTF-8 */

static void test_utf8__valid(void **state) {
  static const char *const ok[] = {
      "",
      "hello",
      "caf\xC3\xA9",                              /* é */
      "\xE2\x82\xAC",                             /* € */
      "\xF0\x9D\x84\x9E",                         /* 𝄞 U+1D11E */
      "\xF4\x8F\xBF\xBF",                         /* U+10FFFF, the last code point */
      "\xED\x9F\xBF",                             /* U+D7FF, just below the surrogates */
      "\xEE\x80\x80",                             /* U+E000, just above them */
      "\xC2\x80",                                 /* U+0080, smallest two-byte */
      "\xE0\xA0\x80",                             /* U+0800, smallest three-byte */
      "\xF0\x90\x80\x80",                         /* U+10000, smallest four-byte */
      "0123456789abcdef\303\2510123456789abcdef", /* é between ASCII runs */
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (!tm_utf8_valid(ok[i], strlen(ok[i]))) fail_msg("vector %zu should be valid", i);
  assert_true(tm_utf8_valid("a\0b", 3)); /* NUL is a valid code point */
  /* a non-ASCII character at every offset around the 8-byte fast path */
  char buf[40];
  for (size_t off = 0; off < 24; off++) {
    memset(buf, 'a', sizeof buf);
    memcpy(buf + off, "\xE2\x82\xAC", 3);
    assert_true(tm_utf8_valid(buf, sizeof buf));
    buf[off + 2] = 'a'; /* cut the sequence short */
    assert_false(tm_utf8_valid(buf, sizeof buf));
  }
}

static void test_utf8__invalid(void **state) {
  static const char *const bad[] = {
      "\xC0\x80",         /* overlong NUL */
      "\xC1\xBF",         /* overlong */
      "\xE0\x80\x80",     /* overlong three-byte */
      "\xE0\x9F\xBF",     /* overlong U+07FF */
      "\xF0\x8F\xBF\xBF", /* overlong U+FFFF */
      "\xED\xA0\x80",     /* U+D800 surrogate */
      "\xED\xBF\xBF",     /* U+DFFF surrogate */
      "\xF4\x90\x80\x80", /* U+110000 */
      "\xF5\x80\x80\x80", /* lead byte past U+10FFFF */
      "\xFF",
      "\xFE",
      "\x80", /* lone continuation */
      "a\277b",
      "\xC3", /* truncated */
      "\xE2\x82",
      "\xF0\x9D\x84",
      "abc\xE2\x82",
      "\xC3\x28", /* bad continuation */
      "\xE2\x28\xA1",
      "\xE2\x82\x28",
      "\xF0\x9D\x28\x9E",
      "0123456789abcdef\xED\xA0\x80",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (tm_utf8_valid(bad[i], strlen(bad[i]))) fail_msg("vector %zu should be invalid", i);
  /* the length bounds the check: a valid prefix of an invalid buffer */
  assert_true(tm_utf8_valid("ok\xFF", 2));
}

/* --------------------------------------------------------- hostile corpus */

#define HOSTILE TM_TEST_DATA "hostile/"

typedef struct {
  const char *name;
  int open_rc;      /* of tm_reader_open */
  int end_rc;       /* what the CSV and JSON loops end with: 0 or TM_EIO */
  long csv_records; /* -1: not known, only "no crash" */
  long csv_malformed;
  long json_values;
  long json_malformed;
} hostile_expect;

static const hostile_expect hostile_known[] = {
    {"csv_empty.csv", 0, 0, 0, 0, 0, 0},
    {"csv_bom_only.csv", 0, 0, 0, 0, 0, 0},
    {"csv_only_newlines.csv", 0, 0, 0, 0, 0, 0},
    {"csv_lone_quote.csv", 0, 0, 2, 1, 3, 3},
    {"csv_quote_mid_field.csv", 0, 0, 2, 0, 2, 2},
    {"csv_mixed_line_ends.csv", 0, 0, 5, 0, 3, 3},
    {"csv_nul_bytes.csv", 0, 0, 3, 0, 3, 3},
    {"csv_invalid_utf8.csv", 0, 0, 4, 0, 4, 4},
    {"csv_many_separators.csv", 0, 0, 3, 0, 3, 3},
    {"csv_quote_then_eof.csv", 0, 0, 2, 1, 2, 2},
    {"csv_binary_junk.csv", 0, 0, -1, -1, -1, -1},
    {"csv_times.csv", 0, 0, 24, 0, 23, 23}, /* the blank-only line is no JSON value */
    {"json_unbalanced.json", 0, 0, -1, -1, 6, 5},
    {"json_stray.json", 0, 0, -1, -1, 5, 3},
    {"json_escapes.json", 0, 0, -1, -1, 3, 1},
    {"json_unterminated_string.json", 0, 0, -1, -1, 3, 1},
    {"json_deep_small.json", 0, 0, -1, -1, 2, 1},
    {"json_invalid_utf8.json", 0, 0, -1, -1, 2, 0},
    {"gz_truncated.csv.gz", 0, TM_EIO, -1, -1, -1, -1},
    {"gz_garbage.gz", 0, TM_EIO, -1, -1, -1, -1},
    {"zst_truncated.csv.zst", 0, TM_EIO, -1, -1, -1, -1},
    {"zst_garbage.zst", 0, TM_EIO, -1, -1, -1, -1},
};

static const hostile_expect *hostile_lookup(const char *name) {
  for (size_t i = 0; i < sizeof hostile_known / sizeof *hostile_known; i++)
    if (strcmp(hostile_known[i].name, name) == 0) return &hostile_known[i];
  return NULL;
}

static void hostile_one(const char *name, const hostile_expect *want) {
  char path[512];
  snprintf(path, sizeof path, HOSTILE "%s", name);
  static const tm_timefmt fmts[] = {
      {.kind = TM_TIME_AUTO},
      {.kind = TM_TIME_ISO, .default_offset_min = 90},
      {.kind = TM_TIME_EPOCH_S},
      {.kind = TM_TIME_EPOCH_MS},
      {.kind = TM_TIME_PATTERN, .pattern = "%m/%d/%Y %I:%M:%S %p"},
      {.kind = TM_TIME_PATTERN, .pattern = "%d-%b-%y %H:%M:%S.%f %z"},
      {.kind = TM_TIME_PATTERN, .pattern = "%Y-%j %%"},
  };

  /* CSV, and every field through every time format */
  tm_reader *r;
  tm_error err = {0};
  int rc = tm_reader_open(&r, path, &err);
  if (want) assert_int_equal(rc, want->open_rc);
  if (rc) return;
  tm_csv *c = NULL;
  tm_csv_record rec;
  long n = 0, bad = 0;
  int orc = tm_csv_open(&c, r, 0, &err); /* reads the first block: may fail already */
  rc = orc;
  while (orc == 0 && (rc = tm_csv_next(c, &rec, &err)) == 1) {
    n++;
    bad += rec.malformed != NULL;
    assert_true(rec.raw_len <= TM_CSV_MAX_RECORD);
    for (size_t i = 0; i < rec.nfields; i++) {
      assert_int_equal(rec.field[i][rec.len[i]], '\0');
      (void)tm_utf8_valid(rec.field[i], rec.len[i]);
      for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        int64_t ms;
        if (tm_time_parse(rec.field[i], rec.len[i], &fmts[k], &ms) == 0) {
          char iso[32];
          tm_time_format_iso(ms, iso);
          int64_t back;
          tm_timefmt f = {.kind = TM_TIME_ISO};
          assert_int_equal(tm_time_parse(iso, strlen(iso), &f, &back), 0);
          assert_true(back == ms);
        }
      }
    }
  }
  if (want) {
    if (rc != want->end_rc) fail_msg("%s: CSV loop ended with %d (%s)", name, rc, err.message);
    if (want->csv_records >= 0 && (n != want->csv_records || bad != want->csv_malformed))
      fail_msg("%s: %ld CSV records (%ld malformed), want %ld (%ld)", name, n, bad, want->csv_records,
               want->csv_malformed);
  }
  tm_csv_close(c);
  tm_reader_close(r);

  /* JSON splitting */
  assert_int_equal(tm_reader_open(&r, path, &err), 0);
  tm_jsonsplit *s = NULL;
  tm_json_text v;
  n = bad = 0;
  orc = tm_jsonsplit_open(&s, r, &err);
  rc = orc;
  while (orc == 0 && (rc = tm_jsonsplit_next(s, &v, &err)) == 1) {
    n++;
    bad += v.malformed != NULL;
    assert_int_equal(v.text[v.len], '\0');
    assert_true(v.len <= TM_JSON_MAX_VALUE);
  }
  if (want) {
    if (rc != want->end_rc) fail_msg("%s: JSON loop ended with %d (%s)", name, rc, err.message);
    if (want->json_values >= 0 && (n != want->json_values || bad != want->json_malformed))
      fail_msg("%s: %ld JSON values (%ld malformed), want %ld (%ld)", name, n, bad, want->json_values,
               want->json_malformed);
  }
  tm_jsonsplit_close(s);
  tm_reader_close(r);
}

static void test_hostile__corpus(void **state) {
  DIR *d = opendir(HOSTILE);
  if (!d) fail_msg("cannot open %s: %s", HOSTILE, strerror(errno));
  size_t files = 0, known = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    const hostile_expect *want = hostile_lookup(e->d_name);
    hostile_one(e->d_name, want);
    files++;
    known += want != NULL;
  }
  closedir(d);
  /* every file listed above is present */
  assert_int_equal(known, sizeof hostile_known / sizeof *hostile_known);
  assert_true(files >= known);
}

static void test_hostile__generated(void **state) {
  /* inputs too big to store: deep nesting, a huge field, long junk lines */
  size_t n = 100000;
  char *s = malloc(4 * n + 64);
  assert_non_null(s);
  memset(s, '[', n);
  assert_int_equal(count_csv(s, n, NULL), 1);
  memset(s, '{', n);
  assert_int_equal(count_csv(s, n, NULL), 1);

  /* {"a":[{"a":[ ... 100000 deep, closed, then a good line */
  size_t k = 0;
  for (size_t i = 0; i < n / 8; i++)
    k += (size_t)sprintf(s + k, "{\"a\":[");
  for (size_t i = 0; i < n / 8; i++)
    k += (size_t)sprintf(s + k, "]}");
  k += (size_t)sprintf(s + k, "\n{\"ok\":1}\n");
  jsh h = js_mem(s, k);
  tm_json_text v;
  assert_int_equal(tm_jsonsplit_next(h.s, &v, NULL), 1);
  assert_null(v.malformed);
  assert_int_equal(v.len, k - strlen("\n{\"ok\":1}\n"));
  expect_js(h, 2, "{\"ok\":1}", NULL);
  js_end(h);
  js_done(h);

  /* a 2 MiB quoted field: one malformed record, then the rest reads */
  size_t big = 2u << 20;
  char *f = malloc(big + 64);
  assert_non_null(f);
  f[0] = '"';
  memset(f + 1, 'q', big);
  memcpy(f + 1 + big, "\"\nz\n", 4);
  size_t bad;
  assert_int_equal(count_csv(f, big + 5, &bad), 2);
  assert_int_equal(bad, 1);
  free(f);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv__basic),
      cmocka_unit_test(test_csv__quoted_newline),
      cmocka_unit_test(test_csv__doubled_quotes),
      cmocka_unit_test(test_csv__crlf),
      cmocka_unit_test(test_csv__cr_only),
      cmocka_unit_test(test_csv__bom),
      cmocka_unit_test(test_csv__detect_delimiter),
      cmocka_unit_test(test_csv__wrong_field_counts_survive),
      cmocka_unit_test(test_csv__blank_lines_and_no_final_newline),
      cmocka_unit_test(test_csv__quote_not_at_field_start_is_data),
      cmocka_unit_test(test_csv__nul_bytes),
      cmocka_unit_test(test_csv__unterminated_quote_at_eof),
      cmocka_unit_test(test_csv__overlong_record_then_next_reads),
      cmocka_unit_test(test_csv__too_many_fields),
      cmocka_unit_test(test_csv__many_refills_exact),
      cmocka_unit_test(test_reader__plain_file_and_errors),
      cmocka_unit_test(test_reader__stdin_dash),
      cmocka_unit_test(test_reader__gzip_round_trip),
      cmocka_unit_test(test_reader__gzip_multi_member),
      cmocka_unit_test(test_reader__zstd_round_trip),
      cmocka_unit_test(test_reader__corrupt_compressed_is_eio),
      cmocka_unit_test(test_reader__plain_short_and_empty),
      cmocka_unit_test(test_io__alloc_failures),
      cmocka_unit_test(test_jsonsplit__jsonl),
      cmocka_unit_test(test_jsonsplit__pretty_batch),
      cmocka_unit_test(test_jsonsplit__several_per_line),
      cmocka_unit_test(test_jsonsplit__garbage_lines),
      cmocka_unit_test(test_jsonsplit__unbalanced),
      cmocka_unit_test(test_jsonsplit__crlf_and_bom),
      cmocka_unit_test(test_jsonsplit__deep_nesting),
      cmocka_unit_test(test_jsonsplit__too_long_value),
      cmocka_unit_test(test_jsonsplit__many_refills_exact),
      cmocka_unit_test(test_utf8__valid),
      cmocka_unit_test(test_utf8__invalid),
      cmocka_unit_test(test_hostile__corpus),
      cmocka_unit_test(test_hostile__generated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
