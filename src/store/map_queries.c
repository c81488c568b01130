/*
 * map_queries.c - the SQLite backend's queries for the almanac's map: the
 * entity dictionary as the web shows it (its table, written by analyze),
 * an entity's counts, neighbours, guides and model family, and stories.
 *
 * An entity's events are found through event_entities_name (name, then
 * the event id the table's key adds): no query here reads every event.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

void
entity_info_fini(struct entity_info *e)
{
    if (e == NULL)
        return;
    free(e->slug);
    free(e->name);
    free(e->kind);
    str_list_fini(&e->aliases);
    free(e->description);
    memset(e, 0, sizeof(*e));
}

static const char entity_upsert[] =
    "INSERT OR REPLACE INTO entities (slug, name, kind, aliases, salience, description, rank)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";

int
sq_put_entity(struct store *st, const char *slug, const char *name, const char *kind,
                 const char *const *aliases, size_t naliases, int salience,
                 const char *description, int rank)
{
    sqlite3_stmt *s = sq_stmt(st, entity_upsert);
    char *joined;
    int rc;

    if (s == NULL)
        return ALM_ESTORE;
    joined = col_join(aliases, naliases, '|');
    sq_bind_text(s, 1, slug);
    sq_bind_text(s, 2, name);
    sq_bind_text(s, 3, kind);
    sq_bind_text(s, 4, joined);
    sqlite3_bind_int(s, 5, salience);
    sq_bind_text(s, 6, description);
    sqlite3_bind_int(s, 7, rank);
    rc = sq_run(st, s);
    free(joined);
    return rc;
}

int
sq_count_entities(struct store *st, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT count(*) FROM entities");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    if ((r = sqlite3_step(s)) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

/* The columns read_entity() reads; the count of events is the covering
 * index's. */
#define ENTITY_COLS \
    "en.slug, en.name, en.kind, en.aliases, en.description, en.salience," \
    " (SELECT count(*) FROM event_entities ee WHERE ee.name = en.name) AS nev"

static void
read_entity(sqlite3_stmt *s, struct entity_info *e)
{
    memset(e, 0, sizeof(*e));
    e->slug = sq_col_str(s, 0);
    e->name = sq_col_str(s, 1);
    e->kind = sq_col_str(s, 2);
    col_split((const char *)sqlite3_column_text(s, 3), '|', &e->aliases);
    e->description = sq_col_str(s, 4);
    e->salience = sqlite3_column_int(s, 5);
    e->events = sqlite3_column_int64(s, 6);
}

/* Runs s (bound) and calls fn for each entity row; dates from columns 7
 * and 8 when dated. */
static int
each_entity(struct store *st, sqlite3_stmt *s, int dated,
            int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    int r;

    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct entity_info e;
        int stop;
        read_entity(s, &e);
        if (dated) {
            e.first = sqlite3_column_int64(s, 7);
            e.last = sqlite3_column_int64(s, 8);
        }
        stop = fn(&e, arg);
        entity_info_fini(&e);
        if (stop)
            break;
    }
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

int
sq_list_entities(struct store *st, int (*fn)(const struct entity_info *e, void *arg),
                    void *arg)
{
    /* One pass over the name index counts every entity. */
    sqlite3_stmt *s = sq_prepare(st,
        "SELECT en.slug, en.name, en.kind, en.aliases, en.description, en.salience, c.n,"
        " c.d0, c.d1"
        " FROM (SELECT name, count(*) AS n, min(published) AS d0, max(published) AS d1"
        "  FROM event_entities GROUP BY name) c"
        " JOIN entities en ON en.name = c.name"
        " ORDER BY c.n DESC, en.name COLLATE NOCASE");

    if (s == NULL)
        return ALM_ESTORE;
    return each_entity(st, s, 1, fn, arg);
}

/* An entity's first and newest event: the two ends of its range of the
 * name index (name, date). */
#define ENTITY_DATES \
    ", (SELECT min(published) FROM event_entities WHERE name = en.name) AS d0," \
    " (SELECT max(published) FROM event_entities WHERE name = en.name) AS d1"

/* What an entity goes with is counted over its newest events: the most
 * named entities have ten thousand, and a page must not read them all. */
#define RECENT_EVENTS "2000"

