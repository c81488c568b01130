/*
 * page.h - what the HTML views (page_*.c) share: answering an error page,
 * the checks of a one-resource page, the 200's headers, counts in words,
 * filter links, the pager and the event rows.
 */
#ifndef ALMANAC_WEB_PAGE_H
#define ALMANAC_WEB_PAGE_H

#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "store/store.h"
#include "web/render.h"
#include "web/request.h"

#define MAX_AGE_LIST 60
#define MAX_AGE_EVENT 300
#define MAX_AGE_GUIDE 3600

extern const char *const page_html_type; /* "text/html; charset=utf-8" */

/* Answers the site's error page for status (detail: plain text for the
 * reader, or NULL); returns 0, what a handler returns then. */
int page_fail(const struct web_ctx *ctx, struct web_response *resp, int status,
              const char *detail);
/*
 * What the guide and source pages check first: the filters, a valid slug,
 * the store. Returns 1 when an error page was answered, else 0 with *f and
 * *st set.
 */
int page_one_prologue(const struct web_ctx *ctx, const struct web_request *req,
                      const char *slug, struct web_filter *f, struct store **st,
                      struct web_response *resp);
/* A store lookup's result: 1 when it failed and the 404 (missing: its
 * message) or 500 page was answered. */
int page_lookup_failed(const struct web_ctx *ctx, struct web_response *resp, int rc,
                       const char *missing);
/* A 200 HTML page with this max-age and Last-Modified (0: none). */
void page_ok(struct web_response *resp, int max_age, time_t last_modified);
/* When the analysis last changed the store, 0 when unknown. */
time_t page_last_analysis(struct store *st);
/* "3,910" */
void page_put_count(struct buf *b, int64_t n);
/* "1 event", "3,910 events" */
void page_put_plural(struct buf *b, int64_t n, const char *one, const char *many);
/* An href attribute value built by render_filter_href(), escaped. */
void page_filter_href(struct buf *b, const char *path, const struct web_filter *f,
                      const char *key, const char *value);
/* The feeds' query string for f: its filters without period and page (malloc'd). */
char *page_feed_qs(const struct web_filter *f);
/* Prev/next links for page f->page of pages, from the filter (and a search query q). */
void page_pager(struct buf *b, const char *path, const struct web_filter *f, const char *q,
                int64_t pages);

/*
 * An SVG bar chart of counts per week from the week starting at first,
 * drawn here (no script, styled by the sheet). what names the events for
 * the screen reader's summary; caption NULL: "Events per week, last N
 * weeks" ending "This week", else the caption and the last week's date.
 */
void page_week_chart(struct buf *b, const char *what, const char *caption, time_t first,
                     const int *counts, int n);

/* The rows of an event list: page_put_row() is a store_each_event callback. */
struct page_rows {
    struct buf *b;
    time_t now;
    int n;
    struct render_row opts;
};
int page_put_row(const struct event *e, void *arg);

#endif
