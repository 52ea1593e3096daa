/*
 * doc.c — result documents: named scalars plus named tables, and their three
 * renderings (human text, CSV, JSON). Every command's output goes through
 * here, so the formats agree everywhere.
 *
 * Cells are tagged values; strings are owned copies. A table's rows are one
 * flat array of ncols cells each, grown as rows are appended.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "core/common.h"

typedef enum { CELL_NULL = 0, CELL_STR, CELL_INT, CELL_REAL } cell_kind;

typedef struct cell {
  cell_kind kind;
  union {
    char *s;
    int64_t i;
    double r;
  } v;
} cell;

typedef struct column {
  char *name;
  tm_coltype type;
} column;

struct tm_table {
  char *name, *title;
  column *cols;
  size_t ncols, colcap;
  cell *cells; /* nrows * ncols, row-major */
  size_t nrows, cellcap;
};

typedef struct scalar {
  char *key;
  cell value;
} scalar;

struct tm_doc {
  char *title;
  scalar *scalars;
  size_t nscalars, scalarcap;
  tm_table **tables;
  size_t ntables, tablecap;
};

static void cell_clear(cell *c) {
  if (c->kind == CELL_STR) tm_free(c->v.s);
  c->kind = CELL_NULL;
}

/* ------------------------------------------------------------------ table */

int tm_table_new(tm_table **out, const char *name, const char *title) {
  tm_table *t = tm_calloc(1, sizeof *t);
  if (!t) return TM_ENOMEM;
  t->name = tm_strdup(name);
  t->title = tm_strdup(title ? title : name);
  if (!t->name || !t->title) {
    tm_table_free(t);
    return TM_ENOMEM;
  }
  *out = t;
  return 0;
}

void tm_table_free(tm_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++) cell_clear(&t->cells[i]);
  for (size_t i = 0; i < t->ncols; i++) tm_free(t->cols[i].name);
  tm_free(t->cells);
  tm_free(t->cols);
  tm_free(t->name);
  tm_free(t->title);
  tm_free(t);
}

int tm_table_add_col(tm_table *t, const char *name, tm_coltype type) {
  if (t->nrows) return TM_EINVAL; /* columns first, then rows */
  if (TM_GROW(t->cols, t->colcap, t->ncols + 1)) return TM_ENOMEM;
  char *n = tm_strdup(name);
  if (!n) return TM_ENOMEM;
  t->cols[t->ncols].name = n;
  t->cols[t->ncols].type = type;
  return (int)t->ncols++;
}

int tm_table_add_row(tm_table *t) {
  size_t need = (t->nrows + 1) * t->ncols;
  if (TM_GROW(t->cells, t->cellcap, need)) return TM_ENOMEM;
  memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(cell));
  t->nrows++;
  return 0;
}

static cell *last_cell(tm_table *t, int col) {
  if (!t->nrows || col < 0 || (size_t)col >= t->ncols) return NULL;
  return &t->cells[(t->nrows - 1) * t->ncols + (size_t)col];
}

int tm_table_set_str(tm_table *t, int col, const char *s) {
  cell *c = last_cell(t, col);
  if (!c) return TM_EINVAL;
  char *d = tm_strdup(s ? s : "");
  if (!d) return TM_ENOMEM;
  cell_clear(c);
  c->kind = CELL_STR;
  c->v.s = d;
  return 0;
}

int tm_table_set_int(tm_table *t, int col, int64_t v) {
  cell *c = last_cell(t, col);
  if (!c) return TM_EINVAL;
  cell_clear(c);
  c->kind = CELL_INT;
  c->v.i = v;
  return 0;
}

int tm_table_set_real(tm_table *t, int col, double v) {
  cell *c = last_cell(t, col);
  if (!c) return TM_EINVAL;
  cell_clear(c);
  c->kind = CELL_REAL;
  c->v.r = v;
  return 0;
}

size_t tm_table_rows(const tm_table *t) { return t->nrows; }
size_t tm_table_cols(const tm_table *t) { return t->ncols; }
const char *tm_table_name(const tm_table *t) { return t->name; }
const char *tm_table_col_name(const tm_table *t, size_t col) {
  return col < t->ncols ? t->cols[col].name : NULL;
}
int tm_table_find_col(const tm_table *t, const char *name) {
  for (size_t i = 0; i < t->ncols; i++)
    if (!strcmp(t->cols[i].name, name)) return (int)i;
  return -1;
}

static const cell *get_cell(const tm_table *t, size_t row, size_t col) {
  if (row >= t->nrows || col >= t->ncols) return NULL;
  return &t->cells[row * t->ncols + col];
}

