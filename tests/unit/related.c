/* tests/unit/related.c - the related-events index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/related.h"
#include "analyze/text.h"
#include "base/err.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01 */

/* ---- hand-made corpora ---- */

struct hdoc {
    int64_t id;
    const char *text;
    int32_t ents[4];
    size_t nents;
    int32_t guides[3];
    size_t nguides;
    time_t published;
};

static void
add_text(struct related_index *ix, struct stemmer *st, const struct hdoc *h)
{
    uint64_t *terms;
    size_t n = text_terms(st, h->text, strlen(h->text), &terms);
    struct related_doc d = { h->id, terms, n, h->ents, h->nents, h->guides, h->nguides,
                             h->published };

    assert_int_equal(related_add(ix, &d), ALM_OK);
    free(terms);
}

static struct related_index *
index_of(const struct hdoc *v, size_t n)
{
    struct related_index *ix = related_new();
    struct stemmer *st = stemmer_new();

    for (size_t i = 0; i < n; i++)
        add_text(ix, st, &v[i]);
    stemmer_free(st);
    return ix;
}

static double
weight_of(const struct related_hit *h, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].id == id)
            return h[i].weight;
    return -1;
}

static const struct hdoc story[] = {
    { 1, "Anthropic releases Claude Mythos preview with striking cybersecurity skills",
      { 1, 2 }, 2, { 0 }, 0, T0 },
    { 2, "Claude Mythos preview released by Anthropic shows cybersecurity skills",
      { 1, 2 }, 2, { 0 }, 0, T0 + DAY },
    { 3, "Fed official says weak data caused by weather, should not slow taper",
      { 0 }, 0, { 0 }, 0, T0 },
    { 4, "Apple unveils a new iPhone camera at its September event", { 3 }, 1, { 0 }, 0, T0 },
    { 5, "Anthropic hires a chief financial officer ahead of a funding round",
      { 1 }, 1, { 0 }, 0, T0 + 2 * DAY },
    { 6, "Preview of the spring fashion season", { 0 }, 0, { 0 }, 0, T0 - 200 * DAY },
    { 7, "Fed's Plosser sees high bar for change in pace of tapering",
      { 0 }, 0, { 0 }, 0, T0 + DAY },
};

static void
test_same_story(void **state)
{
    struct related_index *ix = index_of(story, LEN(story));
    struct related_hit h[RELATED_MAX_K];
    size_t n;

    (void)state;
    assert_int_equal(related_size(ix), LEN(story));

    /* the reworded copy comes first, and near 1 */
    n = related_query(ix, 1, 8, RELATED_THRESHOLD, h);
    assert_true(n >= 1);
    assert_int_equal(h[0].id, 2);
    assert_true(h[0].weight > 0.7);
    for (size_t i = 1; i < n; i++)
        assert_true(h[i].weight <= h[i - 1].weight);
    /* no shared words: never a candidate */
    assert_true(weight_of(h, n, 3) < 0);
    assert_true(weight_of(h, n, 4) < 0);
    /* one shared word ("preview"), months apart: below the threshold */
    assert_true(weight_of(h, n, 6) < 0);
    /* same company, other story: related but well below the copy */
    assert_true(weight_of(h, n, 5) < h[0].weight - 0.3);

    n = related_query(ix, 2, 8, RELATED_THRESHOLD, h);
    assert_true(n >= 1);
    assert_int_equal(h[0].id, 1);

    /* two Fed tapering headlines find each other and nothing else */
    n = related_query(ix, 3, 8, RELATED_THRESHOLD, h);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].id, 7);

    /* nothing shares a word with the iPhone */
    assert_int_equal(related_query(ix, 4, 8, RELATED_THRESHOLD, h), 0);
    /* a threshold of 1 leaves nothing */
    assert_int_equal(related_query(ix, 1, 8, 1.0, h), 0);
    /* k cuts the list */
    assert_int_equal(related_query(ix, 1, 1, RELATED_THRESHOLD, h), 1);
    assert_int_equal(h[0].id, 2);
    related_free(ix);
}

