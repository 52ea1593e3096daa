/*
 * config.h — the parsed ingest configuration (docs/config.md). Internal: the
 * public API sees only the opaque tm_config.
 */
#ifndef TM_INGEST_CONFIG_H
#define TM_INGEST_CONFIG_H
#include "core/common.h"
#include "core/timeparse.h"

typedef enum { SRC_CSV, SRC_JSONL, SRC_SEGMENT } src_format;
typedef enum { KIND_EVENTS, KIND_ORDER_LINES, KIND_PROFILE } src_kind;

/* The canonical fields a source can map (docs/config.md). */
typedef enum {
  F_EVENT_ID, F_TIME, F_CHANNEL, F_TYPE, F_CAMPAIGN, F_REGION, F_DEVICE, F_AMOUNT,
  F_ORDER_ID, F_PRODUCT, F_PRODUCT_NAME, F_CATEGORY, F_QUANTITY, F_UNIT_PRICE,
  F_RATING, F_TEXT, F_NFIELDS
} field_id;

extern const char *const tm_field_names[F_NFIELDS];

typedef struct name_map {
  char *name;   /* identifier type, attribute name */
  char *column; /* column name or dotted JSON path */
} name_map;

typedef struct value_map {
  char *from, *to;
} value_map;

typedef struct source_cfg {
  char *name;
  char **files;             /* as written (globs allowed), resolved against the config's folder */
  size_t nfiles;
  src_format format;
  src_kind kind;
  char delimiter;           /* 0: detect */
  bool missing_id_keep;
  char *column[F_NFIELDS];  /* mapped column / path, or NULL */
  char *deflt[F_NFIELDS];   /* default value, or NULL */
  value_map *maps[F_NFIELDS];
  size_t nmaps[F_NFIELDS];
  tm_timefmt timefmt;
  tm_tzone *zone;           /* a named time.zone, owned (timefmt.zone points at it) */
  double qmin, qmax, fx;
  char *return_prefix;
  char *rating_scale;       /* "nps", "stars" or NULL */
  char *segment_user_id;    /* identifier type of Segment userId */
  name_map *ids;
  size_t nids;
  name_map *attrs;          /* attr.<name> and consent.<name> (stored as "consent.<name>") */
  size_t nattrs;
} source_cfg;

typedef struct channel_cfg {
  char *name, *mode;
} channel_cfg;

struct tm_config {
  char *path, *dir;
  char *currency;
  source_cfg *sources;
  size_t nsources;
  channel_cfg *channels;
  size_t nchannels;
  /* [identity] */
  char **priority;          /* identifier types, most canonical first */
  size_t npriority;
  char **block;             /* values never used as identifiers (compared case-insensitively) */
  size_t nblock;
  name_map *limits;         /* type -> max per customer (column holds the number) */
  size_t nlimits;
  long quarantine;          /* distinct neighbours above which an identifier is quarantined */
};

/* The mode of a channel: from [channel] sections, else the built-in map,
 * else "hybrid". */
const char *tm_config_channel_mode(const tm_config *cfg, const char *channel);
/* Rank of an identifier type in [identity] priority (unknown types rank after). */
int tm_config_type_rank(const tm_config *cfg, const char *type);
/* The limit of identifiers of a type per customer, or 0 for none. */
long tm_config_type_limit(const tm_config *cfg, const char *type);
/* True when value (already normalised) is on the block list. */
bool tm_config_blocked(const tm_config *cfg, const char *value, size_t n);

#endif
