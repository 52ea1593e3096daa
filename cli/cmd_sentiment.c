/*
 * cmd_sentiment.c — touchmine sentiment: VADER sentiment of texts in a file or
 * of the warehouse's feedback.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine sentiment --input FILE [--column NAME] [options]\n"
         "       touchmine sentiment --db FILE [--truth truth.json] [options]\n\n"
         "Sentiment by the method of VADER (Hutto & Gilbert, ICWSM 2014): each word's valence\n"
         "from the lexicon, adjusted for negation in the three words before it, boosters and\n"
         "dampeners ('very', 'kind of'), contrastive 'but', ALL CAPS, ! and ?, emoticons, emoji\n"
         "and idioms. Per text: neg, neu, pos (shares of the text) and compound (-1..1);\n"
         "label positive when compound >= 0.05, negative when <= -0.05, else neutral.\n\n"
         "--mode fidelity (default) reproduces the reference Python vaderSentiment exactly;\n"
         "--mode improved scores negated negatives ('no problem', 'not the worst', 'not bad at\n"
         "all') as mildly positive instead of as the flipped opposite (docs/text.md).\n\n"
         "With --input, one text per line (or the CSV column --column NAME), one output row per\n"
         "text in input order. With --db, the warehouse's feedback texts are scored (e-mails,\n"
         "phone and card numbers scrubbed first) and saved to text_runs, text_sentiment and\n"
         "text_customer (per customer: mean compound, share negative, recent negative); earlier\n"
         "rows are replaced. --truth adds accuracy against synth's planted labels.\n\n"
         "Examples:\n"
         "  touchmine sentiment --input reviews.txt --format csv > scores.csv\n"
         "  touchmine sentiment --input survey.csv --column comment --mode improved --format csv\n"
         "  touchmine sentiment --db touchmine.db --truth sample/truth.json --format json\n\n"
         "Options:\n"
         "  --input FILE     texts, one per line ('-' for standard input; gzip/zstd read too)\n"
         "  --column NAME    read FILE as CSV (delimiter detected) and score column NAME\n"
         "  --db FILE        score the warehouse's feedback (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --truth FILE     with --db: synth truth.json, adds accuracy and a confusion table\n"
         "  --mode M         fidelity (default) or improved\n"
         "  --lexicon FILE   another word lexicon, VADER (word, mean, sd, ratings) or AFINN\n"
         "                   (word, -5..5) format, detected; AFINN values are scaled by 0.8\n"
         "  --emoji FILE     another emoji lexicon (emoji TAB description)\n"
         "  --format F       text (default), csv or json\n"
         "  --limit N        rows in text output (default 20; 0 = all)\n"
         "  -h, --help       this help\n\n"
         "The lexicons are found in $TOUCHMINE_DATA, then the installed share/touchmine, then\n"
         "data/ of the source tree.\n");
}

/* Writes x (already rounded to digits decimals) without printf: the hot loop. */
static char *put_fixed(char *p, double x, int digits) {
  long long scale = digits == 3 ? 1000 : 10000;
  long long v = llround(x * (double)scale);
  if (v < 0) { *p++ = '-'; v = -v; }
  long long ip = v / scale, fp = v % scale;
  char tmp[24];
  int k = 0;
  do { tmp[k++] = (char)('0' + ip % 10); ip /= 10; } while (ip);
  while (k) *p++ = tmp[--k];
  *p++ = '.';
  for (int d = digits - 1; d >= 0; d--) { p[d] = (char)('0' + fp % 10); fp /= 10; }
  return p + digits;
}

static int print_row(void *payload, uint64_t row, const tm_sentiment_scores *sc) {
  (void)payload;
  (void)row;
  char line[128], *p = line;
  p = put_fixed(p, sc->neg, 3);
  *p++ = ',';
  p = put_fixed(p, sc->neu, 3);
  *p++ = ',';
  p = put_fixed(p, sc->pos, 3);
  *p++ = ',';
  p = put_fixed(p, sc->compound, 4);
  *p++ = '\n';
  return fwrite(line, 1, (size_t)(p - line), stdout) != (size_t)(p - line);
}

typedef struct table_rows {
  tm_table *t;
  int failed;
} table_rows;

static int table_row(void *payload, uint64_t row, const tm_sentiment_scores *sc) {
  table_rows *tr = payload;
  if (tm_table_add_row(tr->t) || tm_table_set_int(tr->t, 0, (int64_t)row + 1) ||
      tm_table_set_real(tr->t, 1, sc->neg) || tm_table_set_real(tr->t, 2, sc->neu) ||
      tm_table_set_real(tr->t, 3, sc->pos) || tm_table_set_real(tr->t, 4, sc->compound) ||
      tm_table_set_str(tr->t, 5, tm_sentiment_label(sc->compound)))
    return tr->failed = 1;
  return 0;
}

