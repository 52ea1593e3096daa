/*
 * ingest.c — one ingest run: every file of every chosen source, read, mapped,
 * validated and loaded inside ONE transaction, then the identity graph
 * resolved, then commit. A failure, a cancel or a kill before the commit leaves
 * the warehouse exactly as it was (SQLite's WAL discards the uncommitted
 * frames).
 *
 * Invariant: for every file, read = loaded + rejected; every rejected row is in
 * the rejects table with file, line, reason and raw text.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <errno.h>
#include <glob.h>
#include <sodium.h>
#include <stdio.h>
#include <time.h>

#include "ingest/loader.h"
#include "io/io.h"

typedef struct run {
  loader ld;
  tm_json *json; /* one parser for the run: its arena is reused by every message */
  const tm_ingest_options *opt;
  tm_warehouse *wh;
  const tm_config *cfg;
  uint64_t rows_since_progress;
  unsigned files, files_skipped;
} run;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int progress(run *R, const char *stage, tm_reader *rd, tm_error *err) {
  if (!R->opt->progress || ++R->rows_since_progress < 65536) return 0;
  R->rows_since_progress = 0;
  if (R->opt->progress(R->opt->progress_payload, stage, rd ? tm_reader_offset(rd) : 0,
                       rd ? tm_reader_size(rd) : 0))
    return tm_error_set(err, TM_ECANCELED, "ingest canceled; the warehouse is unchanged");
  return 0;
}

/* XXH3-128 of the file's bytes, as 32 hex digits. */
static int file_checksum(const char *path, char hex[33], uint64_t *bytes, tm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return tm_error_set(err, TM_EIO, "cannot open %s: %s", path, strerror(errno));
  XXH3_state_t *st = XXH3_createState();
  unsigned char *buf = tm_malloc(1 << 20);
  if (!st || !buf) {
    fclose(f);
    XXH3_freeState(st);
    tm_free(buf);
    return tm_error_nomem(err);
  }
  XXH3_128bits_reset(st);
  size_t n;
  *bytes = 0;
  while ((n = fread(buf, 1, 1 << 20, f)) > 0) {
    XXH3_128bits_update(st, buf, n);
    *bytes += n;
  }
  int bad = ferror(f);
  fclose(f);
  XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  tm_free(buf);
  if (bad) return tm_error_set(err, TM_EIO, "cannot read %s", path);
  snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
  return 0;
}

/* ------------------------------------------------------------------- CSV */

