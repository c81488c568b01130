/*
 * model.h - the types the analysis steps share.
 *
 * Analysis turns a stored item into an event: its entities, kind, guides,
 * story, importance score with reasons, summary and related events. Each
 * step is its own module (entities.c, kind.c, score.c, summary.c,
 * guides.c, story.c, related.c); this header holds what passes between
 * them so that none depends on another's internals.
 */
#ifndef ALMANAC_MODEL_H
#define ALMANAC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum event_kind {
    KIND_OTHER = 0,
    KIND_RELEASE,    /* model, product, open weights */
    KIND_RESEARCH,   /* paper, benchmark, result */
    KIND_POLICY,     /* law, regulation, export control, court, government action */
    KIND_BUSINESS,   /* funding, deal, acquisition, partnership, infrastructure */
    KIND_SECURITY,   /* vulnerability, incident, misuse */
    KIND_COMMENTARY, /* opinion, analysis, op-ed */
    KIND_DIGEST,     /* roundup, newsletter issue */
    KIND_TUTORIAL,   /* how-to, guide, webinar, changelog line */
    KIND_COUNT
};

/* "release", "research", ... ; "other" for anything unknown. */
const char *event_kind_name(enum event_kind k);
/* The kind named s, or KIND_OTHER. */
enum event_kind event_kind_parse(const char *s);

/* What analysis reads of an item. Every pointer is borrowed. */
struct analysis_input {
    int64_t id;
    const char *title;         /* plain text, may be NULL */
    const char *text;          /* plain text of the body, may be NULL */
    const char *url;           /* the item's link, may be NULL */
    const char *categories;    /* the feed's categories (a JSON array of strings), may be NULL */
    const char *source_name;   /* "Interconnects" */
    const char *source_author; /* "Nathan Lambert", may be NULL */
    const char *source_kind;   /* lab, company, newsletter, press, research, policy, community */
    int tier;                  /* 1 primary/official, 2 expert/press, 3 aggregator/community */
    time_t published;
    int article;               /* text is the linked article's main text */
};

/* One dictionary entity found in an item. */
struct entity_hit {
    int entity;            /* index in the dictionary */
    const char *name;      /* canonical name (owned by the dictionary) */
    const char *kind;      /* lab, company, model, person, government, agency, law, ... */
    int salience;          /* the dictionary's 1..5 */
    int count;             /* mentions */
    int in_title;          /* mentioned in the title */
    uint32_t first;        /* token index of the first mention */
};

/* One line of a score's explanation: "+1.25 entities: Claude, Anthropic". */
struct reason {
    double points;        /* on the 1-10 scale, two decimals */
    char *text;
};

struct score {
    int value;             /* 1..10 */
    struct reason *v;
    size_t n;
};
void score_fini(struct score *s);

#endif
