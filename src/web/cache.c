/*
 * cache.c - the response cache: a chained hash table of entries, a doubly
 * linked list from the most to the least recently used, and counts of bytes
 * and entries, all under one mutex. Freeing happens outside the mutex.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/xalloc.h"
#include "web/cache.h"

struct web_cache {
    pthread_mutex_t lock;
    struct web_cached **buckets;
    size_t nbuckets;            /* a power of two */
    struct web_cached *newest, *oldest;
    size_t bytes, entries;
    size_t max_bytes, max_entry, max_entries;
    uint64_t generation;
    unsigned long long hits, misses, clears, evictions;
};

struct web_cache *
web_cache_new(size_t max_bytes, size_t max_entry, size_t max_entries)
{
    struct web_cache *c = xcalloc(1, sizeof(*c));

    pthread_mutex_init(&c->lock, NULL);
    c->max_bytes = max_bytes;
    c->max_entry = max_entry;
    c->max_entries = max_entries > 0 ? max_entries : 1;
    c->nbuckets = 64;
    while (c->nbuckets < c->max_entries && c->nbuckets < ((size_t)1 << 20))
        c->nbuckets *= 2;
    c->buckets = xcalloc(c->nbuckets, sizeof(*c->buckets));
    return c;
}

struct web_cached *
web_cached_new(const char *key, char *body, size_t len)
{
    struct web_cached *e = xcalloc(1, sizeof(*e));

    e->key = xstrdup(key);
    e->body = body;
    e->len = len;
    atomic_init(&e->refs, 1);
    atomic_init(&e->gz_made, 0);
    return e;
}

void
web_cached_release(struct web_cached *e)
{
    if (e == NULL || atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(e->key);
    free(e->body);
    free(e->gz);
    free(e);
}

/* ---- under the lock ---- */

static struct web_cached **
slot_of(struct web_cache *c, const char *key)
{
    struct web_cached **p = &c->buckets[fnv1a64(key, strlen(key)) & (c->nbuckets - 1)];

    while (*p && strcmp((*p)->key, key) != 0)
        p = &(*p)->chain;
    return p;
}

static void
lru_unlink(struct web_cache *c, struct web_cached *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void
lru_push(struct web_cache *c, struct web_cached *e)
{
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (c->oldest == NULL)
        c->oldest = e;
}

/* Takes e out of the table; its reference goes on the list to release. */
static void
unlink_entry(struct web_cache *c, struct web_cached *e, struct web_cached **dropped)
{
    struct web_cached **p = slot_of(c, e->key);

    *p = e->chain;
    lru_unlink(c, e);
    c->bytes -= e->cost;
    c->entries--;
    e->linked = 0;
    e->chain = *dropped;
    *dropped = e;
}

/* Releases the entries unlink_entry() collected; outside the lock. */
static void
release_all(struct web_cached *dropped)
{
    while (dropped) {
        struct web_cached *next = dropped->chain;
        web_cached_release(dropped);
        dropped = next;
    }
}

/* ---- the interface ---- */

void
web_cache_free(struct web_cache *c)
{
    if (c == NULL)
        return;
    web_cache_clear(c);
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}

uint64_t
web_cache_generation(struct web_cache *c)
{
    uint64_t g;

    pthread_mutex_lock(&c->lock);
    g = c->generation;
    pthread_mutex_unlock(&c->lock);
    return g;
}

struct web_cached *
web_cache_get(struct web_cache *c, const char *key, int64_t now_ms)
{
    struct web_cached *e, *dropped = NULL;

    pthread_mutex_lock(&c->lock);
    e = *slot_of(c, key);
    if (e && now_ms >= e->expires_ms) {
        unlink_entry(c, e, &dropped);
        e = NULL;
    }
    if (e) {
        lru_unlink(c, e);
        lru_push(c, e);
        atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    release_all(dropped);
    return e;
}

/* Evicts the least recently used entries while over a bound; keep stays. */
static void
evict(struct web_cache *c, const struct web_cached *keep, struct web_cached **dropped)
{
    while ((c->bytes > c->max_bytes || c->entries > c->max_entries) && c->oldest &&
           c->oldest != keep) {
        unlink_entry(c, c->oldest, dropped);
        c->evictions++;
    }
}

int
web_cache_put(struct web_cache *c, struct web_cached *e, uint64_t gen, int ttl_s,
              int64_t now_ms)
{
    struct web_cached *dropped = NULL, **p;
    size_t cost = sizeof(*e) + strlen(e->key) + 1 + e->len + 1;
    int added = 0;

    if (ttl_s <= 0 || e->len > c->max_entry || cost > c->max_bytes)
        return 0;
    pthread_mutex_lock(&c->lock);
    if (gen == c->generation && !e->linked) {
        p = slot_of(c, e->key);
        if (*p)
            unlink_entry(c, *p, &dropped);
        if (atomic_load_explicit(&e->gz_made, memory_order_acquire) && e->gz)
            cost += e->gzlen;
        e->cost = cost;
        e->expires_ms = now_ms + (int64_t)ttl_s * 1000;
        e->linked = 1;
        atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
        p = slot_of(c, e->key);
        e->chain = NULL;
        *p = e;
        lru_push(c, e);
        c->bytes += cost;
        c->entries++;
        evict(c, e, &dropped);
        added = 1;
    }
    pthread_mutex_unlock(&c->lock);
    release_all(dropped);
    return added;
}

void
web_cache_clear(struct web_cache *c)
{
    struct web_cached *dropped = NULL;

    pthread_mutex_lock(&c->lock);
    while (c->oldest)
        unlink_entry(c, c->oldest, &dropped);
    c->generation++;
    c->clears++;
    pthread_mutex_unlock(&c->lock);
    release_all(dropped);
}

void
web_cached_set_gzip(struct web_cache *c, struct web_cached *e, char *gz, size_t gzlen)
{
    struct web_cached *dropped = NULL;

    pthread_mutex_lock(&c->lock);
    if (atomic_load_explicit(&e->gz_made, memory_order_relaxed)) {
        pthread_mutex_unlock(&c->lock);
        free(gz);
        return;
    }
    e->gz = gz;
    e->gzlen = gz ? gzlen : 0;
    /* Readers test gz_made without the lock: gz and gzlen come first. */
    atomic_store_explicit(&e->gz_made, 1, memory_order_release);
    if (e->linked && gz) {
        e->cost += gzlen;
        c->bytes += gzlen;
        evict(c, e, &dropped);
    }
    pthread_mutex_unlock(&c->lock);
    release_all(dropped);
}

void
web_cache_stats(struct web_cache *c, struct web_cache_stats *out)
{
    pthread_mutex_lock(&c->lock);
    out->hits = c->hits;
    out->misses = c->misses;
    out->clears = c->clears;
    out->evictions = c->evictions;
    out->entries = c->entries;
    out->bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}
