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

#include "base/buf.h"
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
        ITEM_SELECT ", i.content_hash || coalesce('+' || a.hash, ''), i.article_text,"
        " i.categories FROM items i JOIN sources s ON s.id = i.source_id"
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
        it.categories = pg_col_str(r, row, PG_ITEM_NCOLS + 2);
        stop = fn(&it, pg_col_text(r, row, PG_ITEM_NCOLS), arg);
        item_fini(&it);
        if (stop)
            break;
    }
    PQclear(r);
    return ALM_OK;
}

/*
 * An event and its entities, guides and candidates are written by one
 * statement (a round trip an event: the analysis of the snapshot took
 * 44 s at one statement a row, 20 s at one a table, against SQLite's 6).
 * The lists come as arrays ($11...: PostgreSQL's array text form). One
 * statement cannot delete and insert the same key, so each list deletes
 * the rows it no longer has and upserts the rest; a name listed twice keeps
 * its first occurrence, as SQLite's INSERT OR IGNORE does.
 */
#define EVENT_LISTS \
    ", de AS (DELETE FROM event_entities WHERE event_id = $1 AND name <> ALL($11::text[]))," \
    " ie AS (INSERT INTO event_entities (event_id, name, kind, mentions, in_title, published)" \
    "  SELECT DISTINCT ON (u.n) $1, u.n, u.k, u.m, u.t," \
    "   (SELECT published FROM items WHERE id = $1)" \
    "  FROM unnest($11::text[], $12::text[], $13::int[], $14::int[]) WITH ORDINALITY" \
    "   AS u(n, k, m, t, o) ORDER BY u.n, u.o" \
    "  ON CONFLICT (event_id, name) DO UPDATE SET kind = EXCLUDED.kind," \
    "   mentions = EXCLUDED.mentions, in_title = EXCLUDED.in_title," \
    "   published = EXCLUDED.published)," \
    " dg AS (DELETE FROM event_guides WHERE event_id = $1 AND slug <> ALL($15::text[]))," \
    " ig AS (INSERT INTO event_guides (event_id, slug, weight)" \
    "  SELECT DISTINCT ON (u.s) $1, u.s, u.w" \
    "  FROM unnest($15::text[], $16::float8[]) WITH ORDINALITY AS u(s, w, o) ORDER BY u.s, u.o" \
    "  ON CONFLICT (event_id, slug) DO UPDATE SET weight = EXCLUDED.weight)," \
    " dc AS (DELETE FROM candidates WHERE event_id = $1 AND name <> ALL($17::text[]))," \
    " ic AS (INSERT INTO candidates (event_id, name)" \
    "  SELECT DISTINCT $1::bigint, u.n FROM unnest($17::text[]) AS u(n)" \
    "  ON CONFLICT DO NOTHING)" \
    " SELECT count(*) FROM ev"
static const char event_upsert[] =
    "WITH ev AS (INSERT INTO events (id, score, kind, summary, story_id, reasons, terms,"
    " content_hash, analyzed, simhash) VALUES ($1, $2, $3, $4, $5, $6, $7::bytea, $8,"
    " $9, $10) ON CONFLICT (id) DO UPDATE SET score = EXCLUDED.score, kind = EXCLUDED.kind,"
    " summary = EXCLUDED.summary, story_id = EXCLUDED.story_id, reasons = EXCLUDED.reasons,"
    " terms = EXCLUDED.terms, content_hash = EXCLUDED.content_hash,"
    " analyzed = EXCLUDED.analyzed, simhash = EXCLUDED.simhash, summary_model = NULL"
    " RETURNING id)" EVENT_LISTS;
static const char event_rescore[] =
    "WITH ev AS (UPDATE events SET score = $2, kind = $3, summary = $4, story_id = $5,"
    " reasons = $6, terms = $7::bytea, analyzed = $9, simhash = $10, summary_model = NULL"
    " WHERE id = $1"
    " AND $8::text IS NULL RETURNING id)" EVENT_LISTS;
/* A related list by rank: the ranks past its end go, the others are
 * written over. */
