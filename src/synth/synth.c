/*
 * synth.c — the public entry points of the generator and its driver.
 *
 * tm_synth_run builds the world (catalogue, calendar, stores, shared office
 * phones, fraud victims), then generates people in chunks of SY_CHUNK
 * consecutive indices. Chunks are made in waves, in parallel (OpenMP, one
 * scratch context per thread), each into buffers of its own; the calling
 * thread then writes the wave's chunks in index order, turns chunk-relative
 * dirty rows into file line numbers, merges the aggregates, spools the truth
 * entries and reports progress (and honours a cancel) between waves. Since
 * a chunk's content depends only on the seed and the indices in it, the
 * files are byte-identical whatever the number of threads. Person i draws
 * from stream 2i (clean data) and 2i+1 (dirt) of the seed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "synth/synth_int.h"

#define WAVE_PER_THREAD 4

const char *tm_synth_check(const tm_synth_options *opt) {
  if (!opt) return "synth: no options given";
  if (opt->version != TM_SYNTH_OPTIONS_VERSION)
    return "synth: unknown options version (start from TM_SYNTH_OPTIONS_INIT)";
  if (opt->customers < 1) return "customers: must be at least 1";
  if (opt->customers > 100000000ULL) return "customers: at most 100M";
  if (opt->days < 7 || opt->days > 3660) return "days: must be between 7 and 3660";
  if (!opt->out_dir || !*opt->out_dir) return "out: no output folder given";
  if (!(opt->dirty_rate >= 0.0 && opt->dirty_rate <= 0.5)) return "dirty-rate: must be between 0 and 0.5";
  /* 1980-01-01 .. 2200-01-01 */
  if (opt->start_ms != 0 && (opt->start_ms < 315532800000LL || opt->start_ms >= 7258118400000LL))
    return "start: must be between 1980-01-01 and 2199-12-31";
  return NULL;
}

/* ------------------------------------------------------------------ world */

static int world_build(sy_world *w, const tm_synth_options *opt, tm_error *err) {
  memset(w, 0, sizeof *w);
  w->opt = opt;
  w->seed = opt->seed;
  w->n = opt->customers;
  w->days = opt->days;
  int64_t start = opt->start_ms ? opt->start_ms : 1735689600000LL; /* 2025-01-01 */
  w->t0 = start - start % SY_DAY_MS;
  w->t1 = w->t0 + (int64_t)w->days * SY_DAY_MS;
  w->dirty_q = opt->dirty_rate >= 0.5 ? 1.0 : opt->dirty_rate / (1.0 - opt->dirty_rate);
  w->idw = 7;
  for (uint64_t m = 10000000ULL; m < w->n; m *= 10)
    w->idw++;
  w->emod = 100;
  while (w->emod < w->n)
    w->emod *= 10;
  w->nstores = sy_store_count(w->n);
  w->noffice = w->n >= 40 ? (w->n / 2000 ? w->n / 2000 : 1) : 0;
  int rc = sy_catalogue_build(&w->cat, w->seed);
  if (rc) return tm_error_nomem(err);
  rc = sy_calendar_build(w, err);
  if (rc) return rc;

  /* fraud victims: 2 + 1 per 20k people, chosen from the seed */
  size_t nv = w->n >= 200 ? 2 + (size_t)(w->n / 20000) : w->n >= 20 ? 1 : 0;
  if (nv) {
    w->victims = tm_malloc(sizeof *w->victims * nv);
    if (!w->victims) return tm_error_nomem(err);
    tm_rng r;
    tm_rng_seed(&r, w->seed, 0x6672617564ULL); /* "fraud" */
    size_t k = 0;
    while (k < nv) {
      uint64_t v = tm_rng_below(&r, w->n);
      bool dup = false;
      for (size_t i = 0; i < k; i++)
        dup |= w->victims[i] == v;
      if (!dup) w->victims[k++] = v;
    }
    for (size_t i = 1; i < nv; i++) /* insertion sort: a handful */
      for (size_t j = i; j > 0 && w->victims[j - 1] > w->victims[j]; j--) {
        uint64_t t = w->victims[j];
        w->victims[j] = w->victims[j - 1];
        w->victims[j - 1] = t;
      }
    w->nvictims = nv;
  }
  return 0;
}

static void world_free(sy_world *w) {
  sy_catalogue_free(&w->cat);
  sy_calendar_free(w);
  tm_free(w->victims);
  w->victims = NULL;
}

/* ----------------------------------------------------------------- chunks */

