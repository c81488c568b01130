/*
 * pg_ingest.c - the PostgreSQL backend's half of store.h that ingest
 * writes through: sources, the fetch log, items (one transaction per
 * feed), the linked articles and robots.txt. The SQL is sqlite.c's and
 * articles.c's, in PostgreSQL's words; the semantics are the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"

#include "store/pg_internal.h"

/* ---- sources ---- */

int
pg_sync_source(struct store *st, const struct source *src, int64_t *id_out)
{
    /* feed_url follows the config unless a permanent redirect moved it
     * since the config last changed (config_url remembers which). */
    static const char sql[] =
        "INSERT INTO sources (slug, name, author, config_url, feed_url, site_url, tier, kind,"
        " local, enabled) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (slug) DO UPDATE SET name = $2, author = $3, site_url = $5, tier = $6,"
        " kind = $7, local = $8, enabled = $9,"
        " feed_url = CASE WHEN sources.config_url = $4 THEN sources.feed_url ELSE $4 END,"
        " config_url = $4"
        " RETURNING id";
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, src->slug);
    pg_p_text(&p, src->name);
    pg_p_text(&p, src->author);
    pg_p_text(&p, src->feed_url);
    pg_p_text(&p, src->site_url);
    pg_p_i64(&p, src->tier);
    pg_p_text(&p, src->kind);
    pg_p_i64(&p, src->local);
    pg_p_i64(&p, src->enabled);
    res = pg_query(pg, sql, &p, &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 1)
        *id_out = pg_col_i64(res, 0, 0);
    else
        rc = ALM_ESTORE;
    PQclear(res);
    return rc;
}

int
pg_get_source(struct store *st, const char *slug, struct source_state *out)
{
    static const char sql[] =
        "SELECT id, slug, feed_url, etag, last_modified, next_due, failures, last_fetch,"
        " last_success, last_status, last_error,"
        " (SELECT count(*) FROM items WHERE source_id = sources.id),"
        " (SELECT count(*) FROM articles WHERE source_id = sources.id AND ok),"
        " (SELECT count(*) FROM articles WHERE source_id = sources.id AND NOT ok),"
        " (SELECT error FROM articles WHERE source_id = sources.id AND error IS NOT NULL"
        "  ORDER BY last_try DESC, item_id DESC LIMIT 1)"
        " FROM sources WHERE slug = $1";
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, slug);
    res = pg_query(pg, sql, &p, &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ALM_ENOTFOUND;
    }
    memset(out, 0, sizeof(*out));
    out->id = pg_col_i64(res, 0, 0);
    out->slug = pg_col_str(res, 0, 1);
    out->feed_url = pg_col_str(res, 0, 2);
    out->etag = pg_col_str(res, 0, 3);
    out->last_modified = pg_col_str(res, 0, 4);
    out->next_due = pg_col_time(res, 0, 5);
    out->failures = pg_col_int(res, 0, 6);
    out->last_fetch = pg_col_time(res, 0, 7);
    out->last_success = pg_col_time(res, 0, 8);
    out->last_status = (long)pg_col_i64(res, 0, 9);
    out->last_error = pg_col_str(res, 0, 10);
    out->items = pg_col_i64(res, 0, 11);
    out->articles_ok = pg_col_i64(res, 0, 12);
    out->articles_failed = pg_col_i64(res, 0, 13);
    out->article_error = pg_col_str(res, 0, 14);
    PQclear(res);
    return ALM_OK;
}

