/*
 * xml.c - RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through libxml2's SAX2 push
 * parser.
 *
 * The document is first decoded to UTF-8 (encoding.c), then fed to libxml2
 * in recover mode with the declaration ignored, no network, no external
 * entities or DTDs, and libxml2's own depth and amplification limits. SAX
 * callbacks drive a small state machine: a stack of frames (one per open
 * element: its role, xml:base and xml:lang) and at most one capture, the
 * text (or inline markup) of the field being read. Undeclared HTML named
 * entities resolve to their characters and make the document bozo.
 */
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "html/html.h"
#include "parse/date.h"
#include "parse/encoding.h"
#include "parse/feed_internal.h"

static struct feed_person *person_parse(const char *str);

#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_MEDIA "http://search.yahoo.com/mrss/"
#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_XML "http://www.w3.org/XML/1998/namespace"

#define PARSE_TIME_LIMIT 3 /* seconds of CPU for one document (60 MB take < 1) */
/* A start tag longer than this is an attack (an attribute flood makes
 * libxml2's duplicate-attribute check quadratic): the document is cut there. */
#define MAX_TAG_BYTES ((size_t)256 << 10)
#define MAX_EXPANSION ((size_t)16 << 20)

enum ns {
    NS_NONE, NS_OTHER, N_ATOM10, N_ATOM03, N_RSS10, N_RSS090, N_RDF, N_DC, N_DCTERMS,
    N_CONTENT, N_XHTML, N_MEDIA, N_ITUNES,
};

enum role { R_NONE, R_ROOT, R_FEED, R_ENTRY, R_IMAGE, R_PERSON, R_SKIP };

enum target {
    T_NONE,
    F_TITLE, F_LINK, F_SUBTITLE, F_LANGUAGE, F_UPDATED, F_PUBLISHED, F_AUTHOR,
    F_RIGHTS, F_ID, F_CATEGORY, F_LOGO,
    I_URL, I_TITLE, I_LINK,
    E_ID, E_TITLE, E_LINK, E_ALINK, E_PUBLISHED, E_UPDATED, E_AUTHOR, E_SUMMARY,
    E_CONTENT, E_CATEGORY,
    P_NAME, P_EMAIL, P_URI,
};

/* How a construct's text is to be read (parse-contract section 5). */
enum ctype { TY_TEXT, TY_HTML, TY_XHTML, TY_UNTYPED };

struct frame {
    enum role role;
    const char *base; /* xml:base in scope; owned when base_owned */
    const char *lang; /* xml:lang in scope; owned when lang_owned */
    int base_owned, lang_owned;
};

struct capture {
    enum target target;
    enum ctype type;
    int depth;       /* depth of the element being captured */
    int base64;      /* Atom 0.3 mode="base64" */
    int children;    /* child elements seen: markup holds the value */
    int div_depth;   /* Atom xhtml: depth of the wrapping div, 0 if none */
    struct buf raw;  /* text content, decoded */
    struct buf markup;
    const char *base;
};

struct hentity {
    struct hentity *next;
    xmlEntity ent;
};

#define MAX_FRAME (FEED_MAX_DEPTH + 7)

struct state {
    struct feed *f;
    xmlParserCtxtPtr ctxt;
    const char *doc_base;
    enum feed_format kind;     /* decided at the root */
    int is_atom, is_rdf;
    const xmlChar *core_ns;    /* RSS: the root's namespace (may be NULL) */
    int depth;
    struct frame stack[FEED_MAX_DEPTH + 8];
    struct capture cap;
    struct feed_entry *entry;
    struct feed_person *person;
    int guid_permalink;
    int entry_link_seen;
    char *alink_rel;           /* Atom link without href: its rel */
    char *alink_type;          /* ... and its type */
    struct hentity *hents;
    unsigned long events;
    size_t expanded;           /* bytes entity references expanded to */
    clock_t started;
    int stopped;
};

static enum ns
ns_of(const xmlChar *uri, const xmlChar *prefix)
{
    const char *u = (const char *)uri;

    if (u == NULL) {
        /* Unbound but well-known prefixes: read them as meant. */
        if (prefix == NULL)
            return NS_NONE;
        if (strcmp((const char *)prefix, "dc") == 0)
            return N_DC;
        if (strcmp((const char *)prefix, "dcterms") == 0)
            return N_DCTERMS;
        if (strcmp((const char *)prefix, "content") == 0)
            return N_CONTENT;
        if (strcmp((const char *)prefix, "media") == 0)
            return N_MEDIA;
        if (strcmp((const char *)prefix, "itunes") == 0)
            return N_ITUNES;
        if (strcmp((const char *)prefix, "atom") == 0)
            return N_ATOM10;
        return NS_OTHER;
    }
    switch (u[7]) { /* cheap pre-dispatch on a distinguishing byte */
    case 'w':
        if (strcmp(u, NS_ATOM10) == 0)
            return N_ATOM10;
        if (strcmp(u, NS_RDF) == 0)
            return N_RDF;
        if (strcmp(u, NS_XHTML) == 0)
            return N_XHTML;
        break;
    case 'p':
        if (strcmp(u, NS_ATOM03) == 0)
            return N_ATOM03;
        if (strcmp(u, NS_RSS10) == 0)
            return N_RSS10;
        if (strcmp(u, NS_DC) == 0)
            return N_DC;
        if (strcmp(u, NS_DCTERMS) == 0)
            return N_DCTERMS;
        if (strcmp(u, NS_CONTENT) == 0)
            return N_CONTENT;
        break;
    case 'm':
        if (strcmp(u, NS_RSS090) == 0)
            return N_RSS090;
        break;
    case 's':
        if (strcmp(u, NS_MEDIA) == 0)
            return N_MEDIA;
        break;
    case 'i':
        if (strcmp(u, NS_ITUNES) == 0)
            return N_ITUNES;
        break;
    }
    return NS_OTHER;
}

static int
eq(const xmlChar *a, const char *b)
{
    /* Element dispatch tries name after name: most fail on the first byte. */
    return a[0] == (xmlChar)b[0] && strcmp((const char *)a, b) == 0;
}

