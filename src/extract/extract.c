/*
 * extract.c - the article in a page: decode, parse with libgumbo into an
 * arena, flatten the elements into a table, score, keep, and write the
 * kept part as plain text and as sanitized HTML.
 *
 * The tree lives in an arena handed to gumbo as its allocator: freeing it
 * is one pass over a few large chunks (gumbo's own destructor recurses
 * once per level of nesting, which a hostile page can make millions deep),
 * and its size is capped; past the cap the allocator longjmps out of the
 * parse, which holds nothing but arena memory. Every walk after the parse
 * stops at EXTRACT_MAX_DEPTH.
 *
 * The elements are flattened in document order into struct nd, each with
 * its parent and the end of its subtree, so sums over subtrees are one
 * reverse pass and the children of i are i + 1, end[i + 1], ...
 */
#include <setjmp.h>
#ifdef EXTRACT_DEBUG
#include <stdio.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "extract/extract_internal.h"
#include "html/html.h"

/* ---- the arena ---- */

#define ARENA_CHUNK ((size_t)256 << 10)
#define ARENA_CLASSES 40

struct chunk {
    struct chunk *next;
    size_t pad;
};

struct arena {
    struct chunk *chunks;
    char *cur;
    size_t left;
    void *freel[ARENA_CLASSES];
    size_t total, cap;
    jmp_buf jb;
};

static void *
arena_alloc(void *ud, size_t n)
{
    struct arena *a = ud;
    unsigned k = 5;
    char *p;

    while (k < ARENA_CLASSES && ((size_t)1 << k) < n + 16)
        k++;
    if (k >= ARENA_CLASSES)
        longjmp(a->jb, 1);
    if (a->freel[k]) {
        p = a->freel[k];
        a->freel[k] = *(void **)(p + 16);
        return p + 16;
    }
    if (a->left < ((size_t)1 << k)) {
        size_t size = ARENA_CHUNK > ((size_t)1 << k) ? ARENA_CHUNK : ((size_t)1 << k);
        struct chunk *c;

        if (a->total + size > a->cap)
            longjmp(a->jb, 1);
        c = xmalloc(sizeof(struct chunk) + size);
        c->next = a->chunks;
        a->chunks = c;
        a->cur = (char *)(c + 1);
        a->left = size;
        a->total += size;
    }
    p = a->cur;
    a->cur += (size_t)1 << k;
    a->left -= (size_t)1 << k;
    *(size_t *)p = k;
    return p + 16;
}

static void
arena_free(void *ud, void *ptr)
{
    struct arena *a = ud;
    char *p;
    size_t k;

    if (ptr == NULL)
        return;
    p = (char *)ptr - 16;
    k = *(size_t *)p;
    *(void **)ptr = a->freel[k];
    a->freel[k] = p;
}

static void
arena_release(struct arena *a)
{
    while (a->chunks) {
        struct chunk *n = a->chunks->next;
        free(a->chunks);
        a->chunks = n;
    }
}

/* ---- nesting cap, before the parse ---- */

/*
 * libgumbo scans its stack of open elements for most tags, so a page of
 * 200,000 unclosed <div>s takes it minutes (quadratic). This pass counts
 * the nesting of start and end tags as a cheap tokenizer sees it (void and
 * self-closing-by-rule elements such as p, li, td do not nest; comments and
 * raw text like script are skipped whole) and drops the start and end tags
 * nested deeper than NEST_MAX, keeping their text. Real pages stay far
 * below it and are passed through without a copy.
 */
#define NEST_MAX 400

static int
ci_eq(const char *a, size_t n, const char *b)
{
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

static int
name_in(const char *s, size_t n, const char *const *names, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (ci_eq(s, n, names[i]))
            return 1;
    return 0;
}

static const char *const raw_names[] = {
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
};
static const char *const flat_names[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
    "rp", "rt", "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body",
    "image", "keygen", "basefont", "bgsound", "frame",
};

/* End of the tag starting at s[i] == '<' (index after its '>', or n). */
static size_t
tag_end(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '>')
            return i + 1;
        if (s[i] == '=') {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
                j++;
            if (j < n && (s[j] == '"' || s[j] == '\'')) {
                const char *q = memchr(s + j + 1, s[j], n - j - 1);
                if (q == NULL)
                    return n;
                i = (size_t)(q - s);
            }
        }
    }
    return n;
}

static size_t
find_ci(const char *s, size_t n, size_t from, const char *needle, size_t m)
{
    for (size_t i = from; i + m <= n; i++)
        if (s[i] == needle[0] && strncasecmp(s + i, needle, m) == 0)
            return i;
    return n;
}

