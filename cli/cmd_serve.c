/*
 * cmd_serve.c — touchmine serve: the live dashboard until SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>

#include "cli.h"

static void help(void) {
  printf("Usage: touchmine serve [--db FILE] [--port P] [--bind ADDR] [--threads N]\n\n"
         "Serves the dashboard live: the page at http://ADDR:P/ with filters (date range,\n"
         "channel, region, segment) applied by the server to the KPIs and summary, and a\n"
         "JSON API (GET /api lists it; docs/api.md). The warehouse is opened read-only.\n"
         "Only GET and HEAD; stops cleanly on Ctrl-C (SIGINT) or SIGTERM.\n\n"
         "Example:\n"
         "  touchmine serve --db shop.db --port 8080 &  curl 'http://127.0.0.1:8080/api/summary?channel=web'\n\n"
         "Options:\n"
         "  --db FILE        warehouse (default $TOUCHMINE_DB or touchmine.db)\n"
         "  --port P         TCP port (default 8080)\n"
         "  --bind ADDR      IPv4 address to listen on (default 127.0.0.1: this machine only)\n"
         "  --threads N      worker threads (default 4)\n"
         "  -h, --help       this help\n");
}

int cmd_serve(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},      {"port", required_argument, 0, 'p'},
                                       {"bind", required_argument, 0, 'b'},    {"threads", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  const char *db = cli_default_db();
  tm_server_options o = TM_SERVER_OPTIONS_INIT;
  unsigned long long v;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': db = optarg; break;
    case 'p':
      if (!cli_parse_count(optarg, &v) || v < 1 || v > 65535) return cli_usage("serve", "--port must be 1..65535");
      o.port = (unsigned)v;
      break;
    case 'b': {
      unsigned char addr[4];
      if (inet_pton(AF_INET, optarg, addr) != 1)
        return cli_usage("serve", "--bind '%s' is not an IPv4 address (e.g. 127.0.0.1 or 0.0.0.0)", optarg);
      o.bind = optarg;
      break;
    }
    case 't':
      if (!cli_parse_count(optarg, &v) || v < 1 || v > 256) return cli_usage("serve", "--threads must be 1..256");
      o.threads = (unsigned)v;
      break;
    case 'h': help(); return CLI_OK;
    default: return cli_usage("serve", "unknown option");
    }
  }
  if (optind < argc) return cli_usage("serve", "unexpected argument '%s'", argv[optind]);
  /* Block the signals in every thread (the server's inherit the mask), then wait for one. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  tm_error err = {0};
  tm_server *s = NULL;
  if (tm_server_start(&s, db, &o, &err)) return cli_lib_error(&err);
  fprintf(stderr, "serving %s on http://%s:%u/ (Ctrl-C stops)\n", db, o.bind ? o.bind : "127.0.0.1",
          o.port ? o.port : 8080);
  int sig = 0;
  sigwait(&set, &sig);
  fprintf(stderr, "stopping (signal %d)\n", sig);
  tm_server_stop(s);
  return CLI_OK;
}
