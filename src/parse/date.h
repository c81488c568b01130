/*
 * date.h - parses the dates feeds carry and formats the ones we emit.
 *
 * date_parse() accepts RFC 822/1123/2822 dates with the usual damage
 * (named or numeric zones, 2-digit years, missing seconds or weekday,
 * full and localized month names, trailing comments) and ISO 8601 /
 * W3C-DTF / RFC 3339 dates, and returns UTC seconds. It uses no locale,
 * no strptime and no timegm: the arithmetic is done here, so years are
 * limited to 1000..9999 and nothing can overflow.
 * Functions return ALM_OK or ALM_EINVAL; the result is set only on success.
 */
#ifndef ALMANAC_DATE_H
#define ALMANAC_DATE_H

#include <time.h>

#include "base/err.h"

/* Parses s (NUL-terminated) into seconds since the epoch, UTC. */
int date_parse(const char *s, time_t *out);

/*
 * Writes "YYYY-MM-DDTHH:MM:SSZ" and a NUL. Times outside years 0001..9999
 * are clamped to that range so the text always fits.
 */
void date_format_rfc3339(time_t t, char out[21]);

/* Writes an IMF-fixdate for HTTP, "Sun, 06 Nov 1994 08:49:37 GMT", and a NUL. */
void date_format_http(time_t t, char out[30]);

/* How long ago t was, as the seed shows it: "5m ago", "34h ago", "11d ago",
 * "1mo ago", "2y ago" (never negative). */
void date_relative(time_t now, time_t t, char *out, size_t n);

#endif
