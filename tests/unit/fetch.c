/*
 * tests/unit/fetch.c - the fetcher against a real HTTP server on loopback.
 *
 * The group setup starts tests/fetch_server.py (run from the repo root) with
 * pipes on its stdin and stdout, reads the port from its first line, and the
 * teardown closes its stdin, which ends it. The server is on 127.0.0.1, so
 * every request that must succeed sets allow_local; the SSRF tests leave it
 * off and expect a refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "fetch/fetch.h"

#define MIB ((size_t)1 << 20)

static pid_t server_pid = -1;
static int server_stdin = -1;
static char base[64]; /* "http://127.0.0.1:PORT" */

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
start_server(void **state)
{
    int in[2], out[2];
    char line[64];
    FILE *f;
    long port;

    (void)state;
    if (fetch_global_init() != ALM_OK)
        return -1;
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execlp("python3", "python3", "tests/fetch_server.py", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    /* Only the server may hold its stdin: when we end, it ends. */
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    server_stdin = in[1];
    f = fdopen(out[0], "r");
    if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
        fprintf(stderr, "fetch test: the server did not print its port\n");
        return -1;
    }
    fclose(f);
    port = strtol(line, NULL, 10);
    if (port <= 0 || port > 65535)
        return -1;
    snprintf(base, sizeof(base), "http://127.0.0.1:%ld", port);
    return 0;
}

static int
stop_server(void **state)
{
    (void)state;
    if (server_stdin >= 0)
        close(server_stdin);
    if (server_pid > 0)
        waitpid(server_pid, NULL, 0);
    fetch_global_cleanup();
    return 0;
}

static void
test_opts(struct fetch_opts *o)
{
    fetch_opts_default(o);
    o->connect_timeout = 5;
    o->timeout = 10;
}

static char *
url_of(const char *path)
{
    static char u[256];

    snprintf(u, sizeof(u), "%s%s", base, path);
    return u;
}

/* Fetches base+path (or path itself when it has a scheme). */
static struct fetch_result *
get_full(const struct fetch_opts *o, const char *path, int allow_local, const char *etag,
         const char *last_modified)
{
    struct fetch_req req = { 0 };
    struct fetch_result *r = NULL;

    req.url = strstr(path, "://") ? path : url_of(path);
    req.etag = etag;
    req.last_modified = last_modified;
    req.allow_local = allow_local;
    req.user = &req;
    assert_int_equal(fetch_one(o, &req, &r), ALM_OK);
    assert_non_null(r);
    assert_ptr_equal(r->user, &req);
    assert_non_null(r->body);
    assert_int_equal(strlen(r->body), r->len);
    assert_true(r->ok || r->error != NULL);
    return r;
}

static struct fetch_result *
get(const struct fetch_opts *o, const char *path)
{
    return get_full(o, path, 1, NULL, NULL);
}

/* ---- address classification ---- */

static const struct {
    const char *addr;
    int is_public;
} addrs[] = {
    { "8.8.8.8", 1 },
    { "1.1.1.1", 1 },
    { "93.184.216.34", 1 },
    { "100.63.255.255", 1 },
    { "100.128.0.0", 1 },
    { "172.15.255.255", 1 },
    { "172.32.0.0", 1 },
    { "192.167.1.1", 1 },
    { "169.253.1.1", 1 },
    { "223.255.255.255", 1 },
    { "127.0.0.1", 0 },
    { "127.255.255.254", 0 },
    { "10.0.0.1", 0 },
    { "10.255.255.255", 0 },
    { "172.16.0.1", 0 },
    { "172.31.255.255", 0 },
    { "192.168.1.1", 0 },
    { "169.254.169.254", 0 },
    { "169.254.0.1", 0 },
    { "100.64.0.1", 0 },
    { "100.127.255.255", 0 },
    { "224.0.0.1", 0 },
    { "239.255.255.250", 0 },
    { "0.0.0.0", 0 },
    { "0.1.2.3", 0 },
    { "255.255.255.255", 0 },
    { "240.0.0.1", 0 },
    { "2001:4860:4860::8888", 1 },
    { "2606:4700:4700::1111", 1 },
    { "2002:808:808::1", 1 },
    { "::ffff:8.8.8.8", 1 },
    { "64:ff9b::808:808", 1 },
    { "::1", 0 },
    { "::", 0 },
    { "fc00::1", 0 },
    { "fd12:3456:789a::1", 0 },
    { "fe80::1", 0 },
    { "febf::1", 0 },
    { "fec0::1", 0 },
    { "ff02::1", 0 },
    { "::ffff:127.0.0.1", 0 },
    { "::ffff:10.0.0.1", 0 },
    { "::ffff:169.254.169.254", 0 },
    { "::ffff:192.168.0.1", 0 },
    { "::ffff:0.0.0.0", 0 },
    { "::127.0.0.1", 0 },
    { "64:ff9b::10.0.0.1", 0 },
    { "2002:7f00:1::1", 0 },
    { "2002:a9fe:a9fe::1", 0 },
};

