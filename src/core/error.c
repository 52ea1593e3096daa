/*
 * error.c — error codes and their messages.
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/common.h"

int tm_error_set(tm_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

int tm_error_nomem(tm_error *err) { return tm_error_set(err, TM_ENOMEM, "out of memory"); }

const char *tm_strerror(int code) {
  switch (code) {
  case TM_OK: return "ok";
  case TM_EINVAL: return "invalid argument";
  case TM_ENOMEM: return "out of memory";
  case TM_EIO: return "input/output error";
  case TM_ENOTFOUND: return "not found";
  case TM_ECANCELED: return "canceled";
  case TM_EFORMAT: return "malformed input";
  case TM_EDB: return "warehouse error";
  default: return "unknown error";
  }
}
