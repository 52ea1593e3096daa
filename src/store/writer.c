/*
 * writer.c — a writer thread running batches of parameterised INSERTs (see
 * writer.h). Two batches alternate: the caller fills one while the thread runs
 * the other. Values are tagged; text and blobs live in the batch's byte
 * buffer. The first SQLite error stops the writer; it is reported to the
 * caller at its next end_row or flush, and everything after it is dropped
 * (the ingest then rolls back the whole run).
 */
#include <pthread.h>
#include <stdio.h>

#include "store/writer.h"

#define BATCH_ROWS 8192
#define MAX_STMTS 32

enum { V_NULL, V_INT, V_REAL, V_TEXT, V_BLOB };

typedef struct value {
  uint8_t kind;
  union {
    int64_t i;
    double r;
    struct {
      uint32_t off, len;
    } s;
  } u;
} value;

typedef struct row {
  uint16_t stmt, nvals;
  uint32_t first;
} row;

typedef struct batch {
  row *rows;
  size_t nrows;
  value *vals;
  size_t nvals, valcap;
  char *bytes;
  size_t nbytes, bytecap;
  int oom; /* an append failed: the batch is unusable */
} batch;

struct tm_writer {
  sqlite3 *db;
  const char *path;
  sqlite3_stmt *stmt[MAX_STMTS];
  const char *what[MAX_STMTS];
  int nstmts;
  batch b[2];
  int filling;          /* the batch the caller appends to */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int pending;          /* a batch is handed over and not yet run */
  int stop;
  int error;            /* TM_EDB once SQLite failed */
  char message[400];
};

static void batch_clear(batch *b) {
  b->nrows = b->nvals = b->nbytes = 0;
}

static void run_batch(tm_writer *w, batch *b) {
  if (b->oom) {
    w->error = TM_ENOMEM;
    snprintf(w->message, sizeof w->message, "out of memory");
    return;
  }
  for (size_t r = 0; r < b->nrows && !w->error; r++) {
    const row *rw = &b->rows[r];
    sqlite3_stmt *st = w->stmt[rw->stmt];
    for (uint16_t k = 0; k < rw->nvals; k++) {
      const value *v = &b->vals[rw->first + k];
      int i = k + 1;
      switch (v->kind) {
      case V_NULL: sqlite3_bind_null(st, i); break;
      case V_INT: sqlite3_bind_int64(st, i, v->u.i); break;
      case V_REAL: sqlite3_bind_double(st, i, v->u.r); break;
      case V_TEXT: sqlite3_bind_text(st, i, b->bytes + v->u.s.off, (int)v->u.s.len, SQLITE_STATIC); break;
      default: sqlite3_bind_blob(st, i, b->bytes + v->u.s.off, (int)v->u.s.len, SQLITE_STATIC); break;
      }
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      w->error = TM_EDB;
      snprintf(w->message, sizeof w->message, "%s: %s: %s", w->path, w->what[rw->stmt], sqlite3_errmsg(w->db));
    }
  }
}

static void *writer_main(void *arg) {
  tm_writer *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->pending && !w->stop) pthread_cond_wait(&w->cv, &w->mu);
    if (!w->pending && w->stop) break;
    batch *b = &w->b[!w->filling];
    pthread_mutex_unlock(&w->mu);
    if (!w->error) run_batch(w, b); /* error is only written here, read after a wait */
    batch_clear(b);
    b->oom = 0;
    pthread_mutex_lock(&w->mu);
    w->pending = 0;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

int tm_writer_new(tm_writer **out, sqlite3 *db, const char *db_path, tm_error *err) {
  tm_writer *w = tm_calloc(1, sizeof *w);
  if (!w) return tm_error_nomem(err);
  w->db = db;
  w->path = db_path;
  for (int i = 0; i < 2; i++) {
    w->b[i].rows = tm_malloc(BATCH_ROWS * sizeof(row));
    if (!w->b[i].rows) goto oom;
  }
  if (pthread_mutex_init(&w->mu, NULL)) goto oom;
  if (pthread_cond_init(&w->cv, NULL)) {
    pthread_mutex_destroy(&w->mu);
    goto oom;
  }
  if (pthread_create(&w->thread, NULL, writer_main, w)) {
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    goto oom;
  }
  *out = w;
  return 0;
oom:
  for (int i = 0; i < 2; i++) tm_free(w->b[i].rows);
  tm_free(w);
  return tm_error_nomem(err);
}