int
pg_record_fetch(struct store *st, int64_t source_id, const struct fetch_record *r)
{
    static const char log_sql[] =
        "INSERT INTO fetch_log (source_id, started, status, bytes, duration, new_items,"
        " updated_items, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    static const char ok_sql[] =
        "UPDATE sources SET last_fetch = $2, last_status = $3, last_error = NULL,"
        " failures = 0, last_success = $2, next_due = $4,"
        " etag = coalesce($5, etag), last_modified = coalesce($6, last_modified),"
        " feed_url = coalesce($7, feed_url) WHERE id = $1";
    static const char err_sql[] =
        "UPDATE sources SET last_fetch = $2, last_status = $3, last_error = $5,"
        " failures = failures + 1, next_due = $4 WHERE id = $1";
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 }, q = { 0 };
    int outer = PQtransactionStatus(pg->conn) != PQTRANS_IDLE;
    int rc;

    /* inside the caller's transaction a savepoint, else one of its own */
    if ((rc = pg_exec(pg, outer ? "SAVEPOINT fetch" : "BEGIN")) != ALM_OK)
        return rc;
    pg_p_i64(&p, source_id);
    pg_p_i64(&p, r->started);
    pg_p_i64(&p, r->status);
    pg_p_i64(&p, (int64_t)r->bytes);
    pg_p_f64(&p, r->duration);
    pg_p_i64(&p, r->new_items);
    pg_p_i64(&p, r->updated_items);
    pg_p_text(&p, r->error);
    rc = pg_cmd_kept(pg, log_sql, &p);
    if (rc == ALM_OK) {
        pg_p_i64(&q, source_id);
        pg_p_i64(&q, r->started);
        pg_p_i64(&q, r->status);
        pg_p_i64(&q, r->next_due);
        if (r->ok) {
            pg_p_text(&q, r->etag);
            pg_p_text(&q, r->last_modified);
            pg_p_text(&q, r->permanent_url);
        } else {
            pg_p_text(&q, r->error);
        }
        rc = pg_cmd_kept(pg, r->ok ? ok_sql : err_sql, &q);
    }
    if (outer) {
        if (rc == ALM_OK)
            return pg_exec(pg, "RELEASE fetch");
        {
            char keep[sizeof(pg->err)];

            memcpy(keep, pg->err, sizeof(keep));
            pg_exec(pg, "ROLLBACK TO fetch");
            pg_exec(pg, "RELEASE fetch");
            memcpy(pg->err, keep, sizeof(keep));
        }
        return rc;
    }
    if (rc == ALM_OK && (rc = pg_tx_commit(pg)) == ALM_OK)
        return ALM_OK;
    pg_tx_rollback(pg);
    return rc;
}

int
pg_count_fetch_errors(struct store *st, int64_t *out)
{
    return pg_one_int(PG(st), "SELECT count(*) FROM fetch_log WHERE error IS NOT NULL", NULL,
                      out);
}

/* ---- items ---- */

static const char insert_item[] =
    "INSERT INTO items (source_id, ident, guid, url, canonical_url, title, author,"
    " published, updated, summary_html, content_html, text, categories, image,"
    " content_hash, first_seen, last_seen, claimed_published, byline)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17,"
    " (SELECT s.name || coalesce(' ' || s.author, '') FROM sources s WHERE s.id = $1)"
    "   || coalesce(' ' || $7::text, ''))";
/* A changed entry whose date is (still) from the future keeps the date the
 * item has: a claim from the future never moves an item forward. */
static const char update_item[] =
    "UPDATE items SET guid = $2, url = $3, canonical_url = $4, title = $5, author = $6,"
    " published = CASE WHEN $16::bigint IS NULL THEN coalesce($7::bigint, published)"
    "   ELSE published END,"
    " updated = $8, summary_html = $9, content_html = $10, text = $11, categories = $12,"
    " image = $13, content_hash = $14, last_seen = $15, claimed_published = $16,"
    " byline = (SELECT s.name || coalesce(' ' || s.author, '') FROM sources s"
    "   WHERE s.id = items.source_id) || coalesce(' ' || $6::text, '') WHERE id = $1";

/* The stored state of a feed's entries: ident -> id, content hash. */
struct known {
    const char *ident, *hash;
    int64_t id;
};

static int
known_cmp(const void *a, const void *b)
{
    return strcmp(((const struct known *)a)->ident, ((const struct known *)b)->ident);
}

/* The feed's idents as an array literal, {"a","b"}: each element quoted,
 * with " and \ escaped. */
static char *
ident_array(const struct store_rows *rows)
{
    size_t cap = 3, len = 0;
    char *a;

    for (size_t i = 0; i < rows->n; i++)
        cap += 2 * strlen(rows->v[i].ident) + 3;
    a = xmalloc(cap);
    a[len++] = '{';
    for (size_t i = 0; i < rows->n; i++) {
        if (i > 0)
            a[len++] = ',';
        a[len++] = '"';
        for (const char *c = rows->v[i].ident; *c; c++) {
            if (*c == '"' || *c == '\\')
                a[len++] = '\\';
            a[len++] = *c;
        }
        a[len++] = '"';
    }
    a[len++] = '}';
    a[len] = '\0';
    return a;
}

/*
 * Reads which of the feed's entries are stored, in one query: *res holds
 * the rows (ident, id, content_hash) that *known (sorted by ident, *nknown
 * of them) points into. The caller clears *res and frees *known.
 */
