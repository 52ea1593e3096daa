/*
 * error.h — filling a tm_error. Every failing library function sets the code
 * and a one-line message naming file, line and field where they apply, then
 * returns the code.
 */
#ifndef TM_CORE_ERROR_H
#define TM_CORE_ERROR_H
#include "touchmine.h"

#if defined(__GNUC__)
#define TM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TM_PRINTF(a, b)
#endif

/* Sets err (which may be NULL) and returns code. */
int tm_error_set(tm_error *err, int code, const char *fmt, ...) TM_PRINTF(3, 4);
/* Sets TM_ENOMEM with a standard message and returns TM_ENOMEM. */
int tm_error_nomem(tm_error *err);

#endif