/* Attribute value by local name (and namespace class), or NULL. */
static char *
attr_get(const xmlChar **attrs, int nb, const char *name, enum ns want)
{
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + i * 5;
        if (!eq(a[0], name))
            continue;
        if (want != NS_NONE && ns_of(a[2], a[1]) != want)
            continue;
        if (want == NS_NONE && a[2] != NULL)
            continue;
        /* libxml2 copies only the first byte of an entity that expands
         * to several inside an attribute: make sure the value is UTF-8. */
        return enc_fix_utf8(xstrndup((const char *)a[3], (size_t)(a[4] - a[3])));
    }
    return NULL;
}

/* What feed_trim(xstrdup(s)) gives, without copying the white space. */
static char *
trimmed_dup(const char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                     s[n - 1] == '\r'))
        n--;
    return xstrndup(s, n);
}

/* Token attributes (types, rels) are trimmed; NULL stays NULL. */
static char *
attr_trim(char *v)
{
    return v ? feed_trim(v) : NULL;
}

static char *
resolve(struct state *s, const char *base, const char *ref)
{
    (void)s;
    if (ref == NULL)
        return NULL;
    return url_resolve(base, ref);
}

static void
set_once(char **field, char *value)
{
    if (*field == NULL)
        *field = value;
    else
        free(value);
}

/* ---- capturing a field's text ---- */

static void
cap_begin(struct state *s, enum target t, enum ctype type)
{
    struct capture *c = &s->cap;

    c->target = t;
    c->type = type;
    c->depth = s->depth;
    c->base64 = 0;
    c->children = 0;
    c->div_depth = 0;
    buf_reset(&c->raw);
    buf_reset(&c->markup);
    c->base = s->stack[s->depth].base;
}

/* Atom's type attribute (1.0 names, 0.3 MIME types and mode). */
static enum ctype
atom_type(struct state *s, const xmlChar **attrs, int nb)
{
    char *type = attr_get(attrs, nb, "type", NS_NONE);
    char *mode = attr_get(attrs, nb, "mode", NS_NONE);
    enum ctype t = TY_TEXT;

    if (type) {
        feed_trim(type);
        if (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0)
            t = TY_HTML;
        else if (strcasecmp(type, "xhtml") == 0)
            t = s->kind == FEED_ATOM03 ? TY_HTML : TY_XHTML;
        else if (strcasecmp(type, "application/xhtml+xml") == 0)
            t = s->kind == FEED_ATOM03 ? TY_HTML : TY_XHTML;
    }
    if (mode && strcasecmp(mode, "base64") == 0)
        s->cap.base64 = 1;
    free(type);
    free(mode);
    return t;
}

static void
markup_start(struct capture *c, const xmlChar *local, const xmlChar **attrs, int nb)
{
    buf_putc(&c->markup, '<');
    buf_puts(&c->markup, (const char *)local);
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + i * 5;
        buf_putc(&c->markup, ' ');
        if (a[1] && !eq(a[1], "xml")) {
            buf_puts(&c->markup, (const char *)a[1]);
            buf_putc(&c->markup, ':');
        } else if (a[1]) {
            buf_puts(&c->markup, "xml:");
        }
        buf_puts(&c->markup, (const char *)a[0]);
        buf_puts(&c->markup, "=\"");
        buf_append_html(&c->markup, (const char *)a[3], (size_t)(a[4] - a[3]));
        buf_putc(&c->markup, '"');
    }
    buf_putc(&c->markup, '>');
}

static int
is_void_element(const char *n)
{
    static const char *const v[] = {
        "area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "param", "source", "track", "wbr",
    };
    for (size_t i = 0; i < LEN(v); i++) {
        if (strcmp(n, v[i]) == 0)
            return 1;
    }
    return 0;
}

