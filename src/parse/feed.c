/*
 * feed.c - the feed model: construction, release, JSON output and the
 * dispatch from raw bytes to the XML or JSON Feed parser.
 */
#include "parse/feed.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "parse/date.h"
#include "parse/feed_internal.h"

void
feed_list_push(struct feed_list *l, void *p)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = p;
}

static void
feed_list_free(struct feed_list *l, void (*fn)(void *))
{
    for (size_t i = 0; i < l->n; i++)
        fn(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

struct feed_link *
feed_link_new(void)
{
    struct feed_link *l = xcalloc(1, sizeof(*l));

    l->length = -1;
    return l;
}

void
feed_link_free(struct feed_link *l)
{
    if (l == NULL)
        return;
    free(l->rel);
    free(l->href);
    free(l->type);
    free(l->title);
    free(l);
}

struct feed_person *
feed_person_new(void)
{
    return xcalloc(1, sizeof(struct feed_person));
}

void
feed_person_free(struct feed_person *p)
{
    if (p == NULL)
        return;
    free(p->name);
    free(p->email);
    free(p->uri);
    free(p);
}

struct feed_entry *
feed_entry_new(void)
{
    return xcalloc(1, sizeof(struct feed_entry));
}

static void
link_free_v(void *p)
{
    feed_link_free(p);
}

static void
person_free_v(void *p)
{
    feed_person_free(p);
}

static void
entry_free_v(void *p)
{
    feed_entry_free(p);
}

void
feed_entry_free(struct feed_entry *e)
{
    if (e == NULL)
        return;
    free(e->id);
    free(e->title);
    free(e->link);
    feed_list_free(&e->links, link_free_v);
    free(e->author);
    feed_list_free(&e->authors, person_free_v);
    free(e->summary);
    free(e->content);
    feed_list_free(&e->categories, free);
    feed_list_free(&e->enclosures, link_free_v);
    free(e->image);
    free(e);
}

void
feed_free(struct feed *f)
{
    if (f == NULL)
        return;
    free(f->encoding);
    free(f->bozo_message);
    free(f->title);
    free(f->link);
    feed_list_free(&f->links, link_free_v);
    free(f->subtitle);
    free(f->language);
    free(f->author);
    feed_list_free(&f->authors, person_free_v);
    free(f->id);
    if (f->image) {
        free(f->image->url);
        free(f->image->title);
        free(f->image->link);
        free(f->image);
    }
    free(f->rights);
    feed_list_free(&f->categories, free);
    feed_list_free(&f->entries, entry_free_v);
    free(f);
}

void
feed_set_bozo(struct feed *f, const char *why)
{
    if (!f->bozo) {
        f->bozo = 1;
        f->bozo_message = xstrdup(why ? why : "malformed document");
    }
}

const char *
feed_format_name(enum feed_format fmt)
{
    switch (fmt) {
    case FEED_RSS20: return "rss20";
    case FEED_RSS09X: return "rss09x";
    case FEED_RSS: return "rss";
    case FEED_RSS10: return "rss10";
    case FEED_ATOM10: return "atom10";
    case FEED_ATOM03: return "atom03";
    case FEED_ATOM: return "atom";
    case FEED_JSON1X: return "json1x";
    case FEED_UNKNOWN: break;
    }
    return "unknown";
}

/* Fills in the fields the contract derives from others. */
static void
feed_finish(struct feed *f)
{
    if (f->author == NULL && f->authors.n > 0) {
        struct feed_person *p = f->authors.v[0];
        f->author = xstrdup(p->name ? p->name : p->email);
    }
    for (size_t i = 0; i < f->entries.n; i++) {
        struct feed_entry *e = f->entries.v[i];
        if (e->author == NULL && e->authors.n > 0) {
            struct feed_person *p = e->authors.v[0];
            e->author = xstrdup(p->name ? p->name : p->email);
        }
    }
    if (f->encoding == NULL)
        f->encoding = xstrdup("utf-8");
}

static int
is_json(const char *data, size_t len)
{
    size_t i = 0;

    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < len && (data[i] == '{' || data[i] == '[');
}

struct feed *
feed_parse(const char *data, size_t len, const char *base_url)
{
    struct feed *f = xcalloc(1, sizeof(*f));

    if (len > FEED_MAX_BYTES) {
        len = FEED_MAX_BYTES;
        feed_set_bozo(f, "document larger than the parser's limit; cut");
    }
    if (len == 0) {
        feed_set_bozo(f, "empty document");
    } else if (is_json(data, len)) {
        jsonfeed_parse(f, data, len, base_url);
    } else {
        xmlfeed_parse(f, data, len, base_url);
    }
    feed_finish(f);
    return f;
}

/* JSON output: the contract of ../shared/parse-contract.md. */

static void
json_key(struct buf *o, const char *k, int first)
{
    if (!first)
        buf_putc(o, ',');
    buf_append_json(o, k);
    buf_putc(o, ':');
}

static void
json_kv(struct buf *o, const char *k, const char *v, int first)
{
    json_key(o, k, first);
    buf_append_json(o, v);
}

static void
json_date(struct buf *o, const char *k, time_t t, int has)
{
    char s[32];

    json_key(o, k, 0);
    if (!has) {
        buf_puts(o, "null");
        return;
    }
    date_format_rfc3339(t, s);
    buf_append_json(o, s);
}

static void
json_links(struct buf *o, const char *k, const struct feed_list *l)
{
    json_key(o, k, 0);
    buf_putc(o, '[');
    for (size_t i = 0; i < l->n; i++) {
        const struct feed_link *ln = l->v[i];
        if (i)
            buf_putc(o, ',');
        buf_putc(o, '{');
        json_kv(o, "rel", ln->rel, 1);
        json_kv(o, "href", ln->href, 0);
        json_kv(o, "type", ln->type, 0);
        json_kv(o, "title", ln->title, 0);
        buf_putc(o, '}');
    }
    buf_putc(o, ']');
}

static void
json_enclosures(struct buf *o, const struct feed_list *l)
{
    json_key(o, "enclosures", 0);
    buf_putc(o, '[');
    for (size_t i = 0; i < l->n; i++) {
        const struct feed_link *ln = l->v[i];
        if (i)
            buf_putc(o, ',');
        buf_putc(o, '{');
        json_kv(o, "href", ln->href, 1);
        json_kv(o, "type", ln->type, 0);
        json_key(o, "length", 0);
        if (ln->length >= 0)
            buf_printf(o, "%lld", (long long)ln->length);
        else
            buf_puts(o, "null");
        buf_putc(o, '}');
    }
    buf_putc(o, ']');
}

static void
json_authors(struct buf *o, const struct feed_list *l)
{
    json_key(o, "authors", 0);
    buf_putc(o, '[');
    for (size_t i = 0; i < l->n; i++) {
        const struct feed_person *p = l->v[i];
        if (i)
            buf_putc(o, ',');
        buf_putc(o, '{');
        json_kv(o, "name", p->name, 1);
        json_kv(o, "email", p->email, 0);
        json_kv(o, "uri", p->uri, 0);
        buf_putc(o, '}');
    }
    buf_putc(o, ']');
}

static void
json_strings(struct buf *o, const char *k, const struct feed_list *l)
{
    json_key(o, k, 0);
    buf_putc(o, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            buf_putc(o, ',');
        buf_append_json(o, l->v[i]);
    }
    buf_putc(o, ']');
}

static void
json_entry(struct buf *o, const struct feed_entry *e)
{
    buf_putc(o, '{');
    json_kv(o, "id", e->id, 1);
    json_kv(o, "title", e->title, 0);
    json_kv(o, "link", e->link, 0);
    json_links(o, "links", &e->links);
    json_date(o, "published", e->published, e->has_published);
    json_date(o, "updated", e->updated, e->has_updated);
    json_kv(o, "author", e->author, 0);
    json_authors(o, &e->authors);
    json_kv(o, "summary", e->summary, 0);
    json_kv(o, "content", e->content, 0);
    json_strings(o, "categories", &e->categories);
    json_enclosures(o, &e->enclosures);
    if (e->image)
        json_kv(o, "image", e->image, 0);
    buf_putc(o, '}');
}

int
feed_to_json(const struct feed *f, struct buf *o)
{
    size_t before = o->len;

    buf_putc(o, '{');
    json_kv(o, "format", feed_format_name(f->format), 1);
    json_kv(o, "encoding", f->encoding, 0);
    json_key(o, "bozo", 0);
    buf_puts(o, f->bozo ? "true" : "false");
    json_kv(o, "bozo_message", f->bozo_message, 0);
    json_key(o, "feed", 0);
    buf_putc(o, '{');
    json_kv(o, "title", f->title, 1);
    json_kv(o, "link", f->link, 0);
    json_links(o, "links", &f->links);
    json_kv(o, "subtitle", f->subtitle, 0);
    json_kv(o, "language", f->language, 0);
    json_date(o, "updated", f->updated, f->has_updated);
    json_date(o, "published", f->published, f->has_published);
    json_kv(o, "author", f->author, 0);
    json_authors(o, &f->authors);
    json_kv(o, "id", f->id, 0);
    json_key(o, "image", 0);
    if (f->image) {
        buf_putc(o, '{');
        json_kv(o, "url", f->image->url, 1);
        json_kv(o, "title", f->image->title, 0);
        json_kv(o, "link", f->image->link, 0);
        buf_putc(o, '}');
    } else {
        buf_puts(o, "null");
    }
    json_kv(o, "rights", f->rights, 0);
    json_strings(o, "categories", &f->categories);
    buf_putc(o, '}');
    json_key(o, "entries", 0);
    buf_putc(o, '[');
    for (size_t i = 0; i < f->entries.n; i++) {
        if (i)
            buf_putc(o, ',');
        json_entry(o, f->entries.v[i]);
    }
    buf_puts(o, "]}");
    /* An append failed only if the buffer's limit was reached. */
    if (o->len == before || o->data[o->len - 1] != '}')
        return ALM_ETOOBIG;
    return ALM_OK;
}