/* Candidates 2..n have the same text; only what the table varies differs. */
static const struct {
    const char *name;
    struct hdoc docs[4];
    int64_t want[3];   /* expected order of the hits of document 1 */
    double gap;        /* weight(want[0]) - weight(want[1]), or */
    int days[2];       /* their distances in days when only time differs */
} blends[] = {
    { "entities",
      { { 1, "Nvidia ships Blackwell chips to cloud providers", { 1, 2 }, 2, { 0 }, 0, T0 },
        { 2, "Nvidia Blackwell chips reach cloud providers", { 0 }, 0, { 0 }, 0, T0 },
        { 3, "Nvidia Blackwell chips reach cloud providers", { 1, 2 }, 2, { 0 }, 0, T0 },
        { 4, "Nvidia Blackwell chips reach cloud providers", { 1, 9 }, 2, { 0 }, 0, T0 } },
      { 3, 4, 2 }, 0.2 * (1.0 - 1.0 / 3.0), { 0, 0 } },
    { "guides",
      { { 1, "OpenAI publishes a new model spec", { 0 }, 0, { 1, 2, 3 }, 3, T0 },
        { 2, "OpenAI model spec update published", { 0 }, 0, { 1 }, 1, T0 },
        { 3, "OpenAI model spec update published", { 0 }, 0, { 5 }, 1, T0 },
        { 4, "OpenAI model spec update published", { 0 }, 0, { 2, 3 }, 2, T0 } },
      { 4, 2, 3 }, 0.05, { 0, 0 } },
    { "time breaks ties",
      { { 1, "EU AI Act enforcement begins for general purpose models", { 7 }, 1, { 4 }, 1,
          T0 },
        { 2, "EU AI Act enforcement starts for general purpose models", { 7 }, 1, { 4 }, 1,
          T0 + 40 * DAY },
        { 3, "EU AI Act enforcement starts for general purpose models", { 7 }, 1, { 4 }, 1,
          T0 - 2 * DAY },
        { 4, "EU AI Act enforcement starts for general purpose models", { 7 }, 1, { 4 }, 1,
          T0 + 10 * DAY } },
      { 3, 4, 2 }, 0, { 2, 10 } },
};

static void
test_blend(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(blends); i++) {
        struct related_index *ix = index_of(blends[i].docs, 4);
        struct related_hit h[RELATED_MAX_K];
        size_t n = related_query(ix, 1, 8, RELATED_THRESHOLD, h);
        double gap = blends[i].gap;

        if (blends[i].days[0] || blends[i].days[1])
            gap = 0.1 * (exp(-blends[i].days[0] / 30.0) - exp(-blends[i].days[1] / 30.0));
        print_message("blend case: %s\n", blends[i].name);
        assert_int_equal(n, 3);
        for (size_t j = 0; j < 3; j++)
            assert_int_equal(h[j].id, blends[i].want[j]);
        assert_true(fabs(h[0].weight - h[1].weight - gap) < 1e-9);
        related_free(ix);
    }
}

/* The same text, entities, guides (>= 2 shared) and time: weight 1. */
static void
test_identical(void **state)
{
    static const struct hdoc d[] = {
        { 10, "Mistral releases open weights", { 4, 5 }, 2, { 1, 2 }, 2, T0 },
        { 20, "Mistral releases open weights", { 4, 5 }, 2, { 1, 2 }, 2, T0 },
    };
    struct related_index *ix = index_of(d, LEN(d));
    struct related_hit h[RELATED_MAX_K];

    (void)state;
    assert_int_equal(related_query(ix, 10, 8, RELATED_THRESHOLD, h), 1);
    assert_int_equal(h[0].id, 20);
    assert_true(fabs(h[0].weight - 1.0) < 1e-9);
    related_free(ix);
}

/* ---- errors and empty documents ---- */

static int calls;

static void
count_calls(int64_t id, const struct related_hit *h, size_t n, void *arg)
{
    (void)id;
    (void)h;
    (void)n;
    (void)arg;
    calls++;
}

