/*
 * events.c - the SQLite backend's half of store.h that keeps events:
 * scores, kinds, summaries, stories, entities, guides and related lists.
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

#define ITEM_SELECT "SELECT " SQ_ITEM_COLS
#define RAW_MAX 64                       /* longest raw related list kept */
#define RAW_PAIR (sizeof(int64_t) + sizeof(double))

int
sq_items_to_analyze(struct store *st, int rebuild,
                       int (*fn)(const struct item *it, const char *hash, void *arg), void *arg)
{
    /* The version analysed is the feed entry's hash, and the article's when
     * one was extracted: a new article makes the event be analysed again. */
    sqlite3_stmt *s = sq_prepare(st, ITEM_SELECT ", i.content_hash || coalesce('+' || a.hash, ''),"
                               " i.article_text, i.categories FROM items i"
                               " JOIN sources s ON s.id = i.source_id"
                               " LEFT JOIN events e ON e.id = i.id"
                               " LEFT JOIN articles a ON a.item_id = i.id AND a.ok"
                               " AND i.article_text IS NOT NULL"
                               " WHERE ?1 OR e.id IS NULL"
                               " OR e.content_hash <> i.content_hash || coalesce('+' || a.hash, '')"
                               " ORDER BY i.published, i.id");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int(s, 1, rebuild);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct item it;
        int stop;
        sq_item_read(s, &it);
        it.article_text = sq_col_str(s, SQ_ITEM_NCOLS + 1);
        it.categories = sq_col_str(s, SQ_ITEM_NCOLS + 2);
        stop = fn(&it, (const char *)sqlite3_column_text(s, SQ_ITEM_NCOLS), arg);
        item_fini(&it);
        if (stop)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        sq_fail(st, ALM_ESTORE);
        sqlite3_finalize(s);
        return ALM_ESTORE;
    }
    sqlite3_finalize(s);
    return ALM_OK;
}

static const char event_upsert[] =
    "INSERT INTO events (id, score, kind, summary, story_id, reasons, terms,"
    " content_hash, analyzed, simhash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    " ?9, ?10) ON CONFLICT(id) DO UPDATE SET score = ?2, kind = ?3,"
    " summary = ?4, story_id = ?5, reasons = ?6, terms = ?7,"
    " content_hash = ?8, analyzed = ?9, simhash = ?10, summary_model = NULL";
static const char event_rescore[] =
    "UPDATE events SET score = ?2, kind = ?3, summary = ?4, story_id = ?5,"
    " reasons = ?6, terms = ?7, analyzed = ?9, simhash = ?10, summary_model = NULL"
    " WHERE id = ?1"
    " AND ?8 IS NULL";
static const char entity_insert[] =
    "INSERT OR IGNORE INTO event_entities (event_id, name, kind, mentions, in_title, published)"
    " VALUES (?1, ?2, ?3, ?4, ?5, (SELECT published FROM items WHERE id = ?1))";
static const char guide_insert[] =
    "INSERT OR IGNORE INTO event_guides (event_id, slug, weight) VALUES (?, ?, ?)";
static const char candidate_insert[] =
    "INSERT OR IGNORE INTO candidates (event_id, name) VALUES (?, ?)";
static const char related_insert[] =
    "INSERT INTO related (event_id, rank, related_id, weight) VALUES (?, ?, ?, ?)";
static const char related_raw_set[] =
    "UPDATE events SET related_floor = ?, related_raw = ? WHERE id = ?";
static const char related_raw_get[] = "SELECT related_raw FROM events WHERE id = ?";
static const char story_upsert[] =
    "INSERT OR REPLACE INTO stories (id, first_event, events, sources, tiers, first_seen,"
    " last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char guide_upsert[] =
    "INSERT OR REPLACE INTO guides (slug, kind, title, summary, body) VALUES (?, ?, ?, ?, ?)";
/* What an event's own rows are cleared with before they are written again. */
static const char *const event_rows_clear[] = {
    "DELETE FROM event_entities WHERE event_id = ?",
    "DELETE FROM event_guides WHERE event_id = ?",
    "DELETE FROM candidates WHERE event_id = ?",
    "DELETE FROM related WHERE event_id = ?",
};

/* Runs one of event_rows_clear for an event. */
static int
clear_rows(struct store *st, size_t which, int64_t id)
{
    sqlite3_stmt *s = sq_stmt(st, event_rows_clear[which]);

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return sq_run(st, s);
}

