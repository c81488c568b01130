/*
 * pg_q.c - the parameters, the runner and the column readers the
 * PostgreSQL backend's query files share (pg_q.h), and the translation of
 * the reader's search into a tsquery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/pg_internal.h"
#include "store/pg_q.h"
#include "store/store_web.h"

/* Type oids of the catalog (pg_type.dat): fixed since PostgreSQL 7. */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

void
pgq_init(struct pgq_args *a)
{
    memset(a, 0, sizeof(*a));
}

static int
slot(struct pgq_args *a, int i, Oid type)
{
    int k = i - 1;

    if (k < 0 || k >= PGQ_MAXARGS)
        return -1;
    /* The numbers below i that no one set are typed NULLs. */
    for (int j = a->n; j < k; j++)
        a->types[j] = OID_TEXT;
    if (i > a->n)
        a->n = i;
    a->types[k] = type;
    a->vals[k] = NULL;
    a->lens[k] = 0;
    a->fmts[k] = 0;
    return k;
}

void
pgq_text(struct pgq_args *a, int i, const char *v)
{
    int k = slot(a, i, OID_TEXT);

    if (k >= 0)
        a->vals[k] = v;
}

void
pgq_int(struct pgq_args *a, int i, int64_t v)
{
    int k = slot(a, i, OID_INT8);

    if (k < 0)
        return;
    snprintf(a->num[k], sizeof(a->num[k]), "%lld", (long long)v);
    a->vals[k] = a->num[k];
}

void
pgq_null_int(struct pgq_args *a, int i)
{
    slot(a, i, OID_INT8);
}

void
pgq_real(struct pgq_args *a, int i, double v)
{
    int k = slot(a, i, OID_FLOAT8);

    if (k < 0)
        return;
    snprintf(a->num[k], sizeof(a->num[k]), "%.17g", v);
    a->vals[k] = a->num[k];
}

void
pgq_bytea(struct pgq_args *a, int i, const void *v, size_t n)
{
    int k = slot(a, i, OID_BYTEA);

    if (k < 0)
        return;
    /* A binary value of no bytes is an empty bytea, not NULL: SQLite
     * stores a zero-length blob for an event with no terms as NULL, and so
     * does this. */
    a->vals[k] = n ? (const char *)v : NULL;
    a->lens[k] = (int)n;
    a->fmts[k] = 1;
}

PGresult *
pgq_run(struct store *st, const char *sql, const struct pgq_args *a, int search, int *rc)
{
    struct pg_store *pg = PG(st);
    PGresult *r;
    ExecStatusType t;
    int code;

    /* A search reads the GIN index: the planner, which does not count the
     * cost of detoasting each item's tsvector, chose to scan every item
     * and test it (the snapshot's "agents": a count 24 ms, the ranked page
     * 29 ms; by the index 2 ms and 8.5 ms). The setting stays until a
     * query that is no search runs (pg_seqscan): a page's count and search
     * need one SET, not a SET and a RESET each. The statement is prepared
     * once per connection (pg_run_cached). */
    if ((code = pg_drain(pg)) != ALM_OK) {
        if (rc)
            *rc = code;
        return NULL;
    }
    pg_seqscan(pg, search);
    r = pg_run_cached(pg, sql, a ? a->n : 0, a ? a->types : NULL, a ? a->vals : NULL,
                      a ? a->lens : NULL, a ? a->fmts : NULL);
    t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
        if (rc)
            *rc = ALM_OK;
        return r;
    }
    code = pg_fail(pg, r);
    /* syntax_error in a search: the reader's query, which to_tsquery
     * refused (pg_tsquery_from() lets through what it cannot judge) */
    if (search && code == ALM_ESTORE && strcmp(pg->sqlstate, "42601") == 0)
        code = ALM_EINVAL;
    PQclear(r);
    if (rc)
        *rc = code;
    return NULL;
}

int
pgq_exec(struct store *st, const char *sql, const struct pgq_args *a)
{
    struct pg_store *pg = PG(st);
    char name[24];
    int rc;
    PGresult *r;

    /* in the caller's transaction: pipelined once prepared (pg_drain) */
    if (pg->deferring && PQtransactionStatus(pg->conn) != PQTRANS_IDLE &&
        pg_cached_name(pg, sql, a ? a->n : 0, a ? a->types : NULL, name) == ALM_OK) {
        if (name[0] == '\0')
            return pg_defer_sql(pg, sql, a ? a->n : 0, a ? a->types : NULL,
                                a ? a->vals : NULL, a ? a->lens : NULL, a ? a->fmts : NULL);
        return pg_defer(pg, name, a ? a->n : 0, a ? a->vals : NULL, a ? a->lens : NULL,
                        a ? a->fmts : NULL);
    }
    r = pgq_run(st, sql, a, 0, &rc);

    PQclear(r);
    return rc;
}

int
pgq_count(struct store *st, const char *sql, int64_t *out)
{
    return pg_one_int(PG(st), sql, NULL, out);
}

/* ---- the reader's search as a tsquery ---- */

/* A byte of a word: FTS5's unicode61 tokenizer keeps letters and digits
 * (and every non-ASCII character here); all else separates words. */
static int
word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c >= 0x80;
}

/*
 * Appends the words of s as tsquery text: each quoted (they hold only word
 * bytes, so no quote needs escaping), joined by <-> (followed by), the last
 * ending in :* for a prefix. Returns the number of words.
 */
static int
put_phrase(struct buf *b, const char *s, int prefix)
{
    size_t start = b->len;
    int words = 0;

    for (size_t i = 0; s[i];) {
        size_t j = i;
        if (!word_byte((unsigned char)s[i])) {
            i++;
            continue;
        }
        while (s[j] && word_byte((unsigned char)s[j]))
            j++;
        buf_puts(b, words ? " <-> '" : "'");
        buf_append(b, s + i, j - i);
        buf_putc(b, '\'');
        words++;
        i = j;
    }
    if (words == 0)
        return 0;
    if (prefix)
        buf_puts(b, ":*");
    if (words > 1) { /* (a <-> b) binds as one operand */
        char *w = xstrdup(b->data + start);
        b->len = start;
        buf_putc(b, '(');
        buf_puts(b, w);
        buf_putc(b, ')');
        free(w);
    }
    return words;
}

int
pg_tsquery_from(const struct text_query *t, char **out)
{
    struct buf b = BUF_INIT((size_t)1 << 20);

    *out = NULL;
    if (t == NULL || t->n == 0)
        return ALM_EINVAL;
    for (size_t i = 0; i < t->n; i++) {
        size_t before = b.len;
        if (b.len)
            buf_puts(&b, " & ");
        if (put_phrase(&b, t->v[i].text ? t->v[i].text : "", t->v[i].prefix) == 0) {
            b.len = before; /* no word: FTS5 matches it everywhere */
            if (b.data)
                b.data[b.len] = '\0';
        }
    }
    if (buf_cut(&b)) {
        buf_fini(&b);
        return ALM_ETOOBIG;
    }
    *out = xstrdup(buf_cstr(&b));
    buf_fini(&b);
    return ALM_OK;
}
