/*
 * store.h - keeps sources, items and the fetch log.
 *
 * One narrow interface so that a PostgreSQL backend can follow without
 * touching its callers: nobody outside src/store sees SQL or a handle.
 * Strings handed back belong to the caller (free with the matching _free
 * or _fini); arguments are borrowed. Functions return ALM_OK or a
 * negative ALM_E*; the last database message is in store_error().
 */
#ifndef ALMANAC_STORE_H
#define ALMANAC_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/config.h"

struct store;

/* dsn is a file path, or "sqlite:PATH". Creates and migrates the schema.
 * Creation and migration wait (10 s at most) for another process doing the
 * same: two commands may start together on a new or older database. */
int store_open(const char *dsn, struct store **out, char *err, size_t errlen);
/* The same database for reading only (the web server's threads): no
 * migration, query_only; fails unless the schema is current, or becomes
 * current within 10 s (another process's migration in progress). */
int store_open_readonly(const char *dsn, struct store **out, char *err, size_t errlen);
void store_close(struct store *st);

/*
 * Bounds what a reader can make st do: from this call on, any query that runs
 * past ms milliseconds is interrupted and its function returns ALM_ETIME
 * (ms <= 0 lifts the bound). The web arms it at the start of each request, so
 * no request, however its search or page is shaped, holds a thread longer.
 * store_timed_out() tells whether the last interruption was this one.
 */
void store_arm_budget(struct store *st, int ms);
int store_timed_out(const struct store *st);
/* The last error message of this connection (borrowed). */
const char *store_error(const struct store *st);
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

/* Fetch attempts that failed, over the whole log, into *out. */
int store_count_fetch_errors(struct store *st, int64_t *out);

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

/* An item as read back. */
struct item {
    int64_t id, source_id;
    char *source_slug, *source_name, *source_author, *source_kind;
    int tier;
    char *ident, *guid, *url, *title, *author;
    time_t published;     /* the feed's date, else first seen */
    time_t first_seen;
    char *summary_html, *content_html, *text, *image;
    char *article_text;   /* the linked article's main text; only
                           * store_items_to_analyze reads it, else NULL */
    char *categories;     /* the feed's categories, a JSON array of strings;
                           * only store_items_to_analyze reads it, else NULL */
};
void item_free(struct item *it);
/* Frees the fields of an item that is not itself on the heap. */
void item_fini(struct item *it);

int store_get_item(struct store *st, int64_t id, struct item **out);
/* The date the item's feed claimed when it was too far in the future to
 * be taken (its published date is then the fetch time), else 0;
 * ALM_ENOTFOUND when there is no such item. */
int store_item_claimed(struct store *st, int64_t id, time_t *claimed);
/* Items stored for the source (every source when source_id is 0), into *out. */
int store_count_items(struct store *st, int64_t source_id, int64_t *out);

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

/* ---- transactions around many writes ---- */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* ---- events: what analysis made of an item ---- */

/* Items whose event is missing or older than the item (all with rebuild),
 * oldest first; fn gets the item and its content hash. */
int store_items_to_analyze(struct store *st, int rebuild,
                           int (*fn)(const struct item *it, const char *hash, void *arg),
                           void *arg);

struct event_entity {
    const char *name, *kind;
    int mentions, in_title;
};

struct event_guide {
    const char *slug;
    double weight;
};

struct event_rec {
    int64_t id;               /* the item's id */
    int score;                /* 1..10 */
    const char *kind;
    const char *summary;
    int64_t story_id;         /* the id of the story's first event */
    const char *reasons_json; /* [{"points":N,"text":"..."}, ...] */
    const char *content_hash; /* the item version analysed; NULL keeps the stored one */
    uint64_t simhash;         /* of the title's shingles, for story clustering */
    const uint64_t *terms;    /* kept so the related index reloads fast */
    size_t nterms;
    const struct event_entity *entities;
    size_t nentities;
    const struct event_guide *guides;
    size_t nguides;
    char *const *candidates;  /* unknown capitalised names */
    size_t ncandidates;
};
/* Replaces the event and its entities, guides and candidates; with a NULL
 * content_hash the event must exist (a re-scored old event). */
int store_put_event(struct store *st, const struct event_rec *ev, time_t now);
/* Replaces the related list of an event. */
int store_put_related(struct store *st, int64_t id, const int64_t *ids, const double *weights,
                      size_t n);
/* Writes a story's counts. */
int store_put_story(struct store *st, int64_t story_id, int64_t first_event, int events,
                    int sources, int tiers_mask, time_t first_seen, time_t last_seen);
/* Deletes the stories no event belongs to. */
int store_prune_stories(struct store *st);
/* Replaces the guides table (slug, title, summary, body). */
int store_put_guide(struct store *st, const char *slug, const char *title, const char *summary,
                    const char *body);

