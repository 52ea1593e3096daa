/*
 * cmd_identity.c — touchmine identity: merge statistics, one customer's
 * merges explained, and accuracy against synth truth.
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine identity [--db FILE] [--explain KEY] [--truth truth.json] [--format F]\n\n"
         "Identity resolution statistics: identifiers by type, customers, merges, links\n"
         "refused by per-type limits, and quarantined identifiers (seen with too many others\n"
         "to be one person's, such as a store's default loyalty card). --explain shows one\n"
         "customer's identifiers and the evidence of each merge (identifiers, rule, source,\n"
         "time). --truth compares with synth's planted identities: pairwise precision and\n"
         "recall over identifiers, and whether any shared identifier merged strangers.\n\n"
         "Examples:\n"
         "  touchmine identity --explain C0000042\n"
         "  touchmine identity --explain email:ann@example.com\n"
         "  touchmine identity --truth sample/truth.json --format json\n\n"
         "Options:\n"
         "  --db FILE          warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --explain KEY      a customer key, or an identifier as type:value\n"
         "  --truth FILE       synth truth.json: adds precision and recall\n"
         "  --limit N          rows of long tables (default 50)\n"
         "  --format F         text (default), csv or json\n"
         "  -h, --help         this help\n");
}

int cmd_identity(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                       {"explain", required_argument, 0, 'e'},
                                       {"truth", required_argument, 0, 't'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"format", required_argument, 0, 'f'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  unsigned long long limit = 50;
  tm_identity_options opt = TM_IDENTITY_OPTIONS_INIT;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'e': opt.explain = optarg; break;
    case 't': opt.truth_path = optarg; break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("identity", "--limit must be a count");
      break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("identity", "--format must be text, csv or json");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("identity", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("identity", "unexpected argument '%s'", argv[optind]);
  opt.max_rows = (size_t)limit;
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_doc *doc = NULL;
  int rc;
  if (tm_warehouse_open(&wh, db, TM_WH_READONLY, &err) || tm_identity_report(&doc, wh, &opt, &err))
    rc = cli_lib_error(&err);
  else
    rc = cli_write_doc(doc, format, 0);
  tm_doc_free(doc);
  tm_warehouse_close(wh);
  return rc;
}
