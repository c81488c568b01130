/*
 * pg_q.h - what the PostgreSQL backend's query files (pg_events.c,
 * pg_web.c, pg_map.c) share: typed parameters for PQexecParams, one call
 * that runs a query and records its failure, and column readers. Not for
 * callers of store.h.
 *
 * Parameters are numbered from 1 as in the SQL ($1); each carries its type
 * (so a query may leave a number unused, as the SQLite queries leave a ?N
 * unbound) and is NULL until set. Values travel as text except bytea.
 */
#ifndef ALMANAC_PG_Q_H
#define ALMANAC_PG_Q_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define PGQ_MAXARGS 20

/* The text search configuration of the items' search column (pg.c's schema). */
#ifndef PG_TS_CONFIG
#define PG_TS_CONFIG "english"
#endif
/* The items' tsvector column (title A, text B, article_text C, byline D). */
#ifndef PG_FTS_COL
#define PG_FTS_COL "search"
#endif

struct pgq_args {
    int n;                             /* the highest number set */
    Oid types[PGQ_MAXARGS];
    const char *vals[PGQ_MAXARGS];
    int lens[PGQ_MAXARGS];
    int fmts[PGQ_MAXARGS];
    char num[PGQ_MAXARGS][32];
};

void pgq_init(struct pgq_args *a);
void pgq_text(struct pgq_args *a, int i, const char *v);   /* NULL: SQL NULL */
void pgq_int(struct pgq_args *a, int i, int64_t v);
void pgq_real(struct pgq_args *a, int i, double v);
void pgq_bytea(struct pgq_args *a, int i, const void *v, size_t n);
void pgq_null_int(struct pgq_args *a, int i);             /* a bigint NULL */

/* Runs sql with a (may be NULL): the result when it gave rows or ran, else
 * NULL with the failure recorded (*rc: ALM_ETIME for a cancelled statement,
 * ALM_EINVAL for a malformed text search query when search is set, else
 * ALM_ENOSPC or ALM_ESTORE). */
PGresult *pgq_run(struct store *st, const char *sql, const struct pgq_args *a, int search,
                  int *rc);
/* Runs a statement that returns no rows: ALM_OK or the failure. */
int pgq_exec(struct store *st, const char *sql, const struct pgq_args *a);

/* A query of one number (count(*)), into *out. */
int pgq_count(struct store *st, const char *sql, int64_t *out);

/* Column readers: a NULL reads as NULL or 0. */
char *pgq_str(const PGresult *r, int row, int col);            /* a copy */
const char *pgq_cstr(const PGresult *r, int row, int col);     /* borrowed */
int64_t pgq_i64(const PGresult *r, int row, int col);
double pgq_f64(const PGresult *r, int row, int col);

/* The columns every item query selects first (items i, sources s), and the
 * function that reads them into a zeroed item. */
#define PGQ_ITEM_COLS \
    "i.id, i.source_id, s.slug, s.name, s.author, s.kind, s.tier, i.ident, i.guid, i.url," \
    " i.title, i.author, i.published, i.first_seen, i.summary_html, i.content_html," \
    " i.text, i.image"
#define PGQ_ITEM_NCOLS 18
void pgq_item_read(const PGresult *r, int row, struct item *it);

/* The reader's search as an FTS5 query (what the web builds: words,
 * "phrases", prefix*, and FTS5's AND, OR, NOT and parentheses) translated
 * to the text of a tsquery for to_tsquery(PG_TS_CONFIG, ...): a phrase is
 * its words joined by <->, a prefix ends in :*. ALM_EINVAL when malformed;
 * the caller frees *out. */
int pg_tsquery_from(const char *match, char **out);

#endif
