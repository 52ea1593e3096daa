/*
 * transactions.c — the transaction bag the rule miner reads: from a FIMI file
 * (one basket per line, item ids separated by spaces) or from one of three
 * views of the warehouse dataset:
 *   baskets      products per order (events with order lines, returns left out)
 *   categories   the product categories of each order
 *   touchpoints  per customer, "channel_type" items that fall in one window:
 *                a window opens at a customer's first event, and the first
 *                event at or after window_ms from its opening starts the next
 *                (tumbling windows), so each event is in exactly one basket.
 * The FIMI reader streams: there is no line buffer to overflow, and a line
 * with too many bytes or items, or an item that is not a whole number, is
 * TM_EFORMAT naming the file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "mine/rules_int.h"
#include "store/dataset.h"

int rl_bag_init(rl_bag *b) {
  memset(b, 0, sizeof *b);
  if (tm_dict_init(&b->names)) return TM_ENOMEM;
  if (TM_GROW(b->off, b->off_cap, 1)) return TM_ENOMEM;
  b->off[0] = 0;
  return 0;
}

void rl_bag_free(rl_bag *b) {
  if (!b) return;
  tm_free(b->off);
  tm_free(b->item);
  tm_dict_fini(&b->names);
  memset(b, 0, sizeof *b);
}

void rl_bag_drop_baskets(rl_bag *b) {
  tm_free(b->off);
  tm_free(b->item);
  b->off = NULL;
  b->item = NULL;
  b->off_cap = b->item_cap = b->top = 0;
}

int rl_bag_add(rl_bag *b, uint32_t item) {
  if (b->top + 1 > b->item_cap && TM_GROW(b->item, b->item_cap, b->top + 1)) return TM_ENOMEM;
  b->item[b->top++] = item;
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

int rl_bag_close(rl_bag *b) {
  size_t start = (size_t)b->off[b->n], len = b->top - start;
  uint32_t *it = b->item + start;
  if (len > 1) {
    if (len < 24) { /* insertion sort: most baskets are short */
      for (size_t i = 1; i < len; i++) {
        uint32_t v = it[i];
        size_t j = i;
        while (j && it[j - 1] > v) it[j] = it[j - 1], j--;
        it[j] = v;
      }
    } else {
      qsort(it, len, sizeof *it, cmp_u32);
    }
    size_t w = 1;
    for (size_t i = 1; i < len; i++)
      if (it[i] != it[w - 1]) it[w++] = it[i];
    b->top = start + w;
  }
  if (b->n + 2 > b->off_cap && TM_GROW(b->off, b->off_cap, b->n + 2)) return TM_ENOMEM;
  b->off[++b->n] = b->top;
  return 0;
}

/* ---------------------------------------------------------------- FIMI */

/* FIMI item ids map to dense ids: a direct table for ids below this, a hash
 * map above (ids are often dense and small). */
#define DIRECT_IDS (1u << 24)

typedef struct fimi_map {
  uint32_t *direct; /* id -> dense + 1 */
  size_t direct_cap;
  tm_u64map big;
} fimi_map;

static int fimi_item(rl_bag *b, fimi_map *m, uint64_t id, uint32_t *out) {
  char name[24];
  uint32_t dense;
  if (id < DIRECT_IDS) {
    if (id >= m->direct_cap) {
      size_t old = m->direct_cap, want = TM_MAX((size_t)id + 1, old * 2);
      if (want > DIRECT_IDS) want = DIRECT_IDS;
      uint32_t *p = tm_realloc(m->direct, want * sizeof *p);
      if (!p) return TM_ENOMEM;
      memset(p + old, 0, (want - old) * sizeof *p);
      m->direct = p;
      m->direct_cap = want;
    }
    if (m->direct[id]) return *out = m->direct[id] - 1, 0;
  } else {
    uint64_t *v = tm_u64map_get(&m->big, id + 1);
    if (v) return *out = (uint32_t)*v, 0;
  }
  int n = snprintf(name, sizeof name, "%llu", (unsigned long long)id);
  if (tm_dict_intern(&b->names, name, (size_t)n, &dense)) return TM_ENOMEM;
  if (id < DIRECT_IDS) {
    m->direct[id] = dense + 1;
  } else {
    uint64_t *slot;
    bool ins;
    if (tm_u64map_put(&m->big, id + 1, dense, &slot, &ins)) return TM_ENOMEM;
  }
  *out = dense;
  return 0;
}

