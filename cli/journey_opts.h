/*
 * journey_opts.h — what paths, funnel and cohorts share on the command line:
 * durations ("7d", "12h", "30m", "45s", "2w"), the options as
 * given (kept with the saved run) and the load-compute-print sequence.
 */
#ifndef TM_CLI_JOURNEY_OPTS_H
#define TM_CLI_JOURNEY_OPTS_H
#include "cli.h"

/* Parses a duration: a number with a unit s, m, h, d or w (a bare number is
 * seconds). Returns true with *ms. */
bool jo_parse_duration(const char *s, int64_t *ms);

/* The command line after the command name, joined by spaces (static buffer). */
const char *jo_spec(int argc, char **argv);

typedef int (*jo_compute_fn)(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const void *opt, tm_error *err);

/* Opens the warehouse, loads the dataset (as of as_of_ms, 0 = all), computes
 * and prints: text and json as the whole document, csv as table csv_table.
 * Returns the exit code (2 for a bad option the library found). */
int jo_run(const char *cmd, const char *db, int64_t as_of_ms, jo_compute_fn fn, const void *opt, int format,
           const char *csv_table, size_t max_rows);

#endif
