/*
 * tests/unit/score.c - the fitted judgment (judge.h) against the seed's nine
 * scored events, and the model file's contract.
 *
 * Each seed event is rebuilt as an analysis_input (source, tier, title and
 * the summary text of the seed page), run through entities_match
 * (data/entities.tsv), kind_classify, features_make and the shipped model
 * (data/model/judgment.tsv), and compared with seed-events.tsv: every score
 * within 1 of the seed's, the kinds the seed gives, and a Spearman
 * correlation of at least 0.7. Routine posts must score low, a frontier
 * release and a binding government action high. The reasons always sum to
 * the score. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/entities.h"
#include "analyze/features.h"
#include "analyze/judge.h"
#include "analyze/kind.h"
#include "analyze/score.h"
#include "analyze/text.h"
#include "base/buf.h"
#include "base/err.h"

#define DICT_PATH "data/entities.tsv"
#define MODEL_PATH "data/model/judgment.tsv"

struct event_case {
    const char *source, *author, *source_kind;
    int tier;
    const char *title, *text;
    const char *want_kind;
    int want_lo, want_hi;      /* the score must fall in [lo, hi] */
    int seed;                  /* the seed's score, 0 when not a seed event */
};

static const struct event_case seed_events[] = {
    { "Interconnects", "Nathan Lambert", "newsletter", 2,
      "Claude Mythos and misguided open-weight fearmongering",
      "A commentary piece from Interconnects critiquing what the author characterizes as "
      "unfounded fears around open-weight AI models, likely in the context of Anthropic's "
      "Claude and its positioning relative to open-source alternatives. The piece appears to "
      "challenge narratives that frame open-weight model releases as uniquely dangerous. As a "
      "tier-2 source commentary, it reflects ongoing industry debate about open vs. closed "
      "model safety arguments.",
      "commentary", 1, 10, 4 },
    { "Interconnects", NULL, "newsletter", 2,
      "Interconnects commentary on Claude Fable 5 and AI safety power politics",
      "Nathan Lambert's Interconnects newsletter analyzes Claude Fable 5 and what he frames as "
      "new 'AI safety fables,' examining the power politics surrounding frontier AI systems. "
      "The piece appears to engage with Anthropic's model releases and safety narratives in a "
      "critical or interpretive frame. As a tier-2 commentary source, this reflects ongoing "
      "discourse about how frontier labs construct and communicate safety claims.",
      "commentary", 1, 10, 5 },
    { "The Batch", NULL, "newsletter", 2,
      "Anthropic Releases Claude Mythos Preview with Extraordinary Cybersecurity Capabilities, "
      "Forms Project Glasswing Consortium",
      "Anthropic has published a 244-page model card for Claude Mythos Preview, a large "
      "language model not yet commercially available, which broadly outperforms Claude Opus "
      "4.6 and is described as 'strikingly capable' at identifying and exploiting code "
      "vulnerabilities. To mitigate risks before potential release, Anthropic assembled "
      "Project Glasswing, a consortium including AWS, Apple, Google, Microsoft, CrowdStrike, "
      "Nvidia, and 40+ other organizations, funded with $100 million in API credits and $4 "
      "million in open-source security donations. This marks the first time Anthropic has "
      "published a model card without making the model commercially available, signaling an "
      "unusual safety-first deployment posture. The issue also includes commentary from "
      "Andrew Ng on AI's impact on software engineering jobs, arguing against an 'AI "
      "jobpocalypse' narrative.",
      "release", 7, 9, 8 },
    { "The Batch", NULL, "newsletter", 2,
      "Andrew Ng commentary on Anthropic's Claude Fable 5 restrictions and U.S. export "
      "controls on frontier AI models",
      "Andrew Ng's The Batch editorial covers two significant recent events: Anthropic "
      "releasing Claude Fable 5 (a guardrailed version of Claude Mythos 5) with terms "
      "restricting use for competing LLM development, and the U.S. Government applying export "
      "controls via the Commerce Department that forced Anthropic to disable global access to "
      "Fable. Ng argues these moves demonstrate how private companies and governments can "
      "suddenly restrict AI access, accelerating global interest in AI sovereignty and "
      "open-source alternatives. The piece also notes that independent evaluators struggled "
      "to assess Claude Fable 5 due to model routing behavior and Anthropic's new data "
      "retention policy.",
      "policy", 7, 9, 8 },
    { "Interconnects", NULL, "newsletter", 2,
      "Op-ed: Banning Open Source AI Would Be A Mistake",
      "An op-ed co-authored by Nathan Lambert and Kevin Xu argues against banning open-source "
      "AI, targeting a general non-technical audience. The piece engages with ongoing policy "
      "debates about whether open-weights AI models should face regulatory restrictions. The "
      "argument is relevant to the intersection of AI safety, open-weights progress, and "
      "regulatory developments.",
      "commentary", 1, 10, 5 },
    { "The Batch", NULL, "newsletter", 2,
      "Data Points: Anthropic's Claude Mythos Cybersecurity Claims Face Scrutiny; "
      "OpenAI-Cerebras Deal; Meta AI CEO Avatar; Infrastructure Delays",
      "A multi-item digest covers skepticism around Anthropic's Claude Mythos zero-day "
      "vulnerability claims (flagged as overstated by Tom's Hardware based on limited 198-case "
      "evidence), OpenAI's $20B+ deal with Cerebras for AI processors including a potential "
      "~10% equity stake, and satellite data showing ~40% of U.S. AI data center projects are "
      "behind schedule. Additional items cover Meta developing an AI avatar of CEO Zuckerberg "
      "for internal use, Moody's flagging credit stress in AI-disrupted sectors, and Luma AI "
      "launching an AI-driven film production studio using its Uni-1 model.",
      "digest", 1, 10, 6 },
    { "Hugging Face Blog", NULL, "company", 2,
      "AI and the Future of Cybersecurity: Why Openness Matters",
      "A Hugging Face blog post argues for the importance of open AI models and research in "
      "the cybersecurity domain. The piece likely contends that open-weights models enable "
      "better defensive security tooling, red-teaming, and vulnerability research compared to "
      "closed alternatives. It addresses the dual-use tension between open access and "
      "potential misuse in security contexts.",
      "commentary", 1, 10, 4 },
    { "Interconnects", NULL, "newsletter", 2,
      "The Inevitable Need for an Open Model Consortium",
      "Nathan Lambert at Interconnects argues for the formation of an open model consortium, "
      "despite acknowledged skepticism about such organizational structures. The piece "
      "appears to make a case that coordinated open-weights AI development requires some form "
      "of collective governance or collaboration body. Published April 2026, this reflects "
      "ongoing debate about how the open-source AI ecosystem should organize itself relative "
      "to frontier closed labs.",
      "commentary", 1, 10, 4 },
    { "Interconnects", NULL, "newsletter", 2,
      "Dean Ball on open models and government control",
      "A commentary piece from Interconnects examines the legal and policy implications of "
      "the Anthropic v. Department of War case for the future of open-weight AI models. The "
      "piece, attributed to Dean Ball, argues that the case may set subtle but significant "
      "precedents regarding government authority over open model distribution and access. "
      "The analysis focuses on how the case's outcome could shape regulatory frameworks "
      "affecting open-source AI development.",
      "commentary", 1, 10, 5 },
};

