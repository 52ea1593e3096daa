/*
 * cmd_clv.c — touchmine clv: customer lifetime value (BG/NBD + Gamma-Gamma).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine clv [--db FILE | --summary FILE] [options]\n\n"
         "Customer lifetime value. Fits BG/NBD (purchase rate and dropout; Fader, Hardie & Lee\n"
         "2005) and Gamma-Gamma (spend per purchase) by maximum likelihood on the grouped\n"
         "statistics (unique frequency, recency, age), with standard errors from the Hessian.\n"
         "Per customer: expected purchases over the horizon, P(alive), expected spend per\n"
         "purchase and CLV (expected spend x expected purchases, discounted monthly).\n"
         "From the warehouse, a repeat purchase is a purchase day after the first, times are in\n"
         "days, spend is the mean of the repeat days' purchase totals; the run is saved\n"
         "(clv_runs, clv_customer). --summary reads a per-customer CSV instead (not saved):\n"
         "frequency,recency,T[,monetary_value] (lifetimes) or x,t_x,T[,zbar] (Fader & Hardie).\n"
         "docs/clv.md has the model and the formulas.\n\n"
         "Examples:\n"
         "  touchmine clv --db shop.db --horizon 365 --discount-rate 0.1\n"
         "  touchmine clv --summary cdnow_customers_summary_with_transactions.csv --unit weeks --format json\n"
         "  touchmine clv --db sample.db --truth sample/truth.json --format json\n\n"
         "Options:\n"
         "  --db FILE           warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --summary FILE      per-customer summary CSV instead of the warehouse\n"
         "  --unit days|weeks   time unit of the summary's recency and T (default days)\n"
         "  --as-of DATE        only purchases before DATE; T counts to DATE\n"
         "                      (default: midnight after the last purchase)\n"
         "  --horizon DAYS      prediction horizon in days (default 365)\n"
         "  --discount-rate R   annual discount rate, applied monthly (default 0.10)\n"
         "  --truth FILE        synth truth.json: fit each planted segment and compare with its\n"
         "                      planted parameters (z = (fitted - planted) / se)\n"
         "  --format F          text (default), csv (the customers) or json\n"
         "  --limit N           customer rows in text output (default 20; 0 = all)\n"
         "  -h, --help          this help\n");
}

int cmd_clv(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                       {"summary", required_argument, 0, 's'},
                                       {"unit", required_argument, 0, 'u'},
                                       {"as-of", required_argument, 0, 'a'},
                                       {"horizon", required_argument, 0, 'H'},
                                       {"discount-rate", required_argument, 0, 'r'},
                                       {"truth", required_argument, 0, 't'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  unsigned long long limit = 20;
  tm_clv_options opt = TM_CLV_OPTIONS_INIT;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  char *end;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 's': opt.summary = optarg; break;
    case 'u':
      if (!strcmp(optarg, "days")) opt.unit_days = 1;
      else if (!strcmp(optarg, "weeks")) opt.unit_days = 7;
      else return cli_usage("clv", "--unit must be days or weeks");
      break;
    case 'a':
      if (cli_parse_time(optarg, &opt.as_of_ms))
        return cli_usage("clv", "--as-of '%s' is not a date (e.g. 2025-12-31)", optarg);
      dopt.as_of_ms = opt.as_of_ms;
      break;
    case 'H':
      opt.horizon_days = strtod(optarg, &end);
      if (*end || !(opt.horizon_days > 0) || opt.horizon_days > 36525)
        return cli_usage("clv", "--horizon must be a number of days, 1 to 36525");
      break;
    case 'r':
      opt.discount_rate = strtod(optarg, &end);
      if (*end || !(opt.discount_rate >= 0) || opt.discount_rate > 10)
        return cli_usage("clv", "--discount-rate must be an annual rate such as 0.1 (0 to 10)");
      break;
    case 't': opt.truth_path = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("clv", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("clv", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("clv", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("clv", "unexpected argument '%s'", argv[optind]);
  if (opt.summary && opt.truth_path) return cli_usage("clv", "--truth needs --db (synth's customers), not --summary");
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_doc *doc = NULL;
  int rc;
  dopt.progress = cli_progress;
  if ((!opt.summary && (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_dataset_load(&ds, wh, &dopt, &err))) ||
      tm_clv_compute(&doc, ds, wh, &opt, &err)) {
    rc = err.code == TM_EINVAL ? (cli_lib_error(&err), CLI_USAGE) : cli_lib_error(&err);
  } else {
    rc = cli_write_result(doc, format, "per_customer", (size_t)limit);
  }
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}
