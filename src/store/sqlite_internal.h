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
