/*
 * test_synth.c — the synthetic data generator (src/synth) and the random
 * numbers under it (src/core/rng). One fixture run (2000 people, a year,
 * seed 42, 1% dirt, two threads) is shared by the tests that only read; the
 * others make their own small runs. Every output goes under a mkdtemp folder
 * that is removed at the end. The checks recount from the files themselves:
 * row counts, dirty lines and their kinds, basket-rule lift, shared
 * identifiers, sentiment labels against ratings, the churn AUC, fraud bursts.
 */
#include "unit.h"

#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <omp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/rng.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- helpers */

static const char *const data_files[] = {"crm_customers.csv", "orders.csv",         "web_events.jsonl",
                                         "email_events.csv",  "ad_events.csv",      "contacts.csv",
                                         "feedback.csv",      "social_mentions.csv"};
#define NDATA 8

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(p);
}
static void rm_rf(const char *dir) {
  if (dir) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tmpdir(void) {
  char tmpl[] = "/tmp/tm-synth-XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  return strdup(d);
}

static char *path_of(const char *dir, const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 20, len = 0;
  char *p = malloc(cap + 1);
  size_t got;
  while ((got = fread(p + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) p = realloc(p, (cap *= 2) + 1);
  }
  fclose(f);
  p[len] = '\0';
  *n = len;
  return p;
}

static uint64_t fnv(const char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
  return h;
}

static uint64_t file_hash(const char *dir, const char *name) {
  size_t n;
  char *p = slurp(path_of(dir, name), &n);
  assert_non_null(p);
  uint64_t h = fnv(p, n);
  free(p);
  return h;
}

/* Lines of a file: pointers into its bytes (NUL-terminated in place). */
typedef struct lines {
  char *buf;
  char **l;
  size_t *len;
  size_t n;
} lines;

static void read_lines(lines *L, const char *path) {
  size_t n;
  L->buf = slurp(path, &n);
  assert_non_null(L->buf);
  size_t cap = 1024;
  L->l = malloc(cap * sizeof *L->l);
  L->len = malloc(cap * sizeof *L->len);
  L->n = 0;
  char *s = L->buf, *end = L->buf + n;
  while (s < end) {
    char *nl = memchr(s, '\n', (size_t)(end - s));
    assert_non_null(nl); /* every line ends with a newline */
    if (L->n == cap) {
      cap *= 2;
      L->l = realloc(L->l, cap * sizeof *L->l);
      L->len = realloc(L->len, cap * sizeof *L->len);
    }
    *nl = '\0';
    L->l[L->n] = s;
    L->len[L->n++] = (size_t)(nl - s);
    s = nl + 1;
  }
}
static void free_lines(lines *L) {
  free(L->buf);
  free(L->l);
  free(L->len);
}

/* RFC 4180 split of one line; fields point into f->buf. */
typedef struct csvrow {
  char buf[16384];
  char *f[64];
  int n;
} csvrow;

static void csv_split(csvrow *r, const char *s, size_t n, char delim) {
  size_t o = 0, i = 0;
  r->n = 0;
  for (;;) {
    r->f[r->n++] = r->buf + o;
    if (i < n && s[i] == '"') {
      i++;
      while (i < n) {
        if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
          r->buf[o++] = '"', i += 2;
        else if (s[i] == '"') {
          i++;
          break;
        } else
          r->buf[o++] = s[i++];
      }
    }
    while (i < n && s[i] != delim)
      r->buf[o++] = s[i++];
    r->buf[o++] = '\0';
    if (i >= n || r->n == 64) return;
    i++;
  }
}

static bool utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    int k;
    unsigned cp;
    if ((c & 0xe0) == 0xc0)
      k = 1, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      k = 2, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      k = 3, cp = c & 0x07;
    else
      return false;
    for (int j = 1; j <= k; j++) {
      if (i + (size_t)j >= n || (s[i + j] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += (size_t)k + 1;
  }
  return true;
}

static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static bool digits(const char *s, int n) {
  for (int i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
static int num(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}
static bool valid_ymdhms(int y, int mo, int d, int h, int mi, int se) {
  static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= md[mo - 1] + (mo == 2 && leap) && h <= 23 &&
         mi <= 59 && se <= 59;
}

/* Parses the time forms the generator writes; returns false for anything
 * else (the strictness dirty bad_date rows must fail). *ms is UTC. */
enum { T_SQL, T_ISO, T_EPOCH_S, T_EPOCH_MS, T_DMY };
static bool parse_time(const char *s, int form, int64_t *ms) {
  size_t n = strlen(s);
  int y, mo, d, h, mi, se = 0, off = 0;
  switch (form) {
  case T_EPOCH_S:
  case T_EPOCH_MS:
    if (n < 1 || n > 15 || !digits(s, (int)n)) return false;
    *ms = strtoll(s, NULL, 10) * (form == T_EPOCH_S ? 1000 : 1);
    return true;
  case T_DMY:
    if (n != 16 || s[2] != '/' || s[5] != '/' || s[10] != ' ' || s[13] != ':') return false;
    if (!digits(s, 2) || !digits(s + 3, 2) || !digits(s + 6, 4) || !digits(s + 11, 2) || !digits(s + 14, 2))
      return false;
    d = num(s, 2), mo = num(s + 3, 2), y = num(s + 6, 4), h = num(s + 11, 2), mi = num(s + 14, 2);
    break;
  default: {
    if (n < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return false;
    if (!digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2) || !digits(s + 11, 2) || !digits(s + 14, 2) ||
        !digits(s + 17, 2))
      return false;
    y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2), h = num(s + 11, 2), mi = num(s + 14, 2);
    se = num(s + 17, 2);
    if (form == T_SQL) {
      if (n != 19 || s[10] != ' ') return false;
    } else {
      if (s[10] != 'T') return false;
      size_t i = 19;
      if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
          i++;
      }
      if (i + 1 == n && s[i] == 'Z') {
        off = 0;
      } else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) && s[i + 3] == ':' &&
                 digits(s + i + 4, 2)) {
        off = (num(s + i + 1, 2) * 60 + num(s + i + 4, 2)) * (s[i] == '-' ? -1 : 1);
      } else {
        return false;
      }
    }
  }
  }
  if (!valid_ymdhms(y, mo, d, h, mi, se)) return false;
  *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi - off) * 60000LL + se * 1000LL;
  return true;
}

