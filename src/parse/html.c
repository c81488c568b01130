/*
 * html.c - character references, HTML to plain text, and the sanitizer.
 *
 * The reference decoder and html_to_text are hand-written single-pass
 * scanners (they run on every feed item); only the sanitizer builds a tree,
 * with libxml2's HTML parser, because it must see the markup the way a
 * browser would before deciding what to keep.
 */
#include "parse/html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/url.h"
#include "base/xalloc.h"

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

/* ref_decode flag: a legacy name followed by '=' stays literal (attributes). */
#define REF_ATTR 1

static int
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static int
hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static unsigned char
lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* memmem, which glibc hides without _GNU_SOURCE; needles are 2-3 bytes. */
static const unsigned char *
find(const unsigned char *s, size_t n, const char *needle, size_t m)
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

/* A buffer limit no decoder output can reach: one input byte makes <= 3. */
static size_t
out_limit(size_t n)
{
    if (n > (SIZE_MAX / 2 - 64) / 3)
        return SIZE_MAX / 2;
    return 3 * n + 64;
}

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

/*
 * Length (1-4) of the well-formed UTF-8 sequence at s, or 0 when there is
 * none; then *skip is the length of the maximal ill-formed subpart, which
 * becomes one U+FFFD (the WHATWG decoder's rule).
 */
static size_t
utf8_valid(const unsigned char *s, size_t n, size_t *skip)
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

