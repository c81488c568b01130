/*
 * pg_map.c - the PostgreSQL backend's queries for the almanac's map: the
 * entity dictionary as the web shows it, an entity's counts, neighbours,
 * guides and model family, learning paths and stories. The SQL of
 * map_queries.c, ported: the same rows in the same order.
 *
 * Where SQLite's order leaves a tie to its index (a LIMIT 1 over entities
 * of one name reads the lowest slug; an entity's newest events walk
 * (name, date) and then the event id downwards), the order is written out.
 * Text is ordered by bytes (COLLATE "C"); SQLite's ASCII-only lower() and
 * NOCASE are lower() of the "C" collation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/pg_internal.h"
#include "store/pg_q.h"
#include "store/store.h"
#include "store/store_web.h"

#define C " COLLATE \"C\""

int
pg_put_entity(struct store *st, const char *slug, const char *name, const char *kind,
              const char *const *aliases, size_t naliases, int salience,
              const char *description, int rank)
{
    struct pgq_args a;
    char *joined = col_join(aliases, naliases, '|');
    int rc;

    pgq_init(&a);
    pgq_text(&a, 1, slug);
    pgq_text(&a, 2, name);
    pgq_text(&a, 3, kind);
    pgq_text(&a, 4, joined);
    pgq_int(&a, 5, salience);
    pgq_text(&a, 6, description);
    pgq_int(&a, 7, rank);
    rc = pgq_exec(st, "INSERT INTO entities (slug, name, kind, aliases, salience,"
                      " description, rank) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                      " ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,"
                      " kind = EXCLUDED.kind, aliases = EXCLUDED.aliases,"
                      " salience = EXCLUDED.salience, description = EXCLUDED.description,"
                      " rank = EXCLUDED.rank", &a);
    free(joined);
    return rc;
}

int
pg_count_entities(struct store *st, int64_t *out)
{
    return pgq_count(st, "SELECT count(*) FROM entities", out);
}

#define ENTITY_COLS \
    "en.slug, en.name, en.kind, en.aliases, en.description, en.salience," \
    " (SELECT count(*) FROM event_entities ee WHERE ee.name = en.name) AS nev"

static void
read_entity(const PGresult *r, int row, struct entity_info *e)
{
    memset(e, 0, sizeof(*e));
    e->slug = pg_col_str(r, row, 0);
    e->name = pg_col_str(r, row, 1);
    e->kind = pg_col_str(r, row, 2);
    col_split(pg_col_text(r, row, 3), '|', &e->aliases);
    e->description = pg_col_str(r, row, 4);
    e->salience = (int)pg_col_i64(r, row, 5);
    e->events = pg_col_i64(r, row, 6);
}

/* Runs sql and calls fn for each entity row; dates from columns 7 and 8
 * when dated. */
