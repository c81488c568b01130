/*
 * pages.h - the HTML pages, one file a resource as the API's handlers
 * (page_events.c, page_event.c, page_guides.c, page_sources.c,
 * page_search.c; what they share is page.h) (the style sheet is style.h).
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
/* "/entities" (?kind=) and "/entities/SLUG" (page_entities.c). */
int web_page_entities(const struct web_ctx *ctx, const struct web_request *req,
                      struct web_response *resp);
int web_page_entity(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
/* "/stories/ID": one story, who reported first and who added what (page_stories.c). */
int web_page_story(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
/* "/learn" and "/learn/SLUG": learning paths (page_learn.c). */
int web_page_learn(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
int web_page_learn_path(const struct web_ctx *ctx, const struct web_request *req,
                        struct web_response *resp);
/* "/search?q=": ranked full-text results with highlighted snippets. */
int web_page_search(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);

/* /digest/2026-11-27, /digest/2026-W48: a day's or a week's top events;
 * /digest: 302 to today's. */
int web_page_digest(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
int web_page_digest_today(const struct web_ctx *ctx, const struct web_request *req,
                          struct web_response *resp);

#endif
