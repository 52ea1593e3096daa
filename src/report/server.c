/*
 * server.c — the live dashboard over HTTP with libmicrohttpd: the page at /,
 * the JSON API at /api/<section> (docs/api.md), the compiled-in assets at
 * /assets/<name>. GET and HEAD only (405 otherwise); requests larger than
 * max_request get 413, bad paths or parameters 400, unknown paths 404.
 *
 * The warehouse is opened read-only and the dataset loaded once. Rendering
 * goes through one mutex (the SQLite handle and the dashboard are used by
 * one thread at a time); the unfiltered page and summary are rendered at
 * start and served from memory, so the common requests never wait on it.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/report_int.h"

#define DAY_MS 86400000LL

struct tm_server {
  struct MHD_Daemon *daemon;
  tm_warehouse *wh;
  tm_dataset *ds;
  tm_dashboard *dash;
  pthread_mutex_t lock;
  size_t max_request;
  struct MHD_Response *page, *summary; /* unfiltered, rendered at start */
};

static struct MHD_Response *text_response(const char *body, size_t len, const char *type, enum MHD_ResponseMemoryMode m) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, m);
  if (r) {
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    /* the page needs nothing from elsewhere: say so to the browser */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; "
                            "connect-src 'self'; frame-ancestors 'none'");
  }
  return r;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, int destroy) {
  if (!r) return MHD_NO;
  enum MHD_Result ok = MHD_queue_response(c, status, r);
  if (destroy) MHD_destroy_response(r);
  return ok;
}

/* A JSON error: {"error": "..."}. */
static enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *msg) {
  sb b = {0};
  sb_puts(&b, "{\"status\": ");
  sb_printf(&b, "%u, \"error\": ", status);
  sb_json_str(&b, msg);
  sb_puts(&b, "}\n");
  if (b.oom) return MHD_NO;
  struct MHD_Response *r = text_response(b.s, b.len, "application/json", MHD_RESPMEM_MUST_FREE);
  if (!r) {
    sb_free(&b);
    return MHD_NO;
  }
  if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, "Allow", "GET, HEAD");
  /* b.s now belongs to the response (MUST_FREE uses free(); tm_malloc is malloc) */
  return reply(c, status, r, 1);
}

typedef struct req_size {
  size_t bytes;
  int unknown_arg;
  const char *bad;
} req_size;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  req_size *s = cls;
  s->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
  return MHD_YES;
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  req_size *s = cls;
  static const char *const known[] = {"from", "to", "channel", "region", "segment"};
  for (size_t i = 0; i < TM_ARRAY_LEN(known); i++)
    if (!strcmp(key, known[i])) return MHD_YES;
  s->unknown_arg = 1;
  s->bad = key;
  return MHD_NO;
}

/* Filters from the query string; 0, or a message for a 400. */
static const char *parse_filter(struct MHD_Connection *c, tm_dashboard_filter *f, int *any) {
  req_size s = {0};
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_arg, &s);
  if (s.unknown_arg) return "unknown query parameter (use from, to, channel, region, segment)";
  const char *from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
  const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
  tm_error err = {0};
  *any = 0;
  if (from && *from) {
    if (tm_parse_time(from, &f->from_ms, &err)) return "from is not a date (YYYY-MM-DD)";
    *any = 1;
  }
  if (to && *to) {
    if (tm_parse_time(to, &f->to_ms, &err)) return "to is not a date (YYYY-MM-DD)";
    f->to_ms += DAY_MS; /* to is the last day included */
    *any = 1;
  }
  if (f->from_ms && f->to_ms && f->from_ms >= f->to_ms) return "from must not be after to";
  f->channel = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "channel");
  f->region = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "region");
  f->segment = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "segment");
  if ((f->channel && *f->channel) || (f->region && *f->region) || (f->segment && *f->segment)) *any = 1;
  /* the filter's (unfiltered) lengths are bounded by the request size check */
  return NULL;
}

