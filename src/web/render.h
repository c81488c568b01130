/*
 * render.h - what the HTML pages, the API and the feeds share: the event
 * filters of the query string, the site's URLs, and the HTML pieces every
 * page uses (the frame, an event row, a relative time, the pager).
 *
 * Everything appends to a struct buf and escapes every string it is given:
 * callers pass store strings as they are. An append that hits the body's
 * limit is dropped (the page is cut, never unsafe).
 */
#ifndef ALMANAC_RENDER_H
#define ALMANAC_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/request.h"

#define RENDER_PAGE_SIZE 30       /* events per HTML page */
#define RENDER_MAX_PAGE 100000
#define RENDER_SLUG_MAX 80        /* bytes of title in /events/ID-slug */

/* ---- filters ---- */

/* The event filters of a request; strings are borrowed from it. */
struct web_filter {
    int min;                      /* minimum score 1..10; 0: any */
    const char *guide, *source;   /* slugs, NULL: any */
    const char *kind;             /* event kind, NULL: any */
    int tier;                     /* 1..3; 0: any */
    const char *period;           /* "24h", "7d", "30d" or "all" (static) */
    const char *default_period;   /* the one the page shows without a parameter */
    int page;                     /* 1.. */
    const char *widened;          /* Top: the default period, when it held nothing and
                                   * period is the wider one shown instead; else NULL */
};

/* "last 7 days" for "7d", "all time" for "all". */
const char *render_period_text(const char *name);

/* A guide or source slug as the pages and API accept it in a path: 1 to 64
 * of [a-z0-9-]. */
int render_valid_slug(const char *s);

/*
 * Reads min, guide, source, tier, kind, period and page from the query.
 * Returns ALM_OK, or ALM_EINVAL when a value is malformed (why names the
 * parameter, for the error message).
 */
int render_filter_read(const struct web_request *req, const char *default_period,
                       struct web_filter *f, const char **why);
/* The store query for f: every filter, no order, limit or offset. */
void render_filter_query(const struct web_filter *f, time_t now, struct event_query *q);
/*
 * Appends path and the query string of f (raw, not HTML-escaped), with key
 * set to value (NULL removes it; "page" keeps f's page only when given
 * here). Defaults are left out, so the canonical URL of a filter is short.
 */
void render_filter_href(struct buf *b, const char *path, const struct web_filter *f,
                        const char *key, const char *value);
/* "score 7+ · tier 1 · last 7 days" (plain text; empty when no filter). */
void render_filter_describe(struct buf *b, const struct web_filter *f);

/* ---- URLs and text ---- */

/* Appends s percent-encoded for a query value (unreserved bytes kept). */
void render_urlencode(struct buf *b, const char *s);
/* Appends "/events/ID-slug" ("/events/ID" for a title without letters). */
void render_event_path(struct buf *b, int64_t id, const char *title);
/* 1 when url is an absolute http: or https: URL (safe to link), else 0. */
int render_is_http(const char *url);
/* Appends "Source (Author)", escaped; the author only when it adds something. */
void render_source_label(struct buf *b, const struct item *it);
/* 1 when the author is worth showing after the name, else 0. */
int render_author_differs(const char *name, const char *author);
/* Appends ctx->base_url (without a trailing '/') and path: an absolute URL. */
void render_absolute(struct buf *b, const struct web_ctx *ctx, const char *path);
/* Monday 00:00 UTC of the (ISO) week holding t. */
time_t render_week_start(time_t t);
/*
 * The Monday starting a chart of `weeks` weeks that ends at this week, or at
 * the week of newest (a page's newest event) when that is older: a guide or
 * entity quiet for a year still shows its activity. newest <= 0: unknown.
 */
time_t render_chart_first(time_t now, time_t newest, int weeks);
/* Appends s escaped, or nothing for NULL. */
void render_text(struct buf *b, const char *s);
/*
 * Appends s escaped, with the bytes open and close (the search markers)
 * turned into <mark> and </mark>; an unclosed mark is closed at the end.
 */
void render_marked(struct buf *b, const char *s, char open, char close);
/* Copies "YYYY-MM-DD HH:MM UTC" into out. */
void render_utc(time_t t, char out[24]);

/* ---- HTML pieces ---- */

struct render_page {
    const char *title;            /* plain text, NULL: the site's name alone */
    const char *nav;              /* "events", "top", "guides", "sources", "search" or NULL */
    const char *query;            /* the search box's value, or NULL */
    const char *feed_qs;          /* raw query string of the feeds this page offers
                                   * ("?guide=x"), "" for the full feed, NULL: none */
    const char *description;      /* meta description, plain text, or NULL */
};

/* The document up to the start of <main>'s content, and its end. */
void render_page_begin(struct buf *b, const struct web_ctx *ctx, const struct render_page *p);
void render_page_end(struct buf *b, const struct web_ctx *ctx);

/* <time datetime="RFC 3339" title="absolute UTC">34h ago</time> */
void render_time(struct buf *b, time_t now, time_t t);
/* The same, then the absolute date: "3 days ago (2026-11-27)", both <time>. */
void render_time_dated(struct buf *b, time_t now, time_t t);
/* The score badge, coloured by band (class "score band-top|high|mid|low"). */
void render_score(struct buf *b, int score);

struct render_row {
    int heading;                  /* h2 or h3 for the title */
    const char *title_marked;     /* search: the title with \x01..\x02 marks, or NULL */
    const char *snippet_marked;   /* search: a text snippet shown instead of the summary */
    const char *note;             /* a small label after the age ("first report"), or NULL */
};

/*
 * One event as the seed's related rows show it: score, source (author),
 * age and "source ↗" on one line, the title linking to its page, the
 * summary.
 */
void render_event_row(struct buf *b, const struct event *e, time_t now,
                      const struct render_row *o);

/*
 * Previous / next links (raw URLs, NULL when there is none) and "Page N of
 * M" (M 0: unknown).
 */
void render_pager(struct buf *b, const char *prev, const char *next, int page, int64_t pages);

/*
 * The site's error page for status (400, 404, 500...) into resp, with a
 * plain-text detail for the reader (NULL: the status's own words). Never
 * give it internal error text.
 */
void render_error_page(const struct web_ctx *ctx, int status, const char *detail,
                       struct web_response *resp);

/* Calls fn for each non-empty slug of a list (an event's guides). */
void render_each_slug(const struct str_list *list,
                      void (*fn)(const char *slug, size_t len, void *arg), void *arg);

#endif
