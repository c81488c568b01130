/*
 * routes.c - the table of routes: which handler answers a path, its
 * group for the metrics, and the site's error page.
 *
 * Exact paths first, then prefixes ("/events/" takes "/events/12-slug");
 * a prefix route needs something after its slash. Anything else is the
 * server's 404.
 */
#include <stddef.h>
#include <string.h>

#include "base/err.h"
#include "web/api.h"
#include "web/feeds.h"
#include "web/pages.h"
#include "web/render.h"
#include "web/routes.h"
#include "web/sitemap.h"
#include "web/status.h"
#include "web/style.h"

static const struct {
    const char *path;
    struct web_route r;
} exact[] = {
    { "/", { web_page_events, WEB_G_PAGES, 0 } },
    { "/top", { web_page_top, WEB_G_PAGES, 0 } },
    { "/guides", { web_page_guides, WEB_G_PAGES, 0 } },
    { "/sources", { web_page_sources, WEB_G_PAGES, 0 } },
    { "/search", { web_page_search, WEB_G_PAGES, 0 } },
    { "/entities", { web_page_entities, WEB_G_PAGES, 0 } },
    { "/sitemap.xml", { web_sitemap, WEB_G_PAGES, 0 } },
    { "/learn", { web_page_learn, WEB_G_PAGES, 0 } },
    { "/digest", { web_page_digest_today, WEB_G_PAGES, 0 } },
    { "/static/style.css", { web_page_style, WEB_G_PAGES, 0 } },
    { "/feed.atom", { web_feed_atom, WEB_G_FEEDS, 0 } },
    { "/feed.json", { web_feed_json, WEB_G_FEEDS, 0 } },
    { "/digest.atom", { web_feed_digest_atom, WEB_G_FEEDS, 0 } },
    { "/digest.json", { web_feed_digest_json, WEB_G_FEEDS, 0 } },
    { "/api/v1/events", { web_api_events, WEB_G_API, 0 } },
    { "/api/v1/guides", { web_api_guides, WEB_G_API, 0 } },
    { "/api/v1/sources", { web_api_sources, WEB_G_API, 0 } },
    { "/api/v1/search", { web_api_search, WEB_G_API, 0 } },
    { "/api/v1/entities", { web_api_entities, WEB_G_API, 0 } },
    { "/api/v1/learn", { web_api_learn, WEB_G_API, 0 } },
    { "/api/v1/openapi.json", { web_api_openapi, WEB_G_API, 0 } },
    /* The server's own state: a load balancer asks /healthz often and
     * kills what does not answer, so it must never wait behind renders. */
    { "/healthz", { web_status_healthz, WEB_G_HEALTH, 1 } },
    { "/metrics", { web_status_metrics, WEB_G_METRICS, 1 } },
};

static const struct {
    const char *prefix;
    struct web_route r;
} prefixed[] = {
    { "/events/", { web_page_event, WEB_G_PAGES, 0 } },
    { "/digest/", { web_page_digest, WEB_G_PAGES, 0 } },
    { "/guides/", { web_page_guide, WEB_G_PAGES, 0 } },
    { "/sources/", { web_page_source, WEB_G_PAGES, 0 } },
    { "/api/v1/events/", { web_api_event, WEB_G_API, 0 } },
    { "/api/v1/guides/", { web_api_guide, WEB_G_API, 0 } },
    { "/api/v1/sources/", { web_api_source, WEB_G_API, 0 } },
    { "/entities/", { web_page_entity, WEB_G_PAGES, 0 } },
    { "/stories/", { web_page_story, WEB_G_PAGES, 0 } },
    { "/learn/", { web_page_learn_path, WEB_G_PAGES, 0 } },
    { "/api/v1/entities/", { web_api_entity, WEB_G_API, 0 } },
    { "/api/v1/stories/", { web_api_story, WEB_G_API, 0 } },
    { "/api/v1/learn/", { web_api_learn_path, WEB_G_API, 0 } },
};

/*
 * Writes, behind Authorization: Bearer TOKEN (server.c): a path pattern
 * ('*' is one path segment), its methods (Allow for a 405), and per method
 * its handler and the largest body it takes (0: none).
 */