static int ingest_csv(run *R, const source_cfg *src, const char *path, tm_reader *rd, tm_error *err) {
  tm_csv *csv;
  tm_csv_record rec;
  csv_map map = {0};
  int rc = tm_csv_open(&csv, rd, src->delimiter, err);
  if (rc) return rc;
  rc = tm_csv_next(csv, &rec, err);
  if (rc <= 0 || rec.malformed) {
    tm_csv_close(csv);
    if (rc < 0) return rc;
    return rc == 0 ? 0 /* an empty file loads nothing */
                   : tm_error_set(err, TM_EFORMAT, "%s:%llu: the header cannot be read: %s", path,
                                  (unsigned long long)rec.line, rec.malformed);
  }
  if ((rc = csv_map_init(&map, src, rec.field, rec.len, rec.nfields, path, err))) {
    tm_csv_close(csv);
    return rc;
  }
  tm_record *r = tm_malloc(sizeof *r);
  if (!r) {
    csv_map_fini(&map);
    tm_csv_close(csv);
    return tm_error_nomem(err);
  }
  while ((rc = tm_csv_next(csv, &rec, err)) == 1) {
    if (rec.malformed) {
      int kind = strstr(rec.malformed, "longer") ? R_TOO_LONG : R_MALFORMED;
      rc = loader_reject_unread(&R->ld, kind, rec.malformed, path, rec.line, rec.raw, rec.raw_len, err);
    } else if (rec.nfields != map.nheader) {
      char reason[96];
      snprintf(reason, sizeof reason, "%s: expected %zu fields, found %zu", tm_reason_names[R_COLUMNS],
               map.nheader, rec.nfields);
      rc = loader_reject_unread(&R->ld, R_COLUMNS, reason, path, rec.line, rec.raw, rec.raw_len, err);
    } else {
      r->nids = r->nattrs = r->scratch_used = 0;
      memset(r->f, 0, sizeof r->f);
      memset(r->alt, 0, sizeof r->alt);
      r->rule = 0;
      r->no_event = false;
      r->reject = NULL;
      record_from_csv(r, src, &map, rec.field, rec.len, rec.nfields);
      record_finish(r, src);
      rc = loader_row(&R->ld, r, path, rec.line, rec.raw, rec.raw_len, err);
    }
    if (rc || (rc = progress(R, src->name, rd, err))) break;
  }
  tm_free(r);
  csv_map_fini(&map);
  tm_csv_close(csv);
  return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------ JSON */

static int json_message(run *R, const source_cfg *src, tm_record *r, const tm_jval *msg, const char *path,
                        uint64_t line, tm_error *err) {
  size_t rawlen;
  const char *raw = tm_jval_raw(msg, &rawlen); /* a batch element's own bytes */
  r->nids = r->nattrs = r->scratch_used = 0;
  memset(r->f, 0, sizeof r->f);
  memset(r->alt, 0, sizeof r->alt);
  r->rule = 0;
  r->no_event = false;
  r->reject = NULL;
  if (tm_jval_type(msg) != TM_JOBJ) r->reject = "malformed record: a JSON value that is not an object";
  else if (src->format == SRC_SEGMENT) record_from_segment(r, src, msg);
  else record_from_json(r, src, msg);
  record_finish(r, src);
  return loader_row(&R->ld, r, path, line, raw, rawlen, err);
}

static int ingest_json(run *R, const source_cfg *src, const char *path, tm_reader *rd, tm_error *err) {
  tm_jsonsplit *js;
  tm_json_text val;
  int rc = tm_jsonsplit_open(&js, rd, err);
  if (rc) return rc;
  tm_record *r = tm_malloc(sizeof *r);
  if (!r) {
    tm_jsonsplit_close(js);
    return tm_error_nomem(err);
  }
  while ((rc = tm_jsonsplit_next(js, &val, err)) == 1) {
    const tm_jval *doc = NULL;
    tm_error perr = {0};
    if (val.malformed) {
      char reason[240];
      snprintf(reason, sizeof reason, "%s: %s", tm_reason_names[R_MALFORMED], val.malformed);
      rc = loader_reject_unread(&R->ld, R_MALFORMED, reason, path, val.line, val.text, val.len, err);
    } else if (!tm_utf8_valid(val.text, val.len)) {
      /* JSON text is UTF-8 (RFC 8259) */
      rc = loader_reject_unread(&R->ld, R_UTF8, "invalid UTF-8: (bytes) in the message", path, val.line, val.text,
                                val.len, err);
    } else if ((rc = tm_json_parse(R->json, val.text, val.len, &doc, &perr)) != 0) {
      if (rc == TM_ENOMEM) {
        rc = tm_error_nomem(err);
      } else {
        char reason[600];
        snprintf(reason, sizeof reason, "%s: %.500s", tm_reason_names[R_MALFORMED], perr.message);
        rc = loader_reject_unread(&R->ld, R_MALFORMED, reason, path, val.line, val.text, val.len, err);
      }
    } else {
      const tm_jval *batch = tm_jval_type(doc) == TM_JOBJ ? tm_jval_get(doc, "batch") : NULL;
      const tm_jval *list = tm_jval_type(batch) == TM_JARR ? batch : tm_jval_type(doc) == TM_JARR ? doc : NULL;
      if (list) { /* a batch document: each message is a row of its own */
        for (size_t i = 0, n = tm_jval_count(list); i < n && !rc; i++)
          rc = json_message(R, src, r, tm_jval_at(list, i), path, val.line, err);
      } else {
        rc = json_message(R, src, r, doc, path, val.line, err);
      }
    }
    if (rc || (rc = progress(R, src->name, rd, err))) break;
  }
  tm_free(r);
  tm_jsonsplit_close(js);
  return rc < 0 ? rc : 0;
}

/* ----------------------------------------------------------------- files */

static int log_file(run *R, const char *path, const char *sum, uint64_t bytes, const loader_stats *before,
                    tm_error *err) {
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(R->wh, &st,
                         "INSERT INTO ingest_files(run_id, source_id, path, checksum, bytes, read, "
                         "loaded, rejected) VALUES(?,?,?,?,?,?,?,?)",
                         err);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, R->ld.run_id);
  sqlite3_bind_int64(st, 2, R->ld.source_id);
  sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, sum, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, (int64_t)bytes);
  sqlite3_bind_int64(st, 6, (int64_t)(R->ld.source.read - before->read));
  sqlite3_bind_int64(st, 7, (int64_t)(R->ld.source.loaded - before->loaded));
  sqlite3_bind_int64(st, 8, (int64_t)(R->ld.source.rejected - before->rejected));
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  /* the same bytes twice in one run (two globs naming one file) are skipped */
  return rc == SQLITE_DONE ? 0 : tm_wh_fail(R->wh, err, "writing the ingest log");
}

