/*
 * leases.c - the SQLite backend's half of store.h that lets workers share
 * the sources: claiming due sources, the heartbeat, giving them back, and
 * named leases. Each statement is one write transaction of its own, so
 * SQLite's database lock makes a claim atomic across processes.
 */
#include <sqlite3.h>

#include "base/err.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

int
sq_claim_sources(struct store *st, const char *worker, time_t now, int lease_secs, int max,
                 int64_t *ids, int *n)
{
    sqlite3_stmt *s = sq_prepare(st,
        "UPDATE sources SET lease_owner = ?1, lease_until = ?2 + ?3"
        " WHERE id IN (SELECT id FROM sources"
        "  WHERE enabled AND next_due <= ?2 AND lease_until <= ?2"
        "  ORDER BY next_due, id LIMIT ?4)"
        " RETURNING id");
    int r;

    *n = 0;
    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, worker);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
    sqlite3_bind_int(s, 3, lease_secs);
    sqlite3_bind_int(s, 4, max);
    /* The update is done by the first step; the rows only report it. */
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n < max)
            ids[(*n)++] = sqlite3_column_int64(s, 0);
    }
    return sq_done(st, s, r);
}

int
sq_renew_leases(struct store *st, const char *worker, time_t now, int lease_secs)
{
    sqlite3_stmt *s = sq_stmt(st,
        "UPDATE sources SET lease_until = ?2 + ?3 WHERE lease_owner = ?1 AND lease_until > 0");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, worker);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
    sqlite3_bind_int(s, 3, lease_secs);
    return sq_run(st, s);
}

int
sq_release_source(struct store *st, const char *worker, int64_t id)
{
    sqlite3_stmt *s = sq_stmt(st,
        "UPDATE sources SET lease_owner = NULL, lease_until = 0"
        " WHERE id = ?2 AND lease_owner = ?1");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, worker);
    sqlite3_bind_int64(s, 2, id);
    return sq_run(st, s);
}

int
sq_take_lease(struct store *st, const char *name, const char *worker, time_t now,
              int lease_secs)
{
    sqlite3_stmt *s = sq_stmt(st,
        "INSERT INTO leases (name, owner, until) VALUES (?1, ?2, ?3 + ?4)"
        " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until"
        " WHERE leases.owner = excluded.owner OR leases.until <= ?3");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, name);
    sq_bind_text(s, 2, worker);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
    sqlite3_bind_int(s, 4, lease_secs);
    if (sq_run(st, s) != ALM_OK)
        return ALM_ESTORE;
    return sqlite3_changes(st->db) > 0 ? ALM_OK : ALM_EDENIED;
}

int
sq_drop_lease(struct store *st, const char *name, const char *worker)
{
    sqlite3_stmt *s = sq_stmt(st, "DELETE FROM leases WHERE name = ?1 AND owner = ?2");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, name);
    sq_bind_text(s, 2, worker);
    return sq_run(st, s);
}
