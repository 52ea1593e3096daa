/*
 * record.c — mapping rows onto canonical records: CSV by column index, JSON by
 * dotted path, then defaults and value maps. No validation here (that is the
 * loader's), only placement.
 */
#include <stdio.h>

#include "identity/graph.h"
#include "ingest/record.h"

const char *rec_keep(tm_record *r, const char *s, size_t n) {
  if (r->scratch_used + n + 1 > sizeof r->scratch) return NULL;
  char *d = r->scratch + r->scratch_used;
  memcpy(d, s, n);
  d[n] = '\0';
  r->scratch_used += n + 1;
  return d;
}

void rec_add_id(tm_record *r, const char *type, const char *s, size_t n, const char *column) {
  if (!s || !n || r->nids >= REC_MAX_IDS) return;
  r->ids[r->nids].type = type;
  r->ids[r->nids].v = (rec_value){s, n, column};
  r->nids++;
}

/* ------------------------------------------------------------------- CSV */

static int find_header(const char *const *header, const size_t *lens, size_t n, const char *name) {
  size_t len = strlen(name);
  for (size_t i = 0; i < n; i++) {
    const char *h = header[i];
    size_t hl = lens[i];
    while (hl && (*h == ' ')) h++, hl--; /* tolerate "a, b" headers */
    while (hl && h[hl - 1] == ' ') hl--;
    if (hl == len && !memcmp(h, name, len)) return (int)i;
  }
  return -1;
}

int csv_map_init(csv_map *m, const source_cfg *src, const char *const *header, const size_t *lens,
                 size_t n, const char *path, tm_error *err) {
  size_t nh = n;
  memset(m, 0, sizeof *m);
  m->nheader = n;
  m->id_col = tm_calloc(src->nids + 1, sizeof *m->id_col);
  m->attr_col = tm_calloc(src->nattrs + 1, sizeof *m->attr_col);
  if (!m->id_col || !m->attr_col) {
    csv_map_fini(m);
    return tm_error_nomem(err);
  }
  const char *missing = NULL, *what = NULL;
  for (int f = 0; f < F_NFIELDS; f++) {
    for (int k = 0; k < REC_MAX_ALTS; k++) m->field[f][k] = -1;
    if (!src->column[f]) continue;
    const char *c = src->column[f];
    for (int k = 0; k < REC_MAX_ALTS && *c; k++) {
      const char *bar = strchr(c, '|');
      size_t len = bar ? (size_t)(bar - c) : strlen(c);
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)len, c);
      if ((m->field[f][k] = find_header(header, lens, nh, name)) < 0 && !missing) {
        static char missing_buf[128];
        snprintf(missing_buf, sizeof missing_buf, "%s", name);
        missing = missing_buf, what = tm_field_names[f];
      }
      c += len + (bar ? 1 : 0);
    }
  }
  for (size_t i = 0; i < src->nids; i++)
    if ((m->id_col[i] = find_header(header, lens, n, src->ids[i].column)) < 0 && !missing)
      missing = src->ids[i].column, what = src->ids[i].name;
  for (size_t i = 0; i < src->nattrs; i++)
    if ((m->attr_col[i] = find_header(header, lens, n, src->attrs[i].column)) < 0 && !missing)
      missing = src->attrs[i].column, what = src->attrs[i].name;
  if (missing) {
    char have[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used + 4 < sizeof have; i++)
      used += (size_t)snprintf(have + used, sizeof have - used, "%s%.*s", i ? ", " : "",
                               (int)TM_MIN(lens[i], 40), header[i]);
    tm_error_set(err, TM_EFORMAT, "%s:1: column '%s' (mapped to %s) is not in the header (%s)", path,
                 missing, what, have);
    csv_map_fini(m);
    return TM_EFORMAT;
  }
  return 0;
}

void csv_map_fini(csv_map *m) {
  tm_free(m->id_col);
  tm_free(m->attr_col);
  m->id_col = m->attr_col = NULL;
}

