/*
 * page_event.c - "/events/ID-slug": one event, its story, reasons, entities
 * and related events.
 */
#include <cjson/cJSON.h>
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

struct guide_links {
    struct buf *b;
    struct store *st;
};

static void
put_guide_link(const char *slug, size_t len, void *arg)
{
    struct guide_links *gl = arg;
    char s[72];
    struct guide_info g;
    int found;

    if (len >= sizeof(s))
        return;
    memcpy(s, slug, len);
    s[len] = '\0';
    found = store_get_guide(gl->st, s, &g) == ALM_OK;
    buf_puts(gl->b, "<li><a href=\"/guides/");
    render_text(gl->b, s);
    buf_puts(gl->b, "\">");
    render_text(gl->b, found ? g.title : s);
    buf_puts(gl->b, "</a></li>");
    if (found)
        guide_info_fini(&g);
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

static void
story_section(struct buf *b, struct store *st, const struct event *e, time_t now)
{
    struct event_query q = { .story = e->story_id, .limit = STORY_MAX + 1 };
    struct story *s = xcalloc(1, sizeof(*s));

    s->self = e->item.id;
    s->first = e->story_id;
    s->now = now;
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"story\">\n<h2 id=\"story\">The story");
    if (e->story_id > 0 && store_list_events(st, &q, put_story_row, s) == ALM_OK && s->n > 0) {
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
    for (int i = 0; i < s->n; i++)
        buf_free(&s->rows[i]);
    free(s);
}

static void
reasons_section(struct buf *b, const struct event *e)
{
    cJSON *r = cJSON_Parse(e->reasons ? e->reasons : "[]"), *it;
    int n = 0;

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"why\">\n"
                "<h2 id=\"why\">Why this score</h2>\n<ol class=\"reasons\">\n");
    cJSON_ArrayForEach(it, r) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "points");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "text");
        if (!cJSON_IsNumber(p) || !cJSON_IsString(t))
            continue;
        buf_printf(b, "<li><span class=\"pts%s\">%+.2f</span><span>",
                   p->valuedouble < 0 ? " neg" : "", p->valuedouble);
        render_text(b, t->valuestring);
        buf_puts(b, "</span></li>\n");
        n++;
    }
    if (n == 0)
        buf_puts(b, "<li>No reasons were recorded.</li>\n");
    buf_printf(b, "<li class=\"total\"><span class=\"pts\">%d</span><span>Score: the sum, a whole"
                  " number from 1 to 10</span></li>\n</ol>\n</section>\n", e->score);
    cJSON_Delete(r);
}

struct ents {
    struct buf *b;
    int n;
};

static int
put_entity(const char *name, const char *kind, int mentions, void *arg)
{
    struct ents *en = arg;

    (void)mentions;
    if (en->n++ == 0)
        buf_puts(en->b, "<ul class=\"chips\">");
    buf_puts(en->b, "<li><a href=\"/search?q=");
    {
        struct buf u = BUF_INIT(4096);
        render_urlencode(&u, name);
        render_text(en->b, buf_cstr(&u));
        buf_free(&u);
    }
    buf_puts(en->b, "\">");
    render_text(en->b, name);
    buf_puts(en->b, "<span class=\"kind\">");
    render_text(en->b, kind);
    buf_puts(en->b, "</span></a></li>");
    return 0;
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
        buf_free(&canon);
        event_fini(&e);
        return 0;
    }
    buf_free(&canon);

    render_page_begin(b, ctx, &(struct render_page){
        .title = e.item.title && *e.item.title ? e.item.title : "Event",
        .nav = "events",
        .description = e.summary,
    });
    buf_puts(b, "<article class=\"story-head\">\n<a class=\"back\" href=\"/\">← Events</a>\n"
                "<p class=\"meta\">");
    render_score(b, e.score);
    buf_puts(b, "<a class=\"src\" href=\"/sources/");
    render_text(b, e.item.source_slug);
    buf_puts(b, "\">");
    render_source_label(b, &e.item);
    buf_puts(b, "</a><span class=\"dot\" aria-hidden=\"true\">·</span>");
    render_time(b, now, e.item.published);
    buf_puts(b, "</p>\n<h1>");
    render_text(b, e.item.title && *e.item.title ? e.item.title : "(untitled)");
    buf_puts(b, "</h1>\n<p class=\"lead\">");
    render_text(b, e.summary);
    buf_puts(b, "</p>\n");
    if (render_is_http(e.item.url)) {
        buf_puts(b, "<p><a class=\"button\" href=\"");
        render_text(b, e.item.url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">source ↗</a></p>\n");
    }
    buf_puts(b, "</article>\n");

    render_each_slug(e.guides, count_slug, &nguides);
    buf_printf(b, "<section class=\"block\" aria-labelledby=\"guides\">\n"
                  "<h2 id=\"guides\">Related guides (%d)</h2>\n", nguides);
    if (nguides > 0) {
        struct guide_links gl = { b, st };
        buf_puts(b, "<ul class=\"chips\">");
        render_each_slug(e.guides, put_guide_link, &gl);
        buf_puts(b, "</ul>\n");
    } else {
        buf_puts(b, "<p class=\"none\">This event joins no guide.</p>\n");
    }
    buf_puts(b, "</section>\n");

    /* Related rows are rendered first to know their number for the heading. */
    struct buf rel = BUF_INIT(WEB_MAX_BODY);
    struct page_rows r = { .b = &rel, .now = now, .opts = { .heading = 3 } };
    if (store_related_events(st, id, page_put_row, &r) != ALM_OK) {
        buf_free(&rel);
        event_fini(&e);
        return page_fail(ctx, resp, 500, NULL);
    }
    buf_printf(b, "<section class=\"block\" aria-labelledby=\"related\">\n"
                  "<h2 id=\"related\">Related events (%d)</h2>\n", r.n);
    if (r.n > 0)
        buf_append(b, buf_cstr(&rel), rel.len);
    else
        buf_puts(b, "<p class=\"none\">Nothing related yet.</p>\n");
    buf_puts(b, "</section>\n");
    buf_free(&rel);

    story_section(b, st, &e, now);
    reasons_section(b, &e);

    struct ents en = { .b = b };
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"entities\">\n"
                "<h2 id=\"entities\">Entities</h2>\n");
    store_event_entities(st, id, put_entity, &en);
    if (en.n > 0)
        buf_puts(b, "</ul>\n");
    else
        buf_puts(b, "<p class=\"none\">No known names were found.</p>\n");
    buf_puts(b, "</section>\n");
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_EVENT, page_last_analysis(st));
    event_fini(&e);
    return 0;
}