static const char related_put[] =
    "WITH d AS (DELETE FROM related WHERE event_id = $1 AND rank >= $4)"
    " INSERT INTO related (event_id, rank, related_id, weight)"
    " SELECT $1, u.r - 1, u.i, u.w FROM unnest($2::bigint[], $3::float8[])"
    " WITH ORDINALITY AS u(i, w, r)"
    " ON CONFLICT (event_id, rank) DO UPDATE SET related_id = EXCLUDED.related_id,"
    " weight = EXCLUDED.weight";
static const char story_upsert[] =
    "INSERT INTO stories (id, first_event, events, sources, tiers, first_seen, last_seen)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET"
    " first_event = EXCLUDED.first_event, events = EXCLUDED.events,"
    " sources = EXCLUDED.sources, tiers = EXCLUDED.tiers,"
    " first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen";
static const char guide_upsert[] =
    "INSERT INTO guides (slug, kind, title, summary, body) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (slug) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title,"
    " summary = EXCLUDED.summary, body = EXCLUDED.body";
/* Appends an element to an array in text form ({"a","b"}): text quoted,
 * with \ before " and \; NULL as NULL; a number as it is. */
static void
arr_text(struct buf *b, const char *s)
{
    buf_putc(b, b->len ? ',' : '{');
    if (s == NULL) {
        buf_puts(b, "NULL");
        return;
    }
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void
arr_num(struct buf *b, const char *fmt, double v, int64_t i)
{
    buf_putc(b, b->len ? ',' : '{');
    if (fmt)
        buf_printf(b, fmt, v);
    else
        buf_printf(b, "%lld", (long long)i);
}

/* Closes an array ({} when empty) and returns its text. */
static const char *
arr_end(struct buf *b)
{
    buf_puts(b, b->len ? "}" : "{}");
    return buf_cstr(b);
}

/* n bytes as bytea's hex text form ("\x0a1b..."), for a text parameter. */
static char *
hex_bytes(const void *bytes, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = bytes;
    char *s = xmalloc(2 * n + 3), *o = s;

    *o++ = '\\';
    *o++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *o++ = hex[p[i] >> 4];
        *o++ = hex[p[i] & 15];
    }
    *o = '\0';
    return s;
}

/* The terms as bytea's hex text form. */
static char *
hex_bytea(const uint64_t *terms, size_t nterms)
{
    return hex_bytes(terms, nterms * sizeof(uint64_t));
}