static void
test_errors(void **state)
{
    struct related_index *ix = related_new();
    uint64_t terms[] = { 1, 2, 3 };
    struct related_doc d = { 7, terms, 3, NULL, 0, NULL, 0, T0 };
    struct related_doc bad = { 8, NULL, 2, NULL, 0, NULL, 0, T0 };
    struct related_hit h[RELATED_MAX_K];

    (void)state;
    related_free(NULL);
    assert_int_equal(related_size(ix), 0);
    calls = 0;
    assert_int_equal(related_build_all(ix, 8, RELATED_THRESHOLD, count_calls, NULL), ALM_OK);
    assert_int_equal(calls, 0);
    assert_int_equal(related_query(ix, 7, 8, RELATED_THRESHOLD, h), 0);

    assert_int_equal(related_add(ix, &d), ALM_OK);
    assert_int_equal(related_add(ix, &d), ALM_EINVAL);  /* duplicate id */
    assert_int_equal(related_add(ix, &bad), ALM_EINVAL);
    assert_int_equal(related_add(ix, NULL), ALM_EINVAL);
    assert_int_equal(related_size(ix), 1);

    assert_int_equal(related_update_for(ix, 99, 8, RELATED_THRESHOLD, NULL, NULL),
                     ALM_ENOTFOUND);
    assert_int_equal(related_update_for(ix, 7, 0, RELATED_THRESHOLD, NULL, NULL), ALM_EINVAL);
    assert_int_equal(related_update_for(ix, 7, RELATED_MAX_K + 1, RELATED_THRESHOLD, NULL,
                                        NULL), ALM_EINVAL);
    assert_int_equal(related_build_all(ix, 0, RELATED_THRESHOLD, NULL, NULL), ALM_EINVAL);
    assert_int_equal(related_query(ix, 99, 8, RELATED_THRESHOLD, h), 0);
    assert_int_equal(related_query(ix, 7, 0, RELATED_THRESHOLD, h), 0);
    related_free(ix);
}

static void
test_empty_docs(void **state)
{
    struct related_index *ix = related_new();
    uint64_t terms[] = { 11, 12, 13, 11 };
    int32_t ents[] = { 1, 2 }, guides[] = { 3 };
    struct related_doc empty = { 1, NULL, 0, NULL, 0, NULL, 0, 0 };
    struct related_doc meta = { 2, NULL, 0, ents, 2, guides, 1, T0 };
    struct related_doc a = { 3, terms, 4, ents, 2, guides, 1, T0 };
    struct related_doc b = { 4, terms, 3, ents, 2, guides, 1, T0 };
    struct related_hit h[RELATED_MAX_K];

    (void)state;
    assert_int_equal(related_add(ix, &empty), ALM_OK);
    calls = 0;
    assert_int_equal(related_update_for(ix, 1, 8, RELATED_THRESHOLD, count_calls, NULL),
                     ALM_OK);
    assert_int_equal(calls, 1);  /* the new document's own (empty) list */
    assert_int_equal(related_add(ix, &meta), ALM_OK);
    assert_int_equal(related_add(ix, &a), ALM_OK);
    assert_int_equal(related_add(ix, &b), ALM_OK);
    assert_int_equal(related_update_for(ix, 4, 8, RELATED_THRESHOLD, NULL, NULL), ALM_OK);
    assert_int_equal(related_query(ix, 1, 8, RELATED_THRESHOLD, h), 0);
    /* entities and guides alone never make a candidate */
    assert_int_equal(related_query(ix, 2, 8, RELATED_THRESHOLD, h), 0);
    assert_int_equal(related_query(ix, 3, 8, RELATED_THRESHOLD, h), 1);
    assert_int_equal(h[0].id, 4);
    assert_true(h[0].weight > 0 && h[0].weight <= 1.0);
    calls = 0;
    assert_int_equal(related_build_all(ix, 8, RELATED_THRESHOLD, count_calls, NULL), ALM_OK);
    assert_int_equal(calls, 4);
    related_free(ix);
}

/* A term in every document is stop-like: sharing only it relates nothing. */
static void
test_df_cap(void **state)
{
    struct related_index *ix = related_new();
    struct related_hit h[RELATED_MAX_K];

    (void)state;
    for (int64_t i = 0; i < 300; i++) {
        uint64_t terms[] = { 1000, 2000 + (uint64_t)i / 2 };
        struct related_doc d = { i + 1, terms, 2, NULL, 0, NULL, 0, T0 };
        assert_int_equal(related_add(ix, &d), ALM_OK);
    }
    /* document 1 shares term 2000 with document 2 only */
    assert_int_equal(related_query(ix, 1, 8, RELATED_THRESHOLD, h), 1);
    assert_int_equal(h[0].id, 2);
    related_free(ix);
}

/* ---- incremental against full builds, on random corpora ---- */

