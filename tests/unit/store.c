/*
 * tests/unit/store.c - opening the store while others do: connections
 * that create or migrate one database together, a read-only open that
 * waits for a migration in progress, and schemas newer than this build;
 * and the engine-neutral interface: typed results (reasons, lists, path
 * steps) back as they went in, a search of the reader's words, and the
 * change token.
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
#include "store/store_analyze.h"
#include "store/store_ingest.h"
#include "store/store_web.h"

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

static int
first_item(const struct item *it, const char *hash, void *arg)
{
    (void)hash;
    *(int64_t *)arg = it->id;
    return 1;
}

struct index_seen {
    int rows;
    size_t entities, guides;
    char first_entity[64];
};

static int
index_row(const struct event_index_row *r, void *arg)
{
    struct index_seen *s = arg;

    s->rows++;
    s->entities = r->entities.n;
    s->guides = r->guides.n;
    if (r->entities.n > 0)
        snprintf(s->first_entity, sizeof(s->first_entity), "%s", r->entities.v[0]);
    return 0;
}

static char last_title[256]; /* the last hit's title, matched words marked */

static int
count_hit(const struct event *e, const char *title, const char *snippet, void *arg)
{
    (void)e;
    (void)snippet;
    assert_non_null(title);
    snprintf(last_title, sizeof(last_title), "%s", title);
    (*(int *)arg)++;
    return 0;
}

static int
search_count(struct store *st, struct text_term *terms, size_t n, int *hits)
{
    struct text_query tq = { terms, n };
    struct event_query q = { .text = &tq };

    *hits = 0;
    return store_search_events(st, &q, "[", "]", count_hit, hits);
}

/* What goes in through the typed interface comes back the same, whatever
 * the engine keeps in its columns. */
