/*
 * cmd_synth.c — `touchmine synth`: writes realistic exports of a fictional
 * retailer, with planted truth, through tm_synth_run.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void help(FILE *f) {
  fputs("Usage: touchmine synth --out DIR [options]\n"
        "\n"
        "Writes realistic exports of a fictional UK/EU retailer (stores, web, app) into DIR:\n"
        "a CRM table, order lines, Segment-spec clickstream, email and ad events, contact-centre\n"
        "contacts, surveys and reviews, social mentions; dirty rows at a stated rate; truth.json\n"
        "with everything that was planted (segments, BG/NBD parameters, churn, basket rules,\n"
        "journeys, an A/B effect, seasonality, anomalies, sentiment); and touchmine.ini, the\n"
        "ingest configuration for the files. The same options give byte-identical files at any\n"
        "number of threads (OMP_NUM_THREADS). About 85 events per person per year.\n"
        "\n"
        "Example:\n"
        "  touchmine synth --customers 100k --days 365 --seed 7 --out sample\n"
        "  touchmine ingest --config sample/touchmine.ini\n"
        "\n"
        "Options:\n"
        "  -o, --out DIR          folder to write (created if missing; files are overwritten)\n"
        "  -n, --customers N      people, prospects and anonymous visitors included (default 10k;\n"
        "                         accepts 10k, 1M)\n"
        "  -d, --days D           length of the history: 365, 52w, 1y (default 365, 7 to 3660)\n"
        "  -s, --seed S           random seed (default 42)\n"
        "      --dirty-rate R     share of rows made dirty in event and order files: 0.01 or 1%\n"
        "                         (default 1%, at most 50%)\n"
        "      --start YYYY-MM-DD first day of the history, UTC (default 2025-01-01)\n"
        "      --gzip             write the clickstream as web_events.jsonl.gz\n"
        "  -h, --help             this help\n",
        f);
}

static bool parse_days(const char *s, int *out) {
  char *end;
  if (!s || *s < '0' || *s > '9') return false;
  double v = strtod(s, &end);
  if (*end == 'd')
    end++;
  else if (*end == 'w')
    v *= 7, end++;
  else if (*end == 'y')
    v *= 365, end++;
  if (*end || v < 1 || v > 100000) return false;
  *out = (int)(v + 0.5);
  return true;
}

static bool parse_rate(const char *s, double *out) {
  char *end;
  if (!s || !*s) return false;
  double v = strtod(s, &end);
  if (*end == '%') v /= 100.0, end++;
  if (*end || end == s) return false;
  *out = v;
  return true;
}

static bool parse_date(const char *s, int64_t *ms) {
  int y, m, d;
  char tail;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap)) return false;
  /* days from civil (H. Hinnant) */
  int yy = y - (m <= 2);
  long era = (yy >= 0 ? yy : yy - 399) / 400;
  long yoe = yy - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *ms = (int64_t)(era * 146097 + doe - 719468) * 86400000LL;
  return true;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_synth(int argc, char **argv) {
  tm_synth_options opt = TM_SYNTH_OPTIONS_INIT;
  static const struct option longs[] = {{"out", required_argument, NULL, 'o'},
                                        {"customers", required_argument, NULL, 'n'},
                                        {"days", required_argument, NULL, 'd'},
                                        {"seed", required_argument, NULL, 's'},
                                        {"dirty-rate", required_argument, NULL, 'r'},
                                        {"start", required_argument, NULL, 'S'},
                                        {"gzip", no_argument, NULL, 'z'},
                                        {"help", no_argument, NULL, 'h'},
                                        {NULL, 0, NULL, 0}};
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, ":o:n:d:s:h", longs, NULL)) != -1) {
    switch (ch) {
    case 'o': opt.out_dir = optarg; break;
    case 'n': {
      unsigned long long n;
      if (!cli_parse_count(optarg, &n)) return cli_usage("synth", "--customers: not a count: '%s'", optarg);
      opt.customers = n;
      break;
    }
    case 'd':
      if (!parse_days(optarg, &opt.days)) return cli_usage("synth", "--days: not a length: '%s'", optarg);
      break;
    case 's': {
      char *end;
      if (!*optarg || *optarg == '-') return cli_usage("synth", "--seed: not a number: '%s'", optarg);
      opt.seed = strtoull(optarg, &end, 10);
      if (*end) return cli_usage("synth", "--seed: not a number: '%s'", optarg);
      break;
    }
    case 'r':
      if (!parse_rate(optarg, &opt.dirty_rate))
        return cli_usage("synth", "--dirty-rate: not a rate: '%s'", optarg);
      break;
    case 'S':
      if (!parse_date(optarg, &opt.start_ms))
        return cli_usage("synth", "--start: not a date YYYY-MM-DD: '%s'", optarg);
      break;
    case 'z': opt.gzip = 1; break;
    case 'h': help(stdout); return CLI_OK;
    case ':': return cli_usage("synth", "%s needs a value", argv[optind - 1]);
    default: return cli_usage("synth", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return cli_usage("synth", "unexpected argument '%s'", argv[optind]);
  if (!opt.out_dir) return cli_usage("synth", "--out DIR is required");
  const char *msg = tm_synth_check(&opt);
  if (msg) return cli_usage("synth", "%s", msg);

  opt.progress = cli_progress;
  tm_synth_stats st;
  tm_error err = {0};
  double t = now_s();
  int rc = tm_synth_run(&st, &opt, &err);
  cli_progress_done();
  if (rc) return cli_lib_error(&err);
  t = now_s() - t;
  const char *dir = opt.out_dir;
  const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
  printf("wrote %u files to %s in %.1f s\n", st.files, dir, t);
  printf("  people      %llu (buyers, prospects and anonymous visitors)\n", (unsigned long long)st.customers);
  printf("  events      %llu touchpoint rows (%.1f per person)\n", (unsigned long long)st.events,
         st.customers ? (double)st.events / (double)st.customers : 0.0);
  printf("  rows        %llu in all files, CRM and order lines included\n", (unsigned long long)st.rows);
  printf("  dirty rows  %llu (listed by line in truth.json)\n", (unsigned long long)st.dirty_rows);
  printf("  truth       %s%struth.json\n", dir, sep);
  printf("  config      %s%stouchmine.ini   (touchmine ingest --config %s%stouchmine.ini)\n", dir, sep, dir,
         sep);
  return CLI_OK;
}
