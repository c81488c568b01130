/*
 * pg_web.c - the PostgreSQL backend's queries for the web pages: lists of
 * events and their counts for pagination, events per week, ranked
 * full-text search with snippets, guides and sources with their counts
 * and health, and what tells a reader that the store changed. The SQL of
 * web_queries.c, ported: the same rows in the same order.
 *
 * Lists, counts and searches share one WHERE clause (where_clause()), so a
 * count matches its list. Text is ordered by bytes (COLLATE "C"), as
 * SQLite's BINARY collation orders it; SQLite's NOCASE is lower() of the
 * "C" collation, which folds ASCII letters only, as NOCASE does.
 *
 * Search: the reader's terms (store_web.h's text_query) become a tsquery
 * (pg_tsquery_from(), pg_q.c) and matched against the items' tsvector
 * column; ts_rank_cd weighs a title hit 4 times a hit in the text or the
 * article, a byline hit half (SQLite's bm25 weights, scaled by 1/4: a
 * tsquery weight may not exceed 1), normalized by the log of the length.
 *
 * The change token (pg_change_token): PostgreSQL has no PRAGMA
 * data_version. Every statement that writes a table the web shows sends
 * NOTIFY almanac_changed (a statement trigger, pg.c's schema), which
 * PostgreSQL delivers when the transaction commits; the first call LISTENs
 * on the connection and every later one adds the notifications received
 * since. Like data_version, the number is comparable on one connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/pg_internal.h"
#include "store/pg_q.h"
#include "store/store.h"
#include "store/store_web.h"

/* ---- events ---- */

/* The columns pg_events.c reads, in its order (item 0..17, event 18..23),
 * and when the event was written (24). */
#define EVENT_COLS \
    PG_ITEM_COLS ", e.score, e.kind, e.summary, e.reasons, e.story_id," \
    " (SELECT string_agg(slug, E'\\n' ORDER BY weight DESC, slug COLLATE \"C\")" \
    "   FROM event_guides WHERE event_id = e.id)," \
    " e.analyzed, e.summary_model"
#define EVENT_NCOLS 26

#define TSQUERY "to_tsquery('" PG_TS_CONFIG "', $1)"

/*
 * The WHERE clause of q, with the numbers of web_queries.c: $1 (the
 * tsquery's text) and $2..$9, $14..$16. id: the event's id in the query.
 * PostgreSQL's planner picks the index; only the filters q uses are
 * written.
 */
static void
where_clause(struct buf *sql, const struct event_query *q, const char *id, int entity_drives)
{
    buf_puts(sql, " WHERE true");
    if (q->min_score > 0)
        buf_puts(sql, " AND e.score >= $2");
    if (q->source)
        buf_puts(sql, " AND i.source_id = (SELECT id FROM sources WHERE slug = $3)");
    if (q->kind)
        buf_puts(sql, " AND e.kind = $4");
    if (q->tier)
        buf_puts(sql, " AND i.source_id IN (SELECT id FROM sources WHERE tier = $5)");
    if (q->since)
        buf_puts(sql, " AND i.published >= $6");
    if (q->until)
        buf_puts(sql, " AND i.published < $7");
    if (q->story)
        buf_puts(sql, " AND e.story_id = $8");
    if (q->guide)
        buf_printf(sql, " AND EXISTS (SELECT 1 FROM event_guides g"
                        " WHERE g.event_id = %s AND g.slug = $9)", id);
    if (q->entity && entity_drives)
        buf_puts(sql, " AND ee.name = $14");
    else if (q->entity)
        buf_printf(sql, " AND %s IN (SELECT event_id FROM event_entities WHERE name = $14)", id);
    if (q->text)
        buf_puts(sql, " AND i." PG_FTS_COL " @@ " TSQUERY);
    if (q->sync)
        buf_puts(sql, " AND (e.analyzed > $15 OR (e.analyzed = $15 AND e.id > $16))");
}

/* Whether q filters on a column of events or items. */
static int
on_events(const struct event_query *q)
{
    return q->min_score > 0 || q->kind || q->story || q->text || q->sync;
}

static int
on_items(const struct event_query *q)
{
    return q->source || q->tier || q->since || q->until;
}

/* Whether an entity is q's only filter: its rows hold the event's date. */
static int
entity_only(const struct event_query *q)
{
    return q->entity && !on_events(q) && !on_items(q) && !q->guide;
}

/* Binds what where_clause() wrote; *tsq (the translated search, freed by
 * the caller) is $1. ALM_EINVAL for a malformed search. */
