/*
 * pg_internal.h - what the PostgreSQL backend's files (pg*.c) share. Not
 * for callers of store.h.
 *
 * These files see store.h's `struct store` as opaque: the handle is a
 * struct pg_store, reached with PG(st). Values go to the server as text
 * parameters ($1, $2, ...: struct pg_params), and come back as text
 * (pg_col_*), so no file here formats SQL with a value in it.
 */
#ifndef ALMANAC_PG_INTERNAL_H
#define ALMANAC_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stdint.h>

#include "store/backend.h"

/* Statements a connection keeps prepared, found by their SQL's address. */
#define PG_STMTS 48
/* Parameters one statement takes at most. */
#define PG_MAXPARAMS 24

/* The PostgreSQL backend's handle. */
struct pg_store {
    const struct store_ops *ops; /* &pg_ops; first, see backend.h */
    PGconn *conn;
    char err[256];
    char sqlstate[6];       /* of the last failure, "" when none came from the server */
    int readonly;           /* opened by pg_open_readonly */
    int budget_ms;          /* statement_timeout in force for this session; 0: none */
    int timed_out;          /* the last failure was a statement cancelled for its budget */
    const char *kept[PG_STMTS]; /* the SQL of prepared statement "a<i>" */
    int nkept;
    int listening;          /* LISTEN almanac_changed was sent (pg_data_version) */
    int seqscan_off;        /* SET enable_seqscan = off in force (pg_seqscan); -1: not known */
    struct pg_cached *cache; /* statements prepared by their text (pg_run_cached) */
    int ncache;
    unsigned ticks;         /* uses of the cache, for which entry to evict */
    unsigned serial;        /* the last statement name given ("c<serial>") */
    int64_t changes;        /* the notifications received since */
    int deferring;          /* in a store_begin() transaction: commands are pipelined */
    int inpipe;             /* in libpq's pipeline mode with commands sent, unread */
    int npending;           /* how many */
    PGresult *guides;       /* the guides' list as last read (pg_list_guides), or NULL */
    int64_t guides_changes; /* changes when it was read */
};

#define PG(st) ((struct pg_store *)(void *)(st))

/* The backend's operations, named pg_NAME (store_ops.def). */
#define STORE_OP(ret, name, params, args) ret pg_##name params;
#define STORE_VOP(name, params, args) void pg_##name params;
#include "store/store_ops.def"
#undef STORE_OP
#undef STORE_VOP
void pg_close(struct store *st);
int pg_timed_out(const struct store *st);
const char *pg_error(const struct store *st);
/* Connects to dsn with ops as its table (passed down from pg_ops.c, as
 * sqlite_ops.c does, so that no file reaches back up to the table). */
int pg_connect(const struct store_ops *ops, const char *dsn, int readonly, struct store **out,
               char *err, size_t errlen);

/* ---- parameters ---- */
struct pg_params {
    int n;
    const char *v[PG_MAXPARAMS];
    char buf[PG_MAXPARAMS][24];
};
/* Appends one parameter: text (NULL: SQL NULL), a whole number, a real,
 * NULL, or a boolean ("t"/"f"). */
void pg_p_text(struct pg_params *p, const char *v);
void pg_p_i64(struct pg_params *p, int64_t v);
void pg_p_f64(struct pg_params *p, double v);
void pg_p_null(struct pg_params *p);
void pg_p_bool(struct pg_params *p, int v);

/* ---- running ---- */
/* Statements a connection keeps prepared by their text (pg_run_cached): as
 * many as the distinct queries a process runs (the web's lists build theirs
 * from the filters in use, a few dozen shapes); the least used of late
 * gives way to a new one past this. */
#define PG_CACHE 160
struct pg_cached {
    uint64_t hash;          /* of the SQL text and the parameter types */
    char *sql;
    Oid *types;             /* ntypes of them, NULL when the server infers */
    int ntypes;
    unsigned serial;        /* the statement's name: "c<serial>"; 0: not prepared yet */
    unsigned used;          /* pg->ticks at its last use */
};
/* Runs sql as a named statement prepared once per connection (found again
 * by its text and parameter types): parsed and planned by the server once,
 * not on each call as an unnamed one. Arguments as PQexecParams's; the raw
 * result (NULL or a failure included), which the caller checks. */
/* Within a store_begin() transaction, a statement whose rows do not matter
 * (pg_cmd_kept, pgq_exec) is sent and not waited for (libpq's pipeline
 * mode): the analysis's thousands of writes are not a round trip each.
 * Every other call first reads what was sent (pg_drain): a failure among
 * those is its failure, recorded as pg_fail records one, and the commit's.
 * ALM_OK when nothing failed or nothing was pending. */
