/*
 * digest.h - a day's or a week's top events, as the CLI writes them
 * (Markdown, HTML) and the site shows them (/digest/2026-11-27,
 * /digest/2026-W48): the periods, their names and neighbours, and the
 * writers.
 */
#ifndef ALMANAC_PRESENT_DIGEST_H
#define ALMANAC_PRESENT_DIGEST_H

#include <time.h>

#include "base/buf.h"
#include "store/store.h"

#define DIGEST_TOP 10             /* events in a digest */

struct digest_period {
    int week;                     /* 0: a day (UTC), 1: an ISO 8601 week, Monday first */
    time_t start, end;            /* [start, end) */
    char name[16];                /* "2026-11-27" or "2026-W48" */
};

/*
 * A period from its name: "2026-11-27" (a day) or "2026-W48" (an ISO week,
 * 01 to 52 or 53). ALM_OK, or ALM_EINVAL for anything else.
 */
int digest_period_parse(const char *name, struct digest_period *out);
/* The day or the ISO week that holds t. */
void digest_period_of(time_t t, int week, struct digest_period *out);
/* The period before (dir < 0) or after (dir > 0) p. */
void digest_period_next(const struct digest_period *p, int dir, struct digest_period *out);
/* "27 November 2026" or "Week 48 of 2026 (23-29 November)". */
void digest_period_title(const struct digest_period *p, char *out, size_t n);

/* The period's top events, by score then date: fn per event (borrowed). */
int digest_events(struct store *st, const struct digest_period *p,
                  int (*fn)(const struct event *e, void *arg), void *arg);

/*
 * The digest as Markdown (html 0), as a standalone HTML document (html
 * 1) or as an HTML fragment, the list alone (html 2, for feed entries): each event with its score, source, summary and link, its story's
 * other reports and its guides. base: the site's URL for event links
 * ("http://127.0.0.1:8080"), or NULL for none. ALM_OK or the store's error.
 */
int digest_write(struct store *st, const struct digest_period *p, const char *base, int html,
                 struct buf *out);

#endif
