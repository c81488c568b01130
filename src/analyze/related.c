/*
 * related.c - the related-events index: an inverted index with BM25 and a
 * blend of entity, guide and time overlap (see related.h for the formula).
 *
 * Layout. Terms get dense ids through an open-addressing table keyed by the
 * term hash. Each term has one growable array of postings (doc, c): doc is
 * the dense document index (documents are numbered in the order they were
 * added, so postings are sorted by doc) and c is the document's BM25 term
 * contribution idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) as
 * a 2^-24 fixed-point integer. Both factors only change when the statistics
 * snapshot is retaken, and then every posting is rewritten. Integer sums do
 * not depend on the order they are added in, which is what makes the
 * incremental path (summing over the new document's terms) give bit for bit
 * the weights of a full build (summing over the query's terms).
 *
 * Scoring walks the postings of the query's terms into a dense accumulator
 * (one uint64 per document) and keeps the list of touched documents, so a
 * query costs the sum of its terms' document frequencies plus a look at each
 * touched document; the accumulator is reused and only touched cells are
 * cleared. Most touched documents share one word and nothing else with the
 * query, so rank() and offer() compare upper bounds of the weight with the
 * list's current last weight before computing anything exactly.
 *
 * An update for new document d walks d's postings once and fills two
 * accumulators: the candidates' contributions (d's own list) and d's
 * contributions (d as a candidate for each earlier document's kept list).
 */
#include "analyze/related.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"

#define BM25_K1 1.2
#define BM25_B 0.75
#define DF_CAP_MIN 100          /* never skip a term rarer than this */
#define DF_CAP_MAX 5000
#define FIX_ONE 16777216.0      /* 2^24 */
#define MONTH_SECONDS (30.0 * 86400.0)
#define MAX_DOCS 0xfffffffeu

struct posting {
    uint32_t doc;
    uint32_t c;                 /* BM25 contribution of this term to doc, fixed point */
};

struct term {
    uint64_t hash;
    struct posting *p;
    uint32_t n, cap;            /* n is the document frequency */
};

/* One distinct term of a document. */
struct dterm {
    uint32_t term, tf, c;
};

struct doc {
    int64_t id;
    uint64_t self;              /* sum of its scored contributions: its own BM25 */
    uint32_t toff, tn, dl;      /* distinct terms in ix->dterms; dl counts repeats */
    uint32_t eoff, goff;        /* sorted entity and guide ids in ix->ints */
    double floor;               /* related_add_listed's; < 0 (related_add) unknown */
};

/*
 * What offer() reads of most candidates, apart and small so that the
 * random reads of a query mostly hit the cache.
 */
struct hot {
    time_t published;
    uint64_t esig, gsig;        /* one bit per entity / guide id: no common bit, no overlap */
    uint32_t en, gn;            /* entity and guide counts */
};

/* A top-k list being built or kept: dense indexes and weights, best first. */
struct list {
    uint32_t *idx;
    double *w;
    size_t n, k;
};

struct related_index {
    struct doc *docs;
    struct hot *hot;
    size_t ndocs, capdocs;
    struct dterm *dterms;
    size_t ndterms, capdterms;
    int32_t *ints;
    size_t nints, capints;

    struct term *terms;
    size_t nterms, capterms;
    uint32_t *tslot;            /* term id + 1, 0 empty */
    size_t tmask;
    uint32_t *islot;            /* document index + 1, 0 empty */
    size_t imask;

    /* The statistics snapshot; stats_n == 0 while none was taken. */
    size_t stats_n;
    double avgdl;
    double *idf;                /* per term id < nidf; < 0 means skipped */
    size_t nidf;
    double idf_new;             /* for terms first seen after the snapshot */

    /* Scratch, one cell per document, reused by every query. */
    uint64_t *acc_a, *acc_b;
    uint32_t *touched;
    uint32_t *mark;
    uint32_t epoch;
    uint32_t *changed;
    size_t nchanged, capchanged;

    /*
     * The kept lists, stride lists_k, for documents < listed. have_lists:
     * there are some (for lists_k, lists_threshold); lists_valid: they are
     * those of the current snapshot.
     */
    int have_lists, lists_valid;
    size_t lists_k;
    double lists_threshold;
    size_t listed;
    uint32_t *lidx;
    double *lw;
    uint8_t *ln;
};

static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static void *
grow(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t c = *cap ? *cap : first;

    if (need <= *cap)
        return p;
    while (c < need)
        c *= 2;
    p = xrealloc(p, c * size);
    *cap = c;
    return p;
}

