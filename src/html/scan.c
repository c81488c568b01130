/*
 * scan.c - the byte-level helpers of the HTML module (see scan.h).
 */
#include <stdint.h>
#include <string.h>

#include "html/scan.h"

const unsigned char *
html_find(const unsigned char *s, size_t n, const char *needle, size_t m)
{
    const unsigned char *end = s + n;

    while ((size_t)(end - s) >= m) {
        const unsigned char *p = memchr(s, needle[0], (size_t)(end - s) - m + 1);

        if (p == NULL)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        s = p + 1;
    }
    return NULL;
}

size_t
html_out_limit(size_t n)
{
    if (n > (SIZE_MAX / 2 - 64) / 3)
        return SIZE_MAX / 2;
    return 3 * n + 64;
}

size_t
html_utf8_valid(const unsigned char *s, size_t n, size_t *skip)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *skip = 1;
        return 0;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *skip = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/*
 * k is just past a tag name: skips the attributes the way the HTML5
 * tokenizer does (quoted values may hold '>'). Returns the index after the
 * closing '>' or 0 when the input ends inside the tag; *selfclose tells
 * whether it ended in "/>".
 */
size_t
html_tag_end(const unsigned char *s, size_t n, size_t k, int *selfclose)
{
    *selfclose = 0;
    while (k < n) {
        unsigned char c = s[k];

        if (c == '>')
            return k + 1;
        if (html_is_ws(c)) {
            k++;
            continue;
        }
        if (c == '/') {
            k++;
            if (k < n && s[k] == '>') {
                *selfclose = 1;
                return k + 1;
            }
            continue;
        }
        /* An attribute name; its first byte may be anything, even '='. */
        k++;
        while (k < n && !html_is_ws(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=')
            k++;
        while (k < n && html_is_ws(s[k]))
            k++;
        if (k >= n || s[k] != '=')
            continue;
        k++;
        while (k < n && html_is_ws(s[k]))
            k++;
        if (k < n && (s[k] == '"' || s[k] == '\'')) {
            const unsigned char *q = memchr(s + k + 1, s[k], n - k - 1);

            if (q == NULL)
                return 0;
            k = (size_t)(q - s) + 1;
        } else {
            while (k < n && !html_is_ws(s[k]) && s[k] != '>')
                k++;
        }
    }
    return 0;
}

/* k is past "<name" of a raw-text element: skips to after its end tag. */
size_t
html_skip_raw(const unsigned char *s, size_t n, size_t k, const char *name)
{
    size_t nl = strlen(name);

    while (k < n) {
        const unsigned char *lt = memchr(s + k, '<', n - k);
        size_t e;
        int sc;

        if (lt == NULL)
            return n;
        k = (size_t)(lt - s);
        e = k + 2 + nl;
        if (e <= n && s[k + 1] == '/') {
            size_t j;

            for (j = 0; j < nl && html_lower(s[k + 2 + j]) == (unsigned char)name[j]; j++)
                ;
            if (j == nl) {
                if (e == n)
                    return n;
                if (html_is_ws(s[e]) || s[e] == '/' || s[e] == '>') {
                    e = html_tag_end(s, n, e, &sc);
                    return e ? e : n;
                }
            }
        }
        k++;
    }
    return n;
}

/*
 * k is just past "<!--": returns the index after the comment's end, as
 * HTML5 finds it ("-->", "--!>", or "<!-->" and "<!--->" as empty
 * comments), or n when the input ends inside it.
 */
size_t
html_comment_end(const unsigned char *s, size_t n, size_t k)
{
    if (k < n && s[k] == '>')
        return k + 1;
    if (k + 1 < n && s[k] == '-' && s[k + 1] == '>')
        return k + 2;
    while (k < n) {
        const unsigned char *d = html_find(s + k, n - k, "--", 2);

        if (d == NULL)
            return n;
        k = (size_t)(d - s) + 2;
        if (k < n && s[k] == '>')
            return k + 1;
        if (k + 1 < n && s[k] == '!' && s[k + 1] == '>')
            return k + 2;
        k--;
    }
    return n;
}
