/*
 * tests/unit/guides.c - loading guides (the shipped guides/ directory and
 * small ones written to a temporary directory), front-matter errors, and
 * matching events to guides. Run from the repository root (make test does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/guides.h"
#include "base/err.h"

#define SHIPPED "guides"

static char tmpdir[64];

static int
setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/almanac-guides-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *dir, const char *name, const char *text, size_t n)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
}

/* A fresh directory under tmpdir. */
static const char *
subdir(const char *name)
{
    static char path[128];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    assert_int_equal(mkdir(path, 0700), 0);
    return path;
}

/* ---- a small set of guides ---- */

static const struct {
    const char *name, *text;
} small[] = {
    { "export-controls-compute-governance.md",
      "---\n"
      "slug: export-controls-compute-governance\n"
      "title: Export controls and compute governance\n"
      "summary: Government controls on who may buy advanced AI chips and chipmaking tools, led "
      "by U.S. rules aimed at China, and governing AI through compute thresholds.\n"
      "entities: U.S. Commerce Department, Bureau of Industry and Security, Nvidia, Huawei, SMIC\n"
      "keywords: export controls, chip export controls, entity list, compute governance, "
      "advanced chips, chips to china\n"
      "---\n"
      "# Export controls and compute governance\n\n"
      "Governments restrict the export of advanced chips and the tools that make them. The "
      "Commerce Department's Bureau of Industry and Security writes the rules and keeps the "
      "Entity List. Chipmakers answer with China-specific products, and China builds its own "
      "supply chain.\n" },
    { "open-weight-models.md",
      "---\n"
      "slug: open-weight-models\n"
      "title: Open-weight models\n"
      "summary: Releases of AI models whose trained weights anyone can download, run and "
      "fine-tune, and the argument over whether open weights help or harm safety.\n"
      "entities: Meta AI, Llama, Mistral AI, DeepSeek, Qwen\n"
      "keywords: open weights, open-weight, open model, model weights, fine-tune, run locally\n"
      "---\n"
      "# Open-weight models\n\n"
      "An open-weight model is one whose parameters are published for anyone to download. "
      "Users can run it on their own hardware and fine-tune it. Licences differ, and few "
      "releases include the training data.\n" },
    { "meta-ai.md",
      "---\n"
      "slug: meta-ai\n"
      "title: Meta AI\n"
      "summary: Meta's AI research, its Llama models and its superintelligence lab.\n"
      "entities: Meta, Meta AI, Llama, Mark Zuckerberg, FAIR\n"
      "keywords: llama model, smart glasses, superintelligence lab\n"
      "---\n"
      "# Meta AI\n\nMeta builds Llama models and AI features for its apps and glasses.\n" },
    { "chips-datacenters.md",
      "---\n"
      "slug: chips-datacenters\n"
      "title: Chips and data centres\n"
      "summary: Accelerators, memory, chip manufacturing, data centres and the power they use.\n"
      "entities: Nvidia, AMD, TSMC\n"
      "keywords: data center, gpu, ai chips, hbm, gigawatt\n"
      "---\n"
      "# Chips and data centres\n\nTraining runs need many GPUs, memory and electricity.\n" },
    { "anthropic.md",
      "---\r\n"
      "slug: anthropic\r\n"
      "title: Anthropic\r\n"
      "summary: Anthropic, the maker of Claude.\r\n"
      "entities: Anthropic, Claude, Claude Opus, , \r\n"
      "keywords: claude code, constitutional ai\r\n"
      "---\r\n"
      "# Anthropic\r\n\r\nAnthropic trains the Claude models.\r\n" },
    /* not guides */
    { "README.md", "# Guides\n\nNot a guide.\n" },
    { ".draft.md", "not a guide either\n" },
    { "notes.txt", "---\nslug: notes\n---\n" },
};

static const char *
write_small(const char *name)
{
    const char *dir = subdir(name);

    for (size_t i = 0; i < LEN(small); i++)
        write_file(dir, small[i].name, small[i].text, strlen(small[i].text));
    {
        char path[160];
        snprintf(path, sizeof(path), "%s/folder.md", dir);
        assert_int_equal(mkdir(path, 0700), 0);
    }
    return dir;
}

