/*
 * llm.c - the SQLite side of the summaries a language model writes
 * (store_analyze.h): the events still to summarise, the cache of answers,
 * and an event's summary set with the model that wrote it.
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "base/err.h"
#include "store/sqlite_internal.h"
#include "store/store_analyze.h"

int
sq_llm_todo(struct store *st, size_t min_chars, int (*fn)(const struct llm_todo *t, void *arg),
            void *arg)
{
    sqlite3_stmt *s = sq_prepare(st,
        "SELECT e.id, i.published, i.title, s.name, i.text, i.article_text, e.kind"
        " FROM events e JOIN items i ON i.id = e.id JOIN sources s ON s.id = i.source_id"
        " WHERE e.summary_model IS NULL"
        " AND (length(i.text) >= ?1 OR length(i.article_text) >= ?1)"
        " ORDER BY i.published DESC, e.id DESC");
    int r;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)min_chars);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct llm_todo t = {
            .id = sqlite3_column_int64(s, 0),
            .published = (time_t)sqlite3_column_int64(s, 1),
            .title = (const char *)sqlite3_column_text(s, 2),
            .source_name = (const char *)sqlite3_column_text(s, 3),
            .text = (const char *)sqlite3_column_text(s, 4),
            .kind = (const char *)sqlite3_column_text(s, 6),
            .article_text = (const char *)sqlite3_column_text(s, 5),
        };
        if (fn(&t, arg))
            break;
    }
    return sq_done(st, s, r == SQLITE_ROW ? SQLITE_DONE : r);
}

int
sq_llm_cache_get(struct store *st, const char *hash, char **summary, char **verdict)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT summary, verdict FROM llm_cache WHERE hash = ?");
    int rc;

    *summary = *verdict = NULL;
    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, hash);
    if ((rc = sq_one_row(st, s)) != ALM_OK)
        return rc;
    *summary = sq_col_str(s, 0);
    *verdict = sq_col_str(s, 1);
    sqlite3_finalize(s);
    return ALM_OK;
}

int
sq_llm_cache_put(struct store *st, const char *hash, const char *model, const char *summary,
                 const char *verdict, time_t now)
{
    sqlite3_stmt *s = sq_stmt(st,
        "INSERT OR REPLACE INTO llm_cache (hash, model, summary, verdict, created)"
        " VALUES (?, ?, ?, ?, ?)");

    if (s == NULL)
        return ALM_ESTORE;
    sq_bind_text(s, 1, hash);
    sq_bind_text(s, 2, model);
    sq_bind_text(s, 3, summary);
    sq_bind_text(s, 4, verdict);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
    return sq_run(st, s);
}

int
sq_set_summary(struct store *st, int64_t id, const char *summary, const char *model)
{
    sqlite3_stmt *s = sq_stmt(st, "UPDATE events SET summary = ?2, summary_model = ?3"
                                  " WHERE id = ?1");
    int rc;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    sq_bind_text(s, 2, summary);
    sq_bind_text(s, 3, model);
    if ((rc = sq_run(st, s)) != ALM_OK)
        return rc;
    return sqlite3_changes(st->db) > 0 ? ALM_OK : ALM_ENOTFOUND;
}
