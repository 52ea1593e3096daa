/*
 * text.c — free texts with a known sentiment, for reviews, survey answers and
 * social posts, and short contact-centre summaries.
 *
 * A text is built for a target label from clauses of known polarity. The
 * forms are chosen to exercise what a lexicon scorer such as VADER (Hutto &
 * Gilbert 2014) handles and a bag of words gets wrong: negations that flip
 * ("not happy", "not bad at all", "no problem at all"), boosters ("really",
 * "absolutely"), "but" contrasts where the clause after "but" carries the
 * verdict, ALL CAPS, "!!!" and emoji. The score is a deterministic function
 * of the form: 0.55 for one clause, 0.70 for two agreeing clauses, 0.45 when
 * softened by a neutral clause or phrased as a negation, 0.35 for a contrast,
 * plus 0.12 per booster, 0.12 for capitals, 0.10 for "!!!", 0.04 for "!",
 * 0.08 for an emoji, capped at 1 and signed by the label; neutral texts score
 * 0. Placeholders: {i} an item, %A an adjective booster, %V a verb booster.
 */
#include "synth/synth_int.h"

const char *const sy_label_names[3] = {"positive", "neutral", "negative"};

static const char *const pos[] = {
    "%Vlove the {i}",
    "%Agreat quality",
    "delivery was %Aquick",
    "the staff were %Ahelpful",
    "it fits %Awell",
    "%Agood value for money",
    "would %Vrecommend",
    "%Ahappy with my order",
    "the {i} looks %Agood",
    "customer service sorted it %Afast",
    "arrived early and %Awell packed",
    "the {i} is %Acomfortable",
};
static const char *const pos_negated[] = {
    "not bad at all",
    "no problem at all with the delivery",
    "can't fault the {i}",
    "nothing to complain about",
    "never had an issue with the {i}",
    "not disappointed at all",
};
static const char *const neg[] = {
    "%Adisappointed with the {i}",
    "delivery was %Aslow",
    "the {i} broke after a week",
    "%Apoor quality",
    "customer service was %Aunhelpful",
    "waste of money",
    "the {i} arrived damaged",
    "still waiting for my refund",
    "the sizing is %Aoff",
    "%Aoverpriced for what it is",
};
static const char *const neg_negated[] = {
    "not happy with the {i}", "not worth the price",        "doesn't work as described",
    "not great quality",      "didn't like the {i} at all", "no help from customer service",
};
static const char *const neutral[] = {
    "bought the {i} as a gift",
    "arrived on {d}",
    "ordered online and collected in store",
    "it's a {i}",
    "same as the picture",
    "it's ok",
    "average, does the job",
    "comes in three colours",
    "the {i} is as described",
    "used it twice so far",
};
static const char *const questions[] = {
    "does the {i} come in other colours?",
    "when will the {i} be back in stock?",
    "is the {i} dishwasher safe?",
    "any discount codes this week?",
};
static const char *const boost_adj[] = {"really ", "so ", "super ", "extremely ", "incredibly "};
static const char *const boost_verb[] = {"really ", "absolutely ", "totally ", "definitely "};
static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
static const char *const emoji_pos[] = {"\xF0\x9F\x98\x8D", "\xF0\x9F\x91\x8D", "\xE2\x9D\xA4\xEF\xB8\x8F",
                                        "\xF0\x9F\x99\x82"};
static const char *const emoji_neg[] = {"\xF0\x9F\x98\xA1", "\xF0\x9F\x91\x8E", "\xF0\x9F\x98\x9E"};

#define PICK(r, a) (a)[tm_rng_below((r), TM_ARRAY_LEN(a))]

/* Appends a clause, expanding placeholders; returns boosters used. */
static int clause(tm_rng *r, sy_buf *b, const char *t, const char *item, double p_boost) {
  int boosts = 0;
  for (const char *s = t; *s; s++) {
    if (*s == '%' && (s[1] == 'A' || s[1] == 'V')) {
      if (tm_rng_bernoulli(r, p_boost)) {
        sy_puts(b, s[1] == 'A' ? PICK(r, boost_adj) : PICK(r, boost_verb));
        boosts++;
      }
      s++;
    } else if (*s == '{' && s[1] && s[2] == '}') {
      if (s[1] == 'i') {
        /* item names read in lower case inside a sentence, mostly */
        for (const char *q = item; *q; q++) {
          char ch = *q;
          if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
          sy_putc(b, ch);
        }
      } else {
        sy_puts(b, PICK(r, days));
      }
      s += 2;
    } else {
      sy_putc(b, *s);
    }
  }
  return boosts;
}

