/*
 * features.c - an item's features for the fitted models (features.h).
 */
#include "analyze/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/kind.h"
#include "base/err.h"

#define FEATURES_NAME(id, name) [id] = name,
static const char *const dense_names[F_COUNT] = { FEATURES_DENSE(FEATURES_NAME) };
#undef FEATURES_NAME

static const char ns_tag[NS_COUNT] = { 't', 'p', 'l', 'e', 's' };

const char *
features_name(int id)
{
    return id >= 0 && id < F_COUNT ? dense_names[id] : NULL;
}

int
features_find(const char *s)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(s, dense_names[i]) == 0)
            return i;
    return -1;
}

/* The cue in the title or in the first KIND_BODY_WORDS words of the body. */
static int
has_cue(const struct tokens *title, const struct tokens *body, const char *cue)
{
    return kind_cue(title, SIZE_MAX, cue) > 0 || kind_cue(body, KIND_BODY_WORDS, cue) > 0;
}

static int
count_cues(const struct tokens *title, const struct tokens *body, const char *const *cues,
           size_t n)
{
    int c = 0;

    for (size_t i = 0; i < n; i++)
        c += has_cue(title, body, cues[i]);
    return c;
}

/* Words that say a happening is large: the rule scorer's magnitude cues. */
static int
magnitude_cues(const struct tokens *title, const struct tokens *body)
{
    static const char *const cues[] = {
        "export controls", "export control", "ban", "bans", "banned", "lawsuit", "sues",
        "executive order", "frontier", "open weights", "open weight", "open source",
        "model card", "consortium", "first time", "first ever", "world first",
        "state of the art", "breakthrough",
    };
    return count_cues(title, body, cues, LEN(cues));
}

static int
policy_cues(const struct tokens *title, const struct tokens *body)
{
    static const char *const cues[] = {
        "regulation", "regulations", "regulatory", "government", "law", "laws",
        "legislation", "lawmakers", "court", "policy", "policymakers", "congress",
        "senate", "commission", "act",
    };
    return count_cues(title, body, cues, LEN(cues));
}

static void
add_sparse(struct features *f, enum feature_ns ns, const char *word, size_t n, uint64_t h)
{
    uint32_t b = (uint32_t)(h ^ (h >> 32)) & ((1u << FEATURES_BITS) - 1);
    struct sparse_feature *s;

    for (size_t i = 0; i < f->nsparse; i++)
        if (f->sparse[i].bucket == b && f->sparse[i].ns == ns)
            return; /* presence, not counts: a word said twice is one cue */
    if (f->nsparse == FEATURES_MAX_SPARSE)
        return;
    s = &f->sparse[f->nsparse++];
    s->bucket = b;
    s->ns = (uint8_t)ns;
    if (n >= sizeof(s->word))
        n = sizeof(s->word) - 1;
    memcpy(s->word, word, n);
    s->word[n] = '\0';
}

static uint64_t
ns_hash(enum feature_ns ns, const char *s, size_t n)
{
    return text_hash(s, n, 0x9e3779b97f4a7c15ULL * (uint64_t)(ns + 1));
}

/* Stemmed words of t that carry meaning (not stop words, not one letter). */
static void
hash_words(struct features *f, const struct tokens *t, size_t limit, enum feature_ns ns,
           struct stemmer *stem, int pairs)
{
    char prev[64] = "";
    size_t plen = 0, used = 0;

    for (size_t i = 0; t && i < t->n && used < limit; i++) {
        const char *w = tok_str(t, i);
        size_t n = t->v[i].len, sn;
        const char *s;
        if (n < 2 || text_is_stopword(w, n))
            continue;
        used++;
        s = (t->v[i].flags & TOK_NUM) ? w : stemmer_stem(stem, w, n, &sn);
        if (t->v[i].flags & TOK_NUM)
            sn = n;
        add_sparse(f, ns, s, sn, ns_hash(ns, s, sn));
        if (pairs && plen > 0 && plen + 1 + sn < sizeof(prev)) {
            char pair[128];
            int pn = snprintf(pair, sizeof(pair), "%.*s %.*s", (int)plen, prev, (int)sn, s);
            if (pn > 0 && (size_t)pn < sizeof(pair))
                add_sparse(f, NS_PAIR, pair, (size_t)pn, ns_hash(NS_PAIR, pair, (size_t)pn));
        }
        if (sn < sizeof(prev)) {
            memcpy(prev, s, sn);
            plen = sn;
        } else {
            plen = 0;
        }
    }
}