/* Atom 0.3 mode="base64": decode in place; invalid input gives "". */
static void
base64_decode(struct buf *b)
{
    static const char tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    unsigned int acc = 0;
    int bits = 0;

    for (size_t i = 0; i < b->len; i++) {
        const char *p;
        char ch = b->data[i];
        if (ch == '=' )
            break;
        if (ch == '\0' || (p = strchr(tbl, ch)) == NULL)
            continue;
        acc = (acc << 6) | (unsigned int)(p - tbl);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            b->data[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    b->len = o;
    if (b->data)
        b->data[o] = '\0';
    if (b->data) {
        char *fixed = enc_fix_utf8(buf_take(b));
        buf_puts(b, fixed);
        free(fixed);
    }
}

static char *
escape_text(const char *s)
{
    struct buf b = BUF_INIT(FEED_MAX_FIELD * 6 + 16);

    buf_append_html(&b, s, strlen(s));
    return buf_take(&b);
}

/* The captured value as plain text (as_html 0) or an HTML fragment. */
static char *
cap_value(struct capture *c, int as_html)
{
    const char *raw;

    if (c->base64)
        base64_decode(&c->raw);
    raw = buf_cstr(&c->raw);
    /* Copies take the buffers' lengths: XML text holds no NUL, and the
     * payloads (whole HTML articles) are the bulk of a feed's bytes. */
    if (c->children) {
        const char *m = buf_cstr(&c->markup);
        return as_html ? xstrndup(m, c->markup.len) : html_to_text(m, c->markup.len, 0);
    }
    switch (c->type) {
    case TY_HTML:
        return as_html ? xstrndup(raw, c->raw.len) : html_to_text(raw, c->raw.len, 0);
    case TY_UNTYPED:
        if (html_looks_like_html(raw, c->raw.len))
            return as_html ? xstrndup(raw, c->raw.len) : html_to_text(raw, c->raw.len, 0);
        /* fall through */
    case TY_TEXT:
    case TY_XHTML:
        break;
    }
    return as_html ? escape_text(raw) : trimmed_dup(raw);
}

static char *
cap_token(struct capture *c)
{
    return trimmed_dup(buf_cstr(&c->raw));
}

/* The captured text, trimmed in place: the capture is over, no copy needed. */
static const char *
cap_trimmed(struct capture *c)
{
    if (c->raw.data == NULL)
        return "";
    feed_trim(c->raw.data);
    c->raw.len = strlen(c->raw.data);
    return c->raw.data;
}

static char *
cap_url(struct state *s, struct capture *c)
{
    return resolve(s, c->base, cap_trimmed(c));
}

static void
cap_date(struct capture *c, time_t *t, int *has)
{
    time_t v;

    if (*has)
        return;
    if (date_parse(buf_cstr(&c->raw), &v) == ALM_OK) {
        *t = v;
        *has = 1;
    }
}

static void
push_string(struct feed_list *l, char *s)
{
    if (s && *s && l->n < FEED_MAX_LIST)
        feed_list_push(l, s);
    else
        free(s);
}

static void
push_person(struct feed_list *l, struct feed_person *p)
{
    if (p && (p->name || p->email || p->uri) && l->n < FEED_MAX_LIST)
        feed_list_push(l, p);
    else
        feed_person_free(p);
}

static struct feed_link *
link_make(const char *rel, char *href, char *type, char *title)
{
    struct feed_link *l = feed_link_new();

    l->rel = xstrdup(rel);
    l->href = href;
    l->type = type;
    l->title = title;
    return l;
}

static void
push_link(struct feed_list *l, struct feed_link *ln)
{
    if (l->n < FEED_MAX_LIST)
        feed_list_push(l, ln);
    else
        feed_link_free(ln);
}

/* Adds href (taken, not copied) as an alternate link. */
static void
entry_add_alternate(struct feed_entry *e, char *href)
{
    push_link(&e->links, link_make("alternate", href, NULL, NULL));
}

static void
cap_end(struct state *s)
{
    struct capture *c = &s->cap;
    struct feed *f = s->f;
    struct feed_entry *e = s->entry;
    struct feed_person *p = s->person;
    char *v;

    switch (c->target) {
    case T_NONE: break;
    case F_TITLE: set_once(&f->title, cap_value(c, 0)); break;
    case F_LINK:
        if (f->link == NULL) {
            f->link = cap_url(s, c);
            push_link(&f->links, link_make("alternate", xstrdup(f->link), NULL, NULL));
        }
        break;
    case F_SUBTITLE: set_once(&f->subtitle, cap_value(c, 0)); break;
    case F_LANGUAGE:
        if (f->language == NULL) {
            f->language = cap_token(c);
            for (char *q = f->language; *q; q++)
                if (*q == '_')
                    *q = '-';
        }
        break;
    case F_UPDATED: cap_date(c, &f->updated, &f->has_updated); break;
    case F_PUBLISHED: cap_date(c, &f->published, &f->has_published); break;
    case F_AUTHOR:
        v = cap_value(c, 0);
        push_person(&f->authors, person_parse(v));
        free(v);
        break;
    case F_RIGHTS: set_once(&f->rights, cap_value(c, 0)); break;
    case F_ID: set_once(&f->id, cap_token(c)); break;
    case F_CATEGORY: push_string(&f->categories, cap_value(c, 0)); break;
    case F_LOGO:
    case I_URL:
        if (f->image == NULL)
            f->image = xcalloc(1, sizeof(*f->image));
        set_once(&f->image->url, cap_url(s, c));
        break;
    case I_TITLE:
        if (f->image == NULL)
            f->image = xcalloc(1, sizeof(*f->image));
        set_once(&f->image->title, cap_value(c, 0));
        break;
    case I_LINK:
        if (f->image == NULL)
            f->image = xcalloc(1, sizeof(*f->image));
        set_once(&f->image->link, cap_url(s, c));
        break;
    case E_ID: if (e) set_once(&e->id, cap_token(c)); break;
    case E_TITLE: if (e) set_once(&e->title, cap_value(c, 0)); break;
    case E_LINK:
        if (e && !s->entry_link_seen) {
            s->entry_link_seen = 1;
            v = cap_url(s, c);
            if (e->link == NULL)
                e->link = xstrdup(v);
            entry_add_alternate(e, v); /* takes v */
        }
        break;
    case E_ALINK:
        if (e) {
            v = cap_url(s, c);
            if (*v) {
                push_link(&e->links, link_make(s->alink_rel, xstrdup(v), NULL, NULL));
                if (strcmp(s->alink_rel, "alternate") == 0 && e->link == NULL)
                    e->link = xstrdup(v);
                if (e->links.n > 0) {
                    struct feed_link *last = e->links.v[e->links.n - 1];
                    if (last->type == NULL) {
                        last->type = s->alink_type;
                        s->alink_type = NULL;
                    }
                }
            }
            free(v);
        }
        break;
    case E_PUBLISHED: if (e) cap_date(c, &e->published, &e->has_published); break;
    case E_UPDATED: if (e) cap_date(c, &e->updated, &e->has_updated); break;
    case E_AUTHOR:
        if (e) {
            v = cap_value(c, 0);
            push_person(&e->authors, person_parse(v));
            free(v);
        }
        break;
    case E_SUMMARY: if (e) set_once(&e->summary, cap_value(c, 1)); break;
    case E_CONTENT: if (e) set_once(&e->content, cap_value(c, 1)); break;
    case E_CATEGORY: if (e) push_string(&e->categories, cap_value(c, 0)); break;
    case P_NAME: if (p) set_once(&p->name, cap_value(c, 0)); break;
    case P_EMAIL: if (p) set_once(&p->email, cap_token(c)); break;
    case P_URI: if (p) set_once(&p->uri, cap_url(s, c)); break;
    }
    c->target = T_NONE;
}

/* ---- element dispatch ---- */

static void
detect_root(struct state *s, const xmlChar *local, const xmlChar *uri,
            const xmlChar **attrs, int nb)
{
    enum ns n = ns_of(uri, NULL);
    struct frame *fr = &s->stack[s->depth];

    fr->role = R_ROOT;
    if (eq(local, "rss")) {
        char *v = attr_get(attrs, nb, "version", NS_NONE);
        s->core_ns = uri;
        if (v == NULL)
            s->kind = FEED_RSS;
        else if (v[0] == '2')
            s->kind = FEED_RSS20;
        else if (strncmp(v, "0.9", 3) == 0 && v[3] >= '0' && v[3] <= '4' && v[4] == '\0')
            s->kind = FEED_RSS09X;
        else
            s->kind = FEED_RSS;
        free(v);
    } else if (eq(local, "RDF") && (n == N_RDF || n == NS_OTHER || n == NS_NONE)) {
        s->kind = FEED_RSS10;
        s->is_rdf = 1;
    } else if (eq(local, "feed")) {
        char *v = attr_get(attrs, nb, "version", NS_NONE);
        s->is_atom = 1;
        s->core_ns = uri;
        if (n == N_ATOM10)
            s->kind = FEED_ATOM10;
        else if (n == N_ATOM03 || (v && strncmp(v, "0.", 2) == 0))
            s->kind = FEED_ATOM03;
        else
            s->kind = FEED_ATOM;
        free(v);
        fr->role = R_FEED;
    } else {
        s->kind = FEED_UNKNOWN;
        fr->role = R_SKIP;
    }
    s->f->format = s->kind;
}

/* Is this an RSS core element (no namespace, or the root's)? */
static int
rss_core(struct state *s, const xmlChar *uri, enum ns n)
{
    if (s->is_rdf)
        return n == N_RSS10 || n == N_RSS090 || n == NS_NONE;
    if (uri == NULL)
        return 1;
    return s->core_ns != NULL && strcmp((const char *)uri, (const char *)s->core_ns) == 0;
}

static int
atom_core(struct state *s, const xmlChar *uri)
{
    if (uri == NULL)
        return s->core_ns == NULL;
    return s->core_ns != NULL && strcmp((const char *)uri, (const char *)s->core_ns) == 0;
}

static void
entry_begin(struct state *s)
{
    struct frame *fr = &s->stack[s->depth];

    if (s->f->entries.n >= FEED_MAX_ENTRIES) {
        fr->role = R_SKIP;
        return;
    }
    fr->role = R_ENTRY;
    s->entry = feed_entry_new();
    feed_list_push(&s->f->entries, s->entry);
    s->guid_permalink = 1;
    s->entry_link_seen = 0;
}

static void
rss_enclosure(struct state *s, const xmlChar **attrs, int nb)
{
    char *url = attr_get(attrs, nb, "url", NS_NONE);
    char *len = attr_get(attrs, nb, "length", NS_NONE);
    struct feed_link *enc, *ln;

    if (url == NULL || s->entry == NULL) {
        free(url);
        free(len);
        return;
    }
    enc = feed_link_new();
    enc->href = resolve(s, s->stack[s->depth].base, feed_trim(url));
    enc->type = attr_trim(attr_get(attrs, nb, "type", NS_NONE));
    if (len) {
        char *end;
        long long n = strtoll(feed_trim(len), &end, 10);
        if (*len && *end == '\0' && n >= 0)
            enc->length = n;
    }
    ln = link_make("enclosure", xstrdup(enc->href), xstrdup(enc->type), NULL);
    ln->length = enc->length;
    push_link(&s->entry->enclosures, enc);
    push_link(&s->entry->links, ln);
    free(url);
    free(len);
}

static void
extra_image(struct state *s, const xmlChar **attrs, int nb, const char *attr)
{
    char *u;

    if (s->entry == NULL || s->entry->image != NULL)
        return;
    u = attr_get(attrs, nb, attr, NS_NONE);
    if (u) {
        s->entry->image = resolve(s, s->stack[s->depth].base, feed_trim(u));
        free(u);
    }
}

static void
rss_start(struct state *s, const xmlChar *local, const xmlChar *uri, enum ns n,
          enum role parent, const xmlChar **attrs, int nb)
{
    struct frame *fr = &s->stack[s->depth];
    int core = rss_core(s, uri, n);

    if (parent == R_ROOT) {
        if (core && eq(local, "channel")) {
            fr->role = R_FEED;
            if (s->is_rdf && n == N_RSS090)
                s->kind = s->f->format = FEED_RSS09X;
        } else if (core && eq(local, "item")) {
            entry_begin(s);
        } else if (core && eq(local, "image")) {
            fr->role = R_IMAGE;
        } else {
            fr->role = R_SKIP;
        }
        return;
    }
    if (parent == R_IMAGE) {
        if (core && eq(local, "url"))
            cap_begin(s, I_URL, TY_TEXT);
        else if (core && eq(local, "title"))
            cap_begin(s, I_TITLE, TY_UNTYPED);
        else if (core && eq(local, "link"))
            cap_begin(s, I_LINK, TY_TEXT);
        return;
    }
    if (parent == R_FEED) {
        if (core) {
            if (eq(local, "item"))
                entry_begin(s);
            else if (eq(local, "image"))
                fr->role = s->f->image ? R_SKIP : R_IMAGE;
            else if (eq(local, "textInput") || eq(local, "textinput"))
                fr->role = R_SKIP;
            else if (eq(local, "title"))
                cap_begin(s, F_TITLE, TY_UNTYPED);
            else if (eq(local, "link"))
                cap_begin(s, F_LINK, TY_TEXT);
            else if (eq(local, "description"))
                cap_begin(s, F_SUBTITLE, TY_UNTYPED);
            else if (eq(local, "language"))
                cap_begin(s, F_LANGUAGE, TY_TEXT);
            else if (eq(local, "lastBuildDate"))
                cap_begin(s, F_UPDATED, TY_TEXT);
            else if (eq(local, "pubDate"))
                cap_begin(s, F_PUBLISHED, TY_TEXT);
            else if (eq(local, "managingEditor") || eq(local, "author"))
                cap_begin(s, F_AUTHOR, TY_UNTYPED);
            else if (eq(local, "copyright"))
                cap_begin(s, F_RIGHTS, TY_UNTYPED);
            else if (eq(local, "category"))
                cap_begin(s, F_CATEGORY, TY_UNTYPED);
            else
                fr->role = R_SKIP;
        } else if (n == N_DC) {
            if (eq(local, "title"))
                cap_begin(s, F_TITLE, TY_UNTYPED);
            else if (eq(local, "description"))
                cap_begin(s, F_SUBTITLE, TY_UNTYPED);
            else if (eq(local, "language"))
                cap_begin(s, F_LANGUAGE, TY_TEXT);
            else if (eq(local, "date"))
                cap_begin(s, F_UPDATED, TY_TEXT);
            else if (eq(local, "creator") || eq(local, "author"))
                cap_begin(s, F_AUTHOR, TY_UNTYPED);
            else if (eq(local, "rights"))
                cap_begin(s, F_RIGHTS, TY_UNTYPED);
            else if (eq(local, "subject"))
                cap_begin(s, F_CATEGORY, TY_UNTYPED);
        } else if (n == N_DCTERMS) {
            if (eq(local, "modified"))
                cap_begin(s, F_UPDATED, TY_TEXT);
            else if (eq(local, "issued"))
                cap_begin(s, F_PUBLISHED, TY_TEXT);
        } else {
            fr->role = R_SKIP;
        }
        return;
    }
    if (parent != R_ENTRY)
        return;
    if (core) {
        if (eq(local, "title"))
            cap_begin(s, E_TITLE, TY_UNTYPED);
        else if (eq(local, "link"))
            cap_begin(s, E_LINK, TY_TEXT);
        else if (eq(local, "guid")) {
            char *pl = attr_get(attrs, nb, "isPermaLink", NS_NONE);
            if (s->entry && s->entry->id == NULL)
                s->guid_permalink = !(pl && strcasecmp(feed_trim(pl), "false") == 0);
            free(pl);
            cap_begin(s, E_ID, TY_TEXT);
        } else if (eq(local, "pubDate"))
            cap_begin(s, E_PUBLISHED, TY_TEXT);
        else if (eq(local, "author"))
            cap_begin(s, E_AUTHOR, TY_UNTYPED);
        else if (eq(local, "description"))
            cap_begin(s, E_SUMMARY, TY_HTML);
        else if (eq(local, "category"))
            cap_begin(s, E_CATEGORY, TY_UNTYPED);
        else if (eq(local, "enclosure"))
            rss_enclosure(s, attrs, nb);
        else
            fr->role = R_SKIP;
    } else if (n == N_DC) {
        if (eq(local, "title"))
            cap_begin(s, E_TITLE, TY_UNTYPED);
        else if (eq(local, "date"))
            cap_begin(s, E_UPDATED, TY_TEXT);
        else if (eq(local, "creator") || eq(local, "author"))
            cap_begin(s, E_AUTHOR, TY_UNTYPED);
        else if (eq(local, "description"))
            cap_begin(s, E_SUMMARY, TY_HTML);
        else if (eq(local, "subject"))
            cap_begin(s, E_CATEGORY, TY_UNTYPED);
    } else if (n == N_DCTERMS) {
        if (eq(local, "modified"))
            cap_begin(s, E_UPDATED, TY_TEXT);
        else if (eq(local, "issued"))
            cap_begin(s, E_PUBLISHED, TY_TEXT);
    } else if (n == N_CONTENT && eq(local, "encoded")) {
        cap_begin(s, E_CONTENT, TY_HTML);
    } else if (n == N_XHTML && eq(local, "body")) {
        cap_begin(s, E_CONTENT, TY_HTML);
        s->cap.children = 1; /* the body's children are the value */
    } else if (n == N_MEDIA && (eq(local, "thumbnail") ||
                                (eq(local, "content") && s->entry && !s->entry->image))) {
        char *medium = attr_get(attrs, nb, "medium", NS_NONE);
        char *type = attr_get(attrs, nb, "type", NS_NONE);
        if (eq(local, "thumbnail") || (medium && strcmp(medium, "image") == 0) ||
            (type && strncmp(type, "image/", 6) == 0))
            extra_image(s, attrs, nb, "url");
        free(medium);
        free(type);
    } else if (n == N_ITUNES && eq(local, "image")) {
        extra_image(s, attrs, nb, "href");
    } else {
        fr->role = R_SKIP;
    }
}

static void
atom_link(struct state *s, enum role parent, const xmlChar **attrs, int nb)
{
    const char *base = s->stack[s->depth].base;
    char *rel = attr_get(attrs, nb, "rel", NS_NONE);
    char *href = attr_get(attrs, nb, "href", NS_NONE);
    struct feed_link *ln;

    if (rel == NULL || *feed_trim(rel) == '\0') {
        free(rel);
        rel = xstrdup("alternate");
    }
    if (href == NULL) {
        if (parent == R_ENTRY) {
            free(s->alink_rel);
            s->alink_rel = rel;
            free(s->alink_type);
            s->alink_type = attr_trim(attr_get(attrs, nb, "type", NS_NONE));
            cap_begin(s, E_ALINK, TY_TEXT);
            return;
        }
        free(rel);
        return;
    }
    ln = link_make(rel, resolve(s, base, feed_trim(href)),
                   attr_trim(attr_get(attrs, nb, "type", NS_NONE)),
                   attr_get(attrs, nb, "title", NS_NONE));
    free(href);
    if (parent == R_FEED) {
        if (strcmp(rel, "alternate") == 0 && s->f->link == NULL)
            s->f->link = xstrdup(ln->href);
        push_link(&s->f->links, ln);
    } else if (s->entry) {
        struct feed_entry *e = s->entry;
        char *len = attr_get(attrs, nb, "length", NS_NONE);
        if (len) {
            char *end;
            long long n = strtoll(feed_trim(len), &end, 10);
            if (*len && *end == '\0' && n >= 0)
                ln->length = n;
            free(len);
        }
        if (strcmp(rel, "alternate") == 0 && e->link == NULL)
            e->link = xstrdup(ln->href);
        if (strcmp(rel, "enclosure") == 0) {
            struct feed_link *enc = feed_link_new();
            enc->href = xstrdup(ln->href);
            enc->type = xstrdup(ln->type);
            enc->length = ln->length;
            push_link(&e->enclosures, enc);
        }
        push_link(&e->links, ln);
    } else {
        feed_link_free(ln);
    }
    free(rel);
}

static void
atom_start(struct state *s, const xmlChar *local, const xmlChar *uri, enum ns n,
           enum role parent, const xmlChar **attrs, int nb)
{
    struct frame *fr = &s->stack[s->depth];
    int entry = parent == R_ENTRY;

    if (parent == R_PERSON) {
        if (!atom_core(s, uri))
            return;
        if (eq(local, "name"))
            cap_begin(s, P_NAME, TY_TEXT);
        else if (eq(local, "email"))
            cap_begin(s, P_EMAIL, TY_TEXT);
        else if (eq(local, "uri") || eq(local, "url") || eq(local, "homepage"))
            cap_begin(s, P_URI, TY_TEXT);
        return;
    }
    if (parent != R_FEED && parent != R_ENTRY)
        return;
    if (!atom_core(s, uri)) {
        if (entry && n == N_MEDIA && eq(local, "thumbnail"))
            extra_image(s, attrs, nb, "url");
        else if (entry && n == N_XHTML && eq(local, "body") && s->entry && !s->entry->content) {
            cap_begin(s, E_CONTENT, TY_HTML);
            s->cap.children = 1;
        } else
            fr->role = R_SKIP;
        return;
    }
    if (parent == R_FEED && eq(local, "entry")) {
        entry_begin(s);
    } else if (eq(local, "title")) {
        cap_begin(s, entry ? E_TITLE : F_TITLE, TY_TEXT);
        s->cap.type = atom_type(s, attrs, nb);
    } else if (eq(local, "link")) {
        atom_link(s, parent, attrs, nb);
    } else if (eq(local, "id")) {
        cap_begin(s, entry ? E_ID : F_ID, TY_TEXT);
    } else if (eq(local, "updated") || eq(local, "modified")) {
        cap_begin(s, entry ? E_UPDATED : F_UPDATED, TY_TEXT);
    } else if (eq(local, "published") || eq(local, "issued")) {
        cap_begin(s, entry ? E_PUBLISHED : F_PUBLISHED, TY_TEXT);
    } else if (eq(local, "author")) {
        fr->role = R_PERSON;
        feed_person_free(s->person);
        s->person = feed_person_new();
    } else if (eq(local, "category")) {
        char *term = attr_get(attrs, nb, "term", NS_NONE);
        if (term)
            push_string(entry ? (s->entry ? &s->entry->categories : &s->f->categories)
                              : &s->f->categories, feed_trim(term));
    } else if (!entry && (eq(local, "subtitle") || eq(local, "tagline"))) {
        cap_begin(s, F_SUBTITLE, TY_TEXT);
        s->cap.type = atom_type(s, attrs, nb);
    } else if (!entry && (eq(local, "rights") || eq(local, "copyright"))) {
        cap_begin(s, F_RIGHTS, TY_TEXT);
        s->cap.type = atom_type(s, attrs, nb);
    } else if (!entry && eq(local, "logo")) {
        cap_begin(s, F_LOGO, TY_TEXT);
    } else if (entry && eq(local, "summary")) {
        cap_begin(s, E_SUMMARY, TY_TEXT);
        s->cap.type = atom_type(s, attrs, nb);
    } else if (entry && eq(local, "content")) {
        if (s->entry && s->entry->content) {
            fr->role = R_SKIP;
            return;
        }
        cap_begin(s, E_CONTENT, TY_TEXT);
        s->cap.type = atom_type(s, attrs, nb);
    } else {
        /* source, contributor and everything unknown: nothing of theirs
         * may populate the entry or feed */
        fr->role = R_SKIP;
    }
}

/* ---- SAX callbacks ---- */

static struct state *
state_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void
check_time(struct state *s)
{
    if ((++s->events & 255) != 0 || s->stopped)
        return;
    if ((clock() - s->started) / CLOCKS_PER_SEC >= PARSE_TIME_LIMIT) {
        s->stopped = 1;
        feed_set_bozo(s->f, "parse time limit reached; document cut");
        xmlStopParser(s->ctxt);
    }
}

static void
frame_push(struct state *s, const xmlChar **attrs, int nb)
{
    struct frame *parent = &s->stack[s->depth - 1];
    struct frame *fr = &s->stack[s->depth];

    fr->role = R_NONE;
    fr->base = parent->base;
    fr->lang = parent->lang;
    fr->base_owned = fr->lang_owned = 0;
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + i * 5;
        if (a[1] == NULL || !eq(a[1], "xml"))
            continue;
        if (eq(a[0], "base")) {
            char *v = xstrndup((const char *)a[3], (size_t)(a[4] - a[3]));
            if (fr->base_owned) /* a duplicated attribute (recover mode) */
                free((char *)fr->base);
            fr->base = url_resolve(parent->base, feed_trim(v));
            fr->base_owned = 1;
            free(v);
        } else if (eq(a[0], "lang")) {
            if (fr->lang_owned)
                free((char *)fr->lang);
            fr->lang = xstrndup((const char *)a[3], (size_t)(a[4] - a[3]));
            fr->lang_owned = 1;
        }
    }
}

static void
frame_pop(struct state *s)
{
    struct frame *fr = &s->stack[s->depth];

    if (fr->base_owned)
        free((char *)fr->base);
    if (fr->lang_owned)
        free((char *)fr->lang);
    fr->base_owned = fr->lang_owned = 0;
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
         int nb_ns, const xmlChar **ns, int nb_attrs, int nb_def, const xmlChar **attrs)
{
    struct state *s = state_of(ctx);
    struct capture *c = &s->cap;
    enum role parent;
    enum ns n;

    (void)nb_ns;
    (void)ns;
    (void)nb_def;
    check_time(s);
    if (s->depth + 1 > MAX_FRAME) {
        s->depth++;
        return;
    }
    s->depth++;
    frame_push(s, attrs, nb_attrs);
    if (c->target != T_NONE) {
        /* Inside a field: this child is inline markup. */
        if (!c->children) {
            c->children = 1;
            buf_append_html(&c->markup, c->raw.data ? c->raw.data : "", c->raw.len);
        }
        if (c->type == TY_XHTML && s->depth == c->depth + 1 && c->div_depth == 0 &&
            eq(local, "div")) {
            c->div_depth = s->depth;
            return;
        }
        markup_start(c, local, attrs, nb_attrs);
        return;
    }
    if (s->depth == 1) {
        detect_root(s, local, uri, attrs, nb_attrs);
        if (s->is_atom || !s->is_rdf) {
            const char *lang = s->stack[1].lang;
            if (lang && s->f->language == NULL && s->is_atom) {
                s->f->language = feed_trim(xstrdup(lang));
                for (char *q = s->f->language; *q; q++)
                    if (*q == '_')
                        *q = '-';
            }
        }
        return;
    }
    parent = s->stack[s->depth - 1].role;
    if (parent == R_SKIP || parent == R_NONE) {
        s->stack[s->depth].role = R_SKIP;
        return;
    }
    n = ns_of(uri, prefix);
    if (s->is_atom) {
        atom_start(s, local, uri, n, parent, attrs, nb_attrs);
    } else {
        rss_start(s, local, uri, n, parent, attrs, nb_attrs);
        if (s->is_rdf && s->stack[s->depth].role == R_ENTRY && s->entry) {
            char *about = attr_get(attrs, nb_attrs, "about", N_RDF);
            if (about)
                s->entry->id = feed_trim(about);
        }
    }
    if (s->stack[s->depth].role == R_NONE)
        s->stack[s->depth].role = R_SKIP;
    if (c->target != T_NONE)
        s->stack[s->depth].role = R_NONE;
}

static void
entry_end(struct state *s)
{
    struct feed_entry *e = s->entry;

    if (e && e->link == NULL && e->id && s->guid_permalink && !s->is_atom &&
        !s->is_rdf) {
        /* the guid stands in for the link, but is not a <link>: links
         * lists only link elements and enclosures */
        e->link = resolve(s, s->stack[s->depth].base, e->id);
    }
    s->entry = NULL;
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct state *s = state_of(ctx);
    struct capture *c = &s->cap;

    (void)prefix;
    (void)uri;
    if (s->depth > MAX_FRAME) {
        s->depth--;
        return;
    }
    if (c->target != T_NONE) {
        if (s->depth == c->depth) {
            cap_end(s);
        } else if (s->depth == c->div_depth) {
            c->div_depth = -1; /* only the first div is the wrapper */
        } else if (*local && !is_void_element((const char *)local)) {
            buf_puts(&c->markup, "</");
            buf_puts(&c->markup, (const char *)local);
            buf_putc(&c->markup, '>');
        }
    } else {
        switch (s->stack[s->depth].role) {
        case R_ENTRY:
            entry_end(s);
            break;
        case R_PERSON:
            if (s->entry && s->stack[s->depth - 1].role == R_ENTRY)
                push_person(&s->entry->authors, s->person);
            else if (s->stack[s->depth - 1].role == R_FEED)
                push_person(&s->f->authors, s->person);
            else
                feed_person_free(s->person);
            s->person = NULL;
            break;
        case R_FEED:
            if (!s->is_atom && s->f->language == NULL && s->stack[s->depth].lang)
                s->f->language = xstrdup(s->stack[s->depth].lang);
            break;
        default:
            break;
        }
    }
    frame_pop(s);
    s->depth--;
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
    struct state *s = state_of(ctx);
    struct capture *c = &s->cap;

    /* entity expansion can call this endlessly (quadratic blowup) */
    check_time(s);
    if (c->target == T_NONE)
        return;
    if (c->children)
        buf_append_html(&c->markup, (const char *)ch, (size_t)len);
    else
        buf_append(&c->raw, ch, (size_t)len);
}

static xmlEntityPtr
on_get_entity(void *ctx, const xmlChar *name)
{
    struct state *s = state_of(ctx);
    xmlEntityPtr ent = xmlSAX2GetEntity(ctx, name);
    const char *utf8;
    size_t len;
    struct hentity *h;
    char msg[96];

    if (ent != NULL) {
        /* libxml2 stops billion laughs, not a big entity referenced many
         * times (quadratic blowup): count what references expand to. */
        s->expanded += ent->length > 0 ? (size_t)ent->length : 0;
        if (s->expanded > MAX_EXPANSION && !s->stopped) {
            s->stopped = 1;
            feed_set_bozo(s->f, "entity expansion over 16 MiB; document cut");
            xmlStopParser(s->ctxt);
        }
        return s->stopped ? NULL : ent;
    }
    for (h = s->hents; h; h = h->next) {
        if (strcmp((const char *)h->ent.name, (const char *)name) == 0)
            return &h->ent;
    }
    if (html_entity_lookup((const char *)name, strlen((const char *)name), &utf8, &len) != ALM_OK)
        return NULL;
    snprintf(msg, sizeof(msg), "undeclared entity &%.40s; (decoded as HTML)", name);
    feed_set_bozo(s->f, msg);
    h = xcalloc(1, sizeof(*h));
    h->ent.type = XML_ENTITY_DECL;
    h->ent.etype = XML_INTERNAL_PREDEFINED_ENTITY;
    h->ent.name = xmlStrdup(name);
    h->ent.content = xmlStrndup((const xmlChar *)utf8, (int)len);
    h->ent.orig = xmlStrdup(h->ent.content);
    h->ent.length = (int)len;
    h->next = s->hents;
    s->hents = h;
    return &h->ent;
}

static xmlParserInputPtr
on_resolve_entity(void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
    (void)ctx;
    (void)public_id;
    (void)system_id;
    return NULL; /* never load anything from outside the document */
}

static void
on_error(void *ctx, xmlErrorPtr err)
{
    struct state *s = state_of(ctx);
    char msg[200];
    size_t n;

    if (err == NULL || err->level < XML_ERR_ERROR || s == NULL)
        return;
    snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "malformed XML");
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    feed_set_bozo(s->f, msg);
}