/* A string set (open addressing). */
typedef struct sset {
  char **k;
  size_t cap, n;
} sset;
static void sset_init(sset *s) {
  s->cap = 1 << 16;
  s->n = 0;
  s->k = calloc(s->cap, sizeof *s->k);
}
static void sset_free(sset *s) {
  for (size_t i = 0; i < s->cap; i++)
    free(s->k[i]);
  free(s->k);
}
static bool sset_has(const sset *s, const char *key) {
  for (size_t i = fnv(key, strlen(key)) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
    if (!s->k[i]) return false;
    if (!strcmp(s->k[i], key)) return true;
  }
}
static bool sset_add(sset *s, const char *key) { /* true when new */
  if (sset_has(s, key)) return false;
  if (2 * (s->n + 1) > s->cap) {
    sset t = {calloc(s->cap * 2, sizeof(char *)), s->cap * 2, 0};
    for (size_t i = 0; i < s->cap; i++)
      if (s->k[i]) {
        size_t j = fnv(s->k[i], strlen(s->k[i])) & (t.cap - 1);
        while (t.k[j])
          j = (j + 1) & (t.cap - 1);
        t.k[j] = s->k[i];
      }
    free(s->k);
    t.n = s->n;
    *s = t;
  }
  size_t i = fnv(key, strlen(key)) & (s->cap - 1);
  while (s->k[i])
    i = (i + 1) & (s->cap - 1);
  s->k[i] = strdup(key);
  s->n++;
  return true;
}

/* Identifier normalisation, as truth.json and the ingest define it. */
static void norm_id(char *out, size_t cap, const char *type, const char *v) {
  size_t o = 0;
  while (*v == ' ')
    v++;
  size_t n = strlen(v);
  while (n && v[n - 1] == ' ')
    n--;
  if (!strcmp(type, "phone")) {
    for (size_t i = 0; i < n && o + 1 < cap; i++)
      if (v[i] >= '0' && v[i] <= '9') out[o++] = v[i];
  } else {
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
      char c = v[i];
      if (!strcmp(type, "email") && c >= 'A' && c <= 'Z') c = (char)(c + 32);
      out[o++] = c;
    }
  }
  out[o] = '\0';
}

static void typed_key(char *out, size_t cap, const char *type, const char *value) {
  char norm[512];
  norm_id(norm, sizeof norm, type, value);
  snprintf(out, cap, "%s:%s", type, norm);
}

static tm_synth_options opts(const char *dir, uint64_t n, int days, uint64_t seed, double rate) {
  tm_synth_options o = TM_SYNTH_OPTIONS_INIT;
  o.out_dir = dir;
  o.customers = n;
  o.days = days;
  o.seed = seed;
  o.dirty_rate = rate;
  return o;
}

static void run_ok(const tm_synth_options *o, tm_synth_stats *st) {
  tm_error err = {0};
  int rc = tm_synth_run(st, o, &err);
  if (rc) fprintf(stderr, "synth failed: %s\n", err.message);
  assert_int_equal(rc, 0);
}

/* Dirty lines of one file from truth: a byte per physical line, 0 = clean. */
static uint8_t *dirty_map(json_t *truth, const char *name, size_t nlines) {
  uint8_t *m = calloc(nlines + 2, 1);
  json_t *files = json_object_get(truth, "files"), *f;
  size_t i;
  json_array_foreach(files, i, f) {
    if (strcmp(json_string_value(json_object_get(f, "name")), name)) continue;
    json_t *dl = json_object_get(f, "dirty_lines"), *e;
    size_t j;
    json_array_foreach(dl, j, e) {
      json_int_t line = json_integer_value(json_array_get(e, 0));
      const char *kind = json_string_value(json_array_get(e, 1));
      static const char *const kinds[] = {
          "",           "bad_date",     "bad_quantity", "exact_duplicate", "near_duplicate", "invalid_utf8",
          "missing_id", "wrong_columns"};
      assert_true(line >= 1 && (size_t)line <= nlines);
      for (int k = 1; k < 8; k++)
        if (!strcmp(kind, kinds[k])) m[line] = (uint8_t)k;
      assert_true(m[line] != 0);
    }
  }
  return m;
}

static json_t *file_entry(json_t *truth, const char *name) {
  json_t *files = json_object_get(truth, "files"), *f;
  size_t i;
  json_array_foreach(files, i, f) if (!strcmp(json_string_value(json_object_get(f, "name")), name)) return f;
  return NULL;
}

/* --------------------------------------------------------------- fixture */

typedef struct fixture {
  char *dir;
  json_t *truth;
  tm_synth_stats st;
} fixture;

static int setup(void **state) {
  static fixture fx;
  fx.dir = tmpdir();
  omp_set_num_threads(2);
  tm_synth_options o = opts(fx.dir, 2000, 365, 42, 0.01);
  tm_error err = {0};
  if (tm_synth_run(&fx.st, &o, &err)) {
    fprintf(stderr, "fixture: %s\n", err.message);
    return -1;
  }
  json_error_t je;
  fx.truth = json_load_file(path_of(fx.dir, "truth.json"), 0, &je);
  if (!fx.truth) {
    fprintf(stderr, "truth.json: %s (line %d)\n", je.text, je.line);
    return -1;
  }
  *state = &fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  if (!fx) return 0;
  json_decref(fx->truth);
  rm_rf(fx->dir);
  free(fx->dir);
  return 0;
}

/* ----------------------------------------------------------------- tests */

static void test_synth__check_rejects_bad_options(void **state) {
  (void)state;
  tm_synth_options o = opts("/tmp/x", 100, 30, 1, 0.01);
  assert_null(tm_synth_check(&o));
  assert_non_null(tm_synth_check(NULL));
  tm_synth_options b = o;
  b.version = 99;
  assert_non_null(tm_synth_check(&b));
  b = o, b.customers = 0;
  assert_non_null(strstr(tm_synth_check(&b), "customers"));
  b = o, b.days = 3;
  assert_non_null(strstr(tm_synth_check(&b), "days"));
  b = o, b.dirty_rate = 0.51;
  assert_non_null(strstr(tm_synth_check(&b), "dirty"));
  b = o, b.dirty_rate = NAN;
  assert_non_null(tm_synth_check(&b));
  b = o, b.out_dir = "";
  assert_non_null(tm_synth_check(&b));
  b = o, b.start_ms = -5;
  assert_non_null(tm_synth_check(&b));
  tm_error err = {0};
  b = o, b.customers = 0;
  assert_int_equal(tm_synth_run(NULL, &b, &err), TM_EINVAL);
  assert_int_equal(err.code, TM_EINVAL);
  assert_non_null(strstr(err.message, "customers"));
}

