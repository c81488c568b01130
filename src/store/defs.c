/*
 * defs.c - the SQLite side of the definitions added through the API
 * (store_alerts.h): sources and alert rules as the text of their
 * configuration sections, in api_defs (migration 17).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "store/sqlite_internal.h"
#include "store/store.h"

int
sq_defs_put(struct store *st, const char *kind, const char *name, const char *body, time_t now)
{
    sqlite3_stmt *s = sq_stmt(st, "INSERT INTO api_defs (kind, name, body, created, updated)"
                                  " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT(kind, name)"
                                  " DO UPDATE SET body = excluded.body, updated = excluded.updated");

    if (s == NULL)
        return sq_failure(st);
    sq_bind_text(s, 1, kind);
    sq_bind_text(s, 2, name);
    sq_bind_text(s, 3, body);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
    return sq_run(st, s) == ALM_OK ? ALM_OK : sq_failure(st);
}

int
sq_defs_delete(struct store *st, const char *kind, const char *name, int *found)
{
    sqlite3_stmt *s = sq_stmt(st, "DELETE FROM api_defs WHERE kind = ?1 AND name = ?2");

    if (s == NULL)
        return sq_failure(st);
    sq_bind_text(s, 1, kind);
    sq_bind_text(s, 2, name);
    if (sq_run(st, s) != ALM_OK)
        return sq_failure(st);
    if (found)
        *found = sqlite3_changes(st->db) > 0;
    return ALM_OK;
}

int
sq_defs_list(struct store *st, const char *kind,
             int (*fn)(const char *name, const char *body, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT name, body FROM api_defs WHERE kind = ?1"
                                     " ORDER BY name");
    int r, rc = ALM_OK;

    if (s == NULL)
        return sq_failure(st);
    sq_bind_text(s, 1, kind);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        const char *body = (const char *)sqlite3_column_text(s, 1);
        if ((rc = fn(name ? name : "", body ? body : "", arg)) != ALM_OK)
            break;
    }
    if (rc != ALM_OK) {
        sqlite3_finalize(s);
        return rc;
    }
    return sq_done(st, s, r) == ALM_OK ? ALM_OK : sq_failure(st);
}