/*
 * Routine posts score low, frontier releases high. Three (the export
 * controls, the vulnerability, the funding round) are out of
 * the labelled data's reach (government actions, security press and funding
 * news from press feeds are rare in tests/data/judgment: 78 policy items,
 * mostly labs' positions), so they hold the fitted model to the middle of
 * the scale only, above routine posts; bench/judgment measures the rest.
 */
static const struct event_case anchors[] = {
    { "Acme Cloud Blog", NULL, "company", 1, "Webinar: getting started with our API",
      "Join our team for a live webinar. We will walk through authentication, your first "
      "request and rate limits, and answer questions at the end.",
      "tutorial", 1, 3, 0 },
    { "Cohere Blog", NULL, "company", 2, "Customer story: how Acme uses embeddings",
      "Acme, a retail company, uses embeddings to improve product search. Their team shares "
      "what worked, from chunking documents to evaluating retrieval quality.",
      "tutorial", 1, 3, 0 },
    { "Tool Releases", NULL, "community", 3, "Changelog: v1.2.3 fixes",
      "This release fixes a crash when the config file is empty and updates dependencies.",
      "tutorial", 1, 3, 0 },
    { "Hugging Face Blog", NULL, "company", 2, "How to fine-tune a small model",
      "In this post we show how to fine-tune a small language model on your own data with a "
      "single GPU, using LoRA adapters and a few hundred examples.",
      "tutorial", 1, 3, 0 },
    { "OpenAI News", NULL, "lab", 1, "OpenAI releases GPT-5, its most capable model",
      "Today OpenAI is releasing GPT-5, our smartest, fastest and most useful model yet, "
      "available to all ChatGPT users and developers through the API. GPT-5 sets a new state "
      "of the art across coding, math and writing benchmarks.",
      "release", 7, 9, 0 },
    { "U.S. Commerce Department", NULL, "policy", 1,
      "U.S. Commerce Department imposes export controls on advanced AI chips to China",
      "The Bureau of Industry and Security issued new rules restricting the export of "
      "advanced AI chips and chip-making equipment to China. The controls take effect in 30 "
      "days and apply to companies worldwide that use U.S. technology.",
      "policy", 4, 9, 0 },
    { "Anthropic News", NULL, "lab", 1, "Introducing Claude Opus 5",
      "Claude Opus 5 is our most capable model, now available in the API and in Claude apps.",
      "release", 6, 9, 0 },
    { "Security Weekly Wire", NULL, "press", 2,
      "Researchers find critical vulnerability in popular inference server",
      "A critical vulnerability lets attackers run code on exposed servers; a patch is out.",
      "security", 2, 7, 0 },
    { "TechCrunch", NULL, "press", 2, "Cerebras raises $1.1 billion at an $8 billion valuation",
      "Cerebras Systems raised $1.1 billion in a funding round led by existing investors.",
      "business", 3, 8, 0 },
};

