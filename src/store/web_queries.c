/*
 * web_queries.c - the SQLite backend's queries for the web pages: lists of
 * events and their counts for pagination, events per week, ranked
 * full-text search with snippets, guides and sources with their counts
 * and health, and what tells a reader that the store changed.
 *
 * Lists, counts and searches share one WHERE clause (where_clause()), so a
 * count matches its list. Every query a page runs must use an index: a
 * page is rendered per request (bench/web measures them).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

/*
 * The FTS5 query for a text_query (store.h): each term an FTS5 string
 * ("word", quotes doubled), so no text is FTS5 syntax, followed by '*' for
 * a prefix; terms separated by spaces (FTS5's implicit AND). A string is a
 * phrase of the words the tokenizer finds in it, and "word"* makes the
 * phrase's last word a prefix.
 */
static char *
fts_query(const struct text_query *t)
{
    struct buf b = BUF_INIT((size_t)1 << 20);

    for (size_t i = 0; i < t->n; i++) {
        const char *p = t->v[i].text ? t->v[i].text : "";
        if (i)
            buf_putc(&b, ' ');
        buf_putc(&b, '"');
        for (; *p; p++) {
            if (*p == '"')
                buf_putc(&b, '"');
            buf_putc(&b, *p);
        }
        buf_putc(&b, '"');
        if (t->v[i].prefix)
            buf_putc(&b, '*');
    }
    return buf_take(&b);
}

/* A full-text query FTS5 refused (no terms) is the caller's mistake, not
 * the store's. */
static int
search_error(struct store *st)
{
    const char *msg = sqlite3_errmsg(st->db);
    int user = strstr(msg, "fts5") || strstr(msg, "syntax error") ||
               strstr(msg, "unterminated") || strstr(msg, "no such column") ||
               strstr(msg, "unknown special query");

    if (sq_fail(st, ALM_ESTORE) == ALM_ETIME)
        return ALM_ETIME;
    return user ? ALM_EINVAL : ALM_ESTORE;
}

/*
 * Finishes a loop of sqlite3_step(): ALM_OK when it ran to the end (or was
 * stopped), else the error, ALM_EINVAL for a bad full-text query.
 */
static int
finish(struct store *st, sqlite3_stmt *s, int r, int search)
{
    int rc = ALM_OK;

    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = search ? search_error(st) : sq_fail(st, ALM_ESTORE);
    sqlite3_finalize(s);
    return rc;
}

/* ---- events ---- */

/* The columns events.c reads, in its order (item 0..17, event 18..23). */
#define EVENT_COLS \
    "i.id, i.source_id, s.slug, s.name, s.author, s.kind, s.tier, i.ident, i.guid," \
    " i.url, i.title, i.author, i.published, i.first_seen, i.summary_html, i.content_html," \
    " i.text, i.image, e.score, e.kind, e.summary, e.reasons, e.story_id," \
    " (SELECT group_concat(slug, char(10)) FROM" \
    "   (SELECT slug FROM event_guides WHERE event_id = e.id ORDER BY weight DESC))," \
    " e.analyzed, e.summary_model"
#define EVENT_NCOLS 26

/* How where_clause() writes a guide filter. */
enum {
    GUIDE_PROBE,    /* each row is looked up: a walk by date that stops early */
    GUIDE_LIST,     /* the guide's events are read first */
    GUIDE_DRIVES,   /* event_guides g is the query's first table */
};

/* What else where_clause() needs to know of the query. */
enum {
    W_SCORE_INDEX = 1,  /* the score index may drive it (not a walk by date) */
    W_SOURCES = 2,      /* sources s is joined */
    W_ENTITY_DRIVES = 4, /* event_entities ee is the query's first table */
};

/*
 * The WHERE clause of q, binding ?1 (the FTS5 query) and ?2..?9. Only the
 * filters q uses are written: in the "?3 IS NULL OR s.slug = ?3" form the
 * planner could use no index for any of them, and every page scanned all
 * events (bench/web). id: the event's id in the query ("e.id"; another
 * column when events are not joined, for a q with no filter on them).
 * A walk by date that stops at its LIMIT is faster than sorting every event
 * over a score or of a tier, so the list keeps those from driving it.
 */
