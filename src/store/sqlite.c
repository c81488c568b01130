/*
 * sqlite.c - the SQLite backend of store.h.
 *
 * WAL mode (readers never block the writer, so `serve` can run beside
 * `ingest`), foreign keys on, synchronous=NORMAL (a power cut may lose the
 * last transaction but never corrupts), schema versioned in user_version
 * with forward-only migrations. Each feed is stored in one transaction.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"

#include "store/sqlite_internal.h"

/*
 * How long an open, a migration or a write waits for another process that
 * holds the database (its migration, its switch to WAL, a feed or an
 * analysis being written) before it gives up: the busy timeout, and the
 * bound of the waits SQLite leaves to us.
 */
#define STORE_WAIT_MS 10000

/* Forward migrations: migrations[i] takes the schema from version i to i+1. */
static const char *const migrations[] = {
    /* 1: sources, items, full-text index, fetch log */
    "CREATE TABLE sources ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  author TEXT,"
    "  config_url TEXT NOT NULL,"
    "  feed_url TEXT NOT NULL,"
    "  site_url TEXT,"
    "  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 3),"
    "  kind TEXT NOT NULL,"
    "  local INTEGER NOT NULL DEFAULT 0,"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  etag TEXT, last_modified TEXT,"
    "  next_due INTEGER NOT NULL DEFAULT 0,"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  last_fetch INTEGER, last_success INTEGER,"
    "  last_status INTEGER, last_error TEXT"
    ");"
    "CREATE TABLE items ("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  ident TEXT NOT NULL,"
    "  guid TEXT, url TEXT, canonical_url TEXT,"
    "  title TEXT, author TEXT,"
    "  published INTEGER, updated INTEGER,"
    "  summary_html TEXT, content_html TEXT, text TEXT,"
    "  categories TEXT, image TEXT,"
    "  content_hash TEXT NOT NULL,"
    "  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    "  UNIQUE (source_id, ident)"
    ");"
    "CREATE INDEX items_published ON items(published DESC);"
    "CREATE INDEX items_canonical ON items(canonical_url);"
    "CREATE VIRTUAL TABLE items_fts USING fts5(title, text, content='items',"
    "  content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');"
    "CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN"
    "  INSERT INTO items_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;"
    "CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN"
    "  INSERT INTO items_fts(items_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "END;"
    "CREATE TRIGGER items_au AFTER UPDATE OF title, text ON items BEGIN"
    "  INSERT INTO items_fts(items_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "  INSERT INTO items_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;"
    "CREATE TABLE fetch_log ("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  started INTEGER NOT NULL, status INTEGER, bytes INTEGER,"
    "  duration REAL, new_items INTEGER, updated_items INTEGER, error TEXT"
    ");"
    "CREATE INDEX fetch_log_source ON fetch_log(source_id, started DESC);",

    /* 2: events, the analysis of items */
    "CREATE TABLE stories ("
    "  id INTEGER PRIMARY KEY,"           /* the id of its first event */
    "  first_event INTEGER NOT NULL,"
    "  events INTEGER NOT NULL DEFAULT 1,"
    "  sources INTEGER NOT NULL DEFAULT 1,"
    "  tiers INTEGER NOT NULL DEFAULT 0,"  /* bit t set: a tier-t source covers it */
    "  first_seen INTEGER, last_seen INTEGER"
    ");"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
    "  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),"
    "  kind TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  story_id INTEGER,"
    "  reasons TEXT NOT NULL,"
    "  terms BLOB,"
    "  content_hash TEXT NOT NULL,"
    "  analyzed INTEGER NOT NULL"
    ");"
    "CREATE INDEX events_score ON events(score DESC);"
    "CREATE INDEX events_story ON events(story_id);"
    "CREATE TABLE event_entities ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, kind TEXT NOT NULL, mentions INTEGER, in_title INTEGER,"
    "  PRIMARY KEY (event_id, name)"
    ") WITHOUT ROWID;"
    "CREATE INDEX event_entities_name ON event_entities(name);"
    "CREATE TABLE event_guides ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  slug TEXT NOT NULL, weight REAL NOT NULL,"
    "  PRIMARY KEY (event_id, slug)"
    ") WITHOUT ROWID;"
    "CREATE INDEX event_guides_slug ON event_guides(slug, event_id);"
    "CREATE TABLE related ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  rank INTEGER NOT NULL, related_id INTEGER NOT NULL, weight REAL NOT NULL,"
    "  PRIMARY KEY (event_id, rank)"
    ") WITHOUT ROWID;"
    "CREATE TABLE candidates ("
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, PRIMARY KEY (event_id, name)"
    ") WITHOUT ROWID;"
    "CREATE TABLE guides ("
    "  slug TEXT PRIMARY KEY, title TEXT NOT NULL, summary TEXT, body TEXT"
    ") WITHOUT ROWID;",

    /* 3: the store writes the full-text rows itself. A trigger made FTS5
     * flush its pending terms at every row's statement savepoint, tripling
     * index writes during a bulk ingest (bench/ingest). */
    "DROP TRIGGER items_ai; DROP TRIGGER items_au;",

    /* 4: what story clustering needs to place an old event again exactly
     * as it did the first time: its title's SimHash. */
    "ALTER TABLE events ADD COLUMN simhash INTEGER NOT NULL DEFAULT 0;",

    /* 5: indexes for the web pages, which read the store per request
     * (bench/web). The newest events walk items by date backwards: an
     * ascending index read in reverse gives published and rowid both
     * descending, the pages' order. A source's newest item, the last
     * analysis (Last-Modified of every page) and the kind filter's count
     * no longer scan a table. */
    "DROP INDEX items_published;"
    "CREATE INDEX items_published ON items(published);"
    "CREATE INDEX items_source_published ON items(source_id, published);"
    "CREATE INDEX events_analyzed ON events(analyzed);"
    "CREATE INDEX events_kind ON events(kind);",

    /* 6: "is this item an event?" (counts over items, search, a source's
     * events) as a look in a small index rather than in the events table,
     * whose rows are large (terms): /sources 39 -> 9 ms with 20,000 events. */
    "CREATE INDEX events_id ON events(id);",

    /* 7: FTS5 merges its segments when 16 of one level exist, not 4: each
     * feed's commit writes a segment, and merging every four rewrote the
     * index about three times over during a bulk load (FTS5 cost -20%,
     * bench/ingest); a query reads a few more segments. */
    "INSERT INTO items_fts(items_fts, rank) VALUES ('automerge', 16);",

    /* 8: nothing looks an item up by its canonical URL (identity within a
     * source is the ident, which holds that URL when there is no guid), and
     * keeping the index cost every insert a walk of a tree of long strings. */
    "DROP INDEX items_canonical;",

    /* 9: a date from the future is stored as the fetch time (ingest/rows.h,
     * ROWS_FUTURE_SKEW), with the date the feed claimed kept here. Items
     * stored before were not clamped: those dated more than a day after
     * they were first seen get the same treatment. */
    "ALTER TABLE items ADD COLUMN claimed_published INTEGER;"
    "UPDATE items SET claimed_published = published, published = first_seen"
    "  WHERE published > first_seen + 86400;",

    /* 10: one post listed twice by a source with its link written two ways
     * (a guid in one capture, none in another; a trailing slash) was two
     * items and two events (rows.c now keeps the first). The later copies
     * go, with their events and the related rows that point at them. Items
     * with a guid of their own that is no URL, and links with a fragment (a
     * changelog's entries on one page), are left alone. */
    "DELETE FROM items WHERE canonical_url IS NOT NULL AND instr(url, '#') = 0"
    "  AND (ident LIKE 'u:%' OR ident LIKE 'g:http%') AND id NOT IN"
    "  (SELECT min(id) FROM items WHERE canonical_url IS NOT NULL AND instr(url, '#') = 0"
    "   AND (ident LIKE 'u:%' OR ident LIKE 'g:http%')"
    "   GROUP BY source_id, rtrim(canonical_url, '/'));"
    "DELETE FROM related WHERE related_id NOT IN (SELECT id FROM events);",

    /* 11: the linked article of an item (ingest/articles.c): its main text
     * beside the feed's, indexed for search as a third column, and the
     * fetch's state in articles (validators, failures and when to try
     * again, and the item's content hash when its article was fetched: an
     * entry the feed changed has its article fetched again), and each
     * host's robots.txt for a day in robots (rules NULL: none). The full-text index is built again with the new column; an
     * item without an article indexes as before. */
    "ALTER TABLE items ADD COLUMN article_text TEXT;"
    "CREATE TABLE articles ("
    "  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  url TEXT NOT NULL,"
    "  ok INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_try INTEGER NOT NULL DEFAULT 0,"
    "  last_try INTEGER, status INTEGER, error TEXT,"
    "  etag TEXT, last_modified TEXT, hash TEXT, bytes INTEGER,"
    "  item_hash TEXT"
    ");"
    "CREATE INDEX articles_source ON articles(source_id, ok);"
    "CREATE TABLE robots ("
    "  origin TEXT PRIMARY KEY, rules TEXT, fetched INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "DROP TABLE items_fts;"
    "CREATE VIRTUAL TABLE items_fts USING fts5(title, text, article_text, content='items',"
    "  content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');"
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild');"
    "INSERT INTO items_fts(items_fts, rank) VALUES ('automerge', 16);",
    /* 12 (entity pages): the entity dictionary as the web shows it,
     * written by analyze from data/entities.tsv (and the written
     * descriptions of data/entity-descriptions.tsv); the slug is the
     * page's name, the rank its place in the file (models of a family are
     * listed in the order they came out). An entity's events are found through
     * event_entities_name, whose entries carry the event id. */
    "CREATE TABLE entities ("
    "  slug TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  aliases TEXT, salience INTEGER NOT NULL DEFAULT 1, description TEXT,"
    "  rank INTEGER NOT NULL DEFAULT 0"  /* its line in the dictionary: a family's order */
    ") WITHOUT ROWID;"
    "CREATE INDEX entities_name ON entities(name);"
    /* An entity's page walks its events by date in the index (its newest
     * first, its weeks, its first and last) without reading an item: the
     * event's date is kept beside its entities. 9,632 events of one entity
     * in 100,000: 0.5 s a page, 0.75 s for another (past the budget),
     * before. The index on name alone is this one's prefix. */
    "ALTER TABLE event_entities ADD COLUMN published INTEGER;"
    "UPDATE event_entities SET published ="
    "  (SELECT published FROM items WHERE items.id = event_entities.event_id);"
    "DROP INDEX event_entities_name;"
    "CREATE INDEX event_entities_name ON event_entities(name, published);"
    /* Learning paths (data/learning-paths.txt), written by analyze: steps
     * are lines "guide|SLUG|why" or "entity|SLUG|why". */
    "CREATE TABLE paths ("
    "  slug TEXT PRIMARY KEY, title TEXT NOT NULL, level TEXT NOT NULL, summary TEXT,"
    "  steps TEXT NOT NULL, rank INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;",
    /* 13: search matches who published, not only what: the source's name,
     * its author and the item's author ("Anthropic Mythos" finds
     * Anthropic's posts on Mythos). Kept on the item (byline) because the
     * index reads its columns from items; the index is built again with
     * the fourth column, and the delete trigger learns the two new ones
     * (a delete must name every indexed value, or the article's words
     * would stay behind in the index). */
    "ALTER TABLE items ADD COLUMN byline TEXT;"
    "UPDATE items SET byline = (SELECT s.name || coalesce(' ' || s.author, '') FROM sources s"
    "  WHERE s.id = items.source_id) || coalesce(' ' || items.author, '');"
    "DROP TRIGGER items_ad;"
    "DROP TABLE items_fts;"
    "CREATE VIRTUAL TABLE items_fts USING fts5(title, text, article_text, byline,"
    "  content='items', content_rowid='id',"
    "  tokenize='porter unicode61 remove_diacritics 2');"
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild');"
    "INSERT INTO items_fts(items_fts, rank) VALUES ('automerge', 16);"
    "CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN"
    "  INSERT INTO items_fts(items_fts, rowid, title, text, article_text, byline)"
    "    VALUES ('delete', old.id, old.title, old.text, old.article_text, old.byline);"
    "END;",
    /* 14: workers that share the sources (leases.c): who holds a source
     * and until when (0: nobody), and named leases for work one worker does
     * at a time (the analysis). */
    "ALTER TABLE sources ADD COLUMN lease_owner TEXT;"
    "ALTER TABLE sources ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE leases ("
    "  name TEXT PRIMARY KEY,"
    "  owner TEXT NOT NULL,"
    "  until INTEGER NOT NULL"
    ");",
    /* 15: alerts (store/alerts.c): one row per rule and event, made when the event first
     * matches the rule, so an event alerts once per rule; the row is the
     * delivery's state: pending (next_try is when it is due), sent, or dead
     * (a dead letter: attempts ran out). rule is the [alert NAME] of the
     * configuration; a rule removed from it leaves its rows behind. */
    "CREATE TABLE alert_deliveries ("
    "  id INTEGER PRIMARY KEY,"
    "  rule TEXT NOT NULL,"
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL,"
    "  next_try INTEGER NOT NULL,"
    "  last_try INTEGER,"
    "  sent INTEGER,"
    "  status INTEGER,"
    "  error TEXT,"
    "  UNIQUE (rule, event_id)"
    ");"
    "CREATE INDEX alert_deliveries_due ON alert_deliveries(state, next_try);"
    "CREATE INDEX alert_deliveries_event ON alert_deliveries(event_id);",
    /* 16: an event's related list as the index made it, before the blend
     * reranked it (related_raw: n pairs of a native int64 id and double
     * weight), and the raw weight a candidate must beat to enter it (its
     * k-th, or the threshold when the list is short), so an incremental
     * analysis touches only the old lists a new event enters (analyze.c
     * relate()). NULL: not known yet, and the next analysis computes every
     * list. */
    "ALTER TABLE events ADD COLUMN related_floor REAL;"
    "ALTER TABLE events ADD COLUMN related_raw BLOB;",
    /* 17: a guide's kind, from its front matter (guides/README.md): "topic",
     * "lab" or "thread". NULL: written before this column; the next
     * analysis writes the guides again (analyze.c). */
    "ALTER TABLE guides ADD COLUMN kind TEXT;",
    /* 18: summaries
     * a language model wrote (src/llm). events.summary_model names the model
     * whose summary the event shows (NULL: drawn from the item's own text;
     * analysis writes NULL with every summary it writes). llm_cache keeps
     * every answer a model gave, valid (summary) or not (summary NULL,
     * verdict the reason), by the hash of the prompt's version, the model
     * and the text sent, so nothing unchanged is sent twice. */
    "ALTER TABLE events ADD COLUMN summary_model TEXT;"
    "CREATE TABLE llm_cache ("
    "  hash TEXT PRIMARY KEY,"
    "  model TEXT NOT NULL,"
    "  summary TEXT,"
    "  verdict TEXT NOT NULL,"
    "  created INTEGER NOT NULL"
    ");",
    /* 19: sources and alert rules added through the
     * API (web/api_write.c), each the text of its configuration section
     * (body), read with the configuration file's own parser; kind is
     * 'source' or 'alert', name its slug (store/defs.c) */
    "CREATE TABLE api_defs ("
    "  kind TEXT NOT NULL CHECK (kind IN ('source', 'alert')),"
    "  name TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created INTEGER NOT NULL, updated INTEGER NOT NULL,"
    "  PRIMARY KEY (kind, name)"
    ");",
};