static void
test_addr_is_public(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(addrs); i++) {
        struct sockaddr_in in4 = { 0 };
        struct sockaddr_in6 in6 = { 0 };
        const struct sockaddr *sa;

        if (inet_pton(AF_INET, addrs[i].addr, &in4.sin_addr) == 1) {
            in4.sin_family = AF_INET;
            sa = (const struct sockaddr *)&in4;
        } else {
            assert_int_equal(inet_pton(AF_INET6, addrs[i].addr, &in6.sin6_addr), 1);
            in6.sin6_family = AF_INET6;
            sa = (const struct sockaddr *)&in6;
        }
        if (fetch_addr_is_public(sa) != addrs[i].is_public)
            fail_msg("%s: want public=%d", addrs[i].addr, addrs[i].is_public);
    }
    {
        struct sockaddr other = { 0 };
        other.sa_family = AF_UNIX;
        assert_int_equal(fetch_addr_is_public(&other), 0);
        assert_int_equal(fetch_addr_is_public(NULL), 0);
    }
}

/* ---- concurrency ---- */

#define NCONC 8

struct tally {
    int calls[NCONC + 2];
    int ok[NCONC + 2];
    int matched[NCONC + 2];
    int total;
};

static int slot_ids[NCONC + 2];

static void
on_done(const struct fetch_result *r, void *arg)
{
    struct tally *t = arg;
    int id = *(const int *)r->user;
    char want[16];

    t->total++;
    t->calls[id]++;
    t->ok[id] = r->ok;
    snprintf(want, sizeof(want), "id=%d", id);
    t->matched[id] = r->ok && strcmp(r->body, want) == 0;
}

static void
test_concurrent_run(void **state)
{
    struct fetch_opts o;
    struct fetch_req reqs[NCONC + 2];
    char urls[NCONC][128];
    struct tally t;
    double t0, elapsed;

    (void)state;
    test_opts(&o);
    o.concurrency = NCONC;
    o.per_host = NCONC;
    memset(reqs, 0, sizeof(reqs));
    for (int i = 0; i < NCONC; i++) {
        slot_ids[i] = i;
        snprintf(urls[i], sizeof(urls[i]), "%s/sleep?ms=700&id=%d", base, i);
        reqs[i].url = urls[i];
        reqs[i].allow_local = 1;
        reqs[i].user = &slot_ids[i];
    }
    /* Two that fail before any transfer still get exactly one callback. */
    slot_ids[NCONC] = NCONC;
    reqs[NCONC].url = "not a url";
    reqs[NCONC].user = &slot_ids[NCONC];
    slot_ids[NCONC + 1] = NCONC + 1;
    reqs[NCONC + 1].url = "file:///etc/hostname";
    reqs[NCONC + 1].user = &slot_ids[NCONC + 1];

    memset(&t, 0, sizeof(t));
    t0 = now();
    assert_int_equal(fetch_run(&o, reqs, NCONC + 2, on_done, &t), ALM_OK);
    elapsed = now() - t0;
    assert_int_equal(t.total, NCONC + 2);
    for (int i = 0; i < NCONC + 2; i++)
        assert_int_equal(t.calls[i], 1);
    for (int i = 0; i < NCONC; i++)
        assert_true(t.matched[i]);
    assert_false(t.ok[NCONC]);
    assert_false(t.ok[NCONC + 1]);
    /* One after another this would take 5.6 s. */
    if (elapsed > 4.5) /* generous for a loaded machine */
        fail_msg("8 parallel 0.7 s requests took %.2f s", elapsed);

    /* per_host 2: four requests to one host need two rounds. */
    o.per_host = 2;
    memset(&t, 0, sizeof(t));
    t0 = now();
    assert_int_equal(fetch_run(&o, reqs, 4, on_done, &t), ALM_OK);
    elapsed = now() - t0;
    assert_int_equal(t.total, 4);
    for (int i = 0; i < 4; i++)
        assert_true(t.matched[i]);
    if (elapsed < 1.35 || elapsed > 4.0)
        fail_msg("4 requests at 2 per host took %.2f s, want about 1.4", elapsed);

    assert_int_equal(fetch_run(NULL, reqs, 1, on_done, &t), ALM_EINVAL);
    assert_int_equal(fetch_run(&o, reqs, 1, NULL, &t), ALM_EINVAL);
    assert_int_equal(fetch_run(&o, NULL, 0, on_done, &t), ALM_OK);
}