/* One pass; with out NULL it only answers whether any tag nests past NEST_MAX. */
static int
nest_pass(const char *s, size_t n, struct buf *out)
{
    size_t i = 0, copied = 0;
    int depth = 0, over = 0;

    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        size_t j, k, e;
        int end;

        if (lt == NULL)
            break;
        i = (size_t)(lt - s);
        if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
            e = find_ci(s, n, i + 4, "-->", 3);
            i = e < n ? e + 3 : n;
            continue;
        }
        end = i + 1 < n && s[i + 1] == '/';
        j = i + 1 + (size_t)end;
        if (j >= n || !((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z')) {
            i++;
            continue;
        }
        k = j;
        while (k < n && s[k] != ' ' && s[k] != '>' && s[k] != '/' && s[k] != '\t' &&
               s[k] != '\n' && s[k] != '\r' && s[k] != '\f')
            k++;
        e = tag_end(s, n, i);
        if (!end && name_in(s + j, k - j, raw_names, LEN(raw_names))) {
            char close[16] = "</";
            size_t m = k - j < 12 ? k - j : 12;
            memcpy(close + 2, s + j, m);
            e = find_ci(s, n, e, close, m + 2);
            i = e;
            continue;
        }
        if (name_in(s + j, k - j, flat_names, LEN(flat_names))) {
            i = e;
            continue;
        }
        if (end ? depth > NEST_MAX : depth + 1 > NEST_MAX) {
            over = 1;
            if (out) { /* drop the tag */
                buf_append(out, s + copied, i - copied);
                copied = e;
            }
        }
        depth += end ? (depth > 0 ? -1 : 0) : 1;
        i = e;
    }
    if (out)
        buf_append(out, s + copied, n - copied);
    return over;
}

/* s itself when nothing nests too deep, else a copy without the deepest tags. */
static char *
cap_nesting(char *s, size_t *n)
{
    struct buf b = BUF_INIT(SIZE_MAX);

    if (!nest_pass(s, *n, NULL))
        return s;
    buf_reserve(&b, *n);
    nest_pass(s, *n, &b);
    free(s);
    *n = b.len;
    return b.data ? buf_take(&b) : xstrdup("");
}

/* ---- the element table ---- */

enum {
    F_GONE = 1,       /* not text: removed with its subtree */
    F_UNLIKELY = 2,   /* class or id says it is not the article */
    F_BLOCKCHILD = 4, /* has a block-level element child */
    F_PARA = 8,       /* scores its ancestors */
    F_TOUCHED = 16,   /* has a score */
    F_KEEP = 32,      /* part of the article */
};

struct nd {
    GumboNode *g;
    int parent, end;
    int depth;
    unsigned flags;
    int weight; /* class and id: -25, 0, +25, or both summed */
    uint32_t own_text, own_commas;
    uint32_t text, link, commas, para_text, imgs, ps, lis;
    double score;
};

struct doc {
    struct nd *v;
    int n, cap;
    int body;
};

static int
tag_in(GumboTag t, const GumboTag *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == t)
            return 1;
    return 0;
}

static const GumboTag gone_tags[] = {
    GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_IFRAME, GUMBO_TAG_SVG, GUMBO_TAG_MATH, GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED,
    GUMBO_TAG_CANVAS, GUMBO_TAG_BUTTON, GUMBO_TAG_INPUT, GUMBO_TAG_SELECT,
    GUMBO_TAG_TEXTAREA, GUMBO_TAG_OPTION, GUMBO_TAG_NAV, GUMBO_TAG_FOOTER, GUMBO_TAG_ASIDE,
    GUMBO_TAG_HEAD, GUMBO_TAG_LINK, GUMBO_TAG_META, GUMBO_TAG_TITLE,
    GUMBO_TAG_AUDIO, GUMBO_TAG_VIDEO, GUMBO_TAG_MAP, GUMBO_TAG_APPLET, GUMBO_TAG_FRAMESET,
    GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES, GUMBO_TAG_LABEL, GUMBO_TAG_MENU,
};

static const GumboTag block_tags[] = {
    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_DL, GUMBO_TAG_DIV, GUMBO_TAG_IMG, GUMBO_TAG_OL,
    GUMBO_TAG_P, GUMBO_TAG_PRE, GUMBO_TAG_TABLE, GUMBO_TAG_UL, GUMBO_TAG_SECTION,
    GUMBO_TAG_ARTICLE, GUMBO_TAG_HEADER, GUMBO_TAG_FOOTER, GUMBO_TAG_MAIN, GUMBO_TAG_FIGURE,
    GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6,
    GUMBO_TAG_ASIDE, GUMBO_TAG_NAV, GUMBO_TAG_FORM,
};

