/*
 * pg_leases.c - the PostgreSQL side of the workers' leases (store_ingest.h):
 * a claim takes due, free sources with FOR UPDATE SKIP LOCKED, so workers
 * claiming at the same moment take different sources without waiting for
 * each other.
 */
#include "base/err.h"
#include "store/pg_internal.h"

int
pg_claim_sources(struct store *st, const char *worker, time_t now, int lease_secs, int max,
                 int64_t *ids, int *n)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    *n = 0;
    pg_p_text(&p, worker);
    pg_p_i64(&p, now);
    pg_p_i64(&p, lease_secs);
    pg_p_i64(&p, max);
    res = pg_query(PG(st), "UPDATE sources SET lease_owner = $1, lease_until = $2::bigint + $3::bigint"
                           " WHERE id IN (SELECT id FROM sources"
                           "  WHERE enabled = 1 AND next_due <= $2 AND lease_until <= $2"
                           "  ORDER BY next_due, id LIMIT $4 FOR UPDATE SKIP LOCKED)"
                           " RETURNING id", &p, &rc);
    if (res == NULL)
        return rc;
    for (int i = 0; i < PQntuples(res) && *n < max; i++)
        ids[(*n)++] = pg_col_i64(res, i, 0);
    PQclear(res);
    return ALM_OK;
}

int
pg_renew_leases(struct store *st, const char *worker, time_t now, int lease_secs)
{
    struct pg_params p = { 0 };

    pg_p_text(&p, worker);
    pg_p_i64(&p, now);
    pg_p_i64(&p, lease_secs);
    return pg_cmd(PG(st), "UPDATE sources SET lease_until = $2::bigint + $3::bigint"
                          " WHERE lease_owner = $1 AND lease_until > 0", &p);
}

int
pg_release_source(struct store *st, const char *worker, int64_t id)
{
    struct pg_params p = { 0 };

    pg_p_text(&p, worker);
    pg_p_i64(&p, id);
    return pg_cmd(PG(st), "UPDATE sources SET lease_owner = NULL, lease_until = 0"
                          " WHERE id = $2 AND lease_owner = $1", &p);
}

int
pg_take_lease(struct store *st, const char *name, const char *worker, time_t now,
              int lease_secs)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc, taken;

    pg_p_text(&p, name);
    pg_p_text(&p, worker);
    pg_p_i64(&p, now);
    pg_p_i64(&p, lease_secs);
    res = pg_query(PG(st), "INSERT INTO leases (name, owner, until) VALUES ($1, $2, $3::bigint + $4::bigint)"
                           " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,"
                           " until = excluded.until"
                           " WHERE leases.owner = excluded.owner OR leases.until <= $3::bigint"
                           " RETURNING 1", &p, &rc);
    if (res == NULL)
        return rc;
    taken = PQntuples(res) > 0;
    PQclear(res);
    return taken ? ALM_OK : ALM_EDENIED;
}

int
pg_drop_lease(struct store *st, const char *name, const char *worker)
{
    struct pg_params p = { 0 };

    pg_p_text(&p, name);
    pg_p_text(&p, worker);
    return pg_cmd(PG(st), "DELETE FROM leases WHERE name = $1 AND owner = $2", &p);
}