static int
get_one(struct store *st, const char *where, const char *key, struct entity_info *out)
{
    char sql[1024];
    sqlite3_stmt *s;
    int r;

    snprintf(sql, sizeof(sql), "SELECT " ENTITY_COLS ENTITY_DATES " FROM entities en WHERE %s",
             where);
    if ((s = sq_prepare(st, sql)) == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, key);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        read_entity(s, out);
        out->first = sqlite3_column_int64(s, 7);
        out->last = sqlite3_column_int64(s, 8);
        sqlite3_finalize(s);
        return ALM_OK;
    }
    r = sq_done(st, s, r);
    return r == ALM_OK ? ALM_ENOTFOUND : r;
}

int
sq_get_entity(struct store *st, const char *slug, struct entity_info *out)
{
    return get_one(st, "en.slug = ?1", slug, out);
}

int
sq_get_entity_by_name(struct store *st, const char *name, struct entity_info *out)
{
    return get_one(st, "en.name = ?1 LIMIT 1", name, out);
}

int
sq_entity_slug(struct store *st, const char *name, char **slug)
{
    sqlite3_stmt *s = sq_stmt(st, "SELECT slug FROM entities WHERE name = ? LIMIT 1");
    int r;

    *slug = NULL;
    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, name);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        *slug = sq_col_str(s, 0);
    sqlite3_reset(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return sq_fail(st, ALM_ESTORE);
    return *slug ? ALM_OK : ALM_ENOTFOUND;
}

int
sq_entity_neighbours(struct store *st, const char *name, int limit,
                        int (*fn)(const char *slug, const char *name, const char *kind,
                                  int64_t together, void *arg),
                        void *arg)
{
    sqlite3_stmt *s = sq_prepare(st,
        "WITH a AS (SELECT event_id FROM event_entities WHERE name = ?1"
        "  ORDER BY published DESC LIMIT " RECENT_EVENTS ")"
        " SELECT (SELECT slug FROM entities en WHERE en.name = b.name LIMIT 1), b.name, b.kind,"
        " count(*) AS n FROM a"
        " JOIN event_entities b ON b.event_id = a.event_id AND b.name <> ?1"
        " GROUP BY b.name ORDER BY n DESC, b.name LIMIT ?2");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, name);
    sqlite3_bind_int(s, 2, limit);
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
               (const char *)sqlite3_column_text(s, 2), sqlite3_column_int64(s, 3), arg))
            break;
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

int
sq_entity_guides(struct store *st, const char *name, int limit,
                    int (*fn)(const char *slug, const char *title, int64_t events, void *arg),
                    void *arg)
{
    sqlite3_stmt *s = sq_prepare(st,
        "WITH a AS (SELECT event_id FROM event_entities WHERE name = ?1"
        "  ORDER BY published DESC LIMIT " RECENT_EVENTS ")"
        " SELECT g.slug, gu.title, count(*) AS n FROM a"
        " JOIN event_guides g ON g.event_id = a.event_id"
        " JOIN guides gu ON gu.slug = g.slug"
        " GROUP BY g.slug ORDER BY n DESC, g.slug LIMIT ?2");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, name);
    sqlite3_bind_int(s, 2, limit);
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
               sqlite3_column_int64(s, 2), arg))
            break;
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

int
sq_entity_family(struct store *st, const char *family,
                    int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    /* The dictionary's table is small: its models are read whole. */
    sqlite3_stmt *s = sq_prepare(st, "SELECT * FROM (SELECT " ENTITY_COLS ENTITY_DATES
                                     ", en.rank AS rank FROM entities en WHERE en.kind = 'model'"
                                     " AND (en.name = ?1 OR substr(en.name, 1, length(?1) + 1)"
                                     "  IN (?1 || ' ', ?1 || '-')))"
                                     " WHERE nev > 0 ORDER BY rank, name");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, family);
    return each_entity(st, s, 1, fn, arg);
}

int
sq_find_entities(struct store *st, const char *q, int limit,
                    int (*fn)(const struct entity_info *e, void *arg), void *arg)
{
    /* The dictionary is small (about a thousand rows): read whole. */
    sqlite3_stmt *s = sq_prepare(st,
        "SELECT * FROM (SELECT " ENTITY_COLS " FROM entities en"
        " WHERE lower(en.name) = lower(?1)"
        " OR instr('|' || lower(en.aliases) || '|', '|' || lower(?1) || '|') > 0)"
        " WHERE nev > 0 ORDER BY nev DESC LIMIT ?2");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, q);
    sqlite3_bind_int(s, 2, limit);
    return each_entity(st, s, 0, fn, arg);
}

