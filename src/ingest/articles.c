/*
 * articles.c - fetches and extracts the linked articles of new items (see
 * articles.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/hash.h"
#include "base/xalloc.h"
#include "extract/extract.h"
#include "fetch/fetch.h"
#include "ingest/articles.h"
#include "ingest/robots.h"
#include "store/store_ingest.h"

#define ROBOTS_MAX_BYTES ((size_t)512 << 10)
#define ROBOTS_KEEP 86400 /* a host's robots.txt is read again after a day */

enum robots_state { ROBOTS_UNKNOWN, ROBOTS_RULES, ROBOTS_NONE, ROBOTS_UNREACHABLE };

struct origin {
    char *origin;           /* "https://example.com:8443" */
    char *robots_url;
    int allow_local;
    int budget_left;
    enum robots_state state;
    char *rules;            /* ROBOTS_RULES: the file */
    size_t len;
    char *why;              /* ROBOTS_UNREACHABLE: the transfer's failure */
};

struct cand {
    int64_t item_id, source_id;
    char *url, *etag, *last_modified;
    int attempts;
    int allow_local;
    size_t origin;
};

struct stage {
    const struct config *cfg;
    struct store *st;
    const struct articles_options *o;
    struct origin *origins;
    size_t norigins;
    struct cand *cands;
    size_t ncands;
    struct articles_result *out;
};