int rl_bag_read_fimi(rl_bag *b, const char *path, tm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
  fimi_map m = {0};
  int rc = tm_u64map_init(&m.big, 16) ? TM_ENOMEM : 0;
  size_t bufsz = 1u << 20;
  unsigned char *buf = tm_malloc(bufsz);
  if (!buf) rc = TM_ENOMEM;
  uint64_t line = 1, id = 0, line_bytes = 0, items = 0;
  bool in_num = false;
  char tok[24];
  size_t toklen = 0;
  size_t got;
  while (!rc && (got = fread(buf, 1, bufsz, f)) > 0) {
    for (size_t i = 0; i < got && !rc; i++) {
      unsigned ch = buf[i];
      if (ch >= '0' && ch <= '9') {
        id = id * 10 + (ch - '0');
        if (toklen < sizeof tok - 1) tok[toklen++] = (char)ch;
        in_num = true;
        if (id > UINT32_MAX) {
          tok[toklen] = 0;
          rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: item %s... is too large (ids go up to %u)", path,
                            (unsigned long long)line, tok, UINT32_MAX);
        }
        if (++line_bytes > RL_FIMI_MAX_LINE) goto too_long;
        continue;
      }
      if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        if (in_num) {
          uint32_t dense;
          if (++items > RL_MAX_BASKET_ITEMS) {
            rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: more than %u items in one basket", path,
                              (unsigned long long)line, RL_MAX_BASKET_ITEMS);
            break;
          }
          if (fimi_item(b, &m, id, &dense) || rl_bag_add(b, dense)) rc = tm_error_nomem(err);
          in_num = false;
          id = 0;
          toklen = 0;
        }
        if (ch == '\n') {
          if (!items && !b->empty++) b->first_empty_line = line;
          if (!rc && rl_bag_close(b)) rc = tm_error_nomem(err);
          line++;
          line_bytes = items = 0;
        } else if (++line_bytes > RL_FIMI_MAX_LINE) {
          goto too_long;
        }
        continue;
      }
      /* Anything else: show the token it sits in (printable bytes only). */
      toklen = 0;
      for (size_t j = i; j < got && toklen < 16 && buf[j] != ' ' && buf[j] != '\n' && buf[j] != '\t'; j++)
        tok[toklen++] = buf[j] >= 0x20 && buf[j] < 0x7f ? (char)buf[j] : '?';
      tok[toklen] = 0;
      rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: item '%s' is not a whole number (FIMI items are ids 0, 1, 2 ...)",
                        path, (unsigned long long)line, tok);
      break;
    too_long:
      rc = tm_error_set(err, TM_EFORMAT, "%s:%llu: line longer than %u bytes", path, (unsigned long long)line,
                        RL_FIMI_MAX_LINE);
      break;
    }
  }
  if (!rc && ferror(f)) rc = tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
  if (!rc && (in_num || items)) { /* a last line without its newline */
    uint32_t dense;
    if ((in_num && (fimi_item(b, &m, id, &dense) || rl_bag_add(b, dense))) || rl_bag_close(b)) rc = tm_error_nomem(err);
  }
  if (!rc && b->n > UINT32_MAX) rc = tm_error_set(err, TM_EFORMAT, "%s: more than %u baskets", path, UINT32_MAX);
  fclose(f);
  tm_free(buf);
  tm_free(m.direct);
  tm_u64map_fini(&m.big);
  return rc;
}

/* ---------------------------------------------------------------- views */

