/*
 * serve.c - `almanac serve` (the site, API and feeds over HTTP) and
 * `almanac run` (the same, plus `almanac ingest` on a schedule).
 *
 * The main thread owns the read-write store: it creates and migrates the
 * database before the server starts (the server's threads only read, each
 * through its own connection) and, in `run`, ingests. SIGTERM and SIGINT
 * are blocked in every thread and taken by the main thread with
 * sigwait/sigtimedwait, so a stop never interrupts a store write: during
 * an ingest it takes effect when the ingest ends.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/logfmt.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "web/server.h"
#include "web/request.h"

struct serve_opts {
    struct web_server_opts web;
    const char *access_log;   /* a file, or NULL for stderr */
    const char *base_url;
    long every;               /* run: seconds between two ingests */
};

/* The port of --listen ADDR:PORT, the number after the last ':' (the
 * server reads the address). Printed when it is not 0..65535. */
static int
check_port(const char *listen)
{
    const char *colon = strrchr(listen, ':');
    long long port;

    if (colon == NULL)
        return ALM_OK; /* no port at all: the server says so */
    return cli_number("--listen port", colon + 1, 0, 65535, &port);
}

/* ALM_OK; ALM_EINVAL after printing which value is wrong; ALM_ENOTFOUND
 * for an unknown option or a missing value (the caller prints usage). */
static int
parse_opts(int argc, char **argv, int run, struct serve_opts *o)
{
    long long v;

    memset(o, 0, sizeof(*o));
    o->web.listen = WEB_DEFAULT_LISTEN;
    o->every = 300;
    /* every option takes a value: they come in pairs */
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;

        if (next == NULL) {
            fprintf(stderr, "almanac: %s: %s needs a value\n", run ? "run" : "serve", a);
            return ALM_ENOTFOUND;
        }
        if (strcmp(a, "--listen") == 0) {
            if (check_port(next) != ALM_OK)
                return ALM_EINVAL;
            o->web.listen = next;
        } else if (strcmp(a, "--access-log") == 0) {
            o->access_log = next;
        } else if (strcmp(a, "--base-url") == 0) {
            o->base_url = next;
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_number(a, next, 1, 64, &v) != ALM_OK)
                return ALM_EINVAL;
            o->web.threads = (unsigned)v;
        } else if (strcmp(a, "--max-connections") == 0) {
            if (cli_number(a, next, 1, 65536, &v) != ALM_OK)
                return ALM_EINVAL;
            o->web.max_conns = (unsigned)v;
        } else if (strcmp(a, "--max-per-address") == 0) {
            if (cli_number(a, next, 1, 65536, &v) != ALM_OK)
                return ALM_EINVAL;
            o->web.max_per_address = (unsigned)v;
        } else if (strcmp(a, "--header-timeout") == 0) {
            if (cli_number(a, next, 1, 3600, &v) != ALM_OK)
                return ALM_EINVAL;
            o->web.header_timeout = (unsigned)v;
        } else if (strcmp(a, "--request-timeout") == 0) {
            if (cli_number(a, next, 1, 86400, &v) != ALM_OK)
                return ALM_EINVAL;
            o->web.request_timeout = (unsigned)v;
        } else if (run && strcmp(a, "--every") == 0) {
            if (cli_number(a, next, 10, 7 * 86400, &v) != ALM_OK)
                return ALM_EINVAL;
            o->every = (long)v;
        } else {
            fprintf(stderr, "almanac: %s: unknown option '%s'\n", run ? "run" : "serve", a);
            return ALM_ENOTFOUND;
        }
    }
    return ALM_OK;
}

/* Up to 1024 connections (and what libmicrohttpd allows above while
 * closed ones go) plus the store's files need more than the usual soft
 * limit of 1024 descriptors; more connections need more. */
