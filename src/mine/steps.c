/*
 * steps.c — parsing and matching journey steps (see steps.h), and the order
 * statistics the journey analyses report.
 */
#include <stdlib.h>
#include <string.h>

#include "mine/steps.h"

static const tm_names *names_of(const tm_dataset *ds, int field) {
  switch (field) {
  case JS_CHANNEL: return &ds->channels;
  case JS_TYPE: return &ds->types;
  case JS_CAMPAIGN: return &ds->campaigns;
  case JS_REGION: return &ds->regions;
  case JS_DEVICE: return &ds->devices;
  default: return &ds->sources;
  }
}

static const char *const field_names[JS_NFIELDS] = {"channel", "type", "campaign", "region", "device", "source"};

static int set_field(tm_step *s, const tm_dataset *ds, int field, const char *v, size_t n, tm_error *err) {
  char buf[128];
  if (n == 0 || n >= sizeof buf)
    return tm_error_set(err, TM_EINVAL, "step '%s': empty or too long %s", s->name, field_names[field]);
  memcpy(buf, v, n);
  buf[n] = 0;
  if (!strcmp(buf, "*")) return s->code[field] = 0, 0;
  uint32_t code = tm_names_find(names_of(ds, field), buf);
  if (!code)
    return tm_error_set(err, TM_EINVAL, "step '%s': no touchpoint has %s '%s' (see touchmine summary for the names)",
                        s->name, field_names[field], buf);
  s->code[field] = code;
  return 0;
}

int tm_step_parse(tm_step *out, const tm_dataset *ds, const char *text, tm_error *err) {
  memset(out, 0, sizeof *out);
  size_t len = strlen(text);
  if (!len || len >= sizeof out->name) return tm_error_set(err, TM_EINVAL, "a step is empty or too long: '%s'", text);
  memcpy(out->name, text, len + 1);
  const char *br = strchr(text, '['), *end = br ? br : text + len;
  const char *colon = memchr(text, ':', (size_t)(end - text));
  int rc;
  if (colon && (rc = set_field(out, ds, JS_CHANNEL, text, (size_t)(colon - text), err))) return rc;
  const char *t = colon ? colon + 1 : text;
  if ((rc = set_field(out, ds, JS_TYPE, t, (size_t)(end - t), err))) return rc;
  if (!br) return 0;
  if (text[len - 1] != ']') return tm_error_set(err, TM_EINVAL, "step '%s': a filter ends with ']'", text);
  const char *p = br + 1, *stop = text + len - 1;
  while (p < stop) {
    const char *comma = memchr(p, ',', (size_t)(stop - p)), *e = comma ? comma : stop;
    const char *eq = memchr(p, '=', (size_t)(e - p));
    if (!eq) return tm_error_set(err, TM_EINVAL, "step '%s': filters are KEY=VALUE", text);
    int field = -1;
    for (int f = 0; f < JS_NFIELDS; f++)
      if ((size_t)(eq - p) == strlen(field_names[f]) && !memcmp(p, field_names[f], (size_t)(eq - p))) field = f;
    if (field < 0)
      return tm_error_set(err, TM_EINVAL, "step '%s': filter keys are channel, type, campaign, region, device, source",
                          text);
    if ((rc = set_field(out, ds, field, eq + 1, (size_t)(e - eq - 1), err))) return rc;
    p = e + 1;
  }
  return 0;
}

int tm_steps_parse(tm_step **out, size_t *n, const tm_dataset *ds, const char *list, tm_error *err) {
  *out = NULL;
  *n = 0;
  size_t cap = 0, len = strlen(list), i = 0;
  tm_step *v = NULL;
  while (i <= len) {
    size_t j = i;
    int depth = 0;
    while (j < len && (list[j] != ',' || depth)) depth += list[j] == '[' ? 1 : list[j] == ']' ? -1 : 0, j++;
    char buf[128];
    if (j - i >= sizeof buf || j == i) {
      tm_free(v);
      return tm_error_set(err, TM_EINVAL, "steps '%s': an empty or too long step", list);
    }
    memcpy(buf, list + i, j - i);
    buf[j - i] = 0;
    if (TM_GROW(v, cap, *n + 1)) {
      tm_free(v);
      return tm_error_nomem(err);
    }
    int rc = tm_step_parse(&v[*n], ds, buf, err);
    if (rc) {
      tm_free(v);
      return rc;
    }
    (*n)++;
    i = j + 1;
  }
  *out = v;
  return 0;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

double tm_median_i64(int64_t *v, size_t n) {
  if (!n) return 0.0 / 0.0;
  qsort(v, n, sizeof *v, cmp_i64);
  return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

double tm_quantile_sorted(const int64_t *v, size_t n, double q) {
  if (!n) return 0.0 / 0.0;
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)pos;
  if (lo + 1 >= n) return (double)v[n - 1];
  return (double)v[lo] + (pos - (double)lo) * (double)(v[lo + 1] - v[lo]);
}