/* ---- conditional GET ---- */

static void
test_conditional_get(void **state)
{
    struct fetch_opts o;
    struct fetch_result *r, *r2;

    (void)state;
    test_opts(&o);
    r = get(&o, "/feed");
    assert_true(r->ok);
    assert_int_equal(r->status, 200);
    assert_false(r->not_modified);
    assert_non_null(strstr(r->body, "<rss"));
    assert_string_equal(r->etag, "\"feed-v1\"");
    assert_string_equal(r->last_modified, "Tue, 10 Jun 2003 04:00:00 GMT");
    assert_string_equal(r->content_type, "application/rss+xml; charset=utf-8");
    assert_string_equal(r->effective_url, url_of("/feed"));
    assert_null(r->permanent_url);
    assert_null(r->error);
    assert_int_equal(r->retry_after, 0);
    assert_true(r->duration >= 0 && r->duration < 5);

    /* Both validators, then each alone. */
    r2 = get_full(&o, "/feed", 1, r->etag, r->last_modified);
    assert_true(r2->ok);
    assert_true(r2->not_modified);
    assert_int_equal(r2->status, 304);
    assert_int_equal(r2->len, 0);
    assert_string_equal(r2->body, "");
    assert_string_equal(r2->etag, "\"feed-v1\"");
    fetch_result_free(r2);

    r2 = get_full(&o, "/feed", 1, r->etag, NULL);
    assert_true(r2->not_modified);
    fetch_result_free(r2);

    r2 = get_full(&o, "/feed", 1, NULL, r->last_modified);
    assert_true(r2->not_modified);
    fetch_result_free(r2);

    /* A stale ETag gets the body again; one with a line break is not sent. */
    r2 = get_full(&o, "/feed", 1, "\"feed-v0\"", NULL);
    assert_true(r2->ok);
    assert_int_equal(r2->status, 200);
    assert_true(r2->len > 0);
    fetch_result_free(r2);

    r2 = get_full(&o, "/feed", 1, "\"feed-v1\"\r\nX-Evil: 1", NULL);
    assert_int_equal(r2->status, 200);
    fetch_result_free(r2);

    fetch_result_free(r);
}

static void
test_gzip(void **state)
{
    struct fetch_opts o;
    struct fetch_result *r;
    char want[3601];

    (void)state;
    want[0] = '\0';
    for (int i = 0; i < 200; i++)
        strcat(want, "decoded gzip body\n");
    test_opts(&o);
    r = get(&o, "/gzip");
    assert_true(r->ok);
    assert_int_equal(r->len, 3600);
    assert_string_equal(r->body, want);
    fetch_result_free(r);

    /* The cap is on the decoded size: 3600 fits in 3600, not in 3599. */
    o.max_bytes = 3600;
    r = get(&o, "/gzip");
    assert_true(r->ok);
    fetch_result_free(r);
    o.max_bytes = 3599;
    r = get(&o, "/gzip");
    assert_false(r->ok);
    assert_string_equal(r->error, "body too large (> 3599 bytes)");
    fetch_result_free(r);
}

