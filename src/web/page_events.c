/*
 * page_events.c - "/" and "/top": events newest first or ranked, with the
 * filter bar and paging.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store_web.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

static void
filter_group(struct buf *b, const char *label, const char *path, const struct web_filter *f,
             const char *key, const char *current, const char *const *values,
             const char *const *labels, size_t n)
{
    buf_printf(b, "<div class=\"group\"><span class=\"label\">%s</span><span class=\"opts\">",
               label);
    for (size_t i = 0; i < n; i++) {
        int on = (values[i] == NULL && current == NULL) ||
                 (values[i] && current && strcmp(values[i], current) == 0);
        buf_puts(b, "<a href=\"");
        page_filter_href(b, path, f, key, values[i]);
        buf_printf(b, "\"%s>%s</a>", on ? " aria-current=\"true\"" : "", labels[i]);
    }
    buf_puts(b, "</span></div>\n");
}

static void
filter_bar(struct buf *b, const char *path, const struct web_filter *f, int top)
{
    static const char *const p_vals[] = { "all", "24h", "7d", "30d" };
    static const char *const p_labels[] = { "All time", "24 hours", "7 days", "30 days" };
    static const char *const t_vals[] = { "24h", "7d", "30d", "all" };
    static const char *const t_labels[] = { "24 hours", "7 days", "30 days", "All time" };
    static const char *const s_vals[] = { NULL, "5", "7", "9" };
    static const char *const s_labels[] = { "Any", "5+", "7+", "9+" };
    static const char *const k_vals[] = { NULL, "release", "research", "policy", "security",
                                          "business", "commentary", "digest", "tutorial",
                                          "other" };
    static const char *const k_labels[] = { "Any", "Release", "Research", "Policy", "Security",
                                            "Business", "Commentary", "Digest", "Tutorial",
                                            "Other" };
    static const char *const r_vals[] = { NULL, "1", "2", "3" };
    static const char *const r_labels[] = { "Any", "1 · primary", "2 · expert",
                                            "3 · community" };
    char min[8], tier[8];

    snprintf(min, sizeof(min), "%d", f->min);
    snprintf(tier, sizeof(tier), "%d", f->tier);
    buf_puts(b, "<nav class=\"filters\" aria-label=\"Filters\">\n");
    if (top)
        filter_group(b, "Period", path, f, "period", f->period, t_vals, t_labels, LEN(t_vals));
    else
        filter_group(b, "Period", path, f, "period", f->period, p_vals, p_labels, LEN(p_vals));
    filter_group(b, "Score", path, f, "min", f->min ? min : NULL, s_vals, s_labels,
                 LEN(s_vals));
    buf_printf(b, "<details%s><summary>Kind and source tier</summary>\n",
               f->kind || f->tier ? " open" : "");
    filter_group(b, "Kind", path, f, "kind", f->kind, k_vals, k_labels, LEN(k_vals));
    filter_group(b, "Tier", path, f, "tier", f->tier ? tier : NULL, r_vals, r_labels,
                 LEN(r_vals));
    buf_puts(b, "</details>\n</nav>\n");
}

/* The guide and source filters, as chips that remove them. */
static void
active_filters(struct buf *b, struct store *st, const char *path, const struct web_filter *f)
{
    if (f->guide == NULL && f->source == NULL)
        return;
    buf_puts(b, "<ul class=\"active\" aria-label=\"Active filters\">");
    if (f->guide) {
        struct guide_info g;
        int found = store_get_guide(st, f->guide, &g) == ALM_OK;
        buf_puts(b, "<li><a href=\"");
        page_filter_href(b, path, f, "guide", NULL);
        buf_puts(b, "\">Guide: ");
        render_text(b, found ? g.title : f->guide);
        buf_puts(b, "<span aria-hidden=\"true\">✕</span><span class=\"vh\"> (remove)</span>"
                    "</a></li>");
        if (found)
            guide_info_fini(&g);
    }
    if (f->source) {
        struct source_info s;
        int found = store_get_source_info(st, f->source, &s) == ALM_OK;
        buf_puts(b, "<li><a href=\"");
        page_filter_href(b, path, f, "source", NULL);
        buf_puts(b, "\">Source: ");
        render_text(b, found ? s.name : f->source);
        buf_puts(b, "<span aria-hidden=\"true\">✕</span><span class=\"vh\"> (remove)</span>"
                    "</a></li>");
        if (found)
            source_info_fini(&s);
    }
    buf_puts(b, "</ul>\n");
}

/*
 * Top without a period asked for: when its default (7 days) holds no event,
 * the most recent period that has some, 30 days, else all time, so that a
 * fresh install on the bundled snapshot (or a quiet week) never reads "0
 * events". The links keep the wider period. f->widened says which.
 */