struct related_index *
related_new(void)
{
    struct related_index *ix = xcalloc(1, sizeof(*ix));

    ix->tmask = 1023;
    ix->tslot = xcalloc(ix->tmask + 1, sizeof(*ix->tslot));
    ix->imask = 1023;
    ix->islot = xcalloc(ix->imask + 1, sizeof(*ix->islot));
    return ix;
}

void
related_free(struct related_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i < ix->nterms; i++)
        free(ix->terms[i].p);
    free(ix->terms);
    free(ix->tslot);
    free(ix->islot);
    free(ix->docs);
    free(ix->hot);
    free(ix->dterms);
    free(ix->ints);
    free(ix->idf);
    free(ix->acc_a);
    free(ix->acc_b);
    free(ix->touched);
    free(ix->mark);
    free(ix->changed);
    free(ix->lidx);
    free(ix->lw);
    free(ix->ln);
    free(ix);
}

size_t
related_size(const struct related_index *ix)
{
    return ix ? ix->ndocs : 0;
}

/* ---- hash tables ---- */

static void
term_rehash(struct related_index *ix)
{
    size_t mask = ix->tmask * 2 + 1;
    uint32_t *slot = xcalloc(mask + 1, sizeof(*slot));

    for (size_t t = 0; t < ix->nterms; t++) {
        size_t i = mix64(ix->terms[t].hash) & mask;
        while (slot[i])
            i = (i + 1) & mask;
        slot[i] = (uint32_t)t + 1;
    }
    free(ix->tslot);
    ix->tslot = slot;
    ix->tmask = mask;
}

/* The dense id of term hash h, made on first sight. */
static uint32_t
term_id(struct related_index *ix, uint64_t h)
{
    size_t i;
    struct term *t;

    if ((ix->nterms + 1) * 2 > ix->tmask + 1)
        term_rehash(ix);
    for (i = mix64(h) & ix->tmask; ix->tslot[i]; i = (i + 1) & ix->tmask)
        if (ix->terms[ix->tslot[i] - 1].hash == h)
            return ix->tslot[i] - 1;
    ix->terms = grow(ix->terms, &ix->capterms, ix->nterms + 1, sizeof(*ix->terms), 1024);
    t = &ix->terms[ix->nterms];
    memset(t, 0, sizeof(*t));
    t->hash = h;
    ix->tslot[i] = (uint32_t)ix->nterms + 1;
    return (uint32_t)ix->nterms++;
}

static void
id_rehash(struct related_index *ix)
{
    size_t mask = ix->imask * 2 + 1;
    uint32_t *slot = xcalloc(mask + 1, sizeof(*slot));

    for (size_t d = 0; d < ix->ndocs; d++) {
        size_t i = mix64((uint64_t)ix->docs[d].id) & mask;
        while (slot[i])
            i = (i + 1) & mask;
        slot[i] = (uint32_t)d + 1;
    }
    free(ix->islot);
    ix->islot = slot;
    ix->imask = mask;
}

/* The slot of id: holding it, or the empty one where it would go. */
static size_t
id_slot(const struct related_index *ix, int64_t id)
{
    size_t i = mix64((uint64_t)id) & ix->imask;

    while (ix->islot[i] && ix->docs[ix->islot[i] - 1].id != id)
        i = (i + 1) & ix->imask;
    return i;
}

static int
id_find(const struct related_index *ix, int64_t id, uint32_t *out)
{
    size_t i = id_slot(ix, id);

    if (ix->islot[i] == 0)
        return ALM_ENOTFOUND;
    *out = ix->islot[i] - 1;
    return ALM_OK;
}

/* ---- documents ---- */

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

static int
cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/*
 * Appends v[0..n) to ix->ints sorted and without repeats; returns the count
 * and sets *sig.
 */
static uint32_t
put_ints(struct related_index *ix, const int32_t *v, size_t n, uint64_t *sig)
{
    int32_t *p;
    size_t m = 0;

    *sig = 0;
    if (n == 0)
        return 0;
    ix->ints = grow(ix->ints, &ix->capints, ix->nints + n, sizeof(*ix->ints), 1024);
    p = ix->ints + ix->nints;
    memcpy(p, v, n * sizeof(*p));
    qsort(p, n, sizeof(*p), cmp_i32);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || p[m - 1] != p[i])
            p[m++] = p[i];
    for (size_t i = 0; i < m; i++)
        *sig |= 1ULL << (mix64((uint64_t)(uint32_t)p[i]) & 63);
    ix->nints += m;
    return (uint32_t)m;
}

