/*
 * record.h — one input row mapped onto the canonical fields (docs/config.md),
 * before validation. Values point into the parser's buffers or the record's
 * scratch; they are valid until the next row. Internal.
 */
#ifndef TM_INGEST_RECORD_H
#define TM_INGEST_RECORD_H
#include "ingest/config.h"
#include "io/json.h"

#define REC_MAX_IDS 16
#define REC_MAX_ATTRS 64
#define REC_SCRATCH 8192

typedef struct rec_value {
  const char *s;
  size_t n;
  const char *column; /* where it came from, for messages */
} rec_value;

typedef struct rec_id {
  const char *type;
  rec_value v;
} rec_id;

typedef struct rec_attr {
  const char *key;
  rec_value v;
} rec_attr;

#define REC_MAX_ALTS 4 /* "a|b|c": a field's columns, the first non-empty wins */

typedef struct tm_record {
  rec_value f[F_NFIELDS];  /* s == NULL: absent */
  uint8_t alt[F_NFIELDS];  /* which of the field's columns gave the value */
  rec_id ids[REC_MAX_IDS];
  size_t nids;
  rec_attr attrs[REC_MAX_ATTRS];
  size_t nattrs;
  int rule;                /* RULE_* joining this record's identifiers */
  bool no_event;           /* identify / alias / group: identities only */
  const char *reject;      /* set by the mapper: why the row cannot be used */
  char reject_buf[160];
  char scratch[REC_SCRATCH];
  size_t scratch_used;
} tm_record;

/* Copies s into the record's scratch; returns NULL when it is full. */
const char *rec_keep(tm_record *r, const char *s, size_t n);
/* Sets an identifier (ignored when empty or when the record is full). */
void rec_add_id(tm_record *r, const char *type, const char *s, size_t n, const char *column);

/* ---------------------------------------------------------------- mappers */

/* Column indexes of a CSV source's mapped columns, from its header. */
typedef struct csv_map {
  int field[F_NFIELDS][REC_MAX_ALTS]; /* column indexes, -1 past the last */
  int *id_col, *attr_col;   /* per src->ids / src->attrs */
  size_t nheader;
} csv_map;

/* Resolves the source's column names against the header row. TM_EFORMAT
 * names the first missing column. */
int csv_map_init(csv_map *m, const source_cfg *src, const char *const *header, const size_t *lens,
                 size_t n, const char *path, tm_error *err);
void csv_map_fini(csv_map *m);
void record_from_csv(tm_record *r, const source_cfg *src, const csv_map *m,
                     const char *const *field, const size_t *len, size_t n);

/* The scalar at a dotted path of a JSON object, as text (absent: s == NULL). */
rec_value record_json_get(const tm_jval *obj, const char *path);
/* Sets field f from the first of "path|path|..." present in obj. */
void record_json_field(tm_record *r, int f, const tm_jval *obj, const char *paths);
/* A generic JSON object mapped by dotted paths. */
void record_from_json(tm_record *r, const source_cfg *src, const tm_jval *obj);
/* A Segment-spec message (docs/config.md, format = segment). */
void record_from_segment(tm_record *r, const source_cfg *src, const tm_jval *msg);
/* Applies defaults and value maps after a mapper ran. */
void record_finish(tm_record *r, const source_cfg *src);

#endif
