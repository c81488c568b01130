#include "base/buf.h"

#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
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
    b->cut = 0;
}

static int
buf_grow(struct buf *b, size_t n)
{
    size_t need, cap;

    if (n >= b->max - b->len) {
        b->cut = 1;
        return ALM_ETOOBIG;
    }
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
buf_reserve(struct buf *b, size_t n)
{
    if (buf_grow(b, n) != ALM_OK)
        return ALM_ETOOBIG;
    b->data[b->len] = '\0'; /* a fresh allocation holds no string yet */
    return ALM_OK;
}

int
buf_append_grow(struct buf *b, const void *p, size_t n)
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

/*
 * JSON escaping. Text is mostly plain (HTML payloads, titles), so the scan
 * tests sixteen bytes at a time with SSE2 (eight without) for the three
 * kinds of byte JSON escapes (controls, '"' and '\\') and copies whole
 * plain runs with one append.
 */
#define SWAR_ONES ((uint64_t)0x0101010101010101ULL)
#define SWAR_HIGHS ((uint64_t)0x8080808080808080ULL)

/* Non-zero when some byte of w is below n (n <= 0x80). Exact: borrows can
 * only mark bytes above a byte that really is below n. */
static uint64_t
swar_has_below(uint64_t w, unsigned int n)
{
    return (w - SWAR_ONES * n) & ~w & SWAR_HIGHS;
}

/* Non-zero when some byte of w equals c. */
static uint64_t
swar_has_byte(uint64_t w, unsigned char c)
{
    return swar_has_below(w ^ (SWAR_ONES * c), 1);
}

static int
json_must_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* Length of the longest prefix of p[0..n) that JSON takes as it is. */
static size_t
json_plain_run(const unsigned char *p, size_t n)
{
    size_t i = 0;

#ifdef __SSE2__
    const __m128i below = _mm_set1_epi8(0x1F);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');

    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, below), v),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                _mm_cmpeq_epi8(v, bslash)));
        int mask = _mm_movemask_epi8(hit);

        if (mask != 0)
            return i + (size_t)__builtin_ctz((unsigned int)mask);
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        if (swar_has_below(w, 0x20) | swar_has_byte(w, '"') | swar_has_byte(w, '\\'))
            break;
    }
    while (i < n && !json_must_escape(p[i]))
        i++;
    return i;
}

/* Appends the escape sequence of one byte json_must_escape() flagged. */
static int
json_escape(struct buf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

    switch (c) {
    case '"': return buf_append(b, "\\\"", 2);
    case '\\': return buf_append(b, "\\\\", 2);
    case '\n': return buf_append(b, "\\n", 2);
    case '\r': return buf_append(b, "\\r", 2);
    case '\t': return buf_append(b, "\\t", 2);
    default: return buf_append(b, esc, sizeof(esc));
    }
}

int
buf_append_json(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, i = 0, before = b->len;
    int rc;

    if (s == NULL)
        return buf_append(b, "null", 4);
    n = strlen(s);
    /* One allocation for the usual string without escapes. */
    rc = buf_grow(b, n + 2);
    if (rc == ALM_OK)
        rc = buf_putc(b, '"');
    while (rc == ALM_OK && i < n) {
        size_t run = json_plain_run(p + i, n - i);

        rc = buf_append(b, p + i, run);
        i += run;
        if (rc == ALM_OK && i < n)
            rc = json_escape(b, p[i++]);
    }
    if (rc == ALM_OK)
        rc = buf_putc(b, '"');
    if (rc != ALM_OK && b->data) {
        /* All or nothing, like every other append. */
        b->len = before;
        b->data[before] = '\0';
    }
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
    b->cut = 0;
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
    b->cut = 0;
    return p;
}

void
buf_fini(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->cut = 0;
}
