/*
 * tests/unit/web_pages.c - the content handlers (pages, API, feeds) on a
 * small real database: a few sources of data/snapshot ingested and
 * analysed through the real code, plus hostile rows written with SQL.
 * Handlers are called directly with web_request structs, on a fixed
 * clock. Run from the repository root (make test does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/analyze.h"
#include "base/config.h"
#include "base/err.h"
#include "ingest/ingest.h"
#include "parse/date.h"
#include "parse/feed.h"
#include "store/store.h"
#include "store/store_analyze.h"
#include "store/store_ingest.h"
#include "web/request.h"
#include "web/routes.h"
#include "web/story_view.h"

#define CONFIG "etc/almanac.conf"
#define NOW "2026-09-01T12:00:00Z"
#define BASE "http://almanac.test:8080"
#define HOSTILE_TITLE "<script>alert(\"x\")</script> Hostile & 'quoted' \x01title"
#define HOSTILE_SUMMARY "<img src=x onerror=alert(1)> summary"
#define HOSTILE_ERROR "<b onmouseover=alert(2)>refused</b>"

static const char *const test_sources[] = {
    "anthropic", "claude-blog", "windsurf", "uk-aisi", "ai2",
};

static char tmpdir[64], dbpath[128];
static struct store *writer;      /* kept open, as `serve` keeps its own */
static struct web_ctx ctx;
static long long event_id;        /* an event with guides and related events */
static long long hostile_id;
static char guide_slug[72];

/* ---- building the database ---- */

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    if (data)
        data[n] = '\0';
    *len = (size_t)n;
    return data;
}

