/*
 * analyze.c - the analysis pipeline over the store (see analyze.h).
 */
#include "analyze/analyze.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/entities.h"
#include "analyze/entity_table.h"
#include "analyze/features.h"
#include "analyze/guides.h"
#include "analyze/judge.h"
#include "analyze/kind.h"
#include "analyze/model.h"
#include "analyze/paths.h"
#include "analyze/related.h"
#include "analyze/score.h"
#include "analyze/story.h"
#include "analyze/summary.h"
#include "analyze/text.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_analyze.h"

#define BODY_SCAN ((size_t)64 << 10)  /* text read for entities, kind and terms */
#define KEEP_TERMS 96                 /* terms kept per event for related events */
#define KEEP_TEXT ((size_t)6 << 10)   /* lead kept per event for its score and summary */
#define RELATED_K 8
/* Stories (story.h): a similarity that joins on its own, and a lower one
 * that joins when a specific entity anchors both (chosen on the labelled
 * pairs of tests/data/judgment, bench/judgment). */
#define STORY_THRESHOLD 0.3
#define STORY_ANCHORED 0.2

struct analyzer {
    struct entity_dict *dict;
    struct guide_set *guides;
    struct entity_table *table;  /* the dictionary as the web shows it */
    struct path_set *paths;      /* learning paths */
    struct judge_model *judge;
    int32_t *specific;        /* sorted name ids of the dictionary's specific entities */
    size_t nspecific;
    int32_t *general;         /* sorted name ids of its techniques (is_general_kind) */
    size_t ngeneral;
    struct stemmer *stem;
    FILE *features;           /* ALMANAC_FEATURES: every event's features, for fitting */
};

static int32_t name_id(const char *s, size_t n);

static int
cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return x < y ? -1 : x > y;
}

/* Entities that name one thing that happens (a model, a product, a law),
 * unlike a lab or a person that many unrelated stories share: a story is
 * anchored on these (story.h). */
