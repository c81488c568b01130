/*
 * backend.h - what a storage engine gives store.h: a table of its
 * operations, reached through the handle it opens. Not for callers of
 * store.h.
 *
 * Every backend's handle begins with a pointer to its table (C11 6.7.2.1:
 * a pointer to a structure, converted, points to its first member), so
 * store.c reaches the table without knowing the engine.
 */
#ifndef ALMANAC_STORE_BACKEND_H
#define ALMANAC_STORE_BACKEND_H

#include "store/store.h"
#include "store/store_admin.h"
#include "store/store_alerts.h"
#include "store/store_analyze.h"
#include "store/store_ingest.h"
#include "store/store_web.h"

struct store_ops {
    const char *engine; /* "sqlite", ... */
    void (*close)(struct store *st);
    int (*timed_out)(const struct store *st);
    const char *(*error)(const struct store *st);
#define STORE_OP(ret, name, params, args) ret(*name) params;
#define STORE_VOP(name, params, args) void(*name) params;
#include "store/store_ops.def"
#undef STORE_OP
#undef STORE_VOP
};

/* The table of the engine behind st. */
static inline const struct store_ops *
store_ops_of(const struct store *st)
{
    return *(const struct store_ops *const *)(const void *)st;
}

/* The SQLite backend (sqlite.c): dsn is a path or "sqlite:PATH". */
int sq_open(const char *dsn, struct store **out, char *err, size_t errlen);
int sq_open_readonly(const char *dsn, struct store **out, char *err, size_t errlen);
/* The PostgreSQL backend (pg.c): dsn is a libpq URI, "postgres://..." or
 * "postgresql://..." (a Unix socket: "postgresql:///db?host=/dir"). */
int pg_open(const char *dsn, struct store **out, char *err, size_t errlen);
int pg_open_readonly(const char *dsn, struct store **out, char *err, size_t errlen);
/* Whether dsn names a PostgreSQL database rather than a SQLite file. */
int store_dsn_is_pg(const char *dsn);

#endif