static size_t
word_count(const char *s)
{
    size_t n = 0;
    int in = 0;

    for (; s && *s; s++) {
        int sp = isspace((unsigned char)*s);
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/* The scheme and authority of an http(s) URL, lower-cased, into a new
 * string; *path points at the rest (its path and query). NULL when the URL
 * has no host. */
static char *
origin_of(const char *url, const char **path)
{
    const char *p = strstr(url, "://"), *end;
    char *o;

    if (p == NULL || p[3] == '\0' || p[3] == '/')
        return NULL;
    end = p + 3 + strcspn(p + 3, "/?#");
    o = xstrndup(url, (size_t)(end - url));
    for (char *c = o; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    *path = end;
    return o;
}

static int
named(const struct articles_options *o, const char *slug)
{
    if (o->nonly == 0)
        return 1;
    for (size_t i = 0; i < o->nonly; i++) {
        if (strcmp(o->only[i], slug) == 0)
            return 1;
    }
    return 0;
}

static size_t
find_origin(struct stage *s, const char *origin, int allow_local)
{
    size_t i;

    for (i = 0; i < s->norigins; i++) {
        if (strcmp(s->origins[i].origin, origin) == 0)
            return i;
    }
    s->origins = xrealloc(s->origins, (s->norigins + 1) * sizeof(*s->origins));
    memset(&s->origins[i], 0, sizeof(s->origins[i]));
    s->origins[i].origin = xstrdup(origin);
    s->origins[i].robots_url = xmalloc(strlen(origin) + 12);
    sprintf(s->origins[i].robots_url, "%s/robots.txt", origin);
    s->origins[i].allow_local = allow_local;
    s->origins[i].budget_left = s->cfg->article_budget;
    s->norigins++;
    return i;
}

/* store_articles_due's callback: takes the item when it needs its article
 * and its host's budget allows. */
static int
take(const struct article_due *a, void *arg)
{
    struct stage *s = arg;
    const struct source *src = config_find(s->cfg, a->slug);
    const char *path;
    char *origin;
    size_t oi;
    struct cand *c;

    if (src == NULL || !named(s->o, src->slug) || (!src->enabled && s->o->nonly == 0))
        return 0;
    /* a source read from a file is a capture, offline like a snapshot */
    if (strncmp(src->feed_url, "http://", 7) != 0 && strncmp(src->feed_url, "https://", 8) != 0)
        return 0;
    if (!src->fulltext && word_count(a->text) >= ARTICLES_SHORT_WORDS)
        return 0;
    if ((origin = origin_of(a->url, &path)) == NULL)
        return 0;
    oi = find_origin(s, origin, src->local);
    free(origin);
    if (s->origins[oi].budget_left <= 0)
        return 0;
    s->origins[oi].budget_left--;
    s->origins[oi].allow_local |= src->local;
    s->cands = xrealloc(s->cands, (s->ncands + 1) * sizeof(*s->cands));
    c = &s->cands[s->ncands++];
    memset(c, 0, sizeof(*c));
    c->item_id = a->item_id;
    c->source_id = a->source_id;
    c->url = xstrdup(a->url);
    c->etag = a->etag ? xstrdup(a->etag) : NULL;
    c->last_modified = a->last_modified ? xstrdup(a->last_modified) : NULL;
    c->attempts = a->attempts;
    c->allow_local = src->local;
    c->origin = oi;
    return 0;
}

/* Records one article's fate; a full disk stops recording. */
static void
record(struct stage *s, const struct cand *c, struct article_record *r)
{
    int rc;

    if (s->out->store_full)
        return;
    r->url = c->url;
    r->tried = time(NULL);
    rc = store_put_article(s->st, c->item_id, c->source_id, r);
    if (rc == ALM_ENOSPC)
        s->out->store_full = 1;
}

static void
fail(struct stage *s, const struct cand *c, long status, long retry_after, const char *why)
{
    struct article_record r = { .status = status, .error = why };

    r.next_try = time(NULL) + fetch_backoff(3600, c->attempts + 1, retry_after);
    record(s, c, &r);
    s->out->failed++;
}

static void
on_robots(const struct fetch_result *res, void *arg)
{
    struct stage *s = arg;
    struct origin *o = res->user;

    if (res->ok && res->status == 200) {
        o->state = ROBOTS_RULES;
        o->rules = xstrndup(res->body, res->len);
        o->len = strlen(o->rules); /* a NUL ends what is kept */
        store_put_robots(s->st, o->origin, o->rules, time(NULL));
    } else if (res->status >= 400 && res->status < 500) {
        o->state = ROBOTS_NONE; /* RFC 9309: unavailable, no rules */
        store_put_robots(s->st, o->origin, NULL, time(NULL));
    } else {
        char why[300];
        snprintf(why, sizeof(why), "robots.txt unreachable: %s",
                 res->error ? res->error : "no answer");
        o->state = ROBOTS_UNREACHABLE;
        o->why = xstrdup(why);
    }
}

/* Cuts text at the last paragraph break before ARTICLES_MAX_TEXT. */
static void
cap_text(char *text)
{
    size_t n = strlen(text), cut;

    if (n <= ARTICLES_MAX_TEXT)
        return;
    cut = ARTICLES_MAX_TEXT;
    while (cut > 0 && !(text[cut - 1] == '\n' && cut > 1 && text[cut - 2] == '\n'))
        cut--;
    if (cut == 0) {
        cut = ARTICLES_MAX_TEXT;
        while (cut > 0 && (text[cut] & 0xC0) == 0x80)
            cut--;
    }
    while (cut > 0 && isspace((unsigned char)text[cut - 1]))
        cut--;
    text[cut] = '\0';
}

/* No Content-Type, or one that says HTML (text/html, application/xhtml+xml). */
static int
is_html(const char *type)
{
    if (type == NULL)
        return 1;
    for (const char *p = type; *p; p++) {
        if (strncasecmp(p, "html", 4) == 0)
            return 1;
    }
    return *type == '\0';
}

static void
on_article(const struct fetch_result *res, void *arg)
{
    struct stage *s = arg;
    const struct cand *c = res->user;
    struct extract_result *x = NULL;
    struct article_record r = { .ok = 1, .status = res->status };
    char why[300], hash[17];

    if (!res->ok) {
        fail(s, c, res->status, res->retry_after, res->error ? res->error : "fetch failed");
        return;
    }
    r.etag = res->etag;
    r.last_modified = res->last_modified;
    if (res->not_modified) {
        r.not_modified = 1;
        record(s, c, &r);
        s->out->not_modified++;
        return;
    }
    if (!is_html(res->content_type)) {
        snprintf(why, sizeof(why), "not an HTML page (%.200s)", res->content_type);
        fail(s, c, res->status, 0, why);
        return;
    }
    if (extract_html(res->body, res->len, res->effective_url ? res->effective_url : c->url,
                     res->content_type, &x) != ALM_OK) {
        fail(s, c, res->status, 0, "extract: the page is too large to read");
        return;
    }
    cap_text(x->text);
    if (word_count(x->text) < ARTICLES_MIN_WORDS) {
        fail(s, c, res->status, 0, "no article text found on the page");
        extract_result_free(x);
        return;
    }
    snprintf(hash, sizeof(hash), "%016llx",
             (unsigned long long)fnv1a64(x->text, strlen(x->text)));
    r.text = x->text;
    r.hash = hash;
    r.bytes = res->len;
    record(s, c, &r);
    s->out->fetched++;
    extract_result_free(x);
}

static void
stage_fini(struct stage *s)
{
    for (size_t i = 0; i < s->norigins; i++) {
        free(s->origins[i].origin);
        free(s->origins[i].robots_url);
        free(s->origins[i].rules);
        free(s->origins[i].why);
    }
    free(s->origins);
    for (size_t i = 0; i < s->ncands; i++) {
        free(s->cands[i].url);
        free(s->cands[i].etag);
        free(s->cands[i].last_modified);
    }
    free(s->cands);
}

int
ingest_articles(const struct config *cfg, struct store *st, const struct articles_options *o,
                struct articles_result *out)
{
    struct stage s = { .cfg = cfg, .st = st, .o = o, .out = out };
    struct fetch_opts fo;
    struct fetch_req *reqs;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (cfg->article_budget <= 0)
        return ALM_OK;
    rc = store_articles_due(st, o->now - ARTICLES_WINDOW, time(NULL), ARTICLES_MAX_ATTEMPTS,
                            take, &s);
    if (rc != ALM_OK || s.ncands == 0) {
        stage_fini(&s);
        return rc;
    }
    fetch_opts_default(&fo);
    fo.user_agent = cfg->user_agent;
    fo.concurrency = cfg->concurrency;
    fo.per_host = cfg->per_host;
    fo.timeout = cfg->article_timeout;
    if (fo.connect_timeout > fo.timeout)
        fo.connect_timeout = fo.timeout;
    if (fo.low_speed_time > fo.timeout)
        fo.low_speed_time = fo.timeout;
    fo.allow_local_all = o->allow_local_all;

    /* every host's robots.txt first: kept for a day, else fetched once */
    fo.max_bytes = ROBOTS_MAX_BYTES;
    reqs = xcalloc(s.norigins > s.ncands ? s.norigins : s.ncands, sizeof(*reqs));
    for (size_t i = 0; i < s.norigins; i++) {
        struct origin *og = &s.origins[i];
        char *rules = NULL;
        time_t fetched = 0, now = time(NULL);

        if (store_get_robots(st, og->origin, &rules, &fetched) == ALM_OK &&
            fetched <= now && now - fetched < ROBOTS_KEEP) {
            og->state = rules ? ROBOTS_RULES : ROBOTS_NONE;
            og->rules = rules;
            og->len = rules ? strlen(rules) : 0;
            continue;
        }
        free(rules);
        reqs[n].url = og->robots_url;
        reqs[n].allow_local = og->allow_local;
        reqs[n].user = og;
        n++;
    }
    if (n > 0)
        fetch_run(&fo, reqs, n, on_robots, &s);
    n = 0;

    /* then the pages robots.txt allows */
    fo.max_bytes = (size_t)cfg->article_max_bytes;
    for (size_t i = 0; i < s.ncands; i++) {
        struct cand *c = &s.cands[i];
        struct origin *og = &s.origins[c->origin];
        const char *path = "";
        char *origin = origin_of(c->url, &path);
        int allowed = 1;

        free(origin);
        out->planned++;
        if (og->state == ROBOTS_UNREACHABLE) {
            fail(&s, c, 0, 0, og->why);
            out->failed--;
            out->refused++;
            continue;
        }
        if (og->state == ROBOTS_RULES) {
            size_t k = strcspn(path, "#");
            char *p = xmalloc(k + 2);
            snprintf(p, k + 2, "%s%.*s", *path == '/' ? "" : "/", (int)k, path);
            allowed = robots_allowed(og->rules, og->len, "almanac", p);
            free(p);
        }
        if (!allowed) {
            struct article_record r = { .error = "disallowed by robots.txt" };
            /* robots.txt changes seldom: look again in a week */
            r.next_try = time(NULL) + 7 * 86400;
            record(&s, c, &r);
            out->refused++;
            continue;
        }
        reqs[n].url = c->url;
        reqs[n].etag = c->etag;
        reqs[n].last_modified = c->last_modified;
        reqs[n].allow_local = c->allow_local;
        reqs[n].user = c;
        n++;
    }
    if (n > 0)
        fetch_run(&fo, reqs, n, on_article, &s);
    free(reqs);
    stage_fini(&s);
    return ALM_OK;
}
