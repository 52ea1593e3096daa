/*
 * labels.c — who is scored and what counts as the event, as of a cutoff.
 *
 * Leakage-free by construction: eligibility looks only at what happened
 * before the cutoff, the label only at the horizon after it.
 *  - churn: customers who bought before the cutoff (with activity_any: who
 *    did anything) and make no purchase (no touchpoint) in the horizon;
 *  - propensity: every customer seen before the cutoff; the event is a
 *    purchase in the horizon (of the category or product when one is given);
 *  - leads: known prospects — touchpoints before the cutoff, no purchase —
 *    and the event is their first purchase in the horizon.
 * Also the frame's allocation helpers, which every frame source shares.
 */
#include "predict/predict.h"

const char *pr_kind_name(pr_kind k) {
  return k == PR_CHURN ? "churn" : k == PR_PROPENSITY ? "propensity" : "leads";
}

bool pr_task_eligible(const pr_task *t, const pr_obs *o) {
  switch (t->kind) {
  case PR_CHURN: return t->activity_any ? o->events_before > 0 : o->orders_before > 0;
  case PR_PROPENSITY: return o->events_before > 0;
  case PR_LEADS: return o->events_before > 0 && o->orders_before == 0;
  }
  return false;
}

uint8_t pr_task_label(const pr_task *t, const pr_obs *o) {
  switch (t->kind) {
  case PR_CHURN: return t->activity_any ? o->events_after == 0 : o->orders_after == 0;
  case PR_PROPENSITY: return (t->category || t->product) ? o->matches_after > 0 : o->orders_after > 0;
  case PR_LEADS: return o->orders_after > 0;
  }
  return 0;
}

/* ------------------------------------------------------------- the frame */

void pr_frame_free(pr_frame *f) {
  tm_free(f->x);
  tm_free(f->y);
  tm_free(f->value);
  tm_free(f->name);
  tm_free(f->words);
  tm_free(f->cust_id);
  tm_free(f->id_buf);
  tm_free(f->id_off);
  memset(f, 0, sizeof *f);
}

int pr_frame_alloc(pr_frame *f, size_t n, size_t d, bool labelled, tm_error *err) {
  memset(f, 0, sizeof *f);
  f->n = n;
  f->d = d;
  f->x = tm_calloc(n * d > 0 ? n * d : 1, sizeof *f->x);
  f->y = labelled ? tm_calloc(n ? n : 1, 1) : NULL;
  f->name = tm_calloc(d ? d : 1, sizeof *f->name);
  f->words = tm_calloc(d ? d : 1, sizeof *f->words);
  f->id_off = tm_calloc(n ? n : 1, sizeof *f->id_off);
  if (!f->x || (labelled && !f->y) || !f->name || !f->words || !f->id_off) {
    pr_frame_free(f);
    return tm_error_nomem(err);
  }
  return 0;
}

int pr_frame_set_id(pr_frame *f, size_t i, const char *id, tm_error *err) {
  size_t len = strlen(id) + 1;
  if (TM_GROW(f->id_buf, f->id_cap, f->id_len + len)) return tm_error_nomem(err);
  memcpy(f->id_buf + f->id_len, id, len);
  f->id_off[i] = f->id_len;
  f->id_len += len;
  return 0;
}
