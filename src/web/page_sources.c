/*
 * page_sources.c - "/sources" and "/sources/SLUG": every source with its
 * health, and one with its facts and events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store_web.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

/* The health of a source as a small badge. */
static void
put_status(struct buf *b, const struct source_info *s)
{
    if (s->last_fetch == 0)
        buf_puts(b, "<span class=\"status none\">not fetched</span>");
    else if (s->failures > 0 || s->last_error)
        buf_puts(b, "<span class=\"status bad\">failing</span>");
    else
        buf_puts(b, "<span class=\"status ok\">ok</span>");
}

/* At most n bytes of s, cut at a character boundary, escaped. */
static void
put_cut(struct buf *b, const char *s, size_t n)
{
    size_t len = strlen(s);

    if (len <= n) {
        render_text(b, s);
        return;
    }
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    {
        char *cut = xstrndup(s, n);
        render_text(b, cut);
        free(cut);
    }
    buf_puts(b, "…");
}

struct source_rows {
    struct buf *b;
    time_t now;
    int n, failing, never;
};

static int
put_source_row(const struct source_info *s, void *arg)
{
    struct source_rows *sr = arg;
    struct buf *b = sr->b;

    buf_puts(b, "<tr><td><a class=\"name\" href=\"/sources/");
    render_text(b, s->slug);
    buf_puts(b, "\">");
    render_text(b, s->name);
    buf_puts(b, "</a>");
    if (render_author_differs(s->name, s->author)) {
        buf_puts(b, "<span class=\"sub\">");
        render_text(b, s->author);
        buf_puts(b, "</span>");
    }
    buf_puts(b, "<span class=\"sub links\">");
    if (render_is_http(s->feed_url)) {
        buf_puts(b, "<a href=\"");
        render_text(b, s->feed_url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">feed</a>");
    }
    if (render_is_http(s->site_url)) {
        buf_puts(b, render_is_http(s->feed_url) ? " · " : "");
        buf_puts(b, "<a href=\"");
        render_text(b, s->site_url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">site</a>");
    }
    buf_printf(b, "</span></td><td class=\"num\" data-label=\"Tier\">%d</td>"
                  "<td data-label=\"Kind\">", s->tier);
    render_text(b, s->kind);
    buf_puts(b, "</td><td class=\"num\" data-label=\"Items\">");
    page_put_count(b, s->items);
    buf_puts(b, "</td><td data-label=\"Fetched\">");
    if (s->last_fetch > 0)
        render_time(b, sr->now, s->last_fetch);
    else
        buf_puts(b, "<span class=\"sub\">—</span>");
    buf_puts(b, "</td><td class=\"st\">");
    put_status(b, s);
    if (s->last_status > 0)
        buf_printf(b, " <span class=\"sub\">HTTP %ld</span>", s->last_status);
    if (s->last_error) {
        buf_puts(b, "<span class=\"error-text\">");
        put_cut(b, s->last_error, 160);
        buf_puts(b, "</span>");
    }
    buf_printf(b, "</td><td class=\"num\" data-label=\"Fails\">%d</td></tr>\n", s->failures);
    sr->n++;
    if (s->last_fetch == 0)
        sr->never++;
    else if (s->failures > 0 || s->last_error)
        sr->failing++;
    return 0;
}

int
web_page_sources(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct buf rows = BUF_INIT(WEB_MAX_BODY);
    struct source_rows sr = { .b = &rows, .now = web_now(ctx) };
    struct store *st;
    time_t analyzed = 0, fetched = 0;

    (void)req;
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    if (store_list_source_info(st, put_source_row, &sr) != ALM_OK) {
        buf_fini(&rows);
        return page_fail(ctx, resp, 500, NULL);
    }
    store_last_change(st, &analyzed, &fetched);
    render_page_begin(b, ctx, &(struct render_page){
        .title = "Sources", .nav = "sources",
        .description = "The sources Almanac follows, with the health of their feeds.",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>Sources</h1>\n<p class=\"sub\">");
    page_put_plural(b, sr.n, "source", "sources");
    if (sr.failing)
        buf_printf(b, " · %d failing", sr.failing);
    else if (sr.n > sr.never)
        buf_puts(b, " · every fetched one healthy");
    if (sr.never)
        buf_printf(b, " · %d not fetched yet", sr.never);
    buf_puts(b, ". Tier 1 is primary, 2 expert and press, 3 community.</p>\n</div>\n");
    if (sr.n == 0) {
        buf_puts(b, "<div class=\"empty\"><p>No sources yet: run <code>almanac ingest</code>."
                    "</p></div>\n");
    } else {
        buf_puts(b, "<div class=\"table-wrap\">\n<table class=\"sources\">\n"
                    "<caption class=\"vh\">Sources and their health</caption>\n<thead><tr><th scope=\"col\">Source</th>"
                    "<th scope=\"col\" class=\"num\">Tier</th><th scope=\"col\">Kind</th>"
                    "<th scope=\"col\" class=\"num\">Items</th><th scope=\"col\">Fetched</th>"
                    "<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">"
                    "<abbr title=\"Consecutive failures\">Fails</abbr></th></tr></thead>\n"
                    "<tbody>\n");
        buf_append(b, buf_cstr(&rows), rows.len);
        buf_puts(b, "</tbody>\n</table>\n</div>\n");
    }
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_LIST, fetched > analyzed ? fetched : analyzed);
    buf_fini(&rows);
    return 0;
}

