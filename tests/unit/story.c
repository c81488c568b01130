/* tests/unit/story.c - grouping events into stories (analyze/story.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/story.h"
#include "analyze/text.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01 */

/* The product's thresholds (analyze.c). */
static const struct story_opts opts = { .threshold = 0.3, .anchored = 0.2 };

/* Adds an event as the analysis does: its terms are the title's, the title's
 * again, then the body's. */
static int64_t
add(struct story_index *ix, struct stemmer *st, int64_t id, int64_t feed, time_t published,
    const char *title, const char *body)
{
    char text[4096];
    uint64_t *terms, *tt;
    size_t ntitle = text_terms(st, title, strlen(title), &tt);
    int joined;

    snprintf(text, sizeof(text), "%s. %s. %s", title, title, body);
    struct story_doc d = {
        .id = id,
        .source_id = feed,
        .feed_id = feed,
        .tier = 2,
        .nterms = text_terms(st, text, strlen(text), &terms),
        .ntitle = ntitle,
        .published = published,
    };
    d.terms = terms;
    int64_t story = story_assign(ix, &d, &joined);
    free(terms);
    free(tt);
    return story;
}

/* Unrelated posts from a month before, so that document frequencies mean
 * something; every fourth one is somebody's "update". */
static void
background(struct story_index *ix, struct stemmer *st)
{
    static const char *w[] = { "harbor", "violin", "glacier", "pepper", "lantern", "saddle",
                               "orchid", "tunnel", "meadow", "cobalt", "falcon", "quartz" };
    for (int i = 0; i < 48; i++) {
        char title[128], body[256];
        snprintf(title, sizeof(title), "%s %s %s", w[i % 12], w[(i / 12 + i) % 12],
                 i % 4 == 0 ? "update" : "notes");
        snprintf(body, sizeof(body), "About the %s and the %s.", w[(i * 5) % 12],
                 w[(i * 7 + 3) % 12]);
        add(ix, st, 1000 + i, 500 + i, T0 - 30 * DAY + i * 3600, title, body);
    }
}

/* One paper announced by two outfits with different titles and bodies: one
 * title holds the other's words. Joined on the titles alone. */
static void
test_title_inside_joins(void **state)
{
    struct story_index *ix = story_new(&opts);
    struct stemmer *st = stemmer_new();
    (void)state;

    background(ix, st);
    int64_t a = add(ix, st, 1, 1, T0, "Auditing games for sandbagging",
                    "Using a red-team blue-team exercise we find that black-box methods fail "
                    "to distinguish deliberate underperformance from benign behaviour.");
    int64_t b = add(ix, st, 2, 2, T0 + DAY, "Auditing games for sandbagging detection",
                    "Our new paper shares the results of an exercise evaluating ten methods "
                    "on models trained to hide their capabilities.");
    assert_int_equal(a, 1);
    assert_int_equal(b, a);
    stemmer_free(st);
    story_free(ix);
}

/* A feed's own titles never vouch for each other, however alike; nor do
 * two-word titles, nor titles apart by more than the window. */
static void
test_title_inside_limits(void **state)
{
    struct story_index *ix = story_new(&opts);
    struct stemmer *st = stemmer_new();
    (void)state;

    background(ix, st);
    int64_t a = add(ix, st, 1, 1, T0, "Weekly robotics roundup",
                    "Grippers, drones and a walking machine.");
    int64_t b = add(ix, st, 2, 1, T0 + DAY, "Weekly robotics roundup: humanoids",
                    "Legged platforms from three laboratories.");
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    int64_t c = add(ix, st, 3, 3, T0 + 2 * DAY, "Robotics roundup",
                    "Vacuum cleaners and lawn mowers.");
    assert_int_equal(c, 3);
    int64_t d = add(ix, st, 4, 4, T0 + 20 * DAY, "Weekly robotics roundup: humanoids again",
                    "Factories ordering machines.");
    assert_int_equal(d, 4);
    stemmer_free(st);
    story_free(ix);
}

/* Two monthly posts of one month share the month's name and a common word,
 * nothing else: two stories, however short the posts. */
static void
test_month_and_common_word_do_not_join(void **state)
{
    struct story_index *ix = story_new(&opts);
    struct stemmer *st = stemmer_new();
    (void)state;

    background(ix, st);
    int64_t a = add(ix, st, 1, 1, T0, "Circuits update June", "");
    int64_t b = add(ix, st, 2, 2, T0 + DAY, "June product update", "June product update");
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    stemmer_free(st);
    story_free(ix);
}

/* Two reports of one happening in different words still join; an unrelated
 * post of the same day does not. */
static void
test_reports_join(void **state)
{
    struct story_index *ix = story_new(&opts);
    struct stemmer *st = stemmer_new();
    (void)state;

    background(ix, st);
    int64_t a = add(ix, st, 1, 1, T0, "Mistral releases Magistral reasoning model",
                    "Magistral is an open reasoning model with transparent chains of thought.");
    int64_t b = add(ix, st, 2, 2, T0 + 3600, "Magistral: Mistral's first reasoning model",
                    "The French lab's open reasoning model shows its chains of thought.");
    int64_t c = add(ix, st, 3, 3, T0 + 7200, "City council approves new bus lanes",
                    "Commuters will see the lanes next spring.");
    assert_int_equal(b, a);
    assert_int_equal(c, 3);
    stemmer_free(st);
    story_free(ix);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_inside_joins),
        cmocka_unit_test(test_title_inside_limits),
        cmocka_unit_test(test_month_and_common_word_do_not_join),
        cmocka_unit_test(test_reports_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