/* The last failure was a full disk: SQLite reports ENOSPC on a write as
 * SQLITE_FULL, and on the files around it (WAL index, sync) as an I/O
 * error whose errno tells. */
static int
disk_full(const struct store *st)
{
    return (st->code & 0xff) == SQLITE_FULL ||
           ((st->code & 0xff) == SQLITE_IOERR && sqlite3_system_errno(st->db) == ENOSPC);
}

static void
record_failure(struct store *st, const char *msg)
{
    st->code = sqlite3_extended_errcode(st->db);
    snprintf(st->err, sizeof(st->err), "%s%s", msg ? msg : "sqlite error",
             disk_full(st) ? " (no space left on device)" : "");
}

int
sq_fail(struct store *st, int code)
{
    /* A statement stopped by the time budget (budget.c) is that, whatever
     * the caller was about to call it. */
    if (st->timed_out && sqlite3_errcode(st->db) == SQLITE_INTERRUPT) {
        snprintf(st->err, sizeof(st->err), "the query ran past its %d ms budget",
                 st->budget_ms);
        return ALM_ETIME;
    }
    record_failure(st, sqlite3_errmsg(st->db));
    return code;
}

int
sq_failure(const struct store *st)
{
    return disk_full(st) ? ALM_ENOSPC : ALM_ESTORE;
}