/* Decodes one well-formed UTF-8 sequence of length k. */
static uint32_t
utf8_get(const unsigned char *s, size_t k)
{
    switch (k) {
    case 1: return s[0];
    case 2: return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    case 3: return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    default:
        return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
               (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    }
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

/*
 * The reference at s (s[0] == '&'): returns the bytes it spans and points
 * *out at its UTF-8 (*outlen bytes, maybe in tmp), or returns 0.
 */
static size_t
ref_decode(const unsigned char *s, size_t n, int flags, char tmp[4], const char **out,
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
            int d = hex ? hex_val(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

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
    for (i = 1; i < n && i <= REF_NAME_MAX && is_alnum(s[i]); i++)
        ;
    if (i == 1)
        return 0;
    if (i < n && s[i] == ';' &&
        html_entity_lookup((const char *)s + 1, i - 1, out, outlen) == ALM_OK)
        return i + 1;
    if (i < n && (is_alnum(s[i]) || ((flags & REF_ATTR) && s[i] == '=')))
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

    k = ref_decode((const unsigned char *)s, n, 0, tmp, &p, &len);
    if (k == 0 || buf_append(out, p, len) != ALM_OK)
        return 0;
    return k;
}

char *
html_decode_entities(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    struct buf b = BUF_INIT(out_limit(n));
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

/* ---- tags, shared by html_to_text and html_looks_like_html ---- */

/*
 * k is just past a tag name: skips the attributes the way the HTML5
 * tokenizer does (quoted values may hold '>'). Returns the index after the
 * closing '>' or 0 when the input ends inside the tag; *selfclose tells
 * whether it ended in "/>".
 */
static size_t
tag_end(const unsigned char *s, size_t n, size_t k, int *selfclose)
{
    *selfclose = 0;
    while (k < n) {
        unsigned char c = s[k];

        if (c == '>')
            return k + 1;
        if (is_ws(c)) {
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
        while (k < n && !is_ws(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=')
            k++;
        while (k < n && is_ws(s[k]))
            k++;
        if (k >= n || s[k] != '=')
            continue;
        k++;
        while (k < n && is_ws(s[k]))
            k++;
        if (k < n && (s[k] == '"' || s[k] == '\'')) {
            const unsigned char *q = memchr(s + k + 1, s[k], n - k - 1);

            if (q == NULL)
                return 0;
            k = (size_t)(q - s) + 1;
        } else {
            while (k < n && !is_ws(s[k]) && s[k] != '>')
                k++;
        }
    }
    return 0;
}

/* Reads a tag name from k into name (lower case, "" if too long). */
static size_t
tag_name(const unsigned char *s, size_t n, size_t k, char *name, size_t size)
{
    size_t len = 0;

    while (k < n && !is_ws(s[k]) && s[k] != '/' && s[k] != '>') {
        if (len + 1 < size)
            name[len] = (char)lower(s[k]);
        len++;
        k++;
    }
    name[len + 1 < size ? len : 0] = '\0';
    return k;
}

/* Whether s[i] == '&' starts something shaped like a reference with ';'. */
static int
ref_like(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i + 1, start;

    if (j >= n)
        return 0;
    if (s[j] == '#') {
        j++;
        if (j < n && (s[j] == 'x' || s[j] == 'X')) {
            for (start = ++j; j < n && hex_val(s[j]) >= 0; j++)
                ;
        } else {
            for (start = j; j < n && s[j] >= '0' && s[j] <= '9'; j++)
                ;
        }
    } else {
        if (!is_alpha(s[j]))
            return 0;
        for (start = j; j < n && is_alnum(s[j]); j++)
            ;
    }
    return j > start && j < n && s[j] == ';';
}

int
html_looks_like_html(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    int tags = 1;

    for (size_t i = 0; i + 1 < n; i++) {
        char name[16];
        int sc;
        size_t e;

        if (s[i] == '&') {
            if (ref_like(s, n, i))
                return 1;
            continue;
        }
        if (s[i] != '<')
            continue;
        if (s[i + 1] == '/' && i + 2 < n && is_alpha(s[i + 2]))
            return 1;
        if (!tags || !is_alpha(s[i + 1]))
            continue;
        e = tag_end(s, n, tag_name(s, n, i + 1, name, sizeof name), &sc);
        if (e == 0) {
            /* The rest is inside this tag, so no later tag can close. */
            tags = 0;
            continue;
        }
        if (sc)
            return 1;
        /* Step over the tag (a '<' in a quoted value is no tag), but not
         * over references in its attribute values. */
        for (size_t j = i + 1; j < e; j++)
            if (s[j] == '&' && ref_like(s, n, j))
                return 1;
        i = e - 1;
    }
    return 0;
}

/* ---- html_to_text ---- */

enum { SEP_NONE, SEP_SPACE, SEP_LINE, SEP_PARA };
enum { TK_SPACE = SEP_SPACE, TK_LINE = SEP_LINE, TK_PARA = SEP_PARA, TK_SKIP };

/* Tags that break the text flow, and those whose content is not text. */
static const struct tag_kind {
    const char *name;
    int kind;
} tag_kinds[] = {
    { "address", TK_PARA },   { "article", TK_PARA },   { "aside", TK_PARA },
    { "blockquote", TK_PARA }, { "br", TK_LINE },       { "caption", TK_LINE },
    { "center", TK_PARA },    { "dd", TK_LINE },        { "details", TK_PARA },
    { "div", TK_PARA },       { "dl", TK_PARA },        { "dt", TK_LINE },
    { "fieldset", TK_PARA },  { "figcaption", TK_LINE }, { "figure", TK_PARA },
    { "footer", TK_PARA },    { "form", TK_PARA },      { "h1", TK_PARA },
    { "h2", TK_PARA },        { "h3", TK_PARA },        { "h4", TK_PARA },
    { "h5", TK_PARA },        { "h6", TK_PARA },        { "header", TK_PARA },
    { "hr", TK_PARA },        { "iframe", TK_SKIP },    { "legend", TK_LINE },
    { "li", TK_LINE },        { "main", TK_PARA },      { "menu", TK_PARA },
    { "nav", TK_PARA },       { "noembed", TK_SKIP },   { "noframes", TK_SKIP },
    { "noscript", TK_SKIP },  { "ol", TK_PARA },        { "p", TK_PARA },
    { "pre", TK_PARA },       { "script", TK_SKIP },    { "section", TK_PARA },
    { "style", TK_SKIP },     { "summary", TK_LINE },   { "table", TK_PARA },
    { "td", TK_SPACE },       { "template", TK_SKIP },  { "th", TK_SPACE },
    { "tr", TK_LINE },        { "ul", TK_PARA },
};

static int
kind_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct tag_kind *)elem)->name);
}

static int
tag_kind(const char *name)
{
    const struct tag_kind *k;

    if (name[0] == '\0')
        return 0;
    k = bsearch(name, tag_kinds, LEN(tag_kinds), sizeof tag_kinds[0], kind_cmp);
    return k ? k->kind : 0;
}

struct text {
    struct buf b;
    int collapse;
    int pending; /* SEP_*: the separator owed before the next text */
};

static void
text_put(struct text *t, const void *p, size_t n)
{
    static const char *const sep[] = { "", " ", "\n", "\n\n" };

    if (t->pending != SEP_NONE) {
        /* Nothing before the first text: that is the leading trim. */
        if (t->b.len > 0)
            buf_puts(&t->b, sep[t->pending]);
        t->pending = SEP_NONE;
    }
    buf_append(&t->b, p, n);
}

static void
text_sep(struct text *t, int sep)
{
    if (t->collapse == 0)
        return;
    if (t->collapse == 1)
        sep = SEP_SPACE;
    if (sep > t->pending)
        t->pending = sep;
}

/* k is past "<name" of a raw-text element: skips to after its end tag. */
static size_t
skip_raw(const unsigned char *s, size_t n, size_t k, const char *name)
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

            for (j = 0; j < nl && lower(s[k + 2 + j]) == (unsigned char)name[j]; j++)
                ;
            if (j == nl) {
                if (e == n)
                    return n;
                if (is_ws(s[e]) || s[e] == '/' || s[e] == '>') {
                    e = tag_end(s, n, e, &sc);
                    return e ? e : n;
                }
            }
        }
        k++;
    }
    return n;
}

