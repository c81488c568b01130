/*
 * opml.c - OPML subscription lists in and out.
 *
 * Reading uses libxml2's tree API: OPML files are small (we refuse more than
 * 16 MiB) and the tree makes folder names easy to find. The input comes from
 * strangers, so: no network, no DTD loading, no entity substitution, no
 * relaxed limits (XML_PARSE_HUGE), and a document that declares entities at
 * all is refused, because reading an attribute through libxml2 would expand
 * its entity references again on every read (the "billion laughs").
 */
#include "parse/opml.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/hash.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/xalloc.h"

/* The outlines found so far. */
struct list {
    struct opml_outline *v;
    size_t n, cap;
};

static int
is_blank(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Finds "<!ENTITY" in raw bytes: cheap refusal before libxml2 does any work. */
static int
declares_entity(const char *data, size_t len)
{
    static const char pat[] = "<!ENTITY";
    const size_t plen = sizeof(pat) - 1;
    const char *p = data, *end = data + len;

    while ((size_t)(end - p) >= plen) {
        const char *lt = memchr(p, '<', (size_t)(end - p));

        if (lt == NULL || (size_t)(end - lt) < plen)
            return 0;
        if (memcmp(lt, pat, plen) == 0)
            return 1;
        p = lt + 1;
    }
    return 0;
}

/* The same check on the parsed document, which also catches UTF-16 input. */
static int
doc_has_entities(xmlDocPtr doc)
{
    xmlDtdPtr dtds[2] = { doc->intSubset, doc->extSubset };

    for (size_t i = 0; i < LEN(dtds); i++) {
        if (dtds[i] == NULL)
            continue;
        if (dtds[i]->entities != NULL &&
            xmlHashSize((xmlHashTablePtr)dtds[i]->entities) > 0)
            return 1;
        if (dtds[i]->pentities != NULL &&
            xmlHashSize((xmlHashTablePtr)dtds[i]->pentities) > 0)
            return 1;
    }
    return 0;
}

static int
name_is(const xmlChar *name, const char *want)
{
    return name != NULL && xmlStrcasecmp(name, (const xmlChar *)want) == 0;
}

/* Drops an incomplete UTF-8 sequence left at the end of s by a cut. */
static void
trim_partial_utf8(char *s)
{
    size_t n = strlen(s), i = n, want;
    unsigned char lead;

    while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    lead = (unsigned char)s[i - 1];
    if (lead < 0x80)
        return;
    want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i - 1 + want > n)
        s[i - 1] = '\0';
}

/*
 * The value of attribute name of node (name compared without case, as some
 * writers say xmlurl or XMLURL), trimmed, or NULL when absent or blank. Only
 * text children count: we never follow an entity reference. A value longer
 * than max bytes is cut when cut is set; otherwise it gives NULL and sets
 * *too_long. No more than max + 1 bytes are ever looked at.
 */
static char *
attr_value(xmlNodePtr node, const char *name, size_t max, int cut, int *too_long)
{
    for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
        struct buf b = BUF_INIT(max + 2);
        int over = 0;
        char *v, *start, *end;

        if (a->ns != NULL || !name_is(a->name, name))
            continue;
        for (xmlNodePtr t = a->children; t != NULL && !over; t = t->next) {
            size_t room, len;

            if (t->type != XML_TEXT_NODE || t->content == NULL)
                continue;
            room = max + 1 - b.len;
            len = strnlen((const char *)t->content, room + 1);
            if (len > room) {
                len = room;
                over = 1;
            }
            if (buf_append(&b, t->content, len) != ALM_OK)
                over = 1; /* cannot happen: room keeps b.len <= max + 1 */
        }
        v = buf_take(&b);
        if (v == NULL)
            return NULL;
        for (start = v; is_blank((unsigned char)*start); start++)
            ;
        end = start + strlen(start);
        while (end > start && is_blank((unsigned char)end[-1]))
            end--;
        if ((size_t)(end - start) > max) {
            over = 1;
            end = start + max;
        }
        if (over && !cut) {
            free(v);
            *too_long = 1;
            return NULL;
        }
        if (end == start) {
            free(v);
            return NULL;
        }
        *end = '\0';
        memmove(v, start, (size_t)(end - start) + 1);
        if (over)
            trim_partial_utf8(v);
        return v;
    }
    return NULL;
}

