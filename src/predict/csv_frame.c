/*
 * csv_frame.c — any CSV with a 0/1 column as a model frame.
 *
 * The file is read whole (cells kept as strings), then each column is typed:
 *  - the label column: Yes/No, Y/N, 1/0, true/false (any case); anything else
 *    is an error naming file, line and value;
 *  - the id column: the first whose values are all distinct and that is not
 *    numeric or is named like an id ("id", "customerID", "user_id"); it
 *    becomes the row id, never a feature;
 *  - numeric: at least 90% of the non-blank cells parse as numbers; blank or
 *    non-numeric cells take the column mean and raise a <col>_missing
 *    indicator column (Telco's TotalCharges is blank for 11 new customers);
 *  - categorical: at most 1,000 distinct values, one-hot (every level, the
 *    L2 penalty copes with the redundancy);
 *  - anything else (free text, high-cardinality codes) is left out.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "core/hashmap.h"
#include "io/io.h"
#include "predict/predict.h"

#define MAX_LEVELS 1000

typedef struct cells {
  char *buf;
  size_t len, cap;
  size_t *off; /* rows x cols */
  size_t noff, capoff;
  uint64_t *line;
  size_t nline, capline;
} cells;

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
  return s;
}

static bool parse_num(const char *s, double *v) {
  char *end;
  if (!*s) return false;
  errno = 0;
  *v = strtod(s, &end);
  return !*end && errno != ERANGE && isfinite(*v);
}

static int parse_label(const char *s, uint8_t *y) {
  static const char *const yes[] = {"yes", "y", "1", "true", "t", "1.0"};
  static const char *const no[] = {"no", "n", "0", "false", "f", "0.0"};
  for (size_t i = 0; i < TM_ARRAY_LEN(yes); i++)
    if (!strcasecmp(s, yes[i])) return *y = 1, 0;
  for (size_t i = 0; i < TM_ARRAY_LEN(no); i++)
    if (!strcasecmp(s, no[i])) return *y = 0, 0;
  return -1;
}

static bool id_like(const char *name) {
  size_t n = strlen(name);
  return !strcasecmp(name, "id") || (n > 2 && !strcasecmp(name + n - 2, "id")) ||
         (n > 3 && !strcasecmp(name + n - 3, "_id"));
}

static void cells_free(cells *c) {
  tm_free(c->buf);
  tm_free(c->off);
  tm_free(c->line);
}

typedef enum { COL_SKIP, COL_LABEL, COL_ID, COL_NUM, COL_CAT } col_kind;

typedef struct column {
  col_kind kind;
  size_t first;  /* first feature column */
  size_t nmiss;
  double mean;
  tm_dict levels;
} column;

int pr_frame_from_csv(pr_frame *f, const char *path, const char *label, tm_error *err) {
  memset(f, 0, sizeof *f);
  tm_reader *rd = NULL;
  tm_csv *csv = NULL;
  tm_csv_record rec;
  cells c = {0};
  char **head = NULL;
  column *col = NULL;
  size_t ncol = 0, nrow = 0;
  int rc = tm_reader_open(&rd, path, err), got;
  if (rc || (rc = tm_csv_open(&csv, rd, 0, err))) goto out;
  while ((got = tm_csv_next(csv, &rec, err)) == 1) {
    if (rec.malformed) {
      rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: %s", path, (unsigned long long)rec.line, rec.malformed);
      goto out;
    }
    if (!head) {
      ncol = rec.nfields;
      head = tm_calloc(ncol, sizeof *head);
      if (!head) goto nomem;
      for (size_t j = 0; j < ncol; j++)
        if (!(head[j] = tm_strdup(rec.field[j]))) goto nomem;
      for (size_t j = 0; j < ncol; j++) trim(head[j]);
      continue;
    }
    if (rec.nfields != ncol) {
      rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: %zu fields where the header has %zu", path,
                        (unsigned long long)rec.line, rec.nfields, ncol);
      goto out;
    }
    if (TM_GROW(c.off, c.capoff, c.noff + ncol) || TM_GROW(c.line, c.capline, c.nline + 1)) goto nomem;
    c.line[c.nline++] = rec.line;
    for (size_t j = 0; j < ncol; j++) {
      size_t len = strlen(rec.field[j]) + 1;
      if (TM_GROW(c.buf, c.cap, c.len + len)) goto nomem;
      memcpy(c.buf + c.len, rec.field[j], len);
      c.off[c.noff++] = c.len;
      trim(c.buf + c.len);
      c.len += len;
    }
    nrow++;
  }
  if (got < 0) {
    rc = got;
    goto out;
  }
  if (!head || !nrow) {
    rc = tm_error_set(err, TM_EFORMAT, "%s: no records (a header line and at least one row are needed)", path);
    goto out;
  }