static xmlParserInputPtr
deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void
quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void
xml_global_init(void)
{
    static int done;

    if (done)
        return;
    done = 1;
    xmlInitParser();
    xmlSetExternalEntityLoader(deny_loader);
    xmlSetGenericErrorFunc(NULL, quiet);
}

/* Skips junk before the first '<' (some servers prepend whitespace or
 * text); returns how many bytes to skip. */
static size_t
junk_prefix(struct feed *f, const char *p, size_t n)
{
    size_t i = 0;
    int junk = 0;

    while (i < n && p[i] != '<') {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            junk = 1;
        i++;
    }
    /* White space may precede the root element, not the declaration. */
    if (!junk && i > 0 && n - i >= 5 && memcmp(p + i, "<?xml", 5) == 0)
        feed_set_bozo(f, "white space before the XML declaration");
    if (junk)
        feed_set_bozo(f, "junk before the XML prolog");
    return i;
}

#ifdef __SSE2__
/* Bit k set: p[k] is c, for the 64 bytes at p. */
static uint64_t
byte_mask64(const char *p, char c)
{
    const __m128i v = _mm_set1_epi8(c);
    uint64_t m = 0;

    for (int k = 0; k < 4; k++) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        m |= (uint64_t)(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(b, v)) << (16 * k);
    }
    return m;
}
#endif

