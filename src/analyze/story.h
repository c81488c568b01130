/*
 * story.h - groups events from different sources about the same happening
 * into stories, incrementally.
 *
 * Each story keeps a centroid (term counts of its events) and its
 * coverage. A new event joins, in this order: the story of an earlier
 * event with the same normalized title (one post captured twice or
 * cross-posted); the story of a near-duplicate (SimHash of word shingles
 * within Hamming distance 3, found through four 16-bit bands); or, among
 * the stories active inside the time window, the one whose centroid is most
 * similar (TF-IDF cosine, IDF from the documents seen so far), when a
 * member from another feed has a title inside the event's or holding it
 * (three words or more), or when the similarity reaches the threshold, or
 * the lower anchored threshold when both name one specific entity (a
 * model, product or law), and one of its latest members from another feed
 * is that close too. Month and day names are left out, and a member sharing
 * a single word with the event counts only when that word is rare (in
 * under 3% of the documents).
 * A roundup (weak) joins only as a copy. Otherwise the event starts a story, whose id is the event's
 * id. Candidate stories come from an inverted index over terms, skipping
 * terms too common to mean anything, so there is no all-pairs pass.
 *
 * Feed events oldest first for stable results. Nothing here touches the
 * store; the caller persists ids and coverage.
 */
#ifndef ALMANAC_STORY_H
#define ALMANAC_STORY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct story_doc {
    int64_t id;
    int64_t source_id;       /* who speaks (an organisation): counted once */
    int64_t feed_id;         /* the feed it came from: a feed's own items never
                              * vouch for each other */
    int tier;                /* 1..3 */
    const uint64_t *terms;   /* stemmed term hashes (text_terms), repeats allowed */
    size_t nterms;
    size_t ntitle;           /* the first ntitle terms are its title's (0: none) */
    uint64_t simhash;        /* story_simhash() of its shingles, 0 for none */
    time_t published;
    int weak;                /* a roundup: it joins a story only as a copy of
                              * one of its members (same title, near-duplicate) */
    uint64_t title_key;      /* its normalized title's hash, 0 for none: the same
                              * title again is the same post captured twice or
                              * cross-posted, one story whatever the dates */
    const int32_t *specific; /* ids of the specific entities it names (models,
                              * products, laws...): what anchors a story */
    size_t nspecific;
};

struct story_info {
    int64_t id;              /* the first event's id */
    int64_t first_event;     /* earliest published member */
    time_t first_seen, last_seen;
    int events;
    int sources;             /* distinct sources */
    int tiers_mask;          /* bit t (1..3) set when a tier-t source covers it */
};

struct story_opts {
    time_t window;           /* default 3 days */
    double threshold;        /* similarity that joins on its own, default 0.1 */
    double anchored;         /* similarity that joins when the doc and the story
                              * share a specific entity; 0: threshold */
    time_t title_window;     /* how far from a story's start a capture of one of
                              * its titles may be, default 30 days */
    size_t max_terms;        /* terms of a doc that count, default 48 */
};

struct story_index *story_new(const struct story_opts *o); /* NULL: defaults */
void story_free(struct story_index *ix);
/* Assigns d to a story; returns the story's id and sets *joined to 1 when
 * it joined an existing one. */
int64_t story_assign(struct story_index *ix, const struct story_doc *d, int *joined);
/* Coverage of a story (borrowed until the next story_assign), or NULL. */
const struct story_info *story_get(const struct story_index *ix, int64_t story_id);
size_t story_count(const struct story_index *ix);
/* Releases the centroids and members of the stories no doc published at t
 * or later can join (their coverage stays for story_get()), when the docs
 * come oldest first: the memory then follows the stories of the last weeks,
 * not the whole history. A doc dated before t given afterwards may find
 * fewer stories. */
void story_forget_before(struct story_index *ix, time_t t);

/* SimHash of a set of shingle hashes. */
uint64_t story_simhash(const uint64_t *shingles, size_t n);

#endif