/* s[i] == '<': handles the markup there; returns where the text resumes. */
static size_t
text_markup(struct text *t, const unsigned char *s, size_t n, size_t i)
{
    size_t j = i + 1, e;
    char name[16];
    int sc, kind;

    if (j < n && s[j] == '!') {
        if (j + 2 < n && s[j + 1] == '-' && s[j + 2] == '-') {
            size_t k = j + 3;

            /* "<!-->" and "<!--->" are whole (empty) comments. */
            if (k < n && s[k] == '>')
                return k + 1;
            if (k + 1 < n && s[k] == '-' && s[k + 1] == '>')
                return k + 2;
            while (k < n) {
                const unsigned char *d = find(s + k, n - k, "--", 2);

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
        goto bogus;
    }
    if (j < n && s[j] == '?')
        goto bogus;
    if (j < n && s[j] == '/') {
        if (j + 1 < n && is_alpha(s[j + 1])) {
            e = tag_end(s, n, tag_name(s, n, j + 1, name, sizeof name), &sc);
            if (e == 0)
                return n;
            kind = tag_kind(name);
            if (kind != 0 && kind != TK_SKIP)
                text_sep(t, kind);
            return e;
        }
        if (j + 1 < n && s[j + 1] == '>')
            return j + 2;
        if (j + 1 < n)
            goto bogus;
        text_put(t, "</", 2);
        return n;
    }
    if (j < n && is_alpha(s[j])) {
        size_t k = tag_name(s, n, j, name, sizeof name);

        e = tag_end(s, n, k, &sc);
        if (e == 0)
            return n; /* HTML5 drops a tag cut by the end of input */
        kind = tag_kind(name);
        if (kind == TK_SKIP)
            return skip_raw(s, n, e, name);
        if (kind != 0)
            text_sep(t, kind);
        return e;
    }
    text_put(t, "<", 1);
    return j;
bogus:
    /* <!DOCTYPE>, <![CDATA[...]]>, <?pi?>, </ 3>: a comment up to '>' */
    {
        const unsigned char *gt = memchr(s + j, '>', n - j);

        return gt ? (size_t)(gt - s) + 1 : n;
    }
}

static void
trim_buf(struct buf *b)
{
    size_t a = 0, z = b->len;

    while (z > 0 && is_ws((unsigned char)b->data[z - 1]))
        z--;
    while (a < z && is_ws((unsigned char)b->data[a]))
        a++;
    if (b->data == NULL)
        return;
    if (a > 0)
        memmove(b->data, b->data + a, z - a);
    b->len = z - a;
    b->data[b->len] = '\0';
}

/* Bit 1: ends a text run in every mode; bit 2: only when collapsing. */
static const unsigned char text_stop[128] = {
    [0] = 1, ['&'] = 1, ['<'] = 1,
    [' '] = 2, ['\t'] = 2, ['\n'] = 2, ['\r'] = 2, ['\f'] = 2, ['\v'] = 2,
};

char *
html_to_text(const char *html, size_t n, int collapse)
{
    const unsigned char *s = (const unsigned char *)html;
    unsigned char stop = collapse ? 3 : 1;
    struct text t;
    size_t i = 0;

    buf_init(&t.b, out_limit(n));
    t.collapse = collapse < 0 ? 0 : collapse > 2 ? 2 : collapse;
    t.pending = SEP_NONE;
    while (i < n) {
        size_t start = i, skip = 1, k;
        unsigned char c;

        /* The hot loop: ASCII and well-formed UTF-8 go out as one run. */
        for (;;) {
            while (i < n && s[i] < 0x80 && !(text_stop[s[i]] & stop))
                i++;
            if (i < n && s[i] >= 0x80 && (k = utf8_valid(s + i, n - i, &skip)) != 0) {
                i += k;
                continue;
            }
            /* A lone space between words needs no collapsing: keep the run. */
            if (i > start && i + 1 < n && s[i] == ' ' &&
                (s[i + 1] >= 0x80 || !text_stop[s[i + 1]])) {
                i++;
                continue;
            }
            break;
        }
        if (i > start) {
            text_put(&t, s + start, i - start);
            continue;
        }
        c = s[i];
        if (c >= 0x80) {
            text_put(&t, "\xEF\xBF\xBD", 3);
            i += skip;
        } else if (c == '<') {
            i = text_markup(&t, s, n, i);
        } else if (c == '&') {
            char tmp[4];
            const char *p;
            size_t len;

            k = ref_decode(s + i, n - i, 0, tmp, &p, &len);
            if (k == 0) {
                text_put(&t, "&", 1);
                i++;
            } else {
                if (t.collapse && len == 1 && is_ws((unsigned char)p[0]))
                    text_sep(&t, SEP_SPACE);
                else
                    text_put(&t, p, len);
                i += k;
            }
        } else if (c == 0) {
            i++;
        } else {
            text_sep(&t, SEP_SPACE); /* whitespace while collapsing */
            i++;
        }
    }
    trim_buf(&t.b);
    return buf_take(&t.b);
}

/* ---- html_sanitize ---- */

/* Output past this stops the walk (open elements are still closed). */
#define SAN_SOFT_MAX ((size_t)16 << 20)
/* Allowed elements nested deeper than this are written as their text. */
#define SAN_MAX_DEPTH 256
#define SAN_WRAP "<div data-almanac-wrap>"

static const char *const san_allowed[] = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
};

/* Elements that go with everything inside them. */
static const char *const san_dropped[] = {
    "applet", "base", "button", "embed", "form", "frame", "frameset", "head",
    "iframe", "input", "link", "math", "meta", "noembed", "noframes", "noscript",
    "object", "script", "select", "style", "svg", "template", "textarea", "title",
};

static const struct {
    const char *elem;
    const char *attr;
} san_attrs[] = {
    { "a", "href" },       { "a", "title" },        { "abbr", "title" },
    { "blockquote", "cite" }, { "del", "cite" },     { "img", "alt" },
    { "img", "height" },   { "img", "src" },        { "img", "title" },
    { "img", "width" },    { "ins", "cite" },       { "ol", "start" },
    { "q", "cite" },       { "td", "colspan" },     { "td", "rowspan" },
    { "th", "colspan" },   { "th", "rowspan" },     { "time", "datetime" },
};

struct san {
    struct buf out;
    const char *base;
    xmlNodePtr wrap; /* our own wrapper <div>, written as its content */
    int depth;       /* allowed elements open in the output */
};

static int
str_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static int
in_list(const char *name, const char *const *list, size_t n)
{
    return bsearch(name, list, n, sizeof *list, str_cmp) != NULL;
}

/* Copies an element or attribute name in lower case; 0 when too long. */
static int
lower_name(const xmlChar *name, char *o, size_t size)
{
    size_t i;

    if (name == NULL)
        return 0;
    for (i = 0; name[i] != 0; i++) {
        if (i + 1 >= size)
            return 0;
        o[i] = (char)lower(name[i]);
    }
    o[i] = '\0';
    return 1;
}

static int
san_attr_index(const char *elem, const char *attr)
{
    for (size_t i = 0; i < LEN(san_attrs); i++)
        if (strcmp(san_attrs[i].elem, elem) == 0 && strcmp(san_attrs[i].attr, attr) == 0)
            return (int)i;
    return -1;
}

/*
 * Whether URL u may be followed: relative (no scheme) or http, https,
 * mailto. Anything before the first ':' that is not a clean scheme (say
 * "java script:") counts as a scheme we do not allow.
 */
static int
san_scheme_ok(const char *u, int *relative)
{
    static const char *const ok[] = { "http", "https", "mailto" };
    char sch[8];
    size_t len = 0;
    const unsigned char *p;

    for (p = (const unsigned char *)u; *p != ':'; p++) {
        if (*p == 0 || *p == '/' || *p == '?' || *p == '#') {
            *relative = 1;
            return 1;
        }
    }
    *relative = 0;
    for (p = (const unsigned char *)u; *p != ':'; p++) {
        if (!is_alpha(*p) && (len == 0 || (!is_alnum(*p) && !strchr("+-.", *p))))
            return 0;
        if (len + 1 >= sizeof sch)
            return 0;
        sch[len++] = (char)lower(*p);
    }
    sch[len] = '\0';
    for (size_t i = 0; i < LEN(ok); i++)
        if (strcmp(sch, ok[i]) == 0)
            return 1;
    return 0;
}

/* The URL to write for attribute value v, or NULL to drop the attribute. */
static char *
san_url(const struct san *st, const char *v)
{
    size_t a = 0, z = strlen(v), len = 0;
    char *u, *r;
    int rel;

    /*
     * The URL parser trims C0 controls and spaces and drops tab, CR and LF
     * anywhere; we drop every control, so what we check is what we write.
     */
    while (a < z && (unsigned char)v[a] <= 0x20)
        a++;
    while (z > a && (unsigned char)v[z - 1] <= 0x20)
        z--;
    u = xmalloc(z - a + 1);
    for (size_t i = a; i < z; i++)
        if ((unsigned char)v[i] >= 0x20 && v[i] != 0x7F)
            u[len++] = v[i];
    u[len] = '\0';
    if (!san_scheme_ok(u, &rel)) {
        free(u);
        return NULL;
    }
    if (!rel || st->base == NULL || st->base[0] == '\0')
        return u;
    r = url_resolve(st->base, u);
    free(u);
    if (r != NULL && !san_scheme_ok(r, &rel)) {
        free(r);
        r = NULL;
    }
    return r;
}

static void
san_put_attr(struct san *st, const char *name, const char *value)
{
    buf_putc(&st->out, ' ');
    buf_puts(&st->out, name);
    buf_puts(&st->out, "=\"");
    buf_append_html(&st->out, value, strlen(value));
    buf_putc(&st->out, '"');
}

/* Writes the start tag of allowed element node; 0 when it is left out. */
static int
san_open(struct san *st, xmlNodePtr node, const char *name)
{
    size_t mark = st->out.len;
    uint32_t seen = 0;
    int is_img = strcmp(name, "img") == 0, has_src = 0;

    buf_putc(&st->out, '<');
    buf_puts(&st->out, name);
    for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
        char an[16];
        xmlChar *v;
        const char *val;
        int k;

        if (!lower_name(a->name, an, sizeof an))
            continue;
        k = san_attr_index(name, an);
        if (k < 0 || (seen & (UINT32_C(1) << k)))
            continue;
        seen |= UINT32_C(1) << k;
        v = xmlNodeGetContent((xmlNodePtr)a);
        val = v ? (const char *)v : "";
        if (strcmp(an, "href") == 0 || strcmp(an, "src") == 0 || strcmp(an, "cite") == 0) {
            char *u = san_url(st, val);

            if (u != NULL) {
                san_put_attr(st, an, u);
                has_src |= strcmp(an, "src") == 0;
                free(u);
            }
        } else {
            san_put_attr(st, an, val);
        }
        xmlFree(v);
    }
    if (is_img && !has_src) {
        /* An image without a usable source would only show as broken. */
        st->out.len = mark;
        if (st->out.data)
            st->out.data[mark] = '\0';
        return 0;
    }
    if (strcmp(name, "a") == 0)
        buf_puts(&st->out, " rel=\"noopener noreferrer nofollow\"");
    if (is_img)
        buf_puts(&st->out, " loading=\"lazy\"");
    buf_putc(&st->out, '>');
    return 1;
}