/* Waits until the writer has no batch; then the caller may hand one over. */
static void wait_idle(tm_writer *w) {
  pthread_mutex_lock(&w->mu);
  while (w->pending) pthread_cond_wait(&w->cv, &w->mu);
  pthread_mutex_unlock(&w->mu);
}

static int report(tm_writer *w, tm_error *err) {
  if (!w->error) return 0;
  return tm_error_set(err, w->error, "%s", w->message);
}

static int hand_over(tm_writer *w, tm_error *err) {
  wait_idle(w);
  int rc = report(w, err);
  if (rc) {
    batch_clear(&w->b[w->filling]);
    return rc;
  }
  pthread_mutex_lock(&w->mu);
  w->filling = !w->filling;
  w->pending = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  return 0;
}

int tm_writer_flush(tm_writer *w, tm_error *err) {
  if (w->b[w->filling].nrows || w->b[w->filling].oom) {
    int rc = hand_over(w, err);
    if (rc) return rc;
  }
  wait_idle(w);
  return report(w, err);
}

void tm_writer_free(tm_writer *w) {
  if (!w) return;
  tm_writer_flush(w, NULL);
  pthread_mutex_lock(&w->mu);
  w->stop = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->cv);
  pthread_mutex_destroy(&w->mu);
  for (int i = 0; i < w->nstmts; i++) sqlite3_finalize(w->stmt[i]);
  for (int i = 0; i < 2; i++) {
    tm_free(w->b[i].rows);
    tm_free(w->b[i].vals);
    tm_free(w->b[i].bytes);
  }
  tm_free(w);
}

int tm_writer_prepare(tm_writer *w, const char *sql, const char *what, int *stmt, tm_error *err) {
  if (w->nstmts >= MAX_STMTS) return tm_error_set(err, TM_EINVAL, "writer: too many statements");
  if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &w->stmt[w->nstmts], NULL) != SQLITE_OK)
    return tm_error_set(err, TM_EDB, "%s: prepare: %s", w->path, sqlite3_errmsg(w->db));
  w->what[w->nstmts] = what;
  *stmt = w->nstmts++;
  return 0;
}

void tm_writer_row(tm_writer *w, int stmt) {
  batch *b = &w->b[w->filling];
  row *r = &b->rows[b->nrows];
  r->stmt = (uint16_t)stmt;
  r->nvals = 0;
  r->first = (uint32_t)b->nvals;
}

static value *push(tm_writer *w) {
  batch *b = &w->b[w->filling];
  if (TM_GROW(b->vals, b->valcap, b->nvals + 1)) {
    b->oom = 1;
    return NULL;
  }
  b->rows[b->nrows].nvals++;
  return &b->vals[b->nvals++];
}

void tm_writer_int(tm_writer *w, int64_t v) {
  value *x = push(w);
  if (x) x->kind = V_INT, x->u.i = v;
}
void tm_writer_real(tm_writer *w, double v) {
  value *x = push(w);
  if (x) x->kind = V_REAL, x->u.r = v;
}
void tm_writer_null(tm_writer *w) {
  value *x = push(w);
  if (x) x->kind = V_NULL;
}

static void push_bytes(tm_writer *w, const void *s, size_t n, uint8_t kind) {
  batch *b = &w->b[w->filling];
  if (n > UINT32_MAX || TM_GROW(b->bytes, b->bytecap, b->nbytes + n + 1)) {
    b->oom = 1;
    return;
  }
  value *x = push(w);
  if (!x) return;
  memcpy(b->bytes + b->nbytes, s, n);
  x->kind = kind;
  x->u.s.off = (uint32_t)b->nbytes;
  x->u.s.len = (uint32_t)n;
  b->nbytes += n;
}

void tm_writer_text(tm_writer *w, const char *s, size_t n) { push_bytes(w, s, n, V_TEXT); }
void tm_writer_blob(tm_writer *w, const void *s, size_t n) { push_bytes(w, s, n, V_BLOB); }

int tm_writer_end_row(tm_writer *w, tm_error *err) {
  batch *b = &w->b[w->filling];
  b->nrows++;
  if (b->nrows < BATCH_ROWS && b->nbytes < (8u << 20) && !b->oom) return 0;
  return hand_over(w, err);
}