#define RN 500
#define RVOCAB 400

/* Each random test runs once per row. */
static const struct {
    uint64_t seed;
    size_t k;
    double threshold;
} params[] = {
    { 1, 8, RELATED_THRESHOLD },
    { 2, 3, 0.25 },
    { 3, RELATED_MAX_K, 0.0 },
};

struct rdoc {
    uint64_t terms[24];
    size_t nterms;
    int32_t ents[5], guides[3];
    size_t nents, nguides;
    time_t published;
};

/* The lists last reported per id (1..RN). */
struct lists {
    struct related_hit h[RN + 1][RELATED_MAX_K];
    size_t n[RN + 1];
    int seen[RN + 1];
    int unchanged_reports;
};

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33) % n;
}

static void
make_corpus(struct rdoc *v, uint64_t seed)
{
    rng_state = seed;
    for (size_t i = 0; i < RN; i++) {
        struct rdoc *d = &v[i];
        memset(d, 0, sizeof(*d));
        d->nterms = rnd(10) == 0 ? 0 : 2 + rnd(20);
        for (size_t j = 0; j < d->nterms; j++) {
            /* skewed: low ids are common words, a few in most documents */
            uint32_t a = rnd(RVOCAB), b = rnd(RVOCAB);
            uint32_t t = rnd(8) == 0 ? rnd(3) : (a < b ? a : b);
            d->terms[j] = 0x9e3779b97f4a7c15ULL * (t + 1);
        }
        d->nents = rnd(6);
        for (size_t j = 0; j < d->nents; j++) {
            int32_t e = (int32_t)rnd(30);
            int dup = 0;
            for (size_t m = 0; m < j; m++)
                dup |= d->ents[m] == e;
            d->ents[j] = e;
            if (dup)
                d->nents = j;
        }
        d->nguides = rnd(4);
        for (size_t j = 0; j < d->nguides; j++)
            d->guides[j] = (int32_t)(j * 4 + rnd(4));
        d->published = rnd(20) == 0 ? 0 : T0 + (time_t)rnd(120 * DAY);
    }
}

static void
radd(struct related_index *ix, const struct rdoc *v, size_t i)
{
    const struct rdoc *d = &v[i];
    struct related_doc rd = { (int64_t)i + 1, d->terms, d->nterms, d->ents, d->nents,
                              d->guides, d->nguides, d->published };

    assert_int_equal(related_add(ix, &rd), ALM_OK);
}

static void
record(int64_t id, const struct related_hit *h, size_t n, void *arg)
{
    struct lists *l = arg;

    assert_true(id >= 1 && id <= RN);
    assert_true(n <= RELATED_MAX_K);
    if (l->seen[id] && l->n[id] == n && memcmp(l->h[id], h, n * sizeof(*h)) == 0)
        l->unchanged_reports++;
    memcpy(l->h[id], h, n * sizeof(*h));
    l->n[id] = n;
    l->seen[id] = 1;
}

static void
assert_same_lists(const struct lists *a, const struct lists *b, size_t n)
{
    for (size_t id = 1; id <= n; id++) {
        assert_int_equal(a->n[id], b->n[id]);
        for (size_t j = 0; j < a->n[id]; j++) {
            assert_int_equal(a->h[id][j].id, b->h[id][j].id);
            assert_true(a->h[id][j].weight == b->h[id][j].weight);
        }
    }
}

/* One update per added document, from empty (with snapshot retakes). */
static void
test_incremental_from_empty(void **state)
{
    static struct rdoc v[RN];
    static struct lists inc, full;

    (void)state;
    for (size_t p = 0; p < LEN(params); p++) {
        struct related_index *ix = related_new();
        size_t k = params[p].k;
        double thr = params[p].threshold;

        make_corpus(v, params[p].seed);
        memset(&inc, 0, sizeof(inc));
        memset(&full, 0, sizeof(full));
        for (size_t i = 0; i < RN; i++) {
            radd(ix, v, i);
            assert_int_equal(related_update_for(ix, (int64_t)i + 1, k, thr, record, &inc),
                             ALM_OK);
            assert_true(inc.seen[i + 1]);
        }
        assert_int_equal(related_build_all(ix, k, thr, record, &full), ALM_OK);
        assert_same_lists(&inc, &full, RN);
        related_free(ix);
    }
}