/* ---- redirects ---- */

static const struct {
    const char *path;
    int ok;
    int permanent;       /* permanent_url must be set */
    const char *error;   /* prefix of the error when !ok */
} redirects[] = {
    { "/feed", 1, 0, NULL },
    { "/redirect-permanent", 1, 1, NULL },
    { "/redirect-temp", 1, 0, NULL },
    { "/redirect-chain", 1, 1, NULL },
    { "/redirect-loop", 0, 0, "too many redirects (> 5)" },
    { "/redirect-to-file", 0, 0, "refused: protocol not allowed" },
};

static void
test_redirects(void **state)
{
    struct fetch_opts o;

    (void)state;
    test_opts(&o);
    for (size_t i = 0; i < LEN(redirects); i++) {
        struct fetch_result *r = get(&o, redirects[i].path);

        if (r->ok != redirects[i].ok)
            fail_msg("%s: ok %d, error %s", redirects[i].path, r->ok,
                     r->error ? r->error : "-");
        if (r->ok) {
            assert_string_equal(r->effective_url, url_of("/feed"));
            /* Only the final response's body, not the "moved" pages. */
            assert_true(strncmp(r->body, "<?xml", 5) == 0);
            assert_string_equal(r->etag, "\"feed-v1\"");
        } else {
            assert_true(strncmp(r->error, redirects[i].error, strlen(redirects[i].error)) == 0);
        }
        if (redirects[i].permanent) {
            assert_non_null(r->permanent_url);
            assert_string_equal(r->permanent_url, url_of("/feed"));
        } else if (r->permanent_url != NULL) {
            fail_msg("%s: permanent_url %s", redirects[i].path, r->permanent_url);
        }
        fetch_result_free(r);
    }

    o.max_redirects = 1;
    {
        struct fetch_result *r = get(&o, "/redirect-chain");
        assert_false(r->ok);
        assert_string_equal(r->error, "too many redirects (> 1)");
        fetch_result_free(r);
    }
}

/* ---- time limits ---- */

static void
test_timeouts(void **state)
{
    struct fetch_opts o;
    struct fetch_result *r;
    double t0, elapsed;

    (void)state;
    test_opts(&o);
    o.timeout = 2;
    t0 = now();
    r = get(&o, "/slow");
    elapsed = now() - t0;
    assert_false(r->ok);
    assert_string_equal(r->error, "timeout after 2 s");
    assert_int_equal(r->len, 0);
    if (elapsed < 1.8 || elapsed > 6.0) /* generous: a loaded machine lags */
        fail_msg("a 2 s timeout took %.2f s", elapsed);
    fetch_result_free(r);

    /* A byte every 2 s is under 1 byte/s: the low-speed limit ends it. */
    test_opts(&o);
    o.timeout = 20;
    o.low_speed_time = 2;
    t0 = now();
    r = get(&o, "/slow");
    elapsed = now() - t0;
    assert_false(r->ok);
    assert_string_equal(r->error, "too slow: under 1 byte/s for 2 s");
    if (elapsed > 10)
        fail_msg("a 2 s low-speed limit took %.2f s", elapsed);
    fetch_result_free(r);
}

/* ---- size limits ---- */

struct capped {
    int calls;
    int ok[3];
    long status[3];
    size_t len[3];
    char error[3][64];
};

static void
on_capped(const struct fetch_result *r, void *arg)
{
    struct capped *c = arg;
    int i = *(const int *)r->user;

    c->calls++;
    c->ok[i] = r->ok;
    c->status[i] = r->status;
    c->len[i] = r->len;
    snprintf(c->error[i], sizeof(c->error[i]), "%s", r->error ? r->error : "");
}