static int
is_specific_kind(const char *kind)
{
    static const char *const kinds[] = { "model", "product", "project", "law", "policy",
                                         "consortium" };

    for (size_t i = 0; kind && i < LEN(kinds); i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

/* Entities that name a method of the field (RLHF, mixture of experts): many
 * unrelated events share one, so they give an event a page and a link but
 * are no evidence that two events are related (related.h's entity overlap). */
static int
is_general_kind(const char *kind)
{
    return kind && strcmp(kind, "technique") == 0;
}

static void
find_specific(struct analyzer *a)
{
    size_t n = entities_count(a->dict);

    a->specific = xmalloc((n + 1) * sizeof(*a->specific));
    a->general = xmalloc((n + 1) * sizeof(*a->general));
    for (size_t i = 0; i < n; i++) {
        const char *kind = entities_kind(a->dict, (int)i);
        const char *name = entities_name(a->dict, (int)i);
        if (is_specific_kind(kind))
            a->specific[a->nspecific++] = name_id(name, strlen(name));
        else if (is_general_kind(kind))
            a->general[a->ngeneral++] = name_id(name, strlen(name));
    }
    qsort(a->specific, a->nspecific, sizeof(*a->specific), cmp_i32);
    qsort(a->general, a->ngeneral, sizeof(*a->general), cmp_i32);
}

/* Copies the ids of ids[0..n) that are not general into out (room for n);
 * returns how many: the entities the related index compares. */
static size_t
related_entities(const struct analyzer *a, const int32_t *ids, size_t n, int32_t *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (!bsearch(&ids[i], a->general, a->ngeneral, sizeof(*ids), cmp_i32))
            out[k++] = ids[i];
    return k;
}

/* Keeps the specific ones of ids[0..n) at their front; returns how many. */
static size_t
keep_specific(const struct analyzer *a, int32_t *ids, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (bsearch(&ids[i], a->specific, a->nspecific, sizeof(*ids), cmp_i32)) {
            int32_t t = ids[k];
            ids[k++] = ids[i];
            ids[i] = t;
        }
    return k;
}

int
analyzer_open(const char *root, struct analyzer **out, char *err, size_t errlen)
{
    struct analyzer *a = xcalloc(1, sizeof(*a));
    char path[4096];

    snprintf(path, sizeof(path), "%s/data/entities.tsv", root);
    if (entities_load(path, &a->dict, err, errlen) != ALM_OK)
        goto fail;
    if (entity_table_load(root, &a->table, err, errlen) != ALM_OK ||
        paths_load(root, &a->paths, err, errlen) != ALM_OK)
        goto fail;
    snprintf(path, sizeof(path), "%s/guides", root);
    if (guides_load(path, &a->guides, err, errlen) != ALM_OK)
        goto fail;
    /* ALMANAC_MODEL: other weights (bench/judgment's split by source). */
    if (getenv("ALMANAC_MODEL") && *getenv("ALMANAC_MODEL"))
        snprintf(path, sizeof(path), "%s", getenv("ALMANAC_MODEL"));
    else
        snprintf(path, sizeof(path), "%s/data/model/judgment.tsv", root);
    if (judge_load(path, &a->judge, err, errlen) != ALM_OK)
        goto fail;
    if (getenv("ALMANAC_FEATURES") && *getenv("ALMANAC_FEATURES") &&
        (a->features = fopen(getenv("ALMANAC_FEATURES"), "w")) == NULL) {
        snprintf(err, errlen, "%s: cannot write", getenv("ALMANAC_FEATURES"));
        goto fail;
    }
    find_specific(a);
    a->stem = stemmer_new();
    if (a->stem == NULL) {
        snprintf(err, errlen, "no English stemmer in libstemmer");
        goto fail;
    }
    *out = a;
    return ALM_OK;
fail:
    analyzer_close(a);
    return ALM_ECONFIG;
}

void
analyzer_close(struct analyzer *a)
{
    if (a == NULL)
        return;
    entities_free(a->dict);
    entity_table_free(a->table);
    paths_free(a->paths);
    guides_free(a->guides);
    judge_free(a->judge);
    free(a->specific);
    free(a->general);
    stemmer_free(a->stem);
    if (a->features)
        fclose(a->features);
    free(a);
}

/* One event in the making. */
struct work {
    int64_t id, source_id, story;
    int64_t org;             /* who speaks: the source's author, else its name */
    int tier, fresh, put;
    int novel;                /* first to name one of its specific entities */
    int article;              /* text is the linked article's, not the feed's */
    time_t published;
    char *title, *text, *url, *cats, *source_name, *source_author, *source_kind, *hash;
    struct entity_hit *hits;
    size_t nhits;
    enum event_kind kind;
    int roundup;              /* read as a digest by the classifier or the rule reader */
    struct judge_item judged;   /* kind, about AI, importance before stories */
    char *features;             /* the features as text, when they are written out */
    char *summary;              /* made as soon as it is analysed (work_summarise) */
    struct guide_hit *gh;     /* the guides it joins */
    size_t ngh;
    struct guide_hit *gt;     /* the guides it shares a topic with (related events) */
    size_t ngt;
    uint64_t *terms;
    size_t nterms, ntitle;   /* terms: the title's ntitle, the title again, the body */
    uint64_t simhash, title_key;
    char **cands;
    size_t ncands;
    int32_t *ent_ids, *guide_ids;   /* ent_ids: the specific ones first (keep_specific) */
    size_t nspecific;
};

static void
work_fini(struct work *w)
{
    free(w->title);
    free(w->text);
    free(w->url);
    free(w->cats);
    free(w->source_name);
    free(w->source_author);
    free(w->source_kind);
    free(w->hash);
    free(w->hits);
    judge_item_fini(&w->judged);
    free(w->features);
    free(w->summary);
    free(w->gh);
    free(w->gt);
    free(w->terms);
    entities_candidates_free(w->cands, w->ncands);
    free(w->ent_ids);
    free(w->guide_ids);
}

static int32_t
name_id(const char *s, size_t n)
{
    return (int32_t)(text_hash(s, n, 0) & 0x7fffffff);
}

/* Feeds of one organisation (Anthropic News, Anthropic Research, the Claude
 * blog) are one voice: they neither vouch for each other in a story nor
 * count twice as corroboration. */
static int64_t
org_id(const char *author, const char *name)
{
    const char *who = author && *author ? author : name ? name : "";

    return (int64_t)(text_hash(who, strlen(who), 0) & 0x7fffffffffffffffULL);
}

static void
analysis_input(const struct work *w, struct analysis_input *in)
{
    memset(in, 0, sizeof(*in));
    in->id = w->id;
    in->title = w->title;
    in->text = w->text;
    in->url = w->url;
    in->categories = w->cats;
    in->source_name = w->source_name;
    in->source_author = w->source_author;
    in->source_kind = w->source_kind;
    in->tier = w->tier;
    in->published = w->published;
    in->article = w->article;
}

/*
 * The lead the summary reads: the first KEEP_TEXT bytes (cut at a sentence
 * end when one is near). The summary is made as soon as the event is
 * analysed and the lead then goes (work_summarise): a run holds every new
 * event until stories are known.
 */
static void
keep_lead(struct work *w)
{
    size_t n = strlen(w->text), cut;

    if (n <= KEEP_TEXT)
        return;
    cut = KEEP_TEXT;
    for (size_t i = KEEP_TEXT; i > KEEP_TEXT / 2; i--) {
        if (w->text[i - 1] == '.' || w->text[i - 1] == '\n') {
            cut = i;
            break;
        }
    }
    while (cut > 0 && (w->text[cut] & 0xC0) == 0x80)
        cut--; /* never split a UTF-8 sequence */
    w->text[cut] = '\0';
    w->text = xrealloc(w->text, cut + 1);
}

/* A title's fingerprint for "the same title": its letters and digits,
 * ASCII folded to lower case (other bytes as they are), hashed; 0 for none. */
static uint64_t
title_key_make(const char *title)
{
    char folded[512];
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)(title ? title : "");
         *p && n < sizeof(folded); p++) {
        if (*p >= 'A' && *p <= 'Z')
            folded[n++] = (char)(*p - 'A' + 'a');
        else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
            folded[n++] = (char)*p;
    }
    return n ? text_hash(folded, n, 0) | 1 : 0;
}

/* How many analysis terms a title has: an event's terms start with them. */
static size_t
title_nterms(struct stemmer *stem, const char *title)
{
    uint64_t *t;
    size_t n = text_terms(stem, title ? title : "", title ? strlen(title) : 0, &t);

    free(t);
    return n;
}

/* What an event in the making keeps of its item (the text up to BODY_SCAN). */
static void
work_fill(struct work *w, const struct item *it, const char *hash)
{
    size_t blen;

    w->id = it->id;
    w->source_id = it->source_id;
    w->org = org_id(it->source_author, it->source_name);
    w->tier = it->tier;
    w->published = it->published;
    w->title = xstrdup(it->title ? it->title : "");
    w->title_key = title_key_make(w->title);
    blen = it->text ? strlen(it->text) : 0;
    /* The linked article, when one was extracted and the feed's text is not
     * clearly longer (a whole post in the feed), is what every step reads. */
    if (it->article_text && strlen(it->article_text) * 3 >= blen * 2) {
        blen = strlen(it->article_text);
        w->text = xstrndup(it->article_text, blen < BODY_SCAN ? blen : BODY_SCAN);
        w->article = 1;
    } else {
        w->text = xstrndup(it->text ? it->text : "", blen < BODY_SCAN ? blen : BODY_SCAN);
    }
    w->url = it->url ? xstrdup(it->url) : NULL;
    w->cats = it->categories ? xstrdup(it->categories) : NULL;
    w->source_name = xstrdup(it->source_name);
    w->source_author = xstrdup(it->source_author);
    w->source_kind = xstrdup(it->source_kind);
    w->hash = xstrdup(hash);
}

