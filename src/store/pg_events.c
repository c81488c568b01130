/*
 * pg_events.c - the PostgreSQL backend's half of store.h that keeps
 * events: scores, kinds, summaries, stories, entities, guides and related
 * lists. The SQL of events.c, ported: the same rows in the same order.
 *
 * Text is ordered by bytes (COLLATE "C"), as SQLite's BINARY collation
 * orders it, whatever the database's locale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/pg_internal.h"
#include "store/pg_q.h"
#include "store/store.h"

#define ITEM_SELECT "SELECT " PG_ITEM_COLS

int
pg_items_to_analyze(struct store *st, int rebuild,
                    int (*fn)(const struct item *it, const char *hash, void *arg), void *arg)
{
    /* The version analysed is the feed entry's hash, and the article's when
     * one was extracted: a new article makes the event be analysed again. */
    static const char sql[] =
        ITEM_SELECT ", i.content_hash || coalesce('+' || a.hash, ''), i.article_text"
        " FROM items i JOIN sources s ON s.id = i.source_id"
        " LEFT JOIN events e ON e.id = i.id"
        " LEFT JOIN articles a ON a.item_id = i.id AND a.ok::int = 1"
        " AND i.article_text IS NOT NULL"
        " WHERE $1 <> 0 OR e.id IS NULL"
        " OR e.content_hash <> i.content_hash || coalesce('+' || a.hash, '')"
        " ORDER BY i.published, i.id";
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    pgq_init(&a);
    pgq_int(&a, 1, rebuild);
    if ((r = pgq_run(st, sql, &a, 0, &rc)) == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct item it;
        int stop;
        pg_item_read(r, row, &it);
        it.article_text = pg_col_str(r, row, PG_ITEM_NCOLS + 1);
        stop = fn(&it, pg_col_text(r, row, PG_ITEM_NCOLS), arg);
        item_fini(&it);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

static const char event_upsert[] =
    "INSERT INTO events (id, score, kind, summary, story_id, reasons, terms,"
    " content_hash, analyzed, simhash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
    " $9, $10) ON CONFLICT (id) DO UPDATE SET score = EXCLUDED.score, kind = EXCLUDED.kind,"
    " summary = EXCLUDED.summary, story_id = EXCLUDED.story_id, reasons = EXCLUDED.reasons,"
    " terms = EXCLUDED.terms, content_hash = EXCLUDED.content_hash,"
    " analyzed = EXCLUDED.analyzed, simhash = EXCLUDED.simhash";
static const char event_rescore[] =
    "UPDATE events SET score = $2, kind = $3, summary = $4, story_id = $5,"
    " reasons = $6, terms = $7, analyzed = $9, simhash = $10 WHERE id = $1"
    " AND $8::text IS NULL";
static const char entity_insert[] =
    "INSERT INTO event_entities (event_id, name, kind, mentions, in_title, published)"
    " VALUES ($1, $2, $3, $4, $5, (SELECT published FROM items WHERE id = $1))"
    " ON CONFLICT DO NOTHING";
static const char guide_insert[] =
    "INSERT INTO event_guides (event_id, slug, weight) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING";
static const char candidate_insert[] =
    "INSERT INTO candidates (event_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char related_insert[] =
    "INSERT INTO related (event_id, rank, related_id, weight) VALUES ($1, $2, $3, $4)";
static const char story_upsert[] =
    "INSERT INTO stories (id, first_event, events, sources, tiers, first_seen, last_seen)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET"
    " first_event = EXCLUDED.first_event, events = EXCLUDED.events,"
    " sources = EXCLUDED.sources, tiers = EXCLUDED.tiers,"
    " first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen";
static const char guide_upsert[] =
    "INSERT INTO guides (slug, title, summary, body) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary,"
    " body = EXCLUDED.body";
/* What an event's own rows are cleared with before they are written again. */
static const char *const event_rows_clear[] = {
    "DELETE FROM event_entities WHERE event_id = $1",
    "DELETE FROM event_guides WHERE event_id = $1",
    "DELETE FROM candidates WHERE event_id = $1",
    "DELETE FROM related WHERE event_id = $1",
};

/* Runs one of event_rows_clear for an event. */
static int
clear_rows(struct store *st, size_t which, int64_t id)
{
    struct pgq_args a;

    pgq_init(&a);
    pgq_int(&a, 1, id);
    return pgq_exec(st, event_rows_clear[which], &a);
}

int
pg_put_event(struct store *st, const struct event_rec *ev, time_t now)
{
    /* An upsert, not a replace: a replace would delete the row and, by
     * cascade, the event's related list, which is kept apart. An old event
     * analysed again keeps its content hash (and must exist). */
    struct pgq_args a;
    int rc;

    pgq_init(&a);
    pgq_int(&a, 1, ev->id);
    pgq_int(&a, 2, ev->score);
    pgq_text(&a, 3, ev->kind);
    pgq_text(&a, 4, ev->summary);
    pgq_int(&a, 5, ev->story_id);
    pgq_text(&a, 6, ev->reasons_json);
    pgq_bytea(&a, 7, ev->terms, ev->nterms * sizeof(uint64_t));
    pgq_text(&a, 8, ev->content_hash);
    pgq_int(&a, 9, (int64_t)now);
    pgq_int(&a, 10, (int64_t)ev->simhash);
    if ((rc = pgq_exec(st, ev->content_hash ? event_upsert : event_rescore, &a)) != ALM_OK)
        return rc;
    for (size_t i = 0; i < 3; i++) /* entities, guides, candidates */
        if ((rc = clear_rows(st, i, ev->id)) != ALM_OK)
            return rc;
    for (size_t i = 0; i < ev->nentities; i++) {
        pgq_init(&a);
        pgq_int(&a, 1, ev->id);
        pgq_text(&a, 2, ev->entities[i].name);
        pgq_text(&a, 3, ev->entities[i].kind);
        pgq_int(&a, 4, ev->entities[i].mentions);
        pgq_int(&a, 5, ev->entities[i].in_title);
        if ((rc = pgq_exec(st, entity_insert, &a)) != ALM_OK)
            return rc;
    }
    for (size_t i = 0; i < ev->nguides; i++) {
        pgq_init(&a);
        pgq_int(&a, 1, ev->id);
        pgq_text(&a, 2, ev->guides[i].slug);
        pgq_real(&a, 3, ev->guides[i].weight);
        if ((rc = pgq_exec(st, guide_insert, &a)) != ALM_OK)
            return rc;
    }
    for (size_t i = 0; i < ev->ncandidates; i++) {
        pgq_init(&a);
        pgq_int(&a, 1, ev->id);
        pgq_text(&a, 2, ev->candidates[i]);
        if ((rc = pgq_exec(st, candidate_insert, &a)) != ALM_OK)
            return rc;
    }
    return ALM_OK;
}

int
pg_put_related(struct store *st, int64_t id, const int64_t *ids, const double *weights,
               size_t n)
{
    struct pgq_args a;
    int rc;

    if ((rc = clear_rows(st, 3, id)) != ALM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        pgq_init(&a);
        pgq_int(&a, 1, id);
        pgq_int(&a, 2, (int64_t)i);
        pgq_int(&a, 3, ids[i]);
        pgq_real(&a, 4, weights[i]);
        if ((rc = pgq_exec(st, related_insert, &a)) != ALM_OK)
            return rc;
    }
    return ALM_OK;
}

int
pg_put_story(struct store *st, int64_t story_id, int64_t first_event, int events, int sources,
             int tiers_mask, time_t first_seen, time_t last_seen)
{
    struct pgq_args a;

    pgq_init(&a);
    pgq_int(&a, 1, story_id);
    pgq_int(&a, 2, first_event);
    pgq_int(&a, 3, events);
    pgq_int(&a, 4, sources);
    pgq_int(&a, 5, tiers_mask);
    pgq_int(&a, 6, (int64_t)first_seen);
    pgq_int(&a, 7, (int64_t)last_seen);
    return pgq_exec(st, story_upsert, &a);
}

int
pg_prune_stories(struct store *st)
{
    return pgq_exec(st, "DELETE FROM stories WHERE id NOT IN"
                        " (SELECT story_id FROM events WHERE story_id IS NOT NULL)", NULL);
}

int
pg_put_guide(struct store *st, const char *slug, const char *title, const char *summary,
             const char *body)
{
    struct pgq_args a;

    pgq_init(&a);
    pgq_text(&a, 1, slug);
    pgq_text(&a, 2, title);
    pgq_text(&a, 3, summary);
    pgq_text(&a, 4, body);
    return pgq_exec(st, guide_upsert, &a);
}

int
pg_event_index(struct store *st, int (*fn)(const struct event_index_row *r, void *arg),
               void *arg)
{
    /* The lists are in key order, as SQLite's group_concat reads them from
     * the tables' primary keys (event_id, name) and (event_id, slug). */
    static const char sql[] =
        "SELECT e.id, e.story_id, i.source_id, so.tier, e.score, i.published, e.terms,"
        " (SELECT string_agg(name, E'\\n' ORDER BY name COLLATE \"C\") FROM event_entities"
        "   WHERE event_id = e.id),"
        " (SELECT string_agg(slug, E'\\n' ORDER BY slug COLLATE \"C\") FROM event_guides"
        "   WHERE event_id = e.id),"
        " coalesce(so.author, so.name), e.kind, e.simhash, i.title"
        " FROM events e JOIN items i ON i.id = e.id JOIN sources so ON so.id = i.source_id"
        " ORDER BY i.published, e.id";
    PGresult *r;
    int rc, n;

    if ((r = pgq_run(st, sql, NULL, 0, &rc)) == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        unsigned char *terms = NULL;
        size_t tlen = 0;
        int stop;
        if (!PQgetisnull(r, row, 6))
            terms = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 6), &tlen);
        struct event_index_row ir = {
            .id = pg_col_i64(r, row, 0),
            .story_id = pg_col_i64(r, row, 1),
            .source_id = pg_col_i64(r, row, 2),
            .tier = (int)pg_col_i64(r, row, 3),
            .score = (int)pg_col_i64(r, row, 4),
            .published = (time_t)pg_col_i64(r, row, 5),
            .terms = tlen ? (const uint64_t *)(const void *)terms : NULL,
            .nterms = tlen / sizeof(uint64_t),
            .entities = pg_col_text(r, row, 7),
            .guides = pg_col_text(r, row, 8),
            .org = pg_col_text(r, row, 9),
            .kind = pg_col_text(r, row, 10),
            .simhash = (uint64_t)pg_col_i64(r, row, 11),
            .title = pg_col_text(r, row, 12),
        };
        stop = fn(&ir, arg);
        if (terms)
            PQfreemem(terms);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

/* The columns of an event after the item's (18..23); pg_web.c adds
 * e.analyzed. */
#define EVENT_SELECT \
    ITEM_SELECT ", e.score, e.kind, e.summary, e.reasons, e.story_id," \
    " (SELECT string_agg(slug, E'\\n' ORDER BY weight DESC, slug COLLATE \"C\")" \
    "   FROM event_guides WHERE event_id = e.id)"

static void
event_read(const PGresult *r, int row, struct event *e)
{
    memset(e, 0, sizeof(*e));
    pg_item_read(r, row, &e->item);
    e->score = (int)pg_col_i64(r, row, 18);
    e->kind = pg_col_str(r, row, 19);
    e->summary = pg_col_str(r, row, 20);
    e->reasons = pg_col_str(r, row, 21);
    e->story_id = pg_col_i64(r, row, 22);
    e->guides = pg_col_str(r, row, 23);
    e->weight = 0;
}

int
pg_get_event(struct store *st, int64_t id, struct event *out)
{
    struct pgq_args a;
    PGresult *r;
    int rc;

    pgq_init(&a);
    pgq_int(&a, 1, id);
    r = pgq_run(st, EVENT_SELECT " FROM events e JOIN items i ON i.id = e.id"
                    " JOIN sources s ON s.id = i.source_id WHERE e.id = $1", &a, 0, &rc);
    if (r == NULL)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    event_read(r, 0, out);
    PQclear(r);
    return ALM_OK;
}

int
pg_related_events(struct store *st, int64_t id, int (*fn)(const struct event *e, void *arg),
                  void *arg)
{
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    pgq_init(&a);
    pgq_int(&a, 1, id);
    r = pgq_run(st, EVENT_SELECT ", r.weight FROM related r"
                    " JOIN events e ON e.id = r.related_id"
                    " JOIN items i ON i.id = e.id JOIN sources s ON s.id = i.source_id"
                    " WHERE r.event_id = $1 ORDER BY r.rank", &a, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct event e;
        int stop;
        event_read(r, row, &e);
        e.weight = pg_col_f64(r, row, 24);
        stop = fn(&e, arg);
        event_fini(&e);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

int
pg_event_entities(struct store *st, int64_t id,
                  int (*fn)(const char *name, const char *kind, int mentions, void *arg),
                  void *arg)
{
    struct pgq_args a;
    PGresult *r;
    int rc, n;

    pgq_init(&a);
    pgq_int(&a, 1, id);
    r = pgq_run(st, "SELECT name, kind, mentions FROM event_entities WHERE event_id = $1"
                    " ORDER BY in_title DESC, mentions DESC, name COLLATE \"C\"", &a, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++)
        if (fn(pg_col_text(r, row, 0), pg_col_text(r, row, 1), (int)pg_col_i64(r, row, 2), arg))
            break;
    PQclear(r);
    return ALM_OK;
}

int
pg_count_events(struct store *st, int64_t *out)
{
    return pgq_count(st, "SELECT count(*) FROM events", out);
}
