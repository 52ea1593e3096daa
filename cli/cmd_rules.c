/*
 * cmd_rules.c — touchmine rules: frequent itemsets and association rules.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine rules (--input FILE.dat | [--db FILE] --view VIEW) [options]\n\n"
         "Frequent itemsets (FP-growth) and association rules. Baskets come from a FIMI file\n"
         "(one basket per line, item ids separated by spaces) or from a view of the warehouse:\n"
         "  baskets      the products of each order (returns left out)\n"
         "  categories   the product categories of each order\n"
         "  touchpoints  per customer, the channel_type touchpoints (email_click, web_page_view,\n"
         "               store_purchase ...) that fall in one --window; windows are tumbling,\n"
         "               opened by a customer's first event and then by the first event past\n"
         "               the previous window\n"
         "Targets: frequent, closed (no superset has the same support), maximal (no frequent\n"
         "superset) itemsets, one row per itemset with its absolute support; or rules X -> Y\n"
         "with support, count, confidence, lift, leverage, conviction (empty = infinite), the\n"
         "one-sided Fisher exact p-value that X and Y go together more often than chance, and\n"
         "the Benjamini-Hochberg q-value over all rules that passed the other filters. Rules are\n"
         "ranked by lift; over the warehouse they are saved to rule_runs and assoc_rules.\n"
         "--truth checks synth's planted basket rules (found, rank, lift). docs/rules.md.\n\n"
         "Examples:\n"
         "  touchmine rules --input retail.dat --min-support 0.5%% --target closed --format csv\n"
         "  touchmine rules --db shop.db --view baskets --min-support 0.2%% --min-lift 2 --fdr 0.05\n"
         "  touchmine rules --view touchpoints --window 7d --rhs-has store_purchase\n"
         "  touchmine rules --view baskets --truth sample/truth.json --format json\n\n"
         "Options:\n"
         "  --input FILE         a FIMI transaction file (instead of the warehouse)\n"
         "  --db FILE            warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --view VIEW          baskets (default), categories or touchpoints\n"
         "  --window W           touchpoints window: 7d (default), 12h, 2w, 30m, 90s\n"
         "  --as-of DATE         only what happened before DATE (warehouse views)\n"
         "  --target T           frequent, closed, maximal or rules (default)\n"
         "  --min-support S      a fraction (0.001), a percentage (0.1%%) or a count of baskets\n"
         "                       (100); a fraction needs ceil(S x baskets) (default 1%%)\n"
         "  --min-confidence C   rules: 0..1 (default 0.5)\n"
         "  --min-lift L         rules: at least this lift (default: no filter)\n"
         "  --max-len N          at most N items in an itemset / a rule (default: any)\n"
         "  --fdr Q              rules: keep those with BH q-value <= Q (e.g. 0.05)\n"
         "  --require ITEM       the itemset or rule must hold ITEM (on either side); repeatable\n"
         "  --exclude ITEM       drop ITEM from every basket before mining; repeatable\n"
         "  --lhs-has ITEM, --rhs-has ITEM   ITEM must be in the antecedent / consequent\n"
         "  --lhs-not ITEM, --rhs-not ITEM   ITEM must not be in the antecedent / consequent\n"
         "  --truth FILE         synth truth.json: report the planted basket rules\n"
         "  --format F           text (default), csv or json; itemsets as CSV stream\n"
         "  --limit N            rows per table in text output (default 20; 0 = all)\n"
         "  -h, --help           this help\n");
}

typedef struct list {
  const char **v;
  size_t n;
} list;

static int push(list *l, const char *s) {
  const char **p = realloc(l->v, (l->n + 1) * sizeof *p);
  if (!p) return -1;
  p[l->n++] = s;
  l->v = p;
  return 0;
}

/* "7d", "12h", "30m", "90s", "2w" -> ms. */
static bool parse_window(const char *s, int64_t *ms) {
  char *end;
  double v = strtod(s, &end);
  double unit = 86400000.0;
  if (end == s || !(v > 0)) return false;
  if (!strcmp(end, "s")) unit = 1000.0;
  else if (!strcmp(end, "m")) unit = 60000.0;
  else if (!strcmp(end, "h")) unit = 3600000.0;
  else if (!strcmp(end, "d") || !*end) unit = 86400000.0;
  else if (!strcmp(end, "w")) unit = 7 * 86400000.0;
  else return false;
  if (v * unit > 1e15) return false;
  *ms = (int64_t)(v * unit + 0.5);
  return *ms > 0;
}

static int csv_itemset(void *payload, const char *items, uint64_t support) {
  FILE *f = payload;
  if (strpbrk(items, ",\"\n")) {
    fputc('"', f);
    for (const char *p = items; *p; p++) {
      if (*p == '"') fputc('"', f);
      fputc(*p, f);
    }
    fputc('"', f);
  } else {
    fputs(items, f);
  }
  return fprintf(f, ",%llu\n", (unsigned long long)support) < 0;
}

