/*
 * search_query.c - what a reader typed as a full-text query (search_query.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/store_web.h"
#include "web/search_query.h"

#define SEARCH_MAX_WORDS 32
#define SEARCH_MIN_PREFIX 3       /* characters before a '*' */
#define SEARCH_MAX_PREFIXES 3     /* prefix words in one query */

/* Code points in the n bytes at s (valid UTF-8: the server checks every parameter). */
static size_t
utf8_chars(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int
web_search_query(const char *text, struct text_query **out)
{
    struct text_query *q = xcalloc(1, sizeof(*q));
    const char *p = text;
    int words = 0, prefixes = 0;

    while (*p) {
        size_t n;
        int prefix = 0;
        p += strspn(p, " \t\r\n\f\v");
        n = strcspn(p, " \t\r\n\f\v");
        if (n == 0)
            break;
        if (++words > SEARCH_MAX_WORDS) {
            text_query_free(q);
            return ALM_ETOOBIG;
        }
        /* "agent*" keeps its meaning as a prefix search; other syntax is text.
         * A short prefix expands to thousands of terms (and several of them
         * multiply), so a prefix needs SEARCH_MIN_PREFIX characters and a
         * query at most SEARCH_MAX_PREFIXES of them. */
        if (n > 1 && p[n - 1] == '*') {
            if (utf8_chars(p, n - 1) < SEARCH_MIN_PREFIX || ++prefixes > SEARCH_MAX_PREFIXES) {
                text_query_free(q);
                return ALM_EDENIED;
            }
            prefix = 1;
        }
        q->v = xrealloc(q->v, (q->n + 1) * sizeof(*q->v));
        q->v[q->n].text = xstrndup(p, n - (size_t)prefix);
        q->v[q->n].prefix = prefix;
        q->n++;
        p += n;
    }
    if (q->n == 0) {
        text_query_free(q);
        return ALM_EINVAL;
    }
    *out = q;
    return ALM_OK;
}