/*
 * 300 documents built, 200 added one at a time with updates, against an
 * index that got the same 300, was built, got the 200 without updates and
 * was built again. Also: several documents added before one update.
 */
static void
test_incremental_equals_rebuild(void **state)
{
    static struct rdoc v[RN];
    static struct lists inc, full;

    (void)state;
    for (size_t p = 0; p < LEN(params); p++) {
        struct related_index *a = related_new(), *b = related_new();
        size_t k = params[p].k;
        double thr = params[p].threshold;

        make_corpus(v, params[p].seed + 100);
        memset(&inc, 0, sizeof(inc));
        memset(&full, 0, sizeof(full));
        for (size_t i = 0; i < 300; i++) {
            radd(a, v, i);
            radd(b, v, i);
        }
        assert_int_equal(related_build_all(a, k, thr, record, &inc), ALM_OK);
        assert_int_equal(related_build_all(b, k, thr, NULL, NULL), ALM_OK);
        inc.unchanged_reports = 0;
        for (size_t i = 300; i < RN; i++) {
            radd(b, v, i);
            radd(a, v, i);
            /* now and then three documents in a row before one update */
            if (i % 10 < 2 && i + 1 < RN)
                continue;
            assert_int_equal(related_update_for(a, (int64_t)i + 1, k, thr, record, &inc),
                             ALM_OK);
            assert_true(inc.seen[i + 1]);
        }
        /* an update reports changed lists only (and new documents') */
        assert_int_equal(inc.unchanged_reports, 0);
        assert_int_equal(related_build_all(b, k, thr, record, &full), ALM_OK);
        assert_same_lists(&inc, &full, RN);

        /* the kept lists agree with a build of the same index, too */
        memset(&full, 0, sizeof(full));
        assert_int_equal(related_build_all(a, k, thr, record, &full), ALM_OK);
        assert_same_lists(&inc, &full, RN);

        /* a different k recomputes and reports everything */
        memset(&inc, 0, sizeof(inc));
        assert_int_equal(related_update_for(a, RN, k == 3 ? 4 : 3, thr, record, &inc), ALM_OK);
        for (size_t id = 1; id <= RN; id++)
            assert_true(inc.seen[id] && inc.n[id] <= 4);
        related_free(a);
        related_free(b);
    }
}

/* related_raw_fn over a struct lists: the list kept for id. */
static int
raw_of(int64_t id, struct related_hit *out, size_t k, size_t *n, void *arg)
{
    const struct lists *l = arg;

    if (id < 1 || id > RN || l->n[id] > k)
        return ALM_ENOTFOUND;
    memcpy(out, l->h[id], l->n[id] * sizeof(*out));
    *n = l->n[id];
    return ALM_OK;
}

/*
 * Lists kept outside the index (the store) with their floors: 300
 * documents built (their lists and floors kept), then an index of the same
 * 300 added with those floors, its snapshot taken at 300 as the first
 * index's was, the 200 new ones added and related_update_new. The lists it
 * reports, laid over the kept ones, must be the lists of a full build of
 * the 500 on that snapshot (the first index after related_update_for on
 * the 200), and it reports fewer lists than there are.
 */
