/*
 * segment_rulefile.c — custom segments from a rules file (docs/segments.md,
 * "Rules files"): one rule a line, "Name: condition"; the first rule whose
 * condition holds names the customer's segment, else "Other".
 *
 * A condition compares names with numbers (orders >= 3, channel_share_web >
 * 0.5, any behavioural feature) or CRM attributes with quoted text
 * (attr.region = "London"), joined by and / or / not and parentheses. Each
 * line is parsed by recursive descent into a small tree; every mistake is
 * reported as file:line:col with what to do, and the file is never trusted
 * (length, nesting and rule counts are bounded).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "core/hashmap.h"
#include "mine/features.h"
#include "mine/segment_store.h"
#include "store/dataset.h"

#define MAX_LINE 4096
#define MAX_RULES 1000
#define MAX_DEPTH 32
#define MAX_NODES 256 /* per rule */
#define MAX_FILE (1 << 20)

enum { N_AND, N_OR, N_NOT, N_NUM, N_STR };
enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

typedef struct node {
  int kind, op;
  int a, b;        /* children (AND/OR: both, NOT: a) */
  int var;         /* N_NUM: variable */
  double num;      /* N_NUM: the number */
  char *key, *str; /* N_STR: attribute key and text */
} node;

typedef struct rule {
  char *name;
  node *nodes;
  int nnodes, root;
} rule;

/* Names a condition may use: per-customer numbers. */
typedef struct vars {
  size_t count;
  char name[64 + TM_MAX_FEATURES + 256][64];
} vars;

typedef struct parser {
  const char *path, *s; /* the line */
  size_t line, pos;
  rule *r;
  const vars *v;
  tm_error *err;
  int depth;
} parser;

static int fail(parser *p, size_t col, const char *fmt, const char *arg) {
  char what[300];
  snprintf(what, sizeof what, fmt, arg);
  return tm_error_set(p->err, TM_EFORMAT, "%s:%zu:%zu: %s", p->path, p->line, col + 1, what);
}

static void skip_space(parser *p) {
  while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t') p->pos++;
}

static bool word(parser *p, const char *w) {
  skip_space(p);
  size_t n = strlen(w);
  if (strncasecmp(p->s + p->pos, w, n)) return false;
  char after = p->s[p->pos + n];
  if (isalnum((unsigned char)after) || after == '_' || after == '.') return false;
  p->pos += n;
  return true;
}

static int new_node(parser *p, node nd) {
  if (p->r->nnodes >= MAX_NODES) return -1;
  p->r->nodes[p->r->nnodes] = nd;
  return p->r->nnodes++;
}

static int parse_or(parser *p, int *out);

