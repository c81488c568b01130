/*
 * migrate.c - store_copy_to(): a SQLite almanac copied into an empty
 * PostgreSQL database (`almanac migrate-to DSN`). The one file of the
 * store that knows both engines: it reads SQLite's handle (sqlite_internal.h)
 * and writes through PostgreSQL's (pg_internal.h).
 *
 * The target is opened as any PostgreSQL store is (pg_open), so its schema
 * is this build's. Its tables (every base table of the current schema but
 * schema_version) are taken in foreign-key order (a table after those it
 * references); each gets the columns it shares with SQLite's table of the
 * same name (PostgreSQL's generated columns, such as items.search, fill
 * themselves), written with COPY FROM STDIN in text format. A SQLite table
 * or column with no counterpart stops the copy (nothing is dropped without
 * a word), save FTS5's index tables, which PostgreSQL's tsvector replaces.
 * Then every identity sequence moves past its column's largest value, and
 * each table's rows are counted on both sides. All of it is one transaction
 * on PostgreSQL (a failure leaves the target as it was) and one read
 * transaction on SQLite (the copy is of one moment of the source).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store_admin.h"

#include "store/pg_internal.h"
#include "store/sqlite_internal.h"

/* COPY data goes to the server in pieces of about this size. */
#define COPY_CHUNK (256 * 1024)

/* One table of the target, with what the copy needs of it. */
struct table {
    char *name;
    char **cols;    /* the columns both sides have, in PostgreSQL's order */
    int *bytea;     /* cols[i] is BYTEA on PostgreSQL */
    int *integral;  /* cols[i] is a whole-number type on PostgreSQL */
    int ncols;
    int in_sqlite;  /* SQLite has a table of this name */
    int done;       /* placed in the order */
    int64_t rows;   /* rows copied */
};

struct copy {
    struct store *sq;      /* the source (SQLite's handle) */
    struct store *pgst;    /* the target */
    struct pg_store *pg;
    struct table *t;
    int nt;
};

static void __attribute__((format(printf, 2, 3)))
fail_msg(struct store *sq, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sq->err, sizeof(sq->err), fmt, ap);
    va_end(ap);
}

/* Records SQLite's message for the last failure; its ALM_* code. */
static int
sq_err(struct copy *c)
{
    sq_fail(c->sq, ALM_ESTORE);
    return sq_failure(c->sq);
}

/* The target's message (pg_fail recorded it) as the source's. */
static int
pg_msg(struct copy *c, const char *what, int rc)
{
    fail_msg(c->sq, "%s: %s", what, pg_error(c->pgst));
    return rc != ALM_OK ? rc : ALM_ESTORE;
}

static void
tables_free(struct copy *c)
{
    for (int i = 0; i < c->nt; i++) {
        for (int k = 0; k < c->t[i].ncols; k++)
            free(c->t[i].cols[k]);
        free(c->t[i].cols);
        free(c->t[i].bytea);
        free(c->t[i].integral);
        free(c->t[i].name);
    }
    free(c->t);
    c->t = NULL;
    c->nt = 0;
}

/* Whether SQLite's table `table` has a column `col` (1), not (0), or the
 * query failed (-1). */
static int
sq_has_column(struct copy *c, const char *table, const char *col)
{
    sqlite3_stmt *s;
    int found = 0, rc;

    if (sqlite3_prepare_v2(c->sq->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
                           -1, &s, NULL) != SQLITE_OK) {
        sq_err(c);
        return -1;
    }
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, col, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        found = 1;
    else if (rc != SQLITE_DONE) {
        sq_err(c);
        found = -1;
    }
    sqlite3_finalize(s);
    return found;
}

