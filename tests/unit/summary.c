/*
 * tests/unit/summary.c - sentence splitting, boilerplate removal, the
 * 60-word and whole-sentence guarantees on real items (tests/data/analyze),
 * the title fallback, the context sentence and hostile input.
 * Run from the repository root (make test does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analyze/summary.h"
#include "base/buf.h"
#include "base/err.h"
#include "extract/extract.h"

#define DATA "tests/data/analyze/"

/* ---- helpers ---- */

static void
collect(const char *p, size_t len, void *arg)
{
    struct buf *b = arg;

    if (b->len > 0)
        buf_puts(b, " | ");
    buf_append(b, p, len);
}

/* The sentences of s joined by " | ". */
static char *
sentences(const char *s)
{
    struct buf b = BUF_INIT(1 << 22);
    char *r;

    summary_sentences(s, strlen(s), collect, &b);
    r = buf_take(&b);
    return r ? r : strdup("");
}

/* Where the context sentence starts: the last " As a" / " As an". */
static size_t
context_at(const char *s)
{
    const char *p = s, *last = NULL;

    while ((p = strstr(p, " As a")) != NULL) {
        last = p;
        p++;
    }
    return last ? (size_t)(last - s) : strlen(s);
}

static int
valid_utf8(const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static void
assert_no_markup(const char *s)
{
    assert_null(strstr(s, "<p"));
    assert_null(strstr(s, "<b>"));
    assert_null(strstr(s, "</"));
    assert_null(strstr(s, "&amp;"));
    assert_null(strstr(s, "&lt;"));
    assert_null(strstr(s, "&#"));
    assert_true(valid_utf8(s));
}

static char *
make(const char *title, const char *text, const char *source, int tier, enum event_kind kind)
{
    struct analysis_input in = { 0 };

    in.title = title;
    in.text = text;
    in.source_name = source;
    in.tier = tier;
    return summary_make(&in, kind, NULL, 0, NULL, 0);
}

/* The extract of a summary (without the context sentence), malloc'd. */
static char *
extract_of(const char *s)
{
    return strndup(s, context_at(s));
}

/* ---- sentence splitting ---- */

static const struct {
    const char *in, *want;
} split_cases[] = {
    { "One two three. Four five six.", "One two three. | Four five six." },
    { "The U.S. Commerce Department acted. Nvidia said no.",
      "The U.S. Commerce Department acted. | Nvidia said no." },
    { "Sales rose in the U.S. The rest fell.", "Sales rose in the U.S. | The rest fell." },
    { "Dr. Smith and Mr. Jones met. They agreed.", "Dr. Smith and Mr. Jones met. | They agreed." },
    { "Use tools, e.g. search, i.e. the web. Then stop.",
      "Use tools, e.g. search, i.e. the web. | Then stop." },
    { "It is No. 1 in sales. Acme Inc. Chief Executive Jane Roe said so.",
      "It is No. 1 in sales. | Acme Inc. Chief Executive Jane Roe said so." },
    { "Shares of Acme Inc. The company fell.", "Shares of Acme Inc. | The company fell." },
    { "Python vs. Rust is old. Both won.", "Python vs. Rust is old. | Both won." },
    { "Growth was 3.5 percent. Costs were 1.25x.", "Growth was 3.5 percent. | Costs were 1.25x." },
    { "John F. Kennedy spoke. It rained.", "John F. Kennedy spoke. | It rained." },
    { "He waited... Then he left.", "He waited... | Then he left." },
    { "He waited \xe2\x80\xa6 Then he left.", "He waited \xe2\x80\xa6 | Then he left." },
    { "It was... fine. Really.", "It was... fine. | Really." },
    { "He said \"stop.\" Then he left.", "He said \"stop.\" | Then he left." },
    { "She said \xe2\x80\x9cno.\xe2\x80\x9d Then she left.",
      "She said \xe2\x80\x9cno.\xe2\x80\x9d | Then she left." },
    { "(It was late.) We left.", "(It was late.) | We left." },
    { "Really? Yes! Fine.", "Really? | Yes! | Fine." },
    { "Visit example.com today. Now.", "Visit example.com today. | Now." },
    { "No final punctuation here", "No final punctuation here" },
    { "First paragraph ends\n\nSecond one too", "First paragraph ends | Second one too" },
    { "A line that was wrapped by the feed\nin the middle. Next.",
      "A line that was wrapped by the feed in the middle. | Next." },
    { "Heading\nThe body starts here.", "Heading | The body starts here." },
    { "It ended at 10 a.m. The crowd left.", "It ended at 10 a.m. | The crowd left." },
    { "Version 2.0 shipped. 2026 is next.", "Version 2.0 shipped. | 2026 is next." },
    { "", "" },
    { "   \n\n  ", "" },
};

static void
test_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(split_cases); i++) {
        char *got = sentences(split_cases[i].in);
        if (strcmp(got, split_cases[i].want) != 0)
            print_error("case %zu: %s\n", i, split_cases[i].in);
        assert_string_equal(got, split_cases[i].want);
        free(got);
    }
}

