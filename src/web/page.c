/*
 * page.c - what the HTML views share (page.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
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

