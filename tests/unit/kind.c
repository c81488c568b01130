/* tests/unit/kind.c - event kinds: rule order, cues, money, hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/entities.h"
#include "analyze/kind.h"
#include "analyze/text.h"
#include "base/err.h"
#include "base/xalloc.h"

/* A small dictionary, so the test does not move when data/entities.tsv does. */
static const char test_dict[] =
    "# version: 1\n"
    "Anthropic\tlab\t\t5\n"
    "OpenAI\tlab\t\t5\n"
    "Meta\tcompany\tMeta Platforms\t5\n"
    "Cerebras\tcompany\t\t3\n"
    "Claude\tmodel\t\t5\n"
    "Claude Mythos Preview\tmodel\t\t5\n"
    "Claude Fable 5\tmodel\tClaude Fable\t5\n"
    "Claude Opus 5\tmodel\t\t5\n"
    "GPT-5\tmodel\t\t5\n"
    "Llama\tmodel\t\t4\n"
    "Gemini\tmodel\t\t5\n"
    "China\tgovernment\tPRC\t5\n"
    "European Union\tgovernment\tEU\t5\n"
    "U.S. Senate\tgovernment\tSenate\t4\n"
    "U.S. Commerce Department\tagency\tCommerce Department\t5\n"
    "NYT v. OpenAI\tcourt\tNew York Times v. OpenAI\t4\n"
    "EU AI Act\tlaw\tAI Act\t5\n";

static struct entity_dict *dict;

static int
setup(void **state)
{
    char path[] = "/tmp/almanac-kind-XXXXXX";
    int fd = mkstemp(path), rc;
    char err[256];

    (void)state;
    if (fd < 0 || write(fd, test_dict, strlen(test_dict)) != (ssize_t)strlen(test_dict))
        return -1;
    close(fd);
    rc = entities_load(path, &dict, err, sizeof(err));
    unlink(path);
    if (rc != ALM_OK)
        fprintf(stderr, "%s\n", err);
    return rc == ALM_OK ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    entities_free(dict);
    return 0;
}

static enum event_kind
classify(const char *title, const char *text, const char *source_kind, const char **why)
{
    struct analysis_input in = { 0 };
    struct tokens t = { 0 }, b = { 0 };
    struct entity_hit *hits = NULL;
    enum event_kind k;
    size_t n;

    in.title = title;
    in.text = text;
    in.source_name = "Test";
    in.source_kind = source_kind;
    in.tier = 2;
    if (title)
        text_tokenize(title, strlen(title), &t);
    if (text)
        text_tokenize(text, strlen(text), &b);
    n = entities_match(dict, title ? &t : NULL, text ? &b : NULL, &hits);
    k = kind_classify(&in, title ? &t : NULL, text ? &b : NULL, hits, n, why);
    free(hits);
    tokens_fini(&t);
    tokens_fini(&b);
    return k;
}