/*
 * The summary needs no story: it is made as soon as the event is analysed,
 * and the text it reads goes (a full analysis holds every new event until
 * stories are known: 100,000 leads of up to KEEP_TEXT bytes were most of
 * its memory). The summary reads the lead keep_lead() left, as before.
 */
static void
work_summarise(const struct analyzer *a, struct work *w)
{
    struct analysis_input in;
    const char *gtitles[GUIDES_MAX_HITS], *tops[3];
    size_t ng = 0, nt = 0;

    analysis_input(w, &in);
    for (size_t i = 0; i < w->ngh; i++) {
        const struct guide *g = guides_get(a->guides, w->gh[i].guide);
        /* The summary names the topic guides; threads follow them. */
        if (!g->thread && ng < GUIDES_MAX_HITS)
            gtitles[ng++] = g->title;
    }
    for (size_t i = 0; i < w->nhits; i++)
        if (nt < 3 && w->hits[i].salience >= 3)
            tops[nt++] = w->hits[i].name;
    w->summary = summary_make(&in, w->kind, gtitles, ng, tops, nt);
    free(w->text);
    w->text = NULL;
    free(w->url);
    w->url = NULL;
    free(w->cats);
    w->cats = NULL;
}

/*
 * Entities, kind, guides, terms: everything that does not need stories.
 * Reads only the analyzer's dictionaries, so two threads may analyse
 * different works at once, each with its own stemmer (Snowball's is not
 * shareable).
 */
static void
work_analyse(const struct analyzer *a, struct stemmer *stem, struct work *w)
{
    struct analysis_input in;
    struct tokens tt = { 0 }, bt = { 0 };
    const char *why;
    const char **names;
    int *in_title;
    struct buf tb = BUF_INIT((size_t)1 << 20);

    text_tokenize(w->title, strlen(w->title), &tt);
    text_tokenize(w->text, strlen(w->text), &bt);
    w->nhits = entities_match(a->dict, &tt, &bt, &w->hits);
    w->ncands = entities_candidates(a->dict, &tt, &w->cands);
    analysis_input(w, &in);
    {
        /* The rule reader's kind is one feature of the fitted judgment. */
        struct features *f = xmalloc(sizeof(*f));
        enum event_kind rule = kind_classify(&in, &tt, &bt, w->hits, w->nhits, &why);
        features_make(&in, &tt, &bt, w->hits, w->nhits, rule, stem, f);
        judge_item(a->judge, f, &in, &w->judged);
        w->kind = w->judged.kind;
        /* Stories take a digest only as a copy: a roundup is one when either
         * reader says so (the classifier reads a list of headlines as a release
         * now and then). */
        w->roundup = w->kind == KIND_DIGEST || rule == KIND_DIGEST;
        if (a->features) {
            struct buf fb = BUF_INIT((size_t)1 << 16);
            features_format(f, &fb);
            w->features = buf_take(&fb);
        }
        free(f);
    }
    tokens_fini(&tt);
    tokens_fini(&bt);

    names = xcalloc(w->nhits + 1, sizeof(*names));
    in_title = xcalloc(w->nhits + 1, sizeof(*in_title));
    for (size_t i = 0; i < w->nhits; i++) {
        names[i] = w->hits[i].name;
        in_title[i] = w->hits[i].in_title;
    }
    w->ngh = guides_match_topics(a->guides, stem, w->title, w->text, names, in_title, w->nhits,
                                 &w->gh, &w->gt, &w->ngt);
    free(names);
    free(in_title);

    /* Terms: the title counts twice, then the body's lead. */
    buf_puts(&tb, w->title);
    buf_puts(&tb, ". ");
    buf_puts(&tb, w->title);
    buf_puts(&tb, ". ");
    buf_append(&tb, w->text, strlen(w->text) < 8192 ? strlen(w->text) : 8192);
    w->nterms = text_terms(stem, buf_cstr(&tb), tb.len, &w->terms);
    if (w->nterms > KEEP_TERMS)
        w->nterms = KEEP_TERMS;
    w->ntitle = title_nterms(stem, w->title);
    {
        uint64_t *sh;
        size_t ns = text_shingles(stem, w->title, strlen(w->title), 2, &sh);
        w->simhash = ns >= 3 ? story_simhash(sh, ns) : 0;
        free(sh);
    }
    buf_fini(&tb);
    w->ent_ids = xcalloc(w->nhits + 1, sizeof(*w->ent_ids));
    for (size_t i = 0; i < w->nhits; i++)
        w->ent_ids[i] = name_id(w->hits[i].name, strlen(w->hits[i].name));
    w->guide_ids = xcalloc(w->ngt + 1, sizeof(*w->guide_ids));
    for (size_t i = 0; i < w->ngt; i++)
        w->guide_ids[i] = (int32_t)w->gt[i].guide;
    keep_lead(w);
    work_summarise(a, w);
}

struct run {
    struct analyzer *a;
    struct store *st;
    time_t now;
    struct work *w;          /* new or changed items, then re-scored old ones */
    size_t nw, capw;
    struct old *old;         /* events already stored */
    size_t nold, capold;
    int rebuild;
    int64_t *fresh_ids;      /* sorted ids of the fresh items */
    size_t nfresh;
    size_t analysed;         /* w[0..analysed) went through work_analyse */
    struct stemmer *stem2;   /* the helper thread's */
};