static void
test_load_small(void **state)
{
    struct guide_set *g = NULL;
    const struct guide *gd;
    char err[256] = "";
    const char *want[] = { "anthropic", "chips-datacenters", "export-controls-compute-governance",
                           "meta-ai", "open-weight-models" };

    (void)state;
    assert_int_equal(guides_load(write_small("small1"), &g, err, sizeof(err)), ALM_OK);
    assert_int_equal(guides_count(g), LEN(want));
    for (size_t i = 0; i < LEN(want); i++)
        assert_string_equal(guides_get(g, i)->slug, want[i]);
    assert_null(guides_get(g, LEN(want)));

    gd = guides_get(g, guides_find(g, "open-weight-models"));
    assert_non_null(gd);
    assert_string_equal(gd->title, "Open-weight models");
    assert_memory_equal(gd->summary, "Releases of AI models", 21);
    assert_int_equal(gd->nentities, 5);
    assert_string_equal(gd->entities[0], "Meta AI");
    assert_string_equal(gd->entities[4], "Qwen");
    assert_int_equal(gd->nkeywords, 6);
    assert_string_equal(gd->keywords[5], "run locally");
    assert_memory_equal(gd->body, "# Open-weight models\n\nAn open-weight", 36);
    assert_non_null(strstr(gd->path, "/open-weight-models.md"));

    /* CRLF lines, empty list items */
    gd = guides_get(g, guides_find(g, "anthropic"));
    assert_string_equal(gd->title, "Anthropic");
    assert_int_equal(gd->nentities, 3);
    assert_string_equal(gd->entities[2], "Claude Opus");
    assert_string_equal(gd->keywords[1], "constitutional ai");
    assert_int_equal(guides_find(g, "nope"), (size_t)-1);
    guides_free(g);
    guides_free(NULL);
}

/* The shipped guides load cleanly, in slug order, each complete. */
static void
test_load_shipped(void **state)
{
    struct guide_set *g = NULL;
    char err[256] = "";

    (void)state;
    /* tests/run-all runs the tests from the repository root, which has guides/ */
    if (guides_load(SHIPPED, &g, err, sizeof(err)) != ALM_OK)
        fail_msg("the shipped guides do not load (run from the repository root): %s", err);
    assert_non_null(g);
    assert_true(guides_count(g) >= 2);
    for (size_t i = 0; i < guides_count(g); i++) {
        const struct guide *gd = guides_get(g, i);
        assert_true(gd->slug[0] != '\0' && gd->title[0] != '\0' && gd->summary[0] != '\0');
        assert_true(gd->body[0] != '\0');
        if (i > 0)
            assert_true(strcmp(guides_get(g, i - 1)->slug, gd->slug) < 0);
    }
    guides_free(g);
}

/* ---- errors ---- */

static const struct {
    const char *name, *text;
    int rc;
    const char *msg;   /* part of the message */
} bad[] = {
    { "a.md", "slug: a\ntitle: A\n", ALM_EINVAL, "a.md:1: the first line must be '---'" },
    { "a.md", "", ALM_EINVAL, "a.md:1: the first line" },
    { "a.md", "---\nslug: a\ntitle: A\nsummary: S\n", ALM_EINVAL, "a.md:1: the front matter "
      "has no closing '---'" },
    { "a.md", "---\ntitle: A\nsummary: S\n---\nbody\n", ALM_EINVAL, "a.md:4: the front matter "
      "has no slug" },
    { "a.md", "---\nslug: a\nsummary: S\n---\n", ALM_EINVAL, "has no title" },
    { "a.md", "---\nslug: a\ntitle: A\n---\n", ALM_EINVAL, "has no summary" },
    { "a.md", "---\nslug: a\ntitle:   \nsummary: S\n---\n", ALM_EINVAL, "has no title" },
    { "a.md", "---\nslug: a\ntitle: A\n\nsummary: S\n---\n", ALM_EINVAL, "a.md:4: expected "
      "'key: value'" },
    { "a.md", "---\nslug: a\nTitle: A\nsummary: S\n---\n", ALM_EINVAL, "a.md:3: expected" },
    { "a.md", "---\nslug: a\ntitle A\nsummary: S\n---\n", ALM_EINVAL, "a.md:3: expected" },
    { "a.md", "---\nslug: a\n# a comment\ntitle: A\nsummary: S\n---\n", ALM_EINVAL,
      "a.md:3: expected" },
    { "a.md", "---\nslug: a\ntitle: A\nsummary: S\nauthor: me\n---\n", ALM_EINVAL,
      "a.md:5: unknown key 'author'" },
    { "a.md", "---\nslug: a\ntitle: A\ntitle: B\nsummary: S\n---\n", ALM_EINVAL,
      "a.md:4: 'title' is given twice" },
    { "a.md", "---\nslug: A b\ntitle: A\nsummary: S\n---\n", ALM_EINVAL,
      "a.md:2: slug 'A b' must be" },
    { "a.md", "---\nslug: b\ntitle: A\nsummary: S\n---\n", ALM_EINVAL,
      "a.md:2: slug 'b' is not the file name 'a'" },
    { "a.md", "---\nslug: a\ntitle: \xff\xfe\nsummary: S\n---\n", ALM_EINVAL,
      "a.md:3: not valid UTF-8" },
    { "a.md", "---\nslug: a\ntitle: A\nsummary: S\nentities: X\nkeywords: y z\nweak: x, y\n---\n",
      ALM_EINVAL, "a.md:7: weak 'y' is not one of the guide's entities or keywords" },
    { "a.md", "---\nslug: a\ntitle: A\nsummary: S\n---\nbody \0 with a NUL\n", ALM_EINVAL,
      "a.md:6: not valid UTF-8" },
};

