/*
 * synth_int.h — what the files of the synthetic-data generator share. Internal
 * to src/synth/.
 *
 * The generator is a pure function of (options, seed). A run builds a
 * read-only world (catalogue, calendar, stores, campaigns), then generates
 * people in fixed chunks of SY_CHUNK consecutive indices. Each person draws
 * from two random streams of their own — one for the clean data, one for the
 * dirt — so nothing depends on which thread generates whom, and the clean
 * rows do not depend on the dirty rate. A person's rows are staged per file,
 * sorted by time, copied into the chunk's buffers with dirty rows added, and
 * the chunks are written in index order. Aggregates that go to truth.json are
 * summed per chunk and merged in chunk order.
 *
 * Files: writer.c (buffers, number and time formatting, output files),
 * files.c (the exports and their fields), calendar.c (seasonality, hours of
 * the day, campaigns, churn and experiment windows), geo.c (regions, cities,
 * stores, time zones), segments.c (latent segments), catalogue.c
 * (products, planted basket rules), ids.c (identifiers and their written
 * forms), people.c (who a person is, their CRM row), purchases.c (BG/NBD,
 * baskets, orders, returns, journeys, fraud), web.c (Segment clickstream),
 * email.c, ads.c, contacts.c, feedback.c, social.c, text.c (sentiment texts),
 * dirty.c (staging and dirty rows), truth.c (truth.json), config.c
 * (touchmine.ini), synth.c (the driver and the public entry points).
 */
#ifndef TM_SYNTH_INT_H
#define TM_SYNTH_INT_H
#include <limits.h>

#include "core/common.h"
#include "core/rng.h"

#define SY_CHUNK 512 /* people per chunk: fixed, so output is thread-count free */
#define SY_DAY_MS 86400000LL
#define SY_HOUR_MS 3600000LL
#define SY_MIN_MS 60000LL
#define SY_WEEK_DAYS 7.0
#define SY_NEVER INT64_MAX
#define SY_FIRST_BUY_SHARE 0.5 /* first purchases: uniform over this share of the history */
#define SY_DEAD_BROWSE 0.5     /* browsing rate after a buyer drops out, relative */
#define SY_DEAD_OPEN 0.6       /* email open rate after a buyer drops out, relative */

/* ================================================================ writer.c */

/* A growing byte buffer. Appends never fail loudly: on allocation failure the
 * buffer stops growing and sets oom, which the chunk checks once at its end. */
typedef struct sy_buf {
  char *p;
  size_t len, cap;
  bool oom;
  bool fixed; /* p is the caller's array of cap bytes: never reallocated */
} sy_buf;
/* A sy_buf over a caller's array (keeps one byte for a terminating NUL). */
#define SY_FIXED(arr) ((sy_buf){.p = (arr), .cap = sizeof(arr) - 1, .fixed = true})

bool sy_buf_grow(sy_buf *b, size_t extra);
void sy_buf_free(sy_buf *b);

static inline void sy_put(sy_buf *b, const void *s, size_t n) {
  if (!n || (b->len + n > b->cap && !sy_buf_grow(b, n))) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
}
static inline void sy_putc(sy_buf *b, char c) {
  if (b->len + 1 > b->cap && !sy_buf_grow(b, 1)) return;
  b->p[b->len++] = c;
}
static inline void sy_puts(sy_buf *b, const char *s) { sy_put(b, s, strlen(s)); }
/* Appends a string literal (only a literal: sizeof must see the array). */
#define SY_LIT(b, lit) sy_put((b), "" lit, sizeof(lit) - 1)

void sy_u64(sy_buf *b, uint64_t v);
void sy_i64(sy_buf *b, int64_t v);
void sy_u64w(sy_buf *b, uint64_t v, int width);   /* zero-padded to width */
void sy_money(sy_buf *b, int64_t pence);          /* "12.99", "-3.50" */
void sy_fixed(sy_buf *b, double v, int decimals); /* rounded, no exponent */
/* A JSON string literal with quotes; bytes >= 0x80 are copied as they are. */
void sy_json_str(sy_buf *b, const char *s);
/* A CSV field: quoted (with "" escapes) iff it holds the delimiter, a quote,
 * CR or LF — the one rule dirty.c relies on to split and rebuild rows. */
