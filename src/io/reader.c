/*
 * reader.c — the byte reader under every parser: a file, standard input or a
 * caller's buffer, decompressed on the fly when it holds gzip (zlib inflate,
 * any number of concatenated members, as gzip(1) writes with `cat a.gz b.gz`)
 * or zstd (ZSTD_decompressStream, any number of frames).
 *
 * Invariants:
 *  - the format is decided once, at open, from the first bytes (gzip 1f 8b,
 *    zstd 28 b5 2f fd); a name never decides it, so a mislabelled file still
 *    reads, and a plain file that happens to start with those bytes is taken
 *    for compressed data and fails loudly instead of yielding garbage;
 *  - compressed input that ends inside a member / frame, or does not
 *    decompress, is TM_EIO naming the path: a truncated download is an error,
 *    never a silently shorter file;
 *  - zlib allocates through tm_malloc (so fault injection reaches it); libzstd
 *    allocates with malloc because its custom-allocator entry point is in the
 *    experimental, static-linking-only part of its API.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "io/io.h"

/* Source bytes read per syscall (tiny in the fuzz build, see csv.c). */
#ifndef TM_IO_BLOCK
#define TM_IO_BLOCK (256u << 10)
#endif
#define READ_CHUNK ((size_t)TM_IO_BLOCK)

enum { FMT_PLAIN, FMT_GZIP, FMT_ZSTD };

struct tm_reader {
  char *path;  /* for messages: the file name, "<stdin>" or "<memory>" */
  int fd;      /* -1 for a memory reader */
  bool own_fd; /* false for stdin */
  int fmt;
  bool in_eof; /* the underlying source is exhausted */
  bool done;   /* decompressed output is exhausted */

  /* Source bytes not yet handed on: for a memory reader a window on the
   * caller's buffer, for a file the [in_pos, in_len) part of inbuf. */
  const unsigned char *in;
  size_t in_pos, in_len;
  unsigned char *inbuf; /* file readers only */

  uint64_t consumed; /* source bytes handed to the decoder or the caller */
  uint64_t size;

  z_stream zs;
  bool zs_live;   /* inflateInit2 succeeded */
  bool in_member; /* a gzip member has started and not ended */
  ZSTD_DStream *zd;
  size_t zret; /* last ZSTD_decompressStream result: 0 = frame complete */
};

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
  (void)opaque;
  return tm_calloc(items, size);
}
static void z_free(voidpf opaque, voidpf p) {
  (void)opaque;
  tm_free(p);
}

/* Reads more source bytes into inbuf (file readers). Sets in_eof at the end. */
static int fill(tm_reader *r, tm_error *err) {
  if (r->fd < 0) {
    r->in_eof = true;
    return 0;
  }
  if (r->in_pos < r->in_len) {
    memmove(r->inbuf, r->inbuf + r->in_pos, r->in_len - r->in_pos);
    r->in_len -= r->in_pos;
  } else {
    r->in_len = 0;
  }
  r->in_pos = 0;
  while (r->in_len < READ_CHUNK) {
    ssize_t k = read(r->fd, r->inbuf + r->in_len, READ_CHUNK - r->in_len);
    if (k < 0) {
      if (errno == EINTR) continue;
      return tm_error_set(err, TM_EIO, "%s: %s", r->path, strerror(errno));
    }
    if (k == 0) {
      r->in_eof = true;
      break;
    }
    r->in_len += (size_t)k;
    /* One successful read is enough: waiting to fill the whole chunk would
     * stall an interactive pipe. */
    break;
  }
  return 0;
}