int
pg_put_event(struct store *st, const struct event_rec *ev, time_t now)
{
    /* An upsert, not a replace: a replace would delete the row and, by
     * cascade, the event's related list, which is kept apart. An old event
     * analysed again keeps its content hash (and must exist). */
    struct pg_params p = { 0 };
    struct buf en = BUF_INIT(BUF_MAX_DEFAULT), ek = BUF_INIT(BUF_MAX_DEFAULT),
               em = BUF_INIT(BUF_MAX_DEFAULT), et = BUF_INIT(BUF_MAX_DEFAULT),
               gs = BUF_INIT(BUF_MAX_DEFAULT), gw = BUF_INIT(BUF_MAX_DEFAULT),
               cn = BUF_INIT(BUF_MAX_DEFAULT);
    /* SQLite stores no terms (a blob of no bytes) as NULL */
    char *terms = ev->nterms ? hex_bytea(ev->terms, ev->nterms) : NULL;
    char *reasons = col_reasons_json(ev->reasons, ev->nreasons);
    int rc;

    for (size_t i = 0; i < ev->nentities; i++) {
        arr_text(&en, ev->entities[i].name);
        arr_text(&ek, ev->entities[i].kind);
        arr_num(&em, NULL, 0, ev->entities[i].mentions);
        arr_num(&et, NULL, 0, ev->entities[i].in_title);
    }
    for (size_t i = 0; i < ev->nguides; i++) {
        arr_text(&gs, ev->guides[i].slug);
        arr_num(&gw, "%.17g", ev->guides[i].weight, 0);
    }
    for (size_t i = 0; i < ev->ncandidates; i++)
        arr_text(&cn, ev->candidates[i]);
    pg_p_i64(&p, ev->id);
    pg_p_i64(&p, ev->score);
    pg_p_text(&p, ev->kind);
    pg_p_text(&p, ev->summary);
    pg_p_i64(&p, ev->story_id);
    pg_p_text(&p, reasons);
    pg_p_text(&p, terms);
    pg_p_text(&p, ev->content_hash);
    pg_p_i64(&p, (int64_t)now);
    pg_p_i64(&p, (int64_t)ev->simhash);
    pg_p_text(&p, arr_end(&en));
    pg_p_text(&p, arr_end(&ek));
    pg_p_text(&p, arr_end(&em));
    pg_p_text(&p, arr_end(&et));
    pg_p_text(&p, arr_end(&gs));
    pg_p_text(&p, arr_end(&gw));
    pg_p_text(&p, arr_end(&cn));
    if (buf_cut(&en) || buf_cut(&ek) || buf_cut(&gs) || buf_cut(&cn)) {
        rc = ALM_ETOOBIG;
    } else {
        /* (pipelined in the analysis's transaction: pg_cmd_kept) */
        rc = pg_cmd_kept(PG(st), ev->content_hash ? event_upsert : event_rescore, &p);
    }
    free(terms);
    free(reasons);
    buf_fini(&en);
    buf_fini(&ek);
    buf_fini(&em);
    buf_fini(&et);
    buf_fini(&gs);
    buf_fini(&gw);
    buf_fini(&cn);
    return rc;
}

/* A raw related list is kept as SQLite's events.c keeps it: pairs of the
 * id and the weight, as the machine writes them, at most RAW_MAX. */
#define RAW_MAX 64
#define RAW_PAIR (sizeof(int64_t) + sizeof(double))

int
pg_put_related(struct store *st, int64_t id, const int64_t *ids, const double *weights,
               size_t n, const struct related_raw *raw)
{
    struct pg_params p = { 0 }, q = { 0 };
    struct buf a1 = BUF_INIT(BUF_MAX_DEFAULT), a2 = BUF_INIT(BUF_MAX_DEFAULT);
    unsigned char blob[RAW_MAX * RAW_PAIR];
    size_t nraw = raw ? (raw->n < RAW_MAX ? raw->n : RAW_MAX) : 0;
    char *hex = NULL;
    int rc;

    for (size_t i = 0; i < n; i++) {
        arr_num(&a1, NULL, 0, ids[i]);
        arr_num(&a2, "%.17g", weights[i], 0);
    }
    pg_p_i64(&p, id);
    pg_p_text(&p, arr_end(&a1));
    pg_p_text(&p, arr_end(&a2));
    pg_p_i64(&p, (int64_t)n);
    rc = pg_cmd_kept(PG(st), related_put, &p);
    buf_fini(&a1);
    buf_fini(&a2);
    if (rc != ALM_OK)
        return rc;
    for (size_t i = 0; i < nraw; i++) {
        memcpy(blob + i * RAW_PAIR, &raw->ids[i], sizeof(int64_t));
        memcpy(blob + i * RAW_PAIR + sizeof(int64_t), &raw->weights[i], sizeof(double));
    }
    if (raw) {
        hex = hex_bytes(blob, nraw * RAW_PAIR);
        pg_p_f64(&q, raw->floor);
        pg_p_text(&q, hex);
    } else {
        pg_p_null(&q);
        pg_p_null(&q);
    }
    pg_p_i64(&q, id);
    rc = pg_cmd_kept(PG(st), "UPDATE events SET related_floor = $1, related_raw = $2::bytea"
                             " WHERE id = $3", &q);
    free(hex);
    return rc;
}