const char *
sq_error(const struct store *st)
{
    return st ? st->err : "no store";
}

int
sq_exec(struct store *st, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        record_failure(st, msg);
        sqlite3_free(msg);
        return ALM_ESTORE;
    }
    return ALM_OK;
}

int
sq_schema_version(struct store *st)
{
    sqlite3_stmt *s;
    int v = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Milliseconds since an arbitrary start, for bounded waits. */
static long long
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Says which wait for another process gave up, keeping SQLite's message. */
static int
waited_too_long(struct store *st, const char *what)
{
    char keep[sizeof(st->err)];

    memcpy(keep, st->err, sizeof(keep));
    snprintf(st->err, sizeof(st->err), "%s: another process held the database for %d s (%.160s)",
             what, STORE_WAIT_MS / 1000, keep);
    return ALM_ESTORE;
}

/*
 * PRAGMA journal_mode=WAL, retried for up to STORE_WAIT_MS. Switching a new
 * database to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY
 * at once there without calling the busy handler: two processes opening a
 * new database together made one fail with "database is locked".
 */
static int
set_wal(struct store *st)
{
    long long deadline = mono_ms() + STORE_WAIT_MS;
    int pause = 1;

    for (;;) {
        int rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);

        if (rc == SQLITE_OK)
            return ALM_OK;
        sq_fail(st, ALM_ESTORE);
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return ALM_ESTORE;
        if (mono_ms() >= deadline)
            return waited_too_long(st, "switching to WAL");
        sleep_ms(pause);
        pause = pause < 64 ? pause * 2 : 64;
    }
}