static sqlite3 *
raw_db(void)
{
    sqlite3 *db = NULL;

    if (sqlite3_open(dbpath, &db) != SQLITE_OK)
        return NULL;
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static long long
query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    long long v = 0;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int
setup(void **state)
{
    struct config *cfg = NULL;
    struct analyzer *a = NULL;
    struct analyze_stats stats;
    char err[512], sql[512];
    time_t now;
    sqlite3 *db;
    int rc = -1;

    (void)state;
    if (date_parse(NOW, &now) != ALM_OK)
        return -1;
    strcpy(tmpdir, "/tmp/almanac-web-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(dbpath, sizeof(dbpath), "%s/web.db", tmpdir);
    if (config_load(CONFIG, &cfg, err, sizeof(err)) != ALM_OK ||
        store_open(dbpath, &writer, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "setup: %s\n", err);
        goto out;
    }
    for (size_t i = 0; i < sizeof(test_sources) / sizeof(test_sources[0]); i++) {
        const struct source *src = config_find(cfg, test_sources[i]);
        int64_t id;
        if (src == NULL || store_sync_source(writer, src, &id) != ALM_OK)
            goto out;
        for (size_t k = 0; k < src->nsnapshots; k++) {
            char *path = config_snapshot_path(cfg, src->snapshots[k]);
            const char *base = src->site_url ? src->site_url : src->feed_url;
            struct put_stats ps;
            size_t len = 0;
            char *data = read_all(path, &len);
            struct feed *f;
            free(path);
            if (data == NULL)
                goto out;
            f = feed_parse(data, len, base);
            free(data);
            rc = ingest_put_feed(writer, id, f, base, now, &ps);
            feed_free(f);
            if (rc != ALM_OK)
                goto out;
            rc = -1;
        }
        store_record_fetch(writer, id, &(struct fetch_record){
            .started = now - 600, .status = 200, .ok = 1, .next_due = now + 3600 });
    }
    if (analyzer_open(cfg->dir, &a, err, sizeof(err)) != ALM_OK ||
        analyze_run(a, writer, 0, now, &stats, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "setup: analysis: %s\n", err);
        goto out;
    }

    /* Hostile rows, written as a broken feed or a malicious source could. */
    if ((db = raw_db()) == NULL)
        goto out;
    event_id = query_int(db, "SELECT e.id FROM events e WHERE"
                             " EXISTS (SELECT 1 FROM event_guides g WHERE g.event_id = e.id)"
                             " AND (SELECT count(*) FROM related r WHERE r.event_id = e.id) >= 2"
                             " AND e.id NOT IN (SELECT i.id FROM items i JOIN sources s"
                             "   ON s.id = i.source_id WHERE s.slug = 'windsurf')"
                             " ORDER BY e.score DESC, e.id LIMIT 1");
    /* Not Ai2's newest item, which the clock test reads. */
    hostile_id = query_int(db, "SELECT max(i.id) FROM items i JOIN sources s"
                               " ON s.id = i.source_id WHERE s.slug = 'windsurf'");
    snprintf(sql, sizeof(sql), "INSERT INTO items_fts(items_fts, rowid, title, text, byline)"
                               " SELECT 'delete', id, title, text, byline FROM items"
                               " WHERE id = %lld",
             hostile_id);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    {
        sqlite3_stmt *s;
        const char *upd[] = {
            "UPDATE items SET title = ?1, url = 'javascript:alert(3)',"
            " published = (SELECT max(published) FROM items) + 3600 WHERE id = ?2",
            "UPDATE events SET summary = ?1, score = 10 WHERE id = ?2",
        };
        const char *vals[] = { HOSTILE_TITLE, HOSTILE_SUMMARY };
        for (int i = 0; i < 2; i++) {
            if (sqlite3_prepare_v2(db, upd[i], -1, &s, NULL) != SQLITE_OK)
                goto out_db;
            sqlite3_bind_text(s, 1, vals[i], -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, hostile_id);
            sqlite3_step(s);
            sqlite3_finalize(s);
        }
        /* The full-text row follows the new title, as the store writes it. */
        snprintf(sql, sizeof(sql), "INSERT INTO items_fts(rowid, title, text, byline)"
                                   " SELECT id, title, text, byline FROM items WHERE id = %lld",
                 hostile_id);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (sqlite3_prepare_v2(db, "UPDATE sources SET last_error = ?1, failures = 2"
                                   " WHERE slug = 'ai2'", -1, &s, NULL) != SQLITE_OK)
            goto out_db;
        sqlite3_bind_text(s, 1, HOSTILE_ERROR, -1, SQLITE_STATIC);
        sqlite3_step(s);
        sqlite3_finalize(s);
    }
    {
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(db, "SELECT slug FROM event_guides WHERE event_id = ?"
                                   " ORDER BY weight DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
            goto out_db;
        sqlite3_bind_int64(s, 1, event_id);
        if (sqlite3_step(s) == SQLITE_ROW)
            snprintf(guide_slug, sizeof(guide_slug), "%s", sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    /* A guide whose markdown tries raw HTML and a javascript: link. */
    if (store_put_guide(writer, "zz-hostile", "topic", "Hostile <guide>", "A summary & more",
                        "# Hostile\n\nText <script>alert(4)</script> and "
                        "[a link](javascript:alert(5)).\n\n<iframe src=x></iframe>\n") != ALM_OK)
        goto out_db;
    if (event_id > 0 && hostile_id > 0 && guide_slug[0])
        rc = 0;
out_db:
    sqlite3_close(db);
out:
    ctx = (struct web_ctx){ .cfg = cfg, .db_path = dbpath, .base_url = BASE, .fixed_now = now };
    analyzer_close(a);
    if (rc != 0)
        fprintf(stderr, "setup failed (event %lld, hostile %lld)\n", event_id, hostile_id);
    return rc;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    /* web_server_stop closes the calling thread's reader; with no server,
     * close it the same way the server's threads do on exit. */
    store_close(web_store(&ctx));
    store_close(writer);
    config_free((struct config *)ctx.cfg);
    if (getenv("WEB_PAGES_KEEP"))   /* keep the database to look at */
        return 0;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- calling handlers ---- */

struct answer {
    struct web_response r;
    char query[2048];         /* storage for the parameters */
    struct web_request req;
};

/* GET target ("/path?a=1&b=2", values already decoded) through web_route(). */
static struct answer *
get(const char *target)
{
    struct answer *a = calloc(1, sizeof(*a));
    const char *q = strchr(target, '?');
    static char path[1024];
    web_handler *h;

    assert_non_null(a);
    snprintf(path, sizeof(path), "%.*s", (int)(q ? q - target : (long)strlen(target)), target);
    a->req.method = "GET";
    a->req.path = path;
    if (q) {
        char *p = a->query;
        snprintf(a->query, sizeof(a->query), "%s", q + 1);
        while (p && *p && a->req.nparams < WEB_MAX_PARAMS) {
            char *amp = strchr(p, '&'), *eq;
            if (amp)
                *amp = '\0';
            eq = strchr(p, '=');
            if (eq)
                *eq = '\0';
            a->req.params[a->req.nparams].name = p;
            a->req.params[a->req.nparams].value = eq ? eq + 1 : "";
            a->req.nparams++;
            p = amp ? amp + 1 : NULL;
        }
    }
    a->r.status = 200;
    a->r.max_age = 0;
    buf_init(&a->r.body, WEB_MAX_BODY);
    h = web_route(path).fn;
    if (h == NULL) {
        web_error_page(&ctx, path, 404, &a->r);
    } else {
        assert_int_equal(h(&ctx, &a->req, &a->r), 0);
        if (a->r.status >= 400 && a->r.body.len == 0)
            web_error_page(&ctx, path, a->r.status, &a->r);
    }
    return a;
}

static void
done(struct answer *a)
{
    buf_fini(&a->r.body);
    free(a);
}

static const char *
body(const struct answer *a)
{
    return buf_cstr(&a->r.body);
}

/* GETs target and checks only its status (an error has a page too). */
static void
expect_status(const char *target, int status)
{
    struct answer *a = get(target);

    if (a->r.status != status)
        fail_msg("%s: status %d, want %d", target, a->r.status, status);
    assert_true(status < 400 || a->r.body.len > 0);
    done(a);
}

/* GETs target, checks its status and that it is JSON; the caller frees it. */
static cJSON *
get_json(const char *target, int status)
{
    struct answer *a = get(target);
    cJSON *j;

    if (a->r.status != status)
        fail_msg("%s: status %d", target, a->r.status);
    assert_non_null(strstr(a->r.content_type, "application/json"));
    j = cJSON_Parse(body(a));
    if (j == NULL)
        fail_msg("%s: not JSON", target);
    done(a);
    return j;
}

/* Each fragment appears, in this order. */
static void
assert_in_order(const char *text, const char *const *frags, size_t n)
{
    const char *at = text;

    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(at, frags[i]);
        if (hit == NULL)
            fail_msg("missing or out of order: \"%s\"", frags[i]);
        at = hit + strlen(frags[i]);
    }
}

static void
assert_contains(const char *text, const char *frag)
{
    if (strstr(text, frag) == NULL)
        fail_msg("missing: \"%s\"", frag);
}

static void
assert_lacks(const char *text, const char *frag)
{
    if (strstr(text, frag) != NULL)
        fail_msg("must not appear: \"%s\"", frag);
}

/* The canonical path of an event: where /events/ID redirects. */
static void
event_path(long long id, char *out, size_t n)
{
    struct answer *a;
    char target[64];

    snprintf(target, sizeof(target), "/events/%lld", id);
    a = get(target);
    assert_int_equal(a->r.status, 301);
    snprintf(out, n, "%s", a->r.location);
    done(a);
}

/* ---- pages ---- */

static void
test_routes(void **state)
{
    static const struct {
        const char *path;
        int routed;
    } cases[] = {
        { "/", 1 }, { "/top", 1 }, { "/events/12-x", 1 }, { "/events/", 0 },
        { "/events/1/x", 0 }, { "/guides", 1 }, { "/guides/x", 1 }, { "/sources", 1 },
        { "/sources/x", 1 }, { "/search", 1 }, { "/static/style.css", 1 },
        { "/feed.atom", 1 }, { "/feed.json", 1 }, { "/api/v1/events", 1 },
        { "/api/v1/events/3", 1 }, { "/api/v1/guides", 1 }, { "/api/v1/guides/x", 1 },
        { "/api/v1/sources", 1 }, { "/api/v1/search", 1 }, { "/nope", 0 },
        { "/healthz", 1 }, { "/metrics", 1 }, { "/guides/", 0 },
        { "/entities", 1 }, { "/entities/x", 1 }, { "/entities/", 0 }, { "/stories/1", 1 },
        { "/stories/", 0 }, { "/api/v1/entities", 1 }, { "/api/v1/entities/x", 1 },
        { "/api/v1/stories/1", 1 }, { "/sitemap.xml", 1 }, { "/learn", 1 },
        { "/learn/x", 1 }, { "/learn/", 0 }, { "/api/v1/learn", 1 }, { "/api/v1/learn/x", 1 },
        { "/digest", 1 }, { "/digest/2026-W36", 1 }, { "/api/v1/openapi.json", 1 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if ((web_route(cases[i].path).fn != NULL) != cases[i].routed)
            fail_msg("route %s", cases[i].path);
    }
}

static void
test_event_page(void **state)
{
    char path[512], title[512] = "";
    struct answer *a;
    sqlite3 *db = raw_db();
    sqlite3_stmt *s;

    (void)state;
    event_path(event_id, path, sizeof(path));
    assert_non_null(db);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT title FROM items WHERE id = ?", -1, &s,
                                        NULL), SQLITE_OK);
    sqlite3_bind_int64(s, 1, event_id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    /* Titles of the demo data need no escaping beyond what this handles. */
    snprintf(title, sizeof(title), "%s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);

    a = get(path);
    assert_int_equal(a->r.status, 200);
    assert_string_equal(a->r.content_type, "text/html; charset=utf-8");
    assert_int_equal(a->r.max_age, 300);
    assert_true(a->r.last_modified > 0);
    {
        char h1[600];
        snprintf(h1, sizeof(h1), "<h1>%s</h1>", title);
        const char *order[] = {
            "<header", "action=\"/search\"", "← Events", "class=\"score band-",
            "<time datetime=\"",
            strchr(title, '&') || strchr(title, '<') || strchr(title, '\'') ? "<h1>" : h1,
            "class=\"lead\"", "source ↗", "Related guides (", "href=\"/guides/",
            "Related events (", "The story", "Why this score", "Entities", "</main>",
        };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    assert_contains(body(a), "rel=\"noopener noreferrer nofollow\"");
    assert_contains(body(a), "<link rel=\"stylesheet\" href=\"/static/style.css?v=");
    assert_lacks(body(a), "<script");
    done(a);
}

/* The digest of the hostile item's week (it is the newest, scored 10):
 * its title and summary escaped, its javascript: link not linked. */
static void
test_digest_page(void **state)
{
    struct answer *a;

    (void)state;
    a = get("/digest/2026-W36");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "&lt;script&gt;alert(");
    assert_lacks(body(a), "<script");
    assert_lacks(body(a), "<img src=x");
    assert_lacks(body(a), "javascript:");
    assert_contains(body(a), "href=\"/digest/2026-W35\" rel=\"prev\"");
    done(a);
    expect_status("/digest/2026-W99", 404);
}

static void
test_event_redirects(void **state)
{
    char path[512], target[128];
    struct answer *a;

    (void)state;
    event_path(event_id, path, sizeof(path));
    assert_true(strncmp(path, "/events/", 8) == 0);
    snprintf(target, sizeof(target), "/events/%lld-a-wrong-slug", event_id);
    a = get(target);
    assert_int_equal(a->r.status, 301);
    assert_string_equal(a->r.location, path);
    done(a);

    static const char *const missing[] = {
        "/events/99999999", "/events/0", "/events/abc", "/events/12x", "/events/-3",
        "/events/123456789012345678901234", "/guides/no-such-guide", "/guides/BAD",
        "/sources/no-such-source", "/nope", "/api/v1/events/99999999",
    };
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
        expect_status(missing[i], 404);
}

static void
test_hostile_escaped(void **state)
{
    char path[512], target[600];
    struct answer *a;
    const char *pages[] = { "/", "/?min=10", "/search?q=hostile", path };

    (void)state;
    event_path(hostile_id, path, sizeof(path));
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        a = get(pages[i]);
        assert_int_equal(a->r.status, 200);
        assert_lacks(body(a), "<script");
        assert_lacks(body(a), "<img");
        assert_lacks(body(a), "javascript:");
        assert_lacks(body(a), "\x01");
        assert_contains(body(a), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
        done(a);
    }
    /* The event page: summary escaped too, no link to a javascript: URL. */
    a = get(path);
    assert_contains(body(a), "&lt;img src=x onerror=alert(1)&gt; summary");
    assert_lacks(body(a), "class=\"button\"");
    done(a);
    /* A hostile fetch error on the sources pages. */
    static const char *const src_pages[] = { "/sources", "/sources/ai2" };
    for (size_t i = 0; i < 2; i++) {
        a = get(src_pages[i]);
        assert_int_equal(a->r.status, 200);
        assert_lacks(body(a), "<b onmouseover");
        assert_contains(body(a), "&lt;b onmouseover=alert(2)&gt;refused&lt;/b&gt;");
        assert_contains(body(a), "failing");
        done(a);
    }
    /* JSON keeps the text as it is, safely quoted. */
    snprintf(target, sizeof(target), "/api/v1/events/%lld", hostile_id);
    a = get(target);
    assert_int_equal(a->r.status, 200);
    {
        cJSON *j = cJSON_Parse(body(a));
        assert_non_null(j);
        assert_string_equal(cJSON_GetObjectItem(j, "title")->valuestring, HOSTILE_TITLE);
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "link")));
        cJSON_Delete(j);
    }
    done(a);
}

static void
test_lists_and_paging(void **state)
{
    struct answer *a;

    (void)state;
    a = get("/");
    assert_int_equal(a->r.status, 200);
    assert_int_equal(a->r.max_age, 60);
    assert_true(a->r.last_modified > 0);
    /* The fixed clock: Ai2's item of 2026-08-31 00:00 is 36 hours old. */
    assert_contains(body(a), ">36h ago</time>");
    assert_contains(body(a), "title=\"2026-08-31 00:00 UTC\"");
    assert_contains(body(a), "<a rel=\"next\" href=\"/?page=2\">");
    assert_lacks(body(a), "rel=\"prev\"");
    assert_contains(body(a), "<nav class=\"filters\"");
    assert_contains(body(a), "href=\"/?min=7\"");
    done(a);

    a = get("/?page=2&min=2&tier=1");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "<a rel=\"prev\" href=\"/?min=2&amp;tier=1\">");
    assert_contains(body(a), "<a rel=\"next\" href=\"/?min=2&amp;tier=1&amp;page=3\">");
    assert_contains(body(a), "Page 2 of ");
    /* Filter links keep the other filters and drop the page. */
    assert_contains(body(a), "href=\"/?min=7&amp;tier=1\"");
    assert_contains(body(a), "href=\"/?tier=1\"");
    assert_contains(body(a), "href=\"/?min=2\"");
    done(a);

    a = get("/top");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "Top events");
    assert_contains(body(a), "aria-current=\"true\">7 days</a>");
    done(a);
    a = get("/top?period=24h&min=10");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "class=\"empty\"");
    done(a);

    static const char *const bad[] = {
        "/?min=abc", "/?min=11", "/?tier=4", "/?period=1y", "/?page=0", "/?guide=Bad%20Slug",
        "/top?period=x", "/api/v1/events?limit=0", "/api/v1/events?limit=9999",
        "/api/v1/events?offset=-1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        a = get(bad[i]);
        if (a->r.status != 400)
            fail_msg("%s: status %d", bad[i], a->r.status);
        done(a);
    }
    expect_status("/?page=99999", 404);
}