static struct entity_dict *dict;
static struct judge_model *model;
static struct stemmer *stem;

static int
setup(void **state)
{
    char err[256];
    int rc;

    (void)state;
    rc = entities_load(DICT_PATH, &dict, err, sizeof(err));
    if (rc != ALM_OK) {
        fprintf(stderr, "cannot load %s: %s (run from the repository root)\n", DICT_PATH, err);
        return -1;
    }
    if (judge_load(MODEL_PATH, &model, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "cannot load %s: %s\n", MODEL_PATH, err);
        return -1;
    }
    stem = stemmer_new();
    return stem ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    entities_free(dict);
    judge_free(model);
    stemmer_free(stem);
    return 0;
}

/* The judgment of one case at a story's coverage; prints the explanation. */
static enum event_kind
judge_case(const struct event_case *c, int sources, int tiers_mask, struct score *sc)
{
    struct analysis_input in = { 0 };
    struct tokens title = { 0 }, body = { 0 };
    struct entity_hit *hits = NULL;
    struct features *f = malloc(sizeof(*f));
    struct judge_item ji;
    struct buf b = BUF_INIT(1 << 16);
    const char *why;
    enum event_kind k, rule;
    size_t n;

    assert_non_null(f);
    in.title = c->title;
    in.text = c->text;
    in.source_name = c->source;
    in.source_author = c->author;
    in.source_kind = c->source_kind;
    in.tier = c->tier;
    text_tokenize(c->title, strlen(c->title), &title);
    text_tokenize(c->text, strlen(c->text), &body);
    n = entities_match(dict, &title, &body, &hits);
    rule = kind_classify(&in, &title, &body, hits, n, &why);
    features_make(&in, &title, &body, hits, n, rule, stem, f);
    judge_item(model, f, &in, &ji);
    judge_score(model, &ji, sources, tiers_mask, 0, sc);
    k = ji.kind;
    assert_int_equal(score_format(sc, &b), ALM_OK);
    printf("%2d %-10s %s\n%s", sc->value, event_kind_name(k), c->title, buf_cstr(&b));
    judge_item_fini(&ji);
    buf_fini(&b);
    free(f);
    free(hits);
    tokens_fini(&title);
    tokens_fini(&body);
    return k;
}

static enum event_kind
analyze(const struct event_case *c, struct score *sc)
{
    return judge_case(c, 1, 1 << c->tier, sc);
}

/* The reasons add up to the score (to the hundredth they are written in). */
static void
assert_sums(const struct score *sc)
{
    double sum = 0;

    for (size_t r = 0; r < sc->n; r++)
        sum += sc->v[r].points;
    if (sum < sc->value - 0.011 || sum > sc->value + 0.011)
        fail_msg("reasons sum to %.3f, the score is %d", sum, sc->value);
}

static double
square_root(double x)
{
    double r = x > 1 ? x : 1;

    if (x <= 0)
        return 0;
    for (int i = 0; i < 60; i++)
        r = (r + x / r) / 2;
    return r;
}

