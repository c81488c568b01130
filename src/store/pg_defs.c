/*
 * pg_defs.c - the PostgreSQL side of the definitions added through the API
 * (store_alerts.h, defs.c): api_defs, schema 5.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <time.h>

#include "store/pg_internal.h"
#include "store/store.h"

int
pg_defs_put(struct store *st, const char *kind, const char *name, const char *body, time_t now)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, kind);
    pg_p_text(&p, name);
    pg_p_text(&p, body);
    pg_p_i64(&p, now);
    res = pg_query(PG(st), "INSERT INTO api_defs (kind, name, body, created, updated)"
                           " VALUES ($1, $2, $3, $4, $4) ON CONFLICT (kind, name)"
                           " DO UPDATE SET body = excluded.body, updated = excluded.updated",
                   &p, &rc);
    if (res == NULL)
        return rc;
    PQclear(res);
    return ALM_OK;
}

int
pg_defs_delete(struct store *st, const char *kind, const char *name, int *found)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, kind);
    pg_p_text(&p, name);
    res = pg_query(PG(st), "DELETE FROM api_defs WHERE kind = $1 AND name = $2 RETURNING 1",
                   &p, &rc);
    if (res == NULL)
        return rc;
    if (found)
        *found = PQntuples(res) > 0;
    PQclear(res);
    return ALM_OK;
}

int
pg_defs_list(struct store *st, const char *kind,
             int (*fn)(const char *name, const char *body, void *arg), void *arg)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc = ALM_OK;

    pg_p_text(&p, kind);
    res = pg_query(PG(st), "SELECT name, body FROM api_defs WHERE kind = $1 ORDER BY name",
                   &p, &rc);
    if (res == NULL)
        return rc;
    for (int i = 0; i < PQntuples(res) && rc == ALM_OK; i++) {
        const char *name = pg_col_text(res, i, 0), *body = pg_col_text(res, i, 1);
        rc = fn(name ? name : "", body ? body : "", arg);
    }
    PQclear(res);
    return rc;
}
