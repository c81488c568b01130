/*
 * pg_q.h - what the PostgreSQL backend's query files (pg_events.c,
 * pg_web.c, pg_map.c) share beside pg_internal.h: typed, numbered
 * parameters for queries built from filters, and the translation of the
 * reader's search. Not for callers of store.h.
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

#include "store/columns.h"
#include "store/pg_internal.h"

#define PGQ_MAXARGS 20

/* The text search configuration of the items' search column (pg.c's
 * schema 2: 'english' stemming without its stop words). */
#ifndef PG_TS_CONFIG
#define PG_TS_CONFIG "almanac"
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
 * NULL with the failure recorded by pg_fail (*rc its code; ALM_EINVAL for
 * a malformed text search query when search is set). */
PGresult *pgq_run(struct store *st, const char *sql, const struct pgq_args *a, int search,
                  int *rc);
/* Runs a statement that returns no rows: ALM_OK or the failure. */
int pgq_exec(struct store *st, const char *sql, const struct pgq_args *a);

/* A query of one number (count(*)), into *out. */
int pgq_count(struct store *st, const char *sql, int64_t *out);

/* The reader's search (store_web.h's text_query: terms, each a phrase of
 * the words in it, the last a prefix when the term is) as the text of a
 * tsquery for to_tsquery(PG_TS_CONFIG, ...): a term's words joined by <->
 * (followed by), the last ending in :* for a prefix, terms joined by &.
 * Words are what FTS5's unicode61 tokenizer keeps (letters and digits, any
 * non-ASCII character). ALM_EINVAL for a query of no terms; a term with no
 * word is left out (FTS5 matches it everywhere). The caller frees *out. */
struct text_query;
int pg_tsquery_from(const struct text_query *t, char **out);


#endif
