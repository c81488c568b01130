/*
 * store.h - keeps sources, items, events and the map the analysis draws.
 *
 * One narrow interface, the same for every engine behind it (SQLite today,
 * PostgreSQL next): nobody outside src/store sees SQL, a handle or an
 * engine's formats. Results are typed (lists are arrays, never joined
 * strings); search takes the reader's words (store_web.h); whether the
 * store changed is an opaque token (store_web.h).
 *
 * This header holds opening and closing, errors, the time budget,
 * transactions and the types every consumer shares (an item, an event, a
 * list of strings). The rest is split by who calls it:
 *   store_ingest.h  - sources, feed rows, fetch records, articles, robots.txt;
 *   store_analyze.h - what analysis reads and writes: event records,
 *                     related lists, stories, guides, entities, paths, the
 *                     event index;
 *   store_web.h     - what readers ask: event lists and search, guides,
 *                     sources, entities, paths, stories, the change token;
 *   store_admin.h   - the schema, backup, checks, pruning and counts.
 * Each caller includes the ones it uses.
 *
 * Strings handed back belong to the caller (free with the matching _free
 * or _fini); arguments are borrowed. Functions return ALM_OK or a
 * negative ALM_E*; the last database message is in store_error().
 */
#ifndef ALMANAC_STORE_H
#define ALMANAC_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/* A list of strings handed back: v[0..n-1], each malloc'd, as is v (both
 * NULL/0 when empty); str_list_fini frees them. */
struct str_list {
    char **v;
    size_t n;
};
void str_list_fini(struct str_list *l);

/* A copy of src into dst (its own strings). */
void str_list_copy(struct str_list *dst, const struct str_list *src);

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

/* ---- items, events and the types consumers share ---- */

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

/* ---- transactions around many writes ---- */

int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* One contribution to an event's score: points on the 1-10 scale (two
 * decimals) and what earned them. The reasons of an event sum to its score. */
struct event_reason {
    double points;
    char *text;
};

struct event {
    struct item item;         /* the item it was made from */
    int score;
    char *kind, *summary;
    char *summary_model;      /* the language model that wrote summary (src/llm), or
                               * NULL when it is drawn from the item's own text */
    struct event_reason *reasons; /* in order; malloc'd with their texts */
    size_t nreasons;
    int64_t story_id;
    struct str_list guides;   /* slugs, best first */
    double weight;            /* in a related list: the similarity */
    time_t analyzed;          /* when it was last written (store_list_events only) */
};
void event_fini(struct event *e);

/* One step of a learning path: a guide or an entity to read, and why. */
struct path_step {
    char *kind;               /* "guide" or "entity" */
    char *slug;
    char *why;
};

#endif