void sy_csv_field(sy_buf *b, const char *s, size_t n, char delim);
static inline void sy_csv_str(sy_buf *b, const char *s, char delim) { sy_csv_field(b, s, strlen(s), delim); }
/* A version-4-shaped UUID whose 62 low bits are a bijection of key, so
 * distinct keys give distinct UUIDs; hi supplies the other random-looking bits. */
void sy_uuid(sy_buf *b, uint64_t key, uint64_t hi);
void sy_uuid_str(char out[37], uint64_t key, uint64_t hi);

/* Calendar arithmetic (proleptic Gregorian, days since 1970-01-01). */
int64_t sy_days_from_civil(int y, int m, int d);
void sy_civil_from_days(int64_t z, int *y, int *m, int *d);

typedef enum {
  SY_T_SQL,      /* 2025-03-04 13:22:10 (UTC) */
  SY_T_ISO_OFF,  /* 2025-03-04T14:22:10.123+01:00 (local, with offset) */
  SY_T_ISO_Z,    /* 2025-03-04T13:22:10Z */
  SY_T_EPOCH_S,  /* 1741094530 */
  SY_T_EPOCH_MS, /* 1741094530123 */
  SY_T_DMY_HM,   /* 04/03/2025 13:22 (UTC) */
  SY_T_DATE      /* 2025-03-04 */
} sy_tfmt;
void sy_fmt_time(sy_buf *b, sy_tfmt f, int64_t ms, int off_min);

/* One output file. Plain files take bytes as they are; a gzip file takes
 * chunks compressed beforehand (in parallel) by sy_deflate, and writes one
 * gzip member around them (the pigz layout). */
typedef struct sy_out {
  FILE *f;
  char *path;
  bool gzip;
  uint32_t crc;
  uint64_t raw_len;
} sy_out;

int sy_out_open(sy_out *o, const char *dir, const char *name, bool gzip, tm_error *err);
int sy_out_write(sy_out *o, const void *p, size_t n, tm_error *err);
int sy_out_write_deflated(sy_out *o, const sy_buf *z, uint32_t crc, size_t raw_len, tm_error *err);
int sy_out_close(sy_out *o, tm_error *err);
void sy_out_abort(sy_out *o); /* closes and removes a half-written file; safe twice */
/* Raw-deflates src into dst (cleared first) ending on a byte boundary with
 * no final block, and sets *crc to crc32(src). Returns false when out of memory. */
bool sy_deflate(sy_buf *dst, const char *src, size_t n, uint32_t *crc);
/* "dir/name" in a new tm_malloc'd string, or NULL. */
char *sy_path(const char *dir, const char *name);

/* =============================================================== files */

enum {
  SY_F_CRM,
  SY_F_ORDERS,
  SY_F_WEB,
  SY_F_EMAIL,
  SY_F_AD,
  SY_F_CONTACTS,
  SY_F_FEEDBACK,
  SY_F_SOCIAL,
  SY_NFILES
};

typedef struct sy_filespec {
  const char *name;   /* as written (web: .jsonl, or .jsonl.gz with --gzip) */
  const char *header; /* CSV header line; NULL for JSON Lines */
  char delim;
  int nfields;
  int f_id, f_order; /* row id; order id (orders only, else -1) */
  int f_ts;
  int f_text;       /* the text field that takes invalid UTF-8 */
  int f_qty;        /* orders: quantity; else -1 */
  int f_near;       /* field nudged by a near duplicate; -1: the time */
  int ids[3], nids; /* identifier fields */
  sy_tfmt tfmt;
  bool events; /* rows count as touchpoint events */
  bool dirty;  /* takes dirty rows */
} sy_filespec;

extern const sy_filespec sy_files[SY_NFILES];
const char *sy_file_name(int f, bool gzip);

enum {
  SY_D_BAD_DATE,
  SY_D_BAD_QUANTITY,
  SY_D_EXACT_DUP,
  SY_D_NEAR_DUP,
  SY_D_INVALID_UTF8,
  SY_D_MISSING_ID,
  SY_D_WRONG_COLUMNS,
  SY_D_N
};
extern const char *const sy_dirty_names[SY_D_N];

/* ============================================================ segments.c */

enum { SY_CH_STORE, SY_CH_WEB, SY_CH_APP, SY_NCH };
extern const char *const sy_channel_names[SY_NCH];
#define SY_NSEG 5
#define SY_NCAT 12
#define SY_NLIFE 4
enum { SY_POS, SY_NEU, SY_NEG };