int
sq_put_event(struct store *st, const struct event_rec *ev, time_t now)
{
    /* An upsert, not a replace: a replace would delete the row and, by
     * cascade, the event's related list, which is kept apart. An old event
     * analysed again keeps its content hash (and must exist). */
    sqlite3_stmt *s = sq_stmt(st, ev->content_hash ? event_upsert : event_rescore);
    char *reasons;
    int rc;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, ev->id);
    sqlite3_bind_int(s, 2, ev->score);
    sq_bind_text(s, 3, ev->kind);
    sq_bind_text(s, 4, ev->summary);
    sqlite3_bind_int64(s, 5, ev->story_id);
    reasons = col_reasons_json(ev->reasons, ev->nreasons);
    sq_bind_text(s, 6, reasons);
    sqlite3_bind_blob(s, 7, ev->terms, (int)(ev->nterms * sizeof(uint64_t)), SQLITE_STATIC);
    sq_bind_text(s, 8, ev->content_hash);
    sqlite3_bind_int64(s, 9, now);
    sqlite3_bind_int64(s, 10, (sqlite3_int64)ev->simhash);
    rc = sq_run(st, s);
    free(reasons);
    if (rc != ALM_OK)
        return ALM_ESTORE;
    for (size_t i = 0; i < 3; i++) /* entities, guides, candidates */
        if (clear_rows(st, i, ev->id) != ALM_OK)
            return ALM_ESTORE;
    for (size_t i = 0; i < ev->nentities; i++) {
        if ((s = sq_stmt(st, entity_insert)) == NULL)
            return ALM_ESTORE;
        sqlite3_bind_int64(s, 1, ev->id);
        sq_bind_text(s, 2, ev->entities[i].name);
        sq_bind_text(s, 3, ev->entities[i].kind);
        sqlite3_bind_int(s, 4, ev->entities[i].mentions);
        sqlite3_bind_int(s, 5, ev->entities[i].in_title);
        if (sq_run(st, s) != ALM_OK)
            return ALM_ESTORE;
    }
    for (size_t i = 0; i < ev->nguides; i++) {
        if ((s = sq_stmt(st, guide_insert)) == NULL)
            return ALM_ESTORE;
        sqlite3_bind_int64(s, 1, ev->id);
        sq_bind_text(s, 2, ev->guides[i].slug);
        sqlite3_bind_double(s, 3, ev->guides[i].weight);
        if (sq_run(st, s) != ALM_OK)
            return ALM_ESTORE;
    }
    for (size_t i = 0; i < ev->ncandidates; i++) {
        if ((s = sq_stmt(st, candidate_insert)) == NULL)
            return ALM_ESTORE;
        sqlite3_bind_int64(s, 1, ev->id);
        sq_bind_text(s, 2, ev->candidates[i]);
        if (sq_run(st, s) != ALM_OK)
            return ALM_ESTORE;
    }
    return ALM_OK;
}

int
sq_put_related(struct store *st, int64_t id, const int64_t *ids, const double *weights,
                  size_t n, const struct related_raw *raw)
{
    sqlite3_stmt *s;
    unsigned char blob[RAW_MAX * RAW_PAIR];
    size_t nraw = raw ? (raw->n < RAW_MAX ? raw->n : RAW_MAX) : 0;

    if (clear_rows(st, 3, id) != ALM_OK)
        return ALM_ESTORE;
    if ((s = sq_stmt(st, related_raw_set)) == NULL)
        return ALM_ESTORE;
    for (size_t i = 0; i < nraw; i++) {
        memcpy(blob + i * RAW_PAIR, &raw->ids[i], sizeof(int64_t));
        memcpy(blob + i * RAW_PAIR + sizeof(int64_t), &raw->weights[i], sizeof(double));
    }
    if (raw) {
        sqlite3_bind_double(s, 1, raw->floor);
        /* a zero-length blob, not NULL, for an empty list */
        sqlite3_bind_blob(s, 2, blob, (int)(nraw * RAW_PAIR), SQLITE_TRANSIENT);
    }
    sqlite3_bind_int64(s, 3, id);
    if (sq_run(st, s) != ALM_OK)
        return ALM_ESTORE;
    for (size_t i = 0; i < n; i++) {
        if ((s = sq_stmt(st, related_insert)) == NULL)
            return ALM_ESTORE;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, (int)i);
        sqlite3_bind_int64(s, 3, ids[i]);
        sqlite3_bind_double(s, 4, weights[i]);
        if (sq_run(st, s) != ALM_OK)
            return ALM_ESTORE;
    }
    return ALM_OK;
}

