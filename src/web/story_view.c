/*
 * story_view.c - a story's reports, gathered before markup, with each
 * source's contribution (story_view.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/story_view.h"

struct collect {
    struct story_view *v;
    int cap;
};

/* Deep copy: the store's event is borrowed for the call. */
static void
copy_event(struct event *d, const struct event *s)
{
    *d = *s;
    d->item.source_slug = s->item.source_slug ? xstrdup(s->item.source_slug) : NULL;
    d->item.source_name = s->item.source_name ? xstrdup(s->item.source_name) : NULL;
    d->item.source_author = s->item.source_author ? xstrdup(s->item.source_author) : NULL;
    d->item.source_kind = s->item.source_kind ? xstrdup(s->item.source_kind) : NULL;
    d->item.ident = s->item.ident ? xstrdup(s->item.ident) : NULL;
    d->item.guid = s->item.guid ? xstrdup(s->item.guid) : NULL;
    d->item.url = s->item.url ? xstrdup(s->item.url) : NULL;
    d->item.title = s->item.title ? xstrdup(s->item.title) : NULL;
    d->item.author = s->item.author ? xstrdup(s->item.author) : NULL;
    /* The page shows no item bodies: they are left out. */
    d->item.summary_html = NULL;
    d->item.content_html = NULL;
    d->item.text = NULL;
    d->item.image = s->item.image ? xstrdup(s->item.image) : NULL;
    d->kind = s->kind ? xstrdup(s->kind) : NULL;
    d->summary = s->summary ? xstrdup(s->summary) : NULL;
    d->nreasons = s->nreasons;
    d->reasons = s->nreasons ? xcalloc(s->nreasons, sizeof(*d->reasons)) : NULL;
    for (size_t i = 0; i < s->nreasons; i++)
        d->reasons[i] = (struct event_reason){ s->reasons[i].points,
                                               xstrdup(s->reasons[i].text) };
    str_list_copy(&d->guides, &s->guides);
}

static int
collect(const struct event *e, void *arg)
{
    struct collect *c = arg;

    if (c->v->n >= STORY_VIEW_MAX) {
        c->v->truncated = 1;
        return 1;
    }
    copy_event(&c->v->r[c->v->n++].e, e);
    return 0;
}

/* A word worth naming as new: it has a digit, or a capital after its first
 * letter or at the start of a word that does not start a sentence. */
static int
notable(const char *w, size_t n, int sentence_start)
{
    int digit = 0, upper_later = 0;

    if (n < 2)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)w[i]))
            digit = 1;
        if (i > 0 && isupper((unsigned char)w[i]))
            upper_later = 1;
    }
    return digit || upper_later || (!sentence_start && isupper((unsigned char)w[0]));
}

/* Whether word w (n bytes) appears in s as a word, ignoring ASCII case. */
static int
has_word(const char *s, const char *w, size_t n)
{
    if (s == NULL)
        return 0;
    for (const char *p = s; *p; p++) {
        if (strncasecmp(p, w, n) == 0 && (p == s || !isalnum((unsigned char)p[-1])) &&
            !isalnum((unsigned char)p[n]))
            return 1;
    }
    return 0;
}

static int
word_byte(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '%' || c == '$' || c == '-' || c >= 0x80;
}

