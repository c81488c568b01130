/*
 * err.c - the error codes' names, and the message a failing function
 * leaves in its caller's buffer.
 */
#include <stdarg.h>
#include <stdio.h>

#include "base/err.h"

const char *
err_str(int code)
{
    switch (code) {
    case ALM_OK: return "ok";
    case ALM_EINVAL: return "invalid input";
    case ALM_ETOOBIG: return "too big";
    case ALM_EIO: return "i/o error";
    case ALM_ESTORE: return "database error";
    case ALM_ENOTFOUND: return "not found";
    case ALM_EFETCH: return "fetch failed";
    case ALM_EDENIED: return "denied";
    case ALM_ECONFIG: return "configuration error";
    case ALM_ETIME: return "took too long";
    case ALM_ENOSPC: return "no space left";
    case ALM_ENOTSUP: return "not supported";
    }
    return "unknown error";
}

void
err_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
