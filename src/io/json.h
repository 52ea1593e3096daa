/*
 * json.h — a strict RFC 8259 JSON parser that allocates nothing per value.
 * Internal to the library.
 *
 * Why not a library: jansson (and its mallocs) measured 60% of ingest time on
 * Segment clickstream; this parser is about 16x faster on those events and
 * took synth ingest from 168k to 457k rows/s (docs/benchmarks.md). jansson
 * still reads truth.json, where speed does not matter.
 *
 * A tm_json is a reusable parser and the arena its trees live in. Each
 * tm_json_parse builds a read-only tree of tm_jval nodes in that arena and
 * invalidates the tree of the previous parse; the arena keeps its size from
 * one document to the next, so parsing a stream of similar documents
 * allocates nothing once it has warmed up.
 *
 * Lifetimes: a tm_jval pointer, and every string returned by the accessors
 * below, stays valid until the next tm_json_parse on the same tm_json or its
 * tm_json_free. tm_jval_raw points into the caller's text, which must outlive
 * its use as well.
 *
 * Threads: a tm_json is used by one thread at a time. The accessors only read,
 * so several threads may read one finished tree.
 *
 * Accessors accept NULL (and any value of the wrong type) and answer "absent"
 * — NULL, 0, false, TM_JNULL — so lookups chain without checks in between:
 * tm_jval_str(tm_jval_get(tm_jval_get(root, "context"), "ip"), &n).
 */
#ifndef TM_IO_JSON_H
#define TM_IO_JSON_H
#include <stdbool.h>
#include <stddef.h>

#include "core/common.h"

#define TM_JSON_MAX_DEPTH 512       /* nested arrays / objects */
#define TM_JSON_MAX_DOC (64u << 20) /* bytes in one document */

typedef enum { TM_JNULL, TM_JFALSE, TM_JTRUE, TM_JNUM, TM_JSTR, TM_JARR, TM_JOBJ } tm_jtype;
/* a node; pointers valid until the next tm_json_parse on the same tm_json or tm_json_free */
typedef struct tm_jval tm_jval;
/* a reusable parser + arena */
typedef struct tm_json tm_json;

/* Creates a parser with an empty arena (the first parse sizes it). Returns 0
 * with *out (free it with tm_json_free), or TM_ENOMEM. */
int tm_json_new(tm_json **out, tm_error *err);

/* Frees the parser and its arena; every tree it returned becomes invalid.
 * Accepts NULL. */
void tm_json_free(tm_json *j);

/* Parses exactly one JSON value in text[0..len) (surrounding whitespace
 * allowed, nothing else); text need not be NUL-terminated and may be NULL
 * when len is 0.
 *
 * Returns 0 with the root in *root, or
 *  - TM_EFORMAT with "line L col C: reason" in err; L and C are 1-based and
 *    relative to text, C counts bytes (a tab or a UTF-8 sequence of n bytes
 *    advances it by 1 or n). Documents over TM_JSON_MAX_DOC bytes and nesting
 *    deeper than TM_JSON_MAX_DEPTH are TM_EFORMAT too;
 *  - TM_ENOMEM when growing the arena failed.
 * On failure *root is NULL; the tm_json stays usable for the next document.
 *
 * Strict RFC 8259: no trailing commas, no comments, no NaN/Infinity, no
 * leading zeros or '+', control characters (below 0x20) in strings rejected.
 * \u escapes are decoded to UTF-8: surrogate pairs are combined and a lone
 * surrogate becomes U+FFFD; \u0000 becomes a NUL byte inside the string.
 * Invalid UTF-8 inside strings is passed through as bytes (the caller
 * validates, e.g. with tm_utf8_valid). Duplicate keys are kept; lookup
 * returns the first.
 *
 * The arena is reused: everything from the previous parse is invalidated,
 * even when this parse fails. It keeps its high-water size until
 * tm_json_free. */
int tm_json_parse(tm_json *j, const char *text, size_t len, const tm_jval **root, tm_error *err);

/* The node's type; NULL gives TM_JNULL (as a missing member reads as null). */
tm_jtype tm_jval_type(const tm_jval *v);

/* The value of the first member of object obj whose decoded key equals the
 * NUL-terminated key, or NULL when there is none or obj is not an object.
 * A linear scan comparing lengths first: objects in events are small. */
const tm_jval *tm_jval_get(const tm_jval *obj, const char *key);

/* Follows object members by a dotted path: "context.campaign.name" is
 * get(get(get(v, "context"), "campaign"), "name"). Object members only (no
 * array indexes); each segment, even an empty one, names one key, so keys
 * containing '.' cannot be reached this way (use tm_jval_get). NULL when any
 * step is missing or not an object. */
const tm_jval *tm_jval_path(const tm_jval *v, const char *dotted);

/* A string's decoded bytes, NUL-terminated, with *len (if len is not NULL)
 * set to their count; the string may itself contain NULs (from \u0000), so
 * use *len. NULL (and *len = 0) when v is not a string. Borrowed from the
 * arena. */
const char *tm_jval_str(const tm_jval *v, size_t *len);

/* The exact source bytes of any value — a number's text, a string with its
 * quotes and escapes, a whole {object} or [array] — pointing into the
 * caller's text (not NUL-terminated). NULL (and *len = 0) when v is NULL. */
const char *tm_jval_raw(const tm_jval *v, size_t *len);

/* A number's value as the nearest double (correctly rounded, whatever the
 * locale); a number too large for a double gives +-HUGE_VAL (still true).
 * false, leaving *out alone, when v is not a number. */
bool tm_jval_num(const tm_jval *v, double *out);

/* Members of an object or elements of an array; 0 for anything else. */
size_t tm_jval_count(const tm_jval *v);

/* The i-th element of an array or the i-th member's value of an object, in
 * document order; NULL when i >= tm_jval_count(v) or v is neither. */
const tm_jval *tm_jval_at(const tm_jval *v, size_t i);

/* The i-th member's key of an object (decoded, NUL-terminated, *len set if
 * len is not NULL); NULL (and *len = 0) when v is not an object or i is out of
 * range. */
const char *tm_jval_key_at(const tm_jval *v, size_t i, size_t *len);

#endif