/* Room for one more document in every per-document array. */
static void
docs_reserve(struct related_index *ix)
{
    size_t old = ix->capdocs, cap;

    if (ix->ndocs < old)
        return;
    cap = old ? old * 2 : 256;
    ix->docs = xrealloc(ix->docs, cap * sizeof(*ix->docs));
    ix->hot = xrealloc(ix->hot, cap * sizeof(*ix->hot));
    ix->acc_a = xrealloc(ix->acc_a, cap * sizeof(*ix->acc_a));
    ix->acc_b = xrealloc(ix->acc_b, cap * sizeof(*ix->acc_b));
    ix->touched = xrealloc(ix->touched, cap * sizeof(*ix->touched));
    ix->mark = xrealloc(ix->mark, cap * sizeof(*ix->mark));
    ix->ln = xrealloc(ix->ln, cap * sizeof(*ix->ln));
    memset(ix->acc_a + old, 0, (cap - old) * sizeof(*ix->acc_a));
    memset(ix->acc_b + old, 0, (cap - old) * sizeof(*ix->acc_b));
    memset(ix->mark + old, 0, (cap - old) * sizeof(*ix->mark));
    memset(ix->ln + old, 0, (cap - old) * sizeof(*ix->ln));
    if (ix->lists_k) {
        ix->lidx = xrealloc(ix->lidx, cap * ix->lists_k * sizeof(*ix->lidx));
        ix->lw = xrealloc(ix->lw, cap * ix->lists_k * sizeof(*ix->lw));
    }
    ix->capdocs = cap;
}

static double
term_idf(const struct related_index *ix, uint32_t t)
{
    return t < ix->nidf ? ix->idf[t] : ix->idf_new;
}

/*
 * Sets the fixed-point contributions and self score of document d from
 * the snapshot and appends its postings.
 */
static void
doc_index(struct related_index *ix, uint32_t d)
{
    struct doc *doc = &ix->docs[d];
    double kd = 0;

    if (ix->stats_n)
        kd = BM25_K1 * (1.0 - BM25_B + BM25_B * doc->dl / ix->avgdl);
    doc->self = 0;
    for (uint32_t j = 0; j < doc->tn; j++) {
        struct dterm *dt = &ix->dterms[doc->toff + j];
        struct term *t = &ix->terms[dt->term];
        double idf = ix->stats_n ? term_idf(ix, dt->term) : -1.0;

        dt->c = 0;
        if (idf >= 0) {
            double tf = dt->tf;
            double v = idf * tf * (BM25_K1 + 1.0) / (tf + kd) * FIX_ONE;
            /* at least 1, so a touched document always has a nonzero sum */
            dt->c = v < 1.0 ? 1u : (uint32_t)llround(v);
            doc->self += dt->c;
        }
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 4;
            t->p = xrealloc(t->p, t->cap * sizeof(*t->p));
        }
        t->p[t->n].doc = d;
        t->p[t->n].c = dt->c;
        t->n++;
    }
}

int
related_add(struct related_index *ix, const struct related_doc *d)
{
    struct doc *doc;
    struct hot *hot;
    uint32_t *tids, m = 0;
    size_t slot;

    if (ix == NULL || d == NULL || (d->nterms && d->terms == NULL) ||
        (d->nentities && d->entities == NULL) || (d->nguides && d->guides == NULL))
        return ALM_EINVAL;
    if (d->nterms > UINT32_MAX - ix->ndterms ||
        d->nentities + d->nguides > UINT32_MAX - ix->nints)
        return ALM_ETOOBIG;
    slot = id_slot(ix, d->id);
    if (ix->islot[slot])
        return ALM_EINVAL;
    if (ix->ndocs >= MAX_DOCS)
        return ALM_ETOOBIG;

    docs_reserve(ix);
    doc = &ix->docs[ix->ndocs];
    memset(doc, 0, sizeof(*doc));
    doc->id = d->id;
    doc->floor = -1.0;
    hot = &ix->hot[ix->ndocs];
    memset(hot, 0, sizeof(*hot));
    hot->published = d->published;
    doc->dl = (uint32_t)d->nterms;

    /* distinct terms with their counts, in term id order */
    tids = xmalloc((d->nterms ? d->nterms : 1) * sizeof(*tids));
    for (size_t i = 0; i < d->nterms; i++)
        tids[i] = term_id(ix, d->terms[i]);
    qsort(tids, d->nterms, sizeof(*tids), cmp_u32);
    ix->dterms = grow(ix->dterms, &ix->capdterms, ix->ndterms + d->nterms,
                      sizeof(*ix->dterms), 4096);
    for (size_t i = 0; i < d->nterms; i++) {
        struct dterm *dt = &ix->dterms[ix->ndterms + m];
        if (m > 0 && dt[-1].term == tids[i]) {
            dt[-1].tf++;
            continue;
        }
        dt->term = tids[i];
        dt->tf = 1;
        dt->c = 0;
        m++;
    }
    free(tids);
    doc->toff = (uint32_t)ix->ndterms;
    doc->tn = m;
    ix->ndterms += m;

    doc->eoff = (uint32_t)ix->nints;
    hot->en = put_ints(ix, d->entities, d->nentities, &hot->esig);
    doc->goff = (uint32_t)ix->nints;
    hot->gn = put_ints(ix, d->guides, d->nguides, &hot->gsig);

    doc_index(ix, (uint32_t)ix->ndocs);
    ix->ndocs++;
    if ((ix->ndocs + 1) * 2 > ix->imask + 1)
        id_rehash(ix);
    else
        ix->islot[slot] = (uint32_t)ix->ndocs;
    return ALM_OK;
}

