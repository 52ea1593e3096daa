/*
 * svg.c — charts drawn as inline SVG: bar, line (with an interval band), pie
 * (donut), heatmap and scatter. Every chart has a viewBox (it scales to the
 * page's width), a caption, axis titles with units, a legend where there is
 * more than one colour, and a <title> on each mark for the hover tooltip.
 * Colours are Okabe–Ito (qualitative) and viridis (sequential): both read
 * under the common colour-vision deficiencies.
 */
#include <math.h>
#include <stdio.h>

#include "report/report_int.h"

#define W 640.0

const char *rp_colour(size_t i) {
  static const char *const okabe_ito[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                          "#56B4E9", "#D55E00", "#F0E442", "#000000"};
  return okabe_ito[i % TM_ARRAY_LEN(okabe_ito)];
}

/* Compact number: 1234567 -> 1.23M; unit appended ("%" directly, others after a space
 * unless it is a currency sign). */
static void fmt_num(char *buf, size_t n, double v, const char *unit) {
  double a = fabs(v);
  char num[64];
  if (!isfinite(v)) snprintf(num, sizeof num, "–");
  else if (a >= 1e9) snprintf(num, sizeof num, "%.2fB", v / 1e9);
  else if (a >= 1e6) snprintf(num, sizeof num, "%.2fM", v / 1e6);
  else if (a >= 1e4) snprintf(num, sizeof num, "%.1fk", v / 1e3);
  else if (a >= 1 || v == 0) { /* up to 2 decimals, trailing zeros dropped */
    snprintf(num, sizeof num, "%.2f", v);
    char *e = num + strlen(num) - 1;
    while (*e == '0') *e-- = 0;
    if (*e == '.') *e = 0;
  } else snprintf(num, sizeof num, "%.3g", v);
  snprintf(buf, n, "%s%s%s", num, unit && *unit && strcmp(unit, "%") ? " " : "", unit ? unit : "");
}

static void open_figure(sb *b, const char *kind, const char *title, double h) {
  sb_printf(b, "<figure class=\"chart\"><figcaption>");
  sb_html(b, title);
  sb_printf(b, "</figcaption>\n<svg data-chart=\"%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", kind, W, h);
  sb_html(b, title);
  sb_puts(b, "\" preserveAspectRatio=\"xMidYMid meet\">\n");
}

static void close_figure(sb *b, const char *note) {
  sb_puts(b, "</svg>");
  if (note && *note) {
    sb_puts(b, "<p class=\"note\">");
    sb_html(b, note);
    sb_puts(b, "</p>");
  }
  sb_puts(b, "</figure>\n");
}

static void tip(sb *b, const char *label, double v, const char *unit) {
  char num[96];
  fmt_num(num, sizeof num, v, unit);
  sb_puts(b, "<title>");
  sb_html(b, label);
  sb_puts(b, ": ");
  sb_html(b, num);
  sb_puts(b, "</title>");
}

/* Text clipped to max characters (UTF-8 aware enough: never splits a sequence). */
static void label_text(sb *b, const char *s, size_t max) {
  size_t n = 0, i = 0;
  for (; s[i] && n < max; n++) {
    i++;
    while ((s[i] & 0xC0) == 0x80) i++;
  }
  char *cut = tm_strndup(s, i);
  if (!cut) {
    b->oom = 1;
    return;
  }
  sb_html(b, cut);
  if (s[i]) sb_puts(b, "…");
  tm_free(cut);
}

/* Axis ticks: a 1-2-5 step giving about k intervals over [lo, hi]. */
static double nice_step(double lo, double hi, int k) {
  double raw = (hi - lo) / k;
  if (!(raw > 0)) return 1;
  double mag = pow(10, floor(log10(raw))), f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void range_of(const double *v, size_t n, double *lo, double *hi) {
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i])) {
      if (v[i] < *lo) *lo = v[i];
      if (v[i] > *hi) *hi = v[i];
    }
}

/* ---------------------------------------------------------------------- bar */