#define CELL(i, j) (c.buf + c.off[(i) * ncol + (j)])
  size_t lab = ncol;
  for (size_t j = 0; j < ncol && lab == ncol; j++)
    if (!strcmp(head[j], label)) lab = j;
  for (size_t j = 0; j < ncol && lab == ncol; j++)
    if (!strcasecmp(head[j], label)) lab = j;
  if (lab == ncol) {
    rc = tm_error_set(err, TM_EINVAL, "%s: no column '%s' for the label (the header has %zu columns: %s, ...)", path,
                      label, ncol, head[0]);
    goto out;
  }
  col = tm_calloc(ncol, sizeof *col);
  if (!col) goto nomem;
  for (size_t j = 0; j < ncol; j++)
    if (tm_dict_init(&col[j].levels)) goto nomem;
  size_t d = 0, idcol = ncol;
  for (size_t j = 0; j < ncol; j++) {
    column *k = &col[j];
    if (j == lab) {
      k->kind = COL_LABEL;
      continue;
    }
    size_t nonblank = 0, numeric = 0;
    double sum = 0, v;
    for (size_t i = 0; i < nrow; i++) {
      const char *s = CELL(i, j);
      uint32_t id;
      if (k->levels.count <= nrow && tm_dict_intern(&k->levels, s, strlen(s), &id)) goto nomem;
      if (!*s) continue;
      nonblank++;
      if (parse_num(s, &v)) numeric++, sum += v;
    }
    bool unique = k->levels.count == nrow;
    bool is_num = nonblank && numeric >= 0.9 * (double)nonblank;
    if (idcol == ncol && unique && (!is_num || id_like(head[j]))) {
      k->kind = COL_ID;
      idcol = j;
    } else if (is_num && k->levels.count > 2) {
      k->kind = COL_NUM;
      k->mean = numeric ? sum / (double)numeric : 0;
      k->nmiss = nrow - numeric;
      k->first = d;
      d += 1 + (k->nmiss > 0);
    } else if (k->levels.count <= MAX_LEVELS && k->levels.count > 1) {
      k->kind = COL_CAT;
      k->first = d;
      d += k->levels.count;
    } else {
      k->kind = COL_SKIP;
    }
  }
  if (!d) {
    rc = tm_error_set(err, TM_EINVAL, "%s: no usable feature columns besides '%s'", path, head[lab]);
    goto out;
  }
  if (d > PR_MAX_CSV_FEATURES) {
    rc = tm_error_set(err, TM_EINVAL, "%s: %zu features after one-hot encoding, more than %d", path, d,
                      PR_MAX_CSV_FEATURES);
    goto out;
  }
  if ((rc = pr_frame_alloc(f, nrow, d, true, err))) goto out;
  for (size_t j = 0; j < ncol; j++) {
    column *k = &col[j];
    if (k->kind == COL_NUM) {
      snprintf(f->name[k->first], PR_NAME_MAX, "%.60s", head[j]);
      snprintf(f->words[k->first], PR_WORDS_MAX, "%.90s", head[j]);
      if (k->nmiss) {
        snprintf(f->name[k->first + 1], PR_NAME_MAX, "%.50s_missing", head[j]);
        snprintf(f->words[k->first + 1], PR_WORDS_MAX, "%.80s is missing", head[j]);
      }
    } else if (k->kind == COL_CAT) {
      for (uint32_t l = 0; l < k->levels.count; l++) {
        const char *lv = tm_dict_str(&k->levels, l);
        snprintf(f->name[k->first + l], PR_NAME_MAX, "%.30s=%.30s", head[j], *lv ? lv : "(blank)");
        snprintf(f->words[k->first + l], PR_WORDS_MAX, "%.40s is %.40s", head[j], *lv ? lv : "(blank)");
      }
    }
  }
  char num[32];
  for (size_t i = 0; i < nrow; i++) {
    double *row = &f->x[i * d], v;
    for (size_t j = 0; j < ncol; j++) {
      column *k = &col[j];
      const char *s = CELL(i, j);
      if (k->kind == COL_LABEL) {
        if (parse_label(s, &f->y[i])) {
          rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: label '%.40s' in column %s is not Yes/No, 1/0 or true/false",
                            path, (unsigned long long)c.line[i], s, head[j]);
          pr_frame_free(f);
          goto out;
        }
      } else if (k->kind == COL_NUM) {
        bool okv = parse_num(s, &v);
        row[k->first] = okv ? v : k->mean;
        if (k->nmiss) row[k->first + 1] = !okv;
      } else if (k->kind == COL_CAT) {
        row[k->first + tm_dict_find(&k->levels, s, strlen(s))] = 1;
      }
    }
    const char *id = idcol < ncol ? CELL(i, idcol) : (snprintf(num, sizeof num, "%zu", i + 1), num);
    if ((rc = pr_frame_set_id(f, i, id, err))) {
      pr_frame_free(f);
      goto out;
    }
  }
#undef CELL
  goto out;
nomem:
  rc = tm_error_nomem(err);
out:
  if (col)
    for (size_t j = 0; j < ncol; j++) tm_dict_fini(&col[j].levels);
  tm_free(col);
  if (head)
    for (size_t j = 0; j < ncol; j++) tm_free(head[j]);
  tm_free(head);
  cells_free(&c);
  tm_csv_close(csv);
  tm_reader_close(rd);
  return rc;
}