static void
test_update_new_equals_rebuild(void **state)
{
    static struct rdoc v[RN];
    static struct lists kept, full;
    struct related_hit h[RELATED_MAX_K];
    int64_t ids[RN];

    (void)state;
    for (size_t p = 0; p < 2 * LEN(params); p++) {
        struct related_index *a = related_new(), *b = related_new();
        size_t k = params[p / 2].k, nids = 0, nlisted = 0, reported = 0;
        double thr = params[p / 2].threshold;
        int with_raw = p % 2; /* kept lists merged, or recomputed */

        make_corpus(v, params[p / 2].seed + 200);
        memset(&kept, 0, sizeof(kept));
        memset(&full, 0, sizeof(full));
        for (size_t i = 0; i < 300; i++)
            radd(a, v, i);
        assert_int_equal(related_build_all(a, k, thr, record, &kept), ALM_OK);
        for (size_t i = 0; i < 300; i++) {
            const struct rdoc *d = &v[i];
            struct related_doc rd = { (int64_t)i + 1, d->terms, d->nterms, d->ents, d->nents,
                                      d->guides, d->nguides, d->published };
            double fl = related_floor(kept.h[i + 1], kept.n[i + 1], k, thr);
            assert_true(fl >= thr);
            assert_int_equal(related_add_listed(b, &rd, fl), ALM_OK);
        }
        related_query(b, 1, k, thr, h); /* the snapshot, at 300 */
        for (size_t i = 300; i < RN; i++) {
            radd(a, v, i);
            radd(b, v, i);
            ids[nids++] = (int64_t)i + 1;
            assert_int_equal(related_update_for(a, (int64_t)i + 1, k, thr, NULL, NULL),
                             ALM_OK);
        }
        for (size_t id = 1; id <= RN; id++)
            kept.seen[id] = 0;
        assert_int_equal(related_update_new(b, ids, nids, k, thr, with_raw ? raw_of : NULL,
                                            record, &kept, &nlisted), ALM_OK);
        for (size_t id = 1; id <= RN; id++)
            reported += (size_t)kept.seen[id];
        for (size_t i = 300; i < RN; i++)
            assert_true(kept.seen[i + 1]);
        assert_int_equal(reported, nids + nlisted);
        assert_true(nlisted > 0 && nlisted < 300);
        assert_int_equal(related_build_all(a, k, thr, record, &full), ALM_OK);
        assert_same_lists(&kept, &full, RN);
        related_free(a);
        related_free(b);
    }
}

/* Without every old floor, related_update_new is a full build. */
static void
test_update_new_unknown_floor(void **state)
{
    static struct rdoc v[RN];
    static struct lists got, full;
    struct related_index *a = related_new(), *b = related_new();
    int64_t id = 50;
    size_t nlisted = 7;

    (void)state;
    make_corpus(v, 77);
    memset(&got, 0, sizeof(got));
    memset(&full, 0, sizeof(full));
    for (size_t i = 0; i < 50; i++) {
        const struct rdoc *d = &v[i];
        struct related_doc rd = { (int64_t)i + 1, d->terms, d->nterms, d->ents, d->nents,
                                  d->guides, d->nguides, d->published };
        assert_int_equal(related_add_listed(b, &rd, i == 20 ? -1.0 : 0.5), ALM_OK);
        radd(a, v, i);
    }
    assert_int_equal(related_update_new(b, &id, 1, 8, RELATED_THRESHOLD, raw_of, record, &got,
                                        &nlisted), ALM_OK);
    assert_int_equal(nlisted, 0);
    assert_int_equal(related_build_all(a, 8, RELATED_THRESHOLD, record, &full), ALM_OK);
    for (size_t i = 1; i <= 50; i++)
        assert_true(got.seen[i]);
    assert_same_lists(&got, &full, 50);
    id = 99;
    assert_int_equal(related_update_new(b, &id, 1, 8, RELATED_THRESHOLD, NULL, NULL, NULL,
                                        NULL), ALM_ENOTFOUND);
    assert_int_equal(related_update_new(b, &id, 1, 0, RELATED_THRESHOLD, NULL, NULL, NULL,
                                        NULL), ALM_EINVAL);
    related_free(a);
    related_free(b);
}

/*
 * The lists against a plain O(n^2) evaluation of the formula in doubles: the
 * index's pruning must never drop a hit. Weights agree to within the index's
 * fixed-point rounding; ids must agree except between near-equal weights.
 */
static double tfv[RN][RVOCAB];   /* term frequencies by vocabulary index */

static double
ref_weight(const struct rdoc *v, size_t q, size_t c, const double *idf, const uint8_t *skip,
           double avgdl)
{
    const struct rdoc *a = &v[q], *b = &v[c];
    double s = 0, self = 0, w, kb, ka, jac = 0, gs = 0, tp = 0;
    size_t shared = 0, un;

    ka = 1.2 * (1 - 0.75 + 0.75 * (double)a->nterms / avgdl);
    kb = 1.2 * (1 - 0.75 + 0.75 * (double)b->nterms / avgdl);
    for (size_t t = 0; t < RVOCAB; t++) {
        double tfa = tfv[q][t], tfb = tfv[c][t];
        if (skip[t] || tfa == 0)
            continue;
        self += idf[t] * tfa * 2.2 / (tfa + ka);
        if (tfb > 0)
            s += idf[t] * tfb * 2.2 / (tfb + kb);
    }
    if (s == 0)
        return -1;
    w = s / self > 1 ? 1 : s / self;
    for (size_t i = 0; i < a->nents; i++)
        for (size_t j = 0; j < b->nents; j++)
            shared += a->ents[i] == b->ents[j];
    un = a->nents + b->nents - shared;
    if (un)
        jac = (double)shared / (double)un;
    shared = 0;
    for (size_t i = 0; i < a->nguides; i++)
        for (size_t j = 0; j < b->nguides; j++)
            shared += a->guides[i] == b->guides[j];
    if (shared)
        gs = shared >= 2 ? 1 : 0.5;
    if (a->published && b->published)
        tp = exp(-fabs((double)a->published - (double)b->published) / (30.0 * DAY));
    return 0.6 * w + 0.2 * jac + 0.1 * gs + 0.1 * tp;
}

