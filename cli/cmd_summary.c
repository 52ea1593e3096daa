/*
 * cmd_summary.c — touchmine summary: descriptive analytics of the warehouse.
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine summary [--db FILE] [--as-of DATE] [--format text|csv|json]\n\n"
         "Descriptive analytics: customers, events, orders, revenue and average order value;\n"
         "breakdowns by channel, touchpoint type, region and month; the touchpoint map (per\n"
         "channel: mode, reach, events per customer touched, share who purchase after\n"
         "touching it); data quality (field completeness, rejects by reason, duplicates,\n"
         "identity merges and quarantined identifiers).\n\n"
         "Example:\n"
         "  touchmine summary --db shop.db --as-of 2025-10-01 --format json\n\n"
         "Options:\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --as-of DATE     only what happened before DATE\n"
         "  --format F       text (default), csv or json (customers, events, orders, revenue, ...)\n"
         "  --limit N        rows per table in text output (default 20; 0 = all)\n"
         "  -h, --help       this help\n");
}

int cmd_summary(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                       {"as-of", required_argument, 0, 'a'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  unsigned long long limit = 20;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'a':
      if (cli_parse_time(optarg, &dopt.as_of_ms))
        return cli_usage("summary", "--as-of '%s' is not a date (e.g. 2025-06-30)", optarg);
      break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("summary", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("summary", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("summary", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("summary", "unexpected argument '%s'", argv[optind]);
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_doc *doc = NULL;
  int rc;
  dopt.progress = cli_progress;
  if (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_dataset_load(&ds, wh, &dopt, &err) ||
      tm_summary_compute(&doc, ds, wh, &err))
    rc = cli_lib_error(&err);
  else
    rc = cli_write_doc(doc, format, (size_t)limit);
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}
