/*
 * entity_view.h - what the entity page and its API share: everything one
 * entity's page shows, read from the store in one place before anything is
 * written (entity_gather), and the description generated from the
 * dictionary's fields and the entity's events.
 */
#ifndef ALMANAC_WEB_ENTITY_VIEW_H
#define ALMANAC_WEB_ENTITY_VIEW_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/render.h"

#define ENTITY_CHART_WEEKS 26
#define ENTITY_NEIGHBOURS 12
#define ENTITY_GUIDES 8
#define ENTITY_FAMILY_MAX 40
/* What store_entity_neighbours() and store_entity_guides() count over. */
#define ENTITY_RECENT 2000
#define ENTITY_RECENT_TEXT "2,000"

struct entity_kind_name {
    const char *kind, *one, *plural;   /* "lab", "an AI lab", "labs" */
};
extern const struct entity_kind_name entity_view_kinds[];
extern const size_t entity_view_nkinds;
/* 1 when kind is one of the dictionary's kinds. */
int entity_view_known_kind(const char *kind);

struct entity_page {
    struct entity_info e;
    /* Its model family by first event (nfamily 0: none), and where it is. */
    char *family_name;
    struct entity_info family[ENTITY_FAMILY_MAX];
    int nfamily, self_index;
    struct {
        char *slug, *name, *kind;      /* slug NULL: not in the dictionary */
        int64_t n;
    } nb[ENTITY_NEIGHBOURS];
    int nnb;
    struct {
        char *slug, *title;
        int64_t n;
    } gd[ENTITY_GUIDES];
    int ngd;
    /* Weekly events up to its newest event's week (or this week). */
    time_t first_week;
    int counts[ENTITY_CHART_WEEKS];
    char chart_caption[96];
    /* The timeline: the filter's events, their pages. */
    int64_t total, pages;
    struct buf rows;                   /* for the caller's row function */
};

/*
 * Reads the entity of slug and everything its page shows; the timeline's
 * events of f's page (limit a page) go to row(e, arg) (row NULL: the
 * timeline is counted, not read). ALM_ENOTFOUND when
 * there is no such entity or it has no events.
 */
int entity_gather(struct store *st, const char *slug, const struct web_filter *f, time_t now,
                  int limit, int (*row)(const struct event *e, void *arg), void *arg,
                  struct entity_page *p);
void entity_page_free(struct entity_page *p);

/* "Claude 3.5 Sonnet is an AI model of the Claude family, also called …;
 * named in 42 events from March 2024 to June 2025, most often with
 * Anthropic, …" (plain text). */
void entity_view_describe(struct buf *b, const struct entity_page *p);

#endif
