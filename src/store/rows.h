/*
 * rows.h - a feed's entries made ready to store.
 *
 * Everything a backend writes for an entry that does not need the database:
 * its identity (guid, else canonical URL, else a hash of title and date),
 * the absolute web link and its canonical form, a hash of the content that
 * tells a changed entry from an unchanged one, the sanitized summary and
 * content HTML, the plain text and the categories as JSON. Pure computation
 * on borrowed input, so it runs on any thread: `ingest` prepares the next
 * feed while the previous one is being written, and every backend stores
 * exactly the same thing.
 */
#ifndef ALMANAC_ROWS_H
#define ALMANAC_ROWS_H

#include <stddef.h>
#include <time.h>

#include "parse/feed.h"

/*
 * How far past the fetch time an entry's date may be and still be taken
 * as written: clocks and time zones go wrong by hours, not by more. A
 * later date (9999, 2100, next week) would keep the item first on every
 * page and feed until then: it is replaced by the fetch time, and the
 * date the feed claimed is kept beside it.
 */
#define ROWS_FUTURE_SKEW 86400

struct entry_row {
    const struct feed_entry *e; /* borrowed: the feed must outlive the rows */
    char *url;                  /* absolute http(s) link, or NULL */
    char *canon;                /* its canonical form (identity, dedup), or NULL */
    char *ident;                /* "g:guid", "u:canonical URL" or "h:hash" */
    char *hash;                 /* content hash, hex */
    char *summary, *content;    /* sanitized HTML, or NULL */
    char *text;                 /* plain text of the content, else of the summary */
    char *cats;                 /* JSON array of the categories */
    time_t date;                /* published, else updated; never past now + skew */
    int has_date;               /* 0: a new row takes feed_rows.undated, a changed
                                 * one keeps the date it has */
    time_t claimed;             /* the feed's date when it was later than now plus
                                 * ROWS_FUTURE_SKEW (date is then now), else 0 */
};

struct feed_rows {
    struct entry_row *v;
    size_t n;
    int duplicates; /* entries listed twice in the feed (the first is kept) */
    time_t undated; /* the date an undated entry takes when it is new */
};

/*
 * Prepares every entry of f. feed_url resolves relative links; an undated
 * entry takes the feed's own date, else now, so it neither jumps to the top
 * nor sinks to 1970; a date later than now + ROWS_FUTURE_SKEW becomes now
 * (the claim kept in claimed). Never fails (allocation failure aborts, as
 * elsewhere).
 */
void feed_rows_prepare(struct feed_rows *out, const struct feed *f, const char *feed_url,
                       time_t now);
void feed_rows_fini(struct feed_rows *r);

#endif