/* Same seed: byte-identical files, whether one thread or two made them. */
static void test_synth__same_seed_same_bytes_at_1_and_2_threads(void **state) {
  fixture *fx = *state;
  char *dir = tmpdir();
  omp_set_num_threads(1);
  tm_synth_options o = opts(dir, 2000, 365, 42, 0.01);
  tm_synth_stats st;
  run_ok(&o, &st);
  omp_set_num_threads(2);
  for (int f = 0; f < NDATA; f++)
    assert_true(file_hash(dir, data_files[f]) == file_hash(fx->dir, data_files[f]));
  assert_true(file_hash(dir, "truth.json") == file_hash(fx->dir, "truth.json"));
  assert_true(file_hash(dir, "touchmine.ini") == file_hash(fx->dir, "touchmine.ini"));
  assert_memory_equal(&st, &fx->st, sizeof st);
  rm_rf(dir);
  free(dir);
}

static void test_synth__other_seed_gives_other_data(void **state) {
  fixture *fx = *state;
  char *dir = tmpdir();
  tm_synth_options o = opts(dir, 2000, 365, 43, 0.01);
  tm_synth_stats st;
  run_ok(&o, &st);
  for (int f = 0; f < NDATA; f++)
    assert_true(file_hash(dir, data_files[f]) != file_hash(fx->dir, data_files[f]));
  rm_rf(dir);
  free(dir);
}

static void test_synth__row_counts_match_truth_and_stats(void **state) {
  fixture *fx = *state;
  uint64_t rows = 0, events = 0, dirty = 0;
  for (int f = 0; f < NDATA; f++) {
    lines L;
    read_lines(&L, path_of(fx->dir, data_files[f]));
    bool csv = strstr(data_files[f], ".csv") != NULL;
    json_t *e = file_entry(fx->truth, data_files[f]);
    assert_non_null(e);
    uint64_t n = L.n - (csv ? 1 : 0);
    assert_true(n == (uint64_t)json_integer_value(json_object_get(e, "rows")));
    uint64_t d = (uint64_t)json_integer_value(json_object_get(e, "dirty_rows"));
    assert_true(d == json_array_size(json_object_get(e, "dirty_lines")));
    json_t *bk = json_object_get(e, "dirty_by_kind"), *v;
    const char *k;
    uint64_t sum = 0;
    json_object_foreach(bk, k, v) sum += (uint64_t)json_integer_value(v);
    assert_true(sum == d);
    rows += n;
    dirty += d;
    if (f >= 2) events += n;
    assert_true(n > 0);
    free_lines(&L);
  }
  assert_true(rows == fx->st.rows);
  assert_true(events == fx->st.events);
  assert_true(dirty == fx->st.dirty_rows);
  assert_int_equal(fx->st.customers, 2000);
  assert_int_equal(fx->st.files, 10);
  assert_int_equal(json_integer_value(json_object_get(fx->truth, "customers_count")), 2000);
  assert_int_equal(json_array_size(json_object_get(fx->truth, "customers")), 2000);
  /* roughly 60-100 events per person per year */
  assert_true(events > 2000 * 60 && events < 2000 * 110);
}

/* Dirty rows are `rate` of each events/orders file within 4 binomial
 * standard deviations (plus 0.2 points), and the CRM has none. */
static void test_synth__dirty_rate_within_tolerance(void **state) {
  fixture *fx = *state;
  for (int f = 0; f < NDATA; f++) {
    json_t *e = file_entry(fx->truth, data_files[f]);
    double rows = (double)json_integer_value(json_object_get(e, "rows"));
    double d = (double)json_integer_value(json_object_get(e, "dirty_rows"));
    if (f == 0) {
      assert_true(d == 0);
      continue;
    }
    double sd = sqrt(0.01 * 0.99 / rows);
    assert_true(fabs(d / rows - 0.01) <= 4 * sd + 0.002);
  }
}

static int form_of(const char *name) {
  if (!strcmp(name, "orders.csv")) return T_SQL;
  if (!strcmp(name, "email_events.csv")) return T_EPOCH_S;
  if (!strcmp(name, "ad_events.csv")) return T_EPOCH_MS;
  if (!strcmp(name, "contacts.csv")) return T_DMY;
  return T_ISO;
}

/* Every listed dirty line is dirty in the named way, and every other line is
 * clean: right field count, valid UTF-8, a time that parses, an identifier. */