static int
lookup_rows(struct pg_store *pg, int64_t source_id, const struct store_rows *rows,
            PGresult **res, struct known **known, int *nknown)
{
    static const char sql[] = "SELECT ident, id, content_hash FROM items"
                              " WHERE source_id = $1 AND ident = ANY($2::text[])";
    struct pg_params p = { 0 };
    char *arr = ident_array(rows);
    int rc;

    pg_p_i64(&p, source_id);
    pg_p_text(&p, arr);
    *res = pg_query_kept(pg, sql, &p, &rc);
    free(arr);
    if (*res == NULL)
        return rc;
    *nknown = PQntuples(*res);
    *known = xcalloc((size_t)*nknown + 1, sizeof(**known));
    for (int r = 0; r < *nknown; r++) {
        (*known)[r].ident = PQgetvalue(*res, r, 0);
        (*known)[r].id = pg_col_i64(*res, r, 1);
        (*known)[r].hash = PQgetvalue(*res, r, 2);
    }
    qsort(*known, (size_t)*nknown, sizeof(**known), known_cmp);
    return ALM_OK;
}

/* Sends the insert (status 0) or update (2) of one prepared row into the
 * pipeline. The search vector is a generated column: it follows title and
 * text. */
static int
send_row(struct pg_store *pg, const char *stmt, int64_t source_id, int64_t id, int status,
         const struct store_row *r, time_t undated, time_t now)
{
    struct pg_params p = { 0 };

    if (status == 0) {
        pg_p_i64(&p, source_id);
        pg_p_text(&p, r->ident);
    } else {
        pg_p_i64(&p, id);
    }
    pg_p_text(&p, r->guid);
    pg_p_text(&p, r->url);
    pg_p_text(&p, r->canon);
    pg_p_text(&p, r->title);
    pg_p_text(&p, r->author);
    if (r->has_date)
        pg_p_i64(&p, r->date);
    else if (status == 0)
        pg_p_i64(&p, undated);
    else
        pg_p_null(&p);
    if (r->has_updated)
        pg_p_i64(&p, r->updated);
    else
        pg_p_null(&p);
    pg_p_text(&p, r->summary);
    pg_p_text(&p, r->content);
    pg_p_text(&p, r->text);
    pg_p_text(&p, r->cats);
    pg_p_text(&p, r->image);
    pg_p_text(&p, r->hash);
    pg_p_i64(&p, now);
    if (r->claimed)
        pg_p_i64(&p, r->claimed);
    else
        pg_p_null(&p);
    if (!PQsendQueryPrepared(pg->conn, stmt, p.n, p.v, NULL, NULL, 0))
        return pg_fail(pg, NULL);
    return ALM_OK;
}

/*
 * Sends every insert and update of the feed at once (libpq's pipeline
 * mode: one round trip for the feed, not one per entry), then reads their
 * results: ALM_OK when all succeeded, else the first failure.
 */
static int
write_rows(struct pg_store *pg, int64_t source_id, const struct store_rows *rows,
           const struct known *known, int nknown, time_t now, struct put_stats *stats)
{
    char ins[16], upd[16];
    int rc, first = ALM_OK;

    if ((rc = pg_kept(pg, insert_item, ins)) != ALM_OK ||
        (rc = pg_kept(pg, update_item, upd)) != ALM_OK)
        return rc;
    if (!PQenterPipelineMode(pg->conn))
        return pg_fail(pg, NULL);
    for (size_t i = 0; i < rows->n && rc == ALM_OK; i++) {
        const struct store_row *r = &rows->v[i];
        struct known key = { .ident = r->ident }, *k;
        int status = 0;

        k = bsearch(&key, known, (size_t)nknown, sizeof(*known), known_cmp);
        if (k != NULL)
            status = strcmp(k->hash, r->hash) == 0 ? 1 : 2;
        if (status == 1) {
            stats->unchanged++;
            continue;
        }
        rc = send_row(pg, status == 0 ? ins : upd, source_id, k ? k->id : 0, status, r,
                      rows->undated, now);
        if (rc == ALM_OK) {
            if (status == 0)
                stats->new_items++;
            else
                stats->updated_items++;
        }
    }
    if (!PQpipelineSync(pg->conn) && rc == ALM_OK)
        rc = pg_fail(pg, NULL);
    /* every result, then the sync's: the pipeline must be drained whatever
     * failed (after a failure the rest answer PGRES_PIPELINE_ABORTED) */
    for (int nulls = 0;;) {
        PGresult *res = PQgetResult(pg->conn);
        ExecStatusType s;

        /* NULL ends one query's results; two in a row: nothing more will
         * come (the connection failed, or the sync was never sent) */
        if (res == NULL) {
            if (++nulls == 2 || PQstatus(pg->conn) != CONNECTION_OK)
                break;
            continue;
        }
        nulls = 0;
        s = PQresultStatus(res);
        if (s == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            break;
        }
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_PIPELINE_ABORTED &&
            first == ALM_OK)
            first = pg_fail(pg, res);
        PQclear(res);
    }
    if (!PQexitPipelineMode(pg->conn) && rc == ALM_OK && first == ALM_OK)
        rc = pg_fail(pg, NULL);
    return rc != ALM_OK ? rc : first;
}

