/*
 * judge.h - the fitted judgment: an item's kind, whether it is about AI, and
 * its importance 1-10 with the reasons that add up to it.
 *
 * Three linear models over the same features (features.h), their weights in
 * a versioned data file (data/model/judgment.tsv) that tools/judgment/fit.py
 * writes from the labels in tests/data/judgment (people's readings, never
 * consulted here item by item):
 *
 *   kind        multinomial logistic regression; the rule reader's kind
 *               (kind.c) is one of its features
 *   about AI    logistic regression: the probability an item is about AI
 *   importance  ridge regression on the 1-10 scale over the item's features,
 *               its kind and AI probability, its story's independent coverage
 *               and its novelty (the first to name a model, product or law),
 *               then a calibration (scale and shift) so the scores
 *               spread as the labels do
 *
 * A digest's magnitude and novelty count nothing: its words of scale belong to
 * the items it rounds up, and it names nothing first.
 *
 * The importance is a sum of named contributions (baseline, kind, about AI,
 * source, entities, words, magnitude, text, coverage) that become the
 * event's reasons; the score is that sum rounded and kept within 1..10, and
 * the rounding is a reason too, so the reasons always sum to the score.
 *
 * File format, one weight a line, '#' comments:
 *   version  1
 *   about    free text (what it was fitted on)
 *   MODEL  CLASS  FEATURE  WEIGHT
 * MODEL is kind (CLASS a kind name), ai or importance (CLASS "-"); FEATURE a
 * dense feature name, "t:N" "p:N" "l:N" "e:N" "s:N" for a title word, title
 * word pair, lead word, entity or source bucket, or for importance also "kind:NAME",
 * "ai", "coverage:2", "coverage:4", "coverage:tiers2", "novelty"; calibration rows are
 * "importance - calibration:scale|calibration:shift"; the related blend's rows
 * "related - NAME WEIGHT" (NAME from judge_related_name()).
 */
#ifndef ALMANAC_JUDGE_H
#define ALMANAC_JUDGE_H

#include "analyze/features.h"
#include "analyze/model.h"

struct judge_model;

/*
 * Related events: the index's text similarity reranked by a fitted blend of
 * what else two events share. judge_related() scores one candidate in 0..1
 * (the logistic of the blend), the weight an event's related list stores and
 * is ordered by; without "related" rows in the file it is the similarity.
 */
enum {
    R_WEIGHT, R_STORY, R_SPECIFIC, R_ENTITY, R_SAME_FEED, R_SAME_ORG, R_TIME,
    R_RELATIVE,   /* the similarity over the query's best candidate's */
    R_WEEK,       /* exp(-days / 7) */
    R_YEAR,       /* exp(-days / 365) */
    R_DIGEST,     /* the candidate is a digest */
    R_DIGESTS,    /* both are digests */
    R_FEED_TIME,  /* same feed and exp(-days / 30) */
    R_COUNT
};
double judge_related(const struct judge_model *m, const double *f);
const char *judge_related_name(int i);

/* Loads a weights file. ALM_OK, or ALM_EIO/ALM_EINVAL with the reason (file:line) in err. */
int judge_load(const char *path, struct judge_model **out, char *err, size_t errlen);
void judge_free(struct judge_model *m);
/* The file's "about" line, for `almanac explain`. */
const char *judge_about(const struct judge_model *m);

/* The importance contributions known before stories (see judge_score). */
enum { J_BASE, J_KIND, J_AI, J_SOURCE, J_ENTITIES, J_WORDS, J_MAGNITUDE, J_TEXT, J_PARTS };

struct judge_item {
    enum event_kind kind;
    double kind_prob;      /* the classifier's probability for kind */
    double ai;             /* probability the item is about AI */
    double part[J_PARTS];  /* importance contributions, on the 1-10 scale */
    char *why[J_PARTS];    /* what each says ("entities: Claude, Anthropic") */
};

/* Classifies one item and computes its importance contributions. */
void judge_item(const struct judge_model *m, const struct features *f,
                const struct analysis_input *in, struct judge_item *out);
void judge_item_fini(struct judge_item *ji);

/*
 * The score: ji's contributions, the story's coverage by independent
 * sources (story_sources) and tiers (bit 1 << tier in story_tiers_mask),
 * whether the event is the first to name a model, product or law (novel),
 * rounded and kept within 1..10. out is released with score_fini().
 */
void judge_score(const struct judge_model *m, const struct judge_item *ji, int story_sources,
                 int story_tiers_mask, int novel, struct score *out);

#endif
