/*
 * tests/unit/map_data.c - the map's data files: data/learning-paths.txt and
 * data/entity-descriptions.tsv as shipped, and small ones written to a
 * temporary root with the mistakes their loaders must refuse (naming the
 * line). Run from the repository root (make test does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/entity_table.h"
#include "analyze/paths.h"
#include "base/err.h"

static char tmpdir[64];

static int
setup(void **state)
{
    char data[128];

    (void)state;
    strcpy(tmpdir, "/tmp/almanac-map-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(data, sizeof(data), "%s/data", tmpdir);
    return mkdir(data, 0700);
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/data/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
test_shipped(void **state)
{
    struct path_set *ps = NULL;
    struct entity_table *t = NULL;
    char err[256] = "";
    size_t described = 0;

    (void)state;
    assert_int_equal(paths_load(".", &ps, err, sizeof(err)), ALM_OK);
    assert_true(paths_count(ps) >= 5);
    paths_free(ps);
    assert_int_equal(entity_table_load(".", &t, err, sizeof(err)), ALM_OK);
    assert_true(entity_table_count(t) > 800);
    for (size_t i = 0; i < entity_table_count(t); i++) {
        const char *slug = entity_table_slug(t, i);
        described += entity_table_description(t, i) != NULL;
        /* A page's slug: what the web accepts in a path. */
        assert_true(strlen(slug) >= 1 && strlen(slug) <= 64);
        assert_int_equal(strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-"), strlen(slug));
        for (size_t k = 0; k < i; k++)
            if (strcmp(entity_table_slug(t, k), slug) == 0)
                fail_msg("slug %s twice", slug);
    }
    assert_true(described >= 30);
    for (size_t i = 0; i < entity_table_count(t); i++)
        if (strcmp(entity_table_name(t, i), "Claude 3.5 Sonnet") == 0)
            assert_string_equal(entity_table_slug(t, i), "claude-3-5-sonnet");
    entity_table_free(t);
}

static void
test_paths_refused(void **state)
{
    static const struct {
        const char *text, *says;
    } bad[] = {
        { "title: x\n", ":1: 'title' before the first 'path:'" },
        { "path: Bad Slug\n", ":1: a path's slug" },
        { "path: a\ntitle: A\nlevel: expert\n", ":3: unknown, repeated or empty 'level'" },
        { "path: a\ntitle: A\nlevel: beginner\nsummary: s\nstep: guide x | one\n"
          "step: guide y | two\n", "has 2 steps (at least 3)" },
        { "path: a\ntitle: A\nlevel: beginner\nsummary: s\nstep: page x | why\n",
          ":5: a step is" },
        { "path: a\ntitle: A\nlevel: beginner\nsummary: s\nstep: guide x\n", ":5: a step is" },
        { "path: a\ntitle: A\nlevel: beginner\nsummary: s\nstep: guide ../x | why\n",
          ":5: a step is" },
        { "path: a\nlevel: beginner\nsummary: s\nstep: guide x | 1\nstep: guide y | 2\n"
          "step: guide z | 3\n", "needs a title" },
        { "path: a\ntitle: A\nlevel: beginner\nsummary: s\nstep: guide x | 1\n"
          "step: guide y | 2\nstep: guide z | 3\npath: a\n", ":8: path 'a' twice" },
        { "path: a\ntitle: A\nno colon here\n", ":3: expected 'key: value'" },
    };
    struct path_set *ps = NULL;
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file("learning-paths.txt", bad[i].text);
        err[0] = '\0';
        ps = NULL;
        if (paths_load(tmpdir, &ps, err, sizeof(err)) != ALM_EINVAL)
            fail_msg("case %zu was accepted", i);
        assert_null(ps);
        if (strstr(err, bad[i].says) == NULL)
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, bad[i].says);
    }
    /* A good one, with comments and blank lines. */
    write_file("learning-paths.txt", "# c\n\npath: a\ntitle: A\nlevel: advanced\nsummary: s\n"
                                     "step: guide x | 1\nstep: entity y | 2\n"
                                     "step: guide z | 3\n");
    assert_int_equal(paths_load(tmpdir, &ps, err, sizeof(err)), ALM_OK);
    assert_int_equal(paths_count(ps), 1);
    paths_free(ps);
}

static void
test_descriptions_refused(void **state)
{
    struct entity_table *t = NULL;
    char err[256] = "";

    (void)state;
    write_file("entities.tsv", "# header\nAlpha Lab\tlab\tAL\t3\nalpha lab\tlab\t\t2\n"
                               "Zeta\tmodel\t\t1\n");
    write_file("entity-descriptions.tsv", "# c\nNobody\tSomeone not in the dictionary.\n");
    assert_int_equal(entity_table_load(tmpdir, &t, err, sizeof(err)), ALM_EINVAL);
    assert_null(t);
    assert_non_null(strstr(err, ":2: 'Nobody' is not in the dictionary"));
    write_file("entity-descriptions.tsv", "Zeta\n");
    assert_int_equal(entity_table_load(tmpdir, &t, err, sizeof(err)), ALM_EINVAL);
    write_file("entity-descriptions.tsv", "Zeta\tA model.\n");
    assert_int_equal(entity_table_load(tmpdir, &t, err, sizeof(err)), ALM_OK);
    assert_int_equal(entity_table_count(t), 3);
    /* Two names with one slug: the second gets "-2". */
    assert_string_equal(entity_table_slug(t, 0), "alpha-lab");
    assert_string_equal(entity_table_slug(t, 1), "alpha-lab-2");
    assert_string_equal(entity_table_description(t, 2), "A model.");
    assert_null(entity_table_description(t, 0));
    entity_table_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_paths_refused),
        cmocka_unit_test(test_descriptions_refused),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