static void
where_clause(struct buf *sql, const struct event_query *q, const char *id, int guide,
             int flags)
{
    buf_puts(sql, " WHERE 1");
    if (q->min_score > 0)
        buf_puts(sql, flags & W_SCORE_INDEX ? " AND e.score >= ?2" : " AND +e.score >= ?2");
    if (q->source)
        buf_puts(sql, " AND i.source_id = (SELECT id FROM sources WHERE slug = ?3)");
    if (q->kind)
        buf_puts(sql, " AND e.kind = ?4");
    if (q->tier && (flags & W_SOURCES))
        buf_puts(sql, " AND s.tier = ?5");
    else if (q->tier)
        buf_puts(sql, " AND i.source_id IN (SELECT id FROM sources WHERE tier = ?5)");
    if (q->since)
        buf_puts(sql, " AND i.published >= ?6");
    if (q->until)
        buf_puts(sql, " AND i.published < ?7");
    if (q->story)
        buf_puts(sql, " AND e.story_id = ?8");
    if (q->guide && guide == GUIDE_PROBE)
        buf_printf(sql, " AND EXISTS (SELECT 1 FROM event_guides g"
                        " WHERE g.event_id = %s AND g.slug = ?9)", id);
    else if (q->guide && guide == GUIDE_LIST)
        buf_printf(sql, " AND %s IN (SELECT event_id FROM event_guides WHERE slug = ?9)", id);
    else if (q->guide)
        buf_puts(sql, " AND g.slug = ?9");
    if (q->entity && (flags & W_ENTITY_DRIVES))
        buf_puts(sql, " AND ee.name = ?14");
    else if (q->entity)
        buf_printf(sql, " AND %s IN (SELECT event_id FROM event_entities WHERE name = ?14)", id);
    if (q->text)
        buf_puts(sql, " AND items_fts MATCH ?1");
    if (q->sync)
        buf_puts(sql, " AND (e.analyzed > ?15 OR (e.analyzed = ?15 AND e.id > ?16))");
}

/* Whether q filters on a column of events (which must then be joined). */
static int
on_events(const struct event_query *q)
{
    return q->min_score > 0 || q->kind || q->story || q->text || q->sync;
}

/* Whether q filters on a column of items. */
static int
on_items(const struct event_query *q)
{
    return q->source || q->tier || q->since || q->until;
}

/* Whether an entity is q's only filter: its index then answers alone
 * (every row of event_entities belongs to an event, its date beside it). */
static int
entity_only(const struct event_query *q)
{
    return q->entity && !on_events(q) && !on_items(q) && !q->guide;
}

/* Binds what where_clause() wrote; a number it left out is not bound. */
static void
bind_filters(sqlite3_stmt *s, const struct event_query *q)
{
    if (q->text) {
        char *m = fts_query(q->text);
        sq_bind_text(s, 1, m);
        free(m);
    }
    if (q->min_score > 0)
        sqlite3_bind_int(s, 2, q->min_score);
    if (q->source)
        sq_bind_text(s, 3, q->source);
    if (q->kind)
        sq_bind_text(s, 4, q->kind);
    if (q->tier)
        sqlite3_bind_int(s, 5, q->tier);
    if (q->since)
        sqlite3_bind_int64(s, 6, q->since);
    if (q->until)
        sqlite3_bind_int64(s, 7, q->until);
    if (q->story)
        sqlite3_bind_int64(s, 8, q->story);
    if (q->guide)
        sq_bind_text(s, 9, q->guide);
    if (q->entity)
        sq_bind_text(s, 14, q->entity);
    if (q->sync) {
        sqlite3_bind_int64(s, 15, q->changed_since);
        sqlite3_bind_int64(s, 16, q->after_id);
    }
}

