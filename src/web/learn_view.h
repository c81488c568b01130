/*
 * learn_view.h - a learning path as its page and the API show it: each
 * step with why it comes there and a reading time computed from the page
 * it leads to (a guide's summary and text; an entity's description and the
 * titles and summaries of its newest 10 events, what its first screen
 * gives to read), at 230 words a minute.
 */
#ifndef ALMANAC_WEB_LEARN_VIEW_H
#define ALMANAC_WEB_LEARN_VIEW_H

#include <stdint.h>

#include "store/store_web.h"

#define PATH_MAX_STEPS 40

struct step {
    int entity;                 /* 0: guide */
    char *slug, *why;
    char *title;                /* NULL: the page is gone */
    char *kind;                 /* an entity's kind */
    int64_t words;
    int minutes;
};

struct path_view {
    struct path_info p;
    struct step steps[PATH_MAX_STEPS];
    int n, minutes;
};

/* Takes p (its strings move into v, p is left empty) and reads every step. */
int learn_path_gather(struct store *st, struct path_info *p, struct path_view *v);
void learn_path_fini(struct path_view *v);

/* Every path in the file's order, each read as learn_path_gather() does. */
struct learn_paths {
    struct path_view *v;
    int n, cap;
};
int learn_gather_all(struct store *st, struct learn_paths *ps);
void learn_paths_fini(struct learn_paths *ps);

#endif
