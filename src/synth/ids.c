/*
 * ids.c — people's identifiers, and the ways sources write them.
 *
 * Every identifier is unique by construction, not by luck: emails, phones,
 * cards and handles end in a number that is a bijection of the person's
 * index (an affine map modulo a power of ten), and cookies, device ids and
 * ad ids are UUIDs whose low 62 bits are a bijection of (person, slot). So
 * two people never share an identifier unless the plan says so (the store
 * default cards and the office phones of synth.c). Uniqueness of phones and
 * cards holds up to 10^8 people.
 *
 * Normalised forms (truth.json; the same rules as the ingest): email trimmed
 * and lower-cased; phone digits only (a person's phone is always the same
 * digits — national or international, chosen once — and only punctuation
 * varies between sources); everything else as written, trimmed.
 */
#include <stdio.h>

#include "synth/synth_int.h"

static const char *const adjectives[] = {
    "amber", "blue",  "bright", "calm",  "crisp",  "dusty",  "early", "golden", "happy",  "icy",   "jolly",
    "keen",  "lucky", "misty",  "noble", "olive",  "quiet",  "rapid", "silver", "sunny",  "swift", "tidy",
    "urban", "vivid", "wild",   "windy", "cosmic", "gentle", "lunar", "mellow", "nimble", "polar"};
static const char *const nouns[] = {"otter",  "fox",    "river",   "maple",  "harbour", "pebble",  "comet",
                                    "falcon", "meadow", "cedar",   "willow", "badger",  "lark",    "heron",
                                    "ember",  "orchid", "thistle", "puffin", "acorn",   "breeze",  "cloud",
                                    "dune",   "fern",   "glade",   "island", "kestrel", "lantern", "summit",
                                    "beacon", "coral",  "raven",   "tundra"};
#define NADJ ((int)TM_ARRAY_LEN(adjectives))
#define NNOUN ((int)TM_ARRAY_LEN(nouns))

static const char *const domains[] = {"example.com", "mail.example",       "inbox.example.org",
                                      "example.net", "post.example.co.uk", "web.example.eu"};
static const double domain_w[] = {0.25, 0.2, 0.15, 0.15, 0.15, 0.1};

const char *const sy_companies_a[] = {"Northgate",   "Blue Harbour", "Oakridge", "Silverline",
                                      "Riverside",   "Greenfield",   "Kingsway", "Highland",
                                      "Brightwater", "Redbrick",     "Meridian", "Ashford"};
const char *const sy_companies_b[] = {"Logistics", "Consulting", "Engineering", "Interiors",
                                      "Catering",  "Dental",     "Architects",  "Software",
                                      "Builders",  "Events",     "Studio",      "Veterinary"};
const char *const sy_industries[] = {"logistics",    "professional_services",
                                     "engineering",  "retail",
                                     "hospitality",  "healthcare",
                                     "construction", "technology",
                                     "construction", "hospitality",
                                     "creative",     "healthcare"};
const char *const sy_company_sizes[] = {"1-9", "10-49", "50-249", "250+"};
const int sy_ncompanies_a = (int)TM_ARRAY_LEN(sy_companies_a);
const int sy_ncompanies_b = (int)TM_ARRAY_LEN(sy_companies_b);
const int sy_nindustries = (int)TM_ARRAY_LEN(sy_industries);

/* Mobile numbers by country: national prefix, international prefix; the
 * person's 8 unique digits follow. */
static const struct {
  const char *country, *national, *intl;
  int cc_len;
  double p_intl;
} mobiles[] = {
    {"GB", "077", "4477", 2, 0.35},  {"IE", "08", "3538", 3, 0.5}, {"FR", "06", "336", 2, 0.6},
    {"DE", "0151", "49151", 2, 0.6}, {"NL", "06", "316", 2, 0.6},  {"ES", "6", "346", 2, 0.7},
};

static uint64_t sy_scramble(uint64_t x, uint64_t mod, uint64_t mul, uint64_t add) {
  /* mul is coprime with 10, so x -> (mul x + add) mod 10^k is a bijection */
  return (uint64_t)(((unsigned __int128)(x % mod) * mul + add) % mod);
}

void sy_person_id(const sy_world *w, char *out, char prefix, uint64_t idx) {
  char tmp[24];
  sy_buf b = SY_FIXED(tmp);
  sy_putc(&b, prefix);
  sy_u64w(&b, idx + 1, w->idw);
  tmp[b.len] = '\0';
  memcpy(out, tmp, b.len + 1);
}