/*
 * FROM and WHERE to count q. Every event has its item and source, and a
 * guide lists events only (foreign keys), so the count reads no more
 * tables than the filters need: a guide alone is counted in its index.
 */
static void
count_clause(struct buf *sql, const struct event_query *q)
{
    if (entity_only(q)) {
        buf_puts(sql, " FROM event_entities ee");
        where_clause(sql, q, "ee.event_id", GUIDE_LIST, W_ENTITY_DRIVES);
        return;
    }
    if (q->guide && !on_events(q)) {
        buf_puts(sql, " FROM event_guides g");
        if (on_items(q))
            buf_puts(sql, " JOIN items i ON i.id = g.event_id");
        where_clause(sql, q, "g.event_id", GUIDE_DRIVES, W_SCORE_INDEX);
        return;
    }
    if (q->text)
        buf_puts(sql, " FROM items_fts JOIN events e ON e.id = items_fts.rowid");
    else
        buf_puts(sql, " FROM events e");
    if (on_items(q))
        buf_puts(sql, " JOIN items i ON i.id = e.id");
    where_clause(sql, q, "e.id", GUIDE_LIST, W_SCORE_INDEX);
}

int
sq_count_matching(struct store *st, const struct event_query *q, int64_t *out)
{
    struct buf sql = BUF_INIT(4096);
    sqlite3_stmt *s;
    int r;

    buf_puts(&sql, "SELECT count(*)");
    count_clause(&sql, q);
    s = sq_prepare(st, buf_cstr(&sql));
    buf_fini(&sql);
    if (s == NULL)
        return ALM_ESTORE;
    bind_filters(s, q);
    r = sqlite3_step(s);
    if (r != SQLITE_ROW)
        return finish(st, s, r == SQLITE_DONE ? SQLITE_ERROR : r, q->text != NULL);
    *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_events_per_week(struct store *st, const struct event_query *q, time_t first, int nweeks,
                      int *counts)
{
    struct buf sql = BUF_INIT(4096);
    sqlite3_stmt *s;
    int r;

    if (nweeks <= 0)
        return ALM_EINVAL;
    memset(counts, 0, (size_t)nweeks * sizeof(*counts));
    /* The weeks' items are walked by date (the index has the date: no row
     * is read) and each is looked up in the guide; without a guide, or with
     * a filter on events, the events are joined. */
    if (entity_only(q)) {
        /* The entity's index holds each event's date: no item is read. */
        buf_puts(&sql, "SELECT (ee.published - ?10) / 604800 AS w, count(*)"
                       " FROM event_entities ee");
        where_clause(&sql, q, "ee.event_id", GUIDE_LIST, W_ENTITY_DRIVES);
        buf_puts(&sql, " AND ee.published >= ?10 AND ee.published < ?11 GROUP BY w");
    } else {
        buf_puts(&sql, "SELECT (i.published - ?10) / 604800 AS w, count(*)");
        if (q->text)
            buf_puts(&sql, " FROM items_fts JOIN items i ON i.id = items_fts.rowid"
                           " JOIN events e ON e.id = i.id");
        else if (q->guide && !on_events(q))
            buf_puts(&sql, " FROM items i");
        else
            buf_puts(&sql, " FROM items i JOIN events e ON e.id = i.id");
        where_clause(&sql, q, "i.id", GUIDE_PROBE, W_SCORE_INDEX);
        buf_puts(&sql, " AND i.published >= ?10 AND i.published < ?11 GROUP BY w");
    }
    s = sq_prepare(st, buf_cstr(&sql));
    buf_fini(&sql);
    if (s == NULL)
        return ALM_ESTORE;
    bind_filters(s, q);
    sqlite3_bind_int64(s, 10, first);
    sqlite3_bind_int64(s, 11, first + (time_t)nweeks * 604800);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 w = sqlite3_column_int64(s, 0);
        if (w >= 0 && w < nweeks)
            counts[w] = sqlite3_column_int(s, 1);
    }
    return finish(st, s, r, q->text != NULL);
}