/* Words in class or id that mark what is not the article, and what is. */
static const char *const unlikely_words[] = {
    "comment", "sidebar", "footer", "masthead", "menu", "breadcrumb", "share", "sharing",
    "social", "sponsor", "advert", "promo", "related", "recommend", "newsletter",
    "subscribe", "signup", "sign-up", "cookie", "consent", "popup", "modal", "banner",
    "outbrain", "taboola", "disqus", "pagination", "pager", "toolbar", "widget", "login",
    "trending", "popular", "skip", "nav", "header", "tags", "byline", "author", "meta",
    "caption", "credit", "hidden", "overlay", "paywall", "ad-", "-ad", "ads", "dfp", "gpt",
    "remark", "replies", "rss", "shoutbox", "extra", "combx", "community", "print",
    "more-stories", "read-more", "readmore", "follow", "newsfeed", "jump", "tooltip",
};
static const char *const likely_words[] = {
    "article", "body", "content", "main", "post", "story", "entry", "text", "blog",
    "column", "and",
};
/* Unlikely even when a likely word is there too ("article-comments"). */
static const char *const strong_words[] = {
    "comment", "related", "recommend", "newsletter", "share", "social", "outbrain",
    "taboola", "promo", "sponsor", "advert", "cookie", "subscribe", "popup", "modal",
    "sidebar", "footer", "more-stories", "read-more", "paywall", "trending", "popular",
};
static const char *const positive_words[] = {
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page",
    "pagination", "post", "text", "blog", "story",
};
static const char *const negative_words[] = {
    "hidden", "banner", "combx", "comment", "com-", "contact", "foot", "footer", "footnote",
    "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox",
    "sidebar", "skyscraper", "sponsor", "shopping", "tags", "tool", "widget", "caption",
};

static int
has_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i]))
            return 1;
    return 0;
}

/* class and id, lower-cased, 126 bytes of each at most, each followed by a space. */
static void
class_id(const GumboNode *g, char out[256])
{
    const char *c = node_attr(g, "class"), *id = node_attr(g, "id");
    size_t k = 0;

    for (int pass = 0; pass < 2; pass++) {
        const char *s = pass ? id : c;
        for (; s && *s && k < (size_t)126 * (size_t)(pass + 1); s++)
            out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
        out[k++] = ' '; /* k <= 253 */
    }
    out[k] = '\0';
}

static int
class_weight(const GumboNode *g)
{
    int w = 0;

    for (int pass = 0; pass < 2; pass++) {
        const char *s = node_attr(g, pass ? "id" : "class");
        char low[256];
        size_t k = 0;

        if (s == NULL || *s == '\0')
            continue;
        for (; *s && k < sizeof(low) - 1; s++)
            low[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
        low[k] = '\0';
        if (has_any(low, negative_words, LEN(negative_words)))
            w -= 25;
        if (has_any(low, positive_words, LEN(positive_words)))
            w += 25;
    }
    return w;
}

static int
hidden(const GumboNode *g)
{
    const char *s = node_attr(g, "style"), *r;

    if (node_attr(g, "hidden"))
        return 1;
    r = node_attr(g, "aria-hidden");
    if (r && strcmp(r, "true") == 0)
        return 1;
    if (s) {
        char low[256];
        size_t k = 0;
        for (; *s && k < sizeof(low) - 1; s++)
            if (*s != ' ')
                low[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
        low[k] = '\0';
        if (strstr(low, "display:none") || strstr(low, "visibility:hidden"))
            return 1;
    }
    r = node_attr(g, "role");
    if (r && (strcmp(r, "navigation") == 0 || strcmp(r, "complementary") == 0 ||
              strcmp(r, "contentinfo") == 0 || strcmp(r, "banner") == 0 ||
              strcmp(r, "dialog") == 0 || strcmp(r, "alertdialog") == 0 ||
              strcmp(r, "menu") == 0 || strcmp(r, "menubar") == 0 || strcmp(r, "search") == 0))
        return 1;
    return 0;
}

/* Characters (whitespace runs count one) and commas in s. */
static void
count_text(const char *s, uint32_t *chars, uint32_t *commas)
{
    int space = 1;
    uint32_t c = 0, k = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
            if (!space)
                c++;
            space = 1;
            continue;
        }
        space = 0;
        if ((*p & 0xC0) != 0x80)
            c++;
        if (*p == ',')
            k++;
        else if (*p == 0xEF && p[1] == 0xBC && p[2] == 0x8C) /* U+FF0C */
            k++;
        else if (*p == 0xE3 && p[1] == 0x80 && p[2] == 0x81) /* U+3001 */
            k++;
    }
    *chars += c;
    *commas += k;
}