static const struct {
    const char *title, *text, *source_kind;
    enum event_kind want;
    const char *why;   /* expected inside the reason */
} cases[] = {
    /* 1. digests beat everything */
    { "Data Points: Anthropic's Claude Mythos Claims Face Scrutiny; OpenAI-Cerebras Deal",
      "OpenAI's $20B+ deal with Cerebras, and a zero-day vulnerability.", "newsletter",
      KIND_DIGEST, "'data points'" },
    { "Issue #42: agents everywhere", NULL, "newsletter", KIND_DIGEST, "'issue #'" },
    { "Weekly AI roundup", NULL, "press", KIND_DIGEST, "'weekly'" },
    { "This week in AI: OpenAI releases GPT-5", NULL, "press", KIND_DIGEST, "'this week'" },
    { "Last Week in AI #200", NULL, "newsletter", KIND_DIGEST, "'last week'" },
    { "TLDR AI 2025-06-01", NULL, "newsletter", KIND_DIGEST, "'tldr'" },
    { "The Batch: Claude Fable 5 and export controls", NULL, "newsletter", KIND_DIGEST,
      "'the batch'" },
    { "Gemini Flash Gets Pricey, AI Act Delays, Agents Drive Online Traffic", NULL,
      "newsletter", KIND_DIGEST, "several stories" },
    { "Introducing Gemini 3.6 Flash, 3.5 Flash-Lite, and 3.5 Flash Cyber", NULL, "lab",
      KIND_RELEASE, "'introducing'" },
    { "OpenAI's weekly active users double", NULL, "press", KIND_OTHER, "no rule" },
    /* 2. tutorials and routine posts */
    { "Webinar: getting started with our API", NULL, "company", KIND_TUTORIAL, "'webinar'" },
    { "How to fine-tune a small model", NULL, "company", KIND_TUTORIAL, "'how to'" },
    { "Customer story: how Acme uses embeddings", NULL, "company", KIND_TUTORIAL,
      "'customer story'" },
    { "Changelog: v1.2.3 fixes", NULL, "community", KIND_TUTORIAL, "'changelog'" },
    { "Release notes for Claude apps", NULL, "lab", KIND_TUTORIAL, "'release notes'" },
    { "A guide to prompt caching with Claude", NULL, "lab", KIND_TUTORIAL, "'guide to'" },
    /* 3. an opinion piece stays one, whatever it is about */
    { "Op-ed: Banning Open Source AI Would Be A Mistake",
      "An op-ed argues against banning open-source AI and regulatory restrictions.",
      "newsletter", KIND_COMMENTARY, "'op ed'" },
    { "Opinion: OpenAI releases GPT-5 too early", NULL, "press", KIND_COMMENTARY,
      "'opinion'" },
    { "AI and the Future of Cybersecurity: Why Openness Matters",
      "A blog post argues that open models help vulnerability research and red-teaming.",
      "company", KIND_COMMENTARY, "'why'" },
    { "The case against export controls on open models", NULL, "policy", KIND_COMMENTARY,
      "'the case against'" },
    /* 4. binding actions, even when framed as commentary */
    { "Andrew Ng commentary on Anthropic's Claude Fable 5 restrictions and U.S. export "
      "controls on frontier AI models", "Ng argues these moves matter.", "newsletter",
      KIND_POLICY, "'export controls'" },
    { "U.S. Commerce Department imposes export controls on advanced AI chips to China", NULL,
      "policy", KIND_POLICY, "'export controls'" },
    { "Judge allows lawsuit in New York Times v. OpenAI to proceed", NULL, "press",
      KIND_POLICY, "'lawsuit'" },
    { "EU fines Meta over AI training data", NULL, "press", KIND_POLICY,
      "'fines' about a government body" },
    { "Senate passes AI safety bill", NULL, "press", KIND_POLICY, "'passes'" },
    { "What the EU AI Act means for startups", NULL, "press", KIND_POLICY, "names a law" },
    /* 5. security */
    { "Critical vulnerability found in popular inference server", NULL, "press",
      KIND_SECURITY, "'vulnerability'" },
    { "New jailbreak bypasses Claude guardrails days after launch", NULL, "press",
      KIND_SECURITY, "'jailbreak'" },
    { "Zero-day in AI agent framework exploited in the wild", NULL, "press", KIND_SECURITY,
      "security" },
    /* 6. commentary by label */
    { "Interconnects commentary on Claude Fable 5 and AI safety power politics",
      "Nathan Lambert's newsletter analyzes Claude Fable 5.", "newsletter",
      KIND_COMMENTARY, "'commentary'" },
    { "Our position on open-weights models", NULL, "lab", KIND_COMMENTARY, "'position on'" },
    /* 7. releases that name a model or product */
    { "Anthropic Releases Claude Mythos Preview with Extraordinary Cybersecurity "
      "Capabilities, Forms Project Glasswing Consortium",
      "A model card, $100 million in credits, and code vulnerabilities. The issue also "
      "includes commentary from Andrew Ng.", "newsletter", KIND_RELEASE,
      "'releases' and names a model" },
    { "OpenAI releases GPT-5, its most capable model", NULL, "lab", KIND_RELEASE,
      "'releases'" },
    { "Introducing Claude Opus 5", NULL, "lab", KIND_RELEASE, "'introducing'" },
    { "Meta open-sources Llama 5 weights", NULL, "press", KIND_RELEASE, "'open sources'" },
    { "Meta to release Llama 5 in April", NULL, "press", KIND_RELEASE, "'to release'" },
    /* 8. business */
    { "Cerebras raises $1.1 billion at an $8 billion valuation", NULL, "press",
      KIND_BUSINESS, "amount" },
    { "OpenAI acquires a device startup", NULL, "press", KIND_BUSINESS, "'acquires'" },
    { "Anthropic announces partnership with a bank", NULL, "lab", KIND_BUSINESS,
      "'partnership'" },
    /* 9. research */
    { "New paper: scaling laws for agents", NULL, "research", KIND_RESEARCH, "'paper'" },
    { "Benchmark results for open models", NULL, "press", KIND_RESEARCH, "'benchmark'" },
    /* 10. release verbs without a named model */
    { "Anthropic launches a fellowship", NULL, "press", KIND_RELEASE, "names a lab" },
    { "Introducing Trackio", NULL, "company", KIND_RELEASE, "source is a lab or company" },
    { "Introducing Trackio", NULL, "press", KIND_OTHER, "no rule" },
    { "Predicting model behavior before release", NULL, "lab", KIND_OTHER, "no rule" },
    /* 11. a newsletter that argues */
    { "The Inevitable Need for an Open Model Consortium",
      "Nathan Lambert argues for the formation of an open model consortium.", "newsletter",
      KIND_COMMENTARY, "newsletter" },
    { "Dean Ball on open models and government control",
      "A commentary piece examines the legal and policy implications of the case; it "
      "argues the case may set precedents on government authority and regulation.",
      "newsletter", KIND_COMMENTARY, "newsletter" },
    { "The Inevitable Need for an Open Model Consortium",
      "Nathan Lambert argues for the formation of an open model consortium.", "press",
      KIND_OTHER, "no rule" },
    /* 12. the body votes */
    { "Thursday update",
      "Attackers exploited a vulnerability in the plugin; the vendor patched it.", "press",
      KIND_SECURITY, "security" },
    { "Training data, again",
      "The court said the regulation applies and the government must comply.", "press",
      KIND_POLICY, "policy" },
    { "Meet the new model",
      "Claude Opus 5 is now available to everyone; Anthropic released it today.", "press",
      KIND_RELEASE, "release" },
    { "Chips for everyone", "The startup raised $300 million from investors at a "
      "valuation of $2 billion.", "press", KIND_BUSINESS, "business" },
    { "Notes from the lab", "In this paper we show new results on a benchmark.",
      "research", KIND_RESEARCH, "research" },
    /* 13. nothing */
    { "Ben Bernanke appointed to the board", "He joins today.", "lab", KIND_OTHER,
      "no rule" },
    { NULL, NULL, NULL, KIND_OTHER, "no rule" },
    { "", "", "", KIND_OTHER, "no rule" },
    { "\xff\xfe\xc3", "\x80\x80 \xe2\x80", "press", KIND_OTHER, "no rule" },
};