static int parse_cmp(parser *p, int *out) {
  skip_space(p);
  size_t start = p->pos;
  const char *s = p->s;
  if (!isalpha((unsigned char)s[p->pos]) && s[p->pos] != '_') {
    if (!s[p->pos]) return fail(p, p->pos, "%sthe condition ends too early (say e.g. 'orders >= 3')", "");
    return fail(p, p->pos, "expected a name such as orders or attr.region, found '%.20s'", s + p->pos);
  }
  while (isalnum((unsigned char)s[p->pos]) || s[p->pos] == '_' || s[p->pos] == '.' || s[p->pos] == '-') p->pos++;
  size_t len = p->pos - start;
  char ident[128];
  if (len >= sizeof ident) return fail(p, start, "%sname too long (at most 127 characters)", "");
  memcpy(ident, s + start, len);
  ident[len] = 0;
  skip_space(p);
  size_t opcol = p->pos;
  int op;
  if (!strncmp(s + p->pos, ">=", 2)) op = OP_GE, p->pos += 2;
  else if (!strncmp(s + p->pos, "<=", 2)) op = OP_LE, p->pos += 2;
  else if (!strncmp(s + p->pos, "!=", 2)) op = OP_NE, p->pos += 2;
  else if (!strncmp(s + p->pos, "==", 2)) op = OP_EQ, p->pos += 2;
  else if (s[p->pos] == '>') op = OP_GT, p->pos++;
  else if (s[p->pos] == '<') op = OP_LT, p->pos++;
  else if (s[p->pos] == '=') op = OP_EQ, p->pos++;
  else return fail(p, opcol, "after '%s' expected a comparison: >=, <=, >, <, = or !=", ident);
  skip_space(p);
  size_t valcol = p->pos;
  node nd = {0};
  if (!strncmp(ident, "attr.", 5)) {
    if (!ident[5]) return fail(p, start, "%s'attr.' needs an attribute name, e.g. attr.region", "");
    if (op != OP_EQ && op != OP_NE) return fail(p, opcol, "attributes are text: compare %s with = or != only", ident);
    char q = s[p->pos];
    if (q != '"' && q != '\'') return fail(p, valcol, "compare %s with quoted text, e.g. \"London\"", ident);
    const char *end = strchr(s + p->pos + 1, q);
    if (!end) return fail(p, valcol, "%sthe quoted text is not closed (add the closing quote)", "");
    nd.kind = N_STR, nd.op = op;
    nd.key = tm_strdup(ident + 5);
    nd.str = tm_strndup(s + p->pos + 1, (size_t)(end - (s + p->pos + 1)));
    if (!nd.key || !nd.str) {
      tm_free(nd.key), tm_free(nd.str);
      return tm_error_nomem(p->err);
    }
    p->pos = (size_t)(end - s) + 1;
  } else {
    int var = -1;
    for (size_t i = 0; i < p->v->count && var < 0; i++)
      if (!strcmp(p->v->name[i], ident)) var = (int)i;
    if (var < 0)
      return fail(p, start,
                  "unknown name '%s' (use orders, monetary, returns, recency_days, tenure_days, "
                  "channel_share_<channel>, a feature of docs/segments.md, or attr.<key>)",
                  ident);
    char *end;
    errno = 0;
    double v = strtod(s + p->pos, &end);
    if (end == s + p->pos || errno == ERANGE || !isfinite(v))
      return fail(p, valcol, "compare %s with a number, e.g. 3 or 0.5", ident);
    p->pos = (size_t)(end - s);
    nd.kind = N_NUM, nd.op = op, nd.var = var, nd.num = v;
  }
  if ((*out = new_node(p, nd)) < 0) {
    tm_free(nd.key), tm_free(nd.str);
    return fail(p, start, "%sthe condition is too long (at most 256 parts): split the rule", "");
  }
  return 0;
}

static int parse_unary(parser *p, int *out) {
  if (++p->depth > MAX_DEPTH) return fail(p, p->pos, "%snested too deep (at most 32 levels)", "");
  int rc;
  skip_space(p);
  if (word(p, "not")) {
    int a;
    if ((rc = parse_unary(p, &a))) return rc;
    if ((*out = new_node(p, (node){.kind = N_NOT, .a = a})) < 0)
      return fail(p, p->pos, "%sthe condition is too long (at most 256 parts): split the rule", "");
  } else if (p->s[p->pos] == '(') {
    size_t open = p->pos++;
    if ((rc = parse_or(p, out))) return rc;
    skip_space(p);
    if (p->s[p->pos] != ')') return fail(p, open, "%sthis '(' is not closed: add ')'", "");
    p->pos++;
  } else if ((rc = parse_cmp(p, out))) {
    return rc;
  }
  p->depth--;
  return 0;
}

static int parse_and(parser *p, int *out) {
  int rc = parse_unary(p, out), b;
  while (!rc && word(p, "and")) {
    if ((rc = parse_unary(p, &b))) break;
    if ((*out = new_node(p, (node){.kind = N_AND, .a = *out, .b = b})) < 0)
      rc = fail(p, p->pos, "%sthe condition is too long (at most 256 parts): split the rule", "");
  }
  return rc;
}

static int parse_or(parser *p, int *out) {
  int rc = parse_and(p, out), b;
  while (!rc && word(p, "or")) {
    if ((rc = parse_and(p, &b))) break;
    if ((*out = new_node(p, (node){.kind = N_OR, .a = *out, .b = b})) < 0)
      rc = fail(p, p->pos, "%sthe condition is too long (at most 256 parts): split the rule", "");
  }
  return rc;
}

static bool eval(const rule *r, int i, const double *x, const tm_dataset *ds, size_t c) {
  const node *n = &r->nodes[i];
  switch (n->kind) {
  case N_AND: return eval(r, n->a, x, ds, c) && eval(r, n->b, x, ds, c);
  case N_OR: return eval(r, n->a, x, ds, c) || eval(r, n->b, x, ds, c);
  case N_NOT: return !eval(r, n->a, x, ds, c);
  case N_STR: {
    const char *v = tm_dataset_attr(ds, c, n->key);
    bool eq = !strcmp(v ? v : "", n->str);
    return n->op == OP_EQ ? eq : !eq;
  }
  default: {
    double v = x[n->var];
    if (isnan(v)) return false; /* not known for this customer (no orders) */
    switch (n->op) {
    case OP_LT: return v < n->num;
    case OP_LE: return v <= n->num;
    case OP_GT: return v > n->num;
    case OP_GE: return v >= n->num;
    case OP_EQ: return v == n->num;
    default: return v != n->num;
    }
  }
  }
}

