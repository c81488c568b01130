/*
 * rows.c - a feed's entries made ready to store (see rows.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/timefmt.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "html/html.h"
#include "ingest/rows.h"
#include "store/store_ingest.h"


/* FNV-1a over s (NULL hashes apart from ""), then a field separator. */
static uint64_t
fnv1a(uint64_t h, const char *s)
{
    if (s == NULL)
        s = "\x01";
    return fnv1a64_add(fnv1a64_add(h, s, strlen(s)), "\xff", 1);
}

static char *
prefixed(const char *prefix, const char *s)
{
    size_t p = strlen(prefix), n = strlen(s);
    char *out = xmalloc(p + n + 1);

    memcpy(out, prefix, p);
    memcpy(out + p, s, n + 1);
    return out;
}

/* guid, else canonical URL, else hash(title, date). */
static char *
item_ident(const struct feed_entry *e, const char *canon)
{
    char buf[64], date[32] = "";

    if (e->id && *e->id)
        return prefixed("g:", e->id);
    if (canon)
        return prefixed("u:", canon);
    if (e->has_published)
        timefmt_rfc3339(e->published, date);
    else if (e->has_updated)
        timefmt_rfc3339(e->updated, date);
    snprintf(buf, sizeof(buf), "h:%016llx",
             (unsigned long long)fnv1a(fnv1a(FNV1A64_BASIS, e->title), date));
    return xstrdup(buf);
}

static char *
content_hash(const struct feed_entry *e, const char *url)
{
    char buf[32], d[64];
    uint64_t h = FNV1A64_BASIS;

    h = fnv1a(h, e->title);
    h = fnv1a(h, url);
    h = fnv1a(h, e->author);
    h = fnv1a(h, e->summary);
    h = fnv1a(h, e->content);
    h = fnv1a(h, e->image);
    snprintf(d, sizeof(d), "%lld/%lld", (long long)(e->has_published ? e->published : 0),
             (long long)(e->has_updated ? e->updated : 0));
    h = fnv1a(h, d);
    snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
    return xstrdup(buf);
}

static char *
categories_json(const struct feed_entry *e)
{
    struct buf b = BUF_INIT(1 << 20);

    buf_putc(&b, '[');
    for (size_t i = 0; i < e->categories.n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_append_json(&b, e->categories.v[i]);
    }
    buf_putc(&b, ']');
    return buf_take(&b);
}

/* The identities of one feed, to keep the first of an entry listed twice. */
struct seen {
    uint64_t *h;
    size_t cap;
};

/* Adds ident; returns 1 when it was there already. */
static int
seen_add(struct seen *s, const char *ident)
{
    uint64_t h = fnv1a(FNV1A64_BASIS, ident) | 1;
    size_t i = (size_t)h & (s->cap - 1);

    while (s->h[i]) {
        if (s->h[i] == h)
            return 1;
        i = (i + 1) & (s->cap - 1);
    }
    s->h[i] = h;
    return 0;
}