static int
add_node(struct doc *d, GumboNode *g, int parent, int depth)
{
    struct nd *x;

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->v = xrealloc(d->v, (size_t)d->cap * sizeof(*d->v));
    }
    x = &d->v[d->n];
    memset(x, 0, sizeof(*x));
    x->g = g;
    x->parent = parent;
    x->depth = depth;
    x->end = d->n + 1;
    return d->n++;
}

static void
classify(struct doc *d, int i)
{
    struct nd *x = &d->v[i];
    GumboTag t = x->g->v.element.tag;
    char ci[256];

    if (x->g->type == GUMBO_NODE_TEMPLATE || tag_in(t, gone_tags, LEN(gone_tags)) ||
        hidden(x->g)) {
        x->flags |= F_GONE;
        return;
    }
    if (t == GUMBO_TAG_BODY && d->body < 0)
        d->body = i;
    x->weight = class_weight(x->g);
    if (t == GUMBO_TAG_HTML || t == GUMBO_TAG_BODY || t == GUMBO_TAG_A || t == GUMBO_TAG_B ||
        t == GUMBO_TAG_I || t == GUMBO_TAG_EM || t == GUMBO_TAG_STRONG || t == GUMBO_TAG_CODE ||
        t == GUMBO_TAG_MAIN)
        return;
    class_id(x->g, ci);
    if (ci[0] == ' ' && ci[1] == ' ')
        return;
    if (has_any(ci, strong_words, LEN(strong_words)) ||
        (has_any(ci, unlikely_words, LEN(unlikely_words)) &&
         !has_any(ci, likely_words, LEN(likely_words))))
        x->flags |= F_UNLIKELY;
}

/* Comments: never the article, even when they hold most of the page's prose. */
static int
comments(const GumboNode *g)
{
    static const char *const words[] = { "comment", "disqus", "respond", "replies", "reply" };
    char ci[256];

    class_id(g, ci);
    return has_any(ci, words, LEN(words));
}

/* Flattens the tree under root in document order, at most EXTRACT_MAX_DEPTH deep. */
static void
flatten(struct doc *d, GumboNode *root)
{
    GumboNode *stack[EXTRACT_MAX_DEPTH + 1];
    unsigned idx[EXTRACT_MAX_DEPTH + 1];
    int nds[EXTRACT_MAX_DEPTH + 1];
    int sp = 0;

    if (root == NULL || root->type != GUMBO_NODE_ELEMENT)
        return;
    stack[0] = root;
    idx[0] = 0;
    nds[0] = add_node(d, root, -1, 0);
    classify(d, nds[0]);
    while (sp >= 0) {
        GumboNode *n = stack[sp], *c;
        const GumboVector *ch = &n->v.element.children;
        struct nd *x = &d->v[nds[sp]];

        if (idx[sp] >= ch->length) {
            x->end = d->n;
            sp--;
            continue;
        }
        c = ch->data[idx[sp]++];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA) {
            count_text(c->v.text.text, &x->own_text, &x->own_commas);
        } else if ((c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) &&
                   sp + 1 <= EXTRACT_MAX_DEPTH) {
            int k = add_node(d, c, nds[sp], sp + 1);

            x = &d->v[nds[sp]]; /* add_node may move the table */
            classify(d, k);
            if (tag_in(c->v.element.tag, block_tags, LEN(block_tags)))
                x->flags |= F_BLOCKCHILD;
            stack[++sp] = c;
            idx[sp] = 0;
            nds[sp] = k;
        }
    }
}

static int
is_para(const struct nd *x)
{
    GumboTag t = x->g->v.element.tag;

    if (t == GUMBO_TAG_P || t == GUMBO_TAG_PRE || t == GUMBO_TAG_TD || t == GUMBO_TAG_LI)
        return 1;
    return (t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION || t == GUMBO_TAG_ARTICLE ||
            t == GUMBO_TAG_BLOCKQUOTE) && !(x->flags & F_BLOCKCHILD);
}