static int
widen_period(struct store *st, const struct web_request *req, time_t now, struct web_filter *f,
             struct event_query *q, int64_t *total)
{
    static const char *const wider[] = { "30d", "all" };
    const char *v = web_param(req, "period");
    const char *asked = f->period;

    if (v && *v)
        return ALM_OK; /* the reader chose it: "no events" is the answer */
    for (size_t i = 0; *total == 0 && i < LEN(wider); i++) {
        f->period = wider[i];
        render_filter_query(f, now, q);
        q->by_score = 1;
        if (store_count_matching(st, q, total) != ALM_OK)
            return ALM_ESTORE;
    }
    if (*total == 0) { /* nothing at all: the default, honestly empty */
        f->period = asked;
        render_filter_query(f, now, q);
        q->by_score = 1;
    } else {
        f->widened = asked;
    }
    return ALM_OK;
}

static int
events_page(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp,
            int top)
{
    const char *path = top ? "/top" : "/";
    struct web_filter f;
    struct event_query q;
    struct store *st;
    const char *why = NULL;
    time_t now = web_now(ctx);
    int64_t total = 0, pages;
    struct buf *b = &resp->body;
    struct buf desc = BUF_INIT(1024);
    char *fq;
    int rc;

    if (render_filter_read(req, top ? "7d" : "all", &f, &why) != ALM_OK)
        return page_fail(ctx, resp, 400, why);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    render_filter_query(&f, now, &q);
    q.by_score = top;
    if (store_count_matching(st, &q, &total) != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    if (top && total == 0 && widen_period(st, req, now, &f, &q, &total) != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
    if (f.page > 1 && f.page > pages)
        return page_fail(ctx, resp, 404, "There is no such page of events.");
    q.limit = RENDER_PAGE_SIZE;
    q.offset = (f.page - 1) * RENDER_PAGE_SIZE;

    fq = page_feed_qs(&f);
    render_filter_describe(&desc, &f);
    render_page_begin(b, ctx, &(struct render_page){
        .title = top ? "Top events" : (f.page > 1 || desc.len ? "Events" : NULL),
        .nav = top ? "top" : "events",
        .feed_qs = fq,
        .description = "What happens in AI, from labs, newsletters, press, papers and policy.",
    });
    buf_printf(b, "<div class=\"page-head\">\n<h1>%s</h1>\n<p class=\"sub\">",
               top ? "Top events" : "Events");
    page_put_plural(b, total, "event", "events");
    if (top)
        buf_puts(b, ", highest score first");
    else
        buf_puts(b, ", newest first");
    if (desc.len) {
        buf_puts(b, " · ");
        render_text(b, buf_cstr(&desc));
    }
    buf_puts(b, " · <a href=\"/feed.atom");
    render_text(b, fq);
    buf_puts(b, "\">Atom feed</a></p>\n");
    if (f.widened)
        buf_printf(b, "<p class=\"note\">No events in the %s: showing %s%s, the most recent "
                      "period with events.</p>\n", render_period_text(f.widened),
                   strcmp(f.period, "all") ? "the " : "", render_period_text(f.period));
    buf_puts(b, "</div>\n");
    filter_bar(b, path, &f, top);
    active_filters(b, st, path, &f);

    struct page_rows r = { .b = b, .now = now, .opts = { .heading = 2 } };
    buf_puts(b, "<div class=\"events\">\n");
    rc = store_list_events(st, &q, page_put_row, &r);
    buf_puts(b, "</div>\n");
    if (rc != ALM_OK) {
        free(fq);
        buf_fini(&desc);
        return page_fail(ctx, resp, 500, NULL);
    }
    if (r.n == 0) {
        buf_puts(b, "<div class=\"empty\"><p>No events match these filters.</p><p>");
        if (top && strcmp(f.period, "all") != 0) {
            buf_puts(b, "Try a longer period: <a href=\"");
            page_filter_href(b, path, &f, "period", "30d");
            buf_puts(b, "\">30 days</a> or <a href=\"");
            page_filter_href(b, path, &f, "period", "all");
            buf_puts(b, "\">all time</a>.");
        } else {
            buf_printf(b, "<a href=\"%s\">Clear the filters</a>.", path);
        }
        buf_puts(b, "</p></div>\n");
    }
    page_pager(b, path, &f, NULL, pages);
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_LIST, page_last_analysis(st));
    free(fq);
    buf_fini(&desc);
    return 0;
}

int
web_page_events(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    return events_page(ctx, req, resp, 0);
}

int
web_page_top(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp)
{
    return events_page(ctx, req, resp, 1);
}