int
pg_get_related_raw(struct store *st, int64_t id, int64_t *ids, double *weights, size_t cap,
                   size_t *n)
{
    struct pg_params p = { 0 };
    unsigned char *blob;
    size_t len;
    PGresult *r;
    int rc;

    *n = 0;
    pg_p_i64(&p, id);
    r = pg_query_kept(PG(st), "SELECT related_raw FROM events WHERE id = $1", &p, &rc);
    if (r == NULL)
        return rc;
    if (PQntuples(r) < 1 || PQgetisnull(r, 0, 0)) {
        PQclear(r);
        return ALM_ENOTFOUND;
    }
    blob = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &len);
    PQclear(r);
    if (blob == NULL)
        return ALM_ESTORE;
    for (size_t i = 0; i < len / RAW_PAIR && i < cap; i++) {
        memcpy(&ids[i], blob + i * RAW_PAIR, sizeof(int64_t));
        memcpy(&weights[i], blob + i * RAW_PAIR + sizeof(int64_t), sizeof(double));
        (*n)++;
    }
    PQfreemem(blob);
    return ALM_OK;
}

int
pg_put_story(struct store *st, int64_t story_id, int64_t first_event, int events, int sources,
             int tiers_mask, time_t first_seen, time_t last_seen)
{
    struct pg_params p = { 0 };

    pg_p_i64(&p, story_id);
    pg_p_i64(&p, first_event);
    pg_p_i64(&p, events);
    pg_p_i64(&p, sources);
    pg_p_i64(&p, tiers_mask);
    pg_p_i64(&p, (int64_t)first_seen);
    pg_p_i64(&p, (int64_t)last_seen);
    return pg_cmd_kept(PG(st), story_upsert, &p);
}

int
pg_prune_stories(struct store *st)
{
    /* NOT EXISTS, an anti-join on events_story: NOT IN (SELECT ...) ran as
     * a subplan that read the events once per story when PostgreSQL did
     * not hash it (at 50,000 events: minutes; now a few milliseconds) */
    return pgq_exec(st, "DELETE FROM stories s WHERE NOT EXISTS"
                        " (SELECT 1 FROM events e WHERE e.story_id = s.id)", NULL);
}

int
pg_put_guide(struct store *st, const char *slug, const char *kind, const char *title,
             const char *summary, const char *body)
{
    struct pgq_args a;

    pgq_init(&a);
    pgq_text(&a, 1, slug);
    pgq_text(&a, 2, kind);
    pgq_text(&a, 3, title);
    pgq_text(&a, 4, summary);
    pgq_text(&a, 5, body);
    return pgq_exec(st, guide_upsert, &a);
}

int
pg_count_guides_without_kind(struct store *st, int64_t *out)
{
    return pgq_count(st, "SELECT count(*) FROM guides WHERE kind IS NULL", out);
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
        " coalesce(so.author, so.name), e.kind, e.simhash, i.title, e.related_floor"
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
            .org = pg_col_text(r, row, 9),
            .kind = pg_col_text(r, row, 10),
            .simhash = (uint64_t)pg_col_i64(r, row, 11),
            .title = pg_col_text(r, row, 12),
            .related_floor = PQgetisnull(r, row, 13) ? -1 : pg_col_f64(r, row, 13),
        };
        col_split(pg_col_text(r, row, 7), '\n', &ir.entities);
        col_split(pg_col_text(r, row, 8), '\n', &ir.guides);
        stop = fn(&ir, arg);
        str_list_fini(&ir.entities);
        str_list_fini(&ir.guides);
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
    "   FROM event_guides WHERE event_id = e.id), e.summary_model"

static void
event_read(const PGresult *r, int row, struct event *e)
{
    memset(e, 0, sizeof(*e));
    pg_item_read(r, row, &e->item);
    e->score = (int)pg_col_i64(r, row, 18);
    e->kind = pg_col_str(r, row, 19);
    e->summary = pg_col_str(r, row, 20);
    col_reasons_read(pg_col_text(r, row, 21), &e->reasons, &e->nreasons);
    e->story_id = pg_col_i64(r, row, 22);
    col_split(pg_col_text(r, row, 23), '\n', &e->guides);
    e->summary_model = pg_col_str(r, row, 24);
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
        e.weight = pg_col_f64(r, row, 25);
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
