/*
 * entities.c - character references: the HTML5 named table (generated at
 * build time), numeric references with HTML5's fix-ups, and decoding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "html/html.h"
#include "html/scan.h"

struct html_entity {
    const char *name;
    const char *utf8;
    unsigned char len;
};

#include "html_entities.inc"

/*
 * Names HTML5 still decodes without the ';' (the HTML 3.2 set plus a few
 * upper-case spellings), in byte order for bsearch.
 */
static const char *const legacy_names[] = {
    "AElig", "AMP", "Aacute", "Acirc", "Agrave", "Aring", "Atilde", "Auml",
    "COPY", "Ccedil", "ETH", "Eacute", "Ecirc", "Egrave", "Euml", "GT",
    "Iacute", "Icirc", "Igrave", "Iuml", "LT", "Ntilde", "Oacute", "Ocirc",
    "Ograve", "Oslash", "Otilde", "Ouml", "QUOT", "REG", "THORN", "Uacute",
    "Ucirc", "Ugrave", "Uuml", "Yacute", "aacute", "acirc", "acute", "aelig",
    "agrave", "amp", "aring", "atilde", "auml", "brvbar", "ccedil", "cedil",
    "cent", "copy", "curren", "deg", "divide", "eacute", "ecirc", "egrave",
    "eth", "euml", "frac12", "frac14", "frac34", "gt", "iacute", "icirc",
    "iexcl", "igrave", "iquest", "iuml", "laquo", "lt", "macr", "micro",
    "middot", "nbsp", "not", "ntilde", "oacute", "ocirc", "ograve", "ordf",
    "ordm", "oslash", "otilde", "ouml", "para", "plusmn", "pound", "quot",
    "raquo", "reg", "sect", "shy", "sup1", "sup2", "sup3", "szlig", "thorn",
    "times", "uacute", "ucirc", "ugrave", "uml", "uuml", "yacute", "yen",
    "yuml",
};

/* Longer names cannot be entities (the longest has 31 bytes). */
#define REF_NAME_MAX 40

/* Compares the n bytes at a with the C string b, like strcmp. */
static int
name_cmp(const char *a, size_t n, const char *b)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

        if (cb == 0)
            return 1;
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return b[n] == 0 ? 0 : -1;
}

int
html_entity_lookup(const char *name, size_t n, const char **utf8, size_t *len)
{
    size_t lo = 0, hi = LEN(html_entities);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = name_cmp(name, n, html_entities[mid].name);

        if (c == 0) {
            *utf8 = html_entities[mid].utf8;
            *len = html_entities[mid].len;
            return ALM_OK;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return ALM_ENOTFOUND;
}

static int
is_legacy(const char *name, size_t n)
{
    size_t lo = 0, hi = LEN(legacy_names);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = name_cmp(name, n, legacy_names[mid]);

        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* Writes cp (a scalar value) as UTF-8; returns the byte count. */
static size_t
utf8_put(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* HTML5's fix-ups for numeric references. */
static uint32_t
numeric_fix(uint32_t cp)
{
    /* What windows-1252 puts at 0x80-0x9F; five holes map to themselves. */
    static const uint16_t c1[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    };

    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    if (cp >= 0x80 && cp <= 0x9F)
        return c1[cp - 0x80];
    return cp;
}

size_t
html_ref_decode(const unsigned char *s, size_t n, int flags, char tmp[4], const char **out,
           size_t *outlen)
{
    size_t i, start;

    if (n < 2 || s[0] != '&')
        return 0;
    if (s[1] == '#') {
        uint32_t cp = 0;
        int hex = 0;

        i = 2;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            hex = 1;
            i++;
        }
        start = i;
        for (; i < n; i++) {
            int d = hex ? hex_digit(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

            if (d < 0)
                break;
            /* Saturate: anything past U+10FFFF ends up as U+FFFD anyway. */
            cp = cp * (hex ? 16 : 10) + (uint32_t)d;
            if (cp > 0x10FFFF)
                cp = 0x110000;
        }
        if (i == start)
            return 0;
        if (i < n && s[i] == ';')
            i++;
        *outlen = utf8_put(numeric_fix(cp), tmp);
        *out = tmp;
        return i;
    }
    for (i = 1; i < n && i <= REF_NAME_MAX && html_is_alnum(s[i]); i++)
        ;
    if (i == 1)
        return 0;
    if (i < n && s[i] == ';' &&
        html_entity_lookup((const char *)s + 1, i - 1, out, outlen) == ALM_OK)
        return i + 1;
    if (i < n && (html_is_alnum(s[i]) || ((flags & HTML_REF_ATTR) && s[i] == '=')))
        return 0;
    if (!is_legacy((const char *)s + 1, i - 1))
        return 0;
    if (html_entity_lookup((const char *)s + 1, i - 1, out, outlen) != ALM_OK)
        return 0;
    return i;
}

size_t
html_decode_ref(const char *s, size_t n, struct buf *out)
{
    char tmp[4];
    const char *p;
    size_t len, k;

    k = html_ref_decode((const unsigned char *)s, n, 0, tmp, &p, &len);
    if (k == 0 || buf_append(out, p, len) != ALM_OK)
        return 0;
    return k;
}

char *
html_decode_entities(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    struct buf b = BUF_INIT(html_out_limit(n));
    size_t i = 0;

    while (i < n) {
        size_t start = i, k;

        while (i < n && s[i] != '&' && s[i] != 0)
            i++;
        buf_append(&b, s + start, i - start);
        if (i >= n)
            break;
        if (s[i] == 0) {
            i++;
            continue;
        }
        k = html_decode_ref(str + i, n - i, &b);
        if (k == 0) {
            buf_putc(&b, '&');
            k = 1;
        }
        i += k;
    }
    return buf_take(&b);
}