static int seen_before(run *R, const char *sum, bool *seen, tm_error *err) {
  sqlite3_stmt *st;
  int rc = tm_wh_prepare(R->wh, &st, "SELECT 1 FROM ingest_files WHERE source_id = ? AND checksum = ?", err);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, R->ld.source_id);
  sqlite3_bind_text(st, 2, sum, -1, SQLITE_STATIC);
  *seen = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return 0;
}

static int ingest_file(run *R, const source_cfg *src, const char *path, tm_error *err) {
  char sum[33];
  uint64_t bytes = 0;
  bool seen;
  int rc = file_checksum(path, sum, &bytes, err);
  if (!rc) rc = loader_flush(&R->ld, err); /* the writer owns the connection until flushed */
  if (!rc) rc = seen_before(R, sum, &seen, err);
  if (rc) return rc;
  if (seen) {
    R->files_skipped++;
    return 0;
  }
  R->files++;
  loader_stats before = R->ld.source;
  tm_reader *rd;
  if ((rc = tm_reader_open(&rd, path, err))) return rc;
  rc = src->format == SRC_CSV ? ingest_csv(R, src, path, rd, err) : ingest_json(R, src, path, rd, err);
  tm_reader_close(rd);
  if (!rc) rc = loader_flush(&R->ld, err);
  if (!rc) rc = log_file(R, path, sum, bytes, &before, err);
  return rc;
}

static int ingest_source(run *R, const source_cfg *src, tm_error *err) {
  int rc = loader_begin_source(&R->ld, src, err);
  for (size_t i = 0; !rc && i < src->nfiles; i++) {
    char pattern[4096];
    glob_t g;
    if (src->files[i][0] == '/')
      snprintf(pattern, sizeof pattern, "%s", src->files[i]);
    else
      snprintf(pattern, sizeof pattern, "%s/%s", R->cfg->dir, src->files[i]);
    int grc = glob(pattern, 0, NULL, &g); /* sorted: a stable order */
    if (grc == GLOB_NOMATCH)
      return tm_error_set(err, TM_EIO, "[source %s]: no file matches %s", src->name, pattern);
    if (grc != 0) return tm_error_set(err, TM_EIO, "[source %s]: cannot list %s", src->name, pattern);
    for (size_t k = 0; !rc && k < g.gl_pathc; k++) rc = ingest_file(R, src, g.gl_pathv[k], err);
    globfree(&g);
  }
  if (!rc) rc = loader_end_source(&R->ld, err);
  return rc;
}

/* ----------------------------------------------------------------- output */

