/*
 * util.c — what every command shares: error printing, --format, counts with
 * suffixes, the progress line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cli_progress_done();
  fputs("touchmine: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return CLI_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("touchmine: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fprintf(stderr, "Try 'touchmine %s --help'.\n", cmd ? cmd : "");
  return CLI_USAGE;
}

int cli_lib_error(const tm_error *err) {
  return cli_error("%s", err->message[0] ? err->message : tm_strerror(err->code));
}

int cli_format_parse(const char *s) {
  if (!strcmp(s, "text")) return CLI_TEXT;
  if (!strcmp(s, "csv")) return CLI_CSV;
  if (!strcmp(s, "json")) return CLI_JSON;
  return -1;
}

bool cli_parse_count(const char *s, unsigned long long *out) {
  char *end;
  if (!s || !isdigit((unsigned char)*s)) return false;
  double v = strtod(s, &end);
  if (*end == 'k' || *end == 'K') v *= 1e3, end++;
  else if (*end == 'M' || *end == 'm') v *= 1e6, end++;
  else if (*end == 'G' || *end == 'g') v *= 1e9, end++;
  if (*end || v < 0 || v > 1e15) return false;
  *out = (unsigned long long)(v + 0.5);
  return true;
}

const char *cli_default_db(void) {
  const char *e = getenv("TOUCHMINE_DB");
  return e && *e ? e : "touchmine.db";
}

/* ------------------------------------------------------------- progress */

static int progress_shown;
static double progress_last;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cli_progress(void *payload, const char *stage, uint64_t done, uint64_t total) {
  (void)payload;
  static int tty = -1;
  if (tty < 0) tty = isatty(2);
  if (!tty) return 0;
  double t = now_s();
  if (t - progress_last < 0.1 && done != total) return 0;
  progress_last = t;
  if (total)
    fprintf(stderr, "\r\033[K%s: %llu / %llu (%.0f%%)", stage, (unsigned long long)done,
            (unsigned long long)total, 100.0 * (double)done / (double)total);
  else
    fprintf(stderr, "\r\033[K%s: %llu", stage, (unsigned long long)done);
  fflush(stderr);
  progress_shown = 1;
  return 0;
}

void cli_progress_done(void) {
  if (progress_shown) fputs("\r\033[K", stderr);
  progress_shown = 0;
}

/* ----------------------------------------------------------------- output */

int cli_write_doc(const tm_doc *doc, int format, size_t max_rows) {
  tm_error err = {0};
  cli_progress_done();
  if (tm_doc_write(doc, stdout, (tm_format)format, max_rows, &err)) return cli_lib_error(&err);
  return CLI_OK;
}

int cli_write_result(const tm_doc *doc, int format, const char *csv_table, size_t limit) {
  if (format != CLI_CSV) return cli_write_doc(doc, format, format == CLI_TEXT ? limit : 0);
  tm_error err = {0};
  cli_progress_done();
  return tm_doc_write_table(doc, csv_table, stdout, TM_FMT_CSV, 0, &err) ? cli_lib_error(&err) : CLI_OK;
}

int cli_parse_time(const char *s, int64_t *ms) {
  tm_error err = {0};
  return tm_parse_time(s, ms, &err);
}
