/*
 * cli.h — the touchmine executable: a thin client of libtouchmine. main.c holds
 * the command table; each command lives in cmd_<name>.c with its --help text.
 * Errors print as "touchmine: <message>" through cli_error, in one place.
 */
#ifndef TM_CLI_H
#define TM_CLI_H
#include <stdbool.h>
#include <stdio.h>

#include "touchmine.h"

/* Exit codes. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct cli_command {
  const char *name;
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
  const char *summary;
} cli_command;

/* Prints "touchmine: <message>" on stderr; returns CLI_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "touchmine: <message>" and "Try 'touchmine CMD --help'."; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "touchmine: <err message>" for a failed library call; returns CLI_FAIL. */
int cli_lib_error(const tm_error *err);

/* A progress reporter for tm_progress_fn: draws one updating line on stderr
 * when stderr is a terminal, and stays silent otherwise. payload is unused. */
int cli_progress(void *payload, const char *stage, uint64_t done, uint64_t total);
/* Ends the progress line, if one was drawn. */
void cli_progress_done(void);

/* --format: "text" (default on a terminal), "csv", "json". */
typedef enum { CLI_TEXT, CLI_CSV, CLI_JSON } cli_format;
/* Parses a --format value; returns -1 if unknown. */
int cli_format_parse(const char *s);

/* Parses a count with an optional k/M suffix ("10k", "1M", "2500"). */
bool cli_parse_count(const char *s, unsigned long long *out);

/* Writes a result document to stdout in a --format; returns an exit code. */
int cli_write_doc(const tm_doc *doc, int format, size_t max_rows);
/* Writes an analysis result: with --format csv its main table (one row per
 * customer, rule ...) in full; otherwise the whole document, text cut to
 * limit rows per table (0 = all). */
int cli_write_result(const tm_doc *doc, int format, const char *csv_table, size_t limit);

/* Parses a date or time given by the user ("2025-06-30", ISO-8601, epoch). */
int cli_parse_time(const char *s, int64_t *ms);

/* The default warehouse path: $TOUCHMINE_DB or "touchmine.db". */
const char *cli_default_db(void);

#endif