/* Decides the format from the first bytes and sets up the decoder. */
static int detect(tm_reader *r, tm_error *err) {
  /* A pipe may deliver the magic in pieces: read until 4 bytes or the end. */
  while (r->in_len - r->in_pos < 4 && !r->in_eof) {
    int rc = fill(r, err);
    if (rc) return rc;
  }
  const unsigned char *p = r->in + r->in_pos;
  size_t n = r->in_len - r->in_pos;
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
    r->fmt = FMT_GZIP;
    r->zs.zalloc = z_alloc;
    r->zs.zfree = z_free;
    r->zs.opaque = NULL;
    /* 15 + 16: gzip wrapper only; the magic already told us it is gzip. */
    int zrc = inflateInit2(&r->zs, 15 + 16);
    if (zrc == Z_MEM_ERROR) return tm_error_nomem(err);
    if (zrc != Z_OK) return tm_error_set(err, TM_EIO, "%s: cannot start gzip decoder", r->path);
    r->zs_live = true;
  } else if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
    r->fmt = FMT_ZSTD;
    r->zd = ZSTD_createDStream();
    if (!r->zd) return tm_error_nomem(err);
    r->zret = 1;
  } else {
    r->fmt = FMT_PLAIN;
  }
  return 0;
}

static int open_common(tm_reader **out, tm_reader *r, tm_error *err) {
  int rc = detect(r, err);
  if (rc) {
    tm_reader_close(r);
    return rc;
  }
  *out = r;
  return 0;
}

int tm_reader_open(tm_reader **out, const char *path, tm_error *err) {
  *out = NULL;
  tm_reader *r = tm_calloc(1, sizeof *r);
  if (!r) return tm_error_nomem(err);
  r->fd = -1;
  bool is_stdin = strcmp(path, "-") == 0;
  r->path = tm_strdup(is_stdin ? "<stdin>" : path);
  r->inbuf = tm_malloc(READ_CHUNK);
  if (!r->path || !r->inbuf) {
    tm_reader_close(r);
    return tm_error_nomem(err);
  }
  r->in = r->inbuf;
  if (is_stdin) {
    r->fd = STDIN_FILENO;
  } else {
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
      int e = errno;
      tm_reader_close(r);
      return tm_error_set(err, TM_EIO, "%s: %s", path, strerror(e));
    }
    r->own_fd = true;
  }
  struct stat st;
  if (fstat(r->fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      tm_reader_close(r);
      return tm_error_set(err, TM_EIO, "%s: is a directory", path);
    }
    if (S_ISREG(st.st_mode)) r->size = (uint64_t)st.st_size;
  }
  return open_common(out, r, err);
}

int tm_reader_open_mem(tm_reader **out, const void *data, size_t len, tm_error *err) {
  *out = NULL;
  tm_reader *r = tm_calloc(1, sizeof *r);
  if (!r) return tm_error_nomem(err);
  r->fd = -1;
  r->path = tm_strdup("<memory>");
  if (!r->path) {
    tm_reader_close(r);
    return tm_error_nomem(err);
  }
  r->in = data ? data : (const unsigned char *)"";
  r->in_len = data ? len : 0;
  r->in_eof = true;
  r->size = r->in_len;
  return open_common(out, r, err);
}

static int read_plain(tm_reader *r, unsigned char *buf, size_t cap, size_t *got, tm_error *err) {
  if (r->in_pos < r->in_len) { /* what detection or a memory window holds */
    size_t k = TM_MIN(cap, r->in_len - r->in_pos);
    memcpy(buf, r->in + r->in_pos, k);
    r->in_pos += k;
    r->consumed += k;
    *got = k;
    return 0;
  }
  if (r->in_eof) {
    r->done = true;
    return 0;
  }
  /* Straight into the caller's buffer: no copy on the common path. */
  for (;;) {
    ssize_t k = read(r->fd, buf, cap);
    if (k < 0) {
      if (errno == EINTR) continue;
      return tm_error_set(err, TM_EIO, "%s: %s", r->path, strerror(errno));
    }
    if (k == 0) {
      r->in_eof = r->done = true;
      return 0;
    }
    r->consumed += (uint64_t)k;
    *got = (size_t)k;
    return 0;
  }
}