/* What the index rows tell of a stored event. */
struct old {
    int64_t id, story, source_id, org;
    uint64_t simhash, title_key;
    int weak;
    int tier;
    time_t published;
    uint64_t *terms;
    size_t nterms, ntitle;
    int32_t *ents, *guides;
    size_t nents, nguides, nspecific;
    int64_t new_story;
    long work;               /* index in run.w when re-analysed, else -1 */
    double related_floor;    /* its related list's floor (store_put_related), < 0 unknown */
};

static struct work *
work_push(struct run *r)
{
    if (r->nw == r->capw) {
        r->capw = r->capw ? r->capw * 2 : 256;
        r->w = xrealloc(r->w, r->capw * sizeof(*r->w));
    }
    memset(&r->w[r->nw], 0, sizeof(r->w[0]));
    return &r->w[r->nw++];
}

/* Works analysed per batch: enough to keep two threads busy, few enough
 * that the texts waiting stay small. */
#define BATCH 256

struct half {
    const struct analyzer *a;
    struct stemmer *stem;
    struct work *w;
    size_t n;
};

/* Analyses every other work, starting with the second. */
static void *
analyse_odd(void *arg)
{
    struct half *h = arg;

    for (size_t i = 1; i < h->n; i += 2)
        work_analyse(h->a, h->stem, &h->w[i]);
    return NULL;
}

/* Analyses the works filled since the last batch, on two threads. */
static void
analyse_pending(struct run *r)
{
    struct half h = { r->a, r->stem2, r->w + r->analysed, r->nw - r->analysed };
    pthread_t helper;
    int two = h.n > 1 && h.stem != NULL && pthread_create(&helper, NULL, analyse_odd, &h) == 0;

    for (size_t i = 0; i < h.n; i += two ? 2 : 1)
        work_analyse(r->a, r->a->stem, &h.w[i]);
    if (two)
        pthread_join(helper, NULL);
    r->analysed = r->nw;
}

static int
on_item(const struct item *it, const char *hash, void *arg)
{
    struct run *r = arg;

    work_fill(work_push(r), it, hash);
    r->w[r->nw - 1].fresh = 1;
    if (r->nw - r->analysed >= BATCH)
        analyse_pending(r);
    return 0;
}

/* A list of names (or, with g, of guide slugs) as hashed ids. */
static size_t
split_ids(const struct str_list *l, int32_t **out, const struct guide_set *g)
{
    size_t n = 0;
    int32_t *v = xmalloc((l->n ? l->n : 1) * sizeof(*v));

    for (size_t i = 0; i < l->n; i++) {
        const char *s = l->v[i];
        size_t len = strlen(s);
        if (g) {
            char slug[256];
            snprintf(slug, sizeof(slug), "%.*s", (int)len, s);
            size_t k = guides_find(g, slug);
            /* Related events share topic guides, never threads. */
            if (k < guides_count(g) && !guides_get(g, k)->thread)
                v[n++] = (int32_t)k;
        } else {
            v[n++] = name_id(s, len);
        }
    }
    *out = v;
    return n;
}

static int
on_old(const struct event_index_row *row, void *arg)
{
    struct run *r = arg;
    struct old *o;

    if (r->nold == r->capold) {
        r->capold = r->capold ? r->capold * 2 : 1024;
        r->old = xrealloc(r->old, r->capold * sizeof(*r->old));
    }
    o = &r->old[r->nold++];
    memset(o, 0, sizeof(*o));
    o->id = row->id;
    o->story = row->story_id;
    o->source_id = row->source_id;
    o->org = org_id(row->org, NULL);
    o->simhash = row->simhash;
    o->title_key = title_key_make(row->title);
    o->weak = row->kind && strcmp(row->kind, "digest") == 0;
    o->tier = row->tier;
    o->published = row->published;
    o->nterms = row->nterms;
    o->terms = xmalloc((row->nterms ? row->nterms : 1) * sizeof(uint64_t));
    if (row->nterms)
        memcpy(o->terms, row->terms, row->nterms * sizeof(uint64_t));
    o->ntitle = title_nterms(r->a->stem, row->title);
    o->nents = split_ids(&row->entities, &o->ents, NULL);
    o->nguides = split_ids(&row->guides, &o->guides, r->a->guides);
    o->work = -1;
    o->related_floor = row->related_floor;
    return 0;
}

/* Stories: every event, old and new, clustered oldest first. */
struct order {
    time_t published;
    int64_t id;
    long w;                  /* index in run.w, or -1 */
    long o;                  /* index in run.old, or -1 */
};