void sy_company_name(sy_buf *b, int company) {
  sy_puts(b, sy_companies_a[company / sy_ncompanies_b]);
  sy_putc(b, ' ');
  sy_puts(b, sy_companies_b[company % sy_ncompanies_b]);
  SY_LIT(b, " Ltd");
}

static void company_slug(char *out, size_t cap, int company) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%s%s", sy_companies_a[company / sy_ncompanies_b],
           sy_companies_b[company % sy_ncompanies_b]);
  size_t o = 0;
  for (const char *s = tmp; *s && o + 1 < cap; s++)
    if (*s != ' ') out[o++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
  out[o] = '\0';
}

void sy_office_phone(char out[24], uint64_t k) {
  /* Ofcom's drama range 020 7946 0000-9999 */
  snprintf(out, 24, "0207946%04llu", (unsigned long long)(k % 10000));
}

void sy_store_card(char out[16], int store) {
  snprintf(out, 16, "63390000%04u", (unsigned)(store + 1) % 10000u);
}

static void make_uuid(sy_ctx *c, char out[37], uint64_t slot) {
  sy_uuid_str(out, (c->p.idx << 6) | slot, tm_rng_next(&c->rng));
}

const char *sy_web_cookie(sy_ctx *c, int i) {
  c->p.used_web |= 1u << i;
  return c->p.web[i];
}

const char *sy_app_id(sy_ctx *c, int i) {
  c->p.used_app |= 1u << i;
  return c->p.app[i];
}

void sy_ids_make(sy_ctx *c) {
  sy_person *p = &c->p;
  const sy_world *w = c->w;
  tm_rng *r = &c->rng;
  bool crm = p->kind != SY_VISITOR;
  const sy_segment *sg = p->kind == SY_BUYER ? &sy_segments[p->seg] : NULL;
  char tmp[96];

  p->cid[0] = '\0';
  if (crm) sy_person_id(w, p->cid, 'C', p->idx);

  /* email: most CRM people; prospects are newsletter leads, so always */
  p->has_email = crm && (p->kind == SY_PROSPECT || tm_rng_bernoulli(r, p->seg == 1 ? 0.99 : 0.88));
  if (p->has_email) {
    uint64_t num = sy_scramble(p->idx, w->emod, 7654321, tm_mix64(w->seed) % w->emod);
    const char *a = adjectives[tm_rng_below(r, NADJ)], *n = nouns[tm_rng_below(r, NNOUN)];
    int form = (int)tm_rng_below(r, 4);
    sy_buf e = SY_FIXED(p->email);
    if (form == 3)
      sy_putc(&e, a[0]);
    else if (form != 2)
      sy_puts(&e, a);
    if (form == 1 || form == 3) sy_putc(&e, '.');
    sy_puts(&e, n);
    if (form == 2) sy_putc(&e, '_');
    sy_u64(&e, num);
    sy_putc(&e, '@');
    if (p->b2b) {
      company_slug(tmp, sizeof tmp, p->company);
      sy_puts(&e, tmp);
      SY_LIT(&e, ".example");
    } else {
      sy_puts(&e, domains[tm_rng_categorical(r, domain_w, TM_ARRAY_LEN(domain_w))]);
    }
    p->email[e.len] = '\0';
  }

  /* phone: ~70% of CRM people; every 20th person's is an office switchboard */
  p->office = -1;
  p->has_phone = false;
  if (crm && w->noffice && p->idx % 20 == 7) {
    p->office = (int64_t)((p->idx / 20) % w->noffice);
    sy_office_phone(p->phone, (uint64_t)p->office);
    p->phone_cc = 0;
    p->has_phone = true;
  } else if (crm && tm_rng_bernoulli(r, 0.70)) {
    const char *cc = sy_regions[p->region].country;
    int m = 0;
    for (int i = 0; i < (int)TM_ARRAY_LEN(mobiles); i++)
      if (!strcmp(mobiles[i].country, cc)) m = i;
    uint64_t num =
        sy_scramble(p->idx, 100000000ULL, 73939133, tm_mix64(w->seed ^ 0x70686f6e65ULL) % 100000000ULL);
    bool intl = tm_rng_bernoulli(r, mobiles[m].p_intl);
    snprintf(p->phone, sizeof p->phone, "%s%08llu", intl ? mobiles[m].intl : mobiles[m].national,
             (unsigned long long)num);
    p->phone_cc = intl ? mobiles[m].cc_len : 0;
    p->has_phone = true;
  }

  /* loyalty card */
  double pc = sg ? sg->loyalty : p->kind == SY_PROSPECT ? 0.15 : 0.0;
  p->has_card = p->victim || (crm && tm_rng_bernoulli(r, pc));
  if (p->has_card)
    snprintf(p->card, sizeof p->card, "6335%08llu",
             (unsigned long long)sy_scramble(p->idx, 100000000ULL, 27644437,
                                             tm_mix64(w->seed ^ 0x63617264ULL) % 100000000ULL));

  /* social handle: a quarter of people; CRM knows 60% of those it could */
  p->has_social = tm_rng_bernoulli(r, 0.25);
  p->social_in_crm = p->has_social && crm && tm_rng_bernoulli(r, 0.60);
  if (p->has_social) {
    uint64_t num = sy_scramble(p->idx, w->emod, 3141593, tm_mix64(w->seed ^ 0x736f6369616cULL) % w->emod);
    const char *a = adjectives[tm_rng_below(r, NADJ)], *n = nouns[tm_rng_below(r, NNOUN)];
    if (tm_rng_bernoulli(r, 0.5))
      snprintf(p->social, sizeof p->social, "@%s_%s%llu", a, n, (unsigned long long)num);
    else
      snprintf(p->social, sizeof p->social, "@%s%llu", n, (unsigned long long)num);
  }

  /* cookies: web browsers, app installs, ad id */
  p->nweb = 1 + (tm_rng_bernoulli(r, 0.5) ? 1 : 0);
  for (int i = 0; i < SY_MAXWEB; i++)
    make_uuid(c, p->web[i], (uint64_t)i);
  p->cur_web = 0;
  p->napp = 1 + (tm_rng_bernoulli(r, 0.2) ? 1 : 0);
  for (int i = 0; i < SY_MAXAPP; i++)
    make_uuid(c, p->app[i], (uint64_t)(SY_MAXWEB + i));
  p->has_adid = tm_rng_bernoulli(r, p->kind == SY_VISITOR ? 0.7 : 0.6);
  p->adid_is_cookie = p->has_adid && tm_rng_bernoulli(r, 0.5);
  if (p->adid_is_cookie)
    memcpy(p->adid, p->web[0], 37);
  else
    make_uuid(c, p->adid, SY_MAXWEB + SY_MAXAPP);
  p->used_web = p->used_app = p->known_web = p->known_app = 0;
  p->used_social = p->used_adid = p->used_phone = false;
}