int
related_add_listed(struct related_index *ix, const struct related_doc *d, double floor)
{
    int rc = related_add(ix, d);

    if (rc == ALM_OK)
        ix->docs[ix->ndocs - 1].floor = floor;
    return rc;
}

/* ---- statistics ---- */

/* Takes the snapshot and rewrites every posting; the kept lists go stale. */
static void
stats_take(struct related_index *ix)
{
    double n = (double)ix->ndocs, sumdl = 0, cap;

    for (size_t d = 0; d < ix->ndocs; d++)
        sumdl += ix->docs[d].dl;
    ix->stats_n = ix->ndocs;
    ix->avgdl = sumdl > 0 ? sumdl / n : 1.0;
    cap = n / 10;
    if (cap > DF_CAP_MAX)
        cap = DF_CAP_MAX;
    if (cap < DF_CAP_MIN)
        cap = DF_CAP_MIN;
    free(ix->idf);
    ix->nidf = ix->nterms;
    ix->idf = xmalloc((ix->nidf ? ix->nidf : 1) * sizeof(*ix->idf));
    for (size_t t = 0; t < ix->nterms; t++) {
        double df = ix->terms[t].n;
        ix->idf[t] = df > cap ? -1.0 : log(1.0 + (n - df + 0.5) / (df + 0.5));
        ix->terms[t].n = 0;
    }
    ix->idf_new = log(1.0 + (n + 0.5) / 0.5);
    for (size_t d = 0; d < ix->ndocs; d++)
        doc_index(ix, (uint32_t)d);
    ix->lists_valid = 0;
}

/* Takes the snapshot when there is none or the index doubled; 1 when it did. */
static int
stats_ensure(struct related_index *ix)
{
    if (ix->ndocs == 0)
        return 0;
    if (ix->stats_n != 0 && ix->ndocs < 2 * ix->stats_n)
        return 0;
    stats_take(ix);
    return 1;
}

/* ---- weights ---- */

static size_t
common(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    size_t i = 0, j = 0, c = 0;

    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            i++;
        } else if (a[i] > b[j]) {
            j++;
        } else {
            c++;
            i++;
            j++;
        }
    }
    return c;
}

/* Whether (w, a) goes before (v, b): higher weight, then smaller id. */
static int
better(const struct related_index *ix, double w, uint32_t a, double v, uint32_t b)
{
    return w > v || (w == v && ix->docs[a].id < ix->docs[b].id);
}

/*
 * Offers candidate c with BM25 sum s to query q's list l. Returns 1 when it
 * went in. Most candidates share a word or two with q and nothing else, so
 * upper bounds come first: BM25 alone (nothing else read), then with the
 * entity and guide overlap bounded from the signatures and counts, and only
 * then the exact overlaps and exp(). Each bound is the weight's own sum with
 * parts at or above their exact values, and rounding is monotonic, so a
 * bound never cuts a candidate the exact weight would keep.
 */