static int
cmp_order(const void *a, const void *b)
{
    const struct order *x = a, *y = b;

    if (x->published != y->published)
        return x->published < y->published ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Is id one of the items analysed afresh in this run? */
static int
is_fresh_id(const struct run *r, int64_t id)
{
    return bsearch(&id, r->fresh_ids, r->nfresh, sizeof(id), cmp_id) != NULL;
}

static struct story_index *
cluster(struct run *r)
{
    struct story_index *ix = story_new(&(struct story_opts){
        .threshold = STORY_THRESHOLD, .anchored = STORY_ANCHORED });
    struct order *ord = xmalloc((r->nw + r->nold + 1) * sizeof(*ord));
    size_t n = 0;

    for (size_t i = 0; i < r->nw; i++)
        ord[n++] = (struct order){ r->w[i].published, r->w[i].id, (long)i, -1 };
    for (size_t i = 0; i < r->nold; i++) {
        if (is_fresh_id(r, r->old[i].id))
            continue; /* changed item: its new analysis stands in */
        ord[n++] = (struct order){ r->old[i].published, r->old[i].id, -1, (long)i };
    }
    qsort(ord, n, sizeof(*ord), cmp_order);
    for (size_t i = 0; i < n; i++) {
        struct story_doc d = { .id = ord[i].id, .published = ord[i].published };
        int joined;
        /* oldest first: what no later event can join is let go */
        if (i % 4096 == 0)
            story_forget_before(ix, ord[i].published);
        if (ord[i].w >= 0) {
            struct work *w = &r->w[ord[i].w];
            d.source_id = w->org;
            d.feed_id = w->source_id;
            d.tier = w->tier;
            d.terms = w->terms;
            d.nterms = w->nterms;
            d.ntitle = w->ntitle;
            d.simhash = w->simhash;
            d.weak = w->roundup;
            d.title_key = w->title_key;
            d.specific = w->ent_ids;
            d.nspecific = w->nspecific = keep_specific(r->a, w->ent_ids, w->nhits);
            w->story = story_assign(ix, &d, &joined);
        } else {
            struct old *o = &r->old[ord[i].o];
            d.source_id = o->org;
            d.feed_id = o->source_id;
            d.tier = o->tier;
            d.terms = o->terms;
            d.nterms = o->nterms;
            d.ntitle = o->ntitle;
            d.simhash = o->simhash;
            d.weak = o->weak;
            d.title_key = o->title_key;
            d.specific = o->ents;
            d.nspecific = o->nspecific = keep_specific(r->a, o->ents, o->nents);
            o->new_story = story_assign(ix, &d, &joined);
        }
    }
    free(ord);
    return ix;
}

/* A model, product or law first named within NOVEL_DAYS of its first mention
 * anywhere is news: the first appearance is what the importance model calls
 * novelty (judge.h). */
#define NOVEL_DAYS 2

struct first_seen {
    int32_t entity;
    time_t published;
};

static int
cmp_first_seen(const void *a, const void *b)
{
    const struct first_seen *x = a, *y = b;

    if (x->entity != y->entity)
        return x->entity < y->entity ? -1 : 1;
    return (x->published > y->published) - (x->published < y->published);
}

static int
cmp_entity(const void *a, const void *b)
{
    const struct first_seen *x = a, *y = b;

    return (x->entity > y->entity) - (x->entity < y->entity);
}

static void
mark_novel(struct run *r)
{
    size_t n = 0, cap = 1024, m = 0;
    struct first_seen *v = xmalloc(cap * sizeof(*v));

#define ADD(e, t)                                                      \
    do {                                                               \
        if (n == cap)                                                  \
            v = xrealloc(v, (cap *= 2) * sizeof(*v));                  \
        v[n++] = (struct first_seen){ (e), (t) };                      \
    } while (0)
    for (size_t i = 0; i < r->nw; i++) {
        struct work *w = &r->w[i];
        w->nspecific = keep_specific(r->a, w->ent_ids, w->nhits);
        for (size_t k = 0; k < w->nspecific; k++)
            if (w->published)
                ADD(w->ent_ids[k], w->published);
    }
    for (size_t i = 0; i < r->nold; i++) {
        struct old *o = &r->old[i];
        if (o->work >= 0 || is_fresh_id(r, o->id))
            continue;
        for (size_t k = 0; k < o->nspecific; k++)
            if (o->published)
                ADD(o->ents[k], o->published);
    }
#undef ADD
    qsort(v, n, sizeof(*v), cmp_first_seen);
    /* keep the earliest per entity */
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[m - 1].entity != v[i].entity)
            v[m++] = v[i];
    for (size_t i = 0; i < r->nw; i++) {
        struct work *w = &r->w[i];
        w->novel = 0;
        for (size_t k = 0; k < w->nspecific && !w->novel && w->published; k++) {
            struct first_seen key = { w->ent_ids[k], 0 };
            const struct first_seen *f = bsearch(&key, v, m, sizeof(*v), cmp_entity);
            w->novel = f && w->published <= f->published + NOVEL_DAYS * 86400;
        }
    }
    free(v);
}

/* Scores and stores one event (its summary is made: work_summarise). */
static int
put_work(struct run *r, struct story_index *ix, struct work *w)
{
    const struct story_info *si = story_get(ix, w->story);
    struct score sc = { 0 };
    struct event_entity *ents = xcalloc(w->nhits + 1, sizeof(*ents));
    struct event_guide *gs = xcalloc(w->ngh + 1, sizeof(*gs));
    struct event_reason *reasons;
    int rc;

    judge_score(r->a->judge, &w->judged, si ? si->sources : 1,
                si ? si->tiers_mask : (1 << w->tier), w->novel, &sc);
    if (r->a->features && w->features)
        fprintf(r->a->features, "%lld\t%s\tsources=%d tiers=%d novel=%d\n", (long long)w->id,
                w->features, si ? si->sources : 1, si ? si->tiers_mask : (1 << w->tier),
                w->novel);
    for (size_t i = 0; i < w->ngh; i++) {
        const struct guide *g = guides_get(r->a->guides, w->gh[i].guide);
        gs[i].slug = g->slug;
        gs[i].weight = w->gh[i].weight;
    }
    for (size_t i = 0; i < w->nhits; i++) {
        ents[i].name = w->hits[i].name;
        ents[i].kind = w->hits[i].kind;
        ents[i].mentions = w->hits[i].count;
        ents[i].in_title = w->hits[i].in_title;
    }
    reasons = xcalloc(sc.n + 1, sizeof(*reasons));
    for (size_t i = 0; i < sc.n; i++)
        reasons[i] = (struct event_reason){ sc.v[i].points, sc.v[i].text };
    struct event_rec ev = {
        .id = w->id,
        .score = sc.value,
        .kind = event_kind_name(w->kind),
        .summary = w->summary,
        .story_id = w->story,
        .reasons = reasons,
        .nreasons = sc.n,
        .content_hash = w->hash,
        .simhash = w->simhash,
        .terms = w->terms,
        .nterms = w->nterms,
        .entities = ents,
        .nentities = w->nhits,
        .guides = gs,
        .nguides = w->ngh,
        .candidates = w->cands,
        .ncandidates = w->ncands,
    };
    rc = store_put_event(r->st, &ev, r->now);
    free(reasons);
    free(ents);
    free(gs);
    score_fini(&sc);
    return rc;
}

