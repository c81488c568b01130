/*
 * dispatch.c - feed_parse: raw bytes to a feed. Sniffs JSON from XML, hands
 * the bytes to jsonfeed.c or xml.c (which decode and fill the model), then
 * fills in the fields the contract derives from others.
 */
#include <stddef.h>
#include <string.h>

#include "base/xalloc.h"
#include "parse/feed.h"
#include "parse/feed_internal.h"

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
