/*
 * cache.h - rendered responses kept in memory, shared by the server's
 * threads.
 *
 * An entry is one 200 response as a handler rendered it: the body, its
 * hash (the ETag), content type, Last-Modified and max-age, and its gzip
 * form, made the first time a client asks for it. An entry never changes
 * once made, except that the gzip form is attached once. Entries are
 * reference counted: whoever holds one (from web_cache_get() or
 * web_cached_new()) reads it without a lock, even after the cache dropped
 * it, and lets go with web_cached_release().
 *
 * The cache is bounded in bytes (least recently used entries go first) and
 * in entries, and keeps an entry at most its time to live. web_cache_clear()
 * drops everything and starts a new generation: a page rendered before a
 * clear is refused by web_cache_put(), so it cannot outlive the clear.
 * One mutex guards the table, held for lookups and links only.
 */
#ifndef ALMANAC_WEB_CACHE_H
#define ALMANAC_WEB_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct web_cache;

struct web_cached {
    char *key;                  /* the request target, "/path?query" */
    char *body;                 /* owned */
    size_t len;
    uint64_t hash;              /* of the body, for the ETag */
    const char *content_type;   /* a static string, as handlers set it */
    time_t last_modified;       /* 0: none */
    int max_age;

    /* The cache's own fields. */
    atomic_int refs;
    atomic_int gz_made;         /* 1 once gz and gzlen are set (gz NULL: no smaller) */
    char *gz;
    size_t gzlen;
    int64_t expires_ms;         /* on the monotonic clock */
    size_t cost;                /* bytes counted against the cache's bound */
    int linked;                 /* in the table (under the cache's mutex) */
    struct web_cached *chain, *newer, *older;
};

/*
 * A cache of at most max_bytes (bodies, gzip forms, keys and entries),
 * max_entries entries and entries of at most max_entry bytes.
 */
struct web_cache *web_cache_new(size_t max_bytes, size_t max_entry, size_t max_entries);
/* Frees the cache and lets go of its entries (held ones live on). NULL is fine. */
void web_cache_free(struct web_cache *c);

/* An entry for key, not in any cache yet, holding one reference; takes body. */
struct web_cached *web_cached_new(const char *key, char *body, size_t len);
/* Lets go of one reference; the last one frees the entry. NULL is fine. */
void web_cached_release(struct web_cached *e);

/* The current generation, to be read before rendering what will be put. */
uint64_t web_cache_generation(struct web_cache *c);

/*
 * The live entry for key with a reference for the caller, or NULL. now_ms is
 * the monotonic clock; an expired entry is dropped.
 */
struct web_cached *web_cache_get(struct web_cache *c, const char *key, int64_t now_ms);

/*
 * Adds e (the cache takes a reference of its own; the caller keeps its one)
 * to live ttl_s seconds, replacing an entry of the same key, unless the
 * cache was cleared since generation gen or e is too big. Evicts the least
 * recently used entries to stay within bounds. Returns 1 when e was added.
 */
int web_cache_put(struct web_cache *c, struct web_cached *e, uint64_t gen, int ttl_s,
                  int64_t now_ms);

/* Drops every entry and moves the generation on. */
void web_cache_clear(struct web_cache *c);

/*
 * Attaches the gzip form of e's body (taken; NULL: gzip does not make it
 * smaller), unless another thread did first, in which case gz is freed.
 * Counts it against the cache's bound while e is in the cache.
 */
void web_cached_set_gzip(struct web_cache *c, struct web_cached *e, char *gz, size_t gzlen);

struct web_cache_stats {
    unsigned long long hits, misses, clears, evictions;
    size_t entries, bytes;
};
void web_cache_stats(struct web_cache *c, struct web_cache_stats *out);

#endif