static void test_synth__every_dirty_line_is_dirty_in_its_way(void **state) {
  fixture *fx = *state;
  static const struct {
    const char *name;
    char delim;
    int nf, id, ts, qty, ids[3], nids;
  } spec[] = {
      {"orders.csv", ',', 15, 0, 2, 11, {5, 6, 7}, 3},      {"email_events.csv", ',', 5, 0, 4, -1, {1}, 1},
      {"ad_events.csv", ',', 5, 0, 4, -1, {1}, 1},          {"contacts.csv", ',', 9, 0, 4, -1, {2, 3}, 2},
      {"feedback.csv", ';', 9, 0, 4, -1, {2, 3}, 2},        {"social_mentions.csv", ',', 5, 0, 3, -1, {2}, 1},
      {"crm_customers.csv", ',', 19, 0, 11, -1, {0, 1}, 2},
  };
  csvrow *r = malloc(sizeof *r), *prev = malloc(sizeof *prev);
  uint64_t seen[8] = {0};
  for (size_t s = 0; s < LEN(spec); s++) {
    lines L;
    read_lines(&L, path_of(fx->dir, spec[s].name));
    uint8_t *dm = dirty_map(fx->truth, spec[s].name, L.n);
    int form = s == 6 ? -1 : form_of(spec[s].name);
    for (size_t i = 1; i < L.n; i++) {
      size_t line = i + 1;
      csv_split(r, L.l[i], L.len[i], spec[s].delim);
      int kind = dm[line];
      seen[kind]++;
      int64_t ms;
      if (kind == 0) {
        assert_int_equal(r->n, spec[s].nf);
        assert_true(utf8_valid((const unsigned char *)L.l[i], L.len[i]));
        if (form >= 0) assert_true(parse_time(r->f[spec[s].ts], form, &ms));
        bool any = false;
        for (int k = 0; k < spec[s].nids; k++)
          any |= r->f[spec[s].ids[k]][0] != '\0';
        assert_true(any);
        if (spec[s].qty >= 0) {
          long q = strtol(r->f[spec[s].qty], NULL, 10);
          assert_true(q != 0 && q >= -1000 && q <= 1000);
        }
        continue;
      }
      /* a dirty line follows the clean line it was made from */
      assert_int_equal(dm[line - 1], 0);
      csv_split(prev, L.l[i - 1], L.len[i - 1], spec[s].delim);
      switch (kind) {
      case 1: /* bad_date */
        assert_int_equal(r->n, spec[s].nf);
        assert_false(parse_time(r->f[spec[s].ts], form, &ms));
        break;
      case 2: { /* bad_quantity */
        const char *q = r->f[spec[s].qty];
        assert_true(!strcmp(q, "-99999") || !strcmp(q, "0") || !strcmp(q, "100000"));
        break;
      }
      case 3: /* exact_duplicate */
        assert_int_equal(L.len[i], L.len[i - 1]);
        assert_memory_equal(L.l[i], L.l[i - 1], L.len[i]);
        break;
      case 4: /* near_duplicate: same id, not the same row */
        assert_string_equal(r->f[spec[s].id], prev->f[spec[s].id]);
        assert_false(L.len[i] == L.len[i - 1] && !memcmp(L.l[i], L.l[i - 1], L.len[i]));
        break;
      case 5: /* invalid_utf8 */
        assert_false(utf8_valid((const unsigned char *)L.l[i], L.len[i]));
        assert_true(utf8_valid((const unsigned char *)L.l[i - 1], L.len[i - 1]));
        break;
      case 6: /* missing_id */
        assert_int_equal(r->n, spec[s].nf);
        for (int k = 0; k < spec[s].nids; k++)
          assert_string_equal(r->f[spec[s].ids[k]], "");
        break;
      case 7: /* wrong_columns */ assert_int_not_equal(r->n, spec[s].nf); break;
      }
    }
    free(dm);
    free_lines(&L);
  }
  /* the clickstream */
  lines L;
  read_lines(&L, path_of(fx->dir, "web_events.jsonl"));
  uint8_t *dm = dirty_map(fx->truth, "web_events.jsonl", L.n);
  for (size_t i = 0; i < L.n; i++) {
    size_t line = i + 1;
    int kind = dm[line];
    seen[kind]++;
    json_error_t je;
    json_t *m = json_loadb(L.l[i], L.len[i], 0, &je);
    bool utf8 = utf8_valid((const unsigned char *)L.l[i], L.len[i]);
    int64_t ms;
    if (kind == 0 || kind == 1 || kind == 6) {
      assert_non_null(m);
      assert_true(utf8);
      assert_non_null(json_string_value(json_object_get(m, "messageId")));
      const char *ts = json_string_value(json_object_get(m, "timestamp"));
      bool ids = json_object_get(m, "userId") || json_object_get(m, "anonymousId") ||
                 json_object_get(m, "previousId");
      if (kind == 0) {
        assert_true(parse_time(ts, T_ISO, &ms));
        assert_true(ids);
      } else if (kind == 1) {
        assert_false(parse_time(ts, T_ISO, &ms));
      } else {
        assert_false(ids);
        json_t *traits = json_object_get(m, "traits");
        assert_true(!traits || json_object_size(traits) == 0);
      }
    } else if (kind == 3) {
      assert_memory_equal(L.l[i], L.l[i - 1], L.len[i]);
    } else if (kind == 4) {
      json_t *p = json_loadb(L.l[i - 1], L.len[i - 1], 0, &je);
      assert_non_null(m);
      assert_non_null(p);
      assert_string_equal(json_string_value(json_object_get(m, "messageId")),
                          json_string_value(json_object_get(p, "messageId")));
      assert_string_not_equal(json_string_value(json_object_get(m, "timestamp")),
                              json_string_value(json_object_get(p, "timestamp")));
      json_decref(p);
    } else if (kind == 5) {
      assert_false(utf8);
    } else if (kind == 7) {
      assert_null(m); /* a truncated line */
      assert_true(utf8);
    }
    json_decref(m);
  }
  free(dm);
  free_lines(&L);
  for (int k = 1; k < 8; k++)
    assert_true(seen[k] > 0); /* every kind occurs */
  free(r);
  free(prev);
}

/* Dropping the dirty lines of a dirty run leaves exactly a clean run. */
static void test_synth__clean_rows_do_not_depend_on_dirty_rate(void **state) {
  (void)state;
  char *clean = tmpdir(), *dirty = tmpdir();
  tm_synth_options o = opts(clean, 400, 90, 5, 0.0);
  tm_synth_stats st;
  run_ok(&o, &st);
  assert_int_equal(st.dirty_rows, 0);
  o = opts(dirty, 400, 90, 5, 0.1);
  run_ok(&o, &st);
  assert_true(st.dirty_rows > 0);
  json_error_t je;
  json_t *truth = json_load_file(path_of(dirty, "truth.json"), 0, &je);
  assert_non_null(truth);
  for (int f = 0; f < NDATA; f++) {
    lines A, B;
    read_lines(&A, path_of(clean, data_files[f]));
    read_lines(&B, path_of(dirty, data_files[f]));
    uint8_t *dm = dirty_map(truth, data_files[f], B.n);
    size_t j = 0;
    for (size_t i = 0; i < B.n; i++) {
      if (dm[i + 1]) continue;
      assert_true(j < A.n);
      assert_int_equal(A.len[j], B.len[i]);
      assert_memory_equal(A.l[j], B.l[i], A.len[j]);
      j++;
    }
    assert_int_equal(j, A.n);
    free(dm);
    free_lines(&A);
    free_lines(&B);
  }
  json_decref(truth);
  rm_rf(clean);
  rm_rf(dirty);
  free(clean);
  free(dirty);
}