static void
source_features(const struct analysis_input *in, double *d)
{
    static const struct {
        const char *kind;
        int id;
    } kinds[] = {
        { "lab", F_SK_LAB },         { "company", F_SK_COMPANY },
        { "newsletter", F_SK_NEWSLETTER }, { "press", F_SK_PRESS },
        { "research", F_SK_RESEARCH }, { "policy", F_SK_POLICY },
        { "community", F_SK_COMMUNITY },
    };

    d[in->tier <= 1 ? F_TIER1 : in->tier == 2 ? F_TIER2 : F_TIER3] = 1;
    for (size_t i = 0; i < LEN(kinds); i++)
        if (in->source_kind && strcmp(in->source_kind, kinds[i].kind) == 0)
            d[kinds[i].id] = 1;
}

static void
entity_features(const struct entity_hit *hits, size_t nhits, struct features *f)
{
    double *d = f->dense;
    int in_title = 0;

    for (size_t i = 0; i < nhits; i++) {
        const struct entity_hit *h = &hits[i];
        if (h->salience > d[F_ENT_MAX] * 5)
            d[F_ENT_MAX] = h->salience / 5.0;
        if (h->in_title && h->salience >= 4)
            in_title++;
        if (h->in_title && h->salience >= 5)
            d[F_ENT_FRONTIER] = 1;
        if (h->in_title && h->kind && strcmp(h->kind, "model") == 0)
            d[F_ENT_MODEL_TITLE] = 1;
        if (h->name) {
            size_t n = strlen(h->name);
            add_sparse(f, NS_ENTITY, h->name, n, ns_hash(NS_ENTITY, h->name, n));
            if (f->ntop < LEN(f->top_entities) && h->salience >= 3)
                f->top_entities[f->ntop++] = h->name;
        }
    }
    d[F_ENT_TITLE] = in_title > 3 ? 1 : in_title / 3.0;
    d[F_ENT_COUNT] = log1p((double)nhits) / log(16.0);
}

void
features_make(const struct analysis_input *in, const struct tokens *title,
              const struct tokens *body, const struct entity_hit *hits, size_t nhits,
              enum event_kind rule_kind, struct stemmer *stem, struct features *out)
{
    double *d = out->dense, money = 0, m;
    size_t words = body ? body->n : 0;

    memset(out, 0, sizeof(*out));
    d[F_BIAS] = 1;
    source_features(in, d);
    if ((int)rule_kind < 0 || rule_kind >= KIND_COUNT)
        rule_kind = KIND_OTHER;
    d[F_RK_OTHER + (int)rule_kind] = 1;
    /* Entities first: their names are the surest sparse features. */
    entity_features(hits, nhits, out);
    if (kind_money(in->title, &m) && m > money)
        money = m;
    if (kind_money(in->text, &m) && m > money)
        money = m;
    d[F_MONEY8] = money >= 1e8;
    d[F_MONEY9] = money >= 1e9;
    d[F_MONEY10] = money >= 1e10;
    d[F_MAGNITUDE] = magnitude_cues(title, body) > 2 ? 1 : magnitude_cues(title, body) / 2.0;
    d[F_POLICY_TOPIC] = policy_cues(title, body) > 2 ? 1 : policy_cues(title, body) / 2.0;
    d[F_HAS_TEXT] = words >= 8;
    d[F_TEXT_LEN] = log1p((double)words) / log(1000.0);
    if (d[F_TEXT_LEN] > 1)
        d[F_TEXT_LEN] = 1;
    d[F_TITLE_LEN] = title ? (title->n > 20 ? 1 : title->n / 20.0) : 0;
    if (in->source_name && *in->source_name)
        add_sparse(out, NS_SOURCE, in->source_name, strlen(in->source_name),
                   ns_hash(NS_SOURCE, in->source_name, strlen(in->source_name)));
    hash_words(out, title, 32, NS_TITLE, stem, 1);
    hash_words(out, body, FEATURES_LEAD_WORDS, NS_LEAD, stem, 0);
}

int
features_format(const struct features *f, struct buf *out)
{
    for (int i = 0; i < F_COUNT; i++)
        if (f->dense[i] != 0)
            buf_printf(out, "%s%s=%.4g", i ? " " : "", dense_names[i], f->dense[i]);
    buf_puts(out, " |");
    for (size_t i = 0; i < f->nsparse; i++)
        buf_printf(out, " %c%u", ns_tag[f->sparse[i].ns], (unsigned)f->sparse[i].bucket);
    return out->len > 0 ? ALM_OK : ALM_ETOOBIG;
}