void record_from_csv(tm_record *r, const source_cfg *src, const csv_map *m,
                     const char *const *field, const size_t *len, size_t n) {
  for (int f = 0; f < F_NFIELDS; f++)
    for (int k = 0; k < REC_MAX_ALTS && m->field[f][k] >= 0; k++) {
      int c = m->field[f][k];
      if ((size_t)c < n && len[c]) {
        r->f[f] = (rec_value){field[c], len[c], src->column[f]};
        r->alt[f] = (uint8_t)k;
        break;
      }
    }
  for (size_t i = 0; i < src->nids; i++) {
    int c = m->id_col[i];
    if (c >= 0 && (size_t)c < n) rec_add_id(r, src->ids[i].name, field[c], len[c], src->ids[i].column);
  }
  for (size_t i = 0; i < src->nattrs && r->nattrs < REC_MAX_ATTRS; i++) {
    int c = m->attr_col[i];
    if (c >= 0 && (size_t)c < n && len[c])
      r->attrs[r->nattrs++] = (rec_attr){src->attrs[i].name, {field[c], len[c], src->attrs[i].column}};
  }
}

/* ------------------------------------------------------------------ JSON */

/* A JSON scalar as text: strings decoded, numbers as written in the source
 * (no float round trip), booleans as true / false. */
static rec_value json_text(const tm_jval *v, const char *column) {
  rec_value out = {NULL, 0, column};
  switch (tm_jval_type(v)) {
  case TM_JSTR: out.s = tm_jval_str(v, &out.n); break;
  case TM_JNUM: out.s = tm_jval_raw(v, &out.n); break;
  case TM_JTRUE: out.s = "true", out.n = 4; break;
  case TM_JFALSE: out.s = "false", out.n = 5; break;
  default: break;
  }
  if (out.s && !out.n) out.s = NULL;
  return out;
}

rec_value record_json_get(const tm_jval *obj, const char *path) {
  return json_text(tm_jval_path(obj, path), path);
}

void record_json_field(tm_record *r, int f, const tm_jval *obj, const char *paths) {
  char path[256];
  for (int k = 0; k < REC_MAX_ALTS && *paths; k++) {
    const char *bar = strchr(paths, '|');
    size_t n = bar ? (size_t)(bar - paths) : strlen(paths);
    snprintf(path, sizeof path, "%.*s", (int)n, paths);
    rec_value v = record_json_get(obj, path);
    if (v.s) {
      v.column = paths;
      r->f[f] = v;
      r->alt[f] = (uint8_t)k;
      return;
    }
    paths += n + (bar ? 1 : 0);
  }
}

void record_from_json(tm_record *r, const source_cfg *src, const tm_jval *obj) {
  for (int f = 0; f < F_NFIELDS; f++)
    if (src->column[f]) record_json_field(r, f, obj, src->column[f]);
  for (size_t i = 0; i < src->nids; i++) {
    rec_value v = record_json_get(obj, src->ids[i].column);
    rec_add_id(r, src->ids[i].name, v.s, v.n, v.column);
  }
  for (size_t i = 0; i < src->nattrs && r->nattrs < REC_MAX_ATTRS; i++) {
    rec_value v = record_json_get(obj, src->attrs[i].column);
    if (v.s) r->attrs[r->nattrs++] = (rec_attr){src->attrs[i].name, v};
  }
}

void record_finish(tm_record *r, const source_cfg *src) {
  for (int f = 0; f < F_NFIELDS; f++) {
    if (!r->f[f].s && src->deflt[f]) r->f[f] = (rec_value){src->deflt[f], strlen(src->deflt[f]), "default"};
    if (r->f[f].s && src->nmaps[f]) {
      for (size_t i = 0; i < src->nmaps[f]; i++) {
        const value_map *vm = &src->maps[f][i];
        if (strlen(vm->from) == r->f[f].n && !memcmp(vm->from, r->f[f].s, r->f[f].n)) {
          r->f[f].s = vm->to;
          r->f[f].n = strlen(vm->to);
          break;
        }
      }
    }
  }
}
