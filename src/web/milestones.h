/*
 * milestones.h - a guide's milestones: the dated storyline the thread
 * guides show (and every guide's page and API answer), drawn by rule from
 * the events that joined the guide at the last analysis.
 *
 * The rule: of the guide's events scoring at least MILESTONE_SCORE (its
 * MILESTONE_SCAN best, by score), the best of each story: its highest
 * score, the earliest report at that score; at most one per story. When
 * fewer than MILESTONE_FEW stories qualify, events scoring
 * MILESTONE_SCORE_LOW count too. The MILESTONE_MAX best of those (score,
 * then earliest) are kept and listed oldest first, so the page reads as a
 * storyline and a new event that joins the guide at the next analysis
 * appears in its place.
 */
#ifndef ALMANAC_WEB_MILESTONES_H
#define ALMANAC_WEB_MILESTONES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

#define MILESTONE_SCORE 6
#define MILESTONE_SCORE_LOW 5
#define MILESTONE_FEW 8
#define MILESTONE_MAX 40
#define MILESTONE_SCAN 500     /* events read, best score first */
#define MILESTONE_LINE 240      /* bytes of the one line, at most */

struct milestone {
    int64_t id, story;
    int score, tier;
    time_t published;
    char *title, *url, *source_slug, *source_name;   /* never NULL */
    char *line;                 /* the summary's first sentence, never NULL */
};

struct milestones {
    struct milestone *v;        /* oldest first */
    size_t n;
};

/* The milestones of the guide slug; an unknown slug or a guide with no
 * events has none. Returns the store's result. */
int milestones_load(struct store *st, const char *slug, struct milestones *out);
void milestones_fini(struct milestones *m);

/* The first sentence of s (a malloc'd string of at most MILESTONE_LINE
 * bytes, cut at a space with "…" when longer; "" for NULL). A sentence
 * ends at ". ", "! " or "? " before a capital letter or a digit, so
 * "U.S. export controls" stays whole. */
char *milestone_line(const char *s);

#endif
