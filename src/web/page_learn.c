/*
 * page_learn.c - "/learn" and "/learn/SLUG": learning paths, ordered walks
 * through guides and entity pages (data/learning-paths.txt), each step
 * with why it comes there and a reading time computed from the page it
 * leads to: a guide's summary and text, or an entity's description and the
 * summaries of its newest events (what its first screen gives to read), at
 * 230 words a minute. Every step is read before any markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

#define WORDS_PER_MINUTE 230
#define ENTITY_READ_EVENTS 10   /* an entity page's events a reader reads */
#define GENERATED_WORDS 40      /* about the generated description's length */
#define PATH_MAX_STEPS 40

struct step {
    int entity;                 /* 0: guide */
    char *slug, *why;
    char *title;                /* NULL: the page is gone */
    char *kind;                 /* an entity's kind */
    int64_t words;
    int minutes;
};

struct path_view {
    struct path_info p;
    struct step steps[PATH_MAX_STEPS];
    int n, minutes;
};

static int64_t
count_words(const char *s)
{
    int64_t n = 0;
    int in = 0;

    for (; s && *s; s++) {
        int w = !(*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r');
        n += w && !in;
        in = w;
    }
    return n;
}

static int
add_summary_words(const struct event *e, void *arg)
{
    *(int64_t *)arg += count_words(e->summary) + count_words(e->item.title);
    return 0;
}

/* Reads what a step leads to; a missing guide or entity leaves title NULL. */
static int
step_gather(struct store *st, struct step *s)
{
    int rc;

    if (!s->entity) {
        struct guide_info g;
        rc = store_get_guide(st, s->slug, &g);
        if (rc == ALM_ENOTFOUND)
            return ALM_OK;
        if (rc != ALM_OK)
            return rc;
        s->title = xstrdup(g.title ? g.title : s->slug);
        s->words = count_words(g.summary) + count_words(g.body);
        guide_info_fini(&g);
    } else {
        struct entity_info e;
        rc = store_get_entity(st, s->slug, &e);
        if (rc == ALM_ENOTFOUND)
            return ALM_OK;
        if (rc != ALM_OK)
            return rc;
        s->title = xstrdup(e.name);
        s->kind = xstrdup(e.kind);
        s->words = GENERATED_WORDS + count_words(e.description);
        if (e.events > 0) {
            struct event_query q = { .entity = e.name, .limit = ENTITY_READ_EVENTS };
            rc = store_list_events(st, &q, add_summary_words, &s->words);
        }
        entity_info_fini(&e);
        if (rc != ALM_OK)
            return rc;
    }
    s->minutes = (int)((s->words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE);
    if (s->minutes < 1)
        s->minutes = 1;
    return ALM_OK;
}

/* Takes p (its strings move into v) and reads every step. */
static int
path_gather(struct store *st, struct path_info *p, struct path_view *v)
{
    const char *line = p->steps ? p->steps : "";

    v->p = *p;
    memset(p, 0, sizeof(*p));
    while (*line && v->n < PATH_MAX_STEPS) {
        const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
        const char *b1 = memchr(line, '|', (size_t)(end - line));
        const char *b2 = b1 ? memchr(b1 + 1, '|', (size_t)(end - b1 - 1)) : NULL;
        if (b1 && b2) {
            struct step *s = &v->steps[v->n++];
            s->entity = strncmp(line, "entity", 6) == 0;
            s->slug = xstrndup(b1 + 1, (size_t)(b2 - b1 - 1));
            s->why = xstrndup(b2 + 1, (size_t)(end - b2 - 1));
            if (render_valid_slug(s->slug)) {
                int rc = step_gather(st, s);
                if (rc != ALM_OK)
                    return rc;
            }
            v->minutes += s->minutes;
        }
        line = nl ? nl + 1 : end;
    }
    return ALM_OK;
}

static void
path_view_fini(struct path_view *v)
{
    path_info_fini(&v->p);
    for (int i = 0; i < v->n; i++) {
        free(v->steps[i].slug);
        free(v->steps[i].why);
        free(v->steps[i].title);
        free(v->steps[i].kind);
    }
    memset(v, 0, sizeof(*v));
}

static void
put_minutes(struct buf *b, int minutes)
{
    buf_printf(b, "~%d min", minutes);
}

/* ---- the list ---- */

struct paths {
    struct store *st;
    struct path_view *v;
    int n, cap, rc;
};

static int
take_path(const struct path_info *p, void *arg)
{
    struct paths *ps = arg;
    struct path_info copy = {
        .slug = xstrdup(p->slug), .title = xstrdup(p->title ? p->title : p->slug),
        .level = xstrdup(p->level ? p->level : ""),
        .summary = p->summary ? xstrdup(p->summary) : NULL,
        .steps = p->steps ? xstrdup(p->steps) : NULL,
    };

    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 8;
        ps->v = xrealloc(ps->v, (size_t)ps->cap * sizeof(*ps->v));
    }
    memset(&ps->v[ps->n], 0, sizeof(ps->v[0]));
    /* The steps are read after the list's statement is done. */
    ps->v[ps->n++].p = copy;
    return 0;
}

int
web_page_learn(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct paths ps = { 0 };
    struct store *st;
    int rc;

    (void)req;
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    ps.st = st;
    rc = store_list_paths(st, take_path, &ps);
    for (int i = 0; rc == ALM_OK && i < ps.n; i++) {
        struct path_info p = ps.v[i].p;
        memset(&ps.v[i], 0, sizeof(ps.v[i]));
        rc = path_gather(st, &p, &ps.v[i]);
    }
    if (rc == ALM_OK) {
        render_page_begin(b, ctx, &(struct render_page){
            .title = "Learn", .nav = "learn",
            .description = "Learning paths: ordered walks through the guides and entity pages,"
                           " with a level and a reading time.",
        });
        buf_puts(b, "<div class=\"page-head\">\n<h1>Learn</h1>\n<p class=\"sub\">");
        page_put_plural(b, ps.n, "path", "paths");
        buf_puts(b, " through the guides and entity pages, in order, each step with why it"
                    " comes there.</p>\n</div>\n");
        if (ps.n == 0)
            buf_puts(b, "<div class=\"empty\"><p>No learning paths yet: run"
                        " <code>almanac analyze</code>.</p></div>\n");
        else
            buf_puts(b, "<div class=\"cards\">\n");
        for (int i = 0; i < ps.n; i++) {
            const struct path_view *v = &ps.v[i];
            buf_puts(b, "<article class=\"card\">\n<h2><a href=\"/learn/");
            render_text(b, v->p.slug);
            buf_puts(b, "\">");
            render_text(b, v->p.title);
            buf_puts(b, "</a></h2>\n<p>");
            render_text(b, v->p.summary);
            buf_puts(b, "</p>\n<p class=\"stats\">");
            render_text(b, v->p.level);
            buf_puts(b, " · ");
            page_put_plural(b, v->n, "step", "steps");
            buf_puts(b, " · ");
            put_minutes(b, v->minutes);
            buf_puts(b, "</p>\n</article>\n");
        }
        if (ps.n > 0)
            buf_puts(b, "</div>\n");
        render_page_end(b, ctx);
    }
    for (int i = 0; i < ps.n; i++)
        path_view_fini(&ps.v[i]);
    free(ps.v);
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    return 0;
}

/* ---- one path ---- */

int
web_page_learn_path(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp)
{
    const char *slug = req->path + strlen("/learn/");
    struct buf *b = &resp->body;
    struct path_view v = { 0 };
    struct path_info p;
    struct store *st;
    int rc;

    if (!render_valid_slug(slug))
        return page_fail(ctx, resp, 404, NULL);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    if (page_lookup_failed(ctx, resp, store_get_path(st, slug, &p),
                           "There is no learning path with this name."))
        return 0;
    rc = path_gather(st, &p, &v);
    if (rc != ALM_OK) {
        path_view_fini(&v);
        return page_fail(ctx, resp, 500, NULL);
    }
    render_page_begin(b, ctx, &(struct render_page){
        .title = v.p.title, .nav = "learn", .description = v.p.summary,
    });
    buf_puts(b, "<a class=\"back\" href=\"/learn\">← Learn</a>\n<div class=\"page-head\">\n"
                "<p class=\"kicker\">Learning path</p>\n<h1>");
    render_text(b, v.p.title);
    buf_puts(b, "</h1>\n<p class=\"sub\">");
    render_text(b, v.p.level);
    buf_puts(b, " · ");
    page_put_plural(b, v.n, "step", "steps");
    buf_puts(b, " · ");
    put_minutes(b, v.minutes);
    buf_puts(b, " of reading</p>\n</div>\n<p class=\"lead\">");
    render_text(b, v.p.summary);
    buf_puts(b, "</p>\n<ol class=\"path\">\n");
    for (int i = 0; i < v.n; i++) {
        const struct step *s = &v.steps[i];
        buf_puts(b, "<li><p class=\"meta\"><span class=\"kind\">");
        buf_puts(b, s->entity ? "entity" : "guide");
        if (s->kind) {
            buf_puts(b, " · ");
            render_text(b, s->kind);
        }
        buf_puts(b, "</span>");
        if (s->title) {
            buf_puts(b, " <span class=\"count\">");
            put_minutes(b, s->minutes);
            buf_puts(b, "</span>");
        }
        buf_puts(b, "</p>\n<h2>");
        if (s->title) {
            buf_puts(b, s->entity ? "<a href=\"/entities/" : "<a href=\"/guides/");
            render_text(b, s->slug);
            buf_puts(b, "\">");
            render_text(b, s->title);
            buf_puts(b, "</a>");
        } else {
            render_text(b, s->slug);
            buf_puts(b, " <span class=\"count\">(not available yet)</span>");
        }
        buf_puts(b, "</h2>\n<p>");
        render_text(b, s->why);
        buf_puts(b, "</p></li>\n");
    }
    buf_puts(b, "</ol>\n");
    render_page_end(b, ctx);
    path_view_fini(&v);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    return 0;
}