static void
test_classify(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(cases); i++) {
        const char *why = NULL;
        enum event_kind k = classify(cases[i].title, cases[i].text, cases[i].source_kind,
                                     &why);
        if (k != cases[i].want || why == NULL || strstr(why, cases[i].why) == NULL)
            fail_msg("case %zu '%s': got %s (%s), want %s (%s)", i,
                     cases[i].title ? cases[i].title : "(null)", event_kind_name(k),
                     why ? why : "(null)", event_kind_name(cases[i].want), cases[i].why);
    }
    /* why may be NULL */
    assert_int_equal(classify("Weekly AI roundup", NULL, NULL, NULL), KIND_DIGEST);
    assert_int_equal(kind_classify(NULL, NULL, NULL, NULL, 3, NULL), KIND_OTHER);
}

static void
test_names(void **state)
{
    (void)state;
    for (int k = 0; k < KIND_COUNT; k++)
        assert_int_equal(event_kind_parse(event_kind_name((enum event_kind)k)), k);
    assert_string_equal(event_kind_name(KIND_RELEASE), "release");
    assert_string_equal(event_kind_name(KIND_TUTORIAL), "tutorial");
    assert_string_equal(event_kind_name(KIND_COUNT), "other");
    assert_string_equal(event_kind_name((enum event_kind)-1), "other");
    assert_int_equal(event_kind_parse("Policy"), KIND_POLICY);
    assert_int_equal(event_kind_parse("nope"), KIND_OTHER);
    assert_int_equal(event_kind_parse(""), KIND_OTHER);
    assert_int_equal(event_kind_parse(NULL), KIND_OTHER);
}