static int
bind_filters(struct pgq_args *a, const struct event_query *q, char **tsq)
{
    *tsq = NULL;
    pgq_init(a);
    if (q->text) {
        if (pg_tsquery_from(q->text, tsq) != ALM_OK)
            return ALM_EINVAL;
        pgq_text(a, 1, *tsq);
    }
    if (q->min_score > 0)
        pgq_int(a, 2, q->min_score);
    if (q->source)
        pgq_text(a, 3, q->source);
    if (q->kind)
        pgq_text(a, 4, q->kind);
    if (q->tier)
        pgq_int(a, 5, q->tier);
    if (q->since)
        pgq_int(a, 6, (int64_t)q->since);
    if (q->until)
        pgq_int(a, 7, (int64_t)q->until);
    if (q->story)
        pgq_int(a, 8, q->story);
    if (q->guide)
        pgq_text(a, 9, q->guide);
    if (q->entity)
        pgq_text(a, 14, q->entity);
    if (q->sync) {
        pgq_int(a, 15, (int64_t)q->changed_since);
        pgq_int(a, 16, q->after_id);
    }
    return ALM_OK;
}

/* Records a malformed search on st (the caller's mistake). */
static int
bad_search(struct store *st)
{
    struct pg_store *pg = (struct pg_store *)(void *)st;

    snprintf(pg->err, sizeof(pg->err), "the search could not be understood");
    return ALM_EINVAL;
}

int
pg_count_matching(struct store *st, const struct event_query *q, int64_t *out)
{
    struct buf sql = BUF_INIT(4096);
    struct pgq_args a;
    char *tsq;
    PGresult *r;
    int rc;

    if (bind_filters(&a, q, &tsq) != ALM_OK)
        return bad_search(st);
    buf_puts(&sql, "SELECT count(*)");
    if (entity_only(q)) {
        buf_puts(&sql, " FROM event_entities ee");
        where_clause(&sql, q, "ee.event_id", 1);
    } else {
        buf_puts(&sql, " FROM events e");
        if (on_items(q) || q->text)
            buf_puts(&sql, " JOIN items i ON i.id = e.id");
        where_clause(&sql, q, "e.id", 0);
    }
    r = pgq_run(st, buf_cstr(&sql), &a, q->text != NULL, &rc);
    buf_fini(&sql);
    free(tsq);
    if (r == NULL)
        return rc;
    *out = pg_col_i64(r, 0, 0);
    PQclear(r);
    return ALM_OK;
}

int
pg_events_per_week(struct store *st, const struct event_query *q, time_t first, int nweeks,
                   int *counts)
{
    struct buf sql = BUF_INIT(4096);
    struct pgq_args a;
    char *tsq;
    PGresult *r;
    int rc, n;

    if (nweeks <= 0)
        return ALM_EINVAL;
    memset(counts, 0, (size_t)nweeks * sizeof(*counts));
    if (bind_filters(&a, q, &tsq) != ALM_OK)
        return bad_search(st);
    if (entity_only(q)) {
        /* The entity's rows hold each event's date: no item is read. */
        buf_puts(&sql, "SELECT (ee.published - $10) / 604800 AS w, count(*)"
                       " FROM event_entities ee");
        where_clause(&sql, q, "ee.event_id", 1);
        buf_puts(&sql, " AND ee.published >= $10 AND ee.published < $11 GROUP BY w");
    } else {
        buf_puts(&sql, "SELECT (i.published - $10) / 604800 AS w, count(*)");
        if (q->guide && !on_events(q))
            buf_puts(&sql, " FROM items i");
        else
            buf_puts(&sql, " FROM items i JOIN events e ON e.id = i.id");
        where_clause(&sql, q, "i.id", 0);
        buf_puts(&sql, " AND i.published >= $10 AND i.published < $11 GROUP BY w");
    }
    pgq_int(&a, 10, (int64_t)first);
    pgq_int(&a, 11, (int64_t)first + (int64_t)nweeks * 604800);
    r = pgq_run(st, buf_cstr(&sql), &a, q->text != NULL, &rc);
    buf_fini(&sql);
    free(tsq);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        int64_t w = pg_col_i64(r, row, 0);
        if (w >= 0 && w < nweeks)
            counts[w] = (int)pg_col_i64(r, row, 1);
    }
    PQclear(r);
    return ALM_OK;
}

