/*
 * feed_json.c - feed_to_json: a parsed feed as the contract's JSON
 * (`almanac parse --json`).
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "parse/feed.h"

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
