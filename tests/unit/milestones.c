/*
 * tests/unit/milestones.c - the one line a milestone shows: the first
 * sentence of an event's summary, cut at a space when too long.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "web/milestones.h"

static void
check(const char *in, const char *want)
{
    char *got = milestone_line(in);
    assert_string_equal(got, want);
    free(got);
}

static void
test_first_sentence(void **state)
{
    (void)state;
    check(NULL, "");
    check("", "");
    check("One sentence without a stop", "One sentence without a stop");
    check("The first. The second.", "The first.");
    check("  Leading spaces. Then more.", "Leading spaces.");
    check("Is it? Yes it is.", "Is it?");
    check("Wow! Then this.", "Wow!");
    /* a stop before a lower-case word or a digit-free abbreviation does not end it */
    check("The U.S. export controls tighten. Nvidia answers.", "The U.S. export controls tighten.");
    check("It scored 9.5 on the test. Others did not.", "It scored 9.5 on the test.");
    check("Released in 2025. 3 models followed.", "Released in 2025.");
}

static void
test_long(void **state)
{
    char in[1000], *got;

    (void)state;
    memset(in, 0, sizeof(in));
    for (size_t i = 0; i + 6 < 600; i += 6)
        memcpy(in + i, "words ", 6);
    got = milestone_line(in);
    assert_true(strlen(got) <= MILESTONE_LINE);
    assert_non_null(strstr(got, "\xe2\x80\xa6"));
    assert_int_equal(strcmp(got + strlen(got) - 3, "\xe2\x80\xa6"), 0);
    assert_memory_equal(got + strlen(got) - 8, "words", 5);   /* cut at a space */
    free(got);
    /* no space at all: cut between UTF-8 characters */
    memset(in, 0, sizeof(in));
    for (size_t i = 0; i + 2 < 600; i += 2)
        memcpy(in + i, "\xc3\xa9", 2);
    got = milestone_line(in);
    assert_true(strlen(got) <= MILESTONE_LINE);
    assert_int_equal((strlen(got) - 3) % 2, 0);
    free(got);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_sentence),
        cmocka_unit_test(test_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
