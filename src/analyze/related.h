/*
 * related.h - the in-memory "related events" index.
 *
 * Each event page shows the events most like it. The index holds, per
 * document, its analysis terms (text_terms() hashes, repeats kept), its
 * entity ids and guide ids and its publication time, and answers "the top k
 * related documents of document X". Everything handed in is copied; the
 * index owns its memory and related_free() releases it. Not thread-safe.
 *
 * Weight of candidate c for query document q, in 0..1:
 *
 *     weight = 0.6 * bm25_norm + 0.2 * jaccard + 0.1 * guides + 0.1 * time
 *
 *   bm25_norm  BM25 (k1 = 1.2, b = 0.75) of c's terms against q's distinct
 *              terms, divided by q's score against itself, capped at 1.
 *              idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)). Terms in more
 *              than max(100, min(N / 10, 5000)) documents are stop-like and
 *              skipped (they would make every query touch most documents).
 *   jaccard    |E(q) & E(c)| / |E(q) | E(c)| over entity ids, 0 if both empty.
 *   guides     shared guides s: 0 when s = 0, else min(1, s / 2).
 *   time       exp(-|published(q) - published(c)| / 30 days); 0 when either
 *              date is unknown (published == 0).
 *
 * Only documents that share at least one scored term with q are candidates;
 * entities, guides and time adjust the weight but never make a candidate on
 * their own. A hit needs weight > threshold (RELATED_THRESHOLD is the
 * default). Lists are best first; equal weights go by smaller id. The
 * weight is not symmetric: bm25_norm is normalized by the query's own score.
 *
 * Corpus statistics. N, document frequencies, the average document length
 * and so which terms are skipped are taken as a snapshot, not live: adding
 * a document would otherwise shift every idf and so every weight, and no
 * incremental update could match a full rebuild. The snapshot is taken the
 * first time the index is queried or built and retaken when the index has
 * grown to twice the size it had then. Terms first seen after the snapshot
 * count as df 0 (never skipped). Between snapshots weights of existing pairs
 * never change, which is what lets related_update_for() touch only the
 * lists the new document enters.
 *
 * Functions that can fail return ALM_OK or a negative ALM_E* (base/err.h).
 */
#ifndef ALMANAC_RELATED_H
#define ALMANAC_RELATED_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RELATED_MAX_K 16        /* longest list */
#define RELATED_THRESHOLD 0.15  /* the default weight a hit must exceed */

/* One document as the caller has it. Every pointer is borrowed. */
struct related_doc {
    int64_t id;
    const uint64_t *terms;     /* term hashes with repeats (tf counts them) */
    size_t nterms;
    const int32_t *entities;   /* entity ids, distinct */
    size_t nentities;
    const int32_t *guides;     /* guide ids, distinct */
    size_t nguides;
    time_t published;          /* 0 when unknown */
};

struct related_hit {
    int64_t id;
    double weight;             /* 0..1, see the formula above */
};

/* Called once per reported list; hits are borrowed for the call only. */
typedef void related_fn(int64_t id, const struct related_hit *hits, size_t n, void *arg);

struct related_index;

struct related_index *related_new(void);
void related_free(struct related_index *ix);

/*
 * Adds a document (copying what it needs). ALM_EINVAL when the id is
 * already in the index or d is malformed (NULL arrays with a count),
 * ALM_ETOOBIG past 2^32 - 2 documents. A document without terms is
 * harmless: it is never anyone's candidate and its own list is empty.
 */
int related_add(struct related_index *ix, const struct related_doc *d);

/*
 * related_add() of a document whose list is kept elsewhere, with that
 * list's floor (related_floor; negative when not known) for
 * related_update_new().
 */
int related_add_listed(struct related_index *ix, const struct related_doc *d, double floor);

size_t related_size(const struct related_index *ix);

/*
 * Top k (k is cut to RELATED_MAX_K) related documents of document id with
 * weight > threshold, best first, into out (room for k). Returns how many;
 * 0 when id is not in the index. Computed afresh, not read from the stored
 * lists.
 */
size_t related_query(struct related_index *ix, int64_t id, size_t k, double threshold,
                     struct related_hit *out);

/*
 * Full build: computes the top-k list of every document, keeps them in the
 * index (for related_update_for) and calls fn(id, hits, n, arg) for every
 * document, in the order they were added, including those with n == 0.
 * fn may be NULL. ALM_EINVAL when k is 0 or above RELATED_MAX_K.
 */
int related_build_all(struct related_index *ix, size_t k, double threshold, related_fn *fn,
                      void *arg);

/*
 * Incremental update after related_add(new_id): computes the new document's
 * list and inserts it into the kept list of every earlier document it now
 * belongs in, walking only the postings of the new document's terms. Calls
 * fn for each list that changed, always including the new document's, with
 * the list as it now stands. Documents added since the last build or update
 * without an update of their own are handled in the same call (in the order
 * they were added), so the kept lists always equal what related_build_all
 * would give.
 *
 * Full recomputes instead: when there are no kept lists yet or k or
 * threshold differ from theirs, every list is recomputed and fn is called
 * for every document; when the statistics snapshot is retaken (the index has
 * doubled since the last one), every list is recomputed and fn is called for
 * each that differs from the kept one. The latter costs at most one extra
 * full build per doubling. ALM_ENOTFOUND when new_id is not in the index,
 * ALM_EINVAL when k is 0 or above RELATED_MAX_K.
 */
int related_update_for(struct related_index *ix, int64_t new_id, size_t k, double threshold,
                       related_fn *fn, void *arg);

/*
 * The floor of a list fn got: the weight a candidate must beat to enter it,
 * its k-th weight when it is full, else the threshold.
 */
double related_floor(const struct related_hit *hits, size_t n, size_t k, double threshold);

/*
 * Incremental update when the lists are kept outside the index (the store):
 * every document other than ids[0..n) was added with related_add_listed(),
 * with its list's floor when it was last computed, and raw (may be NULL)
 * gives such a list itself (the hits fn got, best first) when it is kept.
 * Computes the list of each of ids and offers each of them to every other
 * document it shares a scored term with. Each document one of them enters
 * (weight above its floor) gets its list: the kept one with them inserted,
 * or, when raw gives none or it names one of ids (a changed document) or a
 * document not in the index, computed afresh. fn gets these lists (the new
 * ones first, in the order of ids, then the others in the order they were
 * added). Nothing is kept in the index.
 *
 * The cost follows the new documents: their postings, and one kept list
 * read per list they enter, not the whole index. New weights are computed
 * against the current statistics snapshot; kept lists and floors against
 * the one they were made with (another N, average length and so idf).
 * Under one snapshot, fn's lists are those related_build_all would give.
 * A document of ids that was in the index before (a changed one) is not
 * taken out of the lists it was in when it no longer belongs there.
 *
 * When a document other than ids has no floor (< 0: a store from before
 * floors were kept) this is related_build_all: every list, fn for each.
 * ALM_ENOTFOUND when an id is not in the index, ALM_EINVAL when k is 0 or
 * above RELATED_MAX_K. *nlisted, when not NULL, gets how many lists were
 * reported besides those of ids.
 */
typedef int related_raw_fn(int64_t id, struct related_hit *out, size_t k, size_t *n, void *arg);

int related_update_new(struct related_index *ix, const int64_t *ids, size_t n, size_t k,
                       double threshold, related_raw_fn *raw, related_fn *fn, void *arg,
                       size_t *nlisted);

#endif