static int add_stats_doc(tm_doc **out, run *R, const tm_idgraph_stats *ist, double secs,
                         tm_table *sources) {
  tm_doc *d = NULL;
  tm_table *reasons = NULL;
  const loader_stats *t = &R->ld.total;
  if (tm_doc_new(&d, "touchmine ingest")) goto oom;
  if (tm_doc_set_int(d, "run_id", R->ld.run_id) || tm_doc_set_int(d, "read", (int64_t)t->read) ||
      tm_doc_set_int(d, "loaded", (int64_t)t->loaded) || tm_doc_set_int(d, "rejected", (int64_t)t->rejected) ||
      tm_doc_set_int(d, "duplicates", (int64_t)t->duplicates) ||
      tm_doc_set_int(d, "files", R->files) || tm_doc_set_int(d, "files_skipped", R->files_skipped) ||
      tm_doc_set_int(d, "events", (int64_t)t->events) || tm_doc_set_int(d, "order_lines", (int64_t)t->lines) ||
      tm_doc_set_int(d, "identities", (int64_t)ist->identities) ||
      tm_doc_set_int(d, "identities_new", (int64_t)ist->identities_new) ||
      tm_doc_set_int(d, "customers", (int64_t)ist->customers) ||
      tm_doc_set_int(d, "merges", (int64_t)ist->merges) ||
      tm_doc_set_int(d, "quarantined", (int64_t)ist->quarantined) ||
      tm_doc_set_real(d, "seconds", secs) ||
      tm_doc_set_real(d, "rows_per_second", secs > 0 ? (double)t->read / secs : 0))
    goto oom;
  if (tm_doc_add_table(d, sources)) {
    sources = NULL;
    goto oom;
  }
  sources = NULL;
  if (tm_table_new(&reasons, "reject_reasons", "Rejected rows by reason") ||
      tm_table_add_col(reasons, "reason", TM_COL_STR) < 0 ||
      tm_table_add_col(reasons, "rows", TM_COL_INT) < 0 || tm_table_add_col(reasons, "share", TM_COL_SHARE) < 0)
    goto oom;
  for (;;) { /* largest first */
    int best = -1;
    for (int k = 0; k < REASON_KINDS; k++)
      if (R->ld.reason_count[k] && (best < 0 || R->ld.reason_count[k] > R->ld.reason_count[best])) best = k;
    if (best < 0) break;
    if (tm_table_add_row(reasons) || tm_table_set_str(reasons, 0, tm_reason_names[best]) ||
        tm_table_set_int(reasons, 1, (int64_t)R->ld.reason_count[best]) ||
        tm_table_set_real(reasons, 2, (double)R->ld.reason_count[best] / (double)(t->read ? t->read : 1)))
      goto oom;
    R->ld.reason_count[best] = 0;
  }
  if (tm_doc_add_table(d, reasons)) {
    reasons = NULL;
    goto oom;
  }
  *out = d;
  return 0;
oom:
  tm_table_free(sources);
  tm_table_free(reasons);
  tm_doc_free(d);
  return TM_ENOMEM;
}

static int source_row(tm_table *t, const source_cfg *src, const loader_stats *s, unsigned files,
                      unsigned skipped) {
  return tm_table_add_row(t) || tm_table_set_str(t, 0, src->name) || tm_table_set_int(t, 1, files) ||
         tm_table_set_int(t, 2, skipped) || tm_table_set_int(t, 3, (int64_t)s->read) ||
         tm_table_set_int(t, 4, (int64_t)s->loaded) || tm_table_set_int(t, 5, (int64_t)s->rejected) ||
         tm_table_set_int(t, 6, (int64_t)s->duplicates);
}

/* ------------------------------------------------------------------- run */

int tm_pseudonymize_key_load(unsigned char key[32], const char *path, tm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return tm_error_set(err, TM_EIO, "cannot open key file %s: %s", path, strerror(errno));
  unsigned char buf[129];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (n == 32) { /* raw bytes, any of which may look like white space */
    memcpy(key, buf, 32);
    return 0;
  }
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
  size_t bin_len;
  if (n == 64 && sodium_hex2bin(key, 32, (const char *)buf, n, NULL, &bin_len, NULL) == 0 && bin_len == 32)
    return 0;
  return tm_error_set(err, TM_EINVAL, "%s: a key file holds 32 bytes or 64 hex digits (make one with: "
                      "head -c 32 /dev/urandom > key)", path);
}