static void
test_word_count(void **state)
{
    (void)state;
    assert_int_equal(summary_word_count("", 0), 0);
    assert_int_equal(summary_word_count("one two  three", 14), 3);
    assert_int_equal(summary_word_count("a \xe2\x80\x94 b", 7), 2);
    assert_int_equal(summary_word_count("Z\xc3\xbcrich caf\xc3\xa9", 13), 2);
}

/* ---- boilerplate ---- */

static const struct {
    const char *title, *text;
    const char *want_prefix;   /* the extract starts so */
    const char *absent;        /* and never holds this */
} boiler_cases[] = {
    { "T", "By Jane Doe\nJune 3, 2026 \xe2\x80\x94 The company said on Tuesday that it would "
           "open a new lab in Paris.",
      "The company said on Tuesday", "Jane" },
    { "T", "By Jane Doe and John Roe | Reuters\n\nThe company said on Tuesday that it would "
           "open a new lab in Paris.",
      "The company said", "Roe" },
    { "T", "NEW YORK (Reuters) - Oil prices fell sharply on Tuesday on oversupply concerns.",
      "Oil prices fell", "Reuters" },
    { "T", "SAN FRANCISCO, Calif. \xe2\x80\x94 The startup raised $40 million in new funding.",
      "The startup raised", "FRANCISCO" },
    { "T", "(AP) \xe2\x80\x94 The agency published its final rule on Monday morning.",
      "The agency published", "(AP)" },
    { "T", "March 4, 2026: The board approved the merger after a long review.",
      "The board approved", "2026" },
    { "T", "By Chester Curme and Mason Daugherty As agents grow, context management matters "
           "more than ever.",
      "As agents grow", "Curme" },
    { "T", "The lab released a new model for coding today.\n\nThe post New model appeared "
           "first on Example Blog.",
      "The lab released", "appeared first" },
    { "T", "The lab released a new model for coding today. Continue reading the full story "
           "on our site.",
      "The lab released", "Continue" },
    { "T", "The lab released a new model for coding today.\nRead more: Why models matter to "
           "everyone now",
      "The lab released", "Read more" },
    { "T", "Subscribe to our newsletter for the latest news every week.\nThe lab released a "
           "new model for coding today.",
      "The lab released", "Subscribe" },
    { "T", "Click here to read the full report from the lab.\nThe lab released a new model for "
           "coding today.",
      "The lab released", "Click" },
    { "T", "The lab released a new model for coding today.\nThis article originally appeared "
           "in Example Magazine last week.",
      "The lab released", "originally" },
    { "T", "We use cookies to improve your experience; by continuing you accept our cookie "
           "policy.\nThe lab released a new model for coding today.",
      "The lab released", "cookie" },
    { "T", "Sign up for the Example newsletter to get stories in your inbox.\nThe lab released "
           "a new model for coding today.",
      "The lab released", "newsletter" },
    { "T", "Photo by Jane Doe/Getty Images for the Example conference\nThe lab released a new "
           "model for coding today.",
      "The lab released", "Getty" },
    { "T", "https://example.com/a/very/long/link\nThe lab released a new model for coding "
           "today.",
      "The lab released", "https" },
    { "T", "The lab released a new model for coding today. It is said to beat every rival on "
           "most tasks [\xe2\x80\xa6]",
      "The lab released", "rival" },
    { "T", "The lab released a new model for coding today. It is said to beat every rival on "
           "most tasks [...]",
      "The lab released", "rival" },
    { "T", "Loading the Example Text to Speech AudioNative Player...\n\nThe lab released a new "
           "model for coding today.",
      "The lab released", "Loading" },
    { "T", "The lab released a new model [caption id=\"7\"]for coding[/caption] today, and "
           "shared its weights.",
      "The lab released a new model for coding today", "caption" },
    { "OpenAI ships GPT-5 to every user",
      "OpenAI ships GPT-5 to every user. The model is faster and cheaper than the last one.",
      "The model is faster", "ships" },
    { "T", "<p>The lab&#8217;s <b>new</b> model beats rivals &amp; costs less than before.</p>",
      "The lab\xe2\x80\x99s new model beats rivals & costs less", "<" },
    { "T", "The lab&amp;lt;b&amp;gt; released a new model for coding today.",
      "The lab released", "<b>" },
};