static void
test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(bad); i++) {
        struct guide_set *g = NULL;
        char name[32], err[256] = "";
        const char *dir;
        size_t n = strlen(bad[i].text);

        if (strstr(bad[i].text, "body ") != NULL && strstr(bad[i].msg, "UTF-8") != NULL)
            n += strlen(bad[i].text + n + 1) + 1;   /* the case with a NUL inside */
        snprintf(name, sizeof(name), "bad%zu", i);
        dir = subdir(name);
        write_file(dir, bad[i].name, bad[i].text, n);
        assert_int_equal(guides_load(dir, &g, err, sizeof(err)), bad[i].rc);
        assert_null(g);
        if (strstr(err, bad[i].msg) == NULL)
            print_error("case %zu: \"%s\"\n", i, err);
        assert_non_null(strstr(err, bad[i].msg));
        assert_non_null(strstr(err, dir));   /* the message names the file */
        assert_int_equal(guides_load(dir, &g, NULL, 0), bad[i].rc);
    }
}

static void
test_errors_files(void **state)
{
    struct guide_set *g = NULL;
    struct guide_hit *hits = (struct guide_hit *)1;
    char err[256] = "", path[160];
    const char *dir;
    char *big;
    size_t n = GUIDES_MAX_FILE + 1;

    (void)state;
    /* over 1 MiB */
    dir = subdir("big");
    big = malloc(n);
    memset(big, 'x', n);
    memcpy(big, "---\nslug: a\ntitle: A\nsummary: S\n---\n", 36);
    write_file(dir, "a.md", big, n);
    free(big);
    assert_int_equal(guides_load(dir, &g, err, sizeof(err)), ALM_ETOOBIG);
    assert_non_null(strstr(err, "a.md: larger than"));
    assert_null(g);

    /* no such directory */
    snprintf(path, sizeof(path), "%s/missing", tmpdir);
    assert_int_equal(guides_load(path, &g, err, sizeof(err)), ALM_ENOTFOUND);
    assert_non_null(strstr(err, "missing"));

    /* an empty directory is an empty set */
    dir = subdir("empty");
    assert_int_equal(guides_load(dir, &g, err, sizeof(err)), ALM_OK);
    assert_int_equal(guides_count(g), 0);
    assert_int_equal(guides_match(g, NULL, "Export controls", "text", NULL, NULL, 0, &hits), 0);
    assert_null(hits);
    guides_free(g);
}

/* ---- matching ---- */

static const char *const export_ents[] = { "Nvidia", "U.S. Commerce Department" };
static const char *const llama_ents[] = { "Meta", "Llama" };

/* At most GUIDES_MAX_HITS topic guides by weight, then at most
 * GUIDES_MAX_THREAD_HITS threads by weight. */
static void
check_hits(const struct guide_set *g, const struct guide_hit *h, size_t n)
{
    size_t topics = 0, threads = 0;

    for (size_t i = 0; i < n; i++) {
        int thread = guides_get(g, h[i].guide)->thread;
        assert_true(h[i].weight >= GUIDES_MIN_WEIGHT && h[i].weight <= 1.0);
        if (thread)
            threads++;
        else
            assert_int_equal(threads, 0), topics++;
        if (i > 0 && guides_get(g, h[i - 1].guide)->thread == thread)
            assert_true(h[i - 1].weight >= h[i].weight);
    }
    assert_true(topics <= GUIDES_MAX_HITS && threads <= GUIDES_MAX_THREAD_HITS);
}

