/*
 * cmd_paths.c — touchmine paths: customer journeys around an event.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "journey_opts.h"

static void help(void) {
  printf("Usage: touchmine paths --event STEP [options]\n\n"
         "Each customer's touchpoints in time order as a sequence of steps (CHANNEL:TYPE,\n"
         "consecutive repeats collapsed): the top paths leading to the event and away from it,\n"
         "the next-step transition table with counts and probabilities (the data of a Sankey\n"
         "chart), the time from a customer's first touchpoint to their first event (median,\n"
         "quartiles) and, with --patterns, sequential patterns (PrefixSpan) with a minimum\n"
         "support, a maximum gap between consecutive steps and a maximum length. A step is\n"
         "written as in funnel ('purchase', 'web:view', 'purchase[channel=store]'). Saved to\n"
         "journey_runs, path_transitions and top_paths (docs/journeys.md).\n\n"
         "Examples:\n"
         "  touchmine paths --event purchase --first --steps 4\n"
         "  touchmine paths --event store:purchase --patterns --min-support 0.05 --max-gap 7d \\\n"
         "                  --max-len 4 --format json\n\n"
         "Options:\n"
         "  --event STEP       the target event (required)\n"
         "  --first            only each customer's first event\n"
         "  --steps N          steps kept before / after the event (default 4)\n"
         "  --no-collapse      keep consecutive repeats of a step\n"
         "  --label type       label steps by type only (default channel:type)\n"
         "  --top N            paths shown per direction (default 20)\n"
         "  --patterns         mine sequential patterns (PrefixSpan)\n"
         "  --min-support S    patterns: a fraction of customers (0.05), a percentage (5%%)\n"
         "                     or a count of customers (100) (default 0.01)\n"
         "  --max-gap D        patterns: most time between consecutive steps: 30m, 12h, 7d\n"
         "                     (default: any)\n"
         "  --max-len N        patterns: longest pattern, 1 to 16 (default 4)\n"
         "  --as-of DATE       only touchpoints before DATE\n"
         "  --db FILE          warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --format F         text (default), csv (the transitions) or json\n"
         "  --limit N          rows in text output (default 20; 0 = all)\n"
         "  -h, --help         this help\n");
}

static int compute(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const void *opt, tm_error *err) {
  return tm_paths_compute(out, ds, wh, opt, err);
}

int cmd_paths(int argc, char **argv) {
  static const struct option opts[] = {
      {"event", required_argument, 0, 'e'},   {"first", no_argument, 0, '1'},
      {"steps", required_argument, 0, 's'},   {"no-collapse", no_argument, 0, 'C'},
      {"label", required_argument, 0, 'L'},   {"top", required_argument, 0, 't'},
      {"patterns", no_argument, 0, 'p'},      {"min-support", required_argument, 0, 'm'},
      {"max-gap", required_argument, 0, 'g'}, {"max-len", required_argument, 0, 'n'},
      {"as-of", required_argument, 0, 'a'},   {"db", required_argument, 0, 'd'},
      {"format", required_argument, 0, 'f'},  {"limit", required_argument, 0, 'l'},
      {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  tm_paths_options o = TM_PATHS_OPTIONS_INIT;
  const char *db = cli_default_db();
  int format = CLI_TEXT, c;
  int64_t as_of = 0;
  unsigned long long limit = 20, num;
  char *end;
  o.spec = jo_spec(argc, argv);
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'e': o.event = optarg; break;
    case '1': o.first = 1; break;
    case 's':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 64) return cli_usage("paths", "--steps must be 1 to 64");
      o.steps = (int)num;
      break;
    case 'C': o.collapse = 0; break;
    case 'L':
      if (!strcmp(optarg, "type")) o.label_type_only = 1;
      else if (!strcmp(optarg, "channel:type")) o.label_type_only = 0;
      else return cli_usage("paths", "--label must be type or channel:type");
      break;
    case 't':
      if (!cli_parse_count(optarg, &num) || num < 1) return cli_usage("paths", "--top must be a count");
      o.top = (size_t)num;
      break;
    case 'p': o.patterns = 1; break;
    case 'm':
      o.min_support = strtod(optarg, &end);
      if (*end == '%' && !end[1]) o.min_support /= 100.0, end++;
      if (end == optarg || *end || !(o.min_support > 0) || (o.min_support >= 1 && o.min_support != (double)(long long)o.min_support))
        return cli_usage("paths", "--min-support: a fraction (0.05), a percentage (5%%) or a count (100)");
      break;
    case 'g':
      if (!jo_parse_duration(optarg, &o.max_gap_ms)) return cli_usage("paths", "--max-gap '%s': say e.g. 7d, 12h, 30m", optarg);
      break;
    case 'n':
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 16) return cli_usage("paths", "--max-len must be 1 to 16");
      o.max_len = (int)num;
      break;
    case 'a':
      if (cli_parse_time(optarg, &as_of)) return cli_usage("paths", "--as-of '%s' is not a date", optarg);
      break;
    case 'd': db = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("paths", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("paths", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("paths", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("paths", "unexpected argument '%s'", argv[optind]);
  if (!o.event) return cli_usage("paths", "say which event: --event purchase");
  return jo_run("paths", db, as_of, compute, &o, format, "transitions", (size_t)limit);
}