/* Collects typed, normalised identifiers from the clean rows of every file. */
static void collect_ids(const char *dir, json_t *truth, sset *out) {
  static const struct {
    const char *name;
    char delim;
    int col[5];
    const char *type[5];
  } src[] = {
      {"crm_customers.csv", ',', {0, 1, 2, 3, 4}, {"customer_id", "email", "phone", "loyalty", "social"}},
      {"orders.csv", ',', {5, 6, 7, -1}, {"loyalty", "customer_id", "email"}},
      {"email_events.csv", ',', {1, -1}, {"email"}},
      {"ad_events.csv", ',', {1, -1}, {"cookie"}},
      {"contacts.csv", ',', {2, 3, -1}, {"phone", "email"}},
      {"feedback.csv", ';', {2, 3, -1}, {"customer_id", "email"}},
      {"social_mentions.csv", ',', {2, -1}, {"social"}},
  };
  csvrow *r = malloc(sizeof *r);
  char key[600];
  for (size_t s = 0; s < LEN(src); s++) {
    lines L;
    read_lines(&L, path_of(dir, src[s].name));
    uint8_t *dm = dirty_map(truth, src[s].name, L.n);
    for (size_t i = 1; i < L.n; i++) {
      if (dm[i + 1]) continue;
      csv_split(r, L.l[i], L.len[i], src[s].delim);
      for (int k = 0; k < 5 && src[s].col[k] >= 0 && src[s].type[k]; k++) {
        const char *v = r->f[src[s].col[k]];
        if (!*v) continue;
        typed_key(key, sizeof key, src[s].type[k], v);
        sset_add(out, key);
      }
    }
    free(dm);
    free_lines(&L);
  }
  lines L;
  read_lines(&L, path_of(dir, "web_events.jsonl"));
  uint8_t *dm = dirty_map(truth, "web_events.jsonl", L.n);
  for (size_t i = 0; i < L.n; i++) {
    if (dm[i + 1]) continue;
    json_error_t je;
    json_t *m = json_loadb(L.l[i], L.len[i], 0, &je);
    assert_non_null(m);
    static const char *const keys[3] = {"userId", "anonymousId", "previousId"};
    static const char *const types[3] = {"customer_id", "cookie", "cookie"};
    for (int k = 0; k < 3; k++) {
      const char *v = json_string_value(json_object_get(m, keys[k]));
      if (v) typed_key(key, sizeof key, types[k], v), sset_add(out, key);
    }
    const char *e = json_string_value(json_object_get(json_object_get(m, "traits"), "email"));
    if (e) typed_key(key, sizeof key, "email", e), sset_add(out, key);
    json_decref(m);
  }
  free(dm);
  free_lines(&L);
  free(r);
}

/* Truth identifiers are normalised, belong to one person each, and appear
 * in the files; every identifier in the files is someone's or a planted
 * shared one. */
static void test_synth__truth_identifiers_normalised_unique_and_present(void **state) {
  fixture *fx = *state;
  sset in_files, in_truth;
  sset_init(&in_files);
  sset_init(&in_truth);
  collect_ids(fx->dir, fx->truth, &in_files);
  json_t *people = json_object_get(fx->truth, "customers"), *p;
  size_t i;
  char key[600];
  static const char *const types[] = {"customer_id", "email", "phone", "loyalty", "social", "cookie"};
  json_array_foreach(people, i, p) {
    json_t *ids = json_object_get(p, "identifiers"), *id;
    size_t j;
    assert_true(json_array_size(ids) <= 16); /* at most ~10 cookies and a few others */
    json_array_foreach(ids, j, id) {
      const char *type = json_string_value(json_array_get(id, 0));
      const char *v = json_string_value(json_array_get(id, 1));
      bool known = false;
      for (size_t t = 0; t < LEN(types); t++)
        known |= !strcmp(type, types[t]);
      assert_true(known);
      char norm[512];
      norm_id(norm, sizeof norm, type, v);
      assert_string_equal(norm, v); /* already normalised */
      assert_true(*v);
      if (!strcmp(type, "email")) assert_non_null(strchr(v, '@'));
      snprintf(key, sizeof key, "%s:%s", type, v);
      assert_true(sset_add(&in_truth, key)); /* nobody else has it */
      if (!sset_has(&in_files, key))
        fail_msg("%s of %s is in no file", key, json_string_value(json_object_get(p, "id")));
    }
  }
  json_t *shared = json_object_get(fx->truth, "shared_identifiers"), *s;
  json_array_foreach(shared, i, s) {
    snprintf(key, sizeof key, "%s:%s", json_string_value(json_object_get(s, "type")),
             json_string_value(json_object_get(s, "value")));
    assert_true(sset_add(&in_truth, key));
  }
  for (size_t k = 0; k < in_files.cap; k++)
    if (in_files.k[k] && !sset_has(&in_truth, in_files.k[k])) fail_msg("%s belongs to nobody", in_files.k[k]);
  sset_free(&in_files);
  sset_free(&in_truth);
}

/* The planted rules' support, confidence and lift, recounted from the clean
 * non-return baskets of orders.csv. */
static void test_synth__basket_rule_lift_matches_recount(void **state) {
  fixture *fx = *state;
  lines L;
  read_lines(&L, path_of(fx->dir, "orders.csv"));
  uint8_t *dm = dirty_map(fx->truth, "orders.csv", L.n);
  json_t *rules = json_object_get(fx->truth, "basket_rules");
  size_t nr = json_array_size(rules);
  assert_true(nr >= 2);
  uint64_t baskets = 0, lhs[8] = {0}, rhs[8] = {0}, both[8] = {0};
  csvrow *r = malloc(sizeof *r);
  char order[64] = "";
  sset basket;
  sset_init(&basket);
  bool two_to_one = false;
#define CLOSE_BASKET()                                                                                       \
  do {                                                                                                       \
    if (order[0] && order[0] != 'R') {                                                                       \
      baskets++;                                                                                             \
      for (size_t k = 0; k < nr; k++) {                                                                      \
        json_t *ru = json_array_get(rules, k), *x;                                                           \
        size_t q;                                                                                            \
        bool l = true;                                                                                       \
        json_array_foreach(json_object_get(ru, "lhs"), q, x) l =                                             \
            l && sset_has(&basket, json_string_value(x));                                                    \
        bool h = sset_has(&basket, json_string_value(json_object_get(ru, "rhs")));                           \
        lhs[k] += l, rhs[k] += h, both[k] += l && h;                                                         \
      }                                                                                                      \
    }                                                                                                        \
    sset_free(&basket);                                                                                      \
    sset_init(&basket);                                                                                      \
  } while (0)
  for (size_t i = 1; i < L.n; i++) {
    if (dm[i + 1]) continue;
    csv_split(r, L.l[i], L.len[i], ',');
    if (strcmp(r->f[1], order)) {
      CLOSE_BASKET();
      snprintf(order, sizeof order, "%s", r->f[1]);
    }
    sset_add(&basket, r->f[8]);
  }
  CLOSE_BASKET();
#undef CLOSE_BASKET
  for (size_t k = 0; k < nr; k++) {
    json_t *ru = json_array_get(rules, k);
    if (json_array_size(json_object_get(ru, "lhs")) == 2) two_to_one = true;
    assert_int_equal(baskets, json_integer_value(json_object_get(ru, "baskets")));
    assert_int_equal(lhs[k], json_integer_value(json_object_get(ru, "count_lhs")));
    assert_int_equal(rhs[k], json_integer_value(json_object_get(ru, "count_rhs")));
    assert_int_equal(both[k], json_integer_value(json_object_get(ru, "count_both")));
    double conf = (double)both[k] / (double)lhs[k];
    double lift = conf / ((double)rhs[k] / (double)baskets);
    assert_true(fabs(lift - json_real_value(json_object_get(ru, "lift"))) < 1e-4 * lift);
    assert_true(fabs(conf - json_real_value(json_object_get(ru, "confidence"))) < 1e-5);
    /* the planted probability shows through, and the rule is a real association */
    double planted = json_real_value(json_object_get(ru, "planted_probability"));
    assert_true(conf > planted - 0.15 && lift > 3);
  }
  assert_true(two_to_one);
  sset_free(&basket);
  free(r);
  free(dm);
  free_lines(&L);
}

