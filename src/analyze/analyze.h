/*
 * analyze.h - turns stored items into events: the pipeline's fourth step.
 *
 * An analyzer holds what every run needs (the entity dictionary, the
 * guides, a stemmer). analyze_run() reads the items that have no event yet
 * or changed since their analysis (all of them with rebuild), and for each
 * finds entities, kind, guides and terms; clusters every event into
 * stories; scores and summarises the new events and the old ones whose
 * story changed; then updates related-event lists incrementally (or builds
 * them all on rebuild). Everything is written in one transaction, so a
 * kill leaves the previous analysis intact.
 */
#ifndef ALMANAC_ANALYZE_H
#define ALMANAC_ANALYZE_H

#include <time.h>

struct store;
struct analyzer;

/* root holds data/entities.tsv and guides/. Errors go to err. */
int analyzer_open(const char *root, struct analyzer **out, char *err, size_t errlen);
void analyzer_close(struct analyzer *a);

struct analyze_stats {
    int analyzed;          /* events written (new, changed, or re-scored) */
    int fresh;             /* of which new or changed items */
    int stories;           /* stories in all */
    int related_lists;     /* related lists written */
    double seconds;
};

int analyze_run(struct analyzer *a, struct store *st, int rebuild, time_t now,
                struct analyze_stats *stats, char *err, size_t errlen);

#endif
