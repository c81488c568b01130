/*
 * pg_ops.c - the PostgreSQL backend's table of operations (backend.h): what
 * store.h's functions call for a handle pg_open made, and the two ways to
 * open one.
 */
#include "store/pg_internal.h"

static const struct store_ops pg_ops;

int
pg_open(const char *dsn, struct store **out, char *err, size_t errlen)
{
    return pg_connect(&pg_ops, dsn, 0, out, err, errlen);
}

int
pg_open_readonly(const char *dsn, struct store **out, char *err, size_t errlen)
{
    return pg_connect(&pg_ops, dsn, 1, out, err, errlen);
}

static const struct store_ops pg_ops = {
    .engine = "postgresql",
    .close = pg_close,
    .timed_out = pg_timed_out,
    .error = pg_error,
#define STORE_OP(ret, name, params, args) .name = pg_##name,
#define STORE_VOP(name, params, args) .name = pg_##name,
#include "store/store_ops.def"
#undef STORE_OP
#undef STORE_VOP
};
