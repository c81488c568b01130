/*
 * page_digest.c - "/digest/2026-11-27" and "/digest/2026-W48": a day's or
 * an ISO week's top events (present/digest.h), each with its story's
 * other reports, with the previous and next period; "/digest" sends to
 * today's.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "present/digest.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

struct digest_rows {
    struct page_rows rows;
    struct store *st;
    int64_t self;
    int others;
    int failed;
};

static int
story_row(const struct event *e, void *arg)
{
    struct digest_rows *d = arg;
    struct buf *b = d->rows.b;

    if (e->item.id == d->self)
        return 0;
    if (d->others++ == 0)
        buf_puts(b, "<details class=\"story\"><summary>Also in this story</summary><ul>");
    buf_puts(b, "<li><a href=\"");
    render_event_path(b, e->item.id, e->item.title);
    buf_puts(b, "\">");
    render_text(b, e->item.title && *e->item.title ? e->item.title : "(untitled)");
    buf_puts(b, "</a> · ");
    render_source_label(b, &e->item);
    buf_puts(b, "</li>");
    return 0;
}

static int
digest_row(const struct event *e, void *arg)
{
    struct digest_rows *d = arg;
    struct event_query q = { .story = e->story_id, .limit = 6 };

    page_put_row(e, &d->rows);
    d->self = e->item.id;
    d->others = 0;
    if (e->story_id > 0 && store_list_events(d->st, &q, story_row, d) != ALM_OK)
        d->failed = 1;
    if (d->others)
        buf_puts(d->rows.b, "</ul></details>\n");
    return d->failed;
}

static void
period_link(struct buf *b, const struct digest_period *p, const char *label, const char *rel)
{
    buf_printf(b, "<a href=\"/digest/%s\" rel=\"%s\">%s</a>", p->name, rel, label);
}

int
web_page_digest(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    const char *name = req->path + strlen("/digest/");
    struct digest_period p, prev, next, other;
    struct digest_rows d = { 0 };
    struct store *st;
    struct buf *b = &resp->body;
    char title[96], head[128];

    if (digest_period_parse(name, &p) != ALM_OK)
        return page_fail(ctx, resp, 404, "A digest is at /digest/2026-11-27 (a day) or"
                                         " /digest/2026-W48 (an ISO week).");
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    digest_period_title(&p, title, sizeof(title));
    digest_period_next(&p, -1, &prev);
    digest_period_next(&p, 1, &next);
    digest_period_of(p.start, !p.week, &other);
    snprintf(head, sizeof(head), "Digest: %s", title);
    render_page_begin(b, ctx, &(struct render_page){
        .title = head,
        .nav = "top",
        .description = "The top events of a day or a week, with their stories.",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>");
    render_text(b, head);
    buf_printf(b, "</h1>\n<p class=\"sub\">The %d top events of the %s, by score, with their"
                  " stories · ", DIGEST_TOP, p.week ? "week" : "day");
    period_link(b, &other, p.week ? "the week's first day" : "the whole week", "alternate");
    buf_puts(b, "</p>\n</div>\n");
    d.rows = (struct page_rows){ .b = b, .now = web_now(ctx), .opts = { .heading = 2 } };
    d.st = st;
    buf_puts(b, "<div class=\"events\">\n");
    if (digest_events(st, &p, digest_row, &d) != ALM_OK || d.failed)
        return page_fail(ctx, resp, 500, NULL);
    buf_puts(b, "</div>\n");
    if (d.rows.n == 0)
        buf_printf(b, "<div class=\"empty\"><p>No events in this %s.</p></div>\n",
                   p.week ? "week" : "day");
    buf_puts(b, "<nav class=\"pager\" aria-label=\"Digests\">");
    period_link(b, &prev, p.week ? "← Previous week" : "← Previous day", "prev");
    buf_printf(b, "<span class=\"where\">%s</span>", p.name);
    period_link(b, &next, p.week ? "Next week →" : "Next day →", "next");
    buf_puts(b, "</nav>\n");
    render_page_end(b, ctx);
    page_ok(resp, 300, page_last_analysis(st));
    return 0;
}

static int
take_date(const struct event *e, void *arg)
{
    *(time_t *)arg = e->item.published;
    return ALM_OK;
}

/*
 * /digest: today's digest, or, when nothing has happened since the newest
 * event's day (a quiet day, or a fresh install on the bundled snapshot),
 * that day's, so that the link never opens on "No events".
 */
int
web_page_digest_today(const struct web_ctx *ctx, const struct web_request *req,
                      struct web_response *resp)
{
    struct digest_period p;
    struct event_query q = { .until = web_now(ctx) + 1, .limit = 1 }; /* until: exclusive */
    struct store *st = web_store(ctx);
    time_t day = web_now(ctx), newest = 0;

    (void)req;
    if (st != NULL && store_list_events(st, &q, take_date, &newest) == ALM_OK && newest > 0 &&
        newest < day)
        day = newest;
    digest_period_of(day, 0, &p);
    snprintf(resp->location, sizeof(resp->location), "/digest/%s", p.name);
    resp->status = 302;
    resp->max_age = 60;
    buf_printf(&resp->body, "<!doctype html><title>Moved</title><p>Today's digest is at"
                            " <a href=\"/digest/%s\">/digest/%s</a>.</p>", p.name, p.name);
    return 0;
}