static void
test_boilerplate(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(boiler_cases); i++) {
        char *s = make(boiler_cases[i].title, boiler_cases[i].text, "Example", 2, KIND_OTHER);
        char *x = extract_of(s);
        if (strncmp(x, boiler_cases[i].want_prefix, strlen(boiler_cases[i].want_prefix)) != 0 ||
            strstr(x, boiler_cases[i].absent) != NULL)
            print_error("case %zu: got \"%s\"\n", i, s);
        assert_memory_equal(x, boiler_cases[i].want_prefix, strlen(boiler_cases[i].want_prefix));
        assert_null(strstr(x, boiler_cases[i].absent));
        assert_no_markup(s);
        free(x);
        free(s);
    }
}

/* ---- real items ---- */

struct item {
    char *data;
    const char *title, *source, *text;
};

static int
load_item(const char *name, struct item *it)
{
    char path[256];
    FILE *f;
    long n;
    char *p;

    snprintf(path, sizeof(path), DATA "%s", name);
    f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    it->data = malloc((size_t)n + 1);
    if (fread(it->data, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    it->data[n] = '\0';
    /* "title: ...\nsource: ...\nurl: ...\n\ntext" */
    p = it->data;
    it->title = p + 7;
    p = strchr(p, '\n');
    *p++ = '\0';
    it->source = p + 8;
    p = strchr(p, '\n');
    *p++ = '\0';
    p = strchr(p, '\n');
    it->text = p + 2;
    return 0;
}

static const struct {
    const char *file;
    enum event_kind kind;
    const char *want_prefix;
    const char *absent[3];
} real_cases[] = {
    { "thebatch-issue-363.txt", KIND_DIGEST, "A few frontier labs have tried",
      { "Loading the", "Dear friends", "Elevenlabs" } },
    { "time-spain-investigation.txt", KIND_POLICY, "The Spanish government has called",
      { "brightcove", "Read more", "[" } },
    { "causality-gelman-summary.txt", KIND_COMMENTARY, "Among the statements",
      { "I have posted", "https", "\xe2\x80\xa6" } },
    { "collectiveaction-bits-in-the-machine.txt", KIND_OTHER, "Gathered during",
      { "appeared first", "finaldraft", "Why now" } },
    { "reuters-global-markets.txt", KIND_BUSINESS, "Oil prices fell sharply on Tuesday",
      { "(Reuters)", "NEW YORK", NULL } },
    { "venturebeat-wework-nyag.txt", KIND_BUSINESS, "The New York State Attorney General",
      { "(Reuters)", "\xe2\x80\x94 The", NULL } },
};

/* Each sentence of the extract stands whole in the original text. */
static void
check_whole(const char *extract, const char *text)
{
    struct buf b = BUF_INIT(1 << 20);
    const char *p;
    char *all;

    summary_sentences(extract, strlen(extract), collect, &b);
    all = buf_take(&b);
    assert_non_null(all);
    p = all;
    while (*p) {
        const char *end = strstr(p, " | "), *at, *after;
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *sent = strndup(p, n);

        at = strstr(text, sent);
        if (at == NULL && n > 1 && sent[n - 1] == '.') {
            sent[n - 1] = '\0';   /* a period the summary added */
            at = strstr(text, sent);
        }
        if (at == NULL)
            print_error("not in the text: \"%s\"\n", sent);
        assert_non_null(at);
        /* it starts and ends at word boundaries: nothing cut */
        assert_true(at == text || strchr(" \n\t(\"", at[-1]) != NULL ||
                    (unsigned char)at[-1] >= 0x80);
        after = at + strlen(sent);   /* a space, a no-break space or the end */
        if (!(*after == '\0' || strchr(" \n\t", *after) != NULL ||
              memcmp(after, "\xc2\xa0", 2) == 0))
            print_error("cut at the end: \"%s\"\n", sent);
        assert_true(*after == '\0' || strchr(" \n\t", *after) != NULL ||
                    memcmp(after, "\xc2\xa0", 2) == 0);
        free(sent);
        p = end ? end + 3 : p + n;
    }
    free(all);
}

static void
test_real_items(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(real_cases); i++) {
        struct item it = { 0 };
        struct analysis_input in = { 0 };
        const char *guides[] = { "Open-weight models" };
        char *s, *x;
        size_t nsent;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(load_item(real_cases[i].file, &it), 0);
        in.title = it.title;
        in.text = it.text;
        in.source_name = it.source;
        in.tier = 2;
        s = summary_make(&in, real_cases[i].kind, guides, 1, NULL, 0);
        x = extract_of(s);
        print_message("%s:\n  %s\n", real_cases[i].file, s);
        assert_memory_equal(x, real_cases[i].want_prefix, strlen(real_cases[i].want_prefix));
        for (size_t k = 0; k < 3; k++)
            if (real_cases[i].absent[k] != NULL)
                assert_null(strstr(x, real_cases[i].absent[k]));
        assert_true(summary_word_count(x, strlen(x)) <= SUMMARY_MAX_WORDS);
        summary_sentences(x, strlen(x), collect, &b);
        nsent = 1;
        for (const char *p = buf_cstr(&b); (p = strstr(p, " | ")) != NULL; p += 3)
            nsent++;
        assert_true(nsent >= 1 && nsent <= SUMMARY_MAX_SENTENCES);
        check_whole(x, it.text);
        assert_non_null(strstr(s, " As a tier-2 "));
        assert_non_null(strstr(s, ", it bears on open-weight models."));
        assert_no_markup(s);
        buf_fini(&b);
        free(x);
        free(s);
        free(it.data);
    }
}

/* Sentences of 26 words: two fit in 60 words, three do not. */
static void
test_word_limit(void **state)
{
    struct buf b = BUF_INIT(1 << 20);
    char *s, *x;

    (void)state;
    for (int i = 0; i < 8; i++) {
        buf_printf(&b, "Sentence %d tells about the lab and its model and the", i);
        for (int k = 0; k < 14; k++)   /* words no other sentence has: "kab" */
            buf_printf(&b, " k%c%c", 'a' + i, 'a' + k);
        buf_puts(&b, " here. ");
    }
    s = make("T", buf_cstr(&b), "Example", 2, KIND_OTHER);
    x = extract_of(s);
    assert_int_equal(summary_word_count(x, strlen(x)), 52);
    assert_non_null(strstr(x, "Sentence 0 tells"));
    free(x);
    free(s);
    buf_fini(&b);

    /* one sentence over 60 words is never used, even cut */
    buf_init(&b, 1 << 20);
    for (int k = 0; k < 70; k++)
        buf_printf(&b, "w%d ", k);
    buf_puts(&b, "end.");
    s = make("A long one", buf_cstr(&b), "Example", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Example; the feed has no excerpt.");
    free(s);
    buf_fini(&b);

    /* sentences under five words are skipped */
    s = make("Short", "Too short. Also too short here. This one has enough words in it.",
             "Example", 2, KIND_OTHER);
    x = extract_of(s);
    assert_string_equal(x, "This one has enough words in it.");
    free(x);
    free(s);
}

/* ---- fallback and context ---- */

static void
test_fallback(void **state)
{
    char *s;

    (void)state;
    s = make("Claude 5 is here", NULL, "Anthropic", 1, KIND_RELEASE);
    assert_string_equal(s, "A tier-1 release announcement from Anthropic; "
                           "the feed has no excerpt.");
    free(s);
    s = make("Open models are fine", "", "Interconnects", 2, KIND_COMMENTARY);
    assert_string_equal(s, "A tier-2 commentary from Interconnects; the feed has no excerpt.");
    free(s);
    s = make("Is scaling over?", "Read more", "Example", 3, KIND_OTHER);
    assert_string_equal(s, "A tier-3 post from Example; the feed has no excerpt.");
    free(s);
    s = make("No source", NULL, NULL, 2, KIND_DIGEST);
    assert_string_equal(s, "A tier-2 digest; the feed has no excerpt.");
    free(s);
    s = make(NULL, NULL, NULL, 0, KIND_OTHER);
    assert_string_equal(s, "An untitled item. As a post.");
    free(s);
    /* without text, the context stands alone: the title is not said twice */
    {
        const char *g[] = { "Open-weight models" }, *e[] = { "Meta", "Llama" };
        struct analysis_input in = { 0 };
        in.title = "Llama 5";
        in.source_name = "Meta AI";
        in.tier = 1;
        s = summary_make(&in, KIND_RELEASE, g, 1, e, 2);
        assert_string_equal(s, "A tier-1 release announcement from Meta AI, on open-weight "
                               "models; the feed has no excerpt.");
        free(s);
        s = summary_make(&in, KIND_RELEASE, NULL, 0, e, 2);
        assert_string_equal(s, "A tier-1 release announcement from Meta AI, about Meta and "
                               "Llama; the feed has no excerpt.");
        free(s);
        in.tier = 0;
        in.source_name = NULL;
        s = summary_make(&in, KIND_OTHER, NULL, 0, NULL, 0);
        assert_string_equal(s, "A post; the feed has no excerpt.");
        free(s);
    }
    s = make("  <b>Tagged</b> &amp; title  ", NULL, " Src ", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);
}

static const struct {
    enum event_kind kind;
    int tier;
    const char *guides[4];
    const char *ents[3];
    const char *want;   /* the context sentence */
} ctx_cases[] = {
    { KIND_COMMENTARY, 2, { "AI policy and regulation", "Open-weight models" }, { NULL },
      "As a tier-2 commentary from Src, it bears on AI policy and regulation and open-weight "
      "models." },
    { KIND_RELEASE, 1, { NULL }, { "Claude", "Anthropic" },
      "As a tier-1 release announcement from Src, it concerns Claude and Anthropic." },
    { KIND_RESEARCH, 2, { "Export controls and compute governance", "Anthropic", "Meta AI",
                          "Frontier models" }, { NULL },
      "As a tier-2 research report from Src, it bears on export controls and compute "
      "governance, Anthropic and Meta AI." },
    { KIND_POLICY, 3,
      { "Google DeepMind and Google AI", "China's AI", "Open-source AI ecosystem" }, { NULL },
      "As a tier-3 policy item from Src, it bears on Google DeepMind and Google AI, China's AI "
      "and open-source AI ecosystem." },
    { KIND_BUSINESS, 2, { NULL }, { NULL }, "As a tier-2 business item from Src." },
    { KIND_SECURITY, 2, { NULL }, { NULL }, "As a tier-2 security item from Src." },
    { KIND_DIGEST, 2, { NULL }, { NULL }, "As a tier-2 digest from Src." },
    { KIND_TUTORIAL, 2, { NULL }, { NULL }, "As a tier-2 how-to from Src." },
    { KIND_OTHER, 2, { NULL }, { NULL }, "As a tier-2 post from Src." },
    { KIND_RESEARCH, 0, { NULL }, { NULL }, "As a research report from Src." },
    { KIND_COUNT, 9, { NULL }, { NULL }, "As a post from Src." },
    { KIND_POLICY, 1, { "Meta AI" }, { "Meta", "Llama" },
      "As a tier-1 policy item from Src, it bears on Meta AI." },
    { KIND_POLICY, 1, { "  Frontier models.  ", "" }, { NULL },
      "As a tier-1 policy item from Src, it bears on frontier models." },
    { KIND_POLICY, 1, { NULL }, { "A", "B", "C" },
      "As a tier-1 policy item from Src, it concerns A, B and C." },
};

static void
test_context(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(ctx_cases); i++) {
        struct analysis_input in = { 0 };
        size_t ng = 0, ne = 0;
        char *s;

        while (ng < 4 && ctx_cases[i].guides[ng] != NULL)
            ng++;
        while (ne < 3 && ctx_cases[i].ents[ne] != NULL)
            ne++;
        in.title = "T";
        in.text = "Something happened here that matters to the people who read this.";
        in.source_name = "Src";
        in.tier = ctx_cases[i].tier;
        s = summary_make(&in, ctx_cases[i].kind, ctx_cases[i].guides, ng, ctx_cases[i].ents, ne);
        if (strcmp(s + context_at(s) + 1, ctx_cases[i].want) != 0)
            print_error("case %zu: %s\n", i, s);
        assert_string_equal(s + context_at(s) + 1, ctx_cases[i].want);
        free(s);
    }
}

/* A guide's first word the item writes in lower case is lowered even before a name. */
static void
test_context_case(void **state)
{
    struct analysis_input in = { 0 };
    const char *g[] = { "Frontier AI", "Open Source", "Robotics and physical AI" };
    char *s;

    (void)state;
    in.title = "T";
    in.text = "Nobody has a frontier model that runs on robots, the lab said on Monday.";
    in.source_name = "Src";
    in.tier = 2;
    s = summary_make(&in, KIND_RESEARCH, g, 3, NULL, 0);
    assert_string_equal(s, "Nobody has a frontier model that runs on robots, the lab said on "
                           "Monday. As a tier-2 research report from Src, it bears on frontier "
                           "AI, Open Source and robotics and physical AI.");
    free(s);
}

/* ---- hostile input ---- */

static void
test_hostile(void **state)
{
    size_t big = 100 * 1024;
    char *text = malloc(big + 1), *s;

    (void)state;
    /* one 100 KB sentence, with and without a final period */
    for (size_t i = 0; i < big; i++)
        text[i] = i % 6 == 5 ? ' ' : 'a' + (char)(i % 5);
    text[big] = '\0';
    s = make("Big", text, "Src", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);
    text[big - 1] = '.';
    s = make("Big", text, "Src", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);

    /* one 100 KB word, no spaces at all */
    memset(text, 'x', big);
    s = make("Word", text, "Src", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);

    /* markup soup */
    for (size_t i = 0; i < big; i++)
        text[i] = "<&;[]#>"[i % 7];
    s = make("Soup", text, "Src", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);

    /* invalid UTF-8 in title, text, source, guides and entities */
    {
        const char *g[] = { "Bad \xff guide" }, *e[] = { "\xc3" };
        struct analysis_input in = { 0 };
        in.title = "Bad \xfe\xff title";
        in.text = "The lab \xc3\x28 released \xed\xa0\x80 a model \xf8\x88\x80\x80\x80 today "
                  "and \xe2\x82 it works.\x01\x02\x7f";
        in.source_name = "Src\xff";
        in.tier = 2;
        s = summary_make(&in, KIND_RELEASE, g, 1, e, 1);
        assert_true(valid_utf8(s));
        assert_non_null(strstr(s, "The lab"));
        assert_null(strchr(s, '\x01'));
        free(s);
        s = summary_make(&in, KIND_RELEASE, NULL, 3, NULL, 3);  /* NULL lists */
        assert_true(valid_utf8(s));
        free(s);
    }

    /* more text than is read: 300 KB of short sentences */
    {
        struct buf b = BUF_INIT(1 << 20);
        while (b.len < 300 * 1024)
            buf_puts(&b, "The model was released with open weights today. ");
        s = make("Many", buf_cstr(&b), "Src", 2, KIND_OTHER);
        assert_memory_equal(s, "The model was released", 22);
        free(s);
        buf_fini(&b);
    }

    /* empty and blank */
    s = make("Empty", "", "Src", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);
    s = make("Blank", " \n\t\r\n \xc2\xa0 ", "Src", 2, KIND_OTHER);
    assert_string_equal(s, "A tier-2 post from Src; the feed has no excerpt.");
    free(s);
    free(text);
}

/* ---- from a linked article ---- */

static char *
read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long k;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    k = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)k + 1);
    assert_int_equal(fread(b, 1, (size_t)k, f), (size_t)k);
    b[k] = '\0';
    fclose(f);
    *n = (size_t)k;
    return b;
}

