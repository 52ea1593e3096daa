/*
 * config.c — parses the ingest INI file with inih (docs/config.md). Strict:
 * an unknown section or key, a bad value or a source without a file is an
 * error naming the file, line and key, so a typo never silently drops data.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "ingest/config.h"

const char *const tm_field_names[F_NFIELDS] = {
    "event_id", "time",    "channel",      "type",     "campaign", "region",
    "device",   "amount",  "order_id",     "product",  "product_name", "category",
    "quantity", "unit_price", "rating",    "text"};

static const char *const default_priority[] = {"customer_id", "user_id", "email", "phone",
                                               "loyalty", "social", "device", "cookie"};
static const char *const default_block[] = {"null", "none", "nil", "-1", "0", "anonymous",
                                            "unknown", "undefined", "n/a", "na", "test",
                                            "test@test.com", "noemail@noemail.com"};

static const struct {
  const char *channel, *mode;
} builtin_modes[] = {
    {"store", "direct"},       {"pos", "direct"},         {"call_centre", "direct"},
    {"chat", "direct"},        {"sms", "direct"},         {"email", "direct"},
    {"direct_mail", "direct"}, {"crm", "direct"},         {"ad", "indirect"},
    {"social", "indirect"},    {"review_site", "indirect"}, {"affiliate", "indirect"},
    {"web", "hybrid"},         {"app", "hybrid"},         {"survey", "hybrid"},
};

typedef struct parse_state {
  tm_config *cfg;
  tm_error *err;
  int failed;
  char section[128];
  source_cfg *src;   /* current [source], or NULL */
  channel_cfg *chan; /* current [channel], or NULL */
} parse_state;

static int fail(parse_state *st, int line, const char *fmt, const char *a, const char *b) {
  if (st->failed) return 0;
  char msg[400];
  snprintf(msg, sizeof msg, fmt, a, b);
  tm_error_set(st->err, TM_EFORMAT, "%s:%d: %s", st->cfg->path, line, msg);
  st->failed = 1;
  return 0; /* stops inih */
}

static int nomem(parse_state *st) {
  if (!st->failed) tm_error_nomem(st->err);
  st->failed = 1;
  return 0;
}

/* Splits "a,b,c" into a new string array (trimmed, empty items dropped). */
static int split_list(const char *s, char ***out, size_t *n) {
  char **arr = NULL;
  size_t cnt = 0, cap = 0;
  while (*s) {
    while (*s == ' ' || *s == '\t' || *s == ',') s++;
    const char *e = s;
    while (*e && *e != ',') e++;
    const char *t = e;
    while (t > s && (t[-1] == ' ' || t[-1] == '\t')) t--;
    if (t > s) {
      if (TM_GROW(arr, cap, cnt + 1)) goto oom;
      if (!(arr[cnt] = tm_strndup(s, (size_t)(t - s)))) goto oom;
      cnt++;
    }
    s = e;
  }
  *out = arr;
  *n = cnt;
  return 0;
oom:
  for (size_t i = 0; i < cnt; i++) tm_free(arr[i]);
  tm_free(arr);
  return TM_ENOMEM;
}

static void free_list(char **arr, size_t n) {
  for (size_t i = 0; i < n; i++) tm_free(arr[i]);
  tm_free(arr);
}

static int field_index(const char *name) {
  for (int i = 0; i < F_NFIELDS; i++)
    if (!strcmp(tm_field_names[i], name)) return i;
  return -1;
}

static int parse_double(const char *v, double *out) {
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (end == v || *end || errno) return -1;
  *out = d;
  return 0;
}

static int add_name_map(name_map **arr, size_t *n, const char *name, const char *col) {
  size_t cap = *n; /* arrays here grow one at a time: configs are small */
  name_map *na = tm_realloc(*arr, (cap + 1) * sizeof *na);
  if (!na) return TM_ENOMEM;
  *arr = na;
  na[*n].name = tm_strdup(name);
  na[*n].column = tm_strdup(col);
  if (!na[*n].name || !na[*n].column) {
    tm_free(na[*n].name);
    tm_free(na[*n].column);
    return TM_ENOMEM;
  }
  (*n)++;
  return 0;
}