/*
 * One transaction per feed, as SQLite's. Two processes storing the same
 * source at once (two `almanac ingest` started together) would both find an
 * entry new and both insert it: a transaction-level advisory lock on the
 * source makes the second wait for the first's commit, then find its rows.
 * Within a feed every ident is distinct (ingest/rows.c keeps the first of
 * entries listed twice).
 */
int
pg_put_rows(struct store *st, int64_t source_id, const struct store_rows *rows, time_t now,
            struct put_stats *stats)
{
    static const char lock_sql[] = "SELECT pg_advisory_xact_lock(1634496865, $1::int)";
    struct pg_store *pg = PG(st);
    struct put_stats local = { 0, 0, rows->duplicates };
    struct pg_params p = { 0 };
    struct known *known = NULL;
    PGresult *res = NULL;
    int rc, nknown = 0;

    if ((rc = pg_tx_begin(pg)) != ALM_OK)
        return rc;
    pg_p_i64(&p, source_id);
    rc = pg_cmd_kept(pg, lock_sql, &p);
    if (rc == ALM_OK && rows->n > 0)
        rc = lookup_rows(pg, source_id, rows, &res, &known, &nknown);
    if (rc == ALM_OK && rows->n > 0)
        rc = write_rows(pg, source_id, rows, known, nknown, now, &local);
    PQclear(res);
    free(known);
    if (rc != ALM_OK || (rc = pg_tx_commit(pg)) != ALM_OK) {
        pg_tx_rollback(pg);
        return rc;
    }
    if (stats)
        *stats = local;
    return ALM_OK;
}

int
pg_get_item(struct store *st, int64_t id, struct item **out)
{
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_i64(&p, id);
    res = pg_query(pg, "SELECT " PG_ITEM_COLS " FROM items i JOIN sources s"
                       " ON s.id = i.source_id WHERE i.id = $1", &p, &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 0) {
        rc = ALM_ENOTFOUND;
    } else {
        struct item *it = xcalloc(1, sizeof(*it));

        pg_item_read(res, 0, it);
        *out = it;
    }
    PQclear(res);
    return rc;
}

int
pg_item_claimed(struct store *st, int64_t id, time_t *claimed)
{
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_i64(&p, id);
    res = pg_query(pg, "SELECT coalesce(claimed_published, 0) FROM items WHERE id = $1", &p,
                   &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 0)
        rc = ALM_ENOTFOUND;
    else
        *claimed = pg_col_time(res, 0, 0);
    PQclear(res);
    return rc;
}

int
pg_count_items(struct store *st, int64_t source_id, int64_t *out)
{
    struct pg_params p = { 0 };

    pg_p_i64(&p, source_id);
    return pg_one_int(PG(st), "SELECT count(*) FROM items WHERE $1::bigint = 0"
                              " OR source_id = $1::bigint", &p, out);
}

/* ---- linked articles ---- */

/* Every due row is read before fn sees the first: fn may store through
 * the same connection. */
int
pg_articles_due(struct store *st, time_t since, time_t now, int max_attempts,
                int (*fn)(const struct article_due *a, void *arg), void *arg)
{
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_i64(&p, since);
    pg_p_i64(&p, now);
    pg_p_i64(&p, max_attempts);
    res = pg_query(pg,
        "SELECT i.id, i.source_id, s.slug, i.url, i.text, a.etag, a.last_modified,"
        " coalesce(a.attempts, 0), a.item_id IS NOT NULL"
        " FROM items i JOIN sources s ON s.id = i.source_id"
        " LEFT JOIN articles a ON a.item_id = i.id"
        " WHERE i.first_seen >= $1 AND (i.url LIKE 'http://%' OR i.url LIKE 'https://%')"
        " AND (a.item_id IS NULL OR (NOT a.ok AND a.attempts < $3 AND a.next_try <= $2)"
        "  OR (a.ok AND a.item_hash IS DISTINCT FROM i.content_hash AND a.attempts < $3"
        "      AND a.next_try <= $2))"
        " ORDER BY i.published DESC, i.id DESC", &p, &rc);
    if (res == NULL)
        return rc;
    for (int r = 0; r < PQntuples(res); r++) {
        struct article_due a = {
            .item_id = pg_col_i64(res, r, 0),
            .source_id = pg_col_i64(res, r, 1),
            .slug = pg_col_text(res, r, 2),
            .url = pg_col_text(res, r, 3),
            .text = pg_col_text(res, r, 4),
            .etag = pg_col_text(res, r, 5),
            .last_modified = pg_col_text(res, r, 6),
            .attempts = pg_col_int(res, r, 7),
            .known = pg_col_bool(res, r, 8),
        };
        if (fn(&a, arg))
            break;
    }
    PQclear(res);
    return ALM_OK;
}