/* Reads a row of EVENT_COLS; mirrors event_read() in events.c. */
static void
read_event(sqlite3_stmt *s, struct event *e)
{
    memset(e, 0, sizeof(*e));
    sq_item_read(s, &e->item);
    e->score = sqlite3_column_int(s, 18);
    e->kind = sq_col_str(s, 19);
    e->summary = sq_col_str(s, 20);
    col_reasons_read((const char *)sqlite3_column_text(s, 21), &e->reasons, &e->nreasons);
    e->story_id = sqlite3_column_int64(s, 22);
    col_split((const char *)sqlite3_column_text(s, 23), '\n', &e->guides);
    e->analyzed = (time_t)sqlite3_column_int64(s, 24);
    e->summary_model = sq_col_str(s, 25);
}

int
sq_list_events(struct store *st, const struct event_query *q,
                  int (*fn)(const struct event *e, void *arg), void *arg)
{
    struct buf sql = BUF_INIT(8192);
    sqlite3_stmt *s;
    int r;

    if (q->entity && !q->by_score && !q->text && !q->sync) {
        /* An entity's newest first walk its index backwards (name, date,
         * event id) and stop at the limit: no sort of all its events. */
        buf_puts(&sql, "SELECT " EVENT_COLS " FROM event_entities ee"
                       " JOIN events e ON e.id = ee.event_id JOIN items i ON i.id = e.id"
                       " JOIN sources s ON s.id = i.source_id");
        where_clause(&sql, q, "e.id", GUIDE_PROBE, W_SOURCES | W_ENTITY_DRIVES);
        buf_puts(&sql, " ORDER BY ee.published DESC, ee.event_id DESC");
    } else {
        /* The newest first walks the date index backwards (published, then
         * rowid, both descending) and stops at the limit. */
        buf_puts(&sql, "SELECT " EVENT_COLS " FROM events e JOIN items i ON i.id = e.id"
                       " JOIN sources s ON s.id = i.source_id");
        if (q->text)
            buf_puts(&sql, " JOIN items_fts ON items_fts.rowid = i.id");
        where_clause(&sql, q, "e.id", GUIDE_PROBE,
                     (q->by_score && !q->sync ? W_SCORE_INDEX : 0) | W_SOURCES);
        if (q->sync)
            buf_puts(&sql, " ORDER BY e.analyzed, e.id");
        else
            buf_puts(&sql, q->by_score ? " ORDER BY e.score DESC, i.published DESC, i.id DESC"
                                       : " ORDER BY i.published DESC, i.id DESC");
    }
    buf_puts(&sql, " LIMIT ?10 OFFSET ?11");
    s = sq_prepare(st, buf_cstr(&sql));
    buf_fini(&sql);
    if (s == NULL)
        return ALM_ESTORE;
    bind_filters(s, q);
    sqlite3_bind_int(s, 10, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int(s, 11, q->offset > 0 ? q->offset : 0);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct event e;
        int stop;
        read_event(s, &e);
        stop = fn(&e, arg);
        event_fini(&e);
        if (stop)
            break;
    }
    return finish(st, s, r, q->text != NULL);
}

