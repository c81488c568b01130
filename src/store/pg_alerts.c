/*
 * pg_alerts.c - the PostgreSQL side of alert deliveries (store_alerts.h):
 * one row per rule and event in alert_deliveries, its state changed as
 * deliveries are tried. The same statements as SQLite's alerts.c.
 */
#include "base/err.h"
#include "store/pg_internal.h"

#define DELIVERY_COLS "id, event_id, rule, state, attempts, created, next_try," \
                      " coalesce(last_try, 0), coalesce(sent, 0), coalesce(status, 0), error"

int
pg_alert_enqueue(struct store *st, const char *rule, int64_t event_id, time_t now,
                 time_t next_try, int *added)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, rule);
    pg_p_i64(&p, event_id);
    pg_p_i64(&p, now);
    pg_p_i64(&p, next_try);
    res = pg_query(PG(st), "INSERT INTO alert_deliveries (rule, event_id, created, next_try)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT (rule, event_id) DO NOTHING"
                           " RETURNING 1", &p, &rc);
    if (res == NULL)
        return rc;
    if (added)
        *added = PQntuples(res) > 0;
    PQclear(res);
    return ALM_OK;
}

static int
each_row(PGresult *res, int (*fn)(const struct alert_delivery *d, void *arg), void *arg)
{
    int rc = ALM_OK;

    for (int i = 0; i < PQntuples(res) && rc == ALM_OK; i++) {
        struct alert_delivery d = {
            .id = pg_col_i64(res, i, 0),
            .event_id = pg_col_i64(res, i, 1),
            .rule = pg_col_text(res, i, 2),
            .state = pg_col_text(res, i, 3),
            .attempts = pg_col_int(res, i, 4),
            .created = pg_col_time(res, i, 5),
            .next_try = pg_col_time(res, i, 6),
            .last_try = pg_col_time(res, i, 7),
            .sent = pg_col_time(res, i, 8),
            .status = (long)pg_col_i64(res, i, 9),
            .error = pg_col_text(res, i, 10),
        };
        if (d.rule == NULL)
            d.rule = "";
        if (d.state == NULL)
            d.state = "";
        rc = fn(&d, arg);
    }
    PQclear(res);
    return rc;
}

int
pg_alert_due(struct store *st, time_t now, int limit,
             int (*fn)(const struct alert_delivery *d, void *arg), void *arg)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_i64(&p, now);
    if (limit > 0)
        pg_p_i64(&p, limit);
    else
        pg_p_null(&p);
    res = pg_query(PG(st), "SELECT " DELIVERY_COLS " FROM alert_deliveries"
                           " WHERE state = 'pending' AND next_try <= $1"
                           " ORDER BY next_try, id LIMIT $2", &p, &rc);
    return res ? each_row(res, fn, arg) : rc;
}

int
pg_alert_claim(struct store *st, int64_t id, time_t now, time_t until, int *claimed)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_i64(&p, id);
    pg_p_i64(&p, now);
    pg_p_i64(&p, until);
    res = pg_query(PG(st), "UPDATE alert_deliveries SET next_try = $3"
                           " WHERE id = $1 AND state = 'pending' AND next_try <= $2"
                           " RETURNING 1", &p, &rc);
    if (res == NULL)
        return rc;
    *claimed = PQntuples(res) > 0;
    PQclear(res);
    return ALM_OK;
}

int
pg_alert_update(struct store *st, const struct alert_delivery *d)
{
    struct pg_params p = { 0 };

    pg_p_i64(&p, d->id);
    pg_p_text(&p, d->state);
    pg_p_i64(&p, d->attempts);
    pg_p_i64(&p, d->next_try);
    pg_p_i64(&p, d->last_try);
    pg_p_i64(&p, d->sent);
    pg_p_i64(&p, d->status);
    pg_p_text(&p, d->error);
    return pg_cmd(PG(st), "UPDATE alert_deliveries SET state = $2, attempts = $3,"
                          " next_try = $4, last_try = nullif($5::bigint, 0),"
                          " sent = nullif($6::bigint, 0), status = nullif($7::int, 0), error = $8"
                          " WHERE id = $1", &p);
}

int
pg_alert_list(struct store *st, const char *state, int limit,
              int (*fn)(const struct alert_delivery *d, void *arg), void *arg)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    pg_p_text(&p, state);
    if (limit > 0)
        pg_p_i64(&p, limit);
    else
        pg_p_null(&p);
    res = pg_query(PG(st), "SELECT " DELIVERY_COLS " FROM alert_deliveries"
                           " WHERE $1::text IS NULL OR state = $1"
                           " ORDER BY greatest(created, coalesce(last_try, 0)) DESC, id DESC"
                           " LIMIT $2", &p, &rc);
    return res ? each_row(res, fn, arg) : rc;
}
