/*
 * timefmt.h - the times Almanac writes: RFC 3339 for data (API, feeds, the
 * CLI's JSON), IMF-fixdate for HTTP headers, and relative ages for people.
 * No locale, no TZ, no strftime; what reads feed dates is parse/date.h.
 */
#ifndef ALMANAC_TIMEFMT_H
#define ALMANAC_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/*
 * Writes "YYYY-MM-DDTHH:MM:SSZ" and a NUL. Times outside years 0001..9999
 * are clamped to that range so the text always fits.
 */
void timefmt_rfc3339(time_t t, char out[21]);

/* Writes an IMF-fixdate for HTTP, "Sun, 06 Nov 1994 08:49:37 GMT", and a NUL. */
void timefmt_http(time_t t, char out[30]);

/* How long ago t was, as the seed shows it: "5m ago", "34h ago", "11d ago",
 * "1mo ago", "2y ago" (never negative). */
void timefmt_age(time_t now, time_t t, char *out, size_t n);

#endif