/* What the in-memory indexes need of every stored event. */
struct event_index_row {
    int64_t id, story_id, source_id;
    const char *org;          /* the source's author, else its name: who speaks */
    const char *kind;
    uint64_t simhash;
    int tier, score;
    time_t published;
    const uint64_t *terms;
    size_t nterms;
    const char *entities;     /* names, '\n'-separated */
    const char *guides;       /* slugs, '\n'-separated */
    const char *title;        /* the item's, or NULL */
};
int store_event_index(struct store *st, int (*fn)(const struct event_index_row *r, void *arg),
                      void *arg);

/* Listing events. */
struct event_query {
    int min_score;            /* 0: any */
    const char *guide;        /* slug, or NULL */
    const char *source;       /* slug, or NULL */
    const char *kind;         /* or NULL */
    int tier;                 /* 0: any */
    time_t since, until;      /* 0: unbounded */
    int64_t story;            /* 0: any */
    const char *entity;       /* an entity's canonical name, or NULL */
    const char *match;        /* FTS5 query, or NULL */
    int by_score;             /* order by score, then date (the "Top" view) */
    int limit, offset;        /* limit 0: all */
    /* The sync cursor: when sync is set, only events analysed (written or
     * re-scored) after (changed_since, after_id), in that order: analysed
     * later than changed_since, or at changed_since with an id above
     * after_id; the list goes oldest change first (by_score is ignored). */
    int sync;
    time_t changed_since;
    int64_t after_id;
};

struct event {
    struct item item;         /* the item it was made from */
    int score;
    char *kind, *summary, *reasons;  /* reasons: JSON */
    int64_t story_id;
    char *guides;             /* slugs, '\n'-separated, best first */
    double weight;            /* in a related list: the similarity */
    time_t analyzed;          /* when it was last written (store_list_events only) */
};
void event_fini(struct event *e);

/* Calls fn for each event, newest first (or by score); the event is
 * borrowed for the call. */
int store_list_events(struct store *st, const struct event_query *q,
                      int (*fn)(const struct event *e, void *arg), void *arg);
int store_get_event(struct store *st, int64_t id, struct event *out);
/* The related events of id, best first, with their weights. */
int store_related_events(struct store *st, int64_t id,
                         int (*fn)(const struct event *e, void *arg), void *arg);
/* The entities of an event: fn(name, kind, mentions). */
int store_event_entities(struct store *st, int64_t id,
                         int (*fn)(const char *name, const char *kind, int mentions, void *arg),
                         void *arg);
/* Analysed events, into *out. */
int store_count_events(struct store *st, int64_t *out);

/* ---- queries for the web ---- */

/* How many events q matches (its limit, offset and order ignored). */
int store_count_matching(struct store *st, const struct event_query *q, int64_t *out);

/*
 * The events q matches, counted per week: counts[i] gets the events
 * published in [first + i * 7 days, first + (i + 1) * 7 days), i < nweeks.
 * The caller picks first (a Monday 00:00 UTC for ISO weeks).
 */
int store_events_per_week(struct store *st, const struct event_query *q, time_t first,
                          int nweeks, int *counts);

/*
 * Full-text search: the events q->match (an FTS5 query) finds, best match
 * first (bm25, the title weighing more), with q's other filters, limit and
 * offset. fn also gets the title with the matched terms between open and
 * close, and a short snippet of the text marked the same way (both
 * borrowed for the call; the caller escapes them and turns the markers
 * into markup). A malformed FTS5 query is ALM_EINVAL, not a store error.
 */
int store_search_events(struct store *st, const struct event_query *q, const char *open,
                        const char *close,
                        int (*fn)(const struct event *e, const char *title, const char *snippet,
                                  void *arg),
                        void *arg);

/* A guide as the web shows it. */
struct guide_info {
    char *slug, *title, *summary;
    char *body;               /* markdown; NULL in lists */
    int64_t events;           /* events that joined it */
    time_t newest;            /* its newest event's date, 0: none */
};
void guide_info_fini(struct guide_info *g);
/* Every guide, by title; g is borrowed for the call, fn returns non-zero to stop. */
int store_list_guides(struct store *st, int (*fn)(const struct guide_info *g, void *arg),
                      void *arg);
/* One guide with its body; ALM_ENOTFOUND when there is none with this slug. */
int store_get_guide(struct store *st, const char *slug, struct guide_info *out);

/* A source with its health, as the web shows it. */
struct source_info {
    int64_t id;
    char *slug, *name, *author, *kind, *feed_url, *site_url;
    int tier, enabled;
    time_t last_fetch, last_success, next_due;  /* 0: never */
    long last_status;         /* 0: none */
    int failures;             /* consecutive */
    char *last_error;         /* NULL after a success */
    int64_t items, events;
    time_t newest;            /* its newest item's date, 0: none */
};
void source_info_fini(struct source_info *s);
/* Every source, by tier then name; s is borrowed for the call. */
int store_list_source_info(struct store *st, int (*fn)(const struct source_info *s, void *arg),
                           void *arg);
/* One source; ALM_ENOTFOUND when no source has this slug. */
int store_get_source_info(struct store *st, const char *slug, struct source_info *out);

