/*
 * text.c - plain text from HTML (html_to_text) and the test for text that
 * is HTML (html_looks_like_html): one pass over the bytes, no tree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/xalloc.h"
#include "html/html.h"
#include "html/scan.h"

/* ---- tags ---- */

/* Reads a tag name from k into name (lower case, "" if too long). */
static size_t
tag_name(const unsigned char *s, size_t n, size_t k, char *name, size_t size)
{
    size_t len = 0;

    while (k < n && !html_is_ws(s[k]) && s[k] != '/' && s[k] != '>') {
        if (len + 1 < size)
            name[len] = (char)html_lower(s[k]);
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
            for (start = ++j; j < n && hex_digit(s[j]) >= 0; j++)
                ;
        } else {
            for (start = j; j < n && s[j] >= '0' && s[j] <= '9'; j++)
                ;
        }
    } else {
        if (!html_is_alpha(s[j]))
            return 0;
        for (start = j; j < n && html_is_alnum(s[j]); j++)
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
        if (s[i + 1] == '/' && i + 2 < n && html_is_alpha(s[i + 2]))
            return 1;
        if (!tags || !html_is_alpha(s[i + 1]))
            continue;
        e = html_tag_end(s, n, tag_name(s, n, i + 1, name, sizeof name), &sc);
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

size_t
html_tag_span(const char *str, size_t n, int *block)
{
    static const char *const blocks[] = {
        "p", "br", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "figure", "figcaption", "section", "article", "hr", "table",
    };
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 1, nb = 0;
    char name[16];

    if (n < 3)
        return 0;
    if (s[1] == '/')
        i++;
    if (!(i < n && (html_is_alpha(s[i]) || (i == 1 && (s[1] == '!' || s[1] == '?')))))
        return 0;
    while (i < n && html_is_alnum(s[i]) && nb + 1 < sizeof(name))
        name[nb++] = (char)html_lower(s[i++]);
    name[nb] = '\0';
    for (; i < n && i < 1024; i++) {
        if (s[i] == '<')
            return 0;
        if (s[i] == '>') {
            *block = 0;
            for (size_t k = 0; k < LEN(blocks); k++)
                if (strcmp(name, blocks[k]) == 0)
                    *block = 1;
            return i + 1;
        }
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

/* s[i] == '<': handles the markup there; returns where the text resumes. */
static size_t
text_markup(struct text *t, const unsigned char *s, size_t n, size_t i)
{
    size_t j = i + 1, e;
    char name[16];
    int sc, kind;

    if (j < n && s[j] == '!') {
        if (j + 2 < n && s[j + 1] == '-' && s[j + 2] == '-')
            return html_comment_end(s, n, j + 3);
        goto bogus;
    }
    if (j < n && s[j] == '?')
        goto bogus;
    if (j < n && s[j] == '/') {
        if (j + 1 < n && html_is_alpha(s[j + 1])) {
            e = html_tag_end(s, n, tag_name(s, n, j + 1, name, sizeof name), &sc);
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
    if (j < n && html_is_alpha(s[j])) {
        size_t k = tag_name(s, n, j, name, sizeof name);

        e = html_tag_end(s, n, k, &sc);
        if (e == 0)
            return n; /* HTML5 drops a tag cut by the end of input */
        kind = tag_kind(name);
        if (kind == TK_SKIP)
            return html_skip_raw(s, n, e, name);
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

    while (z > 0 && html_is_ws((unsigned char)b->data[z - 1]))
        z--;
    while (a < z && html_is_ws((unsigned char)b->data[a]))
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

    buf_init(&t.b, html_out_limit(n));
    t.collapse = collapse < 0 ? 0 : collapse > 2 ? 2 : collapse;
    t.pending = SEP_NONE;
    while (i < n) {
        size_t start = i, skip = 1, k;
        unsigned char c;

        /* The hot loop: ASCII and well-formed UTF-8 go out as one run. */
        for (;;) {
            while (i < n && s[i] < 0x80 && !(text_stop[s[i]] & stop))
                i++;
            if (i < n && s[i] >= 0x80 && (k = html_utf8_valid(s + i, n - i, &skip)) != 0) {
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

            k = html_ref_decode(s + i, n - i, 0, tmp, &p, &len);
            if (k == 0) {
                text_put(&t, "&", 1);
                i++;
            } else {
                if (t.collapse && len == 1 && html_is_ws((unsigned char)p[0]))
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
