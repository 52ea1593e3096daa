/*
 * writer.h — batched INSERTs run by a writer thread, so that SQLite's work on
 * one core overlaps the parsing, validation and identity work of the ingest
 * on the other. The caller appends rows of parameters to a batch; a full batch
 * is handed to the writer thread while the caller fills the next one.
 *
 * Threading rule: while batches are in flight the writer thread owns the
 * SQLite connection; the caller must tm_writer_flush before it runs any SQL of
 * its own on that connection. Internal.
 */
#ifndef TM_STORE_WRITER_H
#define TM_STORE_WRITER_H
#include <sqlite3.h>

#include "core/common.h"

typedef struct tm_writer tm_writer;

/* Starts the writer thread for db. */
int tm_writer_new(tm_writer **out, sqlite3 *db, const char *db_path, tm_error *err);
/* Flushes, stops the thread and finalises the statements. */
void tm_writer_free(tm_writer *w);
/* Prepares an INSERT the writer will run; call only when flushed. *stmt is
 * the handle to use in tm_writer_row. what names it in error messages. */
int tm_writer_prepare(tm_writer *w, const char *sql, const char *what, int *stmt, tm_error *err);

/* Appends a row for statement stmt; then one value per parameter, in order. */
void tm_writer_row(tm_writer *w, int stmt);
void tm_writer_int(tm_writer *w, int64_t v);
void tm_writer_real(tm_writer *w, double v);
void tm_writer_null(tm_writer *w);
/* Text is copied: the caller's buffer may change after the call. */
void tm_writer_text(tm_writer *w, const char *s, size_t n);
void tm_writer_blob(tm_writer *w, const void *s, size_t n);
/* Ends the row; hands the batch over when it is full. Returns 0, or the error
 * of an earlier batch (TM_EDB with SQLite's message, TM_ENOMEM). */
int tm_writer_end_row(tm_writer *w, tm_error *err);
/* Runs everything appended so far and waits for it. Returns the first error. */
int tm_writer_flush(tm_writer *w, tm_error *err);

#endif