static int set_str(char **slot, const char *v) {
  char *d = tm_strdup(v);
  if (!d) return TM_ENOMEM;
  tm_free(*slot);
  *slot = d;
  return 0;
}

static int source_key(parse_state *st, source_cfg *s, const char *key, const char *v, int line) {
  int fi;
  if (!strcmp(key, "file") || !strncmp(key, "file.", 5)) {
    char **nf = tm_realloc(s->files, (s->nfiles + 1) * sizeof *nf);
    if (!nf) return nomem(st);
    s->files = nf;
    if (!(s->files[s->nfiles] = tm_strdup(v))) return nomem(st);
    s->nfiles++;
  } else if (!strcmp(key, "format")) {
    if (!strcmp(v, "csv")) s->format = SRC_CSV;
    else if (!strcmp(v, "jsonl") || !strcmp(v, "json")) s->format = SRC_JSONL;
    else if (!strcmp(v, "segment")) s->format = SRC_SEGMENT;
    else return fail(st, line, "format '%s' is not csv, jsonl or segment%s", v, "");
  } else if (!strcmp(key, "kind")) {
    if (!strcmp(v, "events")) s->kind = KIND_EVENTS;
    else if (!strcmp(v, "order_lines")) s->kind = KIND_ORDER_LINES;
    else if (!strcmp(v, "profile")) s->kind = KIND_PROFILE;
    else return fail(st, line, "kind '%s' is not events, order_lines or profile%s", v, "");
  } else if (!strcmp(key, "delimiter")) {
    /* names, because ';' starts an inline comment in INI */
    if (!strcmp(v, "tab") || !strcmp(v, "\\t")) s->delimiter = '\t';
    else if (!strcmp(v, "semicolon")) s->delimiter = ';';
    else if (!strcmp(v, "comma")) s->delimiter = ',';
    else if (!strcmp(v, "pipe")) s->delimiter = '|';
    else if (strlen(v) == 1) s->delimiter = v[0];
    else
      return fail(st, line, "delimiter '%s' must be one character, comma, semicolon, tab or pipe%s", v, "");
  } else if (!strcmp(key, "missing_id")) {
    if (!strcmp(v, "keep")) s->missing_id_keep = true;
    else if (!strcmp(v, "reject")) s->missing_id_keep = false;
    else return fail(st, line, "missing_id '%s' is not keep or reject%s", v, "");
  } else if (!strcmp(key, "time.format")) {
    tm_timefmt *f = &s->timefmt;
    if (!strcmp(v, "auto")) f->kind = TM_TIME_AUTO;
    else if (!strcmp(v, "iso")) f->kind = TM_TIME_ISO;
    else if (!strcmp(v, "epoch") || !strcmp(v, "epoch_s")) f->kind = TM_TIME_EPOCH_S;
    else if (!strcmp(v, "epoch_ms")) f->kind = TM_TIME_EPOCH_MS;
    else if (strchr(v, '%') && strlen(v) < sizeof f->pattern) {
      f->kind = TM_TIME_PATTERN;
      snprintf(f->pattern, sizeof f->pattern, "%s", v);
    } else
      return fail(st, line, "time.format '%s' is not auto, iso, epoch, epoch_ms or a %%-pattern%s", v, "");
  } else if (!strcmp(key, "time.zone")) {
    tm_tzone_free(s->zone);
    s->zone = NULL;
    s->timefmt.zone = NULL;
    s->timefmt.default_offset_min = 0;
    if (tm_time_parse_zone(v, &s->timefmt.default_offset_min) != 0) {
      /* not an offset: a named zone with its summer time (Europe/London) */
      int rc = tm_tzone_load(&s->zone, v, NULL);
      if (rc == TM_ENOMEM) return nomem(st);
      if (rc)
        return fail(st, line, "time.zone '%s' is not UTC, an offset like +01:00, or a zone name like Europe/London%s",
                    v, "");
      s->timefmt.zone = s->zone;
    }
  } else if (!strcmp(key, "quantity.min") || !strcmp(key, "quantity.max") || !strcmp(key, "fx")) {
    double d;
    if (parse_double(v, &d)) return fail(st, line, "%s '%s' is not a number", key, v);
    if (key[0] == 'f') {
      if (!(d > 0)) return fail(st, line, "fx '%s' must be positive%s", v, "");
      s->fx = d;
    } else if (!strcmp(key, "quantity.min")) s->qmin = d;
    else s->qmax = d;
  } else if (!strcmp(key, "return.prefix")) {
    if (set_str(&s->return_prefix, v)) return nomem(st);
  } else if (!strcmp(key, "rating.scale")) {
    /* one scale, or one per rating column: "nps|stars" goes with "rating = nps|stars" */
    for (const char *c = v; *c;) {
      size_t n = strcspn(c, "|");
      if (!((n == 3 && !strncmp(c, "nps", 3)) || (n == 5 && !strncmp(c, "stars", 5))))
        return fail(st, line, "rating.scale '%s' is not nps or stars (or several: nps|stars)%s", v, "");
      c += n + (c[n] == '|');
    }
    if (set_str(&s->rating_scale, v)) return nomem(st);
  } else if (!strcmp(key, "segment.user_id")) {
    if (set_str(&s->segment_user_id, v)) return nomem(st);
  } else if (!strncmp(key, "id.", 3) && key[3]) {
    if (add_name_map(&s->ids, &s->nids, key + 3, v)) return nomem(st);
  } else if (!strncmp(key, "attr.", 5) && key[5]) {
    if (add_name_map(&s->attrs, &s->nattrs, key + 5, v)) return nomem(st);
  } else if (!strcmp(key, "consent.analytics") || !strcmp(key, "consent.marketing")) {
    if (add_name_map(&s->attrs, &s->nattrs, key, v)) return nomem(st);
  } else if (!strncmp(key, "default.", 8) && (fi = field_index(key + 8)) >= 0) {
    if (set_str(&s->deflt[fi], v)) return nomem(st);
  } else if (!strncmp(key, "map.", 4) && (fi = field_index(key + 4)) >= 0) {
    char **items;
    size_t n;
    if (split_list(v, &items, &n)) return nomem(st);
    for (size_t i = 0; i < n; i++) {
      char *colon = strchr(items[i], ':');
      if (!colon) {
        fail(st, line, "map item '%s' is not raw:canonical%s", items[i], "");
        free_list(items, n);
        return 0;
      }
      value_map *nm = tm_realloc(s->maps[fi], (s->nmaps[fi] + 1) * sizeof *nm);
      if (!nm) {
        free_list(items, n);
        return nomem(st);
      }
      s->maps[fi] = nm;
      nm[s->nmaps[fi]].from = tm_strndup(items[i], (size_t)(colon - items[i]));
      nm[s->nmaps[fi]].to = tm_strdup(colon + 1);
      s->nmaps[fi]++;
    }
    free_list(items, n);
  } else if ((fi = field_index(key)) >= 0) {
    if (set_str(&s->column[fi], v)) return nomem(st);
  } else {
    return fail(st, line, "unknown key '%s' in [source %s] (see docs/config.md)", key, s->name);
  }
  return 1;
}

