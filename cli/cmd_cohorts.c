/*
 * cmd_cohorts.c — touchmine cohorts: cohort retention tables.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "journey_opts.h"

static void help(void) {
  printf("Usage: touchmine cohorts [--period day|week|month] [options]\n\n"
         "Customers grouped by the period of their acquisition (their first touchpoint, or\n"
         "their first --first-event), and for each interval after it the share of the cohort\n"
         "active (a touchpoint; --return-event to narrow it) or the revenue they brought:\n"
         "a triangle table plus the average per interval, weighted by cohort size. Any\n"
         "number of intervals. Weeks begin on Monday; periods are UTC unless --tz names a\n"
         "zone. Saved to journey_runs and cohort_retention (docs/journeys.md).\n\n"
         "Examples:\n"
         "  touchmine cohorts --period month --intervals 12\n"
         "  touchmine cohorts --period week --first-event purchase --return-event purchase \\\n"
         "                    --mode on-or-after --format json\n"
         "  touchmine cohorts --period day --intervals 365 --measure revenue --format csv\n\n"
         "Options:\n"
         "  --period P         day, week or month (default month)\n"
         "  --intervals N      intervals after the acquisition one (default 12)\n"
         "  --first-event S    acquisition = the first touchpoint matching step S\n"
         "                     (as in funnel: 'purchase', 'web:view', 'purchase[region=North]')\n"
         "  --return-event S   activity = a touchpoint matching S (default: any)\n"
         "  --measure M        activity (default: share of the cohort) or revenue\n"
         "  --mode M           on (default: active in that interval) or on-or-after\n"
         "                     (active in it or any later one; activity only)\n"
         "  --tz ZONE          periods begin at local midnight: UTC (default), an offset\n"
         "                     (+01:00) or a zone name (Europe/London, with summer time)\n"
         "  --as-of DATE       only touchpoints before DATE\n"
         "  --db FILE          warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --format F         text (default), csv (one row per cohort and interval) or json\n"
         "  --limit N          rows in text output (default 40; 0 = all)\n"
         "  -h, --help         this help\n");
}

static int compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const void *opt, tm_error *err) {
  return tm_cohorts_compute(out, ds, wh, opt, err);
}

int cmd_cohorts(int argc, char **argv) {
  static const struct option opts[] = {
      {"period", required_argument, 0, 'p'},  {"intervals", required_argument, 0, 'i'},
      {"first-event", required_argument, 0, 'F'}, {"return-event", required_argument, 0, 'R'},
      {"measure", required_argument, 0, 'm'}, {"mode", required_argument, 0, 'M'},
      {"tz", required_argument, 0, 'z'},      {"as-of", required_argument, 0, 'a'},
      {"db", required_argument, 0, 'd'},      {"format", required_argument, 0, 'f'},
      {"limit", required_argument, 0, 'l'},   {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  tm_cohort_options o = TM_COHORT_OPTIONS_INIT;
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  int64_t as_of = 0;
  unsigned long long limit = 40, num;
  o.spec = jo_spec(argc, argv);
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'p':
      if (!strcmp(optarg, "day")) o.period = TM_PERIOD_DAY;
      else if (!strcmp(optarg, "week")) o.period = TM_PERIOD_WEEK;
      else if (!strcmp(optarg, "month")) o.period = TM_PERIOD_MONTH;
      else return cli_usage("cohorts", "--period must be day, week or month");
      break;
    case 'i':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 100000)
        return cli_usage("cohorts", "--intervals must be 1 to 100000");
      o.intervals = (int)num;
      break;
    case 'F': o.first_event = optarg; break;
    case 'R': o.return_event = optarg; break;
    case 'm':
      if (!strcmp(optarg, "activity")) o.revenue = 0;
      else if (!strcmp(optarg, "revenue")) o.revenue = 1;
      else return cli_usage("cohorts", "--measure must be activity or revenue");
      break;
    case 'M':
      if (!strcmp(optarg, "on")) o.on_or_after = 0;
      else if (!strcmp(optarg, "on-or-after")) o.on_or_after = 1;
      else return cli_usage("cohorts", "--mode must be on or on-or-after");
      break;
    case 'z': o.tz = optarg; break;
    case 'a':
      if (cli_parse_time(optarg, &as_of)) return cli_usage("cohorts", "--as-of '%s' is not a date", optarg);
      break;
    case 'd': db = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("cohorts", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("cohorts", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("cohorts", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("cohorts", "unexpected argument '%s'", argv[optind]);
  return jo_run("cohorts", db, as_of, compute, &o, format, "retention", (size_t)limit);
}