static void
test_size_caps(void **state)
{
    static const char *paths[3] = { "/big", "/endless", "/gzip-bomb" };
    static int ids[3] = { 0, 1, 2 };
    struct fetch_opts o;
    struct fetch_req reqs[3];
    char urls[3][128];
    struct capped c;
    double t0, elapsed;

    (void)state;
    test_opts(&o);
    assert_int_equal(o.max_bytes, 16 * MIB);
    memset(reqs, 0, sizeof(reqs));
    memset(&c, 0, sizeof(c));
    for (int i = 0; i < 3; i++) {
        snprintf(urls[i], sizeof(urls[i]), "%s%s", base, paths[i]);
        reqs[i].url = urls[i];
        reqs[i].allow_local = 1;
        reqs[i].user = &ids[i];
    }
    t0 = now();
    assert_int_equal(fetch_run(&o, reqs, 3, on_capped, &c), ALM_OK);
    elapsed = now() - t0;
    assert_int_equal(c.calls, 3);
    for (int i = 0; i < 3; i++) {
        if (c.ok[i] || strcmp(c.error[i], "body too large (> 16777216 bytes)") != 0)
            fail_msg("%s: ok %d, error '%s'", paths[i], c.ok[i], c.error[i]);
        assert_int_equal(c.status[i], 200);
        assert_int_equal(c.len[i], 0);
    }
    if (elapsed > 10)
        fail_msg("capped bodies took %.2f s", elapsed);
}

/* ---- statuses ---- */

static const struct {
    const char *path;
    long status;
    long retry_min, retry_max;
} statuses[] = {
    { "/status/404", 404, 0, 0 },
    { "/status/500", 500, 0, 0 },
    { "/status/204", 204, 0, 0 },
    { "/status/429", 429, 120, 120 },
    { "/status/503", 503, 100, 121 },
    { "/no-such-route", 404, 0, 0 },
};

static void
test_statuses(void **state)
{
    struct fetch_opts o;

    (void)state;
    test_opts(&o);
    for (size_t i = 0; i < LEN(statuses); i++) {
        struct fetch_result *r = get(&o, statuses[i].path);
        char want[32];

        snprintf(want, sizeof(want), "HTTP %ld", statuses[i].status);
        assert_false(r->ok);
        assert_int_equal(r->status, statuses[i].status);
        assert_string_equal(r->error, want);
        if (r->retry_after < statuses[i].retry_min || r->retry_after > statuses[i].retry_max)
            fail_msg("%s: retry_after %ld", statuses[i].path, r->retry_after);
        fetch_result_free(r);
    }
}

static void
test_user_agent(void **state)
{
    struct fetch_opts o;
    struct fetch_result *r;

    (void)state;
    test_opts(&o);
    o.user_agent = "almanac-test/1.0 (+https://example.org/bot)";
    r = get(&o, "/ua");
    assert_true(r->ok);
    assert_string_equal(r->body, o.user_agent);
    fetch_result_free(r);

    test_opts(&o);
    r = get(&o, "/ua");
    assert_string_equal(r->body, "almanac/0.1");
    fetch_result_free(r);
}

/* ---- file:// ---- */

static void
test_file_urls(void **state)
{
    char path[] = "/tmp/almanac-fetch-XXXXXX";
    char url[128], missing[160];
    struct fetch_opts o;
    struct fetch_result *r;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "<rss/>\n", 7), 7);
    close(fd);
    snprintf(url, sizeof(url), "file://%s", path);
    snprintf(missing, sizeof(missing), "file://%s.missing", path);
    test_opts(&o);

    r = get_full(&o, url, 1, NULL, NULL);
    assert_true(r->ok);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "<rss/>\n");
    assert_null(r->permanent_url);
    fetch_result_free(r);

    r = get_full(&o, url, 0, NULL, NULL);
    assert_false(r->ok);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->error, "refused: file:// is only for local sources");
    fetch_result_free(r);

    r = get_full(&o, missing, 1, NULL, NULL);
    assert_false(r->ok);
    assert_int_equal(r->status, 0);
    fetch_result_free(r);

    o.allow_local_all = 1;
    r = get_full(&o, url, 0, NULL, NULL);
    assert_true(r->ok);
    fetch_result_free(r);

    unlink(path);
}

/* ---- SSRF guard ---- */