static void sy_chunk_reset(sy_chunk *ck) {
  for (int f = 0; f < SY_NFILES; f++) {
    ck->out[f].len = 0;
    ck->rows[f] = 0;
    for (int k = 0; k < SY_D_N; k++)
      ck->dirty[f][k] = 0;
  }
  ck->nmarks = ck->nchurn = ck->nanom = ck->noffice = 0;
  ck->gz.len = 0;
  ck->truth.len = ck->fb_truth.len = 0;
  memset(&ck->st, 0, sizeof ck->st);
  memset(ck->seg_spend, 0, sizeof ck->seg_spend);
  ck->oom = false;
}

static void sy_chunk_free(sy_chunk *ck) {
  for (int f = 0; f < SY_NFILES; f++)
    sy_buf_free(&ck->out[f]);
  sy_buf_free(&ck->gz);
  sy_buf_free(&ck->truth);
  sy_buf_free(&ck->fb_truth);
  tm_free(ck->marks);
  tm_free(ck->churn);
  tm_free(ck->anom);
  tm_free(ck->office);
  memset(ck, 0, sizeof *ck);
}

static void gen_person(sy_ctx *c, uint64_t idx) {
  const sy_world *w = c->w;
  sy_person *p = &c->p;
  tm_rng_seed(&c->rng, w->seed, 2 * idx);
  tm_rng_seed(&c->dirt, w->seed, 2 * idx + 1);
  c->k_order = c->k_email = c->k_ad = c->k_contact = c->k_fb = c->k_social = 0;
  c->k_msg = 0;
  c->norders = c->nbuys = 0;
  c->drop = -1;
  p->idx = idx;
  sy_person_make(c);
  if (p->kind == SY_BUYER) {
    sy_buyer_plan(c);
    /* the planned dropout time; orders refine it to the sale's time */
    if (c->drop >= 0) p->churn = c->buys[c->drop].ts;
  }
  sy_web_signup(c);
  sy_email_write(c);
  if (p->kind == SY_BUYER) sy_orders_write(c);
  sy_web_browse(c);
  sy_ads_write(c);
  sy_contacts_write(c);
  sy_feedback_write(c);
  sy_social_write(c);
  sy_fraud_write(c);
  sy_crm_write(c);

  sy_chunk *ck = c->ck;
  ck->st.kind[p->kind]++;
  if (p->seg >= 0) ck->st.seg[p->seg]++;
  for (int s = 0; s < w->nstores; s++)
    if (p->store_cards & (1u << s)) ck->st.store_card_people[s]++;
  if (p->office >= 0) {
    if (TM_GROW(ck->office, ck->capoffice, ck->noffice + 1))
      c->oom = true;
    else
      ck->office[ck->noffice++] = (uint64_t)p->office;
  }
  sy_truth_person(c);
  sy_emit_person(c);
}

static void gen_chunk(sy_ctx *c, sy_chunk *ck, uint64_t index, const sy_world *w) {
  sy_chunk_reset(ck);
  ck->first = index * SY_CHUNK;
  ck->count = w->n - ck->first < SY_CHUNK ? w->n - ck->first : SY_CHUNK;
  c->w = w;
  c->ck = ck;
  c->oom = false;
  for (uint64_t i = 0; i < ck->count && !c->oom; i++)
    gen_person(c, ck->first + i);
  if (w->opt->gzip && !c->oom &&
      !sy_deflate(&ck->gz, ck->out[SY_F_WEB].p, ck->out[SY_F_WEB].len, &ck->gz_crc))
    c->oom = true;
  bool oom = c->oom || ck->truth.oom || ck->fb_truth.oom;
  for (int f = 0; f < SY_NFILES; f++)
    oom |= ck->out[f].oom;
  ck->oom = oom;
}

/* -------------------------------------------------------------- the run */

