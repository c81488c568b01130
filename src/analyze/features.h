/*
 * features.h - what the fitted judgment models read of an item.
 *
 * An item becomes named dense features (its source's tier and kind, what the
 * rule-based kind reader says, its entities, money, text length...) and
 * hashed sparse ones (stemmed title words and word pairs, the lead's words,
 * entity names, the source's name: what a source usually publishes), each sparse feature a bucket of 2^FEATURES_BITS.
 * The kind model also reads the title's shape (dense "shape:*") and the
 * link's host and directories (NS_URL): "/research/", "/customers/",
 * arxiv.org, ".../releases". The same
 * features feed the kind classifier, the about-AI classifier and the
 * importance model (judge.h), and `almanac analyze` can write them out
 * (ALMANAC_FEATURES) for tools/judgment/fit.py, so what is fitted is exactly
 * what runs.
 */
#ifndef ALMANAC_FEATURES_H
#define ALMANAC_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/model.h"
#include "analyze/text.h"
#include "base/buf.h"

#define FEATURES_BITS 16
#define FEATURES_MAX_SPARSE 256   /* title, lead and entity features kept per item */
#define FEATURES_LEAD_WORDS 60    /* lead words hashed */

/* The dense features: X(ID, "name"). Names are the weights file's. */
#define FEATURES_DENSE(X) \
    X(F_BIAS, "bias") \
    X(F_TIER1, "tier:1") X(F_TIER2, "tier:2") X(F_TIER3, "tier:3") \
    X(F_SK_LAB, "source:lab") X(F_SK_COMPANY, "source:company") \
    X(F_SK_NEWSLETTER, "source:newsletter") X(F_SK_PRESS, "source:press") \
    X(F_SK_RESEARCH, "source:research") X(F_SK_POLICY, "source:policy") \
    X(F_SK_COMMUNITY, "source:community") \
    X(F_RK_OTHER, "rule:other") X(F_RK_RELEASE, "rule:release") \
    X(F_RK_RESEARCH, "rule:research") X(F_RK_POLICY, "rule:policy") \
    X(F_RK_BUSINESS, "rule:business") X(F_RK_SECURITY, "rule:security") \
    X(F_RK_COMMENTARY, "rule:commentary") X(F_RK_DIGEST, "rule:digest") \
    X(F_RK_TUTORIAL, "rule:tutorial") \
    X(F_ENT_MAX, "entities:max_salience") X(F_ENT_TITLE, "entities:salient_in_title") \
    X(F_ENT_FRONTIER, "entities:frontier_in_title") X(F_ENT_COUNT, "entities:count") \
    X(F_ENT_MODEL_TITLE, "entities:model_in_title") \
    X(F_MONEY8, "money:1e8") X(F_MONEY9, "money:1e9") X(F_MONEY10, "money:1e10") \
    X(F_MAGNITUDE, "cues:magnitude") X(F_POLICY_TOPIC, "cues:policy_topic") \
    X(F_GENERATION, "magnitude:generation") X(F_POINT, "magnitude:point") \
    X(F_PARTNER, "magnitude:partnership") \
    X(F_HAS_TEXT, "text:present") X(F_TEXT_LEN, "text:log_words") \
    X(F_TITLE_LEN, "title:words") \
    X(F_SH_INTRO, "shape:introducing") X(F_SH_AVAILABLE, "shape:available") \
    X(F_SH_ASKS, "shape:question_word") X(F_SH_HOWTO, "shape:howto") \
    X(F_SH_COLON, "shape:colon") X(F_SH_TALK, "shape:interview") \
    X(F_SH_EVENT, "shape:event") X(F_SH_QUESTION, "shape:question") \
    X(F_SH_VERSION, "shape:version") X(F_SH_LIST, "shape:list") \
    X(F_SH_ISSUE, "shape:issue") X(F_SH_SECURITY, "shape:security") \
    X(F_SH_POLICY, "shape:policy") X(F_SH_CUSTOMER, "shape:customer") \
    X(F_SH_BUSINESS, "shape:business") X(F_SH_RESEARCH, "shape:research")

#define FEATURES_ID(id, name) id,
enum feature_id { FEATURES_DENSE(FEATURES_ID) F_COUNT };
#undef FEATURES_ID

/* The first of the title's shapes ("Introducing X", "How we...", "A, B, C"):
 * read by the kind model only (fit.py gives them no importance or AI weight). */
#define F_SHAPE_FIRST F_SH_INTRO

/* Where a sparse feature came from: it says which words explain a score.
 * NS_URL: the link's host and directories ("host=arxiv.org", "dir=research"),
 * NS_CAT: the feed's categories of the item ("cat=research", "cat=customers"),
 * read by the kind model only. */
enum feature_ns { NS_TITLE, NS_PAIR, NS_LEAD, NS_ENTITY, NS_SOURCE, NS_URL, NS_CAT, NS_COUNT };

struct sparse_feature {
    uint32_t bucket;
    uint8_t ns;
    char word[47];        /* the stem (or entity name) it hashed, cut, for reasons */
};

struct features {
    double dense[F_COUNT];
    struct sparse_feature sparse[FEATURES_MAX_SPARSE];
    size_t nsparse;
    const char *top_entities[3]; /* the most salient hits' names (borrowed) */
    size_t ntop;
};

/* The name of dense feature id ("tier:1"); NULL out of range. */
const char *features_name(int id);
/* The dense feature named s, or -1. */
int features_find(const char *s);

/*
 * The features of one item. title and body are in's tokens (body: its lead),
 * hits its entities (most salient first), rule_kind what kind_classify() said.
 * stem is the calling thread's stemmer.
 */
void features_make(const struct analysis_input *in, const struct tokens *title,
                   const struct tokens *body, const struct entity_hit *hits, size_t nhits,
                   enum event_kind rule_kind, struct stemmer *stem, struct features *out);

/* "name=value ... | ns:bucket ..." for the fitting script. ALM_OK or ALM_ETOOBIG. */
int features_format(const struct features *f, struct buf *out);

#endif