static int
each_entity(struct store *st, const char *sql, const struct pgq_args *a, int dated,
            int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    PGresult *r;
    int rc, n;

    if ((r = pgq_run(st, sql, a, 0, &rc)) == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct entity_info e;
        int stop;
        read_entity(r, row, &e);
        if (dated) {
            e.first = (time_t)pg_col_i64(r, row, 7);
            e.last = (time_t)pg_col_i64(r, row, 8);
        }
        stop = fn(&e, arg);
        entity_info_fini(&e);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

int
pg_list_entities(struct store *st, int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    return each_entity(st,
        "SELECT en.slug, en.name, en.kind, en.aliases, en.description, en.salience, c.n,"
        " c.d0, c.d1"
        " FROM (SELECT name, count(*) AS n, min(published) AS d0, max(published) AS d1"
        "  FROM event_entities GROUP BY name) c"
        " JOIN entities en ON en.name = c.name"
        " ORDER BY c.n DESC, lower(en.name" C ")" C ", en.slug" C, NULL, 1, fn, arg);
}

#define ENTITY_DATES \
    ", (SELECT min(published) FROM event_entities WHERE name = en.name) AS d0," \
    " (SELECT max(published) FROM event_entities WHERE name = en.name) AS d1"

/* What an entity goes with is counted over its newest events. */
#define RECENT_EVENTS "2000"

static int
get_one(struct store *st, const char *where, const char *key, struct entity_info *out)
{
    char sql[1024];
    struct pgq_args a;
    PGresult *r;
    int rc;

    snprintf(sql, sizeof(sql), "SELECT " ENTITY_COLS ENTITY_DATES " FROM entities en WHERE %s",
             where);
    pgq_init(&a);
    pgq_text(&a, 1, key);
    if ((r = pgq_run(st, sql, &a, 0, &rc)) == NULL)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    read_entity(r, 0, out);
    out->first = (time_t)pg_col_i64(r, 0, 7);
    out->last = (time_t)pg_col_i64(r, 0, 8);
    PQclear(r);
    return ALM_OK;
}

int
pg_get_entity(struct store *st, const char *slug, struct entity_info *out)
{
    return get_one(st, "en.slug = $1", slug, out);
}

int
pg_get_entity_by_name(struct store *st, const char *name, struct entity_info *out)
{
    return get_one(st, "en.name = $1 ORDER BY en.slug" C " LIMIT 1", name, out);
}

int
pg_entity_slug(struct store *st, const char *name, char **slug)
{
    struct pgq_args a;
    PGresult *r;
    int rc;

    *slug = NULL;
    pgq_init(&a);
    pgq_text(&a, 1, name);
    r = pgq_run(st, "SELECT slug FROM entities WHERE name = $1 ORDER BY slug" C " LIMIT 1", &a,
                0, &rc);
    if (r == NULL)
        return rc;
    if (PQntuples(r) > 0)
        *slug = pg_col_str(r, 0, 0);
    PQclear(r);
    return *slug ? ALM_OK : ALM_ENOTFOUND;
}

int
pg_entity_neighbours(struct store *st, const char *name, int limit,
                     int (*fn)(const char *slug, const char *name, const char *kind,
                               int64_t together, void *arg),
                     void *arg)
{
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    pgq_init(&a);
    pgq_text(&a, 1, name);
    pgq_int(&a, 2, limit);
    r = pgq_run(st,
        "WITH a AS (SELECT event_id FROM event_entities WHERE name = $1"
        "  ORDER BY published DESC, event_id DESC LIMIT " RECENT_EVENTS ")"
        " SELECT (SELECT slug FROM entities en WHERE en.name = b.name ORDER BY en.slug" C
        "  LIMIT 1), b.name, max(b.kind), count(*) AS n FROM a"
        " JOIN event_entities b ON b.event_id = a.event_id AND b.name <> $1"
        " GROUP BY b.name ORDER BY n DESC, b.name" C " LIMIT $2", &a, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++)
        if (fn(pg_col_text(r, row, 0), pg_col_text(r, row, 1), pg_col_text(r, row, 2),
               pg_col_i64(r, row, 3), arg))
            break;
    PQclear(r);
    return ALM_OK;
}

int
pg_entity_guides(struct store *st, const char *name, int limit,
                 int (*fn)(const char *slug, const char *title, int64_t events, void *arg),
                 void *arg)
{
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    pgq_init(&a);
    pgq_text(&a, 1, name);
    pgq_int(&a, 2, limit);
    r = pgq_run(st,
        "WITH a AS (SELECT event_id FROM event_entities WHERE name = $1"
        "  ORDER BY published DESC, event_id DESC LIMIT " RECENT_EVENTS ")"
        " SELECT g.slug, gu.title, count(*) AS n FROM a"
        " JOIN event_guides g ON g.event_id = a.event_id"
        " JOIN guides gu ON gu.slug = g.slug"
        " GROUP BY g.slug, gu.title ORDER BY n DESC, g.slug" C " LIMIT $2", &a, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++)
        if (fn(pg_col_text(r, row, 0), pg_col_text(r, row, 1), pg_col_i64(r, row, 2), arg))
            break;
    PQclear(r);
    return ALM_OK;
}

int
pg_entity_family(struct store *st, const char *family,
                 int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    struct pgq_args a;

    pgq_init(&a);
    pgq_text(&a, 1, family);
    return each_entity(st, "SELECT * FROM (SELECT " ENTITY_COLS ENTITY_DATES
                           ", en.rank AS rank FROM entities en WHERE en.kind = 'model'"
                           " AND (en.name = $1 OR substr(en.name, 1, length($1) + 1)"
                           "  IN ($1 || ' ', $1 || '-'))) f"
                           " WHERE nev > 0 ORDER BY rank, name" C ", slug" C, &a, 1, fn, arg);
}

int
pg_find_entities(struct store *st, const char *q, int limit,
                 int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    struct pgq_args a;

    pgq_init(&a);
    pgq_text(&a, 1, q);
    pgq_int(&a, 2, limit);
    /* The count is a LATERAL subquery of the entities that match: as a
     * column tested in an outer WHERE it was run twice per entity. */
    return each_entity(st,
        "SELECT en.slug, en.name, en.kind, en.aliases, en.description, en.salience, c.nev"
        " FROM entities en CROSS JOIN LATERAL"
        " (SELECT count(*) AS nev FROM event_entities ee WHERE ee.name = en.name) c"
        " WHERE (lower(en.name" C ") = lower($1" C ")"
        " OR strpos('|' || lower(en.aliases" C ") || '|', '|' || lower($1" C ") || '|') > 0)"
        " AND c.nev > 0 ORDER BY c.nev DESC, en.slug" C " LIMIT $2", &a, 0, fn, arg);
}

int
pg_find_guides(struct store *st, const char *q, int limit,
               int (*fn)(const char *slug, const char *title, const char *summary, void *arg),
               void *arg)
{
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    if (q == NULL || strlen(q) < 3)
        return ALM_OK;
    pgq_init(&a);
    pgq_text(&a, 1, q);
    pgq_int(&a, 2, limit);
    r = pgq_run(st, "SELECT slug, title, summary FROM guides"
                    " WHERE strpos(lower(title" C "), lower($1" C ")) > 0"
                    " ORDER BY lower(title" C ") <> lower($1" C "), length(title), slug" C
                    " LIMIT $2", &a, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++)
        if (fn(pg_col_text(r, row, 0), pg_col_text(r, row, 1), pg_col_text(r, row, 2), arg))
            break;
    PQclear(r);
    return ALM_OK;
}

/* ---- learning paths ---- */

int
pg_clear_paths(struct store *st)
{
    return pgq_exec(st, "DELETE FROM paths", NULL);
}

int
pg_put_path(struct store *st, const char *slug, const char *title, const char *level,
            const char *summary, const struct path_step *steps, size_t nsteps, int rank)
{
    struct pgq_args a;
    char *text = col_steps_text(steps, nsteps);
    int rc;

    pgq_init(&a);
    pgq_text(&a, 1, slug);
    pgq_text(&a, 2, title);
    pgq_text(&a, 3, level);
    pgq_text(&a, 4, summary);
    pgq_text(&a, 5, text);
    pgq_int(&a, 6, rank);
    rc = pgq_exec(st, "INSERT INTO paths (slug, title, level, summary, steps, rank)"
                      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO UPDATE SET"
                      " title = EXCLUDED.title, level = EXCLUDED.level,"
                      " summary = EXCLUDED.summary, steps = EXCLUDED.steps,"
                      " rank = EXCLUDED.rank", &a);
    free(text);
    return rc;
}

static void
read_path(const PGresult *r, int row, struct path_info *p)
{
    memset(p, 0, sizeof(*p));
    p->slug = pg_col_str(r, row, 0);
    p->title = pg_col_str(r, row, 1);
    p->level = pg_col_str(r, row, 2);
    p->summary = pg_col_str(r, row, 3);
    col_steps_read(pg_col_text(r, row, 4), &p->steps, &p->nsteps);
}

int
pg_list_paths(struct store *st, int (*fn)(const struct path_info *p, void *arg), void *arg)
{
    PGresult *r;
    int rc, n;

    r = pgq_run(st, "SELECT slug, title, level, summary, steps FROM paths"
                    " ORDER BY rank, slug" C, NULL, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct path_info p;
        int stop;
        read_path(r, row, &p);
        stop = fn(&p, arg);
        path_info_fini(&p);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

int
pg_get_path(struct store *st, const char *slug, struct path_info *out)
{
    struct pgq_args a;
    PGresult *r;
    int rc;

    pgq_init(&a);
    pgq_text(&a, 1, slug);
    r = pgq_run(st, "SELECT slug, title, level, summary, steps FROM paths WHERE slug = $1", &a,
                0, &rc);
    if (r == NULL)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    read_path(r, 0, out);
    PQclear(r);
    return ALM_OK;
}

int
pg_count_paths(struct store *st, int64_t *out)
{
    return pgq_count(st, "SELECT count(*) FROM paths", out);
}

/* ---- stories ---- */

#define STORY_COLS "id, first_event, events, sources, tiers, first_seen, last_seen"

static void
read_story(const PGresult *r, int row, struct story_row *o)
{
    memset(o, 0, sizeof(*o));
    o->id = pg_col_i64(r, row, 0);
    o->first_event = pg_col_i64(r, row, 1);
    o->events = (int)pg_col_i64(r, row, 2);
    o->sources = (int)pg_col_i64(r, row, 3);
    o->tiers = (int)pg_col_i64(r, row, 4);
    o->first_seen = (time_t)pg_col_i64(r, row, 5);
    o->last_seen = (time_t)pg_col_i64(r, row, 6);
}

int
pg_get_story(struct store *st, int64_t id, struct story_row *out)
{
    struct pgq_args a;
    PGresult *r;
    int rc;

    pgq_init(&a);
    pgq_int(&a, 1, id);
    if ((r = pgq_run(st, "SELECT " STORY_COLS " FROM stories WHERE id = $1", &a, 0, &rc)) ==
        NULL)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    read_story(r, 0, out);
    PQclear(r);
    return ALM_OK;
}

int
pg_list_stories(struct store *st, int min_events, int limit,
                int (*fn)(const struct story_row *s, void *arg), void *arg)
{
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    pgq_init(&a);
    pgq_int(&a, 1, min_events);
    if (limit > 0)
        pgq_int(&a, 2, limit);
    else
        pgq_null_int(&a, 2);
    r = pgq_run(st, "SELECT " STORY_COLS " FROM stories WHERE events >= $1"
                    " ORDER BY last_seen DESC, id DESC LIMIT $2", &a, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct story_row o;
        read_story(r, row, &o);
        if (fn(&o, arg))
            break;
    }
    PQclear(r);
    return ALM_OK;
}
