/*
 * maintain.c - what the operator's commands need of the store: an online
 * copy of the database (`almanac backup`) and its checks (`almanac doctor`).
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"

#include "store/sqlite_internal.h"

/* Pages copied per step, and how long the copy waits, in all, for a lock
 * it cannot take (another process's checkpoint or write) before it gives
 * up. */
#define BACKUP_PAGES 512
#define BACKUP_WAIT_MS 30000

static void
pause_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Syncs the directory holding path, so a rename in it survives a crash. */
static void
sync_dir(const char *path)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    int fd;

    if (slash == NULL)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

static void
remove_tmp(const char *tmp)
{
    char j[4096];

    unlink(tmp);
    snprintf(j, sizeof(j), "%s-journal", tmp);
    unlink(j);
}

int
sq_backup(struct store *st, const char *path, int overwrite)
{
    size_t n = strlen(path) + 5;
    char *tmp = xmalloc(n);
    sqlite3 *dst = NULL;
    sqlite3_backup *b = NULL;
    int rc = ALM_ESTORE, r, waited = 0, read_open = 0;

    snprintf(tmp, n, "%s.tmp", path);
    if (!overwrite && access(path, F_OK) == 0) {
        snprintf(st->err, sizeof(st->err), "%s exists (--force replaces it)", path);
        st->code = 0;
        free(tmp);
        return ALM_EDENIED;
    }
    remove_tmp(tmp); /* a copy an earlier run left half written */
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(st->err, sizeof(st->err), "cannot create %s: %s", tmp,
                 dst ? sqlite3_errmsg(dst) : "out of memory");
        st->code = dst ? sqlite3_errcode(dst) : 0;
        goto out;
    }
    /*
     * One read transaction on the source for the whole copy: in WAL mode it
     * blocks no writer (serve, ingest go on), and the copy is the database
     * as it was when it began, however many steps it takes. Without it,
     * each step would read the newest state and any commit in between would
     * start the copy over, perhaps for ever under a busy ingest.
     */
    if (sqlite3_exec(st->db, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
        SQLITE_OK) {
        sq_fail(st, ALM_ESTORE);
        goto out;
    }
    read_open = 1;
    b = sqlite3_backup_init(dst, "main", st->db, "main");
    if (b == NULL) {
        snprintf(st->err, sizeof(st->err), "backup: %s", sqlite3_errmsg(dst));
        st->code = sqlite3_errcode(dst);
        goto out;
    }
    for (;;) {
        r = sqlite3_backup_step(b, BACKUP_PAGES);
        if (r == SQLITE_DONE)
            break;
        if (r == SQLITE_OK)
            continue;
        if ((r & 0xff) == SQLITE_BUSY || (r & 0xff) == SQLITE_LOCKED) {
            if (waited >= BACKUP_WAIT_MS) {
                snprintf(st->err, sizeof(st->err),
                         "backup: the database stayed locked for %d s", BACKUP_WAIT_MS / 1000);
                st->code = r;
                goto out;
            }
            pause_ms(50);
            waited += 50;
            continue;
        }
        snprintf(st->err, sizeof(st->err), "backup: %s", sqlite3_errstr(r));
        st->code = r;
        if ((r & 0xff) == SQLITE_FULL || ((r & 0xff) == SQLITE_IOERR &&
                                          sqlite3_system_errno(dst) == ENOSPC))
            rc = ALM_ENOSPC;
        goto out;
    }
    r = sqlite3_backup_finish(b);
    b = NULL;
    if (r != SQLITE_OK) {
        snprintf(st->err, sizeof(st->err), "backup: %s", sqlite3_errmsg(dst));
        st->code = r;
        goto out;
    }
    if (sqlite3_close(dst) != SQLITE_OK) {
        snprintf(st->err, sizeof(st->err), "backup: closing %s failed", tmp);
        st->code = 0;
        dst = NULL;
        goto out;
    }
    dst = NULL;
    /* Without --force, link() refuses a FILE that appeared meanwhile; with
     * it, rename() replaces FILE in one step. */
    if (overwrite ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
        int e = errno;

        snprintf(st->err, sizeof(st->err), "%s: %s%s", path, strerror(e),
                 e == EEXIST ? " (--force replaces it)" : "");
        st->code = 0;
        rc = e == EEXIST ? ALM_EDENIED : ALM_EIO;
        goto out;
    }
    if (!overwrite)
        unlink(tmp);
    sync_dir(path);
    rc = ALM_OK;
out:
    if (b)
        sqlite3_backup_finish(b);
    if (dst)
        sqlite3_close(dst);
    if (read_open)
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (rc != ALM_OK)
        remove_tmp(tmp);
    free(tmp);
    return rc;
}