static const struct {
    const char *text;
    int found;
    double want;
} money_cases[] = {
    { "funded with $100 million in API credits", 1, 1e8 },
    { "OpenAI's $20B+ deal with Cerebras", 1, 2e10 },
    { "a \xc2\xa3" "2bn fund", 1, 2e9 },
    { "\xe2\x82\xac" "1.5 billion for chips", 1, 1.5e9 },
    { "USD 3 million", 1, 3e6 },
    { "$4 million and then $100 million", 1, 1e8 },
    { "$1,200 million", 1, 1.2e9 },
    { "$3 Bn", 1, 3e9 },
    { "$10M seed round", 1, 1e7 },
    { "a $2 trillion market", 1, 2e12 },
    { "100 million users", 0, 0 },
    { "costs $5", 0, 0 },
    { "$20 b", 0, 0 },
    { "$5 mini", 0, 0 },
    { "$5million", 1, 5e6 },
    { "a 3B model for $0", 0, 0 },
    { "$", 0, 0 },
    { "", 0, 0 },
};

static void
test_money(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(money_cases); i++) {
        double got = -1;
        int found = kind_money(money_cases[i].text, &got);
        if (found != money_cases[i].found ||
            (found && (got < money_cases[i].want * 0.999 || got > money_cases[i].want * 1.001)))
            fail_msg("case %zu '%s': found %d, %g; want %d, %g", i, money_cases[i].text,
                     found, got, money_cases[i].found, money_cases[i].want);
    }
    assert_int_equal(kind_money(NULL, NULL), 0);
    assert_int_equal(kind_money("$7 billion", NULL), 1);
}

static void
test_cue(void **state)
{
    struct tokens t = { 0 };
    const char *s = "Issue #42: U.S. export controls on chips, export bans";

    (void)state;
    text_tokenize(s, strlen(s), &t);
    assert_int_equal(kind_cue(&t, t.n, "issue #"), 1);
    assert_int_equal(kind_cue(&t, t.n, "export controls"), 5);
    assert_int_equal(kind_cue(&t, 4, "export controls"), 0);  /* past the limit */
    assert_int_equal(kind_cue(&t, 5, "export controls"), 0);  /* cut in half */
    assert_int_equal(kind_cue(&t, 6, "export controls"), 5);
    assert_int_equal(kind_cue(&t, 99, "export bans"), 9);
    assert_int_equal(kind_cue(&t, t.n, "export"), 5);
    assert_int_equal(kind_cue(&t, t.n, "exports"), 0);
    assert_int_equal(kind_cue(&t, t.n, ""), 0);
    assert_int_equal(kind_cue(NULL, 10, "issue"), 0);
    tokens_fini(&t);
}

/* 1 MB of one word, as title and body; 1 MB of bytes that are not UTF-8. */
static void
test_hostile(void **state)
{
    size_t big = 1 << 20;
    char *s = xmalloc(big + 1);
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < big; i++)
        s[i] = "release "[i % 8];
    s[big] = '\0';
    assert_int_equal(classify(s, s, "lab", &why), KIND_OTHER);
    for (size_t i = 0; i < big; i++)
        s[i] = "Anthropic releases Claude "[i % 26];
    s[big - 1] = '\0';
    assert_int_equal(classify(s, s, "press", &why), KIND_RELEASE);
    for (size_t i = 0; i < big; i++)
        s[i] = (char)(0x80 + i % 64);
    s[big] = '\0';
    assert_int_equal(classify(s, s, "press", &why), KIND_OTHER);
    memset(s, '$', big);
    assert_int_equal(kind_money(s, NULL), 0);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_cue),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