/*
 * Whether every run of bytes without a '>' is shorter than MAX_TAG_BYTES:
 * then no start tag can be that long, as one runs from a '<' to the next
 * '>'. Sixty-four bytes a step and no branch per tag, where the exact scan
 * in guard_tags() pays two calls and mispredictions for every tag: this
 * runs at the speed of memory.
 */
static int
tags_surely_short(const char *p, size_t n)
{
    size_t i = 0, last = 0, longest = 0; /* last: just past the last '>' */

#ifdef __SSE2__
    for (; i + 64 <= n; i += 64) {
        uint64_t m = byte_mask64(p + i, '>');
        size_t run = i + 64 - last; /* bounds every run that ends in these 64 */

        longest = run > longest ? run : longest;
        last = m ? i + 64 - (size_t)__builtin_clzll(m) : last;
    }
#endif
    for (; i < n; i++) {
        if (p[i] == '>') {
            longest = i - last > longest ? i - last : longest;
            last = i + 1;
        }
    }
    longest = n - last > longest ? n - last : longest;
    return longest < MAX_TAG_BYTES;
}

/* The length to parse: up to the first start tag longer than MAX_TAG_BYTES. */
static size_t
guard_tags(struct feed *f, const char *p, size_t n)
{
    const char *end = p + n, *lt = p;

    if (n < MAX_TAG_BYTES || tags_surely_short(p, n))
        return n;
    while ((lt = memchr(lt, '<', (size_t)(end - lt))) != NULL) {
        const char *gt;
        size_t room;
        if (lt + 1 >= end)
            break;
        if (!((lt[1] >= 'a' && lt[1] <= 'z') || (lt[1] >= 'A' && lt[1] <= 'Z'))) {
            lt++;
            continue;
        }
        room = (size_t)(end - lt) < MAX_TAG_BYTES ? (size_t)(end - lt) : MAX_TAG_BYTES;
        gt = memchr(lt, '>', room);
        if (gt == NULL && room == MAX_TAG_BYTES) {
            feed_set_bozo(f, "a start tag longer than 256 KiB; document cut there");
            return (size_t)(lt - p);
        }
        lt = gt ? gt + 1 : end;
    }
    return n;
}