static int
offer(const struct related_index *ix, struct list *l, double threshold, uint32_t q,
      uint32_t c, uint64_t s)
{
    const struct doc *dq = &ix->docs[q];
    const struct hot *hq = &ix->hot[q], *hc = &ix->hot[c];
    int full = l->n == l->k;
    double bm, w, ub, jac = 0, gs = 0, tp = 0;
    size_t i, sh;

    bm = (double)s / (double)dq->self;
    if (bm > 1.0)
        bm = 1.0;
    w = 0.6 * bm;
    ub = w + 0.2 + 0.1 + 0.1;
    if (ub <= threshold || (full && ub < l->w[l->n - 1]))
        return 0;
    if (hq->esig & hc->esig) /* jaccard <= min / max */
        jac = hq->en < hc->en ? (double)hq->en / hc->en : (double)hc->en / hq->en;
    if (hq->gsig & hc->gsig)
        gs = hq->gn >= 2 && hc->gn >= 2 ? 1.0 : 0.5;
    ub = w + 0.2 * jac;
    ub = ub + 0.1 * gs;
    ub = ub + 0.1;
    if (ub <= threshold || (full && ub < l->w[l->n - 1]))
        return 0;
    jac = 0;
    gs = 0;
    if (hq->esig & hc->esig) {
        const struct doc *dc = &ix->docs[c];
        sh = common(ix->ints + dq->eoff, hq->en, ix->ints + dc->eoff, hc->en);
        jac = (double)sh / (double)(hq->en + hc->en - sh);
    }
    if (hq->gsig & hc->gsig) {
        const struct doc *dc = &ix->docs[c];
        sh = common(ix->ints + dq->goff, hq->gn, ix->ints + dc->goff, hc->gn);
        if (sh > 0)
            gs = sh >= 2 ? 1.0 : 0.5;
    }
    w = w + 0.2 * jac;
    w = w + 0.1 * gs;
    ub = w + 0.1;
    if (ub <= threshold || (full && ub < l->w[l->n - 1]))
        return 0;
    if (hq->published != 0 && hc->published != 0)
        tp = exp(-fabs((double)hq->published - (double)hc->published) / MONTH_SECONDS);
    w = w + 0.1 * tp;
    if (w <= threshold || (full && !better(ix, w, c, l->w[l->n - 1], l->idx[l->n - 1])))
        return 0;
    i = full ? l->n - 1 : l->n++;
    for (; i > 0 && better(ix, w, c, l->w[i - 1], l->idx[i - 1]); i--) {
        l->w[i] = l->w[i - 1];
        l->idx[i] = l->idx[i - 1];
    }
    l->w[i] = w;
    l->idx[i] = c;
    return 1;
}

/*
 * The smallest BM25 sum a candidate of q needs to have a chance at l, by
 * what it shares besides words: cut[2 * e + g], e and g saying whether its
 * entity and guide signatures meet q's. Its weight is at most 0.6 * s / self
 * + 0.1 (time) + 0.2 e + 0.1 g, and it must exceed the threshold or (list
 * full) reach the last weight. Kept a hair low so that rounding never cuts
 * a candidate offer() would take; offer() decides exactly.
 */
static void
min_sums(const struct doc *dq, const struct list *l, double threshold, double cut[4])
{
    double floor = l->n == l->k && l->w[l->n - 1] > threshold ? l->w[l->n - 1] : threshold;

    for (int i = 0; i < 4; i++) {
        double need = (floor - 0.1 - 0.2 * (i >> 1) - 0.1 * (i & 1)) / 0.6 - 1e-9;
        cut[i] = need > 0 ? need * (double)dq->self : 0;
    }
}

/*
 * Builds q's list l from the nt touched documents and their sums in acc,
 * clearing acc. Most touched documents share one common word with q and
 * cannot make the list, so the k best sums are offered first: their weights
 * set a floor, and the rest need a sum that could beat it.
 */
static void
rank(struct related_index *ix, uint32_t q, double threshold, uint64_t *acc, size_t nt,
     struct list *l)
{
    const struct doc *dq = &ix->docs[q];
    const struct hot *hot = ix->hot, *hq = &ix->hot[q];
    const uint32_t *touched = ix->touched;
    uint32_t top[RELATED_MAX_K];
    uint64_t tops[RELATED_MAX_K], low = 0;
    size_t ntop = 0, lowat = 0;
    double cut[4];

    l->n = 0;
    acc[q] = 0;
    for (size_t i = 0; i < nt; i++) {
        uint32_t c = touched[i];
        uint64_t s = acc[c];
        if (s == 0 || (ntop == l->k && s <= low))
            continue;
        if (ntop < l->k) {
            top[ntop] = c;
            tops[ntop++] = s;
        } else {
            top[lowat] = c;
            tops[lowat] = s;
        }
        if (ntop == l->k) {
            lowat = 0;
            for (size_t j = 1; j < ntop; j++)
                if (tops[j] < tops[lowat])
                    lowat = j;
            low = tops[lowat];
        }
    }
    for (size_t j = 0; j < ntop; j++) {
        offer(ix, l, threshold, q, top[j], tops[j]);
        acc[top[j]] = 0;
    }
    min_sums(dq, l, threshold, cut);
    for (size_t i = 0; i < nt; i++) {
        uint32_t c = touched[i];
        uint64_t s = acc[c];
        int e, g;
        acc[c] = 0;
        if (s == 0 || (double)s < cut[3])
            continue;
        e = (hq->esig & hot[c].esig) != 0;
        g = (hq->gsig & hot[c].gsig) != 0;
        if ((double)s >= cut[2 * e + g] && offer(ix, l, threshold, q, c, s))
            min_sums(dq, l, threshold, cut);
    }
}

