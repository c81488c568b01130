/*
 * store_analyze.h - what analysis reads and writes: the items to analyse,
 * event records with their entities and guides, related lists, stories,
 * guides, the entity dictionary, learning paths, and the index of every
 * event it clusters and relates against.
 */
#ifndef ALMANAC_STORE_ANALYZE_H
#define ALMANAC_STORE_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

/* One item by id (malloc'd: item_free); ALM_ENOTFOUND when none. */
int store_get_item(struct store *st, int64_t id, struct item **out);

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
    const struct event_reason *reasons; /* in order */
    size_t nreasons;
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

/* ---- summaries a language model writes (src/llm) ---- */

/* An event whose summary no model wrote, with the text it was made from. */
struct llm_todo {
    int64_t id;
    time_t published;
    const char *title, *source_name;
    const char *kind;         /* the fitted kind */
    const char *text;         /* the feed's plain text, or NULL */
    const char *article_text; /* the linked article's, or NULL */
};

/* The events whose summary no model wrote (summary_model NULL) and whose
 * feed or article text has at least min_chars bytes, newest first. */
int store_llm_todo(struct store *st, size_t min_chars,
                   int (*fn)(const struct llm_todo *t, void *arg), void *arg);

/* The answer kept for hash: *summary (NULL when it was rejected) and
 * *verdict ("ok" or why it was rejected), malloc'd; ALM_ENOTFOUND when
 * nothing is kept. */
int store_llm_cache_get(struct store *st, const char *hash, char **summary, char **verdict);

/* Keeps a model's answer for hash (replacing one kept). */
int store_llm_cache_put(struct store *st, const char *hash, const char *model,
                        const char *summary, const char *verdict, time_t now);

/* Shows summary on event id, written by model (NULL: drawn from the text).
 * ALM_ENOTFOUND when there is no such event. */
int store_set_summary(struct store *st, int64_t id, const char *summary, const char *model);

/* What the next incremental analysis needs of a related list (analyze.c
 * relate()): the index's list before the blend reranked it, best first,
 * and its floor, the raw weight a candidate must beat to enter it. */
struct related_raw {
    const int64_t *ids;
    const double *weights;
    size_t n;
    double floor;
};

/* Replaces the related list of an event, keeping raw (NULL: forgets what
 * was kept). The floor comes back in event_index_row.related_floor. */
int store_put_related(struct store *st, int64_t id, const int64_t *ids, const double *weights,
                      size_t n, const struct related_raw *raw);

/* The raw list kept with an event's related list, at most cap, into ids and
 * weights and *n; ALM_ENOTFOUND when none is kept. */
int store_get_related_raw(struct store *st, int64_t id, int64_t *ids, double *weights,
                          size_t cap, size_t *n);

/* Writes a story's counts. */
int store_put_story(struct store *st, int64_t story_id, int64_t first_event, int events,
                    int sources, int tiers_mask, time_t first_seen, time_t last_seen);

/* Deletes the stories no event belongs to. */
int store_prune_stories(struct store *st);

/* Writes a guide (slug, kind: "topic", "lab" or "thread", title, summary,
 * body), replacing the one with its slug. */
int store_put_guide(struct store *st, const char *slug, const char *kind, const char *title,
                    const char *summary, const char *body);

/* How many stored guides have no kind (written before SQLite migration 17,
 * PostgreSQL schema 5): the analysis writes the guides again. */
int store_count_guides_without_kind(struct store *st, int64_t *out);

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
    struct str_list entities; /* canonical names, in no set order */
    struct str_list guides;   /* slugs, in no set order */
    const char *title;        /* the item's, or NULL */
    double related_floor;     /* see store_put_related; -1 when not known */
};
/* Every event, oldest first; the row (lists included) is borrowed for the
 * call, fn returns non-zero to stop. */
int store_event_index(struct store *st, int (*fn)(const struct event_index_row *r, void *arg),
                      void *arg);

/* ---- the map: the entity dictionary and learning paths ---- */

/* Writes one entity of the dictionary (analyze, within its transaction). */
int store_put_entity(struct store *st, const char *slug, const char *name, const char *kind,
                     const char *const *aliases, size_t naliases, int salience,
                     const char *description, int rank);

/* Entities written, into *out. */
int store_count_entities(struct store *st, int64_t *out);

/* Replaces every path with none (analyze, before writing them again). */
int store_clear_paths(struct store *st);
int store_put_path(struct store *st, const char *slug, const char *title, const char *level,
                   const char *summary, const struct path_step *steps, size_t nsteps, int rank);

/* Paths written, into *out. */
int store_count_paths(struct store *st, int64_t *out);

#endif