/* Ranks starting at 1, ties sharing their average rank. */
static void
ranks(const double *v, size_t n, double *r)
{
    for (size_t i = 0; i < n; i++) {
        size_t below = 0, equal = 0;
        for (size_t j = 0; j < n; j++) {
            below += v[j] < v[i];
            equal += v[j] == v[i];
        }
        r[i] = (double)below + (double)(equal + 1) / 2;
    }
}

/* Spearman's rho with ties: Pearson's correlation of the ranks. */
static double
spearman(const double *x, const double *y, size_t n)
{
    double rx[16], ry[16], mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

    assert_true(n <= LEN(rx));
    ranks(x, n, rx);
    ranks(y, n, ry);
    for (size_t i = 0; i < n; i++) {
        mx += rx[i] / (double)n;
        my += ry[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
    }
    if (sxx == 0 || syy == 0)
        return 0;
    return sxy / square_root(sxx * syy);
}

static void
test_spearman(void **state)
{
    static const double a[] = { 1, 2, 3, 4 }, b[] = { 10, 20, 30, 40 }, c[] = { 4, 3, 2, 1 };
    static const double d[] = { 1, 1, 2, 2 }, e[] = { 5, 5, 9, 9 };

    (void)state;
    assert_true(spearman(a, b, 4) > 0.999);
    assert_true(spearman(a, c, 4) < -0.999);
    assert_true(spearman(d, e, 4) > 0.999);
    assert_true(square_root(2) > 1.4142 && square_root(2) < 1.4143);
}

static void
test_seed_calibration(void **state)
{
    double got[LEN(seed_events)], want[LEN(seed_events)], rho;
    int off = 0, wrong_kind = 0;

    (void)state;
    for (size_t i = 0; i < LEN(seed_events); i++) {
        struct score sc;
        enum event_kind k = analyze(&seed_events[i], &sc);

        assert_sums(&sc);
        got[i] = sc.value;
        want[i] = seed_events[i].seed;
        if (sc.value < seed_events[i].seed - 1 || sc.value > seed_events[i].seed + 1)
            off++;
        if (k != event_kind_parse(seed_events[i].want_kind))
            wrong_kind++;
        score_fini(&sc);
    }
    rho = spearman(got, want, LEN(seed_events));
    printf("seed scores:");
    for (size_t i = 0; i < LEN(seed_events); i++)
        printf(" %g(%g)", got[i], want[i]);
    printf("\nSpearman rho vs seed: %.3f; %d off by more than 1, %d kinds wrong\n", rho, off,
           wrong_kind);
    assert_int_equal(off, 0);
    assert_int_equal(wrong_kind, 0);
    assert_true(rho >= 0.7);
}

/* The anchors hold the scale's ends; their kinds are the classifier's to
 * get right on real items (bench/judgment), so only scores are checked. */
static void
test_anchors(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < LEN(anchors); i++) {
        struct score sc;
        analyze(&anchors[i], &sc);
        assert_sums(&sc);
        if (sc.value < anchors[i].want_lo || sc.value > anchors[i].want_hi) {
            printf("anchor %zu '%s': score %d, want %d..%d\n", i, anchors[i].title, sc.value,
                   anchors[i].want_lo, anchors[i].want_hi);
            bad++;
        }
        score_fini(&sc);
    }
    assert_int_equal(bad, 0);
}