/* Subtree sums over what is not gone; gone includes F_UNLIKELY when soft. */
static void
sum(struct doc *d, unsigned gone)
{
    for (int i = 0; i < d->n; i++) {
        struct nd *x = &d->v[i];
        GumboTag t = x->g->v.element.tag;

        x->text = x->own_text;
        x->commas = x->own_commas;
        x->link = 0;
        x->imgs = t == GUMBO_TAG_IMG;
        x->ps = t == GUMBO_TAG_P;
        x->lis = t == GUMBO_TAG_LI;
        x->para_text = 0;
    }
    for (int i = d->n - 1; i >= 0; i--) {
        struct nd *x = &d->v[i], *p;

        if (x->g->v.element.tag == GUMBO_TAG_A)
            x->link = x->text;
        if ((x->flags & F_PARA) && x->text >= 25)
            x->para_text = x->text;
        if (x->parent < 0 || (x->flags & gone))
            continue;
        p = &d->v[x->parent];
        p->text += x->text;
        p->commas += x->commas;
        p->link += x->link;
        p->imgs += x->imgs;
        p->ps += x->ps;
        p->lis += x->lis;
        if (!(p->flags & F_PARA))
            p->para_text += x->para_text;
    }
}

static double
link_density(const struct nd *x)
{
    return x->text ? (double)x->link / x->text : 0;
}

static void
touch(struct nd *x)
{
    GumboTag t;

    if (x->flags & F_TOUCHED)
        return;
    x->flags |= F_TOUCHED;
    t = x->g->v.element.tag;
    switch (t) {
    case GUMBO_TAG_DIV: x->score = 5; break;
    case GUMBO_TAG_ARTICLE: x->score = 8; break;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: x->score = 3; break;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM:
        x->score = -3;
        break;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_TH:
        x->score = -5;
        break;
    default: x->score = 0; break;
    }
    x->score += x->weight;
}

static int
inside(const struct doc *d, int a, int j)
{
    return j >= a && j < d->v[a].end;
}

/* The element most likely to hold the article, or -1. */
static int
top_candidate(struct doc *d)
{
    int top = -1, alt[5] = { -1, -1, -1, -1, -1 };
    double best = 0;

    for (int i = 0; i < d->n; i++) {
        struct nd *x = &d->v[i];
        double s;
        int a = x->parent;

        if ((x->flags & F_GONE) || !(x->flags & F_PARA) || x->text < 25 ||
            link_density(x) > 0.5)
            continue;
        s = 1 + x->commas + (x->text / 100 < 3 ? x->text / 100 : 3);
        for (int level = 0; a >= 0 && level < 5; level++, a = d->v[a].parent) {
            struct nd *y = &d->v[a];
            touch(y);
            y->score += level == 0 ? s : level == 1 ? s / 2 : s / (level * 3);
        }
    }
    for (int i = 0; i < d->n; i++) {
        struct nd *x = &d->v[i];
        double s;

        if (!(x->flags & F_TOUCHED) || (x->flags & F_GONE))
            continue;
        x->score *= 1 - link_density(x);
        s = x->score;
        for (int k = 0; k < 5; k++) {
            if (alt[k] < 0 || s > d->v[alt[k]].score) {
                memmove(alt + k + 1, alt + k, (size_t)(4 - k) * sizeof(int));
                alt[k] = i;
                break;
            }
        }
    }
#ifdef EXTRACT_DEBUG
    for (int k = 0; k < 5; k++)
        if (alt[k] >= 0)
            fprintf(stderr, "cand %d <%s class=%s id=%s> score %.1f text %u link %u\n", alt[k],
                    gumbo_normalized_tagname(d->v[alt[k]].g->v.element.tag),
                    node_attr(d->v[alt[k]].g, "class"), node_attr(d->v[alt[k]].g, "id"),
                    d->v[alt[k]].score, d->v[alt[k]].text, d->v[alt[k]].link);
#endif
    top = alt[0];
    if (top < 0 || !inside(d, d->body, top))
        return d->body;
    best = d->v[top].score;
    /* Several strong candidates under one ancestor: the ancestor. */
    for (int a = d->v[top].parent; a >= 0 && a != d->body; a = d->v[a].parent) {
        int k = 0;
        for (int j = 1; j < 5; j++)
            if (alt[j] >= 0 && d->v[alt[j]].score >= 0.75 * best && inside(d, a, alt[j]))
                k++;
        if (k >= 2) {
            top = a;
            break;
        }
    }
    touch(&d->v[top]);
    /* Climb while the parent scores better. */
    {
        double last = d->v[top].score;
        for (int a = d->v[top].parent; a >= 0 && a != d->body; a = d->v[a].parent) {
            struct nd *y = &d->v[a];
            if (!(y->flags & F_TOUCHED))
                continue;
            if (y->score < best / 3)
                break;
            if (y->score > last) {
                top = a;
                break;
            }
            last = y->score;
        }
    }
    /* An only child is its parent's whole content. */
    while (top != d->body && d->v[top].parent >= 0 && d->v[top].parent != d->body) {
        int p = d->v[top].parent, kids = 0;
        for (int j = p + 1; j < d->v[p].end; j = d->v[j].end)
            kids += !(d->v[j].flags & F_GONE);
        if (kids != 1 || d->v[p].own_text > 0)
            break;
        top = p;
    }
    return top;
}

