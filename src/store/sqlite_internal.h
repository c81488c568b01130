/*
 * sqlite_internal.h - what the SQLite backend's files share. Not for
 * callers of store.h.
 */
#ifndef ALMANAC_SQLITE_INTERNAL_H
#define ALMANAC_SQLITE_INTERNAL_H

#include <sqlite3.h>

struct store {
    sqlite3 *db;
    char err[256];
    sqlite3_stmt *find_item, *insert_item, *update_item, *fts_insert, *fts_delete;
};

/* Records the database's message; returns code. */
int sq_fail(struct store *st, int code);
int sq_exec(struct store *st, const char *sql);
char *sq_col_str(sqlite3_stmt *s, int i);
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);

#endif