static int
is_void(const char *name)
{
    return strcmp(name, "br") == 0 || strcmp(name, "hr") == 0 || strcmp(name, "img") == 0;
}

/* Writes what node contributes before its children; 1 to visit them. */
static int
san_enter(struct san *st, xmlNodePtr node)
{
    char name[16];

    if (node->type == XML_TEXT_NODE) {
        if (node->content != NULL && st->out.len < SAN_SOFT_MAX)
            buf_append_html(&st->out, (const char *)node->content,
                            strlen((const char *)node->content));
        return 0;
    }
    if (node->type != XML_ELEMENT_NODE)
        return 0; /* comments, processing instructions, CDATA, DTD */
    if (st->out.len >= SAN_SOFT_MAX)
        return 0;
    if (!lower_name(node->name, name, sizeof name))
        return 1; /* unknown element: keep its text */
    if (in_list(name, san_dropped, LEN(san_dropped)))
        return 0;
    if (node == st->wrap || !in_list(name, san_allowed, LEN(san_allowed)))
        return 1;
    if (st->depth >= SAN_MAX_DEPTH)
        return 1;
    if (!san_open(st, node, name))
        return 0;
    if (is_void(name))
        return 0;
    st->depth++;
    node->_private = st; /* marks an open tag for san_leave */
    return 1;
}