/* Whether an identity is a URL: "u:..." or a guid that is a web address. */
static int
url_identity(const char *ident)
{
    return strncmp(ident, "u:", 2) == 0 || strncasecmp(ident, "g:http://", 9) == 0 ||
           strncasecmp(ident, "g:https://", 10) == 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Adds the link's key: the canonical URL without a trailing slash on its path
 * and with its query parameters sorted, so one post listed twice with the link
 * written two ways (a guid in one capture, none in the other) is one entry.
 * Returns 1 when it was there already.
 */
static int
seen_link(struct seen *s, const char *canon)
{
    char key[2048], *q, *params[64];
    size_t n, np = 0;
    int dup;

    if (strlen(canon) >= sizeof(key) - 6)
        return 0;
    n = (size_t)snprintf(key, sizeof(key), "link:%s", canon);
    if ((q = strchr(key, '?')) != NULL) {
        char *query = xstrdup(q + 1), *save = NULL;
        for (char *p = strtok_r(query, "&", &save); p && np < LEN(params);
             p = strtok_r(NULL, "&", &save))
            params[np++] = p;
        qsort(params, np, sizeof(*params), cmp_str);
        n = (size_t)(q - key);
        if (n > 6 && key[n - 1] == '/' && key[n - 2] != '/')
            n--;
        for (size_t i = 0; i < np && n + strlen(params[i]) + 2 < sizeof(key); i++)
            n += (size_t)sprintf(key + n, "%c%s", i ? '&' : '?', params[i]);
        free(query);
    } else if (n > 6 && key[n - 1] == '/' && key[n - 2] != '/') {
        key[--n] = '\0';
    }
    dup = seen_add(s, key);
    return dup;
}

static void
row_fini(struct store_row *r)
{
    free(r->url);
    free(r->canon);
    free(r->ident);
    free(r->hash);
    free(r->summary);
    free(r->content);
    free(r->text);
    free(r->cats);
}

/* A date from the future is the fetch time; the claim is kept. */
static void
clamp_future(struct store_row *r, time_t now)
{
    if (r->has_date && r->date > now && r->date - now > ROWS_FUTURE_SKEW) {
        r->claimed = r->date;
        r->date = now;
    }
}

/* Fills r from e; returns 0 when e repeats an entry already prepared. */
static int
row_prepare(struct store_row *r, const struct feed_entry *e, const char *feed_url, time_t now,
            struct seen *seen)
{
    const char *base;

    memset(r, 0, sizeof(*r));
    r->guid = e->id;
    r->title = e->title;
    r->author = e->author;
    r->image = e->image;
    r->has_updated = e->has_updated;
    r->updated = e->updated;
    r->url = e->link ? url_resolve(feed_url, e->link) : NULL;
    r->canon = r->url ? url_canonical(r->url) : NULL;
    /* Only web links are kept: a javascript: or data: "link" is hostile. */
    if (r->url && strncasecmp(r->url, "http://", 7) != 0 &&
        strncasecmp(r->url, "https://", 8) != 0) {
        free(r->url);
        r->url = NULL;
    }
    r->ident = item_ident(e, r->canon);
    /* The same post by its link: only when the entry has no identity of its
     * own beyond a URL (no guid, or a guid that is a URL), so entries with
     * their own guids that share a page stay apart; and only for whole-page
     * links (a changelog's entries are fragments of one page). */
    if (seen_add(seen, r->ident) ||
        (r->canon && r->url && !strchr(r->url, '#') && url_identity(r->ident) &&
         seen_link(seen, r->canon))) {
        row_fini(r);
        return 0;
    }
    r->hash = content_hash(e, r->url);
    base = r->url ? r->url : feed_url;
    if (e->summary)
        r->summary = html_sanitize(e->summary, strlen(e->summary), base);
    if (e->content)
        r->content = html_sanitize(e->content, strlen(e->content), base);
    if (e->content && *e->content)
        r->text = html_to_text(e->content, strlen(e->content), 2);
    else if (e->summary)
        r->text = html_to_text(e->summary, strlen(e->summary), 2);
    r->cats = categories_json(e);
    r->has_date = e->has_published || e->has_updated;
    r->date = e->has_published ? e->published : e->has_updated ? e->updated : 0;
    clamp_future(r, now);
    return 1;
}

void
ingest_rows_prepare(struct store_rows *out, const struct feed *f, const char *feed_url,
                    time_t now)
{
    struct seen seen = { NULL, 64 };

    memset(out, 0, sizeof(*out));
    out->undated = f->has_updated ? f->updated : f->has_published ? f->published : now;
    if (out->undated > now)
        out->undated = now;
    while (seen.cap < f->entries.n * 4) /* an ident and a link each */
        seen.cap *= 2;
    seen.h = xcalloc(seen.cap, sizeof(*seen.h));
    out->v = xcalloc(f->entries.n ? f->entries.n : 1, sizeof(*out->v));
    for (size_t i = 0; i < f->entries.n; i++) {
        if (row_prepare(&out->v[out->n], f->entries.v[i], feed_url, now, &seen))
            out->n++;
        else
            out->duplicates++;
    }
    free(seen.h);
}

void
ingest_rows_fini(struct store_rows *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        row_fini(&r->v[i]);
    free(r->v);
    memset(r, 0, sizeof(*r));
}