void svg_bar(sb *b, const char *title, const char *axis, const char *unit, size_t n, const char *const *labels,
             const double *v) {
  const double row = 24, left = 170, right = 80, top = 10;
  double h = top + (double)(n ? n : 1) * row + 44, lo = 0, hi = 0;
  range_of(v, n, &lo, &hi);
  if (hi <= lo) hi = lo + 1;
  double span = W - left - right, scale = span / (hi - lo), zero = left - lo * scale;
  open_figure(b, "bar", title, h);
  double step = nice_step(lo, hi, 4);
  for (double t = ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    double x = zero + t * scale;
    char num[64];
    fmt_num(num, sizeof num, t, "");
    sb_printf(b, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\"/>", x, x, top,
              top + (double)n * row);
    sb_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n", x,
              top + (double)n * row + 14, num);
  }
  for (size_t i = 0; i < n; i++) {
    double y = top + (double)i * row, val = isfinite(v[i]) ? v[i] : 0;
    double x0 = val >= 0 ? zero : zero + val * scale, w = fabs(val) * scale;
    sb_printf(b, "<text class=\"lbl\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + row * 0.65);
    label_text(b, labels[i], 24);
    sb_printf(b, "</text><rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x0,
              y + 3, w < 0.5 ? 0.5 : w, row - 6, rp_colour(0));
    tip(b, labels[i], v[i], unit);
    char num[96];
    fmt_num(num, sizeof num, v[i], unit);
    sb_printf(b, "</rect><text class=\"val\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", x0 + w + 4, y + row * 0.65, num);
  }
  sb_printf(b, "<text class=\"axis\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", left + span / 2, h - 8);
  sb_html(b, axis);
  sb_puts(b, "</text>\n");
  close_figure(b, NULL);
}

/* --------------------------------------------------------------------- line */

void svg_line(sb *b, const char *title, const char *axis, const char *unit, size_t n, const char *const *x,
              size_t ns, const rp_series *s, const double *lo_band, const double *hi_band) {
  const double left = 64, right = 30, top = 34, bottom = 52, h = 300;
  double lo = 0, hi = 0;
  for (size_t k = 0; k < ns; k++) range_of(s[k].v, n, &lo, &hi);
  if (lo_band) range_of(lo_band, n, &lo, &hi);
  if (hi_band) range_of(hi_band, n, &lo, &hi);
  double step = nice_step(lo, hi, 5);
  lo = floor(lo / step) * step, hi = ceil(hi / step) * step;
  if (hi <= lo) hi = lo + 1;
  double pw = W - left - right, ph = h - top - bottom;
#define PX(i) (left + (n > 1 ? pw * (double)(i) / (double)(n - 1) : pw / 2))
#define PY(v) (top + ph - ((v) - lo) / (hi - lo) * ph)
  open_figure(b, "line", title, h);
  for (double t = lo; t <= hi + step * 1e-9; t += step) {
    char num[64];
    fmt_num(num, sizeof num, t, "");
    sb_printf(b, "<line class=\"grid\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>", left, W - right, PY(t), PY(t));
    sb_printf(b, "<text class=\"tick\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 6, PY(t) + 4, num);
  }
  size_t every = n > 12 ? (n + 11) / 12 : 1;
  for (size_t i = 0; i < n; i += every) {
    sb_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", PX(i), top + ph + 16);
    label_text(b, x[i], 10);
    sb_puts(b, "</text>");
  }
  if (lo_band && hi_band) { /* the interval: hi left to right, then lo back */
    sb_puts(b, "<path class=\"band mark\" d=\"");
    int first = 1;
    for (size_t i = 0; i < n; i++)
      if (isfinite(hi_band[i])) sb_printf(b, "%s%.1f %.1f", first ? "M" : " L", PX(i), PY(hi_band[i])), first = 0;
    for (size_t i = n; i-- > 0;)
      if (isfinite(lo_band[i])) sb_printf(b, "%s%.1f %.1f", first ? "M" : " L", PX(i), PY(lo_band[i])), first = 0;
    sb_printf(b, " Z\" fill=\"%s\" fill-opacity=\"0.2\"><title>95%% interval</title></path>\n", rp_colour(1));
  }
  for (size_t k = 0; k < ns; k++) {
    sb_printf(b, "<path class=\"mark\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"%s d=\"", rp_colour(k),
              k == 1 ? " stroke-dasharray=\"6 3\"" : "");
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
      if (!isfinite(s[k].v[i])) {
        pen = 0;
        continue;
      }
      sb_printf(b, "%s%.1f %.1f", pen ? " L" : " M", PX(i), PY(s[k].v[i]));
      pen = 1;
    }
    sb_puts(b, "\"/>\n");
    if (n <= 120)
      for (size_t i = 0; i < n; i++) {
        if (!isfinite(s[k].v[i])) continue;
        char lab[256];
        snprintf(lab, sizeof lab, "%s, %s", s[k].name, x[i]);
        sb_printf(b, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">", PX(i), PY(s[k].v[i]),
                  rp_colour(k));
        tip(b, lab, s[k].v[i], unit);
        sb_puts(b, "</circle>");
      }
  }
  /* legend */
  double lx = left;
  for (size_t k = 0; k < ns; k++) {
    sb_printf(b, "<rect x=\"%.0f\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/><text class=\"lbl\" x=\"%.0f\" y=\"18\">",
              lx, rp_colour(k), lx + 16);
    label_text(b, s[k].name, 20);
    sb_puts(b, "</text>");
    lx += 30 + 7.0 * (double)(strlen(s[k].name) < 20 ? strlen(s[k].name) : 20);
  }
  if (lo_band && hi_band)
    sb_printf(b, "<rect x=\"%.0f\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"0.3\"/><text "
                 "class=\"lbl\" x=\"%.0f\" y=\"18\">95%% interval</text>",
              lx, rp_colour(1), lx + 16);
  sb_printf(b, "\n<text class=\"axis\" transform=\"translate(14 %.0f) rotate(-90)\" text-anchor=\"middle\">", top + ph / 2);
  sb_html(b, axis);
  sb_puts(b, "</text>\n");
#undef PX
#undef PY
  close_figure(b, NULL);
}