int
sq_latest_version(void)
{
    return (int)LEN(migrations);
}

static int
schema_too_new(struct store *st, int v)
{
    snprintf(st->err, sizeof(st->err), "database schema %d is newer than this almanac (%d)", v,
             (int)LEN(migrations));
    return ALM_ESTORE;
}

/*
 * Brings the schema to the current version in one transaction. The version
 * read before it only spares the usual case (already current) a write
 * lock: another process may be migrating the same database at this moment
 * (two commands started together on a new or older database), so the
 * version that decides is read again inside BEGIN IMMEDIATE, which waits
 * (busy timeout) for that process to commit. One transaction, so no reader
 * ever sees a schema half way between two versions.
 */
static int
migrate(struct store *st)
{
    char pragma[64];
    int v = sq_schema_version(st);

    if (v == (int)LEN(migrations))
        return ALM_OK;
    if (v > (int)LEN(migrations))
        return schema_too_new(st, v);
    if (sq_exec(st, "BEGIN IMMEDIATE") != ALM_OK)
        return sqlite3_errcode(st->db) == SQLITE_BUSY ? waited_too_long(st, "migrating")
                                                      : ALM_ESTORE;
    v = sq_schema_version(st);
    if (v < 0 || v > (int)LEN(migrations)) {
        if (v < 0)
            sq_fail(st, ALM_ESTORE);
        else
            schema_too_new(st, v);
        goto rollback;
    }
    for (; v < (int)LEN(migrations); v++) {
        if (sq_exec(st, migrations[v]) != ALM_OK)
            goto rollback;
    }
    snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", (int)LEN(migrations));
    if (sq_exec(st, pragma) != ALM_OK || sq_exec(st, "COMMIT") != ALM_OK)
        goto rollback;
    return ALM_OK;
rollback:
    sq_rollback(st);
    return ALM_ESTORE;
}

/*
 * Before SQLite starts: no memory statistics. Nothing here reads them, and
 * keeping them takes a global mutex on every allocation, which every
 * connection of every thread shares (2.4% of the ingest writer's time).
 */
static void
sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* SQLITE_MISUSE if already started: harmless */
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/* A connection to dsn ("PATH" or "sqlite:PATH") with flags; *path is the
 * file's part of dsn. NULL with the reason in err. */