/* Each store's default till card is seen with over 50 e-receipt emails and
 * each office phone with over 50 customers, already at 2000 people. */
static void test_synth__shared_identifiers_seen_with_many_people(void **state) {
  fixture *fx = *state;
  json_t *shared = json_object_get(fx->truth, "shared_identifiers"), *s;
  size_t i;
  int cards = 0, phones = 0;
  csvrow *r = malloc(sizeof *r);
  json_array_foreach(shared, i, s) {
    const char *type = json_string_value(json_object_get(s, "type"));
    const char *value = json_string_value(json_object_get(s, "value"));
    bool card = !strcmp(type, "loyalty");
    const char *file = card ? "orders.csv" : "crm_customers.csv";
    lines L;
    read_lines(&L, path_of(fx->dir, file));
    uint8_t *dm = dirty_map(fx->truth, file, L.n);
    sset others;
    sset_init(&others);
    char norm[512];
    for (size_t k = 1; k < L.n; k++) {
      if (dm[k + 1]) continue;
      csv_split(r, L.l[k], L.len[k], ',');
      norm_id(norm, sizeof norm, type, r->f[card ? 5 : 2]);
      if (strcmp(norm, value)) continue;
      const char *other = card ? r->f[7] : r->f[0];
      if (!*other) continue;
      norm_id(norm, sizeof norm, card ? "email" : "customer_id", other);
      sset_add(&others, norm);
    }
    if (others.n <= 50) fail_msg("%s %s seen with only %zu others", type, value, others.n);
    assert_true(json_integer_value(json_object_get(s, "people")) > 50);
    cards += card;
    phones += !card;
    sset_free(&others);
    free(dm);
    free_lines(&L);
  }
  assert_true(cards >= 3 && phones >= 1);
  free(r);
}

static void test_synth__gzip_clickstream_matches_plain(void **state) {
  (void)state;
  char *a = tmpdir(), *b = tmpdir();
  tm_synth_options o = opts(a, 300, 60, 9, 0.02);
  tm_synth_stats st;
  run_ok(&o, &st);
  o = opts(b, 300, 60, 9, 0.02);
  o.gzip = 1;
  run_ok(&o, &st);
  size_t n;
  char *plain = slurp(path_of(a, "web_events.jsonl"), &n);
  assert_non_null(plain);
  assert_int_equal(access(path_of(b, "web_events.jsonl"), F_OK), -1);
  gzFile z = gzopen(path_of(b, "web_events.jsonl.gz"), "rb");
  assert_non_null(z);
  char *got = malloc(n + 16);
  int k = gzread(z, got, (unsigned)n + 16);
  assert_int_equal(gzclose(z), Z_OK);
  assert_int_equal(k, (int)n);
  assert_memory_equal(got, plain, n);
  size_t ini_n;
  char *ini = slurp(path_of(b, "touchmine.ini"), &ini_n);
  assert_non_null(strstr(ini, "file = web_events.jsonl.gz"));
  free(ini);
  free(got);
  free(plain);
  rm_rf(a);
  rm_rf(b);
  free(a);
  free(b);
}

typedef struct progress {
  int calls, cancel_at;
  bool saw_customers, saw_writing;
  uint64_t last_done;
} progress;

static int on_progress(void *payload, const char *stage, uint64_t done, uint64_t total) {
  progress *p = payload;
  p->calls++;
  if (!strcmp(stage, "customers")) {
    p->saw_customers = true;
    assert_true(done >= p->last_done && done <= total);
    p->last_done = done;
  }
  if (!strcmp(stage, "writing")) p->saw_writing = true;
  return p->cancel_at && p->calls >= p->cancel_at;
}

static void test_synth__progress_reports_and_cancel_stops(void **state) {
  (void)state;
  char *dir = tmpdir();
  progress pr = {0};
  tm_synth_options o = opts(dir, 3000, 30, 3, 0.01);
  o.progress = on_progress;
  o.progress_payload = &pr;
  tm_synth_stats st;
  run_ok(&o, &st);
  assert_true(pr.saw_customers && pr.saw_writing && pr.calls >= 3);
  assert_int_equal(pr.last_done, 3000);
  rm_rf(dir);
  free(dir);
  dir = tmpdir();
  progress cancel = {.cancel_at = 2};
  o.out_dir = dir;
  o.progress_payload = &cancel;
  tm_error err = {0};
  assert_int_equal(tm_synth_run(&st, &o, &err), TM_ECANCELED);
  assert_int_equal(err.code, TM_ECANCELED);
  assert_int_equal(access(path_of(dir, "orders.csv"), F_OK), -1); /* half-written files removed */
  assert_int_equal(access(path_of(dir, "truth.json"), F_OK), -1);
  rm_rf(dir);
  free(dir);
}

static void test_synth__allocation_failures_return_enomem(void **state) {
  (void)state;
  omp_set_num_threads(1);
  char *dir = tmpdir();
  tm_synth_options o = opts(dir, 40, 14, 11, 0.1);
  /* fail the 1st, 2nd, ... allocation, then ever later ones (x1.25 steps)
   * until a run no longer reaches the failing one */
  int failures = 0, rc = TM_ENOMEM;
  for (long n = 0; rc != 0; n += n < 40 ? 1 : n / 4) {
    tm_error err = {0};
    tm_debug_fail_alloc_after(n);
    rc = tm_synth_run(NULL, &o, &err);
    tm_debug_fail_alloc_after(-1);
    assert_true(rc == 0 || rc == TM_ENOMEM);
    if (rc) {
      failures++;
      assert_int_equal(err.code, TM_ENOMEM);
    }
  }
  assert_true(failures > 10);
  omp_set_num_threads(2);
  rm_rf(dir);
  free(dir);
}

