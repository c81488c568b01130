/*
 * rows.h - a feed's entries made ready to store (struct store_rows).
 *
 * Everything the store writes for an entry that does not need the database:
 * its identity (guid, else canonical URL, else a hash of title and date),
 * the absolute web link and its canonical form, a hash of the content that
 * tells a changed entry from an unchanged one, the sanitized summary and
 * content HTML, the plain text and the categories as JSON. Pure computation
 * on borrowed input, so it runs on any thread: the ingest prepares the next
 * feed while the previous one is being written, and every backend stores
 * exactly the same thing.
 */
#ifndef ALMANAC_INGEST_ROWS_H
#define ALMANAC_INGEST_ROWS_H

#include <stddef.h>
#include <time.h>

#include "parse/feed.h"
#include "store/store_ingest.h"

/*
 * How far past the fetch time an entry's date may be and still be taken
 * as written: clocks and time zones go wrong by hours, not by more. A
 * later date (9999, 2100, next week) would keep the item first on every
 * page and feed until then: it is replaced by the fetch time, and the
 * date the feed claimed is kept beside it (store_row.claimed).
 */
#define ROWS_FUTURE_SKEW 86400

/*
 * Prepares every entry of f. feed_url resolves relative links; an undated
 * entry takes the feed's own date, else now, so it neither jumps to the top
 * nor sinks to 1970; a date later than now + ROWS_FUTURE_SKEW becomes now
 * (the claim kept in claimed). The rows borrow strings from f: f must
 * outlive them. Never fails (allocation failure aborts, as elsewhere).
 */
void ingest_rows_prepare(struct store_rows *out, const struct feed *f, const char *feed_url,
                         time_t now);
/* Frees what ingest_rows_prepare allocated; r may be NULL or finished. */
void ingest_rows_fini(struct store_rows *r);

#endif
