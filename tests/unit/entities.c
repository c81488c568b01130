/* tests/unit/entities.c - dictionary loading, greedy matching, acronyms, candidates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/entities.h"
#include "analyze/text.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"

static const char test_dict[] =
    "# a small dictionary for the tests\n"
    "# version: 7\n"
    "\n"
    "Anthropic\tlab\tAnthropic PBC\t5\n"
    "Claude\tmodel\tClaude AI\t4\n"
    "Claude Mythos\tmodel\tClaude Mythos Preview|Mythos\t5\n"
    "OpenAI\tlab\tOpen AI\t5\n"
    "GPT-5\tmodel\tGPT 5\t5\n"
    "United States\tgovernment\tUS|U.S.|USA|United States of America\t5\n"
    "European Union\tgovernment\tEU\t5\n"
    "EU AI Act\tlaw\tAI Act|European AI Act\t5\n"
    "Allen Institute for AI\tresearch-org\tAI2|Ai2\t3\n"
    "Hugging Face\tcompany\tHF|HuggingFace\t4\n"
    "Commerce Department\tagency\tDepartment of Commerce|U.S. Commerce Department\t5\r\n"
    "Cerebras\tcompany\t\t3\n"
    "SB 1047\tlaw\t"
    "Safe and Secure Innovation for Frontier Artificial Intelligence Models Act\t4\n";

/* Writes s to a fresh temporary file; returns its malloc'd path. */
static char *
write_temp(const char *s)
{
    char *path = xstrdup("/tmp/almanac-entities-XXXXXX");
    int fd = mkstemp(path);
    size_t n = strlen(s);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, s, n), (ssize_t)n);
    close(fd);
    return path;
}

static int
setup(void **state)
{
    char *path = write_temp(test_dict);
    char err[256];
    struct entity_dict *d = NULL;
    int rc = entities_load(path, &d, err, sizeof(err));

    unlink(path);
    free(path);
    if (rc != ALM_OK) {
        fprintf(stderr, "load: %s\n", err);
        return -1;
    }
    *state = d;
    return 0;
}

static int
teardown(void **state)
{
    entities_free(*state);
    return 0;
}

static void
test_load(void **state)
{
    const struct entity_dict *d = *state;

    assert_int_equal(entities_count(d), 13);
    assert_int_equal(entities_version(d), 7);
    assert_int_equal(entities_skipped(d), 1); /* the 11-word title of SB 1047 */
    assert_string_equal(entities_name(d, 0), "Anthropic");
    assert_string_equal(entities_kind(d, 0), "lab");
    assert_int_equal(entities_salience(d, 0), 5);
    assert_string_equal(entities_name(d, 10), "Commerce Department");
    assert_int_equal(entities_salience(d, 10), 5); /* CRLF line */
    assert_null(entities_name(d, 13));
    assert_null(entities_name(d, -1));
    assert_null(entities_kind(NULL, 0));
    assert_int_equal(entities_count(NULL), 0);
    entities_free(NULL);
}

/* Bad files: the error must name the file and line. */
static const struct {
    const char *content;
    int rc;
    const char *msg;   /* expected in the error, after the path */
} bad_files[] = {
    { "A\tlab\t\t5\nB\tlab\t5\n", ALM_EINVAL, ":2: want 4 tab-separated fields" },
    { "A\tlab\t\t5\textra\n", ALM_EINVAL, ":1: want 4" },
    { "# c\nA\tlabb\t\t5\n", ALM_EINVAL, ":2: unknown kind 'labb'" },
    { "A\tlab\t\t0\n", ALM_EINVAL, ":1: salience '0' is not 1-5" },
    { "A\tlab\t\t6\n", ALM_EINVAL, ":1: salience '6'" },
    { "A\tlab\t\tfive\n", ALM_EINVAL, ":1: salience 'five'" },
    { "\tlab\tx\t3\n", ALM_EINVAL, ":1: empty canonical name" },
    { "A\tlab\t--|x\t3\n", ALM_EINVAL, ":1: name '--' has no words" },
    { "A\tlab\t\t3\nB\tlab\t\t3\nA\tcompany\t\t2\n", ALM_EINVAL,
      ":3: 'A' is already defined on line 1" },
};