/* Title, else text, cut to OPML_MAX_TEXT; NULL when neither is usable. */
static char *
outline_title(xmlNodePtr node)
{
    char *v = attr_value(node, "title", OPML_MAX_TEXT, 1, NULL);

    if (v == NULL)
        v = attr_value(node, "text", OPML_MAX_TEXT, 1, NULL);
    return v;
}

static void
outline_fini(struct opml_outline *o)
{
    free(o->title);
    free(o->xml_url);
    free(o->html_url);
    free(o->category);
}

/*
 * Adds outline node to l when it is a feed. Otherwise, when it is a folder,
 * sets *folder to its name (for its children's category). ALM_ETOOBIG past
 * OPML_MAX_OUTLINES.
 */
static int
collect(struct list *l, xmlNodePtr node, const char *category, char **folder)
{
    struct opml_outline o;
    int too_long = 0;

    memset(&o, 0, sizeof(o));
    o.xml_url = attr_value(node, "xmlUrl", OPML_MAX_URL, 0, &too_long);
    if (o.xml_url == NULL && too_long) {
        /* A URL too long to be real still makes this a feed, not a folder,
         * and is handed on cut and marked, so that an import can name it. */
        o.xml_url = attr_value(node, "xmlUrl", OPML_MAX_URL, 1, NULL);
        o.url_too_long = 1;
    }
    if (o.xml_url == NULL) {
        *folder = outline_title(node);
        return ALM_OK;
    }
    if (l->n == OPML_MAX_OUTLINES) {
        free(o.xml_url);
        return ALM_ETOOBIG;
    }
    too_long = 0;
    o.html_url = attr_value(node, "htmlUrl", OPML_MAX_URL, 0, &too_long);
    o.title = outline_title(node);
    if (o.title == NULL)
        o.title = xstrdup(o.xml_url);
    o.category = category ? xstrdup(category) : NULL;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = o;
    return ALM_OK;
}

/*
 * Visits every element under root in document order, without recursion.
 * cats[d] is the category of elements at depth d (0: children of root): the
 * name of the innermost folder above them. Folder names are owned by the
 * stack level that opened them.
 */
static int
walk(struct list *l, xmlNodePtr root)
{
    struct level {
        char *cat;     /* category of the elements at this depth */
        int owned;
    } *st = NULL;
    size_t depth = 0, cap = 16;
    xmlNodePtr node = root->children;
    int rc = ALM_OK;

    st = xmalloc(cap * sizeof(*st));
    st[0].cat = NULL;
    st[0].owned = 0;
    while (node != NULL && rc == ALM_OK) {
        if (node->type == XML_ELEMENT_NODE) {
            char *folder = NULL;

            if (name_is(node->name, "outline"))
                rc = collect(l, node, st[depth].cat, &folder);
            if (rc == ALM_OK && node->children != NULL) {
                if (depth + 1 == cap) {
                    cap *= 2;
                    st = xrealloc(st, cap * sizeof(*st));
                }
                depth++;
                st[depth].cat = folder ? folder : st[depth - 1].cat;
                st[depth].owned = folder != NULL;
                node = node->children;
                continue;
            }
            free(folder);
        }
        /* Climb until there is a next sibling, closing levels on the way. */
        while (node != NULL && node != root && node->next == NULL) {
            node = node->parent;
            if (node == NULL || node == root)
                break;
            if (st[depth].owned)
                free(st[depth].cat);
            depth--;
        }
        if (node == NULL || node == root)
            break;
        node = node->next;
    }
    for (; depth > 0; depth--)
        if (st[depth].owned)
            free(st[depth].cat);
    free(st);
    return rc;
}

int
opml_read(const char *data, size_t len, struct opml_outline **out, size_t *n)
{
    const int options = XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING;
    struct list l = { NULL, 0, 0 };
    xmlDocPtr doc;
    xmlNodePtr root;
    int rc;

    if (data == NULL || out == NULL || n == NULL || len == 0)
        return ALM_EINVAL;
    if (len > OPML_MAX_BYTES)
        return ALM_ETOOBIG;
    if (declares_entity(data, len))
        return ALM_EINVAL;
    doc = xmlReadMemory(data, (int)len, NULL, NULL, options);
    if (doc == NULL)
        return ALM_EINVAL;
    root = xmlDocGetRootElement(doc);
    if (root == NULL || !name_is(root->name, "opml") || doc_has_entities(doc)) {
        xmlFreeDoc(doc);
        return ALM_EINVAL;
    }
    rc = walk(&l, root);
    xmlFreeDoc(doc);
    if (rc != ALM_OK) {
        opml_outlines_free(l.v, l.n);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return ALM_OK;
}

void
opml_outlines_free(struct opml_outline *o, size_t n)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        outline_fini(&o[i]);
    free(o);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp >= 0xFFFE)) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need;
}