int pg_drain(struct pg_store *pg);
/* Sends the prepared statement name with p's values into the pipeline. */
int pg_defer(struct pg_store *pg, const char *name, int n, const char *const *vals,
             const int *lens, const int *fmts);
/* The same for a statement not prepared (an unnamed one). */
int pg_defer_sql(struct pg_store *pg, const char *sql, int n, const Oid *types,
                 const char *const *vals, const int *lens, const int *fmts);
/* Turns sequential scans off (off: 1) or back on for the queries that
 * follow, when they are not so already: searches run with them off
 * (pgq_run), every other query with them on. */
void pg_seqscan(struct pg_store *pg, int off);
/* The name of sql's statement into name, prepared at its second use (a
 * statement a process runs once costs one round trip, not a prepare and an
 * execution): "" the first time, when the caller runs it unnamed. ALM_OK,
 * or the failure recorded. */
int pg_cached_name(struct pg_store *pg, const char *sql, int n, const Oid *types, char name[24]);
PGresult *pg_run_cached(struct pg_store *pg, const char *sql, int n, const Oid *types,
                        const char *const *vals, const int *lens, const int *fmts);
/* Runs sql (parameters p, may be NULL) and returns its result (rows or
 * none), which the caller PQclear()s; NULL with the failure recorded
 * (pg_fail), *rc (may be NULL) set to its code. */
PGresult *pg_query(struct pg_store *pg, const char *sql, const struct pg_params *p, int *rc);
/* The same for a statement run often: sql is a string literal, prepared
 * once per connection and found again by its address. */
PGresult *pg_query_kept(struct pg_store *pg, const char *sql, const struct pg_params *p,
                        int *rc);
/* Prepares sql (a string literal) once per connection and gives its name. */
int pg_kept(struct pg_store *pg, const char *sql, char name[16]);
/* Runs a statement whose rows (if any) do not matter: ALM_OK or the failure. */
int pg_cmd(struct pg_store *pg, const char *sql, const struct pg_params *p);
int pg_cmd_kept(struct pg_store *pg, const char *sql, const struct pg_params *p);
/* Runs sql, which may hold several statements and no parameters. */
int pg_exec(struct pg_store *pg, const char *sql);
/* One row, one column, a whole number (NULL reads as 0) into *out. */
int pg_one_int(struct pg_store *pg, const char *sql, const struct pg_params *p, int64_t *out);

/* Records res's failure (res may be NULL: the connection's) and returns
 * its code: ALM_ETIME for a statement cancelled by the budget (timed_out
 * set), ALM_ENOSPC for a full disk (SQLSTATE 53100), else ALM_ESTORE. */
int pg_fail(struct pg_store *pg, const PGresult *res);
/* The code of the last failure recorded (as pg_fail returned it). */
int pg_failure(const struct pg_store *pg);

/* ---- transactions ---- */
int pg_tx_begin(struct pg_store *pg);
/* COMMIT: ALM_OK, or the failure (a COMMIT of a failed transaction rolls
 * back: that is a failure too). */
int pg_tx_commit(struct pg_store *pg);
/* Rolls back any open transaction, keeping the message of the failure that
 * led here. */
void pg_tx_rollback(struct pg_store *pg);

/* ---- reading columns (row r, column c) ---- */
/* Borrowed text, NULL for SQL NULL. */
const char *pg_col_text(const PGresult *res, int r, int c);
/* A copy (free it), NULL for SQL NULL. */
char *pg_col_str(const PGresult *res, int r, int c);
/* A whole number (SQL NULL: 0). */
int64_t pg_col_i64(const PGresult *res, int r, int c);
int pg_col_int(const PGresult *res, int r, int c);
double pg_col_f64(const PGresult *res, int r, int c);
/* A boolean column ("t") or a whole number not 0. */
int pg_col_bool(const PGresult *res, int r, int c);
/* A time column (unix seconds, BIGINT). */
time_t pg_col_time(const PGresult *res, int r, int c);

/* The schema version this build migrates a PostgreSQL database to. */
int pg_latest_version(void);

/* The columns every item query selects first, in this order (items i,
 * sources s), and the function that reads them from row r into a zeroed
 * item: the same list as SQLite's (sqlite_internal.h). */
#define PG_ITEM_COLS \
    "i.id, i.source_id, s.slug, s.name, s.author, s.kind, s.tier, i.ident, i.guid, i.url," \
    " i.title, i.author, i.published, i.first_seen, i.summary_html, i.content_html," \
    " i.text, i.image"
#define PG_ITEM_NCOLS 18
struct item;
void pg_item_read(const PGresult *res, int r, struct item *it);

#endif