static void csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* Rules as CSV, the columns of the "rules" table; 12 significant digits. */
static int csv_rule(void *payload, const tm_rule_row *r) {
  FILE *f = payload;
  csv_field(f, r->antecedent);
  fputc(',', f);
  csv_field(f, r->consequent);
  fprintf(f, ",%.12g,%llu,%.12g,%.12g,%.12g,", r->support, (unsigned long long)r->count, r->confidence, r->lift,
          r->leverage);
  if (r->conviction <= 1e300) fprintf(f, "%.12g", r->conviction);
  return fprintf(f, ",%.12g,%.12g\n", r->p_value, r->q_value) < 0;
}

int cmd_rules(int argc, char **argv) {
  enum { O_LHS_HAS = 256, O_RHS_HAS, O_LHS_NOT, O_RHS_NOT, O_FDR, O_MAXLEN, O_LIFT, O_CONF };
  static const struct option opts[] = {{"input", required_argument, 0, 'i'},
                                       {"db", required_argument, 0, 'd'},
                                       {"view", required_argument, 0, 'v'},
                                       {"window", required_argument, 0, 'w'},
                                       {"as-of", required_argument, 0, 'a'},
                                       {"target", required_argument, 0, 't'},
                                       {"min-support", required_argument, 0, 's'},
                                       {"min-confidence", required_argument, 0, O_CONF},
                                       {"min-lift", required_argument, 0, O_LIFT},
                                       {"max-len", required_argument, 0, O_MAXLEN},
                                       {"fdr", required_argument, 0, O_FDR},
                                       {"require", required_argument, 0, 'r'},
                                       {"exclude", required_argument, 0, 'x'},
                                       {"lhs-has", required_argument, 0, O_LHS_HAS},
                                       {"rhs-has", required_argument, 0, O_RHS_HAS},
                                       {"lhs-not", required_argument, 0, O_LHS_NOT},
                                       {"rhs-not", required_argument, 0, O_RHS_NOT},
                                       {"truth", required_argument, 0, 'T'},
                                       {"format", required_argument, 0, 'f'},
                                       {"limit", required_argument, 0, 'l'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = cli_default_db(), *input = NULL;
  int format = CLI_TEXT, c, rc = CLI_OK;
  bool db_given = false, view_given = false;
  unsigned long long limit = 20, num;
  tm_rules_options opt = TM_RULES_OPTIONS_INIT;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  list req = {0}, exc = {0}, lh = {0}, rh = {0}, ln = {0}, rn = {0};
  char *end;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'i': input = optarg; break;
    case 'd': db = optarg, db_given = true; break;
    case 'v':
      view_given = true;
      if (!strcmp(optarg, "baskets")) opt.view = TM_RULES_VIEW_BASKETS;
      else if (!strcmp(optarg, "categories")) opt.view = TM_RULES_VIEW_CATEGORIES;
      else if (!strcmp(optarg, "touchpoints")) opt.view = TM_RULES_VIEW_TOUCHPOINTS;
      else { rc = cli_usage("rules", "--view must be baskets, categories or touchpoints"); goto out; }
      break;
    case 'w':
      if (!parse_window(optarg, &opt.window_ms)) { rc = cli_usage("rules", "--window '%s': say e.g. 7d, 12h, 2w", optarg); goto out; }
      break;
    case 'a':
      if (cli_parse_time(optarg, &dopt.as_of_ms)) { rc = cli_usage("rules", "--as-of '%s' is not a date", optarg); goto out; }
      break;
    case 't':
      if (!strcmp(optarg, "frequent")) opt.target = TM_RULES_FREQUENT;
      else if (!strcmp(optarg, "closed")) opt.target = TM_RULES_CLOSED;
      else if (!strcmp(optarg, "maximal")) opt.target = TM_RULES_MAXIMAL;
      else if (!strcmp(optarg, "rules")) opt.target = TM_RULES_RULES;
      else { rc = cli_usage("rules", "--target must be frequent, closed, maximal or rules"); goto out; }
      break;
    case 's':
      if (tm_rules_parse_support(&opt, optarg)) {
        rc = cli_usage("rules", "--min-support '%s': say a fraction (0.001), a percentage (0.1%%) or a count (100)", optarg);
        goto out;
      }
      break;
    case O_CONF:
      opt.min_confidence = strtod(optarg, &end);
      if (*end || end == optarg) { rc = cli_usage("rules", "--min-confidence must be a number from 0 to 1"); goto out; }
      break;
    case O_LIFT:
      opt.min_lift = strtod(optarg, &end);
      if (*end || end == optarg) { rc = cli_usage("rules", "--min-lift must be a number"); goto out; }
      break;
    case O_FDR:
      opt.fdr = strtod(optarg, &end);
      if (*end || end == optarg || !(opt.fdr > 0)) { rc = cli_usage("rules", "--fdr must be a number in (0, 1], e.g. 0.05"); goto out; }
      break;
    case O_MAXLEN:
      if (!cli_parse_count(optarg, &num) || num < 1 || num > 1000) { rc = cli_usage("rules", "--max-len must be 1 to 1000"); goto out; }
      opt.max_len = (unsigned)num;
      break;
    case 'r': if (push(&req, optarg)) goto nomem; break;
    case 'x': if (push(&exc, optarg)) goto nomem; break;
    case O_LHS_HAS: if (push(&lh, optarg)) goto nomem; break;
    case O_RHS_HAS: if (push(&rh, optarg)) goto nomem; break;
    case O_LHS_NOT: if (push(&ln, optarg)) goto nomem; break;
    case O_RHS_NOT: if (push(&rn, optarg)) goto nomem; break;
    case 'T': opt.truth_path = optarg; break;
    case 'f':
      if ((format = cli_format_parse(optarg)) < 0) { rc = cli_usage("rules", "--format must be text, csv or json"); goto out; }
      break;
    case 'l':
      if (!cli_parse_count(optarg, &limit)) { rc = cli_usage("rules", "--limit must be a count"); goto out; }
      break;
    case 'h': help(); goto out;
    default: rc = cli_usage("rules", "unknown option"); goto out;
    }
  }
  if (optind < argc) { rc = cli_usage("rules", "unexpected argument '%s'", argv[optind]); goto out; }
  if (input && (db_given || view_given)) { rc = cli_usage("rules", "give either --input FILE or --db/--view, not both"); goto out; }
  if (input && opt.truth_path) { rc = cli_usage("rules", "--truth checks synth's planted rules: it needs --db and --view baskets"); goto out; }
  opt.require = (tm_rules_items){req.v, req.n};
  opt.exclude = (tm_rules_items){exc.v, exc.n};
  opt.lhs_has = (tm_rules_items){lh.v, lh.n};
  opt.rhs_has = (tm_rules_items){rh.v, rh.n};
  opt.lhs_not = (tm_rules_items){ln.v, ln.n};
  opt.rhs_not = (tm_rules_items){rn.v, rn.n};
  if (opt.target != TM_RULES_RULES && opt.truth_path) { rc = cli_usage("rules", "--truth needs --target rules"); goto out; }
  const char *bad = tm_rules_check(&opt);
  if (bad) { rc = cli_usage("rules", "%s", bad); goto out; }
  opt.progress = cli_progress;
  /* CSV of itemsets, or of rules not saved to a warehouse, streams. */
  bool stream = format == CLI_CSV && (opt.target != TM_RULES_RULES || input);
  if (stream && opt.target != TM_RULES_RULES) {
    opt.on_itemset = csv_itemset;
    opt.itemset_payload = stdout;
    fputs("items,support\n", stdout);
  } else if (stream) {
    opt.on_rule = csv_rule;
    opt.rule_payload = stdout;
    fputs("antecedent,consequent,support,count,confidence,lift,leverage,conviction,p_value,q_value\n", stdout);
  }
  tm_error err = {0};
  tm_doc *doc = NULL;
  tm_warehouse *wh = NULL;
  tm_dataset *ds = NULL;
  int lrc;
  if (input) {
    lrc = tm_rules_fimi(&doc, input, &opt, &err);
  } else {
    dopt.progress = cli_progress;
    lrc = tm_warehouse_open(&wh, db, TM_WH_EXISTING, &err);
    if (!lrc) lrc = tm_dataset_load(&ds, wh, &dopt, &err);
    if (!lrc) lrc = tm_rules_compute(&doc, ds, wh, &opt, &err);
  }
  if (lrc) {
    rc = err.code == TM_EINVAL ? (cli_lib_error(&err), CLI_USAGE) : cli_lib_error(&err);
  } else {
    int64_t empty = 0, line = 0;
    if (!tm_doc_get_int(doc, "empty_baskets", &empty) && empty) {
      tm_doc_get_int(doc, "first_empty_line", &line);
      cli_progress_done();
      fprintf(stderr, "touchmine: warning: %s:%lld: empty basket (%lld blank lines counted as empty baskets)\n",
              input ? input : db, (long long)line, (long long)empty);
    }
    if (stream) {
      cli_progress_done();
      rc = fflush(stdout) ? cli_error("writing the itemsets failed") : CLI_OK;
    } else {
      rc = cli_write_result(doc, format, "rules", (size_t)limit);
    }
  }
  tm_doc_free(doc);
  tm_dataset_free(ds);
  tm_warehouse_close(wh);
  goto out;
nomem:
  rc = cli_error("out of memory");
out:
  free(req.v), free(exc.v), free(lh.v), free(rh.v), free(ln.v), free(rn.v);
  return rc;
}