static void
put_fact_time(struct buf *b, const char *label, time_t now, time_t t, const char *none)
{
    buf_printf(b, "<dt>%s</dt><dd>", label);
    if (t > 0) {
        char utc[24];
        render_time(b, now, t);
        render_utc(t, utc);
        buf_printf(b, " <span class=\"hint\">(%s)</span>", utc);
    } else {
        buf_puts(b, none);
    }
    buf_puts(b, "</dd>\n");
}

static void
put_fact_link(struct buf *b, const char *label, const char *url)
{
    if (url == NULL || *url == '\0')
        return;
    buf_printf(b, "<dt>%s</dt><dd>", label);
    if (render_is_http(url)) {
        buf_puts(b, "<a href=\"");
        render_text(b, url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">");
        render_text(b, url);
        buf_puts(b, "</a>");
    } else {
        render_text(b, url);
    }
    buf_puts(b, "</dd>\n");
}

int
web_page_source(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    const char *slug = req->path + strlen("/sources/");
    struct buf *b = &resp->body;
    struct web_filter f;
    struct event_query q;
    struct source_info s;
    struct store *st;
    time_t now = web_now(ctx), analyzed = 0, fetched = 0;
    int64_t total = 0, pages;
    char path[96];
    char *fq;
    int rc;

    if (page_one_prologue(ctx, req, slug, &f, &st, resp) ||
        page_lookup_failed(ctx, resp, store_get_source_info(st, slug, &s),
                      "There is no source with this name."))
        return 0;
    /* The reader's filters narrow the list (and its pages keep them); the
     * source is the path's. */
    f.source = s.slug;
    render_filter_query(&f, now, &q);
    f.source = NULL;
    if (store_count_matching(st, &q, &total) != ALM_OK) {
        source_info_fini(&s);
        return page_fail(ctx, resp, 500, NULL);
    }
    pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
    if (f.page > 1 && f.page > pages) {
        source_info_fini(&s);
        return page_fail(ctx, resp, 404, "There is no such page of this source's events.");
    }
    snprintf(path, sizeof(path), "/sources/%s", s.slug);
    fq = page_feed_qs(&(struct web_filter){ .source = s.slug, .period = "all" });
    render_page_begin(b, ctx, &(struct render_page){
        .title = s.name, .nav = "sources", .feed_qs = fq,
    });
    buf_puts(b, "<a class=\"back\" href=\"/sources\">← Sources</a>\n<div class=\"page-head\">\n"
                "<h1>");
    render_text(b, s.name);
    buf_puts(b, "</h1>\n<p class=\"sub\">");
    if (render_author_differs(s.name, s.author)) {
        render_text(b, s.author);
        buf_puts(b, " · ");
    }
    buf_printf(b, "tier %d · ", s.tier);
    render_text(b, s.kind);
    buf_puts(b, " · ");
    put_status(b, &s);
    buf_puts(b, "</p>\n</div>\n<dl class=\"facts\">\n");
    put_fact_link(b, "Feed", s.feed_url);
    put_fact_link(b, "Site", s.site_url);
    buf_puts(b, "<dt>Items</dt><dd>");
    page_put_count(b, s.items);
    buf_puts(b, " stored, ");
    page_put_count(b, s.events);
    buf_puts(b, " analysed</dd>\n");
    put_fact_time(b, "Newest item", now, s.newest, "none yet");
    put_fact_time(b, "Last fetch", now, s.last_fetch, "never");
    put_fact_time(b, "Last success", now, s.last_success, "never");
    buf_puts(b, "<dt>Last status</dt><dd>");
    if (s.last_status > 0)
        buf_printf(b, "HTTP %ld", s.last_status);
    else
        buf_puts(b, "none");
    buf_printf(b, "</dd>\n<dt>Failures</dt><dd>%d in a row</dd>\n", s.failures);
    if (s.last_error) {
        buf_puts(b, "<dt>Last error</dt><dd class=\"error-text\">");
        render_text(b, s.last_error);
        buf_puts(b, "</dd>\n");
    }
    if (!s.enabled)
        buf_puts(b, "<dt>Fetching</dt><dd>disabled</dd>\n");
    buf_puts(b, "</dl>\n");
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"latest\">\n<h2 id=\"latest\">"
                "Latest events <span class=\"count\">(");
    page_put_count(b, total);
    buf_puts(b, ")</span></h2>\n");
    q.limit = RENDER_PAGE_SIZE;
    q.offset = (f.page - 1) * RENDER_PAGE_SIZE;
    struct page_rows r = { .b = b, .now = now, .opts = { .heading = 3 } };
    rc = store_list_events(st, &q, page_put_row, &r);
    if (r.n == 0)
        buf_puts(b, "<p class=\"none\">No events from this source yet.</p>\n");
    buf_puts(b, "</section>\n");
    page_pager(b, path, &f, NULL, pages);
    render_page_end(b, ctx);
    store_last_change(st, &analyzed, &fetched);
    page_ok(resp, MAX_AGE_LIST, fetched > analyzed ? fetched : analyzed);
    free(fq);
    source_info_fini(&s);
    return rc == ALM_OK ? 0 : page_fail(ctx, resp, 500, NULL);
}