int
sq_find_guides(struct store *st, const char *q, int limit,
                  int (*fn)(const char *slug, const char *title, const char *summary, void *arg),
                  void *arg)
{
    sqlite3_stmt *s;
    int r;

    if (q == NULL || strlen(q) < 3)
        return ALM_OK;
    s = sq_prepare(st, "SELECT slug, title, summary FROM guides"
                       " WHERE instr(lower(title), lower(?1)) > 0"
                       " ORDER BY lower(title) <> lower(?1), length(title), slug LIMIT ?2");
    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, q);
    sqlite3_bind_int(s, 2, limit);
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
               (const char *)sqlite3_column_text(s, 2), arg))
            break;
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

/* ---- learning paths ---- */

void
path_info_fini(struct path_info *p)
{
    if (p == NULL)
        return;
    free(p->slug);
    free(p->title);
    free(p->level);
    free(p->summary);
    for (size_t i = 0; i < p->nsteps; i++) {
        free(p->steps[i].kind);
        free(p->steps[i].slug);
        free(p->steps[i].why);
    }
    free(p->steps);
    memset(p, 0, sizeof(*p));
}

int
sq_clear_paths(struct store *st)
{
    return sq_exec(st, "DELETE FROM paths");
}

static const char path_insert[] =
    "INSERT OR REPLACE INTO paths (slug, title, level, summary, steps, rank)"
    " VALUES (?, ?, ?, ?, ?, ?)";

int
sq_put_path(struct store *st, const char *slug, const char *title, const char *level,
               const char *summary, const struct path_step *steps, size_t nsteps, int rank)
{
    sqlite3_stmt *s = sq_stmt(st, path_insert);
    char *text;
    int rc;

    if (s == NULL)
        return ALM_ESTORE;
    text = col_steps_text(steps, nsteps);
    sq_bind_text(s, 1, slug);
    sq_bind_text(s, 2, title);
    sq_bind_text(s, 3, level);
    sq_bind_text(s, 4, summary);
    sq_bind_text(s, 5, text);
    sqlite3_bind_int(s, 6, rank);
    rc = sq_run(st, s);
    free(text);
    return rc;
}

static void
read_path(sqlite3_stmt *s, struct path_info *p)
{
    memset(p, 0, sizeof(*p));
    p->slug = sq_col_str(s, 0);
    p->title = sq_col_str(s, 1);
    p->level = sq_col_str(s, 2);
    p->summary = sq_col_str(s, 3);
    col_steps_read((const char *)sqlite3_column_text(s, 4), &p->steps, &p->nsteps);
}

int
sq_list_paths(struct store *st, int (*fn)(const struct path_info *p, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT slug, title, level, summary, steps FROM paths"
                                     " ORDER BY rank, slug");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct path_info p;
        int stop;
        read_path(s, &p);
        stop = fn(&p, arg);
        path_info_fini(&p);
        if (stop)
            break;
    }
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

int
sq_get_path(struct store *st, const char *slug, struct path_info *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT slug, title, level, summary, steps FROM paths"
                                     " WHERE slug = ?");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, slug);
    if ((r = sq_one_row(st, s)) != ALM_OK)
        return r;
    read_path(s, out);
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_count_paths(struct store *st, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT count(*) FROM paths");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    if ((r = sqlite3_step(s)) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

/* ---- stories ---- */

#define STORY_COLS "id, first_event, events, sources, tiers, first_seen, last_seen"

static void
read_story(sqlite3_stmt *s, struct story_row *o)
{
    memset(o, 0, sizeof(*o));
    o->id = sqlite3_column_int64(s, 0);
    o->first_event = sqlite3_column_int64(s, 1);
    o->events = sqlite3_column_int(s, 2);
    o->sources = sqlite3_column_int(s, 3);
    o->tiers = sqlite3_column_int(s, 4);
    o->first_seen = sqlite3_column_int64(s, 5);
    o->last_seen = sqlite3_column_int64(s, 6);
}

int
sq_get_story(struct store *st, int64_t id, struct story_row *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT " STORY_COLS " FROM stories WHERE id = ?");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    if ((r = sq_one_row(st, s)) != ALM_OK)
        return r;
    read_story(s, out);
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_list_stories(struct store *st, int min_events, int limit,
                   int (*fn)(const struct story_row *s, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT " STORY_COLS " FROM stories WHERE events >= ?1"
                                     " ORDER BY last_seen DESC, id DESC LIMIT ?2");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int(s, 1, min_events);
    sqlite3_bind_int(s, 2, limit > 0 ? limit : -1);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct story_row o;
        read_story(s, &o);
        if (fn(&o, arg))
            break;
    }
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}