/*
 * Appends s escaped for a double-quoted XML attribute. Characters XML 1.0
 * cannot carry (most C0 controls, broken UTF-8) become U+FFFD, and line
 * breaks become character references so they survive attribute normalization.
 */
static int
put_attr(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    int rc = ALM_OK;

    while (i < n && rc == ALM_OK) {
        size_t k;

        switch (p[i]) {
        case '&': rc = buf_puts(b, "&amp;"); i++; continue;
        case '<': rc = buf_puts(b, "&lt;"); i++; continue;
        case '>': rc = buf_puts(b, "&gt;"); i++; continue;
        case '"': rc = buf_puts(b, "&quot;"); i++; continue;
        case '\t': rc = buf_puts(b, "&#9;"); i++; continue;
        case '\n': rc = buf_puts(b, "&#10;"); i++; continue;
        case '\r': rc = buf_puts(b, "&#13;"); i++; continue;
        default: break;
        }
        k = p[i] < 0x20 ? 0 : utf8_len(p + i, n - i);
        if (k == 0) {
            rc = buf_puts(b, "\xEF\xBF\xBD");
            i++;
        } else {
            rc = buf_append(b, p + i, k);
            i += k;
        }
    }
    return rc;
}

static int
write_source(struct buf *b, const struct source *s)
{
    int rc = buf_puts(b, "      <outline type=\"rss\" text=\"");

    if (rc == ALM_OK)
        rc = put_attr(b, s->name ? s->name : s->slug);
    if (rc == ALM_OK)
        rc = buf_puts(b, "\" title=\"");
    if (rc == ALM_OK)
        rc = put_attr(b, s->name ? s->name : s->slug);
    if (rc == ALM_OK)
        rc = buf_puts(b, "\" xmlUrl=\"");
    if (rc == ALM_OK)
        rc = put_attr(b, s->feed_url ? s->feed_url : "");
    if (rc == ALM_OK && s->site_url != NULL) {
        rc = buf_puts(b, "\" htmlUrl=\"");
        if (rc == ALM_OK)
            rc = put_attr(b, s->site_url);
    }
    if (rc == ALM_OK)
        rc = buf_puts(b, "\"/>\n");
    return rc;
}

static int
kind_known(const char *kind)
{
    for (size_t i = 0; config_kinds[i] != NULL; i++)
        if (kind != NULL && strcmp(kind, config_kinds[i]) == 0)
            return 1;
    return 0;
}

/* One folder: the sources of this kind, or (kind NULL) of no known kind. */
static int
write_folder(struct buf *b, const struct config *c, const char *kind)
{
    const char *label = kind ? kind : "other";
    int opened = 0, rc = ALM_OK;

    for (size_t i = 0; i < c->nsources && rc == ALM_OK; i++) {
        const struct source *s = &c->sources[i];

        if (kind ? (s->kind == NULL || strcmp(s->kind, kind) != 0) : kind_known(s->kind))
            continue;
        if (!opened) {
            rc = buf_printf(b, "    <outline text=\"%s\" title=\"%s\">\n", label, label);
            opened = 1;
        }
        if (rc == ALM_OK)
            rc = write_source(b, s);
    }
    if (opened && rc == ALM_OK)
        rc = buf_puts(b, "    </outline>\n");
    return rc;
}

int
opml_write(const struct config *c, struct buf *out)
{
    int rc;

    if (c == NULL || out == NULL)
        return ALM_EINVAL;
    rc = buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<opml version=\"2.0\">\n"
                       "  <head>\n"
                       "    <title>Almanac sources</title>\n"
                       "  </head>\n"
                       "  <body>\n");
    for (size_t k = 0; config_kinds[k] != NULL && rc == ALM_OK; k++)
        rc = write_folder(out, c, config_kinds[k]);
    if (rc == ALM_OK)
        rc = write_folder(out, c, NULL);
    if (rc == ALM_OK)
        rc = buf_puts(out, "  </body>\n</opml>\n");
    return rc;
}