const char *tm_table_get_str(const tm_table *t, size_t row, size_t col) {
  const cell *c = get_cell(t, row, col);
  return c && c->kind == CELL_STR ? c->v.s : "";
}
int64_t tm_table_get_int(const tm_table *t, size_t row, size_t col) {
  const cell *c = get_cell(t, row, col);
  if (!c) return 0;
  return c->kind == CELL_INT ? c->v.i : c->kind == CELL_REAL ? (int64_t)c->v.r : 0;
}
double tm_table_get_real(const tm_table *t, size_t row, size_t col) {
  const cell *c = get_cell(t, row, col);
  if (!c) return NAN;
  return c->kind == CELL_REAL ? c->v.r : c->kind == CELL_INT ? (double)c->v.i : NAN;
}

/* -------------------------------------------------------------------- doc */

int tm_doc_new(tm_doc **out, const char *title) {
  tm_doc *d = tm_calloc(1, sizeof *d);
  if (!d) return TM_ENOMEM;
  d->title = tm_strdup(title ? title : "");
  if (!d->title) {
    tm_free(d);
    return TM_ENOMEM;
  }
  *out = d;
  return 0;
}

void tm_doc_free(tm_doc *d) {
  if (!d) return;
  for (size_t i = 0; i < d->nscalars; i++) {
    tm_free(d->scalars[i].key);
    cell_clear(&d->scalars[i].value);
  }
  for (size_t i = 0; i < d->ntables; i++) tm_table_free(d->tables[i]);
  tm_free(d->scalars);
  tm_free(d->tables);
  tm_free(d->title);
  tm_free(d);
}

static cell *doc_slot(tm_doc *d, const char *key) {
  for (size_t i = 0; i < d->nscalars; i++)
    if (!strcmp(d->scalars[i].key, key)) {
      cell_clear(&d->scalars[i].value);
      return &d->scalars[i].value;
    }
  if (TM_GROW(d->scalars, d->scalarcap, d->nscalars + 1)) return NULL;
  char *k = tm_strdup(key);
  if (!k) return NULL;
  scalar *s = &d->scalars[d->nscalars++];
  s->key = k;
  s->value.kind = CELL_NULL;
  return &s->value;
}

int tm_doc_set_int(tm_doc *d, const char *key, int64_t v) {
  cell *c = doc_slot(d, key);
  if (!c) return TM_ENOMEM;
  c->kind = CELL_INT;
  c->v.i = v;
  return 0;
}

int tm_doc_set_real(tm_doc *d, const char *key, double v) {
  cell *c = doc_slot(d, key);
  if (!c) return TM_ENOMEM;
  c->kind = CELL_REAL;
  c->v.r = v;
  return 0;
}

int tm_doc_set_str(tm_doc *d, const char *key, const char *v) {
  char *s = tm_strdup(v ? v : "");
  if (!s) return TM_ENOMEM;
  cell *c = doc_slot(d, key);
  if (!c) {
    tm_free(s);
    return TM_ENOMEM;
  }
  c->kind = CELL_STR;
  c->v.s = s;
  return 0;
}

int tm_doc_add_table(tm_doc *d, tm_table *t) {
  if (TM_GROW(d->tables, d->tablecap, d->ntables + 1)) {
    tm_table_free(t);
    return TM_ENOMEM;
  }
  d->tables[d->ntables++] = t;
  return 0;
}

const tm_table *tm_doc_table(const tm_doc *d, const char *name) {
  for (size_t i = 0; i < d->ntables; i++)
    if (!strcmp(d->tables[i]->name, name)) return d->tables[i];
  return NULL;
}

static const cell *doc_get(const tm_doc *d, const char *key) {
  for (size_t i = 0; i < d->nscalars; i++)
    if (!strcmp(d->scalars[i].key, key)) return &d->scalars[i].value;
  return NULL;
}

int tm_doc_get_int(const tm_doc *d, const char *key, int64_t *out) {
  const cell *c = doc_get(d, key);
  if (!c || (c->kind != CELL_INT && c->kind != CELL_REAL)) return TM_ENOTFOUND;
  *out = c->kind == CELL_INT ? c->v.i : (int64_t)c->v.r;
  return 0;
}

int tm_doc_get_real(const tm_doc *d, const char *key, double *out) {
  const cell *c = doc_get(d, key);
  if (!c || (c->kind != CELL_INT && c->kind != CELL_REAL)) return TM_ENOTFOUND;
  *out = c->kind == CELL_REAL ? c->v.r : (double)c->v.i;
  return 0;
}

/* ---------------------------------------------------------------- writers */

