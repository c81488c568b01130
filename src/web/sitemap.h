/*
 * sitemap.h - "/sitemap.xml": the site's pages for crawlers (sitemaps.org
 * 0.9): the lists, every guide, source, learning path and entity with
 * events, and every
 * story of two reports or more (newest first), at most 50,000 URLs.
 */
#ifndef ALMANAC_WEB_SITEMAP_H
#define ALMANAC_WEB_SITEMAP_H

#include "web/request.h"

#define SITEMAP_MAX_URLS 50000

int web_sitemap(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp);

#endif