static int
ends_sentence(const GumboNode *g)
{
    char *t = node_text(g, 4096);
    size_t n = strlen(t);
    int r = n && (t[n - 1] == '.' || t[n - 1] == '!' || t[n - 1] == '?' || t[n - 1] == '"');

    free(t);
    return r;
}

/* Marks the top candidate and the siblings that read like it. */
static void
keep_siblings(struct doc *d, int top)
{
    int p = d->v[top].parent;
    double thr = d->v[top].score * 0.2;
    const char *cls = node_attr(d->v[top].g, "class");

    if (thr < 10)
        thr = 10;
    d->v[top].flags |= F_KEEP;
    if (p < 0 || top == d->body)
        return;
    for (int j = p + 1; j < d->v[p].end; j = d->v[j].end) {
        struct nd *x = &d->v[j];
        double bonus = 0, ld;
        const char *c;

        if (j == top || (x->flags & (F_GONE | F_UNLIKELY)))
            continue;
        c = node_attr(x->g, "class");
        if (cls && c && *cls && strcmp(c, cls) == 0)
            bonus = d->v[top].score * 0.2;
        if ((x->flags & F_TOUCHED) && x->score + bonus >= thr) {
            x->flags |= F_KEEP;
            continue;
        }
        if (x->g->v.element.tag != GUMBO_TAG_P)
            continue;
        ld = link_density(x);
        if ((x->text > 80 && ld < 0.25) ||
            (x->text > 0 && x->text <= 80 && ld == 0 && ends_sentence(x->g)))
            x->flags |= F_KEEP;
    }
}

/* ---- output ---- */

struct out {
    struct doc *d;
    struct buf text, html;
    int pend; /* before the next text: 0 nothing, 1 space, 2 newline, 3 blank line */
    int pre;
};

static const char *const junk_phrases[] = {
    "advertisement", "sponsored", "share this", "share on", "tweet", "read more",
    "related:", "related articles", "related stories", "recommended", "subscribe",
    "sign up", "newsletter", "follow us", "click here", "more from", "image:", "photo:",
    "getty images", "view comments", "comments", "continue reading", "skip to",
    "story continues below", "listen to this", "you may also like",
};

/* A short block whose words are a known piece of furniture. */
static int
junk_text(const GumboNode *g, uint32_t chars)
{
    char *t;
    int r = 0;

    if (chars > 60)
        return 0;
    t = node_text(g, 256);
    for (char *p = t; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    for (size_t i = 0; i < LEN(junk_phrases) && !r; i++)
        if (strncmp(t, junk_phrases[i], strlen(junk_phrases[i])) == 0)
            r = 1;
    free(t);
    return r;
}

/* Readability's conditional cleaning, in short: link lists, galleries, scraps. */
static int
junk(const struct doc *d, int i)
{
    const struct nd *x = &d->v[i];
    GumboTag t = x->g->v.element.tag;
    double ld = link_density(x);

    if (x->flags & (F_GONE | F_UNLIKELY))
        return 1;
    switch (t) {
    case GUMBO_TAG_H1:
        return 1;
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
        return ld > 0.3 || junk_text(x->g, x->text);
    case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_BLOCKQUOTE:
        return (ld > 0.5 && x->text < 300) || junk_text(x->g, x->text);
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
        return 1;
    case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_FORM: case GUMBO_TAG_HEADER: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DL:
        if (x->weight < 0 && x->text < 500)
            return 1;
        if (x->commas >= 10)
            return 0;
        if (ld > (x->weight >= 25 ? 0.5 : 0.33))
            return 1;
        if (x->text < 25 && x->imgs == 0)
            return junk_text(x->g, x->text) || x->text == 0 || t == GUMBO_TAG_HEADER;
        if (x->imgs > 1 && x->ps * 2 < x->imgs)
            return 1;
        if (t == GUMBO_TAG_HEADER && x->text < 300)
            return 1;
        return junk_text(x->g, x->text);
    default:
        return 0;
    }
}

static int
is_block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_LI: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_HR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_CAPTION:
        return 1;
    default:
        return 0;
    }
}

static int
is_void(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BR: case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_HR: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_PARAM: case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK: case GUMBO_TAG_WBR:
        return 1;
    default:
        return 0;
    }
}

