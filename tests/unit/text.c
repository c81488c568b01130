/* tests/unit/text.c - the tokenizer, stop words, stems and shingles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/text.h"
#include "base/buf.h"
#include "base/err.h"

/* The folded words of s, space-separated. */
static char *
words(const char *s)
{
    struct tokens t = { 0 };
    struct buf b = BUF_INIT(1 << 20);

    text_tokenize(s, strlen(s), &t);
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, tok_str(&t, i));
    }
    tokens_fini(&t);
    return buf_take(&b);
}

static const struct {
    const char *in, *want;
} cases[] = {
    { "Anthropic Releases Claude Mythos", "anthropic releases claude mythos" },
    { "Anthropic's model isn't open", "anthropic model isnt open" },
    { "Anthropic\xe2\x80\x99s GPT-4o and o3-mini", "anthropic gpt 4o and o3 mini" },
    { "U.S. Commerce Department", "u s commerce department" },
    { "Caf\xc3\xa9 Z\xc3\xbcrich \xc3\x85NGSTR\xc3\x96M", "cafe zurich angstrom" },
    { "$100 million, 40+ orgs", "100 million 40 orgs" },
    { "  ", "" },
    { "\xff\xfe bad bytes", "bad bytes" },
    { "Stra\xc3\x9f" "e", "strasse" },
    { "\xe6\x97\xa5\xe6\x9c\xac AI", "\xe6\x97\xa5\xe6\x9c\xac ai" },
};

static void
test_tokenize(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(cases); i++) {
        char *got = words(cases[i].in);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

static void
test_flags(void **state)
{
    struct tokens t = { 0 };
    const char *s = "The EU AI Act passed. Then nvidia shipped";

    (void)state;
    text_tokenize(s, strlen(s), &t);
    assert_int_equal(t.n, 8);
    assert_true(t.v[0].flags & TOK_SENT);
    assert_true(t.v[1].flags & TOK_CAP);
    assert_true(t.v[1].flags & TOK_ALLCAPS);
    assert_false(t.v[3].flags & TOK_ALLCAPS);
    assert_true(t.v[5].flags & TOK_SENT);
    assert_false(t.v[6].flags & TOK_CAP);
    assert_int_equal(t.v[6].src, strlen("The EU AI Act passed. Then "));
    tokens_fini(&t);
}

static void
test_stopwords_and_stems(void **state)
{
    struct stemmer *st = stemmer_new();
    size_t n;
    const char *r;

    (void)state;
    assert_true(text_is_stopword("the", 3));
    assert_true(text_is_stopword("would", 5));
    assert_false(text_is_stopword("model", 5));
    assert_non_null(st);
    r = stemmer_stem(st, "releases", 8, &n);
    assert_int_equal(n, 6);
    assert_memory_equal(r, "releas", 6);
    stemmer_free(st);
}

static void
test_terms_and_shingles(void **state)
{
    struct stemmer *st = stemmer_new();
    uint64_t *a, *b, *c;
    const char *s1 = "Anthropic releases new models", *s2 = "anthropic released a new model";
    size_t na = text_terms(st, s1, strlen(s1), &a);
    size_t nb = text_terms(st, s2, strlen(s2), &b);
    size_t nc;

    (void)state;
    /* same stems once stop words and inflection are gone */
    assert_int_equal(na, 3);
    assert_int_equal(nb, 3);
    assert_memory_equal(a, b, 3 * sizeof(uint64_t));
    nc = text_shingles(st, s1, strlen(s1), 2, &c);
    assert_int_equal(nc, 2);
    assert_int_not_equal(c[0], c[1]);
    free(a);
    free(b);
    free(c);
    stemmer_free(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenize),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_stopwords_and_stems),
        cmocka_unit_test(test_terms_and_shingles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
