/*
 * cmd_themes.c — touchmine themes: key terms, pain points and NPS of the
 * warehouse's feedback texts.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine themes [--db FILE] [options]\n\n"
         "What customers write about, from the warehouse's feedback texts (e-mails, phone and\n"
         "card numbers scrubbed first). Words are lower-cased, stop words dropped and stemmed\n"
         "(Snowball English); terms are words and two-word phrases within a clause.\n"
         "  key terms    TF-IDF (term count in the scope x smoothed idf over all texts), top 15\n"
         "               of each scope: all, channel:NAME, rating:low|mid|high (NPS 0-6/7-8/9-10,\n"
         "               stars 1-2/3/4-5), segment:NAME (latest segment run), detractors\n"
         "  pain points  aspect terms (not only sentiment words) of negative texts (VADER\n"
         "               compound <= -0.05), ranked by volume x negativity = the sum of -compound\n"
         "  NPS          from 0-10 ratings: promoters 9-10, passives 7-8, detractors 0-6,\n"
         "               NPS = 100 x (promoters - detractors) / responses\n"
         "Saved to text_themes, text_customer_themes (each customer's mentions of the pain\n"
         "points and key terms) and text_nps, replacing earlier rows.\n\n"
         "Examples:\n"
         "  touchmine themes --db touchmine.db\n"
         "  touchmine themes --format json | jq '.pain_points[:5]'\n\n"
         "Options:\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --mode M         sentiment mode: fidelity (default) or improved\n"
         "  --format F       text (default), csv or json\n"
         "  --limit N        rows per table in text output (default 20; 0 = all)\n"
         "  -h, --help       this help\n");
}

int cmd_themes(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                       {"mode", required_argument, 0, 'm'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db();
  tm_sentiment_options sopt = {0};
  tm_text_db_options topt = {0};
  int format = CLI_TEXT, c;
  unsigned long long limit = 20;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'm':
      if (!strcmp(optarg, "fidelity")) sopt.improved = 0;
      else if (!strcmp(optarg, "improved")) sopt.improved = 1;
      else return cli_usage("themes", "--mode must be fidelity or improved");
      break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("themes", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("themes", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("themes", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("themes", "unexpected argument '%s'", argv[optind]);
  tm_error err = {0};
  tm_sentiment *s = NULL;
  tm_warehouse *wh = NULL;
  tm_doc *doc = NULL;
  int rc;
  topt.progress = cli_progress;
  if (tm_sentiment_open(&s, &sopt, &err) || tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) ||
      tm_themes_compute(&doc, wh, s, &topt, &err)) {
    rc = cli_lib_error(&err);
  } else {
    cli_progress_done();
    rc = cli_write_doc(doc, format, (size_t)limit);
  }
  tm_doc_free(doc);
  tm_warehouse_close(wh);
  tm_sentiment_close(s);
  return rc;
}
