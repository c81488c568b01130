/*
 * xalloc.h - allocation that cannot fail.
 *
 * Running out of memory ends the program with a message: every limit on
 * hostile input is enforced before allocating, so exhaustion is a bug or a
 * dying machine, not a condition callers should handle.
 */
#ifndef ALMANAC_XALLOC_H
#define ALMANAC_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copies n bytes of s and a NUL. */
char *xstrndup(const char *s, size_t n);

#endif
