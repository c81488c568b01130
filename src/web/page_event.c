/*
 * page_event.c - "/events/ID-slug": one event, its story, reasons, entities
 * and related events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

#define STORY_MAX 50

/* "/events/123-some-slug" -> 123; 0 when the path names no event. */
static int64_t
event_id_of(const char *path, const char **slug)
{
    const char *p = path + strlen("/events/");
    int64_t id = 0;
    int digits = 0;

    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 18)
            return 0;
        id = id * 10 + (*p - '0');
    }
    if (digits == 0 || (*p != '\0' && *p != '-'))
        return 0;
    *slug = p;
    return id;
}

/* The event's guides with their titles, read in one query before any
 * markup, in the event's order; title NULL for a guide not (or no longer)
 * in the guides table, which is shown by its slug. */
struct guide_links {
    char **slugs, **titles;
    int n, cap;
};

static void
collect_slug(const char *slug, size_t len, void *arg)
{
    struct guide_links *gl = arg;

    if (gl->n >= gl->cap)
        return;
    gl->slugs[gl->n] = xstrndup(slug, len);
    gl->titles[gl->n] = NULL;
    gl->n++;
}

/* Sets the title of every slug of the event's that is g's. */
static int
take_title(const char *slug, const char *title, void *arg)
{
    struct guide_links *gl = arg;

    for (int i = 0; i < gl->n; i++)
        if (gl->titles[i] == NULL && strcmp(gl->slugs[i], slug) == 0)
            gl->titles[i] = xstrdup(title ? title : "");
    return 0;
}

static void
guide_links_fini(struct guide_links *gl)
{
    for (int i = 0; i < gl->n; i++) {
        free(gl->slugs[i]);
        free(gl->titles[i]);
    }
    free(gl->slugs);
    free(gl->titles);
}

struct guide_writer {
    struct buf *b;
    const struct guide_links *gl;
    int i;
};

static void
put_guide_link(const char *slug, size_t len, void *arg)
{
    struct guide_writer *w = arg;
    const char *title = w->i < w->gl->n ? w->gl->titles[w->i] : NULL;
    char s[72];

    w->i++;
    if (len >= sizeof(s))
        return;
    memcpy(s, slug, len);
    s[len] = '\0';
    buf_puts(w->b, "<li><a href=\"/guides/");
    render_text(w->b, s);
    buf_puts(w->b, "\">");
    render_text(w->b, title ? title : s);
    buf_puts(w->b, "</a></li>");
}

static void
count_slug(const char *slug, size_t len, void *arg)
{
    (void)slug;
    (void)len;
    (*(int *)arg)++;
}

/* The story's other events, oldest first; the first report marked. */
struct story {
    int64_t self, first;
    struct story_row row;     /* its counts (row.id 0: none) */
    char first_by[256];       /* the first report's source, plain text */
    char first_slug[80];
    time_t now;
    struct buf rows[STORY_MAX];
    int n;
    int self_first;
};

static int
put_story_row(const struct event *e, void *arg)
{
    struct story *s = arg;
    struct buf *b;

    if (e->item.id == s->first) {
        struct buf who = BUF_INIT(sizeof(s->first_by) - 1);
        buf_puts(&who, e->item.source_name ? e->item.source_name : e->item.source_slug);
        snprintf(s->first_by, sizeof(s->first_by), "%s", buf_cstr(&who));
        snprintf(s->first_slug, sizeof(s->first_slug), "%s", e->item.source_slug);
        buf_fini(&who);
    }
    if (e->item.id == s->self) {
        s->self_first = e->item.id == s->first;
        return 0;
    }
    if (s->n >= STORY_MAX)
        return 1;
    b = &s->rows[s->n++];
    buf_init(b, (size_t)1 << 20);
    render_event_row(b, e, s->now, &(struct render_row){
        .heading = 3,
        .note = e->item.id == s->first ? "first report" : NULL,
    });
    return 0;
}

/* Reads the story's other events into s (rows rendered, not yet placed). */
static int
story_gather(struct store *st, const struct event *e, time_t now, struct story *s)
{
    struct event_query q = { .story = e->story_id, .limit = STORY_MAX + 1 };

    s->self = e->item.id;
    s->first = e->story_id;
    s->now = now;
    int rc = e->story_id > 0 ? store_list_events(st, &q, put_story_row, s) : ALM_OK;

    if (rc == ALM_OK && e->story_id > 0) {
        rc = store_get_story(st, e->story_id, &s->row);
        if (rc == ALM_ENOTFOUND) {
            memset(&s->row, 0, sizeof(s->row));
            rc = ALM_OK;
        }
    }

    for (int i = 0; i < s->n && rc == ALM_OK; i++)
        if (buf_cut(&s->rows[i]))
            rc = ALM_ETOOBIG;
    return rc;
}