int tm_ingest_run(tm_doc **out, tm_warehouse *wh, const tm_config *cfg, const tm_ingest_options *opt,
                  tm_error *err) {
  static const tm_ingest_options defaults = TM_INGEST_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  if (wh->readonly) return tm_error_set(err, TM_EINVAL, "the warehouse is open read-only");
  for (size_t i = 0; i < opt->n_only; i++) {
    bool found = false;
    for (size_t k = 0; k < cfg->nsources; k++) found |= !strcmp(cfg->sources[k].name, opt->only[i]);
    if (!found) return tm_error_set(err, TM_EINVAL, "no [source %s] in %s", opt->only[i], cfg->path);
  }
  if (opt->pseudonymize_key && sodium_init() < 0) return tm_error_set(err, TM_EINVAL, "libsodium failed to start");
  double t0 = now_s();
  run R = {.opt = opt, .wh = wh, .cfg = cfg};
  tm_idgraph *graph = NULL;
  tm_table *sources = NULL;
  tm_idgraph_stats ist = {0};
  int64_t run_id = 0;
  /* Facts are appended, never read back during the run: a small page cache
   * that spills to the WAL recycles its pages instead of growing (and
   * faulting in) hundreds of megabytes. */
  int rc = tm_wh_exec(wh, "PRAGMA cache_size = -32768", err);
  if (!rc) rc = tm_wh_exec(wh, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  {
    sqlite3_stmt *st;
    if ((rc = tm_wh_prepare(wh, &st, "INSERT INTO ingest_runs(started_at, config) VALUES(?, ?) RETURNING id", err)))
      goto fail;
    sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
    sqlite3_bind_text(st, 2, cfg->path, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!run_id) {
      rc = tm_wh_fail(wh, err, "starting the run");
      goto fail;
    }
  }
  if ((rc = tm_json_new(&R.json, err)) || (rc = tm_idgraph_load(&graph, wh, cfg, err))) goto fail;
  if ((rc = loader_open(&R.ld, wh, cfg, graph, opt->pseudonymize_key, run_id, err))) goto fail_loader;
  if (tm_table_new(&sources, "sources", "Sources") || tm_table_add_col(sources, "source", TM_COL_STR) < 0 ||
      tm_table_add_col(sources, "files", TM_COL_INT) < 0 || tm_table_add_col(sources, "skipped", TM_COL_INT) < 0 ||
      tm_table_add_col(sources, "read", TM_COL_INT) < 0 || tm_table_add_col(sources, "loaded", TM_COL_INT) < 0 ||
      tm_table_add_col(sources, "rejected", TM_COL_INT) < 0 ||
      tm_table_add_col(sources, "duplicates", TM_COL_INT) < 0) {
    rc = tm_error_nomem(err);
    goto fail_loader;
  }
  for (size_t k = 0; k < cfg->nsources; k++) {
    const source_cfg *src = &cfg->sources[k];
    bool chosen = opt->n_only == 0;
    for (size_t i = 0; i < opt->n_only; i++) chosen |= !strcmp(src->name, opt->only[i]);
    if (!chosen) continue;
    unsigned files = R.files, skipped = R.files_skipped;
    if ((rc = ingest_source(&R, src, err))) goto fail_loader;
    if (source_row(sources, src, &R.ld.source, R.files - files, R.files_skipped - skipped)) {
      rc = tm_error_nomem(err);
      goto fail_loader;
    }
  }
  if (opt->progress && opt->progress(opt->progress_payload, "identities", 0, 0)) {
    rc = tm_error_set(err, TM_ECANCELED, "ingest canceled; the warehouse is unchanged");
    goto fail_loader;
  }
  if ((rc = loader_flush(&R.ld, err)) || (rc = tm_idgraph_save(graph, wh, run_id, &ist, err))) goto fail_loader;
  {
    sqlite3_stmt *st;
    if ((rc = tm_wh_prepare(wh, &st,
                            "UPDATE ingest_runs SET finished_at = ?, read = ?, loaded = ?, rejected = ?, "
                            "duplicates = ? WHERE id = ?",
                            err)))
      goto fail_loader;
    sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
    sqlite3_bind_int64(st, 2, (int64_t)R.ld.total.read);
    sqlite3_bind_int64(st, 3, (int64_t)R.ld.total.loaded);
    sqlite3_bind_int64(st, 4, (int64_t)R.ld.total.rejected);
    sqlite3_bind_int64(st, 5, (int64_t)R.ld.total.duplicates);
    sqlite3_bind_int64(st, 6, run_id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
      rc = tm_wh_fail(wh, err, "finishing the run");
      goto fail_loader;
    }
  }
  loader_close(&R.ld);
  tm_idgraph_free(graph);
  graph = NULL;
  tm_json_free(R.json);
  R.json = NULL;
  /* the data changed: dataset snapshots of the old data are void */
  if ((rc = tm_wh_exec(wh,
                       "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version';"
                       "DELETE FROM dataset_cache;",
                       err)))
    goto fail;
  /* the result before the commit: a run either commits and reports, or neither */
  tm_doc *doc;
  rc = add_stats_doc(&doc, &R, &ist, now_s() - t0, sources);
  sources = NULL; /* the doc owns it, or it is freed */
  if (rc) {
    rc = tm_error_nomem(err);
    goto fail;
  }
  if ((rc = tm_wh_exec(wh, "COMMIT", err))) {
    tm_doc_free(doc);
    goto fail;
  }
  *out = doc;
  return 0;

fail_loader:
  loader_close(&R.ld);
fail:
  tm_table_free(sources);
  tm_idgraph_free(graph);
  tm_json_free(R.json);
  tm_wh_rollback(wh);
  return rc;
}
