/*
 * page_stories.c - "/stories/ID": one story: the happening (its first
 * report's title), who reported first, each source's first appearance
 * with its tier and what its summary adds, coverage by tier over time, and
 * every report. Read whole (story_gather) before markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "store/store.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"
#include "web/story_view.h"

/* "/stories/123" -> 123; 0 when the path names no story. */
static int64_t
story_id_of(const char *path)
{
    const char *p = path + strlen("/stories/");
    int64_t id = 0;
    int digits = 0;

    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 18)
            return 0;
        id = id * 10 + (*p - '0');
    }
    return digits > 0 && *p == '\0' ? id : 0;
}

/* "Jul 28" */
static void
put_short_date(struct buf *b, time_t t)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    buf_printf(b, "%s %d", months[tm.tm_mon], tm.tm_mday);
}

/* Sources by tier, stacked, one column a bucket: how coverage grew. */
static void
coverage_chart(struct buf *b, const struct story_view *v)
{
    /* A fixed scale (the page's other charts' text size): a story of two
     * days draws two bars at the left, not two bars the page's width. */
    const int left = 30, bw = 36, gap = 10, top = 10, h = 90, bottom = 22;
    const int drawn = left + v->nbuckets * (bw + gap), width = drawn < 560 ? 560 : drawn;
    const int height = top + h + bottom;
    int cum[4] = { 0 }, max = v->nsources > 0 ? v->nsources : 1;

    buf_puts(b, "<figure class=\"chart coverage\">\n<figcaption>Sources covering it, by tier,"
                " per ");
    if (v->bucket_secs == 86400)
        buf_puts(b, "day");
    else
        buf_printf(b, "%d days", v->bucket_secs / 86400);
    buf_puts(b, " (tier 1 darkest)</figcaption>\n");
    buf_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Stacked bars of the"
                  " sources covering the story over time: %d source%s, %d of tier 1, %d of"
                  " tier 2, %d of tier 3.\">\n",
               width, height, v->nsources, v->nsources == 1 ? "" : "s", v->tiers[1],
               v->tiers[2], v->tiers[3]);
    buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left,
               top + h, drawn, top + h);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n", left - 6, top + 4,
               max);
    for (int i = 0; i < v->nbuckets; i++) {
        int x = left + i * (bw + gap) + gap / 2, y = top + h;
        for (int t = 0; t < 4; t++)
            cum[t] += v->added[i][t];
        for (int t = 1; t <= 4; t++) {
            int tier = t == 4 ? 0 : t, bh = cum[tier] * h / max;
            if (bh == 0)
                continue;
            y -= bh;
            buf_printf(b, "<rect class=\"tier%d\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
                          "<title>%d tier-%d source%s by then</title></rect>\n",
                       tier, x, y, bw, bh, cum[tier], tier, cum[tier] == 1 ? "" : "s");
        }
        /* Every column's date when there is room for it, else the ends'. */
        if (v->nbuckets <= 8 || i == 0 || i == v->nbuckets - 1) {
            buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", x + bw / 2,
                       height - 5);
            put_short_date(b, v->bucket0 + (time_t)i * v->bucket_secs);
            buf_puts(b, "</text>\n");
        }
    }
    buf_puts(b, "</svg>\n</figure>\n");
}

static void
put_event_link(struct buf *b, const struct event *e)
{
    buf_puts(b, "<a href=\"");
    render_event_path(b, e->item.id, e->item.title);
    buf_puts(b, "\">");
    render_text(b, e->item.title && *e->item.title ? e->item.title : "(untitled)");
    buf_puts(b, "</a>");
}