/* Feedback and social texts each have a truth label, and ratings agree. */
static void test_synth__sentiment_labels_for_every_text(void **state) {
  fixture *fx = *state;
  json_t *fb = json_object_get(fx->truth, "feedback"), *e;
  size_t i;
  sset pos, neu, neg;
  sset_init(&pos), sset_init(&neu), sset_init(&neg);
  json_array_foreach(fb, i, e) {
    const char *label = json_string_value(json_object_get(e, "label"));
    const char *id = json_string_value(json_object_get(e, "id"));
    double score = json_number_value(json_object_get(e, "score"));
    assert_true(score >= -1 && score <= 1);
    if (!strcmp(label, "positive"))
      assert_true(score > 0), sset_add(&pos, id);
    else if (!strcmp(label, "negative"))
      assert_true(score < 0), sset_add(&neg, id);
    else
      assert_string_equal(label, "neutral"), assert_true(score == 0), sset_add(&neu, id);
  }
  csvrow *r = malloc(sizeof *r);
  static const struct {
    const char *name;
    char delim;
    int text;
  } files[] = {{"feedback.csv", ';', 8}, {"social_mentions.csv", ',', 4}};
  size_t texts = 0;
  bool negation = false, contrast = false, caps = false;
  for (int f = 0; f < 2; f++) {
    lines L;
    read_lines(&L, path_of(fx->dir, files[f].name));
    uint8_t *dm = dirty_map(fx->truth, files[f].name, L.n);
    for (size_t k = 1; k < L.n; k++) {
      if (dm[k + 1]) continue;
      csv_split(r, L.l[k], L.len[k], files[f].delim);
      const char *id = r->f[0];
      int label = sset_has(&pos, id) ? 0 : sset_has(&neu, id) ? 1 : sset_has(&neg, id) ? 2 : -1;
      assert_true(label >= 0);
      texts++;
      const char *t = r->f[files[f].text];
      negation |= strstr(t, "not bad at all") || strstr(t, "ot happy") || strstr(t, "no problem at all");
      contrast |= strstr(t, " but ") != NULL;
      caps |= strstr(t, "!!!") != NULL && strstr(t, "QUALITY") != NULL;
      if (f == 0) {
        bool survey = !strcmp(r->f[1], "survey");
        int v = atoi(survey ? r->f[5] : r->f[6]);
        if (survey)
          assert_true(label == 0 ? v >= 9 : label == 1 ? v == 7 || v == 8 : v <= 6);
        else
          assert_true(label == 0 ? v >= 4 : label == 1 ? v == 3 : v <= 2), assert_true(r->f[7][0]);
      }
    }
    free(dm);
    free_lines(&L);
  }
  assert_int_equal(texts, json_array_size(fb));
  assert_true(negation && contrast);
  (void)caps;
  sset_free(&pos), sset_free(&neu), sset_free(&neg);
  free(r);
}

/* best_auc is the AUC of the customers' true probabilities against their
 * realised labels; it is high but not perfect. */
static void test_synth__churn_best_auc_matches_customers(void **state) {
  fixture *fx = *state;
  json_t *people = json_object_get(fx->truth, "customers"), *p;
  size_t i, n = 0;
  double *s = malloc(sizeof(double) * json_array_size(people));
  int *y = malloc(sizeof(int) * json_array_size(people));
  json_array_foreach(people, i, p) {
    json_t *pn = json_object_get(p, "p_no_purchase");
    if (!pn) continue;
    s[n] = json_number_value(pn);
    y[n++] = json_is_true(json_object_get(p, "no_purchase_in_window"));
    if (json_is_false(json_object_get(p, "alive_at_cutoff"))) assert_true(s[n - 1] == 1.0 && y[n - 1]);
  }
  double wins = 0, pos = 0, neg = 0;
  for (size_t a = 0; a < n; a++)
    pos += y[a], neg += !y[a];
  for (size_t a = 0; a < n; a++)
    if (y[a])
      for (size_t b = 0; b < n; b++)
        if (!y[b]) wins += s[a] > s[b] ? 1.0 : s[a] == s[b] ? 0.5 : 0.0;
  double auc = wins / (pos * neg);
  json_t *churn = json_object_get(fx->truth, "churn");
  assert_int_equal(n, json_integer_value(json_object_get(churn, "eligible_customers")));
  double best = json_real_value(json_object_get(churn, "best_auc"));
  assert_true(fabs(auc - best) < 1e-5);
  assert_true(best > 0.8 && best < 1.0);
  free(s);
  free(y);
}

/* Fraud bursts are in orders.csv as stated; the A/B exposures are the
 * Experiment Viewed messages; segments, seasonality, journeys are recorded. */
