/*
 * persona.c — persona cards for segments. A segment's distinguishing features
 * are those whose mean (standardised) differs most from the rest of the
 * customers', in standard deviations; its name is built from the largest of
 * them and its dominant channel ("High-spend store shoppers").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/hashmap.h"

#include "mine/persona.h"

/* What a feature far above (hi) or below (lo) the others says of a segment. */
static const struct {
  const char *feature, *hi, *lo;
} phrases[] = {
    {"log_mean_order_value", "High-spend", "Low-spend"},
    {"log_orders", "Frequent", "Occasional"},
    {"email_open_rate", "Email-engaged", "Email-deaf"},
    {"email_click_rate", "Email-engaged", "Email-deaf"},
    {"discount_share", "Discount-driven", "Full-price"},
    {"return_rate", "Returns-heavy", "Keep-it"},
    {"log_support_contacts", "Support-heavy", "Self-reliant"},
    {"log_app_messages", "App-browsing", "App-shy"},
    {"log_web_messages", "Web-browsing", "Web-shy"},
};

static const char *phrase(const char *feature, double z) {
  for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
    if (!strcmp(phrases[i].feature, feature)) return z > 0 ? phrases[i].hi : phrases[i].lo;
  return NULL;
}

typedef struct ranked {
  size_t j;
  double z;
} ranked;

static int by_abs_desc(const void *a, const void *b) {
  double x = fabs(((const ranked *)a)->z), y = fabs(((const ranked *)b)->z);
  if (x != y) return x > y ? -1 : 1;
  return ((const ranked *)a)->j < ((const ranked *)b)->j ? -1 : 1;
}

/* The most frequent code among counts[1..n) (0 = none); ties to the lower code. */
static size_t top(const double *counts, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; i++)
    if (counts[i] > 0 && (!best || counts[i] > counts[best])) best = i;
  return best;
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

