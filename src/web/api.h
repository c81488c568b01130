/*
 * api.h - the JSON API, /api/v1/... (see docs/api.md, "Endpoints").
 *
 * Every answer is application/json. Lists take the event filters of the
 * pages (min, guide, source, tier, kind, period) and limit/offset, and
 * carry "next", the absolute URL of the following slice or null. Errors
 * are {"error": {"status": N, "message": "..."}} with the HTTP status.
 */
#ifndef ALMANAC_API_H
#define ALMANAC_API_H

#include "base/buf.h"
#include "store/store.h"
#include "web/request.h"

#define API_DEFAULT_LIMIT 30
#define API_MAX_LIMIT 200
#define API_MAX_OFFSET 1000000

/* Answers {"error": {"status", "message"}} with that status; message NULL:
 * the status's own (the server's refusals and unknown paths under /api/). */
void web_api_error(struct web_response *resp, int status, const char *message);

/* /api/v1/events, /api/v1/events/ID */
int web_api_events(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
int web_api_event(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
/* /api/v1/guides, /api/v1/guides/SLUG */
int web_api_guides(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
int web_api_guide(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
/* /api/v1/sources, /api/v1/sources/SLUG */
int web_api_sources(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
int web_api_source(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
/* /api/v1/entities, /api/v1/entities/SLUG, /api/v1/stories/ID (api_map.c) */
int web_api_entities(const struct web_ctx *ctx, const struct web_request *req,
                     struct web_response *resp);
int web_api_entity(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
int web_api_story(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
/* /api/v1/learn, /api/v1/learn/SLUG (api_map.c) */
int web_api_learn(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
int web_api_learn_path(const struct web_ctx *ctx, const struct web_request *req,
                       struct web_response *resp);
/* /api/v1/openapi.json: the API's OpenAPI 3.1 description (docs/openapi.json) */
int web_api_openapi(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp);
/* POST /api/v1/fetch: fetch every enabled source now (202), under `almanac
 * run`; 409 under `almanac serve`. The server checks the token first. */
int web_api_fetch(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
/* Writes (api_write.c), the token checked by the server: POST
 * /api/v1/sources, PUT|PATCH|DELETE /api/v1/sources/SLUG, POST
 * /api/v1/sources/SLUG/fetch, POST /api/v1/opml, GET|POST
 * /api/v1/alerts/rules, GET|DELETE /api/v1/alerts/rules/NAME. */
int web_api_source_add(const struct web_ctx *ctx, const struct web_request *req,
                       struct web_response *resp);
int web_api_source_put(const struct web_ctx *ctx, const struct web_request *req,
                       struct web_response *resp);
int web_api_source_delete(const struct web_ctx *ctx, const struct web_request *req,
                          struct web_response *resp);
int web_api_source_fetch(const struct web_ctx *ctx, const struct web_request *req,
                         struct web_response *resp);
int web_api_opml(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp);
int web_api_rules(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
int web_api_rule(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp);
int web_api_rule_add(const struct web_ctx *ctx, const struct web_request *req,
                     struct web_response *resp);
int web_api_rule_delete(const struct web_ctx *ctx, const struct web_request *req,
                        struct web_response *resp);
/* /api/v1/search?q= */
int web_api_search(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);

#endif