/* Query q against documents < limit, into l. */
static void
score_doc(struct related_index *ix, uint32_t q, uint32_t limit, double threshold,
          struct list *l)
{
    const struct doc *dq = &ix->docs[q];
    uint64_t *acc = ix->acc_a;
    uint32_t *touched = ix->touched;
    size_t nt = 0;

    for (uint32_t j = 0; j < dq->tn; j++) {
        const struct dterm *dt = &ix->dterms[dq->toff + j];
        const struct term *t = &ix->terms[dt->term];
        if (term_idf(ix, dt->term) < 0)
            continue;
        for (uint32_t i = 0; i < t->n; i++) {
            uint32_t c = t->p[i].doc;
            if (c >= limit)
                break;
            if (acc[c] == 0)
                touched[nt++] = c;
            acc[c] += t->p[i].c;
        }
    }
    rank(ix, q, threshold, acc, nt, l);
}

static void
report(const struct related_index *ix, uint32_t d, const struct list *l, related_fn *fn,
       void *arg)
{
    struct related_hit hits[RELATED_MAX_K];

    if (fn == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        hits[i].id = ix->docs[l->idx[i]].id;
        hits[i].weight = l->w[i];
    }
    fn(ix->docs[d].id, hits, l->n, arg);
}

static struct list
kept(struct related_index *ix, uint32_t d)
{
    struct list l = { ix->lidx + (size_t)d * ix->lists_k, ix->lw + (size_t)d * ix->lists_k,
                      ix->ln[d], ix->lists_k };
    return l;
}

/*
 * Sets up kept lists for k and threshold; returns 1 when the old ones were
 * made with the same k and threshold (so comparing tells what changed).
 */
static int
lists_prepare(struct related_index *ix, size_t k, double threshold)
{
    int same = ix->have_lists && ix->lists_k == k && ix->lists_threshold == threshold;

    if (ix->lists_k != k) {
        ix->lists_k = k;
        ix->lidx = xrealloc(ix->lidx, ix->capdocs * k * sizeof(*ix->lidx));
        ix->lw = xrealloc(ix->lw, ix->capdocs * k * sizeof(*ix->lw));
    }
    if (!same && ix->ln)
        memset(ix->ln, 0, ix->capdocs * sizeof(*ix->ln));
    ix->have_lists = 1;
    ix->lists_threshold = threshold;
    return same;
}

/*
 * Recomputes every list into the kept ones. With only_changed, fn gets the
 * lists that differ from the kept ones (and document force's); otherwise all.
 */
static void
rebuild(struct related_index *ix, size_t k, double threshold, int only_changed,
        uint32_t force, related_fn *fn, void *arg)
{
    uint32_t idx[RELATED_MAX_K];
    double w[RELATED_MAX_K];

    for (size_t d = 0; d < ix->ndocs; d++) {
        struct list l = { idx, w, 0, k };
        struct list old = kept(ix, (uint32_t)d);
        int changed;

        score_doc(ix, (uint32_t)d, (uint32_t)ix->ndocs, threshold, &l);
        changed = l.n != old.n || memcmp(l.idx, old.idx, l.n * sizeof(*l.idx)) != 0 ||
                  memcmp(l.w, old.w, l.n * sizeof(*l.w)) != 0;
        memcpy(old.idx, l.idx, l.n * sizeof(*l.idx));
        memcpy(old.w, l.w, l.n * sizeof(*l.w));
        ix->ln[d] = (uint8_t)l.n;
        if (!only_changed || changed || d == force)
            report(ix, (uint32_t)d, &l, fn, arg);
    }
    ix->listed = ix->ndocs;
    ix->lists_valid = 1;
}

int
related_build_all(struct related_index *ix, size_t k, double threshold, related_fn *fn,
                  void *arg)
{
    if (ix == NULL || k == 0 || k > RELATED_MAX_K)
        return ALM_EINVAL;
    stats_ensure(ix);
    lists_prepare(ix, k, threshold);
    rebuild(ix, k, threshold, 0, 0, fn, arg);
    return ALM_OK;
}

size_t
related_query(struct related_index *ix, int64_t id, size_t k, double threshold,
              struct related_hit *out)
{
    uint32_t q, idx[RELATED_MAX_K];
    double w[RELATED_MAX_K];
    struct list l = { idx, w, 0, 0 };

