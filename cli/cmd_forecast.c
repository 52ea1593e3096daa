/*
 * cmd_forecast.c — touchmine forecast: Holt-Winters demand forecasting.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine forecast [--input FILE.csv | --db FILE --by DIM --grain G] [options]\n\n"
         "Holt-Winters exponential smoothing: level, trend (optionally damped) and additive or\n"
         "multiplicative seasonality, as R's HoltWinters (same start values and recursions),\n"
         "smoothing parameters chosen by minimising the one-step SSE within [0, 1]. Forecasts\n"
         "with 95%% intervals. The period is given (--period) or detected from the peak of the\n"
         "autocorrelation of the differenced series. --holdout N fits without the last N points\n"
         "and scores the forecasts of those (MAPE, sMAPE, MASE) against the seasonal-naive one.\n"
         "--input reads one series: a date/period column and a value column, or one column.\n"
         "--db forecasts revenue per product, category, region or channel (or the total) per\n"
         "day, week or month of purchases, all series in one run (in parallel), and saves the run\n"
         "(forecast_runs, forecast_series, forecast_points). docs/forecast.md has the details.\n\n"
         "Examples:\n"
         "  touchmine forecast --input AirPassengers.csv --period 12 --method multiplicative --format json\n"
         "  touchmine forecast --db shop.db --by category --grain week --holdout 13\n"
         "  touchmine forecast --db shop.db --by product --grain month --format csv > products.csv\n\n"
         "Options:\n"
         "  --input FILE      a CSV series (header optional)\n"
         "  --value COL       its value column (default: the last)\n"
         "  --db FILE         warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --by DIM          total (default), product, category, region or channel\n"
         "  --grain G         day, week (default) or month; only whole periods are used\n"
         "  --as-of DATE      only purchases before DATE\n"
         "  --method M        additive (default), multiplicative or none (no seasonality);\n"
         "                    per series, multiplicative falls back to additive on zeros\n"
         "  --period N|auto   season length; auto detects it per series. Default: detected for\n"
         "                    --input, the calendar's for --db (7 days, 52 weeks, 12 months);\n"
         "                    a series shorter than two seasons is fitted without seasonality\n"
         "  --damped          damped trend (phi in [0.8, 0.98], chosen with the others)\n"
         "  --horizon N       periods to forecast (default: one season)\n"
         "  --holdout N       hold the last N points back and score the forecast on them\n"
         "  --format F        text (default), csv (the forecast; with --db the series) or json\n"
         "  --limit N         rows in text output (default 20; 0 = all)\n"
         "  -h, --help        this help\n");
}

static bool parse_int(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*end || end == s || v < lo || v > hi) return false;
  *out = (int)v;
  return true;
}

int cmd_forecast(int argc, char **argv) {
  static const struct option opts[] = {{"input", required_argument, 0, 'i'},
                                       {"value", required_argument, 0, 'v'},
                                       {"db", required_argument, 0, 'd'},
                                       {"by", required_argument, 0, 'b'},
                                       {"grain", required_argument, 0, 'g'},
                                       {"as-of", required_argument, 0, 'a'},
                                       {"method", required_argument, 0, 'm'},
                                       {"period", required_argument, 0, 'p'},
                                       {"damped", no_argument, 0, 'D'},
                                       {"horizon", required_argument, 0, 'H'},
                                       {"holdout", required_argument, 0, 'o'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  unsigned long long limit = 20;
  tm_forecast_options opt = TM_FORECAST_OPTIONS_INIT;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'i': opt.input = optarg; break;
    case 'v': opt.value_col = optarg; break;
    case 'd': db = optarg; break;
    case 'b':
      if (strcmp(optarg, "total") && strcmp(optarg, "product") && strcmp(optarg, "category") &&
          strcmp(optarg, "region") && strcmp(optarg, "channel"))
        return cli_usage("forecast", "--by must be total, product, category, region or channel");
      opt.by = optarg;
      break;
    case 'g':
      if (strcmp(optarg, "day") && strcmp(optarg, "week") && strcmp(optarg, "month"))
        return cli_usage("forecast", "--grain must be day, week or month");
      opt.grain = optarg;
      break;
    case 'a':
      if (cli_parse_time(optarg, &opt.as_of_ms))
        return cli_usage("forecast", "--as-of '%s' is not a date (e.g. 2025-12-31)", optarg);
      dopt.as_of_ms = opt.as_of_ms;
      break;
    case 'm':
      if (strcmp(optarg, "additive") && strcmp(optarg, "multiplicative") && strcmp(optarg, "none"))
        return cli_usage("forecast", "--method must be additive, multiplicative or none");
      opt.method = optarg;
      break;
    case 'p':
      if (!strcmp(optarg, "auto")) opt.period = -1;
      else if (!parse_int(optarg, 2, 366, &opt.period)) return cli_usage("forecast", "--period must be 2 to 366, or auto");
      break;
    case 'D': opt.damped = 1; break;
    case 'H':
      if (!parse_int(optarg, 1, 4096, &opt.horizon)) return cli_usage("forecast", "--horizon must be 1 to 4096");
      break;
    case 'o':
      if (!parse_int(optarg, 1, 4096, &opt.holdout)) return cli_usage("forecast", "--holdout must be 1 to 4096");
      break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("forecast", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("forecast", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("forecast", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("forecast", "unexpected argument '%s'", argv[optind]);
  if (opt.input && (opt.by || opt.grain)) return cli_usage("forecast", "--by and --grain go with --db, not --input");
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_doc *doc = NULL;
  int rc;
  dopt.progress = cli_progress;
  if ((!opt.input && (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_dataset_load(&ds, wh, &dopt, &err))) ||
      tm_forecast_compute(&doc, ds, wh, &opt, &err)) {
    rc = err.code == TM_EINVAL ? (cli_lib_error(&err), CLI_USAGE) : cli_lib_error(&err);
  } else if (format == CLI_CSV) {
    cli_progress_done();
    rc = tm_doc_write_table(doc, opt.input ? "forecast" : "per_series", stdout, TM_FMT_CSV, 0, &err) ? cli_lib_error(&err)
                                                                                                : CLI_OK;
  } else {
    rc = cli_write_doc(doc, format, (size_t)limit);
  }
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}