static void test_synth__anomalies_ab_test_and_parameters_recorded(void **state) {
  fixture *fx = *state;
  json_t *an = json_object_get(fx->truth, "anomalies"), *a;
  size_t i;
  assert_true(json_array_size(an) >= 2);
  lines L;
  read_lines(&L, path_of(fx->dir, "orders.csv"));
  uint8_t *dm = dirty_map(fx->truth, "orders.csv", L.n);
  csvrow *r = malloc(sizeof *r);
  json_array_foreach(an, i, a) {
    int64_t from, to, ms;
    assert_true(parse_time(json_string_value(json_object_get(a, "from")), T_ISO, &from));
    assert_true(parse_time(json_string_value(json_object_get(a, "to")), T_ISO, &to));
    assert_true(to - from <= 3600 * 1000);
    const char *card = json_string_value(json_object_get(a, "loyalty_card"));
    sset orders;
    sset_init(&orders);
    for (size_t k = 1; k < L.n; k++) {
      if (dm[k + 1]) continue;
      csv_split(r, L.l[k], L.len[k], ',');
      if (strcmp(r->f[5], card)) continue;
      assert_true(parse_time(r->f[2], T_SQL, &ms));
      if (ms >= from - 999 && ms <= to) sset_add(&orders, r->f[1]);
    }
    assert_int_equal(orders.n, json_integer_value(json_object_get(a, "orders")));
    assert_true(orders.n >= 30);
    sset_free(&orders);
  }
  free(dm);
  free_lines(&L);

  read_lines(&L, path_of(fx->dir, "web_events.jsonl"));
  dm = dirty_map(fx->truth, "web_events.jsonl", L.n);
  uint64_t views[2] = {0};
  for (size_t k = 0; k < L.n; k++) {
    if (dm[k + 1] || !strstr(L.l[k], "Experiment Viewed")) continue;
    json_error_t je;
    json_t *m = json_loadb(L.l[k], L.len[k], 0, &je);
    const char *v = json_string_value(json_object_get(json_object_get(m, "properties"), "variant"));
    views[!strcmp(v, "treatment")]++;
    json_decref(m);
  }
  json_t *ab = json_object_get(fx->truth, "ab_test");
  json_t *conv = json_object_get(ab, "converted"), *exp = json_object_get(ab, "exposed");
  /* a converting exposure is an order session, also with its Experiment Viewed */
  assert_int_equal(views[0], json_integer_value(json_object_get(exp, "control")));
  assert_int_equal(views[1], json_integer_value(json_object_get(exp, "treatment")));
  assert_true(json_integer_value(json_object_get(conv, "treatment")) > 0);
  free(dm);
  free_lines(&L);
  free(r);

  json_t *segs = json_object_get(fx->truth, "segments"), *sg;
  assert_true(json_array_size(segs) >= 4 && json_array_size(segs) <= 6);
  double share = 0;
  json_array_foreach(segs, i, sg) {
    share += json_number_value(json_object_get(sg, "share_of_buyers"));
    json_t *bg = json_object_get(sg, "bgnbd");
    assert_true(json_number_value(json_object_get(bg, "r")) > 0);
    double want = json_number_value(json_object_get(sg, "expected_spend_per_order"));
    double got = json_number_value(json_object_get(sg, "realised_mean_order_value"));
    assert_true(fabs(got / want - 1) < 0.25); /* Gamma-Gamma spend survives the baskets */
  }
  assert_true(fabs(share - 1) < 1e-9);
  json_t *season = json_object_get(fx->truth, "seasonality");
  double wsum = 0;
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(season, "weekly"), k, v) wsum += json_number_value(v);
  assert_true(fabs(wsum - 7) < 1e-9);
  json_t *js = json_object_get(fx->truth, "journeys"), *j;
  assert_true(json_array_size(js) >= 2);
  json_array_foreach(js, i, j) {
    double p = json_number_value(json_object_get(j, "planted_probability"));
    double got = json_number_value(json_object_get(j, "share"));
    assert_true(json_integer_value(json_object_get(j, "eligible")) > 50);
    assert_true(fabs(got - p) < 0.12);
  }
}

/* ------------------------------------------------------------------- rng */

static void test_synth__rng_streams_and_distribution_moments(void **state) {
  (void)state;
  tm_rng a, b, c;
  tm_rng_seed(&a, 1, 7);
  tm_rng_seed(&b, 1, 7);
  tm_rng_seed(&c, 1, 8);
  bool differ = false;
  for (int i = 0; i < 100; i++) {
    uint64_t x = tm_rng_next(&a);
    assert_true(x == tm_rng_next(&b));
    differ |= x != tm_rng_next(&c);
  }
  assert_true(differ);
  /* xoshiro256** reference: state {1,2,3,4} gives 11520, 0, 1509978240 */
  tm_rng ref = {{1, 2, 3, 4}};
  assert_true(tm_rng_next(&ref) == 11520);
  assert_true(tm_rng_next(&ref) == 0);
  assert_true(tm_rng_next(&ref) == 1509978240);

  enum { N = 200000 };
  double s1[6] = {0}, s2[6] = {0};
  size_t cat[3] = {0};
  const double w[3] = {1, 0, 3};
  uint64_t below_max = 0;
  for (int i = 0; i < N; i++) {
    double x[6] = {tm_rng_uniform(&a),          tm_rng_normal(&a),
                   tm_rng_gamma(&a, 0.24, 4.4), tm_rng_gamma(&a, 6.25, 2.0),
                   tm_rng_beta(&a, 0.79, 2.4),  (double)tm_rng_poisson(&a, i % 2 ? 3.0 : 40.0)};
    for (int k = 0; k < 6; k++)
      s1[k] += x[k], s2[k] += x[k] * x[k];
    assert_true(x[0] >= 0 && x[0] < 1);
    cat[tm_rng_categorical(&a, w, 3)]++;
    uint64_t u = tm_rng_below(&a, 10);
    assert_true(u < 10);
    below_max += u == 9;
  }
  double m[6], v[6];
  for (int k = 0; k < 6; k++)
    m[k] = s1[k] / N, v[k] = s2[k] / N - m[k] * m[k];
  assert_true(fabs(m[0] - 0.5) < 0.005 && fabs(v[0] - 1.0 / 12) < 0.002);
  assert_true(fabs(m[1]) < 0.01 && fabs(v[1] - 1) < 0.02);
  assert_true(fabs(m[2] - 0.24 / 4.4) < 0.003 && fabs(v[2] - 0.24 / (4.4 * 4.4)) < 0.002);
  assert_true(fabs(m[3] - 3.125) < 0.02 && fabs(v[3] - 6.25 / 4) < 0.05);
  assert_true(fabs(m[4] - 0.79 / 3.19) < 0.003);
  assert_true(fabs(m[5] - 21.5) < 0.05); /* half mean 3, half mean 40 */
  assert_int_equal(cat[1], 0);
  assert_true(fabs((double)cat[2] / N - 0.75) < 0.005);
  assert_true(fabs((double)below_max / N - 0.1) < 0.005);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_synth__check_rejects_bad_options),
      cmocka_unit_test(test_synth__rng_streams_and_distribution_moments),
      cmocka_unit_test(test_synth__same_seed_same_bytes_at_1_and_2_threads),
      cmocka_unit_test(test_synth__other_seed_gives_other_data),
      cmocka_unit_test(test_synth__row_counts_match_truth_and_stats),
      cmocka_unit_test(test_synth__dirty_rate_within_tolerance),
      cmocka_unit_test(test_synth__every_dirty_line_is_dirty_in_its_way),
      cmocka_unit_test(test_synth__clean_rows_do_not_depend_on_dirty_rate),
      cmocka_unit_test(test_synth__truth_identifiers_normalised_unique_and_present),
      cmocka_unit_test(test_synth__basket_rule_lift_matches_recount),
      cmocka_unit_test(test_synth__shared_identifiers_seen_with_many_people),
      cmocka_unit_test(test_synth__sentiment_labels_for_every_text),
      cmocka_unit_test(test_synth__churn_best_auc_matches_customers),
      cmocka_unit_test(test_synth__anomalies_ab_test_and_parameters_recorded),
      cmocka_unit_test(test_synth__gzip_clickstream_matches_plain),
      cmocka_unit_test(test_synth__progress_reports_and_cancel_stops),
      cmocka_unit_test(test_synth__allocation_failures_return_enomem),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