static void
test_guides(void **state)
{
    char target[128];
    struct answer *a;

    (void)state;
    a = get("/guides");
    assert_int_equal(a->r.status, 200);
    assert_int_equal(a->r.max_age, 3600);
    assert_contains(body(a), "class=\"card\"");
    assert_contains(body(a), "Hostile &lt;guide&gt;");
    {
        /* the kinds apart: topics (the hostile one among them), labs, threads */
        const char *order[] = { "<h2 id=\"topics\">Topics", "Hostile &lt;guide&gt;",
                                "<h2 id=\"labs\">Labs", "href=\"/guides/anthropic\"",
                                "<h2 id=\"threads\">Threads: storylines followed over time",
                                "href=\"/guides/frontier-safety-frameworks\"" };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    done(a);

    /* only a thread's page has milestones */
    a = get("/guides/frontier-safety-frameworks");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "<a href=\"/guides#threads\">Thread</a>");
    assert_contains(body(a), "class=\"block milestones\"");
    done(a);
    a = get("/guides/anthropic");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "<a href=\"/guides#labs\">Lab</a>");
    assert_lacks(body(a), "milestone");
    done(a);

    snprintf(target, sizeof(target), "/guides/%s", guide_slug);
    a = get(target);
    assert_int_equal(a->r.status, 200);
    assert_int_equal(a->r.max_age, 3600);
    {
        const char *order[] = { "<h1>", "<svg viewBox=", "role=\"img\"", "aria-label=\"",
                                "<rect class=", "<title>Week of ", "</svg>",
                                "class=\"prose\"", "<h2>", "Timeline", "class=\"timeline\"",
                                "class=\"event\"" };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    done(a);

    a = get("/guides/zz-hostile");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "<a href=\"/guides#topics\">Topic</a>");
    assert_lacks(body(a), "milestone");
    assert_lacks(body(a), "<script");
    assert_lacks(body(a), "<iframe");
    assert_lacks(body(a), "javascript:");
    assert_contains(body(a), "a link");
    done(a);
}