/* Reads the target's tables and columns, and which of them SQLite has. */
static int
load_tables(struct copy *c)
{
    PGresult *r;
    int rc;

    r = pg_query(c->pg,
                 "SELECT table_name FROM information_schema.tables"
                 " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                 "   AND table_name <> 'schema_version' ORDER BY table_name",
                 NULL, &rc);
    if (r == NULL)
        return pg_msg(c, "reading the target's tables", rc);
    c->nt = PQntuples(r);
    c->t = xcalloc((size_t)c->nt + 1, sizeof(*c->t));
    for (int i = 0; i < c->nt; i++)
        c->t[i].name = pg_col_str(r, i, 0);
    PQclear(r);
    for (int i = 0; i < c->nt; i++) {
        struct table *t = &c->t[i];
        struct pg_params p = { 0 };
        sqlite3_stmt *s;

        if (sqlite3_prepare_v2(c->sq->db,
                               "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                               -1, &s, NULL) != SQLITE_OK)
            return sq_err(c);
        sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
        t->in_sqlite = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);

        pg_p_text(&p, t->name);
        r = pg_query(c->pg,
                     "SELECT column_name, data_type FROM information_schema.columns"
                     " WHERE table_schema = current_schema() AND table_name = $1"
                     "   AND is_generated = 'NEVER' ORDER BY ordinal_position",
                     &p, &rc);
        if (r == NULL)
            return pg_msg(c, "reading the target's columns", rc);
        t->cols = xcalloc((size_t)PQntuples(r) + 1, sizeof(*t->cols));
        t->bytea = xcalloc((size_t)PQntuples(r) + 1, sizeof(*t->bytea));
        t->integral = xcalloc((size_t)PQntuples(r) + 1, sizeof(*t->integral));
        for (int k = 0; t->in_sqlite && k < PQntuples(r); k++) {
            const char *col = pg_col_text(r, k, 0), *type = pg_col_text(r, k, 1);
            int has = sq_has_column(c, t->name, col);

            if (has < 0) {
                PQclear(r);
                return ALM_ESTORE;
            }
            if (!has)
                continue; /* the target's default fills it */
            t->cols[t->ncols] = xstrdup(col);
            t->bytea[t->ncols] = strcmp(type, "bytea") == 0;
            t->integral[t->ncols] = strcmp(type, "bigint") == 0 ||
                                    strcmp(type, "integer") == 0 ||
                                    strcmp(type, "smallint") == 0;
            t->ncols++;
        }
        PQclear(r);
    }
    return ALM_OK;
}

/* Whether the target has a table named name. */
static int
target_has(const struct copy *c, const char *name)
{
    for (int i = 0; i < c->nt; i++)
        if (strcmp(c->t[i].name, name) == 0)
            return 1;
    return 0;
}

/* Refuses a SQLite table or column the target has no place for: those
 * rows would be lost. FTS5's tables (the virtual one and its shadows) are
 * an index, which the target's generated tsvector column replaces. */
static int
check_source_fits(struct copy *c)
{
    sqlite3_stmt *s;
    int rc = ALM_OK, step;

    if (sqlite3_prepare_v2(c->sq->db,
                           "SELECT m.name, p.name FROM sqlite_schema m"
                           " LEFT JOIN pragma_table_info(m.name) p"
                           " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                           "   AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
                           "   AND NOT EXISTS (SELECT 1 FROM sqlite_schema v"
                           "     WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'"
                           "       AND m.name LIKE v.name || '\\_%' ESCAPE '\\')"
                           " ORDER BY m.name, p.cid",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_err(c);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(s, 0);
        const char *col = (const char *)sqlite3_column_text(s, 1);
        const struct table *t = NULL;
        int found = 0;

        for (int i = 0; i < c->nt; i++)
            if (strcmp(c->t[i].name, table) == 0)
                t = &c->t[i];
        if (t == NULL || !target_has(c, table)) {
            fail_msg(c->sq, "the target has no table %s (this almanac's PostgreSQL schema is"
                            " older than the SQLite database's?)", table);
            rc = ALM_ESTORE;
            break;
        }
        for (int k = 0; col != NULL && k < t->ncols; k++)
            if (strcmp(t->cols[k], col) == 0)
                found = 1;
        if (col != NULL && !found) {
            fail_msg(c->sq, "the target's table %s has no column %s", table, col);
            rc = ALM_ESTORE;
            break;
        }
    }
    if (rc == ALM_OK && step != SQLITE_DONE)
        rc = sq_err(c);
    sqlite3_finalize(s);
    return rc;
}

/* Refuses a target holding any row. */
static int
check_empty(struct copy *c)
{
    for (int i = 0; i < c->nt; i++) {
        char sql[160];
        int64_t n = 0;
        int rc;

        snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM \"%s\")::int", c->t[i].name);
        rc = pg_one_int(c->pg, sql, NULL, &n);
        if (rc != ALM_OK)
            return pg_msg(c, "reading the target", rc);
        if (n != 0) {
            fail_msg(c->sq, "the target database is not empty (table %s has rows):"
                            " migrate-to copies into an empty database only", c->t[i].name);
            return ALM_EDENIED;
        }
    }
    return ALM_OK;
}

/* Orders the tables so that each comes after those its foreign keys name. */
static int
order_tables(struct copy *c)
{
    PGresult *r;
    struct table *sorted;
    int rc, n = 0;

    r = pg_query(c->pg,
                 "SELECT cl.relname, rf.relname FROM pg_constraint co"
                 " JOIN pg_class cl ON cl.oid = co.conrelid"
                 " JOIN pg_class rf ON rf.oid = co.confrelid"
                 " JOIN pg_namespace ns ON ns.oid = cl.relnamespace"
                 " WHERE co.contype = 'f' AND ns.nspname = current_schema()",
                 NULL, &rc);
    if (r == NULL)
        return pg_msg(c, "reading the target's foreign keys", rc);
    sorted = xcalloc((size_t)c->nt + 1, sizeof(*sorted));
    while (n < c->nt) {
        int placed = 0;

        for (int i = 0; i < c->nt; i++) {
            int ready = 1;

            if (c->t[i].done)
                continue;
            for (int k = 0; k < PQntuples(r) && ready; k++) {
                const char *from = pg_col_text(r, k, 0), *to = pg_col_text(r, k, 1);

                if (strcmp(from, c->t[i].name) != 0 || strcmp(to, from) == 0)
                    continue;
                for (int j = 0; j < c->nt; j++)
                    if (!c->t[j].done && strcmp(c->t[j].name, to) == 0)
                        ready = 0;
            }
            if (ready) {
                c->t[i].done = 1;
                sorted[n++] = c->t[i];
                placed = 1;
            }
        }
        if (!placed)
            break;
    }
    PQclear(r);
    if (n < c->nt) {
        /* a circle of foreign keys: this schema has none; say so rather
         * than copy in an order the server would refuse half way */
        for (int i = 0; i < c->nt; i++)
            if (!c->t[i].done)
                sorted[n++] = c->t[i];
        free(c->t);
        c->t = sorted;
        fail_msg(c->sq, "the target's foreign keys go round a circle");
        return ALM_ESTORE;
    }
    free(c->t);
    c->t = sorted;
    return ALM_OK;
}

/* Appends text for COPY's text format: backslash, tab, newline and carriage
 * return escaped. */
static void
put_text(struct buf *b, const unsigned char *s, int n)
{
    int start = 0;

    for (int i = 0; i < n; i++) {
        const char *esc = NULL;

        switch (s[i]) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: continue;
        }
        buf_append(b, s + start, (size_t)(i - start));
        buf_append(b, esc, 2);
        start = i + 1;
    }
    buf_append(b, s + start, (size_t)(n - start));
}

