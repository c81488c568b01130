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

/*
 * Fed oldest first, an index that lets go of the past stories
 * (story_forget_before) and walks no postings beyond two windows assigns
 * every event as one that keeps everything: four months of posts from a
 * small vocabulary (stories within days, titles told again weeks later,
 * topics that come back), compared event by event and story by story.
 */
static void
test_forgetting_the_past_changes_nothing(void **state)
{
    static const char *w[] = { "harbor", "violin", "glacier", "pepper", "lantern", "saddle",
                               "orchid", "tunnel", "meadow", "cobalt", "falcon", "quartz",
                               "ember", "walnut", "signal", "beacon" };
    struct stemmer *st = stemmer_new();
    struct story_index *keep = story_new(&opts), *forget = story_new(&opts);
    int64_t ids[1200];
    size_t joined = 0;
    unsigned r = 7;

    (void)state;
    for (int i = 0; i < 1200; i++) {
        char title[160], body[400];
        time_t when = T0 + (time_t)i * (120 * DAY / 1200);
        int topic = (i / 9) % 40, again = (i % 13 == 0) ? (i / 13) % 25 : -1;
        r = r * 1103515245u + 12345u;
        if (again >= 0) /* a title told again, weeks after */
            snprintf(title, sizeof(title), "The %s %s %s report", w[again % 16],
                     w[(again * 3 + 1) % 16], w[(again * 5 + 2) % 16]);
        else
            snprintf(title, sizeof(title), "%s %s %s %s", w[topic % 16], w[(topic * 7 + 3) % 16],
                     w[(r >> 8) % 16], w[(topic + i / 200) % 16]);
        snprintf(body, sizeof(body), "On the %s and the %s, with the %s and %s %s.",
                 w[topic % 16], w[(topic * 3 + 5) % 16], w[(r >> 12) % 16], w[(r >> 16) % 16],
                 w[(i / 100) % 16]);
        ids[i] = add(keep, st, i + 1, 1 + (int64_t)((r >> 20) % 6), when, title, body);
        if (i % 16 == 0)
            story_forget_before(forget, when);
        assert_int_equal(add(forget, st, i + 1, 1 + (int64_t)((r >> 20) % 6), when, title, body),
                         ids[i]);
        joined += ids[i] != i + 1;
    }
    assert_true(joined > 100); /* stories did form */
    assert_int_equal(story_count(keep), story_count(forget));
    for (int i = 0; i < 1200; i++) {
        const struct story_info *a = story_get(keep, ids[i]), *b = story_get(forget, ids[i]);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(a->events, b->events);
        assert_int_equal(a->sources, b->sources);
        assert_int_equal(a->first_event, b->first_event);
        assert_int_equal(a->last_seen, b->last_seen);
    }
    story_free(keep);
    story_free(forget);
    stemmer_free(st);
}

/* A doc of given terms, simhash and title key, as story_assign takes it. */
static int64_t
add_raw(struct story_index *ix, int64_t id, int64_t feed, time_t published,
        const uint64_t *terms, size_t nterms, uint64_t simhash, uint64_t title_key)
{
    struct story_doc d = { .id = id, .source_id = feed, .feed_id = feed, .tier = 2,
                           .terms = terms, .nterms = nterms, .published = published,
                           .simhash = simhash, .title_key = title_key };
    int joined;

    return story_assign(ix, &d, &joined);
}

/*
 * A story the walk back through postings must still find: A (day 0) and,
 * half a day later from A's own feed, B with A's words and more (a feed's
 * own items never vouch for each other: B starts a story, its postings
 * after A's); on day 2.5 another feed joins A; on day 4 B has been quiet for
 * more than a window while A has not, and a third feed's post joins A. A
 * walk that stopped at B's postings would start a new story.
 */
static void
test_walk_passes_a_quiet_story(void **state)
{
    struct story_index *ix = story_new(&opts);
    uint64_t a[40], b[80];

    (void)state;
    for (int i = 0; i < 40; i++)
        a[i] = b[i] = 1000 + (uint64_t)i;
    for (int i = 40; i < 80; i++)
        b[i] = 5000 + (uint64_t)i;
    for (int i = 0; i < 300; i++) { /* words of other things, for the document frequencies */
        uint64_t o[6];
        for (int j = 0; j < 6; j++)
            o[j] = 90000 + (uint64_t)((i * 7 + j * 13) % 500);
        add_raw(ix, 100000 + i, 50 + i % 20, T0 - 60 * DAY + i * 600, o, 6, 0, 0);
    }
    assert_int_equal(add_raw(ix, 1, 1, T0, a, 40, 0, 0), 1);
    assert_int_equal(add_raw(ix, 2, 1, T0 + DAY / 2, b, 80, 0, 0), 2);
    assert_int_equal(add_raw(ix, 3, 2, T0 + 5 * DAY / 2, a, 40, 0, 0), 1);
    assert_int_equal(add_raw(ix, 4, 3, T0 + 4 * DAY, a, 40, 0, 0), 1);
    story_free(ix);
}

/*
 * A story near-duplicates keep alive past the title window (a copy every
 * two days for two months) is not let go while it can still be joined: it
 * keeps every copy.
 */
static void
test_forget_keeps_a_living_story(void **state)
{
    struct story_index *ix = story_new(&opts);
    uint64_t t[10];

    (void)state;
    for (int i = 0; i < 10; i++)
        t[i] = 7000 + (uint64_t)i;
    for (int i = 0; i < 30; i++) {
        time_t when = T0 + (time_t)i * 2 * DAY;
        story_forget_before(ix, when);
        assert_int_equal(add_raw(ix, i + 1, 1 + i % 3, when, t, 10, 0xABCDEF0123456789ULL,
                                 0x1234 + (uint64_t)i), 1);
    }
    assert_int_equal(story_get(ix, 1)->events, 30);
    story_forget_before(ix, T0 + 200 * DAY);
    assert_int_equal(story_get(ix, 1)->events, 30); /* its coverage stays */
    assert_int_equal(add_raw(ix, 99, 2, T0 + 200 * DAY, t, 10, 0xABCDEF0123456789ULL, 0x99), 99);
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
        cmocka_unit_test(test_forgetting_the_past_changes_nothing),
        cmocka_unit_test(test_walk_passes_a_quiet_story),
        cmocka_unit_test(test_forget_keeps_a_living_story),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