static int
put_story(struct run *r, struct story_index *ix, int64_t id)
{
    const struct story_info *si = story_get(ix, id);

    if (si == NULL)
        return ALM_OK; /* gone: pruned below */
    return store_put_story(r->st, si->id, si->first_event, si->events, si->sources,
                           si->tiers_mask, si->first_seen, si->last_seen);
}

/* Coverage of every story an event joined or left in this run; stories no
 * event belongs to any more go. */
static int
write_stories(struct run *r, struct story_index *ix)
{
    for (size_t i = 0; i < r->nw; i++)
        if (put_story(r, ix, r->w[i].story) != ALM_OK)
            return ALM_ESTORE;
    for (size_t i = 0; i < r->nold; i++) {
        struct old *o = &r->old[i];
        if (o->work >= 0 && o->story != o->new_story && put_story(r, ix, o->story) != ALM_OK)
            return ALM_ESTORE;
    }
    return store_prune_stories(r->st);
}

/* What the related lists know of an event, found by id: its title's
 * fingerprint (title_key_make) and what the blend compares (judge.h). */
struct title_key {
    int64_t id;
    uint64_t key;
    int64_t story, feed, org;
    time_t published;
    int digest;
    const int32_t *ents;     /* the specific ones first */
    size_t nents, nspecific;
};

static int
cmp_title_key(const void *a, const void *b)
{
    const struct title_key *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

struct rel_write {
    struct store *st;
    const struct judge_model *judge;
    FILE *dump;              /* ALMANAC_RELATED_FEATURES: every candidate's features */
    int rc, lists;
    struct title_key *keys;  /* sorted by id */
    size_t nkeys;
};

static const struct title_key *
info_of(const struct rel_write *rw, int64_t id)
{
    struct title_key k = { .id = id };

    return bsearch(&k, rw->keys, rw->nkeys, sizeof(k), cmp_title_key);
}

static uint64_t
title_key_of(const struct rel_write *rw, int64_t id)
{
    const struct title_key *f = info_of(rw, id);

    return f ? f->key : 0;
}

static size_t
shared_ids(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    size_t n = 0;

    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            n += a[i] == b[j];
    return n;
}

/* The blend's features of candidate c for query q (judge.h, R_*). */
static void
related_features(const struct title_key *q, const struct title_key *c, double weight,
                 double best, double *f)
{
    double days;
    size_t spec, ents;

    memset(f, 0, R_COUNT * sizeof(*f));
    f[R_WEIGHT] = weight;
    f[R_RELATIVE] = best > 0 ? weight / best : 0;
    if (q == NULL || c == NULL)
        return;
    spec = shared_ids(q->ents, q->nspecific, c->ents, c->nspecific);
    ents = shared_ids(q->ents, q->nents, c->ents, c->nents);
    f[R_STORY] = q->story != 0 && q->story == c->story;
    f[R_SPECIFIC] = spec > 2 ? 1 : spec / 2.0;
    f[R_ENTITY] = ents > 4 ? 1 : ents / 4.0;
    f[R_SAME_FEED] = q->feed == c->feed;
    f[R_SAME_ORG] = q->org == c->org;
    days = (double)(q->published > c->published ? q->published - c->published
                                                : c->published - q->published) / 86400.0;
    if (q->published && c->published) {
        f[R_TIME] = exp(-days / 30.0);
        f[R_WEEK] = exp(-days / 7.0);
        f[R_YEAR] = exp(-days / 365.0);
    }
    f[R_DIGEST] = c->digest;
    f[R_DIGESTS] = q->digest && c->digest;
    f[R_FEED_TIME] = f[R_SAME_FEED] * f[R_TIME];
}

struct ranked {
    struct related_hit h;
    double blend;
};

static int
cmp_blend(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->blend != y->blend)
        return x->blend < y->blend ? 1 : -1;
    return x->h.id < y->h.id ? -1 : x->h.id > y->h.id;
}

/*
 * Writes the first RELATED_K hits whose titles differ from the event's and
 * from each other's: the same article cross-posted by two feeds of one lab,
 * or captured twice, is one line of context, not two (it was 9% of the
 * related rows of the bundled snapshot). The index is asked for
 * RELATED_MAX_K hits so that a list keeps RELATED_K after this.
 */