/* "First reported by X; 4 sources, 2 tiers · the story →" */
static void
story_lineage(struct buf *b, const struct story *s)
{
    int tiers = 0;

    if (s->row.id <= 0 || s->row.events < 2)
        return;
    for (int t = 1; t <= 3; t++)
        tiers += (s->row.tiers >> t) & 1;
    buf_puts(b, "<p class=\"lineage\">");
    if (s->first_by[0]) {
        buf_puts(b, "First reported by <a href=\"/sources/");
        render_text(b, s->first_slug);
        buf_puts(b, "\">");
        render_text(b, s->first_by);
        buf_puts(b, "</a>; ");
    }
    buf_printf(b, "%d source%s, %d tier%s · <a href=\"/stories/%lld\">the story →</a></p>\n",
               s->row.sources, s->row.sources == 1 ? "" : "s", tiers, tiers == 1 ? "" : "s",
               (long long)s->row.id);
}

static void
story_section(struct buf *b, const struct story *s)
{
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"story\">\n<h2 id=\"story\">The story");
    if (s->n > 0) {
        buf_printf(b, " <span class=\"count\">(%d other report%s)</span></h2>\n", s->n,
                   s->n == 1 ? "" : "s");
        if (s->self_first)
            buf_puts(b, "<p class=\"none\">This event is the story's first report.</p>\n");
        /* Listed newest first by the store; a story reads oldest first. */
        for (int i = s->n - 1; i >= 0; i--)
            buf_append(b, buf_cstr(&s->rows[i]), s->rows[i].len);
    } else {
        buf_puts(b, "</h2>\n<p class=\"none\">No other source has reported this story yet.</p>\n");
    }
    buf_puts(b, "</section>\n");
}

static void
story_free(struct story *s)
{
    for (int i = 0; i < s->n; i++)
        buf_fini(&s->rows[i]);
    free(s);
}

static void
reasons_section(struct buf *b, const struct event *e)
{
    int n = 0;

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"why\">\n"
                "<h2 id=\"why\">Why this score</h2>\n<ol class=\"reasons\">\n");
    for (size_t i = 0; i < e->nreasons; i++) {
        const struct event_reason *r = &e->reasons[i];
        buf_printf(b, "<li><span class=\"pts%s\">%+.2f</span><span>",
                   r->points < 0 ? " neg" : "", r->points);
        render_text(b, r->text);
        buf_puts(b, "</span></li>\n");
        n++;
    }
    if (n == 0)
        buf_puts(b, "<li>No reasons were recorded.</li>\n");
    buf_printf(b, "<li class=\"total\"><span class=\"pts\">%d</span><span>Score: the sum, a whole"
                  " number from 1 to 10</span></li>\n</ol>\n</section>\n", e->score);
}

struct ents {
    struct buf *b;
    struct store *st;
    int n, rc;
};

static int
put_entity(const char *name, const char *kind, int mentions, void *arg)
{
    struct ents *en = arg;

    char *slug = NULL;
    int rc = store_entity_slug(en->st, name, &slug);

    (void)mentions;
    if (rc != ALM_OK && rc != ALM_ENOTFOUND) {
        en->rc = rc;
        return 1;
    }
    if (en->n++ == 0)
        buf_puts(en->b, "<ul class=\"chips\">");
    /* Its page, or a search for a name no longer in the dictionary. */
    if (slug) {
        buf_puts(en->b, "<li><a href=\"/entities/");
        render_text(en->b, slug);
    } else {
        struct buf u = BUF_INIT(4096);
        buf_puts(en->b, "<li><a href=\"/search?q=");
        render_urlencode(&u, name);
        render_text(en->b, buf_cstr(&u));
        buf_fini(&u);
    }
    free(slug);
    buf_puts(en->b, "\">");
    render_text(en->b, name);
    buf_puts(en->b, "<span class=\"kind\">");
    render_text(en->b, kind);
    buf_puts(en->b, "</span></a></li>");
    return 0;
}