static void
put_text(struct out *o, const char *s)
{
    for (; *s; s++) {
        if (!o->pre && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' || *s == '\f')) {
            if (o->pend < 1)
                o->pend = 1;
            continue;
        }
        if (o->text.len && o->pend)
            buf_append(&o->text, o->pend == 3 ? "\n\n" : o->pend == 2 ? "\n" : " ",
                       (size_t)(o->pend == 3 ? 2 : 1));
        o->pend = 0;
        buf_putc(&o->text, *s);
    }
}

static void
open_tag(struct out *o, const GumboNode *g)
{
    const GumboVector *at = &g->v.element.attributes;
    const char *name = gumbo_normalized_tagname(g->v.element.tag);
    int has_src = 0;

    buf_putc(&o->html, '<');
    buf_puts(&o->html, name);
    for (unsigned i = 0; i < at->length; i++) {
        const GumboAttribute *a = at->data[i];
        if (strcmp(a->name, "src") == 0)
            has_src = 1;
        buf_putc(&o->html, ' ');
        buf_puts(&o->html, a->name);
        buf_puts(&o->html, "=\"");
        buf_append_html(&o->html, a->value, strlen(a->value));
        buf_putc(&o->html, '"');
    }
    if (g->v.element.tag == GUMBO_TAG_IMG && !has_src && node_attr(g, "data-src")) {
        buf_puts(&o->html, " src=\"");
        buf_append_html(&o->html, node_attr(g, "data-src"), strlen(node_attr(g, "data-src")));
        buf_putc(&o->html, '"');
    }
    buf_putc(&o->html, '>');
}

/* Writes element i (whose gumbo node is g) and what it holds. */
static void
emit(struct out *o, int i)
{
    struct doc *d = o->d;
    const GumboNode *g = d->v[i].g;
    GumboTag t = g->v.element.tag;
    int named = t != GUMBO_TAG_UNKNOWN, child = i + 1, was_pre = o->pre;

    if (is_block(t))
        o->pend = 3;
    if (t == GUMBO_TAG_PRE)
        o->pre = 1;
    if (named)
        open_tag(o, g);
    if (t == GUMBO_TAG_BR)
        o->pend = o->pend >= 2 ? 3 : 2;
    for (unsigned k = 0; k < g->v.element.children.length; k++) {
        const GumboNode *c = g->v.element.children.data[k];

        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
            c->type == GUMBO_NODE_CDATA) {
            put_text(o, c->v.text.text);
            buf_append_html(&o->html, c->v.text.text, strlen(c->v.text.text));
        } else if (c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) {
            /* elements past the depth cap were not flattened */
            if (child >= d->v[i].end || d->v[child].g != c)
                continue;
            if (!junk(d, child))
                emit(o, child);
            child = d->v[child].end;
        }
    }
    if (named && !is_void(t)) {
        buf_puts(&o->html, "</");
        buf_puts(&o->html, gumbo_normalized_tagname(t));
        buf_putc(&o->html, '>');
    }
    o->pre = was_pre;
    if (is_block(t))
        o->pend = 3;
}

static size_t
words(const char *s)
{
    size_t n = 0;
    int in = 0;

    for (; *s; s++) {
        int w = !(*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r');
        n += w && !in;
        in = w;
    }
    return n;
}

/* articleBody as text (one blank line between its lines) and as <p>s. */
static void
from_jsonld(const char *body, char **text, char **html)
{
    struct buf t = BUF_INIT(SIZE_MAX), h = BUF_INIT(SIZE_MAX);
    char *plain = strchr(body, '<') ? html_to_text(body, strlen(body), 2) : xstrdup(body);
    const char *p = plain;

    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        size_t a = 0, b = n;

        while (a < b && (p[a] == ' ' || p[a] == '\t' || p[a] == '\r'))
            a++;
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\r'))
            b--;
        if (b > a) {
            if (t.len)
                buf_puts(&t, "\n\n");
            buf_append(&t, p + a, b - a);
            buf_puts(&h, "<p>");
            buf_append_html(&h, p + a, b - a);
            buf_puts(&h, "</p>");
        }
        p += n + (e != NULL);
    }
    free(plain);
    *text = t.data ? buf_take(&t) : xstrdup("");
    *html = h.data ? buf_take(&h) : xstrdup("");
}