/* Appends column k of the current row of s, as COPY reads it into t's
 * column k. */
static void
put_value(struct buf *b, sqlite3_stmt *s, int k, const struct table *t)
{
    static const char hex[] = "0123456789abcdef";

    switch (sqlite3_column_type(s, k)) {
    case SQLITE_NULL:
        buf_append(b, "\\N", 2);
        break;
    case SQLITE_INTEGER:
        buf_printf(b, "%lld", (long long)sqlite3_column_int64(s, k));
        break;
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(s, k);

        if (t->integral[k] && d == floor(d) && fabs(d) < 9.2e18)
            buf_printf(b, "%lld", (long long)d);
        else
            buf_printf(b, "%.17g", d); /* round-trips every double */
        break;
    }
    case SQLITE_BLOB:
        if (t->bytea[k]) {
            const unsigned char *p = sqlite3_column_blob(s, k);
            int n = sqlite3_column_bytes(s, k);

            buf_append(b, "\\\\x", 3); /* \x, its backslash escaped for COPY */
            for (int i = 0; i < n; i++) {
                char h[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

                buf_append(b, h, 2);
            }
            break;
        }
        /* a blob in a text column goes as its bytes */
        __attribute__((fallthrough));
    default:
        put_text(b, sqlite3_column_text(s, k), sqlite3_column_bytes(s, k));
        break;
    }
}

/* Sends b's bytes to the COPY in progress and empties b. */
static int
flush(struct copy *c, struct buf *b)
{
    if (b->len == 0)
        return ALM_OK;
    if (PQputCopyData(c->pg->conn, b->data, (int)b->len) != 1) {
        fail_msg(c->sq, "sending rows: %s", PQerrorMessage(c->pg->conn));
        return ALM_ESTORE;
    }
    buf_reset(b);
    return ALM_OK;
}

