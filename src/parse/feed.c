/*
 * feed.c - the feed model: construction, release, JSON output and the
 * dispatch from raw bytes to the XML or JSON Feed parser.
 */
#include "parse/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "base/timefmt.h"
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

/*
 * JSON output: the contract of ../shared/parse-contract.md. Keys and
 * punctuation are constants, so they go out as literals of known length;
 * only values are escaped. The first failed append (the buffer's limit)
 * is remembered and ends the output.
 */

struct jw {
    struct buf *b;
    int rc;
};

/* Inline: called with literals, so the copy becomes a few moves. */
static inline void
jw_raw(struct jw *w, const char *s, size_t n)
{
    if (w->rc == ALM_OK)
        w->rc = buf_append(w->b, s, n);
}

static inline void
jw_str(struct jw *w, const char *s)
{
    if (w->rc == ALM_OK)
        w->rc = buf_append_json(w->b, s);
}

/* A string literal and its length, for jw_raw() and jw_kv(). */
#define LIT(s) (s), sizeof(s) - 1
/* The literal key of the first member of an object, and of the others. */
#define KEY1(name) LIT("\"" name "\":")
#define KEY(name) LIT(",\"" name "\":")

static inline void
jw_kv(struct jw *w, const char *key, size_t klen, const char *v)
{
    jw_raw(w, key, klen);
    jw_str(w, v);
}

static void
jw_date(struct jw *w, const char *key, size_t klen, time_t t, int has)
{
    char s[32];

    jw_raw(w, key, klen);
    if (!has) {
        jw_raw(w, LIT("null"));
        return;
    }
    /* RFC 3339 needs no escaping: quote it as it is. */
    s[0] = '"';
    timefmt_rfc3339(t, s + 1);
    s[21] = '"';
    jw_raw(w, s, 22);
}

static void
jw_links(struct jw *w, const struct feed_list *l)
{
    jw_raw(w, KEY("links"));
    jw_raw(w, LIT("["));
    for (size_t i = 0; i < l->n; i++) {
        const struct feed_link *ln = l->v[i];

        jw_raw(w, i ? ",{" : "{", i ? 2 : 1);
        jw_kv(w, KEY1("rel"), ln->rel);
        jw_kv(w, KEY("href"), ln->href);
        jw_kv(w, KEY("type"), ln->type);
        jw_kv(w, KEY("title"), ln->title);
        jw_raw(w, LIT("}"));
    }
    jw_raw(w, LIT("]"));
}

static void
jw_enclosures(struct jw *w, const struct feed_list *l)
{
    jw_raw(w, KEY("enclosures"));
    jw_raw(w, LIT("["));
    for (size_t i = 0; i < l->n; i++) {
        const struct feed_link *ln = l->v[i];

        jw_raw(w, i ? ",{" : "{", i ? 2 : 1);
        jw_kv(w, KEY1("href"), ln->href);
        jw_kv(w, KEY("type"), ln->type);
        jw_raw(w, KEY("length"));
        if (ln->length >= 0) {
            char num[24];
            int k = snprintf(num, sizeof(num), "%lld", (long long)ln->length);
            jw_raw(w, num, (size_t)k);
        } else {
            jw_raw(w, LIT("null"));
        }
        jw_raw(w, LIT("}"));
    }
    jw_raw(w, LIT("]"));
}

static void
jw_authors(struct jw *w, const struct feed_list *l)
{
    jw_raw(w, KEY("authors"));
    jw_raw(w, LIT("["));
    for (size_t i = 0; i < l->n; i++) {
        const struct feed_person *p = l->v[i];

        jw_raw(w, i ? ",{" : "{", i ? 2 : 1);
        jw_kv(w, KEY1("name"), p->name);
        jw_kv(w, KEY("email"), p->email);
        jw_kv(w, KEY("uri"), p->uri);
        jw_raw(w, LIT("}"));
    }
    jw_raw(w, LIT("]"));
}

static void
jw_strings(struct jw *w, const struct feed_list *l)
{
    jw_raw(w, KEY("categories"));
    jw_raw(w, LIT("["));
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            jw_raw(w, LIT(","));
        jw_str(w, l->v[i]);
    }
    jw_raw(w, LIT("]"));
}

static void
jw_entry(struct jw *w, const struct feed_entry *e)
{
    jw_kv(w, KEY1("id"), e->id);
    jw_kv(w, KEY("title"), e->title);
    jw_kv(w, KEY("link"), e->link);
    jw_links(w, &e->links);
    jw_date(w, KEY("published"), e->published, e->has_published);
    jw_date(w, KEY("updated"), e->updated, e->has_updated);
    jw_kv(w, KEY("author"), e->author);
    jw_authors(w, &e->authors);
    jw_kv(w, KEY("summary"), e->summary);
    jw_kv(w, KEY("content"), e->content);
    jw_strings(w, &e->categories);
    jw_enclosures(w, &e->enclosures);
    if (e->image)
        jw_kv(w, KEY("image"), e->image);
}

static void
jw_feed(struct jw *w, const struct feed *f)
{
    jw_kv(w, KEY1("title"), f->title);
    jw_kv(w, KEY("link"), f->link);
    jw_links(w, &f->links);
    jw_kv(w, KEY("subtitle"), f->subtitle);
    jw_kv(w, KEY("language"), f->language);
    jw_date(w, KEY("updated"), f->updated, f->has_updated);
    jw_date(w, KEY("published"), f->published, f->has_published);
    jw_kv(w, KEY("author"), f->author);
    jw_authors(w, &f->authors);
    jw_kv(w, KEY("id"), f->id);
    jw_raw(w, KEY("image"));
    if (f->image) {
        jw_kv(w, LIT("{\"url\":"), f->image->url);
        jw_kv(w, KEY("title"), f->image->title);
        jw_kv(w, KEY("link"), f->image->link);
        jw_raw(w, LIT("}"));
    } else {
        jw_raw(w, LIT("null"));
    }
    jw_kv(w, KEY("rights"), f->rights);
    jw_strings(w, &f->categories);
}

int
feed_to_json(const struct feed *f, struct buf *o)
{
    struct jw w = { o, ALM_OK };

    jw_kv(&w, LIT("{\"format\":"), feed_format_name(f->format));
    jw_kv(&w, KEY("encoding"), f->encoding);
    jw_raw(&w, KEY("bozo"));
    if (f->bozo)
        jw_raw(&w, LIT("true"));
    else
        jw_raw(&w, LIT("false"));
    jw_kv(&w, KEY("bozo_message"), f->bozo_message);
    jw_raw(&w, KEY("feed"));
    jw_raw(&w, LIT("{"));
    jw_feed(&w, f);
    jw_raw(&w, LIT("}"));
    jw_raw(&w, KEY("entries"));
    jw_raw(&w, LIT("["));
    for (size_t i = 0; i < f->entries.n; i++) {
        jw_raw(&w, i ? ",{" : "{", i ? 2 : 1);
        jw_entry(&w, f->entries.v[i]);
        jw_raw(&w, LIT("}"));
    }
    jw_raw(&w, LIT("]}"));
    return w.rc == ALM_OK ? ALM_OK : ALM_ETOOBIG;
}
