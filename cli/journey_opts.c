/*
 * journey_opts.c — shared option parsing and the run sequence of the journey
 * commands (see journey_opts.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "journey_opts.h"

bool jo_parse_duration(const char *s, int64_t *ms) {
  char *end;
  if (!s || !isdigit((unsigned char)*s)) return false;
  double v = strtod(s, &end), unit = 1000;
  if (*end == 's') unit = 1000, end++;
  else if (*end == 'm') unit = 60e3, end++;
  else if (*end == 'h') unit = 3600e3, end++;
  else if (*end == 'd') unit = 86400e3, end++;
  else if (*end == 'w') unit = 7 * 86400e3, end++;
  if (*end || v < 0 || v * unit > 1e16) return false;
  *ms = (int64_t)(v * unit + 0.5);
  return true;
}

const char *jo_spec(int argc, char **argv) {
  static char buf[2048];
  size_t n = 0;
  buf[0] = 0;
  for (int i = 1; i < argc; i++) {
    size_t l = strlen(argv[i]);
    if (n + l + 2 >= sizeof buf) break;
    if (n) buf[n++] = ' ';
    memcpy(buf + n, argv[i], l + 1);
    n += l;
  }
  return buf;
}

int jo_run(const char *cmd, const char *db, int64_t as_of_ms, jo_compute_fn fn, const void *opt, int format,
           const char *csv_table, size_t max_rows) {
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_doc *doc = NULL;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  int rc;
  dopt.as_of_ms = as_of_ms;
  dopt.progress = cli_progress;
  if (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_dataset_load(&ds, wh, &dopt, &err)) {
    rc = cli_lib_error(&err);
  } else if (fn(&doc, ds, wh, opt, &err)) {
    rc = err.code == TM_EINVAL ? (cli_usage(cmd, "%s", err.message), CLI_USAGE) : cli_lib_error(&err);
  } else if (format == CLI_CSV) {
    cli_progress_done();
    rc = tm_doc_write_table(doc, csv_table, stdout, TM_FMT_CSV, 0, &err) ? cli_lib_error(&err) : CLI_OK;
  } else {
    rc = cli_write_doc(doc, format, max_rows);
  }
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}
