/* tests/unit/web_cache.c - the response cache (web/cache.h): bounds, LRU,
 * time to live, generations, the gzip form and references across threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "web/cache.h"

#define KB 1024

/* An entry for key with a body of n bytes of c. */
static struct web_cached *
entry(const char *key, size_t n, char c)
{
    char *body = xmalloc(n + 1);

    memset(body, c, n);
    body[n] = '\0';
    return web_cached_new(key, body, n);
}

/* Puts a fresh entry and drops the caller's reference; returns what put did. */
static int
put(struct web_cache *c, const char *key, size_t n, int ttl, int64_t now)
{
    struct web_cached *e = entry(key, n, 'x');
    int added = web_cache_put(c, e, web_cache_generation(c), ttl, now);

    web_cached_release(e);
    return added;
}

/* Whether key is cached at now. */
static int
has(struct web_cache *c, const char *key, int64_t now)
{
    struct web_cached *e = web_cache_get(c, key, now);

    web_cached_release(e);
    return e != NULL;
}

static void
test_get_put(void **state)
{
    struct web_cache *c = web_cache_new(1 << 20, 64 * KB, 100);
    struct web_cached *e;
    struct web_cache_stats st;

    (void)state;
    assert_null(web_cache_get(c, "/", 0));
    assert_int_equal(put(c, "/", 100, 60, 0), 1);
    e = web_cache_get(c, "/", 10);
    assert_non_null(e);
    assert_int_equal(e->len, 100);
    assert_string_equal(e->key, "/");
    web_cached_release(e);
    assert_false(has(c, "/?page=2", 10));
    /* The same key again replaces the entry. */
    assert_int_equal(put(c, "/", 200, 60, 0), 1);
    e = web_cache_get(c, "/", 10);
    assert_int_equal(e->len, 200);
    web_cached_release(e);
    web_cache_stats(c, &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 2);
    web_cache_free(c);
    web_cache_free(NULL);
    web_cached_release(NULL);
}

static const struct {
    size_t len;
    int ttl;
    int added;
} put_cases[] = {
    { 100, 60, 1 },
    { 64 * KB, 60, 1 },     /* at the entry bound */
    { 64 * KB + 1, 60, 0 }, /* over it */
    { 100, 0, 0 },          /* no time to live */
    { 100, -1, 0 },
};

static void
test_put_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(put_cases); i++) {
        struct web_cache *c = web_cache_new(1 << 20, 64 * KB, 100);
        assert_int_equal(put(c, "/k", put_cases[i].len, put_cases[i].ttl, 0),
                         put_cases[i].added);
        assert_int_equal(has(c, "/k", 0), put_cases[i].added);
        web_cache_free(c);
    }
}

static void
test_ttl(void **state)
{
    struct web_cache *c = web_cache_new(1 << 20, 64 * KB, 100);

    (void)state;
    put(c, "/", 10, 60, 1000);
    assert_true(has(c, "/", 1000));
    assert_true(has(c, "/", 60999));
    assert_false(has(c, "/", 61000));
    assert_false(has(c, "/", 1000)); /* an expired entry is gone */
    web_cache_free(c);
}

static void
test_lru_bytes(void **state)
{
    /* Room for about three 10 KB entries. */
    struct web_cache *c = web_cache_new(35 * KB, 16 * KB, 100);
    struct web_cache_stats st;

    (void)state;
    put(c, "/a", 10 * KB, 60, 0);
    put(c, "/b", 10 * KB, 60, 0);
    put(c, "/c", 10 * KB, 60, 0);
    assert_true(has(c, "/a", 0)); /* /a is now the most recently used */
    put(c, "/d", 10 * KB, 60, 0);
    assert_true(has(c, "/a", 0));
    assert_false(has(c, "/b", 0));
    assert_true(has(c, "/c", 0));
    assert_true(has(c, "/d", 0));
    web_cache_stats(c, &st);
    assert_true(st.bytes <= 35 * KB);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 1);
    web_cache_free(c);
}

static void
test_lru_entries(void **state)
{
    struct web_cache *c = web_cache_new(1 << 20, 64 * KB, 4);
    char key[16];
    struct web_cache_stats st;

    (void)state;
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof(key), "/%d", i);
        put(c, key, 10, 60, 0);
    }
    web_cache_stats(c, &st);
    assert_int_equal(st.entries, 4);
    assert_false(has(c, "/5", 0));
    for (int i = 6; i < 10; i++) {
        snprintf(key, sizeof(key), "/%d", i);
        assert_true(has(c, key, 0));
    }
    web_cache_free(c);
}

