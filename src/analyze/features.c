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

static const char ns_tag[NS_COUNT] = { 't', 'p', 'l', 'e', 's', 'u', 'c' };

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

/* Whether one of the cues is in the title (any place), or, with first, begins it. */
static int
title_cue(const struct tokens *title, const char *const *cues, size_t n, int first)
{
    for (size_t i = 0; i < n; i++) {
        size_t at = kind_cue(title, SIZE_MAX, cues[i]);
        if (at > 0 && (!first || at == 1))
            return 1;
    }
    return 0;
}

#define TITLE_CUE(d, id, title, first, ...)                                        \
    do {                                                                           \
        static const char *const cues_[] = { __VA_ARGS__ };                        \
        (d)[id] = title_cue(title, cues_, LEN(cues_), first);                      \
    } while (0)

/* The shapes of a title an editor reads a kind from: "Introducing X", "X is now
 * available", "How we...", "[paper title]: ...", "Q&A", "Webinar", a list of
 * headlines ("A, B, C"), words of security, policy, customers, money, papers. */
static void
shape_features(const char *raw, const struct tokens *t, double *d)
{
    int commas = 0, version = 0, number = 0;

    TITLE_CUE(d, F_SH_INTRO, t, 1, "introducing", "announcing", "meet", "presenting",
              "unveiling", "welcome", "say hello");
    TITLE_CUE(d, F_SH_AVAILABLE, t, 0, "now available", "generally available", "is available",
              "are available", "available in", "available on", "now supports", "now in",
              "launches", "launch", "launching", "released", "release", "releases", "is here",
              "are here", "rolling out", "new in", "now open", "open sourcing", "open source");
    TITLE_CUE(d, F_SH_ASKS, t, 1, "how", "why", "what", "when", "where", "who", "can", "should",
              "is", "are", "does", "do", "will");
    TITLE_CUE(d, F_SH_HOWTO, t, 0, "how to", "guide", "tutorial", "step by step",
              "getting started", "get started", "build", "building", "best practices", "tips",
              "deploy", "deploying", "fine tuning", "fine tune", "walkthrough", "cookbook",
              "hands on", "course", "lesson", "using", "with");
    TITLE_CUE(d, F_SH_TALK, t, 0, "interview", "podcast", "episode", "conversation",
              "fireside chat", "ama", "ep", "talks with", "in conversation");
    TITLE_CUE(d, F_SH_EVENT, t, 0, "webinar", "summit", "conference", "meetup", "join us",
              "event", "events", "workshop", "keynote", "livestream", "register", "booth",
              "hackathon", "recap");
    TITLE_CUE(d, F_SH_ISSUE, t, 0, "issue", "issue #", "weekly", "roundup", "round up",
              "newsletter", "this week", "digest", "last week", "week in", "highlights",
              "news and insights", "the batch", "import ai", "links");
    TITLE_CUE(d, F_SH_SECURITY, t, 0, "security", "secure", "securing", "vulnerability",
              "vulnerabilities", "attack", "attacks", "threat", "threats", "malware", "exploit",
              "exploits", "jailbreak", "jailbreaks", "red team", "red teaming", "cyber",
              "cybersecurity", "phishing", "disrupting", "misuse", "malicious",
              "influence operations", "fraud", "scam", "scams", "prompt injection", "abuse",
              "espionage", "hacking", "hackers", "breach");
    TITLE_CUE(d, F_SH_POLICY, t, 0, "policy", "policies", "regulation", "regulations",
              "regulatory", "act", "law", "laws", "government", "governments", "senate",
              "congress", "commission", "testimony", "comments", "executive order", "export",
              "export controls", "election", "elections", "legislation", "bill", "governance",
              "public sector", "federal", "white house", "parliament", "ministry", "treaty",
              "lawmakers", "court", "ruling", "lawsuit", "copyright", "national security");
    TITLE_CUE(d, F_SH_CUSTOMER, t, 0, "customer", "customers", "case study", "customer story",
              "uses", "partner", "partners", "partnership", "powered by", "helps", "how",
              "transforms", "scales");
    TITLE_CUE(d, F_SH_BUSINESS, t, 0, "raises", "raised", "funding", "acquires", "acquire",
              "acquisition", "acquired", "series a", "series b", "series c", "series d",
              "valuation", "deal", "ipo", "revenue", "investment", "invests", "hires",
              "appoints", "joins", "office", "offices", "expands", "expansion", "opens",
              "ceo", "billion", "million", "board", "layoffs", "stock", "shares");
    TITLE_CUE(d, F_SH_RESEARCH, t, 0, "paper", "papers", "study", "findings", "benchmark",
              "dataset", "towards", "toward", "via", "scaling", "evaluating", "understanding",
              "measuring", "learning", "neural", "analysis of", "we find", "arxiv", "theory",
              "interpretability", "alignment", "emergent", "probing", "mechanistic");
    for (const char *p = raw; p && *p; p++) {
        commas += *p == ',';
        if (*p >= '0' && *p <= '9' && p[1] == '.' && p[2] >= '0' && p[2] <= '9')
            version = 1;
        if ((*p == 'v' || *p == 'V') && p[1] >= '0' && p[1] <= '9' &&
            (p == raw || p[-1] == ' ' || p[-1] == '-'))
            version = 1;
        if (*p == '#' && p[1] >= '0' && p[1] <= '9')
            number = 1;
    }
    d[F_SH_COLON] = raw && (strchr(raw, ':') || strstr(raw, " - ") || strstr(raw, " | "));
    d[F_SH_QUESTION] = raw && *raw && raw[strlen(raw) - 1] == '?';
    d[F_SH_VERSION] = version;
    d[F_SH_LIST] = commas >= 2;
    if (number)
        d[F_SH_ISSUE] = 1;
    if (raw && (strstr(raw, "Q&A") || strstr(raw, "Q&amp;A")))
        d[F_SH_TALK] = 1;
}

