/*
 * sqlite_internal.h - what the SQLite backend's files share. Not for
 * callers of store.h.
 */
#ifndef ALMANAC_SQLITE_INTERNAL_H
#define ALMANAC_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/backend.h"
#include "store/columns.h"

/* Statements a connection keeps prepared, found by their SQL's address. */
#define SQ_STMTS 32

/* The SQLite backend's handle: the struct behind store.h's opaque name in
 * this backend's files (others define their own, beginning the same way). */
struct store {
    const struct store_ops *ops; /* &sq_ops; first, see backend.h */
    sqlite3 *db;
    char err[256];
    int code;     /* SQLite's (extended) result code of the last failure */
    struct {
        const char *sql;
        sqlite3_stmt *s;
    } stmts[SQ_STMTS];
    size_t nstmts;
    int budget_ms;          /* store_arm_budget(): 0 when unbounded */
    int64_t deadline_ns;    /* CLOCK_MONOTONIC; past it the progress handler interrupts */
    int timed_out;          /* the last query was interrupted for its budget */
};

/* The backend's operations, named sq_NAME (store_ops.def). */
#define STORE_OP(ret, name, params, args) ret sq_##name params;
#define STORE_VOP(name, params, args) void sq_##name params;
#include "store/store_ops.def"
#undef STORE_OP
#undef STORE_VOP
void sq_close(struct store *st);
int sq_timed_out(const struct store *st);
const char *sq_error(const struct store *st);
/* Opens dsn (sq_open, sq_open_readonly: backend.h) with ops as its table:
 * the table is passed down from sqlite_ops.c, so that the files it lists
 * never reach back up to it. */
int sq_connect(const struct store_ops *ops, const char *dsn, struct store **out, char *err,
               size_t errlen);
int sq_connect_readonly(const struct store_ops *ops, const char *dsn, struct store **out,
                        char *err, size_t errlen);

/* Records the database's message and result code; returns code. */
int sq_fail(struct store *st, int code);
int sq_exec(struct store *st, const char *sql);
/* The schema version this build migrates to. */
int sq_latest_version(void);
/* What the last failure was for callers of store.h: ALM_ENOSPC when the
 * disk (or the database) is full, else ALM_ESTORE. */
int sq_failure(const struct store *st);
/* The statement for sql, a string literal (kept prepared for the
 * connection's life and found again by its address), reset and with no
 * bindings; NULL with the reason recorded. For statements run per row. */
sqlite3_stmt *sq_stmt(struct store *st, const char *sql);
/* A statement of the caller's own, prepared from sql (any string) and
 * finalized by the caller; NULL after sq_fail(st, ALM_ESTORE). */
sqlite3_stmt *sq_prepare(struct store *st, const char *sql);
/* Steps a statement from sq_stmt once and resets it: ALM_OK when it ran
 * to its end or gave a row, else the error recorded. */
int sq_run(struct store *st, sqlite3_stmt *s);
/* Finalizes s after its last step returned r: ALM_OK when r was a row or
 * done, else the store's failure recorded. */
int sq_done(struct store *st, sqlite3_stmt *s, int r);
/* Steps s once for a lookup of one row: ALM_OK with the row ready to read
 * (the caller finalizes s), else s finalized and ALM_ENOTFOUND or the
 * store's failure. */
int sq_one_row(struct store *st, sqlite3_stmt *s);
char *sq_col_str(sqlite3_stmt *s, int i);
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);


struct item;
/* The columns every item query selects first, in this order (items i,
 * sources s), and the function that reads them into a zeroed item. */
#define SQ_ITEM_COLS \
    "i.id, i.source_id, s.slug, s.name, s.author, s.kind, s.tier, i.ident, i.guid, i.url," \
    " i.title, i.author, i.published, i.first_seen, i.summary_html, i.content_html," \
    " i.text, i.image"
#define SQ_ITEM_NCOLS 18
void sq_item_read(sqlite3_stmt *s, struct item *it);

#endif