/* The three events of the brief against the set g. */
static void
match_three(const struct guide_set *g, struct stemmer *st)
{
    struct guide_hit *h = NULL;
    size_t n;
    int found = 0;

    n = guides_match(g, st, "U.S. export controls on Nvidia chips",
                     "The U.S. Commerce Department tightened export controls on advanced chips "
                     "sold to China and added Chinese firms to the entity list. Nvidia said it "
                     "would comply with the new rules.",
                     export_ents, NULL, LEN(export_ents), &h);
    check_hits(g, h, n);
    assert_true(n >= 1);
    assert_string_equal(guides_get(g, h[0].guide)->slug, "export-controls-compute-governance");
    free(h);

    n = guides_match(g, st, "Meta releases Llama 4 with open weights",
                     "Meta released Llama 4 as an open-weight model that developers can "
                     "download, fine-tune and run locally on their own hardware.",
                     llama_ents, NULL, LEN(llama_ents), &h);
    check_hits(g, h, n);
    for (size_t i = 0; i < n; i++)
        found |= strcmp(guides_get(g, h[i].guide)->slug, "open-weight-models") == 0;
    assert_true(found);
    assert_string_equal(guides_get(g, h[0].guide)->slug, "open-weight-models");
    free(h);

    n = guides_match(g, st, "Classic chocolate chip cookies",
                     "Preheat the oven to 180 degrees. Cream the butter and sugar, beat in two "
                     "eggs, then fold in the flour and the chocolate chips. Bake for twelve "
                     "minutes, until the edges are golden, and let them cool on a rack.",
                     NULL, NULL, 0, &h);
    assert_int_equal(n, 0);
    assert_null(h);
}

static void
test_match_small(void **state)
{
    struct guide_set *g = NULL;
    struct stemmer *st = stemmer_new();
    struct guide_hit *h = NULL;
    const char *const family[] = { "Claude Opus 4.6", "Anthropic" };
    const int family_in_title[] = { 1, 0 };
    size_t n, i;

    (void)state;
    assert_int_equal(guides_load(write_small("small2"), &g, NULL, 0), ALM_OK);
    match_three(g, st);

    /* "Open-Weight" in a title finds the keywords "open weights" and "open-weight" once */
    n = guides_match(g, st, "An Open-Weight Model Roundup", NULL, NULL, NULL, 0, &h);
    check_hits(g, h, n);
    assert_true(n >= 1);
    assert_string_equal(guides_get(g, h[0].guide)->slug, "open-weight-models");
    free(h);

    /* two of a guide's entities in passing (not in the title) are not enough */
    n = guides_match(g, st, "A quiet week", NULL, family, NULL, LEN(family), &h);
    assert_int_equal(n, 0);
    assert_null(h);

    /* "Claude Opus 4.6" stands for "Claude Opus", and "Claude" inside it counts once */
    n = guides_match(g, st, "A quiet week", NULL, family, family_in_title, LEN(family), &h);
    check_hits(g, h, n);
    assert_int_equal(n, 1);
    assert_string_equal(guides_get(g, h[0].guide)->slug, "anthropic");
    assert_true(h[0].weight >= 0.29 && h[0].weight < 0.34);   /* E = 0.75, not 0.875 */
    free(h);

    /* entity names compare on their words, whatever their case */
    {
        const char *const shouty[] = { "NVIDIA H20", "u.s. commerce department" };
        const int shouty_in_title[] = { 0, 1 };
        n = guides_match(g, st, "A quiet week", NULL, shouty, shouty_in_title, LEN(shouty), &h);
        for (i = 0; i < n; i++)
            if (strcmp(guides_get(g, h[i].guide)->slug, "export-controls-compute-governance") == 0)
                break;
        assert_true(i < n);
        free(h);
    }

    /* nothing to go on */
    n = guides_match(g, NULL, NULL, NULL, NULL, NULL, 3, &h);
    assert_int_equal(n, 0);
    assert_null(h);
    n = guides_match(g, st, "", "\xff\xfe\x00", NULL, NULL, 0, &h);
    assert_int_equal(n, 0);

    /* a long text is read up to the limit */
    {
        size_t big = GUIDES_SCAN_BYTES + 4096;
        char *text = malloc(big + 1);
        for (size_t k = 0; k < big; k++)
            text[k] = "export controls "[k % 16];
        text[big] = '\0';
        n = guides_match(g, st, "x", text, NULL, NULL, 0, &h);
        check_hits(g, h, n);
        assert_true(n >= 1);
        assert_string_equal(guides_get(g, h[0].guide)->slug, "export-controls-compute-governance");
        free(h);
        free(text);
    }
    stemmer_free(st);
    guides_free(g);
}

