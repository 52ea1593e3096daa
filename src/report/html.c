/*
 * html.c — the text buffer the dashboard is written into, HTML and JSON
 * escaping, and data tables (every chart's numbers, sortable and filterable
 * by the page's script, with a CSV download).
 */
#include <math.h>
#include <stdio.h>

#include "report/report_int.h"

#define SB_DEFAULT_MAX ((size_t)1 << 30)

void sb_put(sb *b, const char *s, size_t n) {
  if (b->oom) return;
  size_t max = b->max ? b->max : SB_DEFAULT_MAX;
  if (b->len + n + 1 > max) {
    b->oom = 1;
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = tm_realloc(b->s, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->s = p, b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sb_puts(sb *b, const char *s) { sb_put(b, s, strlen(s)); }

void sb_printf(sb *b, const char *fmt, ...) {
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    sb_put(b, small, (size_t)n);
    return;
  }
  char *big = tm_malloc((size_t)n + 1);
  if (!big) {
    b->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_put(b, big, (size_t)n);
  tm_free(big);
}

void sb_html(sb *b, const char *s) {
  if (!s) return;
  const char *run = s;
  for (; *s; s++) {
    const char *rep = NULL;
    switch (*s) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default: continue;
    }
    sb_put(b, run, (size_t)(s - run));
    sb_puts(b, rep);
    run = s + 1;
  }
  sb_put(b, run, (size_t)(s - run));
}

void sb_json_str(sb *b, const char *s) {
  sb_puts(b, "\"");
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') sb_printf(b, "\\%c", c);
    else if (c < 0x20 || c == '<' || c == '>' || c == '&') sb_printf(b, "\\u%04x", c);
    else sb_put(b, (const char *)&c, 1);
  }
  sb_puts(b, "\"");
}

void sb_free(sb *b) {
  tm_free(b->s);
  memset(b, 0, sizeof *b);
}

void rp_cell_text(const tm_table *t, size_t row, size_t col, char *buf, size_t n) {
  if (tm_table_is_null(t, row, col)) {
    buf[0] = 0;
    return;
  }
  switch (tm_table_col_type(t, col)) {
  case TM_COL_STR: snprintf(buf, n, "%s", tm_table_get_str(t, row, col)); break;
  case TM_COL_INT: snprintf(buf, n, "%lld", (long long)tm_table_get_int(t, row, col)); break;
  case TM_COL_SHARE: snprintf(buf, n, "%.1f%%", 100.0 * tm_table_get_real(t, row, col)); break;
  default: {
    double v = tm_table_get_real(t, row, col);
    if (fabs(v) >= 100 || v == floor(v)) snprintf(buf, n, "%.2f", v);
    else snprintf(buf, n, "%.4g", v);
  }
  }
}

/* The raw value (full precision) for sorting and the CSV. */
static void cell_raw(const tm_table *t, size_t row, size_t col, char *buf, size_t n) {
  if (tm_table_is_null(t, row, col)) buf[0] = 0;
  else if (tm_table_col_type(t, col) == TM_COL_STR) snprintf(buf, n, "%s", tm_table_get_str(t, row, col));
  else if (tm_table_col_type(t, col) == TM_COL_INT) snprintf(buf, n, "%lld", (long long)tm_table_get_int(t, row, col));
  else snprintf(buf, n, "%.10g", tm_table_get_real(t, row, col));
}

void rp_table(sb *b, const tm_table *t, size_t max_rows) {
  size_t rows = tm_table_rows(t), cols = tm_table_cols(t), shown = max_rows && rows > max_rows ? max_rows : rows;
  char buf[1024];
  sb_puts(b, "<details class=\"data\"><summary>Data: ");
  sb_html(b, tm_table_title(t));
  sb_printf(b, " (%zu rows)</summary>\n<div class=\"tools\"><input type=\"search\" placeholder=\"Filter rows\" "
               "aria-label=\"Filter rows\" class=\"tfilter\"> <button type=\"button\" class=\"csv\" data-file=\"",
            rows);
  sb_html(b, tm_table_name(t));
  sb_puts(b, ".csv\">Download CSV</button></div>\n<div class=\"scroll\"><table class=\"sortable\" data-table=\"");
  sb_html(b, tm_table_name(t));
  sb_puts(b, "\"><thead><tr>");
  for (size_t c = 0; c < cols; c++) {
    sb_printf(b, "<th class=\"%s\">", tm_table_col_type(t, c) == TM_COL_STR ? "s" : "n");
    sb_html(b, tm_table_col_name(t, c));
    sb_puts(b, "</th>");
  }
  sb_puts(b, "</tr></thead><tbody>\n");
  for (size_t r = 0; r < shown; r++) {
    sb_puts(b, "<tr>");
    for (size_t c = 0; c < cols; c++) {
      if (tm_table_col_type(t, c) == TM_COL_STR) {
        sb_puts(b, "<td>");
      } else {
        cell_raw(t, r, c, buf, sizeof buf);
        sb_puts(b, "<td class=\"n\" data-v=\"");
        sb_html(b, buf);
        sb_puts(b, "\">");
      }
      rp_cell_text(t, r, c, buf, sizeof buf);
      sb_html(b, buf);
      sb_puts(b, "</td>");
    }
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, "</tbody></table></div>");
  if (shown < rows) sb_printf(b, "<p class=\"note\">First %zu of %zu rows shown.</p>", shown, rows);
  sb_puts(b, "</details>\n");
}
