/*
 * pages.h - the HTML pages (pages.c) and the style sheet (style.c).
 *
 * Each handler is a web_handler (web.h): it reads the store through
 * web_store(), renders into resp->body and sets status, content type,
 * caching and Last-Modified. A missing resource is a 404 with the site's
 * error page, a malformed parameter a 400, a store failure a 500; no
 * internal message ever reaches the page.
 */
#ifndef ALMANAC_PAGES_H
#define ALMANAC_PAGES_H

#include "web/request.h"

/* "/": events newest first, with the filter bar and paging. */
int web_page_events(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
/* "/top?period=24h|7d|30d|all": the same ranked by score (default 7d). */
int web_page_top(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp);
/* "/events/ID-slug" (and "/events/ID"): the seed's event page. */
int web_page_event(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
/* "/guides" and "/guides/SLUG". */
int web_page_guides(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
int web_page_guide(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
/* "/sources" and "/sources/SLUG". */
int web_page_sources(const struct web_ctx *ctx, const struct web_request *req,
                     struct web_response *resp);
int web_page_source(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
/* "/search?q=": ranked full-text results with highlighted snippets. */
int web_page_search(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);

/*
 * The FTS5 query for what a reader typed: each word quoted as an FTS5
 * string ("word", quotes doubled), so no input is FTS5 syntax; a final
 * '*' keeps a prefix search ("agent"*). ALM_EINVAL when there is no word,
 * ALM_ETOOBIG past 32 words, ALM_EDENIED for a prefix shorter than 3
 * characters or more than 3 prefixes (each expands to many terms, and
 * together they multiply). *out is malloc'd.
 */
int web_search_query(const char *text, char **out);

/* "/static/style.css" (style.c): a year's max-age when ?v= is the current version. */
int web_page_style(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
/* The style sheet's versioned URL, "/static/style.css?v=HASH". */
void web_style_href(char out[64]);
/* The style sheet itself. */
extern const char web_style_css[];

#endif
