/*
 * segment_rules.c — segments by declarative rules over what is known of each
 * customer: CRM attributes (demographic, geographic, psychographic,
 * firmographic) and behaviour (technographic, value, behavioural). Each kind
 * is a function from a customer to a label; the rest is shared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "core/hashmap.h"
#include "store/dataset.h"
#include "mine/features.h"
#include "mine/persona.h"
#include "mine/segment_store.h"

typedef struct ctx {
  const tm_dataset *ds;
  uint16_t purchase;
  int64_t *cents;    /* per customer: net spend */
  int64_t *orders;   /* per customer */
  uint8_t *decile;   /* value: 1 (top) .. 10 */
  bool clv;          /* value: deciles of CLV (else of net spend) */
  uint32_t *theme;   /* needs: per customer a code in themes, or UINT32_MAX */
  tm_dict themes;
} ctx;

static const char *attr_or(const tm_dataset *ds, size_t c, const char *key, const char *fallback) {
  const char *v = tm_dataset_attr(ds, c, key);
  return v && *v ? v : fallback;
}

static void label(const ctx *x, const char *kind, size_t c, char *out, size_t n) {
  const tm_dataset *ds = x->ds;
  if (!strcmp(kind, "demographic")) {
    snprintf(out, n, "%s %s", attr_or(ds, c, "gender", "unknown"), attr_or(ds, c, "age_band", "age unknown"));
  } else if (!strcmp(kind, "geographic")) {
    snprintf(out, n, "%s", attr_or(ds, c, "region", attr_or(ds, c, "country", "unknown")));
  } else if (!strcmp(kind, "psychographic")) {
    snprintf(out, n, "%s", attr_or(ds, c, "lifestyle", "unknown"));
  } else if (!strcmp(kind, "firmographic")) {
    const char *acct = tm_dataset_attr(ds, c, "account_type");
    if (acct && !strcasecmp(acct, "B2B"))
      snprintf(out, n, "%s, %s", attr_or(ds, c, "industry", "industry unknown"),
               attr_or(ds, c, "company_size", "size unknown"));
    else
      snprintf(out, n, "consumer");
  } else if (!strcmp(kind, "technographic")) {
    size_t nd = ds->devices.count, best = 0;
    uint32_t counts[64] = {0};
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++)
      if (ds->device[i] && ds->device[i] < nd && ds->device[i] < 64) counts[ds->device[i]]++;
    for (size_t k = 1; k < nd && k < 64; k++)
      if (counts[k] > counts[best]) best = k;
    snprintf(out, n, "%s", best && counts[best] ? ds->devices.name[best] : "no device seen");
  } else if (!strcmp(kind, "value")) {
    if (x->decile[c]) snprintf(out, n, "decile %02d%s", x->decile[c], x->decile[c] == 1 ? " (top)" : "");
    else snprintf(out, n, x->clv ? "no CLV" : "no purchases");
  } else if (!strcmp(kind, "needs")) {
    snprintf(out, n, "%s", x->theme[c] != UINT32_MAX ? tm_dict_str(&x->themes, x->theme[c]) : "no feedback themes");
  } else { /* behavioural */
    if (!x->orders[c]) {
      snprintf(out, n, "no purchases");
      return;
    }
    size_t nch = ds->channels.count, best = 0;
    uint32_t counts[64] = {0};
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++)
      if (ds->type[i] == x->purchase && ds->channel[i] < nch && ds->channel[i] < 64) counts[ds->channel[i]]++;
    for (size_t k = 1; k < nch && k < 64; k++)
      if (counts[k] > counts[best]) best = k;
    int64_t o = x->orders[c];
    snprintf(out, n, "%s, %s", best ? ds->channels.name[best] : "unknown",
             o == 1 ? "1 order" : o <= 4 ? "2-4 orders" : "5+ orders");
  }
}

static const char *const kinds[] = {"demographic", "geographic", "psychographic", "firmographic",
                                    "technographic", "value", "behavioural", "needs"};

typedef struct vrow {
  double cents; /* or CLV */
  uint32_t c;
  const tm_dataset *ds;
} vrow;