char *
story_view_adds(const char *text, const char *const *earlier, int n, const char *exclude,
                int max)
{
    struct buf out = BUF_INIT(4096);
    int count = 0, sentence_start = 1;
    const char *p = text, *end;

    if (text == NULL)
        return NULL;
    /* The summary's last sentence is the analysis's context ("As a tier-1
     * release announcement from X, it bears on Y."): not the report's. */
    end = text + strlen(text);
    for (const char *c = text; (c = strstr(c, "tier-")) != NULL; c++) {
        const char *s = c;
        while (s > text && !(s[-1] == ' ' && s - 1 > text && s[-2] == '.'))
            s--;
        if (s == text || strncmp(s, "As a ", 5) == 0 || strncmp(s, "A ", 2) == 0) {
            end = s;
            break;
        }
    }
    while (p < end && *p && count < max) {
        while (p < end && !word_byte((unsigned char)*p)) {
            if (*p == '.' || *p == '!' || *p == '?' || *p == ':')
                sentence_start = 1;
            p++;
        }
        const char *w = p;
        while (p < end && word_byte((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - w);
        /* A word's trailing period ends its sentence and is not the word's. */
        int ends = 0;
        while (len > 0 && (w[len - 1] == '.' || w[len - 1] == '-')) {
            ends |= w[len - 1] == '.';
            len--;
        }
        if (len > 0 && notable(w, len, sentence_start)) {
            int seen = out.len > 0 && has_word(buf_cstr(&out), w, len);
            for (int i = 0; i < n && !seen; i++)
                seen = has_word(earlier[i], w, len);
            /* The summary's context sentence names its source: no news. */
            seen = seen || has_word(exclude, w, len) || (len == 2 && strncmp(w, "AI", 2) == 0);
            if (!seen) {
                if (count++)
                    buf_puts(&out, ", ");
                buf_append(&out, w, len);
            }
        }
        if (len > 0)
            sentence_start = ends;
    }
    if (count == 0) {
        buf_fini(&out);
        return NULL;
    }
    buf_putc(&out, '\0');
    out.len--;
    return buf_take(&out);
}

int
story_gather(struct store *st, int64_t id, struct story_view *v)
{
    struct event_query q = { .story = id, .limit = STORY_VIEW_MAX + 1 };
    struct collect c = { .v = v };
    int rc;

    memset(v, 0, sizeof(*v));
    if ((rc = store_get_story(st, id, &v->s)) != ALM_OK)
        return rc;
    v->r = xcalloc(STORY_VIEW_MAX, sizeof(*v->r));
    if ((rc = store_list_events(st, &q, collect, &c)) != ALM_OK)
        return rc;
    if (v->n == 0)
        return ALM_ENOTFOUND;
    /* The store lists newest first; a story reads oldest first. When more
     * reports exist than were read, the oldest are the ones missing: the
     * first report is then not in the list (the page says so). */
    for (int i = 0, j = v->n - 1; i < j; i++, j--) {
        struct story_report t = v->r[i];
        v->r[i] = v->r[j];
        v->r[j] = t;
    }
    time_t t0 = v->r[0].e.item.published, t1 = v->r[v->n - 1].e.item.published;
    time_t span = t1 > t0 ? t1 - t0 : 0;
    v->bucket0 = t0 - t0 % 86400;
    v->bucket_secs = 86400;
    while ((time_t)v->bucket_secs * STORY_VIEW_BUCKETS <= span + (t0 - v->bucket0))
        v->bucket_secs *= 2;
    v->nbuckets = (int)((t1 - v->bucket0) / v->bucket_secs) + 1;
    if (v->nbuckets > STORY_VIEW_BUCKETS)
        v->nbuckets = STORY_VIEW_BUCKETS;

    const char **texts = xcalloc((size_t)v->n * 2 + 1, sizeof(*texts));
    int ntexts = 0;
    for (int i = 0; i < v->n; i++) {
        struct story_report *r = &v->r[i];
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = v->r[k].e.item.source_id == r->e.item.source_id;
        if (!seen) {
            int tier = r->e.item.tier >= 1 && r->e.item.tier <= 3 ? r->e.item.tier : 0;
            int bkt = (int)((r->e.item.published - v->bucket0) / v->bucket_secs);
            r->first_of_source = 1;
            v->nsources++;
            v->tiers[tier]++;
            if (bkt >= 0 && bkt < v->nbuckets)
                v->added[bkt][tier]++;
            /* The first report adds everything; later ones what is new. */
            if (i > 0)
            {
                char who[512];
                snprintf(who, sizeof(who), "%s %s %s",
                         r->e.item.source_name ? r->e.item.source_name : "",
                         r->e.item.source_author ? r->e.item.source_author : "",
                         r->e.item.source_slug ? r->e.item.source_slug : "");
                r->adds = story_view_adds(r->e.summary, texts, ntexts, who, STORY_VIEW_ADDS);
            }
        }
        texts[ntexts++] = r->e.item.title;
        texts[ntexts++] = r->e.summary;
    }
    free(texts);
    return ALM_OK;
}

void
story_view_fini(struct story_view *v)
{
    for (int i = 0; i < v->n; i++) {
        event_fini(&v->r[i].e);
        free(v->r[i].adds);
    }
    free(v->r);
    memset(v, 0, sizeof(*v));
}