static void
raise_fd_limit(unsigned max_conns)
{
    struct rlimit rl;
    rlim_t want = max_conns > 3072 ? (rlim_t)max_conns + 1024 : 4096;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
        rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* run: every due source, as `almanac ingest` does; with all, every
 * enabled one, due or not (POST /api/v1/fetch). */
static int
ingest_once(struct cli *c, int all)
{
    struct ingest_options o = { 0 };

    o.force_all = all;
    return cli_ingest(c, &o);
}

/* POST /api/v1/fetch under run, on a server thread: the main thread's
 * wait takes SIGUSR1 (blocked everywhere) and fetches at once. */
static void
wake_ingest(void)
{
    kill(getpid(), SIGUSR1);
}

/* POST /api/v1/sources/SLUG/fetch under run: the slugs waiting for the
 * main thread, which SIGUSR2 wakes. */
#define PENDING_MAX 64
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static char *pending[PENDING_MAX];
static size_t npending;

static void
wake_source(const char *slug)
{
    int known = 0;

    pthread_mutex_lock(&pending_lock);
    for (size_t i = 0; i < npending; i++)
        known |= strcmp(pending[i], slug) == 0;
    if (!known && npending < PENDING_MAX)
        pending[npending++] = xstrdup(slug);
    pthread_mutex_unlock(&pending_lock);
    kill(getpid(), SIGUSR2);
}

/* run: the sources asked for by name, now. */
static void
ingest_pending(struct cli *c)
{
    char *list[PENDING_MAX];
    size_t n;
    struct ingest_options o = { 0 };

    pthread_mutex_lock(&pending_lock);
    n = npending;
    memcpy(list, pending, n * sizeof(*list));
    npending = 0;
    pthread_mutex_unlock(&pending_lock);
    if (n == 0)
        return;
    o.only = (const char *const *)list;
    o.nonly = n;
    o.force_named = 1;
    cli_ingest(c, &o);
    for (size_t i = 0; i < n; i++)
        free(list[i]);
}

/* ALMANAC_QUERY_BUDGET_MS: what one request may spend in the store
 * (docs/security.md); unset for the default, WEB_QUERY_BUDGET_MS. */
static int
query_budget(int *ms)
{
    const char *v = getenv("ALMANAC_QUERY_BUDGET_MS");
    char *end;
    long n;

    *ms = WEB_QUERY_BUDGET_MS;
    if (v == NULL || *v == '\0')
        return ALM_OK;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || n < 1 || n > 600000) {
        fprintf(stderr, "almanac: ALMANAC_QUERY_BUDGET_MS=%s: not a number of milliseconds"
                        " from 1 to 600000\n", v);
        return ALM_EINVAL;
    }
    *ms = (int)n;
    return ALM_OK;
}

static int
serve(struct cli *c, int argc, char **argv, int run)
{
    struct serve_opts o;
    struct web_ctx ctx;
    struct web_server *srv = NULL;
    sigset_t stop;
    FILE *log = stderr;
    const char *fixed = getenv("ALMANAC_NOW");
    char err[512];
    int sig = 0, rc = parse_opts(argc, argv, run, &o);

    if (rc == ALM_EINVAL)
        return 2;
    if (rc != ALM_OK) {
        fprintf(stderr, "usage: almanac %s [--listen ADDR:PORT] [--access-log FILE]"
                        " [--base-url URL] [--threads N]\n"
                        "         [--max-connections N] [--max-per-address N]"
                        " [--header-timeout SECONDS] [--request-timeout SECONDS]%s\n",
                run ? "run" : "serve", run ? " [--every SECONDS]" : "");
        return 2;
    }
    /* The read-write connection creates and migrates the database, and
     * stays open: read-only connections need its WAL files. */
    if (cli_config(c) == NULL || cli_store(c) == NULL)
        return 1;
    if (o.access_log) {
        log = fopen(o.access_log, "a");
        if (log == NULL) {
            fprintf(stderr, "almanac: %s: %s\n", o.access_log, strerror(errno));
            return 1;
        }
        setvbuf(log, NULL, _IOLBF, 0);
    }
    o.web.access_log = log;
    memset(&ctx, 0, sizeof(ctx));
    ctx.cfg = c->file; /* c->cfg becomes a view with the API's sources (cli_defs) */
    ctx.db_path = c->db_path ? c->db_path : c->cfg->database;
    ctx.base_url = o.base_url;
    ctx.fixed_now = fixed && *fixed ? c->now : 0;
    if (query_budget(&ctx.query_budget_ms) != ALM_OK)
        return 2;

    /* Blocked before the server's threads exist, so they inherit it. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    if (run) { /* SIGUSR1: POST /api/v1/fetch (wake_ingest) */
        sigaddset(&stop, SIGUSR1);
        sigaddset(&stop, SIGUSR2); /* POST /api/v1/sources/SLUG/fetch (wake_source) */
        ctx.ingest_now = wake_ingest;
        ctx.ingest_source = wake_source;
    }
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit(o.web.max_conns);

    if (web_server_start(&ctx, &o.web, &srv, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", err);
        if (log != stderr)
            fclose(log);
        return 1;
    }
    printf("almanac: serving %s\n", web_server_url(srv));
    fflush(stdout);

    if (!run) {
        while (sigwait(&stop, &sig) != 0)
            ;
    } else {
        int all = 0, named = 0;
        for (;;) {
            struct timespec ts = { o.every, 0 };
            if (named)
                ingest_pending(c);
            else
                ingest_once(c, all);
            fflush(stdout);
            sig = sigtimedwait(&stop, NULL, &ts);
            all = sig == SIGUSR1;
            named = sig == SIGUSR2;
            if (sig > 0 && !all && !named)
                break;
        }
    }
    logfmt_print(stderr, "info", "stopping", "signal", sig == SIGINT ? "INT" : "TERM",
                 (char *)NULL);
    web_server_stop(srv);
    for (size_t i = 0; i < npending; i++) /* asked for, not fetched before the stop */
        free(pending[i]);
    npending = 0;
    if (log != stderr)
        fclose(log);
    return 0;
}

int
cmd_serve(struct cli *c, int argc, char **argv)
{
    return serve(c, argc, argv, 0);
}

int
cmd_run(struct cli *c, int argc, char **argv)
{
    return serve(c, argc, argv, 1);
}
