/*
 * date.h - parses the dates feeds carry (writing times is base/timefmt.h).
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

#endif