static int intern(rl_bag *b, const char *s, uint32_t *id) {
  return tm_dict_intern(&b->names, s, strlen(s), id) ? TM_ENOMEM : 0;
}

/* Baskets or categories: one basket per event with order lines that is not a return. */
static int orders_view(rl_bag *b, const tm_dataset *ds, bool categories, tm_error *err) {
  uint32_t ret = tm_names_find(&ds->types, "return");
  const tm_names *nm = categories ? &ds->product_categories : &ds->products;
  uint32_t *map = tm_calloc(nm->count + 1, sizeof *map); /* product id -> item + 1 */
  if (!map) return tm_error_nomem(err);
  int rc = 0;
  for (size_t e = 0; e < ds->nev && !rc; e++) {
    uint32_t lo = ds->line_off[e], hi = ds->line_off[e + 1];
    if (lo == hi || (ret && ds->type[e] == ret)) continue;
    for (uint32_t l = lo; l < hi && !rc; l++) {
      uint32_t p = ds->line_product[l];
      if (p >= nm->count || !nm->name[p] || !nm->name[p][0]) continue;
      if (!map[p]) {
        uint32_t id;
        if (intern(b, nm->name[p], &id)) rc = TM_ENOMEM;
        map[p] = id + 1;
      }
      if (!rc) rc = rl_bag_add(b, map[p] - 1);
    }
    if (!rc) rc = rl_bag_close(b);
  }
  tm_free(map);
  return rc ? tm_error_nomem(err) : 0;
}

static int touchpoints_view(rl_bag *b, const tm_dataset *ds, int64_t window_ms, tm_error *err) {
  tm_u64map items; /* channel << 16 | type, + 1 -> item */
  if (tm_u64map_init(&items, 256)) return tm_error_nomem(err);
  int rc = 0;
  char name[256];
  for (size_t c = 0; c < ds->ncust && !rc; c++) {
    uint64_t lo = ds->off[c], hi = ds->off[c + 1];
    int64_t start = 0;
    for (uint64_t e = lo; e < hi && !rc; e++) {
      if (e == lo) start = ds->ts[e];
      else if (ds->ts[e] - start >= window_ms) {
        if ((rc = rl_bag_close(b))) break;
        start = ds->ts[e];
      }
      uint64_t key = ((uint64_t)ds->channel[e] << 16 | ds->type[e]) + 1, *v = tm_u64map_get(&items, key);
      uint32_t id;
      if (v) {
        id = (uint32_t)*v;
      } else {
        const char *ch = ds->channel[e] < ds->channels.count && ds->channels.name[ds->channel[e]]
                             ? ds->channels.name[ds->channel[e]] : "unknown";
        const char *ty = ds->type[e] < ds->types.count && ds->types.name[ds->type[e]] ? ds->types.name[ds->type[e]]
                                                                                      : "unknown";
        snprintf(name, sizeof name, "%s_%s", ch, ty);
        uint64_t *slot;
        bool ins;
        if ((rc = intern(b, name, &id)) || (rc = tm_u64map_put(&items, key, id, &slot, &ins))) break;
      }
      rc = rl_bag_add(b, id);
    }
    if (!rc && hi > lo) rc = rl_bag_close(b);
  }
  tm_u64map_fini(&items);
  return rc ? tm_error_nomem(err) : 0;
}

int rl_bag_from_view(rl_bag *b, const tm_dataset *ds, int view, int64_t window_ms, tm_error *err) {
  switch (view) {
  case TM_RULES_VIEW_BASKETS: return orders_view(b, ds, false, err);
  case TM_RULES_VIEW_CATEGORIES: return orders_view(b, ds, true, err);
  case TM_RULES_VIEW_TOUCHPOINTS:
    if (window_ms <= 0) return tm_error_set(err, TM_EINVAL, "the touchpoints view needs a window longer than 0");
    return touchpoints_view(b, ds, window_ms, err);
  default: return tm_error_set(err, TM_EINVAL, "unknown transaction view %d", view);
  }
}
