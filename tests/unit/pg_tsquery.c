/*
 * tests/unit/pg_tsquery.c - the reader's search (store_web.h's text_query)
 * as PostgreSQL tsquery text: a term is a phrase of its words (<->), a
 * prefix term's last word ends in :*, terms are joined by &; words are
 * what FTS5's unicode61 tokenizer keeps. No terms is ALM_EINVAL. No server
 * is needed: this is text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "store/pg_q.h"
#include "store/store_web.h"

/* terms: "word" or "word*" (a prefix) */
static void
expect(const char *const *terms, size_t n, const char *want)
{
    struct text_term v[8];
    struct text_query q = { v, n };
    char bufs[8][64];
    char *out = NULL;

    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(terms[i]);
        memcpy(bufs[i], terms[i], len + 1);
        v[i].prefix = len > 1 && bufs[i][len - 1] == '*';
        if (v[i].prefix)
            bufs[i][len - 1] = '\0';
        v[i].text = bufs[i];
    }
    assert_int_equal(pg_tsquery_from(&q, &out), ALM_OK);
    assert_non_null(out);
    if (strcmp(out, want) != 0)
        fail_msg("%s... -> [%s], want [%s]", terms[0], out, want);
    free(out);
}

#define E(want, ...) \
    do { \
        const char *t_[] = { __VA_ARGS__ }; \
        expect(t_, sizeof(t_) / sizeof(t_[0]), want); \
    } while (0)

static void
test_terms(void **state)
{
    (void)state;
    E("'claude'", "claude");
    E("'open' & 'weights'", "open", "weights");
    E("'agent':*", "agent*");
    E("'agent':* & 'tool'", "agent*", "tool");
    E("('model' <-> 'release')", "model release");
    E("('model' <-> 'release':*)", "model release*");
    /* a word FTS5 splits is a phrase of its parts */
    E("('gpt' <-> '4o')", "gpt-4o");
    E("('claude' <-> 's')", "claude's");
    /* quotes and tsquery syntax are separators, never syntax */
    E("('say' <-> 'hi')", "say\"hi");
    E("('a' <-> 'b' <-> 'c')", "a'b|c");
    E("('x' <-> 'y')", "x & !y");
    /* non-ASCII letters are word characters */
    E("'café'", "café");
    /* a term of punctuation alone is left out */
    E("'model'", "--", "model");
    E("", "--");
}

static void
test_no_terms(void **state)
{
    struct text_query q = { NULL, 0 };
    char *out = (char *)"untouched";

    (void)state;
    assert_int_equal(pg_tsquery_from(NULL, &out), ALM_EINVAL);
    assert_null(out);
    out = (char *)"untouched";
    assert_int_equal(pg_tsquery_from(&q, &out), ALM_EINVAL);
    assert_null(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_no_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