/* The event page's markup from what was gathered. */
static int
event_markup(struct buf *b, const struct web_ctx *ctx, const struct event *e, time_t now,
             const struct guide_links *gl, const struct page_rows *r,
             const struct story *story, const struct ents *en)
{
    render_page_begin(b, ctx, &(struct render_page){
        .title = e->item.title && *e->item.title ? e->item.title : "Event",
        .nav = "events",
        .description = e->summary,
    });
    buf_puts(b, "<article class=\"story-head\">\n<a class=\"back\" href=\"/\">← Events</a>\n"
                "<p class=\"meta\">");
    render_score(b, e->score);
    buf_puts(b, "<a class=\"src\" href=\"/sources/");
    render_text(b, e->item.source_slug);
    buf_puts(b, "\">");
    render_source_label(b, &e->item);
    buf_puts(b, "</a><span class=\"dot\" aria-hidden=\"true\">·</span>");
    render_time_dated(b, now, e->item.published);
    buf_puts(b, "</p>\n<h1>");
    render_text(b, e->item.title && *e->item.title ? e->item.title : "(untitled)");
    buf_puts(b, "</h1>\n<p class=\"lead\">");
    render_text(b, e->summary);
    buf_puts(b, "</p>\n");
    if (e->summary_model) {
        buf_puts(b, "<p class=\"summary-by\">Summary written by a language model (");
        render_text(b, e->summary_model);
        buf_puts(b, ")</p>\n");
    } else if (e->summary && *e->summary && !strstr(e->summary, "the feed has no excerpt")) {
        buf_puts(b, "<p class=\"summary-by\">Summary drawn from the article</p>\n");
    }
    story_lineage(b, story);
    if (render_is_http(e->item.url)) {
        buf_puts(b, "<p><a class=\"button\" href=\"");
        render_text(b, e->item.url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">source ↗</a></p>\n");
    }
    buf_puts(b, "</article>\n");

    buf_printf(b, "<section class=\"block\" aria-labelledby=\"guides\">\n"
                  "<h2 id=\"guides\">Related guides (%d)</h2>\n", gl->n);
    if (gl->n > 0) {
        struct guide_writer w = { b, gl, 0 };
        buf_puts(b, "<ul class=\"chips\">");
        render_each_slug(&e->guides, put_guide_link, &w);
        buf_puts(b, "</ul>\n");
    } else {
        buf_puts(b, "<p class=\"none\">This event joins no guide.</p>\n");
    }
    buf_puts(b, "</section>\n");

    /* Related rows were rendered first to know their number for the heading. */
    buf_printf(b, "<section class=\"block\" aria-labelledby=\"related\">\n"
                  "<h2 id=\"related\">Related events (%d)</h2>\n", r->n);
    if (r->n > 0)
        buf_append(b, buf_cstr(r->b), r->b->len);
    else
        buf_puts(b, "<p class=\"none\">Nothing related yet.</p>\n");
    buf_puts(b, "</section>\n");

    story_section(b, story);
    reasons_section(b, e);

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"entities\">\n"
                "<h2 id=\"entities\">Entities</h2>\n");
    if (en->n > 0) {
        buf_append(b, buf_cstr(en->b), en->b->len);
        buf_puts(b, "</ul>\n");
    } else {
        buf_puts(b, "<p class=\"none\">No known names were found.</p>\n");
    }
    buf_puts(b, "</section>\n");
    render_page_end(b, ctx);
    /* A piece gathered past its bound would be a page cut short. */
    return buf_cut(r->b) || buf_cut(en->b) ? ALM_ETOOBIG : ALM_OK;
}

int
web_page_event(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct buf canon = BUF_INIT(512);
    const char *slug = NULL;
    int64_t id = event_id_of(req->path, &slug);
    struct store *st;
    struct event e;
    time_t now = web_now(ctx);
    int rc, nguides = 0;

    if (id <= 0)
        return page_fail(ctx, resp, 404, NULL);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    rc = store_get_event(st, id, &e);
    if (rc == ALM_ENOTFOUND)
        return page_fail(ctx, resp, 404, "There is no event with this number.");
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    render_event_path(&canon, id, e.item.title);
    if (strcmp(req->path, buf_cstr(&canon)) != 0 && canon.len < sizeof(resp->location)) {
        /* One URL per event: an old or missing slug moves permanently. */
        resp->status = 301;
        resp->content_type = page_html_type;
        resp->max_age = MAX_AGE_EVENT;
        snprintf(resp->location, sizeof(resp->location), "%s", buf_cstr(&canon));
        buf_puts(b, "<!doctype html><title>Moved</title><p>This event is at <a href=\"");
        render_text(b, buf_cstr(&canon));
        buf_puts(b, "\">");
        render_text(b, buf_cstr(&canon));
        buf_puts(b, "</a>.</p>\n");
        buf_fini(&canon);
        event_fini(&e);
        return 0;
    }
    buf_fini(&canon);

    /* Everything the page shows is read before its markup is written: the
     * guides' titles (one query), related events, the story, the entities. */
    render_each_slug(&e.guides, count_slug, &nguides);
    struct guide_links gl = {
        .slugs = xcalloc((size_t)nguides + 1, sizeof(char *)),
        .titles = xcalloc((size_t)nguides + 1, sizeof(char *)),
        .cap = nguides,
    };
    struct buf rel = BUF_INIT(WEB_MAX_BODY), ents = BUF_INIT(WEB_MAX_BODY);
    struct page_rows r = { .b = &rel, .now = now, .opts = { .heading = 3 } };
    struct ents en = { .b = &ents, .st = st };
    struct story *story = xcalloc(1, sizeof(*story));

    render_each_slug(&e.guides, collect_slug, &gl);
    /* titles only: the guides' counts walk all their events (bench/scale) */
    rc = gl.n > 0 ? store_guide_titles(st, take_title, &gl) : ALM_OK;
    if (rc == ALM_OK)
        rc = store_related_events(st, id, page_put_row, &r);
    if (rc == ALM_OK)
        rc = story_gather(st, &e, now, story);
    if (rc == ALM_OK)
        rc = store_event_entities(st, id, put_entity, &en);
    if (rc == ALM_OK)
        rc = en.rc;
    if (rc == ALM_OK)
        rc = event_markup(b, ctx, &e, now, &gl, &r, story, &en);
    guide_links_fini(&gl);
    buf_fini(&rel);
    buf_fini(&ents);
    story_free(story);
    event_fini(&e);
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    page_ok(resp, MAX_AGE_EVENT, page_last_analysis(st));
    return 0;
}
