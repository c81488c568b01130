/*
 * pg_maintain.c - what the operator's commands need of a PostgreSQL store:
 * its check (`almanac doctor`), pruning, and the answer to `almanac
 * backup` (pg_dump's work, not ours).
 */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "store/store.h"

#include "store/pg_internal.h"

/* A copy of a PostgreSQL database is pg_dump's (consistent, online, and
 * restorable into another server); Almanac does not make one itself. */
int
pg_backup(struct store *st, const char *path, int overwrite)
{
    struct pg_store *pg = PG(st);

    (void)path;
    (void)overwrite;
    snprintf(pg->err, sizeof(pg->err),
             "almanac backup copies a SQLite database; for PostgreSQL use pg_dump"
             " (pg_dump -Fc DBNAME > FILE; pg_restore to bring it back)");
    pg->sqlstate[0] = '\0';
    pg->timed_out = 0;
    return ALM_ENOTSUP;
}

/*
 * The server answers, and the schema is the one this build knows. (The
 * server checks its own pages, with checksums when the cluster has them:
 * there is no PRAGMA quick_check to run from a client.) result gets "ok"
 * or what is wrong.
 */
int
pg_quick_check(struct store *st, char *result, size_t len)
{
    struct pg_store *pg = PG(st);
    int64_t one = 0;
    int rc, v;

    if (len)
        result[0] = '\0';
    if ((rc = pg_one_int(pg, "SELECT 1", NULL, &one)) != ALM_OK) {
        if (len)
            snprintf(result, len, "%s", pg->err);
        return rc;
    }
    v = pg_schema_version(st);
    if (v != pg_latest_version()) {
        if (len)
            snprintf(result, len, "schema version %d, this almanac's is %d", v,
                     pg_latest_version());
        return ALM_ESTORE;
    }
    if (len)
        snprintf(result, len, "ok");
    return ALM_OK;
}

int
pg_newest_first_seen(struct store *st, time_t *out)
{
    int64_t v = 0;
    int rc = pg_one_int(PG(st), "SELECT coalesce(max(first_seen), 0) FROM items", NULL, &v);

    if (rc == ALM_OK)
        *out = (time_t)v;
    return rc;
}

/*
 * (NOT EXISTS here and below, not NOT IN (SELECT ...): PostgreSQL runs an
 * anti-join for it, where NOT IN could read the subquery once per row.)
 * The items to prune, into the transaction's table prune: published (else
 * first seen) before the cutoff, and of a story none of whose events is
 * published at or after it or has joined a guide (maintain.c's rule).
 */
static const char prune_select[] =
    "INSERT INTO prune (id, ev)"
    " WITH old AS ("
    "   SELECT i.id, coalesce(e.story_id, e.id, i.id) AS sid, e.id IS NOT NULL AS ev"
    "   FROM items i LEFT JOIN events e ON e.id = i.id"
    "   WHERE coalesce(i.published, i.first_seen) < $1),"
    " cited AS ("
    "   SELECT coalesce(e.story_id, e.id) AS sid FROM events e JOIN items i ON i.id = e.id"
    "   WHERE coalesce(i.published, i.first_seen) >= $1"
    "   UNION SELECT coalesce(e.story_id, e.id) FROM events e"
    "   WHERE e.id IN (SELECT event_id FROM event_guides))"
    " SELECT id, ev FROM old WHERE NOT EXISTS (SELECT 1 FROM cited c WHERE c.sid = old.sid)";

int
pg_prune(struct store *st, time_t before, int dry_run, struct prune_stats *out)
{
    struct pg_store *pg = PG(st);
    struct pg_params p = { 0 };
    int64_t old = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    pg_p_i64(&p, (int64_t)before);
    if ((rc = pg_tx_begin(pg)) != ALM_OK)
        return rc;
    if ((rc = pg_exec(pg, "CREATE TEMP TABLE prune (id BIGINT PRIMARY KEY, ev BOOLEAN NOT NULL)"
                          " ON COMMIT DROP")) != ALM_OK ||
        (rc = pg_cmd(pg, prune_select, &p)) != ALM_OK ||
        (rc = pg_one_int(pg, "SELECT count(*) FROM items"
                             " WHERE coalesce(published, first_seen) < $1", &p, &old)) != ALM_OK ||
        (rc = pg_one_int(pg, "SELECT count(*) FROM prune", NULL, &out->items)) != ALM_OK ||
        (rc = pg_one_int(pg, "SELECT count(*) FROM prune WHERE ev", NULL, &out->events)) !=
            ALM_OK)
        goto fail;
    out->kept = old - out->items;
    if (dry_run) {
        pg_tx_rollback(pg);
        return ALM_OK;
    }
    /* The cascade takes the events, their entities, guides, related lists,
     * candidates and articles. Other events' related lists lose the pruned
     * ones, and stories left without events go. */
    if ((rc = pg_exec(pg, "DELETE FROM items WHERE id IN (SELECT id FROM prune);"
                          "DELETE FROM related WHERE related_id IN"
                          "  (SELECT id FROM prune WHERE ev);"
                          "DELETE FROM stories s WHERE NOT EXISTS"
                          "  (SELECT 1 FROM events e WHERE e.story_id = s.id)")) != ALM_OK ||
        (rc = pg_tx_commit(pg)) != ALM_OK)
        goto fail;
    return ALM_OK;
fail:
    pg_tx_rollback(pg);
    return rc;
}
