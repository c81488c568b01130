/*
 * sanitize.c - the allowlist sanitizer for showing feed HTML (html_sanitize).
 *
 * A hand-written single-pass scanner, because it runs on every feed item.
 * It follows HTML5's tokenizer for tags, attributes, comments and raw text,
 * so it sees the markup the way a browser would, but it builds no tree: it
 * writes allowed tokens straight back out, with a stack of open elements
 * keeping the output balanced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "html/html.h"
#include "html/scan.h"

/*
 * One pass: the tokenizer follows HTML5 for tags, attributes, comments and
 * raw text; each token is written back at once, or not at all. A stack of
 * the allowed elements open in the output gives every end tag its match,
 * and a few of HTML5's tree rules (a new <p>, <li> or <td> closes the open
 * one) keep the structure close to what a browser would build.
 *
 * No append can fail: each turn of the main loop (a run of text and one
 * tag) starts below SAN_SOFT_MAX and writes at most 6 bytes per input byte
 * it reads ('"' becomes "&quot;"), one base URL of at most SAN_BASE_MAX
 * and a few KiB of tags, so the output stays under 16 + 6 * 4 MiB and a
 * little, well below BUF_MAX_DEFAULT (64 MiB).
 */

/* Output past this stops the pass (open elements are still closed). */
#define SAN_SOFT_MAX ((size_t)16 << 20)
/* Allowed start tags nested deeper than this are dropped; their text stays. */
#define SAN_MAX_DEPTH 256
/* Past this length a base URL resolves nothing: relative URLs are dropped. */
#define SAN_BASE_MAX ((size_t)64 << 10)
/* Room for the longest element name in the table and its NUL. */
#define SAN_NAME 12

enum {
    EF_ALLOW = 1 << 0,    /* written out */
    EF_VOID = 1 << 1,     /* no content and no end tag */
    EF_RAW = 1 << 2,      /* raw text up to its own end tag; all dropped */
    EF_SKIP = 1 << 3,     /* dropped with everything up to its end tag */
    EF_PLAIN = 1 << 4,    /* <plaintext>: the rest of the input is dropped */
    EF_FOREIGN = 1 << 5,  /* svg, math: no raw text inside, "/>" closes */
    EF_CLOSE_P = 1 << 6,  /* the start tag closes an open <p> */
    EF_SPECIAL = 1 << 7,  /* ends HTML5's search for an <li>, <dd>, <dt> to close */
    EF_SCOPE = 1 << 8,    /* td, th, caption, table: most end tags stop here */
    EF_P = 1 << 9,
    EF_LI = 1 << 10,
    EF_DDT = 1 << 11,     /* dd, dt */
    EF_HEADING = 1 << 12, /* h1 to h6 */
    EF_A = 1 << 13,
    EF_CELL = 1 << 14,    /* td, th */
    EF_ROW = 1 << 15,     /* tr */
    EF_TSECT = 1 << 16,   /* tbody, thead, tfoot */
    EF_TABLE = 1 << 17,
    EF_LIST = 1 << 18,    /* ul, ol */
    EF_IMG = 1 << 19,
    EF_BR = 1 << 20,
    EF_HEAD = 1 << 21,
    EF_BODY = 1 << 22,
    EF_TABLE_PART = 1 << 23, /* caption, tbody, thead, tfoot, tr, td, th */
};

/* The attributes kept anywhere; the first three hold URLs. */
enum {
    AT_HREF, AT_SRC, AT_CITE, AT_TITLE, AT_ALT, AT_WIDTH, AT_HEIGHT, AT_START,
    AT_COLSPAN, AT_ROWSPAN, AT_DATETIME, AT_COUNT
};
#define AT(k) (1u << (k))

static const char *const san_attr_names[AT_COUNT] = {
    "href", "src", "cite", "title", "alt", "width", "height", "start",
    "colspan", "rowspan", "datetime",
};

#define BLOCK (EF_ALLOW | EF_CLOSE_P | EF_SPECIAL)
#define CELL (EF_ALLOW | EF_SPECIAL | EF_SCOPE | EF_CELL | EF_TABLE_PART)
#define TSECT (EF_ALLOW | EF_SPECIAL | EF_TSECT | EF_TABLE_PART)

/*
 * Every element the sanitizer treats in some way, in byte order for the
 * binary search; any other element is left out and its text kept.
 */