/* Coverage, the reasons' form and the model file's contract. */
static void
test_components(void **state)
{
    const struct event_case *c = &anchors[4];
    struct buf b = BUF_INIT(1 << 16), tiny = BUF_INIT(8);
    struct score one, many;
    struct judge_model *m = NULL;
    char path[] = "/tmp/almanac-model-XXXXXX", err[256];
    int fd;
    FILE *fp;

    (void)state;
    judge_case(c, 1, 1 << 1, &one);
    judge_case(c, 5, (1 << 1) | (1 << 2) | (1 << 3), &many);
    assert_sums(&one);
    assert_sums(&many);
    assert_true(one.value <= many.value); /* independent coverage never lowers it */
    assert_int_equal(score_format(&many, &b), ALM_OK);
    assert_non_null(strstr(buf_cstr(&b), "  kind: release"));
    assert_non_null(strstr(buf_cstr(&b), "  baseline\n"));
    assert_non_null(strstr(buf_cstr(&b), "  source: tier 1 lab (OpenAI News)\n"));
    assert_int_equal(score_format(&one, &tiny), ALM_ETOOBIG); /* reported, not overrun */
    score_fini(&one);
    score_fini(&many);
    score_fini(NULL);
    buf_fini(&b);
    buf_fini(&tiny);

    /* A file that is not a version-1 model, or has a line it cannot read,
     * is refused with its line. */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    fputs("version\t1\nkind\trelease\tbias\t0.5\nimportance\t-\tno-such-feature\t1\n", fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_EINVAL);
    assert_non_null(strstr(err, ":3:"));
    fp = fopen(path, "w");
    fputs("version\t2\n", fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_EINVAL);
    fp = fopen(path, "w");
    fputs("version\t1\nimportance\t-\tbias\t3\nimportance\t-\tt:12\t0.5\n", fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_OK);
    {
        /* Without "related" rows the blend is the index's similarity. */
        double f[R_COUNT] = { [R_WEIGHT] = 0.3, [R_RELATIVE] = 0.5, [R_WEEK] = 1 };
        assert_true(judge_related(m, f) == 0.3);
        judge_free(m);
        /* With them, the logistic of the weighted sum of the named features. */
        fp = fopen(path, "w");
        fputs("version\t1\nrelated\t-\trelative\t2\nrelated\t-\tweek\t-0.25\n", fp);
        fclose(fp);
        assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_OK);
        assert_true(fabs(judge_related(m, f) - 1.0 / (1.0 + exp(-0.75))) < 1e-12);
        judge_free(m);
        fp = fopen(path, "w");
        fputs("version\t1\nrelated\t-\tno-such-feature\t1\n", fp);
        fclose(fp);
        assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_EINVAL);
    }
    unlink(path);
    assert_int_equal(judge_load("/nonexistent/model.tsv", &m, err, sizeof(err)), ALM_EIO);
}

/* Whether f holds the sparse feature of namespace ns that hashed word. */
static int
has_sparse(const struct features *f, enum feature_ns ns, const char *word)
{
    for (size_t i = 0; i < f->nsparse; i++)
        if (f->sparse[i].ns == ns && strcmp(f->sparse[i].word, word) == 0)
            return 1;
    return 0;
}

/* The evidence of a kind an editor reads beside the words: the title's shape,
 * the link's host and directories, the feed's categories; and a model file
 * may weigh them. */
static void
test_kind_evidence(void **state)
{
    struct analysis_input in = { 0 };
    struct tokens title = { 0 }, body = { 0 };
    struct features *f = malloc(sizeof(*f));
    struct judge_model *m = NULL;
    struct judge_item ji;
    char path[] = "/tmp/almanac-model-XXXXXX", err[256], line[128];
    uint32_t dir = 0;
    int fd;
    FILE *fp;

    (void)state;
    assert_non_null(f);
    in.title = "Introducing Foo 2.0: faster, cheaper, safer";
    in.url = "https://www.Example.com/Research/2025/foo-2-0/?utm=x";
    in.categories = "[\"Policy\", \" Customer  Stories \", \"say \\\"hi\\\"\"]";
    in.source_name = "Example";
    in.source_kind = "lab";
    in.tier = 1;
    text_tokenize(in.title, strlen(in.title), &title);
    features_make(&in, &title, &body, NULL, 0, KIND_OTHER, stem, f);
    assert_true(f->dense[F_SH_INTRO] == 1);
    assert_true(f->dense[F_SH_VERSION] == 1);
    assert_true(f->dense[F_SH_COLON] == 1);
    assert_true(f->dense[F_SH_LIST] == 1);
    assert_true(f->dense[F_SH_QUESTION] == 0);
    assert_true(f->dense[F_SH_SECURITY] == 0);
    assert_true(has_sparse(f, NS_URL, "host=example.com"));
    assert_true(has_sparse(f, NS_URL, "dir=research"));
    assert_false(has_sparse(f, NS_URL, "dir=2025"));     /* a year is no directory */
    assert_false(has_sparse(f, NS_URL, "dir=foo-2-0"));  /* the post's own slug */
    assert_true(has_sparse(f, NS_CAT, "cat=policy"));
    assert_true(has_sparse(f, NS_CAT, "cat=customer stories"));
    assert_true(has_sparse(f, NS_CAT, "cat=say \"hi\""));
    for (size_t i = 0; i < f->nsparse; i++)
        if (f->sparse[i].ns == NS_URL && strcmp(f->sparse[i].word, "dir=research") == 0)
            dir = f->sparse[i].bucket;

    /* A kind weight on that directory's bucket ("u:N") moves the class. */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    snprintf(line, sizeof(line), "kind\tresearch\tu:%u\t5\n", (unsigned)dir);
    fputs("version\t1\nkind\trelease\tbias\t1\n", fp);
    fputs(line, fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_OK);
    judge_item(m, f, &in, &ji);
    assert_int_equal(ji.kind, KIND_RESEARCH);
    judge_item_fini(&ji);
    judge_free(m);
    in.url = "https://example.com/news/foo-2-0";
    features_make(&in, &title, &body, NULL, 0, KIND_OTHER, stem, f);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_OK);
    judge_item(m, f, &in, &ji);
    assert_int_equal(ji.kind, KIND_RELEASE);
    judge_item_fini(&ji);
    judge_free(m);
    unlink(path);
    free(f);
    tokens_fini(&title);
    tokens_fini(&body);
}