static void
test_typed_results(void **state)
{
    char err[256];
    struct store *st, *reader;
    struct source src = { .slug = "lab", .name = "A Lab", .feed_url = "https://lab.example/feed",
                          .tier = 1, .kind = "lab", .enabled = 1 };
    struct store_row row = {
        .title = "Zeta-2 \"model\" released", .url = "https://lab.example/zeta",
        .canon = "https://lab.example/zeta", .ident = "u:https://lab.example/zeta",
        .hash = "abc", .text = "The lab released Zeta-2, a model built for regulators.",
        .cats = "[]", .date = 1700000000, .has_date = 1,
    };
    struct store_rows rows = { &row, 1, 0, 0 };
    struct put_stats ps;
    int64_t sid, id = 0;
    struct event_reason reasons[] = { { 1.5, "kind: release" },
                                      { -0.25, "a \"quoted\" reason, with ü and | and \n" } };
    struct event_entity ents[] = { { "Zeta-2", "model", 2, 1 }, { "A Lab", "lab", 1, 0 } };
    struct event_guide gs[] = { { "safety", 0.9 }, { "models", 0.4 } };
    struct event_rec ev = { .score = 2, .kind = "release", .summary = "A model.",
                            .reasons = reasons, .nreasons = 2, .content_hash = "abc",
                            .entities = ents, .nentities = 2, .guides = gs, .nguides = 2 };
    static const char *const aliases[] = { "Z2", "Zeta two" };
    struct path_step steps[] = { { "guide", "safety", "why | with a bar" },
                                 { "entity", "zeta-2", "the model" } };
    struct event e;
    struct entity_info en;
    struct path_info p;
    struct index_seen seen = { 0 };
    struct store_change t0, t1, t2;
    int hits;

    (void)state;
    fresh("typed.db");
    assert_int_equal(store_open(path, &st, err, sizeof(err)), ALM_OK);
    assert_int_equal(store_sync_source(st, &src, &sid), ALM_OK);
    assert_int_equal(store_put_rows(st, sid, &rows, 1700000100, &ps), ALM_OK);
    assert_int_equal(ps.new_items, 1);
    assert_int_equal(store_items_to_analyze(st, 0, first_item, &id), ALM_OK);
    assert_true(id > 0);
    assert_int_equal(store_put_guide(st, "safety", "topic", "Safety", "s", "b"), ALM_OK);
    assert_int_equal(store_put_guide(st, "models", "thread", "Models", "m", "b"), ALM_OK);
    {
        struct guide_info g;
        assert_int_equal(store_get_guide(st, "models", &g), ALM_OK);
        assert_string_equal(g.kind, "thread");
        guide_info_fini(&g);
        /* a guide written without a kind (before migration 17) reads as a topic */
        int64_t n = -1;
        assert_int_equal(store_count_guides_without_kind(st, &n), ALM_OK);
        assert_int_equal(n, 0);
        assert_int_equal(store_put_guide(st, "old", NULL, "Old", "o", "b"), ALM_OK);
        assert_int_equal(store_get_guide(st, "old", &g), ALM_OK);
        assert_string_equal(g.kind, "topic");
        guide_info_fini(&g);
        assert_int_equal(store_count_guides_without_kind(st, &n), ALM_OK);
        assert_int_equal(n, 1);
    }
    ev.id = id;
    ev.story_id = id;
    assert_int_equal(store_put_event(st, &ev, 1700000200), ALM_OK);

    assert_int_equal(store_get_event(st, id, &e), ALM_OK);
    assert_int_equal(e.nreasons, 2);
    assert_true(e.reasons[0].points == 1.5 && e.reasons[1].points == -0.25);
    assert_string_equal(e.reasons[0].text, reasons[0].text);
    assert_string_equal(e.reasons[1].text, reasons[1].text);
    assert_int_equal(e.guides.n, 2);
    assert_string_equal(e.guides.v[0], "safety"); /* best first */
    assert_string_equal(e.guides.v[1], "models");
    event_fini(&e);
    assert_null(e.reasons);

    assert_int_equal(store_event_index(st, index_row, &seen), ALM_OK);
    assert_int_equal(seen.rows, 1);
    assert_int_equal(seen.entities, 2);
    assert_int_equal(seen.guides, 2);

    assert_int_equal(store_put_entity(st, "zeta-2", "Zeta-2", "model", aliases, 2, 3, NULL, 0),
                     ALM_OK);
    assert_int_equal(store_get_entity(st, "zeta-2", &en), ALM_OK);
    assert_int_equal(en.aliases.n, 2);
    assert_string_equal(en.aliases.v[0], "Z2");
    assert_string_equal(en.aliases.v[1], "Zeta two");
    assert_int_equal(en.events, 1);
    entity_info_fini(&en);
    assert_int_equal(store_put_entity(st, "lone", "Lone", "lab", NULL, 0, 1, NULL, 1), ALM_OK);
    assert_int_equal(store_get_entity(st, "lone", &en), ALM_OK);
    assert_int_equal(en.aliases.n, 0);
    entity_info_fini(&en);

    assert_int_equal(store_put_path(st, "start", "Start", "beginner", "S", steps, 2, 0), ALM_OK);
    assert_int_equal(store_get_path(st, "start", &p), ALM_OK);
    assert_int_equal(p.nsteps, 2);
    assert_string_equal(p.steps[0].kind, "guide");
    assert_string_equal(p.steps[0].slug, "safety");
    assert_string_equal(p.steps[0].why, "why | with a bar");
    assert_string_equal(p.steps[1].kind, "entity");
    path_info_fini(&p);

    /* The reader's words: a phrase, a prefix, and engine syntax as text. */
    {
        struct text_term phrase[] = { { "zeta-2", 0 } }, prefix[] = { { "regul", 1 } };
        struct text_term quoted[] = { { "\"model\"", 0 }, { "lab", 0 } };
        struct text_term order[] = { { "2 zeta", 0 } }, syntax[] = { { "zeta OR nothing", 0 } };
        struct text_term none[] = { { "zeta", 0 }, { "absent", 0 } };
        assert_int_equal(search_count(st, phrase, 1, &hits), ALM_OK);
        assert_int_equal(hits, 1);
        assert_string_equal(last_title, "[Zeta-2] \"model\" released");
        assert_int_equal(search_count(st, prefix, 1, &hits), ALM_OK);
        assert_int_equal(hits, 1);
        assert_int_equal(search_count(st, quoted, 2, &hits), ALM_OK);
        assert_int_equal(hits, 1);
        assert_int_equal(search_count(st, order, 1, &hits), ALM_OK);
        assert_int_equal(hits, 0);            /* a phrase keeps its order */
        assert_int_equal(search_count(st, syntax, 1, &hits), ALM_OK);
        assert_int_equal(hits, 0);            /* OR is a word here */
        assert_int_equal(search_count(st, none, 2, &hits), ALM_OK);
        assert_int_equal(hits, 0);            /* every term must match */
    }

    /* The change token: equal while nothing is committed, different after. */
    assert_int_equal(store_open_readonly(path, &reader, err, sizeof(err)), ALM_OK);
    assert_int_equal(store_change_token(reader, &t0), ALM_OK);
    assert_int_equal(store_change_token(reader, &t1), ALM_OK);
    assert_true(store_change_equal(&t0, &t1));
    assert_int_equal(store_put_guide(st, "safety", "topic", "Safety", "s2", "b"), ALM_OK);
    assert_int_equal(store_change_token(reader, &t2), ALM_OK);
    assert_false(store_change_equal(&t1, &t2));
    store_close(reader);
    store_close(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_together),
        cmocka_unit_test(test_readonly_waits_for_migration),
        cmocka_unit_test(test_newer_schema),
        cmocka_unit_test(test_typed_results),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