static int by_value(const void *a, const void *b) {
  const vrow *x = a, *y = b;
  if (x->cents != y->cents) return x->cents > y->cents ? -1 : 1;
  return strcmp(tm_dataset_key(x->ds, x->c), tm_dataset_key(y->ds, y->c));
}

/* customer id -> customer index, for results read back from the warehouse */
static int index_of_ids(const tm_dataset *ds, tm_u64map *m) {
  if (tm_u64map_init(m, ds->ncust + 1)) return TM_ENOMEM;
  for (size_t c = 0; c < ds->ncust; c++)
    if (tm_u64map_put(m, (uint64_t)ds->cust_id[c], c, NULL, NULL)) return TM_ENOMEM;
  return 0;
}

/* CLV of the latest clv run into vr (buyers of deciles); returns rows found. */
static size_t load_clv(tm_warehouse *wh, const tm_dataset *ds, vrow *vr, int *rc) {
  sqlite3_stmt *st;
  *rc = 0;
  if (!wh || sqlite3_prepare_v2(wh->db,
                                "SELECT customer_id, clv FROM clv_customer WHERE run_id = (SELECT max(id) FROM clv_runs) "
                                "AND clv IS NOT NULL",
                                -1, &st, NULL) != SQLITE_OK)
    return 0;
  tm_u64map m = {0};
  size_t n = 0;
  if (index_of_ids(ds, &m)) *rc = TM_ENOMEM;
  while (!*rc && sqlite3_step(st) == SQLITE_ROW) {
    uint64_t *c = tm_u64map_get(&m, (uint64_t)sqlite3_column_int64(st, 0));
    if (c) vr[n++] = (vrow){sqlite3_column_double(st, 1), (uint32_t)*c, ds};
  }
  tm_u64map_fini(&m);
  sqlite3_finalize(st);
  return n;
}

/* Each customer's theme with the most mentions (ties: the first by name);
 * returns customers with a theme. */
static size_t load_themes(tm_warehouse *wh, ctx *x, int *rc) {
  sqlite3_stmt *st;
  *rc = 0;
  if (!wh || sqlite3_prepare_v2(wh->db,
                                "SELECT customer_id, theme, mentions FROM text_customer_themes "
                                "WHERE mentions > 0 ORDER BY customer_id, mentions DESC, theme",
                                -1, &st, NULL) != SQLITE_OK)
    return 0;
  tm_u64map m = {0};
  size_t n = 0;
  if (index_of_ids(x->ds, &m)) *rc = TM_ENOMEM;
  while (!*rc && sqlite3_step(st) == SQLITE_ROW) {
    uint64_t *c = tm_u64map_get(&m, (uint64_t)sqlite3_column_int64(st, 0));
    const char *theme = (const char *)sqlite3_column_text(st, 1);
    if (!c || !theme || x->theme[*c] != UINT32_MAX) continue; /* the first row per customer is its top theme */
    if (tm_dict_intern(&x->themes, theme, strlen(theme), &x->theme[*c])) *rc = TM_ENOMEM;
    n++;
  }
  tm_u64map_fini(&m);
  sqlite3_finalize(st);
  return n;
}

static int save(tm_warehouse *wh, const tm_dataset *ds, const char *kind, const uint32_t *seg, tm_dict *labels,
                int64_t *run_id, tm_error *err) {
  seg_writer w;
  int rc = seg_writer_begin(&w, wh, kind, ds->as_of_ms, (int64_t)ds->ncust, err);
  if (rc) return rc;
  *run_id = w.run_id;
  for (size_t c = 0; c < ds->ncust && !rc; c++) rc = seg_writer_add(&w, ds->cust_id[c], tm_dict_str(labels, seg[c]), err);
  return seg_writer_end(&w, rc, err);
}

#define COL(t, name, type) (tm_table_add_col(t, name, type) < 0)