static void
san_leave(struct san *st, xmlNodePtr node)
{
    if (node->type != XML_ELEMENT_NODE || node->_private != st)
        return;
    node->_private = NULL;
    st->depth--;
    buf_puts(&st->out, "</");
    buf_puts(&st->out, (const char *)node->name);
    buf_putc(&st->out, '>');
}

/* Depth-first without recursion: libxml2 does not bound HTML nesting. */
static void
san_walk(struct san *st, xmlDocPtr doc)
{
    xmlNodePtr node = doc->children;

    while (node != NULL) {
        if (san_enter(st, node)) {
            if (node->children != NULL) {
                node = node->children;
                continue;
            }
            san_leave(st, node);
        }
        while (node->next == NULL) {
            node = node->parent;
            if (node == NULL || node == (xmlNodePtr)doc)
                return;
            san_leave(st, node);
        }
        node = node->next;
    }
}

/* Our wrapper is the first <div> of the document. */
static xmlNodePtr
san_find_wrap(xmlDocPtr doc)
{
    xmlNodePtr node = doc->children;

    while (node != NULL) {
        if (node->type == XML_ELEMENT_NODE && xmlStrcasecmp(node->name, BAD_CAST "div") == 0)
            return xmlHasProp(node, BAD_CAST "data-almanac-wrap") ? node : NULL;
        if (node->type == XML_ELEMENT_NODE && node->children != NULL) {
            node = node->children;
            continue;
        }
        while (node->next == NULL) {
            node = node->parent;
            if (node == NULL || node == (xmlNodePtr)doc)
                return NULL;
        }
        node = node->next;
    }
    return NULL;
}