static void
test_search(void **state)
{
    static const char *const odd[] = {
        "/search?q=%22claude", "/search?q=\"", "/search?q=claude\"", "/search?q=AND",
        "/search?q=claude OR", "/search?q=NOT claude", "/search?q=(", "/search?q=NEAR(a b)",
        "/search?q=title:x", "/search?q=*", "/search?q=-", "/search?q=cla*", "/search?q=^x",
        "/search?q={title}: x", "/search?q=\"\"\"", "/search?q=!!!", "/search?q=",
        "/search", "/search?q=   ", "/search?q=claude&min=7&page=1",
        "/api/v1/search?q=\"claude", "/api/v1/search?q=OR AND NOT (",
        "/api/v1/search?q=NEAR(", "/api/v1/search?q=!!!",
    };
    struct answer *a;
    char big[300];

    (void)state;
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        a = get(odd[i]);
        if (a->r.status != 200)
            fail_msg("%s: status %d", odd[i], a->r.status);
        done(a);
    }
    a = get("/search?q=claude");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "<mark>");
    assert_contains(body(a), "results for “claude”");
    assert_lacks(body(a), "\x01");
    done(a);
    expect_status("/search?q=claude%", 200);
    /* A short prefix expands to most of the index: refused with the rule. */
    a = get("/search?q=a*");
    assert_int_equal(a->r.status, 400);
    assert_contains(body(a), "at least 3 letters");
    done(a);

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, "/search?q=", 10);
    a = get(big);
    assert_int_equal(a->r.status, 400);
    assert_contains(body(a), "too long");
    done(a);
    a = get("/api/v1/search?q=");
    assert_int_equal(a->r.status, 400);
    assert_non_null(strstr(a->r.content_type, "json"));
    done(a);

    /* The hostile title, found and highlighted, stays escaped. */
    a = get("/api/v1/search?q=hostile");
    assert_int_equal(a->r.status, 200);
    {
        cJSON *j = cJSON_Parse(body(a)), *ev, *first;
        assert_non_null(j);
        ev = cJSON_GetObjectItem(j, "events");
        assert_true(cJSON_GetArraySize(ev) >= 1);
        first = cJSON_GetArrayItem(ev, 0);
        assert_non_null(strstr(cJSON_GetObjectItem(first, "title_html")->valuestring,
                               "&lt;script&gt;"));
        assert_non_null(strstr(cJSON_GetObjectItem(first, "title_html")->valuestring,
                               "<mark>Hostile</mark>"));
        cJSON_Delete(j);
    }
    done(a);
}

/* ---- API ---- */

static void
assert_event_object(const cJSON *e)
{
    static const char *const keys[] = {
        "id", "link", "title", "source", "source_name", "source_author", "tier", "published",
        "score", "kind", "story", "guides", "summary", "url",
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!cJSON_HasObjectItem(e, keys[i]))
            fail_msg("event object without \"%s\"", keys[i]);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(e, "guides")));
    assert_true(strncmp(cJSON_GetObjectItem(e, "url")->valuestring, BASE "/events/",
                        strlen(BASE "/events/")) == 0);
    assert_int_equal(strlen(cJSON_GetObjectItem(e, "published")->valuestring), 20);
}