/* Formats a cell for humans (text) or machines (csv/json numbers). */
static void cell_format(const cell *c, tm_coltype type, int human, char *buf, size_t n) {
  switch (c->kind) {
  case CELL_NULL: snprintf(buf, n, "%s", human ? "-" : ""); break;
  case CELL_STR: snprintf(buf, n, "%s", c->v.s); break;
  case CELL_INT:
    if (human && type == TM_COL_SHARE) snprintf(buf, n, "%.1f%%", 100.0 * (double)c->v.i);
    else snprintf(buf, n, "%" PRId64, c->v.i);
    break;
  case CELL_REAL:
    if (!isfinite(c->v.r)) snprintf(buf, n, "%s", human ? "-" : "");
    else if (human && type == TM_COL_SHARE) snprintf(buf, n, "%.1f%%", 100.0 * c->v.r);
    else if (human) {
      double a = fabs(c->v.r);
      snprintf(buf, n, a != 0 && a < 0.01 ? "%.4g" : "%.2f", c->v.r);
    } else snprintf(buf, n, "%.10g", c->v.r);
    break;
  }
}

/* Display width of a UTF-8 string (code points; good enough for tables). */
static size_t utf8_width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  return w;
}

static void put_padded(FILE *f, const char *s, size_t width, int right) {
  size_t w = utf8_width(s);
  if (right)
    for (size_t i = w; i < width; i++) fputc(' ', f);
  fputs(s, f);
  if (!right)
    for (size_t i = w; i < width; i++) fputc(' ', f);
}

#define CELL_BUF 256

static void write_table_text(const tm_table *t, FILE *f, size_t max_rows) {
  size_t shown = max_rows && t->nrows > max_rows ? max_rows : t->nrows;
  size_t *width = tm_calloc(t->ncols ? t->ncols : 1, sizeof *width);
  char buf[CELL_BUF];
  if (!width) return;
  for (size_t c = 0; c < t->ncols; c++) width[c] = utf8_width(t->cols[c].name);
  for (size_t r = 0; r < shown; r++)
    for (size_t c = 0; c < t->ncols; c++) {
      cell_format(&t->cells[r * t->ncols + c], t->cols[c].type, 1, buf, sizeof buf);
      size_t w = utf8_width(buf);
      if (w > width[c]) width[c] = w > 60 ? 60 : w;
    }
  fprintf(f, "\n%s\n", t->title);
  for (size_t c = 0; c < t->ncols; c++) {
    if (c) fputs("  ", f);
    put_padded(f, t->cols[c].name, width[c], t->cols[c].type != TM_COL_STR);
  }
  fputc('\n', f);
  for (size_t c = 0; c < t->ncols; c++) {
    if (c) fputs("  ", f);
    for (size_t i = 0; i < width[c]; i++) fputc('-', f);
  }
  fputc('\n', f);
  for (size_t r = 0; r < shown; r++) {
    for (size_t c = 0; c < t->ncols; c++) {
      if (c) fputs("  ", f);
      cell_format(&t->cells[r * t->ncols + c], t->cols[c].type, 1, buf, sizeof buf);
      if (utf8_width(buf) > 60) strcpy(buf + 56, "...");
      put_padded(f, buf, width[c], t->cols[c].type != TM_COL_STR);
    }
    fputc('\n', f);
  }
  if (shown < t->nrows)
    fprintf(f, "(%zu more rows: use --format csv or json for all)\n", t->nrows - shown);
  tm_free(width);
}

static void csv_field(FILE *f, const char *s) {
  if (strpbrk(s, ",\"\r\n") == NULL) {
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

static void write_table_csv(const tm_table *t, FILE *f) {
  char buf[CELL_BUF];
  for (size_t c = 0; c < t->ncols; c++) {
    if (c) fputc(',', f);
    csv_field(f, t->cols[c].name);
  }
  fputc('\n', f);
  for (size_t r = 0; r < t->nrows; r++) {
    for (size_t c = 0; c < t->ncols; c++) {
      const cell *x = &t->cells[r * t->ncols + c];
      if (c) fputc(',', f);
      if (x->kind == CELL_STR) csv_field(f, x->v.s);
      else {
        cell_format(x, t->cols[c].type, 0, buf, sizeof buf);
        fputs(buf, f);
      }
    }
    fputc('\n', f);
  }
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20) fprintf(f, "\\u%04x", *p);
      else fputc(*p, f);
    }
  }
  fputc('"', f);
}

static void json_cell(FILE *f, const cell *c) {
  char buf[CELL_BUF];
  switch (c->kind) {
  case CELL_NULL: fputs("null", f); break;
  case CELL_STR: json_string(f, c->v.s); break;
  case CELL_INT: fprintf(f, "%" PRId64, c->v.i); break;
  case CELL_REAL:
    if (!isfinite(c->v.r)) fputs("null", f);
    else {
      snprintf(buf, sizeof buf, "%.10g", c->v.r);
      fputs(buf, f);
    }
    break;
  }
}