static int score_input(tm_sentiment *s, const char *input, const char *column, int format, size_t limit) {
  tm_error err = {0};
  if (format == CLI_CSV) {
    fputs("neg,neu,pos,compound\n", stdout);
    if (tm_sentiment_file(s, input, column, print_row, NULL, &err)) return cli_lib_error(&err);
    return fflush(stdout) ? cli_error("writing the scores failed") : CLI_OK;
  }
  tm_doc *doc = NULL;
  table_rows tr = {0};
  if (tm_doc_new(&doc, "Sentiment") || tm_table_new(&tr.t, "scores", "Scores per text")) {
    tm_doc_free(doc);
    return cli_error("out of memory");
  }
  static const char *const cols[] = {"row", "neg", "neu", "pos", "compound", "label"};
  static const tm_coltype types[] = {TM_COL_INT, TM_COL_REAL, TM_COL_REAL, TM_COL_REAL, TM_COL_REAL, TM_COL_STR};
  for (int i = 0; i < 6; i++) tm_table_add_col(tr.t, cols[i], types[i]);
  int rc = tm_sentiment_file(s, input, column, table_row, &tr, &err);
  int added = tm_doc_add_table(doc, tr.t);
  if (rc || added) {
    tm_doc_free(doc);
    return tr.failed || added ? cli_error("out of memory") : cli_lib_error(&err);
  }
  const tm_table *t = tm_doc_table(doc, "scores");
  int64_t counts[3] = {0};
  double sum = 0;
  for (size_t i = 0; i < tm_table_rows(t); i++) {
    double c = tm_table_get_real(t, i, 4);
    sum += c;
    counts[c >= 0.05 ? 0 : c <= -0.05 ? 2 : 1]++;
  }
  tm_doc_set_int(doc, "texts", (int64_t)tm_table_rows(t));
  tm_doc_set_int(doc, "positive", counts[0]);
  tm_doc_set_int(doc, "neutral", counts[1]);
  tm_doc_set_int(doc, "negative", counts[2]);
  tm_doc_set_real(doc, "mean_compound", tm_table_rows(t) ? sum / (double)tm_table_rows(t) : 0);
  rc = cli_write_doc(doc, format, limit);
  tm_doc_free(doc);
  return rc;
}

int cmd_sentiment(int argc, char **argv) {
  static const struct option opts[] = {{"input", required_argument, 0, 'i'},
                                       {"column", required_argument, 0, 'c'},
                                       {"db", required_argument, 0, 'd'},
                                       {"truth", required_argument, 0, 't'},
                                       {"mode", required_argument, 0, 'm'},
                                       {"lexicon", required_argument, 0, 'L'},
                                       {"emoji", required_argument, 0, 'E'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *input = NULL, *column = NULL, *db = NULL;
  tm_sentiment_options sopt = {0};
  tm_text_db_options topt = {0};
  int format = CLI_TEXT, c;
  unsigned long long limit = 20;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'i': input = optarg; break;
    case 'c': column = optarg; break;
    case 'd': db = optarg; break;
    case 't': topt.truth_path = optarg; break;
    case 'm':
      if (!strcmp(optarg, "fidelity")) sopt.improved = 0;
      else if (!strcmp(optarg, "improved")) sopt.improved = 1;
      else return cli_usage("sentiment", "--mode must be fidelity or improved");
      break;
    case 'L': sopt.lexicon_path = optarg; break;
    case 'E': sopt.emoji_path = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) return cli_usage("sentiment", "--format must be text, csv or json");
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) return cli_usage("sentiment", "--limit must be a count");
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("sentiment", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("sentiment", "unexpected argument '%s'", argv[optind]);
  if (input && db) return cli_usage("sentiment", "give --input FILE or --db FILE, not both");
  if (column && !input) return cli_usage("sentiment", "--column goes with --input");
  if (topt.truth_path && input) return cli_usage("sentiment", "--truth goes with --db");
  if (!input && !db) db = cli_default_db();
  tm_error err = {0};
  tm_sentiment *s;
  if (tm_sentiment_open(&s, &sopt, &err)) return cli_lib_error(&err);
  int rc;
  if (input) {
    rc = score_input(s, input, column, format, (size_t)limit);
  } else {
    tm_warehouse *wh = NULL;
    tm_doc *doc = NULL;
    topt.progress = cli_progress;
    if (tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err) || tm_sentiment_db(&doc, wh, s, &topt, &err)) {
      rc = cli_lib_error(&err);
    } else {
      cli_progress_done();
      rc = cli_write_doc(doc, format, (size_t)limit);
    }
    tm_doc_free(doc);
    tm_warehouse_close(wh);
  }
  tm_sentiment_close(s);
  return rc;
}