static const struct san_elem {
    char name[SAN_NAME];
    uint32_t flags;
    unsigned attrs; /* AT() bits kept on this element */
} san_elems[] = {
    { "a", EF_ALLOW | EF_A, AT(AT_HREF) | AT(AT_TITLE) },
    { "abbr", EF_ALLOW, AT(AT_TITLE) },
    { "address", EF_CLOSE_P, 0 },
    { "applet", EF_SKIP, 0 },
    { "article", EF_CLOSE_P, 0 },
    { "aside", EF_CLOSE_P, 0 },
    { "b", EF_ALLOW, 0 },
    { "blockquote", BLOCK, AT(AT_CITE) },
    { "body", EF_BODY, 0 },
    { "br", EF_ALLOW | EF_VOID | EF_SPECIAL | EF_BR, 0 },
    { "button", EF_SKIP, 0 },
    { "caption", EF_ALLOW | EF_SPECIAL | EF_SCOPE | EF_TABLE_PART, 0 },
    { "center", EF_CLOSE_P, 0 },
    { "cite", EF_ALLOW, 0 },
    { "code", EF_ALLOW, 0 },
    { "datalist", EF_SKIP, 0 },
    { "dd", BLOCK | EF_DDT, 0 },
    { "del", EF_ALLOW, AT(AT_CITE) },
    { "details", BLOCK, 0 },
    { "dfn", EF_ALLOW, 0 },
    { "dialog", EF_CLOSE_P, 0 },
    { "dir", EF_CLOSE_P, 0 },
    { "div", EF_ALLOW | EF_CLOSE_P, 0 },
    { "dl", BLOCK, 0 },
    { "dt", BLOCK | EF_DDT, 0 },
    { "em", EF_ALLOW, 0 },
    { "fieldset", EF_CLOSE_P, 0 },
    { "figcaption", BLOCK, 0 },
    { "figure", BLOCK, 0 },
    { "footer", EF_CLOSE_P, 0 },
    { "form", EF_SKIP | EF_CLOSE_P, 0 },
    { "frameset", EF_SKIP, 0 },
    { "h1", BLOCK | EF_HEADING, 0 },
    { "h2", BLOCK | EF_HEADING, 0 },
    { "h3", BLOCK | EF_HEADING, 0 },
    { "h4", BLOCK | EF_HEADING, 0 },
    { "h5", BLOCK | EF_HEADING, 0 },
    { "h6", BLOCK | EF_HEADING, 0 },
    { "head", EF_SKIP | EF_HEAD, 0 },
    { "header", EF_CLOSE_P, 0 },
    { "hgroup", EF_CLOSE_P, 0 },
    { "hr", BLOCK | EF_VOID, 0 },
    { "i", EF_ALLOW, 0 },
    { "iframe", EF_RAW, 0 },
    { "img", EF_ALLOW | EF_VOID | EF_SPECIAL | EF_IMG,
      AT(AT_SRC) | AT(AT_ALT) | AT(AT_TITLE) | AT(AT_WIDTH) | AT(AT_HEIGHT) },
    { "ins", EF_ALLOW, AT(AT_CITE) },
    { "kbd", EF_ALLOW, 0 },
    { "li", BLOCK | EF_LI, 0 },
    { "listing", EF_CLOSE_P, 0 },
    { "main", EF_CLOSE_P, 0 },
    { "mark", EF_ALLOW, 0 },
    { "math", EF_SKIP | EF_FOREIGN, 0 },
    { "menu", EF_CLOSE_P, 0 },
    { "nav", EF_CLOSE_P, 0 },
    { "noembed", EF_RAW, 0 },
    { "noframes", EF_RAW, 0 },
    { "noscript", EF_RAW, 0 },
    { "object", EF_SKIP, 0 },
    { "ol", BLOCK | EF_LIST, AT(AT_START) },
    { "p", EF_ALLOW | EF_CLOSE_P | EF_P, 0 },
    { "plaintext", EF_PLAIN | EF_CLOSE_P, 0 },
    { "pre", BLOCK, 0 },
    { "q", EF_ALLOW, AT(AT_CITE) },
    { "s", EF_ALLOW, 0 },
    { "samp", EF_ALLOW, 0 },
    { "script", EF_RAW, 0 },
    { "search", EF_CLOSE_P, 0 },
    { "section", EF_CLOSE_P, 0 },
    { "select", EF_SKIP, 0 },
    { "small", EF_ALLOW, 0 },
    { "span", EF_ALLOW, 0 },
    { "strong", EF_ALLOW, 0 },
    { "style", EF_RAW, 0 },
    { "sub", EF_ALLOW, 0 },
    { "summary", BLOCK, 0 },
    { "sup", EF_ALLOW, 0 },
    { "svg", EF_SKIP | EF_FOREIGN, 0 },
    { "table", BLOCK | EF_SCOPE | EF_TABLE, 0 },
    { "tbody", TSECT, 0 },
    { "td", CELL, AT(AT_COLSPAN) | AT(AT_ROWSPAN) },
    { "template", EF_SKIP, 0 },
    { "textarea", EF_RAW, 0 },
    { "tfoot", TSECT, 0 },
    { "th", CELL, AT(AT_COLSPAN) | AT(AT_ROWSPAN) },
    { "thead", TSECT, 0 },
    { "time", EF_ALLOW, AT(AT_DATETIME) },
    { "title", EF_RAW, 0 },
    { "tr", EF_ALLOW | EF_SPECIAL | EF_ROW | EF_TABLE_PART, 0 },
    { "u", EF_ALLOW, 0 },
    { "ul", BLOCK | EF_LIST, 0 },
    { "var", EF_ALLOW, 0 },
    { "xmp", EF_RAW | EF_CLOSE_P, 0 },
};

