/*
 * style.h - the site's one style sheet, its handler and its versioned URL.
 */
#ifndef ALMANAC_WEB_STYLE_H
#define ALMANAC_WEB_STYLE_H

#include "web/request.h"

/* "/static/style.css" (style.c): a year's max-age when ?v= is the current version. */
int web_page_style(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp);
/* The style sheet's versioned URL, "/static/style.css?v=HASH". */
void web_style_href(char out[64]);
/* The style sheet itself. */
extern const char web_style_css[];

#endif