static struct store *
open_connection(const struct store_ops *ops, const char *dsn, int flags, const char **path,
                char *err, size_t errlen)
{
    struct store *st;

    pthread_once(&sqlite_once, sqlite_setup);
    *path = strncmp(dsn, "sqlite:", 7) == 0 ? dsn + 7 : dsn;
    st = xcalloc(1, sizeof(*st));
    st->ops = ops;
    if (sqlite3_open_v2(*path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", *path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        sqlite3_close(st->db);
        free(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, STORE_WAIT_MS);
    return st;
}

int
sq_connect(const struct store_ops *ops, const char *dsn, struct store **out, char *err,
           size_t errlen)
{
    const char *path;
    struct store *st = open_connection(ops, dsn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                       &path, err, errlen);

    if (st == NULL)
        return ALM_ESTORE;
    /* 8 KiB pages (a new database only; an existing one keeps its size):
     * items carry kilobytes of text, so fewer overflow pages and WAL frames
     * per row. A checkpoint every 8192 pages (64 MiB of WAL) rather than
     * every 1000: each one syncs twice, and a bulk load did 57 of them.
     * Together 5.0 -> 4.4 s for 100,000 entries (bench/ingest). The page
     * size goes first: the switch to WAL writes a new database's header. */
    if (sq_exec(st, "PRAGMA page_size=8192") != ALM_OK || set_wal(st) != ALM_OK ||
        sq_exec(st, "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=8192;"
                 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                 "PRAGMA cache_size=-8000;") != ALM_OK ||
        migrate(st) != ALM_OK) {
        snprintf(err, errlen, "%s: %s", path, st->err);
        sq_close(st);
        return ALM_ESTORE;
    }
    *out = st;
    return ALM_OK;
}

/*
 * The schema version, once it is current, or the last one read after
 * STORE_WAIT_MS. A read-only connection cannot migrate; an older version
 * may be another process's migration in progress (it commits in one
 * transaction, see migrate()), so it waits for it rather than failing. A
 * newer one will not change: no wait.
 */
static int
wait_for_schema(struct store *st)
{
    long long deadline = mono_ms() + STORE_WAIT_MS;
    int v;

    while ((v = sq_schema_version(st)) < (int)LEN(migrations) && mono_ms() < deadline)
        sleep_ms(50);
    return v;
}

/*
 * For the web server's threads: no write can happen through this connection
 * (SQLITE_OPEN_READONLY and query_only), and nothing is migrated. The schema
 * must be the one this binary knows, or become it within STORE_WAIT_MS
 * (another process migrating): the process that serves opens the database
 * read-write once first (store_open), which creates and migrates it and
 * keeps the WAL files a read-only connection needs.
 */
int
sq_connect_readonly(const struct store_ops *ops, const char *dsn, struct store **out, char *err,
                    size_t errlen)
{
    const char *path;
    struct store *st = open_connection(ops, dsn, SQLITE_OPEN_READONLY, &path, err, errlen);
    int v;

    if (st == NULL)
        return ALM_ESTORE;
    /* A small page cache: the web server has one connection per thread and
     * its own response cache, and the kernel keeps the file's pages; 16 MB
     * each took `serve` over 64 MB with 100,000 events (bench/web). */
    if (sq_exec(st, "PRAGMA query_only=ON; PRAGMA temp_store=MEMORY;"
                 "PRAGMA cache_size=-4000;") != ALM_OK) {
        snprintf(err, errlen, "%s: %s", path, st->err);
        sq_close(st);
        return ALM_ESTORE;
    }
    v = wait_for_schema(st);
    if (v != (int)LEN(migrations)) {
        snprintf(err, errlen, "%s: database schema %d, this almanac needs %d%s", path, v,
                 (int)LEN(migrations), v < (int)LEN(migrations) ? " (waited for a migration)" : "");
        sq_close(st);
        return ALM_ESTORE;
    }
    *out = st;
    return ALM_OK;
}

void
sq_close(struct store *st)
{
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->nstmts; i++)
        sqlite3_finalize(st->stmts[i].s);
    sqlite3_close(st->db);
    free(st);
}

sqlite3_stmt *
sq_prepare(struct store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        sq_fail(st, ALM_ESTORE);
        return NULL;
    }
    return s;
}

sqlite3_stmt *
sq_stmt(struct store *st, const char *sql)
{
    sqlite3_stmt *s;

    for (size_t i = 0; i < st->nstmts; i++) {
        if (st->stmts[i].sql == sql) {
            s = st->stmts[i].s;
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
    }
    if (st->nstmts == SQ_STMTS) {
        snprintf(st->err, sizeof(st->err), "too many kept statements (SQ_STMTS)");
        st->code = 0;
        return NULL;
    }
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
        sq_fail(st, ALM_ESTORE);
        return NULL;
    }
    st->stmts[st->nstmts].sql = sql;
    st->stmts[st->nstmts++].s = s;
    return s;
}

int
sq_done(struct store *st, sqlite3_stmt *s, int r)
{
    int rc = ALM_OK;

    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = sq_fail(st, ALM_ESTORE);
    sqlite3_finalize(s);
    return rc;
}

int
sq_one_row(struct store *st, sqlite3_stmt *s)
{
    int r = sqlite3_step(s);

    if (r == SQLITE_ROW)
        return ALM_OK;
    r = sq_done(st, s, r);
    return r == ALM_OK ? ALM_ENOTFOUND : r;
}

int
sq_run(struct store *st, sqlite3_stmt *s)
{
    int r = sqlite3_step(s), rc = ALM_OK;

    if (r != SQLITE_DONE && r != SQLITE_ROW)
        rc = sq_fail(st, ALM_ESTORE);
    sqlite3_reset(s);
    return rc;
}

char *
sq_col_str(sqlite3_stmt *s, int i)
{
    const unsigned char *v = sqlite3_column_text(s, i);

    return v ? xstrdup((const char *)v) : NULL;
}

void
sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* ---- sources ---- */

void
source_state_fini(struct source_state *s)
{
    if (s == NULL)
        return;
    free(s->slug);
    free(s->feed_url);
    free(s->etag);
    free(s->last_modified);
    free(s->last_error);
    free(s->article_error);
    memset(s, 0, sizeof(*s));
}