static void
check_reference(struct rdoc *v, struct lists *got, double *idf, uint8_t *skip, uint64_t seed,
                size_t k, double thr)
{
    struct related_index *ix = related_new();
    double sumdl = 0, cap = RN / 10 < 100 ? 100 : RN / 10;

    make_corpus(v, seed);
    memset(got, 0, sizeof(*got));
    memset(tfv, 0, sizeof(tfv));
    for (size_t i = 0; i < RN; i++) {
        radd(ix, v, i);
        sumdl += (double)v[i].nterms;
        for (size_t j = 0; j < v[i].nterms; j++)
            for (size_t t = 0; t < RVOCAB; t++)
                if (v[i].terms[j] == 0x9e3779b97f4a7c15ULL * (t + 1))
                    tfv[i][t]++;
    }
    for (size_t t = 0; t < RVOCAB; t++) {
        double df = 0;
        for (size_t i = 0; i < RN; i++)
            df += tfv[i][t] > 0;
        skip[t] = df > cap;
        idf[t] = log(1 + (RN - df + 0.5) / (df + 0.5));
    }
    assert_true(skip[0] || skip[1] || skip[2]);  /* the cap is exercised */
    assert_int_equal(related_build_all(ix, k, thr, record, got), ALM_OK);
    for (size_t q = 0; q < RN; q++) {
        struct related_hit want[RN];
        size_t n = 0;
        for (size_t c = 0; c < RN; c++) {
            double w;
            if (c == q || (w = ref_weight(v, q, c, idf, skip, sumdl / RN)) <= thr)
                continue;
            size_t j = n++;
            for (; j > 0 && (want[j - 1].weight < w ||
                             (want[j - 1].weight == w && want[j - 1].id > (int64_t)c + 1)); j--)
                want[j] = want[j - 1];
            want[j].id = (int64_t)c + 1;
            want[j].weight = w;
        }
        size_t nwant = n < k ? n : k;
        const struct related_hit *h = got->h[q + 1];
        /* only at the threshold may the fixed-point rounding decide */
        if (got->n[q + 1] < nwant)
            assert_true(fabs(want[got->n[q + 1]].weight - thr) < 1e-6);
        if (got->n[q + 1] > nwant)
            assert_true(fabs(h[nwant].weight - thr) < 1e-6);
        for (size_t j = 0; j < got->n[q + 1] && j < nwant; j++) {
            assert_true(fabs(h[j].weight - want[j].weight) < 1e-6);
            if (h[j].id != want[j].id) {
                double ww = weight_of(want, n, h[j].id);
                assert_true(ww >= 0 && fabs(ww - h[j].weight) < 1e-6);
            }
        }
    }
    related_free(ix);
}

static void
test_against_reference(void **state)
{
    static struct rdoc v[RN];
    static struct lists got;
    static double idf[RVOCAB];
    static uint8_t skip[RVOCAB];

    (void)state;
    for (size_t p = 0; p < LEN(params); p++)
        check_reference(v, &got, idf, skip, params[p].seed + 200, params[p].k,
                        params[p].threshold);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_story),
        cmocka_unit_test(test_blend),
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_empty_docs),
        cmocka_unit_test(test_df_cap),
        cmocka_unit_test(test_incremental_from_empty),
        cmocka_unit_test(test_incremental_equals_rebuild),
        cmocka_unit_test(test_update_new_equals_rebuild),
        cmocka_unit_test(test_update_new_unknown_floor),
        cmocka_unit_test(test_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
