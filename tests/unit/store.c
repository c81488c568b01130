/*
 * tests/unit/store.c - opening the store while others do: connections
 * that create or migrate one database together, a read-only open that
 * waits for a migration in progress, and schemas newer than this build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store.h"
#include "store/store_admin.h"

static char dir[] = "/tmp/almanac-store-test.XXXXXX";
static char path[256];

static int
setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
fresh(const char *name)
{
    static const char *const suffix[] = { "", "-wal", "-shm" };
    char f[300];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    for (size_t i = 0; i < 3; i++) {
        snprintf(f, sizeof(f), "%s%s", path, suffix[i]);
        unlink(f);
    }
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The version this build migrates to. */
static int
current_version(void)
{
    struct store *st;
    char err[256];
    int v;

    fresh("version.db");
    assert_int_equal(store_open(path, &st, err, sizeof(err)), ALM_OK);
    v = store_schema_version(st);
    store_close(st);
    assert_true(v > 0);
    return v;
}

/* Sets user_version behind the store's back, as another process would. */
static void
set_version(const char *db, int v)
{
    sqlite3 *h;
    char sql[64];

    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

struct opener {
    pthread_t t;
    int rc;
    char err[256];
};

static void *
open_one(void *arg)
{
    struct opener *o = arg;
    struct store *st = NULL;

    o->rc = store_open(path, &st, o->err, sizeof(o->err));
    store_close(st);
    return NULL;
}

/* Eight connections create one new database at the same moment. */
static void
test_open_together(void **state)
{
    struct opener o[8];
    struct store *st;
    char err[256];
    int want = current_version();

    (void)state;
    for (int round = 0; round < 5; round++) {
        fresh("together.db");
        for (size_t i = 0; i < 8; i++)
            assert_int_equal(pthread_create(&o[i].t, NULL, open_one, &o[i]), 0);
        for (size_t i = 0; i < 8; i++) {
            pthread_join(o[i].t, NULL);
            if (o[i].rc != ALM_OK)
                fail_msg("round %d, connection %zu: %s", round, i, o[i].err);
        }
        assert_int_equal(store_open(path, &st, err, sizeof(err)), ALM_OK);
        assert_int_equal(store_schema_version(st), want);
        store_close(st);
    }
}

struct later {
    const char *db;
    int version, ms;
};

static void *
set_later(void *arg)
{
    const struct later *l = arg;

    usleep((useconds_t)l->ms * 1000);
    set_version(l->db, l->version);
    return NULL;
}

/* A read-only open of an older schema waits until another process's
 * migration commits, rather than failing at once. */
static void
test_readonly_waits_for_migration(void **state)
{
    struct store *rw, *ro = NULL;
    char err[256];
    int want = current_version();
    struct later l = { path, 0, 300 };
    pthread_t t;
    double t0;

    (void)state;
    fresh("waits.db");
    assert_int_equal(store_open(path, &rw, err, sizeof(err)), ALM_OK); /* keeps the WAL */
    set_version(path, want - 1);
    l.version = want;
    assert_int_equal(pthread_create(&t, NULL, set_later, &l), 0);
    t0 = now_s();
    if (store_open_readonly(path, &ro, err, sizeof(err)) != ALM_OK)
        fail_msg("read-only open: %s", err);
    pthread_join(t, NULL);
    assert_true(now_s() - t0 >= 0.25);
    assert_int_equal(store_schema_version(ro), want);
    store_close(ro);
    store_close(rw);
}

/* A schema newer than this build fails at once, read-only or not. */
static void
test_newer_schema(void **state)
{
    struct store *rw, *st = NULL;
    char err[256];
    int want = current_version();
    double t0;

    (void)state;
    fresh("newer.db");
    assert_int_equal(store_open(path, &rw, err, sizeof(err)), ALM_OK);
    set_version(path, want + 1);
    t0 = now_s();
    assert_int_equal(store_open_readonly(path, &st, err, sizeof(err)), ALM_ESTORE);
    assert_true(now_s() - t0 < 1.0);
    assert_non_null(strstr(err, "this almanac needs"));
    assert_int_equal(store_open(path, &st, err, sizeof(err)), ALM_ESTORE);
    assert_non_null(strstr(err, "newer than this almanac"));
    store_close(rw);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_together),
        cmocka_unit_test(test_readonly_waits_for_migration),
        cmocka_unit_test(test_newer_schema),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