void sy_put_email(sy_ctx *c, sy_buf *b, int style, char delim) {
  const char *e = c->p.email;
  (void)delim; /* an email never holds a delimiter */
  if (style == 3) sy_putc(b, ' ');
  for (const char *s = e; *s; s++) {
    char ch = *s;
    bool up = style == 2 || (style == 1 && s == e);
    if (style == 4 && s > e && s[-1] == '@') up = true;
    if (up && ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
    sy_putc(b, ch);
  }
  if (style == 3) sy_putc(b, ' ');
}

/* Writes digits with separators; cc: digits of the country code (0 = national). */
static void put_phone_digits(sy_buf *b, const char *d, int cc, int style) {
  size_t n = strlen(d);
  if (cc > 0) {
    sy_putc(b, '+');
    sy_put(b, d, (size_t)cc);
    d += cc;
    n -= (size_t)cc;
    if (style == 0) {
      sy_put(b, d, n);
      return;
    }
    sy_putc(b, style == 2 ? '-' : ' ');
  } else if (style == 0) {
    sy_put(b, d, n);
    return;
  }
  size_t g1 = n > 6 ? n - 6 : n / 2;
  if (style == 4 && n > 7) {
    /* 0771 234 5678 */
    size_t a = n - 7;
    sy_put(b, d, a);
    sy_putc(b, ' ');
    sy_put(b, d + a, 3);
    sy_putc(b, ' ');
    sy_put(b, d + a + 3, 4);
    return;
  }
  if (style == 3) sy_putc(b, '(');
  sy_put(b, d, g1);
  if (style == 3) sy_putc(b, ')');
  sy_putc(b, style == 2 ? '-' : ' ');
  sy_put(b, d + g1, n - g1);
}

void sy_put_phone(sy_ctx *c, sy_buf *b, int style, char delim) {
  (void)delim;
  c->p.used_phone = true;
  put_phone_digits(b, c->p.phone, c->p.phone_cc, style);
}