static void
test_api(void **state)
{
    char target[128];
    cJSON *j, *ev, *it;

    (void)state;
    j = get_json("/api/v1/events?limit=5&min=2", 200);
    ev = cJSON_GetObjectItem(j, "events");
    assert_int_equal(cJSON_GetArraySize(ev), 5);
    cJSON_ArrayForEach(it, ev) {
        assert_event_object(it);
        assert_true(cJSON_GetObjectItem(it, "score")->valueint >= 2);
    }
    assert_string_equal(cJSON_GetObjectItem(j, "next")->valuestring,
                        BASE "/api/v1/events?min=2&limit=5&offset=5");
    cJSON_Delete(j);

    j = get_json("/api/v1/events?limit=5&offset=100000", 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "events")), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
    cJSON_Delete(j);

    snprintf(target, sizeof(target), "/api/v1/events/%lld", event_id);
    j = get_json(target, 200);
    assert_event_object(j);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "reasons")));
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "reasons")) > 0);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "entities")));
    ev = cJSON_GetObjectItem(j, "related");
    assert_true(cJSON_GetArraySize(ev) >= 2);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetArrayItem(ev, 0), "weight")));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "story")));
    ev = cJSON_GetObjectItem(j, "story_events");
    assert_true(cJSON_IsArray(ev));
    cJSON_ArrayForEach(it, ev)
        assert_true(cJSON_IsBool(cJSON_GetObjectItem(it, "first_report")));
    cJSON_Delete(j);

    j = get_json("/api/v1/events/12345678", 404);
    assert_true(cJSON_IsObject(cJSON_GetObjectItem(j, "error")));
    cJSON_Delete(j);

    j = get_json("/api/v1/guides", 200);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "guides")) >= 20);
    cJSON_Delete(j);
    snprintf(target, sizeof(target), "/api/v1/guides/%s?limit=3", guide_slug);
    j = get_json(target, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "guide"),
                                                            "weeks")), 26);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "events")), 3);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "next")));
    cJSON_Delete(j);
    cJSON_Delete(get_json("/api/v1/guides/none-such", 404));
    /* a guide's kind; milestones are a thread's, null for a topic or a lab */
    j = get_json("/api/v1/guides/frontier-safety-frameworks", 200);
    it = cJSON_GetObjectItem(j, "guide");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "kind")), "thread");
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(it, "milestones")));
    cJSON_Delete(j);
    j = get_json("/api/v1/guides/anthropic", 200);
    it = cJSON_GetObjectItem(j, "guide");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "kind")), "lab");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(it, "milestones")));
    cJSON_Delete(j);
    j = get_json("/api/v1/guides/zz-hostile", 200);
    it = cJSON_GetObjectItem(j, "guide");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "kind")), "topic");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(it, "milestones")));
    cJSON_Delete(j);

    j = get_json("/api/v1/sources", 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "sources")),
                     sizeof(test_sources) / sizeof(test_sources[0]));
    cJSON_Delete(j);
    j = get_json("/api/v1/sources/anthropic", 200);
    assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "source"), "items")->valueint > 0);
    cJSON_Delete(j);

    j = get_json("/api/v1/search?q=claude&limit=2", 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "events")), 2);
    assert_non_null(strstr(cJSON_GetObjectItem(j, "next")->valuestring, "q=claude"));
    cJSON_Delete(j);
}

/* ---- feeds ---- */

static int xml_errors;

static void
count_xml_error(void *arg, const xmlError *e)
{
    (void)arg;
    (void)e;
    xml_errors++;
}

static int
count_children(xmlNode *n, const char *name)
{
    int c = 0;

    for (xmlNode *k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, name) == 0)
            c++;
    return c;
}

static void
check_atom(const char *target, int want_hostile)
{
    struct answer *a = get(target);
    xmlDoc *doc;
    xmlNode *root;
    int entries = 0;

    assert_int_equal(a->r.status, 200);
    assert_string_equal(a->r.content_type, "application/atom+xml; charset=utf-8");
    xml_errors = 0;
    xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)count_xml_error);
    doc = xmlReadMemory(body(a), (int)a->r.body.len, "feed.atom", NULL, XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    assert_non_null(doc);
    assert_int_equal(xml_errors, 0);
    root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "feed");
    assert_string_equal((const char *)root->ns->href, "http://www.w3.org/2005/Atom");
    assert_int_equal(count_children(root, "id"), 1);
    assert_int_equal(count_children(root, "updated"), 1);
    for (xmlNode *e = root->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry") != 0)
            continue;
        entries++;
        assert_int_equal(count_children(e, "id"), 1);
        assert_int_equal(count_children(e, "title"), 1);
        assert_int_equal(count_children(e, "updated"), 1);
        assert_int_equal(count_children(e, "summary"), 1);
        assert_true(count_children(e, "link") >= 1);
    }
    assert_true(entries > 0 && entries <= 50);
    if (want_hostile) {
        assert_contains(body(a), "&lt;script&gt;");
        assert_lacks(body(a), "<script");
    }
    assert_contains(body(a), "<link rel=\"alternate\" type=\"text/html\" href=\"" BASE);
    assert_contains(body(a), "<summary type=\"html\">&lt;p&gt;");
    xmlFreeDoc(doc);
    done(a);
}

static void
test_feeds(void **state)
{
    char target[160];
    struct answer *a;

    (void)state;
    check_atom("/feed.atom", 1);
    check_atom("/feed.atom?min=10", 1);
    snprintf(target, sizeof(target), "/feed.atom?min=2&guide=%s", guide_slug);
    check_atom(target, 0);
    a = get(target);
    assert_contains(body(a), "min=2&amp;guide=");
    done(a);

    a = get("/feed.json?min=3");
    assert_int_equal(a->r.status, 200);
    assert_string_equal(a->r.content_type, "application/feed+json; charset=utf-8");
    {
        cJSON *j = cJSON_Parse(body(a)), *items, *it;
        assert_non_null(j);
        assert_string_equal(cJSON_GetObjectItem(j, "version")->valuestring,
                            "https://jsonfeed.org/version/1.1");
        assert_string_equal(cJSON_GetObjectItem(j, "feed_url")->valuestring,
                            BASE "/feed.json?min=3");
        items = cJSON_GetObjectItem(j, "items");
        assert_true(cJSON_GetArraySize(items) > 0 && cJSON_GetArraySize(items) <= 50);
        cJSON_ArrayForEach(it, items) {
            assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "id")));
            assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "url")));
            assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "content_html")));
            assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "date_published")));
        }
        cJSON_Delete(j);
    }
    done(a);
    expect_status("/feed.json?min=zero", 400);
}