#undef BLOCK
#undef CELL
#undef TSECT

#define SAN_NELEMS (sizeof san_elems / sizeof san_elems[0])

/*
 * Byte classes. CLS_TEXT ends a run of text copied as is: markup and
 * quote characters, '&', C0 controls but tab, LF and CR (dropped: XML
 * cannot carry them, so the output stays fit for feeds we write), and every
 * non-ASCII byte, which is checked as UTF-8. CLS_ATTR ends a run inside an
 * attribute value: '&', the same controls, non-ASCII.
 */
#define CLS_TEXT 1
#define CLS_ATTR 2
#define C_ 3
#define X16 C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_
static const unsigned char san_cls[256] = {
    C_, C_, C_, C_, C_, C_, C_, C_, C_, 0, 0, C_, C_, 0, C_, C_,
    X16,
    0, 0, CLS_TEXT, 0, 0, 0, C_, CLS_TEXT, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CLS_TEXT, 0, CLS_TEXT, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    X16, X16, X16, X16, X16, X16, X16, X16,
};
#undef X16
#undef C_

/* One attribute kept from a start tag. */
struct san_attr {
    int kind;                /* AT_* */
    const unsigned char *v;  /* the raw value in the input */
    size_t len;
};

struct san_tag {
    int selfclose;                    /* ended in "/>" */
    int nattr;
    struct san_attr attr[AT_COUNT];   /* in input order, the first of each kind */
};

/*
 * The groups of open elements HTML5's tree rules look for. Each stack entry
 * knows the nearest entry of every group at or below it, so "is a <p> open
 * in scope" is two lookups instead of a walk down the stack.
 */
enum {
    G_P, G_A, G_LI, G_DDT, G_CELL, G_ROW, G_TSECT, G_TABLE, G_SCOPE, G_LIST,
    G_SPECIAL, /* special elements but li, dd and dt */
    G_COUNT
};

static const uint32_t san_group_flag[G_SPECIAL] = {
    EF_P, EF_A, EF_LI, EF_DDT, EF_CELL, EF_ROW, EF_TSECT, EF_TABLE, EF_SCOPE, EF_LIST,
};

/* An allowed element open in the output. */
struct san_open {
    unsigned char id;    /* san_elems index */
    short prev;          /* depth of the next one down with the same id, or -1 */
    short near[G_COUNT]; /* depth of the nearest at or below, per group, or -1 */
};

struct san {
    struct buf out;
    struct buf val;          /* the attribute value being decoded */
    const char *base;        /* NULL: relative URLs stay relative */
    char *base_copy;         /* base_url made safe to write, when it was not */
    int base_too_long;       /* relative URLs are dropped */
    int depth;               /* allowed elements open in the output */
    int over;                /* start tags dropped past SAN_MAX_DEPTH, not yet ended */
    int skip;                /* element dropped with its content, or -1 */
    /* While skipping: open elements inside it, by san_elems index. */
    unsigned skip_open[SAN_NELEMS];
    short top[SAN_NELEMS];   /* depth of the nearest open one, per id, or -1 */
    struct san_open stack[SAN_MAX_DEPTH];
};

/* HTML5's ASCII whitespace (no vertical tab). */
static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static const char *
san_escape(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL; /* a control character: dropped */
    }
}

/* Writes decoded text p (valid UTF-8) escaped, without control characters. */
static void
san_put_text(struct san *st, const char *p, size_t n)
{
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        const char *e;

        if (!(san_cls[(unsigned char)p[i]] & CLS_TEXT) || (unsigned char)p[i] >= 0x80)
            continue;
        buf_append(&st->out, p + run, i - run);
        if ((e = san_escape((unsigned char)p[i])) != NULL)
            buf_puts(&st->out, e);
        run = i + 1;
    }
    buf_append(&st->out, p + run, n - run);
}

/* Names compare as big-endian numbers: the order of memcmp, without a call. */
static inline uint64_t
be64(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;

    return (uint64_t)u[0] << 56 | (uint64_t)u[1] << 48 | (uint64_t)u[2] << 40 |
           (uint64_t)u[3] << 32 | (uint64_t)u[4] << 24 | (uint64_t)u[5] << 16 |
           (uint64_t)u[6] << 8 | u[7];
}

static inline uint32_t
be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;

    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

/*
 * j is at the first byte of a tag name: returns its index in san_elems or
 * -1, and in *end the index just past the name.
 */