/* ---------------------------------------------------------------------- pie */

void svg_pie(sb *b, const char *title, const char *unit, size_t n, const char *const *labels, const double *v) {
  /* Positive values only, largest first; beyond 6 slices the rest is "other". */
  size_t *ord = tm_calloc(n + 1, sizeof *ord), k = 0;
  if (!ord) {
    b->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i]) && v[i] > 0) {
      size_t j = k++;
      while (j > 0 && v[ord[j - 1]] < v[i]) ord[j] = ord[j - 1], j--;
      ord[j] = i;
    }
  size_t m = k > 7 ? 6 : k;
  double other = 0, total = 0;
  for (size_t i = 0; i < k; i++) {
    total += v[ord[i]];
    if (i >= m) other += v[ord[i]];
  }
  double h = 260, cx = 130, cy = 130, r = 110, r0 = 62;
  open_figure(b, "pie", title, h);
  double a = -M_PI / 2;
  size_t slices = m + (other > 0);
  for (size_t i = 0; i < slices && total > 0; i++) {
    double val = i < m ? v[ord[i]] : other;
    const char *lab = i < m ? labels[ord[i]] : "other";
    double frac = val / total, a2 = a + frac * 2 * M_PI;
    if (frac >= 0.9999) a2 = a + 2 * M_PI - 1e-4;
    int large = frac > 0.5;
    sb_printf(b,
              "<path class=\"mark\" fill=\"%s\" d=\"M%.2f %.2f A%.0f %.0f 0 %d 1 %.2f %.2f L%.2f %.2f A%.0f %.0f 0 %d 0 "
              "%.2f %.2f Z\">",
              rp_colour(i), cx + r * cos(a), cy + r * sin(a), r, r, large, cx + r * cos(a2), cy + r * sin(a2),
              cx + r0 * cos(a2), cy + r0 * sin(a2), r0, r0, large, cx + r0 * cos(a), cy + r0 * sin(a));
    char lab2[256], num[96];
    fmt_num(num, sizeof num, val, unit);
    snprintf(lab2, sizeof lab2, "%s (%.1f%%)", lab, 100 * frac);
    tip(b, lab2, val, unit);
    sb_puts(b, "</path>\n");
    double ly = 24 + (double)i * 30;
    sb_printf(b, "<rect x=\"290\" y=\"%.0f\" width=\"14\" height=\"14\" fill=\"%s\"/><text class=\"lbl\" x=\"312\" y=\"%.0f\">",
              ly, rp_colour(i), ly + 12);
    label_text(b, lab, 22);
    sb_printf(b, "</text><text class=\"val\" x=\"630\" y=\"%.0f\" text-anchor=\"end\">%.1f%% · %s</text>\n", ly + 12,
              100 * frac, num);
    a = a2;
  }
  char num[96];
  fmt_num(num, sizeof num, total, unit);
  sb_printf(b, "<text class=\"big\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>", cx, cy + 6, num);
  sb_printf(b, "<text class=\"tick\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">total</text>\n", cx, cy + 22);
  if (total <= 0) /* nothing to share out: an empty ring, so the chart still reads */
    sb_printf(b, "<circle class=\"mark\" cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" stroke=\"#ccc\" stroke-width=\"%.0f\"><title>no values</title></circle>",
              cx, cy, (r + r0) / 2, r - r0);
  tm_free(ord);
  close_figure(b, NULL);
}