void
xmlfeed_parse(struct feed *f, const char *data, size_t len, const char *base_url)
{
    xmlSAXHandler sax;
    struct state *s;
    const char *doc;
    size_t dlen, skip;
    int owned;
    const size_t chunk = (size_t)1 << 20;

    xml_global_init();
    enc_to_utf8(f, data, len, &doc, &dlen, &owned);
    skip = junk_prefix(f, doc, dlen);
    dlen = skip + guard_tags(f, doc + skip, dlen - skip);

    memset(&sax, 0, sizeof(sax));
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.ignorableWhitespace = on_text;
    sax.getEntity = on_get_entity;
    sax.resolveEntity = on_resolve_entity;
    sax.externalSubset = NULL;
    sax.comment = NULL;
    sax.processingInstruction = NULL;
    sax.warning = NULL;
    sax.error = NULL;
    sax.fatalError = NULL;
    sax.serror = on_error;

    s = xcalloc(1, sizeof(*s));
    s->f = f;
    s->doc_base = base_url;
    s->stack[0].base = base_url;
    s->stack[0].role = R_NONE;
    buf_init(&s->cap.raw, FEED_MAX_FIELD);
    buf_init(&s->cap.markup, FEED_MAX_FIELD);
    s->started = clock();

    s->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    if (s->ctxt == NULL) {
        feed_set_bozo(f, "cannot create an XML parser");
        goto out;
    }
    s->ctxt->_private = s;
    xmlCtxtUseOptions(s->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOENT |
                                   XML_PARSE_IGNORE_ENC);
    /* The bytes are UTF-8 now, whatever the declaration says. */
    xmlSwitchEncoding(s->ctxt, XML_CHAR_ENCODING_UTF8);
    for (size_t off = skip; !s->stopped;) {
        size_t n = dlen - off < chunk ? dlen - off : chunk;
        int last = off + n >= dlen;
        xmlParseChunk(s->ctxt, doc + off, (int)n, last);
        off += n;
        if (last || s->ctxt->disableSAX == 2)
            break;
    }
    if (!s->ctxt->wellFormed || !s->ctxt->nsWellFormed)
        feed_set_bozo(f, "document is not well-formed XML");
    /* Close whatever a truncated document left open. */
    while (s->depth > 0)
        on_end(s->ctxt, (const xmlChar *)"", NULL, NULL);
    if (s->kind == FEED_UNKNOWN && f->format == FEED_UNKNOWN && !f->bozo && dlen - skip == 0)
        feed_set_bozo(f, "empty document");
out:
    if (s->ctxt) {
        s->ctxt->_private = NULL;
        /* SAX2's startDocument builds a document to hold DTD declarations
         * (so declared entities resolve); the context does not own it. */
        xmlFreeDoc(s->ctxt->myDoc);
        s->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(s->ctxt);
    }
    feed_person_free(s->person);
    free(s->alink_rel);
    free(s->alink_type);
    while (s->hents) {
        struct hentity *h = s->hents;
        s->hents = h->next;
        xmlFree((xmlChar *)h->ent.name);
        xmlFree(h->ent.content);
        xmlFree(h->ent.orig);
        free(h);
    }
    buf_fini(&s->cap.raw);
    buf_fini(&s->cap.markup);
    free(s);
    if (owned)
        free((char *)doc);
}