static void rules_free(rule *rules, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (int j = 0; j < rules[i].nnodes; j++) tm_free(rules[i].nodes[j].key), tm_free(rules[i].nodes[j].str);
    tm_free(rules[i].nodes);
    tm_free(rules[i].name);
  }
  tm_free(rules);
}

/* Reads and parses the file; *nrules rules in file order. */
static int parse_file(const char *path, const vars *v, rule **out, size_t *nrules, tm_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return tm_error_set(err, TM_EIO, "%s: cannot read the rules file (%s)", path, strerror(errno));
  char *text = tm_malloc(MAX_FILE + 2);
  size_t len = text ? fread(text, 1, MAX_FILE + 1, fp) : 0;
  fclose(fp);
  if (!text) return tm_error_nomem(err);
  if (len > MAX_FILE) {
    tm_free(text);
    return tm_error_set(err, TM_EFORMAT, "%s: larger than 1 MB; a rules file holds at most 1,000 short rules", path);
  }
  text[len] = 0;
  rule *rules = tm_calloc(MAX_RULES, sizeof *rules);
  if (!rules) {
    tm_free(text);
    return tm_error_nomem(err);
  }
  size_t n = 0, lineno = 0;
  int rc = 0;
  char *s = text, *end = text + len;
  while (s < end && !rc) {
    char *nl = memchr(s, '\n', (size_t)(end - s));
    char *eol = nl ? nl : end;
    lineno++;
    parser p = {path, s, lineno, 0, NULL, v, err, 0};
    size_t ll = (size_t)(eol - s);
    if (ll && s[ll - 1] == '\r') ll--;
    if (ll > MAX_LINE) {
      rc = fail(&p, MAX_LINE, "%sline longer than 4,096 characters: shorten the rule", "");
      break;
    }
    if (memchr(s, 0, ll)) {
      rc = fail(&p, (size_t)((char *)memchr(s, 0, ll) - s), "%sa NUL byte: a rules file is text", "");
      break;
    }
    s[ll] = 0;
    s = nl ? nl + 1 : end;
    skip_space(&p);
    if (!p.s[p.pos] || p.s[p.pos] == '#') continue; /* blank or comment */
    const char *colon = strchr(p.s, ':');
    if (!colon) {
      rc = fail(&p, p.pos, "%sno ':' — write 'Segment name: condition'", "");
      break;
    }
    size_t a = p.pos, b = (size_t)(colon - p.s);
    while (b > a && (p.s[b - 1] == ' ' || p.s[b - 1] == '\t')) b--;
    if (b == a) {
      rc = fail(&p, p.pos, "%sthe segment has no name: write 'Segment name: condition'", "");
      break;
    }
    if (b - a > 100) {
      rc = fail(&p, a, "%sthe segment name is longer than 100 characters", "");
      break;
    }
    for (size_t i = a; i < b && !rc; i++)
      if ((unsigned char)p.s[i] < 0x20) rc = fail(&p, i, "%sa control character in the segment name", "");
    if (rc) break;
    if (n >= MAX_RULES) {
      rc = fail(&p, 0, "%smore than 1,000 rules: merge some", "");
      break;
    }
    rule *r = &rules[n];
    r->name = tm_strndup(p.s + a, b - a);
    r->nodes = tm_malloc(MAX_NODES * sizeof *r->nodes);
    n++;
    if (!r->name || !r->nodes) {
      rc = tm_error_nomem(err);
      break;
    }
    p.r = r;
    p.pos = (size_t)(colon - p.s) + 1;
    if ((rc = parse_or(&p, &r->root))) break;
    skip_space(&p);
    if (p.s[p.pos] && p.s[p.pos] != '#')
      rc = fail(&p, p.pos, "unexpected '%.20s' (join conditions with and / or)", p.s + p.pos);
  }
  if (!rc && !n) rc = tm_error_set(err, TM_EFORMAT, "%s: no rules (write lines 'Segment name: condition')", path);
  tm_free(text);
  if (rc) {
    rules_free(rules, n);
    return rc;
  }
  *out = rules;
  *nrules = n;
  return 0;
}