static void write_json(const tm_doc *d, FILE *f) {
  fputc('{', f);
  int first = 1;
  for (size_t i = 0; i < d->nscalars; i++) {
    fputs(first ? "\n  " : ",\n  ", f);
    first = 0;
    json_string(f, d->scalars[i].key);
    fputs(": ", f);
    json_cell(f, &d->scalars[i].value);
  }
  for (size_t k = 0; k < d->ntables; k++) {
    const tm_table *t = d->tables[k];
    fputs(first ? "\n  " : ",\n  ", f);
    first = 0;
    json_string(f, t->name);
    fputs(": [", f);
    for (size_t r = 0; r < t->nrows; r++) {
      fputs(r ? ",\n    {" : "\n    {", f);
      for (size_t c = 0; c < t->ncols; c++) {
        if (c) fputs(", ", f);
        json_string(f, t->cols[c].name);
        fputs(": ", f);
        json_cell(f, &t->cells[r * t->ncols + c]);
      }
      fputc('}', f);
    }
    fputs(t->nrows ? "\n  ]" : "]", f);
  }
  fputs("\n}\n", f);
}

int tm_doc_write(const tm_doc *d, FILE *f, tm_format fmt, size_t max_rows, tm_error *err) {
  char buf[CELL_BUF];
  if (fmt == TM_FMT_JSON) {
    write_json(d, f);
  } else if (fmt == TM_FMT_CSV) {
    int sections = d->ntables != 1; /* one table: just the table */
    if (sections && d->nscalars) {
      fputs("metric,value\n", f);
      for (size_t i = 0; i < d->nscalars; i++) {
        csv_field(f, d->scalars[i].key);
        fputc(',', f);
        if (d->scalars[i].value.kind == CELL_STR) csv_field(f, d->scalars[i].value.v.s);
        else {
          cell_format(&d->scalars[i].value, TM_COL_REAL, 0, buf, sizeof buf);
          fputs(buf, f);
        }
        fputc('\n', f);
      }
    }
    for (size_t k = 0; k < d->ntables; k++) {
      if (sections) fprintf(f, "\n# %s\n", d->tables[k]->name);
      write_table_csv(d->tables[k], f);
    }
  } else {
    if (d->title[0]) fprintf(f, "%s\n", d->title);
    size_t kw = 0;
    for (size_t i = 0; i < d->nscalars; i++) kw = TM_MAX(kw, strlen(d->scalars[i].key));
    for (size_t i = 0; i < d->nscalars; i++) {
      cell_format(&d->scalars[i].value, TM_COL_REAL, 1, buf, sizeof buf);
      if (d->scalars[i].value.kind == CELL_INT) {
        /* thousands separators make counts readable */
        char raw[64], *o = buf;
        int len = snprintf(raw, sizeof raw, "%" PRId64, d->scalars[i].value.v.i);
        for (int j = 0; j < len; j++) {
          *o++ = raw[j];
          int left = len - j - 1;
          if (left && left % 3 == 0 && raw[j] != '-') *o++ = ',';
        }
        *o = '\0';
      }
      fprintf(f, "  %-*s  %s\n", (int)kw, d->scalars[i].key, buf);
    }
    for (size_t k = 0; k < d->ntables; k++) write_table_text(d->tables[k], f, max_rows);
  }
  if (fflush(f) != 0 || ferror(f)) return tm_error_set(err, TM_EIO, "cannot write output");
  return 0;
}

int tm_doc_write_table(const tm_doc *d, const char *name, FILE *f, tm_format fmt, size_t max_rows,
                       tm_error *err) {
  const tm_table *t = tm_doc_table(d, name);
  if (!t) return tm_error_set(err, TM_ENOTFOUND, "no table '%s' in the result", name);
  if (fmt == TM_FMT_CSV) write_table_csv(t, f);
  else if (fmt == TM_FMT_TEXT) write_table_text(t, f, max_rows);
  else {
    tm_doc one = {.title = "", .tables = (tm_table **)&t, .ntables = 1};
    write_json(&one, f);
  }
  if (fflush(f) != 0 || ferror(f)) return tm_error_set(err, TM_EIO, "cannot write output");
  return 0;
}

/* For renderers other than the three above (the HTML dashboard). */
const char *tm_table_title(const tm_table *t) { return t->title; }
tm_coltype tm_table_col_type(const tm_table *t, size_t col) { return col < t->ncols ? t->cols[col].type : TM_COL_STR; }
int tm_table_is_null(const tm_table *t, size_t row, size_t col) {
  const cell *c = get_cell(t, row, col);
  return !c || c->kind == CELL_NULL;
}
size_t tm_doc_table_count(const tm_doc *d) { return d->ntables; }
const tm_table *tm_doc_table_at(const tm_doc *d, size_t i) { return i < d->ntables ? d->tables[i] : NULL; }