typedef struct sy_segment {
  const char *name, *about;
  double share;                /* of buyers */
  double r, alpha, a, b;       /* BG/NBD: lambda ~ Gamma(r, rate alpha) per week; p ~ Beta(a, b) */
  double gg_p, gg_q, gg_gamma; /* Gamma-Gamma: spend ~ Gamma(p, rate nu), nu ~ Gamma(q, rate gamma) */
  double channel[SY_NCH];      /* where purchases happen */
  double web_rate, app_rate;   /* browse sessions per week while active */
  double consent;              /* P(marketing consent | email) */
  double open, click, unsub;   /* email: P(open | sent), P(click | open), P(unsubscribe | sent) */
  double returns;              /* P(an order is partly returned) */
  double contacts;             /* spontaneous contact-centre contacts per year */
  double loyalty;              /* P(holds a loyalty card) */
  double discount;             /* P(an order uses a discount code) */
  double ad_rate;              /* ad impressions per week */
  double login;                /* P(a browse session is logged in) */
  double age_mean, age_sd;
  double lifestyle[SY_NLIFE];
  double device[3];    /* desktop, mobile, tablet (web sessions) */
  double cat[SY_NCAT]; /* category preference */
  double sentiment[3]; /* positive, neutral, negative feedback */
} sy_segment;

extern const sy_segment sy_segments[SY_NSEG];
extern const char *const sy_lifestyles[SY_NLIFE];

/* ================================================================= geo.c */

enum { SY_ZONE_UK, SY_ZONE_CET };
typedef struct sy_region {
  const char *name, *country;
  int zone;
  double weight; /* share of people */
  const char *cities[3];
  int ncities;
} sy_region;

extern const sy_region sy_regions[];
extern const int sy_nregions;
#define SY_MAX_STORES 16
/* Region of the i-th store opened (stores open in this order as N grows). */
extern const int sy_store_order[SY_MAX_STORES];
int sy_store_count(uint64_t people);
/* Minutes east of UTC at ms in the zone (EU summer time rules). */
int sy_zone_offset(int zone, int64_t ms);

/* ============================================================ catalogue.c */

typedef struct sy_product {
  char sku[12];
  char name[48];
  int cat;
  int32_t price; /* pence */
} sy_product;

typedef struct sy_category {
  const char *code, *name;
} sy_category;
extern const sy_category sy_categories[SY_NCAT];

#define SY_NRULES 4
typedef struct sy_rule {
  const char *name;
  int lhs[2], nlhs; /* product indices */
  int rhs;
  double p; /* P(add rhs | basket holds lhs) */
} sy_rule;

typedef struct sy_catalogue {
  sy_product *p;
  int n;
  int first[SY_NCAT + 1]; /* products of category c: first[c] .. first[c+1]-1, most popular first */
  sy_rule rules[SY_NRULES];
  int fraud[4]; /* high-value items used by fraud bursts */
  int cheapest; /* the cheapest product */
} sy_catalogue;

int sy_catalogue_build(sy_catalogue *cat, uint64_t seed);
void sy_catalogue_free(sy_catalogue *cat);
/* Index of a product of category c, popular ones more often, priced at most
 * max_pence when possible; -1 when the category has nothing that cheap. */
int sy_catalogue_pick(const sy_catalogue *cat, tm_rng *r, int c, int32_t max_pence);

/* ============================================================= calendar.c */

typedef struct sy_campaign {
  int64_t from, to; /* email: send time (to = from); ads: flight */
  char id[40];
} sy_campaign;

/* Seasonality: purchases and browsing happen at rate lambda * s(day) where
 * s(d) = weekly[dow] * (1 + amp * cos(2 pi (doy - peak) / 365.25)) / norm,
 * normalised so the mean over the history is 1. */
extern const double sy_weekly[7]; /* Monday first; mean 1 */
#define SY_ANNUAL_AMP 0.25
#define SY_ANNUAL_PEAK_DOY 340

enum { SY_HOURS_STORE, SY_HOURS_WEB, SY_HOURS_APP, SY_HOURS_CONTACT, SY_HOURS_ANY, SY_NHOURS };

/* ================================================================ world */