/* ---- RSS person strings ---- */

static int
is_email_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '+' || c == '-' || c == '_' || c == '@';
}

/* Finds local@domain in s: sets [*b, *e) and returns 1. */
static int
find_email(const char *s, const char **b, const char **e)
{
    const char *at = strchr(s, '@');

    if (at == NULL)
        return 0;
    const char *p = at, *q = at + 1;
    while (p > s && is_email_char(p[-1]) && p[-1] != '@')
        p--;
    while (*q && is_email_char(*q) && *q != '@')
        q++;
    if (p == at || q == at + 1)
        return 0;
    *b = p;
    *e = q;
    return 1;
}

/* Splits an RSS person string ("Name (email)", "Name <email>", ...). */
static struct feed_person *
person_parse(const char *str)
{
    struct feed_person *p;
    const char *b, *e;
    char *s;

    if (str == NULL)
        return NULL;
    s = feed_trim(xstrdup(str));
    if (*s == '\0') {
        free(s);
        return NULL;
    }
    p = feed_person_new();
    if (!find_email(s, &b, &e)) {
        p->name = s;
        return p;
    }
    p->email = xstrndup(b, (size_t)(e - b));
    /* The name is what is left once the email and its brackets go. */
    {
        struct buf nb = BUF_INIT(strlen(s) + 8);
        buf_append(&nb, s, (size_t)(b - s));
        buf_puts(&nb, e);
        char *rest = buf_take(&nb);
        char *w = rest;
        for (char *r = rest; *r; r++) {
            if (*r == '(' || *r == ')' || *r == '<' || *r == '>' || *r == '[' || *r == ']')
                continue;
            *w++ = *r;
        }
        *w = '\0';
        feed_trim(rest);
        /* "mailto:" or a bare separator is not a name */
        if (strncmp(rest, "mailto:", 7) == 0)
            memmove(rest, rest + 7, strlen(rest + 7) + 1);
        feed_trim(rest);
        if (*rest)
            p->name = rest;
        else
            free(rest);
    }
    free(s);
    return p;
}