int
sq_schema_latest(struct store *st)
{
    (void)st;
    return sq_latest_version();
}

int
sq_quick_check(struct store *st, char *result, size_t len)
{
    sqlite3_stmt *s = sq_prepare(st, "PRAGMA quick_check");
    int r, rc = ALM_OK, first = 1;

    if (s == NULL)
        return sq_failure(st);
    if (len)
        result[0] = '\0';
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);

        if (first && len)
            snprintf(result, len, "%s", v ? v : "");
        if (!v || strcmp(v, "ok") != 0)
            rc = ALM_ESTORE;
        first = 0;
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(st, sq_failure(st));
    sqlite3_finalize(s);
    return rc;
}

int
sq_newest_first_seen(struct store *st, time_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT max(first_seen) FROM items");
    int rc = ALM_OK;

    if (s == NULL)
        return sq_failure(st);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = (time_t)sqlite3_column_int64(s, 0);
    else
        rc = sq_fail(st, ALM_ESTORE);
    sqlite3_finalize(s);
    return rc;
}

/*
 * The items to prune, into temp.prune: published (else first seen) before
 * the cutoff, and of a story none of whose events is published at or after
 * it or has joined a guide. A story goes whole or stays whole, so no kept
 * story loses its first event or its counts; an item without an event is
 * its own story.
 */
static const char prune_select[] =
    "CREATE TEMP TABLE prune AS"
    " WITH old AS ("
    "   SELECT i.id, coalesce(e.story_id, e.id, i.id) AS sid, e.id IS NOT NULL AS ev"
    "   FROM items i LEFT JOIN events e ON e.id = i.id"
    "   WHERE coalesce(i.published, i.first_seen) < ?1),"
    " cited AS ("
    "   SELECT coalesce(e.story_id, e.id) AS sid FROM events e JOIN items i ON i.id = e.id"
    "   WHERE coalesce(i.published, i.first_seen) >= ?1"
    "   UNION SELECT coalesce(e.story_id, e.id) FROM events e"
    "   WHERE e.id IN (SELECT event_id FROM event_guides))"
    " SELECT id, ev FROM old WHERE sid NOT IN (SELECT sid FROM cited WHERE sid IS NOT NULL)";

static int
count1(struct store *st, const char *sql, int64_t bind, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, sql);
    int rc = ALM_OK;

    if (s == NULL)
        return sq_failure(st);
    if (bind)
        sqlite3_bind_int64(s, 1, bind);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = sq_fail(st, sq_failure(st));
    sqlite3_finalize(s);
    return rc;
}

int
sq_prune(struct store *st, time_t before, int dry_run, struct prune_stats *out)
{
    sqlite3_stmt *s;
    int64_t old = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (sq_exec(st, "BEGIN IMMEDIATE") != ALM_OK)
        return sq_failure(st);
    if (sq_exec(st, "DROP TABLE IF EXISTS temp.prune") != ALM_OK)
        goto fail;
    s = sq_prepare(st, prune_select);
    if (s == NULL)
        goto fail;
    sqlite3_bind_int64(s, 1, (int64_t)before);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sq_fail(st, ALM_ESTORE);
        sqlite3_finalize(s);
        goto fail;
    }
    sqlite3_finalize(s);
    if (count1(st, "SELECT count(*) FROM items WHERE coalesce(published, first_seen) < ?1",
               (int64_t)before, &old) != ALM_OK ||
        count1(st, "SELECT count(*) FROM temp.prune", 0, &out->items) != ALM_OK ||
        count1(st, "SELECT count(*) FROM temp.prune WHERE ev", 0, &out->events) != ALM_OK)
        goto fail;
    out->kept = old - out->items;
    if (!dry_run) {
        /* The cascade takes the events, their entities, guides, related
         * lists, candidates and articles; items_ad the full-text rows. Other
         * events' related lists lose the pruned ones, and stories left
         * without events go. */
        if (sq_exec(st, "DELETE FROM items WHERE id IN (SELECT id FROM temp.prune);"
                        "DELETE FROM related WHERE related_id IN"
                        "  (SELECT id FROM temp.prune WHERE ev);"
                        "DELETE FROM stories WHERE id NOT IN"
                        "  (SELECT story_id FROM events WHERE story_id IS NOT NULL)") != ALM_OK)
            goto fail;
    }
    if (sq_exec(st, "DROP TABLE temp.prune") != ALM_OK)
        goto fail;
    if (sq_exec(st, dry_run ? "ROLLBACK" : "COMMIT") != ALM_OK)
        goto fail;
    return ALM_OK;
fail:
    rc = sq_failure(st);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
