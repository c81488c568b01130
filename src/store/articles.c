/*
 * articles.c - the SQLite backend's half of store.h that keeps the linked
 * articles of items: which are due, and what a fetch brought.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

int
sq_articles_due(struct store *st, time_t since, time_t now, int max_attempts,
                   int (*fn)(const struct article_due *a, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st,
        "SELECT i.id, i.source_id, s.slug, i.url, i.text, a.etag, a.last_modified,"
        " coalesce(a.attempts, 0), a.item_id IS NOT NULL"
        " FROM items i JOIN sources s ON s.id = i.source_id"
        " LEFT JOIN articles a ON a.item_id = i.id"
        " WHERE i.first_seen >= ?1 AND (i.url LIKE 'http://%' OR i.url LIKE 'https://%')"
        " AND (a.item_id IS NULL OR (NOT a.ok AND a.attempts < ?3 AND a.next_try <= ?2)"
        "  OR (a.ok AND a.item_hash IS NOT i.content_hash AND a.attempts < ?3"
        "      AND a.next_try <= ?2))"
        " ORDER BY i.published DESC, i.id DESC");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, since);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int(s, 3, max_attempts);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct article_due a = {
            .item_id = sqlite3_column_int64(s, 0),
            .source_id = sqlite3_column_int64(s, 1),
            .slug = (const char *)sqlite3_column_text(s, 2),
            .url = (const char *)sqlite3_column_text(s, 3),
            .text = (const char *)sqlite3_column_text(s, 4),
            .etag = (const char *)sqlite3_column_text(s, 5),
            .last_modified = (const char *)sqlite3_column_text(s, 6),
            .attempts = sqlite3_column_int(s, 7),
            .known = sqlite3_column_int(s, 8),
        };
        if (fn(&a, arg))
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

static const char ok_sql[] =
    "INSERT INTO articles (item_id, source_id, url, ok, attempts, next_try, last_try, status,"
    " error, etag, last_modified, hash, bytes, item_hash)"
    " VALUES (?1, ?2, ?3, 1, 0, 0, ?4, ?5, NULL, ?6, ?7, ?8, ?9,"
    " (SELECT content_hash FROM items WHERE id = ?1))"
    " ON CONFLICT(item_id) DO UPDATE SET url = ?3, ok = 1, attempts = 0, next_try = 0,"
    " last_try = ?4, status = ?5, error = NULL, etag = coalesce(?6, etag),"
    " last_modified = coalesce(?7, last_modified), hash = coalesce(?8, hash),"
    " bytes = coalesce(?9, bytes), item_hash = (SELECT content_hash FROM items WHERE id = ?1)";
static const char fail_sql[] =
    "INSERT INTO articles (item_id, source_id, url, ok, attempts, next_try, last_try, status,"
    " error) VALUES (?1, ?2, ?3, 0, 1, ?10, ?4, ?5, ?11)"
    " ON CONFLICT(item_id) DO UPDATE SET url = ?3, attempts = attempts + 1, next_try = ?10,"
    " last_try = ?4, status = ?5, error = ?11";

/* Binds the record to ok_sql or fail_sql (they share the numbering). */
static void
bind_record(sqlite3_stmt *s, int64_t item_id, int64_t source_id, const struct article_record *r)
{
    sqlite3_bind_int64(s, 1, item_id);
    sqlite3_bind_int64(s, 2, source_id);
    sq_bind_text(s, 3, r->url);
    sqlite3_bind_int64(s, 4, r->tried);
    sqlite3_bind_int64(s, 5, r->status);
    if (r->ok) {
        sq_bind_text(s, 6, r->etag);
        sq_bind_text(s, 7, r->last_modified);
        sq_bind_text(s, 8, r->not_modified ? NULL : r->hash);
        if (!r->not_modified)
            sqlite3_bind_int64(s, 9, (sqlite3_int64)r->bytes);
    } else {
        sqlite3_bind_int64(s, 10, r->next_try);
        sq_bind_text(s, 11, r->error ? r->error : "failed");
    }
}

/* Runs one statement with text bound at 1 and the item id at 2. */
static int
run_item(struct store *st, const char *sql, int64_t item_id, const char *text)
{
    sqlite3_stmt *s = sq_prepare(st, sql);
    int rc;

    if (s == NULL)
        return ALM_ESTORE;
    if (text)
        sq_bind_text(s, 1, text);
    sqlite3_bind_int64(s, 2, item_id);
    rc = sqlite3_step(s) == SQLITE_DONE ? ALM_OK : sq_fail(st, ALM_ESTORE);
    sqlite3_finalize(s);
    return rc;
}

int
sq_put_article(struct store *st, int64_t item_id, int64_t source_id,
                  const struct article_record *r)
{
    sqlite3_stmt *s;
    int rc = ALM_OK;

    if (sq_exec(st, "BEGIN IMMEDIATE") != ALM_OK)
        return sq_failure(st);
    if ((s = sq_prepare(st, r->ok ? ok_sql : fail_sql)) == NULL) {
        rc = ALM_ESTORE;
    } else {
        bind_record(s, item_id, source_id, r);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = sq_fail(st, ALM_ESTORE);
        sqlite3_finalize(s);
    }
    if (rc == ALM_OK && r->ok && !r->not_modified) {
        /* the index forgets the row as it was, then learns it as it is */
        rc = run_item(st, "INSERT INTO items_fts (items_fts, rowid, title, text, article_text,"
                          " byline) SELECT 'delete', id, title, text, article_text, byline"
                          " FROM items"
                          " WHERE id = ?2 AND ?1 IS NULL", item_id, NULL);
        if (rc == ALM_OK)
            rc = run_item(st, "UPDATE items SET article_text = ?1 WHERE id = ?2", item_id,
                          r->text);
        if (rc == ALM_OK)
            rc = run_item(st, "INSERT INTO items_fts (rowid, title, text, article_text, byline)"
                              " SELECT id, title, text, article_text, byline FROM items"
                              " WHERE id = ?2 AND ?1 IS NULL", item_id, NULL);
    }
    if (rc != ALM_OK || sq_exec(st, "COMMIT") != ALM_OK) {
        sq_rollback(st);
        return sq_failure(st);
    }
    return ALM_OK;
}

int
sq_get_robots(struct store *st, const char *origin, char **rules, time_t *fetched)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT rules, fetched FROM robots WHERE origin = ?");
    int rc = ALM_ENOTFOUND, step;

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, origin);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *rules = sq_col_str(s, 0);
        *fetched = (time_t)sqlite3_column_int64(s, 1);
        rc = ALM_OK;
    } else if (step != SQLITE_DONE) {
        rc = sq_fail(st, ALM_ESTORE);
    }
    sqlite3_finalize(s);
    return rc;
}

int
sq_put_robots(struct store *st, const char *origin, const char *rules, time_t fetched)
{
    sqlite3_stmt *s = sq_prepare(st, "INSERT INTO robots (origin, rules, fetched) VALUES (?, ?, ?)"
                                     " ON CONFLICT(origin) DO UPDATE SET rules = excluded.rules,"
                                     " fetched = excluded.fetched");
    int rc;

    if (s == NULL)
        return sq_failure(st);
    sq_bind_text(s, 1, origin);
    sq_bind_text(s, 2, rules);
    sqlite3_bind_int64(s, 3, fetched);
    rc = sqlite3_step(s) == SQLITE_DONE ? ALM_OK : sq_fail(st, ALM_ESTORE);
    sqlite3_finalize(s);
    return rc == ALM_OK ? ALM_OK : sq_failure(st);
}
