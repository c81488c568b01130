/*
 * pg_pending.c - TEMPORARY: the PostgreSQL operations not written yet (the
 * event, web and map queries, which the helper "pg-queries" writes in
 * files of its own). Each answers ALM_ENOTSUP with store_error() "...: not
 * yet on PostgreSQL", so no entry of pg_ops.c's table is ever NULL or
 * silently wrong. Delete this file when those operations land.
 */
#include <stdio.h>

#include "base/err.h"
#include "store/pg_internal.h"

static int
pending(struct store *st, const char *what)
{
    struct pg_store *pg = PG(st);

    snprintf(pg->err, sizeof(pg->err), "%s: not yet on PostgreSQL", what);
    pg->sqlstate[0] = '\0';
    pg->timed_out = 0;
    return ALM_ENOTSUP;
}

int
pg_items_to_analyze(struct store *st, int rebuild, int (*fn)(const struct item *it, const char *hash, void *arg), void *arg)
{
    (void)rebuild;
    (void)fn;
    (void)arg;
    return pending(st, "items_to_analyze");
}

int
pg_put_event(struct store *st, const struct event_rec *ev, time_t now)
{
    (void)ev;
    (void)now;
    return pending(st, "put_event");
}

int
pg_get_related_raw(struct store *st, int64_t id, int64_t *ids, double *weights, size_t cap,
                   size_t *n)
{
    (void)id;
    (void)ids;
    (void)weights;
    (void)cap;
    *n = 0;
    return pending(st, "get_related_raw");
}

int
pg_put_related(struct store *st, int64_t id, const int64_t *ids, const double *weights, size_t n,
               const struct related_raw *raw)
{
    (void)raw;
    (void)id;
    (void)ids;
    (void)weights;
    (void)n;
    return pending(st, "put_related");
}

int
pg_put_story(struct store *st, int64_t story_id, int64_t first_event, int events, int sources, int tiers_mask, time_t first_seen, time_t last_seen)
{
    (void)story_id;
    (void)first_event;
    (void)events;
    (void)sources;
    (void)tiers_mask;
    (void)first_seen;
    (void)last_seen;
    return pending(st, "put_story");
}

int
pg_prune_stories(struct store *st)
{
    return pending(st, "prune_stories");
}

int
pg_put_guide(struct store *st, const char *slug, const char *title, const char *summary, const char *body)
{
    (void)slug;
    (void)title;
    (void)summary;
    (void)body;
    return pending(st, "put_guide");
}

int
pg_event_index(struct store *st, int (*fn)(const struct event_index_row *r, void *arg), void *arg)
{
    (void)fn;
    (void)arg;
    return pending(st, "event_index");
}

int
pg_get_event(struct store *st, int64_t id, struct event *out)
{
    (void)id;
    (void)out;
    return pending(st, "get_event");
}

int
pg_related_events(struct store *st, int64_t id, int (*fn)(const struct event *e, void *arg), void *arg)
{
    (void)id;
    (void)fn;
    (void)arg;
    return pending(st, "related_events");
}

int
pg_event_entities(struct store *st, int64_t id, int (*fn)(const char *name, const char *kind, int mentions, void *arg), void *arg)
{
    (void)id;
    (void)fn;
    (void)arg;
    return pending(st, "event_entities");
}

int
pg_count_events(struct store *st, int64_t *out)
{
    (void)out;
    return pending(st, "count_events");
}

int
pg_put_entity(struct store *st, const char *slug, const char *name, const char *kind, const char *const *aliases, size_t naliases, int salience, const char *description, int rank)
{
    (void)slug;
    (void)name;
    (void)kind;
    (void)aliases;
    (void)naliases;
    (void)salience;
    (void)description;
    (void)rank;
    return pending(st, "put_entity");
}

int
pg_count_entities(struct store *st, int64_t *out)
{
    (void)out;
    return pending(st, "count_entities");
}

int
pg_list_entities(struct store *st, int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    (void)fn;
    (void)arg;
    return pending(st, "list_entities");
}

int
pg_get_entity(struct store *st, const char *slug, struct entity_info *out)
{
    (void)slug;
    (void)out;
    return pending(st, "get_entity");
}

int
pg_get_entity_by_name(struct store *st, const char *name, struct entity_info *out)
{
    (void)name;
    (void)out;
    return pending(st, "get_entity_by_name");
}

int
pg_entity_slug(struct store *st, const char *name, char **slug)
{
    (void)name;
    (void)slug;
    return pending(st, "entity_slug");
}