/* The features of a title, its entities from the dictionary. */
static void
title_features(const char *t, struct features *f)
{
    struct analysis_input in = { 0 };
    struct tokens title = { 0 }, body = { 0 };
    struct entity_hit *hits = NULL;
    size_t n;

    in.title = t;
    in.source_name = "Example";
    in.source_kind = "lab";
    in.tier = 1;
    text_tokenize(t, strlen(t), &title);
    n = entities_match(dict, &title, &body, &hits);
    features_make(&in, &title, &body, hits, n, KIND_RELEASE, stem, f);
    free(hits);
    tokens_fini(&title);
    tokens_fini(&body);
}

/* A model's new generation (a whole version), a point release or a smaller
 * sibling, a partnership: magnitude read from the title's names; and a kind's
 * cap from the model file keeps a digest within what editors give digests. */
static void
test_magnitude(void **state)
{
    struct features *f = malloc(sizeof(*f));
    struct judge_model *m = NULL;
    struct judge_item ji = { 0 };
    struct score sc;
    struct buf b = BUF_INIT(1 << 12);
    char path[] = "/tmp/almanac-model-XXXXXX", err[256];
    int fd;
    FILE *fp;

    (void)state;
    assert_non_null(f);
    title_features("GPT-4", f);
    assert_true(f->dense[F_GENERATION] == 1 && f->dense[F_POINT] == 0);
    title_features("Introducing Claude Opus 5", f);
    assert_true(f->dense[F_GENERATION] == 1 && f->dense[F_POINT] == 0);
    title_features("Introducing Claude Sonnet 4.6", f);
    assert_true(f->dense[F_GENERATION] == 0 && f->dense[F_POINT] == 1);
    title_features("OpenAI o3-mini", f);
    assert_true(f->dense[F_GENERATION] == 0 && f->dense[F_POINT] == 1);
    title_features("Anthropic opens an office in Tokyo", f);
    assert_true(f->dense[F_GENERATION] == 0 && f->dense[F_POINT] == 0);
    assert_true(f->dense[F_PARTNER] == 0);
    title_features("Mistral AI partners with NVIDIA", f);
    assert_true(f->dense[F_PARTNER] == 1);

    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    fputs("version\t1\nkind\tdigest\tbias\t5\nimportance\t-\tbias\t9\n"
          "importance\t-\tcap:digest\t6\n", fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_OK);
    judge_item(m, f, &(struct analysis_input){ .title = "x", .tier = 1 }, &ji);
    assert_int_equal(ji.kind, KIND_DIGEST);
    judge_score(m, &ji, 1, 1 << 1, 0, &sc);
    assert_int_equal(sc.value, 6);
    assert_sums(&sc);
    assert_int_equal(score_format(&sc, &b), ALM_OK);
    assert_non_null(strstr(buf_cstr(&b), "kept at most 6, as editors score a digest"));
    score_fini(&sc);
    judge_item_fini(&ji);
    judge_free(m);
    fp = fopen(path, "w");
    fputs("version\t1\nimportance\t-\tcap:nonsense\t6\n", fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_EINVAL);
    fp = fopen(path, "w");
    fputs("version\t1\nimportance\t-\tcap:digest\t11\n", fp);
    fclose(fp);
    assert_int_equal(judge_load(path, &m, err, sizeof(err)), ALM_EINVAL);
    unlink(path);
    buf_fini(&b);
    free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spearman),
        cmocka_unit_test(test_seed_calibration),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_kind_evidence),
        cmocka_unit_test(test_magnitude),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
