/*
 * cmd_report.c — touchmine report: the dashboard as one self-contained HTML file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine report [--db FILE] [--out report.html] [--from DATE] [--to DATE]\n"
         "                        [--channel NAME] [--region NAME] [--segment NAME]\n\n"
         "Writes the dashboard as ONE self-contained HTML file (no network, no external\n"
         "assets): KPI tiles with their change against the previous period, then a section\n"
         "per analysis — summary and touchpoint map, data quality, segments and personas,\n"
         "association rules, journeys, funnel, cohorts, CLV, churn, sentiment, forecast,\n"
         "A/B tests, attribution, anomalies. Each section reads the latest run of its\n"
         "analysis from the warehouse (docs/report.md); one with no data says which\n"
         "command fills it. Charts are SVG; every chart's numbers are in a table with a\n"
         "CSV download.\n\n"
         "Example:\n"
         "  touchmine report --db shop.db --out shop-report.html\n\n"
         "Options:\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --out FILE       the HTML file to write (default report.html; - for stdout)\n"
         "  --from DATE      start of the current period (default: 30 days before --to)\n"
         "  --to DATE        last day of the current period (default: the day of the last touchpoint)\n"
         "  --channel NAME   KPIs over this channel's touchpoints only\n"
         "  --region NAME    KPIs over this region's touchpoints only\n"
         "  --segment NAME   KPIs over this segment's customers only (latest segment run, RFM first)\n"
         "  -h, --help       this help\n\n"
         "Environment: TM_REPORT_TIMING=1 prints each phase's wall time on stderr.\n");
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_report(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},      {"out", required_argument, 0, 'o'},
                                       {"from", required_argument, 0, 'f'},    {"to", required_argument, 0, 't'},
                                       {"channel", required_argument, 0, 'c'}, {"region", required_argument, 0, 'r'},
                                       {"segment", required_argument, 0, 's'}, {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db(), *out = "report.html";
  tm_dashboard_filter f = TM_DASHBOARD_FILTER_INIT;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'o': out = optarg; break;
    case 'f':
      if (cli_parse_time(optarg, &f.from_ms)) return cli_usage("report", "--from '%s' is not a date (e.g. 2025-06-01)", optarg);
      break;
    case 't':
      if (cli_parse_time(optarg, &f.to_ms)) return cli_usage("report", "--to '%s' is not a date (e.g. 2025-06-30)", optarg);
      f.to_ms += 86400000; /* the last day included */
      break;
    case 'c': f.channel = optarg; break;
    case 'r': f.region = optarg; break;
    case 's': f.segment = optarg; break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("report", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("report", "unexpected argument '%s'", argv[optind]);
  if (f.from_ms && f.to_ms && f.from_ms >= f.to_ms) return cli_usage("report", "--from must be before --to");
  tm_error err = {0};
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  tm_dashboard *d = NULL;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  dopt.progress = cli_progress;
  char *html = NULL;
  size_t len = 0;
  int rc = CLI_OK;
  /* TM_REPORT_TIMING=1: where the time goes, phase by phase (docs/benchmarks.md) */
  double t[5];
  t[0] = now_s();
  int fail = tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err);
  t[1] = now_s();
  if (!fail) fail = tm_dataset_load(&ds, wh, &dopt, &err);
  t[2] = now_s();
  if (!fail) fail = tm_dashboard_new(&d, wh, ds, &err);
  t[3] = now_s();
  if (!fail) fail = tm_dashboard_html(&html, &len, d, &f, TM_PAGE_STANDALONE, &err);
  t[4] = now_s();
  if (getenv("TM_REPORT_TIMING"))
    fprintf(stderr, "timing: open %.3f s, dataset load %.3f s, summary %.3f s, KPIs and sections %.3f s, total %.3f s\n",
            t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3], t[4] - t[0]);
  if (fail) {
    cli_progress_done();
    rc = cli_lib_error(&err);
  } else {
    cli_progress_done();
    FILE *fp = strcmp(out, "-") ? fopen(out, "wb") : stdout;
    if (!fp || fwrite(html, 1, len, fp) != len || (fp != stdout && fclose(fp) != 0)) {
      rc = cli_error("cannot write %s: %s (is the folder there and writable?)", out, strerror(errno));
    } else if (fp != stdout) {
      fprintf(stderr, "wrote %s (%zu bytes)\n", out, len);
    }
  }
  tm_free_buffer(html);
  tm_dashboard_free(d);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  return rc;
}
