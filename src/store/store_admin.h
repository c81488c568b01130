/*
 * store_admin.h - the store as its operator sees it: the schema's version,
 * an online backup, an integrity check, pruning old items, and counts of
 * the whole store (almanac's maintenance commands, the status page).
 */
#ifndef ALMANAC_STORE_ADMIN_H
#define ALMANAC_STORE_ADMIN_H

#include <stdint.h>
#include <time.h>

#include "store/store.h"

int store_schema_version(struct store *st);

/* The schema version this build creates and migrates to. */
int store_schema_latest(struct store *st);

/* ---- maintenance (maintain.c) ---- */

/*
 * An online, consistent copy of the database into path through SQLite's
 * backup API: the database as it was when the copy began, taken while
 * others write (one read transaction; locks another process holds are
 * waited for, 30 s at most). Written to PATH.tmp, then renamed to path.
 * ALM_EDENIED when path exists and overwrite is 0; ALM_ENOSPC, ALM_EIO or
 * ALM_ESTORE otherwise, with the reason in store_error(). PATH.tmp never
 * stays behind after a failure.
 */
int store_backup(struct store *st, const char *path, int overwrite);

/* PRAGMA quick_check: ALM_OK when it says "ok"; its first line goes to
 * result (len bytes) either way. */
int store_quick_check(struct store *st, char *result, size_t len);

/* What store_prune removed (or would remove). */
struct prune_stats {
    int64_t items, events;  /* removed */
    int64_t kept;           /* older than the cutoff, kept because cited */
};

/*
 * Removes the items published (else first seen) before `before`, with
 * their events, except those of a story any of whose events is newer or has
 * joined a guide (a guide's timeline shows every event that joined it): a
 * story goes whole or stays whole. Other events' related lists lose the
 * removed events; stories left without events go. One transaction; with
 * dry_run only counts.
 */
int store_prune(struct store *st, time_t before, int dry_run, struct prune_stats *out);

/* The newest first_seen of any item into *out (0: no items). */
int store_newest_first_seen(struct store *st, time_t *out);

/* ---- counts ---- */

/* Fetch attempts that failed, over the whole log, into *out. */
int store_count_fetch_errors(struct store *st, int64_t *out);

/* Items stored for the source (every source when source_id is 0), into *out. */
int store_count_items(struct store *st, int64_t source_id, int64_t *out);

/* Analysed events, into *out. */
int store_count_events(struct store *st, int64_t *out);

/* ---- moving to PostgreSQL (migrate.c) ---- */

/* Called after each table is copied, with the rows it got. */
typedef void (*store_copy_progress)(const char *table, int64_t rows, void *arg);

/*
 * Copies the almanac `from` (a SQLite store) into the empty PostgreSQL
 * database dsn names, losslessly: every table, ids kept, identity sequences
 * moved past the largest id, search vectors filled by the target's
 * generated column; one transaction on the target (all or nothing), one
 * read transaction on the source; each table's rows counted on both sides
 * before the commit. progress (may be NULL) hears of each table in
 * foreign-key order. ALM_ENOTSUP when from is not SQLite (from's message
 * is then untouched); ALM_EDENIED when the target holds any row;
 * ALM_EINVAL when dsn is not a PostgreSQL DSN; ALM_ESTORE (ALM_ENOSPC,
 * ALM_ETOOBIG) otherwise. Other failures' reasons are in store_error(from).
 */
int store_copy_to(struct store *from, const char *dsn, store_copy_progress progress, void *arg);

#endif
