/*
 * cmd_ingest.c — touchmine ingest: load the sources of a config into the warehouse.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine ingest [--db FILE] [--config FILE] [options] [SOURCE...]\n\n"
         "Reads every file of the config's sources (CSV, JSON Lines, Segment-spec events;\n"
         "plain, .gz or .zst), maps them to touchpoints, resolves identities into customers\n"
         "and loads the warehouse in one transaction. Every row is loaded or kept in the\n"
         "rejects table with file, line and reason; files ingested before are skipped, and\n"
         "events the warehouse already has are rejected as duplicates. Name SOURCEs to\n"
         "ingest only those [source NAME] sections.\n\n"
         "Example:\n"
         "  touchmine synth --customers 10k --out sample\n"
         "  touchmine ingest --db shop.db --config sample/touchmine.ini\n\n"
         "Options:\n"
         "  --db FILE                 warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --config FILE             ingest config, docs/config.md (default touchmine.ini)\n"
         "  --pseudonymize-key FILE   store identifiers as keyed hashes (32-byte key file);\n"
         "                            raw e-mails and phones never reach the warehouse\n"
         "  --format text|csv|json    output (json: read, loaded, rejected, sources, ...)\n"
         "  -h, --help                this help\n");
}

int cmd_ingest(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                       {"config", required_argument, 0, 'c'},
                                       {"pseudonymize-key", required_argument, 0, 'k'},
                                       {"format", required_argument, 0, 'f'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db(), *config = "touchmine.ini", *keyfile = NULL;
  int format = CLI_TEXT, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'c': config = optarg; break;
    case 'k': keyfile = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("ingest", "--format must be text, csv or json");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("ingest", "unknown option");
    }
  }
  tm_error err = {0};
  tm_config *cfg = NULL;
  tm_warehouse *wh = NULL;
  tm_doc *doc = NULL;
  unsigned char key[32];
  int rc = CLI_FAIL;
  tm_ingest_options opt = TM_INGEST_OPTIONS_INIT;
  opt.only = (const char *const *)(argv + optind);
  opt.n_only = (size_t)(argc - optind);
  opt.progress = cli_progress;
  if (keyfile) {
    if (tm_pseudonymize_key_load(key, keyfile, &err)) return cli_lib_error(&err);
    opt.pseudonymize_key = key;
  }
  if (tm_config_load(&cfg, config, &err) || tm_warehouse_open(&wh, db, 0, &err) ||
      tm_ingest_run(&doc, wh, cfg, &opt, &err)) {
    rc = err.code == TM_EINVAL ? (cli_lib_error(&err), CLI_USAGE) : cli_lib_error(&err);
  } else {
    rc = cli_write_doc(doc, format, 20);
    if (format == CLI_TEXT) fprintf(stderr, "warehouse: %s\n", db);
  }
  tm_doc_free(doc);
  tm_warehouse_close(wh);
  tm_config_free(cfg);
  return rc;
}