void sy_text_sentiment(tm_rng *r, sy_buf *out, int label, int context, const char *item, sy_sentiment *res) {
  char body[512];
  sy_buf b = SY_FIXED(body);
  if (!item) item = "item";
  double base = 0, extra = 0;
  int boosts = 0;
  bool question = false;
  if (label == SY_NEU) {
    double u = tm_rng_uniform(r);
    if (u < 0.6) {
      clause(r, &b, PICK(r, neutral), item, 0);
    } else if (u < 0.85) {
      clause(r, &b, PICK(r, neutral), item, 0);
      SY_LIT(&b, ", ");
      clause(r, &b, PICK(r, neutral), item, 0);
    } else {
      clause(r, &b, PICK(r, questions), item, 0);
      question = true;
    }
  } else {
    bool p = label == SY_POS;
    const char *const *same = p ? pos : neg, *const *other = p ? neg : pos;
    size_t nsame = p ? TM_ARRAY_LEN(pos) : TM_ARRAY_LEN(neg);
    size_t nother = p ? TM_ARRAY_LEN(neg) : TM_ARRAY_LEN(pos);
    double u = tm_rng_uniform(r);
    if (u < 0.40) {
      boosts += clause(r, &b, same[tm_rng_below(r, nsame)], item, 0.35);
      base = 0.55;
    } else if (u < 0.60) {
      boosts += clause(r, &b, same[tm_rng_below(r, nsame)], item, 0.35);
      sy_puts(&b, tm_rng_bernoulli(r, 0.5) ? " and " : ", ");
      boosts += clause(r, &b, same[tm_rng_below(r, nsame)], item, 0.35);
      base = 0.70;
    } else if (u < 0.75) {
      clause(r, &b, other[tm_rng_below(r, nother)], item, 0);
      SY_LIT(&b, " but ");
      boosts += clause(r, &b, same[tm_rng_below(r, nsame)], item, 0.35);
      base = 0.35;
    } else if (u < 0.90) {
      clause(r, &b, PICK(r, neutral), item, 0);
      SY_LIT(&b, ", ");
      boosts += clause(r, &b, same[tm_rng_below(r, nsame)], item, 0.35);
      base = 0.45;
    } else {
      clause(r, &b, p ? PICK(r, pos_negated) : PICK(r, neg_negated), item, 0);
      base = 0.45;
    }
    extra += 0.12 * (boosts > 2 ? 2 : boosts);
  }

  /* shape: capitals, punctuation, emoji, context */
  bool caps = label != SY_NEU && tm_rng_bernoulli(r, label == SY_NEG ? 0.10 : 0.05);
  double pu = tm_rng_uniform(r);
  const char *end = question ? "" : label == SY_NEU ? "." : pu < 0.12 ? "!!!" : pu < 0.32 ? "!" : ".";
  const char *emoji = NULL;
  if (label != SY_NEU && tm_rng_bernoulli(r, context == 2 ? 0.25 : 0.08))
    emoji = label == SY_POS ? PICK(r, emoji_pos) : PICK(r, emoji_neg);
  if (caps) extra += 0.12;
  if (!strcmp(end, "!!!"))
    extra += 0.10;
  else if (!strcmp(end, "!"))
    extra += 0.04;
  if (emoji) extra += 0.08;

  if (context == 2) SY_LIT(out, "@harbourfinch ");
  size_t start = out->len;
  sy_put(out, b.p, b.len);
  if (caps) {
    for (size_t i = start; i < out->len; i++)
      if (out->p[i] >= 'a' && out->p[i] <= 'z') out->p[i] = (char)(out->p[i] - 32);
  } else if (out->len > start && out->p[start] >= 'a' && out->p[start] <= 'z') {
    out->p[start] = (char)(out->p[start] - 32);
  }
  sy_puts(out, end);
  if (emoji) {
    sy_putc(out, ' ');
    sy_puts(out, emoji);
  }
  if (context == 2 && tm_rng_bernoulli(r, 0.4)) SY_LIT(out, " #harbourandfinch");

  res->label = label;
  double v = base + extra;
  if (v > 1.0) v = 1.0;
  res->score = label == SY_POS ? v : label == SY_NEG ? -v : 0.0;
}

static const char *const contact_texts[5][3] = {
    {"Customer chased {o}; courier delay, new delivery date given",
     "Where is my order {o}? Tracking link resent",
     "Parcel for {o} marked delivered but not received; investigation opened"},
    {"Refund for {o} not received yet; confirmed processed, 3-5 working days",
     "Asked when the refund for the returned {i} will arrive",
     "Partial refund query on {o}; difference explained"},
    {"Asked whether the {i} comes in other sizes", "Question about care instructions for the {i}",
     "Stock check for the {i} in the local store"},
    {"Complaint: {i} faulty, replacement arranged",
     "Unhappy with a staff member in store; escalated to the manager",
     "Complaint about late delivery of {o}; voucher offered"},
    {"Password reset requested", "Asked to update the email address on the account",
     "Loyalty points missing after a store visit; points added"},
};

void sy_text_contact(tm_rng *r, sy_buf *b, int reason, const char *order_id, const char *item) {
  const char *t = contact_texts[reason][tm_rng_below(r, 3)];
  for (const char *s = t; *s; s++) {
    if (*s == '{' && s[1] && s[2] == '}') {
      if (s[1] == 'o')
        sy_puts(b, order_id ? order_id : "their order");
      else
        sy_puts(b, item ? item : "item");
      s += 2;
    } else {
      sy_putc(b, *s);
    }
  }
}