static int identity_key(parse_state *st, const char *key, const char *v, int line) {
  tm_config *c = st->cfg;
  if (!strcmp(key, "priority")) {
    free_list(c->priority, c->npriority);
    c->priority = NULL;
    c->npriority = 0;
    if (split_list(v, &c->priority, &c->npriority)) return nomem(st);
  } else if (!strcmp(key, "block")) {
    free_list(c->block, c->nblock);
    c->block = NULL;
    c->nblock = 0;
    if (split_list(v, &c->block, &c->nblock)) return nomem(st);
  } else if (!strncmp(key, "limit.", 6) && key[6]) {
    double d;
    if (parse_double(v, &d) || d < 1 || d != (long)d)
      return fail(st, line, "%s '%s' must be a whole number >= 1", key, v);
    if (add_name_map(&c->limits, &c->nlimits, key + 6, v)) return nomem(st);
  } else if (!strcmp(key, "quarantine")) {
    double d;
    if (parse_double(v, &d) || d < 2 || d != (long)d)
      return fail(st, line, "quarantine '%s' must be a whole number >= 2%s", v, "");
    c->quarantine = (long)d;
  } else {
    return fail(st, line, "unknown key '%s' in [identity]%s", key, "");
  }
  return 1;
}

static source_cfg *new_source(parse_state *st, const char *name) {
  tm_config *c = st->cfg;
  for (size_t i = 0; i < c->nsources; i++)
    if (!strcmp(c->sources[i].name, name)) return &c->sources[i];
  source_cfg *ns = tm_realloc(c->sources, (c->nsources + 1) * sizeof *ns);
  if (!ns) return NULL;
  c->sources = ns;
  source_cfg *s = &ns[c->nsources];
  memset(s, 0, sizeof *s);
  if (!(s->name = tm_strdup(name))) return NULL;
  s->qmin = -1000;
  s->qmax = 1000;
  s->fx = 1;
  c->nsources++;
  return s;
}

