#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"

void
buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static int
buf_grow(struct buf *b, size_t n)
{
    size_t need, cap;

    if (n >= b->max - b->len)
        return ALM_ETOOBIG;
    need = b->len + n + 1;
    if (need <= b->cap)
        return ALM_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if (cap > b->max)
        cap = b->max;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return ALM_OK;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
    if (buf_grow(b, n) != ALM_OK)
        return ALM_ETOOBIG;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ALM_OK;
}

int
buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
    if (b->len + 2 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return ALM_OK;
    }
    return buf_append(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return ALM_EINVAL;
    if (buf_grow(b, (size_t)n) != ALM_OK)
        return ALM_ETOOBIG;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return ALM_OK;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int
buf_append_html(struct buf *b, const char *s, size_t n)
{
    size_t i, run = 0;
    int rc = ALM_OK;

    for (i = 0; i < n && rc == ALM_OK; i++) {
        const char *rep;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        rc = buf_append(b, s + run, i - run);
        if (rc == ALM_OK)
            rc = buf_puts(b, rep);
        run = i + 1;
    }
    if (rc == ALM_OK)
        rc = buf_append(b, s + run, n - run);
    return rc;
}

int
buf_append_json(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p;
    size_t run;
    int rc;

    if (s == NULL)
        return buf_append(b, "null", 4);
    rc = buf_putc(b, '"');
    p = (const unsigned char *)s;
    run = 0;
    for (size_t i = 0; p[i] && rc == ALM_OK; i++) {
        char esc[7];
        size_t elen = 2;

        if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
            continue;
        esc[0] = '\\';
        switch (p[i]) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[p[i] >> 4];
            esc[5] = hex[p[i] & 15];
            elen = 6;
        }
        rc = buf_append(b, s + run, i - run);
        if (rc == ALM_OK)
            rc = buf_append(b, esc, elen);
        run = i + 1;
    }
    if (rc == ALM_OK)
        rc = buf_puts(b, s + run);
    if (rc == ALM_OK)
        rc = buf_putc(b, '"');
    return rc;
}

const char *
buf_cstr(const struct buf *b)
{
    return b->data ? b->data : "";
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *
buf_take(struct buf *b)
{
    char *p = b->data ? b->data : xstrdup("");

    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

void
buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