typedef struct sy_world {
  const tm_synth_options *opt;
  uint64_t seed, n;
  int days;
  int64_t t0, t1; /* history [t0, t1), ms */
  double dirty_q; /* P(a clean row is followed by a dirty one) = rate / (1 - rate) */
  int idw;        /* digits in person numbers */
  uint64_t emod;  /* smallest power of ten >= people (>= 100): email and handle numbers */
  sy_catalogue cat;
  double *cumw; /* days + 1 entries: operational time at the start of each day */
  double *dayw; /* days entries: s(d) */
  double season_norm;
  sy_campaign *email;
  int nemail;
  sy_campaign *ads;
  int nads;
  int nstores;
  uint64_t noffice;  /* shared office phones */
  uint64_t *victims; /* sorted person indices of fraud victims */
  size_t nvictims;
  int64_t cutoff; /* churn cutoff */
  int window_days;
  int64_t exp_from, exp_to;
  double hours_cdf[SY_NHOURS][24];
} sy_world;

int sy_calendar_build(sy_world *w, tm_error *err);
void sy_calendar_free(sy_world *w);
/* Operational time (days since t0) at calendar day-fraction x, and back. */
double sy_optime(const sy_world *w, double day);
double sy_caltime(const sy_world *w, double op);
/* A time on calendar day `day` (0-based) at an hour drawn from profile,
 * read as local time in zone; stays within the UTC day. */
int64_t sy_time_on_day(const sy_world *w, tm_rng *r, int64_t day, int profile, int zone);
/* Index of the last email campaign sent at or before t, or -1. */
int sy_email_before(const sy_world *w, int64_t t);
/* Index of an ad campaign in flight at t, or -1. */
int sy_ad_at(const sy_world *w, int64_t t);

/* ================================================================ people */

enum { SY_BUYER, SY_PROSPECT, SY_VISITOR };
#define SY_MAXWEB 8
#define SY_MAXAPP 2

typedef struct sy_person {
  uint64_t idx;
  int kind, seg;
  double act; /* personal activity multiplier, mean 1 */
  /* identifiers, normalised */
  char cid[24];
  char email[96];
  bool has_email;
  char phone[24];
  int phone_cc; /* digits of country code at the front, 0 = national form */
  bool has_phone;
  int64_t office; /* shared office phone index, or -1 */
  char card[16];
  bool has_card;
  char social[40];
  bool has_social, social_in_crm;
  char web[SY_MAXWEB][37];
  int nweb, cur_web;
  char app[SY_MAXAPP][37];
  int napp;
  char adid[37];
  bool has_adid, adid_is_cookie;
  uint32_t used_web, used_app, known_web, known_app; /* bit masks */
  bool used_social, used_adid, used_phone;
  /* profile */
  int region, city, zone, store, country;
  int gender, birth_year, lifestyle;
  bool b2b;
  int company, industry, company_size;
  bool consent_analytics, consent_marketing;
  int64_t signup, unsub; /* unsub = SY_NEVER if still subscribed */
  bool web_signup;
  /* purchase process (buyers) */
  double lambda, pdrop, nu;
  int64_t first_buy, churn; /* churn = dropout time or SY_NEVER */
  int nbuys_cut;            /* BG/NBD purchases after the churn cutoff */
  int app_user;
  int64_t active_from, active_to;
  bool victim, exposed;
  uint32_t store_cards; /* stores whose default card the person was rung up on */
} sy_person;

/* ================================================================ staging */

typedef struct sy_row {
  int64_t ts;
  uint32_t off, len;
  int32_t off_min; /* the row's UTC offset, for rewriting its time */
} sy_row;

typedef struct sy_stage {
  sy_buf text;
  sy_row *rows;
  size_t n, cap;
  bool oom;
} sy_stage;

/* Starts a row at time ts in stage (text appended to st->text until end). */
void sy_row_begin(sy_stage *st, int64_t ts, int off_min);
void sy_row_end(sy_stage *st);

/* =============================================================== chunks */

typedef struct sy_mark {
  uint32_t row; /* row index within the chunk's file buffer */
  uint8_t file, kind;
} sy_mark;

typedef struct sy_churn {
  double score;  /* true P(no purchase in the window) */
  double seen;   /* the same given only the purchase history, with the person's own lambda and p */
  double pop;    /* the same given only the purchase history and the planted segment populations */
  uint8_t label; /* 1: no purchase in the window */
} sy_churn;

typedef struct sy_anomaly {
  char cid[24], card[16];
  int store;
  int64_t from, to;
  int orders;
  int64_t value; /* pence */
} sy_anomaly;

