/*
 * sqlite_ops.c - the SQLite backend's table of operations (backend.h): what
 * store.h's functions call for a handle sq_open made, and the two ways to
 * open one.
 */
#include "store/sqlite_internal.h"

static const struct store_ops sq_ops;

int
sq_open(const char *dsn, struct store **out, char *err, size_t errlen)
{
    return sq_connect(&sq_ops, dsn, out, err, errlen);
}

int
sq_open_readonly(const char *dsn, struct store **out, char *err, size_t errlen)
{
    return sq_connect_readonly(&sq_ops, dsn, out, err, errlen);
}

static const struct store_ops sq_ops = {
    .engine = "sqlite",
    .close = sq_close,
    .timed_out = sq_timed_out,
    .error = sq_error,
#define STORE_OP(ret, name, params, args) .name = sq_##name,
#define STORE_VOP(name, params, args) .name = sq_##name,
#include "store/store_ops.def"
#undef STORE_OP
#undef STORE_VOP
};