/*
 * Prepares the parser's input: well-formed UTF-8 without NULs, CDATA
 * sections removed, and every character reference rewritten as a numeric
 * one, because libxml2 knows only the HTML 4 names and the old numeric
 * rules; numeric ones it decodes in text and attributes alike.
 */
static void
san_prepare(const unsigned char *s, size_t n, struct buf *b)
{
    size_t i = 0;

    while (i < n) {
        size_t start = i, skip = 1, k;

        for (;;) {
            while (i < n && s[i] < 0x80 && s[i] != '&' && s[i] != '<' && s[i] != 0)
                i++;
            if (i < n && s[i] >= 0x80 && (k = utf8_valid(s + i, n - i, &skip)) != 0) {
                i += k;
                continue;
            }
            break;
        }
        buf_append(b, s + start, i - start);
        if (i >= n)
            break;
        if (s[i] == 0) {
            i++;
        } else if (s[i] >= 0x80) {
            buf_append(b, "\xEF\xBF\xBD", 3);
            i += skip;
        } else if (s[i] == '<') {
            if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
                const unsigned char *e = find(s + i + 9, n - i - 9, "]]>", 3);

                i = e ? (size_t)(e - s) + 3 : n;
            } else {
                buf_putc(b, '<');
                i++;
            }
        } else {
            char tmp[4];
            const char *p;
            size_t len;

            k = ref_decode(s + i, n - i, REF_ATTR, tmp, &p, &len);
            if (k == 0) {
                buf_putc(b, '&');
                i++;
                continue;
            }
            for (size_t j = 0; j < len;) {
                size_t cl = utf8_valid((const unsigned char *)p + j, len - j, &skip);

                if (cl == 0)
                    break; /* cannot happen: the table is UTF-8 */
                buf_printf(b, "&#x%X;", (unsigned)utf8_get((const unsigned char *)p + j, cl));
                j += cl;
            }
            i += k;
        }
    }
}