static int
san_elem(const unsigned char *s, size_t n, size_t j, size_t *end)
{
    char key[SAN_NAME];
    size_t len = 0, lo = 0, hi = SAN_NELEMS;
    uint64_t k0;
    uint32_t k1;
    int ok = 1;

    memset(key, 0, sizeof key);
    for (; j < n && !is_space(s[j]) && s[j] != '/' && s[j] != '>'; j++, len++) {
        /* A NUL makes U+FFFD in HTML5: no name we know has one. */
        if (len + 1 < sizeof key && s[j] != 0)
            key[len] = (char)html_lower(s[j]);
        else
            ok = 0;
    }
    *end = j;
    if (!ok)
        return -1;
    k0 = be64(key);
    k1 = be32(key + 8);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t m0 = be64(san_elems[mid].name);
        uint32_t m1 = be32(san_elems[mid].name + 8);

        if (k0 == m0 && k1 == m1)
            return (int)mid;
        if (k0 < m0 || (k0 == m0 && k1 < m1))
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* The AT_* kind among want of attribute name p (n bytes, any case), or -1. */
static int
san_attr_kind(const unsigned char *p, size_t n, unsigned want)
{
    char name[9];

    if (n < 3 || n >= sizeof name)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0)
            return -1; /* U+FFFD in HTML5: no name we keep */
        name[i] = (char)html_lower(p[i]);
    }
    name[n] = '\0';
    for (int k = 0; k < AT_COUNT; k++)
        if ((want & AT(k)) && strcmp(name, san_attr_names[k]) == 0)
            return k;
    return -1;
}

/*
 * k is just past a tag name: reads the attributes the way HTML5's
 * tokenizer does (values double-, single- or unquoted, or none; junk makes
 * names) and keeps in t the first attribute of each kind in want. Returns
 * the index after the closing '>', or 0 when the input ends in the tag.
 */
