/*
 * tests/unit/llm.c - the checks of a language model's answer (llm/validate.c):
 * JSON (plain, fenced, with words around), length in words and sentences,
 * the title said again, entities the text does not name, and the message
 * content of a chat completions response.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"

static const char TITLE[] = "Orbital Labs releases Quill-7";
static const char TEXT[] =
    "Orbital Labs released Quill-7, a coding model, on Tuesday. The model beats "
    "earlier systems from Acme AI on long tasks, the company says.";

/* 3 sentences, 56 words. */
static const char GOOD[] =
    "Orbital Labs has released Quill-7, a model for coding agents, and describes how it "
    "was trained and evaluated. The company says it beats earlier systems from Acme AI "
    "on long tasks while costing less to run. That matters for teams building software "
    "with agents, though independent tests are still to come before anyone relies on it.";

static char *
answer(const char *summary, const char *entities)
{
    size_t n = strlen(summary) + strlen(entities) + 64;
    char *s = malloc(n);

    snprintf(s, n, "{\"summary\": \"%s\", \"kind\": \"release\", \"entities\": %s}", summary,
             entities);
    return s;
}

static const char *
check(const char *ans, char **summary, char **kind)
{
    return llm_validate(ans, TITLE, TEXT, summary, kind);
}

static void
test_good(void **state)
{
    char *a = answer(GOOD, "[\"Orbital Labs\", \"quill-7\", {\"name\": \"ACME AI\"}]");
    char *s, *k;

    (void)state;
    assert_null(check(a, &s, &k));
    assert_string_equal(s, GOOD);
    assert_string_equal(k, "release");
    free(s);
    free(k);
    free(a);
}

static void
test_fenced_and_wrapped(void **state)
{
    char *a = answer(GOOD, "[]");
    size_t n = strlen(a) + 64;
    char *f = malloc(n), *s, *k;

    (void)state;
    snprintf(f, n, "Sure! Here it is:\n```json\n%s\n```\nAnything else?", a);
    assert_null(check(f, &s, &k));
    assert_string_equal(s, GOOD);
    free(s);
    free(k);
    free(f);
    free(a);
}

static void
test_not_json(void **state)
{
    char *s = (char *)1, *k = (char *)1;

    (void)state;
    assert_string_equal(check("{\"summary\": \"Orbital", &s, &k), "the answer is not JSON");
    assert_null(s);
    assert_null(k);
    assert_string_equal(check("no braces at all", &s, &k), "the answer is not JSON");
    assert_string_equal(check("[1, 2]", &s, &k), "the answer is not a JSON object");
    assert_string_equal(check("{\"text\": \"x\"}", &s, &k), "no summary in the answer");
    assert_string_equal(check("{\"summary\": 5}", &s, &k), "no summary in the answer");
    assert_string_equal(check(NULL, &s, &k), "the answer is not JSON");
}

static void
test_length(void **state)
{
    char *a, *s, *k;
    char longer[2048];

    (void)state;
    a = answer("Orbital Labs released Quill-7. It is a coding model.", "[]");
    assert_string_equal(check(a, &s, &k), "the summary is shorter than 45 words");
    free(a);
    snprintf(longer, sizeof(longer), "%s %s %s", GOOD,
             "It also says a great deal more about the training data, the hardware, the "
             "pricing and the partners who tried it early in the year.",
             "The post ends with a list of open questions for researchers who want to "
             "reproduce the results.");
    a = answer(longer, "[]");
    assert_string_equal(check(a, &s, &k), "the summary is longer than 90 words");
    free(a);
    /* 50 words in one sentence */
    a = answer("Orbital Labs has released Quill-7 a model for coding agents and describes "
               "how it was trained and evaluated and says it beats earlier systems from "
               "Acme AI on long tasks while costing less to run which matters for teams "
               "building software with agents though independent tests are still to come",
               "[]");
    assert_string_equal(check(a, &s, &k), "the summary is not 2-4 sentences");
    free(a);
}

static void
test_title_again(void **state)
{
    char buf[1024], *a, *s, *k;

    (void)state;
    snprintf(buf, sizeof(buf), "Orbital Labs releases Quill-7. %s", GOOD);
    a = answer(buf, "[]");
    assert_string_equal(check(a, &s, &k), "the summary repeats the title");
    free(a);
}

static void
test_invented_entity(void **state)
{
    char *a = answer(GOOD, "[\"Orbital Labs\", \"Zorblax Dynamics\"]"), *s, *k;

    (void)state;
    assert_string_equal(check(a, &s, &k), "an entity the text does not name");
    assert_null(s);
    free(a);
    a = answer(GOOD, "[\"\"]");
    assert_string_equal(check(a, &s, &k), "an entity without a name");
    free(a);
    a = answer(GOOD, "\"Orbital Labs\"");
    assert_string_equal(check(a, &s, &k), "entities is not a list");
    free(a);
}

static void
test_markup(void **state)
{
    char buf[1024], *a, *s, *k;

    (void)state;
    snprintf(buf, sizeof(buf), "%s <b>Bold</b> claims.", GOOD);
    a = answer(buf, "[]");
    assert_non_null(check(a, &s, &k));
    free(a);
}

static void
test_counts(void **state)
{
    (void)state;
    assert_int_equal(llm_word_count("  one two\tthree\n"), 3);
    assert_int_equal(llm_word_count(""), 0);
    assert_int_equal(llm_sentence_count("It grew 3.5 times. Then it fell."), 2);
    assert_int_equal(llm_sentence_count("It ships e.g. to users. Done"), 2);
    assert_int_equal(llm_sentence_count("\"Wow.\" She said so! Why? 42 ways."), 4);
    assert_int_equal(llm_sentence_count("No full stop at the end"), 1);
    assert_int_equal(llm_sentence_count("..."), 0);
}

static void
test_response_content(void **state)
{
    char *c;

    (void)state;
    c = llm_response_content("{\"choices\":[{\"message\":{\"role\":\"assistant\","
                             "\"content\":\"{\\\"summary\\\":1}\"}}]}");
    assert_non_null(c);
    assert_string_equal(c, "{\"summary\":1}");
    free(c);
    assert_null(llm_response_content("{\"choices\":[]}"));
    assert_null(llm_response_content("{\"choices\":[{\"message\":{\"content\":null}}]}"));
    assert_null(llm_response_content("<html>502 Bad Gateway</html>"));
    assert_null(llm_response_content(NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_fenced_and_wrapped),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_title_again),
        cmocka_unit_test(test_invented_entity),
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_response_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
