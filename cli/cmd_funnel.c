/*
 * cmd_funnel.c — touchmine funnel: conversion funnels over the touchpoints.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "journey_opts.h"

static void help(void) {
  printf("Usage: touchmine funnel --steps S1,S2,... [--window 7d] [options]\n\n"
         "How many customers do step 1, then step 2, ... within a conversion window that\n"
         "starts at step 1: per step, the customers (or attempts) entering it, conversion\n"
         "from step 1, drop-off from the previous step and the median time from the\n"
         "previous step. Any number of steps (up to 64). A step is a touchpoint type\n"
         "('purchase'), CHANNEL:TYPE ('web:view') and/or filters\n"
         "('purchase[channel=store,region=North]'; keys channel, type, campaign, region,\n"
         "device, source; '*' = any). Saved to journey_runs and funnel_steps\n"
         "(docs/journeys.md has the exact rules).\n\n"
         "Examples:\n"
         "  touchmine funnel --steps view,add_to_cart,purchase --window 7d\n"
         "  touchmine funnel --steps web:view,web:add_to_cart,web:checkout,web:purchase \\\n"
         "                   --window 1d --order strict --by channel --format json\n\n"
         "Options:\n"
         "  --steps LIST     the steps, comma-separated (required)\n"
         "  --window D       conversion window from step 1: 30m, 12h, 7d, 2w (default: none)\n"
         "  --order O        ordered (default: in order, others between), strict (in order,\n"
         "                   nothing between) or any (any order)\n"
         "  --exclude STEP   drop customers who do STEP between their steps (repeatable)\n"
         "  --count C        customers (default: each once, at their furthest step) or\n"
         "                   totals (every attempt; one customer may convert many times)\n"
         "  --by DIM         breakdown by channel, campaign or region of the step-1\n"
         "                   touchpoint, or segment (the latest 'touchmine segment' run)\n"
         "  --as-of DATE     only touchpoints before DATE\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --format F       text (default), csv (the funnel table) or json\n"
         "  --limit N        rows in text output (default 0 = all)\n"
         "  -h, --help       this help\n");
}

static int compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const void *opt, tm_error *err) {
  return tm_funnel_compute(out, ds, wh, opt, err);
}

int cmd_funnel(int argc, char **argv) {
  static const struct option opts[] = {{"steps", required_argument, 0, 's'},   {"window", required_argument, 0, 'w'},
                                       {"order", required_argument, 0, 'o'},   {"exclude", required_argument, 0, 'x'},
                                       {"count", required_argument, 0, 'c'},   {"by", required_argument, 0, 'b'},
                                       {"as-of", required_argument, 0, 'a'},   {"db", required_argument, 0, 'd'},
                                       {"format", required_argument, 0, 'f'},  {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  tm_funnel_options o = TM_FUNNEL_OPTIONS_INIT;
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  int64_t as_of = 0;
  unsigned long long limit = 0;
  char excl[1024] = "";
  o.spec = jo_spec(argc, argv);
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 's': o.steps = optarg; break;
    case 'w':
      if (!jo_parse_duration(optarg, &o.window_ms)) return cli_usage("funnel", "--window '%s': say e.g. 7d, 12h, 30m", optarg);
      break;
    case 'o':
      if (!strcmp(optarg, "ordered")) o.order = TM_FUNNEL_ORDERED;
      else if (!strcmp(optarg, "strict")) o.order = TM_FUNNEL_STRICT;
      else if (!strcmp(optarg, "any")) o.order = TM_FUNNEL_ANY;
      else return cli_usage("funnel", "--order must be ordered, strict or any");
      break;
    case 'x':
      if (strlen(excl) + strlen(optarg) + 2 > sizeof excl) return cli_usage("funnel", "too many --exclude steps");
      if (*excl) strcat(excl, ",");
      strcat(excl, optarg);
      break;
    case 'c':
      if (!strcmp(optarg, "customers")) o.count_totals = 0;
      else if (!strcmp(optarg, "totals")) o.count_totals = 1;
      else return cli_usage("funnel", "--count must be customers or totals");
      break;
    case 'b': o.by = optarg; break;
    case 'a':
      if (cli_parse_time(optarg, &as_of)) return cli_usage("funnel", "--as-of '%s' is not a date", optarg);
      break;
    case 'd': db = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("funnel", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("funnel", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("funnel", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("funnel", "unexpected argument '%s'", argv[optind]);
  if (!o.steps) return cli_usage("funnel", "say which steps: --steps view,add_to_cart,purchase");
  if (*excl) o.exclude = excl;
  return jo_run("funnel", db, as_of, compute, &o, format, "funnel", (size_t)limit);
}
