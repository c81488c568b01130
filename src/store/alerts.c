/*
 * alerts.c - the SQLite side of alert deliveries (store.h): one row per
 * rule and event in alert_deliveries (migration 14), its state changed as
 * deliveries are tried.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "store/sqlite_internal.h"
#include "store/store.h"

#define DELIVERY_COLS "id, event_id, rule, state, attempts, created, next_try," \
                      " coalesce(last_try, 0), coalesce(sent, 0), coalesce(status, 0), error"

int
sq_alert_enqueue(struct store *st, const char *rule, int64_t event_id, time_t now,
                 time_t next_try, int *added)
{
    sqlite3_stmt *s = sq_stmt(st, "INSERT INTO alert_deliveries (rule, event_id, created,"
                                  " next_try) VALUES (?, ?, ?, ?)"
                                  " ON CONFLICT(rule, event_id) DO NOTHING");
    int rc;

    if (s == NULL)
        return sq_failure(st);
    sq_bind_text(s, 1, rule);
    sqlite3_bind_int64(s, 2, event_id);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)next_try);
    rc = sq_run(st, s);
    if (rc != ALM_OK)
        return sq_failure(st);
    if (added)
        *added = sqlite3_changes(st->db) > 0;
    return ALM_OK;
}

static int
each_row(struct store *st, sqlite3_stmt *s, int (*fn)(const struct alert_delivery *d, void *arg),
         void *arg)
{
    int r, rc = ALM_OK;

    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct alert_delivery d = {
            .id = sqlite3_column_int64(s, 0),
            .event_id = sqlite3_column_int64(s, 1),
            .rule = (const char *)sqlite3_column_text(s, 2),
            .state = (const char *)sqlite3_column_text(s, 3),
            .attempts = sqlite3_column_int(s, 4),
            .created = (time_t)sqlite3_column_int64(s, 5),
            .next_try = (time_t)sqlite3_column_int64(s, 6),
            .last_try = (time_t)sqlite3_column_int64(s, 7),
            .sent = (time_t)sqlite3_column_int64(s, 8),
            .status = (long)sqlite3_column_int64(s, 9),
            .error = (const char *)sqlite3_column_text(s, 10),
        };
        if (d.rule == NULL)
            d.rule = "";
        if (d.state == NULL)
            d.state = "";
        if ((rc = fn(&d, arg)) != ALM_OK)
            break;
    }
    if (rc != ALM_OK) {
        sqlite3_finalize(s);
        return rc;
    }
    return sq_done(st, s, r) == ALM_OK ? ALM_OK : sq_failure(st);
}

int
sq_alert_due(struct store *st, time_t now, int limit,
             int (*fn)(const struct alert_delivery *d, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT " DELIVERY_COLS " FROM alert_deliveries"
                                     " WHERE state = 'pending' AND next_try <= ?1"
                                     " ORDER BY next_try, id LIMIT ?2");

    if (s == NULL)
        return sq_failure(st);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
    sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
    return each_row(st, s, fn, arg);
}

int
sq_alert_claim(struct store *st, int64_t id, time_t now, time_t until, int *claimed)
{
    sqlite3_stmt *s = sq_stmt(st, "UPDATE alert_deliveries SET next_try = ?3"
                                  " WHERE id = ?1 AND state = 'pending' AND next_try <= ?2");

    if (s == NULL)
        return sq_failure(st);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)until);
    if (sq_run(st, s) != ALM_OK)
        return sq_failure(st);
    *claimed = sqlite3_changes(st->db) > 0;
    return ALM_OK;
}

int
sq_alert_update(struct store *st, const struct alert_delivery *d)
{
    sqlite3_stmt *s = sq_stmt(st, "UPDATE alert_deliveries SET state = ?2, attempts = ?3,"
                                  " next_try = ?4, last_try = nullif(?5, 0),"
                                  " sent = nullif(?6, 0), status = nullif(?7, 0), error = ?8"
                                  " WHERE id = ?1");

    if (s == NULL)
        return sq_failure(st);
    sqlite3_bind_int64(s, 1, d->id);
    sq_bind_text(s, 2, d->state);
    sqlite3_bind_int(s, 3, d->attempts);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)d->next_try);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)d->last_try);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)d->sent);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)d->status);
    sq_bind_text(s, 8, d->error);
    return sq_run(st, s) == ALM_OK ? ALM_OK : sq_failure(st);
}

int
sq_alert_list(struct store *st, const char *state, int limit,
              int (*fn)(const struct alert_delivery *d, void *arg), void *arg)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT " DELIVERY_COLS " FROM alert_deliveries"
                                     " WHERE ?1 IS NULL OR state = ?1"
                                     " ORDER BY max(created, coalesce(last_try, 0)) DESC, id DESC"
                                     " LIMIT ?2");

    if (s == NULL)
        return sq_failure(st);
    sq_bind_text(s, 1, state);
    sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
    return each_row(st, s, fn, arg);
}