/* One "host=..." or "dir=..." feature of the link, folded to lower case. */
static void
add_url_part(struct features *f, const char *tag, const char *s, size_t n)
{
    char w[80];
    size_t k = strlen(tag), i;

    if (n == 0 || k + n >= sizeof(w))
        return;
    memcpy(w, tag, k);
    for (i = 0; i < n; i++)
        w[k + i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    add_sparse(f, NS_URL, w, k + n, ns_hash(NS_URL, w, k + n));
}

/* The link's host (without "www.") and up to three of its directories (the
 * path's parts before the last, all-digit ones such as years skipped; the last
 * too when it is one short word: ".../releases", "/research"). */
static void
url_features(const char *url, struct features *f)
{
    const char *p = url ? strstr(url, "://") : NULL, *h, *seg[16];
    size_t len[16], nseg = 0, dirs = 0;

    if (p == NULL)
        return;
    h = p + 3;
    p = h + strcspn(h, "/?#");
    if (p - h > 4 && strncmp(h, "www.", 4) == 0)
        h += 4;
    add_url_part(f, "host=", h, (size_t)(p - h));
    while (*p == '/' && nseg < LEN(seg)) {
        size_t n;
        p++;
        n = strcspn(p, "/?#");
        if (n > 0) {
            seg[nseg] = p;
            len[nseg++] = n;
        }
        p += n;
    }
    for (size_t i = 0; i < nseg && dirs < 3; i++) {
        int word = len[i] <= 20, digits = 1;
        for (size_t j = 0; j < len[i]; j++) {
            char c = seg[i][j];
            if (!(c >= '0' && c <= '9') && c != '-' && c != '_')
                digits = 0;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                word = 0;
        }
        if (digits || (i + 1 == nseg && !word))
            continue;
        add_url_part(f, "dir=", seg[i], len[i]);
        dirs++;
    }
}

/* The feed's categories of the item, at most eight, each "cat=" and its name
 * folded to lower case with its spaces trimmed: ["Policy"] -> "cat=policy". */
static void
category_features(const char *json, struct features *f)
{
    const char *p = json;
    int taken = 0;

    while (p && *p && taken < 8) {
        char w[64] = "cat=";
        size_t n = 4;
        if ((p = strchr(p, '"')) == NULL)
            break;
        for (p++; *p && *p != '"'; p++) {
            char c = *p;
            if (c == '\\' && p[1])
                c = *++p;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (n + 1 < sizeof(w) && !(c == ' ' && (n == 4 || w[n - 1] == ' ')))
                w[n++] = c;
        }
        while (n > 4 && w[n - 1] == ' ')
            n--;
        if (*p == '"')
            p++;
        if (n > 4) {
            add_sparse(f, NS_CAT, w, n, ns_hash(NS_CAT, w, n));
            taken++;
        }
    }
}

/* How a model's name ends: 2 for a whole version ("GPT-4", "Claude Opus 5",
 * "Llama 4": a new generation), 1 for a point release or a smaller sibling
 * ("Claude Sonnet 4.6", "Claude 3.5 Haiku", "o3-mini", "Grok 4.1 Fast"), 0 for
 * a name without a version. */
static int
version_shape(const char *name)
{
    static const char *const small[] = { "mini", "nano", "lite", "small", "turbo", "flash",
                                         "fast", "haiku" };
    char low[96];
    size_t n = 0;
    int whole = 0, point = 0;

    for (const char *p = name; *p && n + 1 < sizeof(low); p++)
        low[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    low[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (low[i] < '0' || low[i] > '9')
            continue;
        if (low[i + 1] == '.' && low[i + 2] >= '0' && low[i + 2] <= '9')
            point = 1;
        else if (low[i + 1] == '\0' || low[i + 1] == ' ' || low[i + 1] == '-')
            whole = 1;
    }
    /* a word of a smaller sibling, whole: "o3-mini", "Gemini 3 Flash" */
    for (size_t i = 0; i < LEN(small) && (whole || point) && !point; i++) {
        size_t k = strlen(small[i]);
        for (const char *p = strstr(low, small[i]); p; p = strstr(p + k, small[i]))
            if ((p == low || p[-1] == ' ' || p[-1] == '-') && (p[k] == '\0' || p[k] == ' '))
                point = 1;
    }
    return point ? 1 : whole ? 2 : 0;
}

/* The title names a model: a new generation (a whole version) or a point
 * release; and whether it announces a partnership. Magnitude an editor reads
 * from the name alone: GPT-4 is a generation, Claude Sonnet 4.6 a point
 * release of one. */
static void
magnitude_features(const char *raw, const struct tokens *title, const struct entity_hit *hits,
                   size_t nhits, double *d)
{
    static const char *const partner[] = { "partner", "partners", "partnership",
                                           "partnerships", "partnering", "collaborate",
                                           "collaborates", "collaboration", "teams up",
                                           "team up", "alliance", "joins forces" };

    for (size_t i = 0; i < nhits; i++) {
        const struct entity_hit *h = &hits[i];
        if (!h->in_title || !h->name || !h->kind || strcmp(h->kind, "model") != 0)
            continue;
        switch (version_shape(h->name)) {
        case 2: d[F_GENERATION] = 1; break;
        case 1: d[F_POINT] = 1; break;
        default: break;
        }
    }
    /* A point version anywhere in the title ("Gemini 3.6 Flash", the dictionary
     * knowing only "Gemini 3"; "GPT-5.3-Codex") makes it the smaller news. */
    for (const char *p = raw; d[F_GENERATION] && p && *p; p++)
        if (*p >= '0' && *p <= '9' && p[1] == '.' && p[2] >= '0' && p[2] <= '9')
            d[F_POINT] = 1;
    if (d[F_POINT])
        d[F_GENERATION] = 0;
    d[F_PARTNER] = title_cue(title, partner, LEN(partner), 0);
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
    magnitude_features(in->title, title, hits, nhits, d);
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
    shape_features(in->title, title, d);
    url_features(in->url, out);
    category_features(in->categories, out);
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