static void
test_load_errors(void **state)
{
    struct entity_dict *d = NULL;
    char err[256];

    (void)state;
    for (size_t i = 0; i < LEN(bad_files); i++) {
        char *path = write_temp(bad_files[i].content);
        int rc = entities_load(path, &d, err, sizeof(err));
        unlink(path);
        assert_int_equal(rc, bad_files[i].rc);
        assert_null(d);
        if (strstr(err, bad_files[i].msg) == NULL || strncmp(err, path, strlen(path)) != 0)
            fail_msg("case %zu: got '%s', want '%s%s'", i, err, path, bad_files[i].msg);
        free(path);
    }
    assert_int_equal(entities_load("/nonexistent/entities.tsv", &d, err, sizeof(err)),
                     ALM_ENOTFOUND);
    assert_non_null(strstr(err, "/nonexistent/entities.tsv"));
    /* an empty file is a valid, empty dictionary */
    {
        char *path = write_temp("# version: 2\n");
        struct tokens t = { 0 };
        struct entity_hit *hits;
        assert_int_equal(entities_load(path, &d, NULL, 0), ALM_OK);
        unlink(path);
        free(path);
        assert_int_equal(entities_count(d), 0);
        assert_int_equal(entities_version(d), 2);
        text_tokenize("Anthropic", 9, &t);
        assert_int_equal(entities_match(d, &t, NULL, &hits), 0);
        assert_null(hits);
        tokens_fini(&t);
        entities_free(d);
    }
}

/* Expected hits, in order: "name/count/in_title/first" joined by "; ". */
static const struct {
    const char *title, *body, *want;
} match_cases[] = {
    /* longest match wins and consumes its words */
    { NULL, "Anthropic released Claude Mythos Preview today.",
      "Anthropic/1/0/0; Claude Mythos/1/0/2" },
    { NULL, "Claude is here. Claude Mythos too, and Mythos again.",
      "Claude Mythos/2/0/3; Claude/1/0/0" },
    { NULL, "The EU AI Act applies in the EU.", "EU AI Act/1/0/1; European Union/1/0/7" },
    { NULL, "the United States of America and the United States",
      "United States/2/0/1" },
    /* acronyms match only where the text wrote them in capitals */
    { NULL, "Tell us about the US and the EU.", "United States/1/0/4; European Union/1/0/7" },
    { NULL, "tell us, eu and usa", "" },
    { NULL, "U.S. export controls and USA", "United States/2/0/0" },
    { NULL, "AI2 and Ai2 and ai2", "Allen Institute for AI/3/0/0" },
    { NULL, "HF and hf", "Hugging Face/1/0/0" },
    /* possessives, curly apostrophes, case */
    { NULL, "Anthropic's Claude and OpenAI\xe2\x80\x99s GPT-5",
      "Anthropic/1/0/0; OpenAI/1/0/3; GPT-5/1/0/4; Claude/1/0/1" },
    { "ANTHROPIC SHIPS CLAUDE", NULL, "Anthropic/1/1/0; Claude/1/1/2" },
    /* the title doubles salience; positions continue into the body */
    { "OpenAI ships GPT-5", "Anthropic Anthropic Anthropic and GPT 5",
      "GPT-5/2/1/2; OpenAI/1/1/0; Anthropic/3/0/4" },
    { "U.S. Commerce Department imposes export controls", "The Department of Commerce said",
      "Commerce Department/2/1/0" },
    /* nothing to find */
    { "", "", "" },
    { NULL, NULL, "" },
    { NULL, "anthropo pic claud", "" },
    /* invalid UTF-8 around a name */
    { NULL, "\xff\xfe" "Anthropic\xc3 \x80\x80 Claude\xe2\x80", "Anthropic/1/0/0; Claude/1/0/1" },
};

static char *
describe(const struct entity_hit *h, size_t n)
{
    struct buf b = BUF_INIT(1 << 16);

    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s/%d/%d/%u", i ? "; " : "", h[i].name, h[i].count, h[i].in_title,
                   (unsigned)h[i].first);
    buf_puts(&b, "");
    return buf_take(&b);
}