/* A weak entity or keyword is not evidence alone, but counts beside another. */
static void
test_match_weak(void **state)
{
    static const char robots[] =
        "---\n"
        "slug: robots\n"
        "title: Robots\n"
        "summary: Robots, self-driving cars and the models behind them.\n"
        "entities: Tesla, Waymo\n"
        "keywords: robotics, humanoid, drone\n"
        "weak: tesla, Drone\n"
        "---\n"
        "# Robots\n\nHumanoid robots, robotaxis and drones.\n";
    static const char cooking[] =
        "---\nslug: cooking\ntitle: Cooking\nsummary: Recipes.\nkeywords: oven, flour\n"
        "---\n# Cooking\n\nBake it.\n";
    const char *const tesla[] = { "Tesla" };
    const int in_title[] = { 1 };
    const char *dir = subdir("weak");
    struct guide_set *g = NULL;
    struct stemmer *st = stemmer_new();
    struct guide_hit *h = NULL;
    const struct guide *gd;
    size_t n;

    (void)state;
    write_file(dir, "robots.md", robots, strlen(robots));
    write_file(dir, "cooking.md", cooking, strlen(cooking));
    assert_int_equal(guides_load(dir, &g, NULL, 0), ALM_OK);
    gd = guides_get(g, guides_find(g, "robots"));
    assert_int_equal(gd->nweak, 2);
    assert_string_equal(gd->weak[1], "Drone");

    /* a weak entity in the title, alone: weight 0.2, but no evidence */
    n = guides_match(g, st, "Tesla cuts its prices", NULL, tesla, in_title, 1, &h);
    assert_int_equal(n, 0);
    assert_null(h);
    /* ... but it is a topic the event shares with others (for related events) */
    {
        struct guide_hit *t = NULL;
        size_t nt = 0;
        n = guides_match_topics(g, st, "Tesla cuts its prices", NULL, tesla, in_title, 1, &h,
                                &t, &nt);
        assert_int_equal(n, 0);
        assert_null(h);
        assert_int_equal(nt, 1);
        assert_string_equal(guides_get(g, t[0].guide)->slug, "robots");
        free(t);
        n = guides_match_topics(g, st, "Classic cookies", NULL, NULL, NULL, 0, &h, &t, &nt);
        assert_int_equal(n + nt, 0);
        assert_null(t);
    }
    /* a weak keyword in the title, alone */
    n = guides_match(g, st, "A drone show over the harbour", NULL, NULL, NULL, 0, &h);
    assert_int_equal(n, 0);
    assert_null(h);
    /* the weak entity in the title and a strong entity in the text */
    n = guides_match(g, st, "Tesla cuts its prices", "Waymo did not comment.", tesla, in_title,
                     1, &h);
    assert_int_equal(n, 1);
    assert_string_equal(guides_get(g, h[0].guide)->slug, "robots");
    free(h);
    /* a strong keyword in the title */
    n = guides_match(g, st, "Tesla shows a humanoid", NULL, tesla, in_title, 1, &h);
    assert_int_equal(n, 1);
    assert_string_equal(guides_get(g, h[0].guide)->slug, "robots");
    free(h);
    guides_free(g);
    stemmer_free(st);
}

/* Thread guides (kind: thread): matched by the same rule, kept after at most
 * GUIDES_MAX_HITS topic guides, out of the IDF table and of the topics. */