static void
article(struct doc *d, const struct meta *m, struct extract_result *r)
{
    struct out o;
    int top;
    char *html;

    memset(&o, 0, sizeof(o));
    o.d = d;
    buf_init(&o.text, (size_t)16 << 20);
    buf_init(&o.html, (size_t)32 << 20);
    if (d->body >= 0) {
        for (int i = 0; i < d->n; i++)
            if (is_para(&d->v[i]))
                d->v[i].flags |= F_PARA;
        /* class-unlikely wrappers that hold most of the text stay */
        sum(d, F_GONE);
        for (int i = 0; i < d->n; i++) {
            struct nd *x = &d->v[i];
            if ((x->flags & F_UNLIKELY) && x->para_text * 2 > d->v[d->body].para_text &&
                x->para_text > 200 && !comments(x->g))
                x->flags &= ~(unsigned)F_UNLIKELY;
        }
        for (int i = 0; i < d->n; i++) {
            struct nd *x = &d->v[i];
            if (x->parent >= 0 && (d->v[x->parent].flags & (F_GONE | F_UNLIKELY)))
                x->flags |= F_GONE;
            if (x->flags & F_UNLIKELY)
                x->flags |= F_GONE;
        }
        sum(d, F_GONE);
        top = top_candidate(d);
        if (top >= 0) {
            keep_siblings(d, top);
            if (top == d->body || d->v[top].parent < 0) {
                emit(&o, top);
            } else {
                int p = d->v[top].parent;
                for (int j = p + 1; j < d->v[p].end; j = d->v[j].end)
                    if ((d->v[j].flags & F_KEEP) && (j == top || !junk(d, j)))
                        emit(&o, j);
            }
        }
    }
    if (m->article_body && words(m->article_body) >= 50 &&
        words(buf_cstr(&o.text)) * 10 < words(m->article_body) * 7) {
        char *h;
        from_jsonld(m->article_body, &r->text, &h);
        r->html = html_sanitize(h, strlen(h), m->base);
        r->from_jsonld = 1;
        free(h);
    } else {
        r->text = o.text.data ? buf_take(&o.text) : xstrdup("");
        html = buf_take(&o.html);
        r->html = html ? html_sanitize(html, strlen(html), m->base) : xstrdup("");
        free(html);
    }
    buf_fini(&o.text);
    buf_fini(&o.html);
}

int
extract_html(const char *data, size_t len, const char *url, const char *content_type,
             struct extract_result **out)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    GumboOptions opt = kGumboDefaultOptions;
    GumboOutput *volatile g = NULL;
    struct extract_result *r;
    struct doc d = { NULL, 0, 0, -1 };
    struct meta m;
    size_t n;
    const char *charset;
    char *html;

    if (len > EXTRACT_MAX_IN)
        len = EXTRACT_MAX_IN;
    html = extract_decode(data, len, content_type, &n, &charset);
    html = cap_nesting(html, &n);
    a->cap = ((size_t)64 << 20) + 24 * n;
    opt.allocator = arena_alloc;
    opt.deallocator = arena_free;
    opt.userdata = a;
    opt.max_errors = 0;
    if (setjmp(a->jb) != 0) {
        arena_release(a);
        free(a);
        free(html);
        return ALM_ETOOBIG;
    }
    g = gumbo_parse_with_options(&opt, html, n);

    r = xcalloc(1, sizeof(*r));
    r->charset = charset;
    meta_read(g->root, url, &m);
    flatten(&d, g->root);
    article(&d, &m, r);

    r->url = url ? xstrdup(url) : m.canonical ? xstrdup(m.canonical) : NULL;
    r->title = m.title;
    r->byline = m.byline;
    r->published = m.published;
    r->lang = m.lang;
    r->image = m.image;
    r->canonical = m.canonical;
    m.title = m.byline = m.published = m.lang = m.image = m.canonical = NULL;
    meta_free(&m);
    free(d.v);
    arena_release(a); /* the whole tree: gumbo_destroy_output is never needed */
    free(a);
    free(html);
    *out = r;
    return ALM_OK;
}

void
extract_result_free(struct extract_result *r)
{
    if (r == NULL)
        return;
    free(r->url);
    free(r->title);
    free(r->byline);
    free(r->published);
    free(r->lang);
    free(r->image);
    free(r->canonical);
    free(r->text);
    free(r->html);
    free(r);
}

int
extract_to_json(const struct extract_result *r, struct buf *out)
{
    const struct {
        const char *key, *v;
    } f[] = {
        { "url", r->url }, { "title", r->title }, { "byline", r->byline },
        { "published", r->published }, { "lang", r->lang }, { "image", r->image },
        { "canonical", r->canonical }, { "text", r->text }, { "html", r->html },
    };
    int rc = buf_putc(out, '{');

    for (size_t i = 0; i < LEN(f) && rc == ALM_OK; i++) {
        rc = buf_printf(out, "%s\"%s\":", i ? "," : "", f[i].key);
        if (rc == ALM_OK)
            rc = buf_append_json(out, f[i].v);
    }
    if (rc == ALM_OK)
        rc = buf_putc(out, '}');
    return rc;
}
