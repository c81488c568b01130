/*
 * page.c - what the HTML views share (page.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/page.h"
#include "web/render.h"

const char *const page_html_type = "text/html; charset=utf-8";

int
page_fail(const struct web_ctx *ctx, struct web_response *resp, int status, const char *detail)
{
    render_error_page(ctx, status, detail, resp);
    return 0;
}

/*
 * What the guide and source pages check first: the filters, a valid slug,
 * the store. Returns 1 when an error page was answered, else 0 with *f and
 * *st set.
 */
int
page_one_prologue(const struct web_ctx *ctx, const struct web_request *req, const char *slug,
             struct web_filter *f, struct store **st, struct web_response *resp)
{
    const char *why;

    if (render_filter_read(req, "all", f, &why) != ALM_OK)
        return page_fail(ctx, resp, 400, why), 1;
    if (!render_valid_slug(slug))
        return page_fail(ctx, resp, 404, NULL), 1;
    if ((*st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL), 1;
    return 0;
}

/* A store lookup's result: 1 when it failed and the 404 (missing: its
 * message) or 500 page was answered. */
int
page_lookup_failed(const struct web_ctx *ctx, struct web_response *resp, int rc, const char *missing)
{
    if (rc == ALM_ENOTFOUND)
        return page_fail(ctx, resp, 404, missing), 1;
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL), 1;
    return 0;
}

void
page_ok(struct web_response *resp, int max_age, time_t last_modified)
{
    resp->status = 200;
    resp->content_type = page_html_type;
    resp->max_age = max_age;
    resp->last_modified = last_modified;
}

time_t
page_last_analysis(struct store *st)
{
    time_t t = 0;

    if (store_last_change(st, &t, NULL) != ALM_OK)
        return 0;
    return t;
}

/* "3,910" */
void
page_put_count(struct buf *b, int64_t n)
{
    char d[32];
    int len = snprintf(d, sizeof(d), "%lld", (long long)n);

    for (int i = 0; i < len; i++) {
        if (i > 0 && d[0] != '-' && (len - i) % 3 == 0)
            buf_putc(b, ',');
        buf_putc(b, d[i]);
    }
}

void
page_put_plural(struct buf *b, int64_t n, const char *one, const char *many)
{
    page_put_count(b, n);
    buf_printf(b, " %s", n == 1 ? one : many);
}

/* An href attribute value built by render_filter_href(), escaped. */
void
page_filter_href(struct buf *b, const char *path, const struct web_filter *f, const char *key,
                const char *value)
{
    struct buf u = BUF_INIT(4096);

    render_filter_href(&u, path, f, key, value);
    render_text(b, buf_cstr(&u));
    buf_fini(&u);
}

/* The feeds' query string for f: its filters without period and page. */
char *
page_feed_qs(const struct web_filter *f)
{
    struct web_filter g = *f;
    struct buf u = BUF_INIT(4096);

    g.period = "all";
    g.default_period = "all";
    render_filter_href(&u, "", &g, NULL, NULL);
    buf_putc(&u, '\0');
    u.len--;
    return buf_take(&u);
}

/* Prev/next URLs for page of pages, from the filter (and a search query). */
void
page_pager(struct buf *b, const char *path, const struct web_filter *f, const char *q,
          int64_t pages)
{
    struct buf prev = BUF_INIT(4096), next = BUF_INIT(4096);
    char num[16];

    if (f->page > 1) {
        snprintf(num, sizeof(num), "%d", f->page - 1);
        render_filter_href(&prev, path, f, "page", num);
    }
    if (f->page < pages) {
        snprintf(num, sizeof(num), "%d", f->page + 1);
        render_filter_href(&next, path, f, "page", num);
    }
    if (q) {
        struct buf *both[] = { &prev, &next };
        for (size_t i = 0; i < LEN(both); i++) {
            if (both[i]->len == 0)
                continue;
            buf_puts(both[i], strchr(buf_cstr(both[i]), '?') ? "&q=" : "?q=");
            render_urlencode(both[i], q);
        }
    }
    render_pager(b, prev.len ? buf_cstr(&prev) : NULL, next.len ? buf_cstr(&next) : NULL,
                 f->page, pages);
    buf_fini(&prev);
    buf_fini(&next);
}

int
page_put_row(const struct event *e, void *arg)
{
    struct page_rows *r = arg;

    render_event_row(r->b, e, r->now, &r->opts);
    r->n++;
    return 0;
}


static void
put_short_date(struct buf *b, time_t t)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    buf_printf(b, "%s %d", months[tm.tm_mon], tm.tm_mday);
}

void
page_week_chart(struct buf *b, const char *what, const char *caption, time_t first,
                const int *counts, int n)
{
    const int left = 30, bw = 16, gap = 5, top = 10, h = 100, bottom = 22;
    const int width = left + n * (bw + gap), height = top + h + bottom;
    int max = 1, total = 0, busiest = 0;
    char iso[21];

    for (int i = 0; i < n; i++) {
        total += counts[i];
        if (counts[i] > max)
            max = counts[i];
        if (counts[i] > counts[busiest])
            busiest = i;
    }
    buf_puts(b, "<figure class=\"chart\">\n<figcaption>");
    if (caption)
        render_text(b, caption);
    else
        buf_printf(b, "Events per week, last %d weeks", n);
    buf_puts(b, "</figcaption>\n");
    buf_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", width, height);
    buf_puts(b, "Bar chart of ");
    render_text(b, what);
    buf_printf(b, " per week over the last %d weeks: %d in all", n, total);
    if (total > 0) {
        timefmt_rfc3339(first + (time_t)busiest * 604800, iso);
        buf_printf(b, ", the busiest the week of %.10s with %d", iso, counts[busiest]);
    }
    buf_puts(b, ".\">\n");
    buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left,
               top + h, width, top + h);
    buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left, top,
               width, top);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n", left - 6, top + 4,
               max);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", left - 6, top + h + 4);
    for (int i = 0; i < n; i++) {
        int x = left + i * (bw + gap) + gap / 2;
        int bh = counts[i] * h / max;
        if (counts[i] > 0 && bh < 2)
            bh = 2;
        timefmt_rfc3339(first + (time_t)i * 604800, iso);
        if (counts[i] == 0)
            buf_printf(b, "<rect class=\"zero\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"2\">",
                       x, top + h - 2, bw);
        else
            buf_printf(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                          " rx=\"2\">", x, top + h - bh, bw, bh);
        buf_printf(b, "<title>Week of %.10s: %d event%s</title></rect>\n", iso, counts[i],
                   counts[i] == 1 ? "" : "s");
    }
    for (int i = 0; i < n; i += n / 4 > 0 ? n / 4 : 1) {
        if (i + n / 8 >= n && i != 0)
            break;
        buf_printf(b, "<text x=\"%d\" y=\"%d\">", left + i * (bw + gap) + gap / 2, height - 5);
        put_short_date(b, first + (time_t)i * 604800);
        buf_puts(b, "</text>\n");
    }
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", width, height - 5);
    if (caption)
        put_short_date(b, first + (time_t)(n - 1) * 604800);
    else
        buf_puts(b, "This week");
    buf_puts(b, "</text>\n");
    buf_puts(b, "</svg>\n</figure>\n");
}
