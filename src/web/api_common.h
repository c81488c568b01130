/*
 * api_common.h - what the API's files (api.c, api_map.c) share: the error
 * and success answers and an event's JSON members as the API gives them.
 */
#ifndef ALMANAC_WEB_API_COMMON_H
#define ALMANAC_WEB_API_COMMON_H

#include "base/buf.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/request.h"

/* {"error":{"status":N,"message":"..."}} with the status (503 when the
 * thread's query ran out of budget); returns 0, what a handler returns. */
int api_error(struct web_response *resp, int status, const char *message);
/* A 200 JSON answer with this max-age and the last analysis as Last-Modified. */
void api_ok(struct web_response *resp, int max_age, struct store *st);
/* An event's members (present/json.h): links only to http(s) URLs, unknown
 * dates null, and the event's page on this site. */
void api_event_fields(struct buf *b, const struct web_ctx *ctx, const struct event *e);

/*
 * What the one-resource handlers check first: a valid slug, the list
 * filters and slice, the store. Returns 1 when an error was answered
 * (missing: the 404's message; allowed: the parameters it takes), else 0 with *f, *limit, *offset and *st set.
 */
struct web_filter;
int api_one_prologue(const struct web_ctx *ctx, const struct web_request *req, const char *slug,
                     const char *missing, const char *allowed, struct web_filter *f,
                     int *limit, int *offset, struct store **st, struct web_response *resp);
/* Every parameter of the request is one the endpoint takes (allowed, a
 * space-separated list; NULL: none): 0, or 1 after answering 400 naming the
 * first unknown one and the list. */
int api_unknown_param(const struct web_request *req, const char *allowed,
                      struct web_response *resp);
/* A store lookup's result: 1 when it failed and the 404 or 500 was answered. */
int api_lookup_failed(struct web_response *resp, int rc, const char *missing);
/* ',"events":[...]' (a page of q from offset), "next" for path, and the
 * closing brace; the store's result. */
int api_events_page(struct buf *b, const struct web_ctx *ctx, struct store *st,
                    struct event_query *q, const char *path, const struct web_filter *f,
                    int limit, int offset);

#endif
