/*
 * reasons.c — a customer's top three reasons in plain words: the three
 * features that push the score up the most (logistic: coefficient x
 * standardised value; gbt: SHAP value), each with the customer's value and
 * the average, e.g. "days since the last purchase 142 (average 38)".
 */
#include <math.h>
#include <stdio.h>

#include "predict/predict.h"

static void fmt_value(char *out, size_t cap, const char *name, double v) {
  /* log1p-transformed counts and money are shown in their own units */
  if (!strncmp(name, "log_", 4)) v = expm1(v);
  if (fabs(v - round(v)) < 1e-9 || fabs(v) >= 100) snprintf(out, cap, "%.0f", v);
  else snprintf(out, cap, "%.2f", v);
}

void pr_reasons(char *out, size_t cap, const pr_frame *f, size_t row, const double *contrib, const double *mean) {
  size_t top[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
  const double *c = &contrib[row * f->d];
  for (size_t j = 0; j < f->d; j++) {
    if (!(c[j] > 1e-9)) continue;
    for (int k = 0; k < 3; k++)
      if (top[k] == SIZE_MAX || c[j] > c[top[k]]) {
        for (int m = 2; m > k; m--) top[m] = top[m - 1];
        top[k] = j;
        break;
      }
  }
  size_t len = 0;
  out[0] = 0;
  for (int k = 0; k < 3 && top[k] != SIZE_MAX && len < cap; k++) {
    size_t j = top[k];
    char v[32], avg[32];
    double x = f->x[row * f->d + j];
    fmt_value(v, sizeof v, f->name[j], x);
    fmt_value(avg, sizeof avg, f->name[j], mean[j]);
    bool flag = strchr(f->name[j], '=') != NULL; /* one-hot: "Contract is Month-to-month" */
    int w = flag ? snprintf(out + len, cap - len, "%s%s%s", k ? "; " : "", x > 0.5 ? "" : "not: ", f->words[j])
                 : snprintf(out + len, cap - len, "%s%s %s (average %s)", k ? "; " : "", f->words[j], v, avg);
    if (w < 0) break;
    len += (size_t)w;
  }
  if (len >= cap && cap) out[cap - 1] = 0;
}