    if (ix == NULL || out == NULL || id_find(ix, id, &q) != ALM_OK)
        return 0;
    l.k = k < RELATED_MAX_K ? k : RELATED_MAX_K;
    if (l.k == 0)
        return 0;
    stats_ensure(ix);
    score_doc(ix, q, (uint32_t)ix->ndocs, threshold, &l);
    for (size_t i = 0; i < l.n; i++) {
        out[i].id = ix->docs[idx[i]].id;
        out[i].weight = w[i];
    }
    return l.n;
}

static void
changed_add(struct related_index *ix, uint32_t d)
{
    if (ix->mark[d] == ix->epoch)
        return;
    ix->mark[d] = ix->epoch;
    ix->changed = grow(ix->changed, &ix->capchanged, ix->nchanged + 1,
                       sizeof(*ix->changed), 64);
    ix->changed[ix->nchanged++] = d;
}

/*
 * Gives document d (all before it already listed) its list over documents
 * < d and offers d to each of theirs. One walk over d's postings fills two
 * accumulators: acc_a sums the candidates' contributions (d as the query),
 * acc_b sums d's own (each candidate as the query, d the candidate).
 */
static void
add_one(struct related_index *ix, uint32_t d, double threshold)
{
    const struct doc *dd = &ix->docs[d];
    uint64_t *acc_a = ix->acc_a, *acc_b = ix->acc_b;
    uint32_t *touched = ix->touched;
    struct list own = kept(ix, d);
    size_t nt = 0;

    for (uint32_t j = 0; j < dd->tn; j++) {
        const struct dterm *dt = &ix->dterms[dd->toff + j];
        const struct term *t = &ix->terms[dt->term];
        if (term_idf(ix, dt->term) < 0)
            continue;
        for (uint32_t i = 0; i < t->n; i++) {
            uint32_t c = t->p[i].doc;
            if (c >= d)
                break;
            if (acc_a[c] == 0)
                touched[nt++] = c;
            acc_a[c] += t->p[i].c;
            acc_b[c] += dt->c;
        }
    }
    for (size_t i = 0; i < nt; i++) {
        uint32_t c = touched[i];
        struct list l = kept(ix, c);
        if (offer(ix, &l, threshold, c, d, acc_b[c])) {
            ix->ln[c] = (uint8_t)l.n;
            changed_add(ix, c);
        }
        acc_b[c] = 0;
    }
    rank(ix, d, threshold, acc_a, nt, &own);
    ix->ln[d] = (uint8_t)own.n;
    changed_add(ix, d);
}

int
related_update_for(struct related_index *ix, int64_t new_id, size_t k, double threshold,
                   related_fn *fn, void *arg)
{
    uint32_t nd;

    if (ix == NULL || k == 0 || k > RELATED_MAX_K)
        return ALM_EINVAL;
    if (id_find(ix, new_id, &nd) != ALM_OK)
        return ALM_ENOTFOUND;
    stats_ensure(ix);
    if (!lists_prepare(ix, k, threshold)) {
        rebuild(ix, k, threshold, 0, nd, fn, arg);
        return ALM_OK;
    }
    if (!ix->lists_valid) {
        rebuild(ix, k, threshold, 1, nd, fn, arg);
        return ALM_OK;
    }
    if (++ix->epoch == 0) {
        memset(ix->mark, 0, ix->capdocs * sizeof(*ix->mark));
        ix->epoch = 1;
    }
    ix->nchanged = 0;
    for (size_t d = ix->listed; d < ix->ndocs; d++)
        add_one(ix, (uint32_t)d, threshold);
    ix->listed = ix->ndocs;
    changed_add(ix, nd);
    qsort(ix->changed, ix->nchanged, sizeof(*ix->changed), cmp_u32);
    for (size_t i = 0; i < ix->nchanged; i++) {
        struct list l = kept(ix, ix->changed[i]);
        report(ix, ix->changed[i], &l, fn, arg);
    }
    return ALM_OK;
}

double
related_floor(const struct related_hit *hits, size_t n, size_t k, double threshold)
{
    return n >= k && n > 0 ? hits[n - 1].weight : threshold;
}

static void
epoch_next(struct related_index *ix)
{
    if (++ix->epoch == 0) {
        memset(ix->mark, 0, ix->capdocs * sizeof(*ix->mark));
        ix->epoch = 1;
    }
}

/* A new document q entering old document c's list with BM25 sum s. */
struct entry {
    uint32_t c, q;
    uint64_t s;
};

static int
cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;

    if (x->c != y->c)
        return x->c < y->c ? -1 : 1;
    return (x->q > y->q) - (x->q < y->q);
}