#if LIBXML_VERSION >= 21200
static void
san_silent(void *ctx, const xmlError *err)
#else
static void
san_silent(void *ctx, xmlErrorPtr err)
#endif
{
    (void)ctx;
    (void)err;
}

char *
html_sanitize(const char *html, size_t n, const char *base_url)
{
    const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                     HTML_PARSE_NONET | HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC;
    const unsigned char *s = (const unsigned char *)html;
    /* san_prepare writes at most 4 bytes per input byte ("&nLt;" is 16). */
    struct buf in = BUF_INIT(4 * HTML_SANITIZE_MAX_IN + sizeof SAN_WRAP + 64);
    struct san st;
    htmlParserCtxtPtr ctxt;
    xmlDocPtr doc = NULL;
    xmlStructuredErrorFunc saved_fn;
    void *saved_ctx;

    buf_init(&st.out, BUF_MAX_DEFAULT);
    st.base = base_url;
    st.wrap = NULL;
    st.depth = 0;
    if (n > HTML_SANITIZE_MAX_IN) {
        /* Cut before a character, not inside one. */
        n = HTML_SANITIZE_MAX_IN;
        for (int back = 0; back < 3 && n > 0 && (s[n] & 0xC0) == 0x80; back++)
            n--;
    }
    /* The wrapper keeps libxml2 from wrapping leading text in a <p>. */
    buf_puts(&in, SAN_WRAP);
    san_prepare(s, n, &in);

    ctxt = htmlNewParserCtxt();
    if (ctxt != NULL) {
        /* Belt and braces: nothing libxml2 reports may reach stderr. */
        saved_fn = xmlStructuredError;
        saved_ctx = xmlStructuredErrorContext;
        xmlSetStructuredErrorFunc(NULL, san_silent);
        doc = htmlCtxtReadMemory(ctxt, in.data, (int)in.len, NULL, "UTF-8", opts);
        xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    }
    if (doc != NULL) {
        st.wrap = san_find_wrap(doc);
        san_walk(&st, doc);
        xmlFreeDoc(doc);
    }
    if (ctxt != NULL)
        htmlFreeParserCtxt(ctxt);
    buf_free(&in);
    return buf_take(&st.out);
}