static int channel_key(parse_state *st, const char *key, const char *v) {
  if (strcmp(key, "mode")) return fail(st, -1, "unknown key '%s' in [channel]%s", key, "");
  if (strcmp(v, "direct") && strcmp(v, "indirect") && strcmp(v, "hybrid"))
    return fail(st, -1, "mode '%s' is not direct, indirect or hybrid%s", v, "");
  return set_str(&st->chan->mode, v) ? nomem(st) : 1;
}

static int touchmine_key(parse_state *st, const char *key, const char *v) {
  if (strcmp(key, "currency")) return fail(st, -1, "unknown key '%s' in [touchmine]%s", key, "");
  return set_str(&st->cfg->currency, v) ? nomem(st) : 1;
}

/* Line numbers: inih returns the line of the first entry our handler refused;
 * messages carry ":-1:" until tm_config_load puts that number in. */
static int on_entry(parse_state *st, const char *key, const char *value) {
  if (st->src) return source_key(st, st->src, key, value, -1);
  if (st->chan) return channel_key(st, key, value);
  if (!strcmp(st->section, "identity")) return identity_key(st, key, value, -1);
  if (!strcmp(st->section, "touchmine")) return touchmine_key(st, key, value);
  return fail(st, -1, "key '%s' outside any section%s", key, "");
}

static int on_section(void *user, const char *section) {
  parse_state *st = user;
  st->src = NULL;
  st->chan = NULL;
  snprintf(st->section, sizeof st->section, "%s", section);
  if (!strncmp(section, "source ", 7)) {
    const char *name = section + 7;
    while (*name == ' ') name++;
    if (!*name) return fail(st, -1, "a [source] needs a name: [source pos]%s%s", "", "");
    if (!(st->src = new_source(st, name))) return nomem(st);
  } else if (!strncmp(section, "channel ", 8)) {
    tm_config *c = st->cfg;
    channel_cfg *nc = tm_realloc(c->channels, (c->nchannels + 1) * sizeof *nc);
    if (!nc) return nomem(st);
    c->channels = nc;
    st->chan = &nc[c->nchannels];
    memset(st->chan, 0, sizeof *st->chan);
    if (!(st->chan->name = tm_strdup(section + 8))) return nomem(st);
    c->nchannels++;
  } else if (strcmp(section, "identity") && strcmp(section, "touchmine")) {
    return fail(st, -1, "unknown section [%s]%s", section, "");
  }
  return 1;
}

