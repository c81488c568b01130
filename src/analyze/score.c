#include "analyze/score.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/kind.h"
#include "base/err.h"
#include "base/xalloc.h"

#define TUTORIAL_MAX 3

static const int kind_base[KIND_COUNT] = {
    [KIND_OTHER] = 1,      [KIND_RELEASE] = 4,    [KIND_RESEARCH] = 3,
    [KIND_POLICY] = 4,     [KIND_BUSINESS] = 3,   [KIND_SECURITY] = 4,
    [KIND_COMMENTARY] = 3, [KIND_DIGEST] = 3,     [KIND_TUTORIAL] = 1,
};

void
score_fini(struct score *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].text);
    free(s->v);
    s->v = NULL;
    s->n = 0;
    s->value = 0;
}

static void
add_reason(struct score *s, int points, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_reason(struct score *s, int points, const char *fmt, ...)
{
    char text[256];
    va_list ap;

    if (points == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
    s->v[s->n].points = points;
    s->v[s->n].text = xstrdup(text);
    s->n++;
    s->value += points;
}

/* The cue in the title or in the first KIND_BODY_WORDS words of the body. */
static int
has_cue(const struct tokens *title, const struct tokens *body, const char *cue)
{
    return kind_cue(title, SIZE_MAX, cue) > 0 || kind_cue(body, KIND_BODY_WORDS, cue) > 0;
}

static int
any_cue(const struct tokens *title, const struct tokens *body, const char *const *cues,
        size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_cue(title, body, cues[i]))
            return 1;
    return 0;
}

static int
hit_is(const struct entity_hit *h, const char *kind)
{
    return h->kind != NULL && strcmp(h->kind, kind) == 0;
}

static void
score_entities(struct score *s, enum event_kind kind, const struct entity_hit *hits,
               size_t nhits)
{
    char text[200];
    size_t len = 0;
    int pts = 0, cap = 3;

    if (kind == KIND_DIGEST)
        cap = 2;
    else if (kind == KIND_COMMENTARY || kind == KIND_TUTORIAL)
        cap = 1;
    text[0] = '\0';
    for (size_t i = 0; i < nhits && i < 2; i++) {
        const struct entity_hit *h = &hits[i];
        /* the second actor counts when the headline names it too */
        int p = i == 0 ? (h->salience >= 5) + (h->salience >= 4 && h->in_title)
                       : h->salience >= 4 && h->in_title;
        int w;
        if (p == 0)
            continue;
        pts += p;
        w = snprintf(text + len, sizeof(text) - len, "%s%s (%s, salience %d%s)",
                     len ? ", " : "", h->name ? h->name : "?", h->kind ? h->kind : "?",
                     h->salience, h->in_title ? ", in title" : "");
        if (w > 0)
            len += (size_t)w < sizeof(text) - len ? (size_t)w : sizeof(text) - len - 1;
    }
    if (pts > cap)
        pts = cap;
    add_reason(s, pts, "salient entities: %s", text);
}

/* "40+ other organizations": a number of ten or more before an organisation word. */
static int
many_orgs_counted(const struct tokens *t)
{
    static const char *const orgs[] = {
        "organizations", "organisations", "companies", "partners", "labs", "countries",
        "members", "firms", "institutions",
    };
    size_t limit;

    if (t == NULL)
        return 0;
    limit = t->n < KIND_BODY_WORDS ? t->n : KIND_BODY_WORDS;
    for (size_t i = 0; i < limit; i++) {
        const char *w = tok_str(t, i);
        long v;
        if (!(t->v[i].flags & TOK_NUM) || t->v[i].len > 6)
            continue;
        v = strtol(w, NULL, 10);
        if (v < 10)
            continue;
        for (size_t j = i + 1; j < limit && j <= i + 2; j++)
            for (size_t k = 0; k < LEN(orgs); k++)
                if (strcmp(tok_str(t, j), orgs[k]) == 0)
                    return 1;
    }
    return 0;
}

static void
score_magnitude(struct score *s, const struct analysis_input *in, enum event_kind kind,
                const struct entity_hit *hits, size_t nhits, const struct tokens *title,
                const struct tokens *body)
{
    static const char *const ban[] = { "ban", "bans", "banned", "banning" };
    static const char *const lawsuit[] = { "lawsuit", "lawsuits", "sues", "sued" };
    static const char *const first[] = {
        "first time", "first ever", "world first", "for the first", "industry first",
    };
    static const char *const open[] = {
        "open weights", "open weight", "open source", "open sourced", "open sources",
        "open model",
    };
    double money = 0, m;
    int budget = (kind == KIND_COMMENTARY || kind == KIND_DIGEST) ? 1 : 2;
    int norgs = 0;

    if (in != NULL) {
        if (kind_money(in->title, &m) && m > money)
            money = m;
        if (kind_money(in->text, &m) && m > money)
            money = m;
    }
    if (money >= 1e9 && budget >= 2) {
        add_reason(s, 2, "magnitude: money in the billions");
        budget -= 2;
    } else if (money >= 1e8 && budget > 0) {
        add_reason(s, 1, "magnitude: money in the %s",
                   money >= 1e9 ? "billions" : "hundreds of millions");
        budget--;
    }
#define CUE(cond, text) \
    do { \
        if (budget > 0 && (cond)) { \
            add_reason(s, 1, "magnitude: %s", text); \
            budget--; \
        } \
    } while (0)
    CUE(has_cue(title, body, "export controls") || has_cue(title, body, "export control"),
        "export controls");
    CUE(any_cue(title, body, ban, LEN(ban)), "a ban");
    CUE(any_cue(title, body, lawsuit, LEN(lawsuit)), "a lawsuit");
    CUE(has_cue(title, body, "executive order"), "an executive order");
    CUE(kind_cue(title, SIZE_MAX, "first") > 0 || any_cue(NULL, body, first, LEN(first)),
        "a first");
    CUE(has_cue(title, body, "frontier"), "frontier");
    CUE(kind == KIND_RELEASE && any_cue(title, body, open, LEN(open)), "open weights release");
    CUE(has_cue(title, body, "model card"), "model card");
    CUE(has_cue(title, body, "consortium"), "consortium");
    for (size_t i = 0; i < nhits; i++)
        norgs += hit_is(&hits[i], "lab") || hit_is(&hits[i], "company") ||
                 hit_is(&hits[i], "research-org") || hit_is(&hits[i], "consortium");
    CUE(norgs >= 4 || many_orgs_counted(body), "many organisations");
#undef CUE
}

static void
score_topic(struct score *s, enum event_kind kind, const struct tokens *title,
            const struct tokens *body)
{
    static const char *const policy[] = {
        "regulation", "regulations", "regulatory", "government", "ban", "bans", "banned",
        "banning", "law", "laws", "legislation", "lawmakers", "court", "export controls",
        "executive order", "policy", "policymakers",
    };

    if (kind == KIND_POLICY || kind == KIND_DIGEST || kind == KIND_TUTORIAL)
        return;
    if (any_cue(title, body, policy, LEN(policy)))
        add_reason(s, 1, "topic: public policy (regulation, bans, government)");
}

static int
popcount(unsigned v)
{
    int n = 0;

    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

void
score_event(const struct analysis_input *in, enum event_kind kind,
            const struct entity_hit *hits, size_t nhits, const struct tokens *title,
            const struct tokens *body, int story_sources, int story_tiers_mask,
            struct score *out)
{
    int tiers;

    memset(out, 0, sizeof(*out));
    if ((int)kind < 0 || kind >= KIND_COUNT)
        kind = KIND_OTHER;
    if (hits == NULL)
        nhits = 0;
    add_reason(out, kind_base[kind], "kind: %s", event_kind_name(kind));
    if (in != NULL && in->tier == 1)
        add_reason(out, 1, "tier 1 source%s%s%s", in->source_name ? " (" : "",
                   in->source_name ? in->source_name : "", in->source_name ? ")" : "");
    else if (in != NULL && in->tier >= 3)
        add_reason(out, -1, "tier %d source%s%s%s", in->tier, in->source_name ? " (" : "",
                   in->source_name ? in->source_name : "", in->source_name ? ")" : "");
    score_entities(out, kind, hits, nhits);
    score_magnitude(out, in, kind, hits, nhits, title, body);
    score_topic(out, kind, title, body);
    if (story_sources >= 4)
        add_reason(out, 2, "corroborated: %d sources cover the story", story_sources);
    else if (story_sources >= 2)
        add_reason(out, 1, "corroborated: %d sources cover the story", story_sources);
    tiers = popcount((unsigned)story_tiers_mask);
    if (tiers >= 2)
        add_reason(out, 1, "covered across %d tiers", tiers);
    /* the top of the scale is for stories that more than one source carries */
    if (story_sources < 2 && out->value > SCORE_MAX - 1)
        add_reason(out, SCORE_MAX - 1 - out->value, "single source: at most %d",
                   SCORE_MAX - 1);
    if (kind == KIND_TUTORIAL && out->value > TUTORIAL_MAX)
        add_reason(out, TUTORIAL_MAX - out->value, "routine post: at most %d", TUTORIAL_MAX);
    if (out->value > SCORE_MAX)
        add_reason(out, SCORE_MAX - out->value, "clamped to %d", SCORE_MAX);
    else if (out->value < SCORE_MIN)
        add_reason(out, SCORE_MIN - out->value, "clamped to %d", SCORE_MIN);
}

int
score_format(const struct score *s, struct buf *out)
{
    for (size_t i = 0; i < s->n; i++) {
        int rc = buf_printf(out, "%+d  %s\n", s->v[i].points, s->v[i].text);
        if (rc != ALM_OK)
            return rc;
    }
    return ALM_OK;
}
