/*
 * request.h - the request's state, below every handler and the server:
 * what a handler is given (the site's context, the decoded request, the
 * response to fill) and what it may ask for (its query parameters, the
 * thread's store connection with the request's query budget, the clock).
 *
 * server.c (libmicrohttpd, on top) parses each request into a struct
 * web_request, finds its route (routes.c), lets the handler fill a struct
 * web_response, then does everything HTTP-generic: conditional requests
 * (ETag / Last-Modified -> 304), gzip, security headers, Cache-Control,
 * access log and metrics. Handlers (page_*.c: HTML; api.c: JSON; feeds.c:
 * Atom and JSON Feed; status.c: /healthz and /metrics) only read the store
 * or the server's counters and render into the body buffer; they never see
 * libmicrohttpd.
 *
 * Every request runs on one of the server's threads; web_store() gives the
 * calling thread its own read-only store connection.
 */
#ifndef ALMANAC_WEB_REQUEST_H
#define ALMANAC_WEB_REQUEST_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"

struct store;
struct config;
struct web_status;

struct web_ctx {
    const struct config *cfg;
    const char *db_path;      /* each thread opens its own connection */
    const char *base_url;     /* absolute URL of the site, for feeds ("http://127.0.0.1:8080") */
    time_t fixed_now;         /* ALMANAC_NOW, or 0 for the real clock */
    int query_budget_ms;      /* what one request may spend in the store; 0: the default */
    struct web_status *status; /* the server's counters (status.h), or NULL: no server */
    /* Starts a fetch of every enabled source (`almanac run`: wakes its
     * schedule); NULL when this process does not ingest (`almanac serve`). */
    void (*ingest_now)(void);
    /* Starts a fetch of the source slug, due or not (`almanac run`); NULL
     * when this process does not ingest. */
    void (*ingest_source)(const char *slug);
};

/* What one request may spend in the store: past it the query stops and the
 * answer is 503 (docs/security.md). Pages from the cache cost nothing. */
#define WEB_QUERY_BUDGET_MS 750

/*
 * The calling thread's store connection (opened on first use); NULL on error.
 * Each call starts the request's query budget (WEB_QUERY_BUDGET_MS).
 */
struct store *web_store(const struct web_ctx *ctx);
/*
 * The status an error answer should carry: 503 instead of 500 when the
 * thread's last query was stopped by its budget (the request was too
 * expensive, not the site broken), else status.
 */
int web_error_status(int status);
/* Now, or the fixed clock. */
time_t web_now(const struct web_ctx *ctx);

/*
 * The server's side of the thread's request state. web_request_begin()
 * says when the thread's request arrived (its budget counts from there:
 * time spent waiting for a render slot is spent) and forgets the last
 * request's budget and whether it ran out; web_request_end() stops
 * counting. web_store_release() closes the calling thread's connection, if
 * web_store() opened one (the server's threads' close as they end).
 */
void web_request_begin(const struct timespec *start);
void web_request_end(void);
void web_store_release(void);

#define WEB_MAX_PARAMS 32

struct web_param {
    const char *name, *value; /* decoded, borrowed for the request */
};

struct web_request {
    const char *method;       /* "GET", "HEAD" */
    const char *path;         /* decoded path, no query: "/events/12-claude" */
    struct web_param params[WEB_MAX_PARAMS];
    size_t nparams;
    const char *body;         /* a write's request body (NUL-terminated), else NULL */
    size_t body_len;
};

/* The first value of a query parameter, or NULL. */
const char *web_param(const struct web_request *r, const char *name);

struct web_response {
    int status;               /* 200 unless set */
    const char *content_type; /* "text/html; charset=utf-8" ... (static string) */
    struct buf body;          /* BUF_INIT(WEB_MAX_BODY) by the server */
    time_t last_modified;     /* 0: none; the server sends Last-Modified and answers
                               * If-Modified-Since */
    int max_age;              /* Cache-Control max-age seconds; -1: no-store */
    char location[512];       /* for redirects (status 301/302/303) */
};

#define WEB_MAX_BODY ((size_t)32 << 20)

/*
 * A handler fills resp and returns 0; on a missing resource it sets
 * resp->status = 404 (and may leave the body empty: the server renders the
 * site's 404 page). It never writes internal error text to the body; on a
 * store error it sets 500 and the server shows the generic error page.
 */
typedef int web_handler(const struct web_ctx *ctx, const struct web_request *req,
                        struct web_response *resp);

#endif