/* Reads a row of EVENT_COLS. */
static void
read_event(const PGresult *r, int row, struct event *e)
{
    memset(e, 0, sizeof(*e));
    pg_item_read(r, row, &e->item);
    e->score = (int)pg_col_i64(r, row, 18);
    e->kind = pg_col_str(r, row, 19);
    e->summary = pg_col_str(r, row, 20);
    col_reasons_read(pg_col_text(r, row, 21), &e->reasons, &e->nreasons);
    e->story_id = pg_col_i64(r, row, 22);
    col_split(pg_col_text(r, row, 23), '\n', &e->guides);
    e->analyzed = (time_t)pg_col_i64(r, row, 24);
    e->summary_model = pg_col_str(r, row, 25);
}

/* Binds LIMIT $10 OFFSET $11 (no limit: all). */
static void
bind_page(struct pgq_args *a, const struct event_query *q)
{
    if (q->limit > 0)
        pgq_int(a, 10, q->limit);
    else
        pgq_null_int(a, 10);
    pgq_int(a, 11, q->offset > 0 ? q->offset : 0);
}

int
pg_list_events(struct store *st, const struct event_query *q,
               int (*fn)(const struct event *e, void *arg), void *arg)
{
    struct buf sql = BUF_INIT(8192);
    struct pgq_args a;
    char *tsq;
    PGresult *r;
    int rc, n;

    if (bind_filters(&a, q, &tsq) != ALM_OK)
        return bad_search(st);
    if (q->entity && !q->by_score && !q->text && !q->sync) {
        /* An entity's newest first: its rows by date, as SQLite walks them. */
        buf_puts(&sql, "SELECT " EVENT_COLS " FROM event_entities ee"
                       " JOIN events e ON e.id = ee.event_id JOIN items i ON i.id = e.id"
                       " JOIN sources s ON s.id = i.source_id");
        where_clause(&sql, q, "e.id", 1);
        buf_puts(&sql, " ORDER BY ee.published DESC, ee.event_id DESC");
    } else {
        buf_puts(&sql, "SELECT " EVENT_COLS " FROM events e JOIN items i ON i.id = e.id"
                       " JOIN sources s ON s.id = i.source_id");
        where_clause(&sql, q, "e.id", 0);
        if (q->sync)
            buf_puts(&sql, " ORDER BY e.analyzed, e.id");
        else
            buf_puts(&sql, q->by_score ? " ORDER BY e.score DESC, i.published DESC, i.id DESC"
                                       : " ORDER BY i.published DESC, i.id DESC");
    }
    buf_puts(&sql, " LIMIT $10 OFFSET $11");
    bind_page(&a, q);
    r = pgq_run(st, buf_cstr(&sql), &a, q->text != NULL, &rc);
    buf_fini(&sql);
    free(tsq);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct event e;
        int stop;
        read_event(r, row, &e);
        stop = fn(&e, arg);
        event_fini(&e);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

/* Appends s as a double-quoted value of ts_headline's options ("" for "). */
static void
put_option(struct buf *b, const char *name, const char *s)
{
    buf_printf(b, "%s=\"", name);
    for (; s && *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_puts(b, "\", ");
}

/*
 * The snippet of col (its weight in the search vector: 'b' the text, 'c'
 * the article): the headline of its first SNIPPET_HEAD characters (cut
 * back to a whole word) when they hold a match or when col holds none
 * (a hit on the title only: the headline is then col's first words either
 * way), else of all of it. A headline parses its whole text, which was
 * most of a search's time (30 hits of long texts: 340 of 400 ms); a text
 * of SNIPPET_HEAD or less (nine items in ten) gets the very headline it got
 * before; a longer one the best fragment of its head (where a hit's match
 * mostly is), not of its whole. Whether col matches at all is read from the
 * item's search vector, its lexemes of col's weight (ts_filter), with no
 * parsing. OFFSET 0 keeps each headline a subquery computed once, where
 * PostgreSQL would pull it up into every place that names it.
 */
#define SNIPPET_HEAD "2000"

static void
put_snippet(struct buf *sql, const char *col, char weight)
{
    buf_printf(sql, "(SELECT CASE WHEN length(%s) <= " SNIPPET_HEAD
                    " OR strpos(coalesce(p.p, ''), $13) > 0"
                    " OR NOT (ts_filter(i." PG_FTS_COL ", '{%c}') @@ " TSQUERY ") THEN p.p"
                    " ELSE ts_headline('" PG_TS_CONFIG "', %s, " TSQUERY ", $17) END"
                    " FROM (SELECT ts_headline('" PG_TS_CONFIG "', CASE WHEN length(%s) <= "
                    SNIPPET_HEAD " THEN %s ELSE regexp_replace(left(%s, " SNIPPET_HEAD "),"
                    " '\\s+\\S*$', '') END, " TSQUERY ", $17) AS p OFFSET 0) p)",
               col, weight, col, col, col, col);
}

int
pg_search_events(struct store *st, const struct event_query *q, const char *open,
                 const char *close,
                 int (*fn)(const struct event *e, const char *title, const char *snippet,
                           void *arg),
                 void *arg)
{
    struct buf sql = BUF_INIT(8192), topts = BUF_INIT(1024), sopts = BUF_INIT(1024);
    struct pgq_args a;
    char *tsq;
    PGresult *r;
    int rc, n;

    if (q->text == NULL)
        return ALM_EINVAL;
    if (bind_filters(&a, q, &tsq) != ALM_OK)
        return bad_search(st);
    /* The page of hits is ranked first; only its rows are highlighted (a
     * headline parses the whole text). The title is marked whole; the
     * snippet is the best fragment of about 32 words of the text, or of the
     * linked article's text when only that matched. Weights {D, C, B, A}:
     * byline, article, text, title. $12: the title's headline options,
     * $13: the open marker, $17: the snippet's options. */
    buf_puts(&sql, "WITH hits AS (SELECT e.id, i.published,"
                   " ts_rank_cd('{0.125, 0.25, 0.25, 1.0}', i." PG_FTS_COL ", " TSQUERY ", 1)"
                   " AS rank FROM events e JOIN items i ON i.id = e.id");
    where_clause(&sql, q, "e.id", 0);
    buf_puts(&sql, " ORDER BY rank DESC, i.published DESC, e.id DESC LIMIT $10 OFFSET $11)"
                   " SELECT " EVENT_COLS ","
                   " ts_headline('" PG_TS_CONFIG "', i.title, " TSQUERY ", $12), h.s"
                   " FROM hits JOIN events e ON e.id = hits.id JOIN items i ON i.id = e.id"
                   " JOIN sources s ON s.id = i.source_id"
                   " CROSS JOIN LATERAL (SELECT CASE WHEN i.article_text IS NOT NULL"
                   " AND strpos(coalesce(t.t, ''), $13) = 0 THEN ");
    put_snippet(&sql, "i.article_text", 'c');
    buf_puts(&sql, " ELSE t.t END AS s FROM (SELECT ");
    put_snippet(&sql, "i.text", 'b');
    buf_puts(&sql, " AS t OFFSET 0) t OFFSET 0) h"
                   " ORDER BY hits.rank DESC, hits.published DESC, hits.id DESC");
    bind_page(&a, q);
    put_option(&topts, "StartSel", open);
    put_option(&topts, "StopSel", close);
    buf_puts(&topts, "HighlightAll=true");
    put_option(&sopts, "StartSel", open);
    put_option(&sopts, "StopSel", close);
    buf_puts(&sopts, "MaxWords=32, MinWords=16");
    pgq_text(&a, 12, buf_cstr(&topts));
    pgq_text(&a, 13, open);
    pgq_text(&a, 17, buf_cstr(&sopts));
    r = pgq_run(st, buf_cstr(&sql), &a, 1, &rc);
    buf_fini(&sql);
    free(tsq);
    if (r == NULL) {
        buf_fini(&topts);
        buf_fini(&sopts);
        return rc;
    }
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct event e;
        int stop;
        read_event(r, row, &e);
        stop = fn(&e, pg_col_text(r, row, EVENT_NCOLS), pg_col_text(r, row, EVENT_NCOLS + 1), arg);
        event_fini(&e);
        if (stop)
            break;
    }
    PQclear(r);
    buf_fini(&topts);
    buf_fini(&sopts);
    return ALM_OK;
}

/* ---- guides ---- */

#define GUIDE_SELECT \
    "SELECT g.slug, g.title, g.summary, %s," \
    " (SELECT count(*) FROM event_guides eg WHERE eg.slug = g.slug)," \
    " (SELECT max(i.published) FROM event_guides eg JOIN items i ON i.id = eg.event_id" \
    "   WHERE eg.slug = g.slug)," \
    " coalesce(g.kind, 'topic')" \
    " FROM guides g"

static void
read_guide(const PGresult *r, int row, struct guide_info *g)
{
    memset(g, 0, sizeof(*g));
    g->slug = pg_col_str(r, row, 0);
    g->title = pg_col_str(r, row, 1);
    g->summary = pg_col_str(r, row, 2);
    g->body = pg_col_str(r, row, 3);
    g->events = pg_col_i64(r, row, 4);
    g->newest = (time_t)pg_col_i64(r, row, 5);
    g->kind = pg_col_str(r, row, 6);
}

/* Reads the notifications that came in: LISTENs first when the connection
 * does not yet. */
static int
take_changes(struct pg_store *pg)
{
    PGnotify *n;
    int rc;

    if (!pg->listening) {
        if ((rc = pgq_exec((struct store *)(void *)pg, "LISTEN almanac_changed", NULL)) != ALM_OK)
            return rc;
        pg->listening = 1;
    }
    /* Notifications that arrived while other queries ran are queued by
     * libpq already; those on the socket are read now. */
    if (!PQconsumeInput(pg->conn))
        return pg_fail(pg, NULL);
    while ((n = PQnotifies(pg->conn)) != NULL) {
        pg->changes++;
        PQfreemem(n);
    }
    return ALM_OK;
}

/*
 * The guides' list with their counts reads every event's guides (45,000
 * rows at 50,000 events: 200-400 ms), and every event page asks it for its
 * guides' titles. A web node's connection (read-only) keeps the rows it
 * read and reads them again only after a change: it LISTENs as
 * pg_change_token does (a guide, an event and so its guides, or an item's
 * date changed: each sends almanac_changed). An empty query first makes a
 * round trip, so that a change committed before this call has reached the
 * connection (a listening backend sends what it was notified of before it
 * reads the next query). A connection that writes reads every time.
 */
int
pg_list_guides(struct store *st, int (*fn)(const struct guide_info *g, void *arg), void *arg)
{
    struct pg_store *pg = PG(st);
    char sql[1024];
    PGresult *r;
    int rc, n;

    if (pg->readonly && pg->guides != NULL) {
        PQclear(PQexec(pg->conn, ""));
        if (take_changes(pg) != ALM_OK || pg->changes != pg->guides_changes) {
            PQclear(pg->guides);
            pg->guides = NULL;
        }
    }
    if (pg->guides != NULL) {
        r = pg->guides;
    } else {
        if (pg->readonly && (rc = take_changes(pg)) != ALM_OK)
            return rc;
        /* Every guide's counts in one pass over event_guides: a count and a
         * max for each guide read the items 20 times (7-9 ms against 1-3). */
        snprintf(sql, sizeof(sql), "SELECT g.slug, g.title, g.summary, NULL, coalesce(c.n, 0),"
                 " c.newest, coalesce(g.kind, 'topic') FROM guides g LEFT JOIN (SELECT eg.slug,"
                 " count(*) AS n,"
                 " max(i.published) AS newest FROM event_guides eg JOIN items i"
                 " ON i.id = eg.event_id GROUP BY eg.slug) c ON c.slug = g.slug"
                 " ORDER BY lower(g.title COLLATE \"C\"), g.slug COLLATE \"C\"");
        if ((r = pgq_run(st, sql, NULL, 0, &rc)) == NULL)
            return rc;
        if (pg->readonly) {
            pg->guides = r;
            pg->guides_changes = pg->changes;
        }
    }
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct guide_info g;
        int stop;
        read_guide(r, row, &g);
        stop = fn(&g, arg);
        guide_info_fini(&g);
        if (stop)
            break;
    }
    if (r != pg->guides)
        PQclear(r);
    return ALM_OK;
}