#define JSON_BODY_MAX ((size_t)64 << 10)
#define OPML_BODY_MAX ((size_t)4 << 20)

static const struct {
    const char *pattern, *allow;
    const char *method;
    web_handler *fn;
    size_t body_max;
} writes[] = {
    { "/api/v1/fetch", "POST", "POST", web_api_fetch, 0 },
    { "/api/v1/sources", "GET, HEAD, POST", "POST", web_api_source_add, JSON_BODY_MAX },
    { "/api/v1/sources/*", "GET, HEAD, PUT, PATCH, DELETE", "PUT", web_api_source_put,
      JSON_BODY_MAX },
    { "/api/v1/sources/*", "GET, HEAD, PUT, PATCH, DELETE", "PATCH", web_api_source_put,
      JSON_BODY_MAX },
    { "/api/v1/sources/*", "GET, HEAD, PUT, PATCH, DELETE", "DELETE", web_api_source_delete, 0 },
    { "/api/v1/sources/*/fetch", "POST", "POST", web_api_source_fetch, 0 },
    { "/api/v1/opml", "POST", "POST", web_api_opml, OPML_BODY_MAX },
    { "/api/v1/alerts/rules", "GET, HEAD, POST", "GET", web_api_rules, 0 },
    { "/api/v1/alerts/rules", "GET, HEAD, POST", "HEAD", web_api_rules, 0 },
    { "/api/v1/alerts/rules", "GET, HEAD, POST", "POST", web_api_rule_add, JSON_BODY_MAX },
    { "/api/v1/alerts/rules/*", "GET, HEAD, DELETE", "GET", web_api_rule, 0 },
    { "/api/v1/alerts/rules/*", "GET, HEAD, DELETE", "HEAD", web_api_rule, 0 },
    { "/api/v1/alerts/rules/*", "GET, HEAD, DELETE", "DELETE", web_api_rule_delete, 0 },
};

/* path matches pattern, whose '*' is one non-empty segment. */
static int
matches(const char *pattern, const char *path)
{
    while (*pattern) {
        if (*pattern == '*') {
            size_t n = strcspn(path, "/");
            if (n == 0)
                return 0;
            path += n;
            pattern++;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *path == '\0';
}

web_handler *
web_write_route(const char *path, const char *method, const char **allow, size_t *body_max)
{
    *allow = NULL;
    *body_max = 0;
    for (size_t i = 0; path && i < LEN(writes); i++) {
        if (!matches(writes[i].pattern, path))
            continue;
        *allow = writes[i].allow;
        if (method && strcmp(method, writes[i].method) == 0) {
            *body_max = writes[i].body_max;
            return writes[i].fn;
        }
    }
    return NULL;
}

/* The group of a path no route takes. */
static enum web_group
group_of(const char *path)
{
    size_t n = strlen(path);

    if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
        return WEB_G_API;
    if (strncmp(path, "/feed", 5) == 0 || (n > 5 && strcmp(path + n - 5, ".atom") == 0) ||
        (n > 10 && strcmp(path + n - 10, "/feed.json") == 0))
        return WEB_G_FEEDS;
    return WEB_G_PAGES;
}

struct web_route
web_route(const char *path)
{
    struct web_route none = { NULL, WEB_G_PAGES, 0 };

    if (path == NULL)
        return none;
    for (size_t i = 0; i < LEN(exact); i++)
        if (strcmp(path, exact[i].path) == 0)
            return exact[i].r;
    for (size_t i = 0; i < LEN(prefixed); i++) {
        size_t n = strlen(prefixed[i].prefix);
        /* One segment after the prefix: "/events/1/x" is nobody's. */
        if (strncmp(path, prefixed[i].prefix, n) == 0 && path[n] != '\0' &&
            strchr(path + n, '/') == NULL)
            return prefixed[i].r;
    }
    none.group = group_of(path);
    return none;
}

void
web_error_page(const struct web_ctx *ctx, const char *path, int status,
               struct web_response *resp)
{
    if (path && (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)) {
        web_api_error(resp, status, NULL);
        return;
    }
    render_error_page(ctx, status, NULL, resp);
}