static const char ok_sql[] =
    "INSERT INTO articles (item_id, source_id, url, ok, attempts, next_try, last_try, status,"
    " error, etag, last_modified, hash, bytes, item_hash)"
    " VALUES ($1, $2, $3, true, 0, 0, $4, $5, NULL, $6, $7, $8, $9,"
    " (SELECT content_hash FROM items WHERE id = $1))"
    " ON CONFLICT (item_id) DO UPDATE SET url = $3, ok = true, attempts = 0, next_try = 0,"
    " last_try = $4, status = $5, error = NULL, etag = coalesce($6, articles.etag),"
    " last_modified = coalesce($7, articles.last_modified), hash = coalesce($8, articles.hash),"
    " bytes = coalesce($9, articles.bytes),"
    " item_hash = (SELECT content_hash FROM items WHERE id = $1)";
static const char fail_sql[] =
    "INSERT INTO articles (item_id, source_id, url, ok, attempts, next_try, last_try, status,"
    " error) VALUES ($1, $2, $3, false, 1, $6, $4, $5, $7)"
    " ON CONFLICT (item_id) DO UPDATE SET url = $3, attempts = articles.attempts + 1,"
    " next_try = $6, last_try = $4, status = $5, error = $7";

int
pg_put_article(struct store *st, int64_t item_id, int64_t source_id,
               const struct article_record *r)
{
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    int rc;

    pg_p_i64(&p, item_id);
    pg_p_i64(&p, source_id);
    pg_p_text(&p, r->url);
    pg_p_i64(&p, r->tried);
    pg_p_i64(&p, r->status);
    if (r->ok) {
        pg_p_text(&p, r->etag);
        pg_p_text(&p, r->last_modified);
        pg_p_text(&p, r->not_modified ? NULL : r->hash);
        if (r->not_modified)
            pg_p_null(&p);
        else
            pg_p_i64(&p, (int64_t)r->bytes);
    } else {
        pg_p_i64(&p, r->next_try);
        pg_p_text(&p, r->error ? r->error : "failed");
    }
    if ((rc = pg_tx_begin(pg)) != ALM_OK)
        return rc;
    rc = pg_cmd(pg, r->ok ? ok_sql : fail_sql, &p);
    if (rc == ALM_OK && r->ok && !r->not_modified) {
        /* the search vector (generated) follows the new text */
        struct pg_params q = { 0 };

        pg_p_text(&q, r->text);
        pg_p_i64(&q, item_id);
        rc = pg_cmd(pg, "UPDATE items SET article_text = $1 WHERE id = $2", &q);
    }
    if (rc != ALM_OK || (rc = pg_tx_commit(pg)) != ALM_OK) {
        pg_tx_rollback(pg);
        return rc;
    }
    return ALM_OK;
}

int
pg_get_robots(struct store *st, const char *origin, char **rules, time_t *fetched)
{
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, origin);
    res = pg_query(pg, "SELECT rules, fetched FROM robots WHERE origin = $1", &p, &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 0) {
        rc = ALM_ENOTFOUND;
    } else {
        *rules = pg_col_str(res, 0, 0);
        *fetched = pg_col_time(res, 0, 1);
    }
    PQclear(res);
    return rc;
}

int
pg_put_robots(struct store *st, const char *origin, const char *rules, time_t fetched)
{
    struct pg_params p = { 0 };

    pg_p_text(&p, origin);
    pg_p_text(&p, rules);
    pg_p_i64(&p, fetched);
    return pg_cmd(PG(st), "INSERT INTO robots (origin, rules, fetched) VALUES ($1, $2, $3)"
                          " ON CONFLICT (origin) DO UPDATE SET rules = excluded.rules,"
                          " fetched = excluded.fetched", &p);
}