/* Copies one table's rows; t->rows gets their number. */
static int
copy_table(struct copy *c, struct table *t)
{
    struct buf sel = BUF_INIT(1 << 20), cp = BUF_INIT(1 << 20), b = BUF_INIT(64 << 20);
    sqlite3_stmt *s = NULL;
    PGresult *r;
    int rc = ALM_OK, step;

    t->rows = 0;
    if (!t->in_sqlite || t->ncols == 0)
        return ALM_OK;
    buf_puts(&sel, "SELECT ");
    buf_printf(&cp, "COPY \"%s\" (", t->name);
    for (int k = 0; k < t->ncols; k++) {
        buf_printf(&sel, "%s\"%s\"", k ? ", " : "", t->cols[k]);
        buf_printf(&cp, "%s\"%s\"", k ? ", " : "", t->cols[k]);
    }
    buf_printf(&sel, " FROM \"%s\" ORDER BY rowid", t->name);
    buf_puts(&cp, ") FROM STDIN");
    if (sqlite3_prepare_v2(c->sq->db, buf_cstr(&sel), -1, &s, NULL) != SQLITE_OK) {
        /* a WITHOUT ROWID table: its own order */
        buf_reset(&sel);
        buf_puts(&sel, "SELECT ");
        for (int k = 0; k < t->ncols; k++)
            buf_printf(&sel, "%s\"%s\"", k ? ", " : "", t->cols[k]);
        buf_printf(&sel, " FROM \"%s\"", t->name);
        if (sqlite3_prepare_v2(c->sq->db, buf_cstr(&sel), -1, &s, NULL) != SQLITE_OK) {
            rc = sq_err(c);
            goto out;
        }
    }
    r = PQexec(c->pg->conn, buf_cstr(&cp));
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = pg_fail(c->pg, r);
        PQclear(r);
        rc = pg_msg(c, t->name, rc);
        goto out;
    }
    PQclear(r);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        for (int k = 0; k < t->ncols; k++) {
            if (k)
                buf_putc(&b, '\t');
            put_value(&b, s, k, t);
        }
        buf_putc(&b, '\n');
        if (buf_cut(&b)) {
            fail_msg(c->sq, "%s: a row of more than 64 MB", t->name);
            rc = ALM_ETOOBIG;
            break;
        }
        t->rows++;
        if (b.len >= COPY_CHUNK && (rc = flush(c, &b)) != ALM_OK)
            break;
    }
    if (rc == ALM_OK && step != SQLITE_DONE)
        rc = sq_err(c);
    if (rc == ALM_OK)
        rc = flush(c, &b);
    if (PQputCopyEnd(c->pg->conn, rc == ALM_OK ? NULL : "almanac: the copy failed") != 1 &&
        rc == ALM_OK) {
        fail_msg(c->sq, "%s: %s", t->name, PQerrorMessage(c->pg->conn));
        rc = ALM_ESTORE;
    }
    while ((r = PQgetResult(c->pg->conn)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == ALM_OK) {
            rc = pg_fail(c->pg, r);
            rc = pg_msg(c, t->name, rc);
        } else if (rc == ALM_OK && strtoll(PQcmdTuples(r), NULL, 10) != t->rows) {
            fail_msg(c->sq, "%s: %" PRId64 " rows sent, the server took %s", t->name, t->rows,
                     PQcmdTuples(r));
            rc = ALM_ESTORE;
        }
        PQclear(r);
    }
out:
    sqlite3_finalize(s);
    free(buf_take(&sel));
    free(buf_take(&cp));
    free(buf_take(&b));
    return rc;
}