/* Integer aggregates: merged by addition, so their order does not matter. */
typedef struct sy_stats {
  uint64_t kind[3], seg[SY_NSEG];
  uint64_t seg_orders[SY_NSEG];
  uint64_t orders[SY_NCH], returns, ab_orders, fraud_orders, order_lines;
  uint64_t baskets; /* clean non-return orders */
  uint64_t rule_lhs[SY_NRULES], rule_rhs[SY_NRULES], rule_both[SY_NRULES];
  uint64_t journey_eligible[3], journey_planted[3];
  uint64_t ab_exposed[2], ab_converted[2], ab_exposed_buyers[2];
  uint64_t store_card_people[SY_MAX_STORES], store_card_rows[SY_MAX_STORES];
  uint64_t feedback_label[3], social_label[3];
  uint64_t churn_eligible, churn_positive;
  uint64_t with_id[6]; /* people holding each identifier type */
} sy_stats;

typedef struct sy_chunk {
  uint64_t first, count;
  sy_buf out[SY_NFILES];
  uint32_t rows[SY_NFILES];
  uint32_t dirty[SY_NFILES][SY_D_N];
  sy_mark *marks;
  size_t nmarks, capmarks;
  sy_buf gz; /* the web buffer deflated, when gzip */
  uint32_t gz_crc;
  sy_buf truth;    /* customers: JSON objects each followed by ",\n" */
  sy_buf fb_truth; /* feedback and social labels, same layout */
  sy_stats st;
  double seg_spend[SY_NSEG]; /* sum of order values (GBP), merged in chunk order */
  sy_churn *churn;           /* per churn-eligible buyer */
  size_t nchurn, capchurn;
  sy_anomaly *anom;
  size_t nanom, capanom;
  uint64_t *office; /* office phone index per person holding one */
  size_t noffice, capoffice;
  bool oom;
} sy_chunk;

/* ============================================================= a person */

typedef struct sy_order {
  int64_t ts;
  int64_t value; /* pence */
  uint32_t k;    /* order number within the person */
  uint8_t channel;
  uint8_t src; /* SY_SRC_* */
  bool returned;
  int16_t first_product;
  int8_t store;
} sy_order;

/* A BG/NBD purchase as planned: calendar day-fraction, time, channel. */
typedef struct sy_buy {
  double x;
  int64_t ts;
  int ch;
} sy_buy;

enum { SY_SRC_BGNBD, SY_SRC_AB, SY_SRC_FRAUD };

/* A person being generated: the thread's scratch, reused person after person. */
typedef struct sy_ctx {
  const sy_world *w;
  sy_chunk *ck;
  tm_rng rng, dirt;
  sy_stage st[SY_NFILES];
  sy_person p;
  sy_buy *buys; /* the BG/NBD purchases */
  size_t nbuys, capbuys;
  long drop; /* index of the purchase after which the person dropped out, or -1 */
  sy_order *orders;
  size_t norders, caporders;
  uint32_t k_order, k_email, k_ad, k_contact, k_fb, k_social;
  uint64_t k_msg; /* Segment messages */
  int64_t last_order_ts;
  sy_buf tmp, tmp2; /* scratch for dirty rows */
  bool oom;
} sy_ctx;

/* ids.c */
void sy_ids_make(sy_ctx *c);
/* Writers of an identifier as some source types it (normalising gives the truth). */
void sy_put_email(sy_ctx *c, sy_buf *b, int style, char delim);
void sy_put_phone(sy_ctx *c, sy_buf *b, int style, char delim);
void sy_office_phone(char out[24], uint64_t k);
void sy_store_card(char out[16], int store);
const char *sy_web_cookie(sy_ctx *c, int i);
const char *sy_app_id(sy_ctx *c, int i);
void sy_person_id(const sy_world *w, char *out, char prefix, uint64_t idx);
extern const char *const sy_companies_a[], *const sy_companies_b[], *const sy_industries[],
                                                                        *const sy_company_sizes[];
extern const int sy_ncompanies_a, sy_ncompanies_b, sy_nindustries;
void sy_company_name(sy_buf *b, int company);

/* people.c */
void sy_person_make(sy_ctx *c);
void sy_crm_write(sy_ctx *c);

/* purchases.c */
void sy_buyer_plan(sy_ctx *c);
void sy_orders_write(sy_ctx *c);
/* One order to write: a BG/NBD purchase, an experiment conversion. */
typedef struct sy_order_req {
  int64_t ts; /* store: the sale; online: the session start */
  int channel, src;
  const char *campaign, *source; /* online: the session's utm campaign */
  int cookie;                    /* online: web cookie index, -1 = current */
  int variant;                   /* experiment variant shown in the session, -1 none */
} sy_order_req;
/* Writes the order's lines, its session (online), maybe a return; returns the
 * time of the sale. */