static void
count_sent(const char *p, size_t len, void *arg)
{
    (void)p;
    (void)len;
    (*(size_t *)arg)++;
}

/* The article-mode guarantees on one summary. */
static void
check_article_summary(const char *s, const char *title)
{
    size_t words = summary_word_count(s, strlen(s)), nsent = 0;

    summary_sentences(s, strlen(s), count_sent, &nsent);
    if (getenv("SUMMARY_SHOW"))
        fprintf(stderr, "%zu words, %zu sentences: %s\n", words, nsent, s);
    assert_true(words >= ARTICLE_MIN_WORDS && words <= ARTICLE_MAX_WORDS);
    assert_true(nsent >= 2 && nsent <= ARTICLE_MAX_SENTENCES);
    assert_null(strstr(s, "no excerpt"));
    if (title && *title)
        assert_null(strstr(s, title));
    assert_true(valid_utf8(s));
    assert_no_markup(s);
}

static void
test_article_pages(void **state)
{
    static const char *const pages[] = {
        "tests/data/articles/zyte-14cc2a0c.html",
        "tests/data/articles/zyte-232a43fb.html",
        "tests/data/articles/readability-daringfireball-1.html",
        "tests/data/articles/readability-parsely-metadata.html",
    };
    const char *guides[] = { "AI policy" };

    (void)state;
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        size_t n;
        char *html = read_all(pages[i], &n), *s;
        struct extract_result *x = NULL;
        struct analysis_input in = { 0 };

        assert_int_equal(extract_html(html, n, NULL, NULL, &x), ALM_OK);
        in.title = x->title;
        in.text = x->text;
        in.source_name = "Example News";
        in.tier = 2;
        in.article = 1;
        s = summary_make(&in, KIND_OTHER, guides, 1, NULL, 0);
        check_article_summary(s, x->title);
        free(s);
        extract_result_free(x);
        free(html);
    }
}