static int mkdir_p(const char *dir, tm_error *err) {
  size_t n = strlen(dir);
  char *p = tm_strdup(dir);
  if (!p) return tm_error_nomem(err);
  int rc = 0;
  for (size_t i = 1; i <= n && !rc; i++) {
    if (p[i] != '/' && p[i] != '\0') continue;
    char save = p[i];
    p[i] = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
      rc = tm_error_set(err, TM_EIO, "%s: cannot create folder: %s", p, strerror(errno));
    p[i] = save;
  }
  struct stat sb;
  if (!rc && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
    rc = tm_error_set(err, TM_EIO, "%s: not a folder", dir);
  tm_free(p);
  return rc;
}

typedef struct runner {
  sy_world w;
  sy_run run;
  sy_out out[SY_NFILES], tpeople, tfb;
  bool tpeople_any, tfb_any;
  sy_chunk *slots;
  size_t nslots;
  sy_ctx *ctx;
  int nthreads;
} runner;

static int merge_chunk(runner *R, sy_chunk *ck, tm_error *err) {
  sy_run *run = &R->run;
  int rc = 0;
  if (ck->oom) return tm_error_nomem(err);
  /* dirty rows: chunk row -> physical line (1-based, after the header) */
  for (size_t i = 0; i < ck->nmarks; i++) {
    const sy_mark *m = &ck->marks[i];
    int f = m->file;
    if (TM_GROW(run->lines[f], run->caplines[f], run->nlines[f] + 1)) return tm_error_nomem(err);
    run->lines[f][run->nlines[f]++] =
        (sy_line){.line = run->rows[f] + m->row + 1 + (sy_files[f].header ? 1 : 0), .kind = m->kind};
  }

  for (int f = 0; f < SY_NFILES && !rc; f++) {
    if (f == SY_F_WEB && R->w.opt->gzip)
      rc = sy_out_write_deflated(&R->out[f], &ck->gz, ck->gz_crc, ck->out[f].len, err);
    else
      rc = sy_out_write(&R->out[f], ck->out[f].p, ck->out[f].len, err);
    run->rows[f] += ck->rows[f];
    for (int k = 0; k < SY_D_N; k++)
      run->dirty[f][k] += ck->dirty[f][k];
  }
  if (rc) return rc;

  /* truth spools: entries start with ",\n"; the first of a file drops the comma */
  if (ck->truth.len) {
    size_t skip = R->tpeople_any ? 0 : 1;
    rc = sy_out_write(&R->tpeople, ck->truth.p + skip, ck->truth.len - skip, err);
    R->tpeople_any = true;
  }
  if (!rc && ck->fb_truth.len) {
    size_t skip = R->tfb_any ? 0 : 1;
    rc = sy_out_write(&R->tfb, ck->fb_truth.p + skip, ck->fb_truth.len - skip, err);
    R->tfb_any = true;
  }
  if (rc) return rc;

  /* aggregates */
  uint64_t *dst = (uint64_t *)&run->st;
  const uint64_t *src = (const uint64_t *)&ck->st;
  for (size_t i = 0; i < sizeof run->st / sizeof(uint64_t); i++)
    dst[i] += src[i];
  for (int s = 0; s < SY_NSEG; s++)
    run->seg_spend[s] += ck->seg_spend[s];
  if (ck->nchurn) {
    if (TM_GROW(run->churn, run->capchurn, run->nchurn + ck->nchurn)) return tm_error_nomem(err);
    memcpy(run->churn + run->nchurn, ck->churn, ck->nchurn * sizeof *ck->churn);
    run->nchurn += ck->nchurn;
  }
  if (ck->nanom) {
    if (TM_GROW(run->anom, run->capanom, run->nanom + ck->nanom)) return tm_error_nomem(err);
    memcpy(run->anom + run->nanom, ck->anom, ck->nanom * sizeof *ck->anom);
    run->nanom += ck->nanom;
  }
  for (size_t i = 0; i < ck->noffice; i++)
    run->office_people[ck->office[i]]++;
  return 0;
}

static void runner_free(runner *R, bool failed) {
  for (int f = 0; f < SY_NFILES; f++) {
    if (failed) sy_out_abort(&R->out[f]);
    tm_free(R->run.lines[f]);
  }
  sy_out_abort(&R->tpeople);
  sy_out_abort(&R->tfb);
  if (R->run.truth_people_path) remove(R->run.truth_people_path);
  if (R->run.truth_fb_path) remove(R->run.truth_fb_path);
  tm_free(R->run.truth_people_path);
  tm_free(R->run.truth_fb_path);
  tm_free(R->run.churn);
  tm_free(R->run.anom);
  tm_free(R->run.office_people);
  if (R->slots)
    for (size_t i = 0; i < R->nslots; i++)
      sy_chunk_free(&R->slots[i]);
  tm_free(R->slots);
  if (R->ctx)
    for (int i = 0; i < R->nthreads; i++)
      sy_ctx_free(&R->ctx[i]);
  tm_free(R->ctx);
  world_free(&R->w);
}

static int run_all(runner *R, const tm_synth_options *opt, tm_error *err) {
  sy_world *w = &R->w;
  sy_run *run = &R->run;
  int rc = world_build(w, opt, err);
  if (rc) return rc;
  run->w = w;
  run->dir = opt->out_dir;
  run->office_people = tm_calloc(w->noffice ? w->noffice : 1, sizeof(uint64_t));
  if (!run->office_people) return tm_error_nomem(err);
  if ((rc = mkdir_p(opt->out_dir, err))) return rc;

  for (int f = 0; f < SY_NFILES; f++) {
    bool gz = f == SY_F_WEB && opt->gzip;
    if ((rc = sy_out_open(&R->out[f], opt->out_dir, sy_file_name(f, opt->gzip), gz, err))) return rc;
    if (sy_files[f].header) {
      if ((rc = sy_out_write(&R->out[f], sy_files[f].header, strlen(sy_files[f].header), err)) ||
          (rc = sy_out_write(&R->out[f], "\n", 1, err)))
        return rc;
    }
  }
  if ((rc = sy_out_open(&R->tpeople, opt->out_dir, ".truth-customers.tmp", false, err)) ||
      (rc = sy_out_open(&R->tfb, opt->out_dir, ".truth-feedback.tmp", false, err)))
    return rc;
  run->truth_people_path = sy_path(opt->out_dir, ".truth-customers.tmp");
  run->truth_fb_path = sy_path(opt->out_dir, ".truth-feedback.tmp");
  if (!run->truth_people_path || !run->truth_fb_path) return tm_error_nomem(err);

#ifdef _OPENMP
  R->nthreads = omp_get_max_threads();
#else
  R->nthreads = 1;
#endif
  if (R->nthreads < 1) R->nthreads = 1;
  uint64_t nchunks = (w->n + SY_CHUNK - 1) / SY_CHUNK;
  R->nslots = (size_t)R->nthreads * WAVE_PER_THREAD;
  if (R->nslots > nchunks) R->nslots = (size_t)nchunks;
  R->slots = tm_calloc(R->nslots, sizeof *R->slots);
  R->ctx = tm_calloc((size_t)R->nthreads, sizeof *R->ctx);
  if (!R->slots || !R->ctx) return tm_error_nomem(err);

  if (opt->progress && opt->progress(opt->progress_payload, "customers", 0, w->n))
    return tm_error_set(err, TM_ECANCELED, "synth: canceled");
  for (uint64_t base = 0; base < nchunks; base += R->nslots) {
    long m = (long)(nchunks - base < R->nslots ? nchunks - base : R->nslots);
#pragma omp parallel for schedule(dynamic, 1)
    for (long j = 0; j < m; j++) {
#ifdef _OPENMP
      int t = omp_get_thread_num();
#else
      int t = 0;
#endif
      gen_chunk(&R->ctx[t], &R->slots[j], base + (uint64_t)j, w);
    }
    for (long j = 0; j < m; j++)
      if ((rc = merge_chunk(R, &R->slots[j], err))) return rc;
    uint64_t done = (base + (uint64_t)m) * SY_CHUNK;
    if (done > w->n) done = w->n;
    if (opt->progress && opt->progress(opt->progress_payload, "customers", done, w->n))
      return tm_error_set(err, TM_ECANCELED, "synth: canceled");
  }
  for (int f = 0; f < SY_NFILES; f++)
    if ((rc = sy_out_close(&R->out[f], err))) return rc;
  if ((rc = sy_out_close(&R->tpeople, err)) || (rc = sy_out_close(&R->tfb, err))) return rc;
  if (opt->progress && opt->progress(opt->progress_payload, "writing", 0, 2))
    return tm_error_set(err, TM_ECANCELED, "synth: canceled");
  if ((rc = sy_truth_write(run, err))) return rc;
  if ((rc = sy_config_write(w, opt->out_dir, err))) return rc;
  if (opt->progress) opt->progress(opt->progress_payload, "writing", 2, 2);
  return 0;
}

int tm_synth_run(tm_synth_stats *out, const tm_synth_options *opt, tm_error *err) {
  const char *msg = tm_synth_check(opt);
  if (msg) return tm_error_set(err, TM_EINVAL, "%s", msg);
  runner *R = tm_calloc(1, sizeof *R);
  if (!R) return tm_error_nomem(err);
  int rc = run_all(R, opt, err);
  if (!rc && out) {
    memset(out, 0, sizeof *out);
    out->customers = R->w.n;
    for (int f = 0; f < SY_NFILES; f++) {
      out->rows += R->run.rows[f];
      if (sy_files[f].events) out->events += R->run.rows[f];
      for (int k = 0; k < SY_D_N; k++)
        out->dirty_rows += R->run.dirty[f][k];
    }
    out->files = SY_NFILES + 2;
  }
  if (rc && opt->out_dir) {
    /* a failed run leaves no half-written truth or config behind */
    char *p = sy_path(opt->out_dir, "truth.json");
    if (p) remove(p);
    tm_free(p);
    p = sy_path(opt->out_dir, "touchmine.ini");
    if (p) remove(p);
    tm_free(p);
  }
  runner_free(R, rc != 0);
  tm_free(R);
  return rc;
}
