/*
 * tests/unit/pg_tsquery.c - the reader's search (the FTS5 query the web
 * builds) as PostgreSQL tsquery text: words, "phrases" (words joined by
 * <->), prefix* (:*), FTS5's AND, OR, NOT and parentheses; malformed
 * queries are ALM_EINVAL. No server is needed: this is text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "store/pg_q.h"

static void
expect(const char *match, const char *want)
{
    char *out = NULL;

    assert_int_equal(pg_tsquery_from(match, &out), ALM_OK);
    assert_non_null(out);
    if (strcmp(out, want) != 0)
        fail_msg("%s -> [%s], want [%s]", match, out, want);
    free(out);
}

static void
refused(const char *match)
{
    char *out = (char *)"untouched";

    if (pg_tsquery_from(match, &out) != ALM_EINVAL)
        fail_msg("%s was taken as [%s]", match, out ? out : "(null)");
    assert_null(out);
}

/* What web_search_query() builds: each word quoted, a prefix's * outside. */
static void
test_web_queries(void **state)
{
    (void)state;
    expect("\"claude\"", "'claude'");
    expect("\"open\" \"weights\"", "'open' & 'weights'");
    expect("\"agent\"*", "'agent':*");
    expect("\"agent\"* \"tool\"", "'agent':* & 'tool'");
    /* a word FTS5 splits is a phrase of its parts */
    expect("\"gpt-4o\"", "('gpt' <-> '4o')");
    expect("\"claude's\"", "('claude' <-> 's')");
    /* a quote inside a word ("" in FTS5) separates, as FTS5's tokenizer does */
    expect("\"say\"\"hi\"", "('say' <-> 'hi')");
    /* non-ASCII letters are word characters */
    expect("\"café\"", "'café'");
    /* punctuation alone is no word: left out */
    expect("\"--\" \"model\"", "'model'");
    expect("\"--\"", "");
}

static void
test_fts5_syntax(void **state)
{
    (void)state;
    expect("\"model release\"", "('model' <-> 'release')");
    expect("\"model release\"*", "('model' <-> 'release':*)");
    expect("claude OR gemini", "'claude' | 'gemini'");
    expect("claude AND gemini", "'claude' & 'gemini'");
    expect("claude NOT gemini", "'claude' & !'gemini'");
    expect("(claude OR gemini) release", "('claude' | 'gemini') & 'release'");
    expect("agent*", "'agent':*");
    /* lower-case operators are words, as in FTS5 */
    expect("and or", "'and' & 'or'");
}

static void
test_malformed(void **state)
{
    (void)state;
    refused(NULL);
    refused("\"unterminated");
    refused("OR claude");
    refused("claude AND");
    refused("claude NOT");
    refused("(claude");
    refused("claude)");
    refused("()");
    refused("title:claude");
    refused("claude + gemini");
    refused("'claude'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_queries),
        cmocka_unit_test(test_fts5_syntax),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
