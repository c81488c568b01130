/*
 * ingest.h - the pipeline's first three steps as one stage: fetch -> parse
 * -> prepare -> store, for the due sources of a configuration.
 *
 * Transfers run concurrently (fetch_run); each finished transfer is parsed
 * and its rows prepared (ingest/rows.h) on the calling thread, then handed
 * through a queue of one feed to a writer thread, the only user of the
 * store while transfers run, which stores it in its own transaction and
 * logs the attempt. One broken source never stops the others; a kill loses
 * at most the feeds in flight (neither they nor their fetches were
 * committed, so the next run takes them again). Failures back off
 * exponentially (5 min doubling, at most a day, never sooner than a
 * server's Retry-After). A full disk is not the source's failure: the run
 * stores nothing after the first one and logs nothing for what it did not
 * store.
 *
 * The stage prints nothing: what happens to each transfer is handed to the
 * caller's progress function (from the writer thread, one at a time, in
 * the order the transfers are stored), and the totals come back in
 * struct ingest_result. Analysis of what changed is the caller's next step.
 */
#ifndef ALMANAC_INGEST_H
#define ALMANAC_INGEST_H

#include <stddef.h>
#include <time.h>

#include "base/config.h"
#include "ingest/articles.h"
#include "parse/feed.h"
#include "store/store_ingest.h"

struct ingest_options {
    const char *const *only; /* source slugs: only these (each must be in the config) */
    size_t nonly;            /* 0: every enabled source */
    int snapshot;            /* the sources' bundled snapshot files, not their feeds */
    int force_all;           /* every chosen source now, due or not */
    int force_named;         /* the sources in only[] now, due or not */
    int allow_local_all;     /* every source may reach local addresses */
    time_t now;              /* the fetch time rows are stamped with (ALMANAC_NOW) */
    /* Worker mode (not with only[] or snapshot): the due sources are claimed
     * from the store under this worker's name, lease_secs at a time, batch by
     * batch until none is left, so that several workers share them (store.h,
     * "leases"). */
    const char *worker;
    int lease_secs;
};

enum ingest_outcome {
    INGEST_STORED,        /* fetched, parsed and stored (counts in the report) */
    INGEST_NOT_MODIFIED,  /* 304: nothing to store */
    INGEST_FAILED,        /* fetch, parse or store failed (error says which) */
    INGEST_STORE_FULL,    /* the disk filled up storing this one: the run stops storing */
    INGEST_NOT_STORED,    /* the disk was already full: dropped unlogged */
    INGEST_PLAN_FAILED,   /* before any transfer: the store failed for this source */
};

/* One transfer's fate, borrowed for the progress call only. */
struct ingest_report {
    enum ingest_outcome outcome;
    const char *slug;
    const char *error;       /* FAILED, STORE_FULL, PLAN_FAILED; else NULL */
    const char *log_error;   /* storing worked but logging the fetch failed, else NULL */
    long status;
    size_t bytes;
    double duration;
    struct put_stats stats;
    /* the run so far */
    size_t done, total;
    int succeeded, failed;
    long long new_items;
};

struct ingest_progress {
    void (*report)(const struct ingest_report *r, void *arg);
    void *arg;
};

struct ingest_result {
    size_t fetches;          /* transfers planned (0: nothing was due) */
    int succeeded, failed;
    int unplanned;           /* sources the store failed to plan */
    int foreign;             /* worker: claimed sources this configuration lacks (left
                              * to their lease's end for a worker that has them) */
    long long new_items, updated_items;
    size_t unstored;         /* feeds not stored because the disk was full */
    int full;                /* the disk filled up */
    char full_why[256];      /* the store's message then */
    /* the linked articles fetched after the feeds (never for snapshots) */
    struct articles_result articles;
};

/*
 * Ingests the chosen sources of cfg into st. ALM_OK when the run went
 * through (sources may still have failed: see out); ALM_ENOSPC when the
 * disk was full before anything was fetched (out->full_why says why);
 * ALM_ENOTFOUND for a slug in only[] that cfg does not have; ALM_EIO when
 * the writer thread cannot start.
 */
int ingest_run(const struct config *cfg, struct store *st, const struct ingest_options *o,
               const struct ingest_progress *progress, struct ingest_result *out);

/* ingest_rows_prepare(f, feed_url) and store_put_rows in one call, for one
 * feed already parsed (tests, tools). */
int ingest_put_feed(struct store *st, int64_t source_id, const struct feed *f,
                    const char *feed_url, time_t now, struct put_stats *stats);

#endif