int
sq_sync_source(struct store *st, const struct source *src, int64_t *id_out)
{
    /* feed_url follows the config unless a permanent redirect moved it
     * since the config last changed (config_url remembers which). */
    static const char sql[] =
        "INSERT INTO sources (slug, name, author, config_url, feed_url, site_url, tier, kind,"
        " local, enabled) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT(slug) DO UPDATE SET name = ?2, author = ?3, site_url = ?5, tier = ?6,"
        " kind = ?7, local = ?8, enabled = ?9,"
        " feed_url = CASE WHEN config_url = ?4 THEN feed_url ELSE ?4 END,"
        " config_url = ?4"
        " RETURNING id";
    sqlite3_stmt *s;
    int64_t id = 0;
    int rc = ALM_ESTORE;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, ALM_ESTORE);
    sq_bind_text(s, 1, src->slug);
    sq_bind_text(s, 2, src->name);
    sq_bind_text(s, 3, src->author);
    sq_bind_text(s, 4, src->feed_url);
    sq_bind_text(s, 5, src->site_url);
    sqlite3_bind_int(s, 6, src->tier);
    sq_bind_text(s, 7, src->kind);
    sqlite3_bind_int(s, 8, src->local);
    sqlite3_bind_int(s, 9, src->enabled);
    /* With RETURNING the row comes first and the change commits when the
     * statement ends: a full disk shows only in the second step. */
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        if (sqlite3_step(s) == SQLITE_DONE)
            rc = ALM_OK;
    }
    if (rc == ALM_OK) {
        *id_out = id;
    } else {
        sq_fail(st, rc);
        rc = sq_failure(st);
    }
    sqlite3_finalize(s);
    return rc;
}

int
sq_get_source(struct store *st, const char *slug, struct source_state *out)
{
    static const char sql[] =
        "SELECT id, slug, feed_url, etag, last_modified, next_due, failures, last_fetch,"
        " last_success, last_status, last_error,"
        " (SELECT count(*) FROM items WHERE source_id = sources.id),"
        " (SELECT count(*) FROM articles WHERE source_id = sources.id AND ok),"
        " (SELECT count(*) FROM articles WHERE source_id = sources.id AND NOT ok),"
        " (SELECT error FROM articles WHERE source_id = sources.id AND error IS NOT NULL"
        "  ORDER BY last_try DESC, item_id DESC LIMIT 1)"
        " FROM sources WHERE slug = ?";
    sqlite3_stmt *s;
    int rc = ALM_ENOTFOUND;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, ALM_ESTORE);
    sq_bind_text(s, 1, slug);
    if (sqlite3_step(s) == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        out->id = sqlite3_column_int64(s, 0);
        out->slug = sq_col_str(s, 1);
        out->feed_url = sq_col_str(s, 2);
        out->etag = sq_col_str(s, 3);
        out->last_modified = sq_col_str(s, 4);
        out->next_due = sqlite3_column_int64(s, 5);
        out->failures = sqlite3_column_int(s, 6);
        out->last_fetch = sqlite3_column_int64(s, 7);
        out->last_success = sqlite3_column_int64(s, 8);
        out->last_status = sqlite3_column_int(s, 9);
        out->last_error = sq_col_str(s, 10);
        out->items = sqlite3_column_int64(s, 11);
        out->articles_ok = sqlite3_column_int64(s, 12);
        out->articles_failed = sqlite3_column_int64(s, 13);
        out->article_error = sq_col_str(s, 14);
        rc = ALM_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int
sq_record_fetch(struct store *st, int64_t source_id, const struct fetch_record *r)
{
    static const char log_sql[] =
        "INSERT INTO fetch_log (source_id, started, status, bytes, duration, new_items,"
        " updated_items, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static const char ok_sql[] =
        "UPDATE sources SET last_fetch = ?2, last_status = ?3, last_error = NULL,"
        " failures = 0, last_success = ?2, next_due = ?4,"
        " etag = coalesce(?5, etag), last_modified = coalesce(?6, last_modified),"
        " feed_url = coalesce(?7, feed_url) WHERE id = ?1";
    static const char err_sql[] =
        "UPDATE sources SET last_fetch = ?2, last_status = ?3, last_error = ?8,"
        " failures = failures + 1, next_due = ?4 WHERE id = ?1";
    sqlite3_stmt *s = NULL;
    int rc = ALM_ESTORE, outer = sqlite3_get_autocommit(st->db);

    if (sq_exec(st, "SAVEPOINT fetch") != ALM_OK)
        return sq_failure(st);
    if (sqlite3_prepare_v2(st->db, log_sql, -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int64(s, 2, r->started);
    sqlite3_bind_int64(s, 3, r->status);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)r->bytes);
    sqlite3_bind_double(s, 5, r->duration);
    sqlite3_bind_int(s, 6, r->new_items);
    sqlite3_bind_int(s, 7, r->updated_items);
    sq_bind_text(s, 8, r->error);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto out;
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(st->db, r->ok ? ok_sql : err_sql, -1, &s, NULL) != SQLITE_OK) {
        s = NULL;
        goto out;
    }
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int64(s, 2, r->started);
    sqlite3_bind_int64(s, 3, r->status);
    sqlite3_bind_int64(s, 4, r->next_due);
    if (r->ok) {
        sq_bind_text(s, 5, r->etag);
        sq_bind_text(s, 6, r->last_modified);
        sq_bind_text(s, 7, r->permanent_url);
    } else {
        sq_bind_text(s, 8, r->error);
    }
    if (sqlite3_step(s) != SQLITE_DONE)
        goto out;
    rc = ALM_OK;
out:
    if (rc != ALM_OK)
        sq_fail(st, rc);
    sqlite3_finalize(s);
    /* Outside a transaction the release is the commit, and it can fail
     * (a full disk) leaving the transaction open: undo it all then. */
    if (rc == ALM_OK && sq_exec(st, "RELEASE fetch") == ALM_OK)
        return ALM_OK;
    if (outer) {
        sq_rollback(st);
    } else {
        char keep[sizeof(st->err)];
        int code = st->code;
        memcpy(keep, st->err, sizeof(keep));
        sq_exec(st, "ROLLBACK TO fetch");
        sq_exec(st, "RELEASE fetch");
        memcpy(st->err, keep, sizeof(keep));
        st->code = code;
    }
    return sq_failure(st);
}

