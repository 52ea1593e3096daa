/*
 * writer.c — the generator's output path: growing buffers, hand-rolled number
 * and time formatting (printf is too slow for tens of millions of rows and
 * depends on the locale), CSV and JSON quoting, and output files — plain, or
 * gzip built from chunks deflated in parallel and stitched into one member
 * the way pigz does it (each chunk a raw deflate stream ended by a sync flush,
 * then an empty final block, the combined CRC and the length).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "synth/synth_int.h"

/* ----------------------------------------------------------------- buffers */

bool sy_buf_grow(sy_buf *b, size_t extra) {
  if (b->oom || b->fixed) {
    b->oom = true;
    return false;
  }
  size_t need = b->len + extra, cap = b->cap ? b->cap : 4096;
  while (cap < need)
    cap *= 2;
  char *p = tm_realloc(b->p, cap);
  if (!p) {
    b->oom = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

void sy_buf_free(sy_buf *b) {
  tm_free(b->p);
  memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------------ numbers */

void sy_u64(sy_buf *b, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[23 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  sy_put(b, tmp + 24 - n, (size_t)n);
}

void sy_i64(sy_buf *b, int64_t v) {
  if (v < 0) {
    sy_putc(b, '-');
    sy_u64(b, (uint64_t)0 - (uint64_t)v);
  } else {
    sy_u64(b, (uint64_t)v);
  }
}

void sy_u64w(sy_buf *b, uint64_t v, int width) {
  char tmp[24];
  int n = 0;
  do {
    tmp[23 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v && n < 24);
  while (n < width && n < 24)
    tmp[23 - n++] = '0';
  sy_put(b, tmp + 24 - n, (size_t)n);
}

void sy_money(sy_buf *b, int64_t pence) {
  if (pence < 0) {
    sy_putc(b, '-');
    pence = -pence;
  }
  sy_u64(b, (uint64_t)pence / 100);
  sy_putc(b, '.');
  sy_u64w(b, (uint64_t)pence % 100, 2);
}

void sy_fixed(sy_buf *b, double v, int decimals) {
  static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  if (!isfinite(v)) {
    SY_LIT(b, "0");
    return;
  }
  double s = v * pow10[decimals];
  if (fabs(s) > 9e18) {
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    sy_put(b, tmp, (size_t)n);
    return;
  }
  long long q = llround(s);
  if (q < 0) {
    sy_putc(b, '-');
    q = -q;
  }
  uint64_t ip = (uint64_t)q / (uint64_t)pow10[decimals];
  sy_u64(b, ip);
  if (decimals) {
    sy_putc(b, '.');
    sy_u64w(b, (uint64_t)q % (uint64_t)pow10[decimals], decimals);
  }
}

/* -------------------------------------------------------------- quoting */

void sy_json_str(sy_buf *b, const char *s) {
  static const char hx[] = "0123456789abcdef";
  sy_putc(b, '"');
  const char *run = s;
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    sy_put(b, run, (size_t)(s - run));
    run = s + 1;
    switch (ch) {
    case '"': SY_LIT(b, "\\\""); break;
    case '\\': SY_LIT(b, "\\\\"); break;
    case '\n': SY_LIT(b, "\\n"); break;
    case '\t': SY_LIT(b, "\\t"); break;
    default: {
      char u[6] = {'\\', 'u', '0', '0', hx[ch >> 4], hx[ch & 15]};
      sy_put(b, u, 6);
    }
    }
  }
  sy_put(b, run, (size_t)(s - run));
  sy_putc(b, '"');
}

void sy_csv_field(sy_buf *b, const char *s, size_t n, char delim) {
  bool quote = false;
  for (size_t i = 0; i < n; i++)
    if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
      quote = true;
      break;
    }
  if (!quote) {
    sy_put(b, s, n);
    return;
  }
  sy_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '"') {
      sy_put(b, s + run, i + 1 - run);
      sy_putc(b, '"');
      run = i + 1;
    }
  sy_put(b, s + run, n - run);
  sy_putc(b, '"');
}

/* A bijection on 62 bits: odd multipliers and xor-shifts, all mod 2^62. */
static uint64_t mix62(uint64_t x) {
  const uint64_t m = (1ULL << 62) - 1;
  x = (x + 0x2545f4914f6cdd1dULL) & m; /* so that key 0 does not map to 0 */
  x = (x ^ (x >> 31)) * 0x7fb5d329728ea185ULL & m;
  x = (x ^ (x >> 27)) * 0x81dadef4bc2dd44dULL & m;
  return x ^ (x >> 33);
}

void sy_uuid_str(char out[37], uint64_t key, uint64_t hi) {
  static const char hx[] = "0123456789abcdef";
  uint64_t lo = mix62(key);
  /* hi: 32-16-(4 version)-12 ; lo: (2 variant) 14 - 48 */
  uint64_t h = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  uint64_t l = lo | 0x8000000000000000ULL;
  int o = 0;
  for (int i = 15; i >= 0; i--) {
    out[o++] = hx[(h >> (i * 4)) & 15];
    if (i == 8 || i == 4) out[o++] = '-';
  }
  out[o++] = '-';
  for (int i = 15; i >= 0; i--) {
    out[o++] = hx[(l >> (i * 4)) & 15];
    if (i == 12) out[o++] = '-';
  }
  out[o] = '\0';
}

void sy_uuid(sy_buf *b, uint64_t key, uint64_t hi) {
  char u[37];
  sy_uuid_str(u, key, hi);
  sy_put(b, u, 36);
}

/* -------------------------------------------------------------------- time */

/* H. Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
int64_t sy_days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void sy_civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

static inline void put2(sy_buf *b, int v) {
  char t[2] = {(char)('0' + v / 10), (char)('0' + v % 10)};
  sy_put(b, t, 2);
}

void sy_fmt_time(sy_buf *b, sy_tfmt f, int64_t ms, int off_min) {
  if (f == SY_T_EPOCH_S) {
    sy_i64(b, ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
    return;
  }
  if (f == SY_T_EPOCH_MS) {
    sy_i64(b, ms);
    return;
  }
  int64_t local = f == SY_T_ISO_OFF ? ms + (int64_t)off_min * SY_MIN_MS : ms;
  int64_t days = local >= 0 ? local / SY_DAY_MS : -((-local + SY_DAY_MS - 1) / SY_DAY_MS);
  int64_t rem = local - days * SY_DAY_MS;
  int y, mo, d;
  sy_civil_from_days(days, &y, &mo, &d);
  int h = (int)(rem / SY_HOUR_MS), mi = (int)(rem / SY_MIN_MS % 60), s = (int)(rem / 1000 % 60);
  int msec = (int)(rem % 1000);
  switch (f) {
  case SY_T_DMY_HM:
    put2(b, d);
    sy_putc(b, '/');
    put2(b, mo);
    sy_putc(b, '/');
    sy_u64w(b, (uint64_t)y, 4);
    sy_putc(b, ' ');
    put2(b, h);
    sy_putc(b, ':');
    put2(b, mi);
    return;
  default: break;
  }
  sy_u64w(b, (uint64_t)y, 4);
  sy_putc(b, '-');
  put2(b, mo);
  sy_putc(b, '-');
  put2(b, d);
  if (f == SY_T_DATE) return;
  sy_putc(b, f == SY_T_SQL ? ' ' : 'T');
  put2(b, h);
  sy_putc(b, ':');
  put2(b, mi);
  sy_putc(b, ':');
  put2(b, s);
  if (f == SY_T_SQL) return;
  if (f == SY_T_ISO_Z) {
    sy_putc(b, 'Z');
    return;
  }
  sy_putc(b, '.');
  sy_u64w(b, (uint64_t)msec, 3);
  int a = off_min < 0 ? -off_min : off_min;
  sy_putc(b, off_min < 0 ? '-' : '+');
  put2(b, a / 60);
  sy_putc(b, ':');
  put2(b, a % 60);
}

/* ------------------------------------------------------------------ files */

char *sy_path(const char *dir, const char *name) {
  size_t a = strlen(dir), n = strlen(name);
  char *p = tm_malloc(a + n + 2);
  if (!p) return NULL;
  memcpy(p, dir, a);
  size_t o = a;
  if (a && dir[a - 1] != '/') p[o++] = '/';
  memcpy(p + o, name, n + 1);
  return p;
}

int sy_out_open(sy_out *o, const char *dir, const char *name, bool gzip, tm_error *err) {
  memset(o, 0, sizeof *o);
  o->path = sy_path(dir, name);
  if (!o->path) return tm_error_nomem(err);
  o->f = fopen(o->path, "wb");
  if (!o->f) {
    int e = errno;
    int rc = tm_error_set(err, TM_EIO, "%s: %s", o->path, strerror(e));
    tm_free(o->path);
    o->path = NULL;
    return rc;
  }
  o->gzip = gzip;
  o->crc = (uint32_t)crc32(0L, Z_NULL, 0);
  if (gzip) {
    /* gzip header: deflate, no flags, mtime 0 (reproducible), OS unix */
    static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    if (fwrite(hdr, 1, sizeof hdr, o->f) != sizeof hdr)
      return tm_error_set(err, TM_EIO, "%s: %s", o->path, strerror(errno));
  }
  return 0;
}

int sy_out_write(sy_out *o, const void *p, size_t n, tm_error *err) {
  if (n && fwrite(p, 1, n, o->f) != n) return tm_error_set(err, TM_EIO, "%s: %s", o->path, strerror(errno));
  o->raw_len += n;
  return 0;
}

int sy_out_write_deflated(sy_out *o, const sy_buf *z, uint32_t crc, size_t raw_len, tm_error *err) {
  if (z->len && fwrite(z->p, 1, z->len, o->f) != z->len)
    return tm_error_set(err, TM_EIO, "%s: %s", o->path, strerror(errno));
  o->crc = (uint32_t)crc32_combine(o->crc, crc, (z_off_t)raw_len);
  o->raw_len += raw_len;
  return 0;
}

int sy_out_close(sy_out *o, tm_error *err) {
  if (!o->f) return 0;
  int rc = 0;
  if (o->gzip) {
    /* an empty final fixed-Huffman block, then CRC-32 and ISIZE, little-endian */
    unsigned char t[10] = {0x03, 0x00};
    for (int i = 0; i < 4; i++)
      t[2 + i] = (unsigned char)(o->crc >> (8 * i));
    for (int i = 0; i < 4; i++)
      t[6 + i] = (unsigned char)(o->raw_len >> (8 * i));
    if (fwrite(t, 1, sizeof t, o->f) != sizeof t) rc = -1;
  }
  if (fclose(o->f) != 0) rc = -1;
  o->f = NULL;
  if (rc) {
    rc = tm_error_set(err, TM_EIO, "%s: %s", o->path, strerror(errno));
    remove(o->path);
  }
  tm_free(o->path);
  o->path = NULL;
  return rc;
}

void sy_out_abort(sy_out *o) {
  if (o->f) {
    fclose(o->f);
    o->f = NULL;
    if (o->path) remove(o->path);
  }
  tm_free(o->path);
  o->path = NULL;
}

bool sy_deflate(sy_buf *dst, const char *src, size_t n, uint32_t *crc) {
  dst->len = 0;
  *crc = (uint32_t)crc32(0L, Z_NULL, 0);
  /* crc32 takes uInt lengths: feed big inputs in pieces */
  for (size_t o = 0; o < n;) {
    size_t k = n - o > (1u << 30) ? (1u << 30) : n - o;
    *crc = (uint32_t)crc32(*crc, (const Bytef *)src + o, (uInt)k);
    o += k;
  }
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  /* level 3: about 3x faster than the default at a few percent more bytes */
  if (deflateInit2(&zs, 3, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  size_t bound = deflateBound(&zs, (uLong)n) + 64;
  if (dst->cap < bound && !sy_buf_grow(dst, bound)) {
    deflateEnd(&zs);
    return false;
  }
  zs.next_in = (Bytef *)(uintptr_t)src;
  zs.avail_in = (uInt)n;
  zs.next_out = (Bytef *)dst->p;
  zs.avail_out = (uInt)dst->cap;
  int zr = deflate(&zs, Z_SYNC_FLUSH);
  dst->len = dst->cap - zs.avail_out;
  deflateEnd(&zs);
  return zr == Z_OK && zs.avail_in == 0;
}