int
sq_search_events(struct store *st, const struct event_query *q, const char *open,
                    const char *close,
                    int (*fn)(const struct event *e, const char *title, const char *snippet,
                              void *arg),
                    void *arg)
{
    struct buf sql = BUF_INIT(4096);
    sqlite3_stmt *s;
    int r;

    if (q->text == NULL)
        return ALM_EINVAL;
    /* highlight() gives the whole title marked; snippet() the best window
     * of about 32 tokens of the text, or of the linked article's text when
     * only that matched. bm25 weighs a title hit 4 times, a byline hit
     * (source, author) half. */
    buf_puts(&sql, "SELECT " EVENT_COLS ", highlight(items_fts, 0, ?12, ?13),"
                   " CASE WHEN i.article_text IS NOT NULL"
                   " AND coalesce(instr(snippet(items_fts, 1, ?12, ?13, '…', 32), ?12), 0) = 0"
                   " THEN snippet(items_fts, 2, ?12, ?13, '…', 32)"
                   " ELSE snippet(items_fts, 1, ?12, ?13, '…', 32) END"
                   " FROM items_fts JOIN events e ON e.id = items_fts.rowid"
                   " JOIN items i ON i.id = e.id JOIN sources s ON s.id = i.source_id");
    where_clause(&sql, q, "e.id", GUIDE_LIST, W_SCORE_INDEX | W_SOURCES);
    buf_puts(&sql, " ORDER BY bm25(items_fts, 4.0, 1.0, 1.0, 0.5), i.published DESC"
                   " LIMIT ?10 OFFSET ?11");
    s = sq_prepare(st, buf_cstr(&sql));
    buf_fini(&sql);
    if (s == NULL)
        return ALM_ESTORE;
    bind_filters(s, q);
    sqlite3_bind_int(s, 10, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int(s, 11, q->offset > 0 ? q->offset : 0);
    sqlite3_bind_text(s, 12, open, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 13, close, -1, SQLITE_TRANSIENT);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct event e;
        int stop;
        read_event(s, &e);
        stop = fn(&e, (const char *)sqlite3_column_text(s, EVENT_NCOLS),
                  (const char *)sqlite3_column_text(s, EVENT_NCOLS + 1), arg);
        event_fini(&e);
        if (stop)
            break;
    }
    return finish(st, s, r, q->text != NULL);
}

/* ---- guides ---- */

void
guide_info_fini(struct guide_info *g)
{
    if (g == NULL)
        return;
    free(g->slug);
    free(g->title);
    free(g->summary);
    free(g->kind);
    free(g->body);
    memset(g, 0, sizeof(*g));
}

/* The newest event walks the date index down to the guide's first one:
 * max() over the guide's events read each of their items (an event page
 * looks up each of its guides). */
#define GUIDE_SELECT \
    "SELECT g.slug, g.title, g.summary, %s," \
    " (SELECT count(*) FROM event_guides eg WHERE eg.slug = g.slug)," \
    " (SELECT i.published FROM items i WHERE EXISTS (SELECT 1 FROM event_guides eg" \
    "   WHERE eg.event_id = i.id AND eg.slug = g.slug) ORDER BY i.published DESC LIMIT 1)," \
    " coalesce(g.kind, 'topic')" \
    " FROM guides g"

static void
read_guide(sqlite3_stmt *s, struct guide_info *g)
{
    memset(g, 0, sizeof(*g));
    g->slug = sq_col_str(s, 0);
    g->title = sq_col_str(s, 1);
    g->summary = sq_col_str(s, 2);
    g->body = sq_col_str(s, 3);
    g->events = sqlite3_column_int64(s, 4);
    g->newest = sqlite3_column_int64(s, 5);
    g->kind = sq_col_str(s, 6);
}

int
sq_list_guides(struct store *st, int (*fn)(const struct guide_info *g, void *arg), void *arg)
{
    char sql[1024];
    sqlite3_stmt *s;
    int r;

    snprintf(sql, sizeof(sql), GUIDE_SELECT " ORDER BY g.title COLLATE NOCASE, g.slug", "NULL");
    if ((s = sq_prepare(st, sql)) == NULL)
        return ALM_ESTORE;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct guide_info g;
        int stop;
        read_guide(s, &g);
        stop = fn(&g, arg);
        guide_info_fini(&g);
        if (stop)
            break;
    }
    return finish(st, s, r, 0);
}

int
sq_get_guide(struct store *st, const char *slug, struct guide_info *out)
{
    char sql[1024];
    sqlite3_stmt *s;
    int r;

    snprintf(sql, sizeof(sql), GUIDE_SELECT " WHERE g.slug = ?", "g.body");
    if ((s = sq_prepare(st, sql)) == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, slug);
    if ((r = sq_one_row(st, s)) != ALM_OK)
        return r;
    read_guide(s, out);
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_guide_titles(struct store *st, int (*fn)(const char *slug, const char *title, void *arg),
                void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT slug, title FROM guides");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
               arg))
            break;
    return finish(st, s, r, 0);
}