int
pg_entity_neighbours(struct store *st, const char *name, int limit, int (*fn)(const char *slug, const char *name, const char *kind, int64_t together, void *arg), void *arg)
{
    (void)name;
    (void)limit;
    (void)fn;
    (void)arg;
    return pending(st, "entity_neighbours");
}

int
pg_entity_guides(struct store *st, const char *name, int limit, int (*fn)(const char *slug, const char *title, int64_t events, void *arg), void *arg)
{
    (void)name;
    (void)limit;
    (void)fn;
    (void)arg;
    return pending(st, "entity_guides");
}

int
pg_entity_family(struct store *st, const char *family, int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    (void)family;
    (void)fn;
    (void)arg;
    return pending(st, "entity_family");
}

int
pg_find_entities(struct store *st, const char *q, int limit, int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    (void)q;
    (void)limit;
    (void)fn;
    (void)arg;
    return pending(st, "find_entities");
}

int
pg_find_guides(struct store *st, const char *q, int limit, int (*fn)(const char *slug, const char *title, const char *summary, void *arg), void *arg)
{
    (void)q;
    (void)limit;
    (void)fn;
    (void)arg;
    return pending(st, "find_guides");
}

int
pg_clear_paths(struct store *st)
{
    return pending(st, "clear_paths");
}

int
pg_put_path(struct store *st, const char *slug, const char *title, const char *level, const char *summary, const struct path_step *steps, size_t nsteps, int rank)
{
    (void)slug;
    (void)title;
    (void)level;
    (void)summary;
    (void)steps;
    (void)nsteps;
    (void)rank;
    return pending(st, "put_path");
}

int
pg_list_paths(struct store *st, int (*fn)(const struct path_info *p, void *arg), void *arg)
{
    (void)fn;
    (void)arg;
    return pending(st, "list_paths");
}

int
pg_get_path(struct store *st, const char *slug, struct path_info *out)
{
    (void)slug;
    (void)out;
    return pending(st, "get_path");
}

int
pg_count_paths(struct store *st, int64_t *out)
{
    (void)out;
    return pending(st, "count_paths");
}

int
pg_get_story(struct store *st, int64_t id, struct story_row *out)
{
    (void)id;
    (void)out;
    return pending(st, "get_story");
}

int
pg_list_stories(struct store *st, int min_events, int limit, int (*fn)(const struct story_row *s, void *arg), void *arg)
{
    (void)min_events;
    (void)limit;
    (void)fn;
    (void)arg;
    return pending(st, "list_stories");
}

int
pg_count_matching(struct store *st, const struct event_query *q, int64_t *out)
{
    (void)q;
    (void)out;
    return pending(st, "count_matching");
}

int
pg_events_per_week(struct store *st, const struct event_query *q, time_t first, int nweeks, int *counts)
{
    (void)q;
    (void)first;
    (void)nweeks;
    (void)counts;
    return pending(st, "events_per_week");
}

int
pg_list_events(struct store *st, const struct event_query *q, int (*fn)(const struct event *e, void *arg), void *arg)
{
    (void)q;
    (void)fn;
    (void)arg;
    return pending(st, "list_events");
}

int
pg_search_events(struct store *st, const struct event_query *q, const char *open, const char *close, int (*fn)(const struct event *e, const char *title, const char *snippet, void *arg), void *arg)
{
    (void)q;
    (void)open;
    (void)close;
    (void)fn;
    (void)arg;
    return pending(st, "search_events");
}

int
pg_list_guides(struct store *st, int (*fn)(const struct guide_info *g, void *arg), void *arg)
{
    (void)fn;
    (void)arg;
    return pending(st, "list_guides");
}

int
pg_get_guide(struct store *st, const char *slug, struct guide_info *out)
{
    (void)slug;
    (void)out;
    return pending(st, "get_guide");
}

int
pg_list_source_info(struct store *st, int (*fn)(const struct source_info *s, void *arg), void *arg)
{
    (void)fn;
    (void)arg;
    return pending(st, "list_source_info");
}

int
pg_get_source_info(struct store *st, const char *slug, struct source_info *out)
{
    (void)slug;
    (void)out;
    return pending(st, "get_source_info");
}

int
pg_last_change(struct store *st, time_t *analyzed, time_t *fetched)
{
    (void)analyzed;
    (void)fetched;
    return pending(st, "last_change");
}

int
pg_change_token(struct store *st, struct store_change *out)
{
    (void)out;
    return pending(st, "change_token");
}