/* ---- the map: entities and stories (map_queries.c) ---- */

/* An entity of the dictionary as the web shows it. */
struct entity_info {
    char *slug, *name, *kind;
    char *aliases;            /* '|'-separated, may be empty */
    char *description;        /* written, or NULL: the page generates one */
    int salience;             /* 1..5 */
    int64_t events;           /* events that name it */
    time_t first, last;       /* its first and newest event's dates (0: none; not
                               * from store_find_entities) */
};
void entity_info_fini(struct entity_info *e);
/* Writes one entity of the dictionary (analyze, within its transaction). */
int store_put_entity(struct store *st, const char *slug, const char *name, const char *kind,
                     const char *aliases, int salience, const char *description, int rank);
/* Entities written, into *out. */
int store_count_entities(struct store *st, int64_t *out);
/* Every entity that has events, the most named first; e is borrowed for the
 * call, fn returns non-zero to stop. */
int store_list_entities(struct store *st, int (*fn)(const struct entity_info *e, void *arg),
                        void *arg);
/* One entity by slug, with its counts and dates; ALM_ENOTFOUND when none. */
int store_get_entity(struct store *st, const char *slug, struct entity_info *out);
/* The same by canonical name (an event's entity). */
int store_get_entity_by_name(struct store *st, const char *name, struct entity_info *out);
/* The slug of the entity of this canonical name into *slug (malloc'd);
 * ALM_ENOTFOUND when the dictionary has no such name. */
int store_entity_slug(struct store *st, const char *name, char **slug);
/* The entities named most often in the same events as name (its newest
 * 2,000), most first:
 * fn(slug, name, kind, events together); at most limit. slug is NULL for a
 * name no longer in the dictionary. */
int store_entity_neighbours(struct store *st, const char *name, int limit,
                            int (*fn)(const char *slug, const char *name, const char *kind,
                                      int64_t together, void *arg),
                            void *arg);
/* The guides name's events (its newest 2,000) joined, most first:
 * fn(slug, title, events). */
int store_entity_guides(struct store *st, const char *name, int limit,
                        int (*fn)(const char *slug, const char *title, int64_t events,
                                  void *arg),
                        void *arg);
/* The models of a family with events, in the dictionary's order (the order
 * they came out): family itself and the models whose names start with
 * family and a space or a hyphen. */
int store_entity_family(struct store *st, const char *family,
                        int (*fn)(const struct entity_info *e, void *arg), void *arg);
/* Entities whose name or one of whose aliases is q (case-insensitive,
 * ASCII), with events; at most limit, the most named first. */
int store_find_entities(struct store *st, const char *q, int limit,
                        int (*fn)(const struct entity_info *e, void *arg), void *arg);

/* Guides whose title holds q (case-insensitive, ASCII; q of 3 bytes or
 * more), the title equal to q first, at most limit: fn(slug, title, summary). */
int store_find_guides(struct store *st, const char *q, int limit,
                      int (*fn)(const char *slug, const char *title, const char *summary,
                                void *arg),
                      void *arg);

/* A learning path (data/learning-paths.txt). */
struct path_info {
    char *slug, *title, *level, *summary;
    char *steps;              /* lines "guide|SLUG|why" or "entity|SLUG|why", in order */
};
void path_info_fini(struct path_info *p);
/* Replaces every path with none (analyze, before writing them again). */
int store_clear_paths(struct store *st);
int store_put_path(struct store *st, const char *slug, const char *title, const char *level,
                   const char *summary, const char *steps, int rank);
/* Every path in the file's order; p is borrowed for the call. */
int store_list_paths(struct store *st, int (*fn)(const struct path_info *p, void *arg),
                     void *arg);
/* ALM_ENOTFOUND when there is no path with this slug. */
int store_get_path(struct store *st, const char *slug, struct path_info *out);
/* Paths written, into *out. */
int store_count_paths(struct store *st, int64_t *out);

/* A story as the web shows it (the stories table's counts). */
struct story_row {
    int64_t id, first_event;
    int events, sources;
    int tiers;                /* bit t set: a tier-t source covers it */
    time_t first_seen, last_seen;
};
/* ALM_ENOTFOUND when there is no story with this id. */
int store_get_story(struct store *st, int64_t id, struct story_row *out);
/* Stories of at least min_events events, the newest first, at most limit. */
int store_list_stories(struct store *st, int min_events, int limit,
                       int (*fn)(const struct story_row *s, void *arg), void *arg);

/*
 * When the store last changed as a reader sees it: the newest analysis
 * (events written or re-scored) and the newest fetch attempt; 0 when none.
 */
int store_last_change(struct store *st, time_t *analyzed, time_t *fetched);
/*
 * A number that changes whenever another connection (another process, or
 * another thread's connection) commits to the store; cheap enough to ask
 * often. Values are only comparable on the same connection.
 */
int store_data_version(struct store *st, int64_t *out);

#endif
