/*
 * story_view.h - what the story page and its API share: a story's reports
 * read oldest first before anything is written (story_gather), each
 * source's first appearance with what its summary adds (names and figures
 * no earlier report had), and coverage by tier over time.
 */
#ifndef ALMANAC_WEB_STORY_VIEW_H
#define ALMANAC_WEB_STORY_VIEW_H

#include <stdint.h>
#include <time.h>

#include "store/store_web.h"

#define STORY_VIEW_MAX 200     /* reports read */
#define STORY_VIEW_BUCKETS 14  /* columns of the coverage chart */
#define STORY_VIEW_ADDS 6      /* new words shown per report */

struct story_report {
    struct event e;            /* owned */
    int first_of_source;       /* this source's first report in the story */
    char *adds;                /* ", "-separated new names and figures, or NULL */
};

struct story_view {
    struct story_row s;
    struct story_report *r;    /* oldest first */
    int n;
    int truncated;             /* the story has more reports than were read */
    int nsources, tiers[4];    /* distinct sources seen; sources by tier */
    /* Sources new in each bucket, by tier (1..3; 0: other). */
    time_t bucket0;
    int bucket_secs, nbuckets;
    int added[STORY_VIEW_BUCKETS][4];
};

/* ALM_ENOTFOUND when there is no story with this id. */
int story_gather(struct store *st, int64_t id, struct story_view *v);
void story_view_fini(struct story_view *v);

/* Words of text (names, figures) that none of the n earlier texts has nor
 * exclude (the source's own name, which the summary's context sentence
 * gives), at most max, ", "-separated (malloc'd), or NULL when none. */
char *story_view_adds(const char *text, const char *const *earlier, int n, const char *exclude,
                      int max);

#endif