static void
test_style_and_errors(void **state)
{
    struct answer *a, *page;
    const char *v;
    char target[128];

    (void)state;
    page = get("/guides");
    v = strstr(body(page), "/static/style.css?v=");
    assert_non_null(v);
    snprintf(target, sizeof(target), "%.*s", (int)strcspn(v, "\""), v);
    a = get(target);
    assert_int_equal(a->r.status, 200);
    assert_string_equal(a->r.content_type, "text/css; charset=utf-8");
    assert_int_equal(a->r.max_age, 31536000);
    assert_contains(body(a), "prefers-color-scheme: dark");
    done(a);
    a = get("/static/style.css?v=old");
    assert_int_equal(a->r.max_age, 300);
    done(a);
    done(page);

    a = calloc(1, sizeof(*a));
    buf_init(&a->r.body, WEB_MAX_BODY);
    web_error_page(&ctx, NULL, 500, &a->r);
    assert_int_equal(a->r.status, 500);
    assert_contains(body(a), "Something went wrong");
    assert_contains(body(a), "<nav aria-label=\"Main\">");
    assert_lacks(body(a), "sqlite");
    done(a);
}

/* ---- the map: entities and stories ---- */

static long long
count_of(const char *sql)
{
    sqlite3 *db = raw_db();
    long long n;

    assert_non_null(db);
    n = query_int(db, sql);
    sqlite3_close(db);
    return n;
}

static void
test_entity_pages(void **state)
{
    struct answer *a;
    char target[256], sql[512];
    long long n;
    cJSON *doc, *ent, *events;

    (void)state;
    /* The dictionary was written by the analysis, every entry with a slug. */
    assert_true(count_of("SELECT count(*) FROM entities") > 800);
    assert_int_equal(count_of("SELECT count(*) FROM entities WHERE slug = 'anthropic'"
                              " AND name = 'Anthropic' AND kind = 'lab'"
                              " AND description LIKE 'An AI safety%'"), 1);

    a = get("/entities");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "<a href=\"/entities/anthropic\">Anthropic");
    assert_contains(body(a), "aria-current=\"page\">Entities</a>");
    done(a);
    a = get("/entities?kind=lab");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "/entities/anthropic");
    assert_lacks(body(a), "<span class=\"kind\">model</span>");
    done(a);
    a = get("/entities?kind=<script>");
    assert_int_equal(a->r.status, 400);
    assert_lacks(body(a), "<script>");
    done(a);

    n = count_of("SELECT count(*) FROM event_entities WHERE name = 'Anthropic'");
    assert_true(n > 0);
    a = get("/entities/anthropic");
    assert_int_equal(a->r.status, 200);
    {
        const char *order[] = {
            "<h1>Anthropic <span class=\"kind\">lab</span></h1>", "class=\"lead\">An AI safety",
            "class=\"what\">Anthropic is an AI lab, also called Anthropic PBC. Named in",
            "<figure class=\"chart\">", "<svg", "Named with", "href=\"/entities/",
            "Its guides", "href=\"/guides/", "Timeline", "class=\"event\"", "</main>",
        };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    snprintf(target, sizeof(target), "Timeline <span class=\"count\">(%lld)", n);
    assert_contains(body(a), target);
    assert_lacks(body(a), "<script");
    done(a);
    /* Its pages and filters: past the last page is a 404. */
    snprintf(target, sizeof(target), "/entities/anthropic?page=%lld", n / 30 + 2);
    expect_status(target, 404);
    expect_status("/entities/anthropic?min=11", 400);
    expect_status("/entities/no-such-entity", 404);
    expect_status("/entities/Bad_Slug", 404);
    /* A dictionary entity no event names has no page. */
    a = get("/entities/tlu-3");
    if (count_of("SELECT count(*) FROM event_entities WHERE name = 'Tülu 3'") == 0)
        assert_int_equal(a->r.status, 404);
    done(a);

    /* A model of a family: its family in the dictionary's order, itself marked. */
    {
        sqlite3 *db = raw_db();
        sqlite3_stmt *s;
        char slug[128] = "";
        assert_int_equal(sqlite3_prepare_v2(db,
            "SELECT en.slug FROM entities en WHERE en.kind = 'model' AND en.name LIKE 'Claude %'"
            " AND en.name GLOB '*[0-9]*' AND (SELECT count(*) FROM event_entities ee"
            "  WHERE ee.name = en.name) > 0 ORDER BY en.rank LIMIT 1 OFFSET 1", -1, &s, NULL),
            SQLITE_OK);
        if (sqlite3_step(s) == SQLITE_ROW)
            snprintf(slug, sizeof(slug), "%s", sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        sqlite3_close(db);
        if (slug[0]) {
            snprintf(target, sizeof(target), "/entities/%s", slug);
            a = get(target);
            assert_int_equal(a->r.status, 200);
            assert_contains(body(a), "The Claude family");
            assert_contains(body(a), "<li aria-current=\"true\">");
            assert_contains(body(a), "← after <a href=\"/entities/");
            assert_lacks(body(a), "<a href=\"/entities/claude-sonnet\">");  /* a line, not a model */
            done(a);
        }
    }

    /* The API: the same entity and its events, sliced. */
    doc = get_json("/api/v1/entities/anthropic?limit=5", 200);
    assert_int_equal((long long)cJSON_GetObjectItem(doc, "total")->valuedouble, n);
    ent = cJSON_GetObjectItem(doc, "entity");
    assert_string_equal(cJSON_GetObjectItem(ent, "name")->valuestring, "Anthropic");
    assert_string_equal(cJSON_GetObjectItem(ent, "url")->valuestring,
                        BASE "/entities/anthropic");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ent, "weeks")), 26);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(ent, "named_with")));
    events = cJSON_GetObjectItem(doc, "events");
    assert_int_equal(cJSON_GetArraySize(events), n < 5 ? n : 5);
    assert_true(n <= 5 || cJSON_IsString(cJSON_GetObjectItem(doc, "next")));
    cJSON_Delete(doc);
    a = get("/api/v1/entities/nope");
    assert_int_equal(a->r.status, 404);
    assert_contains(body(a), "\"error\"");
    done(a);
    doc = get_json("/api/v1/entities", 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "entities")),
                     count_of("SELECT count(DISTINCT ee.name) FROM event_entities ee"
                              " JOIN entities en ON en.name = ee.name"));
    cJSON_Delete(doc);

    /* The event page links its entities to their pages. */
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM event_entities ee JOIN entities en"
                               " ON en.name = ee.name WHERE ee.event_id = %lld", event_id);
    if (count_of(sql) > 0) {
        event_path(event_id, target, sizeof(target));
        a = get(target);
        assert_contains(body(a), "<li><a href=\"/entities/");
        done(a);
    }
}