static int safe_path(const char *url) {
  if (url[0] != '/') return 0;
  for (const char *p = url; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch < 0x20 || ch == 0x7f || ch == '\\') return 0;
  }
  /* no dot segments, no empty segments */
  if (strstr(url, "/../") || strstr(url, "/./") || strstr(url, "//")) return 0;
  size_t n = strlen(url);
  if ((n >= 3 && !strcmp(url + n - 3, "/..")) || (n >= 2 && !strcmp(url + n - 2, "/."))) return 0;
  return 1;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_size, void **con_cls) {
  tm_server *s = cls;
  static int first;
  if (strcmp(method, "GET") && strcmp(method, "HEAD")) return fail(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD");
  if (!*con_cls) { /* the headers are in; a body (if any) comes next */
    req_size rs = {strlen(url) + 16, 0, NULL};
    MHD_get_connection_values(c, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND, count_header, &rs);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > 0) {
      if (strtoull(cl, NULL, 10) > s->max_request) return fail(c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large");
      return fail(c, MHD_HTTP_BAD_REQUEST, "a GET request has no body");
    }
    if (rs.bytes > s->max_request) return fail(c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large");
    *con_cls = &first;
    return MHD_YES;
  }
  if (*upload_size) return fail(c, MHD_HTTP_BAD_REQUEST, "a GET request has no body");
  if (!safe_path(url)) return fail(c, MHD_HTTP_BAD_REQUEST, "bad path");

  if (!strncmp(url, "/assets/", 8)) {
    size_t len;
    const char *type;
    const unsigned char *a = tm_dashboard_asset(url + 8, &len, &type);
    if (!a) return fail(c, MHD_HTTP_NOT_FOUND, "no such asset");
    return reply(c, MHD_HTTP_OK, text_response((const char *)a, len, type, MHD_RESPMEM_PERSISTENT), 1);
  }
  tm_dashboard_filter f = TM_DASHBOARD_FILTER_INIT;
  int filtered;
  const char *bad = parse_filter(c, &f, &filtered);
  if (bad) return fail(c, MHD_HTTP_BAD_REQUEST, bad);

  int page = !strcmp(url, "/") || !strcmp(url, "/index.html");
  const char *section = NULL;
  if (!strcmp(url, "/api") || !strcmp(url, "/api/")) {
    sb b = {0};
    size_t n;
    const char *const *names = tm_dashboard_sections(&n);
    sb_puts(&b, "{\"endpoints\": [\"/api/summary\"");
    for (size_t i = 0; i < n; i++) sb_printf(&b, ", \"/api/%s\"", names[i]);
    sb_puts(&b, "], \"filters\": [\"from\", \"to\", \"channel\", \"region\", \"segment\"]}\n");
    if (b.oom) return MHD_NO;
    return reply(c, MHD_HTTP_OK, text_response(b.s, b.len, "application/json", MHD_RESPMEM_MUST_FREE), 1);
  }
  if (!strncmp(url, "/api/", 5)) {
    section = url + 5;
    size_t n, i;
    const char *const *names = tm_dashboard_sections(&n);
    for (i = 0; i < n && strcmp(names[i], section); i++) {}
    if (i == n) return fail(c, MHD_HTTP_NOT_FOUND, "no such API path (GET /api lists them)");
  } else if (!page) {
    return fail(c, MHD_HTTP_NOT_FOUND, "not found");
  }
  if (!filtered && page && s->page) return reply(c, MHD_HTTP_OK, s->page, 0);
  if (!filtered && section && !strcmp(section, "summary") && s->summary) return reply(c, MHD_HTTP_OK, s->summary, 0);

  char *body = NULL;
  size_t len = 0;
  tm_error err = {0};
  pthread_mutex_lock(&s->lock);
  int rc = page ? tm_dashboard_html(&body, &len, s->dash, &f, TM_PAGE_LIVE, &err)
                : tm_dashboard_json(&body, &len, s->dash, section, &f, &err);
  pthread_mutex_unlock(&s->lock);
  if (rc) return fail(c, rc == TM_EINVAL ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR, err.message);
  return reply(c, MHD_HTTP_OK,
              text_response(body, len, page ? "text/html; charset=utf-8" : "application/json", MHD_RESPMEM_MUST_FREE), 1);
}

static void server_free(tm_server *s) {
  if (s->page) MHD_destroy_response(s->page);
  if (s->summary) MHD_destroy_response(s->summary);
  tm_dashboard_free(s->dash);
  tm_dataset_free(s->ds);
  tm_warehouse_close(s->wh);
  pthread_mutex_destroy(&s->lock);
  tm_free(s);
}

int tm_server_start(tm_server **out, const char *db, const tm_server_options *opt, tm_error *err) {
  tm_server_options o = TM_SERVER_OPTIONS_INIT;
  if (opt) o = *opt;
  tm_server *s = tm_calloc(1, sizeof *s);
  if (!s) return tm_error_nomem(err);
  pthread_mutex_init(&s->lock, NULL);
  s->max_request = o.max_request ? o.max_request : 8192;
  int rc;
  tm_dataset_options dopt = TM_DATASET_OPTIONS_INIT;
  if ((rc = tm_warehouse_open(&s->wh, db, TM_WH_READONLY, err)) || (rc = tm_dataset_load(&s->ds, s->wh, &dopt, err)) ||
      (rc = tm_dashboard_new(&s->dash, s->wh, s->ds, err)))
    goto fail;
  char *body;
  size_t len;
  if ((rc = tm_dashboard_html(&body, &len, s->dash, NULL, TM_PAGE_LIVE, err))) goto fail;
  s->page = text_response(body, len, "text/html; charset=utf-8", MHD_RESPMEM_MUST_FREE);
  if ((rc = tm_dashboard_json(&body, &len, s->dash, "summary", NULL, err))) goto fail;
  s->summary = text_response(body, len, "application/json", MHD_RESPMEM_MUST_FREE);
  if (!s->page || !s->summary) {
    rc = tm_error_nomem(err);
    goto fail;
  }
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)(o.port ? o.port : 8080));
  const char *bind = o.bind ? o.bind : "127.0.0.1";
  if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
    rc = tm_error_set(err, TM_EINVAL, "--bind '%s' is not an IPv4 address (e.g. 127.0.0.1 or 0.0.0.0)", bind);
    goto fail;
  }
  s->daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
                               (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
                               (unsigned)(o.threads ? o.threads : 4), MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                               (size_t)(s->max_request * 4 > 32768 ? s->max_request * 4 : 32768),
                               MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)2048, MHD_OPTION_END);
  if (!s->daemon) {
    rc = tm_error_set(err, TM_EIO, "cannot listen on %s:%u (port in use, or not allowed?)", bind, o.port ? o.port : 8080);
    goto fail;
  }
  *out = s;
  return 0;
fail:
  server_free(s);
  return rc;
}

void tm_server_stop(tm_server *s) {
  if (!s) return;
  if (s->daemon) MHD_stop_daemon(s->daemon);
  server_free(s);
}