int
pg_get_guide(struct store *st, const char *slug, struct guide_info *out)
{
    char sql[1024];
    struct pgq_args a;
    PGresult *r;
    int rc;

    snprintf(sql, sizeof(sql), GUIDE_SELECT " WHERE g.slug = $1", "g.body");
    pgq_init(&a);
    pgq_text(&a, 1, slug);
    if ((r = pgq_run(st, sql, &a, 0, &rc)) == NULL)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    read_guide(r, 0, out);
    PQclear(r);
    return ALM_OK;
}

int
pg_guide_titles(struct store *st, int (*fn)(const char *slug, const char *title, void *arg),
                void *arg)
{
    PGresult *r;
    int rc, n;

    if ((r = pgq_run(st, "SELECT slug, title FROM guides", NULL, 0, &rc)) == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++)
        if (fn(PQgetvalue(r, row, 0), PQgetvalue(r, row, 1), arg))
            break;
    PQclear(r);
    return ALM_OK;
}

/* ---- sources ---- */

#define SOURCE_SELECT \
    "SELECT so.id, so.slug, so.name, so.author, so.kind, so.feed_url, so.site_url, so.tier," \
    " so.enabled, so.last_fetch, so.last_success, so.next_due, so.last_status, so.failures," \
    " so.last_error," \
    " (SELECT count(*) FROM items i WHERE i.source_id = so.id)," \
    " (SELECT count(*) FROM items i JOIN events e ON e.id = i.id WHERE i.source_id = so.id)," \
    " (SELECT max(i.published) FROM items i WHERE i.source_id = so.id)" \
    " FROM sources so"