int seg_finish(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const char *kind, const uint32_t *seg,
               tm_dict *labels, const char *note_key, const char *note, tm_error *err) {
  size_t n = ds->ncust;
  uint16_t purchase = (uint16_t)tm_names_find(&ds->types, "purchase"), ret = (uint16_t)tm_names_find(&ds->types, "return");
  tm_doc *doc = NULL;
  tm_table *t = NULL, *a = NULL;
  tm_features f;
  int64_t run_id = 0, total = 0;
  size_t nl = labels->count;
  int64_t *cnt = tm_calloc(nl ? nl : 1, sizeof *cnt), *cents = tm_calloc(nl ? nl : 1, sizeof *cents);
  uint32_t *order = tm_malloc((nl ? nl : 1) * sizeof *order);
  const char **names = tm_malloc((nl ? nl : 1) * sizeof *names);
  int rc = tm_features_build(&f, ds, wh, err);
  if (rc) {
    tm_free(cnt), tm_free(cents), tm_free(order), tm_free(names);
    return rc;
  }
  if (!cnt || !cents || !order || !names) goto oom;
  if (wh && !wh->readonly && n && (rc = save(wh, ds, kind, seg, labels, &run_id, err))) goto fail;
  if (tm_doc_new(&doc, "touchmine segment") || tm_doc_set_str(doc, "kind", kind) ||
      tm_doc_set_int(doc, "customers", (int64_t)n) || tm_doc_set_int(doc, "run_id", run_id) ||
      (note_key && tm_doc_set_str(doc, note_key, note)))
    goto oom;
  if (tm_table_new(&t, "segments", "Segments") || tm_doc_add_table(doc, t)) goto oom;
  if (COL(t, "segment", TM_COL_STR) || COL(t, "customers", TM_COL_INT) || COL(t, "share", TM_COL_SHARE) ||
      COL(t, "revenue", TM_COL_REAL) || COL(t, "revenue_share", TM_COL_SHARE))
    goto oom;
  for (size_t c = 0; c < n; c++) {
    int64_t v = 0;
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++)
      if (ds->type[i] && (ds->type[i] == purchase || ds->type[i] == ret)) v += tm_cents(ds->amount[i]);
    cnt[seg[c]]++, cents[seg[c]] += v, total += v;
  }
  for (uint32_t l = 0; l < nl; l++) order[l] = l, names[l] = tm_dict_str(labels, l);
  /* labels in name order: deciles and bands read in order */
  for (size_t i = 1; i < nl; i++)
    for (size_t j = i; j > 0 && strcmp(names[order[j - 1]], names[order[j]]) > 0; j--) {
      uint32_t tmp = order[j];
      order[j] = order[j - 1];
      order[j - 1] = tmp;
    }
  for (size_t i = 0; i < nl; i++) {
    uint32_t l = order[i];
    if (tm_table_add_row(t) || tm_table_set_str(t, 0, names[l]) || tm_table_set_int(t, 1, cnt[l]) ||
        tm_table_set_real(t, 2, n ? (double)cnt[l] / (double)n : 0) || tm_table_set_real(t, 3, (double)cents[l] / 100.0) ||
        tm_table_set_real(t, 4, total ? (double)cents[l] / (double)total : 0))
      goto oom;
  }
  if ((rc = tm_personas(doc, wh, run_id, ds, &f, seg, nl, names, err))) goto fail;
  if (tm_table_new(&a, "assignments", "Customers and their segment") || tm_doc_add_table(doc, a)) goto oom;
  if (COL(a, "customer", TM_COL_STR) || COL(a, "segment", TM_COL_STR)) goto oom;
  for (size_t c = 0; c < n; c++)
    if (tm_table_add_row(a) || tm_table_set_str(a, 0, tm_dataset_key(ds, c)) || tm_table_set_str(a, 1, names[seg[c]]))
      goto oom;
  *out = doc;
  doc = NULL;
  rc = 0;
  goto done;
oom:
  rc = tm_error_nomem(err);
fail:
  tm_doc_free(doc);
done:
  tm_features_free(&f);
  tm_free(cnt), tm_free(cents), tm_free(order), tm_free(names);
  return rc;
}