static void
test_generation(void **state)
{
    struct web_cache *c = web_cache_new(1 << 20, 64 * KB, 100);
    struct web_cached *held, *e;
    uint64_t gen;

    (void)state;
    put(c, "/", 10, 60, 0);
    held = web_cache_get(c, "/", 0);
    /* Rendering starts, the store changes, the page is done: it stays out. */
    gen = web_cache_generation(c);
    web_cache_clear(c);
    assert_false(has(c, "/", 0));
    e = entry("/top", 10, 'y');
    assert_int_equal(web_cache_put(c, e, gen, 60, 0), 0);
    assert_false(has(c, "/top", 0));
    /* A page rendered after the clear goes in. */
    assert_int_equal(web_cache_put(c, e, web_cache_generation(c), 60, 0), 1);
    /* Twice is once. */
    assert_int_equal(web_cache_put(c, e, web_cache_generation(c), 60, 0), 0);
    web_cached_release(e);
    assert_true(has(c, "/top", 0));
    /* An entry held across the clear is still readable. */
    assert_int_equal(held->len, 10);
    assert_int_equal(held->body[9], 'x');
    web_cached_release(held);
    web_cache_free(c);
}

static void
test_gzip_form(void **state)
{
    struct web_cache *c = web_cache_new(40 * KB, 32 * KB, 100);
    struct web_cached *e;
    struct web_cache_stats before, after;

    (void)state;
    put(c, "/a", 10 * KB, 60, 0);
    put(c, "/b", 10 * KB, 60, 0);
    e = web_cache_get(c, "/b", 0);
    assert_int_equal(atomic_load(&e->gz_made), 0);
    web_cache_stats(c, &before);
    /* The gzip form counts against the bound: /a, the oldest, goes. */
    web_cached_set_gzip(c, e, xmalloc(25 * KB), 25 * KB);
    assert_int_equal(atomic_load(&e->gz_made), 1);
    assert_non_null(e->gz);
    web_cache_stats(c, &after);
    assert_int_equal(after.entries, 1);
    assert_false(has(c, "/a", 0));
    assert_true(has(c, "/b", 0));
    assert_true(after.bytes <= 40 * KB);
    assert_true(after.bytes > before.bytes);
    /* A second form (another thread was first) is dropped. */
    web_cached_set_gzip(c, e, xmalloc(10), 10);
    assert_int_equal(e->gzlen, 25 * KB);
    web_cached_release(e);

    /* "No smaller" is remembered as made, without a form. */
    put(c, "/c", 100, 60, 0);
    e = web_cache_get(c, "/c", 0);
    web_cached_set_gzip(c, e, NULL, 0);
    assert_int_equal(atomic_load(&e->gz_made), 1);
    assert_null(e->gz);
    web_cached_release(e);
    web_cache_free(c);
}

/* Threads that get, put, gzip and clear at once; run under the sanitizers. */
static void *
hammer(void *arg)
{
    struct web_cache *c = arg;
    char key[16];
    unsigned seed = (unsigned)(uintptr_t)pthread_self();

    for (int i = 0; i < 20000; i++) {
        struct web_cached *e;
        snprintf(key, sizeof(key), "/%d", rand_r(&seed) % 64);
        e = web_cache_get(c, key, i);
        if (e == NULL) {
            e = entry(key, 1 + rand_r(&seed) % (4 * KB), 'z');
            web_cache_put(c, e, web_cache_generation(c), 1, i);
        } else if (!atomic_load(&e->gz_made)) {
            web_cached_set_gzip(c, e, xmalloc(64), 64);
        }
        assert_int_equal(e->body[0], 'z');
        web_cached_release(e);
        if (rand_r(&seed) % 1000 == 0)
            web_cache_clear(c);
    }
    return NULL;
}

static void
test_threads(void **state)
{
    struct web_cache *c = web_cache_new(64 * KB, 8 * KB, 32);
    pthread_t t[4];
    struct web_cache_stats st;

    (void)state;
    for (size_t i = 0; i < LEN(t); i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, c), 0);
    for (size_t i = 0; i < LEN(t); i++)
        pthread_join(t[i], NULL);
    web_cache_stats(c, &st);
    assert_true(st.bytes <= 64 * KB);
    assert_true(st.entries <= 32);
    assert_int_equal(st.hits + st.misses, 4 * 20000);
    web_cache_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put),
        cmocka_unit_test(test_put_refusals),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_lru_bytes),
        cmocka_unit_test(test_lru_entries),
        cmocka_unit_test(test_generation),
        cmocka_unit_test(test_gzip_form),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
