/*
 * tests/unit/robots.c - the robots.txt reader: groups, longest match,
 * Allow on ties, wildcards and anchors, and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/robots.h"

static int
allowed(const char *txt, const char *path)
{
    return robots_allowed(txt, strlen(txt), "almanac", path);
}

static void
test_star_group(void **state)
{
    const char *t = "User-agent: *\nDisallow: /private/\nAllow: /private/ok\n";

    (void)state;
    assert_int_equal(allowed(t, "/"), 1);
    assert_int_equal(allowed(t, "/posts/a.html"), 1);
    assert_int_equal(allowed(t, "/private/draft.html"), 0);
    assert_int_equal(allowed(t, "/private/ok.html"), 1);
    assert_int_equal(allowed(t, "/privateer"), 1);
    assert_int_equal(allowed(t, "/robots.txt"), 1);
}

static void
test_our_group_wins(void **state)
{
    const char *t = "User-agent: *\nDisallow: /\n\n"
                    "User-agent: Almanac/0.1\nDisallow: /drafts\n";
    const char *other = "User-agent: grumpybot\nDisallow: /\n\nUser-agent: *\nDisallow:\n";
    const char *shared = "User-agent: foo\nUser-agent: almanac\nDisallow: /x\n";

    (void)state;
    assert_int_equal(allowed(t, "/posts/a"), 1);
    assert_int_equal(allowed(t, "/drafts/1"), 0);
    assert_int_equal(allowed(other, "/anything"), 1);
    assert_int_equal(allowed(shared, "/x/y"), 0);
    assert_int_equal(allowed(shared, "/y"), 1);
    assert_int_equal(allowed("", "/a"), 1);
    assert_int_equal(allowed("Disallow: /\n", "/a"), 1); /* no group */
}

static void
test_longest_match(void **state)
{
    const char *t = "user-agent: *  # everyone\r\n"
                    "disallow: /a\r\n"
                    "allow: /a/b\r\n"
                    "disallow: /a/b/c\r\n"
                    "allow: /same\r\n"
                    "disallow: /same\r\n";

    (void)state;
    assert_int_equal(allowed(t, "/a/x"), 0);
    assert_int_equal(allowed(t, "/a/b/x"), 1);
    assert_int_equal(allowed(t, "/a/b/c/d"), 0);
    assert_int_equal(allowed(t, "/same"), 1); /* a tie goes to Allow */
}

static void
test_wildcards(void **state)
{
    const char *t = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*q=\n"
                    "Disallow: /end$\n";

    (void)state;
    assert_int_equal(allowed(t, "/docs/paper.pdf"), 0);
    assert_int_equal(allowed(t, "/docs/paper.pdf?x=1"), 1);
    assert_int_equal(allowed(t, "/search?lang=en&q=ai"), 0);
    assert_int_equal(allowed(t, "/search"), 1);
    assert_int_equal(allowed(t, "/end"), 0);
    assert_int_equal(allowed(t, "/ending"), 1);
}

static void
test_hostile(void **state)
{
    /* many stars against a long path must not backtrack for ages */
    size_t n = 400;
    char *rule = malloc(64 + n * 2), *path = malloc(5000);
    size_t k = 0;

    (void)state;
    k += (size_t)sprintf(rule, "User-agent: *\nDisallow: /");
    for (size_t i = 0; i < n / 2; i++) {
        rule[k++] = 'a';
        rule[k++] = '*';
    }
    strcpy(rule + k, "b\n");
    path[0] = '/';
    memset(path + 1, 'a', 4000);
    path[4001] = '\0';
    assert_int_equal(allowed(rule, path), 1);
    path[4000] = 'b';
    assert_int_equal(allowed(rule, path), 0);
    /* a line with no newline at the end, a NUL-free binary mess */
    assert_int_equal(robots_allowed("User-agent: *\nDisallow: /x", 26, "almanac", "/x"), 0);
    assert_int_equal(robots_allowed("\xff\xfe:\n::\n", 7, "almanac", "/x"), 1);
    free(rule);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_star_group),
        cmocka_unit_test(test_our_group_wins),
        cmocka_unit_test(test_longest_match),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