static int read_gzip(tm_reader *r, unsigned char *buf, size_t cap, size_t *got, tm_error *err) {
  size_t produced = 0;
  while (produced == 0) {
    if (r->in_pos == r->in_len) {
      if (!r->in_eof) {
        int rc = fill(r, err);
        if (rc) return rc;
        continue;
      }
      if (r->in_member) return tm_error_set(err, TM_EIO, "%s: truncated gzip data", r->path);
      r->done = true;
      break;
    }
    size_t avail = r->in_len - r->in_pos;
    uInt in_n = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
    uInt out_n = cap > UINT32_MAX ? UINT32_MAX : (uInt)cap;
    r->zs.next_in = (Bytef *)(r->in + r->in_pos);
    r->zs.avail_in = in_n;
    r->zs.next_out = buf;
    r->zs.avail_out = out_n;
    r->in_member = true;
    int zrc = inflate(&r->zs, Z_NO_FLUSH);
    size_t used = in_n - r->zs.avail_in;
    r->in_pos += used;
    r->consumed += used;
    produced = out_n - r->zs.avail_out;
    if (zrc == Z_STREAM_END) {
      /* Another member may follow (concatenated .gz files). */
      r->in_member = false;
      if (inflateReset(&r->zs) != Z_OK)
        return tm_error_set(err, TM_EIO, "%s: cannot restart gzip decoder", r->path);
    } else if (zrc == Z_MEM_ERROR) {
      return tm_error_nomem(err);
    } else if (zrc != Z_OK && !(zrc == Z_BUF_ERROR && r->zs.avail_in == 0)) {
      return tm_error_set(err, TM_EIO, "%s: corrupt gzip data (%s)", r->path,
                          r->zs.msg ? r->zs.msg : "inflate failed");
    }
  }
  *got = produced;
  return 0;
}

static int read_zstd(tm_reader *r, unsigned char *buf, size_t cap, size_t *got, tm_error *err) {
  size_t produced = 0;
  while (produced == 0) {
    if (r->in_pos == r->in_len && r->zret != 0) {
      /* The decoder may still hold output for the input it has: drain it
       * before asking for more. */
      ZSTD_inBuffer zin = {r->in + r->in_pos, 0, 0};
      ZSTD_outBuffer zout = {buf, cap, 0};
      size_t zr = ZSTD_decompressStream(r->zd, &zout, &zin);
      if (ZSTD_isError(zr))
        return tm_error_set(err, TM_EIO, "%s: corrupt zstd data (%s)", r->path, ZSTD_getErrorName(zr));
      r->zret = zr;
      produced = zout.pos;
      if (produced) break;
    }
    if (r->in_pos == r->in_len) {
      if (!r->in_eof) {
        int rc = fill(r, err);
        if (rc) return rc;
        continue;
      }
      if (r->zret != 0) return tm_error_set(err, TM_EIO, "%s: truncated zstd data", r->path);
      r->done = true;
      break;
    }
    ZSTD_inBuffer zin = {r->in + r->in_pos, r->in_len - r->in_pos, 0};
    ZSTD_outBuffer zout = {buf, cap, 0};
    size_t zr = ZSTD_decompressStream(r->zd, &zout, &zin);
    if (ZSTD_isError(zr))
      return tm_error_set(err, TM_EIO, "%s: corrupt zstd data (%s)", r->path, ZSTD_getErrorName(zr));
    r->zret = zr;
    r->in_pos += zin.pos;
    r->consumed += zin.pos;
    produced = zout.pos;
  }
  *got = produced;
  return 0;
}

int tm_reader_read(tm_reader *r, void *buf, size_t cap, size_t *got, tm_error *err) {
  *got = 0;
  if (r->done || cap == 0) return 0;
  switch (r->fmt) {
  case FMT_GZIP: return read_gzip(r, buf, cap, got, err);
  case FMT_ZSTD: return read_zstd(r, buf, cap, got, err);
  default: return read_plain(r, buf, cap, got, err);
  }
}

uint64_t tm_reader_offset(const tm_reader *r) { return r->consumed; }
uint64_t tm_reader_size(const tm_reader *r) { return r->size; }

void tm_reader_close(tm_reader *r) {
  if (!r) return;
  if (r->zs_live) inflateEnd(&r->zs);
  if (r->zd) ZSTD_freeDStream(r->zd);
  if (r->own_fd && r->fd >= 0) close(r->fd);
  tm_free(r->inbuf);
  tm_free(r->path);
  tm_free(r);
}
