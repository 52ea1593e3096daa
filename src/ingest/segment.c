/*
 * segment.c — Segment-spec messages (identify, track, page, screen, group,
 * alias) onto canonical records, following the spec's common fields
 * (docs/config.md "format = segment"). Explicit mappings in the source win.
 */
#include <ctype.h>

#include "identity/graph.h"
#include "ingest/record.h"

/* First present of several paths. */
static rec_value first_of(const tm_jval *msg, const char *const *paths, size_t n) {
  for (size_t i = 0; i < n; i++) {
    rec_value v = record_json_get(msg, paths[i]);
    if (v.s) return v;
  }
  return (rec_value){NULL, 0, NULL};
}

#define FIRST_OF(msg, ...)                                                                         \
  first_of(msg, (const char *const[]){__VA_ARGS__},                                            \
           sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* "Order Completed" -> "order_completed". */
static rec_value snake_case(tm_record *r, rec_value v) {
  char buf[128];
  size_t n = 0;
  int gap = 0;
  for (size_t i = 0; i < v.n && n < sizeof buf - 1; i++) {
    unsigned char c = (unsigned char)v.s[i];
    if (isalnum(c) || c >= 0x80) {
      if (gap && n) buf[n++] = '_';
      gap = 0;
      buf[n++] = (char)(c < 0x80 ? tolower(c) : c);
    } else {
      gap = 1;
    }
  }
  const char *s = rec_keep(r, buf, n);
  return (rec_value){s, s ? n : 0, v.column};
}

void record_from_segment(tm_record *r, const source_cfg *src, const tm_jval *msg) {
  if (tm_jval_type(msg) != TM_JOBJ) {
    r->reject = "malformed event: not a JSON object";
    return;
  }
  rec_value type = record_json_get(msg, "type");
  if (!type.s) {
    /* a bare track body (no "type") is a track call when it names an event */
    if (tm_jval_get(msg, "event")) type = (rec_value){"track", 5, "type"};
    else {
      r->reject = "malformed event: no 'type' (identify, track, page, screen, group, alias)";
      return;
    }
  }
#define IS(t) (type.n == sizeof(t) - 1 && !memcmp(type.s, t, type.n))
  /* The de-duplication key: messageId with the call's type and event name, so a
   * retried message is one event while different calls that happen to share an
   * id (test fixtures do) are not. */
  rec_value mid = record_json_get(msg, "messageId");
  if (mid.s) {
    rec_value ev = record_json_get(msg, "event");
    char key[512];
    int n = snprintf(key, sizeof key, "%.*s\x1f%.*s\x1f%.*s", (int)TM_MIN(mid.n, 400), mid.s, (int)type.n,
                     type.s, ev.s ? (int)TM_MIN(ev.n, 80) : 0, ev.s ? ev.s : "");
    const char *kept = rec_keep(r, key, (size_t)n);
    if (kept) r->f[F_EVENT_ID] = (rec_value){kept, (size_t)n, "messageId"};
  }
  r->f[F_TIME] = FIRST_OF(msg, "timestamp", "originalTimestamp", "sentAt", "receivedAt");

  rec_value user = record_json_get(msg, "userId");
  rec_value anon = record_json_get(msg, "anonymousId");
  rec_add_id(r, src->segment_user_id, user.s, user.n, "userId");
  rec_add_id(r, "cookie", anon.s, anon.n, "anonymousId");
  rec_value email = FIRST_OF(msg, "traits.email", "context.traits.email");
  rec_value phone = FIRST_OF(msg, "traits.phone", "context.traits.phone");
  rec_add_id(r, "email", email.s, email.n, "traits.email");
  rec_add_id(r, "phone", phone.s, phone.n, "traits.phone");
  rec_value device = record_json_get(msg, "context.device.id");
  rec_add_id(r, "device", device.s, device.n, "context.device.id");
  r->rule = RULE_SAME_RECORD;

  if (IS("identify")) {
    r->no_event = true;
    r->rule = RULE_IDENTIFY;
    const tm_jval *traits = tm_jval_get(msg, "traits");
    for (size_t i = 0, n = tm_jval_count(traits); i < n && r->nattrs < REC_MAX_ATTRS; i++) {
      size_t klen;
      const char *key = tm_jval_key_at(traits, i, &klen);
      if (!key || !strcmp(key, "email") || !strcmp(key, "phone")) continue; /* identifiers, not attributes */
      rec_value v = {NULL, 0, "traits"};
      const tm_jval *val = tm_jval_at(traits, i);
      if (tm_jval_type(val) == TM_JSTR) v.s = tm_jval_str(val, &v.n);
      else if (tm_jval_type(val) == TM_JNUM) v.s = tm_jval_raw(val, &v.n);
      const char *kept = rec_keep(r, key, klen);
      if (v.s && v.n && kept) r->attrs[r->nattrs++] = (rec_attr){kept, v};
    }
  } else if (IS("alias")) {
    r->no_event = true;
    r->rule = RULE_ALIAS;
    rec_value prev = record_json_get(msg, "previousId");
    /* previousId is whatever identified the user before: a userId or an anonymousId */
    rec_add_id(r, "cookie", prev.s, prev.n, "previousId");
  } else if (IS("group")) {
    r->no_event = true;
    rec_value gid = record_json_get(msg, "groupId");
    if (gid.s && r->nattrs < REC_MAX_ATTRS) r->attrs[r->nattrs++] = (rec_attr){"group_id", gid};
  } else if (IS("track")) {
    r->f[F_TYPE] = snake_case(r, record_json_get(msg, "event"));
    r->f[F_AMOUNT] = FIRST_OF(msg, "properties.revenue", "properties.total", "properties.value");
    r->f[F_ORDER_ID] = record_json_get(msg, "properties.order_id");
    r->f[F_PRODUCT] = FIRST_OF(msg, "properties.product_id", "properties.sku");
    r->f[F_RATING] = record_json_get(msg, "properties.rating");
    r->f[F_TEXT] = record_json_get(msg, "properties.text");
  } else if (IS("page")) {
    r->f[F_TYPE] = (rec_value){"page_view", 9, "type"};
  } else if (IS("screen")) {
    r->f[F_TYPE] = (rec_value){"screen_view", 11, "type"};
  } else {
    snprintf(r->reject_buf, sizeof r->reject_buf, "malformed event: unknown type '%.40s'", type.s);
    r->reject = r->reject_buf;
    return;
  }
  r->f[F_CAMPAIGN] = record_json_get(msg, "context.campaign.name");
  r->f[F_DEVICE] = record_json_get(msg, "context.device.type");
  r->f[F_REGION] = FIRST_OF(msg, "context.location.region", "context.location.country");
  if (!src->deflt[F_CHANNEL]) {
    int app = IS("screen") || tm_jval_path(msg, "context.app") != NULL;
    r->f[F_CHANNEL] = app ? (rec_value){"app", 3, "context.app"} : (rec_value){"web", 3, "type"};
  }
#undef IS
  /* explicit mappings win over the spec's defaults */
  for (int f = 0; f < F_NFIELDS; f++)
    if (src->column[f]) {
      rec_value keep = r->f[f];
      r->f[f].s = NULL;
      record_json_field(r, f, msg, src->column[f]);
      if (!r->f[f].s) r->f[f] = keep;
    }
  for (size_t i = 0; i < src->nids; i++) {
    rec_value v = record_json_get(msg, src->ids[i].column);
    rec_add_id(r, src->ids[i].name, v.s, v.n, v.column);
  }
  for (size_t i = 0; i < src->nattrs && r->nattrs < REC_MAX_ATTRS; i++) {
    rec_value v = record_json_get(msg, src->attrs[i].column);
    if (v.s) r->attrs[r->nattrs++] = (rec_attr){src->attrs[i].name, v};
  }
}