int
sq_get_related_raw(struct store *st, int64_t id, int64_t *ids, double *weights, size_t cap,
                   size_t *n)
{
    sqlite3_stmt *s = sq_stmt(st, related_raw_get);
    const unsigned char *p;
    size_t len;
    int r;

    *n = 0;
    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    r = sqlite3_step(s);
    if (r != SQLITE_ROW) {
        sqlite3_reset(s);
        if (r == SQLITE_DONE)
            return ALM_ENOTFOUND;
        return sq_fail(st, ALM_ESTORE);
    }
    if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
        sqlite3_reset(s);
        return ALM_ENOTFOUND;
    }
    p = sqlite3_column_blob(s, 0);
    len = (size_t)sqlite3_column_bytes(s, 0) / RAW_PAIR;
    for (size_t i = 0; i < len && i < cap; i++) {
        memcpy(&ids[i], p + i * RAW_PAIR, sizeof(int64_t));
        memcpy(&weights[i], p + i * RAW_PAIR + sizeof(int64_t), sizeof(double));
        (*n)++;
    }
    sqlite3_reset(s);
    return ALM_OK;
}

int
sq_put_story(struct store *st, int64_t story_id, int64_t first_event, int events,
                int sources, int tiers_mask, time_t first_seen, time_t last_seen)
{
    sqlite3_stmt *s = sq_stmt(st, story_upsert);

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, story_id);
    sqlite3_bind_int64(s, 2, first_event);
    sqlite3_bind_int(s, 3, events);
    sqlite3_bind_int(s, 4, sources);
    sqlite3_bind_int(s, 5, tiers_mask);
    sqlite3_bind_int64(s, 6, first_seen);
    sqlite3_bind_int64(s, 7, last_seen);
    return sq_run(st, s);
}

int
sq_prune_stories(struct store *st)
{
    return sq_exec(st, "DELETE FROM stories WHERE id NOT IN"
                       " (SELECT story_id FROM events WHERE story_id IS NOT NULL)");
}

int
sq_put_guide(struct store *st, const char *slug, const char *kind, const char *title,
             const char *summary, const char *body)
{
    sqlite3_stmt *s = sq_stmt(st, guide_upsert);

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, slug);
    sq_bind_text(s, 2, kind);
    sq_bind_text(s, 3, title);
    sq_bind_text(s, 4, summary);
    sq_bind_text(s, 5, body);
    return sq_run(st, s);
}

int
sq_count_guides_without_kind(struct store *st, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT count(*) FROM guides WHERE kind IS NULL");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    if ((r = sqlite3_step(s)) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

int
sq_event_index(struct store *st, int (*fn)(const struct event_index_row *r, void *arg),
                  void *arg)
{
    sqlite3_stmt *s = sq_prepare(st,
        "SELECT e.id, e.story_id, i.source_id, so.tier, e.score, i.published, e.terms,"
        " (SELECT group_concat(name, char(10)) FROM event_entities WHERE event_id = e.id),"
        " (SELECT group_concat(slug, char(10)) FROM event_guides WHERE event_id = e.id),"
        " coalesce(so.author, so.name), e.kind, e.simhash, i.title, e.related_floor"
        " FROM events e JOIN items i ON i.id = e.id JOIN sources so ON so.id = i.source_id"
        " ORDER BY i.published, e.id");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct event_index_row row = {
            .id = sqlite3_column_int64(s, 0),
            .story_id = sqlite3_column_int64(s, 1),
            .source_id = sqlite3_column_int64(s, 2),
            .tier = sqlite3_column_int(s, 3),
            .score = sqlite3_column_int(s, 4),
            .published = sqlite3_column_int64(s, 5),
            .terms = sqlite3_column_blob(s, 6),
            .nterms = (size_t)sqlite3_column_bytes(s, 6) / sizeof(uint64_t),
            .org = (const char *)sqlite3_column_text(s, 9),
            .kind = (const char *)sqlite3_column_text(s, 10),
            .simhash = (uint64_t)sqlite3_column_int64(s, 11),
            .title = (const char *)sqlite3_column_text(s, 12),
            .related_floor = sqlite3_column_type(s, 13) == SQLITE_NULL
                                 ? -1.0 : sqlite3_column_double(s, 13),
        };
        int stop;
        col_split((const char *)sqlite3_column_text(s, 7), '\n', &row.entities);
        col_split((const char *)sqlite3_column_text(s, 8), '\n', &row.guides);
        stop = fn(&row, arg);
        str_list_fini(&row.entities);
        str_list_fini(&row.guides);
        if (stop)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        sq_fail(st, ALM_ESTORE);
        sqlite3_finalize(s);
        return ALM_ESTORE;
    }
    sqlite3_finalize(s);
    return ALM_OK;
}

