#include "analyze/story.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/text.h"
#include "base/err.h"
#include "base/xalloc.h"

/* An open-addressing map from 64-bit keys to 32-bit values. */
struct u64map {
    uint64_t *keys;          /* 0 = empty; keys are forced non-zero */
    uint32_t *vals;
    size_t cap, n;
};

static uint64_t
key_of(uint64_t k)
{
    return k ? k : 0x9e3779b97f4a7c15ULL;
}

static void
map_grow(struct u64map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *keys = xcalloc(cap, sizeof(*keys));
    uint32_t *vals = xcalloc(cap, sizeof(*vals));

    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == 0)
            continue;
        size_t j = (size_t)(m->keys[i] * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

/* The slot of k; inserts it with value v when absent (*found = 0). */
static uint32_t *
map_slot(struct u64map *m, uint64_t k, uint32_t v, int *found)
{
    size_t i;

    k = key_of(k);
    if ((m->n + 1) * 2 > m->cap)
        map_grow(m);
    i = (size_t)(k * 0x9E3779B97F4A7C15ULL >> 20) & (m->cap - 1);
    while (m->keys[i]) {
        if (m->keys[i] == k) {
            *found = 1;
            return &m->vals[i];
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = k;
    m->vals[i] = v;
    m->n++;
    *found = 0;
    return &m->vals[i];
}

static int
map_get(const struct u64map *m, uint64_t k, uint32_t *v)
{
    size_t i;

    if (m->cap == 0)
        return 0;
    k = key_of(k);
    i = (size_t)(k * 0x9E3779B97F4A7C15ULL >> 20) & (m->cap - 1);
    while (m->keys[i]) {
        if (m->keys[i] == k) {
            *v = m->vals[i];
            return 1;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return 0;
}

static void
map_free(struct u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

struct u32vec {
    uint32_t *v;
    uint32_t n, cap;
};

static void
vec_push(struct u32vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
    }
    v->v[v->n++] = x;
}

#define STORY_MEMBERS 32

struct cterm {
    uint32_t term;           /* dense term id */
    uint32_t count;
};

struct story {
    struct story_info info;
    struct cterm *cent;      /* centroid: term counts of its members */
    uint32_t ncent, capcent;
    int64_t *sources;
    uint32_t nsources;
    uint64_t simhash;        /* of its latest member, to confirm band hits */
    int32_t spec[16];        /* specific entities its members name (the first 16) */
    uint32_t nspec;
    /* Its latest STORY_MEMBERS members, a ring grown as they come (most
     * stories have one): slot k is member number k, then k + 32... */
    struct member *mem;
    uint32_t capmem;
    uint32_t mem_next;
    int gone;                /* story_forget_before() released it */
};

struct member {
    uint32_t *t;             /* sorted term ids */
    uint32_t *tt;            /* sorted term ids of its title, NULL when none */
    uint32_t nt, ntt;
    int64_t feed;
};

/* Members in use: the ring's slots filled so far. */
static uint32_t
members_in(const struct story *s)
{
    return s->mem_next < STORY_MEMBERS ? s->mem_next : STORY_MEMBERS;
}

struct story_index {
    struct story_opts o;
    struct u64map terms;     /* term hash -> dense id */
    uint32_t *df;            /* per dense id: documents containing it */
    struct u32vec *post;     /* per dense id: stories whose centroid has it */
    size_t sweep_from;       /* story_forget_before(): stories before are released */
    time_t newest;           /* the latest doc's date so far */
    int unordered;           /* a doc came dated before an earlier one */
    size_t nterm_ids, capterm;
    size_t ndocs;
    struct story *stories;
    size_t nstories, capstories;
    time_t *last_seen;       /* per story, its info.last_seen: best_story reads it for
                              * every posting, and a story is 1 KB apart from the next */
    struct u64map by_id;     /* story id -> index */
    struct u64map by_title;  /* title key -> story index + 1 (the latest) */
    struct u64map bands[4];  /* simhash band -> story index + 1 */
    uint64_t *calendar;      /* sorted hashes of the calendar's words */
    size_t ncalendar;
    double *acc;             /* scratch: accumulated scores per story */
    uint32_t *touched;
    size_t capacc;
};

struct story_index *
story_new(const struct story_opts *o)
{
    struct story_index *ix = xcalloc(1, sizeof(*ix));

    ix->o.window = 3 * 86400;
    ix->o.threshold = 0.1;
    ix->o.title_window = 30 * 86400;
    ix->o.max_terms = 48;
    {
        /* Month and day names say when, not what: two posts of one month
         * ("Circuits Updates - June", "June Product Update") share the
         * month's name and nothing else. */
        static const char days[] = "january february march april june july august september "
                                   "october november december monday tuesday wednesday "
                                   "thursday friday saturday sunday";
        struct stemmer *st = stemmer_new();
        if (st) {
            ix->ncalendar = text_terms(st, days, sizeof(days) - 1, &ix->calendar);
            qsort(ix->calendar, ix->ncalendar, sizeof(*ix->calendar), text_cmp_u64);
            stemmer_free(st);
        }
    }
    if (o) {
        if (o->window > 0)
            ix->o.window = o->window;
        if (o->threshold > 0)
            ix->o.threshold = o->threshold;
        if (o->anchored > 0)
            ix->o.anchored = o->anchored;
        if (o->title_window > 0)
            ix->o.title_window = o->title_window;
        if (o->max_terms > 0)
            ix->o.max_terms = o->max_terms;
    }
    return ix;
}

/* What only a story that may still be joined needs: its centroid, sources
 * and members (its info, simhash and entities stay). */
static void
release(struct story *s)
{
    if (s->gone)
        return;
    free(s->cent);
    s->cent = NULL;
    s->ncent = s->capcent = 0;
    free(s->sources);
    s->sources = NULL;
    s->nsources = 0;
    for (uint32_t k = 0; k < members_in(s); k++) {
        free(s->mem[k].t);
        free(s->mem[k].tt);
    }
    free(s->mem);
    s->mem = NULL;
    s->capmem = 0;
    s->gone = 1;
}

void
story_forget_before(struct story_index *ix, time_t t)
{
    time_t reach = ix->o.title_window > 2 * ix->o.window ? ix->o.title_window
                                                          : 2 * ix->o.window;

    /* Stories are made in the order of their first event's date: the
     * sweep stops at the first one young enough to be joined by its title
     * or its centroid. One kept alive by near-duplicates is looked at
     * again at the next sweep. */
    for (size_t i = ix->sweep_from; i < ix->nstories; i++) {
        struct story *s = &ix->stories[i];
        if (s->info.first_seen + reach >= t)
            break;
        if (!s->gone && s->info.last_seen + ix->o.window < t)
            release(s);
        if (s->gone && i == ix->sweep_from)
            ix->sweep_from++;
    }
}

void
story_free(struct story_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i < ix->nstories; i++) {
        release(&ix->stories[i]);
    }
    for (size_t i = 0; i < ix->nterm_ids; i++)
        free(ix->post[i].v);
    free(ix->post);
    free(ix->df);
    free(ix->stories);
    free(ix->last_seen);
    map_free(&ix->terms);
    map_free(&ix->by_id);
    map_free(&ix->by_title);
    for (int b = 0; b < 4; b++)
        map_free(&ix->bands[b]);
    free(ix->calendar);
    free(ix->acc);
    free(ix->touched);
    free(ix);
}

size_t
story_count(const struct story_index *ix)
{
    return ix->nstories;
}

const struct story_info *
story_get(const struct story_index *ix, int64_t id)
{
    uint32_t k;

    if (!map_get(&ix->by_id, (uint64_t)id, &k))
        return NULL;
    return &ix->stories[k].info;
}

uint64_t
story_simhash(const uint64_t *sh, size_t n)
{
    int v[64] = { 0 };
    uint64_t h = 0;

    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = sh[i] * 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        for (int b = 0; b < 64; b++)
            v[b] += (x >> b) & 1 ? 1 : -1;
    }
    for (int b = 0; b < 64; b++)
        if (v[b] > 0)
            h |= 1ULL << b;
    return h ? h : 1;
}

static uint32_t
term_id(struct story_index *ix, uint64_t h)
{
    int found;
    uint32_t *slot = map_slot(&ix->terms, h, (uint32_t)ix->nterm_ids, &found);

    if (!found) {
        if (ix->nterm_ids == ix->capterm) {
            ix->capterm = ix->capterm ? ix->capterm * 2 : 1024;
            ix->df = xrealloc(ix->df, ix->capterm * sizeof(*ix->df));
            ix->post = xrealloc(ix->post, ix->capterm * sizeof(*ix->post));
        }
        ix->df[ix->nterm_ids] = 0;
        memset(&ix->post[ix->nterm_ids], 0, sizeof(ix->post[0]));
        ix->nterm_ids++;
    }
    return *slot;
}

static double
idf(const struct story_index *ix, uint32_t t)
{
    return log((1.0 + (double)ix->ndocs) / (1.0 + ix->df[t])) + 1.0;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static int
is_calendar(const struct story_index *ix, uint64_t h)
{
    return bsearch(&h, ix->calendar, ix->ncalendar, sizeof(h), text_cmp_u64) != NULL;
}

/* The distinct dense term ids of terms[0..n) (the first max_terms distinct
 * ones), sorted; calendar words left out. */
static size_t
doc_terms(struct story_index *ix, const uint64_t *terms, size_t n, uint32_t **out)
{
    uint32_t *v = xmalloc((n ? n : 1) * sizeof(*v));
    size_t m = 0;

    for (size_t i = 0; i < n && m < ix->o.max_terms; i++) {
        if (is_calendar(ix, terms[i]))
            continue;
        uint32_t t = term_id(ix, terms[i]);
        int dup = 0;
        for (size_t j = 0; j < m && !dup; j++)
            dup = v[j] == t;
        if (!dup)
            v[m++] = t;
    }
    qsort(v, m, sizeof(*v), cmp_u32);
    *out = v;
    return m;
}

static double idf(const struct story_index *ix, uint32_t t);


/* IDF-weighted cosine of two sorted term-id sets; *shared counts the terms
 * they share, *one is the last of them. */
static double
set_cosine(const struct story_index *ix, const uint32_t *a, size_t na, const uint32_t *b,
           size_t nb, size_t *shared, uint32_t *one)
{
    double dot = 0, x = 0, y = 0;
    size_t i = 0, j = 0;

    *shared = 0;
    *one = 0;
    for (size_t k = 0; k < na; k++)
        x += idf(ix, a[k]) * idf(ix, a[k]);
    for (size_t k = 0; k < nb; k++)
        y += idf(ix, b[k]) * idf(ix, b[k]);
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            dot += idf(ix, a[i]) * idf(ix, a[i]);
            (*shared)++;
            *one = a[i];
            i++, j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return x > 0 && y > 0 ? dot / sqrt(x * y) : 0;
}

/* A member that shares a single word with the doc vouches for it only when
 * the word is in fewer than this share of the documents: two short posts of
 * one month, "June Product Update" and "Circuits Updates - June", share
 * "update" and nothing else, and their cosine is high only because they are
 * short. */
#define ONE_WORD_DF 0.03

/* The best cosine between the doc and the story's latest members from
 * other feeds: a feed's own items (a changelog, a blog's series) never
 * vouch for each other, while one organisation's two feeds may carry one
 * announcement. */
static double
member_sim(const struct story_index *ix, const struct story *s, const uint32_t *t, size_t nt,
           int64_t feed_id)
{
    double best = 0;

    for (uint32_t k = 0; k < members_in(s); k++) {
        if (s->mem[k].feed == feed_id)
            continue;
        size_t shared;
        uint32_t one;
        double c = set_cosine(ix, t, nt, s->mem[k].t, s->mem[k].nt, &shared, &one);
        if (shared == 1 && ix->df[one] >= ONE_WORD_DF * (double)ix->ndocs)
            continue;
        if (c > best)
            best = c;
    }
    return best;
}

/* Is the shorter of two sorted title term sets, of TITLE_MIN terms or more,
 * inside the other? "Auditing games for sandbagging" and "Auditing Games for
 * Sandbagging Detection" are one paper told twice, whatever their bodies. */
#define TITLE_MIN 3

static int
title_inside(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, common = 0;

    if (na < TITLE_MIN || nb < TITLE_MIN)
        return 0;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            common++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return common == (na < nb ? na : nb);
}

/* Does the doc's title contain, or sit inside, the title of one of the
 * story's latest members from another feed? */
static int
member_title(const struct story *s, const uint32_t *tt, size_t ntt, int64_t feed_id)
{
    for (uint32_t k = 0; k < members_in(s); k++)
        if (s->mem[k].tt && s->mem[k].feed != feed_id &&
            title_inside(tt, ntt, s->mem[k].tt, s->mem[k].ntt))
            return 1;
    return 0;
}

static double
centroid_norm(const struct story_index *ix, const struct story *s)
{
    double sum = 0;

    for (uint32_t i = 0; i < s->ncent; i++) {
        double w = s->cent[i].count * idf(ix, s->cent[i].term);
        sum += w * w;
    }
    return sqrt(sum);
}

/* Best story for the doc by centroid cosine; -1 when none is close. */
static long
best_story(struct story_index *ix, const struct story_doc *d, const uint32_t *t, size_t nt,
           const uint32_t *tt, size_t ntt, double *best_sim)
{
    size_t ntouched = 0;
    double dnorm = 0;
    long best = -1;
    /* Terms in more than this many documents say nothing about identity. */
    uint32_t common = ix->ndocs > 200 ? (uint32_t)(ix->ndocs / 10) : UINT32_MAX;
    double floor = ix->o.anchored > 0 && ix->o.anchored < ix->o.threshold ? ix->o.anchored
                                                                          : ix->o.threshold;

    if (ix->capacc < ix->nstories) {
        ix->capacc = ix->nstories * 2 + 16;
        ix->acc = xrealloc(ix->acc, ix->capacc * sizeof(*ix->acc));
        ix->touched = xrealloc(ix->touched, ix->capacc * sizeof(*ix->touched));
        memset(ix->acc, 0, ix->capacc * sizeof(*ix->acc));
    }
    for (size_t i = 0; i < nt; i++) {
        double w = idf(ix, t[i]);
        dnorm += w * w;
        if (ix->df[t[i]] > common)
            continue;
        const struct u32vec *p = &ix->post[t[i]];
        /* Newest postings are at the end; a bounded walk back keeps one
         * query cheap however long the history grows. */
        for (uint32_t k = p->n, seen = 0; k-- > 0 && seen < 4096; seen++) {
            if (ix->last_seen[p->v[k]] + ix->o.window < d->published) {
                /* Docs oldest first: a posting was added by a doc dated no
                 * later than its story's last member, and those before it
                 * earlier still, so once one is older than two windows,
                 * every story further back started too early to be taken
                 * (the first_seen test below): the walk stops. */
                if (!ix->unordered && ix->last_seen[p->v[k]] + 2 * ix->o.window < d->published)
                    break;
                continue;
            }
            if (ix->acc[p->v[k]] == 0)
                ix->touched[ntouched++] = p->v[k];
            ix->acc[p->v[k]] += w; /* filled in properly below */
        }
    }
    dnorm = sqrt(dnorm);
    *best_sim = 0;
    for (size_t k = 0; k < ntouched; k++) {
        uint32_t si = ix->touched[k];
        struct story *s = &ix->stories[si];
        double dot = 0, sim;
        size_t thits = 0;    /* title terms the story has */
        ix->acc[si] = 0;
        /* A story lives a few days: chains of loosely related items
         * must not grow it into a month-long topic. */
        if (d->published + ix->o.window < s->info.first_seen ||
            d->published > s->info.first_seen + 2 * ix->o.window)
            continue;
        /* exact dot product over the sorted doc terms */
        for (uint32_t c = 0; c < s->ncent; c++) {
            uint32_t *hit = bsearch(&s->cent[c].term, t, nt, sizeof(*t), cmp_u32);
            if (hit) {
                double w = idf(ix, *hit);
                dot += w * (s->cent[c].count * w);
                if (bsearch(hit, tt, ntt, sizeof(*tt), cmp_u32))
                    thits++;
            }
        }
        sim = dot / (dnorm * centroid_norm(ix, s) + 1e-12);
        if (thits >= TITLE_MIN && member_title(s, tt, ntt, d->feed_id)) {
            sim += 1; /* one headline told twice: above any threshold */
        } else if (sim >= floor && member_sim(ix, s, t, nt, d->feed_id) < floor) {
            /* A centroid can drift toward a topic word ("Claude") that many
             * small items share; some one member must also be close. */
            continue;
        }
        if (sim > *best_sim) {
            *best_sim = sim;
            best = (long)si;
        }
    }
    return best;
}

static long
near_duplicate(const struct story_index *ix, uint64_t h)
{
    for (int b = 0; b < 4; b++) {
        uint32_t v;
        uint64_t band = ((h >> (16 * b)) & 0xFFFF) | ((uint64_t)(b + 1) << 32);
        /* v names the last story with this band; a band is a hint, the
         * Hamming distance to that story's latest hash decides */
        if (map_get(&ix->bands[b], band, &v) && v > 0 &&
            __builtin_popcountll(h ^ ix->stories[v - 1].simhash) <= 3)
            return (long)v - 1;
    }
    return -1;
}

/* The story of an earlier event with d's title, when near enough in time. */
static long
same_title(const struct story_index *ix, const struct story_doc *d)
{
    uint32_t v;
    const struct story *s;

    if (d->title_key == 0 || !map_get(&ix->by_title, d->title_key, &v) || v == 0)
        return -1;
    s = &ix->stories[v - 1];
    /* From the story's start, so that a title many posts share ("Weekly
     * update") cannot chain one story across a year. */
    if (d->published > s->info.first_seen + ix->o.title_window ||
        d->published + ix->o.title_window < s->info.first_seen)
        return -1;
    return (long)v - 1;
}

static int
shares_specific(const struct story *s, const struct story_doc *d)
{
    for (size_t i = 0; i < d->nspecific; i++)
        for (uint32_t j = 0; j < s->nspec; j++)
            if (s->spec[j] == d->specific[i])
                return 1;
    return 0;
}

static void
story_add_doc(struct story_index *ix, uint32_t si, const struct story_doc *d, const uint32_t *t,
              size_t nt, const uint32_t *tt, size_t ntt)
{
    struct story *s = &ix->stories[si];
    uint32_t k;

    for (size_t i = 0; i < nt && !d->weak; i++) {
        for (k = 0; k < s->ncent && s->cent[k].term != t[i]; k++)
            ;
        if (k < s->ncent) {
            s->cent[k].count++;
            continue;
        }
        if (s->ncent == s->capcent) {
            s->capcent = s->capcent ? s->capcent * 2 : 16;
            s->cent = xrealloc(s->cent, s->capcent * sizeof(*s->cent));
        }
        s->cent[s->ncent].term = t[i];
        s->cent[s->ncent].count = 1;
        s->ncent++;
        vec_push(&ix->post[t[i]], si);
    }
    for (k = 0; k < s->nsources && s->sources[k] != d->source_id; k++)
        ;
    if (k == s->nsources) {
        s->sources = xrealloc(s->sources, (s->nsources + 1) * sizeof(*s->sources));
        s->sources[s->nsources++] = d->source_id;
        s->info.sources = (int)s->nsources;
    }
    s->info.events++;
    for (size_t i = 0; i < d->nspecific && s->nspec < LEN(s->spec); i++) {
        uint32_t j;
        for (j = 0; j < s->nspec && s->spec[j] != d->specific[i]; j++)
            ;
        if (j == s->nspec)
            s->spec[s->nspec++] = d->specific[i];
    }
    if (d->title_key) {
        int found;
        *map_slot(&ix->by_title, d->title_key, si + 1, &found) = si + 1;
    }
    if (d->tier >= 1 && d->tier <= 3)
        s->info.tiers_mask |= 1 << d->tier;
    if (d->published < s->info.first_seen) {
        s->info.first_seen = d->published;
        s->info.first_event = d->id;
    }
    if (d->published > s->info.last_seen)
        s->info.last_seen = d->published;
    ix->last_seen[si] = s->info.last_seen;
    if (d->weak)
        return;
    k = s->mem_next % STORY_MEMBERS;
    if (s->mem_next < STORY_MEMBERS) {
        if (k == s->capmem) {
            s->capmem = s->capmem ? s->capmem * 2 : 1;
            s->mem = xrealloc(s->mem, s->capmem * sizeof(*s->mem));
        }
    } else {
        free(s->mem[k].t);
        free(s->mem[k].tt);
    }
    s->mem_next++;
    s->mem[k].t = xmalloc((nt ? nt : 1) * sizeof(uint32_t));
    memcpy(s->mem[k].t, t, nt * sizeof(uint32_t));
    s->mem[k].nt = (uint32_t)nt;
    s->mem[k].tt = NULL;
    if (ntt > 0) {
        s->mem[k].tt = xmalloc(ntt * sizeof(uint32_t));
        memcpy(s->mem[k].tt, tt, ntt * sizeof(uint32_t));
    }
    s->mem[k].ntt = (uint32_t)ntt;
    s->mem[k].feed = d->feed_id;
    if (d->simhash && !d->weak) {
        s->simhash = d->simhash;
        for (int b = 0; b < 4; b++) {
            int found;
            uint64_t band = ((d->simhash >> (16 * b)) & 0xFFFF) | ((uint64_t)(b + 1) << 32);
            *map_slot(&ix->bands[b], band, si + 1, &found) = si + 1;
        }
    }
}

int64_t
story_assign(struct story_index *ix, const struct story_doc *d, int *joined)
{
    uint32_t *t, *tt;
    size_t nt = doc_terms(ix, d->terms, d->nterms, &t);
    size_t ntt = doc_terms(ix, d->terms, d->ntitle < d->nterms ? d->ntitle : d->nterms, &tt);
    double sim = 0;
    long si = -1;
    int found;

    if (d->published < ix->newest)
        ix->unordered = 1;
    else
        ix->newest = d->published;
    si = same_title(ix, d);
    if (si < 0 && d->simhash) {
        si = near_duplicate(ix, d->simhash);
        if (si >= 0 && ix->stories[si].info.last_seen + ix->o.window < d->published)
            si = -1;
    }
    if (si < 0 && nt > 0 && !d->weak) {
        si = best_story(ix, d, t, nt, tt, ntt, &sim);
        if (si >= 0 && sim < ix->o.threshold &&
            !(ix->o.anchored > 0 && sim >= ix->o.anchored && shares_specific(&ix->stories[si], d)))
            si = -1;
    }
    ix->ndocs++;
    for (size_t i = 0; i < nt; i++)
        ix->df[t[i]]++;
    *joined = si >= 0;
    if (si < 0) {
        struct story *s;
        if (ix->nstories == ix->capstories) {
            ix->capstories = ix->capstories ? ix->capstories * 2 : 256;
            ix->stories = xrealloc(ix->stories, ix->capstories * sizeof(*ix->stories));
            ix->last_seen = xrealloc(ix->last_seen, ix->capstories * sizeof(*ix->last_seen));
        }
        si = (long)ix->nstories++;
        s = &ix->stories[si];
        memset(s, 0, sizeof(*s));
        s->info.id = d->id;
        s->info.first_event = d->id;
        s->info.first_seen = d->published;
        s->info.last_seen = d->published;
        *map_slot(&ix->by_id, (uint64_t)d->id, (uint32_t)si, &found) = (uint32_t)si;
    }
    story_add_doc(ix, (uint32_t)si, d, t, nt, tt, ntt);
    free(t);
    free(tt);
    return ix->stories[si].info.id;
}
