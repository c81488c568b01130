/*
 * store_web.h - what readers ask of the store (the web, the API, the CLI's
 * event commands, digests): lists of events and their counts, full-text
 * search, guides, sources with their health, entities, learning paths,
 * stories, and whether the store changed.
 */
#ifndef ALMANAC_STORE_WEB_H
#define ALMANAC_STORE_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

/* ---- events ---- */

/* The date the item's feed claimed when it was too far in the future to
 * be taken (its published date is then the fetch time), else 0;
 * ALM_ENOTFOUND when there is no such item. */
int store_item_claimed(struct store *st, int64_t id, time_t *claimed);

/*
 * A reader's full-text search, the same for every backend: terms that must
 * all match (AND), each a phrase. A term's text is plain text, never the
 * query syntax of any engine (quotes, '*', '-', AND, OR, NEAR, ':' are
 * text). The backend splits it into words as it split the items' text when
 * it indexed them: Unicode letters and digits make words, anything else
 * separates them ("gpt-5" is the phrase "gpt 5"); case and diacritics are
 * folded; each word is reduced to its English stem ("models" and "modeling"
 * find "model"). The words must appear in that order, adjacent, all in one
 * of the indexed fields: the item's title, its text, the linked article's
 * text, or its byline (source name and author). With prefix set, the
 * term's last word, folded but not stemmed, matches any indexed stem that
 * begins with it ("anthrop" finds "Anthropic"; "regul" finds "regulation",
 * "regulators" and "regular", all stemmed to "regul" or longer, but
 * "regulat" finds none of them). A term with no word in it matches
 * nothing. At least one term.
 */
struct text_term {
    char *text;
    int prefix;
};

struct text_query {
    struct text_term *v;
    size_t n;
};

/* Frees q's terms and q (malloc'd); NULL does nothing. */
void text_query_free(struct text_query *q);

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
    const struct text_query *text; /* a full-text search, or NULL */
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
 * Full-text search: the events q->text finds, best match first (the
 * backend's ranking, a title hit weighing more than a text hit, and a
 * byline hit less; ties newest first), with q's other filters, limit and
 * offset. fn also gets the title with the matched words between open and
 * close, and a short snippet of the text (or of the linked article's text
 * when only that matched) marked the same way (both borrowed for the call;
 * the caller escapes them and turns the markers into markup). A query the
 * backend cannot run (no terms) is ALM_EINVAL, not a store error.
 */
int store_search_events(struct store *st, const struct event_query *q, const char *open,
                        const char *close,
                        int (*fn)(const struct event *e, const char *title, const char *snippet,
                                  void *arg),
                        void *arg);

/* A guide as the web shows it. */
struct guide_info {
    char *slug, *title, *summary;
    char *kind;               /* "topic", "lab" or "thread"; never NULL */
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

/* Every guide's slug and title, in no particular order, without the counts
 * store_list_guides() computes (a walk of every guide's events: an event
 * page that names its guides wants their titles only). fn returns non-zero
 * to stop. */
int store_guide_titles(struct store *st, int (*fn)(const char *slug, const char *title,
                                                    void *arg), void *arg);

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

/* ---- the map: entities, paths and stories (map_queries.c) ---- */

/* An entity of the dictionary as the web shows it. */
struct entity_info {
    char *slug, *name, *kind;
    struct str_list aliases;  /* other names, in the dictionary's order */
    char *description;        /* written, or NULL: the page generates one */
    int salience;             /* 1..5 */
    int64_t events;           /* events that name it */
    time_t first, last;       /* its first and newest event's dates (0: none; not
                               * from store_find_entities) */
};
void entity_info_fini(struct entity_info *e);

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
    struct path_step *steps;  /* in order; malloc'd with their strings */
    size_t nsteps;
};
void path_info_fini(struct path_info *p);

/* Every path in the file's order; p is borrowed for the call. */
int store_list_paths(struct store *st, int (*fn)(const struct path_info *p, void *arg),
                     void *arg);

/* ALM_ENOTFOUND when there is no path with this slug. */
int store_get_path(struct store *st, const char *slug, struct path_info *out);

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

/* ---- changes ---- */

/*
 * When the store last changed as a reader sees it: the newest analysis
 * (events written or re-scored) and the newest fetch attempt; 0 when none.
 */
int store_last_change(struct store *st, time_t *analyzed, time_t *fetched);

/*
 * Whether the store changed: an opaque token of what has been committed,
 * cheap enough to read often (the web's cache reads it at most once a
 * second). Two tokens read through the same handle are equal
 * (store_change_equal) when nothing was committed to the store, by any
 * process or connection, between the two reads; a backend may say "changed"
 * when nothing did, never "unchanged" when something did. Tokens from
 * different handles are not comparable. The handle that reads them must not
 * write (the web keeps one open that only reads).
 */
struct store_change {
    uint64_t word[2];
};
int store_change_token(struct store *st, struct store_change *out);

/* 1 when a and b (read through the same handle) say nothing changed. */
int store_change_equal(const struct store_change *a, const struct store_change *b);

#endif