static void
test_threads(void **state)
{
    static const char topic_fmt[] =
        "---\nslug: t%d\ntitle: Topic %d\nsummary: Humanoid robots, part %d.\n"
        "keywords: humanoid, robot hands\n---\n# Topic %d\n\nHumanoid robots walk.\n";
    static const char thread[] =
        "---\nslug: humanoid-story\ntitle: The humanoid story\nkind: thread\n"
        "summary: Humanoid robots year by year.\nkeywords: humanoid, walking robot\n"
        "---\n# The humanoid story\n\nFrom the first walking robot to factory humanoids.\n";
    static const char badkind[] =
        "---\nslug: bad\ntitle: Bad\nsummary: S.\nkind: storyline\n---\n# Bad\n";
    char dir[128], one[128], baddir[128];
    struct guide_set *g = NULL, *g1 = NULL;
    struct stemmer *st = stemmer_new();
    struct guide_hit *h = NULL, *h1 = NULL, *t = NULL;
    char text[512], name[32], err[256] = "";
    size_t n, n1, nt = 0;

    (void)state;
    /* subdir() returns one static buffer */
    snprintf(dir, sizeof(dir), "%s", subdir("threads"));
    snprintf(one, sizeof(one), "%s", subdir("threads-topic-only"));
    snprintf(baddir, sizeof(baddir), "%s", subdir("threads-bad"));
    for (int i = 1; i <= 6; i++) {
        snprintf(text, sizeof(text), topic_fmt, i, i, i, i);
        snprintf(name, sizeof(name), "t%d.md", i);
        write_file(dir, name, text, strlen(text));
        if (i == 1)
            write_file(one, name, text, strlen(text));
    }
    write_file(dir, "humanoid-story.md", thread, strlen(thread));
    assert_int_equal(guides_load(dir, &g, err, sizeof(err)), ALM_OK);
    assert_int_equal(guides_count(g), 7);
    assert_true(guides_get(g, guides_find(g, "humanoid-story"))->thread);
    assert_false(guides_get(g, guides_find(g, "t1"))->thread);
    assert_string_equal(guides_get(g, guides_find(g, "humanoid-story"))->kind, "thread");
    assert_string_equal(guides_get(g, guides_find(g, "t1"))->kind, "topic");

    /* six topic guides and the thread match: five topics, then the thread */
    n = guides_match_topics(g, st, "A humanoid robot learns to fold laundry", NULL, NULL, NULL, 0,
                            &h, &t, &nt);
    assert_int_equal(n, GUIDES_MAX_HITS + 1);
    for (size_t i = 0; i < GUIDES_MAX_HITS; i++)
        assert_false(guides_get(g, h[i].guide)->thread);
    assert_string_equal(guides_get(g, h[GUIDES_MAX_HITS].guide)->slug, "humanoid-story");
    /* the thread is not a topic shared for related events */
    assert_int_equal(nt, GUIDES_MAX_HITS);
    for (size_t i = 0; i < nt; i++)
        assert_false(guides_get(g, t[i].guide)->thread);

    /* a thread changes no topic guide's weight (its terms are not in the IDF) */
    free(h);
    free(t);
    guides_free(g);
    assert_int_equal(guides_load(one, &g, err, sizeof(err)), ALM_OK);
    n = guides_match(g, st, "A humanoid robot learns to fold laundry",
                     "Robot hands grip a towel.", NULL, NULL, 0, &h);
    assert_int_equal(n, 1);
    write_file(one, "humanoid-story.md", thread, strlen(thread));
    assert_int_equal(guides_load(one, &g1, err, sizeof(err)), ALM_OK);
    n1 = guides_match(g1, st, "A humanoid robot learns to fold laundry",
                      "Robot hands grip a towel.", NULL, NULL, 0, &h1);
    assert_int_equal(n1, 2);
    assert_string_equal(guides_get(g1, h1[0].guide)->slug, "t1");
    assert_true(h1[0].weight == h[0].weight);
    free(h);
    free(h1);
    guides_free(g);
    guides_free(g1);

    /* kind is topic, lab or thread */
    write_file(baddir, "bad.md", badkind, strlen(badkind));
    assert_int_equal(guides_load(baddir, &g, err, sizeof(err)), ALM_EINVAL);
    assert_non_null(strstr(err, "bad.md:5: kind must be 'topic', 'lab' or 'thread'"));
    stemmer_free(st);
}

/* The same three events against the shipped guides. */
static void
test_match_shipped(void **state)
{
    struct guide_set *g = NULL;
    struct stemmer *st;

    (void)state;
    assert_int_equal(guides_load(SHIPPED, &g, NULL, 0), ALM_OK);
    assert_int_not_equal(guides_find(g, "export-controls-compute-governance"), (size_t)-1);
    assert_int_not_equal(guides_find(g, "open-weight-models"), (size_t)-1);
    st = stemmer_new();
    match_three(g, st);
    stemmer_free(st);
    guides_free(g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_small),
        cmocka_unit_test(test_load_shipped),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_errors_files),
        cmocka_unit_test(test_match_small),
        cmocka_unit_test(test_match_weak),
        cmocka_unit_test(test_match_shipped),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