static size_t
san_attrs(const unsigned char *s, size_t n, size_t k, unsigned want, struct san_tag *t)
{
    unsigned seen = 0;

    t->selfclose = 0;
    t->nattr = 0;
    while (k < n) {
        const unsigned char *name, *v;
        size_t nlen, vlen = 0;
        int kind;

        if (s[k] == '>')
            return k + 1;
        if (is_space(s[k])) {
            k++;
            continue;
        }
        if (s[k] == '/') {
            k++;
            if (k < n && s[k] == '>') {
                t->selfclose = 1;
                return k + 1;
            }
            continue;
        }
        /* A name; its first byte may be anything, even '=' or a quote. */
        name = s + k++;
        while (k < n && !is_space(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=')
            k++;
        nlen = (size_t)(s + k - name);
        v = s + k;
        while (k < n && is_space(s[k]))
            k++;
        if (k < n && s[k] == '=') {
            k++;
            while (k < n && is_space(s[k]))
                k++;
            if (k >= n)
                return 0;
            if (s[k] == '"' || s[k] == '\'') {
                const unsigned char *q = memchr(s + k + 1, s[k], n - k - 1);

                if (q == NULL)
                    return 0;
                v = s + k + 1;
                vlen = (size_t)(q - v);
                k = (size_t)(q - s) + 1;
            } else {
                v = s + k;
                while (k < n && !is_space(s[k]) && s[k] != '>')
                    k++;
                vlen = (size_t)(s + k - v);
            }
        }
        if (want == 0 || (kind = san_attr_kind(name, nlen, want)) < 0 || (seen & AT(kind)))
            continue;
        seen |= AT(kind);
        t->attr[t->nattr].kind = kind;
        t->attr[t->nattr].v = v;
        t->attr[t->nattr].len = vlen;
        t->nattr++;
    }
    return 0;
}

/*
 * Decodes an attribute value into st->val: references (attribute rules),
 * invalid UTF-8 made U+FFFD, NUL and other control characters but tab, LF
 * and CR dropped. The result has no NUL inside.
 */
static void
san_value(struct san *st, const unsigned char *s, size_t n)
{
    size_t i = 0;

    buf_reset(&st->val);
    while (i < n) {
        size_t start = i, skip = 1, k;

        for (;;) {
            while (i < n && !(san_cls[s[i]] & CLS_ATTR))
                i++;
            if (i < n && s[i] >= 0x80 && (k = html_utf8_valid(s + i, n - i, &skip)) != 0) {
                i += k;
                continue;
            }
            break;
        }
        buf_append(&st->val, s + start, i - start);
        if (i >= n)
            break;
        if (s[i] >= 0x80) {
            buf_append(&st->val, "\xEF\xBF\xBD", 3);
            i += skip;
        } else if (s[i] == '&') {
            char tmp[4];
            const char *p;
            size_t len;

            k = html_ref_decode(s + i, n - i, HTML_REF_ATTR, tmp, &p, &len);
            if (k == 0) {
                buf_putc(&st->val, '&');
                i++;
            } else {
                if (len > 1 || (unsigned char)p[0] >= 0x20 || !san_cls[(unsigned char)p[0]])
                    buf_append(&st->val, p, len);
                i += k;
            }
        } else {
            i++;
        }
    }
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
        if (!html_is_alpha(*p) && (len == 0 || (!html_is_alnum(*p) && !strchr("+-.", *p))))
            return 0;
        if (len + 1 >= sizeof sch)
            return 0;
        sch[len++] = (char)html_lower(*p);
    }
    sch[len] = '\0';
    for (size_t i = 0; i < LEN(ok); i++)
        if (strcmp(sch, ok[i]) == 0)
            return 1;
    return 0;
}

/*
 * The URL to write for decoded attribute value v (z bytes), or NULL to
 * drop the attribute: empty, a scheme we do not allow, or relative with a
 * base too long to use.
 */
static char *
san_url(const struct san *st, const char *v, size_t z)
{
    size_t a = 0, len = 0;
    char *u, *r;
    int rel;

    /*
     * The URL parser trims C0 controls and spaces and drops tab, CR and LF
     * anywhere; we drop every control, then trim spaces, so what we check
     * is what we write.
     */
    u = xmalloc(z + 1);
    for (size_t i = 0; i < z; i++)
        if ((unsigned char)v[i] >= 0x20 && v[i] != 0x7F)
            u[len++] = v[i];
    while (len > 0 && u[len - 1] == ' ')
        len--;
    u[len] = '\0';
    while (u[a] == ' ')
        a++;
    if (a > 0)
        memmove(u, u + a, len - a + 1);
    if (u[0] == '\0' || !san_scheme_ok(u, &rel) || (rel && st->base_too_long)) {
        free(u);
        return NULL;
    }
    if (!rel || st->base == NULL)
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
san_put_attr(struct san *st, int kind, const char *v, size_t n)
{
    buf_putc(&st->out, ' ');
    buf_puts(&st->out, san_attr_names[kind]);
    buf_append(&st->out, "=\"", 2);
    san_put_text(st, v, n);
    buf_putc(&st->out, '"');
}

static void
san_push(struct san *st, int id)
{
    struct san_open *e = &st->stack[st->depth];
    uint32_t f = san_elems[id].flags;

    e->id = (unsigned char)id;
    e->prev = st->top[id];
    st->top[id] = (short)st->depth;
    if (st->depth > 0)
        memcpy(e->near, st->stack[st->depth - 1].near, sizeof e->near);
    else
        memset(e->near, 0xFF, sizeof e->near); /* all -1 */
    for (int g = 0; g < G_SPECIAL; g++)
        if (f & san_group_flag[g])
            e->near[g] = (short)st->depth;
    if ((f & EF_SPECIAL) && !(f & (EF_LI | EF_DDT)))
        e->near[G_SPECIAL] = (short)st->depth;
    st->depth++;
}

/* Closes the open elements down to depth d, writing their end tags. */
static void
san_pop_to(struct san *st, int d)
{
    while (st->depth > d) {
        const struct san_open *e = &st->stack[--st->depth];
        const char *name = san_elems[e->id].name;
        size_t len = strlen(name);
        char tag[SAN_NAME + 3];

        st->top[e->id] = e->prev;
        tag[0] = '<';
        tag[1] = '/';
        memcpy(tag + 2, name, len);
        tag[len + 2] = '>';
        buf_append(&st->out, tag, len + 3);
    }
}

/* Depth of the nearest open element of group g, or -1. */
static int
san_near(const struct san *st, int g)
{
    return st->depth > 0 ? st->stack[st->depth - 1].near[g] : -1;
}

static int
max2(int a, int b)
{
    return a > b ? a : b;
}

/* Of depths a and b, the lower one that is above stop, or -1. */
static int
lowest_above(int a, int b, int stop)
{
    if (a > stop && (b <= stop || a < b))
        return a;
    return b > stop ? b : -1;
}

/* The depth of open element id that its end tag closes (HTML5 scopes), or -1. */
static int
san_find_open(const struct san *st, int id)
{
    uint32_t f = san_elems[id].flags;
    int d = st->top[id], stop;

    if (d < 0 || (f & EF_TABLE))
        return d;
    if (f & (EF_SCOPE | EF_ROW | EF_TSECT))
        stop = san_near(st, G_TABLE);
    else if (f & EF_LI)
        stop = max2(san_near(st, G_SCOPE), san_near(st, G_LIST));
    else
        stop = san_near(st, G_SCOPE);
    return d > stop ? d : -1;
}

/* The elements a start tag with flags f closes first, as HTML5 would. */
static void
san_implied(struct san *st, uint32_t f)
{
    int d = -1, stop;

    /* A new li closes the open li, unless another special element is nearer. */
    if (f & EF_LI) {
        d = san_near(st, G_LI);
        if (d > max2(san_near(st, G_SPECIAL), san_near(st, G_DDT)))
            san_pop_to(st, d);
    } else if (f & EF_DDT) {
        d = san_near(st, G_DDT);
        if (d > max2(san_near(st, G_SPECIAL), san_near(st, G_LI)))
            san_pop_to(st, d);
    }
    if (f & EF_CLOSE_P) {
        d = san_near(st, G_P);
        if (d > san_near(st, G_SCOPE))
            san_pop_to(st, d);
    }
    if ((f & EF_HEADING) && st->depth > 0 &&
        (san_elems[st->stack[st->depth - 1].id].flags & EF_HEADING))
        san_pop_to(st, st->depth - 1);
    d = -1;
    if ((f & EF_TABLE) && st->depth > 0 &&
        (san_elems[st->stack[st->depth - 1].id].flags & (EF_TABLE | EF_TSECT | EF_ROW))) {
        /* A table straight inside a table ends the outer one. */
        d = san_near(st, G_TABLE);
    } else if (f & EF_A) {
        d = san_near(st, G_A);
        if (d <= san_near(st, G_SCOPE))
            d = -1;
    } else if (f & EF_CELL) {
        stop = max2(san_near(st, G_ROW), max2(san_near(st, G_TSECT), san_near(st, G_TABLE)));
        d = san_near(st, G_CELL);
        if (d <= stop)
            d = -1;
    } else if (f & EF_ROW) {
        stop = max2(san_near(st, G_TSECT), san_near(st, G_TABLE));
        d = lowest_above(san_near(st, G_ROW), san_near(st, G_CELL), stop);
    } else if (f & EF_TSECT) {
        stop = san_near(st, G_TABLE);
        d = lowest_above(san_near(st, G_TSECT),
                         lowest_above(san_near(st, G_ROW), san_near(st, G_CELL), stop), stop);
    }
    if (d >= 0)
        san_pop_to(st, d);
}

/*
 * Whether a table part (flags f) may open here, after san_implied: a cell
 * in a row, section or table, a row in a section or table, a section or
 * caption in a table. HTML5 ignores the others, or moves them elsewhere.
 */
static int
san_table_ok(const struct san *st, uint32_t f)
{
    uint32_t top;

    if (!(f & EF_TABLE_PART))
        return 1;
    if (st->depth == 0)
        return 0;
    top = san_elems[st->stack[st->depth - 1].id].flags;
    if (f & EF_CELL)
        return (top & (EF_ROW | EF_TSECT | EF_TABLE)) != 0;
    if (f & EF_ROW)
        return (top & (EF_TSECT | EF_TABLE)) != 0;
    return (top & EF_TABLE) != 0;
}

/* Writes the start tag of allowed element id, unless it must be left out. */
static void
san_open(struct san *st, int id, const struct san_tag *t)
{
    const struct san_elem *el = &san_elems[id];
    size_t mark = st->out.len;
    int has_src = 0;

    if (!(el->flags & EF_VOID) && st->depth >= SAN_MAX_DEPTH) {
        st->over++;
        return;
    }
    buf_putc(&st->out, '<');
    buf_puts(&st->out, el->name);
    for (int i = 0; i < t->nattr; i++) {
        const struct san_attr *a = &t->attr[i];

        san_value(st, a->v, a->len);
        if (a->kind <= AT_CITE) {
            char *u = san_url(st, buf_cstr(&st->val), st->val.len);

            if (u == NULL)
                continue;
            san_put_attr(st, a->kind, u, strlen(u));
            has_src |= a->kind == AT_SRC;
            free(u);
        } else {
            san_put_attr(st, a->kind, buf_cstr(&st->val), st->val.len);
        }
    }
    if ((el->flags & EF_IMG) && !has_src) {
        /* An image without a usable source would only show as broken. */
        st->out.len = mark;
        if (st->out.data)
            st->out.data[mark] = '\0';
        return;
    }
    if (el->flags & EF_A)
        buf_puts(&st->out, " rel=\"noopener noreferrer nofollow\"");
    if (el->flags & EF_IMG)
        buf_puts(&st->out, " loading=\"lazy\"");
    buf_putc(&st->out, '>');
    if (!(el->flags & EF_VOID))
        san_push(st, id);
}

/* j is at the first letter of a start tag's name; returns where to go on. */
static size_t
san_start_tag(struct san *st, const unsigned char *s, size_t n, size_t j)
{
    struct san_tag t;
    size_t k, e;
    int id = san_elem(s, n, j, &k);
    uint32_t f = id >= 0 ? san_elems[id].flags : 0;

    e = san_attrs(s, n, k, st->skip < 0 && (f & EF_ALLOW) ? san_elems[id].attrs : 0, &t);
    if (e == 0)
        return n; /* HTML5 drops a tag cut by the end of input */
    if (id < 0)
        return e;
    if (st->skip >= 0) {
        uint32_t sf = san_elems[st->skip].flags;

        /* Counted so that an end tag inside finds its own start. */
        if ((id == st->skip || (f & EF_ALLOW)) && !(f & EF_VOID) &&
            !(t.selfclose && (id == st->skip || (sf & EF_FOREIGN))))
            st->skip_open[id]++;
        if ((sf & EF_HEAD) && (f & EF_BODY))
            st->skip = -1; /* <body> ends an unclosed <head> */
        if (sf & EF_FOREIGN)
            return e; /* <style> in <svg> is not raw text */
    } else if (f & EF_SKIP) {
        san_implied(st, f);
        /* "/>" is honoured here, where it costs nothing to be generous. */
        if (!t.selfclose) {
            memset(st->skip_open, 0, sizeof st->skip_open);
            st->skip = id;
            st->skip_open[id] = 1;
        }
        return e;
    } else {
        san_implied(st, f);
        if ((f & EF_ALLOW) && san_table_ok(st, f))
            san_open(st, id, &t);
    }
    if (f & EF_RAW)
        return html_skip_raw(s, n, e, san_elems[id].name);
    if (f & EF_PLAIN)
        return n;
    return e;
}

/* j is at the first letter of an end tag's name; returns where to go on. */
static size_t
san_end_tag(struct san *st, const unsigned char *s, size_t n, size_t j)
{
    struct san_tag t;
    size_t k, e;
    int id = san_elem(s, n, j, &k), d;
    uint32_t f;

    e = san_attrs(s, n, k, 0, &t);
    if (e == 0)
        return n;
    if (id < 0)
        return e;
    f = san_elems[id].flags;
    if (st->skip >= 0) {
        if (st->skip_open[id] > 0) {
            if (--st->skip_open[id] == 0 && id == st->skip)
                st->skip = -1;
            return e;
        }
        /*
         * The end tag of an element open outside ends the dropped one too,
         * as in a browser, instead of dropping the rest of the input.
         */
        if (!(f & EF_ALLOW) || san_find_open(st, id) < 0)
            return e;
        st->skip = -1;
    }
    if (f & EF_BR) {
        buf_append(&st->out, "<br>", 4); /* HTML5 reads </br> as <br> */
        return e;
    }
    if (!(f & EF_ALLOW) || (f & EF_VOID))
        return e;
    if (st->over > 0) {
        st->over--;
        return e;
    }
    if ((d = san_find_open(st, id)) >= 0)
        san_pop_to(st, d);
    return e;
}

/* s[i] == '<': handles the markup there; returns where to go on. */
static size_t
san_markup(struct san *st, const unsigned char *s, size_t n, size_t i)
{
    size_t j = i + 1;

    if (j < n && html_is_alpha(s[j]))
        return san_start_tag(st, s, n, j);
    if (j < n && s[j] == '/') {
        if (j + 1 < n && html_is_alpha(s[j + 1]))
            return san_end_tag(st, s, n, j + 1);
        if (j + 1 < n && s[j + 1] == '>')
            return j + 2;
        if (j + 1 < n)
            goto bogus;
        if (st->skip < 0)
            buf_append(&st->out, "&lt;/", 5);
        return n;
    }
    if (j < n && s[j] == '!') {
        if (n - j >= 3 && s[j + 1] == '-' && s[j + 2] == '-')
            return html_comment_end(s, n, j + 3);
        if (n - j >= 8 && memcmp(s + j, "![CDATA[", 8) == 0) {
            /* Only foreign content has CDATA, but no browser shows it. */
            const unsigned char *c = html_find(s + j + 8, n - j - 8, "]]>", 3);

            return c ? (size_t)(c - s) + 3 : n;
        }
        goto bogus;
    }
    if (j < n && s[j] == '?')
        goto bogus;
    if (st->skip < 0)
        buf_append(&st->out, "&lt;", 4);
    return j;
bogus:
    /* <!DOCTYPE>, <?php ?>, </ 3>: a comment up to the first '>' */
    {
        const unsigned char *gt = memchr(s + j, '>', n - j);

        return gt ? (size_t)(gt - s) + 1 : n;
    }
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Nonzero when a byte of w is below c (c <= 128), or equal to c. */
#define HAS_LESS(w, c) (((w) - ONES * (c)) & ~(w) & HIGHS)
#define HAS_BYTE(w, c) HAS_LESS((w) ^ (ONES * (c)), 1)

/*
 * Skips plain ASCII text from i: returns the index of the first byte with
 * CLS_TEXT, or n. Eight bytes at a time while none of them can be one.
 */
static size_t
san_scan(const unsigned char *s, size_t n, size_t i)
{
    for (;;) {
        size_t lim;

        while (n - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if ((w & HIGHS) | HAS_LESS(w, 0x20) | HAS_BYTE(w, '<') | HAS_BYTE(w, '&') |
                HAS_BYTE(w, '>') | HAS_BYTE(w, '"') | HAS_BYTE(w, '\''))
                break;
            i += 8;
        }
        /* That word held a stop, or only tab, LF or CR; or the input ends. */
        lim = n - i >= 8 ? i + 8 : n;
        while (i < lim && !(san_cls[s[i]] & CLS_TEXT))
            i++;
        if (i < lim || i >= n)
            return i;
    }
}

#undef HAS_BYTE
#undef HAS_LESS
#undef HIGHS
#undef ONES

/* Copies text from i up to the next '<' (or the end), returns its index. */
static size_t
san_text(struct san *st, const unsigned char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t start = i, skip = 1, k;
        const char *e;

        /* The hot loop: ASCII and well-formed UTF-8 go out as one run. */
        for (;;) {
            i = san_scan(s, n, i);
            if (i < n && s[i] >= 0x80 && (k = html_utf8_valid(s + i, n - i, &skip)) != 0) {
                i += k;
                continue;
            }
            break;
        }
        if (i > start)
            buf_append(&st->out, s + start, i - start);
        if (i >= n || s[i] == '<')
            break;
        if (s[i] >= 0x80) {
            buf_append(&st->out, "\xEF\xBF\xBD", 3);
            i += skip;
        } else if (s[i] == '&') {
            char tmp[4];
            const char *p;
            size_t len;

            k = html_ref_decode(s + i, n - i, 0, tmp, &p, &len);
            if (k == 0) {
                buf_append(&st->out, "&amp;", 5);
                i++;
            } else {
                san_put_text(st, p, len);
                i += k;
            }
        } else {
            if ((e = san_escape(s[i])) != NULL)
                buf_puts(&st->out, e);
            i++;
        }
    }
    return i;
}

/*
 * Sets the base URL. It comes from the feed, so it may hold what an output
 * must not: control characters are dropped and bytes that are not UTF-8
 * percent-encoded, in a copy made only when needed.
 */
static void
san_base(struct san *st, const char *base)
{
    const unsigned char *s = (const unsigned char *)base;
    size_t n, i = 0, skip = 1, k = 1;
    struct buf b;

    st->base = NULL;
    st->base_copy = NULL;
    st->base_too_long = 0;
    if (base == NULL || base[0] == '\0')
        return;
    n = strlen(base);
    if (n > SAN_BASE_MAX) {
        st->base_too_long = 1;
        return;
    }
    st->base = base;
    while (i < n && s[i] >= 0x20 && s[i] != 0x7F &&
           (k = html_utf8_valid(s + i, n - i, &skip)) != 0)
        i += k;
    if (i == n)
        return;
    buf_init(&b, 3 * n + 1);
    for (i = 0; i < n; ) {
        if (s[i] < 0x80) {
            if (s[i] >= 0x20 && s[i] != 0x7F)
                buf_putc(&b, (char)s[i]);
            i++;
        } else if ((k = html_utf8_valid(s + i, n - i, &skip)) != 0) {
            buf_append(&b, s + i, k);
            i += k;
        } else {
            buf_printf(&b, "%%%02X", s[i]);
            i++;
        }
    }
    st->base = st->base_copy = buf_take(&b);
}

char *
html_sanitize(const char *html, size_t n, const char *base_url)
{
    const unsigned char *s = (const unsigned char *)html;
    struct san st;
    size_t i = 0;

    if (s == NULL)
        n = 0;
    if (n > HTML_SANITIZE_MAX_IN) {
        /* Cut before a character, not inside one. */
        n = HTML_SANITIZE_MAX_IN;
        for (int back = 0; back < 3 && n > 0 && (s[n] & 0xC0) == 0x80; back++)
            n--;
    }
    buf_init(&st.out, BUF_MAX_DEFAULT);
    buf_init(&st.val, BUF_MAX_DEFAULT);
    san_base(&st, base_url);
    st.depth = 0;
    st.over = 0;
    st.skip = -1;
    memset(st.top, 0xFF, sizeof st.top); /* all -1 */
    while (i < n && st.out.len < SAN_SOFT_MAX) {
        if (st.skip >= 0) {
            const unsigned char *lt = memchr(s + i, '<', n - i);

            if (lt == NULL)
                break;
            i = (size_t)(lt - s);
        } else {
            i = san_text(&st, s, n, i);
            if (i >= n)
                break;
        }
        i = san_markup(&st, s, n, i);
    }
    san_pop_to(&st, 0);
    buf_fini(&st.val);
    free(st.base_copy);
    return buf_take(&st.out);
}
