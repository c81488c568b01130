/*
 * store.c - store.h's functions: each opens the engine the DSN names or
 * calls through the handle's table of operations (backend.h).
 */
#include "store/store.h"

#include <string.h>

#include "store/backend.h"

int
store_dsn_is_pg(const char *dsn)
{
    return dsn != NULL &&
           (strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0);
}

int
store_open(const char *dsn, struct store **out, char *err, size_t errlen)
{
    if (store_dsn_is_pg(dsn))
        return pg_open(dsn, out, err, errlen);
    return sq_open(dsn, out, err, errlen);
}

int
store_open_readonly(const char *dsn, struct store **out, char *err, size_t errlen)
{
    if (store_dsn_is_pg(dsn))
        return pg_open_readonly(dsn, out, err, errlen);
    return sq_open_readonly(dsn, out, err, errlen);
}

/* store_close(NULL) does nothing, as free(NULL) does. */
void
store_close(struct store *st)
{
    if (st != NULL)
        store_ops_of(st)->close(st);
}

int
store_timed_out(const struct store *st)
{
    return st != NULL && store_ops_of(st)->timed_out(st);
}

const char *
store_error(const struct store *st)
{
    return st != NULL ? store_ops_of(st)->error(st) : "no store";
}

#define STORE_OP(ret, name, params, args) \
    ret store_##name params { return store_ops_of(st)->name args; }
/* Those returning nothing do nothing for a NULL handle (the web arms the
 * budget of a request that may have no connection). */
#define STORE_VOP(name, params, args) \
    void store_##name params { if (st != NULL) store_ops_of(st)->name args; }
#include "store/store_ops.def"
#undef STORE_OP
#undef STORE_VOP