/* inih passes the section with every entry; a change of name starts a section. */
static int on_ini_line(void *user, const char *section, const char *key, const char *value) {
  parse_state *st = user;
  if (st->failed) return 0;
  if (strcmp(section, st->section) != 0 && !on_section(st, section)) return 0;
  return on_entry(st, key, value);
}

static char *dirname_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return tm_strdup(".");
  if (slash == path) return tm_strdup("/");
  return tm_strndup(path, (size_t)(slash - path));
}

int tm_config_load(tm_config **out, const char *path, tm_error *err) {
  tm_config *c = tm_calloc(1, sizeof *c);
  if (!c) return tm_error_nomem(err);
  c->quarantine = 50;
  if (!(c->path = tm_strdup(path)) || !(c->dir = dirname_of(path))) goto oom;
  c->priority = tm_calloc(TM_ARRAY_LEN(default_priority), sizeof(char *));
  c->block = tm_calloc(TM_ARRAY_LEN(default_block), sizeof(char *));
  if (!c->priority || !c->block) goto oom;
  c->npriority = TM_ARRAY_LEN(default_priority);
  c->nblock = TM_ARRAY_LEN(default_block);
  for (size_t i = 0; i < c->npriority; i++)
    if (!(c->priority[i] = tm_strdup(default_priority[i]))) goto oom;
  for (size_t i = 0; i < c->nblock; i++)
    if (!(c->block[i] = tm_strdup(default_block[i]))) goto oom;
  if (add_name_map(&c->limits, &c->nlimits, "customer_id", "1")) goto oom;

  FILE *f = fopen(path, "r");
  if (!f) {
    tm_error_set(err, TM_EIO, "cannot open config %s: %s", path, strerror(errno));
    tm_config_free(c);
    return TM_EIO;
  }
  parse_state st = {.cfg = c, .err = err};
  int rc = ini_parse_file(f, on_ini_line, &st);
  fclose(f);
  if (st.failed) {
    int code = err ? err->code : TM_EFORMAT;
    /* inih knows the line; put it into the message if ours lacked one */
    if (err && rc > 0) {
      char *p = strstr(err->message, ":-1:");
      if (p) {
        char tail[512];
        snprintf(tail, sizeof tail, "%s", p + 4);
        snprintf(p, sizeof err->message - (size_t)(p - err->message), ":%d:%s", rc, tail);
      }
    }
    tm_config_free(c);
    return code ? code : TM_EFORMAT;
  }
  if (rc != 0) {
    tm_error_set(err, TM_EFORMAT, "%s:%d: not a valid INI line", path, rc);
    tm_config_free(c);
    return TM_EFORMAT;
  }
  if (c->nsources == 0) {
    tm_error_set(err, TM_EFORMAT, "%s: no [source NAME] sections (see docs/config.md)", path);
    tm_config_free(c);
    return TM_EFORMAT;
  }
  for (size_t i = 0; i < c->nsources; i++) {
    source_cfg *s = &c->sources[i];
    if (!s->nfiles) {
      tm_error_set(err, TM_EFORMAT, "%s: [source %s] has no 'file ='", path, s->name);
      tm_config_free(c);
      return TM_EFORMAT;
    }
    if (s->format != SRC_SEGMENT && s->kind != KIND_PROFILE && !s->column[F_TIME]) {
      tm_error_set(err, TM_EFORMAT, "%s: [source %s] maps no 'time =' column", path, s->name);
      tm_config_free(c);
      return TM_EFORMAT;
    }
    if (s->kind == KIND_ORDER_LINES && (!s->column[F_ORDER_ID] || !s->column[F_PRODUCT])) {
      tm_error_set(err, TM_EFORMAT, "%s: [source %s] kind order_lines needs order_id and product",
                   path, s->name);
      tm_config_free(c);
      return TM_EFORMAT;
    }
    if (s->format != SRC_SEGMENT && !s->nids) {
      tm_error_set(err, TM_EFORMAT, "%s: [source %s] maps no identifier (id.<type> = column)", path,
                   s->name);
      tm_config_free(c);
      return TM_EFORMAT;
    }
    if (!s->segment_user_id && !(s->segment_user_id = tm_strdup("user_id"))) goto oom;
  }
  *out = c;
  return 0;
oom:
  tm_config_free(c);
  return tm_error_nomem(err);
}