/* ---- sources ---- */

void
source_info_fini(struct source_info *s)
{
    if (s == NULL)
        return;
    free(s->slug);
    free(s->name);
    free(s->author);
    free(s->kind);
    free(s->feed_url);
    free(s->site_url);
    free(s->last_error);
    memset(s, 0, sizeof(*s));
}

#define SOURCE_SELECT \
    "SELECT so.id, so.slug, so.name, so.author, so.kind, so.feed_url, so.site_url, so.tier," \
    " so.enabled, so.last_fetch, so.last_success, so.next_due, so.last_status, so.failures," \
    " so.last_error," \
    " (SELECT count(*) FROM items i WHERE i.source_id = so.id)," \
    " (SELECT count(*) FROM items i JOIN events e ON e.id = i.id WHERE i.source_id = so.id)," \
    " (SELECT max(i.published) FROM items i WHERE i.source_id = so.id)" \
    " FROM sources so"

static void
read_source(sqlite3_stmt *s, struct source_info *o)
{
    memset(o, 0, sizeof(*o));
    o->id = sqlite3_column_int64(s, 0);
    o->slug = sq_col_str(s, 1);
    o->name = sq_col_str(s, 2);
    o->author = sq_col_str(s, 3);
    o->kind = sq_col_str(s, 4);
    o->feed_url = sq_col_str(s, 5);
    o->site_url = sq_col_str(s, 6);
    o->tier = sqlite3_column_int(s, 7);
    o->enabled = sqlite3_column_int(s, 8);
    o->last_fetch = sqlite3_column_int64(s, 9);
    o->last_success = sqlite3_column_int64(s, 10);
    o->next_due = sqlite3_column_int64(s, 11);
    o->last_status = (long)sqlite3_column_int64(s, 12);
    o->failures = sqlite3_column_int(s, 13);
    o->last_error = sq_col_str(s, 14);
    o->items = sqlite3_column_int64(s, 15);
    o->events = sqlite3_column_int64(s, 16);
    o->newest = sqlite3_column_int64(s, 17);
}

int
sq_list_source_info(struct store *st, int (*fn)(const struct source_info *s, void *arg),
                       void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, SOURCE_SELECT " ORDER BY so.tier, so.name COLLATE NOCASE");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct source_info o;
        int stop;
        read_source(s, &o);
        stop = fn(&o, arg);
        source_info_fini(&o);
        if (stop)
            break;
    }
    return finish(st, s, r, 0);
}

int
sq_get_source_info(struct store *st, const char *slug, struct source_info *out)
{
    sqlite3_stmt *s = sq_prepare(st, SOURCE_SELECT " WHERE so.slug = ?");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, slug);
    if ((r = sq_one_row(st, s)) != ALM_OK)
        return r;
    read_source(s, out);
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_last_change(struct store *st, time_t *analyzed, time_t *fetched)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT (SELECT max(analyzed) FROM events),"
                               " (SELECT max(last_fetch) FROM sources)");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    r = sqlite3_step(s);
    if (r != SQLITE_ROW)
        return finish(st, s, r == SQLITE_DONE ? SQLITE_ERROR : r, 0);
    if (analyzed)
        *analyzed = sqlite3_column_int64(s, 0);
    if (fetched)
        *fetched = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    return ALM_OK;
}

/* PRAGMA data_version: it moves whenever another connection commits
 * (comparable on this connection only, as store.h's tokens are). */
int
sq_change_token(struct store *st, struct store_change *out)
{
    sqlite3_stmt *s = sq_prepare(st, "PRAGMA data_version");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    r = sqlite3_step(s);
    if (r != SQLITE_ROW)
        return finish(st, s, r == SQLITE_DONE ? SQLITE_ERROR : r, 0);
    out->word[0] = (uint64_t)sqlite3_column_int64(s, 0);
    out->word[1] = 0;
    sqlite3_finalize(s);
    return ALM_OK;
}
