/*
 * cmd_churn.c — touchmine churn, propensity and leads: scores with reasons,
 * trained as of a cutoff and cross-validated (one implementation, three names).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(const char *kind) {
  printf("Usage: touchmine %s [--db FILE] [--cutoff DATE] [--horizon DAYS] [--model logreg|gbt] [options]\n"
         "       touchmine %s --input FILE.csv --label COLUMN [options]\n\n",
         kind, kind);
  if (!strcmp(kind, "churn"))
    printf("Churn scores: which buyers will make no purchase in the next --horizon days.\n");
  else if (!strcmp(kind, "propensity"))
    printf("Purchase propensity: who buys (anything, a --category or a --product) in the next\n"
           "--horizon days.\n");
  else
    printf("Lead scores: which known prospects (touchpoints, no purchase yet) make their first\n"
           "purchase in the next --horizon days.\n");
  printf("The model is trained as of --cutoff: features only from touchpoints before it\n"
         "(recency, tenure, orders, spend, purchase gap, channel shares, email engagement,\n"
         "returns, support contacts, browsing, discount use; docs/models.md), labels only from\n"
         "the horizon after it, so nothing leaks. Stratified k-fold cross-validation gives the\n"
         "AUC, PR-AUC, Brier score, lift and capture by decile and a calibration table, all out\n"
         "of fold. The final model then scores every eligible customer as of the end of the\n"
         "data, with each customer's top three reasons in plain words (logistic: coefficient x\n"
         "standardised value; gbt: xgboost's SHAP values). Saved to the warehouse (model_runs,\n"
         "model_scores, model_importance, model_deciles).\n\n"
         "--input scores any CSV directly: numeric columns as they are (blanks filled), text\n"
         "columns one-hot, the id column detected and left out; scores are out of fold.\n\n"
         "Examples:\n"
         "  touchmine %s --db shop.db --horizon 90 --model gbt\n"
         "  touchmine %s --db shop.db --backtest 3 --format json\n"
         "  touchmine churn --input Telco-Customer-Churn.csv --label Churn --format json\n"
         "  touchmine churn --db sample.db --truth sample/truth.json\n\n"
         "Options:\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --input FILE     score a CSV instead of the warehouse (with --label)\n"
         "  --label COLUMN   the CSV's 0/1 column (Yes/No, 1/0, true/false)\n"
         "  --cutoff DATE    train as of DATE (default: --horizon before the end of the data)\n"
         "  --horizon DAYS   label window: 90, 90d, 12w (default 90)\n"
         "  --activity A     churn: 'purchase' (default) or 'any' touchpoint\n"
         "  --category C     propensity: purchases in category C\n"
         "  --product P      propensity: purchases of product P\n"
         "  --model M        logreg (L2 logistic regression, default) or gbt (xgboost)\n"
         "  --folds K        cross-validation folds (default 5)\n"
         "  --seed S         seed of the folds and of xgboost (default 42)\n"
         "  --threads N      xgboost threads (default 1; results are the same at any count)\n"
         "  --backtest K     also cross-validate at K earlier cutoffs, a horizon apart\n"
         "  --C X            logreg inverse regularisation strength (default 1)\n"
         "  --rounds N       gbt boosting rounds (default 100)\n"
         "  --depth N        gbt tree depth (default 4)\n"
         "  --eta X          gbt learning rate (default 0.1)\n"
         "  --truth FILE     synth truth.json: its cutoff and window, and the churn bounds\n"
         "  --format F       text (default), csv (the scores) or json\n"
         "  --limit N        rows per table in text output (default 20; 0 = all)\n"
         "  -h, --help       this help\n",
         kind, kind);
}

static bool parse_days(const char *s, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s) return false;
  if (*end == 'w') v *= 7, end++;
  else if (*end == 'd') end++;
  if (*end || !(v >= 1 && v <= 3660)) return false;
  *out = v;
  return true;
}

static int run(const char *kind, int argc, char **argv) {
  static const struct option opts[] = {
      {"db", required_argument, 0, 'd'},      {"input", required_argument, 0, 'i'},
      {"label", required_argument, 0, 'L'},   {"cutoff", required_argument, 0, 'c'},
      {"horizon", required_argument, 0, 'H'}, {"activity", required_argument, 0, 'a'},
      {"category", required_argument, 0, 'g'}, {"product", required_argument, 0, 'p'},
      {"model", required_argument, 0, 'm'},   {"folds", required_argument, 0, 'k'},
      {"seed", required_argument, 0, 's'},    {"threads", required_argument, 0, 'T'},
      {"backtest", required_argument, 0, 'b'}, {"C", required_argument, 0, 'C'},
      {"rounds", required_argument, 0, 'r'},  {"depth", required_argument, 0, 'D'},
      {"eta", required_argument, 0, 'e'},     {"truth", required_argument, 0, 't'},
      {"format", required_argument, 0, 'f'},  {"limit", required_argument, 0, 'l'},
      {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  const char *db = cli_default_db(), *input = NULL, *label = NULL;
  int format = CLI_TEXT, c;
  unsigned long long limit = 20, num;
  tm_model_options o = TM_MODEL_OPTIONS_INIT;
  o.kind = kind;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'i': input = optarg; break;
    case 'L': label = optarg; break;
    case 'c':
      if (cli_parse_time(optarg, &o.cutoff_ms)) return cli_usage(kind, "--cutoff '%s' is not a date (e.g. 2025-09-30)", optarg);
      break;
    case 'H':
      if (!parse_days(optarg, &o.horizon_days)) return cli_usage(kind, "--horizon must be 1 to 3660 days (90, 90d, 12w)");
      break;
    case 'a':
      if (strcmp(optarg, "any") && strcmp(optarg, "purchase")) return cli_usage(kind, "--activity must be purchase or any");
      o.activity_any = !strcmp(optarg, "any");
      break;
    case 'g': o.category = optarg; break;
    case 'p': o.product = optarg; break;
    case 'm': o.model = optarg; break;
    case 'k':
      if (!cli_parse_count(optarg, &num) || num < 2 || num > 20) return cli_usage(kind, "--folds must be 2 to 20");
      o.folds = (int)num;
      break;
    case 's':
      if (!cli_parse_count(optarg, &num)) return cli_usage(kind, "--seed must be a whole number");
      o.seed = num;
      break;
    case 'T':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 256) return cli_usage(kind, "--threads must be 1 to 256");
      o.threads = (int)num;
      break;
    case 'b':
      if (!cli_parse_count(optarg, &num) || num > 24) return cli_usage(kind, "--backtest must be 0 to 24");
      o.backtest = (int)num;
      break;
    case 'C': o.C = atof(optarg); if (!(o.C > 0)) return cli_usage(kind, "--C must be above 0"); break;
    case 'r':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 5000) return cli_usage(kind, "--rounds must be 1 to 5000");
      o.rounds = (int)num;
      break;
    case 'D':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 16) return cli_usage(kind, "--depth must be 1 to 16");
      o.depth = (int)num;
      break;
    case 'e': o.eta = atof(optarg); if (!(o.eta > 0 && o.eta <= 1)) return cli_usage(kind, "--eta must be in (0, 1]"); break;
    case 't': o.truth_path = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage(kind, "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage(kind, "--limit must be a count");
      break;
    case 'h': help(kind); return CLI_OK;
    default: return cli_usage(kind, "unknown option");
    }
  }
  if (optind < argc) return cli_usage(kind, "unexpected argument '%s'", argv[optind]);
  if (input && !label) return cli_usage(kind, "--input needs --label COLUMN (the 0/1 column to predict)");
  if (label && !input) return cli_usage(kind, "--label goes with --input FILE.csv");
  const char *bad = tm_model_check(&o);
  if (bad) return cli_usage(kind, "%s", bad);
  o.progress = cli_progress;
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_doc *doc = NULL;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  dopt.progress = cli_progress;
  int rc;
  if (input ? tm_model_run_csv(&doc, input, label, &o, &err)
            : (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_dataset_load(&ds, wh, &dopt, &err) ||
               tm_model_run(&doc, ds, wh, &o, &err))) {
    rc = err.code == TM_EINVAL ? (cli_lib_error(&err), CLI_USAGE) : cli_lib_error(&err);
  } else {
    rc = cli_write_result(doc, format, "scores", (size_t)limit);
  }
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}

int cmd_churn(int argc, char **argv) { return run("churn", argc, argv); }
int cmd_propensity(int argc, char **argv) { return run("propensity", argc, argv); }
int cmd_leads(int argc, char **argv) { return run("leads", argc, argv); }