void
event_fini(struct event *e)
{
    if (e == NULL)
        return;
    item_fini(&e->item);
    free(e->kind);
    free(e->summary);
    free(e->summary_model);
    for (size_t i = 0; i < e->nreasons; i++)
        free(e->reasons[i].text);
    free(e->reasons);
    str_list_fini(&e->guides);
    memset(e, 0, sizeof(*e));
}

#define EVENT_SELECT \
    ITEM_SELECT ", e.score, e.kind, e.summary, e.reasons, e.story_id," \
    " (SELECT group_concat(slug, char(10)) FROM" \
    "   (SELECT slug FROM event_guides WHERE event_id = e.id ORDER BY weight DESC))," \
    " e.summary_model"

static void
event_read(sqlite3_stmt *s, struct event *e)
{
    sq_item_read(s, &e->item);
    e->score = sqlite3_column_int(s, 18);
    e->kind = sq_col_str(s, 19);
    e->summary = sq_col_str(s, 20);
    col_reasons_read((const char *)sqlite3_column_text(s, 21), &e->reasons, &e->nreasons);
    e->story_id = sqlite3_column_int64(s, 22);
    col_split((const char *)sqlite3_column_text(s, 23), '\n', &e->guides);
    e->summary_model = sq_col_str(s, 24);
    e->weight = 0;
}

static int
run_events(struct store *st, sqlite3_stmt *s, int weight_col,
           int (*fn)(const struct event *e, void *arg), void *arg)
{
    int r;

    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct event e;
        int stop;
        event_read(s, &e);
        if (weight_col >= 0)
            e.weight = sqlite3_column_double(s, weight_col);
        stop = fn(&e, arg);
        event_fini(&e);
        if (stop)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        sq_fail(st, ALM_ESTORE);
        sqlite3_finalize(s);
        return ALM_ESTORE;
    }
    sqlite3_finalize(s);
    return ALM_OK;
}

struct one {
    struct event *out;
    int found;
};

static int
take_one(const struct event *e, void *arg)
{
    struct one *o = arg;

    /* Copy by re-reading is not possible here; move the strings. */
    *o->out = *e;
    memset((struct event *)e, 0, sizeof(*e));
    o->found = 1;
    return 1;
}

int
sq_get_event(struct store *st, int64_t id, struct event *out)
{
    sqlite3_stmt *s = sq_prepare(st, EVENT_SELECT " FROM events e JOIN items i ON i.id = e.id"
                               " JOIN sources s ON s.id = i.source_id WHERE e.id = ?");
    struct one o = { out, 0 };
    int rc;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    rc = run_events(st, s, -1, take_one, &o);
    if (rc != ALM_OK)
        return rc;
    return o.found ? ALM_OK : ALM_ENOTFOUND;
}

int
sq_related_events(struct store *st, int64_t id,
                     int (*fn)(const struct event *e, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, EVENT_SELECT ", r.weight FROM related r"
                               " JOIN events e ON e.id = r.related_id"
                               " JOIN items i ON i.id = e.id JOIN sources s ON s.id = i.source_id"
                               " WHERE r.event_id = ? ORDER BY r.rank");

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    return run_events(st, s, 25, fn, arg);
}

int
sq_event_entities(struct store *st, int64_t id,
                     int (*fn)(const char *name, const char *kind, int mentions, void *arg),
                     void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT name, kind, mentions FROM event_entities"
                               " WHERE event_id = ? ORDER BY in_title DESC, mentions DESC, name");

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (fn((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
               sqlite3_column_int(s, 2), arg))
            break;
    }
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_count_events(struct store *st, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT count(*) FROM events");
    int rc = ALM_ESTORE;

    if (s == NULL)
        return ALM_ESTORE;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        rc = ALM_OK;
    } else {
        sq_fail(st, ALM_ESTORE);
    }
    sqlite3_finalize(s);
    return rc;
}