static void
test_article_choice(void **state)
{
    static const char text[] =
        "It has been a busy spring for everyone on the team, and we want to share news.\n\n"
        "Today Helios Labs is releasing Quill-7, a seven-billion-parameter language model, "
        "with open weights under the Apache 2.0 licence.\n\n"
        "Quill-7 was trained on four trillion tokens of curated text, including a corpus "
        "of mineral surveys that we assembled with field geologists.\n\n"
        "On standard reasoning benchmarks it matches models twice its size, scoring 71 "
        "percent on GPQA and 84 percent on MATH.\n\n"
        "This matters because a model of this size runs on a single laptop GPU, which lets "
        "universities audit and fine-tune it without paying for cloud access.\n\n"
        "We thank our many collaborators and friends for their support over the years.\n\n"
        "Questions about the licence can be sent to our developer relations team.\n";
    struct analysis_input in = { 0 };
    const char *ents[] = { "Helios Labs", "Quill-7" };
    char *s;

    (void)state;
    in.title = "Helios Labs opens the weights of Quill-7";
    in.text = text;
    in.source_name = "Helios Labs";
    in.tier = 1;
    in.article = 1;
    s = summary_make(&in, KIND_RELEASE, NULL, 0, ents, 2);
    check_article_summary(s, in.title);
    assert_non_null(strstr(s, "Today Helios Labs is releasing Quill-7"));
    assert_non_null(strstr(s, "This matters because"));
    assert_null(strstr(s, "busy spring"));
    assert_null(strstr(s, "We thank"));
    /* the entities are in the sentences already: no context sentence */
    assert_null(strstr(s, "As a tier-1"));
    free(s);

    /* the same text from a feed keeps the feed's rules: the lead and a context */
    in.article = 0;
    s = summary_make(&in, KIND_RELEASE, NULL, 0, ents, 2);
    assert_non_null(strstr(s, "As a tier-1"));
    free(s);

    /* an article that gives no sentence never claims the feed had no excerpt */
    in.article = 1;
    in.text = "Home\n\nNews\n\nAbout";
    s = summary_make(&in, KIND_RELEASE, NULL, 0, ents, 2);
    assert_null(strstr(s, "no excerpt"));
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_word_count),
        cmocka_unit_test(test_boilerplate),
        cmocka_unit_test(test_real_items),
        cmocka_unit_test(test_word_limit),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_context_case),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_article_pages),
        cmocka_unit_test(test_article_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
