/*
 * feed.c - the feed model (feed.h): construction, release, the bozo flag,
 * and the trimming every text field gets. The parsers build on it
 * (dispatch.c picks one, xml.c and jsonfeed.c fill the model); it calls
 * none of them.
 */
#include "parse/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
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

char *
feed_trim(char *s)
{
    size_t n;
    char *p = s;

    if (s == NULL)
        return NULL;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' ||
                     p[n - 1] == '\r'))
        n--;
    memmove(s, p, n);
    s[n] = '\0';
    return s;
}