static void free_source(source_cfg *s) {
  tm_free(s->name);
  free_list(s->files, s->nfiles);
  for (int f = 0; f < F_NFIELDS; f++) {
    tm_free(s->column[f]);
    tm_free(s->deflt[f]);
    for (size_t i = 0; i < s->nmaps[f]; i++) {
      tm_free(s->maps[f][i].from);
      tm_free(s->maps[f][i].to);
    }
    tm_free(s->maps[f]);
  }
  for (size_t i = 0; i < s->nids; i++) {
    tm_free(s->ids[i].name);
    tm_free(s->ids[i].column);
  }
  tm_free(s->ids);
  for (size_t i = 0; i < s->nattrs; i++) {
    tm_free(s->attrs[i].name);
    tm_free(s->attrs[i].column);
  }
  tm_free(s->attrs);
  tm_free(s->return_prefix);
  tm_tzone_free(s->zone);
  tm_free(s->rating_scale);
  tm_free(s->segment_user_id);
}

void tm_config_free(tm_config *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nsources; i++) free_source(&c->sources[i]);
  tm_free(c->sources);
  for (size_t i = 0; i < c->nchannels; i++) {
    tm_free(c->channels[i].name);
    tm_free(c->channels[i].mode);
  }
  tm_free(c->channels);
  free_list(c->priority, c->npriority);
  free_list(c->block, c->nblock);
  for (size_t i = 0; i < c->nlimits; i++) {
    tm_free(c->limits[i].name);
    tm_free(c->limits[i].column);
  }
  tm_free(c->limits);
  tm_free(c->currency);
  tm_free(c->path);
  tm_free(c->dir);
  tm_free(c);
}

size_t tm_config_source_count(const tm_config *cfg) { return cfg->nsources; }
const char *tm_config_source_name(const tm_config *cfg, size_t i) {
  return i < cfg->nsources ? cfg->sources[i].name : NULL;
}

const char *tm_config_channel_mode(const tm_config *cfg, const char *channel) {
  for (size_t i = 0; cfg && i < cfg->nchannels; i++)
    if (!strcmp(cfg->channels[i].name, channel) && cfg->channels[i].mode) return cfg->channels[i].mode;
  for (size_t i = 0; i < TM_ARRAY_LEN(builtin_modes); i++)
    if (!strcmp(builtin_modes[i].channel, channel)) return builtin_modes[i].mode;
  return "hybrid";
}

int tm_config_type_rank(const tm_config *cfg, const char *type) {
  for (size_t i = 0; i < cfg->npriority; i++)
    if (!strcmp(cfg->priority[i], type)) return (int)i;
  return (int)cfg->npriority;
}

long tm_config_type_limit(const tm_config *cfg, const char *type) {
  for (size_t i = cfg->nlimits; i-- > 0;)
    if (!strcmp(cfg->limits[i].name, type)) return atol(cfg->limits[i].column);
  return 0;
}

bool tm_config_blocked(const tm_config *cfg, const char *value, size_t n) {
  for (size_t i = 0; i < cfg->nblock; i++)
    if (strlen(cfg->block[i]) == n && !strncasecmp(cfg->block[i], value, n)) return true;
  /* all zeros ("0000...") is a placeholder, never a person */
  size_t z = 0;
  while (z < n && value[z] == '0') z++;
  return n > 0 && z == n;
}
