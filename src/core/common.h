/*
 * common.h — what every library file includes: the public API, fixed-width
 * integers, the allocator wrapper and the error helpers. Internal only.
 */
#ifndef TM_CORE_COMMON_H
#define TM_CORE_COMMON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "touchmine.h"
#include "core/mem.h"
#include "core/error.h"

#define TM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TM_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
