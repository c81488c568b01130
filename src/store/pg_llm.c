/*
 * pg_llm.c - the PostgreSQL side of the summaries a language model writes
 * (store_analyze.h), as llm.c does it for SQLite.
 */
#include <stdlib.h>

#include "base/err.h"
#include "store/pg_internal.h"
#include "store/store_analyze.h"

int
pg_llm_todo(struct store *st, size_t min_chars, int (*fn)(const struct llm_todo *t, void *arg),
            void *arg)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc, n;

    pg_p_i64(&p, (int64_t)min_chars);
    res = pg_query(PG(st),
        "SELECT e.id, i.published, i.title, s.name, i.text, i.article_text, e.kind"
        " FROM events e JOIN items i ON i.id = e.id JOIN sources s ON s.id = i.source_id"
        " WHERE e.summary_model IS NULL"
        " AND (length(i.text) >= $1 OR length(i.article_text) >= $1)"
        " ORDER BY i.published DESC, e.id DESC", &p, &rc);
    if (res == NULL)
        return rc;
    n = PQntuples(res);
    for (int row = 0; row < n; row++) {
        struct llm_todo t = {
            .id = pg_col_i64(res, row, 0),
            .published = (time_t)pg_col_i64(res, row, 1),
            .title = pg_col_text(res, row, 2),
            .source_name = pg_col_text(res, row, 3),
            .text = pg_col_text(res, row, 4),
            .kind = (const char *)pg_col_text(res, row, 6),
            .article_text = pg_col_text(res, row, 5),
        };
        if (fn(&t, arg))
            break;
    }
    PQclear(res);
    return ALM_OK;
}

int
pg_llm_cache_get(struct store *st, const char *hash, char **summary, char **verdict)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc;

    *summary = *verdict = NULL;
    pg_p_text(&p, hash);
    res = pg_query(PG(st), "SELECT summary, verdict FROM llm_cache WHERE hash = $1", &p, &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ALM_ENOTFOUND;
    }
    *summary = pg_col_str(res, 0, 0);
    *verdict = pg_col_str(res, 0, 1);
    PQclear(res);
    return ALM_OK;
}

int
pg_llm_cache_put(struct store *st, const char *hash, const char *model, const char *summary,
                 const char *verdict, time_t now)
{
    struct pg_params p = { 0 };

    pg_p_text(&p, hash);
    pg_p_text(&p, model);
    pg_p_text(&p, summary);
    pg_p_text(&p, verdict);
    pg_p_i64(&p, now);
    return pg_cmd(PG(st), "INSERT INTO llm_cache (hash, model, summary, verdict, created)"
                          " VALUES ($1, $2, $3, $4, $5)"
                          " ON CONFLICT (hash) DO UPDATE SET model = EXCLUDED.model,"
                          " summary = EXCLUDED.summary, verdict = EXCLUDED.verdict,"
                          " created = EXCLUDED.created", &p);
}

int
pg_set_summary(struct store *st, int64_t id, const char *summary, const char *model)
{
    struct pg_params p = { 0 };
    PGresult *res;
    int rc, n;

    pg_p_i64(&p, id);
    pg_p_text(&p, summary);
    pg_p_text(&p, model);
    res = pg_query(PG(st), "UPDATE events SET summary = $2, summary_model = $3 WHERE id = $1"
                           " RETURNING id", &p, &rc);
    if (res == NULL)
        return rc;
    n = PQntuples(res);
    PQclear(res);
    return n > 0 ? ALM_OK : ALM_ENOTFOUND;
}