static void
test_entity_hostile(void **state)
{
    struct answer *a;
    char sql[256];
    sqlite3 *db = raw_db();

    (void)state;
    static const char *const aliases[] = { "<b>x</b>", "\"y\"" };
    assert_int_equal(store_put_entity(writer, "zz-hostile-entity", "<script>alert(6)</script>",
                                      "lab", aliases, 2, 3, "<img src=x onerror=alert(7)>",
                                      9999), ALM_OK);
    snprintf(sql, sizeof(sql), "INSERT INTO event_entities (event_id, name, kind, mentions,"
                               " in_title) VALUES (%lld, '<script>alert(6)</script>', 'lab', 1, 0)",
             hostile_id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    a = get("/entities/zz-hostile-entity");
    assert_int_equal(a->r.status, 200);
    assert_lacks(body(a), "<script>alert");
    assert_lacks(body(a), "<img src=x");
    assert_lacks(body(a), "<b>x</b>");
    assert_contains(body(a), "&lt;script&gt;alert(6)&lt;/script&gt;");
    done(a);
    a = get("/entities");
    assert_lacks(body(a), "<script>alert");
    done(a);
    cJSON *doc = get_json("/api/v1/entities/zz-hostile-entity", 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "entity"), "name")
                            ->valuestring, "<script>alert(6)</script>");
    cJSON_Delete(doc);
}

static void
test_story_pages(void **state)
{
    struct answer *a;
    char target[256];
    long long id, events, sources;
    cJSON *doc, *story;

    (void)state;
    id = count_of("SELECT id FROM stories WHERE events >= 2 ORDER BY events DESC, id LIMIT 1");
    if (id <= 0)
        skip();
    snprintf(target, sizeof(target), "SELECT events FROM stories WHERE id = %lld", id);
    events = count_of(target);
    snprintf(target, sizeof(target), "SELECT count(DISTINCT i.source_id) FROM events e"
                                     " JOIN items i ON i.id = e.id WHERE e.story_id = %lld", id);
    sources = count_of(target);

    snprintf(target, sizeof(target), "/stories/%lld", id);
    a = get(target);
    assert_int_equal(a->r.status, 200);
    {
        const char *order[] = {
            "<p class=\"kicker\">Story</p>", "<h1>", "class=\"sub lineage\">First reported by",
            "Who added what", "<span class=\"note\">first report</span>", "Broke the story.",
            "<figure class=\"chart coverage\">", "<svg", "Every report", "</main>",
        };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    /* Every report is listed, and each source's first once. */
    {
        int rows = 0, firsts = 0;
        for (const char *p = body(a); (p = strstr(p, "<article class=\"event\"")); p++)
            rows++;
        for (const char *p = body(a); (p = strstr(p, "<p class=\"adds\">")); p++)
            firsts++;
        assert_int_equal(rows, events);
        assert_int_equal(firsts, sources);
    }
    assert_lacks(body(a), "<script");
    done(a);

    snprintf(target, sizeof(target), "/api/v1/stories/%lld", id);
    doc = get_json(target, 200);
    story = cJSON_GetObjectItem(doc, "story");
    assert_int_equal((long long)cJSON_GetObjectItem(story, "id")->valuedouble, id);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(story, "contributions")), sources);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "events")), events);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(story, "complete")));
    cJSON_Delete(doc);

    /* The event page gives the story's lineage in a line, with its link. */
    {
        char path[512], link[64];
        event_path(id, path, sizeof(path));
        a = get(path);
        assert_int_equal(a->r.status, 200);
        snprintf(link, sizeof(link), "<a href=\"/stories/%lld\">the story →</a>", id);
        const char *order[] = { "<p class=\"lineage\">First reported by", link };
        assert_in_order(body(a), order, 2);
        done(a);
    }

    static const char *const missing[] = {
        "/stories/0", "/stories/abc", "/stories/12x", "/stories/999999999",
        "/stories/99999999999999999999", "/api/v1/stories/0", "/api/v1/stories/x",
    };
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
        expect_status(missing[i], 404);
}

/* The sitemap lists the lists, every guide, entity with events and story of
 * two reports or more, as absolute URLs in valid XML. */
