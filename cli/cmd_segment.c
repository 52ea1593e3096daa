/*
 * cmd_segment.c — touchmine segment: customer segmentation (RFM, clusters, rule-based types).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine segment --by KIND [--db FILE] [--as-of DATE] [options]\n"
         "       touchmine segment --rules FILE [--db FILE] [--as-of DATE] [options]\n\n"
         "RFM segmentation: per customer with a purchase before DATE, recency (days since the\n"
         "last purchase), frequency (orders) and monetary value (net of returns), quintile\n"
         "scores r, f, m from 1 to 5, and the named segment of the (r, f) grid: Champions,\n"
         "Loyal, Potential loyalists, New, Promising, Need attention, About to sleep, At risk,\n"
         "Can't lose them, Hibernating, Lost (rules in docs/segments.md). The result is saved\n"
         "to the warehouse (segment_runs, customer_segments, customer_rfm). With --format csv,\n"
         "one row per customer; 'customer' is the source's own customer id where one exists.\n\n"
         "Behavioural clusters (--by cluster): k-means with k-means++ seeding, best of several\n"
         "restarts, on standardised per-buyer features (orders, order share per channel, mean\n"
         "order value, email open and click rates, returns, support contacts, discount use,\n"
         "web and app browsing, tenure, days between orders, mobile share, and review\n"
         "sentiment once 'touchmine sentiment --db' has run; docs/segments.md), with each\n"
         "segment's feature means. The same seed gives the same segments at any thread count.\n"
         "--truth scores them against synth's planted segments (adjusted Rand index).\n\n"
         "Rule-based segments: demographic (gender x age band), geographic (region, else\n"
         "country), psychographic (the survey's lifestyle), firmographic (industry x company\n"
         "size of B2B accounts; others 'consumer'), technographic (the device most used), value\n"
         "(CLV deciles once 'touchmine clv' has run, else deciles of net spend), behavioural\n"
         "(main order channel x order frequency) and needs (each customer's most mentioned\n"
         "feedback theme; needs 'touchmine themes' first), with each segment's size and\n"
         "revenue share. --rules FILE: your own segments, lines 'Name: condition' such as\n"
         "'Web loyalists: orders >= 3 and channel_share_web > 0.5'; the first match wins, else\n"
         "'Other' (format in docs/segments.md).\n\n"
         "Every kind gets persona cards: a generated name, size, customer and revenue share,\n"
         "top 3 channels, products and regions, median features and the features that set\n"
         "each segment apart (standardised difference, largest first), saved to the\n"
         "warehouse tables segment_profiles and segment_features.\n\n"
         "Examples:\n"
         "  touchmine segment --by rfm --db retail.db --as-of 2011-12-10\n"
         "  touchmine segment --by rfm --as-of 2011-12-10 --format csv > rfm.csv\n"
         "  touchmine segment --by cluster --k auto --truth sample/truth.json --format json\n"
         "  touchmine segment --by geographic --format csv > regions.csv\n"
         "  touchmine segment --rules my-segments.txt --format json\n\n"
         "Options:\n"
         "  --by KIND        rfm, cluster, demographic, geographic, psychographic, firmographic,\n"
         "                   technographic, value, behavioural or needs\n"
         "  --rules FILE     custom segments from a rules file instead of --by\n"
         "  --k N|auto       clusters (default 5); auto tries 2..--k-max and keeps the k with\n"
         "                   the largest silhouette (on a sample of 2,000), showing the curve\n"
         "                   with Calinski-Harabasz and Davies-Bouldin\n"
         "  --k-max N        largest k that auto tries (default 10)\n"
         "  --seed S         random seed of the k-means++ restarts (default 42)\n"
         "  --restarts N     k-means++ restarts, the best kept (default 8)\n"
         "  --algorithm A    lloyd, hamerly (exact, Lloyd's answer with fewer distances),\n"
         "                   minibatch (approximate, for >= 10M customers) or auto (default:\n"
         "                   minibatch from 10M customers, else lloyd)\n"
         "  --max-iter N     iterations per restart at most (default 100; minibatch: batches)\n"
         "  --batch N        mini-batch size (default 4096)\n"
         "  --truth FILE     synth truth.json: add the adjusted Rand index (ari)\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --as-of DATE     only purchases before DATE; recency is counted to DATE\n"
         "                   (default: midnight after the last purchase)\n"
         "  --format F       text (default: segments, then the top customers), csv or json\n"
         "  --limit N        customer rows in text output (default 20; 0 = all)\n"
         "  -h, --help       this help\n");
}

int cmd_segment(int argc, char **argv) {
  static const struct option opts[] = {{"by", required_argument, 0, 'b'},
                                       {"k", required_argument, 0, 'k'},
                                       {"k-max", required_argument, 0, 'K'},
                                       {"seed", required_argument, 0, 's'},
                                       {"restarts", required_argument, 0, 'r'},
                                       {"truth", required_argument, 0, 't'},
                                       {"db", required_argument, 0, 'd'},
                                       {"as-of", required_argument, 0, 'a'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"algorithm", required_argument, 0, 'A'},
                                       {"max-iter", required_argument, 0, 'I'},
                                       {"batch", required_argument, 0, 'B'},
                                       {"rules", required_argument, 0, 'R'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db(), *by = NULL;
  int format = CLI_TEXT, c;
  unsigned long long limit = 20;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  tm_rfm_options ropt = TM_RFM_OPTIONS_INIT;
  tm_cluster_options copt = TM_CLUSTER_OPTIONS_INIT;
  tm_cluster_algorithm calg = TM_CLUSTER_ALGORITHM_INIT;
  const char *rules_path = NULL;
  unsigned long long num;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'b': by = optarg; break;
    case 'k':
      if (!strcmp(optarg, "auto")) copt.k = 0;
      else if (!cli_parse_count(optarg, &num) || num < 1 || num > 1000)
        return cli_usage("segment", "--k must be 1 to 1000, or auto");
      else copt.k = (int)num;
      break;
    case 'K':
      if (!cli_parse_count(optarg, &num) || num < 2 || num > 100) return cli_usage("segment", "--k-max must be 2 to 100");
      copt.k_max = (int)num;
      break;
    case 's':
      if (!cli_parse_count(optarg, &num)) return cli_usage("segment", "--seed must be a whole number");
      copt.seed = num;
      break;
    case 'r':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 1000) return cli_usage("segment", "--restarts must be 1 to 1000");
      copt.restarts = (int)num;
      break;
    case 't': copt.truth_path = optarg; break;
    case 'A':
      if (!strcmp(optarg, "auto")) calg.algorithm = TM_KMEANS_AUTO;
      else if (!strcmp(optarg, "lloyd")) calg.algorithm = TM_KMEANS_LLOYD;
      else if (!strcmp(optarg, "hamerly")) calg.algorithm = TM_KMEANS_HAMERLY;
      else if (!strcmp(optarg, "minibatch")) calg.algorithm = TM_KMEANS_MINIBATCH;
      else return cli_usage("segment", "--algorithm must be lloyd, hamerly, minibatch or auto");
      break;
    case 'I':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 100000) return cli_usage("segment", "--max-iter must be 1 to 100000");
      copt.max_iter = (int)num;
      break;
    case 'B':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 100000000) return cli_usage("segment", "--batch must be 1 to 100000000");
      calg.batch = num;
      break;
    case 'R': rules_path = optarg; break;
    case 'd': db = optarg; break;
    case 'a':
      if (cli_parse_time(optarg, &dopt.as_of_ms))
        return cli_usage("segment", "--as-of '%s' is not a date (e.g. 2011-12-10)", optarg);
      ropt.as_of_ms = dopt.as_of_ms;
      break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("segment", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("segment", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("segment", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("segment", "unexpected argument '%s'", argv[optind]);
  if (rules_path && by) return cli_usage("segment", "give --by KIND or --rules FILE, not both");
  if (rules_path) by = "rules";
  if (!by) return cli_usage("segment", "say which segmentation: --by rfm, --by cluster, another --by KIND (see --help) or --rules FILE");
  bool cluster = !strcmp(by, "cluster"), rfm = !strcmp(by, "rfm");
  static const char *const rules[] = {"demographic", "geographic", "psychographic", "firmographic",
                                      "technographic", "value", "behavioural", "needs"};
  bool rule = false;
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) rule |= !strcmp(by, rules[i]);
  if (rules_path) rule = true;
  if (!cluster && !rfm && !rule)
    return cli_usage("segment", "--by %s: say rfm, cluster, demographic, geographic, psychographic, firmographic, "
                                "technographic, value, behavioural or needs", by);
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_doc *doc = NULL;
  int rc;
  dopt.progress = cli_progress;
  if (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_dataset_load(&ds, wh, &dopt, &err) ||
      (cluster ? tm_cluster_compute_with(&doc, ds, wh, &copt, &calg, &err)
       : rfm   ? tm_rfm_compute(&doc, ds, wh, &ropt, &err)
       : rules_path ? tm_segment_rules_file(&doc, ds, wh, rules_path, &err)
               : tm_segment_rules(&doc, ds, wh, by, &err))) {
    bool usage = err.code == TM_EINVAL || (rules_path && (err.code == TM_EFORMAT || err.code == TM_EIO));
    rc = usage ? (cli_lib_error(&err), CLI_USAGE) : cli_lib_error(&err);
  } else if (format == CLI_CSV) {
    cli_progress_done();
    rc = tm_doc_write_table(doc, rfm ? "rfm" : "assignments", stdout, TM_FMT_CSV, 0, &err) ? cli_lib_error(&err)
                                                                                           : CLI_OK;
  } else {
    rc = cli_write_doc(doc, format, (size_t)limit);
  }
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}