int tm_persona_table(tm_doc *doc, const tm_dataset *ds, const tm_features *f, const uint32_t *assign, int k) {
  size_t d = f->d, nch = ds->channels.count, nrg = ds->regions.count, nprod = ds->products.count;
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase");
  tm_table *t;
  if (tm_table_new(&t, "personas", "Personas: what sets each segment apart") || tm_doc_add_table(doc, t)) return TM_ENOMEM;
  if (COL(t, "segment", TM_COL_INT) || COL(t, "name", TM_COL_STR) || COL(t, "customers", TM_COL_INT) ||
      COL(t, "share", TM_COL_SHARE) || COL(t, "revenue_share", TM_COL_SHARE) || COL(t, "top_channel", TM_COL_STR) ||
      COL(t, "top_category", TM_COL_STR) || COL(t, "top_region", TM_COL_STR) || COL(t, "sets_apart", TM_COL_STR))
    return TM_ENOMEM;
  double *sum = tm_calloc(d, sizeof *sum), *rest = tm_calloc(d, sizeof *rest);
  double *ch = tm_calloc(nch ? nch : 1, sizeof *ch), *rg = tm_calloc(nrg ? nrg : 1, sizeof *rg);
  /* products' categories as small codes */
  tm_dict cats;
  uint32_t *cat_of = tm_calloc(nprod ? nprod : 1, sizeof *cat_of);
  int rc = tm_dict_init(&cats) ? TM_ENOMEM : 0;
  for (size_t p = 1; p < nprod && !rc && cat_of; p++) {
    const char *nm = ds->product_categories.name[p];
    if (nm && *nm && tm_dict_intern(&cats, nm, strlen(nm), &cat_of[p])) rc = TM_ENOMEM;
    else if (!nm || !*nm) cat_of[p] = UINT32_MAX;
  }
  double *cat = tm_calloc(cats.count ? cats.count : 1, sizeof *cat);
  ranked *rk = tm_malloc((d ? d : 1) * sizeof *rk);
  if (!sum || !rest || !ch || !rg || !cat || !rk || !cat_of) rc = TM_ENOMEM;
  double total_cents = 0;
  for (size_t r = 0; r < f->n && !rc; r++)
    for (size_t i = ds->off[f->cust[r]]; i < ds->off[f->cust[r] + 1]; i++)
      if (ds->type[i] == purchase && isfinite(ds->amount[i])) total_cents += ds->amount[i];
  for (int c = 0; c < k && !rc; c++) {
    double size = 0, money = 0;
    memset(sum, 0, d * sizeof *sum), memset(rest, 0, d * sizeof *rest);
    memset(ch, 0, (nch ? nch : 1) * sizeof *ch), memset(rg, 0, (nrg ? nrg : 1) * sizeof *rg);
    memset(cat, 0, (cats.count ? cats.count : 1) * sizeof *cat);
    for (size_t r = 0; r < f->n; r++) {
      const double *x = f->x + r * d;
      bool in = assign[r] == (uint32_t)c;
      for (size_t j = 0; j < d; j++) (in ? sum : rest)[j] += x[j];
      if (!in) continue;
      size++;
      for (size_t i = ds->off[f->cust[r]]; i < ds->off[f->cust[r] + 1]; i++) {
        if (ds->type[i] != purchase) continue;
        if (isfinite(ds->amount[i])) money += ds->amount[i];
        if (ds->channel[i] < nch) ch[ds->channel[i]]++;
        if (ds->region[i] < nrg) rg[ds->region[i]]++;
        for (uint32_t l = ds->line_off[i]; l < ds->line_off[i + 1]; l++)
          if (ds->line_product[l] < nprod && cat_of[ds->line_product[l]] != UINT32_MAX)
            cat[cat_of[ds->line_product[l]]] += ds->line_qty[l] * ds->line_price[l];
      }
    }
    size_t tc = 0;
    for (size_t q = 1; q < cats.count; q++)
      if (cat[q] > cat[tc]) tc = q;
    const char *top_cat = cats.count && cat[tc] > 0 ? tm_dict_str(&cats, (uint32_t)tc) : "";
    double others = (double)f->n - size;
    for (size_t j = 0; j < d; j++)
      rk[j] = (ranked){j, (size ? sum[j] / size : 0) - (others ? rest[j] / others : 0)};
    qsort(rk, d, sizeof *rk, by_abs_desc);
    char apart[256] = "", name[160] = "";
    size_t used = 0;
    for (size_t j = 0; j < d && j < 3; j++)
      used += (size_t)snprintf(apart + used, sizeof apart - TM_MIN(used, sizeof apart), "%s%s %+.1f sd", j ? ", " : "",
                               f->name[rk[j].j], rk[j].z);
    const char *adj = NULL;
    for (size_t j = 0; j < d && !adj; j++) adj = phrase(f->name[rk[j].j], rk[j].z);
    size_t tch = top(ch, nch);
    const char *chname = tch ? ds->channels.name[tch] : "multichannel";
    snprintf(name, sizeof name, "%s %s shoppers", adj ? adj : "Typical", chname);
    size_t trg = top(rg, nrg);
    if (tm_table_add_row(t) || tm_table_set_int(t, 0, c + 1) || tm_table_set_str(t, 1, name) ||
        tm_table_set_int(t, 2, (int64_t)size) || tm_table_set_real(t, 3, f->n ? size / (double)f->n : 0) ||
        tm_table_set_real(t, 4, total_cents ? money / total_cents : 0) || tm_table_set_str(t, 5, tch ? chname : "") ||
        tm_table_set_str(t, 6, top_cat) || tm_table_set_str(t, 7, trg ? ds->regions.name[trg] : "") ||
        tm_table_set_str(t, 8, apart))
      rc = TM_ENOMEM;
  }
  tm_free(sum), tm_free(rest), tm_free(ch), tm_free(rg), tm_free(cat), tm_free(rk), tm_free(cat_of);
  tm_dict_fini(&cats);
  return rc;
}