static void
test_sitemap(void **state)
{
    struct answer *a;
    xmlDocPtr doc;
    char url[256];
    long long entities, stories;
    int n = 0;

    (void)state;
    a = get("/sitemap.xml");
    assert_int_equal(a->r.status, 200);
    assert_string_equal(a->r.content_type, "application/xml; charset=utf-8");
    doc = xmlReadMemory(body(a), (int)a->r.body.len, "sitemap.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlFreeDoc(doc);
    for (const char *p = body(a); (p = strstr(p, "<url><loc>")); p++)
        n++;
    entities = count_of("SELECT count(DISTINCT ee.name) FROM event_entities ee"
                        " JOIN entities en ON en.name = ee.name");
    stories = count_of("SELECT count(*) FROM stories WHERE events >= 2");
    assert_int_equal(n, 6 + count_of("SELECT count(*) FROM guides") +
                            count_of("SELECT count(*) FROM paths") +
                            count_of("SELECT count(*) FROM sources") + entities + stories);
    assert_contains(body(a), "<url><loc>" BASE "/entities</loc>");
    assert_contains(body(a), "<url><loc>" BASE "/entities/anthropic</loc><lastmod>");
    snprintf(url, sizeof(url), "<url><loc>" BASE "/guides/%s</loc>", guide_slug);
    assert_contains(body(a), url);
    if (stories > 0)
        assert_contains(body(a), "<url><loc>" BASE "/stories/");
    /* A hostile slug or name never reaches it unescaped. */
    assert_lacks(body(a), "<script");
    done(a);
}

/* An entity or guide named by the query answers above the events. */
static void
test_search_answers(void **state)
{
    struct answer *a;

    (void)state;
    a = get("/search?q=anthropic");
    assert_int_equal(a->r.status, 200);
    {
        const char *order[] = {
            "results for", "<aside class=\"answers\"", "<h2>Entities</h2>",
            "<a href=\"/entities/anthropic\">Anthropic</a>", "<h2>Guides</h2>",
            "href=\"/guides/anthropic\"", "</aside>", "<div class=\"events\">",
        };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    done(a);
    /* An alias, whatever its case and spaces; the events may find nothing. */
    expect_status("/search?q=%20anthropic%20pbc%20", 200);
    a = get("/search?q= Anthropic PBC ");
    assert_contains(body(a), "<a href=\"/entities/anthropic\">Anthropic</a>");
    done(a);
    /* A word that names nothing: no box. */
    a = get("/search?q=announced");
    assert_int_equal(a->r.status, 200);
    assert_lacks(body(a), "<aside class=\"answers\"");
    done(a);
    /* Not on later pages. */
    a = get("/search?q=anthropic&page=2");
    assert_lacks(body(a), "<aside class=\"answers\"");
    done(a);
}

/* Learning paths: from data/learning-paths.txt through the analysis; each
 * step links its page with a reading time; a step whose page is gone says
 * so; hostile rows are escaped. */
static void
test_learn(void **state)
{
    struct answer *a;
    int cards = 0, steps = 0;

    (void)state;
    assert_true(count_of("SELECT count(*) FROM paths") >= 5);
    a = get("/learn");
    assert_int_equal(a->r.status, 200);
    assert_contains(body(a), "aria-current=\"page\">Learn</a>");
    for (const char *p = body(a); (p = strstr(p, "<article class=\"card\">")); p++)
        cards++;
    assert_int_equal(cards, count_of("SELECT count(*) FROM paths"));
    {
        const char *order[] = {
            "href=\"/learn/understanding-frontier-model-releases\">Understanding frontier",
            "beginner · 7 steps · ~", " min</p>",
            "href=\"/learn/ai-policy-from-zero\">",
        };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    done(a);

    a = get("/learn/understanding-frontier-model-releases");
    assert_int_equal(a->r.status, 200);
    {
        const char *order[] = {
            "<p class=\"kicker\">Learning path</p>", "<h1>Understanding frontier model releases",
            "beginner · 7 steps · ~", "min of reading", "<ol class=\"path\">",
            "<a href=\"/guides/frontier-models\">", "Start with the releases themselves",
            "<a href=\"/entities/openai\">OpenAI</a>", "<a href=\"/entities/anthropic\">",
            "<a href=\"/guides/open-weight-models\">", "</ol>",
        };
        assert_in_order(body(a), order, sizeof(order) / sizeof(order[0]));
    }
    for (const char *p = body(a); (p = strstr(p, "<li><p class=\"meta\">")); p++)
        steps++;
    assert_int_equal(steps, 7);
    done(a);

    {
        cJSON *doc = get_json("/api/v1/learn/understanding-frontier-model-releases", 200);
        cJSON *path, *list;
        int sum = 0;
        path = cJSON_GetObjectItem(doc, "path");
        assert_string_equal(cJSON_GetObjectItem(path, "level")->valuestring, "beginner");
        list = cJSON_GetObjectItem(path, "steps");
        assert_int_equal(cJSON_GetArraySize(list), 7);
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "url")
                                ->valuestring, BASE "/entities/openai");
        for (int i = 0; i < 7; i++) {
            int m = cJSON_GetObjectItem(cJSON_GetArrayItem(list, i), "minutes")->valueint;
            assert_true(m >= 1);
            sum += m;
        }
        assert_int_equal(cJSON_GetObjectItem(path, "minutes")->valueint, sum);
        cJSON_Delete(doc);
    }
    {
        cJSON *doc = get_json("/api/v1/learn", 200);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "paths")),
                         count_of("SELECT count(*) FROM paths"));
        cJSON_Delete(doc);
    }
    expect_status("/api/v1/learn/nope", 404);
    expect_status("/learn/no-such-path", 404);
    expect_status("/learn/Bad_Slug", 404);

    struct path_step psteps[] = {
        { "guide", "no-such-guide", "<b>why</b>" },
        { "entity", "anthropic", "\"quoted\" & more" },
        { "guide", "../../etc", "nope" },
    };
    assert_int_equal(store_put_path(writer, "zz-hostile-path", "<script>alert(8)</script>",
                                    "beginner", "<img src=x onerror=alert(9)>", psteps, 3, 99),
                     ALM_OK);
    a = get("/learn/zz-hostile-path");
    assert_int_equal(a->r.status, 200);
    assert_lacks(body(a), "<script>alert");
    assert_lacks(body(a), "<img src=x");
    assert_lacks(body(a), "<b>why</b>");
    assert_contains(body(a), "no-such-guide <span class=\"count\">(not available yet)</span>");
    assert_contains(body(a), "&quot;quoted&quot; &amp; more");
    assert_lacks(body(a), "href=\"/guides/../");
    done(a);
    a = get("/learn");
    assert_lacks(body(a), "<script>alert");
    done(a);
}

/* What a later report adds: names and figures no earlier text had, not its
 * own source's name, not the analysis's context sentence. */
static void
test_story_adds(void **state)
{
    const char *earlier[] = {
        "Introducing Claude Sonnet 4.5",
        "Claude Sonnet 4.5 is our best coding model. A tier-1 release from Anthropic News.",
    };
    char *a;

    (void)state;
    a = story_view_adds("This work let Claude Sonnet 4.5 match Opus 4.1 on Cybench, 76.5% of"
                        " tasks. As a tier-1 security item from Frontier Red Team, it concerns"
                        " Claude.", earlier, 2, "Frontier Red Team anthropic-red-team", 6);
    assert_non_null(a);
    assert_string_equal(a, "Opus, 4.1, Cybench, 76.5%");
    free(a);
    /* Nothing new: NULL. */
    assert_null(story_view_adds("Claude Sonnet 4.5 is out.", earlier, 2, NULL, 6));
    /* The context sentence alone (a feed without an excerpt) adds nothing. */
    assert_null(story_view_adds("A tier-1 release announcement from Windsurf Changelog, on"
                                " agents and coding tools; the feed has no excerpt.",
                                earlier, 2, "Windsurf Changelog", 6));
    /* At most max words, each once. */
    a = story_view_adds("GPT-5 and GPT-5 and Gemini 3 and Grok 4 and Llama 4 here", NULL, 0,
                        NULL, 2);
    assert_non_null(a);
    assert_string_equal(a, "GPT-5, Gemini");
    free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_digest_page),
        cmocka_unit_test(test_event_page),
        cmocka_unit_test(test_event_redirects),
        cmocka_unit_test(test_hostile_escaped),
        cmocka_unit_test(test_lists_and_paging),
        cmocka_unit_test(test_guides),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_feeds),
        cmocka_unit_test(test_style_and_errors),
        cmocka_unit_test(test_entity_pages),
        cmocka_unit_test(test_entity_hostile),
        cmocka_unit_test(test_story_pages),
        cmocka_unit_test(test_story_adds),
        cmocka_unit_test(test_sitemap),
        cmocka_unit_test(test_search_answers),
        cmocka_unit_test(test_learn),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