/*
 * c's kept list into l (dense indexes), from raw; 0 when there is none or
 * it names a document not in the index or a new one (floor < 0).
 */
static int
kept_list(struct related_index *ix, uint32_t c, related_raw_fn *raw, void *arg,
          struct list *l)
{
    struct related_hit h[RELATED_MAX_K];
    size_t n = 0;

    if (raw == NULL || raw(ix->docs[c].id, h, l->k, &n, arg) != ALM_OK || n > l->k)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t d;
        if (id_find(ix, h[i].id, &d) != ALM_OK || ix->docs[d].floor < 0 || d == c)
            return 0;
        l->idx[i] = d;
        l->w[i] = h[i].weight;
    }
    l->n = n;
    return 1;
}

int
related_update_new(struct related_index *ix, const int64_t *ids, size_t n, size_t k,
                   double threshold, related_raw_fn *raw, related_fn *fn, void *arg,
                   size_t *nlisted)
{
    uint32_t idx[RELATED_MAX_K], one_idx;
    double w[RELATED_MAX_K], one_w;
    uint32_t *news;
    struct entry *ent = NULL;
    size_t nent = 0, capent = 0, nold = 0;

    if (nlisted)
        *nlisted = 0;
    if (ix == NULL || k == 0 || k > RELATED_MAX_K || (n && ids == NULL))
        return ALM_EINVAL;
    if (ix->ndocs == 0)
        return n ? ALM_ENOTFOUND : ALM_OK;
    news = xmalloc((n ? n : 1) * sizeof(*news));
    epoch_next(ix);
    for (size_t i = 0; i < n; i++) {
        if (id_find(ix, ids[i], &news[i]) != ALM_OK) {
            free(news);
            return ALM_ENOTFOUND;
        }
        ix->mark[news[i]] = ix->epoch;
    }
    for (size_t d = 0; d < ix->ndocs; d++)
        if (!(ix->docs[d].floor >= 0) && ix->mark[d] != ix->epoch) {
            free(news);
            return related_build_all(ix, k, threshold, fn, arg);
        }
    for (size_t i = 0; i < n; i++)
        ix->docs[news[i]].floor = -1.0; /* new: never an old list's kept member */
    stats_ensure(ix);
    for (size_t i = 0; i < n; i++) {
        uint32_t q = news[i];
        const struct doc *dq = &ix->docs[q];
        uint64_t *acc_a = ix->acc_a, *acc_b = ix->acc_b;
        uint32_t *touched = ix->touched;
        struct list l = { idx, w, 0, k };
        size_t nt = 0;

        for (uint32_t j = 0; j < dq->tn; j++) {
            const struct dterm *dt = &ix->dterms[dq->toff + j];
            const struct term *t = &ix->terms[dt->term];
            if (term_idf(ix, dt->term) < 0)
                continue;
            for (uint32_t p = 0; p < t->n; p++) {
                uint32_t c = t->p[p].doc;
                if (acc_a[c] == 0)
                    touched[nt++] = c;
                acc_a[c] += t->p[p].c;
                acc_b[c] += dt->c;
            }
        }
        for (size_t p = 0; p < nt; p++) {
            uint32_t c = touched[p];
            double fl = ix->docs[c].floor;
            /* would q enter c's list? A hair below the floor: an equal
             * weight may go in by its id, and offer() decides that below */
            struct list one = { &one_idx, &one_w, 0, 1 };
            if (fl >= 0 && offer(ix, &one, fl - 1e-12 * (fl + 1.0), c, q, acc_b[c])) {
                ent = grow(ent, &capent, nent + 1, sizeof(*ent), 64);
                ent[nent++] = (struct entry){ c, q, acc_b[c] };
            }
            acc_b[c] = 0;
        }
        rank(ix, q, threshold, acc_a, nt, &l);
        report(ix, q, &l, fn, arg);
    }
    if (nent > 1) /* ent is NULL when no new event enters an old list */
        qsort(ent, nent, sizeof(*ent), cmp_entry);
    for (size_t i = 0, j; i < nent; i = j) {
        uint32_t c = ent[i].c;
        struct list l = { idx, w, 0, k };
        for (j = i; j < nent && ent[j].c == c; j++)
            ;
        if (kept_list(ix, c, raw, arg, &l)) {
            for (size_t e = i; e < j; e++)
                offer(ix, &l, threshold, c, ent[e].q, ent[e].s);
        } else {
            score_doc(ix, c, (uint32_t)ix->ndocs, threshold, &l);
        }
        report(ix, c, &l, fn, arg);
        nold++;
    }
    if (nlisted)
        *nlisted = nold;
    free(ent);
    free(news);
    return ALM_OK;
}
