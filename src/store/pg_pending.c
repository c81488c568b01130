/*
 * pg_pending.c - TEMPORARY: the PostgreSQL operations not written yet (the
 * event, web and map queries, which the helper "pg-queries" writes in
 * files of its own). Each answers ALM_ENOTSUP with store_error() "...: not
 * yet on PostgreSQL", so no entry of pg_ops.c's table is ever NULL or
 * silently wrong. Delete this file when those operations land.
 */
#include <stdio.h>

#include "base/err.h"
#include "store/pg_internal.h"

static int
pending(struct store *st, const char *what)
{
    struct pg_store *pg = PG(st);

    snprintf(pg->err, sizeof(pg->err), "%s: not yet on PostgreSQL", what);
    pg->sqlstate[0] = '\0';
    pg->timed_out = 0;
    return ALM_ENOTSUP;
}

int
pg_sync_source(struct store *st, const struct source *src, int64_t *id_out)
{
    (void)src;
    (void)id_out;
    return pending(st, "sync_source");
}

int
pg_get_source(struct store *st, const char *slug, struct source_state *out)
{
    (void)slug;
    (void)out;
    return pending(st, "get_source");
}

int
pg_record_fetch(struct store *st, int64_t source_id, const struct fetch_record *r)
{
    (void)source_id;
    (void)r;
    return pending(st, "record_fetch");
}

int
pg_count_fetch_errors(struct store *st, int64_t *out)
{
    (void)out;
    return pending(st, "count_fetch_errors");
}

int
pg_put_rows(struct store *st, int64_t source_id, const struct store_rows *rows, time_t now, struct put_stats *stats)
{
    (void)source_id;
    (void)rows;
    (void)now;
    (void)stats;
    return pending(st, "put_rows");
}

int
pg_get_item(struct store *st, int64_t id, struct item **out)
{
    (void)id;
    (void)out;
    return pending(st, "get_item");
}

int
pg_item_claimed(struct store *st, int64_t id, time_t *claimed)
{
    (void)id;
    (void)claimed;
    return pending(st, "item_claimed");
}

int
pg_count_items(struct store *st, int64_t source_id, int64_t *out)
{
    (void)source_id;
    (void)out;
    return pending(st, "count_items");
}

int
pg_articles_due(struct store *st, time_t since, time_t now, int max_attempts, int (*fn)(const struct article_due *a, void *arg), void *arg)
{
    (void)since;
    (void)now;
    (void)max_attempts;
    (void)fn;
    (void)arg;
    return pending(st, "articles_due");
}

int
pg_put_article(struct store *st, int64_t item_id, int64_t source_id, const struct article_record *r)
{
    (void)item_id;
    (void)source_id;
    (void)r;
    return pending(st, "put_article");
}

int
pg_get_robots(struct store *st, const char *origin, char **rules, time_t *fetched)
{
    (void)origin;
    (void)rules;
    (void)fetched;
    return pending(st, "get_robots");
}

int
pg_put_robots(struct store *st, const char *origin, const char *rules, time_t fetched)
{
    (void)origin;
    (void)rules;
    (void)fetched;
    return pending(st, "put_robots");
}

int
pg_backup(struct store *st, const char *path, int overwrite)
{
    (void)path;
    (void)overwrite;
    return pending(st, "backup");
}

int
pg_quick_check(struct store *st, char *result, size_t len)
{
    (void)result;
    (void)len;
    return pending(st, "quick_check");
}

int
pg_prune(struct store *st, time_t before, int dry_run, struct prune_stats *out)
{
    (void)before;
    (void)dry_run;
    (void)out;
    return pending(st, "prune");
}

int
pg_newest_first_seen(struct store *st, time_t *out)
{
    (void)out;
    return pending(st, "newest_first_seen");
}