int
sq_count_fetch_errors(struct store *st, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT count(*) FROM fetch_log WHERE error IS NOT NULL");
    int rc = ALM_ESTORE;

    if (s == NULL)
        return ALM_ESTORE;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        rc = ALM_OK;
    } else {
        sq_fail(st, ALM_ESTORE);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- transactions around many writes ---- */

int
sq_begin(struct store *st)
{
    return sq_exec(st, "BEGIN IMMEDIATE");
}

int
sq_commit(struct store *st)
{
    return sq_exec(st, "COMMIT") == ALM_OK ? ALM_OK : sq_failure(st);
}

/* Keeps the message and code of the failure that led here. After some
 * errors (a full disk among them) SQLite has already rolled back, and a
 * COMMIT that fails leaves the transaction open: ask rather than guess. */
void
sq_rollback(struct store *st)
{
    char keep[sizeof(st->err)];
    int code = st->code;

    if (sqlite3_get_autocommit(st->db))
        return;
    memcpy(keep, st->err, sizeof(keep));
    sq_exec(st, "ROLLBACK");
    memcpy(st->err, keep, sizeof(keep));
    st->code = code;
}

/* ---- items ---- */

static const char find_item[] =
    "SELECT id, content_hash FROM items WHERE source_id = ? AND ident = ?";
static const char insert_item[] =
    "INSERT INTO items (source_id, ident, guid, url, canonical_url, title, author,"
    " published, updated, summary_html, content_html, text, categories, image,"
    " content_hash, first_seen, last_seen, claimed_published, byline)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?18,"
    " (SELECT s.name || coalesce(' ' || s.author, '') FROM sources s WHERE s.id = ?1)"
    "   || coalesce(' ' || ?7, ''))";
/* A changed entry whose date is (still) from the future keeps the date the
 * item has: a claim from the future never moves an item forward. */
static const char update_item[] =
    "UPDATE items SET guid = ?3, url = ?4, canonical_url = ?5, title = ?6, author = ?7,"
    " published = CASE WHEN ?18 IS NULL THEN coalesce(?8, published) ELSE published END,"
    " updated = ?9, summary_html = ?10,"
    " content_html = ?11, text = ?12, categories = ?13, image = ?14,"
    " content_hash = ?15, last_seen = ?16, claimed_published = ?18,"
    " byline = (SELECT s.name || coalesce(' ' || s.author, '') FROM sources s"
    "   WHERE s.id = items.source_id) || coalesce(' ' || ?7, '') WHERE id = ?17";
/* The index's row is the item's as stored: title, feed text, the article's
 * text (which a changed feed entry keeps) and the byline (source, author). */
static const char fts_insert[] =
    "INSERT INTO items_fts (rowid, title, text, article_text, byline)"
    " VALUES (?1, ?2, ?3, (SELECT article_text FROM items WHERE id = ?1),"
    " (SELECT byline FROM items WHERE id = ?1))";
static const char fts_delete[] =
    "INSERT INTO items_fts (items_fts, rowid, title, text, article_text, byline)"
    " SELECT 'delete', id, title, text, article_text, byline FROM items WHERE id = ?";

/* Looks the item up: 0 new, 1 unchanged, 2 changed (*id set), or < 0. */
static int
item_status(struct store *st, int64_t source_id, const char *ident, const char *hash,
            int64_t *id)
{
    sqlite3_stmt *s = sq_stmt(st, find_item);
    int r = 0, step;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_text(s, 2, ident, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        r = strcmp((const char *)sqlite3_column_text(s, 1), hash) == 0 ? 1 : 2;
    } else if (step != SQLITE_DONE) {
        r = sq_fail(st, ALM_ESTORE);
    }
    sqlite3_reset(s);
    return r;
}

/* Inserts, updates or skips one prepared row (stats says which). */
static int
put_row(struct store *st, int64_t source_id, const struct store_row *r, time_t undated,
        time_t now, struct put_stats *stats)
{
    int64_t id = 0;
    int status = item_status(st, source_id, r->ident, r->hash, &id);
    sqlite3_stmt *s;

    if (status < 0)
        return status;
    if (status == 1) {
        stats->unchanged++;
        return ALM_OK;
    }
    if (status == 2) {
        /* the index forgets the old words before the row changes */
        if ((s = sq_stmt(st, fts_delete)) == NULL)
            return ALM_ESTORE;
        sqlite3_bind_int64(s, 1, id);
        if (sq_run(st, s) != ALM_OK)
            return ALM_ESTORE;
    }
    if ((s = sq_stmt(st, status == 0 ? insert_item : update_item)) == NULL)
        return ALM_ESTORE;
    if (status == 0) {
        sqlite3_bind_int64(s, 1, source_id);
        sq_bind_text(s, 2, r->ident);
    } else {
        sqlite3_bind_int64(s, 17, id);
    }
    sq_bind_text(s, 3, r->guid);
    sq_bind_text(s, 4, r->url);
    sq_bind_text(s, 5, r->canon);
    sq_bind_text(s, 6, r->title);
    sq_bind_text(s, 7, r->author);
    if (r->has_date)
        sqlite3_bind_int64(s, 8, r->date);
    else if (status == 0)
        sqlite3_bind_int64(s, 8, undated);
    if (r->has_updated)
        sqlite3_bind_int64(s, 9, r->updated);
    sq_bind_text(s, 10, r->summary);
    sq_bind_text(s, 11, r->content);
    sq_bind_text(s, 12, r->text);
    sq_bind_text(s, 13, r->cats);
    sq_bind_text(s, 14, r->image);
    sq_bind_text(s, 15, r->hash);
    sqlite3_bind_int64(s, 16, now);
    if (r->claimed)
        sqlite3_bind_int64(s, 18, r->claimed);
    if (sq_run(st, s) != ALM_OK)
        return ALM_ESTORE;
    if (status == 0)
        id = sqlite3_last_insert_rowid(st->db);
    if ((s = sq_stmt(st, fts_insert)) == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    sq_bind_text(s, 2, r->title);
    sq_bind_text(s, 3, r->text);
    if (sq_run(st, s) != ALM_OK)
        return ALM_ESTORE;
    if (status == 0)
        stats->new_items++;
    else
        stats->updated_items++;
    return ALM_OK;
}

int
sq_put_rows(struct store *st, int64_t source_id, const struct store_rows *rows, time_t now,
               struct put_stats *stats)
{
    struct put_stats local = { 0, 0, rows->duplicates };
    int rc = ALM_OK;

    if (sq_exec(st, "BEGIN IMMEDIATE") != ALM_OK)
        return sq_failure(st);
    for (size_t i = 0; i < rows->n && rc == ALM_OK; i++)
        rc = put_row(st, source_id, &rows->v[i], rows->undated, now, &local);
    if (rc != ALM_OK || sq_exec(st, "COMMIT") != ALM_OK) {
        sq_rollback(st);
        return sq_failure(st);
    }
    if (stats)
        *stats = local;
    return ALM_OK;
}

void
item_free(struct item *it)
{
    item_fini(it);
    free(it);
}

void
item_fini(struct item *it)
{
    if (it == NULL)
        return;
    free(it->source_slug);
    free(it->source_name);
    free(it->source_author);
    free(it->source_kind);
    free(it->ident);
    free(it->guid);
    free(it->url);
    free(it->title);
    free(it->author);
    free(it->summary_html);
    free(it->content_html);
    free(it->text);
    free(it->image);
    free(it->article_text);
    free(it->categories);
    memset(it, 0, sizeof(*it));
}

void
sq_item_read(sqlite3_stmt *s, struct item *it)
{
    memset(it, 0, sizeof(*it));
    it->id = sqlite3_column_int64(s, 0);
    it->source_id = sqlite3_column_int64(s, 1);
    it->source_slug = sq_col_str(s, 2);
    it->source_name = sq_col_str(s, 3);
    it->source_author = sq_col_str(s, 4);
    it->source_kind = sq_col_str(s, 5);
    it->tier = sqlite3_column_int(s, 6);
    it->ident = sq_col_str(s, 7);
    it->guid = sq_col_str(s, 8);
    it->url = sq_col_str(s, 9);
    it->title = sq_col_str(s, 10);
    it->author = sq_col_str(s, 11);
    it->published = sqlite3_column_int64(s, 12);
    it->first_seen = sqlite3_column_int64(s, 13);
    it->summary_html = sq_col_str(s, 14);
    it->content_html = sq_col_str(s, 15);
    it->text = sq_col_str(s, 16);
    it->image = sq_col_str(s, 17);
}

int
sq_get_item(struct store *st, int64_t id, struct item **out)
{
    sqlite3_stmt *s;
    int rc = ALM_ENOTFOUND;

    if (sqlite3_prepare_v2(st->db, "SELECT " SQ_ITEM_COLS " FROM items i JOIN sources s"
                           " ON s.id = i.source_id WHERE i.id = ?", -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, ALM_ESTORE);
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        struct item *it = xcalloc(1, sizeof(*it));
        sq_item_read(s, it);
        *out = it;
        rc = ALM_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int
sq_item_claimed(struct store *st, int64_t id, time_t *claimed)
{
    sqlite3_stmt *s;
    int rc = ALM_ENOTFOUND;

    if (sqlite3_prepare_v2(st->db, "SELECT coalesce(claimed_published, 0) FROM items WHERE id = ?",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, ALM_ESTORE);
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *claimed = (time_t)sqlite3_column_int64(s, 0);
        rc = ALM_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int
sq_count_items(struct store *st, int64_t source_id, int64_t *out)
{
    sqlite3_stmt *s = sq_prepare(st, "SELECT count(*) FROM items WHERE ?1 = 0 OR source_id = ?1");
    int rc = ALM_ESTORE;

    if (s == NULL)
        return ALM_ESTORE;
    sqlite3_bind_int64(s, 1, source_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        rc = ALM_OK;
    } else {
        sq_fail(st, ALM_ESTORE);
    }
    sqlite3_finalize(s);
    return rc;
}