static void
test_match(void **state)
{
    const struct entity_dict *d = *state;

    for (size_t i = 0; i < LEN(match_cases); i++) {
        struct tokens title = { 0 }, body = { 0 };
        struct entity_hit *hits = NULL;
        const char *ts = match_cases[i].title, *bs = match_cases[i].body;
        size_t n;
        char *got;

        if (ts)
            text_tokenize(ts, strlen(ts), &title);
        if (bs)
            text_tokenize(bs, strlen(bs), &body);
        n = entities_match(d, ts ? &title : NULL, bs ? &body : NULL, &hits);
        got = describe(hits, n);
        if (strcmp(got, match_cases[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, got, match_cases[i].want);
        if (n == 0)
            assert_null(hits);
        for (size_t k = 0; k < n; k++) {
            assert_string_equal(hits[k].name, entities_name(d, hits[k].entity));
            assert_string_equal(hits[k].kind, entities_kind(d, hits[k].entity));
        }
        free(got);
        free(hits);
        tokens_fini(&title);
        tokens_fini(&body);
    }
}

/* Techniques in the shipped dictionary: named forms match, ordinary words and
 * lower-case acronyms do not. Expected hits "name/kind/count" joined by "; ". */
static const struct {
    const char *text, *want;
} technique_cases[] = {
    { "The model was trained with RLHF and then reinforcement learning from human feedback.",
      "Reinforcement learning from human feedback/technique/2" },
    { "A mixture-of-experts model; MoE layers route tokens.", "Mixture of experts/technique/2" },
    { "Their RAG pipeline uses retrieval-augmented generation.",
      "Retrieval-augmented generation/technique/2" },
    { "It writes a chain of thought before answering, with LoRA adapters.",
      "Chain-of-thought/technique/1; Low-rank adaptation/technique/1" },
    { "Stable Diffusion is a diffusion model.",
      "Stable Diffusion/model/1; Diffusion model/technique/1" },
    { "External red teaming found a prompt injection.",
      "Red teaming/technique/1; Prompt injection/technique/1" },
    /* ordinary words and the senses left out on purpose */
    { "She will rag on the slow rollout; the rag was wet.", "" },
    { "Diffusion of the technology was slow; the transformer blew at the data centre.", "" },
    { "A red car, a chain and a thought; we need RL and an SAE Level 4 car.", "" },
    { "The firm hired a DPO under GDPR rules.", "GDPR/law/1" },
};

static void
test_techniques(void **state)
{
    struct entity_dict *d = NULL;
    char err[256];

    (void)state;
    if (entities_load("data/entities.tsv", &d, err, sizeof(err)) != ALM_OK)
        fail_msg("load: %s", err);
    for (size_t i = 0; i < LEN(technique_cases); i++) {
        struct tokens body = { 0 };
        struct entity_hit *hits = NULL;
        struct buf b = BUF_INIT(1 << 12);
        size_t n;
        char *got;

        text_tokenize(technique_cases[i].text, strlen(technique_cases[i].text), &body);
        n = entities_match(d, NULL, &body, &hits);
        for (size_t k = 0; k < n; k++)
            buf_printf(&b, "%s%s/%s/%d", k ? "; " : "", hits[k].name, hits[k].kind,
                       hits[k].count);
        buf_puts(&b, "");
        got = buf_take(&b);
        if (strcmp(got, technique_cases[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, got, technique_cases[i].want);
        free(got);
        free(hits);
        tokens_fini(&body);
    }
    entities_free(d);
}

/* Expected candidates joined by "; ". */
static const struct {
    const char *text, *want;
} cand_cases[] = {
    { "Yesterday the team met Dean Ball and Kevin Xu at Stanford University. Nathan said hi.",
      "Dean Ball; Kevin Xu; Stanford University" },
    { "We spoke with Anthropic and the Project Glasswing people about Claude Mythos.",
      "Project Glasswing" },
    { "Partners include AWS, Apple and Microsoft, plus CrowdStrike.",
      "AWS; Apple; Microsoft; Crowdstrike" },
    { "Then Kevin Xu wrote back, and Kevin Xu agreed with KEVIN XU.", "Kevin Xu" },
    { "Then the Five Long Capitalized Phrase Ends came, as did Luma AI.", "Luma" },
    { "He met Zo\xc3\xab M\xc3\xbcller in \xc3\x89vian.", "Zoe Muller; Evian" },
    { "Anthropic Releases Claude Mythos Preview With Extraordinary Cybersecurity Capabilities",
      "" },
    { "Data Points. Meta. Apple.", "" },
    { "the U.S. and the EU met on Monday with the CEO of AI2", "" },
    { "", "" },
    { "\xff\xfe\xc3", "" },
};

static void
test_candidates(void **state)
{
    const struct entity_dict *d = *state;

    for (size_t i = 0; i < LEN(cand_cases); i++) {
        struct tokens t = { 0 };
        struct buf b = BUF_INIT(1 << 16);
        char **v = NULL;
        size_t n;

        text_tokenize(cand_cases[i].text, strlen(cand_cases[i].text), &t);
        n = entities_candidates(d, &t, &v);
        for (size_t k = 0; k < n; k++)
            buf_printf(&b, "%s%s", k ? "; " : "", v[k]);
        if (strcmp(buf_cstr(&b), cand_cases[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, buf_cstr(&b), cand_cases[i].want);
        entities_candidates_free(v, n);
        buf_fini(&b);
        tokens_fini(&t);
    }
}

static void
test_candidates_limit(void **state)
{
    const struct entity_dict *d = *state;
    struct buf b = BUF_INIT(1 << 20);
    struct tokens t = { 0 };
    char **v = NULL;
    size_t n;

    /* 60 distinct names, some repeated: at most 20 come back, each once */
    for (int i = 0; i < 60; i++)
        buf_printf(&b, "we met Name%c%c today and met Name%c%c again, ", 'a' + i / 26,
                   'a' + i % 26, 'a' + i / 26, 'a' + i % 26);
    text_tokenize(buf_cstr(&b), b.len, &t);
    n = entities_candidates(d, &t, &v);
    assert_int_equal(n, ENTITIES_MAX_CANDIDATES);
    assert_string_equal(v[0], "Nameaa");
    assert_string_equal(v[19], "Nameat");
    entities_candidates_free(v, n);
    entities_candidates_free(NULL, 0);
    /* without a dictionary every capitalized name is a candidate */
    tokens_reset(&t);
    text_tokenize("we met Anthropic staff", 22, &t);
    n = entities_candidates(NULL, &t, &v);
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "Anthropic");
    entities_candidates_free(v, n);
    tokens_fini(&t);
    buf_fini(&b);
}

/* 1 MB of one word, 1 MB without a break, 1 MB of bytes that are not UTF-8. */
static void
test_hostile(void **state)
{
    const struct entity_dict *d = *state;
    size_t big = 1 << 20;
    char *s = xmalloc(big + 1);
    struct tokens t = { 0 };
    struct entity_hit *hits;
    char **v;
    size_t n;

    for (size_t i = 0; i < big; i++)
        s[i] = i < big / 10 * 10 ? "Anthropic "[i % 10] : ' ';
    s[big] = '\0';
    text_tokenize(s, big, &t);
    n = entities_match(d, &t, &t, &hits);
    assert_int_equal(n, 1);
    assert_int_equal(hits[0].count, (int)(2 * t.n));
    assert_int_equal(hits[0].in_title, 1);
    free(hits);
    n = entities_candidates(d, &t, &v);
    assert_int_equal(n, 0);
    tokens_fini(&t);

    memset(s, 'a', big);
    text_tokenize(s, big, &t);
    assert_int_equal(entities_match(d, NULL, &t, &hits), 0);
    tokens_fini(&t);

    for (size_t i = 0; i < big; i++)
        s[i] = (char)(0x80 + i % 64);
    text_tokenize(s, big, &t);
    assert_int_equal(entities_match(d, NULL, &t, &hits), 0);
    n = entities_candidates(d, &t, &v);
    assert_int_equal(n, 0);
    entities_candidates_free(v, n);
    tokens_fini(&t);
    free(s);
}

/*
 * A long text finds what its parts find: a 1,000-word block repeated five
 * times (one 5,000-word body) gives the same entities, each with five times
 * the block's mentions and its first mention where the block has it. The
 * speed is bench/'s to measure, not an assertion's.
 */
static void
test_long_text(void **state)
{
    static const char *const words[] = {
        "the", "model", "Anthropic", "released", "Claude", "Mythos", "Preview", "with",
        "a", "card", "and", "the", "U.S.", "government", "said", "EU", "AI", "Act",
        "rules", "apply", "to", "OpenAI", "GPT-5", "as", "well", "us", "researchers",
    };
    const struct entity_dict *d = *state;
    struct buf block = BUF_INIT(1 << 20), all = BUF_INIT(1 << 20);
    struct tokens tb = { 0 }, ta = { 0 };
    struct entity_hit *hb, *ha;
    size_t nb, na;
    unsigned seed = 1;

    for (int i = 0; i < 1000; i++) {
        seed = seed * 1103515245 + 12345;
        buf_printf(&block, "%s ", words[(seed >> 16) % LEN(words)]);
    }
    /* a full stop between blocks, so no phrase spans two of them */
    buf_puts(&block, ". ");
    for (int i = 0; i < 5; i++)
        buf_puts(&all, buf_cstr(&block));
    text_tokenize(buf_cstr(&block), block.len, &tb);
    text_tokenize(buf_cstr(&all), all.len, &ta);
    assert_int_equal(ta.n, 5 * tb.n);
    nb = entities_match(d, NULL, &tb, &hb);
    na = entities_match(d, NULL, &ta, &ha);
    assert_true(nb > 3);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < nb; i++) {
        size_t j = 0;
        while (j < na && ha[j].entity != hb[i].entity)
            j++;
        assert_true(j < na);
        assert_int_equal(ha[j].count, 5 * hb[i].count);
        assert_int_equal(ha[j].first, hb[i].first);
    }
    free(hb);
    free(ha);
    tokens_fini(&tb);
    tokens_fini(&ta);
    buf_fini(&block);
    buf_fini(&all);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test_setup_teardown(test_match, setup, teardown),
        cmocka_unit_test(test_techniques),
        cmocka_unit_test_setup_teardown(test_candidates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_candidates_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