int tm_segment_rules_file(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const char *path, tm_error *err) {
  tm_features f;
  int rc = tm_features_build(&f, ds, wh, err);
  if (rc) return rc;
  vars *v = tm_calloc(1, sizeof *v);
  if (!v) {
    tm_features_free(&f);
    return tm_error_nomem(err);
  }
  enum { V_ORDERS, V_MONETARY, V_RETURNS, V_RECENCY, V_TENURE, V_FIXED };
  static const char *const fixed[] = {"orders", "monetary", "returns", "recency_days", "tenure_days"};
  for (size_t i = 0; i < V_FIXED; i++) snprintf(v->name[v->count++], 64, "%s", fixed[i]);
  size_t nch = ds->channels.count, ch0 = v->count;
  for (size_t c = 0; c < nch && c < 256; c++)
    snprintf(v->name[v->count++], 64, "channel_share_%.40s", c && ds->channels.name[c] ? ds->channels.name[c] : "-");
  size_t f0 = v->count;
  for (size_t j = 0; j < f.d; j++) snprintf(v->name[v->count++], 64, "%s", f.name[j]);
  rule *rules = NULL;
  size_t nrules = 0;
  uint32_t *seg = NULL, *row_of = NULL;
  double *x = NULL;
  tm_dict labels;
  bool dict = false;
  if ((rc = parse_file(path, v, &rules, &nrules, err))) goto done;
  seg = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *seg);
  row_of = tm_malloc((ds->ncust ? ds->ncust : 1) * sizeof *row_of);
  x = tm_malloc(v->count * sizeof *x);
  if (!seg || !row_of || !x || tm_dict_init(&labels)) {
    rc = tm_error_nomem(err);
    goto done;
  }
  dict = true;
  for (size_t i = 0; i < nrules && !rc; i++) {
    uint32_t id;
    if (tm_dict_intern(&labels, rules[i].name, strlen(rules[i].name), &id)) rc = tm_error_nomem(err);
  }
  uint32_t other;
  if (rc || tm_dict_intern(&labels, "Other", 5, &other)) {
    rc = rc ? rc : tm_error_nomem(err);
    goto done;
  }
  for (size_t c = 0; c < ds->ncust; c++) row_of[c] = UINT32_MAX;
  for (size_t r = 0; r < f.n; r++) row_of[f.cust[r]] = (uint32_t)r;
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase"), ret = (uint16_t)tm_names_find(&ds->types, "return");
  int64_t ref = ds->as_of_ms;
  if (!ref)
    for (size_t i = 0; i < ds->off[ds->ncust]; i++)
      if (ds->ts[i] > ref) ref = ds->ts[i];
  for (size_t c = 0; c < ds->ncust; c++) {
    double orders = 0, returns = 0;
    int64_t cents = 0, last = INT64_MIN;
    for (size_t k = ch0; k < f0; k++) x[k] = 0;
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++) {
      if (!ds->type[i]) continue;
      if (ds->type[i] == purchase) {
        orders++, cents += tm_cents(ds->amount[i]), last = ds->ts[i];
        if (ds->channel[i] < nch && ds->channel[i] < 256) x[ch0 + ds->channel[i]]++;
      } else if (ds->type[i] == ret) {
        returns++, cents += tm_cents(ds->amount[i]);
      }
    }
    for (size_t k = ch0; k < f0; k++) x[k] = orders ? x[k] / orders : NAN;
    x[V_ORDERS] = orders, x[V_MONETARY] = (double)cents / 100.0, x[V_RETURNS] = returns;
    x[V_RECENCY] = orders ? floor((double)(ref - last) / 86400000.0) : NAN;
    x[V_TENURE] = ds->off[c + 1] > ds->off[c] ? floor((double)(ref - ds->ts[ds->off[c]]) / 86400000.0) : NAN;
    for (size_t j = 0; j < f.d; j++)
      x[f0 + j] = row_of[c] != UINT32_MAX ? f.mean[j] + f.sd[j] * f.x[(size_t)row_of[c] * f.d + j] : NAN;
    seg[c] = other;
    for (size_t i = 0; i < nrules; i++)
      if (eval(&rules[i], rules[i].root, x, ds, c)) {
        seg[c] = tm_dict_find(&labels, rules[i].name, strlen(rules[i].name)); /* two rules may share a name */
        break;
      }
  }
  rc = seg_finish(out, ds, wh, "rules", seg, &labels, "rules_file", path, err);
done:
  if (dict) tm_dict_fini(&labels);
  rules_free(rules, nrules);
  tm_free(seg), tm_free(row_of), tm_free(x), tm_free(v);
  tm_features_free(&f);
  return rc;
}