/* ------------------------------------------------------------------ heatmap */

/* viridis, three stops: good in grey and for the colour-blind. */
static void viridis(double t, char out[8]) {
  static const double stop[3][3] = {{68, 1, 84}, {33, 145, 140}, {253, 231, 37}};
  if (!(t >= 0)) t = 0;
  if (t > 1) t = 1;
  t = 1 - t; /* high values dark */
  int k = t < 0.5 ? 0 : 1;
  double f = t < 0.5 ? t * 2 : (t - 0.5) * 2;
  int c[3];
  for (int j = 0; j < 3; j++) c[j] = (int)lround(stop[k][j] + (stop[k + 1][j] - stop[k][j]) * f);
  snprintf(out, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

void svg_heatmap(sb *b, const char *title, const char *xaxis, const char *yaxis, size_t nr,
                 const char *const *rows, size_t nc, const char *const *cols, const double *v, int share) {
  const double left = 96, top = 40, right = 10;
  double cw = nc ? (W - left - right) / (double)nc : 1, ch = 22;
  double h = top + (double)(nr ? nr : 1) * ch + 44, lo = INFINITY, hi = -INFINITY;
  range_of(v, nr * nc, &lo, &hi);
  if (!(hi > lo)) lo = 0, hi = hi > 0 ? hi : 1;
  const char *unit = share ? "%" : "";
  open_figure(b, "heatmap", title, h);
  size_t every = nc > 24 ? (nc + 23) / 24 : 1;
  for (size_t j = 0; j < nc; j += every) {
    sb_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", left + cw * ((double)j + 0.5), top - 6);
    label_text(b, cols[j], cw * (double)every / 7 > 4 ? (size_t)(cw * (double)every / 7) : 4);
    sb_puts(b, "</text>");
  }
  for (size_t i = 0; i < nr; i++) {
    double y = top + (double)i * ch;
    sb_printf(b, "<text class=\"tick\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + ch * 0.68);
    label_text(b, rows[i], 12);
    sb_puts(b, "</text>");
    for (size_t j = 0; j < nc; j++) {
      double val = v[i * nc + j];
      if (!isfinite(val)) continue;
      char col[8];
      viridis((val - lo) / (hi - lo), col);
      sb_printf(b, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
                left + cw * (double)j, y, cw - 1, ch - 1, col);
      char lab[256];
      snprintf(lab, sizeof lab, "%s, %s", rows[i], cols[j]);
      tip(b, lab, share ? 100 * val : val, unit);
      sb_puts(b, "</rect>");
      if (cw >= 30) {
        char num[64];
        fmt_num(num, sizeof num, share ? 100 * val : val, "");
        sb_printf(b, "<text class=\"cell\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%s</text>",
                  left + cw * ((double)j + 0.5), y + ch * 0.68, (val - lo) / (hi - lo) > 0.45 ? "#fff" : "#000", num);
      }
    }
    sb_puts(b, "\n");
  }
  /* legend: the colour ramp with its ends */
  double ly = h - 26;
  for (int k = 0; k < 20; k++) {
    char col[8];
    viridis(k / 19.0, col);
    sb_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"8\" height=\"10\" fill=\"%s\"/>", W - 230 + k * 8.0, ly, col);
  }
  char a[64], z[64];
  fmt_num(a, sizeof a, share ? 100 * lo : lo, unit);
  fmt_num(z, sizeof z, share ? 100 * hi : hi, unit);
  sb_printf(b, "<text class=\"tick\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s</text>", W - 234, ly + 9, a);
  sb_printf(b, "<text class=\"tick\" x=\"%.0f\" y=\"%.0f\">%s</text>\n", W - 66, ly + 9, z);
  sb_printf(b, "<text class=\"axis\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", left + (W - left) / 2 - 100, h - 16);
  sb_html(b, xaxis);
  sb_printf(b, "</text><text class=\"axis\" x=\"4\" y=\"%.0f\">", top - 6);
  sb_html(b, yaxis);
  sb_puts(b, "</text>\n");
  close_figure(b, NULL);
}

/* ------------------------------------------------------------------ scatter */

#define BIN_X 40
#define BIN_Y 30
#define MAX_POINTS 1500

void svg_scatter(sb *b, const char *title, const char *xaxis, const char *yaxis, size_t n, const double *x,
                 const double *y) {
  const double left = 64, right = 16, top = 16, bottom = 48, h = 320;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  range_of(x, n, &x0, &x1);
  range_of(y, n, &y0, &y1);
  if (!(x1 > x0)) x0 = isfinite(x0) ? x0 - 1 : 0, x1 = x0 + 2;
  if (!(y1 > y0)) y0 = isfinite(y0) ? y0 - 1 : 0, y1 = y0 + 2;
  double xs = nice_step(x0, x1, 5), ys = nice_step(y0, y1, 5);
  x0 = floor(x0 / xs) * xs, x1 = ceil(x1 / xs) * xs, y0 = floor(y0 / ys) * ys, y1 = ceil(y1 / ys) * ys;
  double pw = W - left - right, ph = h - top - bottom;
#define SX(v) (left + ((v) - x0) / (x1 - x0) * pw)
#define SY(v) (top + ph - ((v) - y0) / (y1 - y0) * ph)
  open_figure(b, "scatter", title, h);
  for (double t = x0; t <= x1 + xs * 1e-9; t += xs) {
    char num[64];
    fmt_num(num, sizeof num, t, "");
    sb_printf(b, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\"/><text class=\"tick\" x=\"%.1f\" "
                 "y=\"%.0f\" text-anchor=\"middle\">%s</text>",
              SX(t), SX(t), top, top + ph, SX(t), top + ph + 16, num);
  }
  for (double t = y0; t <= y1 + ys * 1e-9; t += ys) {
    char num[64];
    fmt_num(num, sizeof num, t, "");
    sb_printf(b, "<line class=\"grid\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" x=\"%.0f\" "
                 "y=\"%.1f\" text-anchor=\"end\">%s</text>",
              left, W - right, SY(t), SY(t), left - 6, SY(t) + 4, num);
  }
  sb_puts(b, "\n");
  char note[160] = "";
  if (n > MAX_POINTS) { /* binned: a point per occupied cell, darker with more customers */
    uint32_t *cnt = tm_calloc(BIN_X * BIN_Y, sizeof *cnt);
    if (!cnt) {
      b->oom = 1;
      return;
    }
    uint32_t most = 0;
    for (size_t i = 0; i < n; i++) {
      if (!isfinite(x[i]) || !isfinite(y[i])) continue;
      int bx = (int)((x[i] - x0) / (x1 - x0) * BIN_X), by = (int)((y[i] - y0) / (y1 - y0) * BIN_Y);
      bx = bx < 0 ? 0 : bx >= BIN_X ? BIN_X - 1 : bx;
      by = by < 0 ? 0 : by >= BIN_Y ? BIN_Y - 1 : by;
      if (++cnt[by * BIN_X + bx] > most) most = cnt[by * BIN_X + bx];
    }
    double bw = pw / BIN_X, bh = ph / BIN_Y;
    for (int by = 0; by < BIN_Y; by++)
      for (int bx = 0; bx < BIN_X; bx++) {
        uint32_t c = cnt[by * BIN_X + bx];
        if (!c) continue;
        double op = 0.15 + 0.85 * log1p(c) / log1p(most);
        sb_printf(b, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                     "fill-opacity=\"%.2f\"><title>%u customers</title></rect>",
                  left + bx * bw, top + ph - (by + 1) * bh, bw, bh, rp_colour(0), op, c);
      }
    tm_free(cnt);
    snprintf(note, sizeof note, "Binned: %zu points on a %dx%d grid; darker cells hold more.", n, BIN_X, BIN_Y);
  } else {
    for (size_t i = 0; i < n; i++) {
      if (!isfinite(x[i]) || !isfinite(y[i])) continue;
      sb_printf(b, "<circle class=\"mark\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" fill-opacity=\"0.6\"><title>(%.4g, "
                   "%.4g)</title></circle>",
                SX(x[i]), SY(y[i]), rp_colour(0), x[i], y[i]);
    }
  }
  sb_printf(b, "\n<text class=\"axis\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", left + pw / 2, h - 10);
  sb_html(b, xaxis);
  sb_printf(b, "</text><text class=\"axis\" transform=\"translate(14 %.0f) rotate(-90)\" text-anchor=\"middle\">", top + ph / 2);
  sb_html(b, yaxis);
  sb_puts(b, "</text>\n");
#undef SX
#undef SY
  close_figure(b, note);
}