static void
write_related(int64_t id, const struct related_hit *h, size_t n, void *arg)
{
    struct rel_write *rw = arg;
    int64_t ids[RELATED_K];
    double wt[RELATED_K];
    uint64_t seen[RELATED_K + 1];
    size_t kept = 0, nseen = 0;

    const struct title_key *qi = info_of(rw, id);
    struct ranked rk[RELATED_MAX_K];

    if (rw->rc != ALM_OK)
        return;
    /* The index's hits, reranked by the fitted blend. */
    for (size_t i = 0; i < n && i < RELATED_MAX_K; i++) {
        double f[R_COUNT];
        related_features(qi, info_of(rw, h[i].id), h[i].weight, h[0].weight, f);
        rk[i].h = h[i];
        rk[i].blend = judge_related(rw->judge, f);
        if (rw->dump) {
            fprintf(rw->dump, "%lld\t%lld\t%llu", (long long)id, (long long)h[i].id,
                    (unsigned long long)title_key_of(rw, h[i].id));
            for (int j = 0; j < R_COUNT; j++)
                fprintf(rw->dump, "\t%.4f", f[j]);
            fputc('\n', rw->dump);
        }
    }
    n = n < RELATED_MAX_K ? n : RELATED_MAX_K;
    qsort(rk, n, sizeof(*rk), cmp_blend);
    if ((seen[0] = qi ? qi->key : 0) != 0)
        nseen = 1;
    for (size_t i = 0; i < n && kept < RELATED_K; i++) {
        uint64_t k = title_key_of(rw, rk[i].h.id);
        size_t j = 0;
        while (k != 0 && j < nseen && seen[j] != k)
            j++;
        if (k != 0 && j < nseen)
            continue; /* a title already listed, or the event's own */
        if (k != 0)
            seen[nseen++] = k;
        ids[kept] = rk[i].h.id;
        wt[kept++] = rk[i].blend; /* the order's own measure: best first */
    }
    {
        int64_t rid[RELATED_MAX_K];
        double rwt[RELATED_MAX_K];
        struct related_raw raw = { rid, rwt, n,
                                   related_floor(h, n, RELATED_MAX_K, RELATED_THRESHOLD) };
        for (size_t i = 0; i < n; i++) {
            rid[i] = h[i].id;
            rwt[i] = h[i].weight;
        }
        rw->rc = store_put_related(rw->st, id, ids, wt, kept, &raw);
    }
    rw->lists++;
}

/* related_raw_fn: the raw list kept in the store. */
static int
read_raw(int64_t id, struct related_hit *out, size_t k, size_t *n, void *arg)
{
    struct rel_write *rw = arg;
    int64_t ids[RELATED_MAX_K];
    double w[RELATED_MAX_K];

    if (rw->rc != ALM_OK || k > RELATED_MAX_K ||
        store_get_related_raw(rw->st, id, ids, w, k, n) != ALM_OK)
        return ALM_ENOTFOUND;
    for (size_t i = 0; i < *n; i++) {
        out[i].id = ids[i];
        out[i].weight = w[i];
    }
    return ALM_OK;
}

static int
relate(struct run *r, int *lists)
{
    struct related_index *ix = related_new();
    struct rel_write rw = { .st = r->st, .judge = r->a->judge, .rc = ALM_OK };
    const char *dump = getenv("ALMANAC_RELATED_FEATURES");
    int32_t *ents = NULL;   /* one document's related_entities(), copied by the index */

    if (dump && *dump && (rw.dump = fopen(dump, "w")) == NULL)
        return ALM_EIO;

    /* The floors of the re-analysed old events' lists (their terms are the
     * ones stored: only their story changed), by work index; -1 for the
     * fresh items, whose lists are computed. */
    double *floors = xmalloc((r->nw + 1) * sizeof(*floors));
    for (size_t i = 0; i < r->nw; i++)
        floors[i] = -1.0;
    for (size_t i = 0; i < r->nold; i++)
        if (r->old[i].work >= 0 && !is_fresh_id(r, r->old[i].id))
            floors[r->old[i].work] = r->old[i].related_floor;

    rw.keys = xmalloc((r->nold + r->nw + 1) * sizeof(*rw.keys));
    for (size_t i = 0; i < r->nold; i++) {
        struct old *o = &r->old[i];
        if (o->work >= 0 || is_fresh_id(r, o->id))
            continue;
        ents = xrealloc(ents, (o->nents + 1) * sizeof(*ents));
        struct related_doc d = { o->id, o->terms, o->nterms, ents,
                                 related_entities(r->a, o->ents, o->nents, ents), o->guides,
                                 o->nguides, o->published };
        related_add_listed(ix, &d, o->related_floor);
        rw.keys[rw.nkeys++] = (struct title_key){ o->id, o->title_key, o->new_story,
                                                  o->source_id, o->org, o->published, o->weak,
                                                  o->ents, o->nents, o->nspecific };
    }
    for (size_t i = 0; i < r->nw; i++) {
        struct work *w = &r->w[i];
        ents = xrealloc(ents, (w->nhits + 1) * sizeof(*ents));
        struct related_doc d = { w->id, w->terms, w->nterms, ents,
                                 related_entities(r->a, w->ent_ids, w->nhits, ents),
                                 w->guide_ids, w->ngt, w->published };
        related_add_listed(ix, &d, floors[i]);
        rw.keys[rw.nkeys++] = (struct title_key){ w->id, w->title_key, w->story, w->source_id,
                                                  w->org, w->published,
                                                  w->roundup, w->ent_ids, w->nhits,
                                                  w->nspecific };
    }
    qsort(rw.keys, rw.nkeys, sizeof(*rw.keys), cmp_title_key);
    if (r->rebuild || r->nold == 0) {
        related_build_all(ix, RELATED_MAX_K, RELATED_THRESHOLD, write_related, &rw);
    } else {
        /* The new or changed items' lists, and the old lists one of them
         * enters (by the floors kept with the lists): the cost follows what
         * is new, not the corpus (related.h, related_update_new). An old
         * event re-analysed because its story changed keeps its list unless
         * a new one enters it (most often the one that joined its story). */
        int64_t *ids = xmalloc((r->nw + 1) * sizeof(*ids));
        size_t nids = 0;
        for (size_t i = 0; i < r->nw; i++)
            if (floors[i] < 0)
                ids[nids++] = r->w[i].id;
        related_update_new(ix, ids, nids, RELATED_MAX_K, RELATED_THRESHOLD, read_raw,
                           write_related, &rw, NULL);
        free(ids);
    }
    related_free(ix);
    free(ents);
    free(floors);
    free(rw.keys);
    if (rw.dump)
        fclose(rw.dump);
    *lists = rw.lists;
    return rw.rc;
}