static void
test_ssrf_guard(void **state)
{
    struct fetch_opts o;
    struct fetch_result *r;
    char name_url[128];

    (void)state;
    test_opts(&o);
    r = get_full(&o, "/feed", 0, NULL, NULL);
    assert_false(r->ok);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->error, "refused: 127.0.0.1 is a loopback address");
    fetch_result_free(r);

    r = get_full(&o, "/redirect-to-private", 0, NULL, NULL);
    assert_false(r->ok);
    assert_string_equal(r->error, "refused: 127.0.0.1 is a loopback address");
    fetch_result_free(r);

    /* A name is checked by what it resolves to. */
    snprintf(name_url, sizeof(name_url), "http://localhost:%s/feed", strrchr(base, ':') + 1);
    r = get_full(&o, name_url, 0, NULL, NULL);
    assert_false(r->ok);
    assert_true(strncmp(r->error, "refused: ", 9) == 0);
    assert_non_null(strstr(r->error, "is a loopback address"));
    fetch_result_free(r);

    o.allow_local_all = 1;
    r = get_full(&o, "/feed", 0, NULL, NULL);
    assert_true(r->ok);
    fetch_result_free(r);
}

struct pair {
    int calls;
    int ok[2];
    char error[2][64];
};

static void
on_pair(const struct fetch_result *r, void *arg)
{
    struct pair *p = arg;
    int i = *(const int *)r->user;

    p->calls++;
    p->ok[i] = r->ok;
    snprintf(p->error[i], sizeof(p->error[i]), "%s", r->error ? r->error : "");
}

/* A guarded request must not ride on a connection a local one opened. */
static void
test_ssrf_no_reuse(void **state)
{
    static int ids[2] = { 0, 1 };
    struct fetch_opts o;
    struct fetch_req reqs[2];
    char url[128];
    struct pair p;

    (void)state;
    test_opts(&o);
    o.concurrency = 1;
    snprintf(url, sizeof(url), "%s/feed", base);
    memset(reqs, 0, sizeof(reqs));
    memset(&p, 0, sizeof(p));
    reqs[0].url = url;
    reqs[0].allow_local = 1;
    reqs[0].user = &ids[0];
    reqs[1].url = url;
    reqs[1].allow_local = 0;
    reqs[1].user = &ids[1];
    assert_int_equal(fetch_run(&o, reqs, 2, on_pair, &p), ALM_OK);
    assert_int_equal(p.calls, 2);
    assert_true(p.ok[0]);
    assert_false(p.ok[1]);
    assert_string_equal(p.error[1], "refused: 127.0.0.1 is a loopback address");
}

static const struct {
    const char *url;
    const char *error; /* prefix */
} bad_urls[] = {
    { "not a url", "bad URL: " },
    { "", "bad URL: " },
    { "http://", "bad URL: " },
    { "ftp://example.com/feed", "refused: unsupported scheme ftp" },
    { "gopher://example.com/", "refused: unsupported scheme gopher" },
    { "data:text/plain,hi", "bad URL: " },
    { NULL, "bad URL: none given" },
};

static void
test_bad_urls(void **state)
{
    struct fetch_opts o;
    struct fetch_result *r = NULL;

    (void)state;
    test_opts(&o);
    for (size_t i = 0; i < LEN(bad_urls); i++) {
        struct fetch_req req = { 0 };

        req.url = bad_urls[i].url;
        req.allow_local = 1;
        assert_int_equal(fetch_one(&o, &req, &r), ALM_OK);
        assert_false(r->ok);
        assert_non_null(r->body);
        if (strncmp(r->error, bad_urls[i].error, strlen(bad_urls[i].error)) != 0)
            fail_msg("%s: error '%s'", bad_urls[i].url ? bad_urls[i].url : "NULL", r->error);
        assert_null(r->effective_url);
        fetch_result_free(r);
    }
    assert_int_equal(fetch_one(&o, NULL, &r), ALM_EINVAL);
    fetch_result_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_is_public),
        cmocka_unit_test(test_concurrent_run),
        cmocka_unit_test(test_conditional_get),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_redirects),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_size_caps),
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_user_agent),
        cmocka_unit_test(test_file_urls),
        cmocka_unit_test(test_ssrf_guard),
        cmocka_unit_test(test_ssrf_no_reuse),
        cmocka_unit_test(test_bad_urls),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
