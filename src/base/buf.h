/*
 * buf.h - a growable, bounded, NUL-terminated byte buffer.
 *
 * struct buf owns its data. Every append checks the buffer's hard limit
 * (max) first, so hostile input cannot make it grow without bound: an
 * append past the limit returns ALM_ETOOBIG and leaves the buffer as it
 * was, and marks it cut: a writer that appends many pieces checks
 * buf_cut() once at the end rather than every return (a page that was cut
 * is an error, never a shorter page). data is NULL until something is
 * added; buf_cstr() never is.
 */
#ifndef ALMANAC_BUF_H
#define ALMANAC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "base/err.h"

struct buf {
    char *data; /* NUL-terminated once anything was added */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit: len < max */
    int cut;    /* an append was refused since the last reset */
};

#define BUF_INIT(limit) { NULL, 0, 0, (limit), 0 }
#define BUF_MAX_DEFAULT ((size_t)64 << 20)

void buf_init(struct buf *b, size_t max);
/* Makes room for n more bytes (and the NUL) without adding any: data + len
 * may then be written up to cap - 1 bytes before len is moved. */
int buf_reserve(struct buf *b, size_t n);
/* buf_append() when the bytes do not fit in the room already allocated. */
int buf_append_grow(struct buf *b, const void *p, size_t n);

/*
 * Inline, because parsers and writers append a few bytes at a time: when
 * they fit in the room there is (cap never exceeds max), an append is a
 * memcpy, of constant size for literals.
 */
static inline int
buf_append(struct buf *b, const void *p, size_t n)
{
    if (b->cap - b->len <= n)
        return buf_append_grow(b, p, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ALM_OK;
}

static inline int
buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends s escaped for HTML text and attribute values (& < > " '). */
int buf_append_html(struct buf *b, const char *s, size_t n);
/* Appends s as a quoted JSON string; NULL appends null. s must be UTF-8. */
int buf_append_json(struct buf *b, const char *s);
/* The contents, or "" when empty. Borrowed: valid until the next append. */
const char *buf_cstr(const struct buf *b);
/* 1 when an append was refused (ALM_ETOOBIG) since buf_init or buf_reset. */
static inline int
buf_cut(const struct buf *b)
{
    return b->cut;
}
void buf_reset(struct buf *b);
/* Hands the bytes to the caller (free with free()); the buffer is empty. */
char *buf_take(struct buf *b);
void buf_fini(struct buf *b);

#endif