/* Moves every identity sequence past its column's largest value. */
static int
move_sequences(struct copy *c)
{
    PGresult *r;
    int rc;

    r = pg_query(c->pg,
                 "SELECT table_name, column_name FROM information_schema.columns"
                 " WHERE table_schema = current_schema() AND is_identity = 'YES'"
                 " ORDER BY table_name",
                 NULL, &rc);
    if (r == NULL)
        return pg_msg(c, "reading the target's identity columns", rc);
    for (int i = 0; i < PQntuples(r) && rc == ALM_OK; i++) {
        char sql[512];
        const char *t = pg_col_text(r, i, 0), *col = pg_col_text(r, i, 1);

        /* an empty table: the next id is 1, as in a new database */
        snprintf(sql, sizeof(sql),
                 "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'),"
                 " coalesce((SELECT max(\"%s\") FROM \"%s\"), 1),"
                 " (SELECT max(\"%s\") FROM \"%s\") IS NOT NULL)",
                 t, col, col, t, col, t);
        rc = pg_cmd(c->pg, sql, NULL);
        if (rc != ALM_OK)
            rc = pg_msg(c, "moving the identity sequences", rc);
    }
    PQclear(r);
    return rc;
}

/* Counts each table on both sides: equal, or the copy fails. */
static int
check_counts(struct copy *c)
{
    for (int i = 0; i < c->nt; i++) {
        struct table *t = &c->t[i];
        char sql[160];
        int64_t want = 0, got = 0;
        int rc;

        if (t->in_sqlite) {
            sqlite3_stmt *s;

            snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t->name);
            if (sqlite3_prepare_v2(c->sq->db, sql, -1, &s, NULL) != SQLITE_OK)
                return sq_err(c);
            if (sqlite3_step(s) != SQLITE_ROW) {
                rc = sq_err(c);
                sqlite3_finalize(s);
                return rc;
            }
            want = sqlite3_column_int64(s, 0);
            sqlite3_finalize(s);
        }
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t->name);
        rc = pg_one_int(c->pg, sql, NULL, &got);
        if (rc != ALM_OK)
            return pg_msg(c, "counting the target's rows", rc);
        if (got != want) {
            fail_msg(c->sq, "%s: %" PRId64 " rows in SQLite, %" PRId64 " in PostgreSQL",
                     t->name, want, got);
            return ALM_ESTORE;
        }
    }
    return ALM_OK;
}

int
store_copy_to(struct store *from, const char *dsn, store_copy_progress progress, void *arg)
{
    struct copy c = { 0 };
    char err[256];
    int rc;

    if (from == NULL || strcmp(store_ops_of(from)->engine, "sqlite") != 0)
        return ALM_ENOTSUP; /* store_error() says which engine it is */
    c.sq = from;
    if (!store_dsn_is_pg(dsn)) {
        fail_msg(from, "%s is not a PostgreSQL DSN (postgres://... or postgresql://...)", dsn);
        return ALM_EINVAL;
    }
    rc = pg_open(dsn, &c.pgst, err, sizeof(err));
    if (rc != ALM_OK) {
        fail_msg(from, "%s", err);
        return rc;
    }
    c.pg = PG(c.pgst);
    if (sq_exec(from, "BEGIN") != ALM_OK) {
        rc = ALM_ESTORE;
        goto out;
    }
    if (pg_tx_begin(c.pg) != ALM_OK) {
        rc = pg_msg(&c, "BEGIN", ALM_ESTORE);
        goto end_read;
    }
    /* a second migrate-to of the same target at once waits here, then
     * finds it not empty */
    if (pg_exec(c.pg, "LOCK TABLE sources IN EXCLUSIVE MODE") != ALM_OK) {
        rc = pg_msg(&c, "locking the target", ALM_ESTORE);
        goto rollback;
    }
    if ((rc = load_tables(&c)) != ALM_OK || (rc = check_empty(&c)) != ALM_OK ||
        (rc = check_source_fits(&c)) != ALM_OK || (rc = order_tables(&c)) != ALM_OK)
        goto rollback;
    for (int i = 0; i < c.nt; i++) {
        if ((rc = copy_table(&c, &c.t[i])) != ALM_OK)
            goto rollback;
        if (progress != NULL)
            progress(c.t[i].name, c.t[i].rows, arg);
    }
    if ((rc = move_sequences(&c)) != ALM_OK || (rc = check_counts(&c)) != ALM_OK)
        goto rollback;
    if (pg_tx_commit(c.pg) != ALM_OK) {
        rc = pg_msg(&c, "COMMIT", ALM_ESTORE);
        goto rollback;
    }
    goto end_read;
rollback:
    pg_tx_rollback(c.pg);
end_read:
    sqlite3_exec(from->db, "ROLLBACK", NULL, NULL, NULL); /* a read transaction */
out:
    tables_free(&c);
    store_close(c.pgst);
    return rc;
}
