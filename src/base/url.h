/*
 * url.h - resolving, canonicalizing and taking apart URLs.
 *
 * Works on bytes: IRIs and percent-escapes pass through untouched, nothing
 * is decoded or validated beyond what a function needs. Strings returned
 * are new allocations the caller frees with free(); arguments are
 * borrowed. Functions that can fail return ALM_OK or a negative ALM_E*.
 */
#ifndef ALMANAC_URL_H
#define ALMANAC_URL_H

#include <stddef.h>

#include "base/err.h"

/*
 * Resolves ref against base (RFC 3986 section 5.2, strict), by libcurl's
 * URL API; the bytes of both come out as written (curl's escaping is
 * undone). Surrounding ASCII whitespace is trimmed from both. If base is
 * NULL or empty, or ref has a scheme, or curl refuses the pair, the result
 * is ref as written (trimmed). NULL ref: NULL.
 */
char *url_resolve(const char *base, const char *ref);

/* 1 when s starts with a valid scheme and ':' ("http:", "mailto:"), else 0. */
int url_is_absolute(const char *s);

/*
 * The identity form of an http(s) URL, used to spot the same item twice:
 * scheme and host lower-cased, userinfo, default port and fragment
 * dropped, dot segments removed, empty path made "/", tracking query
 * parameters (utm_*, fbclid, gclid...) removed, the rest kept in order,
 * raw spaces written %20. Path and query keep their case. NULL if url is
 * not an absolute http(s) URL or holds ASCII control characters.
 */
char *url_canonical(const char *url);

/*
 * Copies the host of an absolute URL into out, lower-cased, without port,
 * userinfo or IPv6 brackets. ALM_EINVAL when there is no host,
 * ALM_ETOOBIG when it does not fit in outlen bytes with its NUL.
 */
int url_host(const char *url, char *out, size_t outlen);

/*
 * A slug of title: lower-case ASCII letters and digits, every run of
 * anything else one '-', none leading or trailing, at most maxlen bytes
 * (cut at a '-' when one is near). Non-ASCII letters are dropped, non-ASCII
 * punctuation and spaces separate. NULL title gives "".
 */
char *url_slugify(const char *title, size_t maxlen);

#endif