int tm_segment_rules(tm_doc **out, const tm_dataset *ds, tm_warehouse *wh, const char *kind, tm_error *err) {
  bool known = false;
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) known |= !strcmp(kinds[i], kind);
  if (!known)
    return tm_error_set(err, TM_EINVAL,
                        "no segmentation '%s' (demographic, geographic, psychographic, firmographic, "
                        "technographic, value, behavioural, needs)",
                        kind);
  size_t n = ds->ncust;
  ctx x = {ds, (uint16_t)tm_names_find(&ds->types, "purchase"), NULL, NULL, NULL, false, NULL, {0}};
  uint16_t ret = (uint16_t)tm_names_find(&ds->types, "return");
  tm_dict labels;
  uint32_t *seg = tm_malloc((n ? n : 1) * sizeof *seg);
  vrow *vr = tm_malloc((n ? n : 1) * sizeof *vr);
  x.cents = tm_calloc(n ? n : 1, sizeof *x.cents);
  x.orders = tm_calloc(n ? n : 1, sizeof *x.orders);
  x.decile = tm_calloc(n ? n : 1, 1);
  x.theme = tm_malloc((n ? n : 1) * sizeof *x.theme);
  const char *note_key = NULL;
  char note[160] = "";
  int rc = tm_dict_init(&labels) ? TM_ENOMEM : 0;
  if (!rc && tm_dict_init(&x.themes)) {
    tm_dict_fini(&labels);
    rc = TM_ENOMEM;
  }
  if (rc || !seg || !vr || !x.cents || !x.orders || !x.decile || !x.theme) goto oom;
  for (size_t c = 0; c < n; c++) x.theme[c] = UINT32_MAX;
  size_t buyers = 0;
  for (size_t c = 0; c < n; c++) {
    for (size_t i = ds->off[c]; i < ds->off[c + 1]; i++) {
      if (!ds->type[i] || (ds->type[i] != x.purchase && ds->type[i] != ret)) continue;
      x.cents[c] += tm_cents(ds->amount[i]);
      x.orders[c] += ds->type[i] == x.purchase;
    }
    if (x.orders[c]) vr[buyers++] = (vrow){(double)x.cents[c], (uint32_t)c, ds};
  }
  if (!strcmp(kind, "value")) {
    size_t with_clv = load_clv(wh, ds, vr, &rc);
    if (rc) goto oom;
    x.clv = with_clv > 0;
    if (x.clv) buyers = with_clv;
    note_key = "value_basis";
    snprintf(note, sizeof note, "%s", x.clv ? "clv (deciles of clv_customer.clv of the latest CLV run)"
                                            : "net spend (no CLV yet: run touchmine clv for CLV deciles)");
  }
  if (!strcmp(kind, "needs")) {
    size_t with = load_themes(wh, &x, &rc);
    if (rc) goto oom;
    if (!with) {
      rc = tm_error_set(err, TM_EINVAL,
                        "--by needs groups customers by the themes of their feedback, and there are none yet: "
                        "run 'touchmine themes' first");
      goto fail;
    }
    note_key = "needs_basis";
    snprintf(note, sizeof note, "each customer's most mentioned feedback theme (text_customer_themes), %zu customers",
             with);
  }
  qsort(vr, buyers, sizeof *vr, by_value);
  for (size_t i = 0; i < buyers; i++) x.decile[vr[i].c] = (uint8_t)(1 + (10 * i) / buyers);
  char buf[256];
  for (size_t c = 0; c < n; c++) {
    label(&x, kind, c, buf, sizeof buf);
    if (tm_dict_intern(&labels, buf, strlen(buf), &seg[c])) goto oom;
  }
  rc = seg_finish(out, ds, wh, kind, seg, &labels, note_key, note, err);
  goto done;
oom:
  rc = tm_error_nomem(err);
fail:
done:
  if (x.theme) tm_dict_fini(&x.themes);
  tm_dict_fini(&labels);
  tm_free(seg), tm_free(vr), tm_free(x.cents), tm_free(x.orders), tm_free(x.decile), tm_free(x.theme);
  return rc;
}