int64_t sy_order_make(sy_ctx *c, const sy_order_req *q);
void sy_fraud_write(sy_ctx *c);
void sy_order_id(const sy_ctx *c, char *out, char prefix, uint32_t k);

/* web.c */
enum { SY_SESS_BROWSE, SY_SESS_ORDER, SY_SESS_VIEW, SY_SESS_AB };
typedef struct sy_session {
  int64_t start;
  int channel;          /* SY_CH_WEB or SY_CH_APP */
  int kind;             /* SY_SESS_* */
  const char *campaign; /* context.campaign.name, or NULL */
  const char *source;   /* context.campaign.source */
  int cookie;           /* web cookie index to use, or -1 for the current one */
  bool login;
  int variant; /* -1, or the experiment variant shown first */
  /* SY_SESS_ORDER: */
  const char *order_id;
  const int *products, *qty;
  int nproducts;
  int64_t revenue;
  int view_product; /* SY_SESS_VIEW: the product to view */
} sy_session;
/* Writes a session's messages; returns the time of its last message (for an
 * order: Order Completed). */
int64_t sy_web_session(sy_ctx *c, const sy_session *s);
void sy_web_browse(sy_ctx *c);
void sy_web_signup(sy_ctx *c);
/* The A/B test on the web (checkout page); web.c assigns the variant. */
#define SY_AB_ID "checkout_v2"
#define SY_AB_NAME "One-page checkout"
#define SY_AB_CONTROL 0.08 /* P(order in the exposure session | alive buyer) */
#define SY_AB_TREATMENT 0.10

/* email.c */
void sy_email_write(sy_ctx *c);
/* Whether the person was on the list when campaign i was sent. */
bool sy_email_received(const sy_ctx *c, int i);
void sy_email_event(sy_ctx *c, int campaign, const char *event, int64_t ts);

/* ads.c */
void sy_ads_write(sy_ctx *c);
void sy_ad_event(sy_ctx *c, int campaign, const char *event, int64_t ts);

/* contacts.c */
void sy_contacts_write(sy_ctx *c);

/* feedback.c, social.c, text.c */
void sy_feedback_write(sy_ctx *c);
void sy_social_write(sy_ctx *c);
typedef struct sy_sentiment {
  int label;    /* SY_POS, SY_NEU, SY_NEG */
  double score; /* -1 .. 1 */
} sy_sentiment;
/* Appends a free text of the given label to b (no delimiters quoted: the
 * caller quotes) and fills *out. context: 0 review, 1 survey, 2 social. */
void sy_text_sentiment(tm_rng *r, sy_buf *b, int label, int context, const char *item, sy_sentiment *out);
void sy_text_contact(tm_rng *r, sy_buf *b, int reason, const char *order_id, const char *item);
extern const char *const sy_label_names[3];
void sy_truth_label(sy_ctx *c, const char *id, const sy_sentiment *s, const char *source);

/* dirty.c */
/* Sorts the person's staged rows by time and copies them into the chunk,
 * adding dirty rows after some of them. */
void sy_emit_person(sy_ctx *c);
void sy_ctx_free(sy_ctx *c);

/* truth.c */
void sy_truth_person(sy_ctx *c);
typedef struct sy_run sy_run;
int sy_truth_write(sy_run *run, tm_error *err); /* sorts run->churn */

/* config.c */
int sy_config_write(const sy_world *w, const char *dir, tm_error *err);

typedef struct sy_line {
  uint64_t line; /* 1-based physical line in the file */
  uint8_t kind;
} sy_line;

/* The totals of a run (synth.c), read by truth.c. */
struct sy_run {
  const sy_world *w;
  const char *dir;
  sy_stats st;
  double seg_spend[SY_NSEG];
  uint64_t rows[SY_NFILES], dirty[SY_NFILES][SY_D_N];
  sy_line *lines[SY_NFILES]; /* dirty rows: physical line numbers and kinds */
  size_t nlines[SY_NFILES], caplines[SY_NFILES];
  sy_churn *churn;
  size_t nchurn, capchurn;
  sy_anomaly *anom;
  size_t nanom, capanom;
  uint64_t *office_people; /* noffice counts */
  char *truth_people_path, *truth_fb_path;
};

#endif