static void
read_source(const PGresult *r, int row, struct source_info *o)
{
    memset(o, 0, sizeof(*o));
    o->id = pg_col_i64(r, row, 0);
    o->slug = pg_col_str(r, row, 1);
    o->name = pg_col_str(r, row, 2);
    o->author = pg_col_str(r, row, 3);
    o->kind = pg_col_str(r, row, 4);
    o->feed_url = pg_col_str(r, row, 5);
    o->site_url = pg_col_str(r, row, 6);
    o->tier = (int)pg_col_i64(r, row, 7);
    o->enabled = (int)pg_col_i64(r, row, 8);
    o->last_fetch = (time_t)pg_col_i64(r, row, 9);
    o->last_success = (time_t)pg_col_i64(r, row, 10);
    o->next_due = (time_t)pg_col_i64(r, row, 11);
    o->last_status = (long)pg_col_i64(r, row, 12);
    o->failures = (int)pg_col_i64(r, row, 13);
    o->last_error = pg_col_str(r, row, 14);
    o->items = pg_col_i64(r, row, 15);
    o->events = pg_col_i64(r, row, 16);
    o->newest = (time_t)pg_col_i64(r, row, 17);
}

int
pg_list_source_info(struct store *st, int (*fn)(const struct source_info *s, void *arg),
                    void *arg)
{
    PGresult *r;
    int rc, n;

    /* Every source's counts in one pass over the items. */
    r = pgq_run(st, "SELECT so.id, so.slug, so.name, so.author, so.kind, so.feed_url,"
                    " so.site_url, so.tier, so.enabled, so.last_fetch, so.last_success,"
                    " so.next_due, so.last_status, so.failures, so.last_error,"
                    " coalesce(c.n, 0), coalesce(c.ne, 0), c.newest FROM sources so"
                    " LEFT JOIN (SELECT i.source_id, count(*) AS n, count(e.id) AS ne,"
                    " max(i.published) AS newest FROM items i LEFT JOIN events e ON e.id = i.id"
                    " GROUP BY i.source_id) c ON c.source_id = so.id"
                    " ORDER BY so.tier, lower(so.name COLLATE \"C\")", NULL, 0, &rc);
    if (r == NULL)
        return rc;
    n = PQntuples(r);
    for (int row = 0; row < n; row++) {
        struct source_info o;
        int stop;
        read_source(r, row, &o);
        stop = fn(&o, arg);
        source_info_fini(&o);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

int
pg_get_source_info(struct store *st, const char *slug, struct source_info *out)
{
    struct pgq_args a;
    PGresult *r;
    int rc;

    pgq_init(&a);
    pgq_text(&a, 1, slug);
    if ((r = pgq_run(st, SOURCE_SELECT " WHERE so.slug = $1", &a, 0, &rc)) == NULL)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    read_source(r, 0, out);
    PQclear(r);
    return ALM_OK;
}

int
pg_last_change(struct store *st, time_t *analyzed, time_t *fetched)
{
    PGresult *r;
    int rc;

    r = pgq_run(st, "SELECT (SELECT max(analyzed) FROM events),"
                    " (SELECT max(last_fetch) FROM sources)", NULL, 0, &rc);
    if (r == NULL)
        return rc;
    if (analyzed)
        *analyzed = (time_t)pg_col_i64(r, 0, 0);
    if (fetched)
        *fetched = (time_t)pg_col_i64(r, 0, 1);
    PQclear(r);
    return ALM_OK;
}

int
pg_change_token(struct store *st, struct store_change *out)
{
    struct pg_store *pg = PG(st);
    int rc;

    if ((rc = take_changes(pg)) != ALM_OK)
        return rc;
    out->word[0] = (uint64_t)pg->changes;
    out->word[1] = 0;
    return ALM_OK;
}
