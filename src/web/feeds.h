/*
 * feeds.h - the site's own feeds: /feed.atom (Atom 1.0, RFC 4287) and
 * /feed.json (JSON Feed 1.1), the 50 newest events that the pages'
 * filters select, so a reader can follow /feed.atom?min=7&guide=SLUG.
 */
#ifndef ALMANAC_FEEDS_H
#define ALMANAC_FEEDS_H

#include "base/buf.h"
#include "web/request.h"

#define FEED_ITEMS 50

int web_feed_atom(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);
int web_feed_json(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp);

/*
 * Appends s (n bytes) escaped for XML text and attribute values. Bytes XML
 * 1.0 forbids (C0 controls but tab, LF and CR; invalid UTF-8; U+FFFE and
 * U+FFFF) are dropped, so the document stays well-formed.
 */
void feeds_append_xml(struct buf *b, const char *s, size_t n);

/* /digest.atom and /digest.json (feed_digest.c): the last complete days'
 * digests, or weeks' with ?period=week. */
int web_feed_digest_atom(const struct web_ctx *ctx, const struct web_request *req,
                         struct web_response *resp);
int web_feed_digest_json(const struct web_ctx *ctx, const struct web_request *req,
                         struct web_response *resp);

#endif