static void
story_markup(struct buf *b, const struct web_ctx *ctx, const struct story_view *v, time_t now)
{
    const struct event *first = &v->r[0].e;
    const char *title = first->item.title && *first->item.title ? first->item.title : "A story";

    render_page_begin(b, ctx, &(struct render_page){
        .title = title, .nav = "events", .description = first->summary,
    });
    buf_puts(b, "<a class=\"back\" href=\"/\">← Events</a>\n<div class=\"page-head\">\n"
                "<p class=\"kicker\">Story</p>\n<h1>");
    render_text(b, title);
    buf_puts(b, "</h1>\n<p class=\"sub lineage\">");
    if (!v->truncated && first->item.id == v->s.first_event) {
        buf_puts(b, "First reported by <a href=\"/sources/");
        render_text(b, first->item.source_slug);
        buf_puts(b, "\">");
        render_source_label(b, &first->item);
        buf_puts(b, "</a> ");
        render_time(b, now, first->item.published);
        buf_puts(b, "; ");
    }
    /* Sources as the story counts them (an organisation's feeds once),
     * the same words as the event page's line. */
    int tiers = ((v->s.tiers >> 1) & 1) + ((v->s.tiers >> 2) & 1) + ((v->s.tiers >> 3) & 1);
    page_put_plural(b, v->s.sources, "source", "sources");
    buf_printf(b, ", %d tier%s · ", tiers, tiers == 1 ? "" : "s");
    page_put_plural(b, v->s.events, "report", "reports");
    if (v->nsources != v->s.sources) {
        buf_puts(b, " in ");
        page_put_plural(b, v->nsources, "feed", "feeds");
    }
    buf_puts(b, "</p>\n</div>\n<p class=\"lead\">");
    render_text(b, first->summary);
    buf_puts(b, "</p>\n");
    if (v->truncated)
        buf_printf(b, "<p class=\"none\">This story has more than %d reports; the newest %d are"
                      " shown, so its first report is not among them.</p>\n",
                   STORY_VIEW_MAX, STORY_VIEW_MAX);

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"who\">\n<h2 id=\"who\">Who added"
                " what</h2>\n<ol class=\"contributions\">\n");
    for (int i = 0; i < v->n; i++) {
        const struct story_report *r = &v->r[i];
        if (!r->first_of_source)
            continue;
        buf_puts(b, "<li><p class=\"meta\">");
        buf_printf(b, "<span class=\"tier t%d\">tier %d</span> <a class=\"src\" href=\"/sources/",
                   r->e.item.tier, r->e.item.tier);
        render_text(b, r->e.item.source_slug);
        buf_puts(b, "\">");
        render_source_label(b, &r->e.item);
        buf_puts(b, "</a><span class=\"dot\" aria-hidden=\"true\">·</span>");
        render_time(b, now, r->e.item.published);
        if (i == 0 && !v->truncated)
            buf_puts(b, "<span class=\"dot\" aria-hidden=\"true\">·</span>"
                        "<span class=\"note\">first report</span>");
        buf_puts(b, "</p>\n<p>");
        put_event_link(b, &r->e);
        buf_puts(b, "</p>\n<p class=\"adds\">");
        if (i == 0)
            buf_puts(b, "Broke the story.");
        else if (r->adds) {
            buf_puts(b, "Adds: ");
            render_text(b, r->adds);
        } else {
            buf_puts(b, "Adds no new name or figure; it corroborates.");
        }
        buf_puts(b, "</p></li>\n");
    }
    buf_puts(b, "</ol>\n</section>\n");
    coverage_chart(b, v);

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"reports\">\n<h2 id=\"reports\">"
                "Every report <span class=\"count\">(");
    page_put_count(b, v->n);
    buf_puts(b, ", oldest first)</span></h2>\n");
    for (int i = 0; i < v->n; i++)
        render_event_row(b, &v->r[i].e, now, &(struct render_row){
            .heading = 3,
            .note = v->r[i].e.item.id == v->s.first_event ? "first report" : NULL,
        });
    buf_puts(b, "</section>\n");
    render_page_end(b, ctx);
}

int
web_page_story(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    int64_t id = story_id_of(req->path);
    struct story_view v;
    struct store *st;
    int rc;

    if (id <= 0)
        return page_fail(ctx, resp, 404, NULL);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    rc = story_gather(st, id, &v);
    if (rc == ALM_OK)
        story_markup(&resp->body, ctx, &v, web_now(ctx));
    story_view_fini(&v);
    if (rc == ALM_ENOTFOUND)
        return page_fail(ctx, resp, 404, "There is no story with this number.");
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    page_ok(resp, MAX_AGE_EVENT, page_last_analysis(st));
    return 0;
}
