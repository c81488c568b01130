/*
 * routes.c - the table of content routes: which handler answers a path,
 * and the site's error page.
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

static const struct {
    const char *path;
    web_handler *fn;
} exact[] = {
    { "/", web_page_events },
    { "/top", web_page_top },
    { "/guides", web_page_guides },
    { "/sources", web_page_sources },
    { "/search", web_page_search },
    { "/static/style.css", web_page_style },
    { "/feed.atom", web_feed_atom },
    { "/feed.json", web_feed_json },
    { "/api/v1/events", web_api_events },
    { "/api/v1/guides", web_api_guides },
    { "/api/v1/sources", web_api_sources },
    { "/api/v1/search", web_api_search },
};

static const struct {
    const char *prefix;
    web_handler *fn;
} prefixed[] = {
    { "/events/", web_page_event },
    { "/guides/", web_page_guide },
    { "/sources/", web_page_source },
    { "/api/v1/events/", web_api_event },
    { "/api/v1/guides/", web_api_guide },
    { "/api/v1/sources/", web_api_source },
};

web_handler *
web_route(const char *path)
{
    if (path == NULL)
        return NULL;
    for (size_t i = 0; i < LEN(exact); i++)
        if (strcmp(path, exact[i].path) == 0)
            return exact[i].fn;
    for (size_t i = 0; i < LEN(prefixed); i++) {
        size_t n = strlen(prefixed[i].prefix);
        /* One segment after the prefix: "/events/1/x" is nobody's. */
        if (strncmp(path, prefixed[i].prefix, n) == 0 && path[n] != '\0' &&
            strchr(path + n, '/') == NULL)
            return prefixed[i].fn;
    }
    return NULL;
}

void
web_error_page(const struct web_ctx *ctx, int status, struct web_response *resp)
{
    render_error_page(ctx, status, NULL, resp);
}
