/*
 * main.c — the touchmine command table and dispatch. Each command is
 * cmd_<name>.c; this file only finds it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_synth(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_identity(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_paths(int argc, char **argv);
int cmd_funnel(int argc, char **argv);
int cmd_cohorts(int argc, char **argv);
int cmd_sentiment(int argc, char **argv);
int cmd_themes(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_clv(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_churn(int argc, char **argv);
int cmd_propensity(int argc, char **argv);
int cmd_leads(int argc, char **argv);
int cmd_drivers(int argc, char **argv);

static const cli_command commands[] = {
    {"synth", cmd_synth, "write realistic multi-channel sample exports with planted truth"},
    {"ingest", cmd_ingest, "load exports into the warehouse, resolving identities"},
    {"identity", cmd_identity, "identity resolution statistics, explanations, accuracy"},
    {"summary", cmd_summary, "descriptive analytics, touchpoint map and data quality"},
    {"segment", cmd_segment, "segments and personas: RFM, clusters, rule-based types, your rules"},
    {"rules", cmd_rules, "frequent itemsets and association rules (FP-growth)"},
    {"paths", cmd_paths, "customer journeys: top paths, transitions, time to convert, patterns"},
    {"funnel", cmd_funnel, "conversion funnels: ordered, strict or any order, with a window"},
    {"cohorts", cmd_cohorts, "cohort retention of activity or revenue, any number of intervals"},
    {"clv", cmd_clv, "customer lifetime value: BG/NBD + Gamma-Gamma"},
    {"churn", cmd_churn, "churn scores with reasons, trained as of a cutoff, cross-validated"},
    {"propensity", cmd_propensity, "purchase propensity scores (anything, a category, a product)"},
    {"leads", cmd_leads, "lead scores: which prospects make a first purchase"},
    {"drivers", cmd_drivers, "what goes with churn or revenue: correlations, lift, importance"},
    {"forecast", cmd_forecast, "demand forecasting: Holt-Winters per series"},
    {"sentiment", cmd_sentiment, "sentiment of texts or of the warehouse feedback (VADER)"},
    {"themes", cmd_themes, "feedback themes, pain points and NPS"},
    {"report", cmd_report, "the dashboard as one self-contained HTML file"},
    {"serve", cmd_serve, "the live dashboard and its JSON API over HTTP"},
};

static void usage(FILE *f) {
  fprintf(f,
          "touchmine %s — customer-touchpoint data mining\n\n"
          "Usage: touchmine <command> [options]   (touchmine <command> --help for more)\n\n"
          "Commands:\n",
          TM_VERSION);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nExample:\n"
             "  touchmine synth --customers 10k --out sample && \\\n"
             "  touchmine ingest --config sample/touchmine.ini && touchmine summary\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("touchmine %s\n", TM_VERSION);
    return CLI_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "touchmine: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return CLI_USAGE;
}