/* Old events whose story changed are analysed again (their score counts
 * the story's coverage): those that moved to another story, and those of a
 * story a fresh event joined. */
static int
reanalyse_old(struct run *r, struct story_index *ix)
{
    size_t nfresh = r->nw, ntouched = 0;
    int64_t *touched = xmalloc((nfresh + 1) * sizeof(*touched));

    /* the stories fresh events are in, sorted: one lookup per old event */
    for (size_t k = 0; k < nfresh; k++)
        touched[ntouched++] = r->w[k].story;
    qsort(touched, ntouched, sizeof(*touched), cmp_id);
    for (size_t i = 0; i < r->nold; i++) {
        struct old *o = &r->old[i];
        const struct story_info *si = story_get(ix, o->new_story);
        struct item *it = NULL;
        if (o->new_story == 0 || (o->new_story == o->story && (si == NULL || si->events <= 1)))
            continue;
        if (o->new_story == o->story &&
            !bsearch(&o->new_story, touched, ntouched, sizeof(*touched), cmp_id))
            continue;
        if (store_get_item(r->st, o->id, &it) != ALM_OK)
            continue;
        work_fill(work_push(r), it, NULL); /* NULL: keep its content hash */
        item_free(it);
        o->work = (long)(r->nw - 1);
        r->w[r->nw - 1].story = o->new_story;
    }
    free(touched);
    analyse_pending(r);
    return ALM_OK;
}

/* A store analysed before it had the entities and paths tables, or before
 * guides had a kind (an upgraded one), gets them even when nothing is left
 * to analyse. */
static int
put_entity_table_once(const struct analyzer *a, struct store *st)
{
    int64_t n = 0, np = 0, lack = 0;

    if (store_count_entities(st, &n) != ALM_OK || store_count_paths(st, &np) != ALM_OK ||
        store_count_guides_without_kind(st, &lack) != ALM_OK)
        return ALM_ESTORE;
    if (n > 0 && (np > 0 || paths_count(a->paths) == 0) && !lack)
        return ALM_OK;
    if (store_begin(st) != ALM_OK)
        return ALM_ESTORE;
    for (size_t i = 0; lack && i < guides_count(a->guides); i++) {
        const struct guide *g = guides_get(a->guides, i);
        if (store_put_guide(st, g->slug, g->kind, g->title, g->summary, g->body) != ALM_OK) {
            store_rollback(st);
            return ALM_ESTORE;
        }
    }
    if (entity_table_put(a->table, st) != ALM_OK || paths_put(a->paths, st) != ALM_OK ||
        store_commit(st) != ALM_OK) {
        store_rollback(st);
        return ALM_ESTORE;
    }
    return ALM_OK;
}

int
analyze_run(struct analyzer *a, struct store *st, int rebuild, time_t now,
            struct analyze_stats *stats, char *err, size_t errlen)
{
    struct run r = { .a = a, .st = st, .now = now, .rebuild = rebuild };
    struct timespec t0, t1;
    struct story_index *ix = NULL;
    int rc = ALM_ESTORE;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(stats, 0, sizeof(*stats));
    r.stem2 = stemmer_new(); /* NULL: everything on this thread */
    if (store_items_to_analyze(st, rebuild, on_item, &r) != ALM_OK)
        goto out;
    analyse_pending(&r);
    if (!rebuild && store_event_index(st, on_old, &r) != ALM_OK)
        goto out;
    if (r.nw == 0 && !rebuild) {
        rc = put_entity_table_once(a, st);
        goto out;
    }
    r.fresh_ids = xmalloc((r.nw + 1) * sizeof(*r.fresh_ids));
    for (size_t i = 0; i < r.nw; i++)
        r.fresh_ids[r.nfresh++] = r.w[i].id;
    qsort(r.fresh_ids, r.nfresh, sizeof(*r.fresh_ids), cmp_id);
    ix = cluster(&r);
    reanalyse_old(&r, ix);
    mark_novel(&r);
    if (store_begin(st) != ALM_OK)
        goto out;
    for (size_t i = 0; i < guides_count(a->guides); i++) {
        const struct guide *g = guides_get(a->guides, i);
        if (store_put_guide(st, g->slug, g->kind, g->title, g->summary, g->body) != ALM_OK)
            goto rollback;
    }
    if (entity_table_put(a->table, st) != ALM_OK || paths_put(a->paths, st) != ALM_OK)
        goto rollback;
    for (size_t i = 0; i < r.nw; i++) {
        struct work *w = &r.w[i];
        if (put_work(&r, ix, w) != ALM_OK)
            goto rollback;
        stats->analyzed++;
        stats->fresh += w->fresh;
    }
    if (write_stories(&r, ix) != ALM_OK)
        goto rollback;
    if (relate(&r, &stats->related_lists) != ALM_OK)
        goto rollback;
    if (store_commit(st) != ALM_OK)
        goto rollback;
    stats->stories = (int)story_count(ix);
    rc = ALM_OK;
    goto out;
rollback:
    store_rollback(st);
out:
    if (rc != ALM_OK)
        snprintf(err, errlen, "%s", store_error(st));
    story_free(ix);
    for (size_t i = 0; i < r.nw; i++)
        work_fini(&r.w[i]);
    free(r.w);
    for (size_t i = 0; i < r.nold; i++) {
        free(r.old[i].terms);
        free(r.old[i].ents);
        free(r.old[i].guides);
    }
    free(r.old);
    free(r.fresh_ids);
    stemmer_free(r.stem2);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
