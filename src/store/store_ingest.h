/*
 * store_ingest.h - what ingest keeps: sources and their fetch log, the
 * rows of a feed, linked articles and robots.txt.
 */
#ifndef ALMANAC_STORE_INGEST_H
#define ALMANAC_STORE_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/config.h"
#include "store/store.h"

/* ---- sources ---- */

/* What the store remembers of a source between runs. */
struct source_state {
    int64_t id;
    char *slug;
    char *feed_url;       /* after permanent redirects; may differ from the config */
    char *etag, *last_modified;
    time_t next_due;      /* 0: due now */
    int failures;         /* consecutive */
    time_t last_fetch, last_success;
    long last_status;
    char *last_error;
    int64_t items;        /* stored items */
    /* linked articles: fetched and extracted, failing (or refused by
     * robots.txt), and the newest failure's reason (NULL: none) */
    int64_t articles_ok, articles_failed;
    char *article_error;
};
void source_state_fini(struct source_state *s);

/* Inserts or updates the source row from the configuration. */
int store_sync_source(struct store *st, const struct source *src, int64_t *id_out);

/* ALM_ENOTFOUND when the slug was never synced. */
int store_get_source(struct store *st, const char *slug, struct source_state *out);

/* One fetch attempt, to log and to fold into the source's state. */
struct fetch_record {
    time_t started;
    long status;          /* HTTP status, 0 when none */
    int ok, not_modified;
    size_t bytes;
    double duration;      /* seconds */
    int new_items, updated_items;
    const char *error;    /* NULL on success */
    const char *etag, *last_modified; /* validators to keep (NULL keeps the old) */
    const char *permanent_url;        /* store as the new feed URL */
    time_t next_due;
};
int store_record_fetch(struct store *st, int64_t source_id, const struct fetch_record *r);

/* ---- items ---- */

struct put_stats {
    int new_items, updated_items, unchanged;
};

/*
 * One feed entry ready to store, prepared without the database by
 * ingest/rows.c: its identity ("g:guid", "u:canonical URL" or "h:hash"),
 * absolute link and canonical form, content hash, sanitized HTML, plain
 * text and categories as JSON. The store only reads it. The const strings
 * are borrowed from the parsed feed; the others belong to the row's owner.
 */
struct store_row {
    const char *guid, *title, *author, *image; /* borrowed, may be NULL */
    time_t updated;
    int has_updated;
    char *url;                  /* absolute http(s) link, or NULL */
    char *canon;                /* its canonical form (identity, dedup), or NULL */
    char *ident;
    char *hash;                 /* content hash, hex */
    char *summary, *content;    /* sanitized HTML, or NULL */
    char *text;                 /* plain text of the content, else of the summary */
    char *cats;                 /* JSON array of the categories */
    time_t date;                /* published, else updated; never far in the future */
    int has_date;               /* 0: a new row takes store_rows.undated, a changed
                                 * one keeps the date it has */
    time_t claimed;             /* the feed's date when it was replaced by the fetch
                                 * time for being in the future, else 0 */
};

/* A feed's rows, in the feed's order. */
struct store_rows {
    struct store_row *v;
    size_t n;
    int duplicates; /* entries listed twice in the feed (the first is kept) */
    time_t undated; /* the date an undated entry takes when it is new */
};

/*
 * Stores every row for the source, in one transaction: the same feed twice
 * adds nothing, a changed entry is updated in place (identity: the row's
 * ident). Entries listed twice count as unchanged.
 */
int store_put_rows(struct store *st, int64_t source_id, const struct store_rows *rows,
                   time_t now, struct put_stats *stats);

/* ---- linked articles ---- */

/* An item whose linked article may be fetched now, as store_articles_due
 * hands it over (borrowed for the call). */
struct article_due {
    int64_t item_id, source_id;
    const char *slug;          /* the item's source */
    const char *url;           /* the item's link */
    const char *text;          /* the feed's plain text, may be NULL */
    const char *etag, *last_modified; /* of the last fetch, may be NULL */
    int attempts;              /* failed attempts so far */
    int known;                 /* it has an articles row (a retry or a refresh) */
};

/*
 * Items first seen at or after since, with an http(s) link, whose article
 * was never tried, or failed fewer than max_attempts times and is due again
 * (next_try <= now), or was fetched before the feed changed the entry (a
 * refresh: the etag and last_modified of that fetch come along); newest
 * first. fn returns non-zero to stop.
 */
int store_articles_due(struct store *st, time_t since, time_t now, int max_attempts,
                       int (*fn)(const struct article_due *a, void *arg), void *arg);

/* One article fetch to record. */
struct article_record {
    int ok;                    /* extracted: text is the article's */
    int not_modified;          /* 304: keep the stored text (ok must be set) */
    const char *url;           /* the link fetched */
    const char *text;          /* ok: the main text */
    const char *hash;          /* ok: of text, hex */
    const char *etag, *last_modified;
    long status;
    size_t bytes;
    const char *error;         /* !ok: why */
    time_t tried;              /* when */
    time_t next_try;           /* !ok: when to try again */
};

/* Records a fetch for the item (one transaction): an extracted article
 * replaces items.article_text and its full-text row; a failure counts an
 * attempt and keeps any text from before. */
int store_put_article(struct store *st, int64_t item_id, int64_t source_id,
                      const struct article_record *r);

/* A host's robots.txt as last read: ALM_OK with *rules (NULL: the host has
 * none; free it) and *fetched, or ALM_ENOTFOUND. origin is "https://host:port". */
int store_get_robots(struct store *st, const char *origin, char **rules, time_t *fetched);

/* Keeps a host's robots.txt (rules NULL: none). */
int store_put_robots(struct store *st, const char *origin, const char *rules, time_t fetched);

/* ---- leases: workers that share the sources (leases.c) ----
 *
 * Any number of `almanac ingest --worker` processes, on any machines, share
 * one store's sources by leases: a worker claims due sources for a while,
 * fetches and records them, and gives each back; its heartbeat extends what
 * it holds. A worker that dies holds its sources until the lease runs out,
 * then another claims them. Times are the wall clock's (time()).
 */

/*
 * Claims at most max enabled sources that are due (next_due <= now) and
 * held by nobody (no lease, or an expired one), the longest due first, for
 * worker until now + lease_secs; their ids into ids[], the count into *n.
 * Atomic across processes and machines: a source has one holder at a time.
 */
int store_claim_sources(struct store *st, const char *worker, time_t now, int lease_secs,
                        int max, int64_t *ids, int *n);
/* The heartbeat: every lease worker holds runs until now + lease_secs. */
int store_renew_leases(struct store *st, const char *worker, time_t now, int lease_secs);
/* Gives source id back if worker still holds it (one that expired and was
 * claimed by another stays the other's). */
int store_release_source(struct store *st, const char *worker, int64_t id);
/*
 * A named lease for work one worker does at a time (the analysis): ALM_OK
 * when worker holds name until now + lease_secs (taken, renewed, or taken
 * over after it expired), ALM_EDENIED while another holds it.
 */
int store_take_lease(struct store *st, const char *name, const char *worker, time_t now,
                     int lease_secs);
/* Gives the named lease back if worker holds it. */
int store_drop_lease(struct store *st, const char *name, const char *worker);


#endif
