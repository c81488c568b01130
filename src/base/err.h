/*
 * err.h - error codes shared by every module.
 *
 * A function that can fail returns ALM_OK (0) or one of the negative codes
 * below; results come back through out parameters, set only on success.
 * err_str() names a code for messages. Bad input is an ordinary result,
 * running out of memory is not (see xalloc.h).
 */
#ifndef ALMANAC_ERR_H
#define ALMANAC_ERR_H

enum {
    ALM_OK = 0,
    ALM_EINVAL = -1,    /* malformed input or argument */
    ALM_ETOOBIG = -2,   /* a size limit was reached */
    ALM_EIO = -3,       /* reading or writing a file failed */
    ALM_ESTORE = -4,    /* the database refused */
    ALM_ENOTFOUND = -5, /* no such source, item or file */
    ALM_EFETCH = -6,    /* a transfer failed */
    ALM_EDENIED = -7,   /* refused by policy (SSRF guard, auth) */
    ALM_ECONFIG = -8,   /* the configuration is wrong */
    ALM_ETIME = -9,     /* a query ran past its time budget */
    ALM_ENOSPC = -10,   /* no space left: the disk holding the database is full */
    ALM_ENOTSUP = -11,  /* this engine does not do that (a PostgreSQL store's backup) */
};

#include <stddef.h>

const char *err_str(int code);

/* Writes a printf-style message into err (errlen bytes, cut to fit, always
 * NUL-terminated); nothing when err is NULL or errlen 0. */
void err_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
